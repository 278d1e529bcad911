//! Finding tokens in whatever text was pasted.
//!
//! Four passes over the text, most specific first; each marks the bytes it
//! consumed so a later, looser pass does not report the same occurrence
//! again:
//! 1. JSON objects (token responses), read leniently so hard-wrapped tokens
//!    inside strings still count;
//! 2. form-encoded parameters: token responses (`access_token=…&…`), redirect
//!    URLs with `code`/`state` in the query or tokens in the fragment;
//! 3. `Authorization: Bearer …` headers (and `curl -H` lines);
//! 4. bare compact JWTs anywhere, re-joined across line breaks by their own
//!    structure ([`super::mend`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;
use std::sync::Arc;

use serde::Serialize;

use super::lenient_json::{self, Value};
use super::mend::{self, JoinBudget, QUOTES, ZERO_WIDTH, mend};
pub use super::mend::{Mends, merge_mends};
use super::sd_jwt;

/// Response fields whose value is a token.
const TOKEN_FIELDS: &[&str] = &[
    "access_token",
    "id_token",
    "refresh_token",
    "issued_token",
    "logout_token",
    "subject_token",
    "actor_token",
    "token",
];

/// How many bytes the JSON reader may read per byte of text in one pass
/// over it; real pastes need about one.
const JSON_READS_PER_BYTE: usize = 8;

/// The JSON reading budget of a short text, however short.
const JSON_READS_FLOOR: usize = 1 << 20;

/// How many fields of a token response are kept with its tokens: real ones
/// have about ten, and every token of the response shares them.
const MAX_RESPONSE_FIELDS: usize = 100;

/// Where in the paste a token was found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Origin {
    /// A field of a JSON object (a token response).
    JsonField {
        /// The field name, e.g. `id_token`.
        name: String,
    },
    /// A form-encoded parameter (a response body or a request body).
    FormField {
        /// The parameter name.
        name: String,
    },
    /// A query parameter of a URL (`?code=…`).
    UrlQuery {
        /// The parameter name.
        name: String,
    },
    /// A fragment parameter of a URL (`#access_token=…`, implicit or hybrid flow).
    UrlFragment {
        /// The parameter name.
        name: String,
    },
    /// An `Authorization: Bearer` header or a `Bearer …` value.
    Bearer,
    /// A compact JWT standing on its own in the text.
    Bare,
}

impl Origin {
    /// The field or parameter name, when the token had one.
    pub fn field_name(&self) -> Option<&str> {
        match self {
            Self::JsonField { name }
            | Self::FormField { name }
            | Self::UrlQuery { name }
            | Self::UrlFragment { name } => Some(name),
            Self::Bearer | Self::Bare => None,
        }
    }

    /// Plain words for the UI: "JSON field `id_token`".
    pub fn describe(&self) -> String {
        match self {
            Self::JsonField { name } => crate::tr!("origin-json-field", name = name.as_str()),
            Self::FormField { name } => crate::tr!("origin-form-field", name = name.as_str()),
            Self::UrlQuery { name } => crate::tr!("origin-url-query", name = name.as_str()),
            Self::UrlFragment { name } => {
                crate::tr!("origin-url-fragment", name = name.as_str())
            }
            Self::Bearer => crate::tr!("origin-bearer"),
            Self::Bare => crate::tr!("origin-bare"),
        }
    }
}

/// The non-token fields of the response a token came in (`expires_in`,
/// `scope`, `token_type`, `state`, …), shared by all tokens of that response.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ResponseContext {
    /// Field name and value as text, in source order.
    pub fields: Vec<(String, String)>,
}

impl ResponseContext {
    /// A field as text.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// One occurrence of a token in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// The token, mended.
    pub value: String,
    /// Where it was found.
    pub origin: Origin,
    /// What was mended.
    pub mends: Mends,
    /// The response it came in, if any.
    pub response: Option<Arc<ResponseContext>>,
    /// Byte range in the (normalised) text, for ordering.
    pub span: Range<usize>,
}

/// At most this many token occurrences are kept from one paste (some 200
/// bytes each): 10 MB of `access_token=x&` holds 700,000.
pub const MAX_CANDIDATES: usize = 100_000;

/// The token occurrences of a paste.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Candidates {
    /// In order of appearance, at most [`MAX_CANDIDATES`].
    pub found: Vec<Candidate>,
    /// Occurrences beyond [`MAX_CANDIDATES`], not kept.
    pub left_out: usize,
}

// A paste's occurrences read as a slice: callers index, count and iterate
// them; `left_out` is the only extra.
impl std::ops::Deref for Candidates {
    type Target = [Candidate];

    fn deref(&self) -> &[Candidate] {
        &self.found
    }
}

impl IntoIterator for Candidates {
    type Item = Candidate;
    type IntoIter = std::vec::IntoIter<Candidate>;

    fn into_iter(self) -> Self::IntoIter {
        self.found.into_iter()
    }
}

impl<'a> IntoIterator for &'a Candidates {
    type Item = &'a Candidate;
    type IntoIter = std::slice::Iter<'a, Candidate>;

    fn into_iter(self) -> Self::IntoIter {
        self.found.iter()
    }
}

/// Bytes as text, the way a paste or a file is read: UTF-8 as it is, and
/// each invalid sequence replaced by U+FFFD; with how many were replaced
/// (a U+FFFD already in valid text is not counted).
pub fn lossy_text(bytes: Vec<u8>) -> (String, usize) {
    match String::from_utf8(bytes) {
        Ok(text) => (text, 0),
        Err(error) => {
            let bytes = error.into_bytes();
            let replaced = bytes
                .utf8_chunks()
                .filter(|chunk| !chunk.invalid().is_empty())
                .count();
            (String::from_utf8_lossy(&bytes).into_owned(), replaced)
        }
    }
}

