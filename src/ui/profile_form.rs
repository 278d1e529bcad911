//! The profile editor: every field of a profile, validated as you type.
//! Edits a draft; Save sends it back as a command.

use crate::model::{
    Command, DiscoveryView, PassphraseField, ProfileCommand, ProfileEditor, TlsFile,
};
use crate::oauth::profile::{ENDPOINT_FIELDS, Finding, Severity};
use crate::oauth::{ClientAuth, Grant, Param, PkceMode, Profile, RequestKind, presets};
use crate::secret::Secret;

use super::theme;
use crate::tr;

/// Wide enough for the longest label in either language ("Конечная точка интроспекции").
const LABEL_WIDTH: f32 = 190.0;

/// Draws the editor for `editor.draft`; `stored` is the saved version.
pub fn show(
    ui: &mut egui::Ui,
    editor: &mut ProfileEditor,
    stored: Option<&Profile>,
    presenter: bool,
    commands: &mut Vec<Command>,
) {
    if presenter {
        // Presenter mode never shows the secret in clear.
        editor.show_secret = false;
    }
    let dirty = stored != Some(&editor.draft)
        || editor.secret_edited
        || editor.passphrase.edited
        || editor.decryption_passphrase.edited;
    let findings = editor
        .draft
        .validate(editor.secret_loaded.then_some(editor.secret.as_str()));
    actions(ui, editor, dirty, commands);
    if let Some(preset) = editor.draft.preset.as_deref().and_then(presets::find) {
        ui.weak(tr!(
            "form-from-preset",
            name = preset.name,
            summary = preset.summary()
        ));
    }
    let conformance = super::conformance_view::evaluate(
        &editor.draft,
        super::conformance_view::editor_metadata(editor),
    );
    if let Some((set, results)) = &conformance {
        ui.horizontal_wrapped(|ui| {
            super::conformance_view::badge(ui, set, results);
        });
    }
    ui.separator();
    egui::ScrollArea::vertical()
        .id_salt("profile_form")
        .show(ui, |ui| {
            ui.set_width(ui.available_width().min(900.0));
            if let Some((set, results)) = &conformance {
                super::conformance_view::details(ui, set, results);
            }
            profile_section(ui, &mut editor.draft, &findings);
            provider_section(ui, &mut editor.draft, &findings);
            discovery_section(ui, editor, commands);
            client_section(ui, editor, &findings);
            section(ui, &tr!("form-extra-parameters"));
            extra_params(ui, &mut editor.draft.extra_params, editor.show_secret);
            params(
                ui,
                (&tr!("form-headers"), &tr!("form-add-header")),
                &mut editor.draft.headers,
                Some(editor.show_secret),
            );
            network_section(ui, editor, &findings, commands);
        });
}

fn profile_section(ui: &mut egui::Ui, draft: &mut Profile, findings: &[Finding]) {
    section(ui, &tr!("form-section-profile"));
    text(
        ui,
        &tr!("form-name"),
        &mut draft.name,
        &tr!("form-name-hint"),
        findings,
        "name",
    );
    text(
        ui,
        &tr!("form-environment"),
        &mut draft.environment,
        &tr!("form-environment-hint"),
        findings,
        "environment",
    );
    text(
        ui,
        &tr!("form-notes"),
        &mut draft.notes,
        &tr!("form-notes-hint"),
        findings,
        "notes",
    );
    conformance_row(ui, &mut draft.conformance);
    field_findings(ui, findings, "conformance");
}

