//! Signed request objects: JWT-Secured Authorization Requests (RFC 9101,
//! JAR; OIDC Core §6.1), for the authorization endpoint and for PAR
//! (RFC 9126 §3).
//!
//! The authorization parameters become the claims of a JWS (RFC 9101 §4)
//! signed by the client's key with the one JWT signer
//! ([`assertion::sign_jwt`]): header `typ` `oauth-authz-req+jwt` (§10.8),
//! claims `iss` = the client id, `aud` = the authorization server's issuer,
//! `client_id`, `iat`, `nbf`, `exp` (at most 60 minutes after `nbf`: FAPI 2.0
//! Message Signing §5.3.1, FAPI 1.0 Advanced §5.2.2) and a fresh `jti`.
//! Sent by value (§5.1), the front channel carries only `client_id`,
//! `request` and what OAuth 2.0 and OIDC Core §6.1 require outside it.
//! Time is a parameter.

#![deny(clippy::string_slice, clippy::indexing_slicing)]

use serde_json::{Map, Value};

use super::assertion::{self, AssertionError, ClientKey};
use crate::token::Timestamp;

/// The `typ` of a request object (RFC 9101 §10.8, §4).
pub const TYP: &str = "oauth-authz-req+jwt";

/// The longest lifetime, `exp` − `nbf`, in seconds (FAPI 2.0 Message
/// Signing §5.3.1: "no longer than 60 minutes after the nbf claim").
pub const MAX_LIFETIME_SECONDS: i64 = 60 * 60;

/// The lifetime used when the caller has no reason to pick another: long
/// enough to edit the request before sending it.
pub const DEFAULT_LIFETIME_SECONDS: i64 = 300;

/// Parameters that never go inside a request object (RFC 9101 §4: "The
/// `request` and `request_uri` parameters MUST NOT be included").
const NEVER_INSIDE: [&str; 2] = ["request", "request_uri"];

/// Parameters whose value is JSON and travels as JSON inside the object:
/// `claims` (OIDC Core §5.5, §6.1) and `authorization_details` (RFC 9396 §3).
const JSON_VALUED: [&str; 2] = ["claims", "authorization_details"];

/// Parameters whose value is a number inside the object: `max_age` (OIDC
/// Core §3.1.2.1, §6.1 "as a JSON number").
const NUMERIC: [&str; 1] = ["max_age"];

/// The claims of a request object (RFC 9101 §4): every authorization
/// parameter except `request` and `request_uri` (the first value wins when
/// a name repeats, RFC 6749 §3.1), `max_age` as a number when it is one,
/// `claims` and `authorization_details` as JSON when they parse; then `iss`
/// (the client id), `aud` (the issuer), `client_id`, `iat` and `nbf` (`now`),
/// `exp` (`now` + `lifetime`, held to 1 s … [`MAX_LIFETIME_SECONDS`]) and a
/// fresh `jti`. The parameters may not override these.
pub fn claims(
    parameters: &[(String, String)],
    client_id: &str,
    audience: &str,
    now: Timestamp,
    lifetime: i64,
) -> Map<String, Value> {
    let mut claims = Map::new();
    for (name, value) in parameters {
        if NEVER_INSIDE.contains(&name.as_str()) || claims.contains_key(name) {
            continue;
        }
        claims.insert(name.clone(), parameter_value(name, value));
    }
    let lifetime = lifetime.clamp(1, MAX_LIFETIME_SECONDS);
    let registered = [
        ("iss", Value::from(client_id)),
        ("aud", Value::from(audience)),
        ("client_id", Value::from(client_id)),
        ("iat", Value::from(now.unix())),
        ("nbf", Value::from(now.unix())),
        ("exp", Value::from(now.unix().saturating_add(lifetime))),
        ("jti", Value::from(uuid::Uuid::new_v4().to_string())),
    ];
    for (name, value) in registered {
        claims.insert(name.to_owned(), value);
    }
    claims
}

