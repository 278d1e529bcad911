//! The session timeline: every step of every run, in order, each reopenable.

use crate::tr;
use egui_extras::{Column, TableBuilder};

use crate::model::{Command, Workspace};

use super::widgets;

/// Draws the timeline.
pub fn show(ui: &mut egui::Ui, workspace: &Workspace, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        ui.strong(tr!("timeline-title", count = workspace.timeline.len()));
        if workspace.timeline_dropped > 0 {
            ui.weak(tr!(
                "flow-earlier-steps-dropped",
                count = workspace.timeline_dropped
            ));
        }
    });
    if workspace.timeline.is_empty() {
        ui.weak(tr!("timeline-empty"));
        return;
    }
    TableBuilder::new(ui)
        .id_salt("timeline_table")
        .striped(true)
        .max_scroll_height(160.0)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::initial(210.0))
        .column(Column::initial(200.0).clip(true))
        .column(Column::initial(140.0))
        .column(Column::initial(30.0))
        .column(Column::initial(80.0))
        .column(Column::remainder().clip(true))
        .header(20.0, |mut header| {
            for title in [
                tr!("timeline-column-time"),
                tr!("timeline-column-profile"),
                tr!("timeline-column-step"),
                String::new(),
                tr!("timeline-column-status"),
                tr!("timeline-column-took"),
            ] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(20.0, workspace.timeline.len(), |mut row| {
                let index = row.index();
                let entry = &workspace.timeline[index];
                let record = &entry.record;
                row.col(|ui| {
                    ui.label(record.at.to_zone_string(workspace.zone));
                });
                row.col(|ui| {
                    ui.label(&entry.profile.name);
                });
                row.col(|ui| {
                    let open = workspace.timeline_open == Some(index);
                    // Numbered across the session: dropped entries keep their numbers.
                    let number = index
                        .saturating_add(workspace.timeline_dropped)
                        .saturating_add(1);
                    let label = format!("#{number} {}", record.step.title());
                    if ui.selectable_label(open, label).clicked() {
                        commands.push(Command::OpenTimelineEntry(index));
                    }
                });
                row.col(|ui| {
                    widgets::status_mark(ui, record.outcome.is_ok());
                });
                row.col(|ui| {
                    let status = record
                        .exchange
                        .as_ref()
                        .and_then(|e| e.response.as_ref().ok())
                        .map_or_else(String::new, |r| format!("HTTP {}", r.status));
                    ui.label(status);
                });
                row.col(|ui| {
                    let took = record.exchange.as_ref().map_or_else(String::new, |e| {
                        tr!("unit-ms", count = e.duration.as_millis().to_string())
                    });
                    ui.label(took);
                });
            });
        });
    if let Some(index) = workspace.timeline_open {
        opened_entry(ui, workspace, index, commands);
    }
}

/// The entry the user reopened: its outcome and its exchange, open.
fn opened_entry(
    ui: &mut egui::Ui,
    workspace: &Workspace,
    index: usize,
    commands: &mut Vec<Command>,
) {
    let Some(entry) = workspace.timeline.get(index) else {
        return;
    };
    ui.separator();
    match &entry.record.outcome {
        Ok(summary) => ui.label(summary),
        Err(failure) => ui.colored_label(super::theme::error(ui.visuals()), failure.to_string()),
    };
    if let Some(exchange) = &entry.record.exchange {
        let view = super::exchange_pane::PaneView {
            masked: workspace.presenter.on,
            open: true,
            generation: u64::try_from(index).unwrap_or(u64::MAX),
        };
        super::exchange_pane::show(
            ui,
            entry.record.step,
            exchange,
            view,
            &entry.profile,
            commands,
        );
    }
}
