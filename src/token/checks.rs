//! Relying-party checks: the validation steps a client must run on an ID
//! token (OIDC Core 1.0 §3.1.3.7), a JWT access token (RFC 9068 §4) and a
//! `UserInfo` response (OIDC Core 1.0 §5.3.2), one row per rule, each with a
//! specific reason and the spec section it comes from.
//!
//! Nothing reads the clock: "now" is a parameter. Claims of the wrong JSON
//! type fail rather than count as absent (the CVE-2026-25537 lesson), and a
//! hash claim whose algorithm is unknown fails closed.

use std::fmt;

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256, Sha384, Sha512};
use streebog::{Streebog256, Streebog512};

use super::jose::{JsonKind, JsonObject, encode_segment, json_kind_text};
use super::time::{TimeValue, Timestamp};
use super::verify::SignatureOutcome;

/// Default clock-skew tolerance for `exp`, `iat`, `nbf`, `auth_time`, in seconds.
pub const DEFAULT_LEEWAY: i64 = 60;

/// Default oldest acceptable `iat`, in seconds (24 h).
pub const DEFAULT_MAX_IAT_AGE: i64 = 24 * 60 * 60;

/// The verdict of one check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// The rule holds.
    Pass,
    /// The rule is broken: a relying party must reject the token.
    Fail,
    /// The rule does not apply (nothing expected, optional claim absent).
    NotApplicable,
}

/// One check, as a row of the checks panel and of JSON output.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CheckResult {
    /// What is checked, usually the claim name: `iss`, `aud`, `signature`.
    pub name: &'static str,
    /// The verdict.
    pub status: CheckStatus,
    /// Stable reason code of a failure, e.g. `IDT_ISS_MISMATCH`.
    pub code: Option<&'static str>,
    /// Why, specifically: `iss is https://a but this profile expects https://b`.
    pub reason: String,
    /// Where the rule comes from, e.g. "OIDC Core 1.0 §3.1.3.7 step 2".
    pub spec: &'static str,
}

impl CheckResult {
    /// Whether the row is a failure.
    pub fn is_fail(&self) -> bool {
        self.status == CheckStatus::Fail
    }

    pub(crate) fn pass(name: &'static str, reason: String, spec: &'static str) -> Self {
        Self {
            name,
            status: CheckStatus::Pass,
            code: None,
            reason,
            spec,
        }
    }

    pub(crate) fn fail(
        name: &'static str,
        code: &'static str,
        reason: String,
        spec: &'static str,
    ) -> Self {
        Self {
            name,
            status: CheckStatus::Fail,
            code: Some(code),
            reason,
            spec,
        }
    }

    pub(crate) fn not_applicable(name: &'static str, reason: String, spec: &'static str) -> Self {
        Self {
            name,
            status: CheckStatus::NotApplicable,
            code: None,
            reason,
            spec,
        }
    }
}

/// Where the refreshed ID token's rules come from.
const SPEC_REFRESH: &str = "OIDC Core 1.0 §12.2";

/// The rules of OIDC Core 1.0 §12.2 for an ID token a refresh returned,
/// compared with the run's `original` one: `iss`, `sub` and `aud` the same;
/// `azp` and `auth_time` the same when the original had them; `nonce`
/// absent, or the original's. One row each, named after the claim with a
/// `refresh_` prefix so they stand apart from the §3.1.3.7 rows.
pub fn refreshed_id_token_checks(fresh: &JsonObject, original: &JsonObject) -> Vec<CheckResult> {
    let same = |name: &'static str, row: &'static str, code: &'static str, required: bool| {
        let (new, old) = (fresh.get(name), original.get(name));
        match (new, old) {
            (_, None) if !required => CheckResult::not_applicable(
                row,
                format!("the original ID token has no {name}"),
                SPEC_REFRESH,
            ),
            (Some(new), Some(old)) if new == old => CheckResult::pass(
                row,
                format!("{name} is the original's: {new}"),
                SPEC_REFRESH,
            ),
            _ => CheckResult::fail(
                row,
                code,
                format!(
                    "{name} is {} but the original ID token's is {}: a refreshed ID token must keep it",
                    new.map_or_else(|| "absent".to_owned(), ToString::to_string),
                    old.map_or_else(|| "absent".to_owned(), ToString::to_string)
                ),
                SPEC_REFRESH,
            ),
        }
    };
    let nonce = match (fresh.get("nonce"), original.get("nonce")) {
        (None, _) => CheckResult::pass(
            "refresh_nonce",
            "no nonce, as a refreshed ID token should be".to_owned(),
            SPEC_REFRESH,
        ),
        (Some(new), Some(old)) if new == old => CheckResult::pass(
            "refresh_nonce",
            format!("nonce is the original's: {new}"),
            SPEC_REFRESH,
        ),
        (Some(new), _) => CheckResult::fail(
            "refresh_nonce",
            "IDT_REFRESH_NONCE_CHANGED",
            format!(
                "nonce is {new}, not the original ID token's: a refreshed ID token has no nonce or the original one"
            ),
            SPEC_REFRESH,
        ),
    };
    vec![
        same("iss", "refresh_iss", "IDT_REFRESH_ISS_CHANGED", true),
        same("sub", "refresh_sub", "IDT_REFRESH_SUB_CHANGED", true),
        same("aud", "refresh_aud", "IDT_REFRESH_AUD_CHANGED", true),
        same("azp", "refresh_azp", "IDT_REFRESH_AZP_CHANGED", false),
        same(
            "auth_time",
            "refresh_auth_time",
            "IDT_REFRESH_AUTH_TIME_CHANGED",
            false,
        ),
        nonce,
    ]
}

/// Whether no row failed.
pub fn all_passed(checks: &[CheckResult]) -> bool {
    !checks.iter().any(CheckResult::is_fail)
}

/// A JWT an answer carried, checked one row per rule before anything in it
/// is used: a JWT-secured authorization response (`oauth::jarm`), a JWT
/// introspection answer (`oauth::introspection_jwt`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CheckedJwt {
    /// One row per rule, in order. A JWT that cannot be read has only its
    /// `response` row.
    pub checks: Vec<CheckResult>,
    /// The protected header of the signed JWT, when it could be read.
    pub header: Option<JsonObject>,
    /// The claims, when they could be read (even if a check failed: for
    /// display, never for use).
    pub claims: Option<JsonObject>,
}

impl CheckedJwt {
    /// A JWT that could not be read: `row` says why.
    pub fn unreadable(row: CheckResult) -> Self {
        Self {
            checks: vec![row],
            header: None,
            claims: None,
        }
    }

    /// Whether there are rows and none failed.
    pub fn passed(&self) -> bool {
        !self.checks.is_empty() && all_passed(&self.checks)
    }
}

/// What the relying party expects, from its profile and the request it sent.
#[derive(Clone, PartialEq, Eq)]
pub struct Expectations {
    /// The issuer, compared exactly (OIDC Core §3.1.3.7 step 2, Discovery §4.3).
    pub issuer: Option<String>,
    /// This client's ID, which `aud` must contain.
    pub client_id: Option<String>,
    /// The resource an access token must be for (RFC 9068 §4 `aud`).
    pub audience: Option<String>,
    /// The nonce sent in the authorization request.
    pub nonce: Option<String>,
    /// The access token issued with the ID token, for `at_hash`.
    pub access_token: Option<String>,
    /// The authorization code, for `c_hash`.
    pub code: Option<String>,
    /// The `state` sent, for `s_hash` (FAPI 1.0 Advanced §5.1).
    pub state: Option<String>,
    /// `max_age` sent in the request, in seconds (OIDC Core §3.1.2.1).
    pub max_age: Option<i64>,
    /// `acr_values` sent in the request.
    pub acr_values: Vec<String>,
    /// Clock-skew tolerance in seconds.
    pub leeway: i64,
    /// Oldest acceptable `iat`, in seconds before now.
    pub max_iat_age: i64,
    /// An SD-JWT VC issuer's keys from its JWT VC Issuer Metadata, when the
    /// user let them be fetched: the `issuer_key` row of the SD-JWT checks.
    pub issuer_keys: Option<std::sync::Arc<super::sd_jwt_vc::IssuerKeys>>,
}

impl Default for Expectations {
    fn default() -> Self {
        Self {
            issuer: None,
            client_id: None,
            audience: None,
            nonce: None,
            access_token: None,
            code: None,
            state: None,
            max_age: None,
            acr_values: Vec::new(),
            leeway: DEFAULT_LEEWAY,
            max_iat_age: DEFAULT_MAX_IAT_AGE,
            issuer_keys: None,
        }
    }
}

/// Tokens and codes are credentials: `Debug` says only whether they are set.
impl fmt::Debug for Expectations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set = |value: &Option<String>| if value.is_some() { "[set]" } else { "[none]" };
        f.debug_struct("Expectations")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("audience", &self.audience)
            .field("nonce", &self.nonce)
            .field("access_token", &set(&self.access_token))
            .field("code", &set(&self.code))
            .field("state", &set(&self.state))
            .field("max_age", &self.max_age)
            .field("acr_values", &self.acr_values)
            .field("leeway", &self.leeway)
            .field("max_iat_age", &self.max_iat_age)
            .field(
                "issuer_keys",
                &self.issuer_keys.as_ref().map(|keys| keys.source()),
            )
            .finish()
    }
}

