//! Mending a token that text tools broke, and rejoining one broken across
//! lines by what makes it valid.
//!
//! Word processors, mailers, wikis and log viewers break tokens in ways
//! people cannot see: hard wraps at any width, non-breaking and other Unicode
//! spaces, zero-width characters and direction marks, hyphens added at line
//! ends, quoted-printable soft breaks and escapes (RFC 2045 §6.7), `>` reply
//! quoting, HTML entities, JSON escapes (RFC 8259 §7) and percent-encoding
//! (RFC 3986 §2.1). This module reads such text one *unit* at a time (a
//! character, or an escape decoded), splits it into *pieces* of token
//! characters and the *gaps* between them, and counts what it removed or
//! decoded ([`Mends`]).
//!
//! A compact JWS or JWE standing alone in text (RFC 7515 §7.1, RFC 7516 §7.1)
//! is rejoined by its own structure, not by line widths: pieces are joined
//! across gaps while the header and payload still decode to JSON, and a join
//! is offered only when its last segment is exactly as long as the header's
//! `alg` (or `enc`) implies and the whole token decodes. A join that does not
//! validate is never offered: the text is then taken as it stands.
//!
//! Every pass is linear in the text: each candidate join is decoded
//! incrementally, piece by piece, and the work spent on joins in one paste is
//! bounded by a budget proportional to its size ([`JoinBudget`]).

#![deny(clippy::string_slice, clippy::indexing_slicing)]

use serde::Serialize;
use serde_json::Value;

use super::jose;

/// Invisible characters that are never part of a token: zero-width space,
/// non-joiner, joiner, word joiner, byte order mark, soft hyphen.
pub(crate) const ZERO_WIDTH: &[char] = &[
    '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{00AD}',
];

/// Direction marks and embeddings (Unicode Bidirectional Algorithm, UAX #9):
/// invisible, copied along with tokens out of right-to-left text.
const DIRECTION_MARKS: &[char] = &[
    '\u{200E}', '\u{200F}', '\u{061C}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}',
    '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
];

/// Quote characters that stray into and around tokens copied from documents.
pub(crate) const QUOTES: &[char] = &[
    '"', '\'', '`', '“', '”', '„', '«', '»', '‘', '’', '‚', '‹', '›', '「', '」', '＂', '＇',
];

/// Hyphens a word processor draws at a line end that are not ASCII `-`
/// (U+2010 hyphen, U+2011 non-breaking hyphen).
const TYPOGRAPHIC_HYPHENS: &[char] = &['\u{2010}', '\u{2011}'];

/// HTML named character references worth decoding in a token's neighbourhood
/// (HTML Living Standard §13.5); numeric ones (`&#46;`, `&#x2E;`) are decoded too.
const HTML_ENTITIES: &[(&str, char)] = &[
    ("quot", '"'),
    ("amp", '&'),
    ("apos", '\''),
    ("lt", '<'),
    ("gt", '>'),
    ("nbsp", '\u{A0}'),
    ("shy", '\u{AD}'),
    ("period", '.'),
    ("lowbar", '_'),
    ("hyphen", '\u{2010}'),
    ("equals", '='),
    ("sol", '/'),
    ("ensp", '\u{2002}'),
    ("emsp", '\u{2003}'),
    ("thinsp", '\u{2009}'),
    ("zwnj", '\u{200C}'),
    ("zwj", '\u{200D}'),
    ("lrm", '\u{200E}'),
    ("rlm", '\u{200F}'),
    ("ZeroWidthSpace", '\u{200B}'),
    ("laquo", '«'),
    ("raquo", '»'),
    ("ldquo", '“'),
    ("rdquo", '”'),
    ("lsquo", '‘'),
    ("rsquo", '’'),
    ("bdquo", '„'),
    ("sbquo", '‚'),
];

/// The longest entity reference read, `&ZeroWidthSpace;` included.
const MAX_ENTITY_BYTES: usize = 20;

/// The longest token rejoined, in characters. Real tokens stay far below:
/// a Keycloak access token with hundreds of roles is under 16 KiB, and HTTP
/// servers refuse header fields longer than 8–64 KiB.
const MAX_TOKEN_CHARS: usize = 64 * 1024;

/// The most text one join may span, in bytes: the token and its gaps.
const MAX_JOIN_SPAN_BYTES: usize = 8 * MAX_TOKEN_CHARS;

/// The most text one gap between two pieces may hold (blank lines,
/// indentation, quote markers): past this the pieces are not one token.
const MAX_GAP_BYTES: usize = 1024;

/// The most line breaks one gap may hold.
const MAX_GAP_LINE_BREAKS: usize = 8;

/// The largest JOSE header read (decoded bytes): an `x5c` chain of a few
/// certificates fits.
const MAX_HEADER_BYTES: usize = 16 * 1024;

/// How deep the JSON of a header or payload may nest (`serde_json` refuses
/// past 128, so nothing valid is lost).
const MAX_JSON_DEPTH: usize = 256;

/// How many readings of the line-end hyphens are followed at once; more
/// means the hyphens cannot be told apart, and no join is offered.
const MAX_READINGS: usize = 64;

/// A line shorter than this is not taken as hard-wrapped.
const MIN_WRAPPED_LINE: usize = 16;

/// How much shorter than the widest line a wrapped line may be (editors
/// break before a space, mailers trim) and still count as full.
const WRAP_SLACK: usize = 8;

/// How far back the column of a token's first character is looked for.
const MAX_COLUMN_SCAN_BYTES: usize = 4096;

/// What had to be repaired to get a token out of the text.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Mends {
    /// How many lines the token was spread over (0 or 1: it was not).
    pub lines_joined: usize,
    /// Empty lines found between the pieces.
    pub blank_lines_removed: usize,
    /// Spaces and tabs removed (indentation, trailing spaces, stray spaces).
    pub spaces_removed: usize,
    /// Zero-width characters removed (U+200B, U+FEFF, soft hyphen, direction marks, …).
    pub zero_width_removed: usize,
    /// Stray quote characters removed.
    pub quotes_removed: usize,
    /// A `Bearer ` prefix stripped from the value.
    pub bearer_prefix_removed: bool,
    /// Non-breaking and other Unicode spaces removed (U+00A0, U+2000–U+200A,
    /// U+202F, U+205F, U+3000, …).
    pub unicode_spaces_removed: usize,
    /// Hyphens a word processor added at a line end, removed.
    pub line_end_hyphens_removed: usize,
    /// Quoted-printable soft line breaks (`=` at a line end, RFC 2045 §6.7 rule 5) removed.
    pub qp_soft_breaks_removed: usize,
    /// Quoted-printable escapes (`=3D`, `=20`, `=0A`, RFC 2045 §6.7 rule 1) decoded.
    pub qp_escapes_decoded: usize,
    /// Mail reply quote markers (`>` at a line start) removed.
    pub quote_markers_removed: usize,
    /// HTML character references (`&quot;`, `&#46;`, `&#x2E;`, …) decoded.
    pub html_entities_decoded: usize,
    /// JSON string escapes (`\/`, `\u002e`, `\n`, RFC 8259 §7) decoded.
    pub json_escapes_decoded: usize,
    /// Percent-encoded characters (`%2E`, `%3D`, RFC 3986 §2.1) decoded.
    pub percent_escapes_decoded: usize,
}

impl Mends {
    /// Nothing was mended.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// "joined 14 lines, removed 5 spaces", or `None` when nothing was mended.
    pub fn describe(&self) -> Option<String> {
        let mut parts = Vec::new();
        if self.lines_joined > 1 {
            parts.push(crate::tr!("mend-lines-joined", count = self.lines_joined));
        }
        if self.blank_lines_removed > 0 {
            parts.push(crate::tr!(
                "mend-blank-lines",
                count = self.blank_lines_removed
            ));
        }
        if self.spaces_removed > 0 {
            parts.push(crate::tr!("mend-spaces", count = self.spaces_removed));
        }
        if self.unicode_spaces_removed > 0 {
            parts.push(crate::tr!(
                "mend-unicode-spaces",
                count = self.unicode_spaces_removed
            ));
        }
        if self.zero_width_removed > 0 {
            parts.push(crate::tr!(
                "mend-zero-width",
                count = self.zero_width_removed
            ));
        }
        if self.line_end_hyphens_removed > 0 {
            parts.push(crate::tr!(
                "mend-line-end-hyphens",
                count = self.line_end_hyphens_removed
            ));
        }
        if self.qp_soft_breaks_removed > 0 {
            parts.push(crate::tr!(
                "mend-qp-soft-breaks",
                count = self.qp_soft_breaks_removed
            ));
        }
        if self.qp_escapes_decoded > 0 {
            parts.push(crate::tr!(
                "mend-qp-escapes",
                count = self.qp_escapes_decoded
            ));
        }
        if self.quote_markers_removed > 0 {
            parts.push(crate::tr!(
                "mend-quote-markers",
                count = self.quote_markers_removed
            ));
        }
        if self.html_entities_decoded > 0 {
            parts.push(crate::tr!(
                "mend-html-entities",
                count = self.html_entities_decoded
            ));
        }
        if self.json_escapes_decoded > 0 {
            parts.push(crate::tr!(
                "mend-json-escapes",
                count = self.json_escapes_decoded
            ));
        }
        if self.percent_escapes_decoded > 0 {
            parts.push(crate::tr!(
                "mend-percent-escapes",
                count = self.percent_escapes_decoded
            ));
        }
        if self.quotes_removed > 0 {
            parts.push(crate::tr!("mend-quotes", count = self.quotes_removed));
        }
        if self.bearer_prefix_removed {
            parts.push(crate::tr!("mend-bearer-prefix"));
        }
        (!parts.is_empty()).then(|| parts.join(", "))
    }

