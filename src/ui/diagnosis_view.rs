//! The diagnosis of a failure (the error catalogue's findings: cause, fix,
//! source) and the warnings before a request is sent. Drawn on a failed
//! step's card, above a step's Send button, and for error answers pasted
//! into the inspector.

use std::fmt::Write as _;

use egui::RichText;

use crate::diagnose::{Diagnosis, Finding, Lint, PastedError};
use crate::i18n::{Language, Text, count_text, plural_en, plural_ru};

use super::theme;

/// Words of this view in both languages.
fn word(language: Language, en: &'static str, ru: &'static str) -> &'static str {
    match language {
        Language::En => en,
        Language::Ru => ru,
    }
}

/// Every finding of a diagnosis, most specific first.
pub fn show(ui: &mut egui::Ui, diagnosis: &Diagnosis, language: Language) {
    for (index, finding) in diagnosis.entries.iter().enumerate() {
        ui.push_id(("finding", index), |ui| {
            finding_view(ui, finding, index == 0, language);
        });
    }
}

fn finding_view(ui: &mut egui::Ui, finding: &Finding, first: bool, language: Language) {
    let lead = if first {
        word(language, "Probably", "Вероятно")
    } else {
        word(language, "Also possible", "Возможно также")
    };
    ui.add(
        egui::Label::new(
            RichText::new(format!("{lead}: {}", finding.title.get(language)))
                .color(theme::warning(ui.visuals()))
                .strong(),
        )
        .wrap(),
    );
    for cause in &finding.causes {
        ui.add(
            egui::Label::new(format!(
                "{}: {}",
                word(language, "Cause", "Причина"),
                cause.get(language)
            ))
            .wrap(),
        );
    }
    ui.add(
        egui::Label::new(format!(
            "{}: {}",
            word(language, "Fix", "Что сделать"),
            finding.fix.get(language)
        ))
        .wrap(),
    );
    ui.add(
        egui::Label::new(
            RichText::new(format!(
                "{}: {}",
                word(language, "Source", "Источник"),
                finding.source
            ))
            .weak(),
        )
        .wrap(),
    );
}

/// The warnings about a request about to be sent (never blocking).
pub fn lints(ui: &mut egui::Ui, lints: &[Lint], language: Language) {
    for lint in lints {
        ui.add(
            egui::Label::new(
                RichText::new(format!(
                    "{}: {} ({})",
                    word(language, "Warning", "Предупреждение"),
                    lint.message.get(language),
                    lint.source
                ))
                .color(theme::warning(ui.visuals())),
            )
            .wrap(),
        );
    }
}

/// Error answers found in a paste, each with its diagnosis.
pub fn pasted(ui: &mut egui::Ui, errors: &[PastedError], language: Language) {
    let count = errors.len() as u64;
    let heading = match language {
        Language::En => format!(
            "{count} {} found",
            plural_en(count, "error answer", "error answers")
        ),
        Language::Ru => format!(
            "{} {count} {}",
            plural_ru(count, "Найден", "Найдено", "Найдено"),
            plural_ru(
                count,
                "ответ с ошибкой",
                "ответа с ошибкой",
                "ответов с ошибкой"
            )
        ),
    };
    ui.strong(heading);
    for (index, error) in errors.iter().enumerate() {
        ui.push_id(("pasted_error", index), |ui| {
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.colored_label(theme::error(ui.visuals()), headline(error, language));
                if error.diagnosis.is_empty() {
                    ui.weak(word(
                        language,
                        "The catalogue has no entry for this error.",
                        "В каталоге нет записи для этой ошибки.",
                    ));
                } else {
                    show(ui, &error.diagnosis, language);
                }
            });
        });
    }
}

/// `HTTP 400 · invalid_grant: Unknown code = … (twice)`.
fn headline(error: &PastedError, language: Language) -> String {
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
        (None, None) => line.push_str(word(language, "an error answer", "ответ с ошибкой")),
    }
    if error.occurrences > 1 {
        let times: Text = count_text(
            error.occurrences as u64,
            ("time", "times"),
            ("раз", "раза", "раз"),
        );
        let _ = write!(line, " ({})", times.get(language));
    }
    line
}
