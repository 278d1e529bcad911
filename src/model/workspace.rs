//! The workspace: everything the inspector shows, as plain data, and the
//! one function that changes it.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use crate::oauth::{Profile, ProfileId};
use crate::secret::Secret;
use crate::token::time::Zone;

use super::flow::{FlowCommand, FlowState};
use super::profiles::{ProfileCommand, ProfilesState};
use crate::paste::Inspection;
use crate::token::Timestamp;

/// The colour scheme the user picked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ThemeChoice {
    /// Follow the system.
    #[default]
    System,
    /// Light.
    Light,
    /// Dark.
    Dark,
}

/// Which view of the selected token is on screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DetailView {
    /// The claims table.
    #[default]
    Claims,
    /// The header parameters.
    Header,
    /// The decoded JSON, raw or pretty.
    Json,
    /// The token itself, segment by segment.
    Token,
    /// The relying-party checks.
    Checks,
    /// The verification keys.
    Keys,
    /// Side by side with another token, differences highlighted.
    Compare,
}

/// Something the user asked for. The UI only ever emits these; [`Workspace::apply`]
/// is where they take effect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// The paste box changed: inspect its text.
    Inspect(String),
    /// Show the file dialog and load the chosen file.
    OpenFileDialog,
    /// Load this file (dropped on the window).
    LoadFile(PathBuf),
    /// Empty the paste box.
    Clear,
    /// Show the token at this index.
    Select(usize),
    /// Switch the view of the selected token.
    ShowView(DetailView),
    /// Show decoded JSON pretty-printed (`true`) or as the raw segments (`false`).
    SetPretty(bool),
    /// Expand or collapse a node of the claims tree.
    ToggleCollapsed(String),
    /// Put text on the clipboard.
    Copy(String),
    /// Switch colour scheme.
    SetTheme(ThemeChoice),
    /// Show instants in local time or UTC.
    SetZone(Zone),
    /// Speak another language, from the next frame on.
    SetLanguage(crate::i18n::Language),
    /// Change the profiles.
    Profile(ProfileCommand),
    /// Drive the flow run.
    Flow(FlowCommand),
    /// Show the profile editor (`false`) or the flow runner (`true`) for the selected profile.
    ShowFlow(bool),
    /// Read verification keys from a file the user picks (JWKS, PEM, certificate).
    LoadKeysFile,
    /// Fetch this profile's JWKS.
    FetchJwks(ProfileId),
    /// Fetch the keys of the SD-JWT VC issuer `iss` from its JWT VC Issuer
    /// Metadata (draft-ietf-oauth-sd-jwt-vc-14 §5): only when the user asks.
    FetchIssuerKeys(String),
    /// Use this text as an HMAC key.
    AddHmacKey(Secret),
    /// Open the PKCS#12 key file that waits for its passphrase with this one.
    UnlockKeyFile(Secret),
    /// Leave the PKCS#12 key file that waits for its passphrase unopened.
    CancelKeyPassphrase,
    /// Forget all verification keys.
    ClearKeys,
    /// Check tokens against this profile's issuer and client id.
    SetCheckProfile(Option<ProfileId>),
    /// Clock-skew tolerance for the checks, in seconds.
    SetLeeway(i64),
    /// Decrypt JWEs whose key is `RSA1_5`-encrypted too (RFC 8725 §3.2).
    AllowRsa15(bool),
    /// The token to compare the selected one with.
    CompareWith(usize),
    /// Show or hide the session timeline.
    ToggleTimeline,
    /// Open one exchange of the timeline.
    OpenTimelineEntry(usize),
    /// Turn presenter mode on or off.
    TogglePresenter,
    /// Presenter mode's zoom, in percent (the zoom stops following the window).
    SetPresenterScale(u16),
    /// Presenter mode's zoom follows the window again.
    FitPresenter,
    /// The window's size in points at zoom 1, for presenter mode's fitting zoom.
    WindowSize(u16, u16),
    /// The flow step the narration and the diagram are on (`None`: the next one).
    FocusStep(Option<crate::oauth::flow::Step>),
    /// Drive the built-in sandbox provider.
    Sandbox(super::sandbox::SandboxCommand),
    /// Stop autoplay: the presenter takes back control.
    StopAutoplay,
    /// Save a request's or an answer's body, as it was sent or received, to a file the user picks.
    SaveBody {
        /// Suggested file name.
        name: String,
        /// The bytes.
        body: Vec<u8>,
    },
}

