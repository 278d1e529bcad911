//! Storage on disk: profiles (versioned, atomic writes), secrets (OS
//! keychain, with a reported file fallback) and the window's preferences.
//!
//! Never imports egui.

// Request handling and file reading take any bytes: no slice that can cut
// a character, no index that can miss (tests may index what they built).
#![cfg_attr(not(test), deny(clippy::string_slice, clippy::indexing_slicing))]

pub mod atomic;
pub mod preferences;
pub mod profiles;
pub mod secrets;
pub mod transfer;

pub use profiles::{Loaded, ProfileStore, StoreError};
pub use secrets::{SecretPreference, SecretStore};

/// The user's tokenscope config directory (e.g. `~/.config/tokenscope`).
pub fn default_config_dir() -> Option<std::path::PathBuf> {
    directories::ProjectDirs::from("", "", "tokenscope").map(|dirs| dirs.config_dir().to_path_buf())
}
