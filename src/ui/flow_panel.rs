//! The flow panel: one card per step of the code flow, the next step's
//! request editable before it is sent, each answer as it came back.

use egui::RichText;

use crate::model::{Command, FlowCommand, Workspace};
use crate::net::{Exchange, RequestDraft};
use crate::oauth::flow::{Step, StepFailure};
use crate::oauth::runner::{FlowSession, StepRecord};
use crate::token::Timestamp;

use super::theme;

/// The authorization URL and its lints, or why there is none.
type PreparedAuthorize = Result<(String, Vec<crate::oauth::lint::Lint>), StepFailure>;

/// The editable request of the next step.
#[derive(Debug, Default)]
pub struct FlowEditor {
    /// The step the texts belong to.
    step: Option<Step>,
    /// How many records the session had when the texts were generated.
    generated_at: usize,
    method: String,
    url: String,
    headers: String,
    body: String,
    /// The address pasted for a non-loopback redirect.
    pasted: String,
    /// The run-input revision the texts were generated at.
    generated_revision: u64,
    /// The token-management step opened by the user (introspection, revocation).
    pub(super) opened: Option<Step>,
    /// What the user types into the grant's own fields (password, pasted token, extension values).
    pub(super) inputs: super::grant_form::GrantInputs,
    /// Why the next step's request could not be drafted, for the same
    /// step, record count and input revision as the texts.
    draft_failure: Option<StepFailure>,
    /// The request as presenter mode shows it (masked), for the texts as loaded.
    masked: Option<crate::net::RecordedRequest>,
    /// The lints of the request as last edited, and that request.
    lints: Option<(RequestDraft, Vec<crate::oauth::lint::Lint>)>,
    /// The authorization URL and its lints, for a record count and input revision.
    authorize: Option<((usize, u64), PreparedAuthorize)>,
}

impl FlowEditor {
    fn load(&mut self, step: Step, records: usize, draft: &RequestDraft) {
        self.step = Some(step);
        self.generated_at = records;
        self.draft_failure = None;
        self.masked = None;
        self.method.clone_from(&draft.method);
        self.url.clone_from(&draft.url);
        self.headers = draft
            .headers
            .iter()
            .map(|(n, v)| format!("{n}: {v}"))
            .collect::<Vec<_>>()
            .join("\n");
        self.body = String::from_utf8_lossy(&draft.body).into_owned();
    }

    fn draft(&self) -> RequestDraft {
        RequestDraft {
            method: self.method.trim().to_uppercase(),
            url: self.url.trim().to_owned(),
            headers: self
                .headers
                .lines()
                .filter_map(|line| line.split_once(':'))
                .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
                .filter(|(n, _)| !n.is_empty())
                .collect(),
            body: self.body.clone().into_bytes(),
        }
    }
}

/// Draws the flow for the selected profile.
pub fn show(
    ui: &mut egui::Ui,
    workspace: &Workspace,
    editor: &mut FlowEditor,
    now: Timestamp,
    commands: &mut Vec<Command>,
) {
    let Some(profile) = workspace.profiles.selected_profile() else {
        return;
    };
    let flow = workspace
        .flow
        .as_ref()
        .filter(|f| f.session.profile.id == profile.id);
    autoplay_line(ui, workspace);
    run_controls(ui, workspace, profile, flow, commands);
    let Some(flow) = flow else {
        ui.weak(crate::tr!("flow-intro"));
        plan(ui, profile);
        return;
    };
    let session = &flow.session;
    if let Some(message) = &flow.export_message {
        ui.label(message);
    }
    // In presenter mode the run's values sit in the controls' row.
    if session.grant == crate::oauth::Grant::AuthorizationCode && !workspace.presenter.on {
        ui.horizontal_wrapped(|ui| run_values(ui, session, false));
    }
    let focus = workspace
        .focus_step
        .or(flow.waiting)
        .or_else(|| session.next_step());
    keyboard(ui, session, flow.waiting.is_some(), focus, editor, commands);
    if workspace.presenter.on {
        presenter_stage(ui, (workspace, flow), focus, now, editor, commands);
        return;
    }
    if let Some(error) = &session.private_key_error {
        ui.colored_label(
            theme::error(ui.visuals()),
            crate::tr!("flow-private-key-error", error = error.as_str()),
        );
    }
    if let Some(error) = &session.decryption_key_error {
        ui.colored_label(
            theme::error(ui.visuals()),
            crate::tr!("flow-decryption-key-error", error = error.as_str()),
        );
    }
    auto_refresh_line(ui, flow, workspace.zone);
    // The profile's conformance set, judged with what this run discovered.
    if let Some((set, results)) =
        super::conformance_view::evaluate(&session.profile, session.metadata.as_ref())
    {
        super::conformance_view::badge(ui, set, &results);
    }
    ui.separator();
    let next = if flow.waiting.is_some() {
        None
    } else {
        session.next_step()
    };
    if session.dropped_records > 0 {
        ui.weak(crate::tr!(
            "flow-earlier-steps-dropped",
            count = session.dropped_records
        ));
    }
    let steps = shown_steps(session);
    let panes = open_panes(session, workspace.focus_step);
    egui::ScrollArea::vertical()
        .id_salt("flow_cards")
        .show(ui, |ui| {
            for (index, step) in steps.iter().copied().enumerate() {
                let place = if flow.waiting == Some(step) {
                    Place::Waiting
                } else if next == Some(step)
                    || (flow.waiting.is_none() && editor.opened == Some(step))
                {
                    Place::Next
                } else {
                    Place::Other
                };
                let context = CardContext {
                    flow,
                    place,
                    masked: workspace.presenter.on,
                    now,
                    zone: workspace.zone,
                    collapsed: &workspace.collapsed,
                    open_panes: panes,
                };
                card(ui, (index + 1, step), &context, editor, commands);
            }
        });
}

