//! Agent Skills: folders with a `SKILL.md` (agentskills.io format).
//!
//! - [`skill`]: the parsed skill (the contract shared by every part).
//! - [`discover`]: which roots, which folders, precedence and shadowing;
//!   [`parse`]: lenient parsing of one `SKILL.md`; [`bundled`]: the skills
//!   shipped in the binary.
//! - [`validate`]: the `skills-ref` checks (`quire skills validate`);
//!   [`prompt_xml`]: the `<available_skills>` block (`to-prompt`).
//! - selection: the BM25 index, the per-turn catalog and activation, the
//!   `skill` tool and the [`crate::tools::Extension`] that puts skills into
//!   the prompt.

pub(crate) mod bundled;
pub(crate) mod config;
pub mod discover;
pub mod extension;
pub(crate) mod folder;
pub(crate) mod loader;
pub mod names;
pub mod parse;
pub mod prompt_xml;
pub mod select;
pub(crate) mod skill;
pub mod tool;
pub mod validate;
pub mod wanted;
pub(crate) mod yaml;

pub use config::SkillsConfig;
pub use discover::{BundledSkills, DiscoverOptions, Discovery, Root, Shadowed, Skipped, discover};
pub use skill::{Scope, Skill};
