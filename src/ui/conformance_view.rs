//! The conformance badge ("FAPI 2.0 7/9 · 2 failing") and the list of a
//! set's rules with their outcomes, reasons and sources. The checks
//! themselves are [`crate::oauth::fapi`].

use crate::model::{DiscoveryView, ProfileEditor};
use crate::oauth::Profile;
use crate::oauth::discovery::ProviderMetadata;
use crate::oauth::fapi::{self, CheckSet, Outcome, RuleResult, Summary};
use crate::tr;

use super::theme;

/// A profile's set and its results; `None` when it names no (known) set.
pub fn evaluate(
    profile: &Profile,
    metadata: Option<&ProviderMetadata>,
) -> Option<(&'static CheckSet, Vec<RuleResult>)> {
    let set = fapi::find(profile.conformance.as_deref()?)?;
    Some((set, fapi::evaluate(set, profile, metadata)))
}

/// The metadata discovery fetched for the draft in the editor, if any.
pub fn editor_metadata(editor: &ProfileEditor) -> Option<&ProviderMetadata> {
    match &editor.discovery {
        DiscoveryView::Done(done) => Some(&done.0),
        _ => None,
    }
}

/// The badge's text: "FAPI 2.0 7/9 · 2 failing" (or "· 1 unknown").
pub fn badge_text(set: &CheckSet, summary: &Summary) -> String {
    let mut text = tr!(
        "conformance-badge",
        set = set.name(),
        passed = summary.passed,
        total = summary.total
    );
    if !summary.failed.is_empty() {
        text.push_str(" · ");
        text.push_str(&tr!(
            "conformance-badge-failing",
            count = summary.failed.len()
        ));
    } else if !summary.unknown.is_empty() {
        text.push_str(" · ");
        text.push_str(&tr!(
            "conformance-badge-unknown",
            count = summary.unknown.len()
        ));
    }
    text
}

/// The compact badge: green when every rule that applies passes, amber
/// otherwise. Hovering lists the failing rules with their sources.
pub fn badge(ui: &mut egui::Ui, set: &CheckSet, results: &[RuleResult]) -> egui::Response {
    let summary = Summary::of(&set.id, results);
    let all_pass = summary.failed.is_empty() && summary.unknown.is_empty();
    let (color, fill) = theme::conformance_badge(ui.visuals(), all_pass);
    let text = egui::RichText::new(badge_text(set, &summary))
        .strong()
        .color(color)
        .background_color(fill);
    ui.add(egui::Label::new(text)).on_hover_ui(|ui| {
        ui.label(tr!(
            "conformance-badge-hover",
            set = set.name(),
            passed = summary.passed,
            total = summary.total
        ));
        for result in results.iter().filter(|r| r.outcome == Outcome::Fail) {
            ui.separator();
            ui.strong(&result.title);
            ui.label(&result.reason);
            ui.weak(tr!("conformance-source", source = result.source.as_str()));
        }
    })
}

/// Every rule of the set with its outcome and reason, failing ones first;
/// sources under each. An expandable section, closed at first.
pub fn details(ui: &mut egui::Ui, set: &CheckSet, results: &[RuleResult]) {
    egui::CollapsingHeader::new(tr!("conformance-details", set = set.name()))
        .id_salt("conformance_details")
        .default_open(false)
        .show(ui, |ui| {
            for outcome in [
                Outcome::Fail,
                Outcome::Unknown,
                Outcome::Pass,
                Outcome::NotApplicable,
            ] {
                for result in results.iter().filter(|r| r.outcome == outcome) {
                    rule_row(ui, result);
                }
            }
        });
}

fn rule_row(ui: &mut egui::Ui, result: &RuleResult) {
    let (word, color) = match result.outcome {
        Outcome::Pass => (tr!("conformance-rule-pass"), theme::pass(ui.visuals())),
        Outcome::Fail => (tr!("conformance-rule-fail"), theme::error(ui.visuals())),
        Outcome::Unknown => (
            tr!("conformance-rule-unknown"),
            theme::warning(ui.visuals()),
        ),
        Outcome::NotApplicable => (
            tr!("conformance-rule-not-applicable"),
            ui.visuals().weak_text_color(),
        ),
    };
    ui.horizontal_wrapped(|ui| {
        ui.colored_label(color, egui::RichText::new(word).strong());
        ui.label(egui::RichText::new(&result.title).strong());
        ui.label(format!("— {}", result.reason));
    });
    if result.outcome != Outcome::Pass {
        ui.add(
            egui::Label::new(
                egui::RichText::new(tr!("conformance-source", source = result.source.as_str()))
                    .small()
                    .weak(),
            )
            .wrap(),
        );
    }
}
