//! Profiles in the window: create from a preset, edit, save, find again after a restart.

use egui_kittest::kittest::Queryable as _;
use tokenscope::app::StoreStatus;
use tokenscope::store::ProfileStore;

use crate::support::{harness_on, shows, temp_dir, type_into, wait_for};

#[test]
fn a_profile_from_the_keycloak_preset_survives_a_restart() {
    let dir = temp_dir("keycloak-profile");
    let mut harness = harness_on(&dir);
    harness.get_by_label("New profile…").click();
    harness.run();
    harness.get_by_label("Keycloak · test").click();
    harness.run();
    // The editor is open on the new profile.
    type_into(&mut harness, "Client id", "fe-client");
    type_into(&mut harness, "Client secret", "S3cr3t-ui-test");
    harness.get_by_label("Save").click();
    harness.run();
    wait_for(&mut harness, |_| {
        ProfileStore::new(&dir)
            .load()
            .is_ok_and(|l| l.profiles.iter().any(|p| p.client_id == "fe-client"))
    });
    let on_disk = std::fs::read_to_string(dir.join("profiles.json")).expect("saved");
    assert!(on_disk.contains("fe-client"));
    assert!(
        !on_disk.contains("S3cr3t-ui-test"),
        "the secret is not in the profile file"
    );
    drop(harness);

    let mut again = harness_on(&dir);
    again.get_by_label("Keycloak (test)").click();
    again.run();
    wait_for(&mut again, |app| {
        app.workspace().profiles.loaded_secret.is_some()
    });
    let client_id = again.get_by_label("Client id");
    assert_eq!(client_id.value().as_deref(), Some("fe-client"));
}

#[test]
fn a_corrupt_profile_file_is_reported_and_can_be_set_aside() {
    let dir = temp_dir("corrupt-ui");
    std::fs::write(dir.join("profiles.json"), "{ broken").expect("write");
    let mut harness = harness_on(&dir);
    harness.get_by_label_contains("cannot be read as profiles");
    harness.get_by_label("Set the file aside").click();
    harness.run();
    wait_for(&mut harness, |app| {
        matches!(app.workspace().profiles.status, StoreStatus::Ready { .. })
    });
    harness.get_by_label_contains("The unreadable file was moved to");
    assert!(!dir.join("profiles.json").exists());
}

#[test]
fn validation_shows_as_you_type() {
    let dir = temp_dir("validation");
    let mut harness = harness_on(&dir);
    harness.get_by_label("New profile…").click();
    harness.run();
    harness.get_by_label("GitHub OAuth app · prod").click();
    harness.run();
    harness.get_by_label("Redirect URI").focus();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.run();
    type_into(&mut harness, "Redirect URI", "http://partner.example/cb");
    harness.get_by_label_contains("plain http redirect");
}

