//! The claim catalogue: what each claim and header parameter means, and the
//! claims of a token flattened into table rows (nested objects and arrays as
//! a tree, each node a row with a path).

use serde::Serialize;
use serde_json::Value;

use super::jose::{JsonObject, json_kind};
use super::time::{TimeClaim, TimeMeaning, TimeValue};

/// Registered and widely used claims: name → the message id of its meaning
/// (`assets/locales/*/tokenscope.ftl`).
///
/// Sources: RFC 7519 §4.1 (registered claims), `OpenID` Connect Core 1.0 §2 and
/// §5.1 (ID token and standard claims), RFC 9068 §2.2 (JWT access tokens),
/// RFC 8693 §4 (`act`, `may_act`), RFC 7800 §3 (`cnf`), RFC 9449 (`DPoP`),
/// Keycloak, Microsoft Entra ID, and the `SberBusiness` ID claims our users meet.
const CLAIMS: &[(&str, &str)] = &[
    ("iss", "claim-iss"),
    ("sub", "claim-sub"),
    ("aud", "claim-aud"),
    ("exp", "claim-exp"),
    ("nbf", "claim-nbf"),
    ("iat", "claim-iat"),
    ("jti", "claim-jti"),
    ("auth_time", "claim-auth-time"),
    ("nonce", "claim-nonce"),
    ("acr", "claim-acr"),
    ("amr", "claim-amr"),
    ("azp", "claim-azp"),
    ("at_hash", "claim-at-hash"),
    ("c_hash", "claim-c-hash"),
    ("s_hash", "claim-s-hash"),
    ("sid", "claim-sid"),
    ("events", "claim-events"),
    ("name", "claim-name"),
    ("given_name", "claim-given-name"),
    ("family_name", "claim-family-name"),
    ("middle_name", "claim-middle-name"),
    ("nickname", "claim-nickname"),
    ("preferred_username", "claim-preferred-username"),
    ("profile", "claim-profile"),
    ("picture", "claim-picture"),
    ("website", "claim-website"),
    ("email", "claim-email"),
    ("email_verified", "claim-email-verified"),
    ("gender", "claim-gender"),
    ("birthdate", "claim-birthdate"),
    ("zoneinfo", "claim-zoneinfo"),
    ("locale", "claim-locale"),
    ("phone_number", "claim-phone-number"),
    ("phone_number_verified", "claim-phone-number-verified"),
    ("address", "claim-address"),
    ("updated_at", "claim-updated-at"),
    ("client_id", "claim-client-id"),
    ("scope", "claim-scope"),
    ("scp", "claim-scp"),
    ("groups", "claim-groups"),
    ("roles", "claim-roles"),
    ("entitlements", "claim-entitlements"),
    ("cnf", "claim-cnf"),
    ("act", "claim-act"),
    ("may_act", "claim-may-act"),
    ("typ", "claim-typ"),
    ("session_state", "claim-session-state"),
    ("realm_access", "claim-realm-access"),
    ("resource_access", "claim-resource-access"),
    ("allowed-origins", "claim-allowed-origins"),
    ("tid", "claim-tid"),
    ("oid", "claim-oid"),
    ("upn", "claim-upn"),
    ("ver", "claim-ver"),
    ("idp", "claim-idp"),
    ("HashOrgId", "claim-hashorgid"),
    ("inn", "claim-inn"),
    ("OrgName", "claim-orgname"),
    ("orgFullName", "claim-orgfullname"),
    ("orgKpp", "claim-orgkpp"),
    ("orgOgrn", "claim-orgogrn"),
    ("orgId", "claim-orgid"),
    ("userGuid", "claim-userguid"),
    ("userPosition", "claim-userposition"),
    ("userRoles", "claim-userroles"),
    ("userGroups", "claim-usergroups"),
    ("userCryptoType", "claim-usercryptotype"),
    ("userSignatureType", "claim-usersignaturetype"),
    ("isIdentified", "claim-isidentified"),
    ("terBank", "claim-terbank"),
    ("accounts", "claim-accounts"),
    ("esb", "claim-esb"),
    // SD-JWT (RFC 9901 §4.1) and SD-JWT VC (draft-ietf-oauth-sd-jwt-vc §3.2.2).
    ("vct", "claim-vct"),
    ("vct#integrity", "claim-vct-integrity"),
    ("status", "claim-status"),
    ("_sd", "claim-sd"),
    ("_sd_alg", "claim-sd-alg"),
    ("...", "claim-sd-element"),
];

/// JOSE header parameters (RFC 7515 §4.1, RFC 7516 §4.1, RFC 7519 §5): name →
/// message id.
const HEADER_PARAMETERS: &[(&str, &str)] = &[
    ("alg", "header-alg"),
    ("typ", "header-typ"),
    ("cty", "header-cty"),
    ("kid", "header-kid"),
    ("jku", "header-jku"),
    ("jwk", "header-jwk"),
    ("x5u", "header-x5u"),
    ("x5c", "header-x5c"),
    ("x5t", "header-x5t"),
    ("x5t#S256", "header-x5t-s256"),
    ("crit", "header-crit"),
    ("enc", "header-enc"),
    ("zip", "header-zip"),
    ("epk", "header-epk"),
];

