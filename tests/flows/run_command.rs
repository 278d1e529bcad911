//! `tokenscope run`: the flow from a terminal, one JSON line per step.

use std::process::Command;

use crate::provider::{TestProvider, free_port};

fn profile_file(
    dir: &std::path::Path,
    issuer: &str,
    redirect: &str,
    secret: &str,
) -> std::path::PathBuf {
    client_profile_file(
        dir,
        (issuer, redirect),
        ("client-basic", "client_secret_basic", secret),
        "openid profile email offline_access",
    )
}

/// A profile file for `client` (id, authentication, secret) of the provider
/// at `issuer`, with its secret beside it.
fn client_profile_file(
    dir: &std::path::Path,
    (issuer, redirect): (&str, &str),
    (client_id, auth, secret): (&str, &str, &str),
    scopes: &str,
) -> std::path::PathBuf {
    let path = dir.join("profile.json");
    let text = format!(
        r#"{{"schema":1,"profiles":[{{"id":"run-test","name":"Test provider","issuer":"{issuer}","client_id":"{client_id}",
            "client_auth":"{auth}","redirect_uri":"{redirect}","scopes":"{scopes}"}}],
            "secrets":{{"run-test":{{"client_secret":"{secret}"}}}}}}"#
    );
    std::fs::write(&path, text).expect("write profile");
    path
}

