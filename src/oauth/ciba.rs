//! Client-Initiated Backchannel Authentication (OpenID CIBA Core 1.0), poll
//! and ping modes (§5): the backchannel authentication request (§7.1) and
//! its answer (§7.3, errors §13), the token request with `auth_req_id`
//! (§10.1), what a poll said (§11), and the provider's ping to the client
//! notification endpoint (§10.2) with its checks. The polling itself is the
//! device grant's: the same schedule (`slow_down` adds 5 seconds, §7.3) and
//! the same loop ([`super::runner::poll_device_token`]); the ping arrives at
//! the loopback listener ([`super::callback::NotificationListener`]). Pure:
//! the waiting is the caller's.

// What a server sends is hostile input: no byte index that can cut a
// character, no index that can panic.
#![deny(clippy::string_slice, clippy::indexing_slicing)]

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::net::{Exchange, RequestDraft};
use crate::secret::Secret;

use super::device::PollOutcome;
use super::flow::{self, Credentials, StepFailure};
use super::profile::{Profile, RequestKind};

/// `grant_type` of the CIBA token request (CIBA Core §10.1).
pub const GRANT_TYPE: &str = "urn:openid:params:grant-type:ciba";

/// The longest `binding_message` shown whole; a longer one is cut (by
/// characters, never inside one) where it is shown, never where it is sent.
pub const MAX_BINDING_MESSAGE_CHARS: usize = 200;

/// Which hint names the user (CIBA Core §7.1: exactly one of them).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CibaHint {
    /// `login_hint`: an e-mail address, a phone number, a user name.
    #[default]
    LoginHint,
    /// `login_hint_token`: a token the provider issued about the user.
    LoginHintToken,
    /// `id_token_hint`: an ID token the provider issued to this client
    /// earlier (empty: the run's last one).
    IdTokenHint,
}

impl CibaHint {
    /// All kinds, in menu order.
    pub const ALL: [Self; 3] = [Self::LoginHint, Self::LoginHintToken, Self::IdTokenHint];

    /// The parameter's name, as sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::LoginHint => "login_hint",
            Self::LoginHintToken => "login_hint_token",
            Self::IdTokenHint => "id_token_hint",
        }
    }
}

/// How the tokens reach the client (CIBA Core §5): the client is registered
/// with one mode (`backchannel_token_delivery_mode`, §4). Push mode is not
/// offered: FAPI-CIBA forbids it and few providers have it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryMode {
    /// The client polls the token endpoint until the user decided (§5, §7.3).
    #[default]
    Poll,
    /// The provider calls the client's notification endpoint once the user
    /// decided; the client then asks the token endpoint once (§5, §10.2).
    Ping,
}

impl DeliveryMode {
    /// Both modes, in menu order.
    pub const ALL: [Self; 2] = [Self::Poll, Self::Ping];

    /// The mode as registered (`backchannel_token_delivery_mode`, CIBA Core §4).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Poll => "poll",
            Self::Ping => "ping",
        }
    }

    /// Reads `poll` or `ping` (any case, trimmed).
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|mode| mode.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

/// The backchannel authentication request's own inputs (CIBA Core §7.1);
/// `scope` and the client authentication come from the profile.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CibaSettings {
    /// Which hint [`Self::hint`] is.
    pub hint_kind: CibaHint,
    /// Who is to approve: the hint's value.
    pub hint: String,
    /// `binding_message`: shown on the consumption device and on the
    /// phone, so the user knows the two belong together.
    pub binding_message: String,
    /// `user_code`: a secret the user knows (when the provider asks for one).
    pub user_code: String,
    /// `acr_values`, space-separated.
    pub acr_values: String,
    /// `requested_expiry`, seconds; empty for the provider's default.
    pub requested_expiry: String,
    /// How the tokens are delivered: the mode the client is registered with (§5).
    #[serde(skip_serializing_if = "is_poll")]
    pub delivery_mode: DeliveryMode,
    /// Ping mode: the client notification endpoint as registered with the
    /// provider (`backchannel_client_notification_endpoint`, CIBA Core §4), a
    /// loopback address tokenscope listens on: `https://127.0.0.1:PORT/path`
    /// (with a certificate made for the run; §10.2 requires TLS) or
    /// `http://127.0.0.1:PORT/path` (the sandbox, plain loopback).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub notification_endpoint: String,
}

