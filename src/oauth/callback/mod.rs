//! The authorization response: where it arrives and what it must pass.
//!
//! - [`RedirectTarget`] tells a loopback redirect URI (RFC 8252 §7.3), which
//!   tokenscope serves itself, from any other, whose final address the user
//!   pastes back ([`parse_pasted`]).
//! - [`CallbackListener`] is the loopback listener (RFC 8252 §8.3): bound to
//!   the loopback interface only, open for one redirect, then closed.
//! - [`check_callback`] runs the checks in the order RFC 9700 §4.7 and
//!   RFC 9207 §2.4 imply: duplicates, `state`, `iss`, then `error`, then `code`.
//!   A response is only believed once it is known to belong to this run, so
//!   even an `error` is not shown as the provider's answer before that.
//!
//! Known gap (reliability.md LB-02): on Windows the listener should set
//! `SO_EXCLUSIVEADDRUSE`, which `std` cannot do; it needs a socket crate.

// The listener parses raw bytes from anyone on this machine: no slice that
// can cut a character, no index that can miss (tests may index what they built).
#![cfg_attr(not(test), deny(clippy::string_slice, clippy::indexing_slicing))]

use std::fmt;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use crate::secret::Secret;

// ---------------------------------------------------------------------------
// Redirect URI
// ---------------------------------------------------------------------------

/// A redirect URI, parsed once: either a loopback URI the listener can serve
/// (RFC 8252 §7.3) or any other URI, whose final address the user pastes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RedirectTarget {
    uri: String,
    loopback: Option<Loopback>,
}

/// How a loopback redirect URI names the loopback interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoopbackHost {
    /// `127.0.0.1`, the form RFC 8252 §7.3 recommends.
    Ipv4,
    /// `[::1]`.
    Ipv6,
    /// `localhost`: NOT RECOMMENDED by RFC 8252 §8.3 (name resolution may
    /// leave the loopback interface); the listener still binds 127.0.0.1.
    Localhost,
}

impl LoopbackHost {
    /// The host as written in a URI.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ipv4 => "127.0.0.1",
            Self::Ipv6 => "[::1]",
            Self::Localhost => "localhost",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Loopback {
    host: LoopbackHost,
    port: u16,
    /// Path as written (percent-encoded), `/` when the URI has none.
    path: String,
    /// Everything after the authority, kept to rebuild the URI for port 0.
    path_and_query: String,
    /// Served over TLS: an `https` notification endpoint (CIBA Core §10.2);
    /// redirects are always plain loopback `http` (RFC 8252 §7.3).
    tls: bool,
}

impl RedirectTarget {
    /// Parses a redirect URI (RFC 6749 §3.1.2).
    ///
    /// `http://127.0.0.1:PORT/path`, `http://[::1]:PORT/path` and
    /// `http://localhost:PORT/path` are loopback; every other absolute URI,
    /// `https://localhost/…` included, is left to paste-back. A loopback URI
    /// needs a port; port 0 asks the OS for a free one at bind time (RFC 8252
    /// §7.3), and [`CallbackListener::redirect_uri`] then gives the real URI.
    pub fn parse(redirect_uri: &str) -> Result<Self, CallbackError> {
        Self::parse_with(redirect_uri, false)
    }

    /// Parses a CIBA client notification endpoint (OpenID CIBA Core 1.0
    /// §10.2): as [`Self::parse`], and `https://127.0.0.1:PORT/path` (or
    /// `[::1]`, `localhost`) is loopback too, served with a certificate made
    /// for the run ([`NotificationListener`]). §10.2 requires https; plain
    /// `http` stays for the sandbox, on loopback only.
    pub fn parse_notification_endpoint(endpoint: &str) -> Result<Self, CallbackError> {
        Self::parse_with(endpoint, true)
    }

    /// Whether the listener serves this URI over TLS.
    pub fn is_tls(&self) -> bool {
        self.loopback.as_ref().is_some_and(|l| l.tls)
    }

