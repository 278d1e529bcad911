//! JWS signature verification against a [`KeySet`], following RFC 8725
//! (JWT Best Current Practices).
//!
//! The rules, and why:
//! - `alg: none` is never accepted (RFC 8725 §3.1, §3.2): anyone can write one.
//! - Each algorithm family is verified only with its own key type: HS* only with
//!   a shared secret, RS*/PS* only with RSA, ES* only with the matching curve,
//!   `EdDSA` only with Ed25519, GOST only with GOST keys. A public key is never
//!   used as an HMAC secret — the key-confusion attack (RFC 8725 §2.6, §3.1).
//! - A key's own `alg`, `use` and `key_ops` must allow the job (RFC 7517 §4.2–4.4).
//! - Keys named or embedded by the token (`jku`, `x5u`, `x5c`, `jwk`) are never
//!   fetched or trusted (RFC 8725 §3.10): the token does not choose its verifier.
//! - With a `kid`, only the key with that kid is used (keys without any kid,
//!   from PEM, certificates or a typed secret, stand in when no key has it);
//!   with no `kid`, every fitting key is tried and the outcome says how many.
//! - An unknown algorithm is "unsupported", never "invalid".

use hmac::{Hmac, KeyInit as _, Mac as _};
use p256::ecdsa::signature::Verifier as _;
use rsa::traits::PublicKeyParts as _;
use serde::Serialize;
use serde_json::Value;
use sha2::{Sha256, Sha384, Sha512};

use super::gost;
use super::jose::{Decoded, JsonObject, JwsPayload, UnverifiedJws, json_kind_text};
use super::jwe::DecryptOptions;
use super::keys::{KeyMaterial, KeyRow, KeySet, VerificationKey};

/// What signature verification concluded, in a form the UI and JSON can show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum SignatureOutcome {
    /// The signature verifies with `key`.
    Valid {
        /// The header's `alg`.
        alg: String,
        /// The algorithm as shown to people, e.g. "RS256" or "GOST R 34.10-2012 256, CryptoPro-A".
        scheme: String,
        /// The key that verified it.
        key: KeyRow,
        /// Extra facts about the signature, e.g. the GOST byte layout that verified.
        detail: Option<String>,
        /// Remarks, e.g. "no kid in the header: …", ignored header keys.
        notes: Vec<String>,
    },
    /// Fitting keys were found and none verifies the signature.
    Invalid {
        /// The header's `alg`.
        alg: String,
        /// Why, e.g. "the signature does not match key kc-rsa-1 (RSA 2048)".
        reason: String,
        /// The keys tried.
        tried: Vec<KeyRow>,
        /// Remarks.
        notes: Vec<String>,
    },
    /// No key in the set may verify this token.
    NoKey {
        /// The header's `alg`.
        alg: String,
        /// Why, e.g. "no key with kid X; the key set has kids A, B".
        reason: String,
        /// The header's kid when no key carries it: the caller may refetch the
        /// JWKS once, as keys rotate (OIDC Core §10.1.1).
        unknown_kid: Option<String>,
        /// Remarks, e.g. keys skipped because of `use: enc`.
        notes: Vec<String>,
    },
    /// `alg: none` (in any letter case): always rejected (RFC 8725 §3.1, §3.2).
    Unsigned {
        /// The header's `alg` as written.
        alg: String,
    },
    /// An algorithm tokenscope does not implement; says nothing about validity.
    Unsupported {
        /// The header's `alg`.
        alg: String,
        /// Remarks.
        notes: Vec<String>,
    },
    /// The header itself makes the token unacceptable (key confusion, `crit`, no `alg`).
    Rejected {
        /// The header's `alg`, when it is a string.
        alg: Option<String>,
        /// Stable reason code: `JWS_KEY_ALG_MISMATCH` (key confusion),
        /// `JWS_CRIT_UNSUPPORTED` (`crit`, `b64`), `JWT_PARSE` (malformed `alg`/`kid`).
        code: &'static str,
        /// Why.
        reason: String,
        /// Remarks.
        notes: Vec<String>,
    },
    /// A JWE: the signature, if any, is inside the ciphertext (RFC 7516).
    Encrypted {
        /// Key management algorithm.
        alg: Option<String>,
        /// Content encryption algorithm.
        enc: Option<String>,
    },
    /// A JWE that decryption keys were given for and that could not be
    /// decrypted ([`super::jwe::JweError`]).
    DecryptionFailed {
        /// Key management algorithm.
        alg: Option<String>,
        /// Content encryption algorithm.
        enc: Option<String>,
        /// Stable reason code: `JWE_TAG_INVALID`, `JWE_ALG_REFUSED`, `JWE_EPK_INVALID`, …
        code: &'static str,
        /// Why, e.g. "the tag does not verify with key K (A256GCM): wrong key or altered token".
        reason: String,
    },
    /// A JWE that decrypted to something no one signed (claims, text): the
    /// encryption hides it, nothing proves who wrote it.
    DecryptedUnsigned {
        /// How it was decrypted.
        decryption: super::jwe::Decryption,
    },
}

impl SignatureOutcome {
    /// Whether the signature verified.
    pub fn is_valid(&self) -> bool {
        matches!(self, Self::Valid { .. })
    }

    /// Whether no key has the token's kid — the one case where refetching the
    /// JWKS (once) may help (OIDC Core §10.1.1).
    pub fn is_unknown_kid(&self) -> bool {
        matches!(
            self,
            Self::NoKey {
                unknown_kid: Some(_),
                ..
            }
        )
    }

    /// Stable reason code for a failed verification (reliability checklist
    /// §6.3), `None` when valid.
    pub fn code(&self) -> Option<&'static str> {
        Some(match self {
            Self::Valid { .. } => return None,
            Self::Invalid { .. } => "JWS_SIG_INVALID",
            Self::NoKey {
                unknown_kid: Some(_),
                ..
            } => "JWK_KID_UNKNOWN",
            Self::NoKey { .. } => "JWS_NO_KEY",
            Self::Unsigned { .. } => "JWS_ALG_NONE",
            Self::Unsupported { .. } => "JWS_ALG_UNSUPPORTED",
            Self::Rejected { code, .. } | Self::DecryptionFailed { code, .. } => code,
            Self::Encrypted { .. } => "JWE_NO_KEY",
            Self::DecryptedUnsigned { .. } => "JWE_NOT_SIGNED",
        })
    }

    /// The remarks attached to the outcome.
    pub fn notes(&self) -> &[String] {
        match self {
            Self::Valid { notes, .. }
            | Self::Invalid { notes, .. }
            | Self::NoKey { notes, .. }
            | Self::Unsupported { notes, .. }
            | Self::Rejected { notes, .. } => notes,
            Self::DecryptedUnsigned { decryption } => &decryption.notes,
            Self::Unsigned { .. } | Self::Encrypted { .. } | Self::DecryptionFailed { .. } => &[],
        }
    }

    /// The verifying key, when valid.
    pub fn key(&self) -> Option<&KeyRow> {
        match self {
            Self::Valid { key, .. } => Some(key),
            _ => None,
        }
    }

    /// One line for a status bar: "valid (RS256, key kc-rsa-1)", "invalid: …".
    pub fn summary(&self) -> String {
        match self {
            Self::Valid {
                scheme,
                key,
                detail,
                ..
            } => {
                let mut parts = vec![scheme.clone()];
                parts.extend(detail.clone());
                if let Some(kid) = &key.kid {
                    parts.push(crate::tr!("verify-key-kid", kid = kid.as_str()));
                }
                crate::tr!("verify-valid", details = parts.join(", "))
            }
            Self::Invalid { reason, .. } => crate::tr!("verify-invalid", reason = reason.as_str()),
            Self::NoKey {
                reason,
                unknown_kid,
                ..
            } => {
                if unknown_kid.is_some() {
                    crate::tr!("verify-unknown-kid", reason = reason.as_str())
                } else {
                    crate::tr!("verify-no-key", reason = reason.as_str())
                }
            }
            Self::Unsigned { alg } => crate::tr!("verify-unsigned", alg = alg.as_str()),
            Self::Unsupported { alg, .. } => crate::tr!("verify-unsupported", alg = alg.as_str()),
            Self::Rejected { reason, .. } => {
                crate::tr!("verify-rejected", reason = reason.as_str())
            }
            Self::Encrypted { alg, enc } => crate::tr!(
                "verify-encrypted",
                alg = alg.as_deref().unwrap_or("?"),
                enc = enc.as_deref().unwrap_or("?")
            ),
            Self::DecryptionFailed { reason, .. } => {
                crate::tr!("verify-not-decrypted", reason = reason.as_str())
            }
            Self::DecryptedUnsigned { decryption } => crate::tr!(
                "verify-decrypted-unsigned",
                decrypted = decryption.summary(),
                content = decryption.content
            ),
        }
    }
}

