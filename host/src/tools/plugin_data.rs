//! The data folders of the session's plugins (`${CLAUDE_PLUGIN_DATA}`,
//! `$QUIRE_HOME/plugin-data/NAME`) as writable roots of the
//! `workspace-write` sandbox. In Claude Code a plugin's data folder is its
//! persistent, writable state; quire hands it to the plugin's hooks, MCP
//! servers and commands, and through a SessionStart hook's
//! `CLAUDE_ENV_FILE` to the model's commands, which run the plugin's
//! scripts (codex-plugin-cc keeps its job store there). `$QUIRE_HOME` stays
//! read-only to them ([`crate::config::protected`]): only these folders,
//! which grant no right, are carved back in, each pinned like any other
//! root ([`super::pinned_roots`]). Never under `read-only`.

use std::path::{Path, PathBuf};

use super::sandbox::{SandboxMode, SandboxPolicy};

/// Makes `dir` (and the folders on its way) owner-only when missing.
pub fn make(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

/// `policy` with `folders` writable too, under `workspace-write` only.
/// Each is made on first use; one that is a link, or holds one of the
/// user's own folders, is left out (with a log line).
pub fn grant(policy: &mut SandboxPolicy, folders: &[PathBuf]) {
    if policy.mode != SandboxMode::WorkspaceWrite {
        return;
    }
    let protected = crate::config::protected::folders();
    for dir in folders {
        if let Err(e) = make(dir) {
            tracing::warn!("plugins: cannot make {}: {e}", dir.display());
            continue;
        }
        let Some(pin) = super::pinned_roots::pin(dir) else {
            continue;
        };
        // The folder itself, not a link's target.
        let expected = dir
            .parent()
            .and_then(|p| p.canonicalize().ok())
            .zip(dir.file_name())
            .map(|(p, n)| p.join(n));
        let is_link = std::fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink());
        if is_link || expected.as_ref() != Some(&pin.real) {
            tracing::warn!("plugins: {} is a link; not made writable", dir.display());
            continue;
        }
        if protected.iter().any(|p| p.starts_with(&pin.real)) {
            tracing::warn!(
                "plugins: {} holds one of your own folders; not made writable",
                dir.display()
            );
            continue;
        }
        if !policy.writable_roots.contains(&pin.real) {
            policy.writable_roots.push(pin.real.clone());
            policy.pins.push(pin);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(mode: SandboxMode) -> SandboxPolicy {
        SandboxPolicy {
            mode,
            writable_roots: Vec::new(),
            network: false,
            unix_sockets: false,
            temp_dir: None,
            pins: Vec::new(),
            workspace_pin: None,
        }
    }

    #[test]
    fn a_data_folder_is_made_owner_only_and_granted_under_workspace_write() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().canonicalize().unwrap().join("plugin-data/kit");
        let mut p = policy(SandboxMode::WorkspaceWrite);
        grant(&mut p, std::slice::from_ref(&data));
        assert_eq!(p.writable_roots, vec![data.clone()]);
        assert_eq!(p.pins.len(), 1);
        let mode = std::fs::metadata(&data).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
    }

    #[test]
    fn nothing_is_granted_read_only_nor_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let mut p = policy(SandboxMode::ReadOnly);
        grant(&mut p, &[root.join("ro")]);
        assert!(p.writable_roots.is_empty());
        assert!(!root.join("ro").exists());
        std::fs::create_dir(root.join("elsewhere")).unwrap();
        std::os::unix::fs::symlink(root.join("elsewhere"), root.join("kit")).unwrap();
        let mut p = policy(SandboxMode::WorkspaceWrite);
        grant(&mut p, &[root.join("kit")]);
        assert!(p.writable_roots.is_empty());
    }
}
