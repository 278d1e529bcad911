//! Small shared widgets.

use egui::RichText;

use crate::app::Command;
use crate::token::time::{TimeClaim, Timestamp, Zone};

use super::theme;

/// A small copy button; `what` names what it copies, for hover text and screen readers.
pub fn copy_button(ui: &mut egui::Ui, what: &str, text: &str, commands: &mut Vec<Command>) {
    let name = format!("Copy {what}");
    if small_named_button(ui, "Copy", &name).clicked() {
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

/// Bytes as "7.0 KB".
pub fn human_bytes(bytes: usize) -> String {
    #[expect(clippy::cast_precision_loss, reason = "a display approximation")]
    let b = bytes as f64;
    if bytes < 1024 {
        format!("{bytes} B")
    } else if b < 1024.0 * 1024.0 {
        format!("{:.1} KB", b / 1024.0)
    } else {
        format!("{:.1} MB", b / (1024.0 * 1024.0))
    }
}
