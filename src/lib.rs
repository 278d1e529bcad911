//! tokenscope: an OAuth 2.0 / `OpenID` Connect token inspector.
//!
//! Data flows one way: pasted text → [`paste::inspect`] (tokens found,
//! mended, decoded and explained by [`token`]; error answers diagnosed by
//! [`diagnose`]) → [`model::Workspace`] (the one place state changes, for
//! commands and background results alike) → [`ui`] (draws a snapshot of the
//! workspace and sends back commands). The core modules never import egui;
//! the UI never does I/O; [`app`] runs the effects.

pub mod app;
pub mod cli;
pub mod clock;
pub mod diagnose;
pub mod export;
#[doc(hidden)]
pub mod fuzzing;
pub mod i18n;
pub mod model;
pub mod net;
pub mod oauth;
pub mod paste;
pub mod sandbox;
pub mod secret;
pub mod store;
pub mod token;
pub mod ui;
