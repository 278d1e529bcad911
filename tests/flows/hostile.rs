//! Hostile servers, played by a raw TCP listener in the test: an endless
//! answer is cut at the profile's limit (the step, `run --json` and memory
//! say so), absurd lifetimes and polling intervals are said and brought
//! into range, and error texts in any script come through whole.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokenscope::app::system_now;
use tokenscope::net::{ClientOptions, NetRuntime, RequestDraft, build_client, send};
use tokenscope::oauth::flow::Step;
use tokenscope::oauth::runner::{FlowSession, RunOptions, run_client_credentials, run_device_flow};
use tokenscope::oauth::{ClientAuth, Grant, Profile};
use tokenscope::secret::Secret;

/// What the raw server answers to every request.
#[derive(Clone)]
enum Answer {
    /// These bytes (status line, headers and body), then close.
    Fixed(Vec<u8>),
    /// A 200 JSON head (with `extra_headers`), then body bytes for as long
    /// as the client reads.
    Endless { extra_headers: String },
}

/// A server on 127.0.0.1 that answers every request the same way, on a
/// named thread; counts the body bytes it managed to write.
struct RawServer {
    url: String,
    written: Arc<AtomicU64>,
}

impl RawServer {
    fn start(answer: Answer) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let written = Arc::new(AtomicU64::new(0));
        let counter = Arc::clone(&written);
        std::thread::Builder::new()
            .name("raw-server".to_owned())
            .spawn(move || {
                for stream in listener.incoming().flatten() {
                    let answer = answer.clone();
                    let counter = Arc::clone(&counter);
                    std::thread::Builder::new()
                        .name("raw-server-conn".to_owned())
                        .spawn(move || serve(stream, &answer, &counter))
                        .expect("connection thread");
                }
            })
            .expect("server thread");
        Self { url, written }
    }

    fn written(&self) -> u64 {
        self.written.load(Ordering::Relaxed)
    }
}

fn serve(stream: TcpStream, answer: &Answer, written: &AtomicU64) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut length = 0_usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
        if line == "\r\n" {
            break;
        }
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    let mut stream = stream;
    match answer {
        Answer::Fixed(bytes) => {
            let _ = stream.write_all(bytes);
        }
        Answer::Endless { extra_headers } => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{extra_headers}Connection: close\r\n\r\n{{\"access_token\":\""
            );
            if stream.write_all(head.as_bytes()).is_err() {
                return;
            }
            let chunk = "Ж🔑".repeat(2048);
            while stream.write_all(chunk.as_bytes()).is_ok() {
                written.fetch_add(u64::try_from(chunk.len()).unwrap_or(0), Ordering::Relaxed);
            }
        }
    }
}

fn fixed(status: &str, content_type: &str, body: &[u8]) -> Answer {
    let mut bytes = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    bytes.extend_from_slice(body);
    Answer::Fixed(bytes)
}

const MIB: usize = 1024 * 1024;

#[test]
fn an_endless_answer_is_cut_at_the_limit_and_memory_stays_bounded() {
    let runtime = NetRuntime::new().expect("runtime");
    let profile = Profile::default();
    let options = ClientOptions::for_profile(&profile, None);
    assert_eq!(options.max_body_bytes, 10 * MIB, "10 MiB by default");
    let client = build_client(&profile, &options).expect("client");
    for extra_headers in [
        String::new(),
        // A Content-Length that promises a petabyte sizes nothing.
        "Content-Length: 1000000000000000\r\n".to_owned(),
        "Transfer-Encoding: chunked\r\n".to_owned(),
    ] {
        let server = RawServer::start(Answer::Endless {
            extra_headers: extra_headers.clone(),
        });
        let draft = RequestDraft::form_post(format!("{}/token", server.url), &[]);
        let exchange = runtime.block_on(send(&client, &draft, &options));
        let response = match exchange.response {
            Ok(response) => response,
            // A chunked head followed by raw bytes is a broken answer, said as such.
            Err(error) if extra_headers.contains("chunked") => {
                assert!(!error.to_string().is_empty());
                continue;
            }
            Err(error) => panic!("{extra_headers}: {error}"),
        };
        assert_eq!(
            response.truncated_at,
            Some(10 * 1024 * 1024),
            "{extra_headers}"
        );
        assert_eq!(response.body.len(), 10 * MIB);
        assert!(
            response.body.capacity() <= 10 * MIB,
            "the buffer never outgrows the cap: {}",
            response.body.capacity()
        );
        // The client stopped reading: the server got no further than the
        // cap plus what the sockets buffer.
        std::thread::sleep(Duration::from_millis(200));
        assert!(
            server.written() < 42 * 1024 * 1024,
            "{} bytes written",
            server.written()
        );
        let failure = tokenscope::oauth::flow::parse_token_response(&tokenscope::net::Exchange {
            request: exchange.request.clone(),
            response: Ok(response),
            duration: exchange.duration,
        })
        .expect_err("a cut token answer cannot be read");
        assert!(
            failure.message.contains("the answer was cut at 10 MiB"),
            "{}",
            failure.message
        );
    }
}

