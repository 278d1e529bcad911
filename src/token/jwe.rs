//! JWE decryption (RFC 7516 §5.2) with the key management algorithms of
//! RFC 7518 §4 and the content encryption algorithms of RFC 7518 §5.
//!
//! - Key management: `RSA-OAEP`, `RSA-OAEP-256` (and -384, -512), `ECDH-ES`,
//!   `ECDH-ES+A128KW`/`A192KW`/`A256KW`, `A128KW`/`A192KW`/`A256KW`,
//!   `A128GCMKW`/`A192GCMKW`/`A256GCMKW`, `dir`; `RSA1_5` only behind an
//!   explicit opt-in ([`DecryptOptions::allow_rsa1_5`]), as RFC 8725 §3.2 and
//!   RFC 7518 §8.3 warn (Bleichenbacher's padding oracle).
//! - Content: `A128GCM`, `A192GCM`, `A256GCM`, `A128CBC-HS256`,
//!   `A192CBC-HS384`, `A256CBC-HS512`; the additional authenticated data is
//!   the ASCII of the protected header as written (RFC 7516 §5.1 step 14).
//! - `zip: DEF` (RFC 7516 §4.1.3) is inflated, at most [`MAX_INFLATED`]
//!   bytes, with a note that RFC 8725 §3.6 advises against compressing
//!   before encryption.
//!
//! The traps of RFC 8725 are refused with a reason: an ephemeral key that is
//! not on its curve (the invalid-curve attack, RFC 8725 §3.4, RFC 7518 §4.6),
//! a tag that does not verify (compared in constant time by the `aes-gcm`
//! and `hmac` crates), a `crit` header tokenscope does not understand
//! (RFC 7516 §4.1.13). Keys the token names or carries (`jku`, `jwk`, `x5u`,
//! `x5c`) are never used: only the keys the user gave (RFC 8725 §3.10).
//!
//! Every input is hostile: nothing here panics, and sizes are bounded.
//!
//! The inverse, sealing a JWE to a recipient's RSA key, is [`seal`] (RFC 7516 §5.1).

use std::io::Read as _;

use aes_gcm::aead::AeadInOut as _;
use aes_gcm::aead::array::Array;
use aes_gcm::{AesGcm, KeyInit as _};
use cbc::cipher::{BlockModeDecrypt as _, KeyIvInit as _, block_padding::Pkcs7};
use hmac::Hmac;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest as _, Sha256, Sha384, Sha512};
use zeroize::Zeroizing;

use super::jose::{
    Decoded, EncryptedJwe, JsonObject, MAX_NESTING, Part, decode_nested, decode_segment,
    json_kind_text,
};
use super::keys::{KeyRow, KeySet};
use super::private_keys::{DecryptionKey, PrivateMaterial};

mod seal;
pub use seal::{Recipient, SealError, seal};

/// The largest plaintext a `zip: DEF` JWE may inflate to: a token is a few
/// kilobytes, and a decompression bomb must cost nothing.
pub const MAX_INFLATED: usize = 4 * 1024 * 1024;

/// The largest encrypted key read: an RSA-8192 key wraps into 1,024 bytes,
/// an AES key wrap of a 64-byte key into 72.
const MAX_ENCRYPTED_KEY: usize = 1024;

/// How a JWE may be decrypted beyond the safe defaults.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DecryptOptions {
    /// Decrypt `RSA1_5` (RSAES-PKCS1-v1_5) key encryption. Off unless the
    /// user asks: RFC 8725 §3.2 and RFC 7518 §8.3 (padding oracle attacks).
    pub allow_rsa1_5: bool,
}

/// How a JWE was decrypted: which key, which algorithms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Decryption {
    /// The key that decrypted it (no secret in the row).
    pub key: KeyRow,
    /// How messages name the key: its kid, or its size and source.
    pub key_name: String,
    /// Key management algorithm (`alg`).
    pub alg: String,
    /// Content encryption algorithm (`enc`).
    pub enc: String,
    /// Whether the plaintext was compressed (`zip: DEF`).
    pub compressed: bool,
    /// What the plaintext is: `jws`, `jwe`, `claims`, `text` or `binary`.
    pub content: &'static str,
    /// Remarks: compression, a nested token that could not be read.
    pub notes: Vec<String>,
}

impl Decryption {
    /// "Decrypted with KEY (RSA-OAEP-256, A256GCM)", in the thread's language.
    pub fn summary(&self) -> String {
        crate::tr!(
            "jwe-decrypted-with",
            key = self.key_name.as_str(),
            alg = self.alg.as_str(),
            enc = self.enc.as_str()
        )
    }
}

/// A decrypted JWE's plaintext.
#[derive(Clone, Debug, PartialEq)]
pub struct Opened {
    /// Which key and which algorithms.
    pub decryption: Decryption,
    /// What the plaintext holds.
    pub content: Content,
    /// The plaintext as text (invalid UTF-8 replaced), for raw views.
    pub text: String,
}

/// What a decrypted JWE holds.
#[derive(Clone, Debug, PartialEq)]
pub enum Content {
    /// A nested JWT (RFC 7519 §5.2): a JWS to verify as usual, or a JWE.
    Nested(Box<Decoded>),
    /// A JWT claims set, signed by nobody.
    Claims(JsonObject),
    /// Other text (in [`Opened::text`]).
    Text,
    /// Bytes that are not UTF-8, this many.
    Binary(usize),
}

impl Content {
    fn kind(&self) -> &'static str {
        match self {
            Self::Nested(inner) => match inner.as_ref() {
                Decoded::Jws(_) => "jws",
                Decoded::Jwe(_) => "jwe",
            },
            Self::Claims(_) => "claims",
            Self::Text => "text",
            Self::Binary(_) => "binary",
        }
    }
}

/// How a JWE was (or was not) decrypted, as the JSON reports of
/// `tokenscope decode --key` and `tokenscope verify --decryption-key` say it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DecryptionReport {
    /// `decrypted` or `failed`.
    pub status: &'static str,
    /// Stable reason code when it failed (`JWE_TAG_INVALID`, `JWE_ALG_REFUSED`, …).
    pub code: Option<&'static str>,
    /// "Decrypted with KEY (RSA-OAEP-256, A256GCM)", or why it was not.
    pub summary: String,
    /// The key that decrypted it (no secret in the row).
    pub key: Option<KeyRow>,
    /// Key management algorithm (`alg`).
    pub alg: Option<String>,
    /// Content encryption algorithm (`enc`).
    pub enc: Option<String>,
    /// Whether the plaintext was compressed (`zip: DEF`).
    pub compressed: bool,
    /// What the plaintext is: `jws`, `jwe`, `claims`, `text` or `binary`.
    pub content: Option<&'static str>,
    /// The header of the token nested inside, when there is one.
    pub nested_header: Option<Value>,
    /// The plaintext, when it is neither a token nor claims.
    pub plaintext: Option<String>,
    /// Remarks: compression, a nested token that could not be read.
    pub notes: Vec<String>,
}

