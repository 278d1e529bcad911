//! Encrypted ID tokens, UserInfo answers and JARM responses (OIDC Core 1.0
//! §10.2: signed, then encrypted to the client) in `tokenscope run`, against
//! the test provider's `client-jwe`.

use std::process::Command;

use crate::provider::{TestProvider, free_port};

/// The private half of the key `client-jwe` registered for encryption.
const KEY: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/provider/keys/client-jwe.private.pem"
);

/// The same key in a PKCS#12 container, and its passphrase (a string
/// nothing else in a run carries, so a leak would show).
const P12: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/jwe/client-jwe.p12"
);
const P12_PASSPHRASE: &str = "jwe-p12-passphrase-7qZ";

/// A profile file for `client-jwe` of `provider`, its secret beside it.
fn jwe_profile(dir: &std::path::Path, provider: &TestProvider, redirect: &str) -> String {
    jwe_profile_with_key(dir, provider, redirect, "")
}

/// [`jwe_profile`] whose decryption key file is `key` (none when empty).
fn jwe_profile_with_key(
    dir: &std::path::Path,
    provider: &TestProvider,
    redirect: &str,
    key: &str,
) -> String {
    let issuer = &provider.issuer;
    let path = dir.join("jwe.json");
    std::fs::write(
        &path,
        format!(
            r#"{{"schema":1,"profiles":[{{"id":"run-jwe","name":"JWE","issuer":"{issuer}","client_id":"client-jwe",
                "client_auth":"client_secret_basic","redirect_uri":"{redirect}","scopes":"openid profile email",
                "decryption_key_file":"{key}"}}],
                "secrets":{{"run-jwe":{{"client_secret":"jwe-secret"}}}}}}"#
        ),
    )
    .expect("profile");
    path.to_str().expect("utf-8").to_owned()
}

/// `tokenscope run --json` with `args`: exit code, lines, stderr.
fn run(args: &[&str]) -> (i32, Vec<serde_json::Value>, String) {
    run_with_env(args, &[])
}

/// [`run`] with these environment variables set.
fn run_with_env(args: &[&str], env: &[(&str, &str)]) -> (i32, Vec<serde_json::Value>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_tokenscope"))
        .arg("run")
        .args(args)
        .arg("--json")
        .envs(env.iter().copied())
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

fn step<'a>(lines: &'a [serde_json::Value], name: &str) -> &'a serde_json::Value {
    lines
        .iter()
        .find(|l| l["step"] == name)
        .unwrap_or_else(|| panic!("a {name} step in {lines:#?}"))
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("tokenscope-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

/// With `--decryption-key`, the encrypted ID token is decrypted and the
/// JWS inside verified (signature and every ID token check), the step says
/// how it was encrypted and with which key it was opened; the encrypted
/// UserInfo answer is decrypted to the provider's signed JWT.
#[test]
fn run_with_the_decryption_key_verifies_the_encrypted_id_token_and_userinfo() {
    let dir = temp_dir("run-jwe");
    let redirect = format!("http://127.0.0.1:{}/callback", free_port());
    let provider = TestProvider::start(&[&redirect]);
    let profile = jwe_profile(&dir, &provider, &redirect);
    let browser = TestProvider::browser_command();
    let (code, lines, stderr) = run(&[
        "--profile-file",
        &profile,
        "--browser",
        &browser,
        "--decryption-key",
        KEY,
    ]);
    assert_eq!(code, 0, "{stderr}\n{lines:#?}");
    let token = step(&lines, "token");
    assert_eq!(token["ok"], true, "{token}");
    let summary = token["summary"].as_str().unwrap_or_default();
    assert!(
        summary.contains("ID token encrypted with RSA-OAEP-256 / A256GCM, decrypted with key "),
        "{summary}"
    );
    assert_eq!(token["verification"]["passed"], true, "{token}");
    let id_token = token["tokens"]
        .as_array()
        .and_then(|tokens| tokens.iter().find(|t| t["role"] == "id"))
        .unwrap_or_else(|| panic!("an ID token in {token}"));
    assert_eq!(id_token["kind"], "jwe", "as it came: {id_token}");
    assert_eq!(id_token["decryption"]["status"], "decrypted", "{id_token}");
    assert_eq!(id_token["decryption"]["alg"], "RSA-OAEP-256", "{id_token}");
    assert_eq!(id_token["decryption"]["enc"], "A256GCM", "{id_token}");
    assert_eq!(id_token["signature"]["status"], "valid", "{id_token}");
    let checks = id_token["checks"].as_array().expect("checks");
    assert!(
        checks
            .iter()
            .any(|c| c["name"] == "nonce" && c["status"] == "pass"),
        "the nested token's checks ran: {id_token}"
    );
    assert!(
        id_token["verification_notes"]
            .as_array()
            .is_some_and(|notes| notes.iter().any(|n| n.as_str().is_some_and(
                |n| n.starts_with("encrypted with RSA-OAEP-256 / A256GCM, decrypted with key ")
            ))),
        "{id_token}"
    );
    let userinfo = step(&lines, "userinfo");
    assert_eq!(userinfo["ok"], true, "{userinfo}");
    let summary = userinfo["summary"].as_str().unwrap_or_default();
    assert!(summary.contains("a signed JWT"), "{summary}");
    assert!(
        summary
            .contains("UserInfo answer encrypted with RSA-OAEP-256 / A256GCM, decrypted with key "),
        "{summary}"
    );
    // The key has no kid: it is named by its RFC 7638 thumbprint, never by
    // anything secret.
    let key_text = std::fs::read_to_string(KEY).expect("key");
    let body: String = key_text
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    for line in &lines {
        assert!(!line.to_string().contains(&body[..40]), "{line}");
    }
}

/// Without a decryption key the token step fails and says why, and what to
/// do; with the wrong key, that the key does not open it.
#[test]
fn an_encrypted_id_token_without_the_key_fails_the_step_with_why() {
    let dir = temp_dir("run-jwe-nokey");
    let redirect = format!("http://127.0.0.1:{}/callback", free_port());
    let provider = TestProvider::start(&[&redirect]);
    let profile = jwe_profile(&dir, &provider, &redirect);
    let browser = TestProvider::browser_command();
    let (code, lines, stderr) = run(&["--profile-file", &profile, "--browser", &browser]);
    assert_eq!(code, 1, "{stderr}\n{lines:#?}");
    let token = step(&lines, "token");
    assert_eq!(token["ok"], false, "{token}");
    let said = token.to_string();
    assert!(
        said.contains("The ID token is encrypted (RSA-OAEP-256 / A256GCM, OIDC Core §10.2) and the profile has no decryption key"),
        "{said}"
    );
    assert!(said.contains("--decryption-key"), "{said}");
    assert!(
        lines.iter().all(|l| l["step"] != "userinfo"),
        "the run stopped at the token step: {lines:#?}"
    );

    let wrong = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/provider/keys/client-jwt.private.pem"
    );
    let (code, lines, stderr) = run(&[
        "--profile-file",
        &profile,
        "--browser",
        &browser,
        "--decryption-key",
        wrong,
    ]);
    assert_eq!(code, 1, "{stderr}\n{lines:#?}");
    let said = step(&lines, "token").to_string();
    assert!(
        said.contains("the profile's decryption key does not open it"),
        "{said}"
    );
    assert!(said.contains("wrong key or altered token"), "{said}");

    // A key file that cannot be read is a usage error before anything is sent.
    let (code, lines, stderr) = run(&[
        "--profile-file",
        &profile,
        "--browser",
        &browser,
        "--decryption-key",
        "/nonexistent/tokenscope-key.pem",
    ]);
    assert_ne!(code, 0);
    assert!(lines.is_empty(), "{lines:#?}");
    assert!(
        stderr.contains("could not read the decryption key /nonexistent/tokenscope-key.pem"),
        "{stderr}"
    );
}

