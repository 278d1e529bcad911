//! Per-step overhead of the flow runner against curl, in the same run:
//! the token exchange and UserInfo against the test provider (oidc-provider
//! on loopback), through the same code the window uses (build the request,
//! send, parse, decode), versus curl sending the same bytes.
//! Target: tokenscope adds ≤ 5 ms per step. Run with `cargo bench --bench flow`
//! (needs node, npm and curl).
#![expect(
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a benchmark prints approximate numbers and fails loudly"
)]

#[path = "../tests/support/provider.rs"]
mod provider;

use std::process::Command;
use std::time::{Duration, Instant};

use tokenscope::app::system_now;
use tokenscope::net::{ClientOptions, NetRuntime, RequestDraft, build_client, send};
use tokenscope::oauth::callback::{CallbackListener, RedirectTarget};
use tokenscope::oauth::runner::{Browser, FlowSession};
use tokenscope::oauth::{ClientAuth, Profile};
use tokenscope::secret::Secret;

use provider::{TestProvider, free_port};

const ROUNDS: usize = 12;

/// A session that has just received a fresh code.
fn session_with_code(runtime: &NetRuntime, profile: &Profile) -> FlowSession {
    let mut session = FlowSession::new(profile.clone(), Some(Secret::new("post-secret")));
    let client = build_client(profile, &ClientOptions::default()).expect("client");
    let url = format!("{}/.well-known/openid-configuration", profile.issuer);
    session.discovered(
        runtime.block_on(send(
            &client,
            &RequestDraft::get(&url),
            &ClientOptions::default(),
        )),
        system_now(),
    );
    let target = RedirectTarget::parse(&profile.redirect_uri).expect("target");
    let listener = CallbackListener::start(&target, Duration::from_secs(30)).expect("listener");
    let url = session.prepare_authorize(system_now()).expect("url");
    Browser::Command(TestProvider::browser_command())
        .open(&url)
        .expect("browser");
    let params = listener.wait().result.expect("redirect");
    session.callback(&params, system_now());
    session
}

fn curl(draft: &RequestDraft) -> Duration {
    let mut command = Command::new("curl");
    command.args(["-s", "-o", "/dev/null", "-X", &draft.method]);
    for (name, value) in &draft.headers {
        command.args(["-H", &format!("{name}: {value}")]);
    }
    if !draft.body.is_empty() {
        command.args(["--data-binary", &String::from_utf8_lossy(&draft.body)]);
    }
    command.arg(&draft.url);
    let start = Instant::now();
    let status = command.status().expect("curl runs");
    assert!(status.success(), "curl failed");
    start.elapsed()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let redirect = format!("http://127.0.0.1:{}/callback", free_port());
    let provider = TestProvider::start(&[&redirect]);
    let profile = Profile {
        issuer: provider.issuer.clone(),
        client_id: "client-post".to_owned(),
        client_auth: ClientAuth::ClientSecretPost,
        redirect_uri: redirect,
        scopes: "openid profile email".to_owned(),
        ..Profile::default()
    };
    let runtime = NetRuntime::new().expect("runtime");
    let client = build_client(&profile, &ClientOptions::default()).expect("client");
    let (mut ours_token, mut curl_token, mut ours_userinfo, mut curl_userinfo) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        // tokenscope: build, send, parse, decode the tokens — what a Send click does.
        let mut session = session_with_code(&runtime, &profile);
        let start = Instant::now();
        let draft = session
            .token_draft(tokenscope::app::system_now())
            .expect("draft");
        let exchange = runtime.block_on(send(&client, &draft, &ClientOptions::default()));
        session.token_exchanged(exchange, system_now());
        let _ = tokenscope::paste::inspect(&session.tokens_text(), system_now());
        ours_token.push(start.elapsed().as_secs_f64() * 1000.0);

        let start = Instant::now();
        let draft = session.userinfo_draft().expect("draft");
        let exchange = runtime.block_on(send(&client, &draft, &ClientOptions::default()));
        session.userinfo_answered(exchange, system_now());
        ours_userinfo.push(start.elapsed().as_secs_f64() * 1000.0);
        curl_userinfo.push(curl(&draft).as_secs_f64() * 1000.0);

        // curl: the same token request for a fresh code.
        let session = session_with_code(&runtime, &profile);
        curl_token.push(
            curl(
                &session
                    .token_draft(tokenscope::app::system_now())
                    .expect("draft"),
            )
            .as_secs_f64()
                * 1000.0,
        );
    }
    let (ot, ct, ou, cu) = (
        median(ours_token),
        median(curl_token),
        median(ours_userinfo),
        median(curl_userinfo),
    );
    println!(
        "flow: token step    tokenscope {ot:.1} ms, curl {ct:.1} ms: {:+.1} ms (target <= +5 ms)",
        ot - ct
    );
    println!(
        "flow: userinfo step tokenscope {ou:.1} ms, curl {cu:.1} ms: {:+.1} ms (target <= +5 ms)",
        ou - cu
    );
}
