//! tokenscope: an OAuth 2.0 / `OpenID` Connect token inspector.
//!
//! Data flows one way: pasted text → [`token::inspect`] (find, mend, decode,
//! explain) → [`app::Workspace`] (the one place state changes) → [`ui`]
//! (draws a snapshot of the workspace and sends back commands). The core
//! modules ([`token`]) never import egui; the UI never does I/O.

pub mod app;
pub mod cli;
pub mod clock;
pub mod diagnose;
pub mod export;
#[doc(hidden)]
pub mod fuzzing;
pub mod i18n;
pub mod net;
pub mod oauth;
pub mod sandbox;
pub mod secret;
pub mod store;
pub mod token;
pub mod ui;
