//! Each fixture, shaped like a provider's real material, comes out right.

use tokenscope::token::extract::Origin;
use tokenscope::token::inspect::OpaqueShape;
use tokenscope::token::time::{TimeState, Timestamp};
use tokenscope::token::{TokenKind, TokenRole};

use crate::{GENERATED_AT, expected, fixture, inspect_at_issue};

#[test]
fn keycloak_log_line_three_tokens_each_seen_twice() {
    let inspection = inspect_at_issue(&fixture("keycloak-login-error.log"));
    let roles: Vec<_> = inspection.tokens.iter().map(|t| t.role.clone()).collect();
    assert_eq!(
        roles,
        [
            Some(TokenRole::Access),
            Some(TokenRole::Refresh),
            Some(TokenRole::Id)
        ]
    );
    for token in &inspection.tokens {
        assert_eq!(token.kind, TokenKind::Jws);
        assert_eq!(token.occurrences, 2, "the response is logged twice");
        assert!(
            token.mends.is_empty(),
            "nothing to mend in a log line: {:?}",
            token.mends
        );
    }
    let facts = expected();
    let access = &inspection.tokens[0];
    let exp = access.times.iter().find(|t| t.name == "exp").expect("exp");
    assert_eq!(
        Some(exp.at.unix()),
        facts["keycloak"]["access_token_exp"].as_i64()
    );
    let lifetime = access
        .times
        .iter()
        .find(|t| t.name == "expires_in")
        .expect("expires_in lifetime");
    assert_eq!(lifetime.at.unix(), GENERATED_AT + 1800);
    let refresh = &inspection.tokens[1];
    assert_eq!(refresh.header_str("alg"), Some("HS256"));
    let refresh_lifetime = refresh
        .times
        .iter()
        .find(|t| t.name == "refresh_expires_in")
        .expect("lifetime");
    assert_eq!(
        Some(refresh_lifetime.at.unix()),
        facts["keycloak"]["refresh_token_exp"].as_i64()
    );
    let id = &inspection.tokens[2];
    assert_eq!(
        id.claims().and_then(|c| c["nonce"].as_str()),
        facts["keycloak"]["nonce"].as_str()
    );
    assert_eq!(
        id.claims().and_then(|c| c["name"].as_str()),
        Some("Анна Смирнова")
    );
    let roles = id
        .claim_rows
        .iter()
        .find(|r| r.path == "realm_access/roles");
    assert!(roles.is_none(), "the ID token has no realm roles");
    let access_roles = access
        .claim_rows
        .iter()
        .find(|r| r.path == "resource_access/be-client/roles")
        .expect("nested roles");
    assert_eq!(access_roles.children, Some(2));
}

#[test]
fn keycloak_response_claim_order_is_kept() {
    let inspection = inspect_at_issue(&fixture("keycloak-token-response.json"));
    let access = &inspection.tokens[0];
    let first: Vec<&str> = access
        .claim_rows
        .iter()
        .filter(|r| r.depth == 0)
        .take(3)
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(
        first,
        ["exp", "iat", "jti"],
        "claims appear in the issuer's order"
    );
}

