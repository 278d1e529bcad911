//! The drivers of a run, once for the window and `tokenscope run`: async
//! procedures on the shared runtime that send each step with the profile's
//! client, record the answer in the [`FlowSession`], and verify the tokens
//! it returned (discovery with its RFC 8414 fallback, each grant, device
//! polling, logout, introspection, revocation).

use std::time::Duration;

use crate::net::{ClientOptions, Exchange, RequestDraft, build_client, send};
use crate::oauth::callback::{CallbackListener, NotificationListener, RedirectTarget};
use crate::oauth::ciba::DeliveryMode;
use crate::oauth::device::{DeviceAuthorization, PollOutcome, PollSchedule};
use crate::oauth::discovery;
use crate::oauth::flow::{Step, StepFailure};
use crate::oauth::profile::{Grant, Profile};
use crate::oauth::verification::{AnswerVerification, VerifyReport};
use crate::token::Timestamp;

use super::{FlowSession, StepRecord};

/// How the authorization request reaches a browser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Browser {
    /// The system browser (`webbrowser`), never an embedded one (RFC 8252 §8.12).
    System,
    /// A command run with the URL as its last argument (a chosen browser, or a test's scripted user).
    Command(String),
    /// No browser: the URL and its redirects are followed in the
    /// background, as a browser with a live session would, and nothing is
    /// shown. For autoplay against the sandbox, whose `auto-sign-in`
    /// answers the authorization request with the redirect back at once.
    Follow,
}

impl Browser {
    /// Opens `url`, if [`check_browser_url`] lets it: the one place
    /// tokenscope hands a URL to a browser (the authorization URL, the
    /// end-session URL, the device's verification URIs).
    pub fn open(&self, url: &str) -> Result<(), String> {
        check_browser_url(url)?;
        match self {
            Self::System => webbrowser::open(url)
                .map_err(|e| crate::tr!("run-browser-failed", error = e.to_string())),
            Self::Command(command) => {
                let mut parts = command.split_whitespace();
                let program = parts
                    .next()
                    .ok_or_else(|| crate::tr!("run-browser-command-empty"))?;
                std::process::Command::new(program)
                    .args(parts)
                    .arg(url)
                    .stdin(std::process::Stdio::null())
                    .stdout(std::process::Stdio::null())
                    .spawn()
                    .map(drop)
                    .map_err(|e| {
                        crate::tr!(
                            "run-browser-command-failed",
                            program = program,
                            error = e.to_string()
                        )
                    })
            }
            Self::Follow => {
                follow_redirects(url.to_owned());
                Ok(())
            }
        }
    }
}

/// GETs `url` and follows up to 10 redirects on a thread of its own; what
/// comes back does not matter (the redirect lands on the loopback listener).
fn follow_redirects(url: String) {
    let _ = std::thread::Builder::new()
        .name("follow-redirects".to_owned())
        .spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async move {
                let client = reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::limited(10))
                    .timeout(std::time::Duration::from_secs(30))
                    .build();
                if let Ok(client) = client {
                    let _ = client.get(url).send().await;
                }
            });
        });
}

/// Whether `url` may be handed to a browser: only an absolute `http` or
/// `https` URL. Servers hand us URLs (discovery's endpoints,
/// `verification_uri`, `Location`, `end_session_endpoint`); a `javascript:`,
/// `file:`, `data:` or custom-scheme URL would run code or open something on
/// this machine (RFC 8252 §8.12 wants the system browser, for web pages), so
/// it is shown, not opened. The reason, in the thread's language, when not.
pub fn check_browser_url(url: &str) -> Result<(), String> {
    let refused = |why: String| Err(crate::tr!("browser-url-refused", why = why));
    if url.chars().any(char::is_control) || url.trim() != url {
        return refused(crate::tr!("browser-url-control"));
    }
    // RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"
    let scheme = url
        .split_once(':')
        .map(|(scheme, _)| scheme)
        .filter(|scheme| {
            scheme
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        });
    match scheme {
        Some(scheme)
            if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") =>
        {
            crate::oauth::profile::check_absolute_url(url).or_else(refused)
        }
        Some(scheme) => refused(crate::tr!("browser-url-scheme", scheme = scheme)),
        None => refused(crate::tr!("url-not-absolute")),
    }
}

/// Options of a whole run.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Where the authorization request goes.
    pub browser: Browser,
    /// How long to wait for the redirect.
    pub callback_timeout: Duration,
    /// Network timeouts.
    pub client: ClientOptions,
    /// Do discovery first when the profile has an issuer.
    pub discover: bool,
    /// What a token that does not verify does to its step.
    pub verify: VerifyMode,
}

