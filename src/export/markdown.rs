//! A flow run as a Markdown report for a support ticket: the profile (never
//! its secret), each step with the request as sent and the response as
//! received, the tokens found with their claims, and the environment.

use std::fmt::Write as _;

use serde_json::Value;

use crate::net::{RecordedRequest, RecordedResponse};
use crate::oauth::profile::Profile;
use crate::oauth::runner::StepRecord;
use crate::paste::inspect;

use super::redact::{SecretMarks, redact_request, redact_response};

/// Where the report was made; a plain struct so tests are deterministic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Environment {
    /// tokenscope's version.
    pub app_version: String,
    /// Operating system and architecture, e.g. `linux x86_64`.
    pub os: String,
}

impl Environment {
    /// This build on this machine.
    pub fn current() -> Self {
        Self {
            app_version: env!("CARGO_PKG_VERSION").to_owned(),
            os: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
        }
    }
}

/// The Markdown report. With `redact`, request secrets are placeholders and
/// token values keep only their first 6 and last 4 characters (see
/// [`super::redact`]); claims are shown either way. The client secret is
/// never in the report: the profile does not hold it.
pub fn report(
    profile: &Profile,
    records: &[StepRecord],
    environment: &Environment,
    redact: bool,
) -> String {
    let mut out = String::new();
    let title = if profile.name.trim().is_empty() {
        "unnamed profile"
    } else {
        profile.name.trim()
    };
    let _ = writeln!(out, "# tokenscope report: {}\n", inline(title));
    profile_section(&mut out, profile, redact);
    out.push_str("## Steps\n\n");
    if records.is_empty() {
        out.push_str("No step was run.\n\n");
    }
    let marks = redact.then(|| SecretMarks::of(profile));
    for record in records {
        step_section(&mut out, record, marks.as_ref());
    }
    tokens_section(&mut out, records, redact);
    out.push_str("## Environment\n\n");
    let _ = writeln!(out, "- tokenscope {}", inline(&environment.app_version));
    let _ = writeln!(out, "- OS: {}", inline(&environment.os));
    out
}

fn profile_section(out: &mut String, profile: &Profile, redact: bool) {
    out.push_str("## Profile\n\n| setting | value |\n|---|---|\n");
    let mut row = |name: &str, value: &str| {
        if !value.trim().is_empty() {
            let _ = writeln!(out, "| {name} | {} |", cell(value.trim()));
        }
    };
    row("Name", &profile.name);
    row("Environment", &profile.environment);
    row("Preset", profile.preset.as_deref().unwrap_or_default());
    row("Issuer", &profile.issuer);
    row("Discovery URL", &profile.discovery_url);
    let endpoints = &profile.endpoints;
    for (name, value) in [
        ("Authorization endpoint", &endpoints.authorization),
        ("Token endpoint", &endpoints.token),
        ("UserInfo endpoint", &endpoints.userinfo),
        ("JWKS URI", &endpoints.jwks),
        ("Introspection endpoint", &endpoints.introspection),
        ("Revocation endpoint", &endpoints.revocation),
        (
            "Device authorization endpoint",
            &endpoints.device_authorization,
        ),
        ("End session endpoint", &endpoints.end_session),
    ] {
        row(name, value);
    }
    for extra in &endpoints.extra {
        row(&extra.name, &extra.value);
    }
    row("Client ID", &profile.client_id);
    row("Client authentication", profile.client_auth.as_str());
    row("Redirect URI", &profile.redirect_uri);
    row("Scopes", &profile.scopes);
    row("PKCE", profile.pkce.as_str());
    row("Grant", profile.default_grant.grant_type());
    let tls = &profile.tls;
    if tls.accept_invalid_certs {
        row("TLS", "accepts invalid certificates (test stands only)");
    }
    row("Extra CA files", &tls.extra_ca_files.join(", "));
    row("Client certificate", &tls.client_cert_file);
    row("Client key", &tls.client_key_file);
    row("PKCS#12 file", &tls.pkcs12_file);
    let proxy = if redact {
        super::redact::redact_proxy(profile.proxy.trim())
    } else {
        profile.proxy.clone()
    };
    row("Proxy", &proxy);
    out.push('\n');
}

