//! The flow runner: walks the code flow or the client credentials grant for
//! a profile, then optionally introspects and revokes the access token, step
//! by step, with the same request builders the UI uses, recording every
//! exchange.
//! Used by `tokenscope run` and by the window's flow panel. This module is
//! the run's state ([`FlowSession`], pure: no I/O); [`engine`] drives it.

use serde::Serialize;

use crate::diagnose::{FailureContext, SentFact};
use crate::net::{Exchange, RequestDraft};
use crate::oauth::lint::LintContext;
use crate::secret::Secret;
use crate::token::Timestamp;

use super::callback::{self, CallbackParams};
use super::ciba::{self, BackchannelAuthentication};
use super::device::{self, DeviceAuthorization, PollCode, PollOutcome, PollSchedule};
use super::discovery::{self, ProviderMetadata};
use super::flow::{self, Credentials, Introspection, Step, StepFailure, TokenSet, UserInfo};
use super::pkce::RunSecrets;
use super::profile::{ClientAuth, Grant, Profile};
use super::verification::{AnswerVerification, VerifyArgs, VerifyReport};

mod engine;

pub use engine::{
    Browser, DevicePollTarget, PING_CHECK_INTERVAL, PollEnd, RunOptions, VerifyMode,
    await_ping_then_fetch, call_api, check_browser_url, introspect, listen_for_ping, logout,
    poll_device_token, revoke, run_ciba_flow, run_client_credentials, run_code_flow,
    run_device_flow, run_grant, run_single_grant, send_step_request, verify_pending,
};

/// One step as it happened.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StepRecord {
    /// Which step.
    pub step: Step,
    /// When it finished.
    pub at: Timestamp,
    /// The HTTP exchange, for steps that make one.
    pub exchange: Option<Exchange>,
    /// A one-line summary of success, or the failure.
    pub outcome: Result<String, StepFailure>,
    /// The verification of the tokens the answer returned (signatures and
    /// the relying-party checks), once done; `None` for steps without a
    /// token to verify.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification: Option<Box<super::verification::VerifyReport>>,
    /// How far the provider's clock was ahead of ours (negative: behind), in
    /// seconds, by the answer's `Date` header.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider_clock_skew: Option<i64>,
    /// How a JWT introspection answer (RFC 9701) was opened and checked;
    /// `None` for any other answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub introspection_jwt: Option<Box<IntrospectionJwtFacts>>,
}

/// What a run found in a JWT introspection answer (RFC 9701 §5).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IntrospectionJwtFacts {
    /// Whether the body was a JWE (encrypted to the client).
    pub encrypted: bool,
    /// How it was decrypted: "introspection answer encrypted with
    /// RSA-OAEP-256 / A256GCM, decrypted with key K"; `None` when it was
    /// not encrypted or could not be opened.
    pub decryption: Option<String>,
    /// Whether a signed JWT (JWS) was found (inside the JWE, when encrypted).
    pub signed: bool,
    /// Whether every check passed: only then is the answer used.
    pub passed: bool,
    /// One row per rule: `response`, `typ`, `signature`, `iss`, `aud`,
    /// `iat`, `token_introspection`.
    pub checks: Vec<crate::token::checks::CheckResult>,
}

/// DPoP in one run (RFC 9449).
#[derive(Debug)]
pub struct DpopState {
    /// The run's proof key.
    pub key: super::dpop::ProofKey,
    /// The latest `DPoP-Nonce` a server gave.
    pub nonce: Option<String>,
}

/// The state of one run of a grant.
#[derive(Debug)]
pub struct FlowSession {
    /// The profile (endpoints filled by discovery during the run).
    pub profile: Profile,
    /// The grant this run walks (the profile's default unless chosen otherwise).
    pub grant: Grant,
    /// The client secret.
    pub secret: Option<Secret>,
    /// The private key file's content, for `private_key_jwt` (read off the UI thread).
    pub private_key: Option<Secret>,
    /// Why the private key could not be read, when it could not.
    pub private_key_error: Option<String>,
    /// The keys of the profile's decryption key file (read off the UI
    /// thread), for encrypted ID tokens, UserInfo answers and JARM
    /// responses (OIDC Core 1.0 §10.2). In memory only: the private parts
    /// wipe themselves on drop, and `Debug` never shows them.
    pub decryption_keys: Option<crate::token::keys::KeySet>,
    /// Why the decryption key file could not be read, when it could not.
    pub decryption_key_error: Option<String>,
    /// The passphrase of a PKCS#12 decryption key file (from the secret
    /// store, or `run --decryption-key-passphrase-env`).
    pub decryption_key_passphrase: Option<Secret>,
    /// The encrypted tokens this run opened, as they came and as they were
    /// inside (the nested JWS, or the claims), newest last: what
    /// [`Self::tokens_text`] hands the inspector is the decrypted token.
    opened: Vec<(String, String)>,
    /// The user name for the password grant (RFC 6749 §4.3.2).
    pub username: String,
    /// The password for the password grant: typed for this run, never stored.
    pub password: Option<Secret>,
    /// A refresh token pasted for a standalone refresh; the run's own one wins once it has one.
    pub pasted_refresh_token: Option<Secret>,
    /// Values of the extension grant's secret fields, by field name (from the secret store or typed).
    pub extension_secrets: Vec<(String, Secret)>,
    /// The device authorization answer (RFC 8628 §3.2).
    pub device: Option<DeviceAuthorization>,
    /// When to poll the token endpoint next (RFC 8628 §3.5), for the
    /// device grant and CIBA's poll mode alike.
    pub device_schedule: Option<PollSchedule>,
    /// The backchannel authentication answer (OpenID CIBA Core 1.0 §7.3).
    pub ciba: Option<BackchannelAuthentication>,
    /// CIBA ping mode: when the provider's ping came (CIBA Core §10.2).
    pub pinged: Option<Timestamp>,
    /// The `state` of the RP-initiated logout in progress, with the URL.
    pub logout: Option<(String, String)>,
    /// state, nonce and PKCE values of this run.
    pub run: RunSecrets,
    /// The provider's metadata, once discovered.
    pub metadata: Option<ProviderMetadata>,
    /// The authorization request URL, once built.
    pub authorize_url: Option<String>,
    /// The API the "call an API" step calls with the access token.
    pub api_url: String,
    /// The pushed authorization request's answer (RFC 9126 §2.2) and when
    /// it came: the browser then carries only its `request_uri`.
    pub pushed: Option<(flow::PushedRequest, Timestamp)>,
    /// The code from the callback.
    pub code: Option<Secret>,
    /// Whether the code was sent already (codes are single-use; a bank
    /// deletes one after any failed exchange).
    pub code_sent: bool,
    /// How many times this run's current code has been sent.
    pub code_sends: u32,
    /// Tokens of the run: the last token response's, with what a refresh
    /// answer left out kept from before ([`merge_refresh`]).
    /// DPoP for this run (RFC 9449), when the profile asks: the run's
    /// proof key and the latest nonce a server gave.
    pub dpop: Option<DpopState>,
    pub tokens: Option<TokenSet>,
    /// The newest ID token any step returned, for logout's `id_token_hint`;
    /// cleared by a completed logout.
    pub id_token_hint: Option<String>,
    /// The ID token the newest one replaced: a refreshed ID token is checked
    /// against it (OIDC Core 1.0 §12.2).
    pub replaced_id_token: Option<String>,
    /// UserInfo's answer.
    pub userinfo: Option<UserInfo>,
    /// The last introspection answer (RFC 7662 §2.2).
    pub introspection: Option<Introspection>,
    /// The steps so far, oldest first: the newest [`MAX_RECORDS`] (fewer
    /// when their bodies pass [`MAX_RECORD_BYTES`]).
    pub records: Vec<StepRecord>,
    /// How many earlier steps were dropped from `records` to keep it bounded.
    pub dropped_records: usize,
    /// The steps that succeeded at least once, dropped records included.
    succeeded_steps: Vec<Step>,
}

/// How many steps a run keeps: device polling or refreshing for hours
/// would otherwise grow the history without end.
pub const MAX_RECORDS: usize = 200;

/// How many body bytes a run's steps may hold together: 200 answers cut at
/// 100 MiB would be 20 GB. The newest step is always kept.
pub const MAX_RECORD_BYTES: usize = 256 * 1024 * 1024;

impl StepRecord {
    /// The bytes of the request and response bodies this record holds.
    pub fn body_bytes(&self) -> usize {
        self.exchange.as_ref().map_or(0, |exchange| {
            exchange.request.body.len().saturating_add(
                exchange
                    .response
                    .as_ref()
                    .map_or(0, |response| response.body.len()),
            )
        })
    }
}

/// Drops the oldest of `items` until at most `max_items` remain and their
/// sizes add up to at most `max_bytes` (the newest stays, whatever its size);
/// returns how many were dropped. One pass, linear in `items`.
pub fn keep_newest<T>(
    items: &mut Vec<T>,
    max_items: usize,
    max_bytes: usize,
    size: impl Fn(&T) -> usize,
) -> usize {
    let mut kept = 0;
    let mut bytes = 0_usize;
    for item in items.iter().rev() {
        let total = bytes.saturating_add(size(item));
        if kept > 0 && (kept >= max_items || total > max_bytes) {
            break;
        }
        bytes = total;
        kept += 1;
    }
    let dropped = items.len().saturating_sub(kept);
    items.drain(..dropped);
    dropped
}

/// SberBusiness ID asks for state ≥ 36 and nonce ≥ 10 characters; these
/// minimums satisfy every provider we know.
const MIN_STATE: usize = 36;
const MIN_NONCE: usize = 10;

impl FlowSession {
    /// A new run for `profile`: fresh state, nonce and PKCE values.
    pub fn new(profile: Profile, secret: Option<Secret>) -> Self {
        let run = RunSecrets::generate(profile.pkce, MIN_STATE, MIN_NONCE);
        // A fresh key per run (RFC 9449 §2); should the system's randomness
        // fail, the drafts say so.
        let profile_dpop = profile
            .dpop
            .then(|| super::dpop::ProofKey::generate().ok())
            .flatten()
            .map(|key| DpopState { key, nonce: None });
        Self {
            grant: profile.default_grant.clone(),
            profile,
            secret,
            private_key: None,
            private_key_error: None,
            decryption_keys: None,
            decryption_key_error: None,
            decryption_key_passphrase: None,
            opened: Vec::new(),
            username: String::new(),
            password: None,
            pasted_refresh_token: None,
            extension_secrets: Vec::new(),
            device: None,
            device_schedule: None,
            ciba: None,
            pinged: None,
            logout: None,
            run,
            metadata: None,
            authorize_url: None,
            api_url: String::new(),
            pushed: None,
            code: None,
            code_sent: false,
            code_sends: 0,
            tokens: None,
            dpop: profile_dpop,
            id_token_hint: None,
            replaced_id_token: None,
            userinfo: None,
            introspection: None,
            records: Vec::new(),
            dropped_records: 0,
            succeeded_steps: Vec::new(),
        }
    }

    /// Applies a discovery exchange.
    pub fn discovered(&mut self, exchange: Exchange, now: Timestamp) -> &StepRecord {
        let outcome = match discovery::parse_exchange(&exchange) {
            Ok(metadata) => {
                let outcome = discovery::apply(&mut self.profile, &metadata);
                self.metadata = Some(metadata);
                let mut summary =
                    crate::tr!("run-discovery-endpoints", count = outcome.changes.len());
                for warning in outcome.warnings {
                    summary.push_str("; ");
                    summary.push_str(&warning);
                }
                Ok(summary)
            }
            Err(error) => Err(StepFailure::new(error.to_string())),
        };
        // Answered at a later location (see `send_step_request`): say which
        // came first and were absent.
        let urls = discovery::discovery_urls(&self.profile);
        let tried = urls
            .iter()
            .position(|url| *url == exchange.request.url)
            .and_then(|index| urls.get(..index))
            .unwrap_or_default();
        let outcome = match outcome {
            Ok(mut summary) if !tried.is_empty() => {
                summary.push_str("; ");
                summary.push_str(&crate::tr!(
                    "run-discovery-fallback",
                    urls = tried.join(", ")
                ));
                Ok(summary)
            }
            other => other,
        };
        self.push(Step::Discovery, Some(exchange), outcome, now)
    }

    /// Builds the authorization URL: with PAR the pushed request's
    /// `request_uri`, with a request object the parameters signed (RFC
    /// 9101 §5.1), else the parameters themselves.
    pub fn prepare_authorize(&mut self, now: Timestamp) -> Result<String, StepFailure> {
        match self.front_channel_url(now) {
            Ok(url) => {
                self.authorize_url = Some(url.clone());
                self.push(
                    Step::Authorize,
                    None,
                    Ok(crate::tr!("run-browser-sent")),
                    now,
                );
                Ok(url)
            }
            Err(failure) => {
                self.push(Step::Authorize, None, Err(failure.clone()), now);
                Err(failure)
            }
        }
    }

    /// The authorization parameters of this run (its `state`, `nonce`,
    /// PKCE values and, with DPoP, `dpop_jkt`, RFC 9449 §10).
    pub fn authorize_parameters(&self) -> Vec<(String, String)> {
        let jkt = self.dpop.as_ref().map(|state| state.key.thumbprint());
        flow::authorize_parameters(&self.profile, &self.run, jkt.as_deref())
    }

