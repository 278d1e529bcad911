//! Secrets: a newtype whose `Debug` and `Display` print a mask, so a client
//! secret cannot reach a log line or a debug dump by accident.

use std::fmt;

/// A secret value: client secret, private-key passphrase, refresh token.
///
/// The value is reachable only through [`Secret::expose`], a name that stands
/// out in review. It is never serialised.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself. Call only where it must go on the wire or into a store.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("••••••")
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        // Overwrite the bytes so a dropped secret does not linger in freed memory.
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_mask_the_value() {
        let secret = Secret::new("s3cr3t");
        assert_eq!(format!("{secret:?}"), "[redacted]");
        assert_eq!(format!("{secret}"), "••••••");
        assert_eq!(secret.expose(), "s3cr3t");
    }
}