    /// Adds the counts of `other`; the lines joined are the larger of the two
    /// (two occurrences of one token are not one longer token).
    fn add(&mut self, other: &Self) {
        self.lines_joined = self.lines_joined.max(other.lines_joined);
        self.blank_lines_removed += other.blank_lines_removed;
        self.spaces_removed += other.spaces_removed;
        self.zero_width_removed += other.zero_width_removed;
        self.quotes_removed += other.quotes_removed;
        self.bearer_prefix_removed |= other.bearer_prefix_removed;
        self.unicode_spaces_removed += other.unicode_spaces_removed;
        self.line_end_hyphens_removed += other.line_end_hyphens_removed;
        self.qp_soft_breaks_removed += other.qp_soft_breaks_removed;
        self.qp_escapes_decoded += other.qp_escapes_decoded;
        self.quote_markers_removed += other.quote_markers_removed;
        self.html_entities_decoded += other.html_entities_decoded;
        self.json_escapes_decoded += other.json_escapes_decoded;
        self.percent_escapes_decoded += other.percent_escapes_decoded;
    }

    /// Counts one unit that was decoded from an escape.
    fn count_escape(&mut self, escape: Escape) {
        match escape {
            Escape::None => {}
            Escape::HtmlEntity => self.html_entities_decoded += 1,
            Escape::Json => self.json_escapes_decoded += 1,
            Escape::Percent => self.percent_escapes_decoded += 1,
            Escape::QuotedPrintable => self.qp_escapes_decoded += 1,
        }
    }
}

/// Merges what was mended in two occurrences of the same token.
pub fn merge_mends(into: &mut Mends, other: &Mends) {
    into.add(other);
}

// ---- a token value taken from a field --------------------------------------

/// Repairs a token value taken from a field (a JSON string, a form
/// parameter): drops white space, line breaks, reply quote markers, stray
/// quotes, invisible characters and a `Bearer ` prefix, decodes escapes, and
/// says so. A hyphen at a line end is kept or dropped by what makes a JWT
/// decode; in any other value it is kept, as written.
pub fn mend(raw: &str) -> (String, Mends) {
    let mut head = Mends::default();
    let mut body = raw.trim_matches(char::is_whitespace);
    if let Some(rest) = strip_bearer(body) {
        body = rest;
        head.bearer_prefix_removed = true;
    }
    // A form reader takes the `=` of a quoted-printable `=3D` as its own
    // separator and leaves `3D` in front of the value; a JWT never starts so.
    if let Some(rest) = body.strip_prefix("3D")
        && rest.starts_with("eyJ")
    {
        body = rest;
        head.qp_escapes_decoded += 1;
    }
    let lead = read_gap(body, 0, Mode::Field, 0);
    head.add(&lead.mends);
    let Some(first) = lead.next else {
        return (String::new(), head);
    };
    let mut pieces = Pieces::new(body, Mode::Field, first);
    while pieces.read_next() {}
    let pieces = pieces.list;
    let last = pieces.len().saturating_sub(1);
    let any_hyphen = pieces.iter().any(Piece::has_line_end_hyphen);
    let dropped = if any_hyphen && pieces.first().is_some_and(|p| p.chars.starts_with("eyJ")) {
        let mut whole = Pieces::from_list(body, Mode::Field, pieces.clone());
        choose_join(&mut whole, Joining::All, &mut JoinBudget::unlimited())
            .map(|chosen| chosen.dropped)
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let value = joined(&pieces, last, &dropped);
    let mut mends = join_mends(&pieces, last, &dropped);
    mends.add(&head);
    if let Some(tail) = pieces.last() {
        // What follows the last piece inside the value (a closing quote) was
        // removed from it too; a line break there joined nothing.
        let mut after = tail.after.mends.clone();
        after.blank_lines_removed = 0;
        mends.add(&after);
    }
    (value, mends)
}

/// The value after a `Bearer` prefix (any case, RFC 6750 §2.1), if it has one.
fn strip_bearer(body: &str) -> Option<&str> {
    let scheme = body.get(..6)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let rest = body.get(6..)?;
    let value = rest.trim_start_matches(char::is_whitespace);
    (value.len() < rest.len() && !value.is_empty()).then_some(value)
}

// ---- a compact JWT standing in text -----------------------------------------

/// How much joining work one paste may take, in bytes read times readings
/// followed: a multiple of its size, so that 100,000 lines that each start
/// like a JWT cost linear time. Once spent, tokens are taken as they stand on
/// their line.
pub(crate) struct JoinBudget {
    left: usize,
}

impl JoinBudget {
    /// The budget for a paste of `len` bytes.
    pub(crate) fn for_text(len: usize) -> Self {
        Self {
            left: len
                .saturating_mul(16)
                .saturating_add(4 * MAX_JOIN_SPAN_BYTES),
        }
    }

    fn unlimited() -> Self {
        Self { left: usize::MAX }
    }

    /// Takes `cost` from the budget; `false` (and nothing left) when it does not cover it.
    pub(crate) fn spend(&mut self, cost: usize) -> bool {
        let covered = cost <= self.left;
        self.left = self.left.saturating_sub(cost);
        covered
    }
}

/// A compact JWT found at a position of the text.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct BareJwt {
    /// The token, mended.
    pub value: String,
    /// What was mended.
    pub mends: Mends,
    /// The byte just past its last character in the text.
    pub end: usize,
}

/// Reads the compact JWT that starts at byte `start` of `text` (at `eyJ`),
/// rejoining it across line breaks and special spaces when, and only when,
/// the join validates. `Err` holds where to look for the next token when
/// nothing token-like stands here.
pub(crate) fn bare_jwt_at(
    text: &str,
    start: usize,
    budget: &mut JoinBudget,
) -> Result<BareJwt, usize> {
    let mut pieces = Pieces::new(text, Mode::Bare, start);
    let chosen = choose_join(&mut pieces, Joining::Bare, budget);
    let pieces = pieces.list;
    let Some(first) = pieces.first() else {
        return Err(start.saturating_add(1));
    };
    if let Some(chosen) = chosen
        && let Some(last) = pieces.get(chosen.last)
    {
        return Ok(BareJwt {
            value: joined(&pieces, chosen.last, &chosen.dropped),
            mends: join_mends(&pieces, chosen.last, &chosen.dropped),
            end: last.end,
        });
    }
    // No join validates: the text is taken as it stands on its line, and a
    // decoding error will say what is wrong with it.
    if first.chars.contains('.') && first.chars.len() >= 20 {
        Ok(BareJwt {
            value: first.chars.clone(),
            mends: first.mends.clone(),
            end: first.end,
        })
    } else {
        Err(first.end.max(start.saturating_add(1)))
    }
}

/// Whether the `eyJ` at `start` follows an escape of a character that cannot
/// be in a token (`=3D`, `%22`, `\n`, `\u0022`): there a token starts even
/// though a letter or digit stands before it.
pub(crate) fn follows_escape(text: &str, start: usize) -> bool {
    let before = |len: usize| {
        start
            .checked_sub(len)
            .and_then(|from| text.get(from..start))
    };
    let decoded = before(3)
        .and_then(|three| {
            let quoted_printable = three.starts_with('=');
            (quoted_printable || three.starts_with('%'))
                .then(|| hex_escape(three, quoted_printable))
                .flatten()
        })
        .or_else(|| before(2).and_then(|two| json_escape(two).map(|(c, _)| c)))
        .or_else(|| before(6).and_then(|six| json_escape(six).map(|(c, _)| c)));
    decoded.is_some_and(|c| !is_jwt_char(c))
}

/// Characters from the start of the line to byte `at` (looked for a bounded
/// distance back, so many tokens on one long line cost linear time).
fn column_of(text: &str, at: usize) -> usize {
    let mut from = at.saturating_sub(MAX_COLUMN_SCAN_BYTES);
    while from < at && !text.is_char_boundary(from) {
        from += 1;
    }
    text.get(from..at)
        .and_then(|before| before.rsplit(is_line_break).next())
        .map_or(0, |line| line.chars().count())
}

// ---- reading units ----------------------------------------------------------

/// Which token alphabet applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// A compact JWT in text: base64url characters and `.` (RFC 7515 §2).
    Bare,
    /// A field's value: everything but white space, quotes and invisible characters.
    Field,
}

/// How a unit was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Escape {
    None,
    HtmlEntity,
    Json,
    Percent,
    QuotedPrintable,
}

/// One character of the text, or one escape decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unit {
    Char(char, Escape),
    /// `=` before a line end: a quoted-printable soft line break (RFC 2045 §6.7 rule 5).
    SoftBreak,
}

/// The unit at byte `pos` and the byte just past it.
fn unit_at(text: &str, pos: usize) -> Option<(Unit, usize)> {
    let rest = text.get(pos..)?;
    let c = rest.chars().next()?;
    let escaped = match c {
        '&' => html_entity(rest).map(|(ch, len)| (Unit::Char(ch, Escape::HtmlEntity), len)),
        '\\' => json_escape(rest).map(|(ch, len)| (Unit::Char(ch, Escape::Json), len)),
        '%' => hex_escape(rest, false).map(|ch| (Unit::Char(ch, Escape::Percent), 3)),
        '=' if is_soft_break(rest) => Some((Unit::SoftBreak, 1)),
        '=' => hex_escape(rest, true).map(|ch| (Unit::Char(ch, Escape::QuotedPrintable), 3)),
        _ => None,
    };
    let (unit, len) = escaped.unwrap_or((Unit::Char(c, Escape::None), c.len_utf8()));
    Some((unit, pos.saturating_add(len)))
}

/// `%2E` (RFC 3986 §2.1) or, with `quoted_printable`, `=2E` (RFC 2045 §6.7
/// rule 1: upper-case digits only) at the start of `rest`, decoded when it is
/// an ASCII character.
fn hex_escape(rest: &str, quoted_printable: bool) -> Option<char> {
    let [_, high, low, ..] = rest.as_bytes() else {
        return None;
    };
    let digit = |b: u8| match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'A'..=b'F' => Some(b - b'A' + 10),
        b'a'..=b'f' if !quoted_printable => Some(b - b'a' + 10),
        _ => None,
    };
    let byte = digit(*high)? * 16 + digit(*low)?;
    byte.is_ascii().then_some(char::from(byte))
}

