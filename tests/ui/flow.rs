//! The flow panel driven by label against the real provider, and its step
//! cards as images.

use egui_kittest::kittest::Queryable as _;
use tokenscope::oauth::flow::Step;

use crate::provider::{TestProvider, free_port};
use crate::support::{harness_on_with_browser, temp_dir, wait_for};

fn write_profile(dir: &std::path::Path, issuer: &str, redirect: &str, secret: &str) {
    let profiles = format!(
        r#"{{"schema":1,"profiles":[{{"id":"ui-flow","name":"Test provider","issuer":"{issuer}","client_id":"client-post",
            "client_auth":"client_secret_post","redirect_uri":"{redirect}","scopes":"openid profile email offline_access"}}]}}"#
    );
    std::fs::write(dir.join("profiles.json"), profiles).expect("profiles");
    std::fs::write(
        dir.join("secrets.json"),
        format!(r#"{{"ui-flow/client_secret":"{secret}"}}"#),
    )
    .expect("secrets");
}

fn last_ok(app: &tokenscope::app::TokenscopeApp, step: Step) -> Option<bool> {
    let flow = app.workspace().flow.as_ref()?;
    flow.session
        .records
        .iter()
        .rev()
        .find(|r| r.step == step)
        .map(|r| r.outcome.is_ok())
}

/// Whether the newest `step` record's tokens verified, once verified.
pub fn verified(app: &tokenscope::app::TokenscopeApp, step: Step) -> Option<bool> {
    let flow = app.workspace().flow.as_ref()?;
    flow.session
        .records
        .iter()
        .rev()
        .find(|r| r.step == step)?
        .verification
        .as_ref()
        .map(|report| report.passed)
}

fn open_flow(
    secret: &str,
) -> (
    TestProvider,
    egui_kittest::Harness<'static, tokenscope::app::TokenscopeApp>,
) {
    open_flow_after_paste(secret, None)
}

/// [`open_flow`], the user having pasted `paste` into the inspector first.
fn open_flow_after_paste(
    secret: &str,
    paste: Option<&str>,
) -> (
    TestProvider,
    egui_kittest::Harness<'static, tokenscope::app::TokenscopeApp>,
) {
    let dir = temp_dir(&format!("flow-{secret}"));
    let redirect = format!("http://127.0.0.1:{}/callback", free_port());
    let provider = TestProvider::start(&[&redirect]);
    write_profile(&dir, &provider.issuer, &redirect, secret);
    let mut harness = harness_on_with_browser(&dir, Some(TestProvider::browser_command()));
    // The provider stamps tokens with the real time: check them against it.
    if let Some(text) = paste {
        crate::support::paste(&mut harness, text);
    }
    crate::support::start_flow_of(&mut harness, "Test provider", |app| {
        app.workspace().profiles.loaded_secret.is_some()
    });
    (provider, harness)
}