    fn parse_with(redirect_uri: &str, https_too: bool) -> Result<Self, CallbackError> {
        let uri = redirect_uri.trim();
        let invalid = |reason: String| CallbackError::InvalidRedirectUri {
            uri: uri.to_owned(),
            reason,
        };
        if uri.contains('#') {
            return Err(invalid(crate::tr!("callback-uri-fragment")));
        }
        let Some((scheme, rest)) = uri.split_once("://") else {
            return Err(invalid(crate::tr!("callback-uri-not-absolute")));
        };
        let external = Self {
            uri: uri.to_owned(),
            loopback: None,
        };
        let tls = https_too && scheme.eq_ignore_ascii_case("https");
        if !scheme.eq_ignore_ascii_case("http") && !tls {
            return Ok(external);
        }
        let (authority, path_and_query) =
            rest.split_at(rest.find(['/', '?']).unwrap_or(rest.len()));
        if authority.contains('@') {
            return Err(invalid(crate::tr!("callback-uri-userinfo")));
        }
        let (host, port) = split_host_port(authority);
        let Some(host) = loopback_host(host) else {
            return Ok(external);
        };
        let port = match port {
            None | Some("") => {
                return Err(CallbackError::NoPort {
                    uri: uri.to_owned(),
                });
            }
            Some(port) => port
                .parse::<u16>()
                .map_err(|_| invalid(crate::tr!("callback-uri-port")))?,
        };
        let path = path_and_query.split('?').next().unwrap_or_default();
        Ok(Self {
            uri: uri.to_owned(),
            loopback: Some(Loopback {
                host,
                port,
                path: if path.is_empty() {
                    "/".to_owned()
                } else {
                    path.to_owned()
                },
                path_and_query: path_and_query.to_owned(),
                tls,
            }),
        })
    }

    /// The redirect URI as given (trimmed): the exact string to send as
    /// `redirect_uri` (RFC 6749 §4.1.3 compares it byte for byte).
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// Whether the listener can serve this URI.
    pub fn is_loopback(&self) -> bool {
        self.loopback.is_some()
    }

    /// How a loopback URI names its host (`localhost` deserves a warning).
    pub fn loopback_host(&self) -> Option<LoopbackHost> {
        self.loopback.as_ref().map(|l| l.host)
    }

    /// The port of a loopback URI (0: chosen by the OS at bind time).
    pub fn port(&self) -> Option<u16> {
        self.loopback.as_ref().map(|l| l.port)
    }

    /// The path the listener answers on (`/` when the URI has none).
    pub fn path(&self) -> Option<&str> {
        self.loopback.as_ref().map(|l| l.path.as_str())
    }
}

/// Splits `host[:port]`, keeping an IPv6 literal's brackets.
fn split_host_port(authority: &str) -> (&str, Option<&str>) {
    if authority.starts_with('[') {
        if let Some(end) = authority.find(']') {
            let (host, rest) = authority.split_at(end + 1);
            return (host, rest.strip_prefix(':'));
        }
        return (authority, None);
    }
    match authority.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    }
}

fn loopback_host(host: &str) -> Option<LoopbackHost> {
    if host.eq_ignore_ascii_case("localhost") {
        return Some(LoopbackHost::Localhost);
    }
    if let Some(literal) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return (literal.parse::<Ipv6Addr>().ok()? == Ipv6Addr::LOCALHOST)
            .then_some(LoopbackHost::Ipv6);
    }
    (host.parse::<Ipv4Addr>().ok()? == Ipv4Addr::LOCALHOST).then_some(LoopbackHost::Ipv4)
}

// ---------------------------------------------------------------------------
// Response parameters
// ---------------------------------------------------------------------------

/// The parameters of an authorization response (RFC 6749 §4.1.2, §4.1.2.1;
/// RFC 9207 §2), percent-decoded, as received: nothing here is checked yet.
///
/// `Debug` masks the code (and any token) in every field, `raw_url` included.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct CallbackParams {
    /// The full redirect URL as received, e.g.
    /// `http://127.0.0.1:53682/callback?code=…&state=…&iss=…`.
    pub raw_url: String,
    /// `code`: the authorization code.
    pub code: Option<Secret>,
    /// `state`, to compare with the run's.
    pub state: Option<String>,
    /// `iss`, the authorization server's issuer identifier (RFC 9207 §2).
    pub iss: Option<String>,
    /// `error` of an error response (RFC 6749 §4.1.2.1).
    pub error: Option<String>,
    /// `error_description`.
    pub error_description: Option<String>,
    /// `error_uri`.
    pub error_uri: Option<String>,
    /// Every other parameter, and any repeat of the ones above, in order.
    pub other: Vec<(String, String)>,
}

/// Response parameters that must appear at most once (RFC 6749 §3.1).
const SINGLE_PARAMS: [&str; 4] = ["state", "code", "iss", "error"];

/// Parameters whose values `Debug` never prints.
const SENSITIVE_PARAMS: [&str; 4] = ["code", "access_token", "id_token", "refresh_token"];

