//! The authorization code flow and the other back-channel requests
//! (client credentials, introspection, revocation), step by step, as pure
//! functions: build each request from the profile and the run's values, and
//! read each response.
//! Sending is the caller's business ([`crate::net::send`]); the flow runner
//! ([`super::runner`]) and the UI drive these same functions.

// What a server sends is hostile input: no byte index that can cut a
// character, no index that can panic.
#![deny(clippy::string_slice, clippy::indexing_slicing)]

use base64::Engine as _;
use serde::Serialize;
use serde_json::Value;

use crate::diagnose::{Diagnosis, Endpoint, FailureContext};
use crate::i18n::Language;
use crate::net::{Exchange, RecordedResponse, RequestDraft};
use crate::secret::Secret;

use super::assertion::{self, ClientKey};
use super::pkce::RunSecrets;
use super::profile::{AssertionAudience, ClientAuth, Profile, RequestKind};
use crate::token::Timestamp;

/// What the client proves itself with in one request: the client secret,
/// the private key (PEM text, for `private_key_jwt`), and the time a JWT
/// assertion is made at (RFC 7523 §3: `iat`, `exp`).
#[derive(Clone, Copy, Debug)]
pub struct Credentials<'a> {
    /// The client secret (`client_secret_basic`, `_post`, `_jwt`).
    pub secret: Option<&'a Secret>,
    /// The private key file's content (`private_key_jwt`).
    pub private_key: Option<&'a Secret>,
    /// Now, for the assertion's `iat` and `exp`.
    pub now: Timestamp,
}

impl<'a> Credentials<'a> {
    /// Only a client secret (or none).
    pub fn secret(secret: Option<&'a Secret>, now: Timestamp) -> Self {
        Self {
            secret,
            private_key: None,
            now,
        }
    }
}

/// The steps of the flows: the code flow in order ([`Step::ALL`]), then the
/// client credentials grant and the token management steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Fetch the provider's metadata.
    Discovery,
    /// Push the authorization parameters to the provider first (RFC 9126).
    PushedAuthorization,
    /// Send the user to the provider to sign in.
    Authorize,
    /// Receive the redirect with the code.
    Callback,
    /// Exchange the code for tokens.
    Token,
    /// Ask who the user is.
    #[serde(rename = "userinfo")]
    UserInfo,
    /// Get fresh tokens with the refresh token.
    Refresh,
    /// Get tokens for the client itself (RFC 6749 §4.4).
    ClientCredentials,
    /// Ask the provider whether a token is active (RFC 7662).
    Introspection,
    /// Tell the provider a token is no longer needed (RFC 7009).
    Revocation,
    /// Trade the user's name and password for tokens (RFC 6749 §4.3).
    Password,
    /// Ask for a device code and a user code (RFC 8628 §3.1).
    DeviceAuthorization,
    /// Poll the token endpoint until the user approves (RFC 8628 §3.4).
    DeviceToken,
    /// Ask the provider to reach the user on their phone (OpenID CIBA Core 1.0 §7.1).
    BackchannelAuthentication,
    /// Poll the token endpoint with `auth_req_id` until the user approves (CIBA Core §10.1).
    CibaToken,
    /// An extension grant: any other `grant_type` (RFC 6749 §4.5, RFC 8693).
    ExtensionGrant,
    /// End the user's session at the provider (OpenID Connect RP-Initiated Logout 1.0).
    Logout,
    /// Call an API of the user's choosing with the access token (RFC 6750
    /// §2.1; with DPoP, RFC 9449 §7).
    ApiCall,
}

impl Step {
    /// Whether the step sends a request drafted from the run (and editable
    /// before it goes): discovery, the grant's token requests, UserInfo,
    /// device authorization.
    pub fn sends_drafted_request(self) -> bool {
        matches!(
            self,
            Self::Discovery
                | Self::PushedAuthorization
                | Self::Token
                | Self::UserInfo
                | Self::ApiCall
                | Self::Refresh
                | Self::ClientCredentials
                | Self::Password
                | Self::ExtensionGrant
                | Self::DeviceAuthorization
                | Self::BackchannelAuthentication
        )
    }

    /// Whether the step's answer is a token response (RFC 6749 §5.1): the
    /// steps whose tokens the engine verifies.
    pub fn returns_tokens(self) -> bool {
        matches!(
            self,
            Self::Token
                | Self::Refresh
                | Self::Password
                | Self::ExtensionGrant
                | Self::ClientCredentials
                | Self::DeviceToken
                | Self::CibaToken
        )
    }

    /// The client credentials grant (RFC 6749 §4.4), in order.
    pub const CLIENT_CREDENTIALS: [Self; 2] = [Self::Discovery, Self::ClientCredentials];

    /// What can follow the token step of any grant, in order.
    pub const TOKEN_MANAGEMENT: [Self; 2] = [Self::Introspection, Self::Revocation];