/// Finds every token occurrence in `text`, in order of appearance.
pub fn find_candidates(text: &str) -> Candidates {
    let normalised = Normalised::new(text);
    let mut scan = Scan::new(&normalised.text);
    scan.json_objects(0);
    scan.form_parameters();
    scan.bearer_values();
    scan.bare_jwts();
    let mut found = scan.found;
    for candidate in &mut found {
        candidate.mends.zero_width_removed += normalised.removed_within(&candidate.span);
    }
    found.sort_by_key(|c| c.span.start);
    Candidates {
        found,
        left_out: scan.left_out,
    }
}

/// The text with CRLF made LF and zero-width characters taken out; the
/// positions of what was taken out are kept so each token can report its own.
struct Normalised {
    text: String,
    removed_at: Vec<usize>,
}

impl Normalised {
    fn new(raw: &str) -> Self {
        let mut text = String::with_capacity(raw.len());
        let mut removed_at = Vec::new();
        // Runs of characters that stay are copied whole: most of a paste is.
        let mut kept_from = 0;
        let mut chars = raw.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            let zero_width = !c.is_ascii() && ZERO_WIDTH.contains(&c);
            if !zero_width && c != '\r' {
                continue;
            }
            text.push_str(raw.get(kept_from..at).unwrap_or_default());
            kept_from = at + c.len_utf8();
            if zero_width {
                removed_at.push(text.len());
            } else if chars.peek().map(|&(_, next)| next) != Some('\n') {
                text.push('\n');
            }
        }
        text.push_str(raw.get(kept_from..).unwrap_or_default());
        Self { text, removed_at }
    }

    fn removed_within(&self, span: &Range<usize>) -> usize {
        let from = self.removed_at.partition_point(|&p| p <= span.start);
        let to = self.removed_at.partition_point(|&p| p < span.end);
        to.saturating_sub(from)
    }
}

struct Scan<'a> {
    text: &'a str,
    /// Byte ranges already accounted for, start → end: disjoint, and ranges
    /// that touch are merged. A map, not a sorted list: a later pass covers
    /// ranges between those of an earlier one, and inserting into the middle
    /// of a list would cost a shift per range.
    covered: BTreeMap<usize, usize>,
    found: Vec<Candidate>,
    /// Occurrences found beyond [`MAX_CANDIDATES`].
    left_out: usize,
}

