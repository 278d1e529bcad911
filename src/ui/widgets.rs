//! Small shared widgets.

use crate::tr;
use egui::RichText;

use crate::model::Command;
use crate::token::time::{TimeClaim, Timestamp, Zone};

use super::theme;

/// A small copy button; `what` names what it copies, for hover text and screen readers.
pub fn copy_button(ui: &mut egui::Ui, what: &str, text: &str, commands: &mut Vec<Command>) {
    let name = tr!("copy-named", what = what);
    if small_named_button(ui, &tr!("copy"), &name).clicked() {
        commands.push(Command::Copy(text.to_owned()));
    }
}

/// A small button whose short face (`Copy`, `+`) would be ambiguous to a
/// screen reader: `name` is its accessible name and its hover text.
pub fn small_named_button(ui: &mut egui::Ui, face: &str, name: &str) -> egui::Response {
    let response = ui.small_button(face);
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, name));
    response.on_hover_text(name)
}

/// An instant as local time plus its live status, coloured: "2026-11-21 20:00:06 +00:00 · expired 3 days ago".
pub fn time_status(ui: &mut egui::Ui, claim: &TimeClaim, now: Timestamp, zone: Zone) {
    let status = claim.status(now);
    ui.label(claim.at.to_zone_string(zone));
    let color = theme::time_state(ui.visuals(), status.state);
    ui.label(RichText::new(status.phrase).color(color).strong());
}

/// Bytes in the window's language ("7 KiB", "7 КиБ"): the one size text
/// of [`crate::net::exchange::size_text`].
pub fn human_bytes(bytes: usize) -> String {
    crate::net::exchange::size_text(u64::try_from(bytes).unwrap_or(u64::MAX))
}

/// A drawn ✓ or ✗ in a coloured disc (drawn, not a glyph: the default fonts have neither).
pub fn status_mark(ui: &mut egui::Ui, ok: bool) -> egui::Response {
    let size = ui.text_style_height(&egui::TextStyle::Body);
    let (rect, response) = ui.allocate_exact_size(egui::vec2(size, size), egui::Sense::hover());
    let color = if ok {
        theme::time_state(ui.visuals(), crate::token::time::TimeState::Valid)
    } else {
        theme::error(ui.visuals())
    };
    let painter = ui.painter();
    let c = rect.center();
    let r = size * 0.45;
    painter.circle_filled(c, r, color);
    let stroke = egui::Stroke::new(size * 0.12, ui.visuals().extreme_bg_color);
    if ok {
        painter.line(
            vec![
                c + egui::vec2(-0.5 * r, 0.0),
                c + egui::vec2(-0.12 * r, 0.4 * r),
                c + egui::vec2(0.5 * r, -0.4 * r),
            ],
            stroke,
        );
    } else {
        let d = 0.4 * r;
        painter.line_segment([c + egui::vec2(-d, -d), c + egui::vec2(d, d)], stroke);
        painter.line_segment([c + egui::vec2(-d, d), c + egui::vec2(d, -d)], stroke);
    }
    response.widget_info(|| {
        egui::WidgetInfo::labeled(
            egui::Role::Image,
            true,
            if ok {
                tr!("status-succeeded")
            } else {
                tr!("status-failed")
            },
        )
    });
    response
}

/// The red "accepts invalid certificates" badge, shown wherever a profile
/// with [`crate::oauth::TlsSettings::accept_invalid_certs`] on is used: its
/// calls can be read by anyone on the network.
pub fn insecure_tls_badge(ui: &mut egui::Ui) -> egui::Response {
    let (color, fill) = theme::danger_badge(ui.visuals());
    let text = RichText::new(tr!("badge-insecure-tls"))
        .strong()
        .color(color)
        .background_color(fill);
    ui.add(egui::Label::new(text))
        .on_hover_text(tr!("badge-insecure-tls-hint"))
}
