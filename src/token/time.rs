//! Instants and their live status relative to "now".
//!
//! Nothing here reads the clock: every function that compares with "now"
//! takes it as an argument, so tests and the headless `decode` command are
//! deterministic.

use serde::Serialize;

/// The last instant read as a date: 9999-12-31T23:59:59Z. RFC 3339 (§5.6)
/// writes years in four digits, and no token means a later one.
pub const LAST_REAL_INSTANT: i64 = 253_402_300_799;

/// The first instant of year 0000, the first RFC 3339 can write.
const FIRST_WRITABLE_INSTANT: i64 = -62_167_219_200;

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

    /// Whether a token can mean this instant: from 1970 to the end of 9999.
    /// A `NumericDate` counts from 1970 (RFC 7519 §2), so an earlier one is
    /// a mistake, and a later one overflows every date format.
    pub const fn is_real(self) -> bool {
        0 <= self.0 && self.0 <= LAST_REAL_INSTANT
    }

    /// The instant as a date, within the years RFC 3339 can write (0000–9999).
    fn date(self) -> Option<chrono::DateTime<chrono::Utc>> {
        if (FIRST_WRITABLE_INSTANT..=LAST_REAL_INSTANT).contains(&self.0) {
            chrono::DateTime::from_timestamp(self.0, 0)
        } else {
            None
        }
    }

    /// ISO 8601 / RFC 3339 in UTC, e.g. `2026-11-21T20:00:06Z`; `None` out of
    /// the years 0000–9999.
    pub fn to_rfc3339_utc(self) -> Option<String> {
        self.date()
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    }

    /// Wall-clock time in `zone`, e.g. `2026-11-21 23:00:06 +03:00`.
    pub fn to_zone_string(self, zone: Zone) -> String {
        let format = crate::tr!("datetime-format");
        match (self.date(), zone) {
            (Some(utc), Zone::Local) => utc
                .with_timezone(&chrono::Local)
                .format(&format)
                .to_string(),
            (Some(utc), Zone::Utc) => utc.format(&format).to_string(),
            (None, _) => crate::tr!("datetime-out-of-range", value = self.0.to_string()),
        }
    }
}

/// An instant read from a token or a token response: the instant, for
/// comparing with "now", and the value as written when it is not a real one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimeValue {
    /// The instant in whole seconds: a fraction is dropped, a value past the
    /// range of `i64` saturates, so it still compares the right way.
    pub at: Timestamp,
    /// The value as written, when it is not a real instant (before 1970,
    /// after 9999) or not a real lifetime: shown as it is, never wrapped.
    pub not_real: Option<String>,
}

impl TimeValue {
    fn new(at: Timestamp, written: impl FnOnce() -> String) -> Self {
        Self {
            at,
            not_real: (!at.is_real()).then(written),
        }
    }

    /// A JSON number as a `NumericDate` (RFC 7519 §2): seconds, possibly
    /// fractional, possibly absurd (`1e300`, `-5`).
    pub fn from_number(number: &serde_json::Number) -> Self {
        let seconds = number
            .as_i64()
            .or_else(|| number.as_u64().map(|_| i64::MAX))
            .unwrap_or_else(|| seconds_of_float(number.as_f64().unwrap_or(f64::NAN)));
        let mut value = Self::new(Timestamp::from_unix(seconds), || number.to_string());
        if number.as_f64().is_none_or(f64::is_nan) {
            value.not_real = Some(number.to_string());
        }
        value
    }

    /// A `NumericDate` sent as a string of whole seconds (`"1795389606"`),
    /// as some providers do; `None` when it is not one.
    pub fn from_seconds_text(text: &str) -> Option<Self> {
        let text = text.trim();
        let seconds: i64 = text.parse().ok()?;
        Some(Self::new(Timestamp::from_unix(seconds), || text.to_owned()))
    }

    /// The end of a lifetime in seconds counted from `from`: `expires_in`
    /// (RFC 6749 §5.1), written as a number or a string. A negative lifetime,
    /// or one that ends after 9999 (`1.8e23`), is not a real one. `None` when
    /// the text is no number at all.
    pub fn after_lifetime(from: Timestamp, written: &str) -> Option<Self> {
        let written = written.trim();
        let seconds = match written.parse::<i64>() {
            Ok(seconds) => seconds,
            Err(_) => seconds_of_float(written.parse::<f64>().ok().filter(|f| f.is_finite())?),
        };
        let at = from.plus_seconds(seconds);
        Some(Self {
            at,
            not_real: (seconds < 0 || !at.is_real()).then(|| written.to_owned()),
        })
    }
}

