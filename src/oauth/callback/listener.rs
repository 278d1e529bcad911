//! The loopback listener (RFC 8252 §8.3): bound to the loopback interface
//! only, open for one redirect, then closed; every request head is read
//! within limits and answered, whatever its bytes. The same listener is
//! CIBA ping mode's client notification endpoint (OpenID CIBA Core 1.0
//! §10.2, [`NotificationListener`]): open for one ping, a bounded JSON body,
//! over TLS with a certificate made for the run when the endpoint is https.

// The listener parses raw bytes from anyone on this machine: no slice that
// can cut a character, no index that can miss (tests may index what they built).
#![cfg_attr(not(test), deny(clippy::string_slice, clippy::indexing_slicing))]

use std::fmt;
use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest as _, Sha256};

use crate::i18n::Language;
use crate::oauth::ciba::{self, NotificationRefusal};
use crate::secret::Secret;

use super::{
    CallbackError, CallbackParams, Loopback, LoopbackHost, RedirectTarget, constant_time_eq,
    loopback_host, split_host_port,
};

/// Longest request line plus headers read (reliability.md LB-07: 8 KiB).
const MAX_REQUEST_HEAD: usize = 8 * 1024;
/// A connection that has not sent its request head by then is dropped.
const REQUEST_DEADLINE: Duration = Duration::from_secs(10);
/// Connections read at once; more are closed right away.
const MAX_CONNECTIONS: usize = 8;
/// How often the listener looks at its sockets, the cancel flag and the clock.
const POLL_INTERVAL: Duration = Duration::from_millis(25);
/// The status of the reply to a request head over [`MAX_REQUEST_HEAD`] (RFC 6585 §5).
const TOO_LARGE: &str = "431 Request Header Fields Too Large";
/// Bound on writing one (small) response.
const WRITE_TIMEOUT: Duration = Duration::from_secs(2);
/// The status of the reply to a body over [`ciba::MAX_NOTIFICATION_BODY`] (RFC 9110 §15.5.14).
const BODY_TOO_LARGE: &str = "413 Content Too Large";

/// The loopback redirect listener (RFC 8252 §7.3, §8.3).
///
/// It binds the loopback address of the redirect URI (127.0.0.1, also for
/// `localhost`, or `::1`), never all interfaces, and serves on a thread named
/// `tokenscope-callback`. Requests other than `GET` on the redirect path get
/// 404/405 and it keeps listening; so do requests with a foreign `Host`
/// (DNS rebinding) and redirects without `state` (which cannot belong to this
/// run; answering them would let any local page end the sign-in). The first
/// `GET` on the path with a `state` gets a small page that scrubs the code
/// from the address bar, the socket closes, and the result is delivered:
/// [`wait`](Self::wait) blocks for it, [`try_take`](Self::try_take) polls.
///
/// Dropping the listener cancels it and closes the port.
pub struct CallbackListener {
    shared: Arc<Shared>,
    local_addr: SocketAddr,
    redirect_uri: String,
    worker: Option<JoinHandle<()>>,
}

type CallbackResult = Result<CallbackParams, CallbackError>;

/// What ended the listening: the redirect, or a CIBA ping with its `auth_req_id`.
enum Received {
    Redirect(CallbackParams),
    Ping(Secret),
}

/// What the listener is for.
enum Purpose {
    /// The authorization response's redirect (RFC 8252 §7.3).
    Redirect,
    /// CIBA's ping (CIBA Core §10.2): the bearer it must carry, and the TLS
    /// setup of an https endpoint.
    Notification {
        token: Secret,
        tls: Option<Arc<rustls::ServerConfig>>,
    },
}

/// What the listener hands over: the redirect (or why none came) and how
/// many requests to the redirect path it turned away because their `state`
/// was missing or not this run's. Such requests cannot be the provider's
/// answer to this run: something else on this machine is calling the port.
#[derive(Debug)]
pub struct CallbackOutcome {
    /// The redirect's parameters, or why there are none.
    pub result: CallbackResult,
    /// Requests answered 400 for a wrong or missing `state`.
    pub ignored: u32,
}

impl CallbackOutcome {
    /// "N requests to the port were ignored …", in the thread's language,
    /// when there were any.
    pub fn ignored_note(&self) -> Option<String> {
        ignored_note(self.ignored)
    }

    /// The redirect's parameters, or why there are none as text (with the
    /// ignored requests said, when there were any).
    pub fn into_params(self) -> Result<CallbackParams, String> {
        let note = self.ignored_note();
        self.result.map_err(|error| match note {
            Some(note) => format!("{error} {note}"),
            None => error.to_string(),
        })
    }
}

/// "N requests to the port were ignored (wrong or missing state): something
/// else on this machine is calling it", in the thread's language; `None` for 0.
pub fn ignored_note(count: u32) -> Option<String> {
    (count > 0).then(|| crate::tr!("callback-ignored-requests", count = count))
}

#[derive(Default)]
struct Shared {
    slot: Mutex<Slot>,
    ready: Condvar,
    cancelled: AtomicBool,
    /// The run's `state`, once known: other states are turned away.
    expected_state: Mutex<Option<String>>,
    /// The CIBA request's `auth_req_id`, once known: pings about another
    /// request are turned away.
    expected_auth_req_id: Mutex<Option<Secret>>,
    ignored: AtomicU32,
}

#[derive(Default)]
enum Slot {
    #[default]
    Waiting,
    Ready(Result<Received, CallbackError>),
    Taken,
}

