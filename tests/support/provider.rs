//! A real identity provider for integration tests: `tests/provider/server.mjs`
//! (panva's certified `oidc-provider` on Node.js) on a loopback port, and a
//! scripted user that plays the browser (`tests/provider/browser.mjs`).
//!
//! Needs `node` and `npm` on `PATH`; the first [`TestProvider::start`] in a
//! process runs `npm ci` in `tests/provider` when `node_modules` is missing or
//! older than `package-lock.json`. Clients, secrets and pages:
//! `tests/provider/README.md`.
//!
//! Include it from a test binary's `main.rs` with `mod provider;` (the file
//! sits in `tests/support/`, so: `#[path = "../support/provider.rs"] mod provider;`).

use std::fs::{self, File};
use std::io::{BufRead as _, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, mpsc};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// Each test binary that includes this module uses a different part of it;
/// naming every public item here keeps `dead_code` quiet in all of them.
const _: () = {
    let _ = TestProvider::start;
    let _ = TestProvider::start_tls;
    let _ = TestProvider::start_with_env;
    let _ = TestProvider::play_browser;
    let _ = TestProvider::play_browser_with;
    let _ = TestProvider::browser_command;
    let _ = free_port;
    let _ = ensure_node_modules;
    let _ = |provider: &TestProvider| provider.issuer.len();
};

/// How long `server.mjs` may take to print its ready line.
const READY_TIMEOUT: Duration = Duration::from_secs(20);

/// The provider behind TLS (`server.mjs`'s `TLS_*` variables): PEM files.
#[derive(Clone, Debug)]
pub struct TlsSetup {
    /// The server certificate (chain), `TLS_CERT`.
    pub cert: PathBuf,
    /// Its private key, `TLS_KEY`.
    pub key: PathBuf,
    /// The CA that signs client certificates, `TLS_CLIENT_CA`: turns on
    /// mutual TLS (the `client-mtls` client and the mTLS alias listener).
    pub client_ca: Option<PathBuf>,
}

/// A running oidc-provider on loopback; killed on drop.
pub struct TestProvider {
    /// `http://127.0.0.1:PORT` (`https://` behind TLS), exactly as the provider reports it
    /// (discovery at `{issuer}/.well-known/openid-configuration`).
    pub issuer: String,
    child: Child,
    /// Kept open: node exits by itself when this pipe closes, so a test
    /// process that dies without running `Drop` leaves no node behind.
    stdin: Option<ChildStdin>,
    /// Everything the provider wrote to stderr so far, for failure messages.
    stderr: Arc<Mutex<String>>,
}

impl TestProvider {
    /// Starts `tests/provider/server.mjs` with these redirect URIs registered
    /// for every client; waits (at most 20 s) for its ready line.
    ///
    /// Runs `npm ci` in `tests/provider` first if `node_modules` is missing
    /// or stale (once per process, under a file lock across processes).
    ///
    /// # Panics
    /// If `node` or `npm` cannot run, `npm ci` fails, or the provider does
    /// not report ready in time; the message carries the provider's stderr.
    #[must_use]
    pub fn start(redirect_uris: &[&str]) -> Self {
        Self::spawn(redirect_uris, &[])
    }

    /// [`Self::start`] behind TLS: the issuer is `https://127.0.0.1:PORT`.
    ///
    /// # Panics
    /// As [`Self::start`].
    #[must_use]
    pub fn start_tls(redirect_uris: &[&str], tls: &TlsSetup) -> Self {
        let mut env = vec![("TLS_CERT", tls.cert.clone()), ("TLS_KEY", tls.key.clone())];
        if let Some(ca) = &tls.client_ca {
            env.push(("TLS_CLIENT_CA", ca.clone()));
        }
        Self::spawn(redirect_uris, &env)
    }

    /// [`Self::start`] with more of `server.mjs`'s variables, e.g.
    /// `CIBA_PING_ENDPOINT` (registers `client-ciba-ping`).
    ///
    /// # Panics
    /// As [`Self::start`].
    #[must_use]
    pub fn start_with_env(redirect_uris: &[&str], env: &[(&str, &str)]) -> Self {
        let env: Vec<(&str, PathBuf)> = env
            .iter()
            .map(|(name, value)| (*name, PathBuf::from(value)))
            .collect();
        Self::spawn(redirect_uris, &env)
    }

