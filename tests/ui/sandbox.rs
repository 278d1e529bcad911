//! The built-in sandbox in the window: a first launch offers the Sandbox
//! profile, and its flow runs end to end on loopback, no network; the panel
//! starts the provider and flips its faults.

use egui_kittest::kittest::Queryable as _;
use tokenscope::app::SandboxStatus;
use tokenscope::oauth::flow::Step;

use crate::flow::verified;
use crate::support::{harness_on, harness_on_with_browser, temp_dir, wait_for};

fn sandbox_browser() -> String {
    format!(
        "node {}",
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/provider/sandbox-browser.mjs")
            .display()
    )
}

fn last_ok(app: &tokenscope::app::TokenscopeApp, step: Step) -> Option<bool> {
    let flow = app.workspace().flow.as_ref()?;
    flow.session
        .records
        .iter()
        .rev()
        .find(|r| r.step == step)
        .map(|r| r.outcome.is_ok())
}

#[test]
fn first_launch_offers_the_sandbox_profile_and_its_flow_runs_end_to_end() {
    let dir = temp_dir("first-launch");
    let mut harness = harness_on_with_browser(&dir, Some(sandbox_browser()));
    // The sandbox stamps tokens with the app's clock; check them against the same.
    crate::support::start_flow_of(&mut harness, "Sandbox", |app| {
        app.workspace().profiles.loaded_secret.is_some()
    });
    // Discovery starts the sandbox first (on its loopback port, or another if taken).
    harness.get_by_label("Send").click();
    wait_for(&mut harness, |app| {
        last_ok(app, Step::Discovery) == Some(true)
    });
    assert!(matches!(
        harness.state().workspace().sandbox.status,
        SandboxStatus::Running(_)
    ));
    harness.get_by_label("Open the browser").click();
    wait_for(&mut harness, |app| {
        last_ok(app, Step::Callback) == Some(true)
    });
    harness.get_by_label("code received; state and iss match");
    harness.get_by_label("Send").click();
    wait_for(&mut harness, |app| last_ok(app, Step::Token) == Some(true));
    wait_for(&mut harness, |app| verified(app, Step::Token).is_some());
    assert_eq!(verified(harness.state(), Step::Token), Some(true));
    harness.get_by_label_contains("Verified: ID token, signature valid");
    harness.get_by_label("Send").click();
    wait_for(&mut harness, |app| {
        last_ok(app, Step::UserInfo) == Some(true)
    });
    // The provider now answers refreshes without id_token or refresh_token
    // (OIDC Core §12.2) and signs out only with id_token_hint.
    harness.get_by_label("Sandbox panel").click();
    harness.run();
    harness
        .get_by_label("Refresh without a new ID token or refresh token")
        .click();
    harness
        .get_by_label("Refuse logout without id_token_hint")
        .click();
    harness.run();
    harness.get_by_label("Flow").click();
    harness.run();
    // The refresh card is below the fold: Enter does the next step.
    harness.key_press(egui::Key::Enter);
    wait_for(&mut harness, |app| {
        last_ok(app, Step::Refresh) == Some(true)
    });
    harness.get_by_label_contains("ID token kept from before");
    // Logout carries the ID token the run kept: the provider lets it back.
    assert!(crate::support::sign_out_at_the_provider(&mut harness));
    // The profile file says where the sandbox is, and holds no secret.
    let on_disk = std::fs::read_to_string(dir.join("profiles.json")).expect("saved");
    assert!(on_disk.contains("sandbox:generic") && !on_disk.contains("sandbox-secret"));
}

#[test]
fn the_panel_starts_the_sandbox_and_flips_faults_while_it_runs() {
    let dir = temp_dir("sandbox-panel");
    let mut harness = harness_on(&dir);
    harness.get_by_label("Sandbox panel").click();
    harness.run();
    harness.get_by_label("Start sandbox").click();
    // A spinner shows while keys are made: step, do not wait for stillness.
    harness.run_steps(2);
    wait_for(&mut harness, |app| {
        matches!(app.workspace().sandbox.status, SandboxStatus::Running(_))
    });
    harness.get_by_label_contains("Running: Generic OpenID provider");
    harness.get_by_label("sandbox-secret");
    // Presenter mode masks the client secret on screen.
    harness.get_by_label("Presenter mode").click();
    harness.run_steps(3);
    assert!(harness.query_by_label("sandbox-secret").is_none());
    harness.get_by_label("Presenter mode").click();
    harness.run_steps(3);
    harness.get_by_label("Sign with the wrong key").click();
    harness.run();
    assert!(harness.state().workspace().sandbox.faults.wrong_key);
    harness.get_by_label("Rotate keys now").click();
    wait_for(&mut harness, |app| match &app.workspace().sandbox.status {
        SandboxStatus::Running(running) => running.key_generation == 2,
        _ => false,
    });
    harness.get_by_label("Stop sandbox").click();
    harness.run();
    harness.get_by_label("Stopped.");
}