#[test]
fn the_flow_panel_walks_the_code_flow_and_hands_the_tokens_to_the_inspector() {
    // What the user had pasted stays: the run's tokens go beside it.
    let users_paste = r#"{"error":"invalid_grant","error_description":"Токен истёк"}"#;
    let (_provider, mut harness) = open_flow_after_paste("post-secret", Some(users_paste));
    harness.get_by_label("Send").click();
    wait_for(&mut harness, |app| {
        last_ok(app, Step::Discovery) == Some(true)
    });
    // The authorization request reads as a table, each parameter with what it is for.
    harness.get_by_label("What it is for");
    harness.get_by_label_contains("A random value the app checks on return");
    harness.get_by_label_contains("The hash of the PKCE verifier the app keeps");
    harness.get_by_label("Copy URL");
    harness.get_by_label("Open the browser").click();
    wait_for(&mut harness, |app| {
        last_ok(app, Step::Callback) == Some(true)
    });
    harness.get_by_label("code received; state and iss match");
    harness.get_by_label("Send").click();
    wait_for(&mut harness, |app| last_ok(app, Step::Token) == Some(true));
    harness.get_by_label_contains("ID token, refresh token");
    // The run's ID token is verified at once by the engine `run` uses, with
    // the run's nonce and the provider's keys; the inspector is left alone.
    wait_for(&mut harness, |app| verified(app, Step::Token).is_some());
    assert_eq!(verified(harness.state(), Step::Token), Some(true));
    harness.get_by_label_contains("Verified: ID token, signature valid (RS256");
    // The tokens are decoded on the card: each with its role and the
    // engine's verdict, the ID token's claims open with their meanings.
    harness.get_by_label("Open in the inspector");
    assert!(harness.query_all_by_label("verified").count() >= 1);
    assert!(
        harness.query_all_by_label("nonce").count() >= 1,
        "the ID token's claims"
    );
    harness.get_by_label_contains("Value the client sent in the authorization request");
    assert_eq!(
        harness
            .state()
            .workspace()
            .inspection
            .as_ref()
            .map(|i| (i.tokens.len(), i.errors.len())),
        Some((0, 1)),
        "the run does not paste over the inspector"
    );
    harness.get_by_label("Send").click();
    wait_for(&mut harness, |app| {
        last_ok(app, Step::UserInfo) == Some(true)
    });
    let curl = token_request_as_curl(&mut harness);
    assert!(curl.starts_with("curl"), "{curl}");
    assert!(
        curl.contains("<client_secret>") && !curl.contains("post-secret"),
        "{curl}"
    );
    harness.get_by_label("Show tokens in the inspector").click();
    harness.run();
    let inspection = harness
        .state()
        .workspace()
        .inspection
        .clone()
        .expect("inspected");
    assert!(
        inspection.tokens.iter().any(|t| t.title() == "ID token"),
        "the run's ID token is in the inspector"
    );
    assert!(
        inspection
            .errors
            .iter()
            .any(|e| e.description.as_deref() == Some("Токен истёк")),
        "beside the user's own paste"
    );
    harness.get_by_label("ID token");
}

#[test]
fn a_wrong_secret_shows_the_provider_error_and_what_to_check() {
    let (_provider, mut harness) = open_flow("wrong-secret");
    harness.get_by_label("Send").click();
    wait_for(&mut harness, |app| {
        last_ok(app, Step::Discovery) == Some(true)
    });
    harness.get_by_label("Open the browser").click();
    wait_for(&mut harness, |app| {
        last_ok(app, Step::Callback) == Some(true)
    });
    harness.get_by_label("Send").click();
    wait_for(&mut harness, |app| last_ok(app, Step::Token) == Some(false));
    // The failure, and the answer itself: the failed step's panes are open.
    assert!(
        harness
            .query_all_by_label_contains("invalid_client")
            .count()
            >= 2,
        "the message and the open answer"
    );
    harness.get_by_label_contains("HTTP/1.1 401");
    // The card shows the catalogue's diagnosis: what it is, the causes, the fix, the source.
    harness.get_by_label("Probably: The provider did not accept the client's credentials");
    harness.get_by_label(
        "Cause: The client secret is wrong, stale (rotated) or from another environment.",
    );
    harness.get_by_label_contains(
        "Fix: Check the client id, copy the current secret of this environment again",
    );
    harness.get_by_label("Source: RFC 6749 §5.2");
}

#[test]
fn a_failed_keycloak_token_step_shows_keycloak_s_cause_and_fix() {
    let harness = crate::snapshots::flow_scene_harness(
        r#"{"error":"unauthorized_client","error_description":"Invalid client or Invalid client credentials"}"#,
        401,
    );
    harness.get_by_label("Probably: Keycloak did not accept the client");
    harness.get_by_label("Cause: Wrong or missing client secret for a confidential client.");
    harness.get_by_label_contains("Fix: Copy the secret from the client's Credentials tab");
    harness.get_by_label("Source: Keycloak, client authentication errors");
}

