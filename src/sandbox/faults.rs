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
    /// Answer a refresh with an access token only: no `id_token` (OIDC Core
    /// §12.2 allows it) and no new `refresh_token` (the old one stays valid,
    /// RFC 6749 §6).
    pub bare_refresh: bool,
    /// Refuse a logout without a valid `id_token_hint` (400, no redirect
    /// back), as some providers do.
    pub logout_needs_hint: bool,
    /// Run the provider's clock this many seconds ahead (negative: behind)
    /// of the machine's: tokens are stamped with it and every answer's
    /// `Date` header says it, as a provider with a drifting clock does.
    pub clock_skew_s: Option<i64>,
    /// Skip the login page: the first person it lists signs in at once, as
    /// a provider with a live session does (demos, autoplay, scripted runs
    /// whose browser only follows redirects).
    pub auto_sign_in: bool,
    /// DPoP personalities: answer every proof at the token endpoint
    /// `invalid_dpop_proof` "jti replayed", as a server whose replay cache
    /// wrongly claims to have seen its `jti` (RFC 9449 §11.1).
    pub dpop_replay: bool,
    /// DPoP personalities: demand a nonce (`use_dpop_nonce`, RFC 9449 §8)
    /// but forget the `DPoP-Nonce` header that carries it.
    pub dpop_nonce_missing: bool,
    /// DPoP personalities: bind the tokens to another key's thumbprint
    /// (`cnf.jkt`, RFC 9449 §6.1) than the proof's.
    pub wrong_cnf_jkt: bool,
    /// JARM personalities: sign the authorization response with a key that
    /// is not in the JWKS (JARM §2.4 makes the client refuse it).
    pub jarm_wrong_key: bool,
    /// PAR personalities: a `request_uri` expires at once, so the
    /// authorization endpoint answers `invalid_request_uri` (RFC 9126 §2.2, §4).
    pub par_expired: bool,
}

/// The longest token lifetime the expire fault takes: a year. Longer is no
/// fault worth practising, and keeps `now + lifetime` far from overflow.
pub const MAX_EXPIRE_IN: i64 = 365 * 24 * 60 * 60;
/// The longest delay the slow fault takes: ten minutes, beyond any timeout
/// a profile can set (1 hour is the form's limit for the whole request, but
/// a sandbox that hangs longer than this only looks broken).
pub const MAX_DELAY_MS: u64 = 10 * 60 * 1000;
/// The largest clock skew the skew fault takes, either way: a day.
pub const MAX_CLOCK_SKEW: i64 = 24 * 60 * 60;

/// A `--fault` value that is not understood.
#[derive(Debug, thiserror::Error)]
#[error(
    "unknown fault {0:?}: use expire=SECONDS, wrong-key, wrong-nonce, wrong-at-hash, rotate-keys, unavailable, slow=MILLISECONDS, html-errors, bare-refresh, logout-needs-hint, skew=SECONDS, auto-sign-in, dpop-replay, dpop-nonce-missing, wrong-cnf-jkt, jarm-wrong-key or par-expired"
)]
pub struct UnknownFault(pub String);

/// A fault setting out of its range: what, the value, and the range.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum FaultOutOfRange {
    /// `expire_in` must be 1 s to [`MAX_EXPIRE_IN`].
    #[error("expire_in is {0} s: a token lifetime must be 1 to {MAX_EXPIRE_IN} seconds")]
    ExpireIn(i64),
    /// `delay_ms` must be at most [`MAX_DELAY_MS`].
    #[error("delay_ms is {0} ms: the delay must be 0 to {MAX_DELAY_MS} milliseconds")]
    DelayMs(u64),
    /// `clock_skew_s` must be within ±[`MAX_CLOCK_SKEW`].
    #[error(
        "clock_skew_s is {0} s: the skew must be -{MAX_CLOCK_SKEW} to {MAX_CLOCK_SKEW} seconds"
    )]
    ClockSkew(i64),
}

