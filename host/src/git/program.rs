//! Which `git` quire runs. Its commands run outside the sandbox, so the
//! program is the first `git` on `PATH` in a folder a sandboxed command
//! cannot have written: a relative entry, or one inside the repository
//! git works in or the current directory's repository (an activated
//! `.venv/bin` of the project, a `node_modules/.bin`), is passed over, so
//! a `git` the model planted there never runs as you. (The temp dir,
//! which sandboxed commands may also write, is not a place `PATH`
//! normally names.)

use std::path::{Path, PathBuf};

/// The `git` to run for a repository at `dir` (or outside any).
pub fn program(dir: Option<&Path>) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    pick(&path, &writable(dir))
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

/// The repositories a sandboxed command may write, as real paths.
fn writable(dir: Option<&Path>) -> Vec<PathBuf> {
    let cwd = std::env::current_dir().ok();
    let dirs: Vec<PathBuf> = dir.map(Path::to_path_buf).into_iter().chain(cwd).collect();
    crate::writable_path::writable_roots(dirs.iter().map(PathBuf::as_path))
}

/// The first executable `git` of `path` outside `avoid`; `git` itself
/// (the spawn then fails as "not installed") when there is none. One
/// passed over is logged.
fn pick(path: &std::ffi::OsStr, avoid: &[PathBuf]) -> PathBuf {
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
        return candidate;
    }
    PathBuf::from("git")
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
        assert_eq!(pick(&path, &avoid), system.path().join("git"));
        // Only the planted one: none runs.
        let only = std::env::join_paths([venv]).unwrap();
        assert_eq!(pick(&only, &avoid), PathBuf::from("git"));
    }
}
