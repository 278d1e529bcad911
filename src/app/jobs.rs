//! Background work: decoding large pastes, reading files, the file dialog.
//! Each job runs on its own named thread, sends one result, and wakes the UI.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock, mpsc};

use crate::i18n::Language;
use crate::oauth::{Profile, ProfileId};
use crate::secret::Secret;
use crate::store::secrets::names;
use crate::store::{ProfileStore, SecretPreference, SecretStore};
use crate::token::Timestamp;

use crate::model::{JobResult, Notice, StoreStatus};

/// Files larger than this are refused: nobody pastes 64 MB of tokens.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Work for the store thread. One thread, in order: two saves can never
/// land in the wrong order.
enum StoreTask {
    Open {
        dir: PathBuf,
        preference: SecretPreference,
    },
    Save(Vec<Profile>),
    SetAside(i64),
    SavePreferences(crate::store::preferences::Preferences),
    LoadSecret(ProfileId),
    LoadPassphrase(ProfileId, crate::model::Passphrase),
    /// A run's decryption key file, opened with the profile's passphrase.
    LoadDecryptionKey {
        id: ProfileId,
        path: String,
    },
    /// One of a profile's secrets by its store name ([`names`], or an
    /// extension field's `extension:<name>`).
    StoreSecret(ProfileId, String, Secret),
    /// Every secret of a deleted profile, by name ([`names::all_for`]).
    DeleteSecrets(ProfileId, Vec<String>),
    LoadNamed(ProfileId, Vec<String>),
    Import {
        text: String,
        current: Vec<Profile>,
    },
    Export {
        path: PathBuf,
        profiles: Vec<Profile>,
        with_secrets: bool,
    },
}

/// Wakes the window when a job finishes. It exists before the window does:
/// the profile store and the start-up paste get to work while the window
/// opens, and a result that lands before the first frame needs no wake.
#[derive(Clone, Default)]
pub struct Waker(Arc<OnceLock<egui::Context>>);

impl Waker {
    /// From now on, wake this window.
    pub fn attach(&self, ctx: &egui::Context) {
        let _ = self.0.set(ctx.clone());
    }

    /// Asks the window for a frame (nothing before it exists).
    pub fn request_repaint(&self) {
        if let Some(ctx) = self.0.get() {
            ctx.request_repaint();
        }
    }
}

/// Spawns jobs and collects their results.
pub struct Jobs {
    sender: mpsc::Sender<JobResult>,
    receiver: mpsc::Receiver<JobResult>,
    ctx: Waker,
    store: Option<mpsc::Sender<(Language, StoreTask)>>,
    net: Option<crate::net::NetRuntime>,
    flow_task: Option<tokio::task::JoinHandle<()>>,
    /// CIBA ping mode: the client notification endpoint, listening since
    /// the backchannel authentication request went out (CIBA Core §10.2),
    /// until the wait for the ping takes it.
    ping_listener: Option<crate::oauth::callback::NotificationListener>,
}

impl Jobs {
    /// Jobs that wake the window `ctx` will hold when they finish.
    pub fn new(ctx: Waker) -> Self {
        let (sender, receiver) = mpsc::channel();
        Self {
            sender,
            receiver,
            ctx,
            store: None,
            net: None,
            flow_task: None,
            ping_listener: None,
        }
    }

    /// Starts listening for CIBA's ping before the backchannel
    /// authentication request goes out (a provider may ping at once); a
    /// listener of an earlier request closes. `Err`: why it cannot listen.
    pub fn listen_for_ping(
        &mut self,
        session: &crate::oauth::runner::FlowSession,
    ) -> Result<(), crate::oauth::flow::StepFailure> {
        self.ping_listener = None;
        self.ping_listener = Some(crate::oauth::runner::listen_for_ping(session)?);
        Ok(())
    }

    /// Answers `step` with a failure that happened before anything was
    /// sent, so the run records it and stops waiting.
    pub fn refuse_step(
        &self,
        step: crate::oauth::flow::Step,
        draft: &crate::net::RequestDraft,
        message: String,
    ) {
        let _ = self.sender.send(JobResult::StepAnswered {
            step,
            exchange: failed_exchange(draft, crate::net::NetError::Setup(message)),
        });
        self.ctx.request_repaint();
    }

    /// Sends a flow step's request off the UI thread.
    pub fn send_step(
        &mut self,
        profile: Profile,
        step: crate::oauth::flow::Step,
        draft: crate::net::RequestDraft,
        tls_passphrase: Option<Secret>,
    ) {
        let sender = self.sender.clone();
        let ctx = self.ctx.clone();
        let runtime = match self.net() {
            Ok(runtime) => runtime,
            Err(message) => {
                let _ = sender.send(JobResult::StepAnswered {
                    step,
                    exchange: failed_exchange(&draft, crate::net::NetError::Setup(message)),
                });
                return;
            }
        };
        let language = crate::i18n::language();
        let task = runtime.spawn(async move {
            // The runtime's threads are shared: set-up errors speak the window's language.
            crate::i18n::set_language(language);
            let options = crate::net::ClientOptions::for_profile(&profile, tls_passphrase);
            let exchange = match crate::net::build_client(&profile, &options) {
                Ok(client) => {
                    crate::oauth::runner::send_step_request(
                        &client, &profile, step, &draft, &options,
                    )
                    .await
                }
                Err(error) => failed_exchange(&draft, error),
            };
            let _ = sender.send(JobResult::StepAnswered { step, exchange });
            ctx.request_repaint();
        });
        self.flow_task = Some(task);
    }

