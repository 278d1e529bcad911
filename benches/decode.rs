//! Decoding throughput: a 1 MB paste holding 200 distinct tokens.
//! Target: under 100 ms. Run with `cargo bench --bench decode`.
#![expect(
    clippy::expect_used,
    clippy::print_stdout,
    clippy::cast_precision_loss,
    reason = "a benchmark prints approximate numbers and fails loudly"
)]

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Instant;

use tokenscope::token::jose::encode_segment;
use tokenscope::token::{Timestamp, inspect};

/// A paste like a day of service logs: token responses, Bearer headers and
/// bare JWTs among ordinary log lines, 200 distinct tokens in 1 MB.
fn paste() -> String {
    let header = encode_segment(br#"{"alg":"RS256","typ":"JWT","kid":"kc-rsa-1"}"#);
    let filler = "2026-11-25 07:00:00.123 INFO  [http-nio-8080-exec-7] o.e.api.Handler - GET /api/v1/accounts 200 12 ms {\"trace\":\"4bf92f3577b34da6\"}\n";
    let mut text = String::with_capacity(1_100_000);
    for i in 0..200u8 {
        let claims = format!(
            r#"{{"exp":1795389606,"iat":1795387806,"jti":"{i:08}-5092-4fad-a38b-12c3e5f72612","iss":"https://sso.example.test/realms/partner-realm","sub":"19942df0-db31-410a-b76a-551750ccdae0","typ":"Bearer","azp":"fe-client","realm_access":{{"roles":["USER","offline_access"]}},"scope":"email openid profile","name":"Анна Смирнова"}}"#
        );
        let token = format!(
            "{header}.{}.{}",
            encode_segment(claims.as_bytes()),
            encode_segment(&[i; 256])
        );
        match i % 3 {
            0 => writeln!(text, "Response body: {{\"access_token\":\"{token}\",\"expires_in\":1800,\"token_type\":\"Bearer\"}}"),
            1 => writeln!(text, "curl -H \"Authorization: Bearer {token}\" https://api.example.test/me"),
            _ => writeln!(text, "token={token}"),
        }
        .expect("writing to a String cannot fail");
        while text.len() < (usize::from(i) + 1) * 5_200 {
            text.push_str(filler);
        }
    }
    text
}

fn main() {
    let text = paste();
    let now = Timestamp::from_unix(1_795_387_806);
    let found = inspect(&text, now).tokens.len();
    assert_eq!(found, 200, "the paste holds 200 distinct tokens");
    let mut times: Vec<f64> = (0..15)
        .map(|_| {
            let start = Instant::now();
            black_box(inspect(black_box(&text), now));
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    println!(
        "decode: {:.2} MB paste, {found} tokens: median {median:.1} ms, best {:.1} ms (target < 100 ms)",
        text.len() as f64 / 1_048_576.0,
        times[0]
    );
}
