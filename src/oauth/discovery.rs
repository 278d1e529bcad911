//! Discovery: OpenID Connect Discovery 1.0 (`/.well-known/openid-configuration`)
//! and, when a provider has none, RFC 8414 (`/.well-known/oauth-authorization-server`).

// What a server sends is hostile input: no byte index that can cut a
// character, no index that can panic.
#![deny(clippy::string_slice, clippy::indexing_slicing)]

use serde::Serialize;
use serde_json::{Map, Value};

use crate::net::{Exchange, RequestDraft};

use super::profile::{ENDPOINT_FIELDS, Param, Profile};

/// The provider's metadata document.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProviderMetadata {
    /// The document as received.
    pub document: Map<String, Value>,
    /// Where it came from.
    pub url: String,
}

impl ProviderMetadata {
    /// A string member.
    pub fn str(&self, name: &str) -> Option<&str> {
        self.document.get(name).and_then(Value::as_str)
    }

    /// A list-of-strings member (`*_supported`).
    pub fn list(&self, name: &str) -> Option<Vec<&str>> {
        self.document
            .get(name)?
            .as_array()
            .map(|items| items.iter().filter_map(Value::as_str).collect())
    }

    /// A boolean member (`require_pushed_authorization_requests`,
    /// `tls_client_certificate_bound_access_tokens`, …); `None` when it is
    /// missing or not a JSON boolean.
    pub fn flag(&self, name: &str) -> Option<bool> {
        self.document.get(name).and_then(Value::as_bool)
    }

    /// Whether the provider sends `iss` in authorization responses (RFC 9207 §3).
    pub fn iss_parameter_supported(&self) -> bool {
        self.document
            .get("authorization_response_iss_parameter_supported")
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }
}

/// One endpoint that discovery set or changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EndpointChange {
    /// Metadata name.
    pub field: String,
    /// Value before.
    pub before: String,
    /// Value after.
    pub after: String,
}

/// What applying the metadata did to a profile.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DiscoveryOutcome {
    /// Endpoints filled or changed.
    pub changes: Vec<EndpointChange>,
    /// Endpoints the user typed by hand that the metadata would have changed: kept.
    pub kept: Vec<EndpointChange>,
    /// Where the profile contradicts the metadata.
    pub warnings: Vec<String>,
}

/// Why discovery failed. Its text is in the thread's language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiscoveryError {
    /// No issuer and no discovery URL.
    NoIssuer,
    /// No answer.
    Network {
        /// Where.
        url: String,
        /// What happened.
        error: crate::net::NetError,
    },
    /// An answer, but not metadata.
    NotMetadata {
        /// Where.
        url: String,
        /// HTTP status.
        status: u16,
        /// What came back instead, when it says something.
        hint: NotMetadataHint,
    },
}

/// What came back instead of a metadata document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotMetadataHint {
    /// Nothing more to say than the status.
    None,
    /// A redirect to this address (not followed).
    Redirect(String),
    /// An HTML page (a login or error page).
    Html,
    /// A body that is not a JSON object.
    NotJsonObject,
    /// A body cut at the profile's answer limit (bytes).
    Cut(u64),
}

impl std::fmt::Display for DiscoveryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = match self {
            Self::NoIssuer => crate::tr!("discovery-no-issuer"),
            Self::Network { url, error } => format!("{url}: {error}"),
            Self::NotMetadata { url, status, hint } => {
                let url = url.as_str();
                let status = *status;
                match hint {
                    NotMetadataHint::None => {
                        crate::tr!("discovery-not-metadata", url = url, status = status)
                    }
                    NotMetadataHint::Redirect(location) => crate::tr!(
                        "discovery-redirect",
                        url = url,
                        status = status,
                        location = location.as_str()
                    ),
                    NotMetadataHint::Html => {
                        crate::tr!("discovery-html", url = url, status = status)
                    }
                    NotMetadataHint::NotJsonObject => {
                        crate::tr!("discovery-not-json-object", url = url, status = status)
                    }
                    NotMetadataHint::Cut(bytes) => crate::tr!(
                        "discovery-cut",
                        url = url,
                        status = status,
                        note = crate::net::exchange::cut_text(*bytes)
                    ),
                }
            }
        };
        f.write_str(&text)
    }
}

impl std::error::Error for DiscoveryError {}