    /// The parameters signed into a request object (RFC 9101 §4) with the
    /// client assertion's key, `aud` the issuer; the result is what goes
    /// beside it (§5: `client_id`, `request`, and what OIDC wants outside).
    fn with_request_object(
        &self,
        params: &[(String, String)],
        now: Timestamp,
    ) -> Result<Vec<(String, String)>, StepFailure> {
        let object = self.signed_request_object(params, now)?;
        Ok(super::request_object::by_value_parameters(
            &object,
            params,
            self.profile.client_id.trim(),
        ))
    }

    /// `params` signed into a request object (RFC 9101 §4; CIBA Core
    /// §7.1.1 for a backchannel authentication request) with the client
    /// assertion's key: `iss` the client id, `aud` the issuer.
    fn signed_request_object(
        &self,
        params: &[(String, String)],
        now: Timestamp,
    ) -> Result<String, StepFailure> {
        use super::assertion::AssertionError;
        let settings = &self.profile.client_assertion;
        let failed = |error: String| {
            StepFailure::new(crate::tr!("run-request-object-failed", error = error))
        };
        let Some(text) = &self.private_key else {
            return Err(failed(match &self.private_key_error {
                Some(error) => error.clone(),
                None if settings.key_file.trim().is_empty() => {
                    AssertionError::NoKeyFile.to_string()
                }
                None => AssertionError::KeyNotLoaded.to_string(),
            }));
        };
        let (key, file_kid) =
            super::assertion::ClientKey::from_file_bytes(text.expose().as_bytes(), None)
                .map_err(|e| failed(e.to_string()))?;
        let kid = if settings.key_id.trim().is_empty() {
            file_kid.unwrap_or_default()
        } else {
            settings.key_id.trim().to_owned()
        };
        super::request_object::sign(
            params,
            self.profile.client_id.trim(),
            self.profile.issuer.trim(),
            &key,
            (settings.algorithm.trim(), &kid),
            now,
            super::request_object::DEFAULT_LIFETIME_SECONDS,
        )
        .map_err(|e| failed(e.to_string()))
    }

    /// The authorization URL that carries a pushed request's reference
    /// (RFC 9126 §4): `client_id` and `request_uri` only.
    fn pushed_reference_url(&self, pushed: &flow::PushedRequest) -> Result<String, StepFailure> {
        let params = super::request_object::by_reference_parameters(
            &pushed.request_uri,
            self.profile.client_id.trim(),
        );
        flow::authorization_endpoint_url(&self.profile, &params)
    }

    /// The URL the browser opens at `now`.
    fn front_channel_url(&self, now: Timestamp) -> Result<String, StepFailure> {
        if self.profile.par {
            let (pushed, at) = self
                .pushed
                .as_ref()
                .ok_or_else(|| StepFailure::new(crate::tr!("run-par-not-pushed")))?;
            if now.unix() >= at.unix().saturating_add(pushed.expires_in) {
                return Err(StepFailure::new(crate::tr!(
                    "run-par-expired",
                    seconds = pushed.expires_in
                )));
            }
            return self.pushed_reference_url(pushed);
        }
        let params = self.authorize_parameters();
        let params = if self.profile.request_object {
            self.with_request_object(&params, now)?
        } else {
            params
        };
        flow::authorization_endpoint_url(&self.profile, &params)
    }

    /// The pushed authorization request (RFC 9126 §2.1): the parameters,
    /// signed into a request object when the profile asks (§3).
    pub fn pushed_authorization_draft(&self, now: Timestamp) -> Result<RequestDraft, StepFailure> {
        let params = self.authorize_parameters();
        let params = if self.profile.request_object {
            self.with_request_object(&params, now)?
        } else {
            params
        };
        flow::pushed_authorization_request(&self.profile, self.credentials(now), params)
    }

    /// Applies the PAR endpoint's answer.
    pub fn pushed_authorization_answered(
        &mut self,
        exchange: Exchange,
        now: Timestamp,
    ) -> &StepRecord {
        let outcome = flow::parse_pushed_authorization_response(&exchange).map(|pushed| {
            let text = crate::tr!(
                "run-par-pushed",
                uri = flow::mask_middle(&pushed.request_uri),
                seconds = pushed.expires_in
            );
            self.pushed = Some((pushed, now));
            // A new reference: the browser's URL is built again from it.
            self.authorize_url = None;
            text
        });
        self.push(Step::PushedAuthorization, Some(exchange), outcome, now)
    }

    /// A JWT-secured authorization response (JARM) in `params` checked with
    /// the provider's keys (`jwks`: the key set's JSON, or why it could not
    /// be fetched): signature, `iss`, `aud`, `exp` and `state` (JARM §2.4),
    /// each a row; only a response that passes them all is applied as the
    /// redirect, by [`Self::callback`]. Without a `response` parameter, the
    /// same as [`Self::callback`].
    pub fn jarm_callback(
        &mut self,
        params: &CallbackParams,
        jwks: Result<String, String>,
        now: Timestamp,
    ) -> &StepRecord {
        let Some(response) = params.jarm_response() else {
            return self.callback(params, now);
        };
        let keys = match &jwks {
            Ok(json) => crate::token::keys::KeySet::from_jwks_json(
                json,
                self.key_source().as_deref().unwrap_or("jwks_uri"),
            ),
            Err(_) => crate::token::keys::KeySet::default(),
        };
        let checked = super::jarm::check_response(
            response,
            &super::jarm::JarmExpectations {
                issuer: self.profile.issuer.trim(),
                client_id: self.profile.client_id.trim(),
                keys: &keys,
                decryption: self.decryption_keys.as_ref(),
                state: Some(&self.run.state),
                now,
                leeway: crate::token::checks::DEFAULT_LEEWAY,
            },
        );
        let signature = checked
            .checks
            .iter()
            .find(|row| row.name == "signature")
            .map(|row| row.reason.clone())
            .unwrap_or_default();
        let refused = checked
            .checks
            .iter()
            .filter(|row| row.is_fail())
            .map(|row| format!("{}: {} ({})", row.name, row.reason, row.spec))
            .collect::<Vec<_>>()
            .join("; ");
        // An encrypted response (JARM §2.3): the step says how it was opened.
        let encrypted = matches!(
            crate::token::jose::decode_unverified(response.trim()),
            Ok(crate::token::jose::Decoded::Jwe(_))
        );
        let decrypted = checked
            .checks
            .iter()
            .find(|row| encrypted && row.name == "response" && !row.is_fail())
            .map(|row| row.reason.clone());
        let outcome = if let Some(parameters) = checked.parameters() {
            let inner = CallbackParams::from_parameters(params.raw_url.clone(), &parameters);
            self.callback_outcome(&inner).map(|text| {
                let mut text =
                    crate::tr!("run-jarm-verified", summary = text, signature = signature);
                if let Some(decrypted) = &decrypted {
                    text.push_str("; ");
                    text.push_str(decrypted);
                }
                text
            })
        } else {
            let mut message = crate::tr!("run-jarm-refused", rows = refused);
            if let Err(error) = jwks {
                message = format!("{message} {error}");
            }
            Err(StepFailure::new(message))
        };
        self.push(Step::Callback, None, outcome, now)
    }

    /// Applies the redirect: checks state, then iss (RFC 9207), then an error.
    pub fn callback(&mut self, params: &CallbackParams, now: Timestamp) -> &StepRecord {
        let outcome = if params.jarm_response().is_some() {
            Err(StepFailure::new(crate::tr!("run-jarm-needs-keys")))
        } else {
            self.callback_outcome(params)
        };
        self.push(Step::Callback, None, outcome, now)
    }

    /// The redirect's verdict; keeps its code when it is good.
    fn callback_outcome(&mut self, params: &CallbackParams) -> Result<String, StepFailure> {
        let iss_supported = self
            .metadata
            .as_ref()
            .is_some_and(ProviderMetadata::iss_parameter_supported);
        let issuer =
            (!self.profile.issuer.trim().is_empty()).then(|| self.profile.issuer.trim().to_owned());
        match callback::check_callback(params, &self.run.state, issuer.as_deref(), iss_supported) {
            Ok(code) => {
                self.code = Some(code);
                self.code_sent = false;
                self.code_sends = 0;
                Ok(if params.iss.is_some() {
                    crate::tr!("run-code-state-iss")
                } else {
                    crate::tr!("run-code-state")
                })
            }
            Err(problem) => {
                let mut failure = StepFailure::new(problem.to_string());
                if let (Some(error), description) = (&params.error, &params.error_description) {
                    failure = flow::failure_from(flow::ProviderError {
                        status: 0,
                        error: error.clone(),
                        description: description.clone(),
                        uri: params.error_uri.clone(),
                    });
                    failure.message = problem.to_string();
                }
                Err(failure)
            }
        }
    }

