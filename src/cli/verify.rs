//! `tokenscope verify`: signature verification and the relying-party checks
//! for the tokens in a paste, as JSON, with an exit code for scripts.
//!
//! The shape is part of the public interface (documented in the README);
//! change it only by adding fields. Exit codes: 0 when every reported
//! signature verifies and every applicable check passes, 1 when anything
//! failed (an unverified signature is not a verified one), 2 for a usage
//! error ([`UsageError`]).

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde::Serialize;

use crate::app::text_from_bytes;
use crate::net::{ClientOptions, NetRuntime, RequestDraft, build_client, send};
use crate::oauth::Profile;
use crate::token::checks::{
    self, CheckResult, DEFAULT_LEEWAY, Expectations, access_token_checks, id_token_checks,
    userinfo_checks,
};
use crate::token::inspect::{FoundToken, TokenKind, TokenRole};
use crate::token::keys::{KeyProblem, KeyRow, KeySet};
use crate::token::verify::{SignatureOutcome, verify_decoded};
use crate::token::{Timestamp, inspect};

use super::decode::role_name;

/// Exit code when every reported signature verified and every applicable check passed.
pub const EXIT_PASSED: u8 = 0;
/// Exit code when anything failed.
pub const EXIT_FAILED: u8 = 1;
/// Exit code for a usage error: no token, no keys, unreadable file, bad flag.
pub const EXIT_USAGE: u8 = 2;

/// base64url, padded or not, for `--secret-b64u`.
const BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Which relying-party checks to run on a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// The ID token validation of OIDC Core 1.0 §3.1.3.7.
    Id,
    /// The JWT access token validation of RFC 9068 §4.
    Access,
    /// The `UserInfo` response checks of OIDC Core 1.0 §5.3.2.
    Userinfo,
}

/// Everything the command was told, as plain data (no clap here).
#[derive(Clone)]
pub struct VerifyArgs {
    /// JWKS files or `http(s)://` URLs.
    pub jwks: Vec<String>,
    /// X.509 certificates, PEM or DER.
    pub certs: Vec<PathBuf>,
    /// PEM public keys (a file may hold several blocks).
    pub pems: Vec<PathBuf>,
    /// HMAC secrets as text.
    pub secrets: Vec<String>,
    /// HMAC secrets as base64url.
    pub secrets_b64u: Vec<String>,
    /// Expected `iss`.
    pub issuer: Option<String>,
    /// For an ID token the client id its `aud` must contain; for an access token the resource.
    pub audience: Option<String>,
    /// This client's id (`azp`, RFC 9068 `client_id`); for ID tokens `audience` wins.
    pub client_id: Option<String>,
    /// The nonce sent.
    pub nonce: Option<String>,
    /// The access token issued with the ID token, for `at_hash`.
    pub access_token: Option<String>,
    /// The authorization code, for `c_hash`.
    pub code: Option<String>,
    /// The state sent, for `s_hash`.
    pub state: Option<String>,
    /// `max_age` sent, in seconds.
    pub max_age: Option<i64>,
    /// Clock-skew tolerance in seconds (default [`DEFAULT_LEEWAY`]).
    pub leeway: Option<i64>,
    /// The ID token's `sub`, for `UserInfo` checks.
    pub id_token_sub: Option<String>,
    /// Forces the check set; otherwise told from the token's role and `typ`.
    pub kind: Option<CheckKind>,
    /// Verify every JWS/JWE found, not only the first (or the ID token).
    pub all: bool,
    /// "Now" for the time checks.
    pub now: Timestamp,
    /// A saved profile: issuer, client id and JWKS URI, overridden by explicit flags.
    pub profile: Option<Profile>,
}

