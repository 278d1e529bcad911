//! The token panel: one tab per token found, and the selected token decoded.

use std::collections::HashMap;

use egui::RichText;

use crate::model::{Command, DetailView, Workspace};
use crate::paste::Inspection;
use crate::token::jose::Decoded;
use crate::token::time::Zone;
use crate::token::{FoundToken, Timestamp, TokenKind};

use super::{Shown, claims_table, theme, widgets};
use crate::token::assess::Opening;
use crate::token::verify::SignatureOutcome;
use crate::tr;

/// Draws the token panel.
pub fn show(
    ui: &mut egui::Ui,
    workspace: &Workspace,
    inputs: &mut super::VerifyInputs,
    now: Timestamp,
    commands: &mut Vec<Command>,
) -> Shown {
    if let Some(error) = &workspace.internal_error {
        internal_error(ui, error, commands);
        if workspace.inspection.is_none() {
            return Shown::default();
        }
        ui.separator();
    }
    let Some(inspection) = &workspace.inspection else {
        empty_state(ui, &tr!("tokens-empty"));
        return Shown::default();
    };
    if !inspection.errors.is_empty() {
        // English until the language switch is wired to the UI.
        super::diagnosis_view::pasted(ui, &inspection.errors);
        ui.separator();
    }
    if inspection.tokens.is_empty() {
        if !inspection.errors.is_empty() {
            return Shown::default();
        }
        if inspection.input_bytes == 0 {
            empty_state(ui, &tr!("tokens-empty"));
        } else {
            empty_state(ui, &tr!("tokens-none-found"));
        }
        return Shown::default();
    }
    token_tabs(ui, inspection, workspace.selected, commands);
    ui.separator();
    let index = workspace.selected.min(inspection.tokens.len() - 1);
    let verification = &workspace.verification;
    // A JWE is shown decrypted when a decryption key fits (RFC 7516).
    let opening = verification.openings.get(index).and_then(Option::as_ref);
    let token = Opening::token(opening, &inspection.tokens[index]);
    let mut shown = Shown::default();
    let verified = match opening {
        Some(opening) => Some(&opening.signature),
        None if verification.keys.is_empty() => None,
        None => verification.signatures.get(index).and_then(Option::as_ref),
    };
    shown.time_visible |= facts(
        ui,
        token,
        verified,
        opening,
        (now, workspace.zone),
        commands,
    );
    ui.add_space(6.0);
    view_tabs(ui, token, workspace.view, commands);
    ui.separator();
    shown.time_visible |= match workspace.view {
        DetailView::Claims => claims_view(ui, token, workspace, now, commands),
        DetailView::Header => {
            claims_table::show(
                ui,
                "header_table",
                &token.header_rows,
                &workspace.collapsed,
                (now, workspace.zone),
                claims_table::Placement::default(),
                commands,
            );
            false
        }
        DetailView::Json => {
            json_view(ui, token, workspace.pretty, commands);
            false
        }
        DetailView::Token => {
            token_view(ui, token, workspace.presenter.on, commands);
            false
        }
        DetailView::Checks => {
            let selected = super::verify_views::Selected {
                tokens: &inspection.tokens,
                token,
                index,
                signature: verified,
            };
            super::verify_views::checks(ui, workspace, &selected, inputs, now, commands)
        }
        DetailView::Keys => {
            super::verify_views::keys(ui, workspace, inputs, commands);
            false
        }
        DetailView::Compare => {
            compare_view(ui, inspection, index, workspace.compare_with, commands);
            false
        }
    };
    shown
}

/// A bug stopped the inspection or verification of this paste: say so
/// plainly, reassure that the paste is kept, and offer a report to copy.
fn internal_error(
    ui: &mut egui::Ui,
    error: &crate::model::InternalError,
    commands: &mut Vec<Command>,
) {
    let title = match error.work {
        crate::model::GuardedWork::Inspection => tr!("internal-error-inspection"),
        crate::model::GuardedWork::Verification => tr!("internal-error-verification"),
    };
    ui.add_space(12.0);
    ui.colored_label(
        theme::error(ui.visuals()),
        RichText::new(title).strong().size(16.0),
    );
    ui.label(tr!("internal-error-kept"));
    ui.horizontal(|ui| {
        if ui
            .button(tr!("internal-error-copy-report"))
            .on_hover_text(tr!("internal-error-copy-report-hover"))
            .clicked()
        {
            commands.push(Command::Copy(error.report()));
        }
        ui.weak(&error.message);
    });
}