/// "Check against": the named check set the profile is held against
/// ([`crate::oauth::fapi`]), or nothing.
fn conformance_row(ui: &mut egui::Ui, conformance: &mut Option<String>) {
    use crate::oauth::fapi;
    ui.horizontal(|ui| {
        let label = ui.add_sized(
            [LABEL_WIDTH, 20.0],
            egui::Label::new(tr!("conformance-check-against")),
        );
        let shown = match conformance.as_deref() {
            None => tr!("conformance-none"),
            Some(id) => fapi::find(id).map_or_else(|| id.to_owned(), |s| s.name().to_owned()),
        };
        egui::ComboBox::from_id_salt("conformance")
            .selected_text(shown)
            .show_ui(ui, |ui| {
                if ui
                    .selectable_label(conformance.is_none(), tr!("conformance-none"))
                    .clicked()
                {
                    *conformance = None;
                }
                for set in fapi::sets() {
                    if ui
                        .selectable_label(conformance.as_deref() == Some(&set.id), set.name())
                        .clicked()
                    {
                        *conformance = Some(set.id.clone());
                    }
                }
            })
            .response
            .labelled_by(label.id)
            .on_hover_text(tr!("conformance-check-against-hover"));
    });
}

fn provider_section(ui: &mut egui::Ui, draft: &mut Profile, findings: &[Finding]) {
    section(ui, &tr!("form-section-provider"));
    text(
        ui,
        &tr!("form-issuer"),
        &mut draft.issuer,
        "https://sso.example.test/realms/r",
        findings,
        "issuer",
    );
    text(
        ui,
        &tr!("form-discovery-url"),
        &mut draft.discovery_url,
        &tr!("form-discovery-url-hint"),
        findings,
        "discovery_url",
    );
    for field in ENDPOINT_FIELDS {
        let label = endpoint_label(field);
        if let Some(value) = draft.endpoints.get_mut(field) {
            let before = value.clone();
            text(ui, &label, value, "https://…", findings, field);
            if *value != before && !draft.manual_endpoints.iter().any(|f| f == field) {
                // Typed by hand: discovery must not overwrite it.
                draft.manual_endpoints.push(field.to_owned());
            }
        }
    }
    params(
        ui,
        (
            &tr!("form-provider-extras"),
            &tr!("form-add-extra-endpoint"),
        ),
        &mut draft.endpoints.extra,
        None,
    );
}

fn discovery_section(ui: &mut egui::Ui, editor: &ProfileEditor, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        ui.add_space(LABEL_WIDTH + 8.0);
        let running = matches!(editor.discovery, DiscoveryView::Running);
        let can = !running
            && (!editor.draft.issuer.trim().is_empty()
                || !editor.draft.discovery_url.trim().is_empty());
        if ui
            .add_enabled(can, egui::Button::new(tr!("form-discover")))
            .on_hover_text(tr!("form-discover-hint"))
            .clicked()
        {
            commands.push(Command::Profile(ProfileCommand::Discover(Box::new(
                editor.draft.clone(),
            ))));
        }
        if running {
            ui.spinner();
        }
    });
    match &editor.discovery {
        DiscoveryView::Idle | DiscoveryView::Running => {}
        DiscoveryView::Failed(message) => {
            ui.colored_label(
                theme::error(ui.visuals()),
                tr!("form-discovery-failed", message = message.as_str()),
            );
        }
        DiscoveryView::Done(done) => {
            let (metadata, outcome) = done.as_ref();
            if outcome.changes.is_empty() {
                ui.label(tr!("form-discovered-same", url = metadata.url.as_str()));
            } else {
                ui.label(tr!(
                    "form-discovered-filled",
                    url = metadata.url.as_str(),
                    count = outcome.changes.len()
                ));
            }
            for change in &outcome.changes {
                let before = if change.before.is_empty() {
                    tr!("form-discovered-empty")
                } else {
                    change.before.clone()
                };
                ui.weak(format!("{}: {before} → {}", change.field, change.after));
            }
            for kept in &outcome.kept {
                ui.weak(tr!(
                    "form-discovered-kept",
                    field = kept.field.as_str(),
                    before = kept.before.as_str(),
                    after = kept.after.as_str()
                ));
            }
            for warning in &outcome.warnings {
                ui.colored_label(theme::warning(ui.visuals()), warning);
            }
            ui.collapsing(tr!("form-metadata-document"), |ui| {
                let text = serde_json::to_string_pretty(&metadata.document).unwrap_or_default();
                ui.add(egui::Label::new(egui::RichText::new(text).monospace()).selectable(true));
            });
        }
    }
}