/// `&quot;`, `&#46;`, `&#x2E;` … at the start of `rest`: the character and
/// the reference's length.
fn html_entity(rest: &str) -> Option<(char, usize)> {
    let semicolon = rest
        .bytes()
        .take(MAX_ENTITY_BYTES)
        .position(|b| b == b';')?;
    let name = rest.get(1..semicolon)?;
    let ch = if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
                u32::from_str_radix(hex, 16).ok()?
            }
            None if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) => {
                number.parse().ok()?
            }
            _ => return None,
        };
        char::from_u32(code)?
    } else {
        HTML_ENTITIES.iter().find(|(n, _)| *n == name)?.1
    };
    Some((ch, semicolon + 1))
}

/// `\/`, `\"`, `\n`, `\u002e` … at the start of `rest`: the character and the
/// escape's length (RFC 8259 §7).
fn json_escape(rest: &str) -> Option<(char, usize)> {
    let mut bytes = rest.bytes();
    if bytes.next()? != b'\\' {
        return None;
    }
    let ch = match bytes.next()? {
        b'/' => '/',
        b'"' => '"',
        b'\\' => '\\',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'b' => '\u{8}',
        b'f' => '\u{C}',
        b'u' => {
            let code = hex4(rest.get(2..6)?)?;
            if (0xD800..0xDC00).contains(&code) {
                // A surrogate pair: `\uD83D\uDE00`.
                let low = rest
                    .get(6..8)
                    .filter(|escape| *escape == "\\u")
                    .and_then(|_| hex4(rest.get(8..12)?))
                    .filter(|low| (0xDC00..0xE000).contains(low))?;
                let code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                return char::from_u32(code).map(|c| (c, 12));
            }
            return char::from_u32(code).map(|c| (c, 6));
        }
        _ => return None,
    };
    Some((ch, 2))
}

/// Four hexadecimal digits.
fn hex4(digits: &str) -> Option<u32> {
    (digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| u32::from_str_radix(digits, 16).ok())
        .flatten()
}

/// `=` followed by nothing but spaces up to a line break.
fn is_soft_break(rest: &str) -> bool {
    rest.get(1..).is_some_and(|after| {
        after
            .chars()
            .take(64)
            .find(|c| *c != ' ' && *c != '\t')
            .is_some_and(is_line_break)
    })
}

/// Line feed, carriage return, vertical tab and form feed (Word's manual
/// line break), next line, line and paragraph separators.
fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// Base64url characters and `.` (RFC 7515 §2, §7.1).
fn is_jwt_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// What a character is, for mending.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    LineBreak,
    Space,
    UnicodeSpace,
    Invisible,
    Quote,
    TypographicHyphen,
    Token,
    Other,
}

fn classify(c: char, mode: Mode) -> Class {
    // Nearly every character is ASCII: decided without searching the lists.
    if c.is_ascii() {
        return match c {
            '\n' | '\r' | '\u{0B}' | '\u{0C}' => Class::LineBreak,
            ' ' | '\t' => Class::Space,
            '"' | '\'' | '`' => Class::Quote,
            _ if mode == Mode::Field || is_jwt_char(c) => Class::Token,
            _ => Class::Other,
        };
    }
    if is_line_break(c) {
        Class::LineBreak
    } else if c == ' ' || c == '\t' {
        Class::Space
    } else if c.is_whitespace() {
        Class::UnicodeSpace
    } else if ZERO_WIDTH.contains(&c) || DIRECTION_MARKS.contains(&c) {
        Class::Invisible
    } else if QUOTES.contains(&c) {
        Class::Quote
    } else if TYPOGRAPHIC_HYPHENS.contains(&c) {
        Class::TypographicHyphen
    } else if mode == Mode::Field || is_jwt_char(c) {
        Class::Token
    } else {
        Class::Other
    }
}

/// How many characters of the line a unit took, as written.
fn written_width(unit: Unit, from: usize, to: usize) -> usize {
    match unit {
        Unit::Char(_, Escape::None) => 1,
        _ => to.saturating_sub(from),
    }
}

// ---- pieces and gaps ---------------------------------------------------------

/// A run of token characters, escapes decoded and invisible characters removed.
#[derive(Clone, Debug)]
struct Piece {
    /// Its token characters.
    chars: String,
    /// What was decoded or removed inside it.
    mends: Mends,
    /// The byte just past its last token character.
    end: usize,
    /// Characters from the start of its line (or, on the token's first
    /// line, from the token's start) to its end, as written.
    line_width: usize,
    /// No line break stands between the token's start and it.
    on_first_line: bool,
    /// What follows it.
    after: Gap,
}

impl Piece {
    /// It ends with `-` and a line break follows: the hyphen may be the
    /// token's or one a word processor added.
    fn has_line_end_hyphen(&self) -> bool {
        self.chars.ends_with('-') && self.after.at_line_end && self.after.next.is_some()
    }
}

/// What stands between two pieces.
#[derive(Clone, Debug, Default)]
struct Gap {
    /// What was removed or decoded in it.
    mends: Mends,
    /// Line breaks in it (a quoted-printable soft break's included).
    line_breaks: usize,
    /// A line break follows the piece before, with only spaces between.
    at_line_end: bool,
    /// Only special spaces and invisible characters: a gap that may stand
    /// inside a token's line.
    special_spaces_only: bool,
    /// Where the next piece starts, when nothing but gap characters stand
    /// before it.
    next: Option<usize>,
    /// Characters from the start of the last line to the gap's end.
    tail_width: usize,
}

/// The token characters from `pos` on: the piece's characters, what was
/// mended in it, the byte past it and its width as written.
fn read_piece(text: &str, pos: usize, mode: Mode) -> (String, Mends, usize, usize) {
    let mut chars = String::new();
    let mut mends = Mends::default();
    let mut invisible = Mends::default();
    let mut invisible_pending = false;
    let (mut at, mut end) = (pos, pos);
    let (mut width, mut width_at_end) = (0, 0);
    while chars.len() <= MAX_TOKEN_CHARS {
        // Nearly all of a piece is a run of plain base64url characters:
        // taken whole, without decoding unit by unit.
        let run = text.as_bytes().get(at..).map_or(0, |rest| {
            rest.iter()
                .take(MAX_TOKEN_CHARS + 1 - chars.len())
                .take_while(|b| is_jwt_char(char::from(**b)))
                .count()
        });
        if run > 0
            && let Some(plain) = text.get(at..at + run)
        {
            chars.push_str(plain);
            if invisible_pending {
                mends.add(&invisible);
                invisible = Mends::default();
                invisible_pending = false;
            }
            at += run;
            end = at;
            width += run;
            width_at_end = width;
            continue;
        }
        let Some((unit, next)) = unit_at(text, at) else {
            break;
        };
        let Unit::Char(c, escape) = unit else {
            break;
        };
        width += written_width(unit, at, next);
        let is_token = match classify(c, mode) {
            Class::Token => true,
            Class::TypographicHyphen => mode == Mode::Field && !ends_line(text, next),
            // Invisible characters never split a piece: they cannot separate
            // a token from the next word. Counted once a token character follows.
            Class::Invisible => {
                invisible.count_removed(Removed::Invisible, escape);
                invisible_pending = true;
                at = next;
                continue;
            }
            _ => false,
        };
        if !is_token {
            break;
        }
        chars.push(c);
        if invisible_pending {
            mends.add(&invisible);
            invisible = Mends::default();
            invisible_pending = false;
        }
        mends.count_escape(escape);
        end = next;
        width_at_end = width;
        at = next;
    }
    (chars, mends, end, width_at_end)
}

/// What a gap takes out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Removed {
    LineBreak,
    SoftBreak,
    Space,
    UnicodeSpace,
    Invisible,
    Quote,
    QuoteMarker,
    Hyphen,
}

impl Mends {
    /// Counts one unit taken out: as the escape it was written as, if any,
    /// else as what it is.
    fn count_removed(&mut self, removed: Removed, escape: Escape) {
        if escape != Escape::None {
            self.count_escape(escape);
            return;
        }
        match removed {
            Removed::LineBreak => {}
            Removed::SoftBreak => self.qp_soft_breaks_removed += 1,
            Removed::Space => self.spaces_removed += 1,
            Removed::UnicodeSpace => self.unicode_spaces_removed += 1,
            Removed::Invisible => self.zero_width_removed += 1,
            Removed::Quote => self.quotes_removed += 1,
            Removed::QuoteMarker => self.quote_markers_removed += 1,
            Removed::Hyphen => self.line_end_hyphens_removed += 1,
        }
    }
}

/// What the gap does with a unit: takes it out, or stops there (`Err(true)`
/// when a piece starts there, `Err(false)` when the token cannot go on).
fn gap_unit(
    text: &str,
    unit: Unit,
    next: usize,
    mode: Mode,
    at_line_start: bool,
) -> Result<Removed, bool> {
    let c = match unit {
        Unit::SoftBreak => return Ok(Removed::SoftBreak),
        Unit::Char(c, _) => c,
    };
    if c == '>' && at_line_start {
        return Ok(Removed::QuoteMarker);
    }
    match classify(c, mode) {
        Class::LineBreak => Ok(Removed::LineBreak),
        Class::Space => Ok(Removed::Space),
        Class::UnicodeSpace => Ok(Removed::UnicodeSpace),
        Class::Invisible => Ok(Removed::Invisible),
        Class::Quote => Ok(Removed::Quote),
        Class::TypographicHyphen if ends_line(text, next) => Ok(Removed::Hyphen),
        Class::TypographicHyphen => Err(mode == Mode::Field),
        Class::Token => Err(true),
        Class::Other => Err(false),
    }
}

