//! Wiring: the session builder assembles a [`Session`](crate::agent::Session)
//! from its parts (model client, tool sources, extensions, store, hooks),
//! so the `agent` module knows only the `Tool` and `Extension` traits and
//! a child session with a subset of tools and skills is one builder call.

mod builder;
mod hooks;
mod parts;
mod skills;

pub use crate::tools::ToolFilter;
pub use builder::{SessionBuilder, sessions_dir};
pub use parts::SkillsChoice;