/// What a returned token that does not verify does to its step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum VerifyMode {
    /// The step fails, naming the signature or check (`run`'s default: a
    /// smoke test of an SSO integration must fail on a bad token).
    #[default]
    Enforce,
    /// The verification is reported and the step stands (`run --no-verify`).
    Report,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            browser: Browser::System,
            callback_timeout: Duration::from_mins(5),
            client: ClientOptions::default(),
            discover: true,
            verify: VerifyMode::Enforce,
        }
    }
}

/// The HTTP client of the profile; reads the private key file first when
/// the profile authenticates with `private_key_jwt` (RFC 7523 §2.2), and
/// the decryption key file when the profile names one (OIDC Core §10.2).
fn prepare(
    session: &mut FlowSession,
    options: &RunOptions,
) -> Result<reqwest::Client, StepFailure> {
    if session.needs_private_key() {
        session.load_private_key();
    }
    if session.needs_decryption_key() {
        session.load_decryption_key();
    }
    build_client(&session.profile, &options.client).map_err(|e| StepFailure::new(e.to_string()))
}

/// Discovery, when asked for and the profile has an issuer; records and
/// observes the step.
async fn discover(
    session: &mut FlowSession,
    client: &reqwest::Client,
    options: &RunOptions,
    now: Timestamp,
    observe: &mut impl FnMut(&StepRecord),
) -> Result<(), StepFailure> {
    if options.discover && !session.profile.issuer.trim().is_empty() {
        let Some(first) = discovery::discovery_urls(&session.profile)
            .into_iter()
            .next()
        else {
            return Ok(());
        };
        let draft = discovery::request(&first);
        let exchange = send_step_request(
            client,
            &session.profile,
            Step::Discovery,
            &draft,
            &options.client,
        )
        .await;
        let record = session.discovered(exchange, now);
        observe(record);
        record.outcome.clone().map(drop)?;
    }
    Ok(())
}

/// Sends one step's request, the same way for the window and `run`. For
/// the Discovery step as built (not edited), a 404 at the OpenID location
/// is followed by the RFC 8414 §3.1 one: an OAuth-only server has no
/// OpenID metadata (the profile editor's discovery does the same).
pub async fn send_step_request(
    client: &reqwest::Client,
    profile: &Profile,
    step: Step,
    draft: &RequestDraft,
    options: &ClientOptions,
) -> Exchange {
    let mut exchange = send(client, draft, options).await;
    if step != Step::Discovery {
        return exchange;
    }
    let urls = discovery::discovery_urls(profile);
    if urls.first() != Some(&draft.url) {
        return exchange;
    }
    for url in urls.iter().skip(1) {
        let absent = exchange
            .response
            .as_ref()
            .is_ok_and(|response| response.status == 404);
        if !absent {
            break;
        }
        exchange = send(client, &discovery::request(url), options).await;
    }
    exchange
}

/// Runs `pending` (see [`FlowSession::answer_verification`]): fetches the
/// provider's keys with `client` and the profile's headers, verifies and
/// checks. The one verification of a step's answer, for the window's jobs
/// and `run`. `Err` only when the verification could not run at all.
pub async fn verify_pending(
    pending: AnswerVerification,
    client: reqwest::Client,
    profile: Profile,
    options: ClientOptions,
) -> Result<Option<VerifyReport>, String> {
    let language = crate::i18n::language();
    // Verification is synchronous (GOST takes a millisecond per signature)
    // and fetches through a callback: run it on a blocking thread that
    // waits for each fetch on the runtime.
    tokio::task::spawn_blocking(move || {
        crate::i18n::set_language(language);
        let handle = tokio::runtime::Handle::current();
        pending.run(&mut |url| {
            handle.block_on(crate::oauth::verification::fetch_jwks_body(
                &client, &profile, url, &options, language,
            ))
        })
    })
    .await
    .map_err(|e| format!("the verification stopped: {e}"))
}

/// Verifies the tokens the last step returned (signatures with the
/// provider's keys, the relying-party checks with this run's nonce and
/// code) and attaches the report to its record; with
/// [`VerifyMode::Enforce`], a token that does not verify fails the step.
/// The JWKS is fetched with the run's client and the profile's headers,
/// once more for an unknown `kid`.
async fn verify_answer(
    session: &mut FlowSession,
    client: &reqwest::Client,
    options: &RunOptions,
    now: Timestamp,
) -> Result<(), StepFailure> {
    let Some(pending) = session.answer_verification(now) else {
        return Ok(());
    };
    let report = verify_pending(
        pending,
        client.clone(),
        session.profile.clone(),
        options.client.clone(),
    )
    .await
    .map_err(StepFailure::new)?;
    let Some(report) = report else {
        return Ok(());
    };
    match session.verified(report, options.verify == VerifyMode::Enforce) {
        Some(record) => record.outcome.clone().map(drop),
        None => Ok(()),
    }
}