impl Shared {
    fn slot(&self) -> MutexGuard<'_, Slot> {
        self.slot.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn expected_state(&self) -> Option<String> {
        self.expected_state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn expected_auth_req_id(&self) -> Option<Secret> {
        self.expected_auth_req_id
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn outcome(&self, result: Result<Received, CallbackError>) -> CallbackOutcome {
        CallbackOutcome {
            result: result.and_then(|received| match received {
                Received::Redirect(params) => Ok(params),
                // A redirect listener never takes a ping (its route has no token).
                Received::Ping(_) => Err(CallbackError::Malformed(
                    "a ping is not a redirect".to_owned(),
                )),
            }),
            ignored: self.ignored.load(Ordering::Acquire),
        }
    }

    fn ping_outcome(&self, result: Result<Received, CallbackError>) -> NotificationOutcome {
        NotificationOutcome {
            result: result.and_then(|received| match received {
                Received::Ping(id) => Ok(id),
                // A notification listener never takes a redirect (its route is the ping's).
                Received::Redirect(_) => Err(CallbackError::NoCodeOrError),
            }),
            refused: self.ignored.load(Ordering::Acquire),
        }
    }

    /// Blocks until the slot holds a result (or was taken), and takes it.
    fn wait_taken(&self) -> Result<Received, CallbackError> {
        let mut slot = self.slot();
        loop {
            match std::mem::replace(&mut *slot, Slot::Taken) {
                Slot::Ready(result) => return result,
                Slot::Taken => return Err(CallbackError::AlreadyTaken),
                Slot::Waiting => {
                    *slot = Slot::Waiting;
                    slot = self
                        .ready
                        .wait(slot)
                        .unwrap_or_else(PoisonError::into_inner);
                }
            }
        }
    }

    /// The result, once, as soon as it is there.
    fn try_taken(&self) -> Option<Result<Received, CallbackError>> {
        let mut slot = self.slot();
        match std::mem::replace(&mut *slot, Slot::Taken) {
            Slot::Ready(result) => Some(result),
            Slot::Waiting => {
                *slot = Slot::Waiting;
                None
            }
            Slot::Taken => None,
        }
    }
}

impl CallbackListener {
    /// Binds the loopback port of `target` and waits at most `timeout` for
    /// the redirect.
    pub fn start(target: &RedirectTarget, timeout: Duration) -> Result<Self, CallbackError> {
        Self::launch(target, timeout, Purpose::Redirect, None)
    }

    /// Like [`start`](Self::start); `notify` is called once, on the listener
    /// thread, as soon as a result is available (e.g. to repaint a UI).
    pub fn start_with_notify(
        target: &RedirectTarget,
        timeout: Duration,
        notify: impl FnOnce() + Send + 'static,
    ) -> Result<Self, CallbackError> {
        Self::launch(target, timeout, Purpose::Redirect, Some(Box::new(notify)))
    }

    fn launch(
        target: &RedirectTarget,
        timeout: Duration,
        purpose: Purpose,
        notify: Option<Box<dyn FnOnce() + Send>>,
    ) -> Result<Self, CallbackError> {
        let Some(loopback) = &target.loopback else {
            return Err(CallbackError::NotLoopback {
                uri: target.uri.clone(),
            });
        };
        let socket = bind(loopback)?;
        let local_addr = socket.local_addr()?;
        socket.set_nonblocking(true)?;
        let redirect_uri = if loopback.port == 0 {
            format!(
                "{}://{}:{}{}",
                scheme(loopback),
                loopback.host.as_str(),
                local_addr.port(),
                loopback.path_and_query
            )
        } else {
            target.uri.clone()
        };
        let mut route = Route::new(loopback, local_addr.port());
        let tls = match purpose {
            Purpose::Redirect => None,
            Purpose::Notification { token, tls } => {
                route.notification_token = Some(token);
                tls
            }
        };
        let deadline = Instant::now().checked_add(timeout);
        let shared = Arc::new(Shared::default());
        // The page the browser shows speaks the language of the thread that
        // started the listener (the window's); the listener thread has its own.
        let language = crate::i18n::language();
        let worker = thread::Builder::new()
            .name("tokenscope-callback".to_owned())
            .spawn({
                let shared = Arc::clone(&shared);
                move || {
                    // A result is always delivered, even if serving panics:
                    // a waiter must never wait forever.
                    let result = panic::catch_unwind(AssertUnwindSafe(|| {
                        let result = serve(
                            &socket,
                            &route,
                            tls.as_ref(),
                            (&shared, deadline, timeout),
                            language,
                        );
                        // The port closes before anyone hears the result (RFC 8252 §8.3).
                        drop(socket);
                        result
                    }))
                    .unwrap_or_else(|_| {
                        Err(io::Error::other("the listener thread stopped unexpectedly").into())
                    });
                    *shared.slot() = Slot::Ready(result);
                    shared.ready.notify_all();
                    if let Some(notify) = notify {
                        notify();
                    }
                }
            })?;
        Ok(Self {
            shared,
            local_addr,
            redirect_uri,
            worker: Some(worker),
        })
    }

    /// The address the listener is bound to: a loopback address.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The redirect URI to send: the target's, with the real port when the
    /// target asked for port 0.
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// From now on, a redirect whose `state` is not `state` is answered 400
    /// and counted, and listening goes on (RFC 6749 §10.12: it cannot be the
    /// answer to this run's request). Before this is called any `state` is
    /// taken, and only a missing one turned away.
    pub fn expect_state(&self, state: &str) {
        *self
            .shared
            .expected_state
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(state.to_owned());
    }

    /// Blocks until the redirect arrives, the timeout passes or the listener
    /// is cancelled. Once the result was taken, returns `AlreadyTaken`.
    pub fn wait(&self) -> CallbackOutcome {
        self.shared.outcome(self.shared.wait_taken())
    }

    /// The result, once, as soon as it is there; `None` before and after.
    pub fn try_take(&self) -> Option<CallbackOutcome> {
        self.shared
            .try_taken()
            .map(|result| self.shared.outcome(result))
    }

    /// Stops listening: the port closes and the result becomes
    /// `Err(Cancelled)` within a few milliseconds, unless a redirect was
    /// already received.
    pub fn cancel(&self) {
        self.shared.cancelled.store(true, Ordering::Release);
    }
}

impl Drop for CallbackListener {
    fn drop(&mut self) {
        self.cancel();
        if let Some(worker) = self.worker.take() {
            // The worker catches its own panics; nothing to report here.
            let _ = worker.join();
        }
    }
}

impl fmt::Debug for CallbackListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallbackListener")
            .field("local_addr", &self.local_addr)
            .field("redirect_uri", &self.redirect_uri)
            .finish_non_exhaustive()
    }
}

/// CIBA ping mode's client notification endpoint (OpenID CIBA Core 1.0
/// §10.2) on the loopback listener: bound before the backchannel
/// authentication request goes out (a provider may ping at once), it waits
/// for one `POST` carrying `Authorization: Bearer <client_notification_token>`
/// and `{"auth_req_id":"…"}`, answers it 204 No Content and closes. Other
/// requests are answered 401, 400, 404, 405, 411 or 413 and counted, and
/// it keeps waiting. An `https` endpoint is served with a self-signed
/// certificate made at start; `http` only on loopback (the sandbox).
/// Dropping it closes the port.
#[derive(Debug)]
pub struct NotificationListener {
    listener: CallbackListener,
}

/// What a [`NotificationListener`] hands over.
#[derive(Debug)]
pub struct NotificationOutcome {
    /// The pinged `auth_req_id`, or why no ping came.
    pub result: Result<Secret, CallbackError>,
    /// Requests answered with a refusal (wrong bearer, wrong `auth_req_id`,
    /// bad body, other path or method).
    pub refused: u32,
}

impl NotificationListener {
    /// Binds `endpoint`'s loopback port (see
    /// [`RedirectTarget::parse_notification_endpoint`]) and waits at most
    /// `timeout` for the ping carrying `token`.
    pub fn start(
        endpoint: &RedirectTarget,
        token: Secret,
        timeout: Duration,
    ) -> Result<Self, CallbackError> {
        let tls = if endpoint.is_tls() {
            Some(self_signed_tls()?)
        } else {
            None
        };
        let listener = CallbackListener::launch(
            endpoint,
            timeout,
            Purpose::Notification { token, tls },
            None,
        )?;
        Ok(Self { listener })
    }

    /// The address the listener is bound to: a loopback address.
    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr()
    }

    /// The endpoint's URL, with the real port when port 0 was asked for.
    pub fn endpoint(&self) -> &str {
        self.listener.redirect_uri()
    }

    /// From now on a ping about another request is answered 400 and
    /// counted (CIBA Core §10.2: the body names the request it is about).
    pub fn expect_auth_req_id(&self, auth_req_id: &Secret) {
        *self
            .listener
            .shared
            .expected_auth_req_id
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(auth_req_id.clone());
    }

    /// The ping, once, as soon as it is there; `None` before and after.
    pub fn try_take(&self) -> Option<NotificationOutcome> {
        let shared = &self.listener.shared;
        shared.try_taken().map(|result| shared.ping_outcome(result))
    }

    /// Blocks until the ping, the timeout or cancel.
    pub fn wait(&self) -> NotificationOutcome {
        let shared = &self.listener.shared;
        shared.ping_outcome(shared.wait_taken())
    }

    /// Stops listening; the port closes within a few milliseconds.
    pub fn cancel(&self) {
        self.listener.cancel();
    }
}

/// A TLS server setup for an https notification endpoint: a self-signed
/// certificate for `127.0.0.1`, `::1` and `localhost`, made now with a fresh
/// P-256 key (rcgen), living as long as the listener. Providers reaching a
/// loopback endpoint have to be told to trust it (as the tests tell
/// oidc-provider); no CA is involved and nothing is written to disk.
fn self_signed_tls() -> Result<Arc<rustls::ServerConfig>, CallbackError> {
    let failed = |what: &str, error: String| {
        CallbackError::Io(io::Error::other(format!(
            "cannot set up TLS for the notification endpoint ({what}): {error}"
        )))
    };
    let certified = rcgen::generate_simple_self_signed(vec![
        "127.0.0.1".to_owned(),
        "::1".to_owned(),
        "localhost".to_owned(),
    ])
    .map_err(|e| failed("certificate", e.to_string()))?;
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(rustls::pki_types::PrivatePkcs8KeyDer::from(
        certified.signing_key.serialize_der(),
    ));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| failed("protocol versions", e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(vec![certified.cert.der().clone()], key)
        .map_err(|e| failed("certificate", e.to_string()))?;
    Ok(Arc::new(config))
}

/// `https` for a TLS endpoint, else `http`.
fn scheme(loopback: &Loopback) -> &'static str {
    if loopback.tls { "https" } else { "http" }
}

/// Binds the loopback address for `loopback` (never `0.0.0.0` or `::`).
/// `localhost` falls back to `::1` where IPv4 is unavailable (RFC 8252 §7.3).
fn bind(loopback: &Loopback) -> Result<TcpListener, CallbackError> {
    let ip = match loopback.host {
        LoopbackHost::Ipv4 | LoopbackHost::Localhost => IpAddr::V4(Ipv4Addr::LOCALHOST),
        LoopbackHost::Ipv6 => IpAddr::V6(Ipv6Addr::LOCALHOST),
    };
    let addr = SocketAddr::new(ip, loopback.port);
    match TcpListener::bind(addr) {
        Ok(socket) => Ok(socket),
        Err(e) if e.kind() == io::ErrorKind::AddrInUse => Err(CallbackError::PortInUse {
            port: loopback.port,
        }),
        Err(e) => {
            if loopback.host == LoopbackHost::Localhost
                && e.kind() == io::ErrorKind::AddrNotAvailable
                && let Ok(socket) = TcpListener::bind((Ipv6Addr::LOCALHOST, loopback.port))
            {
                return Ok(socket);
            }
            Err(CallbackError::Bind { addr, source: e })
        }
    }
}

