//! Built-in presets: one data entry per provider, with the quirks we know
//! (see the project's provider research). A preset becomes a [`Profile`]
//! through [`Preset::instantiate`]; adding a provider is adding an entry to
//! [`PRESETS`], nothing else.

use super::profile::{
    AssertionAudience, ClientAuth, Endpoints, ExtensionField, ExtensionGrant, Grant, Param,
    PkceMode, Profile, ProfileId, RequestKind,
};

/// A field of an extension grant preset: name, default value, whether it
/// is a secret, and a hint for the form.
#[derive(Debug)]
pub struct GrantField {
    /// The form field name.
    pub name: &'static str,
    /// Default value (plain fields only).
    pub value: &'static str,
    /// Whether the value is a secret (kept in the secret store).
    pub secret: bool,
    /// What goes there.
    pub hint: &'static str,
}

/// An extension grant preset (RFC 6749 §4.5): a `grant_type` and its fields.
#[derive(Debug)]
pub struct GrantPreset {
    /// Stable id.
    pub id: &'static str,
    /// Shown name.
    pub name: &'static str,
    /// One line on what it is.
    pub summary: &'static str,
    /// The `grant_type`.
    pub grant_type: &'static str,
    /// The fields, in order.
    pub fields: &'static [GrantField],
}

impl GrantPreset {
    /// The fields as a profile holds them.
    pub fn fields(&self) -> Vec<ExtensionField> {
        self.fields
            .iter()
            .map(|f| ExtensionField {
                name: f.name.to_owned(),
                value: if f.secret {
                    String::new()
                } else {
                    f.value.to_owned()
                },
                secret: f.secret,
                hint: f.hint.to_owned(),
            })
            .collect()
    }
}

const fn plain(name: &'static str, value: &'static str, hint: &'static str) -> GrantField {
    GrantField {
        name,
        value,
        secret: false,
        hint,
    }
}

const fn secret(name: &'static str, hint: &'static str) -> GrantField {
    GrantField {
        name,
        value: "",
        secret: true,
        hint,
    }
}

/// The extension grant presets.
pub const GRANT_PRESETS: &[GrantPreset] = &[
    GrantPreset {
        id: "moex-passport",
        name: "MOEX passport",
        summary: "grant_type=passport: the MicexPassportCert cookie value, its detached signature (GOST R 34.10-2012 or RSA), and the old and new client credentials during rotation. Field names are not publicly confirmed: edit them as your contract says.",
        grant_type: "passport",
        fields: &[
            secret(
                "passport",
                "MicexPassportCert cookie value from passport.moex.com/authenticate",
            ),
            plain("algorithm", "GOST", "GOST or RSA"),
            secret(
                "signature",
                "detached signature of the passport certificate",
            ),
            plain("client_id_old", "", "client id before rotation"),
            plain("client_id_new", "", "client id after rotation"),
            secret("client_secret_old", "client secret before rotation"),
            secret("client_secret_new", "client secret after rotation"),
        ],
    },
    GrantPreset {
        id: "token-exchange",
        name: "Token exchange (RFC 8693)",
        summary: "Trade a token for another one (RFC 8693 §2.1): impersonation or delegation.",
        grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
        fields: &[
            secret("subject_token", "the token to exchange"),
            plain(
                "subject_token_type",
                "urn:ietf:params:oauth:token-type:access_token",
                "RFC 8693 §3",
            ),
            plain(
                "requested_token_type",
                "urn:ietf:params:oauth:token-type:access_token",
                "optional",
            ),
            plain("audience", "", "optional: the target service"),
            plain("resource", "", "optional: the target resource URI"),
            plain("scope", "", "optional"),
            secret(
                "actor_token",
                "optional: the acting party's token (delegation)",
            ),
            plain("actor_token_type", "", "required with actor_token"),
        ],
    },
];

/// The extension grant preset with this `grant_type`.
pub fn grant_preset(grant_type: &str) -> Option<&'static GrantPreset> {
    GRANT_PRESETS.iter().find(|p| p.grant_type == grant_type)
}

/// A value the user fills in when creating a profile (`{realm}`, `{tenant}`).
#[derive(Debug)]
pub struct Variable {
    /// Placeholder name, used as `{name}` in templates.
    pub name: &'static str,
    /// Label in the form.
    pub label: &'static str,
    /// Default value.
    pub default: &'static str,
}

