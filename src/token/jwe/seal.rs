//! JWE encryption, the inverse of [`super::open`]: the compact serialization
//! (RFC 7516 §7.1) made as RFC 7516 §5.1 describes, for a recipient's RSA
//! public key.
//!
//! - Key management: `RSA-OAEP-256` and `RSA-OAEP` (RFC 7518 §4.3); the
//!   same name table as decryption, so what is sealed is what opens.
//! - Content: `A128GCM`, `A192GCM`, `A256GCM` (RFC 7518 §5.3), with the
//!   ASCII of the protected header as the additional authenticated data
//!   (RFC 7516 §5.1 step 14).
//! - A fresh content encryption key and IV for every message, from the
//!   operating system's random number generator (RFC 7516 §5.1 steps 2 and 9;
//!   RFC 7518 §5.3: an IV must never repeat under one key).
//!
//! The built-in sandbox seals its ID tokens and UserInfo answers with it
//! (OIDC Core 1.0 §10.2: signed, then encrypted to the client).

use aes_gcm::aead::AeadInOut as _;
use aes_gcm::aead::array::Array;
use aes_gcm::{AesGcm, KeyInit as _};
use serde_json::{Value, json};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::{ContentEncryption, KeyManagement};
use crate::token::jose::encode_segment;

/// Who a JWE is sealed for, and how.
#[derive(Clone, Copy, Debug)]
pub struct Recipient<'a> {
    /// The recipient's RSA public key (its private half opens the JWE).
    pub key: &'a rsa::PublicKey,
    /// The key's `kid`, written in the header (RFC 7516 §4.1.6) when given.
    pub kid: Option<&'a str>,
    /// Key management algorithm (`alg`): `RSA-OAEP-256` or `RSA-OAEP`.
    pub alg: &'a str,
    /// Content encryption algorithm (`enc`): `A128GCM`, `A192GCM` or `A256GCM`.
    pub enc: &'a str,
}

/// Why a JWE could not be sealed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    /// An `alg` or `enc` this encryptor does not make.
    #[error("{}", crate::tr!("jwe-seal-unsupported", what = .0.as_str()))]
    Unsupported(String),
    /// The operating system gave no random octets.
    #[error("{}", crate::tr!("jwe-seal-random", error = .0.as_str()))]
    Random(String),
    /// RSA-OAEP refused to encrypt the content key (a key too small or invalid).
    #[error("{}", crate::tr!("jwe-seal-key-encryption", alg = .alg.as_str(), error = .error.as_str()))]
    KeyEncryption {
        /// The `alg`.
        alg: String,
        /// The RSA crate's reason.
        error: String,
    },
    /// AES-GCM refused the plaintext (longer than GCM allows).
    #[error("{}", crate::tr!("jwe-seal-content", enc = .0.as_str()))]
    Content(String),
}

/// `plaintext` encrypted to `recipient`, in the compact serialization
/// `BASE64URL(header).BASE64URL(encrypted key).BASE64URL(IV).BASE64URL(ciphertext).BASE64URL(tag)`
/// (RFC 7516 §7.1). With `content_type` the header carries `cty`: `"JWT"`
/// for a nested JWT (RFC 7519 §5.2).
pub fn seal(
    plaintext: &[u8],
    recipient: &Recipient<'_>,
    content_type: Option<&str>,
) -> Result<String, SealError> {
    let unsupported = |what: String| SealError::Unsupported(what);
    let digest = match KeyManagement::parse(recipient.alg) {
        Some(KeyManagement::RsaOaep(None)) => OaepDigest::Sha1,
        Some(KeyManagement::RsaOaep(Some(256))) => OaepDigest::Sha256,
        _ => return Err(unsupported(format!("alg {}", recipient.alg))),
    };
    let Some(ContentEncryption::Gcm(cek_len)) = ContentEncryption::parse(recipient.enc) else {
        return Err(unsupported(format!("enc {}", recipient.enc)));
    };
    // RFC 7516 §5.1 step 2: a random content encryption key of the size `enc` needs.
    let mut cek = Zeroizing::new(vec![0u8; cek_len]);
    getrandom::fill(cek.as_mut_slice()).map_err(|e| SealError::Random(e.to_string()))?;
    // Step 3: the CEK encrypted to the recipient (RFC 7518 §4.3: OAEP, MGF1 with the same hash).
    let rng = &mut getrandom::SysRng;
    let encrypted_key = match digest {
        OaepDigest::Sha1 => recipient
            .key
            .oaep_encrypt_with_rng::<sha1::Sha1, _>(rng, &cek),
        OaepDigest::Sha256 => recipient.key.oaep_encrypt_with_rng::<Sha256, _>(rng, &cek),
    }
    .map_err(|e| SealError::KeyEncryption {
        alg: recipient.alg.to_owned(),
        error: e.to_string(),
    })?;
    // Step 9: a random 96-bit IV (RFC 7518 §5.3).
    let mut iv = [0u8; 12];
    getrandom::fill(&mut iv).map_err(|e| SealError::Random(e.to_string()))?;
    // Steps 11–14: the protected header, whose ASCII is the AAD.
    let mut header = json!({"alg": recipient.alg, "enc": recipient.enc});
    if let Some(object) = header.as_object_mut() {
        if let Some(kid) = recipient.kid {
            object.insert("kid".to_owned(), Value::from(kid));
        }
        if let Some(cty) = content_type {
            object.insert("cty".to_owned(), Value::from(cty));
        }
    }
    let protected = encode_segment(header.to_string().as_bytes());
    // Step 15: authenticated encryption of the plaintext.
    let mut ciphertext = plaintext.to_vec();
    let tag = gcm_encrypt(&cek, &iv, protected.as_bytes(), &mut ciphertext)
        .ok_or_else(|| SealError::Content(recipient.enc.to_owned()))?;
    // Step 19: the compact serialization.
    Ok(format!(
        "{protected}.{}.{}.{}.{}",
        encode_segment(&encrypted_key),
        encode_segment(&iv),
        encode_segment(&ciphertext),
        encode_segment(&tag)
    ))
}

