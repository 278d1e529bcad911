//! Decoding time: realistic pastes of 10 KB, 1 MB and 10 MB (ms and ms per
//! MB), and the worst shapes we know, 10 MB each unless named otherwise.
//! Target: every one under 1 s (issue 13). Run with `cargo bench --bench decode`;
//! peak memory of the same shapes through the binary: `bash benches/decode_memory.sh`.
#![expect(
    clippy::expect_used,
    clippy::print_stdout,
    clippy::cast_precision_loss,
    reason = "a benchmark prints approximate numbers and fails loudly"
)]

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Instant;

use tokenscope::paste::inspect;
use tokenscope::token::Timestamp;
use tokenscope::token::jose::encode_segment;

const MB: usize = 1024 * 1024;

/// A paste like a day of service logs: token responses, Bearer headers and
/// bare JWTs among ordinary log lines, one distinct token per 5,200 bytes.
fn realistic(size: usize) -> String {
    let header = encode_segment(br#"{"alg":"RS256","typ":"JWT","kid":"kc-rsa-1"}"#);
    let filler = "2026-11-25 07:00:00.123 INFO  [http-nio-8080-exec-7] o.e.api.Handler - GET /api/v1/accounts 200 12 ms {\"trace\":\"4bf92f3577b34da6\"}\n";
    let mut text = String::with_capacity(size + 6_000);
    let mut i = 0usize;
    while text.len() < size {
        let claims = format!(
            r#"{{"exp":1795389606,"iat":1795387806,"jti":"{i:08}-5092-4fad-a38b-12c3e5f72612","iss":"https://sso.example.test/realms/partner-realm","sub":"19942df0-db31-410a-b76a-551750ccdae0","typ":"Bearer","azp":"fe-client","realm_access":{{"roles":["USER","offline_access"]}},"scope":"email openid profile","name":"Анна Смирнова"}}"#
        );
        let signature: Vec<u8> = i.to_be_bytes().iter().copied().cycle().take(256).collect();
        let token = format!(
            "{header}.{}.{}",
            encode_segment(claims.as_bytes()),
            encode_segment(&signature)
        );
        match i % 3 {
            0 => writeln!(text, "Response body: {{\"access_token\":\"{token}\",\"expires_in\":1800,\"token_type\":\"Bearer\"}}"),
            1 => writeln!(text, "curl -H \"Authorization: Bearer {token}\" https://api.example.test/me"),
            _ => writeln!(text, "token={token}"),
        }
        .expect("writing to a String cannot fail");
        i += 1;
        while text.len() < i * 5_200 && text.len() < size {
            text.push_str(filler);
        }
    }
    text
}

/// `piece` repeated to `size` bytes.
fn flood(piece: &str, size: usize) -> String {
    piece.repeat(size.div_ceil(piece.len()))
}

/// The median and best of `runs` inspections, in milliseconds.
fn time(text: &str, runs: usize) -> (f64, f64) {
    let now = Timestamp::from_unix(1_795_387_806);
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            black_box(inspect(black_box(text), now));
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    (times[times.len() / 2], times[0])
}

fn main() {
    let now = Timestamp::from_unix(1_795_387_806);
    let one_mb = realistic(MB);
    assert!(
        inspect(&one_mb, now).tokens.len() >= 200,
        "the 1 MB paste holds 200 distinct tokens and more"
    );
    let mut over = Vec::new();
    println!("| paste | size | tokens | median | best | per MB |");
    println!("|---|---|---|---|---|---|");
    for (name, size, runs) in [
        ("realistic", 10 * 1024, 31),
        ("realistic", MB, 15),
        ("realistic", 10 * MB, 5),
    ] {
        let text = realistic(size);
        let tokens = inspect(&text, now).tokens.len();
        let (median, best) = time(&text, runs);
        let mb = text.len() as f64 / MB as f64;
        println!(
            "| {name} | {:.2} MB | {tokens} | {median:.1} ms | {best:.1} ms | {:.1} ms/MB |",
            mb,
            median / mb
        );
        if median > 1000.0 {
            over.push(format!("{name} {size}"));
        }
    }
    let line = format!("eyJhbGciOiJSUzI1NiJ9.{}.c2ln", "A".repeat(5 * MB));
    let wrapped_line = format!("eyJhbGciOiJSUzI1NiJ9{}", "A".repeat(40));
    let wrapped = vec![wrapped_line.as_str(); 100_000].join("\n");
    let shapes: Vec<(&str, String)> = vec![
        ("`error=x ` flood, one line", flood("error=x ", 10 * MB)),
        ("`error=x` lines", flood("error=x\n", 10 * MB)),
        ("`eyJ` flood", flood("eyJ", 10 * MB)),
        ("`eyJ.` flood", flood("eyJ.", 10 * MB)),
        ("quote flood", flood("\"", 10 * MB)),
        ("`Bearer ` flood", flood("Bearer ", 10 * MB)),
        ("`{` × 10 M", flood("{", 10 * MB)),
        ("`[` × 10 M", flood("[", 10 * MB)),
        ("`{\"a\":` nesting", flood("{\"a\":", 10 * MB)),
        (
            "`{\"access_token\":\"` flood",
            flood("{\"access_token\":\"", 10 * MB),
        ),
        (
            "`access_token=x&` flood, one word",
            flood("access_token=x&", 10 * MB),
        ),
        (
            "Cyrillic words",
            flood("Токен истёк, доступ запрещён \u{200F}😀 ", 10 * MB),
        ),
        ("one 5 MB line", line),
        ("100,000 wrapped JWT-like lines (6 MB)", wrapped),
    ];
    for (name, text) in &shapes {
        let tokens = inspect(text, now).tokens.len();
        let (median, best) = time(text, 3);
        let mb = text.len() as f64 / MB as f64;
        println!(
            "| {name} | {mb:.2} MB | {tokens} | {median:.1} ms | {best:.1} ms | {:.1} ms/MB |",
            median / mb
        );
        if median > 1000.0 {
            over.push((*name).to_owned());
        }
    }
    if over.is_empty() {
        println!("\nevery paste under 1 s (target)");
    } else {
        println!("\nOVER 1 s: {}", over.join(", "));
    }
}
