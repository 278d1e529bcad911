//! JWT client authentication, the password grant, standalone refresh, the
//! device flow (with `slow_down` and cancel), token exchange, the MOEX
//! passport preset and RP-initiated logout, against the real provider
//! (`tests/provider/server.mjs`: the password, token-exchange and passport
//! grants are registered there with small real handlers).

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokenscope::app::system_now;
use tokenscope::net::NetRuntime;
use tokenscope::oauth::flow::{Step, StepFailure};
use tokenscope::oauth::runner::{
    Browser, FlowSession, RunOptions, introspect, logout, revoke, run_client_credentials,
    run_device_flow, run_single_grant,
};
use tokenscope::oauth::{AssertionAudience, ClientAuth, Grant, Profile};
use tokenscope::secret::Secret;

use crate::provider::{TestProvider, free_port};

/// `client-secret-jwt`'s secret: ':' '%' '+' '&' and '=' used as the HMAC key.
/// ASCII only: oidc-provider rejects client secrets outside VSCHAR (RFC 6749
/// Appendix A); non-ASCII HMAC keys are covered by `oauth::assertion`'s unit tests.
const JWT_SECRET: &str = "jwt-secret:%+&=~";

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
        scopes: "profile".to_owned(),
        ..Profile::default()
    }
}

fn key_profile(provider: &TestProvider) -> Profile {
    let mut profile = profile(provider, "client-jwt", ClientAuth::PrivateKeyJwt);
    concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/provider/keys/client-jwt.private.pem"
    )
    .clone_into(&mut profile.client_assertion.key_file);
    "client-jwt-rs256".clone_into(&mut profile.client_assertion.key_id);
    profile
}

fn steps(session: &FlowSession) -> Vec<(Step, bool)> {
    session
        .records
        .iter()
        .map(|r| (r.step, r.outcome.is_ok()))
        .collect()
}

fn form_field(session: &FlowSession, step: Step, name: &str) -> Option<String> {
    let record = session.records.iter().rev().find(|r| r.step == step)?;
    record
        .exchange
        .as_ref()?
        .request
        .body
        .split(|b| *b == b'&')
        .map(|pair| form_urlencoded::parse(pair).next())
        .find_map(|pair| pair.filter(|(k, _)| k == name).map(|(_, v)| v.into_owned()))
}

#[test]
fn private_key_jwt_authenticates_the_token_introspection_and_revocation_requests() {
    let provider = start();
    let runtime = NetRuntime::new().expect("runtime");
    let options = RunOptions::default();
    let mut session = FlowSession::new(key_profile(&provider), None);
    let result = runtime.block_on(async {
        run_client_credentials(&mut session, &options, system_now, |_| {}).await?;
        introspect(&mut session, &options, system_now, |_| {}).await?;
        let first = session.introspection.clone();
        revoke(&mut session, &options, system_now, |_| {}).await?;
        introspect(&mut session, &options, system_now, |_| {}).await?;
        Ok::<_, StepFailure>(first)
    });
    let first = result.map_err(|f| f.to_string()).expect("every step");
    assert!(first.expect("introspected").active);
    assert!(!session.introspection.as_ref().expect("again").active);
    let assertion = form_field(&session, Step::ClientCredentials, "client_assertion")
        .expect("an assertion was sent");
    let decoded = tokenscope::oauth::assertion::decode(&assertion);
    assert!(
        decoded.contains("\"kid\": \"client-jwt-rs256\""),
        "{decoded}"
    );
    assert!(decoded.contains("\"iss\": \"client-jwt\""), "{decoded}");
    let token_endpoint = format!("\"aud\": \"{}/token\"", provider.issuer);
    assert!(decoded.contains(&token_endpoint), "{decoded}");
    // Each request carries its own assertion (a fresh jti).
    let other = form_field(&session, Step::Revocation, "client_assertion").expect("sent");
    assert_ne!(assertion, other);
}