/// Sends one step's request and applies the answer; a request that cannot be
/// built is recorded as the step's failure.
async fn send_step(
    session: &mut FlowSession,
    client: &reqwest::Client,
    step: Step,
    options: &RunOptions,
    now: impl Fn() -> Timestamp,
    mut observe: impl FnMut(&StepRecord),
) -> Result<(), StepFailure> {
    let draft = match session.draft_for(step, now()) {
        Ok(draft) => draft,
        Err(failure) => {
            session.failed(step, failure.clone(), now());
            if let Some(record) = session.records.last() {
                observe(record);
            }
            return Err(failure);
        }
    };
    let exchange = send(client, &draft, &options.client).await;
    apply_answer(session, client, options, step, exchange, now()).await;
    if let Some(retry) = session.dpop_nonce_retry(step, now()) {
        // Both attempts are recorded: the nonce demand, then the answer.
        if let Some(record) = session.records.last() {
            observe(record);
        }
        let exchange = send(client, &retry, &options.client).await;
        apply_answer(session, client, options, step, exchange, now()).await;
    }
    // A verification failure is the step's; the record says it either way.
    let _ = verify_answer(session, client, options, now()).await;
    match session.records.last() {
        Some(record) => {
            observe(record);
            record.outcome.clone().map(drop)
        }
        None => Err(StepFailure::new("the step left no record")),
    }
}

/// Applies a step's answer to the session. A JWT introspection answer
/// (RFC 9701 §5) is checked with the provider's keys, fetched first.
async fn apply_answer(
    session: &mut FlowSession,
    client: &reqwest::Client,
    options: &RunOptions,
    step: Step,
    exchange: crate::net::Exchange,
    now: Timestamp,
) {
    if step == Step::Introspection && crate::oauth::flow::introspection_needs_keys(&exchange) {
        let jwks = provider_keys(
            session,
            client,
            options,
            crate::tr!("run-introspection-jwt-no-jwks"),
        )
        .await;
        session.introspected_with_keys(exchange, jwks, now);
    } else {
        session.answered(step, exchange, now);
    }
}

/// The provider's keys (its JWKS, or the certificate endpoint a provider
/// without one publishes) with the run's client and the profile's headers,
/// for an answer signed by the provider: a JARM response, a JWT
/// introspection answer. `missing` is what to say for a profile with
/// neither.
async fn provider_keys(
    session: &FlowSession,
    client: &reqwest::Client,
    options: &RunOptions,
    missing: String,
) -> Result<String, String> {
    match session.key_source() {
        Some(url) => {
            crate::oauth::verification::fetch_jwks_body(
                client,
                &session.profile,
                &url,
                &options.client,
                crate::i18n::language(),
            )
            .await
        }
        None => Err(missing),
    }
}

/// Walks the client credentials grant (RFC 6749 §4.4): discovery when the
/// profile has an issuer, then the token request with the profile's client
/// authentication. `observe` sees each step as it completes; stops at the
/// first failed step and returns it.
pub async fn run_client_credentials(
    session: &mut FlowSession,
    options: &RunOptions,
    now: impl Fn() -> Timestamp,
    mut observe: impl FnMut(&StepRecord),
) -> Result<(), StepFailure> {
    let client = prepare(session, options)?;
    discover(session, &client, options, now(), &mut observe).await?;
    send_step(
        session,
        &client,
        Step::ClientCredentials,
        options,
        now,
        observe,
    )
    .await
}

/// Introspects the session's access token (RFC 7662); the answer is in
/// [`FlowSession::introspection`]. An inactive token is a successful step.
pub async fn introspect(
    session: &mut FlowSession,
    options: &RunOptions,
    now: impl Fn() -> Timestamp,
    observe: impl FnMut(&StepRecord),
) -> Result<(), StepFailure> {
    single_step(session, Step::Introspection, options, now, observe).await
}

/// Calls [`FlowSession::api_url`] with the session's access token (RFC
/// 6750 §2.1; with DPoP a proof with `ath`, and once more with the nonce a
/// `use_dpop_nonce` challenge gives, RFC 9449 §9).
pub async fn call_api(
    session: &mut FlowSession,
    options: &RunOptions,
    now: impl Fn() -> Timestamp,
    observe: impl FnMut(&StepRecord),
) -> Result<(), StepFailure> {
    single_step(session, Step::ApiCall, options, now, observe).await
}

