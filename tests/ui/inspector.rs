//! The inspector: paste, see tokens, open one, read its claims and times.

use std::time::Duration;

use egui_kittest::kittest::Queryable as _;
use tokenscope::app::Clock;
use tokenscope::token::Timestamp;

use crate::support::{
    A_DAY_LATER, GENERATED_AT, click_and_copy, fixture, harness, paste, repaint_delay,
};

#[test]
fn the_keycloak_log_lists_exactly_three_tokens() {
    let mut harness = harness(A_DAY_LATER);
    paste(&mut harness, &fixture("keycloak-login-error.log"));
    harness.get_by_label("3 tokens found");
    for tab in ["Access token", "Refresh token", "ID token"] {
        harness.get_by_role_and_label(egui::accesskit::Role::Button, tab);
    }
    let tabs = harness
        .state()
        .workspace()
        .inspection
        .as_ref()
        .map_or(0, |i| i.tokens.len());
    assert_eq!(
        tabs, 3,
        "the log holds one response logged twice: three distinct tokens"
    );
    // The response was logged twice, and the inspector says so.
    harness.get_by_label("twice, as JSON field access_token");
}

#[test]
fn opening_the_id_token_shows_the_nonce_and_that_it_expired() {
    let mut harness = harness(A_DAY_LATER);
    paste(&mut harness, &fixture("keycloak-login-error.log"));
    harness.get_by_label("ID token").click();
    harness.run();
    harness.get_by_label("nonce");
    harness.get_by_label("n-0S6_WzA2Mj");
    assert!(
        !harness
            .query_all_by_label_contains("expired")
            .collect::<Vec<_>>()
            .is_empty(),
        "a day after issue the ID token must show as expired"
    );
    harness.get_by_label("from the response field id_token");
}

#[test]
fn the_word_wrapped_moex_token_is_mended_and_decoded() {
    let mut harness = harness(A_DAY_LATER);
    paste(&mut harness, &fixture("moex-passport-word-paste.txt"));
    harness.get_by_label("3 tokens found");
    harness.get_by_label("Access token 2").click();
    harness.run();
    harness.get_by_label_contains("joined 18 lines");
    harness.get_by_label("f:6e83631c-efa4-4f9f-864b-f5ca304c841c:90196");
    // The passport grant's own tokens are opaque UUIDs.
    harness.get_by_label("Access token 1").click();
    harness.run();
    harness.get_by_label("opaque · a UUID");
}

#[test]
fn a_countdown_ticks_once_a_second_and_idle_asks_for_no_repaint() {
    let mut harness = harness(GENERATED_AT);
    // Nothing on screen reads the clock: no repaint is scheduled at all.
    assert_eq!(
        repaint_delay(&harness),
        Duration::MAX,
        "idle must not repaint"
    );

    paste(&mut harness, &fixture("keycloak-login-error.log"));
    harness.get_by_label("ID token").click();
    harness.run();
    assert!(
        !harness
            .query_all_by_label("expires in 30:00")
            .collect::<Vec<_>>()
            .is_empty()
    );
    assert_eq!(
        repaint_delay(&harness),
        Duration::from_secs(1),
        "a visible countdown ticks each second"
    );

    harness
        .state_mut()
        .set_clock(Clock::Fixed(Timestamp::from_unix(GENERATED_AT + 12)));
    harness.run();
    assert!(
        !harness
            .query_all_by_label("expires in 29:48")
            .collect::<Vec<_>>()
            .is_empty()
    );

    harness.get_by_label("Clear").click();
    harness.run();
    assert_eq!(
        repaint_delay(&harness),
        Duration::MAX,
        "no countdown, no ticks"
    );
}

#[test]
fn nested_claims_collapse_and_expand() {
    let mut harness = harness(A_DAY_LATER);
    harness.set_size(egui::vec2(1280.0, 1100.0));
    paste(&mut harness, &fixture("keycloak-login-error.log"));
    harness.get_by_label("uma_authorization");
    harness.get_by_label("Collapse realm_access").click();
    harness.run();
    assert!(
        harness.query_by_label("uma_authorization").is_none(),
        "collapsed children are hidden"
    );
    harness.get_by_label("Expand realm_access").click();
    harness.run();
    harness.get_by_label("uma_authorization");
}

