//! JOSE compact serialisation: JWS (RFC 7515 §7.1) and JWE (RFC 7516 §7.1).
//!
//! Everything here *decodes*; nothing verifies. The names say so:
//! [`decode_unverified`] returns an [`UnverifiedJws`], which must pass
//! signature verification before anything may call it valid.

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde_json::{Map, Value};

/// JSON object members, in their original order.
pub type JsonObject = Map<String, Value>;

/// How many JWTs may nest inside one another (`cty: JWT`, RFC 7519 §5.2).
pub(crate) const MAX_NESTING: usize = 4;

/// base64url without padding, as JOSE requires (RFC 7515 §2) — but
/// tolerating `=` padding, which some servers still emit.
const BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Which part of a compact token a problem is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// The protected header (first segment).
    Header,
    /// The JWS payload (second segment).
    Payload,
    /// The JWS signature (third segment).
    Signature,
    /// The JWE encrypted key (second segment).
    EncryptedKey,
    /// The JWE initialisation vector (third segment).
    Iv,
    /// The JWE ciphertext (fourth segment).
    Ciphertext,
    /// The JWE authentication tag (fifth segment).
    Tag,
}

impl std::fmt::Display for Part {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&match self {
            Self::Header => crate::tr!("jose-part-header"),
            Self::Payload => crate::tr!("jose-part-payload"),
            Self::Signature => crate::tr!("jose-part-signature"),
            Self::EncryptedKey => crate::tr!("jose-part-encrypted-key"),
            Self::Iv => crate::tr!("jose-part-iv"),
            Self::Ciphertext => crate::tr!("jose-part-ciphertext"),
            Self::Tag => crate::tr!("jose-part-tag"),
        })
    }
}

/// Why a compact token could not be decoded. Displays in the thread's
/// language ([`crate::i18n`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JoseError {
    /// Neither 3 (JWS) nor 5 (JWE) dot-separated segments.
    SegmentCount(usize),
    /// A segment is not base64url.
    Base64 {
        /// Where.
        part: Part,
        /// What the decoder said.
        detail: String,
    },
    /// The header is not JSON.
    HeaderNotJson(String),
    /// The header is JSON but not an object.
    HeaderNotObject(JsonKind),
    /// The payload is not JSON.
    PayloadNotJson(String),
    /// The payload is JSON but not an object, so it holds no claims (RFC 7519 §7.2 step 10).
    PayloadNotObject(JsonKind),
    /// JSON nested deeper than the decoder allows.
    TooDeep(Part),
    /// Nested JWTs deeper than [`MAX_NESTING`].
    NestedTooDeep,
}

impl std::fmt::Display for JoseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&match self {
            Self::SegmentCount(count) => crate::tr!("jose-segment-count", count = *count),
            Self::Base64 { part, detail } => crate::tr!(
                "jose-base64",
                part = part.to_string(),
                detail = detail.as_str()
            ),
            Self::HeaderNotJson(detail) => {
                crate::tr!("jose-header-not-json", detail = detail.as_str())
            }
            Self::HeaderNotObject(kind) => crate::tr!("jose-header-not-object", kind = kind.text()),
            Self::PayloadNotJson(detail) => {
                crate::tr!("jose-payload-not-json", detail = detail.as_str())
            }
            Self::PayloadNotObject(kind) => {
                crate::tr!("jose-payload-not-object", kind = kind.text())
            }
            Self::TooDeep(part) => crate::tr!("jose-too-deep", part = part.to_string()),
            Self::NestedTooDeep => crate::tr!("jose-nested-too-deep", max = MAX_NESTING),
        })
    }
}

impl std::error::Error for JoseError {}

/// A decoded compact token.
#[derive(Clone, Debug, PartialEq)]
pub enum Decoded {
    /// A signed token whose signature has NOT been checked.
    Jws(UnverifiedJws),
    /// An encrypted token: only its protected header can be read without a key.
    Jwe(EncryptedJwe),
}

impl Decoded {
    /// The protected header.
    pub fn header(&self) -> &JsonObject {
        match self {
            Self::Jws(jws) => &jws.header,
            Self::Jwe(jwe) => &jwe.header,
        }
    }