/// What a claim or header parameter means: a catalogue message, read in the
/// language of the moment ([`Meaning::text`]), so switching language needs
/// no new inspection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Meaning {
    /// A catalogue entry, with a note on this particular value.
    Known {
        /// The message id of the meaning.
        id: &'static str,
        /// The message id of a note on the value, if any.
        note: Option<&'static str>,
    },
    /// Keycloak realm roles (`realm_access.roles`).
    RealmRoles,
    /// Keycloak client roles (`resource_access.<client>`).
    ClientRoles(String),
    /// A `roles` list anywhere else.
    Roles,
    /// The last row of a long claims set: how many values are not listed.
    RowsOmitted(usize),
}

impl Meaning {
    /// The meaning in the current language.
    pub fn text(&self) -> String {
        match self {
            Self::Known { id, note: None } => crate::i18n::tr(id),
            Self::Known {
                id,
                note: Some(note),
            } => crate::tr!(
                "meaning-with-note",
                meaning = crate::i18n::tr(id),
                note = crate::i18n::tr(note)
            ),
            Self::RealmRoles => crate::tr!("meaning-realm-roles"),
            Self::ClientRoles(client) => {
                crate::tr!("meaning-client-roles", client = client.clone())
            }
            Self::Roles => crate::tr!("meaning-roles"),
            Self::RowsOmitted(count) => crate::tr!("meaning-rows-omitted", count = *count),
        }
    }
}

impl Serialize for Meaning {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text())
    }
}

/// What a claim means, given the name of the object that holds it (`None` at top level).
pub fn claim_meaning(parent: Option<&str>, name: &str, value: &Value) -> Option<Meaning> {
    match (parent, name) {
        (Some("realm_access"), "roles") => return Some(Meaning::RealmRoles),
        (Some("resource_access"), client) => return Some(Meaning::ClientRoles(client.to_owned())),
        (Some(_), "roles") => return Some(Meaning::Roles),
        // Undisclosed digests of an SD-JWT mean the same at any depth (RFC 9901 §4.2.4).
        (Some(_), name) if name != "_sd" && name != "..." => return None,
        _ => {}
    }
    let id = lookup(CLAIMS, name)?;
    let note = match (name, value) {
        ("amr", Value::String(_)) => Some("note-amr-string"),
        ("aud", Value::Array(items)) if items.len() > 1 => Some("note-aud-several"),
        ("acr", Value::String(s)) if s.starts_with("loa-") => Some("note-acr-loa"),
        ("sub", Value::String(s)) if s.starts_with("f:") => Some("note-sub-federated"),
        _ => None,
    };
    Some(Meaning::Known { id, note })
}

/// What a JOSE header parameter means.
pub fn header_meaning(name: &str) -> Option<Meaning> {
    lookup(HEADER_PARAMETERS, name).map(|id| Meaning::Known { id, note: None })
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
        .filter_map(|(name, value)| time_claim(name, value))
        .collect()
}

/// A claim as an instant, when its name says it is one and its value can be
/// read as a `NumericDate` (RFC 7519 §2); providers sometimes send it as a
/// string.
fn time_claim(name: &str, value: &Value) -> Option<TimeClaim> {
    let meaning = time_meaning(name)?;
    let date = match value {
        Value::Number(number) => TimeValue::from_number(number),
        Value::String(text) => TimeValue::from_seconds_text(text)?,
        _ => return None,
    };
    Some(TimeClaim {
        name: name.to_owned(),
        at: date.at,
        meaning,
        computed_from: None,
        not_real: date.not_real,
    })
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
    pub meaning: Option<Meaning>,
    /// For a time claim, the instant.
    pub time: Option<TimeClaim>,
}

impl ClaimRow {
    /// The value as shown in the current language: a container's summary
    /// ("{2 keys}", "[3 items]") is worded at the time of asking.
    pub fn shown(&self) -> std::borrow::Cow<'_, str> {
        match self.children {
            Some(count) if self.json.starts_with('{') => {
                format!("{{{}}}", crate::tr!("unit-keys", count = count)).into()
            }
            Some(count) => format!("[{}]", crate::tr!("unit-items", count = count)).into(),
            None => self.display.as_str().into(),
        }
    }
}

/// At most this many rows are listed for one token: a row costs some 300
/// bytes, and a payload of a million tiny values (`[1,1,…]`) would cost
/// 300 MB. The claims JSON still holds every value.
pub const MAX_CLAIM_ROWS: usize = 5_000;

/// Objects and arrays deeper than this are one row each, their members not
/// listed (copying the row gives them all): each row keeps its value's JSON,
/// so every level listed costs the payload's size once more.
const MAX_ROW_DEPTH: usize = 12;

