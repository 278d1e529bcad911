//! The claim catalogue: what each claim and header parameter means, and the
//! claims of a token flattened into table rows (nested objects and arrays as
//! a tree, each node a row with a path).

use serde::Serialize;
use serde_json::Value;

use super::jose::{JsonObject, json_kind};
use super::time::{TimeClaim, TimeMeaning, Timestamp};

/// Registered and widely used claims: name → meaning.
///
/// Sources: RFC 7519 §4.1 (registered claims), `OpenID` Connect Core 1.0 §2 and
/// §5.1 (ID token and standard claims), RFC 9068 §2.2 (JWT access tokens),
/// RFC 8693 §4 (`act`, `may_act`), RFC 7800 §3 (`cnf`), RFC 9449 (`DPoP`),
/// Keycloak, Microsoft Entra ID, and the `SberBusiness` ID claims our users meet.
const CLAIMS: &[(&str, &str)] = &[
    (
        "iss",
        "Issuer: who issued the token (RFC 7519 §4.1.1); must equal the provider's issuer exactly",
    ),
    (
        "sub",
        "Subject: the user or client the token is about, unique within the issuer (RFC 7519 §4.1.2)",
    ),
    (
        "aud",
        "Audience: who the token is for; a relying party must find its client id here (RFC 7519 §4.1.3)",
    ),
    (
        "exp",
        "Expiration time: not to be accepted at or after this instant (RFC 7519 §4.1.4)",
    ),
    (
        "nbf",
        "Not before: not to be accepted before this instant (RFC 7519 §4.1.5)",
    ),
    (
        "iat",
        "Issued at: when the token was issued (RFC 7519 §4.1.6)",
    ),
    (
        "jti",
        "JWT ID: unique identifier of this token, used against replay (RFC 7519 §4.1.7)",
    ),
    (
        "auth_time",
        "When the user last actively authenticated (OIDC Core §2)",
    ),
    (
        "nonce",
        "Value the client sent in the authorization request, echoed to bind the ID token to that request (OIDC Core §2, §3.1.3.7)",
    ),
    (
        "acr",
        "Authentication context class reference: how strongly the user was authenticated (OIDC Core §2)",
    ),
    (
        "amr",
        "Authentication methods references, e.g. pwd, otp, mfa (OIDC Core §2, RFC 8176)",
    ),
    (
        "azp",
        "Authorized party: the client the token was issued to (OIDC Core §2; Keycloak sets it to the client id)",
    ),
    (
        "at_hash",
        "Access token hash: left half of the hash of the access token, base64url (OIDC Core §3.1.3.6)",
    ),
    (
        "c_hash",
        "Code hash: left half of the hash of the authorization code (OIDC Core §3.3.2.11)",
    ),
    (
        "s_hash",
        "State hash: left half of the hash of the state value (FAPI 1.0 Advanced §5.1)",
    ),
    (
        "sid",
        "Session ID at the provider, used for front- and back-channel logout (OIDC Front-Channel Logout §3)",
    ),
    (
        "events",
        "Logout token events: marks a back-channel logout token (OIDC Back-Channel Logout §2.4)",
    ),
    ("name", "Full name (OIDC Core §5.1)"),
    ("given_name", "Given (first) name (OIDC Core §5.1)"),
    ("family_name", "Surname (OIDC Core §5.1)"),
    (
        "middle_name",
        "Middle name; patronymic in Russian names (OIDC Core §5.1)",
    ),
    ("nickname", "Casual name (OIDC Core §5.1)"),
    (
        "preferred_username",
        "Username the user likes to be called by; not unique, never use as a key (OIDC Core §5.1)",
    ),
    ("profile", "Profile page URL (OIDC Core §5.1)"),
    ("picture", "Profile picture URL (OIDC Core §5.1)"),
    ("website", "Web page or blog URL (OIDC Core §5.1)"),
    (
        "email",
        "E-mail address (OIDC Core §5.1); trust it only when email_verified is true",
    ),
    (
        "email_verified",
        "Whether the provider verified the e-mail address (OIDC Core §5.1)",
    ),
    ("gender", "Gender (OIDC Core §5.1)"),
    ("birthdate", "Birthday, YYYY-MM-DD (OIDC Core §5.1)"),
    ("zoneinfo", "Time zone, e.g. Europe/Moscow (OIDC Core §5.1)"),
    ("locale", "Locale, e.g. ru-RU (OIDC Core §5.1)"),
    (
        "phone_number",
        "Phone number, E.164 preferred (OIDC Core §5.1)",
    ),
    (
        "phone_number_verified",
        "Whether the provider verified the phone number (OIDC Core §5.1)",
    ),
    (
        "address",
        "Postal address, a JSON object (OIDC Core §5.1.1)",
    ),
    (
        "updated_at",
        "When the user's information was last updated (OIDC Core §5.1)",
    ),
    (
        "client_id",
        "The client the access token was issued to (RFC 9068 §2.2, RFC 8693 §4.3)",
    ),
    (
        "scope",
        "Scopes granted, space-separated (RFC 9068 §2.2.3, RFC 8693 §4.2)",
    ),
    (
        "scp",
        "Scopes granted (Microsoft Entra ID's spelling of scope)",
    ),
    (
        "groups",
        "Groups the subject belongs to (RFC 9068 §2.2.3.1, RFC 7643)",
    ),
    (
        "roles",
        "Roles of the subject (RFC 9068 §2.2.3.1, RFC 7643)",
    ),
    (
        "entitlements",
        "Entitlements of the subject (RFC 9068 §2.2.3.1, RFC 7643)",
    ),
    (
        "cnf",
        "Confirmation: the key the token is bound to (RFC 7800 §3); jkt for DPoP (RFC 9449), x5t#S256 for mTLS (RFC 8705)",
    ),
    (
        "act",
        "Actor: who acts on behalf of the subject after a token exchange (RFC 8693 §4.1)",
    ),
    (
        "may_act",
        "Who may act on behalf of the subject in a token exchange (RFC 8693 §4.4)",
    ),
    (
        "typ",
        "Keycloak token type: Bearer (access), ID, Refresh or Offline",
    ),
    (
        "session_state",
        "Keycloak: ID of the user's SSO session (removed from tokens in Keycloak 25)",
    ),
    ("realm_access", "Keycloak: realm roles of the user"),
    (
        "resource_access",
        "Keycloak: client roles of the user, per client",
    ),
    (
        "allowed-origins",
        "Keycloak: web origins allowed to use this token (CORS)",
    ),
    (
        "tid",
        "Microsoft Entra ID: tenant ID; substitutes {tenantid} in the multi-tenant issuer",
    ),
    (
        "oid",
        "Microsoft Entra ID: the user's object ID, stable across applications of the tenant",
    ),
    ("upn", "Microsoft Entra ID: user principal name"),
    (
        "ver",
        "Token format version (Microsoft Entra ID: 1.0 or 2.0)",
    ),
    (
        "idp",
        "Identity provider that authenticated the user (federation)",
    ),
    (
        "HashOrgId",
        "SberBusiness ID: hash of the organisation's identifier (64 hex), stable per organisation",
    ),
    (
        "inn",
        "Taxpayer identification number (ИНН) of the organisation",
    ),
    ("OrgName", "SberBusiness ID: short name of the organisation"),
    (
        "orgFullName",
        "SberBusiness ID: full legal name of the organisation",
    ),
    (
        "orgKpp",
        "Tax registration reason code (КПП) of the organisation",
    ),
    (
        "orgOgrn",
        "Primary state registration number (ОГРН) of the organisation",
    ),
    ("orgId", "SberBusiness ID: organisation identifier"),
    ("userGuid", "SberBusiness ID: the user's GUID"),
    ("userPosition", "SberBusiness ID: the user's job title"),
    (
        "userRoles",
        "SberBusiness ID: the user's roles in the bank's system",
    ),
    ("userGroups", "SberBusiness ID: the user's groups"),
    (
        "userCryptoType",
        "SberBusiness ID: how the user signs: SMS or a hardware token",
    ),
    (
        "userSignatureType",
        "SberBusiness ID: the user's signing authority",
    ),
    (
        "isIdentified",
        "SberBusiness ID: whether the user's identity was confirmed by the bank",
    ),
    (
        "terBank",
        "SberBusiness ID: the regional bank serving the organisation",
    ),
    (
        "accounts",
        "SberBusiness ID: the organisation's bank accounts",
    ),
    (
        "esb",
        "MOEX: client registration details of the exchange's service bus",
    ),
];

