//! Named conformance check sets: "FAPI 2.0" (FAPI 2.0 Security Profile,
//! final, February 2025), "FAPI 2.0 Message Signing" (its optional signing
//! part) and "ФАПИ.СЕК" (the same rules as adopted by СТО БР
//! ФАПИ.СЕК-1.6-2024, with GOST R 34.10-2012 signatures allowed).
//!
//! The sets are data: `assets/conformance/fapi.toml`, embedded and parsed
//! once. Each rule names its source (spec and section) and one of the
//! predicates below ([`Check`]) over a profile and, when discovery has run,
//! the provider's metadata. [`evaluate`] runs a set; every rule comes out
//! as pass, fail, not applicable (e.g. no authorization request for a
//! client-credentials profile) or unknown (e.g. metadata not fetched yet),
//! with a one-line reason in the thread's language.
//!
//! Metadata is hostile input: wrong types read as absent, long lists and
//! values are cut before they reach a reason, nothing indexes or slices.

#![deny(clippy::string_slice, clippy::indexing_slicing)]

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::discovery::ProviderMetadata;
use super::profile::{AssertionAudience, ClientAuth, Grant, PkceMode, Profile, RequestKind};

/// The check sets, as shipped.
const SETS_TOML: &str = include_str!("../../assets/conformance/fapi.toml");

/// The predicate a rule runs. Each is documented with what it reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    /// PAR (RFC 9126) is on in the profile, or the metadata says the
    /// provider requires it (`require_pushed_authorization_requests`, §5).
    /// Authorization code only.
    Par,
    /// PKCE with `S256` (RFC 7636 §4.2), and the metadata, when it lists
    /// `code_challenge_methods_supported`, lists `S256`.
    PkceS256,
    /// DPoP (RFC 9449; the metadata, when known, lists
    /// `dpop_signing_alg_values_supported`, §5.1) or a client certificate
    /// with certificate-bound tokens (RFC 8705 §3.3,
    /// `tls_client_certificate_bound_access_tokens`).
    SenderConstrained,
    /// The metadata says `authorization_response_iss_parameter_supported`
    /// (RFC 9207 §3). Unknown before discovery.
    IssResponse,
    /// The client assertion's `alg` and, when known, an ID token algorithm
    /// the provider offers (`id_token_signing_alg_values_supported`) are
    /// among the rule's `algorithms`.
    SigningAlgorithms,
    /// `private_key_jwt` or `tls_client_auth`, listed by the metadata's
    /// `token_endpoint_auth_methods_supported` when it has that list.
    ClientAuthentication,
    /// The default grant is not `password`, and no `response_type` other
    /// than `code` is set in the authorization request's extra parameters.
    NoImplicitOrPassword,
    /// With `private_key_jwt`, the assertion's `aud` is the issuer.
    AssertionAudience,
    /// `response_mode` is not `fragment`, nor `query` with an implicit
    /// `response_type`, and is listed in `response_modes_supported` when
    /// the metadata has that list.
    ResponseMode,
    /// Signed request objects (RFC 9101) are on; the metadata, when it lists
    /// `request_object_signing_alg_values_supported`, offers one of the
    /// rule's `algorithms`.
    RequestObject,
    /// `response_mode` asks for a JWT-secured response (JARM: ends in
    /// `jwt`); the metadata, when it lists them, offers the mode and one of
    /// the rule's `algorithms` in `authorization_signing_alg_values_supported`.
    Jarm,
}

/// One rule of a set.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Rule {
    /// Stable id (`par`, `pkce-s256`, …).
    pub id: String,
    /// The predicate.
    pub check: Check,
    /// Title in English.
    pub title_en: String,
    /// Title in Russian.
    pub title_ru: String,
    /// What it rests on: spec and section.
    pub source: String,
    /// Allowed JWS `alg` values, for the algorithm checks.
    #[serde(default)]
    pub algorithms: Vec<String>,
}

impl Rule {
    /// The title in this thread's language.
    pub fn title(&self) -> &str {
        match crate::i18n::language() {
            crate::i18n::Language::Ru => &self.title_ru,
            crate::i18n::Language::En => &self.title_en,
        }
    }
}

/// A named check set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckSet {
    /// Stable id, kept in the profile's `conformance` field.
    pub id: String,
    /// Name in English.
    pub name_en: String,
    /// Name in Russian.
    pub name_ru: String,
    /// The rules, in order, inherited ones first.
    pub rules: Vec<Rule>,
}

