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
use std::io::{self, Read as _, Write as _};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest as _, Sha256};

use crate::i18n::Language;
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
        if !scheme.eq_ignore_ascii_case("http") {
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

// ---------------------------------------------------------------------------
// Listener
// ---------------------------------------------------------------------------

/// Longest request line plus headers read (reliability.md LB-07: 8 KiB).
const MAX_REQUEST_HEAD: usize = 8 * 1024;
/// A connection that has not sent its request head by then is dropped.
const REQUEST_DEADLINE: Duration = Duration::from_secs(10);
/// Connections read at once; more are closed right away.
const MAX_CONNECTIONS: usize = 8;
/// How often the listener looks at its sockets, the cancel flag and the clock.
const POLL_INTERVAL: Duration = Duration::from_millis(25);
/// The status of the reply to a request head over [`MAX_REQUEST_HEAD`] (RFC 6585 §5).
const TOO_LARGE: &str = "431 Request Header Fields Too Large";
/// Bound on writing one (small) response.
const WRITE_TIMEOUT: Duration = Duration::from_secs(2);

/// The loopback redirect listener (RFC 8252 §7.3, §8.3).
///
/// It binds the loopback address of the redirect URI (127.0.0.1, also for
/// `localhost`, or `::1`), never all interfaces, and serves on a thread named
/// `tokenscope-callback`. Requests other than `GET` on the redirect path get
/// 404/405 and it keeps listening; so do requests with a foreign `Host`
/// (DNS rebinding) and redirects without `state` (which cannot belong to this
/// run; answering them would let any local page end the sign-in). The first
/// `GET` on the path with a `state` gets a small page that scrubs the code
/// from the address bar, the socket closes, and the result is delivered:
/// [`wait`](Self::wait) blocks for it, [`try_take`](Self::try_take) polls.
///
/// Dropping the listener cancels it and closes the port.
pub struct CallbackListener {
    shared: Arc<Shared>,
    local_addr: SocketAddr,
    redirect_uri: String,
    worker: Option<JoinHandle<()>>,
}

type CallbackResult = Result<CallbackParams, CallbackError>;

/// What the listener hands over: the redirect (or why none came) and how
/// many requests to the redirect path it turned away because their `state`
/// was missing or not this run's. Such requests cannot be the provider's
/// answer to this run: something else on this machine is calling the port.
#[derive(Debug)]
pub struct CallbackOutcome {
    /// The redirect's parameters, or why there are none.
    pub result: CallbackResult,
    /// Requests answered 400 for a wrong or missing `state`.
    pub ignored: u32,
}

impl CallbackOutcome {
    /// "N requests to the port were ignored …", in the thread's language,
    /// when there were any.
    pub fn ignored_note(&self) -> Option<String> {
        ignored_note(self.ignored)
    }

    /// The redirect's parameters, or why there are none as text (with the
    /// ignored requests said, when there were any).
    pub fn into_params(self) -> Result<CallbackParams, String> {
        let note = self.ignored_note();
        self.result.map_err(|error| match note {
            Some(note) => format!("{error} {note}"),
            None => error.to_string(),
        })
    }
}

/// "N requests to the port were ignored (wrong or missing state): something
/// else on this machine is calling it", in the thread's language; `None` for 0.
pub fn ignored_note(count: u32) -> Option<String> {
    (count > 0).then(|| crate::tr!("callback-ignored-requests", count = count))
}

#[derive(Default)]
struct Shared {
    slot: Mutex<Slot>,
    ready: Condvar,
    cancelled: AtomicBool,
    /// The run's `state`, once known: other states are turned away.
    expected_state: Mutex<Option<String>>,
    ignored: AtomicU32,
}

#[derive(Default)]
enum Slot {
    #[default]
    Waiting,
    Ready(CallbackResult),
    Taken,
}

impl Shared {
    fn slot(&self) -> MutexGuard<'_, Slot> {
        self.slot.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn expected_state(&self) -> Option<String> {
        self.expected_state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn outcome(&self, result: CallbackResult) -> CallbackOutcome {
        CallbackOutcome {
            result,
            ignored: self.ignored.load(Ordering::Acquire),
        }
    }
}

impl CallbackListener {
    /// Binds the loopback port of `target` and waits at most `timeout` for
    /// the redirect.
    pub fn start(target: &RedirectTarget, timeout: Duration) -> Result<Self, CallbackError> {
        Self::launch(target, timeout, None)
    }

    /// Like [`start`](Self::start); `notify` is called once, on the listener
    /// thread, as soon as a result is available (e.g. to repaint a UI).
    pub fn start_with_notify(
        target: &RedirectTarget,
        timeout: Duration,
        notify: impl FnOnce() + Send + 'static,
    ) -> Result<Self, CallbackError> {
        Self::launch(target, timeout, Some(Box::new(notify)))
    }

    fn launch(
        target: &RedirectTarget,
        timeout: Duration,
        notify: Option<Box<dyn FnOnce() + Send>>,
    ) -> Result<Self, CallbackError> {
        let Some(loopback) = &target.loopback else {
            return Err(CallbackError::NotLoopback {
                uri: target.uri.clone(),
            });
        };
        let socket = bind(loopback)?;
        let local_addr = socket.local_addr()?;
        socket.set_nonblocking(true)?;
        let redirect_uri = if loopback.port == 0 {
            format!(
                "http://{}:{}{}",
                loopback.host.as_str(),
                local_addr.port(),
                loopback.path_and_query
            )
        } else {
            target.uri.clone()
        };
        let route = Route::new(loopback, local_addr.port());
        let deadline = Instant::now().checked_add(timeout);
        let shared = Arc::new(Shared::default());
        // The page the browser shows speaks the language of the thread that
        // started the listener (the window's); the listener thread has its own.
        let language = crate::i18n::language();
        let worker = thread::Builder::new()
            .name("tokenscope-callback".to_owned())
            .spawn({
                let shared = Arc::clone(&shared);
                move || {
                    // A result is always delivered, even if serving panics:
                    // a waiter must never wait forever.
                    let result = panic::catch_unwind(AssertUnwindSafe(|| {
                        let result = serve(&socket, &route, (&shared, deadline, timeout), language);
                        // The port closes before anyone hears the result (RFC 8252 §8.3).
                        drop(socket);
                        result
                    }))
                    .unwrap_or_else(|_| {
                        Err(io::Error::other("the listener thread stopped unexpectedly").into())
                    });
                    *shared.slot() = Slot::Ready(result);
                    shared.ready.notify_all();
                    if let Some(notify) = notify {
                        notify();
                    }
                }
            })?;
        Ok(Self {
            shared,
            local_addr,
            redirect_uri,
            worker: Some(worker),
        })
    }

    /// The address the listener is bound to: a loopback address.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The redirect URI to send: the target's, with the real port when the
    /// target asked for port 0.
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// From now on, a redirect whose `state` is not `state` is answered 400
    /// and counted, and listening goes on (RFC 6749 §10.12: it cannot be the
    /// answer to this run's request). Before this is called any `state` is
    /// taken, and only a missing one turned away.
    pub fn expect_state(&self, state: &str) {
        *self
            .shared
            .expected_state
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(state.to_owned());
    }

    /// Blocks until the redirect arrives, the timeout passes or the listener
    /// is cancelled. Once the result was taken, returns `AlreadyTaken`.
    pub fn wait(&self) -> CallbackOutcome {
        let mut slot = self.shared.slot();
        loop {
            match std::mem::replace(&mut *slot, Slot::Taken) {
                Slot::Ready(result) => return self.shared.outcome(result),
                Slot::Taken => return self.shared.outcome(Err(CallbackError::AlreadyTaken)),
                Slot::Waiting => {
                    *slot = Slot::Waiting;
                    slot = self
                        .shared
                        .ready
                        .wait(slot)
                        .unwrap_or_else(PoisonError::into_inner);
                }
            }
        }
    }

    /// The result, once, as soon as it is there; `None` before and after.
    pub fn try_take(&self) -> Option<CallbackOutcome> {
        let mut slot = self.shared.slot();
        match std::mem::replace(&mut *slot, Slot::Taken) {
            Slot::Ready(result) => Some(self.shared.outcome(result)),
            Slot::Waiting => {
                *slot = Slot::Waiting;
                None
            }
            Slot::Taken => None,
        }
    }

    /// Stops listening: the port closes and the result becomes
    /// `Err(Cancelled)` within a few milliseconds, unless a redirect was
    /// already received.
    pub fn cancel(&self) {
        self.shared.cancelled.store(true, Ordering::Release);
    }
}

impl Drop for CallbackListener {
    fn drop(&mut self) {
        self.cancel();
        if let Some(worker) = self.worker.take() {
            // The worker catches its own panics; nothing to report here.
            let _ = worker.join();
        }
    }
}

impl fmt::Debug for CallbackListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallbackListener")
            .field("local_addr", &self.local_addr)
            .field("redirect_uri", &self.redirect_uri)
            .finish_non_exhaustive()
    }
}

