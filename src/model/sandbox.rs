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
    /// The FAPI personalities' client key file (a public sandbox credential too).
    pub client_key_file: Option<String>,
    /// The encrypting personality's client decryption key file (a public
    /// sandbox credential too): the profile's `decryption_key_file`.
    pub decryption_key_file: Option<String>,
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
    /// The keys were rotated (the new generation), or could not be.
    pub fn rotated(&mut self, result: Result<u32, String>) {
        match result {
            Ok(generation) => {
                if let SandboxStatus::Running(running) = &mut self.status {
                    running.key_generation = generation;
                }
            }
            Err(message) => self.status = SandboxStatus::Failed(message),
        }
    }

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
pub fn with_sandbox_secret(command: super::Command) -> super::Command {
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
            client_key_file: None,
            decryption_key_file: None,
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
