//! How the sandbox behaves: one data entry per provider we target (see the
//! project's provider research), plus the error texts each one uses. Adding a
//! personality is adding a [`Spec`] and its error wording, nothing else.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::keys::SigningAlg;

/// The provider the sandbox imitates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Personality {
    /// A plain OpenID provider (RFC 6749, OIDC Core, RFC 9207 `iss`).
    #[default]
    Generic,
    /// Keycloak: realm URLs, HS512 refresh tokens, Keycloak's error texts.
    Keycloak,
    /// SberBusiness ID: opaque `uuid-1` tokens, GOST-signed ID token and user-info.
    Bank,
    /// A GitHub App: form-encoded token answers, errors with HTTP 200, no discovery.
    Github,
    /// Kontur identity (IdentityServer): ES256 ID tokens, opaque access tokens.
    Kontur,
    /// MOEX SSO: Keycloak realm `SSO` under `/auth`, plus the `passport` grant.
    Moex,
    /// A FAPI 2.0-style provider: pushed authorization requests (RFC 9126)
    /// and signed request objects (RFC 9101) required, JWT-secured
    /// authorization responses (JARM), DPoP-bound tokens (RFC 9449); ES256.
    Fapi,
    /// The same, signing with GOST R 34.10-2012 (as the bank does) and
    /// taking GOST-signed request objects.
    #[serde(rename = "fapi-gost")]
    FapiGost,
    /// A plain OpenID provider whose client registered encryption (OIDC
    /// Core 1.0 §10.2; `id_token_encrypted_response_alg`/`_enc` and
    /// `userinfo_encrypted_response_alg`/`_enc`, OpenID Connect Dynamic
    /// Client Registration 1.0 §2): ID tokens and UserInfo answers are
    /// signed (RS256), then encrypted to the client's RSA key
    /// (`RSA-OAEP-256`, `A256GCM`), as banks do with personal data. The
    /// client's private key is handed out with the profile.
    #[serde(rename = "jwe")]
    Encrypting,
}

/// How an access or refresh token looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenShape {
    /// A signed JWT.
    Jwt(SigningAlg),
    /// A bare UUID.
    Uuid,
    /// The bank's `<uuid>-1`.
    UuidDash1,
    /// 64 hex digits (IdentityServer reference tokens).
    Hex64,
    /// A prefix and 36 alphanumerics (`ghu_…`, `ghr_…`).
    Prefixed(&'static str),
}

/// What UserInfo answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserinfoShape {
    /// A JSON object (OIDC Core §5.3.2).
    Json,
    /// A signed JWT, `application/jwt` (OIDC Core §5.3.2).
    Jwt(SigningAlg),
}

/// Paths of the endpoints, relative to the sandbox's base URL; `None` when
/// the provider has no such endpoint.
#[derive(Clone, Copy, Debug)]
pub struct Paths {
    /// Authorization endpoint.
    pub authorize: &'static str,
    /// Token endpoint.
    pub token: &'static str,
    /// UserInfo (or GitHub's `/user`).
    pub userinfo: &'static str,
    /// JWKS.
    pub jwks: Option<&'static str>,
    /// Introspection (RFC 7662).
    pub introspection: Option<&'static str>,
    /// Revocation (RFC 7009).
    pub revocation: Option<&'static str>,
    /// End session (RP-Initiated Logout 1.0).
    pub end_session: Option<&'static str>,
    /// Device authorization (RFC 8628 §3.1).
    pub device_authorization: Option<&'static str>,
    /// The device verification page (RFC 8628 §3.3).
    pub device_page: Option<&'static str>,
    /// Backchannel authentication (OpenID CIBA Core 1.0 §7.1).
    pub backchannel_authentication: Option<&'static str>,
    /// The "phone" page where CIBA requests are approved or denied.
    pub ciba_page: Option<&'static str>,
    /// Pushed authorization requests (RFC 9126 §2).
    pub par: Option<&'static str>,
    /// The bank's certificate endpoint.
    pub certificate: Option<&'static str>,
}