/// What the listener answers on.
struct Route {
    /// The redirect path, e.g. `/callback`.
    path: String,
    /// `http://host:port`, prefixed to the request target for `raw_url`.
    origin: String,
    /// The bound port, for the `Host` check.
    port: u16,
    /// CIBA ping mode: the `client_notification_token` a ping must carry;
    /// the route then takes `POST` with a body instead of the redirect.
    notification_token: Option<Secret>,
}

impl Route {
    /// The route of `loopback` once bound to `port`.
    fn new(loopback: &Loopback, port: u16) -> Self {
        Self {
            path: loopback.path.clone(),
            origin: format!("{}://{}:{port}", scheme(loopback), loopback.host.as_str()),
            port,
            notification_token: None,
        }
    }

    /// The longest body read: a ping's, or none for the redirect.
    fn max_body(&self) -> usize {
        if self.notification_token.is_some() {
            ciba::MAX_NOTIFICATION_BODY
        } else {
            0
        }
    }
}

/// What the listener answers when a connection has sent `bytes`, without a
/// socket (the fuzz harness, `tokenscope::fuzzing`): the reply's status line
/// and, when it was the redirect, its parameters. `None` while the request
/// head is incomplete, and for a target that is not loopback.
#[doc(hidden)]
pub fn answer_bytes(
    bytes: &[u8],
    target: &RedirectTarget,
) -> Option<(&'static str, Option<CallbackParams>)> {
    let loopback = target.loopback.as_ref()?;
    let route = Route::new(loopback, loopback.port);
    match head_end(bytes, 0) {
        Some(end) => {
            let (reply, verdict) = answer(
                bytes.get(..end)?,
                &[],
                &route,
                Expected::default(),
                crate::i18n::language(),
            );
            let params = match verdict {
                Verdict::Redirect(params) => Some(params),
                Verdict::Ping(_) | Verdict::NotThisRun | Verdict::Refused => None,
            };
            Some((reply.status, params))
        }
        None if bytes.len() > MAX_REQUEST_HEAD => Some((TOO_LARGE, None)),
        None => None,
    }
}

/// What a CIBA notification endpoint answers when a connection has sent
/// `bytes` (CIBA Core §10.2), without a socket (the fuzz harness): the
/// reply's status line and, when it was the ping, its `auth_req_id`. The
/// body is what the head's `Content-Length` declares, as the listener reads
/// it. `None` while the request is incomplete, and for a target that is not
/// loopback.
#[doc(hidden)]
pub fn ping_answer_bytes(
    bytes: &[u8],
    target: &RedirectTarget,
    token: &Secret,
    expected_id: Option<&Secret>,
) -> Option<(&'static str, Option<Secret>)> {
    let loopback = target.loopback.as_ref()?;
    let mut route = Route::new(loopback, loopback.port);
    route.notification_token = Some(token.clone());
    let Some(end) = head_end(bytes, 0) else {
        return (bytes.len() > MAX_REQUEST_HEAD).then_some((TOO_LARGE, None));
    };
    let head = bytes.get(..end)?;
    let declared = content_length(head);
    if declared > route.max_body() {
        return Some((BODY_TOO_LARGE, None));
    }
    let body = bytes.get(end..end.checked_add(declared)?)?;
    let expected = Expected {
        state: None,
        auth_req_id: expected_id,
    };
    let (reply, verdict) = answer(head, body, &route, expected, crate::i18n::language());
    let id = match verdict {
        Verdict::Ping(id) => Some(id),
        Verdict::Redirect(_) | Verdict::NotThisRun | Verdict::Refused => None,
    };
    Some((reply.status, id))
}

/// Serves until a redirect arrives, the deadline passes or `cancelled` is set.
///
/// Sockets are non-blocking and polled: a client that connects and sends
/// nothing (a browser's speculative pre-connect, a slowloris) never holds up
/// another connection; it is dropped after [`REQUEST_DEADLINE`].
fn serve(
    socket: &TcpListener,
    route: &Route,
    tls: Option<&Arc<rustls::ServerConfig>>,
    (shared, deadline, timeout): (&Shared, Option<Instant>, Duration),
    language: Language,
) -> Result<Received, CallbackError> {
    let mut connections: Vec<Connection> = Vec::new();
    loop {
        if shared.cancelled.load(Ordering::Acquire) {
            return Err(CallbackError::Cancelled);
        }
        if deadline.is_some_and(|deadline| Instant::now() >= deadline) {
            return Err(CallbackError::TimedOut(timeout));
        }
        let mut progressed = accept_new(socket, tls, &mut connections)?;
        let mut index = 0;
        while let Some(connection) = connections.get_mut(index) {
            match connection.read_available(route.max_body()) {
                Progress::Waiting => index += 1,
                Progress::Gone => drop(connections.swap_remove(index)),
                Progress::TooLarge => {
                    progressed = true;
                    let connection = connections.swap_remove(index);
                    Reply::text(TOO_LARGE, "Request too large.\n").send(connection.stream);
                }
                Progress::BodyTooLarge => {
                    progressed = true;
                    let connection = connections.swap_remove(index);
                    shared.ignored.fetch_add(1, Ordering::AcqRel);
                    Reply::text(BODY_TOO_LARGE, NotificationRefusal::TooLarge.reason())
                        .send(connection.stream);
                }
                Progress::Complete => {
                    progressed = true;
                    let connection = connections.swap_remove(index);
                    let expected_state = shared.expected_state();
                    let expected_id = shared.expected_auth_req_id();
                    let (head, body) = connection.head_and_body();
                    let expected = Expected {
                        state: expected_state.as_deref(),
                        auth_req_id: expected_id.as_ref(),
                    };
                    let (reply, verdict) = answer(head, body, route, expected, language);
                    reply.send(connection.stream);
                    match verdict {
                        Verdict::Redirect(params) => return Ok(Received::Redirect(params)),
                        Verdict::Ping(id) => return Ok(Received::Ping(id)),
                        Verdict::NotThisRun => {
                            shared.ignored.fetch_add(1, Ordering::AcqRel);
                        }
                        Verdict::Refused => {}
                    }
                }
            }
        }
        if !progressed {
            thread::sleep(POLL_INTERVAL);
        }
    }
}

/// Accepts every pending connection (each a TLS server connection when
/// `tls` is given); returns whether there was one.
fn accept_new(
    socket: &TcpListener,
    tls: Option<&Arc<rustls::ServerConfig>>,
    connections: &mut Vec<Connection>,
) -> Result<bool, CallbackError> {
    let mut accepted = false;
    loop {
        match socket.accept() {
            Ok((stream, _)) => {
                accepted = true;
                if connections.len() < MAX_CONNECTIONS && stream.set_nonblocking(true).is_ok() {
                    let stream = match tls {
                        None => Stream::Plain(stream),
                        Some(config) => match rustls::ServerConnection::new(Arc::clone(config)) {
                            Ok(tls) => Stream::Tls(Box::new(rustls::StreamOwned::new(tls, stream))),
                            Err(_) => continue,
                        },
                    };
                    connections.push(Connection {
                        stream,
                        head: Vec::new(),
                        head_len: None,
                        wanted: 0,
                        opened: Instant::now(),
                    });
                }
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(accepted),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::Interrupted
                        | io::ErrorKind::ConnectionAborted
                        | io::ErrorKind::ConnectionReset
                ) => {}
            Err(e) => return Err(e.into()),
        }
    }
}

/// A connection's socket: plain loopback, or TLS over it (an https
/// notification endpoint).
enum Stream {
    Plain(TcpStream),
    Tls(Box<rustls::StreamOwned<rustls::ServerConnection, TcpStream>>),
}

impl Stream {
    fn tcp(&self) -> &TcpStream {
        match self {
            Self::Plain(stream) => stream,
            Self::Tls(stream) => stream.get_ref(),
        }
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Self::Plain(stream) => stream.read(buf),
            Self::Tls(stream) => stream.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Self::Plain(stream) => stream.write(buf),
            Self::Tls(stream) => stream.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Self::Plain(stream) => stream.flush(),
            Self::Tls(stream) => stream.flush(),
        }
    }
}

struct Connection {
    stream: Stream,
    /// The request as read: its head, then (for a ping) its body.
    head: Vec<u8>,
    /// Where the head ends in `head`, once the blank line came.
    head_len: Option<usize>,
    /// How many bytes the whole request has (head and declared body).
    wanted: usize,
    opened: Instant,
}

