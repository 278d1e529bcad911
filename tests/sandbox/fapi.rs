//! The FAPI personalities: the app's engine pushes a signed request object
//! (RFC 9126, RFC 9101), follows a JWT-secured response (JARM) and gets
//! DPoP-bound tokens (RFC 9449) — with ES256 and with GOST R 34.10-2012 —
//! and each FAPI fault as the engine explains it. Hostile PAR bodies never
//! panic the sandbox.

use tokenscope::app::system_now;
use tokenscope::net::RequestDraft;
use tokenscope::oauth::flow::{Step, parse_token_response};
use tokenscope::oauth::runner::{FlowSession, StepRecord, run_code_flow};
use tokenscope::sandbox::{Faults, Personality, REQUEST_URI_PREFIX};

use crate::support::Rig;

fn walk(rig: &Rig) -> (FlowSession, Result<(), String>) {
    let mut session = rig.session();
    let result = rig
        .runtime
        .block_on(run_code_flow(
            &mut session,
            &Rig::options(),
            system_now,
            |_| {},
        ))
        .map_err(|failure| failure.to_string());
    (session, result)
}

fn steps(session: &FlowSession) -> Vec<(Step, bool)> {
    session
        .records
        .iter()
        .map(|r| (r.step, r.outcome.is_ok()))
        .collect()
}

