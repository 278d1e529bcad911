//! Exports of a flow run (`curl`, HAR, Markdown): a realistic session built
//! by hand, no secret in any redacted output, every secret in the revealed
//! ones, HAR 1.2 structure, and a generated `curl` command sent for real.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::time::Duration;

use base64::Engine as _;
use serde_json::Value;
use tokenscope::export::redact::SecretMarks;
use tokenscope::export::{CurlOptions, Environment, curl_command, har, report};
use tokenscope::net::{Exchange, NetError, RecordedRequest, RecordedResponse};
use tokenscope::oauth::flow::{Step, StepFailure};
use tokenscope::oauth::profile::{ClientAuth, Profile};
use tokenscope::oauth::runner::StepRecord;
use tokenscope::token::Timestamp;

use super::{GENERATED_AT, fixture};

const CLIENT_ID: &str = "fe-client";
const SECRET: &str = "S3cr3t-Kc+/=&7x9Q'vZ";
const CODE: &str = "9f3c1a2e-77aa-4c1b.9d3e5f6a-7b8c-9d0e.b1a2c3d4";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const REDIRECT: &str = "http://127.0.0.1:53682/callback";

fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

fn basic() -> String {
    let credentials = format!("{}:{}", encode(CLIENT_ID), encode(SECRET));
    base64::engine::general_purpose::STANDARD.encode(credentials)
}

struct Tokens {
    access: String,
    id: String,
    refresh: String,
    body: String,
}

fn tokens() -> Tokens {
    let body = fixture("keycloak-token-response.json");
    let json: Value = serde_json::from_str(&body).expect("fixture is JSON");
    let field = |name: &str| json[name].as_str().expect("token").to_owned();
    Tokens {
        access: field("access_token"),
        id: field("id_token"),
        refresh: field("refresh_token"),
        body,
    }
}

fn profile() -> Profile {
    let mut profile = Profile {
        name: "Keycloak partner-realm (test)".to_owned(),
        environment: "test".to_owned(),
        issuer: "https://sso.example.test/realms/partner-realm".to_owned(),
        client_id: CLIENT_ID.to_owned(),
        client_auth: ClientAuth::ClientSecretPost,
        redirect_uri: REDIRECT.to_owned(),
        scopes: "openid profile email".to_owned(),
        ..Profile::default()
    };
    let base = "https://sso.example.test/realms/partner-realm/protocol/openid-connect";
    profile.endpoints.authorization = format!("{base}/auth");
    profile.endpoints.token = format!("{base}/token");
    profile.endpoints.userinfo = format!("{base}/userinfo");
    profile.tls.extra_ca_files = vec!["/etc/tokenscope/test-root.pem".to_owned()];
    profile
}

fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect()
}

fn form_post(url: &str, extra: &[(&str, &str)], fields: &[(&str, &str)]) -> RecordedRequest {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let mut all = vec![
        ("Host", "sso.example.test"),
        ("Accept", "application/json"),
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("User-Agent", "tokenscope/0.1.0"),
    ];
    all.extend_from_slice(extra);
    let length = body.len().to_string();
    all.push(("Content-Length", &length));
    RecordedRequest {
        method: "POST".to_owned(),
        url: url.to_owned(),
        headers: headers(&all),
        body: body.into_bytes(),
    }
}

fn json_response(status: u16, reason: &str, body: &str) -> RecordedResponse {
    RecordedResponse {
        status,
        reason: reason.to_owned(),
        version: "HTTP/1.1".to_owned(),
        headers: headers(&[
            ("Content-Type", "application/json"),
            ("Cache-Control", "no-store"),
        ]),
        body: body.as_bytes().to_vec(),
        truncated_at: None,
    }
}

fn record(
    step: Step,
    offset: i64,
    exchange: Option<Exchange>,
    outcome: Result<&str, &str>,
) -> StepRecord {
    StepRecord {
        step,
        at: Timestamp::from_unix(GENERATED_AT + offset),
        exchange,
        outcome: outcome.map(str::to_owned).map_err(StepFailure::new),
        verification: None,
        provider_clock_skew: None,
        introspection_jwt: None,
    }
}