/// Everything that differs between personalities.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    /// Appended to the base URL to make the issuer.
    pub issuer_path: &'static str,
    /// Whether `/.well-known/openid-configuration` is served (under the issuer).
    pub discovery: bool,
    /// Endpoint paths (relative to the base URL).
    pub paths: Paths,
    /// The confidential client's id.
    pub client_id: &'static str,
    /// Its secret (a sandbox credential, printed by `tokenscope sandbox`).
    pub client_secret: &'static str,
    /// ID token signature; `None`: no ID tokens (plain OAuth 2.0).
    pub id_token_alg: Option<SigningAlg>,
    /// Access token shape.
    pub access_token: TokenShape,
    /// Refresh token shape.
    pub refresh_token: TokenShape,
    /// UserInfo answer.
    pub userinfo: UserinfoShape,
    /// Grant types accepted at the token endpoint.
    pub grants: &'static [&'static str],
    /// PKCE methods accepted (RFC 7636 §4.3).
    pub pkce_methods: &'static [&'static str],
    /// Lifetimes in seconds: access token, refresh token, code, ID token.
    pub lifetimes: Lifetimes,
    /// Minimum `state` and `nonce` lengths (the bank's rules); 0 for none.
    pub min_state: usize,
    /// Minimum `nonce` length.
    pub min_nonce: usize,
    /// Whether the redirect carries `iss` (RFC 9207).
    pub iss_parameter: bool,
    /// Scopes a profile for this personality asks for.
    pub scopes: &'static str,
    /// Scope for the client credentials grant.
    pub client_scopes: &'static str,
    /// FAPI 2.0-style rules: PAR required (RFC 9126 §5), a signed request
    /// object required (RFC 9101 §10.5), answers by JARM only, DPoP at the
    /// token and UserInfo endpoints (RFC 9449 §5, §7).
    pub fapi: bool,
    /// Whether ID tokens and UserInfo answers are encrypted to the client.
    pub client_encryption: ClientEncryption,
}

/// What the sandbox does to the ID tokens and UserInfo answers it hands its
/// client after signing them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientEncryption {
    /// Nothing: they are signed only.
    Off,
    /// Encrypted to the client's RSA key (OIDC Core 1.0 §10.2: signed, then
    /// encrypted) with `RSA-OAEP-256` and `A256GCM`
    /// ([`super::keys::ENCRYPTION_ALG`], [`super::keys::ENCRYPTION_ENC`]):
    /// the sandbox makes the client's key pair and hands out the private half.
    ToClientKey,
}

impl Spec {
    /// Whether ID tokens and UserInfo answers are encrypted to the client.
    pub fn encrypts(&self) -> bool {
        self.client_encryption == ClientEncryption::ToClientKey
    }
}

/// Token lifetimes in seconds.
#[derive(Clone, Copy, Debug)]
pub struct Lifetimes {
    /// Access token.
    pub access: i64,
    /// Refresh token.
    pub refresh: i64,
    /// Authorization code.
    pub code: i64,
    /// ID token.
    pub id: i64,
}

const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// The CIBA grant (OpenID CIBA Core 1.0 §10.1).
pub const CIBA_GRANT: &str = "urn:openid:params:grant-type:ciba";

const GENERIC: Spec = Spec {
    issuer_path: "",
    discovery: true,
    paths: Paths {
        authorize: "/authorize",
        token: "/token",
        userinfo: "/userinfo",
        jwks: Some("/jwks"),
        introspection: Some("/introspect"),
        revocation: Some("/revoke"),
        end_session: Some("/end_session"),
        device_authorization: Some("/device_authorization"),
        device_page: Some("/device"),
        certificate: None,
        backchannel_authentication: Some("/bc-authorize"),
        ciba_page: Some("/ciba"),
        par: None,
    },
    client_id: "sandbox-client",
    client_secret: "sandbox-secret",
    id_token_alg: Some(SigningAlg::RS256),
    access_token: TokenShape::Jwt(SigningAlg::EdDSA),
    refresh_token: TokenShape::Uuid,
    userinfo: UserinfoShape::Json,
    grants: &[
        "authorization_code",
        "refresh_token",
        "client_credentials",
        "password",
        DEVICE_GRANT,
        CIBA_GRANT,
    ],
    pkce_methods: &["S256", "plain"],
    lifetimes: Lifetimes {
        access: 300,
        refresh: 3600,
        code: 300,
        id: 300,
    },
    min_state: 0,
    min_nonce: 0,
    iss_parameter: true,
    scopes: "openid profile email offline_access",
    client_scopes: "api",
    fapi: false,
    client_encryption: ClientEncryption::Off,
};

const KEYCLOAK_PATHS: Paths = Paths {
    authorize: "/realms/sandbox/protocol/openid-connect/auth",
    token: "/realms/sandbox/protocol/openid-connect/token",
    userinfo: "/realms/sandbox/protocol/openid-connect/userinfo",
    jwks: Some("/realms/sandbox/protocol/openid-connect/certs"),
    introspection: Some("/realms/sandbox/protocol/openid-connect/token/introspect"),
    revocation: Some("/realms/sandbox/protocol/openid-connect/revoke"),
    end_session: Some("/realms/sandbox/protocol/openid-connect/logout"),
    device_authorization: Some("/realms/sandbox/protocol/openid-connect/auth/device"),
    device_page: Some("/realms/sandbox/device"),
    certificate: None,
    backchannel_authentication: Some("/realms/sandbox/protocol/openid-connect/ext/ciba/auth"),
    ciba_page: Some("/realms/sandbox/ciba"),
    par: None,
};

