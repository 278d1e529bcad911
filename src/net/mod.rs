//! HTTP: one client per profile (TLS roots, extra CAs, proxy, timeouts),
//! the [`Exchange`] record of what went out and what came back, and the
//! background runtime that sends requests off the UI thread.
//!
//! Never imports egui.

// What a server sends is hostile input: no byte index that can cut a
// character, no index that can panic.
#![deny(clippy::string_slice, clippy::indexing_slicing)]

pub mod client;
pub mod exchange;
pub mod runtime;
pub mod settings;
pub mod tls;

pub use client::{ClientOptions, build_client};
pub use exchange::{
    Exchange, NetError, RecordedRequest, RecordedResponse, RequestDraft, body_fields, send,
};
pub use runtime::NetRuntime;
pub use tls::TlsFailure;
