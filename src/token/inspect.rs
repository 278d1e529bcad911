//! From pasted text to the list of distinct tokens it holds, each decoded
//! and explained. This is what the inspector panel and `tokenscope decode`
//! show.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use super::claims::{ClaimRow, MAX_CLAIM_ROWS, claim_rows_within, header_rows, time_claims};
use super::extract::{Candidate, Mends, Origin, ResponseContext, find_candidates, merge_mends};
use super::jose::{Decoded, JoseError, JsonObject, decode_unverified};
use super::sd_jwt::{SEPARATOR, SdJwt, process, split};
use super::time::{TimeClaim, TimeMeaning, TimeValue, Timestamp};

/// At most this many distinct tokens are kept from one paste; the rest are
/// counted, so a hostile 10 MB paste cannot exhaust memory or the screen.
pub const MAX_TOKENS: usize = 2_000;

/// At most this many claim rows are listed for all the tokens of a paste
/// together (each token at most [`MAX_CLAIM_ROWS`]): 2,000 tokens of a
/// thousand tiny claims each would otherwise cost gigabytes.
const MAX_ROWS_PER_PASTE: usize = 200_000;

/// At most this many distinct places are kept for one token (the same token
/// under a thousand field names is still counted in `occurrences`).
const MAX_ORIGINS: usize = 32;

/// What kind of token a string is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    /// A signed JWT / JWS (3 segments).
    Jws,
    /// An encrypted JWT / JWE (5 segments).
    Jwe,
    /// An SD-JWT (RFC 9901 §4): an issuer-signed JWT, `~`, Disclosures, and
    /// perhaps a Key Binding JWT.
    SdJwt,
    /// An opaque string: only the issuer can tell what it means (introspection, RFC 7662).
    Opaque,
    /// Looks like a JWT but could not be decoded.
    Unknown,
}

impl TokenKind {
    /// Short label: "JWS", "JWE", "opaque", "unknown".
    pub fn label(self) -> &'static str {
        match self {
            Self::Jws => "JWS",
            Self::Jwe => "JWE",
            Self::SdJwt => "SD-JWT",
            Self::Opaque => "opaque",
            Self::Unknown => "unknown",
        }
    }
}

/// What a token is for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenRole {
    /// An access token, for resource servers.
    Access,
    /// An `OpenID` Connect ID token, for the client.
    Id,
    /// A refresh token, for the token endpoint.
    Refresh,
    /// An authorization code from a redirect.
    AuthorizationCode,
    /// A back-channel logout token.
    Logout,
    /// A verifiable credential: an SD-JWT VC's issuer-signed JWT (`typ`
    /// `dc+sd-jwt`, earlier `vc+sd-jwt`, or a `vct` claim;
    /// draft-ietf-oauth-sd-jwt-vc §3.2.1, §3.2.2.1).
    Credential,
    /// Another named token (`subject_token`, `actor_token`, …).
    Other(String),
}

impl TokenRole {
    /// The role's name in JSON reports: `access`, `id`, `refresh`,
    /// `authorization_code`, `logout` or the field's own name.
    pub fn name(&self) -> String {
        match self {
            Self::Access => "access".to_owned(),
            Self::Id => "id".to_owned(),
            Self::Refresh => "refresh".to_owned(),
            Self::AuthorizationCode => "authorization_code".to_owned(),
            Self::Logout => "logout".to_owned(),
            Self::Credential => "credential".to_owned(),
            Self::Other(name) => name.clone(),
        }
    }

    /// "Access token", "ID token", …
    pub fn label(&self) -> String {
        match self {
            Self::Access => crate::tr!("role-access"),
            Self::Id => crate::tr!("role-id"),
            Self::Refresh => crate::tr!("role-refresh"),
            Self::AuthorizationCode => crate::tr!("role-code"),
            Self::Logout => crate::tr!("role-logout"),
            Self::Credential => crate::tr!("role-credential"),
            Self::Other(name) => name.clone(),
        }
    }
}

