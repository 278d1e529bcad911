//! JWT client assertions (RFC 7523 §2.2, RFC 7521 §4.2, OIDC Core §9):
//! `client_secret_jwt` (HS256 with the client secret) and `private_key_jwt`
//! (RS256, PS256, ES256, ES384, `EdDSA` or GOST R 34.10-2012 with the
//! client's private key, read from a file whose path — never its content —
//! is in the profile: PEM, a JWK, or a PKCS#12 container).
//!
//! The claims are `iss` = `sub` = the client id, `aud` = the token endpoint
//! (or the issuer, or a value the provider demands), a random `jti`, and
//! `iat`/`exp` from the `now` passed in.

use base64::Engine as _;
use serde_json::{Map, Value, json};

use crate::secret::Secret;
use crate::token::Timestamp;
use crate::token::gost::{GostPrivateKey, SignatureLayout};
use crate::token::jose::JsonObject;

/// `client_assertion_type` for a JWT (RFC 7523 §2.2).
pub const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// How long an assertion is valid: long enough to edit the request before
/// sending it, short enough to be useless if it leaks (RFC 7523 §3 item 4).
pub const LIFETIME_SECONDS: i64 = 300;

/// Why no assertion could be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AssertionError {
    /// `private_key_jwt` without a key file in the profile.
    NoKeyFile,
    /// The key file has not been read (yet).
    KeyNotLoaded,
    /// The key file could not be read.
    KeyFile {
        /// The path from the profile.
        path: String,
        /// The operating system's reason.
        reason: String,
    },
    /// The PEM is not a private key this module can use.
    UnusableKey(String),
    /// `client_secret_jwt` without a client secret.
    NoSecret,
    /// The audience is empty.
    NoAudience,
    /// The chosen `alg` does not fit the key.
    AlgorithmMismatch {
        /// The `alg` asked for.
        alg: String,
        /// What the key is: `RSA`, `P-256`, `P-384`, `Ed25519`, `GOST 256` or `GOST 512`.
        key: &'static str,
    },
    /// The signer failed.
    Signing(String),
}

/// Each error in this thread's language.
impl std::fmt::Display for AssertionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = match self {
            Self::NoKeyFile => crate::tr!("assertion-no-key-file"),
            Self::KeyNotLoaded => crate::tr!("assertion-key-not-loaded"),
            Self::KeyFile { path, reason } => crate::tr!(
                "assertion-key-file",
                path = path.as_str(),
                reason = reason.as_str()
            ),
            Self::UnusableKey(reason) => reason.clone(),
            Self::NoSecret => crate::tr!("assertion-no-secret"),
            Self::NoAudience => crate::tr!("assertion-no-audience"),
            Self::AlgorithmMismatch { alg, key } => {
                crate::tr!("assertion-alg-mismatch", alg = alg.as_str(), key = *key)
            }
            Self::Signing(reason) => crate::tr!("assertion-signing", reason = reason.as_str()),
        };
        f.write_str(&text)
    }
}

/// A client's private key for `private_key_jwt`. Zeroed on drop by the
/// `RustCrypto` types it wraps.
pub enum ClientKey {
    /// RSA: RS256 (default) or PS256.
    Rsa(Box<rsa::PrivateKey>),
    /// P-256: ES256.
    P256(p256::ecdsa::SigningKey),
    /// P-384: ES384.
    P384(p384::ecdsa::SigningKey),
    /// Ed25519: `EdDSA` (RFC 8037).
    Ed25519(Box<ed25519_dalek::SigningKey>),
    /// GOST R 34.10-2012, 256- or 512-bit: `gost34.10-2012` (Sber's name, the
    /// sandbox's) or `GOST3410_2012_256` / `GOST3410_2012_512` (ESIA's),
    /// hashed with Streebog-256/512, the signature in `layout`.
    Gost {
        /// The key.
        key: Box<GostPrivateKey>,
        /// How the signature's bytes are laid out; [`SignatureLayout::STANDARD`]
        /// unless a partner expects another.
        layout: SignatureLayout,
    },
}

/// The JWS `alg` names of GOST R 34.10-2012 the verifier accepts
/// ([`crate::token::verify`]): the unsized Sber spelling, then ESIA's.
pub const GOST_ALGS: [&str; 3] = ["gost34.10-2012", "GOST3410_2012_256", "GOST3410_2012_512"];

impl std::fmt::Debug for ClientKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ClientKey({})", self.kind())
    }
}