/// A named environment of a provider: the variable values it implies.
#[derive(Debug)]
pub struct Environment {
    /// The message id of its label ("test", "prod (Token users)").
    pub label_id: &'static str,
    /// Variable values.
    pub values: &'static [(&'static str, &'static str)],
}

/// A provider preset.
#[derive(Debug)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent switches of a data table (OpenID, discovery, DPoP, PAR, JAR), one per profile field"
)]
pub struct Preset {
    /// Stable id, stored in profiles.
    pub id: &'static str,
    /// Shown name (a provider's name, the same in every language).
    pub name: &'static str,
    /// The message id of one line on what it is.
    pub summary_id: &'static str,
    /// Whether it is an OpenID provider (ID tokens, `openid` scope).
    pub openid: bool,
    /// Whether the provider publishes discovery metadata.
    pub discovery: bool,
    /// Values the user fills in.
    pub variables: &'static [Variable],
    /// Known environments; the first is the default.
    pub environments: &'static [Environment],
    /// Issuer template.
    pub issuer: &'static str,
    /// Endpoint templates by metadata name; other names become extras.
    pub endpoints: &'static [(&'static str, &'static str)],
    /// Default scopes.
    pub scopes: &'static str,
    /// Client authentication.
    pub client_auth: ClientAuth,
    /// PKCE.
    pub pkce: PkceMode,
    /// Default `grant_type`.
    pub grant: &'static str,
    /// Extra parameters.
    pub extra_params: &'static [(RequestKind, &'static str, &'static str)],
    /// Headers for back-channel requests.
    pub headers: &'static [(&'static str, &'static str)],
    /// Redirect URI template.
    pub redirect_uri: &'static str,
    /// The message id of the quirks, for the notes field (empty: none).
    pub notes_id: &'static str,
    /// Sender-constrained tokens with DPoP (RFC 9449).
    pub dpop: bool,
    /// Pushed authorization requests (RFC 9126).
    pub par: bool,
    /// Signed request objects (RFC 9101).
    pub request_object: bool,
    /// `response_mode`; empty for the provider's default.
    pub response_mode: &'static str,
    /// The client assertion's `alg`; empty: from the key.
    pub assertion_algorithm: &'static str,
    /// The client assertion's `aud`.
    pub assertion_audience: AssertionAudience,
    /// The conformance check set the profile is held against
    /// ([`super::fapi`]); empty for none.
    pub conformance: &'static str,
}

impl Environment {
    /// The label in this thread's language.
    pub fn label(&self) -> String {
        crate::i18n::tr(self.label_id)
    }
}

const LOOPBACK_REDIRECT: &str = "http://127.0.0.1:53682/callback";

/// Keycloak's server URL and realm.
const KEYCLOAK_VARIABLES: &[Variable] = &[
    Variable {
        name: "base",
        label: "Server URL",
        default: "https://sso.example.test",
    },
    Variable {
        name: "realm",
        label: "Realm",
        default: "master",
    },
];

/// Keycloak's usual environments.
const KEYCLOAK_ENVIRONMENTS: &[Environment] = &[
    Environment {
        label_id: "preset-env-test",
        values: &[],
    },
    Environment {
        label_id: "preset-env-prod",
        values: &[],
    },
];

/// A Keycloak realm's endpoints (Quarkus layout).
const KEYCLOAK_ENDPOINTS: &[(&str, &str)] = &[
    (
        "authorization_endpoint",
        "{base}/realms/{realm}/protocol/openid-connect/auth",
    ),
    (
        "token_endpoint",
        "{base}/realms/{realm}/protocol/openid-connect/token",
    ),
    (
        "userinfo_endpoint",
        "{base}/realms/{realm}/protocol/openid-connect/userinfo",
    ),
    (
        "jwks_uri",
        "{base}/realms/{realm}/protocol/openid-connect/certs",
    ),
    (
        "introspection_endpoint",
        "{base}/realms/{realm}/protocol/openid-connect/token/introspect",
    ),
    (
        "revocation_endpoint",
        "{base}/realms/{realm}/protocol/openid-connect/revoke",
    ),
    (
        "device_authorization_endpoint",
        "{base}/realms/{realm}/protocol/openid-connect/auth/device",
    ),
    (
        "end_session_endpoint",
        "{base}/realms/{realm}/protocol/openid-connect/logout",
    ),
];