impl VerifyArgs {
    /// No keys, no expectations, the first token, at `now`.
    pub fn new(now: Timestamp) -> Self {
        Self {
            jwks: Vec::new(),
            certs: Vec::new(),
            pems: Vec::new(),
            secrets: Vec::new(),
            secrets_b64u: Vec::new(),
            issuer: None,
            audience: None,
            client_id: None,
            nonce: None,
            access_token: None,
            code: None,
            state: None,
            max_age: None,
            leeway: None,
            id_token_sub: None,
            kind: None,
            all: false,
            now,
            profile: None,
        }
    }
}

/// Secrets, tokens and codes are credentials: `Debug` only says whether they are set.
impl fmt::Debug for VerifyArgs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set = |value: &Option<String>| if value.is_some() { "[set]" } else { "[none]" };
        f.debug_struct("VerifyArgs")
            .field("jwks", &self.jwks)
            .field("certs", &self.certs)
            .field("pems", &self.pems)
            .field("secrets", &self.secrets.len())
            .field("secrets_b64u", &self.secrets_b64u.len())
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("client_id", &self.client_id)
            .field("nonce", &self.nonce)
            .field("access_token", &set(&self.access_token))
            .field("code", &set(&self.code))
            .field("state", &set(&self.state))
            .field("max_age", &self.max_age)
            .field("leeway", &self.leeway)
            .field("id_token_sub", &self.id_token_sub)
            .field("kind", &self.kind)
            .field("all", &self.all)
            .field("now", &self.now)
            .field("profile", &self.profile.as_ref().map(|p| &p.name))
            .finish()
    }
}

/// A usage error: exit code 2, nothing on standard output.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// The whole report.
#[derive(Debug, Serialize)]
pub struct VerifyReport {
    /// Version of tokenscope that wrote the report.
    pub tokenscope: &'static str,
    /// The "now" the time checks used.
    pub now: i64,
    /// `now` as RFC 3339 UTC.
    pub now_utc: Option<String>,
    /// The tokens verified.
    pub tokens: Vec<VerifiedToken>,
    /// Every usable key given (secrets are never shown).
    pub keys: Vec<KeyRow>,
    /// Key material that could not be used, and why.
    pub key_problems: Vec<KeyProblem>,
    /// Whether a JWKS URL was fetched a second time because a kid was unknown.
    pub refetched_jwks: bool,
    /// Whether every token passed: the exit code is 0 exactly when this is true.
    pub passed: bool,
}

impl VerifyReport {
    /// [`EXIT_PASSED`] or [`EXIT_FAILED`].
    pub fn exit_code(&self) -> u8 {
        if self.passed {
            EXIT_PASSED
        } else {
            EXIT_FAILED
        }
    }
}

/// One token.
#[derive(Debug, Serialize)]
pub struct VerifiedToken {
    /// Its index in `tokenscope decode`'s list for the same input.
    pub index: usize,
    /// What the inspector's tab says: "ID token".
    pub title: String,
    /// `jws`, `jwe` or `unknown` (looks like a JWT, could not be decoded).
    pub kind: TokenKind,
    /// `access`, `id`, `refresh`, … as in `decode`, or null.
    pub role: Option<String>,
    /// The header's `alg`.
    pub alg: Option<String>,
    /// The header's `kid`.
    pub kid: Option<String>,
    /// What signature verification concluded.
    pub signature: SignatureReport,
    /// The check set that ran: `id`, `access`, `userinfo`, or null when none applies.
    pub checked_as: Option<CheckKind>,
    /// The checks, one row per rule (they include a `signature` row).
    pub checks: Vec<CheckResult>,
    /// Remarks: what was mended, expectations that did not apply, where `at_hash`'s token came from.
    pub notes: Vec<String>,
    /// Signature valid and no check failed.
    pub passed: bool,
}

/// The signature verdict.
#[derive(Debug, Serialize)]
pub struct SignatureReport {
    /// `valid`, `invalid`, `no_key`, `unsigned`, `unsupported`, `rejected` or `encrypted`.
    pub status: &'static str,
    /// Stable reason code when not valid (`JWS_SIG_INVALID`, `JWK_KID_UNKNOWN`, …).
    pub code: Option<&'static str>,
    /// One line: "valid (RS256, key kc-rsa-1)".
    pub summary: String,
    /// The key that verified it.
    pub key: Option<KeyRow>,
    /// Remarks from verification.
    pub notes: Vec<String>,
}

