//! Design tokens: the only place with colour literals.

use egui::Color32;

use crate::token::time::TimeState;

/// The colour of a time status, for the current light/dark mode.
#[expect(
    clippy::disallowed_methods,
    reason = "the theme module owns the palette"
)]
pub fn time_state(visuals: &egui::Visuals, state: TimeState) -> Color32 {
    let dark = visuals.dark_mode;
    match state {
        TimeState::Valid if dark => Color32::from_rgb(0x5c, 0xd6, 0x7d),
        TimeState::Valid => Color32::from_rgb(0x1a, 0x7f, 0x37),
        TimeState::ExpiresSoon | TimeState::NotYetValid if dark => {
            Color32::from_rgb(0xf0, 0xb4, 0x29)
        }
        TimeState::ExpiresSoon | TimeState::NotYetValid => Color32::from_rgb(0x9a, 0x67, 0x00),
        TimeState::Expired if dark => Color32::from_rgb(0xff, 0x6b, 0x6b),
        TimeState::Expired => Color32::from_rgb(0xcf, 0x22, 0x2e),
        TimeState::Past => visuals.weak_text_color(),
    }
}

/// Colour for errors.
pub fn error(visuals: &egui::Visuals) -> Color32 {
    visuals.error_fg_color
}

/// Colour for warnings and notes.
pub fn warning(visuals: &egui::Visuals) -> Color32 {
    visuals.warn_fg_color
}

/// Colours for the three segments of a compact token (header, payload, signature),
/// as jwt.io taught everyone to read them.
#[expect(
    clippy::disallowed_methods,
    reason = "the theme module owns the palette"
)]
pub fn segment(visuals: &egui::Visuals, index: usize) -> Color32 {
    let dark = visuals.dark_mode;
    match (index, dark) {
        (0, true) => Color32::from_rgb(0xff, 0x7b, 0x9c),
        (0, false) => Color32::from_rgb(0xc2, 0x1d, 0x4f),
        (1, true) => Color32::from_rgb(0xc3, 0x9b, 0xff),
        (1, false) => Color32::from_rgb(0x6f, 0x3c, 0xc4),
        (_, true) => Color32::from_rgb(0x4f, 0xc3, 0xf7),
        (_, false) => Color32::from_rgb(0x02, 0x77, 0xbd),
    }
}

/// Text and fill of a danger badge ("accepts invalid certificates"): white
/// on a deep red, readable in both modes.
#[expect(
    clippy::disallowed_methods,
    reason = "the theme module owns the palette"
)]
pub fn danger_badge(visuals: &egui::Visuals) -> (Color32, Color32) {
    let fill = if visuals.dark_mode {
        Color32::from_rgb(0xb3, 0x1d, 0x28)
    } else {
        Color32::from_rgb(0xcf, 0x22, 0x2e)
    };
    (Color32::WHITE, fill)
}

/// A QR code's dark modules and its light background: black on white in
/// both themes, because phone cameras read dark-on-light best.
pub fn qr_colors() -> (Color32, Color32) {
    (Color32::BLACK, Color32::WHITE)
}

/// Colour for a check that passes: the "valid" green.
pub fn pass(visuals: &egui::Visuals) -> Color32 {
    time_state(visuals, TimeState::Valid)
}

/// Text and fill of a conformance badge: white on green when every rule
/// passes, white on a deep amber when some fail or are not known yet.
#[expect(
    clippy::disallowed_methods,
    reason = "the theme module owns the palette"
)]
pub fn conformance_badge(visuals: &egui::Visuals, all_pass: bool) -> (Color32, Color32) {
    let fill = match (all_pass, visuals.dark_mode) {
        (true, true) => Color32::from_rgb(0x1f, 0x88, 0x3d),
        (true, false) => Color32::from_rgb(0x1a, 0x7f, 0x37),
        (false, true) => Color32::from_rgb(0xa8, 0x6f, 0x00),
        (false, false) => Color32::from_rgb(0x9a, 0x67, 0x00),
    };
    (Color32::WHITE, fill)
}
