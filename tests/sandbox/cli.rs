//! `tokenscope run --profile Sandbox` on a fresh config directory: the
//! README's first command works with no provider installed and no network.

use std::process::Command;

use tokenscope::sandbox::{Faults, Personality};

use crate::support::{Rig, browser_command};

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
    // The ID token was verified with the sandbox's published keys and the
    // run's nonce, as `tokenscope verify` would.
    let token_line: serde_json::Value = stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .find(|line| line["step"] == "token")
        .expect("the token step");
    assert_eq!(token_line["verification"]["passed"], true, "{token_line}");
    let id_token = token_line["tokens"]
        .as_array()
        .and_then(|tokens| tokens.iter().find(|t| t["role"] == "id"))
        .expect("an ID token");
    assert_eq!(id_token["signature"]["status"], "valid", "{id_token}");
    assert_eq!(id_token["checked_as"], "id");
    let nonce = id_token["checks"]
        .as_array()
        .and_then(|checks| checks.iter().find(|c| c["name"] == "nonce"))
        .expect("a nonce check");
    assert_eq!(nonce["status"], "pass", "{nonce}");
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

/// A profile export for the in-process sandbox `rig` (not a sandbox profile,
/// so `run` talks to this sandbox, faults and all, rather than starting its own).
fn rig_profile_file(rig: &Rig, dir: &std::path::Path) -> std::path::PathBuf {
    let mut profile = rig.profile.clone();
    profile.preset = None;
    "Rig".clone_into(&mut profile.name);
    let document = serde_json::json!({
        "schema": 1,
        "profiles": [profile],
        "secrets": { profile.id.0.clone(): { "client_secret": rig.secret.expose() } },
    });
    let file = dir.join("rig.json");
    std::fs::write(&file, document.to_string()).expect("write the profile");
    file
}

