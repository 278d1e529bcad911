//! The inspector decrypts a pasted JWE with a private key loaded in the Keys
//! tab, says with which key and algorithms, shows the claims inside and
//! verifies the signed token inside; and says why a JWE stays closed.

use egui_kittest::kittest::Queryable as _;
use tokenscope::app::TokenscopeApp;
use tokenscope::model::JobResult;
use tokenscope::token::Timestamp;
use tokenscope::token::keys::KeySet;

use crate::support::{
    GENERATED_AT, fixture, harness, harness_on, paste, shows, start_flow_of, temp_dir, type_into,
    wait_for,
};

/// The compact token of one of the npm `jose` vectors.
fn jose_vector(name: &str) -> String {
    let doc: serde_json::Value =
        serde_json::from_str(&fixture("jwe/jose-vectors.json")).expect("JSON");
    doc["vectors"]
        .as_array()
        .expect("vectors")
        .iter()
        .find(|v| v["name"] == name)
        .and_then(|v| v["compact"].as_str())
        .expect("the vector")
        .to_owned()
}

/// The recipient's private JWKS and the provider's signing JWKS, as the
/// Keys tab loads files.
fn recipient_and_signing_keys() -> KeySet {
    let signing = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/provider/keys/provider-signing.jwks.json"
    ))
    .expect("the provider's JWKS");
    KeySet::from_text(
        &fixture("jwe/recipient.private.jwks.json"),
        "recipient.private.jwks.json",
    )
    .merge(KeySet::from_text(&signing, "provider-signing.jwks.json"))
}

#[test]
fn a_pasted_jwe_is_decrypted_and_the_id_token_inside_verified() {
    let mut harness = harness(GENERATED_AT + 60);
    paste(
        &mut harness,
        &format!(
            r#"{{"id_token":"{}","token_type":"Bearer"}}"#,
            jose_vector("nested-id-token")
        ),
    );
    harness.get_by_label("ID token").click();
    harness.run();
    // Closed, and the claims view says what would open it.
    harness.get_by_label_contains("load the recipient's private key");
    harness
        .state_mut()
        .workspace_mut()
        .add_keys(recipient_and_signing_keys(), "keys loaded".to_owned());
    harness.run();
    harness.get_by_label("Decrypted with jose-rsa (RSA-OAEP-256, A256GCM)");
    harness.get_by_label("valid (RS256, key tokenscope-test-provider-rs256)");
    harness.get_by_label("nonce");
    harness.get_by_label("n-jwe-0S6_WzA2Mj");
    harness.get_by_label("Checks").click();
    harness.run();
    harness.get_by_label_contains("applicable checks pass");
    harness.get_by_label("Keys").click();
    harness.run();
    harness.get_by_label("Decryption keys (private, for JWE)");
    assert!(shows(&harness, "jose-rsa · RSA 2048 · enc"));
}

#[test]
fn a_tampered_jwe_and_an_rsa1_5_one_say_why_they_stay_closed() {
    let mut harness = harness(GENERATED_AT + 60);
    // The first character of the tag changed: the tag no longer verifies.
    let token = jose_vector("nested-id-token");
    let (body, tag) = token.rsplit_once('.').expect("five segments");
    let first = if tag.starts_with('A') { "B" } else { "A" };
    paste(&mut harness, &format!("{body}.{first}{}", &tag[1..]));
    harness
        .state_mut()
        .workspace_mut()
        .add_keys(recipient_and_signing_keys(), "keys loaded".to_owned());
    harness.run();
    assert!(
        shows(
            &harness,
            "the tag does not verify with key jose-rsa (A256GCM): wrong key or altered token"
        ),
        "the reason is shown"
    );

    // RFC 7520 §5.1: RSA1_5, refused until the user allows it in the Keys tab.
    let cookbook: serde_json::Value =
        serde_json::from_str(&fixture("jwe/rfc7520.json")).expect("JSON");
    let vector = &cookbook["vectors"][0];
    let mut harness = harness_with_paste(vector["compact"].as_str().expect("compact"));
    harness.state_mut().workspace_mut().add_keys(
        KeySet::from_text(&vector["key"].to_string(), "frodo.json"),
        "keys loaded".to_owned(),
    );
    harness.run();
    assert!(shows(&harness, "RSA1_5 key encryption is refused"));
    harness.get_by_label("Keys").click();
    harness.run();
    harness
        .get_by_label("Allow RSA1_5 (unsafe, RFC 8725 §3.2)")
        .click();
    harness.run();
    harness.get_by_label("Claims").click();
    harness.run();
    assert!(shows(
        &harness,
        "Decrypted with frodo.baggins@hobbiton.example (RSA1_5, A128CBC-HS256)"
    ));
    assert!(shows(&harness, "You can trust us to stick with you"));
}

