//! SD-JWT (RFC 9901): a signed JWT whose claims may be withheld, and the
//! Disclosures that reveal some of them, in the compact serialisation
//! `<issuer-signed JWT>~<Disclosure>~…~[<KB-JWT>]` (RFC 9901 §4).
//!
//! Reading one ([`read`]) splits it, decodes every Disclosure, computes its
//! digest with the `_sd_alg` the issuer named (RFC 9901 §4.1.1, §4.2.3) and
//! puts each disclosed claim back where its digest sits (RFC 9901 §7.1):
//! object properties from `_sd` arrays, array elements from `{"...": digest}`
//! entries, recursively. What it refuses (a digest met twice, a
//! Disclosure nobody refers to, a claim name that exists already or is
//! `_sd`/`...`) is kept as a [`SdProblem`]: the inspector shows the token all
//! the same, and verification fails on it.
//!
//! Like `jose`, nothing here verifies a signature: [`checks`] does, with
//! `token::verify`, for the issuer-signed JWT and the Key Binding JWT
//! (RFC 9901 §4.3, §7.3).

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest as _, Sha256, Sha384, Sha512};

use super::checks::{self, CheckResult, Expectations};
use super::jose::{self, DecodeFailure, Decoded, JsonObject, Part, encode_segment};
use super::keys::KeySet;
use super::mend::JoinBudget;
use super::time::{TimeValue, Timestamp};
use super::verify::{SignatureOutcome, verify_decoded};

/// The separator of the compact serialisation (RFC 9901 §4).
pub const SEPARATOR: char = '~';

/// At most this many Disclosures are read from one SD-JWT; the rest are
/// reported, not decoded (real credentials carry a few dozen).
pub const MAX_DISCLOSURES: usize = 4_096;

/// How deep the processed payload may nest, Disclosures inside Disclosures
/// included: each level is a frame of the walk.
const MAX_DEPTH: usize = 160;

/// The parts of a compact SD-JWT or SD-JWT+KB (RFC 9901 §4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parts<'a> {
    /// The issuer-signed JWT.
    pub issuer_jwt: &'a str,
    /// The Disclosures, as written, in order.
    pub disclosures: Vec<&'a str>,
    /// The Key Binding JWT, when one ends the string.
    pub key_binding: Option<&'a str>,
    /// `<issuer-signed JWT>~<Disclosure 1>~…~<Disclosure N>~`: what
    /// `sd_hash` is computed over (RFC 9901 §4.3.1).
    pub presentation: &'a str,
}

/// Splits a compact SD-JWT at its `~` separators; `None` when there is none.
/// The last part is the KB-JWT when it is not empty (RFC 9901 §4).
pub fn split(compact: &str) -> Option<Parts<'_>> {
    let (before_last, last) = compact.rsplit_once(SEPARATOR)?;
    let presentation = compact.get(..before_last.len() + SEPARATOR.len_utf8())?;
    let mut pieces = before_last.split(SEPARATOR);
    let issuer_jwt = pieces.next()?;
    Some(Parts {
        issuer_jwt,
        disclosures: pieces.collect(),
        key_binding: (!last.is_empty()).then_some(last),
        presentation,
    })
}

/// The length of the SD-JWT tail that starts at `rest` (just after an
/// issuer-signed JWT): `~`, then Disclosures each followed by `~`, then
/// perhaps a KB-JWT (RFC 9901 §4). 0 when `rest` does not start with `~`.
/// Only the shape is looked at (base64url characters, dots only in the last
/// part), one pass over the bytes.
pub fn tail_len(rest: &str) -> usize {
    tail_end(rest.as_bytes(), false)
}

/// Whether `byte` is a base64url character (RFC 4648 §5).
fn is_base64url(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_'
}

/// The length of a separator at the start of `bytes`: `~`, or with
/// `escaped` `%7E` as a form body writes it; 0 when there is none.
fn separator_at(bytes: &[u8], escaped: bool) -> usize {
    match bytes {
        [b'~', ..] if !escaped => 1,
        [b'%', b'7', b'E' | b'e', ..] if escaped => 3,
        _ => 0,
    }
}

/// [`tail_len`] over bytes, `~` written `%7E` when `escaped`. One pass: it
/// stops at the first byte no SD-JWT tail can hold, so a long run of
/// token characters after a JWT is not read again for every JWT before it.
fn tail_end(bytes: &[u8], escaped: bool) -> usize {
    let first = separator_at(bytes, escaped);
    if first == 0 {
        return 0;
    }
    // The end of the last complete separator, and of a KB-JWT after it.
    let mut accepted = first;
    let mut at = first;
    let mut part_len = 0;
    let mut dots = 0;
    while let Some(&byte) = bytes.get(at) {
        let separator = separator_at(bytes.get(at..).unwrap_or_default(), escaped);
        if separator > 0 {
            if dots > 0 || part_len == 0 {
                break;
            }
            at += separator;
            accepted = at;
            part_len = 0;
            continue;
        }
        if byte == b'.' {
            dots += 1;
        } else if !is_base64url(byte) {
            break;
        }
        if dots > 2 {
            break;
        }
        part_len += 1;
        at += 1;
    }
    // A KB-JWT after the last separator: `header.payload.signature`.
    let kb = bytes.get(accepted..).map_or(0, |after| {
        let len = after
            .iter()
            .position(|&b| !(is_base64url(b) || b == b'.'))
            .unwrap_or(after.len());
        let candidate = after.get(..len).unwrap_or_default();
        let dots = candidate
            .iter()
            .fold(0_usize, |dots, &b| dots + usize::from(b == b'.'));
        if dots == 2 && candidate.starts_with(b"eyJ") {
            len
        } else {
            0
        }
    });
    accepted + kb
}

/// The SD-JWT tail after an issuer-signed JWT in pasted text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tail {
    /// `~`, the Disclosures, `~`, perhaps a KB-JWT; `%7E` decoded.
    pub text: String,
    /// How many bytes of the text it took.
    pub consumed: usize,
    /// How many `%7E` were decoded (a form body encodes `~`).
    pub escapes: usize,
}

/// The SD-JWT tail at the start of `rest` ([`tail_len`]), also when a form
/// body percent-encoded its `~` as `%7E` (the WHATWG form encoding does).
pub fn tail_at(rest: &str) -> Option<Tail> {
    let (escaped, end) = match tail_end(rest.as_bytes(), false) {
        0 => (true, tail_end(rest.as_bytes(), true)),
        end => (false, end),
    };
    if end == 0 {
        return None;
    }
    let written = rest.get(..end)?;
    if !escaped {
        return Some(Tail {
            text: written.to_owned(),
            consumed: end,
            escapes: 0,
        });
    }
    let text = written.replace("%7E", "~").replace("%7e", "~");
    Some(Tail {
        escapes: text.matches(SEPARATOR).count(),
        text,
        consumed: end,
    })
}

/// The SD-JWT tail after an issuer-signed JWT that ends at `end` of `text`,
/// when a mail client or a log hard-wrapped it: the line breaks inside the
/// tail are left out where the line before is as wide as the line the
/// token started on (a hard wrap) and the next line goes on with SD-JWT
/// characters. `None` when nothing was wrapped; else the tail, with
/// `consumed` counted in `text` and how many line breaks were left out.
/// The lines walked are paid from the paste's `budget`, which the JWT joins
/// share: thousands of same-width lines that each start like a JWT would
/// otherwise each walk all the lines after them.
pub(crate) fn wrapped_tail_at(
    text: &str,
    token_start: usize,
    end: usize,
    budget: &mut JoinBudget,
) -> Option<(Tail, usize)> {
    // Hard-wrapped lines are short; every look is bounded by this, so a
    // paste of one huge line with many tokens stays linear.
    const MAX_WIDTH: usize = 1_000;
    let bytes = text.as_bytes();
    // A tail starts with `~` (RFC 9901 §4): right here, or after the one
    // line break a wrap put between the JWT and it.
    let after_break = match bytes.get(end..) {
        Some([b'\r', b'\n', ..]) => end + 2,
        Some([b'\n' | b'\r', ..]) => end + 1,
        _ => end,
    };
    if bytes.get(after_break) != Some(&b'~') {
        return None;
    }
    let line_start_before = |at: usize| -> Option<usize> {
        let from = at.saturating_sub(MAX_WIDTH + 1);
        let window = bytes.get(from..at)?;
        match window.iter().rposition(|&b| b == b'\n') {
            Some(i) => Some(from + i + 1),
            None if from == 0 => Some(0),
            None => None,
        }
    };
    let line_start = line_start_before(token_start)?;
    let first_line = bytes.get(line_start..)?;
    let first_len = first_line
        .iter()
        .take(4 * MAX_WIDTH)
        .position(|&b| b == b'\n' || b == b'\r')?;
    let width = text
        .get(line_start..line_start + first_len)?
        .chars()
        .count();
    // Shorter lines are not taken as hard-wrapped (a wrap is 40+ columns).
    if !(40..=MAX_WIDTH).contains(&width) {
        return None;
    }
    let sd_char = |b: u8| is_base64url(b) || b == b'.' || b == b'~' || b == b'%';
    let mut joined = String::new();
    // (position in `joined`, bytes left out there)
    let mut breaks: Vec<(usize, usize)> = Vec::new();
    let mut pos = end;
    let mut current_line_start = line_start_before(end)?;
    loop {
        let rest = bytes.get(pos..)?;
        let line_end = rest
            .iter()
            .position(|&b| b == b'\n' || b == b'\r')
            .unwrap_or(rest.len());
        if !budget.spend(line_end.saturating_add(1)) {
            return None;
        }
        let segment = text.get(pos..pos + line_end)?;
        joined.push_str(segment);
        if line_end == rest.len() || line_end > 4 * MAX_WIDTH || !segment.bytes().all(sd_char) {
            break;
        }
        let line_width = text
            .get(current_line_start..pos + line_end)
            .map_or(0, |line| line.chars().count());
        let after = rest.get(line_end..)?;
        let break_len = if after.starts_with(b"\r\n") { 2 } else { 1 };
        let next_goes_on = after.get(break_len).is_some_and(|&b| sd_char(b));
        if line_width != width || !next_goes_on {
            break;
        }
        breaks.push((joined.len(), break_len));
        pos += line_end + break_len;
        current_line_start = pos;
    }
    if breaks.is_empty() {
        return None;
    }
    let mut tail = tail_at(&joined)?;
    let removed: Vec<usize> = breaks
        .iter()
        .filter(|(at, _)| *at < tail.consumed)
        .map(|(_, len)| *len)
        .collect();
    if removed.is_empty() {
        return None;
    }
    tail.consumed += removed.iter().sum::<usize>();
    Some((tail, removed.len()))
}

