//! SD-JWT (RFC 9901) in a paste, in `tokenscope decode` and in
//! `tokenscope verify`, with the RFC's own examples
//! (`tests/fixtures/sd-jwt/`).

use serde_json::Value;
use tokenscope::paste::inspect;
use tokenscope::token::{Timestamp, TokenKind};

use crate::fixture;

/// The KB-JWT's `iat` in RFC 9901 §5.2, plus a minute.
const NOW: i64 = 1_748_537_243 + 60;

fn presentation() -> String {
    fixture("sd-jwt/rfc9901-5.2-presentation-kb.txt")
        .trim()
        .to_owned()
}

fn path(name: &str) -> String {
    format!(
        "{}/tests/fixtures/sd-jwt/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn an_sd_jwt_in_any_paste_is_one_token() {
    let sd = presentation();
    let encoded = sd.replace('~', "%7E");
    let pastes = [
        sd.clone(),
        format!("Вот презентация 😀:\n{sd}\nСпасибо"),
        format!(r#"{{"credential":"{sd}","c_nonce":"Ключ"}}"#),
        format!(r#"{{"access_token":"{sd}","token_type":"DPoP"}}"#),
        format!("vp_token={encoded}&state=xyz"),
        format!("vp_token={sd}&state=xyz"),
        format!("Authorization: Bearer {sd}"),
        // Wrapped at 76 columns by a mail client or a log, under Cyrillic text.
        format!(
            "Креденшл из письма:\n{}\n",
            sd.as_bytes()
                .chunks(76)
                .map(|line| String::from_utf8_lossy(line).into_owned())
                .collect::<Vec<_>>()
                .join("\n")
        ),
    ];
    for paste in pastes {
        let inspection = inspect(&paste, Timestamp::from_unix(NOW));
        let kinds: Vec<TokenKind> = inspection.tokens.iter().map(|t| t.kind).collect();
        assert_eq!(kinds, [TokenKind::SdJwt], "{paste}");
        let token = &inspection.tokens[0];
        assert_eq!(token.value, sd, "{paste}");
        let processed = token.claims().expect("processed claims");
        assert_eq!(processed["given_name"], "John");
        assert!(
            token
                .summary()
                .starts_with("SD-JWT · ES256 · 4 disclosures · KB-JWT")
        );
        // Listed with the withheld digests where they sit, the disclosed claims in place.
        let rows: Vec<&str> = token.claim_rows.iter().map(|r| r.path.as_str()).collect();
        assert!(
            rows.contains(&"given_name") && rows.contains(&"_sd"),
            "{rows:?}"
        );
    }
}

#[test]
fn the_issuer_jwt_alone_is_still_a_jws() {
    let sd = presentation();
    let issuer = sd.split('~').next().expect("issuer JWT");
    let inspection = inspect(issuer, Timestamp::from_unix(NOW));
    assert_eq!(inspection.tokens[0].kind, TokenKind::Jws);
    assert!(inspection.tokens[0].sd_jwt.is_none());
}

fn run(command: &str, args: &[&str]) -> (i32, Value) {
    let (code, report, stderr) = crate::tokenscope(command, args, "", &[]);
    assert!(!report.is_null(), "no JSON: {stderr}");
    (code, report)
}

#[test]
fn decode_puts_disclosed_claims_in_place_and_says_where() {
    let now = NOW.to_string();
    let (code, report) = run(
        "decode",
        &[&path("rfc9901-5.2-presentation-kb.txt"), "--now", &now],
    );
    assert_eq!(code, 0);
    let token = &report["tokens"][0];
    assert_eq!(token["kind"], "sd_jwt");
    assert_eq!(token["claims"]["family_name"], "Doe");
    assert_eq!(token["claims"]["nationalities"], serde_json::json!(["US"]));
    assert!(token["claims"].get("_sd").is_none());
    let sd = &token["sd_jwt"];
    assert_eq!(sd["sd_alg"], "sha-256");
    assert_eq!(sd["withheld"], 6);
    assert_eq!(
        sd["issuer_signed_claims"]["_sd"].as_array().map(Vec::len),
        Some(8)
    );
    let disclosures = sd["disclosures"].as_array().expect("disclosures");
    assert_eq!(disclosures.len(), 4);
    assert_eq!(disclosures[0]["name"], "family_name");
    assert_eq!(disclosures[0]["salt"], "eluV5Og3gSNII8EYnsxA_A");
    assert_eq!(disclosures[0]["pointer"], "/family_name");
    assert_eq!(disclosures[3]["name"], Value::Null);
    assert_eq!(disclosures[3]["pointer"], "/nationalities/0");
    assert_eq!(sd["key_binding"]["header"]["typ"], "kb+jwt");
    assert_eq!(sd["key_binding"]["claims"]["nonce"], "1234567890");
    assert_eq!(sd["problems"], serde_json::json!([]));
    assert_eq!(token["signature"]["status"], "not_verified");
}

#[test]
fn verify_checks_the_issuer_the_disclosures_and_the_key_binding() {
    let now = NOW.to_string();
    let jwks = path("issuer-jwks.json");
    let token = path("rfc9901-5.2-presentation-kb.txt");
    let args = [
        token.as_str(),
        "--jwks",
        &jwks,
        "--audience",
        "https://verifier.example.org",
        "--nonce",
        "1234567890",
        "--now",
        &now,
    ];
    let (code, report) = run("verify", &args);
    assert_eq!(code, 0, "{report:#}");
    let verified = &report["tokens"][0];
    assert_eq!(verified["kind"], "sd_jwt");
    assert_eq!(verified["checked_as"], "sd_jwt");
    assert_eq!(verified["signature"]["status"], "valid");
    let row = |name: &str| {
        verified["checks"]
            .as_array()
            .and_then(|rows| rows.iter().find(|r| r["name"] == name))
            .unwrap_or_else(|| panic!("no {name} row"))
            .clone()
    };
    for name in [
        "disclosures",
        "digests",
        "kb_signature",
        "sd_hash",
        "kb_aud",
        "kb_nonce",
    ] {
        assert_eq!(row(name)["status"], "pass", "{name}: {}", row(name));
    }
    let mut wrong = args;
    wrong[6] = "n-other";
    let (code, report) = run("verify", &wrong);
    assert_eq!(code, 1);
    let nonce = report["tokens"][0]["checks"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["name"] == "kb_nonce"))
        .expect("kb_nonce row");
    assert_eq!(nonce["code"], "SD_KB_NONCE_MISMATCH");
    // A changed Disclosure: exit 1, whatever else holds.
    let tampered = presentation().replacen("~WyJlbHVWNU9nM2", "~WyJlbHVWNU9nM3", 1);
    let mut args = args;
    args[0] = &tampered;
    let (code, report) = run("verify", &args);
    assert_eq!(code, 1, "{report:#}");
}

#[test]
fn hostile_tails_are_read_once() {
    let jwt = "eyJhbGciOiJub25lIn0.eyJfc2QiOlsiYSJdfQ.";
    let pastes = [
        format!("{jwt}~{}", "A".repeat(1_000_000)),
        format!("{jwt}%7E{}", "A.".repeat(500_000)),
        format!("{jwt}~WyJh~ ").repeat(20_000),
        format!("{jwt}{}", "~".repeat(1_000_000)),
        format!("{jwt}~{}", format!("{jwt}~").repeat(20_000)),
    ];
    for paste in pastes {
        let started = std::time::Instant::now();
        let inspection = inspect(&paste, Timestamp::from_unix(NOW));
        assert!(!inspection.tokens.is_empty());
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "{} bytes took {:?}",
            paste.len(),
            started.elapsed()
        );
    }
}

/// `tokenscope verify CREDENTIAL --fetch-issuer-keys --now …`: exit code and report.
fn verify_fetching(credential: &str) -> (i32, Value) {
    let (code, report, stderr) = crate::tokenscope(
        "verify",
        &[credential, "--fetch-issuer-keys", "--now", "1800000000"],
        "",
        &[("NO_PROXY", "127.0.0.1")],
    );
    assert!(!report.is_null(), "no JSON: {stderr}");
    (code, report)
}

fn issuer_key_row(report: &Value) -> Value {
    report["tokens"][0]["checks"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["name"] == "issuer_key"))
        .unwrap_or_else(|| panic!("no issuer_key row: {report:#}"))
        .clone()
}

