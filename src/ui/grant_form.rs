//! The grant's own inputs in the flow panel (the password grant's user name
//! and password, a pasted refresh token, an extension grant's fields, the
//! logout button) and the profile form's sections for client assertions and
//! extension grant fields.

use crate::model::{Command, FlowCommand, FlowState, RunInput};
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
    api_url: String,
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
        (
            crate::tr!("grant-authorization-code"),
            Grant::AuthorizationCode,
        ),
        (
            crate::tr!("grant-client-credentials"),
            Grant::ClientCredentials,
        ),
        (crate::tr!("grant-password"), Grant::Password),
        (crate::tr!("grant-refresh"), Grant::RefreshToken),
        (crate::tr!("grant-device"), Grant::DeviceCode),
        (crate::tr!("grant-ciba"), Grant::Ciba),
    ];
    if let Grant::Extension(name) = &session.profile.default_grant {
        choices.push((
            crate::tr!("grant-extension"),
            Grant::Extension(name.clone()),
        ));
    }
    let shown = choices
        .iter()
        .find(|(_, g)| *g == session.grant)
        .map_or_else(|| crate::tr!("grant-extension"), |(n, _)| n.clone());
    let label = ui.label(crate::tr!("grant-label"));
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
        Step::ApiCall => api_inputs(ui, session, inputs, commands),
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
                ui.weak(crate::tr!("grant-kept-refresh-token"));
            }
            ui.horizontal(|ui| {
                let label = ui.label(crate::tr!("grant-refresh-token"));
                let response = ui
                    .add(
                        egui::TextEdit::singleline(&mut inputs.refresh_token)
                            .password(true)
                            .hint_text(crate::tr!("grant-refresh-token-hint"))
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
        Step::BackchannelAuthentication => ciba_inputs(ui, session, commands),
        _ => {}
    }
}

/// RFC 6749 §4.3: the user name belongs to the run; the password is typed
/// here for this run only and is never stored.
/// The address of the API to call with the access token.
fn api_inputs(
    ui: &mut egui::Ui,
    session: &FlowSession,
    inputs: &mut GrantInputs,
    commands: &mut Vec<Command>,
) {
    if inputs.api_url.is_empty() && !session.api_url.is_empty() {
        inputs.api_url.clone_from(&session.api_url);
    }
    ui.horizontal(|ui| {
        let label = ui.label(crate::tr!("grant-api-url"));
        if ui
            .add(
                egui::TextEdit::singleline(&mut inputs.api_url)
                    .hint_text("https://api.example/v1/accounts")
                    .desired_width(ui.available_width()),
            )
            .labelled_by(label.id)
            .changed()
        {
            commands.push(Command::Flow(FlowCommand::SetInput(RunInput::ApiUrl(
                inputs.api_url.clone(),
            ))));
        }
    });
}

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
        let label = ui.label(crate::tr!("grant-username"));
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
        let label = ui.label(crate::tr!("grant-password-label"));
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
    ui.weak(crate::tr!("grant-password-note"));
}

/// The CIBA request's inputs (OpenID CIBA Core 1.0 §7.1): who approves
/// (one of the three hints), the binding message, the optional user code,
/// `acr_values` and `requested_expiry`. They are this run's copy of the
/// profile's settings: plain text, edited in place.
fn ciba_inputs(ui: &mut egui::Ui, session: &FlowSession, commands: &mut Vec<Command>) {
    let mut settings = session.profile.ciba.clone();
    let changed = ciba_fields(ui, &mut settings, "run");
    ui.weak(crate::tr!("ciba-inputs-note"));
    if changed {
        commands.push(Command::Flow(FlowCommand::SetInput(RunInput::Ciba(
            Box::new(settings),
        ))));
    }
}

/// The profile form's CIBA section (the profile's default grant is CIBA):
/// the same fields, kept in the profile.
pub fn ciba_section(ui: &mut egui::Ui, draft: &mut Profile, label_width: f32) {
    if draft.default_grant != Grant::Ciba {
        return;
    }
    ui.horizontal(|ui| {
        ui.add_space(label_width + 8.0);
        ui.vertical(|ui| {
            ciba_fields(ui, &mut draft.ciba, "profile");
            ui.weak(crate::tr!("ciba-inputs-note"));
        });
    });
}