/// Verifies a decoded token: a JWS directly; for a nested JWT (RFC 7519 §5.2)
/// the outer and the inner signature both (RFC 8725 §3.3); a JWE is
/// decrypted with the set's decryption keys and the JWS inside verified
/// (without decryption keys it is reported as encrypted).
pub fn verify_decoded(decoded: &Decoded, keys: &KeySet) -> SignatureOutcome {
    verify_decoded_with(decoded, keys, DecryptOptions::default())
}

/// [`verify_decoded`], with `RSA1_5` decryption allowed when `options` say.
pub fn verify_decoded_with(
    decoded: &Decoded,
    keys: &KeySet,
    options: DecryptOptions,
) -> SignatureOutcome {
    match decoded {
        Decoded::Jwe(jwe) => {
            let alg = header_string(&jwe.header, "alg");
            let enc = header_string(&jwe.header, "enc");
            let opened = match (&jwe.opened, keys.can_decrypt()) {
                (Some(_), _) => std::borrow::Cow::Borrowed(jwe),
                (None, true) => match super::jwe::open(jwe, keys, options) {
                    Ok(opened) => std::borrow::Cow::Owned(opened),
                    Err(error) => {
                        return SignatureOutcome::DecryptionFailed {
                            alg,
                            enc,
                            code: error.code(),
                            reason: error.to_string(),
                        };
                    }
                },
                (None, false) => return SignatureOutcome::Encrypted { alg, enc },
            };
            let Some(opened) = opened.opened.as_deref() else {
                return SignatureOutcome::Encrypted { alg, enc };
            };
            match &opened.content {
                // RFC 7519 §5.2, §11.2: the JWS inside is what is signed.
                super::jwe::Content::Nested(inner) => add_note(
                    verify_decoded_with(inner, keys, options),
                    opened.decryption.summary(),
                ),
                _ => SignatureOutcome::DecryptedUnsigned {
                    decryption: opened.decryption.clone(),
                },
            }
        }
        Decoded::Jws(jws) => {
            let outer = verify_signature(jws, keys);
            let JwsPayload::Nested(inner) = &jws.payload else {
                return outer;
            };
            if !outer.is_valid() {
                return outer;
            }
            match verify_decoded_with(inner, keys, options) {
                SignatureOutcome::Valid { .. } => {
                    add_note(outer, crate::tr!("verify-nested-valid"))
                }
                SignatureOutcome::Encrypted { .. } => {
                    add_note(outer, crate::tr!("verify-nested-encrypted"))
                }
                inner => add_note(inner, crate::tr!("verify-nested-invalid")),
            }
        }
    }
}

fn add_note(mut outcome: SignatureOutcome, note: String) -> SignatureOutcome {
    match &mut outcome {
        SignatureOutcome::Valid { notes, .. }
        | SignatureOutcome::Invalid { notes, .. }
        | SignatureOutcome::NoKey { notes, .. }
        | SignatureOutcome::Unsupported { notes, .. }
        | SignatureOutcome::Rejected { notes, .. } => notes.push(note),
        SignatureOutcome::Unsigned { .. }
        | SignatureOutcome::Encrypted { .. }
        | SignatureOutcome::DecryptionFailed { .. }
        | SignatureOutcome::DecryptedUnsigned { .. } => {}
    }
    outcome
}

fn header_string(header: &JsonObject, name: &str) -> Option<String> {
    header.get(name).and_then(Value::as_str).map(str::to_owned)
}

/// Verifies a JWS signature with the keys of `keys`.
pub fn verify_signature(jws: &UnverifiedJws, keys: &KeySet) -> SignatureOutcome {
    verify_parts(&jws.header, &jws.signing_input, &jws.signature, keys)
}

/// Verifies a signature given the protected header, the signing input
/// (`BASE64URL(header) '.' BASE64URL(payload)`, RFC 7515 §5.2) and the
/// signature bytes — for a JWS whose payload is not a claims set.
pub fn verify_parts(
    header: &JsonObject,
    signing_input: &str,
    signature: &[u8],
    keys: &KeySet,
) -> SignatureOutcome {
    let notes = header_key_notes(header);
    let alg = match header.get("alg") {
        Some(Value::String(alg)) => alg.clone(),
        Some(other) => {
            return SignatureOutcome::Rejected {
                alg: None,
                code: "JWT_PARSE",
                reason: crate::tr!("verify-alg-not-string", kind = json_kind_text(other)),
                notes,
            };
        }
        None => {
            return SignatureOutcome::Rejected {
                alg: None,
                code: "JWT_PARSE",
                reason: crate::tr!("verify-no-alg"),
                notes,
            };
        }
    };
    if alg.eq_ignore_ascii_case("none") {
        return SignatureOutcome::Unsigned { alg };
    }
    if let Some(reason) = critical_problem(header) {
        return SignatureOutcome::Rejected {
            alg: Some(alg),
            code: "JWS_CRIT_UNSUPPORTED",
            reason,
            notes,
        };
    }
    let Some(algorithm) = Algorithm::parse(&alg) else {
        return SignatureOutcome::Unsupported { alg, notes };
    };
    let kid = match header.get("kid") {
        None => None,
        Some(Value::String(kid)) => Some(kid.clone()),
        Some(other) => {
            // A non-string kid must match nothing rather than everything.
            return SignatureOutcome::Rejected {
                alg: Some(alg),
                code: "JWT_PARSE",
                reason: crate::tr!("verify-kid-not-string", kind = json_kind_text(other)),
                notes,
            };
        }
    };
    Verification {
        alg,
        algorithm,
        kid,
        keys,
        notes,
    }
    .run(signing_input.as_bytes(), signature)
}

/// Notes for header parameters that carry or point to keys: reported, never used.
fn header_key_notes(header: &JsonObject) -> Vec<String> {
    let mut notes = Vec::new();
    for name in ["jku", "x5u"] {
        if let Some(value) = header.get(name) {
            let shown: String = value.as_str().map_or_else(
                || json_kind_text(value),
                |url| url.chars().take(120).collect(),
            );
            notes.push(crate::tr!(
                "verify-header-url-ignored",
                name = name,
                value = shown
            ));
        }
    }
    for name in ["x5c", "jwk"] {
        if header.contains_key(name) {
            notes.push(crate::tr!("verify-header-key-ignored", name = name));
        }
    }
    notes
}

/// `crit` lists extensions the recipient must understand (RFC 7515 §4.1.11);
/// tokenscope implements none, so any `crit` — and an unencoded payload
/// (RFC 7797 §6) — means the token must be rejected.
fn critical_problem(header: &JsonObject) -> Option<String> {
    if let Some(crit) = header.get("crit") {
        let names: Option<Vec<&str>> = crit
            .as_array()
            .map(|names| names.iter().filter_map(Value::as_str).collect());
        return Some(match names {
            Some(names) if !names.is_empty() => {
                crate::tr!("verify-crit-unsupported", names = names.join(", "))
            }
            _ => crate::tr!("verify-crit-malformed"),
        });
    }
    if header.get("b64") == Some(&Value::Bool(false)) {
        return Some(crate::tr!("verify-b64-false"));
    }
    None
}

/// SHA-2 size of a JOSE algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sha {
    S256,
    S384,
    S512,
}

impl Sha {
    fn bits(self) -> usize {
        match self {
            Self::S256 => 256,
            Self::S384 => 384,
            Self::S512 => 512,
        }
    }
}

/// The algorithms tokenscope verifies (RFC 7518 §3.1, RFC 8037 §3.1, and the
/// GOST spellings of Sber and ESIA).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Algorithm {
    /// RSASSA-PKCS1-v1_5 (RFC 7518 §3.3).
    Rs(Sha),
    /// RSASSA-PSS with MGF1 and a salt as long as the hash (RFC 7518 §3.5).
    Ps(Sha),
    /// ECDSA over P-256/384/521 with raw `r ‖ s` signatures (RFC 7518 §3.4).
    Es(Sha),
    /// Ed25519 (RFC 8037 §3.1; `Ed25519` is the RFC 9864 name).
    EdDsa,
    /// HMAC (RFC 7518 §3.2).
    Hs(Sha),
    /// GOST R 34.10-2012; `Some(bits)` when the name fixes the key size.
    Gost(Option<usize>),
}