/// A digest algorithm for Disclosures, named in `_sd_alg` with the names of
/// the IANA "Named Information Hash Algorithm" registry (RFC 9901 §4.1.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum HashAlg {
    /// `sha-256`, the default when `_sd_alg` is absent.
    #[serde(rename = "sha-256")]
    Sha256,
    /// `sha-384`.
    #[serde(rename = "sha-384")]
    Sha384,
    /// `sha-512`.
    #[serde(rename = "sha-512")]
    Sha512,
}

impl HashAlg {
    /// The algorithm for a registry name; `None` for one tokenscope does not implement.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "sha-256" => Some(Self::Sha256),
            "sha-384" => Some(Self::Sha384),
            "sha-512" => Some(Self::Sha512),
            _ => None,
        }
    }

    /// The registry name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sha256 => "sha-256",
            Self::Sha384 => "sha-384",
            Self::Sha512 => "sha-512",
        }
    }

    /// The base64url digest of the US-ASCII bytes of `text` (RFC 9901
    /// §4.2.3 for Disclosures, §4.3.1 for `sd_hash`).
    pub fn digest(self, text: &str) -> String {
        match self {
            Self::Sha256 => encode_segment(&Sha256::digest(text.as_bytes())),
            Self::Sha384 => encode_segment(&Sha384::digest(text.as_bytes())),
            Self::Sha512 => encode_segment(&Sha512::digest(text.as_bytes())),
        }
    }
}

/// The `_sd_alg` of an SD-JWT.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SdAlg {
    /// No `_sd_alg`: SHA-256 (RFC 9901 §4.1.1).
    Default,
    /// A named algorithm tokenscope implements.
    Named(HashAlg),
    /// A name tokenscope does not implement, or not a string: no digest can be computed.
    Unsupported(String),
}

impl SdAlg {
    fn of(claims: &JsonObject) -> Self {
        match claims.get("_sd_alg") {
            None => Self::Default,
            Some(Value::String(name)) => {
                HashAlg::parse(name).map_or_else(|| Self::Unsupported(name.clone()), Self::Named)
            }
            Some(other) => Self::Unsupported(other.to_string()),
        }
    }

    /// The algorithm, when digests can be computed.
    pub fn hash(&self) -> Option<HashAlg> {
        match self {
            Self::Default => Some(HashAlg::Sha256),
            Self::Named(alg) => Some(*alg),
            Self::Unsupported(_) => None,
        }
    }

    /// The name as written (`sha-256` when absent).
    pub fn name(&self) -> &str {
        match self {
            Self::Default => "sha-256",
            Self::Named(alg) => alg.name(),
            Self::Unsupported(name) => name,
        }
    }
}

/// One Disclosure as presented.
#[derive(Clone, Debug, PartialEq)]
pub struct Disclosure {
    /// The base64url string as written.
    pub encoded: String,
    /// Its digest with `_sd_alg`; `None` when the algorithm is unsupported.
    pub digest: Option<String>,
    /// What it holds, when it decodes to a Disclosure array (RFC 9901 §4.2).
    pub content: Option<DisclosureContent>,
}

/// The decoded array of a Disclosure: `[salt, name, value]` for an object
/// property (RFC 9901 §4.2.1), `[salt, value]` for an array element (§4.2.2).
#[derive(Clone, Debug, PartialEq)]
pub struct DisclosureContent {
    /// The salt.
    pub salt: String,
    /// The claim name; `None` for an array element.
    pub name: Option<String>,
    /// The claim value.
    pub value: Value,
}

/// A claim put back in place by a Disclosure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DisclosedClaim {
    /// Where it is in the processed payload, as a JSON Pointer (RFC 6901).
    pub pointer: String,
    /// Where it is among the claim rows of the inspector (`address/street_address`,
    /// `nationalities/0`): the payload as shown, withheld digests included.
    #[serde(skip)]
    pub row_path: String,
    /// The claim name; `None` for an array element.
    pub name: Option<String>,
    /// The Disclosure's salt.
    pub salt: String,
    /// The digest that referred to it.
    pub digest: String,
    /// The Disclosure as presented.
    pub disclosure: String,
}

/// What makes an SD-JWT unacceptable (RFC 9901 §7.1, §7.3). Displays in the
/// thread's language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SdProblem {
    /// An empty part between two `~` (RFC 9901 §4: `~~`).
    EmptyDisclosure {
        /// Which Disclosure, from 1.
        number: usize,
    },
    /// A Disclosure that is not base64url.
    DisclosureNotBase64 {
        /// Which Disclosure, from 1.
        number: usize,
        /// What the decoder said.
        detail: String,
    },
    /// A Disclosure that is not JSON.
    DisclosureNotJson {
        /// Which Disclosure, from 1.
        number: usize,
        /// What the parser said.
        detail: String,
    },
    /// A Disclosure that is not `[salt, name, value]` or `[salt, value]` with string salt and name.
    DisclosureShape {
        /// Which Disclosure, from 1.
        number: usize,
    },
    /// The same Disclosure presented twice.
    RepeatedDisclosure {
        /// Which Disclosure, from 1.
        number: usize,
    },
    /// No digest in the payload refers to the Disclosure (RFC 9901 §7.1 step 4).
    UnreferencedDisclosure {
        /// Which Disclosure, from 1.
        number: usize,
    },
    /// A digest met more than once (RFC 9901 §7.1 step 3.d).
    DuplicateDigest {
        /// The digest.
        digest: String,
    },
    /// A property Disclosure at an array's digest element, or an element Disclosure in `_sd`.
    WrongDisclosureKind {
        /// Which Disclosure, from 1.
        number: usize,
        /// Where its digest is (row path).
        path: String,
    },
    /// A Disclosure whose claim name is `_sd` or `...` (RFC 9901 §7.1 step 3.c.ii.2).
    ReservedName {
        /// Which Disclosure, from 1.
        number: usize,
        /// The name.
        name: String,
    },
    /// A disclosed claim name that exists already at that level (RFC 9901 §7.1 step 3.c.ii.3).
    NameExists {
        /// Which Disclosure, from 1.
        number: usize,
        /// Where (row path).
        path: String,
    },
    /// `_sd` that is not an array of strings, or a `...` that is not a string.
    NotDigests {
        /// Where (row path).
        path: String,
    },
    /// `_sd_alg` names an algorithm tokenscope does not implement.
    UnsupportedAlg {
        /// The name as written.
        alg: String,
    },
    /// More Disclosures than [`MAX_DISCLOSURES`].
    TooManyDisclosures {
        /// How many there are.
        count: usize,
    },
    /// Disclosures nested deeper than tokenscope walks.
    TooDeep,
    /// The issuer part is not a JWS with a claims set.
    IssuerNotJws,
}

impl SdProblem {
    /// A stable code for scripts.
    pub fn code(&self) -> &'static str {
        match self {
            Self::EmptyDisclosure { .. } => "SD_DISCLOSURE_EMPTY",
            Self::DisclosureNotBase64 { .. } => "SD_DISCLOSURE_BASE64",
            Self::DisclosureNotJson { .. } => "SD_DISCLOSURE_JSON",
            Self::DisclosureShape { .. } => "SD_DISCLOSURE_SHAPE",
            Self::RepeatedDisclosure { .. } => "SD_DISCLOSURE_REPEATED",
            Self::UnreferencedDisclosure { .. } => "SD_DISCLOSURE_UNREFERENCED",
            Self::DuplicateDigest { .. } => "SD_DIGEST_DUPLICATE",
            Self::WrongDisclosureKind { .. } => "SD_DISCLOSURE_KIND",
            Self::ReservedName { .. } => "SD_NAME_RESERVED",
            Self::NameExists { .. } => "SD_NAME_EXISTS",
            Self::NotDigests { .. } => "SD_NOT_DIGESTS",
            Self::UnsupportedAlg { .. } => "SD_ALG_UNSUPPORTED",
            Self::TooManyDisclosures { .. } => "SD_TOO_MANY_DISCLOSURES",
            Self::TooDeep => "SD_TOO_DEEP",
            Self::IssuerNotJws => "SD_ISSUER_NOT_JWS",
        }
    }

    /// Which check row the problem belongs to.
    fn row(&self) -> &'static str {
        match self {
            Self::DuplicateDigest { .. } | Self::NotDigests { .. } => "digests",
            Self::ReservedName { .. } | Self::NameExists { .. } => "claim_names",
            Self::UnsupportedAlg { .. } => "_sd_alg",
            _ => "disclosures",
        }
    }
}