#[expect(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde's skip_serializing_if passes a reference"
)]
fn is_poll(mode: &DeliveryMode) -> bool {
    *mode == DeliveryMode::Poll
}

impl CibaSettings {
    /// Whether nothing is set (the profile file leaves it out).
    pub fn is_unset(&self) -> bool {
        *self == Self::default()
    }
}

/// The backchannel authentication answer (CIBA Core §7.3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BackchannelAuthentication {
    /// `auth_req_id`: the request's id, for polling.
    #[serde(skip)]
    pub auth_req_id: Secret,
    /// `expires_in`, seconds, as used: at most a day.
    pub expires_in: i64,
    /// `interval`, seconds between polls, as used: 1 to [`MAX_INTERVAL_SECONDS`].
    pub interval: u64,
    /// The `binding_message` the request carried, to show beside the countdown.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub binding_message: String,
    /// What was done to numbers that are not real ones.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub adjusted: Vec<String>,
}

/// The parameters of a backchannel authentication request (CIBA Core
/// §7.1): `scope` (with `openid`, which CIBA requires), the hint,
/// `binding_message`, `user_code`, `acr_values` and `requested_expiry`.
/// `last_id_token` stands in for an empty `id_token_hint`. In ping mode
/// `notification_token` is the run's `client_notification_token` (§7.1:
/// REQUIRED for ping).
pub fn authentication_parameters(
    profile: &Profile,
    last_id_token: Option<&str>,
    notification_token: &Secret,
) -> Result<Vec<(String, String)>, StepFailure> {
    let settings = &profile.ciba;
    let mut scopes: Vec<&str> = profile.scopes.split_whitespace().collect();
    if !scopes.contains(&"openid") {
        scopes.insert(0, "openid");
    }
    let mut fields = vec![("scope".to_owned(), scopes.join(" "))];
    let typed = settings.hint.trim();
    let hint = match settings.hint_kind {
        CibaHint::IdTokenHint if typed.is_empty() => last_id_token.unwrap_or_default(),
        _ => typed,
    };
    if hint.is_empty() {
        return Err(StepFailure::new(crate::tr!(
            "run-ciba-no-hint",
            name = settings.hint_kind.as_str()
        )));
    }
    fields.push((settings.hint_kind.as_str().to_owned(), hint.to_owned()));
    let optional = [
        ("binding_message", settings.binding_message.trim()),
        ("user_code", settings.user_code.trim()),
        ("acr_values", settings.acr_values.trim()),
        ("requested_expiry", settings.requested_expiry.trim()),
    ];
    for (name, value) in optional {
        if !value.is_empty() {
            fields.push((name.to_owned(), value.to_owned()));
        }
    }
    if settings.delivery_mode == DeliveryMode::Ping {
        fields.push((
            "client_notification_token".to_owned(),
            notification_token.expose().to_owned(),
        ));
    }
    Ok(fields)
}

/// The backchannel authentication request (CIBA Core §7.1) carrying
/// `fields`: the [`authentication_parameters`], or only `request` when they
/// were signed (§7.1.1: "authentication request parameters MUST NOT be
/// present outside of the JWT"), with the client authentication the token
/// endpoint uses (§7.1: the same methods).
pub fn authentication_request(
    profile: &Profile,
    credentials: Credentials<'_>,
    fields: Vec<(String, String)>,
) -> Result<RequestDraft, StepFailure> {
    let endpoint = profile.endpoint_for("backchannel_authentication_endpoint");
    if endpoint.is_empty() {
        return Err(StepFailure::new(crate::tr!("run-no-ciba-endpoint")));
    }
    flow::authenticated_post(
        profile,
        endpoint,
        credentials,
        fields,
        Some(RequestKind::Token),
    )
}