/// Binds the loopback address for `loopback` (never `0.0.0.0` or `::`).
/// `localhost` falls back to `::1` where IPv4 is unavailable (RFC 8252 §7.3).
fn bind(loopback: &Loopback) -> Result<TcpListener, CallbackError> {
    let ip = match loopback.host {
        LoopbackHost::Ipv4 | LoopbackHost::Localhost => IpAddr::V4(Ipv4Addr::LOCALHOST),
        LoopbackHost::Ipv6 => IpAddr::V6(Ipv6Addr::LOCALHOST),
    };
    let addr = SocketAddr::new(ip, loopback.port);
    match TcpListener::bind(addr) {
        Ok(socket) => Ok(socket),
        Err(e) if e.kind() == io::ErrorKind::AddrInUse => Err(CallbackError::PortInUse {
            port: loopback.port,
        }),
        Err(e) => {
            if loopback.host == LoopbackHost::Localhost
                && e.kind() == io::ErrorKind::AddrNotAvailable
                && let Ok(socket) = TcpListener::bind((Ipv6Addr::LOCALHOST, loopback.port))
            {
                return Ok(socket);
            }
            Err(CallbackError::Bind { addr, source: e })
        }
    }
}

/// What the listener answers on.
struct Route {
    /// The redirect path, e.g. `/callback`.
    path: String,
    /// `http://host:port`, prefixed to the request target for `raw_url`.
    origin: String,
    /// The bound port, for the `Host` check.
    port: u16,
}

impl Route {
    /// The route of `loopback` once bound to `port`.
    fn new(loopback: &Loopback, port: u16) -> Self {
        Self {
            path: loopback.path.clone(),
            origin: format!("http://{}:{port}", loopback.host.as_str()),
            port,
        }
    }
}

