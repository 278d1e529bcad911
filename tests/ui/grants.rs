//! The grant cards without a provider: the device card shows the user code
//! (and its QR code), and the request pane shows a client assertion decoded.

use egui_kittest::kittest::Queryable as _;
use tokenscope::app::FlowState;
use tokenscope::oauth::runner::FlowSession;
use tokenscope::oauth::{ClientAuth, Grant, Profile, ProfileId};
use tokenscope::secret::Secret;

use crate::support::{A_DAY_LATER, harness};

fn show(session: FlowSession) -> egui_kittest::Harness<'static, tokenscope::app::TokenscopeApp> {
    let mut harness = harness(A_DAY_LATER);
    {
        let workspace = harness.state_mut().workspace_mut();
        workspace.profiles.list.push(session.profile.clone());
        workspace.profiles.selected = Some(session.profile.id.clone());
        workspace.show_flow = true;
        workspace.flow = Some(FlowState::new(session));
    }
    harness.run();
    harness
}

fn profile(auth: ClientAuth, grant: Grant) -> Profile {
    let mut profile = Profile {
        id: ProfileId("grants".to_owned()),
        name: "Grants".to_owned(),
        client_id: "client-secret-jwt".to_owned(),
        client_auth: auth,
        default_grant: grant,
        scopes: "profile".to_owned(),
        ..Profile::default()
    };
    "https://op.example.test/token".clone_into(&mut profile.endpoints.token);
    "https://op.example.test/device/auth".clone_into(&mut profile.endpoints.device_authorization);
    profile
}

#[test]
fn the_request_pane_shows_the_client_assertion_decoded() {
    let session = FlowSession::new(
        profile(ClientAuth::ClientSecretJwt, Grant::ClientCredentials),
        Some(Secret::new("jwt-secret:%+&=~")),
    );
    let harness = show(session);
    harness.get_by_label("client_assertion, decoded (header . claims):");
    harness.get_by_label_contains("\"alg\": \"HS256\"");
    harness.get_by_label_contains("\"aud\": \"https://op.example.test/token\"");
    harness.get_by_label_contains("\"iss\": \"client-secret-jwt\"");
}

/// With DPoP on, the next token request carries a proof, shown decoded:
/// `typ` `dpop+jwt`, the public `jwk`, `htm` and `htu` (RFC 9449 §4.2).
#[test]
fn the_request_pane_shows_the_dpop_proof_decoded() {
    let mut profile = profile(ClientAuth::ClientSecretPost, Grant::ClientCredentials);
    profile.dpop = true;
    let session = FlowSession::new(profile, Some(Secret::new("s")));
    let harness = show(session);
    harness.get_by_label("The DPoP proof (RFC 9449 §4.2), decoded:");
    harness.get_by_label_contains("\"typ\": \"dpop+jwt\"");
    harness.get_by_label_contains("\"htm\": \"POST\"");
    harness.get_by_label_contains("\"htu\": \"https://op.example.test/token\"");
    assert!(
        harness.query_by_label_contains("\"d\":").is_none(),
        "never the private key"
    );
}

/// A device run right after the device authorization answer, at a fixed time.
fn device_scene() -> egui_kittest::Harness<'static, tokenscope::app::TokenscopeApp> {
    device_scene_with(br#"{"device_code":"dc-secret","user_code":"WDJB-MJHT","verification_uri":"https://op.example.test/device","verification_uri_complete":"https://op.example.test/device?user_code=WDJB-MJHT","expires_in":600,"interval":5}"#)
}

