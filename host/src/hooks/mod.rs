//! Hooks: the user's own code at fixed points of the loop, on the contract
//! Claude Code made the convention (JSON on stdin, exit code 2 blocks, JSON
//! on stdout with `decision`, `hookSpecificOutput`, …).
//!
//! - [`config`]: `[[hooks.EVENT]]` in config.toml, and [`claude`] reads the
//!   `hooks` of Claude Code's settings.json files (with the tool-name map).
//! - [`trust`]: repository hooks run only in a trusted repository, each one
//!   approved by the hash of its definition.
//! - [`runner`] runs one command (own process group, killed at its
//!   timeout) or HTTP hook; [`contract`] turns its exit code and output
//!   into a [`HookResult`]; [`combine`] merges the results of one event.
//! - [`wasm`]: hooks a WASM plugin declares, run through its `hooks`
//!   export under its grants and limits.
//! - [`dispatch`]: [`Hooks`], the set a session runs; the tool registry is
//!   the one place tool events fire, for every tool source.

mod announced;
pub(crate) mod approved_before;
pub(crate) mod approver;
mod background;
pub(crate) mod claude;
pub mod claude_transcript;
pub(crate) mod code_runners;
pub(crate) mod combine;
pub mod config;
pub(crate) mod context_cap;
pub(crate) mod contract;
mod dedup;
mod detach;
pub(crate) mod dispatch;
pub(crate) mod env_file;
pub(crate) mod file_limits;
mod git_setup;
pub mod gone_guards;
pub mod http_env;
pub(crate) mod if_rule;
mod load;
mod manifest_hooks;
mod node_bins;
mod not_run;
pub(crate) mod outside;
mod pending;
pub mod plugin_folder;
pub(crate) mod plugin_paths;
pub(crate) mod plugin_scripts;
pub mod programs;
mod reapproved;
pub(crate) mod root_alias;
pub(crate) mod root_name;
mod root_quote;
pub(crate) mod runner;
mod subcommands;
pub(crate) mod tool_events;
pub(crate) mod tool_input;
pub(crate) mod tool_response;
mod top_level;
pub mod trust;
pub(crate) mod wasm;

use serde::{Deserialize, Serialize};

pub use combine::{Decision, Permission};
pub use config::{Hook, HookDef, HookKind, HookScope, HooksConfig, LoadedHooks, load_hooks};
pub use contract::HookResult;
pub use dispatch::{Hooks, SessionInfo};

/// The points of the loop where hooks run. Names are Claude Code's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum HookEvent {
    /// A session starts: `startup`, `resume`, `clear` (`/new`) or
    /// `compact` (after compaction). Stdout becomes context.
    SessionStart,
    /// The user sent a message, before the model sees it. Stdout becomes
    /// context; exit 2 drops the prompt.
    UserPromptSubmit,
    /// Before a tool call (every tool source). Exit 2 blocks it.
    PreToolUse,
    /// A tool asks the user for approval.
    PermissionRequest,
    /// After a tool call that succeeded.
    PostToolUse,
    /// After a tool call that failed.
    PostToolUseFailure,
    /// quire waits for the user: an approval or the next message.
    Notification,
    /// Before compaction (`manual` or `auto`).
    PreCompact,
    /// The model answered without tool calls. Exit 2 makes it go on.
    Stop,
    /// A subagent starts or ends (stdout of SubagentStart adds context to
    /// the child's task).
    SubagentStart,
    SubagentStop,
    /// The session ends (`prompt_input_exit`, `clear`, `other`).
    SessionEnd,
}

impl HookEvent {
    pub const ALL: [HookEvent; 12] = [
        HookEvent::SessionStart,
        HookEvent::UserPromptSubmit,
        HookEvent::PreToolUse,
        HookEvent::PermissionRequest,
        HookEvent::PostToolUse,
        HookEvent::PostToolUseFailure,
        HookEvent::Notification,
        HookEvent::PreCompact,
        HookEvent::Stop,
        HookEvent::SubagentStart,
        HookEvent::SubagentStop,
        HookEvent::SessionEnd,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            HookEvent::SessionStart => "SessionStart",
            HookEvent::UserPromptSubmit => "UserPromptSubmit",
            HookEvent::PreToolUse => "PreToolUse",
            HookEvent::PermissionRequest => "PermissionRequest",
            HookEvent::PostToolUse => "PostToolUse",
            HookEvent::PostToolUseFailure => "PostToolUseFailure",
            HookEvent::Notification => "Notification",
            HookEvent::PreCompact => "PreCompact",
            HookEvent::Stop => "Stop",
            HookEvent::SubagentStart => "SubagentStart",
            HookEvent::SubagentStop => "SubagentStop",
            HookEvent::SessionEnd => "SessionEnd",
        }
    }

    pub fn parse(name: &str) -> Option<HookEvent> {
        HookEvent::ALL.into_iter().find(|e| e.as_str() == name)
    }

    /// Events whose matcher is a regex over tool names.
    pub fn is_tool_event(self) -> bool {
        matches!(
            self,
            HookEvent::PreToolUse
                | HookEvent::PermissionRequest
                | HookEvent::PostToolUse
                | HookEvent::PostToolUseFailure
        )
    }

    /// Events whose hook guards an action (blocks a call, denies an
    /// approval, drops a prompt): one that cannot run fails closed.
    pub fn guards(self) -> bool {
        matches!(
            self,
            HookEvent::PreToolUse | HookEvent::PermissionRequest | HookEvent::UserPromptSubmit
        )
    }

    /// Events whose plain stdout (exit 0, not JSON) becomes context.
    pub fn takes_plain_context(self) -> bool {
        matches!(self, HookEvent::UserPromptSubmit | HookEvent::SessionStart)
    }
}

impl std::fmt::Display for HookEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why hooks could not be loaded or trusted.
#[derive(Debug, thiserror::Error)]
pub enum HookError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
    #[error("cannot write {path}: {message}")]
    Write { path: String, message: String },
}

/// How many hooks quire can run in the plugin hook file `path` (none when
/// it cannot be read, or when its events are not inside `"hooks"`).
pub fn plugin_file_hook_count(path: &std::path::Path) -> usize {
    claude::read_plugin_hooks_skipping(path).map_or(0, |(hooks, _)| hooks.len())
}