impl fmt::Display for SdProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&match self {
            Self::EmptyDisclosure { number } => crate::tr!("sd-empty", number = *number),
            Self::DisclosureNotBase64 { number, detail } => {
                crate::tr!("sd-not-base64", number = *number, detail = detail.as_str())
            }
            Self::DisclosureNotJson { number, detail } => {
                crate::tr!("sd-not-json", number = *number, detail = detail.as_str())
            }
            Self::DisclosureShape { number } => crate::tr!("sd-shape", number = *number),
            Self::RepeatedDisclosure { number } => crate::tr!("sd-repeated", number = *number),
            Self::UnreferencedDisclosure { number } => {
                crate::tr!("sd-unreferenced", number = *number)
            }
            Self::DuplicateDigest { digest } => {
                crate::tr!("sd-duplicate-digest", digest = digest.as_str())
            }
            Self::WrongDisclosureKind { number, path } => {
                crate::tr!("sd-wrong-kind", number = *number, path = shown_path(path))
            }
            Self::ReservedName { number, name } => {
                crate::tr!("sd-reserved-name", number = *number, name = name.as_str())
            }
            Self::NameExists { number, path } => {
                crate::tr!("sd-name-exists", number = *number, path = shown_path(path))
            }
            Self::NotDigests { path } => crate::tr!("sd-not-digests", path = shown_path(path)),
            Self::UnsupportedAlg { alg } => crate::tr!("sd-alg-unsupported", alg = alg.as_str()),
            Self::TooManyDisclosures { count } => {
                crate::tr!("sd-too-many", count = *count, max = MAX_DISCLOSURES)
            }
            Self::TooDeep => crate::tr!("sd-too-deep"),
            Self::IssuerNotJws => crate::tr!("sd-issuer-not-jws"),
        })
    }
}

/// A row path for messages: the top level is "the payload".
fn shown_path(path: &str) -> String {
    if path.is_empty() {
        crate::tr!("sd-top-level")
    } else {
        path.to_owned()
    }
}

impl Serialize for SdProblem {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut problem = serializer.serialize_struct("SdProblem", 2)?;
        problem.serialize_field("code", self.code())?;
        problem.serialize_field("message", &self.to_string())?;
        problem.end()
    }
}

/// The Key Binding JWT of an SD-JWT+KB (RFC 9901 §4.3).
#[derive(Clone, Debug, PartialEq)]
pub struct KeyBinding {
    /// The KB-JWT as written.
    pub compact: String,
    /// Decoded without verification, or why it could not be.
    pub decoded: Result<Decoded, DecodeFailure>,
}

impl KeyBinding {
    /// The KB-JWT's header, when readable.
    pub fn header(&self) -> Option<&JsonObject> {
        match &self.decoded {
            Ok(decoded) => Some(decoded.header()),
            Err(failure) => failure.header.as_ref(),
        }
    }

    /// The KB-JWT's claims, when readable.
    pub fn claims(&self) -> Option<&JsonObject> {
        self.decoded.as_ref().ok().and_then(Decoded::claims)
    }
}

/// An SD-JWT read and processed (RFC 9901 §7.1 without the signature, which
/// [`checks`] verifies).
#[derive(Clone, Debug, PartialEq)]
pub struct SdJwt {
    /// The Disclosures, in the order presented (at most [`MAX_DISCLOSURES`]).
    pub disclosures: Vec<Disclosure>,
    /// The Key Binding JWT, when presented.
    pub key_binding: Option<KeyBinding>,
    /// `<issuer-signed JWT>~<Disclosures>~`: what `sd_hash` covers (RFC 9901 §4.3.1).
    pub presentation: String,
    /// The issuer's `_sd_alg`.
    pub sd_alg: SdAlg,
    /// The Processed SD-JWT Payload (RFC 9901 §7.1 step 5): disclosed claims
    /// in place, `_sd`, `_sd_alg` and undisclosed `...` elements removed.
    pub processed: JsonObject,
    /// The payload as the inspector lists it: disclosed claims in place,
    /// `_sd_alg` kept, and the digests nobody disclosed left where they sit.
    pub shown: JsonObject,
    /// Every claim a Disclosure put back, in the order met.
    pub disclosed: Vec<DisclosedClaim>,
    /// Digests no Disclosure matches: claims withheld, or decoys (RFC 9901
    /// §4.2.5) — the two cannot be told apart.
    pub withheld: usize,
    /// What makes it unacceptable.
    pub problems: Vec<SdProblem>,
}

impl SdJwt {
    /// The disclosed claim whose inspector row is `path`.
    pub fn disclosed_at(&self, row_path: &str) -> Option<&DisclosedClaim> {
        self.disclosed.iter().find(|d| d.row_path == row_path)
    }
}

/// Reads a compact SD-JWT: `None` when `compact` has no `~`; the issuer
/// JWT's decoding failure when it cannot be read; else the issuer JWT decoded
/// (not verified) and the SD-JWT processed.
pub fn read(compact: &str) -> Option<Result<(Decoded, SdJwt), DecodeFailure>> {
    let parts = split(compact)?;
    Some(jose::decode_unverified(parts.issuer_jwt).map(|decoded| {
        let processed = process(&parts, &decoded);
        (decoded, processed)
    }))
}

/// Processes the parts of an SD-JWT whose issuer JWT is `issuer` (RFC 9901 §7.1 steps 3–5).
pub fn process(parts: &Parts<'_>, issuer: &Decoded) -> SdJwt {
    let empty = JsonObject::new();
    let mut problems = Vec::new();
    let claims = match issuer {
        Decoded::Jws(_) => issuer.claims(),
        Decoded::Jwe(_) => None,
    };
    let claims = claims.unwrap_or_else(|| {
        problems.push(SdProblem::IssuerNotJws);
        &empty
    });
    let sd_alg = SdAlg::of(claims);
    if let SdAlg::Unsupported(alg) = &sd_alg {
        problems.push(SdProblem::UnsupportedAlg { alg: alg.clone() });
    }
    let hash = sd_alg.hash();
    if parts.disclosures.len() > MAX_DISCLOSURES {
        problems.push(SdProblem::TooManyDisclosures {
            count: parts.disclosures.len(),
        });
    }
    let disclosures: Vec<Disclosure> = parts
        .disclosures
        .iter()
        .take(MAX_DISCLOSURES)
        .enumerate()
        .map(|(index, encoded)| decode_disclosure(encoded, index + 1, hash, &mut problems))
        .collect();
    let mut by_digest = HashMap::new();
    for (index, disclosure) in disclosures.iter().enumerate() {
        if let (Some(digest), Some(_)) = (&disclosure.digest, &disclosure.content) {
            match by_digest.entry(digest.clone()) {
                Entry::Vacant(vacant) => {
                    vacant.insert(index);
                }
                Entry::Occupied(_) => {
                    problems.push(SdProblem::RepeatedDisclosure { number: index + 1 });
                }
            }
        }
    }
    let mut walk = Walk {
        disclosures: &disclosures,
        by_digest,
        used: vec![false; disclosures.len()],
        seen: HashSet::new(),
        disclosed: Vec::new(),
        withheld: 0,
        problems,
        too_deep: false,
    };
    let (mut processed, shown) = walk.object(claims, &Place::root(), 0);
    // RFC 9901 §7.1 step 5: `_sd_alg` is not a claim of the processed payload.
    processed.shift_remove("_sd_alg");
    for (index, used) in walk.used.iter().enumerate() {
        let disclosure = disclosures.get(index);
        if !used && disclosure.is_some_and(|d| d.content.is_some()) {
            let repeated = SdProblem::RepeatedDisclosure { number: index + 1 };
            if !walk.problems.contains(&repeated) {
                walk.problems
                    .push(SdProblem::UnreferencedDisclosure { number: index + 1 });
            }
        }
    }
    if walk.too_deep {
        walk.problems.push(SdProblem::TooDeep);
    }
    let key_binding = parts.key_binding.map(|compact| KeyBinding {
        compact: compact.to_owned(),
        decoded: jose::decode_unverified(compact),
    });
    SdJwt {
        key_binding,
        presentation: parts.presentation.to_owned(),
        sd_alg,
        processed,
        shown,
        disclosed: walk.disclosed,
        // Without the algorithm no digest can be matched: nothing is known withheld.
        withheld: if hash.is_some() { walk.withheld } else { 0 },
        problems: walk.problems,
        disclosures,
    }
}

