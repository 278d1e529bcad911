//! Verification and checks for every token of a paste: which key
//! verifies each signature, and the relying-party checks each token's role
//! calls for. Plain data for the inspector and the flow panel.

use super::checks::{self, CheckResult, Expectations};
use super::inspect::{FoundToken, TokenRole};
use super::keys::KeySet;
use super::time::Timestamp;
use super::verify::{SignatureOutcome, verify_decoded};

/// Verifies every decoded token's signature with `keys` (`None` for opaque
/// and undecodable tokens). Expensive for GOST: compute once per change.
pub fn signatures(tokens: &[FoundToken], keys: &KeySet) -> Vec<Option<SignatureOutcome>> {
    tokens
        .iter()
        .map(|token| {
            token
                .decoded
                .as_ref()
                .map(|decoded| verify_decoded(decoded, keys))
        })
        .collect()
}

/// A JWE opened with the decryption keys (RFC 7516), and the signature of
/// the token inside.
#[derive(Clone, Debug)]
pub struct Opening {
    /// The token decrypted (its claims, times and rows the plaintext's), when it could be.
    pub opened: Option<Box<FoundToken>>,
    /// Why it could not be, when it could not.
    pub error: Option<super::jwe::JweError>,
    /// The signature of the token inside, or why there is none to check.
    pub signature: SignatureOutcome,
}

impl Opening {
    /// How it was decrypted, when it was.
    pub fn decryption(&self) -> Option<&super::jwe::Decryption> {
        match &self.opened.as_deref()?.decoded {
            Some(super::jose::Decoded::Jwe(jwe)) => {
                jwe.opened.as_deref().map(|opened| &opened.decryption)
            }
            _ => None,
        }
    }

    /// The token to show: decrypted when it could be, else `original`.
    pub fn token<'a>(opening: Option<&'a Self>, original: &'a FoundToken) -> &'a FoundToken {
        opening
            .and_then(|opening| opening.opened.as_deref())
            .unwrap_or(original)
    }
}

/// Opens every JWE of `tokens` the decryption keys of `keys` can, and
/// verifies the token inside with `keys`; `None` for other tokens and when
/// no decryption key is loaded. Expensive (RSA): compute once per change.
pub fn openings(
    tokens: &[FoundToken],
    keys: &KeySet,
    options: super::jwe::DecryptOptions,
) -> Vec<Option<Opening>> {
    tokens
        .iter()
        .map(|token| {
            token.decrypted(keys, options).map(|result| match result {
                Ok(opened) => {
                    let signature = opened.decoded.as_ref().map_or(
                        SignatureOutcome::Encrypted {
                            alg: None,
                            enc: None,
                        },
                        |decoded| super::verify::verify_decoded_with(decoded, keys, options),
                    );
                    Opening {
                        opened: Some(Box::new(opened)),
                        error: None,
                        signature,
                    }
                }
                Err(error) => Opening {
                    opened: None,
                    signature: SignatureOutcome::DecryptionFailed {
                        alg: token.header_str("alg").map(str::to_owned),
                        enc: token.header_str("enc").map(str::to_owned),
                        code: error.code(),
                        reason: error.to_string(),
                    },
                    error: Some(error),
                },
            })
        })
        .collect()
}

/// The check sets of [`crate::token::checks`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckSet {
    /// ID token validation (OIDC Core 1.0 §3.1.3.7).
    IdToken,
    /// JWT access token validation (RFC 9068 §4).
    AccessToken,
    /// SD-JWT and Key Binding JWT verification (RFC 9901 §7.1, §7.3).
    SdJwt,
}

impl CheckSet {
    /// "ID token (OIDC Core §3.1.3.7)", in the thread's language.
    pub fn label(self) -> String {
        match self {
            Self::IdToken => crate::tr!("check-set-id-token"),
            Self::AccessToken => crate::tr!("check-set-access-token"),
            Self::SdJwt => crate::tr!("check-set-sd-jwt"),
        }
    }
}