const KEYCLOAK: Spec = Spec {
    issuer_path: "/realms/sandbox",
    paths: KEYCLOAK_PATHS,
    client_id: "fe-client",
    client_secret: "sandbox-keycloak-secret",
    id_token_alg: Some(SigningAlg::RS256),
    access_token: TokenShape::Jwt(SigningAlg::RS256),
    refresh_token: TokenShape::Jwt(SigningAlg::HS512),
    lifetimes: Lifetimes {
        access: 300,
        refresh: 1800,
        code: 60,
        id: 300,
    },
    scopes: "openid profile email",
    client_scopes: "profile",
    ..GENERIC
};

const MOEX: Spec = Spec {
    issuer_path: "/auth/realms/SSO",
    paths: Paths {
        authorize: "/auth/realms/SSO/protocol/openid-connect/auth",
        token: "/auth/realms/SSO/protocol/openid-connect/token",
        userinfo: "/auth/realms/SSO/protocol/openid-connect/userinfo",
        jwks: Some("/auth/realms/SSO/protocol/openid-connect/certs"),
        introspection: Some("/auth/realms/SSO/protocol/openid-connect/token/introspect"),
        revocation: Some("/auth/realms/SSO/protocol/openid-connect/revoke"),
        end_session: Some("/auth/realms/SSO/protocol/openid-connect/logout"),
        device_authorization: Some("/auth/realms/SSO/protocol/openid-connect/auth/device"),
        device_page: Some("/auth/realms/SSO/device"),
        certificate: None,
        backchannel_authentication: None,
        ciba_page: None,
        par: None,
    },
    client_id: "test_api",
    client_secret: "sandbox-moex-secret",
    refresh_token: TokenShape::Uuid,
    grants: &[
        "authorization_code",
        "refresh_token",
        "client_credentials",
        "password",
        DEVICE_GRANT,
        "passport",
    ],
    lifetimes: Lifetimes {
        access: 3600,
        refresh: 7200,
        code: 60,
        id: 3600,
    },
    scopes: "openid profile email 2F_CA_Auth client_registration",
    client_scopes: "client_registration",
    ..KEYCLOAK
};

const BANK: Spec = Spec {
    issuer_path: "",
    discovery: false,
    paths: Paths {
        authorize: "/ic/sso/api/v2/oauth/authorize",
        token: "/ic/sso/api/v2/oauth/token",
        userinfo: "/ic/sso/api/v2/oauth/user-info",
        jwks: None,
        introspection: None,
        revocation: Some("/ic/sso/api/v1/oauth/revoke"),
        end_session: None,
        device_authorization: None,
        device_page: None,
        certificate: Some("/fintech/api/v1/crypto"),
        backchannel_authentication: None,
        ciba_page: None,
        par: None,
    },
    client_id: "10013",
    client_secret: "sandbox-bank-secret",
    id_token_alg: Some(SigningAlg::Gost),
    access_token: TokenShape::UuidDash1,
    refresh_token: TokenShape::UuidDash1,
    userinfo: UserinfoShape::Jwt(SigningAlg::Gost),
    grants: &["authorization_code", "refresh_token"],
    pkce_methods: &["S256"],
    lifetimes: Lifetimes {
        access: 3600,
        refresh: 180 * 86_400,
        code: 120,
        id: 300,
    },
    min_state: 36,
    min_nonce: 10,
    iss_parameter: false,
    scopes: "openid inn email OrgName",
    client_scopes: "",
    fapi: false,
    client_encryption: ClientEncryption::Off,
};

const GITHUB: Spec = Spec {
    issuer_path: "",
    discovery: false,
    paths: Paths {
        authorize: "/login/oauth/authorize",
        token: "/login/oauth/access_token",
        userinfo: "/user",
        jwks: None,
        introspection: None,
        revocation: None,
        end_session: None,
        device_authorization: Some("/login/device/code"),
        device_page: Some("/login/device"),
        certificate: None,
        backchannel_authentication: None,
        ciba_page: None,
        par: None,
    },
    client_id: "Iv1.5a4db0c8sandbox",
    client_secret: "sandbox-github-secret",
    id_token_alg: None,
    access_token: TokenShape::Prefixed("ghu_"),
    refresh_token: TokenShape::Prefixed("ghr_"),
    userinfo: UserinfoShape::Json,
    grants: &["authorization_code", "refresh_token", DEVICE_GRANT],
    pkce_methods: &["S256"],
    lifetimes: Lifetimes {
        access: 28_800,
        refresh: 15_897_600,
        code: 600,
        id: 0,
    },
    min_state: 0,
    min_nonce: 0,
    iss_parameter: false,
    scopes: "read:user user:email",
    client_scopes: "",
    fapi: false,
    client_encryption: ClientEncryption::Off,
};