impl CallbackParams {
    /// The parameters a JWT-secured response carried (JARM §2.3), read as
    /// if they had come in the redirect itself.
    pub fn from_parameters(raw_url: String, parameters: &[(String, String)]) -> Self {
        let form = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(parameters)
            .finish();
        Self::from_form(raw_url, &form)
    }

    /// The `response` parameter of a JWT-secured authorization response
    /// (JARM §2.3.1), if the redirect carried one.
    pub fn jarm_response(&self) -> Option<&str> {
        crate::oauth::jarm::response_parameter(&self.other)
    }

    /// Decodes an `application/x-www-form-urlencoded` query or fragment.
    fn from_form(raw_url: String, form: &str) -> Self {
        let mut params = Self {
            raw_url,
            ..Self::default()
        };
        for (name, value) in form_urlencoded::parse(form.as_bytes()) {
            let slot = match name.as_ref() {
                "code" if params.code.is_none() => {
                    params.code = Some(Secret::new(value.into_owned()));
                    continue;
                }
                "state" => &mut params.state,
                "iss" => &mut params.iss,
                "error" => &mut params.error,
                "error_description" => &mut params.error_description,
                "error_uri" => &mut params.error_uri,
                _ => {
                    params.other.push((name.into_owned(), value.into_owned()));
                    continue;
                }
            };
            if slot.is_none() {
                *slot = Some(value.into_owned());
            } else {
                params.other.push((name.into_owned(), value.into_owned()));
            }
        }
        params
    }

    /// The first of `state`, `code`, `iss`, `error` that appears twice.
    pub fn repeated_param(&self) -> Option<&str> {
        self.other
            .iter()
            .map(|(name, _)| name.as_str())
            .find(|name| SINGLE_PARAMS.contains(name))
    }

    /// `raw_url` with the values of `code` and of any token masked, for
    /// logs and screens.
    pub fn redacted_url(&self) -> String {
        redact(&self.raw_url)
    }
}

impl fmt::Debug for CallbackParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let other: Vec<(&str, &str)> = self
            .other
            .iter()
            .map(|(name, value)| {
                let value = if SENSITIVE_PARAMS.contains(&name.as_str()) {
                    "[redacted]"
                } else {
                    value
                };
                (name.as_str(), value)
            })
            .collect();
        f.debug_struct("CallbackParams")
            .field("raw_url", &self.redacted_url())
            .field("code", &self.code)
            .field("state", &self.state)
            .field("iss", &self.iss)
            .field("error", &self.error)
            .field("error_description", &self.error_description)
            .field("error_uri", &self.error_uri)
            .field("other", &other)
            .finish()
    }
}

/// Masks the values of [`SENSITIVE_PARAMS`] in a URL's query and fragment.
fn redact(url: &str) -> String {
    url.split_inclusive(['?', '&', '#'])
        .map(|piece| {
            let (pair, delimiter) = match piece.char_indices().last() {
                Some((at, '?' | '&' | '#')) => piece.split_at(at),
                _ => (piece, ""),
            };
            // Compare decoded names: `co%64e` is `code` to the parser too.
            let name = pair.split_once('=').map(|(name, _)| name);
            let decoded = name.and_then(|name| form_urlencoded::parse(name.as_bytes()).next());
            match (name, decoded) {
                (Some(name), Some((decoded, _)))
                    if SENSITIVE_PARAMS.contains(&decoded.as_ref()) =>
                {
                    format!("{name}=[redacted]{delimiter}")
                }
                _ => piece.to_owned(),
            }
        })
        .collect()
}

/// Reads the address the browser ended on, pasted by the user, when the
/// redirect URI is not loopback: parameters in the query (RFC 6749 §4.1.2) or
/// in the fragment (`response_mode=fragment`, OAuth 2.0 Multiple Response
/// Type Encoding Practices §2.1).
///
/// Surrounding whitespace, quotes and angle brackets are dropped. The query
/// is used when it carries `code` or `error`, else the fragment. A bare
/// parameter string (`code=…&state=…`) is accepted too.
pub fn parse_pasted(url: &str) -> Result<CallbackParams, CallbackError> {
    let url =
        url.trim_matches(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | '<' | '>'));
    if url.is_empty() {
        return Err(CallbackError::Malformed(crate::tr!(
            "callback-nothing-pasted"
        )));
    }
    let (before_fragment, fragment) = match url.split_once('#') {
        Some((before, fragment)) => (before, Some(fragment)),
        None => (url, None),
    };
    let query = match before_fragment.split_once('?') {
        Some((_, query)) => Some(query),
        None if !before_fragment.contains("://") => Some(before_fragment),
        None => None,
    };
    [query, fragment]
        .into_iter()
        .flatten()
        .map(|form| CallbackParams::from_form(url.to_owned(), form))
        .find(|params| params.code.is_some() || params.error.is_some())
        .ok_or(CallbackError::NoCodeOrError)
}

