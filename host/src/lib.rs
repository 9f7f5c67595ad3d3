//! quire: a coding agent for the terminal.
//!
//! The library holds everything but argument parsing and rendering: the
//! model wire APIs ([`model`]), the turn loop ([`agent`]), the tools the
//! model can call ([`tools`]), configuration ([`config`]) and session files
//! ([`store`]). The `quire` binary is a thin layer over [`agent::Session`].

pub mod agent;
pub mod agents;
pub mod child;
pub mod commands;
pub mod config;
pub mod errors;
pub mod file_kind;
pub mod file_size_limit;
pub mod git;
pub mod hidden_text;
pub mod hooks;
pub mod images;
pub mod lexical_path;
pub mod mcp;
pub mod model;
pub mod own_thread;
pub mod owner_only;
pub mod plugins;
pub mod plural;
pub mod printable;
pub mod protocol;
#[cfg(test)]
pub(crate) mod read_only_dir;
pub mod review;
pub mod runtime;
pub mod share;
pub(crate) mod shell_text;
pub mod skills;
pub mod store;
pub mod suggest;
pub mod tabs;
pub mod tools;
pub mod user_home;
pub mod writable_path;