    fn spawn(redirect_uris: &[&str], env: &[(&str, PathBuf)]) -> Self {
        ensure_node_modules();
        let dir = provider_dir();
        let mut child = Command::new("node")
            .arg("server.mjs")
            .current_dir(&dir)
            .env("PORT", "0")
            .env("REDIRECT_URIS", redirect_uris.join(","))
            .envs(env.iter().map(|(name, value)| (name, value)))
            .env("DEVICE_POLL_INTERVAL", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot run `node server.mjs` in {} ({e}): the provider tests need Node.js >= 20.18 on PATH",
                    dir.display()
                )
            });
        let stdin = child.stdin.take();
        let stdout = child
            .stdout
            .take()
            .unwrap_or_else(|| panic!("node's stdout was not piped"));
        let stderr_pipe = child
            .stderr
            .take()
            .unwrap_or_else(|| panic!("node's stderr was not piped"));

        let stderr = Arc::new(Mutex::new(String::new()));
        let stderr_thread = drain_stderr(stderr_pipe, Arc::clone(&stderr));
        let (ready_tx, ready_rx) = mpsc::channel();
        thread::Builder::new()
            .name("provider-stdout".to_owned())
            .spawn(move || {
                let mut lines = BufReader::new(stdout).lines();
                if let Some(Ok(line)) = lines.next() {
                    // The receiver may have given up already; nothing to do then.
                    ready_tx.send(line).ok();
                }
                // Keep the pipe open and empty until node exits.
                for _ in lines {}
            })
            .unwrap_or_else(|e| panic!("cannot spawn the provider-stdout thread: {e}"));

        let line = match ready_rx.recv_timeout(READY_TIMEOUT) {
            Ok(line) => line,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let log = stop(&mut child, stderr_thread, &stderr);
                panic!(
                    "the test provider printed no ready line within {READY_TIMEOUT:?}\n--- provider stderr ---\n{log}"
                );
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                let log = stop(&mut child, stderr_thread, &stderr);
                panic!(
                    "the test provider exited before it was ready\n--- provider stderr ---\n{log}"
                );
            }
        };
        let Some(issuer) = line
            .trim()
            .strip_prefix(r#"{"issuer":""#)
            .and_then(|rest| rest.strip_suffix(r#""}"#))
            .filter(|issuer| {
                issuer.starts_with("http://127.0.0.1:") || issuer.starts_with("https://127.0.0.1:")
            })
            .map(str::to_owned)
        else {
            let log = stop(&mut child, stderr_thread, &stderr);
            panic!(
                "the test provider's ready line is not {{\"issuer\":\"http://127.0.0.1:PORT\"}}: {line:?}\n--- provider stderr ---\n{log}"
            );
        };
        Self {
            issuer,
            child,
            stdin,
            stderr,
        }
    }

    /// Runs `browser.mjs` on `authorize_url` (signs in as "alice", grants
    /// consent) and returns the final redirect URL it printed. The redirect
    /// is also delivered to the redirect URI with a real GET; nothing need
    /// listen there.
    ///
    /// # Panics
    /// If the browser meets an unexpected page or error (message includes
    /// the browser's and the provider's stderr).
    #[must_use]
    pub fn play_browser(&self, authorize_url: &str) -> String {
        self.play_browser_with(authorize_url, &[])
    }

    /// [`Self::play_browser`] with extra `browser.mjs` options, e.g.
    /// `["--deny"]` (press Cancel on the consent page: `error=access_denied`)
    /// or `["--login", "bob"]`.
    ///
    /// # Panics
    /// As [`Self::play_browser`].
    #[must_use]
    pub fn play_browser_with(&self, authorize_url: &str, options: &[&str]) -> String {
        let script = browser_script();
        let output = Command::new("node")
            .arg(&script)
            .arg(authorize_url)
            .args(options)
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("cannot run `node {}` ({e})", script.display()));
        let stdout = String::from_utf8_lossy(&output.stdout);
        let browser_log = String::from_utf8_lossy(&output.stderr);
        let final_url = stdout.lines().map(str::trim).rfind(|line| !line.is_empty());
        match final_url {
            Some(url) if output.status.success() => url.to_owned(),
            _ => panic!(
                "browser.mjs failed ({}) on {authorize_url}\n--- browser stderr ---\n{browser_log}--- provider stderr ---\n{}",
                output.status,
                self.stderr_so_far()
            ),
        }
    }

    /// The command line for tokenscope's `--browser CMD` option:
    /// `node /abs/path/tests/provider/browser.mjs` (the URL is appended).
    #[must_use]
    pub fn browser_command() -> String {
        format!("node {}", browser_script().display())
    }

    fn stderr_so_far(&self) -> String {
        self.stderr
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for TestProvider {
    fn drop(&mut self) {
        drop(self.stdin.take());
        // Already gone is fine: there is nothing left to stop.
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// A free loopback port (bind 127.0.0.1:0, read the port, drop the listener).
///
/// # Panics
/// If no loopback port can be bound.
#[must_use]
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .unwrap_or_else(|e| panic!("cannot bind a loopback port: {e}"))
        .port()
}

fn provider_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("provider")
}

fn browser_script() -> PathBuf {
    provider_dir().join("browser.mjs")
}

/// Collects node's stderr into `sink` until the pipe closes.
fn drain_stderr(
    mut pipe: impl std::io::Read + Send + 'static,
    sink: Arc<Mutex<String>>,
) -> JoinHandle<()> {
    thread::Builder::new()
        .name("provider-stderr".to_owned())
        .spawn(move || {
            let mut buf = [0_u8; 4096];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        })
        .unwrap_or_else(|e| panic!("cannot spawn the provider-stderr thread: {e}"))
}

/// Kills a provider that failed to start and returns all it wrote to stderr.
fn stop(child: &mut Child, stderr_thread: JoinHandle<()>, stderr: &Mutex<String>) -> String {
    child.kill().ok();
    let status = child
        .wait()
        .map_or_else(|e| format!("unknown ({e})"), |s| s.to_string());
    stderr_thread.join().ok();
    let log = stderr
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    format!("{log}(node: {status})\n")
}

/// `npm ci` in `tests/provider` when `node_modules` is missing or older than
/// `package-lock.json`: once per process, and under an exclusive file lock so
/// test binaries running at the same time do not install over each other.
pub fn ensure_node_modules() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let dir = provider_dir();
        assert!(
            dir.join("package.json").is_file(),
            "no package.json in {}: the test provider lives in tests/provider",
            dir.display()
        );
        let lock_path =
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("tokenscope-test-provider-npm.lock");
        let lock = File::create(&lock_path)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", lock_path.display()));
        lock.lock()
            .unwrap_or_else(|e| panic!("cannot lock {}: {e}", lock_path.display()));
        if node_modules_stale(&dir) {
            let output = Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
                .current_dir(&dir)
                .stdin(Stdio::null())
                .output()
                .unwrap_or_else(|e| {
                    panic!(
                        "cannot run `npm ci` in {} ({e}): the provider tests need npm on PATH",
                        dir.display()
                    )
                });
            assert!(
                output.status.success(),
                "`npm ci` in {} failed ({})\n--- stdout ---\n{}--- stderr ---\n{}",
                dir.display(),
                output.status,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        // Dropping the file releases the lock.
        drop(lock);
    });
}

/// Whether `node_modules` must be (re)installed from `package-lock.json`.
fn node_modules_stale(dir: &Path) -> bool {
    let modified = |path: PathBuf| fs::metadata(path).and_then(|m| m.modified()).ok();
    // npm writes node_modules/.package-lock.json at the end of every install.
    match (
        modified(dir.join("node_modules").join(".package-lock.json")),
        modified(dir.join("package-lock.json")),
    ) {
        (Some(installed), Some(locked)) => installed < locked,
        _ => true,
    }
}
