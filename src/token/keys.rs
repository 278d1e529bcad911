//! Verification keys: what a signature may be checked with, where each key
//! came from, and what could not be used.
//!
//! Keys come only from material the user supplied — a JWKS file or URL body,
//! PEM text, a certificate, a typed shared secret. Keys that a token names or
//! embeds itself (`jku`, `x5u`, `x5c`, `jwk`) are never loaded here
//! (RFC 8725 §3.10). Bad material never panics and never hides the good keys
//! next to it: every entry that cannot be used becomes a [`KeyProblem`].

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use rsa::traits::PublicKeyParts as _;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest as _, Sha256};
use x509_cert::der::{Decode as _, Encode as _};
use x509_cert::spki::{ObjectIdentifier, SubjectPublicKeyInfoRef};
use zeroize::Zeroizing;

use super::gost::GostPublicKey;
use super::jose::{JsonObject, Part, decode_segment, encode_segment, json_kind_text};
use super::private_keys::{self, DecryptionKey};

/// Smallest RSA modulus accepted for RS*/PS* (RFC 7518 §3.3, §3.5).
pub const MIN_RSA_BITS: usize = 2048;

/// Largest RSA modulus accepted: bigger keys only cost time (the `rsa` crate's
/// own ceiling, a guard against denial of service).
pub(super) const MAX_RSA_BITS: usize = 8192;

const OID_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const OID_RSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
const OID_EC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const OID_P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const OID_P521: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");
const OID_SECP256K1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.10");
const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const OID_ED448: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.113");
const OID_X25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.110");
const OID_X448: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.111");
const OID_DSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10040.4.1");
/// GOST R 34.10-2012 with a 256-bit key (RFC 9215 §3).
const OID_GOST_2012_256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.643.7.1.1.1.1");
/// GOST R 34.10-2012 with a 512-bit key (RFC 9215 §3).
const OID_GOST_2012_512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.643.7.1.1.1.2");
/// GOST R 34.10-2001 (RFC 4491): handed to the GOST module, which decides.
const OID_GOST_2001: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.643.2.2.19");

/// Standard base64 as PEM bodies and `x5c` entries use it (RFC 7468 §2,
/// RFC 7517 §4.7), with or without padding.
const BASE64_STANDARD: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Where a key came from, as the key list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "label", rename_all = "snake_case")]
pub enum KeySource {
    /// A JWK Set (RFC 7517 §5), labelled with its file name or URL.
    Jwks(String),
    /// A PEM public key (`PUBLIC KEY` or `RSA PUBLIC KEY`), labelled with its file name.
    Pem(String),
    /// An X.509 certificate's subject public key, labelled with file name and subject.
    Certificate(String),
    /// A shared secret typed by the user or kept in a profile.
    Secret(String),
    /// A PKCS#12 container's private key, labelled with its file name.
    Pkcs12(String),
}

impl KeySource {
    /// The label alone (file name, URL, profile name).
    pub fn label(&self) -> &str {
        match self {
            Self::Jwks(label)
            | Self::Pem(label)
            | Self::Certificate(label)
            | Self::Secret(label)
            | Self::Pkcs12(label) => label,
        }
    }
}

impl fmt::Display for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Jwks(label) => write!(f, "JWKS {label}"),
            Self::Pem(label) => write!(f, "PEM {label}"),
            Self::Certificate(label) => f.write_str(&crate::tr!(
                "key-source-certificate",
                label = label.as_str()
            )),
            Self::Secret(label) => {
                f.write_str(&crate::tr!("key-source-secret", label = label.as_str()))
            }
            Self::Pkcs12(label) => write!(f, "PKCS#12 {label}"),
        }
    }
}

/// HMAC key bytes. `Debug` never prints them and they are wiped on drop,
/// so a secret cannot leak through logs or error messages.
#[derive(Clone)]
pub struct HmacSecret(Zeroizing<Vec<u8>>);

impl HmacSecret {
    /// Wraps secret bytes.
    pub fn new(bytes: &[u8]) -> Self {
        Self(Zeroizing::new(bytes.to_vec()))
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the secret is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The bytes, for computing a MAC; never for display.
    pub(crate) fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for HmacSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HmacSecret([redacted])")
    }
}

/// The cryptographic material of a key.
#[derive(Clone)]
pub enum KeyMaterial {
    /// RSA public key (RS*, PS*).
    Rsa(rsa::PublicKey),
    /// EC P-256 public key (ES256).
    P256(p256::ecdsa::VerifyingKey),
    /// EC P-384 public key (ES384).
    P384(p384::ecdsa::VerifyingKey),
    /// EC P-521 public key (ES512).
    P521(p521::ecdsa::VerifyingKey),
    /// Ed25519 public key (`EdDSA`, RFC 8037).
    Ed25519(ed25519_dalek::VerifyingKey),
    /// Shared secret (HS*).
    Hmac(HmacSecret),
    /// GOST R 34.10-2012 public key (Sber `gost34.10-2012`, ESIA `GOST3410_2012_*`).
    Gost(Arc<GostPublicKey>),
}

impl fmt::Debug for KeyMaterial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyMaterial({})", self.size_label())
    }
}

impl KeyMaterial {
    /// JWK key type (RFC 7518 §6.1), or `GOST` for GOST keys, which have none.
    pub fn kty(&self) -> &'static str {
        match self {
            Self::Rsa(_) => "RSA",
            Self::P256(_) | Self::P384(_) | Self::P521(_) => "EC",
            Self::Ed25519(_) => "OKP",
            Self::Hmac(_) => "oct",
            Self::Gost(_) => "GOST",
        }
    }

    /// Key size in bits (RSA modulus, curve size, secret length).
    pub fn bits(&self) -> usize {
        match self {
            Self::Rsa(key) => rsa_bits(key),
            Self::P256(_) | Self::Ed25519(_) => 256,
            Self::P384(_) => 384,
            Self::P521(_) => 521,
            Self::Hmac(secret) => secret.len() * 8,
            Self::Gost(key) => key.curve.bits(),
        }
    }

    /// "RSA 2048", "P-256", "Ed25519", "HMAC 256 bits", "GOST R 34.10-2012 256 CryptoPro-A".
    pub fn size_label(&self) -> String {
        match self {
            Self::Rsa(key) => format!("RSA {}", rsa_bits(key)),
            Self::P256(_) => "P-256".to_owned(),
            Self::P384(_) => "P-384".to_owned(),
            Self::P521(_) => "P-521".to_owned(),
            Self::Ed25519(_) => "Ed25519".to_owned(),
            Self::Hmac(secret) => crate::tr!("key-size-hmac", bits = secret.len() * 8),
            Self::Gost(key) => format!(
                "GOST R 34.10-2012 {} {}",
                key.curve.bits(),
                key.curve.name()
            ),
        }
    }

    /// The public JWK of an RSA, EC or OKP key (RFC 7517, RFC 7518 §6,
    /// RFC 8037 §2): its required members only, in lexicographic order, so
    /// that serialised it is the RFC 7638 §3.2 canonical form. Empty for a
    /// secret or a GOST key, which JOSE has no public JWK for.
    pub fn public_jwk(&self) -> serde_json::Map<String, Value> {
        let mut jwk = serde_json::Map::new();
        let mut put = |name: &str, value: String| {
            jwk.insert(name.to_owned(), Value::String(value));
        };
        let mut ec = |crv: &str, point: &[u8]| {
            // An uncompressed SEC1 point: `04 ‖ x ‖ y`.
            let coordinates = point.get(1..).unwrap_or_default();
            let (x, y) = coordinates.split_at(coordinates.len() / 2);
            put("crv", crv.to_owned());
            put("kty", "EC".to_owned());
            put("x", encode_segment(x));
            put("y", encode_segment(y));
        };
        match self {
            Self::P256(key) => ec("P-256", key.to_sec1_point(false).as_bytes()),
            Self::P384(key) => ec("P-384", key.to_sec1_point(false).as_bytes()),
            Self::P521(key) => ec("P-521", key.to_sec1_point(false).as_bytes()),
            Self::Rsa(key) => {
                put("e", encode_segment(&key.e_bytes()));
                put("kty", "RSA".to_owned());
                put("n", encode_segment(&key.n_bytes()));
            }
            Self::Ed25519(key) => {
                put("crv", "Ed25519".to_owned());
                put("kty", "OKP".to_owned());
                put("x", encode_segment(key.as_bytes()));
            }
            Self::Hmac(_) | Self::Gost(_) => {}
        }
        jwk
    }

    /// RFC 7638 JWK thumbprint (SHA-256, base64url) for RSA, EC and OKP keys;
    /// the GOST module's fingerprint for GOST keys; `None` for secrets, so a
    /// secret is never shown in any form.
    pub fn fingerprint(&self) -> Option<String> {
        match self {
            Self::Hmac(_) => None,
            Self::Gost(key) => Some(key.fingerprint()),
            other => {
                // RFC 7638 §3.2: required members only, lexicographic order, no whitespace.
                let canonical = Value::Object(other.public_jwk()).to_string();
                Some(encode_segment(&Sha256::digest(canonical.as_bytes())))
            }
        }
    }
}

