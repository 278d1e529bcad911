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

/// `run --json` against the Sandbox profile with a header and a token
/// parameter marked secret: the values are sent (filled back in from the
/// secret store) but every line shows them masked.
#[test]
fn run_json_masks_the_values_a_profile_marks_secret() {
    use tokenscope::oauth::{Param, RequestKind};
    let dir = std::env::temp_dir().join(format!(
        "tokenscope-sandbox-cli-marked-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let tokenscope = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_tokenscope"))
            .arg("--config-dir")
            .arg(&dir)
            .args(["--secret-store", "file"])
            .args(args)
            .output()
            .expect("runs")
    };
    let mut profile = tokenscope::sandbox::first_launch_profile();
    let mut key = Param::new("X-Api-Key", "");
    key.secret = true;
    profile.headers = vec![key];
    let mut audience = Param::new("audience", "");
    audience.secret = true;
    profile.extra_params = vec![(RequestKind::Token, audience)];
    let header_value = "ключ-API-🙂-0123456789";
    let param_value = "аудитория-\u{200f}-abcdef";
    let document = serde_json::json!({
        "schema": 1,
        "profiles": [profile],
        "secrets": { profile.id.0.clone(): {
            "header:X-Api-Key": header_value,
            "param:token:audience": param_value,
        }},
    });
    let file = dir.join("in.json");
    std::fs::write(&file, document.to_string()).expect("write");
    let output = tokenscope(&["profiles", "import", file.to_str().expect("utf-8")]);
    assert!(output.status.success(), "{output:?}");
    std::fs::remove_file(&file).expect("remove the input");
    let on_disk = std::fs::read_to_string(dir.join("profiles.json")).expect("saved");
    assert!(!on_disk.contains(header_value) && !on_disk.contains(param_value));

    let output = tokenscope(&[
        "run",
        "--profile",
        "Sandbox",
        "--grant",
        "client_credentials",
        "--json",
    ]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!stdout.contains(header_value), "{stdout}");
    assert!(!stdout.contains("0123456789"), "{stdout}");
    assert!(!stdout.contains("abcdef"), "{stdout}");
    let token_line: serde_json::Value = stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .find(|line| line["step"] == "client_credentials")
        .expect("the token step");
    assert_eq!(token_line["ok"], true, "{token_line}");
    let headers = token_line["request"]["headers"]
        .as_array()
        .expect("headers");
    let sent = headers
        .iter()
        .find(|h| {
            h[0].as_str()
                .is_some_and(|n| n.eq_ignore_ascii_case("x-api-key"))
        })
        .expect("the marked header was sent");
    // The first 6 and last 4 characters: the filled-in value went out.
    assert_eq!(sent[1], "ключ-A…6789");
    let body: Vec<u8> =
        serde_json::from_value(token_line["request"]["body"].clone()).expect("body bytes");
    let body = String::from_utf8(body).expect("a form");
    assert!(
        body.contains("audience="),
        "the marked parameter was sent: {body}"
    );
    assert!(!body.contains("abcdef"), "{body}");
    std::fs::remove_dir_all(&dir).ok();
}
