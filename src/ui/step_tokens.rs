//! The tokens a step returned, decoded on its card: each token's role and
//! form, the engine's verdict, when it expires (counting down), and its
//! claims with their meanings; "Open in the inspector" for everything else.

use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use egui::RichText;

use crate::model::{Command, FlowCommand};
use crate::oauth::flow::Step;
use crate::oauth::runner::StepRecord;
use crate::oauth::verification::VerifiedToken;
use crate::paste::Inspection;
use crate::token::Timestamp;
use crate::token::inspect::TokenRole;
use crate::token::time::Zone;

use super::theme;

/// What the decoded tokens need from the window.
pub struct TokenView<'a> {
    /// The run: the encrypted tokens it opened are shown decrypted.
    pub session: &'a crate::oauth::runner::FlowSession,
    pub now: Timestamp,
    pub zone: Zone,
    /// Claim paths folded in the claims tables (shared with the inspector).
    pub collapsed: &'a HashSet<String>,
    /// The claims tables open (the step in focus) or folded.
    pub open: bool,
    /// As the exchange panes' generation: a new focus opens or folds afresh.
    pub generation: u64,
}

/// Draws the tokens `record`'s answer returned; returns whether a live
/// time (a countdown) was drawn.
pub fn show(
    ui: &mut egui::Ui,
    record: &StepRecord,
    view: &TokenView<'_>,
    commands: &mut Vec<Command>,
) -> bool {
    let Some(inspection) = decoded_answer(ui, record, view.session) else {
        return false;
    };
    if inspection.tokens.is_empty() {
        return false;
    }
    // One table open, the one a newcomer asks about: the ID token's (who
    // signed in), else the first token with claims; the rest folded.
    let primary = inspection
        .tokens
        .iter()
        .position(|t| t.role == Some(TokenRole::Id))
        .or_else(|| {
            inspection
                .tokens
                .iter()
                .position(|t| !t.claim_rows.is_empty())
        });
    let mut time_drawn = false;
    for (index, token) in inspection.tokens.iter().enumerate() {
        let verdict = record
            .verification
            .as_deref()
            .and_then(|report| report.tokens.iter().find(|t| t.index == index));
        ui.push_id(("step_token", record.step, index), |ui| {
            egui::Frame::NONE
                .inner_margin(egui::Margin::symmetric(0, 2))
                .show(ui, |ui| {
                    ui.horizontal_wrapped(|ui| {
                        ui.label(RichText::new(token.title()).strong());
                        ui.weak(token.summary());
                        if let Some(verdict) = verdict {
                            verdict_label(ui, verdict);
                        }
                    });
                    if let Some(note) = verdict
                        .and_then(|v| v.decryption.as_ref())
                        .and_then(crate::oauth::verification::encryption_note)
                    {
                        ui.weak(note);
                    }
                    if let Some(reason) = &token.role_reason {
                        ui.weak(reason);
                    }
                    for time in &token.times {
                        ui.horizontal_wrapped(|ui| {
                            ui.weak(&time.name);
                            super::widgets::time_status(ui, time, view.now, view.zone);
                        });
                        time_drawn = true;
                    }
                    if !token.claim_rows.is_empty() {
                        egui::CollapsingHeader::new(crate::tr!(
                            "flow-token-claims",
                            count = token.claim_rows.iter().filter(|r| r.depth == 0).count()
                        ))
                        .id_salt(view.generation)
                        .default_open(view.open && primary == Some(index))
                        .show(ui, |ui| {
                            let placement = super::claims_table::Placement {
                                sd_jwt: token.sd_jwt.as_deref(),
                                in_card: true,
                            };
                            time_drawn |= super::claims_table::show(
                                ui,
                                &format!("step_claims_{index}"),
                                &token.claim_rows,
                                view.collapsed,
                                (view.now, view.zone),
                                placement,
                                commands,
                            );
                        });
                    }
                });
        });
    }
    if ui
        .small_button(crate::tr!("flow-open-in-inspector"))
        .on_hover_text(crate::tr!("flow-open-in-inspector-hover"))
        .clicked()
    {
        commands.push(Command::Flow(FlowCommand::ShowTokens));
    }
    time_drawn
}

/// "Verified" or what failed first, from the engine's report.
fn verdict_label(ui: &mut egui::Ui, verdict: &VerifiedToken) {
    let failed = verdict.checks.iter().find(|check| check.is_fail());
    match failed {
        None if verdict.signature.status == "valid" => {
            ui.colored_label(
                theme::time_state(ui.visuals(), crate::token::time::TimeState::Valid),
                crate::tr!("flow-token-verified"),
            )
            .on_hover_text(&verdict.signature.summary);
        }
        None => {
            ui.weak(&verdict.signature.summary);
        }
        Some(check) => {
            ui.colored_label(
                theme::error(ui.visuals()),
                crate::tr!("flow-token-check-failed", check = check.name),
            )
            .on_hover_text(&check.reason);
        }
    }
}

/// The answer of `record` read as the engine's verification read it (the
/// same text, so the report's token indexes match), once per answer: egui's
/// frame cache keeps it while the card is on screen.
fn decoded_answer(
    ui: &egui::Ui,
    record: &StepRecord,
    session: &crate::oauth::runner::FlowSession,
) -> Option<Arc<Inspection>> {
    let step = record.step;
    if record.outcome.is_err() || !(step.returns_tokens() || step == Step::UserInfo) {
        return None;
    }
    let response = record.exchange.as_ref()?.response.as_ref().ok()?;
    // An encrypted token the run opened is shown as what was inside (the
    // verification's indexes stay: it is the same token, opened).
    let text = session.with_opened(response.text());
    let key = AnswerKey {
        text: &text,
        at: record.at,
    };
    Some(ui.memory_mut(|memory| {
        memory
            .caches
            .cache::<egui::cache::FrameCache<Arc<Inspection>, Decoder>>()
            .get(key)
            .clone()
    }))
}

#[derive(Clone, Copy)]
struct AnswerKey<'a> {
    text: &'a str,
    at: Timestamp,
}

impl Hash for AnswerKey<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // A token answer is small (the profile bounds it): hashing it whole is cheap.
        self.at.hash(state);
        self.text.hash(state);
    }
}

#[derive(Default)]
struct Decoder;

impl egui::cache::ComputerMut<AnswerKey<'_>, Arc<Inspection>> for Decoder {
    fn compute(&mut self, key: AnswerKey<'_>) -> Arc<Inspection> {
        // Lifetimes given as `expires_in` count from when the answer came.
        Arc::new(crate::paste::inspect(key.text, key.at))
    }
}