const SPEC_SIGNATURE: &str = "OIDC Core 1.0 §3.1.3.7 step 6; RFC 8725 §3.1";
const SPEC_TYP: &str = "RFC 8725 §3.11; RFC 9068 §2.1";
const SPEC_ISS: &str = "OIDC Core 1.0 §3.1.3.7 step 2";
const SPEC_SUB: &str = "OIDC Core 1.0 §2";
const SPEC_AUD: &str = "OIDC Core 1.0 §3.1.3.7 step 3";
const SPEC_AZP: &str = "OIDC Core 1.0 §2, §3.1.3.7 steps 4-5";
const SPEC_EXP: &str = "OIDC Core 1.0 §3.1.3.7 step 9; RFC 7519 §4.1.4";
const SPEC_IAT: &str = "OIDC Core 1.0 §3.1.3.7 step 10; RFC 7519 §4.1.6";
const SPEC_NBF: &str = "RFC 7519 §4.1.5";
const SPEC_NONCE: &str = "OIDC Core 1.0 §3.1.3.7 step 11";
const SPEC_AT_HASH: &str = "OIDC Core 1.0 §3.1.3.6, §3.1.3.8, §3.2.2.9";
const SPEC_C_HASH: &str = "OIDC Core 1.0 §3.3.2.10, §3.3.2.11";
const SPEC_S_HASH: &str = "FAPI 1.0 Advanced §5.1";
const SPEC_AUTH_TIME: &str = "OIDC Core 1.0 §3.1.3.7 step 13, §3.1.2.1";
const SPEC_ACR: &str = "OIDC Core 1.0 §3.1.3.7 step 12";
const SPEC_AT_SIGNATURE: &str = "RFC 9068 §4; RFC 8725 §3.1";
const SPEC_AT_TYP: &str = "RFC 9068 §2.1, §4";
const SPEC_AT_ISS: &str = "RFC 9068 §4";
const SPEC_AT_EXP: &str = "RFC 9068 §2.2, §4; RFC 7519 §4.1.4";
const SPEC_AT_AUD: &str = "RFC 9068 §2.2, §4";
const SPEC_AT_CLAIMS: &str = "RFC 9068 §2.2";
const SPEC_AT_SCOPE: &str = "RFC 9068 §2.2.3";
const SPEC_UI_SUB: &str = "OIDC Core 1.0 §5.3.2";
const SPEC_UI_SIGNATURE: &str = "OIDC Core 1.0 §5.3.2";

/// The ID token validation of OIDC Core 1.0 §3.1.3.7 (and §3.1.3.6,
/// §3.3.2.11, §2), one row per rule, in the order the spec lists them.
pub fn id_token_checks(
    claims: &JsonObject,
    header: &JsonObject,
    signature: &SignatureOutcome,
    expect: &Expectations,
    now: Timestamp,
) -> Vec<CheckResult> {
    let alg = header.get("alg").and_then(Value::as_str).unwrap_or("");
    let key_bits = signature.key().map(|key| key.bits);
    vec![
        signature_row("signature", signature, SPEC_SIGNATURE),
        id_token_typ_row(header),
        issuer_row(
            claims,
            expect.issuer.as_deref(),
            ("IDT_ISS_MISSING", "IDT_ISS_MISMATCH"),
            SPEC_ISS,
        ),
        subject_row(claims, "IDT_SUB_MISSING", SPEC_SUB),
        id_token_aud_row(claims, expect),
        azp_row(claims, expect),
        expiry_row(claims, expect, now, "IDT_EXP_MISSING", SPEC_EXP),
        issued_at_row(claims, expect, now, true, SPEC_IAT),
        not_before_row(claims, expect, now),
        nonce_row(claims, expect),
        hash_row(
            HashClaim::At,
            claims,
            alg,
            key_bits,
            expect.access_token.as_deref(),
        ),
        hash_row(
            HashClaim::Code,
            claims,
            alg,
            key_bits,
            expect.code.as_deref(),
        ),
        hash_row(
            HashClaim::State,
            claims,
            alg,
            key_bits,
            expect.state.as_deref(),
        ),
        auth_time_row(claims, expect, now),
        acr_row(claims, expect),
    ]
}

/// The checks of RFC 9068 §4 for a JWT access token (`typ: at+jwt`): its
/// type, signature, issuer, expiry, audience and required claims.
pub fn access_token_checks(
    claims: &JsonObject,
    header: &JsonObject,
    signature: &SignatureOutcome,
    expect: &Expectations,
    now: Timestamp,
) -> Vec<CheckResult> {
    vec![
        signature_row("signature", signature, SPEC_AT_SIGNATURE),
        access_token_typ_row(header),
        issuer_row(
            claims,
            expect.issuer.as_deref(),
            ("AT_ISS_MISSING", "AT_ISS_MISMATCH"),
            SPEC_AT_ISS,
        ),
        expiry_row(claims, expect, now, "AT_EXP_MISSING", SPEC_AT_EXP),
        access_token_aud_row(claims, expect),
        subject_row(claims, "AT_SUB_MISSING", SPEC_AT_CLAIMS),
        client_id_row(claims, expect),
        issued_at_row(claims, expect, now, false, SPEC_AT_CLAIMS),
        present_string_row(claims, "jti", "AT_JTI_MISSING", SPEC_AT_CLAIMS),
        present_string_row(claims, "scope", "AT_SCOPE_MISSING", SPEC_AT_SCOPE),
    ]
}

/// The `UserInfo` response checks of OIDC Core 1.0 §5.3.2: its `sub` must be
/// the ID token's (else none of its claims may be used), and a signed
/// response must verify.
pub fn userinfo_checks(
    userinfo_claims: &JsonObject,
    id_token_sub: Option<&str>,
    signature: Option<&SignatureOutcome>,
) -> Vec<CheckResult> {
    let sub_row = match (claim(userinfo_claims, "sub"), id_token_sub) {
        (Claim::Missing, _) => CheckResult::fail(
            "sub",
            "UI_SUB_MISSING",
            crate::tr!("check-ui-sub-missing"),
            SPEC_UI_SUB,
        ),
        (Claim::Other(value), _) => wrong_type("sub", value, SPEC_UI_SUB),
        (Claim::Str(sub), None) => CheckResult::not_applicable(
            "sub",
            crate::tr!("check-ui-sub-no-id-token", sub = sub),
            SPEC_UI_SUB,
        ),
        (Claim::Str(sub), Some(expected)) if sub == expected => CheckResult::pass(
            "sub",
            crate::tr!("check-ui-sub-equal", sub = sub),
            SPEC_UI_SUB,
        ),
        (Claim::Str(sub), Some(expected)) => CheckResult::fail(
            "sub",
            "UI_SUB_MISMATCH",
            crate::tr!("check-ui-sub-mismatch", sub = sub, expected = expected),
            SPEC_UI_SUB,
        ),
    };
    let signature_row = match signature {
        Some(outcome) => signature_row("signature", outcome, SPEC_UI_SIGNATURE),
        None => CheckResult::not_applicable(
            "signature",
            crate::tr!("check-ui-not-signed"),
            SPEC_UI_SIGNATURE,
        ),
    };
    vec![sub_row, signature_row]
}

/// A claim's value, by type.
enum Claim<'a> {
    Missing,
    Str(&'a str),
    Other(&'a Value),
}

fn claim<'a>(claims: &'a JsonObject, name: &str) -> Claim<'a> {
    match claims.get(name) {
        None => Claim::Missing,
        Some(Value::String(value)) => Claim::Str(value),
        Some(other) => Claim::Other(other),
    }
}

/// A claim that must be a string is something else (RFC 7519 §4.1).
fn wrong_type(name: &'static str, value: &Value, spec: &'static str) -> CheckResult {
    CheckResult::fail(
        name,
        "JWT_CLAIM_TYPE",
        crate::tr!(
            "check-not-a-string",
            name = name,
            kind = json_kind_text(value)
        ),
        spec,
    )
}

/// "no iss claim".
fn no_claim(name: &str) -> String {
    crate::tr!("check-claim-missing", name = name)
}

/// "sub is user-1".
fn claim_is(name: &str, value: &str) -> String {
    crate::tr!("check-claim-is", name = name, value = value)
}

pub(crate) fn signature_row(
    name: &'static str,
    outcome: &SignatureOutcome,
    spec: &'static str,
) -> CheckResult {
    let mut reason = outcome.summary();
    if !outcome.notes().is_empty() {
        reason.push_str("; ");
        reason.push_str(&outcome.notes().join("; "));
    }
    match outcome.code() {
        None => CheckResult::pass(name, reason, spec),
        Some(code) => CheckResult::fail(name, code, reason, spec),
    }
}

fn id_token_typ_row(header: &JsonObject) -> CheckResult {
    const NAME: &str = "typ";
    match claim(header, "typ") {
        Claim::Missing => CheckResult::pass(NAME, crate::tr!("check-typ-none-id-token"), SPEC_TYP),
        Claim::Other(value) => wrong_type(NAME, value, SPEC_TYP),
        Claim::Str(typ) => {
            let lower = typ.to_ascii_lowercase();
            let lower = lower.strip_prefix("application/").unwrap_or(&lower);
            match lower {
                "jwt" => CheckResult::pass(NAME, claim_is(NAME, typ), SPEC_TYP),
                "at+jwt" => CheckResult::fail(
                    NAME,
                    "JWT_TYP_MISMATCH",
                    crate::tr!("check-typ-access-not-id", typ = typ),
                    SPEC_TYP,
                ),
                "logout+jwt" => CheckResult::fail(
                    NAME,
                    "JWT_TYP_MISMATCH",
                    crate::tr!("check-typ-logout-not-id", typ = typ),
                    SPEC_TYP,
                ),
                _ => CheckResult::fail(
                    NAME,
                    "JWT_TYP_MISMATCH",
                    crate::tr!("check-typ-other-not-id", typ = typ),
                    SPEC_TYP,
                ),
            }
        }
    }
}

