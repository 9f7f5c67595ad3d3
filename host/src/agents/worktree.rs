//! `isolation = "worktree"`: a child works in its own `git worktree` on a
//! new branch `quire/agent-<name>-<id>`; when it ends, its changes are
//! committed on that branch and the worktree folder is removed; the
//! parent merges or discards the branch.

use std::path::{Path, PathBuf};

use crate::share::git;

/// A child's worktree.
#[derive(Debug, Clone)]
pub struct Worktree {
    /// The repository's root (the parent's).
    pub repo: PathBuf,
    pub path: PathBuf,
    pub branch: String,
    /// The commit the branch started from.
    pub base: String,
    removed: bool,
}

fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    git::run(Some(dir), args).map_err(|e| e.explain())
}

impl Worktree {
    /// A new worktree of the repository `cwd` is in.
    pub fn create(cwd: &Path, agent_id: &str, name: &str) -> Result<Worktree, String> {
        let repo = crate::agent::prompt::repo_root(cwd).ok_or_else(|| {
            format!(
                "isolation = \"worktree\" needs a git repository, and {} is not in one; spawn without isolation",
                cwd.display()
            )
        })?;
        let base = git(&repo, &["rev-parse", "HEAD"])
            .map_err(|e| format!("the repository has no commit to branch from: {e}"))?
            .trim()
            .to_string();
        let short: String = agent_id
            .chars()
            .rev()
            .take(8)
            .collect::<String>()
            .chars()
            .rev()
            .collect();
        let branch = format!("quire/agent-{name}-{short}");
        let common = git(&repo, &["rev-parse", "--git-common-dir"])?;
        let common = repo.join(common.trim());
        let path = common.join("quire-worktrees").join(&short);
        let p = path
            .to_str()
            .ok_or_else(|| format!("{} is not valid UTF-8", path.display()))?;
        git(
            &repo,
            &["worktree", "add", "--quiet", "-b", &branch, p, &base],
        )?;
        Ok(Worktree {
            repo,
            path,
            branch,
            base,
            removed: false,
        })
    }

    /// The child's working folder: `parent_cwd`'s place in the worktree.
    pub fn cwd_for(&self, parent_cwd: &Path) -> PathBuf {
        match parent_cwd.strip_prefix(&self.repo) {
            Ok(rel) => self.path.join(rel),
            Err(_) => self.path.clone(),
        }
    }

    /// Commits the child's changes on its branch, removes the worktree
    /// folder and returns a diff summary (`git diff --stat`).
    pub fn commit(&mut self, name: &str) -> Result<String, String> {
        if self.removed {
            return self.summary();
        }
        git(&self.path, &["add", "-A"])?;
        let dirty = !git(&self.path, &["status", "--porcelain"])?
            .trim()
            .is_empty();
        if dirty {
            let msg = format!("agent {name}: changes");
            git(
                &self.path,
                &[
                    "-c",
                    "user.name=quire",
                    "-c",
                    "user.email=quire@localhost",
                    "commit",
                    "--quiet",
                    "-m",
                    &msg,
                ],
            )?;
        }
        let p = self.path.display().to_string();
        git(&self.repo, &["worktree", "remove", "--force", &p])?;
        self.removed = true;
        self.summary()
    }

    fn summary(&self) -> Result<String, String> {
        let range = format!("{}..{}", self.base, self.branch);
        let stat = git(&self.repo, &["diff", "--stat", &range])?;
        Ok(if stat.trim().is_empty() {
            "no changes".into()
        } else {
            stat.trim_end().to_string()
        })
    }
}

/// Merges a child's branch into the repository's current branch and
/// deletes it.
pub fn merge(repo: &Path, branch: &str) -> Result<String, String> {
    let out = git(repo, &["merge", "--no-edit", branch]).map_err(|e| {
        format!("merging {branch} failed (resolve it with git, or discard the branch): {e}")
    })?;
    git(repo, &["branch", "-D", branch])?;
    Ok(format!("merged {branch}\n{}", out.trim()))
}

/// Deletes a child's branch and its changes.
pub fn discard(repo: &Path, branch: &str) -> Result<String, String> {
    git(repo, &["branch", "-D", branch])?;
    Ok(format!("discarded {branch}"))
}