/// A device run right after the provider answered `body`.
fn device_scene_with(
    body: &[u8],
) -> egui_kittest::Harness<'static, tokenscope::app::TokenscopeApp> {
    use tokenscope::net::{Exchange, RecordedRequest, RecordedResponse};
    let mut profile = profile(ClientAuth::None, Grant::DeviceCode);
    profile.pkce = tokenscope::oauth::PkceMode::Off;
    let mut session = FlowSession::new(profile, None);
    // Fixed run values: the image must not change from run to run.
    "ZGV2aWNlX3NuYXBzaG90X3N0YXRlX2Zvcl90ZXN0cw".clone_into(&mut session.run.state);
    "n-device-1".clone_into(&mut session.run.nonce);
    session.device_authorized(
        Exchange {
            request: RecordedRequest {
                method: "POST".to_owned(),
                url: "https://op.example.test/device/auth".to_owned(),
                headers: Vec::new(),
                body: b"client_id=client-secret-jwt".to_vec(),
            },
            response: Ok(RecordedResponse {
                status: 200,
                reason: "OK".to_owned(),
                version: "HTTP/1.1".to_owned(),
                headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
                body: body.to_vec(),
                truncated_at: None,
            }),
            duration: std::time::Duration::from_millis(12),
        },
        tokenscope::token::Timestamp::from_unix(A_DAY_LATER),
    );
    show(session)
}

/// A provider that hands out `file:` and `javascript:` addresses: they are
/// shown as text with the reason, with no link, no button and no QR code.
#[test]
fn a_hostile_verification_uri_is_shown_not_opened() {
    let harness = device_scene_with(
        br#"{"device_code":"dc","user_code":"WDJB-MJHT","verification_uri":"file:///etc/passwd","verification_uri_complete":"javascript:alert(1)","expires_in":600}"#,
    );
    harness.get_by_label("WDJB-MJHT");
    harness.get_by_label("file:///etc/passwd");
    harness.get_by_label("javascript:alert(1)");
    harness.get_by_label_contains("not opened in the browser: the address uses file:");
    harness.get_by_label_contains("not opened in the browser: the address uses javascript:");
    assert!(harness.query_by_label("Open in the browser").is_none());
}

#[test]
fn device_card_snapshot() {
    device_scene().snapshot("device_card");
}

#[test]
fn the_device_card_shows_the_user_code_and_a_button_to_poll() {
    let mut harness = device_scene();
    harness.get_by_label("WDJB-MJHT");
    harness.get_by_label("https://op.example.test/device");
    harness.get_by_label("Open in the browser");
    harness.get_by_label("Start polling").click();
    harness.run();
    let waiting = harness
        .state()
        .workspace()
        .flow
        .as_ref()
        .and_then(|f| f.waiting);
    assert_eq!(waiting, Some(tokenscope::oauth::flow::Step::DeviceToken));
    harness.get_by_label_contains("in 5 s (every 5 s)");
    harness.get_by_label("Stop polling");
    // The countdown ticks once a second; nothing else repaints while waiting.
    let delay = crate::support::repaint_delay(&harness);
    assert!(
        delay > std::time::Duration::from_millis(500) && delay <= std::time::Duration::from_secs(1),
        "{delay:?}"
    );
    harness.get_by_label("Stop polling").click();
    harness.run();
    assert_eq!(
        harness
            .state()
            .workspace()
            .flow
            .as_ref()
            .and_then(|f| f.waiting),
        None
    );
    assert_eq!(
        crate::support::repaint_delay(&harness),
        std::time::Duration::MAX,
        "idle again once polling stopped"
    );
}

/// A profile file for the real provider, with the client secret in the file store.
fn provider_profile(dir: &std::path::Path, issuer: &str, redirect: &str, grant: &str) {
    let profiles = format!(
        r#"{{"schema":1,"profiles":[{{"id":"ui-grants","name":"Grants provider","issuer":"{issuer}","client_id":"client-post",
            "client_auth":"client_secret_post","redirect_uri":"{redirect}","scopes":"openid profile","default_grant":"{grant}"}}]}}"#
    );
    let secret = "post-secret";
    std::fs::write(dir.join("profiles.json"), profiles).expect("profiles");
    std::fs::write(
        dir.join("secrets.json"),
        format!(r#"{{"ui-grants/client_secret":"{secret}"}}"#),
    )
    .expect("secrets");
}

