//! A provider profile: everything needed to run a flow against one
//! provider in one environment, minus its secrets (they live in the
//! secret store, keyed by the profile id).

use serde::{Deserialize, Serialize};

/// A stable profile identifier (a UUID), the key for its secrets.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ProfileId(pub String);

impl ProfileId {
    /// A new random id.
    pub fn new_random() -> Self {
        Self(uuid::Uuid::new_v4().to_string())
    }
}

impl std::fmt::Display for ProfileId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// How the client authenticates at the token endpoint (RFC 6749 §2.3,
/// OIDC Core §9, RFC 8705 §2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientAuth {
    /// HTTP Basic with the form-urlencoded id and secret (RFC 6749 §2.3.1).
    #[default]
    ClientSecretBasic,
    /// `client_id` and `client_secret` in the form body.
    ClientSecretPost,
    /// A public client: only `client_id`, no secret.
    None,
    /// A JWT assertion signed with the client's private key (RFC 7523).
    PrivateKeyJwt,
    /// A JWT assertion signed with the client secret (HMAC).
    ClientSecretJwt,
    /// Mutual TLS with the client certificate (RFC 8705).
    TlsClientAuth,
}

impl ClientAuth {
    /// All methods, in menu order.
    pub const ALL: [Self; 6] = [
        Self::ClientSecretBasic,
        Self::ClientSecretPost,
        Self::None,
        Self::PrivateKeyJwt,
        Self::ClientSecretJwt,
        Self::TlsClientAuth,
    ];

    /// The metadata name (`token_endpoint_auth_methods_supported`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ClientSecretBasic => "client_secret_basic",
            Self::ClientSecretPost => "client_secret_post",
            Self::None => "none",
            Self::PrivateKeyJwt => "private_key_jwt",
            Self::ClientSecretJwt => "client_secret_jwt",
            Self::TlsClientAuth => "tls_client_auth",
        }
    }

    /// Whether this method needs the client secret.
    pub fn uses_secret(self) -> bool {
        matches!(
            self,
            Self::ClientSecretBasic | Self::ClientSecretPost | Self::ClientSecretJwt
        )
    }
}

/// PKCE mode (RFC 7636).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PkceMode {
    /// `code_challenge_method=S256` (RFC 7636 §4.2): the default.
    #[default]
    S256,
    /// `plain`: only for providers that support nothing else.
    Plain,
    /// No PKCE.
    Off,
}

impl PkceMode {
    /// All modes.
    pub const ALL: [Self; 3] = [Self::S256, Self::Plain, Self::Off];

    /// As shown and as sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::S256 => "S256",
            Self::Plain => "plain",
            Self::Off => "off",
        }
    }
}

/// A grant type (RFC 6749 §4, RFC 8628, extension grants §4.5).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grant {
    /// Authorization code (with PKCE by default).
    #[default]
    AuthorizationCode,
    /// Client credentials.
    ClientCredentials,
    /// Resource owner password credentials.
    Password,
    /// Refresh token.
    RefreshToken,
    /// Device authorization (RFC 8628).
    DeviceCode,
    /// Client-Initiated Backchannel Authentication, poll mode (OpenID CIBA Core 1.0).
    Ciba,
    /// Any other `grant_type`, e.g. MOEX `passport`.
    Extension(String),
}

impl Grant {
    /// The `grant_type` value.
    pub fn grant_type(&self) -> &str {
        match self {
            Self::AuthorizationCode => "authorization_code",
            Self::ClientCredentials => "client_credentials",
            Self::Password => "password",
            Self::RefreshToken => "refresh_token",
            Self::DeviceCode => "urn:ietf:params:oauth:grant-type:device_code",
            Self::Ciba => super::ciba::GRANT_TYPE,
            Self::Extension(name) => name,
        }
    }
}

/// The kind of request extra parameters apply to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    /// The authorization request (browser).
    Authorize,
    /// The token request (code exchange and other grants).
    Token,
    /// The refresh request.
    Refresh,
    /// The userinfo request.
    Userinfo,
}

impl RequestKind {
    /// All kinds.
    pub const ALL: [Self; 4] = [Self::Authorize, Self::Token, Self::Refresh, Self::Userinfo];

    /// As shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Authorize => "authorize",
            Self::Token => "token",
            Self::Refresh => "refresh",
            Self::Userinfo => "userinfo",
        }
    }
}

/// A name/value pair: an extra parameter or a header. One the user marks
/// secret is written without its value (the value lives in the secret store
/// under [`Param::header_secret_name`] or [`Param::param_secret_name`]), and
/// `Debug` masks it.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Param {
    /// The name.
    pub name: String,
    /// The value; in memory only for a secret one (filled from the secret store).
    pub value: String,
    /// Whether the value is a secret (an API key header, a signed parameter):
    /// kept in the secret store, masked on screen and in exports.
    pub secret: bool,
}