/// A parameter's value as a claim: a number, JSON, or the string itself.
fn parameter_value(name: &str, value: &str) -> Value {
    if NUMERIC.contains(&name)
        && let Ok(number) = value.trim().parse::<u64>()
    {
        return Value::from(number);
    }
    if JSON_VALUED.contains(&name)
        && let Ok(json @ (Value::Object(_) | Value::Array(_))) =
            serde_json::from_str::<Value>(value)
    {
        return json;
    }
    Value::from(value)
}

/// A signed request object (RFC 9101 §4, §6; OIDC Core §6.1) of
/// `parameters`, as [`claims`] makes them, signed with `key` under `alg`
/// (empty: the key's usual one) with `kid` in the header when not empty.
pub fn sign(
    parameters: &[(String, String)],
    client_id: &str,
    audience: &str,
    key: &ClientKey,
    (alg, kid): (&str, &str),
    now: Timestamp,
    lifetime: i64,
) -> Result<String, AssertionError> {
    if audience.trim().is_empty() {
        return Err(AssertionError::NoAudience);
    }
    let alg = match alg.trim() {
        "" => key.default_algorithm(),
        other => other,
    };
    let mut header = Map::new();
    header.insert("alg".to_owned(), alg.into());
    header.insert("typ".to_owned(), TYP.into());
    if !kid.trim().is_empty() {
        header.insert("kid".to_owned(), kid.trim().into());
    }
    let claims = claims(parameters, client_id, audience.trim(), now, lifetime);
    assertion::sign_jwt(&header, &claims, key, alg)
}

/// The parameters of an authorization request (or a PAR body, RFC 9126
/// §2.1) that passes `request_object` by value (RFC 9101 §5.1): `client_id`
/// and `request` (§5), plus, copied from `parameters`, `response_type`
/// (required by OAuth 2.0, RFC 6749 §4.1.1, and OIDC Core §6.1) and
/// `scope` when it holds `openid` (OIDC Core §6.1: "a scope parameter MUST
/// always be passed using the OAuth 2.0 request syntax containing the
/// openid scope value"). The server uses only the object's values (§5).
pub fn by_value_parameters(
    request_object: &str,
    parameters: &[(String, String)],
    client_id: &str,
) -> Vec<(String, String)> {
    let first = |name: &str| {
        parameters
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, value)| value.clone())
    };
    let mut outside = vec![("client_id".to_owned(), client_id.to_owned())];
    if let Some(response_type) = first("response_type") {
        outside.push(("response_type".to_owned(), response_type));
    }
    if let Some(scope) = first("scope")
        && scope.split(' ').any(|value| value == "openid")
    {
        outside.push(("scope".to_owned(), scope));
    }
    outside.push(("request".to_owned(), request_object.to_owned()));
    outside
}

/// The authorization request after a pushed one (RFC 9126 §4): `client_id`
/// and the `request_uri` the PAR endpoint returned.
pub fn by_reference_parameters(request_uri: &str, client_id: &str) -> Vec<(String, String)> {
    vec![
        ("client_id".to_owned(), client_id.to_owned()),
        ("request_uri".to_owned(), request_uri.to_owned()),
    ]
}