/// An encrypted JWT-secured authorization response (JARM §2.3: signed,
/// then encrypted) is decrypted with the profile's key, checked, and its
/// code used.
#[test]
fn run_decrypts_an_encrypted_jarm_response() {
    let dir = temp_dir("run-jwe-jarm");
    let redirect = format!("http://127.0.0.1:{}/callback", free_port());
    let provider = TestProvider::start(&[&redirect]);
    let profile = jwe_profile(&dir, &provider, &redirect);
    let browser = TestProvider::browser_command();
    let (code, lines, stderr) = run(&[
        "--profile-file",
        &profile,
        "--browser",
        &browser,
        "--response-mode",
        "jwt",
        "--decryption-key",
        KEY,
    ]);
    assert_eq!(code, 0, "{stderr}\n{lines:#?}");
    let callback = step(&lines, "callback");
    assert!(
        callback["summary"]
            .as_str()
            .is_some_and(|s| s.contains("JWT-secured response verified")),
        "{callback}"
    );
    assert!(
        callback["summary"]
            .as_str()
            .is_some_and(|s| s.contains("RSA-OAEP-256, A256GCM")),
        "it came encrypted and was decrypted: {callback}"
    );
    assert_eq!(step(&lines, "token")["verification"]["passed"], true);
}

/// A profile whose decryption key file is PKCS#12: `run
/// --decryption-key-passphrase-env` opens it and the encrypted ID token is
/// decrypted and verified; a wrong passphrase, or none, fails the token
/// step and says which. The passphrase is on no line of the output.
#[test]
fn a_pkcs12_decryption_key_opens_with_the_passphrase_from_the_environment() {
    let dir = temp_dir("run-jwe-p12");
    let redirect = format!("http://127.0.0.1:{}/callback", free_port());
    let provider = TestProvider::start(&[&redirect]);
    let profile = jwe_profile_with_key(&dir, &provider, &redirect, P12);
    let browser = TestProvider::browser_command();
    let args = [
        "--profile-file",
        profile.as_str(),
        "--browser",
        browser.as_str(),
        "--decryption-key-passphrase-env",
        "TOKENSCOPE_TEST_KEY_PASSPHRASE",
    ];
    let (code, lines, stderr) =
        run_with_env(&args, &[("TOKENSCOPE_TEST_KEY_PASSPHRASE", P12_PASSPHRASE)]);
    assert_eq!(code, 0, "{stderr}\n{lines:#?}");
    let token = step(&lines, "token");
    assert_eq!(token["ok"], true, "{token}");
    assert_eq!(token["verification"]["passed"], true, "{token}");
    let id_token = token["tokens"]
        .as_array()
        .and_then(|tokens| tokens.iter().find(|t| t["role"] == "id"))
        .unwrap_or_else(|| panic!("an ID token in {token}"));
    assert_eq!(id_token["decryption"]["status"], "decrypted", "{id_token}");
    assert_eq!(
        id_token["decryption"]["key"]["source"], "PKCS#12 client-jwe.p12",
        "{id_token}"
    );
    assert_eq!(id_token["signature"]["status"], "valid", "{id_token}");
    assert_eq!(step(&lines, "userinfo")["ok"], true);
    for line in &lines {
        assert!(!line.to_string().contains(P12_PASSPHRASE), "{line}");
    }
    assert!(!stderr.contains(P12_PASSPHRASE), "{stderr}");

    let wrong = "wrong-p12-passphrase-Qx9";
    let (code, lines, stderr) = run_with_env(&args, &[("TOKENSCOPE_TEST_KEY_PASSPHRASE", wrong)]);
    assert_eq!(code, 1, "{stderr}\n{lines:#?}");
    let token = step(&lines, "token");
    assert_eq!(token["ok"], false, "{token}");
    let said = token.to_string();
    assert!(
        said.contains(
            "the profile's decryption key could not be read: the passphrase of client-jwe.p12 is wrong"
        ),
        "{said}"
    );
    for line in &lines {
        assert!(!line.to_string().contains(wrong), "{line}");
    }
    assert!(!stderr.contains(wrong), "{stderr}");

    // No passphrase at all: the export file keeps none, and none is given.
    let (code, lines, stderr) = run(&args[..4]);
    assert_eq!(code, 1, "{stderr}\n{lines:#?}");
    let said = step(&lines, "token").to_string();
    assert!(
        said.contains("the passphrase of client-jwe.p12 is not set"),
        "{said}"
    );
    // Named with --decryption-key, it is opened before anything is sent.
    let (code, lines, stderr) = run_with_env(
        &[
            "--profile-file",
            &profile,
            "--browser",
            &browser,
            "--decryption-key",
            P12,
            "--decryption-key-passphrase-env",
            "TOKENSCOPE_TEST_KEY_PASSPHRASE",
        ],
        &[("TOKENSCOPE_TEST_KEY_PASSPHRASE", wrong)],
    );
    assert_ne!(code, 0);
    assert!(lines.is_empty(), "{lines:#?}");
    assert!(
        stderr.contains("--decryption-key: the passphrase of client-jwe.p12 is wrong"),
        "{stderr}"
    );
    assert!(!stderr.contains(wrong), "{stderr}");
}

