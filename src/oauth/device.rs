//! The device authorization grant (RFC 8628): the device authorization
//! request and response, the token poll, and the poll schedule — when to
//! ask next, with `slow_down` adding 5 seconds (§3.5). Pure: the waiting is
//! the caller's (the runner takes it as a parameter, the app's job uses the
//! tokio timer), so tests drive the timing without sleeping.

// What a server sends is hostile input: no byte index that can cut a
// character, no index that can panic.
#![deny(clippy::string_slice, clippy::indexing_slicing)]

use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use crate::net::{Exchange, RequestDraft};
use crate::secret::Secret;
use crate::token::Timestamp;

use super::flow::{self, Credentials, SentSeconds, StepFailure, TokenSet};
use super::profile::{Profile, RequestKind};

/// `grant_type` of the device access token request (RFC 8628 §3.4).
pub const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// The polling interval when the provider names none (RFC 8628 §3.2).
pub const DEFAULT_INTERVAL_SECONDS: u64 = 5;

/// What `slow_down` adds to the interval, for this and every later poll (RFC 8628 §3.5).
pub const SLOW_DOWN_SECONDS: u64 = 5;

/// The longest wait between polls: a provider's larger `interval` (1e12 s
/// has been seen) is brought down to it and said; `slow_down` stops here too.
pub const MAX_INTERVAL_SECONDS: u64 = 300;

/// The longest a device code is taken to live: a larger `expires_in` is
/// brought down to it and said, so polling never goes on for years.
pub const MAX_DEVICE_CODE_SECONDS: u64 = 24 * 60 * 60;

/// The device authorization response (RFC 8628 §3.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DeviceAuthorization {
    /// `device_code`: the device's secret for polling.
    #[serde(skip)]
    pub device_code: Secret,
    /// `user_code`: what the user types.
    pub user_code: String,
    /// `verification_uri`: where the user types it.
    pub verification_uri: String,
    /// `verification_uri_complete`: the same with the code in it (for a QR code).
    pub verification_uri_complete: Option<String>,
    /// `expires_in`, seconds, as used: at most [`MAX_DEVICE_CODE_SECONDS`].
    pub expires_in: i64,
    /// `interval`, seconds between polls, as used: 1 to [`MAX_INTERVAL_SECONDS`].
    pub interval: u64,
    /// What was done to numbers that are not real ones ("interval is 1e12 s:
    /// not a real polling interval; polling every 300 s").
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub adjusted: Vec<String>,
}

/// The device authorization request (RFC 8628 §3.1): the profile's `scope`,
/// and the client authentication the token endpoint uses.
pub fn authorization_request(
    profile: &Profile,
    credentials: Credentials<'_>,
) -> Result<RequestDraft, StepFailure> {
    // With `tls_client_auth`, the provider's mTLS alias (RFC 8705 §5), as for the token endpoint.
    let endpoint = profile.endpoint_for("device_authorization_endpoint");
    if endpoint.is_empty() {
        return Err(StepFailure::new(crate::tr!("run-no-device-endpoint")));
    }
    let mut fields = Vec::new();
    let scope = profile
        .scopes
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if !scope.is_empty() {
        fields.push(("scope".to_owned(), scope));
    }
    flow::authenticated_post(
        profile,
        endpoint,
        credentials,
        fields,
        Some(RequestKind::Token),
    )
}