fn harness_with_paste(
    text: &str,
) -> egui_kittest::Harness<'static, tokenscope::app::TokenscopeApp> {
    let mut harness = harness(GENERATED_AT + 60);
    paste(&mut harness, text);
    harness
}

/// The Keys tab's file dialog came back with `name` from the JWE fixtures.
fn key_file_picked(harness: &mut egui_kittest::Harness<'static, TokenscopeApp>, name: &str) {
    let bytes = std::fs::read(format!(
        "{}/tests/fixtures/jwe/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture");
    let effects = harness.state_mut().workspace_mut().land_job(
        JobResult::KeyFileRead {
            label: name.to_owned(),
            bytes: Ok(bytes),
        },
        Timestamp::from_unix(GENERATED_AT + 60),
    );
    assert!(effects.is_empty(), "{effects:?}");
    harness.run();
}

/// A PKCS#12 decryption key that needs a passphrase: the Keys tab asks for
/// it (masked), says when it is wrong, and with the right one the pasted
/// JWE decrypts. The passphrase is nowhere on screen.
#[test]
fn a_pkcs12_key_asks_for_its_passphrase_and_then_decrypts_the_paste() {
    let mut harness = harness(GENERATED_AT + 60);
    paste(
        &mut harness,
        &format!(
            r#"{{"id_token":"{}"}}"#,
            jose_vector("nested-id-token-pkcs12")
        ),
    );
    harness.get_by_label("Keys").click();
    harness.run();
    key_file_picked(&mut harness, "recipient-rsa.p12");
    harness.get_by_label("Passphrase for recipient-rsa.p12");
    assert!(!shows(&harness, "Wrong passphrase"), "nothing tried yet");

    type_into(
        &mut harness,
        "Passphrase for recipient-rsa.p12",
        "not-the-passphrase",
    );
    assert!(
        !shows(&harness, "not-the-passphrase"),
        "the field is masked"
    );
    harness.get_by_label("Open").click();
    harness.run();
    harness.get_by_label("Wrong passphrase: recipient-rsa.p12 did not open with it.");
    assert!(!harness.state().workspace().verification.keys.can_decrypt());

    type_into(
        &mut harness,
        "Passphrase for recipient-rsa.p12",
        "tokenscope-test",
    );
    harness.get_by_label("Open").click();
    harness.run();
    assert!(
        harness.query_by_label_contains("Passphrase for").is_none(),
        "the question is gone"
    );
    assert!(!shows(&harness, "Wrong passphrase"));
    harness.get_by_label("Decryption keys (private, for JWE)");
    assert!(shows(&harness, "PKCS#12 recipient-rsa.p12"));
    harness.get_by_label("Claims").click();
    harness.run();
    harness.get_by_label_contains("Decrypted with");
    harness.get_by_label_contains("(RSA-OAEP-256, A128CBC-HS256)");
    assert!(
        !shows(&harness, "tokenscope-test"),
        "the passphrase is not shown"
    );
}

/// The question, as the Keys tab draws it after a wrong passphrase.
#[test]
fn pkcs12_passphrase_prompt_snapshot() {
    let mut harness = harness(GENERATED_AT + 60);
    paste(
        &mut harness,
        &format!(
            r#"{{"id_token":"{}"}}"#,
            jose_vector("nested-id-token-pkcs12")
        ),
    );
    harness.get_by_label("Keys").click();
    harness.run();
    key_file_picked(&mut harness, "recipient-rsa.p12");
    type_into(&mut harness, "Passphrase for recipient-rsa.p12", "wrong");
    harness.get_by_label("Open").click();
    harness.run();
    type_into(&mut harness, "Passphrase for recipient-rsa.p12", "typed");
    harness.snapshot("pkcs12_passphrase_prompt");
}

/// A saved profile whose decryption key file is `recipient-rsa.p12`.
fn write_bank_profile(dir: &std::path::Path) {
    let profiles = r#"{"schema":1,"profiles":[
        {"id":"bank","name":"Bank","issuer":"https://127.0.0.1:9/","client_id":"app",
         "redirect_uri":"http://127.0.0.1:53682/callback"}]}"#;
    std::fs::write(dir.join("profiles.json"), profiles).expect("profiles");
}