/// The recognisable shape of an opaque token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OpaqueShape {
    /// A UUID (`c96bf463-375a-…`), as MOEX's passport grant returns.
    Uuid,
    /// A UUID with a numeric suffix (`3fe93b4f-…-1`), as `SberBusiness` ID returns.
    UuidWithSuffix,
    /// A GitHub token; the prefix names its kind.
    #[serde(rename = "github")]
    GitHub(String),
    /// Hexadecimal digits only.
    Hex,
    /// Anything else.
    Random,
}

impl OpaqueShape {
    /// Plain words for the shape.
    pub fn describe(&self) -> String {
        match self {
            Self::Uuid => crate::tr!("shape-uuid"),
            Self::UuidWithSuffix => crate::tr!("shape-uuid-suffix"),
            Self::GitHub(kind) => crate::tr!("shape-github", kind = kind.as_str()),
            Self::Hex => crate::tr!("shape-hex"),
            Self::Random => crate::tr!("shape-random"),
        }
    }
}

/// One distinct token found in a paste.
#[derive(Clone, Debug, PartialEq)]
pub struct FoundToken {
    /// The token, mended.
    pub value: String,
    /// JWS, JWE, opaque or unknown.
    pub kind: TokenKind,
    /// What it is for, when that can be told.
    pub role: Option<TokenRole>,
    /// How the role was told ("from the response field `id_token`").
    pub role_reason: Option<String>,
    /// How many times it appears in the paste.
    pub occurrences: usize,
    /// Where it was found (distinct).
    pub origins: Vec<Origin>,
    /// What had to be mended.
    pub mends: Mends,
    /// The decoded token, when it is a JWS or JWE.
    pub decoded: Option<Decoded>,
    /// The header, also when a later part failed to decode.
    pub header: Option<JsonObject>,
    /// Why decoding failed.
    pub error: Option<JoseError>,
    /// Time claims and lifetimes computed from the response.
    pub times: Vec<TimeClaim>,
    /// The response it came in.
    pub response: Option<Arc<ResponseContext>>,
    /// For an opaque token, its shape.
    pub opaque: Option<OpaqueShape>,
    /// The claims as table rows (empty when there are none).
    pub claim_rows: Vec<ClaimRow>,
    /// The header as table rows.
    pub header_rows: Vec<ClaimRow>,
    /// For an SD-JWT, its Disclosures, processed payload and Key Binding
    /// JWT; `decoded` and `header` are then its issuer-signed JWT's.
    pub sd_jwt: Option<Box<SdJwt>>,
}

impl FoundToken {
    /// The claims, when decoded; for an SD-JWT the processed payload, the
    /// disclosed claims in place (RFC 9901 §7.1).
    pub fn claims(&self) -> Option<&JsonObject> {
        if let Some(sd) = &self.sd_jwt {
            return Some(&sd.processed);
        }
        self.decoded.as_ref().and_then(Decoded::claims)
    }

    /// A header parameter as a string.
    pub fn header_str(&self, name: &str) -> Option<&str> {
        self.header.as_ref()?.get(name)?.as_str()
    }

    /// The header the relying-party checks read: a decrypted JWE's inner
    /// token's ([`Decoded::claims_header`]), else the token's own.
    pub fn checks_header(&self) -> Option<&JsonObject> {
        self.decoded
            .as_ref()
            .map(Decoded::claims_header)
            .or(self.header.as_ref())
    }

    /// "ID token", or "Token" when the role is unknown.
    pub fn title(&self) -> String {
        self.role
            .as_ref()
            .map_or_else(|| crate::tr!("role-unknown"), TokenRole::label)
    }

