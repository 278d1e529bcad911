//! The error catalogue: every entry has a realistic failure that must
//! produce it; the GitHub and bank fixtures among them. And the lints.

use std::collections::HashSet;
use std::time::Duration;

use tokenscope::diagnose::{Endpoint, FailureContext, SentFact, catalogue, diagnose};
use tokenscope::net::tls::TlsFailure;
use tokenscope::net::{Exchange, NetError, RecordedRequest, RecordedResponse, RequestDraft};
use tokenscope::oauth::discovery::ProviderMetadata;
use tokenscope::oauth::lint::{LintContext, LintKind, lint};

use crate::fixture;

/// One failure: an answer (or none) at an endpoint, for a provider, after
/// what the run sent.
struct Case {
    expect: &'static str,
    endpoint: Endpoint,
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
    provider: Option<&'static str>,
    sent: Vec<SentFact>,
    net: Option<NetError>,
}

fn answer(expect: &'static str, endpoint: Endpoint, status: u16, body: &str) -> Case {
    Case {
        expect,
        endpoint,
        status,
        headers: vec![(
            "Content-Type".to_owned(),
            "application/json;charset=UTF-8".to_owned(),
        )],
        body: body.to_owned(),
        provider: None,
        sent: Vec::new(),
        net: None,
    }
}

/// A token-endpoint error as RFC 6749 §5.2 shapes it.
fn token_error(expect: &'static str, status: u16, error: &str, description: &str) -> Case {
    let body = serde_json::json!({"error": error, "error_description": description}).to_string();
    answer(expect, Endpoint::Token, status, &body)
}

/// An error on the redirect (RFC 6749 §4.1.2.1): no HTTP status of its own.
fn redirect_error(expect: &'static str, error: &str, description: &str) -> Case {
    let body = serde_json::json!({"error": error, "error_description": description}).to_string();
    let mut case = answer(expect, Endpoint::Authorization, 302, &body);
    case.headers.clear();
    case
}

/// An Entra error body: `AADSTSnnnnn:` text, `error_codes`, trace ids.
fn entra(expect: &'static str, error: &str, code: u32, text: &str) -> Case {
    let body = serde_json::json!({
        "error": error,
        "error_description": format!("AADSTS{code}: {text} Trace ID: 0f9e8d7c-6b5a-4c3d-2e1f-0a9b8c7d6e5f Correlation ID: 1a2b3c4d-5e6f-4a0b-9c8d-7e6f5a4b3c2d Timestamp: 2026-11-22 14:03:11Z"),
        "error_codes": [code],
        "timestamp": "2026-11-22 14:03:11Z",
        "trace_id": "0f9e8d7c-6b5a-4c3d-2e1f-0a9b8c7d6e5f",
        "correlation_id": "1a2b3c4d-5e6f-4a0b-9c8d-7e6f5a4b3c2d",
        "error_uri": format!("https://login.microsoftonline.com/error?code={code}")
    })
    .to_string();
    answer(expect, Endpoint::Token, 400, &body)
}

fn offline(expect: &'static str, error: NetError) -> Case {
    let mut case = answer(expect, Endpoint::Token, 0, "");
    case.net = Some(error);
    case
}

impl Case {
    fn provider(mut self, provider: &'static str) -> Self {
        self.provider = Some(provider);
        self
    }

    fn sent(mut self, fact: SentFact) -> Self {
        self.sent.push(fact);
        self
    }

    fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    fn html(mut self) -> Self {
        self.headers = vec![(
            "Content-Type".to_owned(),
            "text/html;charset=utf-8".to_owned(),
        )];
        self
    }

    fn context(&self) -> FailureContext {
        let exchange = Exchange {
            request: RecordedRequest {
                method: "POST".to_owned(),
                url: "https://op.example.test/token".to_owned(),
                headers: Vec::new(),
                body: Vec::new(),
            },
            response: match &self.net {
                Some(error) => Err(error.clone()),
                None => Ok(RecordedResponse {
                    status: self.status,
                    reason: String::new(),
                    version: "HTTP/1.1".to_owned(),
                    headers: self.headers.clone(),
                    body: self.body.as_bytes().to_vec(),
                    truncated_at: None,
                }),
            },
            duration: Duration::from_millis(40),
        };
        let mut context = FailureContext::from_exchange(&exchange, Some(self.endpoint));
        if self.endpoint == Endpoint::Authorization {
            // A redirect error carries no status of its own.
            context.status = None;
        }
        if let Some(provider) = self.provider {
            context.provider = Some(provider.to_owned());
        }
        context.sent.clone_from(&self.sent);
        context
    }
}