/// Why a `--fault` value was refused.
#[derive(Debug, thiserror::Error)]
pub enum FaultError {
    /// Not a fault this sandbox has.
    #[error(transparent)]
    Unknown(#[from] UnknownFault),
    /// A known fault with a number out of range.
    #[error(transparent)]
    OutOfRange(#[from] FaultOutOfRange),
}

impl Faults {
    /// Checks the numbers against their ranges; the sandbox takes no other
    /// (from `--fault`, `POST /sandbox/faults` or the panel).
    pub fn check(&self) -> Result<(), FaultOutOfRange> {
        if let Some(seconds) = self.expire_in
            && !(1..=MAX_EXPIRE_IN).contains(&seconds)
        {
            return Err(FaultOutOfRange::ExpireIn(seconds));
        }
        if let Some(ms) = self.delay_ms
            && ms > MAX_DELAY_MS
        {
            return Err(FaultOutOfRange::DelayMs(ms));
        }
        if let Some(seconds) = self.clock_skew_s
            && !(-MAX_CLOCK_SKEW..=MAX_CLOCK_SKEW).contains(&seconds)
        {
            return Err(FaultOutOfRange::ClockSkew(seconds));
        }
        Ok(())
    }

    /// Turns on the fault a `--fault` value names (`expire=5`, `wrong-key`,
    /// `slow=800`, …); a number out of range is refused.
    pub fn apply(&mut self, spec: &str) -> Result<(), FaultError> {
        let unknown = || UnknownFault(spec.to_owned());
        let (name, value) = spec
            .split_once('=')
            .map_or((spec, None), |(n, v)| (n, Some(v)));
        match (name.trim(), value) {
            ("expire", Some(v)) => {
                self.expire_in = Some(v.trim().parse().map_err(|_| unknown())?);
            }
            ("slow", Some(v)) => self.delay_ms = Some(v.trim().parse().map_err(|_| unknown())?),
            ("skew", Some(v)) => {
                self.clock_skew_s = Some(v.trim().parse().map_err(|_| unknown())?);
            }
            ("wrong-key", None) => self.wrong_key = true,
            ("wrong-nonce", None) => self.wrong_nonce = true,
            ("wrong-at-hash", None) => self.wrong_at_hash = true,
            ("rotate-keys", None) => self.rotate_keys = true,
            ("unavailable" | "503", None) => self.unavailable = true,
            ("html-errors", None) => self.html_errors = true,
            ("bare-refresh", None) => self.bare_refresh = true,
            ("logout-needs-hint", None) => self.logout_needs_hint = true,
            ("auto-sign-in", None) => self.auto_sign_in = true,
            ("dpop-replay", None) => self.dpop_replay = true,
            ("dpop-nonce-missing", None) => self.dpop_nonce_missing = true,
            ("wrong-cnf-jkt", None) => self.wrong_cnf_jkt = true,
            ("jarm-wrong-key", None) => self.jarm_wrong_key = true,
            ("par-expired", None) => self.par_expired = true,
            _ => return Err(unknown().into()),
        }
        Ok(self.check()?)
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
            (self.bare_refresh, "bare-refresh"),
            (self.logout_needs_hint, "logout-needs-hint"),
            (self.auto_sign_in, "auto-sign-in"),
            (self.dpop_replay, "dpop-replay"),
            (self.dpop_nonce_missing, "dpop-nonce-missing"),
            (self.wrong_cnf_jkt, "wrong-cnf-jkt"),
            (self.jarm_wrong_key, "jarm-wrong-key"),
            (self.par_expired, "par-expired"),
        ] {
            if flag {
                on.push(name.to_owned());
            }
        }
        if let Some(ms) = self.delay_ms {
            on.push(format!("slow={ms}"));
        }
        if let Some(seconds) = self.clock_skew_s {
            on.push(format!("skew={seconds}"));
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
            "bare-refresh",
            "logout-needs-hint",
            "skew=-300",
            "auto-sign-in",
            "dpop-replay",
            "dpop-nonce-missing",
            "wrong-cnf-jkt",
            "jarm-wrong-key",
            "par-expired",
        ] {
            faults.apply(spec).unwrap();
        }
        assert_eq!(faults.active().len(), 17);
        assert!(faults.active().contains(&"skew=-300".to_owned()));
        assert!(faults.apply("skew=86401").is_err(), "more than a day");
        assert!(faults.apply("expire=soon").is_err());
        assert!(faults.apply("explode").is_err());
    }

    #[test]
    fn numbers_out_of_range_are_refused_with_the_range() {
        for spec in [
            "expire=-5",
            "expire=0",
            "expire=9223372036854775807",
            "slow=18446744073709551615",
        ] {
            let error = Faults::default().apply(spec).expect_err(spec).to_string();
            assert!(error.contains(" to "), "{spec}: {error}");
        }
        assert!(Faults::default().apply("slow=-1").is_err(), "not a number");
        assert!(
            Faults::default().apply("expire=1e23").is_err(),
            "not a number"
        );
        assert!(Faults::default().apply("expire=31536000").is_ok());
        assert_eq!(
            Faults {
                expire_in: Some(-1),
                ..Faults::default()
            }
            .check(),
            Err(FaultOutOfRange::ExpireIn(-1))
        );
    }
}
