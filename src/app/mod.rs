//! The `eframe::App`: owns the workspace, runs background work, lays out panels.

mod jobs;
mod sandbox;
mod warmup;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use jobs::text_from_bytes;
pub use warmup::FONT_ATLAS_SIDE;
// The model, re-exported: the app is where a caller starts the window.
pub use crate::model::*;

use crate::paste::{Inspection, inspect};
use crate::token::Timestamp;

/// The function that inspects a paste: `token::inspect`, or a stand-in a
/// test gives (to prove a bug in it cannot take the window down).
pub type Inspector = fn(&str, Timestamp) -> Inspection;

/// Pastes up to this size are inspected within the frame (a few milliseconds);
/// larger ones on a background thread, so the window never stalls.
const INLINE_INSPECT_BYTES: usize = 64 * 1024;

/// How the app starts.
#[derive(Clone, Debug, Default)]
pub struct StartOptions {
    /// Where "now" comes from.
    pub clock: Option<Clock>,
    /// Text to paste at start, with where it came from.
    pub paste: Option<(String, Option<String>)>,
    /// Take a screenshot once the paste is shown, write it here, and close.
    pub screenshot: Option<Screenshot>,
    /// The colour scheme to start with.
    pub theme: ThemeChoice,
    /// The wall clock to show instants in.
    pub zone: crate::token::time::Zone,
    /// The language to speak; `None` follows the system.
    pub language: Option<crate::i18n::Language>,
    /// Close the window after this long (demos, benchmarks).
    pub quit_after: Option<Duration>,
    /// Counts frames drawn (benchmarks: idle must draw none).
    pub frame_counter: Option<Arc<AtomicU64>>,
    /// Where profiles live; `None` keeps them in memory only.
    pub config_dir: Option<PathBuf>,
    /// Where secrets go.
    pub secret_preference: crate::store::SecretPreference,
    /// Run this command with the authorization URL instead of the system browser.
    pub browser: Option<String>,
    /// Inspect pastes with this instead of `token::inspect` (tests).
    pub inspector: Option<Inspector>,
    /// Start in presenter mode.
    pub presenter: bool,
    /// Who paints the window's background: the real window clears it.
    pub background: crate::ui::Background,
    /// Open this profile's flow (name or id) and, with a pause, walk it by
    /// itself, pausing that many seconds on each step (`--play`).
    pub autoplay: Option<(String, Option<u32>)>,
}

/// A request to capture the window to a PNG file and close.
#[derive(Clone, Debug)]
pub struct Screenshot {
    /// Where to write the PNG.
    pub path: PathBuf,
    /// Filled with the outcome once written.
    pub outcome: Arc<Mutex<Option<Result<(), String>>>>,
}

/// Frames drawn after the paste is shown before the screenshot is taken:
/// tables size their columns on the first frame.
const SCREENSHOT_SETTLE_FRAMES: u32 = 1;

/// The tokenscope window.
pub struct TokenscopeApp {
    workspace: Workspace,
    /// The text in the paste box (editing state of the paste panel).
    paste: String,
    clock: Clock,
    inspector: Inspector,
    jobs: jobs::Jobs,
    screenshot: Option<Screenshot>,
    settled_frames: u32,
    applied_theme: Option<ThemeChoice>,
    frame_counter: Option<Arc<AtomicU64>>,
    /// The profile editor's draft, while a profile is open.
    editor: Option<crate::model::ProfileEditor>,
    /// The profile search box.
    profile_filter: String,
    /// How the authorization request reaches a browser.
    browser: crate::oauth::runner::Browser,
    /// The loopback listener waiting for the redirect.
    listener: Option<crate::oauth::callback::CallbackListener>,
    /// The flow panel's editing state.
    flow_editor: crate::ui::FlowEditor,
    /// The nonce and HMAC secret typed for verification.
    verify_inputs: crate::ui::VerifyInputs,
    /// The zoom factor last applied.
    applied_zoom: Option<f32>,
    /// The window size (points at zoom 1) presenter mode last fitted its zoom to.
    fitted_to: Option<(u16, u16)>,
    /// The run and step count already copied into the timeline.
    timeline_synced: Option<(String, usize)>,
    /// The built-in sandbox provider, while it runs.
    sandbox: Option<crate::sandbox::Sandbox>,
    /// Network effects for a Sandbox profile, held until its sandbox runs.
    awaiting_sandbox: Vec<Effect>,
    background: crate::ui::Background,
    /// Glyphs of the first screen being made on another thread.
    warmup: warmup::GlyphWarmup,
}

/// Where the start-up paste is inspected.
#[derive(Clone, Copy, PartialEq, Eq)]
enum PasteInspection {
    /// Before the app is returned (tests see it at once).
    Inline,
    /// On a job thread, while the window opens.
    Background,
}

