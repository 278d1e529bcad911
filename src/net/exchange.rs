//! One HTTP exchange: the request exactly as it went out, the response
//! exactly as it came back, and how long it took.

use std::time::{Duration, Instant};

use serde::Serialize;

use super::client::ClientOptions;

/// A request about to be sent; editable in the UI before sending.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RequestDraft {
    /// `GET`, `POST`, …
    pub method: String,
    /// The full URL, query included.
    pub url: String,
    /// Headers, in order.
    pub headers: Vec<(String, String)>,
    /// The body (form-encoded for token requests).
    pub body: Vec<u8>,
}

impl RequestDraft {
    /// A `GET` with no body.
    pub fn get(url: impl Into<String>) -> Self {
        Self {
            method: "GET".to_owned(),
            url: url.into(),
            headers: vec![("Accept".to_owned(), "application/json".to_owned())],
            body: Vec::new(),
        }
    }

    /// A form `POST` (RFC 6749 §3.2: `application/x-www-form-urlencoded`).
    pub fn form_post(url: impl Into<String>, fields: &[(String, String)]) -> Self {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        Self {
            method: "POST".to_owned(),
            url: url.into(),
            headers: vec![
                ("Accept".to_owned(), "application/json".to_owned()),
                (
                    "Content-Type".to_owned(),
                    "application/x-www-form-urlencoded".to_owned(),
                ),
            ],
            body: body.into_bytes(),
        }
    }

    /// A header's value (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        header_value(&self.headers, name)
    }

    /// Sets a header, replacing one of the same name.
    pub fn set_header(&mut self, name: &str, value: impl Into<String>) {
        let value = value.into();
        match self
            .headers
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            Some(slot) => slot.1 = value,
            None => self.headers.push((name.to_owned(), value)),
        }
    }

    /// The form fields of the body, decoded.
    pub fn form_fields(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(&self.body)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }
}

/// The request as it went out: the draft plus what the HTTP layer adds
/// (`Host`, `Content-Length`, `User-Agent`), recorded, not reconstructed later.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RecordedRequest {
    /// Method.
    pub method: String,
    /// URL.
    pub url: String,
    /// Every header sent.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// A header's value (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        header_value(&self.headers, name)
    }
}

/// The value of the first header called `name` (HTTP names are
/// case-insensitive, RFC 9110 §5.1).
fn header_value<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The response as received.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RecordedResponse {
    /// Status code.
    pub status: u16,
    /// Reason phrase, when known.
    pub reason: String,
    /// HTTP version, e.g. `HTTP/1.1`.
    pub version: String,
    /// Headers, in order.
    pub headers: Vec<(String, String)>,
    /// Body bytes: all of them, or the first [`ClientOptions::max_body_bytes`].
    pub body: Vec<u8>,
    /// Where the body was cut, in bytes, when the server sent more than the
    /// profile's limit (the rest was never read); `None` for a whole body.
    pub truncated_at: Option<u64>,
}

/// The fields of a response body: a JSON object, or form-encoded (GitHub's
/// default, RFC 6749 §5.1 says JSON but providers differ).
pub fn body_fields(
    response: &RecordedResponse,
) -> Option<serde_json::Map<String, serde_json::Value>> {
    if let Ok(serde_json::Value::Object(object)) =
        serde_json::from_slice::<serde_json::Value>(&response.body)
    {
        return Some(object);
    }
    let text = response.text();
    let looks_form = response.media_type() == "application/x-www-form-urlencoded"
        || (text.contains('=') && !text.contains('<') && !text.trim_start().starts_with('{'));
    looks_form.then(|| {
        form_urlencoded::parse(text.trim().as_bytes())
            .map(|(k, v)| (k.into_owned(), serde_json::Value::from(v.into_owned())))
            .collect()
    })
}

impl RecordedResponse {
    /// "the answer was cut at 10 MiB", in the thread's language, when it was.
    pub fn cut_note(&self) -> Option<String> {
        self.truncated_at.map(cut_text)
    }