    /// This token with its JWE decrypted by the decryption keys of `keys`
    /// ([`super::jwe::open`]): its claims, times and claim rows are then the
    /// plaintext's, and its role may be told from them. `None` when it is not
    /// a closed JWE or there is no decryption key.
    pub fn decrypted(
        &self,
        keys: &super::keys::KeySet,
        options: super::jwe::DecryptOptions,
    ) -> Option<Result<Self, super::jwe::JweError>> {
        let Some(Decoded::Jwe(jwe)) = &self.decoded else {
            return None;
        };
        if jwe.opened.is_some() || !keys.can_decrypt() {
            return None;
        }
        Some(super::jwe::open(jwe, keys, options).map(|opened| {
            let mut token = self.clone();
            token.decoded = Some(Decoded::Jwe(opened));
            if let Some(claims) = token.claims() {
                let mut times = time_claims(claims);
                let rows = claim_rows_within(claims, MAX_CLAIM_ROWS);
                // Lifetimes counted from the paste (`expires_in`) stay.
                times.extend(
                    self.times
                        .iter()
                        .filter(|time| time.computed_from.is_some())
                        .cloned(),
                );
                token.times = times;
                token.claim_rows = rows;
            }
            if token.role.is_none()
                && let Some((role, reason)) = tell_role(&token)
            {
                token.role = Some(role);
                token.role_reason = Some(reason);
            }
            token
        }))
    }

    /// "JWS · RS256 · kid kc-rsa-1", "opaque · a UUID".
    pub fn summary(&self) -> String {
        let mut parts = vec![self.kind.label().to_owned()];
        if let Some(alg) = self.header_str("alg") {
            parts.push(alg.to_owned());
        }
        if let Some(enc) = self.header_str("enc") {
            parts.push(enc.to_owned());
        }
        if let Some(kid) = self.header_str("kid") {
            parts.push(format!("kid {kid}"));
        }
        if let Some(shape) = &self.opaque {
            parts.push(shape.describe());
        }
        if let Some(sd) = &self.sd_jwt {
            parts.push(crate::tr!(
                "sd-summary-disclosures",
                count = sd.disclosures.len()
            ));
            if sd.key_binding.is_some() {
                parts.push("KB-JWT".to_owned());
            }
        }
        parts.join(" · ")
    }
}

/// The distinct tokens of a text, in order of first appearance.
#[derive(Clone, Debug, PartialEq)]
pub struct FoundTokens {
    /// Distinct tokens in order of first appearance.
    pub tokens: Vec<FoundToken>,
    /// Occurrences of tokens not kept: of distinct tokens beyond
    /// [`MAX_TOKENS`], and any beyond [`super::extract::MAX_CANDIDATES`].
    pub dropped: usize,
}

/// Opens every closed JWE of `tokens` with the decryption keys of `keys`
/// ([`FoundToken::decrypted`]), in place; the ones that stay closed, by
/// index, with why. Nothing happens without a decryption key.
pub fn decrypt_tokens(
    tokens: &mut [FoundToken],
    keys: &super::keys::KeySet,
    options: super::jwe::DecryptOptions,
) -> Vec<(usize, super::jwe::JweError)> {
    let mut failures = Vec::new();
    for (index, token) in tokens.iter_mut().enumerate() {
        match token.decrypted(keys, options) {
            Some(Ok(opened)) => *token = opened,
            Some(Err(error)) => failures.push((index, error)),
            None => {}
        }
    }
    failures
}

/// Finds, de-duplicates, decodes and explains every token in `text`
/// (linear in the text; at most [`MAX_TOKENS`] kept). A whole paste, with
/// its error answers and size limit, is read by `crate::paste::inspect`.
pub fn find_tokens(text: &str, pasted_at: Timestamp) -> FoundTokens {
    let mut tokens: Vec<FoundToken> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let candidates = find_candidates(text);
    let mut dropped = candidates.left_out;
    let mut rows_left = MAX_ROWS_PER_PASTE;
    for candidate in candidates.found {
        if let Some(known) = index.get(&candidate.value).and_then(|&i| tokens.get_mut(i)) {
            absorb(known, candidate, pasted_at);
        } else if tokens.len() < MAX_TOKENS {
            index.insert(candidate.value.clone(), tokens.len());
            tokens.push(build(candidate, pasted_at, &mut rows_left));
        } else {
            dropped += 1;
        }
    }
    FoundTokens { tokens, dropped }
}