#[test]
fn the_token_card_warns_before_sending_a_code_again() {
    // The scene's token step failed after sending the code: the next request
    // would send the same code again, and the card says so above Send.
    let harness = crate::snapshots::flow_scene_harness(
        r#"{"error":"invalid_grant","error_description":"Code not valid"}"#,
        400,
    );
    harness.get_by_label_contains("Warning: This code was sent already: codes work once");
    harness.get_by_label("Send");
}

#[test]
fn automatic_refresh_is_off_until_ticked_and_then_says_when() {
    let mut harness = crate::snapshots::flow_scene_harness(
        &crate::support::fixture("keycloak-token-response.json"),
        200,
    );
    assert!(
        harness
            .query_by_label_contains("Automatic refresh is on")
            .is_none(),
        "off by default"
    );
    harness.get_by_label("Refresh automatically").click();
    harness.run();
    harness.get_by_label_contains("Automatic refresh is on: next at");
    harness.get_by_label("Export HAR…");
    harness.get_by_label("Export report…");
}

#[test]
fn the_timeline_keeps_every_step_and_reopens_one() {
    let mut harness = crate::snapshots::flow_scene_harness(
        &crate::support::fixture("keycloak-token-response.json"),
        200,
    );
    harness.get_by_label("Timeline").click();
    harness.run();
    harness.get_by_label("Session timeline: 3 steps");
    harness.get_by_label("#3 Token").click();
    harness.run();
    assert_eq!(harness.state().workspace().timeline_open, Some(2));
    assert!(
        harness.query_all_by_label("Response as received").count() >= 2,
        "the opened exchange is shown below the table"
    );
}

#[test]
fn the_authorize_card_warns_about_scope_and_redirect_before_the_browser_opens() {
    // A Keycloak profile whose scopes lost openid, with a plain-http redirect
    // to another host: both are warned about above "Open the browser".
    let dir = temp_dir("lint");
    std::fs::write(
        dir.join("profiles.json"),
        r#"{"schema":1,"profiles":[{"id":"lint","name":"Keycloak without openid","preset":"keycloak",
            "client_id":"fe-client","client_auth":"none","redirect_uri":"http://partner.example.test/cb",
            "scopes":"profile email",
            "endpoints":{"authorization":"https://sso.example.test/realms/partner-realm/protocol/openid-connect/auth",
                         "token":"https://sso.example.test/realms/partner-realm/protocol/openid-connect/token"}}]}"#,
    )
    .expect("profiles");
    let mut harness = crate::support::harness_on(&dir);
    harness.get_by_label("Keycloak without openid").click();
    harness.run();
    harness.get_by_label("Flow").click();
    harness.run();
    harness.get_by_label("Start the flow").click();
    harness.run();
    harness.get_by_label("Open the browser");
    harness.get_by_label_contains("Warning: scope has no openid");
    harness.get_by_label_contains(
        "Warning: The redirect URI http://partner.example.test/cb is plain http://",
    );
}

/// An OAuth-only server (404 at the OpenID location): the window's
/// Discovery step follows RFC 8414 §3.1 as `run` does, says so on the card,
/// and the client credentials grant then reaches the discovered endpoint.
#[test]
fn the_discovery_step_falls_back_to_the_rfc_8414_location() {
    let base = crate::oauth_only::start();
    let dir = temp_dir("ui-oauth-only");
    let profiles = serde_json::json!({"schema": 1, "profiles": [{
        "id": "oauth-only", "name": "OAuth-only server", "issuer": base,
        "client_id": "oauth-only", "client_auth": "client_secret_post",
        "default_grant": "client_credentials"
    }]});
    std::fs::write(dir.join("profiles.json"), profiles.to_string()).expect("profiles");
    std::fs::write(
        dir.join("secrets.json"),
        r#"{"oauth-only/client_secret":"секрет"}"#,
    )
    .expect("secrets");
    let mut harness = crate::support::harness_on(&dir);
    crate::support::start_flow_of(&mut harness, "OAuth-only server", |app| {
        app.workspace().profiles.loaded_secret.is_some()
    });
    harness.get_by_label("Send").click();
    wait_for(&mut harness, |app| last_ok(app, Step::Discovery).is_some());
    assert_eq!(last_ok(harness.state(), Step::Discovery), Some(true));
    harness.get_by_label_contains(&format!(
        "{base}/.well-known/openid-configuration answered 404 first"
    ));
    harness.get_by_label("Send").click();
    wait_for(&mut harness, |app| {
        last_ok(app, Step::ClientCredentials).is_some()
    });
    assert_eq!(
        last_ok(harness.state(), Step::ClientCredentials),
        Some(true)
    );
}