impl CheckSet {
    /// The name in this thread's language.
    pub fn name(&self) -> &str {
        match crate::i18n::language() {
            crate::i18n::Language::Ru => &self.name_ru,
            crate::i18n::Language::En => &self.name_en,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetFile {
    sets: Vec<SetEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetEntry {
    id: String,
    name_en: String,
    name_ru: String,
    #[serde(default)]
    extends: Option<String>,
    #[serde(default)]
    source_suffix: String,
    #[serde(default)]
    rules: Vec<Rule>,
}

/// Reads check sets from TOML (the format of `assets/conformance/fapi.toml`):
/// a set that `extends` another (defined before it) takes its rules, their
/// sources with `source_suffix` appended; a rule with an inherited id
/// replaces that rule.
pub fn parse_sets(text: &str) -> Result<Vec<CheckSet>, String> {
    let file: SetFile = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut sets: Vec<CheckSet> = Vec::new();
    for entry in file.sets {
        if sets.iter().any(|s| s.id == entry.id) {
            return Err(format!("set {:?} is defined twice", entry.id));
        }
        let mut rules = match &entry.extends {
            Some(parent) => {
                let Some(parent) = sets.iter().find(|s| &s.id == parent) else {
                    return Err(format!(
                        "set {:?} extends {parent:?}, which is not defined before it",
                        entry.id
                    ));
                };
                parent
                    .rules
                    .iter()
                    .map(|rule| Rule {
                        source: format!("{}{}", rule.source, entry.source_suffix),
                        ..rule.clone()
                    })
                    .collect()
            }
            None => Vec::new(),
        };
        for rule in entry.rules {
            match rules.iter_mut().find(|r| r.id == rule.id) {
                Some(slot) => *slot = rule,
                None => rules.push(rule),
            }
        }
        sets.push(CheckSet {
            id: entry.id,
            name_en: entry.name_en,
            name_ru: entry.name_ru,
            rules,
        });
    }
    Ok(sets)
}

/// The shipped check sets (empty if the embedded file did not parse; a test
/// makes sure it does).
pub fn sets() -> &'static [CheckSet] {
    static SETS: OnceLock<Vec<CheckSet>> = OnceLock::new();
    SETS.get_or_init(|| parse_sets(SETS_TOML).unwrap_or_default())
}

/// A shipped set by id.
pub fn find(id: &str) -> Option<&'static CheckSet> {
    sets().iter().find(|s| s.id == id)
}

/// How a rule came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The profile (and the provider, when known) meet it.
    Pass,
    /// They do not; the reason says why.
    Fail,
    /// It does not apply to this profile (e.g. no authorization request).
    NotApplicable,
    /// Not known yet: it needs the provider's metadata.
    Unknown,
}

/// One rule's result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleResult {
    /// The rule's id.
    pub id: String,
    /// Its title in this thread's language.
    pub title: String,
    /// What it rests on.
    pub source: String,
    /// How it came out.
    pub outcome: Outcome,
    /// One line, in this thread's language.
    pub reason: String,
}

/// Runs every rule of `set` over `profile` and, when discovery has run,
/// the provider's `metadata`.
pub fn evaluate(
    set: &CheckSet,
    profile: &Profile,
    metadata: Option<&ProviderMetadata>,
) -> Vec<RuleResult> {
    set.rules
        .iter()
        .map(|rule| {
            let (outcome, reason) = run(rule, profile, metadata);
            RuleResult {
                id: rule.id.clone(),
                title: rule.title().to_owned(),
                source: rule.source.clone(),
                outcome,
                reason,
            }
        })
        .collect()
}

/// A rule as reported by `tokenscope profiles list --json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReportedRule {
    /// The rule's id.
    pub id: String,
    /// What it rests on.
    pub source: String,
    /// Why, in the thread's language.
    pub reason: String,
}

/// A profile's standing against its set, counted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// The set's id.
    pub set: String,
    /// Rules passed.
    pub passed: usize,
    /// Rules that apply (passed, failed and unknown).
    pub total: usize,
    /// The failing rules.
    pub failed: Vec<ReportedRule>,
    /// Rules not known yet (they need the provider's metadata).
    pub unknown: Vec<ReportedRule>,
}

impl Summary {
    /// Counts `results` of the set `set`.
    pub fn of(set: &str, results: &[RuleResult]) -> Self {
        let pick = |outcome: Outcome| -> Vec<ReportedRule> {
            results
                .iter()
                .filter(|r| r.outcome == outcome)
                .map(|r| ReportedRule {
                    id: r.id.clone(),
                    source: r.source.clone(),
                    reason: r.reason.clone(),
                })
                .collect()
        };
        let passed = results
            .iter()
            .filter(|r| r.outcome == Outcome::Pass)
            .count();
        let failed = pick(Outcome::Fail);
        let unknown = pick(Outcome::Unknown);
        Self {
            set: set.to_owned(),
            passed,
            total: passed
                .saturating_add(failed.len())
                .saturating_add(unknown.len()),
            failed,
            unknown,
        }
    }

    /// The profile's set, run without metadata (headless: no network);
    /// `None` when the profile names no set or one that does not exist.
    pub fn of_profile(profile: &Profile) -> Option<Self> {
        let set = find(profile.conformance.as_deref()?)?;
        Some(Self::of(&set.id, &evaluate(set, profile, None)))
    }
}

/// At most this many items of a metadata list go into a reason.
const SHOWN_ITEMS: usize = 6;
/// At most this many characters of a metadata value go into a reason.
const SHOWN_CHARS: usize = 40;

/// A metadata value as shown in a reason: cut, control characters dropped.
fn shown(value: &str) -> String {
    let mut out: String = value
        .chars()
        .filter(|c| !c.is_control())
        .take(SHOWN_CHARS)
        .collect();
    if value
        .chars()
        .filter(|c| !c.is_control())
        .nth(SHOWN_CHARS)
        .is_some()
    {
        out.push('…');
    }
    out
}

