//! The sandbox's HTTP side: one axum router whose fallback dispatches on the
//! personality's paths (they differ per personality, so the table is data,
//! not code), the endpoints themselves, and the faults that wrap them.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Map, Value, json};

use crate::token::Timestamp;

use super::faults::Faults;
use super::keys::{ENCRYPTION_ALG, ENCRYPTION_ENC, KeyRing, SigningAlg};
use super::pages;
use super::personality::{
    CIBA_GRANT, ErrorAnswer, Failure, Personality, TokenShape, USERS, User, UserinfoShape, user,
};
use super::store::{
    CibaRequest, CodeGrant, CodeProblem, DeviceDecision, DeviceGrant, DevicePoll, Grant,
    PendingRequest, Store, TokenProblem,
};

#[path = "fapi.rs"]
mod fapi;

pub use fapi::REQUEST_URI_PREFIX;

/// Where the sandbox takes "now" from: the app's clock, or a test's.
pub type SandboxClock = Arc<dyn Fn() -> Timestamp + Send + Sync>;

/// The login form posts here (all personalities).
pub const LOGIN_PATH: &str = "/sandbox/login";
/// `GET` the fault switches as JSON, `POST` new ones.
pub const FAULTS_PATH: &str = "/sandbox/faults";
/// `POST` rotates the signing keys.
pub const ROTATE_PATH: &str = "/sandbox/rotate";

/// Largest request body read: forms are small.
const MAX_BODY: usize = 1 << 20;

/// State shared by every request.
pub struct Shared {
    /// Who the sandbox imitates.
    pub personality: Personality,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// PORT: the control endpoints answer only requests addressed to it.
    pub port: u16,
    /// Signing keys.
    pub keys: RwLock<KeyRing>,
    /// Codes, tokens, sessions.
    pub store: Mutex<Store>,
    /// The fault switches.
    pub faults: RwLock<Faults>,
    /// The clock.
    pub clock: SandboxClock,
    /// The client's key pair (FAPI personalities: request objects are
    /// checked with its public half).
    pub client_key: Option<super::keys::ClientKeyPair>,
    /// The client notification endpoint the client is registered with for
    /// CIBA ping mode (CIBA Core §4): a loopback URL.
    pub ciba_ping_endpoint: String,
    /// The client's encryption key pair (the encrypting personality: ID
    /// tokens and UserInfo answers are encrypted to its public half).
    pub client_encryption: Option<super::keys::ClientEncryptionKey>,
}

impl Shared {
    /// The provider's "now": its clock, moved by the skew fault.
    pub fn now(&self) -> Timestamp {
        let now = (self.clock)();
        match self.faults().clock_skew_s {
            Some(skew) => now.plus_seconds(skew),
            None => now,
        }
    }

    /// The issuer identifier (OIDC Discovery §3).
    pub fn issuer(&self) -> String {
        format!("{}{}", self.base, self.personality.spec().issuer_path)
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn faults(&self) -> Faults {
        self.faults
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn keys(&self) -> std::sync::RwLockReadGuard<'_, KeyRing> {
        self.keys.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// A signed JWT as this personality hands it to its client: encrypted
    /// to the client's key when the personality encrypts (it then has that
    /// key; OIDC Core 1.0 §10.2: signed, then encrypted; a nested JWT,
    /// RFC 7519 §5.2), else as it is.
    fn for_client(&self, jwt: String) -> Result<String, super::keys::KeyError> {
        match &self.client_encryption {
            Some(key) => Ok(key.seal_jwt(&jwt)?),
            None => Ok(jwt),
        }
    }

    /// Rotates the keys; the old ones are no longer published.
    pub fn rotate(&self) -> Result<(), super::keys::KeyError> {
        self.keys
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .rotate()
    }
}

/// The router: every request goes through [`handle`].
pub fn router(shared: Arc<Shared>) -> axum::Router {
    axum::Router::new().fallback(handle).with_state(shared)
}

/// A request, read: method, path, query, headers and form body.
struct Incoming {
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    form: Option<Vec<(String, String)>>,
    body: Vec<u8>,
    /// The body was over [`MAX_BODY`] (and is read as empty).
    oversized: bool,
}

impl Incoming {
    fn param(&self, name: &str) -> Option<String> {
        self.form
            .iter()
            .flatten()
            .chain(self.query.iter())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty())
    }

    fn form_param(&self, name: &str) -> Option<String> {
        self.form
            .iter()
            .flatten()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty())
    }

    fn wants_json(&self) -> bool {
        self.headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("application/json"))
    }

    fn bearer(&self) -> Option<String> {
        self.headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| {
                scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("token")
            })
            .map(|(_, token)| token.trim().to_owned())
            .or_else(|| self.form_param("access_token"))
    }

    /// Client id and secret from HTTP Basic (RFC 6749 §2.3.1) or the form.
    fn client(&self) -> (Option<String>, Option<String>) {
        let basic = self
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Basic "))
            .and_then(|b| STANDARD.decode(b.trim()).ok())
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|pair| {
                let (id, secret) = pair.split_once(':')?;
                let decode = |s: &str| {
                    form_urlencoded::parse(format!("x={s}").as_bytes())
                        .next()
                        .map(|(_, v)| v.into_owned())
                };
                Some((decode(id)?, decode(secret)?))
            });
        match basic {
            Some((id, secret)) => (Some(id), Some(secret)),
            None => (
                self.form_param("client_id"),
                self.form_param("client_secret"),
            ),
        }
    }
}

async fn read(request: Request) -> Incoming {
    let (parts, body) = request.into_parts();
    let (body, oversized) = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(bytes) => (bytes.to_vec(), false),
        Err(_) => (Vec::new(), true),
    };
    let query = parts
        .uri
        .query()
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    let is_form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
    let form = is_form.then(|| form_urlencoded::parse(&body).into_owned().collect());
    Incoming {
        method: parts.method,
        path: parts.uri.path().to_owned(),
        query,
        headers: parts.headers,
        form,
        body,
        oversized,
    }
}

/// Every request: the admin paths first (faults never block them), then the
/// delay and 503 faults, then the endpoint, then the HTML-error fault.
pub(super) async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let mut response = answer(&shared, request).await;
    // The provider's own clock (RFC 9110 §6.6.1), skewed when the fault says so.
    if let Some(date) = chrono::DateTime::from_timestamp(shared.now().unix(), 0)
        .map(|at| at.format("%a, %d %b %Y %H:%M:%S GMT").to_string())
        .and_then(|text| axum::http::HeaderValue::from_str(&text).ok())
    {
        response
            .headers_mut()
            .insert(axum::http::header::DATE, date);
    }
    response
}

async fn answer(shared: &Arc<Shared>, request: Request) -> Response {
    let shared = Arc::clone(shared);
    let incoming = read(request).await;
    if let Some(response) = admin(&shared, &incoming) {
        return response;
    }
    let faults = shared.faults();
    if let Some(ms) = faults.delay_ms {
        tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
    }
    if faults.unavailable {
        return with_html_if(
            faults.html_errors,
            plain(
                StatusCode::SERVICE_UNAVAILABLE,
                "text/plain; charset=utf-8",
                "503 Service Unavailable: the sandbox is switched to answer 503.\n",
            ),
            503,
            "temporarily_unavailable",
            "The service is unavailable.",
        );
    }
    let (response, error) = route(&shared, &incoming);
    match error {
        Some(answer) if faults.html_errors => {
            let status = if answer.status == 200 {
                400
            } else {
                answer.status
            };
            html(
                StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
                &pages::error(status, answer.error, &answer.description),
            )
        }
        _ => response,
    }
}

fn with_html_if(
    on: bool,
    response: Response,
    status: u16,
    error: &str,
    description: &str,
) -> Response {
    if on {
        html(
            StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
            &pages::error(status, error, description),
        )
    } else {
        response
    }
}

