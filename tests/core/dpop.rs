//! DPoP (RFC 9449): proofs tokenscope makes verify with the npm `jose`
//! package (`tests/provider/dpop-verify.mjs`), a proof `jose` made
//! (`tests/fixtures/dpop/jose-proof.json`, from `dpop-proof.mjs`) passes
//! tokenscope's §4.3 checks, and `tokenscope verify --dpop-proof`.

use std::process::{Command, Stdio};

use serde_json::Value;
use tokenscope::oauth::dpop::{
    DEFAULT_MAX_AGE, ProofExpectations, ProofKey, proof, proof_jkt, verify_proof,
};
use tokenscope::token::Timestamp;
use tokenscope::token::checks::CheckStatus;

fn jose_fixture() -> Value {
    serde_json::from_str(&crate::fixture("dpop/jose-proof.json")).expect("jose-proof.json is JSON")
}

fn text<'a>(value: &'a Value, name: &str) -> &'a str {
    value[name].as_str().expect("a string member")
}

#[test]
#[expect(
    clippy::print_stderr,
    reason = "a skipped cross-check says so in the test output"
)]
fn dpop_proofs_made_here_verify_with_jose() {
    let node = Command::new("node").arg("--version").output();
    if node.is_err() {
        eprintln!("SKIPPED: `node` is not installed; the jose cross-check did not run");
        return;
    }
    let key = ProofKey::generate().expect("a key");
    let now = Timestamp::from_unix(crate::GENERATED_AT);
    let made = proof(
        &key,
        "GET",
        "https://rs.example.test/ресурс?q=1#f",
        now,
        Some("access-token"),
        Some("n-1"),
    )
    .expect("a proof");
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/provider/dpop-verify.mjs"
    );
    let output = Command::new("node")
        .arg(script)
        .arg(&made)
        .stderr(Stdio::piped())
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "jose did not verify the proof: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let verified: Value = serde_json::from_slice(&output.stdout).expect("JSON from node");
    let payload = &verified["payload"];
    assert_eq!(payload["htm"], "GET");
    assert_eq!(payload["htu"], "https://rs.example.test/ресурс");
    assert_eq!(payload["iat"], crate::GENERATED_AT);
    assert_eq!(payload["nonce"], "n-1");
    assert_eq!(
        payload["ath"],
        tokenscope::oauth::dpop::ath_of("access-token")
    );
    assert!(payload["jti"].as_str().is_some_and(|jti| jti.len() == 36));
    assert_eq!(verified["header"]["typ"], "dpop+jwt");
    assert_eq!(verified["header"]["alg"], "ES256");
    assert_eq!(
        verified["header"]["jwk"],
        Value::Object(key.public_jwk()),
        "the public JWK, and nothing private"
    );
}

#[test]
fn dpop_proof_made_by_jose_passes_every_check() {
    let fixture = jose_fixture();
    let expected = ProofExpectations {
        htm: text(&fixture, "htm"),
        htu: text(&fixture, "htu"),
        access_token: Some(text(&fixture, "access_token")),
        nonce: Some(text(&fixture, "nonce")),
        now: Timestamp::from_unix(fixture["iat"].as_i64().expect("iat") + 5),
        max_age: DEFAULT_MAX_AGE,
    };
    let rows = verify_proof(text(&fixture, "proof"), &expected);
    assert!(
        rows.iter().all(|row| row.status == CheckStatus::Pass),
        "{rows:#?}"
    );
    assert_eq!(
        proof_jkt(text(&fixture, "proof")).as_deref(),
        Some(text(&fixture, "jkt")),
        "the RFC 7638 thumbprint jose computed"
    );
}

/// Runs `tokenscope verify ARGS` with `stdin`: exit code and the JSON report.
fn verify(args: &[&str], stdin: &str) -> (i32, Value, String) {
    crate::tokenscope("verify", args, stdin, &[])
}

#[test]
fn dpop_verify_command_passes_and_fails_with_exit_codes() {
    let fixture = jose_fixture();
    let now = (fixture["iat"].as_i64().expect("iat") + 5).to_string();
    let common = [
        "--dpop-proof",
        "-",
        "--htu",
        "HTTPS://RS.example.test/api/orders?page=2",
        "--access-token",
        text(&fixture, "access_token"),
        "--dpop-nonce",
        text(&fixture, "nonce"),
        "--now",
        &now,
    ];
    let mut args = common.to_vec();
    args.extend(["--htm", "POST"]);
    let (code, report, stderr) = verify(&args, text(&fixture, "proof"));
    assert_eq!(code, 0, "{report:#} {stderr}");
    assert_eq!(report["passed"], true);
    assert_eq!(report["dpop_proof"]["jkt"], fixture["jkt"]);
    assert_eq!(report["dpop_proof"]["claims"]["htm"], "POST");
    let checks = report["dpop_proof"]["checks"].as_array().expect("checks");
    let names: Vec<&str> = checks
        .iter()
        .map(|c| c["name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        names,
        [
            "typ",
            "alg",
            "jwk",
            "signature",
            "htm",
            "htu",
            "iat",
            "jti",
            "ath",
            "nonce"
        ]
    );
    assert!(checks.iter().all(|c| {
        c["status"] == "pass"
            && c["spec"]
                .as_str()
                .is_some_and(|s| s.starts_with("RFC 9449 §4.3"))
    }));

    // The wrong method: exit 1, the htm row fails with its code.
    let mut args = common.to_vec();
    args.extend(["--htm", "GET"]);
    let (code, report, _) = verify(&args, text(&fixture, "proof"));
    assert_eq!(code, 1);
    assert_eq!(report["passed"], false);
    let failed: Vec<&Value> = report["dpop_proof"]["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["status"] == "fail")
        .collect();
    assert_eq!(failed.len(), 1, "{report:#}");
    assert_eq!(failed[0]["name"], "htm");
    assert_eq!(failed[0]["code"], "DPOP_HTM");

    // From a file, without --now: the fixture's iat is long past.
    let path = std::env::temp_dir().join(format!("tokenscope-dpop-{}.jwt", std::process::id()));
    std::fs::write(&path, text(&fixture, "proof")).expect("write the proof");
    let path_text = path.to_string_lossy().into_owned();
    let (code, report, _) = verify(
        &[
            "--dpop-proof",
            &path_text,
            "--htm",
            "POST",
            "--htu",
            text(&fixture, "htu"),
        ],
        "",
    );
    let _ = std::fs::remove_file(&path);
    assert_eq!(code, 1);
    let iat = report["dpop_proof"]["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["name"] == "iat")
        .expect("an iat row");
    assert_eq!(iat["code"], "DPOP_IAT_STALE");

    // Junk is one failed row, not a crash; a missing --htu is a usage error.
    let (code, report, _) = verify(
        &[
            "--dpop-proof",
            "-",
            "--htm",
            "GET",
            "--htu",
            "https://x.test/",
        ],
        "not a proof 🔑",
    );
    assert_eq!(code, 1);
    assert_eq!(report["dpop_proof"]["checks"][0]["code"], "DPOP_MALFORMED");
    let (code, _, stderr) = verify(&["--dpop-proof", "-", "--htm", "GET"], "");
    assert_eq!(code, 2, "{stderr}");
}