/// The protocol extensions a profile switches on: DPoP (RFC 9449), PAR
/// (RFC 9126), request objects (RFC 9101), the response mode (JARM) and
/// JWT introspection answers (RFC 9701).
fn protocol_switches(ui: &mut egui::Ui, draft: &mut Profile) {
    ui.horizontal(|ui| {
        ui.add_space(LABEL_WIDTH + 8.0);
        ui.checkbox(&mut draft.dpop, tr!("form-dpop"))
            .on_hover_text(tr!("form-dpop-hover"));
    });
    ui.horizontal(|ui| {
        ui.add_space(LABEL_WIDTH + 8.0);
        ui.checkbox(&mut draft.par, tr!("form-par"))
            .on_hover_text(tr!("form-par-hover"));
        ui.checkbox(&mut draft.request_object, tr!("form-request-object"))
            .on_hover_text(tr!("form-request-object-hover"));
    });
    response_mode_row(ui, &mut draft.response_mode);
    ui.horizontal(|ui| {
        ui.add_space(LABEL_WIDTH + 8.0);
        ui.checkbox(&mut draft.introspection_jwt, tr!("form-introspection-jwt"))
            .on_hover_text(tr!("form-introspection-jwt-hover"));
    });
}

fn client_section(ui: &mut egui::Ui, editor: &mut ProfileEditor, findings: &[Finding]) {
    section(ui, &tr!("form-section-client"));
    text(
        ui,
        &tr!("form-client-id"),
        &mut editor.draft.client_id,
        "client_id",
        findings,
        "client_id",
    );
    ui.horizontal(|ui| {
        let label = ui.add_sized(
            [LABEL_WIDTH, 20.0],
            egui::Label::new(tr!("form-client-secret")),
        );
        let hint = if editor.secret_loaded {
            tr!("form-secret-hint")
        } else {
            tr!("form-secret-reading")
        };
        let field = egui::TextEdit::singleline(&mut editor.secret)
            .password(!editor.show_secret)
            .hint_text(hint)
            .desired_width(f32::INFINITY);
        if ui.add(field).labelled_by(label.id).changed() {
            editor.secret_edited = true;
        }
    });
    field_findings(ui, findings, "client_secret");
    ui.horizontal(|ui| {
        ui.add_space(LABEL_WIDTH + 8.0);
        ui.checkbox(&mut editor.show_secret, tr!("form-show-secret"));
    });
    let draft = &mut editor.draft;
    combo(
        ui,
        &tr!("form-client-auth"),
        &mut draft.client_auth,
        &ClientAuth::ALL,
        ClientAuth::as_str,
    );
    super::grant_form::assertion_section(ui, draft, LABEL_WIDTH);
    field_findings(ui, findings, "client_assertion.key_file");
    text(
        ui,
        &tr!("form-redirect-uri"),
        &mut draft.redirect_uri,
        "http://127.0.0.1:53682/callback",
        findings,
        "redirect_uri",
    );
    text(
        ui,
        &tr!("form-scopes"),
        &mut draft.scopes,
        "openid profile email",
        findings,
        "scopes",
    );
    combo(
        ui,
        "PKCE",
        &mut draft.pkce,
        &PkceMode::ALL,
        PkceMode::as_str,
    );
    protocol_switches(ui, draft);
    text(
        ui,
        &tr!("form-decryption-key-file"),
        &mut draft.decryption_key_file,
        &tr!("form-decryption-key-file-hint"),
        findings,
        "decryption_key_file",
    );
    // Shown for any key file, not only a `.p12`/`.pfx` name: the form reads
    // no file, and a container may carry any extension. Kept on screen
    // while a stored passphrase remains, so that it can be cleared.
    if !draft.decryption_key_file.trim().is_empty() || !editor.decryption_passphrase.text.is_empty()
    {
        passphrase_row(
            ui,
            &tr!("form-decryption-key-passphrase"),
            &tr!("form-decryption-key-passphrase-hint"),
            &mut editor.decryption_passphrase,
        );
    }
    let draft = &mut editor.draft;
    grant_row(ui, &mut draft.default_grant);
    super::grant_form::extension_section(ui, draft, LABEL_WIDTH);
    super::grant_form::ciba_section(ui, draft, LABEL_WIDTH);
}