/// Every built-in preset.
pub const PRESETS: &[Preset] = &[
    Preset {
        id: "keycloak",
        name: "Keycloak",
        summary_id: "preset-keycloak-summary",
        openid: true,
        discovery: true,
        variables: KEYCLOAK_VARIABLES,
        environments: KEYCLOAK_ENVIRONMENTS,
        issuer: "{base}/realms/{realm}",
        endpoints: KEYCLOAK_ENDPOINTS,
        scopes: "openid profile email",
        client_auth: ClientAuth::ClientSecretBasic,
        pkce: PkceMode::S256,
        grant: "authorization_code",
        extra_params: &[],
        headers: &[],
        redirect_uri: LOOPBACK_REDIRECT,
        notes_id: "preset-keycloak-notes",
        dpop: false,
        par: false,
        request_object: false,
        response_mode: "",
        assertion_algorithm: "",
        assertion_audience: AssertionAudience::TokenEndpoint,
        conformance: "",
    },
    Preset {
        id: "keycloak-dpop",
        name: "Keycloak 26 (DPoP)",
        summary_id: "preset-keycloak-dpop-summary",
        openid: true,
        discovery: true,
        variables: KEYCLOAK_VARIABLES,
        environments: KEYCLOAK_ENVIRONMENTS,
        issuer: "{base}/realms/{realm}",
        endpoints: KEYCLOAK_ENDPOINTS,
        scopes: "openid profile email",
        client_auth: ClientAuth::ClientSecretBasic,
        pkce: PkceMode::S256,
        grant: "authorization_code",
        extra_params: &[],
        headers: &[],
        redirect_uri: LOOPBACK_REDIRECT,
        notes_id: "preset-keycloak-notes",
        dpop: true,
        par: false,
        request_object: false,
        response_mode: "",
        assertion_algorithm: "",
        assertion_audience: AssertionAudience::TokenEndpoint,
        conformance: "",
    },
    Preset {
        id: "sber-business-id",
        name: "SberBusiness ID",
        summary_id: "preset-sber-business-id-summary",
        openid: true,
        discovery: false,
        variables: &[Variable {
            name: "callback_port",
            label: "Token users' local port",
            default: "28016",
        }],
        environments: &[
            Environment {
                label_id: "preset-env-test-web-users",
                values: &[
                    ("web", "https://efs-sbbol-ift-web.testsbi.sberbank.ru:9443"),
                    ("api", "https://iftfintech.testsbi.sberbank.ru:9443"),
                ],
            },
            Environment {
                label_id: "preset-env-test-token-users",
                values: &[
                    ("web", "http://localhost:{callback_port}"),
                    ("api", "https://iftfintech.testsbi.sberbank.ru:9443"),
                ],
            },
            Environment {
                label_id: "preset-env-prod-web-users",
                values: &[
                    ("web", "https://sbi.sberbank.ru:9443"),
                    ("api", "https://fintech.sberbank.ru:9443"),
                ],
            },
            Environment {
                label_id: "preset-env-prod-token-users",
                values: &[
                    ("web", "http://localhost:{callback_port}"),
                    ("api", "https://fintech.sberbank.ru:9443"),
                ],
            },
        ],
        issuer: "",
        endpoints: &[
            (
                "authorization_endpoint",
                "{web}/ic/sso/api/v2/oauth/authorize",
            ),
            ("token_endpoint", "{api}/ic/sso/api/v2/oauth/token"),
            ("userinfo_endpoint", "{api}/ic/sso/api/v2/oauth/user-info"),
            ("revocation_endpoint", "{api}/ic/sso/api/v1/oauth/revoke"),
            ("certificate", "{api}/fintech/api/v1/crypto"),
            (
                "change_client_secret",
                "{api}/ic/sso/api/v1/change-client-secret",
            ),
        ],
        scopes: "openid inn email",
        client_auth: ClientAuth::ClientSecretPost,
        pkce: PkceMode::S256,
        grant: "authorization_code",
        extra_params: &[(RequestKind::Authorize, "prompt", "login")],
        headers: &[("Accept", "application/json")],
        redirect_uri: "https://partner.example/callback",
        notes_id: "preset-sber-business-id-notes",
        dpop: false,
        par: false,
        request_object: false,
        response_mode: "",
        assertion_algorithm: "",
        assertion_audience: AssertionAudience::TokenEndpoint,
        conformance: "",
    },
    Preset {
        id: "kontur",
        name: "Kontur identity",
        summary_id: "preset-kontur-summary",
        openid: true,
        discovery: true,
        variables: &[],
        environments: &[
            Environment {
                label_id: "preset-env-test",
                values: &[("host", "https://identity.testkontur.ru")],
            },
            Environment {
                label_id: "preset-env-prod",
                values: &[("host", "https://identity.kontur.ru")],
            },
        ],
        issuer: "{host}",
        endpoints: &[
            ("authorization_endpoint", "{host}/connect/authorize"),
            ("token_endpoint", "{host}/connect/token"),
            ("userinfo_endpoint", "{host}/connect/userinfo"),
            ("jwks_uri", "{host}/.well-known/openid-configuration/jwks"),
            (
                "device_authorization_endpoint",
                "{host}/connect/deviceauthorization",
            ),
        ],
        scopes: "openid extern.api",
        client_auth: ClientAuth::ClientSecretPost,
        pkce: PkceMode::S256,
        grant: "authorization_code",
        extra_params: &[],
        headers: &[],
        redirect_uri: LOOPBACK_REDIRECT,
        notes_id: "preset-kontur-notes",
        dpop: false,
        par: false,
        request_object: false,
        response_mode: "",
        assertion_algorithm: "",
        assertion_audience: AssertionAudience::TokenEndpoint,
        conformance: "",
    },
    Preset {
        id: "moex-passport",
        name: "MOEX passport",
        summary_id: "preset-moex-passport-summary",
        openid: true,
        discovery: true,
        variables: &[],
        environments: &[Environment {
            label_id: "preset-env-prod",
            values: &[],
        }],
        issuer: "https://sso.moex.com/auth/realms/SSO",
        endpoints: &[
            (
                "token_endpoint",
                "https://sso.moex.com/auth/realms/SSO/protocol/openid-connect/token",
            ),
            (
                "jwks_uri",
                "https://sso.moex.com/auth/realms/SSO/protocol/openid-connect/certs",
            ),
            (
                "passport_authenticate",
                "https://passport.moex.com/authenticate",
            ),
        ],
        scopes: "2F_CA_Auth client_registration profile email",
        client_auth: ClientAuth::ClientSecretPost,
        pkce: PkceMode::Off,
        grant: "passport",
        // The passport grant's fields come from GRANT_PRESETS ("moex-passport").
        extra_params: &[],
        headers: &[],
        redirect_uri: "",
        notes_id: "preset-moex-passport-notes",
        dpop: false,
        par: false,
        request_object: false,
        response_mode: "",
        assertion_algorithm: "",
        assertion_audience: AssertionAudience::TokenEndpoint,
        conformance: "",
    },
    Preset {
        id: "github",
        name: "GitHub OAuth app",
        summary_id: "preset-github-summary",
        openid: false,
        discovery: false,
        variables: &[],
        environments: &[Environment {
            label_id: "preset-env-prod",
            values: &[],
        }],
        issuer: "",
        endpoints: &[
            (
                "authorization_endpoint",
                "https://github.com/login/oauth/authorize",
            ),
            (
                "token_endpoint",
                "https://github.com/login/oauth/access_token",
            ),
            ("userinfo_endpoint", "https://api.github.com/user"),
            (
                "device_authorization_endpoint",
                "https://github.com/login/device/code",
            ),
        ],
        scopes: "read:user user:email",
        client_auth: ClientAuth::ClientSecretPost,
        pkce: PkceMode::S256,
        grant: "authorization_code",
        extra_params: &[],
        headers: &[("Accept", "application/json")],
        redirect_uri: LOOPBACK_REDIRECT,
        notes_id: "preset-github-notes",
        dpop: false,
        par: false,
        request_object: false,
        response_mode: "",
        assertion_algorithm: "",
        assertion_audience: AssertionAudience::TokenEndpoint,
        conformance: "",
    },
    Preset {
        id: "google",
        name: "Google",
        summary_id: "preset-google-summary",
        openid: true,
        discovery: true,
        variables: &[],
        environments: &[Environment {
            label_id: "preset-env-prod",
            values: &[],
        }],
        issuer: "https://accounts.google.com",
        endpoints: &[],
        scopes: "openid email profile",
        client_auth: ClientAuth::ClientSecretBasic,
        pkce: PkceMode::S256,
        grant: "authorization_code",
        extra_params: &[
            (RequestKind::Authorize, "access_type", "offline"),
            (RequestKind::Authorize, "prompt", "consent"),
        ],
        headers: &[],
        redirect_uri: LOOPBACK_REDIRECT,
        notes_id: "preset-google-notes",
        dpop: false,
        par: false,
        request_object: false,
        response_mode: "",
        assertion_algorithm: "",
        assertion_audience: AssertionAudience::TokenEndpoint,
        conformance: "",
    },
    Preset {
        id: "entra",
        name: "Microsoft Entra ID",
        summary_id: "preset-entra-summary",
        openid: true,
        discovery: true,
        variables: &[Variable {
            name: "tenant",
            label: "Tenant (GUID, domain, common, organizations)",
            default: "common",
        }],
        environments: &[Environment {
            label_id: "preset-env-prod",
            values: &[],
        }],
        issuer: "https://login.microsoftonline.com/{tenant}/v2.0",
        endpoints: &[],
        scopes: "openid profile email offline_access",
        client_auth: ClientAuth::ClientSecretPost,
        pkce: PkceMode::S256,
        grant: "authorization_code",
        extra_params: &[],
        headers: &[],
        redirect_uri: LOOPBACK_REDIRECT,
        notes_id: "preset-entra-notes",
        dpop: false,
        par: false,
        request_object: false,
        response_mode: "",
        assertion_algorithm: "",
        assertion_audience: AssertionAudience::TokenEndpoint,
        conformance: "",
    },
    Preset {
        id: "generic-oidc",
        name: "OpenID provider",
        summary_id: "preset-generic-oidc-summary",
        openid: true,
        discovery: true,
        variables: &[Variable {
            name: "issuer",
            label: "Issuer",
            default: "https://",
        }],
        environments: &[Environment {
            label_id: "preset-env-test",
            values: &[],
        }],
        issuer: "{issuer}",
        endpoints: &[],
        scopes: "openid profile email",
        client_auth: ClientAuth::ClientSecretBasic,
        pkce: PkceMode::S256,
        grant: "authorization_code",
        extra_params: &[],
        headers: &[],
        redirect_uri: LOOPBACK_REDIRECT,
        notes_id: "",
        dpop: false,
        par: false,
        request_object: false,
        response_mode: "",
        assertion_algorithm: "",
        assertion_audience: AssertionAudience::TokenEndpoint,
        conformance: "",
    },
    Preset {
        id: "fapi2",
        name: "FAPI 2.0",
        summary_id: "preset-fapi2-summary",
        openid: true,
        discovery: true,
        variables: &[Variable {
            name: "issuer",
            label: "Issuer",
            default: "https://",
        }],
        environments: &[Environment {
            label_id: "preset-env-test",
            values: &[],
        }],
        issuer: "{issuer}",
        endpoints: &[],
        scopes: "openid",
        client_auth: ClientAuth::PrivateKeyJwt,
        pkce: PkceMode::S256,
        grant: "authorization_code",
        extra_params: &[],
        headers: &[],
        redirect_uri: LOOPBACK_REDIRECT,
        notes_id: "",
        dpop: true,
        par: true,
        request_object: false,
        response_mode: "",
        assertion_algorithm: "PS256",
        assertion_audience: AssertionAudience::Issuer,
        conformance: "fapi2",
    },
    Preset {
        id: "fapi-sek",
        name: "ФАПИ.СЕК (банк)",
        summary_id: "preset-fapi-sek-summary",
        openid: true,
        discovery: true,
        variables: &[Variable {
            name: "issuer",
            label: "Issuer",
            default: "https://",
        }],
        environments: &[Environment {
            label_id: "preset-env-test",
            values: &[],
        }],
        issuer: "{issuer}",
        endpoints: &[],
        scopes: "openid",
        client_auth: ClientAuth::TlsClientAuth,
        pkce: PkceMode::S256,
        grant: "authorization_code",
        extra_params: &[],
        headers: &[],
        redirect_uri: LOOPBACK_REDIRECT,
        notes_id: "",
        dpop: false,
        par: true,
        request_object: false,
        response_mode: "",
        assertion_algorithm: "GOST3410_2012_256",
        assertion_audience: AssertionAudience::Issuer,
        conformance: "fapi-sek",
    },
];

