//! An SD-JWT VC issuer on a loopback port: its JWT VC Issuer Metadata and
//! JWK Set served over plain HTTP (tokenscope fetches http only from a
//! loopback host), and credentials signed with the RFC 9901 examples' issuer
//! key (`tests/fixtures/sd-jwt/issuer-key.json`), whose public half it
//! serves. Shared by the test binaries with
//! `#[path = "../support/vc_issuer.rs"] mod vc_issuer;`.

use std::net::TcpListener;

use p256::ecdsa::signature::Signer as _;
use serde_json::{Value, json};
use tokenscope::token::jose::{Part, decode_segment, encode_segment};
use tokenscope::token::sd_jwt::HashAlg;

/// Each test binary that includes this module uses a different part of it;
/// naming every public item here keeps `dead_code` quiet in all of them.
const _: () = {
    let _ = |port: u16, metadata: fn(&str) -> Value| (serve(metadata), serve_on(port, metadata));
    let _ = credential;
    let _ = |issuer: &Issuer| (issuer.iss(), issuer.asked());
};

/// The `kid` the served key and the credentials carry.
pub const KID: &str = "issuer-key-2026";

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/sd-jwt/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The issuer's public JWK Set, its one key named [`KID`].
pub fn jwks() -> Value {
    let mut jwks: Value = serde_json::from_str(&fixture("issuer-jwks.json")).expect("JWKS");
    jwks["keys"][0]["kid"] = json!(KID);
    jwks
}

/// A running issuer: its base address and the paths it was asked for.
pub struct Issuer {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    server: crate::json_server::JsonServer,
}

impl Issuer {
    /// The `iss` of a tenant of this issuer: `BASE/tenant/1234`.
    pub fn iss(&self) -> String {
        format!("{}/tenant/1234", self.base)
    }

    /// The paths asked so far.
    pub fn asked(&self) -> Vec<String> {
        self.server.paths()
    }
}

/// Serves, for as long as the test runs, the metadata `metadata(base)`
/// makes at `/.well-known/jwt-vc-issuer/tenant/1234` and [`jwks`] at
/// `/jwks`; 404 elsewhere. On any free port.
pub fn serve(metadata: impl FnOnce(&str) -> Value) -> Issuer {
    serve_from(TcpListener::bind("127.0.0.1:0").expect("bind"), metadata)
}

/// [`serve`] on `port` (a screen that shows the address must not change
/// from run to run), or `None` when the port is taken.
pub fn serve_on(port: u16, metadata: impl FnOnce(&str) -> Value) -> Option<Issuer> {
    let listener = TcpListener::bind(("127.0.0.1", port)).ok()?;
    Some(serve_from(listener, metadata))
}

fn serve_from(listener: TcpListener, metadata: impl FnOnce(&str) -> Value) -> Issuer {
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let metadata = metadata(&base).to_string();
    let keys = jwks().to_string();
    let server = crate::json_server::serve_on(listener, "vc-issuer", move |path, _| match path {
        "/.well-known/jwt-vc-issuer/tenant/1234" => (200, metadata.clone()),
        "/jwks" => (200, keys.clone()),
        _ => (404, "{}".to_owned()),
    });
    Issuer { base, server }
}

/// An SD-JWT VC (`typ` `dc+sd-jwt`, a `vct`) issued by `iss`, `kid`
/// [`KID`], with one Disclosure (`given_name`), signed with the issuer key.
pub fn credential(iss: &str) -> String {
    let jwk: Value = serde_json::from_str(&fixture("issuer-key.json")).expect("JWK");
    let d = decode_segment(jwk["d"].as_str().expect("d"), Part::Payload).expect("d");
    let key = p256::ecdsa::SigningKey::from_slice(&d).expect("P-256 key");
    let disclosure =
        encode_segment(r#"["2GLC42sKQveCfGfryNRN9w", "given_name", "Иван"]"#.as_bytes());
    let header = json!({"alg": "ES256", "typ": "dc+sd-jwt", "kid": KID});
    let payload = json!({
        "iss": iss,
        "vct": "https://credentials.example.com/identity_credential",
        "iat": 1_748_000_000,
        "exp": 1_948_000_000,
        "_sd": [HashAlg::Sha256.digest(&disclosure)],
        "_sd_alg": "sha-256",
    });
    let input = format!(
        "{}.{}",
        encode_segment(header.to_string().as_bytes()),
        encode_segment(payload.to_string().as_bytes())
    );
    let signature: p256::ecdsa::Signature = key.sign(input.as_bytes());
    format!(
        "{input}.{}~{disclosure}~",
        encode_segment(&signature.to_bytes())
    )
}