    /// A header's value (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        header_value(&self.headers, name)
    }

    /// The media type without parameters, lower case.
    pub fn media_type(&self) -> String {
        self.header("content-type")
            .unwrap_or_default()
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    }

    /// The body as text (lossy).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// How many seconds from `now` the server asks to wait before asking
    /// again (`Retry-After`, RFC 9110 §10.2.3: delay-seconds or an HTTP-date).
    /// A date in the past is 0; a count too large for `u64` saturates; a
    /// value that is neither is `None`. The caller caps what it honours.
    pub fn retry_after(&self, now: crate::token::Timestamp) -> Option<u64> {
        let value = self.header("retry-after")?.trim();
        if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
            return Some(value.parse().unwrap_or(u64::MAX));
        }
        let at = chrono::DateTime::parse_from_rfc2822(value)
            .ok()?
            .timestamp();
        Some(u64::try_from(at.saturating_sub(now.unix())).unwrap_or(0))
    }
}

/// Why a request got no HTTP answer. Its text is in the thread's language
/// (English for the CLI).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
pub enum NetError {
    /// The request could not be built (bad URL, unreadable certificate file, …).
    Setup(String),
    /// The host name did not resolve.
    Dns(String),
    /// Nothing listens at that address and port.
    Refused(String),
    /// No answer in time.
    Timeout(u64),
    /// The TLS handshake failed (unknown issuer, expired, name mismatch, client certificate required, …).
    Tls(super::tls::TlsFailure),
    /// Cancelled by the user.
    Cancelled,
    /// Anything else.
    Other(String),
}

impl std::fmt::Display for NetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = match self {
            Self::Setup(detail) | Self::Other(detail) => detail.clone(),
            Self::Dns(detail) => crate::tr!("net-dns", detail = detail.as_str()),
            Self::Refused(detail) => crate::tr!("net-refused", detail = detail.as_str()),
            Self::Timeout(seconds) => crate::tr!("net-timeout", seconds = *seconds),
            Self::Tls(failure) => crate::tr!("net-tls", failure = failure.to_string()),
            Self::Cancelled => crate::tr!("net-cancelled"),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for NetError {}

/// A finished exchange.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Exchange {
    /// What was sent.
    pub request: RecordedRequest,
    /// What came back, or why nothing did.
    pub response: Result<RecordedResponse, NetError>,
    /// From sending to the last body byte.
    #[serde(serialize_with = "serialize_millis")]
    pub duration: Duration,
}

#[cfg(test)]
impl Exchange {
    /// A JSON answer with `status` to a POST to `url`, for unit tests.
    pub(crate) fn json_answer(url: &str, status: u16, body: &str) -> Self {
        Self {
            request: RecordedRequest {
                method: "POST".to_owned(),
                url: url.to_owned(),
                headers: Vec::new(),
                body: Vec::new(),
            },
            response: Ok(RecordedResponse {
                status,
                reason: String::new(),
                version: "HTTP/1.1".to_owned(),
                headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
                body: body.as_bytes().to_vec(),
                truncated_at: None,
            }),
            duration: Duration::ZERO,
        }
    }
}

fn serialize_millis<S: serde::Serializer>(
    duration: &Duration,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_u128(duration.as_millis())
}

/// "the answer was cut at 10 MiB: …", for an answer cut at `bytes`.
pub fn cut_text(bytes: u64) -> String {
    crate::tr!("net-answer-cut", size = size_text(bytes))
}

/// A size in the thread's language: "10 MiB", "64 KiB", "1000 bytes"
/// exactly as limits are given, or "10.5 MiB" to a tenth for any other size.
pub fn size_text(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    let unit = if bytes >= MIB {
        MIB
    } else if bytes >= KIB {
        KIB
    } else {
        return crate::tr!("net-size-bytes", count = bytes);
    };
    let count = if bytes.is_multiple_of(unit) {
        fluent_bundle::FluentValue::from(bytes / unit)
    } else {
        #[expect(clippy::cast_precision_loss, reason = "a size shown to a tenth")]
        let tenths = (bytes as f64 / unit as f64 * 10.0).round() / 10.0;
        fluent_bundle::FluentValue::from(tenths)
    };
    if unit == MIB {
        crate::tr!("net-size-mib", count = count)
    } else {
        crate::tr!("net-size-kib", count = count)
    }
}