/// The app started before its window: see [`TokenscopeApp::prepare_for_window`].
pub struct PreparedApp {
    app: TokenscopeApp,
    waker: jobs::Waker,
    /// The window's context already has its fonts (and a warm-up is making
    /// its first glyphs).
    fonts_installed: bool,
    /// What the start-up paste asked for that needs the window.
    effects: Vec<Effect>,
    quit_after: Option<Duration>,
}

impl PreparedApp {
    /// The app in the window whose egui context is `ctx`.
    pub fn open(self, ctx: &egui::Context) -> TokenscopeApp {
        let Self {
            mut app,
            waker,
            fonts_installed,
            effects,
            quit_after,
        } = self;
        if !fonts_installed {
            install_fonts(ctx);
        }
        // Before the first frame: the window is cleared to the theme's
        // colour before the app's first pass runs.
        app.apply_theme(ctx);
        waker.attach(ctx);
        if let Some(after) = quit_after {
            close_after(ctx.clone(), after);
        }
        app.run_effects(ctx, effects);
        app
    }
}

impl TokenscopeApp {
    /// Creates the app; `ctx` is the window's egui context. A paste given
    /// is inspected before this returns.
    pub fn new(ctx: &egui::Context, options: StartOptions) -> Self {
        Self::prepare(options, PasteInspection::Inline).open(ctx)
    }

    /// Starts the app before its window exists: the profile store opens
    /// and a paste given is inspected on background threads while the
    /// window is created (tens of milliseconds), so the first frame shows
    /// them. [`PreparedApp::open`] finishes it once the window is there.
    ///
    /// `ctx` is the context the window will use: its fonts are installed
    /// now and, unless presenter mode zooms the first frame, the glyphs of
    /// the first screen are rasterized on another thread meanwhile
    /// ([`warmup`]). Call this once the event loop exists (see `main.rs`).
    pub fn prepare_for_window(options: StartOptions, ctx: &egui::Context) -> PreparedApp {
        let presenter = options.presenter;
        let mut prepared = Self::prepare(options, PasteInspection::Background);
        install_fonts(ctx);
        prepared.fonts_installed = true;
        if !presenter {
            let app = &mut prepared.app;
            let russian = app.workspace.language == crate::i18n::Language::Ru;
            app.warmup = warmup::GlyphWarmup::start(ctx, russian, Some(app.paste.as_str()));
        }
        prepared
    }

    fn prepare(mut options: StartOptions, inspection: PasteInspection) -> PreparedApp {
        let waker = jobs::Waker::default();
        let mut app = Self {
            workspace: Workspace::new(),
            paste: String::new(),
            clock: options.clock.unwrap_or(Clock::System),
            inspector: options.inspector.unwrap_or(inspect),
            jobs: jobs::Jobs::new(waker.clone()),
            screenshot: options.screenshot.take(),
            settled_frames: 0,
            applied_theme: None,
            frame_counter: options.frame_counter.take(),
            editor: None,
            profile_filter: String::new(),
            browser: options.browser.clone().map_or(
                crate::oauth::runner::Browser::System,
                crate::oauth::runner::Browser::Command,
            ),
            listener: None,
            flow_editor: crate::ui::FlowEditor::default(),
            verify_inputs: crate::ui::VerifyInputs::default(),
            applied_zoom: None,
            fitted_to: None,
            timeline_synced: None,
            sandbox: None,
            awaiting_sandbox: Vec::new(),
            background: options.background,
            warmup: warmup::GlyphWarmup::default(),
        };
        app.workspace.theme = options.theme;
        app.workspace.zone = options.zone;
        app.workspace.language = options
            .language
            .unwrap_or_else(crate::i18n::Language::system);
        // Before the store opens: its thread speaks the window's language.
        crate::i18n::set_language(app.workspace.language);
        match options.config_dir.take() {
            Some(dir) => app.jobs.open_store(dir, options.secret_preference),
            None => app.workspace.profiles.status = StoreStatus::Unavailable,
        }
        app.workspace.presenter.on = options.presenter;
        if let Some((profile, pause_s)) = options.autoplay.take() {
            app.workspace.autoplay = Some(crate::model::Autoplay::new(profile, pause_s));
            if pause_s.is_some() && options.browser.is_none() {
                // No browser given: the in-window sandbox signs in at once
                // and the run follows its redirect itself (a booth has no
                // one to click "Sign in").
                app.workspace.sandbox.faults.auto_sign_in = true;
            }
        }
        let mut effects = Vec::new();
        if let Some((text, source)) = options.paste.take() {
            app.paste.clone_from(&text);
            let applied = app.workspace.apply(Command::Inspect(text), app.clock.now());
            app.workspace.source = source;
            for effect in applied {
                match effect {
                    Effect::Decode { generation, text }
                        if inspection == PasteInspection::Background =>
                    {
                        let now = app.clock.now();
                        app.jobs.inspect(app.inspector, generation, text, now);
                    }
                    other => effects.push(other),
                }
            }
        }
        PreparedApp {
            app,
            waker,
            fonts_installed: false,
            effects,
            quit_after: options.quit_after,
        }
    }
    /// The workspace, for tests and the headless commands.
    pub fn workspace(&self) -> &Workspace {
        &self.workspace
    }