fn access_token_typ_row(header: &JsonObject) -> CheckResult {
    const NAME: &str = "typ";
    match claim(header, "typ") {
        Claim::Str(typ)
            if typ.eq_ignore_ascii_case("at+jwt")
                || typ.eq_ignore_ascii_case("application/at+jwt") =>
        {
            CheckResult::pass(NAME, claim_is(NAME, typ), SPEC_AT_TYP)
        }
        Claim::Str(typ) => CheckResult::fail(
            NAME,
            "JWT_TYP_MISMATCH",
            crate::tr!("check-typ-not-access", typ = typ),
            SPEC_AT_TYP,
        ),
        Claim::Missing => CheckResult::fail(
            NAME,
            "JWT_TYP_MISMATCH",
            crate::tr!("check-typ-none-access"),
            SPEC_AT_TYP,
        ),
        Claim::Other(value) => wrong_type(NAME, value, SPEC_AT_TYP),
    }
}

pub(crate) fn issuer_row(
    claims: &JsonObject,
    expected: Option<&str>,
    (missing, mismatch): (&'static str, &'static str),
    spec: &'static str,
) -> CheckResult {
    const NAME: &str = "iss";
    match (claim(claims, NAME), expected) {
        (Claim::Missing, _) => CheckResult::fail(NAME, missing, no_claim(NAME), spec),
        (Claim::Other(value), _) => wrong_type(NAME, value, spec),
        (Claim::Str(iss), None) => CheckResult::not_applicable(
            NAME,
            crate::tr!("check-iss-not-configured", iss = iss),
            spec,
        ),
        (Claim::Str(iss), Some(expected)) if iss == expected => {
            CheckResult::pass(NAME, crate::tr!("check-iss-as-expected", iss = iss), spec)
        }
        (Claim::Str(iss), Some(expected)) => {
            let reason = if iss.trim_end_matches('/') == expected.trim_end_matches('/') {
                crate::tr!("check-iss-mismatch-slash", iss = iss, expected = expected)
            } else if iss.eq_ignore_ascii_case(expected) {
                crate::tr!("check-iss-mismatch-case", iss = iss, expected = expected)
            } else {
                crate::tr!("check-iss-mismatch", iss = iss, expected = expected)
            };
            CheckResult::fail(NAME, mismatch, reason, spec)
        }
    }
}

fn subject_row(claims: &JsonObject, missing: &'static str, spec: &'static str) -> CheckResult {
    const NAME: &str = "sub";
    match claim(claims, NAME) {
        Claim::Missing => CheckResult::fail(NAME, missing, no_claim(NAME), spec),
        Claim::Other(value) => wrong_type(NAME, value, spec),
        Claim::Str("") => CheckResult::fail(NAME, missing, crate::tr!("check-sub-empty"), spec),
        Claim::Str(sub) if sub.len() > 255 => CheckResult::fail(
            NAME,
            "JWT_CLAIM_TYPE",
            crate::tr!("check-sub-too-long", count = sub.len()),
            spec,
        ),
        Claim::Str(sub) => CheckResult::pass(NAME, claim_is(NAME, sub), spec),
    }
}

/// `aud` as a list: a string or an array of strings (RFC 7519 §4.1.3).
/// A numeric-looking string (Sber's `"2085"`) stays a string and is compared as one.
fn audiences(value: &Value) -> Result<Vec<&str>, String> {
    match value {
        Value::String(aud) => Ok(vec![aud.as_str()]),
        Value::Array(items) if !items.is_empty() => items
            .iter()
            .map(|item| {
                item.as_str()
                    .ok_or_else(|| crate::tr!("check-aud-item-type", kind = json_kind_text(item)))
            })
            .collect(),
        Value::Array(_) => Err(crate::tr!("check-aud-empty")),
        other => Err(crate::tr!("check-aud-type", kind = json_kind_text(other))),
    }
}

fn aud_display(audiences: &[&str]) -> String {
    match audiences {
        [only] => (*only).to_owned(),
        many => format!("[{}]", many.join(", ")),
    }
}

fn id_token_aud_row(claims: &JsonObject, expect: &Expectations) -> CheckResult {
    client_audience_row(
        claims,
        expect.client_id.as_deref(),
        ("IDT_AUD_MISSING", "IDT_AUD_MISMATCH"),
        SPEC_AUD,
    )
}

/// `aud` must be, or contain, this client's id (OIDC Core §3.1.3.7 step 3;
/// JARM §2.4 step 4): a string or an array of strings (RFC 7519 §4.1.3).
pub(crate) fn client_audience_row(
    claims: &JsonObject,
    client_id: Option<&str>,
    (missing, mismatch): (&'static str, &'static str),
    spec: &'static str,
) -> CheckResult {
    const NAME: &str = "aud";
    let Some(value) = claims.get(NAME) else {
        return CheckResult::fail(NAME, missing, no_claim(NAME), spec);
    };
    let list = match audiences(value) {
        Ok(list) => list,
        Err(reason) => return CheckResult::fail(NAME, "JWT_CLAIM_TYPE", reason, spec),
    };
    let shown = aud_display(&list);
    match client_id {
        None => {
            CheckResult::not_applicable(NAME, crate::tr!("check-aud-no-client", aud = shown), spec)
        }
        Some(client_id) if list.contains(&client_id) => CheckResult::pass(
            NAME,
            crate::tr!("check-aud-has-client", aud = shown, client = client_id),
            spec,
        ),
        Some(client_id) => CheckResult::fail(
            NAME,
            mismatch,
            crate::tr!("check-aud-mismatch", aud = shown, client = client_id),
            spec,
        ),
    }
}

fn azp_row(claims: &JsonObject, expect: &Expectations) -> CheckResult {
    const NAME: &str = "azp";
    let list = claims
        .get("aud")
        .and_then(|value| audiences(value).ok())
        .unwrap_or_default();
    let azp = match claim(claims, NAME) {
        Claim::Missing => None,
        Claim::Str(azp) => Some(azp),
        Claim::Other(value) => return wrong_type(NAME, value, SPEC_AZP),
    };
    let Some(client_id) = expect.client_id.as_deref() else {
        return CheckResult::not_applicable(
            NAME,
            azp.map_or_else(
                || crate::tr!("check-azp-none-no-client"),
                |azp| crate::tr!("check-azp-no-client", azp = azp),
            ),
            SPEC_AZP,
        );
    };
    match azp {
        Some(azp) if azp == client_id => CheckResult::pass(
            NAME,
            crate::tr!("check-azp-is-client", client = client_id),
            SPEC_AZP,
        ),
        Some(azp) => CheckResult::fail(
            NAME,
            "IDT_AZP_MISMATCH",
            crate::tr!("check-azp-mismatch", azp = azp, client = client_id),
            SPEC_AZP,
        ),
        None if list.len() > 1 => CheckResult::fail(
            NAME,
            "IDT_AUD_UNTRUSTED",
            crate::tr!(
                "check-azp-missing-several",
                count = list.len(),
                list = list.join(", ")
            ),
            SPEC_AZP,
        ),
        None => CheckResult::not_applicable(NAME, crate::tr!("check-azp-not-needed"), SPEC_AZP),
    }
}

fn access_token_aud_row(claims: &JsonObject, expect: &Expectations) -> CheckResult {
    const NAME: &str = "aud";
    let Some(value) = claims.get(NAME) else {
        return CheckResult::fail(NAME, "AT_AUD_MISSING", no_claim(NAME), SPEC_AT_AUD);
    };
    let list = match audiences(value) {
        Ok(list) => list,
        Err(reason) => return CheckResult::fail(NAME, "JWT_CLAIM_TYPE", reason, SPEC_AT_AUD),
    };
    let shown = aud_display(&list);
    match expect.audience.as_deref() {
        None => CheckResult::pass(
            NAME,
            crate::tr!("check-at-aud-no-resource", aud = shown),
            SPEC_AT_AUD,
        ),
        Some(audience) if list.contains(&audience) => CheckResult::pass(
            NAME,
            crate::tr!(
                "check-at-aud-has-resource",
                aud = shown,
                resource = audience
            ),
            SPEC_AT_AUD,
        ),
        Some(audience) => CheckResult::fail(
            NAME,
            "AT_AUD_MISMATCH",
            crate::tr!("check-at-aud-mismatch", aud = shown, resource = audience),
            SPEC_AT_AUD,
        ),
    }
}

fn client_id_row(claims: &JsonObject, expect: &Expectations) -> CheckResult {
    const NAME: &str = "client_id";
    match (claim(claims, NAME), expect.client_id.as_deref()) {
        (Claim::Missing, _) => {
            CheckResult::fail(NAME, "AT_CLIENT_ID_MISSING", no_claim(NAME), SPEC_AT_CLAIMS)
        }
        (Claim::Other(value), _) => wrong_type(NAME, value, SPEC_AT_CLAIMS),
        (Claim::Str(id), Some(expected)) if id != expected => CheckResult::fail(
            NAME,
            "AT_CLIENT_ID_MISMATCH",
            crate::tr!("check-client-id-mismatch", id = id, expected = expected),
            SPEC_AT_CLAIMS,
        ),
        (Claim::Str(id), _) => CheckResult::pass(NAME, claim_is(NAME, id), SPEC_AT_CLAIMS),
    }
}

fn present_string_row(
    claims: &JsonObject,
    name: &'static str,
    missing: &'static str,
    spec: &'static str,
) -> CheckResult {
    match claim(claims, name) {
        Claim::Missing => CheckResult::fail(name, missing, no_claim(name), spec),
        Claim::Other(value) => wrong_type(name, value, spec),
        Claim::Str(value) => CheckResult::pass(name, claim_is(name, value), spec),
    }
}

