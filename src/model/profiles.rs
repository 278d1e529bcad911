//! The profiles the app knows, and what happens when the user changes them.
//! Plain data; disk and keychain work is returned as [`Effect`]s.

use std::path::PathBuf;

use crate::oauth::{Profile, ProfileId, presets};
use crate::secret::Secret;

use super::workspace::Effect;

/// Where the profile file stands.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum StoreStatus {
    /// Not read yet (start-up, off the UI thread).
    #[default]
    Loading,
    /// Read; saving works.
    Ready {
        /// The profile file.
        path: PathBuf,
        /// A remark, e.g. restored from the backup or migrated.
        remark: Option<String>,
    },
    /// The file could not be read. It is kept as it is and nothing is saved
    /// until the user sets it aside.
    Unreadable {
        /// What is wrong and where the file is.
        message: String,
    },
    /// No config directory could be found: profiles live only in memory.
    Unavailable,
}

/// Which TLS file of the profile in the editor a file dialog is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlsFile {
    /// One more extra CA certificate (PEM).
    CaCertificate,
    /// The client certificate (PEM).
    ClientCertificate,
    /// The client certificate's private key (PEM).
    ClientKey,
    /// Certificate and key in one PKCS#12 file.
    Pkcs12,
}

/// Which of a profile's passphrases: each is a secret of the profile, kept
/// in the secret store, never in the profile file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Passphrase {
    /// Of the PKCS#12 client certificate (mutual TLS).
    TlsClient,
    /// Of the PKCS#12 decryption key file (encrypted tokens, OIDC Core §10.2).
    DecryptionKey,
}

impl Passphrase {
    /// Both, in the order the editor shows them.
    pub const ALL: [Self; 2] = [Self::TlsClient, Self::DecryptionKey];

    /// Its name in the secret store.
    pub const fn store_name(self) -> &'static str {
        match self {
            Self::TlsClient => crate::store::secrets::names::PKCS12_PASSPHRASE,
            Self::DecryptionKey => crate::store::secrets::names::DECRYPTION_KEY_PASSPHRASE,
        }
    }
}

/// A change to the profiles.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProfileCommand {
    /// A new profile from a preset and one of its environments.
    New {
        /// Preset id.
        preset: String,
        /// Environment index.
        environment: usize,
    },
    /// Open a profile in the editor.
    Select(ProfileId),
    /// Store an edited profile (and its secret when it was edited).
    Save {
        /// The profile.
        profile: Box<Profile>,
        /// The client secret, when the user changed it (empty deletes it).
        secret: Option<Secret>,
        /// The PKCS#12 passphrase, when the user changed it (empty deletes it).
        tls_passphrase: Option<Secret>,
        /// The decryption key's PKCS#12 passphrase, when the user changed
        /// it (empty deletes it).
        decryption_passphrase: Option<Secret>,
    },
    /// A copy under a new name and id (secrets are not copied).
    Duplicate(ProfileId),
    /// Delete; can be undone until the next delete.
    Delete(ProfileId),
    /// Bring back the last deleted profile.
    UndoDelete,
    /// Move an unreadable profile file aside and start with no profiles.
    SetAsideUnreadable,
    /// Leave the editor.
    Close,
    /// Fetch the provider's metadata for this (draft) profile.
    Discover(Box<Profile>),
    /// Import profiles from a file the user picks.
    Import,
    /// Export all profiles to a file the user picks.
    Export,
    /// Whether an export includes client secrets (in plain text).
    SetExportSecrets(bool),
    /// Pick a TLS file for the profile in the editor (off the UI thread).
    PickTlsFile(TlsFile),
}

/// The profiles and the editor selection.
#[derive(Debug, Default)]
pub struct ProfilesState {
    /// The profiles, in the user's order.
    pub list: Vec<Profile>,
    /// The profile in the editor.
    pub selected: Option<ProfileId>,
    /// The file's status.
    pub status: StoreStatus,
    /// Where secrets go, in words.
    pub secrets_description: crate::i18n::Text,
    /// Why the keychain is not used, in the system's words, when it failed.
    pub keychain_problem: Option<String>,
    /// The last deleted profile and where it stood, for undo.
    pub deleted: Option<(Profile, usize)>,
    /// A secret loaded for the selected profile: (profile, secret).
    pub loaded_secret: Option<(ProfileId, Option<Secret>)>,
    /// The PKCS#12 passphrase loaded for the selected profile.
    pub loaded_passphrase: Option<(ProfileId, Option<Secret>)>,
    /// The decryption key's PKCS#12 passphrase loaded for the selected profile.
    pub loaded_decryption_passphrase: Option<(ProfileId, Option<Secret>)>,
    /// The last save's error, if it failed.
    pub save_error: Option<String>,
    /// Whether exports include client secrets.
    pub export_with_secrets: bool,
    /// What the last import or export did.
    pub transfer_report: Option<String>,
}