    /// The workspace, to set up a scene (tests, demos).
    pub fn workspace_mut(&mut self) -> &mut Workspace {
        &mut self.workspace
    }

    /// Sets where "now" comes from (tests move a fixed clock forward).
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    /// Applies a command as if the UI had sent it.
    pub fn handle(&mut self, ctx: &egui::Context, command: Command) {
        let command = crate::model::with_sandbox_secret(command);
        let effects = self.workspace.apply(command, self.clock.now());
        self.run_effects(ctx, effects);
    }

    /// Inspects a paste: a small one within the frame, a large one on a
    /// background thread; either way a bug in the inspector is caught.
    fn decode(&mut self, generation: u64, text: String) {
        let now = self.clock.now();
        if text.len() <= INLINE_INSPECT_BYTES {
            let inspector = self.inspector;
            let inspection = crate::model::catching(GuardedWork::Inspection, Some(&text), || {
                inspector(&text, now)
            });
            self.workspace.land(generation, inspection);
        } else {
            self.jobs.inspect(self.inspector, generation, text, now);
        }
    }

    /// Sends a flow step's request; in CIBA ping mode the notification
    /// endpoint starts listening before the backchannel authentication
    /// request goes out (a provider may ping at once, CIBA Core §10.2).
    fn send_step(
        &mut self,
        profile: crate::oauth::Profile,
        step: crate::oauth::flow::Step,
        draft: crate::net::RequestDraft,
        tls_passphrase: Option<crate::secret::Secret>,
    ) {
        let ping = step == crate::oauth::flow::Step::BackchannelAuthentication
            && profile.ciba.delivery_mode == crate::oauth::ciba::DeliveryMode::Ping;
        let listening = match self.workspace.flow.as_ref() {
            Some(flow) if ping => self.jobs.listen_for_ping(&flow.session),
            _ => Ok(()),
        };
        match listening {
            Ok(()) => self.jobs.send_step(profile, step, draft, tls_passphrase),
            Err(failure) => self.jobs.refuse_step(step, &draft, failure.message),
        }
    }