/// The `expires_in` and `interval` of an answer that starts polling (RFC
/// 8628 §3.2, CIBA Core §7.3, which take the same rules): `expires_in` at
/// most a day, `interval` 5 s when absent, 0 or meaningless and at most
/// [`MAX_INTERVAL_SECONDS`]; each value changed is said in `adjusted`.
/// `None` without `expires_in`.
pub(crate) fn poll_timing(
    fields: &serde_json::Map<String, Value>,
    adjusted: &mut Vec<String>,
) -> Option<(u64, u64)> {
    let expires_in = match flow::seconds_member(fields, "expires_in", MAX_DEVICE_CODE_SECONDS)? {
        SentSeconds::Real(seconds) => seconds,
        // Polling ends at the latest after a day; the provider's own
        // expired_token answer ends it sooner (RFC 8628 §3.5).
        SentSeconds::TooLong(value) | SentSeconds::Meaningless(value) => {
            adjusted.push(crate::tr!(
                "run-device-lifetime-adjusted",
                value = value,
                used = MAX_DEVICE_CODE_SECONDS
            ));
            MAX_DEVICE_CODE_SECONDS
        }
    };
    let (interval, note) = match flow::seconds_member(fields, "interval", MAX_INTERVAL_SECONDS) {
        None => (DEFAULT_INTERVAL_SECONDS, None),
        Some(SentSeconds::Real(seconds)) if seconds > 0 => (seconds, None),
        Some(SentSeconds::Real(_)) => (DEFAULT_INTERVAL_SECONDS, Some("0".to_owned())),
        Some(SentSeconds::TooLong(value)) => (MAX_INTERVAL_SECONDS, Some(value)),
        Some(SentSeconds::Meaningless(value)) => (DEFAULT_INTERVAL_SECONDS, Some(value)),
    };
    if let Some(value) = note {
        adjusted.push(crate::tr!(
            "run-interval-adjusted",
            value = value,
            used = interval
        ));
    }
    Some((expires_in, interval))
}

/// Reads the device authorization response (RFC 8628 §3.2, errors §3.2 / RFC 6749 §5.2).
pub fn parse_authorization(exchange: &Exchange) -> Result<DeviceAuthorization, StepFailure> {
    let response = exchange
        .response
        .as_ref()
        .map_err(|e| StepFailure::new(crate::tr!("run-no-answer", error = e.to_string())))?;
    let fields = flow::body_fields(response).ok_or_else(|| match response.truncated_at {
        Some(_) => flow::unreadable(response),
        None => StepFailure::new(crate::tr!("run-device-not-json", status = response.status)),
    })?;
    if let Some(error) = flow::provider_error(response.status, &fields) {
        return Err(flow::failure_from(error));
    }
    let text = |name: &str| fields.get(name).and_then(Value::as_str).map(str::to_owned);
    let missing =
        |name: &str| StepFailure::new(crate::tr!("run-device-missing", name = name.to_owned()));
    let device_code = Secret::new(text("device_code").ok_or_else(|| missing("device_code"))?);
    let user_code = text("user_code").ok_or_else(|| missing("user_code"))?;
    let verification_uri = text("verification_uri")
        // Google's early drafts called it verification_url.
        .or_else(|| text("verification_url"))
        .ok_or_else(|| missing("verification_uri"))?;
    let mut adjusted = Vec::new();
    let (expires_in, interval) =
        poll_timing(&fields, &mut adjusted).ok_or_else(|| missing("expires_in"))?;
    Ok(DeviceAuthorization {
        device_code,
        user_code,
        verification_uri,
        verification_uri_complete: text("verification_uri_complete"),
        expires_in: i64::try_from(expires_in).unwrap_or(i64::MAX),
        interval,
        adjusted,
    })
}

/// The device access token request (RFC 8628 §3.4).
pub fn token_request(
    profile: &Profile,
    credentials: Credentials<'_>,
    device_code: &Secret,
) -> Result<RequestDraft, StepFailure> {
    let fields = vec![
        ("grant_type".to_owned(), GRANT_TYPE.to_owned()),
        ("device_code".to_owned(), device_code.expose().to_owned()),
    ];
    flow::token_request(profile, credentials, fields, RequestKind::Token)
}

/// What one poll of the token endpoint said (RFC 8628 §3.5).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PollOutcome {
    /// The user approved: tokens.
    Tokens(TokenSet),
    /// `authorization_pending`: ask again after the interval. The provider's
    /// error answer, as recorded for the step.
    Pending(StepFailure),
    /// `slow_down`: ask again, 5 seconds slower from now on.
    SlowDown(StepFailure),
    /// `access_denied`, `expired_token` or any other error: stop.
    Failed(StepFailure),
}

/// Reads a poll's answer.
pub fn poll_outcome(exchange: &Exchange) -> PollOutcome {
    match flow::parse_token_response(exchange) {
        Ok(tokens) => PollOutcome::Tokens(tokens),
        // expired_token and access_denied are failures like any other; the
        // error catalogue explains them (RFC 8628 §3.5).
        Err(failure) => match failure.provider_error.as_ref().map(|e| e.error.as_str()) {
            Some("authorization_pending") => PollOutcome::Pending(failure),
            Some("slow_down") => PollOutcome::SlowDown(failure),
            _ => PollOutcome::Failed(failure),
        },
    }
}