#[test]
fn client_secret_jwt_with_special_characters_and_the_issuer_as_audience() {
    let provider = start();
    let runtime = NetRuntime::new().expect("runtime");
    for audience in [AssertionAudience::TokenEndpoint, AssertionAudience::Issuer] {
        let mut profile = profile(&provider, "client-secret-jwt", ClientAuth::ClientSecretJwt);
        profile.client_assertion.audience = audience.clone();
        let mut session = FlowSession::new(profile, Some(Secret::new(JWT_SECRET)));
        let result = runtime.block_on(run_client_credentials(
            &mut session,
            &RunOptions::default(),
            system_now,
            |_| {},
        ));
        assert_eq!(result.map_err(|f| f.to_string()), Ok(()), "{audience:?}");
    }
    // A wrong secret is refused by the provider, not by us.
    let mut session = FlowSession::new(
        profile(&provider, "client-secret-jwt", ClientAuth::ClientSecretJwt),
        Some(Secret::new("jwt-secret:%+&=")),
    );
    let failure = runtime
        .block_on(run_client_credentials(
            &mut session,
            &RunOptions::default(),
            system_now,
            |_| {},
        ))
        .expect_err("wrong secret");
    assert_eq!(
        failure.provider_error.map(|e| e.error).as_deref(),
        Some("invalid_client")
    );
}

#[test]
fn password_grant_then_token_exchange_and_a_wrong_password() {
    let provider = start();
    let runtime = NetRuntime::new().expect("runtime");
    let mut session = FlowSession::new(
        profile(&provider, "client-post", ClientAuth::ClientSecretPost),
        Some(Secret::new("post-secret")),
    );
    session.grant = Grant::Password;
    session.username = "alice".to_owned();
    session.password = Some(Secret::new("wonderland"));
    let result = runtime.block_on(run_single_grant(
        &mut session,
        &RunOptions::default(),
        system_now,
        |_| {},
    ));
    assert_eq!(result.map_err(|f| f.to_string()), Ok(()));
    assert_eq!(
        steps(&session),
        [(Step::Discovery, true), (Step::Password, true)]
    );
    let access = session
        .tokens
        .as_ref()
        .and_then(|t| t.access_token.clone())
        .expect("access token");

    // RFC 8693: the password grant's access token is the subject token.
    let preset =
        tokenscope::oauth::presets::grant_preset("urn:ietf:params:oauth:grant-type:token-exchange")
            .expect("preset");
    let mut exchange_profile = profile(&provider, "client-post", ClientAuth::ClientSecretPost);
    exchange_profile.default_grant = Grant::Extension(preset.grant_type.to_owned());
    exchange_profile.extension_grant.fields = preset.fields();
    let mut exchange = FlowSession::new(exchange_profile, Some(Secret::new("post-secret")));
    exchange
        .extension_secrets
        .push(("subject_token".to_owned(), Secret::new(access.clone())));
    let result = runtime.block_on(run_single_grant(
        &mut exchange,
        &RunOptions::default(),
        system_now,
        |_| {},
    ));
    assert_eq!(result.map_err(|f| f.to_string()), Ok(()));
    let new = exchange
        .tokens
        .as_ref()
        .and_then(|t| t.access_token.clone())
        .expect("exchanged");
    assert_ne!(new, access);

    session.password = Some(Secret::new("not-it"));
    let failure = runtime
        .block_on(run_single_grant(
            &mut session,
            &RunOptions::default(),
            system_now,
            |_| {},
        ))
        .expect_err("wrong password");
    assert_eq!(
        failure.provider_error.map(|e| e.error).as_deref(),
        Some("invalid_grant")
    );
}