    /// Verifies the tokens of the step `record` returned, with the engine
    /// `run` uses ([`crate::oauth::runner::verify_pending`]): the provider's
    /// keys fetched with the profile's network settings.
    pub fn verify_answer(
        &mut self,
        profile: Profile,
        pending: crate::oauth::verification::AnswerVerification,
        tls_passphrase: Option<Secret>,
        record: (crate::oauth::flow::Step, crate::token::Timestamp),
    ) {
        let sender = self.sender.clone();
        let ctx = self.ctx.clone();
        let runtime = match self.net() {
            Ok(runtime) => runtime,
            Err(message) => {
                let _ = sender.send(JobResult::AnswerVerified {
                    record,
                    report: Err(message),
                });
                return;
            }
        };
        let language = crate::i18n::language();
        runtime.spawn(async move {
            crate::i18n::set_language(language);
            let options = crate::net::ClientOptions::for_profile(&profile, tls_passphrase);
            let report = match crate::net::build_client(&profile, &options) {
                Ok(client) => {
                    crate::oauth::runner::verify_pending(pending, client, profile, options).await
                }
                Err(error) => Err(error.to_string()),
            };
            let _ = sender.send(JobResult::AnswerVerified { record, report });
            ctx.request_repaint();
        });
    }

    /// Asks for a key file (JWKS, PEM, certificate, PKCS#12) and reads it,
    /// off the UI thread; the model reads the keys in it (and asks for a
    /// PKCS#12 container's passphrase).
    pub fn pick_keys_file(&self) {
        self.spawn("open-keys", || {
            let path = rfd::FileDialog::new()
                .set_title(crate::tr!("dialog-load-keys"))
                .pick_file()?;
            let label = path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            Some(JobResult::KeyFileRead {
                bytes: std::fs::read(&path).map_err(|e| {
                    crate::tr!(
                        "file-could-not-read",
                        path = path.display().to_string(),
                        error = e.to_string()
                    )
                }),
                label,
            })
        });
    }

    /// Asks for a certificate, key or PKCS#12 file, off the UI thread.
    pub fn pick_tls_file(&self, file: crate::model::TlsFile) {
        use crate::model::TlsFile;
        self.spawn("open-tls-file", move || {
            let (title, filter, extensions): (_, _, &[&str]) = match file {
                TlsFile::CaCertificate => (
                    crate::tr!("dialog-ca-certificate"),
                    crate::tr!("dialog-filter-pem-certificates"),
                    &["pem", "crt", "cer"],
                ),
                TlsFile::ClientCertificate => (
                    crate::tr!("dialog-client-certificate"),
                    crate::tr!("dialog-filter-pem-certificates"),
                    &["pem", "crt", "cer"],
                ),
                TlsFile::ClientKey => (
                    crate::tr!("dialog-client-key"),
                    crate::tr!("dialog-filter-pem-keys"),
                    &["pem", "key"],
                ),
                TlsFile::Pkcs12 => (
                    crate::tr!("dialog-pkcs12"),
                    "PKCS#12".to_owned(),
                    &["p12", "pfx"],
                ),
            };
            let path = rfd::FileDialog::new()
                .set_title(title)
                .add_filter(filter, extensions)
                .add_filter(crate::tr!("dialog-filter-all"), &["*"])
                .pick_file()?;
            Some(JobResult::TlsFilePicked { file, path })
        });
    }

    /// Asks where to save (off the UI thread) and writes `contents`.
    pub fn save_file(&self, name: String, contents: Vec<u8>) {
        self.spawn("save-file", move || {
            let path = rfd::FileDialog::new()
                .set_title(crate::tr!("dialog-save"))
                .set_file_name(&name)
                .save_file()?;
            Some(JobResult::Saved(
                std::fs::write(&path, contents)
                    .map(|()| path.clone())
                    .map_err(|e| {
                        crate::tr!(
                            "file-could-not-write",
                            path = path.display().to_string(),
                            error = e.to_string()
                        )
                    }),
            ))
        });
    }

    /// Fetches the profile's JWKS off the UI thread.
    pub fn fetch_jwks(&mut self, profile: Profile, tls_passphrase: Option<Secret>) {
        let label = crate::tr!("keys-jwks-of", name = profile.name.as_str());
        self.fetch_jwks_then(profile, tls_passphrase, move |result| {
            JobResult::KeysLoaded { label, result }
        });
    }

    /// Fetches the provider's keys for a JWT-secured authorization response
    /// (JARM) of the run.
    pub fn jarm_keys(
        &mut self,
        profile: Profile,
        params: Box<crate::oauth::callback::CallbackParams>,
        tls_passphrase: Option<Secret>,
    ) {
        self.fetch_jwks_then(profile, tls_passphrase, move |jwks| JobResult::JarmKeys {
            params,
            jwks,
        });
    }

    /// Fetches the provider's keys for a JWT introspection answer (RFC 9701)
    /// of the run.
    pub fn introspection_keys(
        &mut self,
        profile: Profile,
        exchange: Box<crate::net::Exchange>,
        tls_passphrase: Option<Secret>,
    ) {
        self.fetch_jwks_then(profile, tls_passphrase, move |jwks| {
            JobResult::IntrospectionKeys { exchange, jwks }
        });
    }

