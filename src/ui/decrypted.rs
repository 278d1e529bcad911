//! The selected JWE, decrypted with the decryption keys loaded in the Keys
//! tab (`token::jwe`), and its signature inside verified — computed once
//! per change (token, keys, the `RSA1_5` opt-in), not per frame.

use crate::token::FoundToken;
use crate::token::jwe::{DecryptOptions, Decryption, JweError};
use crate::token::keys::{KeyRow, KeySet};
use crate::token::verify::{SignatureOutcome, verify_decoded_with};

/// What decrypting the selected token gave.
#[derive(Clone, Debug)]
pub struct Opening {
    /// The token decrypted (its claims, times and rows the plaintext's), when it could be.
    pub opened: Option<Box<FoundToken>>,
    /// Why it could not be, when it could not.
    pub error: Option<JweError>,
    /// The signature of the token inside, or why there is none to check.
    pub signature: SignatureOutcome,
}

impl Opening {
    /// How it was decrypted, when it was.
    pub fn decryption(&self) -> Option<&Decryption> {
        match &self.opened.as_deref()?.decoded {
            Some(crate::token::jose::Decoded::Jwe(jwe)) => {
                jwe.opened.as_deref().map(|opened| &opened.decryption)
            }
            _ => None,
        }
    }

    /// The token to show: decrypted when it could be, else `original`.
    pub fn token<'a>(opening: Option<&'a Self>, original: &'a FoundToken) -> &'a FoundToken {
        opening
            .and_then(|opening| opening.opened.as_deref())
            .unwrap_or(original)
    }
}

/// What an opening was computed from.
#[derive(Clone, PartialEq)]
struct Inputs {
    token: String,
    index: usize,
    verification_keys: Vec<KeyRow>,
    decryption_keys: Vec<KeyRow>,
    allow_rsa1_5: bool,
}

/// The last opening and what it was computed from.
#[derive(Default)]
pub(crate) struct DecryptCache(Option<(Inputs, Option<Opening>)>);

impl std::fmt::Debug for DecryptCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DecryptCache")
    }
}

impl DecryptCache {
    /// The token at `index` decrypted with `keys`; `None` when it is not a
    /// JWE or no decryption key is loaded.
    pub fn open(
        &mut self,
        token: &FoundToken,
        index: usize,
        keys: &KeySet,
        allow_rsa1_5: bool,
    ) -> Option<&Opening> {
        let inputs = Inputs {
            token: token.value.clone(),
            index,
            verification_keys: keys.rows(),
            decryption_keys: keys.decryption_rows(),
            allow_rsa1_5,
        };
        if self.0.as_ref().is_none_or(|(at, _)| *at != inputs) {
            let options = DecryptOptions { allow_rsa1_5 };
            let opening = token.decrypted(keys, options).map(|result| match result {
                Ok(opened) => {
                    let signature = opened.decoded.as_ref().map_or(
                        SignatureOutcome::Encrypted {
                            alg: None,
                            enc: None,
                        },
                        |decoded| verify_decoded_with(decoded, keys, options),
                    );
                    Opening {
                        opened: Some(Box::new(opened)),
                        error: None,
                        signature,
                    }
                }
                Err(error) => Opening {
                    opened: None,
                    signature: SignatureOutcome::DecryptionFailed {
                        alg: token.header_str("alg").map(str::to_owned),
                        enc: token.header_str("enc").map(str::to_owned),
                        code: error.code(),
                        reason: error.to_string(),
                    },
                    error: Some(error),
                },
            });
            self.0 = Some((inputs, opening));
        }
        self.0.as_ref().and_then(|(_, opening)| opening.as_ref())
    }
}