// ---------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------

/// Why an authorization response must not be used. Each message names the
/// rule it comes from; [`CallbackProblem::reason_code`] gives a stable id.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CallbackProblem {
    /// A security-relevant parameter appears twice.
    DuplicateParameter {
        /// The repeated parameter.
        name: String,
    },
    /// No `state`, though this run sent one.
    StateMissing,
    /// `state` differs from the run's.
    StateMismatch {
        /// The state in the redirect.
        received: String,
        /// The state this run sent.
        expected: String,
    },
    /// `iss` names another authorization server.
    IssuerMismatch {
        /// The `iss` in the redirect.
        received: String,
        /// The issuer this run sent its request to.
        expected: String,
    },
    /// The provider promises `iss` but the redirect has none.
    IssuerMissing,
    /// The authorization server answered with an error.
    ErrorResponse {
        /// `error`, e.g. `access_denied`.
        error: String,
        /// `error_description`, as sent (plain text, not checked).
        description: Option<String>,
        /// `error_uri`, as sent.
        uri: Option<String>,
    },
    /// Neither `code` nor `error`.
    CodeMissing,
    /// A pasted address does not start with the redirect URI.
    RedirectMismatch {
        /// Scheme, host, port and path of the pasted address.
        received: String,
        /// This run's redirect URI without its query.
        expected: String,
    },
}

impl CallbackProblem {
    /// A stable identifier (reliability.md §6.3), for reports and tests.
    pub fn reason_code(&self) -> &'static str {
        match self {
            Self::DuplicateParameter { .. } => "AUTHZ_DUPLICATE_PARAM",
            Self::StateMissing => "AUTHZ_STATE_MISSING",
            Self::StateMismatch { .. } => "AUTHZ_STATE_MISMATCH",
            Self::IssuerMismatch { .. } => "AUTHZ_ISS_MISMATCH",
            Self::IssuerMissing => "AUTHZ_ISS_MISSING",
            Self::ErrorResponse { .. } => "AUTHZ_ERROR_RESPONSE",
            Self::CodeMissing => "AUTHZ_CODE_MISSING",
            Self::RedirectMismatch { .. } => "AUTHZ_REDIRECT_MISMATCH",
        }
    }
}

fn error_response_message(error: &str, description: Option<&str>, uri: Option<&str>) -> String {
    let description = description.map(|d| format!(": {d}")).unwrap_or_default();
    let uri = uri
        .map(|u| crate::tr!("callback-more-at", uri = u))
        .unwrap_or_default();
    crate::tr!(
        "callback-error-response",
        error = error,
        description = description,
        uri = uri
    )
}

/// Each problem in this thread's language, naming the rule it breaks.
impl fmt::Display for CallbackProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Self::DuplicateParameter { name } => {
                crate::tr!("callback-duplicate", name = name.as_str())
            }
            Self::StateMissing => crate::tr!("callback-state-missing"),
            Self::StateMismatch { received, expected } => crate::tr!(
                "callback-state-mismatch",
                received = received.as_str(),
                expected = expected.as_str()
            ),
            Self::IssuerMismatch { received, expected } => crate::tr!(
                "callback-issuer-mismatch",
                received = received.as_str(),
                expected = expected.as_str()
            ),
            Self::IssuerMissing => crate::tr!("callback-issuer-missing"),
            Self::ErrorResponse {
                error,
                description,
                uri,
            } => error_response_message(error, description.as_deref(), uri.as_deref()),
            Self::CodeMissing => crate::tr!("callback-code-missing"),
            Self::RedirectMismatch { received, expected } => crate::tr!(
                "callback-redirect-mismatch",
                received = received.as_str(),
                expected = expected.as_str()
            ),
        };
        f.write_str(&text)
    }
}