    /// Fetches an SD-JWT VC issuer's keys off the UI thread: its JWT VC
    /// Issuer Metadata, then the `jwks_uri` it names, each GET by the one
    /// JWKS fetch with the default network settings (the issuer is no
    /// profile's) and its answer limit and timeouts.
    pub fn fetch_issuer_keys(&mut self, iss: String) {
        let handle = match self.net() {
            Ok(runtime) => runtime.handle(),
            Err(message) => {
                let _ = self.sender.send(JobResult::IssuerKeys(Box::new(
                    crate::token::sd_jwt_vc::IssuerKeys {
                        iss,
                        metadata_url: None,
                        jwks_uri: None,
                        jwks: Err(message),
                    },
                )));
                return;
            }
        };
        self.spawn("issuer-keys", move || {
            let language = crate::i18n::language();
            let profile = Profile::default();
            let options = crate::net::ClientOptions::for_profile(&profile, None);
            let client = crate::net::build_client(&profile, &options);
            let mut get = |url: &str| match &client {
                Ok(client) => handle.block_on(crate::oauth::verification::fetch_jwks_body(
                    client, &profile, url, &options, language,
                )),
                Err(error) => Err(error.to_string()),
            };
            let keys = crate::token::sd_jwt_vc::resolve_issuer_keys(&iss, &mut get);
            Some(JobResult::IssuerKeys(Box::new(keys)))
        });
    }

    /// The one JWKS fetch of the window's jobs: the profile's `jwks_uri`
    /// with its network settings; `land` makes the result.
    fn fetch_jwks_then(
        &mut self,
        profile: Profile,
        tls_passphrase: Option<Secret>,
        land: impl FnOnce(Result<String, String>) -> JobResult + Send + 'static,
    ) {
        let sender = self.sender.clone();
        let ctx = self.ctx.clone();
        let language = crate::i18n::language();
        let runtime = match self.net() {
            Ok(runtime) => runtime,
            Err(message) => {
                let _ = sender.send(land(Err(message)));
                return;
            }
        };
        runtime.spawn(async move {
            // The runtime's threads are shared: speak the window's language.
            crate::i18n::set_language(language);
            let url = profile.endpoints.jwks.trim().to_owned();
            let result = if url.is_empty() {
                Err(crate::tr!("keys-no-jwks-uri", name = profile.name.as_str()))
            } else {
                let options = crate::net::ClientOptions::for_profile(&profile, tls_passphrase);
                match crate::net::build_client(&profile, &options) {
                    Ok(client) => {
                        crate::oauth::verification::fetch_jwks_body(
                            &client, &profile, &url, &options, language,
                        )
                        .await
                    }
                    Err(error) => Err(error.to_string()),
                }
            };
            let _ = sender.send(land(result));
            ctx.request_repaint();
        });
    }

    /// Reads the client's private key file (`private_key_jwt`) off the UI thread.
    pub fn load_client_key(&self, path: String) {
        self.spawn("read-client-key", move || {
            Some(JobResult::ClientKeyLoaded(
                crate::oauth::assertion::read_key_file(&path).map_err(|e| e.to_string()),
            ))
        });
    }

    /// Reads the profile's decryption key file off the UI thread, with the
    /// one loader of `decode --key` and `run --decryption-key`. On the store
    /// thread, where the secret store is: a PKCS#12 file opens with the
    /// passphrase stored for the profile, read after any save queued
    /// before; without a config directory, with none.
    pub fn load_decryption_key(&self, id: ProfileId, path: String) {
        if self.store.is_some() {
            self.store_task(StoreTask::LoadDecryptionKey { id, path });
        } else {
            self.spawn("read-decryption-key", move || {
                Some(read_decryption_key(None, &id, &path))
            });
        }
    }

    /// Reads an extension grant's secret values from the secret store.
    pub fn load_extension_secrets(&self, id: ProfileId, fields: Vec<String>) {
        self.store_task(StoreTask::LoadNamed(id, fields));
    }

    /// Stores a named secret of a profile.
    pub fn store_named_secret(&self, id: ProfileId, name: String, secret: Secret) {
        self.store_task(StoreTask::StoreSecret(id, name, secret));
    }

