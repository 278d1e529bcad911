//! CIBA poll and ping modes against the sandbox (OpenID CIBA Core 1.0):
//! the phone page approves or denies, expiry is honoured, `auto-sign-in`
//! approves at once, the backchannel endpoint's errors (§13), and in ping
//! mode the sandbox's call to the client notification endpoint (§10.2).

use std::time::Duration;

use tokenscope::app::system_now;
use tokenscope::net::RequestDraft;
use tokenscope::oauth::Grant;
use tokenscope::oauth::ciba::DeliveryMode;
use tokenscope::oauth::flow::Step;
use tokenscope::oauth::runner::{PING_CHECK_INTERVAL, run_ciba_flow};
use tokenscope::sandbox::{Faults, Personality};

use crate::support::Rig;

/// The sandbox's phone page.
fn phone(rig: &Rig) -> String {
    rig.sandbox.phone_page().expect("a phone page")
}

/// The page ids of the requests the phone lists, with the page's text.
fn phone_requests(rig: &Rig) -> (Vec<String>, String) {
    let page = rig
        .send(&RequestDraft::get(phone(rig)))
        .response
        .expect("phone page")
        .text();
    let marker = "name=\"request\" value=\"";
    let ids = page
        .split(marker)
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect();
    (ids, page)
}

/// Presses Approve (or Deny) for the first request on the phone page.
fn answer_on_phone(rig: &Rig, approve: bool) {
    let (ids, page) = phone_requests(rig);
    let id = ids
        .first()
        .unwrap_or_else(|| panic!("no request listed: {page}"));
    let button = if approve { "approve" } else { "deny" };
    let draft = RequestDraft::form_post(
        phone(rig),
        &[
            ("request".to_owned(), id.clone()),
            (button.to_owned(), "1".to_owned()),
        ],
    );
    let answer = rig.send(&draft).response.expect("phone answer");
    assert_eq!(answer.status, 200, "{}", answer.text());
}

fn backchannel(rig: &Rig, fields: &[(&str, &str)]) -> serde_json::Value {
    let mut pairs: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    pairs.push(("client_id".to_owned(), rig.profile.client_id.clone()));
    pairs.push(("client_secret".to_owned(), rig.secret.expose().to_owned()));
    let url = if fields.iter().any(|(k, _)| *k == "grant_type") {
        rig.profile.endpoints.token.clone()
    } else {
        rig.profile.endpoints.backchannel_authentication.clone()
    };
    let answer = rig
        .send(&RequestDraft::form_post(url, &pairs))
        .response
        .expect("answer");
    serde_json::from_str(&answer.text()).unwrap_or_else(|e| panic!("{e}: {}", answer.text()))
}

#[test]
fn discovery_advertises_the_backchannel_endpoint_and_poll_mode() {
    let rig = Rig::start(Personality::Generic, Faults::default());
    let url = format!("{}/.well-known/openid-configuration", rig.sandbox.issuer());
    let text = rig
        .send(&RequestDraft::get(url))
        .response
        .expect("metadata")
        .text();
    let meta: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(
        meta["backchannel_authentication_endpoint"],
        rig.profile.endpoints.backchannel_authentication.as_str()
    );
    assert_eq!(
        meta["backchannel_token_delivery_modes_supported"],
        serde_json::json!(["poll", "ping"])
    );
    assert!(
        meta["grant_types_supported"]
            .as_array()
            .expect("grants")
            .contains(&serde_json::json!("urn:openid:params:grant-type:ciba"))
    );
}

#[test]
fn ciba_approved_on_the_phone_gives_verified_tokens() {
    let rig = Rig::start(Personality::Generic, Faults::default());
    let mut session = rig.session();
    session.grant = Grant::Ciba;
    session.profile.ciba.binding_message = "Заказ 4281 🔐".to_owned();
    let mut waits = Vec::new();
    let result = rig.runtime.block_on(run_ciba_flow(
        &mut session,
        &Rig::options(),
        system_now,
        |interval| {
            // The user reads the phone and approves before the first poll.
            if waits.is_empty() {
                tokio::task::block_in_place(|| {
                    let (_, page) = phone_requests(&rig);
                    assert!(page.contains("Заказ 4281 🔐"), "{page}");
                    answer_on_phone(&rig, true);
                });
            }
            waits.push(interval);
            async { true }
        },
        |_| {},
    ));
    result.unwrap_or_else(|f| panic!("{f:?}"));
    assert_eq!(waits, [Duration::from_secs(5)]);
    let steps: Vec<Step> = session.records.iter().map(|r| r.step).collect();
    assert!(
        steps.contains(&Step::BackchannelAuthentication),
        "{steps:?}"
    );
    let last = session.records.last().expect("records");
    assert_eq!(last.step, Step::CibaToken);
    assert!(last.outcome.is_ok(), "{:?}", last.outcome);
    let verification = last.verification.as_ref().expect("verified");
    assert!(verification.passed, "{verification:?}");
    let tokens = session.tokens.as_ref().expect("tokens");
    assert!(tokens.id_token.is_some() && tokens.access_token.is_some());
    assert_eq!(
        session.ciba.as_ref().map(|a| a.binding_message.as_str()),
        Some("Заказ 4281 🔐")
    );
    assert!(
        phone_requests(&rig).0.is_empty(),
        "answered requests leave the phone"
    );
}