fn rsa_bits(key: &rsa::PublicKey) -> usize {
    key.n().bit_width_vartime() as usize
}

/// What a key's material says of itself, for the key's name and its row:
/// a verification key's ([`KeyMaterial`]) or a decryption key's
/// ([`private_keys::PrivateMaterial`]).
pub trait Material {
    /// JWK key type: `RSA`, `EC`, `OKP`, `oct` or `GOST`.
    fn kty(&self) -> &'static str;
    /// Key size in bits.
    fn bits(&self) -> usize;
    /// "RSA 2048", "P-256", "HMAC 256 bits".
    fn size_label(&self) -> String;
    /// The RFC 7638 thumbprint (or GOST fingerprint); `None` for secrets.
    fn fingerprint(&self) -> Option<String>;
}

/// One usable key with its JWK metadata.
#[derive(Clone, Debug)]
pub struct Keyed<M> {
    /// Key ID (RFC 7517 §4.5); PEM keys, certificates and typed secrets have none.
    pub kid: Option<String>,
    /// The one algorithm this key is for, when the JWK says (RFC 7517 §4.4).
    pub alg: Option<String>,
    /// Intended use, `sig` or `enc` (RFC 7517 §4.2).
    pub key_use: Option<String>,
    /// Permitted operations, e.g. `verify` (RFC 7517 §4.3).
    pub key_ops: Option<Vec<String>>,
    /// Where it came from.
    pub source: KeySource,
    /// The key itself.
    pub material: M,
}

/// A key that verifies signatures.
pub type VerificationKey = Keyed<KeyMaterial>;

impl<M: Material> Keyed<M> {
    /// A key without JWK metadata (PEM, certificate, PKCS#12, secret).
    pub fn new(material: M, source: KeySource) -> Self {
        Self {
            kid: None,
            alg: None,
            key_use: None,
            key_ops: None,
            source,
            material,
        }
    }

    /// A key with the metadata of its JWK.
    pub(super) fn from_jwk(material: M, metadata: JwkMetadata, source: &KeySource) -> Self {
        Self {
            kid: metadata.kid,
            alg: metadata.alg,
            key_use: metadata.key_use,
            key_ops: metadata.key_ops,
            source: source.clone(),
            material,
        }
    }

    /// JWK key type, see [`Material::kty`].
    pub fn kty(&self) -> &'static str {
        self.material.kty()
    }

    /// How messages name this key: its kid, or its size and source.
    pub fn name(&self) -> String {
        self.kid.clone().unwrap_or_else(|| {
            crate::tr!(
                "key-name-from",
                size = self.material.size_label(),
                source = self.source.to_string()
            )
        })
    }

    /// The row the key list panel and JSON output show. Holds no secret.
    pub fn row(&self) -> KeyRow {
        KeyRow {
            kid: self.kid.clone(),
            kty: self.kty().to_owned(),
            alg: self.alg.clone(),
            key_use: self.key_use.clone(),
            size: self.material.size_label(),
            bits: self.material.bits(),
            fingerprint: self.material.fingerprint(),
            source: self.source.to_string(),
        }
    }
}

impl Material for KeyMaterial {
    fn kty(&self) -> &'static str {
        Self::kty(self)
    }
    fn bits(&self) -> usize {
        Self::bits(self)
    }
    fn size_label(&self) -> String {
        Self::size_label(self)
    }
    fn fingerprint(&self) -> Option<String> {
        Self::fingerprint(self)
    }
}

/// A JWK's metadata (RFC 7517 §4): `kid`, `alg`, `use`, `key_ops`.
pub(super) struct JwkMetadata {
    kid: Option<String>,
    alg: Option<String>,
    pub(super) key_use: Option<String>,
    key_ops: Option<Vec<String>>,
}

impl JwkMetadata {
    /// Reads it; a member of the wrong JSON type is an error, as the key is then not what it claims.
    pub(super) fn of(jwk: &JsonObject) -> Result<Self, String> {
        let key_ops = match jwk.get("key_ops") {
            None => None,
            Some(Value::Array(ops)) => Some(
                ops.iter()
                    .map(|op| {
                        op.as_str()
                            .map(str::to_owned)
                            .ok_or_else(|| crate::tr!("key-ops-non-string"))
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            Some(other) => {
                return Err(crate::tr!(
                    "key-ops-not-array",
                    kind = json_kind_text(other)
                ));
            }
        };
        Ok(Self {
            kid: optional_str(jwk, "kid")?,
            alg: optional_str(jwk, "alg")?,
            key_use: optional_str(jwk, "use")?,
            key_ops,
        })
    }

    /// The algorithm the JWK is restricted to.
    pub(super) fn alg(&self) -> Option<&str> {
        self.alg.as_deref()
    }
}

/// A key as plain data, for the key list panel and JSON output. Holds no secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeyRow {
    /// Key ID, if any.
    pub kid: Option<String>,
    /// `RSA`, `EC`, `OKP`, `oct` or `GOST`.
    pub kty: String,
    /// Algorithm the JWK is restricted to, if any.
    pub alg: Option<String>,
    /// `sig` or `enc`, if given.
    #[serde(rename = "use")]
    pub key_use: Option<String>,
    /// "RSA 2048", "P-256", "Ed25519", "HMAC 256 bits", "GOST R 34.10-2012 256 CryptoPro-A".
    pub size: String,
    /// Key size in bits.
    pub bits: usize,
    /// RFC 7638 thumbprint (SHA-256, base64url) or the GOST fingerprint; `None` for secrets.
    pub fingerprint: Option<String>,
    /// Where the key came from, e.g. "JWKS keycloak-jwks.json".
    pub source: String,
}

/// An entry that could not be used, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeyProblem {
    /// Where the entry came from, e.g. "JWKS keycloak-jwks.json".
    pub source: String,
    /// Which entry, e.g. "key #2 (kid kc-ec-1)" or "PEM block #1 (CERTIFICATE)".
    pub entry: Option<String>,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for KeyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.entry {
            Some(entry) => write!(f, "{}, {entry}: {}", self.source, self.message),
            None => write!(f, "{}: {}", self.source, self.message),
        }
    }
}