impl DecryptionReport {
    /// The report of an opened JWE.
    pub fn decrypted(opened: &Opened) -> Self {
        let decryption = &opened.decryption;
        Self {
            status: "decrypted",
            code: None,
            summary: decryption.summary(),
            key: Some(decryption.key.clone()),
            alg: Some(decryption.alg.clone()),
            enc: Some(decryption.enc.clone()),
            compressed: decryption.compressed,
            content: Some(decryption.content),
            nested_header: match &opened.content {
                Content::Nested(inner) => Some(Value::Object(inner.header().clone())),
                _ => None,
            },
            plaintext: matches!(opened.content, Content::Text).then(|| opened.text.clone()),
            notes: decryption.notes.clone(),
        }
    }

    /// The report of a JWE `error` kept closed.
    pub fn failed(header: &JsonObject, error: &JweError) -> Self {
        let member = |name: &str| header.get(name).and_then(Value::as_str).map(str::to_owned);
        Self {
            status: "failed",
            code: Some(error.code()),
            summary: error.to_string(),
            key: None,
            alg: member("alg"),
            enc: member("enc"),
            compressed: false,
            content: None,
            nested_header: None,
            plaintext: None,
            notes: Vec::new(),
        }
    }

    /// The report of a decoded token, when it is an opened JWE.
    pub fn of(decoded: &Decoded) -> Option<Self> {
        match decoded {
            Decoded::Jwe(jwe) => jwe.opened.as_deref().map(Self::decrypted),
            Decoded::Jws(_) => None,
        }
    }
}

/// Why a JWE could not be decrypted. Displays in the thread's language.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum JweError {
    /// The header or a segment is not what RFC 7516 / RFC 7518 require.
    #[error("{}", crate::tr!("jwe-malformed", reason = .0.as_str()))]
    Malformed(String),
    /// An algorithm, or a compression, tokenscope does not implement.
    #[error("{}", crate::tr!("jwe-unsupported", what = .0.as_str()))]
    Unsupported(String),
    /// A `crit` header (RFC 7516 §4.1.13): extensions tokenscope does not understand.
    #[error("{}", crate::tr!("jwe-crit", names = .0.as_str()))]
    Critical(String),
    /// `RSA1_5` without the opt-in (RFC 8725 §3.2, RFC 7518 §8.3).
    #[error("{}", crate::tr!("jwe-rsa1-5-refused"))]
    Rsa15Refused,
    /// No given key may decrypt this token.
    #[error("{}", crate::tr!("jwe-no-key", alg = .alg.as_str(), reason = .reason.as_str()))]
    NoFittingKey {
        /// The header's `alg`.
        alg: String,
        /// Why, e.g. "no decryption key has kid X".
        reason: String,
    },
    /// The ephemeral public key is missing, malformed or off its curve (RFC 8725 §3.4).
    #[error("{}", crate::tr!("jwe-epk", reason = .0.as_str()))]
    EphemeralKey(String),
    /// The content key could not be unwrapped or decrypted with the key.
    #[error("{}", crate::tr!("jwe-key-unwrap", key = .key.as_str(), alg = .alg.as_str()))]
    KeyUnwrap {
        /// The key tried.
        key: String,
        /// The header's `alg`.
        alg: String,
    },
    /// The authentication tag does not verify.
    #[error("{}", crate::tr!("jwe-tag", key = .key.as_str(), enc = .enc.as_str()))]
    Tag {
        /// The key tried.
        key: String,
        /// The header's `enc`.
        enc: String,
    },
    /// `zip: DEF` content that does not inflate, or inflates too far.
    #[error("{}", crate::tr!("jwe-zip", reason = .0.as_str()))]
    Decompress(String),
    /// Several keys fit and none decrypts: each key's reason.
    #[error("{}", crate::tr!("jwe-several", count = .0.len(), reasons = several(.0)))]
    Several(Vec<(String, Self)>),
}

fn several(failures: &[(String, JweError)]) -> String {
    failures
        .iter()
        .map(|(key, error)| format!("{key}: {error}"))
        .collect::<Vec<_>>()
        .join("; ")
}

impl JweError {
    /// Stable reason code, as [`super::verify::SignatureOutcome::code`] gives.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Malformed(_) => "JWE_MALFORMED",
            Self::Unsupported(_) => "JWE_ALG_UNSUPPORTED",
            Self::Critical(_) => "JWE_CRIT_UNSUPPORTED",
            Self::Rsa15Refused => "JWE_ALG_REFUSED",
            Self::NoFittingKey { .. } => "JWE_NO_KEY",
            Self::EphemeralKey(_) => "JWE_EPK_INVALID",
            Self::KeyUnwrap { .. } => "JWE_KEY_UNWRAP",
            Self::Tag { .. } => "JWE_TAG_INVALID",
            Self::Decompress(_) => "JWE_ZIP",
            Self::Several(failures) => {
                let mut codes = failures.iter().map(|(_, error)| error.code());
                let first = codes.next().unwrap_or("JWE_DECRYPT_FAILED");
                if codes.all(|code| code == first) {
                    first
                } else {
                    "JWE_DECRYPT_FAILED"
                }
            }
        }
    }
}

/// Key management (RFC 7518 §4.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyManagement {
    /// RSAES-PKCS1-v1_5 (§4.2).
    Rsa15,
    /// RSAES-OAEP with SHA-1 (§4.3), or SHA-2 of this many bits (§4.3; 384/512 from the IANA registry).
    RsaOaep(Option<usize>),
    /// ECDH-ES, direct (§4.6).
    EcdhEs,
    /// ECDH-ES with AES key wrap of this many bytes (§4.6).
    EcdhEsKw(usize),
    /// AES key wrap (§4.4).
    AesKw(usize),
    /// AES-GCM key encryption (§4.7).
    AesGcmKw(usize),
    /// Direct use of a shared key (§4.5).
    Dir,
}