#[test]
fn ciba_denied_on_the_phone_is_access_denied() {
    let rig = Rig::start(Personality::Keycloak, Faults::default());
    let mut session = rig.session();
    session.grant = Grant::Ciba;
    let mut first = true;
    let result = rig.runtime.block_on(run_ciba_flow(
        &mut session,
        &Rig::options(),
        system_now,
        |_| {
            if first {
                tokio::task::block_in_place(|| answer_on_phone(&rig, false));
                first = false;
            }
            async { true }
        },
        |_| {},
    ));
    let failure = result.expect_err("denied");
    assert_eq!(
        failure.provider_error.as_ref().map(|e| e.error.as_str()),
        Some("access_denied")
    );
    let last = session.records.last().expect("records");
    assert_eq!(last.step, Step::CibaToken);
    assert!(session.tokens.is_none());
}

#[test]
fn pending_then_slow_down_then_expired_token() {
    let rig = Rig::start(Personality::Generic, Faults::default());
    let started = backchannel(
        &rig,
        &[
            ("scope", "openid"),
            ("login_hint", "ivan"),
            ("requested_expiry", "2"),
        ],
    );
    assert_eq!(started["expires_in"], 2, "{started}");
    assert_eq!(started["interval"], 5);
    let id = started["auth_req_id"]
        .as_str()
        .expect("auth_req_id")
        .to_owned();
    let poll = || {
        backchannel(
            &rig,
            &[
                ("grant_type", "urn:openid:params:grant-type:ciba"),
                ("auth_req_id", &id),
            ],
        )
    };
    assert_eq!(poll()["error"], "authorization_pending");
    assert_eq!(poll()["error"], "slow_down", "inside the interval");
    std::thread::sleep(Duration::from_millis(2100));
    assert_eq!(poll()["error"], "expired_token");
    assert!(
        phone_requests(&rig).0.is_empty(),
        "expired requests leave the phone"
    );
    assert_eq!(poll()["error"], "invalid_request", "gone after expiry");
}

#[test]
fn the_run_stops_when_the_request_expires_before_approval() {
    let rig = Rig::start(Personality::Generic, Faults::default());
    let mut session = rig.session();
    session.grant = Grant::Ciba;
    session.profile.ciba.requested_expiry = "1".to_owned();
    let result = rig.runtime.block_on(run_ciba_flow(
        &mut session,
        &Rig::options(),
        system_now,
        |_| async {
            tokio::time::sleep(Duration::from_millis(1100)).await;
            true
        },
        |_| {},
    ));
    let failure = result.expect_err("expired");
    assert!(failure.message.contains("expired"), "{}", failure.message);
    assert_eq!(
        session.records.last().map(|r| r.step),
        Some(Step::CibaToken)
    );
}

#[test]
fn auto_sign_in_approves_at_once() {
    let faults = Faults {
        auto_sign_in: true,
        ..Faults::default()
    };
    let rig = Rig::start(Personality::Generic, faults);
    let mut session = rig.session();
    session.grant = Grant::Ciba;
    rig.runtime
        .block_on(run_ciba_flow(
            &mut session,
            &Rig::options(),
            system_now,
            |_| async { true },
            |_| {},
        ))
        .unwrap_or_else(|f| panic!("{f:?}"));
    assert!(session.tokens.is_some());
}

