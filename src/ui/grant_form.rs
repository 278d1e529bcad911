//! The grant's own inputs in the flow panel (the password grant's user name
//! and password, a pasted refresh token, an extension grant's fields, the
//! logout button) and the profile form's sections for client assertions and
//! extension grant fields.

use crate::app::{Command, FlowCommand, FlowState, RunInput};
use crate::oauth::flow::Step;
use crate::oauth::presets::GRANT_PRESETS;
use crate::oauth::runner::FlowSession;
use crate::oauth::{AssertionAudience, ClientAuth, ExtensionField, Grant, Profile};
use crate::secret::Secret;

use super::theme;

/// What the user types into the grant's fields in the flow panel. The
/// password and secret values are sent to the run as [`Secret`]s at once;
/// these buffers only back the text boxes.
#[derive(Default)]
pub struct GrantInputs {
    /// The run (its `state`) these inputs belong to: a new run starts empty.
    run: String,
    username: String,
    password: String,
    refresh_token: String,
    extension: Vec<(String, String)>,
}

impl std::fmt::Debug for GrantInputs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GrantInputs")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// The grant this run walks, changeable until its first token request.
pub fn grant_choice(ui: &mut egui::Ui, flow: &FlowState, commands: &mut Vec<Command>) {
    let session = &flow.session;
    let mut choices = vec![
        ("authorization code", Grant::AuthorizationCode),
        ("client credentials", Grant::ClientCredentials),
        ("password", Grant::Password),
        ("refresh (standalone)", Grant::RefreshToken),
        ("device", Grant::DeviceCode),
    ];
    if let Grant::Extension(name) = &session.profile.default_grant {
        choices.push(("extension", Grant::Extension(name.clone())));
    }
    let shown = choices
        .iter()
        .find(|(_, g)| *g == session.grant)
        .map_or("extension", |(n, _)| *n);
    let label = ui.label("Grant");
    ui.add_enabled_ui(flow.waiting.is_none(), |ui| {
        egui::ComboBox::from_id_salt("run_grant")
            .selected_text(shown)
            .show_ui(ui, |ui| {
                for (name, grant) in choices {
                    if ui.selectable_label(session.grant == grant, name).clicked() {
                        commands.push(Command::Flow(FlowCommand::SetGrant(grant)));
                    }
                }
            })
            .response
            .labelled_by(label.id);
    });
}

/// The inputs a step needs from the user, above its request.
pub fn run_inputs(
    ui: &mut egui::Ui,
    step: Step,
    session: &FlowSession,
    inputs: &mut GrantInputs,
    commands: &mut Vec<Command>,
) {
    if inputs.run != session.run.state {
        *inputs = GrantInputs {
            run: session.run.state.clone(),
            ..GrantInputs::default()
        };
    }
    match step {
        Step::Password => password_inputs(ui, session, inputs, commands),
        Step::Refresh
            if session
                .tokens
                .as_ref()
                .and_then(|t| t.refresh_token.as_ref())
                .is_none() =>
        {
            if inputs.refresh_token.is_empty()
                && session
                    .pasted_refresh_token
                    .as_ref()
                    .is_some_and(|t| !t.is_empty())
            {
                ui.weak("Refreshing with the refresh token kept from the last run; paste another to use it instead.");
            }
            ui.horizontal(|ui| {
                let label = ui.label("Refresh token");
                let response = ui
                    .add(
                        egui::TextEdit::singleline(&mut inputs.refresh_token)
                            .password(true)
                            .hint_text("paste a refresh token")
                            .desired_width(f32::INFINITY),
                    )
                    .labelled_by(label.id);
                if response.changed() {
                    commands.push(Command::Flow(FlowCommand::SetInput(
                        RunInput::RefreshToken(Secret::new(inputs.refresh_token.trim())),
                    )));
                }
            });
        }
        Step::ExtensionGrant => extension_inputs(ui, session, inputs, commands),
        _ => {}
    }
}