/// Reads the TOKEN argument: `-` for standard input, an existing file's
/// contents, or else the argument itself. Bytes that are not UTF-8 are
/// replaced, as in the window.
pub fn read_token_input(arg: &str, stdin: &mut dyn Read) -> Result<String, UsageError> {
    let bytes = if arg == "-" {
        let mut bytes = Vec::new();
        stdin
            .read_to_end(&mut bytes)
            .map_err(|e| UsageError(format!("could not read standard input: {e}")))?;
        bytes
    } else if Path::new(arg).is_file() {
        std::fs::read(arg).map_err(|e| UsageError(format!("could not read {arg}: {e}")))?
    } else {
        return Ok(arg.to_owned());
    };
    Ok(text_from_bytes(bytes).0)
}

/// One source of keys; URL sources can be fetched again.
struct KeyPart {
    url: Option<String>,
    set: KeySet,
}

/// Verifies the tokens in `input` and runs their checks. `fetch` returns
/// the body of a JWKS URL (see [`HttpFetcher`]). `Err` is a usage error.
pub fn verify(
    args: &VerifyArgs,
    input: &str,
    fetch: &mut dyn FnMut(&str) -> Result<String, String>,
) -> Result<VerifyReport, UsageError> {
    let inspection = inspect(input, args.now);
    let chosen = choose_tokens(&inspection.tokens, args.all).ok_or_else(|| {
        UsageError(if inspection.tokens.is_empty() {
            "no token found in the input".to_owned()
        } else {
            format!(
                "no JWT in the input ({} opaque token(s) found; only a JWS can be verified)",
                inspection.tokens.len()
            )
        })
    })?;
    let sources = key_sources(args);
    if sources.is_empty()
        && let Some(token) = chosen.iter().map(|&i| &inspection.tokens[i]).find(|t| {
            t.kind == TokenKind::Jws
                && !t
                    .header_str("alg")
                    .is_some_and(|alg| alg.eq_ignore_ascii_case("none"))
        })
    {
        return Err(UsageError(format!(
            "the {} is signed ({}) but no keys were given: pass --jwks, --cert, --pem, --secret or --secret-b64u (or --profile with a JWKS URI)",
            lower_title(token),
            token.header_str("alg").unwrap_or("no alg")
        )));
    }
    let mut parts = load_keys(&sources, fetch)?;
    let mut keys = merged(&parts);
    let mut outcomes: Vec<Option<SignatureOutcome>> = chosen
        .iter()
        .map(|&i| {
            inspection.tokens[i]
                .decoded
                .as_ref()
                .map(|d| verify_decoded(d, &keys))
        })
        .collect();
    let unknown_kids: Vec<bool> = outcomes
        .iter()
        .map(|o| o.as_ref().is_some_and(SignatureOutcome::is_unknown_kid))
        .collect();
    let refetched = unknown_kids.contains(&true) && parts.iter().any(|p| p.url.is_some());
    if refetched {
        // Keys rotate (OIDC Core §10.1.1): fetch each JWKS URL once more, then verify again.
        for part in &mut parts {
            if let Some(url) = &part.url {
                part.set = fetch_jwks(url, fetch);
            }
        }
        keys = merged(&parts);
        outcomes = chosen
            .iter()
            .map(|&i| {
                inspection.tokens[i]
                    .decoded
                    .as_ref()
                    .map(|d| verify_decoded(d, &keys))
            })
            .collect();
    }
    let tokens: Vec<VerifiedToken> = chosen
        .iter()
        .zip(outcomes)
        .zip(unknown_kids)
        .map(|((&index, outcome), unknown_kid)| {
            let mut token = verified_token(
                args,
                &inspection.tokens,
                index,
                outcome.as_ref(),
                args.now,
            );
            if refetched && unknown_kid {
                token.signature.notes.push(
                    "the kid was unknown, so the JWKS was fetched once more (key rotation, OIDC Core §10.1.1)"
                        .to_owned(),
                );
            }
            token
        })
        .collect();
    Ok(VerifyReport {
        tokenscope: env!("CARGO_PKG_VERSION"),
        now: args.now.unix(),
        now_utc: args.now.to_rfc3339_utc(),
        passed: tokens.iter().all(|t| t.passed),
        tokens,
        keys: keys.rows(),
        key_problems: keys.problems,
        refetched_jwks: refetched,
    })
}

