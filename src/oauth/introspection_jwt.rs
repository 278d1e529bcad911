//! JWT Response for OAuth Token Introspection (RFC 9701): the resource
//! server's side. Asked with `Accept: application/token-introspection+jwt`
//! (§4), the authorization server answers with a JWT of that media type
//! (§5): signed with its key, optionally encrypted to the client, `typ`
//! `token-introspection+jwt`, with `iss`, `aud`, `iat` and the RFC 7662
//! answer inside `token_introspection`. [`check_signed`] checks the signed
//! JWT, one row per rule, and hands out the answer only when every row
//! passed (§8.1: the signature is what makes the answer worth more than
//! plain JSON). Decryption is the run's (the same keys and code as an
//! encrypted ID token or UserInfo answer).
//!
//! The body is hostile: any bytes, any size. Time is a parameter.

#![deny(clippy::string_slice, clippy::indexing_slicing)]

use serde::Serialize;
use serde_json::Value;

use super::flow::Introspection;
use crate::net::RecordedResponse;
use crate::token::Timestamp;
use crate::token::checks::{self, CheckResult, CheckedJwt, Expectations};
use crate::token::jose::{Decoded, JsonObject, JwsPayload, decode_unverified, json_kind_text};
use crate::token::keys::KeySet;
use crate::token::verify::verify_signature;

/// The media type of the request's `Accept` (RFC 9701 §4) and of the
/// answer's `Content-Type` (§5, §10.2).
pub const MEDIA_TYPE: &str = "application/token-introspection+jwt";

/// The JWT's `typ` header (RFC 9701 §5), `application/` left out as RFC
/// 7515 §4.1.9 recommends.
pub const TYP: &str = "token-introspection+jwt";

/// The longest answer looked at, in bytes. An introspection answer is a
/// few kilobytes (an encrypted one a third more); anything far bigger is
/// refused before decoding.
pub const MAX_ANSWER_BYTES: usize = 256 * 1024;

const SPEC_WELL_FORMED: &str = "RFC 9701 §5";
const SPEC_TYP: &str = "RFC 9701 §5, §8.1; RFC 8725 §3.11";
const SPEC_SIGNATURE: &str = "RFC 9701 §5, §8.1; RFC 8725 §3.1";
const SPEC_ISS: &str = "RFC 9701 §5, §8.1";
const SPEC_AUD: &str = "RFC 9701 §5, §8.1";
const SPEC_IAT: &str = "RFC 9701 §5";
const SPEC_ANSWER: &str = "RFC 9701 §5; RFC 7662 §2.2";

/// Whether `response` is a JWT introspection answer: its `Content-Type`
/// is [`MEDIA_TYPE`], parameters ignored, in any case (RFC 9110 §8.3.1).
/// A provider may answer so without being asked (a client registered with
/// `introspection_signed_response_alg`, RFC 9701 §6), so this, not the
/// request, decides how the body is read.
pub fn is_jwt_answer(response: &RecordedResponse) -> bool {
    response.media_type() == MEDIA_TYPE
}

/// What the client expects of a JWT introspection answer.
#[derive(Clone, Copy, Debug)]
pub struct IntrospectionJwtExpectations<'a> {
    /// The profile's issuer, which `iss` must equal; empty when the
    /// profile has none (the `iss` row then fails: nothing to compare with).
    pub issuer: &'a str,
    /// This client's id, which `aud` must contain.
    pub client_id: &'a str,
    /// The authorization server's signing keys (its `jwks_uri`).
    pub keys: &'a KeySet,
    /// "Now".
    pub now: Timestamp,
    /// Clock-skew tolerance for `iat`, in seconds.
    pub leeway: i64,
}

/// What [`check_signed`] found: rows `response` (a signed JWT), `typ`,
/// `signature`, `iss`, `aud`, `iat`, `token_introspection`, in that order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct IntrospectionJwt(pub CheckedJwt);

impl std::ops::Deref for IntrospectionJwt {
    type Target = CheckedJwt;

    fn deref(&self) -> &CheckedJwt {
        &self.0
    }
}

