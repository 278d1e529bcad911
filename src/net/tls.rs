//! Why a TLS handshake failed, in terms the user can act on: the error chain
//! of reqwest → hyper → io is walked down to the `rustls::Error` inside.

use serde::Serialize;

/// A classified TLS failure (RFC 8446 §6.2 alerts, RFC 5280 path validation).
///
/// Its text is in the thread's language: English for the CLI, the window's
/// language in a step card.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TlsFailure {
    /// The server's chain ends at a CA that is not trusted.
    UnknownIssuer {
        /// The host connected to.
        host: String,
    },
    /// The server's certificate has expired.
    Expired {
        /// The host connected to.
        host: String,
        /// The certificate's `notAfter` (Unix seconds), when known.
        not_after: Option<u64>,
        /// The time it was checked at (Unix seconds), when known.
        now: Option<u64>,
    },
    /// The server's certificate is not valid yet.
    NotYetValid {
        /// The host connected to.
        host: String,
        /// The certificate's `notBefore` (Unix seconds), when known.
        not_before: Option<u64>,
        /// The time it was checked at (Unix seconds), when known.
        now: Option<u64>,
    },
    /// The certificate does not name the host asked for.
    NameMismatch {
        /// The host asked for.
        host: String,
        /// The names the certificate holds, when known.
        presented: Vec<String>,
    },
    /// The server demands a client certificate and none was sent.
    ClientCertificateRequired,
    /// The server refused the client certificate that was sent.
    ClientCertificateRejected {
        /// The TLS alert, e.g. `unknown_ca`.
        alert: String,
    },
    /// The server ended the handshake with `handshake_failure`.
    HandshakeRefused,
    /// Anything else TLS.
    Other {
        /// What rustls or the connection said.
        detail: String,
    },
}

