//! A built-in OpenID provider on loopback, for a trainer without Wi-Fi, a
//! newcomer's first run and our own tests: discovery, JWKS, authorize with a
//! login page, token (code + PKCE, refresh with rotation, client
//! credentials, password, device code, MOEX `passport`), UserInfo,
//! introspection, revocation, end session and device authorization, with
//! real signatures and real expiry. A [`Personality`] makes it behave like a
//! provider we target; [`Faults`] make it misbehave on demand.
//!
//! Runs on a tokio runtime it is given (the app's `NetRuntime`), bound to
//! 127.0.0.1 only.

// Request handling and file reading take any bytes: no slice that can cut
// a character, no index that can miss (tests may index what they built).
#![cfg_attr(not(test), deny(clippy::string_slice, clippy::indexing_slicing))]

mod faults;
mod keys;
mod pages;
mod personality;
mod server;
mod store;

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use serde::Serialize;

pub use faults::{FaultError, FaultOutOfRange, Faults, MAX_DELAY_MS, MAX_EXPIRE_IN, UnknownFault};
pub use keys::{
    CLIENT_ENCRYPTION_KEY_ID, CLIENT_KEY_ID, ENCRYPTION_ALG, ENCRYPTION_ENC, KeyError, SigningAlg,
};
pub use personality::{Personality, USERS, User};
pub use server::{FAULTS_PATH, LOGIN_PATH, REQUEST_URI_PREFIX, ROTATE_PATH, SandboxClock};

use crate::oauth::{AssertionSettings, ClientAuth, Endpoints, Param, PkceMode, Profile};

/// The loopback port the app's Sandbox profile uses first.
pub const DEFAULT_PORT: u16 = 53_690;

/// The client notification endpoint the sandbox's client is registered with
/// unless [`SandboxConfig::ciba_ping_endpoint`] says otherwise (CIBA Core
/// §4 `backchannel_client_notification_endpoint`), and the one the Sandbox
/// profile listens on in ping mode: plain loopback, next to [`DEFAULT_PORT`].
pub const DEFAULT_PING_ENDPOINT: &str = "http://127.0.0.1:53691/ciba/notify";

/// How to start a sandbox.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SandboxConfig {
    /// Who it imitates.
    pub personality: Personality,
    /// The port on 127.0.0.1; 0 for any free one.
    pub port: u16,
    /// Faults on at start.
    pub faults: Faults,
    /// The client notification endpoint the sandbox's client is registered
    /// with for CIBA ping mode (CIBA Core §4, §10.2); `None`:
    /// [`DEFAULT_PING_ENDPOINT`]. Loopback only (the sandbox calls nothing
    /// else); a backchannel request with a `client_notification_token` is
    /// answered in ping mode, one without in poll mode.
    pub ciba_ping_endpoint: Option<String>,
}

/// Why the sandbox could not start.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The port is taken or binding failed.
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind {
        /// The port asked for.
        port: u16,
        /// Why.
        source: std::io::Error,
    },
    /// Keys could not be made.
    #[error(transparent)]
    Keys(#[from] KeyError),
    /// The CIBA ping endpoint is not a loopback http(s) URL.
    #[error(
        "the CIBA notification endpoint {0} is not a loopback http(s) URL with a port: the sandbox calls nothing else"
    )]
    PingEndpoint(String),
    /// The client's key file could not be written.
    #[error("cannot write the sandbox client's key file {path}: {source}")]
    KeyFile {
        /// Where.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}

/// The client a profile uses against the sandbox (printed by `tokenscope sandbox`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClientCredentials {
    /// `client_id`.
    pub client_id: String,
    /// `client_secret` — a sandbox credential, meant to be shown.
    pub client_secret: String,
    /// The FAPI personalities' client key file (private key for signed
    /// request objects), a sandbox credential like the secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_file: Option<String>,
    /// The encrypting personality's client decryption key file (the
    /// private half of the key ID tokens and UserInfo answers are
    /// encrypted to), a sandbox credential like the secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decryption_key_file: Option<String>,
}

