//! What the user chose for the window itself (today: the language), kept in
//! `preferences.json` beside the profiles.
//!
//! Small and forgiving: a missing or unreadable file means "no choice made",
//! never an error at start-up.

use std::fs;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::atomic::{self, Access};
use crate::i18n::Language;

/// The file name inside the config directory.
pub const FILE_NAME: &str = "preferences.json";

/// The user's choices; `None` means "follow the system".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preferences {
    /// The language picked in the top bar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
}

/// Reads the preferences in `dir`; anything wrong reads as no preferences.
pub fn load(dir: &Path) -> Preferences {
    fs::read_to_string(dir.join(FILE_NAME))
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

/// Writes the preferences to `dir` atomically ([`super::atomic`]).
pub fn save(dir: &Path, preferences: &Preferences) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(preferences).map_err(std::io::Error::other)?;
    atomic::create_private_dir(dir)
        .and_then(|()| {
            atomic::write_atomically(&dir.join(FILE_NAME), text.as_bytes(), Access::Shared)
        })
        .map_err(|error| error.source)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_choice_survives_and_a_broken_file_reads_as_none() {
        let dir = std::env::temp_dir().join(format!("tokenscope-prefs-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        assert_eq!(load(&dir), Preferences::default());
        let chosen = Preferences {
            language: Some(Language::Ru),
        };
        assert!(save(&dir, &chosen).is_ok());
        assert_eq!(load(&dir), chosen);
        assert!(fs::write(dir.join(FILE_NAME), "{ not json").is_ok());
        assert_eq!(load(&dir), Preferences::default());
        let _ = fs::remove_dir_all(&dir);
    }
}
