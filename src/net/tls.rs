//! Why a TLS handshake failed, in terms the user can act on: the error chain
//! of reqwest → hyper → io is walked down to the `rustls::Error` inside.

use serde::Serialize;

/// A classified TLS failure (RFC 8446 §6.2 alerts, RFC 5280 path validation).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TlsFailure {
    /// The server's chain ends at a CA that is not trusted.
    #[error(
        "the server's certificate is signed by a CA tokenscope does not trust — load the provider's CA certificate (PEM) in the profile's TLS settings"
    )]
    UnknownIssuer {
        /// The host connected to.
        host: String,
    },
    /// The server's certificate has expired.
    #[error("the server's certificate for {host} has expired{}", dates(*not_after, "expired", *now))]
    Expired {
        /// The host connected to.
        host: String,
        /// The certificate's `notAfter` (Unix seconds), when known.
        not_after: Option<u64>,
        /// The time it was checked at (Unix seconds), when known.
        now: Option<u64>,
    },
    /// The server's certificate is not valid yet.
    #[error("the server's certificate for {host} is not valid yet{}", dates(*not_before, "valid from", *now))]
    NotYetValid {
        /// The host connected to.
        host: String,
        /// The certificate's `notBefore` (Unix seconds), when known.
        not_before: Option<u64>,
        /// The time it was checked at (Unix seconds), when known.
        now: Option<u64>,
    },
    /// The certificate does not name the host asked for.
    #[error(
        "the server's certificate is not valid for {host}, the host tokenscope asked for{}",
        presented_names(presented)
    )]
    NameMismatch {
        /// The host asked for.
        host: String,
        /// The names the certificate holds, when known.
        presented: Vec<String>,
    },
    /// The server demands a client certificate and none was sent.
    #[error("the server demands a client certificate — set one in the profile's TLS settings")]
    ClientCertificateRequired,
    /// The server refused the client certificate that was sent.
    #[error(
        "the server refused the client certificate ({alert} alert): check that it is the one the provider registered, signed by a CA it trusts, and not expired"
    )]
    ClientCertificateRejected {
        /// The TLS alert, e.g. `unknown_ca`.
        alert: String,
    },
    /// The server ended the handshake with `handshake_failure`.
    #[error(
        "the server refused the handshake (handshake_failure alert): it may demand a client certificate — set one in the profile's TLS settings — or share no TLS version or cipher with tokenscope"
    )]
    HandshakeRefused,
    /// Anything else TLS.
    #[error("{detail}")]
    Other {
        /// What rustls or the connection said.
        detail: String,
    },
}

impl TlsFailure {
    /// What to do about it, one sentence, for the step's diagnosis.
    pub fn advice(&self) -> &'static str {
        match self {
            Self::UnknownIssuer { .. } => {
                "Load the CA certificate the provider's chain ends at (a bank's test stand often has its own root) as an extra CA file in the profile's TLS settings."
            }
            Self::Expired { .. } | Self::NotYetValid { .. } => {
                "The provider must renew its certificate; check this machine's clock too. Only against a test stand: turn on \"Accept invalid certificates\"."
            }
            Self::NameMismatch { .. } => {
                "Use the host name the certificate was issued for in the profile's URLs, not an IP address or an alias."
            }
            Self::ClientCertificateRequired | Self::HandshakeRefused => {
                "Set the client certificate and key (PEM) or a PKCS#12 file in the profile's TLS settings."
            }
            Self::ClientCertificateRejected { .. } => {
                "Check the client certificate in the profile's TLS settings against what the provider registered."
            }
            Self::Other { .. } => {
                "Check the profile's CA certificates and client certificate; a bank's test stand often needs its own root CA."
            }
        }
    }
}

fn dates(at: Option<u64>, what: &str, now: Option<u64>) -> String {
    match (at.and_then(utc), now.and_then(utc)) {
        (Some(at), Some(now)) => format!(" ({what} {at}; now {now})"),
        (Some(at), None) => format!(" ({what} {at})"),
        _ => String::new(),
    }
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
        format!(" (it names {})", names.join(", "))
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
}
