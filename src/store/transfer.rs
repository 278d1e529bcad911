//! Profile import and export (the `tokenscope profiles` commands and the
//! panel's Import…/Export… buttons).
//!
//! `import` takes exactly what `export` writes. Secrets are left out of an
//! export unless `--with-secrets` is given.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use super::atomic::Access;
use super::{ProfileStore, SecretStore};
use crate::oauth::Profile;
use crate::oauth::profile::Severity;
use crate::secret::Secret;
use crate::store::profiles::{SCHEMA_VERSION, from_json};
use crate::store::secrets::names;

/// One line of `profiles list --json`.
#[derive(Debug, Serialize)]
pub struct ProfileSummary {
    /// Stable id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Environment label.
    pub environment: String,
    /// Preset id.
    pub preset: Option<String>,
    /// Issuer.
    pub issuer: String,
    /// Client id.
    pub client_id: String,
    /// How the profile stands against its conformance check set (`fapi2`,
    /// …), checked without the provider's metadata (rules that need it are
    /// `unknown`); absent when the profile names no set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conformance: Option<crate::oauth::fapi::Summary>,
}

impl From<&Profile> for ProfileSummary {
    fn from(p: &Profile) -> Self {
        Self {
            id: p.id.0.clone(),
            name: p.name.clone(),
            environment: p.environment.clone(),
            preset: p.preset.clone(),
            issuer: p.issuer.clone(),
            client_id: p.client_id.clone(),
            conformance: crate::oauth::fapi::Summary::of_profile(p),
        }
    }
}