impl ProfilesState {
    /// The selected profile.
    pub fn selected_profile(&self) -> Option<&Profile> {
        let id = self.selected.as_ref()?;
        self.list.iter().find(|p| &p.id == id)
    }

    fn can_save(&self) -> bool {
        matches!(self.status, StoreStatus::Ready { .. })
    }

    fn persist(&self) -> Vec<Effect> {
        if self.can_save() {
            vec![Effect::SaveProfiles(self.list.clone())]
        } else {
            Vec::new()
        }
    }

    /// Applies a command; returns the disk and keychain work it needs.
    pub fn apply(&mut self, command: ProfileCommand) -> Vec<Effect> {
        match command {
            ProfileCommand::New {
                preset,
                environment,
            } => {
                let Some(preset) = presets::find(&preset) else {
                    return Vec::new();
                };
                let mut profile = preset.instantiate(environment, &[]);
                profile.name = self.unique_name(&profile.name);
                self.selected = Some(profile.id.clone());
                self.nothing_stored_for(&profile.id);
                self.list.push(profile);
                self.persist()
            }
            ProfileCommand::Select(id) => {
                self.selected = Some(id.clone());
                self.loaded_secret = None;
                self.loaded_passphrase = None;
                self.loaded_decryption_passphrase = None;
                vec![Effect::LoadSecret(id)]
            }
            ProfileCommand::Save {
                profile,
                secret,
                tls_passphrase,
                decryption_passphrase,
            } => self.save(*profile, secret, tls_passphrase, decryption_passphrase),
            ProfileCommand::Duplicate(id) => {
                let Some(original) = self.list.iter().find(|p| p.id == id) else {
                    return Vec::new();
                };
                let mut copy = original.clone();
                copy.id = ProfileId::new_random();
                copy.forget_stored_values();
                copy.name = self.unique_name(&crate::tr!(
                    "profile-copy-name",
                    name = original.name.as_str()
                ));
                self.selected = Some(copy.id.clone());
                self.nothing_stored_for(&copy.id);
                self.list.push(copy);
                self.persist()
            }
            ProfileCommand::Delete(id) => {
                let Some(index) = self.list.iter().position(|p| p.id == id) else {
                    return Vec::new();
                };
                let removed = self.list.remove(index);
                if self.selected.as_ref() == Some(&id) {
                    self.selected = None;
                }
                // The secret stays until the undo window closes with the next delete.
                let mut effects = Vec::new();
                if let Some((previous, _)) = self.deleted.take() {
                    effects.push(Effect::DeleteSecret {
                        names: crate::store::secrets::names::all_for(&previous),
                        id: previous.id,
                    });
                }
                self.deleted = Some((removed, index));
                effects.extend(self.persist());
                effects
            }
            ProfileCommand::UndoDelete => {
                let Some((profile, index)) = self.deleted.take() else {
                    return Vec::new();
                };
                self.selected = Some(profile.id.clone());
                self.list.insert(index.min(self.list.len()), profile);
                let mut effects = self.persist();
                if let Some(id) = self.selected.clone() {
                    effects.push(Effect::LoadSecret(id));
                }
                effects
            }
            ProfileCommand::SetAsideUnreadable => vec![Effect::SetAsideProfiles],
            ProfileCommand::Discover(profile) => vec![Effect::Discover(profile)],
            ProfileCommand::Import if self.can_save() => {
                vec![Effect::ImportProfiles(self.list.clone())]
            }
            ProfileCommand::Import => Vec::new(),
            ProfileCommand::Export => vec![Effect::ExportProfiles {
                profiles: self.list.clone(),
                with_secrets: self.export_with_secrets,
            }],
            ProfileCommand::PickTlsFile(file) => vec![Effect::PickTlsFile(file)],
            ProfileCommand::SetExportSecrets(on) => {
                self.export_with_secrets = on;
                Vec::new()
            }
            ProfileCommand::Close => {
                self.selected = None;
                Vec::new()
            }
        }
    }

