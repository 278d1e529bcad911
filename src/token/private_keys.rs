//! Decryption keys: the private keys a JWE (RFC 7516) is opened with, and
//! where each came from.
//!
//! They come from the same material [`super::keys`] reads — a JWK or JWK Set
//! whose keys carry their private members (RFC 7518 §6.2.2, §6.3.2, §6.4),
//! PEM private keys (PKCS#8, PKCS#1, SEC1) — and from PKCS#12 containers.
//! The key set is loaded by path and never copied anywhere; the private parts
//! are wiped on drop (`rsa::PrivateKey` and `elliptic_curve::SecretKey`
//! zeroize themselves, AES keys live in [`HmacSecret`]'s `Zeroizing`), and
//! `Debug` never shows them.

use std::fmt;

use rsa::pkcs1::DecodeRsaPrivateKey as _;
use rsa::pkcs8::DecodePrivateKey as _;
use rsa::traits::PublicKeyParts as _;
use x509_cert::der::Decode as _;
use x509_cert::spki::ObjectIdentifier;
use zeroize::Zeroizing;

use super::jose::JsonObject;
use super::keys::{
    HmacSecret, JwkMetadata, KeyMaterial, KeySource, Keyed, MAX_RSA_BITS, MIN_RSA_BITS, Material,
    member_bytes, optional_str,
};

const OID_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const OID_EC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const OID_P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const OID_P521: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");
const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const OID_X25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.110");

/// The private half of a key, for key management (RFC 7518 §4).
#[derive(Clone)]
pub enum PrivateMaterial {
    /// RSA private key (`RSA-OAEP`, `RSA-OAEP-256`, and `RSA1_5` when allowed).
    Rsa(Box<rsa::PrivateKey>),
    /// P-256 private key (`ECDH-ES`, `ECDH-ES+A*KW`).
    P256(p256::SecretKey),
    /// P-384 private key.
    P384(p384::SecretKey),
    /// P-521 private key.
    P521(p521::SecretKey),
    /// A symmetric key (`dir`, `A*KW`, `A*GCMKW`).
    Oct(HmacSecret),
}

impl fmt::Debug for PrivateMaterial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PrivateMaterial({})", self.size_label())
    }
}

impl PrivateMaterial {
    /// JWK key type (RFC 7518 §6.1).
    pub fn kty(&self) -> &'static str {
        match self {
            Self::Rsa(_) => "RSA",
            Self::P256(_) | Self::P384(_) | Self::P521(_) => "EC",
            Self::Oct(_) => "oct",
        }
    }

    /// The curve name of an EC key.
    pub fn curve(&self) -> Option<&'static str> {
        match self {
            Self::P256(_) => Some("P-256"),
            Self::P384(_) => Some("P-384"),
            Self::P521(_) => Some("P-521"),
            Self::Rsa(_) | Self::Oct(_) => None,
        }
    }

    /// The public half, as verification keys carry it (for sizes and thumbprints).
    fn public(&self) -> Option<KeyMaterial> {
        Some(match self {
            Self::Rsa(key) => KeyMaterial::Rsa(key.to_public_key()),
            Self::P256(key) => KeyMaterial::P256(p256::ecdsa::VerifyingKey::from(key.public_key())),
            Self::P384(key) => KeyMaterial::P384(p384::ecdsa::VerifyingKey::from(key.public_key())),
            Self::P521(key) => KeyMaterial::P521(p521::ecdsa::VerifyingKey::from(key.public_key())),
            Self::Oct(_) => return None,
        })
    }

    /// Key size in bits.
    pub fn bits(&self) -> usize {
        match self {
            Self::Oct(secret) => secret.len() * 8,
            other => other.public().map_or(0, |public| public.bits()),
        }
    }

    /// "RSA 2048", "P-256", "secret key, 128 bits".
    pub fn size_label(&self) -> String {
        match self {
            Self::Oct(secret) => crate::tr!("key-size-symmetric", bits = secret.len() * 8),
            other => other
                .public()
                .map(|public| public.size_label())
                .unwrap_or_default(),
        }
    }

    /// The RFC 7638 thumbprint of the public half; `None` for a symmetric key,
    /// which is never shown in any form.
    pub fn fingerprint(&self) -> Option<String> {
        self.public()?.fingerprint()
    }
}

/// One key a JWE may be decrypted with, with its JWK metadata.
pub type DecryptionKey = Keyed<PrivateMaterial>;