    /// The claims, following nested JWTs; `None` for an encrypted token
    /// not yet opened ([`super::jwe::open`]).
    pub fn claims(&self) -> Option<&JsonObject> {
        match self {
            Self::Jws(jws) => match &jws.payload {
                JwsPayload::Claims(claims) => Some(claims),
                JwsPayload::Nested(inner) => inner.claims(),
            },
            Self::Jwe(jwe) => match &jwe.opened.as_deref()?.content {
                super::jwe::Content::Claims(claims) => Some(claims),
                super::jwe::Content::Nested(inner) => inner.claims(),
                super::jwe::Content::Text | super::jwe::Content::Binary(_) => None,
            },
        }
    }

    /// Whether a JWT is nested in this one (`cty: JWT`, RFC 7519 §5.2), in
    /// a JWS payload or in a JWE's decrypted plaintext.
    pub fn is_nested(&self) -> bool {
        match self {
            Self::Jws(jws) => matches!(jws.payload, JwsPayload::Nested(_)),
            Self::Jwe(jwe) => jwe
                .opened
                .as_deref()
                .is_some_and(|opened| matches!(opened.content, super::jwe::Content::Nested(_))),
        }
    }

    /// Header and payload as the issuer wrote them, one after the other.
    pub fn raw_text(&self) -> String {
        match self {
            Self::Jws(jws) => match &jws.payload {
                JwsPayload::Claims(_) => format!("{}\n{}", jws.header_text, jws.payload_text),
                JwsPayload::Nested(inner) => format!("{}\n{}", jws.header_text, inner.raw_text()),
            },
            Self::Jwe(jwe) => match jwe.opened.as_deref() {
                Some(opened) => match &opened.content {
                    super::jwe::Content::Nested(inner) => {
                        format!("{}\n{}", jwe.header_text, inner.raw_text())
                    }
                    _ => format!("{}\n{}", jwe.header_text, opened.text),
                },
                None => format!("{}\n(encrypted payload)", jwe.header_text),
            },
        }
    }

    /// Header and claims pretty-printed as one JSON document.
    pub fn pretty_json(&self) -> String {
        let mut doc = Map::new();
        doc.insert("header".to_owned(), Value::Object(self.header().clone()));
        match self {
            Self::Jws(jws) => match &jws.payload {
                JwsPayload::Claims(claims) => {
                    doc.insert("payload".to_owned(), Value::Object(claims.clone()));
                }
                JwsPayload::Nested(inner) => {
                    let inner: Value =
                        serde_json::from_str(&inner.pretty_json()).unwrap_or(Value::Null);
                    doc.insert("nested".to_owned(), inner);
                }
            },
            Self::Jwe(jwe) => match jwe.opened.as_deref() {
                Some(opened) => {
                    doc.insert(
                        "decrypted".to_owned(),
                        serde_json::to_value(&opened.decryption).unwrap_or(Value::Null),
                    );
                    let (name, value) = match &opened.content {
                        super::jwe::Content::Claims(claims) => {
                            ("payload", Value::Object(claims.clone()))
                        }
                        super::jwe::Content::Nested(inner) => (
                            "nested",
                            serde_json::from_str(&inner.pretty_json()).unwrap_or(Value::Null),
                        ),
                        super::jwe::Content::Text => {
                            ("plaintext", Value::from(opened.text.clone()))
                        }
                        super::jwe::Content::Binary(length) => (
                            "plaintext",
                            Value::from(format!("({length} bytes, not text)")),
                        ),
                    };
                    doc.insert(name.to_owned(), value);
                }
                None => {
                    doc.insert("payload".to_owned(), Value::from("(encrypted)"));
                }
            },
        }
        serde_json::to_string_pretty(&Value::Object(doc)).unwrap_or_default()
    }

    /// A header parameter as a string.
    pub fn header_str(&self, name: &str) -> Option<&str> {
        self.header().get(name).and_then(Value::as_str)
    }

    /// The header of the token whose claims [`Self::claims`] gives: for a
    /// decrypted JWE holding a JWS, the JWS's (its `alg` and `typ` are what
    /// the relying-party checks read, RFC 7519 §5.2); else this token's own.
    pub fn claims_header(&self) -> &JsonObject {
        match self {
            Self::Jwe(jwe) => match jwe.opened.as_deref().map(|opened| &opened.content) {
                Some(super::jwe::Content::Nested(inner)) => inner.claims_header(),
                _ => &jwe.header,
            },
            Self::Jws(jws) => &jws.header,
        }
    }
}