    /// The steps of a grant, in order, before the token-management steps.
    pub fn for_grant(grant: &super::profile::Grant) -> &'static [Self] {
        use super::profile::Grant;
        match grant {
            Grant::AuthorizationCode => &Self::ALL,
            Grant::ClientCredentials => &Self::CLIENT_CREDENTIALS,
            Grant::Password => &[
                Self::Discovery,
                Self::Password,
                Self::UserInfo,
                Self::Refresh,
            ],
            Grant::RefreshToken => &[Self::Discovery, Self::Refresh],
            Grant::DeviceCode => &[
                Self::Discovery,
                Self::DeviceAuthorization,
                Self::DeviceToken,
                Self::UserInfo,
                Self::Refresh,
            ],
            Grant::Ciba => &[
                Self::Discovery,
                Self::BackchannelAuthentication,
                Self::CibaToken,
                Self::UserInfo,
                Self::Refresh,
            ],
            Grant::Extension(_) => &[Self::Discovery, Self::ExtensionGrant, Self::Refresh],
        }
    }

    /// The steps a run of `grant` with `profile` walks, in order: the
    /// grant's steps, with the pushed authorization request before the
    /// browser when the profile asks for PAR (RFC 9126).
    pub fn plan(profile: &super::profile::Profile, grant: &super::profile::Grant) -> Vec<Self> {
        let mut steps = Self::for_grant(grant).to_vec();
        if profile.par
            && let Some(at) = steps.iter().position(|s| *s == Self::Authorize)
        {
            steps.insert(at, Self::PushedAuthorization);
        }
        steps
    }

    /// Every step of the code flow, in order.
    pub const ALL: [Self; 6] = [
        Self::Discovery,
        Self::Authorize,
        Self::Callback,
        Self::Token,
        Self::UserInfo,
        Self::Refresh,
    ];

    /// Title on the step card, in this thread's language.
    pub fn title(self) -> String {
        match self {
            Self::Discovery => crate::tr!("step-title-discovery"),
            Self::PushedAuthorization => crate::tr!("step-title-par"),
            Self::Authorize => crate::tr!("step-title-authorize"),
            Self::Callback => crate::tr!("step-title-callback"),
            Self::Token => crate::tr!("step-title-token"),
            Self::UserInfo => crate::tr!("step-title-userinfo"),
            Self::Refresh => crate::tr!("step-title-refresh"),
            Self::ClientCredentials => crate::tr!("step-title-client-credentials"),
            Self::Introspection => crate::tr!("step-title-introspection"),
            Self::Revocation => crate::tr!("step-title-revocation"),
            Self::Password => crate::tr!("step-title-password"),
            Self::DeviceAuthorization => crate::tr!("step-title-device-authorization"),
            Self::DeviceToken => crate::tr!("step-title-device-token"),
            Self::BackchannelAuthentication => crate::tr!("step-title-backchannel-authentication"),
            Self::CibaToken => crate::tr!("step-title-ciba-token"),
            Self::ExtensionGrant => crate::tr!("step-title-extension-grant"),
            Self::Logout => crate::tr!("step-title-logout"),
            Self::ApiCall => crate::tr!("step-title-api-call"),
        }
    }

    /// A few plain sentences for a room of newcomers: who talks to whom, and
    /// why; presenter mode tells it in the window's language.
    pub fn narration(self) -> String {
        match self {
            Self::Discovery => crate::tr!("step-narration-discovery"),
            Self::PushedAuthorization => crate::tr!("step-narration-par"),
            Self::Authorize => crate::tr!("step-narration-authorize"),
            Self::Callback => crate::tr!("step-narration-callback"),
            Self::Token => crate::tr!("step-narration-token"),
            Self::UserInfo => crate::tr!("step-narration-userinfo"),
            Self::Refresh => crate::tr!("step-narration-refresh"),
            Self::ClientCredentials => crate::tr!("step-narration-client-credentials"),
            Self::Introspection => crate::tr!("step-narration-introspection"),
            Self::Revocation => crate::tr!("step-narration-revocation"),
            Self::Password => crate::tr!("step-narration-password"),
            Self::DeviceAuthorization => crate::tr!("step-narration-device-authorization"),
            Self::DeviceToken => crate::tr!("step-narration-device-token"),
            Self::BackchannelAuthentication => {
                crate::tr!("step-narration-backchannel-authentication")
            }
            Self::CibaToken => crate::tr!("step-narration-ciba-token"),
            Self::ExtensionGrant => crate::tr!("step-narration-extension-grant"),
            Self::Logout => crate::tr!("step-narration-logout"),
            Self::ApiCall => crate::tr!("step-narration-api-call"),
        }
    }

    /// The step's title for a run of `profile`: in CIBA ping mode the token
    /// step waits for the provider's call instead of polling (CIBA Core §10.2).
    pub fn title_in(self, profile: &super::profile::Profile) -> String {
        if self == Self::CibaToken && profile.ciba.delivery_mode == super::ciba::DeliveryMode::Ping
        {
            crate::tr!("step-title-ciba-token-ping")
        } else {
            self.title()
        }
    }

    /// The narration for a run of `profile`: what its protections add to
    /// the step — a DPoP proof (RFC 9449), a signed request object (RFC
    /// 9101), a JWT-secured response (JARM) — said where they happen.
    pub fn narration_in(self, profile: &super::profile::Profile) -> String {
        let ping = profile.ciba.delivery_mode == super::ciba::DeliveryMode::Ping;
        let mut text = if self == Self::CibaToken && ping {
            // CIBA Core §10.2: the provider's call back replaces the polling.
            crate::tr!("step-narration-ciba-ping")
        } else {
            self.narration()
        };
        let mut add = |more: String| {
            text.push(' ');
            text.push_str(&more);
        };
        let token_request = self.returns_tokens() || self == Self::PushedAuthorization;
        if profile.dpop && (token_request || self == Self::UserInfo || self == Self::ApiCall) {
            add(crate::tr!("step-narration-dpop"));
        }
        let signed_here = if profile.par {
            self == Self::PushedAuthorization
        } else {
            self == Self::Authorize
        };
        if profile.request_object && signed_here {
            add(crate::tr!("step-narration-jar"));
        }
        if profile.asks_for_jarm() && self == Self::Callback {
            add(crate::tr!("step-narration-jarm"));
        }
        if ping && self == Self::BackchannelAuthentication {
            // CIBA Core §7.1: the bearer of the provider's call back.
            add(crate::tr!("step-narration-ciba-ping-token"));
        }
        text
    }

    /// One sentence on what the step does and why, for trainers.
    pub fn purpose(self) -> String {
        match self {
            Self::Discovery => crate::tr!("step-purpose-discovery"),
            Self::PushedAuthorization => crate::tr!("step-purpose-par"),
            Self::Authorize => crate::tr!("step-purpose-authorize"),
            Self::Callback => crate::tr!("step-purpose-callback"),
            Self::Token => crate::tr!("step-purpose-token"),
            Self::UserInfo => crate::tr!("step-purpose-userinfo"),
            Self::Refresh => crate::tr!("step-purpose-refresh"),
            Self::ClientCredentials => crate::tr!("step-purpose-client-credentials"),
            Self::Introspection => crate::tr!("step-purpose-introspection"),
            Self::Revocation => crate::tr!("step-purpose-revocation"),
            Self::Password => crate::tr!("step-purpose-password"),
            Self::DeviceAuthorization => crate::tr!("step-purpose-device-authorization"),
            Self::DeviceToken => crate::tr!("step-purpose-device-token"),
            Self::BackchannelAuthentication => {
                crate::tr!("step-purpose-backchannel-authentication")
            }
            Self::CibaToken => crate::tr!("step-purpose-ciba-token"),
            Self::ExtensionGrant => crate::tr!("step-purpose-extension-grant"),
            Self::Logout => crate::tr!("step-purpose-logout"),
            Self::ApiCall => crate::tr!("step-purpose-api-call"),
        }
    }
}

/// Tokens from a token response (RFC 6749 §5.1).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TokenSet {
    /// `access_token`.
    pub access_token: Option<String>,
    /// `id_token`.
    pub id_token: Option<String>,
    /// `refresh_token`.
    pub refresh_token: Option<String>,
    /// `token_type`.
    pub token_type: Option<String>,
    /// `expires_in`, seconds.
    pub expires_in: Option<i64>,
    /// `refresh_expires_in`, seconds (Keycloak).
    pub refresh_expires_in: Option<i64>,
    /// `scope` as granted.
    pub scope: Option<String>,
    /// Lifetimes that are not real ones (negative, absurdly long, not
    /// numbers), each said as "`expires_in` is 1.8e23 s: not a real lifetime";
    /// `expires_in` or `refresh_expires_in` is then `None`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unreal_lifetimes: Vec<String>,
}

/// The longest lifetime taken as real: ten years. Beyond it a provider's
/// `expires_in` is shown as what it is and not counted with.
pub const MAX_LIFETIME_SECONDS: u64 = 10 * 365 * 24 * 60 * 60;

/// A number of seconds a provider sent (`expires_in`, `interval`), read
/// without trusting it: RFC 6749 §5.1 and RFC 8628 §3.2 give these as
/// integers, but any JSON value may come.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SentSeconds {
    /// A whole number of seconds, at most the limit the caller gave.
    Real(u64),
    /// More than the limit: the value as sent, to show, never to count with.
    TooLong(String),
    /// Negative or not a number: the value as sent (shortened), to show.
    Meaningless(String),
}

impl SentSeconds {
    /// The value as sent, when it is not a real number of seconds.
    pub fn absurd(&self) -> Option<&str> {
        match self {
            Self::Real(_) => None,
            Self::TooLong(value) | Self::Meaningless(value) => Some(value),
        }
    }
}

/// How much of an absurd value is repeated in a message.
const SHOWN_VALUE_CHARS: usize = 40;

/// Reads member `name` as seconds (a JSON number or a numeric string; a
/// fraction is rounded down); `None` when absent or `null`.
pub fn seconds_member(
    fields: &serde_json::Map<String, Value>,
    name: &str,
    limit: u64,
) -> Option<SentSeconds> {
    let value = fields.get(name)?;
    let real = |seconds: u64| {
        if seconds <= limit {
            SentSeconds::Real(seconds)
        } else {
            SentSeconds::TooLong(seconds.to_string())
        }
    };
    let from_float = |number: f64, shown: String| {
        if number.is_nan() || number < 0.0 {
            SentSeconds::Meaningless(shown)
        } else if number <= u64_as_f64(limit) {
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "not negative and at most the limit: the floor fits"
            )]
            SentSeconds::Real(number.floor() as u64)
        } else {
            SentSeconds::TooLong(shown)
        }
    };
    Some(match value {
        Value::Null => return None,
        Value::Number(number) => match (number.as_u64(), number.as_f64()) {
            (Some(seconds), _) => real(seconds),
            (None, Some(float)) => from_float(float, float_text(float)),
            (None, None) => SentSeconds::Meaningless(number.to_string()),
        },
        Value::String(text) => {
            let trimmed = text.trim();
            let shown: String = trimmed.chars().take(SHOWN_VALUE_CHARS).collect();
            match (trimmed.parse::<u64>(), trimmed.parse::<f64>()) {
                (Ok(seconds), _) => real(seconds),
                (Err(_), Ok(float)) => from_float(float, shown),
                (Err(_), Err(_)) => SentSeconds::Meaningless(format!("{shown:?}")),
            }
        }
        other => {
            SentSeconds::Meaningless(other.to_string().chars().take(SHOWN_VALUE_CHARS).collect())
        }
    })
}

/// A float as a person writes it: `1000000000000`, `-5.5`, `1.8e23`.
fn float_text(number: f64) -> String {
    if number.abs() >= 1e15 {
        format!("{number:e}")
    } else if number.fract() == 0.0 {
        format!("{number:.0}")
    } else {
        number.to_string()
    }
}

#[expect(
    clippy::cast_precision_loss,
    reason = "a bound to compare with: rounding up to the next float is harmless"
)]
fn u64_as_f64(value: u64) -> f64 {
    value as f64
}

/// An error answer from the provider (RFC 6749 §5.2, §4.1.2.1; RFC 6750 §3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProviderError {
    /// HTTP status (0 for a redirect error).
    pub status: u16,
    /// `error`.
    pub error: String,
    /// `error_description`.
    pub description: Option<String>,
    /// `error_uri`.
    pub uri: Option<String>,
}

