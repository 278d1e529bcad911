//! A std-only HTTP server on a loopback port for tests: each request is
//! answered with the JSON that `answer(path, n)` picks (`n`: the requests
//! before it), in a thread, for as long as the test runs. Shared by the
//! test binaries with `#[path = "../support/json_server.rs"] mod json_server;`.

use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// Each test binary that includes this module uses a different part of it;
/// naming every public item here keeps `dead_code` quiet in all of them.
const _: () = {
    let _ = |answer: fn(&str, usize) -> (u16, String)| serve("unused", answer);
    let _ = |server: &JsonServer| (server.paths(), server.requests());
};

/// A running server.
pub struct JsonServer {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    paths: Arc<Mutex<Vec<String>>>,
}

impl JsonServer {
    /// Every request's path so far, in order.
    pub fn paths(&self) -> Vec<String> {
        self.paths
            .lock()
            .map(|paths| paths.clone())
            .unwrap_or_default()
    }

    /// How many requests came.
    pub fn requests(&self) -> usize {
        self.paths().len()
    }
}

/// Serves `answer` on a free port; `name` names the thread.
pub fn serve(
    name: &str,
    answer: impl Fn(&str, usize) -> (u16, String) + Send + 'static,
) -> JsonServer {
    serve_on(
        TcpListener::bind("127.0.0.1:0").expect("bind"),
        name,
        answer,
    )
}

/// Serves `answer` on `listener`.
pub fn serve_on(
    listener: TcpListener,
    name: &str,
    answer: impl Fn(&str, usize) -> (u16, String) + Send + 'static,
) -> JsonServer {
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let paths = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&paths);
    std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut request = Vec::new();
                let mut chunk = [0_u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut chunk) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => request.extend_from_slice(chunk.get(..n).unwrap_or_default()),
                    }
                }
                let text = String::from_utf8_lossy(&request);
                let path = text.split(' ').nth(1).unwrap_or_default().to_owned();
                let before = match seen.lock() {
                    Ok(mut paths) => {
                        paths.push(path.clone());
                        paths.len() - 1
                    }
                    Err(_) => 0,
                };
                let (status, body) = answer(&path, before);
                let reason = if status == 200 { "OK" } else { "Not Found" };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        })
        .expect("server thread");
    JsonServer { base, paths }
}