/// CIBA ping mode in the window against the sandbox (`auto-sign-in`: the
/// phone approves as the request arrives, so the ping comes at once): the
/// mode chosen in the grant form, the notification endpoint listening from
/// the Send of the backchannel request (the Sandbox profile's, where the
/// sandbox's client is registered), Wait for the ping, one token request,
/// verified tokens.
#[test]
fn the_window_walks_ciba_ping_mode_against_the_sandbox() {
    let dir = temp_dir("ciba-ping");
    let mut harness = harness_on_with_browser(&dir, Some(sandbox_browser()));
    harness
        .state_mut()
        .workspace_mut()
        .sandbox
        .faults
        .auto_sign_in = true;
    crate::support::start_flow_of(&mut harness, "Sandbox", |app| {
        app.workspace().profiles.loaded_secret.is_some()
    });
    harness.get_by_label("Send").click();
    wait_for(&mut harness, |app| {
        last_ok(app, Step::Discovery) == Some(true)
    });
    harness.get_by_label("Grant").click();
    harness.run();
    harness.get_by_label("CIBA (backchannel)").click();
    harness.run();
    harness.get_by_label("Token delivery").click();
    harness.run();
    harness
        .get_by_label("ping: the provider calls back")
        .click();
    harness.run();
    let profile = |app: &tokenscope::app::TokenscopeApp| {
        app.workspace()
            .flow
            .as_ref()
            .map(|f| f.session.profile.ciba.clone())
            .unwrap_or_default()
    };
    assert_eq!(
        profile(harness.state()).delivery_mode,
        tokenscope::oauth::ciba::DeliveryMode::Ping
    );
    assert_eq!(
        profile(harness.state()).notification_endpoint,
        tokenscope::sandbox::DEFAULT_PING_ENDPOINT
    );
    harness.get_by_label("Send").click();
    wait_for(&mut harness, |app| {
        last_ok(app, Step::BackchannelAuthentication) == Some(true)
    });
    harness.get_by_label("Wait for the ping").click();
    harness.run_steps(2);
    wait_for(&mut harness, |app| {
        last_ok(app, Step::CibaToken) == Some(true)
    });
    wait_for(&mut harness, |app| verified(app, Step::CibaToken).is_some());
    assert_eq!(verified(harness.state(), Step::CibaToken), Some(true));
    let flow = harness.state().workspace().flow.as_ref().expect("a run");
    assert!(flow.session.pinged.is_some(), "the ping was seen");
    let token_requests = flow
        .session
        .records
        .iter()
        .filter(|r| r.step == Step::CibaToken)
        .count();
    assert_eq!(token_requests, 1, "no polling in ping mode");
}

/// CIBA in the window against the sandbox (`auto-sign-in`: the phone
/// approves at once): the grant chosen in the form, the backchannel request
/// sent, the card shows the profile's binding message, and polling off the
/// UI thread ends in verified tokens.
#[test]
fn the_window_walks_ciba_against_the_sandbox() {
    let dir = temp_dir("ciba");
    let mut harness = harness_on_with_browser(&dir, Some(sandbox_browser()));
    harness
        .state_mut()
        .workspace_mut()
        .sandbox
        .faults
        .auto_sign_in = true;
    crate::support::start_flow_of(&mut harness, "Sandbox", |app| {
        app.workspace().profiles.loaded_secret.is_some()
    });
    harness.get_by_label("Send").click();
    wait_for(&mut harness, |app| {
        last_ok(app, Step::Discovery) == Some(true)
    });
    harness.get_by_label("Grant").click();
    harness.run();
    harness.get_by_label("CIBA (backchannel)").click();
    harness.run();
    assert_eq!(
        harness
            .state()
            .workspace()
            .flow
            .as_ref()
            .map(|f| f.session.grant.clone()),
        Some(tokenscope::oauth::Grant::Ciba)
    );
    harness.get_by_label("Send").click();
    wait_for(&mut harness, |app| {
        last_ok(app, Step::BackchannelAuthentication) == Some(true)
    });
    harness.get_by_label("tokenscope sandbox");
    harness.get_by_label("Open the sandbox's phone page");
    harness.get_by_label("Start polling").click();
    harness.run_steps(2);
    wait_for(&mut harness, |app| {
        last_ok(app, Step::CibaToken) == Some(true)
    });
    wait_for(&mut harness, |app| verified(app, Step::CibaToken).is_some());
    assert_eq!(verified(harness.state(), Step::CibaToken), Some(true));
}