/// The control endpoints (fault switches, key rotation). They answer only
/// requests addressed to the sandbox itself and sent from its own origin
/// (or from no browser at all): a web page cannot flip them.
fn admin(shared: &Shared, incoming: &Incoming) -> Option<Response> {
    if !matches!(incoming.path.as_str(), FAULTS_PATH | ROTATE_PATH) {
        return None;
    }
    if let Err(reason) = control_request_allowed(&incoming.headers, shared.port) {
        return Some(json_response(
            StatusCode::FORBIDDEN,
            &json!({"error": "access_denied", "error_description": reason}),
        ));
    }
    let bad_request = |description: String| {
        json_response(
            StatusCode::BAD_REQUEST,
            &json!({"error": "invalid_request", "error_description": description}),
        )
    };
    match (incoming.method.clone(), incoming.path.as_str()) {
        (Method::GET, FAULTS_PATH) => Some(json_response(StatusCode::OK, &json!(shared.faults()))),
        (Method::POST, FAULTS_PATH) => {
            Some(match serde_json::from_slice::<Faults>(&incoming.body) {
                Ok(faults) => match faults.check() {
                    Ok(()) => {
                        *shared
                            .faults
                            .write()
                            .unwrap_or_else(PoisonError::into_inner) = faults.clone();
                        json_response(StatusCode::OK, &json!(faults))
                    }
                    Err(out_of_range) => bad_request(out_of_range.to_string()),
                },
                Err(e) => bad_request(e.to_string()),
            })
        }
        (Method::POST, ROTATE_PATH) => Some(match shared.rotate() {
            Ok(()) => json_response(
                StatusCode::OK,
                &json!({"generation": shared.keys().generation()}),
            ),
            Err(e) => json_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                &json!({"error": "server_error", "error_description": e.to_string()}),
            ),
        }),
        _ => None,
    }
}

/// Whether a request may use a control endpoint: its `Host` must be
/// `127.0.0.1:PORT` or `localhost:PORT` (a DNS-rebinding page sends its own
/// name), and an `Origin`, when there is one, the sandbox's own
/// `http://127.0.0.1:PORT` or `http://localhost:PORT` (a cross-site form or
/// `fetch` sends the page's; RFC 6454 §7). A request from a program, not a
/// browser, has no `Origin` and passes. Otherwise the reason, for a 403.
fn control_request_allowed(headers: &HeaderMap, port: u16) -> Result<(), String> {
    let names_the_sandbox = |authority: &str| {
        let Some((host, authority_port)) = authority.rsplit_once(':') else {
            return false;
        };
        (host == "127.0.0.1" || host.eq_ignore_ascii_case("localhost"))
            && authority_port.bytes().all(|b| b.is_ascii_digit())
            && authority_port.parse::<u16>().is_ok_and(|p| p == port)
    };
    let mut hosts = headers.get_all(header::HOST).iter();
    let host = match (hosts.next(), hosts.next()) {
        (Some(host), None) => host.to_str().unwrap_or_default(),
        _ => "",
    };
    if !names_the_sandbox(host.trim()) {
        return Err(format!(
            "The sandbox's control endpoints answer only requests to 127.0.0.1:{port} or localhost:{port}."
        ));
    }
    let mut origins = headers.get_all(header::ORIGIN).iter();
    match (origins.next(), origins.next()) {
        (None, _) => Ok(()),
        (Some(origin), None)
            if origin
                .to_str()
                .ok()
                .and_then(|o| o.trim().strip_prefix("http://"))
                .is_some_and(names_the_sandbox) =>
        {
            Ok(())
        }
        _ => Err(format!(
            "The sandbox's control endpoints refuse requests from other origins: only pages of http://127.0.0.1:{port} may use them."
        )),
    }
}

/// The endpoint for a path, or 404; with the error answer when it failed.
fn route(shared: &Shared, incoming: &Incoming) -> (Response, Option<ErrorAnswer>) {
    let spec = shared.personality.spec();
    let paths = spec.paths;
    let path = incoming.path.as_str();
    let discovery = format!("{}/.well-known/openid-configuration", spec.issuer_path);
    let ok = |response| (response, None);
    if spec.discovery && path == discovery {
        return ok(json_response(StatusCode::OK, &metadata(shared)));
    }
    if Some(path) == paths.jwks {
        return ok(json_response(StatusCode::OK, &jwks(shared)));
    }
    if Some(path) == paths.certificate {
        return ok(match shared.keys().gost_certificate_pem(shared.now()) {
            Ok(pem) => plain(StatusCode::OK, "application/x-pem-file", &pem),
            Err(e) => plain(
                StatusCode::INTERNAL_SERVER_ERROR,
                "text/plain",
                &e.to_string(),
            ),
        });
    }
    if path == paths.authorize {
        if spec.fapi {
            return fapi::authorize(shared, incoming);
        }
        return authorize(shared, incoming);
    }
    if Some(path) == paths.par {
        return result(
            shared,
            incoming,
            fapi::pushed_authorization(shared, incoming),
        );
    }
    if path == LOGIN_PATH && incoming.method == Method::POST {
        return login(shared, incoming);
    }
    if path == paths.token {
        return result(shared, incoming, token(shared, incoming));
    }
    if path == paths.userinfo {
        if spec.fapi {
            return ok(fapi::userinfo(shared, incoming));
        }
        return result(shared, incoming, userinfo(shared, incoming));
    }
    if Some(path) == paths.introspection {
        return result(shared, incoming, introspect(shared, incoming));
    }
    if Some(path) == paths.revocation {
        return result(shared, incoming, revoke(shared, incoming));
    }
    if Some(path) == paths.device_authorization {
        return result(shared, incoming, device_authorization(shared, incoming));
    }
    if Some(path) == paths.device_page {
        return ok(device_page(shared, incoming));
    }
    if Some(path) == paths.end_session {
        return ok(end_session(shared, incoming));
    }
    if Some(path) == paths.backchannel_authentication {
        return result(
            shared,
            incoming,
            backchannel_authentication(shared, incoming),
        );
    }
    if Some(path) == paths.ciba_page {
        return ok(ciba_page(shared, incoming));
    }
    ok(plain(
        StatusCode::NOT_FOUND,
        "text/plain; charset=utf-8",
        "Not Found\n",
    ))
}

type Answer = Result<Response, Failure>;

fn result(shared: &Shared, incoming: &Incoming, answer: Answer) -> (Response, Option<ErrorAnswer>) {
    match answer {
        Ok(response) => (response, None),
        Err(failure) => {
            let answer = shared.personality.error(&failure);
            let mut response = error_response(shared.personality, &answer, incoming.wants_json());
            // RFC 9449 §8: the nonce to use comes in the DPoP-Nonce header
            // (unless the fault makes the server forget it).
            if failure == Failure::UseDpopNonce
                && !shared.faults().dpop_nonce_missing
                && let Ok(value) = fapi::current_nonce(shared, shared.now()).parse()
            {
                response.headers_mut().insert("dpop-nonce", value);
            }
            (response, Some(answer))
        }
    }
}