/// The gap from `pos` on, after a piece whose line is `line_width`
/// characters wide so far.
fn read_gap(text: &str, pos: usize, mode: Mode, line_width: usize) -> Gap {
    let mut gap = Gap {
        special_spaces_only: true,
        tail_width: line_width,
        ..Gap::default()
    };
    let mut at = pos;
    let mut at_line_start = false;
    let mut only_spaces_yet = true;
    let mut after_carriage_return = false;
    // A field's value is the token whatever its gaps; in text, a long gap
    // ends it.
    let bounded = mode == Mode::Bare;
    while !bounded
        || (at.saturating_sub(pos) <= MAX_GAP_BYTES && gap.line_breaks <= MAX_GAP_LINE_BREAKS)
    {
        let Some((unit, next)) = unit_at(text, at) else {
            break;
        };
        let removed = match gap_unit(text, unit, next, mode, at_line_start) {
            Ok(removed) => removed,
            Err(starts_piece) => {
                gap.next = starts_piece.then_some(at);
                break;
            }
        };
        let (c, escape) = match unit {
            Unit::Char(c, escape) => (c, escape),
            Unit::SoftBreak => ('=', Escape::None),
        };
        gap.mends.count_removed(removed, escape);
        let is_space = matches!(
            removed,
            Removed::Space | Removed::UnicodeSpace | Removed::Invisible
        );
        gap.special_spaces_only &= matches!(removed, Removed::UnicodeSpace | Removed::Invisible);
        gap.at_line_end |=
            only_spaces_yet && matches!(removed, Removed::LineBreak | Removed::SoftBreak);
        only_spaces_yet &= is_space;
        at_line_start = removed == Removed::LineBreak
            || (at_line_start && (is_space || removed == Removed::QuoteMarker));
        if removed == Removed::LineBreak {
            if !(c == '\n' && after_carriage_return) {
                gap.line_breaks += 1;
            }
            gap.tail_width = 0;
        } else {
            gap.tail_width += written_width(unit, at, next);
        }
        after_carriage_return = c == '\r';
        at = next;
    }
    gap.mends.blank_lines_removed = gap.line_breaks.saturating_sub(1);
    gap
}

/// Nothing but spaces from `at` to a line break.
fn ends_line(text: &str, at: usize) -> bool {
    text.get(at..).is_some_and(|rest| {
        let mut chars = rest.chars().take(64).filter(|c| *c != ' ' && *c != '\t');
        chars.next().is_some_and(is_line_break)
    })
}

/// The pieces of a text from a start on, read as far as they are needed.
struct Pieces<'t> {
    text: &'t str,
    mode: Mode,
    start: usize,
    list: Vec<Piece>,
    /// The column of the start, looked for only when a line width is needed.
    start_column: Option<usize>,
}

impl<'t> Pieces<'t> {
    /// The pieces from the one at `start` on.
    fn new(text: &'t str, mode: Mode, start: usize) -> Self {
        let mut pieces = Self {
            text,
            mode,
            start,
            list: Vec::new(),
            start_column: None,
        };
        pieces.push_at(start, 0);
        pieces
    }

    fn from_list(text: &'t str, mode: Mode, list: Vec<Piece>) -> Self {
        Self {
            text,
            mode,
            start: 0,
            list,
            start_column: None,
        }
    }

    /// The width of the line the piece at `index` ends, as written.
    fn line_width(&mut self, index: usize) -> usize {
        let Some(piece) = self.list.get(index) else {
            return 0;
        };
        let (width, on_first_line) = (piece.line_width, piece.on_first_line);
        if !on_first_line {
            return width;
        }
        let (text, start) = (self.text, self.start);
        let column = *self
            .start_column
            .get_or_insert_with(|| column_of(text, start));
        width.saturating_add(column)
    }

    /// Reads the piece at `pos`; `false` when no token character stands there.
    fn push_at(&mut self, pos: usize, column: usize) -> bool {
        let (chars, mends, end, width) = read_piece(self.text, pos, self.mode);
        if chars.is_empty() {
            return false;
        }
        let line_width = column.saturating_add(width);
        let after = read_gap(self.text, end, self.mode, line_width);
        let on_first_line = self
            .list
            .last()
            .is_none_or(|last| last.on_first_line && last.after.line_breaks == 0);
        self.list.push(Piece {
            chars,
            mends,
            end,
            line_width,
            on_first_line,
            after,
        });
        true
    }

    /// Reads the piece after the last one; `false` when there is none.
    fn read_next(&mut self) -> bool {
        let Some(last) = self.list.last() else {
            return false;
        };
        let Some(next) = last.after.next else {
            return false;
        };
        let column = last.after.tail_width;
        self.push_at(next, column)
    }

    /// The piece at `index`, read when it is the next one.
    fn get(&mut self, index: usize) -> Option<&Piece> {
        if index == self.list.len() && !self.read_next() {
            return None;
        }
        self.list.get(index)
    }

    /// Bytes from the start to the end of the piece at `index`.
    fn span_to(&self, index: usize) -> usize {
        self.list
            .get(index)
            .map_or(0, |piece| piece.end.saturating_sub(self.start))
    }
}

// ---- choosing the join -------------------------------------------------------

/// How pieces may be joined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Joining {
    /// A token standing in text: join only what validates.
    Bare,
    /// A field's value: every piece is the token's; only the line-end
    /// hyphens are to be decided.
    All,
}

/// The join chosen: the last piece and the pieces whose line-end hyphen was dropped.
struct Chosen {
    last: usize,
    dropped: Vec<usize>,
}

/// One reading of the pieces so far: which line-end hyphens were dropped.
#[derive(Clone, Debug)]
struct Reading {
    state: Decoder,
    dropped: Vec<usize>,
    /// Another reading with other hyphens dropped reached the same state:
    /// whatever validates from here could be either token.
    ambiguous: bool,
    chars: usize,
}

impl Reading {
    fn feed_str(&mut self, chars: &str) -> bool {
        self.chars = self.chars.saturating_add(chars.len());
        self.chars <= MAX_TOKEN_CHARS && chars.chars().all(|c| self.state.feed(c))
    }
}

/// Finds the join that validates. With [`Joining::Bare`], pieces are joined
/// while some reading still decodes; the longest validated join wins, and a
/// join past a validated one is tried only where the line looks hard-wrapped.
fn choose_join(
    pieces: &mut Pieces<'_>,
    joining: Joining,
    budget: &mut JoinBudget,
) -> Option<Chosen> {
    let mut readings = vec![Reading {
        state: Decoder::new(),
        dropped: Vec::new(),
        ambiguous: false,
        chars: 0,
    }];
    let mut best = None;
    let mut widest_line = 0;
    let mut index = 0;
    loop {
        let piece = pieces.get(index)?;
        readings = feed_piece(readings, piece, index);
        let (after, piece_end) = (piece.after.clone(), piece.end);
        if readings.is_empty() || readings.len() > MAX_READINGS {
            break;
        }
        let is_last = after.next.is_none();
        if joining == Joining::Bare || is_last {
            match validated(pieces, index, &readings) {
                Validated::One(dropped) => {
                    best = Some(Chosen {
                        last: index,
                        dropped,
                    });
                }
                // Two tokens could be read here: the text does not say
                // which, so neither (nor a shorter one before) is offered.
                Validated::Ambiguous => best = None,
                Validated::None => {}
            }
        }
        if is_last {
            break;
        }
        if joining == Joining::Bare {
            let gap = &after;
            let ends_line = gap.line_breaks > 0;
            if !ends_line && !gap.special_spaces_only {
                break;
            }
            // A wrapped line is as wide as the token's widest line before it.
            let line_width = if ends_line {
                pieces.line_width(index)
            } else {
                0
            };
            let looks_wrapped = ends_line
                && widest_line > 0
                && line_width >= MIN_WRAPPED_LINE
                && line_width.saturating_add(WRAP_SLACK) >= widest_line;
            widest_line = widest_line.max(line_width);
            if best.as_ref().is_some_and(|b| b.last == index) && !looks_wrapped {
                break;
            }
            readings
                .retain(|r| r.state.can_grow() && (looks_wrapped || !r.state.in_unknown_last()));
            if readings.is_empty() || pieces.span_to(index) > MAX_JOIN_SPAN_BYTES {
                break;
            }
            let gap_bytes = gap.next.map_or(0, |next| next.saturating_sub(piece_end));
            if !budget.spend(gap_bytes.saturating_mul(readings.len())) {
                break;
            }
            let Some(next) = pieces.get(index + 1) else {
                break;
            };
            let piece_bytes = next.chars.len();
            if !budget.spend(piece_bytes.saturating_mul(readings.len())) {
                break;
            }
        }
        index += 1;
    }
    best
}

/// Feeds a piece to every reading; a line-end hyphen splits each reading in
/// two (kept, dropped). Readings that reach the same state are merged.
fn feed_piece(readings: Vec<Reading>, piece: &Piece, index: usize) -> Vec<Reading> {
    let hyphen = piece.has_line_end_hyphen();
    let body = if hyphen {
        piece.chars.strip_suffix('-').unwrap_or(&piece.chars)
    } else {
        &piece.chars
    };
    let mut fed: Vec<Reading> = Vec::with_capacity(readings.len() * 2);
    for mut reading in readings {
        if !reading.feed_str(body) {
            continue;
        }
        if hyphen {
            let mut kept = reading.clone();
            if kept.feed_str("-") {
                fed.push(kept);
            }
            reading.dropped.push(index);
        }
        fed.push(reading);
    }
    let mut merged: Vec<Reading> = Vec::with_capacity(fed.len());
    for reading in fed {
        if let Some(same) = merged.iter_mut().find(|m| m.state == reading.state) {
            same.ambiguous = true;
            same.chars = same.chars.max(reading.chars);
        } else {
            merged.push(reading);
        }
    }
    merged
}

enum Validated {
    None,
    One(Vec<usize>),
    Ambiguous,
}