fn network_section(
    ui: &mut egui::Ui,
    editor: &mut ProfileEditor,
    findings: &[Finding],
    commands: &mut Vec<Command>,
) {
    section(ui, &tr!("form-section-network"));
    ca_files(ui, &mut editor.draft.tls.extra_ca_files, commands);
    ui.horizontal(|ui| {
        ui.add_space(LABEL_WIDTH + 8.0);
        ui.checkbox(
            &mut editor.draft.tls.only_given_cas,
            tr!("form-only-given-cas"),
        );
    });
    field_findings(ui, findings, "tls.only_given_cas");
    let tls = &mut editor.draft.tls;
    file_field(
        ui,
        (
            &tr!("form-client-certificate"),
            &tr!("form-client-certificate-hint"),
        ),
        &mut tls.client_cert_file,
        TlsFile::ClientCertificate,
        commands,
    );
    field_findings(ui, findings, "tls.client_cert_file");
    file_field(
        ui,
        (&tr!("form-client-key"), &tr!("form-client-key-hint")),
        &mut tls.client_key_file,
        TlsFile::ClientKey,
        commands,
    );
    file_field(
        ui,
        (&tr!("form-pkcs12-file"), &tr!("form-pkcs12-file-hint")),
        &mut tls.pkcs12_file,
        TlsFile::Pkcs12,
        commands,
    );
    field_findings(ui, findings, "tls.pkcs12_file");
    passphrase_row(
        ui,
        &tr!("form-pkcs12-passphrase"),
        &tr!("form-secret-hint"),
        &mut editor.passphrase,
    );
    let draft = &mut editor.draft;
    ui.horizontal(|ui| {
        ui.add_space(LABEL_WIDTH + 8.0);
        ui.checkbox(
            &mut draft.tls.accept_invalid_certs,
            tr!("form-accept-invalid-certs"),
        );
    });
    if draft.tls.accept_invalid_certs {
        ui.horizontal(|ui| {
            ui.add_space(LABEL_WIDTH + 8.0);
            super::widgets::insecure_tls_badge(ui);
        });
    }
    field_findings(ui, findings, "tls.accept_invalid_certs");
    ui.horizontal(|ui| {
        let label = ui.add_sized(
            [LABEL_WIDTH, 20.0],
            egui::Label::new(tr!("form-connect-timeout")),
        );
        ui.add(egui::DragValue::new(&mut draft.network.connect_timeout_secs).range(1..=600))
            .labelled_by(label.id);
        let label = ui.label(tr!("form-total-timeout"));
        ui.add(egui::DragValue::new(&mut draft.network.timeout_secs).range(1..=3600))
            .labelled_by(label.id);
    });
    field_findings(ui, findings, "network.timeout");
    ui.horizontal(|ui| {
        let label = ui.add_sized(
            [LABEL_WIDTH, 20.0],
            egui::Label::new(tr!("form-response-limit")),
        );
        // No range on the field: a value out of range stays visible and the finding says so.
        ui.add(egui::DragValue::new(&mut draft.network.max_response_mib))
            .labelled_by(label.id)
            .on_hover_text(tr!("form-response-limit-hover"));
    });
    field_findings(ui, findings, "network.max_response_mib");
    proxy_field(ui, &mut draft.proxy, editor.show_secret, findings);
}