impl ClientKey {
    /// Reads a PEM private key: PKCS#8 (`BEGIN PRIVATE KEY`) of RSA, P-256,
    /// P-384, Ed25519 or GOST R 34.10-2012 ([`Self::from_pkcs8_der`]), PKCS#1
    /// (`BEGIN RSA PRIVATE KEY`) or SEC1 (`BEGIN EC PRIVATE KEY`).
    pub fn from_pem(pem: &str) -> Result<Self, AssertionError> {
        use rsa::pkcs1::DecodeRsaPrivateKey as _;
        use rsa::pkcs8::DecodePrivateKey as _;
        let pem = pem.trim();
        if pem.contains("ENCRYPTED PRIVATE KEY") || pem.contains("Proc-Type: 4,ENCRYPTED") {
            return Err(AssertionError::UnusableKey(crate::tr!(
                "assertion-key-encrypted"
            )));
        }
        if !pem.contains("PRIVATE KEY-----") {
            return Err(AssertionError::UnusableKey(crate::tr!(
                "assertion-key-not-pem"
            )));
        }
        if let Ok(key) = rsa::PrivateKey::from_pkcs8_pem(pem) {
            return Ok(Self::Rsa(Box::new(key)));
        }
        if let Ok(key) = rsa::PrivateKey::from_pkcs1_pem(pem) {
            return Ok(Self::Rsa(Box::new(key)));
        }
        if let Ok(key) = p256::ecdsa::SigningKey::from_pkcs8_pem(pem) {
            return Ok(Self::P256(key));
        }
        if let Ok(key) = p384::ecdsa::SigningKey::from_pkcs8_pem(pem) {
            return Ok(Self::P384(key));
        }
        if let Ok(key) = ed25519_dalek::SigningKey::from_pkcs8_pem(pem) {
            return Ok(Self::Ed25519(Box::new(key)));
        }
        // The same keys with text around the block (`Bag Attributes` from
        // `openssl pkcs12`), and GOST R 34.10-2012 keys.
        let mut gost_problem = None;
        for block in crate::token::keys::pem_blocks(pem).into_iter().flatten() {
            match block.label.as_str() {
                "PRIVATE KEY" => match Self::from_pkcs8_der(&block.der) {
                    Ok(key) => return Ok(key),
                    Err(AssertionError::UnusableKey(reason)) => gost_problem = Some(reason),
                    Err(other) => return Err(other),
                },
                "RSA PRIVATE KEY" => {
                    if let Ok(key) = rsa::PrivateKey::from_pkcs1_der(&block.der) {
                        return Ok(Self::Rsa(Box::new(key)));
                    }
                }
                // SEC1 (RFC 5915 §3), as `openssl ecparam -genkey` writes it.
                "EC PRIVATE KEY" => {
                    if let Ok(secret) = p256::SecretKey::from_sec1_der(&block.der) {
                        return Ok(Self::P256(secret.into()));
                    }
                    if let Ok(secret) = p384::SecretKey::from_sec1_der(&block.der) {
                        return Ok(Self::P384(secret.into()));
                    }
                }
                _ => {}
            }
        }
        Err(AssertionError::UnusableKey(
            gost_problem.unwrap_or_else(|| crate::tr!("assertion-key-unknown")),
        ))
    }

    /// A DER PKCS#8 `PrivateKeyInfo` (RFC 5208 §5) of RSA, P-256, P-384,
    /// Ed25519 (RFC 8410 §7) or GOST R 34.10-2012 (256 or 512 bits).
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, AssertionError> {
        use rsa::pkcs8::DecodePrivateKey as _;
        if let Ok(key) = rsa::PrivateKey::from_pkcs8_der(der) {
            return Ok(Self::Rsa(Box::new(key)));
        }
        if let Ok(key) = p256::ecdsa::SigningKey::from_pkcs8_der(der) {
            return Ok(Self::P256(key));
        }
        if let Ok(key) = p384::ecdsa::SigningKey::from_pkcs8_der(der) {
            return Ok(Self::P384(key));
        }
        if let Ok(key) = ed25519_dalek::SigningKey::from_pkcs8_der(der) {
            return Ok(Self::Ed25519(Box::new(key)));
        }
        match GostPrivateKey::from_pkcs8_der(der) {
            Ok(key) => Ok(Self::gost(key)),
            // Not GOST at all: the generic message names what is supported.
            Err(crate::token::gost::GostError::UnsupportedAlgorithm(_)) => Err(
                AssertionError::UnusableKey(crate::tr!("assertion-key-unknown")),
            ),
            Err(error) => Err(AssertionError::UnusableKey(error.to_string())),
        }
    }

    /// A GOST key signing in the standard layout (RFC 4491 §2.2.2: `s ‖ r`,
    /// digest little-endian).
    pub fn gost(key: GostPrivateKey) -> Self {
        Self::Gost {
            key: Box::new(key),
            layout: SignatureLayout::STANDARD,
        }
    }