/// Checks an authorization response and returns its code.
///
/// The order matters (RFC 9700 §4.7, RFC 9207 §2.4: "clients MUST NOT assume
/// that the error originates from the intended authorization server"):
/// 1. no repeated `state`/`code`/`iss`/`error` (RFC 6749 §3.1);
/// 2. `state` present and equal, compared in constant time (RFC 6749 §10.12);
/// 3. `iss`, if present, equal to `expected_issuer` as a plain string; absent
///    is a problem when the provider advertises
///    `authorization_response_iss_parameter_supported` (RFC 9207 §2.4). With
///    no `expected_issuer` (a plain OAuth profile) a present `iss` is not compared;
/// 4. an `error` response is reported with its description (RFC 6749 §4.1.2.1);
/// 5. a `code` must be there (RFC 6749 §4.1.2).
pub fn check_callback(
    params: &CallbackParams,
    expected_state: &str,
    expected_issuer: Option<&str>,
    issuer_param_supported: bool,
) -> Result<Secret, CallbackProblem> {
    if let Some(name) = params.repeated_param() {
        return Err(CallbackProblem::DuplicateParameter {
            name: name.to_owned(),
        });
    }
    let state = params
        .state
        .as_deref()
        .ok_or(CallbackProblem::StateMissing)?;
    if !constant_time_eq(state.as_bytes(), expected_state.as_bytes()) {
        return Err(CallbackProblem::StateMismatch {
            received: state.to_owned(),
            expected: expected_state.to_owned(),
        });
    }
    match (params.iss.as_deref(), expected_issuer) {
        (Some(received), Some(expected)) if received != expected => {
            return Err(CallbackProblem::IssuerMismatch {
                received: received.to_owned(),
                expected: expected.to_owned(),
            });
        }
        (None, _) if issuer_param_supported => return Err(CallbackProblem::IssuerMissing),
        _ => {}
    }
    if let Some(error) = &params.error {
        return Err(CallbackProblem::ErrorResponse {
            error: error.clone(),
            description: params.error_description.clone(),
            uri: params.error_uri.clone(),
        });
    }
    match &params.code {
        Some(code) if !code.is_empty() => Ok(code.clone()),
        _ => Err(CallbackProblem::CodeMissing),
    }
}

/// Checks that a pasted address starts with the run's redirect URI: same
/// scheme, host and port (ASCII case-insensitive) and the same path
/// (reliability.md LB-10). A bare parameter string has no address to compare
/// and passes; `state` still ties it to the run.
pub fn check_redirect(
    params: &CallbackParams,
    target: &RedirectTarget,
) -> Result<(), CallbackProblem> {
    let Some(received) = address_of(&params.raw_url) else {
        return Ok(());
    };
    let expected = address_of(target.uri()).unwrap_or(target.uri());
    if same_address(received, expected) {
        Ok(())
    } else {
        Err(CallbackProblem::RedirectMismatch {
            received: received.to_owned(),
            expected: expected.to_owned(),
        })
    }
}

/// The part of an absolute URL before its query or fragment.
fn address_of(url: &str) -> Option<&str> {
    url.contains("://")
        .then(|| url.split(['?', '#']).next().unwrap_or_default())
}

fn same_address(a: &str, b: &str) -> bool {
    let ((scheme_a, authority_a, path_a), (scheme_b, authority_b, path_b)) =
        (url_parts(a), url_parts(b));
    scheme_a.eq_ignore_ascii_case(scheme_b)
        && authority_a.eq_ignore_ascii_case(authority_b)
        && path_a == path_b
}

/// Scheme, authority and path (`/` when empty) of an address without query.
fn url_parts(url: &str) -> (&str, &str, &str) {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    (scheme, authority, if path.is_empty() { "/" } else { path })
}

