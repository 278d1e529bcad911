//! What the engine knows about one failure: the answer (status, headers,
//! the `error` fields, the body's shape), why there was none (a transport
//! failure), the provider, and what this run sent.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::net::{Exchange, NetError, RecordedResponse};

/// Which kind of endpoint answered; errors with the same code mean different
/// things at the authorization endpoint (RFC 6749 §4.1.2.1) and at the token
/// endpoint (RFC 6749 §5.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    /// The provider's metadata document.
    Discovery,
    /// The authorization endpoint, answering through the redirect (RFC 6749 §4.1.2.1).
    Authorization,
    /// The token endpoint: code, refresh, client credentials, device polling (RFC 6749 §5.2).
    Token,
    /// A protected resource, UserInfo included (RFC 6750 §3).
    Resource,
    /// The introspection endpoint (RFC 7662).
    Introspection,
    /// The revocation endpoint (RFC 7009).
    Revocation,
}

/// Why a request got no HTTP answer, sorted into what the user can act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransportKind {
    /// The host name did not resolve.
    Dns,
    /// Nothing listens at that address and port.
    Refused,
    /// No answer in time.
    Timeout,
    /// The server's certificate chains to no trusted root.
    TlsUnknownIssuer,
    /// The server's certificate is expired (or not yet valid).
    TlsExpired,
    /// The server's certificate is for another host name.
    TlsNameMismatch,
    /// The server wants a client certificate (mutual TLS) and got none or a wrong one.
    TlsClientCertRequired,
    /// Another TLS handshake failure.
    TlsOther,
    /// The request could not be built (bad URL, unreadable certificate file, proxy).
    Setup,
    /// Anything else.
    Other,
}

impl TransportKind {
    /// Sorts a [`NetError`]; TLS failures by the words rustls uses.
    pub fn of(error: &NetError) -> Option<Self> {
        Some(match error {
            NetError::Dns(_) => Self::Dns,
            NetError::Refused(_) => Self::Refused,
            NetError::Timeout(_) => Self::Timeout,
            NetError::Tls(failure) => Self::of_tls_failure(failure),
            NetError::Setup(_) => Self::Setup,
            NetError::Other(detail) => {
                let kind = Self::of_tls(detail);
                if kind == Self::TlsOther {
                    Self::Other
                } else {
                    kind
                }
            }
            NetError::Cancelled => return None,
        })
    }

    /// Sorts a TLS failure the client classified from the rustls error.
    pub fn of_tls_failure(failure: &crate::net::tls::TlsFailure) -> Self {
        use crate::net::tls::TlsFailure;
        match failure {
            TlsFailure::UnknownIssuer { .. } => Self::TlsUnknownIssuer,
            TlsFailure::Expired { .. } | TlsFailure::NotYetValid { .. } => Self::TlsExpired,
            TlsFailure::NameMismatch { .. } => Self::TlsNameMismatch,
            TlsFailure::ClientCertificateRequired
            | TlsFailure::ClientCertificateRejected { .. }
            | TlsFailure::HandshakeRefused => Self::TlsClientCertRequired,
            TlsFailure::Other { detail } => Self::of_tls(detail),
        }
    }

    /// Sorts a TLS error message (rustls, OpenSSL and curl wordings), e.g.
    /// one pasted from a log.
    pub fn of_tls(detail: &str) -> Self {
        let lower = detail.to_ascii_lowercase();
        if lower.contains("unknownissuer")
            || lower.contains("unknown issuer")
            || lower.contains("unable to get local issuer")
            || lower.contains("self-signed")
            || lower.contains("self signed")
            || lower.contains("unknown ca")
        {
            Self::TlsUnknownIssuer
        } else if lower.contains("expired") || lower.contains("notvalidyet") {
            Self::TlsExpired
        } else if lower.contains("notvalidforname")
            || lower.contains("not valid for name")
            || lower.contains("hostname mismatch")
            || lower.contains("does not match")
        {
            Self::TlsNameMismatch
        } else if lower.contains("certificaterequired")
            || lower.contains("certificate required")
            || lower.contains("handshakefailure")
            || lower.contains("handshake failure")
            || lower.contains("bad certificate")
            || lower.contains("badcertificate")
        {
            Self::TlsClientCertRequired
        } else {
            Self::TlsOther
        }
    }
}

