//! Sandboxing of `shell` commands (Landlock on Linux).
//! STUB: interface only; the implementation replaces this file.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// How much a command may touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum SandboxMode {
    /// Read anywhere, write nowhere, no network.
    ReadOnly,
    /// Read anywhere, write under the workspace and the temp dir; no TCP
    /// connect or bind unless network is allowed.
    #[default]
    WorkspaceWrite,
    /// No sandbox.
    DangerFullAccess,
}

impl std::fmt::Display for SandboxMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SandboxMode::ReadOnly => "read-only",
            SandboxMode::WorkspaceWrite => "workspace-write",
            SandboxMode::DangerFullAccess => "danger-full-access",
        })
    }
}

/// A resolved policy for one command.
#[derive(Debug, Clone)]
pub struct SandboxPolicy {
    pub mode: SandboxMode,
    /// Writable roots under `workspace-write` (workspace, temp dirs).
    pub writable_roots: Vec<PathBuf>,
    pub network: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error(
        "the {mode} sandbox cannot be enforced on this system: {reason}. quire will not run commands unconfined; pass --sandbox danger-full-access to run without a sandbox"
    )]
    Unsupported { mode: SandboxMode, reason: String },
}

/// Checks that the kernel can enforce `mode` (with or without network).
pub fn check_support(_mode: SandboxMode, _network: bool) -> Result<(), SandboxError> {
    Ok(())
}

/// Arranges for `cmd` to run confined by `policy`.
pub fn confine(
    _cmd: &mut tokio::process::Command,
    _policy: &SandboxPolicy,
) -> Result<(), SandboxError> {
    Ok(())
}
