//! `tokenscope run`: the flow runner (code flow or client credentials, then
//! optionally introspection and revocation) from a terminal, for smoke tests of an
//! SSO integration in CI. Each step is printed as it completes; with
//! `--json`, one JSON object per line.

use serde::Serialize;
use serde_json::Value;

use crate::export::redact::{SecretMarks, mask_request};
use crate::net::{Exchange, RecordedRequest};
use crate::oauth::flow::{self, Step, mask_middle};
use crate::oauth::runner::StepRecord;
use crate::paste::inspect;
use crate::token::Timestamp;

/// One line of `run --json`.
#[derive(Debug, Serialize)]
pub struct StepLine {
    /// `discovery`, `authorize`, `callback`, `token`, `userinfo`, `refresh`,
    /// `client_credentials`, `introspection`, `revocation`.
    pub step: Step,
    /// Whether the step succeeded.
    pub ok: bool,
    /// A device poll the provider answered with `authorization_pending` or
    /// `slow_down` (RFC 8628 §3.5): not a failure, polling goes on.
    pub pending: bool,
    /// What happened.
    pub summary: String,
    /// What probably went wrong, when it failed: the first catalogue
    /// finding in one English line.
    pub diagnosis: Option<String>,
    /// Every catalogue finding for the failure, most specific first, each
    /// with `id`, `title`, `causes`, `fix` (English and Russian) and `source`.
    pub diagnoses: Vec<crate::diagnose::Finding>,
    /// The provider's `error` code, when it sent one.
    pub error: Option<String>,
    /// The request as sent, secrets masked.
    pub request: Option<RecordedRequest>,
    /// The response as received, tokens masked.
    pub response: Option<ResponseLine>,
    /// Milliseconds.
    pub duration_ms: Option<u128>,
    /// Tokens found in the response, decoded (as `tokenscope decode` reports them).
    pub tokens: Vec<Value>,
    /// Why the TLS handshake failed, when that is why there is no response:
    /// `{"kind":"unknown_issuer","host":…}`, `expired`, `not_yet_valid`,
    /// `name_mismatch`, `client_certificate_required`, … (see the README).
    pub tls: Option<crate::net::TlsFailure>,
    /// The request's `client_assertion` (`private_key_jwt`, `client_secret_jwt`),
    /// its header and claims decoded; the signature is left out.
    pub client_assertion: Option<String>,
    /// The verification of the tokens the step returned, when it returned an
    /// ID token or a JWT access token; each verified token in `tokens` also
    /// carries `signature`, `checked_as`, `checks` and `passed` as
    /// `tokenscope verify` reports them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification: Option<VerificationLine>,
    /// How far the provider's clock was ahead of ours (negative: behind), in
    /// seconds, by the answer's `Date` header (RFC 9110 §6.6.1); absent
    /// without a `Date`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider_clock_skew_s: Option<i64>,
    /// A JWT introspection answer (RFC 9701): `encrypted`, `decryption`
    /// (how it was opened), `signed`, `passed` and the `checks` rows
    /// (`response`, `typ`, `signature`, `iss`, `aud`, `iat`,
    /// `token_introspection`); absent for any other answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub introspection_jwt: Option<crate::oauth::runner::IntrospectionJwtFacts>,
}

/// The verification of a step's tokens in a step line.
#[derive(Debug, Serialize)]
pub struct VerificationLine {
    /// Every verified token's signature is valid and no check failed.
    pub passed: bool,
    /// The first failure, in one line ("ID token: nonce: …"), when not passed.
    pub failed_check: Option<String>,
    /// The keys used (the provider's JWKS; the client secret for HS*, never shown).
    pub keys: Vec<crate::token::keys::KeyRow>,
    /// Key material that could not be used or fetched, and why.
    pub key_problems: Vec<crate::token::keys::KeyProblem>,
    /// Whether the JWKS was fetched once more because a `kid` was unknown.
    pub refetched_jwks: bool,
}