fn discovery_exchange(profile: &Profile) -> Exchange {
    Exchange {
        request: RecordedRequest {
            method: "GET".to_owned(),
            url: format!("{}/.well-known/openid-configuration", profile.issuer),
            headers: headers(&[("Host", "sso.example.test"), ("Accept", "application/json")]),
            body: Vec::new(),
        },
        response: Ok(json_response(
            200,
            "OK",
            &format!(
                r#"{{"issuer":"{}","token_endpoint":"{}","userinfo_endpoint":"{}"}}"#,
                profile.issuer, profile.endpoints.token, profile.endpoints.userinfo
            ),
        )),
        duration: Duration::from_millis(31),
    }
}

fn token_exchange(profile: &Profile, tokens: &Tokens) -> Exchange {
    Exchange {
        request: form_post(
            &profile.endpoints.token,
            &[],
            &[
                ("grant_type", "authorization_code"),
                ("code", CODE),
                ("redirect_uri", REDIRECT),
                ("code_verifier", VERIFIER),
                ("client_id", CLIENT_ID),
                ("client_secret", SECRET),
            ],
        ),
        response: Ok(json_response(200, "OK", &tokens.body)),
        duration: Duration::from_millis(84),
    }
}

fn session() -> Vec<StepRecord> {
    let profile = profile();
    let tokens = tokens();
    let discovery = discovery_exchange(&profile);
    let token = token_exchange(&profile, &tokens);
    let bearer = format!("Bearer {}", tokens.access);
    let userinfo_request = RecordedRequest {
        method: "GET".to_owned(),
        url: profile.endpoints.userinfo.clone(),
        headers: headers(&[
            ("Host", "sso.example.test"),
            ("Accept", "application/json"),
            ("Authorization", &bearer),
        ]),
        body: Vec::new(),
    };
    let userinfo = Exchange {
        request: userinfo_request.clone(),
        response: Ok(json_response(
            200,
            "OK",
            r#"{"sub":"19942df0-db31-410a-b76a-551750ccdae0","preferred_username":"asmirnova"}"#,
        )),
        duration: Duration::from_millis(9),
    };
    let userinfo_failed = Exchange {
        request: userinfo_request,
        response: Err(NetError::Refused("tcp connect error".to_owned())),
        duration: Duration::from_millis(2),
    };
    let authorization = format!("Basic {}", basic());
    let refresh = Exchange {
        request: form_post(
            &profile.endpoints.token,
            &[("Authorization", &authorization)],
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", &tokens.refresh),
            ],
        ),
        response: Ok(json_response(200, "OK", &tokens.body)),
        duration: Duration::from_millis(40),
    };
    vec![
        record(
            Step::Discovery,
            0,
            Some(discovery),
            Ok("2 endpoints from the metadata"),
        ),
        record(
            Step::Authorize,
            1,
            None,
            Ok("the browser was sent to the provider"),
        ),
        record(
            Step::Callback,
            5,
            None,
            Ok("code received; state and iss match"),
        ),
        record(
            Step::Token,
            6,
            Some(token),
            Ok("access token (1800 s), ID token, refresh token"),
        ),
        record(
            Step::UserInfo,
            7,
            Some(userinfo_failed),
            Err("No answer: the connection was refused."),
        ),
        record(
            Step::UserInfo,
            8,
            Some(userinfo),
            Ok("2 claims, sub 19942df0-db31-410a-b76a-551750ccdae0"),
        ),
        record(
            Step::Refresh,
            9,
            Some(refresh),
            Ok("access token (1800 s), ID token, refresh token"),
        ),
    ]
}

/// Every secret of the session, in every form it may take: raw,
/// percent-encoded, inside the Basic header.
fn secret_forms() -> Vec<(String, String)> {
    let tokens = tokens();
    let mut forms = Vec::new();
    for (name, value) in [
        ("client secret", SECRET.to_owned()),
        ("code", CODE.to_owned()),
        ("code verifier", VERIFIER.to_owned()),
        ("access token", tokens.access),
        ("ID token", tokens.id),
        ("refresh token", tokens.refresh),
    ] {
        forms.push((format!("{name} (percent-encoded)"), encode(&value)));
        forms.push((name.to_owned(), value));
    }
    forms.push(("Basic credentials".to_owned(), basic()));
    forms
}