/// The encrypting personality picked in the panel: the panel shows the
/// client's decryption key file, and a flow of its profile shows on the
/// token card that the ID token came encrypted and was opened with that key.
#[test]
fn the_encrypting_personality_picked_in_the_panel_runs_to_a_decrypted_id_token() {
    use tokenscope::sandbox::{DEFAULT_PORT, Personality, sandbox_profile};
    let dir = temp_dir("sandbox-jwe");
    let mut profile = sandbox_profile(
        Personality::Encrypting,
        &format!("http://127.0.0.1:{DEFAULT_PORT}"),
    );
    // Its own loopback redirect port: other tests walk the Sandbox profile's
    // code flow at the same time, on the default one.
    profile.redirect_uri = format!("http://127.0.0.1:{}/callback", crate::provider::free_port());
    let name = profile.name.clone();
    let document = serde_json::json!({"schema": 1, "profiles": [profile]});
    std::fs::write(dir.join("profiles.json"), document.to_string()).expect("profiles");
    let mut harness = harness_on_with_browser(&dir, Some(sandbox_browser()));
    // The sandbox stamps tokens with the app's clock at its start; the flow
    // checks them against the same.
    harness
        .state_mut()
        .set_clock(tokenscope::app::Clock::System);
    harness.get_by_label("Sandbox panel").click();
    harness.run();
    harness.get_by_label("Behaves like").click();
    harness.run();
    harness
        .get_by_label("Encrypting (JWE ID tokens and UserInfo)")
        .click();
    harness.run();
    harness.get_by_label("Start sandbox").click();
    harness.run_steps(2);
    wait_for(&mut harness, |app| {
        matches!(app.workspace().sandbox.status, SandboxStatus::Running(_))
    });
    harness.get_by_label_contains("Running: Encrypting (JWE ID tokens and UserInfo)");
    harness.get_by_label("Client decryption key file");
    let key_file = match &harness.state().workspace().sandbox.status {
        SandboxStatus::Running(running) => running.decryption_key_file.clone(),
        _ => None,
    }
    .expect("a decryption key file");
    harness.get_by_label(&key_file);
    // The panel closes again: the flow needs the room.
    harness.get_by_label("Sandbox panel").click();
    harness.run();

    crate::support::start_flow_of(&mut harness, &name, |app| {
        app.workspace().profiles.loaded_secret.is_some()
    });
    harness.get_by_label("Send").click();
    wait_for(&mut harness, |app| {
        last_ok(app, Step::Discovery) == Some(true)
    });
    harness.get_by_label("Open the browser").click();
    wait_for(&mut harness, |app| {
        last_ok(app, Step::Callback) == Some(true)
    });
    harness.get_by_label("Send").click();
    wait_for(&mut harness, |app| last_ok(app, Step::Token).is_some());
    assert_eq!(last_ok(harness.state(), Step::Token), Some(true));
    wait_for(&mut harness, |app| verified(app, Step::Token).is_some());
    assert_eq!(verified(harness.state(), Step::Token), Some(true));
    harness.get_by_label_contains(
        "ID token encrypted with RSA-OAEP-256 / A256GCM, decrypted with key sandbox-client-enc-1",
    );
    harness.get_by_label_contains("Verified: ID token, signature valid");
    // The profile file holds the key file's path, never the key.
    let key: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&key_file).expect("key file"))
            .expect("a JWK");
    let private = key["d"].as_str().expect("d");
    let on_disk = std::fs::read_to_string(dir.join("profiles.json")).expect("saved");
    assert!(!on_disk.contains(private));
}
