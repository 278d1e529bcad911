//! Signature verification cost per token, one line per algorithm family:
//! RS256 (Keycloak), ES256 (Kontur), HS256 (Keycloak refresh token), `EdDSA`
//! (a token signed here with a fixed Ed25519 key), GOST (Sber).
//! Run with `cargo bench --bench verify`.
#![expect(
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a benchmark prints approximate numbers and fails loudly"
)]

use std::hint::black_box;
use std::time::Instant;

use ed25519_dalek::Signer as _;
use serde_json::Value;
use tokenscope::token::jose::{Decoded, decode_unverified, encode_segment};
use tokenscope::token::keys::KeySet;
use tokenscope::token::verify::verify_decoded;

const RUNS: usize = 200;

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn field(json: &str, name: &str) -> String {
    let value: Value = serde_json::from_str(json).expect("JSON fixture");
    value[name].as_str().expect("a string field").to_owned()
}

fn decoded(token: &str) -> Decoded {
    decode_unverified(token).expect("the fixture token decodes")
}

/// An `EdDSA` token and its key set, from a fixed Ed25519 key.
fn eddsa() -> (Decoded, KeySet) {
    let signing = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
    let input = format!(
        "{}.{}",
        encode_segment(br#"{"alg":"EdDSA","typ":"JWT","kid":"bench-ed-1"}"#),
        encode_segment(
            br#"{"iss":"https://bench.example.test","sub":"bench","aud":"bench","exp":1795389606,"iat":1795387806}"#
        )
    );
    let signature = signing.sign(input.as_bytes());
    let token = format!("{input}.{}", encode_segment(&signature.to_bytes()));
    let jwks = format!(
        r#"{{"keys":[{{"kty":"OKP","crv":"Ed25519","kid":"bench-ed-1","use":"sig","x":"{}"}}]}}"#,
        encode_segment(signing.verifying_key().as_bytes())
    );
    (decoded(&token), KeySet::from_jwks_json(&jwks, "bench"))
}

fn main() {
    let keycloak = fixture("keycloak-token-response.json");
    let secret: Value = serde_json::from_str(&fixture("expected.json")).expect("expected.json");
    let secret = secret["keycloak"]["hs256_secret_b64u"]
        .as_str()
        .expect("secret")
        .to_owned();
    let secret =
        tokenscope::token::jose::decode_segment(&secret, tokenscope::token::jose::Part::Signature)
            .expect("base64url secret");
    let families: Vec<(&str, Decoded, KeySet)> = vec![
        (
            "RS256 (Keycloak ID token, RSA 2048)",
            decoded(&field(&keycloak, "id_token")),
            KeySet::from_jwks_json(&fixture("keycloak-jwks.json"), "keycloak-jwks.json"),
        ),
        (
            "ES256 (Kontur ID token, P-256)",
            decoded(&field(&fixture("kontur-token-response.json"), "id_token")),
            KeySet::from_jwks_json(&fixture("kontur-jwks.json"), "kontur-jwks.json"),
        ),
        (
            "HS256 (Keycloak refresh token)",
            decoded(&field(&keycloak, "refresh_token")),
            KeySet::hmac(&secret, "realm secret"),
        ),
        {
            let (token, keys) = eddsa();
            ("EdDSA (Ed25519, fixed key)", token, keys)
        },
        (
            "GOST R 34.10-2012 256 (Sber ID token)",
            decoded(&field(&fixture("sber-token-response.json"), "id_token")),
            KeySet::from_pem(
                &fixture("sber-bank-certificate.pem"),
                "sber-bank-certificate.pem",
            ),
        ),
    ];
    for (name, token, keys) in &families {
        let outcome = verify_decoded(token, keys);
        assert!(outcome.is_valid(), "{name}: {}", outcome.summary());
        let mut micros: Vec<f64> = (0..RUNS)
            .map(|_| {
                let start = Instant::now();
                black_box(verify_decoded(black_box(token), black_box(keys)));
                start.elapsed().as_secs_f64() * 1e6
            })
            .collect();
        micros.sort_by(f64::total_cmp);
        println!(
            "verify {name}: median {:.1} µs, best {:.1} µs over {RUNS} runs",
            micros[RUNS / 2],
            micros[0]
        );
    }
}
