//! The system clock, read in one place. Everything else takes "now" as a
//! parameter (the window's `Clock`, the commands' `--now`), so time can be
//! fixed in tests; headless code (the sandbox, `run`) takes this function.

use crate::token::Timestamp;

/// Where "now" comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clock {
    /// The system clock.
    System,
    /// A fixed instant: tests, screenshots and `--now`.
    Fixed(Timestamp),
}

impl Clock {
    /// The current instant.
    pub fn now(self) -> Timestamp {
        match self {
            Self::Fixed(at) => at,
            Self::System => system_now(),
        }
    }
}

/// Unix seconds from the system clock (0 if the clock is before 1970).
#[expect(
    clippy::disallowed_methods,
    reason = "the one sanctioned read of the system clock"
)]
pub fn system_now() -> Timestamp {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    Timestamp::from_unix(seconds)
}