/// A metadata list as shown in a reason: the first items, then how many more.
fn shown_list(items: &[&str]) -> String {
    let mut out: Vec<String> = items.iter().take(SHOWN_ITEMS).map(|s| shown(s)).collect();
    if items.len() > SHOWN_ITEMS {
        out.push(format!("… (+{})", items.len().saturating_sub(SHOWN_ITEMS)));
    }
    if out.is_empty() {
        "—".to_owned()
    } else {
        out.join(", ")
    }
}

/// The `response_type` set in the authorization request's extra parameters.
fn extra_response_type(profile: &Profile) -> Option<&str> {
    profile
        .params_for(RequestKind::Authorize)
        .find(|p| p.name.trim() == "response_type")
        .map(|p| p.value.trim())
}

/// Whether a `response_type` asks for a token in the front channel.
fn is_implicit(response_type: &str) -> bool {
    response_type
        .split_whitespace()
        .any(|t| t == "token" || t == "id_token")
}

fn not_code(profile: &Profile) -> Option<(Outcome, String)> {
    (profile.default_grant != Grant::AuthorizationCode).then(|| {
        (
            Outcome::NotApplicable,
            crate::tr!(
                "fapi-no-authorization-request",
                grant = shown(profile.default_grant.grant_type())
            ),
        )
    })
}

fn run(rule: &Rule, profile: &Profile, metadata: Option<&ProviderMetadata>) -> (Outcome, String) {
    let allowed: Vec<&str> = rule.algorithms.iter().map(String::as_str).collect();
    match rule.check {
        Check::Par => not_code(profile).unwrap_or_else(|| par(profile, metadata)),
        Check::PkceS256 => not_code(profile).unwrap_or_else(|| pkce(profile, metadata)),
        Check::SenderConstrained => sender_constrained(profile, metadata),
        Check::IssResponse => not_code(profile).unwrap_or_else(|| iss_response(metadata)),
        Check::SigningAlgorithms => signing_algorithms(profile, metadata, &allowed),
        Check::ClientAuthentication => client_authentication(profile, metadata),
        Check::NoImplicitOrPassword => no_implicit_or_password(profile),
        Check::AssertionAudience => assertion_audience(profile),
        Check::ResponseMode => {
            not_code(profile).unwrap_or_else(|| response_mode(profile, metadata))
        }
        Check::RequestObject => {
            not_code(profile).unwrap_or_else(|| request_object(profile, metadata, &allowed))
        }
        Check::Jarm => not_code(profile).unwrap_or_else(|| jarm(profile, metadata, &allowed)),
    }
}

fn par(profile: &Profile, metadata: Option<&ProviderMetadata>) -> (Outcome, String) {
    let required = metadata.and_then(|m| m.flag("require_pushed_authorization_requests"));
    if profile.par {
        let endpoint_known = !profile
            .endpoints
            .pushed_authorization_request
            .trim()
            .is_empty()
            || metadata
                .and_then(|m| m.str("pushed_authorization_request_endpoint"))
                .is_some_and(|e| !e.trim().is_empty());
        if metadata.is_some() && !endpoint_known {
            return (Outcome::Fail, crate::tr!("fapi-par-no-endpoint"));
        }
        return (Outcome::Pass, crate::tr!("fapi-par-on"));
    }
    if required == Some(true) {
        return (Outcome::Pass, crate::tr!("fapi-par-required"));
    }
    (Outcome::Fail, crate::tr!("fapi-par-off"))
}

fn pkce(profile: &Profile, metadata: Option<&ProviderMetadata>) -> (Outcome, String) {
    if profile.pkce != PkceMode::S256 {
        return (
            Outcome::Fail,
            crate::tr!("fapi-pkce-not-s256", mode = profile.pkce.as_str()),
        );
    }
    if let Some(methods) = metadata.and_then(|m| m.list("code_challenge_methods_supported"))
        && !methods.contains(&"S256")
    {
        return (
            Outcome::Fail,
            crate::tr!("fapi-pkce-unlisted", listed = shown_list(&methods)),
        );
    }
    (Outcome::Pass, crate::tr!("fapi-pkce-s256"))
}

fn sender_constrained(profile: &Profile, metadata: Option<&ProviderMetadata>) -> (Outcome, String) {
    if profile.dpop {
        return match metadata {
            Some(m) if m.list("dpop_signing_alg_values_supported").is_none() => {
                (Outcome::Fail, crate::tr!("fapi-dpop-not-offered"))
            }
            _ => (Outcome::Pass, crate::tr!("fapi-dpop-on")),
        };
    }
    let mtls =
        profile.client_auth == ClientAuth::TlsClientAuth || profile.tls.has_client_certificate();
    if mtls {
        return match metadata.map(|m| m.flag("tls_client_certificate_bound_access_tokens")) {
            None => (Outcome::Unknown, crate::tr!("fapi-mtls-bound-unknown")),
            Some(Some(true)) => (Outcome::Pass, crate::tr!("fapi-mtls-bound")),
            Some(_) => (Outcome::Fail, crate::tr!("fapi-mtls-not-bound")),
        };
    }
    (Outcome::Fail, crate::tr!("fapi-bearer-tokens"))
}