/// Keys to verify with, plus clear messages about entries that could not be used.
#[derive(Clone, Debug, Default)]
pub struct KeySet {
    /// Usable keys, in the order they were given.
    pub keys: Vec<VerificationKey>,
    /// Entries that were skipped, with the reason.
    pub problems: Vec<KeyProblem>,
    /// Private keys to decrypt a JWE with (RFC 7516): from JWKs with their
    /// private members, PEM private keys and PKCS#12 containers.
    pub decryption: Vec<DecryptionKey>,
    /// The PKCS#12 containers (by label) that the passphrase given — or
    /// none — did not open: what the window asks a passphrase for, and
    /// what a run names in its failure.
    pub locked: Vec<String>,
}

impl KeySet {
    /// Parses a JWK Set (RFC 7517 §5) — or a single JWK — from JSON text.
    /// `source_label` names the file or URL in the key list.
    pub fn from_jwks_json(json: &str, source_label: &str) -> Self {
        let source = KeySource::Jwks(source_label.to_owned());
        let mut set = Self::default();
        let document = match serde_json::from_str::<Value>(json) {
            Ok(Value::Object(object)) => object,
            Ok(other) => {
                set.problem(
                    &source,
                    None,
                    crate::tr!("key-jwks-not-object", kind = json_kind_text(&other)),
                );
                return set;
            }
            Err(error) => {
                set.problem(
                    &source,
                    None,
                    crate::tr!("key-not-json", error = error.to_string()),
                );
                return set;
            }
        };
        if document.contains_key("kty") {
            // A bare JWK (RFC 7517 §4) rather than a set: accept it as a set of one.
            set.add_jwk(&document, &source, crate::tr!("key-the-key"));
            return set;
        }
        let entries = match document.get("keys") {
            Some(Value::Array(entries)) => entries,
            Some(other) => {
                set.problem(
                    &source,
                    None,
                    crate::tr!("key-keys-not-array", kind = json_kind_text(other)),
                );
                return set;
            }
            None => {
                set.problem(&source, None, crate::tr!("key-no-keys-member"));
                return set;
            }
        };
        if entries.is_empty() {
            set.problem(&source, None, crate::tr!("key-set-empty"));
        }
        for (index, entry) in entries.iter().enumerate() {
            let number = index + 1;
            match entry {
                Value::Object(jwk) => {
                    let label = jwk.get("kid").and_then(Value::as_str).map_or_else(
                        || crate::tr!("key-entry", number = number),
                        |kid| crate::tr!("key-entry-kid", number = number, kid = kid),
                    );
                    set.add_jwk(jwk, &source, label);
                }
                other => set.problem(
                    &source,
                    Some(crate::tr!("key-entry", number = number)),
                    crate::tr!("key-entry-not-object", kind = json_kind_text(other)),
                ),
            }
        }
        set
    }

