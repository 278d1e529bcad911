//! An SD-JWT (RFC 9901) in the inspector: disclosed claims marked in place,
//! the withheld ones counted, the Key Binding JWT as a part of its own, and
//! the SD-JWT checks in the Checks view.

use egui_kittest::kittest::Queryable as _;

use crate::support::{fixture, harness, paste, shows, type_into};

/// The KB-JWT's `iat` in RFC 9901 §5.2, plus a minute.
const NOW: i64 = 1_748_537_243 + 60;

fn presentation() -> String {
    fixture("sd-jwt/rfc9901-5.2-presentation-kb.txt")
}

#[test]
fn disclosed_claims_are_marked_and_withheld_ones_counted() {
    let mut harness = harness(NOW);
    paste(&mut harness, &presentation());
    harness.get_by_label("1 token found");
    harness.get_by_label("SD-JWT · ES256 · 4 disclosures · KB-JWT");
    harness.get_by_label("6 claims withheld (or decoys: they cannot be told apart)");
    // given_name, family_name, address and one nationality.
    assert_eq!(harness.query_all_by_label("disclosed").count(), 4);
    harness.get_by_label("given_name");
    harness.get_by_label("John");
    // The digests nobody disclosed stay where they sit, explained.
    harness.get_by_label("_sd");
    assert!(shows(&harness, "withheld, or decoys"));
    // The Key Binding JWT is shown apart from the issuer's claims.
    harness.get_by_label("Key binding");
    assert!(shows(&harness, "ES256 · kb+jwt · nonce 1234567890"));
}

#[test]
fn the_checks_view_verifies_the_key_binding_against_what_was_sent() {
    let mut harness = harness(NOW);
    paste(&mut harness, &presentation());
    let keys = tokenscope::token::keys::KeySet::from_jwks_json(
        &fixture("sd-jwt/issuer-jwks.json"),
        "issuer-jwks.json",
    );
    harness
        .state_mut()
        .workspace_mut()
        .add_keys(keys, "1 key from issuer-jwks.json.".to_owned());
    harness.run();
    harness.get_by_label("Checks").click();
    harness.run();
    type_into(&mut harness, "Nonce sent", "1234567890");
    type_into(
        &mut harness,
        "Audience (aud)",
        "https://verifier.example.org",
    );
    assert!(shows(&harness, "SD-JWT (RFC 9901 §7): all"), "the verdict");
    for row in [
        "sd_hash",
        "kb_signature",
        "kb_nonce",
        "kb_aud",
        "disclosures",
    ] {
        harness.get_by_label(row);
    }
    harness.get_by_label("nonce is 1234567890, as expected");
    // Another nonce: the row fails, and says why.
    type_into(&mut harness, "Nonce sent", "-other");
    harness.get_by_label("nonce is 1234567890 but 1234567890-other was expected");
}

#[test]
fn the_marks_read_in_russian() {
    let mut harness = harness(NOW);
    harness.get_by_label("Русский").click();
    harness.run();
    harness.get_by_label("Вставьте что угодно").focus();
    harness.run();
    harness.event(egui::Event::Paste(presentation()));
    harness.run();
    assert_eq!(harness.query_all_by_label("раскрыто").count(), 4);
    harness.get_by_label("6 утверждений скрыто (или ложные: их не отличить)");
    harness.get_by_label("SD-JWT · ES256 · 4 раскрытия · KB-JWT");
}

/// The port of the issuer whose address the snapshot shows.
const SNAPSHOT_ISSUER_PORT: u16 = 47_913;

/// An SD-JWT VC whose key nobody loaded: the Checks view offers to fetch
/// the issuer's keys from the issuer's host (only then is anything
/// fetched); once they land, the `issuer_key` row names the key and where it
/// came from, and the verdict turns to verified.
#[test]
fn fetching_the_issuers_keys_verifies_an_sd_jwt_vc() {
    use crate::vc_issuer::{KID, credential, jwks, serve, serve_on};
    let metadata =
        |base: &str| serde_json::json!({"issuer": format!("{base}/tenant/1234"), "jwks": jwks()});
    // A fixed port keeps the snapshot's address the same; a taken one only skips the image.
    let (issuer, snapshot) = match serve_on(SNAPSHOT_ISSUER_PORT, metadata) {
        Some(issuer) => (issuer, true),
        None => (serve(metadata), false),
    };
    let mut harness = harness(1_800_000_000);
    paste(&mut harness, &credential(&issuer.iss()));
    harness.get_by_label("Checks").click();
    harness.run();
    assert!(
        !shows(&harness, "SD-JWT (RFC 9901 §7)"),
        "no key yet: no verdict"
    );
    assert!(issuer.asked().is_empty(), "nothing fetched unasked");
    harness
        .get_by_label("Fetch the issuer's keys from 127.0.0.1")
        .click();
    harness.run();
    crate::support::wait_for(&mut harness, |app| {
        let verification = &app.workspace().verification;
        verification.issuer_keys.is_some() && !verification.fetching_issuer_keys
    });
    assert_eq!(issuer.asked(), ["/.well-known/jwt-vc-issuer/tenant/1234"]);
    assert!(shows(&harness, "SD-JWT (RFC 9901 §7): all"), "the verdict");
    harness.get_by_label("issuer_key");
    harness.get_by_label(&format!(
        "signed with issuer key {KID} from {}/.well-known/jwt-vc-issuer/tenant/1234",
        issuer.base
    ));
    if snapshot {
        harness.snapshot("inspector_sd_jwt_vc_issuer_key");
    }
}

/// The button and the refusal speak Russian too.
#[test]
fn a_refused_issuer_is_said_in_russian() {
    use crate::vc_issuer::{credential, jwks, serve};
    let issuer = serve(|base| serde_json::json!({"issuer": base, "jwks": jwks()}));
    let mut harness = harness(1_800_000_000);
    harness.get_by_label("Русский").click();
    harness.run();
    harness.get_by_label("Вставьте что угодно").focus();
    harness.run();
    harness.event(egui::Event::Paste(credential(&issuer.iss())));
    harness.run();
    harness.get_by_label("Проверки").click();
    harness.run();
    harness
        .get_by_label("Загрузить ключи издателя с 127.0.0.1")
        .click();
    harness.run();
    crate::support::wait_for(&mut harness, |app| {
        let verification = &app.workspace().verification;
        verification.issuer_keys.is_some() && !verification.fetching_issuer_keys
    });
    assert!(
        shows(&harness, "отклонено: issuer в метаданных"),
        "the refusal, in Russian"
    );
}