/// No browser can be opened (a server, a container): the Authorize card
/// says why and keeps the URL with "Copy URL"; the run still listens, so
/// the user opens the copied URL by hand and the redirect is received.
#[test]
fn without_a_browser_the_url_is_offered_and_the_redirect_still_arrives() {
    let dir = temp_dir("flow-no-browser");
    let redirect = format!("http://127.0.0.1:{}/callback", free_port());
    let provider = TestProvider::start(&[&redirect]);
    write_profile(&dir, &provider.issuer, &redirect, "post-secret");
    let mut harness = harness_on_with_browser(&dir, Some("/nonexistent/браузер".to_owned()));
    crate::support::start_flow_of(&mut harness, "Test provider", |app| {
        app.workspace().profiles.loaded_secret.is_some()
    });
    harness.get_by_label("Send").click();
    wait_for(&mut harness, |app| {
        last_ok(app, Step::Discovery) == Some(true)
    });
    harness.get_by_label("Open the browser").click();
    // The card spins while the run waits for the redirect: step, not run.
    harness.run_steps(3);
    harness.get_by_label_contains("No browser could be opened");
    let copied = crate::support::click_and_copy(&mut harness, "Copy URL");
    let url = copied.first().expect("the URL was copied").clone();
    assert!(url.starts_with(&provider.issuer), "{url}");
    // The user opens it by hand: the listener takes the redirect.
    let _ = provider.play_browser(&url);
    wait_for(&mut harness, |app| last_ok(app, Step::Callback).is_some());
    assert_eq!(last_ok(harness.state(), Step::Callback), Some(true));
}

/// Before the first step the flow tab shows the plan: the grant's steps as
/// a sequence diagram and as cards, each saying what it is for.
#[test]
fn before_the_first_step_the_flow_shows_the_plan() {
    let dir = temp_dir("flow-plan");
    write_profile(
        &dir,
        "https://sso.example.test/realms/partner",
        "http://127.0.0.1:53682/callback",
        "s",
    );
    let mut harness = crate::support::harness_on(&dir);
    harness.get_by_label("Test provider").click();
    harness.run();
    harness.get_by_label("Flow").click();
    harness.run();
    harness.get_by_label("The way ahead: the steps of this grant, before the first one");
    // The diagram's arrows, and the cards in order with their purposes.
    harness.get_by_label("Token: code + PKCE verifier");
    harness.get_by_label("1 Discovery");
    harness.get_by_label("3 Callback");
    harness.get_by_label_contains("The app trades the code");
    assert!(
        harness.state().workspace().flow.is_none(),
        "nothing started"
    );
}

