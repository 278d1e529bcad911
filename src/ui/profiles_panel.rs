//! The profiles panel: search, the list, new from a preset, undo of a delete,
//! and where the profile file and the secrets are.

use crate::model::{Command, ProfileCommand, ProfileEditor, StoreStatus, Workspace};
use crate::oauth::presets::PRESETS;
use crate::tr;

use super::theme;

/// Draws the profile list. `filter` is the search box's text; `editor` the
/// open profile's editor, whose draft and discovered metadata the open
/// profile's conformance badge is counted on.
pub fn show(
    ui: &mut egui::Ui,
    workspace: &Workspace,
    filter: &mut String,
    editor: Option<&ProfileEditor>,
    commands: &mut Vec<Command>,
) {
    let state = &workspace.profiles;
    ui.strong(tr!("profiles-title"));
    let label = ui.weak(tr!("profiles-search"));
    ui.add(
        egui::TextEdit::singleline(filter)
            .hint_text(tr!("profiles-search-hint"))
            .desired_width(f32::INFINITY),
    )
    .labelled_by(label.id);
    status_line(ui, &state.status, commands);
    ui.menu_button(tr!("profiles-new"), |ui| {
        for preset in PRESETS {
            for (index, environment) in preset.environments.iter().enumerate() {
                let label = format!("{} · {}", preset.name, environment.label());
                if ui.button(label).on_hover_text(preset.summary()).clicked() {
                    commands.push(Command::Profile(ProfileCommand::New {
                        preset: preset.id.to_owned(),
                        environment: index,
                    }));
                    ui.close();
                }
            }
        }
    });
    transfer(ui, state, commands);
    if let Some((deleted, _)) = &state.deleted {
        ui.horizontal_wrapped(|ui| {
            ui.weak(tr!("profiles-deleted", name = deleted.name.as_str()));
            if ui.small_button(tr!("profiles-undo")).clicked() {
                commands.push(Command::Profile(ProfileCommand::UndoDelete));
            }
        });
    }
    ui.separator();
    let needle = filter.trim().to_lowercase();
    egui::ScrollArea::vertical()
        .id_salt("profile_list")
        .show(ui, |ui| {
            for profile in &state.list {
                let haystack = format!(
                    "{} {} {} {}",
                    profile.name, profile.issuer, profile.client_id, profile.environment
                )
                .to_lowercase();
                if !needle.is_empty() && !haystack.contains(&needle) {
                    continue;
                }
                let selected = state.selected.as_ref() == Some(&profile.id);
                let item = ui
                    .horizontal(|ui| {
                        let item = ui.selectable_label(selected, &profile.name);
                        if profile.tls.accept_invalid_certs {
                            super::widgets::insecure_tls_badge(ui);
                        }
                        item
                    })
                    .inner
                    .on_hover_text(if profile.issuer.is_empty() {
                        profile.endpoints.token.clone()
                    } else {
                        profile.issuer.clone()
                    });
                if selected {
                    // On a line of its own: the list is narrow.
                    ui.horizontal(|ui| {
                        ui.add_space(12.0);
                        open_profile_badge(ui, profile, editor);
                    });
                }
                if item.clicked() {
                    commands.push(Command::Profile(ProfileCommand::Select(profile.id.clone())));
                }
            }
            if state.list.is_empty()
                && matches!(
                    state.status,
                    StoreStatus::Ready { .. } | StoreStatus::Unavailable
                )
            {
                ui.weak(tr!("profiles-none"));
            }
        });
    if state.secrets_description.is_complete() {
        ui.separator();
        let label = ui.add(
            egui::Label::new(
                egui::RichText::new(state.secrets_description.current())
                    .small()
                    .weak(),
            )
            .wrap(),
        );
        if let Some(problem) = &state.keychain_problem {
            label.on_hover_text(tr!("secrets-keychain-detail", reason = problem.as_str()));
        }
    }
    if let Some(error) = &state.save_error {
        ui.colored_label(theme::error(ui.visuals()), error);
    }
}

/// The open profile's conformance badge, counted on the editor's draft
/// and the metadata discovery fetched for it when the editor is on it.
fn open_profile_badge(
    ui: &mut egui::Ui,
    profile: &crate::oauth::Profile,
    editor: Option<&ProfileEditor>,
) {
    let evaluated = match editor {
        Some(editor) if editor.draft.id == profile.id => super::conformance_view::evaluate(
            &editor.draft,
            super::conformance_view::editor_metadata(editor),
        ),
        _ => super::conformance_view::evaluate(profile, None),
    };
    if let Some((set, results)) = evaluated {
        super::conformance_view::badge(ui, set, &results);
    }
}

fn transfer(ui: &mut egui::Ui, state: &crate::model::ProfilesState, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        if ui
            .button(tr!("profiles-import"))
            .on_hover_text(tr!("profiles-import-hint"))
            .clicked()
        {
            commands.push(Command::Profile(ProfileCommand::Import));
        }
        if ui
            .button(tr!("profiles-export"))
            .on_hover_text(tr!("profiles-export-hint"))
            .clicked()
        {
            commands.push(Command::Profile(ProfileCommand::Export));
        }
    });
    let mut with_secrets = state.export_with_secrets;
    if ui
        .checkbox(&mut with_secrets, tr!("profiles-export-secrets"))
        .on_hover_text(tr!("profiles-export-secrets-hint"))
        .changed()
    {
        commands.push(Command::Profile(ProfileCommand::SetExportSecrets(
            with_secrets,
        )));
    }
    if with_secrets {
        ui.colored_label(
            theme::warning(ui.visuals()),
            tr!("profiles-export-secrets-warning"),
        );
    }
    if let Some(report) = &state.transfer_report {
        ui.add(egui::Label::new(egui::RichText::new(report).small()).wrap());
    }
}

fn status_line(ui: &mut egui::Ui, status: &StoreStatus, commands: &mut Vec<Command>) {
    match status {
        StoreStatus::Loading => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.weak(tr!("profiles-reading"));
            });
        }
        StoreStatus::Ready {
            remark: Some(remark),
            ..
        } => {
            ui.colored_label(theme::warning(ui.visuals()), remark);
        }
        StoreStatus::Ready { .. } => {}
        StoreStatus::Unreadable { message } => {
            ui.colored_label(theme::error(ui.visuals()), message);
            ui.label(tr!("profiles-unreadable-nothing-saved"));
            if ui.button(tr!("profiles-set-aside")).clicked() {
                commands.push(Command::Profile(ProfileCommand::SetAsideUnreadable));
            }
        }
        StoreStatus::Unavailable => {
            ui.weak(tr!("profiles-no-config-dir"));
        }
    }
}