fn decode_disclosure(
    encoded: &str,
    number: usize,
    hash: Option<HashAlg>,
    problems: &mut Vec<SdProblem>,
) -> Disclosure {
    let mut disclosure = Disclosure {
        encoded: encoded.to_owned(),
        // RFC 9901 §4.2.3: over the base64url text as presented, not the decoded bytes.
        digest: hash.map(|alg| alg.digest(encoded)),
        content: None,
    };
    if encoded.is_empty() {
        problems.push(SdProblem::EmptyDisclosure { number });
        return disclosure;
    }
    let bytes = match jose::decode_segment(encoded, Part::Payload) {
        Ok(bytes) => bytes,
        Err(error) => {
            let detail = match error {
                jose::JoseError::Base64 { detail, .. } => detail,
                other => other.to_string(),
            };
            problems.push(SdProblem::DisclosureNotBase64 { number, detail });
            return disclosure;
        }
    };
    let items = match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Array(items)) => items,
        Ok(_) => {
            problems.push(SdProblem::DisclosureShape { number });
            return disclosure;
        }
        Err(error) => {
            problems.push(SdProblem::DisclosureNotJson {
                number,
                detail: error.to_string(),
            });
            return disclosure;
        }
    };
    let mut items = items.into_iter();
    disclosure.content = match (items.next(), items.next(), items.next(), items.next()) {
        (Some(Value::String(salt)), Some(value), None, None) => Some(DisclosureContent {
            salt,
            name: None,
            value,
        }),
        (Some(Value::String(salt)), Some(Value::String(name)), Some(value), None) => {
            Some(DisclosureContent {
                salt,
                name: Some(name),
                value,
            })
        }
        _ => {
            problems.push(SdProblem::DisclosureShape { number });
            None
        }
    };
    disclosure
}

/// Where the walk is: in the processed payload (JSON Pointer) and among the
/// inspector's rows (the shown payload, `/`-joined as `claims` does).
#[derive(Clone, Debug)]
struct Place {
    pointer: String,
    row: String,
}

impl Place {
    fn root() -> Self {
        Self {
            pointer: String::new(),
            row: String::new(),
        }
    }

    fn member(&self, name: &str) -> Self {
        let escaped = name.replace('~', "~0").replace('/', "~1");
        Self {
            pointer: format!("{}/{escaped}", self.pointer),
            row: if self.row.is_empty() {
                name.to_owned()
            } else {
                format!("{}/{name}", self.row)
            },
        }
    }

    fn element(&self, processed_index: usize, shown_index: usize) -> Self {
        Self {
            pointer: format!("{}/{processed_index}", self.pointer),
            row: format!("{}/{shown_index}", self.row),
        }
    }
}

struct Walk<'a> {
    disclosures: &'a [Disclosure],
    by_digest: HashMap<String, usize>,
    used: Vec<bool>,
    seen: HashSet<String>,
    disclosed: Vec<DisclosedClaim>,
    withheld: usize,
    problems: Vec<SdProblem>,
    too_deep: bool,
}

impl<'a> Walk<'a> {
    /// The processed and the shown value of `value`.
    fn value(&mut self, value: &Value, place: &Place, depth: usize) -> (Value, Value) {
        match value {
            Value::Object(object) => {
                let (processed, shown) = self.object(object, place, depth + 1);
                (Value::Object(processed), Value::Object(shown))
            }
            Value::Array(items) => {
                let (processed, shown) = self.array(items, place, depth + 1);
                (Value::Array(processed), Value::Array(shown))
            }
            other => (other.clone(), other.clone()),
        }
    }

    /// The digest an `_sd` entry or array element names, once: a second meeting is a problem.
    fn first_meeting(&mut self, digest: &str) -> bool {
        if self.seen.insert(digest.to_owned()) {
            true
        } else {
            self.problems.push(SdProblem::DuplicateDigest {
                digest: digest.to_owned(),
            });
            false
        }
    }

    /// The Disclosure whose digest is `digest`, marked used.
    fn take(&mut self, digest: &str) -> Option<(usize, &'a DisclosureContent)> {
        let disclosures: &'a [Disclosure] = self.disclosures;
        let index = *self.by_digest.get(digest)?;
        let content = disclosures.get(index)?.content.as_ref()?;
        if let Some(used) = self.used.get_mut(index) {
            *used = true;
        }
        Some((index, content))
    }

    fn record(&mut self, index: usize, place: &Place, name: Option<&str>, digest: &str) {
        let Some(disclosure) = self.disclosures.get(index) else {
            return;
        };
        let salt = disclosure
            .content
            .as_ref()
            .map(|c| c.salt.clone())
            .unwrap_or_default();
        self.disclosed.push(DisclosedClaim {
            pointer: place.pointer.clone(),
            row_path: place.row.clone(),
            name: name.map(str::to_owned),
            salt,
            digest: digest.to_owned(),
            disclosure: disclosure.encoded.clone(),
        });
    }

    /// RFC 9901 §7.1 step 3.c: the `_sd` digests of an object and its other members.
    fn object(
        &mut self,
        object: &JsonObject,
        place: &Place,
        depth: usize,
    ) -> (JsonObject, JsonObject) {
        let mut processed = JsonObject::new();
        let mut shown = JsonObject::new();
        if depth > MAX_DEPTH {
            self.too_deep = true;
            return (object.clone(), object.clone());
        }
        for (key, value) in object {
            if key != "_sd" {
                let (p, s) = self.value(value, &place.member(key), depth);
                processed.insert(key.clone(), p);
                shown.insert(key.clone(), s);
                continue;
            }
            let Value::Array(digests) = value else {
                self.problems.push(SdProblem::NotDigests {
                    path: place.row.clone(),
                });
                shown.insert(key.clone(), value.clone());
                continue;
            };
            let mut withheld = Vec::new();
            for entry in digests {
                let Value::String(digest) = entry else {
                    self.problems.push(SdProblem::NotDigests {
                        path: place.row.clone(),
                    });
                    withheld.push(entry.clone());
                    continue;
                };
                if !self.first_meeting(digest) {
                    continue;
                }
                let Some((index, content)) = self.take(digest) else {
                    self.withheld += 1;
                    withheld.push(entry.clone());
                    continue;
                };
                let number = index + 1;
                let (name, value) = (content.name.clone(), content.value.clone());
                let Some(name) = name else {
                    self.problems.push(SdProblem::WrongDisclosureKind {
                        number,
                        path: place.row.clone(),
                    });
                    continue;
                };
                if name == "_sd" || name == "..." {
                    self.problems.push(SdProblem::ReservedName { number, name });
                    continue;
                }
                if object.contains_key(&name) || processed.contains_key(&name) {
                    self.problems.push(SdProblem::NameExists {
                        number,
                        path: place.member(&name).row,
                    });
                    continue;
                }
                let at = place.member(&name);
                self.record(index, &at, Some(&name), digest);
                let (p, s) = self.value(&value, &at, depth);
                processed.insert(name.clone(), p);
                shown.insert(name, s);
            }
            if !withheld.is_empty() {
                shown.insert(key.clone(), Value::Array(withheld));
            }
        }
        (processed, shown)
    }

    /// RFC 9901 §7.1 step 3.d: `{"...": digest}` elements of an array.
    fn array(&mut self, items: &[Value], place: &Place, depth: usize) -> (Vec<Value>, Vec<Value>) {
        let mut processed = Vec::with_capacity(items.len());
        let mut shown = Vec::with_capacity(items.len());
        if depth > MAX_DEPTH {
            self.too_deep = true;
            return (items.to_vec(), items.to_vec());
        }
        for item in items {
            let digest_element = match item {
                Value::Object(object) if object.len() == 1 => object.get("..."),
                _ => None,
            };
            let Some(digest) = digest_element else {
                let (p, s) = self.value(item, &place.element(processed.len(), shown.len()), depth);
                processed.push(p);
                shown.push(s);
                continue;
            };
            let Value::String(digest) = digest else {
                self.problems.push(SdProblem::NotDigests {
                    path: place.element(processed.len(), shown.len()).row,
                });
                shown.push(item.clone());
                continue;
            };
            if !self.first_meeting(digest) {
                continue;
            }
            let Some((index, content)) = self.take(digest) else {
                self.withheld += 1;
                shown.push(item.clone());
                continue;
            };
            let number = index + 1;
            if content.name.is_some() {
                self.problems.push(SdProblem::WrongDisclosureKind {
                    number,
                    path: place.element(processed.len(), shown.len()).row,
                });
                continue;
            }
            let value = content.value.clone();
            let at = place.element(processed.len(), shown.len());
            self.record(index, &at, None, digest);
            let (p, s) = self.value(&value, &at, depth);
            processed.push(p);
            shown.push(s);
        }
        (processed, shown)
    }
}

// ---- checks ------------------------------------------------------------------

