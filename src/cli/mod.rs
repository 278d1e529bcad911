//! Headless commands: the same core as the window, for scripts and CI.

pub mod args;
pub mod commands;
pub mod decode;
pub mod run;
pub mod verify;
