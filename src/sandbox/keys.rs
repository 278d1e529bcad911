//! The sandbox provider's signing keys: RSA 2048 (RS256), P-256 (ES256),
//! `Ed25519` (`EdDSA`), GOST R 34.10-2012 256 (the bank's `gost34.10-2012`) and an
//! HMAC secret (Keycloak's HS512 refresh tokens). All are made when the
//! sandbox starts, from the operating system's random number generator, and
//! never leave the process except as public keys (JWKS, certificate endpoint).

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hmac::{KeyInit as _, Mac as _};
use rsa::signature::{SignatureEncoding as _, Signer as _};
use rsa::traits::PublicKeyParts as _;
use serde_json::{Value, json};
use sha2::{Sha256, Sha512};

use crate::secret::Secret;
use crate::token::Timestamp;
use crate::token::gost::{GostCurve, GostPrivateKey};
use crate::token::keys::{KeySet, KeySource, Keyed};

/// A JWS algorithm the sandbox signs with (RFC 7518 §3.1, RFC 8037 §3.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SigningAlg {
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    RS256,
    /// ECDSA P-256 with SHA-256.
    ES256,
    /// Ed25519.
    EdDSA,
    /// GOST R 34.10-2012 (256-bit key, Streebog-256), as the bank names it.
    #[serde(rename = "gost34.10-2012")]
    Gost,
    /// HMAC SHA-512 with the realm-internal secret (Keycloak refresh tokens).
    HS512,
}

impl SigningAlg {
    /// The JOSE `alg` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RS256 => "RS256",
            Self::ES256 => "ES256",
            Self::EdDSA => "EdDSA",
            Self::Gost => "gost34.10-2012",
            Self::HS512 => "HS512",
        }
    }

    /// From a JOSE `alg` value (case-sensitive, as in JOSE).
    pub fn parse(value: &str) -> Option<Self> {
        [
            Self::RS256,
            Self::ES256,
            Self::EdDSA,
            Self::Gost,
            Self::HS512,
        ]
        .into_iter()
        .find(|alg| alg.as_str() == value)
    }
}

/// Why keys could not be made or a token not signed.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The operating system gave no random octets.
    #[error("no randomness from the operating system: {0}")]
    Random(String),
    /// Key generation or signing failed.
    #[error("signing failed: {0}")]
    Signing(String),
    /// A signed token could not be encrypted to the client (RFC 7516 §5.1).
    #[error("encryption to the client failed: {0}")]
    Encryption(#[from] crate::token::jwe::SealError),
}

/// Random octets from the operating system.
pub fn random_octets<const N: usize>() -> Result<[u8; N], KeyError> {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).map_err(|e| KeyError::Random(e.to_string()))?;
    Ok(out)
}

/// One generation of asymmetric keys, with its key ids.
struct Generation {
    number: u32,
    rsa: rsa::PrivateKey,
    ec: p256::ecdsa::SigningKey,
    ed: ed25519_dalek::SigningKey,
    gost: GostPrivateKey,
}

impl Generation {
    fn new(number: u32) -> Result<Self, KeyError> {
        let rsa = rsa::PrivateKey::new(&mut getrandom::SysRng, 2048)
            .map_err(|e| KeyError::Signing(e.to_string()))?;
        let ec = loop {
            // A random 32-octet string is a valid P-256 scalar but for ~2⁻³² of them.
            if let Ok(key) = p256::ecdsa::SigningKey::from_slice(&random_octets::<32>()?) {
                break key;
            }
        };
        let ed = ed25519_dalek::SigningKey::from_bytes(&random_octets::<32>()?);
        let gost = GostPrivateKey::from_random(GostCurve::CryptoProA, &random_octets::<64>()?)
            .map_err(|e| KeyError::Signing(e.to_string()))?;
        Ok(Self {
            number,
            rsa,
            ec,
            ed,
            gost,
        })
    }

    fn kid(&self, alg: SigningAlg) -> String {
        let family = match alg {
            SigningAlg::RS256 => "rsa",
            SigningAlg::ES256 => "ec",
            SigningAlg::EdDSA => "ed25519",
            SigningAlg::Gost => "gost",
            SigningAlg::HS512 => "hmac",
        };
        format!("sandbox-{family}-{}", self.number)
    }

