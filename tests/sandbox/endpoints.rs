//! The other grants and endpoints: password, device authorization with its
//! verification page, introspection and revocation through the runner, end session.

use tokenscope::app::system_now;
use tokenscope::net::RequestDraft;
use tokenscope::oauth::runner::{introspect, revoke, run_client_credentials};
use tokenscope::sandbox::{Faults, Personality};

use crate::support::{Rig, play};

fn form(rig: &Rig, url: &str, fields: &[(&str, &str)]) -> serde_json::Value {
    let mut pairs: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    pairs.push(("client_id".to_owned(), rig.profile.client_id.clone()));
    pairs.push(("client_secret".to_owned(), rig.secret.expose().to_owned()));
    let mut draft = RequestDraft::form_post(url, &pairs);
    draft.set_header("Accept", "application/json");
    let answer = rig.send(&draft).response.expect("answer");
    serde_json::from_str(&answer.text()).unwrap_or_else(|e| panic!("{e}: {}", answer.text()))
}

#[test]
fn password_grant_takes_the_login_as_the_password() {
    let rig = Rig::start(Personality::Keycloak, Faults::default());
    let token = rig.profile.endpoints.token.clone();
    let good = form(
        &rig,
        &token,
        &[
            ("grant_type", "password"),
            ("username", "ivan"),
            ("password", "ivan"),
            ("scope", "openid"),
        ],
    );
    assert!(good["id_token"].is_string(), "{good}");
    let bad = form(
        &rig,
        &token,
        &[
            ("grant_type", "password"),
            ("username", "ivan"),
            ("password", "guess"),
        ],
    );
    assert_eq!(bad["error_description"], "Invalid user credentials");
}

#[test]
fn device_flow_pending_then_approved_on_the_verification_page() {
    for personality in [Personality::Generic, Personality::Github] {
        let rig = Rig::start(personality, Faults::default());
        let device = form(
            &rig,
            &rig.profile.endpoints.device_authorization.clone(),
            &[("scope", "openid")],
        );
        let device_code = device["device_code"]
            .as_str()
            .expect("device_code")
            .to_owned();
        let poll = || {
            form(
                &rig,
                &rig.profile.endpoints.token,
                &[
                    ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                    ("device_code", &device_code),
                ],
            )
        };
        assert_eq!(poll()["error"], "authorization_pending", "{personality:?}");
        play(
            device["verification_uri_complete"]
                .as_str()
                .expect("complete uri"),
            &[],
        );
        // Polling faster than the 5 s interval is answered slow_down (RFC 8628 §3.5): wait it out.
        std::thread::sleep(std::time::Duration::from_millis(5100));
        let answer = poll();
        assert!(
            answer["access_token"].is_string(),
            "{personality:?}: {answer}"
        );
    }
}

#[test]
fn introspection_and_revocation_through_the_runner() {
    let rig = Rig::start(Personality::Kontur, Faults::default());
    let mut session = rig.session();
    let options = Rig::options();
    rig.runtime
        .block_on(async {
            run_client_credentials(&mut session, &options, system_now, |_| {}).await?;
            introspect(&mut session, &options, system_now, |_| {}).await?;
            assert_eq!(session.introspection.as_ref().map(|i| i.active), Some(true));
            revoke(&mut session, &options, system_now, |_| {}).await?;
            introspect(&mut session, &options, system_now, |_| {}).await
        })
        .expect("steps");
    assert_eq!(
        session.introspection.as_ref().map(|i| i.active),
        Some(false)
    );
}

#[test]
fn end_session_stops_the_session_tokens() {
    let rig = Rig::start(Personality::Generic, Faults::default());
    let token = rig.profile.endpoints.token.clone();
    let tokens = form(
        &rig,
        &token,
        &[
            ("grant_type", "password"),
            ("username", "anna"),
            ("password", "anna"),
            ("scope", "openid offline_access"),
        ],
    );
    let id_token = tokens["id_token"].as_str().expect("id token");
    let logout = format!(
        "{}?id_token_hint={id_token}&post_logout_redirect_uri=http://127.0.0.1:9/bye&state=s1",
        rig.profile.endpoints.end_session
    );
    let landed = play(&logout, &[]);
    assert_eq!(landed, "http://127.0.0.1:9/bye?state=s1");
    let refresh = form(
        &rig,
        &token,
        &[
            ("grant_type", "refresh_token"),
            (
                "refresh_token",
                tokens["refresh_token"].as_str().expect("rt"),
            ),
        ],
    );
    assert_eq!(refresh["error"], "invalid_grant", "{refresh}");
}
