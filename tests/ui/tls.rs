//! The red "accepts invalid certificates" badge: on the profile row and on
//! every step card while the profile has it on, and nowhere otherwise.

use egui_kittest::kittest::Queryable as _;

use crate::support::{harness_on, temp_dir, wait_for};

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
