//! Tokens: finding them in pasted text, decoding JOSE compact
//! serialisation, explaining claims and instants.
//!
//! Never imports egui, never touches the network: everything here is a pure
//! function of its input (and of "now", passed in).

// Pasted text and provider answers are hostile: a byte slice inside a letter
// or an index past the end is a panic, so slices and indexes go through
// `get`, and the few proven safe say why in an `expect`.
#![deny(clippy::string_slice, clippy::indexing_slicing)]

pub mod assess;
pub mod checks;
pub mod claims;
pub mod compare;
pub mod extract;
pub mod gost;
pub mod inspect;
pub mod jose;
pub mod jwe;
pub mod keys;
mod lenient_json;
pub mod mend;
pub mod private_keys;
pub mod sd_jwt;
pub mod sd_jwt_vc;
pub mod time;
pub mod verify;

pub use inspect::{FoundToken, FoundTokens, TokenKind, TokenRole, find_tokens};
pub use time::Timestamp;