/// Revokes the session's access token (RFC 7009).
pub async fn revoke(
    session: &mut FlowSession,
    options: &RunOptions,
    now: impl Fn() -> Timestamp,
    observe: impl FnMut(&StepRecord),
) -> Result<(), StepFailure> {
    single_step(session, Step::Revocation, options, now, observe).await
}

/// One step with its own client, for the token-management steps.
async fn single_step(
    session: &mut FlowSession,
    step: Step,
    options: &RunOptions,
    now: impl Fn() -> Timestamp,
    observe: impl FnMut(&StepRecord),
) -> Result<(), StepFailure> {
    let client = prepare(session, options)?;
    send_step(session, &client, step, options, now, observe).await
}

/// Walks the whole code flow; `observe` sees each step as it completes.
/// Stops at the first failed step and returns it.
pub async fn run_code_flow(
    session: &mut FlowSession,
    options: &RunOptions,
    now: impl Fn() -> Timestamp,
    mut observe: impl FnMut(&StepRecord),
) -> Result<(), StepFailure> {
    let client = prepare(session, options)?;
    let check = |record: &StepRecord| record.outcome.clone().map(drop);

    discover(session, &client, options, now(), &mut observe).await?;
    if session.profile.par {
        send_step(
            session,
            &client,
            Step::PushedAuthorization,
            options,
            &now,
            &mut observe,
        )
        .await?;
    }

    let listener = listen_for_redirect(
        session,
        options,
        "The redirect URI is not a loopback address: in a terminal, use a profile with an http://127.0.0.1:PORT redirect, or run the flow in the window and paste the final address.",
    )?;
    listener.expect_state(&session.run.state);
    let url = match session.prepare_authorize(now()) {
        Ok(url) => url,
        Err(failure) => {
            if let Some(record) = session.records.last() {
                observe(record);
            }
            return Err(failure);
        }
    };
    if let Some(record) = session.records.last() {
        observe(record);
    }
    let params = open_and_await_redirect(&options.browser, &url, listener).await?;
    let record = if params.jarm_response().is_some() {
        // A JWT-secured response is checked with the provider's keys
        // before anything in it is used (JARM §2.4).
        let jwks = provider_keys(session, &client, options, crate::tr!("run-jarm-no-jwks")).await;
        session.jarm_callback(&params, jwks, now())
    } else {
        session.callback(&params, now())
    };
    observe(record);
    check(record)?;

    send_step(session, &client, Step::Token, options, &now, &mut observe).await?;

    if !session.profile.endpoints.userinfo.trim().is_empty() {
        send_step(
            session,
            &client,
            Step::UserInfo,
            options,
            &now,
            &mut observe,
        )
        .await?;
    }

    if session
        .tokens
        .as_ref()
        .is_some_and(|t| t.refresh_token.is_some())
    {
        send_step(session, &client, Step::Refresh, options, &now, &mut observe).await?;
    }
    Ok(())
}

/// Walks the session's grant ([`FlowSession::grant`]) to its tokens; the
/// device flow waits between polls with the tokio timer and shows the user
/// code through `show`.
pub async fn run_grant(
    session: &mut FlowSession,
    options: &RunOptions,
    now: impl Fn() -> Timestamp,
    show: impl FnMut(&DeviceAuthorization),
    observe: impl FnMut(&StepRecord),
) -> Result<(), StepFailure> {
    match session.grant {
        Grant::AuthorizationCode => run_code_flow(session, options, now, observe).await,
        Grant::DeviceCode => {
            let wait = |interval| async move {
                tokio::time::sleep(interval).await;
                true
            };
            run_device_flow(session, options, now, wait, show, observe).await
        }
        Grant::Ciba => {
            let wait = |interval| async move {
                tokio::time::sleep(interval).await;
                true
            };
            run_ciba_flow(session, options, now, wait, observe).await
        }
        Grant::ClientCredentials | Grant::Password | Grant::RefreshToken | Grant::Extension(_) => {
            run_single_grant(session, options, now, observe).await
        }
    }
}

/// Walks one of the grants that take a single token request after discovery:
/// the password grant (RFC 6749 §4.3), a standalone refresh (RFC 6749 §6,
/// with the pasted refresh token) or an extension grant (RFC 6749 §4.5).
pub async fn run_single_grant(
    session: &mut FlowSession,
    options: &RunOptions,
    now: impl Fn() -> Timestamp,
    mut observe: impl FnMut(&StepRecord),
) -> Result<(), StepFailure> {
    let step = match session.grant {
        Grant::Password => Step::Password,
        Grant::RefreshToken => Step::Refresh,
        Grant::Extension(_) => Step::ExtensionGrant,
        Grant::ClientCredentials => Step::ClientCredentials,
        Grant::AuthorizationCode | Grant::DeviceCode | Grant::Ciba => {
            return Err(StepFailure::new(
                "run_single_grant walks the password, refresh, client credentials and extension grants only",
            ));
        }
    };
    let client = prepare(session, options)?;
    discover(session, &client, options, now(), &mut observe).await?;
    send_step(session, &client, step, options, now, observe).await
}