/// A profile by exact name or id, or by a unique case-insensitive name prefix.
pub fn find<'a>(profiles: &'a [Profile], wanted: &str) -> Result<&'a Profile, String> {
    if let Some(p) = profiles
        .iter()
        .find(|p| p.name == wanted || p.id.0 == wanted)
    {
        return Ok(p);
    }
    let lower = wanted.to_lowercase();
    let matches: Vec<&Profile> = profiles
        .iter()
        .filter(|p| p.name.to_lowercase().starts_with(&lower))
        .collect();
    match matches.as_slice() {
        [one] => Ok(one),
        [] => Err(format!(
            "no profile is named {wanted:?}; `tokenscope profiles list` shows them"
        )),
        many => Err(format!(
            "{wanted:?} matches {} profiles: {}",
            many.len(),
            many.iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// The export document: the profile file format plus, when asked, secrets.
pub fn export(profiles: &[&Profile], secrets: Option<&SecretStore>) -> Result<String, String> {
    let mut doc = serde_json::Map::new();
    doc.insert("schema".to_owned(), Value::from(SCHEMA_VERSION));
    let list: Vec<Value> = profiles
        .iter()
        .map(|p| serde_json::to_value(p).map_err(|e| e.to_string()))
        .collect::<Result<_, _>>()?;
    doc.insert("profiles".to_owned(), Value::Array(list));
    if let Some(store) = secrets {
        let mut all = serde_json::Map::new();
        for profile in profiles {
            // Every secret the profile keeps: client secret, passphrase,
            // extension fields, proxy password, secret headers and parameters.
            let mut entry = serde_json::Map::new();
            for name in names::all_for(profile) {
                if let Some(secret) = store.get(&profile.id, &name).map_err(|e| {
                    crate::tr!(
                        "transfer-secret-unreadable",
                        name = profile.name.as_str(),
                        error = e.to_string()
                    )
                })? {
                    entry.insert(name, Value::from(secret.expose()));
                }
            }
            if !entry.is_empty() {
                all.insert(profile.id.0.clone(), Value::Object(entry));
            }
        }
        doc.insert("secrets".to_owned(), Value::Object(all));
    }
    serde_json::to_string_pretty(&Value::Object(doc))
        .map(|mut s| {
            s.push('\n');
            s
        })
        .map_err(|e| e.to_string())
}

/// Writes an export to `path`. One carrying secrets is readable by the
/// owner only (0600); either way it is a new, exclusively created file
/// renamed over any old one, so an existing world-readable file is never
/// rewritten in place to hold secrets.
pub fn write_export(path: &Path, text: &str, with_secrets: bool) -> std::io::Result<()> {
    let access = if with_secrets {
        Access::OwnerOnly
    } else {
        Access::Shared
    };
    super::atomic::write_atomically(path, text.as_bytes(), access).map_err(|error| error.source)
}

/// What an import did.
#[derive(Debug, Default, Serialize)]
pub struct ImportReport {
    /// Names of profiles added.
    pub added: Vec<String>,
    /// Names of profiles that replaced one with the same id.
    pub replaced: Vec<String>,
    /// Problems, one per line, e.g. `profile 2 ("Kontur"): redirect_uri: …`.
    pub problems: Vec<String>,
    /// Profiles that could not be imported at all.
    pub rejected: usize,
    /// Secrets stored.
    pub secrets_stored: usize,
}

/// Imports an export document into `existing`; validates field by field.
pub fn import(
    text: &str,
    existing: &mut Vec<Profile>,
    secrets: Option<&SecretStore>,
) -> Result<ImportReport, String> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| crate::tr!("transfer-not-json", error = e.to_string()))?;
    let items = match &value {
        Value::Object(doc) => doc
            .get("profiles")
            .and_then(Value::as_array)
            .cloned()
            .ok_or("no \"profiles\" list")?,
        Value::Array(items) => items.clone(),
        _ => return Err(crate::tr!("transfer-not-export")),
    };
    let secret_map: BTreeMap<String, BTreeMap<String, String>> = value
        .get("secrets")
        .and_then(|s| serde_json::from_value(s.clone()).ok())
        .unwrap_or_default();
    let mut report = ImportReport::default();
    for (i, item) in items.into_iter().enumerate() {
        let name = item.get("name").and_then(Value::as_str).map_or_else(
            || crate::tr!("transfer-no-name"),
            |name| format!("{name:?}"),
        );
        let label = crate::tr!("transfer-profile-label", number = i + 1, name = name);
        // One profile at a time through the same reader as the profile file.
        let one = serde_json::json!({ "schema": SCHEMA_VERSION, "profiles": [item] });
        let mut profile = match from_json(&one.to_string()) {
            Ok(mut list) if list.len() == 1 => list.remove(0),
            Ok(_) => continue,
            Err(detail) => {
                report.problems.push(crate::tr!(
                    "transfer-not-imported",
                    label = label.as_str(),
                    detail = detail.as_str()
                ));
                report.rejected += 1;
                continue;
            }
        };
        let exported = secret_map.get(&profile.id.0);
        let secret = exported.and_then(|s| s.get(names::CLIENT_SECRET));
        for finding in profile.validate(secret.map(String::as_str)) {
            let level = if finding.severity == Severity::Error {
                crate::tr!("transfer-level-error")
            } else {
                crate::tr!("transfer-level-warning")
            };
            report.problems.push(format!(
                "{label}: {} ({level}): {}",
                finding.field, finding.message
            ));
        }
        // The values the profile entry itself carried (a hand-written file's
        // proxy password), then those of the secrets section, by store name.
        let mut values: Vec<(String, String)> = profile
            .stored_values()
            .into_iter()
            .filter(|(_, value)| !value.is_empty())
            .collect();
        for name in names::all_for(&profile) {
            if let Some(value) = exported.and_then(|s| s.get(&name)) {
                values.retain(|(n, _)| *n != name);
                values.push((name, value.clone()));
            }
        }
        for (name, value) in &values {
            // In memory the profile has them (a run from the file needs them);
            // its file never will.
            profile.restore_stored_value(name, value);
        }
        if let Some(store) = secrets {
            for (name, value) in values {
                store
                    .set(&profile.id, &name, &Secret::new(value))
                    .map_err(|e| {
                        if name == names::CLIENT_SECRET {
                            crate::tr!(
                                "transfer-secret-not-stored",
                                label = label.as_str(),
                                error = e.to_string()
                            )
                        } else {
                            crate::tr!(
                                "transfer-field-not-stored",
                                label = label.as_str(),
                                name = name.as_str(),
                                error = e.to_string()
                            )
                        }
                    })?;
                report.secrets_stored += 1;
            }
        }
        if let Some(slot) = existing.iter_mut().find(|p| p.id == profile.id) {
            report.replaced.push(profile.name.clone());
            *slot = profile;
        } else {
            report.added.push(profile.name.clone());
            existing.push(profile);
        }
    }
    Ok(report)
}

/// Saves after an import; the store's error as text.
pub fn save(store: &ProfileStore, profiles: &[Profile]) -> Result<(), String> {
    store.save(profiles).map_err(|e| e.to_string())
}