    #[expect(
        clippy::too_many_lines,
        reason = "one short arm per effect; splitting would scatter the dispatch"
    )]
    fn run_effects(&mut self, ctx: &egui::Context, effects: Vec<Effect>) {
        for effect in effects {
            // A Sandbox profile's provider is started first; the effect waits for it.
            if let Some((personality, port)) = self.sandbox_needed(&effect) {
                self.wait_for_sandbox(effect, personality, port);
                continue;
            }
            match effect {
                Effect::Sandbox(effect) => self.sandbox_effect(effect),
                Effect::Decode { generation, text } => self.decode(generation, text),
                Effect::SavePreferences(preferences) => self.jobs.save_preferences(preferences),
                Effect::Reinspect => {
                    let decode = self.workspace.reinspect(self.paste.clone());
                    self.run_effects(ctx, vec![decode]);
                }
                Effect::PickFile => self.jobs.pick_and_read_file(),
                Effect::ReadFile(path) => self.jobs.read_file(path),
                Effect::Copy(text) => ctx.copy_text(text),
                Effect::ClearPaste => self.paste.clear(),
                Effect::SaveProfiles(list) => self.jobs.save_profiles(list),
                Effect::SetAsideProfiles => self.jobs.set_aside_profiles(self.clock.now()),
                Effect::LoadSecret(id) => self.jobs.load_secret(&id),
                Effect::StoreSecret { id, name, secret } => {
                    self.jobs.store_secret(id, name, secret);
                }
                Effect::DeleteSecret { id, names } => self.jobs.delete_secrets(id, names),
                Effect::SendStep {
                    profile,
                    step,
                    draft,
                    tls_passphrase,
                } => self.send_step(*profile, step, draft, tls_passphrase),
                Effect::OpenBrowser { url, redirect_uri } => {
                    self.open_browser(ctx, &url, &redirect_uri);
                }
                Effect::OpenLink(url) => {
                    if let Err(message) = self.browser.open(&url) {
                        self.workspace.notice = Some(Notice {
                            text: message,
                            is_error: true,
                        });
                    }
                }
                Effect::StopListening => self.stop_listening(),
                Effect::CancelFlowWork => {
                    self.jobs.cancel_flow();
                    self.stop_listening();
                }
                Effect::LoadClientKey { path } => self.jobs.load_client_key(path),
                Effect::LoadDecryptionKey { id, path } => self.jobs.load_decryption_key(id, path),
                Effect::LoadExtensionSecrets { id, names } => {
                    self.jobs.load_extension_secrets(id, names);
                }
                Effect::StoreNamedSecret { id, name, secret } => {
                    self.jobs.store_named_secret(id, name, secret);
                }
                Effect::PollDevice(polling) => self.jobs.poll_device(*polling, self.clock),
                Effect::ShowTokens(tokens) => {
                    let text = crate::model::paste_with_run_tokens(&self.paste, &tokens);
                    self.paste.clone_from(&text);
                    self.workspace.profiles.selected = None;
                    let effects = self
                        .workspace
                        .apply(Command::Inspect(text), self.clock.now());
                    self.run_effects(ctx, effects);
                }
                Effect::PickKeysFile => self.jobs.pick_keys_file(),
                Effect::PickTlsFile(file) => self.jobs.pick_tls_file(file),
                Effect::SaveFile { name, contents } => self.jobs.save_file(name, contents),
                Effect::VerifyAnswer {
                    profile,
                    pending,
                    tls_passphrase,
                    record,
                } => self
                    .jobs
                    .verify_answer(*profile, *pending, tls_passphrase, record),
                Effect::CheckIntrospectionJwt {
                    profile,
                    exchange,
                    tls_passphrase,
                } => self
                    .jobs
                    .introspection_keys(*profile, exchange, tls_passphrase),
                Effect::CheckJarm {
                    profile,
                    params,
                    tls_passphrase,
                } => self.jobs.jarm_keys(*profile, params, tls_passphrase),
                Effect::FetchJwks(profile) => {
                    let passphrase = self.tls_passphrase_for(&profile.id);
                    self.jobs.fetch_jwks(*profile, passphrase);
                }
                Effect::FetchIssuerKeys(iss) => self.jobs.fetch_issuer_keys(iss),
                Effect::ImportProfiles(current) => self.jobs.import_profiles(current),
                Effect::ExportProfiles {
                    profiles,
                    with_secrets,
                } => self.jobs.export_profiles(profiles, with_secrets),
                Effect::Discover(profile) => {
                    if let Some(editor) = self.editor.as_mut() {
                        editor.discovery = crate::model::DiscoveryView::Running;
                    }
                    let passphrase = self.tls_passphrase_for(&profile.id);
                    self.jobs.discover(*profile, passphrase);
                }
            }
        }
    }

    fn stop_listening(&mut self) {
        if let Some(listener) = self.listener.take() {
            listener.cancel();
        }
    }

    /// The PKCS#12 passphrase for a profile's calls: as typed in the editor
    /// (discovery runs on the draft), else as loaded from the secret store.
    fn tls_passphrase_for(&self, id: &crate::oauth::ProfileId) -> Option<crate::secret::Secret> {
        if let Some(editor) = self.editor.as_ref()
            && editor.draft.id == *id
            && (editor.passphrase.edited || editor.passphrase.loaded)
        {
            return Some(crate::secret::Secret::new(editor.passphrase.text.clone()));
        }
        self.workspace
            .profiles
            .loaded_passphrase
            .as_ref()
            .filter(|(loaded, _)| loaded == id)
            .and_then(|(_, passphrase)| passphrase.clone())
    }

    /// Keeps the editor on the selected profile, and fills in its secret once read.
    fn sync_editor(&mut self) {
        let state = &self.workspace.profiles;
        let Some(selected) = state.selected_profile() else {
            self.editor = None;
            return;
        };
        if self
            .editor
            .as_ref()
            .is_none_or(|e| e.draft.id != selected.id)
        {
            self.editor = Some(crate::model::ProfileEditor::new(selected));
        }
        if let (Some(editor), Some((id, secret))) = (self.editor.as_mut(), &state.loaded_secret)
            && *id == editor.draft.id
            && !editor.secret_loaded
        {
            editor.secret_loaded = true;
            if !editor.secret_edited {
                editor.secret = secret
                    .as_ref()
                    .map(|s| s.expose().to_owned())
                    .unwrap_or_default();
            }
        }
        let Some(editor) = self.editor.as_mut() else {
            return;
        };
        for which in crate::model::Passphrase::ALL {
            let Some(passphrase) = state.loaded(which, &editor.draft.id) else {
                continue;
            };
            let field = editor.passphrase_field(which);
            if !field.loaded {
                field.loaded = true;
                if !field.edited {
                    field.text = passphrase
                        .map(|s| s.expose().to_owned())
                        .unwrap_or_default();
                }
            }
        }
    }

    /// The browser of the run: autoplay against the sandbox with no
    /// browser given follows the redirects itself (the sandbox signs in at
    /// once, [`crate::model::Autoplay`]), so a booth needs no browser.
    fn browser_for_this_run(&self) -> crate::oauth::runner::Browser {
        use crate::oauth::runner::Browser;
        let sandbox_run =
            self.workspace.flow.as_ref().is_some_and(|flow| {
                crate::sandbox::personality_of(&flow.session.profile).is_some()
            });
        match &self.browser {
            Browser::System if sandbox_run && self.workspace.autoplay.is_some() => Browser::Follow,
            other => other.clone(),
        }
    }

    /// One frame of autoplay: its commands go where the user's go; no
    /// repaint until the next step is due or a result lands.
    fn autoplay(&mut self, ctx: &egui::Context) {
        if self.workspace.autoplay.is_none() {
            return;
        }
        // Any key or click takes back control.
        let taken_over = ctx.input(|i| {
            i.events.iter().any(|event| {
                matches!(
                    event,
                    egui::Event::Key { pressed: true, .. }
                        | egui::Event::PointerButton { pressed: true, .. }
                )
            })
        });
        if taken_over {
            self.handle(ctx, Command::StopAutoplay);
            return;
        }
        let now = self.clock.now();
        let tick = self.workspace.autoplay_tick(now);
        for command in tick.commands {
            self.handle(ctx, command);
        }
        if let Some(due) = tick.wake_at {
            let wait = u64::try_from(due.unix().saturating_sub(now.unix())).unwrap_or(1);
            ctx.request_repaint_after(Duration::from_secs(wait.max(1)));
        }
    }

    /// Starts the loopback listener (for a loopback redirect URI), then opens the browser.
    fn open_browser(&mut self, ctx: &egui::Context, url: &str, redirect_uri: &str) {
        use crate::oauth::callback::{CallbackListener, RedirectTarget};
        let now = self.clock.now();
        let fail = |app: &mut Self, message: String| {
            if let Some(flow) = app.workspace.flow.as_mut() {
                // The code flow's callback, or the logout's return.
                let step = flow
                    .waiting
                    .take()
                    .unwrap_or(crate::oauth::flow::Step::Callback);
                flow.session
                    .failed(step, crate::oauth::flow::StepFailure::new(message), now);
            }
        };
        // An address the provider handed over that is not http(s) is never
        // opened: fail before listening for a redirect that cannot come.
        if let Err(reason) = crate::oauth::runner::check_browser_url(url) {
            return fail(self, reason);
        }
        match RedirectTarget::parse(redirect_uri) {
            Ok(target) if target.is_loopback() => {
                let wake = ctx.clone();
                match CallbackListener::start_with_notify(
                    &target,
                    Duration::from_mins(5),
                    move || wake.request_repaint(),
                ) {
                    Ok(listener) => {
                        // Requests with another state are turned away and counted.
                        if let Some(state) = self
                            .workspace
                            .flow
                            .as_ref()
                            .and_then(FlowState::expected_redirect_state)
                        {
                            listener.expect_state(state);
                        }
                        self.listener = Some(listener);
                    }
                    Err(error) => return fail(self, error.to_string()),
                }
            }
            Ok(_) => {}
            Err(error) => return fail(self, error.to_string()),
        }
        // No browser here (a server, a container): the listener keeps
        // waiting and the card offers the address to open by hand.
        let problem = self.browser_for_this_run().open(url).err();
        if let Some(flow) = self.workspace.flow.as_mut() {
            flow.browser_problem = problem;
        }
    }

    /// Sends the refresh when it is due; otherwise asks to be woken then
    /// (only while automatic refresh is on: idle stays idle).
    fn auto_refresh(&mut self, ctx: &egui::Context) {
        let Some(flow) = self.workspace.flow.as_ref() else {
            return;
        };
        let Some(due) = flow.auto_refresh_due() else {
            return;
        };
        let now = self.clock.now();
        if now < due {
            let wait = u64::try_from(due.unix().saturating_sub(now.unix())).unwrap_or(1);
            ctx.request_repaint_after(Duration::from_secs(wait));
            return;
        }
        self.handle(ctx, Command::Flow(FlowCommand::AutoRefresh));
    }

    /// Puts the run's tokens into the inspector and checks them with the
    /// run's own values: its profile (issuer, client id), its nonce, the
    /// provider's JWKS.
    fn poll_listener(&mut self, ctx: &egui::Context) {
        let Some(listener) = &self.listener else {
            return;
        };
        let Some(outcome) = listener.try_take() else {
            return;
        };
        self.listener = None;
        let now = self.clock.now();
        let effects = match self.workspace.flow.as_mut() {
            Some(flow) => flow.redirected(outcome, now),
            None => Vec::new(),
        };
        self.run_effects(ctx, effects);
    }

    /// Background results land in the model ([`Workspace::land_job`]);
    /// only those about what the app owns (the paste box, the profile
    /// editor, the running sandbox) are handled here.
    fn land_jobs(&mut self, ctx: &egui::Context) {
        for result in self.jobs.drain() {
            match result {
                JobResult::FileRead {
                    source,
                    text,
                    notice,
                } => {
                    self.paste.clone_from(&text);
                    let effect = self.workspace.file_loaded(source, text, notice);
                    self.run_effects(ctx, vec![effect]);
                }
                JobResult::TlsFilePicked { file, path } => {
                    if let Some(editor) = self.editor.as_mut() {
                        editor.file_picked(file, path.display().to_string());
                    }
                }
                JobResult::SandboxStarted(result) => self.sandbox_started(ctx, result),
                JobResult::Discovered { id, result } => {
                    if let Some(editor) = self.editor.as_mut().filter(|e| e.draft.id == id) {
                        editor.discovery = match result {
                            Ok(metadata) => {
                                let outcome =
                                    crate::oauth::discovery::apply(&mut editor.draft, &metadata);
                                crate::model::DiscoveryView::Done(Box::new((metadata, outcome)))
                            }
                            Err(message) => crate::model::DiscoveryView::Failed(message),
                        };
                    }
                }
                other => {
                    let effects = self.workspace.land_job(other, self.clock.now());
                    self.run_effects(ctx, effects);
                }
            }
            ctx.request_repaint();
        }
    }

    /// Presenter mode zooms the whole UI; applied only when it changes.
    fn apply_zoom(&mut self, ctx: &egui::Context) {
        // The window in points at zoom 1: the fitting zoom follows it.
        let window = ctx.content_rect().size() * ctx.zoom_factor();
        let zoom = self.wanted_zoom(ctx, window);
        if self.applied_zoom != Some(zoom) {
            self.applied_zoom = Some(zoom);
            ctx.set_zoom_factor(zoom);
        }
    }

    /// The zoom the window wants at this size (points at zoom 1): presenter
    /// mode's, fitted to the window unless the presenter chose one.
    fn wanted_zoom(&mut self, ctx: &egui::Context, window: egui::Vec2) -> f32 {
        if self.workspace.presenter.on && self.workspace.presenter.fit {
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "a window size in points, saturating"
            )]
            let size = (window.x.round() as u16, window.y.round() as u16);
            if self.fitted_to != Some(size) {
                self.fitted_to = Some(size);
                let now = self.clock.now();
                let effects = self
                    .workspace
                    .apply(Command::WindowSize(size.0, size.1), now);
                self.run_effects(ctx, effects);
            }
        } else {
            self.fitted_to = None;
        }
        let presenter = self.workspace.presenter;
        if presenter.on { presenter.scale } else { 1.0 }
    }

    /// The first frame at the zoom it wants, not at 1 with presenter mode's
    /// zoom a frame later: tables keep the column widths of their first
    /// frame, so a first frame at the wrong zoom left them wider than the
    /// window. Before the first pass the raw input is all there is; its
    /// screen rectangle is in points at the current zoom.
    fn zoom_before_the_first_pass(&mut self, ctx: &egui::Context, raw_input: &mut egui::RawInput) {
        if self.applied_zoom.is_some() {
            return;
        }
        let Some(screen) = raw_input.screen_rect else {
            return;
        };
        let before = ctx.zoom_factor();
        let zoom = self.wanted_zoom(ctx, screen.size() * before);
        self.applied_zoom = Some(zoom);
        if zoom > 0.0 && (zoom - before).abs() > f32::EPSILON {
            // At once, not through `set_zoom_factor` (which waits for the next
            // pass and rescales the previous pass's screen): the raw input is
            // rescaled to the new zoom here.
            ctx.options_mut(|options| options.zoom_factor = zoom);
            let ratio = before / zoom;
            raw_input.screen_rect = Some(egui::Rect::from_min_max(
                (screen.min.to_vec2() * ratio).to_pos2(),
                (screen.max.to_vec2() * ratio).to_pos2(),
            ));
        }
    }

    fn apply_theme(&mut self, ctx: &egui::Context) {
        if self.applied_theme == Some(self.workspace.theme) {
            return;
        }
        self.applied_theme = Some(self.workspace.theme);
        ctx.set_theme(match self.workspace.theme {
            ThemeChoice::System => egui::ThemePreference::System,
            ThemeChoice::Light => egui::ThemePreference::Light,
            ThemeChoice::Dark => egui::ThemePreference::Dark,
        });
    }

    fn dropped_files(&mut self, ctx: &egui::Context) {
        let dropped = ctx.input(|i| i.raw.dropped_files.clone());
        for file in dropped {
            // Read off the UI thread, like any other file.
            self.handle(ctx, Command::LoadFile(file.path().to_path_buf()));
        }
    }

    fn maybe_take_screenshot(&mut self, ctx: &egui::Context) {
        let Some(request) = &self.screenshot else {
            return;
        };
        if self.workspace.pending.is_some()
            || self.workspace.profiles.status == StoreStatus::Loading
        {
            ctx.request_repaint_after(Duration::from_millis(20));
            return;
        }
        self.settled_frames += 1;
        if self.settled_frames < SCREENSHOT_SETTLE_FRAMES {
            ctx.request_repaint();
            return;
        }
        let request = request.clone();
        self.screenshot = None;
        let close_ctx = ctx.clone();
        ctx.request_screenshot(move |image| {
            let outcome = save_png(&request.path, &image);
            if let Ok(mut slot) = request.outcome.lock() {
                *slot = Some(outcome);
            }
            close_ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        });
    }
}