#[test]
fn verify_fetches_an_sd_jwt_vc_issuers_keys_from_its_metadata_when_asked() {
    use crate::vc_issuer::{credential, jwks, serve};
    // `jwks` inline.
    let issuer =
        serve(|base| serde_json::json!({"issuer": format!("{base}/tenant/1234"), "jwks": jwks()}));
    let vc = credential(&issuer.iss());
    // Without the flag nothing is fetched: there is no key, a usage error.
    let (code, _, stderr) = crate::tokenscope("verify", &[&vc], "", &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("--fetch-issuer-keys for an SD-JWT VC"),
        "{stderr}"
    );
    assert!(issuer.asked().is_empty());
    let (code, report) = verify_fetching(&vc);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(issuer.asked(), ["/.well-known/jwt-vc-issuer/tenant/1234"]);
    let verified = &report["tokens"][0];
    assert_eq!(verified["signature"]["status"], "valid");
    let row = issuer_key_row(&report);
    assert_eq!(row["status"], "pass", "{row}");
    let metadata_url = format!("{}/.well-known/jwt-vc-issuer/tenant/1234", issuer.base);
    assert_eq!(
        row["reason"],
        format!(
            "signed with issuer key {} from {metadata_url}",
            crate::vc_issuer::KID
        )
    );
    assert_eq!(report["keys"][0]["source"], format!("JWKS {metadata_url}"));

    // The payload changed after signing: exit 1, the signature and the row fail.
    let (code, report) = verify_fetching(&tampered(&vc));
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(report["tokens"][0]["signature"]["status"], "invalid");
    assert_eq!(issuer_key_row(&report)["code"], "JWS_SIG_INVALID");

    // `jwks_uri`: the metadata, then the key set, each once.
    let issuer = serve(
        |base| serde_json::json!({"issuer": format!("{base}/tenant/1234"), "jwks_uri": format!("{base}/jwks")}),
    );
    let (code, report) = verify_fetching(&credential(&issuer.iss()));
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(
        issuer.asked(),
        ["/.well-known/jwt-vc-issuer/tenant/1234", "/jwks"]
    );
    assert_eq!(issuer_key_row(&report)["status"], "pass");
}