/// A running sandbox; stopped by [`Sandbox::stop`] or on drop.
pub struct Sandbox {
    shared: Arc<server::Shared>,
    address: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("personality", &self.shared.personality)
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Makes keys, binds 127.0.0.1:`config.port` and serves on `runtime`.
    /// Blocking (RSA key generation takes a moment): call it off the UI thread.
    pub fn start(
        runtime: &tokio::runtime::Handle,
        config: SandboxConfig,
        clock: SandboxClock,
    ) -> Result<Self, SandboxError> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, config.port)).map_err(|source| {
            SandboxError::Bind {
                port: config.port,
                source,
            }
        })?;
        listener
            .set_nonblocking(true)
            .map_err(|source| SandboxError::Bind {
                port: config.port,
                source,
            })?;
        let address = listener.local_addr().map_err(|source| SandboxError::Bind {
            port: config.port,
            source,
        })?;
        let ping_endpoint = config
            .ciba_ping_endpoint
            .as_deref()
            .unwrap_or(DEFAULT_PING_ENDPOINT)
            .trim()
            .to_owned();
        let loopback =
            crate::oauth::callback::RedirectTarget::parse_notification_endpoint(&ping_endpoint)
                .is_ok_and(|target| target.is_loopback());
        if !loopback {
            return Err(SandboxError::PingEndpoint(ping_endpoint));
        }
        let client_key = client_key_pair(config.personality)?;
        if let (Some(pair), Some(path)) = (
            &client_key,
            client_key_path(config.personality, address.port()),
        ) {
            write_private_file(&path, pair.file_text()).map_err(|source| {
                SandboxError::KeyFile {
                    path: path.display().to_string(),
                    source,
                }
            })?;
        }
        let client_encryption = client_encryption_key(config.personality)?;
        if let (Some(key), Some(path)) = (
            &client_encryption,
            decryption_key_path(config.personality, address.port()),
        ) {
            write_private_file(&path, key.file_text()).map_err(|source| SandboxError::KeyFile {
                path: path.display().to_string(),
                source,
            })?;
        }
        let shared = Arc::new(server::Shared {
            personality: config.personality,
            base: format!("http://127.0.0.1:{}", address.port()),
            port: address.port(),
            keys: RwLock::new(keys::KeyRing::generate()?),
            store: Mutex::new(store::Store::default()),
            faults: RwLock::new(config.faults),
            clock,
            client_key,
            ciba_ping_endpoint: ping_endpoint,
            client_encryption,
        });
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        let router = server::router(Arc::clone(&shared));
        let _guard = runtime.enter();
        let listener =
            tokio::net::TcpListener::from_std(listener).map_err(|source| SandboxError::Bind {
                port: config.port,
                source,
            })?;
        runtime.spawn(async move {
            let serve = axum::serve(listener, router).with_graceful_shutdown(async {
                stopped.await.ok();
            });
            // The server ends only on shutdown or a listener failure; either way there is nobody to tell.
            serve.await.ok();
        });
        Ok(Self {
            shared,
            address,
            shutdown: Some(shutdown),
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        self.shared.base.clone()
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// The issuer identifier.
    pub fn issuer(&self) -> String {
        self.shared.issuer()
    }

    /// Who it imitates.
    pub fn personality(&self) -> Personality {
        self.shared.personality
    }

    /// The client a profile uses.
    pub fn client(&self) -> ClientCredentials {
        let spec = self.shared.personality.spec();
        ClientCredentials {
            client_id: spec.client_id.to_owned(),
            client_secret: spec.client_secret.to_owned(),
            key_file: client_key_path(self.shared.personality, self.shared.port)
                .map(|path| path.display().to_string()),
            decryption_key_file: decryption_key_path(self.shared.personality, self.shared.port)
                .map(|path| path.display().to_string()),
        }
    }

    /// The fault switches now.
    pub fn faults(&self) -> Faults {
        self.shared
            .faults
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Flips the fault switches while running.
    pub fn set_faults(&self, faults: Faults) {
        *self
            .shared
            .faults
            .write()
            .unwrap_or_else(PoisonError::into_inner) = faults;
    }

    /// Replaces the signing keys (new `kid`s; old keys unpublished at once).
    pub fn rotate_keys(&self) -> Result<(), KeyError> {
        self.shared.rotate()
    }

    /// The key generation (1 at start, +1 per rotation).
    pub fn key_generation(&self) -> u32 {
        self.shared
            .keys
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .generation()
    }

    /// The endpoints, as a profile holds them.
    pub fn endpoints(&self) -> Endpoints {
        endpoints(self.shared.personality, &self.shared.base)
    }

    /// A profile that runs the code flow against this sandbox.
    pub fn profile(&self) -> Profile {
        let mut profile = sandbox_profile(self.shared.personality, &self.shared.base);
        // Where this sandbox's client is registered to be pinged (CIBA Core §4).
        self.shared
            .ciba_ping_endpoint
            .clone_into(&mut profile.ciba.notification_endpoint);
        profile
    }

    /// The JSON line `tokenscope sandbox` prints.
    pub fn info(&self) -> serde_json::Value {
        let client = self.client();
        serde_json::json!({
            "sandbox": self.personality().as_str(),
            "issuer": self.issuer(),
            "base_url": self.base_url(),
            "discovery": self.personality().spec().discovery.then(|| format!("{}/.well-known/openid-configuration", self.issuer())),
            "client_id": client.client_id,
            "client_secret": client.client_secret,
            "client_key_file": client.key_file,
            "client_decryption_key_file": client.decryption_key_file,
            "endpoints": self.endpoints(),
            "users": USERS.iter().map(|u| u.login).collect::<Vec<_>>(),
            "phone_page": self.phone_page(),
            "faults": self.faults().active(),
        })
    }

    /// The "phone" page where CIBA requests are approved or denied, when
    /// this personality has CIBA.
    pub fn phone_page(&self) -> Option<String> {
        self.personality()
            .spec()
            .paths
            .ciba_page
            .map(|path| format!("{}{path}", self.shared.base))
    }

    /// A handle to change this sandbox from another thread (key rotation is slow).
    pub fn controls(&self) -> SandboxControls {
        SandboxControls(Arc::clone(&self.shared))
    }

    /// Stops serving (connections in flight finish).
    pub fn stop(mut self) {
        self.signal_stop();
    }

    fn signal_stop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            // Already stopped is fine.
            shutdown.send(()).ok();
            // The client's key file goes with the sandbox that made it
            // (already gone is fine).
            for path in [
                client_key_path(self.shared.personality, self.shared.port),
                decryption_key_path(self.shared.personality, self.shared.port),
            ]
            .into_iter()
            .flatten()
            {
                std::fs::remove_file(path).ok();
            }
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.signal_stop();
    }
}

/// Changes a running sandbox from any thread.
#[derive(Clone)]
pub struct SandboxControls(Arc<server::Shared>);

impl std::fmt::Debug for SandboxControls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SandboxControls")
    }
}

