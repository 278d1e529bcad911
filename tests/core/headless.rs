//! `tokenscope decode`: the JSON report scripts rely on.

use std::io::Write as _;
use std::process::{Command, Stdio};

use crate::{GENERATED_AT, fixture};

fn decode(args: &[&str], stdin: Option<&str>) -> (i32, serde_json::Value) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tokenscope"))
        .arg("decode")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("tokenscope runs");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(text.as_bytes())
            .expect("write");
    } else {
        drop(child.stdin.take());
    }
    let output = child.wait_with_output().expect("tokenscope finishes");
    let report = serde_json::from_slice(&output.stdout).expect("the report is JSON");
    (output.status.code().unwrap_or(-1), report)
}

#[test]
fn decode_reports_every_token_with_times_relative_to_now() {
    let path = format!(
        "{}/tests/fixtures/keycloak-login-error.log",
        env!("CARGO_MANIFEST_DIR")
    );
    let now = (GENERATED_AT + 86_400).to_string();
    let (code, report) = decode(&[&path, "--now", &now], None);
    assert_eq!(code, 0);
    assert_eq!(report["token_count"], 3);
    assert_eq!(report["now"], GENERATED_AT + 86_400);
    let id = &report["tokens"][2];
    assert_eq!(id["title"], "ID token");
    assert_eq!(id["kind"], "jws");
    assert_eq!(id["role"], "id");
    assert_eq!(id["occurrences"], 2);
    assert_eq!(id["header"]["kid"], "kc-rsa-1");
    assert_eq!(id["claims"]["nonce"], "n-0S6_WzA2Mj");
    assert_eq!(
        id["signature"]["status"], "not_verified",
        "decode never claims a signature is valid"
    );
    let exp = id["times"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["name"] == "exp"))
        .expect("exp");
    assert_eq!(exp["state"], "expired");
    assert_eq!(exp["phrase"], "expired 23 hours ago");
    assert_eq!(exp["at_utc"], "2026-11-22T23:20:06Z");
}

#[test]
fn decode_reads_standard_input_and_reports_mends() {
    let (code, report) = decode(
        &["-", "--now", &GENERATED_AT.to_string()],
        Some(&fixture("moex-passport-word-paste.txt")),
    );
    assert_eq!(code, 0);
    let wrapped = &report["tokens"][2];
    assert!(
        wrapped["mends"]["summary"]
            .as_str()
            .is_some_and(|s| s.starts_with("joined 18 lines")),
        "{wrapped}"
    );
    assert_eq!(report["tokens"][0]["opaque_shape"], "uuid");
}

#[test]
fn decode_exits_1_when_nothing_is_found() {
    let (code, report) = decode(&[], Some("no tokens in here"));
    assert_eq!(code, 1);
    assert_eq!(report["token_count"], 0);
}

#[test]
fn decode_diagnoses_a_pasted_bank_error() {
    let path = format!(
        "{}/tests/fixtures/sber-token-error.log",
        env!("CARGO_MANIFEST_DIR")
    );
    let (code, report) = decode(&[&path, "--now", &GENERATED_AT.to_string()], None);
    assert_eq!(code, 1, "no tokens in the log");
    assert_eq!(report["token_count"], 0);
    let diagnoses = report["diagnoses"].as_array().expect("diagnoses");
    assert_eq!(diagnoses.len(), 1, "{diagnoses:?}");
    let error = &diagnoses[0];
    assert_eq!(error["origin"], "json_body");
    assert_eq!(error["error"], "invalid_grant");
    assert_eq!(error["status"], 400, "from the HTTP/1.1 400 line above it");
    assert_eq!(error["provider"], "sber-business-id");
    let first = &error["diagnosis"]["entries"][0];
    assert_eq!(first["id"], "sber.unknown_code");
    assert!(
        first["causes"][0]["ru"]
            .as_str()
            .is_some_and(|c| c.contains("удаляет его после любой неудачной")),
        "{first}"
    );
    assert!(
        first["fix"]["en"]
            .as_str()
            .is_some_and(|f| f.contains("2 minutes"))
    );
    assert_eq!(
        first["source"],
        "SberBusiness ID API, error table: Unknown code"
    );
    // A token paste has an empty list, never a missing field.
    let (_, tokens) = decode(&[], Some(&fixture("keycloak-token-response.json")));
    assert_eq!(tokens["diagnoses"], serde_json::json!([]));
}