/// While autoplay walks the flow: that it does, and how to take over; why
/// it stopped, when it stopped by itself.
fn autoplay_line(ui: &mut egui::Ui, workspace: &Workspace) {
    if let Some(pause_s) = workspace.autoplay.as_ref().and_then(|play| play.pause_s) {
        ui.colored_label(
            theme::warning(ui.visuals()),
            crate::tr!("autoplay-running", seconds = pause_s),
        );
    } else if let Some(problem) = &workspace.autoplay_problem {
        ui.colored_label(theme::error(ui.visuals()), problem);
    }
}

/// Where automatic refresh stands: the next refresh, the retry after
/// failures, or that it stopped.
fn auto_refresh_line(
    ui: &mut egui::Ui,
    flow: &crate::model::FlowState,
    zone: crate::token::time::Zone,
) {
    if !flow.auto_refresh {
        return;
    }
    let backoff = flow.refresh_backoff;
    if backoff.stopped() {
        ui.colored_label(
            theme::error(ui.visuals()),
            crate::tr!("flow-auto-refresh-stopped", count = backoff.failures),
        );
        return;
    }
    let Some(due) = flow.auto_refresh_due() else {
        return;
    };
    let time = due.to_zone_string(zone);
    let text = if backoff.failures > 0 {
        crate::tr!(
            "flow-auto-refresh-retry",
            count = backoff.failures,
            time = time
        )
    } else {
        crate::tr!("flow-auto-refresh-next", time = time)
    };
    ui.colored_label(theme::warning(ui.visuals()), text);
}

/// The cards of the run: the grant's steps, then introspection, revocation
/// and logout once there are tokens to work with.
fn shown_steps(session: &FlowSession) -> Vec<Step> {
    let mut steps: Vec<Step> = Step::plan(&session.profile, &session.grant)
        .into_iter()
        .filter(|s| *s != Step::Discovery || !session.profile.issuer.trim().is_empty())
        .collect();
    let has_tokens = session.tokens.is_some()
        || session.records.iter().any(|r| {
            matches!(
                r.step,
                Step::Introspection | Step::Revocation | Step::Logout | Step::ApiCall
            )
        });
    if has_tokens {
        steps.push(Step::ApiCall);
        if !session.profile.endpoints.introspection.trim().is_empty() {
            steps.push(Step::Introspection);
        }
        if !session.profile.endpoints.revocation.trim().is_empty() {
            steps.push(Step::Revocation);
        }
        if !session.profile.endpoints.end_session.trim().is_empty() {
            steps.push(Step::Logout);
        }
    }
    steps
}

/// What a card needs besides its step.
struct CardContext<'a> {
    flow: &'a crate::model::FlowState,
    place: Place,
    masked: bool,
    now: Timestamp,
    zone: crate::token::time::Zone,
    /// Claim paths folded in the claims tables.
    collapsed: &'a std::collections::HashSet<String>,
    /// The step whose request and response panes are open, and the
    /// generation of that choice ([`super::exchange_pane::PaneView`]).
    open_panes: (Option<Step>, u64),
}

/// The step whose panes open: the one in focus, else the latest answered;
/// with a generation that changes when either changes.
fn open_panes(session: &FlowSession, focus: Option<Step>) -> (Option<Step>, u64) {
    use std::hash::{Hash, Hasher};
    let step = focus.or_else(|| session.records.last().map(|r| r.step));
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    (step, session.records.len()).hash(&mut hasher);
    (step, hasher.finish())
}

