//! A flow run as a HAR 1.2 file (<http://www.softwareishard.com/blog/har-12-spec/>),
//! for browser dev tools, HAR viewers and support tickets.

use serde_json::{Value, json};

use crate::net::{Exchange, RecordedRequest, RecordedResponse};
use crate::oauth::runner::StepRecord;

use super::redact::{SecretMarks, redact_body, redact_request, redact_response};

/// The HAR document for the records that made an HTTP exchange, in order.
///
/// With `redact`, request secrets (and what the run's profile `marks`
/// secret) become placeholders and token values in response bodies keep
/// only their first 6 and last 4 characters (see [`super::redact`]). A request that got no answer has `response.status` 0
/// and the error in `response._error`. Steps without an exchange (Authorize,
/// Callback) appear only in `log.comment`.
pub fn har(
    records: &[StepRecord],
    creator_version: &str,
    redact: bool,
    marks: &SecretMarks,
) -> Value {
    let entries: Vec<Value> = records
        .iter()
        .filter_map(|record| {
            record
                .exchange
                .as_ref()
                .map(|exchange| entry(record, exchange, redact.then_some(marks)))
        })
        .collect();
    let steps: Vec<String> = records.iter().map(outcome_line).collect();
    json!({
        "log": {
            "version": "1.2",
            "creator": { "name": "tokenscope", "version": creator_version },
            "entries": entries,
            "comment": format!("tokenscope flow transcript: {}", steps.join("; ")),
        }
    })
}

/// `Token: ✓ access token (300 s)` or `Token: ✗ HTTP 400: invalid_grant — diagnosis`.
fn outcome_line(record: &StepRecord) -> String {
    match &record.outcome {
        Ok(summary) => format!("{}: ✓ {summary}", record.step.title()),
        Err(failure) => match failure.diagnosis_line(crate::i18n::Language::En) {
            Some(diagnosis) => format!(
                "{}: ✗ {} — {diagnosis}",
                record.step.title(),
                failure.message
            ),
            None => format!("{}: ✗ {}", record.step.title(), failure.message),
        },
    }
}

/// One HAR entry; redacted with `marks` when given.
fn entry(record: &StepRecord, exchange: &Exchange, marks: Option<&SecretMarks>) -> Value {
    let redact = marks.is_some();
    let millis = exchange.duration.as_secs_f64() * 1000.0;
    let finished_ms = record.at.unix().saturating_mul(1000);
    let duration_ms = i64::try_from(exchange.duration.as_millis()).unwrap_or(i64::MAX);
    let started = chrono::DateTime::from_timestamp_millis(finished_ms.saturating_sub(duration_ms))
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let http_version = exchange
        .response
        .as_ref()
        .map_or("HTTP/1.1", |r| r.version.as_str());
    let request = match marks {
        Some(marks) => redact_request(&exchange.request, marks),
        None => exchange.request.clone(),
    };
    let response = match &exchange.response {
        Ok(response) => {
            let shown = if redact {
                redact_response(response)
            } else {
                response.clone()
            };
            response_json(&shown, response.body.len())
        }
        Err(error) => {
            let message = if redact {
                redact_body(&error.to_string())
            } else {
                error.to_string()
            };
            json!({
                "status": 0,
                "statusText": "",
                "httpVersion": "",
                "cookies": [],
                "headers": [],
                "content": { "size": 0, "mimeType": "x-unknown" },
                "redirectURL": "",
                "headersSize": -1,
                "bodySize": -1,
                "_error": message,
            })
        }
    };
    json!({
        "startedDateTime": started,
        "time": millis,
        "request": request_json(&request, http_version, exchange.request.body.len()),
        "response": response,
        "cache": {},
        "timings": { "blocked": -1, "dns": -1, "connect": -1, "send": 0, "wait": millis, "receive": 0, "ssl": -1 },
        "comment": outcome_line(record),
    })
}

fn pairs(pairs: &[(String, String)]) -> Vec<Value> {
    pairs
        .iter()
        .map(|(name, value)| json!({ "name": name, "value": value }))
        .collect()
}

fn form_pairs(encoded: &str) -> Vec<Value> {
    form_urlencoded::parse(encoded.as_bytes())
        .map(|(name, value)| json!({ "name": name, "value": value }))
        .collect()
}

