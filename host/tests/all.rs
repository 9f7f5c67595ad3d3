//! Every integration test of quire in one binary: linking wasmtime once
//! instead of once per test file is most of the build's time. Each module
//! of `suite` is one area (it was a binary of its own before); `support`
//! holds what they share (the model server, the real binary, test plugins).
//!
//! Run one area or one test by filter:
//! `cargo test -p quire --test all exec_e2e::` or
//! `cargo test -p quire --test all exec_e2e::multi_step`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

mod suite;
mod support;