/// The egui context for the window, set up as eframe sets up its own
/// (viewports in their own windows, two passes when a layout asks for a
/// second): the app hands it to eframe so the glyph warm-up can start on it
/// before the window exists.
pub fn window_context() -> egui::Context {
    let ctx = egui::Context::default();
    ctx.set_embed_viewports(false);
    ctx.options_mut(|options| options.max_passes = std::num::NonZeroUsize::MIN.saturating_add(1));
    ctx
}

/// The default fonts, with the monospace font as a fallback for the
/// proportional one: Ubuntu Light lacks ‖ and →, which GOST layouts and
/// change lists use, and a missing glyph would show as a box.
fn install_fonts(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    let monospace = fonts
        .families
        .get(&egui::FontFamily::Monospace)
        .and_then(|f| f.first().cloned());
    // A monospace glyph always starts on the same grid: sub-pixel binning
    // (each glyph rasterized at up to four offsets) buys it nothing but a
    // slower first frame, which lays out the whole paste in it.
    if let Some(data) = monospace
        .as_ref()
        .and_then(|name| fonts.font_data.get_mut(name))
    {
        std::sync::Arc::make_mut(data).tweak.subpixel_binning = Some(false);
    }
    if let (Some(monospace), Some(proportional)) = (
        monospace,
        fonts.families.get_mut(&egui::FontFamily::Proportional),
    ) {
        proportional.push(monospace);
    }
    ctx.set_fonts(fonts);
}