    /// Parses PEM text: any number of `PUBLIC KEY`, `RSA PUBLIC KEY` and
    /// `CERTIFICATE` blocks (RFC 7468). A certificate with a GOST key goes to
    /// the GOST module. Private keys are refused: verification needs none.
    pub fn from_pem(text: &str, label: &str) -> Self {
        let pem_source = KeySource::Pem(label.to_owned());
        let mut set = Self::default();
        let blocks = pem_blocks(text);
        if blocks.is_empty() {
            set.problem(&pem_source, None, crate::tr!("key-no-pem-block"));
        }
        for (index, block) in blocks.into_iter().enumerate() {
            let entry = crate::tr!("key-pem-block", number = index + 1);
            let block = match block {
                Ok(block) => block,
                Err(message) => {
                    set.problem(&pem_source, Some(entry), message);
                    continue;
                }
            };
            let entry = format!("{entry} ({})", block.label);
            match block.label.as_str() {
                "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE"
                    if private_keys::looks_like_pkcs12(&block.der) =>
                {
                    // A binary file handed over as PEM may be a PKCS#12 container.
                    set = set.merge(Self::from_pkcs12(&block.der, "", label));
                }
                "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => {
                    match key_from_certificate(&block.der, label) {
                        Ok(key) => set.keys.push(key),
                        Err(message) => set.problem(&pem_source, Some(entry), message),
                    }
                }
                "PUBLIC KEY" => match material_from_spki(&block.der) {
                    Ok(material) => set
                        .keys
                        .push(VerificationKey::new(material, pem_source.clone())),
                    Err(message) => set.problem(&pem_source, Some(entry), message),
                },
                "RSA PUBLIC KEY" => match rsa_from_pkcs1(&block.der) {
                    Ok(material) => set
                        .keys
                        .push(VerificationKey::new(material, pem_source.clone())),
                    Err(message) => set.problem(&pem_source, Some(entry), message),
                },
                other if other.contains("PRIVATE KEY") => {
                    // A private key decrypts (RFC 7516); verification needs none.
                    match private_keys::from_pem_block(other, &block.der) {
                        Ok(material) => set
                            .decryption
                            .push(DecryptionKey::new(material, pem_source.clone())),
                        Err(message) => set.problem(&pem_source, Some(entry), message),
                    }
                }
                _ => set.problem(&pem_source, Some(entry), crate::tr!("key-unsupported-pem")),
            }
        }
        set
    }

    /// Reads one DER-encoded X.509 certificate (a `.cer`/`.crt` file in binary form).
    pub fn from_der_certificate(der: &[u8], label: &str) -> Self {
        let mut set = Self::default();
        match key_from_certificate(der, label) {
            Ok(key) => set.keys.push(key),
            Err(message) => set.problem(&KeySource::Certificate(label.to_owned()), None, message),
        }
        set
    }

    /// A shared secret for HS256/384/512 (RFC 7518 §3.2). An OIDC client's
    /// secret is used as its UTF-8 bytes (OIDC Core §10.1); a base64url
    /// secret (like Keycloak's) must be decoded by the caller first.
    pub fn hmac(secret: &[u8], label: &str) -> Self {
        let source = KeySource::Secret(label.to_owned());
        let mut set = Self::default();
        if secret.is_empty() {
            set.problem(&source, None, crate::tr!("key-secret-empty"));
        } else {
            set.keys.push(VerificationKey::new(
                KeyMaterial::Hmac(HmacSecret::new(secret)),
                source,
            ));
        }
        set
    }

    /// Reads pasted key material of any supported kind: JSON is taken as a
    /// JWK Set or JWK, anything with `-----BEGIN` as PEM.
    pub fn from_text(text: &str, label: &str) -> Self {
        let trimmed = text.trim_start();
        if trimmed.starts_with('{') {
            Self::from_jwks_json(text, label)
        } else if trimmed.contains("-----BEGIN") {
            Self::from_pem(text, label)
        } else {
            let mut set = Self::default();
            set.problem(
                &KeySource::Pem(label.to_owned()),
                None,
                crate::tr!("key-neither-jwks-nor-pem"),
            );
            set
        }
    }

    /// The private key of a PKCS#12 container (RFC 7292), opened with its
    /// passphrase, as a decryption key.
    pub fn from_pkcs12(data: &[u8], passphrase: &str, label: &str) -> Self {
        let source = KeySource::Pkcs12(label.to_owned());
        let mut set = Self::default();
        let loaded = match private_keys::open_pkcs12(data, passphrase) {
            Ok(contents) => private_keys::from_pkcs8(&contents.key_der),
            Err(private_keys::Pkcs12Error::WrongPassphrase) => {
                set.locked.push(label.to_owned());
                Err(private_keys::Pkcs12Error::WrongPassphrase.to_string())
            }
            Err(other) => Err(other.to_string()),
        };
        match loaded {
            Ok(material) => set.decryption.push(DecryptionKey::new(material, source)),
            Err(message) => set.problem(&source, None, message),
        }
        set
    }

    /// Reads a key file of any supported kind: a JWK Set or JWK, PEM (public
    /// keys, certificates, private keys), a DER certificate or a PKCS#12
    /// container (opened with `passphrase`, else an empty one).
    pub fn from_file_bytes(bytes: &[u8], label: &str, passphrase: Option<&str>) -> Self {
        if let Ok(text) = std::str::from_utf8(bytes)
            && (text.trim_start().starts_with('{') || text.contains("-----BEGIN"))
        {
            return Self::from_text(text, label);
        }
        if private_keys::looks_like_pkcs12(bytes) {
            Self::from_pkcs12(bytes, passphrase.unwrap_or_default(), label)
        } else {
            Self::from_der_certificate(bytes, label)
        }
    }

    /// Reads the private key files a JWE is decrypted with: a JWK or JWKS
    /// with private members, PEM private keys, a PKCS#12 container (opened
    /// with `passphrase`). Only their decryption keys are kept (public keys
    /// to verify with come from elsewhere). A file that cannot be read, or
    /// holds no decryption key at all, is an error that says why. The one
    /// loader of `decode --key`, `verify --decryption-key`, `run
    /// --decryption-key` and the window's flow (off the UI thread: it is
    /// disk work).
    pub fn load_decryption_files(
        paths: &[std::path::PathBuf],
        passphrase: Option<&crate::secret::Secret>,
    ) -> Result<Self, String> {
        let mut keys = Self::default();
        for path in paths {
            let bytes = std::fs::read(path).map_err(|e| {
                crate::tr!(
                    "key-file-unreadable",
                    path = path.display().to_string(),
                    error = e.to_string()
                )
            })?;
            let label = path.file_name().map_or_else(
                || path.display().to_string(),
                |name| name.to_string_lossy().into_owned(),
            );
            let set = Self::from_file_bytes(
                &bytes,
                &label,
                passphrase.map(crate::secret::Secret::expose),
            );
            if !set.can_decrypt() {
                if !set.locked.is_empty() {
                    // The one failure the user fixes by typing: say it plainly.
                    let given = passphrase.is_some_and(|p| !p.is_empty());
                    return Err(if given {
                        crate::tr!("key-file-passphrase-wrong", file = label)
                    } else {
                        crate::tr!("key-file-passphrase-missing", file = label)
                    });
                }
                let why: Vec<String> = set.problems.iter().map(ToString::to_string).collect();
                let path = path.display().to_string();
                return Err(if why.is_empty() {
                    crate::tr!("key-file-no-decryption-key", path = path)
                } else {
                    crate::tr!(
                        "key-file-no-decryption-key-why",
                        path = path,
                        why = why.join("; ")
                    )
                });
            }
            keys.decryption.extend(set.decryption);
            keys.problems.extend(set.problems);
        }
        Ok(keys)
    }

    /// This set followed by `other` (keys and problems both kept).
    #[must_use]
    pub fn merge(mut self, other: Self) -> Self {
        self.keys.extend(other.keys);
        self.problems.extend(other.problems);
        self.decryption.extend(other.decryption);
        self.locked.extend(other.locked);
        self
    }

    /// Rows for the decryption keys (no secret in them).
    pub fn decryption_rows(&self) -> Vec<KeyRow> {
        self.decryption.iter().map(DecryptionKey::row).collect()
    }

    /// Whether there is a key to decrypt a JWE with.
    pub fn can_decrypt(&self) -> bool {
        !self.decryption.is_empty()
    }

    /// Rows for the key list panel.
    pub fn rows(&self) -> Vec<KeyRow> {
        self.keys.iter().map(VerificationKey::row).collect()
    }

    /// The key IDs present, in order, for "the key set has kids A, B" messages.
    pub fn kids(&self) -> Vec<&str> {
        self.keys
            .iter()
            .filter_map(|key| key.kid.as_deref())
            .collect()
    }

    /// Whether there is nothing to verify with.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    fn problem(&mut self, source: &KeySource, entry: Option<String>, message: String) {
        self.problems.push(KeyProblem {
            source: source.to_string(),
            entry,
            message,
        });
    }

    fn add_jwk(&mut self, jwk: &JsonObject, source: &KeySource, entry: String) {
        match key_from_jwk(jwk, source) {
            Ok(key) => self.keys.push(key),
            Err(message) => return self.problem(source, Some(entry), message),
        }
        // The same JWK's private half, or an AES key, decrypts (RFC 7518 §6).
        match private_keys::decryption_key_from_jwk(jwk, source) {
            Ok(Some(key)) => self.decryption.push(key),
            Ok(None) => {}
            Err(message) => self.problem(
                source,
                Some(entry),
                crate::tr!("key-private-part", reason = message),
            ),
        }
    }
}

/// One JWK (RFC 7517 §4, RFC 7518 §6, RFC 8037 §2) to a key.
fn key_from_jwk(jwk: &JsonObject, source: &KeySource) -> Result<VerificationKey, String> {
    let kty = optional_str(jwk, "kty")?.ok_or_else(|| crate::tr!("key-no-kty"))?;
    let metadata = JwkMetadata::of(jwk)?;
    let material = match kty.as_str() {
        "RSA" => {
            let n = member_bytes(jwk, "n", "RSA")?;
            let e = member_bytes(jwk, "e", "RSA")?;
            rsa_key(&n, &e)?
        }
        "EC" => ec_from_jwk(jwk)?,
        "OKP" => okp_from_jwk(jwk)?,
        "oct" => {
            let k = member_bytes(jwk, "k", "oct")?;
            if k.is_empty() {
                return Err(crate::tr!("key-oct-empty"));
            }
            KeyMaterial::Hmac(HmacSecret::new(&k))
        }
        other => material_from_x5c(jwk)
            .ok_or_else(|| crate::tr!("key-unsupported-kty", kty = other))??,
    };
    Ok(VerificationKey::from_jwk(material, metadata, source))
}

/// For key types JOSE has no JWK form for (GOST), the key may still travel in
/// the JWK's own `x5c` certificate (RFC 7517 §4.7). This is the configured key
/// set speaking, not the token, so it may be trusted.
fn material_from_x5c(jwk: &JsonObject) -> Option<Result<KeyMaterial, String>> {
    let first = jwk.get("x5c")?.as_array()?.first()?.as_str()?;
    Some(
        BASE64_STANDARD
            .decode(first)
            .map_err(|error| crate::tr!("key-x5c-not-base64", error = error.to_string()))
            .and_then(|der| key_from_certificate(&der, "x5c").map(|key| key.material)),
    )
}

pub(crate) fn optional_str(jwk: &JsonObject, name: &str) -> Result<Option<String>, String> {
    match jwk.get(name) {
        None => Ok(None),
        Some(Value::String(value)) => Ok(Some(value.clone())),
        Some(other) => Err(crate::tr!(
            "key-member-not-string",
            name = name,
            kind = json_kind_text(other)
        )),
    }
}

pub(crate) fn member_bytes(jwk: &JsonObject, name: &str, kty: &str) -> Result<Vec<u8>, String> {
    let text = optional_str(jwk, name)?
        .ok_or_else(|| crate::tr!("key-member-missing", kty = kty, name = name))?;
    decode_segment(&text, Part::Payload)
        .map_err(|_| crate::tr!("key-member-not-base64url", name = name))
}

