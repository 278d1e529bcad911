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
    // The zoom fits the stage (853×480 points) to the window: 1280×800 is
    // 150 %, so 13 px body text is 19.5 px (a 1920×1080 projector: 225 %).
    assert!(
        body_px(&harness) >= 19.0,
        "body text is at least 19 px: {}",
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
    // The diagram: the next step (Refresh) is in focus, its card beside the
    // diagram; clicking an arrow moves the focus and the card follows.
    harness.get_by_label_contains("When the access token runs out");
    harness.get_by_label("5 Refresh");
    assert!(
        harness
            .query_by_label_contains("Now our app talks to the authorization server directly")
            .is_none()
    );
    harness.get_by_label("Token: code + PKCE verifier").click();
    harness.run();
    assert_eq!(harness.state().workspace().focus_step, Some(Step::Token));
    harness.get_by_label_contains("Now our app talks to the authorization server directly");
    harness.get_by_label("3 Token");
    // Its answer's key parts, the code masked by its ends as in the redirect.
    harness.get_by_label("→ POST …/openid-connect/token");
    harness.get_by_label(&tokenscope::oauth::flow::mask_middle(
        "SplxlOBeZQQYbYS6WxSbIA",
    ));
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
    // The sent authorization request: its parameters explained, `state`
    // masked by its ends (the same ends the run line shows), never whole.
    harness.key_press(egui::Key::ArrowLeft);
    harness.run();
    assert_eq!(
        harness.state().workspace().focus_step,
        Some(Step::Authorize)
    );
    harness.get_by_label_contains("A random value the app checks on return");
    let state = harness
        .state()
        .workspace()
        .flow
        .as_ref()
        .map(|f| f.session.run.state.clone())
        .unwrap_or_default();
    assert!(!shows(&harness, &state), "the state is masked");
    harness.get_by_label(&tokenscope::oauth::flow::mask_middle(&state));
    harness.get_by_label("Copy URL");
}

/// In presenter mode the next request is drafted once per change of the run
/// (not per frame, which signed a fresh client assertion each time) into
/// the same editor the normal view uses: in a run started under presenter
/// mode, Enter sends the request on screen.
#[test]
fn presenter_mode_enter_sends_the_request_of_a_run_started_in_it() {
    let mut harness = flow_scene_harness(&fixture("keycloak-token-response.json"), 200);
    harness.get_by_label("Presenter mode").click();
    harness.run();
    // A new run starts while presenter mode is on: its first request
    // (Discovery) was never drawn by the normal view.
    {
        let workspace = harness.state_mut().workspace_mut();
        let flow = workspace.flow.as_mut().expect("flow");
        let mut profile = flow.session.profile.clone();
        "https://sso.example.test/realms/partner-realm".clone_into(&mut profile.issuer);
        let secret = Some(tokenscope::secret::Secret::new("S3cr3t-presenter-42"));
        workspace.flow = Some(tokenscope::app::FlowState::new(
            tokenscope::oauth::runner::FlowSession::new(profile, secret),
        ));
    }
    harness.run();
    let next = harness
        .state()
        .workspace()
        .flow
        .as_ref()
        .and_then(|f| f.session.next_step())
        .expect("a next step");
    assert_eq!(next, Step::Discovery);
    harness.get_by_label("→ GET …/.well-known/openid-configuration");
    harness.key_press(egui::Key::Enter);
    // The request is in flight (a spinner turns until the unreachable host
    // fails, however long the resolver takes): a few frames, not until idle.
    harness.run_steps(3);
    let flow = harness.state().workspace().flow.as_ref().expect("flow");
    let sent =
        flow.waiting == Some(next) || flow.session.records.last().is_some_and(|r| r.step == next);
    assert!(sent, "Enter sent {next:?}");
}