/// What the listener answers when a connection has sent `bytes`, without a
/// socket (the fuzz harness, `tokenscope::fuzzing`): the reply's status line
/// and, when it was the redirect, its parameters. `None` while the request
/// head is incomplete, and for a target that is not loopback.
#[doc(hidden)]
pub fn answer_bytes(
    bytes: &[u8],
    target: &RedirectTarget,
) -> Option<(&'static str, Option<CallbackParams>)> {
    let loopback = target.loopback.as_ref()?;
    let route = Route::new(loopback, loopback.port);
    match head_end(bytes, 0) {
        Some(end) => {
            let (reply, verdict) = answer(bytes.get(..end)?, &route, None, crate::i18n::language());
            let params = match verdict {
                Verdict::Redirect(params) => Some(params),
                Verdict::NotThisRun | Verdict::Refused => None,
            };
            Some((reply.status, params))
        }
        None if bytes.len() > MAX_REQUEST_HEAD => Some((TOO_LARGE, None)),
        None => None,
    }
}

/// Serves until a redirect arrives, the deadline passes or `cancelled` is set.
///
/// Sockets are non-blocking and polled: a client that connects and sends
/// nothing (a browser's speculative pre-connect, a slowloris) never holds up
/// another connection; it is dropped after [`REQUEST_DEADLINE`].
fn serve(
    socket: &TcpListener,
    route: &Route,
    (shared, deadline, timeout): (&Shared, Option<Instant>, Duration),
    language: Language,
) -> CallbackResult {
    let mut connections: Vec<Connection> = Vec::new();
    loop {
        if shared.cancelled.load(Ordering::Acquire) {
            return Err(CallbackError::Cancelled);
        }
        if deadline.is_some_and(|deadline| Instant::now() >= deadline) {
            return Err(CallbackError::TimedOut(timeout));
        }
        let mut progressed = accept_new(socket, &mut connections)?;
        let mut index = 0;
        while let Some(connection) = connections.get_mut(index) {
            match connection.read_available() {
                Progress::Waiting => index += 1,
                Progress::Gone => drop(connections.swap_remove(index)),
                Progress::TooLarge => {
                    progressed = true;
                    let connection = connections.swap_remove(index);
                    Reply::text(TOO_LARGE, "Request too large.\n").send(connection.stream);
                }
                Progress::Complete => {
                    progressed = true;
                    let connection = connections.swap_remove(index);
                    let expected_state = shared.expected_state();
                    let (reply, verdict) =
                        answer(&connection.head, route, expected_state.as_deref(), language);
                    reply.send(connection.stream);
                    match verdict {
                        Verdict::Redirect(params) => return Ok(params),
                        Verdict::NotThisRun => {
                            shared.ignored.fetch_add(1, Ordering::AcqRel);
                        }
                        Verdict::Refused => {}
                    }
                }
            }
        }
        if !progressed {
            thread::sleep(POLL_INTERVAL);
        }
    }
}

/// Accepts every pending connection; returns whether there was one.
fn accept_new(
    socket: &TcpListener,
    connections: &mut Vec<Connection>,
) -> Result<bool, CallbackError> {
    let mut accepted = false;
    loop {
        match socket.accept() {
            Ok((stream, _)) => {
                accepted = true;
                if connections.len() < MAX_CONNECTIONS && stream.set_nonblocking(true).is_ok() {
                    connections.push(Connection {
                        stream,
                        head: Vec::new(),
                        opened: Instant::now(),
                    });
                }
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(accepted),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::Interrupted
                        | io::ErrorKind::ConnectionAborted
                        | io::ErrorKind::ConnectionReset
                ) => {}
            Err(e) => return Err(e.into()),
        }
    }
}

struct Connection {
    stream: TcpStream,
    head: Vec<u8>,
    opened: Instant,
}

enum Progress {
    Waiting,
    Gone,
    TooLarge,
    Complete,
}

impl Connection {
    /// Reads what has arrived, up to the end of the request head.
    fn read_available(&mut self) -> Progress {
        let mut chunk = [0_u8; 1024];
        loop {
            match self.stream.read(&mut chunk) {
                Ok(0) => return Progress::Gone,
                Ok(n) => {
                    // Only the new bytes (and the 3 before them) can complete
                    // the blank line: each byte is looked at a bounded number of times.
                    let scan_from = self.head.len().saturating_sub(3);
                    self.head
                        .extend_from_slice(chunk.get(..n).unwrap_or_default());
                    if let Some(end) = head_end(&self.head, scan_from) {
                        self.head.truncate(end);
                        return Progress::Complete;
                    }
                    if self.head.len() > MAX_REQUEST_HEAD {
                        return Progress::TooLarge;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    return if self.opened.elapsed() > REQUEST_DEADLINE {
                        Progress::Gone
                    } else {
                        Progress::Waiting
                    };
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return Progress::Gone,
            }
        }
    }
}

/// Where the blank line ending a request head is (RFC 9112 §2.1): just
/// past the first `\r\n\r\n` or bare `\n\n` at or after `from`, if the head
/// is no longer than [`MAX_REQUEST_HEAD`]. Any bytes; never panics.
fn head_end(bytes: &[u8], from: usize) -> Option<usize> {
    let tail = bytes.get(from..)?;
    let end = tail
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|at| at.saturating_add(4));
    let bare = tail
        .windows(2)
        .position(|w| w == b"\n\n")
        .map(|at| at.saturating_add(2));
    end.into_iter()
        .chain(bare)
        .min()
        .map(|end| end.saturating_add(from))
        .filter(|&end| end <= MAX_REQUEST_HEAD)
}

/// The parts of a request head the listener looks at.
struct RequestHead<'a> {
    method: &'a str,
    /// Origin-form target, e.g. `/callback?code=…` (RFC 9112 §3.2.1).
    target: &'a str,
    host: Option<&'a str>,
}