fn curl_all(records: &[StepRecord], reveal_secrets: bool) -> String {
    let profile = profile();
    records
        .iter()
        .filter_map(|r| r.exchange.as_ref())
        .map(|e| curl_command(&e.request, Some(&profile), CurlOptions { reveal_secrets }))
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn environment() -> Environment {
    Environment {
        app_version: "0.1.0".to_owned(),
        os: "linux x86_64".to_owned(),
    }
}

fn outputs(redact: bool) -> Vec<(&'static str, String)> {
    let records = session();
    vec![
        ("curl", curl_all(&records, !redact)),
        (
            "HAR",
            serde_json::to_string_pretty(&har(&records, "0.1.0", redact, &SecretMarks::default()))
                .expect("HAR serialises"),
        ),
        (
            "Markdown",
            report(&profile(), &records, &environment(), redact),
        ),
    ]
}

#[test]
fn redacted_exports_hold_no_secret() {
    for (export, text) in outputs(true) {
        for (name, form) in secret_forms() {
            assert!(
                !text.contains(&form),
                "the {export} export holds the {name}:\n{text}"
            );
        }
    }
}

#[test]
fn revealed_exports_hold_the_secrets_as_sent() {
    let tokens = tokens();
    let sent = [
        ("client secret", encode(SECRET)),
        ("code", encode(CODE)),
        ("code verifier", VERIFIER.to_owned()),
        ("refresh token", tokens.refresh.clone()),
        ("access token", tokens.access.clone()),
        ("Basic credentials", basic()),
    ];
    for (export, text) in outputs(false) {
        for (name, form) in &sent {
            assert!(
                text.contains(form.as_str()),
                "the {export} export lacks the {name}"
            );
        }
        if export != "curl" {
            assert!(
                text.contains(&tokens.id),
                "the {export} export lacks the ID token"
            );
        }
    }
}

#[test]
fn redacted_exports_keep_the_shape_of_what_was_sent() {
    let records = session();
    let profile = profile();
    let token = curl_command(
        &records[3]
            .exchange
            .as_ref()
            .expect("token exchange")
            .request,
        Some(&profile),
        CurlOptions::default(),
    );
    assert!(
        token.contains("--data-raw 'grant_type=authorization_code&code=<code>&redirect_uri=http%3A%2F%2F127.0.0.1%3A53682%2Fcallback&code_verifier=<code_verifier>&client_id=fe-client&client_secret=<client_secret>'"),
        "{token}"
    );
    assert!(token.contains("--cacert '/etc/tokenscope/test-root.pem'"));
    let refresh = curl_command(
        &records[6]
            .exchange
            .as_ref()
            .expect("refresh exchange")
            .request,
        None,
        CurlOptions::default(),
    );
    assert!(refresh.contains("-H 'Authorization: Basic <client-credentials>'"));
    assert!(refresh.contains("refresh_token=<refresh_token>"));

    let document = har(&records, "0.1.0", true, &SecretMarks::default());
    let text = document["log"]["entries"][1]["response"]["content"]["text"]
        .as_str()
        .expect("token response text");
    let tokens = tokens();
    let masked = tokenscope::oauth::flow::mask_middle(&tokens.access);
    assert!(text.contains(&masked), "{text}");
    assert!(
        text.contains("\"scope\": \"email openid profile\""),
        "{text}"
    );

    let markdown = report(&profile, &records, &environment(), true);
    for expected in [
        "| Client authentication | client_secret_post |",
        "| Token endpoint | https://sso.example.test/realms/partner-realm/protocol/openid-connect/token |",
        "### ✓ Token — HTTP 200, 84 ms",
        "### ✗ UserInfo — no answer, 2 ms",
        "Authorization: Bearer <access-token>",
        "### ID token (from Token)",
        "\"nonce\": \"n-0S6_WzA2Mj\"",
        "\"preferred_username\": \"asmirnova\"",
        "## Environment\n\n- tokenscope 0.1.0\n- OS: linux x86_64\n",
    ] {
        assert!(
            markdown.contains(expected),
            "{markdown}\n--- lacks ---\n{expected}"
        );
    }
}

#[test]
fn the_har_export_passes_the_har_1_2_structure() {
    for redact in [true, false] {
        let document = har(&session(), "0.1.0", redact, &SecretMarks::default());
        let problems = har_problems(&document);
        assert!(problems.is_empty(), "{problems:#?}");
        let entries = document["log"]["entries"].as_array().expect("entries");
        assert_eq!(entries.len(), 5, "one entry per exchange");
        assert_eq!(entries[2]["response"]["status"], 0);
        assert!(
            entries[2]["response"]["_error"]
                .as_str()
                .expect("_error")
                .contains("refused")
        );
        assert!(
            document["log"]["comment"]
                .as_str()
                .expect("comment")
                .contains("Callback: ✓ code received")
        );
    }
}

/// One request as a tiny server saw it.
struct Seen {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn serve_once(listener: &TcpListener) -> std::io::Result<Seen> {
    let (stream, _) = listener.accept()?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or_default().to_owned();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _): &&(String, String)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let mut writer = stream;
    if header("expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) {
        writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    }
    let length: usize = header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    writer.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
    )?;
    Ok(Seen {
        method,
        target,
        headers,
        body,
    })
}

