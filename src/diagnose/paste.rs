//! Error answers in pasted text (a log, a ticket, an e-mail), diagnosed the
//! same way as a failed step.

use serde::Serialize;

use crate::token::extract::{ErrorFields, ErrorOrigin, find_error_fields};

use super::context::{BodyShape, Endpoint, FailureContext};
use super::{Diagnosis, diagnose};

/// Where the pasted error was found (as `decode` reports it).
pub type PastedOrigin = ErrorOrigin;

/// A pasted text longer than this is not read as one bare error message.
const BARE_MESSAGE_BYTES: usize = 2_000;

/// One error answer found in a paste, with its diagnosis.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PastedError {
    /// Where it was found.
    pub origin: Option<PastedOrigin>,
    /// `error`, or the provider's code.
    pub error: Option<String>,
    /// `error_description`, or the provider's message.
    pub description: Option<String>,
    /// The HTTP status, when the paste showed one.
    pub status: Option<u16>,
    /// How many times the same error appears.
    pub occurrences: usize,
    /// The provider the answer's shape tells, if any.
    pub provider: Option<String>,
    /// The catalogue's findings.
    pub diagnosis: Diagnosis,
}

/// The error answers of a paste, diagnosed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PastedErrors {
    /// Distinct answers in order of first appearance, each diagnosed.
    pub errors: Vec<PastedError>,
    /// Occurrences of answers beyond the distinct ones kept
    /// ([`crate::token::extract::MAX_ERROR_ANSWERS`]), neither kept nor diagnosed.
    pub dropped: usize,
}

/// Every error answer in `text`, de-duplicated, each diagnosed. When none
/// has fields but the whole (short) paste is a known message (`Unknown code
/// = …`, a Keycloak error page), that message is diagnosed.
pub fn find_pasted_errors(text: &str) -> Vec<PastedError> {
    read_pasted_errors(text).errors
}

/// [`find_pasted_errors`], and how many answers were left out.
pub fn read_pasted_errors(text: &str) -> PastedErrors {
    let answers = find_error_fields(text);
    let mut errors: Vec<PastedError> = answers
        .answers
        .iter()
        .filter_map(|fields| {
            let error = pasted(fields);
            // `error=` in a log line may be anything (`error=none`): only an
            // error the catalogue knows counts there.
            (fields.origin != ErrorOrigin::LogLine || !error.diagnosis.is_empty()).then_some(error)
        })
        .collect();
    if errors.is_empty() {
        errors.extend(bare_message(text));
    }
    PastedErrors {
        errors,
        dropped: answers.dropped,
    }
}

fn pasted(fields: &ErrorFields) -> PastedError {
    let object: serde_json::Map<String, serde_json::Value> = fields
        .fields
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::from(v.clone())))
        .collect();
    let mut context = FailureContext {
        endpoint: Some(match fields.origin {
            ErrorOrigin::RedirectUrl => Endpoint::Authorization,
            ErrorOrigin::WwwAuthenticate => Endpoint::Resource,
            _ => Endpoint::Token,
        }),
        status: fields.status,
        body: match fields.origin {
            ErrorOrigin::JsonBody => BodyShape::Json,
            ErrorOrigin::FormBody => BodyShape::Form,
            _ => BodyShape::Unknown,
        },
        body_text: super::context::keep(&serde_json::to_string(&object).unwrap_or_default()),
        ..FailureContext::default()
    };
    context.read_fields(&object);
    if let Some(challenge) = &fields.challenge {
        context.read_challenge(challenge);
    }
    context.infer_provider();
    PastedError {
        origin: Some(fields.origin),
        error: context.error.clone(),
        description: context.description.clone(),
        status: context.status,
        occurrences: fields.occurrences,
        provider: context.provider.clone(),
        diagnosis: diagnose(&context),
    }
}

/// A short paste that is one known message, with no fields around it.
fn bare_message(text: &str) -> Option<PastedError> {
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed.len() > BARE_MESSAGE_BYTES {
        return None;
    }
    let mut context = FailureContext {
        description: Some(trimmed.to_owned()),
        body: super::context::shape_of("", trimmed),
        body_text: trimmed.to_owned(),
        ..FailureContext::default()
    };
    context.infer_provider();
    let diagnosis = diagnose(&context);
    // Only a message the catalogue knows by its words counts, not a guess.
    let known = diagnosis
        .entries
        .iter()
        .any(|f| f.matched_on.contains(&"error_description") || f.matched_on.contains(&"body"));
    known.then(|| PastedError {
        origin: None,
        error: None,
        description: Some(trimmed.lines().next().unwrap_or(trimmed).to_owned()),
        status: None,
        occurrences: 1,
        provider: context.provider.clone(),
        diagnosis,
    })
}
