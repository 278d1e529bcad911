//! Starting a sandbox in-process and playing its login page.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

use tokenscope::app::system_now;
use tokenscope::net::{ClientOptions, Exchange, NetRuntime, RequestDraft, build_client, send};
use tokenscope::oauth::Profile;
use tokenscope::oauth::runner::{Browser, FlowSession, RunOptions, VerifyMode};
use tokenscope::sandbox::{Faults, Personality, Sandbox, SandboxConfig};
use tokenscope::secret::Secret;
use tokenscope::token::keys::KeySet;

/// A free loopback port.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a loopback port")
        .port()
}

/// `tests/provider/sandbox-browser.mjs`.
pub fn browser_script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/provider/sandbox-browser.mjs")
}

/// The `--browser` command that signs in as anna on the sandbox's page.
pub fn browser_command() -> String {
    format!("node {}", browser_script().display())
}

/// Plays the browser for `url`; returns the address it ended on.
pub fn play(url: &str, extra: &[&str]) -> String {
    let output = Command::new("node")
        .arg(browser_script())
        .arg(url)
        .args(extra)
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "sandbox-browser failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// A sandbox on its own runtime, with a profile and secret that fit it.
pub struct Rig {
    pub runtime: NetRuntime,
    pub sandbox: Sandbox,
    pub profile: Profile,
    pub secret: Secret,
}

impl Rig {
    pub fn start(personality: Personality, faults: Faults) -> Self {
        let runtime = NetRuntime::new().expect("runtime");
        let config = SandboxConfig {
            personality,
            port: 0,
            faults,
            // Each rig its own port: tests run in parallel.
            ciba_ping_endpoint: Some(format!("http://127.0.0.1:{}/ciba/notify", free_port())),
        };
        let sandbox = Sandbox::start(&runtime.handle(), config, Arc::new(system_now))
            .expect("sandbox starts");
        let mut profile = sandbox.profile();
        profile.redirect_uri = format!("http://127.0.0.1:{}/callback", free_port());
        let secret = Secret::new(sandbox.client().client_secret);
        Self {
            runtime,
            sandbox,
            profile,
            secret,
        }
    }

    pub fn session(&self) -> FlowSession {
        FlowSession::new(self.profile.clone(), Some(self.secret.clone()))
    }

    pub fn options() -> RunOptions {
        RunOptions {
            browser: Browser::Command(browser_command()),
            callback_timeout: std::time::Duration::from_secs(30),
            ..RunOptions::default()
        }
    }

    /// [`Rig::options`] for tests that look at bad tokens themselves: the
    /// engine reports its verification and lets the steps stand.
    pub fn report_only() -> RunOptions {
        RunOptions {
            verify: VerifyMode::Report,
            ..Self::options()
        }
    }

    /// Sends a request with the profile's client.
    pub fn send(&self, draft: &RequestDraft) -> Exchange {
        let options = ClientOptions::default();
        let client = build_client(&self.profile, &options).expect("client");
        self.runtime.block_on(send(&client, draft, &options))
    }

    /// The keys a relying party verifies with: the JWKS, or the bank's certificate endpoint.
    pub fn keys(&self) -> KeySet {
        let endpoints = self.sandbox.endpoints();
        let url = if endpoints.jwks.is_empty() {
            endpoints
                .extra
                .iter()
                .find(|p| p.name == "certificate")
                .map(|p| p.value.clone())
                .expect("certificate endpoint")
        } else {
            endpoints.jwks
        };
        let exchange = self.send(&RequestDraft::get(&url));
        let text = exchange.response.expect("keys answer").text();
        KeySet::from_text(&text, "sandbox")
    }
}