/// Walks the device authorization grant (RFC 8628): discovery, the device
/// authorization request (`show` gets the user code and the verification
/// URI to put in front of the user), then polls the token endpoint.
///
/// `wait` is awaited before every poll with the current interval (grown by
/// `slow_down`, §3.5) and returns `false` to cancel: the run records a
/// cancelled step and stops. Tests pass a wait that records the intervals
/// and cancels or shortens as they need; the CLI passes the tokio timer.
pub async fn run_device_flow<W>(
    session: &mut FlowSession,
    options: &RunOptions,
    now: impl Fn() -> Timestamp,
    wait: impl FnMut(std::time::Duration) -> W,
    mut show: impl FnMut(&DeviceAuthorization),
    mut observe: impl FnMut(&StepRecord),
) -> Result<(), StepFailure>
where
    W: std::future::Future<Output = bool>,
{
    let client = prepare(session, options)?;
    discover(session, &client, options, now(), &mut observe).await?;
    send_step(
        session,
        &client,
        Step::DeviceAuthorization,
        options,
        &now,
        &mut observe,
    )
    .await?;
    if let Some(answer) = &session.device {
        show(answer);
    }
    poll_to_tokens(session, &client, options, now, wait, observe, None).await
}

/// Walks CIBA (OpenID CIBA Core 1.0): discovery, the backchannel
/// authentication request (its record carries the binding message the
/// phone shows), then the tokens in the profile's delivery mode (§5). Poll
/// mode polls the token endpoint with `auth_req_id` in the device grant's
/// loop ([`poll_device_token`]); ping mode listens on the client
/// notification endpoint from before the request goes out (a provider may
/// ping at once), waits for the provider's ping and then asks the token
/// endpoint once ([`await_ping_then_fetch`]). `wait` as for
/// [`run_device_flow`]; in ping mode it paces the look at the listener.
pub async fn run_ciba_flow<W>(
    session: &mut FlowSession,
    options: &RunOptions,
    now: impl Fn() -> Timestamp,
    wait: impl FnMut(std::time::Duration) -> W,
    mut observe: impl FnMut(&StepRecord),
) -> Result<(), StepFailure>
where
    W: std::future::Future<Output = bool>,
{
    let client = prepare(session, options)?;
    discover(session, &client, options, now(), &mut observe).await?;
    let listener = if session.profile.ciba.delivery_mode == DeliveryMode::Ping {
        match listen_for_ping(session) {
            Ok(listener) => Some(listener),
            Err(failure) => {
                session.failed(Step::BackchannelAuthentication, failure.clone(), now());
                if let Some(record) = session.records.last() {
                    observe(record);
                }
                return Err(failure);
            }
        }
    } else {
        None
    };
    send_step(
        session,
        &client,
        Step::BackchannelAuthentication,
        options,
        &now,
        &mut observe,
    )
    .await?;
    poll_to_tokens(
        session,
        &client,
        options,
        now,
        wait,
        observe,
        listener.as_ref(),
    )
    .await
}

/// How long a ping listener lives at most: the longest `expires_in` the
/// run takes (a day, [`crate::oauth::device::poll_timing`]) and a minute.
const PING_LISTEN_LIMIT: Duration = Duration::from_mins(24 * 60 + 1);

/// How often the ping wait looks at the listener, the clock and cancel.
pub const PING_CHECK_INTERVAL: Duration = Duration::from_millis(200);

/// The client notification endpoint of the session's profile, listening
/// (CIBA Core §10.2), for the run's `client_notification_token`: a loopback
/// `https` URL gets a certificate made now, `http` is plain (the sandbox).
pub fn listen_for_ping(session: &FlowSession) -> Result<NotificationListener, StepFailure> {
    let endpoint = session.profile.ciba.notification_endpoint.trim();
    if endpoint.is_empty() {
        return Err(StepFailure::new(crate::tr!(
            "run-ciba-no-notification-endpoint"
        )));
    }
    let target = RedirectTarget::parse_notification_endpoint(endpoint)
        .map_err(|e| StepFailure::new(e.to_string()))?;
    if !target.is_loopback() {
        return Err(StepFailure::new(crate::tr!(
            "run-ciba-notification-not-loopback",
            endpoint = endpoint
        )));
    }
    NotificationListener::start(
        &target,
        session.run.client_notification_token.clone(),
        PING_LISTEN_LIMIT,
    )
    .map_err(|e| StepFailure::new(e.to_string()))
}

