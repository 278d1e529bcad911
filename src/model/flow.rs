//! The flow run on screen: which profile, where it stands, what is in flight.

use crate::net::RequestDraft;
use crate::oauth::device::PollOutcome;
use crate::oauth::flow::{Step, StepFailure};
use crate::oauth::runner::FlowSession;
use crate::oauth::{Grant, Profile, callback};
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
    /// Walk another grant in this run (before its first token request).
    SetGrant(Grant),
    /// A value the run needs that is not in the profile.
    SetInput(RunInput),
    /// Keep the extension grant's secret values in the secret store.
    KeepExtensionSecrets,
    /// Poll the token endpoint until the user approves the device (RFC 8628 §3.4).
    StartPolling,
    /// Open the end-session URL (and listen for the redirect back).
    Logout,
    /// Open an address the provider gave (the device's verification URI)
    /// in the browser; only http(s) ([`crate::oauth::runner::check_browser_url`]).
    OpenLink(String),
    /// The user pasted the address the browser ended on.
    PasteRedirect(String),
    /// Stop the request in flight or the wait for the redirect.
    Cancel,
    /// Put this run's tokens into the inspector.
    ShowTokens,
    /// Refresh automatically shortly before the access token expires.
    SetAutoRefresh(bool),
    /// The automatic refresh is due: send it (or record why it cannot be built).
    AutoRefresh,
    /// Save the run as a HAR 1.2 file (redacted).
    ExportHar,
    /// Save the run as a Markdown report for a support ticket (redacted).
    ExportReport,
    /// End the run.
    Close,
}

/// The command that does `step`, the run's next step, with `draft` its
/// request (as edited, or as generated): what Enter does in presenter mode
/// and what autoplay does. `None` for a step that is waited for (the
/// callback) or that has no request yet.
pub fn next_step_command(
    step: Step,
    draft: impl FnOnce() -> Option<RequestDraft>,
) -> Option<super::workspace::Command> {
    let command = match step {
        Step::Authorize => FlowCommand::OpenBrowser,
        Step::DeviceToken | Step::CibaToken => FlowCommand::StartPolling,
        step if step.sends_drafted_request() => FlowCommand::Send {
            step,
            draft: draft()?,
        },
        _ => return None,
    };
    Some(super::workspace::Command::Flow(command))
}

/// A value typed for this run only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunInput {
    /// The password grant's user name.
    Username(String),
    /// The password grant's password (never stored).
    Password(Secret),
    /// A refresh token to refresh with, pasted.
    RefreshToken(Secret),
    /// The CIBA request's inputs (hint, binding message, …): this run's copy
    /// of the profile takes them.
    Ciba(Box<crate::oauth::ciba::CibaSettings>),
    /// The address the "call an API" step calls.
    ApiUrl(String),
    /// A value of an extension grant field: plain ones change this run's
    /// copy of the profile, secret ones are kept apart.
    ExtensionValue {
        /// The field name.
        name: String,
        /// The value.
        value: Secret,
    },
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
    /// Counts changes to the run's inputs, so the shown request is rebuilt.
    pub inputs_revision: u64,
    /// When polling for the device's tokens started.
    pub polling_since: Option<Timestamp>,
    /// Failed refreshes in a row and when automatic refresh may try again.
    pub refresh_backoff: RefreshBackoff,
    /// Requests the loopback listener turned away in this run for a wrong or
    /// missing `state`: something else on the machine is calling the port.
    pub ignored_redirects: u32,
    /// The step (and when it finished) whose tokens are being verified.
    pub verifying: Option<(Step, Timestamp)>,
    /// Why the last verification could not run, when it could not.
    pub verification_error: Option<String>,
    /// Why no browser could be opened on the authorization URL: the run
    /// still listens, and the card offers the URL to copy by hand.
    pub browser_problem: Option<String>,
}

/// How automatic refresh backs off after a failure: 5 s, 10 s, 20 s, … at
/// most 5 minutes (longer only when the provider's `Retry-After` asks, up to
/// an hour), and it stops after five failures in a row. A success resets it.
/// Plain data: the caller passes `now`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RefreshBackoff {
    /// Failed refreshes in a row.
    pub failures: u32,
    /// No automatic refresh before this.
    pub not_before: Option<Timestamp>,
}

