//! JWE decryption (RFC 7516) against the RFC 7520 cookbook vectors and
//! against tokens the npm `jose` package encrypted
//! (`tests/provider/jwe-vectors.mjs`), with tampered variants: a flipped
//! tag, a wrong key, an ephemeral key off its curve, `RSA1_5` without the
//! opt-in. Keys come from every kind of file: JWK, JWKS, PEM (PKCS#8,
//! PKCS#1, SEC1) and PKCS#12.

use serde_json::Value;
use tokenscope::token::jose::{Decoded, EncryptedJwe, decode_unverified, encode_segment};
use tokenscope::token::jwe::{Content, DecryptOptions, open};
use tokenscope::token::keys::KeySet;
use tokenscope::token::verify::{SignatureOutcome, verify_decoded, verify_decoded_with};

use crate::inspect_at_issue;

const ALLOW_RSA1_5: DecryptOptions = DecryptOptions { allow_rsa1_5: true };

fn jwe_path(name: &str) -> String {
    format!("{}/tests/fixtures/jwe/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn json(name: &str) -> Value {
    let path = jwe_path(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The keys a vector names: `file.json#kid` (the whole JWKS, so the kid
/// chooses), or a PEM or PKCS#12 file.
fn keys(spec: &str) -> KeySet {
    let file = spec.split('#').next().unwrap_or(spec);
    let bytes = std::fs::read(jwe_path(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    let set = KeySet::from_file_bytes(&bytes, file, Some("tokenscope-test"));
    assert!(set.problems.is_empty(), "{file}: {:?}", set.problems);
    assert!(set.can_decrypt(), "{file} holds no decryption key");
    set
}

/// The provider's signing key, which signed the nested tokens.
fn signing_keys() -> KeySet {
    let path = format!(
        "{}/tests/provider/keys/provider-signing.jwks.json",
        env!("CARGO_MANIFEST_DIR")
    );
    KeySet::from_jwks_json(
        &std::fs::read_to_string(path).expect("the provider's JWKS"),
        "provider-signing.jwks.json",
    )
}

fn jwe(compact: &str) -> EncryptedJwe {
    match decode_unverified(compact) {
        Ok(Decoded::Jwe(jwe)) => jwe,
        other => panic!("not a JWE: {other:?}"),
    }
}

fn str_of<'a>(value: &'a Value, name: &str) -> &'a str {
    value[name]
        .as_str()
        .unwrap_or_else(|| panic!("{name} in {value}"))
}

#[test]
fn rfc7520_cookbook_vectors_decrypt() {
    let doc = json("rfc7520.json");
    let vectors = doc["vectors"].as_array().expect("vectors");
    let mut decrypted = Vec::new();
    for vector in vectors {
        let section = str_of(vector, "section");
        let token = jwe(str_of(vector, "compact"));
        let Some(key) = vector.get("key") else {
            // §5.3 is PBES2, keyed by a password: nothing to decrypt with.
            assert_eq!(str_of(vector, "alg"), "PBES2-HS512+A256KW");
            let error =
                open(&token, &KeySet::default(), DecryptOptions::default()).expect_err("PBES2");
            assert_eq!(error.code(), "JWE_ALG_UNSUPPORTED", "{section}: {error}");
            continue;
        };
        let keys = KeySet::from_jwks_json(&key.to_string(), section);
        assert!(keys.problems.is_empty(), "{section}: {:?}", keys.problems);
        let options = if str_of(vector, "alg") == "RSA1_5" {
            // RFC 8725 §3.2: refused unless the user opts in.
            let error = open(&token, &keys, DecryptOptions::default()).expect_err("RSA1_5");
            assert_eq!(error.code(), "JWE_ALG_REFUSED", "{section}");
            assert!(error.to_string().contains("padding-oracle"), "{error}");
            ALLOW_RSA1_5
        } else {
            DecryptOptions::default()
        };
        let opened = open(&token, &keys, options)
            .unwrap_or_else(|e| panic!("{section}: {e}"))
            .opened
            .expect("opened");
        assert_eq!(opened.text, str_of(vector, "plaintext"), "{section}");
        assert!(matches!(opened.content, Content::Text), "{section}");
        assert_eq!(opened.decryption.alg, str_of(vector, "alg"));
        assert_eq!(opened.decryption.enc, str_of(vector, "enc"));
        assert_eq!(
            opened.decryption.key.kid.as_deref(),
            key["kid"].as_str(),
            "{section}"
        );
        assert_eq!(opened.decryption.compressed, vector.get("zip").is_some());
        decrypted.push(section.to_owned());
    }
    assert_eq!(
        decrypted,
        [
            "RFC 7520 §5.1",
            "RFC 7520 §5.2",
            "RFC 7520 §5.4",
            "RFC 7520 §5.5",
            "RFC 7520 §5.6",
            "RFC 7520 §5.7",
            "RFC 7520 §5.8",
            "RFC 7520 §5.9",
        ]
    );
}

/// RFC 7520 §6: a PS256-signed JWT inside an RSA-OAEP + A128GCM JWE.
#[test]
fn rfc7520_nested_signature_verifies_after_decryption() {
    let nested = &json("rfc7520.json")["nested"];
    let keys = KeySet::from_jwks_json(&nested["key"].to_string(), "samwise").merge(
        KeySet::from_jwks_json(&nested["signing_key"].to_string(), "hobbiton"),
    );
    let decoded = decode_unverified(str_of(nested, "compact")).expect("decodes");
    let outcome = verify_decoded(&decoded, &keys);
    assert!(outcome.is_valid(), "{}", outcome.summary());
    assert_eq!(
        outcome.key().and_then(|k| k.kid.as_deref()),
        Some("hobbiton.example")
    );
    assert!(
        outcome.notes().contains(
            &"Decrypted with samwise.gamgee@hobbiton.example (RSA-OAEP, A128GCM)".to_owned()
        ),
        "{:?}",
        outcome.notes()
    );
    // Without the decryption key it stays encrypted; without the signing
    // key the signature inside is not taken on trust.
    let only_signing = KeySet::from_jwks_json(&nested["signing_key"].to_string(), "hobbiton");
    assert!(matches!(
        verify_decoded(&decoded, &only_signing),
        SignatureOutcome::Encrypted { .. }
    ));
    let only_decryption = KeySet::from_jwks_json(&nested["key"].to_string(), "samwise");
    let outcome = verify_decoded(&decoded, &only_decryption);
    assert!(!outcome.is_valid(), "{}", outcome.summary());
}

#[test]
fn tokens_encrypted_by_npm_jose_decrypt_and_the_nested_ones_verify() {
    let doc = json("jose-vectors.json");
    let signing = signing_keys();
    let vectors = doc["vectors"].as_array().expect("vectors");
    assert_eq!(vectors.len(), 10);
    for vector in vectors {
        let name = str_of(vector, "name");
        let keys = keys(str_of(vector, "key"));
        let inspection = inspect_at_issue(str_of(vector, "compact"));
        let token = &inspection.tokens[0];
        assert!(token.claims().is_none(), "{name}: closed until decrypted");
        let opened = token
            .decrypted(&keys, DecryptOptions::default())
            .expect("a JWE and a key")
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let claims = Value::Object(opened.claims().expect("claims").clone());
        assert_eq!(claims, vector["claims"], "{name}");
        assert!(
            opened.times.iter().any(|t| t.name == "exp"),
            "{name}: times are read from the plaintext"
        );
        let Some(Decoded::Jwe(inside)) = &opened.decoded else {
            panic!("{name}: still a JWE")
        };
        let decryption = &inside.opened.as_ref().expect("opened").decryption;
        assert_eq!(decryption.alg, str_of(vector, "alg"), "{name}");
        assert_eq!(decryption.enc, str_of(vector, "enc"), "{name}");
        let outcome = verify_decoded(
            opened.decoded.as_ref().expect("decoded"),
            &keys.clone().merge(signing.clone()),
        );
        if vector["nested"].as_bool() == Some(true) {
            assert!(outcome.is_valid(), "{name}: {}", outcome.summary());
            assert_eq!(decryption.content, "jws");
        } else {
            assert_eq!(outcome.code(), Some("JWE_NOT_SIGNED"), "{name}");
            assert!(
                outcome.summary().contains("signed by nobody"),
                "{name}: {}",
                outcome.summary()
            );
        }
        if name == "zip-def" {
            assert!(decryption.compressed);
            assert!(
                decryption.notes.iter().any(|n| n.contains("RFC 8725 §3.6")),
                "{:?}",
                decryption.notes
            );
        }
        if name == "nested-id-token" {
            // The kid chose the key among the JWKS's six.
            assert_eq!(decryption.key.kid.as_deref(), Some("jose-rsa"));
            assert_eq!(
                decryption.summary(),
                "Decrypted with jose-rsa (RSA-OAEP-256, A256GCM)"
            );
        }
    }
}

fn vector(name: &str) -> Value {
    json("jose-vectors.json")["vectors"]
        .as_array()
        .expect("vectors")
        .iter()
        .find(|v| v["name"] == name)
        .cloned()
        .unwrap_or_else(|| panic!("no vector {name}"))
}

/// The segments of a compact token, base64url.
fn segments(compact: &str) -> Vec<String> {
    compact.split('.').map(str::to_owned).collect()
}

#[test]
fn a_flipped_tag_is_refused_for_gcm_and_cbc() {
    for name in [
        "a128kw-a128gcm",
        "dir-a256cbc-hs512",
        "ecdh-es-p256-apu-apv",
    ] {
        let vector = vector(name);
        let keys = keys(str_of(&vector, "key"));
        let mut token = jwe(str_of(&vector, "compact"));
        assert!(open(&token, &keys, DecryptOptions::default()).is_ok());
        if let Some(byte) = token.tag.last_mut() {
            *byte ^= 0x80;
        }
        let error = open(&token, &keys, DecryptOptions::default()).expect_err(name);
        assert_eq!(error.code(), "JWE_TAG_INVALID", "{name}: {error}");
        assert!(
            error.to_string().contains("wrong key or altered token"),
            "{error}"
        );
        // A changed header changes the AAD: the tag no longer verifies.
        let mut parts = segments(str_of(&vector, "compact"));
        let mut header: Value = serde_json::from_slice(
            &tokenscope::token::jose::decode_segment(
                &parts[0],
                tokenscope::token::jose::Part::Header,
            )
            .expect("base64url"),
        )
        .expect("JSON");
        header["x-extra"] = Value::from(1);
        parts[0] = encode_segment(header.to_string().as_bytes());
        let error = open(&jwe(&parts.join(".")), &keys, DecryptOptions::default())
            .expect_err("altered header");
        assert_eq!(error.code(), "JWE_TAG_INVALID", "{name}: {error}");
    }
}

#[test]
fn a_wrong_key_says_which_key_was_tried_and_why() {
    // RSA-OAEP to the PKCS#8 key, tried with the PKCS#12 container's key.
    let rsa = vector("rsa-oaep-pkcs8");
    let error = open(
        &jwe(str_of(&rsa, "compact")),
        &keys("recipient-rsa.p12"),
        DecryptOptions::default(),
    )
    .expect_err("another RSA key");
    assert_eq!(error.code(), "JWE_KEY_UNWRAP", "{error}");
    assert!(
        error
            .to_string()
            .contains("RSA 2048 from PKCS#12 recipient-rsa.p12")
            && error.to_string().contains("wrong key or altered token"),
        "{error}"
    );
    // An AES key wrap under a key with the right kid and the wrong bytes.
    let (_, error) = vector_with_key("a128kw-a128gcm", "jose-a128kw", "AAAAAAAAAAAAAAAAAAAAAA");
    assert_eq!(error.code(), "JWE_KEY_UNWRAP", "{error}");
    // Direct encryption with the wrong key: the tag does not verify.
    let (_, error) = vector_with_key(
        "dir-a256cbc-hs512",
        "jose-dir-512",
        &encode_segment(&[1; 64]),
    );
    assert_eq!(error.code(), "JWE_TAG_INVALID", "{error}");
    // A kid no key has, and no kid-less key to stand in.
    let p384 = vector("ecdh-es-a256kw-p384");
    let error = open(
        &jwe(str_of(&p384, "compact")),
        &KeySet::from_jwks_json(&fixture_jwk("jose-p384", Some("other-kid")), "other"),
        DecryptOptions::default(),
    )
    .expect_err("unknown kid");
    assert_eq!(error.code(), "JWE_NO_KEY");
    assert!(
        error
            .to_string()
            .contains("no decryption key has kid jose-p384"),
        "{error}"
    );
    // No key of the right kind at all.
    let error = open(
        &jwe(str_of(&p384, "compact")),
        &keys("recipient-rsa.pkcs8.pem"),
        DecryptOptions::default(),
    )
    .expect_err("an RSA key for ECDH-ES");
    assert!(
        error
            .to_string()
            .contains("it needs an EC private key on P-384"),
        "{error}"
    );
}

/// A JWK of the recipient JWKS, with its kid replaced.
fn fixture_jwk(kid: &str, new_kid: Option<&str>) -> String {
    let jwks = json("recipient.private.jwks.json");
    let mut jwk = jwks["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .find(|k| k["kid"] == kid)
        .cloned()
        .expect("the key");
    if let Some(new_kid) = new_kid {
        jwk["kid"] = Value::from(new_kid);
    }
    jwk.to_string()
}

/// Opens a vector with an `oct` key of `kid` whose bytes are `k`; the error.
fn vector_with_key(name: &str, kid: &str, k: &str) -> (Value, tokenscope::token::jwe::JweError) {
    let vector = vector(name);
    let mut jwk: Value = serde_json::from_str(&fixture_jwk(kid, None)).expect("JSON");
    jwk["k"] = Value::from(k);
    let keys = KeySet::from_jwks_json(&jwk.to_string(), "wrong");
    let error = open(
        &jwe(str_of(&vector, "compact")),
        &keys,
        DecryptOptions::default(),
    )
    .expect_err("wrong key");
    (vector, error)
}

/// RFC 8725 §3.4: an ephemeral public key off its curve is refused before
/// any key agreement (the invalid-curve attack).
#[test]
fn an_ephemeral_key_off_its_curve_is_refused() {
    let vector = vector("ecdh-es-p256-apu-apv");
    let keys = keys(str_of(&vector, "key"));
    let mut parts = segments(str_of(&vector, "compact"));
    let mut header: Value = serde_json::from_slice(
        &tokenscope::token::jose::decode_segment(&parts[0], tokenscope::token::jose::Part::Header)
            .expect("base64url"),
    )
    .expect("JSON");
    // (x, x) is not on P-256 for this x; a small-order point would not be either.
    header["epk"]["y"] = header["epk"]["x"].clone();
    parts[0] = encode_segment(header.to_string().as_bytes());
    let error =
        open(&jwe(&parts.join(".")), &keys, DecryptOptions::default()).expect_err("off curve");
    assert_eq!(error.code(), "JWE_EPK_INVALID", "{error}");
    assert!(
        error.to_string().contains("not a point on P-256")
            && error.to_string().contains("RFC 8725 §3.4"),
        "{error}"
    );
    // On another curve than the key's: no key fits.
    header["epk"]["crv"] = Value::from("P-384");
    parts[0] = encode_segment(header.to_string().as_bytes());
    let error =
        open(&jwe(&parts.join(".")), &keys, DecryptOptions::default()).expect_err("another curve");
    assert!(
        matches!(error.code(), "JWE_EPK_INVALID" | "JWE_NO_KEY"),
        "{error}"
    );
}

#[test]
fn rsa1_5_is_refused_in_verification_unless_allowed() {
    let doc = json("rfc7520.json");
    let vector = &doc["vectors"][0];
    assert_eq!(str_of(vector, "alg"), "RSA1_5");
    let keys = KeySet::from_jwks_json(&vector["key"].to_string(), "frodo");
    let decoded = decode_unverified(str_of(vector, "compact")).expect("decodes");
    let refused = verify_decoded(&decoded, &keys);
    assert_eq!(refused.code(), Some("JWE_ALG_REFUSED"));
    assert!(
        refused
            .summary()
            .starts_with("not decrypted: RSA1_5 key encryption is refused")
    );
    let allowed = verify_decoded_with(&decoded, &keys, ALLOW_RSA1_5);
    assert_eq!(
        allowed.code(),
        Some("JWE_NOT_SIGNED"),
        "{}",
        allowed.summary()
    );
}

#[test]
fn private_keys_load_from_every_kind_of_file() {
    let pkcs8 = keys("recipient-rsa.pkcs8.pem");
    let pkcs1 = keys("recipient-rsa.pkcs1.pem");
    assert_eq!(pkcs8.decryption_rows()[0].size, "RSA 2048");
    assert_eq!(
        pkcs8.decryption_rows()[0].fingerprint,
        pkcs1.decryption_rows()[0].fingerprint,
        "the same key as PKCS#8 and PKCS#1"
    );
    assert!(
        pkcs8.keys.is_empty(),
        "a private key is not a verification key"
    );
    assert_eq!(
        keys("recipient-p256.sec1.pem").decryption_rows()[0].size,
        "P-256"
    );
    let p12 = keys("recipient-rsa.p12");
    assert_eq!(p12.decryption_rows()[0].source, "PKCS#12 recipient-rsa.p12");
    let bytes = std::fs::read(jwe_path("recipient-rsa.p12")).expect("p12");
    let wrong = KeySet::from_file_bytes(&bytes, "recipient-rsa.p12", Some("wrong"));
    assert!(!wrong.can_decrypt());
    assert!(
        wrong.problems[0].message.contains("passphrase is wrong"),
        "{:?}",
        wrong.problems
    );
    let jwks = keys("recipient.private.jwks.json");
    let kids: Vec<Option<String>> = jwks.decryption_rows().into_iter().map(|r| r.kid).collect();
    assert_eq!(kids.len(), 6);
    // The rows and `Debug` hold no secret.
    let debug = format!("{jwks:?} {:?}", jwks.decryption_rows());
    for key in json("recipient.private.jwks.json")["keys"]
        .as_array()
        .expect("keys")
    {
        for member in ["d", "k", "p", "q"] {
            if let Some(secret) = key[member].as_str() {
                assert!(!debug.contains(secret), "{member} leaked");
            }
        }
    }
    // A PKCS#12 container handed over as PEM (a binary file wrapped as a
    // CERTIFICATE block) without its passphrase says what it needs.
    let as_pem = format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        base64_standard(&bytes)
    );
    let set = KeySet::from_text(&as_pem, "recipient-rsa.p12");
    assert!(
        set.problems[0].message.contains("passphrase"),
        "{:?}",
        set.problems
    );
}

fn base64_standard(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A token response holding the encrypted ID token and an encrypted access token.
fn token_response() -> String {
    serde_json::json!({
        "access_token": str_of(&vector("ecdh-es-p256-apu-apv"), "compact"),
        "id_token": str_of(&vector("nested-id-token"), "compact"),
        "token_type": "Bearer",
        "expires_in": 600,
    })
    .to_string()
}

const NOW: &str = "1795387900";

#[test]
fn decode_with_keys_decrypts_and_says_with_which_key() {
    let jwks = jwe_path("recipient.private.jwks.json");
    let pem = jwe_path("recipient-p256.sec1.pem");
    let (code, report, stderr) = crate::tokenscope(
        "decode",
        &["--now", NOW, "--key", &jwks, "--key", &pem],
        &token_response(),
        &[],
    );
    assert_eq!(code, 0, "{stderr}");
    let tokens = report["tokens"].as_array().expect("tokens");
    let id = tokens
        .iter()
        .find(|t| t["role"] == "id")
        .expect("the ID token");
    assert_eq!(id["kind"], "jwe");
    assert_eq!(id["nested"], true);
    assert_eq!(id["claims"]["nonce"], "n-jwe-0S6_WzA2Mj");
    assert_eq!(id["decryption"]["status"], "decrypted");
    assert_eq!(
        id["decryption"]["summary"],
        "Decrypted with jose-rsa (RSA-OAEP-256, A256GCM)"
    );
    assert_eq!(id["decryption"]["key"]["kid"], "jose-rsa");
    assert_eq!(id["decryption"]["content"], "jws");
    assert_eq!(id["decryption"]["nested_header"]["alg"], "RS256");
    assert!(
        id["times"]
            .as_array()
            .is_some_and(|t| t.iter().any(|t| t["name"] == "exp")),
        "{id}"
    );
    let access = tokens
        .iter()
        .find(|t| t["role"] == "access")
        .expect("the access token");
    assert_eq!(access["decryption"]["alg"], "ECDH-ES");
    assert_eq!(access["decryption"]["content"], "claims");
    assert_eq!(access["claims"]["scope"], "openid profile");
    assert!(
        access["decryption"]["key"]["source"]
            .as_str()
            .is_some_and(|s| s.contains("recipient-p256.sec1.pem")),
        "{access}"
    );
    // Without keys, the report is as before: no `decryption` member at all.
    let (_, report, _) = crate::tokenscope("decode", &["--now", NOW], &token_response(), &[]);
    assert!(report["tokens"][0].get("decryption").is_none());
    assert!(report["tokens"][0]["claims"].is_null());
}

#[test]
fn decode_says_why_a_jwe_stays_closed_and_rsa1_5_needs_the_flag() {
    let doc = json("rfc7520.json");
    let vector = &doc["vectors"][0];
    let key = std::env::temp_dir().join(format!("tokenscope-frodo-{}.json", std::process::id()));
    std::fs::write(&key, vector["key"].to_string()).expect("write the key");
    let key = key.display().to_string();
    let compact = str_of(vector, "compact");
    let (code, report, _) = crate::tokenscope("decode", &["--key", &key], compact, &[]);
    assert_eq!(code, 0);
    let decryption = &report["tokens"][0]["decryption"];
    assert_eq!(decryption["status"], "failed");
    assert_eq!(decryption["code"], "JWE_ALG_REFUSED");
    assert_eq!(decryption["alg"], "RSA1_5");
    let (_, report, _) =
        crate::tokenscope("decode", &["--key", &key, "--allow-rsa1-5"], compact, &[]);
    let decryption = &report["tokens"][0]["decryption"];
    assert_eq!(decryption["status"], "decrypted", "{decryption}");
    assert_eq!(decryption["content"], "text");
    assert_eq!(decryption["plaintext"], vector["plaintext"]);
    let _ = std::fs::remove_file(&key);
    // A key file with no private key in it is a usage error.
    let public = format!(
        "{}/tests/fixtures/keycloak-jwks.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let (code, report, stderr) = crate::tokenscope("decode", &["--key", &public], compact, &[]);
    assert_eq!(code, 2);
    assert!(report.is_null());
    assert!(
        stderr.contains("holds no private key to decrypt with"),
        "{stderr}"
    );
}

#[test]
fn verify_with_a_decryption_key_checks_the_id_token_inside() {
    let signing = format!(
        "{}/tests/provider/keys/provider-signing.jwks.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let expectations = [
        "--issuer",
        "https://op.example.test",
        "--audience",
        "tokenscope",
        "--nonce",
        "n-jwe-0S6_WzA2Mj",
        "--now",
        NOW,
        "--jwks",
        &signing,
    ];
    let jwks = jwe_path("recipient.private.jwks.json");
    let mut args = expectations.to_vec();
    args.extend(["--decryption-key", jwks.as_str(), "-"]);
    let (code, report, stderr) = crate::tokenscope("verify", &args, &token_response(), &[]);
    assert_eq!(code, 0, "{stderr} {report}");
    let token = &report["tokens"][0];
    assert_eq!(token["role"], "id");
    assert_eq!(token["kind"], "jwe");
    assert_eq!(token["signature"]["status"], "valid");
    assert_eq!(
        token["decryption"]["summary"],
        "Decrypted with jose-rsa (RSA-OAEP-256, A256GCM)"
    );
    assert!(
        token["checks"].as_array().is_some_and(|rows| rows
            .iter()
            .any(|r| r["name"] == "nonce" && r["status"] == "pass")),
        "{token}"
    );
    // The PKCS#12 container's key, its passphrase from the environment.
    let p12_vector = vector("nested-id-token-pkcs12");
    let p12_token = str_of(&p12_vector, "compact");
    let p12 = jwe_path("recipient-rsa.p12");
    let mut args = expectations.to_vec();
    args.extend([
        "--decryption-key",
        p12.as_str(),
        "--decryption-key-passphrase-env",
        "TOKENSCOPE_TEST_P12",
        "-",
    ]);
    let (code, report, stderr) = crate::tokenscope(
        "verify",
        &args,
        &format!(r#"{{"id_token":"{p12_token}"}}"#),
        &[("TOKENSCOPE_TEST_P12", "tokenscope-test")],
    );
    assert_eq!(code, 0, "{stderr} {report}");
    assert_eq!(
        report["tokens"][0]["decryption"]["key"]["source"],
        "PKCS#12 recipient-rsa.p12"
    );
    // A flipped tag: not decrypted, not passed, and the reason says why.
    let mut parts = segments(str_of(&vector("nested-id-token"), "compact"));
    let mut tag =
        tokenscope::token::jose::decode_segment(&parts[4], tokenscope::token::jose::Part::Tag)
            .expect("tag");
    tag[0] ^= 1;
    parts[4] = encode_segment(&tag);
    let mut args = expectations.to_vec();
    args.extend(["--decryption-key", jwks.as_str(), "-"]);
    let (code, report, _) = crate::tokenscope(
        "verify",
        &args,
        &format!(r#"{{"id_token":"{}"}}"#, parts.join(".")),
        &[],
    );
    assert_eq!(code, 1, "{report}");
    let signature = &report["tokens"][0]["signature"];
    assert_eq!(signature["status"], "decryption_failed");
    assert_eq!(signature["code"], "JWE_TAG_INVALID");
    assert_eq!(report["tokens"][0]["decryption"]["status"], "failed");
    assert!(
        signature["summary"]
            .as_str()
            .is_some_and(|s| s.contains("wrong key or altered token")),
        "{signature}"
    );
}
