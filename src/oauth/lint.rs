//! Lint before sending: the mistakes we can see coming in a request that has
//! not gone out yet. Warnings only; the user may send anyway.

use serde::Serialize;

use super::discovery::ProviderMetadata;
use crate::i18n::Text;
use crate::net::RequestDraft;
use crate::text;

/// Which mistake.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LintKind {
    /// `redirect_uri` at the token endpoint differs from the authorization request's (RFC 6749 §4.1.3).
    RedirectUriDiffers,
    /// The authorization code was sent before (RFC 6749 §4.1.2: codes work once).
    CodeAlreadyUsed,
    /// The client secret has spaces or line breaks around it.
    SecretWhitespace,
    /// `openid` is missing from scope while the provider issues ID tokens (OIDC Core §3.1.2.1).
    OpenidMissing,
    /// A GitHub token request without `Accept: application/json` gets a form-encoded answer.
    GithubWithoutAcceptJson,
    /// An `http://` redirect URI that is not loopback (RFC 6749 §3.1.2.1, RFC 8252 §7.3).
    InsecureRedirectUri,
    /// state shorter than the bank's 36 characters.
    StateTooShort,
    /// nonce shorter than the bank's 10 characters.
    NonceTooShort,
    /// A client authentication method the provider's metadata does not list (RFC 8414 §2).
    AuthMethodNotListed,
    /// A PKCE method the provider's metadata does not list (RFC 8414 §2, RFC 7636 §4.3).
    PkceMethodNotListed,
    /// A CIBA request in ping mode to a provider whose metadata does not
    /// list ping (`backchannel_token_delivery_modes_supported`, CIBA Core §4).
    PingNotListed,
}

/// One warning about a request about to be sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Lint {
    /// Which mistake.
    pub kind: LintKind,
    /// What is wrong and what to do, in both languages.
    pub message: Text,
    /// The spec section or provider document behind the rule.
    pub source: &'static str,
}

/// What the request is checked against.
#[derive(Clone, Copy, Debug, Default)]
pub struct LintContext<'a> {
    /// The profile's preset (`github`, `sber-business-id`, …).
    pub provider: Option<&'a str>,
    /// `redirect_uri` of this run's authorization request, when one was made.
    pub authorize_redirect_uri: Option<&'a str>,
    /// Whether this run's code was sent already.
    pub code_already_sent: bool,
    /// The client secret as stored.
    pub secret: Option<&'a str>,
    /// Whether the provider issues ID tokens (an OpenID provider).
    pub expects_id_token: bool,
    /// The provider's metadata, once discovered.
    pub metadata: Option<&'a ProviderMetadata>,
}

/// The bank's minimum lengths (SberBusiness ID partner documentation).
const BANK_MIN_STATE: usize = 36;
const BANK_MIN_NONCE: usize = 10;
const BANK: &str = "sber-business-id";

