//! Properties: inspecting any text, or any bytes, never panics, and the
//! report of what was found can always be written (issue 13).
//!
//! Case counts stay modest so `cargo test` stays fast; the strategies lean
//! on the shapes that broke before: JSON and form fragments, `eyJ`, quotes,
//! Cyrillic words, NBSP and RTL marks, broken percent escapes.

use proptest::prelude::*;
use tokenscope::paste::{Inspection, inspect_bytes};
use tokenscope::token::Timestamp;
use tokenscope::token::claims::Meaning;
use tokenscope::token::jose::encode_segment;

use crate::{GENERATED_AT, inspect_at_issue};

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 192,
        // Failures are kept as named tests, not as files beside the source.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Pieces pastes are made of, including a real token and a hostile one.
fn fragments() -> Vec<String> {
    let token = format!(
        "{}.{}.{}",
        encode_segment(br#"{"alg":"RS256","kid":"k"}"#),
        encode_segment(r#"{"sub":"Анна","exp":1e300,"iat":-5,"nbf":"завтра"}"#.as_bytes()),
        encode_segment(&[3; 40])
    );
    [
        "eyJ",
        "eyJhbGciOiJSUzI1NiJ9",
        ".",
        "{\"access_token\":\"",
        "{\"error\":\"invalid_grant\",\"error_description\":\"",
        "\"expires_in\":1.8e23,",
        "\"",
        "\",",
        "{",
        "}",
        "[",
        "]",
        ":",
        "\\",
        "\\u",
        "error=",
        "error_description=",
        "access_token=",
        "&",
        "?",
        "#",
        "=",
        "%",
        "%D0%",
        "Bearer ",
        "Authorization: ",
        "WWW-Authenticate: Bearer error=\"",
        "HTTP/1.1 400 ",
        "AADSTS50011",
        "\n",
        "\r\n",
        " ",
        "\t",
        "Токен истёк",
        "Ключ",
        "состояние",
        "\u{00A0}",
        "\u{200B}",
        "\u{200F}",
        "\u{FEFF}",
        "😀",
        "«»",
        "https://app.example/cb",
        &token,
        &"A".repeat(64),
    ]
    .into_iter()
    .map(str::to_owned)
    .collect()
}

fn paste() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(fragments()), 0..160)
        .prop_map(|parts| parts.concat())
}

/// Everything a reader of the inspection would look at.
fn read_all(inspection: &Inspection) {
    let now = Timestamp::from_unix(GENERATED_AT);
    let report = tokenscope::cli::decode::report(inspection, now);
    serde_json::to_string(&report).expect("the report is JSON");
    let _ = inspection.notices();
    for token in &inspection.tokens {
        let _ = token.summary();
        let _ = token.mends.describe();
        for row in token.claim_rows.iter().chain(&token.header_rows) {
            let _ = row.shown();
            let _ = row.meaning.as_ref().map(Meaning::text);
        }
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn inspecting_any_string_never_panics(text in any::<String>()) {
        read_all(&inspect_at_issue(&text));
    }

    #[test]
    fn inspecting_paste_like_text_never_panics(text in paste()) {
        let inspection = inspect_at_issue(&text);
        prop_assert_eq!(inspection.input_bytes, text.len());
        read_all(&inspection);
    }

    #[test]
    fn inspecting_any_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let inspection = inspect_bytes(&bytes, Timestamp::from_unix(GENERATED_AT));
        prop_assert_eq!(inspection.input_bytes, bytes.len());
        prop_assert_eq!(inspection.invalid_utf8 == 0, std::str::from_utf8(&bytes).is_ok());
        read_all(&inspection);
    }
}

/// Every decryption key of the JWE fixtures: RSA (PEM), P-256 (SEC1), and
/// the recipient JWKS (RSA, P-384, P-521, AES key wrap, AES-GCM key wrap,
/// a 512-bit `dir` key).
fn decryption_keys() -> &'static tokenscope::token::keys::KeySet {
    use tokenscope::token::keys::KeySet;
    static KEYS: std::sync::OnceLock<KeySet> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/jwe/");
        [
            "recipient.private.jwks.json",
            "recipient-rsa.pkcs8.pem",
            "recipient-p256.sec1.pem",
        ]
        .into_iter()
        .map(|name| {
            let bytes = std::fs::read(format!("{dir}{name}")).expect("a JWE key fixture");
            KeySet::from_file_bytes(&bytes, name, None)
        })
        .fold(KeySet::default(), KeySet::merge)
    })
}

