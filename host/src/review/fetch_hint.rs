//! What to say when a review's revision is no commit in this clone, with
//! a command that fetches it. A remote's branch typed as `REMOTE/BRANCH`
//! is fetched into its remote-tracking ref (`git fetch origin origin/main`
//! fails: the remote has no branch of that name; and a single-branch
//! clone's `git fetch origin main` writes only FETCH_HEAD). In a shallow
//! clone (CI's `fetch-depth: 1`) a revision counted back from another
//! (`HEAD~1`, `HEAD^`) is in the history that was not fetched, and a
//! fetched branch needs the history down to the merge base: the clone
//! being shallow is said first.

use std::path::Path;

use super::shallow::is_shallow;
use crate::git;

/// GitHub Actions' way to fetch the whole history.
const ACTIONS: &str = "in GitHub Actions: `fetch-depth: 0` in actions/checkout";

/// The hint for `rev`, which names no commit in `repo`.
pub(super) fn for_missing(repo: &Path, rev: &str) -> String {
    let shallow = is_shallow(repo);
    if shallow && counted_back(rev) {
        return format!(
            "this clone is shallow (its history is cut off), so {rev} is in the part it did not fetch; fetch the whole history with `git fetch --unshallow` ({ACTIONS})"
        );
    }
    let remotes = remotes(repo);
    let named = format!("no commit is named {rev} here");
    if let Some((remote, branch)) = remote_branch(rev, &remotes) {
        let refspec = format!("{branch}:refs/remotes/{remote}/{branch}");
        return if shallow {
            format!(
                "{named}: fetch the branch {branch} of {remote} with its history (this clone is shallow, and the review needs the history down to where the branches meet): `git fetch --unshallow {remote} {refspec}` ({ACTIONS})"
            )
        } else {
            format!(
                "{named}: check the name (git branch -a), or fetch the branch {branch} of {remote}: `git fetch {remote} {refspec}`"
            )
        };
    }
    let check = "check the name (git branch -a, git log)";
    let fetch = remotes
        .iter()
        .find(|r| r.as_str() == "origin")
        .or(remotes.first())
        .map(|remote| {
            if looks_like_commit(rev) {
                format!(", or fetch it if it is on the remote (`git fetch {remote} {rev}`)")
            } else {
                format!(
                    ", or fetch it if it is a branch of the remote (`git fetch {remote} {rev}:refs/remotes/{remote}/{rev}`, then name it {remote}/{rev})"
                )
            }
        })
        .unwrap_or_default();
    let cut = if shallow {
        format!(
            "; this clone is shallow, so it may be in the history that was not fetched: `git fetch --unshallow` ({ACTIONS})"
        )
    } else {
        String::new()
    };
    format!("{named}: {check}{fetch}{cut}")
}

/// `HEAD~1`, `main^2`, `HEAD@{1}`: a revision counted from another.
fn counted_back(rev: &str) -> bool {
    rev.contains(['~', '^']) || rev.contains("@{")
}

/// A hexadecimal abbreviation or whole commit id.
fn looks_like_commit(rev: &str) -> bool {
    (7..=64).contains(&rev.len()) && rev.chars().all(|c| c.is_ascii_hexdigit())
}

/// `rev` as one of `remotes`' branches (`origin/main`,
/// `remotes/origin/main`, `refs/remotes/origin/main`).
fn remote_branch<'a>(rev: &'a str, remotes: &'a [String]) -> Option<(&'a str, &'a str)> {
    let rest = rev
        .strip_prefix("refs/remotes/")
        .or_else(|| rev.strip_prefix("remotes/"))
        .unwrap_or(rev);
    if counted_back(rest) {
        return None;
    }
    remotes.iter().find_map(|remote| {
        rest.strip_prefix(remote.as_str())
            .and_then(|b| b.strip_prefix('/'))
            .filter(|b| !b.is_empty())
            .map(|b| (remote.as_str(), b))
    })
}

/// The names of `repo`'s remotes (none when git cannot tell).
fn remotes(repo: &Path) -> Vec<String> {
    let listed = git::run(repo, &["remote"]).unwrap_or_default();
    listed
        .lines()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remote_branch_is_split_at_its_remote() {
        let remotes = vec!["origin".to_string(), "up".to_string()];
        assert_eq!(
            remote_branch("origin/main", &remotes),
            Some(("origin", "main"))
        );
        assert_eq!(
            remote_branch("refs/remotes/up/feat/x", &remotes),
            Some(("up", "feat/x"))
        );
        assert_eq!(remote_branch("main", &remotes), None);
        assert_eq!(remote_branch("origin/", &remotes), None);
        assert_eq!(remote_branch("originx/main", &remotes), None);
        assert_eq!(remote_branch("origin/main~1", &remotes), None);
    }

    #[test]
    fn counted_back_and_commit_ids() {
        assert!(counted_back("HEAD~1") && counted_back("HEAD^") && counted_back("main@{1}"));
        assert!(!counted_back("origin/main"));
        assert!(looks_like_commit("189c3c4") && !looks_like_commit("feature"));
    }
}
