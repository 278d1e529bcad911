//! The key screens as images: the inspector with the Keycloak paste (light
//! and dark) and with a pasted bank error, the flow at its token step, and presenter mode mid-flow.

use egui_kittest::kittest::Queryable as _;

use crate::support::{A_DAY_LATER, fixture, harness_themed, paste};

fn inspector_with_the_keycloak_paste(theme: egui::Theme, name: &str) {
    let mut harness = harness_themed(A_DAY_LATER, theme);
    paste(&mut harness, &fixture("keycloak-login-error.log"));
    harness.snapshot(name);
}

#[test]
fn inspector_keycloak_light() {
    inspector_with_the_keycloak_paste(egui::Theme::Light, "inspector_keycloak_light");
}

#[test]
fn inspector_keycloak_dark() {
    inspector_with_the_keycloak_paste(egui::Theme::Dark, "inspector_keycloak_dark");
}

/// A flow run frozen at the token step, with fixed values, so the image is stable.
fn flow_scene(token_body: &str, status: u16, name: &str) {
    let mut harness = flow_scene_harness(token_body, status);
    harness.snapshot(name);
}

/// The window showing that run.
pub fn flow_scene_harness(
    token_body: &str,
    status: u16,
) -> egui_kittest::Harness<'static, tokenscope::app::TokenscopeApp> {
    flow_scene_harness_in(None, token_body, status)
}

/// The flow scene with the window switched to `language` (its label in the
/// top bar, e.g. "Русский") before the run starts, so the run's step
/// summaries are written in it as they would be.
pub fn flow_scene_harness_in(
    language: Option<&str>,
    token_body: &str,
    status: u16,
) -> egui_kittest::Harness<'static, tokenscope::app::TokenscopeApp> {
    use std::time::Duration;
    use tokenscope::app::FlowState;
    use tokenscope::net::{Exchange, RecordedRequest, RecordedResponse};
    use tokenscope::oauth::callback::parse_pasted;
    use tokenscope::oauth::runner::FlowSession;
    use tokenscope::oauth::{ClientAuth, Profile, ProfileId};
    use tokenscope::token::Timestamp;

    let mut harness = harness_themed(A_DAY_LATER, egui::Theme::Light);
    if let Some(language) = language {
        harness.get_by_label(language).click();
        harness.run();
    }
    let mut profile = Profile {
        id: ProfileId("scene".to_owned()),
        name: "Keycloak partner-realm (test)".to_owned(),
        client_id: "fe-client".to_owned(),
        client_auth: ClientAuth::ClientSecretPost,
        redirect_uri: "http://127.0.0.1:53682/callback".to_owned(),
        scopes: "openid profile email".to_owned(),
        ..Profile::default()
    };
    "https://sso.example.test/realms/partner-realm/protocol/openid-connect/auth"
        .clone_into(&mut profile.endpoints.authorization);
    "https://sso.example.test/realms/partner-realm/protocol/openid-connect/token"
        .clone_into(&mut profile.endpoints.token);
    let mut session = FlowSession::new(
        profile.clone(),
        Some(tokenscope::secret::Secret::new("S3cr3t-presenter-42")),
    );
    "Qm9yaXNfc3RhdGVfZm9yX3RoZV9zbmFwc2hvdF8xMjM0".clone_into(&mut session.run.state);
    "n-0S6_WzA2Mj".clone_into(&mut session.run.nonce);
    session.run.code_verifier =
        tokenscope::secret::Secret::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
    "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".clone_into(&mut session.run.code_challenge);
    let at = Timestamp::from_unix(A_DAY_LATER);
    session.prepare_authorize(at).expect("authorize url");
    let redirect = format!(
        "http://127.0.0.1:53682/callback?code=SplxlOBeZQQYbYS6WxSbIA&state={}",
        session.run.state
    );
    session.callback(&parse_pasted(&redirect).expect("redirect"), at);
    let exchange = Exchange {
        request: RecordedRequest {
            method: "POST".to_owned(),
            url: profile.endpoints.token.clone(),
            headers: vec![
                ("Host".to_owned(), "sso.example.test".to_owned()),
                (
                    "Content-Type".to_owned(),
                    "application/x-www-form-urlencoded".to_owned(),
                ),
            ],
            body: b"grant_type=authorization_code&code=SplxlOBeZQQYbYS6WxSbIA&client_id=fe-client"
                .to_vec(),
        },
        response: Ok(RecordedResponse {
            status,
            reason: String::new(),
            version: "HTTP/1.1".to_owned(),
            headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
            body: token_body.as_bytes().to_vec(),
            truncated_at: None,
        }),
        duration: Duration::from_millis(84),
    };
    session.token_exchanged(exchange, at);
    {
        let workspace = harness.state_mut().workspace_mut();
        workspace.profiles.list.push(profile.clone());
        workspace.profiles.selected = Some(profile.id.clone());
        workspace.show_flow = true;
        workspace.flow = Some(FlowState::new(session));
    }
    harness.run();
    harness
}

