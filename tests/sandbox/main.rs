//! The built-in sandbox provider: the app's own flows in every personality,
//! the bank's rules, the fault switches as our verifier sees them, and an
//! independent client (npm `openid-client`) completing a flow against it.
#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

mod ciba;
mod cli;
mod encrypted;
mod endpoints;
mod fapi;
mod faults;
mod flows;
mod openid_client;
#[path = "../support/provider.rs"]
mod provider;
mod support;