const KONTUR: Spec = Spec {
    paths: Paths {
        authorize: "/connect/authorize",
        token: "/connect/token",
        userinfo: "/connect/userinfo",
        jwks: Some("/.well-known/openid-configuration/jwks"),
        introspection: Some("/connect/introspect"),
        revocation: Some("/connect/revocation"),
        end_session: Some("/connect/endsession"),
        device_authorization: Some("/connect/deviceauthorization"),
        device_page: Some("/device"),
        certificate: None,
        backchannel_authentication: None,
        ciba_page: None,
        par: None,
    },
    client_id: "sandbox.service",
    client_secret: "8c5e2f4a-1b7d-4c3e-9a6f-0d2b8e7c5a13",
    id_token_alg: Some(SigningAlg::ES256),
    access_token: TokenShape::Hex64,
    refresh_token: TokenShape::Hex64,
    lifetimes: Lifetimes {
        access: 3600,
        refresh: 2_592_000,
        code: 300,
        id: 300,
    },
    iss_parameter: true,
    scopes: "openid profile extern.api offline_access",
    client_scopes: "extern.api",
    ..GENERIC
};

const FAPI: Spec = Spec {
    paths: Paths {
        authorize: "/authorize",
        token: "/token",
        userinfo: "/userinfo",
        jwks: Some("/jwks"),
        introspection: Some("/introspect"),
        revocation: Some("/revoke"),
        end_session: Some("/end_session"),
        device_authorization: None,
        device_page: None,
        certificate: None,
        backchannel_authentication: None,
        ciba_page: None,
        par: Some("/par"),
    },
    client_id: "sandbox-fapi-client",
    client_secret: "sandbox-fapi-secret",
    id_token_alg: Some(SigningAlg::ES256),
    access_token: TokenShape::Jwt(SigningAlg::ES256),
    refresh_token: TokenShape::Uuid,
    grants: &["authorization_code", "refresh_token"],
    pkce_methods: &["S256"],
    lifetimes: Lifetimes {
        access: 300,
        refresh: 3600,
        code: 60,
        id: 300,
    },
    scopes: "openid profile email offline_access",
    client_scopes: "",
    fapi: true,
    ..GENERIC
};

const FAPI_GOST: Spec = Spec {
    client_id: "sandbox-fapi-gost-client",
    client_secret: "sandbox-fapi-gost-secret",
    id_token_alg: Some(SigningAlg::Gost),
    access_token: TokenShape::Jwt(SigningAlg::Gost),
    ..FAPI
};

const ENCRYPTING: Spec = Spec {
    client_id: "sandbox-jwe-client",
    client_secret: "sandbox-jwe-secret",
    // OIDC Core 1.0 §5.3.2: an encrypted UserInfo answer is a signed JWT, encrypted.
    userinfo: UserinfoShape::Jwt(SigningAlg::RS256),
    client_encryption: ClientEncryption::ToClientKey,
    ..GENERIC
};

impl Personality {
    /// Every personality, in menu order.
    pub const ALL: [Self; 9] = [
        Self::Generic,
        Self::Keycloak,
        Self::Bank,
        Self::Github,
        Self::Kontur,
        Self::Moex,
        Self::Fapi,
        Self::FapiGost,
        Self::Encrypting,
    ];

    /// The name on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Generic => "generic",
            Self::Keycloak => "keycloak",
            Self::Bank => "bank",
            Self::Github => "github",
            Self::Kontur => "kontur",
            Self::Moex => "moex",
            Self::Fapi => "fapi",
            Self::FapiGost => "fapi-gost",
            Self::Encrypting => "jwe",
        }
    }

    /// The name shown in the panel.
    pub fn label(self) -> &'static str {
        match self {
            Self::Generic => "Generic OpenID provider",
            Self::Keycloak => "Keycloak-like",
            Self::Bank => "Bank-like (SberBusiness ID)",
            Self::Github => "GitHub-like",
            Self::Kontur => "Kontur-like",
            Self::Moex => "MOEX-like (passport grant)",
            Self::Fapi => "FAPI 2.0-like (PAR, signed requests, JARM, DPoP)",
            Self::FapiGost => "FAPI 2.0-like, GOST-signed",
            Self::Encrypting => "Encrypting (JWE ID tokens and UserInfo)",
        }
    }

    /// From its command-line name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == name)
    }

    /// Its data.
    pub fn spec(self) -> &'static Spec {
        match self {
            Self::Generic => &GENERIC,
            Self::Keycloak => &KEYCLOAK,
            Self::Bank => &BANK,
            Self::Github => &GITHUB,
            Self::Kontur => &KONTUR,
            Self::Moex => &MOEX,
            Self::Fapi => &FAPI,
            Self::FapiGost => &FAPI_GOST,
            Self::Encrypting => &ENCRYPTING,
        }
    }

    /// Whether this is an OpenID provider (ID tokens).
    pub fn openid(self) -> bool {
        self.spec().id_token_alg.is_some()
    }
}