impl SandboxControls {
    /// Replaces the signing keys; returns the new key generation.
    pub fn rotate_keys(&self) -> Result<u32, KeyError> {
        self.0.rotate()?;
        Ok(self
            .0
            .keys
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .generation())
    }
}

/// The profile a first launch (empty config directory) starts with: the
/// generic sandbox on its default loopback port.
pub fn first_launch_profile() -> Profile {
    Profile {
        name: "Sandbox".to_owned(),
        ..sandbox_profile(
            Personality::Generic,
            &format!("http://127.0.0.1:{DEFAULT_PORT}"),
        )
    }
}

/// The endpoints of `personality` at `base` (`http://127.0.0.1:PORT`).
pub fn endpoints(personality: Personality, base: &str) -> Endpoints {
    let paths = personality.spec().paths;
    let url = |path: Option<&str>| path.map(|p| format!("{base}{p}")).unwrap_or_default();
    Endpoints {
        authorization: url(Some(paths.authorize)),
        token: url(Some(paths.token)),
        userinfo: url(Some(paths.userinfo)),
        jwks: url(paths.jwks),
        introspection: url(paths.introspection),
        revocation: url(paths.revocation),
        device_authorization: url(paths.device_authorization),
        end_session: url(paths.end_session),
        backchannel_authentication: url(paths.backchannel_authentication),
        pushed_authorization_request: url(paths.par),
        extra: paths
            .certificate
            .map(|p| vec![Param::new("certificate", format!("{base}{p}"))])
            .unwrap_or_default(),
        ..Endpoints::default()
    }
}

/// The client key pair of a FAPI personality (P-256, or GOST for
/// `fapi-gost`); `None` for the others.
fn client_key_pair(personality: Personality) -> Result<Option<keys::ClientKeyPair>, KeyError> {
    if !personality.spec().fapi {
        return Ok(None);
    }
    keys::ClientKeyPair::generate(gost_client(personality)).map(Some)
}

fn gost_client(personality: Personality) -> bool {
    personality.spec().id_token_alg == Some(SigningAlg::Gost)
}

