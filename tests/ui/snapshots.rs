//! The key screen as images: the inspector with the Keycloak paste, light and dark.

use crate::support::{A_DAY_LATER, fixture, harness_themed, paste};

fn inspector_with_the_keycloak_paste(theme: egui::Theme, name: &str) {
    let mut harness = harness_themed(A_DAY_LATER, theme);
    paste(&mut harness, &fixture("keycloak-login-error.log"));
    harness.snapshot(name);
}

#[test]
fn inspector_keycloak_light() {
    inspector_with_the_keycloak_paste(egui::Theme::Light, "inspector_keycloak_light");
}

#[test]
fn inspector_keycloak_dark() {
    inspector_with_the_keycloak_paste(egui::Theme::Dark, "inspector_keycloak_dark");
}