/// The body of a signed authentication request (CIBA Core §7.1.1): the
/// signed JWT as `request`, nothing else beside the client authentication.
pub fn signed_request_fields(request_object: &str) -> Vec<(String, String)> {
    vec![("request".to_owned(), request_object.to_owned())]
}

/// Reads the backchannel authentication answer (CIBA Core §7.3, errors §13);
/// `binding_message` is the one the request carried.
pub fn parse_authentication(
    exchange: &Exchange,
    binding_message: &str,
) -> Result<BackchannelAuthentication, StepFailure> {
    let response = exchange
        .response
        .as_ref()
        .map_err(|e| StepFailure::new(crate::tr!("run-no-answer", error = e.to_string())))?;
    let fields = flow::body_fields(response).ok_or_else(|| match response.truncated_at {
        Some(_) => flow::unreadable(response),
        None => StepFailure::new(crate::tr!("run-ciba-not-json", status = response.status)),
    })?;
    if let Some(error) = flow::provider_error(response.status, &fields) {
        return Err(flow::failure_from(error));
    }
    let missing =
        |name: &str| StepFailure::new(crate::tr!("run-ciba-missing", name = name.to_owned()));
    let auth_req_id = fields
        .get("auth_req_id")
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty())
        .ok_or_else(|| missing("auth_req_id"))?;
    // §7.3: the same timing rules as the device grant's, 5 s when no interval is given.
    let mut adjusted = Vec::new();
    let (expires_in, interval) =
        super::device::poll_timing(&fields, &mut adjusted).ok_or_else(|| missing("expires_in"))?;
    Ok(BackchannelAuthentication {
        auth_req_id: Secret::new(auth_req_id),
        expires_in: i64::try_from(expires_in).unwrap_or(i64::MAX),
        interval,
        binding_message: binding_message.trim().to_owned(),
        adjusted,
    })
}

/// The token request of one poll (CIBA Core §10.1).
pub fn token_request(
    profile: &Profile,
    credentials: Credentials<'_>,
    auth_req_id: &Secret,
) -> Result<RequestDraft, StepFailure> {
    let fields = vec![
        ("grant_type".to_owned(), GRANT_TYPE.to_owned()),
        ("auth_req_id".to_owned(), auth_req_id.expose().to_owned()),
    ];
    flow::token_request(profile, credentials, fields, RequestKind::Token)
}

/// Reads a poll's answer (CIBA Core §11): `authorization_pending` and
/// `slow_down` go on; `expired_token`, `access_denied`,
/// `transaction_failed`, `invalid_request` and any other error stop.
pub fn poll_outcome(exchange: &Exchange) -> PollOutcome {
    // The token endpoint answers as for the device grant (§11 uses RFC 8628's codes).
    super::device::poll_outcome(exchange)
}

/// The longest ping body read (CIBA Core §10.2: the body is
/// `{"auth_req_id":"…"}`; 4 KiB leaves room for any real id and stops a
/// caller from making the listener hold more).
pub const MAX_NOTIFICATION_BODY: usize = 4 * 1024;

/// Why a request to the client notification endpoint is not this run's
/// ping (CIBA Core §10.2); the listener answers it and keeps waiting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotificationRefusal {
    /// No `Authorization: Bearer …` header.
    NoBearer,
    /// A bearer that is not this run's `client_notification_token`.
    WrongToken,
    /// The body is not JSON text (invalid UTF-8 included).
    NotJson,
    /// The body has no `auth_req_id` string.
    NoAuthReqId,
    /// An `auth_req_id` that is not this run's request.
    WrongAuthReqId,
    /// The body is over [`MAX_NOTIFICATION_BODY`].
    TooLarge,
}