#[test]
fn copy_buttons_put_the_token_and_values_on_the_clipboard() {
    let mut harness = harness(A_DAY_LATER);
    let token = fixture("sber-user-info.jwt");
    paste(&mut harness, &token);
    assert_eq!(
        click_and_copy(&mut harness, "Copy the token"),
        [token.trim().to_owned()]
    );
    assert_eq!(
        click_and_copy(&mut harness, "Copy the value of aud"),
        ["2085".to_owned()]
    );
}

#[test]
fn raw_and_pretty_json_views() {
    let mut harness = harness(A_DAY_LATER);
    paste(&mut harness, &fixture("sber-user-info.jwt"));
    harness.get_by_label("JSON").click();
    harness.run();
    harness.get_by_label_contains("\"header\": {");
    harness.get_by_label("Raw").click();
    harness.run();
    harness.get_by_label_contains(r#"{"typ":"JWT","alg":"gost34.10-2012"}"#);
}

#[test]
fn bad_tokens_get_a_message_not_a_crash() {
    let mut harness = harness(A_DAY_LATER);
    paste(&mut harness, "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0");
    harness.get_by_label("Cannot decode this token: it has 2 segments; a signed token (JWS) has 3 and an encrypted one (JWE) 5.");
    harness.get_by_label("Clear").click();
    harness.run();
    paste(&mut harness, "eyJhbGciOiJSUzI1NiJ9.WzEsMl0.c2ln");
    harness.get_by_label("Cannot decode this token: its payload is JSON but not an object of claims (it is an array).");
    harness.get_by_label("Clear").click();
    harness.run();
    paste(&mut harness, "just some words, no tokens here");
    harness.get_by_label_contains("No tokens found");
}

#[test]
fn a_large_paste_is_inspected_off_the_ui_thread() {
    let mut harness = harness(A_DAY_LATER);
    let log = fixture("keycloak-login-error.log");
    let big = format!("{}\n{log}", "x".repeat(1_000_000));
    harness.get_by_label("Paste anything").focus();
    harness.run();
    harness.event(egui::Event::Paste(big));
    harness.step();
    assert!(
        harness.state().workspace().pending.is_some(),
        "a megabyte is inspected in the background"
    );
    for _ in 0..500 {
        if harness.state().workspace().pending.is_none() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
        harness.step();
    }
    harness.run();
    harness.get_by_label("3 tokens found");
    harness.get_by_label_contains("too large to edit here");
}

#[test]
fn a_gost_signed_id_token_verifies_with_the_bank_certificate_and_its_checks_are_listed() {
    let mut harness = harness(A_DAY_LATER);
    paste(&mut harness, &fixture("sber-token-response.json"));
    harness.get_by_label("ID token").click();
    harness.run();
    harness.get_by_label_contains("not verified (load keys in the Keys tab)");
    let keys = tokenscope::token::keys::KeySet::from_pem(
        &fixture("sber-bank-certificate.pem"),
        "sber-bank-certificate.pem",
    );
    harness
        .state_mut()
        .workspace_mut()
        .add_keys(keys, "1 key(s) from sber-bank-certificate.pem.".to_owned());
    harness.run();
    harness.get_by_label_contains("valid (GOST R 34.10-2012 256, CryptoPro-A, s‖r");
    harness.get_by_label("Checks").click();
    harness.run();
    // A day after issue the 5-minute ID token has expired: the exp row says so.
    harness.get_by_label_contains("checks fail");
    assert!(
        harness.query_all_by_label("exp").count() >= 2,
        "an exp row in the checks table besides the one in the facts"
    );
    harness.get_by_label("Keys").click();
    harness.run();
    harness.get_by_label("GOST");
}

#[test]
fn two_id_tokens_are_compared_claim_by_claim() {
    let mut harness = harness(A_DAY_LATER);
    let keycloak = fixture("keycloak-token-response.json");
    let kontur = fixture("kontur-token-response.json");
    paste(&mut harness, &format!("{keycloak}\n{kontur}"));
    harness.get_by_label("ID token 1").click();
    harness.run();
    harness.get_by_label("Compare").click();
    harness.run();
    harness.get_by_label_contains("claims differ");
    assert!(
        harness.query_all_by_label("(absent)").count() >= 2,
        "claims only one of the tokens has"
    );
}

#[test]
fn a_pasted_github_error_is_diagnosed_in_the_inspector() {
    let mut harness = harness(A_DAY_LATER);
    let error = r#"{"error":"bad_verification_code","error_description":"The code passed is incorrect or expired.","error_uri":"https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#bad-verification-code"}"#;
    paste(&mut harness, error);
    harness.get_by_label("1 error answer found");
    harness.get_by_label("bad_verification_code: The code passed is incorrect or expired.");
    harness.get_by_label("Probably: The code is incorrect or expired");
    harness.get_by_label_contains("Cause: The code was used already, is older than 10 minutes");
    harness.get_by_label(
        "Fix: Start the authorization again and exchange the new code at once, exactly as received.",
    );
    harness
        .get_by_label("Source: GitHub Docs, Troubleshooting OAuth app access token request errors");
    // No token in it, and the inspector does not pretend otherwise.
    assert!(harness.query_by_label_contains("No tokens found").is_none());
}

#[test]
fn the_whole_github_error_fixture_lists_three_diagnosed_errors() {
    let mut harness = harness(A_DAY_LATER);
    paste(&mut harness, &fixture("github-token-errors.json"));
    harness.get_by_label("3 error answers found");
    harness.get_by_label("Probably: GitHub did not accept the client id or secret");
    harness.get_by_label("Probably: redirect_uri is not under the app's callback URL");
}

/// An inspector with a bug: it panics on Cyrillic, as the first release did.
fn inspector_with_a_bug(text: &str, now: Timestamp) -> tokenscope::paste::Inspection {
    assert!(
        text.is_ascii(),
        "byte index 7 is not a char boundary; it is inside 'к'"
    );
    tokenscope::paste::inspect(text, now)
}

#[test]
fn a_bug_in_the_inspector_keeps_the_window_and_the_paste() {
    let mut harness = egui_kittest::Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(|cc| {
            tokenscope::app::TokenscopeApp::new(
                &cc.egui_ctx,
                tokenscope::app::StartOptions {
                    clock: Some(Clock::Fixed(Timestamp::from_unix(A_DAY_LATER))),
                    language: Some(tokenscope::i18n::Language::En),
                    inspector: Some(inspector_with_a_bug),
                    ..tokenscope::app::StartOptions::default()
                },
            )
        });
    harness.run_steps(2);
    let paste_text = "{\"token\":\"Токен истёк\"}";
    paste(&mut harness, paste_text);
    harness.get_by_label("Could not decode this paste (internal error).");
    harness.get_by_label_contains("The paste is kept");
    // The text is still in the paste box, exactly.
    assert!(
        harness.query_all_by_value(paste_text).next().is_some(),
        "the paste box still holds the paste"
    );
    let copied = click_and_copy(&mut harness, "Copy report");
    let report = copied.last().expect("a report was copied");
    assert!(
        report.contains("internal error during inspection"),
        "{report}"
    );
    assert!(report.contains("inside 'к'"), "the panic message: {report}");
    assert!(report.contains("tests/ui/inspector.rs"), "where: {report}");
    assert!(
        !report.contains("Токен"),
        "the report never carries the paste itself: {report}"
    );
    // The next paste, without the bug's trigger, is inspected as usual.
    harness.get_by_label("Paste anything").focus();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.run();
    paste(&mut harness, &fixture("keycloak-token-response.json"));
    harness.get_by_label("3 tokens found");
    assert!(harness.state().workspace().internal_error.is_none());
}

/// A pasted DPoP proof (made by npm `jose`) is checked against the request
/// the user types: RFC 9449 §4.3 one row each, the signature with the
/// proof's own key; a wrong method fails its row.
#[test]
fn a_pasted_dpop_proof_is_checked_against_the_request_typed_for_it() {
    use crate::support::{harness, paste, type_into};
    let fixture: serde_json::Value =
        serde_json::from_str(include_str!("../fixtures/dpop/jose-proof.json")).expect("fixture");
    let field = |name: &str| fixture[name].as_str().unwrap_or_default().to_owned();
    let iat = fixture["iat"].as_i64().unwrap_or_default();
    let mut harness = harness(iat + 5);
    paste(&mut harness, &field("proof"));
    harness.get_by_label("Checks").click();
    harness.run();
    type_into(&mut harness, "Method", "POST");
    type_into(&mut harness, "URL", &field("htu"));
    type_into(&mut harness, "Access token", &field("access_token"));
    type_into(&mut harness, "Server nonce", &field("nonce"));
    harness.run();
    harness.get_by_label_contains("DPoP proof (RFC 9449 §4.3): all");
    assert!(harness.query_all_by_label("htu").count() >= 1);
    // "POSTGET" is not the proof's method: its row fails, the rest stand.
    type_into(&mut harness, "Method", "GET");
    harness.run();
    harness.get_by_label_contains("DPoP proof (RFC 9449 §4.3): 1 of");
}