impl Material for PrivateMaterial {
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

/// Whether a JWK carries a private key (RFC 7518 §6.2.2.1, §6.3.2.1; RFC 8037 §2).
pub(super) fn jwk_is_private(jwk: &JsonObject) -> bool {
    jwk.contains_key("d")
}

/// The JWE algorithms of RFC 7518 §4.1 and §5.1, for telling an `oct` JWK
/// meant for encryption from an HMAC secret (a `dir` key may name its `enc`,
/// as RFC 7520 §5.6 does).
pub(super) fn is_encryption_alg(alg: &str) -> bool {
    matches!(
        alg,
        "dir"
            | "A128GCM"
            | "A192GCM"
            | "A256GCM"
            | "A128CBC-HS256"
            | "A192CBC-HS384"
            | "A256CBC-HS512"
            | "A128KW"
            | "A192KW"
            | "A256KW"
            | "A128GCMKW"
            | "A192GCMKW"
            | "A256GCMKW"
            | "RSA1_5"
            | "RSA-OAEP"
            | "RSA-OAEP-256"
            | "RSA-OAEP-384"
            | "RSA-OAEP-512"
            | "ECDH-ES"
            | "ECDH-ES+A128KW"
            | "ECDH-ES+A192KW"
            | "ECDH-ES+A256KW"
    )
}

/// The private key of a JWK, with the JWK's metadata: `Ok(None)` when the
/// JWK holds nothing to decrypt with (a public key, an HMAC secret).
pub(super) fn decryption_key_from_jwk(
    jwk: &JsonObject,
    source: &KeySource,
) -> Result<Option<DecryptionKey>, String> {
    let kty = optional_str(jwk, "kty")?.unwrap_or_default();
    let metadata = JwkMetadata::of(jwk)?;
    let key_use = metadata.key_use.as_deref();
    if key_use == Some("sig") {
        // A signing key's private half is not a decryption key (RFC 7517 §4.2).
        return Ok(None);
    }
    let material = match kty.as_str() {
        "RSA" if jwk_is_private(jwk) => rsa_from_jwk(jwk)?,
        "EC" if jwk_is_private(jwk) => ec_from_jwk(jwk)?,
        "oct" => {
            // A shared secret is a decryption key only when it may be one: not
            // tied to an HMAC algorithm, and as long as an AES key or a
            // CBC-HMAC content key.
            let for_encryption = metadata.alg().is_none_or(is_encryption_alg);
            let k = Zeroizing::new(member_bytes(jwk, "k", "oct")?);
            if !for_encryption || ![16, 24, 32, 48, 64].contains(&k.len()) {
                return Ok(None);
            }
            PrivateMaterial::Oct(HmacSecret::new(&k))
        }
        _ => return Ok(None),
    };
    Ok(Some(DecryptionKey::from_jwk(material, metadata, source)))
}

/// An RSA private JWK (RFC 7518 §6.3.2): `d`, and the primes `p`, `q` when given.
pub(crate) fn rsa_from_jwk(jwk: &JsonObject) -> Result<PrivateMaterial, String> {
    let n = member_bytes(jwk, "n", "RSA")?;
    let e = member_bytes(jwk, "e", "RSA")?;
    let d = Zeroizing::new(member_bytes(jwk, "d", "RSA")?);
    let mut primes = Vec::new();
    if jwk.contains_key("p") || jwk.contains_key("q") {
        for name in ["p", "q"] {
            let prime = Zeroizing::new(member_bytes(jwk, name, "RSA")?);
            primes.push(rsa::BoxedUint::from_be_slice_vartime(&prime));
        }
    }
    check_rsa_size(rsa::BoxedUint::from_be_slice_vartime(&n).bit_width_vartime() as usize)?;
    rsa::PrivateKey::from_components(
        rsa::BoxedUint::from_be_slice_vartime(&n),
        rsa::BoxedUint::from_be_slice_vartime(&e),
        rsa::BoxedUint::from_be_slice_vartime(&d),
        primes,
    )
    .map(|key| PrivateMaterial::Rsa(Box::new(key)))
    .map_err(|error| crate::tr!("key-private-unusable", error = error.to_string()))
}

/// RFC 7518 §4.2, §4.3: "a key of size 2048 bits or larger MUST be used";
/// bigger than [`MAX_RSA_BITS`] only costs time.
fn check_rsa_size(bits: usize) -> Result<(), String> {
    if bits < MIN_RSA_BITS {
        return Err(crate::tr!(
            "key-private-rsa-too-small",
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
    Ok(())
}

fn rsa_material(key: rsa::PrivateKey) -> Result<PrivateMaterial, String> {
    check_rsa_size(key.n().bit_width_vartime() as usize)?;
    Ok(PrivateMaterial::Rsa(Box::new(key)))
}

/// An EC private JWK (RFC 7518 §6.2.2): `d` must belong to the `x`, `y` given.
pub(crate) fn ec_from_jwk(jwk: &JsonObject) -> Result<PrivateMaterial, String> {
    let crv = optional_str(jwk, "crv")?.ok_or_else(|| crate::tr!("key-ec-no-crv"))?;
    let d = Zeroizing::new(member_bytes(jwk, "d", "EC")?);
    let x = member_bytes(jwk, "x", "EC")?;
    let y = member_bytes(jwk, "y", "EC")?;
    let mut point = Vec::with_capacity(1 + x.len() + y.len());
    point.push(0x04);
    point.extend_from_slice(&x);
    point.extend_from_slice(&y);
    let (size, material) = match crv.as_str() {
        "P-256" => (
            32,
            p256::SecretKey::from_slice(&d).map(PrivateMaterial::P256),
        ),
        "P-384" => (
            48,
            p384::SecretKey::from_slice(&d).map(PrivateMaterial::P384),
        ),
        "P-521" => (
            66,
            p521::SecretKey::from_slice(&d).map(PrivateMaterial::P521),
        ),
        other => return Err(crate::tr!("key-ec-unsupported-curve", crv = other)),
    };
    if d.len() != size {
        return Err(crate::tr!(
            "key-ec-coordinate-length",
            name = "d",
            length = d.len(),
            crv = crv.as_str(),
            size = size
        ));
    }
    let material =
        material.map_err(|_| crate::tr!("key-private-ec-invalid", crv = crv.as_str()))?;
    let matches = match &material {
        PrivateMaterial::P256(key) => key.public_key().to_sec1_bytes().as_ref() == point.as_slice(),
        PrivateMaterial::P384(key) => key.public_key().to_sec1_bytes().as_ref() == point.as_slice(),
        PrivateMaterial::P521(key) => key.public_key().to_sec1_bytes().as_ref() == point.as_slice(),
        PrivateMaterial::Rsa(_) | PrivateMaterial::Oct(_) => false,
    };
    if !matches {
        return Err(crate::tr!("key-private-ec-mismatch"));
    }
    Ok(material)
}

/// A PEM private key block (RFC 7468 §10, §11, §13) to a decryption key.
pub(super) fn from_pem_block(label: &str, der: &[u8]) -> Result<PrivateMaterial, String> {
    match label {
        "PRIVATE KEY" => from_pkcs8(der),
        "RSA PRIVATE KEY" => rsa::PrivateKey::from_pkcs1_der(der)
            .map_err(|error| crate::tr!("key-private-invalid", error = error.to_string()))
            .and_then(rsa_material),
        "EC PRIVATE KEY" => from_sec1(der),
        "ENCRYPTED PRIVATE KEY" => Err(crate::tr!("key-private-encrypted")),
        _ => Err(crate::tr!("key-unsupported-pem")),
    }
}

/// A PKCS#8 `PrivateKeyInfo` (RFC 5208 §5), by algorithm OID.
pub(super) fn from_pkcs8(der: &[u8]) -> Result<PrivateMaterial, String> {
    let info = rsa::pkcs8::PrivateKeyInfoRef::from_der(der)
        .map_err(|error| crate::tr!("key-private-invalid", error = error.to_string()))?;
    let oid = info.algorithm.oid;
    let invalid = |error: String| crate::tr!("key-private-invalid", error = error);
    if oid == OID_RSA {
        rsa::PrivateKey::from_pkcs8_der(der)
            .map_err(|error| invalid(error.to_string()))
            .and_then(rsa_material)
    } else if oid == OID_EC {
        let curve = info
            .algorithm
            .parameters_oid()
            .map_err(|_| crate::tr!("key-ec-no-named-curve"))?;
        match curve {
            c if c == OID_P256 => p256::SecretKey::from_pkcs8_der(der)
                .map(PrivateMaterial::P256)
                .map_err(|error| invalid(error.to_string())),
            c if c == OID_P384 => p384::SecretKey::from_pkcs8_der(der)
                .map(PrivateMaterial::P384)
                .map_err(|error| invalid(error.to_string())),
            c if c == OID_P521 => p521::SecretKey::from_pkcs8_der(der)
                .map(PrivateMaterial::P521)
                .map_err(|error| invalid(error.to_string())),
            c => Err(crate::tr!("key-ec-curve-oid", oid = c.to_string())),
        }
    } else if oid == OID_ED25519 {
        Err(crate::tr!("key-private-signing-only", name = "Ed25519"))
    } else if oid == OID_X25519 {
        Err(crate::tr!("key-private-unsupported", name = "X25519"))
    } else {
        Err(crate::tr!("key-unsupported-oid", oid = oid.to_string()))
    }
}

/// A SEC1 `ECPrivateKey` (RFC 5915 §3): the curve is tried in turn, as the
/// optional parameters may be absent.
fn from_sec1(der: &[u8]) -> Result<PrivateMaterial, String> {
    p256::SecretKey::from_sec1_der(der)
        .map(PrivateMaterial::P256)
        .or_else(|_| p384::SecretKey::from_sec1_der(der).map(PrivateMaterial::P384))
        .or_else(|_| p521::SecretKey::from_sec1_der(der).map(PrivateMaterial::P521))
        .map_err(|error| crate::tr!("key-private-invalid", error = error.to_string()))
}

/// What a PKCS#12 container (RFC 7292) holds that tokenscope uses: the
/// private key (PKCS#8 DER, wiped on drop) and its certificate chain.
pub struct Pkcs12Contents {
    /// The private key as PKCS#8 DER.
    pub key_der: Zeroizing<Vec<u8>>,
    /// The certificates, leaf first, as DER.
    pub certificates: Vec<Vec<u8>>,
}

/// Why a PKCS#12 container could not be opened. Its text is a phrase that
/// follows "the PKCS#12 file X", in the thread's language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pkcs12Error {
    /// The integrity check (RFC 7292 §5, the MAC over the contents) fails
    /// with the passphrase given: it is wrong, or missing.
    WrongPassphrase,
    /// The container could not be read, in the parser's words.
    Unreadable(String),
    /// It holds no private key with its certificate.
    NoKey,
}

impl std::fmt::Display for Pkcs12Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&match self {
            Self::WrongPassphrase => crate::tr!("pkcs12-wrong-passphrase"),
            Self::Unreadable(error) => crate::tr!("pkcs12-unreadable", error = error.as_str()),
            Self::NoKey => crate::tr!("pkcs12-no-key"),
        })
    }
}

