//! Verification of the tokens an answer or a paste holds: which key verifies
//! each signature, and the relying-party checks each token calls for (ID
//! token, OIDC Core 1.0 §3.1.3.7; JWT access token, RFC 9068 §4; UserInfo,
//! OIDC Core 1.0 §5.3.2). One implementation for `tokenscope verify` and
//! for the tokens each step of a run returns (`tokenscope run`).
//!
//! The report's shape is part of the public interface (documented in the
//! README): change it only by adding fields.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;

use crate::net::{ClientOptions, RequestDraft, send};
use crate::oauth::Profile;
use crate::paste::Inspection;
use crate::paste::inspect;
use crate::secret::Secret;
use crate::token::Timestamp;
use crate::token::checks::{
    self, CheckResult, DEFAULT_LEEWAY, Expectations, access_token_checks, id_token_checks,
    userinfo_checks,
};
use crate::token::inspect::{FoundToken, TokenKind, TokenRole};
use crate::token::jwe::DecryptionReport;
use crate::token::keys::{KeyProblem, KeyRow, KeySet};
use crate::token::sd_jwt_vc::{self, IssuerKeys};
use crate::token::verify::{SignatureOutcome, verify_decoded_with};

/// Exit code when every reported signature verified and every applicable check passed.
pub const EXIT_PASSED: u8 = 0;
/// Exit code when anything failed.
pub const EXIT_FAILED: u8 = 1;
/// Exit code for a usage error: no token, no keys, unreadable file, bad flag.
pub const EXIT_USAGE: u8 = 2;

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
    /// The SD-JWT and Key Binding JWT verification of RFC 9901 §7.1, §7.3.
    SdJwt,
}

/// Everything the command was told, as plain data (no clap here).
#[derive(Clone, PartialEq, Eq)]
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
    /// Private key files to decrypt JWEs with (JWK/JWKS, PEM, PKCS#12).
    pub decryption_keys: Vec<PathBuf>,
    /// The passphrase of a PKCS#12 decryption key.
    pub decryption_passphrase: Option<Secret>,
    /// Whether `RSA1_5` key encryption may be decrypted (RFC 8725 §3.2).
    pub allow_rsa1_5: bool,
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
    /// Fetch an SD-JWT VC issuer's keys from its JWT VC Issuer Metadata
    /// (draft-ietf-oauth-sd-jwt-vc-14 §5): the network is only used for them when asked.
    pub fetch_issuer_keys: bool,
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
            decryption_keys: Vec::new(),
            decryption_passphrase: None,
            allow_rsa1_5: false,
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
            fetch_issuer_keys: false,
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
            .field("decryption_keys", &self.decryption_keys)
            .field(
                "decryption_passphrase",
                &self.decryption_passphrase.as_ref().map(|_| "[set]"),
            )
            .field("allow_rsa1_5", &self.allow_rsa1_5)
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
            .field("fetch_issuer_keys", &self.fetch_issuer_keys)
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
#[derive(Clone, Debug, PartialEq, Serialize)]
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
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VerifiedToken {
    /// Its index in `tokenscope decode`'s list for the same input.
    pub index: usize,
    /// What the inspector's tab says: "ID token".
    pub title: String,
    /// `jws`, `jwe`, `sd_jwt` or `unknown` (looks like a JWT, could not be decoded).
    pub kind: TokenKind,
    /// `access`, `id`, `refresh`, … as in `decode`, or null.
    pub role: Option<String>,
    /// The header's `alg`.
    pub alg: Option<String>,
    /// The header's `kid`.
    pub kid: Option<String>,
    /// What signature verification concluded.
    pub signature: SignatureReport,
    /// The check set that ran: `id`, `access`, `userinfo`, `sd_jwt`, or null when none applies.
    pub checked_as: Option<CheckKind>,
    /// The checks, one row per rule (they include a `signature` row).
    pub checks: Vec<CheckResult>,
    /// Remarks: what was mended, expectations that did not apply, where `at_hash`'s token came from.
    pub notes: Vec<String>,
    /// Signature valid and no check failed.
    pub passed: bool,
    /// For a JWE when decryption keys were given: how it was decrypted (the
    /// signature and checks are then the token's inside), or why not. Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decryption: Option<crate::token::jwe::DecryptionReport>,
}