impl IntrospectionJwt {
    /// The RFC 7662 answer inside `token_introspection` — only when every
    /// check passed: a resource server must not act on an answer it could
    /// not verify (RFC 9701 §8.1).
    pub fn introspection(&self) -> Option<Introspection> {
        if !self.passed() {
            return None;
        }
        match self.claims.as_ref()?.get("token_introspection")? {
            Value::Object(members) => Introspection::from_members(members.clone()).ok(),
            _ => None,
        }
    }

    /// The failed rows in one line: `name: reason (spec); …`.
    pub fn failures(&self) -> String {
        self.checks
            .iter()
            .filter(|row| row.is_fail())
            .map(|row| format!("{}: {} ({})", row.name, row.reason, row.spec))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The `signature` row's reason (the key and algorithm that verified it).
    pub fn signature(&self) -> Option<&str> {
        self.checks
            .iter()
            .find(|row| row.name == "signature")
            .map(|row| row.reason.as_str())
    }
}

/// Checks `jwt`, the signed JWT of an introspection answer (the body, or
/// what the run decrypted from it): well formed, `typ`
/// `token-introspection+jwt`, signed by one of the provider's `keys`, `iss`
/// the profile's issuer, `aud` containing the client id, `iat` present and
/// sane, and `token_introspection` an RFC 7662 answer with a boolean
/// `active` (RFC 9701 §5, §8.1).
pub fn check_signed(jwt: &str, expected: &IntrospectionJwtExpectations<'_>) -> IntrospectionJwt {
    let unreadable = |row: CheckResult| IntrospectionJwt(CheckedJwt::unreadable(row));
    let malformed = |reason: String| {
        CheckResult::fail(
            "response",
            "INTROSPECTION_JWT_MALFORMED",
            reason,
            SPEC_WELL_FORMED,
        )
    };
    let jwt = jwt.trim();
    if jwt.len() > MAX_ANSWER_BYTES {
        return unreadable(CheckResult::fail(
            "response",
            "INTROSPECTION_JWT_TOO_LARGE",
            crate::tr!(
                "introspection-jwt-too-large",
                size = jwt.len(),
                max = MAX_ANSWER_BYTES
            ),
            SPEC_WELL_FORMED,
        ));
    }
    let jws = match decode_unverified(jwt) {
        Ok(Decoded::Jws(jws)) => jws,
        Ok(Decoded::Jwe(_)) => {
            return unreadable(malformed(crate::tr!("introspection-jwt-still-encrypted")));
        }
        Err(failure) => {
            return unreadable(malformed(crate::tr!(
                "introspection-jwt-not-jwt",
                error = failure.error.to_string()
            )));
        }
    };
    let JwsPayload::Claims(claims) = &jws.payload else {
        return IntrospectionJwt(CheckedJwt {
            checks: vec![malformed(crate::tr!("introspection-jwt-nested"))],
            header: Some(jws.header.clone()),
            claims: None,
        });
    };
    let outcome = verify_signature(&jws, expected.keys);
    let issuer = expected.issuer.trim();
    let expectations = Expectations {
        leeway: expected.leeway,
        ..Expectations::default()
    };
    let checks = vec![
        CheckResult::pass(
            "response",
            crate::tr!("introspection-jwt-signed"),
            SPEC_WELL_FORMED,
        ),
        typ_row(&jws.header),
        checks::signature_row("signature", &outcome, SPEC_SIGNATURE),
        if issuer.is_empty() {
            CheckResult::fail(
                "iss",
                "INTROSPECTION_ISS_UNKNOWN",
                crate::tr!("introspection-jwt-no-issuer"),
                SPEC_ISS,
            )
        } else {
            checks::issuer_row(
                claims,
                Some(issuer),
                ("INTROSPECTION_ISS_MISSING", "INTROSPECTION_ISS_MISMATCH"),
                SPEC_ISS,
            )
        },
        checks::client_audience_row(
            claims,
            Some(expected.client_id.trim()),
            ("INTROSPECTION_AUD_MISSING", "INTROSPECTION_AUD_MISMATCH"),
            SPEC_AUD,
        ),
        checks::issued_at_row_coded(
            claims,
            &expectations,
            expected.now,
            (
                "INTROSPECTION_IAT_MISSING",
                "INTROSPECTION_IAT_FUTURE",
                "INTROSPECTION_IAT_OLD",
            ),
            SPEC_IAT,
        ),
        answer_row(claims.get("token_introspection")),
    ];
    IntrospectionJwt(CheckedJwt {
        checks,
        header: Some(jws.header.clone()),
        claims: Some(claims.clone()),
    })
}

/// `typ` must be `token-introspection+jwt` (RFC 9701 §5): explicit typing
/// keeps an ID token or access token signed by the same key from passing
/// as an introspection answer (RFC 8725 §3.11). Media types compare
/// case-insensitively, with or without `application/` (RFC 7515 §4.1.9).
fn typ_row(header: &JsonObject) -> CheckResult {
    const NAME: &str = "typ";
    match header.get(NAME) {
        Some(Value::String(typ))
            if typ.eq_ignore_ascii_case(TYP) || typ.eq_ignore_ascii_case(MEDIA_TYPE) =>
        {
            CheckResult::pass(
                NAME,
                crate::tr!("check-claim-is", name = NAME, value = typ.as_str()),
                SPEC_TYP,
            )
        }
        Some(Value::String(typ)) => CheckResult::fail(
            NAME,
            "JWT_TYP_MISMATCH",
            crate::tr!("introspection-jwt-typ-wrong", typ = typ.as_str()),
            SPEC_TYP,
        ),
        None => CheckResult::fail(
            NAME,
            "JWT_TYP_MISMATCH",
            crate::tr!("introspection-jwt-typ-none"),
            SPEC_TYP,
        ),
        Some(other) => CheckResult::fail(
            NAME,
            "JWT_CLAIM_TYPE",
            crate::tr!(
                "check-not-a-string",
                name = NAME,
                kind = json_kind_text(other)
            ),
            SPEC_TYP,
        ),
    }
}

/// `token_introspection`: a JSON object with the RFC 7662 §2.2 members,
/// a boolean `active` among them (RFC 9701 §5).
fn answer_row(answer: Option<&Value>) -> CheckResult {
    const NAME: &str = "token_introspection";
    match answer {
        None => CheckResult::fail(
            NAME,
            "INTROSPECTION_CLAIM_MISSING",
            crate::tr!("check-claim-missing", name = NAME),
            SPEC_ANSWER,
        ),
        Some(Value::Object(members)) => match Introspection::from_members(members.clone()) {
            Ok(answer) => CheckResult::pass(NAME, answer.summary(), SPEC_ANSWER),
            Err(failure) => CheckResult::fail(
                NAME,
                "INTROSPECTION_NO_ACTIVE",
                failure.message,
                SPEC_ANSWER,
            ),
        },
        Some(other) => CheckResult::fail(
            NAME,
            "JWT_CLAIM_TYPE",
            crate::tr!(
                "introspection-jwt-answer-not-object",
                kind = json_kind_text(other)
            ),
            SPEC_ANSWER,
        ),
    }
}

/// Signed (and encrypted) introspection answers for the tests here and
/// the runner's.
#[cfg(test)]
pub(crate) mod fixtures {
    use aes_gcm::aead::AeadInOut as _;
    use aes_gcm::aead::array::Array;
    use aes_gcm::{AesGcm, KeyInit as _};
    use serde_json::{Map, Value, json};