#[test]
fn flow_token_step_succeeded() {
    flow_scene(
        &fixture("keycloak-token-response.json"),
        200,
        "flow_token_success",
    );
}

/// The token step's card from its top: the answer's panes, then each
/// token decoded with its verdict and countdown, the ID token's claims open.
#[test]
fn flow_token_card_decodes_the_tokens() {
    let mut harness = flow_scene_harness(&fixture("keycloak-token-response.json"), 200);
    harness.get_by_label("3 Token").scroll_to_me();
    harness.run();
    harness.snapshot("flow_token_card");
}

#[test]
fn flow_token_step_failed() {
    flow_scene(
        r#"{"error":"invalid_client","error_description":"Invalid client or Invalid client credentials"}"#,
        401,
        "flow_token_error",
    );
}

#[test]
fn presenter_mode_mid_flow() {
    presenter_scene("presenter_flow");
}

/// Presenter mode mid-flow on a 1280×720 projector, in English and in
/// Russian: the zoom fits the window (150 %) and the top bar keeps only what
/// a presenter needs, the rest in its menu.
#[test]
fn presenter_mode_mid_flow_on_a_projector() {
    projector_scene(None, "presenter_flow_720p");
}

#[test]
fn presenter_mode_mid_flow_on_a_projector_in_russian() {
    projector_scene(Some("Русский"), "presenter_flow_720p_ru");
}

/// At 1920×1080 the fitted zoom is 225 %: the same one screen, larger.
#[test]
fn presenter_mode_mid_flow_at_1080p() {
    projector_scene_sized(None, "presenter_flow_1080p", (1920.0, 1080.0), 2.25);
}

#[test]
fn presenter_mode_mid_flow_at_1080p_in_russian() {
    projector_scene_sized(
        Some("Русский"),
        "presenter_flow_1080p_ru",
        (1920.0, 1080.0),
        2.25,
    );
}

/// An answered step in focus at 1280×720: its narration, its request and
/// its answer (their key parts, masked) are on the one screen without
/// scrolling, in English and in Russian.
#[test]
fn presenter_mode_shows_the_focused_answer_on_a_projector() {
    answered_step_on_a_projector(None, "presenter_answer_720p");
}

#[test]
fn presenter_mode_shows_the_focused_answer_on_a_projector_in_russian() {
    answered_step_on_a_projector(Some("Русский"), "presenter_answer_720p_ru");
}

/// The central panel's inner margin, in points: what lies below it is clipped.
const PANEL_MARGIN: f32 = 8.0;

fn answered_step_on_a_projector(language: Option<&str>, name: &str) {
    let mut harness =
        flow_scene_harness_in(language, &fixture("keycloak-token-response.json"), 200);
    harness.set_size(egui::Vec2::new(1280.0, 720.0));
    harness.key_press(egui::Key::F5);
    harness.run();
    let arrow = if language.is_some() {
        "Обмен кода на токены: код + PKCE verifier"
    } else {
        "Token: code + PKCE verifier"
    };
    harness.get_by_label(arrow).click_accesskit();
    harness.run();
    let narration = if language.is_some() {
        "Теперь приложение говорит с сервером авторизации напрямую"
    } else {
        "Now our app talks to the authorization server directly"
    };
    let screen = harness.ctx.content_rect();
    for text in [
        narration,
        "POST …/openid-connect/token",
        "grant_type",
        "HTTP/1.1 200",
        "token_type",
        "email openid profile",
    ] {
        let rect = harness.get_by_label_contains(text).rect();
        // Inside the window, in points (a label scrolled away reports where
        // it would be), and a whole line high.
        assert!(
            rect.bottom() <= screen.bottom() - PANEL_MARGIN
                && rect.right() <= screen.right()
                && rect.height() >= 12.0,
            "{name}: {text:?} is off screen at {rect:?}"
        );
    }
    harness.snapshot(name);
}

