//! Helpers shared by the integration tests, used with `mod common;`.

// Every test file compiles this module on its own and uses only part of it.
#![allow(dead_code)]

pub mod app;
pub mod cli;
pub mod git;
pub mod tmux;