/// Compares without stopping at the first difference, so the time taken does
/// not tell an attacker how much of a guessed `state` was right. The length
/// is not secret (every run's state has the same length).
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let difference = a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(difference) == 0
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/// Why no authorization response could be had.
#[derive(Debug, thiserror::Error)]
pub enum CallbackError {
    /// The redirect URI cannot be used at all.
    InvalidRedirectUri {
        /// The URI as given.
        uri: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The listener was asked to serve a URI that is not loopback.
    NotLoopback {
        /// The URI as given.
        uri: String,
    },
    /// A loopback redirect URI without a port.
    NoPort {
        /// The URI as given.
        uri: String,
    },
    /// Another program listens on the port.
    PortInUse {
        /// The port of the redirect URI.
        port: u16,
    },
    /// Binding failed for another reason.
    Bind {
        /// The loopback address and port.
        addr: SocketAddr,
        /// What the OS said.
        source: io::Error,
    },
    /// No redirect arrived in time.
    TimedOut(Duration),
    /// [`CallbackListener::cancel`] was called, or the listener dropped.
    Cancelled,
    /// The result was already taken with [`CallbackListener::try_take`].
    AlreadyTaken,
    /// Pasted text that is not a redirect.
    Malformed(String),
    /// A pasted address with neither `code` nor `error`.
    NoCodeOrError,
    /// The listening socket failed.
    Io(#[from] io::Error),
}

/// Each error in this thread's language.
impl fmt::Display for CallbackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Self::InvalidRedirectUri { uri, reason } => crate::tr!(
                "callback-invalid-uri",
                uri = uri.as_str(),
                reason = reason.as_str()
            ),
            Self::NotLoopback { uri } => crate::tr!("callback-not-loopback", uri = uri.as_str()),
            Self::NoPort { uri } => crate::tr!("callback-no-port", uri = uri.as_str()),
            Self::PortInUse { port } => crate::tr!("callback-port-in-use", port = *port),
            Self::Bind { addr, source } => crate::tr!(
                "callback-bind",
                addr = addr.to_string(),
                error = source.to_string()
            ),
            Self::TimedOut(timeout) => {
                crate::tr!("callback-timed-out", timeout = format!("{timeout:?}"))
            }
            Self::Cancelled => crate::tr!("callback-cancelled"),
            Self::AlreadyTaken => crate::tr!("callback-already-taken"),
            Self::Malformed(reason) => crate::tr!("callback-malformed", reason = reason.as_str()),
            Self::NoCodeOrError => crate::tr!("callback-no-code-or-error"),
            Self::Io(error) => crate::tr!("callback-io", error = error.to_string()),
        };
        f.write_str(&text)
    }
}

mod listener;

pub use listener::{
    CallbackListener, CallbackOutcome, NotificationListener, NotificationOutcome, answer_bytes,
    ignored_note, ping_answer_bytes,
};

#[cfg(test)]
mod tests {
    use super::*;

    fn target(uri: &str) -> RedirectTarget {
        RedirectTarget::parse(uri).unwrap()
    }

    fn params(query: &str) -> CallbackParams {
        CallbackParams::from_form(format!("http://127.0.0.1:1/cb?{query}"), query)
    }

    // --- RedirectTarget -----------------------------------------------------

    #[test]
    fn loopback_targets_are_recognised() {
        let v4 = target("http://127.0.0.1:53682/callback");
        assert_eq!(v4.loopback_host(), Some(LoopbackHost::Ipv4));
        assert_eq!((v4.port(), v4.path()), (Some(53682), Some("/callback")));

        let v6 = target("http://[::1]:8400/cb/x?profile=1");
        assert_eq!(v6.loopback_host(), Some(LoopbackHost::Ipv6));
        assert_eq!((v6.port(), v6.path()), (Some(8400), Some("/cb/x")));
        assert_eq!(v6.uri(), "http://[::1]:8400/cb/x?profile=1");

        let name = target("  HTTP://LocalHost:9000  ");
        assert_eq!(name.loopback_host(), Some(LoopbackHost::Localhost));
        assert_eq!((name.port(), name.path()), (Some(9000), Some("/")));
        assert_eq!(name.uri(), "HTTP://LocalHost:9000");
    }

    #[test]
    fn other_targets_are_for_pasting() {
        for uri in [
            "https://partner.example/callback",
            "https://127.0.0.1:8443/cb",
            "http://example.com:80/cb",
            "http://127.0.0.2:5000/cb",
            "com.example.app:/oauth2redirect",
        ] {
            let parsed = RedirectTarget::parse(uri);
            // A private-use scheme has no `://`: it is not absolute in our sense.
            if uri.contains("://") {
                assert!(!parsed.unwrap().is_loopback(), "{uri}");
            } else {
                assert!(matches!(
                    parsed,
                    Err(CallbackError::InvalidRedirectUri { .. })
                ));
            }
        }
    }