impl From<Pkcs12Error> for String {
    fn from(error: Pkcs12Error) -> Self {
        error.to_string()
    }
}

/// Opens a PKCS#12 container with its passphrase. The one reading of
/// PKCS#12 for client certificates (`net`) and decryption keys.
pub fn open_pkcs12(data: &[u8], passphrase: &str) -> Result<Pkcs12Contents, Pkcs12Error> {
    let store = p12_keystore::KeyStore::from_pkcs12(
        data,
        passphrase,
        p12_keystore::Pkcs12ImportPolicy::Relaxed,
    )
    .map_err(|error| match error {
        p12_keystore::error::Error::MacError(_) => Pkcs12Error::WrongPassphrase,
        other => Pkcs12Error::Unreadable(other.to_string()),
    })?;
    let Some((_, chain)) = store.private_key_chain() else {
        return Err(Pkcs12Error::NoKey);
    };
    Ok(Pkcs12Contents {
        key_der: Zeroizing::new(chain.key().as_der().to_vec()),
        certificates: chain
            .certs()
            .iter()
            .map(|certificate| certificate.as_der().to_vec())
            .collect(),
    })
}

/// Whether DER bytes look like a PKCS#12 `PFX` (RFC 7292 §4: a SEQUENCE
/// that starts with the version INTEGER 3) rather than a certificate (whose
/// SEQUENCE starts with another SEQUENCE).
pub(crate) fn looks_like_pkcs12(der: &[u8]) -> bool {
    let header = match der {
        [0x30, short, ..] if *short < 0x80 => 2,
        [0x30, long, ..] => 2 + usize::from(long & 0x7f),
        _ => return false,
    };
    der.get(header..header + 3) == Some(&[0x02, 0x01, 0x03])
}