/// Indices of the tokens to verify: with `all`, every JWS, JWE and
/// undecodable JWT; otherwise the first JWS that is an ID token, else the
/// first JWS, else the first JWE or undecodable JWT. `None` when there is none.
fn choose_tokens(tokens: &[FoundToken], all: bool) -> Option<Vec<usize>> {
    let jwt: Vec<usize> = tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| t.kind != TokenKind::Opaque)
        .map(|(i, _)| i)
        .collect();
    if jwt.is_empty() {
        return None;
    }
    if all {
        return Some(jwt);
    }
    let is_jws = |i: &&usize| tokens[**i].kind == TokenKind::Jws;
    let first = jwt
        .iter()
        .filter(is_jws)
        .find(|&&i| tokens[i].role == Some(TokenRole::Id))
        .or_else(|| jwt.iter().find(is_jws))
        .or_else(|| jwt.first())?;
    Some(vec![*first])
}

/// A key option, in the order keys are merged.
enum KeyOption {
    JwksFile(PathBuf),
    JwksUrl(String),
    Cert(PathBuf),
    Pem(PathBuf),
    Secret(Vec<u8>, &'static str),
}

fn is_url(text: &str) -> bool {
    let lower = text.trim_start().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// The key options given; the profile's JWKS URI when none is.
fn key_sources(args: &VerifyArgs) -> Vec<Result<KeyOption, UsageError>> {
    let mut sources = Vec::new();
    for jwks in &args.jwks {
        sources.push(Ok(if is_url(jwks) {
            KeyOption::JwksUrl(jwks.trim().to_owned())
        } else {
            KeyOption::JwksFile(PathBuf::from(jwks))
        }));
    }
    sources.extend(args.certs.iter().cloned().map(KeyOption::Cert).map(Ok));
    sources.extend(args.pems.iter().cloned().map(KeyOption::Pem).map(Ok));
    for secret in &args.secrets {
        sources.push(Ok(KeyOption::Secret(
            secret.as_bytes().to_vec(),
            "--secret",
        )));
    }
    for secret in &args.secrets_b64u {
        sources.push(
            BASE64URL
                .decode(secret.trim())
                .map(|bytes| KeyOption::Secret(bytes, "--secret-b64u"))
                .map_err(|e| UsageError(format!("--secret-b64u is not base64url: {e}"))),
        );
    }
    if sources.is_empty()
        && let Some(profile) = &args.profile
    {
        let uri = profile.endpoints.jwks.trim();
        if !uri.is_empty() {
            sources.push(Ok(if is_url(uri) {
                KeyOption::JwksUrl(uri.to_owned())
            } else {
                KeyOption::JwksFile(PathBuf::from(uri))
            }));
        }
    }
    sources
}

/// The file's name for key labels ("JWKS keycloak-jwks.json").
fn label(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    )
}

fn read_file(path: &Path, what: &str) -> Result<Vec<u8>, UsageError> {
    std::fs::read(path)
        .map_err(|e| UsageError(format!("could not read the {what} {}: {e}", path.display())))
}

fn load_keys(
    sources: &[Result<KeyOption, UsageError>],
    fetch: &mut dyn FnMut(&str) -> Result<String, String>,
) -> Result<Vec<KeyPart>, UsageError> {
    // Every file is read and every flag checked before anything is fetched.
    let mut parts = Vec::new();
    for source in sources {
        let part = match source.as_ref().map_err(Clone::clone)? {
            KeyOption::JwksFile(path) => {
                let bytes = read_file(path, "JWKS file")?;
                KeyPart {
                    url: None,
                    set: KeySet::from_jwks_json(&text_from_bytes(bytes).0, &label(path)),
                }
            }
            KeyOption::JwksUrl(url) => KeyPart {
                url: Some(url.clone()),
                set: KeySet::default(),
            },
            KeyOption::Cert(path) => {
                let bytes = read_file(path, "certificate")?;
                let set = if bytes.windows(10).any(|w| w == b"-----BEGIN") {
                    KeySet::from_pem(&String::from_utf8_lossy(&bytes), &label(path))
                } else {
                    KeySet::from_der_certificate(&bytes, &label(path))
                };
                KeyPart { url: None, set }
            }
            KeyOption::Pem(path) => {
                let bytes = read_file(path, "PEM file")?;
                KeyPart {
                    url: None,
                    set: KeySet::from_pem(&String::from_utf8_lossy(&bytes), &label(path)),
                }
            }
            KeyOption::Secret(bytes, flag) => KeyPart {
                url: None,
                set: KeySet::hmac(bytes, flag),
            },
        };
        parts.push(part);
    }
    for part in &mut parts {
        if let Some(url) = &part.url {
            part.set = fetch_jwks(url, fetch);
        }
    }
    Ok(parts)
}

/// A JWKS from a URL; a failed fetch becomes a key problem, not a usage error.
fn fetch_jwks(url: &str, fetch: &mut dyn FnMut(&str) -> Result<String, String>) -> KeySet {
    match fetch(url) {
        Ok(body) => KeySet::from_jwks_json(&body, url),
        Err(message) => KeySet {
            keys: Vec::new(),
            problems: vec![KeyProblem {
                source: format!("JWKS {url}"),
                entry: None,
                message: format!("could not be fetched: {message}"),
            }],
        },
    }
}

fn merged(parts: &[KeyPart]) -> KeySet {
    parts
        .iter()
        .fold(KeySet::default(), |all, part| all.merge(part.set.clone()))
}

fn signature_report(token: &FoundToken, outcome: Option<&SignatureOutcome>) -> SignatureReport {
    let Some(outcome) = outcome else {
        let reason = token
            .error
            .as_ref()
            .map_or_else(|| "it could not be decoded".to_owned(), ToString::to_string);
        return SignatureReport {
            status: "rejected",
            code: Some("JWT_PARSE"),
            summary: format!("rejected: the token cannot be decoded: {reason}"),
            key: None,
            notes: Vec::new(),
        };
    };
    SignatureReport {
        status: match outcome {
            SignatureOutcome::Valid { .. } => "valid",
            SignatureOutcome::Invalid { .. } => "invalid",
            SignatureOutcome::NoKey { .. } => "no_key",
            SignatureOutcome::Unsigned { .. } => "unsigned",
            SignatureOutcome::Unsupported { .. } => "unsupported",
            SignatureOutcome::Rejected { .. } => "rejected",
            SignatureOutcome::Encrypted { .. } => "encrypted",
        },
        code: outcome.code(),
        summary: outcome.summary(),
        key: outcome.key().cloned(),
        notes: outcome.notes().to_vec(),
    }
}

/// "ID token", "access token", "token": the title for use inside a sentence.
fn lower_title(token: &FoundToken) -> String {
    let title = token.title();
    if title.starts_with("ID ") {
        return title;
    }
    let mut chars = title.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_lowercase().chain(chars).collect()
    })
}

