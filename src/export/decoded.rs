//! Everything the inspector finds, as JSON: the report of `tokenscope
//! decode`, of each answer in `run --json`, and of each answer in the
//! Markdown export.
//!
//! The shape is part of the public interface (documented in the README);
//! change it only by adding fields.

use serde::Serialize;
use serde_json::Value;

use crate::paste::Inspection;
use crate::token::extract::{Mends, Origin};
use crate::token::inspect::{FoundToken, TokenRole};
use crate::token::jose::Decoded;
use crate::token::time::{TimeMeaning, TimeState, Timestamp};

/// The whole report.
#[derive(Debug, Serialize)]
pub struct DecodeReport {
    /// Version of tokenscope that wrote the report.
    pub tokenscope: &'static str,
    /// The "now" time statuses are relative to.
    pub now: i64,
    /// `now` as RFC 3339 UTC.
    pub now_utc: Option<String>,
    /// Bytes of input read.
    pub input_bytes: usize,
    /// Where the input was cut when it was longer than the paste limit
    /// (64 MiB): the bytes before it were inspected, the rest was not read.
    /// Null when the whole input was read.
    pub input_truncated_at: Option<usize>,
    /// Invalid UTF-8 sequences in the input, each read as U+FFFD.
    pub invalid_utf8_replaced: usize,
    /// Distinct tokens found.
    pub token_count: usize,
    /// Distinct tokens beyond the limit that were not reported.
    pub dropped: usize,
    /// The tokens, in order of first appearance.
    pub tokens: Vec<TokenReport>,
    /// Error answers found in the input, each with the error catalogue's
    /// findings (`id`, `title`, `causes`, `fix` in `en` and `ru`, `source`).
    pub diagnoses: Vec<crate::diagnose::PastedError>,
    /// Occurrences of error answers beyond the distinct ones diagnosed.
    pub diagnoses_dropped: usize,
}

/// One token.
#[derive(Debug, Serialize)]
pub struct TokenReport {
    /// Position in `tokens`, from 0.
    pub index: usize,
    /// What the inspector's tab says: "ID token".
    pub title: String,
    /// `jws`, `jwe`, `sd_jwt`, `opaque` or `unknown`.
    pub kind: crate::token::TokenKind,
    /// `access`, `id`, `refresh`, `authorization_code`, `logout`, another field name, or null.
    pub role: Option<String>,
    /// How the role was told.
    pub role_reason: Option<String>,
    /// How many times the token appears in the input.
    pub occurrences: usize,
    /// Where it was found.
    pub origins: Vec<Origin>,
    /// What was mended, with a one-line summary.
    pub mends: MendsReport,
    /// The JOSE header, when readable.
    pub header: Option<Value>,
    /// The claims, when readable (of the innermost token for nested JWTs).
    pub claims: Option<Value>,
    /// Whether the payload is itself a JWT (`cty: JWT`).
    pub nested: bool,
    /// For opaque tokens: `uuid`, `uuid_with_suffix`, `git_hub`, `hex`, `random`.
    pub opaque_shape: Option<crate::token::inspect::OpaqueShape>,
    /// Signature facts. Never `valid`: this command does not verify.
    pub signature: SignatureReport,
    /// Every instant, with its status relative to `now`.
    pub times: Vec<TimeReport>,
    /// The other fields of the response the token came in.
    pub response: Option<serde_json::Map<String, Value>>,
    /// Why it could not be decoded.
    pub error: Option<String>,
    /// The token itself, mended.
    pub value: String,
    /// For a JWE when decryption keys were given (`decode --key`): how it
    /// was decrypted, or why not. Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decryption: Option<crate::token::jwe::DecryptionReport>,
    /// For an SD-JWT (`kind` `sd_jwt`, RFC 9901): its Disclosures, each
    /// with where it put its claim in `claims`, what was withheld, and its
    /// Key Binding JWT. Absent for other tokens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sd_jwt: Option<SdJwtReport>,
}