    /// Polls the token endpoint for a device's tokens (RFC 8628 §3.4) on the
    /// network runtime: waits the interval (grown by `slow_down`, §3.5),
    /// polls, reports each answer as a [`JobResult::StepAnswered`] and wakes
    /// the UI; stops on tokens, a failure, expiry, or [`Self::cancel_flow`].
    /// In CIBA ping mode it waits for the ping on the listener started with
    /// the backchannel request, then asks once (the engine's
    /// [`crate::oauth::runner::await_ping_then_fetch`]).
    pub fn poll_device(
        &mut self,
        polling: crate::model::DevicePolling,
        clock: crate::model::Clock,
    ) {
        use crate::oauth::runner::PollEnd;
        let step = polling.code.step();
        let ping = matches!(polling.code, crate::oauth::device::PollCode::Ciba(_))
            && polling.profile.ciba.delivery_mode == crate::oauth::ciba::DeliveryMode::Ping;
        let listener = if ping {
            let Some(listener) = self.ping_listener.take() else {
                let draft = crate::net::RequestDraft::get(&polling.profile.endpoints.token);
                self.refuse_step(step, &draft, crate::tr!("ciba-ping-not-listening"));
                return;
            };
            Some(listener)
        } else {
            None
        };
        let sender = self.sender.clone();
        let ctx = self.ctx.clone();
        let runtime = match self.net() {
            Ok(runtime) => runtime,
            Err(message) => {
                // Answer the poll with the failure, so the run stops waiting.
                let draft = crate::net::RequestDraft::get(&polling.profile.endpoints.token);
                let _ = sender.send(JobResult::StepAnswered {
                    step,
                    exchange: failed_exchange(&draft, crate::net::NetError::Setup(message)),
                });
                return;
            }
        };
        let task = runtime.spawn(async move {
            // The profile's own timeouts, answer limit and client certificate, as for every other step.
            let options = crate::net::ClientOptions::for_profile(
                &polling.profile,
                polling.tls_passphrase.clone(),
            );
            let client = match crate::net::build_client(&polling.profile, &options) {
                Ok(client) => client,
                Err(error) => {
                    let draft = crate::net::RequestDraft::get(&polling.profile.endpoints.token);
                    let _ = sender.send(JobResult::StepAnswered {
                        step,
                        exchange: failed_exchange(&draft, error),
                    });
                    ctx.request_repaint();
                    return;
                }
            };
            let schedule = polling.schedule;
            let mut target = WindowPolls {
                polling,
                sender: sender.clone(),
                ctx: ctx.clone(),
            };
            // Cancel aborts this task: the wait never says stop.
            let wait = |interval| async move {
                tokio::time::sleep(interval).await;
                true
            };
            let end = match (&listener, &target.polling.code) {
                (Some(listener), crate::oauth::device::PollCode::Ciba(auth_req_id)) => {
                    let auth_req_id = auth_req_id.clone();
                    crate::oauth::runner::await_ping_then_fetch(
                        &mut target,
                        (listener, &auth_req_id),
                        &client,
                        &options,
                        schedule,
                        || clock.now(),
                        wait,
                    )
                    .await
                }
                _ => {
                    crate::oauth::runner::poll_device_token(
                        &mut target,
                        &client,
                        &options,
                        schedule,
                        || clock.now(),
                        wait,
                    )
                    .await
                }
            };
            match end {
                PollEnd::Expired => {
                    let _ = sender.send(JobResult::DeviceCodeExpired);
                }
                PollEnd::Unsendable(failure) => {
                    let draft =
                        crate::net::RequestDraft::get(&target.polling.profile.endpoints.token);
                    let _ = sender.send(JobResult::StepAnswered {
                        step,
                        exchange: failed_exchange(
                            &draft,
                            crate::net::NetError::Setup(failure.message),
                        ),
                    });
                }
                PollEnd::Tokens | PollEnd::Refused(_) | PollEnd::Cancelled => {}
            }
            ctx.request_repaint();
        });
        self.flow_task = Some(task);
    }

    /// Aborts the flow request in flight, if any, and closes a CIBA
    /// notification endpoint still waiting to be handed to the ping's wait.
    pub fn cancel_flow(&mut self) {
        if let Some(task) = self.flow_task.take() {
            task.abort();
        }
        self.ping_listener = None;
    }

    /// The network runtime, started on first use.
    fn net(&mut self) -> Result<&crate::net::NetRuntime, String> {
        if self.net.is_none() {
            self.net = Some(
                crate::net::NetRuntime::new()
                    .map_err(|e| crate::tr!("net-thread-failed", error = e.to_string()))?,
            );
        }
        self.net
            .as_ref()
            .ok_or_else(|| "no network runtime".to_owned())
    }

    /// Starts the sandbox provider on a named thread (key generation takes a
    /// moment): on `config.port`, or on any free port when that one is taken.
    pub fn start_sandbox(
        &mut self,
        config: crate::sandbox::SandboxConfig,
        clock: crate::sandbox::SandboxClock,
    ) {
        let handle = match self.net() {
            Ok(runtime) => runtime.handle(),
            Err(message) => {
                let _ = self.sender.send(JobResult::SandboxStarted(Err(message)));
                return;
            }
        };
        self.spawn("sandbox-start", move || {
            use crate::sandbox::{Sandbox, SandboxConfig, SandboxError};
            let started =
                match Sandbox::start(&handle, config.clone(), std::sync::Arc::clone(&clock)) {
                    Err(SandboxError::Bind { .. }) => {
                        Sandbox::start(&handle, SandboxConfig { port: 0, ..config }, clock)
                    }
                    other => other,
                };
            Some(JobResult::SandboxStarted(started.map_err(|e| match e {
                SandboxError::Bind { port, source } => crate::tr!(
                    "sandbox-cannot-listen",
                    port = port,
                    error = source.to_string()
                ),
                SandboxError::KeyFile { path, source } => crate::tr!(
                    "sandbox-cannot-write-key",
                    path = path,
                    error = source.to_string()
                ),
                other @ (SandboxError::Keys(_) | SandboxError::PingEndpoint(_)) => {
                    other.to_string()
                }
            })))
        });
    }

    /// Rotates the sandbox's keys on a named thread.
    pub fn rotate_sandbox_keys(&self, controls: crate::sandbox::SandboxControls) {
        self.spawn("sandbox-rotate", move || {
            Some(JobResult::SandboxRotated(
                controls.rotate_keys().map_err(|e| e.to_string()),
            ))
        });
    }