impl std::fmt::Display for TlsFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = match self {
            Self::UnknownIssuer { .. } => crate::tr!("tls-unknown-issuer"),
            Self::Expired {
                host,
                not_after,
                now,
            } => crate::tr!(
                "tls-expired",
                host = host.as_str(),
                dates = dates(*not_after, DateKind::Expired, *now)
            ),
            Self::NotYetValid {
                host,
                not_before,
                now,
            } => crate::tr!(
                "tls-not-yet-valid",
                host = host.as_str(),
                dates = dates(*not_before, DateKind::ValidFrom, *now)
            ),
            Self::NameMismatch { host, presented } => crate::tr!(
                "tls-name-mismatch",
                host = host.as_str(),
                names = presented_names(presented)
            ),
            Self::ClientCertificateRequired => crate::tr!("tls-client-certificate-required"),
            Self::ClientCertificateRejected { alert } => {
                crate::tr!("tls-client-certificate-rejected", alert = alert.as_str())
            }
            Self::HandshakeRefused => crate::tr!("tls-handshake-refused"),
            Self::Other { detail } => detail.clone(),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for TlsFailure {}

/// Which date of a certificate a message names.
#[derive(Clone, Copy)]
enum DateKind {
    Expired,
    ValidFrom,
}

/// " (expired 2026-…; now 2026-…)", or nothing when the dates are unknown.
fn dates(at: Option<u64>, kind: DateKind, now: Option<u64>) -> String {
    let text = match (at.and_then(utc), now.and_then(utc), kind) {
        (Some(at), Some(now), DateKind::Expired) => {
            crate::tr!("tls-dates-expired-now", at = at, now = now)
        }
        (Some(at), None, DateKind::Expired) => crate::tr!("tls-dates-expired", at = at),
        (Some(at), Some(now), DateKind::ValidFrom) => {
            crate::tr!("tls-dates-valid-from-now", at = at, now = now)
        }
        (Some(at), None, DateKind::ValidFrom) => crate::tr!("tls-dates-valid-from", at = at),
        _ => return String::new(),
    };
    format!(" {text}")
}

fn utc(seconds: u64) -> Option<String> {
    let seconds = i64::try_from(seconds).ok()?;
    chrono::DateTime::from_timestamp(seconds, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
}

fn presented_names(names: &[String]) -> String {
    if names.is_empty() {
        String::new()
    } else {
        format!(
            " {}",
            crate::tr!("tls-presented-names", names = names.join(", "))
        )
    }
}

/// Finds the `rustls::Error` in an error chain, looking inside `io::Error`s
/// too (their `source()` skips the error they wrap).
pub fn find_rustls_error<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> Option<&'a rustls::Error> {
    let mut current = Some(error);
    while let Some(error) = current {
        if let Some(found) = error.downcast_ref::<rustls::Error>() {
            return Some(found);
        }
        if let Some(inner) = error
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
            && let Some(found) = find_rustls_error(inner)
        {
            return Some(found);
        }
        current = error.source();
    }
    None
}

/// Classifies a rustls error met while talking to `host`.
pub fn classify(error: &rustls::Error, host: &str) -> TlsFailure {
    use rustls::{AlertDescription, CertificateError, Error};
    let host = host.to_owned();
    match error {
        Error::InvalidCertificate(certificate) => match certificate {
            CertificateError::UnknownIssuer => TlsFailure::UnknownIssuer { host },
            CertificateError::Expired => TlsFailure::Expired {
                host,
                not_after: None,
                now: None,
            },
            CertificateError::ExpiredContext { time, not_after } => TlsFailure::Expired {
                host,
                not_after: Some(not_after.as_secs()),
                now: Some(time.as_secs()),
            },
            CertificateError::NotValidYet => TlsFailure::NotYetValid {
                host,
                not_before: None,
                now: None,
            },
            CertificateError::NotValidYetContext { time, not_before } => TlsFailure::NotYetValid {
                host,
                not_before: Some(not_before.as_secs()),
                now: Some(time.as_secs()),
            },
            CertificateError::NotValidForName => TlsFailure::NameMismatch {
                host,
                presented: Vec::new(),
            },
            CertificateError::NotValidForNameContext { presented, .. } => {
                TlsFailure::NameMismatch {
                    host,
                    presented: presented.iter().map(|name| bare_name(name)).collect(),
                }
            }
            other => TlsFailure::Other {
                detail: format!("the server's certificate for {host} was refused: {other:?}"),
            },
        },
        Error::AlertReceived(AlertDescription::CertificateRequired) => {
            TlsFailure::ClientCertificateRequired
        }
        Error::AlertReceived(AlertDescription::HandshakeFailure) => TlsFailure::HandshakeRefused,
        Error::AlertReceived(
            alert @ (AlertDescription::BadCertificate
            | AlertDescription::UnsupportedCertificate
            | AlertDescription::CertificateRevoked
            | AlertDescription::CertificateExpired
            | AlertDescription::CertificateUnknown
            | AlertDescription::UnknownCA
            | AlertDescription::AccessDenied),
        ) => TlsFailure::ClientCertificateRejected {
            alert: alert_name(*alert),
        },
        other => TlsFailure::Other {
            detail: format!("TLS with {host} failed: {other}"),
        },
    }
}

/// rustls presents names as `DnsName("a.example")` or `IpAddress(10.0.0.1)`:
/// the name alone reads better.
fn bare_name(presented: &str) -> String {
    presented
        .split_once('(')
        .and_then(|(_, rest)| rest.strip_suffix(')'))
        .map_or(presented, |inner| inner.trim_matches('"'))
        .to_owned()
}

/// `UnknownCA` → `unknown_ca`, as RFC 8446 §6 names alerts.
fn alert_name(alert: rustls::AlertDescription) -> String {
    let debug = format!("{alert:?}");
    let mut name = String::new();
    let mut previous_upper = true;
    for c in debug.chars() {
        let upper = c.is_ascii_uppercase();
        if upper && !previous_upper {
            name.push('_');
        }
        previous_upper = upper;
        name.push(c.to_ascii_lowercase());
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alerts_are_named_as_in_the_rfc() {
        assert_eq!(
            alert_name(rustls::AlertDescription::UnknownCA),
            "unknown_ca"
        );
        assert_eq!(
            alert_name(rustls::AlertDescription::BadCertificate),
            "bad_certificate"
        );
    }

    #[test]
    fn presented_names_lose_their_wrappers() {
        assert_eq!(bare_name(r#"DnsName("example.test")"#), "example.test");
        assert_eq!(bare_name("IpAddress(10.0.0.1)"), "10.0.0.1");
        assert_eq!(bare_name("plain"), "plain");
    }

    #[test]
    fn rustls_errors_are_found_inside_io_errors() {
        let inner = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        let io = std::io::Error::other(inner);
        let found = find_rustls_error(&io).map(|e| classify(e, "op.example"));
        assert_eq!(
            found,
            Some(TlsFailure::UnknownIssuer {
                host: "op.example".to_owned()
            })
        );
    }

    #[test]
    fn expiry_shows_the_dates() {
        let failure = TlsFailure::Expired {
            host: "op.example".to_owned(),
            not_after: Some(86_400),
            now: Some(172_800),
        };
        assert_eq!(
            failure.to_string(),
            "the server's certificate for op.example has expired (expired 1970-01-02 00:00:00 UTC; now 1970-01-03 00:00:00 UTC)"
        );
    }

    /// The CLI runs in English (the thread default); a window in Russian
    /// shows the same failure in Russian.
    #[test]
    fn failures_read_in_the_thread_language() {
        use crate::i18n::{Language, set_language};
        let failure = TlsFailure::Expired {
            host: "op.example".to_owned(),
            not_after: Some(86_400),
            now: Some(172_800),
        };
        let error = crate::net::NetError::Tls(failure.clone());
        let timeout = crate::net::NetError::Timeout(21);
        assert_eq!(
            error.to_string(),
            "the TLS handshake failed: the server's certificate for op.example has expired (expired 1970-01-02 00:00:00 UTC; now 1970-01-03 00:00:00 UTC)"
        );
        assert_eq!(timeout.to_string(), "no answer within 21 seconds");
        set_language(Language::Ru);
        let russian = (error.to_string(), timeout.to_string(), failure.to_string());
        set_language(Language::En);
        assert_eq!(
            russian.0,
            "не удалось установить TLS-соединение: срок действия сертификата сервера op.example истёк (истёк 1970-01-02 00:00:00 UTC; сейчас 1970-01-03 00:00:00 UTC)"
        );
        assert_eq!(russian.1, "нет ответа в течение 21 секунды");
        assert!(russian.2.starts_with("срок действия"), "{}", russian.2);
        assert_eq!(
            TlsFailure::ClientCertificateRequired.to_string(),
            "the server demands a client certificate — set one in the profile's TLS settings"
        );
    }
}