    use crate::oauth::assertion::{ClientKey, sign_jwt};
    use crate::token::jose::encode_segment;
    use crate::token::keys::KeySet;

    pub(crate) const NOW: i64 = 1_795_387_806;
    pub(crate) const ISSUER: &str = "https://op.example.test";
    /// The client's `dir` key for [`encrypted`].
    pub(crate) const CONTENT_KEY: [u8; 32] = [7; 32];

    pub(crate) fn provider_key(seed: u8) -> ClientKey {
        ClientKey::P256(p256::ecdsa::SigningKey::from_slice(&[seed; 32]).expect("p256"))
    }

    /// The provider's JWKS: `key`'s public half as `op-1`.
    pub(crate) fn jwks_json(key: &ClientKey) -> String {
        let mut jwk = key.public_material().public_jwk();
        jwk.insert("kid".to_owned(), "op-1".into());
        json!({ "keys": [jwk] }).to_string()
    }

    pub(crate) fn jwks_of(key: &ClientKey) -> KeySet {
        KeySet::from_jwks_json(&jwks_json(key), "provider")
    }

    /// `claims` signed ES256 by `key` (`kid` `op-1`) with `typ`, if any.
    pub(crate) fn signed(key: &ClientKey, typ: Option<&str>, claims: &Value) -> String {
        let mut header = Map::new();
        header.insert("alg".to_owned(), "ES256".into());
        header.insert("kid".to_owned(), "op-1".into());
        if let Some(typ) = typ {
            header.insert("typ".to_owned(), typ.into());
        }
        let Value::Object(claims) = claims else {
            panic!("claims object")
        };
        sign_jwt(&header, claims, key, "ES256").expect("signed")
    }

