//! JWT Secured Authorization Response Mode (JARM, OpenID Final): the
//! client's side. The authorization response comes back as one `response`
//! parameter (§2.3: `query.jwt`, `fragment.jwt`, `form_post.jwt`, `jwt`)
//! holding a JWT signed by the authorization server, optionally encrypted
//! to the client. [`check_response`] runs the processing rules of §2.4, one
//! row each, and hands out the authorization response parameters inside
//! (§2.1: `code`, `state`, or `error`, `error_description`, … next to `iss`,
//! `aud`, `exp`) — to be used only when every row passed.
//!
//! The `response` value is hostile: any bytes, any size. Time is a parameter.

#![deny(clippy::string_slice, clippy::indexing_slicing)]

use serde_json::Value;

use crate::token::Timestamp;
use crate::token::checks::{self, CheckResult, CheckedJwt, Expectations};
use crate::token::jose::{Decoded, JwsPayload, UnverifiedJws, decode_unverified};
use crate::token::jwe::{self, Content, DecryptOptions};
use crate::token::keys::KeySet;
use crate::token::verify::{SignatureOutcome, verify_signature};

/// The longest `response` value looked at, in bytes. An authorization
/// response is a few kilobytes (a URL rarely passes 8 KiB; a `form_post`
/// of an encrypted response a little more): anything far bigger is refused
/// before decoding.
pub const MAX_RESPONSE_BYTES: usize = 256 * 1024;

/// Claims of the JWT itself (JARM §2.1, RFC 7519 §4.1), not authorization
/// response parameters. `iss` is both (RFC 9207) and stays a parameter.
const JWT_ONLY: [&str; 5] = ["aud", "exp", "iat", "nbf", "jti"];

const SPEC_DECRYPT: &str = "JARM §2.4 step 1; RFC 7516 §5.2";
const SPEC_WELL_FORMED: &str = "JARM §2.1, §2.3";
const SPEC_STATE: &str = "JARM §2.4 step 2";
const SPEC_ISS: &str = "JARM §2.4 step 3";
const SPEC_AUD: &str = "JARM §2.4 step 4";
const SPEC_EXP: &str = "JARM §2.4 step 5";
const SPEC_SIGNATURE: &str = "JARM §2.4 step 6; RFC 8725 §3.1";

/// What the client expects of a JWT-secured authorization response.
#[derive(Clone, Copy, Debug)]
pub struct JarmExpectations<'a> {
    /// The issuer the authorization request went to (its discovery `issuer`).
    pub issuer: &'a str,
    /// This client's id, which `aud` must contain.
    pub client_id: &'a str,
    /// The authorization server's signing keys (its `jwks_uri`).
    pub keys: &'a KeySet,
    /// The client's own private keys, for an encrypted response; `None` when
    /// it has none.
    pub decryption: Option<&'a KeySet>,
    /// The `state` sent in the request, when the caller wants it compared
    /// here; `None` leaves the comparison to the caller (the row then only
    /// shows the value).
    pub state: Option<&'a str>,
    /// "Now".
    pub now: Timestamp,
    /// Clock-skew tolerance for `exp`, in seconds.
    pub leeway: i64,
}

/// What [`check_response`] found: one row per processing rule of JARM
/// §2.4, in order: `response` (decoded, decrypted), `signature`, `iss`,
/// `aud`, `exp`, `state`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JarmResponse(pub CheckedJwt);

impl std::ops::Deref for JarmResponse {
    type Target = CheckedJwt;

    fn deref(&self) -> &CheckedJwt {
        &self.0
    }
}

impl JarmResponse {
    /// Every claim as a parameter, whatever the checks said: for display.
    /// Strings as they are, other JSON values as their JSON text; the JWT's
    /// own `aud`, `exp`, `iat`, `nbf`, `jti` left out.
    pub fn parameters_unchecked(&self) -> Vec<(String, String)> {
        self.claims
            .iter()
            .flatten()
            .filter(|(name, _)| !JWT_ONLY.contains(&name.as_str()))
            .map(|(name, value)| {
                let text = match value {
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                };
                (name.clone(), text)
            })
            .collect()
    }

    /// The authorization response parameters (`code`, `state`, `iss`, or
    /// `error`, `error_description`, `error_uri`, …) — only when every
    /// check passed (JARM §2.4: otherwise "the client MUST abort
    /// processing and refuse the response").
    pub fn parameters(&self) -> Option<Vec<(String, String)>> {
        self.passed().then(|| self.parameters_unchecked())
    }

