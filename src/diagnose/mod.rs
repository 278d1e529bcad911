//! Why did it fail? A provider error catalogue (as data, under
//! `assets/catalogue/`) and the engine that picks its entries for one
//! failure: the response status, the `error` code, the `error_description`
//! text, the `WWW-Authenticate` challenge, the provider of the profile, the
//! transport failure and what this run sent. (The mistakes we can see
//! coming before a request goes out are `crate::oauth::lint`.)
//!
//! Never imports egui; every text exists in English and Russian.

// Pasted text and provider answers are hostile: a byte slice inside a letter
// or an index past the end is a panic, so slices and indexes go through
// `get`, and the few proven safe say why in an `expect`.
#![deny(clippy::string_slice, clippy::indexing_slicing)]

pub mod catalogue;
pub mod context;
pub mod paste;

use std::fmt::Write as _;

use serde::Serialize;

use crate::i18n::{Language, Text};

pub use catalogue::{Catalogue, catalogue};
pub use context::{BodyShape, Endpoint, FailureContext, SentFact, TransportKind};
pub use paste::{PastedError, PastedErrors, PastedOrigin, find_pasted_errors, read_pasted_errors};

/// One catalogue entry that fits a failure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The entry's stable id (`rfc6749.token.invalid_client`, `sber.unknown_code`, …).
    pub id: String,
    /// What it is, in a few words.
    pub title: Text,
    /// The likely causes, most likely first.
    pub causes: Vec<Text>,
    /// What to do.
    pub fix: Text,
    /// The spec section or provider document it comes from.
    pub source: String,
    /// What of the failure it matched on (`error`, `error_description`, `provider`, `sent`, …).
    pub matched_on: Vec<&'static str>,
}

/// Every catalogue entry that fits one failure, most specific first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    /// The findings; empty when nothing in the catalogue fits.
    pub entries: Vec<Finding>,
}

impl Diagnosis {
    /// Whether nothing fits.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// One line for logs, reports and the terminal: the first finding's
    /// title, cause, fix and source.
    pub fn summary(&self, language: Language) -> Option<String> {
        let first = self.entries.first()?;
        let mut line = first.title.get(language).to_owned();
        if let Some(cause) = first.causes.first() {
            line.push_str(": ");
            line.push_str(cause.get(language));
        }
        let fix = match language {
            Language::En => "Fix",
            Language::Ru => "Что сделать",
        };
        let _ = write!(
            line,
            " {fix}: {} ({})",
            first.fix.get(language),
            first.source
        );
        Some(line)
    }

    /// Whether any finding has `id`.
    pub fn has(&self, id: &str) -> bool {
        self.entries.iter().any(|f| f.id == id)
    }
}

/// Picks the catalogue entries that fit `context`, most specific first.
/// Entries marked as fallbacks are kept only when nothing else fits.
pub fn diagnose(context: &FailureContext) -> Diagnosis {
    diagnose_with(catalogue(), context)
}

/// [`diagnose`] with a given catalogue.
pub fn diagnose_with(catalogue: &Catalogue, context: &FailureContext) -> Diagnosis {
    let mut matched: Vec<(u32, bool, Finding)> = catalogue
        .entries
        .iter()
        .filter_map(|entry| {
            let on = entry.matches(context)?;
            Some((
                entry.specificity(),
                entry.fallback,
                Finding {
                    id: entry.id.clone(),
                    title: entry.title.clone(),
                    causes: entry.causes.clone(),
                    fix: entry.fix.clone(),
                    source: entry.source.clone(),
                    matched_on: on,
                },
            ))
        })
        .collect();
    if matched.iter().any(|(_, fallback, _)| !fallback) {
        matched.retain(|(_, fallback, _)| !fallback);
    }
    // Stable: equally specific entries keep the catalogue's order.
    matched.sort_by_key(|(score, _, _)| std::cmp::Reverse(*score));
    Diagnosis {
        entries: matched.into_iter().map(|(_, _, f)| f).collect(),
    }
}
