//! The inspector's Checks and Keys views: relying-party checks row by row,
//! and the keys signatures are verified with.

use crate::tr;
use egui::RichText;
use egui_extras::{Column, TableBuilder};

use crate::model::{Command, Workspace};
use crate::secret::Secret;
use crate::token::Timestamp;
use crate::token::assess;
use crate::token::checks::{CheckStatus, Expectations};

use super::{VerifyInputs, theme, widgets};

/// What a checks table was computed from.
#[derive(Clone)]
pub(crate) struct ChecksKey {
    /// The token, by its text and place (a new paste may hold the same token).
    token: String,
    index: usize,
    signature: crate::token::verify::SignatureOutcome,
    expect: Expectations,
    now: Timestamp,
}

/// The checks last drawn and what they were computed from.
#[derive(Default)]
pub(crate) struct ChecksCache(Option<(ChecksKey, Vec<crate::token::checks::CheckResult>)>);

impl ChecksCache {
    /// The checks of the token at `index`, computed once per change (token,
    /// signature, expectations, second), not per frame: the table is drawn
    /// again on every pointer move.
    fn rows(
        &mut self,
        selected: &Selected<'_>,
        signature: &crate::token::verify::SignatureOutcome,
        expect: Expectations,
        now: Timestamp,
    ) -> &[crate::token::checks::CheckResult] {
        let (token, index) = (selected.token.value.as_str(), selected.index);
        let fresh = self.0.as_ref().is_some_and(|(at, _)| {
            at.token == token
                && at.index == index
                && at.signature == *signature
                && at.expect == expect
                && at.now == now
        });
        if !fresh {
            let rows =
                assess::checks_for_token(selected.tokens, selected.token, signature, &expect, now);
            let key = ChecksKey {
                token: token.to_owned(),
                index,
                signature: signature.clone(),
                expect,
                now,
            };
            self.0 = Some((key, rows));
        }
        self.0.as_ref().map_or(&[], |(_, rows)| rows.as_slice())
    }
}

impl std::fmt::Debug for ChecksCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChecksCache")
    }
}

/// The token the checks are for: the selected one of `tokens` (at
/// `index`), or that JWE decrypted; and its signature outcome.
pub struct Selected<'a> {
    /// Every token of the paste (an ID token's `at_hash` reads its sibling).
    pub tokens: &'a [crate::token::FoundToken],
    /// The token, decrypted when it is a JWE that could be.
    pub token: &'a crate::token::FoundToken,
    /// Its index in `tokens`.
    pub index: usize,
    /// Its signature outcome, when verification ran.
    pub signature: Option<&'a crate::token::verify::SignatureOutcome>,
}

/// The checks of the selected token; returns whether a time-dependent row was drawn.
pub fn checks(
    ui: &mut egui::Ui,
    workspace: &Workspace,
    selected: &Selected<'_>,
    inputs: &mut VerifyInputs,
    now: Timestamp,
    commands: &mut Vec<Command>,
) -> bool {
    let verification = &workspace.verification;
    let profile = verification
        .check_profile
        .as_ref()
        .and_then(|id| workspace.profiles.list.iter().find(|p| &p.id == id));
    if selected.token.header_str("typ") == Some(crate::oauth::dpop::PROOF_TYP) {
        return dpop_proof_checks(ui, selected.token, inputs, now);
    }
    let sd_jwt = selected.token.sd_jwt.is_some();
    expectations_form(ui, workspace, inputs, sd_jwt, commands);
    if let Some(issuer_jwt) = selected.token.decoded.as_ref().filter(|_| sd_jwt) {
        issuer_keys_fetch(ui, verification, issuer_jwt, commands);
    }
    let Some(set) = assess::check_set(selected.token) else {
        ui.label(tr!("checks-not-applicable"));
        return false;
    };
    let Some(signature) = selected.signature else {
        return false;
    };
    let expect = Expectations {
        issuer: profile
            .map(|p| p.issuer.trim().to_owned())
            .filter(|s| !s.is_empty()),
        client_id: profile
            .map(|p| p.client_id.trim().to_owned())
            .filter(|s| !s.is_empty()),
        nonce: Some(inputs.nonce.trim().to_owned()).filter(|s| !s.is_empty()),
        // A Key Binding JWT's `aud` (RFC 9901 §4.3); other check sets take theirs from the profile.
        audience: Some(inputs.audience.trim().to_owned()).filter(|s| sd_jwt && !s.is_empty()),
        leeway: verification.leeway,
        issuer_keys: verification.issuer_keys.clone().filter(|_| sd_jwt),
        ..Expectations::default()
    };
    let rows = inputs.checks.rows(selected, signature, expect, now);
    ui.strong(checks_summary(&set.label(), rows));
    checks_table(ui, rows);
    true
}