/// Closes the window after `after`, from a sleeping thread: no frames are
/// drawn while waiting.
fn close_after(ctx: egui::Context, after: Duration) {
    let spawned = std::thread::Builder::new()
        .name("tokenscope-quit-after".to_owned())
        .spawn(move || {
            std::thread::sleep(after);
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        });
    // Without the thread the window simply stays open, as it would anyway.
    drop(spawned);
}

/// The window's icon (`assets/icons/tokenscope.png`, 256×256; the same
/// file the desktop entry names), or none if it could not be read.
pub fn window_icon() -> Option<egui::IconData> {
    eframe::icon_data::from_png_bytes(include_bytes!("../../assets/icons/tokenscope.png")).ok()
}

/// Writes an egui image as PNG. A window's capture is opaque: it is
/// written as RGB (a quarter fewer bytes to filter and compress), and with
/// the Paeth filter on every row rather than trying all five per row —
/// 2.1 ms instead of 3.0 ms for the inspector's 1280×800 capture, and a
/// smaller file (528 KB instead of 538 KB).
pub fn save_png(path: &std::path::Path, image: &egui::ColorImage) -> Result<(), String> {
    use image::ImageEncoder as _;
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};

    let [width, height] = image.size;
    if image.pixels.len() != width.saturating_mul(height) {
        return Err("the screenshot has an unexpected size".to_owned());
    }
    let width = u32::try_from(width).map_err(|e| e.to_string())?;
    let height = u32::try_from(height).map_err(|e| e.to_string())?;
    let opaque = image.pixels.iter().all(|pixel| pixel.a() == u8::MAX);
    let (bytes, colour): (Vec<u8>, _) = if opaque {
        let rgb = image.pixels.iter().flat_map(|pixel| {
            let [r, g, b, _] = pixel.to_array();
            [r, g, b]
        });
        (rgb.collect(), image::ExtendedColorType::Rgb8)
    } else {
        let rgba = image.pixels.iter().flat_map(egui::Color32::to_array);
        (rgba.collect(), image::ExtendedColorType::Rgba8)
    };
    let written = std::fs::File::create(path)
        .map(std::io::BufWriter::new)
        .map_err(|error| error.to_string())
        .and_then(|file| {
            PngEncoder::new_with_quality(file, CompressionType::Fast, FilterType::Paeth)
                .write_image(&bytes, width, height, colour)
                .map_err(|error| error.to_string())
        });
    written.map_err(|error| format!("could not write {}: {error}", path.display()))
}

