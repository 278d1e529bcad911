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
            &Rig::options(),
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
    };
    let sandbox = Sandbox::start(&runtime.handle(), config, clock).expect("sandbox");
    let mut rig = Rig::start(Personality::Generic, Faults::default());
    rig.profile = sandbox.profile();
    rig.profile.redirect_uri = format!("http://127.0.0.1:{}/callback", crate::support::free_port());
    rig.secret = tokenscope::secret::Secret::new(sandbox.client().client_secret);
    let mut session = rig.session();
    let at = || Timestamp::from_unix(now.load(Ordering::SeqCst));
    rig.runtime
        .block_on(run_code_flow(&mut session, &Rig::options(), at, |_| {}))
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
