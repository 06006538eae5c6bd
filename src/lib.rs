//! glossator: annotate documents read closely — claims, advice and positions of
//! actors — in RON sidecar files beside the source.
//!
//! The library holds everything; the `gloss` binary is a thin CLI over it. Pure
//! logic (`document`, `annotation`, `sidecar`, `export`, `review`) never touches
//! the terminal; `app` is the TUI's state and update, `view` draws it, `tui`
//! runs the terminal.

pub mod annotation;
pub mod app;
pub mod archive;
pub mod assist;
pub mod cli;
pub mod command;
pub mod config;
pub mod corpus;
pub mod document;
pub mod export;
pub mod keymap;
pub mod project;
pub mod review;
pub mod sidecar;
pub mod terminal;
pub mod tui;
pub mod view;