impl KeyManagement {
    fn parse(alg: &str) -> Option<Self> {
        Some(match alg {
            "RSA1_5" => Self::Rsa15,
            "RSA-OAEP" => Self::RsaOaep(None),
            "RSA-OAEP-256" => Self::RsaOaep(Some(256)),
            "RSA-OAEP-384" => Self::RsaOaep(Some(384)),
            "RSA-OAEP-512" => Self::RsaOaep(Some(512)),
            "ECDH-ES" => Self::EcdhEs,
            "ECDH-ES+A128KW" => Self::EcdhEsKw(16),
            "ECDH-ES+A192KW" => Self::EcdhEsKw(24),
            "ECDH-ES+A256KW" => Self::EcdhEsKw(32),
            "A128KW" => Self::AesKw(16),
            "A192KW" => Self::AesKw(24),
            "A256KW" => Self::AesKw(32),
            "A128GCMKW" => Self::AesGcmKw(16),
            "A192GCMKW" => Self::AesGcmKw(24),
            "A256GCMKW" => Self::AesGcmKw(32),
            "dir" => Self::Dir,
            _ => return None,
        })
    }

    /// The operation a JWK's `key_ops` must allow (RFC 7517 §4.3).
    fn key_op(self) -> &'static [&'static str] {
        match self {
            Self::Dir => &["decrypt"],
            Self::EcdhEs | Self::EcdhEsKw(_) => &["deriveKey", "deriveBits"],
            Self::Rsa15 | Self::RsaOaep(_) | Self::AesKw(_) | Self::AesGcmKw(_) => {
                &["unwrapKey", "decrypt"]
            }
        }
    }
}

/// Content encryption (RFC 7518 §5.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ContentEncryption {
    /// AES-GCM with a key of this many bytes (§5.3).
    Gcm(usize),
    /// AES-CBC with HMAC-SHA-2, CEK of this many bytes (§5.2).
    CbcHs(usize),
}

impl ContentEncryption {
    fn parse(enc: &str) -> Option<Self> {
        Some(match enc {
            "A128GCM" => Self::Gcm(16),
            "A192GCM" => Self::Gcm(24),
            "A256GCM" => Self::Gcm(32),
            "A128CBC-HS256" => Self::CbcHs(32),
            "A192CBC-HS384" => Self::CbcHs(48),
            "A256CBC-HS512" => Self::CbcHs(64),
            _ => return None,
        })
    }

    /// The content encryption key's length in bytes.
    fn cek_len(self) -> usize {
        match self {
            Self::Gcm(len) | Self::CbcHs(len) => len,
        }
    }
}

/// The header's parts decryption reads.
struct Header<'a> {
    alg: &'a str,
    enc: &'a str,
    management: KeyManagement,
    content: ContentEncryption,
    kid: Option<&'a str>,
    compressed: bool,
}

/// Reads `alg`, `enc`, `kid`, `zip` and `crit` (RFC 7516 §4.1); refuses
/// what cannot be decrypted safely.
fn read_header<'a>(
    header: &'a JsonObject,
    options: DecryptOptions,
) -> Result<Header<'a>, JweError> {
    if let Some(crit) = header.get("crit") {
        let names: Vec<&str> = crit
            .as_array()
            .map(|names| names.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        return Err(JweError::Critical(if names.is_empty() {
            json_kind_text(crit)
        } else {
            names.join(", ")
        }));
    }
    let string = |name: &'static str| -> Result<&'a str, JweError> {
        match header.get(name) {
            Some(Value::String(value)) => Ok(value),
            Some(other) => Err(JweError::Malformed(crate::tr!(
                "jwe-member-not-string",
                name = name,
                kind = json_kind_text(other)
            ))),
            None => Err(JweError::Malformed(crate::tr!(
                "jwe-member-missing",
                name = name
            ))),
        }
    };
    let alg = string("alg")?;
    let enc = string("enc")?;
    let management =
        KeyManagement::parse(alg).ok_or_else(|| JweError::Unsupported(format!("alg {alg}")))?;
    if management == KeyManagement::Rsa15 && !options.allow_rsa1_5 {
        return Err(JweError::Rsa15Refused);
    }
    let content =
        ContentEncryption::parse(enc).ok_or_else(|| JweError::Unsupported(format!("enc {enc}")))?;
    let kid = match header.get("kid") {
        None => None,
        Some(_) => Some(string("kid")?),
    };
    let compressed = match header.get("zip") {
        None => false,
        Some(Value::String(zip)) if zip == "DEF" => true,
        Some(Value::String(zip)) => return Err(JweError::Unsupported(format!("zip {zip}"))),
        Some(other) => {
            return Err(JweError::Malformed(crate::tr!(
                "jwe-member-not-string",
                name = "zip",
                kind = json_kind_text(other)
            )));
        }
    };
    Ok(Header {
        alg,
        enc,
        management,
        content,
        kid,
        compressed,
    })
}

/// Decrypts `jwe` with the decryption keys of `keys`: a copy of it with
/// [`EncryptedJwe::opened`] set. A nested JWE inside is opened too.
pub fn open(
    jwe: &EncryptedJwe,
    keys: &KeySet,
    options: DecryptOptions,
) -> Result<EncryptedJwe, JweError> {
    open_at(jwe, keys, options, 0)
}

fn open_at(
    jwe: &EncryptedJwe,
    keys: &KeySet,
    options: DecryptOptions,
    depth: usize,
) -> Result<EncryptedJwe, JweError> {
    if jwe.opened.is_some() {
        return Ok(jwe.clone());
    }
    let header = read_header(&jwe.header, options)?;
    if jwe.encrypted_key.len() > MAX_ENCRYPTED_KEY {
        return Err(JweError::Malformed(crate::tr!(
            "jwe-encrypted-key-too-long",
            length = jwe.encrypted_key.len()
        )));
    }
    let epk = match header.management {
        KeyManagement::EcdhEs | KeyManagement::EcdhEsKw(_) => Some(ephemeral_key(&jwe.header)?),
        _ => None,
    };
    let candidates = candidates(keys, &header, epk.as_ref())?;
    let mut failures = Vec::new();
    for key in candidates {
        match decrypt_with(jwe, &header, key, epk.as_ref()) {
            Ok(plaintext) => {
                let mut notes = Vec::new();
                let plaintext = if header.compressed {
                    notes.push(crate::tr!("jwe-compressed-note"));
                    inflate(&plaintext)?
                } else {
                    plaintext
                };
                let (content, text) =
                    read_plaintext(&jwe.header, &plaintext, keys, options, depth, &mut notes);
                let mut opened = jwe.clone();
                opened.opened = Some(Box::new(Opened {
                    decryption: Decryption {
                        key: key.row(),
                        key_name: key.name(),
                        alg: header.alg.to_owned(),
                        enc: header.enc.to_owned(),
                        compressed: header.compressed,
                        content: content.kind(),
                        notes,
                    },
                    content,
                    text,
                }));
                return Ok(opened);
            }
            Err(error) => failures.push((key.name(), error)),
        }
    }
    match failures.len() {
        1 => Err(failures.swap_remove(0).1),
        _ => Err(JweError::Several(failures)),
    }
}

