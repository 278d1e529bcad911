//! The top bar: file actions, theme, and what the paste held.

use crate::i18n::Language;
use crate::model::{Command, ThemeChoice, Workspace};
use crate::token::time::Zone;
use crate::tr;

use super::widgets::human_bytes;

/// Draws the top bar.
pub fn show(ui: &mut egui::Ui, workspace: &Workspace, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        ui.heading("tokenscope");
        ui.separator();
        if workspace.presenter.on {
            // A projector's bar holds only what a presenter needs: the rest
            // is one menu away, so nothing runs off the edge.
            ui.menu_button(tr!("top-menu"), |ui| {
                file_actions(ui, commands);
                ui.separator();
                theme_and_zone(ui, workspace, commands);
                ui.separator();
                views(ui, workspace, commands);
            });
        } else {
            file_actions(ui, commands);
            ui.separator();
            theme_and_zone(ui, workspace, commands);
            ui.separator();
            views(ui, workspace, commands);
        }
        let presenter = workspace.presenter;
        if ui
            .selectable_label(presenter.on, tr!("top-presenter"))
            .on_hover_text(tr!("top-presenter-hint"))
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
                .on_hover_text(tr!("top-smaller"))
                .clicked()
            {
                commands.push(Command::SetPresenterScale(percent.saturating_sub(25)));
            }
            if ui
                .small_button("A+")
                .on_hover_text(tr!("top-larger"))
                .clicked()
            {
                commands.push(Command::SetPresenterScale(percent + 25));
            }
            if !presenter.fit
                && ui
                    .small_button(tr!("top-fit"))
                    .on_hover_text(tr!("top-fit-hint"))
                    .clicked()
            {
                commands.push(Command::FitPresenter);
            }
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            language_menu(ui, workspace.language, commands);
            ui.separator();
            if workspace.pending.is_some() {
                ui.spinner();
                ui.label(tr!("top-reading-paste"));
            } else if let Some(inspection) = &workspace.inspection
                && inspection.input_bytes > 0
            {
                ui.label(tr!(
                    "top-pasted",
                    size = human_bytes(inspection.input_bytes)
                ));
            }
        });
    });
}

/// The language switch: each language named in itself, so a user who cannot
/// read the current one still finds theirs.
fn language_menu(ui: &mut egui::Ui, current: Language, commands: &mut Vec<Command>) {
    for language in Language::ALL.into_iter().rev() {
        if ui
            .selectable_label(current == language, language.native_name())
            .on_hover_text(tr!("top-language-hint"))
            .clicked()
        {
            commands.push(Command::SetLanguage(language));
        }
    }
}

/// The colour scheme and the wall clock instants are shown in.
/// Open a file, clear the paste.
fn file_actions(ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    if ui
        .button(tr!("top-open-file"))
        .on_hover_text(tr!("top-open-file-hint"))
        .clicked()
    {
        commands.push(Command::OpenFileDialog);
    }
    if ui
        .button(tr!("top-clear"))
        .on_hover_text(tr!("top-clear-hint"))
        .clicked()
    {
        commands.push(Command::Clear);
    }
}

/// The timeline and the sandbox panel.
fn views(ui: &mut egui::Ui, workspace: &Workspace, commands: &mut Vec<Command>) {
    if ui
        .selectable_label(workspace.show_timeline, tr!("top-timeline"))
        .on_hover_text(tr!("top-timeline-hint"))
        .clicked()
    {
        commands.push(Command::ToggleTimeline);
    }
    sandbox_toggle(ui, workspace, commands);
}

fn theme_and_zone(ui: &mut egui::Ui, workspace: &Workspace, commands: &mut Vec<Command>) {
    for (choice, label) in [
        (ThemeChoice::Light, tr!("top-theme-light")),
        (ThemeChoice::Dark, tr!("top-theme-dark")),
    ] {
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
            tr!("top-zone-local"),
            tr!("top-zone-local-hint"),
        ),
        (Zone::Utc, tr!("top-zone-utc"), tr!("top-zone-utc-hint")),
    ] {
        if ui
            .selectable_label(workspace.zone == zone, label)
            .on_hover_text(hint)
            .clicked()
        {
            commands.push(Command::SetZone(zone));
        }
    }
}

/// Shows or hides the sandbox panel.
fn sandbox_toggle(ui: &mut egui::Ui, workspace: &Workspace, commands: &mut Vec<Command>) {
    if ui
        .selectable_label(workspace.sandbox.panel_open, tr!("top-sandbox"))
        .on_hover_text(tr!("top-sandbox-hint"))
        .clicked()
    {
        commands.push(Command::Sandbox(crate::model::SandboxCommand::TogglePanel));
    }
}