/// Presenter mode: large text for a projector, secrets masked on screen.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Presenter {
    /// Whether it is on.
    pub on: bool,
    /// Zoom factor while on: 2 makes egui's 13 px body text 26 px.
    pub scale: f32,
    /// Whether the zoom follows the window's size ([`Presenter::fitting`])
    /// rather than the presenter's A-/A+.
    pub fit: bool,
}

impl Default for Presenter {
    fn default() -> Self {
        Self {
            on: false,
            scale: 2.0,
            fit: true,
        }
    }
}

/// The window presenter mode is laid out for, in points at zoom 1: the
/// zoom that fits it into the window shows the same screen in any room.
pub const PRESENTER_STAGE: (f32, f32) = (853.0, 480.0);

impl Presenter {
    /// The zoom that fits [`PRESENTER_STAGE`] into a window of `width` ×
    /// `height` points at zoom 1, in steps of 5 % from 100 % to 300 %:
    /// 1280×720 (a projector) 150 %, 1366×768 160 %, 1920×1080 225 %.
    pub fn fitting(width: f32, height: f32) -> f32 {
        if !(width > 0.0 && height > 0.0) {
            return 1.0;
        }
        let fit = (width / PRESENTER_STAGE.0).min(height / PRESENTER_STAGE.1);
        ((fit * 20.0).floor() / 20.0).clamp(1.0, 3.0)
    }
}

/// Keys and expectations for verifying the inspector's tokens.
#[derive(Debug)]
pub struct Verification {
    /// Every key loaded so far.
    pub keys: crate::token::keys::KeySet,
    /// Each token's signature outcome (`None`: opaque or undecodable).
    pub signatures: Vec<Option<crate::token::verify::SignatureOutcome>>,
    /// Each JWE opened with the decryption keys (`None`: not a JWE, or no
    /// decryption key loaded), computed with the signatures.
    pub openings: Vec<Option<crate::token::assess::Opening>>,
    /// Decrypt `RSA1_5` key encryption too (RFC 8725 §3.2): off unless ticked.
    pub allow_rsa1_5: bool,
    /// The profile whose issuer and client id the checks expect.
    pub check_profile: Option<ProfileId>,
    /// Clock-skew tolerance, seconds.
    pub leeway: i64,
    /// A JWKS fetch is under way.
    pub fetching: bool,
    /// The profile whose JWKS the keys came from, and whether it was fetched again for an unknown kid.
    pub jwks_from: Option<(ProfileId, bool)>,
    /// What the last key load said.
    pub message: Option<String>,
    /// A PKCS#12 key file waiting for its passphrase.
    pub key_passphrase: Option<super::key_passphrase::KeyPassphrasePrompt>,
    /// An SD-JWT VC issuer's keys from its metadata (or why there are
    /// none), when the user had them fetched: the `issuer_key` check row.
    pub issuer_keys: Option<Arc<crate::token::sd_jwt_vc::IssuerKeys>>,
    /// An issuer-keys fetch is under way.
    pub fetching_issuer_keys: bool,
}

impl Default for Verification {
    fn default() -> Self {
        Self {
            keys: crate::token::keys::KeySet::default(),
            signatures: Vec::new(),
            openings: Vec::new(),
            allow_rsa1_5: false,
            check_profile: None,
            leeway: crate::token::checks::DEFAULT_LEEWAY,
            fetching: false,
            jwks_from: None,
            message: None,
            key_passphrase: None,
            issuer_keys: None,
            fetching_issuer_keys: false,
        }
    }
}

