//! The profile form's TLS section (the PKCS#12 passphrase goes to the secret
//! store, not the profile file), and the red "accepts invalid certificates"
//! badge: on the profile row and on every step card while the profile has
//! it on, and nowhere otherwise.

use egui_kittest::kittest::Queryable as _;

use crate::support::{harness_on, temp_dir, type_into, wait_for};

const BADGE: &str = "accepts invalid certificates";

fn write_profiles(dir: &std::path::Path) {
    let profiles = r#"{"schema":1,"profiles":[
        {"id":"insecure","name":"Test stand","issuer":"https://127.0.0.1:9/","client_id":"app",
         "redirect_uri":"http://127.0.0.1:53682/callback","tls":{"accept_invalid_certs":true}},
        {"id":"careful","name":"Production","issuer":"https://127.0.0.1:9/","client_id":"app",
         "redirect_uri":"http://127.0.0.1:53682/callback"}]}"#;
    std::fs::write(dir.join("profiles.json"), profiles).expect("profiles");
}

fn open_flow(name: &str) -> egui_kittest::Harness<'static, tokenscope::app::TokenscopeApp> {
    let dir = temp_dir(&format!("tls-badge-{name}"));
    write_profiles(&dir);
    let mut harness = harness_on(&dir);
    harness.get_by_label(name).click();
    harness.run();
    wait_for(&mut harness, |app| {
        app.workspace().profiles.loaded_secret.is_some()
    });
    harness.get_by_label("Flow").click();
    harness.run();
    harness.get_by_label("Start the flow").click();
    harness.run();
    harness
}

#[test]
fn the_step_cards_of_a_profile_that_accepts_invalid_certificates_carry_a_red_badge() {
    let harness = open_flow("Test stand");
    // The profile has an issuer, so every step has a card.
    let cards = tokenscope::oauth::flow::Step::ALL.len();
    let badges = harness.query_all_by_label(BADGE).count();
    // One per step card, and one on the profile's row in the list.
    assert_eq!(badges, cards + 1, "{cards} step cards");
}

#[test]
fn no_badge_when_certificates_are_checked() {
    let harness = open_flow("Production");
    // Only the other profile's row in the list carries it.
    assert_eq!(harness.query_all_by_label(BADGE).count(), 1);
}

#[test]
fn the_tls_section_keeps_the_pkcs12_passphrase_in_the_secret_store() {
    let dir = temp_dir("tls-form");
    write_profiles(&dir);
    let mut harness = harness_on(&dir);
    harness.get_by_label("Production").click();
    harness.run();
    wait_for(&mut harness, |app| {
        app.workspace().profiles.loaded_passphrase.is_some()
    });
    // The TLS section is at the bottom of the form.
    harness
        .get_by_label("Trust only these CAs (not the system's)")
        .scroll_to_me();
    harness.run();
    harness
        .get_by_label("Trust only these CAs (not the system's)")
        .click();
    harness.run();
    harness.get_by_label_contains("Only the given CAs are trusted, but none is given");
    harness.get_by_label("Add CA file…");
    type_into(&mut harness, "PKCS#12 file", "/etc/tokenscope/partner.p12");
    type_into(&mut harness, "PKCS#12 passphrase", "p12-Passphrase-UI");
    harness.get_by_label("Save").click();
    harness.run();
    wait_for(&mut harness, |_| {
        std::fs::read_to_string(dir.join("secrets.json"))
            .is_ok_and(|s| s.contains("careful/pkcs12_passphrase"))
    });
    let secrets = std::fs::read_to_string(dir.join("secrets.json")).expect("secrets");
    assert!(secrets.contains("p12-Passphrase-UI"));
    wait_for(&mut harness, |_| {
        std::fs::read_to_string(dir.join("profiles.json")).is_ok_and(|s| s.contains("partner.p12"))
    });
    let profiles = std::fs::read_to_string(dir.join("profiles.json")).expect("profiles");
    assert!(
        !profiles.contains("p12-Passphrase-UI"),
        "the passphrase is not in the profile file"
    );
    assert!(profiles.contains(r#""only_given_cas": true"#), "{profiles}");
}