/// A person to sign in as: the login page lists them (no passwords).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct User {
    /// Login name, also the resource owner password grant's username.
    pub login: &'static str,
    /// A stable id.
    pub id: &'static str,
    /// Given name.
    pub given_name: &'static str,
    /// Family name.
    pub family_name: &'static str,
    /// E-mail.
    pub email: &'static str,
    /// The organisation (bank personality).
    pub organisation: &'static str,
}

/// The sandbox's users. The password grant accepts the login as the password.
pub const USERS: [User; 2] = [
    User {
        login: "anna",
        id: "19942df0-db31-410a-b76a-551750ccdae0",
        given_name: "Анна",
        family_name: "Смирнова",
        email: "anna.smirnova@example.test",
        organisation: "ООО «Ромашка»",
    },
    User {
        login: "ivan",
        id: "6e83631c-efa4-4f9f-864b-f5ca304c841c",
        given_name: "Иван",
        family_name: "Петров",
        email: "ivan.petrov@example.test",
        organisation: "АО «Вектор»",
    },
];

/// A user by login name.
pub fn user(login: &str) -> Option<&'static User> {
    USERS.iter().find(|u| u.login == login)
}

impl User {
    /// The `sub` this personality gives the user.
    pub fn subject(&self, personality: Personality) -> String {
        match personality {
            // The bank's sub is a 64-hex pairwise hash.
            Personality::Bank => {
                use sha2::Digest as _;
                sha2::Sha256::digest(format!("bank:{}", self.id).as_bytes())
                    .iter()
                    .fold(String::with_capacity(64), |mut out, b| {
                        use std::fmt::Write as _;
                        // Writing to a String cannot fail.
                        let _ = write!(out, "{b:02x}");
                        out
                    })
            }
            // MOEX users are federated: f:<provider>:<external id>.
            Personality::Moex => format!("f:{}:90196", self.id),
            Personality::Github => format!("{}", 1000 + self.login.len()),
            _ => self.id.to_owned(),
        }
    }

    /// The profile claims of this user (OIDC Core §5.1, plus the personality's own).
    pub fn claims(&self, personality: Personality, client_id: &str) -> Map<String, Value> {
        let name = format!("{} {}", self.given_name, self.family_name);
        let mut claims = Map::new();
        claims.insert("sub".to_owned(), json!(self.subject(personality)));
        match personality {
            Personality::Github => {
                claims.insert("login".to_owned(), json!(format!("{}-sandbox", self.login)));
                claims.insert("id".to_owned(), json!(1000 + self.login.len()));
                claims.insert("name".to_owned(), json!(name));
                claims.insert("email".to_owned(), json!(self.email));
                claims.insert("type".to_owned(), json!("User"));
            }
            Personality::Bank => {
                claims.insert("inn".to_owned(), json!("7707083893"));
                claims.insert("OrgName".to_owned(), json!(self.organisation));
                claims.insert(
                    "orgFullName".to_owned(),
                    json!(format!(
                        "Общество с ограниченной ответственностью {}",
                        self.organisation
                    )),
                );
                claims.insert("orgKpp".to_owned(), json!("773601001"));
                claims.insert("orgOgrn".to_owned(), json!("1027700132195"));
                claims.insert("HashOrgId".to_owned(), json!(self.subject(personality)));
                claims.insert("userGuid".to_owned(), json!(self.id));
                claims.insert("userPosition".to_owned(), json!("Генеральный директор"));
                claims.insert("userGroups".to_owned(), json!("Руководитель"));
                claims.insert(
                    "userSignatureType".to_owned(),
                    json!("Единственная подпись"),
                );
                claims.insert("userCryptoType".to_owned(), json!("SMS"));
                claims.insert("terBank".to_owned(), json!("Московский Банк Сбербанка РФ"));
                claims.insert("phone_number".to_owned(), json!("+79990000000"));
                claims.insert("email".to_owned(), json!(self.email));
                claims.insert("name".to_owned(), json!(name));
                claims.insert("given_name".to_owned(), json!(self.given_name));
                claims.insert("family_name".to_owned(), json!(self.family_name));
                claims.insert("aud".to_owned(), json!(client_id));
            }
            _ => {
                claims.insert("name".to_owned(), json!(name));
                claims.insert("given_name".to_owned(), json!(self.given_name));
                claims.insert("family_name".to_owned(), json!(self.family_name));
                claims.insert("preferred_username".to_owned(), json!(self.login));
                claims.insert("email".to_owned(), json!(self.email));
                claims.insert("email_verified".to_owned(), json!(true));
            }
        }
        claims
    }
}