    #[test]
    fn bad_loopback_targets_say_why() {
        let error = RedirectTarget::parse("http://127.0.0.1/callback").unwrap_err();
        assert!(matches!(error, CallbackError::NoPort { .. }));
        assert!(
            error.to_string().contains("the listener needs one"),
            "{error}"
        );
        assert!(matches!(
            RedirectTarget::parse("http://[::1]/cb"),
            Err(CallbackError::NoPort { .. })
        ));
        assert!(matches!(
            RedirectTarget::parse("http://localhost:/cb"),
            Err(CallbackError::NoPort { .. })
        ));
        for uri in [
            "http://127.0.0.1:70000/cb",
            "http://127.0.0.1:53682/cb#x",
            "http://user@127.0.0.1:53682/cb",
            "",
        ] {
            assert!(
                matches!(
                    RedirectTarget::parse(uri),
                    Err(CallbackError::InvalidRedirectUri { .. })
                ),
                "{uri}"
            );
        }
    }

    // --- check_callback -----------------------------------------------------

    #[test]
    fn a_good_response_yields_its_code() {
        let good = params("code=the-code&state=st&iss=https%3A%2F%2Fop.example");
        let code = check_callback(&good, "st", Some("https://op.example"), true).unwrap();
        assert_eq!(code.expose(), "the-code");
        // A plain OAuth provider: no iss, none promised.
        assert!(
            check_callback(&params("code=c&state=st"), "st", Some("https://op"), false).is_ok()
        );
        // No known issuer: a present iss cannot be compared.
        assert!(check_callback(&params("code=c&state=st&iss=x"), "st", None, false).is_ok());
    }

    #[test]
    fn state_is_checked_first() {
        let problem =
            check_callback(&params("code=c&state=other"), "mine", None, false).unwrap_err();
        assert_eq!(problem.reason_code(), "AUTHZ_STATE_MISMATCH");
        let message = problem.to_string();
        assert!(message.starts_with(
            "state mismatch: the redirect's state is `other` but this run sent `mine`"
        ));
        assert!(message.contains("RFC 6749 §10.12"));

        let problem = check_callback(&params("code=c"), "mine", None, false).unwrap_err();
        assert_eq!(problem, CallbackProblem::StateMissing);

        // An error with a foreign state is a state problem, not the provider's answer (ISS-03).
        let foreign_error = params("error=access_denied&state=other");
        let problem = check_callback(&foreign_error, "mine", None, false).unwrap_err();
        assert_eq!(problem.reason_code(), "AUTHZ_STATE_MISMATCH");
        let problem =
            check_callback(&params("error=access_denied"), "mine", None, false).unwrap_err();
        assert_eq!(problem, CallbackProblem::StateMissing);
        // Same length, one character off.
        let problem =
            check_callback(&params("code=c&state=minE"), "mine", None, false).unwrap_err();
        assert_eq!(problem.reason_code(), "AUTHZ_STATE_MISMATCH");
    }

    #[test]
    fn issuer_is_compared_as_a_plain_string() {
        let trailing_slash = params("code=c&state=s&iss=https%3A%2F%2Fidp%2Frealms%2Fx%2F");
        let problem =
            check_callback(&trailing_slash, "s", Some("https://idp/realms/x"), false).unwrap_err();
        assert_eq!(
            problem,
            CallbackProblem::IssuerMismatch {
                received: "https://idp/realms/x/".to_owned(),
                expected: "https://idp/realms/x".to_owned(),
            }
        );
        assert!(problem.to_string().contains("RFC 9207 §2.4"));

        let missing =
            check_callback(&params("code=c&state=s"), "s", Some("https://op"), true).unwrap_err();
        assert_eq!(missing, CallbackProblem::IssuerMissing);
        assert!(
            missing
                .to_string()
                .contains("authorization_response_iss_parameter_supported")
        );

        // iss comes before error (RFC 9207 §2.4: an error may come from a mix-up).
        let error_from_elsewhere = params("error=access_denied&state=s&iss=https%3A%2F%2Fevil");
        let problem =
            check_callback(&error_from_elsewhere, "s", Some("https://op"), true).unwrap_err();
        assert_eq!(problem.reason_code(), "AUTHZ_ISS_MISMATCH");
    }

    #[test]
    fn repeated_parameters_are_rejected() {
        for query in [
            "code=a&code=b&state=s",
            "code=a&state=s&state=s",
            "code=a&state=s&iss=x&iss=x",
            "error=a&error=b&state=s",
        ] {
            let problem = check_callback(&params(query), "s", None, false).unwrap_err();
            assert_eq!(problem.reason_code(), "AUTHZ_DUPLICATE_PARAM", "{query}");
        }
        let p = params("code=a&code=b&state=s");
        assert_eq!(
            p.code.as_ref().map(Secret::expose),
            Some("a"),
            "the first one is kept"
        );
        assert_eq!(p.other, [("code".to_owned(), "b".to_owned())]);
    }

