//! The fresh values of one authorization run: `state` (RFC 6749 §10.12),
//! `nonce` (OIDC Core §3.1.2.1), the PKCE pair (RFC 7636) and CIBA's
//! `client_notification_token` (OpenID CIBA Core 1.0 §7.1).
//!
//! Every run draws new values from the operating system's random number
//! generator. They are never reused: a state or verifier that outlives its
//! run is exactly what the checks in [`crate::oauth::callback`] guard against.

use std::iter;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest as _, Sha256};
use uuid::Uuid;

use crate::oauth::PkceMode;
use crate::secret::Secret;

/// The shortest `state` this module hands out. Some providers demand 36
/// characters (Sber ID); 36 characters of this alphabet carry ~214 bits.
pub const MIN_STATE_LEN: usize = 36;

/// The `nonce` length used unless a profile asks for more: 32 characters,
/// ~190 bits (OIDC Core §3.1.2.1: enough entropy that it cannot be guessed).
pub const DEFAULT_NONCE_LEN: usize = 32;

/// Random octets behind a `code_verifier`: 32 octets give 256 bits and a
/// 43-character verifier, as RFC 7636 §7.1 recommends.
const VERIFIER_OCTETS: usize = 32;

/// `state` and `nonce` characters: letters and digits only, which every
/// provider accepts unencoded in a URL and in a form body.
const TOKEN_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// The per-run values of one authorization request.
///
/// `Debug` shows `state`, `nonce` and the challenge (they travel in the
/// front channel anyway) but not the verifier, which must reach nothing but
/// the token request (RFC 7636 §4.5).
#[derive(Clone, Debug)]
pub struct RunSecrets {
    /// The `state` sent with the request and expected back unchanged
    /// (RFC 6749 §4.1.1, §10.12): at least [`MIN_STATE_LEN`] characters,
    /// letters of both cases and digits.
    pub state: String,
    /// The `nonce` expected in the ID token (OIDC Core §3.1.2.1, §3.1.3.7 #11).
    pub nonce: String,
    /// The PKCE `code_verifier` (RFC 7636 §4.1): 43 characters of the
    /// unreserved set, sent only with the token request.
    pub code_verifier: Secret,
    /// The `code_challenge` (RFC 7636 §4.2): `BASE64URL(SHA256(verifier))`
    /// for S256, the verifier itself for plain, empty when PKCE is off.
    pub code_challenge: String,
    /// How the challenge was derived from the verifier.
    pub method: PkceMode,
    /// CIBA ping mode's `client_notification_token` (CIBA Core §7.1): the
    /// bearer the provider's ping must carry (§10.2). 32 random octets in
    /// base64url, a valid RFC 6750 §2.1 b64token well under §7.1's 1024
    /// characters; sent only in the backchannel authentication request.
    pub client_notification_token: Secret,
}

impl RunSecrets {
    /// Draws fresh values for one run.
    ///
    /// `state` gets `max(36, min_state_len)` characters and `nonce`
    /// `max(32, min_nonce_len)`, both with upper- and lower-case letters.
    /// The verifier is 32 random octets in base64url (RFC 7636 §4.1, §7.1).
    pub fn generate(method: PkceMode, min_state_len: usize, min_nonce_len: usize) -> Self {
        let code_verifier =
            URL_SAFE_NO_PAD.encode(random_octets().take(VERIFIER_OCTETS).collect::<Vec<u8>>());
        let code_challenge = match method {
            PkceMode::S256 => s256_challenge(&code_verifier),
            PkceMode::Plain => code_verifier.clone(),
            PkceMode::Off => String::new(),
        };
        Self {
            state: random_token(min_state_len.max(MIN_STATE_LEN)),
            nonce: random_token(min_nonce_len.max(DEFAULT_NONCE_LEN)),
            code_verifier: Secret::new(code_verifier),
            code_challenge,
            method,
            client_notification_token: Secret::new(
                URL_SAFE_NO_PAD.encode(random_octets().take(VERIFIER_OCTETS).collect::<Vec<u8>>()),
            ),
        }
    }

    /// The PKCE parameters of the authorization request, `code_challenge`
    /// and an explicit `code_challenge_method` (RFC 7636 §4.3: an absent
    /// method means plain); empty when PKCE is off.
    pub fn pkce_params(&self) -> Vec<(&'static str, &str)> {
        match self.method {
            PkceMode::Off => Vec::new(),
            PkceMode::S256 | PkceMode::Plain => vec![
                ("code_challenge", self.code_challenge.as_str()),
                ("code_challenge_method", self.method.as_str()),
            ],
        }
    }
}

/// The S256 code challenge of a verifier: `BASE64URL(SHA256(ASCII(verifier)))`
/// without padding (RFC 7636 §4.2).
pub fn s256_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// A random string of `len` characters from [`TOKEN_ALPHABET`] holding at
/// least one upper- and one lower-case letter.
///
/// Drawing again until both cases appear keeps every accepted string equally
/// likely; at 32 characters and more a redraw happens in fewer than one call in 10⁷.
fn random_token(len: usize) -> String {
    debug_assert!(len >= 2, "both cases need two characters");
    loop {
        let token: String = random_octets()
            // 248 = 4 × 62: dropping larger octets keeps the draw uniform.
            .filter(|&octet| usize::from(octet) < TOKEN_ALPHABET.len() * 4)
            .map(|octet| char::from(TOKEN_ALPHABET[usize::from(octet) % TOKEN_ALPHABET.len()]))
            .take(len)
            .collect();
        let mixed_case = token.chars().any(|c| c.is_ascii_uppercase())
            && token.chars().any(|c| c.is_ascii_lowercase());
        if mixed_case {
            return token;
        }
    }
}