impl RefreshBackoff {
    /// The wait after the first failure.
    pub const FIRST_DELAY_SECONDS: i64 = 5;
    /// The longest wait the doubling reaches.
    pub const MAX_DELAY_SECONDS: i64 = 300;
    /// The longest `Retry-After` honoured; a larger one (1e12 s) is an hour.
    pub const MAX_RETRY_AFTER_SECONDS: u64 = 3_600;
    /// Failures in a row after which automatic refresh stops.
    pub const MAX_FAILURES: u32 = 5;

    /// The wait after the `failures`-th failure in a row: 5 s doubled each time, at most 5 minutes.
    pub fn delay(failures: u32) -> i64 {
        let doublings = failures.saturating_sub(1).min(16);
        Self::FIRST_DELAY_SECONDS
            .saturating_mul(1_i64 << doublings)
            .min(Self::MAX_DELAY_SECONDS)
    }

    /// A refresh failed at `now`; `retry_after` is the provider's
    /// `Retry-After` in seconds, when it sent one.
    pub fn failed(&mut self, now: Timestamp, retry_after: Option<u64>) {
        self.failures = self.failures.saturating_add(1);
        let asked = retry_after.map_or(0, |seconds| {
            i64::try_from(seconds.min(Self::MAX_RETRY_AFTER_SECONDS)).unwrap_or(0)
        });
        let wait = Self::delay(self.failures).max(asked);
        self.not_before = Some(now.plus_seconds(wait));
    }

    /// Whether automatic refresh has given up.
    pub fn stopped(&self) -> bool {
        self.failures >= Self::MAX_FAILURES
    }
}

/// What a background device poll needs (RFC 8628 §3.4): its own copy of the
/// profile and credentials, so each poll carries a fresh client assertion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DevicePolling {
    /// The run's profile.
    pub profile: Profile,
    /// The client secret.
    pub secret: Option<Secret>,
    /// The private key (PEM), for `private_key_jwt`.
    pub private_key: Option<Secret>,
    /// The device code, or CIBA's `auth_req_id` (CIBA Core §10.1).
    pub code: crate::oauth::device::PollCode,
    /// The interval and expiry.
    pub schedule: crate::oauth::device::PollSchedule,
    /// The passphrase of the profile's PKCS#12 client certificate.
    pub tls_passphrase: Option<Secret>,
}

/// How long before the access token's expiry an automatic refresh goes out.
pub const AUTO_REFRESH_LEAD: i64 = 30;

impl FlowState {
    /// The window's state of a run that has not sent anything yet.
    pub fn new(session: FlowSession) -> Self {
        Self {
            session,
            waiting: None,
            auto_refresh: false,
            export_message: None,
            tls_passphrase: None,
            inputs_revision: 0,
            polling_since: None,
            refresh_backoff: RefreshBackoff::default(),
            ignored_redirects: 0,
            verifying: None,
            verification_error: None,
            browser_problem: None,
        }
    }