/// A preset by id.
pub fn find(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.id == id)
}

impl Preset {
    /// One line on what it is, in this thread's language.
    pub fn summary(&self) -> String {
        crate::i18n::tr(self.summary_id)
    }

    /// The quirks in this thread's language (empty when there are none).
    pub fn notes(&self) -> String {
        if self.notes_id.is_empty() {
            String::new()
        } else {
            crate::i18n::tr(self.notes_id)
        }
    }

    /// A profile from this preset, for environment `environment` (index into
    /// [`Preset::environments`]) with the user's variable values (missing
    /// ones take their defaults).
    pub fn instantiate(&self, environment: usize, values: &[(String, String)]) -> Profile {
        let env = self
            .environments
            .get(environment)
            .or_else(|| self.environments.first());
        let mut vars: Vec<(String, String)> = self
            .variables
            .iter()
            .map(|v| {
                let given = values
                    .iter()
                    .find(|(n, _)| n == v.name)
                    .map(|(_, value)| value.trim());
                (
                    v.name.to_owned(),
                    given.unwrap_or(v.default).trim_end_matches('/').to_owned(),
                )
            })
            .collect();
        if let Some(env) = env {
            for (name, value) in env.values {
                let value = fill(value, &vars);
                vars.push(((*name).to_owned(), value));
            }
        }
        let mut endpoints = Endpoints::default();
        for (field, template) in self.endpoints {
            let value = fill(template, &vars);
            match endpoints.get_mut(field) {
                Some(slot) => *slot = value,
                None => endpoints.extra.push(Param::new(*field, value)),
            }
        }
        let environment_label = env.map(Environment::label).unwrap_or_default();
        Profile {
            id: ProfileId::new_random(),
            name: format!("{} ({environment_label})", self.name),
            preset: Some(self.id.to_owned()),
            environment: environment_label.clone(),
            issuer: fill(self.issuer, &vars),
            discovery_url: String::new(),
            endpoints,
            manual_endpoints: Vec::new(),
            client_id: String::new(),
            client_auth: self.client_auth,
            redirect_uri: fill(self.redirect_uri, &vars),
            scopes: self.scopes.to_owned(),
            pkce: self.pkce,
            dpop: self.dpop,
            par: self.par,
            request_object: self.request_object,
            response_mode: self.response_mode.to_owned(),
            introspection_jwt: false,
            conformance: (!self.conformance.is_empty()).then(|| self.conformance.to_owned()),
            default_grant: match self.grant {
                "authorization_code" => Grant::AuthorizationCode,
                "client_credentials" => Grant::ClientCredentials,
                "password" => Grant::Password,
                "refresh_token" => Grant::RefreshToken,
                "urn:ietf:params:oauth:grant-type:device_code" => Grant::DeviceCode,
                crate::oauth::ciba::GRANT_TYPE => Grant::Ciba,
                other => Grant::Extension(other.to_owned()),
            },
            extra_params: self
                .extra_params
                .iter()
                .map(|(kind, name, value)| (*kind, Param::new(*name, fill(value, &vars))))
                .collect(),
            headers: self
                .headers
                .iter()
                .map(|(n, v)| Param::new(*n, *v))
                .collect(),
            client_assertion: super::profile::AssertionSettings {
                algorithm: self.assertion_algorithm.to_owned(),
                audience: self.assertion_audience.clone(),
                ..super::profile::AssertionSettings::default()
            },
            decryption_key_file: String::new(),
            extension_grant: ExtensionGrant {
                fields: grant_preset(self.grant)
                    .map(GrantPreset::fields)
                    .unwrap_or_default(),
            },
            ciba: super::ciba::CibaSettings::default(),
            tls: super::profile::TlsSettings::default(),
            proxy: String::new(),
            network: super::profile::NetworkSettings::default(),
            notes: self.notes(),
        }
    }
}