/// Flattens claims into rows in tree order; every claim is kept, known or
/// not, up to [`MAX_CLAIM_ROWS`].
pub fn claim_rows(claims: &JsonObject) -> Vec<ClaimRow> {
    claim_rows_within(claims, MAX_CLAIM_ROWS)
}

/// [`claim_rows`], at most `limit` rows: past it, one last row says how many
/// values are not listed.
pub fn claim_rows_within(claims: &JsonObject, limit: usize) -> Vec<ClaimRow> {
    let mut sink = RowSink {
        rows: Vec::new(),
        limit,
        omitted: 0,
    };
    for (name, value) in claims {
        sink.push(None, name, name, value, 0);
    }
    if sink.omitted > 0 {
        sink.rows.push(ClaimRow {
            path: "…".to_owned(),
            depth: 0,
            name: "…".to_owned(),
            display: String::new(),
            json: String::new(),
            children: None,
            meaning: Some(Meaning::RowsOmitted(sink.omitted)),
            time: None,
        });
    }
    sink.rows
}

struct RowSink {
    rows: Vec<ClaimRow>,
    limit: usize,
    /// Values not listed because the limit was reached.
    omitted: usize,
}

impl RowSink {
    fn push(&mut self, parent: Option<&str>, name: &str, path: &str, value: &Value, depth: usize) {
        if self.rows.len() >= self.limit {
            self.omitted = self.omitted.saturating_add(value_count(value));
            return;
        }
        let time = if depth == 0 {
            time_claim(name, value)
        } else {
            None
        };
        let (display, children) = match value {
            Value::String(s) => (s.clone(), None),
            Value::Object(o) => (
                format!("{{{}}}", crate::tr!("unit-keys", count = o.len())),
                Some(o.len()),
            ),
            Value::Array(a) => (
                format!("[{}]", crate::tr!("unit-items", count = a.len())),
                Some(a.len()),
            ),
            other => (other.to_string(), None),
        };
        self.rows.push(ClaimRow {
            path: path.to_owned(),
            depth,
            name: name.to_owned(),
            display,
            json: value.to_string(),
            children,
            meaning: claim_meaning(parent, name, value),
            time,
        });
        if depth >= MAX_ROW_DEPTH {
            return;
        }
        match value {
            Value::Object(members) => {
                for (key, child) in members {
                    self.push(Some(name), key, &format!("{path}/{key}"), child, depth + 1);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    self.push(
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
}

/// How many values a JSON value holds, itself included.
fn value_count(value: &Value) -> usize {
    let mut count = 0usize;
    let mut pending = vec![value];
    while let Some(value) = pending.pop() {
        count = count.saturating_add(1);
        match value {
            Value::Object(members) => pending.extend(members.values()),
            Value::Array(items) => pending.extend(items),
            _ => {}
        }
    }
    count
}

/// Header parameters as rows, explained from the JOSE registries.
pub fn header_rows(header: &JsonObject) -> Vec<ClaimRow> {
    let mut rows = claim_rows(header);
    for row in &mut rows {
        row.time = None;
        row.meaning = (row.depth == 0)
            .then(|| header_meaning(&row.name))
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
        assert_eq!(
            rows[1].meaning.as_ref().map(Meaning::text).as_deref(),
            Some("Keycloak realm roles")
        );
        assert_eq!(rows[4].meaning, None);
        assert!(
            rows[5]
                .meaning
                .as_ref()
                .is_some_and(|m| m.text().contains("one string"))
        );
        assert_eq!(
            rows[6].time.as_ref().map(|t| t.at.unix()),
            Some(1_795_389_606)
        );
    }

    #[test]
    fn a_huge_claims_set_lists_its_first_rows_and_counts_the_rest() {
        let claims: JsonObject = serde_json::from_value(serde_json::json!({
            "sub": "Анна 😀\u{200F}",
            "many": vec![1; 20_000],
        }))
        .expect("an object");
        let rows = claim_rows(&claims);
        assert_eq!(rows.len(), MAX_CLAIM_ROWS + 1);
        let last = rows.last().expect("a last row");
        assert_eq!(
            last.meaning,
            Some(Meaning::RowsOmitted(20_002 - MAX_CLAIM_ROWS))
        );
        assert_eq!(
            last.meaning.as_ref().map(Meaning::text).as_deref(),
            Some("15002 more values are not listed here; the claims JSON holds them all")
        );
        let deep: JsonObject = serde_json::from_str(&format!(
            "{{\"a\":{}1{}}}",
            "[".repeat(100),
            "]".repeat(100)
        ))
        .expect("100 deep");
        let rows = claim_rows(&deep);
        assert_eq!(rows.len(), MAX_ROW_DEPTH + 1);
        assert!(rows.iter().all(|row| row.depth <= MAX_ROW_DEPTH));
    }
}