fn error_response(personality: Personality, answer: &ErrorAnswer, wants_json: bool) -> Response {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::BAD_REQUEST);
    let mut fields = vec![
        ("error", answer.error.to_owned()),
        ("error_description", answer.description.clone()),
    ];
    if let Some(uri) = &answer.uri {
        fields.push(("error_uri", uri.clone()));
    }
    let mut response = if personality == Personality::Github && !wants_json {
        form_response(status, &fields)
    } else {
        let object: Map<String, Value> = fields
            .into_iter()
            .map(|(k, v)| (k.to_owned(), json!(v)))
            .collect();
        json_response(status, &Value::Object(object))
    };
    if answer.error == "invalid_token"
        && let Ok(value) = format!(
            "Bearer error=\"invalid_token\", error_description=\"{}\"",
            answer.description
        )
        .parse()
    {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

fn plain(status: StatusCode, content_type: &str, body: &str) -> Response {
    let mut response = Response::new(Body::from(body.to_owned()));
    *response.status_mut() = status;
    if let Ok(value) = content_type.parse() {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

fn html(status: StatusCode, body: &str) -> Response {
    plain(status, "text/html; charset=utf-8", body)
}

fn json_response(status: StatusCode, value: &Value) -> Response {
    plain(status, "application/json", &value.to_string())
}

fn form_response(status: StatusCode, fields: &[(&str, String)]) -> Response {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (k, v) in fields {
        serializer.append_pair(k, v);
    }
    plain(
        status,
        "application/x-www-form-urlencoded; charset=utf-8",
        &serializer.finish(),
    )
}

fn redirect(location: &str) -> Response {
    let mut response = plain(StatusCode::FOUND, "text/plain; charset=utf-8", "");
    if let Ok(value) = location.parse() {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

fn with_query(uri: &str, pairs: &[(&str, &str)]) -> String {
    if pairs.is_empty() {
        return uri.to_owned();
    }
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        serializer.append_pair(k, v);
    }
    let separator = if uri.contains('?') { '&' } else { '?' };
    format!("{uri}{separator}{}", serializer.finish())
}

/// The JWKS (RFC 7517 §5); a GOST-signing personality with a JWKS adds its
/// GOST key in an `x5c` certificate ([`KeyRing::gost_jwk`]).
fn jwks(shared: &Shared) -> Value {
    let keys = shared.keys();
    let mut set = keys.jwks();
    if shared.personality.spec().id_token_alg == Some(SigningAlg::Gost)
        && let Ok(gost) = keys.gost_jwk(shared.now())
        && let Some(list) = set.get_mut("keys").and_then(Value::as_array_mut)
    {
        list.push(gost);
    }
    set
}

/// OpenID Provider Metadata (OIDC Discovery §3, RFC 8414 §2).
fn metadata(shared: &Shared) -> Value {
    let spec = shared.personality.spec();
    let paths = spec.paths;
    let mut meta = Map::new();
    meta.insert("issuer".to_owned(), json!(shared.issuer()));
    let mut put = |name: &str, path: Option<&str>| {
        if let Some(path) = path {
            meta.insert(name.to_owned(), json!(shared.url(path)));
        }
    };
    put("authorization_endpoint", Some(paths.authorize));
    put("token_endpoint", Some(paths.token));
    put("userinfo_endpoint", Some(paths.userinfo));
    put("jwks_uri", paths.jwks);
    put("introspection_endpoint", paths.introspection);
    put("revocation_endpoint", paths.revocation);
    put("end_session_endpoint", paths.end_session);
    put("device_authorization_endpoint", paths.device_authorization);
    put(
        "backchannel_authentication_endpoint",
        paths.backchannel_authentication,
    );
    // RFC 9126 §5.
    put("pushed_authorization_request_endpoint", paths.par);
    let algs: Vec<&str> = spec
        .id_token_alg
        .map(SigningAlg::as_str)
        .into_iter()
        .collect();
    meta.insert("response_types_supported".to_owned(), json!(["code"]));
    meta.insert("response_modes_supported".to_owned(), json!(["query"]));
    // CIBA only where its endpoint is (OpenID CIBA Core 1.0 §4).
    let grants: Vec<&str> = spec
        .grants
        .iter()
        .copied()
        .filter(|g| *g != CIBA_GRANT || paths.backchannel_authentication.is_some())
        .collect();
    meta.insert("grant_types_supported".to_owned(), json!(grants));
    if paths.backchannel_authentication.is_some() {
        meta.insert(
            "backchannel_token_delivery_modes_supported".to_owned(),
            json!(["poll", "ping"]),
        );
        meta.insert(
            "backchannel_user_code_parameter_supported".to_owned(),
            json!(false),
        );
    }
    meta.insert(
        "code_challenge_methods_supported".to_owned(),
        json!(spec.pkce_methods),
    );
    meta.insert(
        "token_endpoint_auth_methods_supported".to_owned(),
        json!(["client_secret_basic", "client_secret_post"]),
    );
    meta.insert(
        "id_token_signing_alg_values_supported".to_owned(),
        json!(algs),
    );
    meta.insert("subject_types_supported".to_owned(), json!(["public"]));
    meta.insert(
        "scopes_supported".to_owned(),
        json!(spec.scopes.split_whitespace().collect::<Vec<_>>()),
    );
    meta.insert(
        "claims_supported".to_owned(),
        json!([
            "sub",
            "iss",
            "aud",
            "exp",
            "iat",
            "auth_time",
            "nonce",
            "name",
            "given_name",
            "family_name",
            "preferred_username",
            "email",
            "email_verified"
        ]),
    );
    meta.insert(
        "authorization_response_iss_parameter_supported".to_owned(),
        json!(spec.iss_parameter),
    );
    if spec.fapi {
        fapi::metadata(shared, &mut meta);
    }
    userinfo_metadata(spec, &mut meta);
    Value::Object(meta)
}

/// How UserInfo answers are signed, and how the ID token and UserInfo
/// answers are encrypted (OIDC Discovery 1.0 §3; the client registered the
/// encryption, OpenID Connect Dynamic Client Registration 1.0 §2).
fn userinfo_metadata(spec: &super::personality::Spec, meta: &mut Map<String, Value>) {
    if let UserinfoShape::Jwt(alg) = spec.userinfo {
        meta.insert(
            "userinfo_signing_alg_values_supported".to_owned(),
            json!([alg.as_str()]),
        );
    }
    if spec.encrypts() {
        for (name, value) in [
            ("id_token_encryption_alg_values_supported", ENCRYPTION_ALG),
            ("id_token_encryption_enc_values_supported", ENCRYPTION_ENC),
            ("userinfo_encryption_alg_values_supported", ENCRYPTION_ALG),
            ("userinfo_encryption_enc_values_supported", ENCRYPTION_ENC),
        ] {
            meta.insert(name.to_owned(), json!([value]));
        }
    }
}

fn is_loopback_redirect(uri: &str) -> bool {
    let Some(rest) = uri.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit_once(':').map_or(authority, |(h, _)| h);
    matches!(host, "127.0.0.1" | "localhost" | "[::1]")
}

/// The authorization endpoint (RFC 6749 §4.1.1, OIDC Core §3.1.2): checks
/// the client and redirect first (errors on a page, never a redirect to an
/// unchecked URI, RFC 6749 §4.1.2.1), then the rest (errors by redirect).
#[expect(
    clippy::too_many_lines,
    reason = "the checks of §4.1.2.1 in the order they apply"
)]
fn authorize(shared: &Shared, incoming: &Incoming) -> (Response, Option<ErrorAnswer>) {
    let spec = shared.personality.spec();
    let page_error = |text: &str| {
        let answer = ErrorAnswer {
            status: 400,
            error: "invalid_request",
            description: text.to_owned(),
            uri: None,
        };
        (
            html(
                StatusCode::BAD_REQUEST,
                &pages::error(400, "invalid_request", text),
            ),
            Some(answer),
        )
    };
    let client_id = incoming.param("client_id").unwrap_or_default();
    if client_id != spec.client_id {
        return page_error("Client not found.");
    }
    let Some(redirect_uri) = incoming
        .param("redirect_uri")
        .filter(|r| is_loopback_redirect(r))
    else {
        return page_error("Invalid parameter: redirect_uri");
    };
    let state = incoming.param("state");
    let back = |error: &str, description: &str| {
        let mut pairs = vec![("error", error), ("error_description", description)];
        if let Some(state) = &state {
            pairs.push(("state", state));
        }
        (redirect(&with_query(&redirect_uri, &pairs)), None)
    };
    if incoming.param("response_type").as_deref() != Some("code") {
        return back(
            "unsupported_response_type",
            "only response_type=code is supported",
        );
    }
    let scope = incoming.param("scope").unwrap_or_default();
    if shared.personality == Personality::Bank && scope.split_whitespace().next() != Some("openid")
    {
        return back("invalid_scope", "scope must start with openid");
    }
    let state_len = state.as_deref().map_or(0, str::len);
    if state_len < spec.min_state {
        return back(
            "invalid_request",
            &format!(
                "state must be at least {} characters, got {state_len}",
                spec.min_state
            ),
        );
    }
    let nonce = incoming.param("nonce");
    let nonce_len = nonce.as_deref().map_or(0, str::len);
    if spec.min_nonce > 0 && nonce_len < spec.min_nonce {
        return back(
            "invalid_request",
            &format!(
                "nonce must be at least {} characters, got {nonce_len}",
                spec.min_nonce
            ),
        );
    }
    let challenge = match incoming.param("code_challenge") {
        Some(challenge) => {
            let method = incoming
                .param("code_challenge_method")
                .unwrap_or_else(|| "plain".to_owned());
            if !spec.pkce_methods.contains(&method.as_str()) {
                return back(
                    "invalid_request",
                    &format!("Invalid parameter: code_challenge_method {method} is not supported"),
                );
            }
            Some((challenge, method))
        }
        None => None,
    };
    let now = shared.now();
    let pending = PendingRequest {
        client_id: client_id.clone(),
        redirect_uri,
        scope: scope.clone(),
        state,
        nonce,
        challenge,
        response_mode: None,
        dpop_jkt: incoming.param("dpop_jkt"),
        expires: now.plus_seconds(600),
    };
    if shared.faults().auto_sign_in {
        // As a provider with a live session: no page, straight back with a code.
        return (signed_in(shared, &pending, USERS.first()), None);
    }
    let id = uuid::Uuid::new_v4().simple().to_string();
    shared.store().add_pending(id.clone(), pending);
    (
        html(
            StatusCode::OK,
            &pages::login(
                shared.personality,
                &shared.url(LOGIN_PATH),
                &id,
                &client_id,
                &scope,
            ),
        ),
        None,
    )
}

/// The login form's answer: a code (or `access_denied`) back to the client.
fn login(shared: &Shared, incoming: &Incoming) -> (Response, Option<ErrorAnswer>) {
    let now = shared.now();
    let Some(request) = incoming
        .form_param("request")
        .and_then(|id| shared.store().take_pending(&id, now))
    else {
        let text = "This sign-in page has expired or was already used: start again from the app.";
        return (
            html(
                StatusCode::BAD_REQUEST,
                &pages::message("Sign-in expired", text),
            ),
            None,
        );
    };
    let chosen = incoming
        .form_param("user")
        .and_then(|login| user(&login))
        .filter(|_| incoming.form_param("deny").is_none());
    (signed_in(shared, &request, chosen), None)
}

/// The redirect back to the client once `chosen` signed in (a code), or
/// declined when `None` (`access_denied`, RFC 6749 §4.1.2.1).
fn signed_in(shared: &Shared, request: &PendingRequest, chosen: Option<&User>) -> Response {
    let now = shared.now();
    let spec = shared.personality.spec();
    let mut pairs: Vec<(String, String)> = Vec::new();
    if let Some(chosen) = chosen {
        let code = uuid::Uuid::new_v4().simple().to_string();
        let session = uuid::Uuid::new_v4().to_string();
        pairs.push(("code".to_owned(), code.clone()));
        shared.store().add_code(
            code,
            CodeGrant {
                request: request.clone(),
                user: chosen.login.to_owned(),
                auth_time: now,
                session,
                expires: now.plus_seconds(spec.lifetimes.code),
            },
        );
    } else {
        pairs.push(("error".to_owned(), "access_denied".to_owned()));
        pairs.push((
            "error_description".to_owned(),
            "The user denied the request.".to_owned(),
        ));
    }
    finish(shared, request, pairs)
}

/// An error back to the client of a checked request (RFC 6749 §4.1.2.1),
/// in the response mode it asked for.
fn answer_back(
    shared: &Shared,
    request: &PendingRequest,
    error: &str,
    description: &str,
) -> Response {
    let pairs = vec![
        ("error".to_owned(), error.to_owned()),
        ("error_description".to_owned(), description.to_owned()),
    ];
    finish(shared, request, pairs)
}

/// The redirect with `pairs`, `state` and (RFC 9207) `iss`: in the query,
/// or as a JWT-secured response when the request asked (JARM §2.3).
fn finish(shared: &Shared, request: &PendingRequest, mut pairs: Vec<(String, String)>) -> Response {
    if let Some(state) = &request.state {
        pairs.push(("state".to_owned(), state.clone()));
    }
    if shared.personality.spec().iss_parameter {
        pairs.push(("iss".to_owned(), shared.issuer()));
    }
    if fapi::wants_jarm(request) {
        return fapi::jarm_redirect(shared, request, &pairs);
    }
    let pairs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    redirect(&with_query(&request.redirect_uri, &pairs))
}

/// Checks the client's credentials; `public_ok` for the device grant, where
/// a public client sends only its id (RFC 8628 §3.4).
fn authenticate(shared: &Shared, incoming: &Incoming, public_ok: bool) -> Result<String, Failure> {
    let spec = shared.personality.spec();
    let (id, secret) = incoming.client();
    let id = id.ok_or(Failure::BadClient)?;
    if id != spec.client_id {
        return Err(Failure::BadClient);
    }
    match secret {
        Some(secret) if secret == spec.client_secret => Ok(id),
        None if public_ok => Ok(id),
        _ => Err(Failure::BadClient),
    }
}

/// The token endpoint (RFC 6749 §3.2, §4.1.3, §4.4, §4.3, §6; RFC 8628 §3.4).
fn token(shared: &Shared, incoming: &Incoming) -> Answer {
    let spec = shared.personality.spec();
    let now = shared.now();
    let form = incoming
        .form
        .as_ref()
        .filter(|_| incoming.method == Method::POST)
        .ok_or(Failure::NotForm)?;
    let mut seen = HashSet::new();
    if let Some((name, _)) = form.iter().find(|(k, _)| !seen.insert(k.as_str())) {
        return Err(Failure::DuplicatedParameter(name.clone()));
    }
    let grant_type = incoming
        .form_param("grant_type")
        .ok_or(Failure::MissingParameter("grant_type"))?;
    if !spec.grants.contains(&grant_type.as_str()) {
        return Err(Failure::UnsupportedGrant(grant_type));
    }
    let device = grant_type == "urn:ietf:params:oauth:grant-type:device_code";
    let client_id = match authenticate(shared, incoming, device) {
        Ok(id) => id,
        Err(failure) => {
            // A failed exchange spends the code (the bank deletes it: the next try says "Unknown code").
            if let Some(code) = incoming.form_param("code") {
                let _ = shared.store().redeem_code(&code, now);
            }
            return Err(failure);
        }
    };
    // RFC 9449 §5: a FAPI personality issues DPoP-bound tokens only.
    let dpop_jkt = spec
        .fapi
        .then(|| fapi::token_proof(shared, incoming))
        .transpose()?;
    let scope_param = incoming.form_param("scope");
    let issued = match grant_type.as_str() {
        "authorization_code" => code_grant(shared, incoming, &client_id, now, dpop_jkt.as_deref())?,
        "refresh_token" => refresh_grant(shared, incoming, &client_id, now)?,
        "client_credentials" => {
            let scope = scope_param.unwrap_or_else(|| spec.client_scopes.to_owned());
            Issue {
                client_id,
                user: None,
                scope,
                nonce: None,
                auth_time: None,
                session: None,
                refresh: false,
                from_refresh: false,
            }
        }
        "password" => {
            let username = incoming
                .form_param("username")
                .ok_or(Failure::MissingParameter("username"))?;
            let password = incoming
                .form_param("password")
                .ok_or(Failure::MissingParameter("password"))?;
            let found = user(&username)
                .filter(|u| u.login == password)
                .ok_or(Failure::BadCredentials)?;
            let session = uuid::Uuid::new_v4().to_string();
            shared.store().open_session(session.clone(), found.login);
            let scope = scope_param.unwrap_or_else(|| spec.scopes.to_owned());
            Issue {
                client_id,
                user: Some(found),
                scope,
                nonce: None,
                auth_time: Some(now),
                session: Some(session),
                refresh: true,
                from_refresh: false,
            }
        }
        "passport" => {
            // MOEX: a Passport certificate and its detached signature stand for the user.
            incoming
                .form_param("passport")
                .ok_or(Failure::InvalidPassport)?;
            incoming
                .form_param("signature")
                .ok_or(Failure::InvalidPassport)?;
            let scope = scope_param.unwrap_or_else(|| spec.client_scopes.to_owned());
            Issue {
                client_id,
                user: Some(&USERS[0]),
                scope,
                nonce: None,
                auth_time: Some(now),
                session: None,
                refresh: true,
                from_refresh: false,
            }
        }
        CIBA_GRANT => ciba_grant(shared, incoming, &client_id, now)?,
        _ => device_grant(shared, incoming, &client_id, now)?,
    };
    let response = issue(shared, incoming, &issued, now, dpop_jkt.as_deref())
        .map_err(|e| Failure::ServerError(e.to_string()))?;
    if shared.faults().rotate_keys {
        let _ = shared.rotate();
    }
    Ok(response)
}

/// What to issue tokens for.
struct Issue {
    client_id: String,
    user: Option<&'static User>,
    scope: String,
    nonce: Option<String>,
    auth_time: Option<Timestamp>,
    session: Option<String>,
    refresh: bool,
    /// A refresh grant's answer: the `bare-refresh` fault leaves out the ID token.
    from_refresh: bool,
}

fn code_grant(
    shared: &Shared,
    incoming: &Incoming,
    client_id: &str,
    now: Timestamp,
    dpop_jkt: Option<&str>,
) -> Result<Issue, Failure> {
    let code = incoming
        .form_param("code")
        .ok_or(Failure::MissingParameter("code"))?;
    let grant = shared
        .store()
        .redeem_code(&code, now)
        .map_err(|problem| match problem {
            CodeProblem::Unknown => Failure::UnknownCode(code.clone()),
            CodeProblem::Expired => Failure::CodeExpired(code.clone()),
        })?;
    if grant.request.client_id != client_id {
        return Err(Failure::UnknownCode(code));
    }
    // RFC 9449 §10: a code bound to a key is redeemed with a proof of that key.
    if let Some(bound) = &grant.request.dpop_jkt
        && dpop_jkt.is_some_and(|jkt| jkt != bound)
    {
        return Err(Failure::InvalidDpopProof(
            "the proof's key is not the key the code is bound to (dpop_jkt, RFC 9449 §10)"
                .to_owned(),
        ));
    }
    let redirect_uri = incoming.form_param("redirect_uri").unwrap_or_default();
    if redirect_uri != grant.request.redirect_uri {
        return Err(Failure::RedirectMismatch(redirect_uri));
    }
    if let Some((challenge, method)) = &grant.request.challenge {
        let verifier = incoming
            .form_param("code_verifier")
            .ok_or(Failure::PkceMissing)?;
        // The client's own S256 (RFC 7636 §4.2): one implementation for both ends.
        let computed = if method == "S256" {
            crate::oauth::pkce::s256_challenge(&verifier)
        } else {
            verifier
        };
        if &computed != challenge {
            return Err(Failure::PkceMismatch);
        }
    }
    Ok(Issue {
        client_id: client_id.to_owned(),
        user: user(&grant.user),
        scope: grant.request.scope.clone(),
        nonce: grant.request.nonce.clone(),
        auth_time: Some(grant.auth_time),
        session: Some(grant.session),
        refresh: true,
        from_refresh: false,
    })
}

fn refresh_grant(
    shared: &Shared,
    incoming: &Incoming,
    client_id: &str,
    now: Timestamp,
) -> Result<Issue, Failure> {
    let token = incoming
        .form_param("refresh_token")
        .ok_or(Failure::MissingParameter("refresh_token"))?;
    let bare = shared.faults().bare_refresh;
    let problem = |problem| match problem {
        TokenProblem::Unknown => Failure::BadRefreshToken,
        TokenProblem::Expired => Failure::RefreshExpired,
    };
    // A provider that does not rotate refresh tokens keeps the one sent.
    let grant = if bare {
        shared
            .store()
            .refresh(&token, now)
            .cloned()
            .map_err(problem)?
    } else {
        shared.store().take_refresh(&token, now).map_err(problem)?
    };
    if grant.client_id != client_id {
        return Err(Failure::BadRefreshToken);
    }
    Ok(Issue {
        client_id: grant.client_id,
        user: grant.user.as_deref().and_then(user),
        scope: grant.scope,
        nonce: None,
        auth_time: grant.auth_time,
        session: grant.session,
        refresh: !bare,
        from_refresh: true,
    })
}

fn device_grant(
    shared: &Shared,
    incoming: &Incoming,
    client_id: &str,
    now: Timestamp,
) -> Result<Issue, Failure> {
    let device_code = incoming
        .form_param("device_code")
        .ok_or(Failure::MissingParameter("device_code"))?;
    let poll = shared
        .store()
        .poll_device(&device_code, now)
        .ok_or(Failure::ExpiredDeviceCode)?;
    polled(shared, poll, Failure::ExpiredDeviceCode, client_id, now)
}

/// CIBA's token request (OpenID CIBA Core 1.0 §10.1, answers §11).
fn ciba_grant(
    shared: &Shared,
    incoming: &Incoming,
    client_id: &str,
    now: Timestamp,
) -> Result<Issue, Failure> {
    let auth_req_id = incoming
        .form_param("auth_req_id")
        .ok_or(Failure::MissingParameter("auth_req_id"))?;
    let poll = shared
        .store()
        .poll_ciba(&auth_req_id, now)
        .ok_or_else(|| Failure::InvalidRequest("the auth_req_id is unknown".to_owned()))?;
    polled(shared, poll, Failure::ExpiredAuthRequest, client_id, now)
}

/// A device or CIBA poll's answer (RFC 8628 §3.5, CIBA Core §11): the
/// waiting errors, `expired`'s own error, or tokens for the approving user
/// when the request is this client's.
fn polled(
    shared: &Shared,
    poll: DevicePoll,
    expired: Failure,
    client_id: &str,
    now: Timestamp,
) -> Result<Issue, Failure> {
    match poll {
        DevicePoll::Pending => Err(Failure::AuthorizationPending),
        DevicePoll::SlowDown => Err(Failure::SlowDown),
        DevicePoll::Expired => Err(expired),
        DevicePoll::Denied => Err(Failure::AccessDenied),
        DevicePoll::Approved {
            user: login,
            client_id: owner,
            scope,
        } => {
            if owner != client_id {
                return Err(Failure::BadClient);
            }
            let session = uuid::Uuid::new_v4().to_string();
            shared.store().open_session(session.clone(), &login);
            Ok(Issue {
                client_id: owner,
                user: user(&login),
                scope,
                nonce: None,
                auth_time: Some(now),
                session: Some(session),
                refresh: true,
                from_refresh: false,
            })
        }
    }
}

/// The longest binding message the sandbox's "phone" shows (CIBA Core §7.1
/// asks for one short enough for the device's screen).
const MAX_BINDING_MESSAGE_CHARS: usize = 64;

/// The user a CIBA hint names (CIBA Core §7.1): `login_hint` by login or
/// e-mail; `id_token_hint` and `login_hint_token` by their `sub` (the token
/// read, not verified: the sandbox issued it).
fn hinted_user(shared: &Shared, name: &str, value: &str) -> Option<&'static User> {
    if name == "login_hint" {
        let wanted = value.trim();
        return USERS
            .iter()
            .find(|u| u.login == wanted || u.email.eq_ignore_ascii_case(wanted));
    }
    let payload = value.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload).ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    let sub = claims.get("sub").and_then(Value::as_str)?;
    USERS
        .iter()
        .find(|u| u.subject(shared.personality) == sub || u.login == sub)
}