/// RFC 6749 §4.3: the user name belongs to the run; the password is typed
/// here for this run only and is never stored.
fn password_inputs(
    ui: &mut egui::Ui,
    session: &FlowSession,
    inputs: &mut GrantInputs,
    commands: &mut Vec<Command>,
) {
    if inputs.username.is_empty() && !session.username.is_empty() {
        inputs.username.clone_from(&session.username);
    }
    egui::Grid::new("password_grant").show(ui, |ui| {
        let label = ui.label("Username");
        if ui
            .add(egui::TextEdit::singleline(&mut inputs.username).desired_width(240.0))
            .labelled_by(label.id)
            .changed()
        {
            commands.push(Command::Flow(FlowCommand::SetInput(RunInput::Username(
                inputs.username.clone(),
            ))));
        }
        ui.end_row();
        let label = ui.label("Password");
        if ui
            .add(
                egui::TextEdit::singleline(&mut inputs.password)
                    .password(true)
                    .desired_width(240.0),
            )
            .labelled_by(label.id)
            .changed()
        {
            commands.push(Command::Flow(FlowCommand::SetInput(RunInput::Password(
                Secret::new(inputs.password.clone()),
            ))));
        }
        ui.end_row();
    });
    ui.weak("The password is used for this run only and never saved.");
}

/// The extension grant's fields (RFC 6749 §4.5). Secret fields are masked;
/// `…_old` / `…_new` pairs (credential rotation) sit side by side.
fn extension_inputs(
    ui: &mut egui::Ui,
    session: &FlowSession,
    inputs: &mut GrantInputs,
    commands: &mut Vec<Command>,
) {
    let fields = &session.profile.extension_grant.fields;
    if fields.is_empty() {
        ui.weak("This extension grant has no fields: add them in the profile.");
        return;
    }
    for (name, value) in session.extension_fields() {
        match inputs.extension.iter_mut().find(|(n, _)| *n == name) {
            // A value read from the secret store after the box was drawn empty.
            Some((_, shown)) if shown.is_empty() => *shown = value,
            Some(_) => {}
            None => inputs.extension.push((name, value)),
        }
    }
    egui::Grid::new("extension_fields")
        .num_columns(4)
        .show(ui, |ui| {
            for field in fields {
                let has_old = |base: &str| fields.iter().any(|f| f.name == format!("{base}_old"));
                if field.name.strip_suffix("_new").is_some_and(has_old) {
                    continue; // drawn beside its `_old` partner
                }
                let label = ui.label(&field.name);
                extension_value(ui, field, label.id, inputs, commands);
                let partner = field
                    .name
                    .strip_suffix("_old")
                    .and_then(|base| fields.iter().find(|f| f.name == format!("{base}_new")));
                if let Some(partner) = partner {
                    let label = ui.label(&partner.name);
                    extension_value(ui, partner, label.id, inputs, commands);
                }
                ui.end_row();
            }
        });
    if fields.iter().any(|f| f.secret)
        && ui
            .button("Keep the secret values in the secret store")
            .on_hover_text("They never go into the profile file")
            .clicked()
    {
        commands.push(Command::Flow(FlowCommand::KeepExtensionSecrets));
    }
}

fn extension_value(
    ui: &mut egui::Ui,
    field: &ExtensionField,
    label: egui::Id,
    inputs: &mut GrantInputs,
    commands: &mut Vec<Command>,
) {
    let Some((_, value)) = inputs.extension.iter_mut().find(|(n, _)| *n == field.name) else {
        return;
    };
    let response = ui
        .add(
            egui::TextEdit::singleline(value)
                .password(field.secret)
                .hint_text(&field.hint)
                .desired_width(220.0),
        )
        .labelled_by(label);
    if response.changed() {
        commands.push(Command::Flow(FlowCommand::SetInput(
            RunInput::ExtensionValue {
                name: field.name.clone(),
                value: Secret::new(value.clone()),
            },
        )));
    }
}

/// The logout card's controls (RP-Initiated Logout §2).
pub fn logout_controls(ui: &mut egui::Ui, session: &FlowSession, commands: &mut Vec<Command>) {
    let has_id_token = session
        .tokens
        .as_ref()
        .and_then(|t| t.id_token.as_ref())
        .is_some();
    if !has_id_token {
        ui.colored_label(
            theme::warning(ui.visuals()),
            "No ID token to send as id_token_hint: the provider may ask the user to confirm.",
        );
    }
    if ui
        .button("Sign out at the provider")
        .on_hover_text("Opens the end-session URL and waits for the redirect back with our state")
        .clicked()
    {
        commands.push(Command::Flow(FlowCommand::Logout));
    }
}