/// What the answer's body was.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyShape {
    /// No answer, or not known (a pasted error without its body).
    #[default]
    Unknown,
    /// A JSON object.
    Json,
    /// Form-encoded fields.
    Form,
    /// An HTML page.
    Html,
    /// Nothing.
    Empty,
    /// Anything else.
    Text,
}

/// Something this run sent that explains a failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SentFact {
    /// The authorization code had been sent before (codes work once, RFC 6749 §4.1.2).
    CodeAlreadyUsed,
    /// The client secret has spaces or line breaks around it.
    SecretWhitespace,
    /// `redirect_uri` at the token endpoint is not the one of the authorization request (RFC 6749 §4.1.3).
    RedirectUriDiffers,
    /// The authorization request carried a PKCE challenge but the token request no verifier (RFC 7636 §4.5).
    VerifierMissing,
    /// The body was not form-encoded (RFC 6749 §3.2 requires `application/x-www-form-urlencoded`).
    BodyNotForm,
    /// A CIBA request: the backchannel authentication request or a poll
    /// with `auth_req_id` (OpenID CIBA Core 1.0).
    Ciba,
}

/// Everything known about one failure.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FailureContext {
    /// Which endpoint answered, when known.
    pub endpoint: Option<Endpoint>,
    /// HTTP status, when there was an answer.
    pub status: Option<u16>,
    /// `error` (RFC 6749 §5.2), or the provider's own code field.
    pub error: Option<String>,
    /// `error_description`, or the provider's own message field.
    pub description: Option<String>,
    /// The `WWW-Authenticate` header (RFC 6750 §3).
    pub www_authenticate: Option<String>,
    /// The body's shape.
    pub body: BodyShape,
    /// The body's first few kilobytes, for HTML pages and plain texts.
    pub body_text: String,
    /// Where a 30x pointed.
    pub location: Option<String>,
    /// Why there was no answer.
    pub transport: Option<TransportKind>,
    /// The profile's preset (`keycloak`, `sber-business-id`, `github`, `entra`, …),
    /// or the provider the answer's shape tells.
    pub provider: Option<String>,
    /// What this run sent that matters.
    pub sent: Vec<SentFact>,
}

/// How much of a body is kept for matching.
const BODY_KEPT: usize = 8 * 1024;

impl FailureContext {
    /// The context of an exchange: the answer, or why there was none.
    pub fn from_exchange(exchange: &Exchange, endpoint: Option<Endpoint>) -> Self {
        let mut context = Self {
            endpoint,
            ..Self::default()
        };
        match &exchange.response {
            Ok(response) => context.read_response(response),
            Err(error) => context.transport = TransportKind::of(error),
        }
        context.infer_provider();
        context
    }

    /// Fills status, headers, `error` fields and shape from a response.
    pub fn read_response(&mut self, response: &RecordedResponse) {
        self.status = Some(response.status);
        self.location = response.header("location").map(str::to_owned);
        let text = response.text();
        self.body_text = keep(&text);
        self.body = shape_of(&response.media_type(), &text);
        if let Some(fields) = crate::net::body_fields(response) {
            self.read_fields(&fields);
        }
        if let Some(challenge) = response.header("www-authenticate") {
            self.read_challenge(challenge);
        }
    }