fn ec_from_jwk(jwk: &JsonObject) -> Result<KeyMaterial, String> {
    let crv = optional_str(jwk, "crv")?.ok_or_else(|| crate::tr!("key-ec-no-crv"))?;
    let size = match crv.as_str() {
        "P-256" => 32,
        "P-384" => 48,
        "P-521" => 66,
        other => {
            return Err(crate::tr!("key-ec-unsupported-curve", crv = other));
        }
    };
    let x = member_bytes(jwk, "x", "EC")?;
    let y = member_bytes(jwk, "y", "EC")?;
    for (name, value) in [("x", &x), ("y", &y)] {
        if value.len() != size {
            return Err(crate::tr!(
                "key-ec-coordinate-length",
                name = name,
                length = value.len(),
                crv = crv.as_str(),
                size = size
            ));
        }
    }
    let mut point = Vec::with_capacity(1 + 2 * size);
    point.push(0x04);
    point.extend_from_slice(&x);
    point.extend_from_slice(&y);
    ec_from_sec1(&crv, &point)
}

fn ec_from_sec1(crv: &str, point: &[u8]) -> Result<KeyMaterial, String> {
    let not_on_curve = |_| crate::tr!("key-ec-not-on-curve", crv = crv);
    match crv {
        "P-256" => p256::ecdsa::VerifyingKey::from_sec1_bytes(point)
            .map(KeyMaterial::P256)
            .map_err(not_on_curve),
        "P-384" => p384::ecdsa::VerifyingKey::from_sec1_bytes(point)
            .map(KeyMaterial::P384)
            .map_err(not_on_curve),
        "P-521" => p521::ecdsa::VerifyingKey::from_sec1_bytes(point)
            .map(KeyMaterial::P521)
            .map_err(not_on_curve),
        other => Err(crate::tr!("key-ec-unsupported-curve-name", crv = other)),
    }
}

pub(crate) fn okp_from_jwk(jwk: &JsonObject) -> Result<KeyMaterial, String> {
    let crv = optional_str(jwk, "crv")?.ok_or_else(|| crate::tr!("key-okp-no-crv"))?;
    match crv.as_str() {
        "Ed25519" => ed25519_from_bytes(&member_bytes(jwk, "x", "OKP")?),
        "X25519" | "X448" => Err(crate::tr!("key-okp-key-agreement", crv = crv.as_str())),
        other => Err(crate::tr!("key-okp-unsupported-curve", crv = other)),
    }
}

fn ed25519_from_bytes(x: &[u8]) -> Result<KeyMaterial, String> {
    let bytes: &[u8; 32] = x
        .try_into()
        .map_err(|_| crate::tr!("key-ed25519-length", length = x.len()))?;
    ed25519_dalek::VerifyingKey::from_bytes(bytes)
        .map(KeyMaterial::Ed25519)
        .map_err(|_| crate::tr!("key-ed25519-invalid"))
}

/// RSA key from big-endian modulus and exponent, held to RFC 7518 §3.3's minimum.
fn rsa_key(n: &[u8], e: &[u8]) -> Result<KeyMaterial, String> {
    let n = rsa::BoxedUint::from_be_slice_vartime(n);
    let e = rsa::BoxedUint::from_be_slice_vartime(e);
    let bits = n.bit_width_vartime() as usize;
    if bits < MIN_RSA_BITS {
        return Err(crate::tr!(
            "key-rsa-too-small",
            bits = bits,
            min = MIN_RSA_BITS
        ));
    }
    if bits > MAX_RSA_BITS {
        return Err(crate::tr!(
            "key-rsa-too-large",
            bits = bits,
            max = MAX_RSA_BITS
        ));
    }
    rsa::PublicKey::new_with_size_limits(n, e, MIN_RSA_BITS..=MAX_RSA_BITS)
        .map(KeyMaterial::Rsa)
        .map_err(|error| crate::tr!("key-rsa-unusable", error = error.to_string()))
}

/// `RSAPublicKey` (RFC 8017 §A.1.1), the body of an `RSA PUBLIC KEY` PEM block.
fn rsa_from_pkcs1(der: &[u8]) -> Result<KeyMaterial, String> {
    let key = rsa::pkcs1::RsaPublicKeyRef::from_der(der)
        .map_err(|error| crate::tr!("key-pkcs1-invalid", error = error.to_string()))?;
    rsa_key(key.modulus.as_bytes(), key.public_exponent.as_bytes())
}

/// A DER `SubjectPublicKeyInfo` (RFC 5280 §4.1.2.7) to key material, by algorithm OID.
fn material_from_spki(der: &[u8]) -> Result<KeyMaterial, String> {
    let spki = SubjectPublicKeyInfoRef::from_der(der)
        .map_err(|error| crate::tr!("key-spki-invalid", error = error.to_string()))?;
    let oid = spki.algorithm.oid;
    let key_bytes = || {
        spki.subject_public_key
            .as_bytes()
            .ok_or_else(|| crate::tr!("key-bit-string-unused-bits"))
    };
    if oid == OID_RSA {
        rsa_from_pkcs1(key_bytes()?)
    } else if oid == OID_EC {
        let curve = spki
            .algorithm
            .parameters_oid()
            .map_err(|_| crate::tr!("key-ec-no-named-curve"))?;
        let crv = match curve {
            c if c == OID_P256 => "P-256",
            c if c == OID_P384 => "P-384",
            c if c == OID_P521 => "P-521",
            c if c == OID_SECP256K1 => {
                return Err(crate::tr!("key-ec-secp256k1"));
            }
            c => return Err(crate::tr!("key-ec-curve-oid", oid = c.to_string())),
        };
        ec_from_sec1(crv, key_bytes()?)
    } else if oid == OID_ED25519 {
        ed25519_from_bytes(key_bytes()?)
    } else if oid == OID_GOST_2012_256 || oid == OID_GOST_2012_512 || oid == OID_GOST_2001 {
        GostPublicKey::from_spki_der(der)
            .map(|key| KeyMaterial::Gost(Arc::new(key)))
            .map_err(|error| crate::tr!("key-gost-unusable", error = error.to_string()))
    } else {
        Err(unsupported_algorithm(oid))
    }
}

fn unsupported_algorithm(oid: ObjectIdentifier) -> String {
    let name = match oid {
        o if o == OID_ED448 => "Ed448".to_owned(),
        o if o == OID_X25519 => crate::tr!("key-kind-key-agreement", name = "X25519"),
        o if o == OID_X448 => crate::tr!("key-kind-key-agreement", name = "X448"),
        o if o == OID_DSA => "DSA".to_owned(),
        o if o == OID_RSA_PSS => "RSASSA-PSS-restricted RSA".to_owned(),
        _ => return crate::tr!("key-unsupported-oid", oid = oid.to_string()),
    };
    crate::tr!("key-unsupported-named", name = name, oid = oid.to_string())
}