/// Whether a recorded failure is a pending poll rather than a real failure
/// (`authorization_pending` or `slow_down`, RFC 8628 §3.5).
pub fn is_pending(failure: &StepFailure) -> bool {
    failure
        .provider_error
        .as_ref()
        .is_some_and(|e| e.error == "authorization_pending" || e.error == "slow_down")
}

/// What a poll of the token endpoint carries: the device code (RFC 8628
/// §3.4) or CIBA's `auth_req_id` (CIBA Core §10.1). The same loop polls both.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PollCode {
    /// `device_code`.
    Device(Secret),
    /// `auth_req_id`.
    Ciba(Secret),
}

impl PollCode {
    /// The step each poll is recorded as.
    pub fn step(&self) -> flow::Step {
        match self {
            Self::Device(_) => flow::Step::DeviceToken,
            Self::Ciba(_) => flow::Step::CibaToken,
        }
    }

    /// The token request of one poll.
    pub fn token_request(
        &self,
        profile: &Profile,
        credentials: Credentials<'_>,
    ) -> Result<RequestDraft, StepFailure> {
        match self {
            Self::Device(code) => token_request(profile, credentials, code),
            Self::Ciba(id) => super::ciba::token_request(profile, credentials, id),
        }
    }
}

/// When to poll: the interval (grown by `slow_down`) and the code's expiry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PollSchedule {
    /// Seconds between polls now.
    pub interval: u64,
    /// When the device code expires.
    pub expires_at: Timestamp,
}

impl PollSchedule {
    /// The schedule of a device authorization answered at `now`.
    pub fn new(authorization: &DeviceAuthorization, now: Timestamp) -> Self {
        Self::starting(authorization.interval, authorization.expires_in, now)
    }

    /// The schedule of any polled grant (the device grant, CIBA poll mode)
    /// whose first answer came at `now`.
    pub fn starting(interval: u64, expires_in: i64, now: Timestamp) -> Self {
        Self {
            interval,
            expires_at: now.plus_seconds(expires_in),
        }
    }

    /// The wait before the next poll.
    pub fn wait(&self) -> Duration {
        Duration::from_secs(self.interval)
    }

    /// Applies a poll's outcome; `true` when polling goes on.
    pub fn after(&mut self, outcome: &PollOutcome) -> bool {
        match outcome {
            PollOutcome::Pending(_) => true,
            PollOutcome::SlowDown(_) => {
                // Saturating and capped: a provider that says slow_down forever
                // slows polling to the longest wait, never to an overflow.
                self.interval = self
                    .interval
                    .saturating_add(SLOW_DOWN_SECONDS)
                    .min(MAX_INTERVAL_SECONDS);
                true
            }
            PollOutcome::Tokens(_) | PollOutcome::Failed(_) => false,
        }
    }