fn build(candidate: Candidate, pasted_at: Timestamp, rows_left: &mut usize) -> FoundToken {
    let Candidate {
        value,
        origin,
        mends,
        response,
        ..
    } = candidate;
    let mut token = FoundToken {
        kind: TokenKind::Opaque,
        role: None,
        role_reason: None,
        occurrences: 1,
        origins: vec![origin],
        mends,
        decoded: None,
        header: None,
        error: None,
        times: Vec::new(),
        response: None,
        opaque: None,
        claim_rows: Vec::new(),
        header_rows: Vec::new(),
        sd_jwt: None,
        value,
    };
    let sd_jwt = if token.value.contains(SEPARATOR)
        && let Some(parts) = split(&token.value)
        && looks_like_jose(parts.issuer_jwt)
    {
        Some(parts)
    } else {
        None
    };
    if let Some(parts) = sd_jwt {
        match decode_unverified(parts.issuer_jwt) {
            Ok(decoded) => {
                let sd = process(&parts, &decoded);
                token.kind = TokenKind::SdJwt;
                token.header = Some(decoded.header().clone());
                token.times = time_claims(&sd.processed);
                // Listed as shown: disclosed claims in place, withheld digests where they sit.
                token.claim_rows = claim_rows_within(&sd.shown, MAX_CLAIM_ROWS.min(*rows_left));
                *rows_left = rows_left.saturating_sub(token.claim_rows.len());
                token.decoded = Some(decoded);
                token.sd_jwt = Some(Box::new(sd));
            }
            Err(failure) => {
                token.kind = TokenKind::Unknown;
                token.header = failure.header;
                token.error = Some(failure.error);
            }
        }
    } else if looks_like_jose(&token.value) {
        match decode_unverified(&token.value) {
            Ok(decoded) => {
                token.kind = match decoded {
                    Decoded::Jws(_) => TokenKind::Jws,
                    Decoded::Jwe(_) => TokenKind::Jwe,
                };
                token.header = Some(decoded.header().clone());
                if let Some(claims) = decoded.claims() {
                    token.times = time_claims(claims);
                    token.claim_rows = claim_rows_within(claims, MAX_CLAIM_ROWS.min(*rows_left));
                    *rows_left = rows_left.saturating_sub(token.claim_rows.len());
                }
                token.decoded = Some(decoded);
            }
            Err(failure) => {
                token.kind = TokenKind::Unknown;
                token.header = failure.header;
                token.error = Some(failure.error);
            }
        }
    } else {
        token.opaque = Some(opaque_shape(&token.value));
    }
    if let Some(header) = &token.header {
        token.header_rows = header_rows(header);
    }
    if let Some((role, reason)) = tell_role(&token) {
        token.role = Some(role);
        token.role_reason = Some(reason);
    }
    attach_response(&mut token, response, pasted_at);
    token
}

/// A second occurrence of a known token: count it, keep what it adds.
fn absorb(token: &mut FoundToken, candidate: Candidate, pasted_at: Timestamp) {
    token.occurrences += 1;
    merge_mends(&mut token.mends, &candidate.mends);
    if token.origins.len() < MAX_ORIGINS && !token.origins.contains(&candidate.origin) {
        token.origins.push(candidate.origin);
    }
    if token.role.is_none()
        && let Some((role, reason)) = tell_role(token)
    {
        token.role = Some(role);
        token.role_reason = Some(reason);
    }
    if token.response.is_none() {
        attach_response(token, candidate.response, pasted_at);
    }
}

fn attach_response(
    token: &mut FoundToken,
    response: Option<Arc<ResponseContext>>,
    pasted_at: Timestamp,
) {
    let Some(response) = response else { return };
    let lifetime_field = match token.role {
        Some(TokenRole::Access) => Some("expires_in"),
        Some(TokenRole::Refresh) => Some("refresh_expires_in"),
        _ => None,
    };
    if let Some(field) = lifetime_field
        && let Some(written) = response.get(field)
        && let Some(end) = TimeValue::after_lifetime(pasted_at, written)
    {
        token.times.push(TimeClaim {
            name: field.to_owned(),
            at: end.at,
            meaning: TimeMeaning::Expiry,
            computed_from: Some(format!(
                "{field} = {} s, counted from the paste",
                written.trim()
            )),
            not_real: end.not_real,
        });
    }
    token.response = Some(response);
}

