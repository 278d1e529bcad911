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

#[test]
fn the_device_card_shows_the_user_code_and_a_button_to_poll() {
    use tokenscope::net::{Exchange, RecordedRequest, RecordedResponse};
    let mut session = FlowSession::new(profile(ClientAuth::None, Grant::DeviceCode), None);
    let body = br#"{"device_code":"dc-secret","user_code":"WDJB-MJHT","verification_uri":"https://op.example.test/device","verification_uri_complete":"https://op.example.test/device?user_code=WDJB-MJHT","expires_in":600,"interval":5}"#;
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
            }),
            duration: std::time::Duration::from_millis(12),
        },
        tokenscope::token::Timestamp::from_unix(A_DAY_LATER),
    );
    let mut harness = show(session);
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
    harness.get_by_label("Stop polling");
}
