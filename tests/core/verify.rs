//! `tokenscope verify`: signatures and relying-party checks over the
//! fixtures, with the real binary, its JSON and its exit codes.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use hmac::{Hmac, KeyInit as _, Mac as _};
use serde_json::Value;
use sha2::Sha256;
use tokenscope::oauth::Profile;
use tokenscope::store::ProfileStore;
use tokenscope::token::jose::encode_segment;

use crate::{GENERATED_AT, expected, fixture};

fn path(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A field of a JSON fixture.
fn field(fixture_name: &str, name: &str) -> String {
    let value: Value = serde_json::from_str(&fixture(fixture_name)).expect("JSON fixture");
    value[name].as_str().expect("a string field").to_owned()
}

struct Run {
    code: i32,
    report: Value,
    stderr: String,
}

/// Runs `tokenscope verify ARGS` with `stdin`.
fn verify(args: &[&str], stdin: Option<&str>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tokenscope"))
        .arg("verify")
        .args(args)
        .env("NO_PROXY", "127.0.0.1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tokenscope runs");
    let mut input = child.stdin.take().expect("stdin");
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).expect("write");
    }
    drop(input);
    let output = child.wait_with_output().expect("tokenscope finishes");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    Run {
        code: output.status.code().unwrap_or(-1),
        report: if stdout.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
        },
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn now() -> String {
    GENERATED_AT.to_string()
}

/// The Keycloak ID token's expectations, with `edit` changing some.
fn keycloak_id_args(edit: &[(&str, &str)]) -> Vec<String> {
    let facts = &expected()["keycloak"];
    let mut pairs = vec![
        ("--jwks".to_owned(), path("keycloak-jwks.json")),
        (
            "--issuer".to_owned(),
            facts["issuer"].as_str().expect("issuer").to_owned(),
        ),
        ("--audience".to_owned(), "fe-client".to_owned()),
        (
            "--nonce".to_owned(),
            facts["nonce"].as_str().expect("nonce").to_owned(),
        ),
        (
            "--access-token".to_owned(),
            field("keycloak-token-response.json", "access_token"),
        ),
        ("--now".to_owned(), now()),
    ];
    for (flag, value) in edit {
        match pairs.iter_mut().find(|(f, _)| f == flag) {
            Some(pair) => (*value).clone_into(&mut pair.1),
            None => pairs.push(((*flag).to_owned(), (*value).to_owned())),
        }
    }
    let mut args = vec![path("keycloak-token-response.json")];
    args.extend(pairs.into_iter().flat_map(|(f, v)| [f, v]));
    args
}

fn run_keycloak_id(edit: &[(&str, &str)]) -> Run {
    let args = keycloak_id_args(edit);
    verify(&args.iter().map(String::as_str).collect::<Vec<_>>(), None)
}

fn only_token(run: &Run) -> &Value {
    let tokens = run.report["tokens"].as_array().expect("tokens");
    assert_eq!(tokens.len(), 1, "{}", run.report);
    &tokens[0]
}

fn check<'a>(token: &'a Value, name: &str) -> &'a Value {
    token["checks"]
        .as_array()
        .and_then(|checks| checks.iter().find(|c| c["name"] == name))
        .unwrap_or_else(|| panic!("no {name} check in {token}"))
}

