//! Shared helpers for quire's integration tests and benchmark.
//!
//! Included from test files with `mod support;` and from the bench binary
//! with `#[path = "../tests/support/mod.rs"] mod support;`, so it depends on
//! nothing but tokio and serde_json.
#![allow(dead_code)]

pub mod model_server;
pub mod outside;
pub mod pty;
pub mod quire;
pub mod shell_cargo;
