//! Redaction shared by every export: the one place that decides what is a
//! secret in a request or a response and what replaces it.
//!
//! Requests get named placeholders (`<client_secret>`, `Bearer <access-token>`),
//! so a copied command reads as a template to fill in. Responses keep the
//! first 6 and last 4 characters of each token ([`mask_middle`]), enough to
//! tell tokens apart in a support ticket, not to use them.

use serde_json::Value;

use crate::net::{RecordedRequest, RecordedResponse};
use crate::oauth::Profile;
use crate::oauth::flow::{SECRET_FIELDS, mask_middle};

/// The placeholder for HTTP Basic client credentials.
pub const BASIC_PLACEHOLDER: &str = "<client-credentials>";
/// The placeholder for a Bearer token.
pub const BEARER_PLACEHOLDER: &str = "<access-token>";

/// Response fields whose values are tokens or other credentials, besides [`SECRET_FIELDS`].
const RESPONSE_SECRET_FIELDS: &[&str] = &["device_code", "issued_token", "auth_req_id"];

/// Request headers whose whole value is a credential.
const SECRET_HEADERS: &[&str] = &["cookie", "proxy-authorization", "dpop"];

/// What one profile marks secret besides what is secret in every request:
/// the headers and extra parameters the user ticked "secret", and the
/// extension grant's secret fields. Their values are hidden wherever a
/// client secret is (exports, presenter mode, `run` lines).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct SecretMarks {
    /// Header names, lower case.
    headers: Vec<String>,
    /// Form and query field names.
    fields: Vec<String>,
}

impl SecretMarks {
    /// The marks of `profile`.
    pub fn of(profile: &Profile) -> Self {
        Self {
            headers: profile
                .headers
                .iter()
                .filter(|h| h.secret)
                .map(|h| h.name.trim().to_ascii_lowercase())
                .collect(),
            fields: profile
                .extra_params
                .iter()
                .filter(|(_, p)| p.secret)
                .map(|(_, p)| p.name.trim().to_owned())
                .chain(
                    profile
                        .extension_grant
                        .fields
                        .iter()
                        .filter(|f| f.secret)
                        .map(|f| f.name.trim().to_owned()),
                )
                .collect(),
        }
    }

    /// Whether a request header's whole value is a credential: cookies,
    /// proxy credentials, `DPoP`, and the headers the profile marks.
    fn is_secret_header(&self, name: &str) -> bool {
        let lower = name.trim().to_ascii_lowercase();
        SECRET_HEADERS.contains(&lower.as_str()) || self.headers.contains(&lower)
    }

    /// Whether a form or query field of a request carries a secret.
    fn is_secret_field(&self, name: &str) -> bool {
        is_secret_field(name) || self.fields.iter().any(|f| f == name)
    }
}

/// Fields that are the client's or the user's own credentials: they never
/// repeat across a run's steps, so presenter mode shows only their name.
const CREDENTIAL_FIELDS: &[&str] = &[
    "client_secret",
    "client_secret_old",
    "client_secret_new",
    "password",
    "client_assertion",
    "assertion",
    "passport",
    "signature",
    "client_notification_token",
];

/// Values that bind one attempt or name the user: not secrets as such, but
/// on a projector shown only by their ends, as tokens are.
const ATTEMPT_FIELDS: &[&str] = &[
    "state",
    "nonce",
    "code_challenge",
    "login_hint",
    "id_token_hint",
    "request",
    "request_uri",
    "dpop_jkt",
];

/// How presenter mode shows a field's value: a credential (or a field the
/// profile marks secret) as `<name>`; a token, code or value of this attempt
/// by its ends ([`mask_middle`]), so the room sees the same value where it
/// repeats (the code in the redirect and in the token request) without
/// being able to use it; anything else as it is.
pub fn presenter_value(name: &str, value: &str, marks: &SecretMarks) -> String {
    if CREDENTIAL_FIELDS.contains(&name) || marks.fields.iter().any(|f| f == name) {
        format!("<{name}>")
    } else if is_response_secret(name) || ATTEMPT_FIELDS.contains(&name) {
        mask_middle(value)
    } else {
        replace_jwts(value, mask_middle)
    }
}