impl Serialize for Param {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut state = serializer.serialize_struct("Param", if self.secret { 3 } else { 2 })?;
        state.serialize_field("name", &self.name)?;
        state.serialize_field("value", if self.secret { "" } else { &self.value })?;
        if self.secret {
            state.serialize_field("secret", &true)?;
        }
        state.end()
    }
}

impl std::fmt::Debug for Param {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let value: &dyn std::fmt::Debug = if self.secret {
            &"[redacted]"
        } else {
            &self.value
        };
        f.debug_struct("Param")
            .field("name", &self.name)
            .field("value", value)
            .field("secret", &self.secret)
            .finish()
    }
}

impl Param {
    /// A pair.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: value.into(),
            secret: false,
        }
    }

    /// The secret store's name for a secret header's value (`header:X-Api-Key`).
    pub fn header_secret_name(&self) -> String {
        format!("header:{}", self.name.trim())
    }

    /// The secret store's name for a secret extra parameter's value
    /// (`param:token:audience`): one per request kind.
    pub fn param_secret_name(&self, kind: RequestKind) -> String {
        format!("param:{}:{}", kind.as_str(), self.name.trim())
    }
}

/// The secret store's name of the proxy URL's password.
pub const PROXY_PASSWORD_SECRET: &str = "proxy_password";

/// A proxy URL cut around its user information (RFC 3986 §3.2.1):
/// `http://` `user` `:password` `@proxy.corp:3128/`. The authority ends at
/// the first `/`, `?` or `#`; the user information at its last `@`.
struct ProxyParts<'a> {
    /// `http://`, or empty for a URL written without a scheme.
    scheme: &'a str,
    user: &'a str,
    password: Option<&'a str>,
    /// The host, port and anything after them.
    host: &'a str,
}

impl<'a> ProxyParts<'a> {
    /// The parts of `proxy`; `None` when it has no user information.
    fn of(proxy: &'a str) -> Option<Self> {
        let (scheme, rest) = match proxy.find("://") {
            Some(at) => proxy.split_at(at.saturating_add(3)),
            None => ("", proxy),
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let (userinfo, _) = authority.rsplit_once('@')?;
        let host = rest.strip_prefix(userinfo)?.strip_prefix('@')?;
        let (user, password) = match userinfo.split_once(':') {
            Some((user, password)) => (user, Some(password)),
            None => (userinfo, None),
        };
        Some(Self {
            scheme,
            user,
            password,
            host,
        })
    }

    fn with(&self, user: &str, password: Option<&str>) -> String {
        match password {
            Some(password) => format!("{}{user}:{password}@{}", self.scheme, self.host),
            None => format!("{}{user}@{}", self.scheme, self.host),
        }
    }
}

/// The user in a proxy URL (`http://USER:password@proxy:3128`), as written.
pub fn proxy_user(proxy: &str) -> Option<&str> {
    ProxyParts::of(proxy).map(|parts| parts.user)
}

/// The password in a proxy URL (`http://user:PASSWORD@proxy:3128`), as written.
pub fn proxy_password(proxy: &str) -> Option<&str> {
    ProxyParts::of(proxy)?.password
}

/// The proxy URL with its password left out (`http://user@proxy:3128`): how
/// the profile file keeps it.
pub fn proxy_without_password(proxy: &str) -> String {
    match ProxyParts::of(proxy) {
        Some(parts) if parts.password.is_some() => parts.with(parts.user, None),
        _ => proxy.to_owned(),
    }
}

/// The proxy URL with `password` put back after its user; a URL without a
/// user (`http://proxy:3128`) has nowhere to put it and is returned as it is.
pub fn proxy_with_password(proxy: &str, password: &str) -> String {
    match ProxyParts::of(proxy) {
        Some(parts) if password.is_empty() => parts.with(parts.user, None),
        Some(parts) => parts.with(parts.user, Some(password)),
        None => proxy.to_owned(),
    }
}

/// The proxy URL with its user and password replaced by placeholders
/// (`http://<proxy-user>:<proxy-password>@proxy:3128`), for exports.
pub fn proxy_redacted(proxy: &str) -> String {
    match ProxyParts::of(proxy) {
        Some(parts) => parts.with("<proxy-user>", Some("<proxy-password>")),
        None => proxy.to_owned(),
    }
}

/// Serializes the proxy without its password: the profile file never holds it.
fn serialize_proxy<S: serde::Serializer>(proxy: &str, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&proxy_without_password(proxy))
}