/// A JWE protected header: every `alg` and `enc` (and some unknown), kids
/// of the fixture keys, `epk` objects with coordinates of any length,
/// `zip`, `apu`/`apv`, `crit`.
fn jwe_header() -> impl Strategy<Value = String> {
    let algs = prop::sample::select(vec![
        "RSA1_5",
        "RSA-OAEP",
        "RSA-OAEP-256",
        "RSA-OAEP-512",
        "ECDH-ES",
        "ECDH-ES+A128KW",
        "ECDH-ES+A256KW",
        "A128KW",
        "A256KW",
        "A256GCMKW",
        "dir",
        "PBES2-HS256+A128KW",
        "none",
    ]);
    let encs = prop::sample::select(vec![
        "A128GCM",
        "A192GCM",
        "A256GCM",
        "A128CBC-HS256",
        "A256CBC-HS512",
        "A128CBC",
    ]);
    let kids = prop::sample::select(vec![
        "",
        r#","kid":"jose-rsa""#,
        r#","kid":"jose-p384""#,
        r#","kid":"jose-a128kw""#,
        r#","kid":"jose-a256gcmkw""#,
        r#","kid":"jose-dir-512""#,
        r#","kid":7"#,
    ]);
    let crvs = prop::sample::select(vec!["P-256", "P-384", "P-521", "X25519"]);
    let coordinate = prop::collection::vec(any::<u8>(), 0..70).prop_map(|b| encode_segment(&b));
    let epk = (crvs, coordinate.clone(), coordinate.clone()).prop_map(|(crv, x, y)| {
        format!(r#","epk":{{"kty":"EC","crv":"{crv}","x":"{x}","y":"{y}"}}"#)
    });
    let extras = prop::sample::select(vec![
        "",
        r#","zip":"DEF""#,
        r#","zip":"GZIP""#,
        r#","cty":"JWT""#,
        r#","apu":"QWxpY2U","apv":"!!""#,
        r#","iv":"AAAAAAAAAAAAAAAA","tag":"AAAAAAAAAAAAAAAAAAAAAA""#,
        r#","crit":["exp"]"#,
    ]);
    (algs, encs, kids, prop::option::of(epk), extras).prop_map(|(alg, enc, kid, epk, extra)| {
        format!(
            r#"{{"alg":"{alg}","enc":"{enc}"{kid}{}{extra}}}"#,
            epk.unwrap_or_default()
        )
    })
}

fn segment(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(any::<u8>(), 0..max).prop_map(|bytes| encode_segment(&bytes))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..config() })]

    /// Any 5-segment token, decrypted with every kind of key (RSA1_5
    /// allowed), never panics: it is refused with a reason.
    #[test]
    fn decrypting_any_five_segments_never_panics(
        header in jwe_header(),
        encrypted_key in segment(300),
        iv in segment(20),
        ciphertext in segment(200),
        tag in segment(70),
    ) {
        use tokenscope::token::jwe::DecryptOptions;
        let compact = format!(
            "{}.{encrypted_key}.{iv}.{ciphertext}.{tag}",
            encode_segment(header.as_bytes())
        );
        let decoded = tokenscope::token::jose::decode_unverified(&compact);
        let Ok(tokenscope::token::jose::Decoded::Jwe(jwe)) = decoded else {
            return Err(TestCaseError::fail(format!("not a JWE: {compact}")));
        };
        let options = DecryptOptions { allow_rsa1_5: true };
        match tokenscope::token::jwe::open(&jwe, decryption_keys(), options) {
            Ok(opened) => {
                let _ = opened.opened.map(|o| o.decryption.summary());
            }
            Err(error) => {
                prop_assert!(error.code().starts_with("JWE_"));
                prop_assert!(!error.to_string().is_empty());
            }
        }
        let outcome = tokenscope::token::verify::verify_decoded_with(
            &tokenscope::token::jose::Decoded::Jwe(jwe),
            decryption_keys(),
            options,
        );
        prop_assert!(!outcome.is_valid());
        let _ = (outcome.summary(), outcome.code());
    }

    /// Authenticated encryption: any byte changed in the encrypted key, the
    /// IV, the ciphertext or the tag of a real token is detected.
    #[test]
    fn any_changed_byte_of_a_real_jwe_is_detected(
        which in 0usize..10,
        part in 1usize..5,
        at in any::<prop::sample::Index>(),
        flip in 1u8..=255,
    ) {
        use tokenscope::token::jose::{Part, decode_segment};
        let vectors: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/jwe/jose-vectors.json"
            ))
            .expect("the jose vectors"),
        )
        .expect("JSON");
        let vector = &vectors["vectors"][which];
        if vector["name"] == "nested-id-token-pkcs12" {
            return Ok(());
        }
        let compact = vector["compact"].as_str().expect("compact");
        let mut parts: Vec<String> = compact.split('.').map(str::to_owned).collect();
        let mut bytes = decode_segment(&parts[part], Part::Ciphertext).expect("base64url");
        if bytes.is_empty() {
            // `dir` and `ECDH-ES` carry no encrypted key.
            return Ok(());
        }
        let index = at.index(bytes.len());
        bytes[index] ^= flip;
        parts[part] = encode_segment(&bytes);
        let Ok(tokenscope::token::jose::Decoded::Jwe(jwe)) =
            tokenscope::token::jose::decode_unverified(&parts.join("."))
        else {
            return Err(TestCaseError::fail("not a JWE"));
        };
        let result = tokenscope::token::jwe::open(
            &jwe,
            decryption_keys(),
            tokenscope::token::jwe::DecryptOptions::default(),
        );
        prop_assert!(result.is_err(), "{} part {part} byte {index}: decrypted", vector["name"]);
    }
}

