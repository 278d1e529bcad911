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

/// An OAuth-only authorization server: 404 at the OpenID location, its
/// metadata at the RFC 8414 one (§3.1). A run discovers it there, says the
/// first address answered 404, and gets its token.
#[test]
fn a_run_falls_back_to_the_rfc_8414_location() {
    use tokenscope::oauth::flow::Step;
    use tokenscope::oauth::runner::{FlowSession, RunOptions, run_client_credentials};
    use tokenscope::oauth::{ClientAuth, Profile};
    use tokenscope::secret::Secret;

    let base = crate::oauth_only::start();
    let profile = Profile {
        issuer: base.clone(),
        client_id: "oauth-only".to_owned(),
        client_auth: ClientAuth::ClientSecretPost,
        ..Profile::default()
    };
    let mut session = FlowSession::new(profile, Some(Secret::new("s3cret")));
    let runtime = tokenscope::net::NetRuntime::new().expect("runtime");
    runtime
        .block_on(run_client_credentials(
            &mut session,
            &RunOptions::default(),
            tokenscope::app::system_now,
            |_| {},
        ))
        .expect("the run succeeds");
    let steps: Vec<Step> = session.records.iter().map(|r| r.step).collect();
    assert_eq!(steps, [Step::Discovery, Step::ClientCredentials]);
    let summary = session.records[0].outcome.clone().expect("discovered");
    assert!(
        summary.contains(&format!(
            "{base}/.well-known/openid-configuration answered 404 first"
        )),
        "{summary}"
    );
    assert_eq!(session.profile.endpoints.token, format!("{base}/token"));
}
