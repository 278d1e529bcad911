//! The sandbox panel: start and stop the built-in provider, pick who it
//! imitates, and flip its fault switches while it runs.

use crate::model::{Command, SandboxCommand, SandboxState, SandboxStatus};
use crate::sandbox::{Faults, Personality};

use super::theme;
use super::widgets::copy_button;
use crate::tr;

/// Draws the panel; in presenter mode the client secret is masked on screen.
pub fn show(ui: &mut egui::Ui, state: &SandboxState, presenter: bool, commands: &mut Vec<Command>) {
    ui.heading(tr!("sandbox-title"));
    ui.label(tr!("sandbox-intro"));
    ui.separator();
    personality_picker(ui, state, commands);
    ui.add_space(4.0);
    status(ui, state, presenter, commands);
    ui.separator();
    faults(ui, &state.faults, commands);
}

fn personality_picker(ui: &mut egui::Ui, state: &SandboxState, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        let label = ui.label(tr!("sandbox-behaves-like"));
        egui::ComboBox::from_id_salt("sandbox_personality")
            .selected_text(personality_label(state.personality))
            .show_ui(ui, |ui| {
                for personality in Personality::ALL {
                    if ui
                        .selectable_label(
                            state.personality == personality,
                            personality_label(personality),
                        )
                        .clicked()
                    {
                        commands.push(Command::Sandbox(SandboxCommand::Choose(personality)));
                    }
                }
            })
            .response
            .labelled_by(label.id);
    });
}

fn status(ui: &mut egui::Ui, state: &SandboxState, presenter: bool, commands: &mut Vec<Command>) {
    match &state.status {
        SandboxStatus::Stopped => {
            ui.label(tr!("sandbox-stopped"));
            if ui.button(tr!("sandbox-start")).clicked() {
                commands.push(Command::Sandbox(SandboxCommand::Start));
            }
        }
        SandboxStatus::Starting => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(tr!("sandbox-starting"));
            });
        }
        SandboxStatus::Failed(message) => {
            ui.colored_label(
                theme::error(ui.visuals()),
                tr!("sandbox-failed", message = message.as_str()),
            );
            if ui.button(tr!("sandbox-start")).clicked() {
                commands.push(Command::Sandbox(SandboxCommand::Start));
            }
        }
        SandboxStatus::Running(running) => {
            ui.label(tr!(
                "sandbox-running",
                personality = personality_label(running.personality)
            ));
            egui::Grid::new("sandbox_running")
                .num_columns(3)
                .show(ui, |ui| {
                    for (name, copy_what, value, secret) in [
                        (
                            tr!("sandbox-issuer"),
                            tr!("sandbox-copy-issuer"),
                            running.issuer.as_str(),
                            false,
                        ),
                        (
                            tr!("sandbox-client-id"),
                            tr!("sandbox-copy-client-id"),
                            running.client_id.as_str(),
                            false,
                        ),
                        (
                            tr!("sandbox-client-secret"),
                            tr!("sandbox-copy-client-secret"),
                            running.client_secret.as_str(),
                            true,
                        ),
                    ] {
                        ui.label(name);
                        if secret && presenter {
                            ui.monospace(crate::oauth::flow::mask_middle(value));
                        } else {
                            ui.monospace(value);
                        }
                        copy_button(ui, &copy_what, value, commands);
                        ui.end_row();
                    }
                    if let Some(path) = &running.client_key_file {
                        ui.label(tr!("sandbox-client-key-file"));
                        ui.monospace(path);
                        copy_button(ui, &tr!("sandbox-copy-client-key-file"), path, commands);
                        ui.end_row();
                    }
                    if let Some(path) = &running.decryption_key_file {
                        ui.label(tr!("sandbox-decryption-key-file"));
                        ui.monospace(path);
                        copy_button(ui, &tr!("sandbox-copy-decryption-key-file"), path, commands);
                        ui.end_row();
                    }
                });
            ui.label(tr!(
                "sandbox-key-generation",
                generation = running.key_generation
            ));
            ui.horizontal(|ui| {
                if ui.button(tr!("sandbox-rotate")).clicked() {
                    commands.push(Command::Sandbox(SandboxCommand::RotateKeys));
                }
                if ui.button(tr!("sandbox-stop")).clicked() {
                    commands.push(Command::Sandbox(SandboxCommand::Stop));
                }
            });
            if running.personality != state.personality {
                ui.label(tr!("sandbox-next-start"));
            }
        }
    }
}