impl<'a> Scan<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            covered: BTreeMap::new(),
            found: Vec::new(),
            left_out: 0,
        }
    }

    /// Keeps a token occurrence, or counts it past [`MAX_CANDIDATES`].
    fn keep(&mut self, candidate: Candidate) {
        if self.found.len() < MAX_CANDIDATES {
            self.found.push(candidate);
        } else {
            self.left_out += 1;
        }
    }

    /// Marks `range` as accounted for, merging it with the ranges it touches.
    fn cover(&mut self, range: Range<usize>) {
        let (mut start, mut end) = (range.start, range.end);
        if let Some((&before_start, &before_end)) = self.covered.range(..=start).next_back()
            && before_end >= start
        {
            start = before_start;
            end = end.max(before_end);
        }
        while let Some((&next_start, &next_end)) = self.covered.range(start..=end).next() {
            self.covered.remove(&next_start);
            end = end.max(next_end);
        }
        self.covered.insert(start, end);
    }

    fn is_covered(&self, at: usize) -> bool {
        self.covered
            .range(..=at)
            .next_back()
            .is_some_and(|(_, &end)| at < end)
    }

    /// Reads the JSON objects of the text in order, skipping starts for which
    /// `wanted` says no, and covers each object for which `visit` returns
    /// true. Every byte is read a bounded number of times: an object that
    /// parses is walked whole by `visit`, so the objects inside it are not
    /// read again; the objects a broken one left open would break at the same
    /// byte and are skipped; and a pass stops once it has read
    /// [`JSON_READS_PER_BYTE`] times the text, which only text built to
    /// defeat the first two rules reaches.
    fn each_json_object(
        &mut self,
        wanted: impl Fn(usize) -> bool,
        mut visit: impl FnMut(&mut Self, &Value, Range<usize>) -> bool,
    ) {
        let text = self.text;
        let mut budget = text
            .len()
            .saturating_mul(JSON_READS_PER_BYTE)
            .saturating_add(JSON_READS_FLOOR);
        let mut left_open = BTreeSet::new();
        let mut from = 0;
        while budget > 0
            && let Some(offset) = text.get(from..).and_then(|rest| rest.find('{'))
        {
            let start = from + offset;
            from = start + 1;
            while left_open.first().is_some_and(|&open| open < start) {
                left_open.pop_first();
            }
            if left_open.first() == Some(&start) || !wanted(start) || self.is_covered(start) {
                continue;
            }
            match lenient_json::parse_object_at(text, start, start.saturating_add(budget)) {
                Ok((object, end)) => {
                    budget = budget.saturating_sub(end.saturating_sub(start));
                    if visit(self, &object, start..end) {
                        self.cover(start..end);
                    }
                    from = end;
                }
                Err(broken) => {
                    budget = budget.saturating_sub(broken.reached.saturating_sub(start));
                    left_open.extend(broken.open_objects);
                }
            }
        }
    }

    // ---- pass 1: JSON ------------------------------------------------------

    fn json_objects(&mut self, depth: usize) {
        self.each_json_object(
            |_| true,
            |scan, object, _| scan.json_value(object, None, depth),
        );
    }

    /// Walks a JSON value; returns whether it held any token.
    fn json_value(&mut self, value: &Value, field: Option<&str>, depth: usize) -> bool {
        match value {
            Value::Object(members) => {
                let has_token = members.iter().any(|(k, v)| {
                    TOKEN_FIELDS.contains(&k.as_str()) && matches!(v, Value::Str { .. })
                });
                let context = has_token.then(|| {
                    Arc::new(ResponseContext {
                        fields: members
                            .iter()
                            .filter(|(k, _)| !TOKEN_FIELDS.contains(&k.as_str()))
                            .filter_map(|(k, v)| Some((k.clone(), v.as_text()?)))
                            .take(MAX_RESPONSE_FIELDS)
                            .collect(),
                    })
                });
                let mut any = false;
                for (key, member) in members {
                    if let (Some(context), Value::Str { text, span }) = (&context, member)
                        && TOKEN_FIELDS.contains(&key.as_str())
                    {
                        self.json_token(key, text, span, context);
                        any = true;
                        continue;
                    }
                    any |= self.json_value(member, Some(key), depth);
                }
                any
            }
            Value::Array(items) => {
                let mut any = false;
                for item in items {
                    any |= self.json_value(item, field, depth);
                }
                any
            }
            Value::Str { text, span } => self.json_string(text, span, field, depth),
            _ => false,
        }
    }

    fn json_token(
        &mut self,
        key: &str,
        raw: &str,
        span: &Range<usize>,
        context: &Arc<ResponseContext>,
    ) {
        // Mended from the string as written, so escapes inside it
        // (`\u002e`, `\/`) are decoded by the mend and reported.
        let (value, mends) = mend(self.text.get(span.clone()).unwrap_or(raw));
        self.cover(span.clone());
        if value.is_empty() {
            return;
        }
        self.keep(Candidate {
            value,
            origin: Origin::JsonField {
                name: key.to_owned(),
            },
            mends,
            response: Some(Arc::clone(context)),
            span: span.clone(),
        });
    }

    /// A string that may itself hold tokens: a JSON body logged as a string,
    /// a JWT under a field we do not know (`assertion`, `jwt`, …).
    fn json_string(
        &mut self,
        text: &str,
        span: &Range<usize>,
        field: Option<&str>,
        depth: usize,
    ) -> bool {
        if depth >= 2 || text.len() < 20 || !(text.contains("eyJ") || text.contains("_token")) {
            return false;
        }
        let mut inner = Scan::new(text);
        inner.json_objects(depth + 1);
        inner.form_parameters();
        inner.bearer_values();
        inner.bare_jwts();
        self.left_out += inner.left_out;
        if inner.found.is_empty() {
            return false;
        }
        for mut candidate in inner.found {
            if let (Origin::Bare, Some(name)) = (&candidate.origin, field) {
                candidate.origin = Origin::JsonField {
                    name: name.to_owned(),
                };
            }
            candidate.span = span.clone();
            self.keep(candidate);
        }
        self.cover(span.clone());
        true
    }

    // ---- pass 2: form-encoded parameters and URLs -------------------------

    fn form_parameters(&mut self) {
        for word in words(self.text) {
            let Some(text) = self.text.get(word.clone()) else {
                continue;
            };
            if !text.contains('=') || self.is_covered(word.start) {
                continue;
            }
            let mut any = false;
            if text.contains(['?', '#']) {
                let (before_fragment, fragment) = text.split_once('#').unwrap_or((text, ""));
                let query = before_fragment
                    .split_once('?')
                    .map_or("", |(_, query)| query.trim_start_matches('?'));
                any |= self.parameters(query, &word, true, |name| Origin::UrlQuery { name });
                any |= self.parameters(fragment, &word, true, |name| Origin::UrlFragment { name });
            } else {
                any |= self.parameters(text, &word, false, |name| Origin::FormField { name });
            }
            if any {
                self.cover(word);
            }
        }
    }

    fn parameters(
        &mut self,
        query: &str,
        word: &Range<usize>,
        in_url: bool,
        origin: impl Fn(String) -> Origin,
    ) -> bool {
        // An authorization code only counts in a redirect URL, not in any `code=` text.
        let is_token = |k: &str| TOKEN_FIELDS.contains(&k) || (in_url && k == "code");
        let pairs = || form_urlencoded::parse(query.as_bytes());
        if !pairs().any(|(k, _)| is_token(&k)) {
            return false;
        }
        let context = Arc::new(ResponseContext {
            fields: pairs()
                .filter(|(k, _)| !is_token(k))
                .take(MAX_RESPONSE_FIELDS)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        });
        for (key, raw) in pairs().filter(|(k, _)| is_token(k)) {
            let (value, mends) = mend(&raw);
            if value.is_empty() {
                continue;
            }
            self.keep(Candidate {
                value,
                origin: origin(key.into_owned()),
                mends,
                response: Some(Arc::clone(&context)),
                span: word.clone(),
            });
        }
        true
    }

    // ---- pass 3: Bearer ----------------------------------------------------

    fn bearer_values(&mut self) {
        // ASCII lower-casing keeps every byte where it was, so positions
        // found in `lower` are char boundaries of `self.text`.
        let lower = self.text.to_ascii_lowercase();
        let mut from = 0;
        while let Some(offset) = lower.get(from..).and_then(|rest| rest.find("bearer")) {
            let at = from + offset;
            from = at + "bearer".len();
            let Some(rest) = self.text.get(from..) else {
                break;
            };
            let gap = rest.len() - rest.trim_start_matches([' ', '\t']).len();
            if gap == 0 || self.is_covered(at) {
                continue;
            }
            let start = from + gap;
            let Some(after) = self.text.get(start..) else {
                break;
            };
            let len = after
                .find(|c: char| !is_b64token_char(c))
                .unwrap_or(after.len());
            let Some(value) = after.get(..len) else {
                continue;
            };
            let looks_random = value
                .chars()
                .any(|c| c.is_ascii_digit() || "-_.~+/".contains(c));
            if value.len() < 16 || !looks_random {
                continue;
            }
            self.keep(Candidate {
                value: value.to_owned(),
                origin: Origin::Bearer,
                mends: Mends {
                    bearer_prefix_removed: true,
                    ..Mends::default()
                },
                response: None,
                span: start..start + len,
            });
            self.cover(at..start + len);
            from = start + len;
        }
    }

    // ---- pass 4: bare JWTs -------------------------------------------------

    fn bare_jwts(&mut self) {
        let bytes = self.text.as_bytes();
        let mut budget = JoinBudget::for_text(self.text.len());
        let mut from = 0;
        while let Some(offset) = self.text.get(from..).and_then(|rest| rest.find("eyJ")) {
            let start = from + offset;
            from = start + 3;
            let inside_word = start
                .checked_sub(1)
                .and_then(|before| bytes.get(before))
                .is_some_and(|&b| is_jwt_byte(b))
                && !mend::follows_escape(self.text, start);
            if inside_word || self.is_covered(start) {
                continue;
            }
            match mend::bare_jwt_at(self.text, start, &mut budget) {
                Ok(mut found) => {
                    // An SD-JWT goes on after its issuer-signed JWT: `~`,
                    // Disclosures, a KB-JWT (RFC 9901 §4). One token, not a
                    // JWS and the rest.
                    if let Some((tail, breaks)) =
                        sd_jwt::wrapped_tail_at(self.text, start, found.end, &mut budget)
                    {
                        found.value.push_str(&tail.text);
                        found.end += tail.consumed;
                        found.mends.percent_escapes_decoded += tail.escapes;
                        found.mends.lines_joined = found.mends.lines_joined.max(1) + breaks;
                    } else if let Some(tail) = self.text.get(found.end..).and_then(sd_jwt::tail_at)
                    {
                        found.value.push_str(&tail.text);
                        found.end += tail.consumed;
                        found.mends.percent_escapes_decoded += tail.escapes;
                    }
                    let span = start..found.end;
                    from = found.end;
                    self.cover(span.clone());
                    self.keep(Candidate {
                        value: found.value,
                        origin: Origin::Bare,
                        mends: found.mends,
                        response: None,
                        span,
                    });
                }
                // Nothing token-like here: the next start is past this piece.
                Err(resume_at) => from = from.max(resume_at),
            }
        }
    }
}