enum Progress {
    Waiting,
    Gone,
    TooLarge,
    BodyTooLarge,
    Complete,
}

impl Connection {
    /// The head and the body read.
    fn head_and_body(&self) -> (&[u8], &[u8]) {
        let at = self
            .head_len
            .unwrap_or(self.head.len())
            .min(self.head.len());
        self.head.split_at(at)
    }

    /// Reads what has arrived: up to the end of the request head, then the
    /// body its `Content-Length` declares, when `max_body` allows one (a
    /// ping's; a redirect has none). A longer declared body is refused
    /// before it is read.
    fn read_available(&mut self, max_body: usize) -> Progress {
        let mut chunk = [0_u8; 1024];
        loop {
            match self.stream.read(&mut chunk) {
                Ok(0) => return Progress::Gone,
                Ok(n) => {
                    // Only the new bytes (and the 3 before them) can complete
                    // the blank line: each byte is looked at a bounded number of times.
                    let scan_from = self.head.len().saturating_sub(3);
                    self.head
                        .extend_from_slice(chunk.get(..n).unwrap_or_default());
                    if self.head_len.is_none()
                        && let Some(end) = head_end(&self.head, scan_from)
                    {
                        let declared = if max_body == 0 {
                            0
                        } else {
                            content_length(self.head.get(..end).unwrap_or_default())
                        };
                        if declared > max_body {
                            return Progress::BodyTooLarge;
                        }
                        self.head_len = Some(end);
                        self.wanted = end.saturating_add(declared);
                    }
                    if self.head_len.is_some() && self.head.len() >= self.wanted {
                        self.head.truncate(self.wanted);
                        return Progress::Complete;
                    }
                    if self.head_len.is_none() && self.head.len() > MAX_REQUEST_HEAD {
                        return Progress::TooLarge;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    return if self.opened.elapsed() > REQUEST_DEADLINE {
                        Progress::Gone
                    } else {
                        Progress::Waiting
                    };
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return Progress::Gone,
            }
        }
    }
}

/// The body length a head declares (RFC 9112 §6.3): its one
/// `Content-Length` of digits only; 0 when there is none, and
/// `usize::MAX` (too large for any body) when it is not one number, so such
/// a request is refused rather than read. A chunked body is not taken: a
/// ping is a small JSON document, which every HTTP client sends with a length.
fn content_length(head: &[u8]) -> usize {
    let Ok(text) = std::str::from_utf8(head) else {
        return 0;
    };
    let mut found = None;
    for line in text.lines().skip(1) {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            let value = value.trim();
            let length = (!value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()))
                .then(|| value.parse::<usize>().ok())
                .flatten();
            match (found, length) {
                (None, Some(length)) => found = Some(length),
                (Some(seen), Some(length)) if seen == length => {}
                _ => return usize::MAX,
            }
        }
    }
    found.unwrap_or(0)
}

/// Where the blank line ending a request head is (RFC 9112 §2.1): just
/// past the first `\r\n\r\n` or bare `\n\n` at or after `from`, if the head
/// is no longer than [`MAX_REQUEST_HEAD`]. Any bytes; never panics.
fn head_end(bytes: &[u8], from: usize) -> Option<usize> {
    let tail = bytes.get(from..)?;
    let end = tail
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|at| at.saturating_add(4));
    let bare = tail
        .windows(2)
        .position(|w| w == b"\n\n")
        .map(|at| at.saturating_add(2));
    end.into_iter()
        .chain(bare)
        .min()
        .map(|end| end.saturating_add(from))
        .filter(|&end| end <= MAX_REQUEST_HEAD)
}

/// The parts of a request head the listener looks at.
struct RequestHead<'a> {
    method: &'a str,
    /// Origin-form target, e.g. `/callback?code=…` (RFC 9112 §3.2.1).
    target: &'a str,
    host: Option<&'a str>,
    /// The `Authorization` header (a ping's bearer, CIBA Core §10.2).
    authorization: Option<&'a str>,
    /// Whether a `Transfer-Encoding` header came (a body in chunks, which
    /// the listener does not read).
    chunked: bool,
}

/// Reads the request line and the `Host` header (RFC 9112 §3, §3.2) of a
/// head of any bytes: a value or a reason for a 400, never a panic.
fn parse_head(head: &[u8]) -> Result<RequestHead<'_>, &'static str> {
    if head.len() > MAX_REQUEST_HEAD {
        return Err("Request too large.");
    }
    let text = std::str::from_utf8(head).map_err(|_| "The request is not text.")?;
    let mut lines = text.lines();
    let mut parts = lines.next().unwrap_or_default().split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("Malformed request line.");
    };
    if !version.starts_with("HTTP/1.") || !target.starts_with('/') {
        return Err("Malformed request line.");
    }
    let mut host = None;
    let mut authorization = None;
    let mut chunked = false;
    for line in lines.take_while(|line| !line.is_empty()) {
        let (name, value) = line.split_once(':').ok_or("Malformed header.")?;
        if name.trim().eq_ignore_ascii_case("host") {
            if host.is_some() {
                return Err("More than one Host header.");
            }
            host = Some(value.trim());
        }
        if name.trim().eq_ignore_ascii_case("authorization") {
            if authorization.is_some() {
                return Err("More than one Authorization header.");
            }
            authorization = Some(value.trim());
        }
        chunked |= name.trim().eq_ignore_ascii_case("transfer-encoding");
    }
    Ok(RequestHead {
        method,
        target,
        host,
        authorization,
        chunked,
    })
}

/// What a request turned out to be.
enum Verdict {
    /// The redirect this run waits for (its `state` still to be checked by
    /// [`check_callback`] when no state was expected).
    Redirect(CallbackParams),
    /// The ping this run waits for (CIBA Core §10.2), with its `auth_req_id`.
    Ping(Secret),
    /// A request to the redirect path that cannot be this run's redirect:
    /// no `state`, or not the expected one. Counted and reported.
    NotThisRun,
    /// Anything else: a malformed request, a foreign `Host`, another path
    /// (a browser's `/favicon.ico`), another method.
    Refused,
}

/// What this run's redirect or ping must carry, once known.
#[derive(Clone, Copy, Default)]
struct Expected<'a> {
    /// The redirect's `state`.
    state: Option<&'a str>,
    /// The ping's `auth_req_id`.
    auth_req_id: Option<&'a Secret>,
}

/// The reply to one request, and what it was.
fn answer(
    head: &[u8],
    body: &[u8],
    route: &Route,
    expected: Expected<'_>,
    language: Language,
) -> (Reply, Verdict) {
    let request = match parse_head(head) {
        Ok(request) => request,
        Err(reason) => return (Reply::text("400 Bad Request", reason), Verdict::Refused),
    };
    // DNS rebinding: a page on another origin resolving to 127.0.0.1 sends
    // its own Host (reliability.md LB-04).
    if !request
        .host
        .is_some_and(|host| host_allowed(host, route.port))
    {
        return (
            Reply::text("400 Bad Request", "Unexpected Host header.\n"),
            Verdict::Refused,
        );
    }
    let target = request.target.split('#').next().unwrap_or_default();
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path != route.path {
        return (
            Reply::text("404 Not Found", "Not found.\n"),
            Verdict::Refused,
        );
    }
    if let Some(token) = &route.notification_token {
        return answer_ping(&request, body, token, expected.auth_req_id);
    }
    if request.method != "GET" {
        return (
            Reply::text("405 Method Not Allowed", "Only GET.\n").with_header("Allow: GET"),
            Verdict::Refused,
        );
    }
    if query.is_empty() {
        return (
            Reply::text(
                "400 Bad Request",
                "This address only receives the sign-in redirect.\n",
            ),
            Verdict::NotThisRun,
        );
    }
    let params = CallbackParams::from_form(format!("{}{target}", route.origin), query);
    // A JWT-secured response (JARM) carries its state inside the JWT: read
    // unverified here only to tell whether it is this run's; the run checks
    // its signature before using anything in it.
    let jarm_state = params.jarm_response().and_then(unverified_jarm_state);
    if params.state.is_none() && params.jarm_response().is_some() && jarm_state.is_none() {
        // Encrypted, or no state inside: the run decides.
        return (Reply::page(&params, language), Verdict::Redirect(params));
    }
    let Some(state) = params.state.as_deref().or(jarm_state.as_deref()) else {
        // Not this run's redirect: every request tokenscope sends has a state.
        return (
            Reply::text(
                "400 Bad Request",
                "This response has no state, so it cannot belong to tokenscope's sign-in. \
                 tokenscope keeps waiting.\n",
            ),
            Verdict::NotThisRun,
        );
    };
    if let Some(expected) = expected.state
        && !constant_time_eq(state.as_bytes(), expected.as_bytes())
    {
        // RFC 6749 §10.12: a response with another state is not the answer
        // to this run's request; answering it would let any local program
        // end the sign-in.
        return (
            Reply::text(
                "400 Bad Request",
                "This response's state is not the one tokenscope sent, so it cannot \
                 belong to tokenscope's sign-in. tokenscope keeps waiting.\n",
            ),
            Verdict::NotThisRun,
        );
    }
    (Reply::page(&params, language), Verdict::Redirect(params))
}

