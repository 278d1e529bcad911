//! DPoP, Demonstrating Proof of Possession (RFC 9449): a proof key per run,
//! proofs made with it (§4.2) and the checks a server runs on a proof
//! (§4.3), plus the pure helpers for the server-provided nonce (§8, §9).
//!
//! Proofs are signed by the one JWT signer of client assertions
//! ([`assertion::sign_jwt`]); they are verified by [`crate::token::verify`]
//! with the key the proof carries in its header. Time is a parameter.

#![deny(clippy::string_slice, clippy::indexing_slicing)]

use serde_json::{Map, Value};
use sha2::{Digest as _, Sha256};

use super::assertion::{self, AssertionError, ClientKey};
use crate::token::Timestamp;
use crate::token::checks::CheckResult;
use crate::token::jose::{Decoded, JwsPayload, decode_unverified, encode_segment, json_kind};
use crate::token::keys::KeySet;
use crate::token::verify::{SignatureOutcome, verify_signature};

/// The `typ` of a DPoP proof (RFC 9449 §4.2).
pub const PROOF_TYP: &str = "dpop+jwt";

/// How far a proof's `iat` may be from "now", either way, in seconds
/// (RFC 9449 §4.3 step 11 leaves the window to the server; §11.1 asks
/// for a short one).
pub const DEFAULT_MAX_AGE: i64 = 300;

/// The asymmetric algorithms a proof may use (RFC 9449 §4.2: "MUST NOT be
/// `none` or an identifier for a symmetric algorithm").
const ASYMMETRIC: [&str; 11] = [
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA",
    "Ed25519",
];

/// JWK members that belong to a private or symmetric key (RFC 7518 §6.2.2,
/// §6.3.2, §6.4.1; RFC 8037 §2): a proof's `jwk` must have none (§4.3 step 7).
const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// The key a run's proofs are signed with (RFC 9449 §4.2: the public half
/// goes in each proof's `jwk` header).
#[derive(Debug)]
pub struct ProofKey {
    key: ClientKey,
    alg: String,
}

impl ProofKey {
    /// A fresh P-256 key for ES256, from the operating system's randomness.
    pub fn generate() -> Result<Self, AssertionError> {
        // A random scalar is out of range with probability about 2^-32: try again.
        for _ in 0..16 {
            let mut octets = zeroize::Zeroizing::new([0u8; 32]);
            getrandom::fill(octets.as_mut_slice())
                .map_err(|e| AssertionError::Signing(e.to_string()))?;
            if let Ok(key) = p256::ecdsa::SigningKey::from_slice(octets.as_slice()) {
                return Ok(Self {
                    key: ClientKey::P256(key),
                    alg: "ES256".to_owned(),
                });
            }
        }
        Err(AssertionError::Signing(
            "no usable P-256 key from the operating system's randomness".to_owned(),
        ))
    }

    /// A loaded key (e.g. [`ClientKey::from_pem`]) with `alg`, empty for the
    /// key's usual one: ES256, ES384, RS256, PS256 or `EdDSA`.
    pub fn from_client_key(key: ClientKey, alg: &str) -> Result<Self, AssertionError> {
        let alg = match alg.trim() {
            "" => key.default_algorithm(),
            other => other,
        };
        let fits = matches!(
            (&key, alg),
            (ClientKey::Rsa(_), "RS256" | "PS256")
                | (ClientKey::P256(_), "ES256")
                | (ClientKey::P384(_), "ES384")
                | (ClientKey::Ed25519(_), "EdDSA")
        );
        if !fits {
            return Err(AssertionError::AlgorithmMismatch {
                alg: alg.to_owned(),
                key: key.kind(),
            });
        }
        Ok(Self {
            alg: alg.to_owned(),
            key,
        })
    }

    /// The `alg` its proofs carry.
    pub fn alg(&self) -> &str {
        &self.alg
    }

    /// The public JWK (RFC 7517): public members only, never `d`.
    pub fn public_jwk(&self) -> Map<String, Value> {
        self.key.public_material().public_jwk()
    }

    /// The RFC 7638 thumbprint of the public key: the `jkt` an access token
    /// bound to this key carries in `cnf` (RFC 9449 §6.1) and the
    /// `dpop_jkt` authorization request parameter (§10).
    pub fn thumbprint(&self) -> String {
        self.key.public_material().fingerprint().unwrap_or_default()
    }
}