/// Where in a paste an error answer was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorOrigin {
    /// A JSON object with `error` (RFC 6749 §5.2) or the provider's own error fields.
    JsonBody,
    /// Form-encoded fields (`error=…&error_description=…`, GitHub's default).
    FormBody,
    /// A redirect URL with `error` in its query or fragment (RFC 6749 §4.1.2.1).
    RedirectUrl,
    /// A `WWW-Authenticate` header (RFC 6750 §3).
    WwwAuthenticate,
    /// A log line with `error=…` pairs (Keycloak's event log).
    LogLine,
    /// A Microsoft Entra `AADSTS` message.
    Aadsts,
}

/// An error answer found in pasted text: its fields as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorFields {
    /// Where it was found (its first occurrence).
    pub origin: ErrorOrigin,
    /// The fields: `error`, `error_description`, `error_uri`, `errorCode`, `errorMsg`, …
    pub fields: Vec<(String, String)>,
    /// The HTTP status of the nearest status line before it (`HTTP/1.1 400 …`), if any.
    pub status: Option<u16>,
    /// The `WWW-Authenticate` challenge, for that origin.
    pub challenge: Option<String>,
    /// Byte range in the text (of its first occurrence).
    pub span: Range<usize>,
    /// How many times the same fields appear in the paste.
    pub occurrences: usize,
}

impl ErrorFields {
    /// A field's value.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The error answers of a paste, each kept once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErrorAnswers {
    /// Distinct answers (by their fields) in order of first appearance.
    pub answers: Vec<ErrorFields>,
    /// Occurrences of answers beyond [`MAX_ERROR_ANSWERS`] distinct ones, not kept.
    pub dropped: usize,
}

/// At most this many distinct error answers are kept from one paste: a log
/// of a million failed logins is diagnosed from its first thousand kinds,
/// in bounded memory.
pub const MAX_ERROR_ANSWERS: usize = 1_000;

/// Collects error answers as the passes find them: the same fields found
/// again are counted on the first, so a log repeating one error a million
/// times costs one entry.
struct ErrorCollector {
    answers: Vec<ErrorFields>,
    by_fields: HashMap<Vec<(String, String)>, usize>,
    statuses: Vec<(usize, u16)>,
    dropped: usize,
    /// Answers pushed, repeats included.
    pushed: usize,
}