/// A JWS decoded without verification.
#[derive(Clone, Debug, PartialEq)]
pub struct UnverifiedJws {
    /// The protected header.
    pub header: JsonObject,
    /// The header exactly as the issuer wrote it (decoded, not re-serialised).
    pub header_text: String,
    /// The payload.
    pub payload: JwsPayload,
    /// The payload exactly as the issuer wrote it.
    pub payload_text: String,
    /// The signature bytes (empty for `alg: none`).
    pub signature: Vec<u8>,
    /// `BASE64URL(header) || '.' || BASE64URL(payload)`: what the signature covers.
    pub signing_input: String,
}

/// What a JWS carries.
#[derive(Clone, Debug, PartialEq)]
pub enum JwsPayload {
    /// A JWT claims set.
    Claims(JsonObject),
    /// A nested JWT (`cty: JWT`, RFC 7519 §5.2).
    Nested(Box<Decoded>),
}

/// A JWE: the header is readable, the rest is only measured.
#[derive(Clone, Debug, PartialEq)]
pub struct EncryptedJwe {
    /// The protected header (`alg`, `enc`, `kid`, …).
    pub header: JsonObject,
    /// The header exactly as the issuer wrote it.
    pub header_text: String,
    /// Length of the encrypted key, in bytes (0 for direct encryption).
    pub encrypted_key_len: usize,
    /// Length of the ciphertext, in bytes.
    pub ciphertext_len: usize,
    /// The protected header segment as written: its ASCII bytes are the
    /// additional authenticated data (RFC 7516 §5.1 step 14).
    pub protected: String,
    /// The encrypted key (empty for `dir` and `ECDH-ES`).
    pub encrypted_key: Vec<u8>,
    /// The initialisation vector.
    pub iv: Vec<u8>,
    /// The ciphertext.
    pub ciphertext: Vec<u8>,
    /// The authentication tag.
    pub tag: Vec<u8>,
    /// The plaintext and how it was decrypted, once opened with a key
    /// ([`super::jwe::open`]); `None` until then.
    pub opened: Option<Box<super::jwe::Opened>>,
}

/// A decoding failure, with the header when it could still be read.
#[derive(Clone, Debug, PartialEq)]
pub struct DecodeFailure {
    /// What went wrong.
    pub error: JoseError,
    /// The header, when only a later part failed.
    pub header: Option<JsonObject>,
}

impl From<JoseError> for DecodeFailure {
    fn from(error: JoseError) -> Self {
        Self {
            error,
            header: None,
        }
    }
}

/// Decodes a compact JWS or JWE **without verifying anything**.
pub fn decode_unverified(compact: &str) -> Result<Decoded, DecodeFailure> {
    decode_nested(compact, 0)
}