impl std::fmt::Display for ProviderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.description {
            Some(description) => write!(f, "{}: {description}", self.error),
            None => f.write_str(&self.error),
        }
    }
}

/// Why a step failed, with what probably went wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StepFailure {
    /// What happened, in one line.
    pub message: String,
    /// The provider's error, when it sent one.
    pub provider_error: Option<Box<ProviderError>>,
    /// What probably went wrong and what to do: the error catalogue's
    /// findings ([`crate::diagnose`]), `None` when none fits.
    pub diagnosis: Option<Diagnosis>,
}

impl StepFailure {
    /// A failure with a message only.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            provider_error: None,
            diagnosis: None,
        }
    }

    /// Diagnoses the failure from `context` (replacing an earlier diagnosis).
    pub fn diagnose(&mut self, context: &FailureContext) {
        let diagnosis = crate::diagnose::diagnose(context);
        self.diagnosis = (!diagnosis.is_empty()).then_some(diagnosis);
    }

    /// The first finding in one line, in `language`.
    pub fn diagnosis_line(&self, language: Language) -> Option<String> {
        self.diagnosis.as_ref()?.summary(language)
    }
}

impl std::fmt::Display for StepFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)?;
        if let Some(line) = self.diagnosis_line(Language::En) {
            write!(f, " — {line}")?;
        }
        Ok(())
    }
}

/// Diagnoses a failed step from its exchange, as far as the answer alone
/// tells; the runner adds the provider and what the run sent.
fn diagnosed<T>(
    result: Result<T, StepFailure>,
    exchange: &Exchange,
    endpoint: Endpoint,
) -> Result<T, StepFailure> {
    result.map_err(|mut failure| {
        failure.diagnose(&FailureContext::from_exchange(exchange, Some(endpoint)));
        failure
    })
}

/// The authorization request URL (RFC 6749 §4.1.1, OIDC Core §3.1.2.1, RFC 7636 §4.3).
/// `dpop_jkt`, the thumbprint of the run's DPoP key, binds the code to it
/// (RFC 9449 §10).
pub fn authorize_url(
    profile: &Profile,
    run: &RunSecrets,
    dpop_jkt: Option<&str>,
) -> Result<String, StepFailure> {
    let params = authorize_parameters(profile, run, dpop_jkt);
    authorization_endpoint_url(profile, &params)
}

/// The authorization endpoint with `params` as its query.
pub fn authorization_endpoint_url(
    profile: &Profile,
    params: &[(String, String)],
) -> Result<String, StepFailure> {
    let endpoint = profile.endpoints.authorization.trim();
    if endpoint.is_empty() {
        return Err(StepFailure::new(crate::tr!(
            "run-no-authorization-endpoint"
        )));
    }
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    let separator = if endpoint.contains('?') { '&' } else { '?' };
    Ok(format!("{endpoint}{separator}{query}"))
}

/// The authorization request's parameters, in the order sent: what the
/// browser carries, or what a pushed request (RFC 9126 §2.1) or a request
/// object (RFC 9101 §4) holds.
pub fn authorize_parameters(
    profile: &Profile,
    run: &RunSecrets,
    dpop_jkt: Option<&str>,
) -> Vec<(String, String)> {
    let mut params: Vec<(String, String)> = vec![
        ("response_type".to_owned(), "code".to_owned()),
        ("client_id".to_owned(), profile.client_id.trim().to_owned()),
    ];
    if !profile.redirect_uri.trim().is_empty() {
        params.push((
            "redirect_uri".to_owned(),
            profile.redirect_uri.trim().to_owned(),
        ));
    }
    if !profile.scopes.trim().is_empty() {
        params.push((
            "scope".to_owned(),
            profile
                .scopes
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        ));
    }
    params.push(("state".to_owned(), run.state.clone()));
    if profile.wants_id_token() {
        params.push(("nonce".to_owned(), run.nonce.clone()));
    }
    for (name, value) in run.pkce_params() {
        params.push((name.to_owned(), value.to_owned()));
    }
    if let Some(jkt) = dpop_jkt {
        params.push(("dpop_jkt".to_owned(), jkt.to_owned()));
    }
    if !profile.response_mode.trim().is_empty() {
        params.push((
            "response_mode".to_owned(),
            profile.response_mode.trim().to_owned(),
        ));
    }
    for param in profile.params_for(RequestKind::Authorize) {
        params.retain(|(n, _)| n != &param.name);
        params.push((param.name.clone(), param.value.clone()));
    }
    params
}

/// The pushed authorization request (RFC 9126 §2.1): the authorization
/// parameters (or the request object carrying them) in a form body to the
/// PAR endpoint, with the client authenticated as at the token endpoint.
pub fn pushed_authorization_request(
    profile: &Profile,
    credentials: Credentials<'_>,
    mut params: Vec<(String, String)>,
) -> Result<RequestDraft, StepFailure> {
    let endpoint = profile.endpoint_for("pushed_authorization_request_endpoint");
    if endpoint.is_empty() {
        return Err(StepFailure::new(crate::tr!("run-no-par-endpoint")));
    }
    // Every method but HTTP Basic puts `client_id` in the body itself; a
    // second one is refused (RFC 6749 §3.1: parameters sent at most once).
    if profile.client_auth != ClientAuth::ClientSecretBasic {
        params.retain(|(name, _)| name != "client_id");
    }
    authenticated_post(profile, endpoint, credentials, params, None)
}

/// A successful pushed authorization answer (RFC 9126 §2.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushedRequest {
    /// The reference the browser carries instead of the parameters.
    pub request_uri: String,
    /// How long it may be used, in seconds.
    pub expires_in: i64,
}

/// Reads the PAR endpoint's answer: 201 (some providers say 200) with
/// `request_uri` and `expires_in` (RFC 9126 §2.2), else the error (§2.3:
/// the authorization request's error codes, in a token-endpoint-style
/// body). A failure is diagnosed as an authorization request's.
pub fn parse_pushed_authorization_response(
    exchange: &Exchange,
) -> Result<PushedRequest, StepFailure> {
    diagnosed(
        read_pushed_authorization_response(exchange),
        exchange,
        Endpoint::Authorization,
    )
}

fn read_pushed_authorization_response(exchange: &Exchange) -> Result<PushedRequest, StepFailure> {
    let response = answer(exchange)?;
    let Some(fields) = body_fields(response) else {
        return Err(unreadable(response));
    };
    if let Some(error) = provider_error(response.status, &fields) {
        return Err(failure_from(error));
    }
    if !(200..300).contains(&response.status) {
        return Err(StepFailure::new(crate::tr!(
            "run-http-no-oauth-error",
            status = response.status
        )));
    }
    let request_uri = fields
        .get("request_uri")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|uri| !uri.is_empty())
        .ok_or_else(|| StepFailure::new(crate::tr!("run-par-no-request-uri")))?;
    let expires_in = match seconds_member(&fields, "expires_in", MAX_LIFETIME_SECONDS) {
        Some(SentSeconds::Real(seconds)) => i64::try_from(seconds).ok().filter(|s| *s > 0),
        _ => None,
    }
    .ok_or_else(|| StepFailure::new(crate::tr!("run-par-no-expires-in")))?;
    Ok(PushedRequest {
        request_uri: request_uri.to_owned(),
        expires_in,
    })
}

/// A token-endpoint request with the profile's client authentication
/// (RFC 6749 §2.3.1: id and secret are form-urlencoded before Basic encoding).
pub(crate) fn token_request(
    profile: &Profile,
    credentials: Credentials<'_>,
    fields: Vec<(String, String)>,
    kind: RequestKind,
) -> Result<RequestDraft, StepFailure> {
    let endpoint = profile.endpoint_for("token_endpoint");
    if endpoint.is_empty() {
        return Err(StepFailure::new(crate::tr!("run-no-token-endpoint")));
    }
    authenticated_post(profile, endpoint, credentials, fields, Some(kind))
}

/// The `aud` of the profile's client assertions (RFC 7523 §3 item 3).
pub fn assertion_audience(profile: &Profile) -> String {
    match &profile.client_assertion.audience {
        AssertionAudience::TokenEndpoint => profile.endpoints.token.trim().to_owned(),
        AssertionAudience::Issuer => profile.issuer.trim().to_owned(),
        AssertionAudience::Custom(value) => value.trim().to_owned(),
    }
}

