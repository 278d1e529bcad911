//! The key screen as images: the inspector with the Keycloak paste, light and dark.

use crate::support::{A_DAY_LATER, fixture, harness_themed, paste};

#[test]
fn inspector_with_the_keycloak_paste() {
    for (theme, name) in [(egui::Theme::Light, "inspector_keycloak_light"), (egui::Theme::Dark, "inspector_keycloak_dark")] {
        let mut harness = harness_themed(A_DAY_LATER, theme);
        paste(&mut harness, &fixture("keycloak-login-error.log"));
        harness.snapshot(name);
    }
}