/// A `NumericDate` claim (RFC 7519 §2).
enum NumericDate {
    Missing,
    At(Timestamp),
    /// Not a number; the words say what it is instead.
    WrongType(String),
}

fn numeric_date(claims: &JsonObject, name: &str) -> NumericDate {
    let Some(value) = claims.get(name) else {
        return NumericDate::Missing;
    };
    let Value::Number(number) = value else {
        return NumericDate::WrongType(JsonKind::of(value).text());
    };
    // Fractional seconds dropped, absurd values saturated: they still compare
    // the right way (`1e300` is the far future).
    NumericDate::At(TimeValue::from_number(number).at)
}

pub(crate) fn instant(at: Timestamp) -> String {
    at.to_rfc3339_utc()
        .unwrap_or_else(|| crate::tr!("check-unix-seconds", seconds = at.unix().to_string()))
}

/// "45 s", "12 min", "3 h 5 min", "2 d 4 h".
pub(crate) fn duration(seconds: i64) -> String {
    let s = seconds.unsigned_abs();
    match s {
        0..120 => crate::tr!("check-duration-seconds", seconds = s),
        120..7_200 => crate::tr!("check-duration-minutes", minutes = s / 60),
        7_200..172_800 => crate::tr!(
            "check-duration-hours",
            hours = s / 3_600,
            minutes = (s % 3_600) / 60
        ),
        _ => crate::tr!(
            "check-duration-days",
            days = s / 86_400,
            hours = (s % 86_400) / 3_600
        ),
    }
}

fn seconds_between(later: Timestamp, earlier: Timestamp) -> i64 {
    later.unix().saturating_sub(earlier.unix())
}

pub(crate) fn expiry_row(
    claims: &JsonObject,
    expect: &Expectations,
    now: Timestamp,
    missing: &'static str,
    spec: &'static str,
) -> CheckResult {
    const NAME: &str = "exp";
    let exp = match numeric_date(claims, NAME) {
        NumericDate::Missing => {
            return CheckResult::fail(NAME, missing, no_claim(NAME), spec);
        }
        NumericDate::WrongType(kind) => return date_type_fail(NAME, &kind, spec),
        NumericDate::At(exp) => exp,
    };
    let past = seconds_between(now, exp);
    if past >= expect.leeway {
        CheckResult::fail(
            NAME,
            if missing.starts_with("AT_") {
                "AT_EXPIRED"
            } else if missing.starts_with("SD_") {
                "SD_EXPIRED"
            } else if missing.starts_with("JARM_") {
                "JARM_EXPIRED"
            } else {
                "IDT_EXPIRED"
            },
            crate::tr!(
                "check-exp-expired",
                at = instant(exp),
                ago = duration(past),
                leeway = expect.leeway
            ),
            spec,
        )
    } else if past >= 0 {
        CheckResult::pass(
            NAME,
            crate::tr!(
                "check-exp-within-leeway",
                ago = duration(past),
                leeway = expect.leeway
            ),
            spec,
        )
    } else {
        CheckResult::pass(
            NAME,
            crate::tr!(
                "check-exp-valid-until",
                at = instant(exp),
                left = duration(past)
            ),
            spec,
        )
    }
}

fn date_type_fail(name: &'static str, kind: &str, spec: &'static str) -> CheckResult {
    CheckResult::fail(
        name,
        "JWT_CLAIM_TYPE",
        crate::tr!("check-date-type", name = name, kind = kind),
        spec,
    )
}

fn issued_at_row(
    claims: &JsonObject,
    expect: &Expectations,
    now: Timestamp,
    id_token: bool,
    spec: &'static str,
) -> CheckResult {
    let codes = if id_token {
        ("IDT_IAT_MISSING", "IDT_IAT_FUTURE", "IDT_IAT_OLD")
    } else {
        ("AT_IAT_MISSING", "AT_IAT_FUTURE", "AT_IAT_OLD")
    };
    issued_at_row_coded(claims, expect, now, codes, spec)
}

/// `iat` present, not ahead of `now` beyond the leeway, not older than
/// `expect.max_iat_age`; `(missing, future, old)` are the failure codes.
pub(crate) fn issued_at_row_coded(
    claims: &JsonObject,
    expect: &Expectations,
    now: Timestamp,
    (missing, future, old): (&'static str, &'static str, &'static str),
    spec: &'static str,
) -> CheckResult {
    const NAME: &str = "iat";
    let iat = match numeric_date(claims, NAME) {
        NumericDate::Missing => {
            return CheckResult::fail(NAME, missing, no_claim(NAME), spec);
        }
        NumericDate::WrongType(kind) => return date_type_fail(NAME, &kind, spec),
        NumericDate::At(iat) => iat,
    };
    let age = seconds_between(now, iat);
    if -age > expect.leeway {
        CheckResult::fail(
            NAME,
            future,
            crate::tr!(
                "check-iat-future",
                ahead = duration(age),
                at = instant(iat),
                leeway = expect.leeway
            ),
            spec,
        )
    } else if age > expect.max_iat_age {
        CheckResult::fail(
            NAME,
            old,
            crate::tr!(
                "check-iat-old",
                age = duration(age),
                at = instant(iat),
                max = duration(expect.max_iat_age)
            ),
            spec,
        )
    } else if age < 0 {
        CheckResult::pass(
            NAME,
            crate::tr!(
                "check-iat-future-within-leeway",
                ahead = duration(age),
                leeway = expect.leeway
            ),
            spec,
        )
    } else {
        CheckResult::pass(
            NAME,
            crate::tr!("check-iat-ago", age = duration(age), at = instant(iat)),
            spec,
        )
    }
}

pub(crate) fn not_before_row(
    claims: &JsonObject,
    expect: &Expectations,
    now: Timestamp,
) -> CheckResult {
    const NAME: &str = "nbf";
    match numeric_date(claims, NAME) {
        NumericDate::Missing => CheckResult::not_applicable(NAME, no_claim(NAME), SPEC_NBF),
        NumericDate::WrongType(kind) => date_type_fail(NAME, &kind, SPEC_NBF),
        NumericDate::At(nbf) => {
            let ahead = seconds_between(nbf, now);
            if ahead > expect.leeway {
                CheckResult::fail(
                    NAME,
                    "IDT_NBF_FUTURE",
                    crate::tr!(
                        "check-nbf-future",
                        at = instant(nbf),
                        ahead = duration(ahead),
                        leeway = expect.leeway
                    ),
                    SPEC_NBF,
                )
            } else {
                CheckResult::pass(
                    NAME,
                    crate::tr!("check-nbf-valid-since", at = instant(nbf)),
                    SPEC_NBF,
                )
            }
        }
    }
}

fn nonce_row(claims: &JsonObject, expect: &Expectations) -> CheckResult {
    const NAME: &str = "nonce";
    match (claim(claims, NAME), expect.nonce.as_deref()) {
        (Claim::Other(value), _) => wrong_type(NAME, value, SPEC_NONCE),
        (Claim::Missing, None) => {
            CheckResult::not_applicable(NAME, crate::tr!("check-nonce-not-sent"), SPEC_NONCE)
        }
        (Claim::Str(nonce), None) => CheckResult::not_applicable(
            NAME,
            crate::tr!("check-nonce-not-sent-but-present", nonce = nonce),
            SPEC_NONCE,
        ),
        (Claim::Missing, Some(sent)) => CheckResult::fail(
            NAME,
            "IDT_NONCE_MISSING",
            crate::tr!("check-nonce-missing", sent = sent),
            SPEC_NONCE,
        ),
        (Claim::Str(nonce), Some(sent)) if nonce == sent => CheckResult::pass(
            NAME,
            crate::tr!("check-nonce-as-sent", nonce = nonce),
            SPEC_NONCE,
        ),
        (Claim::Str(nonce), Some(sent)) => CheckResult::fail(
            NAME,
            "IDT_NONCE_MISMATCH",
            crate::tr!("check-nonce-mismatch", nonce = nonce, sent = sent),
            SPEC_NONCE,
        ),
    }
}

/// The three hash claims and what each covers.
#[derive(Clone, Copy)]
enum HashClaim {
    At,
    Code,
    State,
}

impl HashClaim {
    fn name(self) -> &'static str {
        match self {
            Self::At => "at_hash",
            Self::Code => "c_hash",
            Self::State => "s_hash",
        }
    }

    /// What the hash is of, as the hash messages name it.
    fn covers(self) -> String {
        match self {
            Self::At => crate::tr!("check-hash-covers-access-token"),
            Self::Code => crate::tr!("check-hash-covers-code"),
            Self::State => crate::tr!("check-hash-covers-state"),
        }
    }

    fn spec(self) -> &'static str {
        match self {
            Self::At => SPEC_AT_HASH,
            Self::Code => SPEC_C_HASH,
            Self::State => SPEC_S_HASH,
        }
    }

    fn mismatch(self) -> &'static str {
        match self {
            Self::At => "IDT_AT_HASH_MISMATCH",
            Self::Code => "IDT_C_HASH_MISMATCH",
            Self::State => "IDT_S_HASH_MISMATCH",
        }
    }

    fn when_absent(self) -> String {
        match self {
            Self::At => crate::tr!("check-hash-at-when-absent"),
            Self::Code => crate::tr!("check-hash-c-when-absent"),
            Self::State => crate::tr!("check-hash-s-when-absent"),
        }
    }
}