/// Reads the request line and the `Host` header (RFC 9112 §3, §3.2) of a
/// head of any bytes: a value or a reason for a 400, never a panic.
fn parse_head(head: &[u8]) -> Result<RequestHead<'_>, &'static str> {
    if head.len() > MAX_REQUEST_HEAD {
        return Err("Request too large.");
    }
    let text = std::str::from_utf8(head).map_err(|_| "The request is not text.")?;
    let mut lines = text.lines();
    let mut parts = lines.next().unwrap_or_default().split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("Malformed request line.");
    };
    if !version.starts_with("HTTP/1.") || !target.starts_with('/') {
        return Err("Malformed request line.");
    }
    let mut host = None;
    for line in lines.take_while(|line| !line.is_empty()) {
        let (name, value) = line.split_once(':').ok_or("Malformed header.")?;
        if name.trim().eq_ignore_ascii_case("host") {
            if host.is_some() {
                return Err("More than one Host header.");
            }
            host = Some(value.trim());
        }
    }
    Ok(RequestHead {
        method,
        target,
        host,
    })
}

/// What a request turned out to be.
enum Verdict {
    /// The redirect this run waits for (its `state` still to be checked by
    /// [`check_callback`] when no state was expected).
    Redirect(CallbackParams),
    /// A request to the redirect path that cannot be this run's redirect:
    /// no `state`, or not the expected one. Counted and reported.
    NotThisRun,
    /// Anything else: a malformed request, a foreign `Host`, another path
    /// (a browser's `/favicon.ico`), another method.
    Refused,
}

/// The reply to one request, and what it was.
fn answer(
    head: &[u8],
    route: &Route,
    expected_state: Option<&str>,
    language: Language,
) -> (Reply, Verdict) {
    let request = match parse_head(head) {
        Ok(request) => request,
        Err(reason) => return (Reply::text("400 Bad Request", reason), Verdict::Refused),
    };
    // DNS rebinding: a page on another origin resolving to 127.0.0.1 sends
    // its own Host (reliability.md LB-04).
    if !request
        .host
        .is_some_and(|host| host_allowed(host, route.port))
    {
        return (
            Reply::text("400 Bad Request", "Unexpected Host header.\n"),
            Verdict::Refused,
        );
    }
    let target = request.target.split('#').next().unwrap_or_default();
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path != route.path {
        return (
            Reply::text("404 Not Found", "Not found.\n"),
            Verdict::Refused,
        );
    }
    if request.method != "GET" {
        return (
            Reply::text("405 Method Not Allowed", "Only GET.\n").with_header("Allow: GET"),
            Verdict::Refused,
        );
    }
    if query.is_empty() {
        return (
            Reply::text(
                "400 Bad Request",
                "This address only receives the sign-in redirect.\n",
            ),
            Verdict::NotThisRun,
        );
    }
    let params = CallbackParams::from_form(format!("{}{target}", route.origin), query);
    let Some(state) = params.state.as_deref() else {
        // Not this run's redirect: every request tokenscope sends has a state.
        return (
            Reply::text(
                "400 Bad Request",
                "This response has no state, so it cannot belong to tokenscope's sign-in. \
                 tokenscope keeps waiting.\n",
            ),
            Verdict::NotThisRun,
        );
    };
    if let Some(expected) = expected_state
        && !constant_time_eq(state.as_bytes(), expected.as_bytes())
    {
        // RFC 6749 §10.12: a response with another state is not the answer
        // to this run's request; answering it would let any local program
        // end the sign-in.
        return (
            Reply::text(
                "400 Bad Request",
                "This response's state is not the one tokenscope sent, so it cannot \
                 belong to tokenscope's sign-in. tokenscope keeps waiting.\n",
            ),
            Verdict::NotThisRun,
        );
    }
    (Reply::page(&params, language), Verdict::Redirect(params))
}

/// Whether `Host` names the loopback listener: `127.0.0.1`, `[::1]` or
/// `localhost`, with the bound port (which may be left out only for port 80).
fn host_allowed(host: &str, port: u16) -> bool {
    let (name, host_port) = split_host_port(host);
    let port_matches = match host_port {
        // Digits only: `u16::from_str` would also take `+8080`.
        Some(p) => {
            p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u16>().is_ok_and(|p| p == port)
        }
        None => port == 80,
    };
    port_matches && loopback_host(name).is_some()
}

/// One HTTP response; every one is uncacheable and closes the connection.
struct Reply {
    status: &'static str,
    content_type: &'static str,
    extra_headers: Vec<String>,
    body: String,
}

impl Reply {
    fn text(status: &'static str, body: &str) -> Self {
        Self {
            status,
            content_type: "text/plain; charset=utf-8",
            extra_headers: Vec::new(),
            body: body.to_owned(),
        }
    }

    fn with_header(mut self, header: &str) -> Self {
        self.extra_headers.push(header.to_owned());
        self
    }

