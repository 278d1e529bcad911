//! One way to build the app under test: fixed size, theme and clock.

use std::path::{Path, PathBuf};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use tokenscope::app::{Clock, StartOptions, StoreStatus, ThemeChoice, TokenscopeApp};
use tokenscope::i18n::Language;
use tokenscope::store::SecretPreference;
use tokenscope::token::Timestamp;
use tokenscope::token::time::Zone;

/// When the fixture tokens were issued (`generated_at` in `tests/fixtures/expected.json`).
pub const GENERATED_AT: i64 = 1_795_387_806;
/// A day later: every fixture token has expired.
pub const A_DAY_LATER: i64 = GENERATED_AT + 86_400;

/// The window at 1280×800, light theme, with the clock fixed at `now`.
pub fn harness(now: i64) -> Harness<'static, TokenscopeApp> {
    harness_themed(now, egui::Theme::Light)
}

/// Same, in the given theme.
pub fn harness_themed(now: i64, theme: egui::Theme) -> Harness<'static, TokenscopeApp> {
    harness_with(now, theme, None, None)
}

/// The window with its profiles (and a secrets file) in `config_dir`;
/// returns once the profiles are read.
pub fn harness_on(config_dir: &Path) -> Harness<'static, TokenscopeApp> {
    harness_on_with_browser(config_dir, None)
}

/// Same, opening authorization requests with `browser` (a scripted user).
pub fn harness_on_with_browser(
    config_dir: &Path,
    browser: Option<String>,
) -> Harness<'static, TokenscopeApp> {
    let mut harness = harness_with(
        A_DAY_LATER,
        egui::Theme::Light,
        Some(config_dir.to_path_buf()),
        browser,
    );
    wait_for(&mut harness, |app| {
        app.workspace().profiles.status != StoreStatus::Loading
    });
    harness
}

fn harness_with(
    now: i64,
    theme: egui::Theme,
    config_dir: Option<PathBuf>,
    browser: Option<String>,
) -> Harness<'static, TokenscopeApp> {
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .with_theme(theme)
        // Background work (the store thread, the network) lands between
        // frames and wakes the UI: a run may take a few more steps to settle.
        .with_max_steps(24)
        .build_eframe(move |cc| {
            TokenscopeApp::new(
                &cc.egui_ctx,
                StartOptions {
                    clock: Some(Clock::Fixed(Timestamp::from_unix(now))),
                    zone: Zone::Utc,
                    // Whatever the machine's locale, tests read English
                    // unless they switch.
                    language: Some(Language::En),
                    config_dir,
                    secret_preference: SecretPreference::File,
                    browser,
                    theme: match theme {
                        egui::Theme::Light => ThemeChoice::Light,
                        egui::Theme::Dark => ThemeChoice::Dark,
                    },
                    ..StartOptions::default()
                },
            )
        });
    harness.run_steps(2);
    harness
}

/// Steps the app (background work lands between frames) until `done`, or
/// fails after 30 s (generous: CI machines run the test binaries in parallel).
pub fn wait_for(
    harness: &mut Harness<'static, TokenscopeApp>,
    done: impl Fn(&TokenscopeApp) -> bool,
) {
    for _ in 0..3_000 {
        if done(harness.state()) {
            harness.run_steps(2);
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
        harness.step();
    }
    panic!("the app did not get there within 30 s");
}

/// A fresh temporary directory.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tokenscope-ui-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// A fixture's text.
pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Pastes text into the paste box the way a user does: focus it, press Ctrl+V.
pub fn paste(harness: &mut Harness<'static, TokenscopeApp>, text: &str) {
    harness.get_by_label("Paste anything").focus();
    harness.run();
    harness.event(egui::Event::Paste(text.to_owned()));
    harness.run();
}

/// Clicks the button named `label` and returns what the app put on the clipboard.
pub fn click_and_copy(harness: &mut Harness<'static, TokenscopeApp>, label: &str) -> Vec<String> {
    harness.get_by_label(label).click();
    let mut copied = Vec::new();
    for _ in 0..3 {
        harness.step();
        copied.extend(copied_last_frame(harness));
    }
    copied
}

/// What the app copied in the last frame.
pub fn copied_last_frame(harness: &Harness<'static, TokenscopeApp>) -> Vec<String> {
    harness
        .output()
        .platform_output
        .commands
        .iter()
        .filter_map(|c| match c {
            egui::OutputCommand::CopyText(text) => Some(text.clone()),
            _ => None,
        })
        .collect()
}

/// The delay before the next repaint the app asked for.
pub fn repaint_delay(harness: &Harness<'static, TokenscopeApp>) -> std::time::Duration {
    harness
        .output()
        .viewport_output
        .get(&egui::ViewportId::ROOT)
        .map_or(std::time::Duration::MAX, |v| v.repaint_delay)
}

/// Focuses the field named `label` and types `text` into it.
pub fn type_into(harness: &mut Harness<'static, TokenscopeApp>, label: &str, text: &str) {
    harness.get_by_label(label).focus();
    harness.run();
    harness.get_by_label(label).type_text(text);
    harness.run();
}

/// Whether any node of the accessibility tree shows `text`, as a label or a field's value.
pub fn shows(harness: &Harness<'static, TokenscopeApp>, text: &str) -> bool {
    harness
        .query_all_by(|node| {
            node.label().is_some_and(|l| l.contains(text))
                || node.value().is_some_and(|v| v.contains(text))
        })
        .next()
        .is_some()
}

/// RP-initiated logout as a user does it: the Logout card is the last one,
/// below the fold, so scroll to *Sign out at the provider*, click it, and
/// wait for the browser to come back. Whether the Logout step succeeded.
pub fn sign_out_at_the_provider(harness: &mut Harness<'static, TokenscopeApp>) -> bool {
    use tokenscope::oauth::flow::Step;
    let logout_ok = |app: &TokenscopeApp| {
        app.workspace().flow.as_ref().and_then(|flow| {
            flow.session
                .records
                .iter()
                .rev()
                .find(|r| r.step == Step::Logout)
                .map(|r| r.outcome.is_ok())
        })
    };
    harness
        .get_by_label("Sign out at the provider")
        .scroll_to_me();
    harness.run();
    harness.get_by_label("Sign out at the provider").click();
    wait_for(harness, |app| logout_ok(app).is_some());
    logout_ok(harness.state()) == Some(true)
}

/// Opens the flow of the saved profile `name` on the real clock (providers
/// stamp tokens with it): selects it, waits until `loaded` says its secrets
/// are in, shows the flow and starts it.
pub fn start_flow_of(
    harness: &mut Harness<'static, TokenscopeApp>,
    name: &str,
    loaded: impl Fn(&TokenscopeApp) -> bool,
) {
    harness
        .state_mut()
        .set_clock(tokenscope::app::Clock::System);
    harness.get_by_label(name).click();
    harness.run();
    wait_for(harness, loaded);
    harness.get_by_label("Flow").click();
    harness.run();
    harness.get_by_label("Start the flow").click();
    harness.run();
}