    /// The same key with GOST signatures in `layout`; other keys are
    /// returned as they are (their signatures have one layout).
    #[must_use]
    pub fn with_gost_layout(self, layout: SignatureLayout) -> Self {
        match self {
            Self::Gost { key, .. } => Self::Gost { key, layout },
            other => other,
        }
    }

    /// Reads a key file of any kind the profile may name, by its content:
    /// a JWK or a JWK Set (RFC 7517; its first private key), PEM (as
    /// [`Self::from_pem`]), a PKCS#12 container (RFC 7292) opened with
    /// `passphrase` (none means the empty one), or DER PKCS#8. The second
    /// value is the JWK's `kid`, for the JWS header.
    pub fn from_file_bytes(
        bytes: &[u8],
        passphrase: Option<&str>,
    ) -> Result<(Self, Option<String>), AssertionError> {
        if let Ok(text) = std::str::from_utf8(bytes) {
            let trimmed = text.trim_start();
            if trimmed.starts_with(['{', '[']) {
                return Self::from_jwk_json(trimmed);
            }
            if trimmed.contains("-----BEGIN") {
                return Self::from_pem(text).map(|key| (key, None));
            }
        }
        if crate::token::private_keys::looks_like_pkcs12(bytes) {
            let contents =
                crate::token::private_keys::open_pkcs12(bytes, passphrase.unwrap_or_default())
                    .map_err(|reason| {
                        AssertionError::UnusableKey(crate::tr!(
                            "assertion-pkcs12",
                            reason = reason.to_string()
                        ))
                    })?;
            return Self::from_pkcs8_der(&contents.key_der).map(|key| (key, None));
        }
        if bytes.first() == Some(&0x30) {
            return Self::from_pkcs8_der(bytes).map(|key| (key, None));
        }
        Err(AssertionError::UnusableKey(crate::tr!(
            "assertion-key-file-kind"
        )))
    }

    /// A private JWK (RFC 7517 §4; RFC 7518 §6.2.2, §6.3.2; RFC 8037 §2),
    /// or the first private key of a JWK Set, with its `kid`.
    pub fn from_jwk_json(json: &str) -> Result<(Self, Option<String>), AssertionError> {
        let unusable = |reason: String| AssertionError::UnusableKey(reason);
        let document: Value = serde_json::from_str(json)
            .map_err(|e| unusable(crate::tr!("assertion-jwk-not-json", error = e.to_string())))?;
        let jwk = match &document {
            Value::Object(object) if object.contains_key("kty") => object,
            Value::Object(object) => object
                .get("keys")
                .and_then(Value::as_array)
                .and_then(|keys| {
                    // The first private key that may sign (RFC 7517 §4.2).
                    keys.iter().filter_map(Value::as_object).find(|jwk| {
                        jwk.contains_key("d")
                            && jwk.get("use").and_then(Value::as_str) != Some("enc")
                    })
                })
                .ok_or_else(|| unusable(crate::tr!("assertion-jwks-no-private")))?,
            _ => return Err(unusable(crate::tr!("assertion-jwk-not-object"))),
        };
        Self::from_jwk(jwk)
    }

    /// One private JWK to a signing key and its `kid`.
    pub fn from_jwk(jwk: &JsonObject) -> Result<(Self, Option<String>), AssertionError> {
        use crate::token::private_keys::{PrivateMaterial, ec_from_jwk, rsa_from_jwk};
        let unusable = |reason: String| AssertionError::UnusableKey(reason);
        let text = |name: &str| crate::token::keys::optional_str(jwk, name).map_err(unusable);
        let kid = text("kid")?;
        let kty = text("kty")?.unwrap_or_default();
        if text("use")?.as_deref() == Some("enc") {
            return Err(unusable(crate::tr!("assertion-jwk-for-encryption")));
        }
        if !jwk.contains_key("d") {
            return Err(unusable(crate::tr!(
                "assertion-jwk-public",
                kty = kty.as_str()
            )));
        }
        let key = match kty.as_str() {
            "RSA" => match rsa_from_jwk(jwk).map_err(unusable)? {
                PrivateMaterial::Rsa(key) => Self::Rsa(key),
                _ => return Err(unusable(crate::tr!("assertion-key-unknown"))),
            },
            "EC" => match ec_from_jwk(jwk).map_err(unusable)? {
                PrivateMaterial::P256(secret) => Self::P256(secret.into()),
                PrivateMaterial::P384(secret) => Self::P384(secret.into()),
                _ => {
                    return Err(unusable(crate::tr!(
                        "assertion-jwk-curve",
                        crv = text("crv")?.unwrap_or_default()
                    )));
                }
            },
            "OKP" => Self::Ed25519(Box::new(ed25519_from_jwk(jwk)?)),
            other => return Err(unusable(crate::tr!("assertion-jwk-kty", kty = other))),
        };
        Ok((key, kid))
    }