fn iss_response(metadata: Option<&ProviderMetadata>) -> (Outcome, String) {
    match metadata {
        None => (Outcome::Unknown, crate::tr!("fapi-needs-discovery")),
        Some(m) if m.iss_parameter_supported() => (Outcome::Pass, crate::tr!("fapi-iss-supported")),
        Some(_) => (Outcome::Fail, crate::tr!("fapi-iss-not-supported")),
    }
}

/// Worst first: a failing part fails the rule, an unknown one makes it
/// unknown. No parts: unknown before discovery, else nothing to check.
fn combine(parts: Vec<(Outcome, String)>, discovered: bool) -> (Outcome, String) {
    let worst = [Outcome::Fail, Outcome::Unknown, Outcome::Pass]
        .into_iter()
        .find(|o| parts.iter().any(|(p, _)| p == o));
    match worst {
        Some(outcome) => (
            outcome,
            parts
                .into_iter()
                .filter(|(p, _)| *p == outcome)
                .map(|(_, reason)| reason)
                .collect::<Vec<_>>()
                .join("; "),
        ),
        None if discovered => (Outcome::NotApplicable, crate::tr!("fapi-alg-nothing")),
        None => (Outcome::Unknown, crate::tr!("fapi-needs-discovery")),
    }
}

fn signing_algorithms(
    profile: &Profile,
    metadata: Option<&ProviderMetadata>,
    allowed: &[&str],
) -> (Outcome, String) {
    let allowed_text = allowed.join(", ");
    let mut parts = Vec::new();
    match profile.client_auth {
        ClientAuth::ClientSecretJwt => parts.push((
            Outcome::Fail,
            crate::tr!("fapi-alg-hmac", allowed = allowed_text.as_str()),
        )),
        ClientAuth::PrivateKeyJwt => {
            let alg = profile.client_assertion.algorithm.trim();
            if alg.is_empty() {
                parts.push((
                    Outcome::Unknown,
                    crate::tr!("fapi-alg-from-key", allowed = allowed_text.as_str()),
                ));
            } else if allowed.contains(&alg) {
                parts.push((
                    Outcome::Pass,
                    crate::tr!("fapi-alg-assertion-ok", alg = shown(alg)),
                ));
            } else {
                parts.push((
                    Outcome::Fail,
                    crate::tr!(
                        "fapi-alg-assertion-bad",
                        alg = shown(alg),
                        allowed = allowed_text.as_str()
                    ),
                ));
            }
        }
        _ => {}
    }
    if let Some(listed) = metadata.and_then(|m| m.list("id_token_signing_alg_values_supported")) {
        match listed.iter().find(|a| allowed.contains(a)) {
            Some(alg) => parts.push((
                Outcome::Pass,
                crate::tr!("fapi-alg-id-token-ok", alg = shown(alg)),
            )),
            None => parts.push((
                Outcome::Fail,
                crate::tr!(
                    "fapi-alg-id-token-bad",
                    listed = shown_list(&listed),
                    allowed = allowed_text.as_str()
                ),
            )),
        }
    }
    combine(parts, metadata.is_some())
}

fn client_authentication(
    profile: &Profile,
    metadata: Option<&ProviderMetadata>,
) -> (Outcome, String) {
    let method = profile.client_auth.as_str();
    if !matches!(
        profile.client_auth,
        ClientAuth::PrivateKeyJwt | ClientAuth::TlsClientAuth
    ) {
        return (
            Outcome::Fail,
            crate::tr!("fapi-client-auth-weak", method = method),
        );
    }
    if let Some(listed) = metadata.and_then(|m| m.list("token_endpoint_auth_methods_supported"))
        && !listed.contains(&method)
    {
        return (
            Outcome::Fail,
            crate::tr!(
                "fapi-client-auth-unlisted",
                method = method,
                listed = shown_list(&listed)
            ),
        );
    }
    (
        Outcome::Pass,
        crate::tr!("fapi-client-auth-ok", method = method),
    )
}

fn no_implicit_or_password(profile: &Profile) -> (Outcome, String) {
    if profile.default_grant == Grant::Password {
        return (Outcome::Fail, crate::tr!("fapi-password-grant"));
    }
    if let Some(response_type) = extra_response_type(profile)
        && response_type != "code"
    {
        return (
            Outcome::Fail,
            crate::tr!("fapi-response-type", value = shown(response_type)),
        );
    }
    (Outcome::Pass, crate::tr!("fapi-code-only"))
}

fn assertion_audience(profile: &Profile) -> (Outcome, String) {
    if profile.client_auth != ClientAuth::PrivateKeyJwt {
        return (
            Outcome::NotApplicable,
            crate::tr!("fapi-no-assertion", method = profile.client_auth.as_str()),
        );
    }
    let issuer = profile.issuer.trim();
    match &profile.client_assertion.audience {
        AssertionAudience::Issuer => (Outcome::Pass, crate::tr!("fapi-aud-issuer")),
        AssertionAudience::Custom(value) if !issuer.is_empty() && value.trim() == issuer => {
            (Outcome::Pass, crate::tr!("fapi-aud-issuer"))
        }
        AssertionAudience::Custom(value) => (
            Outcome::Fail,
            crate::tr!("fapi-aud-custom", value = shown(value)),
        ),
        AssertionAudience::TokenEndpoint => (Outcome::Fail, crate::tr!("fapi-aud-token-endpoint")),
    }
}