    /// Whether a poll at `at` would come after the code expired.
    pub fn expired(&self, at: Timestamp) -> bool {
        at.unix() >= self.expires_at.unix()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange(status: u16, body: &str) -> Exchange {
        Exchange::json_answer("https://op/token", status, body)
    }

    #[test]
    fn the_authorization_answer_is_read_with_a_default_interval() {
        let answer = parse_authorization(&exchange(
            200,
            r#"{"device_code":"dc","user_code":"WDJB-MJHT","verification_uri":"https://op/device","verification_uri_complete":"https://op/device?user_code=WDJB-MJHT","expires_in":600}"#,
        ))
        .expect("answer");
        assert_eq!(answer.user_code, "WDJB-MJHT");
        assert_eq!(answer.interval, DEFAULT_INTERVAL_SECONDS);
        assert_eq!(answer.device_code.expose(), "dc");
        let missing = parse_authorization(&exchange(200, r#"{"device_code":"dc"}"#));
        assert!(missing.is_err_and(|f| f.message.contains("user_code")));
    }

    #[test]
    fn slow_down_adds_five_seconds_for_good_and_pending_keeps_the_pace() {
        let authorization = DeviceAuthorization {
            device_code: Secret::new("d"),
            user_code: "U".to_owned(),
            verification_uri: "https://op/device".to_owned(),
            verification_uri_complete: None,
            expires_in: 30,
            interval: 2,
            adjusted: Vec::new(),
        };
        let mut schedule = PollSchedule::new(&authorization, Timestamp::from_unix(100));
        let pending = poll_outcome(&exchange(400, r#"{"error":"authorization_pending"}"#));
        assert!(matches!(&pending, PollOutcome::Pending(f) if is_pending(f)));
        assert!(schedule.after(&pending));
        assert_eq!(schedule.wait(), Duration::from_secs(2));
        let slow = poll_outcome(&exchange(400, r#"{"error":"slow_down"}"#));
        assert!(schedule.after(&slow));
        assert_eq!(schedule.wait(), Duration::from_secs(7));
        assert!(schedule.after(&pending));
        assert_eq!(
            schedule.wait(),
            Duration::from_secs(7),
            "slow_down is for good"
        );
        assert!(!schedule.expired(Timestamp::from_unix(129)));
        assert!(schedule.expired(Timestamp::from_unix(130)));
    }

    #[test]
    fn an_absurd_interval_or_lifetime_is_brought_into_range_and_said() {
        let answer = |extra: &str| {
            parse_authorization(&exchange(
                200,
                &format!(
                    r#"{{"device_code":"dc","user_code":"ЖУК-42","verification_uri":"https://op/device",{extra}}}"#
                ),
            ))
            .expect("answer")
        };
        let huge = answer(r#""expires_in":1e23,"interval":1e12"#);
        assert_eq!(huge.interval, MAX_INTERVAL_SECONDS);
        assert_eq!(
            huge.expires_in,
            i64::try_from(MAX_DEVICE_CODE_SECONDS).expect("fits")
        );
        assert_eq!(
            huge.adjusted,
            [
                "expires_in is 1e23 s: not a real lifetime; polling stops after 86400 s at the latest",
                "interval is 1000000000000 s: not a real polling interval; polling every 300 s",
            ]
        );
        let negative = answer(r#""expires_in":600,"interval":-3"#);
        assert_eq!(negative.interval, DEFAULT_INTERVAL_SECONDS);
        assert_eq!(
            negative.adjusted,
            ["interval is -3 s: not a real polling interval; polling every 5 s"]
        );
        let fine = answer(r#""expires_in":"600","interval":"7""#);
        assert_eq!((fine.expires_in, fine.interval), (600, 7));
        assert!(fine.adjusted.is_empty());
    }

    #[test]
    fn slow_down_saturates_at_the_longest_wait() {
        let mut schedule = PollSchedule {
            interval: u64::MAX,
            expires_at: Timestamp::from_unix(i64::MAX),
        };
        let slow = poll_outcome(&exchange(400, r#"{"error":"slow_down"}"#));
        assert!(schedule.after(&slow));
        assert_eq!(schedule.interval, MAX_INTERVAL_SECONDS);
        schedule.interval = MAX_INTERVAL_SECONDS - 1;
        assert!(schedule.after(&slow));
        assert_eq!(schedule.wait(), Duration::from_secs(MAX_INTERVAL_SECONDS));
        let authorization = DeviceAuthorization {
            device_code: Secret::new("d"),
            user_code: "U".to_owned(),
            verification_uri: "https://op/device".to_owned(),
            verification_uri_complete: None,
            expires_in: i64::MAX,
            interval: 5,
            adjusted: Vec::new(),
        };
        let schedule = PollSchedule::new(&authorization, Timestamp::from_unix(i64::MAX - 1));
        assert_eq!(schedule.expires_at, Timestamp::from_unix(i64::MAX));
    }

    #[test]
    fn denial_and_expiry_stop_polling() {
        for code in ["access_denied", "expired_token"] {
            let outcome = poll_outcome(&exchange(400, &format!(r#"{{"error":"{code}"}}"#)));
            let PollOutcome::Failed(failure) = outcome else {
                panic!("{code} stops polling")
            };
            assert!(!is_pending(&failure));
            assert_eq!(
                failure.provider_error.as_ref().map(|e| e.error.as_str()),
                Some(code)
            );
        }
        let tokens = poll_outcome(&exchange(
            200,
            r#"{"access_token":"a","token_type":"Bearer"}"#,
        ));
        assert!(matches!(tokens, PollOutcome::Tokens(_)));
    }
}