/// The provider's endpoints. Empty means unknown.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Endpoints {
    /// `authorization_endpoint`.
    pub authorization: String,
    /// `token_endpoint`.
    pub token: String,
    /// `userinfo_endpoint`.
    pub userinfo: String,
    /// `jwks_uri`.
    pub jwks: String,
    /// `introspection_endpoint` (RFC 7662).
    pub introspection: String,
    /// `revocation_endpoint` (RFC 7009).
    pub revocation: String,
    /// `device_authorization_endpoint` (RFC 8628).
    pub device_authorization: String,
    /// `end_session_endpoint` (RP-Initiated Logout).
    pub end_session: String,
    /// `pushed_authorization_request_endpoint` (RFC 9126 §5).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub pushed_authorization_request: String,
    /// `backchannel_authentication_endpoint` (OpenID CIBA Core 1.0 §4).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub backchannel_authentication: String,
    /// Provider extras, e.g. the bank's certificate endpoint.
    pub extra: Vec<Param>,
    /// `mtls_endpoint_aliases` (RFC 8705 §5): where a client authenticating
    /// with a certificate sends its requests, by metadata name
    /// (`token_endpoint`, …). Filled by discovery.
    pub mtls_aliases: Vec<Param>,
}

/// The endpoint fields by their metadata names, for discovery and validation.
pub const ENDPOINT_FIELDS: [&str; 10] = [
    "authorization_endpoint",
    "token_endpoint",
    "userinfo_endpoint",
    "jwks_uri",
    "introspection_endpoint",
    "revocation_endpoint",
    "device_authorization_endpoint",
    "end_session_endpoint",
    "pushed_authorization_request_endpoint",
    "backchannel_authentication_endpoint",
];

impl Endpoints {
    /// An endpoint by its metadata name.
    pub fn get(&self, field: &str) -> Option<&str> {
        Some(match field {
            "authorization_endpoint" => &self.authorization,
            "token_endpoint" => &self.token,
            "userinfo_endpoint" => &self.userinfo,
            "jwks_uri" => &self.jwks,
            "introspection_endpoint" => &self.introspection,
            "revocation_endpoint" => &self.revocation,
            "device_authorization_endpoint" => &self.device_authorization,
            "end_session_endpoint" => &self.end_session,
            "pushed_authorization_request_endpoint" => &self.pushed_authorization_request,
            "backchannel_authentication_endpoint" => &self.backchannel_authentication,
            _ => return None,
        })
    }

    /// An endpoint by its metadata name, for editing.
    pub fn get_mut(&mut self, field: &str) -> Option<&mut String> {
        Some(match field {
            "authorization_endpoint" => &mut self.authorization,
            "token_endpoint" => &mut self.token,
            "userinfo_endpoint" => &mut self.userinfo,
            "jwks_uri" => &mut self.jwks,
            "introspection_endpoint" => &mut self.introspection,
            "revocation_endpoint" => &mut self.revocation,
            "device_authorization_endpoint" => &mut self.device_authorization,
            "end_session_endpoint" => &mut self.end_session,
            "pushed_authorization_request_endpoint" => &mut self.pushed_authorization_request,
            "backchannel_authentication_endpoint" => &mut self.backchannel_authentication,
            _ => return None,
        })
    }
}

pub use crate::net::settings::{NetworkSettings, TlsSettings};

// The HTTP client reads a profile's network settings through this trait, so
// `net` needs no profile type.
impl crate::net::settings::HttpSettings for Profile {
    fn tls(&self) -> &TlsSettings {
        &self.tls
    }

    fn network(&self) -> &NetworkSettings {
        &self.network
    }

    fn proxy(&self) -> &str {
        &self.proxy
    }
}

/// Where a client assertion's `aud` points (RFC 7523 §3 item 3).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssertionAudience {
    /// The token endpoint URL, as OIDC Core §9 says.
    #[default]
    TokenEndpoint,
    /// The issuer identifier, for providers that want it.
    Issuer,
    /// A value the provider's documentation names.
    Custom(String),
}

/// How `private_key_jwt` and `client_secret_jwt` assertions are made
/// (RFC 7523 §2.2, OIDC Core §9). The key file's path only: the key is a
/// secret and never enters the profile.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AssertionSettings {
    /// The PEM private key file for `private_key_jwt`.
    pub key_file: String,
    /// `kid` in the assertion's header; empty for none.
    pub key_id: String,
    /// `alg` for `private_key_jwt` (RS256, PS256, ES256, ES384, `EdDSA`); empty: from the key.
    pub algorithm: String,
    /// `aud`.
    pub audience: AssertionAudience,
}

/// One form field of an extension grant. A secret field is written without
/// its value: it never reaches a profile file or an export.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ExtensionField {
    /// The form field name, as sent.
    pub name: String,
    /// The value; always empty in the profile file for a secret field
    /// (its value lives in the secret store under [`ExtensionField::secret_name`]).
    pub value: String,
    /// Whether the value is a secret: masked on screen, kept in the secret store.
    pub secret: bool,
    /// A hint for the form, e.g. what the provider calls it.
    pub hint: String,
}

impl Serialize for ExtensionField {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut state = serializer.serialize_struct("ExtensionField", 4)?;
        state.serialize_field("name", &self.name)?;
        state.serialize_field("value", if self.secret { "" } else { &self.value })?;
        state.serialize_field("secret", &self.secret)?;
        state.serialize_field("hint", &self.hint)?;
        state.end()
    }
}