    /// The `state` inside, whatever the checks said, for the caller's own
    /// comparison with the one it sent (JARM §2.4 step 2).
    pub fn state(&self) -> Option<&str> {
        self.claims.as_ref()?.get("state")?.as_str()
    }

    /// The `error` inside (RFC 6749 §4.1.2.1), when the response is an error.
    pub fn error(&self) -> Option<&str> {
        self.claims.as_ref()?.get("error")?.as_str()
    }
}

/// The `response` parameter of a callback's query, fragment or form
/// parameters (JARM §2.3), when there is one.
pub fn response_parameter(parameters: &[(String, String)]) -> Option<&str> {
    parameters
        .iter()
        .find(|(name, _)| name == "response")
        .map(|(_, value)| value.as_str())
}

/// Runs the processing rules of JARM §2.4 on `response`, the value of the
/// `response` parameter: decrypt it when it is a JWE (step 1; the JWS
/// inside is what is signed), compare `state` (step 2, when expected),
/// `iss` (step 3), `aud` (step 4), `exp` (step 5) and verify the signature
/// with the authorization server's keys (step 6).
pub fn check_response(response: &str, expected: &JarmExpectations<'_>) -> JarmResponse {
    let unreadable = |row: CheckResult| JarmResponse(CheckedJwt::unreadable(row));
    let response = response.trim();
    if response.len() > MAX_RESPONSE_BYTES {
        return unreadable(CheckResult::fail(
            "response",
            "JARM_TOO_LARGE",
            crate::tr!(
                "jarm-too-large",
                size = response.len(),
                max = MAX_RESPONSE_BYTES
            ),
            SPEC_WELL_FORMED,
        ));
    }
    let (jws, response_row, decrypted_unsigned) = match decode_unverified(response) {
        Ok(Decoded::Jws(jws)) => {
            let row =
                CheckResult::pass("response", crate::tr!("jarm-signed-jwt"), SPEC_WELL_FORMED);
            (jws, row, None)
        }
        Ok(Decoded::Jwe(jwe)) => match open(&jwe, expected.decryption) {
            Ok(opened) => opened,
            Err(row) => return unreadable(row),
        },
        Err(failure) => {
            return unreadable(CheckResult::fail(
                "response",
                "JARM_MALFORMED",
                crate::tr!("jarm-not-jwt", error = failure.error.to_string()),
                SPEC_WELL_FORMED,
            ));
        }
    };
    let JwsPayload::Claims(claims) = &jws.payload else {
        return JarmResponse(CheckedJwt {
            checks: vec![CheckResult::fail(
                "response",
                "JARM_MALFORMED",
                crate::tr!("jarm-nested"),
                SPEC_WELL_FORMED,
            )],
            header: Some(jws.header.clone()),
            claims: None,
        });
    };
    let outcome = decrypted_unsigned.unwrap_or_else(|| verify_signature(&jws, expected.keys));
    let expectations = Expectations {
        leeway: expected.leeway,
        ..Expectations::default()
    };
    let checks = vec![
        response_row,
        checks::signature_row("signature", &outcome, SPEC_SIGNATURE),
        checks::issuer_row(
            claims,
            Some(expected.issuer),
            ("JARM_ISS_MISSING", "JARM_ISS_MISMATCH"),
            SPEC_ISS,
        ),
        checks::client_audience_row(
            claims,
            Some(expected.client_id),
            ("JARM_AUD_MISSING", "JARM_AUD_MISMATCH"),
            SPEC_AUD,
        ),
        checks::expiry_row(
            claims,
            &expectations,
            expected.now,
            "JARM_EXP_MISSING",
            SPEC_EXP,
        ),
        state_row(claims.get("state"), expected.state),
    ];
    JarmResponse(CheckedJwt {
        checks,
        header: Some(jws.header.clone()),
        claims: Some(claims.clone()),
    })
}