fn run(args: &[&str]) -> (i32, Vec<serde_json::Value>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_tokenscope"))
        .arg("run")
        .args(args)
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    (
        output.status.code().unwrap_or(-1),
        lines,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The step's ID token verified: signature valid, no failed check, and the
/// check `named` among them.
fn assert_verified(line: &serde_json::Value, named: &str) {
    assert_eq!(line["verification"]["passed"], true, "{line}");
    let id_token = line["tokens"]
        .as_array()
        .and_then(|tokens| tokens.iter().find(|t| t["role"] == "id"))
        .unwrap_or_else(|| panic!("an ID token in {line}"));
    assert_eq!(id_token["signature"]["status"], "valid", "{id_token}");
    let checks = id_token["checks"].as_array().expect("checks");
    assert!(checks.iter().all(|c| c["status"] != "fail"), "{id_token}");
    assert!(
        checks
            .iter()
            .any(|c| c["name"] == named && c["status"] == "pass"),
        "{named}: {id_token}"
    );
}

#[test]
fn run_walks_the_flow_and_prints_one_json_line_per_step() {
    let dir = std::env::temp_dir().join(format!("tokenscope-run-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let redirect = format!("http://127.0.0.1:{}/callback", free_port());
    let provider = TestProvider::start(&[&redirect]);
    let secret = "basic-secret:+/= %&";
    let file = profile_file(&dir, &provider.issuer, &redirect, secret);
    let browser = TestProvider::browser_command();
    let (code, lines, stderr) = run(&[
        "--profile-file",
        file.to_str().expect("utf-8"),
        "--browser",
        &browser,
        "--json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let steps: Vec<&str> = lines
        .iter()
        .map(|l| l["step"].as_str().unwrap_or("?"))
        .collect();
    assert_eq!(
        steps,
        [
            "discovery",
            "authorize",
            "callback",
            "token",
            "userinfo",
            "refresh"
        ]
    );
    assert!(lines.iter().all(|l| l["ok"] == true));
    let token = &lines[3];
    assert_eq!(token["response"]["status"], 200);
    // Verified against oidc-provider's JWKS with this run's nonce and code,
    // and the refreshed ID token by OIDC Core §12.2 as well.
    assert_verified(token, "nonce");
    assert_verified(&lines[5], "refresh_sub");
    let everything = lines.iter().map(ToString::to_string).collect::<String>();
    assert!(
        !everything.contains("basic-secret"),
        "the secret is masked in the output"
    );
    assert!(
        !everything.contains(&secret.replace(' ', "+")),
        "the encoded secret is masked too"
    );

    let file = profile_file(&dir, &provider.issuer, &redirect, "wrong");
    let (code, lines, _) = run(&[
        "--profile-file",
        file.to_str().expect("utf-8"),
        "--browser",
        &browser,
        "--json",
    ]);
    assert_eq!(code, 1, "a failed step exits 1");
    let last = lines.last().expect("a line per step");
    assert_eq!(last["step"], "token");
    assert_eq!(last["ok"], false);
    assert_eq!(last["error"], "invalid_client");
    // The failed step carries the catalogue's diagnosis: cause, fix, source.
    let finding = &last["diagnoses"][0];
    assert_eq!(finding["id"], "rfc6749.token.invalid_client", "{last}");
    assert!(
        finding["causes"][0]["en"]
            .as_str()
            .is_some_and(|c| c.contains("client secret is wrong")),
        "{finding}"
    );
    assert!(
        finding["causes"][0]["ru"]
            .as_str()
            .is_some_and(|c| c.contains("Секрет клиента неверный")),
        "{finding}"
    );
    assert_eq!(finding["source"], "RFC 6749 §5.2");
    assert!(
        last["diagnosis"]
            .as_str()
            .is_some_and(|d| d.starts_with("The provider did not accept the client's credentials")),
        "{last}"
    );

    // Without --json the failed step is printed with its cause, fix and source.
    let output = Command::new(env!("CARGO_BIN_EXE_tokenscope"))
        .args([
            "run",
            "--profile-file",
            file.to_str().expect("utf-8"),
            "--browser",
            &browser,
        ])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("cause: The client secret is wrong")
            && text.contains("fix: Check the client id")
            && text.contains("source: RFC 6749 §5.2"),
        "{text}"
    );
}

/// A profile file from a JSON profile object and its secrets object.
fn custom_profile_file(dir: &std::path::Path, name: &str, profile: &str, secrets: &str) -> String {
    let path = dir.join(name);
    std::fs::write(
        &path,
        format!(r#"{{"schema":1,"profiles":[{profile}],"secrets":{{"run-grant":{secrets}}}}}"#),
    )
    .expect("write profile");
    path.to_str().expect("utf-8").to_owned()
}

#[test]
fn run_walks_the_password_grant_and_private_key_jwt_client_credentials() {
    let dir = std::env::temp_dir().join(format!("tokenscope-run-grants-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let provider = TestProvider::start(&[&format!("http://127.0.0.1:{}/callback", free_port())]);
    let issuer = &provider.issuer;

    let password = custom_profile_file(
        &dir,
        "password.json",
        &format!(
            r#"{{"id":"run-grant","name":"p","issuer":"{issuer}","client_id":"client-post",
                "client_auth":"client_secret_post","scopes":"profile","default_grant":"password"}}"#
        ),
        r#"{"client_secret":"post-secret"}"#,
    );
    let output = Command::new(env!("CARGO_BIN_EXE_tokenscope"))
        .args(["run", "--profile-file", &password, "--username", "alice"])
        .args(["--password-env", "TOKENSCOPE_TEST_PASSWORD", "--json"])
        .env("TOKENSCOPE_TEST_PASSWORD", "wonderland")
        .output()
        .expect("runs");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let steps: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(steps[1]["step"], "password");
    assert_eq!(steps[1]["ok"], true);
    assert!(!stdout.contains("wonderland"), "the password is masked");

    let key = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/provider/keys/client-jwt.private.pem"
    );
    let jwt = custom_profile_file(
        &dir,
        "jwt.json",
        &format!(
            r#"{{"id":"run-grant","name":"j","issuer":"{issuer}","client_id":"client-jwt",
                "client_auth":"private_key_jwt","scopes":"profile",
                "client_assertion":{{"key_file":"{key}","key_id":"client-jwt-rs256"}}}}"#
        ),
        "{}",
    );
    let (code, lines, stderr) = run(&[
        "--profile-file",
        &jwt,
        "--grant",
        "client_credentials",
        "--introspect",
        "--revoke",
        "--json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let steps: Vec<&str> = lines.iter().filter_map(|l| l["step"].as_str()).collect();
    assert_eq!(
        steps,
        [
            "discovery",
            "client_credentials",
            "introspection",
            "revocation"
        ]
    );
    let bytes: Vec<u8> = lines[1]["request"]["body"]
        .as_array()
        .expect("body bytes")
        .iter()
        .filter_map(|b| b.as_u64().and_then(|b| u8::try_from(b).ok()))
        .collect();
    let body = String::from_utf8(bytes).expect("utf-8");
    assert!(body.contains("client_assertion_type="), "{body}");
    assert!(
        !body.contains("eyJhbGciOi"),
        "the assertion is masked in the output: {body}"
    );
    let decoded = lines[1]["client_assertion"]
        .as_str()
        .expect("decoded assertion");
    assert!(decoded.contains("\"sub\": \"client-jwt\""), "{decoded}");
}

#[test]
fn run_walks_the_device_flow_then_logs_out() {
    use std::io::{BufRead as _, BufReader, Read as _};
    let dir = std::env::temp_dir().join(format!("tokenscope-run-device-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let redirect = format!("http://127.0.0.1:{}/callback", free_port());
    let provider = TestProvider::start(&[&redirect]);
    let issuer = &provider.issuer;
    let file = custom_profile_file(
        &dir,
        "device.json",
        &format!(
            r#"{{"id":"run-grant","name":"d","issuer":"{issuer}","client_id":"client-post",
                "client_auth":"client_secret_post","redirect_uri":"{redirect}",
                "scopes":"openid profile","default_grant":"device_code"}}"#
        ),
        r#"{"client_secret":"post-secret"}"#,
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_tokenscope"))
        .args(["run", "--profile-file", &file, "--logout", "--json"])
        .args(["--browser", &TestProvider::browser_command()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let mut line = String::new();
    stderr.read_line(&mut line).expect("the user code line");
    let url = line
        .split("(or open ")
        .nth(1)
        .and_then(|rest| rest.strip_suffix(")\n"))
        .unwrap_or_else(|| panic!("no verification_uri_complete in {line:?}"));
    assert!(line.starts_with("Open "), "{line}");
    let _ = provider.play_browser(url);
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut stdout)
        .expect("read");
    let status = child.wait().expect("exits");
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).ok();
    assert!(status.success(), "{stdout}\n{rest}");
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    let steps: Vec<&str> = lines.iter().filter_map(|l| l["step"].as_str()).collect();
    assert_eq!(steps[..2], ["discovery", "device_authorization"]);
    assert_eq!(steps.last(), Some(&"logout"));
    let polls: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|l| l["step"] == "device_token")
        .collect();
    assert_eq!(polls.last().map(|l| l["ok"].clone()), Some(true.into()));
    assert!(
        polls[..polls.len() - 1]
            .iter()
            .all(|l| l["pending"] == true),
        "every poll before the tokens is pending: {polls:?}"
    );
    let body: serde_json::Value =
        serde_json::from_str(lines[1]["response"]["body"].as_str().expect("body")).expect("json");
    let device_code = body["device_code"].as_str().expect("device_code");
    assert!(
        device_code.contains('…') || device_code == "••••••",
        "the device code is masked: {device_code}"
    );
    assert!(body["user_code"].as_str().is_some_and(|c| line.contains(c)));
}

/// `run --dpop` against oidc-provider's DPoP client (RFC 9449): the token
/// request is first answered `use_dpop_nonce`, sent again with the nonce,
/// the tokens come back DPoP-bound, UserInfo takes `Authorization: DPoP`
/// with a proof carrying `ath`, and the refresh carries a proof too.
#[test]
fn run_with_dpop_retries_with_the_nonce_and_gets_bound_tokens() {
    let dir = std::env::temp_dir().join(format!("tokenscope-run-dpop-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let redirect = format!("http://127.0.0.1:{}/callback", free_port());
    let provider = TestProvider::start(&[&redirect]);
    let path = client_profile_file(
        &dir,
        (&provider.issuer, &redirect),
        ("client-dpop", "client_secret_post", "dpop-secret"),
        "openid profile",
    );
    let browser = TestProvider::browser_command();
    let (code, lines, stderr) = run(&[
        "--profile-file",
        path.to_str().expect("utf-8"),
        "--browser",
        &browser,
        "--dpop",
        "--json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let steps: Vec<&str> = lines
        .iter()
        .map(|l| l["step"].as_str().unwrap_or("?"))
        .collect();
    assert_eq!(
        steps,
        [
            "discovery",
            "authorize",
            "callback",
            "token",
            "token",
            "userinfo",
            "refresh"
        ],
        "the nonce demand, then the token request again: {steps:?}"
    );
    let demand = &lines[3];
    assert_eq!(demand["ok"], false, "{demand}");
    assert!(demand.to_string().contains("use_dpop_nonce"), "{demand}");
    assert!(
        demand["diagnosis"]
            .to_string()
            .contains("The server wants a nonce in the DPoP proof"),
        "explained: {}",
        demand["diagnosis"]
    );
    let token = &lines[4];
    assert_eq!(token["ok"], true, "{token}");
    assert!(
        token.to_string().contains(r#""token_type":"DPoP""#),
        "DPoP-bound tokens: {token}"
    );
    assert!(
        token["summary"]
            .as_str()
            .is_some_and(|s| s.contains("DPoP-bound")),
        "the card says so: {}",
        token["summary"]
    );
    assert_eq!(
        lines[5]["ok"], true,
        "UserInfo with the bound token: {}",
        lines[5]
    );
    assert_eq!(
        lines[6]["ok"], true,
        "a refresh with the proof: {}",
        lines[6]
    );
}

/// A FAPI-style client (`client-fapi` requires PAR and signed request
/// objects and answers with JARM): `run --par --request-object
/// --response-mode jwt` pushes a PS256 request object, sends the browser
/// with the `request_uri` only, checks the signed response before using its
/// code, and gets verified tokens.
#[test]
fn run_with_par_a_request_object_and_jarm_reaches_verified_tokens() {
    let dir = std::env::temp_dir().join(format!("tokenscope-run-fapi-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let redirect = format!("http://127.0.0.1:{}/callback", free_port());
    let provider = TestProvider::start(&[&redirect]);
    let key = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/provider/keys/client-jwt.private.pem"
    );
    let issuer = &provider.issuer;
    let path = dir.join("fapi.json");
    std::fs::write(
        &path,
        format!(
            r#"{{"schema":1,"profiles":[{{"id":"run-fapi","name":"FAPI","issuer":"{issuer}","client_id":"client-fapi",
                "client_auth":"private_key_jwt","redirect_uri":"{redirect}","scopes":"openid profile",
                "client_assertion":{{"key_file":"{key}","key_id":"client-jwt-rs256","algorithm":"PS256","audience":"issuer"}}}}]}}"#
        ),
    )
    .expect("profile");
    let browser = TestProvider::browser_command();
    let (code, lines, stderr) = run(&[
        "--profile-file",
        path.to_str().expect("utf-8"),
        "--browser",
        &browser,
        "--par",
        "--request-object",
        "--response-mode",
        "jwt",
        "--json",
    ]);
    let summaries: Vec<String> = lines
        .iter()
        .map(|l| format!("{} {} {}", l["step"], l["ok"], l["summary"]))
        .collect();
    assert_eq!(code, 0, "{stderr}\n{summaries:#?}");
    let steps: Vec<&str> = lines.iter().filter_map(|l| l["step"].as_str()).collect();
    assert_eq!(
        steps[..5],
        [
            "discovery",
            "pushed_authorization",
            "authorize",
            "callback",
            "token"
        ],
        "{summaries:#?}"
    );
    let pushed = &lines[1];
    assert_eq!(pushed["ok"], true, "{pushed}");
    let body: Vec<u8> = pushed["request"]["body"]
        .as_array()
        .map(|bytes| {
            bytes
                .iter()
                .filter_map(|b| b.as_u64().and_then(|b| u8::try_from(b).ok()))
                .collect()
        })
        .unwrap_or_default();
    let sent = String::from_utf8_lossy(&body);
    assert!(
        sent.contains("&request=ey"),
        "a request object in the PAR body: {sent}"
    );
    assert!(
        !sent.contains("state="),
        "the state is inside the object: {sent}"
    );
    assert!(
        pushed["summary"]
            .as_str()
            .is_some_and(|s| s.contains("request_uri")),
        "{pushed}"
    );
    let callback = &lines[3];
    assert_eq!(callback["ok"], true, "{callback}");
    assert!(
        callback["summary"]
            .as_str()
            .is_some_and(|s| s.contains("JWT-secured response verified")),
        "the JARM rows passed: {callback}"
    );
    assert_eq!(lines[4]["ok"], true, "{}", lines[4]);
}

/// A JARM response signed with a key the provider does not publish is
/// refused before its code is used.
#[test]
fn a_jarm_response_signed_by_another_key_is_refused() {
    use tokenscope::oauth::callback::CallbackParams;
    use tokenscope::oauth::runner::FlowSession;
    use tokenscope::token::Timestamp;
    let mut profile = tokenscope::oauth::Profile::default();
    "https://op.example".clone_into(&mut profile.issuer);
    "client-fapi".clone_into(&mut profile.client_id);
    profile.response_mode = "jwt".to_owned();
    let mut session = FlowSession::new(profile, None);
    let now = Timestamp::from_unix(1_800_000_000);
    // A response made with the client's key, not the provider's.
    let key = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/provider/keys/client-jwt.private.pem"
    ))
    .expect("key");
    let key = tokenscope::oauth::assertion::ClientKey::from_pem(&key).expect("pem");
    let state = session.run.state.clone();
    let object = tokenscope::oauth::request_object::sign(
        &[
            ("code".to_owned(), "stolen-code".to_owned()),
            ("state".to_owned(), state),
        ],
        "https://op.example",
        "client-fapi",
        &key,
        ("PS256", "client-jwt-rs256"),
        now,
        60,
    )
    .expect("signed");
    let params = CallbackParams::from_parameters(
        "http://127.0.0.1/callback".to_owned(),
        &[("response".to_owned(), object)],
    );
    let provider_jwks = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/provider/keys/provider-signing.jwks.json"
    ))
    .expect("jwks");
    let record = session.jarm_callback(&params, Ok(provider_jwks), now);
    let failure = record.outcome.as_ref().expect_err("refused");
    assert!(failure.message.contains("signature"), "{}", failure.message);
    assert!(session.code.is_none(), "the code is not used");
}

/// `run --grant ciba --login-hint` against oidc-provider's CIBA client
/// (OpenID CIBA Core 1.0, poll mode): discovery, the backchannel
/// authentication request with the binding message, a pending poll, then
/// verified tokens; the `auth_req_id` is masked in the lines.
#[test]
fn run_walks_ciba_poll_mode_to_verified_tokens() {
    let dir = std::env::temp_dir().join(format!("tokenscope-run-ciba-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let redirect = format!("http://127.0.0.1:{}/callback", free_port());
    let provider = TestProvider::start(&[&redirect]);
    let issuer = &provider.issuer;
    let file = custom_profile_file(
        &dir,
        "ciba.json",
        &format!(
            r#"{{"id":"run-grant","name":"c","issuer":"{issuer}","client_id":"client-ciba",
                "client_auth":"client_secret_basic","redirect_uri":"{redirect}",
                "scopes":"openid profile email"}}"#
        ),
        r#"{"client_secret":"ciba-secret"}"#,
    );
    let (code, lines, stderr) = run(&[
        "--profile-file",
        &file,
        "--grant",
        "ciba",
        "--login-hint",
        "alice",
        "--binding-message",
        "Order-4281",
        "--json",
    ]);
    assert_eq!(code, 0, "{lines:?}\n{stderr}");
    let steps: Vec<&str> = lines.iter().filter_map(|l| l["step"].as_str()).collect();
    assert_eq!(
        steps[..2],
        ["discovery", "backchannel_authentication"],
        "{steps:?}"
    );
    let bytes: Vec<u8> =
        serde_json::from_value(lines[1]["request"]["body"].clone()).expect("body bytes");
    let request = String::from_utf8(bytes).expect("utf-8");
    assert!(request.contains("login_hint=alice"), "{request}");
    assert!(request.contains("binding_message=Order-4281"), "{request}");
    assert!(
        lines[1]["summary"]
            .as_str()
            .is_some_and(|s| s.contains("Order-4281")),
        "{}",
        lines[1]
    );
    let body: serde_json::Value =
        serde_json::from_str(lines[1]["response"]["body"].as_str().expect("body")).expect("json");
    let id = body["auth_req_id"].as_str().expect("auth_req_id");
    assert!(id.contains('…'), "the auth_req_id is masked: {id}");
    let polls: Vec<&serde_json::Value> =
        lines.iter().filter(|l| l["step"] == "ciba_token").collect();
    assert!(polls.len() >= 2, "a pending poll first: {polls:?}");
    assert_eq!(polls[0]["pending"], true, "{}", polls[0]);
    let last = polls.last().expect("a poll");
    assert_eq!(last["ok"], true, "{last}");
    assert_verified(last, "aud");
    assert!(
        stderr.contains("Waiting for alice to approve on their phone, which shows “Order-4281”"),
        "{stderr}"
    );
}

/// A signed backchannel authentication request (CIBA Core §7.1.1): with
/// `--request-object` the parameters travel only inside a PS256 `request`
/// JWT, which oidc-provider (`client-ciba-signed` requires one) verifies
/// with the client's registered key; the run still ends in verified tokens.
/// Without it the same client is refused.
#[test]
fn run_signs_the_ciba_request_when_asked() {
    let dir = std::env::temp_dir().join(format!("tokenscope-run-ciba-jar-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let redirect = format!("http://127.0.0.1:{}/callback", free_port());
    let provider = TestProvider::start(&[&redirect]);
    let issuer = &provider.issuer;
    let key = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/provider/keys/client-jwt.private.pem"
    );
    let file = custom_profile_file(
        &dir,
        "ciba-signed.json",
        &format!(
            r#"{{"id":"run-grant","name":"c","issuer":"{issuer}","client_id":"client-ciba-signed",
                "client_auth":"client_secret_basic","redirect_uri":"{redirect}",
                "scopes":"openid profile",
                "client_assertion":{{"key_file":"{key}","key_id":"client-jwt-rs256","algorithm":"PS256","audience":"issuer"}}}}"#
        ),
        r#"{"client_secret":"ciba-signed-secret"}"#,
    );
    let ciba = |extra: &[&str]| {
        let mut args = vec![
            "--profile-file",
            &file,
            "--grant",
            "ciba",
            "--login-hint",
            "Алиса",
            "--binding-message",
            "Order-77",
            "--json",
        ];
        args.extend_from_slice(extra);
        run(&args)
    };
    let (code, lines, stderr) = ciba(&["--request-object"]);
    assert_eq!(code, 0, "{lines:?}\n{stderr}");
    let bytes: Vec<u8> =
        serde_json::from_value(lines[1]["request"]["body"].clone()).expect("body bytes");
    let body = String::from_utf8(bytes).expect("utf-8");
    assert!(body.starts_with("request=eyJ"), "{body}");
    assert!(!body.contains("login_hint"), "only inside the JWT: {body}");
    let last = lines
        .iter()
        .rfind(|l| l["step"] == "ciba_token")
        .expect("a poll");
    assert_eq!(last["ok"], true, "{last}");
    assert_verified(last, "aud");

    let (code, lines, stderr) = ciba(&[]);
    assert_ne!(code, 0, "{lines:?}\n{stderr}");
}

/// The phone's "no": `access_denied` ends the run with the CIBA catalogue's
/// explanation; an unknown user is `unknown_user_id` at the backchannel endpoint.
#[test]
fn run_ciba_denied_and_unknown_user_are_explained() {
    let dir = std::env::temp_dir().join(format!("tokenscope-run-ciba-no-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let redirect = format!("http://127.0.0.1:{}/callback", free_port());
    let provider = TestProvider::start(&[&redirect]);
    let issuer = &provider.issuer;
    let file = custom_profile_file(
        &dir,
        "ciba.json",
        &format!(
            r#"{{"id":"run-grant","name":"c","issuer":"{issuer}","client_id":"client-ciba",
                "client_auth":"client_secret_basic","redirect_uri":"{redirect}",
                "scopes":"openid","default_grant":"ciba"}}"#
        ),
        r#"{"client_secret":"ciba-secret"}"#,
    );
    let (code, lines, stderr) = run(&["--profile-file", &file, "--login-hint", "deny", "--json"]);
    assert_ne!(code, 0, "{lines:?}\n{stderr}");
    let last = lines.last().expect("lines");
    assert_eq!(last["step"], "ciba_token", "{last}");
    assert_eq!(last["error"], "access_denied", "{last}");
    assert_eq!(last["diagnoses"][0]["id"], "ciba.access_denied", "{last}");
    let (code, lines, stderr) = run(&["--profile-file", &file, "--login-hint", "nobody", "--json"]);
    assert_ne!(code, 0, "{lines:?}\n{stderr}");
    let last = lines.last().expect("lines");
    assert_eq!(last["step"], "backchannel_authentication", "{last}");
    assert_eq!(last["diagnoses"][0]["id"], "ciba.unknown_user_id", "{last}");
}

/// `run --grant ciba --ciba-mode ping` against oidc-provider's ping client
/// (OpenID CIBA Core 1.0 §10.2): the notification endpoint listens over
/// https with a certificate made for the run (oidc-provider requires https;
/// the test provider trusts a self-signed one on loopback), the request
/// carries the masked `client_notification_token`, the provider pings once
/// "the phone" decided, and ONE token request follows: tokens for alice,
/// `access_denied` for the user who says no.
#[test]
fn run_walks_ciba_ping_mode_approve_and_deny() {
    let dir = std::env::temp_dir().join(format!("tokenscope-run-ciba-ping-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let redirect = format!("http://127.0.0.1:{}/callback", free_port());
    let endpoint = format!("https://127.0.0.1:{}/ciba/notify", free_port());
    let provider = TestProvider::start_with_env(&[&redirect], &[("CIBA_PING_ENDPOINT", &endpoint)]);
    let issuer = &provider.issuer;
    let file = custom_profile_file(
        &dir,
        "ciba-ping.json",
        &format!(
            r#"{{"id":"run-grant","name":"c","issuer":"{issuer}","client_id":"client-ciba-ping",
                "client_auth":"client_secret_basic","redirect_uri":"{redirect}",
                "scopes":"openid profile email"}}"#
        ),
        r#"{"client_secret":"ciba-ping-secret"}"#,
    );
    let run_as = |user: &str| {
        run(&[
            "--profile-file",
            &file,
            "--grant",
            "ciba",
            "--login-hint",
            user,
            "--ciba-mode",
            "ping",
            "--ciba-notification-endpoint",
            &endpoint,
            "--json",
        ])
    };
    let (code, lines, stderr) = run_as("alice");
    assert_eq!(code, 0, "{lines:?}\n{stderr}");
    let steps: Vec<&str> = lines.iter().filter_map(|l| l["step"].as_str()).collect();
    assert_eq!(
        steps,
        ["discovery", "backchannel_authentication", "ciba_token"],
        "one token request, no polling"
    );
    let bytes: Vec<u8> =
        serde_json::from_value(lines[1]["request"]["body"].clone()).expect("body bytes");
    let request = String::from_utf8(bytes).expect("utf-8");
    let sent_token = request
        .split('&')
        .find_map(|field| field.strip_prefix("client_notification_token="))
        .expect("the ping mode request carries client_notification_token");
    assert!(
        sent_token.contains("%E2%80%A6") && sent_token.len() < 43,
        "the token is masked: {sent_token}"
    );
    let last = lines.last().expect("lines");
    assert_eq!(last["ok"], true, "{last}");
    assert!(
        last["summary"]
            .as_str()
            .is_some_and(|s| s.contains("pinged")),
        "{last}"
    );
    assert_verified(last, "aud");

    let (code, lines, stderr) = run_as("deny");
    assert_ne!(code, 0, "{lines:?}\n{stderr}");
    let last = lines.last().expect("lines");
    assert_eq!(last["step"], "ciba_token", "{last}");
    assert_eq!(last["error"], "access_denied", "{last}");
    assert_eq!(last["diagnoses"][0]["id"], "ciba.access_denied", "{last}");
    let polls = lines.iter().filter(|l| l["step"] == "ciba_token").count();
    assert_eq!(polls, 1, "{lines:?}");
}

/// The same FAPI client run without `--par`: the provider's refusal comes
/// back through the redirect and is explained with what to turn on.
#[test]
fn run_without_par_against_a_client_that_requires_it_is_explained() {
    let dir = std::env::temp_dir().join(format!("tokenscope-run-nopar-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let redirect = format!("http://127.0.0.1:{}/callback", free_port());
    let provider = TestProvider::start(&[&redirect]);
    let key = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/provider/keys/client-jwt.private.pem"
    );
    let issuer = &provider.issuer;
    let path = dir.join("nopar.json");
    std::fs::write(
        &path,
        format!(
            r#"{{"schema":1,"profiles":[{{"id":"run-nopar","name":"FAPI","issuer":"{issuer}","client_id":"client-fapi",
                "client_auth":"private_key_jwt","redirect_uri":"{redirect}","scopes":"openid",
                "client_assertion":{{"key_file":"{key}","key_id":"client-jwt-rs256","algorithm":"PS256","audience":"issuer"}}}}]}}"#
        ),
    )
    .expect("profile");
    let browser = TestProvider::browser_command();
    let (code, lines, stderr) = run(&[
        "--profile-file",
        path.to_str().expect("utf-8"),
        "--browser",
        &browser,
        "--json",
    ]);
    assert_ne!(code, 0, "{stderr}");
    let last = lines.last().expect("lines");
    assert_eq!(last["step"], "callback", "{last}");
    assert_eq!(last["diagnoses"][0]["id"], "rfc9126.par_required", "{last}");
}

