//! The FAPI personalities' side of the sandbox (a child of the server
//! module): the pushed authorization request endpoint (RFC 9126 §2), the
//! authorization endpoint that takes only a `request_uri` (RFC 9126 §4, §5),
//! signed request objects checked with the client's key (RFC 9101 §6.3),
//! JWT-secured authorization responses (JARM §2), and DPoP proofs checked
//! at the token and UserInfo endpoints with the app's own checker
//! ([`crate::oauth::dpop::verify_proof`], RFC 9449 §4.3, §7.1, §8).
//!
//! Every input is hostile loopback traffic: sizes are bounded, nothing
//! panics, every refusal is an OAuth error.

use std::collections::HashSet;

use axum::http::{Method, StatusCode, header};
use axum::response::Response;
use serde_json::{Map, Value, json};

use crate::oauth::dpop::{DEFAULT_MAX_AGE, ProofExpectations, proof_jkt, verify_proof};
use crate::oauth::request_object::{MAX_LIFETIME_SECONDS, TYP};
use crate::token::Timestamp;
use crate::token::jose::{Decoded, JwsPayload, decode_unverified};
use crate::token::verify::{SignatureOutcome, verify_decoded};

use super::super::keys::SigningAlg;
use super::super::personality::{ErrorAnswer, Failure, USERS};
use super::super::store::PendingRequest;
use super::{
    Answer, Incoming, LOGIN_PATH, Shared, authenticate, html, is_loopback_redirect, json_response,
    pages, redirect, signed_in, with_query,
};

/// The prefix of the `request_uri`s the PAR endpoint hands out (RFC 9126 §2.2).
pub const REQUEST_URI_PREFIX: &str = "urn:ietf:params:oauth:request_uri:";

/// How long a pushed request may be used, in seconds (RFC 9126 §2.2
/// `expires_in`; FAPI 2.0 Security Profile §5.3.2.2 asks for under 600).
pub const PAR_LIFETIME: i64 = 60;

/// How long a JWT-secured authorization response is good for (JARM §2.1:
/// "exp … MUST be … short", 10 minutes at most is recommended).
pub const JARM_LIFETIME: i64 = 60;

/// The longest DPoP proof read, in bytes.
const MAX_PROOF_BYTES: usize = 8 * 1024;

/// The longest request object read, in bytes.
const MAX_REQUEST_OBJECT_BYTES: usize = 64 * 1024;

/// How far in the future a request object's `nbf` may be (clock skew), seconds.
const NBF_LEEWAY: i64 = 10;

/// The JWT response modes (JARM §2.3) the FAPI personalities answer with.
pub const JARM_MODES: [&str; 2] = ["jwt", "query.jwt"];

/// The proof algorithms the DPoP checker takes (RFC 9449 §5.1 metadata).
pub const DPOP_ALGS: [&str; 5] = ["ES256", "EdDSA", "PS256", "RS256", "ES384"];

/// Claims of a request object that are its own, not authorization parameters.
const REGISTERED: [&str; 6] = ["iss", "aud", "exp", "nbf", "iat", "jti"];

