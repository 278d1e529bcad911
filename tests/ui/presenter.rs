//! Presenter mode: larger text, no secret in what is drawn, the diagram and the keys.

use egui_kittest::kittest::Queryable as _;
use tokenscope::oauth::flow::Step;

use crate::snapshots::flow_scene_harness;

use crate::support::{A_DAY_LATER, fixture, harness, paste, shows};

#[test]
fn presenter_mode_scales_the_text_and_masks_tokens_in_the_paste() {
    let mut harness = harness(A_DAY_LATER);
    let log = fixture("keycloak-login-error.log");
    paste(&mut harness, &log);
    let refresh = harness
        .state()
        .workspace()
        .inspection
        .as_ref()
        .expect("inspected")
        .tokens[1]
        .value
        .clone();
    let middle = &refresh[40..80];
    assert!(shows(&harness, middle), "before: the paste shows the token");
    let body_px = |harness: &egui_kittest::Harness<'static, tokenscope::app::TokenscopeApp>| {
        let points = harness.ctx.global_style().text_styles[&egui::TextStyle::Body].size;
        points * harness.ctx.zoom_factor()
    };
    assert!(body_px(&harness) < 16.0);
    harness.get_by_label("Presenter mode").click();
    harness.run();
    assert!(
        body_px(&harness) >= 24.0,
        "body text is at least 24 px: {}",
        body_px(&harness)
    );
    assert!(
        !shows(&harness, middle),
        "no token value is drawn in presenter mode"
    );
    harness.key_press(egui::Key::F5);
    harness.run();
    assert!(
        !harness.state().workspace().presenter.on,
        "F5 toggles presenter mode"
    );
}

#[test]
fn presenter_mode_mid_flow_hides_secrets_highlights_the_step_and_follows_the_keys() {
    let mut harness = flow_scene_harness(&fixture("keycloak-token-response.json"), 200);
    assert!(
        shows(&harness, "S3cr3t-presenter-42"),
        "the next request shows the secret before"
    );
    harness.get_by_label("Presenter mode").click();
    harness.run();
    assert!(
        !shows(&harness, "S3cr3t-presenter-42"),
        "no client secret on screen"
    );
    assert!(
        !shows(&harness, "SplxlOBeZQQYbYS6WxSbIA"),
        "no code on screen"
    );
    // The diagram: the next step (Refresh) is in focus; clicking an arrow moves the focus.
    harness.get_by_label_contains("The app trades the code");
    harness.get_by_label("Token: code + PKCE verifier").click();
    harness.run();
    assert_eq!(harness.state().workspace().focus_step, Some(Step::Token));
    harness.get_by_label_contains("Now our app talks to the authorization server directly");
    // The narration follows the window's language: no separate switch.
    assert!(
        harness.query_by_label("RU").is_none(),
        "no narration toggle"
    );
    // At presenter scale the top bar runs past the window's edge: click by accessibility.
    harness.get_by_label("Русский").click_accesskit();
    harness.run();
    harness.get_by_label_contains("Теперь приложение говорит с сервером авторизации напрямую");
    harness.get_by_label("Обмен кода на токены: код + PKCE verifier");
    harness.get_by_label("English").click_accesskit();
    harness.run();
    harness.key_press(egui::Key::ArrowRight);
    harness.run();
    assert_eq!(harness.state().workspace().focus_step, Some(Step::UserInfo));
    harness.key_press(egui::Key::ArrowLeft);
    harness.key_press(egui::Key::ArrowLeft);
    harness.run();
    assert_eq!(harness.state().workspace().focus_step, Some(Step::Callback));
}