/// A failure the token, userinfo or other endpoints report; each personality words it its own way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// A required parameter is missing.
    MissingParameter(&'static str),
    /// The body is not form-encoded.
    NotForm,
    /// A form key appears twice.
    DuplicatedParameter(String),
    /// Unknown client or wrong secret.
    BadClient,
    /// The grant type is not accepted.
    UnsupportedGrant(String),
    /// The code is unknown, used or issued to another client.
    UnknownCode(String),
    /// The code is older than its lifetime.
    CodeExpired(String),
    /// `redirect_uri` differs from the authorization request's.
    RedirectMismatch(String),
    /// The verifier does not match the challenge.
    PkceMismatch,
    /// A challenge was sent but no verifier.
    PkceMissing,
    /// The refresh token is unknown, rotated away or revoked.
    BadRefreshToken,
    /// The refresh token expired.
    RefreshExpired,
    /// Wrong username or password.
    BadCredentials,
    /// Device flow: not approved yet (RFC 8628 §3.5).
    AuthorizationPending,
    /// Device flow: polling too fast.
    SlowDown,
    /// Device flow: the device code expired.
    ExpiredDeviceCode,
    /// The user refused.
    AccessDenied,
    /// CIBA: the hint names no user this provider knows (CIBA Core §13 `unknown_user_id`).
    UnknownUserId,
    /// CIBA: the binding message is too long or has control characters (`invalid_binding_message`).
    InvalidBindingMessage,
    /// CIBA: the request expired before the user approved (`expired_token`).
    ExpiredAuthRequest,
    /// A malformed request, said in the provider's words (`invalid_request`).
    InvalidRequest(String),
    /// The bearer token is missing, unknown or expired.
    InvalidToken,
    /// The extension grant lacks its fields.
    InvalidPassport,
    /// The sandbox itself failed (a token could not be signed).
    ServerError(String),
    /// The DPoP proof is missing or wrong (RFC 9449 §4.3, §5: `invalid_dpop_proof`).
    InvalidDpopProof(String),
    /// The proof lacks the server's current nonce (RFC 9449 §8: `use_dpop_nonce`).
    UseDpopNonce,
    /// The request object is not signed right or its claims are wrong
    /// (RFC 9101 §6.3, RFC 9126 §2.3: `invalid_request_object`).
    InvalidRequestObject(String),
}

/// An error answer: HTTP status, `error`, `error_description`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorAnswer {
    /// HTTP status.
    pub status: u16,
    /// The `error` code.
    pub error: &'static str,
    /// The `error_description`, as the provider words it.
    pub description: String,
    /// GitHub's `error_uri`.
    pub uri: Option<String>,
}

const GITHUB_DOCS: &str = "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/";

