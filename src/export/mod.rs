//! Shareable transcripts of a flow run: a `curl` command per request, a HAR
//! 1.2 file, and a Markdown report for a support ticket. Secrets are
//! redacted by default, in one place ([`redact`]). Never imports egui.

pub mod curl;
pub mod decoded;
pub mod har;
pub mod markdown;
pub mod redact;

pub use curl::{CurlOptions, curl_command};
pub use har::har;
pub use markdown::{Environment, report};