/// The proxy URL with its password apart: the URL field never shows it, the
/// password field masks it (unless "Show the secret"), and it is kept in the
/// secret store, never in the profile file. A password typed into the URL
/// moves to the password field.
fn proxy_field(ui: &mut egui::Ui, proxy: &mut String, show_secret: bool, findings: &[Finding]) {
    use crate::oauth::profile::{
        proxy_password, proxy_user, proxy_with_password, proxy_without_password,
    };
    let password = proxy_password(proxy).unwrap_or_default().to_owned();
    let mut url = proxy_without_password(proxy);
    ui.horizontal(|ui| {
        let label = ui.add_sized([LABEL_WIDTH, 20.0], egui::Label::new(tr!("form-proxy")));
        let field = egui::TextEdit::singleline(&mut url)
            .hint_text(tr!("form-proxy-hint"))
            .desired_width(f32::INFINITY);
        if ui.add(field).labelled_by(label.id).changed() {
            *proxy = if proxy_password(&url).is_some() {
                url.clone()
            } else {
                proxy_with_password(&url, &password)
            };
        }
    });
    field_findings(ui, findings, "proxy");
    let has_user = proxy_user(proxy).is_some();
    if !has_user && password.is_empty() && proxy.trim().is_empty() {
        return;
    }
    ui.horizontal(|ui| {
        let label = ui.add_sized(
            [LABEL_WIDTH, 20.0],
            egui::Label::new(tr!("form-proxy-password")),
        );
        let mut typed = password.clone();
        let hint = if has_user {
            tr!("form-proxy-password-hint")
        } else {
            tr!("form-proxy-password-no-user")
        };
        let field = egui::TextEdit::singleline(&mut typed)
            .password(!show_secret)
            .hint_text(hint)
            .desired_width(f32::INFINITY);
        if ui
            .add_enabled(has_user, field)
            .labelled_by(label.id)
            .changed()
        {
            *proxy = proxy_with_password(proxy, &typed);
        }
    });
}

/// The extra CA files: one row each with Remove, and Add… (a file dialog).
fn ca_files(ui: &mut egui::Ui, files: &mut Vec<String>, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        ui.add_sized(
            [LABEL_WIDTH, 20.0],
            egui::Label::new(tr!("form-extra-ca-files")),
        );
        if ui
            .button(tr!("form-add-ca-file"))
            .on_hover_text(tr!("form-add-ca-file-hint"))
            .clicked()
        {
            commands.push(Command::Profile(ProfileCommand::PickTlsFile(
                TlsFile::CaCertificate,
            )));
        }
        if files.is_empty() {
            ui.weak(tr!("form-no-ca-files"));
        }
    });
    let mut remove = None;
    for (i, path) in files.iter_mut().enumerate() {
        ui.horizontal(|ui| {
            ui.add_space(LABEL_WIDTH + 8.0);
            if super::widgets::small_named_button(
                ui,
                &tr!("form-remove"),
                &tr!("form-remove-ca-file", path = path.as_str()),
            )
            .clicked()
            {
                remove = Some(i);
            }
            let name = tr!("form-ca-file");
            ui.add(egui::TextEdit::singleline(path).desired_width(f32::INFINITY))
                .widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, &name));
        });
    }
    if let Some(i) = remove {
        files.remove(i);
    }
}