/// Start, cancel, tokens to the inspector, exports and automatic refresh.
fn run_controls(
    ui: &mut egui::Ui,
    workspace: &Workspace,
    profile: &crate::oauth::Profile,
    flow: Option<&crate::model::FlowState>,
    commands: &mut Vec<Command>,
) {
    // Wraps rather than pushing the panel past the window (Russian labels are long).
    ui.horizontal_wrapped(|ui| {
        let label = if flow.is_some() {
            crate::tr!("flow-start-over")
        } else {
            crate::tr!("flow-start")
        };
        if ui
            .button(label)
            .on_hover_text(crate::tr!("flow-start-hover"))
            .clicked()
        {
            let secret = workspace
                .profiles
                .loaded_secret
                .as_ref()
                .filter(|(id, _)| *id == profile.id)
                .and_then(|(_, s)| s.clone());
            let tls_passphrase = workspace
                .profiles
                .loaded_passphrase
                .as_ref()
                .filter(|(id, _)| *id == profile.id)
                .and_then(|(_, s)| s.clone());
            commands.push(Command::Flow(FlowCommand::Start {
                profile: Box::new(profile.clone()),
                secret,
                tls_passphrase,
            }));
        }
        if let Some(flow) = flow {
            super::grant_form::grant_choice(ui, flow, commands);
            if flow.waiting.is_some() && ui.button(crate::tr!("flow-cancel")).clicked() {
                commands.push(Command::Flow(FlowCommand::Cancel));
            }
            if workspace.presenter.on {
                // The room's screen: the inspector (Open in the inspector is
                // on each token card), exports and automatic refresh are for
                // the desk, in the normal view; the run's values fit here.
                if flow.session.grant == crate::oauth::Grant::AuthorizationCode {
                    run_values(ui, &flow.session, true);
                }
                return;
            }
            if flow.session.tokens.is_some() && ui.button(crate::tr!("flow-show-tokens")).clicked()
            {
                commands.push(Command::Flow(FlowCommand::ShowTokens));
            }
            if !flow.session.records.is_empty() {
                if ui
                    .button(crate::tr!("flow-export-har"))
                    .on_hover_text(crate::tr!("flow-export-har-hover"))
                    .clicked()
                {
                    commands.push(Command::Flow(FlowCommand::ExportHar));
                }
                if ui
                    .button(crate::tr!("flow-export-report"))
                    .on_hover_text(crate::tr!("flow-export-report-hover"))
                    .clicked()
                {
                    commands.push(Command::Flow(FlowCommand::ExportReport));
                }
            }
            let mut auto = flow.auto_refresh;
            if ui
                .checkbox(&mut auto, crate::tr!("flow-auto-refresh"))
                .on_hover_text(crate::tr!("flow-auto-refresh-hover"))
                .changed()
            {
                commands.push(Command::Flow(FlowCommand::SetAutoRefresh(auto)));
            }
        }
    });
}

/// Presenter mode's one screen for the room: the diagram and the narration
/// on the left, the focused step's card (its request and answer) beside it.
fn presenter_stage(
    ui: &mut egui::Ui,
    (workspace, flow): (&Workspace, &crate::model::FlowState),
    focus: Option<Step>,
    now: Timestamp,
    editor: &mut FlowEditor,
    commands: &mut Vec<Command>,
) {
    let session = &flow.session;
    let context = |place| CardContext {
        flow,
        place,
        masked: true,
        now,
        zone: workspace.zone,
        collapsed: &workspace.collapsed,
        open_panes: open_panes(session, focus),
    };
    let next = session.next_step().filter(|_| flow.waiting.is_none());
    let place = match focus {
        Some(step) if flow.waiting == Some(step) => Place::Waiting,
        Some(step) if next == Some(step) => Place::Next,
        _ => Place::Other,
    };
    // One screen for the room: the diagram on the left; the focused
    // step's narration and card (its request and answer) beside it.
    let width = ui.available_width();
    ui.horizontal_top(|ui| {
        ui.allocate_ui(egui::vec2(width * 0.52, ui.available_height()), |ui| {
            ui.vertical(|ui| stage(ui, session, focus, commands));
        });
        ui.separator();
        ui.vertical(|ui| {
            egui::ScrollArea::vertical()
                .id_salt("stage_card")
                .show(ui, |ui| {
                    if let Some(step) = focus {
                        egui::Frame::group(ui.style()).show(ui, |ui| {
                            ui.set_width(ui.available_width());
                            // The narration follows the window's language.
                            ui.strong(step.title_in(&session.profile));
                            ui.add(egui::Label::new(step.narration_in(&session.profile)).wrap());
                        });
                        let number = shown_steps(session)
                            .iter()
                            .position(|s| *s == step)
                            .map_or(0, |i| i + 1);
                        card(ui, (number, step), &context(place), editor, commands);
                    }
                });
        });
    });
}