impl Personality {
    /// How this provider reports `failure` (RFC 6749 §5.2 codes, the provider's texts).
    #[expect(
        clippy::too_many_lines,
        reason = "one table: failure × provider wording"
    )]
    pub fn error(self, failure: &Failure) -> ErrorAnswer {
        let answer = |status: u16, error: &'static str, description: String| ErrorAnswer {
            status,
            error,
            description,
            uri: None,
        };
        match self {
            Self::Keycloak | Self::Moex => match failure {
                Failure::MissingParameter(name) => {
                    answer(400, "invalid_request", format!("Missing parameter: {name}"))
                }
                Failure::NotForm => answer(
                    400,
                    "invalid_request",
                    "Missing form parameter: grant_type".to_owned(),
                ),
                Failure::DuplicatedParameter(_) => {
                    answer(400, "invalid_grant", "duplicated parameter".to_owned())
                }
                Failure::BadClient => answer(
                    401,
                    "unauthorized_client",
                    "Invalid client or Invalid client credentials".to_owned(),
                ),
                Failure::UnsupportedGrant(_) => answer(
                    400,
                    "unsupported_grant_type",
                    "Unsupported grant_type".to_owned(),
                ),
                Failure::UnknownCode(_) => {
                    answer(400, "invalid_grant", "Code not valid".to_owned())
                }
                Failure::CodeExpired(_) => {
                    answer(400, "invalid_grant", "Code is expired".to_owned())
                }
                Failure::RedirectMismatch(_) => {
                    answer(400, "invalid_grant", "Incorrect redirect_uri".to_owned())
                }
                Failure::PkceMismatch => answer(
                    400,
                    "invalid_grant",
                    "PKCE verification failed: Code mismatch".to_owned(),
                ),
                Failure::PkceMissing => answer(
                    400,
                    "invalid_grant",
                    "PKCE code verifier not specified".to_owned(),
                ),
                Failure::BadRefreshToken => {
                    answer(400, "invalid_grant", "Invalid refresh token".to_owned())
                }
                Failure::RefreshExpired => {
                    answer(400, "invalid_grant", "Token is not active".to_owned())
                }
                Failure::BadCredentials => {
                    answer(401, "invalid_grant", "Invalid user credentials".to_owned())
                }
                Failure::AuthorizationPending => answer(
                    400,
                    "authorization_pending",
                    "The authorization request is still pending".to_owned(),
                ),
                Failure::SlowDown => answer(400, "slow_down", "Slow down".to_owned()),
                Failure::ExpiredDeviceCode => {
                    answer(400, "expired_token", "Device code is expired".to_owned())
                }
                Failure::AccessDenied => {
                    answer(400, "access_denied", "Access denied by the user".to_owned())
                }
                Failure::UnknownUserId => answer(
                    400,
                    "unknown_user_id",
                    "Could not find user for the given login_hint".to_owned(),
                ),
                Failure::InvalidBindingMessage => answer(
                    400,
                    "invalid_binding_message",
                    "Invalid binding_message".to_owned(),
                ),
                Failure::ExpiredAuthRequest => answer(
                    400,
                    "expired_token",
                    "The authentication request has expired".to_owned(),
                ),
                Failure::InvalidRequest(why) => answer(400, "invalid_request", why.clone()),
                Failure::InvalidToken => {
                    answer(401, "invalid_token", "Token verification failed".to_owned())
                }
                Failure::InvalidPassport => answer(
                    400,
                    "invalid_request",
                    "Missing parameter: passport".to_owned(),
                ),
                Failure::ServerError(why) => answer(500, "server_error", why.clone()),
                other => {
                    let (status, error) = rfc_code(other);
                    answer(status, error, generic_text(other))
                }
            },
            Self::Bank => match failure {
                Failure::UnknownCode(code) | Failure::CodeExpired(code) => {
                    answer(400, "invalid_grant", format!("Unknown code = {code}"))
                }
                Failure::BadClient => answer(
                    400,
                    "invalid_grant",
                    "Invalid client secret for authz code".to_owned(),
                ),
                Failure::RedirectMismatch(uri) => answer(
                    400,
                    "invalid_grant",
                    format!("Redirect uri {uri} is invalid"),
                ),
                Failure::PkceMismatch | Failure::PkceMissing => {
                    answer(400, "invalid_grant", "Invalid code verifier".to_owned())
                }
                Failure::UnsupportedGrant(_) | Failure::NotForm => answer(
                    400,
                    "unsupported_grant_type",
                    "grant_type must match ^(authorization_code|refresh_token)$".to_owned(),
                ),
                Failure::InvalidToken => answer(
                    401,
                    "invalid_token",
                    "Access token is invalid or expired".to_owned(),
                ),
                Failure::BadRefreshToken | Failure::RefreshExpired => {
                    answer(400, "invalid_grant", "Invalid refresh token".to_owned())
                }
                other => answer(400, "invalid_request", generic_text(other)),
            },
            Self::Github => {
                let (error, description) = match failure {
                    Failure::BadClient => (
                        "incorrect_client_credentials",
                        "The client_id and/or client_secret passed are incorrect.",
                    ),
                    Failure::RedirectMismatch(_) => (
                        "redirect_uri_mismatch",
                        "The redirect_uri MUST match the registered callback URL for this application.",
                    ),
                    Failure::UnknownCode(_)
                    | Failure::CodeExpired(_)
                    | Failure::PkceMismatch
                    | Failure::PkceMissing => (
                        "bad_verification_code",
                        "The code passed is incorrect or expired.",
                    ),
                    Failure::BadRefreshToken | Failure::RefreshExpired => (
                        "bad_refresh_token",
                        "The refresh token passed is incorrect or expired.",
                    ),
                    Failure::UnsupportedGrant(_) | Failure::NotForm => {
                        ("unsupported_grant_type", "The grant type is not supported.")
                    }
                    Failure::AuthorizationPending => (
                        "authorization_pending",
                        "The authorization request is still pending.",
                    ),
                    Failure::SlowDown => (
                        "slow_down",
                        "Too many requests have been made in the same timeframe.",
                    ),
                    Failure::ExpiredDeviceCode => ("expired_token", "The device code has expired."),
                    Failure::AccessDenied => {
                        ("access_denied", "The authorization request was denied.")
                    }
                    Failure::InvalidToken => ("bad_credentials", "Bad credentials"),
                    Failure::MissingParameter("device_code") => (
                        "incorrect_device_code",
                        "The device_code provided is not valid.",
                    ),
                    Failure::ServerError(_) => {
                        ("server_error", "The sandbox could not sign the token.")
                    }
                    Failure::InvalidDpopProof(_) => {
                        ("invalid_dpop_proof", "The DPoP proof is invalid.")
                    }
                    Failure::UseDpopNonce => ("use_dpop_nonce", "A DPoP nonce is required."),
                    Failure::InvalidRequestObject(_) => {
                        ("invalid_request_object", "The request object is invalid.")
                    }
                    Failure::UnknownUserId => ("unknown_user_id", "The user is unknown."),
                    Failure::InvalidBindingMessage => {
                        ("invalid_binding_message", "The binding message is invalid.")
                    }
                    Failure::ExpiredAuthRequest => {
                        ("expired_token", "The authentication request has expired.")
                    }
                    Failure::MissingParameter(_)
                    | Failure::DuplicatedParameter(_)
                    | Failure::BadCredentials
                    | Failure::InvalidRequest(_)
                    | Failure::InvalidPassport => (
                        "invalid_request",
                        "A required parameter is missing, repeated or malformed.",
                    ),
                };
                let anchor = error.replace('_', "-");
                ErrorAnswer {
                    // GitHub answers token errors with HTTP 200; only the API says 401.
                    status: if *failure == Failure::InvalidToken {
                        401
                    } else {
                        200
                    },
                    error,
                    description: description.to_owned(),
                    uri: Some(format!("{GITHUB_DOCS}#{anchor}")),
                }
            }
            Self::Kontur | Self::Generic | Self::Fapi | Self::FapiGost | Self::Encrypting => {
                let (status, error) = rfc_code(failure);
                answer(status, error, generic_text(failure))
            }
        }
    }
}