/// The keys that may decrypt this token, in order (RFC 8725 §3.1: one key,
/// one algorithm): of the right type (and curve), with the header's `kid`
/// (keys without a kid stand in when none has it), and whose own `alg`,
/// `use` and `key_ops` allow the job (RFC 7517 §4.2–4.4).
fn candidates<'k>(
    keys: &'k KeySet,
    header: &Header<'_>,
    epk: Option<&EphemeralKey>,
) -> Result<Vec<&'k DecryptionKey>, JweError> {
    let no_key = |reason: String| JweError::NoFittingKey {
        alg: header.alg.to_owned(),
        reason,
    };
    if keys.decryption.is_empty() {
        return Err(no_key(crate::tr!("jwe-no-decryption-keys")));
    }
    let family: Vec<&DecryptionKey> = keys
        .decryption
        .iter()
        .filter(|key| fits_family(header, epk, &key.material))
        .collect();
    if family.is_empty() {
        return Err(no_key(crate::tr!(
            "jwe-no-key-of-type",
            needs = needs(header, epk),
            count = keys.decryption.len()
        )));
    }
    let named: Vec<&DecryptionKey> = match header.kid {
        Some(kid) => {
            let with_kid: Vec<&DecryptionKey> = family
                .iter()
                .copied()
                .filter(|key| key.kid.as_deref() == Some(kid))
                .collect();
            if with_kid.is_empty() {
                let without_kid: Vec<&DecryptionKey> = family
                    .iter()
                    .copied()
                    .filter(|key| key.kid.is_none())
                    .collect();
                if without_kid.is_empty() {
                    let kids: Vec<&str> = keys
                        .decryption
                        .iter()
                        .filter_map(|key| key.kid.as_deref())
                        .collect();
                    return Err(no_key(crate::tr!(
                        "jwe-unknown-kid",
                        kid = kid,
                        kids = kids.join(", ")
                    )));
                }
                without_kid
            } else {
                with_kid
            }
        }
        None => family,
    };
    let mut refused = Vec::new();
    let allowed: Vec<&DecryptionKey> = named
        .into_iter()
        .filter(|key| match restriction(header, key) {
            Some(reason) => {
                refused.push(reason);
                false
            }
            None => true,
        })
        .collect();
    if allowed.is_empty() {
        return Err(no_key(refused.join("; ")));
    }
    Ok(allowed)
}

fn fits_family(
    header: &Header<'_>,
    epk: Option<&EphemeralKey>,
    material: &PrivateMaterial,
) -> bool {
    match (header.management, material) {
        (KeyManagement::Rsa15 | KeyManagement::RsaOaep(_), PrivateMaterial::Rsa(_)) => true,
        (KeyManagement::EcdhEs | KeyManagement::EcdhEsKw(_), _) => {
            epk.is_some_and(|epk| material.curve() == Some(epk.curve()))
        }
        (KeyManagement::AesKw(len) | KeyManagement::AesGcmKw(len), PrivateMaterial::Oct(key)) => {
            key.len() == len
        }
        (KeyManagement::Dir, PrivateMaterial::Oct(key)) => key.len() == header.content.cek_len(),
        _ => false,
    }
}

/// What kind of key the header needs, for messages.
fn needs(header: &Header<'_>, epk: Option<&EphemeralKey>) -> String {
    match header.management {
        KeyManagement::Rsa15 | KeyManagement::RsaOaep(_) => crate::tr!("jwe-needs-rsa"),
        KeyManagement::EcdhEs | KeyManagement::EcdhEsKw(_) => {
            crate::tr!("jwe-needs-ec", curve = epk.map_or("?", EphemeralKey::curve))
        }
        KeyManagement::AesKw(len) | KeyManagement::AesGcmKw(len) => {
            crate::tr!("jwe-needs-secret", bits = len * 8)
        }
        KeyManagement::Dir => crate::tr!("jwe-needs-secret", bits = header.content.cek_len() * 8),
    }
}

/// Why a key's own metadata forbids this use, if it does.
fn restriction(header: &Header<'_>, key: &DecryptionKey) -> Option<String> {
    // A `dir` key may name the content encryption it is for (RFC 7520 §5.6).
    if let Some(key_alg) = &key.alg
        && key_alg != header.alg
        && !(header.management == KeyManagement::Dir && key_alg == header.enc)
    {
        return Some(crate::tr!(
            "jwe-unfit-alg",
            key = key.name(),
            key_alg = key_alg.as_str(),
            alg = header.alg
        ));
    }
    if let Some(key_use) = &key.key_use
        && key_use != "enc"
    {
        return Some(crate::tr!(
            "jwe-unfit-use",
            key = key.name(),
            key_use = key_use.as_str()
        ));
    }
    if let Some(ops) = &key.key_ops
        && !ops
            .iter()
            .any(|op| header.management.key_op().contains(&op.as_str()))
    {
        return Some(crate::tr!(
            "jwe-unfit-ops",
            key = key.name(),
            ops = ops.join(", ")
        ));
    }
    None
}

/// The content encryption key and the decrypted content, with one key.
fn decrypt_with(
    jwe: &EncryptedJwe,
    header: &Header<'_>,
    key: &DecryptionKey,
    epk: Option<&EphemeralKey>,
) -> Result<Zeroizing<Vec<u8>>, JweError> {
    let cek = content_key(jwe, header, key, epk)?;
    if cek.len() != header.content.cek_len() {
        return Err(JweError::Malformed(crate::tr!(
            "jwe-cek-length",
            length = cek.len(),
            enc = header.enc,
            expected = header.content.cek_len()
        )));
    }
    decrypt_content(jwe, header, &cek, &key.name())
}

