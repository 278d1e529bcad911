//! Fuzz entry points: one per parser, each running the code the app runs on
//! bytes from outside (a paste, a server's answer, a file, a request on a
//! local port). The fuzz crate (`fuzz/`, built with `cargo afl`) calls them,
//! and `tests/core/fuzz_replay.rs` replays every saved input through them in
//! `cargo test`. Nothing here re-implements a parser: where bytes must be
//! shaped into what the real code receives (an HTTP request or response),
//! the shaping is lenient and never panics, so a panic is the parser's.
//!
//! Every target runs with the same fixed "now", keys and profiles, so a
//! saved input replays the same way everywhere.

use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use axum::http::{HeaderName, HeaderValue, Method, Uri};

use crate::i18n::Language;
use crate::net::{Exchange, RecordedRequest, RecordedResponse};
use crate::oauth::Profile;
use crate::oauth::callback::{self, RedirectTarget};
use crate::oauth::flow::StepFailure;
use crate::paste::inspect;
use crate::sandbox::{OfflineSandbox, Personality};
use crate::token::Timestamp;
use crate::token::checks::{self, Expectations};
use crate::token::jose::Decoded;
use crate::token::keys::KeySet;

/// "Now" for every target: the fixtures' issue time, so their tokens are valid.
const NOW: Timestamp = Timestamp::from_unix(1_795_387_806);

/// The redirect URI the loopback listener serves in [`loopback_request`].
const REDIRECT_URI: &str = "http://127.0.0.1:53682/callback";

/// The client notification endpoint the listener serves in [`loopback_request`] (CIBA Core §10.2).
const NOTIFICATION_ENDPOINT: &str = "http://127.0.0.1:53683/ciba/notify";

/// The run's `client_notification_token` and the `auth_req_id` a ping must name.
const NOTIFICATION_TOKEN: &str = "fuzz-notification-token-8c1e";
const AUTH_REQ_ID: &str = "fuzz-auth-req-id-2b7d";

/// The `state` the run sent, compared with the one a request carries.
const STATE: &str = "fuzz-state-3f9a1c";

/// The issuer the run expects in `iss` (RFC 9207).
const ISSUER: &str = "https://sso.example.test/realms/demo";

/// Requests read from one [`sandbox_request`] input, at most: enough for a
/// whole code flow (authorize, login, token, refresh, userinfo, revoke).
const MAX_SANDBOX_REQUESTS: usize = 16;

