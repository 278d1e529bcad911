//! Work on hostile input whose bug must not take the window down.
//!
//! Inspection and verification read whatever the user pasted. They are
//! meant to be total (and fuzzed), but a bug that slips through must cost
//! one paste's result, not the window and the user's text with it: the work
//! runs under [`catching`], and a panic becomes an [`InternalError`] the
//! window shows with a report to copy.

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

/// Which piece of work failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GuardedWork {
    /// Finding and decoding the tokens of a paste.
    Inspection,
    /// Checking signatures of the paste's tokens.
    Verification,
}

impl GuardedWork {
    fn as_str(self) -> &'static str {
        match self {
            Self::Inspection => "inspection",
            Self::Verification => "verification",
        }
    }
}

/// A bug hit while working on a paste: what failed, the panic's message and
/// where it happened. It holds no pasted text (a paste can hold secrets).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InternalError {
    /// What was being done.
    pub work: GuardedWork,
    /// The panic message.
    pub message: String,
    /// `file:line:column` of the panic, when the hook saw it.
    pub location: Option<String>,
    /// The shape of the input the work read (its size, never its text).
    pub input: Option<InputShape>,
}

/// The size of an input, for a report that must not carry the input itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InputShape {
    /// Bytes of UTF-8.
    pub bytes: usize,
    /// Lines.
    pub lines: usize,
    /// Characters outside ASCII.
    pub non_ascii: usize,
}

impl InputShape {
    /// Measures `text`.
    pub fn of(text: &str) -> Self {
        Self {
            bytes: text.len(),
            lines: text.lines().count(),
            non_ascii: text.chars().filter(|c| !c.is_ascii()).count(),
        }
    }
}

impl InternalError {
    /// A plain-text report for a bug ticket: version, what failed and where,
    /// and the size of the input — never the input itself.
    pub fn report(&self) -> String {
        let input = self.input.map_or_else(
            || "not recorded".to_owned(),
            |shape| {
                format!(
                    "{} bytes, {} lines, {} non-ASCII characters",
                    shape.bytes, shape.lines, shape.non_ascii
                )
            },
        );
        format!(
            "tokenscope {version}: internal error during {work}\n\
             panic: {message}\n\
             at: {location}\n\
             input: {input}\n\
             os: {os} {arch}\n",
            version = env!("CARGO_PKG_VERSION"),
            work = self.work.as_str(),
            message = self.message,
            location = self.location.as_deref().unwrap_or("unknown"),
            os = std::env::consts::OS,
            arch = std::env::consts::ARCH,
        )
    }
}

thread_local! {
    /// The location of the last panic on this thread, left by the hook.
    static LAST_PANIC_LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Wraps the process's panic hook once so the location of a panic can be
/// reported; the previous hook still runs (the message still reaches stderr).
fn install_location_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let location = info
                .location()
                .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
            LAST_PANIC_LOCATION.with(|last| *last.borrow_mut() = location);
            previous(info);
        }));
    });
}

/// Runs `work` on `input`; a panic inside it is caught and returned as an
/// [`InternalError`] instead of unwinding further.
pub fn catching<T>(
    what: GuardedWork,
    input: Option<&str>,
    work: impl FnOnce() -> T,
) -> Result<T, InternalError> {
    install_location_hook();
    LAST_PANIC_LOCATION.with(|last| last.borrow_mut().take());
    // The work only reads its input and builds a fresh value: nothing it
    // shares with the caller can be left half-changed by the unwind.
    panic::catch_unwind(AssertUnwindSafe(work)).map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_owned());
        InternalError {
            work: what,
            message,
            location: LAST_PANIC_LOCATION.with(|last| last.borrow_mut().take()),
            input: input.map(InputShape::of),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error_with_its_location() {
        let paste = "Токен истёк\nsecret-value";
        let error = catching(GuardedWork::Inspection, Some(paste), || -> usize {
            let text = "Токен истёк";
            // A byte slice inside a Cyrillic letter: the kind of bug this guards against.
            text.get(..1)
                .map_or_else(|| panic!("cut inside a character"), str::len)
        })
        .unwrap_err();
        assert_eq!(error.work, GuardedWork::Inspection);
        assert_eq!(error.message, "cut inside a character");
        let location = error.location.clone().expect("the hook saw where");
        assert!(location.starts_with("src/model/guard.rs:"), "{location}");
        let report = error.report();
        assert!(report.contains("during inspection"), "{report}");
        assert!(
            report.contains("34 bytes, 2 lines, 10 non-ASCII characters"),
            "{report}"
        );
        assert!(
            !report.contains("secret-value"),
            "the report never carries the paste: {report}"
        );
    }

    #[test]
    fn work_that_returns_is_passed_through() {
        assert_eq!(catching(GuardedWork::Verification, None, || 42), Ok(42));
    }
}