/// The readings complete at piece `last` whose token decodes: one, none, or
/// more than one (then no join is offered: the text does not say which).
fn validated(pieces: &Pieces<'_>, last: usize, readings: &[Reading]) -> Validated {
    let mut found: Option<(String, Vec<usize>)> = None;
    for reading in readings.iter().filter(|r| r.state.is_complete()) {
        let value = joined(&pieces.list, last, &reading.dropped);
        if jose::decode_unverified(&value).is_err() {
            continue;
        }
        if reading.ambiguous {
            return Validated::Ambiguous;
        }
        match &found {
            Some((other, _)) if *other != value => return Validated::Ambiguous,
            Some(_) => {}
            None => found = Some((value, reading.dropped.clone())),
        }
    }
    found.map_or(Validated::None, |(_, dropped)| Validated::One(dropped))
}

/// The token made of pieces `0..=last`, without the dropped hyphens.
fn joined(pieces: &[Piece], last: usize, dropped: &[usize]) -> String {
    let mut value = String::new();
    for (index, piece) in pieces.iter().enumerate().take(last.saturating_add(1)) {
        if dropped.binary_search(&index).is_ok() {
            value.push_str(piece.chars.strip_suffix('-').unwrap_or(&piece.chars));
        } else {
            value.push_str(&piece.chars);
        }
    }
    value
}

/// What was mended in pieces `0..=last` and the gaps between them.
fn join_mends(pieces: &[Piece], last: usize, dropped: &[usize]) -> Mends {
    let mut mends = Mends::default();
    let mut lines = 1;
    for (index, piece) in pieces.iter().enumerate().take(last.saturating_add(1)) {
        mends.add(&piece.mends);
        if index < last {
            mends.add(&piece.after.mends);
            if piece.after.line_breaks > 0 {
                lines += 1;
            }
        }
    }
    mends.line_end_hyphens_removed += dropped.len();
    if lines > 1 {
        mends.lines_joined = lines;
    }
    mends
}

// ---- incremental decoding ----------------------------------------------------

/// The length of a compact token's last segment, in base64url characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LastSegment {
    /// One of these lengths.
    Exact(&'static [usize]),
    /// Not known from the header: any length that decodes.
    Unknown,
}

/// The base64url length of a JWS signature by `alg` (RFC 7518 §3.1, RFC 8037
/// §3.1, RFC 8812 §3.2; GOST R 34.10-2012 per R 50.1.113-2016): RSA by key
/// size (1024, 2048, 3072, 4096 bits), ECDSA `r ‖ s`, Ed25519 and Ed448,
/// HMAC by hash size, GOST 256 and 512.
fn signature_lengths(alg: &str) -> LastSegment {
    const RSA: &[usize] = &[171, 342, 512, 683];
    LastSegment::Exact(match alg {
        "RS256" | "RS384" | "RS512" | "PS256" | "PS384" | "PS512" => RSA,
        "ES256" | "ES256K" | "Ed25519" | "HS512" | "GOST3410_2012_256" => &[86],
        "ES384" => &[128],
        "ES512" => &[176],
        "EdDSA" => &[86, 152],
        "Ed448" => &[152],
        "HS256" => &[43],
        "HS384" => &[64],
        "gost34.10-2012" => &[86, 171],
        "GOST3410_2012_512" => &[171],
        "none" => &[0],
        _ => return LastSegment::Unknown,
    })
}

/// The base64url length of a JWE authentication tag by `enc` (RFC 7518 §5.2.3–5.2.5, §5.3).
fn tag_lengths(enc: &str) -> LastSegment {
    LastSegment::Exact(match enc {
        "A128GCM" | "A192GCM" | "A256GCM" | "A128CBC-HS256" => &[22],
        "A192CBC-HS384" => &[32],
        "A256CBC-HS512" => &[43],
        _ => return LastSegment::Unknown,
    })
}

/// What the header says about the rest of the token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Shape {
    segments: usize,
    last: LastSegment,
    nested_payload: bool,
}

impl Shape {
    fn of_header(bytes: &[u8]) -> Option<Self> {
        let header: serde_json::Map<String, Value> = serde_json::from_slice(bytes).ok()?;
        let text = |name: &str| header.get(name).and_then(Value::as_str);
        if let Some(enc) = text("enc") {
            return Some(Self {
                segments: 5,
                last: tag_lengths(enc),
                nested_payload: false,
            });
        }
        Some(Self {
            segments: 3,
            last: text("alg").map_or(LastSegment::Unknown, signature_lengths),
            nested_payload: text("cty").is_some_and(|cty| cty.eq_ignore_ascii_case("JWT")),
        })
    }
}

/// What a segment's decoded bytes must be.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Check {
    /// A JSON object (header, claims).
    Json(JsonPrefix),
    /// A nested compact JWT (`cty: JWT`, RFC 7519 §5.2).
    Compact,
    /// Anything (signature, JWE parts).
    Free,
}

/// A compact token decoded character by character.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Decoder {
    segment: usize,
    segment_chars: usize,
    base64: Base64,
    check: Check,
    header: Vec<u8>,
    shape: Option<Shape>,
}

impl Decoder {
    fn new() -> Self {
        Self {
            segment: 0,
            segment_chars: 0,
            base64: Base64::default(),
            check: Check::Json(JsonPrefix::new()),
            header: Vec::new(),
            shape: None,
        }
    }

    /// Takes one character; `false` when no token can be made this way.
    fn feed(&mut self, c: char) -> bool {
        if c == '.' {
            return self.end_segment();
        }
        let Some(value) = sextet(c) else {
            return false;
        };
        self.segment_chars += 1;
        if let Some(shape) = self.shape
            && self.segment + 1 == shape.segments
            && let LastSegment::Exact(lengths) = shape.last
            && lengths.iter().all(|&len| self.segment_chars > len)
        {
            return false;
        }
        let Some(byte) = self.base64.push(value) else {
            return true;
        };
        if self.segment == 0 {
            if self.header.len() >= MAX_HEADER_BYTES {
                return false;
            }
            self.header.push(byte);
        }
        match &mut self.check {
            Check::Json(json) => json.push(byte),
            Check::Compact => byte.is_ascii_alphanumeric() || b"-_. \t\r\n".contains(&byte),
            Check::Free => true,
        }
    }

    fn end_segment(&mut self) -> bool {
        if !self.base64.ends_cleanly(self.segment_chars) {
            return false;
        }
        if let Check::Json(json) = &self.check
            && !json.is_complete()
        {
            return false;
        }
        if self.segment == 0 {
            self.shape = Shape::of_header(&self.header);
            self.header = Vec::new();
        }
        let Some(shape) = self.shape else {
            return false;
        };
        self.segment += 1;
        if self.segment >= shape.segments {
            return false;
        }
        self.segment_chars = 0;
        self.base64 = Base64::default();
        self.check = match (shape.segments, self.segment) {
            (3, 1) if shape.nested_payload => Check::Compact,
            (3, 1) => Check::Json(JsonPrefix::new()),
            _ => Check::Free,
        };
        true
    }

    /// In the last segment, as long as the header implies, and decodable.
    fn is_complete(&self) -> bool {
        let Some(shape) = self.shape else {
            return false;
        };
        self.segment + 1 == shape.segments
            && self.base64.ends_cleanly(self.segment_chars)
            && match shape.last {
                LastSegment::Exact(lengths) => lengths.contains(&self.segment_chars),
                LastSegment::Unknown => true,
            }
    }

    /// More characters could still make a token.
    fn can_grow(&self) -> bool {
        match self.shape {
            None => true,
            Some(shape) if self.segment + 1 < shape.segments => true,
            Some(shape) => match shape.last {
                LastSegment::Exact(lengths) => lengths.iter().any(|&len| len > self.segment_chars),
                LastSegment::Unknown => true,
            },
        }
    }

    /// Reading a last segment whose length the header does not tell.
    fn in_unknown_last(&self) -> bool {
        self.shape.is_some_and(|shape| {
            self.segment + 1 == shape.segments && shape.last == LastSegment::Unknown
        })
    }
}

/// The 6-bit value of a base64url character (RFC 4648 §5).
fn sextet(c: char) -> Option<u32> {
    let code = u32::from(c);
    match c {
        'A'..='Z' => Some(code - u32::from('A')),
        'a'..='z' => Some(code - u32::from('a') + 26),
        '0'..='9' => Some(code - u32::from('0') + 52),
        '-' => Some(62),
        '_' => Some(63),
        _ => None,
    }
}

/// Base64url decoding, one character at a time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Base64 {
    bits: u32,
    count: u32,
}

impl Base64 {
    /// Adds six bits; returns a byte when eight are complete.
    fn push(&mut self, value: u32) -> Option<u8> {
        self.bits = (self.bits << 6) | value;
        self.count += 6;
        if self.count < 8 {
            return None;
        }
        self.count -= 8;
        let byte = u8::try_from((self.bits >> self.count) & 0xFF).ok();
        self.bits &= (1 << self.count) - 1;
        byte
    }

    /// A segment of `chars` characters ends here: its length is possible
    /// and its unused bits are zero (RFC 4648 §3.5, as the decoder requires).
    fn ends_cleanly(self, chars: usize) -> bool {
        chars % 4 != 1 && self.bits == 0
    }
}

