//! The sandbox panel's state: which personality, which faults, whether the
//! built-in provider runs. The provider itself (a [`crate::sandbox::Sandbox`])
//! belongs to the app, which starts it off the UI thread.

use crate::oauth::Profile;
use crate::sandbox::{Faults, Personality};

use super::workspace::Effect;

/// Something the user did in the sandbox panel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SandboxCommand {
    /// Show or hide the panel.
    TogglePanel,
    /// Pick who the sandbox imitates (applies at the next start).
    Choose(Personality),
    /// Start it (on its default loopback port, or any free one).
    Start,
    /// Stop it.
    Stop,
    /// Flip fault switches (applies at once when running).
    SetFaults(Faults),
    /// Replace the signing keys now.
    RotateKeys,
}

/// What the app does for the sandbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SandboxEffect {
    /// Start a sandbox.
    Start {
        /// Who it imitates.
        personality: Personality,
        /// The loopback port to try first.
        port: u16,
        /// Faults on at start.
        faults: Faults,
    },
    /// Stop the running sandbox.
    Stop,
    /// Change the running sandbox's faults.
    SetFaults(Faults),
    /// Rotate the running sandbox's keys.
    RotateKeys,
}

/// A running sandbox, as the panel shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunningSandbox {
    /// Who it imitates.
    pub personality: Personality,
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    /// The issuer.
    pub issuer: String,
    /// The client id a profile uses.
    pub client_id: String,
    /// Its secret (a public sandbox credential).
    pub client_secret: String,
    /// Key generation (1 at start, +1 per rotation).
    pub key_generation: u32,
}

/// Where the sandbox stands.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum SandboxStatus {
    /// Not running.
    #[default]
    Stopped,
    /// Making keys and binding its port.
    Starting,
    /// Serving.
    Running(RunningSandbox),
    /// Could not start.
    Failed(String),
}

/// The sandbox panel's state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SandboxState {
    /// Whether the panel is on screen.
    pub panel_open: bool,
    /// The personality for the next start.
    pub personality: Personality,
    /// The fault switches.
    pub faults: Faults,
    /// Where it stands.
    pub status: SandboxStatus,
}

impl SandboxState {
    /// Applies a panel command.
    pub fn apply(&mut self, command: SandboxCommand) -> Vec<Effect> {
        match command {
            SandboxCommand::TogglePanel => {
                self.panel_open = !self.panel_open;
                Vec::new()
            }
            SandboxCommand::Choose(personality) => {
                self.personality = personality;
                Vec::new()
            }
            SandboxCommand::Start => self.start(self.personality, crate::sandbox::DEFAULT_PORT),
            SandboxCommand::Stop => {
                self.status = SandboxStatus::Stopped;
                vec![Effect::Sandbox(SandboxEffect::Stop)]
            }
            SandboxCommand::SetFaults(faults) => {
                self.faults = faults.clone();
                vec![Effect::Sandbox(SandboxEffect::SetFaults(faults))]
            }
            SandboxCommand::RotateKeys => vec![Effect::Sandbox(SandboxEffect::RotateKeys)],
        }
    }

    /// Starts a sandbox of `personality`, trying `port` first.
    pub fn start(&mut self, personality: Personality, port: u16) -> Vec<Effect> {
        if self.status == SandboxStatus::Starting {
            return Vec::new();
        }
        self.personality = personality;
        self.status = SandboxStatus::Starting;
        vec![Effect::Sandbox(SandboxEffect::Start {
            personality,
            port,
            faults: self.faults.clone(),
        })]
    }

    /// Whether a sandbox that serves `profile` runs now: same personality,
    /// same base URL.
    pub fn serves(&self, profile: &Profile) -> bool {
        match (&self.status, crate::sandbox::personality_of(profile)) {
            (SandboxStatus::Running(running), Some(personality)) => {
                running.personality == personality
                    && profile
                        .endpoints
                        .authorization
                        .starts_with(&running.base_url)
            }
            _ => false,
        }
    }
}