    /// Takes the error fields of a JSON or form body: RFC 6749's
    /// `error`/`error_description`, the bank's `errorCode`/`errorMsg` and
    /// `cause`/`message`, Entra's `error_codes`.
    pub fn read_fields(&mut self, fields: &serde_json::Map<String, Value>) {
        let text = |name: &str| {
            fields.get(name).and_then(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
        };
        if self.error.is_none() {
            self.error = text("error").or_else(|| text("errorCode"));
        }
        if self.description.is_none() {
            self.description = text("error_description")
                .or_else(|| text("errorMsg"))
                .or_else(|| text("message"))
                .or_else(|| text("cause"));
        }
    }

    /// Reads `error` and `error_description` out of a `WWW-Authenticate`
    /// challenge (RFC 6750 §3) when the body had none.
    pub fn read_challenge(&mut self, challenge: &str) {
        self.www_authenticate = Some(challenge.to_owned());
        let params = challenge_params(challenge);
        let get = |name: &str| {
            params
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        };
        if self.error.is_none() {
            self.error = get("error");
        }
        if self.description.is_none() {
            self.description = get("error_description");
        }
    }

    /// Names the provider from the answer's shape when no profile says it:
    /// `AADSTS` codes are Entra's, `docs.github.com` error URIs GitHub's, the
    /// bank's own field names and messages the bank's.
    pub fn infer_provider(&mut self) {
        if self.provider.is_some() {
            return;
        }
        let description = self.description.as_deref().unwrap_or_default();
        let body = self.body_text.as_str();
        self.provider = if description.contains("AADSTS") || body.contains("AADSTS") {
            Some("entra".to_owned())
        } else if body.contains("docs.github.com") || body.contains("github.com/login") {
            Some("github".to_owned())
        } else if body.contains("\"errorCode\"")
            || body.contains("\"referenceId\"")
            || description.starts_with("Unknown code =")
            || description.starts_with("Invalid client secret for authz code")
            || description.starts_with("Ext service for authz code")
        {
            Some("sber-business-id".to_owned())
        } else {
            None
        };
    }
}

/// The first [`BODY_KEPT`] bytes of a body (on a char boundary), for matching.
pub(crate) fn keep(text: &str) -> String {
    let end = text.floor_char_boundary(BODY_KEPT);
    text.get(..end).unwrap_or(text).to_owned()
}

/// The shape of a body from its media type and its first characters.
pub fn shape_of(media_type: &str, text: &str) -> BodyShape {
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        BodyShape::Empty
    } else if media_type.contains("html")
        || trimmed.starts_with("<!")
        || trimmed
            .get(.."<html".len())
            .is_some_and(|start| start.eq_ignore_ascii_case("<html"))
    {
        BodyShape::Html
    } else if matches!(serde_json::from_str::<Value>(trimmed), Ok(Value::Object(_))) {
        BodyShape::Json
    } else if media_type == "application/x-www-form-urlencoded"
        || (trimmed.contains('=') && !trimmed.contains(' ') && !trimmed.contains('<'))
    {
        BodyShape::Form
    } else {
        BodyShape::Text
    }
}

/// The parameters of a challenge: read by [`crate::token::extract`], which
/// finds challenges in pastes too.
pub use crate::token::extract::{MAX_PARAMS, challenge_params};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenge_parameters_quoted_and_bare() {
        let params = challenge_params(
            r#"Bearer realm="example", error="invalid_token", error_description="The access token expired", scope=openid"#,
        );
        assert_eq!(
            params,
            [
                ("realm".to_owned(), "example".to_owned()),
                ("error".to_owned(), "invalid_token".to_owned()),
                (
                    "error_description".to_owned(),
                    "The access token expired".to_owned()
                ),
                ("scope".to_owned(), "openid".to_owned()),
            ]
        );
        assert!(challenge_params("Bearer").is_empty());
        assert!(challenge_params(r#"x="unterminated é"#).len() == 1);
        assert_eq!(
            challenge_params(
                "Bearer error=\"invalid_token\", error_description=\"Токен истёк \\\"😀\\\"\u{200F}\", ключ=значение x=\\"
            ),
            [
                ("error".to_owned(), "invalid_token".to_owned()),
                (
                    "error_description".to_owned(),
                    "Токен истёк \"😀\"\u{200F}".to_owned()
                ),
                ("x".to_owned(), "\\".to_owned()),
            ]
        );
        assert_eq!(challenge_params("a=\"\\").len(), 1);
        assert_eq!(
            challenge_params(&"error=x ".repeat(10_000)).len(),
            MAX_PARAMS
        );
    }

    #[test]
    fn tls_failures_are_sorted_by_their_wording() {
        for (message, kind) in [
            (
                "invalid peer certificate: UnknownIssuer",
                TransportKind::TlsUnknownIssuer,
            ),
            (
                "invalid peer certificate: Expired",
                TransportKind::TlsExpired,
            ),
            (
                "invalid peer certificate: NotValidForName",
                TransportKind::TlsNameMismatch,
            ),
            (
                "received fatal alert: CertificateRequired",
                TransportKind::TlsClientCertRequired,
            ),
            ("received fatal alert: DecodeError", TransportKind::TlsOther),
        ] {
            assert_eq!(TransportKind::of_tls(message), kind, "{message}");
        }
    }
}