/// The subject public key of a DER certificate. Validity dates and the
/// issuer chain are not checked: the certificate is only a key container here.
fn key_from_certificate(der: &[u8], label: &str) -> Result<VerificationKey, String> {
    let certificate = x509_cert::Certificate::from_der(der)
        .map_err(|error| crate::tr!("key-certificate-invalid", error = error.to_string()))?;
    let tbs = certificate.tbs_certificate();
    let spki = tbs.subject_public_key_info();
    let oid = spki.algorithm.oid;
    let material = if oid == OID_GOST_2012_256 || oid == OID_GOST_2012_512 || oid == OID_GOST_2001 {
        GostPublicKey::from_certificate(der)
            .map(|key| KeyMaterial::Gost(Arc::new(key)))
            .map_err(|error| {
                crate::tr!("key-gost-certificate-unusable", error = error.to_string())
            })?
    } else {
        let spki_der = spki
            .to_der()
            .map_err(|error| crate::tr!("key-certificate-reencode", error = error.to_string()))?;
        material_from_spki(&spki_der)?
    };
    let subject = tbs.subject().to_string();
    let source = if subject.is_empty() {
        KeySource::Certificate(label.to_owned())
    } else {
        KeySource::Certificate(format!("{label} ({subject})"))
    };
    Ok(VerificationKey::new(material, source))
}

/// A decoded PEM block.
pub(crate) struct PemBlock {
    /// The label of the BEGIN line: `PRIVATE KEY`, `CERTIFICATE`, …
    pub(crate) label: String,
    /// The decoded body.
    pub(crate) der: Vec<u8>,
}

/// Splits PEM text into blocks (RFC 7468 §2), tolerating text around them,
/// CRLF line ends and indentation; a block without its END line is reported
/// as truncated rather than dropped.
pub(crate) fn pem_blocks(text: &str) -> Vec<Result<PemBlock, String>> {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let mut blocks = Vec::new();
    let mut index = 0;
    while let Some(&begin) = lines.get(index) {
        index += 1;
        let Some(label) = begin
            .strip_prefix("-----BEGIN ")
            .and_then(|rest| rest.strip_suffix("-----"))
        else {
            continue;
        };
        let end = format!("-----END {label}-----");
        let mut body = String::new();
        let mut closed = false;
        while let Some(&line) = lines.get(index) {
            if line.starts_with("-----BEGIN ") {
                // Leave the next block's BEGIN line for the outer loop.
                break;
            }
            index += 1;
            if line == end {
                closed = true;
                break;
            }
            // RFC 1421-style headers (`Proc-Type: …`) carry no key bytes.
            if !line.contains(':') {
                body.push_str(line);
            }
        }
        if !closed {
            blocks.push(Err(crate::tr!(
                "key-pem-truncated",
                label = label,
                end = end.as_str()
            )));
            continue;
        }
        blocks.push(
            BASE64_STANDARD
                .decode(body.as_bytes())
                .map(|der| PemBlock {
                    label: label.to_owned(),
                    der,
                })
                .map_err(|error| {
                    crate::tr!(
                        "key-pem-not-base64",
                        label = label,
                        error = error.to_string()
                    )
                }),
        );
    }
    blocks
}

#[cfg(test)]
#[expect(
    clippy::string_slice,
    reason = "tests cut ASCII PEM fixtures at known places"
)]
pub(crate) mod tests {
    use super::*;

    const KEYCLOAK_JWKS: &str = include_str!("../../tests/fixtures/keycloak-jwks.json");
    const SBER_CERT: &str = include_str!("../../tests/fixtures/sber-bank-certificate.pem");

    /// RFC 7638 §3.1 example key (thumbprint given in the RFC).
    const RFC7638_N: &str = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";

    /// Self-signed certificate for the RFC 7520 §3.4 RSA key, made once with Python `cryptography`.
    pub(crate) const RFC7520_RSA_CERT: &str = "-----BEGIN CERTIFICATE-----
MIICsjCCAZqgAwIBAgICEjQwDQYJKoZIhvcNAQELBQAwHDEaMBgGA1UEAwwRUkZD
IDc1MjAgdGVzdCBrZXkwHhcNMjYwMTAxMDAwMDAwWhcNMzUxMjMwMDAwMDAwWjAc
MRowGAYDVQQDDBFSRkMgNzUyMCB0ZXN0IGtleTCCASIwDQYJKoZIhvcNAQEBBQAD
ggEPADCCAQoCggEBAJ+BD7QDgnPQJZHkBz8x0rYAG4LO202S8FAWXUfPyrijxBy3
eKx1U3k/jvl1do0aI3TYcSVkw7zXe56kNFRImUB8/wCZkgqTGiTEQUhSqym9sKlc
BlPzbGDmC/kLYljdpW83BHulwtHQKa+cnUC6x6pBx4oN0QaK3WmegI/qAR6hRB2K
T3u06Xvjn1Xx3dROnEujNRWXA9TTS2A+ZRR6TyPW08CZbHXt7oRqgtGQrhB4PJYc
8Dh67SEG0tBVW2/ZN/rVU1OH4P9y/754lBQCsLgi6ip0tgWMHav5s0p2y2O4f6os
aEe44oN//5EYbmscFJEc+YmokJKoHOYB3azT+c8CAwEAATANBgkqhkiG9w0BAQsF
AAOCAQEAfIKkww3bPnmqjkmvrg5jFxDhIp6l+bFFGK65eKDrNEKUdIzNvc/v9z0Q
taOAkGmrVTgXPLrLhE4lvrRN/F7bXa3LDNV/qoLBq6QP2Q7qc00wdPHNIrvo4Hrd
DedtZUUpEuWkQynmb8jD6weWJhR5ta2Vr8aqFEoZu7qBPH0HoMzws2dTPsnKBScv
6CUGO4UaWo+Y1exBPMz5+ZK/pi8iOHS3f+A0U88vYVh1fdUEbuNrGu1cKstoDlkA
j47Er2eRa/nIogEYQc7myNiVJD3I3sNcPE7V9pPIxJxMtIs3yMpIqV2h+BHEpRud
HYrzt9oZSE4PvEOU59A4uRRVaeBgfw==
-----END CERTIFICATE-----
";

    /// Self-signed Ed448 certificate (a key type tokenscope does not verify with).
    const ED448_CERT: &str = "-----BEGIN CERTIFICATE-----
MIIBKjCBq6ADAgECAgISNDAFBgMrZXEwGTEXMBUGA1UEAwwORWQ0NDggdGVzdCBr
ZXkwHhcNMjYwMTAxMDAwMDAwWhcNMzUxMjMwMDAwMDAwWjAZMRcwFQYDVQQDDA5F
ZDQ0OCB0ZXN0IGtleTBDMAUGAytlcQM6ABjQpw5Cp0LftWEnmJM4UGHXtNrY9v7t
R5Hqq2ay9KTwL8CUYqi/sYQtC6xg6KGz5VuiQH8zIm84ADAFBgMrZXEDcwAlomAM
krVh/rkYSwcD10ybSGBWGXErhNmOO9J8RmSTPqzmhtOIABH7Sfc9tUTmr9KCD9rZ
w2FuKgDYIRa4X3WHqxL1cC9k8P7F5NVc8nAOlffFBZt//cl8y+aT5j4nclF5EQT3
5t3MywEUnXkbK9geCgA=
-----END CERTIFICATE-----
";

    /// The RFC 7520 §3.4 RSA public key as PKCS#1.
    const RFC7520_RSA_PKCS1: &str = "-----BEGIN RSA PUBLIC KEY-----
MIIBCgKCAQEAn4EPtAOCc9AlkeQHPzHStgAbgs7bTZLwUBZdR8/KuKPEHLd4rHVT
eT+O+XV2jRojdNhxJWTDvNd7nqQ0VEiZQHz/AJmSCpMaJMRBSFKrKb2wqVwGU/Ns
YOYL+QtiWN2lbzcEe6XC0dApr5ydQLrHqkHHig3RBordaZ6Aj+oBHqFEHYpPe7Tp
e+OfVfHd1E6cS6M1FZcD1NNLYD5lFHpPI9bTwJlsde3uhGqC0ZCuEHg8lhzwOHrt
IQbS0FVbb9k3+tVTU4fg/3L/vniUFAKwuCLqKnS2BYwdq/mzSnbLY7h/qixoR7ji
g3//kRhuaxwUkRz5iaiQkqgc5gHdrNP5zwIDAQAB
-----END RSA PUBLIC KEY-----
";