/// Whether a form or query field carries a secret.
pub fn is_secret_field(name: &str) -> bool {
    SECRET_FIELDS.contains(&name)
}

/// The request with every secret replaced by a placeholder: the Basic
/// credentials, a Bearer token, the values of [`SECRET_FIELDS`] and of the
/// fields `marks` names in the body and the query, cookies and the headers
/// `marks` names, and any JWT-looking string left elsewhere.
pub fn redact_request(request: &RecordedRequest, marks: &SecretMarks) -> RecordedRequest {
    let mut redacted = request.clone();
    for (name, value) in &mut redacted.headers {
        let lower = name.to_ascii_lowercase();
        if lower == "authorization" {
            *value = match value.split_once(' ') {
                Some((scheme, _)) if scheme.eq_ignore_ascii_case("basic") => {
                    format!("{scheme} {BASIC_PLACEHOLDER}")
                }
                Some((scheme, _)) if scheme.eq_ignore_ascii_case("bearer") => {
                    format!("{scheme} {BEARER_PLACEHOLDER}")
                }
                Some((scheme, _)) => format!("{scheme} <credentials>"),
                None => "<credentials>".to_owned(),
            };
        } else if marks.is_secret_header(&lower) {
            *value = format!("<{lower}>");
        } else {
            *value = replace_jwts(value, |_| "<jwt>".to_owned());
        }
    }
    let secret = |name: &str| marks.is_secret_field(name) || is_response_secret(name);
    let placeholder = |name: &str, _: &str| format!("<{name}>");
    redacted.url = rewrite_url(&redacted.url, &secret, &placeholder);
    if looks_like_form(&redacted.body) {
        let text = String::from_utf8_lossy(&redacted.body).into_owned();
        redacted.body = rewrite_form(&text, &secret, &placeholder).into_bytes();
    }
    // A binary body is left as it is: a lossy round trip would change its bytes.
    if let Ok(body) = std::str::from_utf8(&redacted.body) {
        redacted.body = replace_jwts(body, |_| "<jwt>".to_owned()).into_bytes();
    }
    redacted
}

/// A response body with token values masked: the values of token fields
/// (`access_token`, `id_token`, `refresh_token`, …) anywhere in a JSON or
/// form body, and any JWT-looking string. The layout of the text is kept.
pub fn redact_body(text: &str) -> String {
    let mut values = Vec::new();
    if let Ok(json) = serde_json::from_str::<Value>(text) {
        collect_json_secrets(&json, &mut values);
    } else if looks_like_form(text.trim().as_bytes()) {
        for (name, value) in form_urlencoded::parse(text.trim().as_bytes()) {
            if is_response_secret(&name) && !value.is_empty() {
                values.push(value.into_owned());
            }
        }
    }
    // Longest first, so a value that contains another is replaced whole.
    values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    values.dedup();
    let mut out = text.to_owned();
    for value in &values {
        let mask = mask_middle(value);
        out = out.replace(value.as_str(), &mask);
        // The forms the value may take in the raw text: JSON-escaped, percent-encoded.
        if let Ok(quoted) = serde_json::to_string(value) {
            let escaped = &quoted[1..quoted.len() - 1];
            if escaped != value {
                out = out.replace(escaped, &mask);
            }
        }
        let encoded: String = form_urlencoded::byte_serialize(value.as_bytes()).collect();
        if encoded != *value {
            out = out.replace(&encoded, &mask);
        }
    }
    replace_jwts(&out, mask_middle)
}

