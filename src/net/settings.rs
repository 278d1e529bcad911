//! What the HTTP client is built from: trust and client certificate
//! (`TlsSettings`), timeouts and the answer limit (`NetworkSettings`) and a
//! proxy. A profile holds them (`oauth::Profile` implements
//! [`HttpSettings`]); `net` knows nothing else of profiles.

use serde::{Deserialize, Serialize};

/// The settings an HTTP client is built from.
pub trait HttpSettings {
    /// Trust and client certificate.
    fn tls(&self) -> &TlsSettings;
    /// Timeouts and the answer size limit.
    fn network(&self) -> &NetworkSettings;
    /// The proxy URL, or empty for the environment's (`HTTPS_PROXY`, `NO_PROXY`).
    fn proxy(&self) -> &str;
}

/// No settings of one's own: the defaults and the environment's proxy.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DefaultSettings {
    tls: TlsSettings,
    network: NetworkSettings,
}

impl HttpSettings for DefaultSettings {
    fn tls(&self) -> &TlsSettings {
        &self.tls
    }

    fn network(&self) -> &NetworkSettings {
        &self.network
    }

    fn proxy(&self) -> &'static str {
        ""
    }
}

/// TLS settings of a profile.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TlsSettings {
    /// Extra CA certificates (PEM files) trusted besides the platform roots.
    pub extra_ca_files: Vec<String>,
    /// Client certificate (PEM) for mutual TLS.
    pub client_cert_file: String,
    /// Its private key (PEM).
    pub client_key_file: String,
    /// Or both in one PKCS#12 file; its passphrase is a secret.
    pub pkcs12_file: String,
    /// Accept any server certificate. Dangerous: only for a test stand.
    pub accept_invalid_certs: bool,
    /// Trust only [`TlsSettings::extra_ca_files`], not the platform roots.
    pub only_given_cas: bool,
}

impl TlsSettings {
    /// Whether a client certificate is configured (PEM or PKCS#12).
    pub fn has_client_certificate(&self) -> bool {
        !self.client_cert_file.trim().is_empty() || !self.pkcs12_file.trim().is_empty()
    }
}

/// Timeouts and the answer size limit of a profile's HTTP calls.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NetworkSettings {
    /// Seconds connecting (TCP and TLS) may take.
    pub connect_timeout_secs: u64,
    /// Seconds a whole request may take, body included.
    pub timeout_secs: u64,
    /// The most of an answer's body that is read, in MiB
    /// ([`Self::RESPONSE_MIB_RANGE`]); older profile files without it get the default.
    pub max_response_mib: u64,
}

impl NetworkSettings {
    /// What `max_response_mib` may be: a server's answer is read up to 100 MiB at most.
    pub const RESPONSE_MIB_RANGE: std::ops::RangeInclusive<u64> = 1..=100;

    /// The answer size limit in bytes, brought into [`Self::RESPONSE_MIB_RANGE`]
    /// (a hand-edited file may say 0 or a terabyte; the form flags it).
    pub fn response_cap_bytes(&self) -> usize {
        let mib = self.max_response_mib.clamp(
            *Self::RESPONSE_MIB_RANGE.start(),
            *Self::RESPONSE_MIB_RANGE.end(),
        );
        usize::try_from(mib.saturating_mul(1024 * 1024)).unwrap_or(usize::MAX)
    }
}

impl Default for NetworkSettings {
    fn default() -> Self {
        Self {
            connect_timeout_secs: 10,
            timeout_secs: 30,
            max_response_mib: 10,
        }
    }
}