/// The backchannel authentication endpoint (OpenID CIBA Core 1.0 §7, poll
/// mode): checks the client, `scope` (with `openid`), exactly one hint, the
/// binding message and `requested_expiry`; the request then waits on the
/// phone page (or is approved at once under the `auto-sign-in` fault).
fn backchannel_authentication(shared: &Shared, incoming: &Incoming) -> Answer {
    if incoming.method != Method::POST || incoming.form.is_none() {
        return Err(Failure::NotForm);
    }
    let client_id = authenticate(shared, incoming, false)?;
    let scope = incoming
        .form_param("scope")
        .filter(|s| s.split_whitespace().any(|s| s == "openid"))
        .ok_or_else(|| {
            Failure::InvalidRequest("scope must include openid (CIBA Core §7.1)".to_owned())
        })?;
    let hints: Vec<(&str, String)> = ["login_hint", "login_hint_token", "id_token_hint"]
        .into_iter()
        .filter_map(|name| incoming.form_param(name).map(|value| (name, value)))
        .collect();
    let (hint_name, hint_value) = match hints.as_slice() {
        [one] => one,
        [] => return Err(Failure::MissingParameter("login_hint")),
        _ => {
            return Err(Failure::InvalidRequest(
                "send exactly one of login_hint, login_hint_token and id_token_hint".to_owned(),
            ));
        }
    };
    let found = hinted_user(shared, hint_name, hint_value).ok_or(Failure::UnknownUserId)?;
    // CIBA Core §7.1: a bearer token (RFC 6750 §2.1 b64token) of at most 1024 characters.
    let notification_token = incoming.form_param("client_notification_token");
    if let Some(token) = &notification_token {
        let b64token = |c: char| c.is_ascii_alphanumeric() || "-._~+/".contains(c);
        let body = token.trim_end_matches('=');
        if token.is_empty() || token.len() > 1024 || !body.chars().all(b64token) {
            return Err(Failure::InvalidRequest(
                "client_notification_token must be a bearer token of at most 1024 characters (CIBA Core §7.1)"
                    .to_owned(),
            ));
        }
    }
    let binding_message = incoming.form_param("binding_message").unwrap_or_default();
    if binding_message.chars().count() > MAX_BINDING_MESSAGE_CHARS
        || binding_message.chars().any(char::is_control)
    {
        return Err(Failure::InvalidBindingMessage);
    }
    let expires_in: i64 = match incoming.form_param("requested_expiry") {
        None => 120,
        Some(asked) => match asked.trim().parse::<i64>() {
            Ok(seconds) if seconds > 0 => seconds.min(600),
            _ => {
                return Err(Failure::InvalidRequest(
                    "requested_expiry must be a positive number of seconds".to_owned(),
                ));
            }
        },
    };
    let now = shared.now();
    let auth_req_id = uuid::Uuid::new_v4().to_string();
    let interval: i64 = 5;
    let decision = if shared.faults().auto_sign_in {
        // As if the user approved on the phone at once: autoplay and tests walk it unattended.
        DeviceDecision::Approved(found.login.to_owned())
    } else {
        DeviceDecision::Pending
    };
    let approved_at_once = matches!(decision, DeviceDecision::Approved(_));
    let ping_now = notification_token.clone().filter(|_| approved_at_once);
    shared.store().add_ciba(
        auth_req_id.clone(),
        CibaRequest {
            client_id,
            user: found.login.to_owned(),
            binding_message,
            scope,
            page_id: uuid::Uuid::new_v4().simple().to_string(),
            expires: now.plus_seconds(expires_in),
            interval,
            last_poll: None,
            decision,
            notification_token,
        },
    );
    if let Some(token) = ping_now {
        ping_client(shared, &auth_req_id, &token);
    }
    Ok(json_response(
        StatusCode::OK,
        &json!({
            "auth_req_id": auth_req_id,
            "expires_in": expires_in,
            "interval": interval,
        }),
    ))
}

