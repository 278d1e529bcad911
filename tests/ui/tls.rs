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

/// RFC 8628 in the window against the provider behind mutual TLS: the
/// device authorization and the polls go out with the profile's client
/// settings (the same `ClientOptions::for_profile` as every step: timeouts,
/// answer limit, trust), here a PKCS#12 client certificate whose passphrase
/// is in the secret store (`tls_client_auth` through the RFC 8705 §5
/// aliases). Polling with default client options could not complete a
/// single handshake.
#[test]
fn the_window_polls_the_device_grant_with_the_profiles_client_certificate() {
    use tokenscope::oauth::flow::Step;
    const PASSPHRASE: &str = "p12 пароль: Ω";
    let pki = crate::pki::Pki::new("ui-device");
    let (server_cert, server_key) = pki.server(&["127.0.0.1"], false);
    let redirect = format!("http://127.0.0.1:{}/callback", crate::provider::free_port());
    let provider = crate::provider::TestProvider::start_tls(
        &[&redirect],
        &crate::provider::TlsSetup {
            cert: server_cert,
            key: server_key,
            client_ca: Some(pki.ca()),
        },
    );
    let dir = mtls_device_profile(&pki, &provider, &redirect, PASSPHRASE);
    let mut harness = crate::support::harness_on_with_browser(
        &dir,
        Some(crate::provider::TestProvider::browser_command()),
    );
    crate::support::start_flow_of(&mut harness, "mTLS device", |app| {
        app.workspace().profiles.loaded_passphrase.is_some()
    });
    let step_ok = |app: &tokenscope::app::TokenscopeApp, step: Step| {
        app.workspace()
            .flow
            .as_ref()
            .and_then(|flow| flow.session.records.iter().rev().find(|r| r.step == step))
            .map(|r| r.outcome.is_ok())
    };
    harness.get_by_label("Send").click();
    wait_for(&mut harness, |app| {
        step_ok(app, Step::Discovery) == Some(true)
    });
    harness.get_by_label("Send").click();
    wait_for(&mut harness, |app| {
        step_ok(app, Step::DeviceAuthorization).is_some()
    });
    let failure = harness
        .state()
        .workspace()
        .flow
        .as_ref()
        .and_then(|flow| flow.session.records.last())
        .and_then(|r| r.outcome.clone().err())
        .map(|f| f.message);
    assert_eq!(failure, None, "device authorization over mTLS");
    harness.get_by_label("Start polling").click();
    harness.run_steps(2);
    // The first poll, after the 1 s interval: the provider itself answers
    // that the user has not approved yet, so the handshake carried the
    // client certificate. (Without it the mTLS host refuses the handshake.)
    wait_for(&mut harness, |app| {
        step_ok(app, Step::DeviceToken) == Some(false)
    });
    harness.get_by_label("pending");
    let flow = harness.state().workspace().flow.as_ref().expect("flow");
    let polls: Vec<&str> = flow
        .session
        .records
        .iter()
        .filter(|r| r.step == Step::DeviceToken)
        .filter_map(|r| r.exchange.as_ref().map(|e| e.request.url.as_str()))
        .collect();
    assert!(
        polls.iter().all(|url| !url.starts_with(&provider.issuer)),
        "every poll went to the mTLS alias (RFC 8705 §5): {polls:?}"
    );
    let answer = flow
        .session
        .records
        .iter()
        .rfind(|r| r.step == Step::DeviceToken)
        .and_then(|r| r.exchange.as_ref())
        .and_then(|e| e.response.as_ref().ok())
        .expect("the provider answered the poll");
    assert_eq!(answer.status, 400);
    assert!(
        answer.text().contains("authorization_pending"),
        "{}",
        answer.text()
    );
    assert!(flow.waiting.is_some(), "polling goes on");
    harness.get_by_label("Cancel").click();
    harness.run();
    let flow = harness.state().workspace().flow.as_ref().expect("flow");
    assert!(flow.waiting.is_none(), "cancel stops polling");
}

/// A profile directory for `client-mtls` with the device grant: the PKI's
/// CA trusted, its client certificate as PKCS#12 and `passphrase` in the
/// secret store.
fn mtls_device_profile(
    pki: &crate::pki::Pki,
    provider: &crate::provider::TestProvider,
    redirect: &str,
    passphrase: &str,
) -> std::path::PathBuf {
    let (cert, key) = pki.client();
    let p12 = pki.client_p12(&cert, &key, passphrase);
    let dir = temp_dir("tls-device");
    let profile = serde_json::json!({"schema": 1, "profiles": [{
        "id": "mtls-device", "name": "mTLS device", "issuer": provider.issuer,
        "client_id": "client-mtls", "client_auth": "tls_client_auth",
        "redirect_uri": redirect, "scopes": "openid profile", "default_grant": "device_code",
        "tls": {"extra_ca_files": [pki.ca().display().to_string()],
                "pkcs12_file": p12.display().to_string()},
        "network": {"connect_timeout_secs": 5, "timeout_secs": 20}
    }]});
    std::fs::write(dir.join("profiles.json"), profile.to_string()).expect("profiles");
    std::fs::write(
        dir.join("secrets.json"),
        serde_json::json!({"mtls-device/pkcs12_passphrase": passphrase}).to_string(),
    )
    .expect("secrets");
    dir
}