    /// Applies a command; returns the work it needs.
    #[expect(
        clippy::too_many_lines,
        reason = "one short arm per command; splitting would scatter the run's state changes"
    )]
    pub fn apply(slot: &mut Option<Self>, command: FlowCommand, now: Timestamp) -> Vec<Effect> {
        if let FlowCommand::Start {
            profile,
            secret,
            tls_passphrase,
        } = command
        {
            let mut session = FlowSession::new(*profile, secret);
            if let Some(previous) = slot
                .as_ref()
                .filter(|previous| previous.session.profile.id == session.profile.id)
            {
                // Start over walks the grant chosen last, and keeps the last
                // run's refresh token at hand for a standalone refresh.
                if previous.session.profile.default_grant == session.profile.default_grant {
                    // (unless the profile's own grant changed meanwhile)
                    session.grant = previous.session.grant.clone();
                }
                session.pasted_refresh_token = previous.session.refresh_token().map(Secret::new);
            }
            let mut effects = Vec::new();
            if session.needs_private_key() {
                effects.push(Effect::LoadClientKey {
                    path: session.profile.client_assertion.key_file.clone(),
                });
            }
            if session.needs_decryption_key() {
                effects.push(Effect::LoadDecryptionKey {
                    id: session.profile.id.clone(),
                    path: session.profile.decryption_key_file.clone(),
                });
            }
            let secret_fields: Vec<String> = session
                .profile
                .extension_grant
                .fields
                .iter()
                .filter(|f| f.secret)
                .map(|f| f.name.clone())
                .collect();
            if !secret_fields.is_empty() {
                effects.push(Effect::LoadExtensionSecrets {
                    id: session.profile.id.clone(),
                    names: secret_fields,
                });
            }
            *slot = Some(Self {
                session,
                waiting: None,
                auto_refresh: false,
                export_message: None,
                tls_passphrase,
                inputs_revision: 0,
                polling_since: None,
                refresh_backoff: RefreshBackoff::default(),
                ignored_redirects: 0,
                verifying: None,
                verification_error: None,
                browser_problem: None,
            });
            return effects;
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
                    Ok(params) if params.jarm_response().is_some() => {
                        state.waiting = None;
                        return vec![Effect::StopListening, state.check_jarm(params)];
                    }
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
            FlowCommand::SetGrant(grant) => {
                if state.waiting.is_none() {
                    state.session.grant = grant;
                    // The run's refresh token stays usable for a standalone refresh.
                    if let Some(kept) = state.session.refresh_token().map(Secret::new) {
                        state.session.pasted_refresh_token = Some(kept);
                    }
                    state.session.tokens = None;
                    state.session.device = None;
                    state.session.device_schedule = None;
                    state.session.ciba = None;
                    state.inputs_revision += 1;
                }
                Vec::new()
            }
            FlowCommand::SetInput(input) => {
                state.set_input(input);
                Vec::new()
            }
            FlowCommand::KeepExtensionSecrets => state
                .session
                .extension_secrets
                .iter()
                .map(|(name, value)| Effect::StoreNamedSecret {
                    id: state.session.profile.id.clone(),
                    name: crate::oauth::ExtensionField {
                        name: name.clone(),
                        ..crate::oauth::ExtensionField::default()
                    }
                    .secret_name(),
                    secret: value.clone(),
                })
                .collect(),
            FlowCommand::StartPolling => {
                if state.waiting.is_some() {
                    return Vec::new();
                }
                let (Some(code), Some(schedule)) =
                    (state.session.poll_code(), state.session.device_schedule)
                else {
                    return Vec::new();
                };
                state.waiting = Some(code.step());
                state.polling_since = Some(now);
                vec![Effect::PollDevice(Box::new(DevicePolling {
                    profile: state.session.profile.clone(),
                    secret: state.session.secret.clone(),
                    private_key: state.session.private_key.clone(),
                    code,
                    schedule,
                    tls_passphrase: state.tls_passphrase.clone(),
                }))]
            }
            FlowCommand::OpenLink(url) => vec![Effect::OpenLink(url)],
            FlowCommand::Logout => match state.session.prepare_logout() {
                Ok(url) => {
                    state.waiting = Some(Step::Logout);
                    vec![Effect::OpenBrowser {
                        url,
                        redirect_uri: state.session.profile.redirect_uri.clone(),
                    }]
                }
                Err(failure) => {
                    state.session.failed(Step::Logout, failure, now);
                    Vec::new()
                }
            },
            FlowCommand::Cancel => {
                if let Some(step) = state.waiting.take() {
                    state
                        .session
                        .failed(step, StepFailure::new(crate::tr!("run-cancelled")), now);
                }
                vec![Effect::CancelFlowWork]
            }
            FlowCommand::ExportHar => {
                let har = crate::export::har(
                    &state.session.records,
                    env!("CARGO_PKG_VERSION"),
                    true,
                    &crate::export::redact::SecretMarks::of(&state.session.profile),
                );
                vec![Effect::SaveFile {
                    name: "tokenscope-flow.har".to_owned(),
                    contents: serde_json::to_string_pretty(&har)
                        .unwrap_or_default()
                        .into_bytes(),
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
                    contents: report.into_bytes(),
                }]
            }
            FlowCommand::SetAutoRefresh(on) => {
                state.auto_refresh = on;
                // Switching it on again is how the user says: try again.
                state.refresh_backoff = RefreshBackoff::default();
                Vec::new()
            }
            FlowCommand::AutoRefresh => state.auto_refresh_now(now),
            FlowCommand::ShowTokens => vec![Effect::ShowTokens(state.session.tokens_text())],
            FlowCommand::Close => {
                *slot = None;
                vec![Effect::CancelFlowWork]
            }
        }
    }

    fn set_input(&mut self, input: RunInput) {
        let session = &mut self.session;
        match input {
            RunInput::Username(name) => session.username = name,
            RunInput::Password(password) => session.password = Some(password),
            RunInput::RefreshToken(token) => session.pasted_refresh_token = Some(token),
            RunInput::Ciba(settings) => session.profile.ciba = *settings,
            RunInput::ApiUrl(url) => session.api_url = url,
            RunInput::ExtensionValue { name, value } => {
                let secret = session
                    .profile
                    .extension_grant
                    .fields
                    .iter_mut()
                    .find(|f| f.name == name)
                    .map(|field| {
                        if !field.secret {
                            value.expose().clone_into(&mut field.value);
                        }
                        field.secret
                    });
                if secret == Some(true) {
                    session.extension_secrets.retain(|(n, _)| *n != name);
                    session.extension_secrets.push((name, value));
                }
            }
        }
        self.inputs_revision += 1;
    }

    /// Polling stopped because the device code expired (RFC 8628 §3.5).
    pub fn device_code_expired(&mut self, now: Timestamp) {
        let step = self.session.poll_step();
        if self.waiting != Some(step) {
            return;
        }
        self.waiting = None;
        let failure = StepFailure::new(if step == Step::CibaToken {
            crate::tr!("run-ciba-expired")
        } else {
            crate::tr!("run-device-expired")
        });
        self.session.failed(step, failure, now);
    }

    /// The `state` the redirect the run waits for must carry: the logout's
    /// while waiting for the return from the end-session endpoint, else the run's.
    pub fn expected_redirect_state(&self) -> Option<&str> {
        match self.waiting {
            Some(Step::Logout) => self
                .session
                .logout
                .as_ref()
                .map(|(state, _)| state.as_str()),
            Some(Step::Callback) => Some(self.session.run.state.as_str()),
            _ => None,
        }
    }

    /// The private key file was read (or not).
    pub fn key_loaded(&mut self, result: Result<Secret, String>) {
        match result {
            Ok(pem) => {
                self.session.private_key = Some(pem);
                self.session.private_key_error = None;
            }
            Err(message) => self.session.private_key_error = Some(message),
        }
        self.inputs_revision += 1;
    }

    /// The decryption key file was read (or not).
    pub fn decryption_key_loaded(&mut self, result: Result<crate::token::keys::KeySet, String>) {
        self.session.decryption_key_loaded(result);
        self.inputs_revision += 1;
    }

    /// The extension grant's secret values were read from the secret store.
    pub fn extension_secrets_loaded(&mut self, values: Vec<(String, Secret)>) {
        for (name, value) in values {
            if !self
                .session
                .extension_secrets
                .iter()
                .any(|(n, _)| *n == name)
            {
                self.session.extension_secrets.push((name, value));
            }
        }
        self.inputs_revision += 1;
    }

    /// Sends the automatic refresh when it is due at `now`; a request that
    /// cannot be built is recorded as a failed refresh, and counts as one.
    fn auto_refresh_now(&mut self, now: Timestamp) -> Vec<Effect> {
        if self.auto_refresh_due().is_none_or(|due| now < due) {
            return Vec::new();
        }
        match self.session.draft_for(Step::Refresh, now) {
            Ok(draft) => {
                self.waiting = Some(Step::Refresh);
                vec![Effect::SendStep {
                    profile: Box::new(self.session.profile.clone()),
                    step: Step::Refresh,
                    draft,
                    tls_passphrase: self.tls_passphrase.clone(),
                }]
            }
            Err(failure) => {
                self.session.failed(Step::Refresh, failure, now);
                self.refresh_backoff.failed(now, None);
                Vec::new()
            }
        }
    }

    /// When the automatic refresh is due: the last token or refresh answer's
    /// time plus `expires_in`, less the lead (never sooner than
    /// [`RefreshBackoff::FIRST_DELAY_SECONDS`] after it), and not before the
    /// backoff allows. `None` when it does not apply or has given up.
    pub fn auto_refresh_due(&self) -> Option<Timestamp> {
        if !self.auto_refresh || self.waiting.is_some() || self.refresh_backoff.stopped() {
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
            .find(|r| {
                matches!(
                    r.step,
                    Step::Token
                        | Step::Refresh
                        | Step::Password
                        | Step::ExtensionGrant
                        | Step::DeviceToken
                        | Step::CibaToken
                ) && r.outcome.is_ok()
            })?
            .at;
        // A lifetime shorter than the lead would refresh as fast as answers
        // come: keep a few seconds between refreshes.
        let lead_time = expires_in
            .saturating_sub(AUTO_REFRESH_LEAD)
            .max(RefreshBackoff::FIRST_DELAY_SECONDS);
        let due = issued.plus_seconds(lead_time);
        Some(match self.refresh_backoff.not_before {
            Some(not_before) if not_before > due => not_before,
            _ => due,
        })
    }

    /// The redirect arrived (or the wait failed); a JWT-secured response
    /// first needs the provider's keys.
    pub fn redirected(
        &mut self,
        outcome: callback::CallbackOutcome,
        now: Timestamp,
    ) -> Vec<Effect> {
        self.ignored_redirects = self.ignored_redirects.saturating_add(outcome.ignored);
        // The code flow's callback or the logout's return; nothing else waits for a redirect.
        let Some(step @ (Step::Callback | Step::Logout)) = self.waiting else {
            return Vec::new();
        };
        self.waiting = None;
        match outcome.result {
            Ok(params) if step == Step::Logout => {
                self.session.logout_returned(&params, now);
            }
            Ok(params) if params.jarm_response().is_some() => return vec![self.check_jarm(params)],
            Ok(params) => {
                self.session.callback(&params, now);
            }
            Err(error) => {
                self.session
                    .failed(step, StepFailure::new(error.to_string()), now);
            }
        }
        Vec::new()
    }

    /// A JWT introspection answer (RFC 9701 §5) arrived: it waits for the
    /// provider's keys before anything in it is used. `None` when no
    /// introspection was awaited.
    pub fn introspection_jwt_answered(&mut self, exchange: crate::net::Exchange) -> Option<Effect> {
        if self.waiting != Some(Step::Introspection) {
            return None;
        }
        self.waiting = None;
        Some(Effect::CheckIntrospectionJwt {
            profile: Box::new(self.session.profile.clone()),
            exchange: Box::new(exchange),
            tls_passphrase: self.tls_passphrase.clone(),
        })
    }

    /// The fetch of the provider's keys a JARM response waits for.
    fn check_jarm(&self, params: callback::CallbackParams) -> Effect {
        Effect::CheckJarm {
            profile: Box::new(self.session.profile.clone()),
            params: Box::new(params),
            tls_passphrase: self.tls_passphrase.clone(),
        }
    }

    /// A step's request was answered.
    pub fn answered(&mut self, step: Step, exchange: crate::net::Exchange, now: Timestamp) {
        if self.waiting != Some(step) {
            return;
        }
        if matches!(step, Step::DeviceToken | Step::CibaToken) {
            // Polling goes on while the provider says pending (RFC 8628 §3.5).
            let outcome = self.session.device_polled(exchange, now);
            if !matches!(outcome, PollOutcome::Pending(_) | PollOutcome::SlowDown(_)) {
                self.waiting = None;
            }
            return;
        }
        self.waiting = None;
        let retry_after = exchange
            .response
            .as_ref()
            .ok()
            .and_then(|response| response.retry_after(now));
        self.session.answered(step, exchange, now);
        if step == Step::Refresh && self.auto_refresh {
            let succeeded = self
                .session
                .records
                .last()
                .is_some_and(|r| r.step == Step::Refresh && r.outcome.is_ok());
            if succeeded {
                self.refresh_backoff = RefreshBackoff::default();
            } else {
                self.refresh_backoff.failed(now, retry_after);
            }
        }
    }

    /// CIBA ping mode: the provider's ping came (CIBA Core §10.2), while
    /// the run waited for it; the token request follows.
    pub fn ciba_pinged(&mut self, now: Timestamp) {
        if self.waits_for_ping() {
            self.session.pinged = Some(now);
        }
    }

    /// Whether the run waits for CIBA's ping rather than polling (ping
    /// mode, CIBA Core §10.2): there is no next poll to count down to.
    pub fn waits_for_ping(&self) -> bool {
        self.waiting == Some(Step::CibaToken)
            && self.session.profile.ciba.delivery_mode == crate::oauth::ciba::DeliveryMode::Ping
    }

    /// When the next device poll goes out, while polling (for the countdown).
    pub fn next_poll_at(&self) -> Option<Timestamp> {
        let step = self.session.poll_step();
        if self.waiting != Some(step) || self.waits_for_ping() {
            return None;
        }
        let schedule = self.session.device_schedule?;
        let last = self.session.records.iter().rev().find(|r| {
            matches!(
                r.step,
                Step::DeviceToken
                    | Step::DeviceAuthorization
                    | Step::CibaToken
                    | Step::BackchannelAuthentication
            )
        })?;
        let polled_at = self
            .session
            .records
            .iter()
            .rev()
            .find(|r| r.step == step)
            .map(|r| r.at);
        // Polling starts with a wait: before the first poll, count from the press of Start.
        let from = polled_at.unwrap_or(self.polling_since.unwrap_or(last.at));
        let wait = i64::try_from(schedule.interval).unwrap_or(i64::MAX);
        Some(from.plus_seconds(wait))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::Exchange;

    #[test]
    fn a_new_run_keeps_the_last_refresh_token_for_a_standalone_refresh() {
        let mut slot = None;
        let profile = Profile::default();
        let start = |profile: &Profile| FlowCommand::Start {
            profile: Box::new(profile.clone()),
            secret: None,
            tls_passphrase: None,
        };
        FlowState::apply(&mut slot, start(&profile), Timestamp::from_unix(0));
        let state = slot.as_mut().expect("started");
        state.session.tokens = Some(crate::oauth::flow::TokenSet {
            access_token: Some("a".to_owned()),
            refresh_token: Some("kept-refresh".to_owned()),
            ..crate::oauth::flow::TokenSet::default()
        });
        FlowState::apply(
            &mut slot,
            FlowCommand::SetGrant(Grant::RefreshToken),
            Timestamp::from_unix(1),
        );
        let state = slot.as_ref().expect("running");
        assert_eq!(state.session.refresh_token(), Some("kept-refresh"));
        FlowState::apply(&mut slot, start(&profile), Timestamp::from_unix(2));
        let state = slot.as_ref().expect("restarted");
        assert_eq!(state.session.refresh_token(), Some("kept-refresh"));
        assert_eq!(
            state.session.grant,
            Grant::RefreshToken,
            "the chosen grant stays"
        );
        assert!(state.session.tokens.is_none());
    }

    #[test]
    fn polling_ends_when_the_device_code_expires_and_cancel_ends_it_too() {
        let mut slot = started(Profile::default());
        let state = slot.as_mut().expect("started");
        state.waiting = Some(Step::DeviceToken);
        state.device_code_expired(Timestamp::from_unix(600));
        assert_eq!(state.waiting, None);
        let last = state.session.records.last().expect("recorded");
        assert!(
            last.outcome
                .as_ref()
                .is_err_and(|f| f.message.contains("expired"))
        );

        state.waiting = Some(Step::DeviceToken);
        let effects = FlowState::apply(&mut slot, FlowCommand::Cancel, Timestamp::from_unix(601));
        assert!(matches!(effects.as_slice(), [Effect::CancelFlowWork]));
        assert_eq!(slot.as_ref().and_then(|s| s.waiting), None);
    }

    /// CIBA polls through the device grant's effect: the `auth_req_id` is
    /// the poll code, the waited step is `CibaToken`, pending answers keep
    /// it waiting, expiry is said in CIBA's words.
    #[test]
    fn ciba_polling_runs_through_the_device_grants_machinery() {
        let mut profile = Profile {
            default_grant: crate::oauth::Grant::Ciba,
            ..Profile::default()
        };
        profile.endpoints.token = "https://op/token".to_owned();
        let mut slot = started(profile);
        let state = slot.as_mut().expect("started");
        assert_eq!(
            state.session.next_step(),
            Some(Step::BackchannelAuthentication)
        );
        state.session.backchannel_authenticated(
            answer(
                200,
                &[],
                r#"{"auth_req_id":"req-1","expires_in":60,"interval":2}"#,
            ),
            Timestamp::from_unix(100),
        );
        assert_eq!(state.session.next_step(), Some(Step::CibaToken));
        let effects = FlowState::apply(
            &mut slot,
            FlowCommand::StartPolling,
            Timestamp::from_unix(100),
        );
        let [Effect::PollDevice(polling)] = effects.as_slice() else {
            panic!("one poll effect: {effects:?}")
        };
        assert_eq!(
            polling.code,
            crate::oauth::device::PollCode::Ciba(Secret::new("req-1"))
        );
        assert_eq!(polling.schedule.interval, 2);
        let state = slot.as_mut().expect("running");
        assert_eq!(state.waiting, Some(Step::CibaToken));
        assert_eq!(state.next_poll_at(), Some(Timestamp::from_unix(102)));
        state.answered(
            Step::CibaToken,
            answer(400, &[], r#"{"error":"authorization_pending"}"#),
            Timestamp::from_unix(102),
        );
        assert_eq!(state.waiting, Some(Step::CibaToken), "pending goes on");
        state.device_code_expired(Timestamp::from_unix(161));
        assert_eq!(state.waiting, None);
        let last = state.session.records.last().expect("recorded");
        assert_eq!(last.step, Step::CibaToken);
        assert!(last.outcome.as_ref().is_err_and(|f| {
            f.message
                .contains("backchannel authentication request expired")
        }));
    }

    /// CIBA ping mode (CIBA Core §10.2) takes the same effect; the job
    /// waits for the ping instead of polling: no next poll to count down
    /// to, the ping noted while waiting, the one answer ends the wait.
    #[test]
    fn ciba_ping_mode_waits_for_the_ping_not_a_poll() {
        let mut profile = Profile {
            default_grant: crate::oauth::Grant::Ciba,
            ..Profile::default()
        };
        profile.endpoints.token = "https://op/token".to_owned();
        profile.ciba.delivery_mode = crate::oauth::ciba::DeliveryMode::Ping;
        let mut slot = started(profile);
        let state = slot.as_mut().expect("started");
        state.session.backchannel_authenticated(
            answer(200, &[], r#"{"auth_req_id":"req-1","expires_in":60}"#),
            Timestamp::from_unix(100),
        );
        state.ciba_pinged(Timestamp::from_unix(101));
        assert_eq!(state.session.pinged, None, "not waiting yet");
        let effects = FlowState::apply(
            &mut slot,
            FlowCommand::StartPolling,
            Timestamp::from_unix(100),
        );
        assert!(matches!(effects.as_slice(), [Effect::PollDevice(_)]));
        let state = slot.as_mut().expect("running");
        assert!(state.waits_for_ping());
        assert_eq!(state.next_poll_at(), None, "no polls in ping mode");
        state.ciba_pinged(Timestamp::from_unix(110));
        assert_eq!(state.session.pinged, Some(Timestamp::from_unix(110)));
        state.answered(
            Step::CibaToken,
            answer(
                200,
                &[],
                r#"{"access_token":"a","token_type":"Bearer","expires_in":60}"#,
            ),
            Timestamp::from_unix(111),
        );
        assert_eq!(state.waiting, None);
        let last = state.session.records.last().expect("recorded");
        assert!(
            last.outcome
                .as_ref()
                .is_ok_and(|summary| summary.starts_with("the provider pinged")),
            "{:?}",
            last.outcome
        );
    }

    #[test]
    fn automatic_refresh_is_due_thirty_seconds_before_expiry_and_only_when_on() {
        let profile = Profile {
            redirect_uri: "http://127.0.0.1:1/cb".to_owned(),
            ..Profile::default()
        };
        let mut slot = started(profile);
        let state = slot.as_mut().expect("started");
        state.session.token_exchanged(
            answer(
                200,
                &[],
                r#"{"access_token":"a","refresh_token":"r","expires_in":300,"token_type":"Bearer"}"#,
            ),
            Timestamp::from_unix(1_000),
        );
        assert_eq!(state.auto_refresh_due(), None, "off by default");
        state.auto_refresh = true;
        assert_eq!(state.auto_refresh_due(), Some(Timestamp::from_unix(1_270)));
    }

    /// A run of `profile`, started at 0.
    fn started(profile: Profile) -> Option<FlowState> {
        let mut slot = None;
        FlowState::apply(
            &mut slot,
            FlowCommand::Start {
                profile: Box::new(profile),
                secret: None,
                tls_passphrase: None,
            },
            Timestamp::from_unix(0),
        );
        slot
    }

    fn answer(status: u16, headers: &[(&str, &str)], body: &str) -> Exchange {
        let mut exchange = Exchange::json_answer("https://op/token", status, body);
        if let Ok(response) = &mut exchange.response {
            response.headers.extend(
                headers
                    .iter()
                    .map(|(n, v)| ((*n).to_owned(), (*v).to_owned())),
            );
        }
        exchange
    }

    const TOKENS: &str =
        r#"{"access_token":"a","refresh_token":"r","expires_in":300,"token_type":"Bearer"}"#;
    const REFUSED: &str = r#"{"error":"invalid_grant","error_description":"Токен отозван"}"#;

    /// A run with tokens issued at 1000 (300 s) and automatic refresh on.
    fn refreshing_run() -> Option<FlowState> {
        let mut profile = Profile::default();
        profile.endpoints.token = "https://op/token".to_owned();
        let mut slot = started(profile);
        FlowState::apply(
            &mut slot,
            FlowCommand::SetAutoRefresh(true),
            Timestamp::from_unix(0),
        );
        if let Some(state) = slot.as_mut() {
            state
                .session
                .token_exchanged(answer(200, &[], TOKENS), Timestamp::from_unix(1_000));
        }
        slot
    }

    /// Fires the automatic refresh at `at`; `true` when a request went out.
    fn fire(slot: &mut Option<FlowState>, at: i64) -> bool {
        let effects = FlowState::apply(slot, FlowCommand::AutoRefresh, Timestamp::from_unix(at));
        matches!(
            effects.as_slice(),
            [Effect::SendStep {
                step: Step::Refresh,
                ..
            }]
        )
    }

    fn due(slot: Option<&FlowState>) -> Option<i64> {
        slot.and_then(FlowState::auto_refresh_due)
            .map(Timestamp::unix)
    }

    #[test]
    fn the_backoff_doubles_from_five_seconds_to_five_minutes() {
        let delays: Vec<i64> = (1..=9).map(RefreshBackoff::delay).collect();
        assert_eq!(delays, [5, 10, 20, 40, 80, 160, 300, 300, 300]);
        assert_eq!(RefreshBackoff::delay(u32::MAX), 300, "no overflow");
    }

    #[test]
    fn a_failing_refresh_backs_off_then_stops_and_a_success_resets_it() {
        let mut slot = refreshing_run();
        assert_eq!(due(slot.as_ref()), Some(1_270));
        assert!(!fire(&mut slot, 1_269), "not yet");
        let mut at = 1_270;
        let mut dues = Vec::new();
        for _ in 0..RefreshBackoff::MAX_FAILURES {
            assert!(fire(&mut slot, at), "sent at {at}");
            assert!(!fire(&mut slot, at), "one request at a time");
            let state = slot.as_mut().expect("running");
            state.answered(
                Step::Refresh,
                answer(400, &[], REFUSED),
                Timestamp::from_unix(at),
            );
            match due(slot.as_ref()) {
                Some(next) => {
                    assert!(!fire(&mut slot, next - 1), "not before the backoff");
                    dues.push(next - at);
                    at = next;
                }
                None => dues.push(0),
            }
        }
        assert_eq!(dues, [5, 10, 20, 40, 0], "the fifth failure stops it");
        let state = slot.as_ref().expect("running");
        assert!(state.refresh_backoff.stopped());
        assert!(!fire(&mut slot, at + 10_000), "stopped for good");
        // Switching it off and on is the user's "try again".
        for on in [false, true] {
            FlowState::apply(
                &mut slot,
                FlowCommand::SetAutoRefresh(on),
                Timestamp::from_unix(at),
            );
        }
        assert!(fire(&mut slot, at));
        let state = slot.as_mut().expect("running");
        state.answered(
            Step::Refresh,
            answer(200, &[], TOKENS),
            Timestamp::from_unix(2_000),
        );
        assert_eq!(state.refresh_backoff, RefreshBackoff::default(), "reset");
        assert_eq!(due(slot.as_ref()), Some(2_270));
    }

    #[test]
    fn retry_after_is_honoured_up_to_an_hour() {
        for (header, wait) in [("120", 120), ("1000000000000", 3_600), ("1", 5)] {
            let mut slot = refreshing_run();
            assert!(fire(&mut slot, 1_270));
            let state = slot.as_mut().expect("running");
            state.answered(
                Step::Refresh,
                answer(503, &[("Retry-After", header)], ""),
                Timestamp::from_unix(1_270),
            );
            assert_eq!(
                due(slot.as_ref()),
                Some(1_270 + wait),
                "Retry-After: {header}"
            );
        }
    }

    #[test]
    fn a_refresh_that_cannot_be_built_counts_as_a_failure() {
        let mut slot = refreshing_run();
        if let Some(state) = slot.as_mut() {
            state.session.profile.endpoints.token.clear();
        }
        assert!(!fire(&mut slot, 1_270));
        let state = slot.as_ref().expect("running");
        assert_eq!(state.refresh_backoff.failures, 1);
        assert_eq!(due(slot.as_ref()), Some(1_275));
    }

    #[test]
    fn a_lifetime_shorter_than_the_lead_still_leaves_a_gap() {
        let mut slot = refreshing_run();
        let state = slot.as_mut().expect("running");
        state.session.token_exchanged(
            answer(
                200,
                &[],
                r#"{"access_token":"a","refresh_token":"r","expires_in":10}"#,
            ),
            Timestamp::from_unix(5_000),
        );
        assert_eq!(due(slot.as_ref()), Some(5_005));
    }
}
