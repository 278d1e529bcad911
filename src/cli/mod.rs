//! Headless commands: the same core as the window, for scripts and CI.

pub mod decode;
pub mod run;
pub mod verify;