#[test]
fn a_revealed_curl_command_sends_the_recorded_request() {
    if std::process::Command::new("curl")
        .arg("--version")
        .output()
        .is_err()
    {
        return; // no curl on this machine
    }
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    let server = std::thread::Builder::new()
        .name("curl-export-server".to_owned())
        .spawn(move || serve_once(&listener))
        .expect("server thread");

    let mut request = session()[3]
        .exchange
        .clone()
        .expect("token exchange")
        .request;
    request.url =
        format!("http://{address}/realms/partner-realm/protocol/openid-connect/token?kc_locale=ru");
    for (name, value) in &mut request.headers {
        if name == "Host" {
            *value = address.to_string();
        }
    }
    request
        .headers
        .push(("X-Note".to_owned(), "it's a test".to_owned()));
    request.body.extend_from_slice(b"&note=it's");
    let command = curl_command(
        &request,
        None,
        CurlOptions {
            reveal_secrets: true,
        },
    );
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{command} --silent --show-error --max-time 10"))
        .output()
        .expect("sh runs");
    assert!(
        output.status.success(),
        "{command}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.stdout, b"{}");
    let seen = server.join().expect("server thread").expect("one request");

    assert_eq!(seen.method, "POST");
    assert_eq!(
        seen.target,
        "/realms/partner-realm/protocol/openid-connect/token?kc_locale=ru"
    );
    assert_eq!(seen.body, request.body);
    for (name, value) in &request.headers {
        let expected = if name == "Content-Length" {
            request.body.len().to_string()
        } else {
            value.clone()
        };
        assert!(
            seen.headers
                .iter()
                .any(|(n, v)| n.eq_ignore_ascii_case(name) && *v == expected),
            "{name}: {expected} did not arrive; got {:?}",
            seen.headers
        );
    }
}

fn need(problems: &mut Vec<String>, value: &Value, path: &str, field: &str, kind: Kind) {
    if !value.get(field).is_some_and(|v| kind.matches(v)) {
        problems.push(format!("{path}.{field} must be {kind:?}"));
    }
}

fn need_all(problems: &mut Vec<String>, value: &Value, path: &str, fields: &[(&str, Kind)]) {
    for (field, kind) in fields {
        need(problems, value, path, field, *kind);
    }
}

/// `name`/`value` pairs (headers, queryString).
fn need_pairs(problems: &mut Vec<String>, value: &Value, path: &str, list: &str) {
    let items = value.get(list).and_then(Value::as_array);
    for (i, pair) in items.into_iter().flatten().enumerate() {
        let at = format!("{path}.{list}[{i}]");
        need_all(
            problems,
            pair,
            &at,
            &[("name", Kind::String), ("value", Kind::String)],
        );
    }
}

/// Checks `document` against the HAR 1.2 structure: every required field
/// present with its type (<http://www.softwareishard.com/blog/har-12-spec/>).
/// Returns the problems, empty when it conforms.
fn har_problems(document: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(log) = document.get("log") else {
        return vec!["log is missing".to_owned()];
    };
    need_all(
        &mut problems,
        log,
        "log",
        &[
            ("version", Kind::String),
            ("creator", Kind::Object),
            ("entries", Kind::Array),
        ],
    );
    if let Some(creator) = log.get("creator") {
        need_all(
            &mut problems,
            creator,
            "log.creator",
            &[("name", Kind::String), ("version", Kind::String)],
        );
    }
    let entries = log.get("entries").and_then(Value::as_array);
    for (index, entry) in entries.into_iter().flatten().enumerate() {
        entry_problems(&mut problems, entry, &format!("log.entries[{index}]"));
    }
    problems
}

fn entry_problems(problems: &mut Vec<String>, entry: &Value, path: &str) {
    need_all(
        problems,
        entry,
        path,
        &[
            ("startedDateTime", Kind::String),
            ("time", Kind::Number),
            ("request", Kind::Object),
            ("response", Kind::Object),
            ("cache", Kind::Object),
            ("timings", Kind::Object),
        ],
    );
    if let Some(started) = entry.get("startedDateTime").and_then(Value::as_str)
        && chrono::DateTime::parse_from_rfc3339(started).is_err()
    {
        problems.push(format!("{path}.startedDateTime is not ISO 8601: {started}"));
    }
    for key in entry.as_object().into_iter().flat_map(|o| o.keys()) {
        if !ENTRY_FIELDS.contains(&key.as_str()) && !key.starts_with('_') {
            problems.push(format!("{path}.{key} is not a HAR 1.2 field"));
        }
    }
    if let Some(request) = entry.get("request") {
        request_problems(problems, request, &format!("{path}.request"));
    }
    if let Some(response) = entry.get("response") {
        response_problems(problems, response, &format!("{path}.response"));
    }
    if let Some(timings) = entry.get("timings") {
        need_all(
            problems,
            timings,
            &format!("{path}.timings"),
            &[
                ("send", Kind::Number),
                ("wait", Kind::Number),
                ("receive", Kind::Number),
            ],
        );
    }
}

fn request_problems(problems: &mut Vec<String>, request: &Value, path: &str) {
    need_all(
        problems,
        request,
        path,
        &[
            ("method", Kind::String),
            ("url", Kind::String),
            ("httpVersion", Kind::String),
            ("cookies", Kind::Array),
            ("headers", Kind::Array),
            ("queryString", Kind::Array),
            ("headersSize", Kind::Number),
            ("bodySize", Kind::Number),
        ],
    );
    need_pairs(problems, request, path, "headers");
    need_pairs(problems, request, path, "queryString");
    let Some(post) = request.get("postData") else {
        return;
    };
    let path = format!("{path}.postData");
    need(problems, post, &path, "mimeType", Kind::String);
    if post.get("text").is_none() && post.get("params").is_none() {
        problems.push(format!("{path} needs text or params"));
    }
    if post.get("text").is_some() {
        need(problems, post, &path, "text", Kind::String);
    }
    if post.get("params").is_some() {
        need(problems, post, &path, "params", Kind::Array);
    }
    let params = post.get("params").and_then(Value::as_array);
    for (i, param) in params.into_iter().flatten().enumerate() {
        need(
            problems,
            param,
            &format!("{path}.params[{i}]"),
            "name",
            Kind::String,
        );
    }
}

fn response_problems(problems: &mut Vec<String>, response: &Value, path: &str) {
    need_all(
        problems,
        response,
        path,
        &[
            ("status", Kind::Number),
            ("statusText", Kind::String),
            ("httpVersion", Kind::String),
            ("cookies", Kind::Array),
            ("headers", Kind::Array),
            ("content", Kind::Object),
            ("redirectURL", Kind::String),
            ("headersSize", Kind::Number),
            ("bodySize", Kind::Number),
        ],
    );
    need_pairs(problems, response, path, "headers");
    if let Some(content) = response.get("content") {
        let path = format!("{path}.content");
        need_all(
            problems,
            content,
            &path,
            &[("size", Kind::Number), ("mimeType", Kind::String)],
        );
        if content.get("text").is_some() {
            need(problems, content, &path, "text", Kind::String);
        }
    }
}

const ENTRY_FIELDS: &[&str] = &[
    "pageref",
    "startedDateTime",
    "time",
    "request",
    "response",
    "cache",
    "timings",
    "serverIPAddress",
    "connection",
    "comment",
];

#[derive(Clone, Copy, Debug)]
enum Kind {
    String,
    Number,
    Object,
    Array,
}

impl Kind {
    fn matches(self, value: &Value) -> bool {
        match self {
            Self::String => value.is_string(),
            Self::Number => value.is_number(),
            Self::Object => value.is_object(),
            Self::Array => value.is_array(),
        }
    }
}