/// `client_assertion_type` and `client_assertion` for the JWT methods
/// (RFC 7523 §2.2, OIDC Core §9), or why they cannot be made.
fn assertion_fields(
    profile: &Profile,
    credentials: Credentials<'_>,
) -> Result<Vec<(String, String)>, StepFailure> {
    let client_id = profile.client_id.trim();
    let audience = assertion_audience(profile);
    let settings = &profile.client_assertion;
    let signed = if profile.client_auth == ClientAuth::ClientSecretJwt {
        match credentials.secret {
            Some(secret) => assertion::with_secret(client_id, &audience, secret, credentials.now),
            None => Err(assertion::AssertionError::NoSecret),
        }
    } else {
        match credentials.private_key {
            None if settings.key_file.trim().is_empty() => {
                Err(assertion::AssertionError::NoKeyFile)
            }
            None => Err(assertion::AssertionError::KeyNotLoaded),
            Some(pem) => ClientKey::from_pem(pem.expose()).and_then(|key| {
                assertion::with_key(
                    client_id,
                    &audience,
                    &key,
                    (&settings.algorithm, &settings.key_id),
                    credentials.now,
                )
            }),
        }
    };
    let jwt = signed.map_err(|error| {
        StepFailure::new(crate::tr!(
            "run-no-assertion",
            error = error.to_string(),
            method = profile.client_auth.as_str()
        ))
    })?;
    Ok(vec![
        ("client_id".to_owned(), client_id.to_owned()),
        (
            "client_assertion_type".to_owned(),
            assertion::JWT_BEARER.to_owned(),
        ),
        ("client_assertion".to_owned(), jwt),
    ])
}

/// A form POST to `endpoint` with the profile's client authentication, the
/// extra parameters of `kind` (if any) and the profile's headers. The token,
/// introspection (RFC 7662 §2.1), revocation (RFC 7009 §2.1) and device
/// authorization (RFC 8628 §3.1) endpoints authenticate the client the same way.
pub(crate) fn authenticated_post(
    profile: &Profile,
    endpoint: &str,
    credentials: Credentials<'_>,
    mut fields: Vec<(String, String)>,
    kind: Option<RequestKind>,
) -> Result<RequestDraft, StepFailure> {
    let client_id = profile.client_id.trim();
    let secret_value = credentials.secret.map(Secret::expose).unwrap_or_default();
    let mut basic = None;
    match profile.client_auth {
        ClientAuth::ClientSecretBasic => {
            let encode =
                |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
            let pair = format!("{}:{}", encode(client_id), encode(secret_value));
            basic = Some(format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(pair)
            ));
        }
        ClientAuth::ClientSecretPost => {
            fields.push(("client_id".to_owned(), client_id.to_owned()));
            fields.push(("client_secret".to_owned(), secret_value.to_owned()));
        }
        ClientAuth::None | ClientAuth::TlsClientAuth => {
            fields.push(("client_id".to_owned(), client_id.to_owned()));
        }
        ClientAuth::PrivateKeyJwt | ClientAuth::ClientSecretJwt => {
            fields.extend(assertion_fields(profile, credentials)?);
        }
    }
    for param in kind.into_iter().flat_map(|kind| profile.params_for(kind)) {
        fields.retain(|(n, _)| n != &param.name);
        fields.push((param.name.clone(), param.value.clone()));
    }
    let mut draft = RequestDraft::form_post(endpoint, &fields);
    if let Some(basic) = basic {
        draft.set_header("Authorization", basic);
    }
    for header in &profile.headers {
        draft.set_header(&header.name, header.value.clone());
    }
    Ok(draft)
}

/// The code exchange (RFC 6749 §4.1.3, RFC 7636 §4.5).
pub fn code_request(
    profile: &Profile,
    credentials: Credentials<'_>,
    code: &Secret,
    run: &RunSecrets,
) -> Result<RequestDraft, StepFailure> {
    let mut fields = vec![
        ("grant_type".to_owned(), "authorization_code".to_owned()),
        ("code".to_owned(), code.expose().to_owned()),
    ];
    if !profile.redirect_uri.trim().is_empty() {
        fields.push((
            "redirect_uri".to_owned(),
            profile.redirect_uri.trim().to_owned(),
        ));
    }
    if !run.code_verifier.is_empty() && run.method != super::PkceMode::Off {
        fields.push((
            "code_verifier".to_owned(),
            run.code_verifier.expose().to_owned(),
        ));
    }
    token_request(profile, credentials, fields, RequestKind::Token)
}

/// The refresh request (RFC 6749 §6).
pub fn refresh_request(
    profile: &Profile,
    credentials: Credentials<'_>,
    refresh_token: &str,
) -> Result<RequestDraft, StepFailure> {
    let fields = vec![
        ("grant_type".to_owned(), "refresh_token".to_owned()),
        ("refresh_token".to_owned(), refresh_token.to_owned()),
    ];
    token_request(profile, credentials, fields, RequestKind::Refresh)
}

/// The client credentials request (RFC 6749 §4.4.2): `grant_type=client_credentials`
/// and the profile's `scope`, with the profile's client authentication
/// (the grant is for confidential clients only, RFC 6749 §4.4).
pub fn client_credentials_request(
    profile: &Profile,
    credentials: Credentials<'_>,
) -> Result<RequestDraft, StepFailure> {
    let mut fields = vec![("grant_type".to_owned(), "client_credentials".to_owned())];
    if !profile.scopes.trim().is_empty() {
        fields.push(("scope".to_owned(), normalized_scope(&profile.scopes)));
    }
    token_request(profile, credentials, fields, RequestKind::Token)
}

/// The resource owner password credentials request (RFC 6749 §4.3.2):
/// `username`, `password` and the profile's `scope`.
pub fn password_request(
    profile: &Profile,
    credentials: Credentials<'_>,
    username: &str,
    password: &Secret,
) -> Result<RequestDraft, StepFailure> {
    if username.trim().is_empty() {
        return Err(StepFailure::new(crate::tr!("run-type-username")));
    }
    let mut fields = vec![
        ("grant_type".to_owned(), "password".to_owned()),
        ("username".to_owned(), username.trim().to_owned()),
        ("password".to_owned(), password.expose().to_owned()),
    ];
    if !profile.scopes.trim().is_empty() {
        fields.push(("scope".to_owned(), normalized_scope(&profile.scopes)));
    }
    token_request(profile, credentials, fields, RequestKind::Token)
}

/// An extension grant request (RFC 6749 §4.5): `grant_type` (an absolute
/// URI or a provider's name, e.g. MOEX `passport`) and the given fields in
/// order; fields with empty values are left out.
pub fn extension_request(
    profile: &Profile,
    credentials: Credentials<'_>,
    grant_type: &str,
    fields: &[(String, String)],
) -> Result<RequestDraft, StepFailure> {
    let grant_type = grant_type.trim();
    if grant_type.is_empty() {
        return Err(StepFailure::new(crate::tr!("run-no-grant-type")));
    }
    let mut form = vec![("grant_type".to_owned(), grant_type.to_owned())];
    form.extend(
        fields
            .iter()
            .filter(|(name, value)| !name.trim().is_empty() && !value.is_empty())
            .map(|(name, value)| (name.trim().to_owned(), value.clone())),
    );
    token_request(profile, credentials, form, RequestKind::Token)
}

/// The introspection request (RFC 7662 §2.1): `token` and an optional
/// `token_type_hint`, sent by POST to the introspection endpoint with the
/// profile's client authentication.
pub fn introspection_request(
    profile: &Profile,
    credentials: Credentials<'_>,
    token: &str,
    hint: Option<&str>,
) -> Result<RequestDraft, StepFailure> {
    let endpoint = profile.endpoint_for("introspection_endpoint");
    if endpoint.is_empty() {
        return Err(StepFailure::new(crate::tr!(
            "run-no-introspection-endpoint"
        )));
    }
    let mut draft = authenticated_post(
        profile,
        endpoint,
        credentials,
        token_fields(token, hint),
        None,
    )?;
    if profile.introspection_jwt {
        // RFC 9701 §4: the answer as a signed JWT instead of plain JSON.
        draft.set_header("Accept", super::introspection_jwt::MEDIA_TYPE);
    }
    Ok(draft)
}

/// The revocation request (RFC 7009 §2.1): `token` and an optional
/// `token_type_hint`, sent by POST to the revocation endpoint with the profile's
/// client authentication.
pub fn revocation_request(
    profile: &Profile,
    credentials: Credentials<'_>,
    token: &str,
    hint: Option<&str>,
) -> Result<RequestDraft, StepFailure> {
    let endpoint = profile.endpoint_for("revocation_endpoint");
    if endpoint.is_empty() {
        return Err(StepFailure::new(crate::tr!("run-no-revocation-endpoint")));
    }
    authenticated_post(
        profile,
        endpoint,
        credentials,
        token_fields(token, hint),
        None,
    )
}

