//! A forgiving JSON reader for text people paste.
//!
//! Token responses copied out of Word documents, e-mails and log viewers are
//! often no longer valid JSON: a long token is hard-wrapped, so its string
//! holds raw line breaks and spaces. `serde_json` rightly refuses that; this
//! reader accepts raw control characters inside strings and remembers where
//! each string stood, so the extractor can mend the value and say what it
//! mended. Everything else follows RFC 8259.

use std::ops::Range;

/// How deep objects and arrays may nest before the reader gives up.
const MAX_DEPTH: usize = 64;

/// The longest string the reader accepts: far above any real token, and it
/// keeps an unterminated quote in a 10 MB paste from costing a full scan per `{`.
const MAX_STRING_BYTES: usize = 256 * 1024;

/// How many values one object may hold, all levels counted: a value costs
/// about 50 bytes in memory for 2 bytes of text (`1,`), so a 10 MB array of
/// numbers would otherwise cost 250 MB. Token responses and logged request
/// bodies hold a few hundred.
const MAX_VALUES: usize = 200_000;

/// A JSON value read leniently.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A string, unescaped, with the byte range of its contents in the source.
    Str { text: String, span: Range<usize> },
    /// A number, as written.
    Number(String),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// An object, members in source order.
    Object(Vec<(String, Self)>),
    /// An array.
    Array(Vec<Self>),
}