impl Algorithm {
    fn parse(alg: &str) -> Option<Self> {
        Some(match alg {
            "RS256" => Self::Rs(Sha::S256),
            "RS384" => Self::Rs(Sha::S384),
            "RS512" => Self::Rs(Sha::S512),
            "PS256" => Self::Ps(Sha::S256),
            "PS384" => Self::Ps(Sha::S384),
            "PS512" => Self::Ps(Sha::S512),
            "ES256" => Self::Es(Sha::S256),
            "ES384" => Self::Es(Sha::S384),
            "ES512" => Self::Es(Sha::S512),
            "EdDSA" | "Ed25519" => Self::EdDsa,
            "HS256" => Self::Hs(Sha::S256),
            "HS384" => Self::Hs(Sha::S384),
            "HS512" => Self::Hs(Sha::S512),
            "gost34.10-2012" => Self::Gost(None),
            "GOST3410_2012_256" => Self::Gost(Some(256)),
            "GOST3410_2012_512" => Self::Gost(Some(512)),
            _ => return None,
        })
    }

    /// What kind of key it needs, for messages.
    fn needs(self) -> String {
        match self {
            Self::Rs(_) | Self::Ps(_) => crate::tr!("verify-needs-rsa"),
            Self::Es(sha) => crate::tr!("verify-needs-ec", curve = curve_for(sha)),
            Self::EdDsa => crate::tr!("verify-needs-ed25519"),
            Self::Hs(_) => crate::tr!("verify-needs-secret"),
            Self::Gost(Some(bits)) => crate::tr!("verify-needs-gost-bits", bits = bits),
            Self::Gost(None) => crate::tr!("verify-needs-gost"),
        }
    }
}

fn curve_for(sha: Sha) -> &'static str {
    match sha {
        Sha::S256 => "P-256",
        Sha::S384 => "P-384",
        Sha::S512 => "P-521",
    }
}

/// Why a key may not verify this token.
enum Unfit {
    /// Wrong key type or curve for the algorithm: expected for most keys of a
    /// mixed set, so only worth a note when the kid pointed at the key.
    Family(String),
    /// The key's own `alg`, `use` or `key_ops` forbid it: always worth a note.
    Restricted(String),
}

/// Whether `key` may verify a token signed with `alg` (RFC 8725 §3.1: one key, one algorithm).
fn fit(algorithm: Algorithm, alg: &str, key: &VerificationKey) -> Result<(), Unfit> {
    let family_ok = match (algorithm, &key.material) {
        (Algorithm::Rs(_) | Algorithm::Ps(_), KeyMaterial::Rsa(_))
        | (Algorithm::Es(Sha::S256), KeyMaterial::P256(_))
        | (Algorithm::Es(Sha::S384), KeyMaterial::P384(_))
        | (Algorithm::Es(Sha::S512), KeyMaterial::P521(_))
        | (Algorithm::EdDsa, KeyMaterial::Ed25519(_))
        | (Algorithm::Hs(_), KeyMaterial::Hmac(_))
        | (Algorithm::Gost(None), KeyMaterial::Gost(_)) => true,
        (Algorithm::Gost(Some(bits)), KeyMaterial::Gost(gost)) => gost.curve.bits() == bits,
        _ => false,
    };
    if !family_ok {
        return Err(Unfit::Family(crate::tr!(
            "verify-unfit-family",
            key = key.name(),
            size = key.material.size_label(),
            alg = alg,
            needs = algorithm.needs()
        )));
    }
    if let Some(key_alg) = &key.alg
        && key_alg != alg
    {
        return Err(Unfit::Restricted(crate::tr!(
            "verify-unfit-alg",
            key = key.name(),
            key_alg = key_alg.as_str(),
            alg = alg
        )));
    }
    if let Some(key_use) = &key.key_use
        && key_use != "sig"
    {
        return Err(Unfit::Restricted(crate::tr!(
            "verify-unfit-use",
            key = key.name(),
            key_use = key_use.as_str()
        )));
    }
    if let Some(ops) = &key.key_ops
        && !ops.iter().any(|op| op == "verify")
    {
        return Err(Unfit::Restricted(crate::tr!(
            "verify-unfit-ops",
            key = key.name(),
            ops = ops.join(", ")
        )));
    }
    Ok(())
}

/// One verification run.
struct Verification<'a> {
    alg: String,
    algorithm: Algorithm,
    kid: Option<String>,
    keys: &'a KeySet,
    notes: Vec<String>,
}