fn empty_state(ui: &mut egui::Ui, text: &str) {
    ui.add_space(40.0);
    ui.vertical_centered(|ui| {
        ui.label(RichText::new(text).size(16.0).weak());
    });
}

/// Tab labels: the role, numbered when two tokens share one.
fn tab_titles(tokens: &[FoundToken]) -> Vec<String> {
    let mut totals: HashMap<String, usize> = HashMap::new();
    for token in tokens {
        *totals.entry(token.title()).or_default() += 1;
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    tokens
        .iter()
        .map(|token| {
            let title = token.title();
            let n = seen.entry(title.clone()).or_default();
            *n += 1;
            if totals[&title] > 1 {
                format!("{title} {n}")
            } else {
                title
            }
        })
        .collect()
}

fn token_tabs(
    ui: &mut egui::Ui,
    inspection: &Inspection,
    selected: usize,
    commands: &mut Vec<Command>,
) {
    let count = inspection.tokens.len();
    let heading = match inspection.dropped {
        0 => tr!("tokens-found", count = count),
        dropped => tr!("tokens-found-dropped", count = count, dropped = dropped),
    };
    ui.strong(heading);
    ui.horizontal_wrapped(|ui| {
        for (i, (token, title)) in inspection
            .tokens
            .iter()
            .zip(tab_titles(&inspection.tokens))
            .enumerate()
        {
            let tab = ui
                .selectable_label(i == selected, title)
                .on_hover_text(token.summary());
            if tab.clicked() {
                commands.push(Command::Select(i));
            }
        }
    });
}

/// The facts about a token, above its views; returns whether a time status was drawn.
fn facts(
    ui: &mut egui::Ui,
    token: &FoundToken,
    verified: Option<&SignatureOutcome>,
    opening: Option<&Opening>,
    (now, zone): (Timestamp, Zone),
    commands: &mut Vec<Command>,
) -> bool {
    ui.horizontal(|ui| {
        ui.label(RichText::new(token.summary()).strong());
        widgets::copy_button(ui, &tr!("copy-the-token"), &token.value, commands);
    });
    let mut time_drawn = false;
    fact(ui, &tr!("fact-role"), |ui| {
        ui.label(
            token
                .role_reason
                .clone()
                .unwrap_or_else(|| tr!("fact-role-unknown")),
        );
    });
    let origins: Vec<String> = token
        .origins
        .iter()
        .map(crate::token::extract::Origin::describe)
        .collect();
    fact(ui, &tr!("fact-found"), |ui| {
        ui.label(tr!(
            "fact-found-times",
            count = token.occurrences,
            origins = origins.join(", ")
        ));
    });
    if let Some(mended) = token.mends.describe() {
        fact(ui, &tr!("fact-mended"), |ui| {
            ui.colored_label(theme::warning(ui.visuals()), mended);
        });
    }
    fact(ui, &tr!("fact-signature"), |ui| match verified {
        Some(outcome) => {
            let color = if outcome.is_valid() {
                theme::time_state(ui.visuals(), crate::token::time::TimeState::Valid)
            } else {
                theme::error(ui.visuals())
            };
            ui.horizontal_wrapped(|ui| {
                super::widgets::status_mark(ui, outcome.is_valid());
                ui.colored_label(color, outcome.summary());
            });
        }
        None => {
            ui.label(signature_line(token));
        }
    });
    if let Some(sd) = &token.sd_jwt {
        sd_jwt_facts(ui, sd);
    }
    if let Some(opening) = opening {
        cipher_fact(ui, opening);
    }
    if let Some(error) = &token.error {
        fact(ui, &tr!("fact-problem"), |ui| {
            ui.colored_label(
                theme::error(ui.visuals()),
                tr!("fact-cannot-decode", error = error.to_string()),
            );
        });
    }
    if let Some(response) = &token.response
        && !response.fields.is_empty()
    {
        let fields: Vec<String> = response
            .fields
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        fact(ui, &tr!("fact-response"), |ui| {
            ui.add(egui::Label::new(fields.join(" · ")).wrap());
        });
    }
    for time in &token.times {
        let key = fact(ui, &time.name, |ui| {
            widgets::time_status(ui, time, now, zone);
        });
        key.on_hover_text(
            time.computed_from
                .clone()
                .unwrap_or_else(|| tr!("fact-time-from-claims")),
        );
        time_drawn = true;
    }
    time_drawn
}

/// An SD-JWT's Disclosures, what they left withheld, what is wrong with
/// them, and its Key Binding JWT as a part of its own (RFC 9901 §4).
fn sd_jwt_facts(ui: &mut egui::Ui, sd: &crate::token::sd_jwt::SdJwt) {
    fact(ui, &tr!("fact-disclosures"), |ui| {
        ui.horizontal_wrapped(|ui| {
            ui.label(tr!("sd-summary-disclosures", count = sd.disclosures.len()));
            ui.label("·");
            if sd.withheld == 0 {
                ui.label(tr!("sd-none-withheld"));
            } else {
                ui.label(tr!("sd-withheld", count = sd.withheld));
            }
        });
    });
    if !sd.problems.is_empty() {
        let problems: Vec<String> = sd.problems.iter().map(ToString::to_string).collect();
        fact(ui, &tr!("fact-problem"), |ui| {
            ui.add(
                egui::Label::new(
                    RichText::new(tr!("sd-problems", problems = problems.join("; ")))
                        .color(theme::error(ui.visuals())),
                )
                .wrap(),
            );
        });
    }
    fact(ui, &tr!("fact-key-binding"), |ui| {
        let Some(kb) = &sd.key_binding else {
            ui.label(tr!("sd-key-binding-none"));
            return;
        };
        let mut parts: Vec<String> = Vec::new();
        for (name, value) in kb.header().into_iter().flatten() {
            if name == "typ" || name == "alg" {
                parts.push(
                    value
                        .as_str()
                        .map_or_else(|| value.to_string(), str::to_owned),
                );
            }
        }
        for (name, value) in kb.claims().into_iter().flatten() {
            let value = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_owned);
            parts.push(format!("{name} {value}"));
        }
        if let Err(failure) = &kb.decoded {
            parts.push(tr!("fact-cannot-decode", error = failure.error.to_string()));
        }
        ui.add(egui::Label::new(parts.join(" · ")).wrap())
            .on_hover_text(tr!("sd-key-binding-heading"));
    });
}