/// A profile file for `run` whose token endpoint is `url`, with a small answer limit.
fn profile_file(name: &str, token_endpoint: &str, max_response_mib: u64) -> std::path::PathBuf {
    let dir =
        std::env::temp_dir().join(format!("tokenscope-hostile-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("profile.json");
    let text = serde_json::json!({
        "schema": 1,
        "profiles": [{
            "id": "hostile",
            "name": "Hostile server",
            "client_id": "app",
            "client_auth": "client_secret_post",
            "default_grant": "client_credentials",
            "endpoints": {"token": token_endpoint},
            "network": {"max_response_mib": max_response_mib}
        }],
        "secrets": {"hostile": {"client_secret": "s"}}
    });
    std::fs::write(&path, text.to_string()).expect("write profile");
    path
}

fn run_json(file: &std::path::Path) -> (i32, Vec<serde_json::Value>) {
    let output = Command::new(env!("CARGO_BIN_EXE_tokenscope"))
        .args(["run", "--json", "--profile-file"])
        .arg(file)
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    (output.status.code().unwrap_or(-1), lines)
}

#[test]
fn run_json_says_where_an_answer_was_cut() {
    let server = RawServer::start(Answer::Endless {
        extra_headers: String::new(),
    });
    let file = profile_file("cut", &format!("{}/token", server.url), 1);
    let (code, lines) = run_json(&file);
    assert_eq!(code, 1);
    let line = lines.last().expect("a step line");
    assert_eq!(line["step"], "client_credentials");
    assert_eq!(line["response"]["truncated_at"], 1_048_576);
    // What came is kept (a character cut at the limit reads as U+FFFD).
    let kept = line["response"]["body"].as_str().map_or(0, str::len);
    assert!((1_048_573..=1_048_579).contains(&kept), "{kept}");
    assert!(
        line["summary"]
            .as_str()
            .is_some_and(|s| s.contains("the answer was cut at 1 MiB")),
        "{line}"
    );

    // A whole answer says null.
    let whole = RawServer::start(fixed(
        "200 OK",
        "application/json",
        br#"{"access_token":"abc","token_type":"Bearer","expires_in":1.8e23}"#,
    ));
    let file = profile_file("whole", &format!("{}/token", whole.url), 10);
    let (code, lines) = run_json(&file);
    assert_eq!(code, 0);
    let line = lines.last().expect("a step line");
    assert!(line["response"]["truncated_at"].is_null(), "{line}");
    assert_eq!(
        line["summary"],
        "access token, expires_in is 1.8e23 s: not a real lifetime"
    );
}

#[test]
fn error_texts_in_any_script_come_through_whole() {
    let description = "Секрет клиента неверен 🔐 \u{200f}סוד שגוי\u{200f}";
    let mut body = serde_json::json!({"error": "invalid_client", "error_description": description})
        .to_string()
        .into_bytes();
    // A stray invalid byte after the JSON makes it unreadable as JSON: read lossily, never a panic.
    let server = RawServer::start(fixed("401 Unauthorized", "application/json", &body));
    body.extend_from_slice(b"\xff\xfe");
    let broken = RawServer::start(fixed("400 Bad Request", "text/plain; charset=utf-8", &body));
    let runtime = NetRuntime::new().expect("runtime");
    for (url, readable) in [(&server.url, true), (&broken.url, false)] {
        let mut profile = Profile {
            client_id: "app".to_owned(),
            client_auth: ClientAuth::ClientSecretPost,
            ..Profile::default()
        };
        profile.endpoints.token = format!("{url}/token");
        let mut session = FlowSession::new(profile, Some(Secret::new("s")));
        let result = runtime.block_on(run_client_credentials(
            &mut session,
            &RunOptions::default(),
            system_now,
            |_| {},
        ));
        let failure = result.expect_err("refused");
        if readable {
            assert_eq!(
                failure
                    .provider_error
                    .and_then(|e| e.description)
                    .as_deref(),
                Some(description)
            );
            assert!(
                failure.message.contains("Секрет клиента неверен 🔐"),
                "{}",
                failure.message
            );
        } else {
            assert!(
                failure.message.starts_with("HTTP 400"),
                "{}",
                failure.message
            );
        }
        let record = session.records.last().expect("recorded");
        let text = record
            .exchange
            .as_ref()
            .and_then(|e| e.response.as_ref().ok())
            .map(tokenscope::net::RecordedResponse::text)
            .unwrap_or_default();
        assert!(text.contains("סוד שגוי"), "{text}");
    }
}

#[test]
fn an_absurd_polling_interval_is_clamped_and_said() {
    let server = RawServer::start(fixed(
        "200 OK",
        "application/json",
        r#"{"device_code":"dc","user_code":"ЖУК-🔑","verification_uri":"https://op.example/device","expires_in":1e23,"interval":1e12}"#
            .as_bytes(),
    ));
    let mut profile = Profile {
        client_id: "app".to_owned(),
        client_auth: ClientAuth::None,
        ..Profile::default()
    };
    profile.endpoints.device_authorization = format!("{}/device", server.url);
    profile.endpoints.token = format!("{}/token", server.url);
    let mut session = FlowSession::new(profile, None);
    session.grant = Grant::DeviceCode;
    let runtime = NetRuntime::new().expect("runtime");
    let mut asked = Vec::new();
    let result = runtime.block_on(run_device_flow(
        &mut session,
        &RunOptions::default(),
        system_now,
        |interval| {
            asked.push(interval);
            // Cancel rather than wait five minutes.
            async { false }
        },
        |_| {},
        |_| {},
    ));
    assert!(result.is_err(), "cancelled");
    assert_eq!(asked, [Duration::from_mins(5)]);
    let authorized = session
        .records
        .iter()
        .find(|r| r.step == Step::DeviceAuthorization)
        .and_then(|r| r.outcome.as_ref().ok())
        .expect("authorized");
    assert!(
        authorized.contains(
            "interval is 1000000000000 s: not a real polling interval; polling every 300 s"
        ),
        "{authorized}"
    );
    assert!(
        authorized.contains("expires_in is 1e23 s: not a real lifetime"),
        "{authorized}"
    );
}