/// [`decode_unverified`] for a token nested `depth` levels deep (a decrypted
/// JWE's plaintext), so that nesting stays bounded by [`MAX_NESTING`].
pub(crate) fn decode_nested(compact: &str, depth: usize) -> Result<Decoded, DecodeFailure> {
    if depth > MAX_NESTING {
        return Err(JoseError::NestedTooDeep.into());
    }
    // At most six pieces: a paste of a million dots must not cost a million
    // slices to be told it has the wrong number of segments.
    let segments: Vec<&str> = compact.splitn(6, '.').collect();
    let (header_segment, rest) = match segments.as_slice() {
        [header, rest @ ..] if rest.len() == 2 || rest.len() == 4 => (*header, rest),
        _ => {
            let count = compact.bytes().filter(|&b| b == b'.').count() + 1;
            return Err(JoseError::SegmentCount(count).into());
        }
    };
    let (header, header_text) = decode_header(header_segment)?;
    let with_header = |error: JoseError| DecodeFailure {
        error,
        header: Some(header.clone()),
    };
    let (payload_segment, signature_segment) = match rest {
        [payload, signature] => (*payload, *signature),
        [encrypted_key, iv, ciphertext, tag] => {
            let encrypted_key =
                decode_segment(encrypted_key, Part::EncryptedKey).map_err(with_header)?;
            let iv = decode_segment(iv, Part::Iv).map_err(with_header)?;
            let ciphertext = decode_segment(ciphertext, Part::Ciphertext).map_err(with_header)?;
            let tag = decode_segment(tag, Part::Tag).map_err(with_header)?;
            return Ok(Decoded::Jwe(EncryptedJwe {
                header,
                header_text,
                encrypted_key_len: encrypted_key.len(),
                ciphertext_len: ciphertext.len(),
                protected: header_segment.to_owned(),
                encrypted_key,
                iv,
                ciphertext,
                tag,
                opened: None,
            }));
        }
        _ => return Err(JoseError::SegmentCount(segments.len()).into()),
    };
    let payload_bytes = decode_segment(payload_segment, Part::Payload).map_err(with_header)?;
    let signature = decode_segment(signature_segment, Part::Signature).map_err(with_header)?;
    let nested = header
        .get("cty")
        .and_then(Value::as_str)
        .is_some_and(|cty| cty.eq_ignore_ascii_case("JWT"));
    let payload = if nested {
        let inner = String::from_utf8_lossy(&payload_bytes);
        let inner = decode_nested(inner.trim(), depth + 1).map_err(|failure| DecodeFailure {
            error: failure.error,
            header: Some(header.clone()),
        })?;
        JwsPayload::Nested(Box::new(inner))
    } else {
        JwsPayload::Claims(parse_object(&payload_bytes, Part::Payload).map_err(with_header)?)
    };
    Ok(Decoded::Jws(UnverifiedJws {
        header,
        header_text,
        payload,
        payload_text: String::from_utf8_lossy(&payload_bytes).into_owned(),
        signature,
        signing_input: format!("{header_segment}.{payload_segment}"),
    }))
}

fn decode_header(segment: &str) -> Result<(JsonObject, String), DecodeFailure> {
    let bytes = decode_segment(segment, Part::Header)?;
    let header = parse_object(&bytes, Part::Header)?;
    Ok((header, String::from_utf8_lossy(&bytes).into_owned()))
}

/// Decodes one base64url segment.
pub fn decode_segment(segment: &str, part: Part) -> Result<Vec<u8>, JoseError> {
    BASE64URL
        .decode(segment)
        .map_err(|error| JoseError::Base64 {
            part,
            detail: error.to_string(),
        })
}

fn parse_object(bytes: &[u8], part: Part) -> Result<JsonObject, JoseError> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(other) => {
            let kind = JsonKind::of(&other);
            Err(if part == Part::Header {
                JoseError::HeaderNotObject(kind)
            } else {
                JoseError::PayloadNotObject(kind)
            })
        }
        Err(error) if error.to_string().contains("recursion limit") => {
            Err(JoseError::TooDeep(part))
        }
        Err(error) => {
            let detail = error.to_string();
            Err(if part == Part::Header {
                JoseError::HeaderNotJson(detail)
            } else {
                JoseError::PayloadNotJson(detail)
            })
        }
    }
}

/// The type of a JSON value (RFC 8259 §3), for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonKind {
    /// `null`.
    Null,
    /// `true` or `false`.
    Boolean,
    /// A number.
    Number,
    /// A string.
    String,
    /// An array.
    Array,
    /// An object.
    Object,
}

impl JsonKind {
    /// The type of `value`.
    pub fn of(value: &Value) -> Self {
        match value {
            Value::Null => Self::Null,
            Value::Bool(_) => Self::Boolean,
            Value::Number(_) => Self::Number,
            Value::String(_) => Self::String,
            Value::Array(_) => Self::Array,
            Value::Object(_) => Self::Object,
        }
    }

    /// "an array", "a string", … in English, whatever the language.
    pub fn english(self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Boolean => "a boolean",
            Self::Number => "a number",
            Self::String => "a string",
            Self::Array => "an array",
            Self::Object => "an object",
        }
    }

    /// "an array", "a string", … in the thread's language.
    pub fn text(self) -> String {
        match self {
            Self::Null => crate::tr!("jose-kind-null"),
            Self::Boolean => crate::tr!("jose-kind-boolean"),
            Self::Number => crate::tr!("jose-kind-number"),
            Self::String => crate::tr!("jose-kind-string"),
            Self::Array => crate::tr!("jose-kind-array"),
            Self::Object => crate::tr!("jose-kind-object"),
        }
    }
}

/// "an array", "a string", … in English, for stable output.
pub fn json_kind(value: &Value) -> &'static str {
    JsonKind::of(value).english()
}