/// How the tokens come (CIBA Core §5): poll or ping, and in ping mode the
/// client notification endpoint the client is registered with (§10.2),
/// as grid rows; `true` when one changed.
fn delivery_fields(
    ui: &mut egui::Ui,
    settings: &mut crate::oauth::ciba::CibaSettings,
    salt: &str,
) -> bool {
    use crate::oauth::ciba::DeliveryMode;
    let mode_text = |mode: DeliveryMode| match mode {
        DeliveryMode::Poll => crate::tr!("ciba-mode-poll"),
        DeliveryMode::Ping => crate::tr!("ciba-mode-ping"),
    };
    let mut changed = false;
    let label = ui.label(crate::tr!("ciba-delivery-mode"));
    egui::ComboBox::from_id_salt(("ciba_delivery_mode", salt))
        .selected_text(mode_text(settings.delivery_mode))
        .show_ui(ui, |ui| {
            for mode in DeliveryMode::ALL {
                changed |= ui
                    .selectable_value(&mut settings.delivery_mode, mode, mode_text(mode))
                    .changed();
            }
        })
        .response
        .labelled_by(label.id);
    ui.end_row();
    if settings.delivery_mode == DeliveryMode::Ping {
        let label = ui.label(crate::tr!("ciba-notification-endpoint"));
        changed |= ui
            .add(
                egui::TextEdit::singleline(&mut settings.notification_endpoint)
                    .hint_text(crate::tr!("ciba-notification-endpoint-hint"))
                    .desired_width(280.0),
            )
            .labelled_by(label.id)
            .changed();
        ui.end_row();
    }
    changed
}

/// The CIBA request's fields as a grid; `true` when one changed. `salt`
/// keeps the run's and the profile form's widgets apart.
fn ciba_fields(
    ui: &mut egui::Ui,
    settings: &mut crate::oauth::ciba::CibaSettings,
    salt: &str,
) -> bool {
    use crate::oauth::ciba::CibaHint;
    let mut changed = false;
    egui::Grid::new(("ciba_inputs", salt))
        .num_columns(2)
        .show(ui, |ui| {
            let label = ui.label(crate::tr!("ciba-hint-kind"));
            egui::ComboBox::from_id_salt(("ciba_hint_kind", salt))
                .selected_text(settings.hint_kind.as_str())
                .show_ui(ui, |ui| {
                    for kind in CibaHint::ALL {
                        changed |= ui
                            .selectable_value(&mut settings.hint_kind, kind, kind.as_str())
                            .changed();
                    }
                })
                .response
                .labelled_by(label.id);
            ui.end_row();
            let hint_text = if settings.hint_kind == CibaHint::IdTokenHint {
                crate::tr!("ciba-hint-id-token")
            } else {
                crate::tr!("ciba-hint-hint")
            };
            let fields: [(String, &mut String, String); 5] = [
                (crate::tr!("ciba-hint"), &mut settings.hint, hint_text),
                (
                    crate::tr!("ciba-binding-message"),
                    &mut settings.binding_message,
                    crate::tr!("ciba-binding-message-hint"),
                ),
                (
                    crate::tr!("ciba-user-code"),
                    &mut settings.user_code,
                    crate::tr!("ciba-optional"),
                ),
                (
                    crate::tr!("ciba-acr-values"),
                    &mut settings.acr_values,
                    crate::tr!("ciba-optional"),
                ),
                (
                    crate::tr!("ciba-requested-expiry"),
                    &mut settings.requested_expiry,
                    crate::tr!("ciba-optional"),
                ),
            ];
            for (name, value, hint) in fields {
                let label = ui.label(name);
                changed |= ui
                    .add(
                        egui::TextEdit::singleline(value)
                            .hint_text(hint)
                            .desired_width(280.0),
                    )
                    .labelled_by(label.id)
                    .changed();
                ui.end_row();
            }
            changed |= delivery_fields(ui, settings, salt);
        });
    changed
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
        ui.weak(crate::tr!("grant-extension-no-fields"));
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
            .button(crate::tr!("grant-keep-secrets"))
            .on_hover_text(crate::tr!("grant-keep-secrets-hover"))
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
            crate::tr!("grant-logout-no-id-token"),
        );
    }
    if ui
        .button(crate::tr!("grant-sign-out"))
        .on_hover_text(crate::tr!("grant-sign-out-hover"))
        .clicked()
    {
        commands.push(Command::Flow(FlowCommand::Logout));
    }
}

