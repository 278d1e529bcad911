//! The HTTP client for a profile: every call of a profile (discovery, JWKS,
//! token, UserInfo, introspection, revocation) goes through [`build_client`],
//! so its trust, client certificate, proxy and timeouts apply to all of them.

use std::time::Duration;

use base64::Engine as _;
use zeroize::Zeroizing;

use super::settings::{DefaultSettings, HttpSettings};
use crate::secret::Secret;

use super::exchange::NetError;

/// What a client needs besides the profile: its timeouts (by default the
/// profile's) and the secrets that never live in a profile.
#[derive(Clone, Debug)]
pub struct ClientOptions {
    /// How long connecting may take.
    pub connect_timeout: Duration,
    /// How long a whole request may take.
    pub timeout: Duration,
    /// The passphrase of the profile's PKCS#12 file, from the secret store.
    pub pkcs12_passphrase: Option<Secret>,
    /// How much of a response body is read at most; the rest is cut off
    /// ([`super::RecordedResponse::truncated_at`]).
    pub max_body_bytes: usize,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self::for_profile(&DefaultSettings::default(), None)
    }
}

impl ClientOptions {
    /// The profile's timeouts and its PKCS#12 passphrase (if it has one).
    pub fn for_profile(profile: &impl HttpSettings, pkcs12_passphrase: Option<Secret>) -> Self {
        Self {
            connect_timeout: Duration::from_secs(profile.network().connect_timeout_secs.max(1)),
            timeout: Duration::from_secs(profile.network().timeout_secs.max(1)),
            pkcs12_passphrase,
            max_body_bytes: profile.network().response_cap_bytes(),
        }
    }
}

/// The `User-Agent` tokenscope sends.
pub const USER_AGENT: &str = concat!("tokenscope/", env!("CARGO_PKG_VERSION"));

/// A client for `profile`: the platform roots plus the profile's extra CAs
/// (or only those), its client certificate (PEM or PKCS#12), its proxy (else
/// `HTTPS_PROXY`/`NO_PROXY` from the environment), and no automatic
/// redirects (a 302 to a login page is an answer to show, not to follow).
pub fn build_client(
    profile: &impl HttpSettings,
    options: &ClientOptions,
) -> Result<reqwest::Client, NetError> {
    let mut builder = reqwest::Client::builder()
        .connect_timeout(options.connect_timeout)
        .timeout(options.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(USER_AGENT)
        .use_rustls_tls();
    for path in &profile.tls().extra_ca_files {
        for certificate in read_ca_file(path)? {
            builder = builder.add_root_certificate(certificate);
        }
    }
    if profile.tls().only_given_cas {
        if profile.tls().extra_ca_files.is_empty() {
            return Err(NetError::Setup(crate::tr!("client-no-ca-given")));
        }
        builder = builder.tls_built_in_root_certs(false);
    }
    if let Some(identity) = client_identity(profile, options.pkcs12_passphrase.as_ref())? {
        builder = builder.identity(identity);
    }
    if profile.tls().accept_invalid_certs {
        builder = builder.danger_accept_invalid_certs(true);
    }
    let proxy = profile.proxy().trim();
    if !proxy.is_empty() {
        // An explicit proxy turns off reqwest's environment proxies, NO_PROXY
        // included: keep honouring NO_PROXY for hosts that must go direct.
        let proxy = reqwest::Proxy::all(proxy)
            .map_err(|e| {
                NetError::Setup(crate::tr!(
                    "client-proxy-unusable",
                    proxy = proxy,
                    error = e.to_string()
                ))
            })?
            .no_proxy(reqwest::NoProxy::from_env());
        builder = builder.proxy(proxy);
    }
    // Without a profile proxy, reqwest reads HTTPS_PROXY / HTTP_PROXY /
    // ALL_PROXY and NO_PROXY from the environment by itself.
    builder
        .build()
        .map_err(|e| NetError::Setup(crate::tr!("client-https-setup", error = e.to_string())))
}

fn read_ca_file(path: &str) -> Result<Vec<reqwest::Certificate>, NetError> {
    let pem = std::fs::read(path.trim()).map_err(|e| {
        NetError::Setup(crate::tr!(
            "client-ca-unreadable",
            path = path,
            error = e.to_string()
        ))
    })?;
    let certificates = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
        NetError::Setup(crate::tr!(
            "client-ca-unusable",
            path = path,
            error = e.to_string()
        ))
    })?;
    if certificates.is_empty() {
        return Err(NetError::Setup(crate::tr!("client-ca-empty", path = path)));
    }
    Ok(certificates)
}