/// The check set for a token: forced, or an ID token's, or RFC 9068's for `typ: at+jwt`.
fn check_kind(args: &VerifyArgs, token: &FoundToken) -> Option<CheckKind> {
    if args.kind.is_some() {
        return args.kind;
    }
    if token.role == Some(TokenRole::Id) {
        return Some(CheckKind::Id);
    }
    let typ = token.header_str("typ")?.to_ascii_lowercase();
    (typ == "at+jwt" || typ == "application/at+jwt").then_some(CheckKind::Access)
}

fn non_empty(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// The access token that came in the same response as `tokens[index]`.
fn sibling_access_token(tokens: &[FoundToken], index: usize) -> Option<&str> {
    let response = tokens[index].response.as_ref()?;
    tokens
        .iter()
        .find(|t| {
            t.role == Some(TokenRole::Access)
                && t.response
                    .as_ref()
                    .is_some_and(|r| Arc::ptr_eq(r, response))
        })
        .map(|t| t.value.as_str())
}

fn expectations(
    args: &VerifyArgs,
    kind: CheckKind,
    tokens: &[FoundToken],
    index: usize,
    notes: &mut Vec<String>,
) -> Expectations {
    let profile = args.profile.as_ref();
    let profile_client = profile.and_then(|p| non_empty(&p.client_id));
    let access_token = args.access_token.clone().or_else(|| {
        if kind != CheckKind::Id {
            return None;
        }
        let found = sibling_access_token(tokens, index)?;
        notes.push(
            "at_hash is checked against the access_token of the same response (--access-token overrides)"
                .to_owned(),
        );
        Some(found.to_owned())
    });
    let (client_id, audience) = match kind {
        CheckKind::Id => (
            args.audience
                .clone()
                .or_else(|| args.client_id.clone())
                .or(profile_client),
            None,
        ),
        CheckKind::Access | CheckKind::Userinfo => (
            args.client_id.clone().or(profile_client),
            args.audience.clone(),
        ),
    };
    Expectations {
        issuer: args
            .issuer
            .clone()
            .or_else(|| profile.and_then(|p| non_empty(&p.issuer))),
        client_id,
        audience,
        nonce: args.nonce.clone(),
        access_token,
        code: args.code.clone(),
        state: args.state.clone(),
        max_age: args.max_age,
        leeway: args.leeway.unwrap_or(DEFAULT_LEEWAY),
        ..Expectations::default()
    }
}

/// The flags that only matter to a check set, named as typed.
fn expectation_flags(args: &VerifyArgs) -> Vec<&'static str> {
    [
        ("--issuer", args.issuer.is_some()),
        ("--audience", args.audience.is_some()),
        ("--client-id", args.client_id.is_some()),
        ("--nonce", args.nonce.is_some()),
        ("--access-token", args.access_token.is_some()),
        ("--code", args.code.is_some()),
        ("--state", args.state.is_some()),
        ("--max-age", args.max_age.is_some()),
        ("--id-token-sub", args.id_token_sub.is_some()),
    ]
    .into_iter()
    .filter_map(|(flag, given)| given.then_some(flag))
    .collect()
}