    /// The key type (`RSA`, `P-256`, `P-384`, `Ed25519`, `GOST 256`,
    /// `GOST 512`), for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Rsa(_) => "RSA",
            Self::P256(_) => "P-256",
            Self::P384(_) => "P-384",
            Self::Ed25519(_) => "Ed25519",
            Self::Gost { key, .. } if key.public_key().curve.bits() == 512 => "GOST 512",
            Self::Gost { .. } => "GOST 256",
        }
    }

    /// The `alg` used when the profile names none.
    pub fn default_algorithm(&self) -> &'static str {
        match self {
            Self::Rsa(_) => "RS256",
            Self::P256(_) => "ES256",
            Self::P384(_) => "ES384",
            Self::Ed25519(_) => "EdDSA",
            Self::Gost { .. } => GOST_ALGS[0],
        }
    }

    /// Whether `alg` can be signed with this key.
    pub fn fits(&self, alg: &str) -> bool {
        match (self, alg) {
            (Self::Rsa(_), "RS256" | "PS256")
            | (Self::P256(_), "ES256")
            | (Self::P384(_), "ES384")
            | (Self::Ed25519(_), "EdDSA" | "Ed25519")
            | (Self::Gost { .. }, "gost34.10-2012") => true,
            (Self::Gost { key, .. }, "GOST3410_2012_256") => key.public_key().curve.bits() == 256,
            (Self::Gost { key, .. }, "GOST3410_2012_512") => key.public_key().curve.bits() == 512,
            _ => false,
        }
    }

    /// The public half, as the verifier's key type (its RFC 7638
    /// thumbprint is [`crate::token::keys::KeyMaterial::fingerprint`]).
    pub fn public_material(&self) -> crate::token::keys::KeyMaterial {
        use crate::token::keys::KeyMaterial;
        match self {
            Self::Rsa(key) => KeyMaterial::Rsa(key.to_public_key()),
            Self::P256(key) => KeyMaterial::P256(*key.verifying_key()),
            Self::P384(key) => KeyMaterial::P384(*key.verifying_key()),
            Self::Ed25519(key) => KeyMaterial::Ed25519(key.verifying_key()),
            Self::Gost { key, .. } => {
                KeyMaterial::Gost(std::sync::Arc::new(key.public_key().clone()))
            }
        }
    }

    fn sign(&self, alg: &str, input: &[u8]) -> Result<Vec<u8>, AssertionError> {
        use rsa::signature::{RandomizedSigner as _, SignatureEncoding as _, Signer as _};
        let mismatch = || AssertionError::AlgorithmMismatch {
            alg: alg.to_owned(),
            key: self.kind(),
        };
        let failed = |e: rsa::signature::Error| AssertionError::Signing(e.to_string());
        match (self, alg) {
            (Self::Rsa(key), "RS256") => {
                rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new((**key).clone())
                    .try_sign(input)
                    .map(|s| s.to_vec())
                    .map_err(failed)
            }
            (Self::Rsa(key), "PS256") => rsa::pss::SigningKey::<sha2::Sha256>::new((**key).clone())
                .try_sign_with_rng(&mut getrandom::SysRng, input)
                .map(|s| s.to_vec())
                .map_err(failed),
            (Self::P256(key), "ES256") => {
                let signature: p256::ecdsa::Signature = key.try_sign(input).map_err(failed)?;
                Ok(signature.to_bytes().to_vec())
            }
            (Self::P384(key), "ES384") => {
                let signature: p384::ecdsa::Signature = key.try_sign(input).map_err(failed)?;
                Ok(signature.to_bytes().to_vec())
            }
            (Self::Ed25519(key), "EdDSA" | "Ed25519") => {
                Ok(ed25519_dalek::Signer::sign(key.as_ref(), input)
                    .to_bytes()
                    .to_vec())
            }
            (Self::Gost { key, layout }, _) if self.fits(alg) => {
                // k from twice the coordinate's octets: a negligible bias mod q.
                let mut nonce =
                    zeroize::Zeroizing::new(vec![
                        0_u8;
                        2 * key.public_key().curve.coordinate_len()
                    ]);
                getrandom::fill(nonce.as_mut_slice())
                    .map_err(|e| AssertionError::Signing(e.to_string()))?;
                key.sign_with_layout(input, &nonce, *layout)
                    .map_err(|e| AssertionError::Signing(e.to_string()))
            }
            _ => Err(mismatch()),
        }
    }
}

