//! The top bar: file actions, theme, and what the paste held.

use crate::app::{Command, ThemeChoice, Workspace};
use crate::token::time::Zone;

use super::widgets::human_bytes;

/// Draws the top bar.
pub fn show(ui: &mut egui::Ui, workspace: &Workspace, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        ui.heading("tokenscope");
        ui.separator();
        if ui
            .button("Open file…")
            .on_hover_text("Read tokens from a text file")
            .clicked()
        {
            commands.push(Command::OpenFileDialog);
        }
        if ui
            .button("Clear")
            .on_hover_text("Empty the paste box")
            .clicked()
        {
            commands.push(Command::Clear);
        }
        ui.separator();
        for (choice, label) in [(ThemeChoice::Light, "Light"), (ThemeChoice::Dark, "Dark")] {
            if ui
                .selectable_label(workspace.theme == choice, label)
                .clicked()
            {
                commands.push(Command::SetTheme(choice));
            }
        }
        ui.separator();
        for (zone, label, hint) in [
            (
                Zone::Local,
                "Local time",
                "Show instants in this machine's time zone",
            ),
            (
                Zone::Utc,
                "UTC",
                "Show instants in UTC, as server logs usually are",
            ),
        ] {
            if ui
                .selectable_label(workspace.zone == zone, label)
                .on_hover_text(hint)
                .clicked()
            {
                commands.push(Command::SetZone(zone));
            }
        }
        ui.separator();
        if ui
            .selectable_label(workspace.show_timeline, "Timeline")
            .on_hover_text("Every step of every run this session")
            .clicked()
        {
            commands.push(Command::ToggleTimeline);
        }
        sandbox_toggle(ui, workspace, commands);
        let presenter = workspace.presenter;
        if ui
            .selectable_label(presenter.on, "Presenter mode")
            .on_hover_text("Large text for a projector, secrets masked on screen (F5)")
            .clicked()
        {
            commands.push(Command::TogglePresenter);
        }
        if presenter.on {
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "a zoom between 100 % and 300 %"
            )]
            let percent = (presenter.scale * 100.0).round() as u16;
            if ui
                .small_button("A-")
                .on_hover_text("Smaller text")
                .clicked()
            {
                commands.push(Command::SetPresenterScale(percent.saturating_sub(25)));
            }
            if ui.small_button("A+").on_hover_text("Larger text").clicked() {
                commands.push(Command::SetPresenterScale(percent + 25));
            }
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if workspace.pending.is_some() {
                ui.spinner();
                ui.label("Reading the paste…");
            } else if let Some(inspection) = &workspace.inspection
                && inspection.input_bytes > 0
            {
                ui.label(format!("{} pasted", human_bytes(inspection.input_bytes)));
            }
        });
    });
}

/// Shows or hides the sandbox panel.
fn sandbox_toggle(ui: &mut egui::Ui, workspace: &Workspace, commands: &mut Vec<Command>) {
    if ui
        .selectable_label(workspace.sandbox.panel_open, "Sandbox panel")
        .on_hover_text(
            "The built-in OpenID provider: start it, pick who it imitates, switch on faults",
        )
        .clicked()
    {
        commands.push(Command::Sandbox(crate::app::SandboxCommand::TogglePanel));
    }
}
