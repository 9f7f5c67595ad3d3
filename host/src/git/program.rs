//! Which `git` quire runs. Its commands run outside the sandbox, so the
//! program is the first `git` on `PATH` in a folder a sandboxed command
//! cannot have written: a relative entry, or one inside the repository
//! git works in or the current directory's repository (an activated
//! `.venv/bin` of the project, a `node_modules/.bin`), is passed over, so
//! a `git` the model planted there never runs as you. (The temp dir,
//! which sandboxed commands may also write, is not a place `PATH`
//! normally names.) When no such `git` is on `PATH`, none runs: the
//! command fails with that reason rather than fall back to the bare name
//! `git` (which the spawn would look up on the uncleaned `PATH`).

use std::path::{Path, PathBuf};

/// The `git` to run for a repository at `dir` (or outside any); the
/// reason when `PATH` holds none outside the folders the model's
/// commands can write.
pub fn program(dir: Option<&Path>) -> Result<PathBuf, String> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    pick(&path, &writable(dir)).ok_or_else(|| {
        "git is not installed outside the folders the model's commands can write \
         (the repository, a relative PATH entry): install git in a system folder \
         (/usr/bin) and try again"
            .to_string()
    })
}

/// `PATH` without the entries a sandboxed command may have written
/// ([`crate::writable_path::without_writable`], as hooks get it): for a
/// git that may run programs it finds there (a remote helper).
pub fn clean_path(dir: Option<&Path>) -> Option<std::ffi::OsString> {
    let path = std::env::var_os("PATH")?;
    Some(crate::writable_path::without_writable(
        &path,
        &writable(dir),
    ))
}

/// The repositories a sandboxed command may write, as real paths. The
/// filesystem root as `dir` (git reading only your own setup, outside
/// any repository) names no repository: only the current directory's
/// counts then, not every folder under `/`.
fn writable(dir: Option<&Path>) -> Vec<PathBuf> {
    let cwd = std::env::current_dir().ok();
    let dir = dir.filter(|d| d.parent().is_some());
    let dirs: Vec<PathBuf> = dir.map(Path::to_path_buf).into_iter().chain(cwd).collect();
    crate::writable_path::writable_roots(dirs.iter().map(PathBuf::as_path))
}

/// The first executable `git` of `path` outside `avoid`; `None` when
/// there is none. One passed over is logged.
fn pick(path: &std::ffi::OsStr, avoid: &[PathBuf]) -> Option<PathBuf> {
    use crate::writable_path::{executable, is_writable};
    for entry in std::env::split_paths(path) {
        let candidate = entry.join("git");
        if !executable(&candidate) {
            continue;
        }
        if is_writable(&entry, avoid) {
            tracing::warn!(
                "not running {}: it lies where the model's commands can write",
                candidate.display()
            );
            continue;
        }
        return Some(candidate);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script(dir: &Path) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::create_dir_all(dir).unwrap();
        let git = dir.join("git");
        std::fs::write(&git, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&git, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    #[test]
    fn a_git_where_the_model_can_write_is_passed_over() {
        let repo = tempfile::tempdir().unwrap();
        let system = tempfile::tempdir().unwrap();
        let venv = repo.path().join(".venv/bin");
        script(&venv);
        script(system.path());
        let path = std::env::join_paths([
            PathBuf::from("bin"),
            venv.clone(),
            system.path().to_path_buf(),
        ])
        .unwrap();
        let avoid = [repo.path().canonicalize().unwrap()];
        assert_eq!(pick(&path, &avoid), Some(system.path().join("git")));
        // Only the planted one: none runs, not even a bare `git`.
        let only = std::env::join_paths([venv]).unwrap();
        assert_eq!(pick(&only, &avoid), None);
    }

    #[test]
    fn the_filesystem_root_does_not_make_every_folder_writable() {
        let roots = writable(Some(Path::new("/")));
        assert!(!roots.iter().any(|r| r == Path::new("/")), "{roots:?}");
    }
}