/// Unwraps, decrypts or derives the content encryption key (RFC 7516 §5.2 steps 9–10).
fn content_key(
    jwe: &EncryptedJwe,
    header: &Header<'_>,
    key: &DecryptionKey,
    epk: Option<&EphemeralKey>,
) -> Result<Zeroizing<Vec<u8>>, JweError> {
    let unwrap_failed = || JweError::KeyUnwrap {
        key: key.name(),
        alg: header.alg.to_owned(),
    };
    let empty_key = || {
        if jwe.encrypted_key.is_empty() {
            Ok(())
        } else {
            Err(JweError::Malformed(crate::tr!(
                "jwe-encrypted-key-not-empty",
                alg = header.alg
            )))
        }
    };
    match (header.management, &key.material) {
        (KeyManagement::RsaOaep(sha), PrivateMaterial::Rsa(private)) => {
            let rng = &mut getrandom::SysRng;
            let ciphertext = &jwe.encrypted_key;
            // RFC 7518 §4.3: RSAES-OAEP with the same hash for MGF1.
            match sha {
                None => private.oaep_decrypt_with_rng::<sha1::Sha1, _>(rng, ciphertext),
                Some(256) => private.oaep_decrypt_with_rng::<Sha256, _>(rng, ciphertext),
                Some(384) => private.oaep_decrypt_with_rng::<Sha384, _>(rng, ciphertext),
                Some(_) => private.oaep_decrypt_with_rng::<Sha512, _>(rng, ciphertext),
            }
            .map(Zeroizing::new)
            .map_err(|_| unwrap_failed())
        }
        (KeyManagement::Rsa15, PrivateMaterial::Rsa(private)) => private
            .decrypt_blinded(
                &mut getrandom::SysRng,
                rsa::Pkcs1v15Encrypt,
                &jwe.encrypted_key,
            )
            .map(Zeroizing::new)
            .map_err(|_| unwrap_failed()),
        (KeyManagement::EcdhEs, material) => {
            empty_key()?;
            let epk = epk.ok_or_else(|| JweError::EphemeralKey(crate::tr!("jwe-epk-missing")))?;
            // RFC 7518 §4.6.2: direct agreement derives the CEK itself, for `enc`.
            derive(
                &jwe.header,
                material,
                epk,
                header.enc,
                header.content.cek_len(),
            )
        }
        (KeyManagement::EcdhEsKw(len), material) => {
            let epk = epk.ok_or_else(|| JweError::EphemeralKey(crate::tr!("jwe-epk-missing")))?;
            // RFC 7518 §4.6.2: with key wrap, the KEK is derived for `alg`.
            let kek = derive(&jwe.header, material, epk, header.alg, len)?;
            aes_unwrap(&kek, &jwe.encrypted_key).ok_or_else(unwrap_failed)
        }
        (KeyManagement::AesKw(_), PrivateMaterial::Oct(kek)) => {
            aes_unwrap(kek.expose(), &jwe.encrypted_key).ok_or_else(unwrap_failed)
        }
        (KeyManagement::AesGcmKw(_), PrivateMaterial::Oct(kek)) => {
            gcm_unwrap(&jwe.header, kek.expose(), &jwe.encrypted_key)?.ok_or_else(unwrap_failed)
        }
        (KeyManagement::Dir, PrivateMaterial::Oct(shared)) => {
            empty_key()?;
            Ok(Zeroizing::new(shared.expose().to_vec()))
        }
        _ => Err(unwrap_failed()),
    }
}

/// AES key unwrap (RFC 3394, RFC 7518 §4.4); `None` when the integrity
/// check fails (a wrong key or an altered token).
fn aes_unwrap(kek: &[u8], wrapped: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    let mut out = Zeroizing::new(vec![0; wrapped.len()]);
    let len = match kek.len() {
        16 => aes_kw::KwAes128::new_from_slice(kek)
            .ok()?
            .unwrap_key(wrapped, &mut out)
            .ok()?
            .len(),
        24 => aes_kw::KwAes192::new_from_slice(kek)
            .ok()?
            .unwrap_key(wrapped, &mut out)
            .ok()?
            .len(),
        32 => aes_kw::KwAes256::new_from_slice(kek)
            .ok()?
            .unwrap_key(wrapped, &mut out)
            .ok()?
            .len(),
        _ => return None,
    };
    out.truncate(len);
    Some(out)
}

/// AES-GCM key decryption (RFC 7518 §4.7): the header's `iv` and `tag`;
/// `Ok(None)` when the tag does not verify.
fn gcm_unwrap(
    header: &JsonObject,
    kek: &[u8],
    wrapped: &[u8],
) -> Result<Option<Zeroizing<Vec<u8>>>, JweError> {
    let member = |name: &'static str, length: usize| -> Result<Vec<u8>, JweError> {
        let bytes = match header.get(name) {
            Some(Value::String(text)) => decode_segment(text, Part::Header).map_err(|_| {
                JweError::Malformed(crate::tr!("jwe-member-not-base64url", name = name))
            })?,
            Some(other) => {
                return Err(JweError::Malformed(crate::tr!(
                    "jwe-member-not-string",
                    name = name,
                    kind = json_kind_text(other)
                )));
            }
            None => {
                return Err(JweError::Malformed(crate::tr!(
                    "jwe-member-missing",
                    name = name
                )));
            }
        };
        if bytes.len() == length {
            Ok(bytes)
        } else {
            Err(JweError::Malformed(crate::tr!(
                "jwe-member-length",
                name = name,
                length = bytes.len(),
                expected = length
            )))
        }
    };
    let iv = member("iv", 12)?;
    let tag = member("tag", 16)?;
    let mut buffer = Zeroizing::new(wrapped.to_vec());
    Ok(gcm_decrypt(kek, &iv, &[], &mut buffer, &tag).then_some(buffer))
}

/// AES-GCM decryption in place with a 96-bit IV and a 128-bit tag; whether
/// the tag verified (the `aes-gcm` crate compares it in constant time).
fn gcm_decrypt(key: &[u8], iv: &[u8], aad: &[u8], buffer: &mut [u8], tag: &[u8]) -> bool {
    let (Ok(nonce), Ok(tag)) = (
        Array::<u8, aes_gcm::aead::consts::U12>::try_from(iv),
        Array::<u8, aes_gcm::aead::consts::U16>::try_from(tag),
    ) else {
        return false;
    };
    let opened = match key.len() {
        16 => AesGcm::<aes::Aes128, aes_gcm::aead::consts::U12>::new_from_slice(key)
            .map(|cipher| cipher.decrypt_inout_detached(&nonce, aad, buffer.into(), &tag)),
        24 => AesGcm::<aes::Aes192, aes_gcm::aead::consts::U12>::new_from_slice(key)
            .map(|cipher| cipher.decrypt_inout_detached(&nonce, aad, buffer.into(), &tag)),
        32 => AesGcm::<aes::Aes256, aes_gcm::aead::consts::U12>::new_from_slice(key)
            .map(|cipher| cipher.decrypt_inout_detached(&nonce, aad, buffer.into(), &tag)),
        _ => return false,
    };
    matches!(opened, Ok(Ok(())))
}