    /// P-256 public key for the private scalar 0x1111…11, as SPKI.
    pub(crate) const P256_SPKI: &str = "-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEAhfmF/C2RDkoJ4+WmZ5pojpPLBUr
321s32bluAKC1O0ZSn3ry5dxLS3aPKhaqHZaVvRfx1hZllLyiXxlMG5XlA==
-----END PUBLIC KEY-----
";

    /// RFC 8037 §A.2 Ed25519 public key as SPKI.
    const ED25519_SPKI: &str = "-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=
-----END PUBLIC KEY-----
";

    #[test]
    fn reads_the_keycloak_jwks() {
        let set = KeySet::from_jwks_json(KEYCLOAK_JWKS, "keycloak-jwks.json");
        assert!(set.problems.is_empty(), "{:?}", set.problems);
        assert_eq!(set.kids(), ["kc-rsa-1", "kc-ec-1", "kc-ed-1"]);
        let rows = set.rows();
        assert_eq!(rows[0].size, "RSA 2048");
        assert_eq!(rows[0].kty, "RSA");
        assert_eq!(rows[0].alg.as_deref(), Some("RS256"));
        assert_eq!(rows[0].key_use.as_deref(), Some("sig"));
        assert_eq!(rows[0].source, "JWKS keycloak-jwks.json");
        assert_eq!(rows[1].size, "P-256");
        assert_eq!(rows[2].size, "Ed25519");
        assert!(rows.iter().all(|row| row.fingerprint.is_some()));
    }

    #[test]
    fn rfc7638_thumbprints() {
        // RFC 7638 §3.1: the RSA example's thumbprint.
        let jwk = format!(
            r#"{{"kty":"RSA","n":"{RFC7638_N}","e":"AQAB","alg":"RS256","kid":"2011-04-29"}}"#
        );
        let set = KeySet::from_jwks_json(&jwk, "rfc7638");
        assert_eq!(
            set.rows()[0].fingerprint.as_deref(),
            Some("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
        );
        // RFC 8037 §A.3: the Ed25519 example's thumbprint.
        let set = KeySet::from_pem(ED25519_SPKI, "ed25519.pem");
        assert_eq!(
            set.rows()[0].fingerprint.as_deref(),
            Some("kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k")
        );
        // RFC 7520 §3.2's P-521 key (thumbprint as computed by go-jose and openssl).
        let jwk = r#"{"kty":"EC","crv":"P-521",
            "x":"AHKZLLOsCOzz5cY97ewNUajB957y-C-U88c3v13nmGZx6sYl_oJXu9A5RkTKqjqvjyekWF-7ytDyRXYgCF5cj0Kt",
            "y":"AdymlHvOiLxXkEhayXQnNCvDX4h9htZaCJN34kfmC6pV5OhQHiraVySsUdaQkAgDPrwQrJmbnX9cwlGfP-HqHZR1"}"#;
        let set = KeySet::from_jwks_json(jwk, "rfc7520");
        assert_eq!(
            set.rows()[0].fingerprint.as_deref(),
            Some("dHri3SADZkrush5HU_50AoRhcKFryN-PI6jPBtPL55M")
        );
    }