fn failed_codes(token: &Value) -> Vec<String> {
    token["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["status"] == "fail")
        .map(|c| c["code"].as_str().unwrap_or("?").to_owned())
        .collect()
}

#[test]
fn keycloak_id_token_verifies_and_passes_every_check() {
    let run = run_keycloak_id(&[]);
    assert_eq!(run.code, 0, "{}\n{}", run.report, run.stderr);
    let token = only_token(&run);
    assert_eq!(token["title"], "ID token", "the ID token is preferred");
    assert_eq!(token["kind"], "jws");
    assert_eq!(token["role"], "id");
    assert_eq!(token["alg"], "RS256");
    assert_eq!(token["kid"], "kc-rsa-1");
    assert_eq!(token["checked_as"], "id");
    let signature = &token["signature"];
    assert_eq!(signature["status"], "valid");
    assert_eq!(signature["code"], Value::Null);
    assert_eq!(signature["summary"], "valid (RS256, key kc-rsa-1)");
    assert_eq!(signature["key"]["kid"], "kc-rsa-1");
    assert!(failed_codes(token).is_empty(), "{token}");
    assert_eq!(check(token, "at_hash")["status"], "pass");
    for name in ["signature", "iss", "aud", "nonce", "exp", "iat"] {
        assert_eq!(check(token, name)["status"], "pass", "{name}");
    }
    assert_eq!(token["passed"], true);
    assert_eq!(run.report["passed"], true);
    assert_eq!(run.report["refetched_jwks"], false);
    assert_eq!(run.report["now"], GENERATED_AT);
    assert_eq!(run.report["keys"].as_array().map(Vec::len), Some(3));
    assert_eq!(run.report["key_problems"], serde_json::json!([]));
}

#[test]
fn keycloak_refresh_token_verifies_with_the_base64url_realm_secret() {
    let secret = expected()["keycloak"]["hs256_secret_b64u"]
        .as_str()
        .expect("secret")
        .to_owned();
    let refresh = field("keycloak-token-response.json", "refresh_token");
    let run = verify(&[&refresh, "--secret-b64u", &secret, "--now", &now()], None);
    assert_eq!(run.code, 0, "{}\n{}", run.report, run.stderr);
    let token = only_token(&run);
    assert_eq!(token["alg"], "HS256");
    assert_eq!(token["signature"]["status"], "valid");
    assert_eq!(
        token["checked_as"],
        Value::Null,
        "no RP checks for a refresh token"
    );
    let keys = run.report["keys"].as_array().expect("keys");
    assert_eq!(keys[0]["kty"], "oct");
    assert_eq!(
        keys[0]["fingerprint"],
        Value::Null,
        "a secret is never shown"
    );
    assert!(!run.report.to_string().contains(&secret));
}

#[test]
fn several_key_options_merge_and_all_verifies_every_token() {
    let secret = expected()["keycloak"]["hs256_secret_b64u"]
        .as_str()
        .expect("secret")
        .to_owned();
    let mut args = keycloak_id_args(&[("--secret-b64u", &secret)]);
    args.push("--all".to_owned());
    let run = verify(&args.iter().map(String::as_str).collect::<Vec<_>>(), None);
    assert_eq!(run.code, 0, "{}\n{}", run.report, run.stderr);
    let tokens = run.report["tokens"].as_array().expect("tokens");
    let titles: Vec<&str> = tokens.iter().filter_map(|t| t["title"].as_str()).collect();
    assert_eq!(titles, ["Access token", "Refresh token", "ID token"]);
    assert!(tokens.iter().all(|t| t["signature"]["status"] == "valid"));
    assert_eq!(run.report["keys"].as_array().map(Vec::len), Some(4));
}

#[test]
fn kontur_es256_id_token_from_standard_input() {
    let facts = &expected()["kontur"];
    let run = verify(
        &[
            "-",
            "--jwks",
            &path("kontur-jwks.json"),
            "--issuer",
            facts["issuer"].as_str().expect("issuer"),
            "--audience",
            facts["client_id"].as_str().expect("client"),
            "--nonce",
            facts["nonce"].as_str().expect("nonce"),
            "--now",
            &now(),
        ],
        Some(&fixture("kontur-token-response.json")),
    );
    assert_eq!(run.code, 0, "{}\n{}", run.report, run.stderr);
    let token = only_token(&run);
    assert_eq!(
        token["signature"]["summary"],
        "valid (ES256, key kontur-ec-1)"
    );
    // The opaque access token of the same response is used for at_hash.
    assert_eq!(check(token, "at_hash")["status"], "pass");
    assert!(
        token["notes"]
            .to_string()
            .contains("access_token of the same response"),
        "{token}"
    );
}

#[test]
fn sber_gost_id_token_verifies_with_the_bank_certificate() {
    let facts = &expected()["sber"];
    let run = verify(
        &[
            &path("sber-token-response.json"),
            "--cert",
            &path("sber-bank-certificate.pem"),
            "--issuer",
            facts["issuer"].as_str().expect("issuer"),
            "--audience",
            facts["client_id"].as_str().expect("client"),
            "--nonce",
            facts["nonce"].as_str().expect("nonce"),
            "--now",
            &now(),
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}\n{}", run.report, run.stderr);
    let token = only_token(&run);
    assert_eq!(token["alg"], "gost34.10-2012");
    let summary = token["signature"]["summary"].as_str().expect("summary");
    assert_eq!(token["signature"]["status"], "valid");
    assert!(summary.contains("GOST"), "{summary}");
    assert!(summary.contains("s‖r"), "{summary}");
    assert_eq!(token["signature"]["key"]["kty"], "GOST");
}

#[test]
fn moex_word_paste_file_is_mended_and_verifies() {
    let run = verify(
        &[
            &path("moex-passport-word-paste.txt"),
            "--jwks",
            &path("moex-jwks.json"),
            "--now",
            &now(),
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}\n{}", run.report, run.stderr);
    let token = only_token(&run);
    assert_eq!(token["kid"], "moex-rsa-1");
    assert_eq!(
        token["signature"]["summary"],
        "valid (RS256, key moex-rsa-1)"
    );
    assert!(
        token["notes"]
            .to_string()
            .contains("mended: joined 18 lines"),
        "{token}"
    );
}

#[test]
fn wrong_issuer_fails_with_exit_1() {
    let run = run_keycloak_id(&[("--issuer", "https://sso.example.test/realms/other")]);
    assert_eq!(run.code, 1);
    let token = only_token(&run);
    assert_eq!(token["signature"]["status"], "valid");
    assert_eq!(failed_codes(token), ["IDT_ISS_MISMATCH"]);
    assert_eq!(token["passed"], false);
    assert_eq!(run.report["passed"], false);
}

#[test]
fn wrong_nonce_fails_with_exit_1() {
    let run = run_keycloak_id(&[("--nonce", "n-replayed")]);
    assert_eq!(run.code, 1);
    assert_eq!(failed_codes(only_token(&run)), ["IDT_NONCE_MISMATCH"]);
}

#[test]
fn an_expired_token_fails_with_exit_1() {
    let day_later = (GENERATED_AT + 86_400).to_string();
    let run = run_keycloak_id(&[("--now", &day_later)]);
    assert_eq!(run.code, 1);
    let codes = failed_codes(only_token(&run));
    assert!(codes.contains(&"IDT_EXPIRED".to_owned()), "{codes:?}");
}

#[test]
fn one_flipped_signature_character_fails() {
    let id_token = field("keycloak-token-response.json", "id_token");
    let at = id_token.len() - 20;
    let flipped = if id_token.as_bytes()[at] == b'A' {
        "B"
    } else {
        "A"
    };
    let tampered = format!("{}{flipped}{}", &id_token[..at], &id_token[at + 1..]);
    let run = verify(
        &[
            &tampered,
            "--jwks",
            &path("keycloak-jwks.json"),
            "--now",
            &now(),
        ],
        None,
    );
    assert_eq!(run.code, 1, "{}", run.report);
    let token = only_token(&run);
    assert_eq!(token["signature"]["status"], "invalid");
    assert_eq!(token["signature"]["code"], "JWS_SIG_INVALID");
    assert_eq!(check(token, "signature")["code"], "JWS_SIG_INVALID");
}

#[test]
fn hs256_tokens_never_verify_with_an_rsa_jwks() {
    // Keycloak's refresh token (kid kc-hmac-1) against the realm's public keys.
    let refresh = field("keycloak-token-response.json", "refresh_token");
    let run = verify(
        &[
            &refresh,
            "--jwks",
            &path("keycloak-jwks.json"),
            "--now",
            &now(),
        ],
        None,
    );
    assert_eq!(run.code, 1, "{}", run.report);
    let token = only_token(&run);
    assert_eq!(token["signature"]["status"], "no_key");
    assert_eq!(token["signature"]["code"], "JWK_KID_UNKNOWN");
    // A forgery MACed with the JWKS text itself (key confusion, RFC 8725 §2.6).
    let input = format!(
        "{}.{}",
        encode_segment(br#"{"alg":"HS256","typ":"JWT"}"#),
        encode_segment(br#"{"sub":"admin","exp":9999999999}"#)
    );
    let mac = Hmac::<Sha256>::new_from_slice(fixture("keycloak-jwks.json").as_bytes())
        .expect("any key length")
        .chain_update(input.as_bytes())
        .finalize()
        .into_bytes();
    let forged = format!("{input}.{}", encode_segment(&mac));
    let run = verify(&[&forged, "--jwks", &path("keycloak-jwks.json")], None);
    assert_eq!(run.code, 1, "{}", run.report);
    let token = only_token(&run);
    assert_eq!(token["signature"]["status"], "rejected");
    assert_eq!(token["signature"]["code"], "JWS_KEY_ALG_MISMATCH");
}

/// A server answering each request with the next body of `bodies` (the
/// last one repeats); the JWKS URL, and the server (it counts the requests).
fn jwks_server(bodies: Vec<String>) -> (String, crate::json_server::JsonServer) {
    let server = crate::json_server::serve("jwks-server", move |_, n| {
        (200, bodies[n.min(bodies.len() - 1)].clone())
    });
    (format!("{}/jwks", server.base), server)
}

/// The Keycloak JWKS without the key the ID token names (before rotation).
fn jwks_without_kc_rsa_1() -> String {
    let mut jwks: Value = serde_json::from_str(&fixture("keycloak-jwks.json")).expect("JWKS");
    jwks["keys"]
        .as_array_mut()
        .expect("keys")
        .retain(|key| key["kid"] != "kc-rsa-1");
    jwks.to_string()
}

#[test]
fn an_unknown_kid_refetches_the_jwks_url_once() {
    let (url, requests) = jwks_server(vec![jwks_without_kc_rsa_1(), fixture("keycloak-jwks.json")]);
    let run = run_keycloak_id(&[("--jwks", &url)]);
    assert_eq!(run.code, 0, "{}\n{}", run.report, run.stderr);
    assert_eq!(run.report["refetched_jwks"], true);
    let token = only_token(&run);
    assert_eq!(token["signature"]["status"], "valid");
    assert!(
        token["signature"]["notes"]
            .to_string()
            .contains("fetched once more"),
        "{token}"
    );
    assert_eq!(requests.requests(), 2);
    assert_eq!(run.report["keys"][0]["source"], format!("JWKS {url}"));
}

#[test]
fn a_kid_that_never_appears_fails_after_exactly_two_requests() {
    let (url, requests) = jwks_server(vec![jwks_without_kc_rsa_1()]);
    let run = run_keycloak_id(&[("--jwks", &url)]);
    assert_eq!(run.code, 1, "{}", run.report);
    assert_eq!(run.report["refetched_jwks"], true);
    let token = only_token(&run);
    assert_eq!(token["signature"]["status"], "no_key");
    assert_eq!(token["signature"]["code"], "JWK_KID_UNKNOWN");
    assert_eq!(requests.requests(), 2);
}

#[test]
fn a_profile_supplies_issuer_client_id_and_jwks_uri() {
    let dir = std::env::temp_dir().join(format!(
        "tokenscope-test-verify-profile-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (url, requests) = jwks_server(vec![fixture("keycloak-jwks.json")]);
    let mut profile = Profile {
        name: "Keycloak partner".to_owned(),
        issuer: expected()["keycloak"]["issuer"]
            .as_str()
            .expect("issuer")
            .to_owned(),
        client_id: "fe-client".to_owned(),
        ..Profile::default()
    };
    profile.endpoints.jwks.clone_from(&url);
    ProfileStore::new(&dir).save(&[profile]).expect("save");
    let dir_arg = dir.display().to_string();
    let nonce = expected()["keycloak"]["nonce"]
        .as_str()
        .expect("nonce")
        .to_owned();
    let token = path("keycloak-token-response.json");
    let base = [
        "--config-dir",
        &dir_arg,
        "--profile",
        "keycloak",
        "--nonce",
        &nonce,
        "--now",
        &GENERATED_AT.to_string(),
    ]
    .map(str::to_owned);
    let run_with = |extra: &[&str]| {
        let mut args: Vec<&str> = vec![&token];
        args.extend(base.iter().map(String::as_str));
        args.extend(extra);
        verify(&args, None)
    };
    let run = run_with(&[]);
    assert_eq!(run.code, 0, "{}\n{}", run.report, run.stderr);
    let token_report = only_token(&run);
    assert_eq!(check(token_report, "iss")["status"], "pass");
    assert_eq!(check(token_report, "aud")["status"], "pass");
    assert_eq!(requests.requests(), 1);
    // An explicit flag overrides the profile.
    let run = run_with(&["--audience", "another-client"]);
    assert_eq!(run.code, 1);
    assert!(failed_codes(only_token(&run)).contains(&"IDT_AUD_MISMATCH".to_owned()));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn usage_errors_exit_2_without_a_report() {
    let id_token = field("keycloak-token-response.json", "id_token");
    let missing: PathBuf = std::env::temp_dir().join("tokenscope-no-such-cert.pem");
    let missing = missing.display().to_string();
    let github = fixture("github-token-success.form");
    let cases: [(Vec<&str>, Option<&str>, &str); 4] = [
        (vec!["-"], Some("no tokens in here"), "no token found"),
        (vec!["-"], Some(&github), "no JWT in the input"),
        (vec![&id_token], None, "no keys were given"),
        (
            vec![&id_token, "--cert", &missing],
            None,
            "could not read the certificate",
        ),
    ];
    for (args, stdin, message) in cases {
        let run = verify(&args, stdin);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert_eq!(run.report, Value::Null, "nothing on standard output");
        assert!(run.stderr.contains(message), "{message}: {}", run.stderr);
    }
    // A bad flag value is a usage error too (clap's).
    let run = verify(&[&id_token, "--now", "yesterday"], None);
    assert_eq!(run.code, 2);
    let run = verify(&[&id_token, "--secret-b64u", "not*base64"], None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--secret-b64u"), "{}", run.stderr);
}