/// Decrypts the content with the CEK (RFC 7516 §5.2 steps 14–16).
fn decrypt_content(
    jwe: &EncryptedJwe,
    header: &Header<'_>,
    cek: &[u8],
    key_name: &str,
) -> Result<Zeroizing<Vec<u8>>, JweError> {
    let aad = jwe.protected.as_bytes();
    let tag_failed = || JweError::Tag {
        key: key_name.to_owned(),
        enc: header.enc.to_owned(),
    };
    let length = |name: &'static str, got: usize, expected: usize| {
        JweError::Malformed(crate::tr!(
            "jwe-member-length",
            name = name,
            length = got,
            expected = expected
        ))
    };
    match header.content {
        ContentEncryption::Gcm(_) => {
            // RFC 7518 §5.3: a 96-bit IV and a 128-bit tag.
            if jwe.iv.len() != 12 {
                return Err(length("iv", jwe.iv.len(), 12));
            }
            if jwe.tag.len() != 16 {
                return Err(length("tag", jwe.tag.len(), 16));
            }
            let mut buffer = Zeroizing::new(jwe.ciphertext.clone());
            if gcm_decrypt(cek, &jwe.iv, aad, &mut buffer, &jwe.tag) {
                Ok(buffer)
            } else {
                Err(tag_failed())
            }
        }
        ContentEncryption::CbcHs(len) => {
            // RFC 7518 §5.2.2.2: MAC_KEY is the first half of the CEK, ENC_KEY
            // the second; the tag is the first half of
            // HMAC(MAC_KEY, AAD || IV || ciphertext || AL), AL = AAD bits as 64-bit big-endian.
            let half = len / 2;
            let (mac_key, enc_key) = cek.split_at(half.min(cek.len()));
            if jwe.iv.len() != 16 {
                return Err(length("iv", jwe.iv.len(), 16));
            }
            if jwe.tag.len() != half {
                return Err(length("tag", jwe.tag.len(), half));
            }
            let al = u64::try_from(aad.len())
                .unwrap_or(u64::MAX)
                .saturating_mul(8)
                .to_be_bytes();
            let verified = match len {
                32 => mac_verifies::<Hmac<Sha256>>(
                    mac_key,
                    &[aad, &jwe.iv, &jwe.ciphertext, &al],
                    &jwe.tag,
                ),
                48 => mac_verifies::<Hmac<Sha384>>(
                    mac_key,
                    &[aad, &jwe.iv, &jwe.ciphertext, &al],
                    &jwe.tag,
                ),
                _ => mac_verifies::<Hmac<Sha512>>(
                    mac_key,
                    &[aad, &jwe.iv, &jwe.ciphertext, &al],
                    &jwe.tag,
                ),
            };
            if !verified {
                return Err(tag_failed());
            }
            cbc_decrypt(enc_key, &jwe.iv, &jwe.ciphertext)
                .ok_or_else(|| JweError::Malformed(crate::tr!("jwe-padding")))
        }
    }
}

/// Whether the MAC of `parts` begins with `tag`; the tag's length was
/// checked by the caller, and `hmac` compares in constant time.
fn mac_verifies<M: hmac::Mac + hmac::digest::KeyInit>(
    key: &[u8],
    parts: &[&[u8]],
    tag: &[u8],
) -> bool {
    let Ok(mut mac) = <M as hmac::digest::KeyInit>::new_from_slice(key) else {
        return false;
    };
    for part in parts {
        mac.update(part);
    }
    mac.verify_truncated_left(tag).is_ok()
}

/// AES-CBC decryption with PKCS#7 padding (RFC 7518 §5.2.2.2 step 5); `None`
/// on bad padding or length (only after the tag verified, so no oracle).
fn cbc_decrypt(key: &[u8], iv: &[u8], ciphertext: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    let mut buffer = Zeroizing::new(ciphertext.to_vec());
    let len = match key.len() {
        16 => cbc::Decryptor::<aes::Aes128>::new_from_slices(key, iv)
            .ok()?
            .decrypt_padded::<Pkcs7>(&mut buffer)
            .ok()?
            .len(),
        24 => cbc::Decryptor::<aes::Aes192>::new_from_slices(key, iv)
            .ok()?
            .decrypt_padded::<Pkcs7>(&mut buffer)
            .ok()?
            .len(),
        32 => cbc::Decryptor::<aes::Aes256>::new_from_slices(key, iv)
            .ok()?
            .decrypt_padded::<Pkcs7>(&mut buffer)
            .ok()?
            .len(),
        _ => return None,
    };
    buffer.truncate(len);
    Some(buffer)
}

/// The sender's ephemeral public key (`epk`, RFC 7518 §4.6.1.1), checked to
/// be a point on its curve: the invalid-curve attack otherwise recovers the
/// recipient's private key (RFC 8725 §3.4, RFC 7518 §4.6 "Security Considerations").
enum EphemeralKey {
    P256(p256::PublicKey),
    P384(p384::PublicKey),
    P521(p521::PublicKey),
}

impl EphemeralKey {
    fn curve(&self) -> &'static str {
        match self {
            Self::P256(_) => "P-256",
            Self::P384(_) => "P-384",
            Self::P521(_) => "P-521",
        }
    }
}

fn ephemeral_key(header: &JsonObject) -> Result<EphemeralKey, JweError> {
    let bad = JweError::EphemeralKey;
    let epk = match header.get("epk") {
        Some(Value::Object(epk)) => epk,
        Some(other) => {
            return Err(bad(crate::tr!(
                "jwe-epk-not-object",
                kind = json_kind_text(other)
            )));
        }
        None => return Err(bad(crate::tr!("jwe-epk-missing"))),
    };
    let text = |name: &'static str| -> Result<&str, JweError> {
        epk.get(name)
            .and_then(Value::as_str)
            .ok_or_else(|| bad(crate::tr!("jwe-epk-member", name = name)))
    };
    match text("kty")? {
        "EC" => {}
        other => return Err(JweError::Unsupported(format!("epk kty {other}"))),
    }
    let crv = text("crv")?;
    let size = match crv {
        "P-256" => 32,
        "P-384" => 48,
        "P-521" => 66,
        other => return Err(JweError::Unsupported(format!("epk crv {other}"))),
    };
    let coordinate = |name: &'static str| -> Result<Vec<u8>, JweError> {
        let bytes = decode_segment(text(name)?, Part::Header)
            .map_err(|_| bad(crate::tr!("jwe-epk-member", name = name)))?;
        if bytes.len() == size {
            Ok(bytes)
        } else {
            Err(bad(crate::tr!(
                "jwe-epk-coordinate",
                name = name,
                length = bytes.len(),
                crv = crv,
                size = size
            )))
        }
    };
    let mut point = Vec::with_capacity(1 + 2 * size);
    point.push(0x04);
    point.extend_from_slice(&coordinate("x")?);
    point.extend_from_slice(&coordinate("y")?);
    // `from_sec1_bytes` refuses a point that is not on the curve.
    let off_curve = |_| bad(crate::tr!("jwe-epk-off-curve", crv = crv));
    Ok(match crv {
        "P-256" => EphemeralKey::P256(p256::PublicKey::from_sec1_bytes(&point).map_err(off_curve)?),
        "P-384" => EphemeralKey::P384(p384::PublicKey::from_sec1_bytes(&point).map_err(off_curve)?),
        _ => EphemeralKey::P521(p521::PublicKey::from_sec1_bytes(&point).map_err(off_curve)?),
    })
}