fn request_json(request: &RecordedRequest, http_version: &str, body_size: usize) -> Value {
    let url = request.url.split('#').next().unwrap_or_default();
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or_default();
    let mut value = json!({
        "method": request.method,
        "url": url,
        "httpVersion": http_version,
        "cookies": [],
        "headers": pairs(&request.headers),
        "queryString": form_pairs(query),
        "headersSize": -1,
        "bodySize": body_size,
    });
    if !request.body.is_empty() {
        let mime = request
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
            .map_or("application/octet-stream", |(_, v)| v.as_str());
        let text = String::from_utf8_lossy(&request.body).into_owned();
        let params = if mime
            .to_ascii_lowercase()
            .starts_with("application/x-www-form-urlencoded")
        {
            form_pairs(&text)
        } else {
            Vec::new()
        };
        value["postData"] = json!({ "mimeType": mime, "text": text, "params": params });
    }
    value
}

fn response_json(response: &RecordedResponse, body_size: usize) -> Value {
    let mime = response.header("content-type").unwrap_or("x-unknown");
    json!({
        "status": response.status,
        "statusText": response.reason,
        "httpVersion": response.version,
        "cookies": [],
        "headers": pairs(&response.headers),
        "content": { "size": body_size, "mimeType": mime, "text": response.text() },
        "redirectURL": response.header("location").unwrap_or_default(),
        "headersSize": -1,
        "bodySize": body_size,
    })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::net::NetError;
    use crate::oauth::flow::{Step, StepFailure};
    use crate::token::Timestamp;

    const AT: i64 = 1_795_387_806;

    fn record(response: Result<RecordedResponse, NetError>) -> StepRecord {
        StepRecord {
            step: Step::Token,
            at: Timestamp::from_unix(AT),
            exchange: Some(Exchange {
                request: RecordedRequest {
                    method: "POST".to_owned(),
                    url: "https://op/token?x=1".to_owned(),
                    headers: vec![(
                        "Content-Type".to_owned(),
                        "application/x-www-form-urlencoded".to_owned(),
                    )],
                    body: b"grant_type=authorization_code&code=abcdefghijklmnop".to_vec(),
                },
                response,
                duration: Duration::from_millis(250),
            }),
            outcome: Err(StepFailure::new("No answer")),
            verification: None,
            provider_clock_skew: None,
            introspection_jwt: None,
        }
    }

    #[test]
    fn an_entry_has_the_har_shape_and_times() {
        let response = RecordedResponse {
            status: 200,
            reason: "OK".to_owned(),
            version: "HTTP/1.1".to_owned(),
            headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
            body: br#"{"access_token":"abcdefghijklmnopqrstuvwxyz"}"#.to_vec(),
            truncated_at: None,
        };
        let document = har(
            &[record(Ok(response))],
            "9.9.9",
            true,
            &SecretMarks::default(),
        );
        let entry = &document["log"]["entries"][0];
        assert_eq!(document["log"]["version"], "1.2");
        assert_eq!(document["log"]["creator"]["version"], "9.9.9");
        assert_eq!(entry["startedDateTime"], "2026-11-22T22:50:05.750Z");
        assert_eq!(entry["time"], 250.0);
        assert_eq!(entry["timings"]["wait"], 250.0);
        assert_eq!(entry["request"]["queryString"][0]["name"], "x");
        assert_eq!(entry["request"]["postData"]["params"][1]["value"], "<code>");
        assert_eq!(entry["request"]["bodySize"], 51);
        assert_eq!(
            entry["response"]["content"]["text"],
            r#"{"access_token":"abcdef…wxyz"}"#
        );
        assert_eq!(entry["response"]["bodySize"], 45);
        assert!(entry["comment"].as_str().unwrap().starts_with("Token: ✗"));
    }

    #[test]
    fn no_answer_is_status_zero_with_the_error() {
        let document = har(
            &[record(Err(NetError::Timeout(30)))],
            "1",
            false,
            &SecretMarks::default(),
        );
        let response = &document["log"]["entries"][0]["response"];
        assert_eq!(response["status"], 0);
        assert_eq!(response["_error"], "no answer within 30 seconds");
        assert_eq!(
            document["log"]["entries"][0]["request"]["postData"]["params"][1]["value"],
            "abcdefghijklmnop"
        );
    }
}
