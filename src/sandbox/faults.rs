//! Faults on demand: switches that make the sandbox misbehave the way real
//! providers do, for training and for testing the app's diagnoses. They can
//! be changed while the sandbox runs (panel, `POST /sandbox/faults`).

use serde::{Deserialize, Serialize};

/// The fault switches. All off by default.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent switches, each a checkbox in the panel"
)]
pub struct Faults {
    /// Tokens expire this many seconds after issue (instead of the personality's lifetime).
    pub expire_in: Option<i64>,
    /// Sign with a key that is not published, under the published `kid`.
    pub wrong_key: bool,
    /// Put a nonce in the ID token other than the one sent.
    pub wrong_nonce: bool,
    /// Put an `at_hash` in the ID token that does not match the access token.
    pub wrong_at_hash: bool,
    /// Rotate the signing keys after every token response (old keys dropped at once).
    pub rotate_keys: bool,
    /// Answer every request with 503 Service Unavailable.
    pub unavailable: bool,
    /// Wait this many milliseconds before answering.
    pub delay_ms: Option<u64>,
    /// Answer errors with an HTML page instead of JSON (a proxy or an error page in front).
    pub html_errors: bool,
}

/// A `--fault` value that is not understood.
#[derive(Debug, thiserror::Error)]
#[error(
    "unknown fault {0:?}: use expire=SECONDS, wrong-key, wrong-nonce, wrong-at-hash, rotate-keys, unavailable, slow=MILLISECONDS or html-errors"
)]
pub struct UnknownFault(pub String);

impl Faults {
    /// Turns on the fault a `--fault` value names (`expire=5`, `wrong-key`, `slow=800`, …).
    pub fn apply(&mut self, spec: &str) -> Result<(), UnknownFault> {
        let unknown = || UnknownFault(spec.to_owned());
        let (name, value) = spec
            .split_once('=')
            .map_or((spec, None), |(n, v)| (n, Some(v)));
        match (name.trim(), value) {
            ("expire", Some(v)) => self.expire_in = Some(v.trim().parse().map_err(|_| unknown())?),
            ("slow", Some(v)) => self.delay_ms = Some(v.trim().parse().map_err(|_| unknown())?),
            ("wrong-key", None) => self.wrong_key = true,
            ("wrong-nonce", None) => self.wrong_nonce = true,
            ("wrong-at-hash", None) => self.wrong_at_hash = true,
            ("rotate-keys", None) => self.rotate_keys = true,
            ("unavailable" | "503", None) => self.unavailable = true,
            ("html-errors", None) => self.html_errors = true,
            _ => return Err(unknown()),
        }
        Ok(())
    }

    /// The switches that are on, as `--fault` values (for the JSON line and the panel).
    pub fn active(&self) -> Vec<String> {
        let mut on = Vec::new();
        if let Some(seconds) = self.expire_in {
            on.push(format!("expire={seconds}"));
        }
        for (flag, name) in [
            (self.wrong_key, "wrong-key"),
            (self.wrong_nonce, "wrong-nonce"),
            (self.wrong_at_hash, "wrong-at-hash"),
            (self.rotate_keys, "rotate-keys"),
            (self.unavailable, "unavailable"),
            (self.html_errors, "html-errors"),
        ] {
            if flag {
                on.push(name.to_owned());
            }
        }
        if let Some(ms) = self.delay_ms {
            on.push(format!("slow={ms}"));
        }
        on
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_names_round_trip() {
        let mut faults = Faults::default();
        for spec in [
            "expire=5",
            "wrong-key",
            "wrong-nonce",
            "wrong-at-hash",
            "rotate-keys",
            "unavailable",
            "html-errors",
            "slow=250",
        ] {
            faults.apply(spec).unwrap();
        }
        assert_eq!(faults.active().len(), 8);
        assert!(faults.apply("expire=soon").is_err());
        assert!(faults.apply("explode").is_err());
    }
}