/// The reply to a request on the client notification endpoint's path (CIBA
/// Core §10.2): a `POST` whose bearer and body [`ciba::check_notification`]
/// accepts is the ping, answered 204 No Content; anything else is refused
/// (and counted) and the wait goes on.
fn answer_ping(
    request: &RequestHead<'_>,
    body: &[u8],
    token: &Secret,
    expected_id: Option<&Secret>,
) -> (Reply, Verdict) {
    if request.method != "POST" {
        return (
            Reply::text("405 Method Not Allowed", "Only POST.\n").with_header("Allow: POST"),
            Verdict::NotThisRun,
        );
    }
    if request.chunked {
        // RFC 9110 §15.5.12: a ping is a small JSON document; ask for its length.
        return (
            Reply::text(
                "411 Length Required",
                "Send the body with a Content-Length.\n",
            ),
            Verdict::NotThisRun,
        );
    }
    match ciba::check_notification(request.authorization, body, token, expected_id) {
        Ok(id) => (Reply::no_content(), Verdict::Ping(id)),
        Err(refusal) => {
            let reply = Reply::text(refusal.status(), refusal.reason());
            let reply = if refusal.status().starts_with("401") {
                // RFC 6750 §3: the challenge names the scheme.
                reply.with_header("WWW-Authenticate: Bearer")
            } else {
                reply
            };
            (reply, Verdict::NotThisRun)
        }
    }
}

/// The `state` claim of a JWS-secured authorization response, unverified.
fn unverified_jarm_state(response: &str) -> Option<String> {
    let decoded = crate::token::jose::decode_unverified(response).ok()?;
    decoded.claims()?.get("state")?.as_str().map(str::to_owned)
}

/// Whether `Host` names the loopback listener: `127.0.0.1`, `[::1]` or
/// `localhost`, with the bound port (which may be left out only for port 80).
fn host_allowed(host: &str, port: u16) -> bool {
    let (name, host_port) = split_host_port(host);
    let port_matches = match host_port {
        // Digits only: `u16::from_str` would also take `+8080`.
        Some(p) => {
            p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u16>().is_ok_and(|p| p == port)
        }
        None => port == 80,
    };
    port_matches && loopback_host(name).is_some()
}

/// One HTTP response; every one is uncacheable and closes the connection.
struct Reply {
    status: &'static str,
    content_type: &'static str,
    extra_headers: Vec<String>,
    body: String,
}

impl Reply {
    fn text(status: &'static str, body: &str) -> Self {
        Self {
            status,
            content_type: "text/plain; charset=utf-8",
            extra_headers: Vec::new(),
            body: body.to_owned(),
        }
    }

    /// The answer to an accepted ping (CIBA Core §10.2: "204 No Content").
    fn no_content() -> Self {
        Self {
            status: "204 No Content",
            content_type: "text/plain; charset=utf-8",
            extra_headers: Vec::new(),
            body: String::new(),
        }
    }

    fn with_header(mut self, header: &str) -> Self {
        self.extra_headers.push(header.to_owned());
        self
    }

    /// The page shown after the redirect (RFC 9700 §4.2, §4.3; reliability.md
    /// LB-08): self-contained, reflected values escaped, scripts and styles
    /// limited by hash, and the query dropped from the address bar.
    fn page(params: &CallbackParams, language: Language) -> Self {
        let say = |id: &str, args: Option<&crate::i18n::Args<'_>>| {
            html_escape(&crate::i18n::translate(language, id, args))
        };
        let (title, message) = match &params.error {
            None => (
                say("callback-page-finished", None),
                say("callback-page-received", None),
            ),
            Some(error) => {
                let mut args = crate::i18n::Args::new();
                // A placeholder the escaping leaves alone, replaced by the
                // escaped error in <code> afterwards.
                args.set("error", "\u{1}");
                let message = say("callback-page-error", Some(&args))
                    .replace('\u{1}', &format!("<code>{}</code>", html_escape(error)));
                let description = params
                    .error_description
                    .as_deref()
                    .map(|d| format!(": {}", html_escape(d)))
                    .unwrap_or_default();
                (
                    say("callback-page-failed", None),
                    format!("{message}{description}"),
                )
            }
        };
        let close = say("callback-page-close", None);
        let lang = language.code();
        let body = format!(
            "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"referrer\" content=\"no-referrer\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>tokenscope: {title}</title>\n<style>{PAGE_STYLE}</style>\n</head>\n<body>\n<main>\n\
             <h1>{title}</h1>\n<p>{message}</p>\n\
             <p>{close}</p>\n</main>\n\
             <script>{PAGE_SCRIPT}</script>\n</body>\n</html>\n"
        );
        let policy = format!(
            "Content-Security-Policy: default-src 'none'; style-src '{}'; script-src '{}'; \
             base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            csp_hash(PAGE_STYLE),
            csp_hash(PAGE_SCRIPT)
        );
        Self {
            status: "200 OK",
            content_type: "text/html; charset=utf-8",
            extra_headers: vec![policy],
            body,
        }
    }

    /// Writes the reply and closes; a client that went away is no concern.
    fn send(self, mut stream: Stream) {
        // RFC 9110 §8.6: a 204 has no Content-Length (nor a body).
        let length = if self.status.starts_with("204") {
            String::new()
        } else {
            format!(
                "Content-Type: {}\r\nContent-Length: {}\r\n",
                self.content_type,
                self.body.len()
            )
        };
        let mut head = format!(
            "HTTP/1.1 {}\r\n{length}Cache-Control: no-store\r\n\
             Referrer-Policy: no-referrer\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n",
            self.status,
        );
        for header in &self.extra_headers {
            head.push_str(header);
            head.push_str("\r\n");
        }
        head.push_str("\r\n");
        let written = stream
            .tcp()
            .set_nonblocking(false)
            .and_then(|()| stream.tcp().set_write_timeout(Some(WRITE_TIMEOUT)))
            .and_then(|()| stream.tcp().set_read_timeout(Some(WRITE_TIMEOUT)))
            .and_then(|()| stream.write_all(head.as_bytes()))
            .and_then(|()| stream.write_all(self.body.as_bytes()))
            .and_then(|()| {
                if let Stream::Tls(tls) = &mut stream {
                    tls.conn.send_close_notify();
                }
                stream.flush()
            });
        if written.is_ok() {
            let _ = stream.tcp().shutdown(Shutdown::Write);
        }
    }
}

/// Replaces the address-bar entry so the code is not left on screen or in
/// the tab's history (reliability.md LB-08).
const PAGE_SCRIPT: &str = "history.replaceState(null, \"\", location.pathname);";

const PAGE_STYLE: &str = ":root{color-scheme:light dark}\
    body{font:16px/1.5 system-ui,sans-serif;margin:0;min-height:100vh;display:grid;place-items:center}\
    main{max-width:32rem;padding:2rem}h1{font-size:1.4rem;margin:0 0 .5rem}code{word-break:break-all}";

/// A CSP source expression for an inline element: `sha256-BASE64(SHA256(text))`.
fn csp_hash(text: &str) -> String {
    format!(
        "sha256-{}",
        STANDARD.encode(Sha256::digest(text.as_bytes()))
    )
}