/// How a JWE was decrypted, or why it was not.
fn cipher_fact(ui: &mut egui::Ui, opening: &Opening) {
    fact(ui, &tr!("fact-encryption"), |ui| {
        if let Some(error) = &opening.error {
            ui.add(
                egui::Label::new(
                    RichText::new(error.to_string()).color(theme::error(ui.visuals())),
                )
                .wrap(),
            );
        } else if let Some(decryption) = opening.decryption() {
            ui.vertical(|ui| {
                ui.label(decryption.summary());
                for note in &decryption.notes {
                    ui.colored_label(theme::warning(ui.visuals()), note);
                }
            });
        }
    });
}

/// Width of the key column of the facts. Fixed rather than a `Grid`, whose
/// first frame is an invisible sizing pass that costs a start-up frame.
const FACT_KEY_WIDTH: f32 = 72.0;

/// One fact: a weak key in a fixed-width column, then the value.
fn fact(ui: &mut egui::Ui, key: &str, add_value: impl FnOnce(&mut egui::Ui)) -> egui::Response {
    ui.horizontal_top(|ui| {
        let key = ui
            .allocate_ui_with_layout(
                egui::vec2(FACT_KEY_WIDTH, ui.spacing().interact_size.y),
                egui::Layout::left_to_right(egui::Align::Min),
                |ui| {
                    ui.set_min_width(FACT_KEY_WIDTH);
                    ui.weak(key)
                },
            )
            .inner;
        // A value wraps within what is left of the row, whatever widget
        // draws it: a long one must not push the inspector past the window.
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Wrap);
        add_value(ui);
        key
    })
    .inner
}

/// What can be said about the signature before verification exists: never "valid".
fn signature_line(token: &FoundToken) -> String {
    match token.kind {
        TokenKind::Jws | TokenKind::SdJwt => {
            let alg = token
                .header_str("alg")
                .map_or_else(|| tr!("signature-no-alg"), str::to_owned);
            if alg.eq_ignore_ascii_case("none") {
                return tr!("signature-alg-none");
            }
            let key = token.header_str("kid").map_or_else(
                || tr!("signature-no-kid"),
                |kid| tr!("signature-key", kid = kid),
            );
            tr!("signature-not-verified", alg = alg, key = key)
        }
        TokenKind::Jwe => tr!(
            "signature-encrypted",
            alg = token.header_str("alg").unwrap_or("?"),
            enc = token.header_str("enc").unwrap_or("?")
        ),
        TokenKind::Opaque => tr!("signature-opaque"),
        TokenKind::Unknown => tr!("signature-unknown"),
    }
}