/// The waiting half of the device grant and of CIBA: polls with the
/// session's [`FlowSession::poll_code`] (or, in CIBA ping mode with
/// `listener`, waits for the ping and asks once) until tokens (then
/// verified), a refusal, expiry or cancel; what stopped it is recorded as
/// the poll step.
async fn poll_to_tokens<W>(
    session: &mut FlowSession,
    client: &reqwest::Client,
    options: &RunOptions,
    now: impl Fn() -> Timestamp,
    wait: impl FnMut(std::time::Duration) -> W,
    mut observe: impl FnMut(&StepRecord),
    listener: Option<&NotificationListener>,
) -> Result<(), StepFailure>
where
    W: std::future::Future<Output = bool>,
{
    let ciba = session.grant == Grant::Ciba;
    let Some(schedule) = session.device_schedule else {
        return Err(StepFailure::new("no device authorization to poll for"));
    };
    let auth_req_id = session
        .ciba
        .as_ref()
        .map(|answer| answer.auth_req_id.clone());
    let end = {
        let mut target = SessionPolls {
            session: &mut *session,
            observe: &mut observe,
        };
        match (listener, &auth_req_id) {
            (Some(listener), Some(auth_req_id)) => {
                await_ping_then_fetch(
                    &mut target,
                    (listener, auth_req_id),
                    client,
                    &options.client,
                    schedule,
                    &now,
                    wait,
                )
                .await
            }
            _ => {
                poll_device_token(&mut target, client, &options.client, schedule, &now, wait).await
            }
        }
    };
    let failure = match end {
        PollEnd::Tokens => {
            let verified = verify_answer(session, client, options, now()).await;
            let Some(record) = session.records.last() else {
                return verified;
            };
            observe(record);
            // An answer whose ID token stayed encrypted failed its step.
            return verified.and(record.outcome.clone().map(drop));
        }
        // Already recorded as the poll's answer.
        PollEnd::Refused(failure) => return Err(failure),
        PollEnd::Unsendable(failure) => failure,
        PollEnd::Cancelled if listener.is_some() => {
            StepFailure::new(crate::tr!("run-ping-cancelled"))
        }
        PollEnd::Cancelled => StepFailure::new(crate::tr!("run-polling-cancelled")),
        PollEnd::Expired if ciba => StepFailure::new(crate::tr!("run-ciba-expired")),
        PollEnd::Expired => StepFailure::new(crate::tr!("run-device-expired")),
    };
    session.failed(session.poll_step(), failure.clone(), now());
    if let Some(record) = session.records.last() {
        observe(record);
    }
    Err(failure)
}

/// One side of device polling (RFC 8628 §3.4–3.5): what each poll sends and
/// what its answer does. The run's session is one ([`run_device_flow`]);
/// the window's polling job, which hands each answer to the UI thread, is
/// the other.
pub trait DevicePollTarget {
    /// The token request of one poll, built at `now` (a client assertion
    /// is signed afresh for each).
    fn poll_request(&self, now: Timestamp) -> Result<RequestDraft, StepFailure>;
    /// One poll's answer, received at `now`; its outcome says whether
    /// polling goes on.
    fn polled(&mut self, exchange: Exchange, now: Timestamp) -> PollOutcome;
    /// CIBA ping mode: the provider's ping came at `now` (CIBA Core §10.2);
    /// the token request follows.
    fn pinged(&mut self, now: Timestamp);
}

/// How device polling ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PollEnd {
    /// The provider issued the tokens.
    Tokens,
    /// The provider refused (`access_denied`, `expired_token`, any other
    /// error): the answer was given to [`DevicePollTarget::polled`].
    Refused(StepFailure),
    /// The poll's request could not be built (e.g. the client key); nothing was sent.
    Unsendable(StepFailure),
    /// The wait returned `false`.
    Cancelled,
    /// The device code expired (or will have by the next poll) before the
    /// user approved (RFC 8628 §3.2 `expires_in`).
    Expired,
}