impl ErrorCollector {
    fn push(&mut self, mut answer: ErrorFields) {
        self.pushed += 1;
        if answer.status.is_none() {
            // The nearest status line before the answer.
            let before = self
                .statuses
                .partition_point(|(at, _)| *at <= answer.span.start);
            answer.status = before
                .checked_sub(1)
                .and_then(|i| self.statuses.get(i))
                .map(|(_, status)| *status);
        }
        if let Some(kept) = self
            .by_fields
            .get(&answer.fields)
            .and_then(|&i| self.answers.get_mut(i))
        {
            kept.occurrences += answer.occurrences;
            // The passes do not run in text order: the first occurrence in
            // the text speaks for all.
            if answer.span.start < kept.span.start {
                kept.origin = answer.origin;
                kept.challenge = answer.challenge;
                kept.span = answer.span;
                kept.status = answer.status.or(kept.status);
            } else {
                kept.status = kept.status.or(answer.status);
            }
            return;
        }
        if self.answers.len() >= MAX_ERROR_ANSWERS {
            self.dropped += answer.occurrences;
            return;
        }
        self.by_fields
            .insert(answer.fields.clone(), self.answers.len());
        self.answers.push(answer);
    }
}

/// How far after a `{` an error member is looked for before the object is parsed.
const ERROR_MEMBER_WINDOW: usize = 2_048;

/// Where error members' names (`"error…`, `"cause"`) stand in `text`, in order.
fn error_member_positions(text: &str) -> Vec<usize> {
    let mut positions: Vec<usize> = text
        .match_indices("\"error")
        .chain(text.match_indices("\"cause\""))
        .map(|(at, _)| at)
        .collect();
    positions.sort_unstable();
    positions
}

/// Whether an error member's name appears soon after `start`: parsing every
/// object of a long log only to find it holds no error would double the
/// inspector's time.
fn error_member_near(positions: &[usize], start: usize) -> bool {
    let i = positions.partition_point(|&p| p < start);
    positions
        .get(i)
        .is_some_and(|&p| p - start < ERROR_MEMBER_WINDOW)
}

/// Members that make a JSON object an error answer.
fn is_error_object(members: &[(String, Value)]) -> bool {
    let has = |name: &str| {
        members
            .iter()
            .any(|(k, v)| k == name && v.as_text().is_some())
    };
    has("error") || has("errorCode") || (has("cause") && has("referenceId"))
}

/// Finds error answers in pasted text: JSON error bodies, form bodies and
/// redirect URLs with `error`, `WWW-Authenticate` headers, `error=` pairs in
/// log lines and Entra `AADSTS` messages. Same passes, same order as tokens.
pub fn find_error_fields(text: &str) -> ErrorAnswers {
    // Most pastes hold no error at all: a cheap look first keeps the
    // inspector's cost for them unchanged.
    let lower = text.to_ascii_lowercase();
    if !["error", "cause", "aadsts", "www-authenticate"]
        .iter()
        .any(|word| lower.contains(word))
    {
        return ErrorAnswers::default();
    }
    drop(lower);
    let text = Normalised::new(text).text;
    let mut scan = Scan::new(&text);
    let mut found = ErrorCollector {
        answers: Vec::new(),
        by_fields: HashMap::new(),
        statuses: status_lines(&text),
        dropped: 0,
        pushed: 0,
    };
    scan.error_objects(&mut found);
    scan.challenge_lines(&mut found);
    scan.error_words(&mut found);
    scan.aadsts_messages(&mut found);
    let mut answers = found.answers;
    answers.sort_by_key(|e| e.span.start);
    ErrorAnswers {
        answers,
        dropped: found.dropped,
    }
}

/// `HTTP/1.1 400 Bad Request` lines: where, and the status, in text order.
fn status_lines(text: &str) -> Vec<(usize, u16)> {
    let mut found = Vec::new();
    for (at, _) in text.match_indices("HTTP/") {
        let Some(rest) = text.get(at + "HTTP/".len()..) else {
            continue;
        };
        let version_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let Some(after_version) = rest.get(version_len..) else {
            continue;
        };
        let after = after_version.trim_start_matches(' ');
        if version_len == 0 || after.len() == after_version.len() {
            continue;
        }
        if let Some((digits, tail)) = after.split_at_checked(3)
            && let Ok(status) = digits.parse::<u16>()
            && (100..600).contains(&status)
            && !tail.starts_with(|c: char| c.is_ascii_digit())
        {
            found.push((at, status));
        }
    }
    found
}