/// Before the first step, the plan: the path of the profile's grant as a
/// sequence diagram and its steps, each with what it is for, so a newcomer
/// sees the whole way before taking it.
fn plan(ui: &mut egui::Ui, profile: &crate::oauth::Profile) {
    use super::sequence_diagram::{self, StepState};
    let steps: Vec<(Step, StepState)> = Step::plan(profile, &profile.default_grant)
        .into_iter()
        .filter(|s| *s != Step::Discovery || !profile.issuer.trim().is_empty())
        .map(|step| (step, StepState::Pending))
        .collect();
    egui::ScrollArea::vertical()
        .id_salt("flow_plan")
        .show(ui, |ui| {
            ui.add_space(4.0);
            ui.strong(crate::tr!("flow-plan"));
            // Nothing to focus yet: a click on an arrow does nothing.
            let _ = sequence_diagram::show(ui, &steps, None, profile);
            for (number, (step, _)) in steps.iter().enumerate() {
                egui::Frame::group(ui.style()).show(ui, |ui| {
                    ui.set_width(ui.available_width());
                    ui.strong(format!("{} {}", number + 1, step.title_in(profile)));
                    ui.weak(step.purpose());
                });
            }
        });
}

/// Presenter mode's stage: the sequence diagram, the focused step highlighted.
fn stage(
    ui: &mut egui::Ui,
    session: &FlowSession,
    focus: Option<Step>,
    commands: &mut Vec<Command>,
) {
    use super::sequence_diagram::{self, StepState};
    let steps: Vec<(Step, StepState)> = shown_steps(session)
        .into_iter()
        .map(|step| {
            let state = match session.records.iter().rev().find(|r| r.step == step) {
                Some(record) if record.outcome.is_ok() => StepState::Done,
                Some(_) => StepState::Failed,
                None => StepState::Pending,
            };
            (step, state)
        })
        .collect();
    if let Some(step) = sequence_diagram::show(ui, &steps, focus, &session.profile) {
        commands.push(Command::FocusStep(Some(step)));
    }
}

/// Keys for a trainer: Enter does the next step, ← and → move the focus.
fn keyboard(
    ui: &mut egui::Ui,
    session: &FlowSession,
    waiting: bool,
    focus: Option<Step>,
    editor: &FlowEditor,
    commands: &mut Vec<Command>,
) {
    // Not while typing in a field: there Enter and the arrows edit text.
    if ui.ctx().memory(|m| m.focused().is_some()) {
        return;
    }
    let (enter, left, right) = ui.input(|i| {
        (
            i.key_pressed(egui::Key::Enter),
            i.key_pressed(egui::Key::ArrowLeft),
            i.key_pressed(egui::Key::ArrowRight),
        )
    });
    let order: Vec<Step> = shown_steps(session);
    let position = focus.and_then(|f| order.iter().position(|s| *s == f));
    if right || left {
        let target = match (position, right) {
            (Some(i), true) => order.get(i + 1).copied(),
            (Some(i), false) => i.checked_sub(1).and_then(|i| order.get(i).copied()),
            (None, _) => order.first().copied(),
        };
        if target.is_some() {
            commands.push(Command::FocusStep(target));
        }
    }
    if enter && !waiting {
        // The request on screen is the editor's: it is sent as shown.
        let command = session.next_step().and_then(|step| {
            crate::model::next_step_command(step, || {
                (editor.step == Some(step)).then(|| editor.draft())
            })
        });
        commands.extend(command);
        commands.push(Command::FocusStep(None));
    }
}

/// What the engine's verification of a step's tokens concluded: a line
/// per verified token, or what failed; "verifying…" while it runs.
fn verification_view(ui: &mut egui::Ui, record: &StepRecord, flow: &crate::model::FlowState) {
    if let Some(skew) = record
        .provider_clock_skew
        .and_then(crate::oauth::provider_clock::describe)
    {
        ui.colored_label(theme::warning(ui.visuals()), skew);
    }
    if let Some(facts) = record.introspection_jwt.as_deref() {
        introspection_jwt_rows(ui, facts);
    }
    let Some(report) = record.verification.as_deref() else {
        if flow.verifying == Some((record.step, record.at)) {
            ui.weak(crate::tr!("flow-verifying"));
        } else if let Some(error) = &flow.verification_error
            && flow
                .session
                .records
                .last()
                .is_some_and(|last| last.at == record.at)
        {
            ui.colored_label(
                theme::error(ui.visuals()),
                crate::tr!("flow-verification-error", error = error.as_str()),
            );
        }
        return;
    };
    if let Some(failed) = crate::oauth::verification::first_failure(report) {
        ui.colored_label(
            theme::error(ui.visuals()),
            crate::tr!("flow-not-verified", what = failed),
        );
        for problem in &report.key_problems {
            ui.weak(problem.to_string());
        }
        return;
    }
    for token in &report.tokens {
        let passing = token
            .checks
            .iter()
            .filter(|row| row.status == crate::token::checks::CheckStatus::Pass)
            .count();
        ui.label(crate::tr!(
            "flow-verified-token",
            title = token.title.as_str(),
            signature = token.signature.summary.as_str(),
            count = passing
        ));
    }
}