/// Step 1: decrypts an encrypted response with the client's keys. The JWS
/// inside, the `response` row, and — when the plaintext is claims no one
/// signed — the outcome that fails the signature row.
fn open(
    jwe: &crate::token::jose::EncryptedJwe,
    decryption: Option<&KeySet>,
) -> Result<(UnverifiedJws, CheckResult, Option<SignatureOutcome>), CheckResult> {
    let header = |name: &str| {
        jwe.header
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_owned()
    };
    let Some(keys) = decryption.filter(|keys| keys.can_decrypt()) else {
        return Err(CheckResult::fail(
            "response",
            "JARM_ENCRYPTED",
            crate::tr!(
                "jarm-encrypted-no-key",
                alg = header("alg"),
                enc = header("enc")
            ),
            SPEC_DECRYPT,
        ));
    };
    let opened = jwe::open(jwe, keys, DecryptOptions::default()).map_err(|error| {
        CheckResult::fail("response", error.code(), error.to_string(), SPEC_DECRYPT)
    })?;
    let Some(opened) = opened.opened else {
        return Err(CheckResult::fail(
            "response",
            "JARM_ENCRYPTED",
            crate::tr!(
                "jarm-encrypted-no-key",
                alg = header("alg"),
                enc = header("enc")
            ),
            SPEC_DECRYPT,
        ));
    };
    let summary = opened.decryption.summary();
    match opened.content {
        Content::Nested(inner) => match *inner {
            Decoded::Jws(jws) => Ok((
                jws,
                CheckResult::pass(
                    "response",
                    crate::tr!("jarm-decrypted-signed", decrypted = summary),
                    SPEC_DECRYPT,
                ),
                None,
            )),
            Decoded::Jwe(_) => Err(CheckResult::fail(
                "response",
                "JARM_MALFORMED",
                crate::tr!("jarm-nested"),
                SPEC_WELL_FORMED,
            )),
        },
        Content::Claims(claims) => {
            // Encrypted but signed by no one (JARM §2.3 signs, then encrypts).
            let jws = UnverifiedJws {
                header: jwe.header.clone(),
                header_text: String::new(),
                payload: JwsPayload::Claims(claims),
                payload_text: String::new(),
                signature: Vec::new(),
                signing_input: String::new(),
            };
            Ok((
                jws,
                CheckResult::pass(
                    "response",
                    crate::tr!("jarm-decrypted", decrypted = summary),
                    SPEC_DECRYPT,
                ),
                Some(SignatureOutcome::DecryptedUnsigned {
                    decryption: opened.decryption,
                }),
            ))
        }
        Content::Text | Content::Binary(_) => Err(CheckResult::fail(
            "response",
            "JARM_MALFORMED",
            crate::tr!("jarm-decrypted-not-jwt", decrypted = summary),
            SPEC_WELL_FORMED,
        )),
    }
}