    /// Fetches the profile's metadata off the UI thread.
    pub fn discover(&mut self, profile: Profile, tls_passphrase: Option<Secret>) {
        let sender = self.sender.clone();
        let ctx = self.ctx.clone();
        let id = profile.id.clone();
        let runtime = match self.net() {
            Ok(runtime) => runtime,
            Err(message) => {
                let _ = sender.send(JobResult::Discovered {
                    id,
                    result: Err(message),
                });
                return;
            }
        };
        let language = crate::i18n::language();
        runtime.spawn(async move {
            let options = crate::net::ClientOptions::for_profile(&profile, tls_passphrase);
            let result = crate::oauth::discovery::discover(&profile, &options).await;
            // The runtime's threads are shared: speak the window's language.
            crate::i18n::set_language(language);
            let result = result.map_err(|e| e.to_string());
            let _ = sender.send(JobResult::Discovered { id, result });
            ctx.request_repaint();
        });
    }

    /// Starts the store thread and opens the profiles in `dir`.
    pub fn open_store(&mut self, dir: PathBuf, preference: SecretPreference) {
        let (tasks, inbox) = mpsc::channel();
        let results = self.sender.clone();
        let ctx = self.ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("tokenscope-store".to_owned())
            .spawn(move || store_thread(&inbox, &results, &ctx));
        match spawned {
            Ok(_) => {
                let _ = tasks.send((crate::i18n::language(), StoreTask::Open { dir, preference }));
                self.store = Some(tasks);
            }
            Err(error) => {
                let _ = self.sender.send(JobResult::StoreOpened {
                    status: StoreStatus::Unreadable {
                        message: crate::tr!("store-could-not-start", error = error.to_string()),
                    },
                    profiles: Vec::new(),
                    secrets: crate::i18n::Text::default(),
                    keychain_problem: None,
                });
            }
        }
    }

    fn store_task(&self, task: StoreTask) {
        if let Some(store) = &self.store {
            let _ = store.send((crate::i18n::language(), task));
        }
    }

    /// Saves the profiles (in order with earlier saves).
    pub fn save_profiles(&self, profiles: Vec<Profile>) {
        self.store_task(StoreTask::Save(profiles));
    }

    /// Remembers the window's preferences beside the profiles (nothing
    /// without a config directory).
    pub fn save_preferences(&self, preferences: crate::store::preferences::Preferences) {
        self.store_task(StoreTask::SavePreferences(preferences));
    }

    /// Moves an unreadable profile file aside.
    pub fn set_aside_profiles(&self, now: Timestamp) {
        self.store_task(StoreTask::SetAside(now.unix()));
    }

    /// Reads a profile's client secret and PKCS#12 passphrases.
    pub fn load_secret(&self, id: &ProfileId) {
        self.store_task(StoreTask::LoadSecret(id.clone()));
        for which in crate::model::Passphrase::ALL {
            self.store_task(StoreTask::LoadPassphrase(id.clone(), which));
        }
    }

    /// Stores one of a profile's secrets (`name` from [`names`]).
    pub fn store_secret(&self, id: ProfileId, name: &'static str, secret: Secret) {
        self.store_task(StoreTask::StoreSecret(id, name.to_owned(), secret));
    }

    /// Deletes a profile's secrets (`names`: [`names::all_for`]).
    pub fn delete_secrets(&self, id: ProfileId, names: Vec<String>) {
        self.store_task(StoreTask::DeleteSecrets(id, names));
    }

    /// Asks for a file (off the UI thread) and imports its profiles into `current`.
    pub fn import_profiles(&self, current: Vec<Profile>) {
        let Some(store) = self.store.clone() else {
            return;
        };
        self.spawn("import-profiles", move || {
            let path = rfd::FileDialog::new()
                .set_title(crate::tr!("dialog-import-profiles"))
                .add_filter(crate::tr!("dialog-filter-profiles"), &["json"])
                .pick_file()?;
            match std::fs::read_to_string(&path) {
                Ok(text) => {
                    let _ =
                        store.send((crate::i18n::language(), StoreTask::Import { text, current }));
                    None
                }
                Err(error) => Some(JobResult::Exported(Err(crate::tr!(
                    "file-could-not-read",
                    path = path.display().to_string(),
                    error = error.to_string()
                )))),
            }
        });
    }

    /// Asks where to save (off the UI thread) and exports `profiles`.
    pub fn export_profiles(&self, profiles: Vec<Profile>, with_secrets: bool) {
        let Some(store) = self.store.clone() else {
            return;
        };
        self.spawn("export-profiles", move || {
            let path = rfd::FileDialog::new()
                .set_title(crate::tr!("dialog-export-profiles"))
                .set_file_name("tokenscope-profiles.json")
                .save_file()?;
            let _ = store.send((
                crate::i18n::language(),
                StoreTask::Export {
                    path,
                    profiles,
                    with_secrets,
                },
            ));
            None
        });
    }

    /// Results that have arrived since the last call.
    pub fn drain(&self) -> Vec<JobResult> {
        self.receiver.try_iter().collect()
    }

    /// Inspects `text` on a background thread.
    pub fn inspect(
        &self,
        inspector: super::Inspector,
        generation: u64,
        text: String,
        pasted_at: Timestamp,
    ) {
        self.spawn("inspect", move || {
            Some(JobResult::Inspected {
                generation,
                inspection: crate::model::catching(
                    crate::model::GuardedWork::Inspection,
                    Some(&text),
                    || inspector(&text, pasted_at),
                ),
            })
        });
    }

