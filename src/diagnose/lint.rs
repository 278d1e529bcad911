//! Lint before sending: the mistakes we can see coming in a request that has
//! not gone out yet. Warnings only; the user may send anyway.

use serde::Serialize;

use crate::i18n::{Text, count_text};
use crate::net::RequestDraft;
use crate::oauth::discovery::ProviderMetadata;

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
    }
    if is_authorize {
        authorize_request(&get, context, &mut lints);
    }
    lints
}

fn code_exchange(redirect: Option<&str>, context: &LintContext<'_>, lints: &mut Vec<Lint>) {
    if context.code_already_sent {
        lints.push(Lint {
            kind: LintKind::CodeAlreadyUsed,
            message: Text::new(
                "This code was sent already: codes work once, and some providers (the bank among them) delete a code after any failed exchange. Run the authorization step again for a fresh code.",
                "Этот код уже отправлялся: код действует один раз, а некоторые провайдеры (в том числе банк) удаляют код после любой неудачной попытки обмена. Пройдите шаг авторизации заново, чтобы получить новый код.",
            ),
            source: "RFC 6749 §4.1.2",
        });
    }
    if let Some(authorized) = context.authorize_redirect_uri
        && redirect != Some(authorized)
    {
        let message = match redirect {
            Some(sent) => Text::new(
                format!(
                    "redirect_uri is {sent}, but the authorization request sent {authorized}: the provider compares them character for character."
                ),
                format!(
                    "redirect_uri равен {sent}, а в запросе авторизации был {authorized}: провайдер сравнивает их посимвольно."
                ),
            ),
            None => Text::new(
                format!(
                    "redirect_uri is missing, but the authorization request sent {authorized}: it must be sent again, identical."
                ),
                format!(
                    "redirect_uri не передан, а в запросе авторизации был {authorized}: его нужно передать снова, в точности таким же."
                ),
            ),
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
    let host = if authority.starts_with('[') {
        authority.split(']').next().map_or("", |h| &h[1..])
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
            message: Text::new(
                format!("The redirect URI {redirect} is plain http:// on a host that is not this machine: the code travels unencrypted. Use https://, or http://127.0.0.1 for a desktop client."),
                format!("Адрес перенаправления {redirect} — обычный http:// и не на этой машине: код передаётся без шифрования. Используйте https:// или http://127.0.0.1 для настольного клиента."),
            ),
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
            message: Text::new(
                "The client secret has spaces or a line break around it (copied with the line?): the provider will not accept it. Remove them in the profile.",
                "В секрете клиента есть пробелы или перевод строки по краям (скопирован вместе со строкой?): провайдер его не примет. Уберите их в профиле.",
            ),
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
            message: Text::new(
                "GitHub answers form-encoded (and errors with HTTP 200) unless the request says Accept: application/json. Add the header.",
                "GitHub отвечает в form-encoded (а ошибки — с HTTP 200), если в запросе нет Accept: application/json. Добавьте этот заголовок.",
            ),
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
            message: Text::new(
                format!("The request authenticates the client with {method}, which the provider's metadata does not list ({list_name}: {list}). Choose a listed method in the profile."),
                format!("Клиент аутентифицируется способом {method}, которого нет в метаданных провайдера ({list_name}: {list}). Выберите в профиле способ из списка."),
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
            message: Text::new(
                "scope has no openid: the provider will send no ID token (and the bank wants openid first). Add openid to the profile's scopes.",
                "В scope нет openid: провайдер не выдаст ID token (а банку нужен openid первым). Добавьте openid в scopes профиля.",
            ),
            source: "OpenID Connect Core 1.0 §3.1.2.1",
        });
    }
    if context.provider == Some(BANK) {
        let short = |name: &str, min: usize| {
            let length = get(name).map_or(0, |v| v.chars().count());
            (length < min).then_some(length)
        };
        let chars_en = ("character", "characters");
        let chars_ru = ("символ", "символа", "символов");
        if let Some(length) = short("state", BANK_MIN_STATE) {
            let have = count_text(length as u64, chars_en, chars_ru);
            let need = count_text(BANK_MIN_STATE as u64, chars_en, chars_ru);
            lints.push(Lint {
                kind: LintKind::StateTooShort,
                message: Text::new(
                    format!(
                        "state has {}; the bank asks for at least {}.",
                        have.en, need.en
                    ),
                    format!(
                        "В state {}; банк требует не меньше {}.",
                        have.ru,
                        need_genitive(BANK_MIN_STATE)
                    ),
                ),
                source: "SberBusiness ID API, authorization request parameters",
            });
        }
        if let Some(length) = short("nonce", BANK_MIN_NONCE) {
            let have = count_text(length as u64, chars_en, chars_ru);
            let need = count_text(BANK_MIN_NONCE as u64, chars_en, chars_ru);
            lints.push(Lint {
                kind: LintKind::NonceTooShort,
                message: Text::new(
                    format!(
                        "nonce has {}; the bank asks for at least {}.",
                        have.en, need.en
                    ),
                    format!(
                        "В nonce {}; банк требует не меньше {}.",
                        have.ru,
                        need_genitive(BANK_MIN_NONCE)
                    ),
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
            message: Text::new(
                format!("PKCE method {method} is not in the provider's code_challenge_methods_supported ({list}). Choose S256 if listed."),
                format!("Метода PKCE {method} нет в code_challenge_methods_supported провайдера ({list}). Выберите S256, если он есть в списке."),
            ),
            source: "RFC 7636 §4.3, RFC 8414 §2",
        });
    }
}

/// "не меньше 36 символов": after «не меньше» Russian takes the genitive,
/// singular for counts ending in 1 (but not 11), plural otherwise.
fn need_genitive(count: usize) -> String {
    let form = if count % 10 == 1 && count % 100 != 11 {
        "символа"
    } else {
        "символов"
    };
    format!("{count} {form}")
}