/// The pushed authorization request endpoint (RFC 9126 §2): a form POST
/// with the client authenticated as at the token endpoint (§2.1); for the
/// FAPI personalities the parameters come in a signed request object (§3,
/// RFC 9101), which is checked before anything in it is believed. A DPoP
/// proof (RFC 9449 §10.1) or `dpop_jkt` (§10) binds the code to a key.
/// Answers 201 with `request_uri` and `expires_in` (§2.2), errors as §2.3.
pub(super) fn pushed_authorization(shared: &Shared, incoming: &Incoming) -> Answer {
    let spec = shared.personality.spec();
    if let Some(refused) = refused_as_http(incoming) {
        return Ok(refused);
    }
    let form = incoming
        .form
        .as_ref()
        .filter(|_| incoming.method == Method::POST)
        .ok_or(Failure::NotForm)?;
    let mut seen = HashSet::new();
    if let Some((name, _)) = form.iter().find(|(k, _)| !seen.insert(k.as_str())) {
        return Err(Failure::DuplicatedParameter(name.clone()));
    }
    let client_id = authenticate(shared, incoming, false)?;
    if incoming.form_param("request_uri").is_some() {
        return Err(Failure::InvalidRequest(
            "request_uri must not be sent to the pushed authorization request endpoint (RFC 9126 §2.1)"
                .to_owned(),
        ));
    }
    let now = shared.now();
    let params: Vec<(String, String)> = match incoming.form_param("request") {
        Some(object) => request_object_parameters(shared, &object, &client_id, now)?,
        None if spec.fapi => {
            return Err(Failure::InvalidRequest(
                "a signed request object is required: send the parameters in request (RFC 9101 §5.1; require_signed_request_object)"
                    .to_owned(),
            ));
        }
        None => form.clone(),
    };
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty())
    };
    if param("client_id").is_some_and(|id| id != client_id) {
        return Err(Failure::InvalidRequest(
            "client_id in the request is not the authenticated client (RFC 9126 §2.1)".to_owned(),
        ));
    }
    let redirect_uri = param("redirect_uri")
        .filter(|r| is_loopback_redirect(r))
        .ok_or_else(|| {
            Failure::InvalidRequest(
                "redirect_uri is missing or not a loopback http:// address".to_owned(),
            )
        })?;
    if param("response_type").as_deref() != Some("code") {
        return Err(Failure::InvalidRequest(
            "response_type must be code (FAPI 2.0 Security Profile §5.3.2.2)".to_owned(),
        ));
    }
    let response_mode = param("response_mode");
    if spec.fapi
        && !response_mode
            .as_deref()
            .is_some_and(|mode| JARM_MODES.contains(&mode))
    {
        return Err(Failure::InvalidRequest(format!(
            "response_mode must be jwt or query.jwt: this provider answers with JWT-secured responses only (JARM §2.3), not {}",
            response_mode.as_deref().unwrap_or("the default query")
        )));
    }
    let challenge = pkce(
        spec.pkce_methods,
        param("code_challenge"),
        param("code_challenge_method"),
    )?;
    let dpop_jkt = code_binding(shared, incoming, param("dpop_jkt"))?;
    let expires = if shared.faults().par_expired {
        now
    } else {
        now.plus_seconds(PAR_LIFETIME)
    };
    let request_uri = format!("{REQUEST_URI_PREFIX}{}", uuid::Uuid::new_v4().simple());
    shared.store().add_pushed(
        request_uri.clone(),
        PendingRequest {
            client_id,
            redirect_uri,
            scope: param("scope").unwrap_or_default(),
            state: param("state"),
            nonce: param("nonce"),
            challenge: Some(challenge),
            response_mode,
            dpop_jkt,
            expires,
        },
        now,
    );
    Ok(json_response(
        StatusCode::CREATED,
        &json!({"request_uri": request_uri, "expires_in": PAR_LIFETIME}),
    ))
}

/// RFC 9126 §2.3: 405 (with `Allow`) for another method than POST, 413
/// for a body over the limit.
fn refused_as_http(incoming: &Incoming) -> Option<Response> {
    if incoming.method != Method::POST {
        let mut response = json_response(
            StatusCode::METHOD_NOT_ALLOWED,
            &json!({"error": "invalid_request", "error_description": "the pushed authorization request endpoint takes POST only (RFC 9126 §2.1)"}),
        );
        response
            .headers_mut()
            .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
        return Some(response);
    }
    incoming.oversized.then(|| {
        json_response(
            StatusCode::PAYLOAD_TOO_LARGE,
            &json!({"error": "invalid_request", "error_description": "the request is too large (RFC 9126 §2.3)"}),
        )
    })
}