fn token_fields(token: &str, hint: Option<&str>) -> Vec<(String, String)> {
    let mut fields = vec![("token".to_owned(), token.to_owned())];
    if let Some(hint) = hint.map(str::trim).filter(|h| !h.is_empty()) {
        fields.push(("token_type_hint".to_owned(), hint.to_owned()));
    }
    fields
}

fn normalized_scope(scopes: &str) -> String {
    scopes.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The UserInfo request (OIDC Core §5.3.1) with the access token as Bearer (RFC 6750 §2.1).
pub fn userinfo_request(
    profile: &Profile,
    access_token: &str,
) -> Result<RequestDraft, StepFailure> {
    let endpoint = profile.endpoint_for("userinfo_endpoint");
    if endpoint.is_empty() {
        return Err(StepFailure::new(crate::tr!("run-no-userinfo-endpoint")));
    }
    let mut draft = RequestDraft::get(endpoint);
    draft.set_header("Authorization", format!("Bearer {access_token}"));
    for header in &profile.headers {
        draft.set_header(&header.name, header.value.clone());
    }
    for param in profile.params_for(RequestKind::Userinfo) {
        let separator = if draft.url.contains('?') { '&' } else { '?' };
        let pair = form_urlencoded::Serializer::new(String::new())
            .append_pair(&param.name, &param.value)
            .finish();
        draft.url = format!("{}{separator}{pair}", draft.url);
    }
    Ok(draft)
}

pub use crate::net::body_fields;

impl Step {
    /// The endpoint this step talks to, for the diagnosis of its failures.
    pub fn endpoint(self) -> Endpoint {
        match self {
            Self::Discovery => Endpoint::Discovery,
            // The end-session request is a browser redirect like authorize.
            // PAR answers with the authorization request's error codes
            // (RFC 9126 §2.3).
            Self::Authorize | Self::Callback | Self::Logout | Self::PushedAuthorization => {
                Endpoint::Authorization
            }
            // The device authorization endpoint answers errors as the token
            // endpoint does (RFC 8628 §3.2, RFC 6749 §5.2).
            Self::Token
            | Self::Refresh
            | Self::ClientCredentials
            | Self::Password
            | Self::DeviceAuthorization
            | Self::DeviceToken
            | Self::BackchannelAuthentication
            | Self::CibaToken
            | Self::ExtensionGrant => Endpoint::Token,
            Self::UserInfo | Self::ApiCall => Endpoint::Resource,
            Self::Introspection => Endpoint::Introspection,
            Self::Revocation => Endpoint::Revocation,
        }
    }
}

/// Reads a token response (RFC 6749 §5.1 / §5.2); a failure is diagnosed.
pub fn parse_token_response(exchange: &Exchange) -> Result<TokenSet, StepFailure> {
    diagnosed(read_token_response(exchange), exchange, Endpoint::Token)
}

fn read_token_response(exchange: &Exchange) -> Result<TokenSet, StepFailure> {
    let response = answer(exchange)?;
    let Some(fields) = body_fields(response) else {
        return Err(unreadable(response));
    };
    if let Some(error) = provider_error(response.status, &fields) {
        return Err(failure_from(error));
    }
    if !(200..300).contains(&response.status) {
        return Err(StepFailure::new(crate::tr!(
            "run-http-no-oauth-error",
            status = response.status
        )));
    }
    let text = |name: &str| {
        fields.get(name).and_then(|v| {
            v.as_str()
                .map(str::to_owned)
                .or_else(|| v.as_i64().map(|n| n.to_string()))
        })
    };
    let mut unreal_lifetimes = Vec::new();
    let mut lifetime = |name: &str| match seconds_member(&fields, name, MAX_LIFETIME_SECONDS)? {
        SentSeconds::Real(seconds) => i64::try_from(seconds).ok(),
        SentSeconds::TooLong(value) | SentSeconds::Meaningless(value) => {
            unreal_lifetimes.push(crate::tr!(
                "run-unreal-lifetime",
                name = name.to_owned(),
                value = value
            ));
            None
        }
    };
    let expires_in = lifetime("expires_in");
    let refresh_expires_in = lifetime("refresh_expires_in");
    let set = TokenSet {
        access_token: text("access_token"),
        id_token: text("id_token"),
        refresh_token: text("refresh_token"),
        token_type: text("token_type"),
        expires_in,
        refresh_expires_in,
        scope: text("scope"),
        unreal_lifetimes,
    };
    if set.access_token.is_none() {
        return Err(StepFailure::new(
            "The response has no access_token (RFC 6749 §5.1 requires one).",
        ));
    }
    Ok(set)
}

/// Reads a UserInfo response: JSON claims, or a JWT (`application/jwt`,
/// OIDC Core §5.3.2); a failure is diagnosed (RFC 6750 §3 challenges included).
pub fn parse_userinfo_response(exchange: &Exchange) -> Result<UserInfo, StepFailure> {
    diagnosed(
        read_userinfo_response(exchange),
        exchange,
        Endpoint::Resource,
    )
}

fn read_userinfo_response(exchange: &Exchange) -> Result<UserInfo, StepFailure> {
    let response = answer(exchange)?;
    if response.status == 401 || response.status == 403 {
        let challenge = response
            .header("www-authenticate")
            .unwrap_or_default()
            .to_owned();
        let mut message = crate::tr!("run-userinfo-refused", status = response.status);
        if !challenge.is_empty() {
            message.push_str(" WWW-Authenticate: ");
            message.push_str(&challenge);
        }
        return Err(StepFailure::new(message));
    }
    if !(200..300).contains(&response.status) {
        return Err(StepFailure::new(crate::tr!(
            "run-userinfo-http",
            status = response.status
        )));
    }
    if response.media_type() == "application/jwt" {
        return Ok(UserInfo::Jwt(response.text().trim().to_owned()));
    }
    match serde_json::from_slice::<Value>(&response.body) {
        Ok(Value::Object(claims)) => Ok(UserInfo::Claims(claims)),
        _ => Err(unreadable(response)),
    }
}

/// A call to an API with the access token: `GET url` with `Authorization:
/// Bearer` (RFC 6750 §2.1) and the profile's headers.
pub fn api_request(
    profile: &Profile,
    url: &str,
    access_token: &str,
) -> Result<RequestDraft, StepFailure> {
    let url = url.trim();
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(StepFailure::new(crate::tr!("run-api-no-url")));
    }
    let mut draft = RequestDraft::get(url);
    draft.set_header("Authorization", format!("Bearer {access_token}"));
    for header in &profile.headers {
        draft.set_header(&header.name, header.value.clone());
    }
    Ok(draft)
}

/// Reads an API's answer: any 2xx is the API's business (its size and
/// type are said); 401 and 403 carry the resource server's challenge
/// (RFC 6750 §3, RFC 9449 §7.1), diagnosed.
pub fn parse_api_response(exchange: &Exchange) -> Result<String, StepFailure> {
    diagnosed(read_api_response(exchange), exchange, Endpoint::Resource)
}

fn read_api_response(exchange: &Exchange) -> Result<String, StepFailure> {
    let response = answer(exchange)?;
    if (200..300).contains(&response.status) {
        return Ok(crate::tr!(
            "run-api-answered",
            status = response.status,
            bytes = response.body.len(),
            media = match response.media_type().as_str() {
                "" => "none".to_owned(),
                media => media.to_owned(),
            }
        ));
    }
    let challenge = response
        .header("www-authenticate")
        .unwrap_or_default()
        .to_owned();
    let mut message = crate::tr!("run-api-refused", status = response.status);
    if !challenge.is_empty() {
        message.push_str(" WWW-Authenticate: ");
        message.push_str(&challenge);
    }
    Err(StepFailure::new(message))
}

/// An introspection answer (RFC 7662 §2.2).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Introspection {
    /// `active`: whether the token is currently active.
    pub active: bool,
    /// Every other member (`scope`, `client_id`, `sub`, `exp`, `token_type`, …), as sent.
    pub members: serde_json::Map<String, Value>,
}

impl Introspection {
    /// The answer from its members (RFC 7662 §2.2): `active` must be a
    /// boolean; the others are kept as sent. The one reading of the
    /// members, for a JSON answer and for a JWT's `token_introspection`
    /// (RFC 9701 §5).
    pub fn from_members(mut members: serde_json::Map<String, Value>) -> Result<Self, StepFailure> {
        let Some(active) = members.remove("active").and_then(|v| v.as_bool()) else {
            return Err(StepFailure::new(crate::tr!("run-introspection-no-active")));
        };
        Ok(Self { active, members })
    }