#[test]
fn verify_refuses_metadata_of_another_issuer_and_says_why() {
    use crate::vc_issuer::{credential, jwks, serve};
    // The metadata names the host, not the tenant the credential's `iss` is.
    let issuer = serve(|base| serde_json::json!({"issuer": base, "jwks": jwks()}));
    let (code, report) = verify_fetching(&credential(&issuer.iss()));
    assert_eq!(code, 1, "{report:#}");
    let row = issuer_key_row(&report);
    assert_eq!(row["status"], "fail");
    assert_eq!(row["code"], "SD_VC_ISSUER_METADATA");
    let reason = row["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("refused: the metadata's issuer is")
            && reason.contains(&issuer.iss())
            && reason.contains("must not be used"),
        "{reason}"
    );
    // Its keys were not used.
    assert_eq!(report["keys"], serde_json::json!([]));
    assert_eq!(report["tokens"][0]["signature"]["status"], "no_key");

    // An SD-JWT that is no VC (RFC 9901's example): nothing fetched, the row says why.
    let plain = path("rfc9901-5.1-issuance.txt");
    let (code, report) = verify_fetching(&plain);
    assert_eq!(code, 1, "{report:#}");
    let row = issuer_key_row(&report);
    assert_eq!(row["status"], "not_applicable");
    assert!(
        row["reason"]
            .as_str()
            .is_some_and(|r| r.starts_with("not an SD-JWT VC: typ is example+sd-jwt")),
        "{row}"
    );
}

/// `credential` with its issuer-signed payload changed after signing (`exp` later).
pub fn tampered(credential: &str) -> String {
    let mut parts = credential.splitn(3, '.');
    let (header, payload, rest) = (
        parts.next().expect("header"),
        parts.next().expect("payload"),
        parts.next().expect("signature"),
    );
    let claims =
        tokenscope::token::jose::decode_segment(payload, tokenscope::token::jose::Part::Payload)
            .expect("payload");
    let mut claims: Value = serde_json::from_slice(&claims).expect("claims");
    claims["exp"] = serde_json::json!(2_000_000_000);
    format!(
        "{header}.{}.{rest}",
        tokenscope::token::jose::encode_segment(claims.to_string().as_bytes())
    )
}