/// The profile form's client assertion settings (RFC 7523 §2.2), shown for
/// the JWT methods. Only the key file's path is kept.
pub fn assertion_section(ui: &mut egui::Ui, draft: &mut Profile, label_width: f32) {
    let assertion = matches!(
        draft.client_auth,
        ClientAuth::PrivateKeyJwt | ClientAuth::ClientSecretJwt
    );
    // A signed request object (RFC 9101) is signed with the same key.
    if !assertion && !draft.request_object {
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
    if draft.client_auth == ClientAuth::PrivateKeyJwt || draft.request_object {
        row(
            ui,
            &crate::tr!("grant-key-file"),
            &mut settings.key_file,
            &crate::tr!("grant-key-file-hint"),
        );
        row(
            ui,
            &crate::tr!("grant-key-id"),
            &mut settings.key_id,
            &crate::tr!("grant-optional"),
        );
        row(
            ui,
            &crate::tr!("grant-algorithm"),
            &mut settings.algorithm,
            &crate::tr!("grant-algorithm-hint"),
        );
    }
    if !assertion {
        return;
    }
    ui.horizontal(|ui| {
        let label = ui.add_sized(
            [label_width, 20.0],
            egui::Label::new(crate::tr!("grant-assertion-aud")),
        );
        let shown = match &settings.audience {
            AssertionAudience::TokenEndpoint => crate::tr!("grant-aud-token-endpoint"),
            AssertionAudience::Issuer => crate::tr!("grant-aud-issuer"),
            AssertionAudience::Custom(_) => crate::tr!("grant-aud-custom"),
        };
        egui::ComboBox::from_id_salt("assertion_audience")
            .selected_text(shown)
            .show_ui(ui, |ui| {
                for (name, choice) in [
                    (
                        crate::tr!("grant-aud-token-endpoint"),
                        AssertionAudience::TokenEndpoint,
                    ),
                    (crate::tr!("grant-aud-issuer"), AssertionAudience::Issuer),
                    (
                        crate::tr!("grant-aud-custom"),
                        AssertionAudience::Custom(String::new()),
                    ),
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
            ui.add(egui::TextEdit::singleline(value).desired_width(f32::INFINITY))
                .labelled_by(label.id);
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
        ui.add_sized(
            [label_width, 20.0],
            egui::Label::new(crate::tr!("grant-fields")),
        );
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
        if ui.small_button(crate::tr!("grant-add-field")).clicked() {
            draft.extension_grant.fields.push(ExtensionField::default());
        }
    });
    let mut remove = None;
    for (index, field) in draft.extension_grant.fields.iter_mut().enumerate() {
        ui.push_id(("extension_field", index), |ui| {
            ui.horizontal(|ui| {
                ui.add_space(label_width);
                let label = ui.label(crate::tr!("grant-field-name"));
                ui.add(egui::TextEdit::singleline(&mut field.name).desired_width(150.0))
                    .labelled_by(label.id);
                if ui
                    .checkbox(&mut field.secret, crate::tr!("grant-field-secret"))
                    .changed()
                    && field.secret
                {
                    // A secret's value belongs in the secret store, not the profile file.
                    field.value.clear();
                }
                if field.secret {
                    ui.weak(crate::tr!("grant-field-secret-note"));
                } else {
                    let label = ui.label(crate::tr!("grant-field-value"));
                    ui.add(
                        egui::TextEdit::singleline(&mut field.value)
                            .hint_text(&field.hint)
                            .desired_width(220.0),
                    )
                    .labelled_by(label.id);
                }
                if ui.small_button(crate::tr!("grant-field-remove")).clicked() {
                    remove = Some(index);
                }
            });
        });
    }
    if let Some(index) = remove {
        draft.extension_grant.fields.remove(index);
    }
}