    /// Reads a file on a background thread.
    pub fn read_file(&self, path: PathBuf) {
        self.spawn("read-file", move || Some(read_text_file(&path)));
    }

    /// Shows the file dialog and reads the chosen file, off the UI thread.
    pub fn pick_and_read_file(&self) {
        self.spawn("open-file", || {
            let path = rfd::FileDialog::new()
                .set_title(crate::tr!("dialog-open-tokens"))
                .pick_file()?;
            Some(read_text_file(&path))
        });
    }

    fn spawn(&self, name: &str, work: impl FnOnce() -> Option<JobResult> + Send + 'static) {
        let sender = self.sender.clone();
        let ctx = self.ctx.clone();
        // Messages written in the background speak the window's language.
        let language = crate::i18n::language();
        let spawned = std::thread::Builder::new()
            .name(format!("tokenscope-{name}"))
            .spawn(move || {
                crate::i18n::set_language(language);
                if let Some(result) = work() {
                    // The receiver only goes away when the app closes.
                    let _ = sender.send(result);
                }
                ctx.request_repaint();
            });
        if let Err(error) = spawned {
            let _ = self.sender.send(JobResult::FileFailed(crate::tr!(
                "jobs-could-not-start",
                error = error.to_string()
            )));
        }
    }
}

/// Saves the Sandbox profile (and its public sandbox secret) into a fresh
/// config directory; `None` when it could not be saved (the list stays empty).
fn seed_sandbox_profile(
    store: &ProfileStore,
    secrets: Option<&SecretStore>,
) -> Option<Vec<Profile>> {
    let profile = crate::sandbox::first_launch_profile();
    let list = vec![profile.clone()];
    store.save(&list).ok()?;
    if let (Some(secrets), Some(secret)) = (secrets, crate::sandbox::client_secret_of(&profile)) {
        // Without the stored secret the flow still gets the sandbox's own (see the app's sandbox glue).
        let _ = secrets.set(&profile.id, names::CLIENT_SECRET, &secret);
    }
    Some(list)
}

fn store_thread(
    inbox: &mpsc::Receiver<(Language, StoreTask)>,
    results: &mpsc::Sender<JobResult>,
    ctx: &Waker,
) {
    let mut stores = Stores::default();
    for (language, task) in inbox {
        // Each task speaks the language of the window that sent it.
        crate::i18n::set_language(language);
        let Some(result) = stores.handle(task) else {
            continue;
        };
        if results.send(result).is_err() {
            return;
        }
        ctx.request_repaint();
    }
}

/// What the store thread owns.
#[derive(Default)]
struct Stores {
    profiles: Option<ProfileStore>,
    secrets: Option<SecretStore>,
}

impl Stores {
    fn open(
        profiles: &mut Option<ProfileStore>,
        secrets: &mut Option<SecretStore>,
        dir: &Path,
        preference: SecretPreference,
    ) -> JobResult {
        let store = ProfileStore::new(dir);
        // An empty config directory: a first launch, which starts with the Sandbox profile.
        let first_launch = !dir.join(crate::store::profiles::FILE_NAME).exists();
        let (status, list) = match store.load() {
            Ok(loaded) => {
                let remark = if loaded.from_backup {
                    Some(crate::tr!("store-read-backup"))
                } else {
                    loaded
                        .migrated_from
                        .map(|v| crate::tr!("store-migrated", version = v))
                };
                (
                    StoreStatus::Ready {
                        path: store.path(),
                        remark,
                    },
                    loaded.profiles,
                )
            }
            Err(error) => (
                StoreStatus::Unreadable {
                    message: error.to_string(),
                },
                Vec::new(),
            ),
        };
        let (description, keychain_problem) = match SecretStore::open(dir, preference) {
            Ok(opened) => {
                let text = opened.describe();
                let problem = opened.keychain_problem().map(str::to_owned);
                *secrets = Some(opened);
                (text, problem)
            }
            Err(error) => (
                crate::text!("secrets-unavailable", error = error.to_string()),
                None,
            ),
        };
        let mut list = if first_launch && list.is_empty() {
            seed_sandbox_profile(&store, secrets.as_ref()).unwrap_or(list)
        } else {
            list
        };
        let status = match (status, secrets.as_ref()) {
            (StoreStatus::Ready { path, remark }, Some(secrets)) => {
                let problem = keep_values_in_store(&store, secrets, &mut list);
                StoreStatus::Ready {
                    path,
                    remark: problem.or(remark),
                }
            }
            (status, _) => status,
        };
        *profiles = Some(store);
        JobResult::StoreOpened {
            status,
            profiles: list,
            secrets: description,
            keychain_problem,
        }
    }