/// CIBA ping mode (CIBA Core §10.2): POSTs `{"auth_req_id": …}` with the
/// request's `client_notification_token` as bearer to the client's
/// registered notification endpoint (loopback only, checked at start), in
/// the background; a self-signed certificate is accepted there, since it is
/// this machine's own listener. Nothing is retried: the client still can
/// ask the token endpoint.
fn ping_client(shared: &Shared, auth_req_id: &str, token: &str) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    let endpoint = shared.ciba_ping_endpoint.clone();
    let token = token.to_owned();
    let body = json!({ "auth_req_id": auth_req_id });
    runtime.spawn(async move {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .danger_accept_invalid_certs(true)
            .timeout(std::time::Duration::from_secs(10))
            .build();
        if let Ok(client) = client {
            // The client's answer (204) matters to nobody here.
            let _ = client
                .post(endpoint)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await;
        }
    });
}

/// The "phone" (a second browser tab stands in for it): GET lists the CIBA
/// requests waiting for a user, with their binding messages; POST approves
/// or denies one.
fn ciba_page(shared: &Shared, incoming: &Incoming) -> Response {
    let action = shared.url(
        shared
            .personality
            .spec()
            .paths
            .ciba_page
            .unwrap_or_default(),
    );
    let now = shared.now();
    if incoming.method == Method::POST {
        let request = incoming.form_param("request").unwrap_or_default();
        let approve = incoming.form_param("deny").is_none();
        let decided = shared.store().decide_ciba(&request, approve, now);
        if let Some((auth_req_id, Some(token))) = &decided {
            ping_client(shared, auth_req_id, token);
        }
        let ping = decided.as_ref().is_some_and(|(_, token)| token.is_some());
        return match (decided.is_some(), approve) {
            (true, true) if ping => html(
                StatusCode::OK,
                &pages::message(
                    "Approved",
                    "The application is pinged now and gets its tokens at its token request.",
                ),
            ),
            (false, _) => html(
                StatusCode::BAD_REQUEST,
                &pages::message(
                    "Request not found",
                    "That request is unknown, already answered or expired.",
                ),
            ),
            (true, true) => html(
                StatusCode::OK,
                &pages::message(
                    "Approved",
                    "The application will get its tokens at its next poll.",
                ),
            ),
            (true, false) => html(
                StatusCode::OK,
                &pages::message("Denied", "The application will not get access."),
            ),
        };
    }
    let pending = shared.store().pending_ciba(now);
    let rows: Vec<pages::CibaRow<'_>> = pending
        .iter()
        .map(|r| pages::CibaRow {
            page_id: &r.page_id,
            client_id: &r.client_id,
            user: &r.user,
            binding_message: &r.binding_message,
            scope: &r.scope,
            seconds_left: r.expires.unix().saturating_sub(now.unix()),
        })
        .collect();
    html(StatusCode::OK, &pages::ciba(&action, &rows))
}