/// PKCE's challenge and method, required (FAPI 2.0 Security Profile
/// §5.3.2.2: S256).
fn pkce(
    methods: &[&str],
    challenge: Option<String>,
    method: Option<String>,
) -> Result<(String, String), Failure> {
    let challenge = challenge.ok_or_else(|| {
        Failure::InvalidRequest(
            "code_challenge is required: PKCE with S256 (FAPI 2.0 Security Profile §5.3.2.2)"
                .to_owned(),
        )
    })?;
    let method = method.unwrap_or_else(|| "plain".to_owned());
    if !methods.contains(&method.as_str()) {
        return Err(Failure::InvalidRequest(format!(
            "code_challenge_method {method} is not supported: use S256"
        )));
    }
    Ok((challenge, method))
}

/// The key a pushed request binds its code to (RFC 9449 §10.1): the DPoP
/// proof's, or `dpop_jkt`; both must agree when both came.
fn code_binding(
    shared: &Shared,
    incoming: &Incoming,
    sent: Option<String>,
) -> Result<Option<String>, Failure> {
    let header_jkt = match dpop_header(incoming)? {
        Some(proof) => Some(check_proof(shared, incoming, &proof, None, false)?),
        None => None,
    };
    match (header_jkt, sent) {
        (Some(ours), Some(sent)) if ours != sent => Err(Failure::InvalidDpopProof(
            "dpop_jkt is not the thumbprint of the DPoP proof's key (RFC 9449 §10.1)".to_owned(),
        )),
        (Some(jkt), _) | (None, Some(jkt)) => Ok(Some(jkt)),
        (None, None) => Ok(None),
    }
}

/// The authorization parameters of a signed request object, once it
/// passes (RFC 9101 §6.3; FAPI 2.0 Message Signing §5.3.1): a JWS (not
/// `none`, not a JWE), `typ` `oauth-authz-req+jwt` (RFC 9101 §10.8), the
/// signature by the client's key, `iss` the client, `aud` the issuer,
/// `client_id` the client (§5), `exp` in the future, `nbf` in the past and
/// at most 60 minutes before `exp`.
fn request_object_parameters(
    shared: &Shared,
    object: &str,
    client_id: &str,
    now: Timestamp,
) -> Result<Vec<(String, String)>, Failure> {
    let invalid = |why: String| Failure::InvalidRequestObject(why);
    if object.len() > MAX_REQUEST_OBJECT_BYTES {
        return Err(invalid(format!(
            "the request object is over {MAX_REQUEST_OBJECT_BYTES} bytes"
        )));
    }
    let decoded = decode_unverified(object.trim()).map_err(|failure| {
        invalid(format!(
            "the request object is not a JWT: {}",
            failure.error
        ))
    })?;
    let Decoded::Jws(jws) = &decoded else {
        return Err(invalid(
            "the request object is encrypted; this provider takes signed request objects (RFC 9101 §6.1)"
                .to_owned(),
        ));
    };
    let JwsPayload::Claims(claims) = &jws.payload else {
        return Err(invalid(
            "the request object's payload is not a JSON claims set (RFC 9101 §4)".to_owned(),
        ));
    };
    let typ = jws.header.get("typ").and_then(Value::as_str).unwrap_or("");
    let typ = typ.strip_prefix("application/").unwrap_or(typ);
    if !typ.eq_ignore_ascii_case(TYP) {
        return Err(invalid(format!(
            "typ is {typ:?}, not {TYP} (RFC 9101 §10.8, FAPI 2.0 Message Signing §5.3.1)"
        )));
    }
    let Some(client_key) = shared.client_key.as_ref() else {
        return Err(Failure::ServerError(
            "the sandbox has no key for its client".to_owned(),
        ));
    };
    match verify_decoded(&decoded, client_key.public()) {
        SignatureOutcome::Valid { .. } => {}
        other => {
            return Err(invalid(format!(
                "the signature does not verify with the client's registered key (RFC 9101 §6.3): {}",
                other.summary()
            )));
        }
    }
    check_request_claims(claims, client_id, &shared.issuer(), now)?;
    Ok(claims
        .iter()
        .filter(|(name, _)| !REGISTERED.contains(&name.as_str()))
        .map(|(name, value)| {
            let value = match value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            (name.clone(), value)
        })
        .collect())
}