/// The profile form's client assertion settings (RFC 7523 §2.2), shown for
/// the JWT methods. Only the key file's path is kept.
pub fn assertion_section(ui: &mut egui::Ui, draft: &mut Profile, label_width: f32) {
    if !matches!(
        draft.client_auth,
        ClientAuth::PrivateKeyJwt | ClientAuth::ClientSecretJwt
    ) {
        return;
    }
    let settings = &mut draft.client_assertion;
    let row = |ui: &mut egui::Ui, name: &str, value: &mut String, hint: &str| {
        ui.horizontal(|ui| {
            let label = ui.add_sized([label_width, 20.0], egui::Label::new(name));
            ui.add(
                egui::TextEdit::singleline(value)
                    .hint_text(hint)
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label.id);
        });
    };
    if draft.client_auth == ClientAuth::PrivateKeyJwt {
        row(
            ui,
            "Private key file",
            &mut settings.key_file,
            "/path/to/client-key.pem (PKCS#8 or PKCS#1)",
        );
        row(ui, "Key id (kid)", &mut settings.key_id, "optional");
        row(
            ui,
            "Algorithm",
            &mut settings.algorithm,
            "empty: from the key (RS256, ES256, ES384, EdDSA); or PS256",
        );
    }
    ui.horizontal(|ui| {
        let label = ui.add_sized([label_width, 20.0], egui::Label::new("Assertion aud"));
        let shown = match &settings.audience {
            AssertionAudience::TokenEndpoint => "token endpoint",
            AssertionAudience::Issuer => "issuer",
            AssertionAudience::Custom(_) => "custom",
        };
        egui::ComboBox::from_id_salt("assertion_audience")
            .selected_text(shown)
            .show_ui(ui, |ui| {
                for (name, choice) in [
                    ("token endpoint", AssertionAudience::TokenEndpoint),
                    ("issuer", AssertionAudience::Issuer),
                    ("custom", AssertionAudience::Custom(String::new())),
                ] {
                    let selected = std::mem::discriminant(&settings.audience)
                        == std::mem::discriminant(&choice);
                    if ui.selectable_label(selected, name).clicked() && !selected {
                        settings.audience = choice;
                    }
                }
            })
            .response
            .labelled_by(label.id);
        if let AssertionAudience::Custom(value) = &mut settings.audience {
            ui.add(egui::TextEdit::singleline(value).desired_width(f32::INFINITY));
        }
    });
}

/// The profile form's extension grant fields: name, value (plain fields
/// only), secret flag; and the grant presets that fill them.
pub fn extension_section(ui: &mut egui::Ui, draft: &mut Profile, label_width: f32) {
    let Grant::Extension(grant_type) = &mut draft.default_grant else {
        return;
    };
    ui.horizontal(|ui| {
        ui.add_sized([label_width, 20.0], egui::Label::new("Grant fields"));
        for preset in GRANT_PRESETS {
            if ui
                .small_button(preset.name)
                .on_hover_text(preset.summary)
                .clicked()
            {
                preset.grant_type.clone_into(grant_type);
                draft.extension_grant.fields = preset.fields();
            }
        }
        if ui.small_button("Add field").clicked() {
            draft.extension_grant.fields.push(ExtensionField::default());
        }
    });
    let mut remove = None;
    for (index, field) in draft.extension_grant.fields.iter_mut().enumerate() {
        ui.push_id(("extension_field", index), |ui| {
            ui.horizontal(|ui| {
                ui.add_space(label_width);
                let label = ui.label("name");
                ui.add(egui::TextEdit::singleline(&mut field.name).desired_width(150.0))
                    .labelled_by(label.id);
                if ui.checkbox(&mut field.secret, "secret").changed() && field.secret {
                    // A secret's value belongs in the secret store, not the profile file.
                    field.value.clear();
                }
                if field.secret {
                    ui.weak("typed in the flow, kept in the secret store");
                } else {
                    let label = ui.label("value");
                    ui.add(
                        egui::TextEdit::singleline(&mut field.value)
                            .hint_text(&field.hint)
                            .desired_width(220.0),
                    )
                    .labelled_by(label.id);
                }
                if ui.small_button("Remove").clicked() {
                    remove = Some(index);
                }
            });
        });
    }
    if let Some(index) = remove {
        draft.extension_grant.fields.remove(index);
    }
}
