//! The conformance badge: a profile checked against FAPI 2.0 shows how many
//! rules pass, the failing ones with their sources, and follows the
//! "Check against" choice.

use egui_kittest::kittest::Queryable as _;

use crate::support::{harness_on, shows, temp_dir, wait_for};

/// A Keycloak-like profile checked against FAPI 2.0: client secret, no PAR,
/// no DPoP.
const KEYCLOAK_FAPI: &str = r#"{"schema":1,"profiles":[{"id":"kc-fapi","name":"Realm under FAPI",
    "client_id":"app","issuer":"https://127.0.0.1:9/realms/r",
    "redirect_uri":"http://127.0.0.1:53682/callback","scopes":"openid",
    "conformance":"fapi2"}]}"#;

#[test]
fn fapi_badge_counts_the_rules_and_lists_the_failing_ones_with_sources() {
    let dir = temp_dir("fapi-badge");
    std::fs::write(dir.join("profiles.json"), KEYCLOAK_FAPI).expect("profiles");
    let mut harness = harness_on(&dir);
    wait_for(&mut harness, |app| {
        !app.workspace().profiles.list.is_empty()
    });
    harness.get_by_label("Realm under FAPI").click();
    harness.run();
    // In the list row of the open profile and in the form's header.
    let badges = harness
        .get_all_by_label_contains("FAPI 2.0 3/8 · 3 failing")
        .count();
    assert_eq!(badges, 2);
    assert!(!shows(
        &harness,
        "Source: FAPI 2.0 Security Profile §5.3.3.2"
    ));
    harness.get_by_label("FAPI 2.0: the rules").click();
    harness.run();
    assert!(shows(
        &harness,
        "Source: FAPI 2.0 Security Profile §5.3.3.2 item 2, §5.3.2.2 item 3; RFC 9126 §5"
    ));
    assert!(shows(&harness, "PAR is off"));
    assert!(shows(&harness, "client_secret_basic is not allowed"));
    assert!(shows(&harness, "known after discovery"));
}

#[test]
fn fapi_preset_and_the_check_against_choice() {
    let dir = temp_dir("fapi-preset");
    let mut harness = harness_on(&dir);
    harness.get_by_label("New profile…").click();
    harness.run();
    harness.get_by_label("FAPI 2.0 · test").click();
    harness.run();
    // Everything but the provider's iss support, which needs discovery.
    assert!(shows(&harness, "FAPI 2.0 8/9 · 1 unknown"));
    assert_eq!(
        harness.get_by_label("Check against").value().as_deref(),
        Some("FAPI 2.0")
    );
    harness.get_by_label("Check against").click();
    harness.run();
    harness.get_by_label("FAPI 2.0 Message Signing").click();
    harness.run();
    // Signed request objects and JARM are off in the preset.
    assert!(
        shows(&harness, "FAPI 2.0 Message Signing 8/11 · 2 failing"),
        "the badge follows the choice"
    );
    harness.get_by_label("Check against").click();
    harness.run();
    harness.get_by_label("Nothing").click();
    harness.run();
    assert!(!shows(&harness, "FAPI 2.0 Message Signing 8/11"));
}

#[test]
fn fapi_badge_and_rules_read_in_russian() {
    let dir = temp_dir("fapi-badge-ru");
    std::fs::write(dir.join("profiles.json"), KEYCLOAK_FAPI).expect("profiles");
    let mut harness = harness_on(&dir);
    harness.get_by_label("Русский").click();
    harness.run();
    wait_for(&mut harness, |app| {
        !app.workspace().profiles.list.is_empty()
    });
    harness.get_by_label("Realm under FAPI").click();
    harness.run();
    assert!(shows(&harness, "FAPI 2.0 3/8 · не выполнено: 3"));
    assert_eq!(
        harness.get_by_label("Проверять по").value().as_deref(),
        Some("FAPI 2.0")
    );
    harness.get_by_label("FAPI 2.0: правила").click();
    harness.run();
    assert!(shows(&harness, "Запросы авторизации через PAR"));
    assert!(shows(&harness, "PAR выключен"));
    assert!(shows(
        &harness,
        "Источник: FAPI 2.0 Security Profile §5.3.3.2"
    ));
}