    #[test]
    fn junk_jwks_entries_are_listed_and_good_keys_kept() {
        let jwks = r#"{"keys":[
            {"kty":"RSA","kid":"no-n","e":"AQAB"},
            {"kty":"RSA","kid":"bad-b64","n":"!!!not base64!!!","e":"AQAB"},
            {"kty":"XYZ","kid":"odd"},
            42,
            {"kty":"EC","kid":"k1","crv":"secp256k1","x":"AA","y":"AA"},
            {"kty":"EC","kid":"short","crv":"P-256","x":"AA","y":"AA"},
            {"kty":"EC","kid":"off-curve","crv":"P-256",
             "x":"AhfmF_C2RDkoJ4-WmZ5pojpPLBUr321s32bluAKC1O0",
             "y":"AhfmF_C2RDkoJ4-WmZ5pojpPLBUr321s32bluAKC1O0"},
            {"kty":"OKP","kid":"x25519","crv":"X25519","x":"AA"},
            {"kty":"RSA","kid":"small","e":"AQAB","n":"vJACga2k_a49ATCYVRC3wdhsvJU6E-4GAPdL9inutmjKynH82DQwf4BzFbk6Ut4fxd6dTUS2UruX9XoW6fJHE_lS_HA5YInn229uKtZsZQV0YzT1Pzl_YriBZsWCxpfqJFx68PFvFDDbUpkmIxSsEQJidfp8ZlWFqMQXuh6IIAk"},
            {"kty":"RSA","kid":7,"n":"AQAB","e":"AQAB"},
            {"kty":"EC","kid":"good-ec","crv":"P-256",
             "x":"AhfmF_C2RDkoJ4-WmZ5pojpPLBUr321s32bluAKC1O0",
             "y":"GUp968uXcS0t2jyoWqh2Wlb0X8dYWZZS8ol8ZTBuV5Q"}
        ]}"#;
        let set = KeySet::from_jwks_json(jwks, "junk.json");
        assert_eq!(set.kids(), ["good-ec"]);
        let messages: Vec<String> = set.problems.iter().map(ToString::to_string).collect();
        let expect = [
            "key #1 (kid no-n): RSA key has no \"n\"",
            "key #2 (kid bad-b64): \"n\" is not valid base64url",
            "key #3 (kid odd): unsupported key type \"XYZ\"",
            "key #4: is a number, not a JWK object",
            "key #5 (kid k1): unsupported EC curve \"secp256k1\"",
            "key #6 (kid short): \"x\" is 1 bytes; P-256 needs exactly 32",
            "key #7 (kid off-curve): the point is not on the P-256 curve",
            "key #8 (kid x25519): X25519 is a key-agreement curve",
            "key #9 (kid small): the RSA key is 1024 bits; RS*/PS* need at least 2048",
            "key #10: \"kid\" must be a string, it is a number",
        ];
        assert_eq!(messages.len(), expect.len(), "{messages:#?}");
        for (message, expected) in messages.iter().zip(expect) {
            assert!(
                message.starts_with("JWKS junk.json, ") && message.contains(expected),
                "{message} should contain {expected}"
            );
        }
    }

    #[test]
    fn jwks_that_is_not_a_jwks() {
        for (text, message) in [
            ("not json", "not JSON"),
            ("[1]", "a JWKS is a JSON object, this is an array"),
            (r#"{"keys":{}}"#, "\"keys\" must be an array"),
            (r#"{"issuer":"x"}"#, "no \"keys\" member"),
            (r#"{"keys":[]}"#, "has no keys"),
        ] {
            let set = KeySet::from_jwks_json(text, "x");
            assert!(set.keys.is_empty());
            assert_eq!(set.problems.len(), 1, "{text}");
            assert!(
                set.problems[0].message.contains(message),
                "{}",
                set.problems[0]
            );
        }
    }

    #[test]
    fn pem_with_several_blocks_and_a_truncated_one() {
        let text = format!(
            "keys for the demo realm\n{RFC7520_RSA_CERT}\n{P256_SPKI}{RFC7520_RSA_PKCS1}{ED448_CERT}\
             -----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n\
             {}",
            &ED25519_SPKI[..60]
        );
        let set = KeySet::from_pem(&text, "bundle.pem");
        let sizes: Vec<String> = set.rows().into_iter().map(|row| row.size).collect();
        assert_eq!(sizes, ["RSA 2048", "P-256", "RSA 2048"]);
        assert_eq!(
            set.keys[0].source,
            KeySource::Certificate("bundle.pem (CN=RFC 7520 test key)".to_owned())
        );
        assert_eq!(set.keys[1].source, KeySource::Pem("bundle.pem".to_owned()));
        let messages: Vec<String> = set.problems.iter().map(ToString::to_string).collect();
        assert_eq!(messages.len(), 3, "{messages:#?}");
        assert!(messages[0].contains("PEM block #4 (CERTIFICATE): unsupported key type Ed448"));
        assert!(
            messages[1].contains("PEM block #5 (PRIVATE KEY): not a valid private key"),
            "{}",
            messages[1]
        );
        assert!(messages[2].contains("PEM block #6: PUBLIC KEY block has no"));
        assert!(messages[2].contains("truncated"));
        // The same RSA key through the certificate and through PKCS#1.
        assert_eq!(set.rows()[0].fingerprint, set.rows()[2].fingerprint);
    }

    #[test]
    fn a_truncated_block_does_not_swallow_the_next() {
        let text = format!("{}\n{P256_SPKI}", &RFC7520_RSA_PKCS1[..100]);
        let set = KeySet::from_pem(&text, "cut.pem");
        assert_eq!(set.rows()[0].size, "P-256");
        assert_eq!(set.problems.len(), 1);
        assert!(set.problems[0].message.contains("truncated"));
    }

    #[test]
    fn pem_garbage_never_panics() {
        let cases = [
            "",
            "hello",
            "-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----\n",
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
            "-----BEGIN CERTIFICATE-----\nMIIBKjCBq6AD\n-----END CERTIFICATE-----\n",
            "-----BEGIN RSA PUBLIC KEY-----\nMAA=\n-----END RSA PUBLIC KEY-----\n",
            "-----BEGIN OPENSSH PUBLIC KEY-----\nAAAA\n-----END OPENSSH PUBLIC KEY-----\n",
        ];
        for text in cases {
            let set = KeySet::from_pem(text, "x.pem");
            assert!(set.keys.is_empty(), "{text}");
            assert_eq!(set.problems.len(), 1, "{text}: {:?}", set.problems);
        }
        let set = KeySet::from_der_certificate(b"\x30\x03\x02\x01", "x.cer");
        assert!(
            set.problems[0]
                .message
                .contains("not a valid X.509 certificate")
        );
    }

    #[test]
    fn certificate_with_unsupported_key_is_a_problem() {
        let set = KeySet::from_pem(ED448_CERT, "ed448.pem");
        assert!(set.keys.is_empty());
        assert!(
            set.problems[0]
                .message
                .contains("unsupported key type Ed448"),
            "{}",
            set.problems[0]
        );
    }

    #[test]
    fn der_certificate() {
        let der = pem_blocks(RFC7520_RSA_CERT)
            .pop()
            .and_then(Result::ok)
            .expect("one block")
            .der;
        let set = KeySet::from_der_certificate(&der, "rfc7520.cer");
        assert!(set.problems.is_empty());
        assert_eq!(set.rows()[0].size, "RSA 2048");
    }

    #[test]
    fn gost_certificate_loads_or_says_why() {
        // The GOST module decides; either way this module reports it cleanly.
        let set = KeySet::from_pem(SBER_CERT, "sber-bank-certificate.pem");
        match set.keys.first() {
            Some(key) => {
                assert_eq!(key.kty(), "GOST");
                assert!(key.row().size.starts_with("GOST R 34.10-2012 256"));
                assert!(key.row().fingerprint.is_some());
            }
            None => assert!(set.problems[0].message.contains("GOST")),
        }
    }

    #[test]
    fn hmac_secrets_are_never_shown() {
        let set = KeySet::hmac(b"correct horse battery staple 123", "profile demo");
        let row = set.rows().remove(0);
        assert_eq!(row.size, "HMAC 256 bits");
        assert_eq!(row.kty, "oct");
        assert_eq!(row.fingerprint, None);
        assert_eq!(row.source, "shared secret profile demo");
        let debug = format!("{set:?}");
        assert!(!debug.contains("horse"), "{debug}");
        assert!(debug.contains("HMAC 256 bits"));
        assert_eq!(
            format!("{:?}", HmacSecret::new(b"abc")),
            "HmacSecret([redacted])"
        );
        let json = serde_json::to_string(&row).expect("serialises");
        assert!(!json.contains("horse"));
        assert!(
            KeySet::hmac(b"", "empty").problems[0]
                .message
                .contains("empty")
        );
    }

    #[test]
    fn merge_and_from_text() {
        let set = KeySet::from_text(KEYCLOAK_JWKS, "kc")
            .merge(KeySet::from_text(P256_SPKI, "p256.pem"))
            .merge(KeySet::from_text("nonsense", "typed"));
        assert_eq!(set.keys.len(), 4);
        assert_eq!(set.problems.len(), 1);
        assert!(set.problems[0].message.contains("neither a JWK Set"));
    }

    #[test]
    fn jwk_oct_and_single_jwk() {
        let set = KeySet::from_jwks_json(
            r#"{"kty":"oct","kid":"hs","k":"hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg"}"#,
            "one.json",
        );
        assert_eq!(set.rows()[0].size, "HMAC 256 bits");
        assert_eq!(set.rows()[0].kid.as_deref(), Some("hs"));
    }

    /// A PKCS#12 decryption key that its passphrase does not open is
    /// `locked` (the window asks for it), and the loader of `run`, `decode`
    /// and `verify` says whether the passphrase is wrong or not set.
    #[test]
    fn a_pkcs12_key_without_its_passphrase_is_locked_and_says_which() {
        use crate::secret::Secret;
        let path = std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/jwe/recipient-rsa.p12"
        ));
        let bytes = std::fs::read(&path).expect("the fixture");
        let locked = KeySet::from_file_bytes(&bytes, "recipient-rsa.p12", None);
        assert_eq!(locked.locked, ["recipient-rsa.p12"]);
        assert!(!locked.can_decrypt());
        let open = KeySet::from_file_bytes(&bytes, "recipient-rsa.p12", Some("tokenscope-test"));
        assert!(open.locked.is_empty() && open.can_decrypt());
        assert_eq!(
            locked.merge(open).locked,
            ["recipient-rsa.p12"],
            "merging keeps what stayed locked"
        );

        let load = |passphrase: Option<&str>| {
            KeySet::load_decryption_files(
                std::slice::from_ref(&path),
                passphrase.map(Secret::new).as_ref(),
            )
        };
        assert!(load(Some("tokenscope-test")).is_ok_and(|keys| keys.can_decrypt()));
        assert_eq!(
            load(Some("wrong")).err().as_deref(),
            Some("the passphrase of recipient-rsa.p12 is wrong")
        );
        for missing in [None, Some("")] {
            assert_eq!(
                load(missing).err().as_deref(),
                Some(
                    "the passphrase of recipient-rsa.p12 is not set: it is a PKCS#12 file that needs one"
                )
            );
        }
        crate::i18n::set_language(crate::i18n::Language::Ru);
        let said = load(Some("wrong")).err();
        crate::i18n::set_language(crate::i18n::Language::En);
        assert_eq!(said.as_deref(), Some("пароль к recipient-rsa.p12 неверный"));
    }
}