/// The OAEP hash of the two `alg`s sealed.
#[derive(Clone, Copy)]
enum OaepDigest {
    Sha1,
    Sha256,
}

/// AES-GCM encryption in place with a 96-bit IV; the 128-bit tag, or
/// `None` for a key of another size or a plaintext longer than GCM allows.
fn gcm_encrypt(key: &[u8], iv: &[u8; 12], aad: &[u8], buffer: &mut [u8]) -> Option<[u8; 16]> {
    let nonce = Array::<u8, aes_gcm::aead::consts::U12>::from(*iv);
    let tag = match key.len() {
        16 => AesGcm::<aes::Aes128, aes_gcm::aead::consts::U12>::new_from_slice(key)
            .ok()?
            .encrypt_inout_detached(&nonce, aad, buffer.into())
            .ok()?,
        24 => AesGcm::<aes::Aes192, aes_gcm::aead::consts::U12>::new_from_slice(key)
            .ok()?
            .encrypt_inout_detached(&nonce, aad, buffer.into())
            .ok()?,
        32 => AesGcm::<aes::Aes256, aes_gcm::aead::consts::U12>::new_from_slice(key)
            .ok()?
            .encrypt_inout_detached(&nonce, aad, buffer.into())
            .ok()?,
        _ => return None,
    };
    Some(tag.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::jose::{Decoded, decode_unverified};
    use crate::token::jwe::{Content, DecryptOptions, open};
    use crate::token::keys::KeySet;
    use crate::token::private_keys::PrivateMaterial;

    const RECIPIENT: &str = include_str!("../../../tests/fixtures/jwe/recipient-rsa.pkcs8.pem");

    fn recipient_keys() -> (KeySet, rsa::PublicKey) {
        let keys = KeySet::from_text(RECIPIENT, "recipient-rsa.pkcs8.pem");
        let PrivateMaterial::Rsa(private) = &keys.decryption[0].material else {
            panic!("an RSA private key")
        };
        let public = private.to_public_key();
        (keys, public)
    }

    fn opened(token: &str, keys: &KeySet) -> Result<crate::token::jwe::Opened, String> {
        let Ok(Decoded::Jwe(jwe)) = decode_unverified(token) else {
            return Err(format!("not a JWE: {token}"));
        };
        open(&jwe, keys, DecryptOptions::default())
            .map_err(|e| format!("{}: {e}", e.code()))?
            .opened
            .map(|boxed| *boxed)
            .ok_or_else(|| "not opened".to_owned())
    }

    #[test]
    fn what_is_sealed_opens_with_the_private_half_for_each_algorithm_pair() {
        let (keys, public) = recipient_keys();
        for (alg, enc) in [
            ("RSA-OAEP-256", "A256GCM"),
            ("RSA-OAEP-256", "A128GCM"),
            ("RSA-OAEP", "A192GCM"),
        ] {
            let recipient = Recipient {
                key: &public,
                kid: Some("client-enc"),
                alg,
                enc,
            };
            let token = seal("{\"sub\":\"анна\"}".as_bytes(), &recipient, None).unwrap();
            let inside = opened(&token, &keys).unwrap();
            assert_eq!(inside.decryption.alg, alg);
            assert_eq!(inside.decryption.enc, enc);
            assert!(
                matches!(&inside.content, Content::Claims(claims) if claims["sub"] == "анна"),
                "{alg}/{enc}: {:?}",
                inside.content
            );
        }
    }

    #[test]
    fn a_nested_jwt_says_cty_and_opens_as_the_jws_inside() {
        let (keys, public) = recipient_keys();
        let recipient = Recipient {
            key: &public,
            kid: None,
            alg: "RSA-OAEP-256",
            enc: "A256GCM",
        };
        let jws = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbm5hIn0.";
        let token = seal(jws.as_bytes(), &recipient, Some("JWT")).unwrap();
        let Ok(Decoded::Jwe(jwe)) = decode_unverified(&token) else {
            panic!("a JWE")
        };
        assert_eq!(jwe.header["cty"], "JWT");
        assert_eq!(jwe.header.get("kid"), None);
        assert_eq!(jwe.iv.len(), 12, "a 96-bit IV");
        assert_eq!(jwe.tag.len(), 16, "a 128-bit tag");
        let inside = opened(&token, &keys).unwrap();
        assert!(
            matches!(&inside.content, Content::Nested(inner) if matches!(**inner, Decoded::Jws(_)))
        );
        assert_eq!(inside.text, jws);
    }

    #[test]
    fn every_message_has_a_fresh_key_and_iv() {
        let (_, public) = recipient_keys();
        let recipient = Recipient {
            key: &public,
            kid: None,
            alg: "RSA-OAEP-256",
            enc: "A256GCM",
        };
        let first = seal(b"same", &recipient, None).unwrap();
        let second = seal(b"same", &recipient, None).unwrap();
        let parts = |token: &str| token.split('.').map(str::to_owned).collect::<Vec<_>>();
        let (first, second) = (parts(&first), parts(&second));
        assert_eq!(first[0], second[0], "the same header");
        for part in 1..5 {
            assert_ne!(first[part], second[part], "part {part} differs");
        }
    }

    /// RFC 7516 §5.2: a change to any part is refused — the header and IV
    /// and ciphertext by the tag (the header is the AAD), the encrypted key by
    /// OAEP's own check.
    #[test]
    fn a_flipped_byte_in_any_part_is_refused() {
        let (keys, public) = recipient_keys();
        let recipient = Recipient {
            key: &public,
            kid: Some("client-enc"),
            alg: "RSA-OAEP-256",
            enc: "A256GCM",
        };
        let token = seal(b"{\"sub\":\"anna\"}", &recipient, None).unwrap();
        let Ok(Decoded::Jwe(jwe)) = decode_unverified(&token) else {
            panic!("a JWE")
        };
        let flip = |bytes: &mut Vec<u8>| bytes[0] ^= 0x01;
        let mut altered = Vec::new();
        let mut header = jwe.clone();
        // The protected header as written, one letter changed ("kid":"client-enc" → "dlient-enc"),
        // still valid JSON: only the AAD check can notice.
        let text = header.header_text.replace("client-enc", "dlient-enc");
        header.protected = encode_segment(text.as_bytes());
        header.header_text = text;
        altered.push(("header", header, "JWE_TAG_INVALID"));
        let mut key = jwe.clone();
        flip(&mut key.encrypted_key);
        altered.push(("encrypted key", key, "JWE_KEY_UNWRAP"));
        let mut iv = jwe.clone();
        flip(&mut iv.iv);
        altered.push(("iv", iv, "JWE_TAG_INVALID"));
        let mut ciphertext = jwe.clone();
        flip(&mut ciphertext.ciphertext);
        altered.push(("ciphertext", ciphertext, "JWE_TAG_INVALID"));
        let mut tag = jwe.clone();
        flip(&mut tag.tag);
        altered.push(("tag", tag, "JWE_TAG_INVALID"));
        for (part, token, code) in altered {
            let error = open(&token, &keys, DecryptOptions::default())
                .expect_err(&format!("a flipped {part} is refused"));
            assert_eq!(error.code(), code, "{part}: {error}");
        }
        assert!(
            open(&jwe, &keys, DecryptOptions::default()).is_ok(),
            "the original opens"
        );
    }

    #[test]
    fn algorithms_it_does_not_make_are_refused_by_name() {
        let (_, public) = recipient_keys();
        for (alg, enc, what) in [
            ("RSA1_5", "A256GCM", "alg RSA1_5"),
            ("dir", "A256GCM", "alg dir"),
            ("RSA-OAEP-256", "A256CBC-HS512", "enc A256CBC-HS512"),
            ("RSA-OAEP-256", "nonsense", "enc nonsense"),
        ] {
            let recipient = Recipient {
                key: &public,
                kid: None,
                alg,
                enc,
            };
            assert_eq!(
                seal(b"x", &recipient, None),
                Err(SealError::Unsupported(what.to_owned()))
            );
        }
    }
}