/// The addresses to try, in order: the profile's discovery URL, else the
/// OpenID location, then the RFC 8414 location (§3.1: inserted before the path).
pub fn discovery_urls(profile: &Profile) -> Vec<String> {
    if !profile.discovery_url.trim().is_empty() {
        return vec![profile.discovery_url.trim().to_owned()];
    }
    let issuer = profile.issuer.trim().trim_end_matches('/');
    if issuer.is_empty() {
        return Vec::new();
    }
    let mut urls = vec![format!("{issuer}/.well-known/openid-configuration")];
    if let Some((scheme, rest)) = issuer.split_once("://") {
        let (host, path) = rest.split_once('/').map_or((rest, ""), |(h, p)| (h, p));
        let path = if path.is_empty() {
            String::new()
        } else {
            format!("/{path}")
        };
        urls.push(format!(
            "{scheme}://{host}/.well-known/oauth-authorization-server{path}"
        ));
    }
    urls
}

/// Reads a metadata document out of an exchange.
pub fn parse_exchange(exchange: &Exchange) -> Result<ProviderMetadata, DiscoveryError> {
    let url = exchange.request.url.clone();
    let response = exchange
        .response
        .as_ref()
        .map_err(|error| DiscoveryError::Network {
            url: url.clone(),
            error: error.clone(),
        })?;
    let not_metadata = |hint: NotMetadataHint| DiscoveryError::NotMetadata {
        url: url.clone(),
        status: response.status,
        hint,
    };
    if response.status != 200 {
        return Err(match response.header("location") {
            Some(location) if (300..400).contains(&response.status) => {
                not_metadata(NotMetadataHint::Redirect(location.to_owned()))
            }
            _ => not_metadata(NotMetadataHint::None),
        });
    }
    if response.media_type().contains("html") {
        return Err(not_metadata(NotMetadataHint::Html));
    }
    match serde_json::from_slice::<Value>(&response.body) {
        Ok(Value::Object(document)) => Ok(ProviderMetadata { document, url }),
        _ => Err(not_metadata(
            response
                .truncated_at
                .map_or(NotMetadataHint::NotJsonObject, NotMetadataHint::Cut),
        )),
    }
}

/// Fetches the metadata, trying [`discovery_urls`] in order; the first
/// document wins, else the first location's error is reported.
pub async fn discover(
    profile: &Profile,
    options: &crate::net::ClientOptions,
) -> Result<ProviderMetadata, DiscoveryError> {
    let client =
        crate::net::build_client(profile, options).map_err(|error| DiscoveryError::Network {
            url: profile.discovery_address(),
            error,
        })?;
    let mut first_error = None;
    for url in discovery_urls(profile) {
        let exchange = crate::net::send(&client, &request(&url), options).await;
        match parse_exchange(&exchange) {
            Ok(metadata) => return Ok(metadata),
            Err(error) => {
                first_error.get_or_insert(error);
            }
        }
    }
    Err(first_error.unwrap_or(DiscoveryError::NoIssuer))
}

/// The discovery request for `url`.
pub fn request(url: &str) -> RequestDraft {
    RequestDraft::get(url)
}

/// Fills the profile's endpoints from the metadata, keeps the ones typed by
/// hand, and lists contradictions (OIDC Discovery §3, §4.3; RFC 8414 §2).
pub fn apply(profile: &mut Profile, metadata: &ProviderMetadata) -> DiscoveryOutcome {
    let mut outcome = DiscoveryOutcome::default();
    for field in ENDPOINT_FIELDS {
        let Some(after) = metadata.str(field) else {
            continue;
        };
        let Some(slot) = profile.endpoints.get_mut(field) else {
            continue;
        };
        if slot.as_str() == after {
            continue;
        }
        let change = EndpointChange {
            field: field.to_owned(),
            before: slot.clone(),
            after: after.to_owned(),
        };
        if profile.manual_endpoints.iter().any(|f| f == field) {
            outcome.kept.push(change);
        } else {
            after.clone_into(slot);
            outcome.changes.push(change);
        }
    }
    apply_mtls_aliases(profile, metadata, &mut outcome);
    if let Some(issuer) = metadata.str("issuer") {
        if profile.issuer.trim().is_empty() {
            issuer.clone_into(&mut profile.issuer);
        } else if issuer != profile.issuer.trim() {
            outcome.warnings.push(crate::tr!(
                "discovery-issuer-differs",
                issuer = issuer,
                profile = profile.issuer.trim()
            ));
        }
    }
    let auth = profile.client_auth.as_str();
    if let Some(supported) = metadata.list("token_endpoint_auth_methods_supported")
        && !supported.contains(&auth)
    {
        outcome.warnings.push(crate::tr!(
            "discovery-unlisted",
            value = auth,
            member = "token_endpoint_auth_methods_supported",
            listed = supported.join(", ")
        ));
    }
    if profile.pkce != super::PkceMode::Off {
        let method = profile.pkce.as_str();
        match metadata.list("code_challenge_methods_supported") {
            Some(methods) if !methods.contains(&method) => {
                outcome.warnings.push(crate::tr!(
                    "discovery-unlisted",
                    value = method,
                    member = "code_challenge_methods_supported",
                    listed = methods.join(", ")
                ));
            }
            None => outcome
                .warnings
                .push(crate::tr!("discovery-no-pkce-methods")),
            Some(_) => {}
        }
    }
    let grant = profile.default_grant.grant_type();
    if let Some(grants) = metadata.list("grant_types_supported")
        && !grants.contains(&grant)
    {
        outcome.warnings.push(crate::tr!(
            "discovery-unlisted",
            value = grant,
            member = "grant_types_supported",
            listed = grants.join(", ")
        ));
    }
    if profile.wants_id_token()
        && let Some(scopes) = metadata.list("scopes_supported")
    {
        for scope in profile.scopes.split_whitespace() {
            if !scopes.contains(&scope) {
                outcome
                    .warnings
                    .push(crate::tr!("discovery-scope-unlisted", scope = scope));
            }
        }
    }
    outcome
}