const SPEC_SIGNATURE: &str = "RFC 9901 §7.1 step 2";
const SPEC_ALG: &str = "RFC 9901 §4.1.1, §7.1 step 3.a";
const SPEC_DISCLOSURES: &str = "RFC 9901 §7.1 steps 3-4";
const SPEC_DIGESTS: &str = "RFC 9901 §7.1 step 3.d";
const SPEC_NAMES: &str = "RFC 9901 §7.1 step 3.c";
const SPEC_VALIDITY: &str = "RFC 9901 §7.1 step 5";
const SPEC_CNF: &str = "RFC 9901 §4.1.2; RFC 7800 §3";
const SPEC_KB: &str = "RFC 9901 §4.3, §7.3 step 5";
const SPEC_KB_TYP: &str = "RFC 9901 §4.3";
const SPEC_KB_SIGNATURE: &str = "RFC 9901 §4.3.2, §7.3 step 5.b";
const SPEC_SD_HASH: &str = "RFC 9901 §4.3.1, §7.3 step 5.e";
const SPEC_KB_AUD: &str = "RFC 9901 §4.3, §7.3 step 5.d";
const SPEC_KB_NONCE: &str = "RFC 9901 §4.3, §7.3 step 5.d";
const SPEC_KB_IAT: &str = "RFC 9901 §4.3, §7.3 step 5.c";

/// The verification of an SD-JWT and its Key Binding JWT (RFC 9901 §7.1,
/// §7.3), one row per rule: the issuer's signature (`signature`, verified by
/// the caller with the keys given), the issuer key from the JWT VC Issuer
/// Metadata when `expect.issuer_keys` holds it (`issuer_key`), `_sd_alg`, the Disclosures and their
/// digests, claim names, validity claims, `cnf`, and the KB-JWT's `typ`,
/// signature (with the `cnf` key), `sd_hash`, `aud`, `nonce` and `iat`.
/// `expect.audience` and `expect.nonce` are what the verifier sent; with
/// either given, a presentation without a KB-JWT fails.
pub fn checks(
    sd: &SdJwt,
    signature: &SignatureOutcome,
    expect: &Expectations,
    now: Timestamp,
) -> Vec<CheckResult> {
    let claims = &sd.processed;
    let mut rows = vec![checks::signature_row(
        "signature",
        signature,
        SPEC_SIGNATURE,
    )];
    if let Some(keys) = &expect.issuer_keys {
        rows.push(super::sd_jwt_vc::issuer_key_row(sd, keys));
    }
    rows.extend([
        alg_row(sd),
        disclosures_row(sd),
        problem_row(sd, "digests", "check-sd-digests-ok", SPEC_DIGESTS),
        problem_row(sd, "claim_names", "check-sd-names-ok", SPEC_NAMES),
    ]);
    if expect.issuer.is_some() {
        rows.push(checks::issuer_row(
            claims,
            expect.issuer.as_deref(),
            ("SD_ISS_MISSING", "SD_ISS_MISMATCH"),
            SPEC_VALIDITY,
        ));
    }
    rows.push(if claims.contains_key("exp") {
        checks::expiry_row(claims, expect, now, "SD_EXP_MISSING", SPEC_VALIDITY)
    } else {
        CheckResult::not_applicable("exp", crate::tr!("check-sd-no-exp"), SPEC_VALIDITY)
    });
    rows.push(checks::not_before_row(claims, expect, now));
    let holder = holder_key(claims);
    rows.push(cnf_row(sd, &holder));
    rows.extend(key_binding_rows(sd, &holder, expect, now));
    rows
}

fn alg_row(sd: &SdJwt) -> CheckResult {
    const NAME: &str = "_sd_alg";
    match &sd.sd_alg {
        SdAlg::Default => CheckResult::pass(NAME, crate::tr!("check-sd-alg-default"), SPEC_ALG),
        SdAlg::Named(alg) => {
            CheckResult::pass(NAME, crate::tr!("check-sd-alg", alg = alg.name()), SPEC_ALG)
        }
        SdAlg::Unsupported(alg) => CheckResult::fail(
            NAME,
            "SD_ALG_UNSUPPORTED",
            crate::tr!("sd-alg-unsupported", alg = alg.as_str()),
            SPEC_ALG,
        ),
    }
}

fn disclosures_row(sd: &SdJwt) -> CheckResult {
    let failing: Vec<&SdProblem> = sd
        .problems
        .iter()
        .filter(|p| p.row() == "disclosures")
        .collect();
    match failing.first() {
        Some(first) => CheckResult::fail(
            "disclosures",
            first.code(),
            failing
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
            SPEC_DISCLOSURES,
        ),
        None if sd.sd_alg.hash().is_none() => CheckResult::fail(
            "disclosures",
            "SD_ALG_UNSUPPORTED",
            crate::tr!(
                "check-sd-disclosures-unchecked",
                count = sd.disclosures.len()
            ),
            SPEC_DISCLOSURES,
        ),
        None => CheckResult::pass(
            "disclosures",
            crate::tr!(
                "check-sd-disclosures-ok",
                count = sd.disclosures.len(),
                alg = sd.sd_alg.name(),
                withheld = sd.withheld
            ),
            SPEC_DISCLOSURES,
        ),
    }
}

fn problem_row(
    sd: &SdJwt,
    name: &'static str,
    ok: &'static str,
    spec: &'static str,
) -> CheckResult {
    let failing: Vec<&SdProblem> = sd.problems.iter().filter(|p| p.row() == name).collect();
    match failing.first() {
        Some(first) => CheckResult::fail(
            name,
            first.code(),
            failing
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
            spec,
        ),
        None => CheckResult::pass(name, crate::i18n::tr(ok), spec),
    }
}

/// The Holder's key from `cnf` (RFC 7800 §3.2: `jwk`), or why there is none.
enum HolderKey {
    /// No `cnf`: the SD-JWT is not bound to a key.
    Absent,
    /// A `cnf.jwk`, as keys to verify the KB-JWT with.
    Jwk(KeySet, String),
    /// `cnf` present but with no `jwk` tokenscope can use.
    Unusable(String),
}

fn holder_key(claims: &JsonObject) -> HolderKey {
    let Some(cnf) = claims.get("cnf") else {
        return HolderKey::Absent;
    };
    let Some(cnf) = cnf.as_object() else {
        return HolderKey::Unusable(crate::tr!(
            "check-sd-cnf-not-object",
            kind = jose::json_kind_text(cnf)
        ));
    };
    let Some(Value::Object(jwk)) = cnf.get("jwk") else {
        let members: Vec<&str> = cnf.keys().map(String::as_str).collect();
        return HolderKey::Unusable(crate::tr!(
            "check-sd-cnf-other",
            members = members.join(", ")
        ));
    };
    let set = KeySet::from_jwks_json(&Value::Object(jwk.clone()).to_string(), "cnf.jwk");
    match set.keys.first() {
        Some(key) => {
            let row = key.row();
            let name = match row.fingerprint {
                Some(thumbprint) => format!("{} {}", row.size, thumbprint),
                None => row.size,
            };
            HolderKey::Jwk(set, name)
        }
        None => HolderKey::Unusable(
            set.problems
                .first()
                .map_or_else(|| crate::tr!("check-sd-cnf-no-jwk"), ToString::to_string),
        ),
    }
}

fn cnf_row(sd: &SdJwt, holder: &HolderKey) -> CheckResult {
    const NAME: &str = "cnf";
    match (holder, &sd.key_binding) {
        (HolderKey::Jwk(_, key), _) => CheckResult::pass(
            NAME,
            crate::tr!("check-sd-cnf-jwk", key = key.as_str()),
            SPEC_CNF,
        ),
        (HolderKey::Absent, None) => {
            CheckResult::not_applicable(NAME, crate::tr!("check-sd-cnf-absent"), SPEC_CNF)
        }
        (HolderKey::Absent, Some(_)) => CheckResult::fail(
            NAME,
            "SD_CNF_MISSING",
            crate::tr!("check-sd-cnf-missing-kb"),
            SPEC_CNF,
        ),
        (HolderKey::Unusable(why), Some(_)) => {
            CheckResult::fail(NAME, "SD_CNF_UNUSABLE", why.clone(), SPEC_CNF)
        }
        (HolderKey::Unusable(why), None) => {
            CheckResult::not_applicable(NAME, why.clone(), SPEC_CNF)
        }
    }
}

fn key_binding_rows(
    sd: &SdJwt,
    holder: &HolderKey,
    expect: &Expectations,
    now: Timestamp,
) -> Vec<CheckResult> {
    let Some(kb) = &sd.key_binding else {
        let expected = expect.audience.is_some() || expect.nonce.is_some();
        return vec![if expected {
            CheckResult::fail(
                "key_binding",
                "SD_KB_MISSING",
                crate::tr!("check-sd-kb-missing"),
                SPEC_KB,
            )
        } else {
            CheckResult::not_applicable("key_binding", crate::tr!("check-sd-kb-none"), SPEC_KB)
        }];
    };
    let decoded = match &kb.decoded {
        Ok(decoded @ Decoded::Jws(_)) => decoded,
        Ok(Decoded::Jwe(_)) => {
            return vec![CheckResult::fail(
                "key_binding",
                "SD_KB_PARSE",
                crate::tr!("check-sd-kb-encrypted"),
                SPEC_KB,
            )];
        }
        Err(failure) => {
            return vec![CheckResult::fail(
                "key_binding",
                "SD_KB_PARSE",
                crate::tr!("check-sd-kb-undecodable", error = failure.error.to_string()),
                SPEC_KB,
            )];
        }
    };
    let empty = JsonObject::new();
    let claims = decoded.claims().unwrap_or(&empty);
    vec![
        kb_typ_row(decoded.header()),
        kb_signature_row(decoded, holder),
        sd_hash_row(sd, claims),
        kb_aud_row(claims, expect),
        kb_nonce_row(claims, expect),
        kb_iat_row(claims, expect, now),
    ]
}

