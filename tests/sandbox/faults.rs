//! Each fault switch, and what our verifier and checks say about it.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use tokenscope::app::system_now;
use tokenscope::net::RequestDraft;
use tokenscope::oauth::flow::Step;
use tokenscope::oauth::runner::run_code_flow;
use tokenscope::sandbox::{Faults, Personality, Sandbox, SandboxConfig};
use tokenscope::token::Timestamp;
use tokenscope::token::verify::{SignatureOutcome, verify_decoded};

use crate::flows::failed_id_token_checks;
use crate::support::Rig;

fn flow_with(faults: Faults) -> (Rig, tokenscope::oauth::runner::FlowSession) {
    let rig = Rig::start(Personality::Generic, faults);
    let mut session = rig.session();
    rig.runtime
        .block_on(run_code_flow(
            &mut session,
            &Rig::report_only(),
            system_now,
            |_| {},
        ))
        .expect("the flow itself succeeds");
    (rig, session)
}

fn id_token(session: &tokenscope::oauth::runner::FlowSession) -> String {
    let record = session
        .records
        .iter()
        .find(|r| r.step == Step::Token)
        .expect("token");
    tokenscope::oauth::flow::parse_token_response(record.exchange.as_ref().expect("exchange"))
        .expect("tokens")
        .id_token
        .expect("id token")
}

#[test]
fn wrong_key_makes_the_signature_invalid() {
    let (rig, session) = flow_with(Faults {
        wrong_key: true,
        ..Faults::default()
    });
    let failed = failed_id_token_checks(&rig, &session);
    assert!(
        failed.iter().any(|row| row.starts_with("signature")),
        "{failed:?}"
    );
    let decoded = tokenscope::token::jose::decode_unverified(&id_token(&session)).expect("jws");
    assert!(matches!(
        verify_decoded(&decoded, &rig.keys()),
        SignatureOutcome::Invalid { .. }
    ));
}

#[test]
fn wrong_nonce_and_wrong_at_hash_fail_their_checks_only() {
    let (rig, session) = flow_with(Faults {
        wrong_nonce: true,
        ..Faults::default()
    });
    let failed = failed_id_token_checks(&rig, &session);
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(failed[0].starts_with("nonce"), "{failed:?}");

    let (rig, session) = flow_with(Faults {
        wrong_at_hash: true,
        ..Faults::default()
    });
    let failed = failed_id_token_checks(&rig, &session);
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(failed[0].starts_with("at_hash"), "{failed:?}");
}

#[test]
fn rotate_keys_leaves_the_id_token_without_a_published_key() {
    let (rig, session) = flow_with(Faults {
        rotate_keys: true,
        ..Faults::default()
    });
    let decoded = tokenscope::token::jose::decode_unverified(&id_token(&session)).expect("jws");
    let outcome = verify_decoded(&decoded, &rig.keys());
    assert!(outcome.is_unknown_kid(), "{}", outcome.summary());
    assert!(rig.sandbox.key_generation() > 1);
}

#[test]
fn expiry_is_real_on_the_sandbox_clock() {
    let now = Arc::new(AtomicI64::new(system_now().unix()));
    let clock = {
        let now = Arc::clone(&now);
        Arc::new(move || Timestamp::from_unix(now.load(Ordering::SeqCst)))
    };
    let runtime = tokenscope::net::NetRuntime::new().expect("runtime");
    let config = SandboxConfig {
        personality: Personality::Generic,
        port: 0,
        faults: Faults {
            expire_in: Some(30),
            ..Faults::default()
        },
        ciba_ping_endpoint: None,
    };
    let sandbox = Sandbox::start(&runtime.handle(), config, clock).expect("sandbox");
    let mut rig = Rig::start(Personality::Generic, Faults::default());
    rig.profile = sandbox.profile();
    rig.profile.redirect_uri = format!("http://127.0.0.1:{}/callback", crate::support::free_port());
    rig.secret = tokenscope::secret::Secret::new(sandbox.client().client_secret);
    let mut session = rig.session();
    let at = || Timestamp::from_unix(now.load(Ordering::SeqCst));
    rig.runtime
        .block_on(run_code_flow(&mut session, &Rig::report_only(), at, |_| {}))
        .expect("flow");
    let tokens = session.tokens.clone().expect("tokens");
    assert_eq!(tokens.expires_in, Some(30));

    // 31 seconds later on the sandbox's clock, UserInfo refuses the token.
    now.fetch_add(31, Ordering::SeqCst);
    let draft = session.userinfo_draft().expect("draft");
    let answer = rig.send(&draft).response.expect("answer");
    assert_eq!(answer.status, 401, "{}", answer.text());
    assert!(answer.text().contains("invalid_token"));
    drop(sandbox);
}