/// `tokenscope --presenter --profile Sandbox --play 1`: the window walks
/// the sandbox's code flow by itself with no browser (the sandbox signs in
/// at once and the run follows its redirect), pausing on each step, starts
/// over at the end, and a key press takes back control.
#[test]
fn autoplay_walks_the_sandbox_flow_starts_over_and_stops_at_a_key() {
    use tokenscope::app::{Clock, StartOptions, TokenscopeApp};
    use tokenscope::store::SecretPreference;

    let dir = crate::support::temp_dir("autoplay");
    // The first launch's Sandbox profile, on its own loopback redirect port:
    // other tests walk the same profile's code flow at the same time.
    let mut profile = tokenscope::sandbox::first_launch_profile();
    profile.redirect_uri = format!("http://127.0.0.1:{}/callback", crate::provider::free_port());
    let document = serde_json::json!({"schema": 1, "profiles": [profile]});
    std::fs::write(dir.join("profiles.json"), document.to_string()).expect("profiles");
    let mut harness = egui_kittest::Harness::builder()
        .with_size([1280.0, 720.0])
        .with_max_steps(24)
        .build_eframe(move |cc| {
            TokenscopeApp::new(
                &cc.egui_ctx,
                StartOptions {
                    clock: Some(Clock::System),
                    language: Some(tokenscope::i18n::Language::En),
                    config_dir: Some(dir),
                    secret_preference: SecretPreference::File,
                    presenter: true,
                    autoplay: Some(("Sandbox".to_owned(), Some(1))),
                    ..StartOptions::default()
                },
            )
        });
    let run_started = |app: &TokenscopeApp| app.workspace().flow.is_some();
    crate::support::wait_for(&mut harness, run_started);
    assert!(harness.state().workspace().presenter.on);
    harness.get_by_label_contains("Autoplay: ");
    // The whole code flow, the browser's part included, with no one at the keys.
    crate::support::wait_for(&mut harness, |app| {
        app.workspace().flow.as_ref().is_some_and(|flow| {
            flow.session
                .records
                .iter()
                .any(|r| r.step == Step::Refresh && r.outcome.is_ok())
        })
    });
    let steps: Vec<Step> = harness
        .state()
        .workspace()
        .flow
        .as_ref()
        .map(|flow| flow.session.records.iter().map(|r| r.step).collect())
        .unwrap_or_default();
    assert_eq!(
        steps,
        [
            Step::Discovery,
            Step::Authorize,
            Step::Callback,
            Step::Token,
            Step::UserInfo,
            Step::Refresh
        ]
    );
    // Then it starts over with a fresh run.
    crate::support::wait_for(&mut harness, |app| {
        app.workspace()
            .flow
            .as_ref()
            .is_some_and(|flow| flow.session.records.len() < 6)
    });
    harness.key_press(egui::Key::Space);
    harness.run_steps(2);
    assert!(
        harness.state().workspace().autoplay.is_none(),
        "a key takes over"
    );
    assert!(harness.query_by_label_contains("Autoplay: ").is_none());
}

/// A pasted log decoded in presenter mode on a 1280×720 projector: the
/// inspector has the stage (no profile list beside it), and its facts, its
/// view tabs and the claims table with every column lie inside the window.
fn pasted_tokens_on_a_projector(language: Option<&str>, name: &str) {
    let mut harness = harness(A_DAY_LATER);
    harness.set_size(egui::Vec2::new(1280.0, 720.0));
    if let Some(language) = language {
        harness.get_by_label(language).click();
        harness.run();
    }
    let (paste_box, new_profile) = if language.is_some() {
        ("Вставьте что угодно", "Новый профиль…")
    } else {
        ("Paste anything", "New profile…")
    };
    harness.get_by_label(paste_box).focus();
    harness.run();
    harness.event(egui::Event::Paste(fixture("keycloak-login-error.log")));
    harness.run();
    harness.key_press(egui::Key::F5);
    harness.run();
    assert!(harness.state().workspace().presenter.on);
    assert!(
        harness.query_by_label(new_profile).is_none(),
        "{name}: the profile list shares the stage"
    );
    let inside = if language.is_some() {
        [
            "по полю ответа access_token",
            "RS256, ключ kc-rsa-1: не проверена",
            "Сравнение",
            "Смысл",
            "Срок действия",
        ]
    } else {
        [
            "from the response field access_token",
            "RS256, key kc-rsa-1: not verified",
            "Compare",
            "Meaning",
            "Expiration time",
        ]
    };
    let screen = harness.ctx.content_rect();
    for text in inside {
        let rect = harness.get_by_label_contains(text).rect();
        assert!(
            rect.right() <= screen.right() + 1.0 && rect.bottom() <= screen.bottom() + 1.0,
            "{name}: {text:?} runs past the window at {rect:?} (window {screen:?})"
        );
    }
    for copy in harness.query_all_by_label(if language.is_some() {
        "Копировать"
    } else {
        "Copy"
    }) {
        let rect = copy.rect();
        assert!(
            rect.right() <= screen.right() + 1.0,
            "{name}: a Copy button runs past the window at {rect:?}"
        );
    }
    harness.snapshot(name);
}

#[test]
fn presenter_mode_fits_pasted_tokens_on_a_projector() {
    pasted_tokens_on_a_projector(None, "presenter_inspector_720p");
}

#[test]
fn presenter_mode_fits_pasted_tokens_on_a_projector_in_russian() {
    pasted_tokens_on_a_projector(Some("Русский"), "presenter_inspector_720p_ru");
}