fn verified_token(
    args: &VerifyArgs,
    tokens: &[FoundToken],
    index: usize,
    outcome: Option<&SignatureOutcome>,
    now: Timestamp,
) -> VerifiedToken {
    let token = &tokens[index];
    let signature = signature_report(token, outcome);
    let mut notes = Vec::new();
    if let Some(mends) = token.mends.describe() {
        notes.push(format!("mended: {mends}"));
    }
    let header = token.header.clone().unwrap_or_default();
    let claims = token.claims();
    let checked_as = check_kind(args, token).filter(|_| claims.is_some());
    let checks = match (checked_as, claims, outcome) {
        (Some(kind), Some(claims), Some(outcome)) => {
            let expect = expectations(args, kind, tokens, index, &mut notes);
            match kind {
                CheckKind::Id => id_token_checks(claims, &header, outcome, &expect, now),
                CheckKind::Access => access_token_checks(claims, &header, outcome, &expect, now),
                CheckKind::Userinfo => {
                    userinfo_checks(claims, args.id_token_sub.as_deref(), Some(outcome))
                }
            }
        }
        _ => Vec::new(),
    };
    if checked_as.is_none() && token.kind == TokenKind::Jws {
        let flags = expectation_flags(args);
        let what = lower_title(token);
        notes.push(if flags.is_empty() {
            format!(
                "no relying-party checks apply to this {what}: the result rests on its signature alone (--kind id|access|userinfo forces a check set)"
            )
        } else {
            format!(
                "not checked: {}; no relying-party checks apply to this {what}, the result rests on its signature alone (--kind id|access|userinfo forces a check set)",
                flags.join(", ")
            )
        });
    }
    let passed = outcome.is_some_and(SignatureOutcome::is_valid) && checks::all_passed(&checks);
    VerifiedToken {
        index,
        title: token.title(),
        kind: token.kind,
        role: token.role.as_ref().map(role_name),
        alg: token.header_str("alg").map(str::to_owned),
        kid: token.header_str("kid").map(str::to_owned),
        signature,
        checked_as,
        checks,
        notes,
        passed,
    }
}