/// An older profile file with a proxy password in it, and a header marked
/// secret whose value is in the secret store: on start the password moves
/// to the store and the file loses it; the editor shows the proxy without
/// it, the password masked in its own field; a new password typed there goes
/// to the store, never to the file.
#[test]
fn the_proxy_password_and_secret_headers_live_in_the_secret_store() {
    use tokenscope::oauth::ProfileId;
    use tokenscope::secret::Secret;
    use tokenscope::store::{SecretPreference, SecretStore};
    let dir = temp_dir("marked-values");
    std::fs::write(
        dir.join("profiles.json"),
        r#"{"schema":1,"profiles":[{"id":"marked","name":"Marked","client_id":"app",
            "issuer":"https://127.0.0.1:9/","redirect_uri":"http://127.0.0.1:53682/callback",
            "proxy":"http://ivan:старый-пароль@proxy.corp:3128",
            "headers":[{"name":"X-Api-Key","value":"","secret":true}]}]}"#,
    )
    .expect("profiles");
    SecretStore::open(&dir, SecretPreference::File)
        .expect("store")
        .set(
            &ProfileId("marked".to_owned()),
            "header:X-Api-Key",
            &Secret::new("ключ-🙂-из-хранилища"),
        )
        .expect("set");
    let mut harness = harness_on(&dir);
    wait_for(&mut harness, |_| {
        std::fs::read_to_string(dir.join("profiles.json"))
            .is_ok_and(|s| !s.contains("старый-пароль"))
    });
    let secrets = std::fs::read_to_string(dir.join("secrets.json")).expect("secrets");
    assert!(secrets.contains("marked/proxy_password") && secrets.contains("старый-пароль"));
    let profile = harness.state().workspace().profiles.list[0].clone();
    assert_eq!(
        profile.headers[0].value, "ключ-🙂-из-хранилища",
        "filled in"
    );
    assert_eq!(profile.proxy, "http://ivan:старый-пароль@proxy.corp:3128");

    harness.get_by_label("Marked").click();
    harness.run();
    harness.get_by_label("Proxy").scroll_to_me();
    harness.run();
    assert_eq!(
        harness.get_by_label("Proxy").value().as_deref(),
        Some("http://ivan@proxy.corp:3128")
    );
    assert!(
        !shows(&harness, "старый-пароль"),
        "the proxy password is masked"
    );
    assert!(
        !shows(&harness, "ключ-🙂"),
        "the secret header's value is masked"
    );
    assert!(shows(&harness, "X-Api-Key"), "its name is not");
    harness.get_by_label("Proxy password").focus();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.run();
    type_into(&mut harness, "Proxy password", "новый-пароль");
    harness.get_by_label("Save").click();
    harness.run();
    wait_for(&mut harness, |_| {
        std::fs::read_to_string(dir.join("secrets.json")).is_ok_and(|s| s.contains("новый-пароль"))
    });
    let on_disk = std::fs::read_to_string(dir.join("profiles.json")).expect("saved");
    assert!(
        !on_disk.contains("новый-пароль") && !on_disk.contains("ключ"),
        "{on_disk}"
    );
    assert!(on_disk.contains("http://ivan@proxy.corp:3128"), "{on_disk}");
}

/// A profile whose default grant is CIBA keeps its hint and binding message
/// (OpenID CIBA Core 1.0 §7.1) in the profile file.
#[test]
fn a_ciba_profile_keeps_its_hint_and_binding_message() {
    let dir = temp_dir("ciba-profile");
    let mut harness = harness_on(&dir);
    harness.get_by_label("New profile…").click();
    harness.run();
    harness.get_by_label("Keycloak · test").click();
    harness.run();
    type_into(&mut harness, "Client id", "ciba-client");
    // Below the fold of the editor: focus the combo box and open it with the keyboard.
    harness.get_by_label("Default grant").focus();
    harness.run();
    harness.key_press(egui::Key::Enter);
    harness.run();
    harness.get_by_label("ciba").click();
    harness.run();
    type_into(&mut harness, "Hint", "anna@example.test");
    type_into(&mut harness, "Binding message", "Order 4281");
    harness.get_by_label("Save").click();
    harness.run();
    wait_for(&mut harness, |_| {
        ProfileStore::new(&dir)
            .load()
            .is_ok_and(|l| l.profiles.iter().any(|p| p.client_id == "ciba-client"))
    });
    let saved = ProfileStore::new(&dir).load().expect("profiles");
    let profile = saved
        .profiles
        .iter()
        .find(|p| p.client_id == "ciba-client")
        .expect("the profile");
    assert_eq!(profile.default_grant, tokenscope::oauth::Grant::Ciba);
    assert_eq!(profile.ciba.hint, "anna@example.test");
    assert_eq!(profile.ciba.binding_message, "Order 4281");
}

