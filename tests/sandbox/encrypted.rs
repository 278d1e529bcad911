//! The encrypting personality (`jwe`): ID tokens and UserInfo answers
//! signed, then encrypted to the client's key (OIDC Core 1.0 §10.2), which
//! the sandbox makes at start and hands out with its profile. The app's
//! engine and `tokenscope run` open them with the profile's decryption key
//! file and verify what was inside; without the key the step says why.

use tokenscope::app::system_now;
use tokenscope::net::RequestDraft;
use tokenscope::oauth::flow::Step;
use tokenscope::oauth::runner::{FlowSession, StepRecord, run_code_flow};
use tokenscope::sandbox::{CLIENT_ENCRYPTION_KEY_ID, Faults, Personality};

use crate::support::Rig;

fn walk(rig: &Rig, session: &mut FlowSession) -> Result<(), String> {
    rig.runtime
        .block_on(run_code_flow(session, &Rig::options(), system_now, |_| {}))
        .map_err(|failure| failure.to_string())
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

/// How the step line says a token came: "ID token encrypted with
/// RSA-OAEP-256 / A256GCM, decrypted with key sandbox-client-enc-1".
fn decrypted_line(what: &str) -> String {
    format!(
        "{what} encrypted with RSA-OAEP-256 / A256GCM, decrypted with key {CLIENT_ENCRYPTION_KEY_ID}"
    )
}

#[test]
fn the_engine_decrypts_and_verifies_the_id_token_and_the_userinfo_answer() {
    let rig = Rig::start(Personality::Encrypting, Faults::default());
    let key_file = rig.profile.decryption_key_file.clone();
    assert!(
        std::path::Path::new(&key_file).is_file(),
        "the client's decryption key is written: {key_file:?}"
    );
    assert_eq!(
        rig.sandbox.client().decryption_key_file.as_deref(),
        Some(key_file.as_str())
    );
    let mut session = rig.session();
    let result = walk(&rig, &mut session);
    let log = describe(&session);
    assert!(result.is_ok(), "{result:?}\n{log}");
    assert!(
        session.records.iter().all(|r| r.outcome.is_ok()),
        "every step passed:\n{log}"
    );

    let token = last(&session, Step::Token);
    let summary = token.outcome.as_ref().expect("token ok");
    assert!(summary.contains(&decrypted_line("ID token")), "{summary}");
    // As it came over the wire: five parts, the JWE header says how and for whom.
    let answer = token
        .exchange
        .as_ref()
        .and_then(|e| e.response.as_ref().ok())
        .expect("an answer")
        .text();
    let body: serde_json::Value = serde_json::from_str(&answer).expect("JSON");
    let wire = body["id_token"].as_str().expect("an id_token");
    assert_eq!(wire.split('.').count(), 5, "a compact JWE: {wire}");
    let Ok(tokenscope::token::jose::Decoded::Jwe(jwe)) =
        tokenscope::token::jose::decode_unverified(wire)
    else {
        panic!("a JWE: {wire}")
    };
    assert_eq!(jwe.header["alg"], "RSA-OAEP-256");
    assert_eq!(jwe.header["enc"], "A256GCM");
    assert_eq!(jwe.header["cty"], "JWT", "a nested JWT (RFC 7519 §5.2)");
    assert_eq!(jwe.header["kid"], CLIENT_ENCRYPTION_KEY_ID);

    // The JWS inside was verified: signature and every ID token check.
    let report = token.verification.as_ref().expect("verified");
    assert!(report.passed, "{report:#?}");
    let id = report
        .tokens
        .iter()
        .find(|t| t.role.as_deref() == Some("id"))
        .expect("an ID token");
    assert_eq!(id.signature.status, "valid", "{id:#?}");
    assert_eq!(
        id.decryption.as_ref().map(|d| d.status),
        Some("decrypted"),
        "{id:#?}"
    );
    assert!(
        id.checks
            .iter()
            .any(|c| c.name == "nonce" && c.status == tokenscope::token::checks::CheckStatus::Pass),
        "the nested token's checks ran: {id:#?}"
    );

    let userinfo = last(&session, Step::UserInfo);
    let summary = userinfo.outcome.as_ref().expect("userinfo ok");
    assert!(
        summary.contains(&decrypted_line("UserInfo answer")),
        "{summary}"
    );
    assert!(summary.contains("a signed JWT"), "{summary}");
    let refresh = last(&session, Step::Refresh);
    let summary = refresh.outcome.as_ref().expect("refresh ok");
    assert!(summary.contains(&decrypted_line("ID token")), "{summary}");

    drop(rig);
    assert!(
        !std::path::Path::new(&key_file).exists(),
        "the key file goes with the sandbox"
    );
}

#[test]
fn without_the_decryption_key_the_token_step_fails_and_says_why() {
    let rig = Rig::start(Personality::Encrypting, Faults::default());
    let mut session = rig.session();
    session.profile.decryption_key_file.clear();
    let result = walk(&rig, &mut session);
    let log = describe(&session);
    assert!(result.is_err(), "{log}");
    let token = last(&session, Step::Token);
    let Err(failure) = &token.outcome else {
        panic!("the token step fails:\n{log}")
    };
    let said = failure.to_string();
    assert!(
        said.contains(
            "The ID token is encrypted (RSA-OAEP-256 / A256GCM, OIDC Core §10.2) and the profile has no decryption key"
        ),
        "{said}"
    );
    assert!(
        session.records.iter().all(|r| r.step != Step::UserInfo),
        "the run stopped at the token step:\n{log}"
    );

    // Another personality's key file (a signing key) does not open it either.
    let fapi = Rig::start(Personality::Fapi, Faults::default());
    let mut session = rig.session();
    session
        .profile
        .decryption_key_file
        .clone_from(&fapi.profile.client_assertion.key_file);
    let result = walk(&rig, &mut session);
    assert!(result.is_err(), "{}", describe(&session));
    let token = last(&session, Step::Token);
    let said = token
        .outcome
        .as_ref()
        .err()
        .map(ToString::to_string)
        .unwrap_or_default();
    assert!(
        said.contains("The ID token is encrypted (RSA-OAEP-256 / A256GCM, OIDC Core §10.2)"),
        "{said}"
    );
}

#[test]
fn the_discovery_document_and_the_profile_say_it_encrypts() {
    let rig = Rig::start(Personality::Encrypting, Faults::default());
    let url = format!("{}/.well-known/openid-configuration", rig.sandbox.issuer());
    let exchange = rig.send(&RequestDraft::get(&url));
    let meta: serde_json::Value =
        serde_json::from_str(&exchange.response.expect("answer").text()).expect("json");
    for (name, value) in [
        ("id_token_encryption_alg_values_supported", "RSA-OAEP-256"),
        ("id_token_encryption_enc_values_supported", "A256GCM"),
        ("userinfo_encryption_alg_values_supported", "RSA-OAEP-256"),
        ("userinfo_encryption_enc_values_supported", "A256GCM"),
        ("userinfo_signing_alg_values_supported", "RS256"),
    ] {
        assert_eq!(meta[name], serde_json::json!([value]), "{name}: {meta}");
    }
    // Personalities that do not encrypt say nothing of it.
    let generic = Rig::start(Personality::Generic, Faults::default());
    let url = format!(
        "{}/.well-known/openid-configuration",
        generic.sandbox.issuer()
    );
    let exchange = generic.send(&RequestDraft::get(&url));
    let text = exchange.response.expect("answer").text();
    assert!(!text.contains("encryption"), "{text}");
    assert!(generic.profile.decryption_key_file.is_empty());

    // `tokenscope sandbox`'s line names the key file; the profile holds its
    // path, never the key.
    let info = rig.sandbox.info();
    assert_eq!(info["sandbox"], "jwe");
    assert_eq!(
        info["client_decryption_key_file"],
        rig.profile.decryption_key_file.as_str()
    );
    let key: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&rig.profile.decryption_key_file).expect("key file"),
    )
    .expect("a JWK");
    assert_eq!(key["kid"], CLIENT_ENCRYPTION_KEY_ID);
    assert_eq!(key["use"], "enc");
    let private = key["d"].as_str().expect("the private exponent");
    let profile = serde_json::to_string(&rig.profile).expect("profile JSON");
    assert!(!profile.contains(private), "{profile}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&rig.profile.decryption_key_file)
            .expect("metadata")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "readable by the user only");
    }
}