/// The token card's request as "Copy as curl" gives it, after the UserInfo
/// step: only the latest answer's panes are open, so the token card's is
/// opened first.
fn token_request_as_curl(
    harness: &mut egui_kittest::Harness<'static, tokenscope::app::TokenscopeApp>,
) -> String {
    // The latest answer's panes are open, the earlier ones folded: only
    // the UserInfo request offers curl until the token card's is opened.
    assert_eq!(harness.query_all_by_label("Copy as curl").count(), 1);
    // Each request can be copied as curl, the secret replaced by a placeholder.
    harness
        .get_all_by_label("Request as sent")
        .nth(1)
        .expect("the token card's request")
        .scroll_to_me();
    harness.run();
    harness
        .get_all_by_label("Request as sent")
        .nth(1)
        .expect("the token card's request")
        .click();
    harness.run();
    let buttons = harness.query_all_by_label("Copy as curl").count();
    assert_eq!(
        buttons, 2,
        "the token card's curl beside the UserInfo card's"
    );
    let mut copied = Vec::new();
    for index in 0..buttons {
        harness
            .get_all_by_label("Copy as curl")
            .nth(index)
            .expect("a curl button")
            .click();
        for _ in 0..3 {
            harness.step();
            copied.extend(crate::support::copied_last_frame(harness));
        }
    }
    let curl = copied
        .iter()
        .find(|curl| curl.contains("grant_type=authorization_code"))
        .expect("the token request as curl");
    curl.clone()
}

/// After the tokens, "Call an API" is a card like introspection: prepared
/// on demand, its address typed into the run, its request the access
/// token as a Bearer header.
#[test]
fn the_call_an_api_card_takes_an_address_and_drafts_the_call() {
    use egui_kittest::kittest::Queryable as _;
    let mut harness = crate::snapshots::flow_scene_harness(
        &crate::support::fixture("keycloak-token-response.json"),
        200,
    );
    harness.run();
    assert!(crate::support::shows(&harness, "Call an API"));
    let count = harness.query_all_by_label("Prepare").count();
    assert!(count >= 1, "Prepare buttons: {count}");
    harness
        .query_all_by_label("Prepare")
        .next()
        .expect("a Prepare button")
        .scroll_to_me();
    harness.run();
    harness
        .query_all_by_label("Prepare")
        .next()
        .expect("a Prepare button")
        .click();
    harness.run();
    harness.run();
    crate::support::type_into(
        &mut harness,
        "API address",
        "https://api.example/v1/accounts",
    );
    harness.run();
    let flow = harness.state().workspace().flow.as_ref().expect("flow");
    assert_eq!(flow.session.api_url, "https://api.example/v1/accounts");
    let draft = flow.session.api_draft().expect("a draft");
    assert!(
        draft
            .headers
            .iter()
            .any(|(name, value)| name == "Authorization" && value.starts_with("Bearer ")),
        "{:?}",
        draft.headers
    );
}