    fn sign(&self, alg: SigningAlg, input: &[u8], hmac: &Secret) -> Result<Vec<u8>, KeyError> {
        Ok(match alg {
            SigningAlg::RS256 => rsa::pkcs1v15::SigningKey::<Sha256>::new(self.rsa.clone())
                .try_sign(input)
                .map_err(|e| KeyError::Signing(e.to_string()))?
                .to_vec(),
            SigningAlg::ES256 => {
                let signature: p256::ecdsa::Signature = self.ec.sign(input);
                signature.to_bytes().to_vec()
            }
            SigningAlg::EdDSA => {
                use ed25519_dalek::Signer as _;
                self.ed.sign(input).to_bytes().to_vec()
            }
            SigningAlg::Gost => self
                .gost
                .sign(input, &random_octets::<64>()?)
                .map_err(|e| KeyError::Signing(e.to_string()))?,
            SigningAlg::HS512 => {
                let mut mac = hmac::Hmac::<Sha512>::new_from_slice(hmac.expose().as_bytes())
                    .map_err(|e| KeyError::Signing(e.to_string()))?;
                mac.update(input);
                mac.finalize().into_bytes().to_vec()
            }
        })
    }

    fn public_jwks(&self) -> Vec<Value> {
        let b64 = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
        let public = self.rsa.to_public_key();
        let point = self.ec.verifying_key().to_sec1_point(false);
        let point = point.as_bytes();
        let (x, y) = point
            .get(1..)
            .unwrap_or_default()
            .split_at(point.len().saturating_sub(1) / 2);
        vec![
            json!({"kty": "RSA", "kid": self.kid(SigningAlg::RS256), "use": "sig", "alg": "RS256",
                   "n": b64(&public.n_bytes()), "e": b64(&public.e_bytes())}),
            json!({"kty": "EC", "kid": self.kid(SigningAlg::ES256), "use": "sig", "alg": "ES256",
                   "crv": "P-256", "x": b64(x), "y": b64(y)}),
            json!({"kty": "OKP", "kid": self.kid(SigningAlg::EdDSA), "use": "sig", "alg": "EdDSA",
                   "crv": "Ed25519", "x": b64(self.ed.verifying_key().as_bytes())}),
        ]
    }
}

/// The sandbox's keys: the current generation, an unpublished "wrong" one
/// (for the wrong-key fault: same `kid`, different key), and the HMAC secret.
pub struct KeyRing {
    current: Generation,
    wrong: Generation,
    hmac: Secret,
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyRing")
            .field("generation", &self.current.number)
            .finish_non_exhaustive()
    }
}

impl KeyRing {
    /// Fresh keys (generation 1).
    pub fn generate() -> Result<Self, KeyError> {
        Ok(Self {
            current: Generation::new(1)?,
            wrong: Generation::new(0)?,
            hmac: Secret::new(URL_SAFE_NO_PAD.encode(random_octets::<64>()?)),
        })
    }

    /// Replaces the published keys with new ones under new key ids; the old
    /// ones are dropped at once (a provider rotating too eagerly, OIDC Core §10.1.1).
    pub fn rotate(&mut self) -> Result<(), KeyError> {
        self.current = Generation::new(self.current.number + 1)?;
        Ok(())
    }

    /// The generation number, shown in the panel.
    pub fn generation(&self) -> u32 {
        self.current.number
    }

    /// The `kid` a token signed with `alg` carries now.
    pub fn kid(&self, alg: SigningAlg) -> String {
        self.current.kid(alg)
    }

