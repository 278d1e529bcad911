//! The provider's clock, read from the `Date` header of its answers
//! (RFC 9110 §6.6.1: an origin server with a clock sends it). A provider
//! whose clock runs ahead issues tokens "from the future" (`iat`, `nbf`);
//! one behind issues tokens that look expired early. Said on the step's card
//! and `run` line, and beside the time checks it explains.

use crate::net::RecordedResponse;
use crate::token::Timestamp;

/// Skew below this is not worth saying: `Date` has one-second resolution
/// and the answer spent some time on the way.
pub const SKEW_SAID_FROM_SECONDS: i64 = 30;

/// How far the provider's clock is ahead of ours (negative: behind), in
/// seconds, by the answer's `Date` header against `received`, the local
/// time the answer arrived; `None` without a readable `Date`.
pub fn skew_seconds(response: &RecordedResponse, received: Timestamp) -> Option<i64> {
    let date = response.header("date")?;
    // IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") reads as RFC 2822.
    let provider = chrono::DateTime::parse_from_rfc2822(date.trim()).ok()?;
    provider.timestamp().checked_sub(received.unix())
}

/// "the provider's clock is 3 minutes ahead of yours (its Date header)", in the
/// thread's language, when the skew is worth saying.
pub fn describe(skew_seconds: i64) -> Option<String> {
    let amount = skew_seconds.unsigned_abs();
    if amount < SKEW_SAID_FROM_SECONDS.unsigned_abs() {
        return None;
    }
    let span = if amount < 120 {
        crate::tr!("unit-seconds", count = amount)
    } else {
        crate::tr!("unit-minutes", count = amount / 60)
    };
    Some(if skew_seconds > 0 {
        crate::tr!("provider-clock-ahead", span = span)
    } else {
        crate::tr!("provider-clock-behind", span = span)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(date: &str) -> RecordedResponse {
        RecordedResponse {
            status: 200,
            reason: "OK".to_owned(),
            version: "HTTP/1.1".to_owned(),
            headers: vec![("Date".to_owned(), date.to_owned())],
            body: Vec::new(),
            truncated_at: None,
        }
    }

    #[test]
    fn the_date_header_gives_the_provider_s_skew() {
        // Fri, 04 Dec 2026 19:53:46 GMT
        let received = Timestamp::from_unix(1_796_414_026);
        let ahead = answer("Fri, 04 Dec 2026 19:56:46 GMT");
        assert_eq!(skew_seconds(&ahead, received), Some(180));
        assert_eq!(
            describe(180).as_deref(),
            Some("the provider's clock is 3 minutes ahead of yours (by its Date header)")
        );
        let behind = answer("Fri, 04 Dec 2026 19:53:01 GMT");
        assert_eq!(skew_seconds(&behind, received), Some(-45));
        assert_eq!(
            describe(-45).as_deref(),
            Some("the provider's clock is 45 seconds behind yours (by its Date header)")
        );
        assert_eq!(describe(-2), None, "a second or two is the way there");
        for broken in ["", "вчера", "Fri, 99 Dec 2026 19:53:46 GMT", "🙂"] {
            assert_eq!(skew_seconds(&answer(broken), received), None, "{broken}");
        }
    }
}
