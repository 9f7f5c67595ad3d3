//! What a subagent was started with, written into its session file's meta
//! line: a `send_agent` after the parent was resumed continues the child
//! with these, never with the parent's (wider) tools, sandbox or model,
//! and in its own worktree if it had one.

use serde::{Deserialize, Serialize};

use crate::tools::SandboxMode;

/// A subagent's tools, sandbox, skills, prompt and budget at spawn (its
/// model is the meta's `model`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpawnRecord {
    /// The tools it may have (`None`: every tool the parent may have).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tools: Option<Vec<String>>,
    /// Tools it never gets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deny: Vec<String>,
    pub sandbox: SandboxMode,
    pub network: bool,
    /// `read-only` fixed by its definition: no escalation, no plugins.
    #[serde(default)]
    pub sandbox_fixed: bool,
    /// Only these skills (`None`: every skill).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skills: Option<Vec<String>>,
    /// Its definition's role, appended to its system prompt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u64>,
    /// Its own git worktree (`isolation: worktree`): a continued child
    /// works there again, never in the parent's checkout. Absent in
    /// records written before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worktree: Option<SpawnedWorktree>,
}

/// Where a worktree child works: the repository, the worktree's folder
/// (removed after each run, its changes committed on `branch`), and the
/// commit the branch started from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpawnedWorktree {
    pub repo: std::path::PathBuf,
    pub path: std::path::PathBuf,
    pub branch: String,
    pub base: String,
}