/// The request object's own claims (RFC 9101 §4, §5; FAPI 2.0 Message
/// Signing §5.3.1): `iss`, `aud`, `client_id`, `exp`, `nbf`.
fn check_request_claims(
    claims: &Map<String, Value>,
    client_id: &str,
    issuer: &str,
    now: Timestamp,
) -> Result<(), Failure> {
    let invalid = |why: String| Failure::InvalidRequestObject(why);
    let text = |name: &str| claims.get(name).and_then(Value::as_str);
    if text("iss") != Some(client_id) {
        return Err(invalid(format!(
            "iss is {:?}, not the client id {client_id} (RFC 9101 §4)",
            text("iss").unwrap_or("absent")
        )));
    }
    let audience_ok = match claims.get("aud") {
        Some(Value::String(aud)) => aud == issuer,
        Some(Value::Array(auds)) => auds.iter().any(|a| a.as_str() == Some(issuer)),
        _ => false,
    };
    if !audience_ok {
        return Err(invalid(format!(
            "aud must be the issuer {issuer} (RFC 9101 §4, FAPI 2.0 Message Signing §5.3.1)"
        )));
    }
    if claims
        .get("client_id")
        .is_some_and(|id| id.as_str() != Some(client_id))
    {
        return Err(invalid(
            "client_id inside the request object is not the client's (RFC 9101 §5)".to_owned(),
        ));
    }
    let number = |name: &str| claims.get(name).and_then(Value::as_i64);
    let (Some(exp), Some(nbf)) = (number("exp"), number("nbf")) else {
        return Err(invalid(
            "exp and nbf are required numbers (FAPI 2.0 Message Signing §5.3.1)".to_owned(),
        ));
    };
    if exp <= now.unix() {
        return Err(invalid(format!(
            "the request object expired at {exp} (now {})",
            now.unix()
        )));
    }
    if nbf > now.unix().saturating_add(NBF_LEEWAY) {
        return Err(invalid(format!(
            "nbf {nbf} is in the future (now {})",
            now.unix()
        )));
    }
    if exp.saturating_sub(nbf) > MAX_LIFETIME_SECONDS {
        return Err(invalid(format!(
            "exp is {} s after nbf: at most {MAX_LIFETIME_SECONDS} s (FAPI 2.0 Message Signing §5.3.1)",
            exp.saturating_sub(nbf)
        )));
    }
    Ok(())
}

/// The one `DPoP` header of a request (RFC 9449 §4.3 step 1: not more
/// than one), or `None`.
pub(super) fn dpop_header(incoming: &Incoming) -> Result<Option<String>, Failure> {
    let mut all = incoming.headers.get_all("dpop").iter();
    match (all.next(), all.next()) {
        (None, _) => Ok(None),
        (Some(value), None) => value
            .to_str()
            .ok()
            .filter(|v| v.len() <= MAX_PROOF_BYTES)
            .map(|v| Some(v.trim().to_owned()))
            .ok_or_else(|| {
                Failure::InvalidDpopProof(format!(
                    "the DPoP header is not a JWT of at most {MAX_PROOF_BYTES} bytes"
                ))
            }),
        _ => Err(Failure::InvalidDpopProof(
            "more than one DPoP header (RFC 9449 §4.3 step 1)".to_owned(),
        )),
    }
}