/// One row a check: the mark, the check, why, where the rule comes from.
fn checks_table(ui: &mut egui::Ui, rows: &[crate::token::checks::CheckResult]) {
    TableBuilder::new(ui)
        .id_salt("checks_table")
        .striped(true)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::exact(24.0))
        .column(Column::initial(110.0).at_least(80.0))
        .column(Column::remainder().at_least(200.0).clip(true))
        .column(Column::initial(170.0).at_least(100.0).clip(true))
        .header(22.0, |mut header| {
            for title in [
                String::new(),
                tr!("checks-column-check"),
                tr!("checks-column-result"),
                tr!("checks-column-spec"),
            ] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(22.0, rows.len(), |mut row| {
                let check = &rows[row.index()];
                row.col(|ui| match check.status {
                    CheckStatus::Pass => {
                        widgets::status_mark(ui, true);
                    }
                    CheckStatus::Fail => {
                        widgets::status_mark(ui, false);
                    }
                    CheckStatus::NotApplicable => {
                        ui.weak(tr!("checks-not-applicable-short"));
                    }
                });
                row.col(|ui| {
                    ui.monospace(check.name);
                });
                row.col(|ui| {
                    let text = RichText::new(&check.reason);
                    let text = if check.status == CheckStatus::Fail {
                        text.color(theme::error(ui.visuals()))
                    } else {
                        text
                    };
                    ui.add(egui::Label::new(text).truncate());
                });
                row.col(|ui| {
                    ui.add(egui::Label::new(RichText::new(check.spec).weak()).truncate());
                });
            });
        });
}

/// A pasted DPoP proof (RFC 9449 §4.3): the request it should prove is
/// typed here (method, URL, and the access token and nonce when there are
/// some), and each rule of §4.3 is a row, its signature checked with the
/// proof's own `jwk`. Computed once per change of proof, inputs or second.
fn dpop_proof_checks(
    ui: &mut egui::Ui,
    token: &crate::token::FoundToken,
    inputs: &mut VerifyInputs,
    now: Timestamp,
) -> bool {
    ui.horizontal_wrapped(|ui| {
        for (label, value, width) in [
            (tr!("dpop-htm"), &mut inputs.dpop_htm, 70.0),
            (tr!("dpop-htu"), &mut inputs.dpop_htu, 320.0),
            (
                tr!("dpop-access-token"),
                &mut inputs.dpop_access_token,
                200.0,
            ),
            (tr!("dpop-nonce"), &mut inputs.nonce, 160.0),
        ] {
            let label = ui.label(label);
            ui.add(egui::TextEdit::singleline(value).desired_width(width))
                .labelled_by(label.id);
        }
    });
    let key = (
        token.value.clone(),
        inputs.dpop_htm.trim().to_owned(),
        inputs.dpop_htu.trim().to_owned(),
        inputs.dpop_access_token.trim().to_owned(),
        inputs.nonce.trim().to_owned(),
        now,
    );
    if inputs.dpop_rows.as_ref().is_none_or(|(at, _)| *at != key) {
        let optional = |text: &str| Some(text).filter(|t| !t.is_empty()).map(str::to_owned);
        let (access_token, nonce) = (optional(&key.3), optional(&key.4));
        let expected = crate::oauth::dpop::ProofExpectations {
            htm: &key.1,
            htu: &key.2,
            access_token: access_token.as_deref(),
            nonce: nonce.as_deref(),
            now,
            max_age: crate::oauth::dpop::DEFAULT_MAX_AGE,
        };
        let rows = crate::oauth::dpop::verify_proof(&token.value, &expected);
        inputs.dpop_rows = Some((key, rows));
    }
    let rows = inputs
        .dpop_rows
        .as_ref()
        .map_or(&[][..], |(_, rows)| rows.as_slice());
    ui.strong(checks_summary(&tr!("check-set-dpop"), rows));
    checks_table(ui, rows);
    true
}

