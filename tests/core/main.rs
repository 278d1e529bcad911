#![expect(
    clippy::expect_used,
    reason = "test helpers fail loudly on broken fixtures"
)]
//! The core without a window: finding and decoding tokens (the fixtures
//! shaped like our providers' material, the forms tokens are pasted in, bad
//! input; fixed clock), profiles on disk, and the headless commands.

mod bad_input;
mod diagnose;
mod dpop;
mod export;
mod fixtures;
mod forms;
mod fuzz_replay;
mod headless;
mod hostile;
mod jar;
#[path = "../support/json_server.rs"]
mod json_server;
mod jwe;
mod layering;
mod mending;
mod network;
mod pasted_errors;
mod profiles;
mod properties;
mod sd_jwt;
#[path = "../support/vc_issuer.rs"]
mod vc_issuer;
mod verify;
mod window;

use tokenscope::paste::{Inspection, inspect};
use tokenscope::token::Timestamp;

/// When the fixture tokens were issued (`generated_at` in `tests/fixtures/expected.json`).
pub const GENERATED_AT: i64 = 1_795_387_806;

/// A fixture's text.
pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Facts about the fixtures.
pub fn expected() -> serde_json::Value {
    serde_json::from_str(&fixture("expected.json")).expect("expected.json is JSON")
}

/// Inspects text pasted at the fixtures' issue time.
pub fn inspect_at_issue(text: &str) -> Inspection {
    inspect(text, Timestamp::from_unix(GENERATED_AT))
}

/// The desktop entry starts `tokenscope` with its icon, and the icon the
/// window and the entry use is a square PNG big enough for any taskbar.
#[test]
fn the_desktop_entry_and_the_window_icon_belong_together() {
    let entry = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/tokenscope.desktop"
    ))
    .expect("assets/tokenscope.desktop");
    for line in [
        "[Desktop Entry]",
        "Type=Application",
        "Exec=tokenscope",
        "Icon=tokenscope",
        "StartupWMClass=tokenscope",
    ] {
        assert!(entry.lines().any(|l| l == line), "missing {line}");
    }
    let icon = tokenscope::app::window_icon().expect("the icon decodes");
    assert_eq!((icon.width, icon.height), (256, 256));
    assert_eq!(icon.rgba.len(), 256 * 256 * 4);
}

/// Runs `tokenscope COMMAND ARGS` with `stdin` and environment `env`: exit
/// code, the JSON on standard output (null when there is none), standard error.
pub fn tokenscope(
    command: &str,
    args: &[&str],
    stdin: &str,
    env: &[(&str, &str)],
) -> (i32, serde_json::Value, String) {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_tokenscope"))
        .arg(command)
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tokenscope runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write");
    let output = child.wait_with_output().expect("tokenscope finishes");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report = if stdout.trim().is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
    };
    (
        output.status.code().unwrap_or(-1),
        report,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}
