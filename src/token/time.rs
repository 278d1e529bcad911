//! Instants and their live status relative to "now".
//!
//! Nothing here reads the clock: every function that compares with "now"
//! takes it as an argument, so tests and the headless `decode` command are
//! deterministic.

use serde::Serialize;

/// Seconds since the Unix epoch, as JWT `NumericDate` values are (RFC 7519 §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Timestamp(i64);

impl Timestamp {
    /// A timestamp from Unix seconds.
    pub const fn from_unix(seconds: i64) -> Self {
        Self(seconds)
    }

    /// Unix seconds.
    pub const fn unix(self) -> i64 {
        self.0
    }

    /// This instant moved by `seconds` (saturating, so hostile claims cannot overflow).
    #[must_use]
    pub const fn plus_seconds(self, seconds: i64) -> Self {
        Self(self.0.saturating_add(seconds))
    }

    /// ISO 8601 / RFC 3339 in UTC, e.g. `2026-11-21T20:00:06Z`; `None` when out of range.
    pub fn to_rfc3339_utc(self) -> Option<String> {
        chrono::DateTime::from_timestamp(self.0, 0)
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    }

    /// Wall-clock time in `zone`, e.g. `2026-11-21 23:00:06 +03:00`.
    pub fn to_zone_string(self, zone: Zone) -> String {
        let format = crate::tr!("datetime-format");
        match (chrono::DateTime::from_timestamp(self.0, 0), zone) {
            (Some(utc), Zone::Local) => utc
                .with_timezone(&chrono::Local)
                .format(&format)
                .to_string(),
            (Some(utc), Zone::Utc) => utc.format(&format).to_string(),
            (None, _) => crate::tr!("datetime-out-of-range", value = self.0.to_string()),
        }
    }
}

/// Which wall clock instants are shown in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Zone {
    /// The machine's time zone.
    #[default]
    Local,
    /// UTC, as server logs are usually written.
    Utc,
}

/// What an instant means, which decides how it reads against "now".
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeMeaning {
    /// `exp`: the token must not be accepted at or after this instant (RFC 7519 §4.1.4).
    Expiry,
    /// `nbf`: the token must not be accepted before this instant (RFC 7519 §4.1.5).
    NotBefore,
    /// `iat`: when the token was issued (RFC 7519 §4.1.6).
    IssuedAt,
    /// `auth_time`: when the user last authenticated (OIDC Core §2).
    AuthTime,
    /// Any other instant, e.g. `updated_at` (OIDC Core §5.1).
    Other,
}

/// A named instant found in a token or computed from a token response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TimeClaim {
    /// Claim name (`exp`) or the response field it was computed from (`expires_in`).
    pub name: String,
    /// The instant.
    pub at: Timestamp,
    /// How it reads against "now".
    pub meaning: TimeMeaning,
    /// Set when the instant was computed from a relative lifetime in the
    /// surrounding response (`expires_in` seconds after the paste).
    pub computed_from: Option<String>,
}

/// How an instant stands against "now", for colouring.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeState {
    /// Still valid, more than [`EXPIRES_SOON_SECONDS`] left.
    Valid,
    /// Valid, but expiring within [`EXPIRES_SOON_SECONDS`].
    ExpiresSoon,
    /// At or past the expiry.
    Expired,
    /// Before `nbf`, or an `iat`/`auth_time` in the future: a clock-skew sign.
    NotYetValid,
    /// A past instant with no validity meaning (`iat`, `auth_time`).
    Past,
}

/// Below this many seconds left, an expiry is shown as "soon".
pub const EXPIRES_SOON_SECONDS: i64 = 60;

/// The status of one instant at one "now".
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TimeStatus {
    /// For colouring.
    pub state: TimeState,
    /// Plain words: "expires in 4:12", "expired 3 days ago".
    pub phrase: String,
    /// `at - now` in seconds: positive in the future.
    pub seconds_from_now: i64,
}