    /// Stores an edited profile, and its secrets when they were edited.
    fn save(
        &mut self,
        profile: Profile,
        secret: Option<Secret>,
        tls_passphrase: Option<Secret>,
        decryption_passphrase: Option<Secret>,
    ) -> Vec<Effect> {
        let mut effects = Vec::new();
        if let Some(secret) = secret {
            self.loaded_secret = Some((profile.id.clone(), Some(secret.clone())));
            effects.push(Effect::StoreSecret {
                id: profile.id.clone(),
                name: crate::store::secrets::names::CLIENT_SECRET,
                secret,
            });
        }
        let passphrases = [
            (Passphrase::TlsClient, tls_passphrase),
            (Passphrase::DecryptionKey, decryption_passphrase),
        ];
        for (which, passphrase) in passphrases {
            let Some(passphrase) = passphrase else {
                continue;
            };
            self.passphrase_loaded(which, profile.id.clone(), Some(passphrase.clone()));
            effects.push(Effect::StoreSecret {
                id: profile.id.clone(),
                name: which.store_name(),
                secret: passphrase,
            });
        }
        let slot = self.list.iter_mut().find(|p| p.id == profile.id);
        effects.extend(stored_value_changes(slot.as_deref(), &profile));
        match slot {
            Some(slot) => *slot = profile,
            None => self.list.push(profile),
        }
        effects.extend(self.persist());
        effects
    }

    /// A new profile, or a copy (secrets are not copied): the store holds
    /// nothing for it, and the editor need not wait for a read.
    fn nothing_stored_for(&mut self, id: &ProfileId) {
        self.loaded_secret = Some((id.clone(), None));
        for which in Passphrase::ALL {
            self.passphrase_loaded(which, id.clone(), None);
        }
    }

    /// `which` passphrase of profile `id` as the store holds it (or as it
    /// was just saved).
    pub fn passphrase_loaded(&mut self, which: Passphrase, id: ProfileId, value: Option<Secret>) {
        let slot = match which {
            Passphrase::TlsClient => &mut self.loaded_passphrase,
            Passphrase::DecryptionKey => &mut self.loaded_decryption_passphrase,
        };
        *slot = Some((id, value));
    }

    /// `which` passphrase loaded for profile `id`, once read: `None` while
    /// it is being read, `Some(None)` when the store holds none.
    pub fn loaded(&self, which: Passphrase, id: &ProfileId) -> Option<Option<&Secret>> {
        let slot = match which {
            Passphrase::TlsClient => &self.loaded_passphrase,
            Passphrase::DecryptionKey => &self.loaded_decryption_passphrase,
        };
        slot.as_ref()
            .filter(|(loaded, _)| loaded == id)
            .map(|(_, value)| value.as_ref())
    }

    fn unique_name(&self, wanted: &str) -> String {
        if !self.list.iter().any(|p| p.name == wanted) {
            return wanted.to_owned();
        }
        (2..=self.list.len() + 2)
            .map(|n| format!("{wanted} {n}"))
            .find(|name| !self.list.iter().any(|p| &p.name == name))
            .unwrap_or_else(|| wanted.to_owned())
    }
}