/// Where the sandbox of a FAPI personality on `port` writes its client's
/// private key (the system's temporary directory), for the profile's
/// request objects: handed out as the client secret is. `None` for the
/// other personalities.
pub fn client_key_path(personality: Personality, port: u16) -> Option<std::path::PathBuf> {
    if !personality.spec().fapi {
        return None;
    }
    let extension = if gost_client(personality) {
        "pem"
    } else {
        "jwk.json"
    };
    Some(
        std::env::temp_dir()
            .join("tokenscope-sandbox")
            .join(format!(
                "{}-{port}-client.{extension}",
                personality.as_str()
            )),
    )
}

/// The client's encryption key pair of a personality that encrypts ID
/// tokens and UserInfo answers ([`personality::Spec::encrypts`]); `None`
/// for the others.
fn client_encryption_key(
    personality: Personality,
) -> Result<Option<keys::ClientEncryptionKey>, KeyError> {
    if !personality.spec().encrypts() {
        return Ok(None);
    }
    keys::ClientEncryptionKey::generate().map(Some)
}

/// Where the sandbox of an encrypting personality on `port` writes its
/// client's private decryption key (a private JWK, beside the FAPI client
/// keys in the system's temporary directory), for the profile's
/// `decryption_key_file`: handed out as the client secret is. `None` for the
/// other personalities.
pub fn decryption_key_path(personality: Personality, port: u16) -> Option<std::path::PathBuf> {
    if !personality.spec().encrypts() {
        return None;
    }
    Some(
        std::env::temp_dir()
            .join("tokenscope-sandbox")
            .join(format!(
                "{}-{port}-client-decryption.jwk.json",
                personality.as_str()
            )),
    )
}

/// Writes `text` to `path`, readable by this user only (on Unix).
fn write_private_file(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())
}

/// The marker a profile carries when it points at the built-in sandbox
/// (its `preset`): `sandbox:<personality>`.
pub fn preset_marker(personality: Personality) -> String {
    format!("sandbox:{}", personality.as_str())
}

/// The personality a profile's preset marker names, if it is a sandbox profile.
pub fn personality_of(profile: &Profile) -> Option<Personality> {
    profile
        .preset
        .as_deref()
        .and_then(|p| p.strip_prefix("sandbox:"))
        .and_then(Personality::parse)
}

/// The sandbox's CIBA "phone" page for a sandbox profile (on the port the
/// profile points at), when its personality has CIBA.
pub fn phone_page_of(profile: &Profile) -> Option<String> {
    let path = personality_of(profile)?.spec().paths.ciba_page?;
    let port = profile_port(profile)?;
    Some(format!("http://127.0.0.1:{port}{path}"))
}

/// A profile for the sandbox of `personality` at `base`: the issuer (or,
/// without discovery, the endpoints), the client, loopback redirect, PKCE.
pub fn sandbox_profile(personality: Personality, base: &str) -> Profile {
    let spec = personality.spec();
    let issuer = format!("{base}{}", spec.issuer_path);
    Profile {
        name: format!("Sandbox ({})", personality.label()),
        preset: Some(preset_marker(personality)),
        environment: "sandbox".to_owned(),
        issuer: if spec.discovery {
            issuer
        } else {
            String::new()
        },
        endpoints: endpoints(personality, base),
        client_id: spec.client_id.to_owned(),
        client_auth: if personality == Personality::Bank {
            ClientAuth::ClientSecretPost
        } else {
            ClientAuth::ClientSecretBasic
        },
        scopes: spec.scopes.to_owned(),
        pkce: PkceMode::S256,
        notes: crate::tr!("sandbox-profile-notes"),
        // CIBA asks the sandbox's first user; its phone page shows the message.
        // In ping mode it listens where the sandbox's client is registered to be pinged.
        ciba: crate::oauth::ciba::CibaSettings {
            hint: USERS.first().map_or("anna", |u| u.login).to_owned(),
            binding_message: "tokenscope sandbox".to_owned(),
            notification_endpoint: DEFAULT_PING_ENDPOINT.to_owned(),
            ..crate::oauth::ciba::CibaSettings::default()
        },
        // FAPI: PAR, a request object signed with the client's key (the
        // file the sandbox writes at start), JARM and DPoP.
        par: spec.fapi,
        request_object: spec.fapi,
        dpop: spec.fapi,
        response_mode: if spec.fapi {
            "jwt".to_owned()
        } else {
            String::new()
        },
        client_assertion: match client_key_path(personality, port_of(base)) {
            Some(path) => AssertionSettings {
                key_file: path.display().to_string(),
                key_id: CLIENT_KEY_ID.to_owned(),
                algorithm: if gost_client(personality) {
                    SigningAlg::Gost.as_str().to_owned()
                } else {
                    "ES256".to_owned()
                },
                ..AssertionSettings::default()
            },
            None => AssertionSettings::default(),
        },
        // OIDC Core 1.0 §10.2: the ID token and UserInfo come encrypted to
        // the client; the run opens them with the key the sandbox wrote.
        decryption_key_file: decryption_key_path(personality, port_of(base))
            .map(|path| path.display().to_string())
            .unwrap_or_default(),
        ..Profile::default()
    }
}