const P12_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/jwe/recipient-rsa.p12"
);

/// The flow's decryption key, once the window's job read it: its error, or
/// whether it can decrypt.
fn flow_key(app: &TokenscopeApp) -> Option<Result<bool, String>> {
    let session = &app.workspace().flow.as_ref()?.session;
    match (&session.decryption_keys, &session.decryption_key_error) {
        (_, Some(error)) => Some(Err(error.clone())),
        (Some(keys), None) => Some(Ok(keys.can_decrypt())),
        (None, None) => None,
    }
}

/// The profile form's "Key passphrase" (shown once a decryption key file is
/// set) goes to the secret store, never to the profile file; the window's
/// flow then opens the PKCS#12 key with it.
#[test]
fn the_profiles_key_passphrase_is_stored_apart_and_opens_the_flows_key() {
    let dir = temp_dir("key-passphrase-form");
    write_bank_profile(&dir);
    let mut harness = harness_on(&dir);
    harness.get_by_label("Bank").click();
    harness.run();
    wait_for(&mut harness, |app| {
        app.workspace()
            .profiles
            .loaded_decryption_passphrase
            .is_some()
    });
    assert!(
        harness.query_by_label("Key passphrase").is_none(),
        "no key file, no passphrase field"
    );
    harness.get_by_label("Decryption key file").scroll_to_me();
    harness.run();
    type_into(&mut harness, "Decryption key file", P12_PATH);
    harness.get_by_label("Key passphrase").scroll_to_me();
    harness.run();
    type_into(&mut harness, "Key passphrase", "tokenscope-test");
    assert!(!shows(&harness, "tokenscope-test"), "masked");
    harness.get_by_label("Save").click();
    harness.run();
    wait_for(&mut harness, |_| {
        std::fs::read_to_string(dir.join("secrets.json"))
            .is_ok_and(|s| s.contains(r#""bank/decryption_key_passphrase": "tokenscope-test""#))
    });
    wait_for(&mut harness, |_| {
        std::fs::read_to_string(dir.join("profiles.json"))
            .is_ok_and(|s| s.contains("recipient-rsa.p12"))
    });
    let profiles = std::fs::read_to_string(dir.join("profiles.json")).expect("profiles");
    assert!(!profiles.contains("tokenscope-test"), "{profiles}");

    harness.get_by_label("Flow").click();
    harness.run();
    harness.get_by_label("Start the flow").click();
    harness.run();
    wait_for(&mut harness, |app| flow_key(app).is_some());
    assert_eq!(flow_key(harness.state()), Some(Ok(true)));
}

/// A stored passphrase that does not open the key: the flow card says so.
#[test]
fn a_wrong_stored_key_passphrase_is_said_on_the_flow_card() {
    let dir = temp_dir("key-passphrase-wrong");
    let profiles = format!(
        r#"{{"schema":1,"profiles":[
        {{"id":"bank","name":"Bank","issuer":"https://127.0.0.1:9/","client_id":"app",
         "redirect_uri":"http://127.0.0.1:53682/callback","decryption_key_file":"{P12_PATH}"}}]}}"#
    );
    std::fs::write(dir.join("profiles.json"), profiles).expect("profiles");
    std::fs::write(
        dir.join("secrets.json"),
        r#"{"bank/decryption_key_passphrase": "not-the-passphrase"}"#,
    )
    .expect("secrets");
    let mut harness = harness_on(&dir);
    start_flow_of(&mut harness, "Bank", |app| {
        app.workspace().profiles.loaded_secret.is_some()
    });
    wait_for(&mut harness, |app| flow_key(app).is_some());
    assert_eq!(
        flow_key(harness.state()),
        Some(Err(
            "the passphrase of recipient-rsa.p12 is wrong".to_owned()
        ))
    );
    harness.run();
    assert!(shows(
        &harness,
        "the passphrase of recipient-rsa.p12 is wrong"
    ));
    assert!(!shows(&harness, "not-the-passphrase"));
}