/// A saved profile's PKCS#12 decryption key opens with the passphrase from
/// the secret store, like the client certificate's; the passphrase sits
/// neither in the profile file nor in the output.
#[test]
fn a_saved_profiles_pkcs12_decryption_key_opens_with_the_stored_passphrase() {
    let dir = temp_dir("run-jwe-p12-stored");
    let redirect = format!("http://127.0.0.1:{}/callback", free_port());
    let provider = TestProvider::start(&[&redirect]);
    let profile = jwe_profile_with_key(&dir, &provider, &redirect, P12);
    let browser = TestProvider::browser_command();
    let config = dir.join("config");
    let imported = Command::new(env!("CARGO_BIN_EXE_tokenscope"))
        .arg("--config-dir")
        .arg(&config)
        .args(["--secret-store", "file", "profiles", "import", &profile])
        .output()
        .expect("imports");
    assert!(imported.status.success(), "{imported:?}");
    tokenscope::store::SecretStore::open(&config, tokenscope::store::SecretPreference::File)
        .expect("the secrets file")
        .set(
            &tokenscope::oauth::ProfileId("run-jwe".to_owned()),
            tokenscope::store::secrets::names::DECRYPTION_KEY_PASSPHRASE,
            &tokenscope::secret::Secret::new(P12_PASSPHRASE),
        )
        .expect("stored");
    let config_arg = config.to_str().expect("utf-8");
    let (code, lines, stderr) = run(&[
        "--config-dir",
        config_arg,
        "--secret-store",
        "file",
        "--profile",
        "JWE",
        "--browser",
        &browser,
    ]);
    assert_eq!(code, 0, "{stderr}\n{lines:#?}");
    assert_eq!(step(&lines, "token")["verification"]["passed"], true);
    for line in &lines {
        assert!(!line.to_string().contains(P12_PASSPHRASE), "{line}");
    }
    let profile_file = std::fs::read_to_string(config.join("profiles.json")).expect("profiles");
    assert!(profile_file.contains("client-jwe.p12"), "{profile_file}");
    assert!(!profile_file.contains(P12_PASSPHRASE), "{profile_file}");
}