/// For an SD-JWT VC: the button that fetches its issuer's keys from the
/// issuer's JWT VC Issuer Metadata (nothing is fetched unasked), or why its
/// `iss` gives no metadata URL. Nothing for an SD-JWT that is no VC.
fn issuer_keys_fetch(
    ui: &mut egui::Ui,
    verification: &crate::model::Verification,
    issuer_jwt: &crate::token::jose::Decoded,
    commands: &mut Vec<Command>,
) {
    use crate::token::sd_jwt_vc::{credential_issuer, metadata_url};
    let Ok(iss) = credential_issuer(issuer_jwt) else {
        return;
    };
    ui.horizontal_wrapped(|ui| match metadata_url(iss) {
        Ok(location) => {
            if ui
                .button(tr!("sd-vc-fetch", host = location.host.as_str()))
                .on_hover_text(tr!("sd-vc-fetch-hint", url = location.url.as_str()))
                .clicked()
            {
                commands.push(Command::FetchIssuerKeys(iss.to_owned()));
            }
            if verification.fetching_issuer_keys {
                ui.spinner();
            }
            // A refusal leaves no key to verify with, so no checks table: say it here.
            if let Some(keys) = verification.issuer_keys.as_ref().filter(|k| k.iss == iss)
                && let Err(why) = &keys.jwks
            {
                ui.colored_label(theme::warning(ui.visuals()), why);
            }
        }
        Err(error) => {
            ui.weak(tr!(
                "sd-vc-fetch-unavailable",
                reason = crate::tr!("sd-vc-no-url", reason = error.to_string())
            ));
        }
    });
}

fn expectations_form(
    ui: &mut egui::Ui,
    workspace: &Workspace,
    inputs: &mut VerifyInputs,
    sd_jwt: bool,
    commands: &mut Vec<Command>,
) {
    let verification = &workspace.verification;
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(tr!("checks-against"));
        let chosen = verification
            .check_profile
            .as_ref()
            .and_then(|id| workspace.profiles.list.iter().find(|p| &p.id == id))
            .map_or_else(|| tr!("checks-no-profile-long"), |p| p.name.clone());
        egui::ComboBox::from_id_salt("check_profile")
            .selected_text(chosen)
            .show_ui(ui, |ui| {
                if ui
                    .selectable_label(
                        verification.check_profile.is_none(),
                        tr!("checks-no-profile"),
                    )
                    .clicked()
                {
                    commands.push(Command::SetCheckProfile(None));
                }
                for profile in &workspace.profiles.list {
                    let selected = verification.check_profile.as_ref() == Some(&profile.id);
                    if ui.selectable_label(selected, &profile.name).clicked() {
                        commands.push(Command::SetCheckProfile(Some(profile.id.clone())));
                    }
                }
            })
            .response
            .labelled_by(label.id);
        let label = ui.label(tr!("checks-nonce-sent"));
        ui.add(
            egui::TextEdit::singleline(&mut inputs.nonce)
                .hint_text(tr!("checks-nonce-hint"))
                .desired_width(200.0),
        )
        .labelled_by(label.id);
        if sd_jwt {
            let label = ui.label(tr!("checks-audience"));
            ui.add(
                egui::TextEdit::singleline(&mut inputs.audience)
                    .hint_text(tr!("checks-audience-hint"))
                    .desired_width(200.0),
            )
            .labelled_by(label.id);
        }
        let label = ui.label(tr!("checks-leeway"));
        let mut leeway = verification.leeway;
        if ui
            .add(egui::DragValue::new(&mut leeway).range(0..=3_600))
            .labelled_by(label.id)
            .changed()
        {
            commands.push(Command::SetLeeway(leeway));
        }
    });
}

