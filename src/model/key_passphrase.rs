//! The inspector's question for the passphrase of a PKCS#12 key file: a
//! container the empty passphrase does not open waits here (its bytes, as
//! read) until the user types the passphrase, which opens it with the one
//! key loader ([`KeySet::from_file_bytes`]) or is said to be wrong. The
//! passphrase itself is never kept: it opens the container and is dropped
//! (a [`Secret`], zeroed); the keys it opened live in memory for the session.

use crate::secret::Secret;
use crate::token::keys::KeySet;

/// A key file that waits for its passphrase.
#[derive(Clone, PartialEq, Eq)]
pub struct KeyPassphrasePrompt {
    /// The file's name, as the key list names its source.
    pub file: String,
    /// The container as read (encrypted: no secret in the clear).
    container: Vec<u8>,
    /// Whether the last passphrase tried was wrong.
    pub wrong: bool,
}

impl std::fmt::Debug for KeyPassphrasePrompt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyPassphrasePrompt")
            .field("file", &self.file)
            .field("bytes", &self.container.len())
            .field("wrong", &self.wrong)
            .finish()
    }
}

impl KeyPassphrasePrompt {
    /// Reads the key file `file` (any kind the key loader reads): its keys,
    /// or — for a PKCS#12 container that needs a passphrase — the prompt.
    pub fn read(file: String, bytes: Vec<u8>) -> Result<KeySet, Self> {
        let keys = KeySet::from_file_bytes(&bytes, &file, None);
        if keys.locked.is_empty() {
            Ok(keys)
        } else {
            Err(Self {
                file,
                container: bytes,
                wrong: false,
            })
        }
    }

    /// Tries `passphrase`: the container's keys, or `None` (and
    /// [`Self::wrong`] set) when it does not open it.
    pub fn unlock(&mut self, passphrase: &Secret) -> Option<KeySet> {
        let keys = KeySet::from_file_bytes(&self.container, &self.file, Some(passphrase.expose()));
        self.wrong = !keys.locked.is_empty();
        (!self.wrong).then_some(keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!(
            "{}/tests/fixtures/jwe/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("fixture")
    }

    #[test]
    fn a_pkcs12_file_asks_says_wrong_and_opens_with_the_right_passphrase() {
        let Err(mut prompt) =
            KeyPassphrasePrompt::read("recipient-rsa.p12".to_owned(), fixture("recipient-rsa.p12"))
        else {
            panic!("a passphrase is needed");
        };
        assert_eq!(prompt.file, "recipient-rsa.p12");
        assert!(!prompt.wrong, "nothing tried yet");
        assert!(prompt.unlock(&Secret::new("")).is_none());
        assert!(prompt.wrong);
        assert!(prompt.unlock(&Secret::new("not-it")).is_none());
        assert!(prompt.wrong);
        let keys = prompt
            .unlock(&Secret::new("tokenscope-test"))
            .expect("opened");
        assert!(!prompt.wrong);
        assert!(keys.can_decrypt() && keys.locked.is_empty());
        assert_eq!(
            keys.decryption_rows()[0].source,
            "PKCS#12 recipient-rsa.p12"
        );
        assert!(
            !format!("{prompt:?}").contains("tokenscope-test"),
            "the passphrase is not kept"
        );
    }

    #[test]
    fn other_key_files_need_no_passphrase() {
        let keys = KeyPassphrasePrompt::read(
            "recipient-rsa.pkcs8.pem".to_owned(),
            fixture("recipient-rsa.pkcs8.pem"),
        )
        .expect("no prompt");
        assert!(keys.can_decrypt());
        // Not a key at all: the key list says why; nothing to ask.
        let junk = KeyPassphrasePrompt::read("junk.bin".to_owned(), vec![0xff, 0x00, 0x30])
            .expect("no prompt");
        assert!(!junk.problems.is_empty());
    }
}