    /// One line: `active, client_id client-basic, scope …, exp …` or `inactive: …`.
    pub fn summary(&self) -> String {
        if !self.active {
            return crate::tr!("run-introspection-inactive");
        }
        let mut text = "active".to_owned();
        for name in ["client_id", "sub", "scope", "token_type", "exp"] {
            if let Some(value) = self.members.get(name) {
                let value = value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_owned);
                text.push_str(", ");
                text.push_str(name);
                text.push(' ');
                text.push_str(&value);
            }
        }
        text
    }
}

/// A successful introspection answer, as it came.
#[derive(Clone, Debug, PartialEq)]
pub enum IntrospectionAnswer {
    /// Plain JSON (RFC 7662 §2.2), read.
    Json(Introspection),
    /// A JWT (RFC 9701 §5: `application/token-introspection+jwt`), signed
    /// and maybe encrypted: the body's text, trimmed, to be opened and
    /// checked with the provider's keys before anything in it is used.
    Jwt(String),
}

/// Whether `exchange` got a JWT introspection answer (RFC 9701 §5), whose
/// checks need the provider's keys: the caller fetches them first.
pub fn introspection_needs_keys(exchange: &Exchange) -> bool {
    exchange
        .response
        .as_ref()
        .is_ok_and(super::introspection_jwt::is_jwt_answer)
}

/// Reads an introspection response (RFC 7662 §2.2): a JSON object with a
/// boolean `active` and other members. A 401 means the client (the
/// protected resource) was not authenticated (RFC 7662 §2.3). A JWT answer
/// (RFC 9701) fails here: it needs the provider's keys
/// ([`parse_introspection_answer`]).
pub fn parse_introspection_response(exchange: &Exchange) -> Result<Introspection, StepFailure> {
    match parse_introspection_answer(exchange)? {
        IntrospectionAnswer::Json(answer) => Ok(answer),
        IntrospectionAnswer::Jwt(_) => Err(StepFailure::new(crate::tr!(
            "run-introspection-jwt-needs-keys"
        ))),
    }
}

/// Reads an introspection response as JSON (RFC 7662 §2.2) or, when its
/// `Content-Type` says so, as a JWT (RFC 9701 §5), whether or not one was
/// asked for; errors and refusals as [`parse_introspection_response`].
pub fn parse_introspection_answer(exchange: &Exchange) -> Result<IntrospectionAnswer, StepFailure> {
    diagnosed(
        read_introspection_response(exchange),
        exchange,
        Endpoint::Introspection,
    )
}

fn read_introspection_response(exchange: &Exchange) -> Result<IntrospectionAnswer, StepFailure> {
    let response = answer(exchange)?;
    let fields = body_fields(response);
    if let Some(error) = fields
        .as_ref()
        .and_then(|fields| provider_error(response.status, fields))
    {
        return Err(failure_from(error));
    }
    if response.status == 401 || response.status == 403 {
        return Err(StepFailure::new(crate::tr!(
            "run-introspection-refused",
            status = response.status
        )));
    }
    if !(200..300).contains(&response.status) {
        return Err(StepFailure::new(crate::tr!(
            "run-introspection-http",
            status = response.status
        )));
    }
    if super::introspection_jwt::is_jwt_answer(response) {
        // A compact JWT is ASCII; anything else is no JWT (RFC 7515 §7.1).
        let Ok(text) = std::str::from_utf8(&response.body) else {
            return Err(StepFailure::new(crate::tr!(
                "run-introspection-jwt-not-text"
            )));
        };
        let text = text.trim();
        if text.len() > super::introspection_jwt::MAX_ANSWER_BYTES {
            return Err(StepFailure::new(crate::tr!(
                "introspection-jwt-too-large",
                size = text.len(),
                max = super::introspection_jwt::MAX_ANSWER_BYTES
            )));
        }
        return Ok(IntrospectionAnswer::Jwt(text.to_owned()));
    }
    let Ok(Value::Object(members)) = serde_json::from_slice::<Value>(&response.body) else {
        return Err(unreadable(response));
    };
    Introspection::from_members(members).map(IntrospectionAnswer::Json)
}

/// Reads a revocation response (RFC 7009 §2.2): HTTP 200 with any body is
/// success (an unknown or already invalid token included); an error answer
/// is the provider's (`unsupported_token_type`, RFC 7009 §2.2.1, or RFC 6749 §5.2).
pub fn parse_revocation_response(exchange: &Exchange) -> Result<(), StepFailure> {
    diagnosed(
        read_revocation_response(exchange),
        exchange,
        Endpoint::Revocation,
    )
}

fn read_revocation_response(exchange: &Exchange) -> Result<(), StepFailure> {
    let response = answer(exchange)?;
    if response.status == 200 {
        return Ok(());
    }
    if let Some(error) = body_fields(response)
        .as_ref()
        .and_then(|fields| provider_error(response.status, fields))
    {
        return Err(failure_from(error));
    }
    Err(StepFailure::new(crate::tr!(
        "run-revocation-http",
        status = response.status
    )))
}

/// What UserInfo returned.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum UserInfo {
    /// A JSON object of claims.
    Claims(serde_json::Map<String, Value>),
    /// A signed (or encrypted) JWT.
    Jwt(String),
}

fn answer(exchange: &Exchange) -> Result<&RecordedResponse, StepFailure> {
    let response = exchange.response.as_ref().map_err(|error| {
        StepFailure::new(crate::tr!("run-no-answer", error = error.to_string()))
    })?;
    match redirect_failure(response) {
        Some(failure) => Err(failure),
        None => Ok(response),
    }
}

/// API calls do not follow redirects: a 30x is the answer, shown with where
/// it pointed (a login page, another host, http instead of https, …); the
/// error catalogue explains it.
pub fn redirect_failure(response: &RecordedResponse) -> Option<StepFailure> {
    if !(300..400).contains(&response.status) || response.status == 304 {
        return None;
    }
    let location = response.header("location");
    Some(StepFailure::new(location.map_or_else(
        || crate::tr!("run-redirect-no-location", status = response.status),
        |location| {
            crate::tr!(
                "run-redirected",
                status = response.status,
                location = location
            )
        },
    )))
}

/// Why a body could not be read: cut at the answer limit, HTML, empty, or
/// neither JSON nor form-encoded.
pub(crate) fn unreadable(response: &RecordedResponse) -> StepFailure {
    let mut failure = StepFailure::new(crate::tr!("run-body-unreadable", status = response.status));
    if let Some(note) = response.cut_note() {
        failure.message = crate::tr!("run-body-cut", status = response.status, note = note);
    } else if response.media_type().contains("html")
        || response.text().trim_start().starts_with('<')
    {
        failure.message = crate::tr!("run-body-html", status = response.status);
    } else if response.body.is_empty() {
        failure.message = crate::tr!("run-body-empty", status = response.status);
    }
    failure
}

/// The provider's `error` fields, if the body has them.
pub fn provider_error(
    status: u16,
    fields: &serde_json::Map<String, Value>,
) -> Option<ProviderError> {
    let error = fields.get("error")?.as_str()?.to_owned();
    let text = |name: &str| fields.get(name).and_then(Value::as_str).map(str::to_owned);
    Some(ProviderError {
        status,
        error,
        description: text("error_description"),
        uri: text("error_uri"),
    })
}

/// A failure from a provider error (RFC 6749 §4.1.2.1, §5.2), diagnosed
/// from the error alone; a redirect error (status 0) is the authorization
/// endpoint's.
pub fn failure_from(error: ProviderError) -> StepFailure {
    let mut context = FailureContext {
        endpoint: (error.status == 0).then_some(Endpoint::Authorization),
        status: (error.status != 0).then_some(error.status),
        error: Some(error.error.clone()),
        description: error.description.clone(),
        ..FailureContext::default()
    };
    let mut failure = StepFailure::new(if error.status == 0 {
        crate::tr!("run-provider-error", error = error.to_string())
    } else {
        crate::tr!(
            "run-http-error",
            status = error.status,
            error = error.to_string()
        )
    });
    failure.provider_error = Some(Box::new(error));
    context.infer_provider();
    failure.diagnose(&context);
    failure
}

/// Form and query fields that carry secrets.
pub const SECRET_FIELDS: &[&str] = &[
    "client_secret",
    "code",
    "code_verifier",
    "refresh_token",
    "password",
    "token",
    "access_token",
    "id_token",
    "client_assertion",
    "assertion",
    "device_code",
    "subject_token",
    "actor_token",
    "passport",
    "signature",
    "client_secret_old",
    "client_secret_new",
    // CIBA (OpenID CIBA Core 1.0 §7.1, §10.1).
    "auth_req_id",
    "login_hint_token",
    // CIBA ping mode's bearer for the provider's call back (§7.1, §10.2).
    "client_notification_token",
];