/// An Ed25519 private JWK (RFC 8037 §2): `d`, which must belong to `x`.
fn ed25519_from_jwk(jwk: &JsonObject) -> Result<ed25519_dalek::SigningKey, AssertionError> {
    use crate::token::keys::{KeyMaterial, member_bytes, okp_from_jwk};
    let unusable = |reason: String| AssertionError::UnusableKey(reason);
    let KeyMaterial::Ed25519(public) = okp_from_jwk(jwk).map_err(unusable)? else {
        return Err(unusable(crate::tr!("assertion-key-unknown")));
    };
    let d = zeroize::Zeroizing::new(member_bytes(jwk, "d", "OKP").map_err(unusable)?);
    let d: &[u8; 32] = d
        .as_slice()
        .try_into()
        .map_err(|_| unusable(crate::tr!("key-ed25519-length", length = d.len())))?;
    let key = ed25519_dalek::SigningKey::from_bytes(d);
    if key.verifying_key() != public {
        return Err(unusable(crate::tr!("assertion-jwk-mismatch")));
    }
    Ok(key)
}

/// Reads the key file named in the profile (off the UI thread: callers are
/// the CLI and the app's background jobs). The content is a secret.
pub fn read_key_file(path: &str) -> Result<Secret, AssertionError> {
    let path = path.trim();
    if path.is_empty() {
        return Err(AssertionError::NoKeyFile);
    }
    std::fs::read_to_string(path)
        .map(Secret::new)
        .map_err(|e| AssertionError::KeyFile {
            path: path.to_owned(),
            reason: e.to_string(),
        })
}

/// Reads a key file as bytes, for [`ClientKey::from_file_bytes`] (a
/// PKCS#12 container is binary). The content is wiped on drop.
pub fn read_key_file_bytes(path: &str) -> Result<zeroize::Zeroizing<Vec<u8>>, AssertionError> {
    let path = path.trim();
    if path.is_empty() {
        return Err(AssertionError::NoKeyFile);
    }
    std::fs::read(path)
        .map(zeroize::Zeroizing::new)
        .map_err(|e| AssertionError::KeyFile {
            path: path.to_owned(),
            reason: e.to_string(),
        })
}

/// The claims of a client assertion (RFC 7523 §3, OIDC Core §9): `iss` and
/// `sub` the client id, `aud`, a random `jti` (single use, §3 item 7),
/// `iat` and `exp` from `now`.
pub fn claims(client_id: &str, audience: &str, now: Timestamp) -> Map<String, Value> {
    let value = json!({
        "iss": client_id,
        "sub": client_id,
        "aud": audience,
        "jti": uuid::Uuid::new_v4().to_string(),
        "iat": now.unix(),
        "exp": now.unix() + LIFETIME_SECONDS,
    });
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn segment(value: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value)
}

fn signing_input(header: &Map<String, Value>, claims: &Map<String, Value>) -> String {
    let header = serde_json::to_string(header).unwrap_or_default();
    let claims = serde_json::to_string(claims).unwrap_or_default();
    format!(
        "{}.{}",
        segment(header.as_bytes()),
        segment(claims.as_bytes())
    )
}

/// A `client_secret_jwt` assertion: HS256 keyed with the client secret's
/// UTF-8 bytes (OIDC Core §9).
pub fn with_secret(
    client_id: &str,
    audience: &str,
    secret: &Secret,
    now: Timestamp,
) -> Result<String, AssertionError> {
    use hmac::{KeyInit as _, Mac as _};
    if secret.is_empty() {
        return Err(AssertionError::NoSecret);
    }
    if audience.trim().is_empty() {
        return Err(AssertionError::NoAudience);
    }
    let mut header = Map::new();
    header.insert("alg".to_owned(), "HS256".into());
    header.insert("typ".to_owned(), "JWT".into());
    let input = signing_input(&header, &claims(client_id, audience, now));
    let mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.expose().as_bytes())
        .map_err(|e| AssertionError::Signing(e.to_string()))?
        .chain_update(input.as_bytes())
        .finalize()
        .into_bytes();
    Ok(format!("{input}.{}", segment(&mac)))
}

/// A `private_key_jwt` assertion signed with `key`; `alg` empty means the
/// key's usual algorithm, `kid` empty means no `kid` header.
pub fn with_key(
    client_id: &str,
    audience: &str,
    key: &ClientKey,
    (alg, kid): (&str, &str),
    now: Timestamp,
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
    header.insert("typ".to_owned(), "JWT".into());
    if !kid.trim().is_empty() {
        header.insert("kid".to_owned(), kid.trim().into());
    }
    sign_jwt(&header, &claims(client_id, audience, now), key, alg)
}