    fn handle(&mut self, task: StoreTask) -> Option<JobResult> {
        let Self { profiles, secrets } = self;
        Some(match task {
            StoreTask::Open { dir, preference } => Self::open(profiles, secrets, &dir, preference),
            StoreTask::Save(list) => JobResult::ProfilesSaved(match &profiles {
                Some(store) => store.save(&list).map_err(|e| e.to_string()),
                None => Err(crate::tr!("store-not-open")),
            }),
            StoreTask::SavePreferences(preferences) => {
                let dir = profiles.as_ref()?.dir().to_path_buf();
                let saved = crate::store::preferences::save(&dir, &preferences);
                return saved.err().map(|error| {
                    JobResult::FileFailed(crate::tr!(
                        "preferences-not-saved",
                        error = error.to_string()
                    ))
                });
            }
            StoreTask::SetAside(now) => JobResult::SetAside(match &profiles {
                Some(store) => store.set_aside(now).map_err(|e| e.to_string()),
                None => Err(crate::tr!("store-not-open")),
            }),
            StoreTask::LoadSecret(id) => {
                let secret = match &secrets {
                    Some(store) => store
                        .get(&id, names::CLIENT_SECRET)
                        .map_err(|e| e.to_string()),
                    None => Ok(None),
                };
                JobResult::SecretLoaded { id, secret }
            }
            StoreTask::LoadPassphrase(id, which) => {
                let passphrase = match &secrets {
                    Some(store) => store
                        .get(&id, which.store_name())
                        .map_err(|e| e.to_string()),
                    None => Ok(None),
                };
                JobResult::PassphraseLoaded {
                    id,
                    which,
                    passphrase,
                }
            }
            StoreTask::LoadDecryptionKey { id, path } => {
                read_decryption_key(secrets.as_ref(), &id, &path)
            }
            StoreTask::LoadNamed(id, fields) => {
                let values = secrets.as_ref().map_or_else(Vec::new, |store| {
                    fields
                        .into_iter()
                        .filter_map(|name| {
                            let key = crate::oauth::ExtensionField {
                                name: name.clone(),
                                ..crate::oauth::ExtensionField::default()
                            }
                            .secret_name();
                            store.get(&id, &key).ok().flatten().map(|v| (name, v))
                        })
                        .collect()
                });
                JobResult::ExtensionSecretsLoaded { id, values }
            }
            StoreTask::StoreSecret(id, name, secret) => match &secrets {
                Some(store) => match store.set(&id, &name, &secret) {
                    Ok(()) => return None,
                    Err(error) => JobResult::SecretFailed(crate::tr!(
                        "secret-not-saved",
                        what = secret_title(&name),
                        error = error.to_string()
                    )),
                },
                None => return None,
            },
            StoreTask::Import { text, current } => import(&text, current, secrets.as_ref()),
            StoreTask::Export {
                path,
                profiles,
                with_secrets,
            } => export(path, &profiles, secrets.as_ref().filter(|_| with_secrets)),
            StoreTask::DeleteSecrets(id, names) => match &secrets {
                Some(store) => match names.iter().try_for_each(|name| store.delete(&id, name)) {
                    Ok(()) => return None,
                    Err(error) => JobResult::SecretFailed(crate::tr!(
                        "secret-not-deleted",
                        error = error.to_string()
                    )),
                },
                None => return None,
            },
        })
    }
}

/// Fills the values the profiles keep in the secret store (proxy password,
/// secret headers and parameters) into `list`. One still in the profile
/// file (an older file's proxy password) is moved into the store and the
/// file written again without it. Returns what went wrong, for the remark.
fn keep_values_in_store(
    store: &ProfileStore,
    secrets: &SecretStore,
    list: &mut [Profile],
) -> Option<String> {
    let mut moved = false;
    let mut problem = None;
    for profile in list.iter_mut() {
        for (name, value) in profile.stored_values() {
            if value.is_empty() {
                continue;
            }
            match secrets.set(&profile.id, &name, &Secret::new(value)) {
                Ok(()) => moved = true,
                Err(error) => problem = Some(error.to_string()),
            }
        }
        if let Err(error) = secrets.fill_stored_values(profile) {
            problem = Some(error.to_string());
        }
    }
    // Only once every value is safe in the store may the file lose it.
    if moved
        && problem.is_none()
        && let Err(error) = store.save(list)
    {
        problem = Some(error.to_string());
    }
    problem.map(|error| crate::tr!("store-values-unreadable", error = error))
}

/// Imports the profiles of an export file into `current`.
fn import(text: &str, mut current: Vec<Profile>, secrets: Option<&SecretStore>) -> JobResult {
    match crate::store::transfer::import(text, &mut current, secrets) {
        Ok(report) => {
            let mut lines = vec![crate::tr!(
                "import-report",
                added = report.added.len(),
                replaced = report.replaced.len()
            )];
            lines.extend(report.problems);
            JobResult::Imported {
                profiles: current,
                report: lines.join("\n"),
            }
        }
        Err(message) => JobResult::Exported(Err(crate::tr!(
            "import-nothing",
            message = message.as_str()
        ))),
    }
}

/// Writes `profiles` (with the secrets of `secrets`, if given) to `path`.
fn export(path: PathBuf, profiles: &[Profile], secrets: Option<&SecretStore>) -> JobResult {
    let refs: Vec<&Profile> = profiles.iter().collect();
    JobResult::Exported(
        crate::store::transfer::export(&refs, secrets)
            .and_then(|text| {
                crate::store::transfer::write_export(&path, &text, secrets.is_some()).map_err(|e| {
                    crate::tr!(
                        "file-could-not-write",
                        path = path.display().to_string(),
                        error = e.to_string()
                    )
                })
            })
            .map(|()| path),
    )
}

/// Reads a run's decryption key file with the one loader of `run`, a
/// PKCS#12 file opened with the passphrase `secrets` keep for profile `id`.
fn read_decryption_key(secrets: Option<&SecretStore>, id: &ProfileId, path: &str) -> JobResult {
    let passphrase = match secrets.map(|store| store.get(id, names::DECRYPTION_KEY_PASSPHRASE)) {
        Some(Ok(passphrase)) => passphrase,
        None => None,
        Some(Err(error)) => return JobResult::DecryptionKeyLoaded(Err(error.to_string())),
    };
    JobResult::DecryptionKeyLoaded(crate::oauth::runner::read_decryption_key(
        path,
        passphrase.as_ref(),
    ))
}