/// The rules a JWT introspection answer was held to (RFC 9701 §5), one
/// line each: mark, rule, why, where the rule comes from.
fn introspection_jwt_rows(ui: &mut egui::Ui, facts: &crate::oauth::runner::IntrospectionJwtFacts) {
    use crate::token::checks::CheckStatus;
    for row in &facts.checks {
        ui.horizontal_wrapped(|ui| {
            match row.status {
                CheckStatus::Pass => super::widgets::status_mark(ui, true),
                CheckStatus::Fail => super::widgets::status_mark(ui, false),
                CheckStatus::NotApplicable => ui.weak(crate::tr!("checks-not-applicable-short")),
            };
            ui.monospace(row.name);
            let reason = RichText::new(&row.reason);
            if row.is_fail() {
                ui.label(reason.color(theme::error(ui.visuals())));
            } else {
                ui.label(reason);
            }
            ui.weak(row.spec);
        });
    }
}

/// The run's `state`, `nonce` and PKCE challenge; in presenter mode masked
/// by their ends, as everywhere else they appear, so the room can follow a
/// value from the request to the redirect without being able to use it.
fn run_values(ui: &mut egui::Ui, session: &FlowSession, masked: bool) {
    let marks = crate::export::redact::SecretMarks::default();
    let shown = |name: &str, value: &str| {
        if masked {
            crate::export::redact::presenter_value(name, value, &marks)
        } else {
            value.to_owned()
        }
    };
    ui.weak(crate::tr!("flow-run-values"));
    let state = shown("state", &session.run.state);
    ui.label(crate::tr!("flow-run-state", value = state));
    let nonce = shown("nonce", &session.run.nonce);
    ui.label(crate::tr!("flow-run-nonce", value = nonce));
    if !session.run.code_challenge.is_empty() {
        ui.label(crate::tr!(
            "flow-run-pkce",
            method = session.run.method.as_str(),
            value = shown("code_challenge", &session.run.code_challenge)
        ));
    }
}

/// Where a step stands in the run.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    /// Its request (or the redirect) is awaited.
    Waiting,
    /// It is the step to do next.
    Next,
    /// Done, failed, or later.
    Other,
}

fn card(
    ui: &mut egui::Ui,
    (number, step): (usize, Step),
    context: &CardContext<'_>,
    editor: &mut FlowEditor,
    commands: &mut Vec<Command>,
) {
    let session = &context.flow.session;
    let waiting = context.place == Place::Waiting;
    let is_next = context.place == Place::Next;
    let last = session.records.iter().rev().find(|r| r.step == step);
    let frame = egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.horizontal(|ui| {
            ui.strong(format!("{number} {}", step.title_in(&session.profile)));
            // Device polling waits seconds between polls: its card counts down instead of spinning.
            status(
                ui,
                last,
                waiting && !matches!(step, Step::DeviceToken | Step::CibaToken),
            );
            if session.profile.tls.accept_invalid_certs {
                super::widgets::insecure_tls_badge(ui);
            }
            if matches!(step, Step::Introspection | Step::Revocation | Step::ApiCall)
                && !is_next
                && context.flow.waiting.is_none()
                && ui.small_button(crate::tr!("flow-prepare")).clicked()
            {
                editor.opened = Some(step);
            }
        });
        // On the presenter's stage the narration above says it at length.
        if !context.masked {
            ui.weak(step.purpose());
        }
        if step == Step::Callback
            && let Some(note) = crate::oauth::callback::ignored_note(context.flow.ignored_redirects)
        {
            ui.colored_label(theme::warning(ui.visuals()), note);
        }
        if step == Step::DeviceToken {
            super::device_card::show(ui, context.flow, context.now, commands);
        }
        if step == Step::CibaToken {
            super::ciba_card::show(ui, context.flow, context.now, commands);
        }
        if step == Step::Authorize
            && !is_next
            && let Some(url) = &session.authorize_url
        {
            authorize_sent(ui, url, context, commands);
        }
        if step == Step::Logout && context.flow.waiting.is_none() && !context.masked {
            super::grant_form::logout_controls(ui, session, commands);
        }
        if let Some(record) = last {
            let view = super::exchange_pane::PaneView {
                masked: context.masked,
                open: context.open_panes.0 == Some(step),
                generation: context.open_panes.1,
            };
            record_view(ui, record, (&session.profile, view), commands);
            verification_view(ui, record, context.flow);
            let tokens = super::step_tokens::TokenView {
                session,
                now: context.now,
                zone: context.zone,
                collapsed: context.collapsed,
                open: view.open,
                generation: view.generation,
            };
            if super::step_tokens::show(ui, record, &tokens, commands) {
                // A countdown is on screen: tick once a second, no faster.
                ui.ctx()
                    .request_repaint_after(std::time::Duration::from_secs(1));
            }
        }
        if is_next {
            if context.masked {
                masked_next_request(ui, step, context, editor, commands);
            } else {
                next_step_controls(ui, step, context, editor, commands);
            }
        }
    });
    // Presenter mode shows the focused card alone beside the diagram: its
    // narration stays at the top rather than scrolled away.
    if is_next && !context.masked {
        scroll_into_view_once(ui, &frame.response, context.open_panes.1);
    }
    ui.add_space(4.0);
}