/// Fetches JWKS URLs with the project's HTTP client (the profile's TLS and
/// proxy settings when one is given). The runtime starts on first use.
pub struct HttpFetcher {
    profile: Profile,
    options: ClientOptions,
    started: Option<(NetRuntime, reqwest::Client)>,
}

impl fmt::Debug for HttpFetcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpFetcher")
            .field("profile", &self.profile.name)
            .field("started", &self.started.is_some())
            .finish_non_exhaustive()
    }
}

impl HttpFetcher {
    /// A fetcher using `profile`'s network settings (TLS, proxy,
    /// timeouts), or the defaults.
    pub fn new(profile: Option<&Profile>) -> Self {
        let profile = profile.cloned().unwrap_or_default();
        Self {
            options: ClientOptions::for_profile(&profile, None),
            profile,
            started: None,
        }
    }

    /// The passphrase of the profile's PKCS#12 client certificate.
    #[must_use]
    pub fn with_pkcs12_passphrase(mut self, passphrase: Option<crate::secret::Secret>) -> Self {
        self.options.pkcs12_passphrase = passphrase;
        self
    }

    /// GETs `url`; the body of a 2xx answer, or why there is none.
    pub fn fetch(&mut self, url: &str) -> Result<String, String> {
        if self.started.is_none() {
            let runtime = NetRuntime::new()
                .map_err(|e| format!("could not start the network runtime: {e}"))?;
            let client = build_client(&self.profile, &self.options).map_err(|e| e.to_string())?;
            self.started = Some((runtime, client));
        }
        let Some((runtime, client)) = &self.started else {
            return Err("the network runtime is not running".to_owned());
        };
        let mut draft = RequestDraft::get(url);
        for header in &self.profile.headers {
            draft.set_header(&header.name, header.value.clone());
        }
        let exchange = runtime.block_on(send(client, &draft, &self.options));
        let response = exchange.response.map_err(|e| e.to_string())?;
        if let Some(note) = response.cut_note() {
            return Err(format!("{url}: {note}"));
        }
        if !(200..300).contains(&response.status) {
            return Err(format!(
                "HTTP {} {}: {}",
                response.status,
                response.reason,
                response.text().chars().take(200).collect::<String>()
            ));
        }
        Ok(response.text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEYCLOAK_RESPONSE: &str =
        include_str!("../../tests/fixtures/keycloak-token-response.json");
    const KEYCLOAK_JWKS: &str = include_str!("../../tests/fixtures/keycloak-jwks.json");
    const URL: &str = "https://sso.example.test/jwks";

    fn args() -> VerifyArgs {
        let mut args = VerifyArgs::new(Timestamp::from_unix(1_795_387_806));
        args.jwks = vec![URL.to_owned()];
        args
    }

    #[test]
    fn a_failed_fetch_is_a_key_problem_and_a_failure() {
        let mut calls = Vec::new();
        let report = verify(&args(), KEYCLOAK_RESPONSE, &mut |url| {
            calls.push(url.to_owned());
            Err("the connection was refused".to_owned())
        })
        .unwrap();
        assert_eq!(calls, [URL], "no refetch without an unknown kid");
        assert_eq!(report.exit_code(), EXIT_FAILED);
        assert_eq!(report.tokens[0].signature.status, "no_key");
        assert_eq!(report.tokens[0].signature.code, Some("JWS_NO_KEY"));
        assert_eq!(
            report.key_problems[0].to_string(),
            format!("JWKS {URL}: could not be fetched: the connection was refused")
        );
    }

    #[test]
    fn an_unknown_kid_fetches_once_more_then_gives_up() {
        let rotated = KEYCLOAK_JWKS.replace("kc-rsa-1", "kc-rsa-2");
        let mut calls = 0;
        let report = verify(&args(), KEYCLOAK_RESPONSE, &mut |_| {
            calls += 1;
            Ok(rotated.clone())
        })
        .unwrap();
        assert_eq!(calls, 2);
        assert!(report.refetched_jwks);
        assert_eq!(report.tokens[0].signature.code, Some("JWK_KID_UNKNOWN"));
        assert_eq!(report.exit_code(), EXIT_FAILED);
    }

    #[test]
    fn the_id_token_is_preferred_and_all_takes_every_jwt() {
        let mut fetch = |_: &str| Ok(KEYCLOAK_JWKS.to_owned());
        let report = verify(&args(), KEYCLOAK_RESPONSE, &mut fetch).unwrap();
        assert_eq!(report.tokens.len(), 1);
        assert_eq!(report.tokens[0].title, "ID token");
        assert_eq!(report.exit_code(), EXIT_PASSED);
        let mut all = args();
        all.all = true;
        let report = verify(&all, KEYCLOAK_RESPONSE, &mut fetch).unwrap();
        let indices: Vec<usize> = report.tokens.iter().map(|t| t.index).collect();
        assert_eq!(indices, [0, 1, 2]);
        // The refresh token's HMAC key is not in the JWKS.
        assert_eq!(report.exit_code(), EXIT_FAILED);
    }

    #[test]
    fn nothing_is_fetched_before_a_usage_error() {
        let mut bad = args();
        bad.secrets_b64u = vec!["not*base64url".to_owned()];
        let error = verify(&bad, KEYCLOAK_RESPONSE, &mut |_| {
            panic!("must not fetch");
        })
        .unwrap_err();
        assert!(
            error.0.starts_with("--secret-b64u is not base64url"),
            "{error}"
        );
        let mut no_keys = args();
        no_keys.jwks.clear();
        let error = verify(&no_keys, KEYCLOAK_RESPONSE, &mut |_| {
            panic!("must not fetch")
        })
        .unwrap_err();
        assert!(
            error.0.contains("the ID token is signed (RS256)"),
            "{error}"
        );
    }

    #[test]
    fn token_input_is_text_a_file_or_standard_input() {
        let mut empty: &[u8] = b"";
        assert_eq!(read_token_input("eyJ.a.b", &mut empty).unwrap(), "eyJ.a.b");
        let mut stdin: &[u8] = b"from stdin";
        assert_eq!(read_token_input("-", &mut stdin).unwrap(), "from stdin");
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/sber-user-info.jwt"
        );
        assert!(
            read_token_input(path, &mut empty)
                .unwrap()
                .starts_with("eyJ")
        );
    }

    #[test]
    fn debug_never_shows_secrets() {
        let mut secret = args();
        secret.secrets = vec!["hunter2-hunter2".to_owned()];
        secret.access_token = Some("eyJ-access".to_owned());
        let debug = format!("{secret:?}");
        assert!(
            !debug.contains("hunter2") && !debug.contains("eyJ-access"),
            "{debug}"
        );
    }
}
