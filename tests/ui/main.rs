#![expect(clippy::expect_used, reason = "test helpers fail loudly")]
//! UI tests: the app driven through its accessibility tree, as a user would.
//! One binary, so the egui/wgpu stack links once.

mod support;

#[path = "../support/json_server.rs"]
mod json_server;
#[path = "../support/oauth_only.rs"]
mod oauth_only;
#[path = "../support/pki.rs"]
mod pki;
#[path = "../support/provider.rs"]
mod provider;
#[path = "../support/vc_issuer.rs"]
mod vc_issuer;

mod bounds;
mod decryption;
mod fapi;
mod flow;
mod grants;
mod inspector;
mod introspection;
mod language;
mod painting;
mod presenter;
mod profiles;
mod sandbox;
mod sd_jwt;
mod snapshots;
mod tls;