#[test]
fn the_moex_passport_preset_sends_its_fields_with_old_and_new_client_ids() {
    use sha2::Digest as _;
    let provider = start();
    let runtime = NetRuntime::new().expect("runtime");
    let preset = tokenscope::oauth::presets::grant_preset("passport").expect("preset");
    let mut profile = profile(&provider, "client-basic", ClientAuth::ClientSecretBasic);
    profile.default_grant = Grant::Extension("passport".to_owned());
    profile.extension_grant.fields = preset.fields();
    for field in &mut profile.extension_grant.fields {
        match field.name.as_str() {
            "client_id_old" => "client-old".clone_into(&mut field.value),
            "client_id_new" => "client-basic".clone_into(&mut field.value),
            _ => {}
        }
    }
    let certificate = "MicexPassportCert-0123456789abcdef";
    let signature: String =
        sha2::Sha256::digest(certificate.as_bytes())
            .iter()
            .fold(String::new(), |mut hex, b| {
                let _ = write!(hex, "{b:02x}");
                hex
            });
    let mut session = FlowSession::new(profile, Some(Secret::new("basic-secret:+/= %&")));
    session.extension_secrets = vec![
        ("passport".to_owned(), Secret::new(certificate)),
        ("signature".to_owned(), Secret::new(signature)),
    ];
    let result = runtime.block_on(run_single_grant(
        &mut session,
        &RunOptions::default(),
        system_now,
        |_| {},
    ));
    assert_eq!(result.map_err(|f| f.to_string()), Ok(()));
    assert_eq!(
        form_field(&session, Step::ExtensionGrant, "grant_type").as_deref(),
        Some("passport")
    );
    assert_eq!(
        form_field(&session, Step::ExtensionGrant, "algorithm").as_deref(),
        Some("GOST")
    );
    assert_eq!(
        form_field(&session, Step::ExtensionGrant, "client_id_old").as_deref(),
        Some("client-old")
    );
    // Empty fields (the secrets of the rotation) are left out.
    assert_eq!(
        form_field(&session, Step::ExtensionGrant, "client_secret_new"),
        None
    );
}

/// Runs the device flow; `approve` is called with `verification_uri_complete`
/// before the poll numbered `approve_before` (0-based); `plan` gives each
/// wait's real sleep (after recording the asked interval) or `None` to cancel.
fn device_flow(
    provider: &TestProvider,
    profile: Profile,
    secret: Option<&str>,
    approve_before: usize,
    plan: &[Option<Duration>],
) -> (FlowSession, Result<(), StepFailure>, Vec<Duration>) {
    let runtime = NetRuntime::new().expect("runtime");
    let mut session = FlowSession::new(profile, secret.map(Secret::new));
    session.grant = Grant::DeviceCode;
    let asked = Arc::new(Mutex::new(Vec::new()));
    let url = Arc::new(Mutex::new(String::new()));
    let result = runtime.block_on(run_device_flow(
        &mut session,
        &RunOptions::default(),
        system_now,
        |interval| {
            let asked = Arc::clone(&asked);
            let url = Arc::clone(&url);
            let next = plan.get(asked.lock().expect("lock").len()).copied();
            async move {
                let index = {
                    let mut asked = asked.lock().expect("lock");
                    asked.push(interval);
                    asked.len() - 1
                };
                if index == approve_before {
                    let url = url.lock().expect("lock").clone();
                    let _ = provider.play_browser(&url);
                }
                match next.unwrap_or(Some(interval)) {
                    Some(sleep) => {
                        tokio::time::sleep(sleep).await;
                        true
                    }
                    None => false,
                }
            }
        },
        |answer| {
            answer
                .verification_uri_complete
                .clone()
                .unwrap_or_default()
                .clone_into(&mut url.lock().expect("lock"));
        },
        |_| {},
    ));
    let asked = asked.lock().expect("lock").clone();
    (session, result, asked)
}