/// The fault switches, drawn on a copy: any change sends the whole set.
fn faults(ui: &mut egui::Ui, current: &Faults, commands: &mut Vec<Command>) {
    ui.label(tr!("sandbox-faults"));
    let mut faults = current.clone();
    number_switch(
        ui,
        &tr!("sandbox-fault-expire"),
        &tr!("sandbox-unit-seconds"),
        &mut faults.expire_in,
        30,
    );
    ui.checkbox(&mut faults.wrong_key, tr!("sandbox-fault-wrong-key"));
    ui.checkbox(&mut faults.wrong_nonce, tr!("sandbox-fault-wrong-nonce"));
    ui.checkbox(
        &mut faults.wrong_at_hash,
        tr!("sandbox-fault-wrong-at-hash"),
    );
    ui.checkbox(&mut faults.rotate_keys, tr!("sandbox-fault-rotate"));
    ui.checkbox(&mut faults.unavailable, tr!("sandbox-fault-unavailable"));
    number_switch(
        ui,
        &tr!("sandbox-fault-slow"),
        &tr!("sandbox-unit-ms"),
        &mut faults.delay_ms,
        2000,
    );
    ui.checkbox(&mut faults.html_errors, tr!("sandbox-fault-html"));
    ui.checkbox(&mut faults.bare_refresh, tr!("sandbox-fault-bare-refresh"));
    ui.checkbox(
        &mut faults.logout_needs_hint,
        tr!("sandbox-fault-logout-needs-hint"),
    );
    ui.checkbox(&mut faults.auto_sign_in, tr!("sandbox-fault-auto-sign-in"))
        .on_hover_text(tr!("sandbox-fault-auto-sign-in-hover"));
    ui.checkbox(&mut faults.dpop_replay, tr!("sandbox-fault-dpop-replay"));
    ui.checkbox(
        &mut faults.dpop_nonce_missing,
        tr!("sandbox-fault-dpop-nonce-missing"),
    );
    ui.checkbox(
        &mut faults.wrong_cnf_jkt,
        tr!("sandbox-fault-wrong-cnf-jkt"),
    );
    ui.checkbox(
        &mut faults.jarm_wrong_key,
        tr!("sandbox-fault-jarm-wrong-key"),
    );
    ui.checkbox(&mut faults.par_expired, tr!("sandbox-fault-par-expired"));
    if faults != *current {
        commands.push(Command::Sandbox(SandboxCommand::SetFaults(faults)));
    }
}

fn number_switch<T>(ui: &mut egui::Ui, label: &str, unit: &str, value: &mut Option<T>, default: T)
where
    T: egui::emath::Numeric,
{
    ui.horizontal(|ui| {
        let mut on = value.is_some();
        if ui.checkbox(&mut on, label).changed() {
            *value = on.then_some(default);
        }
        if let Some(number) = value.as_mut() {
            ui.add(
                egui::DragValue::new(number)
                    .range(1..=86_400)
                    .suffix(format!(" {unit}")),
            )
            .widget_info(|| {
                egui::WidgetInfo::labeled(egui::Role::SpinButton, true, format!("{label} ({unit})"))
            });
        }
    });
}

/// Who the sandbox imitates, in the window's language (the provider names stay).
fn personality_label(personality: Personality) -> String {
    match personality {
        Personality::Generic => tr!("sandbox-personality-generic"),
        Personality::Keycloak => tr!("sandbox-personality-keycloak"),
        Personality::Bank => tr!("sandbox-personality-bank"),
        Personality::Github => tr!("sandbox-personality-github"),
        Personality::Kontur => tr!("sandbox-personality-kontur"),
        Personality::Moex => tr!("sandbox-personality-moex"),
        Personality::Fapi => tr!("sandbox-personality-fapi"),
        Personality::FapiGost => tr!("sandbox-personality-fapi-gost"),
        Personality::Encrypting => tr!("sandbox-personality-jwe"),
    }
}