/// Checks a DPoP proof for this request with the app's own checker (RFC
/// 9449 §4.3): `htm`/`htu` this request's, `iat` fresh, `ath` of
/// `access_token`, and — with `nonce_required` — the server's current
/// nonce (§8; a missing or stale one is `use_dpop_nonce`); then its `jti`
/// must be new (§11.1). The proof key's thumbprint, or why not.
pub(super) fn check_proof(
    shared: &Shared,
    incoming: &Incoming,
    proof: &str,
    access_token: Option<&str>,
    nonce_required: bool,
) -> Result<String, Failure> {
    let now = shared.now();
    let nonce = nonce_required.then(|| current_nonce(shared, now));
    let url = shared.url(&incoming.path);
    let rows = verify_proof(
        proof,
        &ProofExpectations {
            htm: incoming.method.as_str(),
            htu: &url,
            access_token,
            nonce: nonce.as_deref(),
            now,
            max_age: DEFAULT_MAX_AGE,
        },
    );
    let refused: Vec<String> = rows
        .iter()
        .filter(|row| row.is_fail() && row.name != "nonce")
        .map(|row| format!("{}: {} ({})", row.name, row.reason, row.spec))
        .collect();
    if !refused.is_empty() {
        return Err(Failure::InvalidDpopProof(refused.join("; ")));
    }
    if rows.iter().any(crate::token::checks::CheckResult::is_fail) {
        return Err(Failure::UseDpopNonce);
    }
    let jti = proof_jti(proof);
    let keep_until = now.plus_seconds(DEFAULT_MAX_AGE.saturating_mul(2));
    if !shared.store().first_dpop_jti(&jti, now, keep_until) {
        return Err(replayed(&jti));
    }
    proof_jkt(proof).ok_or_else(|| {
        Failure::InvalidDpopProof("the proof's jwk has no usable thumbprint".to_owned())
    })
}

/// The DPoP proof of a token request (RFC 9449 §5): required, and
/// checked with the server's nonce; the key's thumbprint the tokens are
/// bound to. Under the `dpop-replay` fault the server's replay cache claims
/// to know every `jti`.
pub(super) fn token_proof(shared: &Shared, incoming: &Incoming) -> Result<String, Failure> {
    let proof = dpop_header(incoming)?.ok_or_else(|| {
        Failure::InvalidDpopProof(
            "a DPoP proof is required: this provider issues DPoP-bound tokens only (RFC 9449 §5)"
                .to_owned(),
        )
    })?;
    if shared.faults().dpop_replay {
        return Err(replayed(&proof_jti(&proof)));
    }
    check_proof(shared, incoming, &proof, None, true)
}

/// What a FAPI personality's metadata adds (RFC 9126 §5; RFC 9101 §10.5
/// and OIDC Discovery §3; JARM §3; RFC 9449 §5.1; OAuth 2.0 Multiple
/// Response Type Encoding §2.1; RFC 7636 §6.2).
pub(super) fn metadata(shared: &Shared, meta: &mut Map<String, Value>) {
    let spec = shared.personality.spec();
    let alg = spec.id_token_alg.map_or("ES256", SigningAlg::as_str);
    let client_alg = shared
        .client_key
        .as_ref()
        .map_or("ES256", super::super::keys::ClientKeyPair::alg);
    let mut put = |name: &str, value: Value| {
        meta.insert(name.to_owned(), value);
    };
    put("require_pushed_authorization_requests", json!(true));
    put("request_parameter_supported", json!(true));
    put("request_uri_parameter_supported", json!(false));
    put("require_signed_request_object", json!(true));
    put(
        "request_object_signing_alg_values_supported",
        json!([client_alg]),
    );
    put("authorization_signing_alg_values_supported", json!([alg]));
    put("response_modes_supported", json!(JARM_MODES));
    put("dpop_signing_alg_values_supported", json!(DPOP_ALGS));
    put("code_challenge_methods_supported", json!(["S256"]));
}

/// A proof's `jti` (empty when it has none: the checker refused it already).
pub(super) fn proof_jti(proof: &str) -> String {
    decode_unverified(proof)
        .ok()
        .and_then(|decoded| {
            decoded
                .claims()
                .and_then(|claims| claims.get("jti"))
                .and_then(Value::as_str)
                .map(|jti| jti.chars().take(64).collect())
        })
        .unwrap_or_default()
}

/// The refusal of a replayed proof (RFC 9449 §11.1).
pub(super) fn replayed(jti: &str) -> Failure {
    Failure::InvalidDpopProof(format!(
        "jti replayed: a proof with jti {jti:?} was seen before (RFC 9449 §11.1)"
    ))
}