/// What the secret store must learn when `before` is saved as `after`: the
/// proxy password, secret header and parameter values that are new or
/// changed, and an empty value (a deletion) for each one `after` no longer
/// keeps. They go to the store before the profile file is written.
fn stored_value_changes(before: Option<&Profile>, after: &Profile) -> Vec<Effect> {
    let old = before.map(Profile::stored_values).unwrap_or_default();
    let new = after.stored_values();
    let store = |name: &str, value: &str| Effect::StoreNamedSecret {
        id: after.id.clone(),
        name: name.to_owned(),
        secret: Secret::new(value),
    };
    let mut effects: Vec<Effect> = new
        .iter()
        .filter(|pair| !old.contains(pair))
        .map(|(name, value)| store(name, value))
        .collect();
    effects.extend(
        old.iter()
            .filter(|(name, _)| !new.iter().any(|(kept, _)| kept == name))
            .map(|(name, _)| store(name, "")),
    );
    effects
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ready() -> ProfilesState {
        ProfilesState {
            status: StoreStatus::Ready {
                path: PathBuf::from("/tmp/p.json"),
                remark: None,
            },
            ..ProfilesState::default()
        }
    }

    #[test]
    fn new_duplicate_delete_undo() {
        let mut state = ready();
        let effects = state.apply(ProfileCommand::New {
            preset: "keycloak".to_owned(),
            environment: 0,
        });
        assert!(matches!(effects.as_slice(), [Effect::SaveProfiles(list)] if list.len() == 1));
        let id = state.list[0].id.clone();
        assert_eq!(
            state.loaded(Passphrase::DecryptionKey, &id),
            Some(None),
            "a new profile has no passphrase to wait for"
        );
        state.apply(ProfileCommand::Duplicate(id.clone()));
        assert_eq!(state.list[1].name, "Keycloak (test) copy");
        let copy = state.list[1].id.clone();
        for which in Passphrase::ALL {
            assert_eq!(
                state.loaded(which, &copy),
                Some(None),
                "secrets are not copied"
            );
        }
        state.apply(ProfileCommand::Delete(id.clone()));
        assert_eq!(state.list.len(), 1);
        state.apply(ProfileCommand::UndoDelete);
        assert_eq!(state.list[0].id, id, "undo puts it back where it was");
    }

    #[test]
    fn nothing_is_saved_over_an_unreadable_file() {
        let mut state = ProfilesState {
            status: StoreStatus::Unreadable {
                message: "bad".to_owned(),
            },
            ..ProfilesState::default()
        };
        let effects = state.apply(ProfileCommand::New {
            preset: "github".to_owned(),
            environment: 0,
        });
        assert!(effects.is_empty());
    }

    /// Saving sends each new or changed proxy password, secret header and
    /// parameter value to the secret store (and deletes the ones no longer
    /// kept) before the profile file, which never holds them.
    #[test]
    fn saving_keeps_marked_values_in_the_secret_store() {
        use crate::oauth::{Param, RequestKind};
        let mut state = ready();
        state.apply(ProfileCommand::New {
            preset: "keycloak".to_owned(),
            environment: 0,
        });
        let mut edited = state.list[0].clone();
        "http://иван:пароль@proxy:3128".clone_into(&mut edited.proxy);
        let mut key = Param::new("X-Api-Key", "ключ-🙂");
        key.secret = true;
        edited.headers = vec![key];
        edited
            .extra_params
            .push((RequestKind::Token, Param::new("audience", "api")));
        let save = |state: &mut ProfilesState, profile: &Profile| {
            state.apply(ProfileCommand::Save {
                profile: Box::new(profile.clone()),
                secret: None,
                tls_passphrase: None,
                decryption_passphrase: None,
            })
        };
        let stored = |effects: &[Effect]| -> Vec<(String, String)> {
            effects
                .iter()
                .filter_map(|e| match e {
                    Effect::StoreNamedSecret { name, secret, .. } => {
                        Some((name.clone(), secret.expose().to_owned()))
                    }
                    _ => None,
                })
                .collect()
        };
        let effects = save(&mut state, &edited);
        assert_eq!(
            stored(&effects),
            [
                ("proxy_password".to_owned(), "пароль".to_owned()),
                ("header:X-Api-Key".to_owned(), "ключ-🙂".to_owned()),
            ]
        );
        assert!(
            matches!(effects.last(), Some(Effect::SaveProfiles(_))),
            "the store first, then the file"
        );
        assert!(
            stored(&save(&mut state, &edited)).is_empty(),
            "nothing changed"
        );
        edited.headers.clear();
        "http://proxy:3128".clone_into(&mut edited.proxy);
        assert_eq!(
            stored(&save(&mut state, &edited)),
            [
                ("proxy_password".to_owned(), String::new()),
                ("header:X-Api-Key".to_owned(), String::new()),
            ],
            "gone from the profile, deleted from the store"
        );
    }

    #[test]
    fn a_copy_has_no_secret_values_and_a_deletion_forgets_them_all() {
        use crate::oauth::Param;
        let mut state = ready();
        state.apply(ProfileCommand::New {
            preset: "keycloak".to_owned(),
            environment: 0,
        });
        let mut key = Param::new("X-Api-Key", "k");
        key.secret = true;
        state.list[0].headers = vec![key];
        "http://u:p@proxy".clone_into(&mut state.list[0].proxy);
        let id = state.list[0].id.clone();
        state.apply(ProfileCommand::Duplicate(id.clone()));
        assert_eq!(state.list[1].headers[0].value, "");
        assert_eq!(state.list[1].proxy, "http://u@proxy");
        let copy = state.list[1].id.clone();
        state.apply(ProfileCommand::Delete(id));
        let effects = state.apply(ProfileCommand::Delete(copy));
        let Some(Effect::DeleteSecret { names, .. }) = effects.first() else {
            panic!("{effects:?}");
        };
        for name in [
            "client_secret",
            "pkcs12_passphrase",
            "decryption_key_passphrase",
            "proxy_password",
            "header:X-Api-Key",
        ] {
            assert!(names.iter().any(|n| n == name), "{name}: {names:?}");
        }
    }

    /// The decryption key's passphrase is a secret of the profile like the
    /// client certificate's: saved to the store under its own name (an
    /// empty one deletes it there), never in the profile list, loaded for
    /// the selected profile into its own slot, forgotten on another select.
    #[test]
    fn the_decryption_key_passphrase_is_stored_loaded_and_deleted_apart() {
        use crate::model::JobResult;
        let mut state = ready();
        state.apply(ProfileCommand::New {
            preset: "keycloak".to_owned(),
            environment: 0,
        });
        let mut profile = state.list[0].clone();
        "/keys/bank-key.p12".clone_into(&mut profile.decryption_key_file);
        let id = profile.id.clone();
        let save = |state: &mut ProfilesState, passphrase: Option<&str>| {
            state.apply(ProfileCommand::Save {
                profile: Box::new(profile.clone()),
                secret: None,
                tls_passphrase: None,
                decryption_passphrase: passphrase.map(Secret::new),
            })
        };
        let stored = |effects: &[Effect]| -> Vec<(&'static str, String)> {
            effects
                .iter()
                .filter_map(|e| match e {
                    Effect::StoreSecret { name, secret, .. } => {
                        Some((*name, secret.expose().to_owned()))
                    }
                    _ => None,
                })
                .collect()
        };
        let effects = save(&mut state, Some("пароль-🙂"));
        assert_eq!(
            stored(&effects),
            [("decryption_key_passphrase", "пароль-🙂".to_owned())]
        );
        let Some(Effect::SaveProfiles(list)) = effects.last() else {
            panic!("the store first, then the file: {effects:?}");
        };
        assert!(!format!("{list:?}").contains("пароль"));
        assert_eq!(
            state
                .loaded(Passphrase::DecryptionKey, &id)
                .flatten()
                .map(Secret::expose),
            Some("пароль-🙂")
        );
        assert_eq!(
            state.loaded(Passphrase::TlsClient, &id),
            Some(None),
            "the client certificate's passphrase is another secret"
        );
        assert!(stored(&save(&mut state, None)).is_empty(), "not edited");
        assert_eq!(
            stored(&save(&mut state, Some(""))),
            [("decryption_key_passphrase", String::new())],
            "an empty one deletes it"
        );

        // Selecting a profile forgets both and reads them again.
        assert_eq!(
            state.apply(ProfileCommand::Select(id.clone())),
            [Effect::LoadSecret(id.clone())]
        );
        assert_eq!(state.loaded(Passphrase::DecryptionKey, &id), None);
        let mut workspace = crate::model::Workspace::default();
        workspace.profiles = state;
        workspace.land_job(
            JobResult::PassphraseLoaded {
                id: id.clone(),
                which: Passphrase::DecryptionKey,
                passphrase: Ok(Some(Secret::new("s"))),
            },
            crate::token::Timestamp::from_unix(0),
        );
        let state = &workspace.profiles;
        assert!(
            state
                .loaded(Passphrase::DecryptionKey, &id)
                .is_some_and(|p| p.is_some())
        );
        assert_eq!(state.loaded(Passphrase::TlsClient, &id), None);
    }
}