/// A path field with a Choose… button that opens a file dialog.
fn file_field(
    ui: &mut egui::Ui,
    (label, hint): (&str, &str),
    value: &mut String,
    file: TlsFile,
    commands: &mut Vec<Command>,
) {
    ui.horizontal(|ui| {
        let label_response = ui.add_sized([LABEL_WIDTH, 20.0], egui::Label::new(label));
        if super::widgets::small_named_button(
            ui,
            &tr!("form-choose"),
            &tr!("form-choose-file", what = label),
        )
        .clicked()
        {
            commands.push(Command::Profile(ProfileCommand::PickTlsFile(file)));
        }
        ui.add(
            egui::TextEdit::singleline(value)
                .hint_text(hint)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(label_response.id);
    });
}

fn actions(
    ui: &mut egui::Ui,
    editor: &mut ProfileEditor,
    dirty: bool,
    commands: &mut Vec<Command>,
) {
    ui.horizontal(|ui| {
        ui.heading(if editor.draft.name.is_empty() {
            tr!("form-unnamed")
        } else {
            editor.draft.name.clone()
        });
        if dirty {
            ui.colored_label(theme::warning(ui.visuals()), tr!("form-unsaved"));
        }
    });
    ui.horizontal(|ui| {
        if ui
            .add_enabled(dirty, egui::Button::new(tr!("form-save")))
            .clicked()
        {
            let secret = editor
                .secret_edited
                .then(|| Secret::new(editor.secret.clone()));
            editor.secret_edited = false;
            let tls_passphrase = editor
                .passphrase
                .edited
                .then(|| Secret::new(editor.passphrase.text.clone()));
            editor.passphrase.edited = false;
            let decryption_passphrase = editor
                .decryption_passphrase
                .edited
                .then(|| Secret::new(editor.decryption_passphrase.text.clone()));
            editor.decryption_passphrase.edited = false;
            commands.push(Command::Profile(ProfileCommand::Save {
                profile: Box::new(editor.draft.clone()),
                secret,
                tls_passphrase,
                decryption_passphrase,
            }));
        }
        if ui.button(tr!("form-duplicate")).clicked() {
            commands.push(Command::Profile(ProfileCommand::Duplicate(
                editor.draft.id.clone(),
            )));
        }
        if ui.button(tr!("form-delete")).clicked() {
            commands.push(Command::Profile(ProfileCommand::Delete(
                editor.draft.id.clone(),
            )));
        }
        if ui
            .button(tr!("form-close"))
            .on_hover_text(tr!("form-close-hint"))
            .clicked()
        {
            commands.push(Command::Profile(ProfileCommand::Close));
        }
    });
}

fn section(ui: &mut egui::Ui, title: &str) {
    ui.add_space(8.0);
    ui.strong(title);
}

/// A labelled single-line field with the findings for `field` under it.
fn text(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut String,
    hint: &str,
    findings: &[Finding],
    field: &str,
) {
    ui.horizontal(|ui| {
        let label = ui.add_sized([LABEL_WIDTH, 20.0], egui::Label::new(label));
        ui.add(
            egui::TextEdit::singleline(value)
                .hint_text(hint)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(label.id);
    });
    field_findings(ui, findings, field);
}

/// A passphrase kept in the secret store: always masked (presenter mode
/// or not), "reading…" until the stored value is in.
fn passphrase_row(ui: &mut egui::Ui, label: &str, hint: &str, field: &mut PassphraseField) {
    ui.horizontal(|ui| {
        let label = ui.add_sized([LABEL_WIDTH, 20.0], egui::Label::new(label));
        let hint = if field.loaded {
            hint.to_owned()
        } else {
            tr!("form-secret-reading")
        };
        let edit = egui::TextEdit::singleline(&mut field.text)
            .password(true)
            .hint_text(hint)
            .desired_width(f32::INFINITY);
        if ui.add(edit).labelled_by(label.id).changed() {
            field.edited = true;
        }
    });
}

fn field_findings(ui: &mut egui::Ui, findings: &[Finding], field: &str) {
    for finding in findings.iter().filter(|f| f.field == field) {
        let color = match finding.severity {
            Severity::Error => theme::error(ui.visuals()),
            Severity::Warning => theme::warning(ui.visuals()),
        };
        ui.horizontal(|ui| {
            ui.add_space(LABEL_WIDTH + 8.0);
            ui.add(
                egui::Label::new(egui::RichText::new(&finding.message).color(color).small()).wrap(),
            );
        });
    }
}

fn combo<T: Copy + PartialEq>(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut T,
    all: &[T],
    name: impl Fn(T) -> &'static str,
) {
    ui.horizontal(|ui| {
        let label_response = ui.add_sized([LABEL_WIDTH, 20.0], egui::Label::new(label));
        egui::ComboBox::from_id_salt(label)
            .selected_text(name(*value))
            .show_ui(ui, |ui| {
                for option in all {
                    ui.selectable_value(value, *option, name(*option));
                }
            })
            .response
            .labelled_by(label_response.id);
    });
}

/// `response_mode` (OAuth 2.0 Multiple Response Type Encoding Practices,
/// Form Post Response Mode, JARM §2.3): empty is the provider's default.
fn response_mode_row(ui: &mut egui::Ui, mode: &mut String) {
    const MODES: [&str; 7] = [
        "query",
        "fragment",
        "form_post",
        "jwt",
        "query.jwt",
        "fragment.jwt",
        "form_post.jwt",
    ];
    ui.horizontal(|ui| {
        let label = ui.add_sized(
            [LABEL_WIDTH, 20.0],
            egui::Label::new(tr!("form-response-mode")),
        );
        let default = tr!("form-response-mode-default");
        let shown = if mode.trim().is_empty() {
            default.clone()
        } else {
            mode.clone()
        };
        egui::ComboBox::from_id_salt("response_mode")
            .selected_text(shown)
            .show_ui(ui, |ui| {
                ui.selectable_value(mode, String::new(), default);
                for option in MODES {
                    ui.selectable_value(mode, option.to_owned(), option);
                }
            })
            .response
            .labelled_by(label.id)
            .on_hover_text(tr!("form-response-mode-hover"));
    });
}

fn grant_row(ui: &mut egui::Ui, grant: &mut Grant) {
    const CHOICES: [(&str, Grant); 6] = [
        ("authorization_code", Grant::AuthorizationCode),
        ("client_credentials", Grant::ClientCredentials),
        ("password", Grant::Password),
        ("refresh_token", Grant::RefreshToken),
        ("device_code", Grant::DeviceCode),
        ("ciba", Grant::Ciba),
    ];
    ui.horizontal(|ui| {
        let label = ui.add_sized(
            [LABEL_WIDTH, 20.0],
            egui::Label::new(tr!("form-default-grant")),
        );
        let shown = match &*grant {
            Grant::Extension(_) => tr!("form-grant-extension"),
            other => CHOICES
                .iter()
                .find(|(_, g)| g == other)
                .map_or("?", |(n, _)| *n)
                .to_owned(),
        };
        egui::ComboBox::from_id_salt("default_grant")
            .selected_text(shown)
            .show_ui(ui, |ui| {
                for (name, choice) in CHOICES {
                    if ui.selectable_label(*grant == choice, name).clicked() {
                        *grant = choice;
                    }
                }
                if ui
                    .selectable_label(
                        matches!(grant, Grant::Extension(_)),
                        tr!("form-grant-extension"),
                    )
                    .clicked()
                    && !matches!(grant, Grant::Extension(_))
                {
                    *grant = Grant::Extension(String::new());
                }
            })
            .response
            .labelled_by(label.id);
        if let Grant::Extension(name) = grant {
            let label = ui.label("grant_type");
            ui.add(
                egui::TextEdit::singleline(name)
                    .hint_text(tr!("form-grant-type-hint"))
                    .desired_width(200.0),
            )
            .labelled_by(label.id);
        }
    });
}

/// Name/value rows. With `secrets` (whether secrets are shown) each row has
/// a "secret" tick, and a secret value is masked unless shown.
fn params(
    ui: &mut egui::Ui,
    (title, add_hint): (&str, &str),
    list: &mut Vec<Param>,
    secrets: Option<bool>,
) {
    ui.horizontal(|ui| {
        ui.add_sized([LABEL_WIDTH, 20.0], egui::Label::new(title));
        if ui
            .small_button(tr!("form-add"))
            .on_hover_text(add_hint)
            .clicked()
        {
            list.push(Param::default());
        }
    });
    let mut remove = None;
    for (i, param) in list.iter_mut().enumerate() {
        ui.horizontal(|ui| {
            ui.add_space(LABEL_WIDTH + 8.0);
            ui.add(
                egui::TextEdit::singleline(&mut param.name)
                    .hint_text(tr!("form-param-name"))
                    .desired_width(160.0),
            );
            if let Some(shown) = secrets {
                secret_tick(ui, param);
                secret_value(ui, param, shown);
            } else {
                ui.add(
                    egui::TextEdit::singleline(&mut param.value)
                        .hint_text(tr!("form-param-value"))
                        .desired_width(f32::INFINITY),
                );
            }
            if ui.small_button(tr!("form-remove")).clicked() {
                remove = Some(i);
            }
        });
    }
    if let Some(i) = remove {
        list.remove(i);
    }
}

fn extra_params(ui: &mut egui::Ui, list: &mut Vec<(RequestKind, Param)>, show_secrets: bool) {
    ui.horizontal(|ui| {
        ui.add_sized(
            [LABEL_WIDTH, 20.0],
            egui::Label::new(tr!("form-per-request")),
        );
        if ui
            .small_button(tr!("form-add"))
            .on_hover_text(tr!("form-add-extra-parameter"))
            .clicked()
        {
            list.push((RequestKind::Authorize, Param::default()));
        }
    });
    let mut remove = None;
    for (i, (kind, param)) in list.iter_mut().enumerate() {
        ui.horizontal(|ui| {
            ui.add_space(LABEL_WIDTH + 8.0);
            let response = egui::ComboBox::from_id_salt(("param_kind", i))
                .selected_text(kind.as_str())
                .width(90.0)
                .show_ui(ui, |ui| {
                    for option in RequestKind::ALL {
                        ui.selectable_value(kind, option, option.as_str());
                    }
                })
                .response;
            response.widget_info(|| {
                egui::WidgetInfo::labeled(egui::Role::ComboBox, true, tr!("form-request-kind"))
            });
            ui.add(
                egui::TextEdit::singleline(&mut param.name)
                    .hint_text(tr!("form-param-name"))
                    .desired_width(140.0),
            );
            secret_tick(ui, param);
            secret_value(ui, param, show_secrets);
            if ui.small_button(tr!("form-remove")).clicked() {
                remove = Some(i);
            }
        });
    }
    if let Some(i) = remove {
        list.remove(i);
    }
}

/// The "secret" tick of a header or extra parameter.
fn secret_tick(ui: &mut egui::Ui, param: &mut Param) {
    ui.checkbox(&mut param.secret, tr!("form-param-secret"))
        .on_hover_text(tr!("form-param-secret-hint"));
}

/// A header's or extra parameter's value, masked when it is secret and
/// secrets are not shown (presenter mode never shows them).
fn secret_value(ui: &mut egui::Ui, param: &mut Param, shown: bool) {
    let hint = if param.secret {
        tr!("form-secret-hint")
    } else {
        tr!("form-param-value")
    };
    ui.add(
        egui::TextEdit::singleline(&mut param.value)
            .password(param.secret && !shown)
            .hint_text(hint)
            .desired_width(f32::INFINITY),
    );
}

fn endpoint_label(field: &str) -> String {
    match field {
        "authorization_endpoint" => tr!("form-endpoint-authorize"),
        "token_endpoint" => tr!("form-endpoint-token"),
        "userinfo_endpoint" => tr!("form-endpoint-userinfo"),
        "jwks_uri" => tr!("form-endpoint-jwks"),
        "introspection_endpoint" => tr!("form-endpoint-introspection"),
        "revocation_endpoint" => tr!("form-endpoint-revocation"),
        "device_authorization_endpoint" => tr!("form-endpoint-device"),
        "end_session_endpoint" => tr!("form-endpoint-end-session"),
        "pushed_authorization_request_endpoint" => tr!("form-endpoint-par"),
        "backchannel_authentication_endpoint" => tr!("form-endpoint-ciba"),
        _ => tr!("form-endpoint"),
    }
}