fn kb_typ_row(header: &JsonObject) -> CheckResult {
    const NAME: &str = "kb_typ";
    match header.get("typ") {
        Some(Value::String(typ)) if typ == "kb+jwt" => {
            CheckResult::pass(NAME, crate::tr!("check-sd-kb-typ-ok"), SPEC_KB_TYP)
        }
        Some(Value::String(typ)) => CheckResult::fail(
            NAME,
            "SD_KB_TYP",
            crate::tr!("check-sd-kb-typ-wrong", typ = typ.as_str()),
            SPEC_KB_TYP,
        ),
        _ => CheckResult::fail(
            NAME,
            "SD_KB_TYP",
            crate::tr!("check-sd-kb-typ-missing"),
            SPEC_KB_TYP,
        ),
    }
}

fn kb_signature_row(decoded: &Decoded, holder: &HolderKey) -> CheckResult {
    const NAME: &str = "kb_signature";
    match holder {
        HolderKey::Jwk(keys, _) => {
            checks::signature_row(NAME, &verify_decoded(decoded, keys), SPEC_KB_SIGNATURE)
        }
        HolderKey::Absent => CheckResult::fail(
            NAME,
            "SD_CNF_MISSING",
            crate::tr!("check-sd-cnf-missing-kb"),
            SPEC_KB_SIGNATURE,
        ),
        HolderKey::Unusable(why) => {
            CheckResult::fail(NAME, "SD_CNF_UNUSABLE", why.clone(), SPEC_KB_SIGNATURE)
        }
    }
}

fn sd_hash_row(sd: &SdJwt, claims: &JsonObject) -> CheckResult {
    const NAME: &str = "sd_hash";
    let Some(alg) = sd.sd_alg.hash() else {
        return CheckResult::fail(
            NAME,
            "SD_ALG_UNSUPPORTED",
            crate::tr!("sd-alg-unsupported", alg = sd.sd_alg.name()),
            SPEC_SD_HASH,
        );
    };
    let expected = alg.digest(&sd.presentation);
    match claims.get(NAME) {
        Some(Value::String(written)) if *written == expected => CheckResult::pass(
            NAME,
            crate::tr!("check-sd-hash-ok", alg = alg.name()),
            SPEC_SD_HASH,
        ),
        Some(Value::String(written)) => CheckResult::fail(
            NAME,
            "SD_HASH_MISMATCH",
            crate::tr!(
                "check-sd-hash-mismatch",
                written = written.as_str(),
                expected = expected,
                alg = alg.name()
            ),
            SPEC_SD_HASH,
        ),
        Some(other) => CheckResult::fail(
            NAME,
            "JWT_CLAIM_TYPE",
            crate::tr!(
                "check-not-a-string",
                name = NAME,
                kind = jose::json_kind_text(other)
            ),
            SPEC_SD_HASH,
        ),
        None => CheckResult::fail(
            NAME,
            "SD_HASH_MISSING",
            crate::tr!("check-claim-missing", name = NAME),
            SPEC_SD_HASH,
        ),
    }
}

/// A KB-JWT claim that must be a single string and equal what the verifier sent.
fn kb_string_row(
    claims: &JsonObject,
    (name, row): (&'static str, &'static str),
    expected: Option<&str>,
    (missing, mismatch): (&'static str, &'static str),
    spec: &'static str,
) -> CheckResult {
    match (claims.get(name), expected) {
        (None, _) => CheckResult::fail(
            row,
            missing,
            crate::tr!("check-claim-missing", name = name),
            spec,
        ),
        (Some(Value::String(value)), None) => CheckResult::not_applicable(
            row,
            crate::tr!(
                "check-sd-kb-not-expected",
                name = name,
                value = value.as_str()
            ),
            spec,
        ),
        (Some(Value::String(value)), Some(sent)) if value == sent => CheckResult::pass(
            row,
            crate::tr!(
                "check-sd-kb-as-expected",
                name = name,
                value = value.as_str()
            ),
            spec,
        ),
        (Some(Value::String(value)), Some(sent)) => CheckResult::fail(
            row,
            mismatch,
            crate::tr!(
                "check-sd-kb-mismatch",
                name = name,
                value = value.as_str(),
                expected = sent
            ),
            spec,
        ),
        (Some(other), _) => CheckResult::fail(
            row,
            "JWT_CLAIM_TYPE",
            crate::tr!(
                "check-not-a-string",
                name = name,
                kind = jose::json_kind_text(other)
            ),
            spec,
        ),
    }
}

fn kb_aud_row(claims: &JsonObject, expect: &Expectations) -> CheckResult {
    kb_string_row(
        claims,
        ("aud", "kb_aud"),
        expect.audience.as_deref(),
        ("SD_KB_AUD_MISSING", "SD_KB_AUD_MISMATCH"),
        SPEC_KB_AUD,
    )
}

fn kb_nonce_row(claims: &JsonObject, expect: &Expectations) -> CheckResult {
    kb_string_row(
        claims,
        ("nonce", "kb_nonce"),
        expect.nonce.as_deref(),
        ("SD_KB_NONCE_MISSING", "SD_KB_NONCE_MISMATCH"),
        SPEC_KB_NONCE,
    )
}

/// The KB-JWT's `iat`: not ahead of `now` by more than the leeway, not older
/// than `expect.max_iat_age`.
fn kb_iat_row(claims: &JsonObject, expect: &Expectations, now: Timestamp) -> CheckResult {
    const NAME: &str = "kb_iat";
    let iat = match claims.get("iat") {
        Some(Value::Number(number)) => TimeValue::from_number(number).at,
        Some(other) => {
            return CheckResult::fail(
                NAME,
                "JWT_CLAIM_TYPE",
                crate::tr!(
                    "check-date-type",
                    name = "iat",
                    kind = jose::json_kind_text(other)
                ),
                SPEC_KB_IAT,
            );
        }
        None => {
            return CheckResult::fail(
                NAME,
                "SD_KB_IAT_MISSING",
                crate::tr!("check-claim-missing", name = "iat"),
                SPEC_KB_IAT,
            );
        }
    };
    let age = now.unix().saturating_sub(iat.unix());
    let at = checks::instant(iat);
    if age < 0 && -age > expect.leeway {
        CheckResult::fail(
            NAME,
            "SD_KB_IAT_FUTURE",
            crate::tr!(
                "check-iat-future",
                ahead = checks::duration(age),
                at = at,
                leeway = expect.leeway
            ),
            SPEC_KB_IAT,
        )
    } else if age > expect.max_iat_age {
        CheckResult::fail(
            NAME,
            "SD_KB_IAT_OLD",
            crate::tr!(
                "check-iat-old",
                age = checks::duration(age),
                at = at,
                max = checks::duration(expect.max_iat_age)
            ),
            SPEC_KB_IAT,
        )
    } else {
        CheckResult::pass(
            NAME,
            crate::tr!(
                "check-sd-kb-iat-ok",
                age = checks::duration(age),
                at = at,
                max = checks::duration(expect.max_iat_age)
            ),
            SPEC_KB_IAT,
        )
    }
}

#[cfg(test)]
mod tests {
    use p256::ecdsa::signature::Signer as _;
    use serde_json::json;

    use super::*;
    use crate::token::checks::CheckStatus;

    const ISSUANCE: &str = include_str!("../../tests/fixtures/sd-jwt/rfc9901-5.1-issuance.txt");
    const PRESENTATION: &str =
        include_str!("../../tests/fixtures/sd-jwt/rfc9901-5.2-presentation-kb.txt");
    const COMPLEX: &str = include_str!("../../tests/fixtures/sd-jwt/rfc9901-a.2-presentation.txt");
    const VC_ISSUANCE: &str = include_str!("../../tests/fixtures/sd-jwt/rfc9901-a.3-issuance.txt");
    const VC_PRESENTATION: &str =
        include_str!("../../tests/fixtures/sd-jwt/rfc9901-a.3-presentation-kb.txt");
    const ISSUER_JWKS: &str = include_str!("../../tests/fixtures/sd-jwt/issuer-jwks.json");
    const ISSUER_KEY: &str = include_str!("../../tests/fixtures/sd-jwt/issuer-key.json");
    const HOLDER_KEY: &str = include_str!("../../tests/fixtures/sd-jwt/holder-key.json");
    /// The KB-JWTs' `iat` in RFC 9901 §5.2 and Appendix A.3, plus a minute.
    const NOW: Timestamp = Timestamp::from_unix(1_748_537_243 + 60);

    fn read_ok(compact: &str) -> (Decoded, SdJwt) {
        read(compact.trim())
            .expect("has ~")
            .expect("issuer JWT decodes")
    }

    fn verifier() -> Expectations {
        Expectations {
            audience: Some("https://verifier.example.org".to_owned()),
            nonce: Some("1234567890".to_owned()),
            ..Expectations::default()
        }
    }