/// Fills in `{name}` variables.
fn fill(template: &str, vars: &[(String, String)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in vars {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keycloak_realm_template() {
        let preset = find("keycloak").expect("preset");
        let profile = preset.instantiate(
            0,
            &[
                ("base".to_owned(), "https://sso.example.test/".to_owned()),
                ("realm".to_owned(), "partner-realm".to_owned()),
            ],
        );
        assert_eq!(
            profile.issuer,
            "https://sso.example.test/realms/partner-realm"
        );
        assert_eq!(
            profile.endpoints.token,
            "https://sso.example.test/realms/partner-realm/protocol/openid-connect/token"
        );
        assert_eq!(profile.preset.as_deref(), Some("keycloak"));
    }

    /// Keycloak 26 with DPoP: the same realm, tokens sender-constrained.
    #[test]
    fn keycloak_dpop_is_the_keycloak_realm_with_dpop_on() {
        let values = [("realm".to_owned(), "партнёры".to_owned())];
        let plain = find("keycloak").expect("preset").instantiate(0, &values);
        let bound = find("keycloak-dpop")
            .expect("preset")
            .instantiate(0, &values);
        assert!(bound.dpop && !plain.dpop);
        assert_eq!(bound.issuer, plain.issuer);
        assert_eq!(bound.endpoints, plain.endpoints);
    }

    #[test]
    fn sber_token_users_authorize_on_the_local_port() {
        let preset = find("sber-business-id").expect("preset");
        let profile = preset.instantiate(1, &[("callback_port".to_owned(), "28020".to_owned())]);
        assert_eq!(
            profile.endpoints.authorization,
            "http://localhost:28020/ic/sso/api/v2/oauth/authorize"
        );
        assert_eq!(
            profile.endpoints.token,
            "https://iftfintech.testsbi.sberbank.ru:9443/ic/sso/api/v2/oauth/token"
        );
        assert!(
            profile
                .endpoints
                .extra
                .iter()
                .any(|p| p.name == "certificate")
        );
        assert_eq!(profile.client_auth, ClientAuth::ClientSecretPost);
    }

    #[test]
    fn moex_has_the_passport_grant() {
        let profile = find("moex-passport").expect("preset").instantiate(0, &[]);
        assert_eq!(
            profile.default_grant,
            Grant::Extension("passport".to_owned())
        );
        let fields = &profile.extension_grant.fields;
        assert!(fields.iter().any(|f| f.name == "signature" && f.secret));
        assert!(
            fields
                .iter()
                .any(|f| f.name == "client_secret_new" && f.secret)
        );
        assert!(fields.iter().all(|f| !f.secret || f.value.is_empty()));
    }

    #[test]
    fn every_preset_instantiates_with_absolute_endpoints() {
        for preset in PRESETS {
            for (i, _) in preset.environments.iter().enumerate() {
                let mut profile = preset.instantiate(i, &[]);
                profile.client_id = "x".to_owned();
                let errors: Vec<_> = profile
                    .validate(None)
                    .into_iter()
                    .filter(|f| {
                        f.severity == super::super::profile::Severity::Error && f.field != "issuer"
                    })
                    .collect();
                assert!(errors.is_empty(), "{}: {errors:?}", preset.id);
                assert!(!profile.name.is_empty());
            }
        }
    }

    /// Every preset text is a message that exists in both languages.
    #[test]
    fn every_preset_text_is_translated() {
        use crate::i18n::{Language, translate};
        let mut ids = Vec::new();
        for preset in PRESETS {
            ids.push(preset.summary_id);
            if !preset.notes_id.is_empty() {
                ids.push(preset.notes_id);
            }
            ids.extend(preset.environments.iter().map(|e| e.label_id));
        }
        for id in ids {
            for language in Language::ALL {
                let text = translate(language, id, None);
                assert_ne!(text, id, "{language}: {id} is missing");
            }
            assert_ne!(
                translate(Language::En, id, None),
                translate(Language::Ru, id, None),
                "{id} is not translated"
            );
        }
    }
}