#[test]
fn backchannel_errors_are_cibas() {
    let rig = Rig::start(Personality::Generic, Faults::default());
    let unknown = backchannel(&rig, &[("scope", "openid"), ("login_hint", "nobody")]);
    assert_eq!(unknown["error"], "unknown_user_id", "{unknown}");
    let long = "Ж".repeat(65);
    let binding = backchannel(
        &rig,
        &[
            ("scope", "openid"),
            ("login_hint", "anna"),
            ("binding_message", &long),
        ],
    );
    assert_eq!(binding["error"], "invalid_binding_message", "{binding}");
    let no_hint = backchannel(&rig, &[("scope", "openid")]);
    assert_eq!(no_hint["error"], "invalid_request", "{no_hint}");
    let two = backchannel(
        &rig,
        &[
            ("scope", "openid"),
            ("login_hint", "anna"),
            ("login_hint_token", "x.y.z"),
        ],
    );
    assert_eq!(two["error"], "invalid_request", "{two}");
    let no_openid = backchannel(&rig, &[("scope", "profile"), ("login_hint", "anna")]);
    assert_eq!(no_openid["error"], "invalid_request", "{no_openid}");
    let by_mail = backchannel(
        &rig,
        &[
            ("scope", "openid"),
            ("login_hint", "anna.smirnova@example.test"),
        ],
    );
    assert!(by_mail["auth_req_id"].is_string(), "{by_mail}");
}

/// Ping mode (CIBA Core §10.2): no polls; the phone's approval makes the
/// sandbox POST the ping to the run's notification endpoint with the run's
/// `client_notification_token`, and ONE token request follows.
#[test]
fn ciba_ping_approved_on_the_phone_pings_then_one_token_request() {
    let rig = Rig::start(Personality::Generic, Faults::default());
    let mut session = rig.session();
    session.grant = Grant::Ciba;
    session.profile.ciba.delivery_mode = DeliveryMode::Ping;
    session.profile.ciba.binding_message = "Заказ 4281".to_owned();
    let mut waits = Vec::new();
    let result = rig.runtime.block_on(run_ciba_flow(
        &mut session,
        &Rig::options(),
        system_now,
        |interval| {
            if waits.is_empty() {
                tokio::task::block_in_place(|| answer_on_phone(&rig, true));
            }
            waits.push(interval);
            async {
                tokio::time::sleep(Duration::from_millis(20)).await;
                true
            }
        },
        |_| {},
    ));
    result.unwrap_or_else(|f| panic!("{f:?}"));
    assert!(!waits.is_empty(), "the run waited for the ping");
    assert!(waits.iter().all(|w| *w == PING_CHECK_INTERVAL), "{waits:?}");
    let backchannel = session
        .records
        .iter()
        .find(|r| r.step == Step::BackchannelAuthentication)
        .and_then(|r| r.exchange.as_ref())
        .expect("the backchannel request");
    let sent = String::from_utf8_lossy(&backchannel.request.body).into_owned();
    assert!(
        sent.contains(&format!(
            "client_notification_token={}",
            session.run.client_notification_token.expose()
        )),
        "{sent}"
    );
    let token_requests: Vec<_> = session
        .records
        .iter()
        .filter(|r| r.step == Step::CibaToken)
        .collect();
    assert_eq!(token_requests.len(), 1, "one token request, no polling");
    let last = token_requests[0];
    let summary = last.outcome.as_ref().expect("tokens");
    assert!(summary.contains("pinged"), "{summary}");
    assert!(session.pinged.is_some());
    assert!(last.verification.as_ref().is_some_and(|v| v.passed));
    assert!(
        session
            .tokens
            .as_ref()
            .is_some_and(|t| t.id_token.is_some())
    );
}

/// The phone's "no" in ping mode: the sandbox still pings (CIBA Core §10.2
/// pings for any outcome), and the one token request says `access_denied`.
#[test]
fn ciba_ping_denied_on_the_phone_is_access_denied_after_the_ping() {
    let rig = Rig::start(Personality::Keycloak, Faults::default());
    let mut session = rig.session();
    session.grant = Grant::Ciba;
    session.profile.ciba.delivery_mode = DeliveryMode::Ping;
    let mut first = true;
    let result = rig.runtime.block_on(run_ciba_flow(
        &mut session,
        &Rig::options(),
        system_now,
        |_| {
            if first {
                tokio::task::block_in_place(|| answer_on_phone(&rig, false));
                first = false;
            }
            async {
                tokio::time::sleep(Duration::from_millis(20)).await;
                true
            }
        },
        |_| {},
    ));
    let failure = result.expect_err("denied");
    assert_eq!(
        failure.provider_error.as_ref().map(|e| e.error.as_str()),
        Some("access_denied")
    );
    assert!(session.pinged.is_some(), "pinged before the token request");
    let polls = session
        .records
        .iter()
        .filter(|r| r.step == Step::CibaToken)
        .count();
    assert_eq!(polls, 1);
    assert!(session.tokens.is_none());
}