/// Sends `draft` with `client` and records everything; `options` give the
/// timeout (for the message) and how much of the body is read at most.
pub async fn send(
    client: &reqwest::Client,
    draft: &RequestDraft,
    options: &ClientOptions,
) -> Exchange {
    let timeout = options.timeout;
    let mut recorded = RecordedRequest {
        method: draft.method.clone(),
        url: draft.url.clone(),
        headers: Vec::new(),
        body: draft.body.clone(),
    };
    let started = Instant::now();
    let request = match build(client, draft) {
        Ok(request) => request,
        Err(error) => {
            recorded.headers.clone_from(&draft.headers);
            return Exchange {
                request: recorded,
                response: Err(error),
                duration: started.elapsed(),
            };
        }
    };
    // Record what goes on the wire: the request's final headers, plus the
    // ones the connection layer writes itself.
    if let Some(host) = request.url().host_str() {
        let host = match request.url().port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        recorded.headers.push(("Host".to_owned(), host));
    }
    for (name, value) in request.headers() {
        recorded.headers.push((
            canonical(name.as_str()),
            String::from_utf8_lossy(value.as_bytes()).into_owned(),
        ));
    }
    if !draft.body.is_empty() || draft.method == "POST" {
        recorded
            .headers
            .push(("Content-Length".to_owned(), draft.body.len().to_string()));
    }
    let response = async {
        let response = client
            .execute(request)
            .await
            .map_err(|e| classify(&e, timeout))?;
        let status = response.status();
        let version = format!("{:?}", response.version());
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    canonical(n.as_str()),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let (body, truncated_at) = read_body(response, options.max_body_bytes)
            .await
            .map_err(|e| classify(&e, timeout))?;
        Ok(RecordedResponse {
            status: status.as_u16(),
            reason: status.canonical_reason().unwrap_or_default().to_owned(),
            version,
            headers,
            body,
            truncated_at,
        })
    }
    .await;
    Exchange {
        request: recorded,
        response,
        duration: started.elapsed(),
    }
}

/// Reads the body chunk by chunk up to `cap` bytes and stops there: a
/// server that sends an endless or huge answer costs at most the cap plus
/// the chunk in hand. Returns the body and, when more came, where it was cut.
async fn read_body(
    mut response: reqwest::Response,
    cap: usize,
) -> Result<(Vec<u8>, Option<u64>), reqwest::Error> {
    // Content-Length is the server's word, not a promise: it only sizes the
    // first allocation, never beyond the cap.
    let announced = response
        .content_length()
        .map_or(0, |length| usize::try_from(length).unwrap_or(usize::MAX));
    let mut body = Vec::with_capacity(announced.min(cap).min(FIRST_ALLOCATION));
    while let Some(chunk) = response.chunk().await? {
        let room = cap.saturating_sub(body.len());
        let kept = chunk.get(..room).unwrap_or(&chunk);
        grow_within(&mut body, kept.len(), cap);
        body.extend_from_slice(kept);
        if kept.len() < chunk.len() {
            return Ok((body, Some(u64::try_from(cap).unwrap_or(u64::MAX))));
        }
    }
    Ok((body, None))
}

/// The most a body buffer starts with before any byte came.
const FIRST_ALLOCATION: usize = 64 * 1024;

/// Makes room for `extra` more bytes, doubling as `Vec` does but never past
/// `limit`: the buffer of a capped body never outgrows the cap.
fn grow_within(body: &mut Vec<u8>, extra: usize, limit: usize) {
    let needed = body.len().saturating_add(extra);
    if needed <= body.capacity() {
        return;
    }
    let target = body
        .capacity()
        .saturating_mul(2)
        .max(needed)
        .min(limit.max(needed));
    body.reserve_exact(target.saturating_sub(body.len()));
}