#[test]
fn unavailable_slow_and_html_errors_are_switched_while_running() {
    let rig = Rig::start(Personality::Keycloak, Faults::default());
    let discovery = format!("{}/.well-known/openid-configuration", rig.profile.issuer);
    assert_eq!(
        rig.send(&RequestDraft::get(&discovery))
            .response
            .expect("answer")
            .status,
        200
    );

    rig.sandbox.set_faults(Faults {
        unavailable: true,
        ..Faults::default()
    });
    assert_eq!(
        rig.send(&RequestDraft::get(&discovery))
            .response
            .expect("answer")
            .status,
        503
    );

    rig.sandbox.set_faults(Faults {
        delay_ms: Some(400),
        ..Faults::default()
    });
    let started = std::time::Instant::now();
    assert_eq!(
        rig.send(&RequestDraft::get(&discovery))
            .response
            .expect("answer")
            .status,
        200
    );
    assert!(started.elapsed() >= std::time::Duration::from_millis(400));

    rig.sandbox.set_faults(Faults {
        html_errors: true,
        ..Faults::default()
    });
    let bad = RequestDraft::form_post(
        &rig.profile.endpoints.token,
        &[("grant_type".to_owned(), "authorization_code".to_owned())],
    );
    let answer = rig.send(&bad).response.expect("answer");
    assert!(answer.status >= 400);
    assert_eq!(answer.media_type(), "text/html");
    let mut session = rig.session();
    session.answered(Step::Token, rig.send(&bad), system_now());
    let failure = session
        .records
        .last()
        .and_then(|r| r.outcome.clone().err())
        .expect("a failure");
    assert!(!failure.message.is_empty());
}

/// Sends a raw HTTP/1.1 request to the sandbox; returns the status and the body.
fn raw(port: u16, request: &str) -> (u16, String) {
    use std::io::{Read as _, Write as _};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .expect("timeout");
    stream.write_all(request.as_bytes()).expect("send");
    let mut reply = Vec::new();
    let _ = stream.read_to_end(&mut reply);
    let reply = String::from_utf8_lossy(&reply).into_owned();
    let status = reply
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = reply
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

fn post_faults(port: u16, headers: &str, body: &str) -> (u16, String) {
    raw(
        port,
        &format!(
            "POST /sandbox/faults HTTP/1.1\r\n{headers}Content-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    )
}

/// A web page cannot flip the switches: a foreign `Origin` (CSRF), a foreign
/// `Host` (DNS rebinding) or an opaque origin get 403, and nothing changes;
/// the sandbox's own origin and a program without `Origin` get through.
#[test]
fn control_endpoints_refuse_other_origins() {
    let rig = Rig::start(Personality::Generic, Faults::default());
    let port = rig.sandbox.port();
    let own_host = format!("Host: 127.0.0.1:{port}\r\n");
    let on = r#"{"unavailable": true}"#;
    for headers in [
        format!("{own_host}Origin: http://evil.example\r\n"),
        format!("{own_host}Origin: null\r\n"),
        format!(
            "{own_host}Origin: http://127.0.0.1:{}\r\n",
            port.wrapping_add(1)
        ),
        format!("{own_host}Origin: https://127.0.0.1:{port}\r\n"),
        format!("Host: attacker.example:{port}\r\n"),
        format!("Host: 127.0.0.1.attacker.example:{port}\r\n"),
        "Host: 127.0.0.1\r\n".to_owned(),
        format!("Host: токен.рф:{port}\r\nOrigin: http://\u{200f}🙂\r\n"),
    ] {
        let (status, body) = post_faults(port, &headers, on);
        assert_eq!(status, 403, "{headers:?}: {body}");
        assert!(body.contains("access_denied"), "{body}");
    }
    let (status, _) = raw(
        port,
        "POST /sandbox/rotate HTTP/1.1\r\nHost: evil.example\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(status, 403);
    assert_eq!(rig.sandbox.key_generation(), 1, "keys not rotated");
    assert_eq!(
        rig.sandbox.faults(),
        Faults::default(),
        "nothing was flipped"
    );

    let (status, _) = post_faults(
        port,
        &format!("{own_host}Origin: http://127.0.0.1:{port}\r\n"),
        r#"{"wrong_key": true}"#,
    );
    assert_eq!(status, 200);
    assert!(rig.sandbox.faults().wrong_key);
    let (status, _) = post_faults(port, &format!("Host: localhost:{port}\r\n"), on);
    assert_eq!(status, 200, "a program sends no Origin");
    assert!(rig.sandbox.faults().unavailable);
}

/// Absurd numbers are refused with the range, and the switches stay as they were.
#[test]
fn control_endpoint_numbers_are_range_checked() {
    let rig = Rig::start(Personality::Generic, Faults::default());
    let port = rig.sandbox.port();
    let host = format!("Host: 127.0.0.1:{port}\r\n");
    for body in [
        r#"{"expire_in": -5}"#,
        r#"{"expire_in": 0}"#,
        r#"{"expire_in": 9223372036854775807}"#,
        r#"{"delay_ms": 18446744073709551615}"#,
        r#"{"delay_ms": 86400000}"#,
    ] {
        let (status, answer) = post_faults(port, &host, body);
        assert_eq!(status, 400, "{body}: {answer}");
        assert!(answer.contains(" to "), "says the range: {answer}");
    }
    for body in [
        r#"{"expire_in": 1e23}"#,
        r#"{"delay_ms": -1}"#,
        "{\"expire_in\": \"час\"}",
    ] {
        assert_eq!(post_faults(port, &host, body).0, 400, "{body}");
    }
    assert_eq!(rig.sandbox.faults(), Faults::default());
    let (status, _) = post_faults(port, &host, r#"{"expire_in": 5, "delay_ms": 10}"#);
    assert_eq!(status, 200);
    assert_eq!(rig.sandbox.faults().expire_in, Some(5));
}