/// `run --dpop --call-api URL`: after the tokens, the API (here the
/// provider's UserInfo, a DPoP-protected resource) is called with the
/// bound token and a proof with `ath`; the resource's nonce demand (401,
/// `WWW-Authenticate: DPoP error="use_dpop_nonce"`) is answered once.
#[test]
fn run_calls_an_api_with_the_dpop_bound_token() {
    let dir = std::env::temp_dir().join(format!("tokenscope-run-api-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let redirect = format!("http://127.0.0.1:{}/callback", free_port());
    let provider = TestProvider::start(&[&redirect]);
    let path = client_profile_file(
        &dir,
        (&provider.issuer, &redirect),
        ("client-dpop", "client_secret_post", "dpop-secret"),
        "openid profile",
    );
    let browser = TestProvider::browser_command();
    let api = format!("{}/me", provider.issuer);
    let (code, lines, stderr) = run(&[
        "--profile-file",
        path.to_str().expect("utf-8"),
        "--browser",
        &browser,
        "--dpop",
        "--call-api",
        &api,
        "--json",
    ]);
    let summaries: Vec<String> = lines
        .iter()
        .map(|l| format!("{} {} {}", l["step"], l["ok"], l["summary"]))
        .collect();
    assert_eq!(code, 0, "{stderr}\n{summaries:#?}");
    let calls: Vec<&serde_json::Value> = lines.iter().filter(|l| l["step"] == "api_call").collect();
    let last = calls.last().expect("an api_call line");
    assert_eq!(last["ok"], true, "{summaries:#?}");
    assert!(
        last["summary"]
            .as_str()
            .is_some_and(|s| s.starts_with("HTTP 200")),
        "{last}"
    );
    let headers = last["request"]["headers"].to_string();
    assert!(
        headers.to_lowercase().contains("[\"dpop\",\"ey"),
        "a proof on the call: {headers}"
    );
}
