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
        /// The passphrase of its PKCS#12 client certificate.
        tls_passphrase: Option<Secret>,
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
    /// Refresh automatically shortly before the access token expires.
    SetAutoRefresh(bool),
    /// Save the run as a HAR 1.2 file (redacted).
    ExportHar,
    /// Save the run as a Markdown report for a support ticket (redacted).
    ExportReport,
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
    /// Refresh automatically [`AUTO_REFRESH_LEAD`] seconds before the access token expires.
    pub auto_refresh: bool,
    /// What the last export did.
    pub export_message: Option<String>,
    /// The passphrase of the profile's PKCS#12 client certificate.
    pub tls_passphrase: Option<Secret>,
}

/// How long before the access token's expiry an automatic refresh goes out.
pub const AUTO_REFRESH_LEAD: i64 = 30;

impl FlowState {
    /// Applies a command; returns the work it needs.
    pub fn apply(slot: &mut Option<Self>, command: FlowCommand, now: Timestamp) -> Vec<Effect> {
        if let FlowCommand::Start {
            profile,
            secret,
            tls_passphrase,
        } = command
        {
            *slot = Some(Self {
                session: FlowSession::new(*profile, secret),
                waiting: None,
                auto_refresh: false,
                export_message: None,
                tls_passphrase,
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
                    tls_passphrase: state.tls_passphrase.clone(),
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
            FlowCommand::ExportHar => {
                let har =
                    crate::export::har(&state.session.records, env!("CARGO_PKG_VERSION"), true);
                vec![Effect::SaveFile {
                    name: "tokenscope-flow.har".to_owned(),
                    contents: serde_json::to_string_pretty(&har).unwrap_or_default(),
                }]
            }
            FlowCommand::ExportReport => {
                let environment = crate::export::Environment::current();
                let report = crate::export::report(
                    &state.session.profile,
                    &state.session.records,
                    &environment,
                    true,
                );
                vec![Effect::SaveFile {
                    name: "tokenscope-report.md".to_owned(),
                    contents: report,
                }]
            }
            FlowCommand::SetAutoRefresh(on) => {
                state.auto_refresh = on;
                Vec::new()
            }
            FlowCommand::ShowTokens => vec![Effect::ShowTokens(state.session.tokens_text())],
            FlowCommand::Close => {
                *slot = None;
                vec![Effect::CancelFlowWork]
            }
        }
    }

    /// When the automatic refresh is due: the last token or refresh answer's
    /// time plus `expires_in`, less the lead. `None` when it does not apply.
    pub fn auto_refresh_due(&self) -> Option<Timestamp> {
        if !self.auto_refresh || self.waiting.is_some() {
            return None;
        }
        let tokens = self.session.tokens.as_ref()?;
        tokens.refresh_token.as_ref()?;
        let expires_in = tokens.expires_in?;
        let issued = self
            .session
            .records
            .iter()
            .rev()
            .find(|r| matches!(r.step, Step::Token | Step::Refresh) && r.outcome.is_ok())?
            .at;
        Some(issued.plus_seconds(expires_in - AUTO_REFRESH_LEAD))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::{Exchange, RecordedRequest, RecordedResponse};

    #[test]
    fn automatic_refresh_is_due_thirty_seconds_before_expiry_and_only_when_on() {
        let mut slot = None;
        let profile = Profile {
            redirect_uri: "http://127.0.0.1:1/cb".to_owned(),
            ..Profile::default()
        };
        FlowState::apply(
            &mut slot,
            FlowCommand::Start {
                profile: Box::new(profile),
                secret: None,
                tls_passphrase: None,
            },
            Timestamp::from_unix(0),
        );
        let state = slot.as_mut().expect("started");
        let body =
            br#"{"access_token":"a","refresh_token":"r","expires_in":300,"token_type":"Bearer"}"#
                .to_vec();
        let exchange = Exchange {
            request: RecordedRequest {
                method: "POST".to_owned(),
                url: "https://op/token".to_owned(),
                headers: Vec::new(),
                body: Vec::new(),
            },
            response: Ok(RecordedResponse {
                status: 200,
                reason: "OK".to_owned(),
                version: "HTTP/1.1".to_owned(),
                headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
                body,
            }),
            duration: std::time::Duration::ZERO,
        };
        state
            .session
            .token_exchanged(exchange, Timestamp::from_unix(1_000));
        assert_eq!(state.auto_refresh_due(), None, "off by default");
        state.auto_refresh = true;
        assert_eq!(state.auto_refresh_due(), Some(Timestamp::from_unix(1_270)));
    }
}
