//! The user's own folders whose files grant rights: `$QUIRE_HOME`
//! (config.toml with hooks, approval, sandbox and `[projects]` trust; the
//! approvals of hooks and repository settings; plugins, skills), Claude
//! Code's and Codex's user folders (settings.json hooks, agents) and
//! `~/.agents` (user plugin bundles). Nothing the model runs may change
//! them: `apply_patch` refuses to write there and the `workspace-write`
//! sandbox keeps them read-only even when they lie inside the workspace
//! or a temp dir, so a session cannot grant the next one more rights.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The protected folders, as real paths (links resolved where they exist).
pub fn folders() -> Vec<PathBuf> {
    let mut real: Vec<PathBuf> = named().into_iter().map(|(p, _)| p).collect();
    real.sort();
    real.dedup();
    real
}

/// The protected folders as real paths, each with how the user names it
/// (`$QUIRE_HOME`, `~/.claude`, `$CODEX_HOME`).
pub fn named() -> Vec<(PathBuf, &'static str)> {
    // `var` is written `$NAME`.
    let set = |var: &str| std::env::var_os(&var[1..]).is_some_and(|v| !v.is_empty());
    let pick = |var: &'static str, default: &'static str| if set(var) { var } else { default };
    let mut out = vec![(super::quire_home(), pick("$QUIRE_HOME", "~/.quire"))];
    out.extend(
        super::other_tools::claude_dir().map(|d| (d, pick("$CLAUDE_CONFIG_DIR", "~/.claude"))),
    );
    out.extend(super::other_tools::codex_dir().map(|d| (d, pick("$CODEX_HOME", "~/.codex"))));
    if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        out.push((PathBuf::from(home).join(".agents"), "~/.agents"));
    }
    out.into_iter().map(|(p, n)| (real_path(&p), n)).collect()
}

/// The protected folder among `folders` holding the real path `path`.
pub fn holding<'a>(folders: &'a [PathBuf], path: &Path) -> Option<&'a Path> {
    folders
        .iter()
        .find(|f| path.starts_with(f))
        .map(PathBuf::as_path)
}

/// `path` made absolute (against the current directory), `.` and `..`
/// removed, and its nearest existing ancestor's links resolved.
fn real_path(path: &Path) -> PathBuf {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .unwrap_or_else(|_| PathBuf::from("/"))
            .join(path)
    };
    resolved(&crate::lexical_path::normalize(&abs))
}

/// The real location of the absolute, normalised `path`: its nearest
/// existing ancestor with symlinks resolved, joined with the rest. For an
/// existing file this is the file a symlink points to.
pub fn resolved(path: &Path) -> PathBuf {
    let mut rest: Vec<OsString> = Vec::new();
    let mut cur = path.to_path_buf();
    loop {
        if let Ok(mut real) = std::fs::canonicalize(&cur) {
            real.extend(rest.iter().rev());
            return real;
        }
        match (cur.file_name(), cur.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                cur = parent.to_path_buf();
            }
            _ => return path.to_path_buf(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_is_held_by_the_folder_it_lies_in() {
        let dir = tempfile::tempdir().unwrap();
        let home = real_path(&dir.path().join(".quire"));
        let folders = vec![home.clone()];
        assert_eq!(
            holding(&folders, &home.join("config.toml")),
            Some(home.as_path())
        );
        assert_eq!(holding(&folders, &home), Some(home.as_path()));
        assert_eq!(holding(&folders, &dir.path().join(".quirex")), None);
        assert_eq!(
            real_path(&dir.path().join("a/../b")),
            real_path(dir.path()).join("b")
        );
    }
}
