//! OAuth 2.0 / OpenID Connect: profiles, presets, discovery, flows.
//!
//! Never imports egui.

pub mod callback;
pub mod discovery;
pub mod flow;
pub mod pkce;
pub mod presets;
pub mod profile;
pub mod runner;

pub use profile::{
    ClientAuth, Endpoints, Grant, NetworkSettings, Param, PkceMode, Profile, ProfileId,
    RequestKind, TlsSettings,
};