/// The port of a base URL `http://127.0.0.1:PORT` (0 when there is none).
fn port_of(base: &str) -> u16 {
    base.rsplit_once(':')
        .and_then(|(_, port)| port.trim_end_matches('/').parse().ok())
        .unwrap_or(0)
}

/// Moves a sandbox profile to another base URL (when its port was taken).
pub fn repoint(profile: &mut Profile, personality: Personality, base: &str) {
    let fresh = sandbox_profile(personality, base);
    profile.issuer = fresh.issuer;
    profile.endpoints = fresh.endpoints;
    if personality.spec().fapi {
        profile.client_assertion.key_file = fresh.client_assertion.key_file;
    }
    if personality.spec().encrypts() {
        profile.decryption_key_file = fresh.decryption_key_file;
    }
}

/// The port a sandbox profile points at (from its authorization endpoint).
pub fn profile_port(profile: &Profile) -> Option<u16> {
    let rest = profile
        .endpoints
        .authorization
        .strip_prefix("http://127.0.0.1:")?;
    rest.split(['/', '?']).next()?.parse().ok()
}

/// Makes sure a sandbox serves a sandbox profile before its flow runs:
/// starts one on the profile's port, or — when that port is taken by
/// something else — on any free port, repointing `profile` at it. `None`
/// for a profile that is not a sandbox profile.
pub fn ensure_for(
    profile: &mut Profile,
    runtime: &tokio::runtime::Handle,
    clock: SandboxClock,
) -> Option<Result<Sandbox, SandboxError>> {
    let personality = personality_of(profile)?;
    let port = profile_port(profile).unwrap_or(DEFAULT_PORT);
    // The profile's notification endpoint is the sandbox client's registration (CIBA Core §4).
    let ping_endpoint = Some(profile.ciba.notification_endpoint.trim().to_owned())
        .filter(|endpoint| !endpoint.is_empty());
    let config = |port| SandboxConfig {
        personality,
        port,
        faults: Faults::default(),
        ciba_ping_endpoint: ping_endpoint.clone(),
    };
    let started = match Sandbox::start(runtime, config(port), Arc::clone(&clock)) {
        Err(SandboxError::Bind { .. }) => Sandbox::start(runtime, config(0), clock),
        other => other,
    };
    if let Ok(sandbox) = &started {
        repoint(profile, personality, &sandbox.base_url());
    }
    Some(started)
}

/// The client secret of a sandbox profile's personality (sandbox
/// credentials are public: `tokenscope sandbox` prints them).
pub fn client_secret_of(profile: &Profile) -> Option<crate::secret::Secret> {
    personality_of(profile).map(|p| crate::secret::Secret::new(p.spec().client_secret))
}

/// A sandbox with no socket, for the fuzz harness (`tokenscope::fuzzing`):
/// each [`session`](Self::session) is a fresh sandbox (no codes, tokens,
/// sessions or faults) whose requests go through the router's own handler on
/// the caller's thread. The keys are made once and reused, because RSA key
/// generation is slow.
#[doc(hidden)]
pub struct OfflineSandbox {
    keys: Option<keys::KeyRing>,
    client_encryption: Option<keys::ClientEncryptionKey>,
    clock: SandboxClock,
    runtime: tokio::runtime::Runtime,
}