    /// The page shown after the redirect (RFC 9700 §4.2, §4.3; reliability.md
    /// LB-08): self-contained, reflected values escaped, scripts and styles
    /// limited by hash, and the query dropped from the address bar.
    fn page(params: &CallbackParams, language: Language) -> Self {
        let say = |id: &str, args: Option<&crate::i18n::Args<'_>>| {
            html_escape(&crate::i18n::translate(language, id, args))
        };
        let (title, message) = match &params.error {
            None => (
                say("callback-page-finished", None),
                say("callback-page-received", None),
            ),
            Some(error) => {
                let mut args = crate::i18n::Args::new();
                // A placeholder the escaping leaves alone, replaced by the
                // escaped error in <code> afterwards.
                args.set("error", "\u{1}");
                let message = say("callback-page-error", Some(&args))
                    .replace('\u{1}', &format!("<code>{}</code>", html_escape(error)));
                let description = params
                    .error_description
                    .as_deref()
                    .map(|d| format!(": {}", html_escape(d)))
                    .unwrap_or_default();
                (
                    say("callback-page-failed", None),
                    format!("{message}{description}"),
                )
            }
        };
        let close = say("callback-page-close", None);
        let lang = language.code();
        let body = format!(
            "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"referrer\" content=\"no-referrer\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>tokenscope: {title}</title>\n<style>{PAGE_STYLE}</style>\n</head>\n<body>\n<main>\n\
             <h1>{title}</h1>\n<p>{message}</p>\n\
             <p>{close}</p>\n</main>\n\
             <script>{PAGE_SCRIPT}</script>\n</body>\n</html>\n"
        );
        let policy = format!(
            "Content-Security-Policy: default-src 'none'; style-src '{}'; script-src '{}'; \
             base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            csp_hash(PAGE_STYLE),
            csp_hash(PAGE_SCRIPT)
        );
        Self {
            status: "200 OK",
            content_type: "text/html; charset=utf-8",
            extra_headers: vec![policy],
            body,
        }
    }

    /// Writes the reply and closes; a client that went away is no concern.
    fn send(self, mut stream: TcpStream) {
        let mut head = format!(
            "HTTP/1.1 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\n\
             Referrer-Policy: no-referrer\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n",
            self.status,
            self.content_type,
            self.body.len()
        );
        for header in &self.extra_headers {
            head.push_str(header);
            head.push_str("\r\n");
        }
        head.push_str("\r\n");
        let written = stream
            .set_nonblocking(false)
            .and_then(|()| stream.set_write_timeout(Some(WRITE_TIMEOUT)))
            .and_then(|()| stream.write_all(head.as_bytes()))
            .and_then(|()| stream.write_all(self.body.as_bytes()))
            .and_then(|()| stream.flush());
        if written.is_ok() {
            let _ = stream.shutdown(Shutdown::Write);
        }
    }
}

/// Replaces the address-bar entry so the code is not left on screen or in
/// the tab's history (reliability.md LB-08).
const PAGE_SCRIPT: &str = "history.replaceState(null, \"\", location.pathname);";

const PAGE_STYLE: &str = ":root{color-scheme:light dark}\
    body{font:16px/1.5 system-ui,sans-serif;margin:0;min-height:100vh;display:grid;place-items:center}\
    main{max-width:32rem;padding:2rem}h1{font-size:1.4rem;margin:0 0 .5rem}code{word-break:break-all}";

/// A CSP source expression for an inline element: `sha256-BASE64(SHA256(text))`.
fn csp_hash(text: &str) -> String {
    format!(
        "sha256-{}",
        STANDARD.encode(Sha256::digest(text.as_bytes()))
    )
}