/// A fuzz target: a name (the binary's and the corpus folder's) and its entry point.
pub type Target = (&'static str, fn(&[u8]));

/// Every target, by name.
pub const TARGETS: [Target; 10] = [
    ("paste", paste),
    ("jose", jose),
    ("token_response", token_response),
    ("discovery", discovery),
    ("keys", keys),
    ("profile_import", profile_import),
    ("loopback_request", loopback_request),
    ("sandbox_request", sandbox_request),
    ("pasted_error", pasted_error),
    ("vc_issuer_metadata", vc_issuer_metadata),
];

/// The entry point of the target called `name`.
pub fn target(name: &str) -> Option<fn(&[u8])> {
    TARGETS
        .iter()
        .find(|(target, _)| *target == name)
        .map(|&(_, run)| run)
}

/// Builds what the target called `name` keeps between inputs (keys, the
/// sandbox's key ring, profiles, the error catalogue), so a fuzzer that
/// forks after this call does not build it again for every input.
pub fn warm_up(name: &str) {
    let _ = crate::diagnose::catalogue();
    match name {
        "jose" => {
            let _ = key_set();
        }
        "discovery" => {
            let _ = discovery_profiles();
        }
        "loopback_request" => {
            let _ = redirect_target();
        }
        "sandbox_request" => sandbox_request(&[0]),
        _ => {}
    }
}

// ---------------------------------------------------------------------------
// Targets
// ---------------------------------------------------------------------------

/// A paste (the window's Paste anything, `tokenscope decode`): the bytes as
/// text the way a file is read (UTF-8, else lossily), inspected (extraction,
/// mending, decoding, claims, instants, and the pasted error answers,
/// diagnosed) and reported as `decode` prints it.
pub fn paste(data: &[u8]) {
    let (text, _replaced) = crate::token::extract::lossy_text(data.to_vec());
    let inspection = inspect(&text, NOW);
    for token in &inspection.tokens {
        let _ = (token.title(), token.summary(), token.mends.describe());
        for time in &token.times {
            let _ = time.status(NOW);
            let _ = time.at.to_zone_string(crate::token::time::Zone::Utc);
        }
    }
    for error in &inspection.errors {
        let _ = error.diagnosis.summary(Language::En);
    }
    let report = crate::export::decoded::report(&inspection, NOW);
    let _ = serde_json::to_string(&report);
}

/// A compact JWS or JWE (RFC 7515 §7.1, RFC 7516 §7.1): decoded without
/// verifying, then verified against a fixed key set (RSA, EC P-256,
/// Ed25519, GOST R 34.10-2012, HMAC) and put through the ID token (OIDC Core
/// §3.1.3.7) and JWT access token (RFC 9068 §4) checks. With a `~`, an
/// SD-JWT (RFC 9901 §4): processed, then its issuer signature verified and
/// the SD-JWT and Key Binding JWT checks (RFC 9901 §7) run.
pub fn jose(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Some(read) = crate::token::sd_jwt::read(&text) {
        if let Ok((decoded, sd)) = read {
            let outcome = crate::token::verify::verify_decoded(&decoded, key_set());
            let expect = Expectations {
                audience: Some("https://verifier.example.org".to_owned()),
                nonce: Some("1234567890".to_owned()),
                ..Expectations::default()
            };
            for check in crate::token::sd_jwt::checks(&sd, &outcome, &expect, NOW) {
                let _ = check.is_fail();
            }
            for problem in &sd.problems {
                let _ = (problem.to_string(), problem.code());
            }
        }
        return;
    }
    let decoded = match crate::token::jose::decode_unverified(&text) {
        Ok(decoded) => decoded,
        Err(failure) => {
            let _ = failure.error.to_string();
            return;
        }
    };
    let _ = (decoded.raw_text(), decoded.pretty_json());
    if let Decoded::Jwe(jwe) = &decoded {
        // RFC 7516 §5.2 with the fixtures' EC and AES keys (RSA1_5 allowed).
        let options = crate::token::jwe::DecryptOptions { allow_rsa1_5: true };
        match crate::token::jwe::open(jwe, key_set(), options) {
            Ok(opened) => {
                let opened = Decoded::Jwe(opened);
                let _ = (opened.raw_text(), opened.pretty_json(), opened.claims());
            }
            Err(error) => {
                let _ = (error.to_string(), error.code());
            }
        }
    }
    let outcome = crate::token::verify::verify_decoded(&decoded, key_set());
    let _ = (outcome.summary(), outcome.code(), outcome.key());
    let Decoded::Jws(jws) = &decoded else {
        return;
    };
    let Some(claims) = decoded.claims() else {
        return;
    };
    let expect = Expectations {
        issuer: Some(ISSUER.to_owned()),
        client_id: Some("tokenscope".to_owned()),
        audience: Some("https://api.example.test".to_owned()),
        nonce: Some("n-0S6_WzA2Mj".to_owned()),
        access_token: Some("SlAV32hkKG".to_owned()),
        code: Some("Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk".to_owned()),
        state: Some(STATE.to_owned()),
        max_age: Some(3600),
        acr_values: vec!["urn:mace:incommon:iap:silver".to_owned()],
        ..Expectations::default()
    };
    for check in checks::id_token_checks(claims, &jws.header, &outcome, &expect, NOW)
        .into_iter()
        .chain(checks::access_token_checks(
            claims,
            &jws.header,
            &outcome,
            &expect,
            NOW,
        ))
    {
        let _ = check.is_fail();
    }
}

/// A token endpoint's answer, and the other answers of a flow read the same
/// way (RFC 6749 §5.1/§5.2, OIDC Core §5.3.2, RFC 7662 §2.2, RFC 7009 §2.2,
/// RFC 8628 §3.2/§3.5, CIBA Core §7.3): the bytes are an HTTP response (status line,
/// headers, blank line, body) or, without a status line, a body with 200.
/// A failure is diagnosed with the error catalogue.
pub fn token_response(data: &[u8]) {
    use crate::oauth::{device, flow};
    let exchange = exchange("POST", "https://sso.example.test/token", data);
    let _ = flow::parse_token_response(&exchange).map_err(|failure| describe(&failure));
    let _ = flow::parse_userinfo_response(&exchange).map_err(|failure| describe(&failure));
    let _ = flow::parse_introspection_response(&exchange)
        .map(|introspection| introspection.summary())
        .map_err(|failure| describe(&failure));
    // RFC 9701 §5: an answer typed application/token-introspection+jwt.
    if let Ok(flow::IntrospectionAnswer::Jwt(jwt)) = flow::parse_introspection_answer(&exchange) {
        let keys = crate::token::keys::KeySet::default();
        let checked = crate::oauth::introspection_jwt::check_signed(
            &jwt,
            &crate::oauth::introspection_jwt::IntrospectionJwtExpectations {
                issuer: ISSUER,
                client_id: "tokenscope",
                keys: &keys,
                now: NOW,
                leeway: 60,
            },
        );
        let _ = (checked.introspection(), checked.failures());
    }
    let _ = flow::parse_revocation_response(&exchange).map_err(|failure| describe(&failure));
    let _ = device::parse_authorization(&exchange).map_err(|failure| describe(&failure));
    let _ = device::poll_outcome(&exchange);
    // OpenID CIBA Core 1.0 §7.3 / §13, and the binding message as the card shows it.
    let _ = crate::oauth::ciba::parse_authentication(&exchange, "Заказ 4281 🔐")
        .map(|answer| crate::oauth::ciba::shown_binding_message(&answer.binding_message))
        .map_err(|failure| describe(&failure));
}

/// A discovery document (OpenID Connect Discovery 1.0 §4, RFC 8414 §3), as
/// an HTTP response like [`token_response`], applied to a Keycloak profile
/// and to one whose token endpoint was typed by hand.
pub fn discovery(data: &[u8]) {
    use crate::oauth::discovery as discover;
    let exchange = exchange(
        "GET",
        "https://sso.example.test/realms/demo/.well-known/openid-configuration",
        data,
    );
    match discover::parse_exchange(&exchange) {
        Ok(metadata) => {
            for profile in discovery_profiles() {
                let mut profile = profile.clone();
                let outcome = discover::apply(&mut profile, &metadata);
                let _ = serde_json::to_string(&outcome);
                let _ = profile.validate(None);
            }
            let _ = metadata.iss_parameter_supported();
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
}

/// An SD-JWT VC issuer's JWT VC Issuer Metadata (draft-ietf-oauth-sd-jwt-vc-14
/// §5): the input's first line is a credential's `iss`, the rest what the
/// metadata URL answered. The URL made from `iss`, the metadata read against
/// it, the walk to the keys (a `jwks_uri` answered with the same bytes), and
/// the `issuer_key` row of a credential that `iss` issued.
pub fn vc_issuer_metadata(data: &[u8]) {
    use crate::token::jose::encode_segment;
    use crate::token::sd_jwt_vc;
    let (first, body) = match data.iter().position(|&byte| byte == b'\n') {
        Some(at) => (
            data.get(..at).unwrap_or_default(),
            data.get(at + 1..).unwrap_or_default(),
        ),
        None => (data, &[][..]),
    };
    let iss = String::from_utf8_lossy(first);
    match sd_jwt_vc::metadata_url(&iss) {
        Ok(location) => {
            let _ = (location.url, location.host);
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
    if let Err(error) = sd_jwt_vc::read_metadata(&iss, body) {
        let _ = error.to_string();
    }
    let answer = String::from_utf8_lossy(body).into_owned();
    let keys = sd_jwt_vc::resolve_issuer_keys(&iss, &mut |_| Ok(answer.clone()));
    let _ = keys.key_set().map(|set| set.rows());
    let header = serde_json::json!({"alg": "ES256", "typ": "dc+sd-jwt", "kid": "fuzz-key"});
    let payload = serde_json::json!({"iss": iss, "vct": "urn:fuzz"});
    let compact = format!(
        "{}.{}.c2ln~",
        encode_segment(header.to_string().as_bytes()),
        encode_segment(payload.to_string().as_bytes())
    );
    if let Some(Ok((_, sd))) = crate::token::sd_jwt::read(&compact) {
        let _ = sd_jwt_vc::issuer_key_row(&sd, &keys);
    }
}

/// Key material a user loads or a server serves: a JWK Set or JWK (RFC
/// 7517), PEM blocks (RFC 7468: public keys, certificates), a DER X.509
/// certificate (RFC 5280), a GOST R 34.10-2012 certificate.
pub fn keys(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for set in [
        KeySet::from_text(&text, "fuzz"),
        KeySet::from_jwks_json(&text, "fuzz.json"),
        KeySet::from_pem(&text, "fuzz.pem"),
        KeySet::from_der_certificate(data, "fuzz.cer"),
    ] {
        for row in set.rows() {
            let _ = serde_json::to_string(&row);
        }
        for problem in &set.problems {
            let _ = problem.to_string();
        }
    }
    if let Ok(key) = crate::token::gost::GostPublicKey::from_certificate(data) {
        let _ = (key.fingerprint(), key.to_raw_le());
    }
}

/// A profile file or export (`profiles import`, the window's Import…):
/// imported into an empty list, imported again over the result (the same
/// ids replace), exported and the export imported back; and read as the
/// profile file itself.
pub fn profile_import(data: &[u8]) {
    use crate::store::{profiles, transfer};
    let (text, _replaced) = crate::token::extract::lossy_text(data.to_vec());
    let _ = profiles::from_json(&text);
    let mut existing: Vec<Profile> = Vec::new();
    let Ok(report) = transfer::import(&text, &mut existing, None) else {
        return;
    };
    let _ = serde_json::to_string(&report);
    let _ = transfer::import(&text, &mut existing, None);
    let all: Vec<&Profile> = existing.iter().collect();
    if let Ok(export) = transfer::export(&all, None) {
        let mut again = Vec::new();
        let _ = transfer::import(&export, &mut again, None);
    }
    if let Some(first) = existing.first() {
        let _ = transfer::find(&existing, &first.name);
    }
}

/// What arrives on the loopback redirect listener's port (RFC 8252 §7.3): a
/// raw HTTP request head, answered as the listener answers it, and the
/// redirect it carries checked against the run (RFC 6749 §4.1.2, §10.12;
/// RFC 9207). The same bytes are also a request to CIBA's client
/// notification endpoint (a head and a body, CIBA Core §10.2), the address
/// a user pastes when the redirect URI is not loopback, a redirect URI and
/// a notification endpoint.
pub fn loopback_request(data: &[u8]) {
    let target = redirect_target();
    if let Some(target) = target
        && let Some((_status, Some(params))) = callback::answer_bytes(data, target)
    {
        check_callback(&params, target);
    }
    if let Ok(endpoint) = RedirectTarget::parse_notification_endpoint(NOTIFICATION_ENDPOINT) {
        let token = crate::secret::Secret::new(NOTIFICATION_TOKEN);
        let id = crate::secret::Secret::new(AUTH_REQ_ID);
        for expected in [None, Some(&id)] {
            let _ = callback::ping_answer_bytes(data, &endpoint, &token, expected);
        }
    }
    let text = String::from_utf8_lossy(data);
    match callback::parse_pasted(&text) {
        Ok(params) => {
            if let Some(target) = target {
                check_callback(&params, target);
            }
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
    for parsed in [
        RedirectTarget::parse(&text),
        RedirectTarget::parse_notification_endpoint(&text),
    ] {
        match parsed {
            Ok(parsed) => {
                let _ = (
                    parsed.path(),
                    parsed.port(),
                    parsed.loopback_host(),
                    parsed.is_tls(),
                );
            }
            Err(error) => {
                let _ = error.to_string();
            }
        }
    }
}

/// Requests to the built-in sandbox provider: the first byte picks its
/// personality, the rest are pipelined HTTP/1.1 requests (a head, then a
/// body of `Content-Length` bytes, or the rest of the input without one),
/// each answered by the sandbox's own handler. `{request}`, `{code}`,
/// `{access_token}`, `{refresh_token}`, `{id_token}`, `{device_code}` and
/// `{user_code}` in a request are replaced by the value the sandbox last
/// handed out, so an input can walk a whole flow to the PKCE check (RFC 7636
/// §4.6). Requests a server would refuse before its handler (a bad method,
/// target or header) are skipped; so is the key rotation endpoint, whose
/// RSA key generation would only slow the fuzzer down.
pub fn sandbox_request(data: &[u8]) {
    static SANDBOX: Mutex<Option<OfflineSandbox>> = Mutex::new(None);
    let Some((&first, mut rest)) = data.split_first() else {
        return;
    };
    let personality = Personality::ALL
        .get(usize::from(first) % Personality::ALL.len())
        .copied()
        .unwrap_or_default();
    // Without a runtime or keys the harness cannot run at all: it panics
    // rather than return, so a fuzzer or the replay shows it at once
    // instead of reporting no crashes for inputs it never ran.
    let mut guard = SANDBOX.lock().unwrap_or_else(PoisonError::into_inner);
    if guard.is_none() {
        let clock: crate::sandbox::SandboxClock = Arc::new(|| NOW);
        match OfflineSandbox::new(clock) {
            Ok(sandbox) => *guard = Some(sandbox),
            Err(error) => panic!("the sandbox harness has no runtime: {error}"),
        }
    }
    let Some(sandbox) = guard.as_mut() else {
        return;
    };
    let session = sandbox.session(personality, |session| {
        let mut handed_out: Vec<(&'static str, String)> = Vec::new();
        for _ in 0..MAX_SANDBOX_REQUESTS {
            if rest.is_empty() {
                break;
            }
            let (this, after) = next_request(rest);
            rest = after;
            let Some(request) = build_request(&substitute(this, &handed_out)) else {
                continue;
            };
            if request.uri().path() != crate::sandbox::ROTATE_PATH {
                let response = session.answer(request);
                remember(&response, &mut handed_out);
            }
        }
    });
    if let Err(error) = session {
        panic!("the sandbox harness could not make its keys: {error}");
    }
}

/// An error answer pasted from a log, a ticket or an e-mail (JSON or form
/// bodies, redirect errors, `WWW-Authenticate`, Keycloak event lines,
/// `AADSTS` messages, `Unknown code = …`), each diagnosed in both languages.
pub fn pasted_error(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for error in crate::diagnose::find_pasted_errors(&text) {
        let _ = error.diagnosis.summary(Language::En);
        let _ = error.diagnosis.summary(Language::Ru);
        let _ = serde_json::to_string(&error);
    }
}

// ---------------------------------------------------------------------------
// Shared fixtures
// ---------------------------------------------------------------------------

/// The keys [`jose`] verifies with: the fixtures' Keycloak and Kontur JWKS,
/// the bank's GOST certificate and an HMAC secret; and decrypts with: the
/// EC and AES keys of the RFC 7520 cookbook (its RSA keys would only slow
/// each run down).
fn key_set() -> &'static KeySet {
    static KEYS: OnceLock<KeySet> = OnceLock::new();
    KEYS.get_or_init(|| {
        let cookbook: serde_json::Value =
            serde_json::from_str(include_str!("../tests/fixtures/jwe/rfc7520.json"))
                .unwrap_or_default();
        let decryption = cookbook["vectors"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|vector| vector["key"]["kty"] != "RSA")
            .fold(KeySet::default(), |set, vector| {
                set.merge(KeySet::from_jwks_json(
                    &vector["key"].to_string(),
                    "rfc7520",
                ))
            });
        KeySet::from_jwks_json(
            include_str!("../tests/fixtures/keycloak-jwks.json"),
            "keycloak-jwks.json",
        )
        .merge(KeySet::from_jwks_json(
            include_str!("../tests/fixtures/kontur-jwks.json"),
            "kontur-jwks.json",
        ))
        .merge(KeySet::from_pem(
            include_str!("../tests/fixtures/sber-bank-certificate.pem"),
            "sber-bank-certificate.pem",
        ))
        .merge(KeySet::hmac(b"fuzzing-hmac-secret", "hmac"))
        .merge(decryption)
    })
}

/// The profiles [`discovery`] applies a document to.
fn discovery_profiles() -> &'static [Profile] {
    static PROFILES: OnceLock<Vec<Profile>> = OnceLock::new();
    PROFILES.get_or_init(|| {
        let Some(preset) = crate::oauth::presets::find("keycloak") else {
            return vec![Profile::default()];
        };
        let plain = preset.instantiate(0, &[]);
        let mut typed = plain.clone();
        typed.manual_endpoints = vec!["token_endpoint".to_owned()];
        vec![plain, typed, Profile::default()]
    })
}

/// The loopback redirect target of [`loopback_request`].
fn redirect_target() -> Option<&'static RedirectTarget> {
    static TARGET: OnceLock<Option<RedirectTarget>> = OnceLock::new();
    TARGET
        .get_or_init(|| RedirectTarget::parse(REDIRECT_URI).ok())
        .as_ref()
}

/// Every check a run makes on a redirect, and its texts.
fn check_callback(params: &callback::CallbackParams, target: &RedirectTarget) {
    let _ = (params.redacted_url(), format!("{params:?}"));
    for (issuer, supported) in [(Some(ISSUER), true), (None, false)] {
        if let Err(problem) = callback::check_callback(params, STATE, issuer, supported) {
            let _ = (problem.to_string(), problem.reason_code());
        }
    }
    if let Err(problem) = callback::check_redirect(params, target) {
        let _ = problem.to_string();
    }
}

/// A failed step's texts, as the step card shows them.
fn describe(failure: &StepFailure) {
    let _ = failure.to_string();
    let _ = failure.diagnosis_line(Language::Ru);
}

// ---------------------------------------------------------------------------
// Bytes into HTTP messages
// ---------------------------------------------------------------------------

/// Splits at the first empty line (RFC 9112 §2.1; a bare LF ends a line
/// too): the head without it and what follows. `None` without one.
fn split_head(data: &[u8]) -> Option<(&[u8], &[u8])> {
    let crlf = data.windows(4).position(|w| w == b"\r\n\r\n");
    let lf = data.windows(2).position(|w| w == b"\n\n");
    let (at, len) = match (crlf, lf) {
        (Some(c), Some(l)) if l < c => (l, 2),
        (Some(c), _) => (c, 4),
        (None, Some(l)) => (l, 2),
        (None, None) => return None,
    };
    Some((data.get(..at)?, data.get(at.saturating_add(len)..)?))
}

/// A head's lines without their line ends.
fn head_lines(head: &[u8]) -> impl Iterator<Item = &[u8]> {
    head.split(|&b| b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
}

/// A header line's name and value, trimmed.
fn header_field(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let colon = line.iter().position(|&b| b == b':')?;
    let name = line.get(..colon)?.trim_ascii();
    let value = line.get(colon.saturating_add(1)..)?.trim_ascii();
    Some((name, value))
}

/// The bytes as a response the HTTP client recorded: `HTTP/1.1 400 Bad
/// Request`, headers, a blank line, the body; anything else is a body
/// answered with 200 and no headers.
fn recorded_response(data: &[u8]) -> RecordedResponse {
    let bare = RecordedResponse {
        status: 200,
        reason: "OK".to_owned(),
        version: "HTTP/1.1".to_owned(),
        headers: Vec::new(),
        body: data.to_vec(),
        truncated_at: None,
    };
    if !data.starts_with(b"HTTP/") {
        return bare;
    }
    let (head, body) = split_head(data).unwrap_or((data, &[]));
    let mut lines = head_lines(head);
    let status_line = String::from_utf8_lossy(lines.next().unwrap_or_default()).into_owned();
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or_default().to_owned();
    let Some(status) = parts.next().and_then(|code| code.parse::<u16>().ok()) else {
        return bare;
    };
    let reason = parts.next().unwrap_or_default().to_owned();
    let headers = lines
        .filter_map(header_field)
        .map(|(name, value)| {
            (
                String::from_utf8_lossy(name).into_owned(),
                String::from_utf8_lossy(value).into_owned(),
            )
        })
        .collect();
    RecordedResponse {
        status,
        reason,
        version,
        headers,
        body: body.to_vec(),
        truncated_at: None,
    }
}

/// An exchange that sent `method url` and received `data`.
fn exchange(method: &str, url: &str, data: &[u8]) -> Exchange {
    Exchange {
        request: RecordedRequest {
            method: method.to_owned(),
            url: url.to_owned(),
            headers: vec![("Accept".to_owned(), "application/json".to_owned())],
            body: Vec::new(),
        },
        response: Ok(recorded_response(data)),
        duration: Duration::ZERO,
    }
}

/// The first request in `data` (its head, and a body of `Content-Length`
/// bytes, or the rest of the input without one) and what follows it.
fn next_request(data: &[u8]) -> (&[u8], &[u8]) {
    let Some((head, after_head)) = split_head(data) else {
        return (data, &[]);
    };
    let length = head_lines(head)
        .filter_map(header_field)
        .find(|(name, _)| name.eq_ignore_ascii_case(b"content-length"))
        .and_then(|(_, value)| std::str::from_utf8(value).ok()?.parse::<usize>().ok());
    let body_len = length.map_or(after_head.len(), |n| n.min(after_head.len()));
    let used = data
        .len()
        .saturating_sub(after_head.len())
        .saturating_add(body_len);
    data.split_at(used.min(data.len()))
}

/// One request's bytes as the server's handler receives them: `None` for
/// what a server refuses before its handler (RFC 9112 §3: a request line
/// of method, target and version; §5: header fields).
fn build_request(bytes: &[u8]) -> Option<axum::extract::Request> {
    let (head, body) = split_head(bytes).unwrap_or((bytes, &[]));
    let mut lines = head_lines(head);
    let mut request_line = lines.next()?.split(|&b| b == b' ');
    let method = Method::from_bytes(request_line.next()?).ok()?;
    let uri = Uri::try_from(request_line.next()?).ok()?;
    let mut builder = axum::http::Request::builder().method(method).uri(uri);
    for line in lines {
        let (name, value) = header_field(line)?;
        builder = builder.header(
            HeaderName::from_bytes(name).ok()?,
            HeaderValue::from_bytes(value).ok()?,
        );
    }
    builder.body(axum::body::Body::from(body.to_vec())).ok()
}

/// `text` with each `{name}` of `values` replaced by its value.
fn substitute(text: &[u8], values: &[(&'static str, String)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut rest = text;
    while let Some((&byte, after)) = rest.split_first() {
        let placeholder = (byte == b'{')
            .then(|| {
                values.iter().find(|(name, _)| {
                    after.starts_with(name.as_bytes())
                        && after.get(name.len()..).is_some_and(|r| r.starts_with(b"}"))
                })
            })
            .flatten();
        if let Some((name, value)) = placeholder {
            out.extend_from_slice(value.as_bytes());
            rest = after
                .get(name.len().saturating_add(1)..)
                .unwrap_or_default();
        } else {
            out.push(byte);
            rest = after;
        }
    }
    out
}

/// Keeps what the sandbox handed out in `response` for later requests.
fn remember(response: &RecordedResponse, handed_out: &mut Vec<(&'static str, String)>) {
    let mut keep = |name: &'static str, value: String| {
        handed_out.retain(|(kept, _)| *kept != name);
        handed_out.push((name, value));
    };
    if let Some(location) = response.header("location")
        && let Some((_, query)) = location.split_once('?')
    {
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            if name == "code" {
                keep("code", value.into_owned());
            }
        }
    }
    let body = String::from_utf8_lossy(&response.body);
    if let Some((_, after)) = body.split_once("name=\"request\" value=\"")
        && let Some((id, _)) = after.split_once('"')
    {
        keep("request", id.to_owned());
    }
    if let Ok(serde_json::Value::Object(fields)) = serde_json::from_slice(&response.body) {
        for name in [
            "access_token",
            "refresh_token",
            "id_token",
            "device_code",
            "user_code",
        ] {
            if let Some(value) = fields.get(name).and_then(serde_json::Value::as_str) {
                keep(name, value.to_owned());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_replaced() {
        let values = vec![("code", "абв".to_owned())];
        assert_eq!(
            substitute(b"code={code}&x={cod}{", &values),
            "code=абв&x={cod}{".as_bytes()
        );
    }

    #[test]
    fn pipelined_requests_split_by_content_length() {
        let input = b"POST /token HTTP/1.1\r\ncontent-length: 4\r\n\r\na=bcGET /x HTTP/1.1\n\n";
        let (first, rest) = next_request(input);
        assert!(first.ends_with(b"a=bc"));
        assert_eq!(rest, b"GET /x HTTP/1.1\n\n");
        assert_eq!(
            next_request(b"GET / HTTP/1.1\n\nrest"),
            (&b"GET / HTTP/1.1\n\nrest"[..], &b""[..])
        );
        assert!(build_request(b"GET /\xff HTTP/1.1").is_none());
        assert!(build_request(b"GET /?q=1 HTTP/1.1\r\nHost: x\r\n\r\nbody").is_some());
    }

    #[test]
    fn a_response_with_a_status_line_keeps_status_headers_and_body() {
        let response = recorded_response(
            "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n\r\n{\"error\":\"ошибка\"}"
                .as_bytes(),
        );
        assert_eq!(response.status, 400);
        assert_eq!(response.media_type(), "application/json");
        assert_eq!(response.text(), "{\"error\":\"ошибка\"}");
        assert_eq!(recorded_response(b"\xff\xfe{}").status, 200);
    }

    #[test]
    fn a_jwt_introspection_answer_goes_through_its_checks_without_panicking() {
        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/token-introspection+jwt\r\n\r\n";
        for body in [
            "eyJhbGciOiJFUzI1NiJ9.e30.AA",
            "кириллица",
            "a.b.c.d.e",
            "",
            "....",
        ] {
            token_response(format!("{head}{body}").as_bytes());
        }
        token_response(&[head.as_bytes(), b"\xff\xfe.\x80"].concat());
    }

    #[test]
    fn every_target_has_a_unique_name() {
        let mut names: Vec<&str> = TARGETS.iter().map(|(name, _)| *name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), TARGETS.len());
        assert!(target("paste").is_some());
        assert!(target("nothing").is_none());
    }
}