/// ECDH-ES key agreement and the Concat KDF (RFC 7518 §4.6.2, NIST SP
/// 800-56A §5.8.1): `keydatalen` bytes for `algorithm_id` (`enc` for direct
/// agreement, `alg` with key wrap), with `apu`/`apv` from the header.
fn derive(
    header: &JsonObject,
    material: &PrivateMaterial,
    epk: &EphemeralKey,
    algorithm_id: &str,
    keydatalen: usize,
) -> Result<Zeroizing<Vec<u8>>, JweError> {
    let z: Zeroizing<Vec<u8>> = match (material, epk) {
        (PrivateMaterial::P256(secret), EphemeralKey::P256(public)) => Zeroizing::new(
            p256::ecdh::diffie_hellman(secret.to_nonzero_scalar(), public.as_affine())
                .raw_secret_bytes()
                .to_vec(),
        ),
        (PrivateMaterial::P384(secret), EphemeralKey::P384(public)) => Zeroizing::new(
            p384::ecdh::diffie_hellman(secret.to_nonzero_scalar(), public.as_affine())
                .raw_secret_bytes()
                .to_vec(),
        ),
        (PrivateMaterial::P521(secret), EphemeralKey::P521(public)) => Zeroizing::new(
            p521::ecdh::diffie_hellman(secret.to_nonzero_scalar(), public.as_affine())
                .raw_secret_bytes()
                .to_vec(),
        ),
        _ => {
            return Err(JweError::EphemeralKey(crate::tr!(
                "jwe-epk-curve-mismatch",
                crv = epk.curve()
            )));
        }
    };
    let party = |name: &'static str| -> Result<Vec<u8>, JweError> {
        match header.get(name) {
            None => Ok(Vec::new()),
            Some(Value::String(text)) => decode_segment(text, Part::Header).map_err(|_| {
                JweError::Malformed(crate::tr!("jwe-member-not-base64url", name = name))
            }),
            Some(other) => Err(JweError::Malformed(crate::tr!(
                "jwe-member-not-string",
                name = name,
                kind = json_kind_text(other)
            ))),
        }
    };
    let apu = party("apu")?;
    let apv = party("apv")?;
    Ok(concat_kdf(
        &z,
        algorithm_id.as_bytes(),
        &apu,
        &apv,
        keydatalen,
    ))
}

/// The Concat KDF with SHA-256 (NIST SP 800-56A §5.8.1 as RFC 7518
/// §4.6.2 profiles it): `OtherInfo` is `AlgorithmID || PartyUInfo ||
/// PartyVInfo || SuppPubInfo`, each of the first three prefixed with its
/// 32-bit big-endian length, `SuppPubInfo` the key length in bits.
pub(crate) fn concat_kdf(
    z: &[u8],
    algorithm_id: &[u8],
    apu: &[u8],
    apv: &[u8],
    keydatalen: usize,
) -> Zeroizing<Vec<u8>> {
    let prefixed = |data: &[u8]| {
        let mut out = u32::try_from(data.len())
            .unwrap_or(u32::MAX)
            .to_be_bytes()
            .to_vec();
        out.extend_from_slice(data);
        out
    };
    let mut other_info = prefixed(algorithm_id);
    other_info.extend(prefixed(apu));
    other_info.extend(prefixed(apv));
    other_info.extend_from_slice(
        &u32::try_from(keydatalen.saturating_mul(8))
            .unwrap_or(u32::MAX)
            .to_be_bytes(),
    );
    let mut derived = Zeroizing::new(Vec::with_capacity(keydatalen + 32));
    let mut counter: u32 = 1;
    while derived.len() < keydatalen {
        let mut hash = Sha256::new();
        hash.update(counter.to_be_bytes());
        hash.update(z);
        hash.update(&other_info);
        derived.extend_from_slice(&hash.finalize());
        counter = counter.saturating_add(1);
    }
    derived.truncate(keydatalen);
    derived
}

/// Inflates `zip: DEF` content (raw DEFLATE, RFC 1951), at most [`MAX_INFLATED`] bytes.
fn inflate(compressed: &[u8]) -> Result<Zeroizing<Vec<u8>>, JweError> {
    let mut out = Zeroizing::new(Vec::new());
    let limit = u64::try_from(MAX_INFLATED)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    flate2::read::DeflateDecoder::new(compressed)
        .take(limit)
        .read_to_end(&mut out)
        .map_err(|error| JweError::Decompress(error.to_string()))?;
    if out.len() > MAX_INFLATED {
        return Err(JweError::Decompress(crate::tr!(
            "jwe-zip-too-large",
            mebibytes = MAX_INFLATED / (1024 * 1024)
        )));
    }
    Ok(out)
}