/// Whole seconds of a float: the fraction dropped, the `i64` range saturated
/// (Rust's `as` saturates, and NaN becomes 0: callers mark it not real).
fn seconds_of_float(seconds: f64) -> i64 {
    #[expect(
        clippy::cast_possible_truncation,
        reason = "whole seconds are enough; the cast saturates"
    )]
    let whole = seconds.floor() as i64;
    whole
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
    /// The value as written, when it is not a real instant or lifetime
    /// (`exp: 1e300`, `expires_in: -5`): the phrase says so.
    pub not_real: Option<String>,
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
        let (state, mut phrase) = match self.meaning {
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
        // The state still follows the saturated instant, as the checks do;
        // the words say what the value really is.
        if let Some(written) = &self.not_real {
            let (name, value) = (self.name.as_str(), written.as_str());
            phrase = if self.computed_from.is_some() {
                crate::tr!("time-not-real-lifetime", name = name, value = value)
            } else {
                crate::tr!("time-not-real-instant", name = name, value = value)
            };
        }
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
            not_real: None,
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
        assert!(Timestamp::from_unix(i64::MIN).to_rfc3339_utc().is_none());
        for zone in [Zone::Utc, Zone::Local] {
            for at in [i64::MIN, -62_167_219_201, LAST_REAL_INSTANT + 1, i64::MAX] {
                assert!(
                    Timestamp::from_unix(at)
                        .to_zone_string(zone)
                        .contains("out of range"),
                    "{at}"
                );
            }
        }
    }

    #[test]
    fn the_last_real_instant_is_the_end_of_9999() {
        let last = Timestamp::from_unix(LAST_REAL_INSTANT);
        assert_eq!(
            last.to_rfc3339_utc().as_deref(),
            Some("9999-12-31T23:59:59Z")
        );
        assert!(last.is_real());
        assert!(!last.plus_seconds(1).is_real());
        assert!(!Timestamp::from_unix(-1).is_real());
        assert_eq!(
            Timestamp::from_unix(-62_167_219_200)
                .to_rfc3339_utc()
                .as_deref(),
            Some("0000-01-01T00:00:00Z")
        );
    }

    fn number(json: &str) -> TimeValue {
        let serde_json::Value::Number(n) = serde_json::from_str(json).expect("a number") else {
            panic!("{json} is a number")
        };
        TimeValue::from_number(&n)
    }

    #[test]
    fn absurd_numeric_dates_are_kept_as_written() {
        assert_eq!(number("1795389606").not_real, None);
        assert_eq!(number("1795389606.75").at.unix(), 1_795_389_606);
        assert_eq!(number("1795389606.75").not_real, None);
        let far = number("1e300");
        assert_eq!(far.at.unix(), i64::MAX);
        // serde_json writes the float back its own way.
        assert_eq!(far.not_real.as_deref(), Some("1e+300"));
        assert_eq!(number("18446744073709551615").at.unix(), i64::MAX);
        assert_eq!(number("-5").not_real.as_deref(), Some("-5"));
        assert_eq!(number("-1e300").at.unix(), i64::MIN);
        assert_eq!(
            number("253402300800").not_real.as_deref(),
            Some("253402300800")
        );
        assert_eq!(
            TimeValue::from_seconds_text(" 1795389606 ").map(|v| v.at.unix()),
            Some(1_795_389_606)
        );
        assert_eq!(TimeValue::from_seconds_text("завтра"), None);
    }

    #[test]
    fn absurd_lifetimes_are_kept_as_written() {
        let from = Timestamp::from_unix(1_795_387_806);
        let real = TimeValue::after_lifetime(from, "300").expect("a number");
        assert_eq!(real.at.unix(), 1_795_388_106);
        assert_eq!(real.not_real, None);
        for absurd in [
            "1.8e23",
            "-5",
            "9223372036854775807",
            "-9223372036854775808",
        ] {
            let value = TimeValue::after_lifetime(from, absurd).expect("a number");
            assert_eq!(value.not_real.as_deref(), Some(absurd), "{absurd}");
        }
        for not_a_number in ["", "час", "NaN", "inf", "😀"] {
            assert_eq!(
                TimeValue::after_lifetime(from, not_a_number),
                None,
                "{not_a_number}"
            );
        }
        let claim = TimeClaim {
            name: "expires_in".to_owned(),
            at: from.plus_seconds(i64::MAX),
            meaning: TimeMeaning::Expiry,
            computed_from: Some("expires_in = 1.8e23 s".to_owned()),
            not_real: Some("1.8e23".to_owned()),
        };
        assert_eq!(
            claim.status(from).phrase,
            "expires_in is 1.8e23 s: not a real lifetime"
        );
        let claim = TimeClaim {
            name: "exp".to_owned(),
            computed_from: None,
            not_real: Some("-5".to_owned()),
            at: Timestamp::from_unix(-5),
            meaning: TimeMeaning::Expiry,
        };
        let status = claim.status(from);
        assert_eq!(status.phrase, "exp is -5: not a real instant");
        assert_eq!(status.state, TimeState::Expired);
    }
}
