//! The code flow end to end against the real provider, through the same
//! code the window uses, and the failures a user meets, each with the
//! message the user sees.

use std::time::Duration;

use tokenscope::app::system_now;
use tokenscope::net::{ClientOptions, NetRuntime, RequestDraft, build_client, send};
use tokenscope::oauth::callback::CallbackParams;
use tokenscope::oauth::flow::Step;
use tokenscope::oauth::runner::{Browser, FlowSession, RunOptions, run_code_flow};
use tokenscope::oauth::{ClientAuth, PkceMode, Profile};
use tokenscope::secret::Secret;

use crate::provider::{TestProvider, free_port};

/// A provider, a profile for one of its clients, and the redirect port.
fn setup(client_id: &str, auth: ClientAuth) -> (TestProvider, Profile) {
    let port = free_port();
    let redirect = format!("http://127.0.0.1:{port}/callback");
    let provider = TestProvider::start(&[&redirect]);
    let profile = Profile {
        name: client_id.to_owned(),
        issuer: provider.issuer.clone(),
        client_id: client_id.to_owned(),
        client_auth: auth,
        redirect_uri: redirect,
        scopes: "openid profile email offline_access".to_owned(),
        pkce: PkceMode::S256,
        ..Profile::default()
    };
    (provider, profile)
}

fn options() -> RunOptions {
    RunOptions {
        browser: Browser::Command(TestProvider::browser_command()),
        callback_timeout: Duration::from_secs(30),
        ..RunOptions::default()
    }
}

fn run(profile: Profile, secret: Option<&str>) -> (FlowSession, Result<(), String>) {
    let runtime = NetRuntime::new().expect("runtime");
    let mut session = FlowSession::new(profile, secret.map(Secret::new));
    let result = runtime.block_on(run_code_flow(&mut session, &options(), system_now, |_| {}));
    (session, result.map_err(|f| f.to_string()))
}

fn steps(session: &FlowSession) -> Vec<(Step, bool)> {
    session
        .records
        .iter()
        .map(|r| (r.step, r.outcome.is_ok()))
        .collect()
}

#[test]
fn the_whole_flow_with_basic_authentication_and_a_secret_that_needs_encoding() {
    let (_provider, profile) = setup("client-basic", ClientAuth::ClientSecretBasic);
    let (session, result) = run(profile, Some("basic-secret:+/= %&"));
    assert_eq!(result, Ok(()));
    assert_eq!(
        steps(&session),
        [
            (Step::Discovery, true),
            (Step::Authorize, true),
            (Step::Callback, true),
            (Step::Token, true),
            (Step::UserInfo, true),
            (Step::Refresh, true)
        ]
    );
    let tokens = session.tokens.as_ref().expect("tokens");
    assert!(tokens.id_token.is_some() && tokens.refresh_token.is_some());
    let callback = session
        .records
        .iter()
        .find(|r| r.step == Step::Callback)
        .expect("callback");
    assert_eq!(
        callback.outcome.as_deref(),
        Ok("code received; state and iss match")
    );
    // The tokens flow into the inspector: the ID token carries this run's nonce.
    let inspection = tokenscope::paste::inspect(&session.tokens_text(), system_now());
    let id = inspection
        .tokens
        .iter()
        .find(|t| t.role == Some(tokenscope::token::TokenRole::Id))
        .expect("an ID token");
    assert_eq!(
        id.claims().and_then(|c| c["nonce"].as_str()),
        Some(session.run.nonce.as_str())
    );
}

#[test]
fn the_whole_flow_with_post_authentication_and_with_a_public_client() {
    let (_provider, profile) = setup("client-post", ClientAuth::ClientSecretPost);
    assert_eq!(run(profile, Some("post-secret")).1, Ok(()));
    let (_provider, profile) = setup("client-public", ClientAuth::None);
    let (session, result) = run(profile, None);
    assert_eq!(result, Ok(()));
    let token = session
        .records
        .iter()
        .find(|r| r.step == Step::Token)
        .and_then(|r| r.exchange.as_ref())
        .expect("token exchange");
    assert!(
        !token
            .request
            .headers
            .iter()
            .any(|(n, _)| n == "Authorization"),
        "a public client sends no Basic header"
    );
    assert!(!String::from_utf8_lossy(&token.request.body).contains("client_secret"));
}