fn response_mode(profile: &Profile, metadata: Option<&ProviderMetadata>) -> (Outcome, String) {
    let mode = profile.response_mode.trim();
    let implicit = extra_response_type(profile).is_some_and(is_implicit);
    if mode == "fragment" {
        return (Outcome::Fail, crate::tr!("fapi-mode-fragment"));
    }
    if mode == "query" && implicit {
        return (Outcome::Fail, crate::tr!("fapi-mode-query-implicit"));
    }
    if !mode.is_empty()
        && let Some(listed) = metadata.and_then(|m| m.list("response_modes_supported"))
        && !listed.contains(&mode)
    {
        return (
            Outcome::Fail,
            crate::tr!(
                "fapi-mode-unlisted",
                mode = shown(mode),
                listed = shown_list(&listed)
            ),
        );
    }
    let shown_mode = if mode.is_empty() {
        crate::tr!("fapi-mode-default")
    } else {
        shown(mode)
    };
    (Outcome::Pass, crate::tr!("fapi-mode-ok", mode = shown_mode))
}

/// Whether the metadata's `member`, when listed, offers one of `allowed`:
/// a failing part when it does not.
fn offered(
    metadata: Option<&ProviderMetadata>,
    member: &'static str,
    allowed: &[&str],
) -> Option<(Outcome, String)> {
    let listed = metadata.and_then(|m| m.list(member))?;
    (!listed.iter().any(|a| allowed.contains(a))).then(|| {
        (
            Outcome::Fail,
            crate::tr!(
                "fapi-alg-not-offered",
                member = member,
                listed = shown_list(&listed),
                allowed = allowed.join(", ")
            ),
        )
    })
}

fn request_object(
    profile: &Profile,
    metadata: Option<&ProviderMetadata>,
    allowed: &[&str],
) -> (Outcome, String) {
    if !profile.request_object {
        return (Outcome::Fail, crate::tr!("fapi-request-object-off"));
    }
    if !profile.par {
        return (Outcome::Fail, crate::tr!("fapi-request-object-no-par"));
    }
    if let Some(failing) = offered(
        metadata,
        "request_object_signing_alg_values_supported",
        allowed,
    ) {
        return failing;
    }
    (Outcome::Pass, crate::tr!("fapi-request-object-on"))
}

