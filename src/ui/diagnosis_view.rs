//! The diagnosis of a failure (the error catalogue's findings: cause, fix,
//! source) and the warnings before a request is sent. Drawn on a failed
//! step's card, above a step's Send button, and for error answers pasted
//! into the inspector, in the window's language.

use std::fmt::Write as _;

use egui::RichText;

use crate::diagnose::{Diagnosis, Finding, PastedError};
use crate::oauth::lint::Lint;
use crate::tr;

use super::theme;

/// Every finding of a diagnosis, most specific first.
pub fn show(ui: &mut egui::Ui, diagnosis: &Diagnosis) {
    for (index, finding) in diagnosis.entries.iter().enumerate() {
        ui.push_id(("finding", index), |ui| {
            finding_view(ui, finding, index == 0);
        });
    }
}

fn finding_view(ui: &mut egui::Ui, finding: &Finding, first: bool) {
    let lead = if first {
        tr!("diagnosis-probably")
    } else {
        tr!("diagnosis-also-possible")
    };
    ui.add(
        egui::Label::new(
            RichText::new(format!("{lead}: {}", finding.title.current()))
                .color(theme::warning(ui.visuals()))
                .strong(),
        )
        .wrap(),
    );
    for cause in &finding.causes {
        ui.add(egui::Label::new(format!("{}: {}", tr!("diagnosis-cause"), cause.current())).wrap());
    }
    ui.add(
        egui::Label::new(format!(
            "{}: {}",
            tr!("diagnosis-fix"),
            finding.fix.current()
        ))
        .wrap(),
    );
    ui.add(
        egui::Label::new(
            RichText::new(format!("{}: {}", tr!("diagnosis-source"), finding.source)).weak(),
        )
        .wrap(),
    );
}

/// The warnings about a request about to be sent (never blocking).
pub fn lints(ui: &mut egui::Ui, lints: &[Lint]) {
    for lint in lints {
        ui.add(
            egui::Label::new(
                RichText::new(format!(
                    "{}: {} ({})",
                    tr!("diagnosis-warning"),
                    lint.message.current(),
                    lint.source
                ))
                .color(theme::warning(ui.visuals())),
            )
            .wrap(),
        );
    }
}

/// Error answers found in a paste, each with its diagnosis.
pub fn pasted(ui: &mut egui::Ui, errors: &[PastedError]) {
    ui.strong(tr!("diagnosis-pasted-found", count = errors.len()));
    for (index, error) in errors.iter().enumerate() {
        ui.push_id(("pasted_error", index), |ui| {
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.colored_label(theme::error(ui.visuals()), headline(error));
                if error.diagnosis.is_empty() {
                    ui.weak(tr!("diagnosis-not-in-catalogue"));
                } else {
                    show(ui, &error.diagnosis);
                }
            });
        });
    }
}

/// `HTTP 400 · invalid_grant: Unknown code = … (twice)`.
fn headline(error: &PastedError) -> String {
    let mut line = String::new();
    if let Some(status) = error.status {
        let _ = write!(line, "HTTP {status} · ");
    }
    match (&error.error, &error.description) {
        (Some(code), Some(text)) => {
            let _ = write!(line, "{code}: {text}");
        }
        (Some(code), None) => line.push_str(code),
        (None, Some(text)) => line.push_str(text),
        (None, None) => line.push_str(&tr!("diagnosis-an-error-answer")),
    }
    if error.occurrences > 1 {
        let _ = write!(
            line,
            " ({})",
            tr!("diagnosis-times", count = error.occurrences)
        );
    }
    line
}
