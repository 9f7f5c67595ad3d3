//! Subagents: the model delegates with `spawn_agent` / `wait_agents` /
//! `send_agent` / `close_agent`. A child is a full session built by
//! [`crate::runtime::SessionBuilder`] with its own history, the tools and
//! skills its definition allows, and a token budget; children run in
//! parallel (`agents.max_parallel`), nest up to `agents.max_depth`, share
//! the event stream tagged with their ids, and stop with their parent.
//! Definitions are Markdown with frontmatter or Codex TOML
//! ([`discover`]).

pub(crate) mod child;
mod context;
pub mod definition;
pub mod discover;
mod hook_events;
mod manager;
mod offer;
mod rank;
mod resume;
mod run;
mod slot;
mod tool_pattern;
pub(crate) mod tools;
pub mod worktree;
mod worktree_place;
mod worktree_removal;

use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use child::{ChildParts, ChildResult, ChildSpec, run_child};
pub use context::AgentsExtension;
pub use definition::{AgentDef, Isolation};
pub use discover::{AgentRoots, Discovered, discover, discover_in, discover_with_plugins};
pub use manager::AgentManager;
pub use tools::SPAWN_AGENT;

/// `[agents]` in config.toml.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AgentsConfig {
    /// Whether sessions get the subagent tools.
    pub enabled: bool,
    /// Children running at once per session.
    pub max_parallel: usize,
    /// How deep children may nest (1: children only).
    pub max_depth: u32,
    /// Tokens (input + output) one child may use before it is asked to
    /// finish; a definition's `max_tokens` wins.
    pub max_tokens: Option<u64>,
}

impl Default for AgentsConfig {
    fn default() -> Self {
        AgentsConfig {
            enabled: true,
            max_parallel: 4,
            max_depth: 2,
            max_tokens: None,
        }
    }
}

/// The subagent tools and extension for a session at `parts.depth`;
/// `can_spawn`: whether the session's tools include `spawn_agent` (if not,
/// its messages list no agents to start).
pub fn kit(
    parts: ChildParts,
    definitions: Arc<Discovered>,
    can_spawn: bool,
) -> (
    Vec<Arc<dyn crate::tools::Tool>>,
    Arc<AgentsExtension>,
    Arc<AgentManager>,
) {
    let manager = Arc::new(AgentManager::new(parts, definitions));
    let ext = Arc::new(AgentsExtension {
        manager: manager.clone(),
        index: std::sync::OnceLock::new(),
        can_spawn,
        said: Default::default(),
    });
    (tools::tools(&manager), ext, manager)
}