impl TimeClaim {
    /// How this instant reads at `now`.
    pub fn status(&self, now: Timestamp) -> TimeStatus {
        let delta = self.at.unix().saturating_sub(now.unix());
        let span = format_span(delta.unsigned_abs());
        let ago = format_ago(delta.unsigned_abs());
        let (state, phrase) = match self.meaning {
            TimeMeaning::Expiry if delta > 0 => {
                let state = if delta <= EXPIRES_SOON_SECONDS {
                    TimeState::ExpiresSoon
                } else {
                    TimeState::Valid
                };
                (state, crate::tr!("time-expires-in", span = span))
            }
            TimeMeaning::Expiry if delta == 0 => {
                (TimeState::Expired, crate::tr!("time-expires-now"))
            }
            TimeMeaning::Expiry => (
                TimeState::Expired,
                crate::tr!("time-expired-ago", ago = ago),
            ),
            TimeMeaning::NotBefore if delta > 0 => (
                TimeState::NotYetValid,
                crate::tr!("time-not-valid-for", span = span),
            ),
            TimeMeaning::NotBefore => (TimeState::Valid, crate::tr!("time-valid-since", ago = ago)),
            TimeMeaning::IssuedAt | TimeMeaning::AuthTime if delta > 0 => (
                TimeState::NotYetValid,
                crate::tr!("time-in-future-skew", span = span),
            ),
            TimeMeaning::IssuedAt => (TimeState::Past, crate::tr!("time-issued-ago", ago = ago)),
            TimeMeaning::AuthTime => (TimeState::Past, crate::tr!("time-signed-in-ago", ago = ago)),
            TimeMeaning::Other if delta > 0 => {
                (TimeState::Past, crate::tr!("time-in", span = span))
            }
            TimeMeaning::Other => (TimeState::Past, crate::tr!("time-ago", ago = ago)),
        };
        TimeStatus {
            state,
            phrase,
            seconds_from_now: delta,
        }
    }
}

/// A duration as people read a countdown: `0:40`, `4:12`, `1:04:12`, `3 days`.
pub fn format_span(seconds: u64) -> String {
    const MINUTE: u64 = 60;
    const HOUR: u64 = 60 * MINUTE;
    const DAY: u64 = 24 * HOUR;
    if seconds < HOUR {
        format!("{}:{:02}", seconds / MINUTE, seconds % MINUTE)
    } else if seconds < DAY {
        format!(
            "{}:{:02}:{:02}",
            seconds / HOUR,
            (seconds % HOUR) / MINUTE,
            seconds % MINUTE
        )
    } else {
        crate::tr!("unit-days", count = seconds / DAY)
    }
}

/// A past duration in words once it is past an hour ("23 hours", "3 days"),
/// as a clock below that ("4:12"): nobody reads "23:30:00 ago".
pub fn format_ago(seconds: u64) -> String {
    const HOUR: u64 = 3_600;
    const DAY: u64 = 24 * HOUR;
    match seconds {
        s if s < HOUR => format_span(s),
        s if s < DAY => crate::tr!("unit-hours", count = s / HOUR),
        s => format_span(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(meaning: TimeMeaning, at: i64) -> TimeClaim {
        TimeClaim {
            name: "exp".to_owned(),
            at: Timestamp::from_unix(at),
            meaning,
            computed_from: None,
        }
    }

    #[test]
    fn countdown_reads_like_a_clock() {
        let now = Timestamp::from_unix(1_000_000);
        let status = claim(TimeMeaning::Expiry, 1_000_252).status(now);
        assert_eq!(status.phrase, "expires in 4:12");
        assert_eq!(status.state, TimeState::Valid);
        let status = claim(TimeMeaning::Expiry, 1_000_000 - 3 * 86_400 - 5).status(now);
        assert_eq!(status.phrase, "expired 3 days ago");
        assert_eq!(status.state, TimeState::Expired);
        let status = claim(TimeMeaning::NotBefore, 1_000_040).status(now);
        assert_eq!(status.phrase, "not valid for another 0:40");
        assert_eq!(status.state, TimeState::NotYetValid);
        let status = claim(TimeMeaning::Expiry, 1_000_030).status(now);
        assert_eq!(status.state, TimeState::ExpiresSoon);
    }

    #[test]
    fn spans() {
        assert_eq!(format_span(0), "0:00");
        assert_eq!(format_span(3_599), "59:59");
        assert_eq!(format_span(3_600), "1:00:00");
        assert_eq!(format_span(86_399), "23:59:59");
        assert_eq!(format_span(86_400), "1 day");
        assert_eq!(format_span(10 * 86_400), "10 days");
        assert_eq!(format_ago(84_600), "23 hours");
        assert_eq!(format_ago(4_000), "1 hour");
        assert_eq!(format_ago(252), "4:12");
    }

    #[test]
    fn hostile_instants_do_not_overflow() {
        let now = Timestamp::from_unix(0);
        let status = claim(TimeMeaning::Expiry, i64::MAX).status(now);
        assert_eq!(status.state, TimeState::Valid);
        let status = claim(TimeMeaning::Expiry, i64::MIN).status(Timestamp::from_unix(i64::MAX));
        assert_eq!(status.state, TimeState::Expired);
        assert!(Timestamp::from_unix(i64::MAX).to_rfc3339_utc().is_none());
    }
}
