//! The sandbox panel: start and stop the built-in provider, pick who it
//! imitates, and flip its fault switches while it runs.

use crate::app::{Command, SandboxCommand, SandboxState, SandboxStatus};
use crate::sandbox::{Faults, Personality};

use super::theme;
use super::widgets::copy_button;

/// Draws the panel; in presenter mode the client secret is masked on screen.
pub fn show(ui: &mut egui::Ui, state: &SandboxState, presenter: bool, commands: &mut Vec<Command>) {
    ui.heading("Sandbox provider");
    ui.label("An OpenID provider on this machine (127.0.0.1 only): the whole flow works with no network.");
    ui.separator();
    personality_picker(ui, state, commands);
    ui.add_space(4.0);
    status(ui, state, presenter, commands);
    ui.separator();
    faults(ui, &state.faults, commands);
}

fn personality_picker(ui: &mut egui::Ui, state: &SandboxState, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        let label = ui.label("Behaves like");
        egui::ComboBox::from_id_salt("sandbox_personality")
            .selected_text(state.personality.label())
            .show_ui(ui, |ui| {
                for personality in Personality::ALL {
                    if ui
                        .selectable_label(state.personality == personality, personality.label())
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
            ui.label("Stopped.");
            if ui.button("Start sandbox").clicked() {
                commands.push(Command::Sandbox(SandboxCommand::Start));
            }
        }
        SandboxStatus::Starting => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Starting: making keys…");
            });
        }
        SandboxStatus::Failed(message) => {
            ui.colored_label(
                theme::error(ui.visuals()),
                format!("Could not start: {message}"),
            );
            if ui.button("Start sandbox").clicked() {
                commands.push(Command::Sandbox(SandboxCommand::Start));
            }
        }
        SandboxStatus::Running(running) => {
            ui.label(format!("Running: {}", running.personality.label()));
            egui::Grid::new("sandbox_running")
                .num_columns(3)
                .show(ui, |ui| {
                    for (name, value, secret) in [
                        ("Issuer", running.issuer.as_str(), false),
                        ("Client id", running.client_id.as_str(), false),
                        ("Client secret", running.client_secret.as_str(), true),
                    ] {
                        ui.label(name);
                        if secret && presenter {
                            ui.monospace(crate::oauth::flow::mask_middle(value));
                        } else {
                            ui.monospace(value);
                        }
                        copy_button(
                            ui,
                            &format!("the sandbox {}", name.to_lowercase()),
                            value,
                            commands,
                        );
                        ui.end_row();
                    }
                });
            ui.label(format!(
                "Signing keys: generation {}",
                running.key_generation
            ));
            ui.horizontal(|ui| {
                if ui.button("Rotate keys now").clicked() {
                    commands.push(Command::Sandbox(SandboxCommand::RotateKeys));
                }
                if ui.button("Stop sandbox").clicked() {
                    commands.push(Command::Sandbox(SandboxCommand::Stop));
                }
            });
            if running.personality != state.personality {
                ui.label("The new personality applies at the next start.");
            }
        }
    }
}

/// The fault switches, drawn on a copy: any change sends the whole set.
fn faults(ui: &mut egui::Ui, current: &Faults, commands: &mut Vec<Command>) {
    ui.label("Faults on demand");
    let mut faults = current.clone();
    number_switch(
        ui,
        "Expire tokens after",
        "seconds",
        &mut faults.expire_in,
        30,
    );
    ui.checkbox(&mut faults.wrong_key, "Sign with the wrong key");
    ui.checkbox(&mut faults.wrong_nonce, "Send a wrong nonce");
    ui.checkbox(&mut faults.wrong_at_hash, "Send a wrong at_hash");
    ui.checkbox(&mut faults.rotate_keys, "Rotate keys after every token");
    ui.checkbox(&mut faults.unavailable, "Answer 503 Service Unavailable");
    number_switch(ui, "Answer slowly", "ms", &mut faults.delay_ms, 2000);
    ui.checkbox(&mut faults.html_errors, "Answer errors with an HTML page");
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
