//! Taking a finished child's worktree folder away. The child owned it and
//! may have taken the write permission off its folders (`chmod -R 0555`):
//! it is given back first, as `chmod -R u+w` would, without following a
//! link. What still cannot be removed is said, with the path and what to
//! do, never left silently.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use super::worktree::git;

/// Removes the worktree folder `path` of `repo` and git's record of it.
/// The error names what was left and how to remove it.
pub fn remove(repo: &Path, path: &Path) -> Result<(), String> {
    let p = path.display().to_string();
    open_up(path);
    let by_git = git(repo, &["worktree", "remove", "--force", &p]);
    let Err(first) = by_git else {
        return Ok(());
    };
    // What git left (it stops at the first file it cannot remove):
    // remove_dir_all never follows a link out of the folder.
    let why = match fs::remove_dir_all(path) {
        Ok(()) => None,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => Some(format!("{first}; {e}")),
    };
    let pruned = git(repo, &["worktree", "prune"]);
    match (why, pruned) {
        (None, Ok(_)) => Ok(()),
        (None, Err(e)) => Err(format!(
            "git's record of the removed worktree {p} is left ({e}): run `git worktree prune`"
        )),
        (Some(why), _) => Err(format!(
            "its worktree folder {p} could not be removed ({why}); its work is committed on its branch: remove the folder with `chmod -R u+w {p} && rm -rf {p}`, then run `git worktree prune`"
        )),
    }
}

/// Gives the owner full permission on every folder under `top` (files
/// need none to be removed), never through a link: each folder is read
/// with `symlink_metadata`, and entries that are links are not entered.
/// An explicit stack: a deep tree does not exhaust this thread's.
fn open_up(top: &Path) {
    let mut folders = vec![top.to_path_buf()];
    while let Some(dir) = folders.pop() {
        let Ok(meta) = fs::symlink_metadata(&dir) else {
            continue;
        };
        if !meta.is_dir() {
            continue;
        }
        let mode = meta.permissions().mode();
        if mode & 0o700 != 0o700
            && let Err(e) = fs::set_permissions(&dir, fs::Permissions::from_mode(mode | 0o700))
        {
            tracing::debug!(dir = %dir.display(), %e, "cannot give write permission back");
        }
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                folders.push(entry.path());
            }
        }
    }
}