impl NotificationRefusal {
    /// The HTTP status of the answer: 401 for the bearer (RFC 6750 §3.1),
    /// 413 for a body too large, else 400.
    pub fn status(self) -> &'static str {
        match self {
            Self::NoBearer | Self::WrongToken => "401 Unauthorized",
            Self::TooLarge => "413 Content Too Large",
            Self::NotJson | Self::NoAuthReqId | Self::WrongAuthReqId => "400 Bad Request",
        }
    }

    /// What the answer's body says (to the caller, in English: it is a
    /// server, not a person).
    pub fn reason(self) -> &'static str {
        match self {
            Self::NoBearer => "A ping carries Authorization: Bearer <client_notification_token>.\n",
            Self::WrongToken => {
                "This is not the client_notification_token of the waiting request.\n"
            }
            Self::NotJson => "The body is not JSON.\n",
            Self::NoAuthReqId => "The body has no auth_req_id.\n",
            Self::WrongAuthReqId => "This auth_req_id is not the waiting request's.\n",
            Self::TooLarge => "The body is too large.\n",
        }
    }
}

/// Checks a request to the client notification endpoint (CIBA Core §10.2):
/// its `Authorization` header must carry `token` as a bearer (compared in
/// constant time: a caller must not learn how much of a guess was right),
/// its body must be JSON with an `auth_req_id`, and that id must be
/// `expected_id` when the backchannel answer is known already (a ping may
/// overtake it). Returns the `auth_req_id`. Any bytes; never panics.
pub fn check_notification(
    authorization: Option<&str>,
    body: &[u8],
    token: &Secret,
    expected_id: Option<&Secret>,
) -> Result<Secret, NotificationRefusal> {
    // RFC 6750 §2.1: `Bearer` (the scheme is case-insensitive, RFC 9110 §11.1), one space, the token.
    let bearer = authorization
        .map(str::trim)
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, value)| value.trim())
        .ok_or(NotificationRefusal::NoBearer)?;
    if !super::callback::constant_time_eq(bearer.as_bytes(), token.expose().as_bytes()) {
        return Err(NotificationRefusal::WrongToken);
    }
    if body.len() > MAX_NOTIFICATION_BODY {
        return Err(NotificationRefusal::TooLarge);
    }
    let text = std::str::from_utf8(body).map_err(|_| NotificationRefusal::NotJson)?;
    let fields: serde_json::Map<String, Value> =
        serde_json::from_str(text).map_err(|_| NotificationRefusal::NotJson)?;
    let id = fields
        .get("auth_req_id")
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty())
        .ok_or(NotificationRefusal::NoAuthReqId)?;
    if let Some(expected) = expected_id
        && !super::callback::constant_time_eq(id.as_bytes(), expected.expose().as_bytes())
    {
        return Err(NotificationRefusal::WrongAuthReqId);
    }
    Ok(Secret::new(id))
}

