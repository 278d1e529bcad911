//! One way to build the app under test: fixed size, theme and clock.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use tokenscope::app::{Clock, StartOptions, TokenscopeApp};
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
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .with_theme(theme)
        .build_eframe(move |cc| {
            TokenscopeApp::new(
                &cc.egui_ctx,
                StartOptions {
                    clock: Some(Clock::Fixed(Timestamp::from_unix(now))),
                    zone: Zone::Utc,
                    ..StartOptions::default()
                },
            )
        });
    harness.run();
    harness
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

fn copied_last_frame(harness: &Harness<'static, TokenscopeApp>) -> Vec<String> {
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