/// The server's DPoP nonce now (RFC 9449 §8), made when there is none.
pub(super) fn current_nonce(shared: &Shared, now: Timestamp) -> String {
    shared
        .store()
        .dpop_nonce(now, || uuid::Uuid::new_v4().simple().to_string())
}

/// The authorization endpoint of a FAPI personality (RFC 9126 §4, §5):
/// only `client_id` and a `request_uri` the PAR endpoint gave; anything
/// else is refused with `invalid_request` "PAR required", by redirect when
/// the redirect URI is known (RFC 6749 §4.1.2.1). An expired `request_uri`
/// goes back as `invalid_request_uri`; then the usual sign-in page.
pub(super) fn authorize(shared: &Shared, incoming: &Incoming) -> (Response, Option<ErrorAnswer>) {
    let spec = shared.personality.spec();
    let page_error = |error: &'static str, text: &str| {
        let answer = ErrorAnswer {
            status: 400,
            error,
            description: text.to_owned(),
            uri: None,
        };
        (
            html(StatusCode::BAD_REQUEST, &pages::error(400, error, text)),
            Some(answer),
        )
    };
    let client_id = incoming.param("client_id").unwrap_or_default();
    if client_id != spec.client_id {
        return page_error("invalid_request", "Client not found.");
    }
    let par_required = "PAR required: this provider takes authorization requests only as a request_uri from its pushed authorization request endpoint (RFC 9126 §5)";
    let Some(request_uri) = incoming.param("request_uri") else {
        return match incoming
            .param("redirect_uri")
            .filter(|r| is_loopback_redirect(r))
        {
            Some(redirect_uri) => {
                let mut pairs = vec![
                    ("error", "invalid_request".to_owned()),
                    ("error_description", par_required.to_owned()),
                ];
                if let Some(state) = incoming.param("state") {
                    pairs.push(("state", state));
                }
                pairs.push(("iss", shared.issuer()));
                let pairs: Vec<(&str, &str)> =
                    pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
                (redirect(&with_query(&redirect_uri, &pairs)), None)
            }
            None => page_error("invalid_request", par_required),
        };
    };
    let extra: Vec<String> = incoming
        .query
        .iter()
        .chain(incoming.form.iter().flatten())
        .map(|(name, _)| name.chars().take(64).collect::<String>())
        .filter(|name| name != "client_id" && name != "request_uri")
        .take(8)
        .collect();
    let now = shared.now();
    let taken = shared.store().take_pushed(&request_uri, now);
    let request = match taken {
        Ok(request) => request,
        Err(Some(expired)) => {
            let description = format!(
                "the request_uri expired at {}: push the request again (RFC 9126 §2.2, §4)",
                expired.expires.unix()
            );
            return (
                super::answer_back(shared, &expired, "invalid_request_uri", &description),
                None,
            );
        }
        Err(None) => {
            return page_error(
                "invalid_request_uri",
                "The request_uri is unknown or was used already: push the request again (RFC 9126 §4).",
            );
        }
    };
    if request.client_id != client_id {
        return page_error(
            "invalid_request",
            "The request_uri belongs to another client.",
        );
    }
    if !extra.is_empty() {
        let description = format!("{par_required}; also sent: {}", extra.join(", "));
        return (
            super::answer_back(shared, &request, "invalid_request", &description),
            None,
        );
    }
    if shared.faults().auto_sign_in {
        return (signed_in(shared, &request, USERS.first()), None);
    }
    let id = uuid::Uuid::new_v4().simple().to_string();
    let scope = request.scope.clone();
    shared.store().add_pending(id.clone(), request);
    (
        html(
            StatusCode::OK,
            &pages::login(
                shared.personality,
                &shared.url(LOGIN_PATH),
                &id,
                &client_id,
                &scope,
            ),
        ),
        None,
    )
}

