//! Request objects (RFC 9101): objects tokenscope signs with RS256, PS256,
//! ES256 and `EdDSA` verify with the npm `jose` package
//! (`tests/provider/jar-verify.mjs`), keys read from the fixtures' PEM, JWK
//! and PKCS#12 files. JARM: responses `jose` signs (and encrypts) pass
//! tokenscope's §2.4 checks (`tests/provider/jarm-response.mjs`).

use std::process::{Command, Stdio};

use serde_json::Value;
use tokenscope::oauth::assertion::ClientKey;
use tokenscope::oauth::jarm::{JarmExpectations, check_response};
use tokenscope::oauth::request_object::{self, TYP};
use tokenscope::token::Timestamp;
use tokenscope::token::keys::KeySet;

fn key_file(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/jar/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn parameters() -> Vec<(String, String)> {
    [
        ("response_type", "code"),
        ("redirect_uri", "https://client.example.test/cb"),
        ("scope", "openid profile"),
        ("state", "состояние 🦀"),
        ("nonce", "n-1"),
        ("max_age", "600"),
        ("claims", r#"{"id_token":{"acr":{"essential":true}}}"#),
        ("response_mode", "query.jwt"),
    ]
    .into_iter()
    .map(|(n, v)| (n.to_owned(), v.to_owned()))
    .collect()
}

#[test]
#[expect(
    clippy::print_stderr,
    reason = "a skipped cross-check says so in the test output"
)]
fn request_objects_made_here_verify_with_jose() {
    if Command::new("node").arg("--version").output().is_err() {
        eprintln!("SKIPPED: `node` is not installed; the jose cross-check did not run");
        return;
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/provider/jar-verify.mjs");
    let now = Timestamp::from_unix(crate::GENERATED_AT);
    let cases = [
        ("client-rsa.jwk.json", None, "RS256"),
        ("client-rsa.p12", Some("tokenscope-test"), "PS256"),
        ("client-p256.p12", Some("tokenscope-test"), "ES256"),
        ("client-ed25519.pkcs8.pem", None, "EdDSA"),
        ("client-ed25519.jwk.json", None, "EdDSA"),
    ];
    for (file, passphrase, alg) in cases {
        let (key, kid) = ClientKey::from_file_bytes(&key_file(file), passphrase).expect(file);
        let jwt = request_object::sign(
            &parameters(),
            "app",
            "https://op.example.test",
            &key,
            (alg, kid.as_deref().unwrap_or_default()),
            now,
            request_object::DEFAULT_LIFETIME_SECONDS,
        )
        .expect("signed");
        let jwk = Value::Object(key.public_material().public_jwk()).to_string();
        let output = Command::new("node")
            .arg(script)
            .args([
                jwt.as_str(),
                jwk.as_str(),
                "app",
                "https://op.example.test",
                &(crate::GENERATED_AT + 5).to_string(),
            ])
            .stderr(Stdio::piped())
            .output()
            .expect("node runs");
        assert!(
            output.status.success(),
            "{file} {alg}: jose did not verify the request object: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let verified: Value = serde_json::from_slice(&output.stdout).expect("JSON from node");
        assert_eq!(verified["header"]["typ"], TYP);
        assert_eq!(verified["header"]["alg"], alg);
        assert_eq!(
            verified["header"].get("kid").and_then(Value::as_str),
            kid.as_deref()
        );
        let payload = &verified["payload"];
        assert_eq!(payload["client_id"], "app");
        assert_eq!(payload["state"], "состояние 🦀");
        assert_eq!(payload["max_age"], 600);
        assert_eq!(payload["claims"]["id_token"]["acr"]["essential"], true);
        assert_eq!(payload["response_mode"], "query.jwt");
        assert_eq!(
            payload["exp"].as_i64(),
            Some(crate::GENERATED_AT + request_object::DEFAULT_LIFETIME_SECONDS)
        );
    }
}

#[test]
fn a_request_object_past_its_exp_is_refused_by_jose() {
    if Command::new("node").arg("--version").output().is_err() {
        return;
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/provider/jar-verify.mjs");
    let (key, _) =
        ClientKey::from_file_bytes(&key_file("client-p256.pkcs8.pem"), None).expect("key");
    let jwt = request_object::sign(
        &parameters(),
        "app",
        "https://op.example.test",
        &key,
        ("", ""),
        Timestamp::from_unix(crate::GENERATED_AT),
        60,
    )
    .expect("signed");
    let jwk = Value::Object(key.public_material().public_jwk()).to_string();
    let late = (crate::GENERATED_AT + 3_600).to_string();
    let output = Command::new("node")
        .arg(script)
        .args([
            jwt.as_str(),
            jwk.as_str(),
            "app",
            "https://op.example.test",
            &late,
        ])
        .stderr(Stdio::piped())
        .output()
        .expect("node runs");
    assert!(
        !output.status.success(),
        "an expired object must not verify"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("not verified") && stderr.contains("exp"),
        "refused for its exp, not for another reason: {stderr}"
    );
}

/// A JARM response made by `jose`: the response and the provider's JWKS.
fn jose_jarm(alg: &str, claims: &Value, client_jwk: Option<&Value>) -> (String, KeySet) {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/provider/jarm-response.mjs"
    );
    let mut command = Command::new("node");
    command.arg(script).arg(alg).arg(claims.to_string());
    if let Some(jwk) = client_jwk {
        command.arg(jwk.to_string());
    }
    let output = command.stderr(Stdio::piped()).output().expect("node runs");
    assert!(
        output.status.success(),
        "jose made no response: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let made: Value = serde_json::from_slice(&output.stdout).expect("JSON from node");
    let response = made["response"].as_str().expect("response").to_owned();
    (
        response,
        KeySet::from_jwks_json(&made["jwks"].to_string(), "provider"),
    )
}

#[test]
#[expect(
    clippy::print_stderr,
    reason = "a skipped cross-check says so in the test output"
)]
fn jarm_responses_made_by_jose_pass_every_check() {
    if Command::new("node").arg("--version").output().is_err() {
        eprintln!("SKIPPED: `node` is not installed; the jose cross-check did not run");
        return;
    }
    let claims = serde_json::json!({
        "iss": "https://op.example.test",
        "aud": "app",
        "exp": crate::GENERATED_AT + 600,
        "code": "код-1",
        "state": "s-🦀",
    });
    let client: Value =
        serde_json::from_slice(&key_file("client-rsa.jwk.json")).expect("client JWK");
    // The client's key as a decryption key: the same JWK without `use: sig`.
    let mut private = client.clone();
    private.as_object_mut().expect("object").remove("use");
    let decryption = KeySet::from_jwks_json(&private.to_string(), "client");
    let mut public = client;
    for member in ["d", "p", "q", "dp", "dq", "qi", "use"] {
        public.as_object_mut().expect("object").remove(member);
    }
    for (alg, encrypted) in [
        ("RS256", false),
        ("PS256", false),
        ("ES256", false),
        ("EdDSA", false),
        ("PS256", true),
    ] {
        let (response, keys) = jose_jarm(alg, &claims, encrypted.then_some(&public));
        let result = check_response(
            &response,
            &JarmExpectations {
                issuer: "https://op.example.test",
                client_id: "app",
                keys: &keys,
                decryption: Some(&decryption),
                state: Some("s-🦀"),
                now: Timestamp::from_unix(crate::GENERATED_AT),
                leeway: 60,
            },
        );
        assert!(
            result.passed(),
            "{alg} encrypted={encrypted}: {:#?}",
            result.checks
        );
        assert!(
            result.checks[1].reason.contains(&format!("op-{alg}")),
            "{}",
            result.checks[1].reason
        );
        let parameters = result.parameters().expect("usable");
        assert!(parameters.contains(&("code".to_owned(), "код-1".to_owned())));
        // The same response an hour later: expired, nothing handed out.
        let late = check_response(
            &response,
            &JarmExpectations {
                issuer: "https://op.example.test",
                client_id: "app",
                keys: &keys,
                decryption: Some(&decryption),
                state: None,
                now: Timestamp::from_unix(crate::GENERATED_AT + 3_600),
                leeway: 60,
            },
        );
        assert_eq!(late.parameters(), None);
        assert!(
            late.checks
                .iter()
                .any(|row| row.code == Some("JARM_EXPIRED"))
        );
    }
}