/// JOSE header parameters (RFC 7515 §4.1, RFC 7516 §4.1, RFC 7519 §5).
const HEADER_PARAMETERS: &[(&str, &str)] = &[
    (
        "alg",
        "Algorithm that signs (JWS) or encrypts the key (JWE) (RFC 7515 §4.1.1)",
    ),
    (
        "typ",
        "Media type of the whole token: JWT, at+jwt for access tokens (RFC 9068), logout+jwt (RFC 7515 §4.1.9)",
    ),
    (
        "cty",
        "Content type of the payload; JWT for a nested token (RFC 7519 §5.2)",
    ),
    (
        "kid",
        "Key ID: which of the issuer's keys signed the token (RFC 7515 §4.1.4)",
    ),
    (
        "jku",
        "URL of a key set; shown, never fetched or trusted (RFC 7515 §4.1.2, RFC 8725 §3.10)",
    ),
    (
        "jwk",
        "Public key embedded in the header; never trusted on its own (RFC 7515 §4.1.3)",
    ),
    (
        "x5u",
        "URL of an X.509 certificate chain; shown, never fetched (RFC 7515 §4.1.5)",
    ),
    (
        "x5c",
        "X.509 certificate chain in the header (RFC 7515 §4.1.6)",
    ),
    (
        "x5t",
        "SHA-1 thumbprint of the signing certificate (RFC 7515 §4.1.7)",
    ),
    (
        "x5t#S256",
        "SHA-256 thumbprint of the signing certificate (RFC 7515 §4.1.8)",
    ),
    (
        "crit",
        "Extensions the recipient must understand (RFC 7515 §4.1.11)",
    ),
    (
        "enc",
        "Content encryption algorithm of a JWE (RFC 7516 §4.1.2)",
    ),
    (
        "zip",
        "Compression applied before encryption (RFC 7516 §4.1.3)",
    ),
    (
        "epk",
        "Ephemeral public key for ECDH key agreement (RFC 7518 §4.6.1.1)",
    ),
];