/// A flow started for a Sandbox profile without a stored secret gets the
/// sandbox's own (a public sandbox credential).
pub(super) fn with_sandbox_secret(command: super::Command) -> super::Command {
    match command {
        super::Command::Flow(super::FlowCommand::Start {
            profile,
            secret: None,
            tls_passphrase,
        }) => {
            let secret = crate::sandbox::client_secret_of(&profile);
            super::Command::Flow(super::FlowCommand::Start {
                profile,
                secret,
                tls_passphrase,
            })
        }
        other => other,
    }
}

// ---- The app's side: the running provider and the effects waiting for it.

impl super::TokenscopeApp {
    /// The personality a network effect's profile needs a sandbox for, when
    /// no running sandbox serves it yet.
    pub(super) fn sandbox_needed(&self, effect: &Effect) -> Option<(Personality, u16)> {
        let profile = match effect {
            Effect::SendStep { profile, .. }
            | Effect::Discover(profile)
            | Effect::FetchJwks(profile) => profile.as_ref(),
            Effect::OpenBrowser { .. } => &self.workspace.flow.as_ref()?.session.profile,
            _ => return None,
        };
        let personality = crate::sandbox::personality_of(profile)?;
        if self.workspace.sandbox.serves(profile) && self.sandbox.is_some() {
            return None;
        }
        let port = crate::sandbox::profile_port(profile).unwrap_or(crate::sandbox::DEFAULT_PORT);
        Some((personality, port))
    }

    /// Holds `effect` until a sandbox of `personality` runs, starting one
    /// (replacing a running one of another personality).
    pub(super) fn wait_for_sandbox(&mut self, effect: Effect, personality: Personality, port: u16) {
        self.awaiting_sandbox.push(effect);
        if self.workspace.sandbox.status == SandboxStatus::Starting {
            return;
        }
        if let Some(running) = self.sandbox.take() {
            running.stop();
        }
        let effects = self.workspace.sandbox.start(personality, port);
        for effect in effects {
            if let Effect::Sandbox(effect) = effect {
                self.sandbox_effect(effect);
            }
        }
    }

    /// Carries out a sandbox effect.
    pub(super) fn sandbox_effect(&mut self, effect: SandboxEffect) {
        match effect {
            SandboxEffect::Start {
                personality,
                port,
                faults,
            } => {
                if let Some(running) = self.sandbox.take() {
                    running.stop();
                }
                let clock = self.clock;
                self.jobs.start_sandbox(
                    crate::sandbox::SandboxConfig {
                        personality,
                        port,
                        faults,
                    },
                    std::sync::Arc::new(move || clock.now()),
                );
            }
            SandboxEffect::Stop => {
                if let Some(running) = self.sandbox.take() {
                    running.stop();
                }
            }
            SandboxEffect::SetFaults(faults) => {
                if let Some(running) = &self.sandbox {
                    running.set_faults(faults);
                }
            }
            SandboxEffect::RotateKeys => {
                if let Some(running) = &self.sandbox {
                    self.jobs.rotate_sandbox_keys(running.controls());
                }
            }
        }
    }

    /// A sandbox started (or not): record it, point sandbox profiles at it,
    /// and run what was waiting for it.
    pub(super) fn sandbox_started(
        &mut self,
        ctx: &egui::Context,
        result: Result<crate::sandbox::Sandbox, String>,
    ) {
        let waiting = std::mem::take(&mut self.awaiting_sandbox);
        let sandbox = match result {
            Ok(sandbox) => sandbox,
            Err(message) => {
                self.workspace.sandbox.status = SandboxStatus::Failed(message.clone());
                if let Some(flow) = self.workspace.flow.as_mut() {
                    flow.waiting = None;
                    flow.session.failed(
                        crate::oauth::flow::Step::Discovery,
                        crate::oauth::flow::StepFailure::new(crate::tr!(
                            "sandbox-could-not-start",
                            message = message.as_str()
                        )),
                        self.clock.now(),
                    );
                }
                return;
            }
        };
        let personality = sandbox.personality();
        let base = sandbox.base_url();
        let client = sandbox.client();
        self.workspace.sandbox.status = SandboxStatus::Running(RunningSandbox {
            personality,
            base_url: base.clone(),
            issuer: sandbox.issuer(),
            client_id: client.client_id,
            client_secret: client.client_secret,
            key_generation: sandbox.key_generation(),
        });
        self.sandbox = Some(sandbox);
        self.repoint_sandbox_profiles(personality, &base);
        let effects = waiting
            .into_iter()
            .map(|effect| rebase(effect, personality, &base))
            .collect();
        self.run_effects(ctx, effects);
    }

