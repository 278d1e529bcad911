//! Network behaviour against a real OpenID provider (`oidc-provider` on
//! loopback, see `tests/provider/`): discovery, and the flows.
#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

#[path = "../support/json_server.rs"]
mod json_server;
#[path = "../support/oauth_only.rs"]
mod oauth_only;
#[path = "../support/pki.rs"]
mod pki;
#[path = "../support/provider.rs"]
mod provider;

mod code_flow;
mod discovery;
mod encrypted;
mod grants;
mod hostile;
mod introspection_jwt;
mod more_grants;
mod run_command;
mod tls;