/// Brings the next step's card into view once per generation (a new
/// answer, a moved focus) and again when the card changes size (its
/// request loads a frame later): its controls are where the user acts
/// next, and an answer opened above them must not push them out of sight.
fn scroll_into_view_once(ui: &egui::Ui, card: &egui::Response, generation: u64) {
    let seen = egui::Id::unique("flow_scrolled_to_next");
    // Whole points: a sub-pixel change of layout is not a new card.
    #[expect(clippy::cast_possible_truncation, reason = "a card's height in points")]
    let shown = (generation, card.rect.height().round() as i32);
    if ui.data(|data| data.get_temp::<(u64, i32)>(seen)) != Some(shown) {
        ui.data_mut(|data| data.insert_temp(seen, shown));
        ui.scroll_to_rect(card.rect, None);
    }
}

/// The authorization URL the run sent the browser to, always there to copy
/// (masked in presenter mode: it carries `state`, `nonce` and the PKCE
/// challenge); when no browser could be opened, why, and that the run
/// still listens for the redirect.
fn authorize_sent(
    ui: &mut egui::Ui,
    url: &str,
    context: &CardContext<'_>,
    commands: &mut Vec<Command>,
) {
    if let Some(problem) = &context.flow.browser_problem {
        ui.colored_label(
            theme::warning(ui.visuals()),
            crate::tr!("flow-no-browser", reason = problem.as_str()),
        );
    }
    let marks = crate::export::redact::SecretMarks::of(&context.flow.session.profile);
    super::authorize_view::show(ui, url, context.masked.then_some(&marks), commands);
}

fn status(ui: &mut egui::Ui, record: Option<&StepRecord>, waiting: bool) {
    if waiting {
        ui.spinner();
        ui.weak(crate::tr!("flow-waiting"));
        return;
    }
    let Some(record) = record else { return };
    if let Err(failure) = &record.outcome
        && crate::oauth::device::is_pending(failure)
    {
        ui.weak(crate::tr!("flow-pending"));
    } else {
        super::widgets::status_mark(ui, record.outcome.is_ok());
    }
    if let Some(exchange) = &record.exchange {
        if let Ok(response) = &exchange.response {
            ui.label(format!("HTTP {}", response.status));
        }
        ui.weak(crate::tr!(
            "flow-duration-ms",
            count = u64::try_from(exchange.duration.as_millis()).unwrap_or(u64::MAX)
        ));
    }
}

fn record_view(
    ui: &mut egui::Ui,
    record: &StepRecord,
    (profile, view): (&crate::oauth::Profile, super::exchange_pane::PaneView),
    commands: &mut Vec<Command>,
) {
    match &record.outcome {
        // On the presenter's stage the answer's key parts below say it.
        Ok(_) if view.masked && record.exchange.is_some() => {}
        Ok(summary) => {
            ui.label(summary);
        }
        Err(failure) => {
            ui.colored_label(theme::error(ui.visuals()), &failure.message);
            if let Some(diagnosis) = &failure.diagnosis {
                super::diagnosis_view::show(ui, diagnosis);
            }
            if let Some(exchange) = &record.exchange {
                tls_fix_offer(ui, exchange, commands);
            }
        }
    }
    if let Some(exchange) = &record.exchange {
        super::exchange_pane::show(ui, record.step, exchange, view, profile, commands);
    }
}

