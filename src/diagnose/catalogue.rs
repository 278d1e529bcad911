//! The error catalogue: data, not code. Each file under `assets/catalogue/`
//! holds `[[entry]]` tables (TOML); they are compiled into the binary and
//! read once.
//!
//! An entry matches a [`FailureContext`] when every matcher it names holds;
//! a matcher it does not name is not looked at. The more it names, the more
//! specific it is, and the earlier it is listed.

use std::sync::OnceLock;

use regex::Regex;
use serde::Deserialize;

use crate::i18n::Text;

use super::context::{BodyShape, Endpoint, FailureContext, SentFact, TransportKind};

/// The catalogue files, by name, as compiled in.
pub const FILES: &[(&str, &str)] = &[
    (
        "rfc6749.toml",
        include_str!("../../assets/catalogue/rfc6749.toml"),
    ),
    (
        "rfc-other.toml",
        include_str!("../../assets/catalogue/rfc-other.toml"),
    ),
    (
        "oidc.toml",
        include_str!("../../assets/catalogue/oidc.toml"),
    ),
    (
        "ciba.toml",
        include_str!("../../assets/catalogue/ciba.toml"),
    ),
    (
        "github.toml",
        include_str!("../../assets/catalogue/github.toml"),
    ),
    (
        "keycloak.toml",
        include_str!("../../assets/catalogue/keycloak.toml"),
    ),
    (
        "sber.toml",
        include_str!("../../assets/catalogue/sber.toml"),
    ),
    (
        "kontur.toml",
        include_str!("../../assets/catalogue/kontur.toml"),
    ),
    (
        "entra.toml",
        include_str!("../../assets/catalogue/entra.toml"),
    ),
    (
        "transport.toml",
        include_str!("../../assets/catalogue/transport.toml"),
    ),
];

/// One file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    entry: Vec<RawEntry>,
}

/// One entry as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    id: String,
    source: String,
    #[serde(default)]
    error: Vec<String>,
    #[serde(default)]
    status: Vec<u16>,
    description: Option<String>,
    body: Option<String>,
    location: Option<String>,
    #[serde(default)]
    provider: Vec<String>,
    #[serde(default)]
    endpoint: Vec<Endpoint>,
    #[serde(default)]
    transport: Vec<TransportKind>,
    #[serde(default)]
    shape: Vec<BodyShape>,
    #[serde(default)]
    sent: Vec<SentFact>,
    #[serde(default)]
    unless_sent: Vec<SentFact>,
    #[serde(default)]
    fallback: bool,
    title: Text,
    #[serde(default)]
    cause: Vec<Text>,
    fix: Text,
}

/// One entry, its patterns compiled.
#[derive(Debug)]
pub struct Entry {
    /// Stable id, e.g. `sber.unknown_code`.
    pub id: String,
    /// The spec section or provider document it comes from.
    pub source: String,
    /// What it is, in a few words.
    pub title: Text,
    /// The likely causes, most likely first.
    pub causes: Vec<Text>,
    /// What to do.
    pub fix: Text,
    /// `error` codes (any of them; case matters, RFC 6749 §5.2 codes are
    /// lower case and the bank's `ACCESS_DENIED` errorCode is another thing).
    pub error: Vec<String>,
    /// HTTP statuses (any of them).
    pub status: Vec<u16>,
    /// A pattern the `error_description` (or the provider's message) must match.
    pub description: Option<Regex>,
    /// A pattern the body must match (HTML error pages, plain texts).
    pub body: Option<Regex>,
    /// A pattern the `Location` of a 30x must match.
    pub location: Option<Regex>,
    /// Profile presets (any of them).
    pub provider: Vec<String>,
    /// Endpoints (any of them; an unknown endpoint matches all).
    pub endpoint: Vec<Endpoint>,
    /// Transport failures (any of them).
    pub transport: Vec<TransportKind>,
    /// Body shapes (any of them).
    pub shape: Vec<BodyShape>,
    /// Facts of what this run sent (all of them).
    pub sent: Vec<SentFact>,
    /// Facts of what this run sent that rule the entry out (any of them):
    /// the device grant's wording is not for a CIBA request.
    pub unless_sent: Vec<SentFact>,
    /// Listed only when no other entry matched.
    pub fallback: bool,
}

