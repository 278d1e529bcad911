//! Error answers pasted into the inspector are found and diagnosed the way a
//! failed step is: JSON and form bodies, redirect URLs, `WWW-Authenticate`
//! headers, Keycloak event lines, `AADSTS` messages, bare messages.

use tokenscope::diagnose::{PastedOrigin, find_pasted_errors};

use crate::{fixture, inspect_at_issue};

fn first_ids(text: &str) -> Vec<(Option<PastedOrigin>, String)> {
    find_pasted_errors(text)
        .into_iter()
        .map(|e| {
            (
                e.origin,
                e.diagnosis
                    .entries
                    .first()
                    .map(|f| f.id.clone())
                    .unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn the_github_error_fixture_is_diagnosed_entry_by_entry() {
    let inspection = inspect_at_issue(&fixture("github-token-errors.json"));
    let ids: Vec<&str> = inspection
        .errors
        .iter()
        .map(|e| e.diagnosis.entries[0].id.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "github.incorrect_client_credentials",
            "github.redirect_uri_mismatch",
            "github.bad_verification_code"
        ]
    );
    assert!(
        inspection
            .errors
            .iter()
            .all(|e| e.provider.as_deref() == Some("github"))
    );
}

#[test]
fn every_shape_of_pasted_error_is_found() {
    for (text, origin, id) in [
        (
            "error=bad_verification_code&error_description=The+code+passed+is+incorrect+or+expired.&error_uri=https%3A%2F%2Fdocs.github.com%2Fapps",
            PastedOrigin::FormBody,
            "github.bad_verification_code",
        ),
        (
            "Browser ended on https://partner.example.test/cb?error=access_denied&error_description=The+user+has+denied+your+application+access.&state=xyz",
            PastedOrigin::RedirectUrl,
            "github.access_denied",
        ),
        (
            "< HTTP/1.1 401 Unauthorized\n< WWW-Authenticate: Bearer realm=\"api\", error=\"invalid_token\", error_description=\"The access token expired\"\n",
            PastedOrigin::WwwAuthenticate,
            "rfc6750.invalid_token",
        ),
        (
            "2026-11-22 14:03:11,204 WARN  [org.keycloak.events] (executor-thread-7) type=\"CODE_TO_TOKEN_ERROR\", realmId=\"partner-realm\", clientId=\"fe-client\", userId=\"null\", ipAddress=\"10.0.0.7\", error=\"invalid_client_credentials\", grant_type=\"authorization_code\"",
            PastedOrigin::LogLine,
            "keycloak.event.invalid_client_credentials",
        ),
        (
            "Sign-in failed: AADSTS50011: The redirect URI 'http://localhost:53682/callback' specified in the request does not match the redirect URIs configured for the application.",
            PastedOrigin::Aadsts,
            "entra.aadsts50011",
        ),
        (
            r#"token call failed {"error":"invalid_grant","error_description":"Code not valid"}"#,
            PastedOrigin::JsonBody,
            "keycloak.code_not_valid",
        ),
    ] {
        let found = first_ids(text);
        assert_eq!(found, [(Some(origin), id.to_owned())], "{text}");
    }
}

#[test]
fn a_bare_known_message_is_diagnosed_and_prose_is_not() {
    let found = find_pasted_errors("Unknown code = 8b2f6c1e-5a0d-4c3b-9e7f-1d2a3b4c5d6e");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].origin, None);
    assert!(found[0].diagnosis.has("sber.unknown_code"));
    assert!(find_pasted_errors("The weather is fine today.").is_empty());
    assert!(find_pasted_errors("").is_empty());
    // Tokens are not errors.
    assert!(
        inspect_at_issue(&fixture("keycloak-login-error.log"))
            .errors
            .is_empty()
    );
}

#[test]
fn the_same_error_logged_twice_is_listed_once() {
    let line = r#"{"error":"invalid_client","error_description":"Invalid client or Invalid client credentials"}"#;
    let found = find_pasted_errors(&format!("first: {line}\nretry: {line}\n"));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].occurrences, 2);
    assert_eq!(
        found[0].diagnosis.entries[0].id,
        "keycloak.invalid_client_credentials"
    );
}
