//! Secrets: the OS keychain through `keyring`, or — where no keychain runs,
//! e.g. headless Linux without a Secret Service — a file only the user can
//! read, and the app says which one is in use.
//!
//! Profile files never hold a secret; secrets are keyed by profile id and name.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::atomic::{self, Access};
use crate::oauth::{Profile, ProfileId};
use crate::secret::Secret;

const SERVICE: &str = "tokenscope";
const FILE_NAME: &str = "secrets.json";

/// Which store to use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SecretPreference {
    /// The OS keychain when it works, else the file.
    #[default]
    Auto,
    /// The OS keychain only (errors if it does not work).
    Keychain,
    /// The file (tests, portable use).
    File,
}

/// Why a secret could not be read or written. Its text is in the thread's
/// language.
#[derive(Debug)]
pub enum SecretError {
    /// The keychain refused.
    Keychain(String),
    /// The file could not be read or written.
    File {
        /// What was being done: the message id of "could not write" and the like.
        action: &'static str,
        /// Where.
        path: PathBuf,
        /// Why.
        detail: String,
    },
}

impl std::fmt::Display for SecretError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = match self {
            Self::Keychain(detail) => {
                crate::tr!("secrets-keychain-refused", detail = detail.as_str())
            }
            Self::File {
                action,
                path,
                detail,
            } => crate::tr!(
                "store-io",
                action = crate::i18n::tr(action),
                path = path.display().to_string(),
                error = detail.as_str()
            ),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for SecretError {}

enum Backend {
    Keychain,
    File {
        path: PathBuf,
        reason: Option<String>,
        lock: Mutex<()>,
    },
}

/// Where secrets go.
pub struct SecretStore {
    backend: Backend,
}

impl std::fmt::Debug for SecretStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe().en)
    }
}

impl SecretStore {
    /// Opens the store. With [`SecretPreference::Auto`] the keychain is
    /// probed (write, read, delete); if that fails the file in `config_dir`
    /// is used and [`SecretStore::describe`] says why.
    ///
    /// Probing may block on D-Bus: call it off the UI thread.
    pub fn open(config_dir: &Path, preference: SecretPreference) -> Result<Self, SecretError> {
        let file = |reason: Option<String>| Self {
            backend: Backend::File {
                path: config_dir.join(FILE_NAME),
                reason,
                lock: Mutex::new(()),
            },
        };
        match preference {
            SecretPreference::File => Ok(file(None)),
            SecretPreference::Keychain => probe_keychain()
                .map(|()| Self {
                    backend: Backend::Keychain,
                })
                .map_err(SecretError::Keychain),
            SecretPreference::Auto => Ok(match probe_keychain() {
                Ok(()) => Self {
                    backend: Backend::Keychain,
                },
                Err(reason) => file(Some(reason)),
            }),
        }
    }

    /// Where secrets are kept, in words for the UI, in both languages (the
    /// panel shows it long after the store thread wrote it, whatever the
    /// language is by then).
    pub fn describe(&self) -> crate::i18n::Text {
        match &self.backend {
            Backend::Keychain => crate::text!("secrets-in-keychain"),
            // Plain words first; the system's own error is the detail.
            Backend::File {
                path,
                reason: Some(_),
                ..
            } => crate::text!(
                "secrets-in-file-no-keychain",
                path = path.display().to_string()
            ),
            Backend::File {
                path, reason: None, ..
            } => crate::text!("secrets-in-file", path = path.display().to_string()),
        }
    }

    /// Why the keychain is not used, in the system's words, when it was
    /// tried and failed (a D-Bus error, a locked or missing service).
    pub fn keychain_problem(&self) -> Option<&str> {
        match &self.backend {
            Backend::File {
                reason: Some(reason),
                ..
            } => Some(reason.as_str()),
            _ => None,
        }
    }

    /// Whether the keychain is in use.
    pub fn is_keychain(&self) -> bool {
        matches!(self.backend, Backend::Keychain)
    }

    /// Reads a secret.
    pub fn get(&self, profile: &ProfileId, name: &str) -> Result<Option<Secret>, SecretError> {
        let key = key(profile, name);
        match &self.backend {
            Backend::Keychain => match entry(&key)?.get_password() {
                Ok(value) => Ok(Some(Secret::new(value))),
                Err(keyring::Error::NoEntry) => Ok(None),
                Err(error) => Err(SecretError::Keychain(error.to_string())),
            },
            Backend::File { path, lock, .. } => {
                let _guard = lock.lock().map_err(|_| {
                    file_error("store-io-lock", path, crate::tr!("secrets-lock-poisoned"))
                })?;
                Ok(read_file(path)?.remove(&key).map(Secret::new))
            }
        }
    }