#[expect(clippy::too_many_lines, reason = "one row per catalogue entry")]
fn cases() -> Vec<Case> {
    use Endpoint::{Authorization, Introspection, Resource, Revocation, Token};
    let mut cases = vec![
        // RFC 6749 §4.1.2.1
        redirect_error("rfc6749.authorize.invalid_request", "invalid_request", "Missing parameter: nonce"),
        redirect_error("rfc6749.authorize.unauthorized_client", "unauthorized_client", "Client is not allowed to initiate browser login with given response_type."),
        redirect_error("rfc6749.authorize.access_denied", "access_denied", "End-User aborted interaction"),
        redirect_error("rfc6749.authorize.unsupported_response_type", "unsupported_response_type", "unsupported response_type"),
        redirect_error("rfc6749.authorize.invalid_scope", "invalid_scope", "Invalid scopes: openid profle"),
        redirect_error("rfc6749.server_error", "server_error", "An unexpected error occurred"),
        redirect_error("rfc6749.temporarily_unavailable", "temporarily_unavailable", "try again later"),
        // RFC 6749 §5.2
        token_error("rfc6749.token.invalid_request", 400, "invalid_request", "missing required parameter 'code'"),
        token_error("rfc6749.token.invalid_client", 401, "invalid_client", "client authentication failed"),
        token_error("rfc6749.token.invalid_grant", 400, "invalid_grant", "grant request is invalid"),
        token_error("rfc6749.token.invalid_grant.code_reused", 400, "invalid_grant", "grant request is invalid").sent(SentFact::CodeAlreadyUsed),
        token_error("rfc6749.token.invalid_grant.redirect_differs", 400, "invalid_grant", "grant request is invalid").sent(SentFact::RedirectUriDiffers),
        token_error("rfc6749.token.invalid_grant.no_verifier", 400, "invalid_grant", "grant request is invalid").sent(SentFact::VerifierMissing),
        token_error("rfc6749.token.invalid_client.secret_whitespace", 401, "invalid_client", "client authentication failed").sent(SentFact::SecretWhitespace),
        token_error("rfc6749.token.body_not_form", 400, "invalid_request", "no client authentication mechanism provided").sent(SentFact::BodyNotForm),
        token_error("rfc6749.token.unauthorized_client", 400, "unauthorized_client", "requested grant type is not allowed for this client"),
        token_error("rfc6749.token.unsupported_grant_type", 400, "unsupported_grant_type", "unsupported grant_type requested (password)"),
        token_error("rfc6749.token.invalid_scope", 400, "invalid_scope", "requested scope is not allowed"),
        answer("http.server_error", Token, 502, "upstream connect error").header("Content-Type", "text/plain"),
        answer("http.unavailable", Token, 503, "").header("Retry-After", "30"),
        answer("http.not_found", Token, 404, r#"{"message":"Not Found"}"#),
        answer("http.unauthorized", Token, 401, ""),
        // RFC 6750
        answer("rfc6750.invalid_request", Resource, 400, "")
            .header("WWW-Authenticate", r#"Bearer realm="userinfo", error="invalid_request", error_description="access token must be provided once""#),
        answer("rfc6750.invalid_token", Resource, 401, "")
            .header("WWW-Authenticate", r#"Bearer realm="https://op.example.test", error="invalid_token", error_description="invalid token provided""#),
        answer("rfc6750.insufficient_scope", Resource, 403, "")
            .header("WWW-Authenticate", r#"Bearer error="insufficient_scope", scope="openid""#),
        answer("rfc6750.challenge_without_error", Resource, 401, "").header("WWW-Authenticate", r#"Bearer realm="api""#),
        // RFC 9449: oidc-provider's words, and a resource server's challenge.
        token_error("rfc9449.use_dpop_nonce", 400, "use_dpop_nonce", "nonce is required in the DPoP proof"),
        answer("rfc9449.use_dpop_nonce", Resource, 401, "")
            .header("WWW-Authenticate", r#"DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof""#),
        token_error("rfc9449.invalid_dpop_proof", 400, "invalid_dpop_proof", "DPoP proof JWT Replay detected"),
        // RFC 9126, RFC 9101: oidc-provider's words
        redirect_error("rfc9126.par_required", "invalid_request", "Pushed Authorization Request must be used"),
        redirect_error("rfc9101.request_object_required", "invalid_request", "Request Object must be used by this client"),
        // RFC 8628
        token_error("rfc8628.authorization_pending", 400, "authorization_pending", "authorization request is still pending as the end-user hasn't yet completed the user interaction steps"),
        token_error("rfc8628.slow_down", 400, "slow_down", "Too many requests. Current interval: 10"),
        token_error("rfc8628.access_denied", 400, "access_denied", "End-User aborted interaction"),
        token_error("rfc8628.expired_token", 400, "expired_token", "device code is expired"),
        // OpenID CIBA Core 1.0 §11 (polls) and §13 (the backchannel endpoint)
        token_error("ciba.authorization_pending", 400, "authorization_pending", "").sent(SentFact::Ciba),
        token_error("ciba.slow_down", 400, "slow_down", "").sent(SentFact::Ciba),
        token_error("ciba.expired_token", 400, "expired_token", "auth_req_id is expired").sent(SentFact::Ciba),
        token_error("ciba.access_denied", 400, "access_denied", "End-User aborted interaction").sent(SentFact::Ciba),
        token_error("ciba.transaction_failed", 400, "transaction_failed", ""),
        token_error("ciba.unknown_user_id", 400, "unknown_user_id", "could not identify end-user"),
        token_error("ciba.unauthorized_client", 400, "unauthorized_client", "client not allowed to use CIBA").sent(SentFact::Ciba),
        token_error("ciba.missing_user_code", 400, "missing_user_code", ""),
        token_error("ciba.invalid_user_code", 400, "invalid_user_code", ""),
        token_error("ciba.invalid_binding_message", 400, "invalid_binding_message", "binding_message is too long"),
        token_error("ciba.expired_login_hint_token", 400, "expired_login_hint_token", ""),
        // RFC 7009 / 7662
        answer("rfc7009.unsupported_token_type", Revocation, 400, r#"{"error":"unsupported_token_type","error_description":"revocation of the presented token type is not supported"}"#),
        answer("rfc7009.unavailable", Revocation, 503, ""),
        answer("rfc7662.client_refused", Introspection, 401, ""),
        answer("rfc7662.no_active", Introspection, 200, r#"{"scope":"openid","client_id":"fe-client"}"#),
        // OpenID Connect Core §3.1.2.6
        redirect_error("oidc.login_required", "login_required", "End-User authentication is required"),
        redirect_error("oidc.interaction_required", "interaction_required", "interaction required"),
        redirect_error("oidc.consent_required", "consent_required", "prompt=none was used but consent is required"),
        redirect_error("oidc.account_selection_required", "account_selection_required", "select an account"),
        redirect_error("oidc.invalid_request_uri", "invalid_request_uri", "request_uri is invalid, expired, or was already used"),
        redirect_error("oidc.invalid_request_object", "invalid_request_object", "could not validate Request Object"),
        redirect_error("oidc.request_not_supported", "request_not_supported", "request parameter provided but not supported"),
        redirect_error("oidc.request_not_supported", "request_uri_not_supported", "request_uri parameter provided but not supported"),
        redirect_error("oidc.registration_not_supported", "registration_not_supported", "registration parameter provided but not supported"),
        // GitHub (errors come with HTTP 200)
        answer("github.unverified_user_email", Token, 200, "error=unverified_user_email&error_description=The+user+must+have+a+verified+primary+email.&error_uri=https%3A%2F%2Fdocs.github.com%2Fapps%2Fmanaging-oauth-apps%2Ftroubleshooting-oauth-app-access-token-request-errors%2F%23unverified-user-email")
            .header("Content-Type", "application/x-www-form-urlencoded"),
        redirect_error("github.application_suspended", "application_suspended", "Your application has been suspended. Contact support@github.com."),
        redirect_error("github.redirect_uri_mismatch", "redirect_uri_mismatch", "The redirect_uri MUST match the registered callback URL for this application."),
        redirect_error("github.access_denied", "access_denied", "The user has denied your application access."),
        token_error("github.incorrect_device_code", 200, "incorrect_device_code", "The device_code provided is not valid."),
        token_error("github.device_flow_disabled", 200, "device_flow_disabled", "Device flow must be explicitly enabled for this App"),
        answer("github.form_answer", Token, 200, "error=bad_verification_code&error_description=The+code+passed+is+incorrect+or+expired.")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .provider("github"),
        // Keycloak
        token_error("keycloak.code_not_valid", 400, "invalid_grant", "Code not valid"),
        token_error("keycloak.code_expired", 400, "invalid_grant", "Code is expired"),
        token_error("keycloak.incorrect_redirect_uri", 400, "invalid_grant", "Incorrect redirect_uri"),
        token_error("keycloak.session_not_active", 400, "invalid_grant", "Session not active"),
        token_error("keycloak.session_not_active", 400, "invalid_grant", "User session not found"),
        token_error("keycloak.token_not_active", 400, "invalid_grant", "Token is not active"),
        token_error("keycloak.invalid_refresh_token", 400, "invalid_grant", "Maximum allowed refresh token reuse exceeded"),
        token_error("keycloak.invalid_user_credentials", 401, "invalid_grant", "Invalid user credentials"),
        token_error("keycloak.account_not_set_up", 400, "invalid_grant", "Account is not fully set up"),
        token_error("keycloak.invalid_client_credentials", 401, "unauthorized_client", "Invalid client or Invalid client credentials"),
        token_error("keycloak.invalid_client_credentials", 401, "invalid_client", "Invalid client or Invalid client credentials"),
        token_error("keycloak.secret_not_provided", 401, "unauthorized_client", "Client secret not provided in request"),
        token_error("keycloak.flow_disabled", 400, "unauthorized_client", "Client not allowed for direct access grants"),
        token_error("keycloak.different_client", 400, "invalid_grant", "Auth error: Found different client_id in clientSession"),
        token_error("keycloak.pkce", 400, "invalid_grant", "PKCE verification failed: Code mismatch"),
        redirect_error("keycloak.pkce_required", "invalid_request", "Missing parameter: code_challenge_method"),
        token_error("keycloak.missing_parameter", 400, "invalid_request", "Missing form parameter: grant_type"),
        token_error("keycloak.duplicated_parameter", 400, "invalid_grant", "duplicated parameter"),
        answer("keycloak.client_not_allowed", Introspection, 401, r#"{"error":"invalid_request","error_description":"Client not allowed."}"#),
        answer("keycloak.invalid_token_issuer", Resource, 401, r#"{"error":"invalid_token","error_description":"Token invalid: Invalid token issuer. Expected 'http://localhost:8080/realms/partner-realm'"}"#),
        answer("keycloak.invalid_redirect_parameter", Authorization, 400, "<!DOCTYPE html><html><head><title>Sign in to partner-realm</title></head><body><div id=\"kc-error-message\"><p class=\"instruction\">Invalid parameter: redirect_uri</p></div></body></html>").html(),
        token_error("keycloak.event.invalid_client_credentials", 401, "invalid_client_credentials", ""),
        redirect_error("keycloak.event.invalid_redirect_uri", "invalid_redirect_uri", ""),
        token_error("keycloak.event.invalid_code", 400, "invalid_code", ""),
        token_error("keycloak.event.invalid_user_credentials", 401, "invalid_user_credentials", ""),
        // The bank: what the fixture does not hold (a run fact, the authorize redirect, TLS)
        token_error("sber.unknown_code.after_failed_exchange", 400, "invalid_grant", "Unknown code = 8b2f6c1e-5a0d-4c3b-9e7f-1d2a3b4c5d6e")
            .sent(SentFact::CodeAlreadyUsed),
        redirect_error("sber.invalid_scope", "invalid_scope", "openid must be the first scope").provider("sber-business-id"),
        redirect_error("sber.access_denied", "access_denied", "").provider("sber-business-id"),
        offline("sber.tls", NetError::Tls(TlsFailure::ClientCertificateRequired))
            .provider("sber-business-id"),
        // Kontur
        answer("kontur.second_factor", Token, 400, r#"{"error":"invalid_grant","partial_factor_token":"pft-9f1c2e","required_factors":[{"grant_type":"sms","identity":"+7 912 *** ** 45"}]}"#),
        token_error("kontur.invalid_client", 400, "invalid_client", "").provider("kontur"),
        token_error("kontur.invalid_scope", 400, "invalid_scope", "").provider("kontur"),
        // Microsoft Entra
        entra("entra.aadsts50011", "invalid_request", 50011, "The redirect URI 'http://localhost:53682/callback' specified in the request does not match the redirect URIs configured for the application '4a1e…'."),
        entra("entra.aadsts700016", "unauthorized_client", 700_016, "Application with identifier '4a1e…' was not found in the directory 'contoso'."),
        entra("entra.aadsts7000215", "invalid_client", 7_000_215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID."),
        entra("entra.aadsts7000218", "invalid_client", 7_000_218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."),
        entra("entra.aadsts700025", "invalid_client", 700_025, "Client is public so neither 'client_assertion' nor 'client_secret' should be presented."),
        entra("entra.aadsts54005", "invalid_grant", 54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token."),
        entra("entra.aadsts70008", "invalid_grant", 70008, "The provided authorization code or refresh token has expired due to inactivity."),
        entra("entra.aadsts700082", "invalid_grant", 700_082, "The refresh token has expired due to inactivity."),
        entra("entra.aadsts700084", "invalid_grant", 700_084, "The refresh token was issued to a single page app (SPA), and therefore has a fixed, limited lifetime of 1.00:00:00."),
        entra("entra.aadsts65001", "invalid_grant", 65001, "The user or administrator has not consented to use the application."),
        entra("entra.aadsts50148", "invalid_grant", 50148, "The code_verifier does not match the code_challenge supplied in the authorization request for PKCE."),
        entra("entra.aadsts9002313", "invalid_request", 9_002_313, "Invalid request. Request is malformed or invalid."),
        entra("entra.aadsts90102", "invalid_request", 90102, "'redirect_uri' value must be a valid absolute URI."),
        entra("entra.aadsts50126", "invalid_grant", 50126, "Error validating credentials due to invalid username or password."),
        entra("entra.aadsts50076", "invalid_grant", 50076, "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication."),
        entra("entra.aadsts70011", "invalid_scope", 70011, "The provided request must include a 'scope' input parameter."),
        entra("entra.aadsts900144", "invalid_request", 900_144, "The request body must contain the following parameter: 'grant_type'."),
        entra("entra.aadsts90002", "invalid_request", 90002, "Tenant 'contoso.onmicrosoft.con' not found."),
        entra("entra.aadsts53003", "access_denied", 53003, "Access has been blocked by Conditional Access policies."),
        entra("entra.aadsts9002326", "invalid_request", 9_002_326, "Cross-origin token redemption is permitted only for the 'Single-Page Application' client-type."),
        // Transport and shapes
        offline("transport.dns", NetError::Dns("dns error: failed to lookup address information: Name or service not known".to_owned())),
        offline("transport.refused", NetError::Refused("tcp connect error: Connection refused (os error 111)".to_owned())),
        offline("transport.timeout", NetError::Timeout(30)),
        offline("transport.tls_unknown_issuer", NetError::Tls(TlsFailure::UnknownIssuer { host: "sso.example.test".to_owned() })),
        offline("transport.tls_expired", NetError::Tls(TlsFailure::Expired { host: "sso.example.test".to_owned(), not_after: None, now: None })),
        offline("transport.tls_name_mismatch", NetError::Tls(TlsFailure::NameMismatch { host: "127.0.0.1".to_owned(), presented: vec!["example.test".to_owned()] })),
        offline("transport.tls_client_cert", NetError::Tls(TlsFailure::ClientCertificateRequired)),
        offline("transport.tls_other", NetError::Tls(TlsFailure::Other { detail: "received fatal alert: ProtocolVersion".to_owned() })),
        offline("transport.setup", NetError::Setup("could not read the client certificate /etc/partner.p12: No such file".to_owned())),
        offline("transport.other", NetError::Other("connection closed before message completed".to_owned())),
        answer("http.redirect_to_login", Token, 302, "").header("Location", "https://sso.example.test/adfs/ls/login?ReturnUrl=%2Ftoken"),
        answer("http.redirect", Token, 301, "").header("Location", "https://op.example.test/token/"),
        answer("http.html_instead_of_json", Token, 200, "<html><head><title>Corporate proxy</title></head><body>Access to this site is blocked</body></html>").html(),
        answer("http.empty_body", Token, 200, ""),
    ];
    // GitHub's documented token errors, as the fixture holds them (HTTP 200).
    let github: serde_json::Value =
        serde_json::from_str(&fixture("github-token-errors.json")).expect("github fixture");
    for error in github.as_array().expect("a list") {
        let code = error["error"].as_str().expect("error");
        let expect = match code {
            "incorrect_client_credentials" => "github.incorrect_client_credentials",
            "redirect_uri_mismatch" => "github.redirect_uri_mismatch",
            _ => "github.bad_verification_code",
        };
        cases.push(answer(expect, Token, 200, &error.to_string()));
    }
    // The bank's error table, one realistic answer per row.
    let bank: serde_json::Value =
        serde_json::from_str(&fixture("sber-token-errors.json")).expect("bank fixture");
    for row in bank.as_array().expect("a list") {
        let expect: &'static str = Box::leak(
            row["expect"]
                .as_str()
                .expect("expect")
                .to_owned()
                .into_boxed_str(),
        );
        let endpoint = match row["endpoint"].as_str() {
            Some("resource") => Resource,
            _ => Token,
        };
        let status = u16::try_from(row["status"].as_u64().expect("status")).expect("u16");
        cases.push(
            answer(expect, endpoint, status, &row["body"].to_string()).provider("sber-business-id"),
        );
    }
    cases
}

#[test]
fn every_catalogue_entry_is_produced_by_a_realistic_failure() {
    let cases = cases();
    let mut failures = Vec::new();
    for case in &cases {
        let diagnosis = diagnose(&case.context());
        if !diagnosis.has(case.expect) {
            let got: Vec<&str> = diagnosis.entries.iter().map(|f| f.id.as_str()).collect();
            failures.push(format!("{}: got {got:?}", case.expect));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let tested: HashSet<&str> = cases.iter().map(|c| c.expect).collect();
    let untested: Vec<&str> = catalogue()
        .entries
        .iter()
        .map(|e| e.id.as_str())
        .filter(|id| !tested.contains(id))
        .collect();
    assert!(untested.is_empty(), "entries without a test: {untested:?}");
}

#[test]
fn the_specific_entry_comes_before_the_generic_one() {
    let case = token_error(
        "sber.unknown_code",
        400,
        "invalid_grant",
        "Unknown code = 8b2f6c1e-5a0d-4c3b-9e7f-1d2a3b4c5d6e",
    )
    .provider("sber-business-id")
    .sent(SentFact::CodeAlreadyUsed);
    let diagnosis = diagnose(&case.context());
    let ids: Vec<&str> = diagnosis.entries.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids[0], "sber.unknown_code.after_failed_exchange", "{ids:?}");
    let position = |id: &str| ids.iter().position(|i| *i == id);
    assert!(position("sber.unknown_code") < position("rfc6749.token.invalid_grant"));
    // A fallback is dropped when something specific fits.
    let quiet = diagnose(&token_error("x", 401, "invalid_client", "bad secret").context());
    assert!(!quiet.has("http.unauthorized"), "{quiet:?}");
    // The bank's errorCode ACCESS_DENIED is not OAuth's access_denied.
    let forbidden = diagnose(
        &answer(
            "sber.http403",
            Endpoint::Token,
            403,
            r#"{"errorCode":"ACCESS_DENIED","errorMsg":"Операция не разрешена"}"#,
        )
        .provider("sber-business-id")
        .context(),
    );
    let ids: Vec<&str> = forbidden.entries.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, ["sber.http403"]);
    // A CIBA poll's denial is said in CIBA's terms, not the device grant's.
    let denied = diagnose(
        &token_error("x", 400, "access_denied", "")
            .sent(SentFact::Ciba)
            .context(),
    );
    let ids: Vec<&str> = denied.entries.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids.first(), Some(&"ciba.access_denied"), "{ids:?}");
    assert!(!ids.contains(&"rfc8628.access_denied"), "{ids:?}");
    // Every finding speaks both languages.
    let first = &diagnosis.entries[0];
    assert!(first.fix.ru.contains("код"), "{}", first.fix.ru);
    assert!(
        diagnosis
            .summary(tokenscope::i18n::Language::Ru)
            .is_some_and(|s| s.contains("Что сделать"))
    );
}

// ---- lints ---------------------------------------------------------------

fn metadata(json: &str) -> ProviderMetadata {
    ProviderMetadata {
        document: serde_json::from_str(json).expect("metadata"),
        url: "https://op.example.test/.well-known/openid-configuration".to_owned(),
    }
}

fn token_draft(fields: &[(&str, &str)]) -> RequestDraft {
    let fields: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    RequestDraft::form_post("https://op.example.test/token", &fields)
}

fn kinds(lints: &[tokenscope::oauth::lint::Lint]) -> Vec<LintKind> {
    lints.iter().map(|l| l.kind).collect()
}

#[test]
fn lint_redirect_uri_differs_from_the_authorization_request() {
    let draft = token_draft(&[
        ("grant_type", "authorization_code"),
        ("code", "c0de"),
        ("redirect_uri", "http://127.0.0.1:53682/callback/"),
    ]);
    let context = LintContext {
        authorize_redirect_uri: Some("http://127.0.0.1:53682/callback"),
        ..LintContext::default()
    };
    let lints = lint(&draft, &context);
    assert_eq!(kinds(&lints), [LintKind::RedirectUriDiffers]);
    assert!(lints[0].message.ru.contains("посимвольно"));
    let same = token_draft(&[
        ("grant_type", "authorization_code"),
        ("redirect_uri", "http://127.0.0.1:53682/callback"),
    ]);
    assert!(lint(&same, &context).is_empty());
}

#[test]
fn lint_code_already_used() {
    let draft = token_draft(&[("grant_type", "authorization_code"), ("code", "c0de")]);
    let context = LintContext {
        code_already_sent: true,
        ..LintContext::default()
    };
    assert_eq!(kinds(&lint(&draft, &context)), [LintKind::CodeAlreadyUsed]);
    assert!(lint(&draft, &LintContext::default()).is_empty());
}

#[test]
fn lint_secret_with_surrounding_whitespace() {
    let draft = token_draft(&[
        ("grant_type", "client_credentials"),
        ("client_id", "app"),
        ("client_secret", "s3cret\n"),
    ]);
    assert_eq!(
        kinds(&lint(&draft, &LintContext::default())),
        [LintKind::SecretWhitespace]
    );
    // A stored secret with a trailing space, sent through Basic.
    let mut basic = token_draft(&[("grant_type", "client_credentials")]);
    basic.set_header("Authorization", "Basic YXBwOnMzY3JldCA=");
    let context = LintContext {
        secret: Some("s3cret "),
        ..LintContext::default()
    };
    assert_eq!(kinds(&lint(&basic, &context)), [LintKind::SecretWhitespace]);
}

#[test]
fn lint_openid_missing_while_an_id_token_is_expected() {
    let draft = RequestDraft::get(
        "https://op.example.test/auth?response_type=code&client_id=app&scope=profile+email&state=s",
    );
    let oidc = LintContext {
        expects_id_token: true,
        ..LintContext::default()
    };
    assert_eq!(kinds(&lint(&draft, &oidc)), [LintKind::OpenidMissing]);
    assert!(
        lint(&draft, &LintContext::default()).is_empty(),
        "plain OAuth"
    );
}

#[test]
fn lint_github_without_accept_json() {
    let mut draft = token_draft(&[("code", "c0de"), ("client_id", "Iv1.abc")]);
    draft.url = "https://github.com/login/oauth/access_token".to_owned();
    draft.headers.retain(|(n, _)| n != "Accept");
    let context = LintContext {
        provider: Some("github"),
        ..LintContext::default()
    };
    assert_eq!(
        kinds(&lint(&draft, &context)),
        [LintKind::GithubWithoutAcceptJson]
    );
    draft.set_header("Accept", "application/json");
    assert!(lint(&draft, &context).is_empty());
}

#[test]
fn lint_non_loopback_http_redirect() {
    let draft = RequestDraft::get(
        "https://op.example.test/auth?response_type=code&client_id=app&redirect_uri=http%3A%2F%2Fpartner.example.test%2Fcb&state=s",
    );
    assert_eq!(
        kinds(&lint(&draft, &LintContext::default())),
        [LintKind::InsecureRedirectUri]
    );
    for loopback in [
        "http%3A%2F%2F127.0.0.1%3A53682%2Fcb",
        "http%3A%2F%2Flocalhost%3A8080%2Fcb",
        "http%3A%2F%2F%5B%3A%3A1%5D%3A8080%2Fcb",
        "https%3A%2F%2Fpartner.example.test%2Fcb",
    ] {
        let draft = RequestDraft::get(format!(
            "https://op.example.test/auth?response_type=code&redirect_uri={loopback}"
        ));
        assert!(
            lint(&draft, &LintContext::default()).is_empty(),
            "{loopback}"
        );
    }
}

#[test]
fn lint_short_state_and_nonce_for_the_bank() {
    let draft = RequestDraft::get(
        "https://sbi.example.test/ic/sso/api/v2/oauth/authorize?response_type=code&client_id=2085&scope=openid+inn&state=abc123&nonce=n1",
    );
    let bank = LintContext {
        provider: Some("sber-business-id"),
        expects_id_token: true,
        ..LintContext::default()
    };
    let lints = lint(&draft, &bank);
    assert_eq!(
        kinds(&lints),
        [LintKind::StateTooShort, LintKind::NonceTooShort]
    );
    assert_eq!(
        lints[0].message.en,
        "state has 6 characters; the bank asks for at least 36 characters."
    );
    assert_eq!(
        lints[0].message.ru,
        "В state 6 символов; банк требует не меньше 36 символов."
    );
    assert_eq!(
        lints[1].message.ru,
        "В nonce 2 символа; банк требует не меньше 10 символов."
    );
    // Another provider has no such rule.
    assert!(lint(&draft, &LintContext::default()).is_empty());
}

#[test]
fn lint_auth_and_pkce_methods_the_metadata_does_not_list() {
    let metadata = metadata(
        r#"{"issuer":"https://op.example.test","token_endpoint":"https://op.example.test/token",
            "token_endpoint_auth_methods_supported":["client_secret_basic","private_key_jwt"],
            "code_challenge_methods_supported":["S256"]}"#,
    );
    let context = LintContext {
        metadata: Some(&metadata),
        ..LintContext::default()
    };
    let post = token_draft(&[
        ("grant_type", "client_credentials"),
        ("client_id", "app"),
        ("client_secret", "s3cret"),
    ]);
    let lints = lint(&post, &context);
    assert_eq!(kinds(&lints), [LintKind::AuthMethodNotListed]);
    assert!(lints[0].message.en.contains("client_secret_post"));
    let mut basic = token_draft(&[("grant_type", "client_credentials")]);
    basic.set_header("Authorization", "Basic YXBwOnMzY3JldA==");
    assert!(lint(&basic, &context).is_empty());
    let plain = RequestDraft::get(
        "https://op.example.test/auth?response_type=code&client_id=app&code_challenge=abc&code_challenge_method=plain",
    );
    assert_eq!(
        kinds(&lint(&plain, &context)),
        [LintKind::PkceMethodNotListed]
    );
}

/// CIBA Core §4: ping asked for (a `client_notification_token` in the
/// backchannel request) while the metadata lists only poll: no ping will come.
#[test]
fn lint_ciba_ping_mode_the_metadata_does_not_list() {
    let poll_only = metadata(
        r#"{"issuer":"https://op.example.test","backchannel_token_delivery_modes_supported":["poll"]}"#,
    );
    let both = metadata(
        r#"{"issuer":"https://op.example.test","backchannel_token_delivery_modes_supported":["poll","ping"]}"#,
    );
    let mut ping = token_draft(&[
        ("scope", "openid"),
        ("login_hint", "anna"),
        ("client_notification_token", "nt-1"),
    ]);
    ping.set_header("Authorization", "Basic YXBwOnMzY3JldA==");
    let context = |metadata| LintContext {
        metadata: Some(metadata),
        ..LintContext::default()
    };
    let lints = lint(&ping, &context(&poll_only));
    assert_eq!(kinds(&lints), [LintKind::PingNotListed]);
    assert!(
        lints[0].message.en.contains("only poll"),
        "{}",
        lints[0].message.en
    );
    assert!(lints[0].message.ru.contains("ping не придёт"));
    assert!(lint(&ping, &context(&both)).is_empty());
    let mut poll = token_draft(&[("scope", "openid"), ("login_hint", "anna")]);
    poll.set_header("Authorization", "Basic YXBwOnMzY3JldA==");
    assert!(lint(&poll, &context(&poll_only)).is_empty());
}