/// Work the app must do outside the workspace after a command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Remember the window's preferences (when there is a config directory).
    SavePreferences(crate::store::preferences::Preferences),
    /// Inspect the paste again (its words change with the language); the
    /// app answers with [`Workspace::reinspect`].
    Reinspect,
    /// Start, stop or change the built-in sandbox provider.
    Sandbox(super::sandbox::SandboxEffect),
    /// Inspect `text`; deliver the result with [`Workspace::land`] and `generation`.
    Decode {
        /// Which paste this is, so a stale result is dropped.
        generation: u64,
        /// The text.
        text: String,
    },
    /// Ask the user for a file, then read it.
    PickFile,
    /// Read a file.
    ReadFile(PathBuf),
    /// Put text on the clipboard.
    Copy(String),
    /// Empty the paste box.
    ClearPaste,
    /// Write the profile file.
    SaveProfiles(Vec<Profile>),
    /// Move an unreadable profile file aside.
    SetAsideProfiles,
    /// Read a profile's client secret.
    LoadSecret(ProfileId),
    /// Store one of a profile's secrets (empty deletes).
    StoreSecret {
        /// The profile.
        id: ProfileId,
        /// Which secret ([`crate::store::secrets::names`]).
        name: &'static str,
        /// The secret.
        secret: Secret,
    },
    /// Delete a profile's secrets.
    DeleteSecret {
        /// The profile.
        id: ProfileId,
        /// Every name it keeps a secret under ([`crate::store::secrets::names::all_for`]).
        names: Vec<String>,
    },
    /// Fetch a profile's provider metadata.
    Discover(Box<Profile>),
    /// Ask for a TLS file (certificate, key, PKCS#12) for the profile editor.
    PickTlsFile(super::profiles::TlsFile),
    /// Import profiles into this list from a file the user picks.
    ImportProfiles(Vec<Profile>),
    /// Send a flow step's request.
    SendStep {
        /// The run's profile (network settings).
        profile: Box<Profile>,
        /// Which step.
        step: crate::oauth::flow::Step,
        /// The request.
        draft: crate::net::RequestDraft,
        /// The passphrase of the profile's PKCS#12 client certificate.
        tls_passphrase: Option<Secret>,
    },
    /// Listen for the redirect (loopback) and open the browser.
    OpenBrowser {
        /// The authorization URL.
        url: String,
        /// The redirect URI to listen on.
        redirect_uri: String,
    },
    /// Open an address in the browser (no listener), e.g. the device's
    /// verification URI; refused unless http(s).
    OpenLink(String),
    /// Stop listening for the redirect.
    StopListening,
    /// Abort what the flow has in flight.
    CancelFlowWork,
    /// Read the client's private key file (`private_key_jwt`).
    LoadClientKey {
        /// The path from the profile.
        path: String,
    },
    /// Read the profile's decryption key file (encrypted ID tokens,
    /// UserInfo answers and JARM responses), a PKCS#12 one with the
    /// passphrase the secret store keeps for the profile.
    LoadDecryptionKey {
        /// The profile, whose passphrase opens a PKCS#12 file.
        id: ProfileId,
        /// The path from the profile.
        path: String,
    },
    /// Read the extension grant's secret values from the secret store.
    LoadExtensionSecrets {
        /// The profile.
        id: ProfileId,
        /// The field names.
        names: Vec<String>,
    },
    /// Store a named secret of a profile (an extension grant's secret field).
    StoreNamedSecret {
        /// The profile.
        id: ProfileId,
        /// The secret store's name.
        name: String,
        /// The value.
        secret: Secret,
    },
    /// Poll the token endpoint for the device's tokens, off the UI thread.
    PollDevice(Box<super::flow::DevicePolling>),
    /// Add this text (a run's answers) beside the inspector's paste
    /// ([`paste_with_run_tokens`]) and inspect both.
    ShowTokens(String),
    /// Ask for a key file and read it.
    PickKeysFile,
    /// Ask where to save `contents` (suggesting `name`) and write it.
    SaveFile {
        /// Suggested file name.
        name: String,
        /// What to write.
        contents: Vec<u8>,
    },
    /// Fetch a profile's JWKS.
    FetchJwks(Box<Profile>),
    /// Fetch an SD-JWT VC issuer's keys (its JWT VC Issuer Metadata, then
    /// the `jwks_uri` it names); they land as [`super::JobResult::IssuerKeys`].
    FetchIssuerKeys(String),
    /// Fetch the provider's keys to check a JWT-secured authorization
    /// response (JARM); they land as [`super::JobResult::JarmKeys`].
    CheckJarm {
        /// The run's profile (its JWKS and network settings).
        profile: Box<Profile>,
        /// The redirect's parameters.
        params: Box<crate::oauth::callback::CallbackParams>,
        /// The passphrase of the profile's PKCS#12 client certificate.
        tls_passphrase: Option<Secret>,
    },
    /// Fetch the provider's keys to check a JWT introspection answer (RFC
    /// 9701); they land as [`super::JobResult::IntrospectionKeys`].
    CheckIntrospectionJwt {
        /// The run's profile (its JWKS and network settings).
        profile: Box<Profile>,
        /// The introspection exchange, its answer a JWT.
        exchange: Box<crate::net::Exchange>,
        /// The passphrase of the profile's PKCS#12 client certificate.
        tls_passphrase: Option<Secret>,
    },
    /// Verify the tokens a flow step returned, off the UI thread; the
    /// report lands as [`super::JobResult::AnswerVerified`].
    VerifyAnswer {
        /// The run's profile (network settings for the JWKS).
        profile: Box<Profile>,
        /// What to verify.
        pending: Box<crate::oauth::verification::AnswerVerification>,
        /// The passphrase of the profile's PKCS#12 client certificate.
        tls_passphrase: Option<Secret>,
        /// The step and when it was answered.
        record: (crate::oauth::flow::Step, Timestamp),
    },
    /// Export profiles to a file the user picks.
    ExportProfiles {
        /// The profiles.
        profiles: Vec<Profile>,
        /// Include client secrets.
        with_secrets: bool,
    },
}

