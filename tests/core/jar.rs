//! Request objects (RFC 9101): objects tokenscope signs with RS256, PS256,
//! ES256 and `EdDSA` verify with the npm `jose` package
//! (`tests/provider/jar-verify.mjs`), keys read from the fixtures' PEM, JWK
//! and PKCS#12 files.

use std::process::{Command, Stdio};

use serde_json::Value;
use tokenscope::oauth::assertion::ClientKey;
use tokenscope::oauth::request_object::{self, TYP};
use tokenscope::token::Timestamp;

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
}