    /// Writes a secret (an empty one deletes it).
    pub fn set(&self, profile: &ProfileId, name: &str, secret: &Secret) -> Result<(), SecretError> {
        if secret.is_empty() {
            return self.delete(profile, name);
        }
        let key = key(profile, name);
        match &self.backend {
            Backend::Keychain => entry(&key)?
                .set_password(secret.expose())
                .map_err(|e| SecretError::Keychain(e.to_string())),
            Backend::File { path, lock, .. } => {
                let _guard = lock.lock().map_err(|_| {
                    file_error("store-io-lock", path, crate::tr!("secrets-lock-poisoned"))
                })?;
                let mut all = read_file(path)?;
                all.insert(key, secret.expose().to_owned());
                write_file(path, &all)
            }
        }
    }

    /// Fills the values `profile` keeps in the store (proxy password, secret
    /// headers and extra parameters, [`Profile::stored_values`]) back into
    /// it, where they are empty; one missing from the store stays empty.
    pub fn fill_stored_values(&self, profile: &mut Profile) -> Result<(), SecretError> {
        for (name, value) in profile.stored_values() {
            if value.is_empty()
                && let Some(stored) = self.get(&profile.id, &name)?
            {
                profile.restore_stored_value(&name, stored.expose());
            }
        }
        Ok(())
    }

    /// Deletes a secret; deleting a missing one is fine.
    pub fn delete(&self, profile: &ProfileId, name: &str) -> Result<(), SecretError> {
        let key = key(profile, name);
        match &self.backend {
            Backend::Keychain => match entry(&key)?.delete_credential() {
                Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
                Err(error) => Err(SecretError::Keychain(error.to_string())),
            },
            Backend::File { path, lock, .. } => {
                let _guard = lock.lock().map_err(|_| {
                    file_error("store-io-lock", path, crate::tr!("secrets-lock-poisoned"))
                })?;
                let mut all = read_file(path)?;
                if all.remove(&key).is_some() {
                    write_file(path, &all)?;
                }
                Ok(())
            }
        }
    }
}

/// The names of a profile's secrets.
pub mod names {
    use crate::oauth::Profile;

    /// The client secret.
    pub const CLIENT_SECRET: &str = "client_secret";
    /// The passphrase of the profile's PKCS#12 client certificate.
    pub const PKCS12_PASSPHRASE: &str = "pkcs12_passphrase";
    /// The passphrase of the profile's PKCS#12 decryption key file.
    pub const DECRYPTION_KEY_PASSPHRASE: &str = "decryption_key_passphrase";
    /// The password of the profile's proxy URL.
    pub const PROXY_PASSWORD: &str = crate::oauth::profile::PROXY_PASSWORD_SECRET;

    /// Every name under which `profile` may keep a secret: the client
    /// secret, the PKCS#12 passphrases (client certificate and decryption
    /// key), the extension grant's secret fields
    /// and the values it keeps out of its file ([`Profile::stored_values`]:
    /// the proxy password, secret headers and extra parameters).
    pub fn all_for(profile: &Profile) -> Vec<String> {
        let mut all = vec![
            CLIENT_SECRET.to_owned(),
            PKCS12_PASSPHRASE.to_owned(),
            DECRYPTION_KEY_PASSPHRASE.to_owned(),
        ];
        all.extend(
            profile
                .extension_grant
                .fields
                .iter()
                .filter(|f| f.secret)
                .map(crate::oauth::ExtensionField::secret_name),
        );
        for (name, _) in profile.stored_values() {
            if !all.contains(&name) {
                all.push(name);
            }
        }
        all
    }
}

fn key(profile: &ProfileId, name: &str) -> String {
    format!("{profile}/{name}")
}

fn entry(key: &str) -> Result<keyring::Entry, SecretError> {
    keyring::Entry::new(SERVICE, key).map_err(|e| SecretError::Keychain(e.to_string()))
}

fn probe_keychain() -> Result<(), String> {
    if let Err(error) = keyring::Entry::store_status() {
        return Err(error.to_string());
    }
    let probe = keyring::Entry::new(SERVICE, "probe").map_err(|e| e.to_string())?;
    probe.set_password("probe").map_err(|e| e.to_string())?;
    let read = probe.get_password().map_err(|e| e.to_string())?;
    let _ = probe.delete_credential();
    if read == "probe" {
        Ok(())
    } else {
        Err("the keychain returned a different value than was stored".to_owned())
    }
}

fn file_error(action: &'static str, path: &Path, detail: impl std::fmt::Display) -> SecretError {
    SecretError::File {
        action,
        path: path.to_path_buf(),
        detail: detail.to_string(),
    }
}

fn read_file(path: &Path) -> Result<BTreeMap<String, String>, SecretError> {
    match fs::read_to_string(path).map(zeroize::Zeroizing::new) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| file_error("store-io-read", path, e)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(error) => Err(file_error("store-io-read", path, error)),
    }
}