/// The paste box after "Show tokens in the inspector": the run's answers
/// added after what the user pasted, never over it (their text is theirs);
/// nothing is added twice.
pub fn paste_with_run_tokens(paste: &str, tokens: &str) -> String {
    let tokens = tokens.trim_end();
    if paste.trim().is_empty() {
        return tokens.to_owned();
    }
    if tokens.is_empty() || paste.contains(tokens) {
        return paste.to_owned();
    }
    format!("{}\n\n{tokens}", paste.trim_end())
}

/// A message to the user about something that did not go as asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// What happened and what to do.
    pub text: String,
    /// Whether it is an error (rather than information).
    pub is_error: bool,
}

/// What the inspector shows.
#[derive(Debug, Default)]
pub struct Workspace {
    /// The latest finished inspection.
    pub inspection: Option<Arc<Inspection>>,
    /// The paste being inspected now, if any.
    pub pending: Option<u64>,
    /// A bug that stopped the inspection or verification of the current
    /// paste (the paste itself is kept).
    pub internal_error: Option<super::InternalError>,
    generation: u64,
    /// Index of the token on screen.
    pub selected: usize,
    /// Which view of the selected token is on screen.
    pub view: DetailView,
    /// Pretty-printed JSON (`true`) or exactly as the issuer wrote it.
    pub pretty: bool,
    /// Claims-tree nodes the user collapsed.
    pub collapsed: HashSet<String>,
    /// Where the paste came from, when it was a file.
    pub source: Option<String>,
    /// A message for the user.
    pub notice: Option<Notice>,
    /// The colour scheme.
    pub theme: ThemeChoice,
    /// The wall clock instants are shown in.
    pub zone: Zone,
    /// The language of every word on screen.
    pub language: crate::i18n::Language,
    /// Saved provider profiles.
    pub profiles: ProfilesState,
    /// The flow run, when one is going.
    pub flow: Option<FlowState>,
    /// Whether the selected profile shows the flow runner rather than the editor.
    pub show_flow: bool,
    /// Keys, signature outcomes and check expectations.
    pub verification: Verification,
    /// Presenter mode.
    pub presenter: Presenter,
    /// The flow step the narration and diagram show, when the user moved off the next one.
    pub focus_step: Option<crate::oauth::flow::Step>,
    /// The token the selected one is compared with.
    pub compare_with: Option<usize>,
    /// The steps of every run this session, in order: the newest
    /// [`MAX_TIMELINE_ENTRIES`] (fewer when their bodies pass [`MAX_TIMELINE_BYTES`]).
    pub timeline: Vec<TimelineEntry>,
    /// How many earlier steps were dropped from the timeline.
    pub timeline_dropped: usize,
    /// Whether the timeline is on screen.
    pub show_timeline: bool,
    /// The timeline entry opened.
    pub timeline_open: Option<usize>,
    /// The built-in sandbox provider's panel.
    pub sandbox: super::sandbox::SandboxState,
    /// Autoplay walking a profile's flow (`--play`), until a key is pressed.
    pub autoplay: Option<super::autoplay::Autoplay>,
    /// Why autoplay stopped by itself (its profile is not there).
    pub autoplay_problem: Option<String>,
}

/// How many steps the session timeline keeps.
pub const MAX_TIMELINE_ENTRIES: usize = 500;

/// How many body bytes the timeline's steps may hold together.
pub const MAX_TIMELINE_BYTES: usize = 256 * 1024 * 1024;