    /// What the client authenticates with at `now` (RFC 6749 §2.3, RFC 7523 §2.2).
    pub fn credentials(&self, now: Timestamp) -> Credentials<'_> {
        Credentials {
            secret: self.secret.as_ref(),
            private_key: self.private_key.as_ref(),
            now,
        }
    }

    /// Whether the run needs the private key file read before it can send.
    pub fn needs_private_key(&self) -> bool {
        (self.profile.client_auth == ClientAuth::PrivateKeyJwt || self.profile.request_object)
            && self.private_key.is_none()
            && !self.profile.client_assertion.key_file.trim().is_empty()
    }

    /// Reads the profile's private key file (CLI and background jobs only:
    /// it is disk work). A failure is kept for the UI and the requests.
    pub fn load_private_key(&mut self) {
        match super::assertion::read_key_file(&self.profile.client_assertion.key_file) {
            Ok(pem) => {
                self.private_key = Some(pem);
                self.private_key_error = None;
            }
            Err(error) => self.private_key_error = Some(error.to_string()),
        }
    }

    /// Whether the run needs the decryption key file read: the profile
    /// names one and it is not loaded yet.
    pub fn needs_decryption_key(&self) -> bool {
        self.decryption_keys.is_none() && !self.profile.decryption_key_file.trim().is_empty()
    }

    /// Reads the profile's decryption key file (CLI and background jobs
    /// only: it is disk work), with the one loader of `decode --key` and
    /// `verify --decryption-key`. A failure is kept for the UI and the steps.
    pub fn load_decryption_key(&mut self) {
        let result = read_decryption_key(
            &self.profile.decryption_key_file,
            self.decryption_key_passphrase.as_ref(),
        );
        self.decryption_key_loaded(result);
    }

    /// The decryption key file was read (or not).
    pub fn decryption_key_loaded(&mut self, result: Result<crate::token::keys::KeySet, String>) {
        match result {
            Ok(keys) => {
                self.decryption_keys = Some(keys);
                self.decryption_key_error = None;
            }
            Err(error) => {
                self.decryption_keys = None;
                self.decryption_key_error = Some(error);
            }
        }
    }

    /// Opens `compact` when it is a JWE (RFC 7516 compact: five parts) with
    /// the run's decryption keys. `None` when it is not one; else what was
    /// inside (the nested JWT, or the plaintext) with the line that says
    /// how, or why it stays closed: no key file, a file that could not be
    /// read, a key that does not fit (`what` names it: "ID token").
    fn open_jwe(&self, compact: &str, what: &str) -> Option<Result<OpenedJwe, String>> {
        use crate::token::jose::Decoded;
        let Ok(Decoded::Jwe(jwe)) = crate::token::jose::decode_unverified(compact.trim()) else {
            return None;
        };
        let header = |name: &str| {
            jwe.header
                .get(name)
                .and_then(serde_json::Value::as_str)
                .unwrap_or("?")
                .to_owned()
        };
        let (alg, enc) = (header("alg"), header("enc"));
        let Some(keys) = self.decryption_keys.as_ref().filter(|k| k.can_decrypt()) else {
            return Some(Err(if let Some(error) = &self.decryption_key_error {
                crate::tr!(
                    "run-jwe-key-unreadable",
                    what = what,
                    alg = alg,
                    enc = enc,
                    error = error.as_str()
                )
            } else if self.needs_decryption_key() {
                // The window reads the file in the background: not yet.
                crate::tr!("run-jwe-key-pending", what = what, alg = alg, enc = enc)
            } else {
                crate::tr!("run-jwe-no-key", what = what, alg = alg, enc = enc)
            }));
        };
        let opened =
            match crate::token::jwe::open(&jwe, keys, crate::token::jwe::DecryptOptions::default())
            {
                Ok(opened) => opened,
                Err(error) => {
                    return Some(Err(crate::tr!(
                        "run-jwe-failed",
                        what = what,
                        alg = alg,
                        enc = enc,
                        error = error.to_string()
                    )));
                }
            };
        let inside = opened.opened?;
        let key = inside
            .decryption
            .key
            .kid
            .clone()
            .or_else(|| inside.decryption.key.fingerprint.clone())
            .unwrap_or_else(|| inside.decryption.key_name.clone());
        let note = crate::tr!(
            "run-jwe-decrypted",
            what = what,
            alg = inside.decryption.alg.as_str(),
            enc = inside.decryption.enc.as_str(),
            key = key
        );
        Some(Ok(OpenedJwe {
            claims: match &inside.content {
                crate::token::jwe::Content::Claims(claims) => Some(claims.clone()),
                _ => None,
            },
            nested: matches!(inside.content, crate::token::jwe::Content::Nested(_)),
            text: inside.text.trim().to_owned(),
            note,
        }))
    }

    /// A token answer's encrypted ID token opened (OIDC Core 1.0 §10.2:
    /// signed, then encrypted): the nested JWS replaces it in `tokens`, to
    /// be shown, verified and sent as `id_token_hint` (§3.1.2.1). The line
    /// to add to the step's summary, or why the step fails.
    fn open_id_token(&mut self, tokens: &mut TokenSet) -> Result<Option<String>, StepFailure> {
        let Some(id_token) = tokens.id_token.clone() else {
            return Ok(None);
        };
        let what = crate::tr!("run-jwe-id-token");
        match self.open_jwe(&id_token, &what) {
            None => Ok(None),
            Some(Err(message)) => Err(StepFailure::new(message)),
            Some(Ok(opened)) => {
                if opened.nested {
                    tokens.id_token = Some(opened.text.clone());
                }
                self.remember_opened(id_token, opened.text);
                Ok(Some(opened.note))
            }
        }
    }

    /// `text` (an answer of this run) with each encrypted token the run
    /// opened replaced by what was inside: what the step's card and the
    /// inspector show.
    pub fn with_opened(&self, mut text: String) -> String {
        for (encrypted, inside) in &self.opened {
            if text.contains(encrypted.as_str()) {
                text = text.replace(encrypted.as_str(), inside);
            }
        }
        text
    }

    /// Keeps `(encrypted, inside)` for [`Self::tokens_text`], the newest 16.
    fn remember_opened(&mut self, encrypted: String, inside: String) {
        self.opened.push((encrypted, inside));
        let _ = keep_newest(&mut self.opened, 16, usize::MAX, |_| 1);
    }

    /// Applies a token answer's tokens (a code exchange, a grant, a poll):
    /// an encrypted ID token opened, then the tokens kept; the step's line.
    /// Tokens whose ID token stays closed are kept as they came (the access
    /// token still works) and the step fails, saying why.
    fn tokens_answered(
        &mut self,
        mut tokens: TokenSet,
        kept: &[Kept],
    ) -> Result<String, StepFailure> {
        let opened = self.open_id_token(&mut tokens);
        let mut summary = self.summary_of(&tokens, kept);
        match opened {
            Ok(note) => {
                if let Some(note) = note {
                    summary.push_str("; ");
                    summary.push_str(&note);
                }
                self.keep_tokens(tokens);
                Ok(summary)
            }
            Err(failure) => {
                self.keep_tokens(tokens);
                Err(failure)
            }
        }
    }

    /// The code exchange request, or why it cannot be built.
    pub fn token_draft(&self, now: Timestamp) -> Result<RequestDraft, StepFailure> {
        let code = self
            .code
            .as_ref()
            .ok_or_else(|| StepFailure::new(crate::tr!("run-no-code")))?;
        flow::code_request(&self.profile, self.credentials(now), code, &self.run)
    }

    /// Applies the token response.
    pub fn token_exchanged(&mut self, exchange: Exchange, now: Timestamp) -> &StepRecord {
        self.code_sent = true;
        self.code_sends += 1;
        let outcome = flow::parse_token_response(&exchange)
            .and_then(|tokens| self.tokens_answered(tokens, &[]));
        self.push(Step::Token, Some(exchange), outcome, now)
    }

    /// The UserInfo request.
    pub fn userinfo_draft(&self) -> Result<RequestDraft, StepFailure> {
        let token = self
            .tokens
            .as_ref()
            .and_then(|t| t.access_token.as_deref())
            .ok_or_else(|| StepFailure::new("There is no access token yet."))?;
        flow::userinfo_request(&self.profile, token)
    }

    /// The call to [`Self::api_url`] with the run's access token.
    pub fn api_draft(&self) -> Result<RequestDraft, StepFailure> {
        let token = self
            .tokens
            .as_ref()
            .and_then(|t| t.access_token.as_deref())
            .ok_or_else(|| StepFailure::new(crate::tr!("run-api-no-token")))?;
        flow::api_request(&self.profile, &self.api_url, token)
    }

    /// Applies the UserInfo response.
    pub fn userinfo_answered(&mut self, exchange: Exchange, now: Timestamp) -> &StepRecord {
        let outcome = flow::parse_userinfo_response(&exchange).and_then(|info| {
            let (info, note) = self.open_userinfo(info)?;
            let mut summary = match &info {
                UserInfo::Claims(claims) => claims.get("sub").and_then(|s| s.as_str()).map_or_else(
                    || crate::tr!("run-userinfo-claims", count = claims.len()),
                    |sub| crate::tr!("run-userinfo-sub", count = claims.len(), sub = sub),
                ),
                UserInfo::Jwt(_) => crate::tr!("run-userinfo-jwt"),
            };
            if let Some(note) = note {
                summary.push_str("; ");
                summary.push_str(&note);
            }
            self.userinfo = Some(info);
            Ok(summary)
        });
        self.push(Step::UserInfo, Some(exchange), outcome, now)
    }

    /// An encrypted UserInfo answer (`application/jwt`, OIDC Core 1.0
    /// §5.3.2) opened: a nested JWS is then the answer's JWT, claims
    /// encrypted without a signature its claims; with the line that says how.
    fn open_userinfo(&mut self, info: UserInfo) -> Result<(UserInfo, Option<String>), StepFailure> {
        let UserInfo::Jwt(jwt) = &info else {
            return Ok((info, None));
        };
        let what = crate::tr!("run-jwe-userinfo");
        match self.open_jwe(jwt, &what) {
            None => Ok((info, None)),
            Some(Err(message)) => Err(StepFailure::new(message)),
            Some(Ok(opened)) => {
                let encrypted = jwt.clone();
                self.remember_opened(encrypted, opened.text.clone());
                let inside = match opened.claims {
                    Some(claims) => UserInfo::Claims(claims),
                    None => UserInfo::Jwt(opened.text),
                };
                Ok((inside, Some(opened.note)))
            }
        }
    }

    /// The refresh token a refresh would send: the run's own, else the pasted one.
    pub fn refresh_token(&self) -> Option<&str> {
        self.tokens
            .as_ref()
            .and_then(|t| t.refresh_token.as_deref())
            .or_else(|| {
                self.pasted_refresh_token
                    .as_ref()
                    .map(Secret::expose)
                    .filter(|t| !t.trim().is_empty())
            })
    }

    /// The refresh request (RFC 6749 §6), with the run's refresh token or a pasted one.
    pub fn refresh_draft(&self, now: Timestamp) -> Result<RequestDraft, StepFailure> {
        let token = self.refresh_token().ok_or_else(|| {
            StepFailure::new(if self.grant == Grant::RefreshToken {
                crate::tr!("run-paste-refresh")
            } else {
                crate::tr!("run-no-refresh")
            })
        })?;
        flow::refresh_request(&self.profile, self.credentials(now), token.trim())
    }

    /// The password grant request (RFC 6749 §4.3.2).
    pub fn password_draft(&self, now: Timestamp) -> Result<RequestDraft, StepFailure> {
        let password = self
            .password
            .as_ref()
            .ok_or_else(|| StepFailure::new(crate::tr!("run-type-password")))?;
        flow::password_request(
            &self.profile,
            self.credentials(now),
            &self.username,
            password,
        )
    }

    /// The extension grant's fields with the secret values filled in.
    pub fn extension_fields(&self) -> Vec<(String, String)> {
        self.profile
            .extension_grant
            .fields
            .iter()
            .map(|field| {
                let value = if field.secret {
                    self.extension_secrets
                        .iter()
                        .find(|(name, _)| *name == field.name)
                        .map(|(_, value)| value.expose().to_owned())
                        .unwrap_or_default()
                } else {
                    field.value.clone()
                };
                (field.name.clone(), value)
            })
            .collect()
    }

    /// The extension grant request (RFC 6749 §4.5).
    pub fn extension_draft(&self, now: Timestamp) -> Result<RequestDraft, StepFailure> {
        let grant_type = match &self.grant {
            Grant::Extension(name) => name.as_str(),
            _ => "",
        };
        flow::extension_request(
            &self.profile,
            self.credentials(now),
            grant_type,
            &self.extension_fields(),
        )
    }

    /// Applies a token response of the password or an extension grant.
    pub fn granted(&mut self, step: Step, exchange: Exchange, now: Timestamp) -> &StepRecord {
        let outcome = flow::parse_token_response(&exchange)
            .and_then(|tokens| self.tokens_answered(tokens, &[]));
        self.push(step, Some(exchange), outcome, now)
    }

    /// The device authorization request (RFC 8628 §3.1).
    pub fn device_authorization_draft(&self, now: Timestamp) -> Result<RequestDraft, StepFailure> {
        device::authorization_request(&self.profile, self.credentials(now))
    }

    /// Applies the device authorization response (RFC 8628 §3.2).
    pub fn device_authorized(&mut self, exchange: Exchange, now: Timestamp) -> &StepRecord {
        let outcome = device::parse_authorization(&exchange).map(|answer| {
            let mut summary = crate::tr!(
                "run-device-authorized",
                code = answer.user_code.as_str(),
                uri = answer.verification_uri.as_str(),
                expires = answer.expires_in,
                interval = answer.interval
            );
            for note in &answer.adjusted {
                summary.push_str("; ");
                summary.push_str(note);
            }
            self.device_schedule = Some(PollSchedule::new(&answer, now));
            self.device = Some(answer);
            self.tokens = None;
            summary
        });
        self.push(Step::DeviceAuthorization, Some(exchange), outcome, now)
    }

    /// The device access token request (RFC 8628 §3.4).
    pub fn device_token_draft(&self, now: Timestamp) -> Result<RequestDraft, StepFailure> {
        let answer = self
            .device
            .as_ref()
            .ok_or_else(|| StepFailure::new(crate::tr!("run-no-device-code")))?;
        device::token_request(&self.profile, self.credentials(now), &answer.device_code)
    }

    /// The backchannel authentication request (OpenID CIBA Core 1.0 §7.1);
    /// an empty `id_token_hint` is the run's last ID token. Its parameters
    /// are signed into a `request` JWT when the profile asks for request
    /// objects (§7.1.1).
    pub fn backchannel_authentication_draft(
        &self,
        now: Timestamp,
    ) -> Result<RequestDraft, StepFailure> {
        let params = ciba::authentication_parameters(
            &self.profile,
            self.id_token_hint.as_deref(),
            &self.run.client_notification_token,
        )?;
        let fields = if self.profile.request_object {
            ciba::signed_request_fields(&self.signed_request_object(&params, now)?)
        } else {
            params
        };
        ciba::authentication_request(&self.profile, self.credentials(now), fields)
    }

    /// Applies the backchannel authentication answer (CIBA Core §7.3): the
    /// poll schedule starts now.
    pub fn backchannel_authenticated(&mut self, exchange: Exchange, now: Timestamp) -> &StepRecord {
        let outcome = ciba::parse_authentication(&exchange, &self.profile.ciba.binding_message)
            .map(|answer| {
                let mut summary = if self.profile.ciba.delivery_mode == ciba::DeliveryMode::Ping {
                    crate::tr!("run-ciba-authorized-ping", expires = answer.expires_in)
                } else {
                    crate::tr!(
                        "run-ciba-authorized",
                        expires = answer.expires_in,
                        interval = answer.interval
                    )
                };
                if !answer.binding_message.is_empty() {
                    summary.push_str("; ");
                    summary.push_str(&crate::tr!(
                        "run-ciba-binding",
                        message = ciba::shown_binding_message(&answer.binding_message)
                    ));
                }
                for note in &answer.adjusted {
                    summary.push_str("; ");
                    summary.push_str(note);
                }
                self.device_schedule = Some(PollSchedule::starting(
                    answer.interval,
                    answer.expires_in,
                    now,
                ));
                self.ciba = Some(answer);
                self.pinged = None;
                self.tokens = None;
                summary
            });
        self.push(
            Step::BackchannelAuthentication,
            Some(exchange),
            outcome,
            now,
        )
    }

    /// The CIBA token request with `auth_req_id` (CIBA Core §10.1).
    pub fn ciba_token_draft(&self, now: Timestamp) -> Result<RequestDraft, StepFailure> {
        let answer = self
            .ciba
            .as_ref()
            .ok_or_else(|| StepFailure::new(crate::tr!("run-no-auth-req-id")))?;
        ciba::token_request(&self.profile, self.credentials(now), &answer.auth_req_id)
    }

    /// What this run's polls carry: CIBA's `auth_req_id` for the CIBA grant,
    /// else the device code; `None` before the first answer.
    pub fn poll_code(&self) -> Option<PollCode> {
        if self.grant == Grant::Ciba {
            self.ciba
                .as_ref()
                .map(|answer| PollCode::Ciba(answer.auth_req_id.clone()))
        } else {
            self.device
                .as_ref()
                .map(|answer| PollCode::Device(answer.device_code.clone()))
        }
    }

    /// The step this run's polls are recorded as: [`Step::CibaToken`] for
    /// the CIBA grant, else [`Step::DeviceToken`].
    pub fn poll_step(&self) -> Step {
        if self.grant == Grant::Ciba {
            Step::CibaToken
        } else {
            Step::DeviceToken
        }
    }

    /// The token request of one poll of this run's grant.
    pub fn poll_draft(&self, now: Timestamp) -> Result<RequestDraft, StepFailure> {
        if self.grant == Grant::Ciba {
            self.ciba_token_draft(now)
        } else {
            self.device_token_draft(now)
        }
    }

    /// Applies one poll's answer (RFC 8628 §3.5): records it (a pending poll
    /// as the provider's `authorization_pending` or `slow_down`), adjusts the
    /// schedule, keeps the tokens. Returns what the poll said.
    pub fn device_polled(&mut self, exchange: Exchange, now: Timestamp) -> PollOutcome {
        let outcome = device::poll_outcome(&exchange);
        if let Some(schedule) = self.device_schedule.as_mut() {
            schedule.after(&outcome);
        }
        let record = match &outcome {
            PollOutcome::Tokens(tokens) if self.grant == Grant::Ciba && self.pinged.is_some() => {
                // Ping mode: the answer to the one request after the ping (CIBA Core §10.2).
                self.tokens_answered(tokens.clone(), &[])
                    .map(|summary| format!("{}; {summary}", crate::tr!("run-ciba-pinged")))
            }
            PollOutcome::Tokens(tokens) => self.tokens_answered(tokens.clone(), &[]),
            PollOutcome::Pending(failure) | PollOutcome::SlowDown(failure) => {
                let interval = self.device_schedule.map_or(0, |s| s.interval);
                let mut failure = failure.clone();
                failure.message = if matches!(outcome, PollOutcome::SlowDown(_)) {
                    crate::tr!("run-slow-down", interval = interval)
                } else {
                    crate::tr!("run-pending", interval = interval)
                };
                Err(failure)
            }
            PollOutcome::Failed(failure) => Err(failure.clone()),
        };
        self.push(self.poll_step(), Some(exchange), record, now);
        outcome
    }

    /// Builds the end-session URL with a fresh `state` (RP-Initiated Logout §2);
    /// the redirect comes back to the profile's redirect URI.
    pub fn prepare_logout(&mut self) -> Result<String, StepFailure> {
        let state = RunSecrets::generate(super::PkceMode::Off, MIN_STATE, MIN_NONCE).state;
        // The latest ID token of the run, even when a later answer or a
        // new device authorization cleared the token set (RP-Initiated
        // Logout §2 recommends the hint; some providers require it).
        let id_token = self.id_token_hint.as_deref();
        let url = super::logout::end_session_url(
            &self.profile,
            id_token,
            &self.profile.redirect_uri,
            &state,
        )?;
        self.logout = Some((state, url.clone()));
        Ok(url)
    }

    /// Applies the redirect back from the end-session endpoint: checks `state`.
    pub fn logout_returned(&mut self, params: &CallbackParams, now: Timestamp) -> &StepRecord {
        let outcome = match &self.logout {
            Some((state, _)) => {
                super::logout::check_return(params, state).map(|()| crate::tr!("run-signed-out"))
            }
            None => Err(StepFailure::new(crate::tr!("run-no-logout"))),
        };
        if outcome.is_ok() {
            self.tokens = None;
            self.id_token_hint = None;
        }
        self.push(Step::Logout, None, outcome, now)
    }

    /// Applies the refresh response: the answer's tokens replace the old
    /// ones, and what it left out is kept ([`merge_refresh`]); the summary
    /// says what was kept.
    pub fn refreshed(&mut self, exchange: Exchange, now: Timestamp) -> &StepRecord {
        let outcome = flow::parse_token_response(&exchange).and_then(|fresh| {
            let (tokens, kept) = merge_refresh(self.tokens.as_ref(), fresh);
            self.tokens_answered(tokens, &kept)
        });
        self.push(Step::Refresh, Some(exchange), outcome, now)
    }

    /// Stores a step's token set; its ID token becomes the logout hint.
    fn keep_tokens(&mut self, tokens: TokenSet) {
        // A provider may answer a refresh with the very same ID token (same
        // claims within a second sign the same): it is still the one replaced.
        if let Some(id_token) = &tokens.id_token {
            self.replaced_id_token = self.id_token_hint.replace(id_token.clone());
        }
        self.tokens = Some(tokens);
    }

    /// What to verify in the last step's answer: the ID token and JWT
    /// access tokens of a successful token, refresh, password, extension,
    /// client credentials or device answer; `None` for any other step.
    pub fn answer_verification(&self, now: Timestamp) -> Option<AnswerVerification> {
        let record = self.records.last()?;
        if !record.step.returns_tokens() || record.outcome.is_err() {
            return None;
        }
        let response = record.exchange.as_ref()?.response.as_ref().ok()?;
        let mut args = VerifyArgs::new(now);
        args.profile = Some(self.profile.clone());
        if record.step == Step::Token {
            // The authorization request carried this run's nonce (OIDC Core
            // §3.1.2.1) and the code is the one exchanged (c_hash, §3.3.2.11).
            args.nonce = Some(self.run.nonce.clone());
            args.code = self.code.as_ref().map(|code| code.expose().to_owned());
        }
        Some(AnswerVerification {
            args,
            text: response.text(),
            jwks_url: self.key_source(),
            client_secret: self.secret.clone(),
            original_id_token: (record.step == Step::Refresh)
                .then(|| self.replaced_id_token.clone())
                .flatten(),
            provider_clock_skew: record.provider_clock_skew,
            decryption: self
                .decryption_keys
                .clone()
                .filter(crate::token::keys::KeySet::can_decrypt)
                .map(super::verification::DecryptionKeys),
        })
    }

    /// Where the provider's keys are: the JWKS URI, else the certificate
    /// endpoint a provider without JWKS publishes (SberBusiness ID's
    /// `certificate`, a PEM certificate).
    pub fn key_source(&self) -> Option<String> {
        let jwks = self.profile.endpoints.jwks.trim();
        if !jwks.is_empty() {
            return Some(jwks.to_owned());
        }
        self.profile
            .endpoints
            .extra
            .iter()
            .find(|endpoint| endpoint.name == "certificate" && !endpoint.value.trim().is_empty())
            .map(|endpoint| endpoint.value.trim().to_owned())
    }

    /// Attaches `report` to the last step. With `enforce`, a report that did
    /// not pass fails the step, naming what failed.
    pub fn verified(&mut self, report: VerifyReport, enforce: bool) -> Option<&StepRecord> {
        let last = self.records.last().map(|record| (record.step, record.at))?;
        self.verified_at(last, report, enforce)
    }

    /// Attaches `report` to the step `step` that finished `at` (the window
    /// verifies in the background; more steps may have landed since).
    pub fn verified_at(
        &mut self,
        (step, at): (Step, Timestamp),
        report: VerifyReport,
        enforce: bool,
    ) -> Option<&StepRecord> {
        let record = self
            .records
            .iter_mut()
            .rev()
            .find(|record| record.step == step && record.at == at)?;
        if enforce
            && !report.passed
            && record.outcome.is_ok()
            && let Some(failed) = super::verification::first_failure(&report)
        {
            record.outcome = Err(StepFailure::new(crate::tr!(
                "run-verification-failed",
                what = failed
            )));
        }
        record.verification = Some(Box::new(report));
        Some(record)
    }

    /// The client credentials request (RFC 6749 §4.4.2).
    pub fn client_credentials_draft(&self, now: Timestamp) -> Result<RequestDraft, StepFailure> {
        flow::client_credentials_request(&self.profile, self.credentials(now))
    }

    /// Applies the client credentials response (RFC 6749 §4.4.3).
    pub fn client_credentials_answered(
        &mut self,
        exchange: Exchange,
        now: Timestamp,
    ) -> &StepRecord {
        let outcome = flow::parse_token_response(&exchange)
            .and_then(|tokens| self.tokens_answered(tokens, &[]));
        self.push(Step::ClientCredentials, Some(exchange), outcome, now)
    }

    fn access_token(&self) -> Result<&str, StepFailure> {
        self.tokens
            .as_ref()
            .and_then(|t| t.access_token.as_deref())
            .ok_or_else(|| StepFailure::new("There is no access token yet."))
    }

    /// The introspection request for the access token (RFC 7662 §2.1).
    pub fn introspection_draft(&self, now: Timestamp) -> Result<RequestDraft, StepFailure> {
        flow::introspection_request(
            &self.profile,
            self.credentials(now),
            self.access_token()?,
            Some("access_token"),
        )
    }

    /// Applies the introspection response (RFC 7662 §2.2). A JWT answer
    /// (RFC 9701) fails here, its members unused: it needs the provider's
    /// keys, [`Self::introspected_with_keys`].
    pub fn introspected(&mut self, exchange: Exchange, now: Timestamp) -> &StepRecord {
        let outcome = flow::parse_introspection_response(&exchange).map(|answer| {
            let summary = answer.summary();
            self.introspection = Some(answer);
            summary
        });
        self.push(Step::Introspection, Some(exchange), outcome, now)
    }

    /// Applies the introspection response with the provider's keys (`jwks`:
    /// the key set's JSON, or why it could not be fetched). A JWT answer
    /// (RFC 9701 §5) is decrypted when it is a JWE (with the run's
    /// decryption keys), then checked: `typ`, signature, `iss`, `aud`,
    /// `iat`, `token_introspection`, one row each; only an answer that
    /// passes them all becomes [`Self::introspection`]. A JSON answer is
    /// read as by [`Self::introspected`].
    pub fn introspected_with_keys(
        &mut self,
        exchange: Exchange,
        jwks: Result<String, String>,
        now: Timestamp,
    ) -> &StepRecord {
        let jwt = match flow::parse_introspection_answer(&exchange) {
            Ok(flow::IntrospectionAnswer::Json(answer)) => {
                let summary = answer.summary();
                self.introspection = Some(answer);
                return self.push(Step::Introspection, Some(exchange), Ok(summary), now);
            }
            Ok(flow::IntrospectionAnswer::Jwt(jwt)) => jwt,
            Err(failure) => {
                return self.push(Step::Introspection, Some(exchange), Err(failure), now);
            }
        };
        let (outcome, facts) = self.check_introspection_jwt(&jwt, jwks, now);
        self.push(Step::Introspection, Some(exchange), outcome, now);
        let last = self.records.len().saturating_sub(1);
        if let Some(record) = self.records.get_mut(last) {
            record.introspection_jwt = Some(Box::new(facts));
        }
        &self.records[last]
    }

    /// Opens and checks a JWT introspection answer: the step's outcome and
    /// what was found. The answer is kept only when every check passed.
    fn check_introspection_jwt(
        &mut self,
        jwt: &str,
        jwks: Result<String, String>,
        now: Timestamp,
    ) -> (Result<String, StepFailure>, IntrospectionJwtFacts) {
        let mut facts = IntrospectionJwtFacts {
            encrypted: false,
            decryption: None,
            signed: false,
            passed: false,
            checks: Vec::new(),
        };
        // RFC 9701 §5: signed, then optionally encrypted to the client
        // (its `introspection_encrypted_response_alg`/`enc`, §6).
        let what = crate::tr!("run-jwe-introspection");
        let signed = match self.open_jwe(jwt, &what) {
            None => jwt.to_owned(),
            Some(Err(message)) => {
                facts.encrypted = true;
                return (Err(StepFailure::new(message)), facts);
            }
            Some(Ok(opened)) => {
                facts.encrypted = true;
                facts.decryption = Some(opened.note.clone());
                self.remember_opened(jwt.to_owned(), opened.text.clone());
                if !opened.nested {
                    // Encrypted claims no one signed: the provider's
                    // signature is what the answer is worth (§8.1).
                    return (
                        Err(StepFailure::new(crate::tr!(
                            "run-introspection-jwt-unsigned",
                            decrypted = opened.note
                        ))),
                        facts,
                    );
                }
                opened.text
            }
        };
        let keys = match &jwks {
            Ok(json) => crate::token::keys::KeySet::from_jwks_json(
                json,
                self.key_source().as_deref().unwrap_or("jwks_uri"),
            ),
            Err(_) => crate::token::keys::KeySet::default(),
        };
        let checked = super::introspection_jwt::check_signed(
            &signed,
            &super::introspection_jwt::IntrospectionJwtExpectations {
                issuer: &self.profile.issuer,
                client_id: &self.profile.client_id,
                keys: &keys,
                now,
                leeway: crate::token::checks::DEFAULT_LEEWAY,
            },
        );
        facts.signed = checked.header.is_some();
        facts.passed = checked.passed();
        facts.checks.clone_from(&checked.checks);
        let Some(answer) = checked.introspection() else {
            let mut message =
                crate::tr!("run-introspection-jwt-refused", rows = checked.failures());
            if let Err(error) = jwks {
                message.push(' ');
                message.push_str(&error);
            }
            return (Err(StepFailure::new(message)), facts);
        };
        let mut summary = crate::tr!(
            "run-introspection-jwt-verified",
            summary = answer.summary(),
            signature = checked.signature().unwrap_or_default()
        );
        if let Some(decryption) = &facts.decryption {
            summary.push_str("; ");
            summary.push_str(decryption);
        }
        self.introspection = Some(answer);
        (Ok(summary), facts)
    }

    /// The revocation request for the access token (RFC 7009 §2.1).
    pub fn revocation_draft(&self, now: Timestamp) -> Result<RequestDraft, StepFailure> {
        flow::revocation_request(
            &self.profile,
            self.credentials(now),
            self.access_token()?,
            Some("access_token"),
        )
    }

    /// Applies the revocation response (RFC 7009 §2.2).
    pub fn revoked(&mut self, exchange: Exchange, now: Timestamp) -> &StepRecord {
        let outcome =
            flow::parse_revocation_response(&exchange).map(|()| crate::tr!("run-revoked"));
        self.push(Step::Revocation, Some(exchange), outcome, now)
    }

    /// The step to do next for the run's grant, from what has happened so
    /// far; `None` when the grant is done.
    pub fn next_step(&self) -> Option<Step> {
        if !self.profile.issuer.trim().is_empty()
            && self.metadata.is_none()
            && !self.succeeded(Step::Discovery)
        {
            return Some(Step::Discovery);
        }
        let first = match &self.grant {
            Grant::AuthorizationCode => {
                if self.profile.par && self.pushed.is_none() && self.code.is_none() {
                    return Some(Step::PushedAuthorization);
                }
                if self.authorize_url.is_none() {
                    return Some(Step::Authorize);
                }
                if self.code.is_none() {
                    return Some(Step::Callback);
                }
                Step::Token
            }
            Grant::ClientCredentials => Step::ClientCredentials,
            Grant::Password => Step::Password,
            Grant::RefreshToken => Step::Refresh,
            Grant::Extension(_) => Step::ExtensionGrant,
            Grant::DeviceCode => {
                if self.device.is_none() {
                    return Some(Step::DeviceAuthorization);
                }
                Step::DeviceToken
            }
            Grant::Ciba => {
                if self.ciba.is_none() {
                    return Some(Step::BackchannelAuthentication);
                }
                Step::CibaToken
            }
        };
        if self.tokens.is_none() {
            return Some(first);
        }
        let wants_userinfo = match self.grant {
            // CIBA is OpenID only: `openid` is always asked for (CIBA Core §7.1).
            Grant::AuthorizationCode | Grant::Ciba => true,
            Grant::Password | Grant::DeviceCode => self.profile.wants_id_token(),
            _ => false,
        };
        if wants_userinfo
            && !self.profile.endpoints.userinfo.trim().is_empty()
            && !self.succeeded(Step::UserInfo)
        {
            return Some(Step::UserInfo);
        }
        if self.grant == Grant::ClientCredentials {
            return None;
        }
        self.tokens
            .as_ref()
            .and_then(|t| t.refresh_token.as_ref())
            .map(|_| Step::Refresh)
    }

    fn succeeded(&self, step: Step) -> bool {
        self.succeeded_steps.contains(&step)
    }

    /// How many steps this run has recorded, the dropped ones included: a
    /// count that only grows, for views that follow the history.
    pub fn steps_recorded(&self) -> usize {
        self.dropped_records.saturating_add(self.records.len())
    }

    /// The request a step will send, as generated (the UI lets the user edit it).
    pub fn draft_for(&self, step: Step, now: Timestamp) -> Result<RequestDraft, StepFailure> {
        let draft = self.draft_without_proof(step, now)?;
        self.with_dpop_proof(step, draft, now)
    }

    /// With DPoP, `draft` with its proof (RFC 9449 §4): on the token
    /// endpoint's requests, and on UserInfo with `ath` and, for a DPoP-bound
    /// token, `Authorization: DPoP` (§7.1).
    fn with_dpop_proof(
        &self,
        step: Step,
        mut draft: RequestDraft,
        now: Timestamp,
    ) -> Result<RequestDraft, StepFailure> {
        // PAR too (RFC 9449 §10.1): the code is then bound to the key.
        let resource = step == Step::UserInfo || step == Step::ApiCall;
        if !self.profile.dpop
            || !(step.returns_tokens() || resource || step == Step::PushedAuthorization)
        {
            return Ok(draft);
        }
        let state = self
            .dpop
            .as_ref()
            .ok_or_else(|| StepFailure::new(crate::tr!("run-dpop-no-key")))?;
        let tokens = self.tokens.as_ref();
        let access_token = tokens
            .and_then(|t| t.access_token.as_deref())
            .filter(|_| resource);
        if let Some(token) = access_token
            && tokens
                .and_then(|t| t.token_type.as_deref())
                .is_some_and(|kind| kind.eq_ignore_ascii_case("DPoP"))
        {
            draft.set_header("Authorization", format!("DPoP {token}"));
        }
        let proof = super::dpop::proof(
            &state.key,
            &draft.method,
            &draft.url,
            now,
            access_token,
            state.nonce.as_deref(),
        )
        .map_err(|e| StepFailure::new(e.to_string()))?;
        draft.set_header("DPoP", proof);
        Ok(draft)
    }

    /// The summary of a token answer: what came, and with DPoP whether the
    /// tokens are bound to this run's key (RFC 9449 §5: `token_type` DPoP;
    /// §6.1: a JWT access token's `cnf.jkt` is the key's thumbprint).
    fn summary_of(&self, tokens: &TokenSet, kept: &[Kept]) -> String {
        let summary = summarize_kept(tokens, kept);
        let Some(state) = self.dpop.as_ref() else {
            return summary;
        };
        let bound = tokens
            .token_type
            .as_deref()
            .is_some_and(|kind| kind.eq_ignore_ascii_case("DPoP"));
        let jkt = tokens
            .access_token
            .as_deref()
            .and_then(|token| crate::token::jose::decode_unverified(token).ok())
            .and_then(|decoded| {
                decoded
                    .claims()
                    .and_then(|claims| claims.get("cnf"))
                    .and_then(|cnf| cnf.get("jkt"))
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_owned)
            });
        let ours = state.key.thumbprint();
        let note = match (bound, jkt) {
            (false, _) => crate::tr!(
                "run-dpop-not-bound",
                kind = tokens.token_type.as_deref().unwrap_or("—")
            ),
            (true, Some(jkt)) if jkt != ours => {
                crate::tr!(
                    "run-dpop-other-key",
                    jkt = jkt.as_str(),
                    ours = ours.as_str()
                )
            }
            (true, Some(_)) => crate::tr!("run-dpop-bound-jkt"),
            (true, None) => crate::tr!("run-dpop-bound"),
        };
        format!("{summary}; {note}")
    }

    /// After a server asked `step`'s first attempt for a DPoP nonce (RFC
    /// 9449 §8, §9): the request again, its proof carrying that nonce.
    /// `None` without DPoP, for any other answer, or after one retry.
    pub fn dpop_nonce_retry(&self, step: Step, now: Timestamp) -> Option<RequestDraft> {
        self.dpop.as_ref()?.nonce.as_ref()?;
        let asks_nonce = |record: &StepRecord| {
            record.step == step
                && record
                    .exchange
                    .as_ref()
                    .and_then(|e| e.response.as_ref().ok())
                    .is_some_and(|r| {
                        super::dpop::is_use_dpop_nonce(
                            r.status,
                            r.header("WWW-Authenticate"),
                            &r.body,
                        )
                    })
        };
        let mut latest = self.records.iter().rev();
        if !latest.next().is_some_and(asks_nonce) || latest.next().is_some_and(asks_nonce) {
            return None;
        }
        self.draft_for(step, now).ok()
    }

    /// The request of `step` as generated, before any DPoP proof.
    fn draft_without_proof(&self, step: Step, now: Timestamp) -> Result<RequestDraft, StepFailure> {
        match step {
            Step::Discovery => {
                let url = discovery::discovery_urls(&self.profile)
                    .into_iter()
                    .next()
                    .ok_or_else(|| StepFailure::new(crate::tr!("run-no-issuer")))?;
                Ok(discovery::request(&url))
            }
            Step::PushedAuthorization => self.pushed_authorization_draft(now),
            Step::ApiCall => self.api_draft(),
            Step::Token => self.token_draft(now),
            Step::UserInfo => self.userinfo_draft(),
            Step::Refresh => self.refresh_draft(now),
            Step::ClientCredentials => self.client_credentials_draft(now),
            Step::Introspection => self.introspection_draft(now),
            Step::Revocation => self.revocation_draft(now),
            Step::Password => self.password_draft(now),
            Step::ExtensionGrant => self.extension_draft(now),
            Step::DeviceAuthorization => self.device_authorization_draft(now),
            Step::DeviceToken => self.device_token_draft(now),
            Step::BackchannelAuthentication => self.backchannel_authentication_draft(now),
            Step::CibaToken => self.ciba_token_draft(now),
            Step::Authorize | Step::Callback | Step::Logout => {
                Err(StepFailure::new(crate::tr!("run-in-browser")))
            }
        }
    }

    /// Applies the answer to a step's request.
    pub fn answered(&mut self, step: Step, exchange: Exchange, now: Timestamp) {
        match step {
            Step::Discovery => {
                self.discovered(exchange, now);
            }
            Step::PushedAuthorization => {
                self.pushed_authorization_answered(exchange, now);
            }
            Step::ApiCall => {
                let outcome = flow::parse_api_response(&exchange);
                self.push(Step::ApiCall, Some(exchange), outcome, now);
            }
            Step::Token => {
                self.token_exchanged(exchange, now);
            }
            Step::UserInfo => {
                self.userinfo_answered(exchange, now);
            }
            Step::Refresh => {
                self.refreshed(exchange, now);
            }
            Step::ClientCredentials => {
                self.client_credentials_answered(exchange, now);
            }
            Step::Introspection => {
                self.introspected(exchange, now);
            }
            Step::Revocation => {
                self.revoked(exchange, now);
            }
            Step::Password | Step::ExtensionGrant => {
                self.granted(step, exchange, now);
            }
            Step::DeviceAuthorization => {
                self.device_authorized(exchange, now);
            }
            Step::DeviceToken | Step::CibaToken => {
                self.device_polled(exchange, now);
            }
            Step::BackchannelAuthentication => {
                self.backchannel_authenticated(exchange, now);
            }
            Step::Authorize | Step::Callback | Step::Logout => {}
        }
    }

    /// Records a step that failed before any answer (cancelled, browser missing, …).
    pub fn failed(&mut self, step: Step, failure: StepFailure, now: Timestamp) {
        self.push(step, None, Err(failure), now);
    }

    fn push(
        &mut self,
        step: Step,
        exchange: Option<Exchange>,
        mut outcome: Result<String, StepFailure>,
        at: Timestamp,
    ) -> &StepRecord {
        if let Err(failure) = &mut outcome {
            let context = self.failure_context(step, exchange.as_ref(), failure);
            failure.diagnose(&context);
        }
        if outcome.is_ok() && !self.succeeded_steps.contains(&step) {
            self.succeeded_steps.push(step);
        }
        let response = exchange
            .as_ref()
            .and_then(|exchange| exchange.response.as_ref().ok());
        let provider_clock_skew =
            response.and_then(|response| super::provider_clock::skew_seconds(response, at));
        // The next proof carries the latest nonce a server gave (RFC 9449 §8, §9).
        let nonce =
            response.and_then(|r| super::dpop::nonce_from_headers(r.headers.iter().cloned()));
        // A nonce demanded but not given: nothing to retry with, and the
        // server's fault (§8 and §9 say the answer carries DPoP-Nonce).
        if let (Err(failure), Some(r), None) = (&mut outcome, response, &nonce)
            && super::dpop::is_use_dpop_nonce(r.status, r.header("WWW-Authenticate"), &r.body)
        {
            failure.message.push(' ');
            failure
                .message
                .push_str(&crate::tr!("run-dpop-nonce-not-given"));
        }
        if let (Some(state), Some(nonce)) = (self.dpop.as_mut(), nonce) {
            state.nonce = Some(nonce);
        }
        self.records.push(StepRecord {
            step,
            at,
            exchange,
            outcome,
            verification: None,
            provider_clock_skew,
            introspection_jwt: None,
        });
        self.dropped_records = self.dropped_records.saturating_add(keep_newest(
            &mut self.records,
            MAX_RECORDS,
            MAX_RECORD_BYTES,
            StepRecord::body_bytes,
        ));
        let last = self.records.len() - 1;
        &self.records[last]
    }

    /// What the diagnosis engine needs to know about a failed step: the
    /// answer (or the provider's redirect error), the profile's preset, and
    /// what this run sent.
    pub fn failure_context(
        &self,
        step: Step,
        exchange: Option<&Exchange>,
        failure: &StepFailure,
    ) -> FailureContext {
        let endpoint = Some(step.endpoint());
        let mut context = match exchange {
            Some(exchange) => FailureContext::from_exchange(exchange, endpoint),
            None => FailureContext {
                endpoint,
                ..FailureContext::default()
            },
        };
        if let Some(error) = &failure.provider_error {
            if context.error.is_none() {
                context.error = Some(error.error.clone());
            }
            if context.description.is_none() {
                context.description.clone_from(&error.description);
            }
            if context.status.is_none() && error.status != 0 {
                context.status = Some(error.status);
            }
        }
        context.provider.clone_from(&self.profile.preset);
        context.infer_provider();
        if let Some(exchange) = exchange {
            context.sent = self.sent_facts(step, &exchange.request);
        }
        context
    }

    /// Facts of what this run sent that explain failures (RFC 6749 §4.1.2,
    /// §4.1.3, §3.2; RFC 7636 §4.5).
    fn sent_facts(&self, step: Step, request: &crate::net::RecordedRequest) -> Vec<SentFact> {
        let mut facts = Vec::new();
        let fields: Vec<(String, String)> = form_urlencoded::parse(&request.body)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let field = |name: &str| {
            fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let header = |name: &str| {
            request
                .headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        let authorize = self
            .authorize_url
            .as_deref()
            .and_then(|url| url.split_once('?'))
            .map(|(_, query)| {
                form_urlencoded::parse(query.as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        let authorized = |name: &str| {
            authorize
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        if matches!(step, Step::BackchannelAuthentication | Step::CibaToken) {
            facts.push(SentFact::Ciba);
        }
        if step == Step::Token {
            if self.code_sends > 1 {
                facts.push(SentFact::CodeAlreadyUsed);
            }
            if let Some(redirect) = authorized("redirect_uri")
                && field("redirect_uri") != Some(redirect)
            {
                facts.push(SentFact::RedirectUriDiffers);
            }
            if authorized("code_challenge").is_some() && field("code_verifier").is_none() {
                facts.push(SentFact::VerifierMissing);
            }
        }
        let sends_secret = field("client_secret").is_some()
            || header("authorization").is_some_and(|h| h.starts_with("Basic "));
        let padded = |s: &str| !s.is_empty() && s.trim() != s;
        if sends_secret
            && (field("client_secret").is_some_and(padded)
                || self.secret.as_ref().is_some_and(|s| padded(s.expose())))
        {
            facts.push(SentFact::SecretWhitespace);
        }
        if request.method.eq_ignore_ascii_case("POST")
            && header("content-type").is_some_and(|t| !t.contains("x-www-form-urlencoded"))
        {
            facts.push(SentFact::BodyNotForm);
        }
        facts
    }

    /// Warnings about `draft`, the request `step` is about to send
    /// ([`crate::oauth::lint`]); for the Authorize step, the
    /// authorization URL as a `GET`.
    pub fn lint(&self, step: Step, draft: &RequestDraft) -> Vec<crate::oauth::lint::Lint> {
        let authorize_redirect = self
            .authorize_url
            .as_deref()
            .and_then(|url| url.split_once('?'))
            .and_then(|(_, query)| {
                form_urlencoded::parse(query.as_bytes())
                    .find(|(k, _)| k == "redirect_uri")
                    .map(|(_, v)| v.into_owned())
            });
        let preset = self
            .profile
            .preset
            .as_deref()
            .and_then(crate::oauth::presets::find);
        let expects_id_token = preset.is_some_and(|p| p.openid)
            || self.metadata.as_ref().is_some_and(|m| {
                m.list("scopes_supported")
                    .is_some_and(|scopes| scopes.contains(&"openid"))
                    || m.str("userinfo_endpoint").is_some()
            });
        let context = LintContext {
            provider: self.profile.preset.as_deref(),
            authorize_redirect_uri: if step == Step::Token {
                authorize_redirect.as_deref()
            } else {
                None
            },
            code_already_sent: step == Step::Token && self.code_sent,
            secret: self.secret.as_ref().map(Secret::expose),
            expects_id_token,
            metadata: self.metadata.as_ref(),
        };
        crate::oauth::lint::lint(draft, &context)
    }

    /// The authorization request as a `GET` draft, for [`Self::lint`].
    pub fn authorize_draft(&self) -> Result<RequestDraft, StepFailure> {
        self.authorize_url_of_run().map(RequestDraft::get)
    }

    /// The authorization URL of this run as the browser will get it: the
    /// one built, else with PAR the pushed reference, else the parameters
    /// in the clear (a request object is signed when the browser opens).
    pub fn authorize_url_of_run(&self) -> Result<String, StepFailure> {
        if let Some(url) = &self.authorize_url {
            return Ok(url.clone());
        }
        if let (true, Some((pushed, _))) = (self.profile.par, &self.pushed) {
            return self.pushed_reference_url(pushed);
        }
        flow::authorization_endpoint_url(&self.profile, &self.authorize_parameters())
    }

    /// Everything the inspector should show from this run: the token
    /// response bodies and UserInfo, as pasteable text.
    pub fn tokens_text(&self) -> String {
        let mut text = String::new();
        for record in &self.records {
            if (record.step.returns_tokens() || record.step == Step::UserInfo)
                && let (Some(exchange), Ok(_)) = (&record.exchange, &record.outcome)
                && let Ok(response) = &exchange.response
            {
                text.push_str(&self.with_opened(response.text()));
                text.push('\n');
            }
        }
        text
    }
}

/// An encrypted token opened by [`FlowSession::open_jwe`].
struct OpenedJwe {
    /// The plaintext: the nested JWT's compact form, or the claims' JSON.
    text: String,
    /// Whether the plaintext is a nested JWT (RFC 7519 §5.2).
    nested: bool,
    /// The claims, when the plaintext is a claims set signed by nobody.
    claims: Option<serde_json::Map<String, serde_json::Value>>,
    /// "ID token encrypted with RSA-OAEP-256 / A256GCM, decrypted with key K".
    note: String,
}

/// Reads a profile's decryption key file (a path; `~` is not expanded)
/// with the one loader of `decode --key` and `verify --decryption-key`; a
/// PKCS#12 container is opened with `passphrase` (none: the empty one).
pub fn read_decryption_key(
    path: &str,
    passphrase: Option<&Secret>,
) -> Result<crate::token::keys::KeySet, String> {
    crate::token::keys::KeySet::load_decryption_files(
        &[std::path::PathBuf::from(path.trim())],
        passphrase,
    )
}

/// What a refresh answer left out and the run kept from before.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kept {
    /// No `id_token` in the answer: OIDC Core 1.0 §12.2 lets a provider
    /// leave it out, and the earlier one stays the run's ID token.
    IdToken,
    /// No `refresh_token`: the provider does not rotate it (RFC 6749 §6),
    /// and the one sent stays valid.
    RefreshToken,
}

/// The run's token set after a refresh answer `fresh`: the answer's tokens,
/// with the `id_token` and `refresh_token` of `previous` where the answer
/// has none; and which of them were kept.
pub fn merge_refresh(previous: Option<&TokenSet>, mut fresh: TokenSet) -> (TokenSet, Vec<Kept>) {
    let mut kept = Vec::new();
    if fresh.id_token.is_none()
        && let Some(id_token) = previous.and_then(|p| p.id_token.clone())
    {
        fresh.id_token = Some(id_token);
        kept.push(Kept::IdToken);
    }
    if fresh.refresh_token.is_none()
        && let Some(refresh_token) = previous.and_then(|p| p.refresh_token.clone())
    {
        fresh.refresh_token = Some(refresh_token);
        kept.push(Kept::RefreshToken);
    }
    (fresh, kept)
}

/// The summary of a refresh: its tokens, with the kept ones said as kept.
fn summarize_kept(tokens: &TokenSet, kept: &[Kept]) -> String {
    let mut parts = Vec::new();
    if tokens.access_token.is_some() {
        parts.push(match tokens.expires_in {
            Some(seconds) => crate::tr!("run-access-token-lifetime", seconds = seconds),
            None => crate::tr!("run-access-token"),
        });
    }
    if tokens.id_token.is_some() {
        parts.push(if kept.contains(&Kept::IdToken) {
            crate::tr!("run-id-token-kept")
        } else {
            crate::tr!("run-id-token")
        });
    }
    if tokens.refresh_token.is_some() {
        parts.push(if kept.contains(&Kept::RefreshToken) {
            crate::tr!("run-refresh-token-kept")
        } else {
            crate::tr!("run-refresh-token")
        });
    }
    parts.extend(tokens.unreal_lifetimes.iter().cloned());
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::{RecordedRequest, RecordedResponse};

    /// With DPoP the summary says whether the tokens are bound to this
    /// run's key: `token_type` (RFC 9449 §5) and `cnf.jkt` (§6.1).
    #[test]
    fn a_dpop_run_says_whether_its_tokens_are_bound_to_its_key() {
        use crate::token::jose::encode_segment;
        let mut profile = Profile {
            dpop: true,
            ..Profile::default()
        };
        profile.endpoints.authorization = "https://op.example/auth".to_owned();
        let session = FlowSession::new(profile, None);
        let jkt = session.dpop.as_ref().expect("a key").key.thumbprint();
        // The code is bound to the key too (RFC 9449 §10).
        let url = session.authorize_url_of_run().expect("url");
        assert!(url.contains(&format!("dpop_jkt={jkt}")), "{url}");
        let jwt = |jkt: &str| {
            format!(
                "{}.{}.",
                encode_segment(br#"{"alg":"none"}"#),
                encode_segment(format!(r#"{{"sub":"анна","cnf":{{"jkt":"{jkt}"}}}}"#).as_bytes())
            )
        };
        let tokens = |access: String, kind: &str| TokenSet {
            access_token: Some(access),
            token_type: Some(kind.to_owned()),
            ..TokenSet::default()
        };
        let ours = session.summary_of(&tokens(jwt(&jkt), "DPoP"), &[]);
        assert!(ours.contains("cnf.jkt matches"), "{ours}");
        let other = session.summary_of(&tokens(jwt("other-key"), "DPoP"), &[]);
        assert!(other.contains("cnf.jkt is other-key"), "{other}");
        let opaque = session.summary_of(&tokens("opaque".to_owned(), "dpop"), &[]);
        assert!(opaque.contains("DPoP-bound (token_type DPoP)"), "{opaque}");
        let bearer = session.summary_of(&tokens("opaque".to_owned(), "Bearer"), &[]);
        assert!(
            bearer.contains("not sender-constrained: token_type is Bearer"),
            "{bearer}"
        );
    }

    /// RFC 9449 §8: a nonce demand is answered once with a proof carrying
    /// the nonce; a second demand is left to the user.
    #[test]
    fn a_dpop_nonce_demand_is_retried_once_with_the_nonce() {
        let mut profile = Profile {
            dpop: true,
            default_grant: Grant::ClientCredentials,
            client_auth: ClientAuth::ClientSecretPost,
            client_id: "client-dpop".to_owned(),
            ..Profile::default()
        };
        profile.endpoints.token = "https://op.example/token".to_owned();
        let mut session = FlowSession::new(profile, Some(Secret::new("s")));
        let now = Timestamp::from_unix(1_795_387_806);
        let first = session
            .draft_for(Step::ClientCredentials, now)
            .expect("draft");
        let proof = first.header("DPoP").expect("a proof on the token request");
        let claims = crate::token::jose::decode_unverified(proof).expect("a JWT");
        assert_eq!(
            claims.claims().and_then(|c| c.get("htm")),
            Some(&"POST".into())
        );
        let demand = |nonce: &str| {
            let mut answer = Exchange::json_answer(
                "https://op.example/token",
                400,
                r#"{"error":"use_dpop_nonce","error_description":"Нужен nonce"}"#,
            );
            if let Ok(response) = &mut answer.response {
                response
                    .headers
                    .push(("DPoP-Nonce".to_owned(), nonce.to_owned()));
            }
            answer
        };
        session.answered(Step::ClientCredentials, demand("n-1"), now);
        let retry = session
            .dpop_nonce_retry(Step::ClientCredentials, now)
            .expect("sent again");
        let proof = retry.header("DPoP").expect("proof");
        let claims = crate::token::jose::decode_unverified(proof).expect("a JWT");
        assert_eq!(
            claims.claims().and_then(|c| c.get("nonce")),
            Some(&"n-1".into())
        );
        session.answered(Step::ClientCredentials, demand("n-2"), now);
        assert!(
            session
                .dpop_nonce_retry(Step::ClientCredentials, now)
                .is_none(),
            "once only"
        );
        // Without DPoP nothing is retried.
        let mut plain = FlowSession::new(Profile::default(), None);
        plain.answered(Step::ClientCredentials, demand("n-3"), now);
        assert!(
            plain
                .dpop_nonce_retry(Step::ClientCredentials, now)
                .is_none()
        );
    }
    use crate::oauth::callback::parse_pasted;

    /// A step's line is written in the thread's language: Russian in a
    /// Russian window, and the same English as ever for `run --json` (the
    /// CLI's thread speaks English).
    #[test]
    fn discovery_summaries_say_when_nothing_changed_in_both_languages() {
        use crate::i18n::{Args, Language, translate};
        let say = |language, count: i64| {
            let mut args = Args::new();
            args.set("count", count);
            translate(language, "run-discovery-endpoints", Some(&args))
        };
        assert_eq!(
            say(Language::En, 0),
            "endpoints already set; the metadata agrees"
        );
        assert_eq!(say(Language::En, 1), "1 endpoint from the metadata");
        assert_eq!(say(Language::En, 7), "7 endpoints from the metadata");
        assert_eq!(
            say(Language::Ru, 0),
            "эндпоинты уже заданы; метаданные с ними согласны"
        );
        assert_eq!(say(Language::Ru, 3), "3 эндпоинта из метаданных");
    }

    #[test]
    fn token_summaries_in_both_languages() {
        use crate::i18n::{Language, set_language};
        let tokens = TokenSet {
            access_token: Some("a".to_owned()),
            id_token: Some("i".to_owned()),
            refresh_token: Some("r".to_owned()),
            expires_in: Some(300),
            ..TokenSet::default()
        };
        assert_eq!(
            summarize_kept(&tokens, &[]),
            "access token (300 s), ID token, refresh token"
        );
        set_language(Language::Ru);
        let russian = summarize_kept(&tokens, &[]);
        set_language(Language::En);
        assert_eq!(russian, "токен доступа (300 с), ID-токен, токен обновления");
    }

    #[test]
    fn keep_newest_drops_the_oldest_by_count_and_by_bytes() {
        let mut items: Vec<usize> = (1..=10).collect();
        assert_eq!(keep_newest(&mut items, 4, usize::MAX, |_| 1), 6);
        assert_eq!(items, [7, 8, 9, 10]);
        assert_eq!(
            keep_newest(&mut items, 4, 19, |n| *n),
            2,
            "9 + 10 fit in 19"
        );
        assert_eq!(items, [9, 10]);
        assert_eq!(keep_newest(&mut items, 4, 1, |n| *n), 1, "the newest stays");
        assert_eq!(items, [10]);
        let mut empty: Vec<usize> = Vec::new();
        assert_eq!(keep_newest(&mut empty, 0, 0, |n| *n), 0);
    }

    #[test]
    fn the_history_keeps_the_newest_steps_and_counts_the_rest() {
        let now = Timestamp::from_unix(1_795_387_806);
        let mut session = bank_session();
        session.prepare_authorize(now).expect("authorize");
        for n in 0..250 {
            session.failed(
                Step::Refresh,
                StepFailure::new(format!("попытка {n} 🔁")),
                now,
            );
        }
        assert_eq!(session.records.len(), MAX_RECORDS);
        assert_eq!(
            session.dropped_records, 51,
            "250 refreshes and the authorize step"
        );
        assert_eq!(session.steps_recorded(), 251);
        assert!(
            session
                .records
                .last()
                .is_some_and(|r| matches!(&r.outcome, Err(f) if f.message == "попытка 249 🔁"))
        );
        // What the run did stays known when its record is gone.
        assert!(session.authorize_url.is_some() && session.succeeded(Step::Authorize));
    }

    #[test]
    fn the_history_keeps_at_most_its_byte_budget_of_bodies() {
        let now = Timestamp::from_unix(1_795_387_806);
        let mut session = bank_session();
        session.prepare_authorize(now).expect("authorize");
        let redirect = format!(
            "https://partner.example.test/cb?code=c&state={}",
            session.run.state
        );
        session.callback(&parse_pasted(&redirect).expect("redirect"), now);
        let big = "x".repeat(100 * 1024 * 1024);
        for _ in 0..3 {
            let exchange = answer(&session, &big);
            session.push(Step::Token, Some(exchange), Ok(String::new()), now);
        }
        assert_eq!(
            session.records.len(),
            2,
            "two 100 MiB answers fit in 256 MiB, three do not"
        );
        assert_eq!(session.dropped_records, 3);
        assert!(
            session
                .records
                .iter()
                .map(StepRecord::body_bytes)
                .sum::<usize>()
                <= MAX_RECORD_BYTES
        );
    }

    fn bank_session() -> FlowSession {
        let mut profile = Profile {
            preset: Some("sber-business-id".to_owned()),
            client_id: "2085".to_owned(),
            client_auth: crate::oauth::ClientAuth::ClientSecretPost,
            redirect_uri: "https://partner.example.test/cb".to_owned(),
            scopes: "openid inn".to_owned(),
            ..Profile::default()
        };
        profile.endpoints.authorization = "https://sbi.example.test/authorize".to_owned();
        profile.endpoints.token = "https://fintech.example.test/token".to_owned();
        FlowSession::new(profile, Some(Secret::new("s3cret ")))
    }

    fn answer(session: &FlowSession, body: &str) -> Exchange {
        let draft = session
            .token_draft(Timestamp::from_unix(1_795_387_806))
            .expect("draft");
        Exchange {
            request: RecordedRequest {
                method: draft.method,
                url: draft.url,
                headers: draft.headers,
                body: draft.body,
            },
            response: Ok(RecordedResponse {
                status: 400,
                reason: "Bad Request".to_owned(),
                version: "HTTP/1.1".to_owned(),
                headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
                body: body.as_bytes().to_vec(),
                truncated_at: None,
            }),
            duration: std::time::Duration::ZERO,
        }
    }

    fn answered_with(session: &FlowSession, status: u16, body: &str) -> Exchange {
        let mut exchange = answer(session, body);
        if let Ok(response) = &mut exchange.response {
            response.status = status;
            "OK".clone_into(&mut response.reason);
        }
        exchange
    }

    #[test]
    fn a_refresh_without_id_token_keeps_it_and_logout_still_has_the_hint() {
        let now = Timestamp::from_unix(1_795_387_806);
        let mut session = bank_session();
        session.profile.endpoints.end_session = "https://sbi.example.test/logout".to_owned();
        session.code = Some(Secret::new("c0de"));
        let first = answered_with(
            &session,
            200,
            r#"{"access_token":"at-1","id_token":"eyJ.id-1.sig","refresh_token":"rt-1","token_type":"Bearer","expires_in":300}"#,
        );
        session.token_exchanged(first, now);
        // OIDC Core §12.2: a refresh answer may leave out id_token; RFC 6749 §6: and refresh_token.
        let bare = answered_with(
            &session,
            200,
            r#"{"access_token":"at-2","token_type":"bearer","expires_in":300}"#,
        );
        let record = session.refreshed(bare, now);
        let summary = record.outcome.clone().expect("refreshed");
        assert!(summary.contains("ID token kept"), "{summary}");
        assert!(summary.contains("refresh token kept"), "{summary}");
        let tokens = session.tokens.as_ref().expect("tokens");
        assert_eq!(tokens.access_token.as_deref(), Some("at-2"));
        assert_eq!(tokens.id_token.as_deref(), Some("eyJ.id-1.sig"));
        assert_eq!(tokens.refresh_token.as_deref(), Some("rt-1"));
        let url = session.prepare_logout().expect("logout URL");
        assert!(url.contains("id_token_hint=eyJ.id-1.sig"), "{url}");

        // A new ID token replaces the old one, as hint too, and is not "kept".
        let rotated = answered_with(
            &session,
            200,
            r#"{"access_token":"at-3","id_token":"eyJ.id-2.sig","refresh_token":"rt-2"}"#,
        );
        let summary = session
            .refreshed(rotated, now)
            .outcome
            .clone()
            .expect("refreshed");
        assert!(!summary.contains("kept"), "{summary}");
        assert!(
            session
                .prepare_logout()
                .expect("URL")
                .contains("id_token_hint=eyJ.id-2.sig")
        );

        // A new device authorization clears the set; logout keeps the hint.
        session.tokens = None;
        assert!(
            session
                .prepare_logout()
                .expect("URL")
                .contains("id_token_hint=eyJ.id-2.sig")
        );
    }

    const JWE_FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/jwe/");

    /// A signed ID token encrypted to `recipient.private.jwks.json`'s
    /// `jose-rsa` (RSA-OAEP-256, A256GCM), and a token answer carrying it.
    fn encrypted_id_token_answer() -> (String, String) {
        let vectors: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(format!("{JWE_FIXTURES}jose-vectors.json")).expect("vectors"),
        )
        .expect("json");
        let jwe = vectors["vectors"]
            .as_array()
            .and_then(|all| all.iter().find(|v| v["name"] == "nested-id-token"))
            .and_then(|v| v["compact"].as_str())
            .expect("the nested ID token vector")
            .to_owned();
        let body = format!(
            r#"{{"access_token":"at-1","id_token":"{jwe}","token_type":"Bearer","expires_in":300}}"#
        );
        (jwe, body)
    }

    /// An encrypted UserInfo answer (`application/jwt`, OIDC Core §5.3.2):
    /// signed then encrypted, it is opened to the signed JWT; encrypted
    /// only, to its claims; without the key, the step says why.
    #[test]
    fn an_encrypted_userinfo_answer_is_opened_to_its_jwt_or_claims() {
        let vectors: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(format!("{JWE_FIXTURES}jose-vectors.json")).expect("vectors"),
        )
        .expect("json");
        let compact = |name: &str| {
            vectors["vectors"]
                .as_array()
                .and_then(|all| all.iter().find(|v| v["name"] == name))
                .and_then(|v| v["compact"].as_str())
                .expect("vector")
                .to_owned()
        };
        let answer = |body: &str| {
            let mut exchange = Exchange::json_answer("https://op.example.test/userinfo", 200, body);
            if let Ok(response) = &mut exchange.response {
                response.headers = vec![("Content-Type".to_owned(), "application/jwt".to_owned())];
            }
            exchange
        };
        let now = Timestamp::from_unix(1_795_387_806);
        let mut session = bank_session();
        let signed = compact("nested-id-token");
        let record = session.userinfo_answered(answer(&signed), now);
        let Err(failure) = &record.outcome else {
            panic!("not opened, yet: {record:?}")
        };
        assert!(
            failure
                .message
                .starts_with("The UserInfo answer is encrypted (RSA-OAEP-256 / A256GCM"),
            "{}",
            failure.message
        );

        session.decryption_key_loaded(read_decryption_key(
            &format!("{JWE_FIXTURES}recipient.private.jwks.json"),
            None,
        ));
        let summary = session
            .userinfo_answered(answer(&signed), now)
            .outcome
            .clone()
            .expect("opened");
        assert!(
            summary.starts_with("a signed JWT (application/jwt); UserInfo answer encrypted with RSA-OAEP-256 / A256GCM, decrypted with key jose-rsa"),
            "{summary}"
        );
        let Some(UserInfo::Jwt(jwt)) = &session.userinfo else {
            panic!("a JWT: {:?}", session.userinfo)
        };
        assert_eq!(jwt.split('.').count(), 3, "the signed JWT inside");
        let text = session.tokens_text();
        assert!(
            text.contains(jwt.as_str()) && !text.contains(&signed),
            "the inspector gets the JWT inside: {text}"
        );

        // Encrypted without a signature (§5.3.2 allows it): its claims.
        session.decryption_key_loaded(read_decryption_key(
            &format!("{JWE_FIXTURES}recipient-rsa.pkcs8.pem"),
            None,
        ));
        let summary = session
            .userinfo_answered(answer(&compact("rsa-oaep-pkcs8")), now)
            .outcome
            .clone()
            .expect("opened");
        assert!(summary.contains("sub alice"), "{summary}");
        assert!(
            summary
                .contains("UserInfo answer encrypted with RSA-OAEP / A128GCM, decrypted with key "),
            "{summary}"
        );
        assert!(
            matches!(&session.userinfo, Some(UserInfo::Claims(claims)) if claims["sub"] == "alice")
        );
    }

    /// An introspection answer of `content_type` with `body`.
    fn introspection_answer(body: &str, content_type: &str) -> Exchange {
        let mut exchange = Exchange::json_answer("https://op.example.test/introspect", 200, body);
        if let Ok(response) = &mut exchange.response {
            response.headers = vec![("Content-Type".to_owned(), content_type.to_owned())];
        }
        exchange
    }

    const INTROSPECTION_JWT: &str = "application/token-introspection+jwt; charset=utf-8";

    /// A run of the resource server `rs-1` of the fixtures' issuer.
    fn introspecting_session() -> FlowSession {
        use crate::oauth::introspection_jwt::fixtures::ISSUER;
        FlowSession::new(
            Profile {
                issuer: ISSUER.to_owned(),
                client_id: "rs-1".to_owned(),
                introspection_jwt: true,
                ..Profile::default()
            },
            None,
        )
    }

    /// RFC 9701: a signed introspection answer is used only when every
    /// check passes with the provider's keys.
    #[test]
    fn a_jwt_introspection_answer_is_checked_and_only_then_used() {
        use crate::oauth::introspection_jwt::fixtures::{
            NOW, good_claims, jwks_json, provider_key, signed,
        };
        let now = Timestamp::from_unix(NOW);
        let key = provider_key(1);
        let jwks = || Ok(jwks_json(&key));
        let mut session = introspecting_session();
        let jwt = signed(&key, Some("token-introspection+jwt"), &good_claims());

        // Without the provider's keys the answer is not used.
        let exchange = introspection_answer(&jwt, INTROSPECTION_JWT);
        assert!(flow::introspection_needs_keys(&exchange));
        let record = session.introspected(exchange, now);
        assert!(record.outcome.is_err());
        assert!(session.introspection.is_none());

        // Signed: verified, used; the rows are on the record.
        let record = session.introspected_with_keys(
            introspection_answer(&jwt, INTROSPECTION_JWT),
            jwks(),
            now,
        );
        let summary = record.outcome.clone().expect("verified");
        assert!(summary.starts_with("active, client_id app"), "{summary}");
        assert!(summary.contains("the JWT answer verified"), "{summary}");
        let facts = record.introspection_jwt.as_deref().expect("facts");
        assert!(facts.signed && facts.passed && !facts.encrypted);
        assert_eq!(facts.checks.len(), 7);
        assert_eq!(
            session
                .introspection
                .as_ref()
                .map(|a| a.members["sub"].clone()),
            Some(serde_json::json!("Пётр"))
        );

        // A wrong issuer fails the step, naming the row; keys that could
        // not be fetched: said too.
        session.introspection = None;
        let mut claims = good_claims();
        claims["iss"] = serde_json::json!("https://evil.example.test");
        let forged = signed(&key, Some("token-introspection+jwt"), &claims);
        let record = session.introspected_with_keys(
            introspection_answer(&forged, INTROSPECTION_JWT),
            jwks(),
            now,
        );
        let failure = record.outcome.clone().expect_err("wrong iss");
        assert!(failure.message.contains("iss: "), "{}", failure.message);
        let record = session.introspected_with_keys(
            introspection_answer(&jwt, INTROSPECTION_JWT),
            Err("the JWKS could not be fetched".to_owned()),
            now,
        );
        let failure = record.outcome.clone().expect_err("no keys");
        assert!(
            failure.message.contains("could not be fetched"),
            "{}",
            failure.message
        );
        assert!(session.introspection.is_none());

        // JSON answers read as ever, with or without keys.
        let record = session.introspected_with_keys(
            introspection_answer(r#"{"active":true,"scope":"a"}"#, "application/json"),
            Err("unused".to_owned()),
            now,
        );
        assert!(record.outcome.is_ok() && record.introspection_jwt.is_none());
        assert!(session.introspection.as_ref().is_some_and(|a| a.active));
    }

    /// RFC 9701 §5: signed, then encrypted to the client: opened with the
    /// run's decryption keys (the summary says how), then checked.
    #[test]
    fn an_encrypted_jwt_introspection_answer_is_opened_with_the_runs_keys() {
        use crate::oauth::introspection_jwt::fixtures::{
            NOW, client_keys, encrypted, good_claims, jwks_json, provider_key, signed,
        };
        let now = Timestamp::from_unix(NOW);
        let key = provider_key(1);
        let jwks = || Ok(jwks_json(&key));
        let mut session = introspecting_session();
        let jwt = signed(&key, Some("token-introspection+jwt"), &good_claims());
        let sealed = encrypted(&jwt, true);
        let record = session.introspected_with_keys(
            introspection_answer(&sealed, INTROSPECTION_JWT),
            jwks(),
            now,
        );
        let failure = record.outcome.clone().expect_err("no key");
        assert!(
            failure
                .message
                .starts_with("The introspection answer is encrypted (dir / A256GCM"),
            "{}",
            failure.message
        );
        assert!(
            record
                .introspection_jwt
                .as_deref()
                .is_some_and(|f| f.encrypted && !f.signed)
        );
        assert!(session.introspection.is_none());
        session.decryption_key_loaded(Ok(client_keys()));
        let record = session.introspected_with_keys(
            introspection_answer(&sealed, INTROSPECTION_JWT),
            jwks(),
            now,
        );
        let summary = record.outcome.clone().expect("opened and verified");
        assert!(
            summary.ends_with(
                "introspection answer encrypted with dir / A256GCM, decrypted with key rs-enc"
            ),
            "{summary}"
        );
        let facts = record.introspection_jwt.as_deref().expect("facts");
        assert!(facts.encrypted && facts.signed && facts.passed);
        assert!(
            facts
                .decryption
                .as_deref()
                .is_some_and(|d| d.contains("A256GCM"))
        );
        assert!(session.introspection.as_ref().is_some_and(|a| a.active));

        // Encrypted claims nobody signed are refused.
        session.introspection = None;
        let unsigned = encrypted(&good_claims().to_string(), false);
        let record = session.introspected_with_keys(
            introspection_answer(&unsigned, INTROSPECTION_JWT),
            jwks(),
            now,
        );
        assert!(record.outcome.is_err());
        assert!(session.introspection.is_none());

        // Bodies that are no JWT: garbage, Cyrillic, bytes that are not UTF-8.
        for body in [
            b"garbage".to_vec(),
            "кириллица".as_bytes().to_vec(),
            vec![0xff, 0xfe, 0x80, b'.'],
        ] {
            let mut exchange = introspection_answer("", INTROSPECTION_JWT);
            if let Ok(response) = &mut exchange.response {
                response.body = body;
            }
            let record = session.introspected_with_keys(exchange, jwks(), now);
            assert!(record.outcome.is_err());
            assert!(session.introspection.is_none());
        }
    }

    /// OIDC Core §10.2: an ID token signed, then encrypted to the client.
    /// Without a key, with a file that cannot be read, or with a key that
    /// does not fit (a wrong key), the token step fails and says why, in
    /// English and Russian; the access token is kept.
    #[test]
    fn an_encrypted_id_token_without_a_fitting_key_fails_its_step() {
        let fixtures = JWE_FIXTURES;
        let (_, body) = encrypted_id_token_answer();
        let now = Timestamp::from_unix(1_795_387_806);
        let failure = |session: &mut FlowSession| {
            session.code = Some(Secret::new("c0de"));
            let exchange = answered_with(session, 200, &body);
            match &session.token_exchanged(exchange, now).outcome {
                Err(failure) => failure.message.clone(),
                Ok(summary) => panic!("not opened, yet: {summary}"),
            }
        };

        let mut session = bank_session();
        let said = failure(&mut session);
        assert!(
            said.contains("The ID token is encrypted (RSA-OAEP-256 / A256GCM, OIDC Core §10.2) and the profile has no decryption key"),
            "{said}"
        );
        assert!(
            session.answer_verification(now).is_none(),
            "nothing to verify"
        );
        // The access token is kept: it works whatever the ID token.
        assert_eq!(
            session
                .tokens
                .as_ref()
                .and_then(|t| t.access_token.as_deref()),
            Some("at-1")
        );

        session.profile.decryption_key_file = format!("{fixtures}no-such-key.pem");
        assert!(session.needs_decryption_key());
        // The window's job has not read it yet.
        let said = failure(&mut session);
        assert!(said.contains("was still being read"), "{said}");
        session.load_decryption_key();
        let said = failure(&mut session);
        assert!(
            said.contains(
                "the profile's decryption key could not be read: could not read the decryption key"
            ),
            "{said}"
        );

        // Another RSA key: it cannot recover the content key.
        session.decryption_key_loaded(read_decryption_key(
            &format!("{fixtures}recipient-rsa.pkcs8.pem"),
            None,
        ));
        assert!(session.decryption_key_error.is_none());
        let said = failure(&mut session);
        assert!(
            said.contains("the profile's decryption key does not open it"),
            "{said}"
        );
        assert!(said.contains("wrong key or altered token"), "{said}");
        // A key of another type does not fit at all.
        session.decryption_key_loaded(read_decryption_key(
            &format!("{fixtures}recipient-p256.sec1.pem"),
            None,
        ));
        let said = failure(&mut session);
        assert!(
            said.contains("the profile's decryption key does not open it"),
            "{said}"
        );

        // Russian too.
        crate::i18n::set_language(crate::i18n::Language::Ru);
        session.decryption_keys = None;
        session.decryption_key_error = None;
        session.profile.decryption_key_file.clear();
        let said = failure(&mut session);
        crate::i18n::set_language(crate::i18n::Language::En);
        assert!(said.starts_with("ID-токен зашифрован"), "{said}");
    }

    /// A PKCS#12 decryption key file opens with the run's passphrase; a
    /// wrong one, or none, fails the token step and says which, in English
    /// and Russian.
    #[test]
    fn a_pkcs12_decryption_key_needs_its_passphrase() {
        let (_, body) = encrypted_id_token_answer();
        let now = Timestamp::from_unix(1_795_387_806);
        let mut session = bank_session();
        session.profile.decryption_key_file = format!("{JWE_FIXTURES}recipient-rsa.p12");
        let mut failure = |passphrase: Option<&str>| {
            session.decryption_keys = None;
            session.decryption_key_passphrase = passphrase.map(Secret::new);
            session.load_decryption_key();
            session.code = Some(Secret::new("c0de"));
            let exchange = answered_with(&session, 200, &body);
            match &session.token_exchanged(exchange, now).outcome {
                Err(failure) => failure.message.clone(),
                Ok(summary) => summary.clone(),
            }
        };
        let said = failure(None);
        assert!(
            said.ends_with("the profile's decryption key could not be read: the passphrase of recipient-rsa.p12 is not set: it is a PKCS#12 file that needs one"),
            "{said}"
        );
        let said = failure(Some("wrong"));
        assert!(
            said.ends_with("could not be read: the passphrase of recipient-rsa.p12 is wrong"),
            "{said}"
        );
        // The right one opens the container; its key is another than the
        // token's, so the step now fails on the key, not the passphrase.
        let said = failure(Some("tokenscope-test"));
        assert!(
            said.contains("the profile's decryption key does not open it"),
            "{said}"
        );
        crate::i18n::set_language(crate::i18n::Language::Ru);
        let said = failure(Some("wrong"));
        crate::i18n::set_language(crate::i18n::Language::En);
        assert!(
            said.ends_with("пароль к recipient-rsa.p12 неверный"),
            "{said}"
        );
    }

    /// With the right key the nested JWS is the run's ID token (shown,
    /// verified, sent as the logout hint), the step says how it was
    /// encrypted and which key opened it, and so does the verification.
    #[test]
    fn an_encrypted_id_token_is_opened_with_the_right_key_and_verified() {
        let (jwe, body) = encrypted_id_token_answer();
        let jwe = jwe.as_str();
        let now = Timestamp::from_unix(1_795_387_806);
        let mut session = bank_session();
        session.decryption_key_loaded(read_decryption_key(
            &format!("{JWE_FIXTURES}recipient.private.jwks.json"),
            None,
        ));
        session.code = Some(Secret::new("c0de"));
        let exchange = answered_with(&session, 200, &body);
        let summary = session
            .token_exchanged(exchange, now)
            .outcome
            .clone()
            .expect("opened");
        assert!(
            summary.ends_with(
                "ID token encrypted with RSA-OAEP-256 / A256GCM, decrypted with key jose-rsa"
            ),
            "{summary}"
        );
        let id_token = session
            .tokens
            .as_ref()
            .and_then(|t| t.id_token.clone())
            .expect("an ID token");
        assert_eq!(id_token.split('.').count(), 3, "the nested JWS: {id_token}");
        assert_eq!(session.id_token_hint.as_deref(), Some(id_token.as_str()));
        let text = session.tokens_text();
        assert!(text.contains(&id_token) && !text.contains(jwe), "{text}");
        // The verification decrypts it too, and says how.
        session.profile.endpoints.jwks = "https://op.example.test/jwks".to_owned();
        let pending = session.answer_verification(now).expect("to verify");
        assert!(pending.decryption.is_some());
        let signing = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/provider/keys/provider-signing.jwks.json"
        ))
        .expect("the signing keys");
        let report = pending.run(&mut |_| Ok(signing.clone())).expect("a report");
        let token = report.tokens.first().expect("the ID token");
        assert_eq!(
            token.decryption.as_ref().map(|d| d.status),
            Some("decrypted")
        );
        assert_eq!(token.signature.status, "valid", "{token:?}");
        assert!(
            token.notes.first().is_some_and(|note| note
                .starts_with("encrypted with RSA-OAEP-256 / A256GCM, decrypted with key jose-rsa")),
            "{:?}",
            token.notes
        );
    }

    #[test]
    fn merge_refresh_keeps_only_what_the_answer_left_out() {
        let previous = TokenSet {
            access_token: Some("at-1".to_owned()),
            id_token: Some("id-1".to_owned()),
            refresh_token: Some("rt-1".to_owned()),
            ..TokenSet::default()
        };
        let fresh = TokenSet {
            access_token: Some("at-2".to_owned()),
            refresh_token: Some("rt-2".to_owned()),
            ..TokenSet::default()
        };
        let (merged, kept) = merge_refresh(Some(&previous), fresh.clone());
        assert_eq!(kept, [Kept::IdToken]);
        assert_eq!(merged.id_token.as_deref(), Some("id-1"));
        assert_eq!(merged.refresh_token.as_deref(), Some("rt-2"));
        let (alone, kept) = merge_refresh(None, fresh.clone());
        assert!(kept.is_empty());
        assert_eq!(alone, fresh);
    }

    fn first_id(record: &StepRecord) -> String {
        match &record.outcome {
            Err(failure) => failure
                .diagnosis
                .as_ref()
                .and_then(|d| d.entries.first())
                .map(|f| f.id.clone())
                .unwrap_or_default(),
            Ok(_) => String::new(),
        }
    }

    #[test]
    fn the_bank_s_retry_says_unknown_code_and_the_run_knows_why() {
        let now = Timestamp::from_unix(1_795_387_806);
        let mut session = bank_session();
        session.prepare_authorize(now).expect("authorize");
        let redirect = format!(
            "https://partner.example.test/cb?code=8b2f6c1e&state={}",
            session.run.state
        );
        session.callback(&parse_pasted(&redirect).expect("redirect"), now);
        // First attempt: the secret is refused (and the bank deletes the code).
        let first = answer(
            &session,
            r#"{"error":"invalid_grant","error_description":"Invalid client secret for authz code 8b2f6c1e"}"#,
        );
        let record = session.token_exchanged(first, now);
        assert_eq!(
            first_id(record),
            "rfc6749.token.invalid_client.secret_whitespace"
        );
        let Err(failure) = &record.outcome else {
            panic!("failed")
        };
        assert!(
            failure
                .diagnosis
                .as_ref()
                .is_some_and(|d| d.has("sber.invalid_client_secret_for_code")),
            "{failure:?}"
        );
        // Before the retry, the card warns that the code was sent already.
        let draft = session
            .token_draft(Timestamp::from_unix(1_795_387_806))
            .expect("draft");
        let lints = session.lint(Step::Token, &draft);
        assert!(
            lints
                .iter()
                .any(|l| l.kind == crate::oauth::lint::LintKind::CodeAlreadyUsed)
        );
        assert!(
            lints
                .iter()
                .any(|l| l.kind == crate::oauth::lint::LintKind::SecretWhitespace)
        );
        // The retry: the bank no longer knows the code.
        let retry = answer(
            &session,
            r#"{"error":"invalid_grant","error_description":"Unknown code = 8b2f6c1e"}"#,
        );
        let record = session.token_exchanged(retry, now);
        assert_eq!(first_id(record), "sber.unknown_code.after_failed_exchange");
    }

    #[test]
    fn a_redirect_error_is_diagnosed_for_the_profile_s_provider() {
        let now = Timestamp::from_unix(1_795_387_806);
        let mut session = bank_session();
        session.prepare_authorize(now).expect("authorize");
        let redirect = format!(
            "https://partner.example.test/cb?error=invalid_scope&error_description=openid+first&state={}",
            session.run.state
        );
        let record = session.callback(&parse_pasted(&redirect).expect("redirect"), now);
        assert_eq!(first_id(record), "sber.invalid_scope");
    }
}
