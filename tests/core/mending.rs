//! Properties of mending: every real token, broken the ways pastes break
//! it, comes back exactly, with the mending reported; and no join is
//! offered that does not decode.

use std::sync::OnceLock;

use ed25519_dalek::Signer as _;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use tokenscope::token::extract::{Origin, find_candidates};
use tokenscope::token::jose::{decode_unverified, encode_segment};

use crate::{expected, fixture};

/// The fixtures' real tokens, one per provider and algorithm, and an `EdDSA`
/// token signed with a fixed Ed25519 key.
fn real_tokens() -> &'static [(&'static str, String)] {
    static TOKENS: OnceLock<Vec<(&'static str, String)>> = OnceLock::new();
    TOKENS.get_or_init(|| {
        let field = |file: &str, name: &str| {
            let response: serde_json::Value =
                serde_json::from_str(&fixture(file)).expect("fixture is JSON");
            response[name].as_str().expect("token field").to_owned()
        };
        let facts = expected();
        vec![
            (
                "Keycloak RS256 access",
                field("keycloak-token-response.json", "access_token"),
            ),
            (
                "Keycloak RS256 ID",
                field("keycloak-token-response.json", "id_token"),
            ),
            (
                "Keycloak HS256 refresh",
                field("keycloak-token-response.json", "refresh_token"),
            ),
            (
                "Kontur ES256 ID",
                field("kontur-token-response.json", "id_token"),
            ),
            (
                "Sber GOST ID",
                field("sber-token-response.json", "id_token"),
            ),
            (
                "MOEX RS256 access",
                facts["moex"]["wrapped_access_token"]
                    .as_str()
                    .expect("moex token")
                    .to_owned(),
            ),
            ("EdDSA", eddsa_token()),
        ]
    })
}

fn eddsa_token() -> String {
    let key = ed25519_dalek::SigningKey::from_bytes(&[42; 32]);
    let input = format!(
        "{}.{}",
        encode_segment(br#"{"alg":"EdDSA","typ":"JWT","kid":"ed-1"}"#),
        encode_segment(
            r#"{"iss":"https://sso.example.test","sub":"ivan","name":"Иван Петров","exp":1795391406}"#
                .as_bytes()
        )
    );
    let signature = key.sign(input.as_bytes());
    format!("{input}.{}", encode_segment(&signature.to_bytes()))
}

/// Characters that paste tools slip into a token's line: special spaces,
/// and invisible ones (zero-width, soft hyphen, direction marks).
const SPECIAL_SPACES: &[char] = &['\u{A0}', '\u{2007}', '\u{2009}', '\u{202F}', '\u{3000}'];
const INVISIBLE: &[char] = &[
    '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{AD}', '\u{200F}',
];

/// How one paste broke a token.
#[derive(Clone, Debug)]
struct Breakage {
    token: usize,
    width: usize,
    line_end: &'static str,
    indent: &'static str,
    quoting: &'static str,
    trailing_spaces: usize,
    quoted_printable: bool,
    inserted: Vec<(Index, char)>,
    in_json: bool,
}

fn breakage() -> impl Strategy<Value = Breakage> {
    let specials: Vec<char> = SPECIAL_SPACES.iter().chain(INVISIBLE).copied().collect();
    (
        (
            0..real_tokens().len(),
            20usize..=120,
            select(vec!["\n", "\r\n", "\r"]),
            select(vec!["", "  ", "\t", "    "]),
            select(vec!["", "> ", "> > ", ">"]),
        ),
        (
            0usize..=2,
            any::<bool>(),
            prop::collection::vec((any::<Index>(), select(specials)), 0..4),
            any::<bool>(),
        ),
    )
        .prop_map(
            |(
                (token, width, line_end, indent, quoting),
                (trailing_spaces, quoted_printable, inserted, in_json),
            )| Breakage {
                token,
                width,
                line_end,
                indent,
                quoting,
                trailing_spaces,
                quoted_printable,
                inserted,
                in_json,
            },
        )
}

/// The token's lines as the paste broke them.
fn broken_lines(token: &str, breakage: &Breakage) -> Vec<String> {
    let mut chars: Vec<char> = token.chars().collect();
    for (at, c) in &breakage.inserted {
        // Strictly inside: after `eyJ`, before the last character.
        let position = 3 + at.index(chars.len() - 4);
        chars.insert(position, *c);
    }
    let chunks: Vec<String> = chars
        .chunks(breakage.width)
        .map(|chunk| chunk.iter().collect())
        .collect();
    let last = chunks.len() - 1;
    chunks
        .iter()
        .enumerate()
        .map(|(i, chunk)| {
            let mut line = String::from(breakage.quoting);
            if i > 0 {
                line.push_str(breakage.indent);
            }
            line.push_str(chunk);
            if i < last {
                line.push_str(&" ".repeat(breakage.trailing_spaces));
                if breakage.quoted_printable {
                    line.push('=');
                }
            }
            line
        })
        .collect()
}

fn paste(token: &str, breakage: &Breakage) -> String {
    let q = breakage.quoting;
    let lines = broken_lines(token, breakage);
    let body = if breakage.in_json {
        {
            let joined = lines.join(breakage.line_end);
            let unquoted = joined.strip_prefix(q).unwrap_or(&joined);
            format!("{q}{{\"id_token\": \"{unquoted}\"}}")
        }
    } else {
        lines.join(breakage.line_end)
    };
    let end = breakage.line_end;
    format!("{q}Привет! Вот токен 👇 \u{200F}{end}{body}{end}{q}Спасибо 🙏{end}")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(160))]

    /// Wrapped at any width with any line ending, indented, quoted, with
    /// special spaces, invisible characters and quoted-printable soft
    /// breaks: the token comes back exactly, and the summary says how.
    #[test]
    fn a_broken_real_token_comes_back_exactly(breakage in breakage()) {
        let (name, token) = &real_tokens()[breakage.token];
        let text = paste(token, &breakage);
        let found = find_candidates(&text);
        prop_assert_eq!(found.len(), 1, "{}: {:?}\n{:#?}", name, text, found);
        let candidate = &found[0];
        prop_assert_eq!(&candidate.value, token, "{}: {:?}", name, text);
        let expected_origin = if breakage.in_json {
            Origin::JsonField { name: "id_token".to_owned() }
        } else {
            Origin::Bare
        };
        prop_assert_eq!(&candidate.origin, &expected_origin);

        let lines = broken_lines(token, &breakage).len();
        let joins = lines - 1;
        let mends = &candidate.mends;
        prop_assert_eq!(mends.lines_joined, if lines > 1 { lines } else { 0 });
        prop_assert_eq!(mends.blank_lines_removed, 0);
        let indent_spaces = breakage.indent.chars().count();
        let quoting_spaces = breakage.quoting.matches(' ').count();
        prop_assert_eq!(
            mends.spaces_removed,
            joins * (breakage.trailing_spaces + indent_spaces + quoting_spaces)
        );
        prop_assert_eq!(mends.quote_markers_removed, joins * breakage.quoting.matches('>').count());
        prop_assert_eq!(
            mends.qp_soft_breaks_removed,
            if breakage.quoted_printable { joins } else { 0 }
        );
        let count = |set: &[char]| breakage.inserted.iter().filter(|(_, c)| set.contains(c)).count();
        prop_assert_eq!(mends.unicode_spaces_removed, count(SPECIAL_SPACES));
        prop_assert_eq!(mends.zero_width_removed, count(INVISIBLE));
        prop_assert_eq!(mends.line_end_hyphens_removed, 0);
        prop_assert!(mends.describe().is_some());
    }

    /// Lines cut from real tokens, prose and paste debris in any order:
    /// whatever is joined across lines decodes. Never a token invented.
    #[test]
    fn no_join_is_offered_that_does_not_decode(
        parts in prop::collection::vec(
            (0..real_tokens().len(), any::<Index>(), any::<Index>(), 0usize..8),
            1..12,
        ),
    ) {
        let debris = ["\n", "\n\n", " ", "\u{A0}", "-\n", "=\n", "> ", "Спасибо", "eyJ", "."];
        let mut text = String::new();
        for (token, from, len, separator) in parts {
            let token = &real_tokens()[token].1;
            let from = from.index(token.len());
            let to = (from + 1 + len.index(120)).min(token.len());
            text.push_str(&token[from..to]);
            text.push_str(debris[separator]);
            text.push('\n');
        }
        for candidate in find_candidates(&text) {
            if candidate.origin == Origin::Bare && candidate.mends.lines_joined > 1 {
                prop_assert!(
                    decode_unverified(&candidate.value).is_ok(),
                    "invented {:?} from {:?}", candidate.value, text
                );
            }
        }
    }
}

#[test]
fn every_real_token_is_read_back_on_its_own() {
    for (name, token) in real_tokens() {
        assert!(decode_unverified(token).is_ok(), "{name}");
        let found = find_candidates(&format!("{name}: {token}"));
        assert_eq!(found.len(), 1, "{name}");
        assert_eq!(&found[0].value, token, "{name}");
        assert!(found[0].mends.is_empty(), "{name}: {:?}", found[0].mends);
    }
}
