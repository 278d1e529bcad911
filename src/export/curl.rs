//! A recorded request as a `curl` command: one POSIX shell command to
//! reproduce it outside the app, with the profile's TLS and proxy settings.

use crate::net::RecordedRequest;
use crate::oauth::profile::Profile;

use super::redact::{SecretMarks, redact_proxy, redact_request};

/// How the command is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CurlOptions {
    /// Put the real secrets in the command instead of placeholders.
    pub reveal_secrets: bool,
}

/// Headers curl writes itself from the command: a recorded value would be
/// wrong as soon as a placeholder is filled in.
const COMPUTED_HEADERS: &[&str] = &["content-length"];

/// The request as a copy-pasteable POSIX shell command, one option per
/// line joined with `\` continuations. Secrets are placeholders
/// (`<client_secret>`, `Basic <client-credentials>`, `Bearer <access-token>`)
/// unless `options.reveal_secrets`. `Content-Length` is left to curl.
pub fn curl_command(
    request: &RecordedRequest,
    profile: Option<&Profile>,
    options: CurlOptions,
) -> String {
    let request = if options.reveal_secrets {
        request.clone()
    } else {
        redact_request(request, &profile.map(SecretMarks::of).unwrap_or_default())
    };
    let has_body = !request.body.is_empty();
    let mut first = String::from("curl");
    let implied = if has_body { "POST" } else { "GET" };
    if request.method != implied {
        first.push_str(" -X ");
        first.push_str(&quote(&request.method));
    }
    if request.url.contains(['[', ']', '{', '}']) {
        first.push_str(" --globoff");
    }
    first.push(' ');
    first.push_str(&quote(&request.url));
    let mut lines = vec![first];
    for (name, value) in &request.headers {
        if COMPUTED_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
            continue;
        }
        lines.push(format!("-H {}", quote(&format!("{name}: {value}"))));
    }
    if has_body {
        lines.push(format!(
            "--data-raw {}",
            quote(&String::from_utf8_lossy(&request.body))
        ));
    }
    if let Some(profile) = profile {
        let tls = &profile.tls;
        if tls.accept_invalid_certs {
            lines.push("--insecure".to_owned());
        }
        for ca in tls.extra_ca_files.iter().filter(|f| !f.trim().is_empty()) {
            lines.push(format!("--cacert {}", quote(ca.trim())));
        }
        if !tls.client_cert_file.trim().is_empty() {
            lines.push(format!("--cert {}", quote(tls.client_cert_file.trim())));
            if !tls.client_key_file.trim().is_empty() {
                lines.push(format!("--key {}", quote(tls.client_key_file.trim())));
            }
        } else if !tls.pkcs12_file.trim().is_empty() {
            lines.push("--cert-type P12".to_owned());
            lines.push(format!("--cert {}", quote(tls.pkcs12_file.trim())));
        }
        let proxy = profile.proxy.trim();
        if !proxy.is_empty() {
            let proxy = if options.reveal_secrets {
                proxy.to_owned()
            } else {
                redact_proxy(proxy)
            };
            lines.push(format!("--proxy {}", quote(&proxy)));
        }
    }
    lines.join(" \\\n  ")
}

/// Single-quotes `text` for a POSIX shell: `'` becomes `'\''`.
pub fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token_request() -> RecordedRequest {
        RecordedRequest {
            method: "POST".to_owned(),
            url: "https://op.example/token".to_owned(),
            headers: vec![
                ("Host".to_owned(), "op.example".to_owned()),
                ("Authorization".to_owned(), "Basic bXk6c2VjcmV0".to_owned()),
                ("Content-Length".to_owned(), "60".to_owned()),
            ],
            body: b"grant_type=authorization_code&code=abc'def&code_verifier=v3r1f1er".to_vec(),
        }
    }

    #[test]
    fn redacted_by_default() {
        let command = curl_command(&token_request(), None, CurlOptions::default());
        assert_eq!(
            command,
            "curl 'https://op.example/token' \\\n  \
             -H 'Host: op.example' \\\n  \
             -H 'Authorization: Basic <client-credentials>' \\\n  \
             --data-raw 'grant_type=authorization_code&code=<code>&code_verifier=<code_verifier>'"
        );
    }

    #[test]
    fn revealed_with_quotes_escaped() {
        let command = curl_command(
            &token_request(),
            None,
            CurlOptions {
                reveal_secrets: true,
            },
        );
        assert!(command.contains("-H 'Authorization: Basic bXk6c2VjcmV0'"));
        assert!(command.contains(
            "--data-raw 'grant_type=authorization_code&code=abc'\\''def&code_verifier=v3r1f1er'"
        ));
        assert!(!command.contains("Content-Length"));
    }

    #[test]
    fn profile_tls_and_proxy_become_options() {
        let mut profile = Profile::default();
        profile.tls.accept_invalid_certs = true;
        profile.tls.extra_ca_files = vec!["/etc/ca/root.pem".to_owned()];
        profile.tls.client_cert_file = "/keys/client.pem".to_owned();
        profile.tls.client_key_file = "/keys/client.key".to_owned();
        profile.proxy = "http://bob:hunter2@proxy:3128".to_owned();
        let mut request = token_request();
        request.method = "PUT".to_owned();
        let command = curl_command(&request, Some(&profile), CurlOptions::default());
        assert!(command.starts_with("curl -X 'PUT' 'https://op.example/token'"));
        for expected in [
            "--insecure",
            "--cacert '/etc/ca/root.pem'",
            "--cert '/keys/client.pem'",
            "--key '/keys/client.key'",
            "--proxy 'http://<proxy-user>:<proxy-password>@proxy:3128'",
        ] {
            assert!(command.contains(expected), "{command} lacks {expected}");
        }
        assert!(!command.contains("hunter2"));
    }

    #[test]
    fn a_get_needs_no_method() {
        let request = RecordedRequest {
            method: "GET".to_owned(),
            url: "https://op.example/userinfo".to_owned(),
            headers: vec![("Authorization".to_owned(), "Bearer abc.def.ghi".to_owned())],
            body: Vec::new(),
        };
        assert_eq!(
            curl_command(&request, None, CurlOptions::default()),
            "curl 'https://op.example/userinfo' \\\n  -H 'Authorization: Bearer <access-token>'"
        );
    }
}