/// The `htu` of a request to `url`: the URL without its query and
/// fragment (RFC 9449 §4.2), scheme and host in lower case (RFC 3986
/// §6.2.2.1, the normalisation §4.3 step 9 points to).
pub fn htu_of(url: &str) -> String {
    let url = url.trim();
    let end = url.find(['?', '#']).unwrap_or(url.len());
    let without = url.get(..end).unwrap_or(url);
    let Some((scheme, rest)) = without.split_once("://") else {
        return without.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let path = if path.is_empty() { "/" } else { path };
    format!(
        "{}://{}{path}",
        scheme.to_ascii_lowercase(),
        authority.to_ascii_lowercase()
    )
}

/// The `ath` of an access token: base64url(SHA-256(ASCII(token)))
/// (RFC 9449 §4.2).
pub fn ath_of(access_token: &str) -> String {
    encode_segment(&Sha256::digest(access_token.as_bytes()))
}

/// A DPoP proof for a request `htm htu` (RFC 9449 §4.2): header `typ`
/// `dpop+jwt`, `alg`, the public `jwk`; claims a fresh `jti`, `htm`, `htu`
/// (without query and fragment), `iat` = `now`, `ath` when the request
/// carries `access_token`, `nonce` when the server gave one (§8, §9).
pub fn proof(
    key: &ProofKey,
    htm: &str,
    htu: &str,
    now: Timestamp,
    access_token: Option<&str>,
    nonce: Option<&str>,
) -> Result<String, AssertionError> {
    let mut header = Map::new();
    header.insert("typ".to_owned(), PROOF_TYP.into());
    header.insert("alg".to_owned(), key.alg().into());
    header.insert("jwk".to_owned(), Value::Object(key.public_jwk()));
    let mut claims = Map::new();
    claims.insert("jti".to_owned(), uuid::Uuid::new_v4().to_string().into());
    claims.insert("htm".to_owned(), htm.into());
    claims.insert("htu".to_owned(), htu_of(htu).into());
    claims.insert("iat".to_owned(), now.unix().into());
    if let Some(token) = access_token {
        claims.insert("ath".to_owned(), ath_of(token).into());
    }
    if let Some(nonce) = nonce {
        claims.insert("nonce".to_owned(), nonce.into());
    }
    assertion::sign_jwt(&header, &claims, &key.key, key.alg())
}

/// What the server expects of a proof (RFC 9449 §4.3).
#[derive(Clone, Copy, Debug)]
pub struct ProofExpectations<'a> {
    /// The request's method.
    pub htm: &'a str,
    /// The request's URL (query and fragment are ignored).
    pub htu: &'a str,
    /// The access token the request presents, for `ath` (step 12).
    pub access_token: Option<&'a str>,
    /// The nonce the server gave, for `nonce` (step 10).
    pub nonce: Option<&'a str>,
    /// "Now".
    pub now: Timestamp,
    /// How far `iat` may be from `now`, either way, in seconds.
    pub max_age: i64,
}

const SPEC_WELL_FORMED: &str = "RFC 9449 §4.3 step 2";
const SPEC_TYP: &str = "RFC 9449 §4.3 step 4";
const SPEC_ALG: &str = "RFC 9449 §4.3 step 5";
const SPEC_SIGNATURE: &str = "RFC 9449 §4.3 step 6";
const SPEC_JWK: &str = "RFC 9449 §4.3 step 7";
const SPEC_HTM: &str = "RFC 9449 §4.3 step 8";
const SPEC_HTU: &str = "RFC 9449 §4.3 step 9";
const SPEC_NONCE: &str = "RFC 9449 §4.3 step 10";
const SPEC_IAT: &str = "RFC 9449 §4.3 step 11";
const SPEC_ATH: &str = "RFC 9449 §4.3 step 12";
const SPEC_JTI: &str = "RFC 9449 §4.3 step 3, §11.1";

/// The RFC 7638 thumbprint of the `jwk` in a proof's header, when it is a
/// usable public key.
pub fn proof_jkt(proof: &str) -> Option<String> {
    let Ok(Decoded::Jws(jws)) = decode_unverified(proof.trim()) else {
        return None;
    };
    let Some(Value::Object(jwk)) = jws.header.get("jwk") else {
        return None;
    };
    let set = KeySet::from_jwks_json(&Value::Object(public_only(jwk)).to_string(), "jwk");
    set.keys.first().and_then(|key| key.material.fingerprint())
}

