//! A paste read whole: the tokens it holds ([`crate::token::find_tokens`])
//! and the error answers in it, each diagnosed with the catalogue
//! ([`crate::diagnose::read_pasted_errors`]). This is what the inspector
//! panel and `tokenscope decode` show. Here, not in `token`, so that
//! `token` never depends on `diagnose` (which reads tokens).

use crate::diagnose::PastedError;
use crate::token::inspect::MAX_TOKENS;
use crate::token::{FoundToken, Timestamp, find_tokens};

/// A paste longer than this is cut here (on a char boundary) and the rest is
/// not read: inspecting costs time and memory in proportion to the text, and
/// no token, log or HAR file a person pastes comes near it.
pub const MAX_PASTE_BYTES: usize = 64 * 1024 * 1024;

/// Everything found in one paste.
#[derive(Clone, Debug, PartialEq)]
pub struct Inspection {
    /// Distinct tokens in order of first appearance.
    pub tokens: Vec<FoundToken>,
    /// Occurrences of tokens not kept: of distinct tokens beyond
    /// [`MAX_TOKENS`], and any beyond [`crate::token::extract::MAX_CANDIDATES`].
    pub dropped: usize,
    /// When the text was pasted: lifetimes (`expires_in`) count from here.
    pub pasted_at: Timestamp,
    /// Size of the pasted text in bytes (as given, before any cut).
    pub input_bytes: usize,
    /// Error answers in the paste (JSON or form error bodies, redirect
    /// errors, `WWW-Authenticate`, Keycloak event lines, `AADSTS` messages),
    /// each diagnosed with the error catalogue.
    pub errors: Vec<PastedError>,
    /// Occurrences of error answers beyond the distinct ones kept, not diagnosed.
    pub errors_dropped: usize,
    /// Where the paste was cut when it was longer than [`MAX_PASTE_BYTES`]:
    /// the bytes before it were inspected, the rest was not read.
    pub truncated_at: Option<usize>,
    /// Invalid UTF-8 sequences replaced with U+FFFD, when the paste came as
    /// bytes ([`inspect_bytes`]).
    pub invalid_utf8: usize,
}

impl Inspection {
    /// What the reader should know about how the paste was read, in the
    /// thread's language: cut at the size limit, invalid UTF-8 replaced,
    /// tokens or error answers over their limits.
    pub fn notices(&self) -> Vec<String> {
        let mut notices = Vec::new();
        if self.truncated_at.is_some() {
            notices.push(crate::tr!(
                "paste-truncated",
                mebibytes = MAX_PASTE_BYTES / (1024 * 1024)
            ));
        }
        if self.invalid_utf8 > 0 {
            notices.push(crate::tr!("paste-invalid-utf8", count = self.invalid_utf8));
        }
        if self.dropped > 0 {
            notices.push(crate::tr!(
                "paste-tokens-dropped",
                count = self.dropped,
                max = MAX_TOKENS,
                occurrences = crate::token::extract::MAX_CANDIDATES
            ));
        }
        if self.errors_dropped > 0 {
            notices.push(crate::tr!(
                "paste-errors-dropped",
                count = self.errors_dropped,
                max = crate::token::extract::MAX_ERROR_ANSWERS
            ));
        }
        notices
    }
}

/// Finds, de-duplicates, decodes and explains every token in `text`; past
/// [`MAX_PASTE_BYTES`] the text is cut and the rest not read.
pub fn inspect(text: &str, pasted_at: Timestamp) -> Inspection {
    let kept = text_prefix(text, MAX_PASTE_BYTES);
    let mut inspection = inspect_whole(kept, pasted_at);
    inspection.input_bytes = text.len();
    inspection.truncated_at = (kept.len() < text.len()).then_some(kept.len());
    inspection
}

/// [`inspect`] for bytes that may not be UTF-8 (a file, standard input):
/// invalid sequences become U+FFFD and are counted. Past [`MAX_PASTE_BYTES`]
/// the bytes are cut before the character that straddles the limit.
pub fn inspect_bytes(bytes: &[u8], pasted_at: Timestamp) -> Inspection {
    let kept = bytes_prefix(bytes, MAX_PASTE_BYTES);
    let (text, invalid_utf8) = decode_lossy(kept);
    let mut inspection = inspect_whole(&text, pasted_at);
    inspection.input_bytes = bytes.len();
    inspection.truncated_at = (kept.len() < bytes.len()).then_some(kept.len());
    inspection.invalid_utf8 = invalid_utf8;
    inspection
}