fn hash_row(
    which: HashClaim,
    claims: &JsonObject,
    alg: &str,
    key_bits: Option<usize>,
    value: Option<&str>,
) -> CheckResult {
    let name = which.name();
    let spec = which.spec();
    let claimed = match (claim(claims, name), value) {
        (Claim::Other(other), _) => return wrong_type(name, other, spec),
        (Claim::Missing, Some(_)) => {
            return CheckResult::not_applicable(
                name,
                crate::tr!("check-hash-absent", name = name, when = which.when_absent()),
                spec,
            );
        }
        (Claim::Missing, None) => {
            return CheckResult::not_applicable(
                name,
                crate::tr!(
                    "check-hash-absent-nothing",
                    name = name,
                    covers = which.covers()
                ),
                spec,
            );
        }
        (Claim::Str(claimed), None) => {
            return CheckResult::not_applicable(
                name,
                crate::tr!(
                    "check-hash-nothing-to-compare",
                    name = name,
                    claimed = claimed,
                    covers = which.covers()
                ),
                spec,
            );
        }
        (Claim::Str(claimed), Some(_)) => claimed,
    };
    let value = value.unwrap_or_default();
    let computed = match half_hash(alg, key_bits, value) {
        Ok(computed) => computed,
        // Fail closed: an unknown algorithm must never mean "matches".
        Err(reason) => return CheckResult::fail(name, "HASH_ALG_UNKNOWN", reason, spec),
    };
    let how = if computed.assumed {
        crate::tr!("check-hash-how-assumed", hash = computed.hash, alg = alg)
    } else {
        crate::tr!("check-hash-how", hash = computed.hash)
    };
    if computed.value == claimed {
        CheckResult::pass(
            name,
            crate::tr!(
                "check-hash-matches",
                name = name,
                covers = which.covers(),
                how = how
            ),
            spec,
        )
    } else {
        CheckResult::fail(
            name,
            which.mismatch(),
            crate::tr!(
                "check-hash-mismatch",
                name = name,
                claimed = claimed,
                covers = which.covers(),
                computed = computed.value,
                how = how
            ),
            spec,
        )
    }
}

/// A token hash as `at_hash`, `c_hash` and `s_hash` carry it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HalfHash {
    /// base64url of the left-most half of the digest.
    pub value: String,
    /// The digest used, e.g. "SHA-256".
    pub hash: &'static str,
    /// Whether the digest is a convention rather than a specification
    /// (GOST: no spec defines the hash claims, Streebog is assumed).
    pub assumed: bool,
}

/// The left-most half of the hash of `value`'s octets, base64url-encoded,
/// with the hash of the JWS `alg` (OIDC Core 1.0 §3.1.3.6): SHA-256/384/512
/// for `*256`/`*384`/`*512`, SHA-512 for `EdDSA` with Ed25519 (the only
/// `EdDSA` curve tokenscope supports), Streebog-256/512 for GOST by key size.
/// An unknown `alg` is an error, never a match.
pub fn half_hash(alg: &str, key_bits: Option<usize>, value: &str) -> Result<HalfHash, String> {
    let bytes = value.as_bytes();
    let sha_size = ["RS", "PS", "ES", "HS"]
        .iter()
        .any(|prefix| alg.starts_with(prefix))
        .then(|| alg.get(2..))
        .flatten();
    let (digest, hash, assumed): (Vec<u8>, &'static str, bool) = match (alg, sha_size) {
        (_, Some("256")) => (Sha256::digest(bytes).to_vec(), "SHA-256", false),
        (_, Some("384")) => (Sha384::digest(bytes).to_vec(), "SHA-384", false),
        // Ed25519 signs with SHA-512 internally, so its hash claims use SHA-512.
        (_, Some("512")) | ("EdDSA" | "Ed25519", _) => {
            (Sha512::digest(bytes).to_vec(), "SHA-512", false)
        }
        ("GOST3410_2012_512", _) => (Streebog512::digest(bytes).to_vec(), "Streebog-512", true),
        ("gost34.10-2012", _) if key_bits == Some(512) => {
            (Streebog512::digest(bytes).to_vec(), "Streebog-512", true)
        }
        // Sber's keys are 256-bit; without a verified key that is the assumption.
        ("GOST3410_2012_256" | "gost34.10-2012", _) => {
            (Streebog256::digest(bytes).to_vec(), "Streebog-256", true)
        }
        _ => {
            return Err(crate::tr!("check-hash-alg-unknown", alg = alg));
        }
    };
    Ok(HalfHash {
        value: encode_segment(digest.get(..digest.len() / 2).unwrap_or_default()),
        hash,
        assumed,
    })
}

fn auth_time_row(claims: &JsonObject, expect: &Expectations, now: Timestamp) -> CheckResult {
    const NAME: &str = "auth_time";
    let auth_time = match numeric_date(claims, NAME) {
        NumericDate::WrongType(kind) => return date_type_fail(NAME, &kind, SPEC_AUTH_TIME),
        NumericDate::Missing => None,
        NumericDate::At(at) => Some(at),
    };
    let Some(max_age) = expect.max_age else {
        return CheckResult::not_applicable(
            NAME,
            auth_time.map_or_else(
                || crate::tr!("check-auth-time-none-no-max-age"),
                |at| crate::tr!("check-auth-time-no-max-age", at = instant(at)),
            ),
            SPEC_AUTH_TIME,
        );
    };
    let Some(auth_time) = auth_time else {
        return CheckResult::fail(
            NAME,
            "IDT_AUTH_TIME_MISSING",
            crate::tr!("check-auth-time-missing", max_age = max_age),
            SPEC_AUTH_TIME,
        );
    };
    let age = seconds_between(now, auth_time);
    if -age > expect.leeway {
        CheckResult::fail(
            NAME,
            "IDT_AUTH_TIME_FUTURE",
            crate::tr!(
                "check-auth-time-future",
                ahead = duration(age),
                at = instant(auth_time)
            ),
            SPEC_AUTH_TIME,
        )
    } else if age > max_age.saturating_add(expect.leeway) {
        CheckResult::fail(
            NAME,
            "IDT_AUTH_TIME_TOO_OLD",
            crate::tr!(
                "check-auth-time-too-old",
                age = duration(age),
                at = instant(auth_time),
                max_age = max_age
            ),
            SPEC_AUTH_TIME,
        )
    } else {
        CheckResult::pass(
            NAME,
            crate::tr!(
                "check-auth-time-within",
                age = duration(age),
                max_age = max_age
            ),
            SPEC_AUTH_TIME,
        )
    }
}