/// One step of the session timeline.
#[derive(Clone, Debug)]
pub struct TimelineEntry {
    /// The run's profile (its name, and its network settings for Copy as curl).
    pub profile: Box<Profile>,
    /// The step as it happened.
    pub record: crate::oauth::runner::StepRecord,
}

impl Workspace {
    /// A workspace showing pretty JSON and no paste.
    pub fn new() -> Self {
        Self {
            pretty: true,
            ..Self::default()
        }
    }

    /// Applies one command; returns the work it needs done outside.
    #[expect(
        clippy::too_many_lines,
        reason = "one short arm per command, or one line naming a group's handler"
    )]
    pub fn apply(&mut self, command: Command, now: Timestamp) -> Vec<Effect> {
        match command {
            Command::Inspect(text) => {
                self.source = None;
                vec![self.start_inspection(text)]
            }
            Command::OpenFileDialog => vec![Effect::PickFile],
            Command::LoadFile(path) => vec![Effect::ReadFile(path)],
            Command::Clear => {
                self.source = None;
                self.notice = None;
                vec![Effect::ClearPaste, self.start_inspection(String::new())]
            }
            Command::Select(index) => {
                self.selected = index;
                Vec::new()
            }
            Command::ShowView(view) => {
                self.view = view;
                Vec::new()
            }
            Command::SetPretty(pretty) => {
                self.pretty = pretty;
                Vec::new()
            }
            Command::ToggleCollapsed(path) => {
                if !self.collapsed.remove(&path) {
                    self.collapsed.insert(path);
                }
                Vec::new()
            }
            Command::Copy(text) => vec![Effect::Copy(text)],
            Command::SetTheme(theme) => {
                self.theme = theme;
                Vec::new()
            }
            Command::SetZone(zone) => {
                self.zone = zone;
                Vec::new()
            }
            Command::SetLanguage(language) => {
                self.language = language;
                let save = Effect::SavePreferences(crate::store::preferences::Preferences {
                    language: Some(language),
                });
                // What the inspection says in words (roles, origins, mends)
                // was written in the old language: say it again.
                if self.inspection.is_some() || self.pending.is_some() {
                    vec![save, Effect::Reinspect]
                } else {
                    vec![save]
                }
            }
            Command::Profile(command) => self.profiles.apply(command),
            Command::Flow(command) => FlowState::apply(&mut self.flow, command, now),
            Command::ShowFlow(show) => {
                self.show_flow = show;
                Vec::new()
            }
            command @ (Command::LoadKeysFile
            | Command::FetchJwks(_)
            | Command::FetchIssuerKeys(_)
            | Command::AddHmacKey(_)
            | Command::UnlockKeyFile(_)
            | Command::CancelKeyPassphrase
            | Command::ClearKeys
            | Command::SetCheckProfile(_)
            | Command::SetLeeway(_)
            | Command::AllowRsa15(_)
            | Command::CompareWith(_)
            | Command::ToggleTimeline
            | Command::OpenTimelineEntry(_)) => self.apply_inspector(command),
            Command::TogglePresenter => {
                self.presenter.on = !self.presenter.on;
                Vec::new()
            }
            Command::SetPresenterScale(percent) => {
                self.presenter.scale = f32::from(percent.clamp(100, 300)) / 100.0;
                self.presenter.fit = false;
                Vec::new()
            }
            Command::FitPresenter => {
                self.presenter.fit = true;
                Vec::new()
            }
            Command::WindowSize(width, height) => {
                if self.presenter.fit {
                    self.presenter.scale = Presenter::fitting(f32::from(width), f32::from(height));
                }
                Vec::new()
            }
            Command::Sandbox(command) => self.sandbox.apply(command),
            Command::FocusStep(step) => {
                self.focus_step = step;
                Vec::new()
            }
            Command::StopAutoplay => {
                self.autoplay = None;
                Vec::new()
            }
            Command::SaveBody { name, body } => vec![Effect::SaveFile {
                name,
                contents: body,
            }],
        }
    }

    /// The commands of the inspector's keys, checks and comparison, and of the timeline.
    fn apply_inspector(&mut self, command: Command) -> Vec<Effect> {
        match command {
            Command::SetLeeway(seconds) => {
                self.verification.leeway = seconds.clamp(0, 3_600);
                Vec::new()
            }
            Command::AllowRsa15(allow) => {
                self.verification.allow_rsa1_5 = allow;
                self.reverify();
                Vec::new()
            }
            Command::LoadKeysFile => vec![Effect::PickKeysFile],
            Command::FetchJwks(id) => match self.profiles.list.iter().find(|p| p.id == id) {
                Some(profile) => {
                    self.verification.fetching = true;
                    self.verification.jwks_from = Some((id, false));
                    vec![Effect::FetchJwks(Box::new(profile.clone()))]
                }
                None => Vec::new(),
            },
            Command::FetchIssuerKeys(iss) => {
                self.verification.fetching_issuer_keys = true;
                vec![Effect::FetchIssuerKeys(iss)]
            }
            Command::AddHmacKey(secret) => {
                let keys = crate::token::keys::KeySet::hmac(
                    secret.expose().as_bytes(),
                    &crate::tr!("keys-hmac-source"),
                );
                self.add_keys(keys, crate::tr!("key-hmac-added"));
                Vec::new()
            }
            Command::UnlockKeyFile(passphrase) => {
                let Some(prompt) = self.verification.key_passphrase.as_mut() else {
                    return Vec::new();
                };
                let Some(keys) = prompt.unlock(&passphrase) else {
                    return Vec::new();
                };
                let file = prompt.file.clone();
                self.verification.key_passphrase = None;
                self.keys_landed(&file, keys)
            }
            Command::CancelKeyPassphrase => {
                self.verification.key_passphrase = None;
                Vec::new()
            }
            Command::ClearKeys => {
                self.verification.key_passphrase = None;
                self.verification.keys = crate::token::keys::KeySet::default();
                self.verification.jwks_from = None;
                self.verification.message = None;
                self.verification.issuer_keys = None;
                self.reverify();
                Vec::new()
            }
            Command::SetCheckProfile(id) => {
                self.verification.check_profile = id;
                Vec::new()
            }
            Command::ToggleTimeline => {
                self.show_timeline = !self.show_timeline;
                Vec::new()
            }
            Command::OpenTimelineEntry(index) => {
                self.timeline_open = Some(index);
                Vec::new()
            }
            Command::CompareWith(index) => {
                self.compare_with = Some(index);
                self.view = DetailView::Compare;
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// A file's text arrived: it replaces the paste.
    pub fn file_loaded(&mut self, source: String, text: String, notice: Option<Notice>) -> Effect {
        self.source = Some(source);
        self.notice = notice;
        self.start_inspection(text)
    }

    /// A file could not be had.
    pub fn file_failed(&mut self, message: String) {
        self.notice = Some(Notice {
            text: message,
            is_error: true,
        });
    }

    /// Inspects the same paste again, keeping where it came from and which
    /// token is open.
    pub fn reinspect(&mut self, text: String) -> Effect {
        self.start_inspection(text)
    }

    fn start_inspection(&mut self, text: String) -> Effect {
        self.generation += 1;
        self.pending = Some(self.generation);
        Effect::Decode {
            generation: self.generation,
            text,
        }
    }

    /// An inspection finished (or a bug stopped it); it is shown unless a
    /// newer paste superseded it.
    pub fn land(&mut self, generation: u64, inspection: Result<Inspection, super::InternalError>) {
        if generation != self.generation {
            return;
        }
        self.pending = None;
        let inspection = match inspection {
            Ok(inspection) => inspection,
            Err(error) => {
                // Nothing decoded is shown for a paste the inspector choked on;
                // the paste box keeps the text.
                self.inspection = None;
                self.verification.signatures.clear();
                self.verification.openings.clear();
                self.internal_error = Some(error);
                return;
            }
        };
        self.internal_error = None;
        let same_tokens = self.inspection.as_ref().is_some_and(|old| {
            old.tokens
                .iter()
                .map(|t| &t.value)
                .eq(inspection.tokens.iter().map(|t| &t.value))
        });
        if !same_tokens {
            self.selected = 0;
            self.collapsed.clear();
        }
        self.inspection = Some(Arc::new(inspection));
        self.reverify();
    }

    /// Adds keys and verifies again.
    pub fn add_keys(&mut self, keys: crate::token::keys::KeySet, message: String) {
        let old = std::mem::take(&mut self.verification.keys);
        self.verification.keys = old.merge(keys);
        self.verification.message = Some(message);
        self.reverify();
    }

    /// Appends the flow's new steps to the timeline; `synced` remembers the
    /// run (by its state value) and how many of its steps are in already.
    /// The count is of steps ever recorded ([`crate::oauth::runner::FlowSession::steps_recorded`]),
    /// so it keeps following a run whose own history is bounded. The
    /// timeline keeps its newest entries; the oldest are dropped and counted.
    pub fn sync_timeline(&mut self, synced: &mut Option<(String, usize)>) {
        let Some(flow) = &self.flow else { return };
        let session = &flow.session;
        let run = &session.run.state;
        let start = match synced {
            Some((state, count)) if state == run => *count,
            _ => 0,
        };
        let total = session.steps_recorded();
        let new = total.saturating_sub(start);
        if new == 0 {
            return;
        }
        // Steps the run dropped before the timeline saw them count as dropped here too.
        let missed = new.saturating_sub(session.records.len());
        let first = session.records.len().saturating_sub(new);
        for record in session.records.iter().skip(first) {
            self.timeline.push(TimelineEntry {
                profile: Box::new(session.profile.clone()),
                record: record.clone(),
            });
        }
        *synced = Some((run.clone(), total));
        let dropped = crate::oauth::runner::keep_newest(
            &mut self.timeline,
            MAX_TIMELINE_ENTRIES,
            MAX_TIMELINE_BYTES,
            |entry| entry.record.body_bytes(),
        );
        self.timeline_dropped = self
            .timeline_dropped
            .saturating_add(missed)
            .saturating_add(dropped);
        // The open entry moves with the entries before it, or is gone with them.
        self.timeline_open = self
            .timeline_open
            .and_then(|open| open.checked_sub(dropped));
    }

    /// Verifies every token's signature with the current keys, and opens
    /// every JWE the decryption keys can.
    pub fn reverify(&mut self) {
        self.verification.signatures = Vec::new();
        self.verification.openings = Vec::new();
        let Some(inspection) = &self.inspection else {
            return;
        };
        let keys = &self.verification.keys;
        let options = crate::token::jwe::DecryptOptions {
            allow_rsa1_5: self.verification.allow_rsa1_5,
        };
        match super::guard::catching(super::GuardedWork::Verification, None, || {
            (
                crate::token::assess::signatures(&inspection.tokens, keys),
                crate::token::assess::openings(&inspection.tokens, keys, options),
            )
        }) {
            Ok((signatures, openings)) => {
                self.verification.signatures = signatures;
                self.verification.openings = openings;
            }
            Err(error) => self.internal_error = Some(error),
        }
    }

    /// Whether a signature names a kid the keys lack while they came from a
    /// profile's JWKS not yet fetched again: the provider may have rotated keys.
    pub fn wants_jwks_refetch(&self) -> Option<ProfileId> {
        let (id, refetched) = self.verification.jwks_from.as_ref()?;
        let unknown = self
            .verification
            .signatures
            .iter()
            .flatten()
            .any(crate::token::verify::SignatureOutcome::is_unknown_kid);
        (unknown && !refetched && !self.verification.fetching).then(|| id.clone())
    }

    /// When lifetimes of the current paste count from.
    pub fn pasted_at(&self) -> Option<Timestamp> {
        self.inspection.as_ref().map(|i| i.pasted_at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paste::inspect;

    #[test]
    fn run_tokens_go_beside_the_paste_and_only_once() {
        let tokens = "{\"access_token\":\"eyJ…\"}\n";
        assert_eq!(
            paste_with_run_tokens("", tokens),
            "{\"access_token\":\"eyJ…\"}"
        );
        let mine = "мой лог 🙂\nerror=invalid_grant\n";
        let both = paste_with_run_tokens(mine, tokens);
        assert_eq!(
            both,
            "мой лог 🙂\nerror=invalid_grant\n\n{\"access_token\":\"eyJ…\"}"
        );
        assert_eq!(paste_with_run_tokens(&both, tokens), both, "not twice");
        assert_eq!(paste_with_run_tokens(mine, ""), mine);
    }

    #[test]
    fn presenter_mode_fits_the_stage_to_the_window_until_the_presenter_zooms() {
        assert!((Presenter::fitting(1280.0, 720.0) - 1.5).abs() < 1e-6);
        assert!((Presenter::fitting(1366.0, 768.0) - 1.6).abs() < 1e-6);
        assert!((Presenter::fitting(1920.0, 1080.0) - 2.25).abs() < 1e-6);
        assert!(
            (Presenter::fitting(800.0, 600.0) - 1.0).abs() < 1e-6,
            "never below 100 %"
        );
        assert!((Presenter::fitting(f32::NAN, 720.0) - 1.0).abs() < 1e-6);
        let mut workspace = Workspace::new();
        let now = Timestamp::from_unix(0);
        workspace.apply(Command::WindowSize(1920, 1080), now);
        assert!((workspace.presenter.scale - 2.25).abs() < 1e-6);
        workspace.apply(Command::SetPresenterScale(150), now);
        workspace.apply(Command::WindowSize(1280, 720), now);
        assert!(
            (workspace.presenter.scale - 1.5).abs() < 1e-6,
            "the presenter's choice stays"
        );
        workspace.apply(Command::FitPresenter, now);
        workspace.apply(Command::WindowSize(1280, 720), now);
        assert!((workspace.presenter.scale - 1.5).abs() < 1e-6);
    }

    #[test]
    fn a_stale_inspection_is_dropped() {
        let mut workspace = Workspace::new();
        let now = Timestamp::from_unix(0);
        let Effect::Decode {
            generation: first, ..
        } = workspace.apply(Command::Inspect("a".to_owned()), Timestamp::from_unix(0))[0].clone()
        else {
            panic!("decode")
        };
        let Effect::Decode {
            generation: second,
            text,
        } = workspace.apply(Command::Inspect("b".to_owned()), Timestamp::from_unix(0))[0].clone()
        else {
            panic!("decode")
        };
        workspace.land(
            first,
            Ok(inspect("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", now)),
        );
        assert!(
            workspace.inspection.is_none(),
            "an older paste must not overwrite a newer one"
        );
        workspace.land(second, Ok(inspect(&text, now)));
        assert!(workspace.inspection.is_some());
        assert_eq!(workspace.pending, None);
    }

    #[test]
    fn the_timeline_keeps_its_newest_entries_and_counts_the_dropped() {
        use crate::oauth::flow::{Step, StepFailure};
        let now = Timestamp::from_unix(0);
        let mut workspace = Workspace::new();
        workspace.apply(
            Command::Flow(FlowCommand::Start {
                profile: Box::new(Profile::default()),
                secret: None,
                tls_passphrase: None,
            }),
            now,
        );
        let mut synced = None;
        let fail = |workspace: &mut Workspace, count: usize| {
            if let Some(flow) = workspace.flow.as_mut() {
                for _ in 0..count {
                    let failure = StepFailure::new("нет ответа 🛑");
                    flow.session.failed(Step::Refresh, failure, now);
                }
            }
        };
        // More steps between two frames than the run keeps: the ones it
        // dropped before the timeline saw them are counted as dropped.
        fail(&mut workspace, 250);
        workspace.sync_timeline(&mut synced);
        assert_eq!(
            (workspace.timeline.len(), workspace.timeline_dropped),
            (200, 50)
        );
        for _ in 0..4 {
            fail(&mut workspace, 100);
            workspace.sync_timeline(&mut synced);
        }
        assert_eq!(
            (workspace.timeline.len(), workspace.timeline_dropped),
            (MAX_TIMELINE_ENTRIES, 150)
        );
        workspace.timeline_open = Some(300);
        fail(&mut workspace, 30);
        workspace.sync_timeline(&mut synced);
        assert_eq!(
            workspace.timeline_open,
            Some(270),
            "the open entry moves with the drop"
        );
        workspace.timeline_open = Some(10);
        fail(&mut workspace, 30);
        workspace.sync_timeline(&mut synced);
        assert_eq!(workspace.timeline_open, None, "dropped");
        assert_eq!(workspace.timeline_dropped, 210);
        workspace.sync_timeline(&mut synced);
        assert_eq!(
            workspace.timeline_dropped, 210,
            "nothing new, nothing dropped"
        );
    }

    #[test]
    fn collapse_toggles() {
        let mut workspace = Workspace::new();
        workspace.apply(
            Command::ToggleCollapsed("realm_access".to_owned()),
            Timestamp::from_unix(0),
        );
        assert!(workspace.collapsed.contains("realm_access"));
        workspace.apply(
            Command::ToggleCollapsed("realm_access".to_owned()),
            Timestamp::from_unix(0),
        );
        assert!(workspace.collapsed.is_empty());
    }
}