#[test]
fn device_flow_is_approved_in_the_browser_after_a_pending_poll() {
    let provider = start();
    let mut profile = profile(&provider, "client-post", ClientAuth::ClientSecretPost);
    profile.scopes = "openid profile offline_access".to_owned();
    let (session, result, asked) = device_flow(&provider, profile, Some("post-secret"), 1, &[]);
    assert_eq!(result.map_err(|f| f.to_string()), Ok(()));
    let device = session.device.as_ref().expect("device");
    assert!(!device.user_code.is_empty());
    assert_eq!(
        device.interval, 1,
        "server.mjs runs with DEVICE_POLL_INTERVAL=1"
    );
    assert_eq!(asked, [Duration::from_secs(1), Duration::from_secs(1)]);
    let polls: Vec<_> = session
        .records
        .iter()
        .filter(|r| r.step == Step::DeviceToken)
        .collect();
    assert_eq!(polls.len(), 2);
    let pending = polls[0].outcome.as_ref().expect_err("first poll pending");
    assert!(tokenscope::oauth::device::is_pending(pending));
    assert_eq!(
        pending.provider_error.as_ref().map(|e| e.error.as_str()),
        Some("authorization_pending")
    );
    let tokens = session.tokens.as_ref().expect("tokens");
    assert!(tokens.id_token.is_some() && tokens.refresh_token.is_some());

    // Standalone refresh with the pasted refresh token, in a new run.
    let runtime = NetRuntime::new().expect("runtime");
    let mut refresh = FlowSession::new(session.profile.clone(), Some(Secret::new("post-secret")));
    refresh.grant = Grant::RefreshToken;
    refresh.pasted_refresh_token = tokens.refresh_token.clone().map(Secret::new);
    let result = runtime.block_on(run_single_grant(
        &mut refresh,
        &RunOptions::default(),
        system_now,
        |_| {},
    ));
    assert_eq!(result.map_err(|f| f.to_string()), Ok(()));
    assert_eq!(
        steps(&refresh),
        [(Step::Discovery, true), (Step::Refresh, true)]
    );

    // RP-initiated logout with the device flow's ID token.
    let mut out = session;
    out.profile.redirect_uri = format!("http://127.0.0.1:{}/callback", free_port());
    let options = RunOptions {
        browser: Browser::Command(TestProvider::browser_command()),
        callback_timeout: Duration::from_secs(20),
        ..RunOptions::default()
    };
    let result = runtime.block_on(logout(&mut out, &options, system_now, |_| {}));
    assert_eq!(result.map_err(|f| f.to_string()), Ok(()));
    let (_, url) = out.logout.as_ref().expect("logout url");
    assert!(url.contains("id_token_hint=") && url.contains("post_logout_redirect_uri="));
}

#[test]
fn polling_too_fast_gets_slow_down_and_the_interval_grows_by_five_seconds() {
    let provider = start();
    let profile = key_profile(&provider);
    // Poll at once (faster than the 1 s interval), then wait 1.2 s for real:
    // the schedule asks 6 s after slow_down; the test need not sleep that long.
    let plan = [Some(Duration::ZERO), Some(Duration::from_millis(1200))];
    let (session, result, asked) = device_flow(&provider, profile, None, 1, &plan);
    assert_eq!(result.map_err(|f| f.to_string()), Ok(()));
    assert_eq!(asked, [Duration::from_secs(1), Duration::from_secs(6)]);
    let first = session
        .records
        .iter()
        .find(|r| r.step == Step::DeviceToken)
        .expect("poll");
    let failure = first.outcome.as_ref().expect_err("slow_down");
    assert_eq!(
        failure.provider_error.as_ref().map(|e| e.error.as_str()),
        Some("slow_down")
    );
}

#[test]
fn cancelling_stops_polling_cleanly_and_a_denial_is_access_denied() {
    let provider = start();
    let profile = profile(&provider, "client-post", ClientAuth::ClientSecretPost);
    let (session, result, asked) = device_flow(
        &provider,
        profile.clone(),
        Some("post-secret"),
        usize::MAX,
        &[Some(Duration::from_secs(1)), None],
    );
    let failure = result.expect_err("cancelled");
    assert!(failure.message.contains("Cancelled"));
    assert_eq!(asked.len(), 2);
    assert_eq!(
        session.records.last().map(|r| r.step),
        Some(Step::DeviceToken)
    );
    assert!(session.tokens.is_none());

    // The user presses "abort" on the verification page.
    let runtime = NetRuntime::new().expect("runtime");
    let mut denied = FlowSession::new(profile, Some(Secret::new("post-secret")));
    denied.grant = Grant::DeviceCode;
    let url = Arc::new(Mutex::new(String::new()));
    let result = runtime.block_on(run_device_flow(
        &mut denied,
        &RunOptions::default(),
        system_now,
        |interval| {
            let url = url.lock().expect("lock").clone();
            let provider = &provider;
            async move {
                if !url.is_empty() {
                    let _ = provider.play_browser_with(&url, &["--deny"]);
                }
                tokio::time::sleep(interval).await;
                true
            }
        },
        |answer| {
            answer
                .verification_uri_complete
                .clone()
                .unwrap_or_default()
                .clone_into(&mut url.lock().expect("lock"));
        },
        |_| {},
    ));
    let failure = result.expect_err("denied");
    assert_eq!(
        failure.provider_error.map(|e| e.error).as_deref(),
        Some("access_denied")
    );
}