fn open_provider_flow(
    grant: &str,
) -> (
    crate::provider::TestProvider,
    egui_kittest::Harness<'static, tokenscope::app::TokenscopeApp>,
) {
    use crate::support::{harness_on_with_browser, temp_dir, wait_for};
    let dir = temp_dir(&format!("grants-{grant}"));
    let redirect = format!("http://127.0.0.1:{}/callback", crate::provider::free_port());
    let provider = crate::provider::TestProvider::start(&[&redirect]);
    provider_profile(&dir, &provider.issuer, &redirect, grant);
    let mut harness =
        harness_on_with_browser(&dir, Some(crate::provider::TestProvider::browser_command()));
    crate::support::start_flow_of(&mut harness, "Grants provider", |app| {
        app.workspace().profiles.loaded_secret.is_some()
    });
    harness.get_by_label("Send").click();
    wait_for(&mut harness, |app| {
        last_ok(app, tokenscope::oauth::flow::Step::Discovery) == Some(true)
    });
    (provider, harness)
}

fn last_ok(
    app: &tokenscope::app::TokenscopeApp,
    step: tokenscope::oauth::flow::Step,
) -> Option<bool> {
    let flow = app.workspace().flow.as_ref()?;
    flow.session
        .records
        .iter()
        .rev()
        .find(|r| r.step == step)
        .map(|r| r.outcome.is_ok())
}

#[test]
fn the_window_walks_the_device_flow_polling_off_the_ui_thread() {
    use crate::support::wait_for;
    use tokenscope::oauth::flow::Step;
    let (provider, mut harness) = open_provider_flow("device_code");
    harness.get_by_label("Send").click();
    wait_for(&mut harness, |app| {
        last_ok(app, Step::DeviceAuthorization) == Some(true)
    });
    let (user_code, url) = {
        let flow = harness.state().workspace().flow.as_ref().expect("flow");
        let device = flow.session.device.as_ref().expect("device");
        (
            device.user_code.clone(),
            device.verification_uri_complete.clone().expect("complete"),
        )
    };
    harness.get_by_label(&user_code);
    harness.get_by_label("Start polling").click();
    harness.run_steps(2);
    // The first poll comes after the interval (1 s): the user has not approved yet.
    wait_for(&mut harness, |app| {
        last_ok(app, Step::DeviceToken) == Some(false)
    });
    harness.get_by_label("pending");
    let _ = provider.play_browser(&url);
    wait_for(&mut harness, |app| {
        last_ok(app, Step::DeviceToken) == Some(true)
    });
    let flow = harness.state().workspace().flow.as_ref().expect("flow");
    assert!(flow.waiting.is_none(), "polling stopped with the tokens");
    assert!(
        flow.session
            .tokens
            .as_ref()
            .is_some_and(|t| t.id_token.is_some())
    );

    // RP-initiated logout: the browser goes to end_session and comes back with our state.
    assert!(crate::support::sign_out_at_the_provider(&mut harness));
    harness.get_by_label("signed out at the provider; state matches");
}

#[test]
fn the_window_walks_the_password_grant_with_a_password_typed_for_the_run() {
    use crate::support::{type_into, wait_for};
    use tokenscope::oauth::flow::Step;
    let (_provider, mut harness) = open_provider_flow("password");
    type_into(&mut harness, "Username", "alice");
    type_into(&mut harness, "Password", "wonderland");
    harness.run();
    harness.get_by_label("Send").click();
    wait_for(&mut harness, |app| {
        last_ok(app, Step::Password) == Some(true)
    });
    let flow = harness.state().workspace().flow.as_ref().expect("flow");
    assert!(flow.session.tokens.is_some());
    assert!(
        !harness
            .state()
            .workspace()
            .profiles
            .list
            .iter()
            .any(|p| { serde_json::to_string(p).is_ok_and(|text| text.contains("wonderland")) }),
        "the password is not in any profile"
    );
}

