//! `isolation = "worktree"`: a child works in its own `git worktree` on a
//! new branch `quire/agent-<name>-<id>`; when it ends, its changes are
//! committed on that branch and the worktree folder is removed; the
//! parent merges or discards the branch. A later run of the same child (a
//! follow-up, or after the parent was resumed) adds the folder again from
//! the branch, so it never works in the parent's checkout.

use std::path::{Path, PathBuf};

use super::{worktree_place, worktree_removal};
use crate::store::SpawnedWorktree;

/// What every child's branch is called first.
const BRANCH_PREFIX: &str = "quire/agent-";

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
    /// What the last removal of the folder left, to be told the user
    /// ([`Worktree::take_left`]).
    left: Option<String>,
}

/// quire's own git ([`crate::git`]: nothing the repository's setup
/// names runs; stopped at its deadline; a failed write says what it
/// left).
pub(super) fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    crate::git::run(dir, args).map_err(|e| e.explain())
}

/// [`git`] for output only shown (to the parent model and the user),
/// never read by quire: in the user's language.
fn shown(dir: &Path, args: &[&str]) -> Result<String, String> {
    crate::git::Git::new(dir)
        .args(args)
        .in_user_language()
        .stdout()
        .map_err(|e| e.explain())
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
            .map_err(|e| {
                format!("cannot read the commit to branch from (a repository without commits has none): {e}")
            })?
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
        let branch = format!("{BRANCH_PREFIX}{name}-{short}");
        // What the model's commands left running is paused from the check
        // of the place to the checkout there: none can swap a link in.
        let _paused = crate::child::pause_commands();
        let path = worktree_place::place(&repo, &short)?;
        let p = path
            .to_str()
            .ok_or_else(|| format!("{} is not valid UTF-8", path.display()))?;
        let head = format!("refs/heads/{branch}");
        let existed = git(&repo, &["rev-parse", "--verify", "--quiet", &head]).is_ok();
        let added = git(
            &repo,
            &[
                "worktree",
                "add",
                "--quiet",
                "--no-checkout",
                "-b",
                &branch,
                p,
                &base,
            ],
        )
        .and_then(|_| worktree_place::check(&repo, &path))
        .and_then(|_| fill(&repo, &path));
        if let Err(e) = added {
            // Failed or stopped half way: nothing of it stays.
            return Err(match unmake(&repo, &path, (!existed).then_some(&branch)) {
                Ok(()) => e,
                Err(left) => format!("{e}\n{left}"),
            });
        }
        Ok(Worktree {
            repo,
            path,
            branch,
            base,
            removed: false,
            left: None,
        })
    }

    /// What the child's spawn record keeps of it.
    pub fn record(&self) -> SpawnedWorktree {
        SpawnedWorktree {
            repo: self.repo.clone(),
            path: self.path.clone(),
            branch: self.branch.clone(),
            base: self.base.clone(),
        }
    }

    /// The worktree a child was spawned with, as its spawn record has it,
    /// with its folder there again ([`Worktree::restore`]).
    pub fn reopen(rec: &SpawnedWorktree) -> Result<Worktree, String> {
        if !rec.branch.starts_with(BRANCH_PREFIX) {
            return Err(format!(
                "its recorded branch {} is not one of quire's ({BRANCH_PREFIX}…)",
                rec.branch.escape_debug()
            ));
        }
        let mut w = Worktree {
            repo: rec.repo.clone(),
            path: rec.path.clone(),
            branch: rec.branch.clone(),
            base: rec.base.clone(),
            removed: true,
            left: None,
        };
        w.restore()?;
        Ok(w)
    }

    /// Makes the folder the branch's worktree again when an earlier run
    /// removed it: reused when it is still there (a run that was killed),
    /// else added from the branch, which holds the child's committed
    /// changes. When the branch is gone (merged or discarded) it is not
    /// made again from anything else: the error says so.
    pub fn restore(&mut self) -> Result<(), String> {
        if !self.removed {
            return Ok(());
        }
        if !self.repo.is_dir() {
            return Err(format!(
                "the repository it worked in, {}, is gone",
                self.repo.display()
            ));
        }
        let head = format!("refs/heads/{}", self.branch);
        if git(&self.repo, &["rev-parse", "--verify", "--quiet", &head]).is_err() {
            return Err(format!(
                "its branch {} is gone (merged or discarded with close_agent, or deleted), so its worktree cannot be made again",
                self.branch
            ));
        }
        let _paused = crate::child::pause_commands();
        if std::fs::symlink_metadata(&self.path).is_ok() {
            worktree_place::check(&self.repo, &self.path)?;
            if !self.is_the_branch_worktree() {
                return Err(format!(
                    "{} is there but is not the worktree of its branch {}; move it away (or `git worktree remove` it)",
                    self.path.display(),
                    self.branch
                ));
            }
        } else {
            let name = self.path.file_name().unwrap_or_default().to_string_lossy();
            let place = worktree_place::place(&self.repo, &name)?;
            let same = self.path == place
                || self
                    .path
                    .parent()
                    .and_then(|p| std::fs::canonicalize(p).ok())
                    == place.parent().map(Path::to_path_buf);
            if !same {
                return Err(format!(
                    "it was recorded at {}, not where quire puts worktrees ({})",
                    self.path.display(),
                    place.display()
                ));
            }
            let p = self
                .path
                .to_str()
                .ok_or_else(|| format!("{} is not valid UTF-8", self.path.display()))?;
            git(
                &self.repo,
                &[
                    "worktree",
                    "add",
                    "--quiet",
                    "--no-checkout",
                    p,
                    &self.branch,
                ],
            )
            .and_then(|_| worktree_place::check(&self.repo, &self.path))
            .and_then(|_| fill(&self.repo, &self.path))
            .map_err(|e| format!("its worktree could not be added again: {e}"))?;
        }
        self.removed = false;
        Ok(())
    }

    /// Whether the folder is a worktree's top with the branch checked out.
    fn is_the_branch_worktree(&self) -> bool {
        let top = git(&self.path, &["rev-parse", "--show-toplevel"]);
        let on = git(&self.path, &["symbolic-ref", "--short", "HEAD"]);
        let (Ok(top), Ok(on)) = (top, on) else {
            return false;
        };
        let top = std::fs::canonicalize(top.trim()).ok();
        top.is_some() && top == std::fs::canonicalize(&self.path).ok() && on.trim() == self.branch
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
        let _paused = crate::child::pause_commands();
        worktree_place::check(&self.repo, &self.path)
            .and_then(|_| self.save(name))
            .map_err(|e| {
                format!(
                    "{e}\nthe child's changes stay in its worktree {} (branch {}), not committed",
                    self.path.display(),
                    self.branch
                )
            })?;
        // Marked removed even when some of it is left: a later run checks
        // what is there before working in it ([`Worktree::restore`]).
        self.removed = true;
        self.left = worktree_removal::remove(&self.repo, &self.path).err();
        let summary = self.summary()?;
        Ok(match &self.left {
            Some(left) => format!("{summary}\nwarning: {left}"),
            None => summary,
        })
    }

    /// What the last [`Worktree::commit`] could not remove, once: a
    /// warning for the user.
    pub fn take_left(&mut self) -> Option<String> {
        self.left.take()
    }

    /// Commits what the child changed on its branch.
    fn save(&self, name: &str) -> Result<(), String> {
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
        Ok(())
    }

    fn summary(&self) -> Result<String, String> {
        let range = format!("{}..{}", self.base, self.branch);
        let stat = shown(&self.repo, &["diff", "--stat", &range])?;
        Ok(if stat.trim().is_empty() {
            "no changes".into()
        } else {
            stat.trim_end().to_string()
        })
    }
}