impl Scan<'_> {
    fn error_objects(&mut self, found: &mut ErrorCollector) {
        let members = error_member_positions(self.text);
        if members.is_empty() {
            return;
        }
        self.each_json_object(
            |start| error_member_near(&members, start),
            |_, object, span| {
                let before = found.pushed;
                error_object(object, &span, found);
                found.pushed > before
            },
        );
    }

    fn challenge_lines(&mut self, found: &mut ErrorCollector) {
        const NAME: &str = "www-authenticate";
        // ASCII lower-casing keeps every byte where it was.
        let lower = self.text.to_ascii_lowercase();
        let mut from = 0;
        while let Some(offset) = lower.get(from..).and_then(|rest| rest.find(NAME)) {
            let at = from + offset;
            from = at + NAME.len();
            let Some(rest) = self.text.get(from..) else {
                break;
            };
            let Some(value) = rest.trim_start_matches([' ', '"', '\'']).strip_prefix(':') else {
                continue;
            };
            let line = value.split_once('\n').map_or(value, |(line, _)| line);
            let challenge = line
                .trim()
                .trim_end_matches(['"', '\'', '\\'])
                .trim()
                .to_owned();
            let end = from + (rest.len() - value.len()) + line.len();
            let fields = challenge_fields(&challenge);
            self.cover(at..end);
            found.push(ErrorFields {
                origin: ErrorOrigin::WwwAuthenticate,
                fields,
                status: None,
                challenge: Some(challenge),
                span: at..end,
                occurrences: 1,
            });
            from = end;
        }
    }

    fn error_words(&mut self, found: &mut ErrorCollector) {
        let text = self.text;
        // A log line is read once, however many `error=` words it holds:
        // reading it again for each word was quadratic in its length.
        let mut line_read_until = 0;
        for word in words(text) {
            let Some(value) = text.get(word.clone()) else {
                continue;
            };
            if self.is_covered(word.start) || !value.contains("error=") {
                continue;
            }
            let is_url = value.contains('?') || value.contains('#');
            if is_url || value.contains('&') {
                let query = value.split_once(['?', '#']).map_or(value, |(_, q)| q);
                let query = query.replace('#', "&");
                let fields: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
                    .filter(|(k, _)| k.starts_with("error"))
                    .take(MAX_PARAMS)
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect();
                if fields.iter().any(|(k, _)| k == "error") {
                    self.cover(word.clone());
                    found.push(ErrorFields {
                        origin: if is_url {
                            ErrorOrigin::RedirectUrl
                        } else {
                            ErrorOrigin::FormBody
                        },
                        fields,
                        status: None,
                        challenge: None,
                        span: word,
                        occurrences: 1,
                    });
                }
                continue;
            }
            if word.start < line_read_until {
                continue;
            }
            // A log line's `error=… error_description="…"` pairs: read the whole line.
            let line_start = text
                .get(..word.start)
                .and_then(|before| before.rfind('\n'))
                .map_or(0, |i| i + 1);
            let line_end = text
                .get(word.start..)
                .and_then(|after| after.find('\n'))
                .map_or(text.len(), |i| word.start + i);
            line_read_until = line_end;
            let Some(line) = text.get(line_start..line_end) else {
                continue;
            };
            let fields: Vec<(String, String)> = challenge_fields(line);
            if fields.iter().any(|(k, _)| k == "error") {
                // Not covered: a log line may hold an AADSTS message too, and
                // covering thousands of lines would cost more than it saves.
                found.push(ErrorFields {
                    origin: ErrorOrigin::LogLine,
                    fields,
                    status: None,
                    challenge: None,
                    span: line_start..line_end,
                    occurrences: 1,
                });
            }
        }
    }

    fn aadsts_messages(&mut self, found: &mut ErrorCollector) {
        let text = self.text;
        let mut from = 0;
        while let Some(offset) = text.get(from..).and_then(|rest| rest.find("AADSTS")) {
            let at = from + offset;
            from = at + 6;
            let Some(after) = text.get(from..) else {
                break;
            };
            let digits = after
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(after.len());
            if digits < 5 || self.is_covered(at) {
                continue;
            }
            let Some(message) = text.get(at..) else {
                break;
            };
            let message = message
                .split_once(['\n', '"'])
                .map_or(message, |(message, _)| message);
            let end = at + message.len();
            self.cover(at..end);
            found.push(ErrorFields {
                origin: ErrorOrigin::Aadsts,
                fields: vec![("error_description".to_owned(), message.trim().to_owned())],
                status: None,
                challenge: None,
                span: at..end,
                occurrences: 1,
            });
            from = end;
        }
    }
}

/// Error objects in a JSON value: the value itself, or the objects inside
/// it, as in `{"response": {"error": …}}` (the whole object is walked here,
/// so the objects inside are not parsed again on their own).
fn error_object(value: &Value, span: &Range<usize>, found: &mut ErrorCollector) {
    match value {
        Value::Object(members) if is_error_object(members) => {
            let mut fields: Vec<(String, String)> = members
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_text()?)))
                .take(MAX_PARAMS)
                .collect();
            if let Some((_, Value::Array(codes))) = members.iter().find(|(k, _)| k == "error_codes")
            {
                let codes: Vec<String> = codes
                    .iter()
                    .filter_map(Value::as_text)
                    .take(MAX_PARAMS)
                    .collect();
                fields.push(("error_codes".to_owned(), codes.join(",")));
            }
            let status = fields
                .iter()
                .find(|(k, _)| k == "status" || k == "status_code" || k == "statusCode")
                .and_then(|(_, v)| v.parse().ok());
            found.push(ErrorFields {
                origin: ErrorOrigin::JsonBody,
                fields,
                status,
                challenge: None,
                span: span.clone(),
                occurrences: 1,
            });
        }
        Value::Object(members) => {
            for (_, member) in members {
                error_object(member, span, found);
            }
        }
        Value::Array(items) => {
            for item in items {
                error_object(item, span, found);
            }
        }
        _ => {}
    }
}

/// How many parameters of a challenge or a log line are read: challenges
/// carry a handful, and a hostile line of a million must not cost a million
/// pairs.
pub const MAX_PARAMS: usize = 256;