/// One step; redacted with `marks` (the profile's) when given.
fn step_section(out: &mut String, record: &StepRecord, marks: Option<&SecretMarks>) {
    let redact = marks.is_some();
    let mark = if record.outcome.is_ok() { "✓" } else { "✗" };
    let mut heading = format!("### {mark} {}", record.step.title());
    if let Some(exchange) = &record.exchange {
        match &exchange.response {
            Ok(response) => {
                let _ = write!(heading, " — HTTP {}", response.status);
            }
            Err(_) => heading.push_str(" — no answer"),
        }
        let _ = write!(heading, ", {} ms", exchange.duration.as_millis());
    }
    let _ = writeln!(out, "{heading}\n");
    let _ = writeln!(out, "_{}_\n", record.step.purpose());
    if let Some(at) = record.at.to_rfc3339_utc() {
        let _ = writeln!(out, "Finished at {at}.\n");
    }
    if let Some(exchange) = &record.exchange {
        let request = match marks {
            Some(marks) => redact_request(&exchange.request, marks),
            None => exchange.request.clone(),
        };
        out.push_str("**Request**\n\n");
        fenced(out, "http", &request_text(&request));
        match &exchange.response {
            Ok(response) => {
                let response = if redact {
                    redact_response(response)
                } else {
                    response.clone()
                };
                out.push_str("**Response**\n\n");
                fenced(out, "http", &response_text(&response));
            }
            Err(error) => {
                let message = if redact {
                    super::redact::redact_body(&error.to_string())
                } else {
                    error.to_string()
                };
                let _ = writeln!(out, "**No response:** {}\n", inline(&message));
            }
        }
    }
    match &record.outcome {
        Ok(summary) => {
            let _ = writeln!(out, "**Outcome:** ✓ {}\n", inline(summary));
        }
        Err(failure) => {
            let _ = writeln!(out, "**Outcome:** ✗ {}\n", inline(&failure.message));
            if let Some(error) = &failure.provider_error {
                let _ = writeln!(out, "**Provider error:** {}\n", inline(&error.to_string()));
            }
            if let Some(diagnosis) = &failure.diagnosis {
                for finding in &diagnosis.entries {
                    let language = crate::i18n::Language::En;
                    let causes: Vec<&str> =
                        finding.causes.iter().map(|c| c.get(language)).collect();
                    let _ = writeln!(
                        out,
                        "**Diagnosis:** {} — {} **Fix:** {} ({})\n",
                        inline(finding.title.get(language)),
                        inline(&causes.join(" ")),
                        inline(finding.fix.get(language)),
                        inline(&finding.source)
                    );
                }
            }
        }
    }
}

fn request_text(request: &RecordedRequest) -> String {
    let mut text = format!("{} {}\n", request.method, request.url);
    for (name, value) in &request.headers {
        let _ = writeln!(text, "{name}: {value}");
    }
    if !request.body.is_empty() {
        text.push('\n');
        text.push_str(&String::from_utf8_lossy(&request.body));
        text.push('\n');
    }
    text
}

fn response_text(response: &RecordedResponse) -> String {
    let mut text = format!(
        "{} {} {}\n",
        response.version, response.status, response.reason
    );
    for (name, value) in &response.headers {
        let _ = writeln!(text, "{name}: {value}");
    }
    if !response.body.is_empty() {
        text.push('\n');
        let body = response.text();
        match serde_json::from_str::<Value>(&body) {
            Ok(json) => text.push_str(&serde_json::to_string_pretty(&json).unwrap_or(body)),
            Err(_) => text.push_str(&body),
        }
        text.push('\n');
    }
    text
}

fn tokens_section(out: &mut String, records: &[StepRecord], redact: bool) {
    let mut seen: Vec<String> = Vec::new();
    let mut section = String::new();
    for record in records {
        let Some(Ok(response)) = record.exchange.as_ref().map(|e| &e.response) else {
            continue;
        };
        let inspection = inspect(&response.text(), record.at);
        let decoded = super::decoded::report(&inspection, record.at);
        for (token, found) in decoded.tokens.iter().zip(&inspection.tokens) {
            if seen.contains(&token.value) {
                continue;
            }
            seen.push(token.value.clone());
            let _ = writeln!(
                section,
                "### {} (from {})\n",
                inline(&token.title),
                record.step.title()
            );
            let _ = writeln!(section, "- Kind: {}", inline(&found.summary()));
            if let Some(reason) = &token.role_reason {
                let _ = writeln!(section, "- Role: {}", inline(reason));
            }
            let value = if redact {
                crate::oauth::flow::mask_middle(&token.value)
            } else {
                token.value.clone()
            };
            let _ = writeln!(section, "- Value: `{value}`");
            if let Some(error) = &token.error {
                let _ = writeln!(section, "- Not decoded: {}", inline(error));
            }
            for time in &token.times {
                let _ = writeln!(
                    section,
                    "- {}: {} ({} at the time of the step)",
                    inline(&time.name),
                    time.at_utc.as_deref().unwrap_or("out of range"),
                    inline(&time.phrase)
                );
            }
            section.push('\n');
            for (label, value) in [("Header", &token.header), ("Claims", &token.claims)] {
                if let Some(value) = value {
                    let _ = writeln!(section, "{label}:\n");
                    let pretty = serde_json::to_string_pretty(value).unwrap_or_default();
                    fenced(&mut section, "json", &format!("{pretty}\n"));
                }
            }
        }
    }
    out.push_str("## Tokens\n\n");
    if section.is_empty() {
        out.push_str("No token was found in the responses.\n\n");
    } else {
        out.push_str(&section);
    }
}