#[test]
fn a_wrong_client_secret_is_invalid_client() {
    let (_provider, profile) = setup("client-post", ClientAuth::ClientSecretPost);
    let (session, result) = run(profile, Some("not-the-secret"));
    let message = result.expect_err("refused");
    assert!(message.contains("invalid_client"), "{message}");
    assert!(
        message.contains("Check the client id, copy the current secret")
            && message.contains("RFC 6749 §5.2"),
        "the user is told what to check, and where the rule comes from: {message}"
    );
    assert_eq!(steps(&session).last(), Some(&(Step::Token, false)));
}

#[test]
fn a_reused_code_is_invalid_grant() {
    let (_provider, profile) = setup("client-post", ClientAuth::ClientSecretPost);
    let (mut session, result) = run(profile, Some("post-secret"));
    assert_eq!(result, Ok(()));
    assert!(session.code_sent, "the runner knows the code was used");
    let runtime = NetRuntime::new().expect("runtime");
    let client = build_client(&session.profile, &ClientOptions::default()).expect("client");
    let draft = session.token_draft(system_now()).expect("draft");
    let exchange = runtime.block_on(send(&client, &draft, &ClientOptions::default()));
    let record = session.token_exchanged(exchange, system_now());
    let failure = record.outcome.clone().expect_err("a code works once");
    assert!(failure.to_string().contains("invalid_grant"), "{failure}");
    // The run knows it had sent this code: the diagnosis says so first.
    let diagnosis = failure.diagnosis.expect("diagnosed");
    assert_eq!(
        diagnosis.entries[0].id, "rfc6749.token.invalid_grant.code_reused",
        "{diagnosis:?}"
    );
    assert!(diagnosis.entries[0].causes[0].en.contains("works once"));
}

#[test]
fn a_wrong_redirect_uri_or_code_verifier_is_refused_at_the_token_step() {
    for spoil in ["redirect_uri", "code_verifier"] {
        let (_provider, profile) = setup("client-post", ClientAuth::ClientSecretPost);
        let runtime = NetRuntime::new().expect("runtime");
        let mut session = FlowSession::new(profile, Some(Secret::new("post-secret")));
        let mut opts = options();
        // Walk up to the callback only: no userinfo or refresh endpoint, no refresh token yet.
        opts.discover = true;
        let stop_after_callback = |session: &mut FlowSession| -> RequestDraft {
            let mut draft = session.token_draft(system_now()).expect("draft");
            let mut fields = draft.form_fields();
            for (name, value) in &mut fields {
                if name == spoil {
                    value.push_str("-spoiled");
                }
            }
            draft.body = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(&fields)
                .finish()
                .into_bytes();
            draft
        };
        let client = build_client(&session.profile, &ClientOptions::default()).expect("client");
        let discovery = runtime.block_on(send(
            &client,
            &tokenscope::oauth::discovery::request(&format!(
                "{}/.well-known/openid-configuration",
                session.profile.issuer
            )),
            &ClientOptions::default(),
        ));
        session.discovered(discovery, system_now());
        let target =
            tokenscope::oauth::callback::RedirectTarget::parse(&session.profile.redirect_uri)
                .expect("target");
        let listener =
            tokenscope::oauth::callback::CallbackListener::start(&target, Duration::from_secs(30))
                .expect("listener");
        let url = session.prepare_authorize(system_now()).expect("url");
        opts.browser.open(&url).expect("browser");
        let params = listener.wait().result.expect("redirect");
        assert!(session.callback(&params, system_now()).outcome.is_ok());
        let draft = stop_after_callback(&mut session);
        let exchange = runtime.block_on(send(&client, &draft, &ClientOptions::default()));
        let failure = session
            .token_exchanged(exchange, system_now())
            .outcome
            .clone()
            .expect_err(spoil);
        assert!(
            failure.to_string().contains("invalid_grant"),
            "{spoil}: {failure}"
        );
        // A spoiled redirect_uri is a fact of what the run sent.
        let diagnosis = failure.diagnosis.expect("diagnosed");
        assert_eq!(
            diagnosis.has("rfc6749.token.invalid_grant.redirect_differs"),
            spoil == "redirect_uri",
            "{spoil}: {diagnosis:?}"
        );
    }
}