/// A binding message as shown: at most [`MAX_BINDING_MESSAGE_CHARS`]
/// characters, an ellipsis when cut; control characters dropped.
pub fn shown_binding_message(message: &str) -> String {
    let clean: String = message.chars().filter(|c| !c.is_control()).collect();
    if clean.chars().count() <= MAX_BINDING_MESSAGE_CHARS {
        return clean;
    }
    let mut cut: String = clean.chars().take(MAX_BINDING_MESSAGE_CHARS).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth::device::{DEFAULT_INTERVAL_SECONDS, MAX_INTERVAL_SECONDS};
    use crate::token::Timestamp;

    fn exchange(status: u16, body: &str) -> Exchange {
        Exchange::json_answer("https://op/bc-authorize", status, body)
    }

    fn profile() -> Profile {
        let mut profile = Profile {
            client_id: "ciba-client".to_owned(),
            client_auth: crate::oauth::ClientAuth::None,
            scopes: "profile email".to_owned(),
            ..Profile::default()
        };
        profile.endpoints.backchannel_authentication = "https://op/bc-authorize".to_owned();
        profile.endpoints.token = "https://op/token".to_owned();
        profile.ciba.hint = "anna".to_owned();
        profile.ciba.binding_message = "Код 4281 🔐".to_owned();
        profile
    }

    fn form(draft: &RequestDraft) -> Vec<(String, String)> {
        draft.form_fields()
    }

    fn token() -> Secret {
        Secret::new("nt-4f1b")
    }

    fn credentials() -> Credentials<'static> {
        Credentials::secret(None, Timestamp::from_unix(1_700_000_000))
    }

    #[test]
    fn the_request_carries_openid_the_hint_and_the_binding_message() {
        let fields = authentication_parameters(&profile(), None, &token()).expect("parameters");
        let draft = authentication_request(&profile(), credentials(), fields).expect("draft");
        assert_eq!(draft.url, "https://op/bc-authorize");
        let fields = form(&draft);
        let get = |name: &str| {
            fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("scope"), Some("openid profile email"));
        assert_eq!(get("login_hint"), Some("anna"));
        assert_eq!(get("binding_message"), Some("Код 4281 🔐"));
        assert_eq!(get("user_code"), None, "empty fields are not sent");
        assert_eq!(get("client_id"), Some("ciba-client"));
    }

    #[test]
    fn a_request_without_a_hint_is_not_sent_and_an_id_token_hint_falls_back() {
        let mut profile = profile();
        profile.ciba.hint = "  ".to_owned();
        let failure = authentication_parameters(&profile, None, &token()).expect_err("no hint");
        assert!(
            failure.message.contains("login_hint"),
            "{}",
            failure.message
        );
        profile.ciba.hint_kind = CibaHint::IdTokenHint;
        let fields =
            authentication_parameters(&profile, Some("eyJ.last.token"), &token()).expect("hint");
        assert!(fields.contains(&("id_token_hint".to_owned(), "eyJ.last.token".to_owned())));
        profile.endpoints.backchannel_authentication.clear();
        assert!(authentication_request(&profile, credentials(), fields).is_err());
    }

    #[test]
    fn the_answer_is_read_with_the_default_interval() {
        let answer = parse_authentication(
            &exchange(
                200,
                r#"{"auth_req_id":"1c266114-a1be-4252-8ad1-04986c5b9ac1","expires_in":120}"#,
            ),
            " Код 4281 ",
        )
        .expect("answer");
        assert_eq!(
            answer.auth_req_id.expose(),
            "1c266114-a1be-4252-8ad1-04986c5b9ac1"
        );
        assert_eq!(answer.expires_in, 120);
        assert_eq!(answer.interval, DEFAULT_INTERVAL_SECONDS);
        assert_eq!(answer.binding_message, "Код 4281");
        let missing = parse_authentication(&exchange(200, r#"{"expires_in":120}"#), "");
        assert!(missing.is_err_and(|f| f.message.contains("auth_req_id")));
        let no_expiry = parse_authentication(&exchange(200, r#"{"auth_req_id":"x"}"#), "");
        assert!(no_expiry.is_err_and(|f| f.message.contains("expires_in")));
    }

    #[test]
    fn errors_of_section_13_are_the_providers_and_diagnosed() {
        for code in [
            "unknown_user_id",
            "missing_user_code",
            "invalid_binding_message",
            "expired_login_hint_token",
            "unauthorized_client",
        ] {
            let failure =
                parse_authentication(&exchange(400, &format!(r#"{{"error":"{code}"}}"#)), "")
                    .expect_err(code);
            assert_eq!(
                failure.provider_error.as_ref().map(|e| e.error.as_str()),
                Some(code)
            );
        }
    }

    #[test]
    fn hostile_answers_are_read_without_panics() {
        let huge = "Ж".repeat(200_000);
        let bodies = [
            String::new(),
            "<html>".to_owned(),
            "[]".to_owned(),
            "null".to_owned(),
            r#"{"auth_req_id":42,"expires_in":60}"#.to_owned(),
            r#"{"auth_req_id":"","expires_in":60}"#.to_owned(),
            r#"{"auth_req_id":"🦀","expires_in":-1,"interval":1e300}"#.to_owned(),
            format!(r#"{{"auth_req_id":"{huge}","expires_in":"600","interval":"🐢"}}"#),
            format!(r#"{{"error":"{huge}","error_description":"{huge}"}}"#),
            "{\"auth_req_id\":\"\u{0}\",\"expires_in\":1".to_owned(),
        ];
        for body in &bodies {
            for status in [200, 400, 500] {
                let _ = parse_authentication(&exchange(status, body), &huge);
                let _ = poll_outcome(&exchange(status, body));
            }
        }
        let odd = parse_authentication(
            &exchange(
                200,
                r#"{"auth_req_id":"🦀","expires_in":-1,"interval":1e300}"#,
            ),
            "",
        )
        .expect("read, numbers adjusted");
        assert_eq!(odd.auth_req_id.expose(), "🦀");
        assert_eq!(odd.interval, MAX_INTERVAL_SECONDS);
        assert_eq!(odd.adjusted.len(), 2);
    }

    #[test]
    fn poll_outcomes_follow_section_11() {
        let outcome = |body: &str| poll_outcome(&exchange(400, body));
        assert!(matches!(
            outcome(r#"{"error":"authorization_pending"}"#),
            PollOutcome::Pending(_)
        ));
        assert!(matches!(
            outcome(r#"{"error":"slow_down"}"#),
            PollOutcome::SlowDown(_)
        ));
        for code in [
            "expired_token",
            "access_denied",
            "transaction_failed",
            "invalid_request",
            "invalid_grant",
        ] {
            assert!(
                matches!(
                    outcome(&format!(r#"{{"error":"{code}"}}"#)),
                    PollOutcome::Failed(_)
                ),
                "{code} stops polling"
            );
        }
        let tokens = poll_outcome(&exchange(
            200,
            r#"{"access_token":"a","token_type":"Bearer","id_token":"x.y.z"}"#,
        ));
        assert!(matches!(tokens, PollOutcome::Tokens(_)));
    }

    #[test]
    fn the_poll_sends_the_ciba_grant_and_the_request_id() {
        let draft = token_request(&profile(), credentials(), &Secret::new("req-1")).expect("draft");
        assert_eq!(draft.url, "https://op/token");
        let fields = form(&draft);
        assert!(fields.contains(&("grant_type".to_owned(), GRANT_TYPE.to_owned())));
        assert!(fields.contains(&("auth_req_id".to_owned(), "req-1".to_owned())));
    }

    #[test]
    fn a_long_binding_message_is_cut_between_characters() {
        let long = "🔐Ж".repeat(300);
        let shown = shown_binding_message(&long);
        assert_eq!(shown.chars().count(), MAX_BINDING_MESSAGE_CHARS + 1);
        assert!(shown.ends_with('…'));
        assert_eq!(shown_binding_message("a\u{7}b\nc"), "abc");
    }

    #[test]
    fn ping_mode_sends_the_client_notification_token_and_poll_mode_does_not() {
        let mut profile = profile();
        let sent = |profile: &Profile| {
            authentication_parameters(profile, None, &token())
                .expect("parameters")
                .into_iter()
                .find(|(name, _)| name == "client_notification_token")
                .map(|(_, value)| value)
        };
        assert_eq!(sent(&profile), None, "poll mode has no token");
        profile.ciba.delivery_mode = DeliveryMode::Ping;
        assert_eq!(sent(&profile).as_deref(), Some("nt-4f1b"));
        assert_eq!(DeliveryMode::parse(" PING "), Some(DeliveryMode::Ping));
        assert_eq!(DeliveryMode::parse("push"), None);
    }

    #[test]
    fn a_ping_with_the_runs_token_and_request_id_is_accepted() {
        let id = Secret::new("req-1");
        let body = br#"{"auth_req_id":"req-1"}"#;
        let checked = check_notification(Some("Bearer nt-4f1b"), body, &token(), Some(&id));
        assert_eq!(
            checked.map(|id| id.expose().to_owned()),
            Ok("req-1".to_owned())
        );
        // The scheme in any case; the id not known yet (the ping overtook the answer).
        let early = check_notification(Some("bearer  nt-4f1b "), body, &token(), None);
        assert!(early.is_ok(), "{early:?}");
    }

    #[test]
    fn a_ping_with_another_token_or_request_is_refused() {
        let id = Secret::new("req-1");
        let body = br#"{"auth_req_id":"req-1"}"#;
        let check = |auth: Option<&str>, body: &[u8]| {
            check_notification(auth, body, &token(), Some(&id)).map(|id| id.expose().to_owned())
        };
        assert_eq!(check(None, body), Err(NotificationRefusal::NoBearer));
        assert_eq!(
            check(Some("Basic nt-4f1b"), body),
            Err(NotificationRefusal::NoBearer)
        );
        assert_eq!(
            check(Some("Bearer"), body),
            Err(NotificationRefusal::NoBearer)
        );
        assert_eq!(
            check(Some("Bearer nt-4f1c"), body),
            Err(NotificationRefusal::WrongToken)
        );
        assert_eq!(
            check(Some("Bearer nt-4f1"), body),
            Err(NotificationRefusal::WrongToken)
        );
        assert_eq!(
            check(Some("Bearer nt-4f1b"), br#"{"auth_req_id":"req-2"}"#),
            Err(NotificationRefusal::WrongAuthReqId)
        );
        assert_eq!(
            check(Some("Bearer nt-4f1b"), br#"{"auth_req_id":7}"#),
            Err(NotificationRefusal::NoAuthReqId)
        );
        assert_eq!(
            check(Some("Bearer nt-4f1b"), b"auth_req_id=req-1"),
            Err(NotificationRefusal::NotJson)
        );
        // The token is checked before the body is read: a stranger learns nothing about it.
        assert_eq!(
            check(Some("Bearer wrong"), b"\xff"),
            Err(NotificationRefusal::WrongToken)
        );
        assert_eq!(NotificationRefusal::WrongToken.status(), "401 Unauthorized");
    }

    #[test]
    fn hostile_ping_bodies_are_refused_without_panics() {
        let id = Secret::new("заявка-1");
        let auth = Some("Bearer nt-4f1b");
        let huge = format!(
            r#"{{"auth_req_id":"{}"}}"#,
            "Ж".repeat(MAX_NOTIFICATION_BODY)
        );
        assert_eq!(
            check_notification(auth, huge.as_bytes(), &token(), Some(&id)).map(drop),
            Err(NotificationRefusal::TooLarge)
        );
        assert_eq!(
            NotificationRefusal::TooLarge.status(),
            "413 Content Too Large"
        );
        for body in [
            &b"\xff\xfe{\"auth_req_id\":\"x\"}"[..],
            b"{\"auth_req_id\":\"\xd0\"}",
            b"",
            b"null",
            b"[]",
            b"{\"auth_req_id\":\"\"}",
            "{\"auth_req_id\":\"\u{200f}🦀\"}".as_bytes(),
        ] {
            assert!(check_notification(auth, body, &token(), Some(&id)).is_err());
        }
        // Cyrillic ids compare as bytes, whole characters only.
        let cyrillic = check_notification(
            auth,
            r#"{"auth_req_id":"заявка-1"}"#.as_bytes(),
            &token(),
            Some(&id),
        );
        assert_eq!(
            cyrillic.map(|id| id.expose().to_owned()),
            Ok("заявка-1".to_owned())
        );
        let cut = check_notification(
            auth,
            r#"{"auth_req_id":"заявка-2"}"#.as_bytes(),
            &token(),
            Some(&id),
        );
        assert_eq!(cut.map(drop), Err(NotificationRefusal::WrongAuthReqId));
        let cyrillic_token = check_notification(Some("Bearer токен"), b"{}", &token(), None);
        assert_eq!(
            cyrillic_token.map(drop),
            Err(NotificationRefusal::WrongToken)
        );
    }
}
