//! Profiles on disk: one human-readable JSON file with a schema version.
//!
//! Saving is atomic (temp file, fsync, rename) and keeps the previous good
//! copy as `profiles.json.bak`. A file that cannot be read is never
//! overwritten: loading reports what is wrong and where, and the caller
//! keeps the store read-only until the user sets the file aside.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::atomic::{self, Access};
use crate::oauth::Profile;

/// The schema this build writes.
pub const SCHEMA_VERSION: u64 = 1;
/// The profile file's name.
pub const FILE_NAME: &str = "profiles.json";
const BACKUP_NAME: &str = "profiles.json.bak";

/// Why profiles could not be read or written. Its text is in the thread's
/// language.
#[derive(Debug)]
pub enum StoreError {
    /// The file system refused.
    Io {
        /// What was being done: the message id of "could not write" and the like.
        action: &'static str,
        /// Where.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file is not a profile file this build can read.
    Corrupt {
        /// Where.
        path: PathBuf,
        /// What the parser said.
        detail: String,
    },
    /// Written by a newer tokenscope.
    TooNew {
        /// Where.
        path: PathBuf,
        /// Its schema.
        schema: u64,
    },
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = match self {
            Self::Io {
                action,
                path,
                source,
            } => crate::tr!(
                "store-io",
                action = crate::i18n::tr(action),
                path = path.display().to_string(),
                error = source.to_string()
            ),
            Self::Corrupt { path, detail } => crate::tr!(
                "store-corrupt",
                path = path.display().to_string(),
                detail = detail.as_str()
            ),
            Self::TooNew { path, schema } => crate::tr!(
                "store-too-new",
                path = path.display().to_string(),
                schema = *schema,
                supported = SCHEMA_VERSION
            ),
        };
        f.write_str(&text)
    }
}

impl From<atomic::WriteError> for StoreError {
    fn from(error: atomic::WriteError) -> Self {
        Self::Io {
            action: error.action,
            path: error.path,
            source: error.source,
        }
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io { source, .. } => Some(source),
            Self::Corrupt { .. } | Self::TooNew { .. } => None,
        }
    }
}

/// The file format.
#[derive(Serialize, Deserialize)]
struct ProfileFile {
    schema: u64,
    profiles: Vec<Profile>,
}

/// What loading found.
#[derive(Debug, Default)]
pub struct Loaded {
    /// The profiles.
    pub profiles: Vec<Profile>,
    /// Set when the main file was missing and the backup was read instead.
    pub from_backup: bool,
    /// Set when the file had an older schema and was migrated in memory.
    pub migrated_from: Option<u64>,
}

/// Profiles in one directory.
#[derive(Clone, Debug)]
pub struct ProfileStore {
    dir: PathBuf,
}

impl ProfileStore {
    /// A store in `dir` (created on first save).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The profile file.
    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    /// Reads the profiles; a missing file is an empty list.
    pub fn load(&self) -> Result<Loaded, StoreError> {
        let path = self.path();
        let (text, from_backup, read_path) = match fs::read_to_string(&path) {
            Ok(text) => (text, false, path),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                // A crash between backing up and renaming cannot lose the
                // file (rename is atomic), but a user may have deleted it.
                let backup = self.dir.join(BACKUP_NAME);
                match fs::read_to_string(&backup) {
                    Ok(text) => (text, true, backup),
                    Err(_) => return Ok(Loaded::default()),
                }
            }
            Err(source) => {
                return Err(StoreError::Io {
                    action: "store-io-read",
                    path,
                    source,
                });
            }
        };
        let (profiles, migrated_from) = parse(&text).map_err(|failure| match failure {
            ParseFailure::TooNew(schema) => StoreError::TooNew {
                path: read_path.clone(),
                schema,
            },
            ParseFailure::Invalid(detail) => StoreError::Corrupt {
                path: read_path.clone(),
                detail,
            },
        })?;
        Ok(Loaded {
            profiles,
            from_backup,
            migrated_from,
        })
    }

    /// Writes the profiles atomically, keeping the previous file as the backup.
    pub fn save(&self, profiles: &[Profile]) -> Result<(), StoreError> {
        atomic::create_private_dir(&self.dir)?;
        let path = self.path();
        // Keep the last good copy: only a file that still parses is backed up.
        if let Ok(current) = fs::read_to_string(&path)
            && parse(&current).is_ok()
        {
            atomic::write_atomically(
                &self.dir.join(BACKUP_NAME),
                current.as_bytes(),
                Access::Shared,
            )
            .map_err(|error| StoreError::Io {
                action: "store-io-back-up",
                path: error.path,
                source: error.source,
            })?;
        }
        atomic::write_atomically(&path, to_json(profiles).as_bytes(), Access::Shared)?;
        Ok(())
    }

    /// Moves an unreadable profile file aside (`profiles.json.unreadable-<unix time>`)
    /// so the app can start afresh; returns where it went.
    pub fn set_aside(&self, unix_time: i64) -> Result<PathBuf, StoreError> {
        let path = self.path();
        let aside = self.dir.join(format!("{FILE_NAME}.unreadable-{unix_time}"));
        fs::rename(&path, &aside).map_err(|source| StoreError::Io {
            action: "store-io-move",
            path,
            source,
        })?;
        Ok(aside)
    }
}