impl Value {
    /// The member `key` of an object.
    #[cfg(test)]
    pub fn get(&self, key: &str) -> Option<&Self> {
        match self {
            Self::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The value as text: strings as they are, numbers and literals as written.
    pub fn as_text(&self) -> Option<String> {
        match self {
            Self::Str { text, .. } => Some(text.clone()),
            Self::Number(n) => Some(n.clone()),
            Self::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

/// Why no object could be read at a `{`, and what that tells about the
/// braces after it.
#[derive(Debug, PartialEq, Eq)]
pub struct Broken {
    /// The byte the reader stopped at: it read everything before it.
    pub reached: usize,
    /// Where the objects inside the first one, still open at that point,
    /// start. Read again from there, each would stop at the same byte the
    /// same way, so a caller that tries every `{` skips them; that is what
    /// keeps a paste of `{"a":{"a":…` linear instead of quadratic. (The
    /// first is left out: the caller is past it, and a paste of `{{{{`
    /// then costs no allocation per brace.)
    pub open_objects: Vec<usize>,
}

/// Reads one object starting at byte `start` of `text` (which must hold
/// `{`), reading no byte at or after `limit`. Returns the object and the byte
/// just past its closing brace.
pub fn parse_object_at(text: &str, start: usize, limit: usize) -> Result<(Value, usize), Broken> {
    // A limit inside a letter moves back to the letter's start: the reader
    // works on bytes but cuts strings out of `text` only on char boundaries.
    let text = text.get(..text.floor_char_boundary(limit)).unwrap_or(text);
    let mut reader = Reader {
        bytes: text.as_bytes(),
        text,
        pos: start,
        values: 0,
        open_objects: Vec::new(),
    };
    if reader.peek() != Some(b'{') {
        return Err(Broken {
            reached: start,
            open_objects: Vec::new(),
        });
    }
    match reader.value(0) {
        Some(value) => Ok((value, reader.pos)),
        None => Err(Broken {
            reached: reader.pos,
            open_objects: reader.open_objects,
        }),
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
    /// Values read so far, against [`MAX_VALUES`].
    values: usize,
    /// Starts of the objects being read inside the first, outermost first.
    open_objects: Vec<usize>,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while let Some(b) = self.peek() {
            if b.is_ascii_whitespace() {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        self.skip_whitespace();
        (self.peek() == Some(byte)).then(|| self.pos += 1)
    }

    fn value(&mut self, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH || self.values >= MAX_VALUES {
            return None;
        }
        self.values += 1;
        self.skip_whitespace();
        match self.peek()? {
            b'{' => self.object(depth),
            b'[' => self.array(depth),
            b'"' => self.string().map(|(text, span)| Value::Str { text, span }),
            b't' => self.literal("true", Value::Bool(true)),
            b'f' => self.literal("false", Value::Bool(false)),
            b'n' => self.literal("null", Value::Null),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    fn object(&mut self, depth: usize) -> Option<Value> {
        let inner = depth > 0;
        if inner {
            self.open_objects.push(self.pos);
        }
        self.pos += 1;
        let members = self.members(depth)?;
        if inner {
            self.open_objects.pop();
        }
        Some(Value::Object(members))
    }

    /// The members of an object after its `{`, through its `}`.
    fn members(&mut self, depth: usize) -> Option<Vec<(String, Value)>> {
        let mut members = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Some(members);
        }
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return None;
            }
            let (key, _) = self.string()?;
            self.eat(b':')?;
            let value = self.value(depth + 1)?;
            members.push((key, value));
            self.skip_whitespace();
            match self.peek()? {
                b',' => {
                    self.pos += 1;
                    // A trailing comma before `}` is forgiven: people edit pastes by hand.
                    self.skip_whitespace();
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                        return Some(members);
                    }
                }
                b'}' => {
                    self.pos += 1;
                    return Some(members);
                }
                _ => return None,
            }
        }
    }

    fn array(&mut self, depth: usize) -> Option<Value> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Some(Value::Array(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            self.skip_whitespace();
            match self.peek()? {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    return Some(Value::Array(items));
                }
                _ => return None,
            }
        }
    }

    fn literal(&mut self, word: &str, value: Value) -> Option<Value> {
        let end = self.pos.checked_add(word.len())?;
        (self.bytes.get(self.pos..end)? == word.as_bytes()).then(|| {
            self.pos = end;
            value
        })
    }

    fn number(&mut self) -> Option<Value> {
        let start = self.pos;
        while let Some(b) = self.peek() {
            if b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E') {
                self.pos += 1;
            } else {
                break;
            }
        }
        // Both ends are next to ASCII bytes, so `get` always finds the text.
        Some(Value::Number(self.text.get(start..self.pos)?.to_owned()))
    }

    /// A string; raw control characters (line breaks) are kept, not refused.
    fn string(&mut self) -> Option<(String, Range<usize>)> {
        self.pos += 1;
        let start = self.pos;
        let mut out = String::new();
        let mut run_start = self.pos;
        loop {
            match self.peek()? {
                b'"' => {
                    out.push_str(self.text.get(run_start..self.pos)?);
                    let span = start..self.pos;
                    self.pos += 1;
                    return Some((out, span));
                }
                b'\\' => {
                    out.push_str(self.text.get(run_start..self.pos)?);
                    self.pos += 1;
                    self.escape(&mut out)?;
                    run_start = self.pos;
                }
                _ if self.pos - start > MAX_STRING_BYTES => return None,
                _ => self.pos += 1,
            }
        }
    }

    /// An escape after its backslash (RFC 8259 §7).
    fn escape(&mut self, out: &mut String) -> Option<()> {
        let c = self.peek()?;
        self.pos += 1;
        match c {
            b'"' => out.push('"'),
            b'\\' => out.push('\\'),
            b'/' => out.push('/'),
            b'b' => out.push('\u{8}'),
            b'f' => out.push('\u{c}'),
            b'n' => out.push('\n'),
            b'r' => out.push('\r'),
            b't' => out.push('\t'),
            b'u' => {
                let first = self.hex4()?;
                let code = if (0xD800..0xDC00).contains(&first)
                    && self.bytes.get(self.pos) == Some(&b'\\')
                {
                    self.pos += 2;
                    let second = self.hex4()?;
                    0x10000 + ((first - 0xD800) << 10) + (second.wrapping_sub(0xDC00) & 0x3FF)
                } else {
                    first
                };
                out.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            _ => return None,
        }
        Some(())
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.text.get(self.pos..self.pos.checked_add(4)?)?;
        let code = u32::from_str_radix(digits, 16).ok()?;
        self.pos += 4;
        Some(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, start: usize) -> Option<(Value, usize)> {
        parse_object_at(text, start, text.len()).ok()
    }

    #[test]
    fn raw_line_breaks_inside_strings_are_kept() {
        let text = "x {\"a\": \"ab\n\ncd \", \"n\": 3, \"o\": {\"k\": [true, null]},}";
        let (value, end) = parse(text, 2).expect("parses");
        assert_eq!(end, text.len());
        let Some(Value::Str { text: a, span }) = value.get("a") else {
            panic!("a is a string");
        };
        assert_eq!(a, "ab\n\ncd ");
        assert_eq!(text.get(span.clone()), Some("ab\n\ncd "));
        assert_eq!(value.get("n"), Some(&Value::Number("3".to_owned())));
    }

    #[test]
    fn escapes_are_unescaped() {
        let text = r#"{"a":"x\/y\u00e9\ud83d\ude00"}"#;
        let (value, _) = parse(text, 0).expect("parses");
        assert_eq!(
            value.get("a").and_then(Value::as_text).as_deref(),
            Some("x/yé😀")
        );
    }

    #[test]
    fn cyrillic_emoji_and_rtl_marks_stay_whole() {
        let text = "{\"error\":\"Доступ запрещён 😀\u{200F}\",\"ключ\":1}";
        let (value, end) = parse(text, 0).expect("parses");
        assert_eq!(end, text.len());
        assert_eq!(
            value.get("error").and_then(Value::as_text).as_deref(),
            Some("Доступ запрещён 😀\u{200F}")
        );
        // A limit inside a letter is moved back to its start, never split.
        for limit in 0..text.len() {
            assert!(parse_object_at(text, 0, limit).is_err(), "{limit}");
        }
    }

    #[test]
    fn broken_and_hostile_input_is_refused_not_panicked() {
        for text in [
            "{",
            "{\"a\"",
            "{\"a\":}",
            "{{",
            "{\"a\":\"\\u12\"}",
            "{\"a\":tru}",
            "{\"a\":\"\\u",
        ] {
            assert!(parse(text, 0).is_none(), "{text}");
        }
        let deep = format!("{}{}", "{\"a\":".repeat(10_000), "1");
        assert!(parse(&deep, 0).is_none());
    }

    #[test]
    fn a_broken_object_says_which_objects_it_left_open() {
        let text = r#"{"a":{"b":1},"c":{"d":[{"e":2}"#;
        let broken = parse_object_at(text, 0, text.len()).expect_err("never closed");
        assert_eq!(broken.reached, text.len());
        // "c"; not "a" or "e", which closed, nor the first.
        assert_eq!(broken.open_objects, [17]);
        let deep = "{\"a\":".repeat(100);
        let broken = parse_object_at(&deep, 0, deep.len()).expect_err("too deep");
        assert_eq!(broken.open_objects.len(), MAX_DEPTH);
    }

    #[test]
    fn an_object_with_too_many_values_is_refused() {
        let text = format!("{{\"a\":[{}1]}}", "1,".repeat(MAX_VALUES));
        assert!(parse(&text, 0).is_none());
        let text = format!("{{\"a\":[{}1]}}", "1,".repeat(1_000));
        assert!(parse(&text, 0).is_some());
    }
}
