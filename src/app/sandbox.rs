//! The app's side of the sandbox: the running provider and the effects
//! waiting for it. The panel's state is [`crate::model::SandboxState`].

use crate::model::{Effect, RunningSandbox, SandboxEffect, SandboxStatus};
use crate::oauth::Profile;
use crate::sandbox::Personality;

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
                        ciba_ping_endpoint: None,
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
            client_key_file: client.key_file,
            decryption_key_file: client.decryption_key_file,
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