/// A response in a step line.
#[derive(Debug, Serialize)]
pub struct ResponseLine {
    /// HTTP status.
    pub status: u16,
    /// Headers.
    pub headers: Vec<(String, String)>,
    /// Body as text, token values masked.
    pub body: String,
    /// Where the body was cut, in bytes, when the server sent more than the
    /// profile's answer limit (`null` for a whole body).
    pub truncated_at: Option<u64>,
}

/// The line for one step; secrets masked, with what the run's profile
/// `marks` secret (headers, extra parameters, extension fields).
pub fn step_line(record: &StepRecord, now: Timestamp, marks: &SecretMarks) -> StepLine {
    let (ok, summary, diagnosis, error) = match &record.outcome {
        Ok(summary) => (true, summary.clone(), None, None),
        Err(failure) => (
            false,
            failure.message.clone(),
            failure.diagnosis_line(crate::i18n::Language::En),
            failure.provider_error.as_ref().map(|e| e.error.clone()),
        ),
    };
    let findings = match &record.outcome {
        Err(failure) => failure
            .diagnosis
            .as_ref()
            .map(|d| d.entries.clone())
            .unwrap_or_default(),
        Ok(_) => Vec::new(),
    };
    let (request, response, duration_ms, mut tokens) = match &record.exchange {
        Some(exchange) => exchange_parts(exchange, now, marks),
        None => (None, None, None, Vec::new()),
    };
    let verification = record.verification.as_deref().map(|report| {
        // The report's indices are those of `decode` on the same answer.
        for verified in &report.tokens {
            if let Some(serde_json::Value::Object(token)) = tokens.get_mut(verified.index) {
                for (name, value) in [
                    ("signature", serde_json::to_value(&verified.signature)),
                    ("checked_as", serde_json::to_value(verified.checked_as)),
                    ("checks", serde_json::to_value(&verified.checks)),
                    ("verification_notes", serde_json::to_value(&verified.notes)),
                    ("passed", serde_json::to_value(verified.passed)),
                ] {
                    if let Ok(value) = value {
                        token.insert(name.to_owned(), value);
                    }
                }
                // An encrypted token: how it was decrypted (the signature and
                // checks above are then the nested token's).
                if let Some(Ok(value)) = verified.decryption.as_ref().map(serde_json::to_value) {
                    token.insert("decryption".to_owned(), value);
                }
            }
        }
        VerificationLine {
            passed: report.passed,
            failed_check: crate::oauth::verification::first_failure(report),
            keys: report.keys.clone(),
            key_problems: report.key_problems.clone(),
            refetched_jwks: report.refetched_jwks,
        }
    });
    let tls = match record.exchange.as_ref().map(|e| &e.response) {
        Some(Err(crate::net::NetError::Tls(failure))) => Some(failure.clone()),
        _ => None,
    };
    let pending = record
        .outcome
        .as_ref()
        .err()
        .is_some_and(crate::oauth::device::is_pending);
    let client_assertion = record
        .exchange
        .as_ref()
        .and_then(|exchange| crate::oauth::assertion::decoded_from_form(&exchange.request.body));
    StepLine {
        tls,
        client_assertion,
        step: record.step,
        ok,
        pending,
        summary,
        diagnosis,
        diagnoses: findings,
        error,
        request,
        response,
        duration_ms,
        tokens,
        verification,
        provider_clock_skew_s: record.provider_clock_skew,
        introspection_jwt: record.introspection_jwt.as_deref().cloned(),
    }
}

type Parts = (
    Option<RecordedRequest>,
    Option<ResponseLine>,
    Option<u128>,
    Vec<Value>,
);

fn exchange_parts(exchange: &Exchange, now: Timestamp, marks: &SecretMarks) -> Parts {
    let request = Some(mask_request(&exchange.request, marks));
    let (response, tokens) = match &exchange.response {
        Ok(response) => {
            let text = response.text();
            let inspection = inspect(&text, now);
            let report = crate::export::decoded::report(&inspection, now);
            let tokens = report
                .tokens
                .iter()
                .filter_map(|t| serde_json::to_value(t).ok())
                .map(|mut t| {
                    if let Some(obj) = t.as_object_mut() {
                        obj.remove("value");
                    }
                    t
                })
                .collect();
            let mut body = mask_secret_members(&text);
            for token in &inspection.tokens {
                body = body.replace(&token.value, &mask_middle(&token.value));
            }
            (
                Some(ResponseLine {
                    status: response.status,
                    headers: response.headers.clone(),
                    body,
                    truncated_at: response.truncated_at,
                }),
                tokens,
            )
        }
        Err(_) => (None, Vec::new()),
    };
    (
        request,
        response,
        Some(exchange.duration.as_millis()),
        tokens,
    )
}