fn opaque(shape: TokenShape) -> String {
    let uuid = uuid::Uuid::new_v4();
    match shape {
        TokenShape::Uuid | TokenShape::Jwt(_) => uuid.to_string(),
        TokenShape::UuidDash1 => format!("{uuid}-1"),
        TokenShape::Hex64 => {
            format!("{}{}", uuid.simple(), uuid::Uuid::new_v4().simple()).to_ascii_uppercase()
        }
        TokenShape::Prefixed(prefix) => {
            let mut body = format!("{}{}", uuid.simple(), uuid::Uuid::new_v4().simple());
            body.truncate(36);
            format!("{prefix}{body}")
        }
    }
}

/// Mints and stores the tokens, and writes the token response (RFC 6749 §5.1, OIDC Core §3.1.3.3).
#[expect(
    clippy::too_many_lines,
    reason = "one response, field by field, per personality"
)]
fn issue(
    shared: &Shared,
    incoming: &Incoming,
    what: &Issue,
    now: Timestamp,
    dpop_jkt: Option<&str>,
) -> Result<Response, super::keys::KeyError> {
    let personality = shared.personality;
    let spec = personality.spec();
    let faults = shared.faults();
    let issuer = shared.issuer();
    let access_life = faults.expire_in.unwrap_or(spec.lifetimes.access);
    // With the expire fault, refresh tokens still outlive access tokens (up to
    // 4×), so "the access token expired, refresh it" can be practised.
    let refresh_life = faults.expire_in.map_or(spec.lifetimes.refresh, |s| {
        s.max(spec.lifetimes.refresh.min(s.saturating_mul(4)))
    });
    let id_life = faults.expire_in.unwrap_or(spec.lifetimes.id);
    let keycloak = matches!(personality, Personality::Keycloak | Personality::Moex);
    let sub = what.user.map_or_else(
        || format!("service-account-{}", what.client_id),
        |u| u.subject(personality),
    );
    // RFC 9449 §6.1: the thumbprint the tokens are bound to (another one
    // under the wrong-cnf-jkt fault).
    let bound = match dpop_jkt {
        Some(_) if faults.wrong_cnf_jkt => {
            Some(URL_SAFE_NO_PAD.encode(super::keys::random_octets::<32>()?))
        }
        other => other.map(str::to_owned),
    };
    let keys = shared.keys();
    let header = |alg: SigningAlg, typ: &str| {
        if alg == SigningAlg::Gost && !spec.fapi {
            json!({"typ": typ, "alg": alg.as_str()})
        } else {
            json!({"alg": alg.as_str(), "typ": typ, "kid": keys.kid(alg)})
        }
    };
    let access_token = match spec.access_token {
        TokenShape::Jwt(alg) => {
            let mut claims = json!({
                "iss": issuer, "sub": sub, "aud": if keycloak { json!(["account"]) } else { json!(issuer) },
                "exp": now.plus_seconds(access_life).unix(), "iat": now.unix(), "jti": uuid::Uuid::new_v4().to_string(),
                "client_id": what.client_id, "azp": what.client_id, "scope": what.scope,
            });
            if let Some(jkt) = &bound
                && let Some(object) = claims.as_object_mut()
            {
                object.insert("cnf".to_owned(), json!({"jkt": jkt}));
            }
            if keycloak && let Some(object) = claims.as_object_mut() {
                let mut put = |name: &str, value: Value| {
                    object.insert(name.to_owned(), value);
                };
                put("typ", json!("Bearer"));
                put(
                    "realm_access",
                    json!({"roles": ["offline_access", "uma_authorization", "USER"]}),
                );
                put(
                    "resource_access",
                    json!({"account": {"roles": ["manage-account", "view-profile"]}, what.client_id.clone(): {"roles": ["USER"]}}),
                );
                put("allowed-origins", json!([shared.base]));
                if let Some(session) = &what.session {
                    put("sid", json!(session));
                }
                if let Some(u) = what.user {
                    put("preferred_username", json!(u.login));
                    put("name", json!(format!("{} {}", u.given_name, u.family_name)));
                    put("email", json!(u.email));
                }
            }
            let typ = if keycloak { "JWT" } else { "at+jwt" };
            keys.sign_jwt(&header(alg, typ), &claims, alg, faults.wrong_key)?
        }
        shape => opaque(shape),
    };
    let grant = Grant {
        client_id: what.client_id.clone(),
        user: what.user.map(|u| u.login.to_owned()),
        scope: what.scope.clone(),
        session: what.session.clone(),
        auth_time: what.auth_time,
        issued: now,
        expires: now.plus_seconds(access_life),
        dpop_jkt: bound.clone(),
    };
    let refresh_token = if what.refresh {
        let token = match spec.refresh_token {
            TokenShape::Jwt(alg) => {
                let claims = json!({
                    "exp": now.plus_seconds(refresh_life).unix(), "iat": now.unix(), "jti": uuid::Uuid::new_v4().to_string(),
                    "iss": issuer, "aud": issuer, "sub": sub, "typ": "Refresh", "azp": what.client_id,
                    "sid": what.session, "scope": what.scope,
                });
                let header = json!({"alg": alg.as_str(), "typ": "JWT", "kid": keys.kid(alg)});
                keys.sign_jwt(&header, &claims, alg, faults.wrong_key)?
            }
            shape => opaque(shape),
        };
        shared.store().add_refresh(
            token.clone(),
            Grant {
                expires: now.plus_seconds(refresh_life),
                ..grant.clone()
            },
        );
        Some(token)
    } else {
        None
    };
    shared.store().add_access(access_token.clone(), grant);
    let id_token = match (spec.id_token_alg, what.user) {
        _ if what.from_refresh && faults.bare_refresh => None,
        (Some(alg), Some(u)) if what.scope.split_whitespace().any(|s| s == "openid") => {
            let mut claims = u.claims(personality, &what.client_id);
            claims.remove("HashOrgId");
            let mut put = |k: &str, v: Value| {
                claims.insert(k.to_owned(), v);
            };
            put("iss", json!(issuer));
            put("aud", json!(what.client_id));
            put("azp", json!(what.client_id));
            put("exp", json!(now.plus_seconds(id_life).unix()));
            put("iat", json!(now.unix()));
            if let Some(at) = what.auth_time {
                put("auth_time", json!(at.unix()));
            }
            if let Some(nonce) = &what.nonce {
                put(
                    "nonce",
                    json!(if faults.wrong_nonce {
                        format!("{nonce}-not-yours")
                    } else {
                        nonce.clone()
                    }),
                );
            }
            let hashed = if faults.wrong_at_hash {
                format!("{access_token}x")
            } else {
                access_token.clone()
            };
            if let Ok(hash) = crate::token::checks::half_hash(alg.as_str(), Some(256), &hashed) {
                put("at_hash", json!(hash.value));
            }
            if let Some(session) = &what.session {
                put("sid", json!(session));
            }
            match personality {
                Personality::Bank => {
                    put("acr", json!("loa-3"));
                    put("amr", json!("{pwd, mca, mfa, otp, sms}"));
                }
                Personality::Keycloak | Personality::Moex => {
                    put("typ", json!("ID"));
                    put("acr", json!("1"));
                    put("jti", json!(uuid::Uuid::new_v4().to_string()));
                }
                Personality::Kontur => {
                    put("idp", json!("local"));
                    put("amr", json!(["pwd"]));
                }
                _ => {}
            }
            let signed = keys.sign_jwt(
                &header(alg, "JWT"),
                &Value::Object(claims),
                alg,
                faults.wrong_key,
            )?;
            Some(shared.for_client(signed)?)
        }
        _ => None,
    };
    drop(keys);
    if personality == Personality::Github {
        let mut fields = vec![
            ("access_token", access_token),
            ("expires_in", access_life.to_string()),
        ];
        if let Some(refresh) = refresh_token {
            fields.push(("refresh_token", refresh));
            fields.push(("refresh_token_expires_in", refresh_life.to_string()));
        }
        fields.push((
            "scope",
            what.scope.split_whitespace().collect::<Vec<_>>().join(","),
        ));
        fields.push(("token_type", "bearer".to_owned()));
        if incoming.wants_json() {
            let object: Map<String, Value> = fields
                .into_iter()
                .map(|(k, v)| {
                    (
                        k.to_owned(),
                        v.parse::<i64>().map_or_else(|_| json!(v), |n| json!(n)),
                    )
                })
                .collect();
            return Ok(json_response(StatusCode::OK, &Value::Object(object)));
        }
        return Ok(form_response(StatusCode::OK, &fields));
    }
    let mut body = Map::new();
    body.insert("access_token".to_owned(), json!(access_token));
    body.insert(
        "token_type".to_owned(),
        json!(if bound.is_some() { "DPoP" } else { "Bearer" }),
    );
    body.insert("expires_in".to_owned(), json!(access_life));
    if keycloak && refresh_token.is_some() {
        body.insert("refresh_expires_in".to_owned(), json!(refresh_life));
    }
    if let Some(refresh) = refresh_token {
        body.insert("refresh_token".to_owned(), json!(refresh));
    }
    if let Some(id_token) = id_token {
        body.insert("id_token".to_owned(), json!(id_token));
    }
    if keycloak {
        body.insert("not-before-policy".to_owned(), json!(0));
        if let Some(session) = &what.session {
            body.insert("session_state".to_owned(), json!(session));
        }
    }
    body.insert("scope".to_owned(), json!(what.scope));
    Ok(json_response(StatusCode::OK, &Value::Object(body)))
}

