//! The user folders of Claude Code and Codex, whose personal skills,
//! agents and commands quire reads too: `$CLAUDE_CONFIG_DIR` (else
//! `~/.claude`) and `$CODEX_HOME` (else `~/.codex`), as those tools
//! resolve them (tests point both at temporary folders).

use std::path::PathBuf;

/// Claude Code's user folder: `$CLAUDE_CONFIG_DIR`, else `~/.claude`.
pub fn claude_dir() -> Option<PathBuf> {
    from_env("CLAUDE_CONFIG_DIR", ".claude")
}

/// Codex's user folder: `$CODEX_HOME`, else `~/.codex`.
pub fn codex_dir() -> Option<PathBuf> {
    from_env("CODEX_HOME", ".codex")
}

fn from_env(var: &str, under_home: &str) -> Option<PathBuf> {
    if let Some(d) = std::env::var_os(var).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d));
    }
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(|h| PathBuf::from(h).join(under_home))
}
