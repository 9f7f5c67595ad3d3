//! The `${tmp}` folders of one run: `$TMPDIR/quire-plugins-UID/run-PID/
//! NAME-HASH`. Every exit path of the binary removes the run's folder
//! ([`remove`]); the folders of runs that ended without it (killed) are
//! removed by the next run that loads plugins ([`sweep`]). Removal never
//! follows a symbolic link out of the folder: a link is removed, not what
//! it points to.

use std::path::{Path, PathBuf};

use super::grants::default_tmp_root;

const PREFIX: &str = "run-";

/// The parent of this run's `${tmp}` folders.
pub fn root() -> PathBuf {
    root_in(&default_tmp_root(), std::process::id())
}

fn root_in(base: &Path, pid: u32) -> PathBuf {
    base.join(format!("{PREFIX}{pid}"))
}

/// Removes this run's `${tmp}` folders.
pub fn remove() {
    remove_tree(&root());
}

/// Removes the `${tmp}` folders of runs whose process is gone.
pub fn sweep() {
    sweep_in(&default_tmp_root(), std::process::id());
}

fn sweep_in(base: &Path, me: u32) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(PREFIX))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != me && !crate::child::alive(pid) {
            remove_tree(&e.path());
        }
    }
}

/// Removes `path`: a folder with everything in it (links inside are
/// removed, never followed: std's remove_dir_all opens each level with
/// O_NOFOLLOW), or `path` itself when it is a link or a file.
fn remove_tree(path: &Path) {
    let result = match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(_) => return,
    };
    if let Err(e) = result {
        tracing::warn!(path = %path.display(), error = %e, "plugin temp folder not removed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn a_run_folder_is_removed_without_following_links_out_of_it() {
        let base = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("keep.txt"), "keep").unwrap();
        let run = root_in(base.path(), 4242);
        std::fs::create_dir_all(run.join("p-1/deep")).unwrap();
        std::fs::write(run.join("p-1/deep/x"), "x").unwrap();
        symlink(outside.path(), run.join("p-1/out")).unwrap();
        symlink(outside.path().join("keep.txt"), run.join("p-1/deep/file")).unwrap();
        remove_tree(&run);
        assert!(!run.exists());
        assert_eq!(
            std::fs::read_to_string(outside.path().join("keep.txt")).unwrap(),
            "keep"
        );
        // A run folder that is itself a link: the link goes, not its target.
        symlink(outside.path(), &run).unwrap();
        remove_tree(&run);
        assert!(std::fs::symlink_metadata(&run).is_err());
        assert!(outside.path().join("keep.txt").exists());
    }

    #[test]
    fn the_sweep_removes_only_folders_of_ended_runs() {
        let base = tempfile::tempdir().unwrap();
        let me = std::process::id();
        // A pid above the kernel's limit never runs.
        let gone = root_in(base.path(), 999_999_999);
        let mine = root_in(base.path(), me);
        let other = base.path().join("not-a-run");
        for d in [&gone, &mine, &other] {
            std::fs::create_dir_all(d.join("p")).unwrap();
        }
        sweep_in(base.path(), me);
        assert!(!gone.exists());
        assert!(mine.exists() && other.exists());
        // The parent process is alive: its folder stays.
        let parent = root_in(base.path(), std::os::unix::process::parent_id());
        std::fs::create_dir_all(&parent).unwrap();
        sweep_in(base.path(), me);
        assert!(parent.exists());
    }
}