impl eframe::App for TokenscopeApp {
    fn clear_color(&self, visuals: &egui::Visuals) -> [f32; 4] {
        crate::ui::clear_color(visuals)
    }

    fn raw_input_hook(&mut self, ctx: &egui::Context, raw_input: &mut egui::RawInput) {
        // One pass at a time: the glyph warm-up's before the window's first.
        self.warmup.finish();
        raw_input.max_texture_side = raw_input
            .max_texture_side
            .map(|side| side.min(FONT_ATLAS_SIDE));
        self.zoom_before_the_first_pass(ctx, raw_input);
    }

    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        crate::i18n::set_language(self.workspace.language);
        self.land_jobs(ctx);
        self.poll_listener(ctx);
        self.auto_refresh(ctx);
        self.autoplay(ctx);
        self.dropped_files(ctx);
        self.apply_theme(ctx);
        self.apply_zoom(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        if let Some(counter) = &self.frame_counter {
            counter.fetch_add(1, Ordering::Relaxed);
        }
        let now = self.clock.now();
        let mut commands = Vec::new();
        self.sync_editor();
        self.workspace.sync_timeline(&mut self.timeline_synced);
        let edits = crate::ui::Edits {
            paste: &mut self.paste,
            profile_filter: &mut self.profile_filter,
            editor: self.editor.as_mut(),
            flow: &mut self.flow_editor,
            verify: &mut self.verify_inputs,
        };
        let shown = crate::ui::show(
            ui,
            &self.workspace,
            edits,
            now,
            self.background,
            &mut commands,
        );
        let ctx = ui.ctx().clone();
        for command in commands {
            self.handle(&ctx, command);
        }
        // A theme picked now is in place before the next frame's clear.
        self.apply_theme(&ctx);
        if shown.time_visible {
            // A countdown is on screen: tick once a second, and only then.
            ctx.request_repaint_after(Duration::from_secs(1));
        }
        self.maybe_take_screenshot(&ctx);
    }
}

