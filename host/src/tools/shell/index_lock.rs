//! A git command stopped halfway (Ctrl-C, a timeout) may leave
//! `.git/index.lock` behind, and every later git command in that
//! repository then fails with "Unable to create … index.lock". The shell
//! tool looks for the file before and after a stopped command and warns
//! when the stop left it; it never removes it (another git may own it).

use std::path::{Path, PathBuf};

/// `index.lock` of the repository (or worktree) `cwd` is in, and whether
/// it exists now.
pub struct IndexLock {
    path: Option<PathBuf>,
    existed: bool,
}

impl IndexLock {
    /// Looks before the command runs in `cwd`.
    pub fn before(cwd: &Path) -> IndexLock {
        let path = git_dir(cwd).map(|d| d.join("index.lock"));
        let existed = path.as_deref().is_some_and(Path::exists);
        IndexLock { path, existed }
    }

    /// The warning to give after the command was stopped, when the lock
    /// is there now and was not before.
    pub fn left_behind(&self) -> Option<String> {
        let path = self.path.as_deref()?;
        if self.existed || !path.exists() {
            return None;
        }
        Some(format!(
            "a git command was interrupted and left {} behind: git commands in this repository fail while it exists. When no git command is running any more, remove it (`rm {}`).",
            path.display(),
            path.display()
        ))
    }
}

/// The git directory of the repository `cwd` is in: `.git`, or where a
/// worktree's `.git` file points (`gitdir: …`).
fn git_dir(cwd: &Path) -> Option<PathBuf> {
    for dir in cwd.ancestors() {
        let dot_git = dir.join(".git");
        if dot_git.is_dir() {
            return Some(dot_git);
        }
        if dot_git.is_file() {
            let text = std::fs::read_to_string(&dot_git).ok()?;
            let target = text.lines().find_map(|l| l.strip_prefix("gitdir:"))?.trim();
            return Some(dir.join(target));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_the_command_left_is_told_one_already_there_is_not() {
        let repo = tempfile::tempdir().unwrap();
        let sub = repo.path().join("src");
        std::fs::create_dir_all(repo.path().join(".git")).unwrap();
        std::fs::create_dir_all(&sub).unwrap();
        let lock = repo.path().join(".git/index.lock");

        let before = IndexLock::before(&sub);
        assert_eq!(before.left_behind(), None);
        std::fs::write(&lock, "").unwrap();
        let told = before.left_behind().unwrap();
        assert!(told.contains(&lock.display().to_string()), "{told}");
        assert!(told.contains("git command was interrupted"), "{told}");

        assert_eq!(IndexLock::before(&sub).left_behind(), None);
    }

    #[test]
    fn a_worktrees_lock_is_where_its_git_file_points() {
        let tmp = tempfile::tempdir().unwrap();
        let gitdir = tmp.path().join("main/.git/worktrees/w");
        let wt = tmp.path().join("w");
        std::fs::create_dir_all(&gitdir).unwrap();
        std::fs::create_dir_all(&wt).unwrap();
        std::fs::write(wt.join(".git"), format!("gitdir: {}\n", gitdir.display())).unwrap();
        assert_eq!(git_dir(&wt), Some(gitdir));
    }
}