    /// Key rotation finished.
    pub(super) fn sandbox_rotated(&mut self, result: Result<u32, String>) {
        match result {
            Ok(generation) => {
                if let SandboxStatus::Running(running) = &mut self.workspace.sandbox.status {
                    running.key_generation = generation;
                }
            }
            Err(message) => self.workspace.sandbox.status = SandboxStatus::Failed(message),
        }
    }

    /// Saved profiles and the flow run of this personality whose port was
    /// taken move to the sandbox's actual address.
    fn repoint_sandbox_profiles(&mut self, personality: Personality, base: &str) {
        let mut changed = false;
        for profile in &mut self.workspace.profiles.list {
            if crate::sandbox::personality_of(profile) == Some(personality)
                && !profile.endpoints.authorization.starts_with(base)
            {
                crate::sandbox::repoint(profile, personality, base);
                changed = true;
            }
        }
        if changed {
            self.jobs
                .save_profiles(self.workspace.profiles.list.clone());
        }
        if let Some(flow) = self.workspace.flow.as_mut()
            && crate::sandbox::personality_of(&flow.session.profile) == Some(personality)
        {
            crate::sandbox::repoint(&mut flow.session.profile, personality, base);
            if flow.session.secret.is_none() {
                flow.session.secret = crate::sandbox::client_secret_of(&flow.session.profile);
            }
        }
    }
}

/// An effect that waited for the sandbox, moved to where it actually runs.
fn rebase(effect: Effect, personality: Personality, base: &str) -> Effect {
    let moved = |profile: &Profile| {
        let old =
            crate::sandbox::profile_port(profile).map(|port| format!("http://127.0.0.1:{port}"));
        let mut profile = profile.clone();
        crate::sandbox::repoint(&mut profile, personality, base);
        (old, profile)
    };
    match effect {
        Effect::SendStep {
            profile,
            step,
            mut draft,
            tls_passphrase,
        } => {
            let (old, profile) = moved(&profile);
            if let Some(old) = old {
                draft.url = draft.url.replacen(&old, base, 1);
            }
            Effect::SendStep {
                profile: Box::new(profile),
                step,
                draft,
                tls_passphrase,
            }
        }
        Effect::Discover(profile) => Effect::Discover(Box::new(moved(&profile).1)),
        Effect::FetchJwks(profile) => Effect::FetchJwks(Box::new(moved(&profile).1)),
        Effect::OpenBrowser { url, redirect_uri } => {
            let url = match url
                .split_once("://")
                .and_then(|(_, rest)| rest.split_once('/'))
            {
                Some((_, path)) => format!("{base}/{path}"),
                None => url,
            };
            Effect::OpenBrowser { url, redirect_uri }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_once_then_running_serves_its_profile() {
        let mut state = SandboxState::default();
        assert_eq!(state.apply(SandboxCommand::Start).len(), 1);
        assert!(
            state.apply(SandboxCommand::Start).is_empty(),
            "already starting"
        );
        state.status = SandboxStatus::Running(RunningSandbox {
            personality: Personality::Generic,
            base_url: "http://127.0.0.1:53690".to_owned(),
            issuer: "http://127.0.0.1:53690".to_owned(),
            client_id: "sandbox-client".to_owned(),
            client_secret: "sandbox-secret".to_owned(),
            key_generation: 1,
        });
        let profile =
            crate::sandbox::sandbox_profile(Personality::Generic, "http://127.0.0.1:53690");
        assert!(state.serves(&profile));
        let other =
            crate::sandbox::sandbox_profile(Personality::Keycloak, "http://127.0.0.1:53690");
        assert!(!state.serves(&other));
    }
}