/// Whether a request asked for a JWT-secured response (JARM §2.3).
pub(super) fn wants_jarm(request: &PendingRequest) -> bool {
    request
        .response_mode
        .as_deref()
        .is_some_and(|mode| JARM_MODES.contains(&mode))
}

/// The redirect carrying `pairs` as a JWT-secured response (JARM §2.1,
/// §2.3.1 `query.jwt`; `jwt` means `query.jwt` for the code flow): a JWS
/// with `iss`, `aud` (the client), a short `exp`, `iat` and the response
/// parameters, signed with the personality's key — or, under the
/// `jarm-wrong-key` or `wrong-key` fault, with a key the JWKS does not hold.
pub(super) fn jarm_redirect(
    shared: &Shared,
    request: &PendingRequest,
    pairs: &[(String, String)],
) -> Response {
    let spec = shared.personality.spec();
    let now = shared.now();
    let alg = spec.id_token_alg.unwrap_or(SigningAlg::ES256);
    let mut claims = Map::new();
    for (name, value) in pairs {
        if name != "iss" {
            claims.insert(name.clone(), json!(value));
        }
    }
    claims.insert("iss".to_owned(), json!(shared.issuer()));
    claims.insert("aud".to_owned(), json!(request.client_id));
    claims.insert(
        "exp".to_owned(),
        json!(now.plus_seconds(JARM_LIFETIME).unix()),
    );
    claims.insert("iat".to_owned(), json!(now.unix()));
    let faults = shared.faults();
    let keys = shared.keys();
    let header = json!({"alg": alg.as_str(), "kid": keys.kid(alg)});
    let signed = keys.sign_jwt(
        &header,
        &Value::Object(claims),
        alg,
        faults.jarm_wrong_key || faults.wrong_key,
    );
    drop(keys);
    match signed {
        Ok(jwt) => redirect(&with_query(&request.redirect_uri, &[("response", &jwt)])),
        Err(e) => redirect(&with_query(
            &request.redirect_uri,
            &[
                ("error", "server_error"),
                ("error_description", &e.to_string()),
            ],
        )),
    }
}

/// UserInfo of a FAPI personality (RFC 9449 §7.1): the access token as
/// `Authorization: DPoP`, a proof with `ath`, signed by the key the token
/// is bound to. Refusals are 401 with a `DPoP` challenge.
pub(super) fn userinfo(shared: &Shared, incoming: &Incoming) -> Response {
    let challenge = |error: &str, description: &str| {
        let mut response = json_response(
            StatusCode::UNAUTHORIZED,
            &json!({"error": error, "error_description": description}),
        );
        let description: String = description
            .chars()
            .filter(|c| *c != '"' && *c != '\\' && !c.is_control())
            .collect();
        if let Ok(value) = format!(
            "DPoP error=\"{error}\", error_description=\"{description}\", algs=\"{}\"",
            DPOP_ALGS.join(" ")
        )
        .parse()
        {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, value);
        }
        response
    };
    let authorization = incoming
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .map(|(scheme, token)| (scheme.to_owned(), token.trim().to_owned()));
    let Some((scheme, token)) = authorization else {
        return challenge("invalid_token", "an access token is required");
    };
    if !scheme.eq_ignore_ascii_case("DPoP") {
        return challenge(
            "invalid_token",
            "this provider's access tokens are DPoP-bound: send Authorization: DPoP with a proof (RFC 9449 §7.1)",
        );
    }
    let now = shared.now();
    let Ok(grant) = shared.store().access(&token, now).cloned() else {
        return challenge(
            "invalid_token",
            "the access token is invalid or has expired",
        );
    };
    let proof = match dpop_header(incoming) {
        Ok(Some(proof)) => proof,
        Ok(None) => {
            return challenge(
                "invalid_dpop_proof",
                "a DPoP proof is required with a DPoP-bound token (RFC 9449 §7.1)",
            );
        }
        Err(failure) => return challenge("invalid_dpop_proof", &refusal_text(&failure)),
    };
    let jkt = match check_proof(shared, incoming, &proof, Some(&token), false) {
        Ok(jkt) => jkt,
        Err(failure) => return challenge("invalid_dpop_proof", &refusal_text(&failure)),
    };
    if grant.dpop_jkt.as_deref() != Some(jkt.as_str()) {
        return challenge(
            "invalid_token",
            "the proof's key is not the key the token is bound to (cnf.jkt, RFC 9449 §6.1, §7.1)",
        );
    }
    let Some(found) = grant.user.as_deref().and_then(super::user) else {
        return challenge("invalid_token", "the access token has no user");
    };
    json_response(
        StatusCode::OK,
        &Value::Object(found.claims(shared.personality, &grant.client_id)),
    )
}

