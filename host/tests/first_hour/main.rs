//! A new user's first hour, through the real binary: the first-run setup
//! (in a pty), `quire doctor`, help pages, completions, and typos that
//! never reach the model.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr
)]

#[path = "../support/mod.rs"]
mod support;

mod config_typos;
mod doctor;
mod first_run;
mod help;
mod typos;
