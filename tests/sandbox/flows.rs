//! The app's own flow runner against the sandbox in every personality, the
//! ID token verified and checked as the app does, and the bank's rules.

use tokenscope::app::system_now;
use tokenscope::net::RequestDraft;
use tokenscope::oauth::callback::parse_pasted;
use tokenscope::oauth::flow::{Step, parse_token_response};
use tokenscope::oauth::runner::{run_client_credentials, run_code_flow};
use tokenscope::sandbox::{Faults, Personality};
use tokenscope::token::checks::{CheckStatus, Expectations, id_token_checks};
use tokenscope::token::jose::{Decoded, JwsPayload, decode_unverified};
use tokenscope::token::verify::verify_decoded;

use crate::support::{Rig, play};

/// The ID token of the first token response, checked with the run's nonce
/// and the sandbox's published keys: every failed row's name.
pub fn failed_id_token_checks(
    rig: &Rig,
    session: &tokenscope::oauth::runner::FlowSession,
) -> Vec<String> {
    let record = session
        .records
        .iter()
        .find(|r| r.step == Step::Token)
        .expect("a token step");
    let tokens =
        parse_token_response(record.exchange.as_ref().expect("an exchange")).expect("tokens");
    let id_token = tokens.id_token.expect("an ID token");
    let decoded = decode_unverified(&id_token).expect("a JWS");
    let signature = verify_decoded(&decoded, &rig.keys());
    let Decoded::Jws(jws) = &decoded else {
        panic!("not a JWS")
    };
    let JwsPayload::Claims(claims) = &jws.payload else {
        panic!("no claims")
    };
    let expect = Expectations {
        issuer: (!rig.profile.issuer.is_empty()).then(|| rig.profile.issuer.clone()),
        client_id: Some(rig.profile.client_id.clone()),
        nonce: Some(session.run.nonce.clone()),
        access_token: tokens.access_token.clone(),
        ..Expectations::default()
    };
    id_token_checks(claims, &jws.header, &signature, &expect, system_now())
        .into_iter()
        .filter(|row| row.status == CheckStatus::Fail)
        .map(|row| format!("{}: {}", row.name, row.reason))
        .collect()
}

#[test]
fn every_personality_walks_code_pkce_userinfo_refresh_and_client_credentials() {
    // personality, discovery step expected, client credentials allowed
    let table = [
        (Personality::Generic, true, true),
        (Personality::Keycloak, true, true),
        (Personality::Bank, false, false),
        (Personality::Github, false, false),
        (Personality::Kontur, true, true),
        (Personality::Moex, true, true),
    ];
    for (personality, discovery, client_credentials) in table {
        let rig = Rig::start(personality, Faults::default());
        let mut session = rig.session();
        let result = rig.runtime.block_on(run_code_flow(
            &mut session,
            &Rig::options(),
            system_now,
            |_| {},
        ));
        let steps: Vec<(Step, bool)> = session
            .records
            .iter()
            .map(|r| (r.step, r.outcome.is_ok()))
            .collect();
        assert!(
            result.is_ok(),
            "{personality:?}: {result:?} {:?}",
            session.records.last()
        );
        let mut expected = vec![
            (Step::Authorize, true),
            (Step::Callback, true),
            (Step::Token, true),
            (Step::UserInfo, true),
            (Step::Refresh, true),
        ];
        if discovery {
            expected.insert(0, (Step::Discovery, true));
        }
        assert_eq!(steps, expected, "{personality:?}");
        if personality.openid() {
            assert_eq!(
                failed_id_token_checks(&rig, &session),
                Vec::<String>::new(),
                "{personality:?}"
            );
        }

        let mut service = rig.session();
        let result = rig.runtime.block_on(run_client_credentials(
            &mut service,
            &Rig::options(),
            system_now,
            |_| {},
        ));
        if client_credentials {
            assert!(
                result.is_ok(),
                "{personality:?} client credentials: {result:?}"
            );
        } else {
            let failure = result.expect_err("not a grant of this provider");
            assert!(
                failure.to_string().contains("unsupported_grant_type"),
                "{personality:?}: {failure}"
            );
        }
    }
}

#[test]
fn keycloak_answers_carry_its_fields_and_the_refresh_token_is_hs512() {
    let rig = Rig::start(Personality::Keycloak, Faults::default());
    let mut session = rig.session();
    rig.runtime
        .block_on(run_code_flow(
            &mut session,
            &Rig::options(),
            system_now,
            |_| {},
        ))
        .expect("flow");
    let record = session
        .records
        .iter()
        .find(|r| r.step == Step::Token)
        .expect("token");
    let body: serde_json::Value = serde_json::from_str(
        &record
            .exchange
            .as_ref()
            .expect("exchange")
            .response
            .as_ref()
            .expect("answer")
            .text(),
    )
    .expect("json");
    for field in ["refresh_expires_in", "not-before-policy", "session_state"] {
        assert!(body.get(field).is_some(), "{field} missing: {body}");
    }
    let refresh = body["refresh_token"].as_str().expect("refresh token");
    let Decoded::Jws(jws) = decode_unverified(refresh).expect("a JWT") else {
        panic!()
    };
    assert_eq!(jws.header["alg"], "HS512");
    let access = body["access_token"].as_str().expect("access token");
    let Decoded::Jws(jws) = decode_unverified(access).expect("a JWT") else {
        panic!()
    };
    let JwsPayload::Claims(claims) = &jws.payload else {
        panic!()
    };
    assert!(claims.contains_key("realm_access") && claims.contains_key("resource_access"));
}