fn refusal_text(failure: &Failure) -> String {
    match failure {
        Failure::InvalidDpopProof(why) => why.clone(),
        Failure::UseDpopNonce => "a DPoP nonce is required".to_owned(),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_387_806;

    fn claims(pairs: &[(&str, Value)]) -> Map<String, Value> {
        pairs
            .iter()
            .map(|(name, value)| ((*name).to_owned(), value.clone()))
            .collect()
    }

    fn good() -> Vec<(&'static str, Value)> {
        vec![
            ("iss", json!("client")),
            ("aud", json!("https://op.example")),
            ("client_id", json!("client")),
            ("nbf", json!(NOW - 5)),
            ("exp", json!(NOW + 300)),
        ]
    }

    fn refused(changed: &'static str, value: Option<Value>) -> String {
        let mut pairs = good();
        pairs.retain(|(name, _)| *name != changed);
        if let Some(value) = value {
            pairs.push((changed, value));
        }
        match check_request_claims(
            &claims(&pairs),
            "client",
            "https://op.example",
            Timestamp::from_unix(NOW),
        ) {
            Err(Failure::InvalidRequestObject(why)) => why,
            other => panic!("{changed}: {other:?}"),
        }
    }

    #[test]
    fn a_request_object_breaking_a_rule_is_refused_with_the_rule() {
        assert!(
            check_request_claims(
                &claims(&good()),
                "client",
                "https://op.example",
                Timestamp::from_unix(NOW)
            )
            .is_ok()
        );
        assert!(
            check_request_claims(
                &claims(
                    &[
                        good(),
                        vec![("aud", json!(["other", "https://op.example"]))]
                    ]
                    .concat()
                ),
                "client",
                "https://op.example",
                Timestamp::from_unix(NOW)
            )
            .is_ok(),
            "an audience array naming the issuer"
        );
        assert!(refused("iss", Some(json!("мошенник"))).starts_with("iss"));
        assert!(refused("iss", None).contains("absent"));
        assert!(refused("aud", Some(json!("https://evil.example"))).starts_with("aud"));
        assert!(refused("aud", Some(json!(42))).starts_with("aud"));
        assert!(refused("client_id", Some(json!("other"))).contains("client_id"));
        assert!(refused("exp", None).contains("required"));
        assert!(refused("nbf", Some(json!("soon"))).contains("required"));
        assert!(refused("exp", Some(json!(NOW))).contains("expired"));
        assert!(refused("nbf", Some(json!(NOW + 60))).contains("future"));
        assert!(refused("nbf", Some(json!(NOW - 3601))).contains("3600"));
        assert!(refused("exp", Some(json!(i64::MAX))).contains("3600"));
        assert!(
            refused("nbf", Some(json!(i64::MIN))).contains("3600"),
            "no overflow"
        );
    }

    #[test]
    fn pkce_is_required_with_s256() {
        let methods = ["S256"];
        assert!(pkce(&methods, None, None).is_err());
        assert!(pkce(&methods, Some("c".to_owned()), None).is_err(), "plain");
        assert!(pkce(&methods, Some("c".to_owned()), Some("plain".to_owned())).is_err());
        assert_eq!(
            pkce(&methods, Some("c".to_owned()), Some("S256".to_owned())).ok(),
            Some(("c".to_owned(), "S256".to_owned()))
        );
    }
}