/// A fenced code block whose fence is longer than any backtick run in `text`.
fn fenced(out: &mut String, language: &str, text: &str) {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat((longest + 1).max(3));
    let _ = writeln!(out, "{fence}{language}\n{text}{fence}\n");
}

/// Text on one line, with nothing that starts Markdown markup by accident.
fn inline(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}

/// A table cell: one line, `|` escaped.
fn cell(text: &str) -> String {
    inline(text).replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::net::Exchange;
    use crate::oauth::flow::{Step, StepFailure};
    use crate::token::Timestamp;

    fn environment() -> Environment {
        Environment {
            app_version: "9.9.9".to_owned(),
            os: "plan9 mips".to_owned(),
        }
    }

    #[test]
    fn a_failed_step_shows_the_request_response_and_diagnosis() {
        let mut profile = Profile {
            name: "Keycloak | test".to_owned(),
            client_id: "fe-client".to_owned(),
            ..Profile::default()
        };
        profile.endpoints.token = "https://op/token".to_owned();
        let failure = crate::oauth::flow::failure_from(crate::oauth::flow::ProviderError {
            status: 400,
            error: "invalid_grant".to_owned(),
            description: Some("Code not valid".to_owned()),
            uri: None,
        });
        let record = StepRecord {
            step: Step::Token,
            at: Timestamp::from_unix(1_795_387_806),
            exchange: Some(Exchange {
                request: RecordedRequest {
                    method: "POST".to_owned(),
                    url: "https://op/token".to_owned(),
                    headers: vec![("Authorization".to_owned(), "Basic Zm9vOmJhcg==".to_owned())],
                    body: b"grant_type=authorization_code&code=abcdefghijkl".to_vec(),
                },
                response: Ok(RecordedResponse {
                    status: 400,
                    reason: "Bad Request".to_owned(),
                    version: "HTTP/1.1".to_owned(),
                    headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
                    body: br#"{"error":"invalid_grant","error_description":"Code not valid"}"#
                        .to_vec(),
                    truncated_at: None,
                }),
                duration: Duration::from_millis(12),
            }),
            outcome: Err(failure),
            verification: None,
            provider_clock_skew: None,
            introspection_jwt: None,
        };
        let text = report(&profile, &[record], &environment(), true);
        for expected in [
            "# tokenscope report: Keycloak | test",
            "| Name | Keycloak \\| test |",
            "| Client ID | fe-client |",
            "| Client authentication | client_secret_basic |",
            "### ✗ Token — HTTP 400, 12 ms",
            "```http\nPOST https://op/token\nAuthorization: Basic <client-credentials>\n\ngrant_type=authorization_code&code=<code>\n```",
            "HTTP/1.1 400 Bad Request",
            "  \"error\": \"invalid_grant\",",
            "**Provider error:** invalid_grant: Code not valid",
            "**Diagnosis:** The code or refresh token was refused",
            "No token was found in the responses.",
            "- tokenscope 9.9.9\n- OS: plan9 mips\n",
        ] {
            assert!(text.contains(expected), "{text}\n--- lacks ---\n{expected}");
        }
        assert!(!text.contains("Zm9vOmJhcg=="));
        assert!(!text.contains("abcdefghijkl"));
    }

    #[test]
    fn a_step_without_exchange_has_its_outcome() {
        let record = StepRecord {
            step: Step::Callback,
            at: Timestamp::from_unix(0),
            exchange: None,
            outcome: Err(StepFailure::new("state does not match")),
            verification: None,
            provider_clock_skew: None,
            introspection_jwt: None,
        };
        let text = report(&Profile::default(), &[record], &environment(), true);
        assert!(text.contains("### ✗ Callback\n"), "{text}");
        assert!(text.contains("**Outcome:** ✗ state does not match"));
    }

    #[test]
    fn fences_outgrow_backticks_in_the_text() {
        let mut out = String::new();
        fenced(&mut out, "", "a ```` b\n");
        assert!(out.starts_with("`````\n"), "{out}");
    }
}
