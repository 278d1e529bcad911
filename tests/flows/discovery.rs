//! Discovery fills a profile from the provider's metadata and keeps what the user typed.

use tokenscope::net::{ClientOptions, NetRuntime, build_client, send};
use tokenscope::oauth::discovery::{self, DiscoveryError};
use tokenscope::oauth::{ClientAuth, Profile};

use crate::provider::{TestProvider, free_port};

fn discover(profile: &Profile) -> Result<discovery::ProviderMetadata, DiscoveryError> {
    let runtime = NetRuntime::new().expect("runtime");
    let client = build_client(profile, &ClientOptions::default()).expect("client");
    let mut last = Err(DiscoveryError::NoIssuer);
    for url in discovery::discovery_urls(profile) {
        let exchange = runtime.block_on(send(
            &client,
            &discovery::request(&url),
            &ClientOptions::default(),
        ));
        last = discovery::parse_exchange(&exchange);
        if last.is_ok() {
            break;
        }
    }
    last
}

#[test]
fn discovery_fills_endpoints_from_the_test_provider() {
    let port = free_port();
    let redirect = format!("http://127.0.0.1:{port}/callback");
    let provider = TestProvider::start(&[&redirect]);
    let mut profile = Profile {
        name: "test provider".to_owned(),
        issuer: provider.issuer.clone(),
        client_id: "client-jwt".to_owned(),
        client_auth: ClientAuth::TlsClientAuth,
        ..Profile::default()
    };
    profile.endpoints.userinfo = "https://typed.by.hand/userinfo".to_owned();
    profile
        .manual_endpoints
        .push("userinfo_endpoint".to_owned());

    let metadata = discover(&profile).expect("discovery");
    assert!(
        metadata.iss_parameter_supported(),
        "oidc-provider sends iss (RFC 9207)"
    );
    let outcome = discovery::apply(&mut profile, &metadata);
    assert_eq!(
        profile.endpoints.token,
        format!("{}/token", provider.issuer)
    );
    assert_eq!(profile.endpoints.jwks, format!("{}/jwks", provider.issuer));
    assert_eq!(
        profile.endpoints.userinfo, "https://typed.by.hand/userinfo",
        "the user's value is kept"
    );
    assert_eq!(outcome.kept[0].after, format!("{}/me", provider.issuer));
    assert!(
        outcome
            .changes
            .iter()
            .any(|c| c.field == "authorization_endpoint")
    );
    assert!(
        outcome
            .warnings
            .iter()
            .any(|w| w.contains("tls_client_auth")),
        "the provider's metadata does not offer mutual TLS: {:?}",
        outcome.warnings
    );
}

#[test]
fn discovery_of_a_provider_that_is_down_says_so() {
    let profile = Profile {
        issuer: format!("http://127.0.0.1:{}", free_port()),
        ..Profile::default()
    };
    let error = discover(&profile).expect_err("nobody listens");
    assert!(
        error.to_string().contains("connection was refused"),
        "{error}"
    );
}