/// Why the catalogue could not be read (a bug in a catalogue file; a test catches it).
#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    /// Not TOML, or not the entry schema.
    #[error("{file}: {message}")]
    Syntax {
        /// The file.
        file: String,
        /// The parser's message.
        message: String,
    },
    /// A pattern that is not a regular expression.
    #[error("{file}: entry {id}: {message}")]
    Pattern {
        /// The file.
        file: String,
        /// The entry.
        id: String,
        /// The regex crate's message.
        message: String,
    },
}

/// Every entry of every file, in file order.
#[derive(Debug, Default)]
pub struct Catalogue {
    /// The entries.
    pub entries: Vec<Entry>,
}

impl Catalogue {
    /// Reads the files compiled in.
    pub fn load() -> Result<Self, CatalogueError> {
        Self::parse(FILES)
    }

    /// Reads catalogue files given as `(name, text)`.
    pub fn parse(files: &[(&str, &str)]) -> Result<Self, CatalogueError> {
        let mut entries = Vec::new();
        for (name, text) in files {
            let file: File = toml::from_str(text).map_err(|e| CatalogueError::Syntax {
                file: (*name).to_owned(),
                message: e.to_string(),
            })?;
            for raw in file.entry {
                entries.push(compile(name, raw)?);
            }
        }
        Ok(Self { entries })
    }

    /// An entry by id.
    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id)
    }
}

fn compile(file: &str, raw: RawEntry) -> Result<Entry, CatalogueError> {
    let pattern = |source: Option<String>| -> Result<Option<Regex>, CatalogueError> {
        source
            .map(|s| Regex::new(&s))
            .transpose()
            .map_err(|e| CatalogueError::Pattern {
                file: file.to_owned(),
                id: raw.id.clone(),
                message: e.to_string(),
            })
    };
    let description = pattern(raw.description.clone())?;
    let body = pattern(raw.body.clone())?;
    let location = pattern(raw.location.clone())?;
    Ok(Entry {
        id: raw.id,
        source: raw.source,
        title: raw.title,
        causes: raw.cause,
        fix: raw.fix,
        error: raw.error,
        status: raw.status,
        description,
        body,
        location,
        provider: raw.provider,
        endpoint: raw.endpoint,
        transport: raw.transport,
        shape: raw.shape,
        sent: raw.sent,
        unless_sent: raw.unless_sent,
        fallback: raw.fallback,
    })
}

/// The catalogue compiled in, read on first use. A file that does not
/// parse leaves the catalogue empty (and fails `every_catalogue_file_parses`).
pub fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| Catalogue::load().unwrap_or_default())
}

impl Entry {
    /// Whether the entry names anything about the answer itself (an entry
    /// that only names a provider or an endpoint would match everything).
    pub fn has_answer_matcher(&self) -> bool {
        !self.error.is_empty()
            || !self.status.is_empty()
            || self.description.is_some()
            || self.body.is_some()
            || self.location.is_some()
            || !self.transport.is_empty()
            || !self.shape.is_empty()
    }

    /// How specific the entry is when it matches: the weight of what it names.
    pub fn specificity(&self) -> u32 {
        let mut score = 0;
        // A provider's own words say more than a standard code; a fact of
        // what this run sent says more than either.
        score += if self.error.is_empty() { 0 } else { 3 };
        score += if self.description.is_some() { 4 } else { 0 };
        score += if self.body.is_some() { 3 } else { 0 };
        score += if self.location.is_some() { 2 } else { 0 };
        score += if self.provider.is_empty() { 0 } else { 2 };
        score += u32::from(!self.status.is_empty());
        score += if self.transport.is_empty() { 0 } else { 2 };
        score += u32::from(!self.shape.is_empty());
        score += 3 * u32::try_from(self.sent.len()).unwrap_or(0);
        score
    }