/// After a TLS failure the profile's settings can fix, a button that goes
/// there: an unknown issuer opens the file dialog for the provider's CA.
fn tls_fix_offer(ui: &mut egui::Ui, exchange: &Exchange, commands: &mut Vec<Command>) {
    use crate::net::{NetError, TlsFailure};
    let Err(NetError::Tls(failure)) = &exchange.response else {
        return;
    };
    let (label, pick_ca) = match failure {
        TlsFailure::UnknownIssuer { .. } => (crate::tr!("flow-load-ca"), true),
        TlsFailure::ClientCertificateRequired
        | TlsFailure::HandshakeRefused
        | TlsFailure::ClientCertificateRejected { .. } => (crate::tr!("flow-open-tls"), false),
        _ => return,
    };
    if ui
        .button(label)
        .on_hover_text(crate::tr!("flow-tls-fix-hover"))
        .clicked()
    {
        commands.push(Command::ShowFlow(false));
        if pick_ca {
            commands.push(Command::Profile(crate::model::ProfileCommand::PickTlsFile(
                crate::model::TlsFile::CaCertificate,
            )));
        }
    }
}

/// Drafts the next step's request into the editor once per change of the
/// run (a step recorded, a run input changed), not per frame: drafting
/// signs a client assertion for `private_key_jwt` and `client_secret_jwt`.
fn prepare_draft<'e>(
    step: Step,
    context: &CardContext<'_>,
    editor: &'e mut FlowEditor,
) -> Result<(), &'e StepFailure> {
    let session = &context.flow.session;
    let stale = editor.step != Some(step)
        || editor.generated_at != session.steps_recorded()
        || editor.generated_revision != context.flow.inputs_revision;
    if stale {
        match session.draft_for(step, context.now) {
            Ok(draft) => editor.load(step, session.steps_recorded(), &draft),
            Err(failure) => {
                editor.step = Some(step);
                editor.generated_at = session.steps_recorded();
                editor.draft_failure = Some(failure);
            }
        }
        editor.generated_revision = context.flow.inputs_revision;
    }
    match &editor.draft_failure {
        Some(failure) => Err(failure),
        None => Ok(()),
    }
}

/// The authorization URL of the run as it stands, and its lints: worked
/// out once per recorded step and input revision, kept in the editor.
fn prepared_authorize<'e>(
    context: &CardContext<'_>,
    editor: &'e mut FlowEditor,
) -> &'e PreparedAuthorize {
    let session = &context.flow.session;
    let key = (session.steps_recorded(), context.flow.inputs_revision);
    let (_, prepared) = editor
        .authorize
        .take()
        .filter(|(at, _)| *at == key)
        .unwrap_or_else(|| {
            let prepared = session.authorize_url_of_run().map(|url| {
                let lints = session.lint(Step::Authorize, &RequestDraft::get(url.clone()));
                (url, lints)
            });
            (key, prepared)
        });
    &editor.authorize.insert((key, prepared)).1
}

/// The next request in presenter mode: read-only and masked; it is the
/// editor's draft, so Enter sends exactly what is shown.
fn masked_next_request(
    ui: &mut egui::Ui,
    step: Step,
    context: &CardContext<'_>,
    editor: &mut FlowEditor,
    commands: &mut Vec<Command>,
) {
    if step == Step::Authorize {
        // The parameters the browser will carry, their secrets masked.
        if let Ok((url, _)) = prepared_authorize(context, editor) {
            let url = url.clone();
            let marks = crate::export::redact::SecretMarks::of(&context.flow.session.profile);
            super::authorize_view::show(ui, &url, Some(&marks), commands);
            ui.weak(crate::tr!("flow-press-enter"));
        }
        return;
    }
    if !step.sends_drafted_request() || prepare_draft(step, context, editor).is_err() {
        return;
    }
    // The draft as it will go, drawn as presenter mode draws every request:
    // its key parts, masked.
    if editor.masked.is_none() {
        let draft = editor.draft();
        editor.masked = Some(crate::net::RecordedRequest {
            method: draft.method,
            url: draft.url,
            headers: draft.headers,
            body: draft.body,
        });
    }
    let Some(request) = &editor.masked else {
        return;
    };
    let marks = crate::export::redact::SecretMarks::of(&context.flow.session.profile);
    super::exchange_pane::request_key_parts(ui, request, &marks);
    ui.weak(crate::tr!("flow-press-enter"));
}