/// What a claim means, given the name of the object that holds it (`None` at top level).
pub fn claim_meaning(parent: Option<&str>, name: &str, value: &Value) -> Option<String> {
    match (parent, name) {
        (Some("realm_access"), "roles") => return Some("Keycloak realm roles".to_owned()),
        (Some("resource_access"), client) => {
            return Some(format!("Keycloak: roles of the user in client {client}"));
        }
        (Some(_), "roles") => return Some("Roles".to_owned()),
        (Some(_), _) => return None,
        (None, _) => {}
    }
    let base = lookup(CLAIMS, name)?;
    let note = match (name, value) {
        ("amr", Value::String(_)) => Some(
            "sent as one string, not the JSON array RFC 8176 asks for (SberBusiness ID does this)",
        ),
        ("aud", Value::Array(items)) if items.len() > 1 => {
            Some("several audiences: OIDC Core §3.1.3.7 then expects azp to name this client")
        }
        ("acr", Value::String(s)) if s.starts_with("loa-") => {
            Some("level of assurance as the bank names it; loa-3 is the stronger sign-in")
        }
        ("sub", Value::String(s)) if s.starts_with("f:") => {
            Some("Keycloak federated user id, f:<provider id>:<external id>")
        }
        _ => None,
    };
    Some(match note {
        Some(note) => format!("{base}. Here: {note}"),
        None => base.to_owned(),
    })
}

/// What a JOSE header parameter means.
pub fn header_meaning(name: &str) -> Option<&'static str> {
    lookup(HEADER_PARAMETERS, name)
}

fn lookup(table: &'static [(&str, &str)], name: &str) -> Option<&'static str> {
    table.iter().find(|(n, _)| *n == name).map(|(_, m)| *m)
}

/// Which claims are instants, and how they read.
pub fn time_meaning(name: &str) -> Option<TimeMeaning> {
    match name {
        "exp" => Some(TimeMeaning::Expiry),
        "nbf" => Some(TimeMeaning::NotBefore),
        "iat" => Some(TimeMeaning::IssuedAt),
        "auth_time" => Some(TimeMeaning::AuthTime),
        "updated_at" => Some(TimeMeaning::Other),
        _ => None,
    }
}

/// The time claims of a claims set, in the order they appear.
pub fn time_claims(claims: &JsonObject) -> Vec<TimeClaim> {
    claims
        .iter()
        .filter_map(|(name, value)| {
            let meaning = time_meaning(name)?;
            let at = numeric_date(value)?;
            Some(TimeClaim {
                name: name.clone(),
                at,
                meaning,
                computed_from: None,
            })
        })
        .collect()
}

/// A `NumericDate` (RFC 7519 §2): seconds, possibly fractional; providers
/// sometimes send it as a string.
fn numeric_date(value: &Value) -> Option<Timestamp> {
    #[expect(
        clippy::cast_possible_truncation,
        reason = "fractional seconds are dropped on purpose"
    )]
    let seconds = match value {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64))?,
        Value::String(s) => s.trim().parse().ok()?,
        _ => return None,
    };
    Some(Timestamp::from_unix(seconds))
}