/// At most `limit` bytes of `text`, cut on a char boundary.
fn text_prefix(text: &str, limit: usize) -> &str {
    text.get(..text.floor_char_boundary(limit)).unwrap_or(text)
}

/// At most `limit` bytes, cut before the character that straddles the limit
/// (a UTF-8 character has at most 3 continuation bytes, RFC 3629 §3).
fn bytes_prefix(bytes: &[u8], limit: usize) -> &[u8] {
    if bytes.len() <= limit {
        return bytes;
    }
    let cut = (limit.saturating_sub(3)..=limit)
        .rev()
        .find(|&i| bytes.get(i).is_some_and(|&b| b & 0xC0 != 0x80))
        .unwrap_or(limit);
    bytes.get(..cut).unwrap_or(bytes)
}

/// The bytes as text, each invalid UTF-8 sequence replaced with U+FFFD (as
/// `String::from_utf8_lossy` does), and how many were.
fn decode_lossy(bytes: &[u8]) -> (String, usize) {
    let mut text = String::with_capacity(bytes.len());
    let mut invalid = 0;
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        if !chunk.invalid().is_empty() {
            text.push(char::REPLACEMENT_CHARACTER);
            invalid += 1;
        }
    }
    (text, invalid)
}

fn inspect_whole(text: &str, pasted_at: Timestamp) -> Inspection {
    let found = find_tokens(text, pasted_at);
    let errors = crate::diagnose::read_pasted_errors(text);
    Inspection {
        tokens: found.tokens,
        dropped: found.dropped,
        pasted_at,
        input_bytes: text.len(),
        errors: errors.errors,
        errors_dropped: errors.dropped,
        truncated_at: None,
        invalid_utf8: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Language, set_language};

    const NOW: Timestamp = Timestamp::from_unix(1_795_387_806);

    #[test]
    fn a_long_paste_is_cut_on_a_char_boundary() {
        let text = "ключ😀\u{200F}";
        for limit in 0..=text.len() + 1 {
            let kept = text_prefix(text, limit);
            assert!(kept.len() <= limit && text.starts_with(kept), "{limit}");
            let kept = bytes_prefix(text.as_bytes(), limit);
            assert!(kept.len() <= limit, "{limit}");
            assert!(std::str::from_utf8(kept).is_ok(), "{limit}");
        }
        assert_eq!(text_prefix(text, 3), "к");
        assert_eq!(bytes_prefix(text.as_bytes(), 11), "ключ".as_bytes());
    }

    #[test]
    fn invalid_utf8_is_replaced_and_counted() {
        let inspection = inspect_bytes(b"\xff\xfe{\"access_token\":\"\xc3\x28\"}", NOW);
        assert_eq!(inspection.invalid_utf8, 3);
        assert_eq!(inspection.tokens.len(), 1);
        assert_eq!(inspection.tokens[0].value, "\u{FFFD}(");
        assert_eq!(inspection.input_bytes, 23);
        assert_eq!(inspection.truncated_at, None);
        set_language(Language::Ru);
        let notices = inspection.notices();
        set_language(Language::En);
        assert_eq!(
            notices,
            ["Вставка — не корректный UTF-8: 3 неверные последовательности байтов заменены на �."]
        );
        assert_eq!(
            inspection.notices(),
            ["The paste is not valid UTF-8: 3 invalid byte sequences were replaced with �."]
        );
    }

    #[test]
    fn cyrillic_token_values_do_not_panic() {
        for paste in [
            r#"{"token":"Токен истёк","access_token":"Доступ запрещён"}"#,
            "access_token=Ключ&state=состояние",
            "https://app.example/cb?code=Код😀&state=\u{200F}состояние#access_token=Ключ",
            "Authorization: Bearer Ключ-доступа-😀-1234567890",
            "error=доступ error_description=\"Токен истёк\"",
        ] {
            let _ = inspect(paste, NOW);
            let _ = inspect_bytes(paste.as_bytes(), NOW);
        }
    }
}
