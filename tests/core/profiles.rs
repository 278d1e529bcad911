//! Profiles on disk and `tokenscope profiles`: round trips, crash safety,
//! corrupt files, and secrets that never reach a profile file or an export.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use tokenscope::oauth::presets;
use tokenscope::secret::Secret;
use tokenscope::store::secrets::names;
use tokenscope::store::{ProfileStore, SecretPreference, SecretStore};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tokenscope-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn tokenscope(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_tokenscope"))
        .arg("--config-dir")
        .arg(dir)
        .args(["--secret-store", "file"])
        .args(args)
        .output()
        .expect("tokenscope runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Every file under `dir`, as text.
fn all_text_under(dir: &Path) -> String {
    let mut text = String::new();
    for entry in std::fs::read_dir(dir).expect("dir").flatten() {
        if entry.path().is_file() && entry.file_name() != "secrets.json" {
            text.push_str(&String::from_utf8_lossy(
                &std::fs::read(entry.path()).expect("read"),
            ));
        }
    }
    text
}

#[test]
fn a_secret_never_reaches_the_profile_file_or_a_plain_export() {
    let dir = temp_dir("no-secret");
    let secret = "S3cr3t-9f1c2b7e-tokenscope";
    let mut profile = presets::find("keycloak")
        .expect("preset")
        .instantiate(0, &[]);
    profile.client_id = "fe-client".to_owned();
    "/keys/bank-key.p12".clone_into(&mut profile.decryption_key_file);
    "/keys/client.p12".clone_into(&mut profile.tls.pkcs12_file);
    // The PKCS#12 passphrases are secrets of the profile too.
    let passphrases = [
        (names::PKCS12_PASSPHRASE, "tls-p12-pass-4d1e"),
        (names::DECRYPTION_KEY_PASSPHRASE, "key-p12-pass-8b2a"),
    ];
    let secrets = SecretStore::open(&dir, SecretPreference::File).expect("file store");
    secrets
        .set(&profile.id, names::CLIENT_SECRET, &Secret::new(secret))
        .expect("set");
    for (name, value) in passphrases {
        secrets
            .set(&profile.id, name, &Secret::new(value))
            .expect("set");
    }
    ProfileStore::new(&dir)
        .save(&[profile.clone()])
        .expect("save");
    // Save twice so the backup exists too.
    ProfileStore::new(&dir).save(&[profile]).expect("save");

    let on_disk = all_text_under(&dir);
    assert!(on_disk.contains("fe-client"), "the profile was written");
    for form in [secret.to_owned(), secret.replace('-', "%2D")] {
        assert!(
            !on_disk.contains(&form),
            "the secret must not be in the profile files"
        );
    }
    assert!(on_disk.contains("bank-key.p12"), "{on_disk}");
    for (_, value) in passphrases {
        assert!(!on_disk.contains(value), "{value} in the profile files");
    }
    let (code, export, _) = tokenscope(&dir, &["profiles", "export"]);
    assert_eq!(code, 0);
    assert!(!export.contains(secret), "a plain export has no secret");
    for (_, value) in passphrases {
        assert!(!export.contains(value), "a plain export has no passphrase");
    }
    let (code, export, _) = tokenscope(&dir, &["profiles", "export", "--with-secrets"]);
    assert_eq!(code, 0);
    assert!(export.contains(secret), "asked for, the secret is exported");
    for (name, value) in passphrases {
        assert!(
            export.contains(&format!("\"{name}\": \"{value}\"")),
            "asked for, the passphrases are exported: {export}"
        );
    }
}

#[test]
fn export_then_import_restores_profiles_and_secrets() {
    let from = temp_dir("export-from");
    let to = temp_dir("export-to");
    let mut profile = presets::find("kontur").expect("preset").instantiate(1, &[]);
    profile.client_id = "service-name".to_owned();
    ProfileStore::new(&from)
        .save(&[profile.clone()])
        .expect("save");
    SecretStore::open(&from, SecretPreference::File)
        .expect("store")
        .set(
            &profile.id,
            names::CLIENT_SECRET,
            &Secret::new("api-key-guid"),
        )
        .expect("set");
    let export_file = from.join("export.json");
    let (code, _, stderr) = tokenscope(
        &from,
        &[
            "profiles",
            "export",
            "--with-secrets",
            "--out",
            export_file.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let (code, stdout, stderr) = tokenscope(
        &to,
        &[
            "profiles",
            "import",
            export_file.to_str().expect("utf-8"),
            "--json",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(report["added"][0], profile.name);
    assert_eq!(report["secrets_stored"], 1);
    let loaded = ProfileStore::new(&to).load().expect("load").profiles;
    assert_eq!(loaded, [profile.clone()]);
    let secret = SecretStore::open(&to, SecretPreference::File)
        .expect("store")
        .get(&profile.id, names::CLIENT_SECRET)
        .expect("get");
    assert_eq!(secret.as_ref().map(Secret::expose), Some("api-key-guid"));

    let (code, stdout, _) = tokenscope(&to, &["profiles", "list", "--json"]);
    assert_eq!(code, 0);
    let list: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(list[0]["client_id"], "service-name");
}

#[test]
fn import_reports_every_problem_and_keeps_what_is_good() {
    let dir = temp_dir("import-problems");
    let file = dir.join("in.json");
    std::fs::write(
        &file,
        r#"{"schema":1,"profiles":[
            {"name":"Good","client_id":"a","issuer":"https://sso.example.test"},
            {"name":"Broken","client_auth":"telepathy"},
            {"name":"Sloppy","client_id":" b ","issuer":"sso.example.test"}]}"#,
    )
    .expect("write");
    let (code, stdout, _) =
        tokenscope(&dir, &["profiles", "import", file.to_str().expect("utf-8")]);
    assert_eq!(code, 1, "a rejected profile makes the import exit 1");
    assert!(
        stdout.contains("profile 2 (\"Broken\"): not imported: unknown variant `telepathy`"),
        "{stdout}"
    );
    assert!(
        stdout.contains("profile 3 (\"Sloppy\"): issuer (error)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("profile 3 (\"Sloppy\"): client_id (warning)"),
        "{stdout}"
    );
    let names: Vec<String> = ProfileStore::new(&dir)
        .load()
        .expect("load")
        .profiles
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(names, ["Good", "Sloppy"]);
}

#[test]
fn a_corrupt_profile_file_is_reported_not_overwritten() {
    let dir = temp_dir("corrupt-cli");
    std::fs::write(dir.join("profiles.json"), "{ this is not json").expect("write");
    let (code, _, stderr) = tokenscope(&dir, &["profiles", "list"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot be read as profiles"), "{stderr}");
    assert!(
        stderr.contains("profiles.json"),
        "says where the file is: {stderr}"
    );
    let file = dir.join("in.json");
    std::fs::write(
        &file,
        r#"{"schema":1,"profiles":[{"name":"New","client_id":"a"}]}"#,
    )
    .expect("write");
    let (code, _, _) = tokenscope(&dir, &["profiles", "import", file.to_str().expect("utf-8")]);
    assert_eq!(code, 2, "no import over an unreadable file");
    assert_eq!(
        std::fs::read_to_string(dir.join("profiles.json")).expect("kept"),
        "{ this is not json"
    );
}

#[test]
fn a_save_killed_at_any_moment_leaves_the_old_or_the_new_file() {
    let dir = temp_dir("kill");
    let file = dir.join("in.json");
    let profiles = |round: usize| {
        let list: Vec<String> = (0..20)
            .map(|i| {
                format!(
                    r#"{{"id":"id-{i}","name":"P{i}","client_id":"c","notes":"round {round} {}"}}"#,
                    "x".repeat(2_000)
                )
            })
            .collect();
        format!(r#"{{"schema":1,"profiles":[{}]}}"#, list.join(","))
    };
    std::fs::write(&file, profiles(0)).expect("write");
    assert_eq!(
        tokenscope(&dir, &["profiles", "import", file.to_str().expect("utf-8")]).0,
        0
    );
    let store = ProfileStore::new(&dir);
    for round in 1..=60u64 {
        std::fs::write(&file, profiles(usize::try_from(round).expect("small"))).expect("write");
        let mut child = Command::new(env!("CARGO_BIN_EXE_tokenscope"))
            .arg("--config-dir")
            .arg(&dir)
            .args(["--secret-store", "file", "profiles", "import"])
            .arg(&file)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        // Kill at a different moment each round, from before start-up to after the write.
        std::thread::sleep(Duration::from_micros((round * 7_919) % 12_000));
        let _ = child.kill();
        let _ = child.wait();
        let loaded = store
            .load()
            .unwrap_or_else(|e| panic!("round {round}: the file must stay readable: {e}"));
        assert_eq!(
            loaded.profiles.len(),
            20,
            "round {round}: never a partial file"
        );
        let rounds: std::collections::BTreeSet<&str> = loaded
            .profiles
            .iter()
            .map(|p| p.notes.split(' ').nth(1).unwrap_or("?"))
            .collect();
        assert_eq!(
            rounds.len(),
            1,
            "round {round}: one whole version, not a mix: {rounds:?}"
        );
    }
}

#[test]
fn passport_secrets_travel_with_an_export_and_never_sit_in_the_profile_file() {
    let from = temp_dir("passport-from");
    let to = temp_dir("passport-to");
    let mut profile = presets::find("moex-passport")
        .expect("preset")
        .instantiate(0, &[]);
    profile.client_id = "moex-client".to_owned();
    // A value typed into a secret field by mistake is not written.
    if let Some(field) = profile
        .extension_grant
        .fields
        .iter_mut()
        .find(|f| f.name == "passport")
    {
        "cookie-typed-by-mistake".clone_into(&mut field.value);
    }
    ProfileStore::new(&from)
        .save(&[profile.clone()])
        .expect("save");
    let on_disk = std::fs::read_to_string(from.join("profiles.json")).expect("saved");
    assert!(!on_disk.contains("cookie-typed-by-mistake"), "{on_disk}");
    let store = SecretStore::open(&from, SecretPreference::File).expect("store");
    store
        .set(
            &profile.id,
            "extension:passport",
            &Secret::new("MicexPassportCert-1"),
        )
        .expect("set");
    let export_file = from.join("export.json");
    let (code, _, stderr) = tokenscope(
        &from,
        &[
            "profiles",
            "export",
            "--with-secrets",
            "--out",
            export_file.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = tokenscope(
        &to,
        &["profiles", "import", export_file.to_str().expect("utf-8")],
    );
    assert_eq!(code, 0, "{stderr}");
    let secret = SecretStore::open(&to, SecretPreference::File)
        .expect("store")
        .get(&profile.id, "extension:passport")
        .expect("get");
    assert_eq!(
        secret.as_ref().map(Secret::expose),
        Some("MicexPassportCert-1")
    );
}

/// The values of [`import_marked_profile`]'s profile, by secret store name.
const MARKED_VALUES: [(&str, &str); 3] = [
    ("proxy_password", "пароль-прокси-🙂"),
    ("header:X-Api-Key", "ключ-\u{200f}-api-7f3a"),
    ("param:token:sig", "подпись-9c2e"),
];

/// Imports, with `profiles import`, a profile whose proxy password, header
/// and token parameter are secret, their values in the export's `secrets`.
fn import_marked_profile(dir: &Path) -> tokenscope::oauth::Profile {
    let mut profile = presets::find("keycloak")
        .expect("preset")
        .instantiate(0, &[]);
    "http://ivan@proxy.corp:3128".clone_into(&mut profile.proxy);
    let mut key = tokenscope::oauth::Param::new("X-Api-Key", "");
    key.secret = true;
    profile.headers = vec![key];
    let mut signed = tokenscope::oauth::Param::new("sig", "");
    signed.secret = true;
    profile
        .extra_params
        .push((tokenscope::oauth::RequestKind::Token, signed));
    let mut secrets = serde_json::Map::new();
    for (name, value) in MARKED_VALUES {
        secrets.insert(name.to_owned(), serde_json::Value::from(value));
    }
    let document = serde_json::json!({
        "schema": 1,
        "profiles": [profile],
        "secrets": { profile.id.0.clone(): secrets },
    });
    let file = dir.join("in.json");
    std::fs::write(&file, document.to_string()).expect("write");
    let (code, stdout, stderr) = tokenscope(
        dir,
        &[
            "profiles",
            "import",
            file.to_str().expect("utf-8"),
            "--json",
        ],
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    std::fs::remove_file(&file).expect("remove the input");
    profile
}

/// A proxy password and header and parameter values marked secret: kept in
/// the secret store on import, never in the profile file or a plain export;
/// an export with secrets carries them and is readable by the owner only,
/// also when it replaces an existing world-readable file.
#[test]
fn marked_values_stay_out_of_the_profile_file_and_plain_exports() {
    let dir = temp_dir("marked-values");
    let profile = import_marked_profile(&dir);
    let values = MARKED_VALUES;

    let on_disk = all_text_under(&dir);
    assert!(on_disk.contains("http://ivan@proxy.corp:3128"), "{on_disk}");
    assert!(on_disk.contains("\"secret\": true"), "{on_disk}");
    let store = SecretStore::open(&dir, SecretPreference::File).expect("store");
    for (name, value) in values {
        assert!(!on_disk.contains(value), "{name} is in a profile file");
        assert_eq!(
            store
                .get(&profile.id, name)
                .expect("get")
                .as_ref()
                .map(Secret::expose),
            Some(value),
            "{name} is in the secret store"
        );
    }

    let (code, plain, _) = tokenscope(&dir, &["profiles", "export"]);
    assert_eq!(code, 0);
    let (code, shown, _) = tokenscope(&dir, &["profiles", "show", &profile.name, "--json"]);
    assert_eq!(code, 0);
    for (_, value) in values {
        assert!(!plain.contains(value), "a plain export has no secret value");
        assert!(!shown.contains(value), "profiles show has no secret value");
    }

    let out = dir.join("export with secrets.json");
    std::fs::write(&out, "an older, world-readable export").expect("write");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    }
    let (code, _, stderr) = tokenscope(
        &dir,
        &[
            "profiles",
            "export",
            "--with-secrets",
            "--out",
            out.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let exported = std::fs::read_to_string(&out).expect("exported");
    for (_, value) in values {
        assert!(exported.contains(value), "asked for, {value} is exported");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&out).expect("meta").permissions().mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "an export with secrets is the owner's only"
        );
    }
    // And back: another config directory gets the values into its store.
    let to = temp_dir("marked-values-to");
    let (code, _, stderr) = tokenscope(&to, &["profiles", "import", out.to_str().expect("utf-8")]);
    assert_eq!(code, 0, "{stderr}");
    let store = SecretStore::open(&to, SecretPreference::File).expect("store");
    assert_eq!(
        store
            .get(&profile.id, "header:X-Api-Key")
            .expect("get")
            .as_ref()
            .map(Secret::expose),
        Some("ключ-\u{200f}-api-7f3a")
    );
    assert!(!all_text_under(&to).contains("пароль-прокси"));
}

/// `profiles list --json` counts each profile against its conformance set
/// (no network: rules that need the metadata are `unknown`); a profile
/// without a set has no `conformance` member; `show` lists the failing rules.
#[test]
fn fapi_profiles_list_json_has_the_conformance_object() {
    let dir = temp_dir("conformance-json");
    let fapi = presets::find("fapi2").expect("preset").instantiate(
        0,
        &[("issuer".to_owned(), "https://fapi.example.test".to_owned())],
    );
    let mut keycloak = presets::find("keycloak")
        .expect("preset")
        .instantiate(0, &[]);
    keycloak.conformance = Some("fapi2".to_owned());
    let plain = presets::find("google").expect("preset").instantiate(0, &[]);
    ProfileStore::new(&dir)
        .save(&[fapi.clone(), keycloak.clone(), plain])
        .expect("save");
    let (code, stdout, stderr) = tokenscope(&dir, &["profiles", "list", "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let list: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let fapi_json = &list[0]["conformance"];
    assert_eq!(fapi_json["set"], "fapi2");
    assert_eq!(fapi_json["passed"], 8);
    assert_eq!(fapi_json["total"], 9);
    assert_eq!(fapi_json["failed"], serde_json::json!([]));
    assert_eq!(fapi_json["unknown"][0]["id"], "iss-response");
    let failed: Vec<&str> = list[1]["conformance"]["failed"]
        .as_array()
        .expect("failed")
        .iter()
        .map(|rule| rule["id"].as_str().expect("id"))
        .collect();
    assert_eq!(
        failed,
        ["par", "sender-constrained", "client-authentication"]
    );
    let first = &list[1]["conformance"]["failed"][0];
    assert!(
        first["source"]
            .as_str()
            .is_some_and(|s| s.contains("FAPI 2.0 Security Profile §")),
        "{first}"
    );
    assert!(first["reason"].as_str().is_some_and(|r| !r.is_empty()));
    assert!(list[2].get("conformance").is_none(), "{}", list[2]);

    let (code, stdout, _) = tokenscope(&dir, &["profiles", "show", &keycloak.name]);
    assert_eq!(code, 0);
    assert!(stdout.contains("conformance fapi2: 3/8 pass"), "{stdout}");
    assert!(stdout.contains("fail par:"), "{stdout}");
}