/// A request object's header and claims as pretty JSON for the request
/// pane, or why it cannot be read (as [`assertion::decode`]).
pub fn decode_for_pane(jwt: &str) -> String {
    assertion::decode(jwt)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::gost::{ComponentOrder, DigestEndianness, GostCurve, GostPrivateKey};
    use crate::token::jose::{Decoded, JwsPayload, decode_unverified};
    use crate::token::keys::{KeySet, KeySource, VerificationKey};
    use crate::token::verify::{SignatureOutcome, verify_signature};

    const NOW: i64 = 1_795_387_806;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/tests/fixtures/jar/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn parameters() -> Vec<(String, String)> {
        [
            ("response_type", "code"),
            ("client_id", "ignored-the-argument-wins"),
            ("redirect_uri", "https://client.example.test/cb"),
            ("scope", "openid profile"),
            ("state", "состояние 🦀"),
            ("nonce", "n-1"),
            ("max_age", "600"),
            ("claims", r#"{"id_token":{"acr":{"essential":true}}}"#),
            (
                "code_challenge",
                "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            ),
            ("code_challenge_method", "S256"),
            ("request_uri", "urn:never:inside"),
            ("state", "second value ignored"),
        ]
        .into_iter()
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect()
    }

    fn key_set_of(key: &ClientKey) -> KeySet {
        KeySet {
            keys: vec![VerificationKey::new(
                key.public_material(),
                KeySource::Pem("client".to_owned()),
            )],
            ..KeySet::default()
        }
    }

    fn verified(jwt: &str, key: &ClientKey) -> (SignatureOutcome, Map<String, Value>) {
        let Ok(Decoded::Jws(jws)) = decode_unverified(jwt) else {
            panic!("a JWS: {jwt}")
        };
        let JwsPayload::Claims(claims) = &jws.payload else {
            panic!("claims")
        };
        assert_eq!(jws.header["typ"], TYP);
        (verify_signature(&jws, &key_set_of(key)), claims.clone())
    }

    fn gost(curve: GostCurve, seed: u8) -> GostPrivateKey {
        GostPrivateKey::from_random(curve, &[seed; 128]).expect("a GOST key")
    }

    fn pem(label: &str, der: &[u8]) -> String {
        use base64::Engine as _;
        let body = base64::engine::general_purpose::STANDARD.encode(der);
        let lines: Vec<&str> = body
            .as_bytes()
            .chunks(64)
            .map(|chunk| std::str::from_utf8(chunk).expect("ascii"))
            .collect();
        format!(
            "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
            lines.join("\n")
        )
    }

    #[test]
    fn claims_carry_every_parameter_and_the_registered_ones() {
        let now = Timestamp::from_unix(NOW);
        let claims = claims(&parameters(), "app", "https://op.example.test", now, 600);
        assert_eq!(claims["iss"], "app");
        assert_eq!(
            claims["client_id"], "app",
            "the argument, not the parameter"
        );
        assert_eq!(claims["aud"], "https://op.example.test");
        assert_eq!(claims["iat"], NOW);
        assert_eq!(claims["nbf"], NOW);
        assert_eq!(claims["exp"], NOW + 600);
        assert_eq!(claims["max_age"], 600, "a JSON number");
        assert_eq!(claims["claims"]["id_token"]["acr"]["essential"], true);
        assert_eq!(claims["state"], "состояние 🦀", "the first value wins");
        assert_eq!(claims["response_type"], "code");
        assert!(!claims.contains_key("request_uri"), "RFC 9101 §4");
        assert!(claims["jti"].as_str().is_some_and(|jti| jti.len() == 36));
        let other = super::claims(&parameters(), "app", "aud", now, 600);
        assert_ne!(claims["jti"], other["jti"], "jti is fresh each time");
    }

    #[test]
    fn odd_parameter_values_stay_strings_and_the_lifetime_is_bounded() {
        let parameters: Vec<(String, String)> = [
            ("max_age", "-5"),
            ("claims", "{not json"),
            ("authorization_details", r#"[{"type":"payment"}]"#),
            ("iss", "https://attacker.example"),
            ("exp", "99999999999"),
        ]
        .into_iter()
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect();
        let now = Timestamp::from_unix(NOW);
        let claims = claims(&parameters, "app", "aud", now, 86_400);
        assert_eq!(claims["max_age"], "-5");
        assert_eq!(claims["claims"], "{not json");
        assert_eq!(claims["authorization_details"][0]["type"], "payment");
        assert_eq!(claims["iss"], "app", "parameters never override");
        assert_eq!(claims["exp"], NOW + MAX_LIFETIME_SECONDS, "FAPI: ≤ 60 min");
        let claims = super::claims(&parameters, "app", "aud", now, -3);
        assert_eq!(claims["exp"], NOW + 1);
        let far = super::claims(&[], "app", "aud", Timestamp::from_unix(i64::MAX), 60);
        assert_eq!(far["exp"], i64::MAX, "saturates, no overflow");
    }

    #[test]
    fn every_algorithm_signs_a_request_object_the_verifier_accepts() {
        let now = Timestamp::from_unix(NOW);
        let mut keys: Vec<(ClientKey, &str)> = Vec::new();
        for (file, algs) in [
            ("client-rsa.pkcs8.pem", &["RS256", "PS256"][..]),
            ("client-p256.pkcs8.pem", &["ES256"][..]),
            ("client-p384.pkcs8.pem", &["ES384"][..]),
            ("client-ed25519.pkcs8.pem", &["EdDSA"][..]),
        ] {
            for alg in algs {
                let (key, _) = ClientKey::from_file_bytes(&fixture(file), None).expect(file);
                keys.push((key, alg));
            }
        }
        for (curve, alg) in [
            (GostCurve::CryptoProA, "gost34.10-2012"),
            (GostCurve::Tc26Gost256A, "GOST3410_2012_256"),
            (GostCurve::Tc26Gost512A, "gost34.10-2012"),
            (GostCurve::Tc26Gost512B, "GOST3410_2012_512"),
        ] {
            keys.push((ClientKey::gost(gost(curve, 3)), alg));
        }
        for (key, alg) in &keys {
            let jwt = sign(
                &parameters(),
                "app",
                "https://op.example.test",
                key,
                (alg, "k-1"),
                now,
                300,
            )
            .unwrap_or_else(|e| panic!("{alg}: {e}"));
            let (outcome, claims) = verified(&jwt, key);
            assert!(
                outcome.is_valid(),
                "{alg} with {key:?}: {}",
                outcome.summary()
            );
            assert_eq!(claims["aud"], "https://op.example.test");
            let view = decode_for_pane(&jwt);
            assert!(view.contains(&format!("\"alg\": \"{alg}\"")), "{view}");
            assert!(view.contains("\"kid\": \"k-1\""), "{view}");
        }
    }

    #[test]
    fn gost_layouts_are_selectable_and_verify_as_that_layout() {
        let now = Timestamp::from_unix(NOW);
        for bits in [GostCurve::CryptoProA, GostCurve::Tc26Gost512A] {
            for layout in crate::token::gost::SignatureLayout::ALL {
                let key = ClientKey::gost(gost(bits, 5)).with_gost_layout(layout);
                let jwt =
                    sign(&parameters(), "app", "aud", &key, ("", ""), now, 60).expect("signed");
                let Ok(Decoded::Jws(jws)) = decode_unverified(&jwt) else {
                    panic!("a JWS")
                };
                let ClientKey::Gost { key: private, .. } = &key else {
                    panic!("gost")
                };
                let found = crate::token::gost::verify(
                    private.public_key(),
                    jws.signing_input.as_bytes(),
                    &jws.signature,
                )
                .expect("verifies in some layout");
                assert_eq!(found, layout);
            }
        }
        let standard = ClientKey::gost(gost(GostCurve::CryptoProA, 5));
        let ClientKey::Gost { layout, .. } = standard else {
            panic!("gost")
        };
        assert_eq!(layout.order, ComponentOrder::SThenR);
        assert_eq!(layout.digest, DigestEndianness::LittleEndian);
    }

    #[test]
    fn gost_keys_load_from_pkcs8_in_every_private_key_form() {
        use x509_cert::der::{Decode as _, Encode as _};
        for curve in [GostCurve::CryptoProA, GostCurve::Tc26Gost512C] {
            let private = gost(curve, 9);
            let der = private.to_pkcs8_der().expect("pkcs8");
            let key = ClientKey::from_pem(&pem("PRIVATE KEY", &der)).expect("GOST PEM loads");
            assert_eq!(
                key.public_material().fingerprint(),
                ClientKey::gost(private.clone())
                    .public_material()
                    .fingerprint()
            );
            let (from_der, kid) = ClientKey::from_file_bytes(&der, None).expect("DER loads");
            assert!(kid.is_none());
            assert_eq!(from_der.kind(), key.kind());
            // The same key with `d` as an INTEGER, big-endian.
            let info = rsa::pkcs8::PrivateKeyInfoRef::from_der(&der).expect("info");
            let inner =
                <&x509_cert::der::asn1::OctetStringRef>::from_der(info.private_key.as_bytes())
                    .expect("d as an OCTET STRING");
            let be: Vec<u8> = inner.as_bytes().iter().rev().copied().collect();
            let integer = x509_cert::der::asn1::Uint::new(&be)
                .expect("uint")
                .to_der()
                .expect("der");
            let octets = x509_cert::der::asn1::OctetString::new(integer).expect("octets");
            let as_integer = rsa::pkcs8::PrivateKeyInfoOwned::new(
                x509_cert::spki::AlgorithmIdentifierOwned {
                    oid: info.algorithm.oid,
                    parameters: info.algorithm.parameters.map(Into::into),
                },
                octets,
            )
            .to_der()
            .expect("der");
            let again = ClientKey::from_pkcs8_der(&as_integer).expect("INTEGER form");
            assert_eq!(
                again.public_material().fingerprint(),
                key.public_material().fingerprint()
            );
        }
        let key = ClientKey::gost(gost(GostCurve::CryptoProA, 1));
        assert_eq!(key.default_algorithm(), "gost34.10-2012");
        assert!(key.fits("GOST3410_2012_256"));
        assert!(!key.fits("GOST3410_2012_512"), "a 256-bit key");
        assert!(!key.fits("RS256"));
        let mismatch = sign(
            &[],
            "app",
            "aud",
            &key,
            ("GOST3410_2012_512", ""),
            Timestamp::from_unix(NOW),
            60,
        );
        assert!(matches!(
            mismatch,
            Err(AssertionError::AlgorithmMismatch {
                key: "GOST 256",
                ..
            })
        ));
    }

    #[test]
    fn by_value_keeps_client_id_request_and_what_oidc_requires_outside() {
        let outside = by_value_parameters("eyJ.x.y", &parameters(), "app");
        let names: Vec<&str> = outside.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["client_id", "response_type", "scope", "request"]);
        assert_eq!(outside[0].1, "app");
        assert_eq!(outside[2].1, "openid profile");
        let oauth_only = vec![
            ("response_type".to_owned(), "code".to_owned()),
            ("scope".to_owned(), "payments".to_owned()),
        ];
        let names: Vec<String> = by_value_parameters("r", &oauth_only, "app")
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert_eq!(names, ["client_id", "response_type", "request"]);
        assert_eq!(
            by_reference_parameters("urn:ietf:params:oauth:request_uri:1", "app"),
            vec![
                ("client_id".to_owned(), "app".to_owned()),
                (
                    "request_uri".to_owned(),
                    "urn:ietf:params:oauth:request_uri:1".to_owned()
                )
            ]
        );
    }

    #[test]
    fn no_audience_is_an_error_and_garbage_decodes_to_an_explanation() {
        let key = ClientKey::gost(gost(GostCurve::CryptoProA, 2));
        assert_eq!(
            sign(&[], "app", " ", &key, ("", ""), Timestamp::from_unix(0), 60),
            Err(AssertionError::NoAudience)
        );
        for garbage in ["", "....", "кириллица.🦀.x", &"a.".repeat(10_000)] {
            assert_eq!(decode_for_pane(garbage), "(not a readable JWT)");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_parameters_make_claims_and_front_channel_parameters(
            parameters in proptest::collection::vec(("\\PC{0,12}", "\\PC{0,40}"), 0..12),
            lifetime in proptest::num::i64::ANY,
        ) {
            let claims = claims(&parameters, "app", "aud", Timestamp::from_unix(NOW), lifetime);
            let exp = claims["exp"].as_i64().unwrap_or_default();
            proptest::prop_assert!((1..=MAX_LIFETIME_SECONDS).contains(&(exp - NOW)));
            proptest::prop_assert_eq!(&claims["iss"], "app");
            let outside = by_value_parameters("r", &parameters, "app");
            proptest::prop_assert_eq!(outside.first().map(|(n, _)| n.as_str()), Some("client_id"));
            proptest::prop_assert_eq!(outside.last().map(|(n, _)| n.as_str()), Some("request"));
        }
    }
}