/// Replaces the secrets file atomically (exclusive 0600 temp file, fsync,
/// rename, fsync of the directory), in a config directory created 0700.
fn write_file(path: &Path, all: &BTreeMap<String, String>) -> Result<(), SecretError> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let text =
        serde_json::to_string_pretty(all).map_err(|e| file_error("store-io-encode", path, e))?;
    // The encoded text holds every secret: zero it once written.
    let text = zeroize::Zeroizing::new(text);
    atomic::create_private_dir(dir)
        .and_then(|()| atomic::write_atomically(path, text.as_bytes(), Access::OwnerOnly))
        .map_err(|e| file_error(e.action, &e.path, e.source))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Without a keychain the panel says so in plain words; the system's
    /// error (a D-Bus failure, say) is the detail, not the first words.
    #[test]
    fn a_missing_keychain_is_said_plainly_with_the_error_as_detail() {
        let store = SecretStore {
            backend: Backend::File {
                path: PathBuf::from("/home/u/.config/tokenscope/secrets.json"),
                reason: Some("Platform failure: zbus error: Failed to connect".to_owned()),
                lock: Mutex::new(()),
            },
        };
        let text = store.describe();
        assert!(
            text.en
                .starts_with("No system keychain: secrets are kept in a file only you can read"),
            "{}",
            text.en
        );
        assert!(
            text.ru.starts_with("Системной связки ключей нет"),
            "{}",
            text.ru
        );
        assert!(!text.en.contains("zbus") && !text.ru.contains("zbus"));
        assert_eq!(
            store.keychain_problem(),
            Some("Platform failure: zbus error: Failed to connect")
        );
    }

    #[test]
    fn file_store_round_trip_with_owner_only_permissions() {
        let dir = std::env::temp_dir().join(format!("tokenscope-secrets-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let store = SecretStore::open(&dir, SecretPreference::File).expect("file store");
        let id = ProfileId("p1".to_owned());
        assert_eq!(store.get(&id, names::CLIENT_SECRET).expect("get"), None);
        store
            .set(&id, names::CLIENT_SECRET, &Secret::new("s3cr3t"))
            .expect("set");
        assert_eq!(
            store
                .get(&id, names::CLIENT_SECRET)
                .expect("get")
                .as_ref()
                .map(Secret::expose),
            Some("s3cr3t")
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = fs::metadata(dir.join(FILE_NAME))
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "only the user may read the secrets file");
        }
        #[cfg(unix)]
        {
            // A file someone made readable is replaced, not rewritten in place.
            use std::os::unix::fs::PermissionsExt as _;
            let path = dir.join(FILE_NAME);
            fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).expect("chmod");
            store
                .set(&id, "header:X-Клиент", &Secret::new("значение 🙂"))
                .expect("set");
            let mode = fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
            let names: Vec<_> = fs::read_dir(&dir)
                .expect("list")
                .flatten()
                .map(|e| e.file_name())
                .collect();
            assert_eq!(names, [FILE_NAME], "no temp file is left beside it");
        }
        store.delete(&id, names::CLIENT_SECRET).expect("delete");
        assert_eq!(store.get(&id, names::CLIENT_SECRET).expect("get"), None);
        // The decryption key's passphrase has its own name; an empty value deletes it.
        let passphrase = names::DECRYPTION_KEY_PASSPHRASE;
        store
            .set(&id, passphrase, &Secret::new("ключ 🔑"))
            .expect("set");
        assert_eq!(
            store
                .get(&id, passphrase)
                .expect("get")
                .as_ref()
                .map(Secret::expose),
            Some("ключ 🔑")
        );
        store
            .set(&id, passphrase, &Secret::new(""))
            .expect("delete");
        assert_eq!(store.get(&id, passphrase).expect("get"), None);
        // A profile's marked values come back from the store.
        let mut profile = Profile {
            id: id.clone(),
            proxy: "http://u@proxy:3128".to_owned(),
            ..Profile::default()
        };
        let mut header = crate::oauth::Param::new("X-Клиент", "");
        header.secret = true;
        profile.headers = vec![header];
        store
            .set(&id, names::PROXY_PASSWORD, &Secret::new("p@ss"))
            .expect("set");
        store
            .set(&id, "header:X-Клиент", &Secret::new("значение 🙂"))
            .expect("set");
        store.fill_stored_values(&mut profile).expect("fill");
        assert_eq!(profile.proxy, "http://u:p@ss@proxy:3128");
        assert_eq!(profile.headers[0].value, "значение 🙂");
        assert!(store.describe().en.contains("readable only by you"));
        assert!(store.describe().ru.contains("только вам"));
        let _ = fs::remove_dir_all(&dir);
    }
}