/// Keeps the first and last few characters: enough to tell tokens apart, not to use them.
pub fn mask_middle(value: &str) -> String {
    let count = value.chars().count();
    if count <= 12 {
        return "••••••".to_owned();
    }
    // By characters, not bytes: a Cyrillic or emoji value is never cut inside a character.
    let head: String = value.chars().take(6).collect();
    let tail: String = value.chars().skip(count.saturating_sub(4)).collect();
    format!("{head}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// In CIBA ping mode the token step's title says it waits for the ping,
    /// in both languages; poll mode keeps its own.
    #[test]
    fn the_ciba_token_step_is_named_after_the_delivery_mode() {
        use crate::i18n::{Language, set_language};
        let mut profile = super::super::profile::Profile::default();
        assert_eq!(Step::CibaToken.title_in(&profile), "Poll for tokens");
        profile.ciba.delivery_mode = super::super::ciba::DeliveryMode::Ping;
        assert_eq!(Step::CibaToken.title_in(&profile), "Tokens after the ping");
        assert_eq!(Step::Token.title_in(&profile), Step::Token.title());
        set_language(Language::Ru);
        assert_eq!(
            Step::CibaToken.title_in(&profile),
            "Токены после уведомления"
        );
        set_language(Language::En);
    }

    #[test]
    fn the_narration_says_what_dpop_jar_and_jarm_add_where_they_happen() {
        crate::i18n::set_language(Language::En);
        let mut profile = Profile::default();
        assert_eq!(Step::Token.narration_in(&profile), Step::Token.narration());
        profile.dpop = true;
        profile.par = true;
        profile.request_object = true;
        "query.jwt".clone_into(&mut profile.response_mode);
        assert!(Step::Token.narration_in(&profile).contains("With DPoP"));
        assert!(Step::UserInfo.narration_in(&profile).contains("With DPoP"));
        let pushed = Step::PushedAuthorization.narration_in(&profile);
        assert!(pushed.contains("request object"), "{pushed}");
        assert!(
            !Step::Authorize
                .narration_in(&profile)
                .contains("request object"),
            "with PAR the object travels in the push, not the browser"
        );
        assert!(Step::Callback.narration_in(&profile).contains("JARM"));
        assert!(!Step::Callback.narration_in(&profile).contains("With DPoP"));
    }

    /// Every step a card can show, for the checks of its texts.
    const EVERY_STEP: [Step; 16] = [
        Step::Discovery,
        Step::Authorize,
        Step::Callback,
        Step::Token,
        Step::UserInfo,
        Step::Refresh,
        Step::ClientCredentials,
        Step::Introspection,
        Step::Revocation,
        Step::Password,
        Step::DeviceAuthorization,
        Step::DeviceToken,
        Step::BackchannelAuthentication,
        Step::CibaToken,
        Step::ExtensionGrant,
        Step::Logout,
    ];

    /// The presenter narrates every step in both languages: the message
    /// exists (no id shown), and the Russian is Russian, not a fallback.
    #[test]
    fn every_step_is_narrated_in_both_languages() {
        use crate::i18n::{Language, set_language};
        let cyrillic = |text: &str| text.chars().any(|c| ('а'..='я').contains(&c));
        for step in EVERY_STEP {
            set_language(Language::En);
            let (title, purpose, narration) = (step.title(), step.purpose(), step.narration());
            set_language(Language::Ru);
            let (title_ru, purpose_ru, narration_ru) =
                (step.title(), step.purpose(), step.narration());
            set_language(Language::En);
            for text in [
                &title,
                &purpose,
                &narration,
                &title_ru,
                &purpose_ru,
                &narration_ru,
            ] {
                assert!(
                    !text.trim().is_empty() && !text.starts_with("step-"),
                    "{step:?}: {text}"
                );
            }
            assert!(
                narration.len() > 80,
                "{step:?}: a few sentences: {narration}"
            );
            assert!(
                cyrillic(&narration_ru) && cyrillic(&purpose_ru),
                "{step:?} in Russian"
            );
            assert!(
                !cyrillic(&narration) && !cyrillic(&purpose),
                "{step:?} in English"
            );
            assert_ne!(narration, narration_ru, "{step:?}");
            // UserInfo is a name in both languages; every other title is translated.
            assert_eq!(
                title == title_ru,
                step == Step::UserInfo,
                "{step:?}: {title_ru}"
            );
        }
    }
    use crate::oauth::PkceMode;

    const T0: Timestamp = Timestamp::from_unix(1_800_000_000);

    fn profile(auth: ClientAuth) -> Profile {
        let mut profile = Profile {
            client_id: "my app".to_owned(),
            client_auth: auth,
            scopes: "openid profile".to_owned(),
            ..Profile::default()
        };
        profile.endpoints.authorization = "https://op/authorize".to_owned();
        profile.endpoints.token = "https://op/token".to_owned();
        profile
    }

    #[test]
    fn basic_credentials_are_form_encoded_first() {
        let run = RunSecrets::generate(PkceMode::S256, 36, 10);
        let draft = code_request(
            &profile(ClientAuth::ClientSecretBasic),
            Credentials::secret(Some(&Secret::new("s:+/= %")), T0),
            &Secret::new("c0de"),
            &run,
        )
        .expect("draft");
        let header = draft.header("authorization").expect("basic");
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(header.trim_start_matches("Basic "))
            .expect("base64");
        assert_eq!(
            String::from_utf8(decoded).expect("utf-8"),
            "my+app:s%3A%2B%2F%3D+%25"
        );
        let fields = draft.form_fields();
        assert!(
            fields
                .iter()
                .any(|(k, v)| k == "code_verifier" && v == run.code_verifier.expose())
        );
        assert!(
            !fields.iter().any(|(k, _)| k == "client_secret"),
            "no secret in the body with Basic"
        );
    }

    #[test]
    fn a_public_client_sends_no_secret_and_no_basic_header() {
        let run = RunSecrets::generate(PkceMode::S256, 36, 10);
        let draft = code_request(
            &profile(ClientAuth::None),
            Credentials::secret(Some(&Secret::new("ignored")), T0),
            &Secret::new("c"),
            &run,
        )
        .expect("draft");
        assert!(draft.header("authorization").is_none());
        assert!(
            !draft
                .form_fields()
                .iter()
                .any(|(k, _)| k == "client_secret")
        );
    }

    #[test]
    fn authorize_url_carries_state_nonce_and_challenge() {
        let run = RunSecrets::generate(PkceMode::S256, 36, 10);
        let url = authorize_url(&profile(ClientAuth::None), &run, None).expect("url");
        for expected in [
            format!("state={}", run.state),
            format!("nonce={}", run.nonce),
            "code_challenge_method=S256".to_owned(),
            "scope=openid+profile".to_owned(),
        ] {
            assert!(url.contains(&expected), "{url} lacks {expected}");
        }
    }

    fn exchange(status: u16, body: &str) -> Exchange {
        Exchange::json_answer("https://op/x", status, body)
    }

    #[test]
    fn client_credentials_sends_grant_type_and_scope_with_basic_authentication() {
        let mut profile = profile(ClientAuth::ClientSecretBasic);
        profile.scopes = " api:read   api:write ".to_owned();
        let draft = client_credentials_request(
            &profile,
            Credentials::secret(Some(&Secret::new("s:+/= %&")), T0),
        )
        .expect("draft");
        assert_eq!(draft.url, "https://op/token");
        assert_eq!(
            draft.form_fields(),
            [
                ("grant_type".to_owned(), "client_credentials".to_owned()),
                ("scope".to_owned(), "api:read api:write".to_owned()),
            ]
        );
        assert!(
            draft
                .header("authorization")
                .is_some_and(|h| h.starts_with("Basic "))
        );
    }

    #[test]
    fn introspection_and_revocation_authenticate_like_the_token_request() {
        let mut profile = profile(ClientAuth::ClientSecretPost);
        profile.endpoints.introspection = "https://op/token/introspection".to_owned();
        profile.endpoints.revocation = "https://op/token/revocation".to_owned();
        let secret = Secret::new("post-secret");
        let introspect = introspection_request(
            &profile,
            Credentials::secret(Some(&secret), T0),
            "tok3n",
            Some("access_token"),
        )
        .expect("draft");
        assert_eq!(introspect.url, "https://op/token/introspection");
        let fields = introspect.form_fields();
        for (name, value) in [
            ("token", "tok3n"),
            ("token_type_hint", "access_token"),
            ("client_id", "my app"),
            ("client_secret", "post-secret"),
        ] {
            assert!(
                fields.iter().any(|(k, v)| k == name && v == value),
                "{fields:?} lacks {name}"
            );
        }
        let revoke = revocation_request(
            &profile,
            Credentials::secret(Some(&secret), T0),
            "tok3n",
            None,
        )
        .expect("draft");
        assert_eq!(revoke.url, "https://op/token/revocation");
        assert!(
            !revoke
                .form_fields()
                .iter()
                .any(|(k, _)| k == "token_type_hint")
        );

        profile.endpoints.revocation.clear();
        assert!(
            revocation_request(
                &profile,
                Credentials::secret(Some(&secret), T0),
                "tok3n",
                None
            )
            .is_err()
        );
    }

    #[test]
    fn introspection_asks_for_a_jwt_when_the_profile_says_and_reads_one_by_its_type() {
        let mut profile = profile(ClientAuth::ClientSecretBasic);
        profile.endpoints.introspection = "https://op/introspect".to_owned();
        let secret = Secret::new("s");
        let credentials = Credentials::secret(Some(&secret), T0);
        let plain = introspection_request(&profile, credentials, "at", None).expect("draft");
        assert_ne!(
            plain.header("accept"),
            Some("application/token-introspection+jwt")
        );
        profile.introspection_jwt = true;
        let asked = introspection_request(&profile, credentials, "at", None).expect("draft");
        assert_eq!(
            asked.header("accept"),
            Some("application/token-introspection+jwt")
        );
        let typed = |content_type: &str, body: &[u8]| {
            let mut exchange = exchange(200, "");
            if let Ok(response) = &mut exchange.response {
                response.headers = vec![("Content-Type".to_owned(), content_type.to_owned())];
                response.body = body.to_vec();
            }
            exchange
        };
        // Asked or not, the Content-Type decides.
        let jwt = typed(
            "Application/Token-Introspection+JWT; charset=utf-8",
            b" a.b.c\n",
        );
        assert!(introspection_needs_keys(&jwt));
        assert_eq!(
            parse_introspection_answer(&jwt),
            Ok(IntrospectionAnswer::Jwt("a.b.c".to_owned()))
        );
        assert!(
            parse_introspection_response(&jwt).is_err(),
            "not used without keys"
        );
        let json = typed("application/json", br#"{"active":true}"#);
        assert!(!introspection_needs_keys(&json));
        assert!(matches!(
            parse_introspection_answer(&json),
            Ok(IntrospectionAnswer::Json(Introspection {
                active: true,
                ..
            }))
        ));
        let not_text = typed("application/token-introspection+jwt", &[0xd0, 0xff, 0x2e]);
        assert!(parse_introspection_answer(&not_text).is_err());
        let huge = "a".repeat(super::super::introspection_jwt::MAX_ANSWER_BYTES + 1);
        let huge = typed("application/token-introspection+jwt", huge.as_bytes());
        assert!(parse_introspection_answer(&huge).is_err());
        // An error answer stays the provider's error.
        let mut refused = typed("application/token-introspection+jwt", b"");
        if let Ok(response) = &mut refused.response {
            response.status = 401;
        }
        assert!(parse_introspection_answer(&refused).is_err());
    }

    #[test]
    fn introspection_reads_active_and_the_other_members() {
        let answer = parse_introspection_response(&exchange(
            200,
            r#"{"active":true,"client_id":"c","scope":"a b","exp":1795474206}"#,
        ))
        .expect("answer");
        assert!(answer.active);
        assert_eq!(answer.members.get("client_id"), Some(&Value::from("c")));
        assert!(answer.summary().starts_with("active, client_id c"));
        let inactive =
            parse_introspection_response(&exchange(200, r#"{"active":false}"#)).expect("answer");
        assert!(!inactive.active && inactive.summary().starts_with("inactive"));
        let refused = parse_introspection_response(&exchange(401, "")).expect_err("401");
        assert!(
            refused
                .diagnosis
                .is_some_and(|d| d.has("rfc7662.client_refused"))
        );
        let no_active = parse_introspection_response(&exchange(200, r#"{"scope":"a"}"#));
        assert!(no_active.is_err());
    }

    #[test]
    fn revocation_accepts_200_with_any_body_and_explains_unsupported_token_type() {
        assert_eq!(parse_revocation_response(&exchange(200, "")), Ok(()));
        assert_eq!(parse_revocation_response(&exchange(200, "<html>")), Ok(()));
        let failure =
            parse_revocation_response(&exchange(400, r#"{"error":"unsupported_token_type"}"#))
                .expect_err("error");
        assert_eq!(
            failure.provider_error.map(|e| e.error).as_deref(),
            Some("unsupported_token_type")
        );
        assert!(failure.diagnosis.is_some_and(|d| {
            d.has("rfc7009.unsupported_token_type")
                && d.entries
                    .first()
                    .is_some_and(|e| e.source.contains("RFC 7009"))
        }));
    }

    #[test]
    fn absurd_lifetimes_are_said_as_sent_and_never_counted_with() {
        let read = |body: &str| parse_token_response(&exchange(200, body)).expect("tokens");
        let tokens = read(r#"{"access_token":"a","expires_in":1.8e23,"refresh_expires_in":0}"#);
        assert_eq!(
            (tokens.expires_in, tokens.refresh_expires_in),
            (None, Some(0))
        );
        assert_eq!(
            tokens.unreal_lifetimes,
            ["expires_in is 1.8e23 s: not a real lifetime"]
        );
        for (sent, shown) in [
            ("-5", "-5"),
            ("18446744073709551615", "18446744073709551615"),
            (r#""1e400""#, "1e400"),
            (r#""через час""#, r#""через час""#),
            (r#""-1""#, "-1"),
            ("[1]", "[1]"),
            (r#"{"s":1}"#, r#"{"s":1}"#),
        ] {
            let tokens = read(&format!(r#"{{"access_token":"a","expires_in":{sent}}}"#));
            assert_eq!(tokens.expires_in, None, "{sent}");
            assert_eq!(
                tokens.unreal_lifetimes,
                [format!("expires_in is {shown} s: not a real lifetime")],
                "{sent}"
            );
        }
        for (sent, seconds) in [("300", 300), (r#"" 300 ""#, 300), ("3599.9", 3599)] {
            let tokens = read(&format!(r#"{{"access_token":"a","expires_in":{sent}}}"#));
            assert_eq!(tokens.expires_in, Some(seconds), "{sent}");
            assert!(tokens.unreal_lifetimes.is_empty());
        }
    }

    #[test]
    fn error_bodies_in_any_script_are_read_whole() {
        let description = "Код недействителен 🔑 \u{200f}שגיאה\u{200f}";
        let body = serde_json::json!({"error": "invalid_grant", "error_description": description})
            .to_string();
        let failure = parse_token_response(&exchange(400, &body)).expect_err("an error");
        let error = failure.provider_error.expect("the provider's error");
        assert_eq!(error.description.as_deref(), Some(description));
        assert!(failure.message.contains("Код недействителен 🔑"));
        // Invalid UTF-8 in a form body: read lossily, never a panic.
        let mut raw = exchange(400, "");
        if let Ok(response) = &mut raw.response {
            response.headers = vec![(
                "Content-Type".to_owned(),
                "application/x-www-form-urlencoded".to_owned(),
            )];
            response.body = b"error=invalid_client&error_description=\xff\xfe%D0%9E".to_vec();
        }
        let failure = parse_token_response(&raw).expect_err("an error");
        assert_eq!(
            failure.provider_error.map(|e| e.error).as_deref(),
            Some("invalid_client")
        );
    }

    #[test]
    fn a_cut_answer_is_said_to_be_cut() {
        let mut cut = exchange(200, r#"{"access_token":"abc","tok"#);
        if let Ok(response) = &mut cut.response {
            response.truncated_at = Some(10 * 1024 * 1024);
        }
        let failure = parse_token_response(&cut).expect_err("unreadable");
        assert_eq!(
            failure.message,
            "HTTP 200: the answer was cut at 10 MiB: the server sent more, which was not read, so it cannot be read as a whole."
        );
    }

    #[test]
    fn masking_counts_characters_not_bytes() {
        assert_eq!(mask_middle("Токен-доступа-истёк"), "Токен-…стёк");
        assert_eq!(
            mask_middle("🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑"),
            "🔑🔑🔑🔑🔑🔑…🔑🔑🔑🔑"
        );
        assert_eq!(mask_middle("\u{200f}שלום\u{200f}"), "••••••");
        assert_eq!(mask_middle(""), "••••••");
    }
}