/// Profiles as the file holds them (also the export format).
pub fn to_json(profiles: &[Profile]) -> String {
    let file = ProfileFile {
        schema: SCHEMA_VERSION,
        profiles: profiles.to_vec(),
    };
    let mut text = serde_json::to_string_pretty(&file).unwrap_or_default();
    text.push('\n');
    text
}

enum ParseFailure {
    TooNew(u64),
    Invalid(String),
}

/// Reads a profile file of any schema this build knows, migrating older ones.
/// Returns the profiles and the schema migrated from, if any.
fn parse(text: &str) -> Result<(Vec<Profile>, Option<u64>), ParseFailure> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| ParseFailure::Invalid(e.to_string()))?;
    let (schema, value) = match value {
        // Schema 0 (before versioning): a bare array of profiles.
        Value::Array(items) => (0, migrate_0_to_1(&items)),
        Value::Object(ref object) => {
            let schema = object
                .get("schema")
                .and_then(Value::as_u64)
                .ok_or_else(|| ParseFailure::Invalid(crate::tr!("store-no-schema")))?;
            (schema, value)
        }
        _ => return Err(ParseFailure::Invalid(crate::tr!("store-not-object"))),
    };
    if schema > SCHEMA_VERSION {
        return Err(ParseFailure::TooNew(schema));
    }
    let file: ProfileFile =
        serde_json::from_value(value).map_err(|e| ParseFailure::Invalid(e.to_string()))?;
    Ok((file.profiles, (schema < SCHEMA_VERSION).then_some(schema)))
}

fn migrate_0_to_1(items: &[Value]) -> Value {
    serde_json::json!({ "schema": 1, "profiles": items })
}

/// Reads profiles written by [`to_json`] (export) or any older schema.
pub fn from_json(text: &str) -> Result<Vec<Profile>, String> {
    parse(text)
        .map(|(profiles, _)| profiles)
        .map_err(|failure| match failure {
            ParseFailure::TooNew(schema) => {
                crate::tr!("store-newer-schema", schema = schema)
            }
            ParseFailure::Invalid(detail) => detail,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("tokenscope-store-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    fn sample(name: &str) -> Profile {
        Profile {
            name: name.to_owned(),
            client_id: "app".to_owned(),
            ..Profile::default()
        }
    }

    #[test]
    fn round_trip_and_backup() {
        let store = ProfileStore::new(temp_dir("roundtrip"));
        assert!(store.load().expect("empty").profiles.is_empty());
        store.save(&[sample("one")]).expect("save");
        store.save(&[sample("one"), sample("two")]).expect("save");
        let loaded = store.load().expect("load");
        assert_eq!(loaded.profiles.len(), 2);
        let backup = fs::read_to_string(store.dir().join(BACKUP_NAME)).expect("backup");
        assert_eq!(
            from_json(&backup).expect("parses").len(),
            1,
            "the backup is the previous good copy"
        );
        let _ = fs::remove_dir_all(store.dir());
    }

    /// A config directory the store creates is the owner's alone (0700).
    #[cfg(unix)]
    #[test]
    fn a_new_config_directory_is_private() {
        use std::os::unix::fs::PermissionsExt as _;
        let store = ProfileStore::new(temp_dir("private-dir").join("tokenscope"));
        store.save(&[sample("one")]).expect("save");
        let mode = fs::metadata(store.dir()).expect("dir").permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        let _ = fs::remove_dir_all(store.dir().parent().expect("parent"));
    }

    #[test]
    fn a_corrupt_file_is_reported_and_kept() {
        let store = ProfileStore::new(temp_dir("corrupt"));
        fs::create_dir_all(store.dir()).expect("dir");
        fs::write(store.path(), "{\"schema\": 1, \"profiles\": [ {\"name\": ").expect("write");
        let error = store.load().expect_err("corrupt");
        assert!(
            error.to_string().contains("cannot be read as profiles"),
            "{error}"
        );
        assert!(error.to_string().contains(FILE_NAME));
        assert_eq!(
            fs::read_to_string(store.path()).expect("kept"),
            "{\"schema\": 1, \"profiles\": [ {\"name\": "
        );
        let aside = store.set_aside(42).expect("set aside");
        assert!(aside.exists());
        assert!(store.load().expect("fresh").profiles.is_empty());
        let _ = fs::remove_dir_all(store.dir());
    }

    #[test]
    fn older_schema_migrates_newer_is_refused() {
        let (profiles, migrated) = parse(r#"[{"name": "old", "client_id": "a"}]"#)
            .ok()
            .expect("schema 0");
        assert_eq!(profiles[0].name, "old");
        assert_eq!(migrated, Some(0));
        assert!(matches!(
            parse(r#"{"schema": 99, "profiles": []}"#),
            Err(ParseFailure::TooNew(99))
        ));
    }
}