/// `auto-sign-in` approves as the request arrives: the ping may come
/// before the backchannel answer, and the listener, bound before the
/// request went out, still takes it.
#[test]
fn ciba_ping_before_the_answer_is_taken() {
    let faults = Faults {
        auto_sign_in: true,
        ..Faults::default()
    };
    let rig = Rig::start(Personality::Generic, faults);
    let mut session = rig.session();
    session.grant = Grant::Ciba;
    session.profile.ciba.delivery_mode = DeliveryMode::Ping;
    rig.runtime
        .block_on(run_ciba_flow(
            &mut session,
            &Rig::options(),
            system_now,
            |_| async {
                tokio::time::sleep(Duration::from_millis(20)).await;
                true
            },
            |_| {},
        ))
        .unwrap_or_else(|f| panic!("{f:?}"));
    assert!(session.tokens.is_some());
}

/// Nobody approves: the wait ends at the request's expiry with poll mode's
/// explanation; no token request is sent.
#[test]
fn ciba_ping_expiry_ends_the_wait_like_poll_mode() {
    let rig = Rig::start(Personality::Generic, Faults::default());
    let mut session = rig.session();
    session.grant = Grant::Ciba;
    session.profile.ciba.delivery_mode = DeliveryMode::Ping;
    session.profile.ciba.requested_expiry = "1".to_owned();
    let result = rig.runtime.block_on(run_ciba_flow(
        &mut session,
        &Rig::options(),
        system_now,
        |interval| async move {
            tokio::time::sleep(interval).await;
            true
        },
        |_| {},
    ));
    let failure = result.expect_err("expired");
    assert!(
        failure.message.contains("expired before the user approved"),
        "{}",
        failure.message
    );
    let last = session.records.last().expect("records");
    assert_eq!(last.step, Step::CibaToken);
    assert!(last.exchange.is_none(), "no token request was sent");
}

/// Ping mode without a notification endpoint, or with one that is not
/// loopback, is refused before anything is sent.
#[test]
fn ciba_ping_needs_a_loopback_notification_endpoint() {
    let rig = Rig::start(Personality::Generic, Faults::default());
    for (endpoint, says) in [
        ("", "backchannel_client_notification_endpoint"),
        ("https://client.example/ciba", "not a loopback address"),
    ] {
        let mut session = rig.session();
        session.grant = Grant::Ciba;
        session.profile.ciba.delivery_mode = DeliveryMode::Ping;
        endpoint.clone_into(&mut session.profile.ciba.notification_endpoint);
        let failure = rig
            .runtime
            .block_on(run_ciba_flow(
                &mut session,
                &Rig::options(),
                system_now,
                |_| async { true },
                |_| {},
            ))
            .expect_err("refused");
        assert!(failure.message.contains(says), "{}", failure.message);
        let last = session.records.last().expect("records");
        assert_eq!(last.step, Step::BackchannelAuthentication);
        assert!(last.exchange.is_none(), "nothing was sent");
    }
}

/// `run --grant ciba --ciba-mode ping` against the sandbox (`auto-sign-in`:
/// the phone approves as the request arrives): the `run` lines are the poll
/// mode's, with one `ciba_token` line whose summary says the provider
/// pinged, and the `client_notification_token` masked.
#[test]
fn run_walks_ciba_ping_mode_against_the_sandbox() {
    let faults = Faults {
        auto_sign_in: true,
        ..Faults::default()
    };
    let rig = Rig::start(Personality::Generic, faults);
    let (code, stdout, stderr) = crate::cli::run_against(
        &rig,
        "ciba-ping",
        &["--grant", "ciba", "--ciba-mode", "ping", "--json"],
    );
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect();
    let steps: Vec<&str> = lines.iter().filter_map(|l| l["step"].as_str()).collect();
    assert_eq!(
        steps,
        ["discovery", "backchannel_authentication", "ciba_token"],
        "one token request, no polling: {stdout}"
    );
    let token = &lines[2];
    assert_eq!(token["ok"], true, "{token}");
    assert!(
        token["summary"]
            .as_str()
            .is_some_and(|s| s.starts_with("the provider pinged")),
        "{token}"
    );
    let body: Vec<u8> =
        serde_json::from_value(lines[1]["request"]["body"].clone()).expect("body bytes");
    let body = String::from_utf8(body).expect("utf-8");
    let sent = body
        .split('&')
        .find_map(|field| field.strip_prefix("client_notification_token="))
        .expect("the token was sent");
    assert!(sent.contains("%E2%80%A6"), "masked: {sent}");

    // For a person, the token step is named for what it waits for.
    let (code, stdout, stderr) = crate::cli::run_against(
        &rig,
        "ciba-ping",
        &["--grant", "ciba", "--ciba-mode", "ping"],
    );
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(stdout.contains("✓ Tokens after the ping"), "{stdout}");
    assert!(!stdout.contains("Poll for tokens"), "{stdout}");
}
