//! The token panel: one tab per token found, and the selected token decoded.

use std::collections::HashMap;

use egui::RichText;

use crate::app::{Command, DetailView, Workspace};
use crate::token::jose::Decoded;
use crate::token::time::Zone;
use crate::token::{FoundToken, Inspection, Timestamp, TokenKind};

use super::{Shown, claims_table, theme, widgets};

/// Draws the token panel.
pub fn show(
    ui: &mut egui::Ui,
    workspace: &Workspace,
    inputs: &mut super::VerifyInputs,
    now: Timestamp,
    commands: &mut Vec<Command>,
) -> Shown {
    let Some(inspection) = &workspace.inspection else {
        empty_state(
            ui,
            "Paste something on the left: every token in it appears here, decoded.",
        );
        return Shown::default();
    };
    if !inspection.errors.is_empty() {
        // English until the language switch is wired to the UI.
        super::diagnosis_view::pasted(ui, &inspection.errors, crate::i18n::Language::default());
        ui.separator();
    }
    if inspection.tokens.is_empty() {
        if !inspection.errors.is_empty() {
            return Shown::default();
        }
        if inspection.input_bytes == 0 {
            empty_state(
                ui,
                "Paste something on the left: every token in it appears here, decoded.",
            );
        } else {
            empty_state(
                ui,
                "No tokens found in this text. tokenscope looks for JWTs (eyJ…), token responses (JSON or form-encoded), \
                 Authorization: Bearer headers and redirect URLs with a code or tokens.",
            );
        }
        return Shown::default();
    }
    token_tabs(ui, inspection, workspace.selected, commands);
    ui.separator();
    let index = workspace.selected.min(inspection.tokens.len() - 1);
    let token = &inspection.tokens[index];
    let mut shown = Shown::default();
    let verification = &workspace.verification;
    let verified = if verification.keys.is_empty() {
        None
    } else {
        verification.signatures.get(index).and_then(Option::as_ref)
    };
    shown.time_visible |= facts(ui, token, verified, (now, workspace.zone), commands);
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
            super::verify_views::checks(ui, workspace, inspection, index, inputs, now, commands)
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
    let noun = if count == 1 { "token" } else { "tokens" };
    let heading = match inspection.dropped {
        0 => format!("{count} {noun} found"),
        dropped => format!("{count} {noun} found (and {dropped} more not shown)"),
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
    verified: Option<&crate::token::verify::SignatureOutcome>,
    (now, zone): (Timestamp, Zone),
    commands: &mut Vec<Command>,
) -> bool {
    ui.horizontal(|ui| {
        ui.label(RichText::new(token.summary()).strong());
        widgets::copy_button(ui, "the token", &token.value, commands);
    });
    let mut time_drawn = false;
    fact(ui, "Role", |ui| {
        ui.label(
            token
                .role_reason
                .as_deref()
                .unwrap_or("unknown: no field name, typ or telling claim"),
        );
    });
    let origins: Vec<String> = token
        .origins
        .iter()
        .map(crate::token::extract::Origin::describe)
        .collect();
    let times = match token.occurrences {
        1 => "once".to_owned(),
        2 => "twice".to_owned(),
        n => format!("{n} times"),
    };
    fact(ui, "Found", |ui| {
        ui.label(format!("{times}, as {}", origins.join(", ")));
    });
    if let Some(mended) = token.mends.describe() {
        fact(ui, "Mended", |ui| {
            ui.colored_label(theme::warning(ui.visuals()), mended);
        });
    }
    fact(ui, "Signature", |ui| match verified {
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
    if let Some(error) = &token.error {
        fact(ui, "Problem", |ui| {
            ui.colored_label(
                theme::error(ui.visuals()),
                format!("Cannot decode this token: {error}."),
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
        fact(ui, "Response", |ui| {
            ui.add(egui::Label::new(fields.join(" · ")).wrap());
        });
    }
    for time in &token.times {
        let key = fact(ui, &time.name, |ui| {
            widgets::time_status(ui, time, now, zone);
        });
        key.on_hover_text(
            time.computed_from
                .as_deref()
                .unwrap_or("from the token's claims"),
        );
        time_drawn = true;
    }
    time_drawn
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
        add_value(ui);
        key
    })
    .inner
}

/// What can be said about the signature before verification exists: never "valid".
fn signature_line(token: &FoundToken) -> String {
    match token.kind {
        TokenKind::Jws => {
            let alg = token.header_str("alg").unwrap_or("no alg");
            if alg.eq_ignore_ascii_case("none") {
                return "alg none: the token is unsigned and must never be accepted (RFC 8725 §3.2)".to_owned();
            }
            let key = token
                .header_str("kid")
                .map_or_else(|| "no kid in the header".to_owned(), |kid| format!("key {kid}"));
            format!("{alg}, {key}: not verified (load keys in the Keys tab)")
        }
        TokenKind::Jwe => format!(
            "encrypted ({}, {}): the claims cannot be read without the recipient's key",
            token.header_str("alg").unwrap_or("?"),
            token.header_str("enc").unwrap_or("?")
        ),
        TokenKind::Opaque => "none visible: an opaque token is checked by asking its issuer (introspection, RFC 7662)".to_owned(),
        TokenKind::Unknown => "unknown: the token could not be decoded".to_owned(),
    }
}

fn view_tabs(
    ui: &mut egui::Ui,
    token: &FoundToken,
    current: DetailView,
    commands: &mut Vec<Command>,
) {
    let has_header = token.header.is_some();
    ui.horizontal(|ui| {
        for (view, label, enabled) in [
            (DetailView::Claims, "Claims", true),
            (DetailView::Header, "Header", has_header),
            (DetailView::Json, "JSON", token.decoded.is_some()),
            (DetailView::Token, "Token", true),
            (DetailView::Checks, "Checks", token.decoded.is_some()),
            (DetailView::Keys, "Keys", true),
            (DetailView::Compare, "Compare", token.claims().is_some()),
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
        return claims_table::show(
            ui,
            "claims_table",
            &token.claim_rows,
            &workspace.collapsed,
            (now, workspace.zone),
            commands,
        );
    }
    let why = match (token.kind, &token.opaque, &token.error) {
        (TokenKind::Opaque, Some(shape), _) => format!(
            "An opaque token ({}): it carries no claims a client can read. Only its issuer knows what it means; \
             its introspection endpoint (RFC 7662) can tell.",
            shape.describe()
        ),
        (TokenKind::Jwe, _, _) => {
            "An encrypted token: its claims can only be read with the recipient's private key."
                .to_owned()
        }
        (_, _, Some(error)) => format!("No claims to show: {error}."),
        _ => "This token carries no claims.".to_owned(),
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
        ui.label(
            "Paste another JWT to compare with (e.g. the responses before and after a refresh).",
        );
        return;
    }
    let other = other
        .filter(|o| candidates.contains(o))
        .unwrap_or(candidates[0]);
    ui.horizontal(|ui| {
        let label = ui.label("Compare with");
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
    ui.strong(format!("{differing} of {} claims differ", rows.len()));
    let highlight = theme::warning(ui.visuals());
    egui_extras::TableBuilder::new(ui)
        .id_salt("compare_table")
        .striped(true)
        .column(egui_extras::Column::initial(140.0).clip(true))
        .column(egui_extras::Column::remainder().clip(true))
        .column(egui_extras::Column::remainder().clip(true))
        .header(22.0, |mut header| {
            for title in [
                "Claim".to_owned(),
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
                row.col(|ui| cell(ui, diff.left.as_deref().unwrap_or("(absent)")));
                row.col(|ui| cell(ui, diff.right.as_deref().unwrap_or("(absent)")));
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
        if ui.selectable_label(pretty, "Pretty").clicked() {
            commands.push(Command::SetPretty(true));
        }
        if ui
            .selectable_label(!pretty, "Raw")
            .on_hover_text("Exactly as the issuer wrote it")
            .clicked()
        {
            commands.push(Command::SetPretty(false));
        }
        widgets::copy_button(ui, "the decoded JSON", &text, commands);
    });
    egui::ScrollArea::both()
        .id_salt("json_scroll")
        .show(ui, |ui| {
            ui.add(egui::Label::new(RichText::new(text).monospace()).selectable(true));
        });
}

fn token_view(ui: &mut egui::Ui, token: &FoundToken, masked: bool, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        ui.weak(format!("{} characters", token.value.len()));
        widgets::copy_button(ui, "the token", &token.value, commands);
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
    for (i, segment) in shown.split('.').enumerate() {
        if i > 0 {
            job.append(
                ".",
                0.0,
                egui::TextFormat::simple(font.clone(), ui.visuals().text_color()),
            );
        }
        let color = if is_jose {
            theme::segment(ui.visuals(), i.min(2))
        } else {
            ui.visuals().text_color()
        };
        job.append(segment, 0.0, egui::TextFormat::simple(font.clone(), color));
    }
    job.wrap.break_anywhere = true;
    egui::ScrollArea::vertical()
        .id_salt("token_scroll")
        .show(ui, |ui| {
            ui.add(egui::Label::new(job).wrap().selectable(true));
        });
}