fn public_only(jwk: &Map<String, Value>) -> Map<String, Value> {
    jwk.iter()
        .filter(|(name, _)| !PRIVATE_MEMBERS.contains(&name.as_str()))
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect()
}

/// The checks of RFC 9449 §4.3 on `proof`, one row each: `typ`, `alg`,
/// `jwk`, the signature (with the proof's own `jwk`), `htm`, `htu`, `iat`
/// (within `max_age` of `now`), `jti`, `ath`, `nonce`. A proof that is not
/// a JWS with a JSON claims set is one failed `proof` row. Replay of a
/// `jti` (§11.1) cannot be told from one proof and is not checked.
pub fn verify_proof(proof: &str, expected: &ProofExpectations<'_>) -> Vec<CheckResult> {
    let jws = match decode_unverified(proof.trim()) {
        Ok(Decoded::Jws(jws)) => jws,
        Ok(Decoded::Jwe(_)) => {
            return vec![CheckResult::fail(
                "proof",
                "DPOP_MALFORMED",
                "the proof is a JWE; a DPoP proof is a signed JWT (JWS)".to_owned(),
                SPEC_WELL_FORMED,
            )];
        }
        Err(failure) => {
            return vec![CheckResult::fail(
                "proof",
                "DPOP_MALFORMED",
                format!("the proof is not a JWT: {}", failure.error),
                SPEC_WELL_FORMED,
            )];
        }
    };
    let JwsPayload::Claims(claims) = &jws.payload else {
        return vec![CheckResult::fail(
            "proof",
            "DPOP_MALFORMED",
            "the proof's payload is a nested JWT, not a claims set".to_owned(),
            SPEC_WELL_FORMED,
        )];
    };
    let header = &jws.header;
    vec![
        typ_check(header.get("typ")),
        alg_check(header.get("alg")),
        jwk_check(header.get("jwk")),
        signature_check(&jws),
        htm_check(claims.get("htm"), expected.htm),
        htu_check(claims.get("htu"), expected.htu),
        iat_check(claims.get("iat"), expected.now, expected.max_age),
        jti_check(claims.get("jti")),
        ath_check(claims.get("ath"), expected.access_token),
        nonce_check(claims.get("nonce"), expected.nonce),
    ]
}

/// How a value that is not the expected string is described.
fn describe(value: Option<&Value>) -> String {
    match value {
        None => "absent".to_owned(),
        Some(Value::String(text)) => format!("{text:?}"),
        Some(other) => format!("a JSON {}", json_kind(other)),
    }
}

fn typ_check(typ: Option<&Value>) -> CheckResult {
    match typ {
        Some(Value::String(typ)) if typ == PROOF_TYP => {
            CheckResult::pass("typ", format!("typ is {PROOF_TYP}"), SPEC_TYP)
        }
        other => CheckResult::fail(
            "typ",
            "DPOP_TYP",
            format!("typ is {}, not {PROOF_TYP}", describe(other)),
            SPEC_TYP,
        ),
    }
}

fn alg_check(alg: Option<&Value>) -> CheckResult {
    match alg {
        Some(Value::String(alg)) if ASYMMETRIC.contains(&alg.as_str()) => {
            CheckResult::pass("alg", format!("alg {alg} is asymmetric"), SPEC_ALG)
        }
        Some(Value::String(alg)) if alg.eq_ignore_ascii_case("none") => CheckResult::fail(
            "alg",
            "DPOP_ALG",
            "alg is none: a proof must be signed".to_owned(),
            SPEC_ALG,
        ),
        Some(Value::String(alg)) if alg.starts_with("HS") => CheckResult::fail(
            "alg",
            "DPOP_ALG",
            format!("alg {alg} is symmetric: a proof must be signed with a private key"),
            SPEC_ALG,
        ),
        other => CheckResult::fail(
            "alg",
            "DPOP_ALG",
            format!(
                "alg is {}, not an asymmetric JWS algorithm",
                describe(other)
            ),
            SPEC_ALG,
        ),
    }
}

