//! Profiles in the window: create from a preset, edit, save, find again after a restart.

use egui_kittest::kittest::Queryable as _;
use tokenscope::app::StoreStatus;
use tokenscope::store::ProfileStore;

use crate::support::{harness_on, temp_dir, type_into, wait_for};

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