/// Whether bytes so far can begin a JSON object (RFC 8259), read one byte at
/// a time. As permissive as `serde_json` about what it accepts (numbers are
/// only roughly checked): it only has to reject what is not JSON early.
#[derive(Clone, Debug, PartialEq, Eq)]
struct JsonPrefix {
    state: JsonState,
    /// `{` and `[` of the open containers.
    open: Vec<u8>,
    /// Continuation bytes still due in a UTF-8 sequence.
    utf8_due: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum JsonState {
    /// Before the top-level object.
    Start,
    /// After `{`: a key or `}`.
    KeyOrEnd,
    /// After `,` in an object.
    Key,
    /// After a key.
    Colon,
    /// After `:` or `,` in an array.
    Value,
    /// After `[`: a value or `]`.
    ValueOrEnd,
    /// After a value: `,` or the closing bracket.
    AfterValue,
    Str {
        key: bool,
    },
    Escape {
        key: bool,
    },
    Hex {
        key: bool,
        due: u8,
    },
    Number,
    /// The rest of `true`, `false` or `null`.
    Literal(&'static [u8]),
    /// The top-level object closed.
    Done,
}

impl JsonPrefix {
    fn new() -> Self {
        Self {
            state: JsonState::Start,
            open: Vec::new(),
            utf8_due: 0,
        }
    }

    fn is_complete(&self) -> bool {
        self.state == JsonState::Done
    }

    /// Takes one byte; `false` when the bytes cannot begin a JSON object.
    fn push(&mut self, byte: u8) -> bool {
        use JsonState as S;
        if self.utf8_due > 0 {
            self.utf8_due -= 1;
            return byte & 0xC0 == 0x80;
        }
        let space = matches!(byte, b' ' | b'\t' | b'\n' | b'\r');
        match self.state {
            S::Start => space || (byte == b'{' && self.open_container(byte)),
            S::KeyOrEnd => space || self.key_start(byte) || (byte == b'}' && self.close(byte)),
            S::Key => space || self.key_start(byte),
            S::Colon => space || (byte == b':' && self.set(S::Value)),
            S::Value => space || self.value_start(byte),
            S::ValueOrEnd => space || (byte == b']' && self.close(byte)) || self.value_start(byte),
            S::AfterValue => {
                space
                    || match byte {
                        b',' if self.open.last() == Some(&b'{') => self.set(S::Key),
                        b',' => self.set(S::Value),
                        b'}' | b']' => self.close(byte),
                        _ => false,
                    }
            }
            S::Str { key } => match byte {
                b'"' => self.set(if key { S::Colon } else { S::AfterValue }),
                b'\\' => self.set(S::Escape { key }),
                0x00..=0x1F => false,
                0x80..=0xFF => self.utf8_lead(byte),
                _ => true,
            },
            S::Escape { key } => match byte {
                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.set(S::Str { key }),
                b'u' => self.set(S::Hex { key, due: 4 }),
                _ => false,
            },
            S::Hex { key, due } => {
                byte.is_ascii_hexdigit()
                    && self.set(if due > 1 {
                        S::Hex { key, due: due - 1 }
                    } else {
                        S::Str { key }
                    })
            }
            S::Number => {
                if byte.is_ascii_digit() || matches!(byte, b'+' | b'-' | b'.' | b'e' | b'E') {
                    true
                } else {
                    self.state = S::AfterValue;
                    self.push(byte)
                }
            }
            S::Literal(rest) => match rest.split_first() {
                Some((&expected, rest)) if expected == byte => self.set(if rest.is_empty() {
                    S::AfterValue
                } else {
                    S::Literal(rest)
                }),
                _ => false,
            },
            S::Done => space,
        }
    }

    fn set(&mut self, state: JsonState) -> bool {
        self.state = state;
        true
    }

    fn key_start(&mut self, byte: u8) -> bool {
        byte == b'"' && self.set(JsonState::Str { key: true })
    }

    fn value_start(&mut self, byte: u8) -> bool {
        use JsonState as S;
        match byte {
            b'{' | b'[' => self.open_container(byte),
            b'"' => self.set(S::Str { key: false }),
            b'-' | b'0'..=b'9' => self.set(S::Number),
            b't' => self.set(S::Literal(b"rue")),
            b'f' => self.set(S::Literal(b"alse")),
            b'n' => self.set(S::Literal(b"ull")),
            _ => false,
        }
    }

    fn open_container(&mut self, byte: u8) -> bool {
        if self.open.len() >= MAX_JSON_DEPTH {
            return false;
        }
        self.open.push(byte);
        self.set(if byte == b'{' {
            JsonState::KeyOrEnd
        } else {
            JsonState::ValueOrEnd
        })
    }

    fn close(&mut self, byte: u8) -> bool {
        let expected = if byte == b'}' { b'{' } else { b'[' };
        if self.open.pop() != Some(expected) {
            return false;
        }
        self.set(if self.open.is_empty() {
            JsonState::Done
        } else {
            JsonState::AfterValue
        })
    }

    fn utf8_lead(&mut self, byte: u8) -> bool {
        self.utf8_due = match byte {
            0xC2..=0xDF => 1,
            0xE0..=0xEF => 2,
            0xF0..=0xF4 => 3,
            _ => return false,
        };
        true
    }
}

#[cfg(test)]
#[expect(
    clippy::string_slice,
    reason = "tests cut ASCII tokens at known places and fail loudly"
)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;
    use crate::i18n::{Language, set_language};
    use crate::token::extract::{Candidate, find_candidates};
    use crate::token::jose::encode_segment;

