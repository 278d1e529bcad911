//! Bad input gets a clear message on that token, never a panic.

use tokenscope::token::TokenKind;
use tokenscope::token::jose::encode_segment;

use crate::{fixture, inspect_at_issue};

fn only_error(text: &str) -> String {
    let inspection = inspect_at_issue(text);
    assert_eq!(inspection.tokens.len(), 1, "{text}");
    let token = &inspection.tokens[0];
    assert_eq!(token.kind, TokenKind::Unknown, "{text}");
    token
        .error
        .as_ref()
        .map(ToString::to_string)
        .expect("an error message")
}

#[test]
fn empty_and_tokenless_input() {
    assert!(inspect_at_issue("").tokens.is_empty());
    assert!(inspect_at_issue("   \n\n\t").tokens.is_empty());
    assert!(
        inspect_at_issue("Привет! Just a message, Bearer of good news.")
            .tokens
            .is_empty()
    );
}

#[test]
fn binary_junk() {
    let junk: Vec<u8> = (0..200_000u32)
        .map(|i| i.wrapping_mul(2_654_435_761).to_be_bytes()[1])
        .collect();
    let text = String::from_utf8_lossy(&junk);
    let _ = inspect_at_issue(&text);
}

#[test]
fn malformed_compact_tokens() {
    let header = encode_segment(br#"{"alg":"RS256","typ":"JWT"}"#);
    let claims = encode_segment(br#"{"sub":"x"}"#);
    assert!(only_error(&format!("{header}.{claims}")).contains("has 2 segments"));
    assert!(only_error(&format!("{header}.{claims}.c2ln.c2ln")).contains("has 4 segments"));
    assert!(
        only_error(&format!("{header}.{claims}.c2l*")).contains("signature is not valid base64url")
    );
    assert!(
        only_error(&format!("eyJub3QganNvbg.{claims}.c2ln")).contains("not valid base64url")
            || only_error(&format!("eyJub3QganNvbg.{claims}.c2ln")).contains("header is not JSON")
    );
    assert!(
        only_error(&format!("{}.{claims}.c2ln", encode_segment(b"{\"alg\":")))
            .contains("header is not JSON")
    );
    assert!(
        only_error(&format!(
            "{header}.{}.c2ln",
            encode_segment(b"\"a string\"")
        ))
        .contains("not an object of claims (it is a string)")
    );
    let deep = "[".repeat(1_000) + &"]".repeat(1_000);
    assert!(
        only_error(&format!(
            "{header}.{}.c2ln",
            encode_segment(deep.as_bytes())
        ))
        .contains("nests JSON too deeply")
    );
}

#[test]
fn a_failed_payload_still_shows_the_header() {
    let header = encode_segment(br#"{"alg":"ES256","kid":"k-9"}"#);
    let inspection = inspect_at_issue(&format!("{header}.{}.c2ln", encode_segment(b"[1,2,3]")));
    assert_eq!(inspection.tokens[0].header_str("kid"), Some("k-9"));
}

#[test]
fn a_ten_megabyte_paste() {
    let log = fixture("keycloak-login-error.log");
    let filler =
        "2026-11-25 07:00:00 INFO request handled in 12 ms {\"path\":\"/api\",\"status\":200}\n";
    let mut text = String::with_capacity(10 * 1024 * 1024 + log.len());
    while text.len() < 10 * 1024 * 1024 {
        text.push_str(filler);
    }
    text.push_str(&log);
    let inspection = inspect_at_issue(&text);
    assert_eq!(inspection.tokens.len(), 3);
    assert!(inspection.input_bytes > 10 * 1024 * 1024);
}

#[test]
fn pathological_repetition() {
    for text in [
        "{\"a\":".repeat(50_000),
        "eyJ".repeat(50_000),
        "{".repeat(100_000),
        "access_token=&".repeat(20_000),
        "Bearer ".repeat(50_000),
    ] {
        let _ = inspect_at_issue(&text);
    }
}