/// Step 2: `state` against the one sent, or shown for the caller to compare.
fn state_row(state: Option<&Value>, expected: Option<&str>) -> CheckResult {
    const NAME: &str = "state";
    match (state, expected) {
        (Some(Value::String(state)), None) => CheckResult::not_applicable(
            NAME,
            crate::tr!("jarm-state-for-caller", state = state.as_str()),
            SPEC_STATE,
        ),
        (None, None) => {
            CheckResult::not_applicable(NAME, crate::tr!("jarm-state-none"), SPEC_STATE)
        }
        (Some(Value::String(state)), Some(expected)) if state == expected => {
            CheckResult::pass(NAME, crate::tr!("jarm-state-match"), SPEC_STATE)
        }
        (Some(Value::String(state)), Some(expected)) => CheckResult::fail(
            NAME,
            "JARM_STATE_MISMATCH",
            crate::tr!(
                "jarm-state-mismatch",
                state = state.as_str(),
                expected = expected
            ),
            SPEC_STATE,
        ),
        (None, Some(expected)) => CheckResult::fail(
            NAME,
            "JARM_STATE_MISSING",
            crate::tr!("jarm-state-missing", expected = expected),
            SPEC_STATE,
        ),
        (Some(other), _) => CheckResult::fail(
            NAME,
            "JWT_CLAIM_TYPE",
            crate::tr!(
                "check-not-a-string",
                name = NAME,
                kind = crate::token::jose::json_kind_text(other)
            ),
            SPEC_STATE,
        ),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, json};

    use super::*;
    use crate::oauth::assertion::{ClientKey, sign_jwt};
    use crate::token::checks::CheckStatus;

    const NOW: i64 = 1_795_387_806;
    const ISSUER: &str = "https://op.example.test";

    fn provider_key(seed: u8) -> ClientKey {
        ClientKey::P256(p256::ecdsa::SigningKey::from_slice(&[seed; 32]).expect("p256"))
    }

    fn jwks_of(key: &ClientKey, kid: &str) -> KeySet {
        let mut jwk = key.public_material().public_jwk();
        jwk.insert("kid".to_owned(), kid.into());
        KeySet::from_jwks_json(&json!({ "keys": [jwk] }).to_string(), "provider")
    }

    fn response(key: &ClientKey, claims: &Value) -> String {
        let mut header = Map::new();
        header.insert("alg".to_owned(), "ES256".into());
        header.insert("kid".to_owned(), "op-1".into());
        let Value::Object(claims) = claims else {
            panic!("claims object")
        };
        sign_jwt(&header, claims, key, "ES256").expect("signed")
    }

    fn good_claims() -> Value {
        json!({
            "iss": ISSUER,
            "aud": "app",
            "exp": NOW + 600,
            "code": "c-1",
            "state": "s-1",
        })
    }

    fn check(response: &str, keys: &KeySet) -> JarmResponse {
        check_response(
            response,
            &JarmExpectations {
                issuer: ISSUER,
                client_id: "app",
                keys,
                decryption: None,
                state: None,
                now: Timestamp::from_unix(NOW),
                leeway: 60,
            },
        )
    }

    fn status(result: &JarmResponse, name: &str) -> CheckStatus {
        result
            .checks
            .iter()
            .find(|row| row.name == name)
            .map_or_else(
                || panic!("no {name} row: {:#?}", result.checks),
                |row| row.status,
            )
    }

    fn code(result: &JarmResponse, name: &str) -> Option<&'static str> {
        result
            .checks
            .iter()
            .find(|row| row.name == name)
            .and_then(|row| row.code)
    }

    #[test]
    fn a_valid_response_passes_and_yields_its_parameters() {
        let key = provider_key(1);
        let result = check(&response(&key, &good_claims()), &jwks_of(&key, "op-1"));
        assert!(result.passed(), "{:#?}", result.checks);
        let names: Vec<&str> = result.checks.iter().map(|row| row.name).collect();
        assert_eq!(
            names,
            ["response", "signature", "iss", "aud", "exp", "state"]
        );
        assert_eq!(status(&result, "state"), CheckStatus::NotApplicable);
        assert!(
            result.checks[1].reason.contains("op-1"),
            "the key's kid: {}",
            result.checks[1].reason
        );
        assert_eq!(
            result.parameters(),
            Some(vec![
                ("iss".to_owned(), ISSUER.to_owned()),
                ("code".to_owned(), "c-1".to_owned()),
                ("state".to_owned(), "s-1".to_owned()),
            ])
        );
        assert_eq!(result.state(), Some("s-1"));
        assert_eq!(result.error(), None);
    }

    #[test]
    fn the_wrong_key_fails_the_signature_and_hides_the_parameters() {
        let result = check(
            &response(&provider_key(1), &good_claims()),
            &jwks_of(&provider_key(2), "op-1"),
        );
        assert_eq!(status(&result, "signature"), CheckStatus::Fail);
        assert_eq!(code(&result, "signature"), Some("JWS_SIG_INVALID"));
        assert!(!result.passed());
        assert_eq!(result.parameters(), None);
        assert_eq!(result.state(), Some("s-1"), "still shown");
        let other_kid = check(
            &response(&provider_key(1), &good_claims()),
            &jwks_of(&provider_key(1), "op-2"),
        );
        assert_eq!(code(&other_kid, "signature"), Some("JWK_KID_UNKNOWN"));
    }

    #[test]
    fn wrong_iss_aud_and_an_expired_response_fail_their_rows() {
        let key = provider_key(1);
        let keys = jwks_of(&key, "op-1");
        let cases = [
            (
                "iss",
                json!("https://evil.example.test"),
                "JARM_ISS_MISMATCH",
            ),
            ("aud", json!(["other", "another"]), "JARM_AUD_MISMATCH"),
            ("aud", json!(7), "JWT_CLAIM_TYPE"),
            ("exp", json!(NOW - 61), "JARM_EXPIRED"),
            ("exp", json!("soon"), "JWT_CLAIM_TYPE"),
        ];
        for (name, value, expected) in cases {
            let mut claims = good_claims();
            claims[name] = value;
            let result = check(&response(&key, &claims), &keys);
            assert_eq!(code(&result, name), Some(expected), "{:#?}", result.checks);
            assert_eq!(status(&result, "signature"), CheckStatus::Pass);
            assert_eq!(result.parameters(), None);
        }
        for name in ["iss", "aud", "exp"] {
            let mut claims = good_claims();
            claims.as_object_mut().expect("object").remove(name);
            let result = check(&response(&key, &claims), &keys);
            assert_eq!(status(&result, name), CheckStatus::Fail, "no {name}");
        }
        let mut claims = good_claims();
        claims["exp"] = json!(NOW - 30);
        let within_leeway = check(&response(&key, &claims), &keys);
        assert!(within_leeway.passed(), "{:#?}", within_leeway.checks);
        claims["aud"] = json!(["other", "app"]);
        assert!(check(&response(&key, &claims), &keys).passed());
    }

    #[test]
    fn an_error_response_inside_jarm_is_handed_out_when_it_verifies() {
        let key = provider_key(1);
        let claims = json!({
            "iss": ISSUER,
            "aud": "app",
            "exp": NOW + 60,
            "error": "access_denied",
            "error_description": "пользователь отказал 🙅",
            "state": "s-1",
        });
        let result = check(&response(&key, &claims), &jwks_of(&key, "op-1"));
        assert!(result.passed(), "{:#?}", result.checks);
        assert_eq!(result.error(), Some("access_denied"));
        let parameters = result.parameters().expect("verified");
        assert!(parameters.contains(&(
            "error_description".to_owned(),
            "пользователь отказал 🙅".to_owned()
        )));
        assert!(
            !parameters
                .iter()
                .any(|(name, _)| name == "aud" || name == "exp")
        );
    }

    #[test]
    fn the_state_is_compared_when_the_caller_asks() {
        let key = provider_key(1);
        let keys = jwks_of(&key, "op-1");
        let jwt = response(&key, &good_claims());
        let with_state = |state| {
            check_response(
                &jwt,
                &JarmExpectations {
                    issuer: ISSUER,
                    client_id: "app",
                    keys: &keys,
                    decryption: None,
                    state: Some(state),
                    now: Timestamp::from_unix(NOW),
                    leeway: 0,
                },
            )
        };
        assert_eq!(status(&with_state("s-1"), "state"), CheckStatus::Pass);
        assert_eq!(
            code(&with_state("s-2"), "state"),
            Some("JARM_STATE_MISMATCH")
        );
    }

    #[test]
    fn an_unsigned_response_fails_the_signature() {
        let key = provider_key(1);
        let keys = jwks_of(&key, "op-1");
        let signed = response(&key, &good_claims());
        let mut parts = signed.split('.');
        let claims = parts.nth(1).expect("claims");
        let none = format!(
            "{}.{claims}.",
            crate::token::jose::encode_segment(br#"{"alg":"none"}"#)
        );
        let result = check(&none, &keys);
        assert_eq!(code(&result, "signature"), Some("JWS_ALG_NONE"));
        assert_eq!(result.parameters(), None);
    }

    #[test]
    fn an_encrypted_response_needs_a_key_and_opens_with_one() {
        let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/jwe/");
        let vectors: Value = serde_json::from_str(
            &std::fs::read_to_string(format!("{fixtures}jose-vectors.json")).expect("vectors"),
        )
        .expect("json");
        let nested = vectors["vectors"]
            .as_array()
            .and_then(|all| all.iter().find(|v| v["name"] == "nested-id-token"))
            .expect("the nested vector");
        let compact = nested["compact"].as_str().expect("compact");
        let signing = KeySet::from_jwks_json(
            &std::fs::read_to_string(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/provider/keys/provider-signing.jwks.json"
            ))
            .expect("signing keys"),
            "provider",
        );
        let decryption = KeySet::from_jwks_json(
            &std::fs::read_to_string(format!("{fixtures}recipient.private.jwks.json"))
                .expect("recipient keys"),
            "client",
        );
        let mut expected = JarmExpectations {
            issuer: ISSUER,
            client_id: "tokenscope",
            keys: &signing,
            decryption: None,
            state: None,
            now: Timestamp::from_unix(NOW + 5),
            leeway: 60,
        };
        let locked = check_response(compact, &expected);
        assert_eq!(locked.checks.len(), 1);
        assert_eq!(code(&locked, "response"), Some("JARM_ENCRYPTED"));
        assert!(
            locked.checks[0].reason.contains("needs a decryption key"),
            "{}",
            locked.checks[0].reason
        );
        expected.decryption = Some(&decryption);
        let opened = check_response(compact, &expected);
        assert!(opened.passed(), "{:#?}", opened.checks);
        assert!(opened.checks[0].reason.contains("a signed JWT inside"));
        let wrong_keys = KeySet::from_jwks_json(
            &json!({"keys": [{"kty": "oct", "k": "AAAAAAAAAAAAAAAAAAAAAA", "alg": "A128KW"}]})
                .to_string(),
            "wrong",
        );
        expected.decryption = Some(&wrong_keys);
        let failed = check_response(compact, &expected);
        assert_eq!(failed.checks.len(), 1);
        assert_eq!(status(&failed, "response"), CheckStatus::Fail);
        // Encrypted claims that no one signed: decrypted, then refused.
        let unsigned = vectors["vectors"]
            .as_array()
            .and_then(|all| all.iter().find(|v| v["name"] == "a128kw-a128gcm"))
            .and_then(|v| v["compact"].as_str())
            .expect("the A128KW vector");
        expected.decryption = Some(&decryption);
        let result = check_response(unsigned, &expected);
        assert_eq!(status(&result, "response"), CheckStatus::Pass);
        assert_eq!(code(&result, "signature"), Some("JWE_NOT_SIGNED"));
        assert_eq!(result.parameters(), None);
    }

    #[test]
    fn hostile_input_is_one_failed_row_never_a_panic() {
        let keys = jwks_of(&provider_key(1), "op-1");
        let huge = "a".repeat(MAX_RESPONSE_BYTES + 1);
        let dots = ".".repeat(100_000);
        let inputs = [
            "",
            "   ",
            "кириллица",
            "🦀.🦀.🦀",
            "eyJ.eyJ.",
            "a.b.c.d.e",
            dots.as_str(),
            huge.as_str(),
            "eyJhbGciOiJFUzI1NiJ9.WzFd.AA",
        ];
        for input in inputs {
            let result = check(input, &keys);
            assert!(!result.passed(), "{input:.40}");
            assert_eq!(result.parameters(), None);
            assert!(result.checks.iter().any(CheckResult::is_fail));
        }
        assert_eq!(
            code(&check(&huge, &keys), "response"),
            Some("JARM_TOO_LARGE")
        );
    }

    #[test]
    fn a_gost_signed_response_verifies_with_the_banks_gost_key() {
        use crate::token::gost::{GostCurve, GostPrivateKey};
        use crate::token::keys::{KeySource, VerificationKey};
        for (curve, alg) in [
            (GostCurve::CryptoProA, "gost34.10-2012"),
            (GostCurve::Tc26Gost512A, "GOST3410_2012_512"),
        ] {
            let key = ClientKey::gost(GostPrivateKey::from_random(curve, &[4; 128]).expect("key"));
            let mut header = Map::new();
            header.insert("alg".to_owned(), alg.into());
            let Value::Object(claims) = good_claims() else {
                panic!("object")
            };
            let jwt = sign_jwt(&header, &claims, &key, alg).expect("signed");
            let keys = KeySet {
                keys: vec![VerificationKey::new(
                    key.public_material(),
                    KeySource::Certificate("bank".to_owned()),
                )],
                ..KeySet::default()
            };
            let result = check(&jwt, &keys);
            assert!(result.passed(), "{alg}: {:#?}", result.checks);
            assert!(result.checks[1].reason.contains("GOST R 34.10-2012"));
        }
    }

    #[test]
    fn the_response_parameter_is_found_among_the_callback_parameters() {
        let parameters = vec![
            ("state".to_owned(), "x".to_owned()),
            ("response".to_owned(), "eyJ.a.b".to_owned()),
        ];
        assert_eq!(response_parameter(&parameters), Some("eyJ.a.b"));
        assert_eq!(response_parameter(&[]), None);
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_checked_without_panicking(input in "\\PC{0,400}") {
            let keys = KeySet::default();
            let result = check(&input, &keys);
            proptest::prop_assert!(!result.passed());
        }
    }
}