/// Keeps the provider's `mtls_endpoint_aliases` (RFC 8705 §5): where a
/// client authenticating with a certificate sends its back-channel requests.
fn apply_mtls_aliases(
    profile: &mut Profile,
    metadata: &ProviderMetadata,
    outcome: &mut DiscoveryOutcome,
) {
    let aliases: Vec<Param> = metadata
        .document
        .get("mtls_endpoint_aliases")
        .and_then(Value::as_object)
        .map(|members| {
            members
                .iter()
                .filter_map(|(name, value)| Some(Param::new(name, value.as_str()?)))
                .collect()
        })
        .unwrap_or_default();
    if profile.endpoints.mtls_aliases != aliases {
        for alias in &aliases {
            outcome.changes.push(EndpointChange {
                field: format!("mtls_endpoint_aliases.{}", alias.name),
                before: profile
                    .endpoints
                    .mtls_aliases
                    .iter()
                    .find(|a| a.name == alias.name)
                    .map(|a| a.value.clone())
                    .unwrap_or_default(),
                after: alias.value.clone(),
            });
        }
        profile.endpoints.mtls_aliases = aliases;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth::{ClientAuth, Profile};

    fn metadata(json: &str) -> ProviderMetadata {
        let Value::Object(document) = serde_json::from_str(json).expect("json") else {
            panic!("object")
        };
        ProviderMetadata {
            document,
            url: "https://op/.well-known/openid-configuration".to_owned(),
        }
    }

    #[test]
    fn fills_endpoints_keeps_manual_ones_and_warns() {
        let mut profile = Profile {
            issuer: "https://op".to_owned(),
            client_auth: ClientAuth::PrivateKeyJwt,
            ..Profile::default()
        };
        profile.endpoints.userinfo = "https://proxy/userinfo".to_owned();
        profile
            .manual_endpoints
            .push("userinfo_endpoint".to_owned());
        let outcome = apply(
            &mut profile,
            &metadata(
                r#"{"issuer":"https://op","token_endpoint":"https://op/token","userinfo_endpoint":"https://op/me",
                   "token_endpoint_auth_methods_supported":["client_secret_basic"],"code_challenge_methods_supported":["S256"]}"#,
            ),
        );
        assert_eq!(profile.endpoints.token, "https://op/token");
        assert_eq!(
            profile.endpoints.userinfo, "https://proxy/userinfo",
            "typed by hand: kept"
        );
        assert_eq!(outcome.changes.len(), 1);
        assert_eq!(
            outcome.kept.first().map(|c| c.after.as_str()),
            Some("https://op/me")
        );
        assert!(
            outcome
                .warnings
                .first()
                .is_some_and(|w| w.contains("private_key_jwt")),
            "{:?}",
            outcome.warnings
        );
    }

    #[test]
    fn rfc8414_location_inserts_the_well_known_segment() {
        let profile = Profile {
            issuer: "https://as.example/tenant/1".to_owned(),
            ..Profile::default()
        };
        assert_eq!(
            discovery_urls(&profile),
            [
                "https://as.example/tenant/1/.well-known/openid-configuration",
                "https://as.example/.well-known/oauth-authorization-server/tenant/1"
            ]
        );
    }
}