/// PAR, a signed request object and JARM are chosen in the profile form;
/// a request object shows the key rows even for a client secret.
#[test]
fn a_profile_asks_for_par_a_request_object_and_jarm() {
    let dir = temp_dir("fapi-profile");
    let mut harness = harness_on(&dir);
    harness.get_by_label("New profile…").click();
    harness.run();
    harness.get_by_label("Keycloak · test").click();
    harness.run();
    type_into(&mut harness, "Client id", "fapi-client");
    assert!(
        harness.query_by_label("Private key file").is_none(),
        "no key rows for a client secret"
    );
    harness
        .get_by_label("Pushed authorization requests (PAR)")
        .scroll_to_me();
    harness.run();
    harness
        .get_by_label("Pushed authorization requests (PAR)")
        .click();
    harness.get_by_label("Signed request object (JAR)").click();
    harness.run();
    assert!(
        harness.query_by_label("Private key file").is_some(),
        "the request object's key"
    );
    harness.get_by_label("Response mode").focus();
    harness.run();
    harness.key_press(egui::Key::Enter);
    harness.run();
    harness.get_by_label("query.jwt").click();
    harness.run();
    harness.get_by_label("Save").click();
    harness.run();
    wait_for(&mut harness, |_| {
        ProfileStore::new(&dir)
            .load()
            .is_ok_and(|l| l.profiles.iter().any(|p| p.client_id == "fapi-client"))
    });
    let saved = ProfileStore::new(&dir).load().expect("profiles");
    let profile = saved
        .profiles
        .iter()
        .find(|p| p.client_id == "fapi-client")
        .expect("the profile");
    assert!(profile.par, "PAR");
    assert!(profile.request_object, "JAR");
    assert_eq!(profile.response_mode, "query.jwt");
}

/// RFC 9701: the profile form's "Ask for JWT introspection answers" box
/// is saved as `introspection_jwt`.
#[test]
fn a_profile_asks_for_jwt_introspection_answers() {
    let dir = temp_dir("introspection-jwt-profile");
    let mut harness = harness_on(&dir);
    harness.get_by_label("New profile…").click();
    harness.run();
    harness.get_by_label("Keycloak · test").click();
    harness.run();
    type_into(&mut harness, "Client id", "rs-client");
    harness
        .get_by_label("Ask for JWT introspection answers")
        .scroll_to_me();
    harness.run();
    harness
        .get_by_label("Ask for JWT introspection answers")
        .click();
    harness.run();
    harness.get_by_label("Save").click();
    harness.run();
    wait_for(&mut harness, |_| {
        ProfileStore::new(&dir)
            .load()
            .is_ok_and(|l| l.profiles.iter().any(|p| p.client_id == "rs-client"))
    });
    let saved = ProfileStore::new(&dir).load().expect("profiles");
    let profile = saved
        .profiles
        .iter()
        .find(|p| p.client_id == "rs-client")
        .expect("the profile");
    assert!(profile.introspection_jwt, "JWT introspection answers");
}

/// The profile form's "Decryption key file" row keeps a path, and only the
/// path: the key file's contents never reach the profile file.
#[test]
fn the_decryption_key_file_is_saved_as_a_path_only() {
    let dir = temp_dir("jwe-profile");
    let key = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/provider/keys/client-jwe.private.pem"
    );
    let mut harness = harness_on(&dir);
    harness.get_by_label("New profile…").click();
    harness.run();
    harness.get_by_label("Keycloak · test").click();
    harness.run();
    type_into(&mut harness, "Client id", "jwe-client");
    harness.get_by_label("Decryption key file").scroll_to_me();
    harness.run();
    type_into(&mut harness, "Decryption key file", key);
    harness.get_by_label("Save").click();
    harness.run();
    wait_for(&mut harness, |_| {
        ProfileStore::new(&dir)
            .load()
            .is_ok_and(|l| l.profiles.iter().any(|p| p.client_id == "jwe-client"))
    });
    let saved = ProfileStore::new(&dir).load().expect("profiles");
    let profile = saved
        .profiles
        .iter()
        .find(|p| p.client_id == "jwe-client")
        .expect("the profile");
    assert_eq!(profile.decryption_key_file, key);
    let files: String = std::fs::read_dir(&dir)
        .expect("dir")
        .filter_map(Result::ok)
        .filter_map(|entry| std::fs::read_to_string(entry.path()).ok())
        .collect();
    assert!(files.contains("\"decryption_key_file\""), "{files}");
    let pem = std::fs::read_to_string(key).expect("key");
    let body = pem.lines().nth(1).expect("a base64 line");
    assert!(!files.contains(body), "the key's contents stay in its file");
}