/// The line for one step of a run of `profile`, for a person:
/// `✓ Token  HTTP 200  84 ms  access token (300 s), …`. The step is named as
/// the window names it for that profile (in CIBA ping mode the token step is
/// "Tokens after the ping", not "Poll for tokens").
pub fn step_text(line: &StepLine, profile: &crate::oauth::Profile) -> String {
    let mark = if line.ok {
        "✓"
    } else if line.pending {
        "…"
    } else {
        "✗"
    };
    let status = line
        .response
        .as_ref()
        .map(|r| format!(" HTTP {}", r.status))
        .unwrap_or_default();
    let duration = line
        .duration_ms
        .map(|ms| format!("  {ms} ms"))
        .unwrap_or_default();
    let mut text = format!(
        "{mark} {:<9}{status}{duration}",
        line.step.title_in(profile)
    );
    text.push_str("  ");
    text.push_str(&line.summary);
    if let Some(skew) = line
        .provider_clock_skew_s
        .and_then(crate::oauth::provider_clock::describe)
    {
        text.push_str("\n    ");
        text.push_str(&skew);
    }
    if let Some(verification) = &line.verification {
        text.push_str("\n    ");
        text.push_str(&verification_text(line, verification));
    }
    if let Some(bytes) = line.response.as_ref().and_then(|r| r.truncated_at) {
        text.push_str("\n    ");
        text.push_str(&crate::net::exchange::cut_text(bytes));
    }
    for finding in &line.diagnoses {
        let language = crate::i18n::Language::En;
        text.push_str("\n    ");
        text.push_str(finding.title.get(language));
        for cause in &finding.causes {
            text.push_str("\n      cause: ");
            text.push_str(cause.get(language));
        }
        text.push_str("\n      fix: ");
        text.push_str(finding.fix.get(language));
        text.push_str("\n      source: ");
        text.push_str(&finding.source);
    }
    text
}

/// A JSON body with the values of secret members (`device_code`,
/// `refresh_token`, …) masked; any other body as it is.
fn mask_secret_members(text: &str) -> String {
    let Ok(Value::Object(mut object)) = serde_json::from_str::<Value>(text) else {
        return text.to_owned();
    };
    let mut changed = false;
    for (name, value) in &mut object {
        if let Value::String(secret) = value
            && flow::SECRET_FIELDS.contains(&name.as_str())
        {
            *secret = mask_middle(secret);
            changed = true;
        }
    }
    if changed {
        serde_json::to_string(&object).unwrap_or_else(|_| text.to_owned())
    } else {
        text.to_owned()
    }
}

/// "verified: ID token (signature valid (RS256, key kc-rsa-1), 14 checks)",
/// or what failed: "NOT verified: ID token: nonce: … (OIDC Core …)".
fn verification_text(line: &StepLine, verification: &VerificationLine) -> String {
    if let Some(failed) = &verification.failed_check {
        let mut text = format!("NOT verified: {failed}");
        for problem in &verification.key_problems {
            text.push_str("\n    key problem: ");
            text.push_str(&problem.to_string());
        }
        return text;
    }
    let tokens: Vec<String> = line
        .tokens
        .iter()
        .filter_map(|token| {
            let title = token.get("title")?.as_str()?;
            let signature = token.get("signature")?.get("summary")?.as_str()?;
            let checks = token.get("checks")?.as_array()?.len();
            Some(format!("{title} (signature {signature}, {checks} checks)"))
        })
        .collect();
    format!("verified: {}", tokens.join("; "))
}