fn view_tabs(
    ui: &mut egui::Ui,
    token: &FoundToken,
    current: DetailView,
    commands: &mut Vec<Command>,
) {
    let has_header = token.header.is_some();
    // Wrapped: at a projector's zoom seven tabs are wider than the inspector.
    ui.horizontal_wrapped(|ui| {
        for (view, label, enabled) in [
            (DetailView::Claims, tr!("view-claims"), true),
            (DetailView::Header, tr!("view-header"), has_header),
            (DetailView::Json, tr!("view-json"), token.decoded.is_some()),
            (DetailView::Token, tr!("view-token"), true),
            (
                DetailView::Checks,
                tr!("view-checks"),
                token.decoded.is_some(),
            ),
            (DetailView::Keys, tr!("view-keys"), true),
            (
                DetailView::Compare,
                tr!("view-compare"),
                token.claims().is_some(),
            ),
        ] {
            let tab = ui.add_enabled(enabled, egui::Button::selectable(current == view, label));
            if tab.clicked() {
                commands.push(Command::ShowView(view));
            }
        }
    });
}

fn claims_view(
    ui: &mut egui::Ui,
    token: &FoundToken,
    workspace: &Workspace,
    now: Timestamp,
    commands: &mut Vec<Command>,
) -> bool {
    if !token.claim_rows.is_empty() {
        let placement = claims_table::Placement {
            sd_jwt: token.sd_jwt.as_deref(),
            in_card: false,
        };
        return claims_table::show(
            ui,
            "claims_table",
            &token.claim_rows,
            &workspace.collapsed,
            (now, workspace.zone),
            placement,
            commands,
        );
    }
    if let Some(Decoded::Jwe(jwe)) = &token.decoded
        && let Some(opened) = jwe.opened.as_deref()
    {
        // A decrypted plaintext that is not a claims set: shown as it is.
        if let crate::token::jwe::Content::Binary(length) = opened.content {
            ui.label(tr!("claims-decrypted-binary", length = length));
        } else {
            ui.label(tr!("claims-decrypted-text"));
            egui::ScrollArea::vertical()
                .id_salt("plaintext_scroll")
                .show(ui, |ui| {
                    ui.add(
                        egui::Label::new(RichText::new(&opened.text).monospace()).selectable(true),
                    );
                });
        }
        return false;
    }
    let why = match (token.kind, &token.opaque, &token.error) {
        (TokenKind::Opaque, Some(shape), _) => {
            tr!("claims-opaque", shape = shape.describe())
        }
        (TokenKind::Jwe, _, _) if !workspace.verification.keys.can_decrypt() => {
            tr!("claims-encrypted-load-key")
        }
        (TokenKind::Jwe, _, _) => tr!("claims-encrypted"),
        (_, _, Some(error)) => tr!("claims-none-error", error = error.to_string()),
        _ => tr!("claims-none"),
    };
    ui.add(egui::Label::new(why).wrap());
    false
}