/// The key list and where keys come from.
pub fn keys(
    ui: &mut egui::Ui,
    workspace: &Workspace,
    inputs: &mut VerifyInputs,
    commands: &mut Vec<Command>,
) {
    let verification = &workspace.verification;
    ui.horizontal_wrapped(|ui| {
        if ui
            .button(tr!("keys-load-file"))
            .on_hover_text(tr!("keys-load-file-hint"))
            .clicked()
        {
            commands.push(Command::LoadKeysFile);
        }
        let profile = verification
            .check_profile
            .as_ref()
            .and_then(|id| workspace.profiles.list.iter().find(|p| &p.id == id))
            .or_else(|| workspace.profiles.selected_profile());
        if let Some(profile) = profile.filter(|p| !p.endpoints.jwks.trim().is_empty())
            && ui
                .button(tr!("keys-fetch-jwks", profile = profile.name.as_str()))
                .clicked()
        {
            commands.push(Command::FetchJwks(profile.id.clone()));
        }
        if verification.fetching {
            ui.spinner();
        }
        if (!verification.keys.is_empty() || verification.keys.can_decrypt())
            && ui.button(tr!("keys-clear")).clicked()
        {
            commands.push(Command::ClearKeys);
        }
    });
    if let Some(prompt) = &verification.key_passphrase {
        key_passphrase(ui, prompt, inputs, commands);
    }
    hmac_secret(ui, inputs, commands);
    if let Some(message) = &verification.message {
        ui.label(message);
    }
    for problem in &verification.keys.problems {
        ui.colored_label(theme::warning(ui.visuals()), problem.to_string());
    }
    decryption_keys(ui, verification, commands);
    let rows = verification.keys.rows();
    if rows.is_empty() {
        if !verification.keys.can_decrypt() {
            ui.weak(tr!("keys-none"));
        }
        return;
    }
    TableBuilder::new(ui)
        .id_salt("keys_table")
        .striped(true)
        .column(Column::initial(120.0).clip(true))
        .column(Column::initial(50.0))
        .column(Column::initial(70.0))
        .column(Column::initial(40.0))
        .column(Column::initial(170.0).clip(true))
        .column(Column::initial(160.0).clip(true))
        .column(Column::remainder().clip(true))
        .header(22.0, |mut header| {
            for title in [
                "kid".to_owned(),
                "kty".to_owned(),
                "alg".to_owned(),
                "use".to_owned(),
                tr!("keys-column-size"),
                tr!("keys-column-fingerprint"),
                tr!("keys-column-from"),
            ] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(22.0, rows.len(), |mut row| {
                let key = &rows[row.index()];
                for text in [
                    key.kid.as_deref().unwrap_or("—"),
                    key.kty.as_str(),
                    key.alg.as_deref().unwrap_or(""),
                    key.key_use.as_deref().unwrap_or(""),
                    key.size.as_str(),
                    key.fingerprint.as_deref().unwrap_or(""),
                    key.source.as_str(),
                ] {
                    row.col(|ui| {
                        ui.add(egui::Label::new(text).truncate());
                    });
                }
            });
        });
}