#[test]
fn moex_word_paste_reassembles_the_wrapped_jwt() {
    let inspection = inspect_at_issue(&fixture("moex-passport-word-paste.txt"));
    let facts = expected();
    assert_eq!(inspection.tokens.len(), 3);
    let passport = &inspection.tokens[0];
    assert_eq!(
        Some(passport.value.as_str()),
        facts["moex"]["passport_access_token"].as_str()
    );
    assert_eq!(passport.kind, TokenKind::Opaque);
    assert_eq!(passport.opaque, Some(OpaqueShape::Uuid));
    assert_eq!(
        passport.times[0].at.unix(),
        GENERATED_AT + 3600,
        "lifetime from expires_in"
    );
    let wrapped = &inspection.tokens[2];
    assert_eq!(
        Some(wrapped.value.as_str()),
        facts["moex"]["wrapped_access_token"].as_str()
    );
    assert_eq!(wrapped.kind, TokenKind::Jws);
    assert_eq!(wrapped.header_str("kid"), Some("moex-rsa-1"));
    assert!(wrapped.mends.lines_joined > 10, "{:?}", wrapped.mends);
    assert!(wrapped.mends.spaces_removed > 0);
    let summary = wrapped.mends.describe().expect("mends are described");
    assert_eq!(
        summary,
        "joined 18 lines, dropped 17 blank lines, removed 8 spaces"
    );
    assert_eq!(
        wrapped.claims().and_then(|c| c["sub"].as_str()),
        Some("f:6e83631c-efa4-4f9f-864b-f5ca304c841c:90196")
    );
}

#[test]
fn sber_gost_id_token_and_opaque_uuid_tokens() {
    let inspection = inspect_at_issue(&fixture("sber-token-response.json"));
    let [access, refresh, id] = inspection.tokens.as_slice() else {
        panic!("three tokens")
    };
    assert_eq!(access.opaque, Some(OpaqueShape::UuidWithSuffix));
    assert_eq!(refresh.role, Some(TokenRole::Refresh));
    assert_eq!(id.header_str("alg"), Some("gost34.10-2012"));
    let amr = id
        .claim_rows
        .iter()
        .find(|r| r.name == "amr")
        .expect("amr row");
    assert_eq!(amr.display, "{pwd, mca, mfa, otp, sms}");
    assert!(
        amr.meaning
            .as_ref()
            .is_some_and(|m| m.text().contains("one string")),
        "{amr:?}"
    );
    let exp = id.times.iter().find(|t| t.name == "exp").expect("exp");
    assert_eq!(
        exp.status(Timestamp::from_unix(GENERATED_AT)).phrase,
        "expires in 5:00"
    );
    assert_eq!(
        exp.status(Timestamp::from_unix(GENERATED_AT + 301)).state,
        TimeState::Expired
    );
}

#[test]
fn sber_user_info_jwt_with_cyrillic_claims() {
    let inspection = inspect_at_issue(&fixture("sber-user-info.jwt"));
    let token = &inspection.tokens[0];
    let claims = token.claims().expect("claims");
    assert_eq!(claims["OrgName"].as_str(), Some("ООО \"Пример Экспресс\""));
    assert_eq!(claims["terBank"].as_str(), Some("Московский банк"));
    let hash = token
        .claim_rows
        .iter()
        .find(|r| r.name == "HashOrgId")
        .expect("row");
    assert!(hash.meaning.is_some());
}

#[test]
fn github_form_encoded_response() {
    let inspection = inspect_at_issue(&fixture("github-token-success.form"));
    let token = &inspection.tokens[0];
    assert_eq!(token.value, "gho_d2badc6cd5fd44bba9f99dd8e577a657");
    assert_eq!(
        token.origins,
        [Origin::FormField {
            name: "access_token".to_owned()
        }]
    );
    assert_eq!(
        token.opaque,
        Some(OpaqueShape::GitHub("OAuth app access token".to_owned()))
    );
    assert_eq!(
        token.response.as_ref().and_then(|r| r.get("scope")),
        Some("repo,gist")
    );
}

#[test]
fn kontur_es256_id_token_and_opaque_access_token() {
    let inspection = inspect_at_issue(&fixture("kontur-token-response.json"));
    let [access, id] = inspection.tokens.as_slice() else {
        panic!("two tokens")
    };
    assert_eq!(access.kind, TokenKind::Opaque);
    assert_eq!(access.times[0].at.unix(), GENERATED_AT + 3600);
    assert_eq!(id.header_str("alg"), Some("ES256"));
    assert_eq!(
        id.claims().and_then(|c| c["aud"].as_str()),
        expected()["kontur"]["client_id"].as_str()
    );
}