    /// Signs a compact JWS (RFC 7515 §7.1) over `header` and `claims`. With
    /// `wrong_key` the signature is made with an unpublished key that carries
    /// the published `kid`: verification must fail.
    pub fn sign_jwt(
        &self,
        header: &Value,
        claims: &Value,
        alg: SigningAlg,
        wrong_key: bool,
    ) -> Result<String, KeyError> {
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let generation = if wrong_key {
            &self.wrong
        } else {
            &self.current
        };
        let hmac = if wrong_key && alg == SigningAlg::HS512 {
            Secret::new("not-the-realm-secret")
        } else {
            self.hmac.clone()
        };
        let signature = generation.sign(alg, input.as_bytes(), &hmac)?;
        Ok(format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature)))
    }

    /// The public keys as a JWKS (RFC 7517 §5).
    pub fn jwks(&self) -> Value {
        json!({ "keys": self.current.public_jwks() })
    }

    /// The bank's certificate: a self-signed X.509 v3 certificate (RFC 5280
    /// §4.1) for the GOST key, signed with it (`id-tc26-signwithdigest-gost3410-12-256`,
    /// RFC 9215 §3), valid from a day before `now` for a year — what the bank
    /// personality's certificate endpoint hands out, as PEM (RFC 7468 §5).
    pub fn gost_certificate_pem(&self, now: Timestamp) -> Result<String, KeyError> {
        Ok(pem("CERTIFICATE", &self.gost_certificate_der(now)?))
    }

    /// The GOST key as a JWK for a JWKS: JOSE registers no key type for
    /// GOST R 34.10-2012, so the key travels in the JWK's `x5c` certificate
    /// (RFC 7517 §4.7), as the app's key sets read it.
    pub fn gost_jwk(&self, now: Timestamp) -> Result<Value, KeyError> {
        let der = self.gost_certificate_der(now)?;
        Ok(
            json!({"kty": "GOST", "kid": self.kid(SigningAlg::Gost), "use": "sig",
                  "alg": SigningAlg::Gost.as_str(), "x5c": [STANDARD.encode(der)]}),
        )
    }

    /// [`Self::gost_certificate_pem`] as DER.
    fn gost_certificate_der(&self, now: Timestamp) -> Result<Vec<u8>, KeyError> {
        let key = &self.current.gost;
        let spki = key
            .public_key()
            .to_spki_der()
            .map_err(|e| KeyError::Signing(e.to_string()))?;
        let algorithm = der::sequence(&[&der::oid(&SIGN_WITH_GOST_256)]);
        let name = der::sequence(&[&der::set(&[&der::sequence(&[
            &der::oid(&COMMON_NAME),
            &der::tlv(0x0c, "tokenscope sandbox bank".as_bytes()),
        ])])]);
        let validity = der::sequence(&[
            &der::utc_time(now.plus_seconds(-86_400).unix()),
            &der::utc_time(now.plus_seconds(365 * 86_400).unix()),
        ]);
        let mut serial = random_octets::<16>()?;
        serial[0] &= 0x7f; // a positive INTEGER
        let tbs = der::sequence(&[
            &der::tlv(0xa0, &der::tlv(0x02, &[2])),
            &der::tlv(0x02, &serial),
            &algorithm,
            &name,
            &validity,
            &name,
            &spki,
        ]);
        let signature = key
            .sign(&tbs, &random_octets::<64>()?)
            .map_err(|e| KeyError::Signing(e.to_string()))?;
        let mut bits = vec![0u8];
        bits.extend_from_slice(&signature);
        Ok(der::sequence(&[&tbs, &algorithm, &der::tlv(0x03, &bits)]))
    }
}

/// The sandbox client's own key pair, for the FAPI personalities' signed
/// request objects (RFC 9101 §4): made at start like the provider's keys;
/// the private half is handed out as a key file, as the client secret is
/// (sandbox credentials are meant to be shown), the public half checks the
/// request objects.
pub struct ClientKeyPair {
    file: Secret,
    alg: &'static str,
    public: KeySet,
}

impl std::fmt::Debug for ClientKeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientKeyPair")
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}

/// The `kid` of the sandbox client's key.
pub const CLIENT_KEY_ID: &str = "sandbox-client-1";

impl ClientKeyPair {
    /// A fresh P-256 key (ES256; a private JWK file), or with `gost` a GOST
    /// R 34.10-2012 256 key (CryptoPro-A; a PKCS#8 PEM file).
    pub fn generate(gost: bool) -> Result<Self, KeyError> {
        let (file, alg) = if gost {
            let key = GostPrivateKey::from_random(GostCurve::CryptoProA, &random_octets::<64>()?)
                .map_err(|e| KeyError::Signing(e.to_string()))?;
            let der = key
                .to_pkcs8_der()
                .map_err(|e| KeyError::Signing(e.to_string()))?;
            (pem("PRIVATE KEY", &der), SigningAlg::Gost.as_str())
        } else {
            let key = loop {
                if let Ok(key) = p256::ecdsa::SigningKey::from_slice(&random_octets::<32>()?) {
                    break key;
                }
            };
            let point = key.verifying_key().to_sec1_point(false);
            let point = point.as_bytes();
            let (x, y) = point
                .get(1..)
                .unwrap_or_default()
                .split_at(point.len().saturating_sub(1) / 2);
            let b64 = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
            let jwk = json!({"kty": "EC", "crv": "P-256", "kid": CLIENT_KEY_ID, "alg": "ES256", "use": "sig",
                             "x": b64(x), "y": b64(y), "d": b64(&key.to_bytes())});
            (jwk.to_string(), "ES256")
        };
        let (client, kid) =
            crate::oauth::assertion::ClientKey::from_file_bytes(file.as_bytes(), None)
                .map_err(|e| KeyError::Signing(e.to_string()))?;
        let mut public = Keyed::new(
            client.public_material(),
            KeySource::Jwks("the sandbox client's key".to_owned()),
        );
        public.kid = kid;
        Ok(Self {
            file: Secret::new(file),
            alg,
            public: KeySet {
                keys: vec![public],
                ..KeySet::default()
            },
        })
    }