/// The `name=value` and `name="value"` parameters of a challenge
/// (RFC 7235 §2.1 auth-params), in order; at most [`MAX_PARAMS`].
pub fn challenge_params(challenge: &str) -> Vec<(String, String)> {
    let is_name_char = |c: char| c.is_ascii_alphanumeric() || "_-.".contains(c);
    let mut params = Vec::new();
    let mut rest = challenge;
    while params.len() < MAX_PARAMS && !rest.is_empty() {
        // A name: a run of token characters followed by '='.
        let name_len = rest.find(|c: char| !is_name_char(c)).unwrap_or(rest.len());
        let Some((name, after_name)) = rest.split_at_checked(name_len) else {
            break;
        };
        let after_eq = after_name.strip_prefix('=').filter(|_| !name.is_empty());
        let Some(after_eq) = after_eq else {
            // Not a parameter: go on after the name, or after one character.
            let mut chars = after_name.chars();
            if name.is_empty() {
                chars.next();
            }
            rest = chars.as_str();
            continue;
        };
        let value = if let Some(quoted) = after_eq.strip_prefix('"') {
            let mut value = String::new();
            let mut chars = quoted.chars();
            loop {
                match chars.next() {
                    None | Some('"') => break,
                    // A quoted-pair (RFC 7230 §3.2.6); a lone backslash at the end stays.
                    Some('\\') => value.push(chars.next().unwrap_or('\\')),
                    Some(c) => value.push(c),
                }
            }
            rest = chars.as_str();
            value
        } else {
            let len = after_eq
                .find(|c: char| c == ',' || c.is_ascii_whitespace())
                .unwrap_or(after_eq.len());
            let (value, after) = after_eq.split_at_checked(len).unwrap_or((after_eq, ""));
            rest = after;
            value.to_owned()
        };
        params.push((name.to_owned(), value));
    }
    params
}

/// `name=value` and `name="value"` pairs of a challenge or a log line,
/// values trimmed of trailing punctuation.
fn challenge_fields(text: &str) -> Vec<(String, String)> {
    challenge_params(text)
        .into_iter()
        .map(|(k, v)| (k, v.trim_end_matches([',', ';']).to_owned()))
        .collect()
}

/// Runs of text between white space and quoting characters: where URLs and
/// form bodies stand.
fn words(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let is_break = |c: char| c.is_whitespace() || QUOTES.contains(&c) || "<>()[]{},;".contains(c);
    let mut pos = 0;
    std::iter::from_fn(move || {
        let rest = text.get(pos..)?;
        let word = rest.trim_start_matches(is_break);
        let start = pos + (rest.len() - word.len());
        let len = word.find(is_break).unwrap_or(word.len());
        if len == 0 {
            return None;
        }
        pos = start + len;
        Some(start..start + len)
    })
}

fn is_jwt_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.'
}