/// The device grant's polling, once for the window and `run`: waits the
/// schedule's interval (grown by `slow_down`, RFC 8628 §3.5) before each
/// poll, sends it with the profile's client (timeouts, client certificate),
/// and stops on tokens, a refusal, expiry or cancel. `wait` returns `false`
/// to cancel; tests pass one that records the intervals.
pub async fn poll_device_token<W>(
    target: &mut impl DevicePollTarget,
    client: &reqwest::Client,
    options: &ClientOptions,
    mut schedule: PollSchedule,
    now: impl Fn() -> Timestamp,
    mut wait: impl FnMut(Duration) -> W,
) -> PollEnd
where
    W: std::future::Future<Output = bool>,
{
    loop {
        if !wait(schedule.wait()).await {
            return PollEnd::Cancelled;
        }
        if schedule.expired(now()) {
            return PollEnd::Expired;
        }
        let draft = match target.poll_request(now()) {
            Ok(draft) => draft,
            Err(failure) => return PollEnd::Unsendable(failure),
        };
        let exchange = send(client, &draft, options).await;
        let outcome = target.polled(exchange, now());
        schedule.after(&outcome);
        match outcome {
            PollOutcome::Tokens(_) => return PollEnd::Tokens,
            PollOutcome::Failed(failure) => return PollEnd::Refused(failure),
            PollOutcome::Pending(_) | PollOutcome::SlowDown(_) => {}
        }
        // Said now rather than after a wait that cannot end in tokens.
        let next_poll = now().plus_seconds(i64::try_from(schedule.interval).unwrap_or(i64::MAX));
        if schedule.expired(next_poll) {
            return PollEnd::Expired;
        }
    }
}

/// CIBA ping mode's wait (CIBA Core §10.2), once for the window and `run`:
/// from now on the listener takes only a ping about `auth_req_id` (the
/// backchannel answer's; one that came before it was checked by its bearer
/// alone), and it is looked at every [`PING_CHECK_INTERVAL`] (through `wait`, which
/// returns `false` to cancel) until the provider's ping, the request's
/// expiry (`expires_in`, §7.3, the schedule's) or cancel; after the ping,
/// ONE token request (§10.1, the poll's request) whose answer ends it: a
/// ping says the user decided, so `authorization_pending` then is the
/// provider's refusal too.
pub async fn await_ping_then_fetch<W>(
    target: &mut impl DevicePollTarget,
    (listener, auth_req_id): (&NotificationListener, &crate::secret::Secret),
    client: &reqwest::Client,
    options: &ClientOptions,
    schedule: PollSchedule,
    now: impl Fn() -> Timestamp,
    mut wait: impl FnMut(Duration) -> W,
) -> PollEnd
where
    W: std::future::Future<Output = bool>,
{
    listener.expect_auth_req_id(auth_req_id);
    loop {
        if let Some(outcome) = listener.try_take() {
            match outcome.result {
                Ok(_) => break,
                Err(error) => return PollEnd::Unsendable(StepFailure::new(error.to_string())),
            }
        }
        if schedule.expired(now()) {
            return PollEnd::Expired;
        }
        if !wait(PING_CHECK_INTERVAL).await {
            return PollEnd::Cancelled;
        }
    }
    target.pinged(now());
    let draft = match target.poll_request(now()) {
        Ok(draft) => draft,
        Err(failure) => return PollEnd::Unsendable(failure),
    };
    let exchange = send(client, &draft, options).await;
    match target.polled(exchange, now()) {
        PollOutcome::Tokens(_) => PollEnd::Tokens,
        PollOutcome::Failed(failure)
        | PollOutcome::Pending(failure)
        | PollOutcome::SlowDown(failure) => PollEnd::Refused(failure),
    }
}

/// The run's session as a [`DevicePollTarget`]: each answer is recorded
/// (and observed, but for tokens, which are verified first).
struct SessionPolls<'a, O> {
    session: &'a mut FlowSession,
    observe: &'a mut O,
}

impl<O: FnMut(&StepRecord)> DevicePollTarget for SessionPolls<'_, O> {
    fn poll_request(&self, now: Timestamp) -> Result<RequestDraft, StepFailure> {
        self.session.poll_draft(now)
    }

    fn pinged(&mut self, now: Timestamp) {
        self.session.pinged = Some(now);
    }

    fn polled(&mut self, exchange: Exchange, now: Timestamp) -> PollOutcome {
        let outcome = self.session.device_polled(exchange, now);
        if !matches!(outcome, PollOutcome::Tokens(_))
            && let Some(record) = self.session.records.last()
        {
            (self.observe)(record);
        }
        outcome
    }
}

/// The loopback listener for the profile's redirect URI (RFC 8252 §7.3),
/// for the code flow's callback and the logout's return alike; `not_loopback`
/// says why a redirect elsewhere cannot be received.
fn listen_for_redirect(
    session: &FlowSession,
    options: &RunOptions,
    not_loopback: &str,
) -> Result<CallbackListener, StepFailure> {
    let target = RedirectTarget::parse(&session.profile.redirect_uri)
        .map_err(|e| StepFailure::new(e.to_string()))?;
    if !target.is_loopback() {
        return Err(StepFailure::new(not_loopback));
    }
    CallbackListener::start(&target, options.callback_timeout)
        .map_err(|e| StepFailure::new(e.to_string()))
}

/// RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0 §2): opens the
/// end-session URL with the ID token as hint, waits for the redirect on the
/// loopback redirect URI, and checks its `state`.
pub async fn logout(
    session: &mut FlowSession,
    options: &RunOptions,
    now: impl Fn() -> Timestamp,
    mut observe: impl FnMut(&StepRecord),
) -> Result<(), StepFailure> {
    let listener = listen_for_redirect(
        session,
        options,
        "The redirect URI is not a loopback address: the logout's return cannot be received here.",
    )?;
    let url = match session.prepare_logout() {
        Ok(url) => url,
        Err(failure) => {
            session.failed(Step::Logout, failure.clone(), now());
            if let Some(record) = session.records.last() {
                observe(record);
            }
            return Err(failure);
        }
    };
    if let Some((state, _)) = &session.logout {
        listener.expect_state(state);
    }
    let params = open_and_await_redirect(&options.browser, &url, listener).await?;
    let record = session.logout_returned(&params, now());
    observe(record);
    record.outcome.clone().map(drop)
}

/// Opens `url` in the browser and waits, off the runtime's threads, for
/// the redirect back to `listener`: the authorization request's and the
/// logout's way through the browser.
async fn open_and_await_redirect(
    browser: &Browser,
    url: &str,
    listener: CallbackListener,
) -> Result<crate::oauth::callback::CallbackParams, StepFailure> {
    browser.open(url).map_err(StepFailure::new)?;
    tokio::task::spawn_blocking(move || listener.wait())
        .await
        .map_err(|e| StepFailure::new(format!("the callback listener stopped: {e}")))?
        .into_params()
        .map_err(StepFailure::new)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth::device;

    #[test]
    fn only_http_and_https_addresses_go_to_a_browser() {
        for good in [
            "https://op.example/device",
            "HTTP://127.0.0.1:8080/authorize?client_id=a&state=%D0%BA",
            "https://пример.рф/устройство?code=🙂",
        ] {
            assert_eq!(check_browser_url(good), Ok(()), "{good}");
        }
        for (bad, why) in [
            ("javascript:alert(1)", "javascript:"),
            ("JavaScript://%0aalert(1)", "JavaScript:"),
            ("file:///etc/passwd", "file:"),
            ("data:text/html,<script>alert(1)</script>", "data:"),
            ("vbscript:msgbox", "vbscript:"),
            ("tokenscope-evil://x", "tokenscope-evil:"),
            ("//op.example/device", "not an absolute URL"),
            ("op.example/device", "not an absolute URL"),
            ("https:///device", "no host"),
            ("https://op.example/a b", "spaces"),
            (" https://op.example/", "control characters"),
            ("https://op.example/\u{0}", "control characters"),
            ("https://op.example/\u{202e}\n", "control characters"),
            ("", "not an absolute URL"),
            ("\u{200f}:", "not an absolute URL"),
        ] {
            let reason = check_browser_url(bad).expect_err(bad);
            assert!(reason.contains(why), "{bad:?}: {reason}");
            assert!(reason.starts_with("not opened in the browser"), "{reason}");
        }
        crate::i18n::set_language(crate::i18n::Language::Ru);
        let russian = check_browser_url("file:///etc/passwd").expect_err("file");
        crate::i18n::set_language(crate::i18n::Language::En);
        assert!(
            russian.starts_with("адрес не открыт в браузере"),
            "{russian}"
        );
    }

    /// A device authorization answer carrying hostile addresses: read as
    /// it came, and refused by the one function that opens browsers, before
    /// any program is started.
    #[test]
    fn a_hostile_verification_uri_is_never_opened() {
        let exchange = Exchange::json_answer(
            "https://op.example/device",
            200,
            r#"{"device_code":"dc","user_code":"WDJB-MJHT","verification_uri":"file:///etc/passwd","verification_uri_complete":"javascript:alert(1)","expires_in":600}"#,
        );
        let answer = device::parse_authorization(&exchange).expect("read as it came");
        assert_eq!(answer.verification_uri, "file:///etc/passwd");
        let browser = Browser::Command("tokenscope-no-such-browser --would-run".to_owned());
        for uri in [
            answer.verification_uri.as_str(),
            answer
                .verification_uri_complete
                .as_deref()
                .unwrap_or_default(),
        ] {
            let refused = browser.open(uri).expect_err(uri);
            assert!(refused.contains("only http:// and https://"), "{refused}");
            assert!(
                !refused.contains("could not run"),
                "no program was started: {refused}"
            );
        }
    }
}