/// "an array", "a string", … in the thread's language, for messages.
pub fn json_kind_text(value: &Value) -> String {
    JsonKind::of(value).text()
}

/// base64url-encodes bytes without padding (for building test tokens and exports).
pub fn encode_segment(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(header: &str, payload: &str) -> String {
        format!(
            "{}.{}.{}",
            encode_segment(header.as_bytes()),
            encode_segment(payload.as_bytes()),
            encode_segment(b"sig")
        )
    }

    #[test]
    fn decodes_a_jws() {
        let token = jwt(r#"{"alg":"RS256","kid":"k1"}"#, r#"{"sub":"a","exp":5}"#);
        let decoded = decode_unverified(&token).expect("decodes");
        assert_eq!(decoded.header_str("kid"), Some("k1"));
        assert_eq!(
            decoded.claims().and_then(|c| c.get("sub")),
            Some(&Value::from("a"))
        );
    }

    #[test]
    fn decodes_a_nested_jwt() {
        let inner = jwt(r#"{"alg":"HS256"}"#, r#"{"sub":"inner"}"#);
        let outer = format!(
            "{}.{}.{}",
            encode_segment(br#"{"alg":"RS256","cty":"JWT"}"#),
            encode_segment(inner.as_bytes()),
            encode_segment(b"sig")
        );
        let decoded = decode_unverified(&outer).expect("decodes");
        let Decoded::Jws(jws) = &decoded else {
            panic!("a JWS")
        };
        assert!(matches!(jws.payload, JwsPayload::Nested(_)));
        assert_eq!(
            decoded.claims().and_then(|c| c.get("sub")),
            Some(&Value::from("inner"))
        );
    }

    #[test]
    fn reads_the_header_of_a_jwe() {
        let token = format!(
            "{}.{}.{}.{}.{}",
            encode_segment(br#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#),
            encode_segment(&[1; 256]),
            encode_segment(&[2; 12]),
            encode_segment(&[3; 40]),
            encode_segment(&[4; 16])
        );
        let Decoded::Jwe(jwe) = decode_unverified(&token).expect("decodes") else {
            panic!("a JWE")
        };
        assert_eq!(jwe.encrypted_key_len, 256);
        assert_eq!(jwe.ciphertext_len, 40);
    }

    #[test]
    fn bad_tokens_get_clear_messages() {
        let header = encode_segment(br#"{"alg":"RS256"}"#);
        let cases = [
            (format!("{header}.abc"), "has 2 segments"),
            (format!("{header}.a.b.c"), "has 4 segments"),
            (
                format!("{header}.###.sig"),
                "payload is not valid base64url",
            ),
            (
                format!("{}.e30.sig", encode_segment(b"not json")),
                "header is not JSON",
            ),
            (
                format!("{}.e30.sig", encode_segment(b"[1]")),
                "header is JSON but not an object",
            ),
            (
                format!("{header}.{}.sig", encode_segment(b"[1,2]")),
                "not an object of claims (it is an array)",
            ),
            (
                format!("{header}.{}.sig", encode_segment(b"hello")),
                "payload is not JSON",
            ),
            (
                format!(
                    "{header}.{}.sig",
                    encode_segment("[".repeat(500).as_bytes())
                ),
                "nests JSON too deeply",
            ),
        ];
        for (token, message) in cases {
            let failure = decode_unverified(&token).expect_err(message);
            assert!(
                failure.error.to_string().contains(message),
                "{}",
                failure.error
            );
        }
        let failure = decode_unverified(&format!("{header}.{}.sig", encode_segment(b"[1]")))
            .expect_err("array");
        assert!(
            failure.header.is_some(),
            "the header is kept when the payload fails"
        );
    }

    #[test]
    fn hostile_segments_are_refused_whole() {
        let dots = format!("eyJ{}", ".".repeat(1_000_000));
        let failure = decode_unverified(&dots).expect_err("a million dots");
        assert_eq!(failure.error, JoseError::SegmentCount(1_000_001));
        for token in [
            "eyJ.Токен.истёк",
            "eyJhbGciOiJub25lIn0.😀.\u{200F}",
            "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.Ключ",
            "..",
            "....",
        ] {
            assert!(decode_unverified(token).is_err(), "{token}");
        }
    }
}