impl ExtensionField {
    /// A plain field.
    pub fn plain(name: &str, value: &str, hint: &str) -> Self {
        Self {
            name: name.to_owned(),
            value: value.to_owned(),
            secret: false,
            hint: hint.to_owned(),
        }
    }

    /// A secret field (no value in the profile).
    pub fn secret(name: &str, hint: &str) -> Self {
        Self {
            name: name.to_owned(),
            value: String::new(),
            secret: true,
            hint: hint.to_owned(),
        }
    }

    /// The secret store's name for this field's value.
    pub fn secret_name(&self) -> String {
        format!("extension:{}", self.name)
    }
}

/// The form of an extension grant (RFC 6749 §4.5; RFC 8693 token exchange;
/// MOEX `passport`). The `grant_type` is [`Grant::Extension`]'s value.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExtensionGrant {
    /// The fields sent besides `grant_type`, in order; empty values are left out.
    pub fields: Vec<ExtensionField>,
}

/// A provider profile. Secrets are not here: see [`crate::store::secrets`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent protocol switches saved in profile files (DPoP, PAR, JAR, JWT introspection), one field each"
)]
pub struct Profile {
    /// Stable id; secrets are stored under it.
    pub id: ProfileId,
    /// Shown name, e.g. "Keycloak partner-realm (test)".
    pub name: String,
    /// The preset it came from, if any.
    pub preset: Option<String>,
    /// Environment label: test, prod, …
    pub environment: String,
    /// The issuer identifier (OIDC Discovery §3): tokens' `iss` must equal it.
    pub issuer: String,
    /// Where the metadata is; empty means `{issuer}/.well-known/openid-configuration`.
    pub discovery_url: String,
    /// Endpoints, discovered or typed.
    pub endpoints: Endpoints,
    /// Endpoint fields the user typed by hand: discovery keeps them.
    pub manual_endpoints: Vec<String>,
    /// `client_id`.
    pub client_id: String,
    /// How the client authenticates.
    pub client_auth: ClientAuth,
    /// `redirect_uri`.
    pub redirect_uri: String,
    /// Space-separated scopes.
    pub scopes: String,
    /// PKCE mode.
    pub pkce: PkceMode,
    /// Sender-constrained tokens with DPoP (RFC 9449): a proof key per run
    /// and a proof on every token and UserInfo request.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub dpop: bool,
    /// Pushed authorization requests (RFC 9126): the authorization
    /// parameters go to the PAR endpoint first, the browser gets only
    /// `client_id` and `request_uri`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub par: bool,
    /// Signed request objects (RFC 9101): the authorization parameters sent
    /// as a JWT signed with the client assertion's key.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub request_object: bool,
    /// `response_mode` on the authorization request; empty for the
    /// provider's default. `jwt`, `query.jwt`, `fragment.jwt` and
    /// `form_post.jwt` ask for a JWT-secured response (JARM).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub response_mode: String,
    /// Ask the introspection endpoint for a JWT answer (RFC 9701 §4:
    /// `Accept: application/token-introspection+jwt`), signed by the
    /// provider and maybe encrypted to the client. A JWT answer is checked
    /// whether asked for or not.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub introspection_jwt: bool,
    /// The named check set the profile is held against, by id (`fapi2`,
    /// `fapi2-message-signing`, `fapi-sek`; see [`crate::oauth::fapi`]);
    /// none for no badge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conformance: Option<String>,
    /// The grant the flow runner starts with.
    pub default_grant: Grant,
    /// Extra parameters per request kind (`loginDCB=true`, `audience`, `acr_values`, …).
    pub extra_params: Vec<(RequestKind, Param)>,
    /// Headers sent with every back-channel request.
    pub headers: Vec<Param>,
    /// JWT client assertions (`private_key_jwt`, `client_secret_jwt`).
    #[serde(default)]
    pub client_assertion: AssertionSettings,
    /// The file with the client's private key that encrypted ID tokens,
    /// UserInfo answers and JARM responses are decrypted with (OIDC Core
    /// 1.0 §10.2, RFC 7516): a JWK or JWKS with private members, or a PEM
    /// (PKCS#8, PKCS#1, SEC1) private key. Only the path is kept; the file
    /// is read when a run starts, and its keys stay in memory.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub decryption_key_file: String,
    /// The extension grant's form fields.
    #[serde(default)]
    pub extension_grant: ExtensionGrant,
    /// The CIBA request's hint, binding message, user code, `acr_values`
    /// and `requested_expiry` (OpenID CIBA Core 1.0 §7.1).
    #[serde(default, skip_serializing_if = "super::ciba::CibaSettings::is_unset")]
    pub ciba: super::ciba::CibaSettings,
    /// TLS.
    pub tls: TlsSettings,
    /// Proxy URL; empty for none. Its password, if any, lives in the secret
    /// store ([`PROXY_PASSWORD_SECRET`]) and is never written to the file.
    #[serde(serialize_with = "serialize_proxy")]
    pub proxy: String,
    /// Timeouts.
    pub network: NetworkSettings,
    /// Free text.
    pub notes: String,
}