/// The signature verdict.
#[derive(Clone, Debug, PartialEq, Serialize)]
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

/// One source of keys; URL sources can be fetched again.
pub struct KeyPart {
    /// The JWKS URL the keys came from, when they did.
    pub url: Option<String>,
    /// The keys.
    pub set: KeySet,
}

/// Verifies the `chosen` tokens of `inspection` with the keys of `parts`,
/// and runs their checks. A JWKS URL part whose keys lack a token's `kid`
/// is fetched once more with `fetch` (keys rotate, OIDC Core §10.1.1).
/// With `args.fetch_issuer_keys`, an SD-JWT VC's issuer keys are fetched
/// with `fetch` too and join the keys ([`issuer_keys_of`]).
pub fn verify_chosen(
    args: &VerifyArgs,
    inspection: &Inspection,
    chosen: &[usize],
    mut parts: Vec<KeyPart>,
    fetch: &mut dyn FnMut(&str) -> Result<String, String>,
) -> VerifyReport {
    let options = crate::token::jwe::DecryptOptions {
        allow_rsa1_5: args.allow_rsa1_5,
    };
    let issuer_keys = if args.fetch_issuer_keys {
        issuer_keys_of(&inspection.tokens, chosen, fetch)
    } else {
        Vec::new()
    };
    // Keys from metadata whose `issuer` is not the `iss` never get here (§5.3).
    parts.extend(
        issuer_keys
            .iter()
            .filter_map(|keys| keys.key_set())
            .map(|set| KeyPart { url: None, set }),
    );
    let mut keys = merged(&parts);
    let mut outcomes: Vec<Option<SignatureOutcome>> = chosen
        .iter()
        .map(|&i| {
            inspection.tokens[i]
                .decoded
                .as_ref()
                .map(|d| verify_decoded_with(d, &keys, options))
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
                    .map(|d| verify_decoded_with(d, &keys, options))
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
                &issuer_keys,
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
    VerifyReport {
        tokenscope: env!("CARGO_PKG_VERSION"),
        now: args.now.unix(),
        now_utc: args.now.to_rfc3339_utc(),
        passed: tokens.iter().all(|t| t.passed),
        tokens,
        keys: keys.rows(),
        key_problems: keys.problems,
        refetched_jwks: refetched,
    }
}

/// Indices of the tokens to verify: with `all`, every JWS, SD-JWT, JWE and
/// undecodable JWT; otherwise the first JWS that is an ID token, else the
/// first JWS or SD-JWT, else the first JWE or undecodable JWT. `None` when there is none.
pub fn choose_tokens(tokens: &[FoundToken], all: bool) -> Option<Vec<usize>> {
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
    // An SD-JWT's issuer JWT is a JWS; a JWE already decrypted reads like one.
    let is_jws = |i: &&usize| {
        matches!(tokens[**i].kind, TokenKind::Jws | TokenKind::SdJwt)
            || (tokens[**i].kind == TokenKind::Jwe && tokens[**i].claims().is_some())
    };
    let first = jwt
        .iter()
        .filter(is_jws)
        .find(|&&i| tokens[i].role == Some(TokenRole::Id))
        .or_else(|| jwt.iter().find(is_jws))
        .or_else(|| jwt.first())?;
    Some(vec![*first])
}

/// The issuer keys of the SD-JWT VCs among the `chosen` tokens, each
/// issuer's fetched once with `fetch` (its JWT VC Issuer Metadata, then the
/// `jwks_uri` it names: draft-ietf-oauth-sd-jwt-vc-14 §5).
pub fn issuer_keys_of(
    tokens: &[FoundToken],
    chosen: &[usize],
    fetch: &mut dyn FnMut(&str) -> Result<String, String>,
) -> Vec<Arc<IssuerKeys>> {
    let mut fetched: Vec<Arc<IssuerKeys>> = Vec::new();
    for token in chosen.iter().filter_map(|&index| tokens.get(index)) {
        let (Some(_), Some(decoded)) = (&token.sd_jwt, &token.decoded) else {
            continue;
        };
        if let Ok(iss) = sd_jwt_vc::credential_issuer(decoded)
            && !fetched.iter().any(|keys| keys.iss == iss)
        {
            fetched.push(Arc::new(sd_jwt_vc::resolve_issuer_keys(iss, fetch)));
        }
    }
    fetched
}

/// What the `issuer_key` row of `token` is computed from when issuer keys
/// were asked for: its issuer's, or for an SD-JWT that is no VC nothing
/// fetched (the row then says why it does not apply).
fn issuer_keys_for(token: &FoundToken, fetched: &[Arc<IssuerKeys>]) -> Arc<IssuerKeys> {
    let decoded = token.decoded.as_ref();
    match decoded.map(sd_jwt_vc::credential_issuer) {
        Some(Ok(iss)) => fetched
            .iter()
            .find(|keys| keys.iss == iss)
            .cloned()
            .unwrap_or_else(|| Arc::new(not_fetched(iss, String::new()))),
        Some(Err(why)) => Arc::new(not_fetched("", why)),
        None => Arc::new(not_fetched("", String::new())),
    }
}

fn not_fetched(iss: &str, why: String) -> IssuerKeys {
    IssuerKeys {
        iss: iss.to_owned(),
        metadata_url: None,
        jwks_uri: None,
        jwks: Err(why),
    }
}

/// A JWKS from a URL; a failed fetch becomes a key problem, not a usage error.
pub fn fetch_jwks(url: &str, fetch: &mut dyn FnMut(&str) -> Result<String, String>) -> KeySet {
    match fetch(url) {
        // A JWKS, or the PEM certificate a provider without JWKS publishes.
        Ok(body) => KeySet::from_text(&body, url),
        Err(message) => KeySet {
            keys: Vec::new(),
            problems: vec![KeyProblem {
                source: format!("JWKS {url}"),
                entry: None,
                message: format!("could not be fetched: {message}"),
            }],
            ..KeySet::default()
        },
    }
}

pub fn merged(parts: &[KeyPart]) -> KeySet {
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
            SignatureOutcome::DecryptionFailed { .. } => "decryption_failed",
            SignatureOutcome::DecryptedUnsigned { .. } => "decrypted_unsigned",
        },
        code: outcome.code(),
        summary: outcome.summary(),
        key: outcome.key().cloned(),
        notes: outcome.notes().to_vec(),
    }
}