/// What the plaintext holds: a nested JWT (`cty: JWT`, RFC 7519 §5.2, or a
/// compact token on its own), a claims set, text or bytes.
fn read_plaintext(
    header: &JsonObject,
    plaintext: &[u8],
    keys: &KeySet,
    options: DecryptOptions,
    depth: usize,
    notes: &mut Vec<String>,
) -> (Content, String) {
    let Ok(text) = std::str::from_utf8(plaintext) else {
        return (
            Content::Binary(plaintext.len()),
            String::from_utf8_lossy(plaintext).into_owned(),
        );
    };
    let says_jwt = header
        .get("cty")
        .and_then(Value::as_str)
        .is_some_and(|cty| {
            cty.eq_ignore_ascii_case("JWT") || cty.eq_ignore_ascii_case("application/jwt")
        });
    let trimmed = text.trim();
    let dots = trimmed.bytes().filter(|&b| b == b'.').count();
    let looks_compact = trimmed.starts_with("eyJ") && (dots == 2 || dots == 4);
    if says_jwt || looks_compact {
        match decode_nested(trimmed, depth + 1) {
            Ok(Decoded::Jwe(inner)) if depth < MAX_NESTING => {
                // A JWE in a JWE: opened with the same keys, or kept closed with why.
                let inner = match open_at(&inner, keys, options, depth + 1) {
                    Ok(opened) => opened,
                    Err(error) => {
                        notes.push(crate::tr!("jwe-nested-closed", error = error.to_string()));
                        inner
                    }
                };
                return (
                    Content::Nested(Box::new(Decoded::Jwe(inner))),
                    text.to_owned(),
                );
            }
            Ok(inner) => return (Content::Nested(Box::new(inner)), text.to_owned()),
            Err(failure) if says_jwt => {
                notes.push(crate::tr!(
                    "jwe-nested-undecodable",
                    error = failure.error.to_string()
                ));
                return (Content::Text, text.to_owned());
            }
            Err(_) => {}
        }
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(claims)) => (Content::Claims(claims), text.to_owned()),
        _ => (Content::Text, text.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::jose::{decode_unverified, encode_segment};

    /// RFC 7518 Appendix C: ECDH-ES between Alice's ephemeral key and Bob's
    /// key, `A128GCM`, `apu` "Alice", `apv` "Bob".
    #[test]
    fn concat_kdf_matches_rfc7518_appendix_c() {
        let bob = KeySet::from_jwks_json(
            r#"{"kty":"EC","crv":"P-256",
             "x":"weNJy2HscCSM6AEDTDg04biOvhFhyyWvOHQfeF_PxMQ",
             "y":"e8lnCO-AlStT-NJVX-crhB7QRYhiix03illJOVAOyck",
             "d":"VEmDZpDXXK8p8N0Cndsxs924q6nS1RXFASRl6BfUqdw"}"#,
            "bob",
        );
        assert!(bob.problems.is_empty(), "{:?}", bob.problems);
        let header: JsonObject = serde_json::from_str(
            r#"{"alg":"ECDH-ES","enc":"A128GCM","apu":"QWxpY2U","apv":"Qm9i",
             "epk":{"kty":"EC","crv":"P-256",
              "x":"gI0GAILBdu7T53akrFmMyGcsF3n5dO7MmwNBHKW5SV0",
              "y":"SLW_xSffzlPWrHEVI30DHM_4egVwt3NQqeUD7nMFpps"}}"#,
        )
        .expect("JSON");
        let epk = ephemeral_key(&header).expect("on the curve");
        let derived =
            derive(&header, &bob.decryption[0].material, &epk, "A128GCM", 16).expect("derives");
        assert_eq!(encode_segment(&derived), "VqqN6vgjbSBcIijNcacQGg");
    }

    #[test]
    fn an_off_curve_ephemeral_key_is_refused() {
        let header: JsonObject = serde_json::from_str(
            r#"{"alg":"ECDH-ES","enc":"A128GCM",
             "epk":{"kty":"EC","crv":"P-256",
              "x":"gI0GAILBdu7T53akrFmMyGcsF3n5dO7MmwNBHKW5SV0",
              "y":"gI0GAILBdu7T53akrFmMyGcsF3n5dO7MmwNBHKW5SV0"}}"#,
        )
        .expect("JSON");
        let Err(error) = ephemeral_key(&header) else {
            panic!("an off-curve point must be refused")
        };
        assert_eq!(error.code(), "JWE_EPK_INVALID");
        assert!(
            error.to_string().contains("not a point on P-256"),
            "{error}"
        );
    }

    #[test]
    fn rsa1_5_needs_the_opt_in_and_crit_is_refused() {
        let header: JsonObject =
            serde_json::from_str(r#"{"alg":"RSA1_5","enc":"A128GCM"}"#).expect("JSON");
        assert_eq!(
            read_header(&header, DecryptOptions::default()).err(),
            Some(JweError::Rsa15Refused)
        );
        assert!(read_header(&header, DecryptOptions { allow_rsa1_5: true }).is_ok());
        let header: JsonObject =
            serde_json::from_str(r#"{"alg":"dir","enc":"A128GCM","crit":["exp"]}"#).expect("JSON");
        assert_eq!(
            read_header(&header, DecryptOptions::default()).err(),
            Some(JweError::Critical("exp".to_owned()))
        );
    }

    #[test]
    fn dir_a128gcm_round_trip_and_a_flipped_tag() {
        // Made here with the same crate, to pin AAD = ASCII(protected header).
        let key = [7u8; 16];
        let protected = encode_segment(br#"{"alg":"dir","enc":"A128GCM","kid":"k"}"#);
        let iv = [9u8; 12];
        let mut buffer = br#"{"sub":"alice"}"#.to_vec();
        let cipher =
            AesGcm::<aes::Aes128, aes_gcm::aead::consts::U12>::new_from_slice(&key).expect("key");
        let tag = cipher
            .encrypt_inout_detached(
                &Array::try_from(&iv[..]).expect("iv"),
                protected.as_bytes(),
                buffer.as_mut_slice().into(),
            )
            .expect("encrypts");
        let token = format!(
            "{protected}..{}.{}.{}",
            encode_segment(&iv),
            encode_segment(&buffer),
            encode_segment(&tag)
        );
        let keys = KeySet::from_jwks_json(
            &format!(
                r#"{{"kty":"oct","kid":"k","k":"{}"}}"#,
                encode_segment(&key)
            ),
            "k.json",
        );
        let Ok(Decoded::Jwe(jwe)) = decode_unverified(&token) else {
            panic!("a JWE")
        };
        let opened = open(&jwe, &keys, DecryptOptions::default()).expect("decrypts");
        let opened = opened.opened.expect("opened");
        assert_eq!(
            opened.decryption.summary(),
            "Decrypted with k (dir, A128GCM)"
        );
        assert!(matches!(&opened.content, Content::Claims(claims) if claims["sub"] == "alice"));
        let mut flipped = jwe.clone();
        if let Some(byte) = flipped.tag.first_mut() {
            *byte ^= 1;
        }
        let error = open(&flipped, &keys, DecryptOptions::default()).expect_err("altered");
        assert_eq!(error.code(), "JWE_TAG_INVALID");
        assert!(
            error.to_string().contains("wrong key or altered token"),
            "{error}"
        );
    }
}