fn jarm(
    profile: &Profile,
    metadata: Option<&ProviderMetadata>,
    allowed: &[&str],
) -> (Outcome, String) {
    let mode = profile.response_mode.trim();
    if !mode.ends_with("jwt") {
        let shown_mode = if mode.is_empty() {
            crate::tr!("fapi-mode-default")
        } else {
            shown(mode)
        };
        return (
            Outcome::Fail,
            crate::tr!("fapi-jarm-off", mode = shown_mode),
        );
    }
    if let Some(listed) = metadata.and_then(|m| m.list("response_modes_supported"))
        && !listed.contains(&mode)
    {
        return (
            Outcome::Fail,
            crate::tr!(
                "fapi-mode-unlisted",
                mode = shown(mode),
                listed = shown_list(&listed)
            ),
        );
    }
    if let Some(failing) = offered(
        metadata,
        "authorization_signing_alg_values_supported",
        allowed,
    ) {
        return failing;
    }
    (
        Outcome::Pass,
        crate::tr!("fapi-jarm-on", mode = shown(mode)),
    )
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::oauth::Param;

    const ISSUER: &str = "https://fapi.example.test";

    fn metadata(json: &str) -> ProviderMetadata {
        let Value::Object(document) = serde_json::from_str(json).expect("json") else {
            panic!("object")
        };
        ProviderMetadata {
            document,
            url: format!("{ISSUER}/.well-known/openid-configuration"),
        }
    }

    /// Metadata of a provider that supports everything FAPI 2.0 asks for.
    fn fapi_metadata() -> ProviderMetadata {
        metadata(
            r#"{"issuer":"https://fapi.example.test",
                "authorization_endpoint":"https://fapi.example.test/authorize",
                "token_endpoint":"https://fapi.example.test/token",
                "pushed_authorization_request_endpoint":"https://fapi.example.test/par",
                "require_pushed_authorization_requests":true,
                "code_challenge_methods_supported":["S256"],
                "dpop_signing_alg_values_supported":["PS256","ES256"],
                "tls_client_certificate_bound_access_tokens":true,
                "authorization_response_iss_parameter_supported":true,
                "id_token_signing_alg_values_supported":["RS256","PS256","ES256"],
                "token_endpoint_auth_methods_supported":["private_key_jwt","tls_client_auth"],
                "grant_types_supported":["authorization_code","refresh_token"],
                "response_modes_supported":["query","jwt","query.jwt"],
                "request_object_signing_alg_values_supported":["PS256"],
                "authorization_signing_alg_values_supported":["PS256"]}"#,
        )
    }

    /// The "FAPI 2.0" preset, on `ISSUER`.
    fn fapi_profile() -> Profile {
        crate::oauth::presets::find("fapi2")
            .expect("preset")
            .instantiate(0, &[("issuer".to_owned(), ISSUER.to_owned())])
    }

    fn set(id: &str) -> &'static CheckSet {
        find(id).expect("shipped set")
    }

    fn outcome(
        set_id: &str,
        profile: &Profile,
        metadata: Option<&ProviderMetadata>,
        rule: &str,
    ) -> (Outcome, String) {
        let results = evaluate(set(set_id), profile, metadata);
        let found = results.into_iter().find(|r| r.id == rule).expect("rule");
        (found.outcome, found.reason)
    }

    fn ids_with(results: &[RuleResult], wanted: Outcome) -> Vec<&str> {
        results
            .iter()
            .filter(|r| r.outcome == wanted)
            .map(|r| r.id.as_str())
            .collect()
    }

    #[test]
    fn the_shipped_sets_parse_and_name_their_sources() {
        let ids: Vec<&str> = sets().iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["fapi2", "fapi2-message-signing", "fapi-sek"]);
        let fapi2: Vec<&str> = set("fapi2").rules.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(
            fapi2,
            [
                "par",
                "pkce-s256",
                "sender-constrained",
                "iss-response",
                "signing-algorithms",
                "client-authentication",
                "no-implicit-or-password",
                "assertion-audience",
                "response-mode"
            ]
        );
        let signing = set("fapi2-message-signing");
        assert_eq!(signing.rules.len(), 11);
        assert!(signing.rules.iter().any(|r| r.id == "jarm"));
        for set in sets() {
            for rule in &set.rules {
                assert!(
                    rule.source.contains('§')
                        && !rule.title_en.is_empty()
                        && !rule.title_ru.is_empty(),
                    "{}/{}",
                    set.id,
                    rule.id
                );
            }
        }
        let sek = set("fapi-sek");
        assert!(
            sek.rules
                .iter()
                .all(|r| r.source.contains("as adopted by СТО БР ФАПИ.СЕК-1.6-2024")),
            "every ФАПИ.СЕК rule says what it rests on"
        );
        let algorithms = &sek
            .rules
            .iter()
            .find(|r| r.id == "signing-algorithms")
            .expect("rule")
            .algorithms;
        for gost in crate::oauth::assertion::GOST_ALGS {
            assert!(algorithms.iter().any(|a| a == gost), "{gost}");
        }
    }

    #[test]
    fn bad_set_files_are_errors_not_panics() {
        assert!(parse_sets("sets = 1").is_err());
        assert!(parse_sets("[[sets]]\nid='a'\nname_en='A'\nname_ru='А'\nextends='b'").is_err());
        assert!(
            parse_sets("[[sets]]\nid='a'\nname_en='A'\nname_ru='А'\n[[sets]]\nid='a'\nname_en='A'\nname_ru='А'")
                .is_err()
        );
        assert!(
            parse_sets(
                "[[sets]]\nid='a'\nname_en='A'\nname_ru='А'\n[[sets.rules]]\nid='x'\ncheck='nope'\ntitle_en=''\ntitle_ru=''\nsource=''"
            )
            .is_err()
        );
        assert_eq!(parse_sets("sets = []"), Ok(Vec::new()));
    }

    #[test]
    fn the_fapi_preset_passes_fapi2_with_metadata_that_supports_it() {
        let results = evaluate(set("fapi2"), &fapi_profile(), Some(&fapi_metadata()));
        assert_eq!(
            ids_with(&results, Outcome::Pass).len(),
            results.len(),
            "{results:#?}"
        );
        let summary = Summary::of("fapi2", &results);
        assert_eq!((summary.passed, summary.total), (9, 9));
        assert!(summary.failed.is_empty() && summary.unknown.is_empty());
    }

    #[test]
    fn without_metadata_the_provider_side_is_unknown() {
        let results = evaluate(set("fapi2"), &fapi_profile(), None);
        assert_eq!(ids_with(&results, Outcome::Unknown), ["iss-response"]);
        assert!(ids_with(&results, Outcome::Fail).is_empty(), "{results:#?}");
        let summary = Summary::of_profile(&fapi_profile()).expect("set");
        assert_eq!((summary.passed, summary.total), (8, 9));
    }

    #[test]
    fn a_plain_keycloak_profile_fails_the_expected_rules() {
        let profile = crate::oauth::presets::find("keycloak")
            .expect("preset")
            .instantiate(0, &[]);
        let results = evaluate(set("fapi2"), &profile, None);
        assert_eq!(
            ids_with(&results, Outcome::Fail),
            ["par", "sender-constrained", "client-authentication"]
        );
        assert_eq!(
            ids_with(&results, Outcome::NotApplicable),
            ["assertion-audience"]
        );
        // Keycloak's metadata: iss supported, DPoP advertised, no PAR required.
        let keycloak = metadata(
            r#"{"issuer":"x","authorization_response_iss_parameter_supported":true,
                "require_pushed_authorization_requests":false,
                "dpop_signing_alg_values_supported":["RS256","PS256"],
                "id_token_signing_alg_values_supported":["RS256","PS256","ES256","HS256"],
                "token_endpoint_auth_methods_supported":["private_key_jwt","client_secret_basic","client_secret_post","tls_client_auth","client_secret_jwt"],
                "code_challenge_methods_supported":["plain","S256"]}"#,
        );
        let results = evaluate(set("fapi2"), &profile, Some(&keycloak));
        assert_eq!(
            ids_with(&results, Outcome::Fail),
            ["par", "sender-constrained", "client-authentication"]
        );
        assert!(ids_with(&results, Outcome::Unknown).is_empty());
    }

    /// Every rule passes on the FAPI preset with FAPI metadata, and fails
    /// with one thing changed.
    #[test]
    fn every_rule_fails_on_its_own_fault() {
        type Fault = fn(&mut Profile, &mut ProviderMetadata);
        let good = fapi_metadata();
        let faults: [(&str, &str, Fault); 14] = [
            ("fapi2", "par", |p, m| {
                p.par = false;
                m.document.remove("require_pushed_authorization_requests");
            }),
            ("fapi2", "par", |_, m| {
                m.document.remove("pushed_authorization_request_endpoint");
            }),
            ("fapi2", "pkce-s256", |p, _| p.pkce = PkceMode::Plain),
            ("fapi2", "pkce-s256", |_, m| {
                m.document.insert(
                    "code_challenge_methods_supported".to_owned(),
                    serde_json::json!(["plain"]),
                );
            }),
            ("fapi2", "sender-constrained", |p, _| p.dpop = false),
            ("fapi2", "sender-constrained", |_, m| {
                m.document.remove("dpop_signing_alg_values_supported");
            }),
            ("fapi2", "iss-response", |_, m| {
                m.document.insert(
                    "authorization_response_iss_parameter_supported".to_owned(),
                    Value::Bool(false),
                );
            }),
            ("fapi2", "signing-algorithms", |p, _| {
                "RS256".clone_into(&mut p.client_assertion.algorithm);
            }),
            ("fapi2", "client-authentication", |p, _| {
                p.client_auth = ClientAuth::ClientSecretBasic;
            }),
            ("fapi2", "no-implicit-or-password", |p, _| {
                p.default_grant = Grant::Password;
            }),
            ("fapi2", "assertion-audience", |p, _| {
                p.client_assertion.audience = AssertionAudience::TokenEndpoint;
            }),
            ("fapi2", "response-mode", |p, _| {
                "fragment".clone_into(&mut p.response_mode);
            }),
            ("fapi2-message-signing", "request-object", |p, _| {
                p.request_object = false;
            }),
            ("fapi2-message-signing", "jarm", |p, _| {
                p.response_mode.clear();
            }),
        ];
        for (set_id, rule, fault) in faults {
            let mut profile = fapi_profile();
            profile.request_object = true;
            "jwt".clone_into(&mut profile.response_mode);
            let (before, reason) = outcome(set_id, &profile, Some(&good), rule);
            assert_eq!(before, Outcome::Pass, "{set_id}/{rule}: {reason}");
            let mut meta = good.clone();
            fault(&mut profile, &mut meta);
            let (after, reason) = outcome(set_id, &profile, Some(&meta), rule);
            assert_eq!(after, Outcome::Fail, "{set_id}/{rule}: {reason}");
            assert!(!reason.is_empty() && !reason.contains('\n'), "{reason}");
        }
    }

    #[test]
    fn rules_pass_the_other_ways_they_allow() {
        let good = fapi_metadata();
        // PAR off in the profile, but the provider requires it.
        let mut p = fapi_profile();
        p.par = false;
        assert_eq!(outcome("fapi2", &p, Some(&good), "par").0, Outcome::Pass);
        // mTLS: tls_client_auth and certificate-bound tokens, no DPoP.
        let mut p = fapi_profile();
        p.dpop = false;
        p.client_auth = ClientAuth::TlsClientAuth;
        for rule in ["sender-constrained", "client-authentication"] {
            assert_eq!(outcome("fapi2", &p, Some(&good), rule).0, Outcome::Pass);
        }
        assert_eq!(
            outcome("fapi2", &p, None, "sender-constrained").0,
            Outcome::Unknown,
            "certificate binding is the provider's to say"
        );
        assert_eq!(
            outcome("fapi2", &p, Some(&good), "assertion-audience").0,
            Outcome::NotApplicable
        );
        let mut bare = good.clone();
        bare.document
            .remove("id_token_signing_alg_values_supported");
        assert_eq!(
            outcome("fapi2", &p, Some(&bare), "signing-algorithms").0,
            Outcome::NotApplicable,
            "mTLS, no assertion, no ID token algorithms listed: nothing to check"
        );
        // aud written out as the issuer.
        let mut p = fapi_profile();
        p.client_assertion.audience = AssertionAudience::Custom(ISSUER.to_owned());
        assert_eq!(
            outcome("fapi2", &p, None, "assertion-audience").0,
            Outcome::Pass
        );
        // Client credentials: no authorization request to check.
        let mut p = fapi_profile();
        p.default_grant = Grant::ClientCredentials;
        let results = evaluate(set("fapi2-message-signing"), &p, None);
        assert_eq!(
            ids_with(&results, Outcome::NotApplicable),
            [
                "par",
                "pkce-s256",
                "iss-response",
                "response-mode",
                "request-object",
                "jarm"
            ]
        );
    }

    #[test]
    fn implicit_response_types_fail() {
        let mut p = fapi_profile();
        p.extra_params.push((
            RequestKind::Authorize,
            Param::new("response_type", "code id_token"),
        ));
        assert_eq!(
            outcome("fapi2", &p, None, "no-implicit-or-password").0,
            Outcome::Fail
        );
        "query".clone_into(&mut p.response_mode);
        let (result, reason) = outcome("fapi2", &p, None, "response-mode");
        assert_eq!(result, Outcome::Fail, "{reason}");
        // A response_type param on the token request is not the authorization request's.
        let mut p = fapi_profile();
        p.extra_params
            .push((RequestKind::Token, Param::new("response_type", "token")));
        assert_eq!(
            outcome("fapi2", &p, None, "no-implicit-or-password").0,
            Outcome::Pass
        );
    }

    #[test]
    fn fapi_sek_accepts_gost_where_fapi2_does_not() {
        let mut p = fapi_profile();
        "GOST3410_2012_256".clone_into(&mut p.client_assertion.algorithm);
        let gost_metadata =
            metadata(r#"{"id_token_signing_alg_values_supported":["GOST3410_2012_256"]}"#);
        assert_eq!(
            outcome("fapi-sek", &p, Some(&gost_metadata), "signing-algorithms").0,
            Outcome::Pass
        );
        let (result, reason) = outcome("fapi2", &p, Some(&gost_metadata), "signing-algorithms");
        assert_eq!(result, Outcome::Fail);
        assert!(
            reason.contains("GOST3410_2012_256") && reason.contains("PS256"),
            "{reason}"
        );
        // The bank preset: mTLS, GOST, checked against ФАПИ.СЕК.
        let bank = crate::oauth::presets::find("fapi-sek")
            .expect("preset")
            .instantiate(0, &[("issuer".to_owned(), ISSUER.to_owned())]);
        assert_eq!(bank.conformance.as_deref(), Some("fapi-sek"));
        let mut bank_metadata = fapi_metadata();
        bank_metadata.document.insert(
            "id_token_signing_alg_values_supported".to_owned(),
            serde_json::json!(["GOST3410_2012_256"]),
        );
        let results = evaluate(set("fapi-sek"), &bank, Some(&bank_metadata));
        assert_eq!(
            ids_with(&results, Outcome::Fail),
            Vec::<&str>::new(),
            "{results:#?}"
        );
    }

    #[test]
    fn reasons_and_titles_follow_the_language() {
        crate::i18n::set_language(crate::i18n::Language::Ru);
        let results = evaluate(set("fapi2"), &fapi_profile(), None);
        crate::i18n::set_language(crate::i18n::Language::En);
        let par = results.first().expect("rule");
        assert_eq!(par.title, "Запросы авторизации через PAR");
        assert!(par.reason.contains("PAR включён"), "{}", par.reason);
        assert_eq!(set("fapi2").name(), "FAPI 2.0");
    }

    /// Wrong types, huge lists, Cyrillic, control characters: no panic,
    /// and reasons stay one short line.
    #[test]
    fn hostile_metadata_never_panics() {
        let huge: Vec<Value> = (0..100_000)
            .map(|i| Value::String(format!("Алгоритм-{i}-\u{202e}\u{0}")))
            .collect();
        let long = "Ж".repeat(1_000_000);
        let members = [
            "require_pushed_authorization_requests",
            "pushed_authorization_request_endpoint",
            "code_challenge_methods_supported",
            "dpop_signing_alg_values_supported",
            "tls_client_certificate_bound_access_tokens",
            "authorization_response_iss_parameter_supported",
            "id_token_signing_alg_values_supported",
            "token_endpoint_auth_methods_supported",
            "response_modes_supported",
            "request_object_signing_alg_values_supported",
            "authorization_signing_alg_values_supported",
        ];
        let values = [
            Value::Array(huge),
            Value::String(long.clone()),
            serde_json::json!("true"),
            serde_json::json!(1),
            serde_json::json!(null),
            serde_json::json!({"PS256": true}),
            serde_json::json!([1, null, {"a": []}, [["PS256"]], "ES256"]),
            serde_json::json!([long]),
        ];
        let mut profiles = vec![fapi_profile()];
        let mut odd = fapi_profile();
        odd.client_assertion.algorithm = "\u{0}Ё".repeat(10_000);
        odd.response_mode = "fragment.jwt\u{202e}".to_owned();
        odd.client_assertion.audience = AssertionAudience::Custom("Й".repeat(10_000));
        odd.extra_params.push((
            RequestKind::Authorize,
            Param::new("response_type", "токен ".repeat(1000)),
        ));
        profiles.push(odd);
        let mut mtls = fapi_profile();
        mtls.client_auth = ClientAuth::TlsClientAuth;
        mtls.dpop = false;
        profiles.push(mtls);
        for value in &values {
            let mut document = serde_json::Map::new();
            for member in members {
                document.insert(member.to_owned(), value.clone());
            }
            let hostile = ProviderMetadata {
                document,
                url: String::new(),
            };
            for set in sets() {
                for profile in &profiles {
                    for result in evaluate(set, profile, Some(&hostile)) {
                        assert!(
                            result.reason.chars().count() < 600,
                            "{}: {} chars",
                            result.id,
                            result.reason.chars().count()
                        );
                        assert!(!result.reason.contains('\u{0}'));
                    }
                }
            }
        }
    }
}