#[test]
fn a_state_mismatch_at_the_callback_is_caught() {
    let profile = Profile {
        redirect_uri: "http://127.0.0.1:1/callback".to_owned(),
        ..Profile::default()
    };
    let mut session = FlowSession::new(profile, None);
    let params = tokenscope::oauth::callback::parse_pasted(
        "http://127.0.0.1:1/callback?code=abc&state=someone-elses-state",
    )
    .expect("params");
    let _: &CallbackParams = &params;
    let record = session.callback(&params, system_now());
    let failure = record.outcome.clone().expect_err("state differs");
    assert!(failure.to_string().contains("state"), "{failure}");
    assert!(
        session.code.is_none(),
        "no code is kept from a forged redirect"
    );
}

#[test]
fn a_provider_that_is_down_or_slow_is_reported_as_such() {
    let runtime = NetRuntime::new().expect("runtime");
    let mut profile = Profile::default();
    profile.endpoints.token = format!("http://127.0.0.1:{}/token", free_port());
    let client = build_client(&profile, &ClientOptions::default()).expect("client");
    let exchange = runtime.block_on(send(
        &client,
        &RequestDraft::form_post(&profile.endpoints.token, &[]),
        &ClientOptions::default(),
    ));
    let failure = tokenscope::oauth::flow::parse_token_response(&exchange).expect_err("down");
    assert!(
        failure.to_string().contains("connection was refused"),
        "{failure}"
    );
    assert!(
        failure
            .diagnosis
            .as_ref()
            .is_some_and(|d| d.entries[0].id == "transport.refused"),
        "{failure:?}"
    );

    // A server that accepts and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/token", silent.local_addr().expect("addr"));
    // The profile's own timeouts apply.
    profile.network.connect_timeout_secs = 2;
    profile.network.timeout_secs = 1;
    let slow = ClientOptions::for_profile(&profile, None);
    let client = build_client(&profile, &slow).expect("client");
    let exchange = runtime.block_on(send(&client, &RequestDraft::form_post(&url, &[]), &slow));
    let failure = tokenscope::oauth::flow::parse_token_response(&exchange).expect_err("slow");
    assert!(
        failure.to_string().contains("no answer within 1 seconds"),
        "{failure}"
    );
    assert!(
        failure
            .diagnosis
            .as_ref()
            .is_some_and(|d| d.entries[0].id == "transport.timeout"),
        "{failure:?}"
    );
    drop(silent);
}

#[test]
fn a_step_copied_as_curl_gives_the_same_status_when_run_again() {
    let (_provider, profile) = setup("client-post", ClientAuth::ClientSecretPost);
    let (session, result) = run(profile, Some("post-secret"));
    assert_eq!(result, Ok(()));
    for step in [Step::Discovery, Step::UserInfo] {
        let record = session
            .records
            .iter()
            .find(|r| r.step == step)
            .expect("step ran");
        let exchange = record.exchange.as_ref().expect("an exchange");
        let status = exchange.response.as_ref().expect("answered").status;
        let command = tokenscope::export::curl_command(
            &exchange.request,
            Some(&session.profile),
            tokenscope::export::CurlOptions {
                reveal_secrets: true,
            },
        );
        let output = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("{command} -s -o /dev/null -w '%{{http_code}}'"))
            .output()
            .expect("sh runs curl");
        assert_eq!(
            String::from_utf8_lossy(&output.stdout),
            status.to_string(),
            "{step:?}: {command}"
        );
    }
}
