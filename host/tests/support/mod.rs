//! Shared helpers for quire's integration tests (`tests/all.rs`) and
//! benchmarks.
//!
//! The benchmarks include this module with
//! `#[path = "../tests/support/mod.rs"] mod support;` (or one file of it).

pub mod components;
pub mod git_format;
pub mod git_traps;
pub mod guests;
pub mod http_probe;
pub mod model_server;
pub mod outside;
pub mod page_server;
pub mod plugin_lab;
pub mod pty;
pub mod pty_prompt;
pub mod quire;
pub mod shell_cargo;
pub mod skills_common;