    /// An answer for `aud` `rs-1` from [`ISSUER`], issued just before [`NOW`].
    pub(crate) fn good_claims() -> Value {
        json!({
            "iss": ISSUER,
            "aud": "rs-1",
            "iat": NOW - 2,
            "token_introspection": {
                "active": true,
                "client_id": "app",
                "scope": "read write",
                "sub": "Пётр",
                "exp": NOW + 600,
            },
        })
    }

    /// `plaintext` encrypted `dir` / `A256GCM` with [`CONTENT_KEY`] (RFC
    /// 7516 §5.1: AAD is the protected header's ASCII); `cty` `JWT` when a
    /// JWT is inside (RFC 7519 §5.2).
    pub(crate) fn encrypted(plaintext: &str, nested: bool) -> String {
        let header = if nested {
            r#"{"alg":"dir","enc":"A256GCM","kid":"rs-enc","cty":"JWT"}"#
        } else {
            r#"{"alg":"dir","enc":"A256GCM","kid":"rs-enc"}"#
        };
        let protected = encode_segment(header.as_bytes());
        let iv = [9u8; 12];
        let mut buffer = plaintext.as_bytes().to_vec();
        let cipher =
            AesGcm::<aes::Aes256, aes_gcm::aead::consts::U12>::new_from_slice(&CONTENT_KEY)
                .expect("key");
        let tag = cipher
            .encrypt_inout_detached(
                &Array::try_from(&iv[..]).expect("iv"),
                protected.as_bytes(),
                buffer.as_mut_slice().into(),
            )
            .expect("encrypts");
        format!(
            "{protected}..{}.{}.{}",
            encode_segment(&iv),
            encode_segment(&buffer),
            encode_segment(&tag)
        )
    }

    /// The client's decryption keys for [`encrypted`].
    pub(crate) fn client_keys() -> KeySet {
        KeySet::from_jwks_json(
            &json!({"keys": [{"kty": "oct", "kid": "rs-enc", "k": encode_segment(&CONTENT_KEY)}]})
                .to_string(),
            "client",
        )
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::fixtures::{ISSUER, NOW, good_claims, jwks_of, provider_key, signed};
    use super::*;
    use crate::token::checks::CheckStatus;

    fn check(jwt: &str, keys: &KeySet) -> IntrospectionJwt {
        check_signed(
            jwt,
            &IntrospectionJwtExpectations {
                issuer: ISSUER,
                client_id: "rs-1",
                keys,
                now: Timestamp::from_unix(NOW),
                leeway: 60,
            },
        )
    }

    fn code(result: &IntrospectionJwt, name: &str) -> Option<&'static str> {
        result
            .checks
            .iter()
            .find(|row| row.name == name)
            .unwrap_or_else(|| panic!("no {name} row: {:#?}", result.checks))
            .code
    }

    #[test]
    fn the_content_type_decides_parameters_and_case_ignored() {
        let response = |content_type: Option<&str>| RecordedResponse {
            status: 200,
            reason: String::new(),
            version: "HTTP/1.1".to_owned(),
            headers: content_type
                .map(|value| vec![("Content-Type".to_owned(), value.to_owned())])
                .unwrap_or_default(),
            body: Vec::new(),
            truncated_at: None,
        };
        for yes in [
            "application/token-introspection+jwt",
            "application/token-introspection+jwt; charset=utf-8",
            "Application/Token-Introspection+JWT ;charset=UTF-8",
            " application/token-introspection+jwt",
        ] {
            assert!(is_jwt_answer(&response(Some(yes))), "{yes}");
        }
        for no in [
            "application/json",
            "application/jwt",
            "application/token-introspection+jwt-ish",
            "text/plain; x=application/token-introspection+jwt",
            "кириллица",
            "",
        ] {
            assert!(!is_jwt_answer(&response(Some(no))), "{no}");
        }
        assert!(!is_jwt_answer(&response(None)));
    }