/// Checks out the files of a worktree added without them, as git in the
/// worktree (whose configuration may differ: `includeIf "onbranch:…"`)
/// reads its setup; the worktree is removed again when that fails.
fn fill(repo: &Path, path: &Path) -> Result<(), String> {
    let filled = git(path, &["reset", "--hard", "--quiet"]);
    if let Err(e) = filled {
        if let Err(left) = unmake(repo, path, None) {
            tracing::warn!(%left, "a worktree whose checkout failed was not removed");
        }
        return Err(format!("its files could not be checked out: {e}"));
    }
    Ok(())
}

/// Takes away a worktree an add left half made (failed, or stopped at
/// its deadline): its folder and git's record of it, and `branch` when
/// the add made it. What could not be taken away, in words.
fn unmake(repo: &Path, path: &Path, branch: Option<&str>) -> Result<(), String> {
    let p = path.display().to_string();
    let mut left = Vec::new();
    if std::fs::symlink_metadata(path).is_ok()
        && git(repo, &["worktree", "remove", "--force", &p]).is_err()
        && let Err(e) = std::fs::remove_dir_all(path)
    {
        left.push(format!("its folder {p} is left ({e}): remove it"));
    }
    if let Err(e) = git(repo, &["worktree", "prune"]) {
        left.push(format!("run `git worktree prune` ({e})"));
    }
    let head = branch.map(|b| format!("refs/heads/{b}"));
    if let (Some(b), Some(head)) = (branch, head)
        && git(repo, &["rev-parse", "--verify", "--quiet", &head]).is_ok()
        && let Err(e) = git(repo, &["branch", "-D", b])
    {
        left.push(format!("its branch {b} is left: `git branch -D {b}` ({e})"));
    }
    if left.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the half-made worktree was not all taken away: {}",
            left.join("; ")
        ))
    }
}

/// Whether `branch` is still a branch of `repo` (`/agents merge` of a
/// child from before a resume: it may have been merged or deleted since).
pub fn branch_exists(repo: &Path, branch: &str) -> bool {
    git(
        repo,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("refs/heads/{branch}"),
        ],
    )
    .is_ok()
}

/// Merges a child's branch into the repository's current branch and
/// deletes it.
pub fn merge(repo: &Path, branch: &str) -> Result<String, String> {
    let out = shown(repo, &["merge", "--no-edit", branch]).map_err(|e| {
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