fn next_step_controls(
    ui: &mut egui::Ui,
    step: Step,
    context: &CardContext<'_>,
    editor: &mut FlowEditor,
    commands: &mut Vec<Command>,
) {
    let session = &context.flow.session;
    match step {
        Step::Authorize => match prepared_authorize(context, editor) {
            Ok((url, lints)) => {
                super::authorize_view::show(ui, url, None, commands);
                super::diagnosis_view::lints(ui, lints);
                if ui
                    .button(crate::tr!("flow-open-browser"))
                    .on_hover_text(crate::tr!("flow-open-browser-hover"))
                    .clicked()
                {
                    commands.push(Command::Flow(FlowCommand::OpenBrowser));
                }
            }
            Err(failure) => {
                ui.colored_label(theme::error(ui.visuals()), &failure.message);
            }
        },
        Step::Callback => {
            let label = ui.label(crate::tr!("flow-paste-redirect"));
            ui.horizontal(|ui| {
                ui.add(
                    egui::TextEdit::singleline(&mut editor.pasted)
                        .hint_text("https://partner.example/cb?code=…&state=…")
                        .desired_width(ui.available_width() - 80.0),
                )
                .labelled_by(label.id);
                if ui.button(crate::tr!("flow-use-it")).clicked() {
                    commands.push(Command::Flow(FlowCommand::PasteRedirect(
                        editor.pasted.clone(),
                    )));
                }
            });
        }
        // Drawn by the card itself: they have no request to edit.
        Step::Logout | Step::DeviceToken | Step::CibaToken => {}
        Step::Discovery
        | Step::PushedAuthorization
        | Step::Token
        | Step::UserInfo
        | Step::Refresh
        | Step::ClientCredentials
        | Step::Introspection
        | Step::Revocation
        | Step::Password
        | Step::ExtensionGrant
        | Step::DeviceAuthorization
        | Step::BackchannelAuthentication
        | Step::ApiCall => {
            super::grant_form::run_inputs(ui, step, session, &mut editor.inputs, commands);
            if let Err(failure) = prepare_draft(step, context, editor) {
                ui.colored_label(theme::error(ui.visuals()), &failure.message);
                if let Some(diagnosis) = &failure.diagnosis {
                    super::diagnosis_view::show(ui, diagnosis);
                }
                return;
            }
            request_editor(ui, step, editor);
            // Warnings about the request as edited, above Send; never
            // blocking; linted again only when the request changed.
            let draft = editor.draft();
            if editor
                .lints
                .as_ref()
                .is_none_or(|(linted, _)| *linted != draft)
            {
                let lints = session.lint(step, &draft);
                editor.lints = Some((draft, lints));
            }
            if let Some((_, lints)) = &editor.lints {
                super::diagnosis_view::lints(ui, lints);
            }
            ui.horizontal(|ui| {
                if ui.button(crate::tr!("flow-send")).clicked() {
                    commands.push(Command::Flow(FlowCommand::Send {
                        step,
                        draft: editor.draft(),
                    }));
                    if editor.opened == Some(step) {
                        editor.opened = None;
                    }
                }
                if ui.button(crate::tr!("flow-reset")).clicked() {
                    editor.step = None;
                }
            });
        }
    }
}

/// The `client_assertion` of a form body, decoded (RFC 7523 §2.2): what the
/// provider will read from it. Not verified: it is our own signature.
/// The JWTs a request carries, decoded: its client assertion (RFC 7523)
/// and its DPoP proof (RFC 9449 §4.2), header and claims.
pub(super) fn decoded_request_jwts(ui: &mut egui::Ui, body: &[u8], dpop: Option<&str>) {
    let decoded = [
        (
            crate::oauth::assertion::decoded_from_form(body),
            crate::tr!("flow-assertion-decoded"),
        ),
        (
            dpop.map(crate::oauth::assertion::decode),
            crate::tr!("flow-dpop-decoded"),
        ),
    ];
    for (text, title) in decoded {
        if let Some(text) = text {
            ui.label(title);
            ui.add(
                egui::Label::new(RichText::new(text).monospace())
                    .wrap()
                    .selectable(true),
            );
        }
    }
}

fn request_editor(ui: &mut egui::Ui, step: Step, editor: &mut FlowEditor) {
    ui.push_id((step, "editor"), |ui| {
        ui.horizontal(|ui| {
            let label = ui.label(crate::tr!("flow-method"));
            ui.add(egui::TextEdit::singleline(&mut editor.method).desired_width(60.0))
                .labelled_by(label.id);
            let label = ui.label(crate::tr!("flow-url"));
            ui.add(
                egui::TextEdit::singleline(&mut editor.url)
                    .font(egui::TextStyle::Monospace)
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label.id);
        });
        let label = ui.label(crate::tr!("flow-headers"));
        ui.add(
            egui::TextEdit::multiline(&mut editor.headers)
                .font(egui::TextStyle::Monospace)
                .desired_rows(2)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(label.id);
        if editor.method.trim().eq_ignore_ascii_case("POST") || !editor.body.is_empty() {
            let label = ui.label(crate::tr!("flow-body"));
            ui.add(
                egui::TextEdit::multiline(&mut editor.body)
                    .font(egui::TextStyle::Monospace)
                    .desired_rows(2)
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label.id);
        }
        // The request as it would go, headers read as the editor sends them.
        let draft = editor.draft();
        decoded_request_jwts(ui, &draft.body, draft.header("DPoP"));
    });
}