impl Verification<'_> {
    fn run(mut self, input: &[u8], signature: &[u8]) -> SignatureOutcome {
        if self.keys.is_empty() {
            let reason = match self.keys.problems.len() {
                0 => crate::tr!("verify-empty-set"),
                count => crate::tr!("verify-empty-set-unusable", count = count),
            };
            return self.no_key(reason, None);
        }
        let keys = self.keys;
        let (candidates, fell_back) =
            match Self::candidates(keys, self.kid.as_deref(), &mut self.notes) {
                Ok(found) => found,
                Err((kid, reason)) => return self.no_key(reason, Some(kid)),
            };
        let kid = self.kid.clone();
        let outcome = self.try_candidates(&candidates, input, signature);
        match (kid, outcome) {
            // The kid named a key the set lacks and the kid-less stand-ins did
            // not verify either: report the unknown kid, so the caller may refetch.
            (
                Some(kid),
                SignatureOutcome::Invalid {
                    alg, reason, notes, ..
                }
                | SignatureOutcome::NoKey {
                    alg, reason, notes, ..
                },
            ) if fell_back && !keys.kids().is_empty() => SignatureOutcome::NoKey {
                reason: crate::tr!(
                    "verify-kid-fallback-failed",
                    kid = kid.as_str(),
                    kids = keys.kids().join(", "),
                    reason = reason
                ),
                alg,
                unknown_kid: Some(kid),
                notes,
            },
            (_, outcome) => outcome,
        }
    }

    /// Checks the signature with every fitting key among `candidates`.
    fn try_candidates(
        mut self,
        candidates: &[&VerificationKey],
        input: &[u8],
        signature: &[u8],
    ) -> SignatureOutcome {
        let mut fitting = Vec::new();
        let mut unfit = Vec::new();
        for key in candidates {
            match fit(self.algorithm, &self.alg, key) {
                Ok(()) => fitting.push(*key),
                Err(Unfit::Restricted(reason)) => {
                    self.notes.push(reason.clone());
                    unfit.push(reason);
                }
                Err(Unfit::Family(reason)) => {
                    if self.kid.is_some() {
                        self.notes.push(reason.clone());
                    }
                    unfit.push(reason);
                }
            }
        }
        if fitting.is_empty() {
            return self.nothing_fits(candidates, &unfit);
        }
        self.note_short_secrets(&fitting);
        let mut failures = Vec::new();
        for (index, key) in fitting.iter().enumerate() {
            match self.check(key, input, signature) {
                Ok(detail) => {
                    if self.kid.is_none() {
                        self.notes.push(if fitting.len() == 1 {
                            crate::tr!("verify-no-kid-only-key")
                        } else {
                            crate::tr!(
                                "verify-no-kid-tried-until",
                                tried = index + 1,
                                count = fitting.len(),
                                key = key.name()
                            )
                        });
                    }
                    return SignatureOutcome::Valid {
                        scheme: self.scheme(key),
                        alg: self.alg,
                        key: key.row(),
                        detail,
                        notes: self.notes,
                    };
                }
                Err(reason) => failures.push(format!(
                    "{} ({}): {reason}",
                    key.name(),
                    key.material.size_label()
                )),
            }
        }
        let reason = if let [only] = failures.as_slice() {
            crate::tr!("verify-one-failure", failure = only.as_str())
        } else {
            if self.kid.is_none() {
                self.notes
                    .push(crate::tr!("verify-no-kid-tried", count = fitting.len()));
            }
            crate::tr!(
                "verify-none-verify",
                count = fitting.len(),
                failures = failures.join("; ")
            )
        };
        SignatureOutcome::Invalid {
            alg: self.alg,
            reason,
            tried: fitting.iter().map(|key| key.row()).collect(),
            notes: self.notes,
        }
    }

    /// HMAC keys shorter than the hash: still used, but flagged (RFC 7518 §3.2).
    fn note_short_secrets(&mut self, fitting: &[&VerificationKey]) {
        let Algorithm::Hs(sha) = self.algorithm else {
            return;
        };
        for key in fitting {
            if key.material.bits() < sha.bits() {
                self.notes.push(crate::tr!(
                    "verify-short-secret",
                    key = key.name(),
                    bits = key.material.bits(),
                    needed = sha.bits(),
                    alg = self.alg.as_str()
                ));
            }
        }
    }

    /// The keys the kid allows: those with that kid; failing that, keys that
    /// have no kid at all (PEM, certificate, typed secret); with no kid, all.
    /// `Ok` says whether kid-less keys stood in; `Err` carries the unknown kid
    /// and the message naming the known ones.
    fn candidates<'k>(
        keys: &'k KeySet,
        kid: Option<&str>,
        notes: &mut Vec<String>,
    ) -> Result<(Vec<&'k VerificationKey>, bool), (String, String)> {
        let Some(kid) = kid else {
            return Ok((keys.keys.iter().collect(), false));
        };
        let exact: Vec<_> = keys
            .keys
            .iter()
            .filter(|key| key.kid.as_deref() == Some(kid))
            .collect();
        if !exact.is_empty() {
            return Ok((exact, false));
        }
        let kidless: Vec<_> = keys.keys.iter().filter(|key| key.kid.is_none()).collect();
        if !kidless.is_empty() {
            notes.push(crate::tr!(
                "verify-kidless-stand-in",
                kid = kid,
                count = kidless.len()
            ));
            return Ok((kidless, true));
        }
        Err((
            kid.to_owned(),
            crate::tr!(
                "verify-kid-unknown",
                kid = kid,
                kids = keys.kids().join(", ")
            ),
        ))
    }

    fn nothing_fits(self, candidates: &[&VerificationKey], unfit: &[String]) -> SignatureOutcome {
        let public_only = candidates
            .iter()
            .all(|key| !matches!(key.material, KeyMaterial::Hmac(_)));
        if matches!(self.algorithm, Algorithm::Hs(_)) && public_only {
            let which = if let (Some(_), [key]) = (&self.kid, candidates) {
                crate::tr!(
                    "verify-key-is",
                    key = key.name(),
                    size = key.material.size_label()
                )
            } else {
                crate::tr!("verify-only-public", sizes = size_list(candidates))
            };
            return SignatureOutcome::Rejected {
                code: "JWS_KEY_ALG_MISMATCH",
                reason: crate::tr!(
                    "verify-key-confusion",
                    alg = self.alg.as_str(),
                    which = which
                ),
                alg: Some(self.alg),
                notes: self.notes,
            };
        }
        let reason = match (&self.kid, unfit) {
            (Some(_), [only]) => only.clone(),
            (Some(kid), _) => crate::tr!(
                "verify-kid-cannot-verify",
                kid = kid.as_str(),
                alg = self.alg.as_str()
            ),
            (None, _) => crate::tr!(
                "verify-needs-but-has",
                alg = self.alg.as_str(),
                needs = self.algorithm.needs(),
                sizes = size_list(candidates)
            ),
        };
        self.no_key(reason, None)
    }

    fn no_key(self, reason: String, unknown_kid: Option<String>) -> SignatureOutcome {
        SignatureOutcome::NoKey {
            alg: self.alg,
            reason,
            unknown_kid,
            notes: self.notes,
        }
    }

    fn scheme(&self, key: &VerificationKey) -> String {
        match &key.material {
            KeyMaterial::Gost(gost) => format!(
                "GOST R 34.10-2012 {}, {}",
                gost.curve.bits(),
                gost.curve.name()
            ),
            _ => self.alg.clone(),
        }
    }

    /// Checks the signature with one fitting key; `Ok` carries optional detail.
    fn check(
        &self,
        key: &VerificationKey,
        input: &[u8],
        signature: &[u8],
    ) -> Result<Option<String>, String> {
        let mismatch = || crate::tr!("verify-mismatch");
        match (self.algorithm, &key.material) {
            (Algorithm::Rs(sha) | Algorithm::Ps(sha), KeyMaterial::Rsa(rsa_key)) => {
                if signature.len() != rsa_key.size() {
                    return Err(crate::tr!(
                        "verify-rsa-length",
                        length = signature.len(),
                        bits = key.material.bits(),
                        expected = rsa_key.size()
                    ));
                }
                let result = match (self.algorithm, sha) {
                    (Algorithm::Rs(_), Sha::S256) => {
                        rsa_key.pkcs1v15_verify::<Sha256>(input, signature)
                    }
                    (Algorithm::Rs(_), Sha::S384) => {
                        rsa_key.pkcs1v15_verify::<Sha384>(input, signature)
                    }
                    (Algorithm::Rs(_), Sha::S512) => {
                        rsa_key.pkcs1v15_verify::<Sha512>(input, signature)
                    }
                    (_, Sha::S256) => rsa_key.pss_verify::<Sha256>(input, signature),
                    (_, Sha::S384) => rsa_key.pss_verify::<Sha384>(input, signature),
                    (_, Sha::S512) => rsa_key.pss_verify::<Sha512>(input, signature),
                };
                result.map(|()| None).map_err(|_| mismatch())
            }
            (Algorithm::Es(sha), material) => {
                let field = match sha {
                    Sha::S256 => 32,
                    Sha::S384 => 48,
                    Sha::S512 => 66,
                };
                ecdsa_length(signature, 2 * field, &self.alg)?;
                let out_of_range = |_| crate::tr!("verify-ecdsa-out-of-range");
                let verified = match material {
                    KeyMaterial::P256(ec) => {
                        let sig =
                            p256::ecdsa::Signature::from_slice(signature).map_err(out_of_range)?;
                        ec.verify(input, &sig)
                    }
                    KeyMaterial::P384(ec) => {
                        let sig =
                            p384::ecdsa::Signature::from_slice(signature).map_err(out_of_range)?;
                        ec.verify(input, &sig)
                    }
                    KeyMaterial::P521(ec) => {
                        let sig =
                            p521::ecdsa::Signature::from_slice(signature).map_err(out_of_range)?;
                        ec.verify(input, &sig)
                    }
                    _ => return Err(self.algorithm.needs()),
                };
                verified.map(|()| None).map_err(|_| mismatch())
            }
            (Algorithm::EdDsa, KeyMaterial::Ed25519(ed)) => {
                let sig = ed25519_dalek::Signature::from_slice(signature)
                    .map_err(|_| crate::tr!("verify-ed25519-length", length = signature.len()))?;
                // Strict verification also refuses small-order keys and
                // malleable signatures (RFC 8032 §5.1.7 plus canonical checks).
                ed.verify_strict(input, &sig)
                    .map(|()| None)
                    .map_err(|_| mismatch())
            }
            (Algorithm::Hs(sha), KeyMaterial::Hmac(secret)) => {
                // `verify_slice` compares in constant time.
                let result = match sha {
                    Sha::S256 => Hmac::<Sha256>::new_from_slice(secret.expose())
                        .map(|mac| mac.chain_update(input).verify_slice(signature)),
                    Sha::S384 => Hmac::<Sha384>::new_from_slice(secret.expose())
                        .map(|mac| mac.chain_update(input).verify_slice(signature)),
                    Sha::S512 => Hmac::<Sha512>::new_from_slice(secret.expose())
                        .map(|mac| mac.chain_update(input).verify_slice(signature)),
                };
                match result {
                    Ok(Ok(())) => Ok(None),
                    Ok(Err(_)) => Err(crate::tr!("verify-mac-mismatch")),
                    Err(_) => Err(crate::tr!("verify-secret-unusable")),
                }
            }
            (Algorithm::Gost(_), KeyMaterial::Gost(gost_key)) => {
                gost::verify(gost_key, input, signature)
                    .map(|layout| Some(layout.to_string()))
                    .map_err(|error| error.to_string())
            }
            _ => Err(self.algorithm.needs()),
        }
    }
}

/// JOSE ECDSA signatures are the fixed-length `r ‖ s` octets (RFC 7518 §3.4),
/// not ASN.1 DER; a DER signature is refused with that explanation.
fn ecdsa_length(signature: &[u8], expected: usize, alg: &str) -> Result<(), String> {
    if signature.len() == expected {
        return Ok(());
    }
    let length = signature.len();
    Err(if signature.first() == Some(&0x30) {
        crate::tr!(
            "verify-ecdsa-length-der",
            alg = alg,
            length = length,
            expected = expected
        )
    } else {
        crate::tr!(
            "verify-ecdsa-length",
            alg = alg,
            length = length,
            expected = expected
        )
    })
}

