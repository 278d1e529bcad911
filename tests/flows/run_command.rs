//! `tokenscope run`: the flow from a terminal, one JSON line per step.

use std::process::Command;

use crate::provider::{TestProvider, free_port};

fn profile_file(
    dir: &std::path::Path,
    issuer: &str,
    redirect: &str,
    secret: &str,
) -> std::path::PathBuf {
    let path = dir.join("profile.json");
    let text = format!(
        r#"{{"schema":1,"profiles":[{{"id":"run-test","name":"Test provider","issuer":"{issuer}","client_id":"client-basic",
            "client_auth":"client_secret_basic","redirect_uri":"{redirect}","scopes":"openid profile email offline_access"}}],
            "secrets":{{"run-test":{{"client_secret":"{secret}"}}}}}}"#
    );
    std::fs::write(&path, text).expect("write profile");
    path
}

fn run(args: &[&str]) -> (i32, Vec<serde_json::Value>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_tokenscope"))
        .arg("run")
        .args(args)
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    (
        output.status.code().unwrap_or(-1),
        lines,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn run_walks_the_flow_and_prints_one_json_line_per_step() {
    let dir = std::env::temp_dir().join(format!("tokenscope-run-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let redirect = format!("http://127.0.0.1:{}/callback", free_port());
    let provider = TestProvider::start(&[&redirect]);
    let secret = "basic-secret:+/= %&";
    let file = profile_file(&dir, &provider.issuer, &redirect, secret);
    let browser = TestProvider::browser_command();
    let (code, lines, stderr) = run(&[
        "--profile-file",
        file.to_str().expect("utf-8"),
        "--browser",
        &browser,
        "--json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let steps: Vec<&str> = lines
        .iter()
        .map(|l| l["step"].as_str().unwrap_or("?"))
        .collect();
    assert_eq!(
        steps,
        [
            "discovery",
            "authorize",
            "callback",
            "token",
            "userinfo",
            "refresh"
        ]
    );
    assert!(lines.iter().all(|l| l["ok"] == true));
    let token = &lines[3];
    assert_eq!(token["response"]["status"], 200);
    let kinds: Vec<&str> = token["tokens"]
        .as_array()
        .expect("tokens")
        .iter()
        .filter_map(|t| t["title"].as_str())
        .collect();
    assert!(kinds.contains(&"ID token"), "{kinds:?}");
    let everything = lines.iter().map(ToString::to_string).collect::<String>();
    assert!(
        !everything.contains("basic-secret"),
        "the secret is masked in the output"
    );
    assert!(
        !everything.contains(&secret.replace(' ', "+")),
        "the encoded secret is masked too"
    );

    let file = profile_file(&dir, &provider.issuer, &redirect, "wrong");
    let (code, lines, _) = run(&[
        "--profile-file",
        file.to_str().expect("utf-8"),
        "--browser",
        &browser,
        "--json",
    ]);
    assert_eq!(code, 1, "a failed step exits 1");
    let last = lines.last().expect("a line per step");
    assert_eq!(last["step"], "token");
    assert_eq!(last["ok"], false);
    assert_eq!(last["error"], "invalid_client");
    // The failed step carries the catalogue's diagnosis: cause, fix, source.
    let finding = &last["diagnoses"][0];
    assert_eq!(finding["id"], "rfc6749.token.invalid_client", "{last}");
    assert!(
        finding["causes"][0]["en"]
            .as_str()
            .is_some_and(|c| c.contains("client secret is wrong")),
        "{finding}"
    );
    assert!(
        finding["causes"][0]["ru"]
            .as_str()
            .is_some_and(|c| c.contains("Секрет клиента неверный")),
        "{finding}"
    );
    assert_eq!(finding["source"], "RFC 6749 §5.2");
    assert!(
        last["diagnosis"]
            .as_str()
            .is_some_and(|d| d.starts_with("The provider did not accept the client's credentials")),
        "{last}"
    );

    // Without --json the failed step is printed with its cause, fix and source.
    let output = Command::new(env!("CARGO_BIN_EXE_tokenscope"))
        .args([
            "run",
            "--profile-file",
            file.to_str().expect("utf-8"),
            "--browser",
            &browser,
        ])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("cause: The client secret is wrong")
            && text.contains("fix: Check the client id")
            && text.contains("source: RFC 6749 §5.2"),
        "{text}"
    );
}