/// `tokenscope run --json` against the sandbox: the ID token as it came is
/// a JWE, decrypted with the profile's key file and verified inside.
#[test]
fn run_json_reports_the_decrypted_and_verified_id_token() {
    let rig = Rig::start(Personality::Encrypting, Faults::default());
    let (code, stdout, stderr) = crate::cli::run_against(&rig, "jwe", &["--json"]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let step = |name: &str| {
        lines
            .iter()
            .find(|l| l["step"] == name)
            .unwrap_or_else(|| panic!("a {name} step in {lines:#?}"))
    };
    let token = step("token");
    assert_eq!(token["ok"], true, "{token}");
    assert_eq!(token["verification"]["passed"], true, "{token}");
    let id_token = token["tokens"]
        .as_array()
        .and_then(|tokens| tokens.iter().find(|t| t["role"] == "id"))
        .unwrap_or_else(|| panic!("an ID token in {token}"));
    assert_eq!(id_token["kind"], "jwe", "as it came: {id_token}");
    assert_eq!(id_token["decryption"]["status"], "decrypted", "{id_token}");
    assert_eq!(id_token["decryption"]["alg"], "RSA-OAEP-256", "{id_token}");
    assert_eq!(id_token["decryption"]["enc"], "A256GCM", "{id_token}");
    assert_eq!(id_token["signature"]["status"], "valid", "{id_token}");
    let userinfo = step("userinfo");
    assert_eq!(userinfo["ok"], true, "{userinfo}");
    assert!(
        userinfo["summary"]
            .as_str()
            .is_some_and(|s| s.contains(&decrypted_line("UserInfo answer"))),
        "{userinfo}"
    );
    // No line carries the private key.
    let key: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&rig.profile.decryption_key_file).expect("key file"),
    )
    .expect("a JWK");
    let private = key["d"].as_str().expect("d");
    assert!(!stdout.contains(private) && !stderr.contains(private));
}