/// "ID token", "access token", "token": the title for use inside a sentence.
pub fn lower_title(token: &FoundToken) -> String {
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
pub fn check_kind(args: &VerifyArgs, token: &FoundToken) -> Option<CheckKind> {
    if args.kind.is_some() {
        return args.kind;
    }
    if token.sd_jwt.is_some() {
        return Some(CheckKind::SdJwt);
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
        CheckKind::Access | CheckKind::Userinfo | CheckKind::SdJwt => (
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
    issuer_keys: &[Arc<IssuerKeys>],
) -> VerifiedToken {
    let now = args.now;
    let token = &tokens[index];
    let signature = signature_report(token, outcome);
    let mut notes = Vec::new();
    if let Some(mends) = token.mends.describe() {
        notes.push(format!("mended: {mends}"));
    }
    let header = token.checks_header().cloned().unwrap_or_default();
    let claims = token.claims();
    let checked_as = check_kind(args, token).filter(|_| claims.is_some());
    let checks = match (checked_as, claims, outcome) {
        (Some(kind), Some(claims), Some(outcome)) => {
            let mut expect = expectations(args, kind, tokens, index, &mut notes);
            if args.fetch_issuer_keys && token.sd_jwt.is_some() {
                expect.issuer_keys = Some(issuer_keys_for(token, issuer_keys));
            }
            match kind {
                CheckKind::Id => id_token_checks(claims, &header, outcome, &expect, now),
                CheckKind::Access => access_token_checks(claims, &header, outcome, &expect, now),
                CheckKind::Userinfo => {
                    userinfo_checks(claims, args.id_token_sub.as_deref(), Some(outcome))
                }
                CheckKind::SdJwt => token.sd_jwt.as_ref().map_or_else(Vec::new, |sd| {
                    crate::token::sd_jwt::checks(sd, outcome, &expect, now)
                }),
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
        role: token.role.as_ref().map(TokenRole::name),
        alg: token.header_str("alg").map(str::to_owned),
        kid: token.header_str("kid").map(str::to_owned),
        signature,
        checked_as,
        checks,
        notes,
        passed,
        decryption: decryption_report(token, outcome),
    }
}

/// How a JWE was decrypted (it was opened before), or why not (the outcome says).
fn decryption_report(
    token: &FoundToken,
    outcome: Option<&SignatureOutcome>,
) -> Option<DecryptionReport> {
    if let Some(report) = token.decoded.as_ref().and_then(DecryptionReport::of) {
        return Some(report);
    }
    let SignatureOutcome::DecryptionFailed {
        alg,
        enc,
        code,
        reason,
    } = outcome?
    else {
        return None;
    };
    Some(DecryptionReport {
        status: "failed",
        code: Some(code),
        summary: reason.clone(),
        key: None,
        alg: alg.clone(),
        enc: enc.clone(),
        compressed: false,
        content: None,
        nested_header: None,
        plaintext: None,
        notes: Vec::new(),
    })
}

/// What to verify in one step's answer (a token response, RFC 6749 §5.1):
/// its ID token and its JWT access tokens, with what the run expects of
/// them and where their keys are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnswerVerification {
    /// What the run expects: its profile (issuer, client id), nonce, code and "now".
    pub args: VerifyArgs,
    /// The answer's body.
    pub text: String,
    /// The provider's JWKS URI, when it has one.
    pub jwks_url: Option<String>,
    /// The client secret: the key of an HMAC-signed ID token (OIDC Core §10.1).
    pub client_secret: Option<Secret>,
    /// The ID token a refresh replaces, for the rules of OIDC Core §12.2.
    pub original_id_token: Option<String>,
    /// The provider's clock against ours, in seconds, by the answer's `Date`:
    /// said beside a failed `iat`, `nbf` or `exp` check it explains.
    pub provider_clock_skew: Option<i64>,
    /// The client's decryption keys, for an encrypted ID token (OIDC Core
    /// §10.2); `None` when the run has none.
    pub decryption: Option<DecryptionKeys>,
}

/// The client's private keys a verification decrypts with. Equal when the
/// same keys (by their public rows): no private part is compared or shown.
#[derive(Clone, Debug)]
pub struct DecryptionKeys(pub KeySet);

impl PartialEq for DecryptionKeys {
    fn eq(&self, other: &Self) -> bool {
        self.0.decryption_rows() == other.0.decryption_rows()
    }
}

impl Eq for DecryptionKeys {}

impl AnswerVerification {
    /// Verifies the answer's ID token and JWT access tokens, fetching the
    /// JWKS with `fetch` (once more for an unknown `kid`). `None` when the
    /// answer holds no such token (opaque tokens only).
    pub fn run(
        &self,
        fetch: &mut dyn FnMut(&str) -> Result<String, String>,
    ) -> Option<VerifyReport> {
        let mut inspection = inspect(&self.text, self.args.now);
        if let Some(DecryptionKeys(keys)) = &self.decryption {
            // Open the JWEs first: their claims are what the checks read
            // (RFC 7519 §5.2); one that stays closed says why below.
            crate::token::inspect::decrypt_tokens(
                &mut inspection.tokens,
                keys,
                crate::token::jwe::DecryptOptions::default(),
            );
        }
        let chosen: Vec<usize> = inspection
            .tokens
            .iter()
            .enumerate()
            .filter(|(_, token)| {
                token.kind != TokenKind::Opaque && check_kind(&self.args, token).is_some()
            })
            .map(|(index, _)| index)
            .collect();
        if chosen.is_empty() {
            return None;
        }
        let mut parts = Vec::new();
        let hmac_signed = chosen.iter().any(|&index| {
            inspection.tokens.get(index).is_some_and(|token| {
                token
                    .header_str("alg")
                    .is_some_and(|alg| alg.to_ascii_uppercase().starts_with("HS"))
            })
        });
        if hmac_signed && let Some(secret) = &self.client_secret {
            parts.push(KeyPart {
                url: None,
                set: KeySet::hmac(secret.expose().as_bytes(), "client secret"),
            });
        }
        if let Some(url) = &self.jwks_url {
            parts.push(KeyPart {
                url: Some(url.clone()),
                set: fetch_jwks(url, fetch),
            });
        }
        if let Some(DecryptionKeys(keys)) = &self.decryption {
            parts.push(KeyPart {
                url: None,
                set: keys.clone(),
            });
        }
        let mut report = verify_chosen(&self.args, &inspection, &chosen, parts, fetch);
        for token in &mut report.tokens {
            if let Some(note) = token.decryption.as_ref().and_then(encryption_note) {
                token.notes.insert(0, note);
            }
        }
        if self.jwks_url.is_none() && !hmac_signed {
            for token in &mut report.tokens {
                token.notes.push(
                    "the profile has no JWKS URI (and discovery gave none): there is no key to verify with"
                        .to_owned(),
                );
            }
        }
        if let Some(skew) = self
            .provider_clock_skew
            .and_then(super::provider_clock::describe)
        {
            for row in report.tokens.iter_mut().flat_map(|t| t.checks.iter_mut()) {
                if row.is_fail() && matches!(row.name, "iat" | "nbf" | "exp") {
                    row.reason = format!("{}; {skew}", row.reason);
                }
            }
        }
        if let Some(original) = self.original_id_token.as_deref()
            && let Ok(decoded) = crate::token::jose::decode_unverified(original)
            && let Some(original_claims) = decoded.claims()
        {
            for token in &mut report.tokens {
                let fresh = inspection
                    .tokens
                    .get(token.index)
                    .and_then(FoundToken::claims);
                if token.checked_as == Some(CheckKind::Id)
                    && let Some(fresh) = fresh
                {
                    token
                        .checks
                        .extend(checks::refreshed_id_token_checks(fresh, original_claims));
                    token.passed = token.passed && checks::all_passed(&token.checks);
                }
            }
            report.passed = report.tokens.iter().all(|t| t.passed);
        }
        Some(report)
    }
}

/// "encrypted with RSA-OAEP-256 / A256GCM, decrypted with key K" for a
/// token that was decrypted (K its kid, else its thumbprint).
pub fn encryption_note(decryption: &DecryptionReport) -> Option<String> {
    if decryption.status != "decrypted" {
        return None;
    }
    let key = decryption.key.as_ref()?;
    Some(crate::tr!(
        "verify-encrypted-decrypted",
        alg = decryption.alg.as_deref().unwrap_or("?"),
        enc = decryption.enc.as_deref().unwrap_or("?"),
        key = key
            .kid
            .clone()
            .or_else(|| key.fingerprint.clone())
            .unwrap_or_else(|| key.size.clone())
    ))
}

/// The first thing that failed in a report, said in one line:
/// "ID token: nonce: nonce is … but this run sent …".
pub fn first_failure(report: &VerifyReport) -> Option<String> {
    // The ID token first: it is what the run's identity rests on.
    let token = report
        .tokens
        .iter()
        .find(|t| !t.passed && t.checked_as == Some(CheckKind::Id))
        .or_else(|| report.tokens.iter().find(|t| !t.passed))?;
    let title = &token.title;
    if token.signature.status != "valid" {
        return Some(format!("{title}: signature: {}", token.signature.summary));
    }
    let row = token.checks.iter().find(|row| row.is_fail())?;
    Some(format!(
        "{title}: {}: {} ({})",
        row.name, row.reason, row.spec
    ))
}

/// GETs the JWKS at `url` (OIDC Core §10.1.1, RFC 7517 §5) with the
/// profile's extra headers; the body of any 2xx answer, or why there is none
/// (in `language`: a task may resume on another runtime thread). The one JWKS fetch of the window, `verify`
/// and `run`, and of an SD-JWT VC issuer's JWT VC Issuer Metadata that
/// names its keys (`token::sd_jwt_vc`). A cut key set would read as broken
/// keys, so a cut answer is an error that says so; so is one that is not
/// UTF-8 (JSON between systems is, RFC 8259 §8.1; a PEM is ASCII).
pub async fn fetch_jwks_body(
    client: &reqwest::Client,
    profile: &Profile,
    url: &str,
    options: &ClientOptions,
    language: crate::i18n::Language,
) -> Result<String, String> {
    let mut draft = RequestDraft::get(url);
    for header in &profile.headers {
        draft.set_header(&header.name, header.value.clone());
    }
    let exchange = send(client, &draft, options).await;
    crate::i18n::set_language(language);
    let response = exchange.response.map_err(|e| format!("{url}: {e}"))?;
    if let Some(note) = response.cut_note() {
        return Err(format!("{url}: {note}"));
    }
    if !(200..300).contains(&response.status) {
        return Err(crate::tr!(
            "keys-jwks-http",
            url = url,
            status = response.status,
            body = response.text().chars().take(200).collect::<String>()
        ));
    }
    String::from_utf8(response.body).map_err(|error| {
        crate::tr!(
            "keys-not-utf8",
            url = url,
            at = error.utf8_error().valid_up_to()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEYCLOAK_RESPONSE: &str =
        include_str!("../../tests/fixtures/keycloak-token-response.json");
    const KEYCLOAK_JWKS: &str = include_str!("../../tests/fixtures/keycloak-jwks.json");
    /// The fixtures' `iat`.
    const ISSUED: i64 = 1_795_387_806;

    fn answer(now: i64, skew: Option<i64>) -> AnswerVerification {
        AnswerVerification {
            args: VerifyArgs::new(Timestamp::from_unix(now)),
            text: KEYCLOAK_RESPONSE.to_owned(),
            jwks_url: Some("https://sso.example.test/jwks".to_owned()),
            client_secret: None,
            original_id_token: None,
            provider_clock_skew: skew,
            decryption: None,
        }
    }

    #[test]
    fn a_token_answer_is_verified_with_the_fetched_keys() {
        let mut fetched = 0;
        let report = answer(ISSUED, None)
            .run(&mut |_| {
                fetched += 1;
                Ok(KEYCLOAK_JWKS.to_owned())
            })
            .expect("an ID token to verify");
        assert_eq!(fetched, 1);
        assert!(report.passed, "{:?}", first_failure(&report));
        let id_token = report
            .tokens
            .iter()
            .find(|t| t.checked_as == Some(CheckKind::Id))
            .expect("the ID token");
        assert_eq!(id_token.signature.status, "valid");
        // The refresh token (HS512, Keycloak's realm secret) is no relying
        // party's to verify: it is not among the verified tokens.
        assert!(
            report
                .tokens
                .iter()
                .all(|t| t.role.as_deref() != Some("refresh"))
        );
    }

    #[test]
    fn a_provider_clock_ahead_is_said_beside_the_iat_it_breaks() {
        // Our clock is 5 minutes behind the provider's, which said so in `Date`.
        let report = answer(ISSUED - 300, Some(300))
            .run(&mut |_| Ok(KEYCLOAK_JWKS.to_owned()))
            .expect("an ID token to verify");
        assert!(!report.passed);
        let failure = first_failure(&report).expect("a failure");
        assert!(failure.starts_with("ID token: iat:"), "{failure}");
        assert!(
            failure.contains("the provider's clock is 5 minutes ahead of yours"),
            "{failure}"
        );
    }

    #[test]
    fn an_answer_without_a_jwt_has_nothing_to_verify() {
        let mut opaque = answer(ISSUED, None);
        opaque.text =
            r#"{"access_token":"gho_16C7e42F292c6912E7710c838347Ae178B4a","token_type":"bearer"}"#
                .to_owned();
        assert!(opaque.run(&mut |_| panic!("nothing to fetch")).is_none());
    }
}