/// The window's path for an encrypted ID token (OIDC Core §10.2), staged
/// without a provider: the run's session holds the profile's decryption
/// keys (as the window's key job leaves them), the token step's answer is a
/// nested ID token encrypted to them, and the engine's verification is
/// attached as the window's verification job attaches it. The token card
/// says how it was encrypted and which key opened it, and shows the claims
/// of the signed token inside.
#[test]
fn the_token_card_says_the_id_token_was_encrypted_and_shows_it_decrypted() {
    use tokenscope::app::FlowState;
    use tokenscope::oauth::callback::parse_pasted;
    use tokenscope::oauth::runner::{FlowSession, read_decryption_key};
    use tokenscope::oauth::{ClientAuth, Profile, ProfileId};
    use tokenscope::token::Timestamp;

    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/jwe/");
    let vectors: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{fixtures}jose-vectors.json")).expect("vectors"),
    )
    .expect("json");
    let jwe = vectors["vectors"]
        .as_array()
        .and_then(|all| all.iter().find(|v| v["name"] == "nested-id-token"))
        .and_then(|v| v["compact"].as_str())
        .expect("the nested ID token vector")
        .to_owned();
    let issued = 1_795_387_806;
    let mut harness = crate::support::harness(issued + 60);
    let mut profile = Profile {
        id: ProfileId("jwe-scene".to_owned()),
        name: "Encrypting provider".to_owned(),
        issuer: "https://op.example.test".to_owned(),
        client_id: "tokenscope".to_owned(),
        client_auth: ClientAuth::ClientSecretPost,
        redirect_uri: "http://127.0.0.1:53682/callback".to_owned(),
        scopes: "openid".to_owned(),
        decryption_key_file: format!("{fixtures}recipient.private.jwks.json"),
        ..Profile::default()
    };
    "https://op.example.test/auth".clone_into(&mut profile.endpoints.authorization);
    "https://op.example.test/token".clone_into(&mut profile.endpoints.token);
    "https://op.example.test/jwks".clone_into(&mut profile.endpoints.jwks);
    let mut session = FlowSession::new(
        profile.clone(),
        Some(tokenscope::secret::Secret::new("s3cret")),
    );
    assert!(session.needs_decryption_key());
    session.decryption_key_loaded(read_decryption_key(&profile.decryption_key_file, None));
    "n-jwe-0S6_WzA2Mj".clone_into(&mut session.run.nonce);
    let at = Timestamp::from_unix(issued + 30);
    session.prepare_authorize(at).expect("authorize url");
    let redirect = format!(
        "http://127.0.0.1:53682/callback?code=SplxlOBeZQQYbYS6WxSbIA&state={}",
        session.run.state
    );
    session.callback(&parse_pasted(&redirect).expect("redirect"), at);
    let body = format!(
        r#"{{"access_token":"2YotnFZFEjr1zCsicMWpAA","token_type":"Bearer","expires_in":300,"id_token":"{jwe}"}}"#
    );
    let exchange = token_answer(&profile.endpoints.token, body);
    session.token_exchanged(exchange, at);
    let signing = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/provider/keys/provider-signing.jwks.json"
    ))
    .expect("the provider's keys");
    let report = session
        .answer_verification(at)
        .expect("the ID token to verify")
        .run(&mut |_| Ok(signing.clone()))
        .expect("a report");
    assert!(report.passed, "{report:?}");
    session.verified(report, false);
    {
        let workspace = harness.state_mut().workspace_mut();
        workspace.profiles.list.push(profile.clone());
        workspace.profiles.selected = Some(profile.id.clone());
        workspace.show_flow = true;
        workspace.flow = Some(FlowState::new(session));
    }
    harness.run();
    harness.get_by_label("4 Token").scroll_to_me();
    harness.run();
    harness.get_by_label_contains(
        "ID token encrypted with RSA-OAEP-256 / A256GCM, decrypted with key jose-rsa",
    );
    harness.get_by_label_contains(
        "encrypted with RSA-OAEP-256 / A256GCM, decrypted with key jose-rsa (OIDC Core §10.2",
    );
    assert!(harness.query_all_by_label("verified").count() >= 1);
    // The claims of the signed token inside (iss, sub, aud, nonce, iat,
    // exp), where a closed JWE would have none.
    harness.get_by_label("6 claims");
    // The inspector gets the decrypted token.
    let text = harness
        .state()
        .workspace()
        .flow
        .as_ref()
        .map(|flow| flow.session.tokens_text())
        .unwrap_or_default();
    assert!(!text.contains(&jwe), "{text}");
}

/// A token endpoint's 200 answer at `url` with `body`, as the window records one.
fn token_answer(url: &str, body: String) -> tokenscope::net::Exchange {
    use tokenscope::net::{Exchange, RecordedRequest, RecordedResponse};
    Exchange {
        request: RecordedRequest {
            method: "POST".to_owned(),
            url: url.to_owned(),
            headers: vec![(
                "Content-Type".to_owned(),
                "application/x-www-form-urlencoded".to_owned(),
            )],
            body: b"grant_type=authorization_code&code=SplxlOBeZQQYbYS6WxSbIA".to_vec(),
        },
        response: Ok(RecordedResponse {
            status: 200,
            reason: "OK".to_owned(),
            version: "HTTP/1.1".to_owned(),
            headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
            body: body.into_bytes(),
            truncated_at: None,
        }),
        duration: std::time::Duration::from_millis(12),
    }
}