/// A compact JWS of `header` and `claims` signed with `key` under `alg`
/// (RFC 7515 §7.1): the one signer of client assertions and DPoP proofs.
pub(crate) fn sign_jwt(
    header: &Map<String, Value>,
    claims: &Map<String, Value>,
    key: &ClientKey,
    alg: &str,
) -> Result<String, AssertionError> {
    let input = signing_input(header, claims);
    let signature = key.sign(alg, input.as_bytes())?;
    Ok(format!("{input}.{}", segment(&signature)))
}

/// The `client_assertion` of a form body, decoded for the request pane:
/// the header and the claims pretty-printed (the signature is not shown:
/// it proves nothing to a reader). `None` when the body carries none.
pub fn decoded_from_form(body: &[u8]) -> Option<String> {
    let assertion = form_urlencoded::parse(body)
        .find(|(name, _)| name == "client_assertion")
        .map(|(_, value)| value.into_owned())?;
    Some(decode(&assertion))
}

/// An assertion's header and claims as pretty JSON, or why it cannot be read.
pub fn decode(assertion: &str) -> String {
    let mut parts = assertion.trim().split('.');
    let pretty = |part: Option<&str>| {
        part.and_then(|p| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(p)
                .ok()
        })
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
        .and_then(|value| serde_json::to_string_pretty(&value).ok())
    };
    match (pretty(parts.next()), pretty(parts.next())) {
        (Some(header), Some(claims)) => format!("{header}\n.\n{claims}"),
        _ => "(not a readable JWT)".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RSA_PEM: &str = include_str!("../../tests/provider/keys/client-jwt.private.pem");

    fn parts(jwt: &str) -> (Value, Value, Vec<u8>) {
        let mut it = jwt.split('.');
        let mut next = || {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(it.next().expect("segment"))
                .expect("base64url")
        };
        let header = serde_json::from_slice(&next()).expect("header");
        let claims = serde_json::from_slice(&next()).expect("claims");
        (header, claims, next())
    }

    #[test]
    fn claims_follow_rfc_7523() {
        let now = Timestamp::from_unix(1_800_000_000);
        let first = claims("app", "https://op/token", now);
        let second = claims("app", "https://op/token", now);
        assert_eq!(first["iss"], "app");
        assert_eq!(first["sub"], "app");
        assert_eq!(first["aud"], "https://op/token");
        assert_eq!(first["iat"], 1_800_000_000);
        assert_eq!(first["exp"], 1_800_000_000 + LIFETIME_SECONDS);
        assert_ne!(first["jti"], second["jti"], "jti is fresh each time");
    }

    #[test]
    fn client_secret_jwt_is_hs256_over_the_secret() {
        use hmac::{KeyInit as _, Mac as _};
        let secret = Secret::new("s:%+Ω");
        let jwt = with_secret("app", "https://op/token", &secret, Timestamp::from_unix(10))
            .expect("signed");
        let (header, claims, signature) = parts(&jwt);
        assert_eq!(header["alg"], "HS256");
        assert_eq!(claims["sub"], "app");
        let input = jwt.rsplit_once('.').expect("dot").0;
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice("s:%+Ω".as_bytes()).expect("key");
        mac.update(input.as_bytes());
        assert!(mac.verify_slice(&signature).is_ok());
        assert_eq!(
            with_secret("app", "aud", &Secret::new(""), Timestamp::from_unix(0)),
            Err(AssertionError::NoSecret)
        );
    }

    #[test]
    fn private_key_jwt_signs_rs256_and_ps256_that_verify() {
        use rsa::signature::Verifier as _;
        let key = ClientKey::from_pem(RSA_PEM).expect("rsa key");
        assert_eq!(key.default_algorithm(), "RS256");
        let ClientKey::Rsa(private) = &key else {
            panic!("rsa")
        };
        let public = private.to_public_key();
        for alg in ["RS256", "PS256"] {
            let jwt =
                with_key("app", "aud", &key, (alg, "k1"), Timestamp::from_unix(5)).expect("signed");
            let (header, _, signature) = parts(&jwt);
            assert_eq!(header["alg"], alg);
            assert_eq!(header["kid"], "k1");
            let input = jwt.rsplit_once('.').expect("dot").0.as_bytes();
            let ok = if alg == "RS256" {
                let signature =
                    rsa::pkcs1v15::Signature::try_from(signature.as_slice()).expect("sig");
                rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(public.clone())
                    .verify(input, &signature)
                    .is_ok()
            } else {
                let signature = rsa::pss::Signature::try_from(signature.as_slice()).expect("sig");
                rsa::pss::VerifyingKey::<sha2::Sha256>::new(public.clone())
                    .verify(input, &signature)
                    .is_ok()
            };
            assert!(ok, "{alg} verifies");
        }
        let mismatch = with_key("app", "aud", &key, ("ES256", ""), Timestamp::from_unix(5));
        assert_eq!(
            mismatch.as_ref().err().map(ToString::to_string).as_deref(),
            Some("ES256 cannot be used with an RSA key")
        );
        crate::i18n::set_language(crate::i18n::Language::Ru);
        assert_eq!(
            mismatch.as_ref().err().map(ToString::to_string).as_deref(),
            Some("ES256 нельзя использовать с ключом RSA")
        );
        crate::i18n::set_language(crate::i18n::Language::En);
        assert!(matches!(
            mismatch,
            Err(AssertionError::AlgorithmMismatch { .. })
        ));
    }

    #[test]
    fn es256_and_eddsa_keys_sign() {
        use p256::pkcs8::EncodePrivateKey as _;
        let ec = p256::ecdsa::SigningKey::from_slice(&[7_u8; 32]).expect("p256");
        let pem = ec.to_pkcs8_pem(p256::pkcs8::LineEnding::LF).expect("pem");
        let key = ClientKey::from_pem(&pem).expect("parsed");
        let jwt = with_key("app", "aud", &key, ("", ""), Timestamp::from_unix(5)).expect("signed");
        let (header, _, signature) = parts(&jwt);
        assert_eq!(header["alg"], "ES256");
        assert_eq!(signature.len(), 64, "r || s, RFC 7518 §3.4");

        let ed = ed25519_dalek::SigningKey::from_bytes(&[9_u8; 32]);
        let pem =
            ed25519_dalek::pkcs8::EncodePrivateKey::to_pkcs8_pem(&ed, p256::pkcs8::LineEnding::LF)
                .expect("pem");
        let key = ClientKey::from_pem(&pem).expect("parsed");
        let jwt = with_key("app", "aud", &key, ("", ""), Timestamp::from_unix(5)).expect("signed");
        assert_eq!(parts(&jwt).0["alg"], "EdDSA");
    }

    #[test]
    fn garbage_and_encrypted_keys_are_explained() {
        assert!(ClientKey::from_pem("hello").is_err());
        let encrypted =
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAA==\n-----END ENCRYPTED PRIVATE KEY-----";
        assert!(matches!(
            ClientKey::from_pem(encrypted),
            Err(AssertionError::UnusableKey(m)) if m.contains("encrypted")
        ));
    }

    fn jar_fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/tests/fixtures/jar/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn jwk_keys_load_with_their_kid_and_match_the_pem() {
        for (name, kind) in [
            ("client-rsa", "RSA"),
            ("client-p256", "P-256"),
            ("client-p384", "P-384"),
            ("client-ed25519", "Ed25519"),
        ] {
            let (from_jwk, kid) =
                ClientKey::from_file_bytes(&jar_fixture(&format!("{name}.jwk.json")), None)
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
            let (from_pem, no_kid) =
                ClientKey::from_file_bytes(&jar_fixture(&format!("{name}.pkcs8.pem")), None)
                    .expect("pem");
            assert_eq!(from_jwk.kind(), kind);
            assert_eq!(
                kid.as_deref(),
                Some(name.replace("client-", "jar-").as_str())
            );
            assert!(no_kid.is_none());
            assert_eq!(
                from_jwk.public_material().fingerprint(),
                from_pem.public_material().fingerprint(),
                "{name}: the same key either way"
            );
        }
        // A JWK Set: its first private key.
        let jwk: Value =
            serde_json::from_slice(&jar_fixture("client-p256.jwk.json")).expect("json");
        let mut encryption = jwk.clone();
        encryption["use"] = "enc".into();
        encryption["kid"] = "enc-1".into();
        let set = json!({"keys": [{"kty": "oct", "k": "AAAA"}, encryption, jwk]}).to_string();
        let (key, kid) = ClientKey::from_file_bytes(set.as_bytes(), None).expect("set");
        assert_eq!((key.kind(), kid.as_deref()), ("P-256", Some("jar-p256")));
    }

    #[test]
    fn unusable_jwks_are_explained_in_both_languages() {
        let jwk: Value =
            serde_json::from_slice(&jar_fixture("client-ed25519.jwk.json")).expect("json");
        let mut public = jwk.clone();
        public.as_object_mut().expect("object").remove("d");
        let mut encryption = jwk.clone();
        encryption["use"] = "enc".into();
        let mut mismatch = jwk.clone();
        mismatch["d"] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".into();
        let mut short = jwk;
        short["d"] = "AAAA".into();
        let cases = [
            (public.to_string(), "is a public key"),
            (encryption.to_string(), "encryption key"),
            (mismatch.to_string(), "does not belong"),
            (short.to_string(), "32 bytes"),
            (r#"{"kty":"oct","k":"AAAA","d":"x"}"#.to_owned(), "\"oct\""),
            (r#"{"keys":[]}"#.to_owned(), "no private key"),
            ("[1]".to_owned(), "not a JSON object"),
            ("{\"kty\": ".to_owned(), "not JSON"),
        ];
        for (text, expected) in cases {
            let error = ClientKey::from_file_bytes(text.as_bytes(), None)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(error.contains(expected), "{text}: {error}");
        }
        crate::i18n::set_language(crate::i18n::Language::Ru);
        let error = ClientKey::from_file_bytes(public.to_string().as_bytes(), None)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        crate::i18n::set_language(crate::i18n::Language::En);
        assert!(error.contains("открытый ключ"), "{error}");
    }

    #[test]
    fn sec1_and_bag_attribute_pems_load() {
        let sec1 = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/jwe/recipient-p256.sec1.pem"
        ))
        .expect("sec1");
        assert_eq!(ClientKey::from_pem(&sec1).expect("SEC1").kind(), "P-256");
        let pem = String::from_utf8(jar_fixture("client-p384.pkcs8.pem")).expect("utf-8");
        let with_attributes = format!("Bag Attributes\n    localKeyID: 01 02\n{pem}");
        assert_eq!(
            ClientKey::from_pem(&with_attributes)
                .expect("with text around")
                .kind(),
            "P-384"
        );
    }

    #[test]
    fn pkcs12_keys_open_with_the_passphrase_only() {
        for (name, kind) in [("client-p256.p12", "P-256"), ("client-rsa.p12", "RSA")] {
            let bytes = jar_fixture(name);
            let (key, kid) =
                ClientKey::from_file_bytes(&bytes, Some("tokenscope-test")).expect(name);
            assert_eq!((key.kind(), kid), (kind, None));
            let wrong = ClientKey::from_file_bytes(&bytes, Some("wrong"))
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(wrong.contains("passphrase is wrong"), "{wrong}");
            assert!(ClientKey::from_file_bytes(&bytes, None).is_err());
        }
        let pem = jar_fixture("client-p256.pkcs8.pem");
        let (p12_key, _) =
            ClientKey::from_file_bytes(&jar_fixture("client-p256.p12"), Some("tokenscope-test"))
                .expect("p12");
        let (pem_key, _) = ClientKey::from_file_bytes(&pem, None).expect("pem");
        assert_eq!(
            p12_key.public_material().fingerprint(),
            pem_key.public_material().fingerprint()
        );
    }

    #[test]
    fn any_bytes_as_a_key_file_are_an_error_not_a_panic() {
        let huge = vec![0x30_u8; 1 << 20];
        let inputs: [&[u8]; 8] = [
            b"",
            b"\xff\xfe\x00",
            "ключ 🔑".as_bytes(),
            b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
            b"-----BEGIN PRIVATE KEY-----\n",
            &[0x30, 0x82, 0xff, 0xff, 0x02, 0x01, 0x03],
            &[0x30, 0x03, 0x02, 0x01, 0x03],
            &huge,
        ];
        for input in inputs {
            assert!(ClientKey::from_file_bytes(input, Some("x")).is_err());
        }
    }

    #[test]
    fn the_decoded_view_shows_header_and_claims() {
        let jwt = with_secret(
            "app",
            "https://op/token",
            &Secret::new("k"),
            Timestamp::from_unix(1),
        )
        .expect("signed");
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "client_credentials")
            .append_pair("client_assertion", &jwt)
            .finish();
        let view = decoded_from_form(body.as_bytes()).expect("decoded");
        assert!(view.contains("\"alg\": \"HS256\""), "{view}");
        assert!(view.contains("\"aud\": \"https://op/token\""), "{view}");
        assert!(decoded_from_form(b"grant_type=x").is_none());
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_as_a_key_file_never_panic(
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..600),
        ) {
            let _ = ClientKey::from_file_bytes(&bytes, Some("p"));
            let mut der = vec![0x30, 0x82];
            der.extend_from_slice(&bytes);
            let _ = ClientKey::from_file_bytes(&der, None);
        }
    }
}