/// Serves JSON to every request on a loopback port, in a thread, for as
/// long as the test runs; `body` makes it from the base address. The base.
fn serve_json(body: impl FnOnce(&str) -> String) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let body = body(&base);
    crate::json_server::serve_on(listener, "fapi-metadata", move |_, _| (200, body.clone())).base
}

/// Discovery brings the provider's side in: the rule that needed the
/// metadata (`iss` in the authorization response) is counted after it.
#[test]
fn fapi_badge_counts_the_provider_side_after_discovery() {
    let dir = temp_dir("fapi-discovery");
    let issuer = serve_json(|issuer| {
        serde_json::json!({
            "issuer": issuer,
            "authorization_endpoint": format!("{issuer}/authorize"),
            "token_endpoint": format!("{issuer}/token"),
            "pushed_authorization_request_endpoint": format!("{issuer}/par"),
            "require_pushed_authorization_requests": true,
            "code_challenge_methods_supported": ["S256"],
            "dpop_signing_alg_values_supported": ["ES256", "PS256"],
            "authorization_response_iss_parameter_supported": true,
            "id_token_signing_alg_values_supported": ["PS256"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            "response_modes_supported": ["query", "jwt"]
        })
        .to_string()
    });
    let profiles = serde_json::json!({"schema": 1, "profiles": [{
        "id": "fapi-client", "name": "FAPI client", "client_id": "app", "issuer": issuer,
        "redirect_uri": "http://127.0.0.1:53682/callback", "scopes": "openid",
        "client_auth": "private_key_jwt", "dpop": true, "par": true,
        "client_assertion": {"algorithm": "PS256", "audience": "issuer"},
        "conformance": "fapi2"}]});
    std::fs::write(dir.join("profiles.json"), profiles.to_string()).expect("profiles");
    let mut harness = harness_on(&dir);
    wait_for(&mut harness, |app| {
        !app.workspace().profiles.list.is_empty()
    });
    harness.get_by_label("FAPI client").click();
    harness.run();
    assert!(shows(&harness, "FAPI 2.0 8/9 · 1 unknown"));
    harness.get_by_label("Discover").click();
    harness.run();
    for _ in 0..3_000 {
        if shows(&harness, "FAPI 2.0 9/9") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
        harness.step();
    }
    assert!(
        shows(&harness, "FAPI 2.0 9/9"),
        "every rule passes once the metadata is in"
    );
}

/// A run shows its profile's badge, judged with the metadata the run's own
/// discovery fetched.
#[test]
fn fapi_badge_on_the_run_uses_the_runs_discovery() {
    let dir = temp_dir("fapi-run");
    let issuer = serve_json(|issuer| {
        serde_json::json!({
            "issuer": issuer,
            "authorization_endpoint": format!("{issuer}/authorize"),
            "token_endpoint": format!("{issuer}/token"),
            "pushed_authorization_request_endpoint": format!("{issuer}/par"),
            "require_pushed_authorization_requests": true,
            "code_challenge_methods_supported": ["S256"],
            "dpop_signing_alg_values_supported": ["ES256"],
            "authorization_response_iss_parameter_supported": true,
            "id_token_signing_alg_values_supported": ["PS256"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            "response_modes_supported": ["query", "jwt"]
        })
        .to_string()
    });
    let profiles = serde_json::json!({"schema": 1, "profiles": [{
        "id": "fapi-run", "name": "FAPI run", "client_id": "app", "issuer": issuer,
        "redirect_uri": "http://127.0.0.1:53682/callback", "scopes": "openid",
        "client_auth": "private_key_jwt", "dpop": true, "par": true,
        "client_assertion": {"algorithm": "PS256", "audience": "issuer"},
        "conformance": "fapi2"}]});
    std::fs::write(dir.join("profiles.json"), profiles.to_string()).expect("profiles");
    let mut harness = harness_on(&dir);
    wait_for(&mut harness, |app| {
        !app.workspace().profiles.list.is_empty()
    });
    crate::support::start_flow_of(&mut harness, "FAPI run", |_| true);
    // Discovery is the run's first step: send it.
    harness.key_press(egui::Key::Enter);
    wait_for(&mut harness, |app| {
        app.workspace()
            .flow
            .as_ref()
            .is_some_and(|flow| flow.session.metadata.is_some())
    });
    assert!(
        harness.query_all_by_label_contains("FAPI 2.0 9/9").count() >= 1,
        "the run's badge counts the discovered metadata"
    );
}
