//! JWT Response for OAuth Token Introspection (RFC 9701) against the test
//! provider (`features.jwtIntrospection`): a signed answer through the
//! runner, a signed-then-encrypted one through `tokenscope run`.

use std::process::Command;

use tokenscope::app::system_now;
use tokenscope::net::NetRuntime;
use tokenscope::oauth::flow::Step;
use tokenscope::oauth::runner::{FlowSession, RunOptions, introspect, run_client_credentials};
use tokenscope::oauth::{ClientAuth, Profile};
use tokenscope::secret::Secret;

use crate::provider::{TestProvider, free_port};

/// The private half of the key `client-jwe-introspection` registered for
/// encryption (`client-jwe`'s).
const KEY: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/provider/keys/client-jwe.private.pem"
);

fn start() -> TestProvider {
    let redirect = format!("http://127.0.0.1:{}/callback", free_port());
    TestProvider::start(&[&redirect])
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

#[test]
fn a_signed_jwt_answer_is_asked_for_verified_and_used() {
    let provider = start();
    let runtime = NetRuntime::new().expect("runtime");
    let options = RunOptions::default();
    let profile = Profile {
        name: "RFC 9701".to_owned(),
        issuer: provider.issuer.clone(),
        client_id: "client-introspection-jwt".to_owned(),
        client_auth: ClientAuth::ClientSecretBasic,
        scopes: String::new(),
        introspection_jwt: true,
        ..Profile::default()
    };
    let mut session = FlowSession::new(profile, Some(Secret::new("introspection-jwt-secret")));
    let result = runtime.block_on(async {
        run_client_credentials(&mut session, &options, system_now, |_| {}).await?;
        introspect(&mut session, &options, system_now, |_| {}).await
    });
    let record = session.records.last().expect("a record");
    result
        .map_err(|f| format!("{f}: {record:#?}"))
        .expect("every step succeeds");
    assert_eq!(record.step, Step::Introspection);
    let exchange = record.exchange.as_ref().expect("exchange");
    assert_eq!(
        header(&exchange.request.headers, "accept"),
        Some("application/token-introspection+jwt")
    );
    let response = exchange.response.as_ref().expect("answered");
    assert!(
        header(&response.headers, "content-type")
            .is_some_and(|t| t.starts_with("application/token-introspection+jwt")),
        "{:?}",
        response.headers
    );
    let facts = record.introspection_jwt.as_deref().expect("a JWT answer");
    assert!(
        facts.signed && facts.passed && !facts.encrypted,
        "{facts:#?}"
    );
    let summary = record.outcome.as_ref().expect("ok");
    assert!(summary.contains("the JWT answer verified"), "{summary}");
    let answer = session.introspection.as_ref().expect("used");
    assert!(answer.active);
    assert_eq!(answer.members["client_id"], "client-introspection-jwt");

    // Not asked: the same client gets plain JSON, read as ever.
    session.profile.introspection_jwt = false;
    runtime
        .block_on(introspect(&mut session, &options, system_now, |_| {}))
        .expect("JSON introspection");
    let record = session.records.last().expect("a record");
    assert!(record.introspection_jwt.is_none());
    assert!(session.introspection.as_ref().is_some_and(|a| a.active));
}

#[test]
fn run_introspection_jwt_decrypts_and_verifies_an_encrypted_answer() {
    let provider = start();
    let dir = std::env::temp_dir().join(format!(
        "tokenscope-introspection-jwt-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("profile.json");
    std::fs::write(
        &path,
        format!(
            r#"{{"schema":1,"profiles":[{{"id":"rfc9701","name":"RFC 9701","issuer":"{issuer}",
                "client_id":"client-jwe-introspection","client_auth":"client_secret_basic",
                "default_grant":"client_credentials","scopes":""}}],
                "secrets":{{"rfc9701":{{"client_secret":"jwe-introspection-secret"}}}}}}"#,
            issuer = provider.issuer
        ),
    )
    .expect("profile");
    let run = |extra: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_tokenscope"))
            .args([
                "run",
                "--profile-file",
                path.to_str().expect("utf-8"),
                "--grant",
                "client_credentials",
                "--introspect",
                "--introspection-jwt",
                "--json",
            ])
            .args(extra)
            .output()
            .expect("runs");
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let lines: Vec<serde_json::Value> = stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect();
        (output.status.code(), lines, stdout)
    };

    let (code, lines, stdout) = run(&["--decryption-key", KEY]);
    assert_eq!(code, Some(0), "{stdout}");
    let line = lines
        .iter()
        .find(|l| l["step"] == "introspection")
        .expect("an introspection line");
    assert_eq!(line["ok"], true, "{line}");
    let summary = line["summary"].as_str().expect("summary");
    assert!(summary.starts_with("active"), "{summary}");
    assert!(
        summary.contains("encrypted with RSA-OAEP-256 / A256GCM"),
        "{summary}"
    );
    let facts = &line["introspection_jwt"];
    assert_eq!(facts["encrypted"], true, "{line}");
    assert_eq!(facts["signed"], true);
    assert_eq!(facts["passed"], true);
    let names: Vec<&str> = facts["checks"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|row| row["name"].as_str().unwrap_or("?"))
        .collect();
    assert_eq!(
        names,
        [
            "response",
            "typ",
            "signature",
            "iss",
            "aud",
            "iat",
            "token_introspection"
        ]
    );
    assert!(
        !stdout.contains("jwe-introspection-secret"),
        "the secret is masked"
    );

    // Without the client's key the answer stays closed and the run fails.
    let (code, lines, stdout) = run(&[]);
    assert_ne!(code, Some(0), "{stdout}");
    let line = lines
        .iter()
        .find(|l| l["step"] == "introspection")
        .expect("an introspection line");
    assert_eq!(line["ok"], false);
    assert!(
        line["summary"]
            .as_str()
            .is_some_and(|s| s.starts_with("The introspection answer is encrypted")),
        "{line}"
    );
    assert_eq!(line["introspection_jwt"]["encrypted"], true);
    let _ = std::fs::remove_dir_all(&dir);
}
