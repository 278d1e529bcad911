//! The profile editor's state: a draft of one profile, the secrets as
//! typed, and where its discovery stands. Drawn by `ui::profile_form`;
//! owned by the app while a profile is open.

use crate::oauth::Profile;
use crate::oauth::discovery::{DiscoveryOutcome, ProviderMetadata};

use super::TlsFile;

/// Where discovery stands for the profile in the editor.
#[derive(Debug, Default)]
pub enum DiscoveryView {
    /// Not asked for.
    #[default]
    Idle,
    /// Fetching.
    Running,
    /// Applied to the draft: the document and what changed.
    Done(Box<(ProviderMetadata, DiscoveryOutcome)>),
    /// Failed, with the reason.
    Failed(String),
}

/// A secret typed in the editor that is stored apart from the profile.
#[derive(Debug, Default)]
pub struct PassphraseField {
    /// As typed.
    pub text: String,
    /// Whether the user changed it since it was loaded.
    pub edited: bool,
    /// Whether the stored value has been read yet.
    pub loaded: bool,
}

/// The editor's state: a draft of the profile and the secret as typed.
#[derive(Debug)]
pub struct ProfileEditor {
    /// The profile being edited.
    pub draft: Profile,
    /// The client secret as typed (shown masked unless `show_secret`).
    pub secret: String,
    /// Whether the user changed the secret since it was loaded.
    pub secret_edited: bool,
    /// Whether the stored secret has been read yet.
    pub secret_loaded: bool,
    /// Show the secret in clear.
    pub show_secret: bool,
    /// The PKCS#12 passphrase (always masked).
    pub passphrase: PassphraseField,
    /// The decryption key file's PKCS#12 passphrase (always masked).
    pub decryption_passphrase: PassphraseField,
    /// Discovery for this draft.
    pub discovery: DiscoveryView,
}

impl ProfileEditor {
    /// An editor on a copy of `profile`.
    pub fn new(profile: &Profile) -> Self {
        Self {
            draft: profile.clone(),
            secret: String::new(),
            secret_edited: false,
            secret_loaded: false,
            show_secret: false,
            passphrase: PassphraseField::default(),
            decryption_passphrase: PassphraseField::default(),
            discovery: DiscoveryView::Idle,
        }
    }

    /// The field of `which` passphrase.
    pub fn passphrase_field(&mut self, which: super::Passphrase) -> &mut PassphraseField {
        match which {
            super::Passphrase::TlsClient => &mut self.passphrase,
            super::Passphrase::DecryptionKey => &mut self.decryption_passphrase,
        }
    }

    /// A file dialog came back with `path` for `file`.
    pub fn file_picked(&mut self, file: TlsFile, path: String) {
        let tls = &mut self.draft.tls;
        match file {
            TlsFile::CaCertificate => {
                if !tls.extra_ca_files.contains(&path) {
                    tls.extra_ca_files.push(path);
                }
            }
            TlsFile::ClientCertificate => tls.client_cert_file = path,
            TlsFile::ClientKey => tls.client_key_file = path,
            TlsFile::Pkcs12 => tls.pkcs12_file = path,
        }
    }
}