/// RFC 6750 §2.1 `b64token` characters.
fn is_b64token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~+/=".contains(c)
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    fn candidates(text: &str) -> Vec<Candidate> {
        find_candidates(text).found
    }

    #[test]
    fn token_occurrences_past_the_limit_are_counted_not_kept() {
        let found = find_candidates(&"access_token=Ключ&".repeat(MAX_CANDIDATES + 10));
        assert_eq!(found.found.len(), MAX_CANDIDATES);
        assert_eq!(found.left_out, 10);
    }

    #[test]
    fn mend_keeps_values_whose_seventh_byte_is_inside_a_letter() {
        assert_eq!(mend("Токен истёк").0, "Токенистёк");
        assert_eq!(mend("Ключ").0, "Ключ");
        assert_eq!(mend("Bearer Ключ").0, "Ключ");
        assert_eq!(mend("ab😀cdef").0, "ab😀cdef");
        // An RTL mark is never part of a token: mending drops it.
        assert_eq!(mend("\u{200F}Bearer x").0, "Bearerx");
    }

    #[test]
    fn cyrillic_token_values_in_json_forms_and_urls() {
        let found = candidates(r#"{"token":"Токен истёк","access_token":"Доступ запрещён"}"#);
        let values: Vec<&str> = found.iter().map(|c| c.value.as_str()).collect();
        assert_eq!(values, ["Токенистёк", "Доступзапрещён"]);
        let found = candidates("access_token=Ключ&state=состояние");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].value, "Ключ");
        let found = candidates("https://app.example/cb#access_token=Ключ&state=состояние");
        assert_eq!(found[0].value, "Ключ");
        assert_eq!(
            found[0].response.as_ref().and_then(|r| r.get("state")),
            Some("состояние")
        );
    }

    #[test]
    fn finds_form_and_url_tokens() {
        let text = "GET https://app.example/cb?code=SplxlOBeZQQYbYS6WxSbIA&state=xyz123 HTTP/1.1\n\
                    https://app.example/cb#access_token=abc.def-ghi&token_type=bearer&expires_in=300";
        let found = candidates(text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(
            found[0].origin,
            Origin::UrlQuery {
                name: "code".to_owned()
            }
        );
        assert_eq!(
            found[0].response.as_ref().and_then(|r| r.get("state")),
            Some("xyz123")
        );
        assert_eq!(
            found[1].origin,
            Origin::UrlFragment {
                name: "access_token".to_owned()
            }
        );
        assert_eq!(
            found[1].response.as_ref().and_then(|r| r.get("expires_in")),
            Some("300")
        );
    }

    #[test]
    fn finds_bearer_headers_but_not_prose() {
        let text = "curl -H \"Authorization: Bearer gho_16C7e42F292c6912E7710c838347Ae178B4a\" https://api.github.com/user\n\
                    We use Bearer authentication here.";
        let found = candidates(text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].value, "gho_16C7e42F292c6912E7710c838347Ae178B4a");
        assert_eq!(found[0].origin, Origin::Bearer);
    }

    #[test]
    fn a_short_line_after_a_token_is_not_joined() {
        let token = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0.";
        let text = format!("{token}\nthanks\n");
        let found = candidates(&text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].value, token);
    }

    fn jwt(sub: &str) -> String {
        use crate::token::jose::encode_segment;
        format!(
            "{}.{}.{}",
            encode_segment(br#"{"alg":"RS256","typ":"JWT"}"#),
            encode_segment(format!(r#"{{"sub":"{sub}","name":"Анна"}}"#).as_bytes()),
            // An RSA 2048 signature's length: mending checks it (RS256: 342 characters).
            encode_segment(&[7; 256])
        )
    }

    #[test]
    fn a_line_of_error_words_is_one_answer_read_once() {
        let found = find_error_fields(&"error=x ".repeat(16_000));
        assert_eq!(found.answers.len(), 1);
        assert_eq!(found.answers[0].fields.len(), MAX_PARAMS);
        assert_eq!(found.answers[0].origin, ErrorOrigin::LogLine);
    }

    #[test]
    fn repeated_error_answers_are_counted_not_kept_again() {
        let found = find_error_fields(
            &"error=invalid_grant error_description=\"Код истёк\"\n".repeat(5_000),
        );
        assert_eq!(found.answers.len(), 1);
        assert_eq!(found.answers[0].occurrences, 5_000);
        assert_eq!(found.answers[0].get("error_description"), Some("Код истёк"));
        let mut distinct = String::new();
        for i in 0..MAX_ERROR_ANSWERS + 500 {
            writeln!(
                distinct,
                "{{\"error\":\"invalid_grant\",\"error_description\":\"запрос {i}\"}}"
            )
            .expect("writing to a String");
        }
        let found = find_error_fields(&distinct);
        assert_eq!(found.answers.len(), MAX_ERROR_ANSWERS);
        assert_eq!(found.dropped, 500);
        assert!(
            found
                .answers
                .windows(2)
                .all(|w| w[0].span.start < w[1].span.start)
        );
    }

    #[test]
    fn nested_error_objects_are_found_from_the_outer_one() {
        let text = r#"{"log":{"response":[{"body":{"error":"invalid_client","error_description":"Клиент 😀"}}]}}"#;
        let found = find_error_fields(text);
        assert_eq!(found.answers.len(), 1, "{found:?}");
        assert_eq!(found.answers[0].get("error"), Some("invalid_client"));
        assert_eq!(found.answers[0].span, 0..text.len());
    }

    #[test]
    fn a_token_response_after_a_broken_object_is_still_read() {
        let token = jwt("a");
        let text = format!(
            "{{\"msg\":\"got {{\"access_token\":\"{token}\",\"expires_in\":300}}\n{}",
            "{\"a\":".repeat(200)
        );
        let found = candidates(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].value, token);
        assert_eq!(
            found[0].origin,
            Origin::JsonField {
                name: "access_token".to_owned()
            }
        );
    }

    #[test]
    fn lines_that_only_start_like_a_jwt_are_not_joined_again_and_again() {
        let line = format!("eyJhbGciOiJSUzI1NiJ9{}", "A".repeat(40));
        let text = vec![line.as_str(); 20_000].join("\n");
        assert!(candidates(&text).is_empty());
        // A real token after them is still found.
        let token = jwt("b");
        let found = candidates(&format!("{text}\nВот токен:\n{token}\n"));
        assert_eq!(found.len(), 1);
        assert!(found[0].value == token, "the token after the junk lines");
    }

    #[test]
    fn tokens_one_per_line_are_each_found() {
        let tokens: Vec<String> = (0..50).map(|i| jwt(&format!("user-{i}"))).collect();
        let found = candidates(&tokens.join("\n"));
        let values: Vec<&str> = found.iter().map(|c| c.value.as_str()).collect();
        assert_eq!(values, tokens);
    }

    #[test]
    fn a_wrapped_token_is_joined_across_cyrillic_lines() {
        let token = jwt("c");
        let wrapped: Vec<&str> = token
            .as_bytes()
            .chunks(64)
            .map(|line| std::str::from_utf8(line).expect("ASCII"))
            .collect();
        let text = format!("Токен из письма:\n{}\nСпасибо, Анна 😀", wrapped.join("\n"));
        let found = candidates(&text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].value, token);
        assert_eq!(found[0].mends.lines_joined, wrapped.len());
    }

    #[test]
    fn hostile_text_does_not_panic() {
        let junk: String = (0..20_000u32)
            .map(|i| char::from_u32(i * 7 % 0x2FFF).unwrap_or('x'))
            .collect();
        let _ = candidates(&junk);
        let _ = candidates(&"{\"a".repeat(10_000));
        let _ = candidates(&"eyJ.".repeat(10_000));
        let _ = candidates("Bearer");
        let _ = candidates("?code=&access_token=");
    }

    #[test]
    fn lossy_text_counts_the_bytes_it_replaced_not_the_text_s_own_replacement_characters() {
        let mut bytes = "Токен \u{FFFD} истёк ".as_bytes().to_vec();
        bytes.extend_from_slice(&[0xFF, 0xD0, b' ', 0xE2, 0x82]);
        let (text, replaced) = lossy_text(bytes);
        assert_eq!(replaced, 3, "{text}");
        assert!(text.starts_with("Токен \u{FFFD} истёк "));
        assert_eq!(lossy_text("🙂".as_bytes().to_vec()), ("🙂".to_owned(), 0));
    }

    #[test]
    fn normalising_drops_zero_width_characters_and_turns_every_line_end_into_lf() {
        let raw = "Токен\u{200B}истёк\r\nстрока\rещё\u{FEFF}🙂\r";
        let normalised = Normalised::new(raw);
        assert_eq!(normalised.text, "Токенистёк\nстрока\nещё🙂\n");
        assert_eq!(
            normalised.removed_at,
            ["Токен".len(), "Токенистёк\nстрока\nещё".len()]
        );
        assert_eq!(Normalised::new("plain ascii").text, "plain ascii");
        assert_eq!(Normalised::new("").text, "");
    }
}
