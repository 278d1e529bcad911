//! An OAuth-only authorization server on loopback, in a thread: 404 at the
//! OpenID discovery location, its metadata at the RFC 8414 one (§3.1), and
//! a token endpoint that issues an opaque access token to anyone. Include it
//! with `#[path = "../support/oauth_only.rs"] mod oauth_only;` (and
//! `json_server.rs`, which serves it).

/// Starts the server; its base URL (`http://127.0.0.1:PORT`), the issuer.
pub fn start() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let metadata = format!(r#"{{"issuer":"{base}","token_endpoint":"{base}/token"}}"#);
    crate::json_server::serve_on(listener, "oauth-only-server", move |path, _| match path {
        "/.well-known/oauth-authorization-server" => (200, metadata.clone()),
        "/token" => (
            200,
            r#"{"access_token":"токен-0123456789","token_type":"Bearer","expires_in":60}"#
                .to_owned(),
        ),
        _ => (404, r#"{"error":"not_found"}"#.to_owned()),
    })
    .base
}
