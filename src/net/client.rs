//! The HTTP client for a profile.

use std::time::Duration;

use crate::oauth::Profile;

use super::exchange::NetError;

/// Network settings that are not part of a profile.
#[derive(Clone, Debug)]
pub struct ClientOptions {
    /// How long connecting may take.
    pub connect_timeout: Duration,
    /// How long a whole request may take.
    pub timeout: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
        }
    }
}

/// The `User-Agent` tokenscope sends.
pub const USER_AGENT: &str = concat!("tokenscope/", env!("CARGO_PKG_VERSION"));

/// A client for `profile`: platform roots plus the profile's extra CAs,
/// its client certificate, proxy, and no automatic redirects (a 302 to a
/// login page is an answer to show, not to follow).
pub fn build_client(
    profile: &Profile,
    options: &ClientOptions,
) -> Result<reqwest::Client, NetError> {
    let mut builder = reqwest::Client::builder()
        .connect_timeout(options.connect_timeout)
        .timeout(options.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(USER_AGENT)
        .use_rustls_tls();
    for path in &profile.tls.extra_ca_files {
        let pem = std::fs::read(path)
            .map_err(|e| NetError::Setup(format!("could not read the CA file {path}: {e}")))?;
        let certificates = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
            NetError::Setup(format!(
                "the CA file {path} holds no usable PEM certificate: {e}"
            ))
        })?;
        for certificate in certificates {
            builder = builder.add_root_certificate(certificate);
        }
    }
    let pkcs12 = profile.tls.pkcs12_file.trim();
    if !pkcs12.is_empty() {
        // rustls reads PEM identities only.
        return Err(NetError::Setup(format!(
            "PKCS#12 files are not read yet: convert {pkcs12} with `openssl pkcs12 -in {pkcs12} -nodes -out client.pem` and give client.pem as both the client certificate and key"
        )));
    }
    let cert = profile.tls.client_cert_file.trim();
    let key = profile.tls.client_key_file.trim();
    if !cert.is_empty() {
        let mut pem = std::fs::read(cert).map_err(|e| {
            NetError::Setup(format!("could not read the client certificate {cert}: {e}"))
        })?;
        if !key.is_empty() {
            pem.push(b'\n');
            pem.extend(std::fs::read(key).map_err(|e| {
                NetError::Setup(format!("could not read the client key {key}: {e}"))
            })?);
        }
        let identity = reqwest::Identity::from_pem(&pem).map_err(|e| {
            NetError::Setup(format!(
                "the client certificate and key could not be used: {e}"
            ))
        })?;
        builder = builder.identity(identity);
    }
    if profile.tls.accept_invalid_certs {
        builder = builder.danger_accept_invalid_certs(true);
    }
    let proxy = profile.proxy.trim();
    if !proxy.is_empty() {
        let proxy = reqwest::Proxy::all(proxy)
            .map_err(|e| NetError::Setup(format!("the proxy {proxy} is not usable: {e}")))?;
        builder = builder.proxy(proxy);
    }
    builder
        .build()
        .map_err(|e| NetError::Setup(format!("could not set up HTTPS: {e}")))
}