/// The response with its body masked ([`redact_body`]), and credentials in
/// its headers (`Set-Cookie`, a `Location` carrying a code or tokens) masked.
pub fn redact_response(response: &RecordedResponse) -> RecordedResponse {
    let mut redacted = response.clone();
    for (name, value) in &mut redacted.headers {
        if name.eq_ignore_ascii_case("set-cookie") {
            *value = match value.split_once('=') {
                Some((cookie, rest)) => {
                    let attributes = rest.split_once(';').map(|(_, a)| a).unwrap_or_default();
                    if attributes.is_empty() {
                        format!("{cookie}=<cookie>")
                    } else {
                        format!("{cookie}=<cookie>;{attributes}")
                    }
                }
                None => "<cookie>".to_owned(),
            };
        } else if name.eq_ignore_ascii_case("location") {
            *value = redact_url(value, &|_, v| mask_middle(v));
        }
    }
    redacted.body = redact_body(&response.text()).into_bytes();
    redacted
}

/// A URL with the values of secret fields in its query and fragment replaced by `replace(name, value)`.
pub fn redact_url(url: &str, replace: &dyn Fn(&str, &str) -> String) -> String {
    rewrite_url(url, &is_response_secret, replace)
}

/// A URL with the values of the fields `secret` names, in its query and
/// fragment, replaced by `replace(name, value)`, and JWTs by `<jwt>`.
fn rewrite_url(
    url: &str,
    secret: &dyn Fn(&str) -> bool,
    replace: &dyn Fn(&str, &str) -> String,
) -> String {
    let (rest, fragment) = match url.split_once('#') {
        Some((rest, fragment)) => (rest, Some(fragment)),
        None => (url, None),
    };
    let mut out = match rest.split_once('?') {
        Some((base, query)) => format!("{base}?{}", rewrite_form(query, secret, replace)),
        None => rest.to_owned(),
    };
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(&rewrite_form(fragment, secret, replace));
    }
    replace_jwts(&out, |_| "<jwt>".to_owned())
}

/// A proxy URL with its user and password replaced.
pub fn redact_proxy(proxy: &str) -> String {
    crate::oauth::profile::proxy_redacted(proxy)
}

/// Masks secrets in a request for the `run` lines, keeping their shape: the
/// Basic credentials, a Bearer token's middle, the values of
/// [`SECRET_FIELDS`] and of the fields and headers `marks` names
/// ([`mask_middle`]: first 6 and last 4 characters of a long value).
pub fn mask_request(request: &RecordedRequest, marks: &SecretMarks) -> RecordedRequest {
    let mut masked = request.clone();
    for (name, value) in &mut masked.headers {
        if name.eq_ignore_ascii_case("authorization") {
            *value = match value.split_once(' ') {
                Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => {
                    format!("{scheme} {}", mask_middle(token))
                }
                Some((scheme, _)) => format!("{scheme} ••••••"),
                None => "••••••".to_owned(),
            };
        } else if marks.is_secret_header(name) {
            *value = mask_middle(value);
        }
    }
    // Only a form body is rewritten; JSON or text bodies carry no form fields.
    if looks_like_form(&masked.body) {
        masked.body = mask_form(&masked.body, marks).into_bytes();
    }
    if let Some((base, query)) = masked.url.split_once('?') {
        masked.url = format!("{base}?{}", mask_form(query.as_bytes(), marks));
    }
    masked
}

