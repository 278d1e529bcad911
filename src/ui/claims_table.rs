//! The claims table: claim · value · meaning, nested values as a tree.

use std::collections::HashSet;

use egui_extras::{Column, TableBuilder};

use crate::model::Command;
use crate::token::Timestamp;
use crate::token::claims::ClaimRow;
use crate::token::sd_jwt::SdJwt;
use crate::token::time::Zone;
use crate::tr;

use super::theme;
use super::widgets::{copy_button, small_named_button};

const ROW_HEIGHT: f32 = 22.0;
const INDENT: f32 = 16.0;

/// Where a table sits, and what it marks.
#[derive(Clone, Copy, Default)]
pub struct Placement<'a> {
    /// An SD-JWT whose Disclosures put these claims in place: they are
    /// marked "disclosed" (salt and Disclosure on hover, RFC 9901 §4.2).
    pub sd_jwt: Option<&'a SdJwt>,
    /// Inside a flow step's card: all rows laid out and the card's own
    /// scroll area scrolling them (a table that scrolls inside a scrolling
    /// card would trap the wheel).
    pub in_card: bool,
}

/// Draws a table of rows (claims or header parameters); returns whether a
/// live time status was drawn.
pub fn show(
    ui: &mut egui::Ui,
    id_salt: &str,
    rows: &[ClaimRow],
    collapsed: &HashSet<String>,
    (now, zone): (Timestamp, Zone),
    placement: Placement<'_>,
    commands: &mut Vec<Command>,
) -> bool {
    let Placement { sd_jwt, in_card } = placement;
    let scrolls = !in_card;
    let visible = visible_rows(rows, collapsed);
    let mut time_drawn = false;
    // Columns start at their usual widths where the table has room (a
    // 1280-point window) and narrower where it has not (a projector's zoom,
    // a card), so the table starts inside its panel. The table remembers
    // its columns (they can be dragged) per zoom: presenter mode starts
    // them again at its own width.
    let width = ui.available_width();
    let zoom = ui.ctx().zoom_factor().to_bits();
    let claim_width = (width * 0.22).clamp(90.0, 150.0);
    let value_width = (width * 0.37).clamp(120.0, 260.0);
    TableBuilder::new(ui)
        .id_salt((id_salt, zoom))
        .vscroll(scrolls)
        .striped(true)
        .resizable(true)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        // No clip rectangle per cell: every cell's text truncates to its
        // column, and a clip per cell is a draw call per cell, which made a
        // software-rendered first frame 15 ms slower (benches/startup.sh).
        .column(Column::initial(claim_width).at_least(90.0).clip(false))
        .column(Column::initial(value_width).at_least(120.0).clip(false))
        .column(Column::auto().at_least(40.0))
        .column(Column::remainder().at_least(100.0).clip(false))
        .header(ROW_HEIGHT, |mut header| {
            for title in [
                tr!("claims-column-claim"),
                tr!("claims-column-value"),
                String::new(),
                tr!("claims-column-meaning"),
            ] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(ROW_HEIGHT, visible.len(), |mut row| {
                let claim = visible[row.index()];
                row.col(|ui| {
                    let disclosed = sd_jwt.and_then(|sd| sd.disclosed_at(&claim.path));
                    name_cell(ui, claim, collapsed, disclosed, commands);
                });
                row.col(|ui| time_drawn |= value_cell(ui, claim, now, zone));
                row.col(|ui| {
                    let text = if claim.children.is_none() {
                        &claim.display
                    } else {
                        &claim.json
                    };
                    let what = tr!("claims-copy-value", path = claim.path.as_str());
                    copy_button(ui, &what, text, commands);
                });
                row.col(|ui| meaning_cell(ui, claim));
            });
        });
    time_drawn
}

/// Rows whose ancestors are all expanded, in tree order.
pub fn visible_rows<'a>(rows: &'a [ClaimRow], collapsed: &HashSet<String>) -> Vec<&'a ClaimRow> {
    let mut visible = Vec::with_capacity(rows.len());
    let mut hidden_below: Option<usize> = None;
    for row in rows {
        if let Some(depth) = hidden_below {
            if row.depth > depth {
                continue;
            }
            hidden_below = None;
        }
        visible.push(row);
        if row.children.is_some() && collapsed.contains(&row.path) {
            hidden_below = Some(row.depth);
        }
    }
    visible
}

fn name_cell(
    ui: &mut egui::Ui,
    claim: &ClaimRow,
    collapsed: &HashSet<String>,
    disclosed: Option<&crate::token::sd_jwt::DisclosedClaim>,
    commands: &mut Vec<Command>,
) {
    #[expect(clippy::cast_precision_loss, reason = "nesting depth is small")]
    ui.add_space(INDENT * claim.depth as f32);
    if claim.children.is_some() {
        let is_collapsed = collapsed.contains(&claim.path);
        let path = claim.path.as_str();
        let (icon, name) = if is_collapsed {
            ("+", tr!("claims-expand", path = path))
        } else {
            ("-", tr!("claims-collapse", path = path))
        };
        if small_named_button(ui, icon, &name).clicked() {
            commands.push(Command::ToggleCollapsed(claim.path.clone()));
        }
    }
    // The mark before the name: a long name truncates to what is left.
    if let Some(disclosed) = disclosed {
        disclosed_mark(ui, disclosed);
    }
    ui.add(egui::Label::new(egui::RichText::new(&claim.name).monospace()).truncate());
}

/// "disclosed", with the salt, digest and Disclosure on hover.
fn disclosed_mark(ui: &mut egui::Ui, disclosed: &crate::token::sd_jwt::DisclosedClaim) {
    let color = theme::time_state(ui.visuals(), crate::token::time::TimeState::Valid);
    ui.label(
        egui::RichText::new(tr!("sd-disclosed"))
            .small()
            .color(color),
    )
    .on_hover_text(tr!(
        "sd-disclosed-hover",
        disclosure = disclosed.disclosure.as_str(),
        salt = disclosed.salt.as_str(),
        digest = disclosed.digest.as_str()
    ));
}

fn value_cell(ui: &mut egui::Ui, claim: &ClaimRow, now: Timestamp, zone: Zone) -> bool {
    if let Some(time) = &claim.time {
        let status = time.status(now);
        // One label that truncates to the column: the cell has no clip.
        let style = ui.style();
        let mut job = egui::text::LayoutJob::default();
        egui::RichText::new(format!("{} · ", time.at.to_zone_string(zone))).append_to(
            &mut job,
            style,
            egui::FontSelection::Default,
            egui::Align::Center,
        );
        let color = theme::time_state(ui.visuals(), status.state);
        egui::RichText::new(status.phrase)
            .color(color)
            .strong()
            .append_to(
                &mut job,
                style,
                egui::FontSelection::Default,
                egui::Align::Center,
            );
        ui.add(egui::Label::new(job).truncate()).on_hover_text(tr!(
            "claims-epoch-seconds",
            seconds = time.at.unix().to_string()
        ));
        return true;
    }
    let text = egui::RichText::new(claim.shown());
    let text = if claim.children.is_some() {
        text.weak()
    } else {
        text
    };
    ui.add(egui::Label::new(text).truncate());
    false
}

fn meaning_cell(ui: &mut egui::Ui, claim: &ClaimRow) {
    match &claim.meaning {
        Some(meaning) => {
            ui.add(egui::Label::new(meaning.text()).truncate());
        }
        None if claim.depth == 0 => {
            ui.weak(tr!("claims-not-registered"));
        }
        None => {}
    }
}