    fn rows(compact: &str, expect: &Expectations) -> Vec<CheckResult> {
        let (decoded, sd) = read_ok(compact);
        let keys = KeySet::from_jwks_json(ISSUER_JWKS, "issuer-jwks.json");
        checks(&sd, &verify_decoded(&decoded, &keys), expect, NOW)
    }

    fn failures(rows: &[CheckResult]) -> Vec<(&'static str, Option<&'static str>)> {
        rows.iter()
            .filter(|r| r.status == CheckStatus::Fail)
            .map(|r| (r.name, r.code))
            .collect()
    }

    fn signer(jwk: &str) -> p256::ecdsa::SigningKey {
        let jwk: Value = serde_json::from_str(jwk).expect("JWK");
        let d = jose::decode_segment(jwk["d"].as_str().expect("d"), Part::Payload).expect("d");
        p256::ecdsa::SigningKey::from_slice(&d).expect("P-256 key")
    }

    fn es256(key: &str, header: &Value, payload: &Value) -> String {
        let input = format!(
            "{}.{}",
            encode_segment(header.to_string().as_bytes()),
            encode_segment(payload.to_string().as_bytes())
        );
        let signature: p256::ecdsa::Signature = signer(key).sign(input.as_bytes());
        format!("{input}.{}", encode_segment(&signature.to_bytes()))
    }

    /// The RFC 9901 §5.2 presentation with its KB-JWT made again with `claims`, signed by `key`.
    fn rebound(key: &str, edit: impl FnOnce(&mut Value)) -> String {
        let parts = split(PRESENTATION.trim()).expect("parts");
        let mut claims = json!({
            "nonce": "1234567890",
            "aud": "https://verifier.example.org",
            "iat": 1_748_537_243,
            "sd_hash": HashAlg::Sha256.digest(parts.presentation),
        });
        edit(&mut claims);
        let kb = es256(key, &json!({"alg": "ES256", "typ": "kb+jwt"}), &claims);
        format!("{}{kb}", parts.presentation)
    }

    #[test]
    fn rfc9901_issuance_puts_every_disclosure_in_place() {
        let (_, sd) = read_ok(ISSUANCE);
        assert!(sd.problems.is_empty(), "{:?}", sd.problems);
        assert_eq!(sd.sd_alg, SdAlg::Named(HashAlg::Sha256));
        assert_eq!(sd.disclosures.len(), 10);
        assert_eq!(sd.withheld, 0);
        assert!(sd.key_binding.is_none());
        let processed = Value::Object(sd.processed.clone());
        assert_eq!(processed["given_name"], "John");
        assert_eq!(processed["address"]["locality"], "Anytown");
        assert_eq!(processed["nationalities"], json!(["US", "DE"]));
        assert_eq!(processed["updated_at"], 1_570_000_000);
        assert!(!sd.processed.contains_key("_sd") && !sd.processed.contains_key("_sd_alg"));
        let given = sd.disclosed_at("given_name").expect("given_name marked");
        assert_eq!(given.salt, "2GLC42sKQveCfGfryNRN9w");
        assert_eq!(given.digest, "jsu9yVulwQQlhFlM_3JlzMaSFzglhQG0DpfayQwLUK4");
        assert_eq!(given.pointer, "/given_name");
        let de = sd
            .disclosed_at("nationalities/1")
            .expect("array element marked");
        assert_eq!(
            (de.name.as_deref(), de.salt.as_str()),
            (None, "nPuoQnkRFq3BIeAm7AnXFA")
        );
        // Disclosed claims stand where `_sd` stood: before `iss`.
        assert_eq!(
            sd.shown.keys().next().map(String::as_str),
            Some("updated_at")
        );
        assert_eq!(sd.shown.get("_sd_alg"), Some(&json!("sha-256")));
    }

    #[test]
    fn rfc9901_presentation_with_key_binding_passes_every_check() {
        let (_, sd) = read_ok(PRESENTATION);
        assert!(sd.problems.is_empty(), "{:?}", sd.problems);
        // RFC 9901 §5.2: the Processed SD-JWT Payload.
        let expected = json!({
            "iss": "https://issuer.example.com",
            "iat": 1_683_000_000,
            "exp": 1_883_000_000,
            "sub": "user_42",
            "nationalities": ["US"],
            "cnf": {"jwk": {
                "kty": "EC", "crv": "P-256",
                "x": "TCAER19Zvu3OHF4j4W4vfSVoHIP1ILilDls7vCeGemc",
                "y": "ZxjiWWbZMQGHVWKVQ4hbSIirsVfuecCE6t4jT9F2HZQ"
            }},
            "family_name": "Doe",
            "address": {
                "street_address": "123 Main St", "locality": "Anytown",
                "region": "Anystate", "country": "US"
            },
            "given_name": "John"
        });
        assert_eq!(Value::Object(sd.processed.clone()), expected);
        // 8 digests in `_sd`, 3 disclosed; 2 nationalities, 1 disclosed.
        assert_eq!(sd.withheld, 6);
        assert_eq!(sd.shown["_sd"].as_array().map(Vec::len), Some(5));
        let rows = rows(PRESENTATION, &verifier());
        assert!(failures(&rows).is_empty(), "{rows:#?}");
        let names: Vec<&str> = rows.iter().map(|r| r.name).collect();
        for name in [
            "signature",
            "_sd_alg",
            "disclosures",
            "digests",
            "claim_names",
            "cnf",
            "kb_typ",
            "kb_signature",
            "sd_hash",
            "kb_aud",
            "kb_nonce",
            "kb_iat",
        ] {
            assert!(names.contains(&name), "{name} in {names:?}");
        }
    }

    #[test]
    fn rfc9901_complex_and_vc_examples_verify() {
        let (_, sd) = read_ok(COMPLEX);
        assert!(sd.problems.is_empty(), "{:?}", sd.problems);
        let processed = Value::Object(sd.processed.clone());
        let evidence = &processed["verified_claims"]["verification"]["evidence"];
        assert_eq!(evidence[0]["method"], "pipp", "{processed:#}");
        assert_eq!(
            processed["verified_claims"]["claims"]["family_name"],
            "Müller"
        );
        assert!(failures(&rows(COMPLEX, &Expectations::default())).is_empty());
        let (_, vc) = read_ok(VC_ISSUANCE);
        assert!(vc.problems.is_empty(), "{:?}", vc.problems);
        assert_eq!(vc.processed["vct"], "urn:eudi:pid:de:1");
        assert_eq!(vc.processed["address"]["locality"], "Köln");
        let (_, vc) = read_ok(VC_PRESENTATION);
        assert_eq!(vc.processed["age_equal_or_over"], json!({"18": true}));
        let rows = rows(VC_PRESENTATION, &verifier());
        assert!(failures(&rows).is_empty(), "{rows:#?}");
    }

