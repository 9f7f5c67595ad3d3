//! A private temp folder for sandboxed commands, made when the
//! `workspace-write` sandbox had to carve one of the user's own folders
//! ([`crate::config::protected`]) out of the temp root (`$QUIRE_HOME`
//! under `/tmp`, common in CI and tests): that root then takes no new
//! entries, and `mktemp`, compilers and package managers would fail with
//! a bare "Permission denied". The folder (`quire-tmp-PID-RANDOM`, mode
//! 0700) is made by quire before any command runs, added to the writable
//! roots, and given to commands as `TMPDIR`, `TMP` and `TEMP`. It is made
//! only when needed: with a temp root left whole, commands keep the
//! system's own, shared with the programs they hand files to.
//!
//! Every exit path of the binary removes it ([`remove`]); the folders of
//! runs that ended without it (killed) are removed by the next run that
//! makes one. Removal never follows a link out of the folder.

use std::os::unix::fs::{DirBuilderExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const PREFIX: &str = "quire-tmp-";

static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();

/// The temp root commands use: `$TMPDIR`, else `/tmp` (a real path).
/// A `$TMPDIR` reached through a link a command could have made
/// ([`super::planted_links`]) is not used.
pub fn temp_root() -> PathBuf {
    let root = std::env::var_os("TMPDIR")
        .filter(|t| !t.is_empty())
        .map(PathBuf::from)
        .filter(|t| {
            let writable = super::planted_links::writable_folders(None, &[]);
            super::planted_links::planted(t, &writable).is_none()
        })
        .unwrap_or_else(|| PathBuf::from("/tmp"));
    std::fs::canonicalize(&root).unwrap_or(root)
}

/// The private temp folder, when the temp root is not among the
/// `writable` roots (the carve-out split it) and a folder outside the
/// `protected` ones can be made; made on first use, the same for the
/// rest of the run.
pub fn for_roots(writable: &[PathBuf], protected: &[PathBuf]) -> Option<PathBuf> {
    let root = temp_root();
    if writable.iter().any(|w| root.starts_with(w)) {
        return None;
    }
    DIR.get_or_init(|| {
        let fallback = std::fs::canonicalize("/tmp").unwrap_or_else(|_| "/tmp".into());
        let parent = [root, fallback]
            .into_iter()
            .find(|p| p.is_dir() && !protected.iter().any(|f| p.starts_with(f)))?;
        sweep_in(&parent, std::process::id());
        make_in(&parent, std::process::id())
    })
    .clone()
}

/// The folder made for this run, if any.
pub fn current() -> Option<PathBuf> {
    DIR.get().cloned().flatten()
}

/// Removes this run's folder.
pub fn remove() {
    if let Some(dir) = current() {
        remove_tree(&dir);
    }
}

fn make_in(parent: &Path, pid: u32) -> Option<PathBuf> {
    for _ in 0..8 {
        let dir = parent.join(format!("{PREFIX}{pid}-{:08x}", random()));
        // mkdir fails on anything already there, a link too.
        match std::fs::DirBuilder::new().mode(0o700).create(&dir) {
            Ok(()) => return Some(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                tracing::warn!(parent = %parent.display(), error = %e, "private temp folder not made");
                return None;
            }
        }
    }
    None
}

fn random() -> u32 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    h.finish() as u32
}

/// Removes the folders of this user's runs whose process is gone.
fn sweep_in(parent: &Path, me: u32) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    // SAFETY: getuid has no preconditions.
    let uid = unsafe { libc::getuid() };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(PREFIX))
            .and_then(|rest| rest.split('-').next())
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        let mine = std::fs::symlink_metadata(e.path()).is_ok_and(|m| m.is_dir() && m.uid() == uid);
        if mine && pid != me && !crate::child::alive(pid) {
            remove_tree(&e.path());
        }
    }
}

/// Removes the folder with everything in it (std's remove_dir_all does
/// not follow links inside it).
fn remove_tree(path: &Path) {
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
        && let Err(e) = std::fs::remove_dir_all(path)
    {
        tracing::warn!(path = %path.display(), error = %e, "private temp folder not removed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_is_private_and_the_sweep_removes_only_those_of_ended_runs() {
        let base = tempfile::tempdir().unwrap();
        let me = std::process::id();
        let made = make_in(base.path(), me).unwrap();
        let mode = std::fs::metadata(&made).unwrap().mode() & 0o777;
        assert_eq!(mode, 0o700);
        // A pid above the kernel's limit never runs.
        let gone = base.path().join(format!("{PREFIX}999999999-0000abcd"));
        let parent = base.path().join(format!(
            "{PREFIX}{}-0000abcd",
            std::os::unix::process::parent_id()
        ));
        let other = base.path().join("quire-tmp-x");
        for d in [&gone, &parent, &other] {
            std::fs::create_dir_all(d.join("sub")).unwrap();
        }
        sweep_in(base.path(), me);
        assert!(!gone.exists());
        assert!(made.exists() && parent.exists() && other.exists());
    }
}
