//! The forms tokens are pasted in: headers, curl lines, redirect URLs,
//! broken lines, stray characters, JWE, nested JWT.

use tokenscope::token::extract::Origin;
use tokenscope::token::jose::{Decoded, JwsPayload, encode_segment};
use tokenscope::token::{TokenKind, TokenRole};

use crate::{fixture, inspect_at_issue};

fn keycloak_id_token() -> String {
    let inspection = inspect_at_issue(&fixture("keycloak-token-response.json"));
    inspection
        .tokens
        .iter()
        .find(|t| t.role == Some(TokenRole::Id))
        .expect("id token")
        .value
        .clone()
}

#[test]
fn authorization_bearer_header_and_curl_line() {
    let token = keycloak_id_token();
    for text in [
        format!("Authorization: Bearer {token}"),
        format!("curl -H 'Authorization: Bearer {token}' https://api.example.test/me"),
        format!("curl -H \"authorization: bearer {token}\" -X POST https://api.example.test/me"),
    ] {
        let inspection = inspect_at_issue(&text);
        assert_eq!(inspection.tokens.len(), 1, "{text}");
        assert_eq!(inspection.tokens[0].value, token);
        assert_eq!(inspection.tokens[0].origins, [Origin::Bearer]);
        assert_eq!(
            inspection.tokens[0].role,
            Some(TokenRole::Id),
            "told from the nonce/typ claims"
        );
    }
}

#[test]
fn redirect_urls_with_a_code_or_tokens_in_the_fragment() {
    let inspection = inspect_at_issue(
        "https://partner.example/cb?code=3c1f6a2e-9c1b-4b7e-8a8e-0e7f2f9e5d11.8f2c&state=af0ifjsldkj-AAAAbbbb-1234567890-xyzXYZ&iss=https%3A%2F%2Fsso.example.test",
    );
    let code = &inspection.tokens[0];
    assert_eq!(code.role, Some(TokenRole::AuthorizationCode));
    assert_eq!(code.kind, TokenKind::Opaque);
    let response = code
        .response
        .as_ref()
        .expect("the redirect's other parameters");
    assert_eq!(
        response.get("iss"),
        Some("https://sso.example.test"),
        "percent-decoded"
    );

    let token = keycloak_id_token();
    let inspection = inspect_at_issue(&format!(
        "http://localhost:4200/#state=abc&session_state=x&id_token={token}&token_type=Bearer&expires_in=900"
    ));
    assert_eq!(inspection.tokens.len(), 1);
    assert_eq!(
        inspection.tokens[0].origins,
        [Origin::UrlFragment {
            name: "id_token".to_owned()
        }]
    );
}

#[test]
fn a_token_broken_every_way_at_once_is_mended_and_the_mending_reported() {
    let token = keycloak_id_token();
    let pieces: Vec<String> = token
        .as_bytes()
        .chunks(76)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    // Hard wraps with CRLF, a blank line, trailing spaces and a zero-width space.
    let mut text = String::from("Here is the token from the ticket:\r\n\r\n");
    for (i, piece) in pieces.iter().enumerate() {
        text.push_str(piece);
        if i == 1 {
            text.push('\u{200B}');
        }
        text.push_str("  \r\n");
        if i == 2 {
            text.push_str("\r\n");
        }
    }
    text.push_str("Thanks\r\n");
    let inspection = inspect_at_issue(&text);
    assert_eq!(
        inspection.tokens.len(),
        1,
        "{:?}",
        inspection
            .tokens
            .iter()
            .map(|t| &t.value)
            .collect::<Vec<_>>()
    );
    let found = &inspection.tokens[0];
    assert_eq!(found.value, token);
    assert_eq!(found.kind, TokenKind::Jws);
    assert_eq!(found.mends.lines_joined, pieces.len());
    assert_eq!(found.mends.zero_width_removed, 1);
    assert_eq!(found.mends.blank_lines_removed, 1);
    assert_eq!(found.mends.spaces_removed, 2 * (pieces.len() - 1));
}

#[test]
fn quotes_and_a_bearer_prefix_inside_a_json_value() {
    let token = keycloak_id_token();
    let inspection = inspect_at_issue(&format!("{{\"token\": \"Bearer {token}\"}}"));
    assert_eq!(inspection.tokens[0].value, token);
    assert!(inspection.tokens[0].mends.bearer_prefix_removed);
}

#[test]
fn a_json_body_logged_as_an_escaped_string() {
    let token = keycloak_id_token();
    let text =
        format!("level=error body=\"{{\\\"id_token\\\":\\\"{token}\\\",\\\"expires_in\\\":300}}\"");
    let inspection = inspect_at_issue(&format!("{{\"msg\": \"{}\"}}", text.replace('"', "\\\"")));
    assert_eq!(inspection.tokens.len(), 1);
    assert_eq!(inspection.tokens[0].value, token);
}

#[test]
fn jwe_is_reported_as_encrypted() {
    let jwe = format!(
        "{}.{}.{}.{}.{}",
        encode_segment(br#"{"alg":"RSA-OAEP-256","enc":"A256GCM","kid":"enc-1"}"#),
        encode_segment(&[7; 256]),
        encode_segment(&[1; 12]),
        encode_segment(b"ciphertext bytes"),
        encode_segment(&[2; 16])
    );
    let inspection = inspect_at_issue(&format!("token: {jwe}"));
    let token = &inspection.tokens[0];
    assert_eq!(token.kind, TokenKind::Jwe);
    assert_eq!(token.header_str("enc"), Some("A256GCM"));
    assert!(token.claims().is_none());
}

#[test]
fn nested_jwt_is_followed() {
    let inner = keycloak_id_token();
    let outer = format!(
        "{}.{}.{}",
        encode_segment(br#"{"alg":"RS256","cty":"JWT"}"#),
        encode_segment(inner.as_bytes()),
        encode_segment(b"outer signature")
    );
    let inspection = inspect_at_issue(&outer);
    let token = &inspection.tokens[0];
    let Some(Decoded::Jws(jws)) = &token.decoded else {
        panic!("a JWS")
    };
    assert!(matches!(jws.payload, JwsPayload::Nested(_)));
    assert!(
        token.claims().is_some_and(|c| c.contains_key("nonce")),
        "claims of the inner token"
    );
}

#[test]
fn opaque_tokens_are_named_as_such() {
    let inspection = inspect_at_issue(
        "{\"access_token\":\"Zm9vYmFyYmF6cXV4cXV1eA\",\"token_type\":\"Bearer\",\"expires_in\":60}",
    );
    let token = &inspection.tokens[0];
    assert_eq!(token.kind, TokenKind::Opaque);
    assert_eq!(token.summary(), "opaque · a random string");
    assert_eq!(token.times.len(), 1, "lifetime from expires_in");
}