fn html_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use std::net::Shutdown;
    use std::sync::mpsc;

    use super::*;

    const LONG: Duration = Duration::from_secs(30);

    fn target(uri: &str) -> RedirectTarget {
        RedirectTarget::parse(uri).unwrap()
    }

    /// A listener on an OS-chosen port of 127.0.0.1.
    fn listener() -> CallbackListener {
        CallbackListener::start(&target("http://127.0.0.1:0/callback"), LONG).unwrap()
    }

    /// Sends `request` as is and returns the status code and the whole reply.
    fn send(port: u16, request: &str) -> io::Result<(u16, String)> {
        let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port))?;
        stream.set_read_timeout(Some(Duration::from_secs(5)))?;
        stream.write_all(request.as_bytes())?;
        let mut reply = String::new();
        stream.read_to_string(&mut reply)?;
        let status = reply.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
        Ok((status, reply))
    }

    fn get(port: u16, target: &str) -> io::Result<(u16, String)> {
        send(
            port,
            &format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: test\r\n\r\n"),
        )
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

    // --- Listener -----------------------------------------------------------

    /// The page speaks the language of the thread that started the listener,
    /// not the listener thread's (English by default).
    #[test]
    fn the_page_speaks_the_starting_threads_language() {
        crate::i18n::set_language(Language::Ru);
        let listener = CallbackListener::start(&target("http://127.0.0.1:0/cb"), LONG).unwrap();
        crate::i18n::set_language(Language::En);
        let port = listener.local_addr().port();
        let (status, page) = get(port, "/cb?error=access_denied&state=xyz").unwrap();
        assert_eq!(status, 200);
        assert!(page.contains("<html lang=\"ru\">"), "{page}");
        assert!(page.contains("Вход не удался"), "{page}");
        assert!(
            page.contains("Перенаправление содержит ошибку <code>access_denied</code>"),
            "{page}"
        );
        assert!(
            page.contains("Можно закрыть это окно или вкладку"),
            "{page}"
        );
        assert!(listener.wait().result.is_ok());
    }

    #[test]
    fn serves_one_redirect_and_ignores_the_rest() {
        // A free port, as the brief's scenario has it (a fixed-port redirect URI).
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let listener =
            CallbackListener::start(&target(&format!("http://127.0.0.1:{port}/callback")), LONG)
                .unwrap();
        assert_eq!(
            listener.redirect_uri(),
            format!("http://127.0.0.1:{port}/callback")
        );

        assert_eq!(get(port, "/favicon.ico").unwrap().0, 404);
        assert_eq!(get(port, "/other?code=x&state=y").unwrap().0, 404);
        let (status, reply) = send(
            port,
            &format!(
                "POST /callback HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\n\r\n"
            ),
        )
        .unwrap();
        assert_eq!(status, 405);
        assert!(reply.contains("Allow: GET"));
        // DNS rebinding: a foreign Host is refused (LB-04).
        let (status, _) = send(
            port,
            "GET /callback?code=x&state=y HTTP/1.1\r\nHost: evil.example\r\n\r\n",
        )
        .unwrap();
        assert_eq!(status, 400);
        // No state: cannot be this run's redirect, the flow keeps waiting (LB-05).
        assert_eq!(get(port, "/callback?error=access_denied").unwrap().0, 400);
        assert_eq!(get(port, "/callback").unwrap().0, 400);
        assert!(listener.try_take().is_none(), "still listening");

        let (status, page) = get(
            port,
            "/callback?code=abc%2B1&state=xyz&iss=https%3A%2F%2Fop",
        )
        .unwrap();
        assert_eq!(status, 200);
        for header in [
            "Cache-Control: no-store",
            "Content-Type: text/html; charset=utf-8",
            "Referrer-Policy: no-referrer",
            "Connection: close",
            "Content-Security-Policy: default-src 'none'",
        ] {
            assert!(page.contains(header), "{header} missing in {page}");
        }
        assert!(page.contains("Sign-in finished"));
        assert!(page.contains("close this window or tab"));
        assert!(page.contains("history.replaceState"));
        assert!(
            !page.contains("src=") && !page.contains("href="),
            "no external resources"
        );
        assert!(!page.contains("abc"), "the code is not echoed");

        let outcome = listener.wait();
        assert_eq!(outcome.ignored, 2, "the two requests without a state");
        let params = outcome.result.unwrap();
        assert_eq!(params.code.as_ref().map(Secret::expose), Some("abc+1"));
        assert_eq!(params.state.as_deref(), Some("xyz"));
        assert_eq!(params.iss.as_deref(), Some("https://op"));
        assert_eq!(
            params.raw_url,
            format!("http://127.0.0.1:{port}/callback?code=abc%2B1&state=xyz&iss=https%3A%2F%2Fop")
        );

        // One redirect per run: the port is closed now.
        let error = get(port, "/callback?code=again&state=xyz").unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::ConnectionRefused);
        assert!(matches!(
            listener.wait().result,
            Err(CallbackError::AlreadyTaken)
        ));
    }

    /// Another program on this machine guessing at the port: a wrong or
    /// missing `state` is answered 400 and counted, the run's own redirect
    /// still gets through, and the count comes with it.
    #[test]
    fn a_wrong_state_is_turned_away_counted_and_listening_goes_on() {
        let listener = listener();
        let port = listener.local_addr().port();
        listener.expect_state("the-run's-state");
        let (status, reply) = get(port, "/callback?code=stolen&state=guess").unwrap();
        assert_eq!(status, 400);
        assert!(reply.contains("keeps waiting"), "{reply}");
        assert_eq!(get(port, "/callback?code=c").unwrap().0, 400);
        // Cyrillic, an RTL mark, an emoji: still just a wrong state.
        let hostile = "/callback?code=%D0%BA%D0%BE%D0%B4&state=%E2%80%8F%F0%9F%99%82";
        assert_eq!(get(port, hostile).unwrap().0, 400);
        // Not counted: another path (a browser's favicon) is not a redirect.
        assert_eq!(get(port, "/favicon.ico").unwrap().0, 404);
        assert!(listener.try_take().is_none(), "still listening");
        assert_eq!(
            get(port, "/callback?code=real&state=the-run%27s-state")
                .unwrap()
                .0,
            200
        );
        let outcome = listener.wait();
        assert_eq!(outcome.ignored, 3);
        assert_eq!(
            outcome.result.unwrap().code.as_ref().map(Secret::expose),
            Some("real")
        );
    }

    /// The count comes with a timeout too: the card can say why nothing came.
    #[test]
    fn a_timeout_reports_what_was_turned_away() {
        let listener = CallbackListener::start(
            &target("http://127.0.0.1:0/callback"),
            Duration::from_millis(400),
        )
        .unwrap();
        listener.expect_state("s");
        let port = listener.local_addr().port();
        assert_eq!(get(port, "/callback?code=c&state=x").unwrap().0, 400);
        let outcome = listener.wait();
        assert!(matches!(outcome.result, Err(CallbackError::TimedOut(_))));
        assert_eq!(outcome.ignored, 1);
    }

    /// A tiny deterministic generator (xorshift), so the hostile-head test
    /// needs no extra crate and fails the same way every time.
    struct Bytes(u64);

    impl Bytes {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            usize::try_from(self.next() % u64::try_from(n).unwrap()).unwrap()
        }
    }

    /// The raw-head parsing is total: pieces of real heads mixed with
    /// Cyrillic, emoji, RTL marks, invalid UTF-8, NULs and stray line ends,
    /// in any order and length, give a reply, never a panic.
    #[test]
    fn any_bytes_in_a_request_head_get_an_answer() {
        const PIECES: &[&[u8]] = &[
            b"GET ",
            b"POST ",
            b"/callback",
            b"?code=c&state=s",
            b"?state=",
            b" HTTP/1.1",
            b"\r\n",
            b"\n",
            b"\r\n\r\n",
            b"Host: 127.0.0.1:8080",
            b"Host: [::1]:8080",
            b"Host: [::1",
            b"Host: localhost:+8080",
            b":",
            b"#",
            b" ",
            "Хост: токен".as_bytes(),
            "\u{200f}\u{202e}".as_bytes(),
            "🙂".as_bytes(),
            b"\xff\xfe\xc3",
            b"\xe2\x80",
            b"\0",
            b"%",
            b"%D0%",
        ];
        let route = Route {
            path: "/callback".to_owned(),
            origin: "http://127.0.0.1:8080".to_owned(),
            port: 8080,
        };
        let mut random = Bytes(0x9e37_79b9_7f4a_7c15);
        for _ in 0..20_000 {
            let mut head = Vec::new();
            for _ in 0..random.below(24) {
                head.extend_from_slice(PIECES[random.below(PIECES.len())]);
            }
            let from = random.below(head.len() + 8);
            if let Some(end) = head_end(&head, from) {
                assert!(end <= head.len() && end <= MAX_REQUEST_HEAD);
            }
            let (reply, _) = answer(&head, &route, Some("s"), Language::Ru);
            assert!(!reply.status.is_empty());
        }
        // Larger than any head the listener keeps: refused, not read.
        let huge = vec![b'a'; MAX_REQUEST_HEAD + 1];
        assert!(parse_head(&huge).is_err());
        assert_eq!(head_end(b"GET / HTTP/1.1\n\n", 100), None);
        assert_eq!(head_end(b"GET / HTTP/1.1\r\n\r\n", 3), Some(18));
    }

    #[test]
    fn binds_the_loopback_interface_only() {
        let v4 = listener();
        assert_eq!(v4.local_addr().ip(), IpAddr::V4(Ipv4Addr::LOCALHOST));
        assert_ne!(v4.local_addr().port(), 0);
        assert_eq!(
            v4.redirect_uri(),
            format!("http://127.0.0.1:{}/callback", v4.local_addr().port())
        );

        let name = CallbackListener::start(&target("http://localhost:0/cb"), LONG).unwrap();
        assert_eq!(name.local_addr().ip(), IpAddr::V4(Ipv4Addr::LOCALHOST));

        match CallbackListener::start(&target("http://[::1]:0/cb"), LONG) {
            Ok(v6) => assert_eq!(v6.local_addr().ip(), IpAddr::V6(Ipv6Addr::LOCALHOST)),
            // A machine without IPv6 loopback cannot run this half.
            Err(CallbackError::Bind { source, .. }) => {
                assert_eq!(source.kind(), io::ErrorKind::AddrNotAvailable);
            }
            Err(other) => panic!("{other}"),
        }
    }

    #[test]
    fn a_taken_port_gives_a_clear_error() {
        let other_program = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let port = other_program.local_addr().unwrap().port();
        let error =
            CallbackListener::start(&target(&format!("http://127.0.0.1:{port}/callback")), LONG)
                .unwrap_err();
        assert!(matches!(error, CallbackError::PortInUse { port: p } if p == port));
        assert_eq!(
            error.to_string(),
            format!(
                "port {port} is in use by another program; close it or change the redirect URI's port"
            )
        );
    }

    #[test]
    fn a_non_loopback_target_cannot_be_served() {
        let error =
            CallbackListener::start(&target("https://partner.example/callback"), LONG).unwrap_err();
        assert!(matches!(error, CallbackError::NotLoopback { .. }));
        assert!(error.to_string().contains("paste the address"), "{error}");
    }

    #[test]
    fn times_out() {
        let timeout = Duration::from_millis(150);
        let listener =
            CallbackListener::start(&target("http://127.0.0.1:0/callback"), timeout).unwrap();
        let port = listener.local_addr().port();
        assert!(matches!(listener.wait().result, Err(CallbackError::TimedOut(t)) if t == timeout));
        assert_eq!(
            TcpStream::connect((Ipv4Addr::LOCALHOST, port))
                .unwrap_err()
                .kind(),
            io::ErrorKind::ConnectionRefused
        );
    }

    #[test]
    fn cancel_unblocks_wait() {
        let listener = listener();
        let port = listener.local_addr().port();
        let started = Instant::now();
        let result = thread::scope(|scope| {
            thread::Builder::new()
                .name("test-cancel".to_owned())
                .spawn_scoped(scope, || {
                    thread::sleep(Duration::from_millis(100));
                    listener.cancel();
                })
                .unwrap();
            listener.wait().result
        });
        assert!(matches!(result, Err(CallbackError::Cancelled)));
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(
            TcpStream::connect((Ipv4Addr::LOCALHOST, port))
                .unwrap_err()
                .kind(),
            io::ErrorKind::ConnectionRefused
        );
    }

    #[test]
    fn dropping_the_listener_closes_the_port() {
        let listener = listener();
        let port = listener.local_addr().port();
        drop(listener);
        assert_eq!(
            TcpStream::connect((Ipv4Addr::LOCALHOST, port))
                .unwrap_err()
                .kind(),
            io::ErrorKind::ConnectionRefused
        );
    }

    #[test]
    fn notifies_once_and_hands_the_result_to_a_poller() {
        let (tx, rx) = mpsc::channel();
        let listener = CallbackListener::start_with_notify(
            &target("http://127.0.0.1:0/cb"),
            LONG,
            move || {
                tx.send(()).unwrap();
            },
        )
        .unwrap();
        let port = listener.local_addr().port();
        assert!(listener.try_take().is_none());
        assert_eq!(get(port, "/cb?code=c&state=s").unwrap().0, 200);
        rx.recv_timeout(Duration::from_secs(5)).unwrap();
        let params = listener.try_take().unwrap().result.unwrap();
        assert_eq!(params.code.unwrap().expose(), "c");
        assert!(listener.try_take().is_none(), "taken once");
        drop(listener);
        assert!(rx.try_recv().is_err(), "notified once");
    }

    #[test]
    fn an_error_redirect_comes_through_and_is_reported() {
        let listener = listener();
        let port = listener.local_addr().port();
        let (status, page) = get(
            port,
            "/callback?error=access_denied&error_description=The+user+said+%3Cscript%3Ealert(1)%3C%2Fscript%3E\
             &error_uri=https%3A%2F%2Fop%2Ferrors&state=s1",
        )
        .unwrap();
        assert_eq!(status, 200);
        assert!(page.contains("Sign-in failed"));
        assert!(page.contains("<code>access_denied</code>"));
        assert!(
            page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{page}"
        );
        assert!(!page.contains("<script>alert"));

        let params = listener.wait().result.unwrap();
        assert_eq!(params.error.as_deref(), Some("access_denied"));
        let problem = check_callback(&params, "s1", None, false).unwrap_err();
        assert_eq!(
            problem,
            CallbackProblem::ErrorResponse {
                error: "access_denied".to_owned(),
                description: Some("The user said <script>alert(1)</script>".to_owned()),
                uri: Some("https://op/errors".to_owned()),
            }
        );
        let message = problem.to_string();
        assert!(
            message.contains("answered `access_denied`: The user said"),
            "{message}"
        );
        assert!(message.contains("https://op/errors") && message.contains("RFC 6749 §4.1.2.1"));
        assert_eq!(
            message,
            "the authorization server answered `access_denied`: The user said \
             <script>alert(1)</script> (more at https://op/errors) (RFC 6749 §4.1.2.1)"
        );
    }

    #[test]
    fn a_silent_client_does_not_block_the_redirect() {
        let listener = listener();
        let port = listener.local_addr().port();
        // Connects and sends nothing (a browser pre-connect or a slowloris),
        let silent = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
        // and one that stops half-way through its request line.
        let mut half = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
        half.write_all(b"GET /callback?co").unwrap();
        thread::sleep(Duration::from_millis(50));

        let started = Instant::now();
        assert_eq!(get(port, "/callback?code=c&state=s").unwrap().0, 200);
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(listener.wait().result.unwrap().state.as_deref(), Some("s"));
        drop((silent, half));
    }

    #[test]
    fn an_oversized_request_is_refused_and_listening_goes_on() {
        let listener = listener();
        let port = listener.local_addr().port();
        let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let huge = format!(
            "GET /callback?code=c&state=s HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Pad: {}\r\n\r\n",
            "a".repeat(20_000)
        );
        // The listener may close before all is written; the reply is what counts.
        let _ = stream.write_all(huge.as_bytes());
        let mut reply = Vec::new();
        let _ = stream.read_to_end(&mut reply);
        assert!(String::from_utf8_lossy(&reply).starts_with("HTTP/1.1 431"));
        let _ = stream.shutdown(Shutdown::Both);

        assert_eq!(get(port, "/callback?code=c&state=s").unwrap().0, 200);
        assert!(listener.wait().result.is_ok());
    }

    #[test]
    fn malformed_requests_get_400() {
        let listener = listener();
        let port = listener.local_addr().port();
        assert_eq!(send(port, "NONSENSE\r\n\r\n").unwrap().0, 400);
        assert_eq!(
            send(port, "GET http://127.0.0.1/cb HTTP/1.1\r\nHost: x\r\n\r\n")
                .unwrap()
                .0,
            400
        );
        let two_hosts =
            format!("GET /callback?state=s HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nHost: a\r\n\r\n");
        assert_eq!(send(port, &two_hosts).unwrap().0, 400);
        let wrong_port = "GET /callback?code=c&state=s HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n";
        assert_eq!(send(port, wrong_port).unwrap().0, 400);
        assert!(listener.try_take().is_none());
        let localhost =
            format!("GET /callback?code=c&state=s HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n");
        assert_eq!(send(port, &localhost).unwrap().0, 200);
    }

    #[test]
    fn page_hashes_match_its_inline_code() {
        let reply = Reply::page(&params("code=c&state=s"), Language::En);
        let policy = &reply.extra_headers[0];
        assert!(
            reply
                .body
                .contains(&format!("<script>{PAGE_SCRIPT}</script>"))
        );
        assert!(reply.body.contains(&format!("<style>{PAGE_STYLE}</style>")));
        assert!(policy.contains(&format!("script-src '{}'", csp_hash(PAGE_SCRIPT))));
        assert!(policy.contains(&format!("style-src '{}'", csp_hash(PAGE_STYLE))));
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