fn jwk_check(jwk: Option<&Value>) -> CheckResult {
    let jwk = match jwk {
        Some(Value::Object(jwk)) => jwk,
        other => {
            return CheckResult::fail(
                "jwk",
                "DPOP_JWK",
                format!("the header's jwk is {}, not a JWK", describe(other)),
                SPEC_JWK,
            );
        }
    };
    let private: Vec<&str> = PRIVATE_MEMBERS
        .iter()
        .copied()
        .filter(|name| jwk.contains_key(*name))
        .collect();
    if !private.is_empty() {
        return CheckResult::fail(
            "jwk",
            "DPOP_JWK_PRIVATE",
            format!(
                "the header's jwk holds private or secret key members ({}): the key is exposed",
                private.join(", ")
            ),
            SPEC_JWK,
        );
    }
    let set = KeySet::from_jwks_json(&Value::Object(jwk.clone()).to_string(), "jwk");
    match set.keys.first() {
        Some(key) => CheckResult::pass(
            "jwk",
            format!(
                "a public {} key, thumbprint {}",
                key.material.size_label(),
                key.material.fingerprint().unwrap_or_default()
            ),
            SPEC_JWK,
        ),
        None => CheckResult::fail(
            "jwk",
            "DPOP_JWK",
            format!(
                "the header's jwk is not a usable public key: {}",
                set.problems
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            SPEC_JWK,
        ),
    }
}

fn signature_check(jws: &crate::token::jose::UnverifiedJws) -> CheckResult {
    let Some(Value::Object(jwk)) = jws.header.get("jwk") else {
        return CheckResult::fail(
            "signature",
            "DPOP_SIGNATURE",
            "no jwk in the header to verify with".to_owned(),
            SPEC_SIGNATURE,
        );
    };
    // Only the public members: a leaked `d` fails the jwk row, not this one.
    let set = KeySet::from_jwks_json(
        &Value::Object(public_only(jwk)).to_string(),
        "the proof's jwk",
    );
    if set.keys.is_empty() {
        return CheckResult::fail(
            "signature",
            "DPOP_SIGNATURE",
            "the header's jwk is not a key to verify with".to_owned(),
            SPEC_SIGNATURE,
        );
    }
    match verify_signature(jws, &set) {
        outcome @ SignatureOutcome::Valid { .. } => CheckResult::pass(
            "signature",
            format!("{} with the proof's jwk", outcome.summary()),
            SPEC_SIGNATURE,
        ),
        outcome => CheckResult::fail(
            "signature",
            "DPOP_SIGNATURE",
            outcome.summary(),
            SPEC_SIGNATURE,
        ),
    }
}

fn htm_check(htm: Option<&Value>, expected: &str) -> CheckResult {
    match htm {
        Some(Value::String(htm)) if htm == expected.trim() => {
            CheckResult::pass("htm", format!("htm is {htm}"), SPEC_HTM)
        }
        other => CheckResult::fail(
            "htm",
            "DPOP_HTM",
            format!(
                "htm is {} but the request's method is {}",
                describe(other),
                expected.trim()
            ),
            SPEC_HTM,
        ),
    }
}

fn htu_check(htu: Option<&Value>, expected: &str) -> CheckResult {
    let expected = htu_of(expected);
    match htu {
        Some(Value::String(htu)) if htu_of(htu) == expected => CheckResult::pass(
            "htu",
            format!("htu is {expected} (query and fragment ignored)"),
            SPEC_HTU,
        ),
        other => CheckResult::fail(
            "htu",
            "DPOP_HTU",
            format!(
                "htu is {} but the request's URL is {expected} (query and fragment ignored)",
                describe(other)
            ),
            SPEC_HTU,
        ),
    }
}

fn iat_check(iat: Option<&Value>, now: Timestamp, max_age: i64) -> CheckResult {
    let Some(Value::Number(number)) = iat else {
        return CheckResult::fail(
            "iat",
            "DPOP_IAT",
            format!("iat is {}, not a number", describe(iat)),
            SPEC_IAT,
        );
    };
    let iat = crate::token::time::TimeValue::from_number(number).at.unix();
    let off = now.unix().saturating_sub(iat);
    let max_age = max_age.max(0);
    if off.unsigned_abs() <= max_age.unsigned_abs() {
        CheckResult::pass(
            "iat",
            format!("iat is {off} s from now, within ±{max_age} s"),
            SPEC_IAT,
        )
    } else if off > 0 {
        CheckResult::fail(
            "iat",
            "DPOP_IAT_STALE",
            format!("the proof was made {off} s ago; accepted: within ±{max_age} s"),
            SPEC_IAT,
        )
    } else {
        CheckResult::fail(
            "iat",
            "DPOP_IAT_FUTURE",
            format!(
                "iat is {} s in the future; accepted: within ±{max_age} s",
                off.unsigned_abs()
            ),
            SPEC_IAT,
        )
    }
}

fn jti_check(jti: Option<&Value>) -> CheckResult {
    match jti {
        Some(Value::String(jti)) if !jti.is_empty() => CheckResult::pass(
            "jti",
            format!("jti is {jti:?} (replay across proofs is not checked here)"),
            SPEC_JTI,
        ),
        other => CheckResult::fail(
            "jti",
            "DPOP_JTI",
            format!("jti is {}, not a unique identifier", describe(other)),
            SPEC_JTI,
        ),
    }
}

fn ath_check(ath: Option<&Value>, access_token: Option<&str>) -> CheckResult {
    let Some(token) = access_token else {
        return CheckResult::not_applicable(
            "ath",
            "no access token given to compare ath with".to_owned(),
            SPEC_ATH,
        );
    };
    let expected = ath_of(token.trim());
    match ath {
        Some(Value::String(ath)) if *ath == expected => CheckResult::pass(
            "ath",
            "ath is the access token's SHA-256 hash".to_owned(),
            SPEC_ATH,
        ),
        other => CheckResult::fail(
            "ath",
            "DPOP_ATH",
            format!(
                "ath is {} but the access token's SHA-256 hash is {expected:?}",
                describe(other)
            ),
            SPEC_ATH,
        ),
    }
}

fn nonce_check(nonce: Option<&Value>, expected: Option<&str>) -> CheckResult {
    let Some(expected) = expected else {
        return CheckResult::not_applicable(
            "nonce",
            "no server nonce expected".to_owned(),
            SPEC_NONCE,
        );
    };
    match nonce {
        Some(Value::String(nonce)) if nonce == expected => {
            CheckResult::pass("nonce", "nonce is the server's".to_owned(), SPEC_NONCE)
        }
        other => CheckResult::fail(
            "nonce",
            "DPOP_NONCE",
            format!(
                "nonce is {} but the server gave {expected:?}",
                describe(other)
            ),
            SPEC_NONCE,
        ),
    }
}

/// The nonce of a `DPoP-Nonce` response header (RFC 9449 §8.1: one or more
/// NQCHAR, `%x21 / %x23-5B / %x5D-7E`); `None` when absent or not a nonce.
pub fn nonce_from_headers<I, K, V>(headers: I) -> Option<String>
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    headers
        .into_iter()
        .find(|(name, _)| name.as_ref().trim().eq_ignore_ascii_case("DPoP-Nonce"))
        .map(|(_, value)| value.as_ref().trim().to_owned())
        .filter(|value| {
            !value.is_empty()
                && value
                    .bytes()
                    .all(|b| matches!(b, 0x21 | 0x23..=0x5B | 0x5D..=0x7E))
        })
}