    #[test]
    fn a_response_without_code_is_a_problem() {
        assert_eq!(
            check_callback(&params("state=s"), "s", None, false),
            Err(CallbackProblem::CodeMissing)
        );
        assert_eq!(
            check_callback(&params("code=&state=s"), "s", None, false),
            Err(CallbackProblem::CodeMissing)
        );
    }

    #[test]
    fn debug_masks_codes_and_tokens() {
        let mut p = params("code=SECRET1&state=s&code=SECRET2&access_token=SECRET3");
        p.raw_url.push_str("#id_token=SECRET4");
        let debug = format!("{p:?}");
        assert!(!debug.contains("SECRET"), "{debug}");
        assert!(debug.contains("code=[redacted]&state=s"));
        assert_eq!(
            redact("https://rp/cb?state=s&code=x#access_token=y&x=1"),
            "https://rp/cb?state=s&code=[redacted]#access_token=[redacted]&x=1"
        );
        assert_eq!(
            redact("http://h/cb?co%64e=x"),
            "http://h/cb?co%64e=[redacted]"
        );
        assert_eq!(redact("code=x&state=s"), "code=[redacted]&state=s");
    }

    // --- Pasted redirects ---------------------------------------------------

    #[test]
    fn pasted_query() {
        let p = parse_pasted(
            "https://partner.example/callback?code=abc%2F1&state=st&iss=https%3A%2F%2Fop",
        )
        .unwrap();
        assert_eq!(p.code.as_ref().map(Secret::expose), Some("abc/1"));
        assert_eq!(p.state.as_deref(), Some("st"));
        assert_eq!(p.iss.as_deref(), Some("https://op"));
        assert_eq!(
            p.raw_url,
            "https://partner.example/callback?code=abc%2F1&state=st&iss=https%3A%2F%2Fop"
        );
    }

    #[test]
    fn pasted_fragment() {
        let p = parse_pasted("https://partner.example/callback?profile=7#code=c&state=st").unwrap();
        assert_eq!(p.code.as_ref().map(Secret::expose), Some("c"));
        assert_eq!(p.state.as_deref(), Some("st"));
        let error =
            parse_pasted("https://partner.example/cb#error=login_required&state=st").unwrap();
        assert_eq!(error.error.as_deref(), Some("login_required"));
    }

    #[test]
    fn pasted_with_quotes_and_whitespace() {
        for pasted in [
            "  \"https://partner.example/cb?code=c&state=st\"\n",
            "'https://partner.example/cb?code=c&state=st'",
            "<https://partner.example/cb?code=c&state=st>",
            "\tcode=c&state=st ",
        ] {
            let p = parse_pasted(pasted).unwrap();
            assert_eq!(p.code.as_ref().map(Secret::expose), Some("c"), "{pasted}");
            assert_eq!(p.state.as_deref(), Some("st"), "{pasted}");
        }
    }

    #[test]
    fn pasted_without_code_or_error() {
        for pasted in [
            "https://partner.example/callback",
            "https://partner.example/callback?state=st",
            "https://partner.example/callback#access_token=t",
            "hello",
        ] {
            let error = parse_pasted(pasted).unwrap_err();
            assert!(matches!(error, CallbackError::NoCodeOrError), "{pasted}");
            assert!(error.to_string().contains("neither a code nor an error"));
        }
        assert!(matches!(
            parse_pasted(" \"\" "),
            Err(CallbackError::Malformed(_))
        ));
    }

    #[test]
    fn pasted_address_must_match_the_redirect_uri() {
        let target = target("https://partner.example/callback");
        let same = parse_pasted("HTTPS://Partner.Example/callback?code=c&state=s").unwrap();
        assert!(check_redirect(&same, &target).is_ok());
        let bare = parse_pasted("code=c&state=s").unwrap();
        assert!(check_redirect(&bare, &target).is_ok());

        let other = parse_pasted("https://partner.example/other-profile?code=c&state=s").unwrap();
        let problem = check_redirect(&other, &target).unwrap_err();
        assert_eq!(problem.reason_code(), "AUTHZ_REDIRECT_MISMATCH");
        assert!(
            problem
                .to_string()
                .contains("https://partner.example/other-profile")
        );
        let other_host = parse_pasted("https://evil.example/callback?code=c&state=s").unwrap();
        assert!(check_redirect(&other_host, &target).is_err());
    }

    #[test]
    fn constant_time_eq_compares() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(constant_time_eq(b"", b""));
    }
}