/// `tokenscope run` with a profile whose preset is `sandbox:jwe` starts that
/// sandbox itself, reads the key file it wrote, and removes the file when
/// the run ends.
#[test]
fn run_with_a_sandbox_jwe_profile_starts_the_sandbox_and_opens_its_tokens() {
    let dir = std::env::temp_dir().join(format!("tokenscope-sandbox-jwe-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let port = crate::support::free_port();
    let mut profile = tokenscope::sandbox::sandbox_profile(
        Personality::Encrypting,
        &format!("http://127.0.0.1:{port}"),
    );
    profile.redirect_uri = format!("http://127.0.0.1:{}/callback", crate::support::free_port());
    let key_file = profile.decryption_key_file.clone();
    assert!(
        key_file.ends_with(&format!("jwe-{port}-client-decryption.jwk.json")),
        "{key_file}"
    );
    let file = dir.join("jwe.json");
    std::fs::write(
        &file,
        serde_json::json!({"schema": 1, "profiles": [profile]}).to_string(),
    )
    .expect("profile file");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_tokenscope"))
        .arg("--config-dir")
        .arg(&dir)
        .args(["--secret-store", "file", "run", "--json", "--profile-file"])
        .arg(&file)
        .arg("--browser")
        .arg(crate::support::browser_command())
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let token: serde_json::Value = stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .find(|line| line["step"] == "token")
        .expect("the token step");
    assert!(
        token["summary"]
            .as_str()
            .is_some_and(|s| s.contains(&decrypted_line("ID token"))),
        "{token}"
    );
    assert_eq!(token["verification"]["passed"], true, "{token}");
    assert!(
        !std::path::Path::new(&key_file).exists(),
        "the key file goes with the sandbox the run started"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// Signed, then encrypted: with the wrong-key fault the sandbox signs with a
/// key it does not publish and encrypts that. The run decrypts it, and the
/// signature check of the token inside fails the step.
#[test]
fn a_badly_signed_token_inside_the_encryption_still_fails_verification() {
    let mut faults = Faults::default();
    faults.apply("wrong-key").expect("a fault");
    let rig = Rig::start(Personality::Encrypting, faults);
    let mut session = rig.session();
    let result = walk(&rig, &mut session);
    let log = describe(&session);
    assert!(result.is_err(), "{log}");
    let token = last(&session, Step::Token);
    let said = token
        .outcome
        .as_ref()
        .err()
        .map(ToString::to_string)
        .unwrap_or_default();
    assert!(said.contains("ID token: signature:"), "{said}\n{log}");
    let report = token.verification.as_ref().expect("verified");
    let id = report
        .tokens
        .iter()
        .find(|t| t.role.as_deref() == Some("id"))
        .expect("an ID token");
    assert_eq!(
        id.decryption.as_ref().map(|d| d.status),
        Some("decrypted"),
        "{id:#?}"
    );
    assert_ne!(id.signature.status, "valid", "{id:#?}");
}

/// What the sandbox seals opens with the npm `jose` package too
/// (`tests/provider/jwe-open.mjs`), with the private JWK it hands its
/// client: the ID token holds the signed JWT with this run's nonce, the
/// UserInfo answer the same person.
#[test]
fn what_the_sandbox_seals_opens_with_npm_jose() {
    crate::provider::ensure_node_modules();
    let rig = Rig::start(Personality::Encrypting, Faults::default());
    let mut session = rig.session();
    let result = walk(&rig, &mut session);
    assert!(result.is_ok(), "{result:?}\n{}", describe(&session));
    let jwk = std::fs::read_to_string(&rig.profile.decryption_key_file).expect("key file");
    let open = |token: &str| -> serde_json::Value {
        let output = std::process::Command::new("node")
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/provider/jwe-open.mjs"
            ))
            .args([token, jwk.as_str()])
            .output()
            .expect("node runs");
        assert!(
            output.status.success(),
            "jose refused it: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).expect("one JSON line")
    };
    let wire = |step: Step| {
        last(&session, step)
            .exchange
            .as_ref()
            .and_then(|e| e.response.as_ref().ok())
            .expect("an answer")
            .text()
    };
    let claims_of = |jws: &str| -> serde_json::Value {
        let Ok(tokenscope::token::jose::Decoded::Jws(jws)) =
            tokenscope::token::jose::decode_unverified(jws)
        else {
            panic!("a JWS inside: {jws}")
        };
        serde_json::from_str(&jws.payload_text).expect("claims")
    };

    let body: serde_json::Value = serde_json::from_str(&wire(Step::Token)).expect("JSON");
    let opened = open(body["id_token"].as_str().expect("an id_token"));
    assert_eq!(opened["header"]["alg"], "RSA-OAEP-256", "{opened}");
    assert_eq!(opened["header"]["enc"], "A256GCM", "{opened}");
    assert_eq!(opened["header"]["cty"], "JWT", "{opened}");
    let id_claims = claims_of(opened["plaintext"].as_str().expect("plaintext"));
    assert_eq!(
        id_claims["nonce"],
        session.run.nonce.as_str(),
        "{id_claims}"
    );

    let opened = open(wire(Step::UserInfo).trim());
    let userinfo = claims_of(opened["plaintext"].as_str().expect("plaintext"));
    assert_eq!(userinfo["sub"], id_claims["sub"], "{userinfo}");
}
