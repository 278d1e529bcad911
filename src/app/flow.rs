//! The flow run on screen: which profile, where it stands, what is in flight.

use crate::net::RequestDraft;
use crate::oauth::flow::{Step, StepFailure};
use crate::oauth::runner::FlowSession;
use crate::oauth::{Profile, callback};
use crate::secret::Secret;
use crate::token::Timestamp;

use super::workspace::Effect;

/// Something the user did in the flow panel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FlowCommand {
    /// Start a new run for this profile (fresh state, nonce and PKCE).
    Start {
        /// The profile as saved.
        profile: Box<Profile>,
        /// Its client secret.
        secret: Option<Secret>,
    },
    /// Send a step's request (as edited).
    Send {
        /// Which step.
        step: Step,
        /// The request.
        draft: RequestDraft,
    },
    /// Open the browser on the authorization URL (and listen for the redirect).
    OpenBrowser,
    /// The user pasted the address the browser ended on.
    PasteRedirect(String),
    /// Stop the request in flight or the wait for the redirect.
    Cancel,
    /// Put this run's tokens into the inspector.
    ShowTokens,
    /// End the run.
    Close,
}

/// A run in the window.
#[derive(Debug)]
pub struct FlowState {
    /// The run.
    pub session: FlowSession,
    /// A step whose request is in flight, or the callback being waited for.
    pub waiting: Option<Step>,
}

impl FlowState {
    /// Applies a command; returns the work it needs.
    pub fn apply(slot: &mut Option<Self>, command: FlowCommand, now: Timestamp) -> Vec<Effect> {
        if let FlowCommand::Start { profile, secret } = command {
            *slot = Some(Self {
                session: FlowSession::new(*profile, secret),
                waiting: None,
            });
            return Vec::new();
        }
        let Some(state) = slot.as_mut() else {
            return Vec::new();
        };
        match command {
            FlowCommand::Start { .. } => Vec::new(),
            FlowCommand::Send { step, draft } => {
                if state.waiting.is_some() {
                    return Vec::new();
                }
                state.waiting = Some(step);
                vec![Effect::SendStep {
                    profile: Box::new(state.session.profile.clone()),
                    step,
                    draft,
                }]
            }
            FlowCommand::OpenBrowser => match state.session.prepare_authorize(now) {
                Ok(url) => {
                    state.waiting = Some(Step::Callback);
                    vec![Effect::OpenBrowser {
                        url,
                        redirect_uri: state.session.profile.redirect_uri.clone(),
                    }]
                }
                Err(_) => Vec::new(),
            },
            FlowCommand::PasteRedirect(address) => {
                match callback::parse_pasted(&address) {
                    Ok(params) => {
                        state.session.callback(&params, now);
                    }
                    Err(error) => state.session.failed(
                        Step::Callback,
                        StepFailure::new(error.to_string()),
                        now,
                    ),
                }
                state.waiting = None;
                vec![Effect::StopListening]
            }
            FlowCommand::Cancel => {
                if let Some(step) = state.waiting.take() {
                    state
                        .session
                        .failed(step, StepFailure::new("Cancelled."), now);
                }
                vec![Effect::CancelFlowWork]
            }
            FlowCommand::ShowTokens => vec![Effect::ShowTokens(state.session.tokens_text())],
            FlowCommand::Close => {
                *slot = None;
                vec![Effect::CancelFlowWork]
            }
        }
    }

    /// The redirect arrived (or the wait failed).
    pub fn redirected(
        &mut self,
        result: Result<callback::CallbackParams, callback::CallbackError>,
        now: Timestamp,
    ) {
        if self.waiting != Some(Step::Callback) {
            return;
        }
        self.waiting = None;
        match result {
            Ok(params) => {
                self.session.callback(&params, now);
            }
            Err(error) => {
                self.session
                    .failed(Step::Callback, StepFailure::new(error.to_string()), now);
            }
        }
    }

    /// A step's request was answered.
    pub fn answered(&mut self, step: Step, exchange: crate::net::Exchange, now: Timestamp) {
        if self.waiting != Some(step) {
            return;
        }
        self.waiting = None;
        self.session.answered(step, exchange, now);
    }
}
