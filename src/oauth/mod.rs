//! OAuth 2.0 / OpenID Connect: profiles, presets, discovery, flows.
//!
//! Never imports egui.

pub mod assertion;
pub mod callback;
pub mod ciba;
pub mod device;
pub mod discovery;
pub mod dpop;
pub mod fapi;
pub mod flow;
pub mod introspection_jwt;
pub mod jarm;
pub mod lint;
pub mod logout;
pub mod pkce;
pub mod presets;
pub mod profile;
pub mod provider_clock;
pub mod request_object;
pub mod runner;
pub mod verification;

pub use profile::{
    AssertionAudience, AssertionSettings, ClientAuth, Endpoints, ExtensionField, ExtensionGrant,
    Grant, NetworkSettings, Param, PkceMode, Profile, ProfileId, RequestKind, TlsSettings,
};