    /// Which of the entry's matchers hold for `context`; `None` when one fails.
    pub fn matches(&self, context: &FailureContext) -> Option<Vec<&'static str>> {
        let mut on = Vec::new();
        if !self.error.is_empty() {
            let error = context.error.as_deref()?;
            self.error.iter().any(|e| e == error).then_some(())?;
            on.push("error");
        }
        if !self.status.is_empty() {
            self.status.contains(&context.status?).then_some(())?;
            on.push("status");
        }
        if let Some(pattern) = &self.description {
            pattern
                .is_match(context.description.as_deref()?)
                .then_some(())?;
            on.push("error_description");
        }
        if let Some(pattern) = &self.body {
            pattern.is_match(&context.body_text).then_some(())?;
            on.push("body");
        }
        if let Some(pattern) = &self.location {
            pattern
                .is_match(context.location.as_deref()?)
                .then_some(())?;
            on.push("location");
        }
        if !self.provider.is_empty() {
            let provider = context.provider.as_deref()?;
            self.provider.iter().any(|p| p == provider).then_some(())?;
            on.push("provider");
        }
        if !self.endpoint.is_empty()
            && let Some(endpoint) = context.endpoint
        {
            self.endpoint.contains(&endpoint).then_some(())?;
            on.push("endpoint");
        }
        if !self.transport.is_empty() {
            self.transport.contains(&context.transport?).then_some(())?;
            on.push("transport");
        }
        if !self.shape.is_empty() {
            self.shape.contains(&context.body).then_some(())?;
            on.push("shape");
        }
        if !self.sent.is_empty() {
            self.sent
                .iter()
                .all(|fact| context.sent.contains(fact))
                .then_some(())?;
            on.push("sent");
        }
        if self
            .unless_sent
            .iter()
            .any(|fact| context.sent.contains(fact))
        {
            return None;
        }
        Some(on)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalogue_file_parses_and_every_entry_is_complete() {
        for (name, text) in FILES {
            let catalogue = Catalogue::parse(&[(name, text)])
                .unwrap_or_else(|e| panic!("{name} does not parse: {e}"));
            assert!(!catalogue.entries.is_empty(), "{name} has no entries");
        }
        let catalogue = Catalogue::load().expect("the catalogue loads");
        assert_eq!(
            catalogue.entries.len(),
            super::catalogue().entries.len(),
            "the shared catalogue is the whole catalogue"
        );
        let mut ids = std::collections::HashSet::new();
        for entry in &catalogue.entries {
            let id = &entry.id;
            assert!(ids.insert(id.clone()), "{id} appears twice");
            assert!(entry.title.is_complete(), "{id}: title needs en and ru");
            assert!(entry.fix.is_complete(), "{id}: fix needs en and ru");
            assert!(!entry.causes.is_empty(), "{id}: no cause");
            assert!(
                entry.causes.iter().all(Text::is_complete),
                "{id}: every cause needs en and ru"
            );
            assert!(!entry.source.trim().is_empty(), "{id}: no source reference");
            assert!(
                entry.has_answer_matcher(),
                "{id}: matches on nothing about the answer"
            );
            // Russian text is Cyrillic, not a copy of the English.
            assert!(
                entry
                    .title
                    .ru
                    .chars()
                    .any(|c| ('а'..='я').contains(&c.to_lowercase().next().unwrap_or(c))),
                "{id}: the Russian title is not Russian"
            );
        }
    }

    #[test]
    fn a_broken_file_is_reported_not_panicked() {
        assert!(matches!(
            Catalogue::parse(&[("bad.toml", "[[entry]]\nid = 1")]),
            Err(CatalogueError::Syntax { .. })
        ));
        let bad_pattern = r#"
[[entry]]
id = "x"
source = "s"
description = "("
title.en = "t"
title.ru = "т"
fix.en = "f"
fix.ru = "ф"
"#;
        assert!(matches!(
            Catalogue::parse(&[("bad.toml", bad_pattern)]),
            Err(CatalogueError::Pattern { .. })
        ));
    }
}