/// The private keys JWEs are decrypted with (RFC 7516), one line each, and
/// the `RSA1_5` opt-in (RFC 8725 §3.2).
fn decryption_keys(
    ui: &mut egui::Ui,
    verification: &crate::model::Verification,
    commands: &mut Vec<Command>,
) {
    let keys = &verification.keys;
    if !keys.can_decrypt() {
        return;
    }
    ui.add_space(4.0);
    ui.strong(tr!("decryption-keys-title"));
    for row in keys.decryption_rows() {
        let mut parts = vec![row.kid.unwrap_or_else(|| "—".to_owned()), row.size];
        parts.extend(row.alg);
        parts.extend(row.key_use);
        parts.extend(row.fingerprint);
        parts.push(row.source);
        ui.add(egui::Label::new(parts.join(" · ")).truncate());
    }
    let mut allow = verification.allow_rsa1_5;
    if ui
        .checkbox(&mut allow, tr!("decryption-allow-rsa1-5"))
        .on_hover_text(tr!("decryption-allow-rsa1-5-hint"))
        .changed()
    {
        commands.push(Command::AllowRsa15(allow));
    }
    ui.add_space(4.0);
}

/// "ID token: all 12 applicable checks pass", or how many fail.
fn checks_summary(set: &str, rows: &[crate::token::checks::CheckResult]) -> String {
    let count = |status| rows.iter().filter(|r| r.status == status).count();
    match count(CheckStatus::Fail) {
        0 => tr!(
            "checks-all-pass",
            set = set,
            count = count(CheckStatus::Pass)
        ),
        failed => tr!(
            "checks-some-fail",
            set = set,
            failed = failed,
            count = rows.len()
        ),
    }
}

/// The passphrase of a PKCS#12 key file that needs one: always masked, in
/// presenter mode too; "Open" (or Enter) hands it over and clears the field.
fn key_passphrase(
    ui: &mut egui::Ui,
    prompt: &crate::model::KeyPassphrasePrompt,
    inputs: &mut VerifyInputs,
    commands: &mut Vec<Command>,
) {
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(tr!("keys-passphrase-for", file = prompt.file.as_str()));
        let field = ui
            .add(
                egui::TextEdit::singleline(&mut inputs.key_passphrase)
                    .password(true)
                    .hint_text(tr!("keys-passphrase-hint"))
                    .desired_width(220.0),
            )
            .labelled_by(label.id);
        let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let open = ui.add_enabled(
            !inputs.key_passphrase.is_empty(),
            egui::Button::new(tr!("keys-passphrase-open")),
        );
        if (open.clicked() || entered) && !inputs.key_passphrase.is_empty() {
            let typed = std::mem::take(&mut inputs.key_passphrase);
            commands.push(Command::UnlockKeyFile(crate::secret::Secret::new(typed)));
        }
        if ui.button(tr!("keys-passphrase-cancel")).clicked() {
            // Dropped as a Secret: zeroed.
            drop(crate::secret::Secret::new(std::mem::take(
                &mut inputs.key_passphrase,
            )));
            commands.push(Command::CancelKeyPassphrase);
        }
    });
    if prompt.wrong {
        ui.colored_label(
            theme::error(ui.visuals()),
            tr!("keys-passphrase-wrong", file = prompt.file.as_str()),
        );
    }
}

/// An HMAC secret typed in, used as a key for HS-signed tokens.
fn hmac_secret(ui: &mut egui::Ui, inputs: &mut VerifyInputs, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        let label = ui.label(tr!("keys-hmac-secret"));
        ui.add(
            egui::TextEdit::singleline(&mut inputs.hmac)
                .password(true)
                .hint_text(tr!("keys-hmac-hint"))
                .desired_width(260.0),
        )
        .labelled_by(label.id);
        if ui
            .add_enabled(
                !inputs.hmac.is_empty(),
                egui::Button::new(tr!("keys-use-as-key")),
            )
            .clicked()
        {
            commands.push(Command::AddHmacKey(Secret::new(std::mem::take(
                &mut inputs.hmac,
            ))));
        }
    });
}