#[test]
fn the_profile_form_holds_the_passport_fields_and_the_key_file_path_but_no_secrets() {
    use crate::support::{harness_on, temp_dir, type_into, wait_for};
    use tokenscope::store::ProfileStore;
    let dir = temp_dir("grant-form");
    std::fs::write(
        dir.join("profiles.json"),
        r#"{"schema":1,"profiles":[{"id":"jwt-form","name":"JWT client","client_id":"client-jwt","client_auth":"private_key_jwt"}]}"#,
    )
    .expect("profiles");
    let mut harness = harness_on(&dir);
    harness.get_by_label("JWT client").click();
    harness.run();
    harness.get_by_label_contains("give the PEM key file's path");
    type_into(&mut harness, "Private key file", "/keys/client.pem");
    type_into(&mut harness, "Key id (kid)", "k1");
    harness.get_by_label("Save").click();
    harness.run();
    wait_for(&mut harness, |_| {
        ProfileStore::new(&dir).load().is_ok_and(|l| {
            l.profiles
                .iter()
                .any(|p| p.client_assertion.key_file == "/keys/client.pem")
        })
    });

    harness.get_by_label("New profile…").click();
    harness.run();
    harness.get_by_label("MOEX passport · prod").click();
    harness.run();
    let names: Vec<String> = harness
        .get_all_by_label("name")
        .filter_map(|node| node.value())
        .collect();
    for field in [
        "passport",
        "signature",
        "client_id_old",
        "client_secret_new",
    ] {
        assert!(names.iter().any(|n| n == field), "{field} in {names:?}");
    }
    assert_eq!(
        harness
            .get_all_by_label_contains("kept in the secret store")
            .count(),
        4,
        "passport, signature and both client secrets are secret fields"
    );
    harness.get_by_label("Token exchange (RFC 8693)");
    type_into(&mut harness, "Client id", "moex-client");
    harness.get_by_label("Save").click();
    harness.run();
    wait_for(&mut harness, |_| {
        std::fs::read_to_string(dir.join("profiles.json"))
            .is_ok_and(|text| text.contains("moex-client"))
    });
    let on_disk = std::fs::read_to_string(dir.join("profiles.json")).expect("saved");
    assert!(on_disk.contains("\"client_secret_new\""), "{on_disk}");
    assert!(
        on_disk.contains("\"key_file\": \"/keys/client.pem\""),
        "{on_disk}"
    );
}

/// Requests the loopback listener turned away (wrong or missing `state`)
/// are said on the Callback card.
#[test]
fn the_callback_card_says_how_many_requests_were_turned_away() {
    let mut profile = profile(ClientAuth::ClientSecretBasic, Grant::AuthorizationCode);
    "https://op.example.test/auth".clone_into(&mut profile.endpoints.authorization);
    let mut harness = show(FlowSession::new(profile, Some(Secret::new("s"))));
    assert!(
        harness
            .query_by_label_contains("requests to the port were ignored")
            .is_none()
    );
    if let Some(flow) = harness.state_mut().workspace_mut().flow.as_mut() {
        flow.ignored_redirects = 3;
    }
    harness.run();
    harness.get_by_label_contains(
        "3 requests to the port were ignored (wrong or missing state): something else on this machine is calling it.",
    );
}

/// A CIBA run right after the backchannel authentication answer (OpenID
/// CIBA Core 1.0 §7.3), at a fixed time.
fn ciba_scene(
    binding_message: &str,
) -> egui_kittest::Harness<'static, tokenscope::app::TokenscopeApp> {
    ciba_scene_in(binding_message, tokenscope::oauth::ciba::DeliveryMode::Poll)
}

/// [`ciba_scene`] with the client registered for `mode` (CIBA Core §5).
fn ciba_scene_in(
    binding_message: &str,
    mode: tokenscope::oauth::ciba::DeliveryMode,
) -> egui_kittest::Harness<'static, tokenscope::app::TokenscopeApp> {
    use tokenscope::net::{Exchange, RecordedRequest, RecordedResponse};
    let mut profile = profile(ClientAuth::ClientSecretBasic, Grant::Ciba);
    profile.ciba.delivery_mode = mode;
    "https://127.0.0.1:8766/ciba/notify".clone_into(&mut profile.ciba.notification_endpoint);
    "https://op.example.test/bc-authorize"
        .clone_into(&mut profile.endpoints.backchannel_authentication);
    "anna".clone_into(&mut profile.ciba.hint);
    binding_message.clone_into(&mut profile.ciba.binding_message);
    let mut session = FlowSession::new(profile, Some(Secret::new("s")));
    session.backchannel_authenticated(
        Exchange {
            request: RecordedRequest {
                method: "POST".to_owned(),
                url: "https://op.example.test/bc-authorize".to_owned(),
                headers: Vec::new(),
                body: b"scope=openid&login_hint=anna".to_vec(),
            },
            response: Ok(RecordedResponse {
                status: 200,
                reason: "OK".to_owned(),
                version: "HTTP/1.1".to_owned(),
                headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
                body: br#"{"auth_req_id":"1c266114-a1be-4252-8ad1-04986c5b9ac1","expires_in":120,"interval":2}"#.to_vec(),
                truncated_at: None,
            }),
            duration: std::time::Duration::from_millis(9),
        },
        tokenscope::token::Timestamp::from_unix(A_DAY_LATER),
    );
    show(session)
}