/// Whether an answer asks for a DPoP nonce: a 400 from an authorization
/// server with `{"error":"use_dpop_nonce"}` (RFC 9449 §8), or a 401 from a
/// resource server whose `WWW-Authenticate` has a `DPoP` challenge with
/// `error="use_dpop_nonce"` (§9).
pub fn is_use_dpop_nonce(status: u16, www_authenticate: Option<&str>, body: &[u8]) -> bool {
    match status {
        400 => serde_json::from_slice::<Value>(body)
            .is_ok_and(|json| json.get("error").and_then(Value::as_str) == Some("use_dpop_nonce")),
        401 => www_authenticate.is_some_and(dpop_challenge_asks_nonce),
        _ => false,
    }
}

/// Whether a `WWW-Authenticate` value holds a `DPoP` challenge whose
/// `error` parameter is `use_dpop_nonce` (RFC 9110 §11.6.1, RFC 9449 §7.1).
fn dpop_challenge_asks_nonce(header: &str) -> bool {
    // Challenges start where a token is followed by a space rather than `=`;
    // walk the comma-separated items and remember the current scheme.
    let mut in_dpop = false;
    for item in header.split(',') {
        let item = item.trim();
        let (scheme, parameter) = match item.split_once(' ') {
            Some((first, rest)) if !first.contains('=') => (Some(first), rest.trim()),
            _ => (None, item),
        };
        if let Some(scheme) = scheme {
            in_dpop = scheme.eq_ignore_ascii_case("DPoP");
        } else if !item.contains('=') {
            // A scheme without parameters.
            in_dpop = item.eq_ignore_ascii_case("DPoP");
            continue;
        }
        if in_dpop
            && let Some((name, value)) = parameter.split_once('=')
            && name.trim().eq_ignore_ascii_case("error")
            && value.trim().trim_matches('"') == "use_dpop_nonce"
        {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::checks::CheckStatus;

    const NOW: i64 = 1_795_387_806;
    const URL: &str = "https://RS.Example.test/api/orders?page=2#top";
    const TOKEN: &str = "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU";

    fn expectations<'a>() -> ProofExpectations<'a> {
        ProofExpectations {
            htm: "POST",
            htu: "https://rs.example.test/api/orders",
            access_token: Some(TOKEN),
            nonce: Some("eyJ7S_zG.eyJH0-Z.HX4w-7v"),
            now: Timestamp::from_unix(NOW),
            max_age: DEFAULT_MAX_AGE,
        }
    }

    fn made(key: &ProofKey) -> String {
        proof(
            key,
            "POST",
            URL,
            Timestamp::from_unix(NOW - 10),
            Some(TOKEN),
            Some("eyJ7S_zG.eyJH0-Z.HX4w-7v"),
        )
        .unwrap()
    }

    fn status_of(rows: &[CheckResult], name: &str) -> CheckStatus {
        rows.iter().find(|row| row.name == name).unwrap().status
    }

    fn failed(rows: &[CheckResult]) -> Vec<&'static str> {
        rows.iter()
            .filter(|r| r.is_fail())
            .map(|r| r.name)
            .collect()
    }

    /// A proof with the header and claims edited, signed again with `key`.
    fn edited(
        key: &ProofKey,
        edit: impl FnOnce(&mut Map<String, Value>, &mut Map<String, Value>),
    ) -> String {
        let Decoded::Jws(jws) = decode_unverified(&made(key)).unwrap() else {
            panic!("jws")
        };
        let JwsPayload::Claims(mut claims) = jws.payload else {
            panic!("claims")
        };
        let mut header = jws.header;
        edit(&mut header, &mut claims);
        let alg = header["alg"].as_str().unwrap_or_default().to_owned();
        assertion::sign_jwt(&header, &claims, &key.key, &alg).unwrap()
    }

    #[test]
    fn a_proof_made_here_verifies() {
        let key = ProofKey::generate().unwrap();
        let proof = made(&key);
        let rows = verify_proof(&proof, &expectations());
        assert_eq!(rows.len(), 10);
        assert!(
            rows.iter().all(|r| r.status == CheckStatus::Pass),
            "{rows:#?}"
        );
        assert!(rows.iter().all(|r| r.spec.starts_with("RFC 9449 §4.3")));
        assert_eq!(proof_jkt(&proof).unwrap(), key.thumbprint());
        let Decoded::Jws(jws) = decode_unverified(&proof).unwrap() else {
            panic!("jws")
        };
        assert_eq!(jws.header["typ"], "dpop+jwt");
        assert_eq!(jws.header["alg"], "ES256");
        assert!(jws.header["jwk"].get("d").is_none());
        let JwsPayload::Claims(claims) = &jws.payload else {
            panic!("claims")
        };
        assert_eq!(claims["htu"], "https://rs.example.test/api/orders");
        assert_eq!(claims["iat"], NOW - 10);
        // RFC 9449 §4.2 example: ath of this token.
        assert_eq!(claims["ath"], "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo");
        assert_eq!(
            uuid::Uuid::parse_str(claims["jti"].as_str().unwrap())
                .unwrap()
                .get_version_num(),
            4
        );
        assert_ne!(made(&key), proof, "a fresh jti each time");
    }

    #[test]
    fn loaded_keys_sign_proofs_that_verify() {
        const RSA_PEM: &str = include_str!("../../tests/provider/keys/client-jwt.private.pem");
        let rsa = ClientKey::from_pem(RSA_PEM).unwrap();
        let key = ProofKey::from_client_key(rsa, "PS256").unwrap();
        let rows = verify_proof(&made(&key), &expectations());
        assert!(failed(&rows).is_empty(), "{rows:#?}");
        assert!(!key.public_jwk().contains_key("d"));
        let rsa = ClientKey::from_pem(RSA_PEM).unwrap();
        assert!(ProofKey::from_client_key(rsa, "ES256").is_err());
        let ed = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
        let key = ProofKey::from_client_key(ClientKey::Ed25519(Box::new(ed)), "").unwrap();
        assert_eq!(key.alg(), "EdDSA");
        assert!(failed(&verify_proof(&made(&key), &expectations())).is_empty());
    }

    #[test]
    fn each_broken_rule_fails_its_own_row() {
        let key = ProofKey::generate().unwrap();
        let proof = made(&key);
        let cases: [(&str, ProofExpectations<'_>); 5] = [
            (
                "htm",
                ProofExpectations {
                    htm: "GET",
                    ..expectations()
                },
            ),
            (
                "htu",
                ProofExpectations {
                    htu: "https://rs.example.test/api/other",
                    ..expectations()
                },
            ),
            (
                "iat",
                ProofExpectations {
                    now: Timestamp::from_unix(NOW + 600),
                    ..expectations()
                },
            ),
            (
                "ath",
                ProofExpectations {
                    access_token: Some("another-token"),
                    ..expectations()
                },
            ),
            (
                "nonce",
                ProofExpectations {
                    nonce: Some("a-newer-nonce"),
                    ..expectations()
                },
            ),
        ];
        for (row, expected) in cases {
            assert_eq!(failed(&verify_proof(&proof, &expected)), [row]);
        }
        let no_nonce = edited(&key, |_, claims| {
            claims.remove("nonce");
        });
        assert_eq!(failed(&verify_proof(&no_nonce, &expectations())), ["nonce"]);
        let no_jti = edited(&key, |_, claims| {
            claims.remove("jti");
        });
        assert_eq!(failed(&verify_proof(&no_jti, &expectations())), ["jti"]);
        let typ = edited(&key, |header, _| {
            header.insert("typ".to_owned(), "JWT".into());
        });
        assert_eq!(failed(&verify_proof(&typ, &expectations())), ["typ"]);
        // Query and fragment, and the case of scheme and host, do not count.
        let rows = verify_proof(
            &proof,
            &ProofExpectations {
                htu: "HTTPS://rs.example.TEST/api/orders?x=1",
                ..expectations()
            },
        );
        assert!(failed(&rows).is_empty());
        // Nothing expected: not applicable, not failed.
        let rows = verify_proof(
            &proof,
            &ProofExpectations {
                access_token: None,
                nonce: None,
                ..expectations()
            },
        );
        assert_eq!(status_of(&rows, "ath"), CheckStatus::NotApplicable);
        assert_eq!(status_of(&rows, "nonce"), CheckStatus::NotApplicable);
    }

    #[test]
    fn a_private_jwk_fails_the_jwk_row() {
        let key = ProofKey::generate().unwrap();
        let ClientKey::P256(secret) = &key.key else {
            panic!("p256")
        };
        let d = encode_segment(&secret.to_bytes());
        let leaked = edited(&key, |header, _| {
            if let Some(Value::Object(jwk)) = header.get_mut("jwk") {
                jwk.insert("d".to_owned(), d.into());
            }
        });
        let rows = verify_proof(&leaked, &expectations());
        assert_eq!(failed(&rows), ["jwk"]);
        let row = rows.iter().find(|r| r.name == "jwk").unwrap();
        assert_eq!(row.code, Some("DPOP_JWK_PRIVATE"));
        assert_eq!(row.spec, "RFC 9449 §4.3 step 7");
    }

    #[test]
    fn alg_none_and_hs256_fail() {
        let key = ProofKey::generate().unwrap();
        let Decoded::Jws(jws) = decode_unverified(&made(&key)).unwrap() else {
            panic!("jws")
        };
        let payload = encode_segment(jws.payload_text.as_bytes());
        let mut header = jws.header.clone();
        header.insert("alg".to_owned(), "none".into());
        let none = format!(
            "{}.{payload}.",
            encode_segment(Value::Object(header.clone()).to_string().as_bytes())
        );
        let rows = verify_proof(&none, &expectations());
        assert_eq!(failed(&rows), ["alg", "signature"]);
        header.insert("alg".to_owned(), "HS256".into());
        let input = format!(
            "{}.{payload}",
            encode_segment(Value::Object(header).to_string().as_bytes())
        );
        let hs = format!(
            "{input}.{}",
            encode_segment(&Sha256::digest(input.as_bytes()))
        );
        let rows = verify_proof(&hs, &expectations());
        assert_eq!(failed(&rows), ["alg", "signature"]);
        // A signature by another key fails the signature row only.
        let other = ProofKey::generate().unwrap();
        let swapped = edited(&key, |header, _| {
            header.insert("jwk".to_owned(), Value::Object(other.public_jwk()));
        });
        assert_eq!(
            failed(&verify_proof(&swapped, &expectations())),
            ["signature"]
        );
    }

    #[test]
    fn nonce_answers_are_recognised() {
        assert_eq!(
            nonce_from_headers([
                ("content-type", "application/json"),
                ("dpop-nonce", " eyJ7S_zG.eyJH0 ")
            ]),
            Some("eyJ7S_zG.eyJH0".to_owned())
        );
        assert_eq!(nonce_from_headers([("DPoP-Nonce", "a b")]), None);
        assert_eq!(nonce_from_headers([("DPoP-Nonce", "")]), None);
        assert_eq!(nonce_from_headers(Vec::<(String, String)>::new()), None);
        let body = br#"{"error":"use_dpop_nonce","error_description":"Authorization server requires nonce in DPoP proof"}"#;
        assert!(is_use_dpop_nonce(400, None, body));
        assert!(!is_use_dpop_nonce(
            400,
            None,
            br#"{"error":"invalid_dpop_proof"}"#
        ));
        assert!(!is_use_dpop_nonce(400, None, b"\xff not json"));
        let rs = r#"DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof""#;
        assert!(is_use_dpop_nonce(401, Some(rs), b""));
        assert!(is_use_dpop_nonce(
            401,
            Some(r#"Bearer realm="x", DPoP algs="ES256 PS256", error="use_dpop_nonce""#),
            b""
        ));
        assert!(!is_use_dpop_nonce(
            401,
            Some(r#"Bearer error="use_dpop_nonce""#),
            b""
        ));
        assert!(!is_use_dpop_nonce(
            401,
            Some(r#"DPoP error="invalid_token""#),
            b""
        ));
        assert!(!is_use_dpop_nonce(401, None, b""));
        assert!(!is_use_dpop_nonce(500, Some(rs), body));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        /// Total on any input: junk, Cyrillic, emoji, pieces of JSON.
        #[test]
        fn verification_is_total(
            header in "(\\{|\\}|\"|typ|jwk|alg|dpop\\+jwt|ES256|ключ|🔑|:|,|\\[|d|\\\\u0000| ){0,24}",
            claims in "(\\{|\\}|\"|htm|htu|iat|ath|nonce|1e999|-1|ключ|😀|:|,|\\[|\\]){0,24}",
            signature in "[A-Za-z0-9_\\-.]{0,12}",
            raw in proptest::collection::vec(proptest::num::u8::ANY, 0..64),
        ) {
            let compact = format!(
                "{}.{}.{signature}",
                encode_segment(header.as_bytes()),
                encode_segment(claims.as_bytes())
            );
            let rows = verify_proof(&compact, &expectations());
            proptest::prop_assert!(rows.iter().any(CheckResult::is_fail));
            let text = String::from_utf8_lossy(&raw);
            let rows = verify_proof(&text, &expectations());
            proptest::prop_assert!(rows.iter().any(CheckResult::is_fail));
            let _ = proof_jkt(&text);
            let _ = htu_of(&text);
            let _ = is_use_dpop_nonce(401, Some(&text), &raw);
            let _ = is_use_dpop_nonce(400, None, &raw);
            let _ = nonce_from_headers([("DPoP-Nonce", text.as_ref())]);
        }
    }
}