    /// The key file's content (private: the sandbox hands it to its client).
    pub fn file_text(&self) -> &str {
        self.file.expose()
    }

    /// The JWS `alg` the client signs with.
    pub fn alg(&self) -> &'static str {
        self.alg
    }

    /// The public key, to verify the client's request objects with.
    pub fn public(&self) -> &KeySet {
        &self.public
    }
}

/// The `kid` of the sandbox client's encryption key.
pub const CLIENT_ENCRYPTION_KEY_ID: &str = "sandbox-client-enc-1";

/// The key management algorithm the sandbox encrypts to its client with
/// (RFC 7518 §4.3), as the client registered it: its
/// `id_token_encrypted_response_alg` and `userinfo_encrypted_response_alg`
/// (OpenID Connect Dynamic Client Registration 1.0 §2).
pub const ENCRYPTION_ALG: &str = "RSA-OAEP-256";

/// The content encryption the sandbox uses (RFC 7518 §5.3), the client's
/// `id_token_encrypted_response_enc` and `userinfo_encrypted_response_enc`.
pub const ENCRYPTION_ENC: &str = "A256GCM";

/// The sandbox client's RSA encryption key pair, for the personalities
/// that encrypt ID tokens and UserInfo answers to their client (OIDC Core
/// 1.0 §10.2): made at start (RSA 2048, in memory); the private half is
/// handed out as a key file (a private JWK, RFC 7518 §6.3.2), as the client
/// secret is, for the profile's `decryption_key_file`; the public half
/// seals.
pub struct ClientEncryptionKey {
    file: Secret,
    public: rsa::PublicKey,
}

impl std::fmt::Debug for ClientEncryptionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientEncryptionKey")
            .field("kid", &CLIENT_ENCRYPTION_KEY_ID)
            .finish_non_exhaustive()
    }
}

impl ClientEncryptionKey {
    /// A fresh RSA 2048 key pair from the operating system's random numbers.
    pub fn generate() -> Result<Self, KeyError> {
        use rsa::traits::PrivateKeyParts as _;
        let private = rsa::PrivateKey::new(&mut getrandom::SysRng, 2048)
            .map_err(|e| KeyError::Signing(e.to_string()))?;
        let b64 = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
        let primes: Vec<String> = private
            .primes()
            .iter()
            .map(|prime| b64(&prime.as_ref().to_be_bytes_trimmed_vartime()))
            .collect();
        // RFC 7518 §6.3.2: with the primes, all the CRT members are present too.
        let (Some(p), Some(q), Some(dp), Some(dq), Some(qi)) = (
            primes.first(),
            primes.get(1),
            private.dp(),
            private.dq(),
            private.crt_coefficient(),
        ) else {
            return Err(KeyError::Signing(
                "the RSA key lacks its primes or CRT values".to_owned(),
            ));
        };
        let jwk = json!({"kty": "RSA", "kid": CLIENT_ENCRYPTION_KEY_ID, "use": "enc", "alg": ENCRYPTION_ALG,
                         "n": b64(&private.n_bytes()), "e": b64(&private.e_bytes()),
                         "d": b64(&private.d().to_be_bytes_trimmed_vartime()), "p": p, "q": q,
                         "dp": b64(&dp.to_be_bytes_trimmed_vartime()),
                         "dq": b64(&dq.to_be_bytes_trimmed_vartime()),
                         "qi": b64(&qi.to_be_bytes_trimmed_vartime())});
        Ok(Self {
            file: Secret::new(jwk.to_string()),
            public: private.to_public_key(),
        })
    }

    /// The key file's content (private: the sandbox hands it to its client).
    pub fn file_text(&self) -> &str {
        self.file.expose()
    }

    /// `plaintext` (a signed JWT: `cty` `JWT`, RFC 7519 §5.2) encrypted to
    /// the client's public key with [`ENCRYPTION_ALG`] and [`ENCRYPTION_ENC`]
    /// (OIDC Core 1.0 §10.2: sign, then encrypt).
    pub fn seal_jwt(&self, jwt: &str) -> Result<String, crate::token::jwe::SealError> {
        crate::token::jwe::seal(
            jwt.as_bytes(),
            &crate::token::jwe::Recipient {
                key: &self.public,
                kid: Some(CLIENT_ENCRYPTION_KEY_ID),
                alg: ENCRYPTION_ALG,
                enc: ENCRYPTION_ENC,
            },
            Some("JWT"),
        )
    }
}

