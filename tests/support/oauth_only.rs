//! An OAuth-only authorization server on loopback, in a thread: 404 at the
//! OpenID discovery location, its metadata at the RFC 8414 one (§3.1), and
//! a token endpoint that issues an opaque access token to anyone. Include it
//! with `#[path = "../support/oauth_only.rs"] mod oauth_only;`.

use std::io::{BufRead as _, BufReader, Write as _};

/// Starts the server; its base URL (`http://127.0.0.1:PORT`), the issuer.
pub fn start() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let metadata = format!(r#"{{"issuer":"{base}","token_endpoint":"{base}/token"}}"#);
    let server = move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut request_line = String::new();
            let _ = reader.read_line(&mut request_line);
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 0 && line != "\r\n" {
                line.clear();
            }
            let path = request_line
                .split(' ')
                .nth(1)
                .unwrap_or_default()
                .to_owned();
            let (status, body) = if path == "/.well-known/oauth-authorization-server" {
                ("200 OK", metadata.clone())
            } else if path == "/token" {
                (
                    "200 OK",
                    r#"{"access_token":"токен-0123456789","token_type":"Bearer","expires_in":60}"#
                        .to_owned(),
                )
            } else {
                ("404 Not Found", r#"{"error":"not_found"}"#.to_owned())
            };
            let mut stream = stream;
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    };
    std::thread::Builder::new()
        .name("oauth-only-server".to_owned())
        .spawn(server)
        .expect("server thread");
    base
}
