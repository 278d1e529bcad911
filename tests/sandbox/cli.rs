//! `tokenscope run --profile Sandbox` on a fresh config directory: the
//! README's first command works with no provider installed and no network.

use std::process::Command;

use crate::support::browser_command;

#[test]
fn run_on_a_fresh_config_dir_walks_the_sandbox_profile() {
    let dir = std::env::temp_dir().join(format!("tokenscope-sandbox-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let output = Command::new(env!("CARGO_BIN_EXE_tokenscope"))
        .arg("--config-dir")
        .arg(&dir)
        .args([
            "--secret-store",
            "file",
            "run",
            "--profile",
            "Sandbox",
            "--json",
            "--browser",
        ])
        .arg(browser_command())
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let steps: Vec<(String, bool)> = stdout
        .lines()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
            (
                value["step"].as_str().unwrap_or_default().to_owned(),
                value["ok"] == true,
            )
        })
        .collect();
    let names: Vec<&str> = steps.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(
        names,
        [
            "discovery",
            "authorize",
            "callback",
            "token",
            "userinfo",
            "refresh"
        ]
    );
    assert!(steps.iter().all(|(_, ok)| *ok), "{steps:?}");
    std::fs::remove_dir_all(&dir).ok();
}