/// `id-tc26-signwithdigest-gost3410-12-256` (RFC 9215 §3): 1.2.643.7.1.1.3.2.
const SIGN_WITH_GOST_256: [u64; 8] = [1, 2, 643, 7, 1, 1, 3, 2];
/// `id-at-commonName` (RFC 5280 §4.1.2.4): 2.5.4.3.
const COMMON_NAME: [u64; 4] = [2, 5, 4, 3];

fn pem(label: &str, der: &[u8]) -> String {
    let body = STANDARD.encode(der);
    let mut pem = format!("-----BEGIN {label}-----\n");
    for line in body.as_bytes().chunks(64) {
        pem.push_str(&String::from_utf8_lossy(line));
        pem.push('\n');
    }
    pem.push_str("-----END ");
    pem.push_str(label);
    pem.push_str("-----\n");
    pem
}

/// Just enough DER (X.690 §8) to write one certificate.
mod der {
    /// A tag, its definite length (X.690 §8.1.3) and the content.
    pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        let len = content.len();
        if len < 0x80 {
            out.push(u8::try_from(len).unwrap_or(0));
        } else {
            let bytes: Vec<u8> = len
                .to_be_bytes()
                .into_iter()
                .skip_while(|b| *b == 0)
                .collect();
            out.push(0x80 | u8::try_from(bytes.len()).unwrap_or(0));
            out.extend(bytes);
        }
        out.extend_from_slice(content);
        out
    }

    pub fn sequence(items: &[&[u8]]) -> Vec<u8> {
        tlv(0x30, &items.concat())
    }

    pub fn set(items: &[&[u8]]) -> Vec<u8> {
        tlv(0x31, &items.concat())
    }

    /// An OBJECT IDENTIFIER (X.690 §8.19).
    pub fn oid(arcs: &[u64]) -> Vec<u8> {
        let mut content = Vec::new();
        let first = arcs.first().copied().unwrap_or(0) * 40 + arcs.get(1).copied().unwrap_or(0);
        for arc in std::iter::once(first).chain(arcs.iter().skip(2).copied()) {
            let mut groups = vec![u8::try_from(arc & 0x7f).unwrap_or(0)];
            let mut rest = arc >> 7;
            while rest > 0 {
                groups.push(0x80 | u8::try_from(rest & 0x7f).unwrap_or(0));
                rest >>= 7;
            }
            content.extend(groups.into_iter().rev());
        }
        tlv(0x06, &content)
    }

    /// A `UTCTime` `YYMMDDHHMMSSZ` (RFC 5280 §4.1.2.5.1).
    pub fn utc_time(unix: i64) -> Vec<u8> {
        let text = chrono::DateTime::from_timestamp(unix, 0)
            .unwrap_or_default()
            .format("%y%m%d%H%M%SZ")
            .to_string();
        tlv(0x17, text.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::keys::KeySet;
    use crate::token::verify::verify_decoded;
    use x509_cert::der::DecodePem as _;

    fn verify(token: &str, keys: &KeySet) -> bool {
        let decoded = crate::token::jose::decode_unverified(token).unwrap();
        verify_decoded(&decoded, keys).is_valid()
    }

    #[test]
    fn every_algorithm_verifies_with_the_published_keys_and_the_wrong_key_does_not() {
        let ring = KeyRing::generate().unwrap();
        let jwks = KeySet::from_jwks_json(&ring.jwks().to_string(), "sandbox");
        let certificate = ring
            .gost_certificate_pem(Timestamp::from_unix(1_795_387_806))
            .unwrap();
        assert!(
            x509_cert::Certificate::from_pem(certificate.as_bytes()).is_ok(),
            "{certificate}"
        );
        let gost = KeySet::from_text(&certificate, "bank");
        assert_eq!(gost.rows().len(), 1, "{certificate}");
        for (alg, keys) in [
            (SigningAlg::RS256, &jwks),
            (SigningAlg::ES256, &jwks),
            (SigningAlg::EdDSA, &jwks),
            (SigningAlg::Gost, &gost),
        ] {
            let header = json!({"alg": alg.as_str(), "typ": "JWT", "kid": ring.kid(alg)});
            let claims = json!({"sub": "anna", "name": "Анна"});
            let good = ring.sign_jwt(&header, &claims, alg, false).unwrap();
            assert!(verify(&good, keys), "{alg:?}");
            let bad = ring.sign_jwt(&header, &claims, alg, true).unwrap();
            assert!(!verify(&bad, keys), "{alg:?} with the wrong key");
        }
    }
}