/// The CIBA card shows the binding message as the user's phone does, the
/// request's countdown, and Start polling.
#[test]
fn the_ciba_card_shows_the_binding_message_and_the_countdown() {
    let harness = ciba_scene("Заказ 4281 — оплата");
    harness.get_by_label("The user's phone shows:");
    harness.get_by_label("Заказ 4281 — оплата");
    harness.get_by_label("The request expires in 120 s.");
    harness.get_by_label("Start polling");
    assert!(
        harness
            .query_all_by_label_contains("Poll for tokens")
            .count()
            > 0
    );
}

#[test]
fn ciba_card_snapshot() {
    ciba_scene("Order 4281").snapshot("ciba_card");
}

/// Ping mode (CIBA Core §10.2): the card offers to wait for the provider's
/// ping instead of polling, with the same expiry countdown; the sequence
/// diagram and the narration show the provider's call back.
#[test]
fn the_ciba_card_in_ping_mode_waits_for_the_ping() {
    let harness = ciba_scene_in("Order 4281", tokenscope::oauth::ciba::DeliveryMode::Ping);
    harness.get_by_label("The request expires in 120 s.");
    harness.get_by_label("Wait for the ping");
    assert_eq!(harness.query_all_by_label("Start polling").count(), 0);
    // The card's title says what the step waits for.
    assert!(
        harness
            .query_all_by_label_contains("Tokens after the ping")
            .count()
            > 0
    );
    assert_eq!(
        harness
            .query_all_by_label_contains("Poll for tokens")
            .count(),
        0
    );
    let profile = &harness
        .state()
        .workspace()
        .flow
        .as_ref()
        .expect("a run")
        .session
        .profile;
    let narration = tokenscope::oauth::flow::Step::CibaToken.narration_in(profile);
    assert!(narration.contains("calls the app back"), "{narration}");
    let request = tokenscope::oauth::flow::Step::BackchannelAuthentication.narration_in(profile);
    assert!(request.contains("client_notification_token"), "{request}");
    assert!(
        !tokenscope::oauth::flow::Step::CibaToken
            .narration_in(&Profile::default())
            .contains("calls the app back")
    );
}

/// No binding message sent: the card says so rather than showing nothing.
#[test]
fn the_ciba_card_without_a_binding_message_says_so() {
    let harness = ciba_scene("");
    harness.get_by_label("(no binding message was sent)");
}

/// Before the request: the grant form asks who approves and what the phone shows.
#[test]
fn the_ciba_inputs_are_in_the_grant_form() {
    let mut profile = profile(ClientAuth::ClientSecretBasic, Grant::Ciba);
    "https://op.example.test/bc-authorize"
        .clone_into(&mut profile.endpoints.backchannel_authentication);
    "anna".clone_into(&mut profile.ciba.hint);
    let harness = show(FlowSession::new(profile, Some(Secret::new("s"))));
    assert!(harness.query_all_by_label("Binding message").count() > 0);
    assert!(harness.query_all_by_label("Hint").count() > 0);
    harness.get_by_label_contains("binding message ties the phone's prompt");
    harness.get_by_label("Token delivery");
    assert_eq!(
        harness.query_all_by_label("Notification endpoint").count(),
        0,
        "poll mode has no notification endpoint"
    );
}
