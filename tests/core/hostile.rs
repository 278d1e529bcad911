//! Hostile pastes through `tokenscope decode`, as a user runs it: the
//! inputs of the before-stop smoke (issue 13) and their kin. Each ends with
//! exit code 0 (tokens found) or 1 (none), never a panic, a hang or an
//! out-of-memory kill, and the report says what happened to the input.

use std::io::Write as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Far above what any of these takes in a debug build; a quadratic pass
/// took minutes.
const DEADLINE: Duration = Duration::from_mins(2);

/// Runs `tokenscope decode -` on `input` under a 1 GiB address-space limit
/// (as the smoke does) and returns the exit code and the report.
fn decode_bytes(input: &[u8]) -> (i32, serde_json::Value) {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 1048576; exec \"$0\" decode - --now 1795387806")
        .arg(env!("CARGO_BIN_EXE_tokenscope"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tokenscope runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_vec();
    let writer = std::thread::Builder::new()
        .name("hostile-stdin".to_owned())
        .spawn(move || {
            // The command may stop reading at its limit: a broken pipe is fine.
            let _ = stdin.write_all(&input);
        })
        .expect("a writer thread");
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            panic!("decode ran over {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().expect("tokenscope finishes");
    writer.join().expect("the writer");
    let code = output.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "exit {code} (101 is a panic, none is a kill): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report = serde_json::from_slice(&output.stdout).expect("the report is JSON");
    (code, report)
}

fn values(report: &serde_json::Value) -> Vec<&str> {
    report["tokens"]
        .as_array()
        .expect("tokens")
        .iter()
        .filter_map(|token| token["value"].as_str())
        .collect()
}

#[test]
fn cyrillic_json_token_values() {
    let (code, report) =
        decode_bytes(r#"{"token":"Токен истёк","access_token":"Доступ запрещён"}"#.as_bytes());
    assert_eq!(code, 0);
    assert_eq!(values(&report), ["Токенистёк", "Доступзапрещён"]);
}

#[test]
fn cyrillic_form_and_redirect_values() {
    let (code, report) = decode_bytes("access_token=Ключ&state=состояние".as_bytes());
    assert_eq!(code, 0);
    assert_eq!(values(&report), ["Ключ"]);
    assert_eq!(report["tokens"][0]["response"]["state"], "состояние");
    let (code, report) = decode_bytes(
        "https://app.example/cb?code=Код\u{200F}😀&state=x#access_token=Ключ".as_bytes(),
    );
    assert_eq!(code, 0);
    // The RTL mark is dropped as the invisible character it is; the rest is kept.
    assert_eq!(values(&report), ["Код😀", "Ключ"]);
}

#[test]
fn invalid_utf8_is_read_lossily_and_said() {
    let (code, report) = decode_bytes(b"\xff\xfe{\"access_token\":\"\xc3\x28\"}");
    assert_eq!(code, 0);
    assert_eq!(values(&report), ["\u{FFFD}("]);
    assert_eq!(report["invalid_utf8_replaced"], 3);
    assert_eq!(report["input_truncated_at"], serde_json::Value::Null);
    assert_eq!(report["input_bytes"], 23);
}

#[test]
fn a_line_of_error_words() {
    let mut input = "error=x ".repeat(8_000);
    input.push('\n');
    let (code, report) = decode_bytes(input.as_bytes());
    assert_eq!(code, 1);
    assert_eq!(report["token_count"], 0);
}

#[test]
fn many_lines_that_start_like_a_jwt() {
    let line = format!("eyJhbGciOiJSUzI1NiJ9{}", "A".repeat(40));
    let mut input = vec![line.as_str(); 20_000].join("\n");
    input.push('\n');
    let (code, report) = decode_bytes(input.as_bytes());
    assert_eq!(code, 1);
    assert_eq!(report["token_count"], 0);
}

#[test]
fn absurd_lifetimes_and_instants() {
    let token = format!(
        "eyJhbGciOiJub25lIn0.{}.",
        tokenscope::token::jose::encode_segment(br#"{"exp":1e300,"iat":-5,"sub":"x"}"#)
    );
    let input = format!(r#"{{"access_token":"{token}","expires_in":1.8e23}}"#);
    let (code, report) = decode_bytes(input.as_bytes());
    assert_eq!(code, 0);
    let times = report["tokens"][0]["times"].as_array().expect("times");
    let not_real: Vec<&str> = times
        .iter()
        .filter_map(|time| time["not_real"].as_str())
        .collect();
    assert_eq!(not_real, ["1e+300", "-5", "1.8e23"]);
    assert_eq!(
        times[2]["phrase"],
        "expires_in is 1.8e23 s: not a real lifetime"
    );
    assert_eq!(times[2]["at_utc"], serde_json::Value::Null);
}