fn build(client: &reqwest::Client, draft: &RequestDraft) -> Result<reqwest::Request, NetError> {
    let method = reqwest::Method::from_bytes(draft.method.as_bytes())
        .map_err(|_| NetError::Setup(format!("{:?} is not an HTTP method", draft.method)))?;
    let url = reqwest::Url::parse(draft.url.trim())
        .map_err(|e| NetError::Setup(format!("{} is not a URL: {e}", draft.url)))?;
    let mut builder = client.request(method, url);
    for (name, value) in &draft.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    if !draft.body.is_empty() {
        builder = builder.body(draft.body.clone());
    }
    builder
        .build()
        .map_err(|e| NetError::Setup(format!("the request could not be built: {e}")))
}

/// `content-type` → `Content-Type`, for display as HTTP/1.1 writes them.
fn canonical(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |c| {
                c.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// Sorts a reqwest error into what the user can act on.
fn classify(error: &reqwest::Error, timeout: Duration) -> NetError {
    let chain = error_chain(error);
    let lower = chain.to_lowercase();
    let host = error
        .url()
        .and_then(reqwest::Url::host_str)
        .unwrap_or_default();
    if let Some(tls) = super::tls::find_rustls_error(error) {
        NetError::Tls(super::tls::classify(tls, host))
    } else if error.is_timeout() {
        NetError::Timeout(timeout.as_secs())
    } else if lower.contains("dns error")
        || lower.contains("failed to lookup")
        || lower.contains("name or service not known")
    {
        NetError::Dns(chain)
    } else if lower.contains("connection refused") {
        NetError::Refused(chain)
    } else if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake")
    {
        NetError::Tls(super::tls::TlsFailure::Other { detail: chain })
    } else {
        NetError::Other(chain)
    }
}

/// The error and all its sources, joined: reqwest's own message alone
/// ("error sending request") says nothing useful.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut parts = vec![error.to_string()];
    let mut source = error.source();
    while let Some(inner) = source {
        let text = inner.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = inner.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::Timestamp;

    fn with_retry_after(value: &str) -> RecordedResponse {
        RecordedResponse {
            status: 503,
            reason: String::new(),
            version: "HTTP/1.1".to_owned(),
            headers: vec![("Retry-After".to_owned(), value.to_owned())],
            body: Vec::new(),
            truncated_at: None,
        }
    }

    #[test]
    fn retry_after_is_seconds_or_a_date_and_never_overflows() {
        let now = Timestamp::from_unix(784_111_717); // Sun, 06 Nov 1994 08:48:37 GMT
        let wait = |value: &str| with_retry_after(value).retry_after(now);
        assert_eq!(wait("120"), Some(120));
        assert_eq!(wait(" 0 "), Some(0));
        assert_eq!(wait("99999999999999999999999999"), Some(u64::MAX));
        assert_eq!(wait("Sun, 06 Nov 1994 08:49:37 GMT"), Some(60));
        assert_eq!(
            wait("Sun, 06 Nov 1994 08:00:00 GMT"),
            Some(0),
            "in the past"
        );
        for nonsense in ["-5", "1e12", "скоро", "🕐", "", "12 s"] {
            assert_eq!(wait(nonsense), None, "{nonsense}");
        }
    }

    #[test]
    fn sizes_read_as_limits_are_given() {
        crate::i18n::set_language(crate::i18n::Language::En);
        assert_eq!(size_text(10 * 1024 * 1024), "10 MiB");
        assert_eq!(size_text(64 * 1024), "64 KiB");
        assert_eq!(size_text(1), "1 byte");
        assert_eq!(size_text(1000), "1000 bytes");
        assert_eq!(size_text(10 * 1024 * 1024 + 512 * 1024), "10.5 MiB");
        assert_eq!(size_text(u64::MAX), "17592186044416 MiB");
        crate::i18n::set_language(crate::i18n::Language::Ru);
        let russian = (size_text(3), size_text(5), cut_text(10 * 1024 * 1024));
        crate::i18n::set_language(crate::i18n::Language::En);
        assert_eq!(russian.0, "3 байта");
        assert_eq!(russian.1, "5 байт");
        assert!(
            russian.2.starts_with("ответ обрезан на 10 МиБ"),
            "{}",
            russian.2
        );
    }
}