impl Default for Profile {
    fn default() -> Self {
        Self {
            id: ProfileId::new_random(),
            name: String::new(),
            preset: None,
            environment: String::new(),
            issuer: String::new(),
            discovery_url: String::new(),
            endpoints: Endpoints::default(),
            manual_endpoints: Vec::new(),
            client_id: String::new(),
            client_auth: ClientAuth::default(),
            redirect_uri: "http://127.0.0.1:53682/callback".to_owned(),
            scopes: "openid".to_owned(),
            pkce: PkceMode::default(),
            dpop: false,
            par: false,
            request_object: false,
            response_mode: String::new(),
            introspection_jwt: false,
            conformance: None,
            default_grant: Grant::default(),
            extra_params: Vec::new(),
            headers: Vec::new(),
            client_assertion: AssertionSettings::default(),
            decryption_key_file: String::new(),
            extension_grant: ExtensionGrant::default(),
            ciba: super::ciba::CibaSettings::default(),
            tls: TlsSettings::default(),
            proxy: String::new(),
            network: NetworkSettings::default(),
            notes: String::new(),
        }
    }
}

/// How serious a validation finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The profile cannot work as it is.
    Error,
    /// It may work, but probably not as intended.
    Warning,
}

/// One finding of [`Profile::validate`], tied to a field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The field, as named in the profile file (`redirect_uri`).
    pub field: String,
    /// How serious.
    pub severity: Severity,
    /// What is wrong and what to do.
    pub message: String,
}

impl Profile {
    /// Whether the authorization response is asked for as a JWT (JARM
    /// §2.3: `jwt`, `query.jwt`, `fragment.jwt`, `form_post.jwt`).
    pub fn asks_for_jarm(&self) -> bool {
        let mode = self.response_mode.trim();
        mode == "jwt" || mode.split('.').nth(1) == Some("jwt")
    }

    /// The discovery document's address.
    pub fn discovery_address(&self) -> String {
        if self.discovery_url.trim().is_empty() {
            format!(
                "{}/.well-known/openid-configuration",
                self.issuer.trim().trim_end_matches('/')
            )
        } else {
            self.discovery_url.trim().to_owned()
        }
    }

    /// Where a back-channel request for the endpoint `field` (metadata name)
    /// goes: with `tls_client_auth` the provider's mTLS alias when it has one
    /// (RFC 8705 §5), else the endpoint itself; trimmed.
    pub fn endpoint_for(&self, field: &str) -> &str {
        if self.client_auth == ClientAuth::TlsClientAuth
            && let Some(alias) = self
                .endpoints
                .mtls_aliases
                .iter()
                .find(|a| a.name == field && !a.value.trim().is_empty())
        {
            return alias.value.trim();
        }
        self.endpoints.get(field).unwrap_or_default().trim()
    }

    /// Whether the scopes ask for OpenID Connect (an ID token).
    pub fn wants_id_token(&self) -> bool {
        self.scopes.split_whitespace().any(|s| s == "openid")
    }

    /// The values this profile keeps in the secret store rather than in its
    /// file, by store name, empty ones included: the proxy URL's password
    /// (when the URL has a user) and the values of the headers and extra
    /// parameters marked secret. The client secret, the PKCS#12 passphrase
    /// and secret extension fields have names of their own.
    pub fn stored_values(&self) -> Vec<(String, String)> {
        let mut values = Vec::new();
        if ProxyParts::of(&self.proxy).is_some() {
            values.push((
                PROXY_PASSWORD_SECRET.to_owned(),
                proxy_password(&self.proxy).unwrap_or_default().to_owned(),
            ));
        }
        for header in self.headers.iter().filter(|h| h.secret) {
            values.push((header.header_secret_name(), header.value.clone()));
        }
        for (kind, param) in self.extra_params.iter().filter(|(_, p)| p.secret) {
            values.push((param.param_secret_name(*kind), param.value.clone()));
        }
        values
    }

    /// Puts a value read from the secret store back where its name
    /// ([`Profile::stored_values`]) points; `false` when no field has that name.
    pub fn restore_stored_value(&mut self, name: &str, value: &str) -> bool {
        let mut found = false;
        if name == PROXY_PASSWORD_SECRET && ProxyParts::of(&self.proxy).is_some() {
            self.proxy = proxy_with_password(&self.proxy, value);
            found = true;
        }
        for header in self.headers.iter_mut().filter(|h| h.secret) {
            if header.header_secret_name() == name {
                value.clone_into(&mut header.value);
                found = true;
            }
        }
        for (kind, param) in self.extra_params.iter_mut().filter(|(_, p)| p.secret) {
            if param.param_secret_name(*kind) == name {
                value.clone_into(&mut param.value);
                found = true;
            }
        }
        found
    }

    /// Empties the values the profile keeps in the secret store (a copy of
    /// a profile gets no secrets).
    pub fn forget_stored_values(&mut self) {
        for (name, _) in self.stored_values() {
            self.restore_stored_value(&name, "");
        }
    }