fn html_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use std::net::Shutdown;
    use std::sync::mpsc;

    use super::*;
    use crate::oauth::callback::{CallbackProblem, check_callback};
    use crate::secret::Secret;

    const LONG: Duration = Duration::from_secs(30);

    fn target(uri: &str) -> RedirectTarget {
        RedirectTarget::parse(uri).unwrap()
    }

    /// A listener on an OS-chosen port of 127.0.0.1.
    fn listener() -> CallbackListener {
        CallbackListener::start(&target("http://127.0.0.1:0/callback"), LONG).unwrap()
    }

    /// Sends `request` as is and returns the status code and the whole reply.
    fn send(port: u16, request: &str) -> io::Result<(u16, String)> {
        let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port))?;
        stream.set_read_timeout(Some(Duration::from_secs(5)))?;
        stream.write_all(request.as_bytes())?;
        let mut reply = String::new();
        stream.read_to_string(&mut reply)?;
        let status = reply.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
        Ok((status, reply))
    }

    fn get(port: u16, target: &str) -> io::Result<(u16, String)> {
        send(
            port,
            &format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: test\r\n\r\n"),
        )
    }

    fn params(query: &str) -> CallbackParams {
        CallbackParams::from_form(format!("http://127.0.0.1:1/cb?{query}"), query)
    }

    // --- RedirectTarget -----------------------------------------------------

    /// The page speaks the language of the thread that started the listener,
    /// not the listener thread's (English by default).
    #[test]
    fn the_page_speaks_the_starting_threads_language() {
        crate::i18n::set_language(Language::Ru);
        let listener = CallbackListener::start(&target("http://127.0.0.1:0/cb"), LONG).unwrap();
        crate::i18n::set_language(Language::En);
        let port = listener.local_addr().port();
        let (status, page) = get(port, "/cb?error=access_denied&state=xyz").unwrap();
        assert_eq!(status, 200);
        assert!(page.contains("<html lang=\"ru\">"), "{page}");
        assert!(page.contains("Вход не удался"), "{page}");
        assert!(
            page.contains("Перенаправление содержит ошибку <code>access_denied</code>"),
            "{page}"
        );
        assert!(
            page.contains("Можно закрыть это окно или вкладку"),
            "{page}"
        );
        assert!(listener.wait().result.is_ok());
    }

    #[test]
    fn serves_one_redirect_and_ignores_the_rest() {
        // A free port, as the brief's scenario has it (a fixed-port redirect URI).
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let listener =
            CallbackListener::start(&target(&format!("http://127.0.0.1:{port}/callback")), LONG)
                .unwrap();
        assert_eq!(
            listener.redirect_uri(),
            format!("http://127.0.0.1:{port}/callback")
        );

        assert_eq!(get(port, "/favicon.ico").unwrap().0, 404);
        assert_eq!(get(port, "/other?code=x&state=y").unwrap().0, 404);
        let (status, reply) = send(
            port,
            &format!(
                "POST /callback HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\n\r\n"
            ),
        )
        .unwrap();
        assert_eq!(status, 405);
        assert!(reply.contains("Allow: GET"));
        // DNS rebinding: a foreign Host is refused (LB-04).
        let (status, _) = send(
            port,
            "GET /callback?code=x&state=y HTTP/1.1\r\nHost: evil.example\r\n\r\n",
        )
        .unwrap();
        assert_eq!(status, 400);
        // No state: cannot be this run's redirect, the flow keeps waiting (LB-05).
        assert_eq!(get(port, "/callback?error=access_denied").unwrap().0, 400);
        assert_eq!(get(port, "/callback").unwrap().0, 400);
        assert!(listener.try_take().is_none(), "still listening");

        let (status, page) = get(
            port,
            "/callback?code=abc%2B1&state=xyz&iss=https%3A%2F%2Fop",
        )
        .unwrap();
        assert_eq!(status, 200);
        for header in [
            "Cache-Control: no-store",
            "Content-Type: text/html; charset=utf-8",
            "Referrer-Policy: no-referrer",
            "Connection: close",
            "Content-Security-Policy: default-src 'none'",
        ] {
            assert!(page.contains(header), "{header} missing in {page}");
        }
        assert!(page.contains("Sign-in finished"));
        assert!(page.contains("close this window or tab"));
        assert!(page.contains("history.replaceState"));
        assert!(
            !page.contains("src=") && !page.contains("href="),
            "no external resources"
        );
        assert!(!page.contains("abc"), "the code is not echoed");

        let outcome = listener.wait();
        assert_eq!(outcome.ignored, 2, "the two requests without a state");
        let params = outcome.result.unwrap();
        assert_eq!(params.code.as_ref().map(Secret::expose), Some("abc+1"));
        assert_eq!(params.state.as_deref(), Some("xyz"));
        assert_eq!(params.iss.as_deref(), Some("https://op"));
        assert_eq!(
            params.raw_url,
            format!("http://127.0.0.1:{port}/callback?code=abc%2B1&state=xyz&iss=https%3A%2F%2Fop")
        );

        // One redirect per run: the port is closed now.
        let error = get(port, "/callback?code=again&state=xyz").unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::ConnectionRefused);
        assert!(matches!(
            listener.wait().result,
            Err(CallbackError::AlreadyTaken)
        ));
    }

    /// Another program on this machine guessing at the port: a wrong or
    /// missing `state` is answered 400 and counted, the run's own redirect
    /// still gets through, and the count comes with it.
    #[test]
    fn a_wrong_state_is_turned_away_counted_and_listening_goes_on() {
        let listener = listener();
        let port = listener.local_addr().port();
        listener.expect_state("the-run's-state");
        let (status, reply) = get(port, "/callback?code=stolen&state=guess").unwrap();
        assert_eq!(status, 400);
        assert!(reply.contains("keeps waiting"), "{reply}");
        assert_eq!(get(port, "/callback?code=c").unwrap().0, 400);
        // Cyrillic, an RTL mark, an emoji: still just a wrong state.
        let hostile = "/callback?code=%D0%BA%D0%BE%D0%B4&state=%E2%80%8F%F0%9F%99%82";
        assert_eq!(get(port, hostile).unwrap().0, 400);
        // Not counted: another path (a browser's favicon) is not a redirect.
        assert_eq!(get(port, "/favicon.ico").unwrap().0, 404);
        assert!(listener.try_take().is_none(), "still listening");
        assert_eq!(
            get(port, "/callback?code=real&state=the-run%27s-state")
                .unwrap()
                .0,
            200
        );
        let outcome = listener.wait();
        assert_eq!(outcome.ignored, 3);
        assert_eq!(
            outcome.result.unwrap().code.as_ref().map(Secret::expose),
            Some("real")
        );
    }

    /// The count comes with a timeout too: the card can say why nothing came.
    #[test]
    fn a_timeout_reports_what_was_turned_away() {
        let listener = CallbackListener::start(
            &target("http://127.0.0.1:0/callback"),
            Duration::from_millis(400),
        )
        .unwrap();
        listener.expect_state("s");
        let port = listener.local_addr().port();
        assert_eq!(get(port, "/callback?code=c&state=x").unwrap().0, 400);
        let outcome = listener.wait();
        assert!(matches!(outcome.result, Err(CallbackError::TimedOut(_))));
        assert_eq!(outcome.ignored, 1);
    }

    /// A tiny deterministic generator (xorshift), so the hostile-head test
    /// needs no extra crate and fails the same way every time.
    struct Bytes(u64);

    impl Bytes {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            usize::try_from(self.next() % u64::try_from(n).unwrap()).unwrap()
        }
    }

    /// The raw-head parsing is total: pieces of real heads mixed with
    /// Cyrillic, emoji, RTL marks, invalid UTF-8, NULs and stray line ends,
    /// in any order and length, give a reply, never a panic.
    #[test]
    fn any_bytes_in_a_request_head_get_an_answer() {
        const PIECES: &[&[u8]] = &[
            b"GET ",
            b"POST ",
            b"/callback",
            b"?code=c&state=s",
            b"?state=",
            b" HTTP/1.1",
            b"\r\n",
            b"\n",
            b"\r\n\r\n",
            b"Host: 127.0.0.1:8080",
            b"Host: [::1]:8080",
            b"Host: [::1",
            b"Host: localhost:+8080",
            b":",
            b"#",
            b" ",
            "Хост: токен".as_bytes(),
            "\u{200f}\u{202e}".as_bytes(),
            "🙂".as_bytes(),
            b"\xff\xfe\xc3",
            b"\xe2\x80",
            b"\0",
            b"%",
            b"%D0%",
        ];
        let route = Route {
            path: "/callback".to_owned(),
            origin: "http://127.0.0.1:8080".to_owned(),
            port: 8080,
            notification_token: None,
        };
        let mut random = Bytes(0x9e37_79b9_7f4a_7c15);
        for _ in 0..20_000 {
            let mut head = Vec::new();
            for _ in 0..random.below(24) {
                head.extend_from_slice(PIECES[random.below(PIECES.len())]);
            }
            let from = random.below(head.len() + 8);
            if let Some(end) = head_end(&head, from) {
                assert!(end <= head.len() && end <= MAX_REQUEST_HEAD);
            }
            let expected = Expected {
                state: Some("s"),
                auth_req_id: None,
            };
            let (reply, _) = answer(&head, &[], &route, expected, Language::Ru);
            assert!(!reply.status.is_empty());
        }
        // Larger than any head the listener keeps: refused, not read.
        let huge = vec![b'a'; MAX_REQUEST_HEAD + 1];
        assert!(parse_head(&huge).is_err());
        assert_eq!(head_end(b"GET / HTTP/1.1\n\n", 100), None);
        assert_eq!(head_end(b"GET / HTTP/1.1\r\n\r\n", 3), Some(18));
    }

    #[test]
    fn binds_the_loopback_interface_only() {
        let v4 = listener();
        assert_eq!(v4.local_addr().ip(), IpAddr::V4(Ipv4Addr::LOCALHOST));
        assert_ne!(v4.local_addr().port(), 0);
        assert_eq!(
            v4.redirect_uri(),
            format!("http://127.0.0.1:{}/callback", v4.local_addr().port())
        );

        let name = CallbackListener::start(&target("http://localhost:0/cb"), LONG).unwrap();
        assert_eq!(name.local_addr().ip(), IpAddr::V4(Ipv4Addr::LOCALHOST));

        match CallbackListener::start(&target("http://[::1]:0/cb"), LONG) {
            Ok(v6) => assert_eq!(v6.local_addr().ip(), IpAddr::V6(Ipv6Addr::LOCALHOST)),
            // A machine without IPv6 loopback cannot run this half.
            Err(CallbackError::Bind { source, .. }) => {
                assert_eq!(source.kind(), io::ErrorKind::AddrNotAvailable);
            }
            Err(other) => panic!("{other}"),
        }
    }

    #[test]
    fn a_taken_port_gives_a_clear_error() {
        let other_program = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let port = other_program.local_addr().unwrap().port();
        let error =
            CallbackListener::start(&target(&format!("http://127.0.0.1:{port}/callback")), LONG)
                .unwrap_err();
        assert!(matches!(error, CallbackError::PortInUse { port: p } if p == port));
        assert_eq!(
            error.to_string(),
            format!(
                "port {port} is in use by another program; close it or change the redirect URI's port"
            )
        );
    }

    #[test]
    fn a_non_loopback_target_cannot_be_served() {
        let error =
            CallbackListener::start(&target("https://partner.example/callback"), LONG).unwrap_err();
        assert!(matches!(error, CallbackError::NotLoopback { .. }));
        assert!(error.to_string().contains("paste the address"), "{error}");
    }

    #[test]
    fn times_out() {
        let timeout = Duration::from_millis(150);
        let listener =
            CallbackListener::start(&target("http://127.0.0.1:0/callback"), timeout).unwrap();
        let port = listener.local_addr().port();
        assert!(matches!(listener.wait().result, Err(CallbackError::TimedOut(t)) if t == timeout));
        assert_eq!(
            TcpStream::connect((Ipv4Addr::LOCALHOST, port))
                .unwrap_err()
                .kind(),
            io::ErrorKind::ConnectionRefused
        );
    }

    #[test]
    fn cancel_unblocks_wait() {
        let listener = listener();
        let port = listener.local_addr().port();
        let started = Instant::now();
        let result = thread::scope(|scope| {
            thread::Builder::new()
                .name("test-cancel".to_owned())
                .spawn_scoped(scope, || {
                    thread::sleep(Duration::from_millis(100));
                    listener.cancel();
                })
                .unwrap();
            listener.wait().result
        });
        assert!(matches!(result, Err(CallbackError::Cancelled)));
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(
            TcpStream::connect((Ipv4Addr::LOCALHOST, port))
                .unwrap_err()
                .kind(),
            io::ErrorKind::ConnectionRefused
        );
    }

    #[test]
    fn dropping_the_listener_closes_the_port() {
        let listener = listener();
        let port = listener.local_addr().port();
        drop(listener);
        assert_eq!(
            TcpStream::connect((Ipv4Addr::LOCALHOST, port))
                .unwrap_err()
                .kind(),
            io::ErrorKind::ConnectionRefused
        );
    }

    #[test]
    fn notifies_once_and_hands_the_result_to_a_poller() {
        let (tx, rx) = mpsc::channel();
        let listener = CallbackListener::start_with_notify(
            &target("http://127.0.0.1:0/cb"),
            LONG,
            move || {
                tx.send(()).unwrap();
            },
        )
        .unwrap();
        let port = listener.local_addr().port();
        assert!(listener.try_take().is_none());
        assert_eq!(get(port, "/cb?code=c&state=s").unwrap().0, 200);
        rx.recv_timeout(Duration::from_secs(5)).unwrap();
        let params = listener.try_take().unwrap().result.unwrap();
        assert_eq!(params.code.unwrap().expose(), "c");
        assert!(listener.try_take().is_none(), "taken once");
        drop(listener);
        assert!(rx.try_recv().is_err(), "notified once");
    }

    #[test]
    fn an_error_redirect_comes_through_and_is_reported() {
        let listener = listener();
        let port = listener.local_addr().port();
        let (status, page) = get(
            port,
            "/callback?error=access_denied&error_description=The+user+said+%3Cscript%3Ealert(1)%3C%2Fscript%3E\
             &error_uri=https%3A%2F%2Fop%2Ferrors&state=s1",
        )
        .unwrap();
        assert_eq!(status, 200);
        assert!(page.contains("Sign-in failed"));
        assert!(page.contains("<code>access_denied</code>"));
        assert!(
            page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{page}"
        );
        assert!(!page.contains("<script>alert"));

        let params = listener.wait().result.unwrap();
        assert_eq!(params.error.as_deref(), Some("access_denied"));
        let problem = check_callback(&params, "s1", None, false).unwrap_err();
        assert_eq!(
            problem,
            CallbackProblem::ErrorResponse {
                error: "access_denied".to_owned(),
                description: Some("The user said <script>alert(1)</script>".to_owned()),
                uri: Some("https://op/errors".to_owned()),
            }
        );
        let message = problem.to_string();
        assert!(
            message.contains("answered `access_denied`: The user said"),
            "{message}"
        );
        assert!(message.contains("https://op/errors") && message.contains("RFC 6749 §4.1.2.1"));
        assert_eq!(
            message,
            "the authorization server answered `access_denied`: The user said \
             <script>alert(1)</script> (more at https://op/errors) (RFC 6749 §4.1.2.1)"
        );
    }

    #[test]
    fn a_silent_client_does_not_block_the_redirect() {
        let listener = listener();
        let port = listener.local_addr().port();
        // Connects and sends nothing (a browser pre-connect or a slowloris),
        let silent = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
        // and one that stops half-way through its request line.
        let mut half = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
        half.write_all(b"GET /callback?co").unwrap();
        thread::sleep(Duration::from_millis(50));

        let started = Instant::now();
        assert_eq!(get(port, "/callback?code=c&state=s").unwrap().0, 200);
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(listener.wait().result.unwrap().state.as_deref(), Some("s"));
        drop((silent, half));
    }

    #[test]
    fn an_oversized_request_is_refused_and_listening_goes_on() {
        let listener = listener();
        let port = listener.local_addr().port();
        let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let huge = format!(
            "GET /callback?code=c&state=s HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Pad: {}\r\n\r\n",
            "a".repeat(20_000)
        );
        // The listener may close before all is written; the reply is what counts.
        let _ = stream.write_all(huge.as_bytes());
        let mut reply = Vec::new();
        let _ = stream.read_to_end(&mut reply);
        assert!(String::from_utf8_lossy(&reply).starts_with("HTTP/1.1 431"));
        let _ = stream.shutdown(Shutdown::Both);

        assert_eq!(get(port, "/callback?code=c&state=s").unwrap().0, 200);
        assert!(listener.wait().result.is_ok());
    }

    #[test]
    fn malformed_requests_get_400() {
        let listener = listener();
        let port = listener.local_addr().port();
        assert_eq!(send(port, "NONSENSE\r\n\r\n").unwrap().0, 400);
        assert_eq!(
            send(port, "GET http://127.0.0.1/cb HTTP/1.1\r\nHost: x\r\n\r\n")
                .unwrap()
                .0,
            400
        );
        let two_hosts =
            format!("GET /callback?state=s HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nHost: a\r\n\r\n");
        assert_eq!(send(port, &two_hosts).unwrap().0, 400);
        let wrong_port = "GET /callback?code=c&state=s HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n";
        assert_eq!(send(port, wrong_port).unwrap().0, 400);
        assert!(listener.try_take().is_none());
        let localhost =
            format!("GET /callback?code=c&state=s HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n");
        assert_eq!(send(port, &localhost).unwrap().0, 200);
    }

    #[test]
    fn page_hashes_match_its_inline_code() {
        let reply = Reply::page(&params("code=c&state=s"), Language::En);
        let policy = &reply.extra_headers[0];
        assert!(
            reply
                .body
                .contains(&format!("<script>{PAGE_SCRIPT}</script>"))
        );
        assert!(reply.body.contains(&format!("<style>{PAGE_STYLE}</style>")));
        assert!(policy.contains(&format!("script-src '{}'", csp_hash(PAGE_SCRIPT))));
        assert!(policy.contains(&format!("style-src '{}'", csp_hash(PAGE_STYLE))));
    }

    // --- CIBA ping (client notification endpoint) ---------------------------

    fn ping_listener(endpoint: &str) -> NotificationListener {
        let target = RedirectTarget::parse_notification_endpoint(endpoint).unwrap();
        NotificationListener::start(&target, Secret::new("nt-0123456789"), LONG).unwrap()
    }

    fn post(port: u16, path: &str, bearer: Option<&str>, body: &[u8]) -> io::Result<(u16, String)> {
        let auth = bearer.map_or_else(String::new, |b| format!("Authorization: Bearer {b}\r\n"));
        let mut request = format!(
            "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        request.extend_from_slice(body);
        let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port))?;
        stream.set_read_timeout(Some(Duration::from_secs(5)))?;
        // The listener may refuse before all is written; the reply is what counts.
        let _ = stream.write_all(&request);
        let mut reply = Vec::new();
        let _ = stream.read_to_end(&mut reply);
        let reply = String::from_utf8_lossy(&reply).into_owned();
        let status = reply.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
        Ok((status, reply))
    }

    /// CIBA Core §10.2 on plain loopback (the sandbox): strangers, wrong
    /// tokens, other requests, hostile bodies are refused and counted; the
    /// run's ping is answered 204 and hands over its `auth_req_id`.
    #[test]
    fn ciba_ping_only_the_runs_token_and_request_end_the_wait() {
        let listener = ping_listener("http://127.0.0.1:0/ciba/notify");
        let port = listener.local_addr().port();
        assert_eq!(
            listener.endpoint(),
            format!("http://127.0.0.1:{port}/ciba/notify")
        );
        listener.expect_auth_req_id(&Secret::new("req-1"));
        let body = br#"{"auth_req_id":"req-1"}"#;
        let path = "/ciba/notify";
        assert_eq!(post(port, path, None, body).unwrap().0, 401);
        let (status, reply) = post(port, path, Some("nt-guess"), body).unwrap();
        assert_eq!(status, 401);
        assert!(reply.contains("WWW-Authenticate: Bearer"), "{reply}");
        let token = Some("nt-0123456789");
        assert_eq!(
            post(port, path, token, br#"{"auth_req_id":"req-2"}"#)
                .unwrap()
                .0,
            400
        );
        assert_eq!(post(port, path, token, b"\xff\xfe\xd0").unwrap().0, 400);
        assert_eq!(
            post(port, path, token, "{\"auth_req_id\":\"заявка\"}".as_bytes())
                .unwrap()
                .0,
            400
        );
        let huge = vec![b'{'; ciba::MAX_NOTIFICATION_BODY + 1];
        assert_eq!(post(port, path, token, &huge).unwrap().0, 413);
        assert_eq!(get(port, path).unwrap().0, 405);
        assert_eq!(post(port, "/other", token, body).unwrap().0, 404);
        assert!(listener.try_take().is_none(), "still waiting");
        let (status, reply) = post(port, path, token, body).unwrap();
        assert_eq!(status, 204, "{reply}");
        assert!(!reply.contains("Content-Length"), "{reply}");
        let outcome = listener.wait();
        assert_eq!(outcome.result.unwrap().expose(), "req-1");
        assert_eq!(outcome.refused, 7);
        // One ping per run: the port is closed now.
        assert!(TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err());
    }

    /// A request whose declared body never comes, or whose length is not
    /// one number, holds nothing up: the real ping still gets through.
    #[test]
    fn ciba_ping_odd_lengths_are_refused_and_listening_goes_on() {
        let listener = ping_listener("http://127.0.0.1:0/notify");
        let port = listener.local_addr().port();
        let mut stalled = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
        stalled
            .write_all(b"POST /notify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{")
            .unwrap();
        let two = format!(
            "POST /notify HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{{}}"
        );
        assert_eq!(send(port, &two).unwrap().0, 413);
        let signed = format!(
            "POST /notify HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: +2\r\n\r\n{{}}"
        );
        assert_eq!(send(port, &signed).unwrap().0, 413);
        let chunked = format!(
            "POST /notify HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer nt-0123456789\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{{}}\r\n0\r\n\r\n"
        );
        assert_eq!(send(port, &chunked).unwrap().0, 411);
        let body = br#"{"auth_req_id":"before-the-answer"}"#;
        assert_eq!(
            post(port, "/notify", Some("nt-0123456789"), body)
                .unwrap()
                .0,
            204
        );
        assert_eq!(
            listener.wait().result.unwrap().expose(),
            "before-the-answer",
            "a ping may overtake the backchannel answer"
        );
        drop(stalled);
    }

    /// CIBA Core §10.2 requires https: the endpoint is served with a
    /// certificate made at start, and a client that accepts it gets through.
    #[test]
    fn ciba_ping_over_tls_with_a_self_signed_certificate() {
        let listener = ping_listener("https://127.0.0.1:0/ciba/notify");
        let port = listener.local_addr().port();
        let endpoint = listener.endpoint().to_owned();
        assert_eq!(endpoint, format!("https://127.0.0.1:{port}/ciba/notify"));
        listener.expect_auth_req_id(&Secret::new("req-tls"));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let status = |token: &str| {
            runtime.block_on(async {
                reqwest::Client::builder()
                    .danger_accept_invalid_certs(true)
                    .build()
                    .unwrap()
                    .post(&endpoint)
                    .bearer_auth(token)
                    .json(&serde_json::json!({"auth_req_id": "req-tls"}))
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            })
        };
        assert_eq!(status("nt-wrong"), 401);
        // A plain-text request to the TLS port is no ping.
        assert_ne!(
            post(port, "/ciba/notify", Some("nt-0123456789"), b"{}").map_or(0, |r| r.0),
            204
        );
        assert_eq!(status("nt-0123456789"), 204);
        let outcome = listener.wait();
        assert_eq!(outcome.result.unwrap().expose(), "req-tls");
        // A plain URL of another scheme is not served.
        assert!(
            !RedirectTarget::parse("https://127.0.0.1:1/n")
                .unwrap()
                .is_loopback()
        );
    }

    /// The ping's parsing is total too: heads and bodies of any bytes, any
    /// declared length, get a status, never a panic; only the run's exact
    /// ping is taken.
    #[test]
    fn ciba_ping_any_bytes_get_an_answer() {
        let target = RedirectTarget::parse_notification_endpoint("http://127.0.0.1:9/n").unwrap();
        let token = Secret::new("tok");
        let id = Secret::new("req");
        let good = b"POST /n HTTP/1.1\r\nHost: 127.0.0.1:9\r\nAuthorization: Bearer tok\r\nContent-Length: 21\r\n\r\n{\"auth_req_id\":\"req\"}";
        let (status, pinged) = ping_answer_bytes(good, &target, &token, Some(&id)).unwrap();
        assert_eq!(status, "204 No Content");
        assert_eq!(
            pinged.map(|id| id.expose().to_owned()).as_deref(),
            Some("req")
        );
        let pieces: &[&[u8]] = &[
            b"POST /n HTTP/1.1\r\n",
            b"Host: 127.0.0.1:9\r\n",
            b"Authorization: Bearer tok\r\n",
            b"Authorization: Bearer \xd0\r\n",
            b"Content-Length: 5\r\n",
            b"Content-Length: 99999999999999999999999\r\n",
            b"Content-Length: -1\r\n",
            b"Transfer-Encoding: chunked\r\n",
            b"\r\n",
            b"{\"auth_req_id\":\"req\"}",
            "{\"auth_req_id\":\"заявка\"}".as_bytes(),
            b"\xff\xfe\x00",
            b"\n\n",
        ];
        let mut random = Bytes(0x2545_f491_4f6c_dd1d);
        for _ in 0..20_000 {
            let mut request = Vec::new();
            for _ in 0..random.below(12) {
                request.extend_from_slice(pieces[random.below(pieces.len())]);
            }
            if let Some((status, pinged)) = ping_answer_bytes(&request, &target, &token, Some(&id))
            {
                assert!(!status.is_empty());
                assert!(pinged.is_none() || status.starts_with("204"));
            }
        }
    }
}