#[cfg(test)]
mod tests {
    use super::save_png;

    fn written(image: &egui::ColorImage, name: &str) -> image::DynamicImage {
        let path =
            std::env::temp_dir().join(format!("tokenscope-{name}-{}.png", std::process::id()));
        save_png(&path, image).expect("written");
        let read = image::open(&path).expect("a PNG");
        let _ = std::fs::remove_file(&path);
        read
    }

    #[test]
    fn an_opaque_capture_is_written_as_rgb_and_a_translucent_one_keeps_its_alpha() {
        let opaque = egui::ColorImage::new(
            [3, 2],
            vec![
                egui::Color32::from_rgba_premultiplied(12, 34, 56, 255),
                egui::Color32::WHITE,
                egui::Color32::BLACK,
                egui::Color32::from_rgba_premultiplied(200, 100, 0, 255),
                egui::Color32::from_rgba_premultiplied(1, 2, 3, 255),
                egui::Color32::from_rgba_premultiplied(250, 251, 252, 255),
            ],
        );
        let read = written(&opaque, "opaque");
        assert_eq!(read.color(), image::ColorType::Rgb8);
        let pixels: Vec<[u8; 4]> = opaque.pixels.iter().map(egui::Color32::to_array).collect();
        let read: Vec<[u8; 4]> = read.to_rgba8().pixels().map(|p| p.0).collect();
        assert_eq!(read, pixels);

        let translucent = egui::ColorImage::new(
            [1, 1],
            vec![egui::Color32::from_rgba_premultiplied(10, 20, 30, 128)],
        );
        let read = written(&translucent, "translucent");
        assert_eq!(read.color(), image::ColorType::Rgba8);
        assert_eq!(read.to_rgba8().get_pixel(0, 0).0, [10, 20, 30, 128]);
    }

    #[test]
    fn an_image_whose_pixels_do_not_fill_its_size_is_refused() {
        let mut image = egui::ColorImage::new([2, 2], vec![egui::Color32::WHITE; 4]);
        image.pixels.pop();
        let path = std::env::temp_dir().join("tokenscope-short-image.png");
        assert!(save_png(&path, &image).is_err());
    }
}