/// A form-encoded string with the values of secret fields masked.
fn mask_form(encoded: &[u8], marks: &SecretMarks) -> String {
    let pairs = form_urlencoded::parse(encoded).map(|(k, v)| {
        let v = if marks.is_secret_field(&k) {
            mask_middle(&v)
        } else {
            v.into_owned()
        };
        (k.into_owned(), v)
    });
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// Rewrites the values of the fields `secret` names in `name=value&…`
/// text, leaving every other byte as it was.
fn rewrite_form(
    encoded: &str,
    secret: &dyn Fn(&str) -> bool,
    replace: &dyn Fn(&str, &str) -> String,
) -> String {
    encoded
        .split('&')
        .map(|pair| {
            let Some((raw_name, raw_value)) = pair.split_once('=') else {
                return pair.to_owned();
            };
            let name = decode_component(raw_name);
            if secret(&name) && !raw_value.is_empty() {
                format!(
                    "{raw_name}={}",
                    replace(&name, &decode_component(raw_value))
                )
            } else {
                pair.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn decode_component(raw: &str) -> String {
    form_urlencoded::parse(format!("x={raw}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

fn is_response_secret(name: &str) -> bool {
    is_secret_field(name) || RESPONSE_SECRET_FIELDS.contains(&name)
}

fn collect_json_secrets(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            for (name, value) in object {
                match value {
                    Value::String(text) if is_response_secret(name) && !text.is_empty() => {
                        out.push(text.clone());
                    }
                    other => collect_json_secrets(other, out),
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                collect_json_secrets(item, out);
            }
        }
        _ => {}
    }
}

/// Whether a body is form-encoded: `name=value` pairs, no whitespace, not JSON.
pub(crate) fn looks_like_form(body: &[u8]) -> bool {
    !body.is_empty()
        && body.contains(&b'=')
        && body.first() != Some(&b'{')
        && body.iter().all(|b| !b.is_ascii_whitespace())
}

/// Whether `text` has a compact JWS's 2 or a JWE's 4 dots.
fn has_jwt_dots(text: &str) -> bool {
    matches!(text.matches('.').count(), 2 | 4)
}

/// Whether a whole string looks like a compact JWT: `eyJ…` with 2 or 4 dots.
pub fn looks_like_jwt(text: &str) -> bool {
    text.starts_with("eyJ") && has_jwt_dots(text)
}

/// Replaces every JWT-looking run (`eyJ…` base64url segments joined by 2 or 4 dots) with `replace(jwt)`.
pub fn replace_jwts(text: &str, replace: impl Fn(&str) -> String) -> String {
    let bytes = text.as_bytes();
    let is_b64 = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i + 3 <= bytes.len() {
        let starts_word = i == 0 || !(is_b64(bytes[i - 1]) || bytes[i - 1] == b'.');
        if starts_word && &bytes[i..i + 3] == b"eyJ" {
            let mut end = i;
            while end < bytes.len() && (is_b64(bytes[end]) || bytes[end] == b'.') {
                end += 1;
            }
            // A trailing dot belongs to the sentence, not the token, unless it is `alg: none`'s empty signature.
            let is_jwt_shape = has_jwt_dots;
            if !is_jwt_shape(&text[i..end]) && text[i..end].ends_with('.') {
                end -= 1;
            }
            let candidate = &text[i..end];
            let first_segment = candidate.split('.').next().unwrap_or_default().len();
            if is_jwt_shape(candidate) && first_segment >= 10 {
                out.push_str(&text[copied..i]);
                out.push_str(&replace(candidate));
                copied = end;
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlLXZhbHVl";

    fn request(headers: &[(&str, &str)], url: &str, body: &str) -> RecordedRequest {
        RecordedRequest {
            method: "POST".to_owned(),
            url: url.to_owned(),
            headers: headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn request_secrets_become_placeholders() {
        let redacted = redact_request(
            &request(
                &[
                    ("Authorization", "Basic bXk6c2VjcmV0"),
                    ("Cookie", "KC_SESSION=abc"),
                    ("Accept", "application/json"),
                ],
                "https://op/token?access_token=abcdef&x=1",
                "grant_type=authorization_code&code=SplxlOBe%2BZQ&client_secret=s%3Acret&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb",
            ),
            &SecretMarks::default(),
        );
        assert_eq!(redacted.headers[0].1, "Basic <client-credentials>");
        assert_eq!(redacted.headers[1].1, "<cookie>");
        assert_eq!(redacted.headers[2].1, "application/json");
        assert_eq!(
            redacted.url,
            "https://op/token?access_token=<access_token>&x=1"
        );
        assert_eq!(
            String::from_utf8(redacted.body).unwrap(),
            "grant_type=authorization_code&code=<code>&client_secret=<client_secret>&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb"
        );
    }

    #[test]
    fn bearer_and_stray_jwts_are_replaced() {
        let redacted = redact_request(
            &request(
                &[
                    ("Authorization", &format!("Bearer {JWT}")),
                    ("X-Extra", &format!("token {JWT}")),
                ],
                "https://op/userinfo",
                "",
            ),
            &SecretMarks::default(),
        );
        assert_eq!(redacted.headers[0].1, "Bearer <access-token>");
        assert_eq!(redacted.headers[1].1, "token <jwt>");
    }

    #[test]
    fn json_bodies_keep_their_layout_and_lose_their_tokens() {
        let body = format!(
            "{{\n  \"access_token\": \"opaque-access-token-value\",\n  \"nested\": {{\"refresh_token\": \"r-1234567890abcdef\"}},\n  \"note\": \"{JWT}\",\n  \"scope\": \"openid\"\n}}"
        );
        let redacted = redact_body(&body);
        assert!(
            !redacted.contains("opaque-access-token-value"),
            "{redacted}"
        );
        assert!(redacted.contains("opaque…alue"), "{redacted}");
        assert!(!redacted.contains("r-1234567890abcdef"), "{redacted}");
        assert!(!redacted.contains(JWT), "{redacted}");
        assert!(redacted.contains("\"eyJhbG…bHVl\""), "{redacted}");
        assert!(redacted.contains("\"scope\": \"openid\""));
        assert!(redacted.starts_with("{\n  \"access_token\""));
    }

    #[test]
    fn form_bodies_lose_their_tokens() {
        let redacted = redact_body(
            "access_token=gho_16C7e42F292c6912E7710c838347Ae178B4a&scope=repo&token_type=bearer",
        );
        assert_eq!(
            redacted,
            "access_token=gho_16…8B4a&scope=repo&token_type=bearer"
        );
    }

    #[test]
    fn a_location_header_loses_its_code() {
        let response = RecordedResponse {
            status: 302,
            reason: "Found".to_owned(),
            version: "HTTP/1.1".to_owned(),
            headers: vec![
                (
                    "Location".to_owned(),
                    "http://127.0.0.1/cb?code=abcdefghijklmnop&state=s".to_owned(),
                ),
                (
                    "Set-Cookie".to_owned(),
                    "SID=xyz; Path=/; HttpOnly".to_owned(),
                ),
            ],
            body: Vec::new(),
            truncated_at: None,
        };
        let redacted = redact_response(&response);
        assert_eq!(
            redacted.headers[0].1,
            "http://127.0.0.1/cb?code=abcdef…mnop&state=s"
        );
        assert_eq!(redacted.headers[1].1, "SID=<cookie>; Path=/; HttpOnly");
    }

    #[test]
    fn a_binary_body_is_kept_byte_for_byte() {
        let mut binary = request(&[], "https://op/upload", "");
        binary.body = vec![0xff, 0xfe, b'e', b'y', b'J', 0x00];
        assert_eq!(
            redact_request(&binary, &SecretMarks::default()).body,
            binary.body
        );
    }

    #[test]
    fn text_that_merely_starts_like_a_jwt_is_kept() {
        assert_eq!(
            replace_jwts("eyJ. and eyJabc", |_| "X".to_owned()),
            "eyJ. and eyJabc"
        );
        assert_eq!(
            replace_jwts(&format!("a {JWT}."), |_| "X".to_owned()),
            "a X."
        );
    }

    /// Headers and extra parameters the profile marks secret, with values
    /// in Cyrillic and emoji: placeholders in exports, masks in `run` lines.
    #[test]
    fn what_the_profile_marks_secret_is_hidden_like_a_client_secret() {
        use crate::oauth::{Param, Profile, RequestKind};
        let mut profile = Profile::default();
        let mut key = Param::new("X-Api-Key", "ключ-🙂-0123456789");
        key.secret = true;
        let mut signed = Param::new("sig", "подпись-\u{200f}-0123456789");
        signed.secret = true;
        profile.headers = vec![key, Param::new("X-Trace", "visible")];
        profile.extra_params = vec![
            (RequestKind::Token, signed),
            (RequestKind::Token, Param::new("audience", "api")),
        ];
        let marks = SecretMarks::of(&profile);
        let sent = request(
            &[("x-api-key", "ключ-🙂-0123456789"), ("X-Trace", "visible")],
            "https://op/token?sig=%D0%BF%D0%BE%D0%B4%D0%BF%D0%B8%D1%81%D1%8C-%E2%80%8F-0123456789",
            "grant_type=client_credentials&audience=api&sig=%D0%BF%D0%BE%D0%B4%D0%BF%D0%B8%D1%81%D1%8C-%E2%80%8F-0123456789",
        );
        let redacted = redact_request(&sent, &marks);
        assert_eq!(redacted.headers[0].1, "<x-api-key>");
        assert_eq!(redacted.headers[1].1, "visible");
        assert_eq!(redacted.url, "https://op/token?sig=<sig>");
        assert_eq!(
            String::from_utf8(redacted.body).unwrap(),
            "grant_type=client_credentials&audience=api&sig=<sig>"
        );
        let masked = mask_request(&sent, &marks);
        assert_eq!(masked.headers[0].1, "ключ-🙂…6789");
        assert_eq!(masked.headers[1].1, "visible");
        let body = String::from_utf8(masked.body).unwrap();
        assert!(!body.contains("0123456789"), "{body}");
        assert!(body.contains("audience=api"), "{body}");
        assert!(!masked.url.contains("0123456789"), "{}", masked.url);
        // Without the marks nothing of the sort is hidden.
        let plain = redact_request(&sent, &SecretMarks::default());
        assert_eq!(plain.headers[0].1, "ключ-🙂-0123456789");
    }

    #[test]
    fn masking_hides_secrets_but_keeps_shape() {
        let sent = request(
            &[
                ("Authorization", "Basic bXk6c2VjcmV0"),
                ("Cookie", "KC=abc"),
            ],
            "https://op/token",
            "grant_type=authorization_code&code=SplxlOBeZQQYbYS6WxSbIA&client_secret=verysecretvalue123",
        );
        let masked = mask_request(&sent, &SecretMarks::default());
        let body = String::from_utf8(masked.body).expect("utf-8");
        assert!(
            !body.contains("verysecretvalue123") && !body.contains("SplxlOBeZQQYbYS6WxSbIA"),
            "{body}"
        );
        assert!(body.contains("grant_type=authorization_code"));
        assert_eq!(masked.headers[0].1, "Basic ••••••");
        assert_eq!(masked.headers[1].1, "••••••", "cookies too");
        let introspection = request(
            &[],
            "https://op/token/introspection",
            "token=averylongopaquetokenvalue123&token_type_hint=access_token",
        );
        let body =
            String::from_utf8(mask_request(&introspection, &SecretMarks::default()).body).unwrap();
        assert!(!body.contains("averylongopaquetokenvalue123"), "{body}");
    }

    #[test]
    fn a_proxy_loses_its_user_and_password() {
        for (proxy, shown) in [
            (
                "http://ivan:p%40ss@proxy.corp:3128",
                "http://<proxy-user>:<proxy-password>@proxy.corp:3128",
            ),
            (
                "socks5://иван:пароль@ss@[::1]:1080/",
                "socks5://<proxy-user>:<proxy-password>@[::1]:1080/",
            ),
            (
                "ivan:secret@proxy:3128",
                "<proxy-user>:<proxy-password>@proxy:3128",
            ),
            ("http://proxy.corp:3128/a@b", "http://proxy.corp:3128/a@b"),
        ] {
            assert_eq!(redact_proxy(proxy), shown, "{proxy}");
        }
    }
}