fn acr_row(claims: &JsonObject, expect: &Expectations) -> CheckResult {
    const NAME: &str = "acr";
    let acr = match claim(claims, NAME) {
        Claim::Other(value) => return wrong_type(NAME, value, SPEC_ACR),
        Claim::Missing => None,
        Claim::Str(acr) => Some(acr),
    };
    if expect.acr_values.is_empty() {
        return CheckResult::not_applicable(
            NAME,
            acr.map_or_else(
                || crate::tr!("check-acr-none-not-requested"),
                |acr| crate::tr!("check-acr-not-requested", acr = acr),
            ),
            SPEC_ACR,
        );
    }
    let wanted = expect.acr_values.join(", ");
    match acr {
        None => CheckResult::fail(
            NAME,
            "IDT_ACR_MISSING",
            crate::tr!("check-acr-missing", wanted = wanted.as_str()),
            SPEC_ACR,
        ),
        Some(acr) if expect.acr_values.iter().any(|value| value == acr) => CheckResult::pass(
            NAME,
            crate::tr!("check-acr-as-requested", acr = acr),
            SPEC_ACR,
        ),
        Some(acr) => CheckResult::fail(
            NAME,
            "IDT_ACR_MISMATCH",
            crate::tr!("check-acr-mismatch", acr = acr, wanted = wanted.as_str()),
            SPEC_ACR,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::jose::{Decoded, decode_unverified};
    use crate::token::keys::KeySet;
    use crate::token::verify::verify_signature;
    use hmac::{Hmac, KeyInit as _, Mac as _};
    use serde_json::json;

    const KEYCLOAK_JWKS: &str = include_str!("../../tests/fixtures/keycloak-jwks.json");
    const KEYCLOAK_RESPONSE: &str =
        include_str!("../../tests/fixtures/keycloak-token-response.json");
    const KONTUR_JWKS: &str = include_str!("../../tests/fixtures/kontur-jwks.json");
    const KONTUR_RESPONSE: &str = include_str!("../../tests/fixtures/kontur-token-response.json");
    const SBER_RESPONSE: &str = include_str!("../../tests/fixtures/sber-token-response.json");
    const SBER_USERINFO: &str = include_str!("../../tests/fixtures/sber-user-info.jwt");
    const SBER_CERT: &str = include_str!("../../tests/fixtures/sber-bank-certificate.pem");
    const EXPECTED: &str = include_str!("../../tests/fixtures/expected.json");

    const SECRET: &[u8] = b"test secret for the checks module";
    const NOW: i64 = 1_795_387_806;
    const ISSUER: &str = "https://idp.example.test/realms/demo";
    const CLIENT: &str = "demo-client";
    const ACCESS_TOKEN: &str = "opaque-access-token-0123456789";

    fn expected() -> Value {
        serde_json::from_str(EXPECTED).unwrap()
    }

    fn field(json: &str, name: &str) -> String {
        let value: Value = serde_json::from_str(json).unwrap();
        value[name].as_str().unwrap().to_owned()
    }

    fn now() -> Timestamp {
        Timestamp::from_unix(expected()["generated_at"].as_i64().unwrap())
    }

    /// Decodes and verifies `token`, then runs the ID token checks.
    fn run(token: &str, keys: &KeySet, expect: &Expectations) -> Vec<CheckResult> {
        let Decoded::Jws(jws) = decode_unverified(token).unwrap() else {
            panic!("a JWS")
        };
        let outcome = verify_signature(&jws, keys);
        let claims = match &jws.payload {
            crate::token::jose::JwsPayload::Claims(claims) => claims.clone(),
            crate::token::jose::JwsPayload::Nested(_) => panic!("not nested"),
        };
        id_token_checks(
            &claims,
            &jws.header,
            &outcome,
            expect,
            Timestamp::from_unix(NOW),
        )
    }

    fn sign(header: &Value, claims: &Value) -> String {
        let input = format!(
            "{}.{}",
            encode_segment(header.to_string().as_bytes()),
            encode_segment(claims.to_string().as_bytes())
        );
        let mac = Hmac::<Sha256>::new_from_slice(SECRET)
            .unwrap()
            .chain_update(input.as_bytes())
            .finalize()
            .into_bytes();
        format!("{input}.{}", encode_segment(&mac))
    }

    fn good_claims() -> Value {
        json!({
            "iss": ISSUER,
            "sub": "user-1",
            "aud": CLIENT,
            "exp": NOW + 300,
            "iat": NOW - 10,
            "auth_time": NOW - 20,
            "nonce": "n-1",
            "at_hash": half_hash("HS256", None, ACCESS_TOKEN).unwrap().value,
        })
    }

    fn expectations() -> Expectations {
        Expectations {
            issuer: Some(ISSUER.to_owned()),
            client_id: Some(CLIENT.to_owned()),
            nonce: Some("n-1".to_owned()),
            access_token: Some(ACCESS_TOKEN.to_owned()),
            ..Expectations::default()
        }
    }

    /// Checks a token built from the good claims changed by `edit`.
    fn checks_with(edit: impl FnOnce(&mut serde_json::Map<String, Value>)) -> Vec<CheckResult> {
        checks_with_expect(edit, &expectations())
    }

    fn checks_with_expect(
        edit: impl FnOnce(&mut serde_json::Map<String, Value>),
        expect: &Expectations,
    ) -> Vec<CheckResult> {
        let mut claims = good_claims();
        edit(claims.as_object_mut().unwrap());
        let token = sign(&json!({"alg": "HS256", "typ": "JWT"}), &claims);
        run(&token, &KeySet::hmac(SECRET, "test"), expect)
    }

    fn row<'a>(checks: &'a [CheckResult], name: &str) -> &'a CheckResult {
        checks.iter().find(|check| check.name == name).unwrap()
    }

    fn failures(checks: &[CheckResult]) -> Vec<(&'static str, &str)> {
        checks
            .iter()
            .filter(|check| check.is_fail())
            .map(|check| (check.name, check.reason.as_str()))
            .collect()
    }

    #[test]
    fn keycloak_id_token_passes_every_check() {
        let facts = &expected()["keycloak"];
        let expect = Expectations {
            issuer: facts["issuer"].as_str().map(str::to_owned),
            client_id: facts["client_id"].as_str().map(str::to_owned),
            nonce: facts["nonce"].as_str().map(str::to_owned),
            access_token: Some(field(KEYCLOAK_RESPONSE, "access_token")),
            ..Expectations::default()
        };
        let Decoded::Jws(jws) = decode_unverified(&field(KEYCLOAK_RESPONSE, "id_token")).unwrap()
        else {
            panic!("a JWS")
        };
        let keys = KeySet::from_jwks_json(KEYCLOAK_JWKS, "keycloak-jwks.json");
        let outcome = verify_signature(&jws, &keys);
        let crate::token::jose::JwsPayload::Claims(claims) = &jws.payload else {
            panic!("claims")
        };
        let checks = id_token_checks(claims, &jws.header, &outcome, &expect, now());
        assert!(all_passed(&checks), "{:#?}", failures(&checks));
        assert_eq!(
            row(&checks, "signature").reason,
            "valid (RS256, key kc-rsa-1)"
        );
        assert_eq!(row(&checks, "at_hash").status, CheckStatus::Pass);
        assert_eq!(
            row(&checks, "at_hash").reason,
            "at_hash matches the access token (left half of SHA-256)"
        );
        for name in ["iss", "sub", "aud", "azp", "exp", "iat", "nonce"] {
            assert_eq!(row(&checks, name).status, CheckStatus::Pass, "{name}");
        }
        for name in ["nbf", "c_hash", "s_hash", "auth_time", "acr"] {
            assert_eq!(
                row(&checks, name).status,
                CheckStatus::NotApplicable,
                "{name}"
            );
        }
    }

    #[test]
    fn kontur_id_token_passes_every_check() {
        let facts = &expected()["kontur"];
        let expect = Expectations {
            issuer: facts["issuer"].as_str().map(str::to_owned),
            client_id: facts["client_id"].as_str().map(str::to_owned),
            nonce: facts["nonce"].as_str().map(str::to_owned),
            access_token: Some(field(KONTUR_RESPONSE, "access_token")),
            ..Expectations::default()
        };
        let Decoded::Jws(jws) = decode_unverified(&field(KONTUR_RESPONSE, "id_token")).unwrap()
        else {
            panic!("a JWS")
        };
        let keys = KeySet::from_jwks_json(KONTUR_JWKS, "kontur-jwks.json");
        let outcome = verify_signature(&jws, &keys);
        let crate::token::jose::JwsPayload::Claims(claims) = &jws.payload else {
            panic!("claims")
        };
        let checks = id_token_checks(claims, &jws.header, &outcome, &expect, now());
        assert!(all_passed(&checks), "{:#?}", failures(&checks));
        assert_eq!(
            row(&checks, "signature").reason,
            "valid (ES256, key kontur-ec-1)"
        );
        assert_eq!(row(&checks, "at_hash").status, CheckStatus::Pass);
    }

    #[test]
    fn sber_id_token_numeric_string_aud_and_gost_hash() {
        let facts = &expected()["sber"];
        let expect = Expectations {
            issuer: facts["issuer"].as_str().map(str::to_owned),
            client_id: facts["client_id"].as_str().map(str::to_owned),
            nonce: facts["nonce"].as_str().map(str::to_owned),
            ..Expectations::default()
        };
        let keys = KeySet::from_pem(SBER_CERT, "sber-bank-certificate.pem");
        let Decoded::Jws(jws) = decode_unverified(&field(SBER_RESPONSE, "id_token")).unwrap()
        else {
            panic!("a JWS")
        };
        let outcome = verify_signature(&jws, &keys);
        let crate::token::jose::JwsPayload::Claims(claims) = &jws.payload else {
            panic!("claims")
        };
        let checks = id_token_checks(claims, &jws.header, &outcome, &expect, now());
        // aud "2085" is compared as the string it is.
        assert_eq!(
            row(&checks, "aud").reason,
            "aud 2085 contains this client's ID 2085"
        );
        for check in &checks {
            if check.name != "signature" {
                assert!(!check.is_fail(), "{check:?}");
            }
        }
        assert_eq!(row(&checks, "signature").is_fail(), keys.is_empty());
        // The GOST hash claims use Streebog, flagged as an assumption.
        let hash = half_hash("gost34.10-2012", Some(256), "3fe93b4f").unwrap();
        assert_eq!(
            (hash.hash, hash.assumed, hash.value.len()),
            ("Streebog-256", true, 22)
        );
        let hash = half_hash("GOST3410_2012_512", None, "x").unwrap();
        assert_eq!((hash.hash, hash.value.len()), ("Streebog-512", 43));
    }

    #[test]
    fn a_good_token_passes() {
        let checks = checks_with(|_| {});
        assert!(all_passed(&checks), "{:#?}", failures(&checks));
        assert_eq!(checks.len(), 15);
    }

    #[test]
    fn wrong_iss() {
        let checks = checks_with(|claims| {
            claims.insert("iss".to_owned(), json!(format!("{ISSUER}/")));
        });
        let iss = row(&checks, "iss");
        assert_eq!(iss.code, Some("IDT_ISS_MISMATCH"));
        assert_eq!(
            iss.reason,
            format!(
                "iss is {ISSUER}/ but this profile expects {ISSUER} (they differ only in a trailing slash; issuers are compared exactly)"
            )
        );
        assert_eq!(failures(&checks).len(), 1);
    }

    #[test]
    fn wrong_aud() {
        let checks = checks_with(|claims| {
            claims.insert("aud".to_owned(), json!(format!("{CLIENT}1")));
        });
        let aud = row(&checks, "aud");
        assert_eq!(aud.code, Some("IDT_AUD_MISMATCH"));
        assert_eq!(
            aud.reason,
            "aud is demo-client1, which does not contain this profile's client_id demo-client"
        );
        // Several audiences without azp; azp naming someone else; aud of the wrong type.
        let checks = checks_with(|claims| {
            claims.insert("aud".to_owned(), json!([CLIENT, "other"]));
        });
        assert_eq!(row(&checks, "aud").status, CheckStatus::Pass);
        assert_eq!(row(&checks, "azp").code, Some("IDT_AUD_UNTRUSTED"));
        let checks = checks_with(|claims| {
            claims.insert("aud".to_owned(), json!([CLIENT, "other"]));
            claims.insert("azp".to_owned(), json!("other"));
        });
        assert_eq!(row(&checks, "azp").code, Some("IDT_AZP_MISMATCH"));
        let checks = checks_with(|claims| {
            claims.insert("aud".to_owned(), json!({"x": 1}));
        });
        assert_eq!(row(&checks, "aud").code, Some("JWT_CLAIM_TYPE"));
        assert!(row(&checks, "aud").reason.starts_with("aud is an object"));
    }

    #[test]
    fn expired_and_leeway() {
        let checks = checks_with(|claims| {
            claims.insert("exp".to_owned(), json!(NOW - 3600));
        });
        let exp = row(&checks, "exp");
        assert_eq!(exp.code, Some("IDT_EXPIRED"));
        assert_eq!(
            exp.reason,
            "expired at 2026-11-22T21:50:06Z (60 min ago; leeway 60 s)"
        );
        let checks = checks_with(|claims| {
            claims.insert("exp".to_owned(), json!(NOW - 61));
        });
        assert!(row(&checks, "exp").is_fail());
        let checks = checks_with(|claims| {
            claims.insert("exp".to_owned(), json!(NOW - 59));
        });
        assert_eq!(row(&checks, "exp").status, CheckStatus::Pass);
        assert!(
            row(&checks, "exp")
                .reason
                .contains("within the 60 s leeway")
        );
        // A fractional NumericDate is a time; a string is a type error, not "absent".
        let checks = checks_with(|claims| {
            claims.insert("exp".to_owned(), json!(1.0e12));
        });
        assert_eq!(row(&checks, "exp").status, CheckStatus::Pass);
        let checks = checks_with(|claims| {
            claims.insert("exp".to_owned(), json!("1795391406"));
        });
        assert_eq!(row(&checks, "exp").code, Some("JWT_CLAIM_TYPE"));
        let checks = checks_with(|claims| {
            claims.remove("exp");
        });
        assert_eq!(row(&checks, "exp").code, Some("IDT_EXP_MISSING"));
    }

    #[test]
    fn iat_in_the_future_or_too_old() {
        let checks = checks_with(|claims| {
            claims.insert("iat".to_owned(), json!(NOW + 120));
        });
        let iat = row(&checks, "iat");
        assert_eq!(iat.code, Some("IDT_IAT_FUTURE"));
        assert!(
            iat.reason
                .starts_with("iat is 2 min in the future (2026-11-22T22:52:06Z)"),
            "{}",
            iat.reason
        );
        let checks = checks_with(|claims| {
            claims.insert("iat".to_owned(), json!(NOW - 3 * 86_400));
        });
        assert_eq!(row(&checks, "iat").code, Some("IDT_IAT_OLD"));
        assert!(row(&checks, "iat").reason.starts_with("issued 3 d 0 h ago"));
        let checks = checks_with(|claims| {
            claims.remove("iat");
        });
        assert_eq!(row(&checks, "iat").code, Some("IDT_IAT_MISSING"));
        let checks = checks_with(|claims| {
            claims.insert("nbf".to_owned(), json!(NOW + 600));
        });
        assert_eq!(row(&checks, "nbf").code, Some("IDT_NBF_FUTURE"));
    }

    #[test]
    fn missing_and_wrong_nonce() {
        let checks = checks_with(|claims| {
            claims.remove("nonce");
        });
        let nonce = row(&checks, "nonce");
        assert_eq!(nonce.code, Some("IDT_NONCE_MISSING"));
        assert_eq!(
            nonce.reason,
            "the request sent nonce n-1 but the token has no nonce"
        );
        let checks = checks_with(|claims| {
            claims.insert("nonce".to_owned(), json!("n-11"));
        });
        let nonce = row(&checks, "nonce");
        assert_eq!(nonce.code, Some("IDT_NONCE_MISMATCH"));
        assert_eq!(nonce.reason, "nonce is n-11 but the request sent n-1");
        // No nonce expected: not applicable either way.
        let expect = Expectations {
            nonce: None,
            ..expectations()
        };
        let checks = checks_with_expect(|_| {}, &expect);
        assert_eq!(row(&checks, "nonce").status, CheckStatus::NotApplicable);
    }

    #[test]
    fn wrong_at_hash() {
        let checks = checks_with(|claims| {
            claims.insert("at_hash".to_owned(), json!("AAAAAAAAAAAAAAAAAAAAAA"));
        });
        let at_hash = row(&checks, "at_hash");
        assert_eq!(at_hash.code, Some("IDT_AT_HASH_MISMATCH"));
        let right = half_hash("HS256", None, ACCESS_TOKEN).unwrap().value;
        assert_eq!(
            at_hash.reason,
            format!(
                "at_hash is AAAAAAAAAAAAAAAAAAAAAA but the access token hashes to {right} (left half of SHA-256)"
            )
        );
        // c_hash over the code, checked the same way.
        let expect = Expectations {
            code: Some("SplxlOBeZQQYbYS6WxSbIA".to_owned()),
            ..expectations()
        };
        let checks = checks_with_expect(
            |claims| {
                claims.insert("c_hash".to_owned(), json!("wrong"));
            },
            &expect,
        );
        assert_eq!(row(&checks, "c_hash").code, Some("IDT_C_HASH_MISMATCH"));
    }

    #[test]
    fn unknown_hash_alg_fails_closed() {
        let claims = good_claims();
        let checks = id_token_checks(
            claims.as_object().unwrap(),
            json!({"alg": "CUSTOM"}).as_object().unwrap(),
            &SignatureOutcome::Unsupported {
                alg: "CUSTOM".to_owned(),
                notes: Vec::new(),
            },
            &expectations(),
            Timestamp::from_unix(NOW),
        );
        let at_hash = row(&checks, "at_hash");
        assert_eq!(at_hash.code, Some("HASH_ALG_UNKNOWN"));
        assert_eq!(row(&checks, "signature").code, Some("JWS_ALG_UNSUPPORTED"));
    }

    #[test]
    fn half_hash_vectors() {
        // panva/oidc-token-hash test vectors, recomputed in the reliability research (§4.3).
        let cases = [
            (
                "HS256",
                "YmJiZTAwYmYtMzgyOC00NzhkLTkyOTItNjJjNDM3MGYzOWIy9sFhvH8K_x8UIHj1osisS57f5DduL-ar_qw5jl3lthwpMjm283aVMQXDmoqqqydDSqJfbhptzw8rUVwkuQbolw",
                "x7vk7f6BvQj0jQHYFIk4ag",
            ),
            (
                "RS384",
                "NjlkNjk2ZGUtZWQ1YS00MmQ3LWExOGUtMjNiYTY2MDU4YjJhYmJls2NqVk9DX1z2vDl4MZMeF2XLfMwiXWmRYzUL0t_IY1nWFp6Moeu2GVmBoT_d0Acl4upDyfdGRjeR-ZIsUQ",
                "rEF91trffQGMQVyqcnZvwddyQGLs6GTF",
            ),
            (
                "ES512",
                "N2IwZmM5Y2YtZWJiYS00ZjA5LTkyZTktZTc0MjY5NDlmZDUwv7m2UfVNLyXYhcEicgYZ5LsQbZ7huJNibUjqAmPAWhyyxWRgXdZp4iTl2lE2ezdC3W-x93gkIg00rNok1MYgqA",
                "HgIOjpEKMhvtwzZvjUdUmMYayc0gOvaxkZEsautS1KM",
            ),
        ];
        for (alg, token, expected) in cases {
            assert_eq!(
                half_hash(alg, None, token).unwrap().value,
                expected,
                "{alg}"
            );
        }
        // Ed25519 uses SHA-512; the wrong hash size for the alg does not match.
        assert_eq!(half_hash("EdDSA", None, "x").unwrap().hash, "SHA-512");
        assert_ne!(
            half_hash("RS256", None, cases[1].1).unwrap().value,
            cases[1].2
        );
        assert!(half_hash("none", None, "x").is_err());
        assert!(half_hash("RS1", None, "x").is_err());
    }

    #[test]
    fn auth_time_acr_and_typ() {
        let expect = Expectations {
            max_age: Some(60),
            acr_values: vec!["loa-3".to_owned(), "loa-4".to_owned()],
            ..expectations()
        };
        let checks = checks_with_expect(
            |claims| {
                claims.insert("auth_time".to_owned(), json!(NOW - 3600));
                claims.insert("acr".to_owned(), json!("loa-2"));
            },
            &expect,
        );
        assert_eq!(
            row(&checks, "auth_time").code,
            Some("IDT_AUTH_TIME_TOO_OLD")
        );
        assert_eq!(
            row(&checks, "acr").reason,
            "acr is loa-2 but the request asked for loa-3, loa-4"
        );
        let checks = checks_with_expect(
            |claims| {
                claims.remove("auth_time");
                claims.insert("acr".to_owned(), json!("loa-3"));
            },
            &expect,
        );
        assert_eq!(
            row(&checks, "auth_time").code,
            Some("IDT_AUTH_TIME_MISSING")
        );
        assert_eq!(row(&checks, "acr").status, CheckStatus::Pass);
        // An access token presented as an ID token.
        let token = sign(&json!({"alg": "HS256", "typ": "at+jwt"}), &good_claims());
        let checks = run(&token, &KeySet::hmac(SECRET, "test"), &expectations());
        assert_eq!(row(&checks, "typ").code, Some("JWT_TYP_MISMATCH"));
    }

    #[test]
    fn bad_signature_fails_the_signature_row() {
        let token = sign(&json!({"alg": "HS256"}), &good_claims());
        let checks = run(
            &token,
            &KeySet::hmac(b"a different secret, 32 bytes....", "x"),
            &expectations(),
        );
        let signature = row(&checks, "signature");
        assert_eq!(signature.code, Some("JWS_SIG_INVALID"));
        assert!(signature.reason.starts_with("invalid: "));
        let none = format!(
            "{}.{}.",
            encode_segment(br#"{"alg":"none"}"#),
            encode_segment(good_claims().to_string().as_bytes())
        );
        let checks = run(&none, &KeySet::hmac(SECRET, "x"), &expectations());
        assert_eq!(row(&checks, "signature").code, Some("JWS_ALG_NONE"));
    }

    #[test]
    fn access_token_checks_rfc9068() {
        let claims = json!({
            "iss": ISSUER, "exp": NOW + 300, "aud": "https://api.example.test",
            "sub": "user-1", "client_id": CLIENT, "iat": NOW - 5, "jti": "j-1",
            "scope": "openid profile",
        });
        let token = sign(&json!({"alg": "HS256", "typ": "at+jwt"}), &claims);
        let Decoded::Jws(jws) = decode_unverified(&token).unwrap() else {
            panic!("a JWS")
        };
        let outcome = verify_signature(&jws, &KeySet::hmac(SECRET, "x"));
        let expect = Expectations {
            audience: Some("https://api.example.test".to_owned()),
            ..expectations()
        };
        let checks = access_token_checks(
            claims.as_object().unwrap(),
            &jws.header,
            &outcome,
            &expect,
            Timestamp::from_unix(NOW),
        );
        assert!(all_passed(&checks), "{:#?}", failures(&checks));
        // Keycloak's access token is a JWT but not an RFC 9068 one.
        let Decoded::Jws(jws) =
            decode_unverified(&field(KEYCLOAK_RESPONSE, "access_token")).unwrap()
        else {
            panic!("a JWS")
        };
        let outcome = verify_signature(&jws, &KeySet::from_jwks_json(KEYCLOAK_JWKS, "kc"));
        let crate::token::jose::JwsPayload::Claims(claims) = &jws.payload else {
            panic!("claims")
        };
        let expect = Expectations {
            issuer: expected()["keycloak"]["issuer"].as_str().map(str::to_owned),
            client_id: Some("fe-client".to_owned()),
            ..Expectations::default()
        };
        let checks = access_token_checks(claims, &jws.header, &outcome, &expect, now());
        assert_eq!(
            failures(&checks),
            [
                (
                    "typ",
                    "typ is JWT; an RFC 9068 access token must be typed at+jwt, so this is not one"
                ),
                ("client_id", "no client_id claim"),
            ]
        );
    }

    #[test]
    fn userinfo_sub_must_match() {
        let userinfo = json!({"sub": "user-1invalid", "email": "a@example.test"});
        let checks = userinfo_checks(userinfo.as_object().unwrap(), Some("user-1"), None);
        assert_eq!(checks[0].code, Some("UI_SUB_MISMATCH"));
        assert_eq!(
            checks[0].reason,
            "UserInfo sub is user-1invalid but the ID token's sub is user-1: the UserInfo claims must not be used"
        );
        assert_eq!(checks[1].status, CheckStatus::NotApplicable);
        let checks = userinfo_checks(
            json!({"email": "x"}).as_object().unwrap(),
            Some("user-1"),
            None,
        );
        assert_eq!(checks[0].code, Some("UI_SUB_MISSING"));
        // Sber's signed user-info: same sub as its ID token.
        let Decoded::Jws(userinfo) = decode_unverified(SBER_USERINFO.trim()).unwrap() else {
            panic!("a JWS")
        };
        let Decoded::Jws(id_token) = decode_unverified(&field(SBER_RESPONSE, "id_token")).unwrap()
        else {
            panic!("a JWS")
        };
        let keys = KeySet::from_pem(SBER_CERT, "sber");
        let outcome = verify_signature(&userinfo, &keys);
        let sub = id_token
            .payload_text
            .contains("c6c289e49e9c05b2145860387b73bcb18df43fb09a1e4a4a9713c76c88bb541b");
        assert!(sub);
        let crate::token::jose::JwsPayload::Claims(claims) = &userinfo.payload else {
            panic!("claims")
        };
        let checks = userinfo_checks(
            claims,
            Some("c6c289e49e9c05b2145860387b73bcb18df43fb09a1e4a4a9713c76c88bb541b"),
            Some(&outcome),
        );
        assert_eq!(checks[0].status, CheckStatus::Pass);
        assert_eq!(checks[1].is_fail(), keys.is_empty());
    }

    #[test]
    fn json_shape_and_redacted_debug() {
        let checks = checks_with(|_| {});
        let json = serde_json::to_value(&checks).unwrap();
        assert_eq!(json[0]["name"], "signature");
        assert_eq!(json[0]["status"], "pass");
        let nbf = json
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "nbf")
            .unwrap();
        assert_eq!(nbf["status"], "not_applicable");
        assert_eq!(nbf["spec"], "RFC 7519 §4.1.5");
        let debug = format!("{:?}", expectations());
        assert!(!debug.contains(ACCESS_TOKEN));
        assert!(debug.contains("access_token: \"[set]\""));
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(45), "45 s");
        assert_eq!(duration(-600), "10 min");
        assert_eq!(duration(3 * 3600 + 300), "3 h 5 min");
        assert_eq!(duration(2 * 86_400 + 4 * 3600), "2 d 4 h");
    }

    /// Speaks Russian in this test thread until dropped, even when the test panics.
    struct Russian;

    impl Russian {
        fn speak() -> Self {
            crate::i18n::set_language(crate::i18n::Language::Ru);
            Self
        }
    }

    impl Drop for Russian {
        fn drop(&mut self) {
            crate::i18n::set_language(crate::i18n::Language::En);
        }
    }

    #[test]
    fn failing_checks_read_in_russian_with_codes_and_specs_untouched() {
        let _russian = Russian::speak();
        let checks = checks_with(|claims| {
            claims.insert("iss".to_owned(), json!(format!("{ISSUER}/")));
        });
        let iss = row(&checks, "iss");
        assert_eq!(iss.code, Some("IDT_ISS_MISMATCH"));
        assert_eq!(iss.spec, "OIDC Core 1.0 §3.1.3.7 step 2");
        assert_eq!(
            iss.reason,
            format!(
                "iss = {ISSUER}/, а этот профиль ожидает {ISSUER} (разница только в завершающей косой черте; издатель сравнивается посимвольно)"
            )
        );
        let checks = checks_with(|claims| {
            claims.insert("exp".to_owned(), json!(NOW - 3600));
        });
        assert_eq!(
            row(&checks, "exp").reason,
            "истёк 2026-11-22T21:50:06Z (60 мин назад; допуск 60 с)"
        );
        // Plural forms follow the count: 3 получателя, 5 получателей.
        let checks = checks_with(|claims| {
            claims.insert("aud".to_owned(), json!([CLIENT, "a", "b"]));
        });
        assert_eq!(
            row(&checks, "azp").reason,
            "в aud 3 получателя (demo-client, a, b), но нет azp, который назвал бы клиента, получившего токен"
        );
        let checks = checks_with(|claims| {
            claims.insert("aud".to_owned(), json!([CLIENT, "a", "b", "c", "d"]));
        });
        assert!(
            row(&checks, "azp")
                .reason
                .starts_with("в aud 5 получателей")
        );
        let checks = checks_with(|claims| {
            claims.insert("sub".to_owned(), json!("x".repeat(256)));
        });
        assert_eq!(
            row(&checks, "sub").reason,
            "длина sub — 256 символов; допускается не больше 255"
        );
        // JSON types are named in Russian; claim names stay as they are.
        let checks = checks_with(|claims| {
            claims.insert("aud".to_owned(), json!({"x": 1}));
        });
        assert_eq!(
            row(&checks, "aud").reason,
            "aud имеет тип «объект», а должен быть строкой или массивом строк"
        );
        let checks = checks_with(|claims| {
            claims.remove("nonce");
        });
        assert_eq!(
            row(&checks, "nonce").reason,
            "в запросе был отправлен nonce n-1, а в токене nonce нет"
        );
    }

    #[test]
    fn signature_outcomes_read_in_russian() {
        let _russian = Russian::speak();
        let Decoded::Jws(jws) = decode_unverified(&field(KEYCLOAK_RESPONSE, "id_token")).unwrap()
        else {
            panic!("a JWS")
        };
        let keys = KeySet::from_jwks_json(KEYCLOAK_JWKS, "keycloak-jwks.json");
        let outcome = verify_signature(&jws, &keys);
        assert_eq!(outcome.summary(), "верна (RS256, ключ kc-rsa-1)");
        assert_eq!(outcome.code(), None);
        // A failing signature: the code stays, the words are Russian.
        let token = sign(&json!({"alg": "HS256"}), &good_claims());
        let checks = run(
            &token,
            &KeySet::hmac(b"a different secret, 32 bytes....", "x"),
            &expectations(),
        );
        let signature = row(&checks, "signature");
        assert_eq!(signature.code, Some("JWS_SIG_INVALID"));
        assert_eq!(
            signature.reason,
            "неверна: подпись не подтверждается ключом HMAC, 256 бит (общий секрет x) (HMAC, 256 бит): MAC не совпадает"
        );
        let at_hash = checks_with(|_| {});
        assert_eq!(
            row(&at_hash, "at_hash").reason,
            "at_hash совпадает с хешем токена доступа (левая половина SHA-256)"
        );
    }

    #[test]
    fn a_refreshed_id_token_keeps_iss_sub_aud_and_has_no_other_nonce() {
        let object = |json: &str| match serde_json::from_str::<Value>(json) {
            Ok(Value::Object(map)) => map,
            _ => panic!("not an object: {json}"),
        };
        let original = object(
            r#"{"iss":"https://op","sub":"Анна","aud":"c1","azp":"c1","auth_time":1,"nonce":"n-1"}"#,
        );
        let same =
            object(r#"{"iss":"https://op","sub":"Анна","aud":"c1","azp":"c1","auth_time":1}"#);
        assert!(all_passed(&refreshed_id_token_checks(&same, &original)));
        let moved = object(
            r#"{"iss":"https://op","sub":"Иван","aud":"c1","azp":"c1","auth_time":1,"nonce":"n-2"}"#,
        );
        let failed: Vec<&str> = refreshed_id_token_checks(&moved, &original)
            .iter()
            .filter(|row| row.is_fail())
            .map(|row| row.name)
            .collect();
        assert_eq!(failed, ["refresh_sub", "refresh_nonce"]);
    }
}