fn describe(session: &FlowSession) -> String {
    session
        .records
        .iter()
        .map(|r| match &r.outcome {
            Ok(summary) => format!("{:?} ok: {summary}", r.step),
            Err(failure) => format!("{:?} FAILED: {failure}", r.step),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn last(session: &FlowSession, step: Step) -> &StepRecord {
    session
        .records
        .iter()
        .rev()
        .find(|r| r.step == step)
        .unwrap_or_else(|| panic!("no {step:?} step:\n{}", describe(session)))
}

fn rig(personality: Personality, faults: Faults) -> Rig {
    Rig::start(personality, faults)
}

#[test]
fn fapi_and_fapi_gost_walk_par_a_signed_request_jarm_and_dpop_to_bound_tokens() {
    for personality in [Personality::Fapi, Personality::FapiGost] {
        let rig = rig(personality, Faults::default());
        let profile = &rig.profile;
        assert!(
            profile.par && profile.request_object && profile.dpop,
            "{personality:?}: {profile:?}"
        );
        assert_eq!(profile.response_mode, "jwt");
        assert!(
            std::path::Path::new(&profile.client_assertion.key_file).is_file(),
            "the client's key file is written: {:?}",
            profile.client_assertion.key_file
        );
        assert_eq!(
            rig.sandbox.client().key_file.as_deref(),
            Some(profile.client_assertion.key_file.as_str())
        );
        let (session, result) = walk(&rig);
        let log = describe(&session);
        assert!(result.is_ok(), "{personality:?}: {result:?}\n{log}");
        let key_file = profile.client_assertion.key_file.clone();
        assert_eq!(
            steps(&session),
            [
                (Step::Discovery, true),
                (Step::PushedAuthorization, true),
                (Step::Authorize, true),
                (Step::Callback, true),
                // The first token request learns the DPoP nonce (RFC 9449 §8).
                (Step::Token, false),
                (Step::Token, true),
                (Step::UserInfo, true),
                (Step::Refresh, true),
            ],
            "{personality:?}\n{log}"
        );
        let pushed = last(&session, Step::PushedAuthorization);
        let uri = &session.pushed.as_ref().expect("pushed").0.request_uri;
        assert!(uri.starts_with(REQUEST_URI_PREFIX), "{uri}");
        let body =
            String::from_utf8_lossy(&pushed.exchange.as_ref().expect("exchange").request.body)
                .into_owned();
        assert!(body.contains("request=ey"), "{body}");
        assert!(
            session
                .authorize_url
                .as_deref()
                .is_some_and(|url| url.contains("request_uri=") && !url.contains("state=")),
            "{:?}",
            session.authorize_url
        );
        let callback = last(&session, Step::Callback);
        let summary = callback.outcome.as_ref().expect("callback ok");
        assert!(
            summary.contains("JWT-secured response verified"),
            "{personality:?}: {summary}"
        );
        if personality == Personality::FapiGost {
            assert!(summary.contains("GOST"), "a GOST signature: {summary}");
        }
        let token = last(&session, Step::Token);
        let summary = token.outcome.as_ref().expect("token ok");
        assert!(
            summary.contains("DPoP-bound to this run's key"),
            "{personality:?}: {summary}"
        );
        let tokens =
            parse_token_response(token.exchange.as_ref().expect("exchange")).expect("tokens");
        assert_eq!(tokens.token_type.as_deref(), Some("DPoP"));
        let first = &session.records[4];
        let answer = first
            .exchange
            .as_ref()
            .and_then(|e| e.response.as_ref().ok())
            .expect("an answer");
        assert_eq!(answer.status, 400);
        assert!(answer.header("DPoP-Nonce").is_some(), "the nonce is given");
        drop(rig);
        assert!(
            !std::path::Path::new(&key_file).exists(),
            "the key file goes with the sandbox"
        );
    }
}

#[test]
fn the_fapi_discovery_document_says_what_it_requires() {
    for (personality, alg) in [
        (Personality::Fapi, "ES256"),
        (Personality::FapiGost, "gost34.10-2012"),
    ] {
        let rig = rig(personality, Faults::default());
        let url = format!("{}/.well-known/openid-configuration", rig.sandbox.issuer());
        let exchange = rig.send(&RequestDraft::get(&url));
        let meta: serde_json::Value =
            serde_json::from_str(&exchange.response.expect("answer").text()).expect("json");
        assert_eq!(
            meta["pushed_authorization_request_endpoint"],
            format!("{}/par", rig.sandbox.base_url())
        );
        assert_eq!(meta["require_pushed_authorization_requests"], true);
        assert_eq!(meta["authorization_response_iss_parameter_supported"], true);
        assert_eq!(meta["request_object_signing_alg_values_supported"][0], alg);
        assert_eq!(meta["authorization_signing_alg_values_supported"][0], alg);
        let modes = meta["response_modes_supported"].to_string();
        assert!(
            modes.contains("\"jwt\"") && modes.contains("query.jwt"),
            "{modes}"
        );
        assert!(
            meta["dpop_signing_alg_values_supported"]
                .to_string()
                .contains("ES256")
        );
    }
}

#[test]
fn fapi_authorize_without_par_is_refused_through_the_redirect() {
    let rig = rig(Personality::Fapi, Faults::default());
    let url = format!(
        "{}/authorize?client_id={}&response_type=code&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb&state=s-1",
        rig.sandbox.base_url(),
        rig.profile.client_id
    );
    let exchange = rig.send(&RequestDraft::get(&url));
    let response = exchange.response.expect("answer");
    assert_eq!(response.status, 302);
    let location = response.header("location").expect("a redirect").to_owned();
    assert!(
        location.starts_with("http://127.0.0.1:9/cb?error=invalid_request"),
        "{location}"
    );
    assert!(location.contains("PAR+required"), "{location}");
    assert!(location.contains("state=s-1"), "{location}");
}

/// Each fault as the engine sees it: the step it fails (or the summary it
/// writes) and the words it uses.
#[test]
fn dpop_replay_is_reported_as_a_refused_proof() {
    let rig = rig(
        Personality::Fapi,
        Faults {
            dpop_replay: true,
            ..Faults::default()
        },
    );
    let (session, result) = walk(&rig);
    let failure = result.expect_err("refused");
    let token = last(&session, Step::Token);
    let error = token.outcome.as_ref().expect_err("token refused");
    assert_eq!(
        error.provider_error.as_ref().map(|e| e.error.as_str()),
        Some("invalid_dpop_proof"),
        "{failure}"
    );
    assert!(error.message.contains("jti replayed"), "{}", error.message);
    let diagnosis = error.diagnosis.as_ref().expect("a diagnosis");
    assert!(
        diagnosis
            .entries
            .iter()
            .any(|f| f.id == "rfc9449.invalid_dpop_proof"),
        "{diagnosis:?}"
    );
}

#[test]
fn a_nonce_demand_without_the_header_stops_the_token_request() {
    let rig = rig(
        Personality::Fapi,
        Faults {
            dpop_nonce_missing: true,
            ..Faults::default()
        },
    );
    let (session, result) = walk(&rig);
    assert!(result.is_err(), "{}", describe(&session));
    let tokens: Vec<&StepRecord> = session
        .records
        .iter()
        .filter(|r| r.step == Step::Token)
        .collect();
    assert_eq!(tokens.len(), 1, "no retry without a nonce to send");
    let error = tokens[0].outcome.as_ref().expect_err("refused");
    assert_eq!(
        error.provider_error.as_ref().map(|e| e.error.as_str()),
        Some("use_dpop_nonce")
    );
    let diagnosis = error.diagnosis.as_ref().expect("a diagnosis");
    assert!(
        diagnosis
            .entries
            .iter()
            .any(|f| f.id == "rfc9449.use_dpop_nonce"),
        "{diagnosis:?}"
    );
    assert!(
        error.message.contains("no DPoP-Nonce header"),
        "the missing header is named: {}",
        error.message
    );
}

#[test]
fn tokens_bound_to_another_key_are_named_so() {
    let rig = rig(
        Personality::Fapi,
        Faults {
            wrong_cnf_jkt: true,
            ..Faults::default()
        },
    );
    let (session, _) = walk(&rig);
    let token = session
        .records
        .iter()
        .find(|r| r.step == Step::Token && r.outcome.is_ok())
        .unwrap_or_else(|| panic!("tokens came:\n{}", describe(&session)));
    let summary = token.outcome.as_ref().expect("ok");
    assert!(summary.contains("bound to another key"), "{summary}");
    // The token is bound to that other key: UserInfo refuses this run's proof.
    let userinfo = last(&session, Step::UserInfo);
    let refused = userinfo.outcome.as_ref().expect_err("refused");
    assert!(
        refused.message.contains("the key the token is bound to"),
        "{}",
        refused.message
    );
}

#[test]
fn a_jarm_response_signed_by_an_unpublished_key_is_refused() {
    for personality in [Personality::Fapi, Personality::FapiGost] {
        let rig = rig(
            personality,
            Faults {
                jarm_wrong_key: true,
                ..Faults::default()
            },
        );
        let (session, result) = walk(&rig);
        assert!(result.is_err(), "{}", describe(&session));
        let callback = last(&session, Step::Callback);
        let error = callback.outcome.as_ref().expect_err("refused");
        assert!(
            error.message.contains("signature"),
            "{personality:?}: {}",
            error.message
        );
        assert!(session.code.is_none(), "the code is not used");
        assert!(!session.records.iter().any(|r| r.step == Step::Token));
    }
}

#[test]
fn an_expired_request_uri_comes_back_as_invalid_request_uri() {
    let rig = rig(
        Personality::Fapi,
        Faults {
            par_expired: true,
            ..Faults::default()
        },
    );
    let (session, result) = walk(&rig);
    assert!(result.is_err(), "{}", describe(&session));
    let callback = last(&session, Step::Callback);
    let error = callback.outcome.as_ref().expect_err("refused");
    assert!(
        error.message.contains("invalid_request_uri"),
        "{}",
        error.message
    );
    let diagnosis = error.diagnosis.as_ref().expect("a diagnosis");
    assert!(
        diagnosis
            .entries
            .iter()
            .any(|f| f.id == "oidc.invalid_request_uri"),
        "{diagnosis:?}"
    );
}

/// Hostile PAR bodies: huge, Cyrillic, not UTF-8, a forged request object,
/// an unsigned one, many DPoP headers. Each gets an OAuth error, never a
/// panic (the sandbox answers the next request too).
#[test]
fn hostile_pushed_requests_get_errors_not_panics() {
    let rig = rig(Personality::Fapi, Faults::default());
    let par = format!("{}/par", rig.sandbox.base_url());
    let client = rig.sandbox.client();
    let with_client = |body: Vec<u8>| {
        let mut draft = RequestDraft::get(&par);
        "POST".clone_into(&mut draft.method);
        draft.set_header("Content-Type", "application/x-www-form-urlencoded");
        draft.body = body;
        draft.set_header(
            "Authorization",
            format!(
                "Basic {}",
                base64_basic(&client.client_id, &client.client_secret)
            ),
        );
        draft
    };
    let huge = format!("request={}", "A".repeat(3 << 20)).into_bytes();
    let cyrillic =
        "request=пример.запрос.подпись&redirect_uri=http://127.0.0.1/обратно&response_type=код"
            .as_bytes()
            .to_vec();
    let mut not_utf8 = b"request=".to_vec();
    not_utf8.extend_from_slice(&[0xff, 0xfe, 0x80, b'.', 0xc3, 0x28, b'.', 0xed, 0xa0, 0x80]);
    let unsigned = format!(
        "request={}.{}.",
        b64(r#"{"alg":"none","typ":"oauth-authz-req+jwt"}"#),
        b64(r#"{"iss":"sandbox-fapi-client","aud":"x","response_type":"code"}"#)
    )
    .into_bytes();
    let forged = format!(
        "request={}.{}.{}",
        b64(r#"{"alg":"ES256","typ":"oauth-authz-req+jwt"}"#),
        b64(r#"{"iss":"sandbox-fapi-client"}"#),
        b64("not a signature")
    )
    .into_bytes();
    let json_bomb = format!("request={}.{}.", b64(&"[".repeat(100_000)), b64("{}")).into_bytes();
    for (name, body) in [
        ("huge", huge),
        ("cyrillic", cyrillic),
        ("not utf-8", not_utf8),
        ("unsigned", unsigned),
        ("forged", forged),
        ("nested", json_bomb),
        ("empty", Vec::new()),
    ] {
        let exchange = rig.send(&with_client(body));
        let response = exchange
            .response
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let expected = if name == "huge" { 413 } else { 400 };
        assert_eq!(response.status, expected, "{name}: {}", response.text());
        let answer: serde_json::Value =
            serde_json::from_str(&response.text()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            answer["error"]
                .as_str()
                .is_some_and(|e| e.starts_with("invalid_request")),
            "{name}: {answer}"
        );
    }
    // Three DPoP headers, and one of bytes that are not text.
    let mut draft = with_client(b"request=a.b.c".to_vec());
    draft.headers.push(("DPoP".to_owned(), "x".to_owned()));
    draft.headers.push(("DPoP".to_owned(), "y".to_owned()));
    draft.headers.push(("DPoP".to_owned(), "z".to_owned()));
    let response = rig.send(&draft).response.expect("an answer");
    assert_eq!(response.status, 400, "{}", response.text());
    // Another method: 405 with Allow (RFC 9126 §2.3).
    let response = rig
        .send(&RequestDraft::get(&par))
        .response
        .expect("an answer");
    assert_eq!(response.status, 405);
    assert_eq!(response.header("allow"), Some("POST"));
    // Still serving.
    let jwks = rig.send(&RequestDraft::get(format!(
        "{}/jwks",
        rig.sandbox.base_url()
    )));
    assert_eq!(jwks.response.expect("answer").status, 200);
}

fn b64(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
}

fn base64_basic(id: &str, secret: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"))
}

/// The PAR endpoint itself, with request objects the test signs: a good
/// one is taken once; another key's signature, a wrong `aud`, a plain
/// response mode, a `request_uri` in the body and a `dpop_jkt` that is not
/// the proof's key are each refused with their error code (RFC 9126 §2.3).
#[test]
#[expect(
    clippy::too_many_lines,
    reason = "one endpoint, rule by rule, with the request objects it needs"
)]
fn the_par_endpoint_refuses_what_breaks_a_rule() {
    use tokenscope::oauth::assertion::ClientKey;
    use tokenscope::oauth::dpop::{ProofKey, proof};
    use tokenscope::oauth::request_object::sign;
    use tokenscope::token::Timestamp;

    let rig = rig(Personality::Fapi, Faults::default());
    let base = rig.sandbox.base_url();
    let issuer = rig.sandbox.issuer();
    let client = rig.sandbox.client();
    let key_file = std::fs::read(client.key_file.as_deref().expect("a key file")).expect("read");
    let (key, kid) = ClientKey::from_file_bytes(&key_file, None).expect("the client's key");
    let kid = kid.unwrap_or_default();
    let other = ClientKey::from_jwk_json(
        &serde_json::json!({"kty": "EC", "crv": "P-256",
            "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
            "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
            "d": "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"})
        .to_string(),
    )
    .expect("RFC 7515 A.3's key")
    .0;
    let now = Timestamp::from_unix(system_now().unix());
    let params = |mode: &str| -> Vec<(String, String)> {
        [
            ("response_type", "code"),
            ("client_id", client.client_id.as_str()),
            ("redirect_uri", "http://127.0.0.1:9/cb"),
            ("scope", "openid"),
            ("state", "состояние"),
            (
                "code_challenge",
                "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            ),
            ("code_challenge_method", "S256"),
            ("response_mode", mode),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
    };
    let object = |key: &ClientKey, audience: &str, mode: &str| {
        sign(
            &params(mode),
            &client.client_id,
            audience,
            key,
            ("ES256", &kid),
            now,
            60,
        )
        .expect("signed")
    };
    let push = |fields: &[(&str, &str)], dpop: Option<String>| {
        let fields: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let mut draft = RequestDraft::form_post(format!("{base}/par"), &fields);
        draft.set_header(
            "Authorization",
            format!(
                "Basic {}",
                base64_basic(&client.client_id, &client.client_secret)
            ),
        );
        if let Some(proof) = dpop {
            draft.set_header("DPoP", proof);
        }
        let response = rig.send(&draft).response.expect("an answer");
        let body: serde_json::Value = serde_json::from_str(&response.text()).expect("json");
        (response.status, body)
    };

    let good = object(&key, &issuer, "query.jwt");
    let (status, body) = push(&[("request", &good)], None);
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["expires_in"], 60);
    let uri = body["request_uri"]
        .as_str()
        .expect("request_uri")
        .to_owned();
    assert!(uri.starts_with(REQUEST_URI_PREFIX));
    let authorize = format!(
        "{base}/authorize?client_id={}&request_uri={}",
        client.client_id,
        form_urlencoded::byte_serialize(uri.as_bytes()).collect::<String>()
    );
    let first = rig
        .send(&RequestDraft::get(&authorize))
        .response
        .expect("page");
    assert_eq!(first.status, 200, "the sign-in page");
    let again = rig
        .send(&RequestDraft::get(&authorize))
        .response
        .expect("page");
    assert_eq!(again.status, 400, "one-time use");
    assert!(again.text().contains("invalid_request_uri"));

    for (name, fields, code, words) in [
        (
            "another key",
            vec![("request", object(&other, &issuer, "jwt"))],
            "invalid_request_object",
            "signature",
        ),
        (
            "wrong aud",
            vec![("request", object(&key, "https://elsewhere.example", "jwt"))],
            "invalid_request_object",
            "aud",
        ),
        (
            "plain query",
            vec![("request", object(&key, &issuer, "query"))],
            "invalid_request",
            "response_mode",
        ),
        (
            "request_uri in the body",
            vec![("request", good.clone()), ("request_uri", uri.clone())],
            "invalid_request",
            "request_uri",
        ),
        (
            "no request object",
            vec![
                ("response_type", "code".to_owned()),
                ("redirect_uri", "http://127.0.0.1:9/cb".to_owned()),
                ("response_mode", "jwt".to_owned()),
            ],
            "invalid_request",
            "request object",
        ),
    ] {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, body) = push(&fields, None);
        assert_eq!(status, 400, "{name}: {body}");
        assert_eq!(body["error"], code, "{name}: {body}");
        assert!(
            body["error_description"]
                .as_str()
                .is_some_and(|d| d.contains(words)),
            "{name}: {body}"
        );
    }

    let proof_key = ProofKey::generate().expect("a proof key");
    let stranger = ProofKey::generate().expect("another");
    let dpop = proof(&proof_key, "POST", &format!("{base}/par"), now, None, None).expect("proof");
    // dpop_jkt inside the object (RFC 9101 §5: the server reads only the object).
    let mut with_jkt = params("jwt");
    with_jkt.push(("dpop_jkt".to_owned(), stranger.thumbprint()));
    let fresh = sign(
        &with_jkt,
        &client.client_id,
        &issuer,
        &key,
        ("ES256", &kid),
        now,
        60,
    )
    .expect("signed");
    let (status, body) = push(&[("request", &fresh)], Some(dpop));
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"], "invalid_dpop_proof", "{body}");
}

/// `tokenscope run` against the FAPI sandbox: the profile's switches (PAR,
/// request object, DPoP, `response_mode` `jwt`) and key file carry the
/// whole flow; every step line says what the engine checked.
#[test]
fn run_walks_the_fapi_sandbox_headless() {
    let rig = rig(Personality::FapiGost, Faults::default());
    let (code, stdout, stderr) = crate::cli::run_against(&rig, "fapi-gost", &["--json"]);
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect();
    let summary = |step: &str| {
        lines
            .iter()
            .rev()
            .find(|l| l["step"] == step)
            .and_then(|l| l["summary"].as_str())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(code, 0, "{stderr}\n{stdout}");
    assert!(summary("pushed_authorization").contains("request_uri"));
    assert!(
        summary("callback").contains("JWT-secured response verified"),
        "{}",
        summary("callback")
    );
    assert!(
        summary("token").contains("DPoP-bound to this run's key"),
        "{}",
        summary("token")
    );
    assert!(!summary("userinfo").is_empty(), "{stdout}");
}