/// The client certificate for mutual TLS (RFC 8705 §2), from PEM files or
/// a PKCS#12 file; `None` when the profile has none.
fn client_identity(
    profile: &impl HttpSettings,
    passphrase: Option<&Secret>,
) -> Result<Option<reqwest::Identity>, NetError> {
    let pkcs12 = profile.tls().pkcs12_file.trim();
    // The decrypted key lives only in this buffer, zeroed when dropped.
    let pem: Zeroizing<Vec<u8>> = if pkcs12.is_empty() {
        let cert = profile.tls().client_cert_file.trim();
        let key = profile.tls().client_key_file.trim();
        if cert.is_empty() {
            return Ok(None);
        }
        let mut pem = std::fs::read(cert).map_err(|e| {
            NetError::Setup(crate::tr!(
                "client-cert-unreadable",
                path = cert,
                error = e.to_string()
            ))
        })?;
        if !key.is_empty() {
            pem.push(b'\n');
            pem.extend(std::fs::read(key).map_err(|e| {
                NetError::Setup(crate::tr!(
                    "client-key-unreadable",
                    path = key,
                    error = e.to_string()
                ))
            })?);
        }
        Zeroizing::new(pem)
    } else {
        let data = std::fs::read(pkcs12).map_err(|e| {
            NetError::Setup(crate::tr!(
                "client-pkcs12-unreadable",
                path = pkcs12,
                error = e.to_string()
            ))
        })?;
        let passphrase = passphrase.map_or("", Secret::expose);
        pkcs12_to_pem(&data, passphrase).map_err(|why| {
            NetError::Setup(crate::tr!("client-pkcs12-bad", path = pkcs12, why = why))
        })?
    };
    reqwest::Identity::from_pem(&pem).map(Some).map_err(|e| {
        NetError::Setup(crate::tr!(
            "client-identity-unusable",
            error = e.to_string()
        ))
    })
}

/// Decrypts a PKCS#12 file and returns its key and certificate chain as PEM,
/// in memory only (rustls takes PEM identities). The error is a phrase that
/// follows "the PKCS#12 file X".
pub fn pkcs12_to_pem(data: &[u8], passphrase: &str) -> Result<Zeroizing<Vec<u8>>, String> {
    let contents = crate::token::private_keys::open_pkcs12(data, passphrase)?;
    if contents.certificates.is_empty() {
        return Err(crate::tr!("pkcs12-no-certificate"));
    }
    let mut pem = Zeroizing::new(String::new());
    for certificate in &contents.certificates {
        pem.push_str(&pem_block("CERTIFICATE", certificate));
    }
    pem.push_str(&Zeroizing::new(pem_block("PRIVATE KEY", &contents.key_der)));
    Ok(Zeroizing::new(pem.as_bytes().to_vec()))
}

fn pem_block(label: &str, der: &[u8]) -> String {
    let body = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(der));
    let mut text = format!("-----BEGIN {label}-----\n");
    for line in body.as_bytes().chunks(64) {
        text.push_str(&String::from_utf8_lossy(line));
        text.push('\n');
    }
    text.push_str("-----END ");
    text.push_str(label);
    text.push_str("-----\n");
    text
}