/// The selected token beside another of the same paste, differing claims highlighted.
fn compare_view(
    ui: &mut egui::Ui,
    inspection: &Inspection,
    index: usize,
    other: Option<usize>,
    commands: &mut Vec<Command>,
) {
    let titles = tab_titles(&inspection.tokens);
    let candidates: Vec<usize> = (0..inspection.tokens.len())
        .filter(|i| *i != index && inspection.tokens[*i].claims().is_some())
        .collect();
    if candidates.is_empty() {
        ui.label(tr!("compare-need-another"));
        return;
    }
    let other = other
        .filter(|o| candidates.contains(o))
        .unwrap_or(candidates[0]);
    ui.horizontal(|ui| {
        let label = ui.label(tr!("compare-with"));
        egui::ComboBox::from_id_salt("compare_with")
            .selected_text(titles[other].clone())
            .show_ui(ui, |ui| {
                for candidate in &candidates {
                    if ui
                        .selectable_label(*candidate == other, &titles[*candidate])
                        .clicked()
                    {
                        commands.push(Command::CompareWith(*candidate));
                    }
                }
            })
            .response
            .labelled_by(label.id);
    });
    let (Some(left), Some(right)) = (
        inspection.tokens[index].claims(),
        inspection.tokens[other].claims(),
    ) else {
        return;
    };
    let rows = crate::token::compare::compare(left, right);
    let differing = rows.iter().filter(|r| r.differs()).count();
    ui.strong(tr!(
        "compare-differ",
        differing = differing,
        count = rows.len()
    ));
    let highlight = theme::warning(ui.visuals());
    egui_extras::TableBuilder::new(ui)
        .id_salt("compare_table")
        .striped(true)
        // Cells truncate their text: no clip (and draw call) per cell.
        .column(egui_extras::Column::initial(140.0).clip(false))
        .column(egui_extras::Column::remainder().clip(false))
        .column(egui_extras::Column::remainder().clip(false))
        .header(22.0, |mut header| {
            for title in [
                tr!("claims-column-claim"),
                titles[index].clone(),
                titles[other].clone(),
            ] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(22.0, rows.len(), |mut row| {
                let diff = &rows[row.index()];
                let color = diff.differs().then_some(highlight);
                let cell = |ui: &mut egui::Ui, text: &str| {
                    let text = RichText::new(text);
                    let text = match color {
                        Some(c) => text.color(c).strong(),
                        None => text,
                    };
                    ui.add(egui::Label::new(text).truncate());
                };
                row.col(|ui| cell(ui, &diff.name));
                let absent = tr!("compare-absent");
                row.col(|ui| cell(ui, diff.left.as_deref().unwrap_or(&absent)));
                row.col(|ui| cell(ui, diff.right.as_deref().unwrap_or(&absent)));
            });
        });
}

fn json_view(ui: &mut egui::Ui, token: &FoundToken, pretty: bool, commands: &mut Vec<Command>) {
    let Some(decoded) = &token.decoded else {
        return;
    };
    let text = if pretty {
        decoded.pretty_json()
    } else {
        decoded.raw_text()
    };
    ui.horizontal(|ui| {
        if ui.selectable_label(pretty, tr!("json-pretty")).clicked() {
            commands.push(Command::SetPretty(true));
        }
        if ui
            .selectable_label(!pretty, tr!("json-raw"))
            .on_hover_text(tr!("json-raw-hint"))
            .clicked()
        {
            commands.push(Command::SetPretty(false));
        }
        widgets::copy_button(ui, &tr!("copy-the-decoded-json"), &text, commands);
    });
    egui::ScrollArea::both()
        .id_salt("json_scroll")
        .show(ui, |ui| {
            ui.add(egui::Label::new(RichText::new(text).monospace()).selectable(true));
        });
}

fn token_view(ui: &mut egui::Ui, token: &FoundToken, masked: bool, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        ui.weak(tr!("token-characters", count = token.value.len()));
        widgets::copy_button(ui, &tr!("copy-the-token"), &token.value, commands);
    });
    let mut job = egui::text::LayoutJob::default();
    let font = egui::FontId::monospace(13.0);
    let is_jose =
        matches!(&token.decoded, Some(Decoded::Jws(_) | Decoded::Jwe(_))) || token.header.is_some();
    let shown = if masked {
        crate::oauth::flow::mask_middle(&token.value)
    } else {
        token.value.clone()
    };
    // An SD-JWT: the issuer JWT, each Disclosure and the KB-JWT in turn,
    // `~` between them (RFC 9901 §4); a JWS or JWE: its segments.
    let separator = if token.sd_jwt.is_some() { '~' } else { '\u{0}' };
    let plain = egui::TextFormat::simple(font.clone(), ui.visuals().text_color());
    for (p, part) in shown.split(separator).enumerate() {
        if p > 0 {
            job.append("~", 0.0, plain.clone());
        }
        for (i, segment) in part.split('.').enumerate() {
            if i > 0 {
                job.append(".", 0.0, plain.clone());
            }
            let color = if is_jose {
                theme::segment(ui.visuals(), i.min(2))
            } else {
                ui.visuals().text_color()
            };
            job.append(segment, 0.0, egui::TextFormat::simple(font.clone(), color));
        }
    }
    job.wrap.break_anywhere = true;
    egui::ScrollArea::vertical()
        .id_salt("token_scroll")
        .show(ui, |ui| {
            ui.add(egui::Label::new(job).wrap().selectable(true));
        });
}