/// Which check set a token gets: by its role, or by `typ: at+jwt` (RFC 9068 §2.1).
pub fn check_set(token: &FoundToken) -> Option<CheckSet> {
    let typ = token
        .header_str("typ")
        .unwrap_or_default()
        .to_ascii_lowercase();
    if token.sd_jwt.is_some() {
        return Some(CheckSet::SdJwt);
    }
    match token.role {
        Some(TokenRole::Id) => Some(CheckSet::IdToken),
        _ if typ.trim_start_matches("application/") == "at+jwt" => Some(CheckSet::AccessToken),
        _ => None,
    }
}

/// The checks for the token at `index`, with `now` as given. An ID token's
/// `at_hash` is checked against the access token of the same response when
/// the expectations name none.
pub fn checks_for(
    tokens: &[FoundToken],
    index: usize,
    signature: &SignatureOutcome,
    expect: &Expectations,
    now: Timestamp,
) -> Vec<CheckResult> {
    match tokens.get(index) {
        Some(token) => checks_for_token(tokens, token, signature, expect, now),
        None => Vec::new(),
    }
}

/// [`checks_for`] for `token`, one of `tokens` or a JWE of them decrypted
/// ([`FoundToken::decrypted`]): its claims and its inner token's header are checked.
pub fn checks_for_token(
    tokens: &[FoundToken],
    token: &FoundToken,
    signature: &SignatureOutcome,
    expect: &Expectations,
    now: Timestamp,
) -> Vec<CheckResult> {
    if let Some(sd) = &token.sd_jwt {
        return super::sd_jwt::checks(sd, signature, expect, now);
    }
    let (Some(claims), Some(header)) = (token.claims(), token.checks_header()) else {
        return Vec::new();
    };
    match token.role {
        Some(TokenRole::Id) => {
            let mut expect = expect.clone();
            if expect.access_token.is_none() {
                expect.access_token = sibling_access_token(tokens, token);
            }
            checks::id_token_checks(claims, header, signature, &expect, now)
        }
        _ if check_set(token).is_some() => {
            checks::access_token_checks(claims, header, signature, expect, now)
        }
        _ => Vec::new(),
    }
}

/// The access token that came in the same response as `token`.
fn sibling_access_token(tokens: &[FoundToken], token: &FoundToken) -> Option<String> {
    let response = token.response.as_ref()?;
    tokens
        .iter()
        .find(|t| {
            t.role == Some(TokenRole::Access)
                && t.response
                    .as_ref()
                    .is_some_and(|r| std::sync::Arc::ptr_eq(r, response))
        })
        .map(|t| t.value.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::checks::CheckStatus;
    use crate::token::find_tokens;

    #[test]
    fn keycloak_id_token_verifies_and_passes_with_at_hash_from_the_same_response() {
        let text = include_str!("../../tests/fixtures/keycloak-token-response.json");
        let now = Timestamp::from_unix(1_795_387_806);
        let inspection = find_tokens(text, now);
        let keys = KeySet::from_jwks_json(
            include_str!("../../tests/fixtures/keycloak-jwks.json"),
            "keycloak-jwks.json",
        );
        let signatures = signatures(&inspection.tokens, &keys);
        let id = inspection
            .tokens
            .iter()
            .position(|t| t.role == Some(TokenRole::Id))
            .expect("id token");
        let signature = signatures[id].clone().expect("decoded");
        assert!(signature.is_valid(), "{}", signature.summary());
        let expect = Expectations {
            issuer: Some("https://sso.example.test/realms/partner-realm".to_owned()),
            client_id: Some("fe-client".to_owned()),
            nonce: Some("n-0S6_WzA2Mj".to_owned()),
            ..Expectations::default()
        };
        let rows = checks_for(&inspection.tokens, id, &signature, &expect, now);
        let failed: Vec<_> = rows
            .iter()
            .filter(|r| r.status == CheckStatus::Fail)
            .collect();
        assert!(failed.is_empty(), "{failed:?}");
        let at_hash = rows
            .iter()
            .find(|r| r.name == "at_hash")
            .expect("at_hash row");
        assert_eq!(at_hash.status, CheckStatus::Pass, "{at_hash:?}");
    }
}