/// One row of the claims table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClaimRow {
    /// Path from the root, `/`-separated (`realm_access/roles/0`): stable id for expand state.
    pub path: String,
    /// Nesting depth: 0 for top-level claims.
    pub depth: usize,
    /// The claim name, or `[i]` for an array item.
    pub name: String,
    /// The value as shown: strings without quotes, containers summarised.
    pub display: String,
    /// The value as compact JSON, for copying.
    pub json: String,
    /// For an object or array, how many children it has.
    pub children: Option<usize>,
    /// What the claim means, when known.
    pub meaning: Option<String>,
    /// For a time claim, the instant.
    pub time: Option<TimeClaim>,
}

/// Flattens claims into rows in tree order; every claim is kept, known or not.
pub fn claim_rows(claims: &JsonObject) -> Vec<ClaimRow> {
    let mut rows = Vec::new();
    for (name, value) in claims {
        push_rows(&mut rows, None, name, name, value, 0);
    }
    rows
}

fn push_rows(
    rows: &mut Vec<ClaimRow>,
    parent: Option<&str>,
    name: &str,
    path: &str,
    value: &Value,
    depth: usize,
) {
    let time = if depth == 0 {
        time_meaning(name).and_then(|meaning| {
            Some(TimeClaim {
                name: name.to_owned(),
                at: numeric_date(value)?,
                meaning,
                computed_from: None,
            })
        })
    } else {
        None
    };
    let (display, children) = match value {
        Value::String(s) => (s.clone(), None),
        Value::Object(o) => (
            format!(
                "{{{} {}}}",
                o.len(),
                if o.len() == 1 { "key" } else { "keys" }
            ),
            Some(o.len()),
        ),
        Value::Array(a) => (
            format!(
                "[{} {}]",
                a.len(),
                if a.len() == 1 { "item" } else { "items" }
            ),
            Some(a.len()),
        ),
        other => (other.to_string(), None),
    };
    rows.push(ClaimRow {
        path: path.to_owned(),
        depth,
        name: name.to_owned(),
        display,
        json: value.to_string(),
        children,
        meaning: claim_meaning(parent, name, value),
        time,
    });
    match value {
        Value::Object(members) => {
            for (key, child) in members {
                push_rows(
                    rows,
                    Some(name),
                    key,
                    &format!("{path}/{key}"),
                    child,
                    depth + 1,
                );
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                push_rows(
                    rows,
                    Some(name),
                    &format!("[{i}]"),
                    &format!("{path}/{i}"),
                    child,
                    depth + 1,
                );
            }
        }
        _ => {}
    }
}

/// Header parameters as rows, explained from the JOSE registries.
pub fn header_rows(header: &JsonObject) -> Vec<ClaimRow> {
    let mut rows = claim_rows(header);
    for row in &mut rows {
        row.time = None;
        row.meaning = (row.depth == 0)
            .then(|| header_meaning(&row.name).map(str::to_owned))
            .flatten();
    }
    rows
}

/// Describes a JSON value's type for messages.
pub fn value_kind(value: &Value) -> &'static str {
    json_kind(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_registered_claim_is_explained() {
        for name in [
            "iss",
            "sub",
            "aud",
            "exp",
            "nbf",
            "iat",
            "jti",
            "nonce",
            "at_hash",
            "cnf",
            "act",
            "may_act",
            "realm_access",
            "HashOrgId",
        ] {
            assert!(claim_meaning(None, name, &Value::Null).is_some(), "{name}");
        }
    }

    #[test]
    fn nested_claims_become_a_tree_and_unknown_claims_stay() {
        let claims: JsonObject = serde_json::from_str(
            r#"{"realm_access":{"roles":["a","b"]},"x-custom":1,"amr":"{pwd, sms}","exp":1795389606}"#,
        )
        .expect("json");
        let rows = claim_rows(&claims);
        let paths: Vec<&str> = rows.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "realm_access",
                "realm_access/roles",
                "realm_access/roles/0",
                "realm_access/roles/1",
                "x-custom",
                "amr",
                "exp"
            ]
        );
        assert_eq!(rows[0].display, "{1 key}");
        assert_eq!(rows[1].meaning.as_deref(), Some("Keycloak realm roles"));
        assert_eq!(rows[4].meaning, None);
        assert!(
            rows[5]
                .meaning
                .as_deref()
                .is_some_and(|m| m.contains("one string"))
        );
        assert_eq!(
            rows[6].time.as_ref().map(|t| t.at.unix()),
            Some(1_795_389_606)
        );
    }
}
