//! Agent Skills: folders with a `SKILL.md` (agentskills.io format).
//!
//! - [`skill`]: the parsed skill (the contract shared by every part).
//! - discovery and parsing: which roots, which folders, lenient parsing.
//! - validation: the `skills-ref` checks (`quire skills validate`).
//! - selection: the BM25 index, the per-turn catalog and activation, the
//!   `skill` tool and the [`crate::agent::Extension`] that puts skills into
//!   the prompt.

pub mod config;
pub mod extension;
pub mod select;
pub mod skill;
pub mod tool;

pub use config::SkillsConfig;
pub use skill::{Scope, Skill};