fn secret_title(name: &str) -> String {
    match name {
        names::PKCS12_PASSPHRASE => crate::tr!("secret-title-passphrase"),
        names::DECRYPTION_KEY_PASSPHRASE => crate::tr!("secret-title-decryption-passphrase"),
        names::CLIENT_SECRET => crate::tr!("secret-title-client-secret"),
        other => crate::tr!(
            "secret-title-field",
            name = other.strip_prefix("extension:").unwrap_or(other)
        ),
    }
}

/// The window's side of device polling: each poll's answer goes to the UI
/// thread, where the run's session records it (the same
/// `FlowSession::device_polled` as `run`).
struct WindowPolls {
    polling: crate::model::DevicePolling,
    sender: mpsc::Sender<JobResult>,
    ctx: Waker,
}

impl crate::oauth::runner::DevicePollTarget for WindowPolls {
    fn poll_request(
        &self,
        now: Timestamp,
    ) -> Result<crate::net::RequestDraft, crate::oauth::flow::StepFailure> {
        let credentials = crate::oauth::flow::Credentials {
            secret: self.polling.secret.as_ref(),
            private_key: self.polling.private_key.as_ref(),
            now,
        };
        self.polling
            .code
            .token_request(&self.polling.profile, credentials)
    }

    fn pinged(&mut self, _now: Timestamp) {
        let _ = self.sender.send(JobResult::CibaPinged);
        self.ctx.request_repaint();
    }

    fn polled(
        &mut self,
        exchange: crate::net::Exchange,
        _now: Timestamp,
    ) -> crate::oauth::device::PollOutcome {
        let outcome = crate::oauth::device::poll_outcome(&exchange);
        let _ = self.sender.send(JobResult::StepAnswered {
            step: self.polling.code.step(),
            exchange,
        });
        self.ctx.request_repaint();
        outcome
    }
}

fn failed_exchange(
    draft: &crate::net::RequestDraft,
    error: crate::net::NetError,
) -> crate::net::Exchange {
    crate::net::Exchange {
        request: crate::net::RecordedRequest {
            method: draft.method.clone(),
            url: draft.url.clone(),
            headers: draft.headers.clone(),
            body: draft.body.clone(),
        },
        response: Err(error),
        duration: std::time::Duration::ZERO,
    }
}

/// Reads a file as text, saying so when bytes had to be replaced.
pub fn read_text_file(path: &Path) -> JobResult {
    let source = path.display().to_string();
    let fail = |what: String| {
        JobResult::FileFailed(crate::tr!(
            "file-could-not-read",
            path = source.as_str(),
            error = what
        ))
    };
    match std::fs::metadata(path) {
        Ok(meta) if meta.len() > MAX_FILE_BYTES => {
            return fail(crate::tr!(
                "file-too-big",
                size = meta.len() / 1_048_576,
                max = MAX_FILE_BYTES / 1_048_576
            ));
        }
        Ok(meta) if meta.is_dir() => return fail(crate::tr!("file-is-folder")),
        Ok(_) => {}
        Err(error) => return fail(error.to_string()),
    }
    match std::fs::read(path) {
        Ok(bytes) => {
            let (text, notice) = text_from_bytes(bytes);
            JobResult::FileRead {
                source,
                text,
                notice,
            }
        }
        Err(error) => fail(error.to_string()),
    }
}

/// Bytes as text ([`crate::token::extract::lossy_text`]), with a notice
/// when some were not UTF-8.
pub fn text_from_bytes(bytes: Vec<u8>) -> (String, Option<Notice>) {
    let (text, replaced) = crate::token::extract::lossy_text(bytes);
    let notice = (replaced > 0).then(|| Notice {
        text: crate::tr!("file-not-utf8", count = replaced),
        is_error: false,
    });
    (text, notice)
}

#[cfg(test)]
mod tests {
    use crate::i18n::{Args, Language, translate};

    fn import_report(language: Language, added: i64, replaced: i64) -> String {
        let mut args = Args::new();
        args.set("added", added);
        args.set("replaced", replaced);
        translate(language, "import-report", Some(&args))
    }

    /// The import report counts with each language's plural forms.
    #[test]
    fn import_reports_use_plural_forms() {
        assert_eq!(
            import_report(Language::En, 2, 1),
            "Imported 2 new and 1 replaced profile."
        );
        assert_eq!(
            import_report(Language::Ru, 1, 2),
            "Импортировано: 1 новый профиль, 2 заменены."
        );
        assert_eq!(
            import_report(Language::Ru, 5, 21),
            "Импортировано: 5 новых профилей, 21 заменён."
        );
    }

    /// A file that is not UTF-8 is reported in the thread's language.
    #[test]
    fn the_utf8_notice_follows_the_thread_language() {
        crate::i18n::set_language(Language::Ru);
        let (_, notice) = super::text_from_bytes(vec![b'a', 0xff, b'b', 0xfe]);
        crate::i18n::set_language(Language::En);
        let notice = notice.map(|n| n.text).unwrap_or_default();
        assert!(
            notice
                .starts_with("Это не текст UTF-8: 2 нечитаемые последовательности байтов заменены"),
            "{notice}"
        );
    }
}