    #[test]
    fn a_valid_signed_answer_passes_and_yields_its_members() {
        let key = provider_key(1);
        let result = check(&signed(&key, Some(TYP), &good_claims()), &jwks_of(&key));
        assert!(result.passed(), "{:#?}", result.checks);
        let names: Vec<&str> = result.checks.iter().map(|row| row.name).collect();
        assert_eq!(
            names,
            [
                "response",
                "typ",
                "signature",
                "iss",
                "aud",
                "iat",
                "token_introspection"
            ]
        );
        assert!(result.signature().is_some_and(|s| s.contains("op-1")));
        let answer = result.introspection().expect("verified");
        assert!(answer.active);
        assert_eq!(answer.members["sub"], "Пётр");
        assert!(!answer.members.contains_key("active"));
        // `application/` prefixed and in capitals is the same type.
        let prefixed = check(
            &signed(
                &key,
                Some("Application/Token-Introspection+JWT"),
                &good_claims(),
            ),
            &jwks_of(&key),
        );
        assert!(prefixed.passed(), "{:#?}", prefixed.checks);
        // An inactive answer verifies too: inactive is an answer.
        let mut claims = good_claims();
        claims["token_introspection"] = json!({"active": false});
        let inactive = check(&signed(&key, Some(TYP), &claims), &jwks_of(&key));
        assert!(!inactive.introspection().expect("verified").active);
    }

    #[test]
    fn a_wrong_or_missing_typ_fails() {
        let key = provider_key(1);
        for typ in [
            Some("JWT"),
            Some("at+jwt"),
            Some("token-introspection"),
            None,
        ] {
            let result = check(&signed(&key, typ, &good_claims()), &jwks_of(&key));
            assert_eq!(code(&result, "typ"), Some("JWT_TYP_MISMATCH"), "{typ:?}");
            assert_eq!(result.introspection(), None);
        }
    }

    #[test]
    fn a_wrong_iss_or_aud_fails_and_hides_the_answer() {
        let key = provider_key(1);
        let keys = jwks_of(&key);
        let cases = [
            (
                "iss",
                json!("https://evil.example.test"),
                "INTROSPECTION_ISS_MISMATCH",
            ),
            ("iss", json!(7), "JWT_CLAIM_TYPE"),
            ("aud", json!("someone-else"), "INTROSPECTION_AUD_MISMATCH"),
            ("aud", json!(["a", "b"]), "INTROSPECTION_AUD_MISMATCH"),
            ("iat", json!(NOW + 3600), "INTROSPECTION_IAT_FUTURE"),
            ("iat", json!("yesterday"), "JWT_CLAIM_TYPE"),
        ];
        for (name, value, expected) in cases {
            let mut claims = good_claims();
            claims[name] = value;
            let result = check(&signed(&key, Some(TYP), &claims), &keys);
            assert_eq!(code(&result, name), Some(expected), "{:#?}", result.checks);
            assert_eq!(code(&result, "signature"), None);
            assert_eq!(result.introspection(), None);
            assert!(result.failures().contains(name));
        }
        for name in ["iss", "aud", "iat"] {
            let mut claims = good_claims();
            claims.as_object_mut().expect("object").remove(name);
            let result = check(&signed(&key, Some(TYP), &claims), &keys);
            assert_eq!(
                result
                    .checks
                    .iter()
                    .find(|row| row.name == name)
                    .map(|row| row.status),
                Some(CheckStatus::Fail),
                "no {name}"
            );
        }
        let mut claims = good_claims();
        claims["aud"] = json!(["other", "rs-1"]);
        assert!(check(&signed(&key, Some(TYP), &claims), &keys).passed());
        let no_issuer = check_signed(
            &signed(&key, Some(TYP), &good_claims()),
            &IntrospectionJwtExpectations {
                issuer: " ",
                client_id: "rs-1",
                keys: &keys,
                now: Timestamp::from_unix(NOW),
                leeway: 60,
            },
        );
        assert_eq!(code(&no_issuer, "iss"), Some("INTROSPECTION_ISS_UNKNOWN"));
    }

