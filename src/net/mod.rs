//! HTTP: one client per profile (TLS roots, extra CAs, proxy, timeouts),
//! the [`Exchange`] record of what went out and what came back, and the
//! background runtime that sends requests off the UI thread.
//!
//! Never imports egui.

pub mod client;
pub mod exchange;
pub mod runtime;
pub mod tls;

pub use client::{ClientOptions, build_client};
pub use exchange::{Exchange, NetError, RecordedRequest, RecordedResponse, RequestDraft, send};
pub use runtime::NetRuntime;
pub use tls::TlsFailure;
