//! What a git command that writes left behind when it failed or was
//! stopped at its deadline, said in the failure: a lock file (its index's
//! `index.lock`, held by another git or left by one that was stopped) and
//! a merge under way. quire never removes a lock: it cannot tell whether
//! another git (yours, an editor's) holds it; the message names the file
//! and what to do.

use std::path::Path;
use std::time::Duration;

/// Subcommands that only read: what they leave is never looked at.
const READS: &[&str] = &[
    "blame",
    "cat-file",
    "check-attr",
    "config",
    "describe",
    "diff",
    "for-each-ref",
    "grep",
    "hash-object",
    "log",
    "ls-files",
    "ls-tree",
    "merge-base",
    "rev-list",
    "rev-parse",
    "show",
    "status",
    "symbolic-ref",
    "var",
    "version",
];

/// How long the look at the repository after a failure may take.
const LOOK: Duration = Duration::from_secs(10);

/// Whether `subcommand` may write to the repository.
pub(super) fn writes(subcommand: &str) -> bool {
    !READS.contains(&subcommand)
}

/// What the repository at `dir` holds that a failed or stopped writing
/// command may have left, in words (`None`: nothing found). `stopped`:
/// it was killed at its deadline, so it may have written part of its
/// change.
pub(super) fn state(dir: &Path, command: &str, stopped: bool) -> Option<String> {
    let git_dir = super::plain(dir, &["rev-parse", "--absolute-git-dir"], Some(LOOK)).ok()?;
    let git_dir = Path::new(git_dir.trim_end_matches('\n'));
    let mut said = Vec::new();
    let lock = git_dir.join("index.lock");
    if std::fs::symlink_metadata(&lock).is_ok() {
        let whose = if stopped {
            format!("the stopped `{command}` may have left it")
        } else {
            "another git holds it, or one that was stopped left it".to_string()
        };
        said.push(format!(
            "{} exists ({whose}); quire does not remove it: when no git runs in this repository any more, remove it (rm '{}') and try again",
            lock.display(),
            lock.display()
        ));
    }
    if std::fs::symlink_metadata(git_dir.join("MERGE_HEAD")).is_ok() {
        said.push(
            "a merge is under way in the repository: resolve it and commit, or `git merge --abort` to put the branch back".to_string(),
        );
    }
    if stopped {
        said.push(format!(
            "`{command}` may have written part of its change: check `git status` in {}",
            dir.display()
        ));
    }
    (!said.is_empty()).then(|| said.join("; "))
}