/// "RSA 2048, P-256": the distinct key sizes, in order.
fn size_list(keys: &[&VerificationKey]) -> String {
    let mut sizes: Vec<String> = Vec::new();
    for key in keys {
        let size = key.material.size_label();
        if !sizes.contains(&size) {
            sizes.push(size);
        }
    }
    sizes.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::jose::{Part, decode_segment, decode_unverified, encode_segment};
    use p256::ecdsa::signature::Signer as _;

    const KEYCLOAK_JWKS: &str = include_str!("../../tests/fixtures/keycloak-jwks.json");
    const KEYCLOAK_RESPONSE: &str =
        include_str!("../../tests/fixtures/keycloak-token-response.json");
    const KONTUR_JWKS: &str = include_str!("../../tests/fixtures/kontur-jwks.json");
    const KONTUR_RESPONSE: &str = include_str!("../../tests/fixtures/kontur-token-response.json");
    const MOEX_JWKS: &str = include_str!("../../tests/fixtures/moex-jwks.json");
    const SBER_RESPONSE: &str = include_str!("../../tests/fixtures/sber-token-response.json");
    const SBER_CERT: &str = include_str!("../../tests/fixtures/sber-bank-certificate.pem");
    const EXPECTED: &str = include_str!("../../tests/fixtures/expected.json");

    // RFC 7520 §3.4 (RSA), §3.2 (P-521), §3.5 (HMAC) keys, public parts only;
    // §4.1–4.4 signatures; all over the §4 payload (Figure 8).
    const RFC7520_RSA: &str = r#"{"kty":"RSA","kid":"bilbo.baggins@hobbiton.example","use":"sig",
        "n":"n4EPtAOCc9AlkeQHPzHStgAbgs7bTZLwUBZdR8_KuKPEHLd4rHVTeT-O-XV2jRojdNhxJWTDvNd7nqQ0VEiZQHz_AJmSCpMaJMRBSFKrKb2wqVwGU_NsYOYL-QtiWN2lbzcEe6XC0dApr5ydQLrHqkHHig3RBordaZ6Aj-oBHqFEHYpPe7Tpe-OfVfHd1E6cS6M1FZcD1NNLYD5lFHpPI9bTwJlsde3uhGqC0ZCuEHg8lhzwOHrtIQbS0FVbb9k3-tVTU4fg_3L_vniUFAKwuCLqKnS2BYwdq_mzSnbLY7h_qixoR7jig3__kRhuaxwUkRz5iaiQkqgc5gHdrNP5zw",
        "e":"AQAB"}"#;
    const RFC7520_P521: &str = r#"{"kty":"EC","kid":"bilbo.baggins@hobbiton.example","use":"sig","crv":"P-521",
        "x":"AHKZLLOsCOzz5cY97ewNUajB957y-C-U88c3v13nmGZx6sYl_oJXu9A5RkTKqjqvjyekWF-7ytDyRXYgCF5cj0Kt",
        "y":"AdymlHvOiLxXkEhayXQnNCvDX4h9htZaCJN34kfmC6pV5OhQHiraVySsUdaQkAgDPrwQrJmbnX9cwlGfP-HqHZR1"}"#;
    const RFC7520_HMAC_K: &str = "hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg";
    const RFC7520_PAYLOAD: &str = "SXTigJlzIGEgZGFuZ2Vyb3VzIGJ1c2luZXNzLCBGcm9kbywgZ29pbmcgb3V0IHlvdXIgZG9vci4gWW91IHN0ZXAgb250byB0aGUgcm9hZCwgYW5kIGlmIHlvdSBkb24ndCBrZWVwIHlvdXIgZmVldCwgdGhlcmXigJlzIG5vIGtub3dpbmcgd2hlcmUgeW91IG1pZ2h0IGJlIHN3ZXB0IG9mZiB0by4";
    const RFC7520_4_1_HEADER: &str =
        "eyJhbGciOiJSUzI1NiIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9";
    const RFC7520_4_1_SIG: &str = "MRjdkly7_-oTPTS3AXP41iQIGKa80A0ZmTuV5MEaHoxnW2e5CZ5NlKtainoFmKZopdHM1O2U4mwzJdQx996ivp83xuglII7PNDi84wnB-BDkoBwA78185hX-Es4JIwmDLJK3lfWRa-XtL0RnltuYv746iYTh_qHRD68BNt1uSNCrUCTJDt5aAE6x8wW1Kt9eRo4QPocSadnHXFxnt8Is9UzpERV0ePPQdLuW3IS_de3xyIrDaLGdjluPxUAhb6L2aXic1U12podGU0KLUQSE_oI-ZnmKJ3F4uOZDnd6QZWJushZ41Axf_fcIe8u9ipH84ogoree7vjbU5y18kDquDg";
    const RFC7520_4_2_HEADER: &str =
        "eyJhbGciOiJQUzM4NCIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9";
    const RFC7520_4_2_SIG: &str = "cu22eBqkYDKgIlTpzDXGvaFfz6WGoz7fUDcfT0kkOy42miAh2qyBzk1xEsnk2IpN6-tPid6VrklHkqsGqDqHCdP6O8TTB5dDDItllVo6_1OLPpcbUrhiUSMxbbXUvdvWXzg-UD8biiReQFlfz28zGWVsdiNAUf8ZnyPEgVFn442ZdNqiVJRmBqrYRXe8P_ijQ7p8Vdz0TTrxUeT3lm8d9shnr2lfJT8ImUjvAA2Xez2Mlp8cBE5awDzT0qI0n6uiP1aCN_2_jLAeQTlqRHtfa64QQSUmFAAjVKPbByi7xho0uTOcbH510a6GYmJUAfmWjwZ6oD4ifKo8DYM-X72Eaw";
    const RFC7520_4_3_HEADER: &str =
        "eyJhbGciOiJFUzUxMiIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9";
    const RFC7520_4_3_SIG: &str = "AE_R_YZCChjn4791jSQCrdPZCNYqHXCTZH0-JZGYNlaAjP2kqaluUIIUnC9qvbu9Plon7KRTzoNEuT4Va2cmL1eJAQy3mtPBu_u_sDDyYjnAMDxXPn7XrT0lw-kvAD890jl8e2puQens_IEKBpHABlsbEPX6sFY8OcGDqoRuBomu9xQ2";
    const RFC7520_4_4_HEADER: &str =
        "eyJhbGciOiJIUzI1NiIsImtpZCI6IjAxOGMwYWU1LTRkOWItNDcxYi1iZmQ2LWVlZjMxNGJjNzAzNyJ9";
    const RFC7520_4_4_SIG: &str = "s0h6KThzkfBBBkLspW1h84VsJZFTsPPqMDA7g1Md7p0";

    // RFC 8037 §A.2 public key and §A.4 JWS (payload "Example of Ed25519 signing").
    const RFC8037_X: &str = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
    const RFC8037_JWS: &str = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";

    /// A JWS whose payload need not be JSON (the RFC examples sign plain text).
    fn raw_jws(compact: &str) -> UnverifiedJws {
        let parts: Vec<&str> = compact.split('.').collect();
        assert_eq!(parts.len(), 3);
        let header_text =
            String::from_utf8(decode_segment(parts[0], Part::Header).unwrap()).unwrap();
        let header: JsonObject = serde_json::from_str(&header_text).unwrap();
        UnverifiedJws {
            header,
            header_text,
            payload: JwsPayload::Claims(JsonObject::new()),
            payload_text: String::new(),
            signature: decode_segment(parts[2], Part::Signature).unwrap(),
            signing_input: format!("{}.{}", parts[0], parts[1]),
        }
    }

    fn jws(compact: &str) -> UnverifiedJws {
        match decode_unverified(compact).unwrap() {
            Decoded::Jws(jws) => jws,
            Decoded::Jwe(_) => panic!("expected a JWS"),
        }
    }

    fn response_token(response: &str, field: &str) -> String {
        let json: Value = serde_json::from_str(response).unwrap();
        json[field].as_str().unwrap().to_owned()
    }

    fn expected() -> Value {
        serde_json::from_str(EXPECTED).unwrap()
    }

    fn compact(header: &str, payload: &str, sign: impl Fn(&[u8]) -> Vec<u8>) -> String {
        let input = format!(
            "{}.{}",
            encode_segment(header.as_bytes()),
            encode_segment(payload.as_bytes())
        );
        let signature = sign(input.as_bytes());
        format!("{input}.{}", encode_segment(&signature))
    }

    fn hs256(secret: &[u8]) -> impl Fn(&[u8]) -> Vec<u8> {
        let secret = secret.to_vec();
        move |input| {
            Hmac::<Sha256>::new_from_slice(&secret)
                .unwrap()
                .chain_update(input)
                .finalize()
                .into_bytes()
                .to_vec()
        }
    }

    fn p256_signer(byte: u8) -> p256::ecdsa::SigningKey {
        p256::ecdsa::SigningKey::from_slice(&[byte; 32]).unwrap()
    }

    fn es256(key: &p256::ecdsa::SigningKey) -> impl Fn(&[u8]) -> Vec<u8> + '_ {
        move |input| {
            let signature: p256::ecdsa::Signature = key.sign(input);
            signature.to_bytes().to_vec()
        }
    }

    fn p256_key(signer: &p256::ecdsa::SigningKey, kid: Option<&str>) -> VerificationKey {
        let mut key = VerificationKey::new(
            KeyMaterial::P256(*signer.verifying_key()),
            crate::token::keys::KeySource::Jwks("test".to_owned()),
        );
        key.kid = kid.map(str::to_owned);
        key
    }

    fn set(keys: Vec<VerificationKey>) -> KeySet {
        KeySet {
            keys,
            ..KeySet::default()
        }
    }

    #[test]
    fn rfc7520_4_1_rs256() {
        let keys = KeySet::from_jwks_json(RFC7520_RSA, "rfc7520");
        let token = format!("{RFC7520_4_1_HEADER}.{RFC7520_PAYLOAD}.{RFC7520_4_1_SIG}");
        let outcome = verify_signature(&raw_jws(&token), &keys);
        assert_eq!(
            outcome.summary(),
            "valid (RS256, key bilbo.baggins@hobbiton.example)"
        );
    }

    #[test]
    fn rfc7520_4_2_ps384_verify_only() {
        let keys = KeySet::from_jwks_json(RFC7520_RSA, "rfc7520");
        let token = format!("{RFC7520_4_2_HEADER}.{RFC7520_PAYLOAD}.{RFC7520_4_2_SIG}");
        let outcome = verify_signature(&raw_jws(&token), &keys);
        assert_eq!(
            outcome.summary(),
            "valid (PS384, key bilbo.baggins@hobbiton.example)"
        );
    }

    #[test]
    fn rfc7520_4_3_es512() {
        let keys = KeySet::from_jwks_json(RFC7520_P521, "rfc7520");
        let token = format!("{RFC7520_4_3_HEADER}.{RFC7520_PAYLOAD}.{RFC7520_4_3_SIG}");
        let outcome = verify_signature(&raw_jws(&token), &keys);
        assert!(outcome.is_valid(), "{}", outcome.summary());
        assert_eq!(outcome.key().unwrap().size, "P-521");
    }

    #[test]
    fn rfc7520_4_4_hs256() {
        let token = format!("{RFC7520_4_4_HEADER}.{RFC7520_PAYLOAD}.{RFC7520_4_4_SIG}");
        // As a JWK with its kid…
        let jwk = format!(
            r#"{{"kty":"oct","kid":"018c0ae5-4d9b-471b-bfd6-eef314bc7037","use":"sig","alg":"HS256","k":"{RFC7520_HMAC_K}"}}"#
        );
        let outcome = verify_signature(&raw_jws(&token), &KeySet::from_jwks_json(&jwk, "rfc7520"));
        assert!(outcome.is_valid(), "{}", outcome.summary());
        // …and as a typed secret without a kid, which stands in for the token's kid.
        let secret = decode_segment(RFC7520_HMAC_K, Part::Payload).unwrap();
        let outcome = verify_signature(&raw_jws(&token), &KeySet::hmac(&secret, "typed"));
        assert!(outcome.is_valid(), "{}", outcome.summary());
        assert!(outcome.notes()[0].contains("no key has kid 018c0ae5"));
    }

    #[test]
    fn rfc8037_a4_ed25519() {
        let jwk = format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{RFC8037_X}"}}"#);
        let outcome = verify_signature(
            &raw_jws(RFC8037_JWS),
            &KeySet::from_jwks_json(&jwk, "rfc8037"),
        );
        assert!(outcome.is_valid(), "{}", outcome.summary());
        assert_eq!(outcome.summary(), "valid (EdDSA)");
        assert_eq!(
            outcome.notes(),
            ["no kid in the header: the only fitting key was used"]
        );
    }

    #[test]
    fn rfc7520_rs256_with_the_key_from_a_certificate() {
        let keys = KeySet::from_pem(crate::token::keys::tests::RFC7520_RSA_CERT, "rfc7520.pem");
        let token = format!("{RFC7520_4_1_HEADER}.{RFC7520_PAYLOAD}.{RFC7520_4_1_SIG}");
        let outcome = verify_signature(&raw_jws(&token), &keys);
        assert!(outcome.is_valid(), "{}", outcome.summary());
        assert!(
            outcome
                .key()
                .unwrap()
                .source
                .contains("CN=RFC 7520 test key")
        );
    }

    #[test]
    fn keycloak_access_and_id_tokens_verify() {
        let keys = KeySet::from_jwks_json(KEYCLOAK_JWKS, "keycloak-jwks.json");
        for field in ["access_token", "id_token"] {
            let outcome = verify_signature(&jws(&response_token(KEYCLOAK_RESPONSE, field)), &keys);
            assert_eq!(outcome.summary(), "valid (RS256, key kc-rsa-1)", "{field}");
            assert!(outcome.notes().is_empty(), "{:?}", outcome.notes());
        }
    }

    #[test]
    fn keycloak_refresh_token_verifies_with_the_realm_secret() {
        let secret_b64u = expected()["keycloak"]["hs256_secret_b64u"]
            .as_str()
            .unwrap()
            .to_owned();
        let secret = decode_segment(&secret_b64u, Part::Payload).unwrap();
        let keys = KeySet::from_jwks_json(KEYCLOAK_JWKS, "keycloak-jwks.json")
            .merge(KeySet::hmac(&secret, "realm secret"));
        let token = jws(&response_token(KEYCLOAK_RESPONSE, "refresh_token"));
        let outcome = verify_signature(&token, &keys);
        assert!(outcome.is_valid(), "{}", outcome.summary());
        assert_eq!(outcome.key().unwrap().size, "HMAC 256 bits");
        assert!(outcome.notes()[0].contains("no key has kid kc-hmac-1"));
        // The wrong secret: invalid, not "no key".
        let outcome = verify_signature(
            &token,
            &KeySet::hmac(b"another secret of 32 bytes......", "x"),
        );
        assert!(
            matches!(outcome, SignatureOutcome::Invalid { .. }),
            "{}",
            outcome.summary()
        );
        assert!(outcome.summary().contains("the MAC does not match"));
    }

    #[test]
    fn kontur_es256_id_token_verifies() {
        let keys = KeySet::from_jwks_json(KONTUR_JWKS, "kontur-jwks.json");
        let outcome = verify_signature(&jws(&response_token(KONTUR_RESPONSE, "id_token")), &keys);
        assert_eq!(outcome.summary(), "valid (ES256, key kontur-ec-1)");
    }

    #[test]
    fn moex_wrapped_jwt_verifies() {
        let keys = KeySet::from_jwks_json(MOEX_JWKS, "moex-jwks.json");
        let token = expected()["moex"]["wrapped_access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let outcome = verify_signature(&jws(&token), &keys);
        assert_eq!(outcome.summary(), "valid (RS256, key moex-rsa-1)");
    }

    #[test]
    fn sber_gost_id_token_is_routed_to_the_gost_verifier() {
        let keys = KeySet::from_pem(SBER_CERT, "sber-bank-certificate.pem");
        let token = jws(&response_token(SBER_RESPONSE, "id_token"));
        let outcome = verify_signature(&token, &keys);
        if keys.is_empty() {
            // GOST support unavailable: the alg is still known, never "unsupported".
            assert!(
                matches!(outcome, SignatureOutcome::NoKey { .. }),
                "{outcome:?}"
            );
        } else {
            assert!(
                outcome
                    .summary()
                    .starts_with("valid (GOST R 34.10-2012 256, "),
                "{}",
                outcome.summary()
            );
            let mut flipped = token.clone();
            flipped.signature[5] ^= 1;
            assert!(matches!(
                verify_signature(&flipped, &keys),
                SignatureOutcome::Invalid { .. }
            ));
        }
        // A GOST token never meets an RSA key.
        let rsa_only = KeySet::from_jwks_json(KEYCLOAK_JWKS, "kc");
        let outcome = verify_signature(&token, &rsa_only);
        assert!(
            outcome
                .summary()
                .contains("needs a GOST R 34.10-2012 public key"),
            "{}",
            outcome.summary()
        );
    }

    #[test]
    fn flipped_signature_bit_is_invalid() {
        let keys = KeySet::from_jwks_json(KEYCLOAK_JWKS, "keycloak-jwks.json");
        let mut token = jws(&response_token(KEYCLOAK_RESPONSE, "id_token"));
        token.signature[17] ^= 0x01;
        let outcome = verify_signature(&token, &keys);
        let SignatureOutcome::Invalid { reason, tried, .. } = &outcome else {
            panic!("{outcome:?}")
        };
        assert_eq!(
            reason,
            "the signature does not verify with kc-rsa-1 (RSA 2048): the signature does not match"
        );
        assert_eq!(tried.len(), 1);
        assert!(outcome.summary().starts_with("invalid: "));
        // The conformance suite's manipulation: every byte XOR 0x5A.
        for byte in &mut token.signature {
            *byte ^= 0x5A;
        }
        assert!(matches!(
            verify_signature(&token, &keys),
            SignatureOutcome::Invalid { .. }
        ));
    }

    #[test]
    fn alg_none_is_always_rejected() {
        let keys = KeySet::from_jwks_json(KEYCLOAK_JWKS, "kc").merge(KeySet::hmac(b"s", "s"));
        for alg in ["none", "None", "NONE", "nOnE"] {
            let token = format!(
                "{}.{}.",
                encode_segment(format!(r#"{{"alg":"{alg}"}}"#).as_bytes()),
                encode_segment(br#"{"sub":"admin"}"#)
            );
            let outcome = verify_signature(&jws(&token), &keys);
            assert_eq!(
                outcome,
                SignatureOutcome::Unsigned {
                    alg: alg.to_owned()
                }
            );
            assert!(outcome.summary().contains("rejected"));
            assert!(!outcome.is_valid());
        }
    }

    #[test]
    fn hs256_forged_with_the_rsa_public_key_is_rejected() {
        // The attacker signs HS256 with bytes of the provider's public key.
        use rsa::pkcs8::{EncodePublicKey as _, LineEnding};
        let keys = KeySet::from_jwks_json(KEYCLOAK_JWKS, "keycloak-jwks.json");
        let KeyMaterial::Rsa(rsa_key) = &keys.keys[0].material else {
            panic!("RSA first")
        };
        let pem = rsa_key.to_public_key_pem(LineEnding::LF).unwrap();
        let der = rsa_key.to_public_key_der().unwrap();
        let secrets: Vec<Vec<u8>> = vec![
            pem.as_bytes().to_vec(),
            format!("  {pem}").into_bytes(),
            der.as_bytes().to_vec(),
            rsa_key.n_bytes().to_vec(),
            KEYCLOAK_JWKS.as_bytes().to_vec(),
        ];
        for secret in &secrets {
            for header in [r#"{"alg":"HS256","kid":"kc-rsa-1"}"#, r#"{"alg":"HS256"}"#] {
                let token = compact(header, r#"{"sub":"admin"}"#, hs256(secret));
                let outcome = verify_signature(&jws(&token), &keys);
                let SignatureOutcome::Rejected { reason, .. } = &outcome else {
                    panic!("{header}: {outcome:?}")
                };
                assert!(reason.contains("key-confusion"), "{reason}");
                assert!(
                    reason.starts_with("HS256 needs a shared secret but"),
                    "{reason}"
                );
            }
        }
    }

    #[test]
    fn unknown_kid_names_the_known_ones() {
        let keys = KeySet::from_jwks_json(KEYCLOAK_JWKS, "keycloak-jwks.json");
        let signer = p256_signer(0x11);
        let token = compact(
            r#"{"alg":"ES256","kid":"kc-rotated-2"}"#,
            "{}",
            es256(&signer),
        );
        let outcome = verify_signature(&jws(&token), &keys);
        assert!(outcome.is_unknown_kid());
        assert_eq!(
            outcome.summary(),
            "unknown kid: no key with kid kc-rotated-2; the key set has kids kc-rsa-1, kc-ec-1, kc-ed-1"
        );
        // After the caller refetches and gets the rotated key, it verifies.
        let rotated = keys.merge(set(vec![p256_key(&signer, Some("kc-rotated-2"))]));
        assert!(verify_signature(&jws(&token), &rotated).is_valid());
    }

    #[test]
    fn unknown_kid_falls_back_to_keys_without_a_kid() {
        // A JWKS plus a PEM key (which has no kid).
        let keys = KeySet::from_jwks_json(KEYCLOAK_JWKS, "kc").merge(KeySet::from_pem(
            crate::token::keys::tests::P256_SPKI,
            "p256.pem",
        ));
        let pem_signer = p256_signer(0x11);
        let token = compact(
            r#"{"alg":"ES256","kid":"elsewhere"}"#,
            "{}",
            es256(&pem_signer),
        );
        let outcome = verify_signature(&jws(&token), &keys);
        assert!(outcome.is_valid(), "{}", outcome.summary());
        assert_eq!(
            outcome.notes(),
            ["no key has kid elsewhere; tried the 1 key(s) that have no kid"]
        );
        // Signed by a key that is in neither: still "unknown kid", so a refetch may help.
        let token = compact(
            r#"{"alg":"ES256","kid":"elsewhere"}"#,
            "{}",
            es256(&p256_signer(0x55)),
        );
        let outcome = verify_signature(&jws(&token), &keys);
        assert!(outcome.is_unknown_kid(), "{outcome:?}");
        assert!(
            outcome.summary().starts_with(
                "unknown kid: no key with kid elsewhere; the key set has kids kc-rsa-1, kc-ec-1, kc-ed-1, and the key(s) without a kid did not verify it either"
            ),
            "{}",
            outcome.summary()
        );
    }

    #[test]
    fn no_kid_with_one_key_verifies() {
        let signer = p256_signer(0x11);
        let token = compact(r#"{"alg":"ES256"}"#, r#"{"sub":"a"}"#, es256(&signer));
        let keys = KeySet::from_pem(crate::token::keys::tests::P256_SPKI, "p256.pem");
        let outcome = verify_signature(&jws(&token), &keys);
        assert!(outcome.is_valid(), "{}", outcome.summary());
        assert_eq!(outcome.summary(), "valid (ES256)");
        assert_eq!(
            outcome.notes(),
            ["no kid in the header: the only fitting key was used"]
        );
    }

    #[test]
    fn no_kid_with_several_keys_tries_the_fitting_ones() {
        let signers: Vec<_> = [0x21, 0x22, 0x23].map(p256_signer).into_iter().collect();
        let mut keys = KeySet::from_jwks_json(KEYCLOAK_JWKS, "kc");
        keys.keys.retain(|key| key.kty() != "EC");
        for signer in &signers {
            keys.keys.push(p256_key(signer, None));
        }
        let token = compact(r#"{"alg":"ES256"}"#, r#"{"sub":"a"}"#, es256(&signers[2]));
        let outcome = verify_signature(&jws(&token), &keys);
        assert!(outcome.is_valid(), "{}", outcome.summary());
        assert!(
            outcome.notes()[0]
                .starts_with("no kid in the header: tried 3 of 3 fitting keys until P-256 from JWKS test verified"),
            "{:?}",
            outcome.notes()
        );
        // Signed by a key that is not there: all three fitting keys tried, none of the others.
        let stranger = p256_signer(0x44);
        let token = compact(r#"{"alg":"ES256"}"#, r#"{"sub":"a"}"#, es256(&stranger));
        let outcome = verify_signature(&jws(&token), &keys);
        let SignatureOutcome::Invalid {
            reason,
            tried,
            notes,
            ..
        } = &outcome
        else {
            panic!("{outcome:?}")
        };
        assert_eq!(tried.len(), 3);
        assert!(reason.starts_with("the signature verifies with none of the 3 fitting keys"));
        assert_eq!(notes, &["no kid in the header: tried 3 fitting keys"]);
    }

    #[test]
    fn key_restrictions_are_respected() {
        let signer = p256_signer(0x11);
        let token = compact(r#"{"alg":"ES256","kid":"k"}"#, "{}", es256(&signer));
        let mut enc = p256_key(&signer, Some("k"));
        enc.key_use = Some("enc".to_owned());
        let outcome = verify_signature(&jws(&token), &set(vec![enc.clone()]));
        assert!(
            matches!(outcome, SignatureOutcome::NoKey { .. }),
            "{outcome:?}"
        );
        assert!(
            outcome.summary().contains("it is for use \"enc\""),
            "{}",
            outcome.summary()
        );
        // The encryption key is skipped with a note; a signing key with the same kid verifies.
        let outcome = verify_signature(&jws(&token), &set(vec![enc, p256_key(&signer, Some("k"))]));
        assert!(outcome.is_valid());
        assert!(outcome.notes()[0].contains("use \"enc\""));
        // A key restricted to another alg.
        let keys = KeySet::from_jwks_json(KEYCLOAK_JWKS, "kc");
        let mut token = jws(&response_token(KEYCLOAK_RESPONSE, "id_token"));
        token.header.insert("alg".to_owned(), Value::from("RS512"));
        let outcome = verify_signature(&token, &keys);
        assert_eq!(
            outcome.summary(),
            "no key: kc-rsa-1 is for RS256 only, the token uses RS512 (RFC 7517 §4.4)"
        );
        // key_ops without verify.
        let mut sign_only = p256_key(&signer, Some("k"));
        sign_only.key_ops = Some(vec!["sign".to_owned()]);
        let token = compact(r#"{"alg":"ES256","kid":"k"}"#, "{}", es256(&signer));
        let outcome = verify_signature(&jws(&token), &set(vec![sign_only]));
        assert!(
            outcome
                .summary()
                .contains("key_ops (sign) do not include verify")
        );
    }

    #[test]
    fn header_supplied_keys_are_ignored() {
        let signer = p256_signer(0x11);
        let header = r#"{"alg":"ES256","jku":"http://127.0.0.1:1/jwks","x5u":"http://127.0.0.1:1/c","jwk":{"kty":"EC"},"x5c":["AAAA"]}"#;
        let token = compact(header, "{}", es256(&signer));
        // The attacker's embedded key would verify; the configured set has another key.
        let keys = set(vec![p256_key(&p256_signer(0x22), Some("real"))]);
        let outcome = verify_signature(&jws(&token), &keys);
        assert!(
            matches!(outcome, SignatureOutcome::Invalid { .. }),
            "{outcome:?}"
        );
        let notes = outcome.notes().join("\n");
        assert!(
            notes.contains("jku (http://127.0.0.1:1/jwks) was ignored"),
            "{notes}"
        );
        assert!(notes.contains("x5u (http://127.0.0.1:1/c) was ignored"));
        assert!(notes.contains("embeds a key (x5c)"));
        assert!(notes.contains("embeds a key (jwk)"));
    }

    #[test]
    fn malformed_headers_are_rejected() {
        let keys = KeySet::hmac(b"0123456789abcdef0123456789abcdef", "s");
        let cases = [
            (
                r#"{"alg":"HS256","crit":["exp"],"exp":1}"#,
                "crit lists exp",
            ),
            (r#"{"alg":"HS256","crit":[]}"#, "crit is malformed"),
            (r#"{"alg":"HS256","b64":false}"#, "b64: false"),
            (r#"{"alg":"HS256","kid":123}"#, "kid is a number"),
            (r#"{"alg":7}"#, "alg is a number"),
            (r#"{"typ":"JWT"}"#, "has no alg"),
        ];
        for (header, message) in cases {
            let token = compact(header, "{}", hs256(b"0123456789abcdef0123456789abcdef"));
            let outcome = verify_signature(&jws(&token), &keys);
            assert!(
                matches!(outcome, SignatureOutcome::Rejected { .. }),
                "{header}"
            );
            assert!(outcome.summary().contains(message), "{}", outcome.summary());
        }
    }

    #[test]
    fn unsupported_algs_are_not_called_invalid() {
        let keys = KeySet::from_jwks_json(KEYCLOAK_JWKS, "kc");
        for alg in ["ES256K", "RS1", "Ed448", "HS1024"] {
            let token = compact(&format!(r#"{{"alg":"{alg}"}}"#), "{}", |_| vec![1; 64]);
            let outcome = verify_signature(&jws(&token), &keys);
            assert_eq!(
                outcome.summary(),
                format!("unsupported alg {alg}: the signature was not checked")
            );
        }
    }

    #[test]
    fn ecdsa_signatures_must_be_raw_r_s() {
        let signer = p256_signer(0x11);
        let keys = set(vec![p256_key(&signer, None)]);
        let der = compact(r#"{"alg":"ES256"}"#, "{}", |input| {
            let signature: p256::ecdsa::Signature = signer.sign(input);
            signature.to_der().as_bytes().to_vec()
        });
        let outcome = verify_signature(&jws(&der), &keys);
        assert!(
            outcome
                .summary()
                .contains("JOSE requires exactly 64 bytes of raw r ‖ s")
                && outcome.summary().contains("looks DER-encoded"),
            "{}",
            outcome.summary()
        );
        // "Psychic signature" (CVE-2022-21449): r = s = 0.
        let zero = compact(r#"{"alg":"ES256"}"#, "{}", |_| vec![0; 64]);
        let outcome = verify_signature(&jws(&zero), &keys);
        assert!(
            outcome.summary().contains("r or s is zero"),
            "{}",
            outcome.summary()
        );
    }

    #[test]
    fn empty_key_set_and_short_secrets() {
        let token = compact(r#"{"alg":"HS256"}"#, "{}", hs256(b"short"));
        let outcome = verify_signature(&jws(&token), &KeySet::default());
        assert!(
            outcome
                .summary()
                .starts_with("no key: the key set is empty")
        );
        let outcome = verify_signature(&jws(&token), &KeySet::hmac(b"short", "typed"));
        assert!(outcome.is_valid());
        assert!(outcome.notes()[0].contains("40 bits, shorter than the 256 bits HS256 requires"));
        // An RSA token against secrets only: no key (no confusion possible the other way).
        let rs = jws(&response_token(KEYCLOAK_RESPONSE, "id_token"));
        let outcome = verify_signature(&rs, &KeySet::hmac(b"short", "typed"));
        assert!(
            matches!(outcome, SignatureOutcome::NoKey { .. }),
            "{outcome:?}"
        );
    }

    #[test]
    fn jwe_and_nested_tokens() {
        let jwe = format!(
            "{}.{}.{}.{}.{}",
            encode_segment(br#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#),
            encode_segment(&[1; 256]),
            encode_segment(&[2; 12]),
            encode_segment(&[3; 40]),
            encode_segment(&[4; 16])
        );
        let outcome = verify_decoded(&decode_unverified(&jwe).unwrap(), &KeySet::default());
        assert_eq!(
            outcome.summary(),
            "encrypted (JWE RSA-OAEP/A256GCM): decrypt it to check the signature inside"
        );
        let secret = b"0123456789abcdef0123456789abcdef";
        let keys = KeySet::hmac(secret, "s");
        let good_inner = compact(r#"{"alg":"HS256"}"#, r#"{"sub":"a"}"#, hs256(secret));
        let bad_inner = compact(r#"{"alg":"HS256"}"#, r#"{"sub":"a"}"#, hs256(b"other"));
        for (inner, valid) in [(good_inner, true), (bad_inner, false)] {
            let outer = compact(r#"{"alg":"HS256","cty":"JWT"}"#, &inner, hs256(secret));
            let outcome = verify_decoded(&decode_unverified(&outer).unwrap(), &keys);
            assert_eq!(outcome.is_valid(), valid, "{outcome:?}");
        }
    }

    #[test]
    fn summary_lines() {
        let gost_row = KeyRow {
            kid: None,
            kty: "GOST".to_owned(),
            alg: None,
            key_use: None,
            size: "GOST R 34.10-2012 256 CryptoPro-A".to_owned(),
            bits: 256,
            fingerprint: Some("ab:cd".to_owned()),
            source: "certificate sber.pem".to_owned(),
        };
        let valid = SignatureOutcome::Valid {
            alg: "gost34.10-2012".to_owned(),
            scheme: "GOST R 34.10-2012 256, CryptoPro-A".to_owned(),
            key: gost_row,
            detail: Some("s‖r, digest little-endian".to_owned()),
            notes: Vec::new(),
        };
        assert_eq!(
            valid.summary(),
            "valid (GOST R 34.10-2012 256, CryptoPro-A, s‖r, digest little-endian)"
        );
        assert_eq!(valid.code(), None);
        let unsupported = SignatureOutcome::Unsupported {
            alg: "ES256K".to_owned(),
            notes: Vec::new(),
        };
        assert_eq!(unsupported.code(), Some("JWS_ALG_UNSUPPORTED"));
        assert!(!unsupported.summary().contains("invalid"));
    }

    #[test]
    fn outcomes_serialise_for_json_output() {
        let keys = KeySet::from_jwks_json(KEYCLOAK_JWKS, "kc");
        let outcome = verify_signature(&jws(&response_token(KEYCLOAK_RESPONSE, "id_token")), &keys);
        let json = serde_json::to_value(&outcome).unwrap();
        assert_eq!(json["status"], "valid");
        assert_eq!(json["key"]["kid"], "kc-rsa-1");
        assert_eq!(json["key"]["use"], "sig");
    }
}