pub fn run_against(rig: &Rig, name: &str, extra: &[&str]) -> (i32, String, String) {
    let dir = std::env::temp_dir().join(format!("tokenscope-rig-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = rig_profile_file(rig, &dir);
    let output = Command::new(env!("CARGO_BIN_EXE_tokenscope"))
        .arg("--config-dir")
        .arg(&dir)
        .args(["--secret-store", "file", "run", "--profile-file"])
        .arg(&file)
        .args(extra)
        .arg("--browser")
        .arg(browser_command())
        .output()
        .expect("runs");
    std::fs::remove_dir_all(&dir).ok();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// With a token that does not verify, `run` fails the token step and says
/// which check failed; `--no-verify` reports the same and goes on.
#[test]
fn run_fails_the_step_naming_the_check_a_bad_token_fails() {
    for (fault, check) in [
        ("wrong-key", "ID token: signature:"),
        ("wrong-nonce", "ID token: nonce:"),
        ("wrong-at-hash", "ID token: at_hash:"),
    ] {
        let mut faults = Faults::default();
        faults.apply(fault).expect("a fault");
        let rig = Rig::start(Personality::Generic, faults);
        let (code, stdout, stderr) = run_against(&rig, fault, &[]);
        assert_eq!(code, 1, "{fault}: {stdout}\n{stderr}");
        let token_line = stdout
            .lines()
            .find(|line| line.starts_with("✗ Token"))
            .unwrap_or_else(|| panic!("{fault}: no failed token line in {stdout}"));
        assert!(token_line.contains(check), "{fault}: {token_line}");
        assert!(
            stdout.contains(&format!("NOT verified: {check}")),
            "{fault}: {stdout}"
        );
        assert!(
            !stdout.contains("UserInfo"),
            "{fault}: the run stopped: {stdout}"
        );

        let (code, stdout, stderr) = run_against(&rig, fault, &["--no-verify", "--json"]);
        assert_eq!(code, 0, "{fault} --no-verify: {stdout}\n{stderr}");
        let token_line: serde_json::Value = stdout
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .find(|line| line["step"] == "token")
            .expect("the token step");
        assert_eq!(token_line["ok"], true);
        assert_eq!(token_line["verification"]["passed"], false);
        let failed = token_line["verification"]["failed_check"]
            .as_str()
            .unwrap_or_default();
        assert!(failed.starts_with(check), "{fault}: {failed}");
    }
}

/// A provider that answers a refresh without `id_token` or `refresh_token`
/// (OIDC Core §12.2, RFC 6749 §6) and requires `id_token_hint` at logout:
/// the run keeps its ID token, says so, and signs out with it.
#[test]
fn a_bare_refresh_keeps_the_id_token_for_logout() {
    let mut faults = Faults::default();
    faults.apply("bare-refresh").expect("fault");
    faults.apply("logout-needs-hint").expect("fault");
    let rig = Rig::start(Personality::Generic, faults);
    let (code, stdout, stderr) = run_against(&rig, "bare", &["--logout", "--json"]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect();
    let refresh = lines
        .iter()
        .find(|line| line["step"] == "refresh")
        .expect("a refresh step");
    let summary = refresh["summary"].as_str().unwrap_or_default();
    assert!(summary.contains("ID token kept"), "{summary}");
    assert!(summary.contains("refresh token kept"), "{summary}");
    let response = refresh["response"]["body"].as_str().unwrap_or_default();
    assert!(
        !response.contains("id_token"),
        "the answer had none: {response}"
    );
    let logout = lines
        .iter()
        .find(|line| line["step"] == "logout")
        .expect("a logout step");
    assert_eq!(logout["ok"], true, "{logout}");
}

/// `run --json` with `Cookie` and `DPoP` headers on the profile (not
/// marked secret): they are credentials by name, so every line masks them.
#[test]
fn run_json_masks_cookie_and_dpop_headers() {
    use tokenscope::oauth::Param;
    let rig = Rig::start(Personality::Generic, Faults::default());
    let mut rig_profile = rig.profile.clone();
    let cookie = "sid=сессия-0123456789abcdef";
    let dpop = "eyJ0eXAiOiJkcG9wK2p3dCJ9.eyJodG0iOiJQT1NUIn0.c2lnbmF0dXJlLXNlY3JldA";
    rig_profile.headers = vec![Param::new("Cookie", cookie), Param::new("DPoP", dpop)];
    let rig = Rig {
        profile: rig_profile,
        ..rig
    };
    let (code, stdout, stderr) =
        run_against(&rig, "cookie", &["--grant", "client_credentials", "--json"]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(!stdout.contains("0123456789abcdef"), "{stdout}");
    assert!(!stdout.contains("c2lnbmF0dXJlLXNlY3JldA"), "{stdout}");
    let line: serde_json::Value = stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .find(|line| line["step"] == "client_credentials")
        .expect("the token step");
    let headers = line["request"]["headers"].as_array().expect("headers");
    for name in ["cookie", "dpop"] {
        let value = headers
            .iter()
            .find(|h| h[0].as_str().is_some_and(|n| n.eq_ignore_ascii_case(name)))
            .unwrap_or_else(|| panic!("{name} was sent: {line}"));
        assert!(
            value[1]
                .as_str()
                .is_some_and(|v| v.contains('…') || v.contains('•')),
            "{value}"
        );
    }
}

/// A provider whose clock runs 10 minutes ahead (the `skew` fault stamps
/// tokens and `Date` headers with it): `run` fails the ID token's `iat`
/// check and says why, the provider's clock by its `Date` header; the JSON
/// line carries the skew.
#[test]
fn a_provider_clock_ahead_fails_iat_and_the_run_says_the_skew() {
    let mut faults = Faults::default();
    faults.apply("skew=600").expect("the skew fault");
    let rig = Rig::start(Personality::Generic, faults);
    let (code, stdout, stderr) = run_against(&rig, "skew", &[]);
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    let token_line = stdout
        .lines()
        .find(|line| line.starts_with("✗ Token"))
        .unwrap_or_else(|| panic!("no failed token line in {stdout}"));
    assert!(token_line.contains("ID token: iat:"), "{token_line}");
    assert!(
        stdout.contains("the provider's clock is 10 minutes ahead of yours"),
        "{stdout}"
    );

    let (code, stdout, stderr) = run_against(&rig, "skew-json", &["--no-verify", "--json"]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let token_line: serde_json::Value = stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .find(|line| line["step"] == "token")
        .expect("the token step");
    let skew = token_line["provider_clock_skew_s"]
        .as_i64()
        .unwrap_or_default();
    assert!((590..=610).contains(&skew), "{token_line}");
}