/// An endless stream of octets from the operating system's random number
/// generator, drawn through `uuid` v4 (which reads the OS generator).
///
/// A v4 UUID has 122 random bits: octet 6 carries the version and octet 8
/// the variant, so only the other 14 octets of each UUID are used.
fn random_octets() -> impl Iterator<Item = u8> {
    iter::repeat_with(|| Uuid::new_v4().into_bytes()).flat_map(|bytes| {
        bytes
            .into_iter()
            .enumerate()
            .filter(|&(index, _)| index != 6 && index != 8)
            .map(|(_, octet)| octet)
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    /// RFC 7636 §4.1: `unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~"`.
    fn is_unreserved(c: char) -> bool {
        c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')
    }

    #[test]
    fn rfc7636_appendix_b_vector() {
        let octets: [u8; 32] = [
            116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212,
            37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
        ];
        let verifier = URL_SAFE_NO_PAD.encode(octets);
        assert_eq!(verifier, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assert_eq!(
            s256_challenge(&verifier),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn generated_values_have_the_required_shape() {
        for _ in 0..10_000 {
            let run = RunSecrets::generate(PkceMode::S256, 0, 0);
            let verifier = run.code_verifier.expose();
            assert_eq!(verifier.len(), 43, "32 octets in base64url");
            assert!(verifier.chars().all(is_unreserved), "{verifier}");
            assert_eq!(run.code_challenge, s256_challenge(verifier));

            assert_eq!(run.state.len(), MIN_STATE_LEN);
            assert!(run.state.chars().all(|c| c.is_ascii_alphanumeric()));
            assert!(run.state.chars().any(|c| c.is_ascii_uppercase()));
            assert!(run.state.chars().any(|c| c.is_ascii_lowercase()));

            assert_eq!(run.nonce.len(), DEFAULT_NONCE_LEN);
            assert!(run.nonce.chars().all(|c| c.is_ascii_alphanumeric()));
        }
    }

    #[test]
    fn profile_minimums_are_honoured() {
        let run = RunSecrets::generate(PkceMode::S256, 64, 100);
        assert_eq!(run.state.len(), 64);
        assert_eq!(run.nonce.len(), 100);
        // A smaller minimum never shortens the defaults (Sber: state ≥ 36, nonce ≥ 10).
        let run = RunSecrets::generate(PkceMode::S256, 36, 10);
        assert!(run.state.len() >= 36 && run.nonce.len() >= 10);
    }

    #[test]
    fn challenge_follows_the_method() {
        let plain = RunSecrets::generate(PkceMode::Plain, 0, 0);
        assert_eq!(plain.code_challenge, plain.code_verifier.expose());
        assert_eq!(
            plain.pkce_params(),
            [
                ("code_challenge", plain.code_verifier.expose()),
                ("code_challenge_method", "plain"),
            ]
        );

        let s256 = RunSecrets::generate(PkceMode::S256, 0, 0);
        assert_eq!(s256.pkce_params()[1], ("code_challenge_method", "S256"));

        let off = RunSecrets::generate(PkceMode::Off, 0, 0);
        assert!(off.code_challenge.is_empty());
        assert!(off.pkce_params().is_empty());
        assert_eq!(off.code_verifier.expose().len(), 43);
    }

    #[test]
    fn every_run_is_different() {
        let runs: Vec<RunSecrets> = (0..1_000)
            .map(|_| RunSecrets::generate(PkceMode::S256, 0, 0))
            .collect();
        let distinct =
            |f: fn(&RunSecrets) -> &str| runs.iter().map(f).collect::<HashSet<_>>().len();
        assert_eq!(distinct(|r| &r.state), runs.len());
        assert_eq!(distinct(|r| &r.nonce), runs.len());
        assert_eq!(distinct(|r| r.code_verifier.expose()), runs.len());
    }

    #[test]
    fn characters_are_spread_over_the_alphabet() {
        // 100 000 draws: every alphabet character appears, none dominates.
        let mut counts = [0_u32; 62];
        for c in (0..1_000).flat_map(|_| random_token(100).into_bytes()) {
            let index = TOKEN_ALPHABET.iter().position(|&a| a == c).unwrap();
            counts[index] += 1;
        }
        let (min, max) = (counts.iter().min().unwrap(), counts.iter().max().unwrap());
        // Expected ≈ 1613 per character; ±25 % is > 10 standard deviations.
        assert!(*min > 1_200 && *max < 2_000, "{counts:?}");
    }

    #[test]
    fn debug_hides_the_verifier() {
        let run = RunSecrets::generate(PkceMode::S256, 0, 0);
        let debug = format!("{run:?}");
        assert!(!debug.contains(run.code_verifier.expose()));
        assert!(debug.contains("[redacted]"));
        assert!(debug.contains(&run.state));
    }
}