/// The request's parameters: URL query, then form body.
fn parameters(draft: &RequestDraft) -> Vec<(String, String)> {
    let mut params: Vec<(String, String)> = draft
        .url
        .split_once('?')
        .map(|(_, query)| {
            form_urlencoded::parse(query.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default();
    let is_form = draft
        .header("content-type")
        .is_none_or(|t| t.contains("x-www-form-urlencoded"));
    if is_form && !draft.body.is_empty() {
        params.extend(draft.form_fields());
    }
    params
}

/// Warnings for `draft` (an authorization request URL as a `GET`, or a
/// back-channel request) in `context`.
pub fn lint(draft: &RequestDraft, context: &LintContext<'_>) -> Vec<Lint> {
    let params = parameters(draft);
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let is_authorize = get("response_type").is_some();
    let grant = get("grant_type");
    let mut lints = Vec::new();
    if grant == Some("authorization_code") {
        code_exchange(get("redirect_uri"), context, &mut lints);
    }
    if let Some(redirect) = get("redirect_uri") {
        insecure_redirect(redirect, &mut lints);
    }
    if !is_authorize && draft.method.eq_ignore_ascii_case("POST") {
        secret_whitespace(draft, get("client_secret"), context, &mut lints);
        github_accept(draft, context, &mut lints);
        auth_method(draft, &params, context, &mut lints);
        if get("client_notification_token").is_some() {
            ping_mode(context, &mut lints);
        }
    }
    if is_authorize {
        authorize_request(&get, context, &mut lints);
    }
    lints
}

/// A backchannel authentication request carrying a
/// `client_notification_token` asks for ping mode (CIBA Core §7.1): the
/// provider's metadata should list it, or no ping will come.
fn ping_mode(context: &LintContext<'_>, lints: &mut Vec<Lint>) {
    let Some(listed) = context
        .metadata
        .and_then(|metadata| metadata.list("backchannel_token_delivery_modes_supported"))
    else {
        return;
    };
    if !listed.contains(&"ping") {
        lints.push(Lint {
            kind: LintKind::PingNotListed,
            message: text!("lint-ping-not-listed", list = listed.join(", ")),
            source: "OpenID CIBA Core 1.0 §4",
        });
    }
}

fn code_exchange(redirect: Option<&str>, context: &LintContext<'_>, lints: &mut Vec<Lint>) {
    if context.code_already_sent {
        lints.push(Lint {
            kind: LintKind::CodeAlreadyUsed,
            message: text!("lint-code-already-used"),
            source: "RFC 6749 §4.1.2",
        });
    }
    if let Some(authorized) = context.authorize_redirect_uri
        && redirect != Some(authorized)
    {
        let message = if let Some(sent) = redirect {
            text!(
                "lint-redirect-uri-differs",
                sent = sent,
                authorized = authorized
            )
        } else {
            text!("lint-redirect-uri-missing", authorized = authorized)
        };
        lints.push(Lint {
            kind: LintKind::RedirectUriDiffers,
            message,
            source: "RFC 6749 §4.1.3",
        });
    }
}

fn insecure_redirect(redirect: &str, lints: &mut Vec<Lint>) {
    let Some(rest) = redirect.strip_prefix("http://") else {
        return;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = if let Some(bracketed) = authority.strip_prefix('[') {
        bracketed.split(']').next().unwrap_or_default()
    } else {
        authority.split(':').next().unwrap_or_default()
    };
    let loopback = host == "localhost"
        || host == "::1"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback());
    if !loopback {
        lints.push(Lint {
            kind: LintKind::InsecureRedirectUri,
            message: text!("lint-insecure-redirect", redirect = redirect),
            source: "RFC 6749 §3.1.2.1, RFC 8252 §7.3",
        });
    }
}

fn secret_whitespace(
    draft: &RequestDraft,
    sent_secret: Option<&str>,
    context: &LintContext<'_>,
    lints: &mut Vec<Lint>,
) {
    let padded = |s: &str| !s.is_empty() && s.trim() != s;
    let sends_secret = sent_secret.is_some()
        || draft
            .header("authorization")
            .is_some_and(|h| h.starts_with("Basic "));
    if sent_secret.is_some_and(padded) || (sends_secret && context.secret.is_some_and(padded)) {
        lints.push(Lint {
            kind: LintKind::SecretWhitespace,
            message: text!("lint-secret-whitespace"),
            source: "RFC 6749 §2.3.1",
        });
    }
}

fn is_github(draft: &RequestDraft, context: &LintContext<'_>) -> bool {
    context.provider == Some("github") || draft.url.starts_with("https://github.com/")
}

fn github_accept(draft: &RequestDraft, context: &LintContext<'_>, lints: &mut Vec<Lint>) {
    let json = draft
        .header("accept")
        .is_some_and(|a| a.contains("application/json"));
    if is_github(draft, context) && !json {
        lints.push(Lint {
            kind: LintKind::GithubWithoutAcceptJson,
            message: text!("lint-github-accept-json"),
            source: "GitHub Docs, Authorizing OAuth apps",
        });
    }
}

/// The client authentication method a request uses.
fn method_of(draft: &RequestDraft, params: &[(String, String)]) -> &'static str {
    let has = |name: &str| params.iter().any(|(k, _)| k == name);
    if draft
        .header("authorization")
        .is_some_and(|h| h.starts_with("Basic "))
    {
        "client_secret_basic"
    } else if has("client_assertion") {
        "private_key_jwt"
    } else if has("client_secret") {
        "client_secret_post"
    } else {
        "none"
    }
}

fn auth_method(
    draft: &RequestDraft,
    params: &[(String, String)],
    context: &LintContext<'_>,
    lints: &mut Vec<Lint>,
) {
    let Some(metadata) = context.metadata else {
        return;
    };
    let url = draft.url.split('?').next().unwrap_or_default();
    let list_name = if metadata.str("introspection_endpoint") == Some(url) {
        "introspection_endpoint_auth_methods_supported"
    } else if metadata.str("revocation_endpoint") == Some(url) {
        "revocation_endpoint_auth_methods_supported"
    } else {
        "token_endpoint_auth_methods_supported"
    };
    let Some(listed) = metadata
        .list(list_name)
        .or_else(|| metadata.list("token_endpoint_auth_methods_supported"))
    else {
        return;
    };
    let method = method_of(draft, params);
    // A private_key_jwt assertion may be client_secret_jwt; either listed is fine.
    let fits = listed.contains(&method)
        || (method == "private_key_jwt" && listed.contains(&"client_secret_jwt"));
    if !fits {
        let list = listed.join(", ");
        lints.push(Lint {
            kind: LintKind::AuthMethodNotListed,
            message: text!(
                "lint-auth-method-not-listed",
                method = method,
                list_name = list_name,
                list = list
            ),
            source: "RFC 8414 §2",
        });
    }
}

fn authorize_request<'p>(
    get: &dyn Fn(&str) -> Option<&'p str>,
    context: &LintContext<'_>,
    lints: &mut Vec<Lint>,
) {
    let scope = get("scope").unwrap_or_default();
    if context.expects_id_token && !scope.split_whitespace().any(|s| s == "openid") {
        lints.push(Lint {
            kind: LintKind::OpenidMissing,
            message: text!("lint-openid-missing"),
            source: "OpenID Connect Core 1.0 §3.1.2.1",
        });
    }
    if context.provider == Some(BANK) {
        let short = |name: &str, min: usize| {
            let length = get(name).map_or(0, |v| v.chars().count());
            (length < min).then_some(length)
        };
        if let Some(length) = short("state", BANK_MIN_STATE) {
            lints.push(Lint {
                kind: LintKind::StateTooShort,
                message: text!(
                    "lint-too-short",
                    name = "state",
                    have = length,
                    need = BANK_MIN_STATE
                ),
                source: "SberBusiness ID API, authorization request parameters",
            });
        }
        if let Some(length) = short("nonce", BANK_MIN_NONCE) {
            lints.push(Lint {
                kind: LintKind::NonceTooShort,
                message: text!(
                    "lint-too-short",
                    name = "nonce",
                    have = length,
                    need = BANK_MIN_NONCE
                ),
                source: "SberBusiness ID API, authorization request parameters",
            });
        }
    }
    if let (Some(method), Some(metadata)) = (get("code_challenge_method"), context.metadata)
        && let Some(listed) = metadata.list("code_challenge_methods_supported")
        && !listed.contains(&method)
    {
        let list = listed.join(", ");
        lints.push(Lint {
            kind: LintKind::PkceMethodNotListed,
            message: text!("lint-pkce-method-not-listed", method = method, list = list),
            source: "RFC 7636 §4.3, RFC 8414 §2",
        });
    }
}