/// UserInfo (OIDC Core §5.3): JSON, or a signed JWT (the bank), or a
/// signed JWT encrypted to the client (the encrypting personality, §5.3.2).
fn userinfo(shared: &Shared, incoming: &Incoming) -> Answer {
    let now = shared.now();
    let token = incoming.bearer().ok_or(Failure::InvalidToken)?;
    let grant = shared
        .store()
        .access(&token, now)
        .cloned()
        .map_err(|_| Failure::InvalidToken)?;
    let found = grant
        .user
        .as_deref()
        .and_then(user)
        .ok_or(Failure::InvalidToken)?;
    let personality = shared.personality;
    let mut claims = found.claims(personality, &grant.client_id);
    match personality.spec().userinfo {
        UserinfoShape::Json => Ok(json_response(StatusCode::OK, &Value::Object(claims))),
        UserinfoShape::Jwt(alg) => {
            claims.insert("iss".to_owned(), json!(shared.issuer()));
            claims.insert("aud".to_owned(), json!(grant.client_id));
            let faults = shared.faults();
            let keys = shared.keys();
            // The bank's GOST user-info names no key; the others carry the `kid`.
            let header = if alg == SigningAlg::Gost {
                json!({"typ": "JWT", "alg": alg.as_str()})
            } else {
                json!({"typ": "JWT", "alg": alg.as_str(), "kid": keys.kid(alg)})
            };
            let jwt = keys
                .sign_jwt(&header, &Value::Object(claims), alg, faults.wrong_key)
                .and_then(|signed| shared.for_client(signed))
                .map_err(|e| Failure::ServerError(e.to_string()))?;
            Ok(plain(StatusCode::OK, "application/jwt", &jwt))
        }
    }
}

