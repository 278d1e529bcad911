//! The paste box: where everything starts.

use crate::model::{Command, Workspace};
use crate::tr;

use super::{theme, widgets::human_bytes};

/// Beyond this size the paste is shown as a summary, not an editor: laying
/// out megabytes of text every frame would freeze the window.
const EDITABLE_BYTES: usize = 256 * 1024;

/// Draws the paste panel.
pub fn show(
    ui: &mut egui::Ui,
    workspace: &Workspace,
    paste: &mut String,
    commands: &mut Vec<Command>,
) {
    let label = ui.strong(tr!("paste-title"));
    ui.weak(tr!("paste-hint"));
    if let Some(source) = &workspace.source {
        ui.label(tr!("paste-from", source = source.as_str()));
    }
    if let Some(notice) = &workspace.notice {
        let color = if notice.is_error {
            theme::error(ui.visuals())
        } else {
            theme::warning(ui.visuals())
        };
        ui.colored_label(color, &notice.text);
    }
    ui.add_space(4.0);
    if paste.len() > EDITABLE_BYTES {
        large_paste_summary(ui, paste);
        return;
    }
    if workspace.presenter.on {
        // Presenter mode: the paste is shown with token values masked and cannot be edited.
        let masked = super::mask_tokens(paste, workspace.inspection.as_deref());
        egui::ScrollArea::vertical()
            .id_salt("paste_masked")
            .show(ui, |ui| {
                ui.add(egui::Label::new(egui::RichText::new(masked).monospace()).wrap());
            });
        return;
    }
    egui::ScrollArea::vertical()
        .id_salt("paste_scroll")
        .show(ui, |ui| {
            let editor = egui::TextEdit::multiline(paste)
                .hint_text(tr!("paste-here"))
                .font(egui::TextStyle::Monospace)
                .desired_width(f32::INFINITY)
                .desired_rows(30)
                .lock_focus(true);
            let response = ui
                .add_sized(ui.available_size(), editor)
                .labelled_by(label.id);
            if response.changed() {
                commands.push(Command::Inspect(paste.clone()));
            }
        });
}

fn large_paste_summary(ui: &mut egui::Ui, paste: &str) {
    ui.label(tr!("paste-too-large", size = human_bytes(paste.len())));
    let preview_end = paste
        .char_indices()
        .nth(2_000)
        .map_or(paste.len(), |(i, _)| i);
    egui::ScrollArea::vertical()
        .id_salt("paste_preview")
        .show(ui, |ui| {
            ui.add(
                egui::Label::new(
                    egui::RichText::new(format!("{}…", &paste[..preview_end])).monospace(),
                )
                .wrap(),
            );
        });
}