/// An SD-JWT: `claims` is its processed payload (RFC 9901 §7.1), the
/// disclosed claims in place; this says which they are.
#[derive(Debug, Serialize)]
pub struct SdJwtReport {
    /// The digest algorithm (`_sd_alg`, `sha-256` when absent).
    pub sd_alg: String,
    /// The issuer-signed JWT's payload as signed, digests and all.
    pub issuer_signed_claims: Option<Value>,
    /// The Disclosures, in the order presented.
    pub disclosures: Vec<DisclosureReport>,
    /// Digests no Disclosure matched: claims withheld, or decoys (they cannot be told apart).
    pub withheld: usize,
    /// The Key Binding JWT, when presented.
    pub key_binding: Option<KeyBindingReport>,
    /// What makes the SD-JWT unacceptable (`code`, `message`); empty when nothing does.
    pub problems: Vec<crate::token::sd_jwt::SdProblem>,
}

/// One Disclosure.
#[derive(Debug, Serialize)]
pub struct DisclosureReport {
    /// The Disclosure as presented (base64url).
    pub disclosure: String,
    /// Its digest with `sd_alg`; null when the algorithm is not supported.
    pub digest: Option<String>,
    /// Its salt; null when it does not decode.
    pub salt: Option<String>,
    /// The claim name; null for an array element or when it does not decode.
    pub name: Option<String>,
    /// The claim value; null when it does not decode.
    pub value: Option<Value>,
    /// Where its claim is in `claims` (a JSON Pointer, RFC 6901); null when
    /// no digest referred to it, so it was not used.
    pub pointer: Option<String>,
}

/// The Key Binding JWT (RFC 9901 §4.3), decoded, not verified.
#[derive(Debug, Serialize)]
pub struct KeyBindingReport {
    /// Its header, when readable.
    pub header: Option<Value>,
    /// Its claims (`aud`, `nonce`, `iat`, `sd_hash`), when readable.
    pub claims: Option<Value>,
    /// Why it could not be decoded.
    pub error: Option<String>,
    /// The KB-JWT itself.
    pub value: String,
}

fn sd_jwt_report(token: &FoundToken) -> Option<SdJwtReport> {
    let sd = token.sd_jwt.as_deref()?;
    Some(SdJwtReport {
        sd_alg: sd.sd_alg.name().to_owned(),
        issuer_signed_claims: token
            .decoded
            .as_ref()
            .and_then(Decoded::claims)
            .cloned()
            .map(Value::Object),
        disclosures: sd
            .disclosures
            .iter()
            .map(|disclosure| {
                let content = disclosure.content.as_ref();
                DisclosureReport {
                    disclosure: disclosure.encoded.clone(),
                    digest: disclosure.digest.clone(),
                    salt: content.map(|c| c.salt.clone()),
                    name: content.and_then(|c| c.name.clone()),
                    value: content.map(|c| c.value.clone()),
                    pointer: sd
                        .disclosed
                        .iter()
                        .find(|d| d.disclosure == disclosure.encoded)
                        .map(|d| d.pointer.clone()),
                }
            })
            .collect(),
        withheld: sd.withheld,
        key_binding: sd.key_binding.as_ref().map(|kb| KeyBindingReport {
            header: kb.header().cloned().map(Value::Object),
            claims: kb.claims().cloned().map(Value::Object),
            error: kb.decoded.as_ref().err().map(|f| f.error.to_string()),
            value: kb.compact.clone(),
        }),
        problems: sd.problems.clone(),
    })
}

/// What was mended.
#[derive(Debug, Serialize)]
pub struct MendsReport {
    /// The counts.
    #[serde(flatten)]
    pub counts: Mends,
    /// "joined 14 lines, removed 5 spaces", or null.
    pub summary: Option<String>,
}

/// Signature facts.
#[derive(Debug, Serialize)]
pub struct SignatureReport {
    /// The `alg` header.
    pub algorithm: Option<String>,
    /// The `kid` header.
    pub kid: Option<String>,
    /// `not_verified`, `unsigned` (alg none), `encrypted`, or `absent` (opaque, undecodable).
    pub status: &'static str,
}

