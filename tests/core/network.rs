//! Network settings without a network: redirects of API calls, mTLS
//! endpoint aliases from discovery, TLS validation findings, old profile
//! files, and PKCS#12 files that cannot be opened.

use std::time::Duration;

use tokenscope::net::{Exchange, RecordedRequest, RecordedResponse};
use tokenscope::oauth::discovery::{ProviderMetadata, apply};
use tokenscope::oauth::flow::parse_token_response;
use tokenscope::oauth::{ClientAuth, Profile};

fn answered(status: u16, headers: &[(&str, &str)]) -> Exchange {
    Exchange {
        request: RecordedRequest {
            method: "POST".to_owned(),
            url: "https://op.example/token".to_owned(),
            headers: Vec::new(),
            body: Vec::new(),
        },
        response: Ok(RecordedResponse {
            status,
            reason: String::new(),
            version: "HTTP/1.1".to_owned(),
            headers: headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
            body: b"<html>moved</html>".to_vec(),
            truncated_at: None,
        }),
        duration: Duration::ZERO,
    }
}

#[test]
fn a_redirect_from_the_token_endpoint_is_the_answer_and_names_where_it_points() {
    let failure = parse_token_response(&answered(
        302,
        &[("Location", "https://sso.example/login?next=/token")],
    ))
    .expect_err("a redirect is not a token response");
    assert_eq!(
        failure.message,
        "HTTP 302: the endpoint redirects to https://sso.example/login?next=/token; tokenscope does not follow redirects of API calls."
    );
    assert!(failure.diagnosis.is_some());
}

fn metadata(json: &str) -> ProviderMetadata {
    let serde_json::Value::Object(document) = serde_json::from_str(json).expect("json") else {
        panic!("an object")
    };
    ProviderMetadata {
        document,
        url: "https://op.example/.well-known/openid-configuration".to_owned(),
    }
}

#[test]
fn tls_client_auth_uses_the_mtls_aliases_from_discovery() {
    let mut profile = Profile {
        issuer: "https://op.example".to_owned(),
        client_id: "app".to_owned(),
        ..Profile::default()
    };
    let outcome = apply(
        &mut profile,
        &metadata(
            r#"{"issuer":"https://op.example","token_endpoint":"https://op.example/token",
                "mtls_endpoint_aliases":{"token_endpoint":"https://mtls.op.example/token"}}"#,
        ),
    );
    assert!(
        outcome
            .changes
            .iter()
            .any(|c| c.field == "mtls_endpoint_aliases.token_endpoint"),
        "{outcome:?}"
    );
    assert_eq!(
        profile.endpoint_for("token_endpoint"),
        "https://op.example/token",
        "a client with a secret keeps the plain endpoint"
    );
    profile.client_auth = ClientAuth::TlsClientAuth;
    assert_eq!(
        profile.endpoint_for("token_endpoint"),
        "https://mtls.op.example/token"
    );
    assert_eq!(
        profile.endpoint_for("userinfo_endpoint"),
        "",
        "no alias and no endpoint"
    );
}

#[test]
fn an_old_profile_file_gets_the_default_timeouts_and_trusts_the_system() {
    let profile: Profile = serde_json::from_str(
        r#"{"name":"old","client_id":"app","tls":{"extra_ca_files":["ca.pem"]}}"#,
    )
    .expect("an old profile loads");
    assert_eq!(profile.network.connect_timeout_secs, 10);
    assert_eq!(profile.network.timeout_secs, 30);
    assert!(!profile.tls.only_given_cas);
    assert!(profile.endpoints.mtls_aliases.is_empty());
}

#[test]
fn tls_settings_that_cannot_work_are_named() {
    let mut profile = Profile {
        name: "p".to_owned(),
        client_id: "app".to_owned(),
        client_auth: ClientAuth::TlsClientAuth,
        ..Profile::default()
    };
    profile.tls.only_given_cas = true;
    profile.network.timeout_secs = 0;
    let fields: Vec<String> = profile
        .validate(None)
        .into_iter()
        .map(|f| f.field)
        .collect();
    assert_eq!(
        fields,
        [
            "tls.only_given_cas",
            "tls.client_cert_file",
            "network.timeout"
        ]
    );
}

#[test]
fn a_file_that_is_not_pkcs12_says_so() {
    let error =
        tokenscope::net::client::pkcs12_to_pem(b"not a PKCS#12 file", "x").expect_err("garbage");
    assert!(error.starts_with("could not be read"), "{error}");
}
