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

use std::ops::Range;
use std::sync::Arc;

use serde::Serialize;

use super::lenient_json::{self, Value};
use super::mend::{self, JoinBudget, QUOTES, ZERO_WIDTH, mend};
pub use super::mend::{Mends, merge_mends};

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

    /// A field as a whole number (`expires_in: 3600` or `"3600"`).
    pub fn seconds(&self, name: &str) -> Option<i64> {
        self.get(name)?.trim().parse().ok()
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

/// Finds every token occurrence in `text`, in order of appearance.
pub fn find_candidates(text: &str) -> Vec<Candidate> {
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
    found
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
        let mut chars = raw.chars().peekable();
        while let Some(c) = chars.next() {
            if ZERO_WIDTH.contains(&c) {
                removed_at.push(text.len());
            } else if c == '\r' {
                if chars.peek() != Some(&'\n') {
                    text.push('\n');
                }
            } else {
                text.push(c);
            }
        }
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
    /// Byte ranges already accounted for, sorted and disjoint.
    covered: Vec<Range<usize>>,
    found: Vec<Candidate>,
}

impl<'a> Scan<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            covered: Vec::new(),
            found: Vec::new(),
        }
    }

    /// Marks `range` as accounted for; `covered` stays sorted and disjoint.
    fn cover(&mut self, range: Range<usize>) {
        let mut merged = range;
        let first = self.covered.partition_point(|r| r.end < merged.start);
        let mut last = first;
        while last < self.covered.len() && self.covered[last].start <= merged.end {
            merged.start = merged.start.min(self.covered[last].start);
            merged.end = merged.end.max(self.covered[last].end);
            last += 1;
        }
        self.covered.splice(first..last, [merged]);
    }

    fn is_covered(&self, at: usize) -> bool {
        let i = self.covered.partition_point(|r| r.end <= at);
        self.covered.get(i).is_some_and(|r| r.contains(&at))
    }

    // ---- pass 1: JSON ------------------------------------------------------

    fn json_objects(&mut self, depth: usize) {
        let mut from = 0;
        while let Some(offset) = self.text[from..].find('{') {
            let start = from + offset;
            from = start + 1;
            if self.is_covered(start) {
                continue;
            }
            if let Some((object, end)) = lenient_json::parse_object_at(self.text, start)
                && self.json_value(&object, None, depth)
            {
                self.cover(start..end);
                from = end;
            }
        }
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
        self.found.push(Candidate {
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
            self.found.push(candidate);
        }
        self.cover(span.clone());
        true
    }

    // ---- pass 2: form-encoded parameters and URLs -------------------------

    fn form_parameters(&mut self) {
        for word in words(self.text) {
            if !self.text[word.clone()].contains('=') || self.is_covered(word.start) {
                continue;
            }
            let text = &self.text[word.clone()];
            let mut any = false;
            if let Some(q) = text.find(['?', '#']) {
                let (query, fragment) = match text.find('#') {
                    Some(h) if h >= q => (&text[q..h], &text[h + 1..]),
                    _ => (&text[q..], ""),
                };
                let query = query.trim_start_matches('?');
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
        let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        // An authorization code only counts in a redirect URL, not in any `code=` text.
        let is_token = |k: &str| TOKEN_FIELDS.contains(&k) || (in_url && k == "code");
        if !pairs.iter().any(|(k, _)| is_token(k)) {
            return false;
        }
        let context = Arc::new(ResponseContext {
            fields: pairs
                .iter()
                .filter(|(k, _)| !is_token(k))
                .cloned()
                .collect(),
        });
        for (key, raw) in pairs.iter().filter(|(k, _)| is_token(k)) {
            let (value, mends) = mend(raw);
            if value.is_empty() {
                continue;
            }
            self.found.push(Candidate {
                value,
                origin: origin(key.clone()),
                mends,
                response: Some(Arc::clone(&context)),
                span: word.clone(),
            });
        }
        true
    }

    // ---- pass 3: Bearer ----------------------------------------------------

    fn bearer_values(&mut self) {
        let lower = self.text.to_ascii_lowercase();
        let mut from = 0;
        while let Some(offset) = lower[from..].find("bearer") {
            let at = from + offset;
            from = at + "bearer".len();
            let rest = &self.text[from..];
            let gap = rest.len() - rest.trim_start_matches([' ', '\t']).len();
            if gap == 0 || self.is_covered(at) {
                continue;
            }
            let start = from + gap;
            let len = self.text[start..]
                .find(|c: char| !is_b64token_char(c))
                .unwrap_or(self.text.len() - start);
            let value = &self.text[start..start + len];
            let looks_random = value
                .chars()
                .any(|c| c.is_ascii_digit() || "-_.~+/".contains(c));
            if value.len() < 16 || !looks_random {
                continue;
            }
            self.found.push(Candidate {
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
        while let Some(offset) = self.text[from..].find("eyJ") {
            let start = from + offset;
            from = start + 3;
            let inside_word = start > 0
                && is_jwt_byte(bytes[start - 1])
                && !mend::follows_escape(self.text, start);
            if inside_word || self.is_covered(start) {
                continue;
            }
            match mend::bare_jwt_at(self.text, start, &mut budget) {
                Ok(found) => {
                    let span = start..found.end;
                    from = found.end;
                    self.cover(span.clone());
                    self.found.push(Candidate {
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
    /// Where it was found.
    pub origin: ErrorOrigin,
    /// The fields: `error`, `error_description`, `error_uri`, `errorCode`, `errorMsg`, …
    pub fields: Vec<(String, String)>,
    /// The HTTP status of the nearest status line before it (`HTTP/1.1 400 …`), if any.
    pub status: Option<u16>,
    /// The `WWW-Authenticate` challenge, for that origin.
    pub challenge: Option<String>,
    /// Byte range in the text.
    pub span: Range<usize>,
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
pub fn find_error_fields(text: &str) -> Vec<ErrorFields> {
    // Most pastes hold no error at all: a cheap look first keeps the
    // inspector's cost for them unchanged.
    let lower = text.to_ascii_lowercase();
    if !["error", "cause", "aadsts", "www-authenticate"]
        .iter()
        .any(|word| lower.contains(word))
    {
        return Vec::new();
    }
    let text = Normalised::new(text).text;
    let mut scan = Scan::new(&text);
    let mut found = Vec::new();
    scan.error_objects(&mut found);
    scan.challenge_lines(&mut found);
    scan.error_words(&mut found);
    scan.aadsts_messages(&mut found);
    let statuses = status_lines(&text);
    for error in &mut found {
        if error.status.is_none() {
            error.status = statuses
                .iter()
                .rev()
                .find(|(at, _)| *at <= error.span.start)
                .map(|(_, status)| *status);
        }
    }
    found.sort_by_key(|e| e.span.start);
    found
}

/// `HTTP/1.1 400 Bad Request` lines: where, and the status.
fn status_lines(text: &str) -> Vec<(usize, u16)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(offset) = text[from..].find("HTTP/") {
        let at = from + offset;
        from = at + 5;
        let rest = &text[from..];
        let version_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let after = rest[version_len..].trim_start_matches(' ');
        if version_len == 0 || after.len() == rest[version_len..].len() {
            continue;
        }
        if let Some(status) = after.get(..3).and_then(|s| s.parse::<u16>().ok())
            && (100..600).contains(&status)
            && !after[3..].starts_with(|c: char| c.is_ascii_digit())
        {
            found.push((at, status));
        }
    }
    found
}

impl Scan<'_> {
    fn error_objects(&mut self, found: &mut Vec<ErrorFields>) {
        let members = error_member_positions(self.text);
        if members.is_empty() {
            return;
        }
        let mut from = 0;
        while let Some(offset) = self.text[from..].find('{') {
            let start = from + offset;
            from = start + 1;
            if !error_member_near(&members, start) || self.is_covered(start) {
                continue;
            }
            let Some((object, end)) = lenient_json::parse_object_at(self.text, start) else {
                continue;
            };
            let before = found.len();
            error_object(&object, start..end, found);
            if found.len() > before {
                self.cover(start..end);
                from = end;
            }
        }
    }

    fn challenge_lines(&mut self, found: &mut Vec<ErrorFields>) {
        let lower = self.text.to_ascii_lowercase();
        let mut from = 0;
        while let Some(offset) = lower[from..].find("www-authenticate") {
            let at = from + offset;
            from = at + "www-authenticate".len();
            let rest = &self.text[from..];
            let Some(value) = rest.trim_start_matches([' ', '"', '\'']).strip_prefix(':') else {
                continue;
            };
            let line_end = value.find('\n').unwrap_or(value.len());
            let challenge = value[..line_end]
                .trim()
                .trim_end_matches(['"', '\'', '\\'])
                .trim()
                .to_owned();
            let end = from + (rest.len() - value.len()) + line_end;
            let fields = challenge_fields(&challenge);
            self.cover(at..end);
            found.push(ErrorFields {
                origin: ErrorOrigin::WwwAuthenticate,
                fields,
                status: None,
                challenge: Some(challenge),
                span: at..end,
            });
            from = end;
        }
    }

    fn error_words(&mut self, found: &mut Vec<ErrorFields>) {
        let text = self.text;
        for word in words(text) {
            let value = &text[word.clone()];
            if self.is_covered(word.start) || !value.contains("error=") {
                continue;
            }
            let is_url = value.contains('?') || value.contains('#');
            if is_url || value.contains('&') {
                let query = value.find(['?', '#']).map_or(value, |q| &value[q + 1..]);
                let query = query.replace('#', "&");
                let fields: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .filter(|(k, _)| k.starts_with("error"))
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
                    });
                }
                continue;
            }
            // A log line's `error=… error_description="…"` pairs: read the whole line.
            let line_start = text[..word.start].rfind('\n').map_or(0, |i| i + 1);
            let line_end = text[word.start..]
                .find('\n')
                .map_or(text.len(), |i| word.start + i);
            let fields: Vec<(String, String)> = challenge_fields(&text[line_start..line_end]);
            if fields.iter().any(|(k, _)| k == "error") {
                // Not covered: a log line may hold an AADSTS message too, and
                // covering thousands of lines would cost more than it saves.
                found.push(ErrorFields {
                    origin: ErrorOrigin::LogLine,
                    fields,
                    status: None,
                    challenge: None,
                    span: line_start..line_end,
                });
            }
        }
    }

    fn aadsts_messages(&mut self, found: &mut Vec<ErrorFields>) {
        let text = self.text;
        let mut from = 0;
        while let Some(offset) = text[from..].find("AADSTS") {
            let at = from + offset;
            from = at + 6;
            let digits = text[from..]
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(text.len() - from);
            if digits < 5 || self.is_covered(at) {
                continue;
            }
            let end = text[at..].find(['\n', '"']).map_or(text.len(), |i| at + i);
            self.cover(at..end);
            found.push(ErrorFields {
                origin: ErrorOrigin::Aadsts,
                fields: vec![(
                    "error_description".to_owned(),
                    text[at..end].trim().to_owned(),
                )],
                status: None,
                challenge: None,
                span: at..end,
            });
            from = end;
        }
    }
}

/// Error objects in a JSON value (the value itself or nested one level,
/// as in `{"response": {"error": …}}`).
fn error_object(value: &Value, span: Range<usize>, found: &mut Vec<ErrorFields>) {
    let Value::Object(members) = value else {
        return;
    };
    if is_error_object(members) {
        let mut fields: Vec<(String, String)> = members
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), v.as_text()?)))
            .collect();
        if let Some((_, Value::Array(codes))) = members.iter().find(|(k, _)| k == "error_codes") {
            let codes: Vec<String> = codes.iter().filter_map(Value::as_text).collect();
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
            span,
        });
        return;
    }
    for (_, member) in members {
        if let Value::Object(inner) = member
            && is_error_object(inner)
        {
            error_object(member, span.clone(), found);
        }
    }
}

/// `name=value` and `name="value"` pairs of a challenge or a log line,
/// values trimmed of trailing punctuation.
fn challenge_fields(text: &str) -> Vec<(String, String)> {
    crate::diagnose::context::challenge_params(text)
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
        let rest = &text[pos..];
        let start = pos + (rest.len() - rest.trim_start_matches(is_break).len());
        if start >= text.len() {
            return None;
        }
        let len = text[start..].find(is_break).unwrap_or(text.len() - start);
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
    use super::*;

    #[test]
    fn finds_form_and_url_tokens() {
        let text = "GET https://app.example/cb?code=SplxlOBeZQQYbYS6WxSbIA&state=xyz123 HTTP/1.1\n\
                    https://app.example/cb#access_token=abc.def-ghi&token_type=bearer&expires_in=300";
        let found = find_candidates(text);
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
            found[1]
                .response
                .as_ref()
                .and_then(|r| r.seconds("expires_in")),
            Some(300)
        );
    }

    #[test]
    fn finds_bearer_headers_but_not_prose() {
        let text = "curl -H \"Authorization: Bearer gho_16C7e42F292c6912E7710c838347Ae178B4a\" https://api.github.com/user\n\
                    We use Bearer authentication here.";
        let found = find_candidates(text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].value, "gho_16C7e42F292c6912E7710c838347Ae178B4a");
        assert_eq!(found[0].origin, Origin::Bearer);
    }

    #[test]
    fn a_short_line_after_a_token_is_not_joined() {
        let token = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0.";
        let text = format!("{token}\nthanks\n");
        let found = find_candidates(&text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].value, token);
    }

    #[test]
    fn hostile_text_does_not_panic() {
        let junk: String = (0..20_000u32)
            .map(|i| char::from_u32(i * 7 % 0x2FFF).unwrap_or('x'))
            .collect();
        let _ = find_candidates(&junk);
        let _ = find_candidates(&"{\"a".repeat(10_000));
        let _ = find_candidates(&"eyJ.".repeat(10_000));
        let _ = find_candidates("Bearer");
        let _ = find_candidates("?code=&access_token=");
    }
}