impl OfflineSandbox {
    /// A sandbox whose "now" is `clock`, with a single-threaded runtime of its own.
    pub fn new(clock: SandboxClock) -> std::io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()?;
        Ok(Self {
            keys: None,
            client_encryption: None,
            clock,
            runtime,
        })
    }

    /// Runs `requests` against a fresh sandbox of `personality` at
    /// `http://127.0.0.1:DEFAULT_PORT`.
    pub fn session<T>(
        &mut self,
        personality: Personality,
        requests: impl FnOnce(&OfflineSession<'_>) -> T,
    ) -> Result<T, KeyError> {
        let keys = match self.keys.take() {
            Some(keys) => keys,
            None => keys::KeyRing::generate()?,
        };
        // The encrypting personality's client key is made once too (RSA).
        let client_encryption = if personality.spec().encrypts() {
            match self.client_encryption.take() {
                Some(key) => Some(key),
                None => client_encryption_key(personality)?,
            }
        } else {
            None
        };
        let shared = Arc::new(server::Shared {
            personality,
            base: format!("http://127.0.0.1:{DEFAULT_PORT}"),
            port: DEFAULT_PORT,
            keys: RwLock::new(keys),
            store: Mutex::new(store::Store::default()),
            faults: RwLock::new(Faults::default()),
            clock: Arc::clone(&self.clock),
            client_key: client_key_pair(personality)?,
            ciba_ping_endpoint: DEFAULT_PING_ENDPOINT.to_owned(),
            client_encryption,
        });
        let result = requests(&OfflineSession {
            shared: &shared,
            runtime: &self.runtime,
        });
        // The handler keeps no clone once it has answered.
        if let Ok(shared) = Arc::try_unwrap(shared) {
            self.keys = Some(
                shared
                    .keys
                    .into_inner()
                    .unwrap_or_else(PoisonError::into_inner),
            );
            if let Some(key) = shared.client_encryption {
                self.client_encryption = Some(key);
            }
        }
        Ok(result)
    }
}

/// One fresh sandbox of an [`OfflineSandbox`].
#[doc(hidden)]
pub struct OfflineSession<'a> {
    shared: &'a Arc<server::Shared>,
    runtime: &'a tokio::runtime::Runtime,
}

impl OfflineSession<'_> {
    /// The answer to `request`, as a client would record it. Answers are
    /// immediate and keys stay: the `delay_ms` and `rotate_keys` faults are
    /// switched off before each request (the harness does not send
    /// [`ROTATE_PATH`] either), so an input cannot make the harness sleep or
    /// spend its time generating RSA keys.
    pub fn answer(&self, request: axum::extract::Request) -> crate::net::RecordedResponse {
        {
            let mut faults = self
                .shared
                .faults
                .write()
                .unwrap_or_else(PoisonError::into_inner);
            faults.delay_ms = None;
            faults.rotate_keys = false;
        }
        self.runtime.block_on(async {
            let response =
                server::handle(axum::extract::State(Arc::clone(self.shared)), request).await;
            let (parts, body) = response.into_parts();
            let body = axum::body::to_bytes(body, usize::MAX)
                .await
                .map(|bytes| bytes.to_vec())
                .unwrap_or_default();
            crate::net::RecordedResponse {
                status: parts.status.as_u16(),
                reason: parts
                    .status
                    .canonical_reason()
                    .unwrap_or_default()
                    .to_owned(),
                version: "HTTP/1.1".to_owned(),
                headers: parts
                    .headers
                    .iter()
                    .map(|(name, value)| {
                        (
                            name.as_str().to_owned(),
                            String::from_utf8_lossy(value.as_bytes()).into_owned(),
                        )
                    })
                    .collect(),
                body,
                truncated_at: None,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_taken_port_moves_the_sandbox_and_its_profile_elsewhere() {
        let runtime = crate::net::NetRuntime::new().unwrap();
        let taken = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let port = taken.local_addr().unwrap().port();
        let mut profile =
            sandbox_profile(Personality::Keycloak, &format!("http://127.0.0.1:{port}"));
        let clock: SandboxClock = Arc::new(|| crate::token::Timestamp::from_unix(1_795_387_806));
        let sandbox = ensure_for(&mut profile, &runtime.handle(), clock)
            .unwrap()
            .unwrap();
        assert_ne!(sandbox.port(), port);
        assert_eq!(profile_port(&profile), Some(sandbox.port()));
        assert_eq!(
            profile.issuer,
            format!("{}/realms/sandbox", sandbox.base_url())
        );
        assert!(
            ensure_for(
                &mut Profile::default(),
                &runtime.handle(),
                Arc::new(crate::clock::system_now)
            )
            .is_none()
        );
    }
}
