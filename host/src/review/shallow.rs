//! What a review target needs of the history that a clone may lack: a
//! revision the clone never fetched, a commit whose parent a shallow
//! clone (CI's `fetch-depth: 1`) cut off.

use std::path::Path;

use super::target::Target;
use crate::git;

/// Whether `repo` is a shallow clone (git says so; `false` when it
/// cannot tell).
pub(super) fn is_shallow(repo: &Path) -> bool {
    git::run(repo, &["rev-parse", "--is-shallow-repository"]).is_ok_and(|o| o.trim() == "true")
}

/// The first revision `target` names that is no commit here.
pub(super) fn missing_revision(repo: &Path, target: &Target) -> Option<String> {
    let named: Vec<&str> = match target {
        Target::Uncommitted | Target::Staged => return None,
        Target::Base(r) | Target::Commit(r) => vec![r.as_str()],
        Target::Range(r) => {
            let (a, b) = r
                .split_once("...")
                .or_else(|| r.split_once(".."))
                .unwrap_or((r.as_str(), ""));
            // An empty side is HEAD, which exists when the rest does.
            [a, b].into_iter().filter(|s| !s.is_empty()).collect()
        }
    };
    named
        .into_iter()
        .find(|r| commit_of(repo, r).is_none())
        .map(str::to_string)
}

/// The commit `rev` names, if any.
fn commit_of(repo: &Path, rev: &str) -> Option<String> {
    let spec = format!("{rev}^{{commit}}");
    git::run(repo, &["rev-parse", "--verify", "-q", &spec])
        .ok()
        .map(|o| o.trim().to_string())
        .filter(|o| !o.is_empty())
}

/// Whether `rev` is a commit at which a shallow clone's history is cut
/// off: its parents were not fetched, so git shows it as if it added
/// every file.
pub(super) fn is_cut_off(repo: &Path, rev: &str) -> bool {
    if !is_shallow(repo) {
        return false;
    }
    let Some(commit) = commit_of(repo, rev) else {
        return false;
    };
    let Ok(path) = git::run(repo, &["rev-parse", "--git-path", "shallow"]) else {
        return false;
    };
    let path = repo.join(path.trim());
    std::fs::read_to_string(path).is_ok_and(|cut| cut.lines().any(|l| l.trim() == commit))
}
