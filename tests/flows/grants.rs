//! The client credentials grant, introspection and revocation against the
//! real provider, through the runner and through `tokenscope run`.
//! (The other grants and JWT client authentication: `more_grants`.)

use std::process::Command;

use tokenscope::app::system_now;
use tokenscope::net::NetRuntime;
use tokenscope::oauth::flow::Step;
use tokenscope::oauth::runner::{
    FlowSession, RunOptions, introspect, revoke, run_client_credentials,
};
use tokenscope::oauth::{ClientAuth, Profile};
use tokenscope::secret::Secret;

use crate::provider::{TestProvider, free_port};

const BASIC_SECRET: &str = "basic-secret:+/= %&";

fn start() -> TestProvider {
    let redirect = format!("http://127.0.0.1:{}/callback", free_port());
    TestProvider::start(&[&redirect])
}

fn profile(provider: &TestProvider, client_id: &str, auth: ClientAuth) -> Profile {
    Profile {
        name: client_id.to_owned(),
        issuer: provider.issuer.clone(),
        client_id: client_id.to_owned(),
        client_auth: auth,
        scopes: "profile email".to_owned(),
        ..Profile::default()
    }
}

fn steps(session: &FlowSession) -> Vec<(Step, bool)> {
    session
        .records
        .iter()
        .map(|r| (r.step, r.outcome.is_ok()))
        .collect()
}

#[test]
fn client_credentials_with_basic_authentication_then_introspection_and_revocation() {
    let provider = start();
    let runtime = NetRuntime::new().expect("runtime");
    let options = RunOptions::default();
    let mut session = FlowSession::new(
        profile(&provider, "client-basic", ClientAuth::ClientSecretBasic),
        Some(Secret::new(BASIC_SECRET)),
    );
    let result = runtime.block_on(async {
        run_client_credentials(&mut session, &options, system_now, |_| {}).await?;
        introspect(&mut session, &options, system_now, |_| {}).await?;
        let first = session.introspection.clone();
        revoke(&mut session, &options, system_now, |_| {}).await?;
        introspect(&mut session, &options, system_now, |_| {}).await?;
        Ok::<_, tokenscope::oauth::flow::StepFailure>(first)
    });
    let first = result
        .map_err(|f| f.to_string())
        .expect("every step succeeds");
    assert_eq!(
        steps(&session),
        [
            (Step::Discovery, true),
            (Step::ClientCredentials, true),
            (Step::Introspection, true),
            (Step::Revocation, true),
            (Step::Introspection, true),
        ]
    );
    let tokens = session.tokens.as_ref().expect("tokens");
    assert!(tokens.access_token.is_some());
    assert!(tokens.id_token.is_none() && tokens.refresh_token.is_none());

    let first = first.expect("introspected");
    assert!(first.active, "the fresh token is active: {first:?}");
    assert_eq!(first.members["client_id"], "client-basic");
    let last = session.introspection.as_ref().expect("introspected again");
    assert!(!last.active, "the revoked token is inactive: {last:?}");

    let sent = session.records[1]
        .exchange
        .as_ref()
        .expect("exchange")
        .request
        .clone();
    assert!(
        sent.headers
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case("authorization") && v.starts_with("Basic ")),
        "client_secret_basic sends the Basic header"
    );
}

#[test]
fn client_credentials_with_post_authentication() {
    let provider = start();
    let runtime = NetRuntime::new().expect("runtime");
    let mut session = FlowSession::new(
        profile(&provider, "client-post", ClientAuth::ClientSecretPost),
        Some(Secret::new("post-secret")),
    );
    let result = runtime.block_on(run_client_credentials(
        &mut session,
        &RunOptions::default(),
        system_now,
        |_| {},
    ));
    assert_eq!(result.map_err(|f| f.to_string()), Ok(()));
    assert_eq!(
        steps(&session),
        [(Step::Discovery, true), (Step::ClientCredentials, true)]
    );
    let tokens = session.tokens.as_ref().expect("tokens");
    assert_eq!(tokens.token_type.as_deref(), Some("Bearer"));
    assert_eq!(tokens.scope.as_deref(), Some("profile email"));
}

#[test]
fn a_wrong_secret_gives_invalid_client() {
    let provider = start();
    let runtime = NetRuntime::new().expect("runtime");
    let mut session = FlowSession::new(
        profile(&provider, "client-basic", ClientAuth::ClientSecretBasic),
        Some(Secret::new("wrong")),
    );
    let mut seen = Vec::new();
    let result = runtime.block_on(run_client_credentials(
        &mut session,
        &RunOptions::default(),
        system_now,
        |record| seen.push(record.step),
    ));
    let failure = result.expect_err("the token request fails");
    assert_eq!(
        failure.provider_error.as_ref().map(|e| e.error.as_str()),
        Some("invalid_client")
    );
    assert!(
        failure
            .diagnosis
            .as_ref()
            .is_some_and(|d| d.has("rfc6749.token.invalid_client")),
        "{failure:?}"
    );
    assert_eq!(seen, [Step::Discovery, Step::ClientCredentials]);
    assert!(session.tokens.is_none());
}

#[test]
fn run_client_credentials_introspect_revoke_prints_one_json_line_per_step() {
    let provider = start();
    let dir = std::env::temp_dir().join(format!("tokenscope-grants-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("profile.json");
    let text = format!(
        r#"{{"schema":1,"profiles":[{{"id":"cc-test","name":"Client credentials","issuer":"{issuer}","client_id":"client-basic",
            "client_auth":"client_secret_basic","default_grant":"client_credentials","scopes":"profile"}}],
            "secrets":{{"cc-test":{{"client_secret":"{BASIC_SECRET}"}}}}}}"#,
        issuer = provider.issuer
    );
    std::fs::write(&path, text).expect("write profile");
    let output = Command::new(env!("CARGO_BIN_EXE_tokenscope"))
        .args([
            "run",
            "--profile-file",
            path.to_str().expect("utf-8"),
            "--grant",
            "client_credentials",
            "--introspect",
            "--revoke",
            "--json",
        ])
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let steps: Vec<&str> = lines
        .iter()
        .map(|l| l["step"].as_str().unwrap_or("?"))
        .collect();
    assert_eq!(
        steps,
        [
            "discovery",
            "client_credentials",
            "introspection",
            "revocation"
        ]
    );
    assert!(lines.iter().all(|l| l["ok"] == true), "{stdout}");
    assert!(
        lines[2]["summary"]
            .as_str()
            .is_some_and(|s| s.starts_with("active")),
        "{}",
        lines[2]
    );
    assert!(
        !stdout.contains("basic-secret"),
        "the secret is masked in the output"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