fn rfc_code(failure: &Failure) -> (u16, &'static str) {
    match failure {
        Failure::MissingParameter(_)
        | Failure::NotForm
        | Failure::DuplicatedParameter(_)
        | Failure::InvalidRequest(_)
        | Failure::InvalidPassport => (400, "invalid_request"),
        Failure::UnknownUserId => (400, "unknown_user_id"),
        Failure::InvalidBindingMessage => (400, "invalid_binding_message"),
        Failure::BadClient => (401, "invalid_client"),
        Failure::UnsupportedGrant(_) => (400, "unsupported_grant_type"),
        Failure::AuthorizationPending => (400, "authorization_pending"),
        Failure::SlowDown => (400, "slow_down"),
        Failure::ExpiredDeviceCode | Failure::ExpiredAuthRequest => (400, "expired_token"),
        Failure::AccessDenied => (400, "access_denied"),
        Failure::InvalidToken => (401, "invalid_token"),
        Failure::ServerError(_) => (500, "server_error"),
        Failure::InvalidDpopProof(_) => (400, "invalid_dpop_proof"),
        Failure::UseDpopNonce => (400, "use_dpop_nonce"),
        Failure::InvalidRequestObject(_) => (400, "invalid_request_object"),
        _ => (400, "invalid_grant"),
    }
}

fn generic_text(failure: &Failure) -> String {
    match failure {
        Failure::MissingParameter(name) => format!("the {name} parameter is missing"),
        Failure::NotForm => "the body must be application/x-www-form-urlencoded".to_owned(),
        Failure::DuplicatedParameter(name) => {
            format!("the {name} parameter appears more than once")
        }
        Failure::BadClient => "client authentication failed".to_owned(),
        Failure::UnsupportedGrant(grant) => format!("grant_type {grant} is not supported"),
        Failure::UnknownCode(_) => {
            "the authorization code is invalid or was already used".to_owned()
        }
        Failure::CodeExpired(_) => "the authorization code has expired".to_owned(),
        Failure::RedirectMismatch(_) => {
            "redirect_uri does not match the authorization request".to_owned()
        }
        Failure::PkceMismatch => {
            "PKCE verification failed: code_verifier does not match code_challenge".to_owned()
        }
        Failure::PkceMissing => {
            "code_verifier is required: the authorization request had a code_challenge".to_owned()
        }
        Failure::BadRefreshToken => {
            "the refresh token is invalid, revoked or was rotated".to_owned()
        }
        Failure::RefreshExpired => "the refresh token has expired".to_owned(),
        Failure::BadCredentials => "invalid username or password".to_owned(),
        Failure::AuthorizationPending => "the user has not approved the device yet".to_owned(),
        Failure::SlowDown => "polling too fast: wait longer between requests".to_owned(),
        Failure::ExpiredDeviceCode => "the device code has expired".to_owned(),
        Failure::AccessDenied => "the user denied the request".to_owned(),
        Failure::UnknownUserId => "the hint names no user known here".to_owned(),
        Failure::InvalidBindingMessage => {
            "the binding message is too long or has control characters".to_owned()
        }
        Failure::ExpiredAuthRequest => "the authentication request has expired".to_owned(),
        Failure::InvalidToken => "the access token is invalid or has expired".to_owned(),
        Failure::InvalidPassport => "the passport grant needs passport and signature".to_owned(),
        Failure::UseDpopNonce => {
            "Authorization server requires nonce in DPoP proof (use the DPoP-Nonce header)"
                .to_owned()
        }
        Failure::InvalidRequest(why)
        | Failure::ServerError(why)
        | Failure::InvalidDpopProof(why)
        | Failure::InvalidRequestObject(why) => why.clone(),
    }
}