/// Compact JOSE starts with a base64url JSON object: `eyJ` is `{"`.
fn looks_like_jose(value: &str) -> bool {
    let dots = value.matches('.').count();
    value.starts_with("eyJ") || ((dots == 2 || dots == 4) && value.starts_with("ey"))
}

fn opaque_shape(value: &str) -> OpaqueShape {
    const GITHUB: &[(&str, &str)] = &[
        ("gho_", "OAuth app access token"),
        ("ghu_", "user-to-server access token"),
        ("ghs_", "installation access token"),
        ("ghr_", "refresh token"),
        ("ghp_", "personal access token"),
        ("github_pat_", "fine-grained personal access token"),
    ];
    if let Some((_, kind)) = GITHUB.iter().find(|(prefix, _)| value.starts_with(prefix)) {
        return OpaqueShape::GitHub((*kind).to_owned());
    }
    let is_uuid = |s: &str| {
        let groups: Vec<&str> = s.split('-').collect();
        groups.len() == 5
            && groups
                .iter()
                .zip([8, 4, 4, 4, 12])
                .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
    };
    if is_uuid(value) {
        return OpaqueShape::Uuid;
    }
    if let Some((head, suffix)) = value.rsplit_once('-')
        && is_uuid(head)
        && !suffix.is_empty()
        && suffix.chars().all(|c| c.is_ascii_digit())
    {
        return OpaqueShape::UuidWithSuffix;
    }
    if value.len() >= 16 && value.chars().all(|c| c.is_ascii_hexdigit()) {
        return OpaqueShape::Hex;
    }
    OpaqueShape::Random
}