    #[test]
    fn a_bad_signature_fails() {
        let jwt = signed(&provider_key(1), Some(TYP), &good_claims());
        let result = check(&jwt, &jwks_of(&provider_key(2)));
        assert_eq!(code(&result, "signature"), Some("JWS_SIG_INVALID"));
        assert_eq!(result.introspection(), None);
        assert!(result.claims.is_some(), "still shown");
        // A flipped payload byte under the right key.
        let key = provider_key(1);
        let mut parts: Vec<String> = jwt.split('.').map(str::to_owned).collect();
        let mut claims = good_claims();
        claims["token_introspection"]["scope"] = json!("admin");
        parts[1] = crate::token::jose::encode_segment(claims.to_string().as_bytes());
        let tampered = check(&parts.join("."), &jwks_of(&key));
        assert_eq!(code(&tampered, "signature"), Some("JWS_SIG_INVALID"));
        assert_eq!(tampered.introspection(), None);
        // alg none.
        let none = format!(
            "{}.{}.",
            crate::token::jose::encode_segment(
                br#"{"alg":"none","typ":"token-introspection+jwt"}"#
            ),
            parts[1]
        );
        assert_eq!(
            code(&check(&none, &jwks_of(&key)), "signature"),
            Some("JWS_ALG_NONE")
        );
        // No keys at all.
        assert!(!check(&jwt, &KeySet::default()).passed());
    }

    #[test]
    fn a_missing_or_malformed_token_introspection_fails() {
        let key = provider_key(1);
        let keys = jwks_of(&key);
        let cases = [
            (None, "INTROSPECTION_CLAIM_MISSING"),
            (Some(json!("active")), "JWT_CLAIM_TYPE"),
            (Some(json!([{"active": true}])), "JWT_CLAIM_TYPE"),
            (Some(json!({"scope": "a"})), "INTROSPECTION_NO_ACTIVE"),
            (Some(json!({"active": "true"})), "INTROSPECTION_NO_ACTIVE"),
        ];
        for (answer, expected) in cases {
            let mut claims = good_claims();
            match answer {
                Some(answer) => claims["token_introspection"] = answer,
                None => {
                    claims
                        .as_object_mut()
                        .expect("object")
                        .remove("token_introspection");
                }
            }
            let result = check(&signed(&key, Some(TYP), &claims), &keys);
            assert_eq!(code(&result, "token_introspection"), Some(expected));
            assert_eq!(result.introspection(), None);
        }
    }

    #[test]
    fn an_encrypted_answer_here_is_refused_as_still_encrypted() {
        // The run decrypts first (see the runner's tests); a JWE reaching
        // the check was not opened.
        let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/jwe/");
        let vectors: Value = serde_json::from_str(
            &std::fs::read_to_string(format!("{fixtures}jose-vectors.json")).expect("vectors"),
        )
        .expect("json");
        let compact = vectors["vectors"]
            .as_array()
            .and_then(|all| all.iter().find(|v| v["name"] == "nested-id-token"))
            .and_then(|v| v["compact"].as_str())
            .expect("the nested vector");
        let result = check(compact, &jwks_of(&provider_key(1)));
        assert_eq!(result.checks.len(), 1);
        assert_eq!(
            code(&result, "response"),
            Some("INTROSPECTION_JWT_MALFORMED")
        );
        assert_eq!(result.introspection(), None);
    }

    #[test]
    fn hostile_input_is_one_failed_row_never_a_panic() {
        let keys = jwks_of(&provider_key(1));
        let huge = "a".repeat(MAX_ANSWER_BYTES + 1);
        let dots = ".".repeat(100_000);
        let inputs = [
            "",
            "   ",
            "кириллица",
            "ключ.данные.подпись",
            "🦀.🦀.🦀",
            "eyJ.eyJ.",
            "a.b.c.d.e",
            "{\"active\":true}",
            dots.as_str(),
            huge.as_str(),
            "eyJhbGciOiJFUzI1NiJ9.WzFd.AA",
        ];
        for input in inputs {
            let result = check(input, &keys);
            assert!(!result.passed(), "{input:.40}");
            assert_eq!(result.introspection(), None);
            assert!(result.checks.iter().any(CheckResult::is_fail));
        }
        assert_eq!(
            code(&check(&huge, &keys), "response"),
            Some("INTROSPECTION_JWT_TOO_LARGE")
        );
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