/// Introspection (RFC 7662 §2).
fn introspect(shared: &Shared, incoming: &Incoming) -> Answer {
    authenticate(shared, incoming, false)?;
    let token = incoming
        .form_param("token")
        .ok_or(Failure::MissingParameter("token"))?;
    let now = shared.now();
    let store = shared.store();
    let (grant, kind) = match (store.access(&token, now), store.refresh(&token, now)) {
        (Ok(grant), _) => (grant.clone(), "access_token"),
        (_, Ok(grant)) => (grant.clone(), "refresh_token"),
        _ => return Ok(json_response(StatusCode::OK, &json!({"active": false}))),
    };
    drop(store);
    let personality = shared.personality;
    let mut answer = json!({
        "active": true, "scope": grant.scope, "client_id": grant.client_id,
        "token_type": if kind == "access_token" { "Bearer" } else { "Refresh" },
        "exp": grant.expires.unix(), "iat": grant.issued.unix(), "iss": shared.issuer(),
    });
    if let Some(u) = grant.user.as_deref().and_then(user)
        && let Some(object) = answer.as_object_mut()
    {
        object.insert("sub".to_owned(), json!(u.subject(personality)));
        object.insert("username".to_owned(), json!(u.login));
    }
    Ok(json_response(StatusCode::OK, &answer))
}

/// Revocation (RFC 7009 §2): 200 whether or not the token was known.
fn revoke(shared: &Shared, incoming: &Incoming) -> Answer {
    authenticate(shared, incoming, false)?;
    let token = incoming
        .form_param("token")
        .ok_or(Failure::MissingParameter("token"))?;
    shared.store().revoke(&token);
    Ok(plain(StatusCode::OK, "text/plain", ""))
}

/// Device authorization (RFC 8628 §3.1–3.2).
fn device_authorization(shared: &Shared, incoming: &Incoming) -> Answer {
    let spec = shared.personality.spec();
    if incoming.method != Method::POST || incoming.form.is_none() {
        return Err(Failure::NotForm);
    }
    let client_id = authenticate(shared, incoming, true)?;
    let now = shared.now();
    let device_code = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let letters = uuid::Uuid::new_v4()
        .simple()
        .to_string()
        .to_ascii_uppercase();
    let first: String = letters.chars().take(4).collect();
    let second: String = letters.chars().skip(4).take(4).collect();
    let user_code = format!("{first}-{second}");
    let expires_in: i64 = if shared.personality == Personality::Github {
        900
    } else {
        600
    };
    let interval: i64 = 5;
    shared.store().add_device(
        device_code.clone(),
        DeviceGrant {
            client_id,
            user_code: user_code.clone(),
            scope: incoming
                .form_param("scope")
                .unwrap_or_else(|| spec.scopes.to_owned()),
            expires: now.plus_seconds(expires_in),
            interval,
            last_poll: None,
            decision: DeviceDecision::Pending,
        },
    );
    let page = shared.url(spec.paths.device_page.unwrap_or_default());
    let complete = with_query(&page, &[("user_code", &user_code)]);
    let fields = vec![
        ("device_code", device_code),
        ("user_code", user_code),
        ("verification_uri", page),
        ("verification_uri_complete", complete),
        ("expires_in", expires_in.to_string()),
        ("interval", interval.to_string()),
    ];
    if shared.personality == Personality::Github && !incoming.wants_json() {
        return Ok(form_response(StatusCode::OK, &fields));
    }
    let object: Map<String, Value> = fields
        .into_iter()
        .map(|(k, v)| {
            (
                k.to_owned(),
                v.parse::<i64>().map_or_else(|_| json!(v), |n| json!(n)),
            )
        })
        .collect();
    Ok(json_response(StatusCode::OK, &Value::Object(object)))
}

/// The verification page (RFC 8628 §3.3): GET shows it, POST decides.
fn device_page(shared: &Shared, incoming: &Incoming) -> Response {
    let action = shared.url(
        shared
            .personality
            .spec()
            .paths
            .device_page
            .unwrap_or_default(),
    );
    let code = incoming.param("user_code").unwrap_or_default();
    if incoming.method != Method::POST {
        return html(StatusCode::OK, &pages::device(&action, &code, None));
    }
    let now = shared.now();
    let mut store = shared.store();
    let Some(device) = store.device_by_user_code(&code, now) else {
        return html(
            StatusCode::BAD_REQUEST,
            &pages::device(
                &action,
                &code,
                Some("That code is unknown or expired: check the device."),
            ),
        );
    };
    match incoming.form_param("user").and_then(|login| user(&login)) {
        Some(chosen) if incoming.form_param("deny").is_none() => {
            device.decision = DeviceDecision::Approved(chosen.login.to_owned());
            html(
                StatusCode::OK,
                &pages::message("Device connected", "You can return to your device."),
            )
        }
        _ => {
            device.decision = DeviceDecision::Denied;
            html(
                StatusCode::OK,
                &pages::message("Device denied", "The device will not get access."),
            )
        }
    }
}

/// RP-Initiated Logout 1.0 §2–3: ends the session named by the ID token
/// hint's `sid`, then returns to `post_logout_redirect_uri` when it is loopback.
fn end_session(shared: &Shared, incoming: &Incoming) -> Response {
    let sid = incoming.param("id_token_hint").and_then(|hint| {
        let payload = hint.split('.').nth(1)?;
        let bytes = URL_SAFE_NO_PAD.decode(payload).ok()?;
        let claims: Value = serde_json::from_slice(&bytes).ok()?;
        claims.get("sid").and_then(Value::as_str).map(str::to_owned)
    });
    if sid.is_none() && shared.faults().logout_needs_hint {
        return html(
            StatusCode::BAD_REQUEST,
            &pages::message(
                "Sign-out failed",
                "id_token_hint is required: this provider ends a session only for the ID token it issued.",
            ),
        );
    }
    let ended = sid.is_some_and(|sid| shared.store().end_session(&sid));
    match incoming
        .param("post_logout_redirect_uri")
        .filter(|u| is_loopback_redirect(u))
    {
        Some(target) => {
            let state = incoming.param("state");
            let pairs: Vec<(&str, &str)> = state.iter().map(|s| ("state", s.as_str())).collect();
            redirect(&with_query(&target, &pairs))
        }
        None => html(
            StatusCode::OK,
            &pages::message(
                "Signed out",
                if ended {
                    "Your sandbox session has ended."
                } else {
                    "There was no session to end."
                },
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                header::HeaderValue::from_bytes(value.as_bytes()).unwrap(),
            );
        }
        map
    }

    #[test]
    fn only_the_sandbox_itself_may_use_the_controls() {
        let allowed = |pairs: &[(&str, &str)]| control_request_allowed(&headers(pairs), 8080);
        assert!(allowed(&[("host", "127.0.0.1:8080")]).is_ok());
        assert!(
            allowed(&[
                ("host", "LOCALHOST:8080"),
                ("origin", "http://localhost:8080")
            ])
            .is_ok()
        );
        assert!(
            allowed(&[
                ("host", "127.0.0.1:8080"),
                ("origin", "http://127.0.0.1:8080")
            ])
            .is_ok()
        );
        for refused in [
            vec![],
            vec![("host", "127.0.0.1:8081")],
            vec![("host", "127.0.0.1:+8080")],
            vec![("host", "127.0.0.1")],
            vec![("host", "evil.example:8080")],
            vec![("host", "127.0.0.1:8080"), ("host", "127.0.0.1:8080")],
            vec![("host", "127.0.0.1:8080"), ("origin", "null")],
            vec![
                ("host", "127.0.0.1:8080"),
                ("origin", "http://evil.example"),
            ],
            vec![
                ("host", "127.0.0.1:8080"),
                ("origin", "http://127.0.0.1:8080.evil"),
            ],
            vec![
                ("host", "127.0.0.1:8080"),
                ("origin", "http://127.0.0.1:8080"),
                ("origin", "http://evil.example"),
            ],
        ] {
            assert!(allowed(&refused).is_err(), "{refused:?}");
        }
        // Bytes that are not text in a header: refused, not a panic.
        let mut odd = headers(&[("host", "127.0.0.1:8080")]);
        odd.insert(
            header::ORIGIN,
            header::HeaderValue::from_bytes(b"http://\xff\xfe").unwrap(),
        );
        assert!(control_request_allowed(&odd, 8080).is_err());
    }
}
