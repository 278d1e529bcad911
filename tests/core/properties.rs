//! Properties: inspecting any text, or any bytes, never panics, and the
//! report of what was found can always be written (issue 13).
//!
//! Case counts stay modest so `cargo test` stays fast; the strategies lean
//! on the shapes that broke before: JSON and form fragments, `eyJ`, quotes,
//! Cyrillic words, NBSP and RTL marks, broken percent escapes.

use proptest::prelude::*;
use tokenscope::paste::{Inspection, inspect_bytes};
use tokenscope::token::Timestamp;
use tokenscope::token::claims::Meaning;
use tokenscope::token::jose::encode_segment;

use crate::{GENERATED_AT, inspect_at_issue};

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 192,
        // Failures are kept as named tests, not as files beside the source.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Pieces pastes are made of, including a real token and a hostile one.
fn fragments() -> Vec<String> {
    let token = format!(
        "{}.{}.{}",
        encode_segment(br#"{"alg":"RS256","kid":"k"}"#),
        encode_segment(r#"{"sub":"Анна","exp":1e300,"iat":-5,"nbf":"завтра"}"#.as_bytes()),
        encode_segment(&[3; 40])
    );
    [
        "eyJ",
        "eyJhbGciOiJSUzI1NiJ9",
        ".",
        "{\"access_token\":\"",
        "{\"error\":\"invalid_grant\",\"error_description\":\"",
        "\"expires_in\":1.8e23,",
        "\"",
        "\",",
        "{",
        "}",
        "[",
        "]",
        ":",
        "\\",
        "\\u",
        "error=",
        "error_description=",
        "access_token=",
        "&",
        "?",
        "#",
        "=",
        "%",
        "%D0%",
        "Bearer ",
        "Authorization: ",
        "WWW-Authenticate: Bearer error=\"",
        "HTTP/1.1 400 ",
        "AADSTS50011",
        "\n",
        "\r\n",
        " ",
        "\t",
        "Токен истёк",
        "Ключ",
        "состояние",
        "\u{00A0}",
        "\u{200B}",
        "\u{200F}",
        "\u{FEFF}",
        "😀",
        "«»",
        "https://app.example/cb",
        &token,
        &"A".repeat(64),
    ]
    .into_iter()
    .map(str::to_owned)
    .collect()
}

fn paste() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(fragments()), 0..160)
        .prop_map(|parts| parts.concat())
}

/// Everything a reader of the inspection would look at.
fn read_all(inspection: &Inspection) {
    let now = Timestamp::from_unix(GENERATED_AT);
    let report = tokenscope::cli::decode::report(inspection, now);
    serde_json::to_string(&report).expect("the report is JSON");
    let _ = inspection.notices();
    for token in &inspection.tokens {
        let _ = token.summary();
        let _ = token.mends.describe();
        for row in token.claim_rows.iter().chain(&token.header_rows) {
            let _ = row.shown();
            let _ = row.meaning.as_ref().map(Meaning::text);
        }
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn inspecting_any_string_never_panics(text in any::<String>()) {
        read_all(&inspect_at_issue(&text));
    }

    #[test]
    fn inspecting_paste_like_text_never_panics(text in paste()) {
        let inspection = inspect_at_issue(&text);
        prop_assert_eq!(inspection.input_bytes, text.len());
        read_all(&inspection);
    }

    #[test]
    fn inspecting_any_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let inspection = inspect_bytes(&bytes, Timestamp::from_unix(GENERATED_AT));
        prop_assert_eq!(inspection.input_bytes, bytes.len());
        prop_assert_eq!(inspection.invalid_utf8 == 0, std::str::from_utf8(&bytes).is_ok());
        read_all(&inspection);
    }
}