/// A metadata value of any shape: strings that matter (`PS256`, `jwt`,
/// GOST names), Cyrillic, control characters, wrong types, nested lists.
fn metadata_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let word = prop_oneof![
        Just("PS256".to_owned()),
        Just("GOST3410_2012_256".to_owned()),
        Just("private_key_jwt".to_owned()),
        Just("jwt".to_owned()),
        Just("S256".to_owned()),
        Just("Алгоритм\u{202e}\u{0}".to_owned()),
        any::<String>(),
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        word.prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 64, 16, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..16).prop_map(Value::Array),
            prop::collection::vec(inner, 0..4).prop_map(|items| {
                Value::Object(
                    items
                        .into_iter()
                        .enumerate()
                        .map(|(i, v)| (format!("k{i}"), v))
                        .collect(),
                )
            }),
        ]
    })
}

proptest! {
    #![proptest_config(config())]

    /// Any metadata and any profile switches: every set evaluates, no
    /// panic, every reason one line of bounded length.
    #[test]
    fn fapi_checks_of_any_metadata_never_panic(
        values in prop::collection::vec(metadata_value(), 12),
        auth in 0..6_usize,
        pkce in 0..3_usize,
        switches in any::<(bool, bool, bool)>(),
        response_mode in any::<String>(),
        algorithm in any::<String>(),
    ) {
        use tokenscope::oauth::discovery::ProviderMetadata;
        use tokenscope::oauth::{ClientAuth, PkceMode, Profile, fapi};
        const MEMBERS: [&str; 12] = [
            "require_pushed_authorization_requests",
            "pushed_authorization_request_endpoint",
            "code_challenge_methods_supported",
            "dpop_signing_alg_values_supported",
            "tls_client_certificate_bound_access_tokens",
            "authorization_response_iss_parameter_supported",
            "id_token_signing_alg_values_supported",
            "token_endpoint_auth_methods_supported",
            "response_modes_supported",
            "request_object_signing_alg_values_supported",
            "authorization_signing_alg_values_supported",
            "grant_types_supported",
        ];
        let document = MEMBERS
            .iter()
            .zip(values)
            .map(|(name, value)| ((*name).to_owned(), value))
            .collect();
        let metadata = ProviderMetadata { document, url: String::new() };
        let mut profile = Profile {
            client_auth: ClientAuth::ALL[auth],
            pkce: PkceMode::ALL[pkce],
            dpop: switches.0,
            par: switches.1,
            request_object: switches.2,
            response_mode,
            ..Profile::default()
        };
        profile.client_assertion.algorithm = algorithm;
        for set in fapi::sets() {
            for metadata in [None, Some(&metadata)] {
                let results = fapi::evaluate(set, &profile, metadata);
                prop_assert_eq!(results.len(), set.rules.len());
                for result in results {
                    prop_assert!(result.reason.chars().count() < 600, "{}", result.id);
                    prop_assert!(!result.reason.contains('\n'), "{}", result.id);
                }
            }
        }
    }
}
