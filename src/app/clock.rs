//! The app's clock: the one place that reads the system time.

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

/// Unix seconds from the system clock: [`crate::clock::system_now`].
pub use crate::clock::system_now;