/// Tells the role from, in order: the field it came in, the `typ` header,
/// Keycloak's `typ` claim, telling claims, an opaque token's prefix.
fn tell_role(token: &FoundToken) -> Option<(TokenRole, String)> {
    for origin in &token.origins {
        let Some(field) = origin.field_name() else {
            continue;
        };
        let role = match field {
            "access_token" => TokenRole::Access,
            "id_token" => TokenRole::Id,
            "refresh_token" => TokenRole::Refresh,
            "code" => TokenRole::AuthorizationCode,
            "logout_token" => TokenRole::Logout,
            "token" | "issued_token" => continue,
            other => TokenRole::Other(other.to_owned()),
        };
        return Some((role, crate::tr!("reason-response-field", field = field)));
    }
    if let Some(typ) = token.header_str("typ") {
        let typ_lower = typ.to_ascii_lowercase();
        let role = match typ_lower.trim_start_matches("application/") {
            "at+jwt" => Some(TokenRole::Access),
            "logout+jwt" => Some(TokenRole::Logout),
            "dc+sd-jwt" | "vc+sd-jwt" => Some(TokenRole::Credential),
            _ => None,
        };
        if let Some(role) = role {
            return Some((role, crate::tr!("reason-typ-header", typ = typ)));
        }
    }
    let claims = token.claims();
    if let Some(typ) = claims.and_then(|c| c.get("typ")).and_then(Value::as_str) {
        let role = match typ {
            "Bearer" => Some(TokenRole::Access),
            "ID" => Some(TokenRole::Id),
            "Refresh" | "Offline" => Some(TokenRole::Refresh),
            "Logout" => Some(TokenRole::Logout),
            _ => None,
        };
        if let Some(role) = role {
            return Some((role, crate::tr!("reason-keycloak-typ", typ = typ)));
        }
    }
    if let Some(claims) = claims {
        if let Some(name) = ["nonce", "at_hash", "c_hash"]
            .into_iter()
            .find(|n| claims.contains_key(*n))
        {
            return Some((
                TokenRole::Id,
                crate::tr!("reason-id-only-claim", name = name),
            ));
        }
        if claims.contains_key("events") {
            return Some((TokenRole::Logout, crate::tr!("reason-events")));
        }
        if claims.contains_key("vct") {
            return Some((
                TokenRole::Credential,
                crate::tr!("reason-claim", name = "vct"),
            ));
        }
        if let Some(name) = ["scope", "scp", "client_id"]
            .into_iter()
            .find(|n| claims.contains_key(*n))
        {
            return Some((TokenRole::Access, crate::tr!("reason-claim", name = name)));
        }
    }
    if let Some(OpaqueShape::GitHub(kind)) = &token.opaque {
        let role = if kind.contains("refresh") {
            TokenRole::Refresh
        } else {
            TokenRole::Access
        };
        return Some((role, "from the GitHub token prefix".to_owned()));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Language, set_language};
    use crate::token::jose::encode_segment;

    const NOW: Timestamp = Timestamp::from_unix(1_795_387_806);

    fn jwt(claims: &str) -> String {
        format!(
            "{}.{}.{}",
            encode_segment(br#"{"alg":"RS256","kid":"k"}"#),
            encode_segment(claims.as_bytes()),
            encode_segment(&[1; 32])
        )
    }

    /// An SD-JWT VC's issuer-signed JWT is a credential, told by its `typ`
    /// (`dc+sd-jwt`, or the earlier `vc+sd-jwt`) or, without one, its `vct`
    /// claim; before a `scope` or `client_id` would call it an access token.
    #[test]
    fn an_sd_jwt_vc_is_a_credential() {
        let with_typ = |typ: &str| {
            format!(
                "{}.{}.{}",
                encode_segment(format!(r#"{{"alg":"ES256","typ":"{typ}"}}"#).as_bytes()),
                encode_segment(br#"{"iss":"https://issuer.example","client_id":"c"}"#),
                encode_segment(&[1; 64])
            )
        };
        for typ in ["dc+sd-jwt", "vc+sd-jwt"] {
            let inspection = find_tokens(&with_typ(typ), NOW);
            let token = &inspection.tokens[0];
            assert_eq!(token.role, Some(TokenRole::Credential), "{typ}");
            assert_eq!(
                token.role_reason.as_deref(),
                Some(format!("from the typ header {typ}").as_str())
            );
        }
        let by_claim = jwt(r#"{"vct":"https://credentials.example/identity","scope":"x"}"#);
        let inspection = find_tokens(&by_claim, NOW);
        let token = &inspection.tokens[0];
        assert_eq!(token.role, Some(TokenRole::Credential));
        assert_eq!(token.role_reason.as_deref(), Some("from the vct claim"));
        assert_eq!(TokenRole::Credential.name(), "credential");
        set_language(Language::Ru);
        assert_eq!(TokenRole::Credential.label(), "Удостоверение (SD-JWT VC)");
        set_language(Language::En);
    }

    #[test]
    fn absurd_times_are_shown_as_what_they_are_in_both_languages() {
        let token = jwt(
            r#"{"exp":1e300,"iat":-5,"nbf":1795387806.5,"auth_time":253402300800,"scope":"openid"}"#,
        );
        let paste =
            format!(r#"{{"access_token":"{token}","expires_in":1.8e23,"token_type":"Bearer"}}"#);
        let inspection = find_tokens(&paste, NOW);
        let token = &inspection.tokens[0];
        let not_real: Vec<(&str, Option<&str>)> = token
            .times
            .iter()
            .map(|t| (t.name.as_str(), t.not_real.as_deref()))
            .collect();
        assert_eq!(
            not_real,
            [
                ("exp", Some("1e+300")),
                ("iat", Some("-5")),
                ("nbf", None),
                ("auth_time", Some("253402300800")),
                ("expires_in", Some("1.8e23")),
            ]
        );
        let phrases = |language| {
            set_language(language);
            let phrases: Vec<String> = token.times.iter().map(|t| t.status(NOW).phrase).collect();
            set_language(Language::En);
            phrases
        };
        let en = phrases(Language::En);
        assert_eq!(en[0], "exp is 1e+300: not a real instant");
        assert_eq!(en[4], "expires_in is 1.8e23 s: not a real lifetime");
        let ru = phrases(Language::Ru);
        assert_eq!(ru[1], "iat = -5: это не настоящий момент времени");
        assert_eq!(ru[4], "expires_in = 1.8e23 с: это не настоящий срок жизни");
        // Never wrapped: the far future stays in the future.
        assert_eq!(token.times[0].at.unix(), i64::MAX);
        assert_eq!(token.times[4].at.unix(), i64::MAX);
    }
}