#[test]
fn github_answers_form_encoded_unless_json_is_asked_for() {
    let rig = Rig::start(Personality::Github, Faults::default());
    let mut session = rig.session();
    rig.runtime
        .block_on(run_code_flow(
            &mut session,
            &Rig::options(),
            system_now,
            |_| {},
        ))
        .expect("flow");
    // The app asks for JSON (Accept: application/json) and gets it.
    let record = session
        .records
        .iter()
        .find(|r| r.step == Step::Token)
        .expect("token");
    let text = record
        .exchange
        .as_ref()
        .expect("exchange")
        .response
        .as_ref()
        .expect("answer")
        .text();
    assert!(text.contains("\"token_type\":\"bearer\""), "{text}");
    // Without that header the answer is form-encoded, comma-separated scopes and all.
    let mut plain = session.refresh_draft(system_now()).expect("refresh draft");
    plain
        .headers
        .retain(|(name, _)| !name.eq_ignore_ascii_case("accept"));
    let text = rig.send(&plain).response.expect("answer").text();
    assert!(text.starts_with("access_token=ghu_"), "{text}");
    assert!(
        text.contains("scope=read%3Auser%2Cuser%3Aemail") && text.contains("token_type=bearer"),
        "{text}"
    );
    // A bad code answers HTTP 200 with GitHub's error code.
    let mut draft = RequestDraft::form_post(
        &rig.profile.endpoints.token,
        &[
            ("grant_type".to_owned(), "authorization_code".to_owned()),
            ("code".to_owned(), "nope".to_owned()),
            ("client_id".to_owned(), rig.profile.client_id.clone()),
            ("client_secret".to_owned(), rig.secret.expose().to_owned()),
        ],
    );
    draft.set_header("Accept", "application/json");
    let answer = rig.send(&draft).response.expect("answer");
    assert_eq!(answer.status, 200);
    assert!(
        answer.text().contains("bad_verification_code"),
        "{}",
        answer.text()
    );
}

#[test]
fn bank_refuses_a_short_state_and_a_failed_exchange_spends_the_code() {
    let rig = Rig::start(Personality::Bank, Faults::default());
    let now = system_now();

    // A 10-character state: the bank redirects back with an error.
    let mut short = rig.session();
    short.run.state = "0123456789".to_owned();
    let url = short.prepare_authorize(now).expect("url");
    let landed = play(&url, &[]);
    let params = parse_pasted(&landed).expect("redirect");
    assert_eq!(params.error.as_deref(), Some("invalid_request"), "{landed}");
    assert!(
        params
            .error_description
            .unwrap_or_default()
            .contains("at least 36")
    );

    // A wrong secret fails the exchange; the right one then hears "Unknown code".
    let mut session = rig.session();
    let url = session.prepare_authorize(now).expect("url");
    let params = parse_pasted(&play(&url, &[])).expect("redirect");
    let code = params.code.clone().expect("a code");
    assert!(session.callback(&params, now).outcome.is_ok());
    let good = session.token_draft(now).expect("draft");
    let body = String::from_utf8_lossy(&good.body).replace("sandbox-bank-secret", "wrong-secret");
    let mut bad = good.clone();
    bad.body = body.into_bytes();
    let first = rig.send(&bad).response.expect("answer");
    assert!(
        first
            .text()
            .contains("Invalid client secret for authz code"),
        "{}",
        first.text()
    );
    let second = rig.send(&good).response.expect("answer");
    assert_eq!(second.status, 400);
    assert!(
        second
            .text()
            .contains(&format!("Unknown code = {}", code.expose())),
        "{}",
        second.text()
    );
}

#[test]
fn the_bank_userinfo_is_a_gost_signed_jwt_with_cyrillic_claims() {
    let rig = Rig::start(Personality::Bank, Faults::default());
    let mut session = rig.session();
    rig.runtime
        .block_on(run_code_flow(
            &mut session,
            &Rig::options(),
            system_now,
            |_| {},
        ))
        .expect("flow");
    let record = session
        .records
        .iter()
        .find(|r| r.step == Step::UserInfo)
        .expect("userinfo");
    let answer = record
        .exchange
        .as_ref()
        .expect("exchange")
        .response
        .as_ref()
        .expect("answer");
    assert_eq!(answer.media_type(), "application/jwt");
    let decoded = decode_unverified(answer.text().trim()).expect("a JWT");
    assert!(verify_decoded(&decoded, &rig.keys()).is_valid());
    let Decoded::Jws(jws) = decoded else { panic!() };
    assert_eq!(jws.header["alg"], "gost34.10-2012");
    let JwsPayload::Claims(claims) = &jws.payload else {
        panic!()
    };
    assert_eq!(claims["OrgName"], "ООО «Ромашка»");
    let access = session
        .tokens
        .as_ref()
        .and_then(|t| t.access_token.clone())
        .expect("access");
    assert!(access.ends_with("-1") && access.len() == 38, "{access}");
}

#[test]
fn moex_accepts_the_passport_grant() {
    let rig = Rig::start(Personality::Moex, Faults::default());
    let form = |passport: &str| {
        RequestDraft::form_post(
            &rig.profile.endpoints.token,
            &[
                ("grant_type".to_owned(), "passport".to_owned()),
                ("passport".to_owned(), passport.to_owned()),
                ("signature".to_owned(), "MEUCIQ-detached".to_owned()),
                ("algorithm".to_owned(), "GOST R 34.10-2012".to_owned()),
                ("client_id".to_owned(), rig.profile.client_id.clone()),
                ("client_secret".to_owned(), rig.secret.expose().to_owned()),
            ],
        )
    };
    let answer = rig
        .send(&form("MicexPassportCert-value"))
        .response
        .expect("answer");
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert!(answer.text().contains("access_token"));
    let refused = rig.send(&form("")).response.expect("answer");
    assert_eq!(refused.status, 400);
}