    /// A compact JWS with a made-up signature of `signature_bytes` bytes:
    /// only its length matters for rejoining.
    fn jws(alg: &str, claims: &str, signature_bytes: usize) -> String {
        let header = format!(r#"{{"alg":"{alg}","typ":"JWT","kid":"k-1"}}"#);
        let signature: Vec<u8> = (0..signature_bytes)
            .map(|i| u8::try_from((i * 151 + 7) % 256).unwrap())
            .collect();
        format!(
            "{}.{}.{}",
            encode_segment(header.as_bytes()),
            encode_segment(claims.as_bytes()),
            encode_segment(&signature)
        )
    }

    /// An RS256 token (RSA 2048) with Cyrillic claims and `~~~`, which
    /// encodes to base64url with `-` in it.
    fn rs256() -> String {
        jws(
            "RS256",
            r#"{"sub":"19942df0","name":"Анна Смирнова","note":"~~~~~~","exp":1795389606}"#,
            256,
        )
    }

    /// The text cut into lines `width` characters wide.
    fn wrap(token: &str, width: usize) -> Vec<String> {
        token
            .as_bytes()
            .chunks(width)
            .map(|line| String::from_utf8(line.to_vec()).unwrap())
            .collect()
    }

    fn only(text: &str) -> Candidate {
        let found = find_candidates(text);
        assert_eq!(found.len(), 1, "{text:?}\n{found:#?}");
        found.into_iter().next().unwrap()
    }

    #[test]
    fn mend_reports_what_it_did() {
        let (value, mends) = mend("  Bearer abc\n\ndef \n\u{200B}ghi\"");
        assert_eq!(value, "abcdefghi");
        assert_eq!(
            mends.describe().as_deref(),
            Some(
                "joined 3 lines, dropped 1 blank line, removed 1 space, removed 1 zero-width character, removed 1 quote, stripped the Bearer prefix"
            )
        );
    }

    #[test]
    fn a_bearer_prefix_in_any_case_and_never_a_cut_letter() {
        assert_eq!(mend("BEARER\u{A0}abc").0, "abc");
        assert!(mend("bEaReR\tabc").1.bearer_prefix_removed);
        // Byte 7 (and 6) of these fall inside a Cyrillic letter.
        for text in [
            "Токен истёк",
            "Беарер токен",
            "Bearer",
            "Bearer ",
            "bearerx",
            "Bearёr x",
        ] {
            let (value, mends) = mend(text);
            assert!(!mends.bearer_prefix_removed, "{text}");
            assert!(!value.contains(' '), "{text}");
        }
        let found = find_candidates(r#"{"token":"Токен истёк"} access_token=Токен&x=1"#);
        assert_eq!(found.len(), 2, "{found:?}");
    }

    #[test]
    fn unicode_spaces_inside_a_token_line_are_removed() {
        let token = rs256();
        let (head, tail) = token.split_at(100);
        for space in [
            '\u{A0}', '\u{2007}', '\u{202F}', '\u{205F}', '\u{3000}', '\u{2009}',
        ] {
            let text = format!("Токен:{space}{head}{space}{tail}{space}— проверьте, пожалуйста 🙏");
            let found = only(&text);
            assert_eq!(found.value, token, "U+{:04X}", u32::from(space));
            assert_eq!(found.mends.unicode_spaces_removed, 1);
            assert_eq!(found.mends.lines_joined, 0);
            assert!(found.mends.describe().unwrap().contains("special space"));
        }
        let (value, mends) = mend(&format!("{head}\u{A0}\u{2002}{tail}"));
        assert_eq!(value, token);
        assert_eq!(mends.unicode_spaces_removed, 2);
        // In a field, however long the gap, the rest is still the value's.
        let (value, mends) = mend(&format!("{head}{}{tail}", " \n".repeat(2_000)));
        assert_eq!(value, token);
        assert_eq!(mends.lines_joined, 2);
    }

    #[test]
    fn zero_width_characters_soft_hyphens_and_direction_marks_are_removed() {
        let token = rs256();
        let (a, rest) = token.split_at(30);
        let (b, c) = rest.split_at(400);
        let text =
            format!("\u{200F}שלום \u{200F}{a}\u{200B}\u{00AD}{b}\u{200F}\u{2066}{c}\u{200F} مرحبا");
        let found = only(&text);
        assert_eq!(found.value, token);
        assert_eq!(found.mends.zero_width_removed, 4);
        let (value, mends) = mend(&format!("\u{FEFF}{a}\u{2060}{b}\u{200E}{c}\u{200D}"));
        assert_eq!(value, token);
        assert_eq!(mends.zero_width_removed, 4);
    }

    #[test]
    fn invalid_utf8_around_and_inside() {
        let token = rs256();
        let lines = wrap(&token, 70);
        let mut bytes = b"\xff\xfe\xd0 Token: \xc3".to_vec();
        bytes.extend_from_slice(lines.join("\n").as_bytes());
        bytes.extend_from_slice(b"\xe2\x82\nRegards \xf0\x9f");
        let text = String::from_utf8_lossy(&bytes);
        let found = only(&text);
        assert_eq!(found.value, token);
        assert_eq!(found.mends.lines_joined, lines.len());
        // A broken character inside a line ends the token there: nothing is
        // joined across it.
        let mut bytes = lines.join("\n").into_bytes();
        bytes.insert(150, 0xff);
        let text = String::from_utf8_lossy(&bytes);
        for candidate in find_candidates(&text) {
            assert_ne!(candidate.value, token);
            assert_eq!(candidate.mends.lines_joined, 0, "{candidate:?}");
        }
    }

    #[test]
    fn wrapped_lines_of_unequal_width_with_tabs_crlf_cr_and_blank_lines() {
        let token = rs256();
        let widths = [70, 64, 76, 58, 76, 33];
        let mut lines = Vec::new();
        let mut rest = token.as_str();
        for width in widths.iter().cycle() {
            if rest.is_empty() {
                break;
            }
            let (line, after) = rest.split_at(*width.min(&rest.len()));
            lines.push(line);
            rest = after;
        }
        for line_end in ["\n", "\r\n", "\r"] {
            let mut text = format!("Вот токен:{line_end}{line_end}");
            for (i, line) in lines.iter().enumerate() {
                text.push_str(if i % 2 == 0 { "\t" } else { "    " });
                text.push_str(line);
                text.push(' ');
                text.push_str(line_end);
                if i == 3 {
                    text.push_str(line_end);
                }
            }
            text.push_str("Спасибо!");
            let found = only(&text);
            assert_eq!(found.value, token, "{line_end:?}");
            assert_eq!(found.mends.lines_joined, lines.len());
            assert_eq!(found.mends.blank_lines_removed, 1);
            // One trailing space per joined line, the indentation of every line after the first.
            let indentation: usize = (1..lines.len())
                .map(|i| if i % 2 == 0 { 1 } else { 4 })
                .sum();
            assert_eq!(found.mends.spaces_removed, lines.len() - 1 + indentation);
        }
    }

    #[test]
    fn a_hyphen_a_word_processor_added_at_a_line_end_is_removed() {
        let token = rs256();
        let lines = wrap(&token, 61);
        assert!(
            lines.iter().all(|l| !l.ends_with('-')),
            "pick another width"
        );
        let text = format!("Token:\n{}\nRegards", lines.join("-\n"));
        let found = only(&text);
        assert_eq!(found.value, token);
        assert_eq!(found.mends.line_end_hyphens_removed, lines.len() - 1);
        assert!(
            found
                .mends
                .describe()
                .unwrap()
                .contains("hyphens added at line ends")
        );
        // Typographic hyphens (U+2010) at line ends, and inside a field.
        let text = format!("Token:\n{}\nRegards", lines.join("\u{2010}\n"));
        assert_eq!(only(&text).value, token);
        let (value, mends) = mend(&lines.join("-\n"));
        assert_eq!(value, token);
        assert_eq!(mends.line_end_hyphens_removed, lines.len() - 1);
    }

    #[test]
    fn a_hyphen_of_the_token_at_a_line_end_is_kept() {
        let token = rs256();
        // Break after every `-` of the token: each is the token's own.
        let mut text = String::from("Token:\n");
        let mut breaks = 0;
        for c in token.chars() {
            text.push(c);
            if c == '-' {
                text.push('\n');
                breaks += 1;
            }
        }
        assert!(
            breaks >= 2,
            "the token has hyphens in the payload and signature"
        );
        text.push_str("\nRegards");
        let found = only(&text);
        assert_eq!(found.value, token);
        assert_eq!(found.mends.line_end_hyphens_removed, 0);
        assert_eq!(found.mends.lines_joined, breaks + 1);
        let (value, mends) = mend(
            text.trim_start_matches("Token:\n")
                .trim_end_matches("\nRegards"),
        );
        assert_eq!(value, token);
        assert_eq!(mends.line_end_hyphens_removed, 0);
        // An opaque value keeps its hyphens: a UUID broken after one.
        let (value, _) = mend("c96bf463-375a-\n4865-b86d-431d08829003");
        assert_eq!(value, "c96bf463-375a-4865-b86d-431d08829003");
    }

    #[test]
    fn quoted_printable_soft_breaks_and_escapes() {
        let token = rs256();
        let lines = wrap(&token, 75);
        let body = lines.join("=\n");
        let text = format!(
            "Content-Transfer-Encoding: quoted-printable\n\nPrivet=2C vot on=3A=20\n{body}\n=0AS uvazheniem"
        );
        let found = only(&text);
        assert_eq!(found.value, token);
        assert_eq!(found.mends.qp_soft_breaks_removed, lines.len() - 1);
        assert_eq!(found.mends.lines_joined, lines.len());
        // `=3D` before the token, where it stood as `jwt=`.
        let text = format!("jwt=3D{}=\r\n{}", lines.join("=\r\n"), "next line");
        let found = only(&text);
        assert_eq!(found.value, token);
        // A form reader leaves `3D` of `=3D` in front of the value.
        let found = only(&format!("access_token=3D{token}&token_type=3DBearer"));
        assert_eq!(found.value, token);
        assert_eq!(found.mends.qp_escapes_decoded, 1);
        let (value, mends) = mend(&format!("{}=\n{}", &token[..100], &token[100..]));
        assert_eq!(value, token);
        assert_eq!(mends.qp_soft_breaks_removed, 1);
        // Padding at the end of an opaque value is not a soft break.
        assert_eq!(mend("YWJjZA==").0, "YWJjZA==");
    }

    #[test]
    fn mail_reply_quote_markers_are_removed() {
        let token = rs256();
        let lines = wrap(&token, 72);
        for marker in ["> ", "> > ", ">>", ">\t"] {
            let quoted: Vec<String> = lines.iter().map(|l| format!("{marker}{l}")).collect();
            let text = format!("> Коллеги, токен:\n{}\n> С уважением", quoted.join("\n"));
            let found = only(&text);
            assert_eq!(found.value, token, "{marker:?}");
            let per_line = marker.matches('>').count();
            assert_eq!(
                found.mends.quote_markers_removed,
                per_line * (lines.len() - 1)
            );
        }
        let (value, mends) = mend(&format!("{}\n> {}", &token[..80], &token[80..]));
        assert_eq!(value, token);
        assert_eq!(mends.quote_markers_removed, 1);
    }

    #[test]
    fn html_entities() {
        let token = rs256();
        let dotted = token.replacen('.', "&#46;", 1).replacen('.', "&#x2E;", 1);
        let found = only(&format!("<td>&quot;{dotted}&quot;</td>"));
        assert_eq!(found.value, token);
        assert_eq!(found.mends.html_entities_decoded, 2);
        let lines = wrap(&token, 80);
        let found = only(&format!("<pre>{}</pre>", lines.join("&nbsp;\n")));
        assert_eq!(found.value, token);
        assert_eq!(found.mends.html_entities_decoded, lines.len() - 1);
        let dot = token.find('.').unwrap();
        let (value, mends) = mend(&format!(
            "&laquo;{}&period;{}&raquo;",
            &token[..dot],
            &token[dot + 1..]
        ));
        assert_eq!(value, token);
        assert_eq!(mends.html_entities_decoded, 3);
    }

    #[test]
    fn json_escapes() {
        let token = rs256();
        let escaped = token
            .replacen('.', "\\u002e", 1)
            .replacen('.', "\\u002E", 1);
        // Not parseable as JSON (no closing brace): read as text.
        let found = only(&format!(r#"log: {{"id_token": "{escaped}", "#));
        assert_eq!(found.value, token);
        assert_eq!(found.mends.json_escapes_decoded, 2);
        let lines = wrap(&token, 64);
        let found = only(&format!(r#"msg="token:\n{}\nend""#, lines.join("\\n")));
        assert_eq!(found.value, token);
        let (value, mends) = mend(r"abc\/def\u002eghi\ud83d\ude00");
        assert_eq!(value, "abc/def.ghi😀");
        assert_eq!(mends.json_escapes_decoded, 3);
        // Inside a JSON string, as an encoder that escapes dots wrote it.
        let found = only(&format!(
            r#"{{"id_token": "{escaped}", "expires_in": 300}}"#
        ));
        assert_eq!(found.value, token);
        assert_eq!(found.mends.json_escapes_decoded, 2);
    }

    #[test]
    fn percent_encoding_in_urls() {
        let token = rs256();
        let encoded = token.replace('.', "%2E");
        let url = format!(
            "https://app.example.test/login?next=%2Fcb%3Fid_token%3D{encoded}%26state%3Dxyz"
        );
        let found = only(&url);
        assert_eq!(found.value, token);
        assert_eq!(found.mends.percent_escapes_decoded, 2);
        let (value, mends) = mend(&token.replace('.', "%2e"));
        assert_eq!(value, token);
        assert_eq!(mends.percent_escapes_decoded, 2);
    }

    #[test]
    fn quotes_around_and_inside() {
        let token = rs256();
        for (open, close) in [("«", "»"), ("“", "”"), ("„", "“"), ("‘", "’"), ("\"", "\"")]
        {
            let found = only(&format!("Токен {open}{token}{close}, проверьте"));
            assert_eq!(found.value, token, "{open}{close}");
            let (value, mends) = mend(&format!(
                "{open}{}{close}{open}{}{close}",
                &token[..50],
                &token[50..]
            ));
            assert_eq!(value, token);
            assert_eq!(mends.quotes_removed, 4);
        }
        // A token concatenated in code, one quoted string per line.
        let lines = wrap(&token, 70);
        let text = format!("token = \"{}\";", lines.join("\"\n        \""));
        assert_eq!(only(&text).value, token);
    }

    #[test]
    fn every_algorithm_is_rejoined_by_its_signature_length() {
        let claims = r#"{"sub":"a","name":"Пётр 🙂"}"#;
        for (alg, bytes) in [
            ("RS256", 128),
            ("RS256", 256),
            ("PS256", 384),
            ("RS512", 512),
            ("ES256", 64),
            ("ES384", 96),
            ("ES512", 132),
            ("EdDSA", 64),
            ("HS256", 32),
            ("HS384", 48),
            ("HS512", 64),
            ("gost34.10-2012", 64),
            ("GOST3410_2012_512", 128),
        ] {
            let token = jws(alg, claims, bytes);
            for width in [20, 37, 64, 76] {
                let text = format!("Токен:\n{}\nThanks\nBye", wrap(&token, width).join("\n"));
                assert_eq!(only(&text).value, token, "{alg} {bytes} at {width}");
            }
        }
    }

    #[test]
    fn a_line_ending_where_a_shorter_rsa_signature_would_does_not_cut_the_token() {
        // RSA 3072: 512 characters; a line of a 60-column wrap ends exactly
        // after 342 of them, where an RSA 2048 signature would end.
        let token = (0..200)
            .map(|pad| {
                jws(
                    "RS256",
                    &format!(r#"{{"sub":"a","p":"{}"}}"#, "x".repeat(pad)),
                    384,
                )
            })
            .find(|token| (token.rfind('.').unwrap() + 1 + 342) % 60 == 0)
            .unwrap();
        let text = format!("{}\nThanks", wrap(&token, 60).join("\n"));
        assert_eq!(only(&text).value, token);
    }

    #[test]
    fn a_jwe_is_rejoined_by_its_tag_length() {
        let header = encode_segment(br#"{"alg":"RSA-OAEP","enc":"A256GCM","kid":"e1"}"#);
        let key = encode_segment(&[7u8; 256]);
        let iv = encode_segment(&[1u8; 12]);
        let ciphertext = encode_segment(&[9u8; 300]);
        let tag = encode_segment(&[3u8; 16]);
        let token = format!("{header}.{key}.{iv}.{ciphertext}.{tag}");
        let text = format!("JWE:\n{}\nend", wrap(&token, 66).join("\n"));
        let found = only(&text);
        assert_eq!(found.value, token);
    }

    #[test]
    fn an_unknown_algorithm_joins_only_hard_wrapped_lines() {
        let token = jws(
            "XYZ999",
            r#"{"sub":"a","pad":"................................................"}"#,
            40,
        );
        let lines = wrap(&token, 50);
        let text = format!("{}\nThanks", lines.join("\n"));
        assert_eq!(only(&text).value, token);
        // On one line, the next line is not taken for the rest of the signature.
        let text = format!("{token}\nThanks");
        assert_eq!(only(&text).value, token);
    }

    #[test]
    fn a_token_on_its_own_line_is_not_joined_with_the_next() {
        let first = jws("HS256", r#"{"sub":"first"}"#, 32);
        let second = jws("HS256", r#"{"sub":"second"}"#, 32);
        let text = format!("{first}\n{second}\nabcdefghijklmnop\n");
        let found = find_candidates(&text);
        let values: Vec<&str> = found.iter().map(|c| c.value.as_str()).collect();
        assert_eq!(values, [first.as_str(), second.as_str()]);
        let none = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0.";
        assert_eq!(only(&format!("{none}\nthanks\n")).value, none);
    }

    #[test]
    fn text_that_looks_like_a_token_is_not_made_into_one() {
        let token = rs256();
        let lines = wrap(&token, 64);
        // The last line is missing: the rest is never joined with the prose after it.
        let cut = &lines[..lines.len() - 1];
        let text = format!("{}\nRegards\nIvan", cut.join("\n"));
        let found = find_candidates(&text);
        for candidate in &found {
            assert!(
                lines[0].starts_with(&candidate.value) || candidate.value == lines[0],
                "{candidate:?}"
            );
            assert_eq!(candidate.mends.lines_joined, 0, "{candidate:?}");
        }
        // A header alone, then prose; base64-looking lines that are not a token.
        for text in [
            "eyJhbGciOiJIUzI1NiJ9\nThanks for the help\nIvan".to_owned(),
            "eyJhbGciOiJIUzI1NiJ9.\neyJzdWIiOiJhIn0\nabcdef".to_owned(),
            (0..50).fold(String::new(), |mut text, i| {
                text.push_str("eyJ");
                text.push_str(&"QUJD".repeat(i % 7 + 3));
                text.push('\n');
                text
            }),
            "eyJub3QganNvbiBhdCBhbGw.eyJzdWIiOiJhIn0.c2ln\nc2ln\n".to_owned(),
        ] {
            for candidate in find_candidates(&text) {
                assert_eq!(candidate.mends.lines_joined, 0, "{text:?}: {candidate:?}");
            }
        }
    }

    #[test]
    fn hyphens_that_cannot_be_told_apart_are_not_guessed() {
        // The signature spans lines ending in `-`; one is the token's, one
        // was added: either could be dropped, so no join is offered.
        let token = rs256();
        let signature_start = token.rfind('.').unwrap() + 1;
        let signature = &token[signature_start..];
        let own = signature.find('-').expect("the signature has a hyphen");
        assert!(own > 2 && own < signature.len() - 20, "{signature}");
        let (left, right) = token.split_at(signature_start + own + 1);
        let (middle, end) = right.split_at(10);
        let text = format!("{left}\n{middle}-\n{end}");
        for candidate in find_candidates(&text) {
            assert_ne!(candidate.value, token, "guessed");
            assert_eq!(candidate.mends.lines_joined, 0);
        }
    }

    #[test]
    fn escapes_before_a_token_start_it() {
        for before in ["=3D", "%3D", "%22", "\\n", "\\u0022", "x=3D"] {
            let text = format!("{before}eyJ");
            assert!(follows_escape(&text, text.len() - 3), "{before}");
        }
        for before in ["abc", "=2D", "%41", "\\u0041", "Ж"] {
            let text = format!("{before}eyJ");
            assert!(!follows_escape(&text, text.len() - 3), "{before}");
        }
        assert!(!follows_escape("eyJ", 0));
    }

    #[test]
    fn json_prefix_accepts_json_objects_and_refuses_the_rest_early() {
        let feed = |text: &[u8]| {
            let mut json = JsonPrefix::new();
            let ok = text.iter().all(|&b| json.push(b));
            (ok, json.is_complete())
        };
        for doc in [
            r#"{"a":1,"b":[true,false,null,-1.5e3,"x\"\\\/\u00e9"],"c":{"d":{}},"e":[]}"#,
            "{ \"имя\" : \"Анна 🙂\" ,\n \"n\":[ [ ] ] }",
        ] {
            assert_eq!(feed(doc.as_bytes()), (true, true), "{doc}");
            assert!(serde_json::from_str::<Value>(doc).is_ok());
        }
        for bad in [
            &b"[1]"[..],
            b"{\"a\" 1}",
            b"{\"a\":tru}",
            b"{\"a\":1}}",
            b"{\"\x01\":1}",
            b"{\"\xff\":1}",
            b"{,}",
        ] {
            assert!(
                !feed(bad).0 || !feed(bad).1,
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        assert_eq!(feed(b"{\"a\":\"b"), (true, false));
        let deep = "{\"a\":".repeat(MAX_JSON_DEPTH + 1);
        assert!(!feed(deep.as_bytes()).0);
    }

    #[test]
    fn the_summary_speaks_both_languages() {
        let mends = Mends {
            lines_joined: 3,
            unicode_spaces_removed: 2,
            line_end_hyphens_removed: 1,
            qp_soft_breaks_removed: 5,
            qp_escapes_decoded: 1,
            quote_markers_removed: 2,
            html_entities_decoded: 3,
            json_escapes_decoded: 2,
            percent_escapes_decoded: 2,
            ..Mends::default()
        };
        let english = mends.describe().unwrap();
        assert_eq!(
            english,
            "joined 3 lines, removed 2 special spaces (non-breaking, thin, …), removed 1 hyphen added at a line end, \
             removed 5 quoted-printable soft line breaks (= at a line end), decoded 1 quoted-printable escape (=3D, …), \
             removed 2 reply quote markers (>), decoded 3 HTML entities (&quot;, &#46;, …), \
             decoded 2 JSON escapes (\\u002e, \\/, …), decoded 2 percent-encoded characters (%2E, …)"
        );
        set_language(Language::Ru);
        let russian = mends.describe().unwrap();
        set_language(Language::En);
        assert_eq!(
            russian,
            "склеены 3 строки, убраны 2 особых пробела (неразрывные, узкие, …), убран 1 дефис, добавленный в конце строки, \
             убрано 5 мягких переносов quoted-printable (= в конце строки), раскодирован 1 код quoted-printable (=3D, …), \
             убраны 2 знака цитирования (>), раскодированы 3 HTML-сущности (&quot;, &#46;, …), \
             раскодированы 2 escape-последовательности JSON (\\u002e, \\/, …), раскодированы 2 символа в %-кодировке (%2E, …)"
        );
    }

    #[test]
    fn hostile_text_costs_linear_time() {
        // 100,000 lines take milliseconds in a release build (see the README);
        // a debug build is far slower, so the test uses fewer.
        const LINES: usize = 5_000;
        let token = rs256();
        let line = &token[..76];
        let shapes = [
            // Lines that each start like a JWT (the start of one).
            format!("{line}\n").repeat(LINES),
            // …each a complete header and payload, no signature.
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0\n".repeat(LINES),
            // …one header wrapped forever: the JSON never closes.
            format!("eyJhIjoi{}\n", "YWFh".repeat(18)).repeat(LINES),
            // …hyphens at every line end.
            format!("{}-\n", &line[..60]).repeat(LINES),
            // Escapes and special spaces between token characters.
            "eyJ&#46;\u{A0}eyJ%2E=\n".repeat(LINES),
            // One long line, one token-like word or many.
            "eyJhbGciOiJIUzI1NiJ9".repeat(LINES * 4),
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0 ".repeat(LINES * 4),
        ];
        for text in &shapes {
            let started = Instant::now();
            let found = find_candidates(text);
            let elapsed = started.elapsed();
            // Generous for a debug build on a busy machine; quadratic
            // behaviour would take minutes.
            assert!(
                elapsed < Duration::from_secs(30),
                "{} bytes took {elapsed:?}",
                text.len()
            );
            assert!(
                found.iter().all(|c| c.mends.lines_joined <= 1),
                "{:?}",
                found.first()
            );
        }
    }
}