    /// Extra parameters for one kind of request.
    pub fn params_for(&self, kind: RequestKind) -> impl Iterator<Item = &Param> {
        self.extra_params
            .iter()
            .filter(move |(k, _)| *k == kind)
            .map(|(_, p)| p)
    }

    /// Checks the profile as the user types. `secret` is the client secret
    /// as entered (it is not part of the profile).
    #[expect(
        clippy::too_many_lines,
        reason = "one check per field, in form order; reads best as one list"
    )]
    pub fn validate(&self, secret: Option<&str>) -> Vec<Finding> {
        let mut findings = Vec::new();
        let mut add = |field: &str, severity, message: String| {
            findings.push(Finding {
                field: field.to_owned(),
                severity,
                message,
            });
        };
        if self.name.trim().is_empty() {
            add("name", Severity::Error, crate::tr!("finding-name-empty"));
        }
        if !self.issuer.trim().is_empty() {
            if let Err(why) = check_absolute_url(&self.issuer) {
                add(
                    "issuer",
                    Severity::Error,
                    crate::tr!("finding-issuer-url", why = why),
                );
            } else if self.issuer.ends_with('/') {
                add(
                    "issuer",
                    Severity::Warning,
                    crate::tr!("finding-issuer-slash"),
                );
            }
        }
        for field in ENDPOINT_FIELDS {
            let value = self.endpoints.get(field).unwrap_or_default();
            if !value.trim().is_empty()
                && let Err(why) = check_absolute_url(value)
            {
                add(
                    field,
                    Severity::Error,
                    crate::tr!("finding-endpoint-url", why = why),
                );
            }
        }
        if self.redirect_uri.trim().is_empty() {
            add(
                "redirect_uri",
                Severity::Warning,
                crate::tr!("finding-redirect-empty"),
            );
        } else {
            match check_absolute_url(&self.redirect_uri) {
                Err(why) => add(
                    "redirect_uri",
                    Severity::Error,
                    crate::tr!("finding-redirect-url", why = why),
                ),
                Ok(()) => {
                    if let Some(note) = redirect_kind_note(&self.redirect_uri) {
                        add("redirect_uri", Severity::Warning, note);
                    }
                }
            }
        }
        if self.client_id.trim().is_empty() {
            add(
                "client_id",
                Severity::Error,
                crate::tr!("finding-client-id-empty"),
            );
        } else if self.client_id.trim() != self.client_id {
            add(
                "client_id",
                Severity::Warning,
                crate::tr!("finding-client-id-spaces"),
            );
        }
        if let Some(secret) = secret {
            if !secret.is_empty() && secret.trim() != secret {
                add(
                    "client_secret",
                    Severity::Warning,
                    crate::tr!("finding-secret-spaces"),
                );
            }
            if secret.is_empty() && self.client_auth.uses_secret() {
                add(
                    "client_secret",
                    Severity::Warning,
                    crate::tr!("finding-secret-needed", auth = self.client_auth.as_str()),
                );
            }
        }
        if self.client_auth == ClientAuth::PrivateKeyJwt
            && self.client_assertion.key_file.trim().is_empty()
        {
            add(
                "client_assertion.key_file",
                Severity::Warning,
                crate::tr!("finding-key-file-needed"),
            );
        }
        let openid_provider = self
            .preset
            .as_deref()
            .is_some_and(|p| crate::oauth::presets::find(p).is_some_and(|p| p.openid))
            || !self.endpoints.jwks.is_empty();
        if openid_provider
            && self.default_grant == Grant::AuthorizationCode
            && !self.wants_id_token()
        {
            add(
                "scopes",
                Severity::Warning,
                crate::tr!("finding-scopes-no-openid"),
            );
        }
        if self.tls.accept_invalid_certs {
            add(
                "tls.accept_invalid_certs",
                Severity::Warning,
                crate::tr!("finding-insecure-tls"),
            );
        }
        if !self.proxy.trim().is_empty()
            && let Err(why) = check_absolute_url(&self.proxy)
        {
            add(
                "proxy",
                Severity::Error,
                crate::tr!("finding-proxy-url", why = why),
            );
        }
        if self.tls.only_given_cas && self.tls.extra_ca_files.is_empty() {
            add(
                "tls.only_given_cas",
                Severity::Error,
                crate::tr!("finding-no-ca-given"),
            );
        }
        if !self.tls.client_cert_file.trim().is_empty() && !self.tls.pkcs12_file.trim().is_empty() {
            add(
                "tls.pkcs12_file",
                Severity::Error,
                crate::tr!("finding-pem-and-pkcs12"),
            );
        }
        if self.client_auth == ClientAuth::TlsClientAuth && !self.tls.has_client_certificate() {
            add(
                "tls.client_cert_file",
                Severity::Warning,
                crate::tr!("finding-client-cert-needed"),
            );
        }
        if let Some(set) = self.conformance.as_deref()
            && crate::oauth::fapi::find(set).is_none()
        {
            let known: Vec<&str> = crate::oauth::fapi::sets()
                .iter()
                .map(|s| s.id.as_str())
                .collect();
            add(
                "conformance",
                Severity::Warning,
                crate::tr!(
                    "finding-conformance-unknown",
                    set = set,
                    known = known.join(", ")
                ),
            );
        }
        if self.network.connect_timeout_secs == 0 || self.network.timeout_secs == 0 {
            add(
                "network.timeout",
                Severity::Error,
                crate::tr!("finding-zero-timeout"),
            );
        }
        if !NetworkSettings::RESPONSE_MIB_RANGE.contains(&self.network.max_response_mib) {
            add(
                "network.max_response_mib",
                Severity::Error,
                crate::tr!(
                    "finding-response-limit",
                    value = self.network.max_response_mib,
                    min = *NetworkSettings::RESPONSE_MIB_RANGE.start(),
                    max = *NetworkSettings::RESPONSE_MIB_RANGE.end()
                ),
            );
        }
        findings
    }
}

