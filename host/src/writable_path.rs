//! Where on `PATH` the model's sandboxed commands can plant a program.
//! They may write the workspace (its repository), so a `PATH` entry
//! inside it (an activated project `.venv/bin`, a `node_modules/.bin`),
//! a relative one (`bin`, `.`, an empty entry: found from wherever the
//! program runs) or one that cannot be resolved (it may be created
//! later) names programs the model may have written. What runs outside
//! the sandbox without the user looking at it each time (quire's own
//! git: `git/program.rs`; hooks: `hooks/dispatch.rs`) passes them over;
//! a command the user approves to run outside the sandbox says so
//! (`tools/shell/workspace_programs.rs`).

use std::collections::HashSet;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// The folders sandboxed commands may write, as real paths: for each of
/// `dirs`, its repository (else the folder itself).
pub fn writable_roots<'a>(dirs: impl IntoIterator<Item = &'a Path>) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = dirs
        .into_iter()
        .map(|d| crate::config::repo_root(d).unwrap_or_else(|| d.to_path_buf()))
        .filter_map(|d| d.canonicalize().ok())
        .collect();
    roots.dedup();
    roots
}

/// Whether the `PATH` entry `entry` may hold a program a sandboxed
/// command wrote: it is relative, cannot be resolved, or lies inside one
/// of `roots` ([`writable_roots`]).
pub fn is_writable(entry: &Path, roots: &[PathBuf]) -> bool {
    entry.is_relative()
        || entry
            .canonicalize()
            .map_or(true, |real| roots.iter().any(|r| real.starts_with(r)))
}

/// Whether `path` is a file anyone may execute.
pub fn executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// The program a shell in `cwd` runs for the bare name `name` with
/// `path` as its `PATH`: the first executable of that name (a relative
/// entry found from `cwd`, an empty one is `cwd`), with the entry it was
/// found in, as written.
pub fn first_on(name: &str, path: &OsStr, cwd: &Path) -> Option<(PathBuf, PathBuf)> {
    std::env::split_paths(path)
        .map(|entry| {
            let file = cwd.join(&entry).join(name);
            (entry, file)
        })
        .find(|(_, file)| executable(file))
}

/// `path` without its entries that are writable ([`is_writable`]): a
/// missing one too, which a sandboxed command may create (it holds
/// nothing now, so leaving it out costs nothing). Each existing entry
/// left out is logged once per process.
pub fn without_writable(path: &OsStr, roots: &[PathBuf]) -> OsString {
    let kept: Vec<PathBuf> = std::env::split_paths(path)
        .filter(|entry| {
            let left_out = is_writable(entry, roots);
            if left_out && (entry.is_relative() || entry.exists()) {
                log_once(entry);
            }
            !left_out
        })
        .collect();
    std::env::join_paths(kept).unwrap_or_else(|_| path.to_os_string())
}

/// Logs that `entry` is left out of a `PATH`, the first time only.
fn log_once(entry: &Path) {
    static LOGGED: OnceLock<Mutex<HashSet<PathBuf>>> = OnceLock::new();
    let mut logged = LOGGED
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if logged.insert(entry.to_path_buf()) {
        tracing::warn!(
            "PATH entry {} left out of what runs outside the sandbox: the model's sandboxed commands can write there",
            entry.display()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_inside_the_workspace_and_relative_ones_are_left_out() {
        let repo = tempfile::tempdir().unwrap();
        let system = tempfile::tempdir().unwrap();
        let venv = repo.path().join(".venv/bin");
        std::fs::create_dir_all(&venv).unwrap();
        let gone = system.path().join("not-there");
        let path = std::env::join_paths([
            venv.clone(),
            PathBuf::from("bin"),
            system.path().to_path_buf(),
            gone.clone(),
        ])
        .unwrap();
        let roots = writable_roots([repo.path()]);
        let kept: Vec<PathBuf> = std::env::split_paths(&without_writable(&path, &roots)).collect();
        // A missing entry may be created by a sandboxed command.
        assert_eq!(kept, [system.path().to_path_buf()]);
        assert!(is_writable(&gone, &roots));
        assert!(is_writable(&venv, &roots));
        assert!(!is_writable(system.path(), &roots));
    }
}