fn projector_scene(language: Option<&str>, name: &str) {
    projector_scene_sized(language, name, (1280.0, 720.0), 1.5);
}

fn projector_scene_sized(
    language: Option<&str>,
    name: &str,
    (width, height): (f32, f32),
    zoom: f32,
) {
    let mut harness =
        flow_scene_harness_in(language, &fixture("keycloak-token-response.json"), 200);
    harness.set_size(egui::Vec2::new(width, height));
    harness.key_press(egui::Key::F5);
    harness.run();
    assert!(
        (harness.ctx.zoom_factor() - zoom).abs() < 1e-3,
        "{name}: zoom {}",
        harness.ctx.zoom_factor()
    );
    // The language switch and the presenter toggle stay on screen.
    let screen = harness.ctx.content_rect();
    for label in ["English", "Русский"] {
        let node = harness.get_by_label(label);
        let right = node.rect().right();
        assert!(
            right <= screen.right() + 1.0,
            "{name}: {label} is cut off at {right}"
        );
    }
    // The focused step's narration and its request are on the same screen
    // as the diagram, without scrolling.
    let narration = if language.is_some() {
        "Когда токен доступа истекает"
    } else {
        "When the access token runs out"
    };
    for text in [narration, "→ POST …/openid-connect/token", "grant_type"] {
        let node = harness.get_by_label_contains(text);
        let rect = node.rect();
        assert!(
            rect.bottom() <= screen.bottom() + 1.0 && rect.right() <= screen.right() + 1.0,
            "{name}: {text:?} is off screen at {rect:?}"
        );
    }
    harness.snapshot(name);
}

/// The token-step scene with a client secret, in presenter mode.
fn presenter_scene(name: &str) {
    let mut harness = flow_scene_harness(&fixture("keycloak-token-response.json"), 200);
    harness.get_by_label("Presenter mode").click();
    harness.run();
    harness.snapshot(name);
}

/// The bank's `Unknown code` answer pasted from a service log: the error
/// found and diagnosed (cause, fix, source), no token claimed.
#[test]
fn inspector_pasted_bank_error() {
    let mut harness = harness_themed(A_DAY_LATER, egui::Theme::Light);
    paste(&mut harness, &fixture("sber-token-error.log"));
    harness.get_by_label("Probably: The bank does not know this code");
    harness.snapshot("inspector_bank_error");
}

/// Before a FAPI-style run: the plan shows the pushed authorization request
/// before the browser, and the arrows name the DPoP proof, the signed
/// request object and the JWT-secured response.
#[test]
fn flow_plan_of_a_fapi_profile() {
    use tokenscope::oauth::{ClientAuth, Profile, ProfileId};
    let mut harness = harness_themed(A_DAY_LATER, egui::Theme::Light);
    let mut profile = Profile {
        id: ProfileId("fapi-plan".to_owned()),
        name: "Bank (FAPI 2.0)".to_owned(),
        client_id: "partner-app".to_owned(),
        client_auth: ClientAuth::PrivateKeyJwt,
        redirect_uri: "http://127.0.0.1:53682/callback".to_owned(),
        scopes: "openid accounts".to_owned(),
        dpop: true,
        par: true,
        request_object: true,
        response_mode: "query.jwt".to_owned(),
        ..Profile::default()
    };
    "https://bank.example/authorize".clone_into(&mut profile.endpoints.authorization);
    "https://bank.example/token".clone_into(&mut profile.endpoints.token);
    "https://bank.example/par".clone_into(&mut profile.endpoints.pushed_authorization_request);
    "https://bank.example/userinfo".clone_into(&mut profile.endpoints.userinfo);
    {
        let workspace = harness.state_mut().workspace_mut();
        workspace.profiles.list.push(profile.clone());
        workspace.profiles.selected = Some(profile.id.clone());
        workspace.show_flow = true;
    }
    harness.run();
    assert!(crate::support::shows(
        &harness,
        "Pushed authorization request"
    ));
    assert!(crate::support::shows(&harness, "+ DPoP proof"));
    assert!(crate::support::shows(&harness, "response JWT (JARM)"));
    harness.snapshot("flow_plan_fapi");
}
