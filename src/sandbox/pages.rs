//! The sandbox's HTML: the login/consent page (a user picker, no
//! passwords), the device verification page, the signed-out page and the
//! HTML error page of the `html-errors` fault. Plain forms, no script: any
//! browser, or a test playing one, can follow them.

use super::personality::{Personality, USERS};

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
<style>body{{font-family:sans-serif;max-width:32em;margin:3em auto}}button{{display:block;margin:.5em 0;padding:.5em 1em;font-size:1em}}</style>\
</head><body>\n{body}\n</body></html>\n",
        title = escape(title)
    )
}

fn user_buttons() -> String {
    USERS.iter().fold(String::new(), |mut out, u| {
        use std::fmt::Write as _;
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
                "<button type=\"submit\" name=\"user\" value=\"{login}\">Sign in as {given} {family} ({login})</button>",
                login = escape(u.login),
                given = escape(u.given_name),
                family = escape(u.family_name)
            );
        out
    })
}

/// The login and consent page for a pending authorization request.
pub fn login(
    personality: Personality,
    action: &str,
    request_id: &str,
    client_id: &str,
    scope: &str,
) -> String {
    page(
        "Sandbox sign-in",
        &format!(
            "<h1>tokenscope sandbox</h1>\n<p>{label}. <b>{client}</b> asks for: <code>{scope}</code></p>\n\
<form method=\"post\" action=\"{action}\" id=\"login\">\n<input type=\"hidden\" name=\"request\" value=\"{request}\">\n{buttons}\
<button type=\"submit\" name=\"deny\" value=\"1\">Deny</button>\n</form>",
            label = escape(personality.label()),
            client = escape(client_id),
            scope = escape(scope),
            action = escape(action),
            request = escape(request_id),
            buttons = user_buttons()
        ),
    )
}

/// The device verification page (RFC 8628 §3.3), the user code prefilled
/// when the link carried it (`verification_uri_complete`).
pub fn device(action: &str, user_code: &str, message: Option<&str>) -> String {
    let note = message
        .map(|m| format!("<p>{}</p>\n", escape(m)))
        .unwrap_or_default();
    page(
        "Sandbox device sign-in",
        &format!(
            "<h1>Connect a device</h1>\n{note}<form method=\"post\" action=\"{action}\" id=\"device\">\n\
<label>Code shown on the device <input name=\"user_code\" value=\"{code}\"></label>\n{buttons}\
<button type=\"submit\" name=\"deny\" value=\"1\">Deny</button>\n</form>",
            action = escape(action),
            code = escape(user_code),
            buttons = user_buttons()
        ),
    )
}

/// One CIBA request as the phone page lists it.
#[derive(Clone, Copy, Debug)]
pub struct CibaRow<'a> {
    /// The id its buttons post.
    pub page_id: &'a str,
    /// The client that asked.
    pub client_id: &'a str,
    /// Who is asked.
    pub user: &'a str,
    /// What the client's screen shows too.
    pub binding_message: &'a str,
    /// Scopes asked for.
    pub scope: &'a str,
    /// Seconds until it expires.
    pub seconds_left: i64,
}

/// The "phone" of CIBA (OpenID CIBA Core 1.0): the requests waiting for a
/// user, each with its binding message large, Approve and Deny.
pub fn ciba(action: &str, rows: &[CibaRow<'_>]) -> String {
    use std::fmt::Write as _;
    let mut body = String::from("<h1>Your phone</h1>\n");
    if rows.is_empty() {
        body.push_str(
            "<p>No sign-in requests are waiting. Reload when the application has sent one.</p>",
        );
    }
    for row in rows {
        let message = if row.binding_message.is_empty() {
            "<p><i>(no binding message)</i></p>".to_owned()
        } else {
            format!(
                "<p class=\"binding\" style=\"font-size:2em;font-weight:bold\">{}</p>",
                escape(row.binding_message)
            )
        };
        // Writing to a String cannot fail.
        let _ = write!(
            body,
            "<form method=\"post\" action=\"{action}\" class=\"ciba\">\n<p><b>{client}</b> asks <b>{user}</b> to sign in, for <code>{scope}</code> (expires in {left} s).</p>\n{message}\n<input type=\"hidden\" name=\"request\" value=\"{id}\">\n<button type=\"submit\" name=\"approve\" value=\"1\">Approve</button>\n<button type=\"submit\" name=\"deny\" value=\"1\">Deny</button>\n</form>\n",
            action = escape(action),
            client = escape(row.client_id),
            user = escape(row.user),
            scope = escape(row.scope),
            left = row.seconds_left,
            id = escape(row.page_id),
        );
    }
    page("Sandbox phone", &body)
}

/// A page with one message (device approved, signed out, …).
pub fn message(title: &str, text: &str) -> String {
    page(
        title,
        &format!("<h1>{}</h1>\n<p>{}</p>", escape(title), escape(text)),
    )
}

/// The error page of the `html-errors` fault, shaped like a gateway's.
pub fn error(status: u16, error: &str, description: &str) -> String {
    page(
        &format!("{status} Error"),
        &format!(
            "<h1>We are sorry...</h1>\n<p>{}</p>\n<p><small>{}</small></p>",
            escape(description),
            escape(error)
        ),
    )
}