/// One instant.
#[derive(Debug, Serialize)]
pub struct TimeReport {
    /// Claim name or response field.
    pub name: String,
    /// Unix seconds.
    pub at: i64,
    /// RFC 3339 UTC.
    pub at_utc: Option<String>,
    /// `expiry`, `not_before`, `issued_at`, `auth_time`, `other`.
    pub meaning: TimeMeaning,
    /// `valid`, `expires_soon`, `expired`, `not_yet_valid`, `past`.
    pub state: TimeState,
    /// "expired 3 days ago".
    pub phrase: String,
    /// `at - now`.
    pub seconds_from_now: i64,
    /// Set when computed from a lifetime in the response.
    pub computed_from: Option<String>,
    /// The value as written when it is not a real instant or lifetime
    /// (`exp` before 1970 or after 9999, `expires_in` negative or `1.8e23`);
    /// `at` is then saturated and `phrase` says so.
    pub not_real: Option<String>,
}

/// Builds the report for an inspection at `now`.
pub fn report(inspection: &Inspection, now: Timestamp) -> DecodeReport {
    DecodeReport {
        tokenscope: env!("CARGO_PKG_VERSION"),
        now: now.unix(),
        now_utc: now.to_rfc3339_utc(),
        input_bytes: inspection.input_bytes,
        input_truncated_at: inspection.truncated_at,
        invalid_utf8_replaced: inspection.invalid_utf8,
        token_count: inspection.tokens.len(),
        dropped: inspection.dropped,
        tokens: inspection
            .tokens
            .iter()
            .enumerate()
            .map(|(index, token)| token_report(index, token, now))
            .collect(),
        diagnoses: inspection.errors.clone(),
        diagnoses_dropped: inspection.errors_dropped,
    }
}

fn token_report(index: usize, token: &FoundToken, now: Timestamp) -> TokenReport {
    let alg = token.header_str("alg").map(str::to_owned);
    let status = match (&token.decoded, alg.as_deref()) {
        (Some(Decoded::Jwe(_)), _) => "encrypted",
        (Some(Decoded::Jws(_)), Some(a)) if a.eq_ignore_ascii_case("none") => "unsigned",
        (Some(Decoded::Jws(_)), _) => "not_verified",
        (None, _) => "absent",
    };
    TokenReport {
        index,
        title: token.title(),
        kind: token.kind,
        role: token.role.as_ref().map(role_name),
        role_reason: token.role_reason.clone(),
        occurrences: token.occurrences,
        origins: token.origins.clone(),
        mends: MendsReport {
            counts: token.mends.clone(),
            summary: token.mends.describe(),
        },
        header: token.header.clone().map(Value::Object),
        claims: token.claims().cloned().map(Value::Object),
        nested: token.decoded.as_ref().is_some_and(Decoded::is_nested),
        opaque_shape: token.opaque.clone(),
        signature: SignatureReport {
            algorithm: alg,
            kid: token.header_str("kid").map(str::to_owned),
            status,
        },
        times: token
            .times
            .iter()
            .map(|time| {
                let status = time.status(now);
                TimeReport {
                    name: time.name.clone(),
                    at: time.at.unix(),
                    at_utc: time.at.to_rfc3339_utc(),
                    meaning: time.meaning.clone(),
                    state: status.state,
                    phrase: status.phrase,
                    seconds_from_now: status.seconds_from_now,
                    computed_from: time.computed_from.clone(),
                    not_real: time.not_real.clone(),
                }
            })
            .collect(),
        response: token.response.as_ref().map(|r| {
            r.fields
                .iter()
                .map(|(k, v)| (k.clone(), Value::from(v.clone())))
                .collect()
        }),
        error: token.error.as_ref().map(ToString::to_string),
        value: token.value.clone(),
        sd_jwt: sd_jwt_report(token),
        decryption: token
            .decoded
            .as_ref()
            .and_then(crate::token::jwe::DecryptionReport::of),
    }
}

/// Says in `report` why the JWEs of `inspection` listed in `failures` (by
/// index, as [`crate::token::inspect::decrypt_tokens`] gives them) stay closed.
pub fn add_decryption_failures(
    report: &mut DecodeReport,
    inspection: &Inspection,
    failures: &[(usize, crate::token::jwe::JweError)],
) {
    for (index, error) in failures {
        if let (Some(row), Some(token)) =
            (report.tokens.get_mut(*index), inspection.tokens.get(*index))
        {
            let header = token.header.clone().unwrap_or_default();
            row.decryption = Some(crate::token::jwe::DecryptionReport::failed(&header, error));
        }
    }
}

/// The stable role name used in JSON.
pub fn role_name(role: &TokenRole) -> String {
    role.name()
}