    #[test]
    fn a_changed_disclosure_is_unreferenced_and_breaks_sd_hash() {
        // "Doe" → "Dot": still a valid Disclosure, but not the one the issuer hashed.
        let family = "WyJlbHVWNU9nM2dTTklJOEVZbnN4QV9BIiwgImZhbWlseV9uYW1lIiwgIkRvZSJd";
        let changed = encode_segment(br#"["eluV5Og3gSNII8EYnsxA_A", "family_name", "Dot"]"#);
        let tampered = PRESENTATION.trim().replace(family, &changed);
        assert_ne!(tampered, PRESENTATION.trim());
        let (_, sd) = read_ok(&tampered);
        assert_eq!(
            sd.problems,
            [SdProblem::UnreferencedDisclosure { number: 1 }]
        );
        assert!(!sd.processed.contains_key("family_name"));
        let failed = failures(&rows(&tampered, &verifier()));
        assert_eq!(
            failed,
            [
                ("disclosures", Some("SD_DISCLOSURE_UNREFERENCED")),
                ("sd_hash", Some("SD_HASH_MISMATCH"))
            ]
        );
    }

    #[test]
    fn a_duplicate_digest_is_refused_even_when_the_issuer_signed_it() {
        let (decoded, _) = read_ok(ISSUANCE);
        let mut payload = Value::Object(decoded.claims().expect("claims").clone());
        let digest = payload["_sd"][0].clone();
        payload["nationalities"]
            .as_array_mut()
            .expect("array")
            .push(json!({ "...": digest }));
        let issuer = es256(
            ISSUER_KEY,
            &json!({"alg": "ES256", "typ": "example+sd-jwt"}),
            &payload,
        );
        let tail = ISSUANCE
            .trim()
            .split_once('~')
            .map(|(_, tail)| tail)
            .expect("~");
        let compact = format!("{issuer}~{tail}");
        let (_, sd) = read_ok(&compact);
        assert!(
            sd.problems.contains(&SdProblem::DuplicateDigest {
                digest: digest.as_str().unwrap_or_default().to_owned()
            }),
            "{:?}",
            sd.problems
        );
        let rows = rows(&compact, &Expectations::default());
        assert_eq!(failures(&rows), [("digests", Some("SD_DIGEST_DUPLICATE"))]);
        assert_eq!(
            rows[0].status,
            CheckStatus::Pass,
            "the issuer signature holds"
        );
    }

    #[test]
    fn a_wrong_sd_hash_nonce_audience_or_key_fails_its_own_row() {
        let good = rebound(HOLDER_KEY, |_| {});
        assert!(failures(&rows(&good, &verifier())).is_empty());
        let wrong_hash = rebound(HOLDER_KEY, |claims| {
            claims["sd_hash"] = json!(HashAlg::Sha256.digest("another presentation~"));
        });
        assert_eq!(
            failures(&rows(&wrong_hash, &verifier())),
            [("sd_hash", Some("SD_HASH_MISMATCH"))]
        );
        let mut other = verifier();
        other.nonce = Some("n-other".to_owned());
        other.audience = Some("https://other.example".to_owned());
        assert_eq!(
            failures(&rows(&good, &other)),
            [
                ("kb_aud", Some("SD_KB_AUD_MISMATCH")),
                ("kb_nonce", Some("SD_KB_NONCE_MISMATCH"))
            ]
        );
        let other_key = rebound(ISSUER_KEY, |_| {});
        assert_eq!(
            failures(&rows(&other_key, &verifier())),
            [("kb_signature", Some("JWS_SIG_INVALID"))]
        );
        let stale = rebound(HOLDER_KEY, |claims| claims["iat"] = json!(1_700_000_000));
        assert_eq!(
            failures(&rows(&stale, &verifier())),
            [("kb_iat", Some("SD_KB_IAT_OLD"))]
        );
        let mistyped = {
            let parts = split(good.as_str()).expect("parts");
            let claims = parts
                .key_binding
                .and_then(|kb| jose::decode_unverified(kb).ok())
                .and_then(|d| d.claims().cloned())
                .expect("claims");
            let kb = es256(
                HOLDER_KEY,
                &json!({"alg": "ES256", "typ": "JWT"}),
                &Value::Object(claims),
            );
            format!("{}{kb}", parts.presentation)
        };
        assert_eq!(
            failures(&rows(&mistyped, &verifier())),
            [("kb_typ", Some("SD_KB_TYP"))]
        );
        // Without the KB-JWT, a verifier that sent a nonce must refuse it.
        let bare = split(good.as_str()).expect("parts").presentation.to_owned();
        assert_eq!(
            failures(&rows(&bare, &verifier())),
            [("key_binding", Some("SD_KB_MISSING"))]
        );
        assert!(failures(&rows(&bare, &Expectations::default())).is_empty());
    }

    /// An unsigned issuer JWT with `payload`, then `disclosures`.
    fn unsigned(payload: &Value, disclosures: &[&[u8]]) -> SdJwt {
        let mut compact = format!(
            "{}.{}.",
            encode_segment(br#"{"alg":"none"}"#),
            encode_segment(payload.to_string().as_bytes())
        );
        for disclosure in disclosures {
            compact.push('~');
            compact.push_str(&encode_segment(disclosure));
        }
        compact.push('~');
        read_ok(&compact).1
    }

    fn digest(disclosure: &[u8]) -> String {
        HashAlg::Sha256.digest(&encode_segment(disclosure))
    }

    #[test]
    fn disclosures_that_do_not_fit_are_refused_and_recursion_works() {
        let street = r#"["s1", "street", "Тверская, 7"]"#.as_bytes();
        let address = format!(r#"["s2", "address", {{"_sd": ["{}"]}}]"#, digest(street));
        let element = r#"["s3", "😀"]"#.as_bytes();
        let sd = unsigned(
            &json!({
                "_sd": [digest(address.as_bytes()), "decoy-digest"],
                "list": [{"...": digest(element)}, {"...": "decoy"}, 1]
            }),
            &[street, address.as_bytes(), element],
        );
        assert!(sd.problems.is_empty(), "{:?}", sd.problems);
        assert_eq!(sd.processed["address"]["street"], "Тверская, 7");
        assert_eq!(sd.processed["list"], json!(["😀", 1]));
        assert_eq!(sd.withheld, 2);
        assert_eq!(sd.shown["list"][1], json!({"...": "decoy"}));
        let emoji = sd.disclosed_at("list/0").expect("element");
        assert_eq!(emoji.pointer, "/list/0");
        let one = sd.disclosed_at("list/2");
        assert!(one.is_none());
        assert!(sd.disclosed_at("address/street").is_some());

        let reserved = br#"["s", "_sd", 1]"#;
        let exists = br#"["s", "sub", "other"]"#;
        let element_in_sd = br#"["s", 1]"#;
        let property_in_array = br#"["s", "x", 1]"#;
        let sd = unsigned(
            &json!({
                "sub": "a",
                "_sd": [digest(reserved), digest(exists), digest(element_in_sd)],
                "arr": [{"...": digest(property_in_array)}]
            }),
            &[
                reserved,
                exists,
                element_in_sd,
                property_in_array,
                b"not json",
                b"[1,2]",
            ],
        );
        let codes: Vec<&str> = sd.problems.iter().map(SdProblem::code).collect();
        assert_eq!(
            codes,
            [
                "SD_DISCLOSURE_JSON",
                "SD_DISCLOSURE_SHAPE",
                "SD_NAME_RESERVED",
                "SD_NAME_EXISTS",
                "SD_DISCLOSURE_KIND",
                "SD_DISCLOSURE_KIND",
            ],
            "{:?}",
            sd.problems
        );
        assert_eq!(sd.processed["sub"], "a");
    }

    #[test]
    fn a_disclosure_that_refers_to_itself_or_repeats_ends() {
        // A Disclosure cannot hold its own digest, but one repeated twice must not loop.
        let claim = br#"["s", "a", 1]"#;
        let sd = unsigned(
            &json!({"_sd": [digest(claim), digest(claim)]}),
            &[claim, claim],
        );
        let codes: Vec<&str> = sd.problems.iter().map(SdProblem::code).collect();
        assert_eq!(codes, ["SD_DISCLOSURE_REPEATED", "SD_DIGEST_DUPLICATE"]);
    }

    #[test]
    fn an_unsupported_sd_alg_is_reported_not_guessed() {
        let claim = br#"["s", "a", 1]"#;
        let sd = unsigned(
            &json!({"_sd_alg": "sha3-256", "_sd": [digest(claim)]}),
            &[claim],
        );
        assert_eq!(
            sd.problems.first(),
            Some(&SdProblem::UnsupportedAlg {
                alg: "sha3-256".to_owned()
            })
        );
        assert!(sd.disclosures.iter().all(|d| d.digest.is_none()));
        assert_eq!(sd.withheld, 0);
        let sd = unsigned(&json!({"_sd_alg": 5}), &[]);
        assert_eq!(sd.sd_alg, SdAlg::Unsupported("5".to_owned()));
    }

    #[test]
    fn splitting_and_the_tail_after_a_jwt() {
        let parts = split("h.p.s~d1~d2~kb.x.y").expect("parts");
        assert_eq!(parts.issuer_jwt, "h.p.s");
        assert_eq!(parts.disclosures, ["d1", "d2"]);
        assert_eq!(parts.key_binding, Some("kb.x.y"));
        assert_eq!(parts.presentation, "h.p.s~d1~d2~");
        let parts = split("h.p.s~").expect("parts");
        assert!(parts.disclosures.is_empty() && parts.key_binding.is_none());
        assert!(split("h.p.s").is_none());
        assert_eq!(tail_len("~WyJh~WyJi~ and text"), 11);
        assert_eq!(tail_len("~WyJh~eyJh.eyJi.c2ln\n"), 20);
        assert_eq!(tail_len("~WyJh~eyJh.eyJi\n"), 6);
        assert_eq!(tail_len("~~"), 1);
        assert_eq!(tail_len("~ "), 1);
        assert_eq!(tail_len("no"), 0);
        assert_eq!(tail_len("~Ключ~"), 1);
        let tail = tail_at("%7EWyJh%7eWyJi%7EeyJh.eyJi.c2ln&state=1").expect("form body");
        assert_eq!(tail.text, "~WyJh~WyJi~eyJh.eyJi.c2ln");
        assert_eq!((tail.consumed, tail.escapes), (31, 3));
        assert!(tail_at("%20").is_none());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 256,
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]

        #[test]
        fn any_tilde_joined_text_is_read_without_panicking(
            pieces in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just(String::new()),
                    proptest::strategy::Just("Ключ".to_owned()),
                    proptest::strategy::Just("😀".to_owned()),
                    proptest::strategy::Just("\u{FFFD}\u{200F}".to_owned()),
                    proptest::strategy::Just("WyJzIiwgImEiLCAxXQ".to_owned()),
                    proptest::strategy::Just("eyJhbGciOiJub25lIn0.eyJfc2QiOlsiYSJdfQ.".to_owned()),
                    proptest::strategy::Just("eyJ.e30.".to_owned()),
                    "[A-Za-z0-9_.~-]{0,24}",
                    proptest::prelude::any::<String>(),
                ],
                0..12,
            ),
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64),
        ) {
            let joined = pieces.join("~");
            let _ = read(&joined);
            let _ = tail_len(&joined);
            let lossy = String::from_utf8_lossy(&bytes);
            let _ = read(&format!("{joined}~{lossy}"));
            let _ = tail_len(&format!("~{lossy}"));
        }
    }
}