/// `Ok` for an absolute http(s) URL; otherwise what is wrong, as a phrase.
pub fn check_absolute_url(value: &str) -> Result<(), String> {
    let value = value.trim();
    let Some((scheme, rest)) = value.split_once("://") else {
        return Err(crate::tr!("url-not-absolute"));
    };
    if !scheme.eq_ignore_ascii_case("https") && !scheme.eq_ignore_ascii_case("http") {
        return Err(crate::tr!("url-wrong-scheme", scheme = scheme));
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() {
        return Err(crate::tr!("url-no-host"));
    }
    if value.contains(char::is_whitespace) {
        return Err(crate::tr!("url-spaces"));
    }
    Ok(())
}

/// Loopback redirects are captured by the app (RFC 8252 §7.3); anything else
/// means pasting the final address back. Plain http off loopback is unsafe.
fn redirect_kind_note(uri: &str) -> Option<String> {
    let lower = uri.to_ascii_lowercase();
    let host = lower.split("://").nth(1)?.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once(':').map_or(host, |(h, _)| h);
    let loopback = matches!(host, "127.0.0.1" | "[::1]" | "localhost");
    if host == "localhost" {
        return Some(crate::tr!("finding-redirect-localhost"));
    }
    if !loopback && lower.starts_with("http://") {
        return Some(crate::tr!("finding-redirect-plain-http"));
    }
    if !loopback {
        return Some(crate::tr!("finding-redirect-not-loopback"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile() -> Profile {
        Profile {
            name: "Test".to_owned(),
            client_id: "app".to_owned(),
            issuer: "https://sso.example.test/realms/r".to_owned(),
            ..Profile::default()
        }
    }

    #[test]
    fn a_sound_profile_has_no_findings() {
        assert_eq!(profile().validate(Some("secret")), []);
    }

    #[test]
    fn validation_names_the_field_and_the_problem() {
        let mut p = profile();
        p.issuer = "sso.example.test".to_owned();
        p.redirect_uri = "http://partner.example/cb".to_owned();
        p.endpoints.token = "ftp://x/token".to_owned();
        let findings = p.validate(Some(" secret\n"));
        let fields: Vec<&str> = findings.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            fields,
            ["issuer", "token_endpoint", "redirect_uri", "client_secret"]
        );
        assert!(findings[0].message.contains("not an absolute URL"));
        assert!(findings[2].message.contains("plain http"));
        assert!(findings[3].message.contains("white space"));
    }

    #[test]
    fn a_secret_extension_field_is_saved_without_its_value() {
        let mut p = profile();
        p.extension_grant.fields = vec![
            ExtensionField {
                name: "passport".to_owned(),
                value: "typed-by-mistake".to_owned(),
                secret: true,
                hint: String::new(),
            },
            ExtensionField::plain("algorithm", "GOST", ""),
        ];
        let text = serde_json::to_string(&p).expect("json");
        assert!(!text.contains("typed-by-mistake"), "{text}");
        assert!(text.contains("GOST"));
        let back: Profile = serde_json::from_str(&text).expect("reads back");
        assert!(back.extension_grant.fields[0].secret);
    }

    /// A profile with every kind of value kept in the secret store, in
    /// Cyrillic, emoji and an RTL mark.
    fn with_stored_values() -> Profile {
        let mut p = profile();
        "http://иван:пароль-🙂@proxy.corp:3128".clone_into(&mut p.proxy);
        let mut key = Param::new("X-Api-Key", "ключ-\u{200f}-1");
        key.secret = true;
        p.headers = vec![key, Param::new("X-Trace", "visible-trace")];
        let mut signed = Param::new("sig", "подпись-2");
        signed.secret = true;
        p.extra_params = vec![
            (RequestKind::Token, signed),
            (
                RequestKind::Authorize,
                Param::new("acr_values", "visible-acr"),
            ),
        ];
        p
    }

    #[test]
    fn marked_values_and_the_proxy_password_never_reach_the_file() {
        let p = with_stored_values();
        let text = serde_json::to_string(&p).expect("json");
        for secret in ["пароль", "ключ", "подпись", "🙂"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        assert!(text.contains("http://иван@proxy.corp:3128"), "{text}");
        assert!(text.contains("visible-trace") && text.contains("visible-acr"));
        assert!(text.contains(r#""secret":true"#));
        assert!(
            !format!("{p:?}").contains("ключ"),
            "Debug masks a secret value"
        );
        // Read back, the marks are there and the values empty, to be filled.
        let mut back: Profile = serde_json::from_str(&text).expect("reads back");
        assert_eq!(
            back.stored_values(),
            [
                ("proxy_password".to_owned(), String::new()),
                ("header:X-Api-Key".to_owned(), String::new()),
                ("param:token:sig".to_owned(), String::new()),
            ]
        );
        for (name, value) in p.stored_values() {
            assert!(back.restore_stored_value(&name, &value), "{name}");
        }
        assert_eq!(back, p, "filled in, it is the profile as it was");
        assert!(!back.restore_stored_value("header:X-Other", "x"));
        back.forget_stored_values();
        assert_eq!(back.proxy, "http://иван@proxy.corp:3128");
        assert!(back.stored_values().iter().all(|(_, v)| v.is_empty()));
    }

    #[test]
    fn proxy_passwords_are_cut_out_by_the_url_structure() {
        for (proxy, without, password) in [
            ("http://u:p@h:3128", "http://u@h:3128", Some("p")),
            (
                "http://u:p@ss@h:3128/x@y",
                "http://u@h:3128/x@y",
                Some("p@ss"),
            ),
            ("http://u@h", "http://u@h", None),
            ("u:p@h:3128", "u@h:3128", Some("p")),
            ("http://h:3128/a@b", "http://h:3128/a@b", None),
            ("socks5://:p@[::1]:1080", "socks5://@[::1]:1080", Some("p")),
            ("", "", None),
            ("\u{200f}:🙂@", "\u{200f}@", Some("🙂")),
        ] {
            assert_eq!(proxy_without_password(proxy), without, "{proxy}");
            assert_eq!(proxy_password(proxy), password, "{proxy}");
            if let Some(password) = password {
                assert_eq!(proxy_with_password(without, password), proxy);
            }
        }
        assert_eq!(proxy_with_password("http://h:3128", "p"), "http://h:3128");
        assert_eq!(proxy_with_password("http://u:p@h", ""), "http://u@h");
    }

    #[test]
    fn old_profile_files_load_without_the_new_fields() {
        let old: Profile = serde_json::from_str(r#"{"name":"x","client_id":"a"}"#).expect("loads");
        assert_eq!(old.client_assertion, AssertionSettings::default());
        assert!(old.extension_grant.fields.is_empty());
        // RFC 9701 answers are asked for only when the file says so, and
        // the field is written only when set.
        assert!(!old.introspection_jwt);
        assert!(serde_json::to_string(&old).is_ok_and(|t| !t.contains("introspection_jwt")));
        let asked: Profile =
            serde_json::from_str(r#"{"name":"x","introspection_jwt":true}"#).expect("loads");
        assert!(asked.introspection_jwt);
        assert!(
            serde_json::to_string(&asked).is_ok_and(|t| t.contains(r#""introspection_jwt":true"#))
        );
        // Headers and parameters written before the secret mark existed.
        let old: Profile = serde_json::from_str(
            r#"{"name":"x","headers":[{"name":"X-A","value":"1"}],"extra_params":[["token",{"name":"b","value":"2"}]]}"#,
        )
        .expect("loads");
        assert_eq!(old.headers, [Param::new("X-A", "1")]);
        assert_eq!(
            old.extra_params,
            [(RequestKind::Token, Param::new("b", "2"))]
        );
    }

    #[test]
    fn an_unknown_conformance_set_is_a_warning() {
        let mut p = profile();
        p.conformance = Some("fapi2".to_owned());
        assert_eq!(p.validate(None), []);
        p.conformance = Some("фапи-3".to_owned());
        let findings = p.validate(None);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].field, "conformance");
        assert!(
            findings[0]
                .message
                .contains("fapi2, fapi2-message-signing, fapi-sek")
        );
        // Written only when set; old files load without it.
        assert!(serde_json::to_string(&profile()).is_ok_and(|t| !t.contains("conformance")));
        let text = serde_json::to_string(&p).expect("json");
        let back: Profile = serde_json::from_str(&text).expect("reads back");
        assert_eq!(back.conformance.as_deref(), Some("фапи-3"));
    }

    #[test]
    fn non_loopback_https_redirect_means_pasting_back() {
        let mut p = profile();
        p.redirect_uri = "https://partner.example/cb".to_owned();
        let findings = p.validate(None);
        assert!(
            findings[0].message.contains("paste the address"),
            "{findings:?}"
        );
    }
}
