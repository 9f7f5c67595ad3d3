//! Git checkouts of a source: `git clone --no-checkout`, then the ref
//! (branch, tag or commit) resolved to a commit and checked out detached
//! (symbolic links checked out as links, whatever `core.symlinks` says).
//! git runs without prompts; its whole message is kept, with a first line
//! saying what it means (repository not found, ref not found, a login
//! needed, host unreachable).

use std::collections::BTreeSet;
use std::path::Path;

pub use crate::git::GitFailure;

use super::ShareError;

/// Clones `url` into `into` and checks out `revision` (the default branch
/// when `None`); returns the commit checked out.
pub fn checkout(url: &str, revision: Option<&str>, into: &Path) -> Result<String, ShareError> {
    // A password in the URL (a lock written before it was refused) is
    // given to git, never shown.
    let shown = crate::config::shown_url::shown_url(url);
    if url.starts_with('-') {
        return Err(ShareError::Invalid(format!(
            "'{shown}' is not a git URL (it starts with '-')"
        )));
    }
    super::transport::check(url)
        .map_err(|why| ShareError::Invalid(format!("'{shown}' is not fetched: it {why}")))?;
    let dest = into
        .to_str()
        .ok_or_else(|| ShareError::Invalid(format!("{} is not valid UTF-8", into.display())))?;
    run(
        None,
        &["clone", "--quiet", "--no-checkout", "--", url, dest],
    )
    .map_err(|e| {
        ShareError::Invalid(
            crate::config::shown_url::shown_url(&format!("cannot clone {shown}: {}", e.explain()))
                .into_owned(),
        )
    })?;
    let commit = match revision {
        None => resolve(into, "HEAD").ok_or_else(|| {
            ShareError::Invalid(format!(
                "{shown} has no default branch to check out (an empty repository?); pass --ref BRANCH, TAG or COMMIT"
            ))
        })?,
        Some(rev) => find_ref(into, rev).ok_or_else(|| not_found(into, &shown, rev))?,
    };
    run(
        Some(into),
        &[
            "-c",
            "advice.detachedHead=false",
            // Links stay links whatever the user's git says, so a link is
            // refused as one (digest.rs), not read as a file holding its
            // target's path.
            "-c",
            "core.symlinks=true",
            "checkout",
            "--quiet",
            "--detach",
            &commit,
        ],
    )
    .map_err(|e| ShareError::Invalid(format!("cannot check out {commit} of {shown}: {e}")))?;
    Ok(commit)
}

/// The folders directly inside `folder` at `commit` of the clone `repo`,
/// as paths from its root (`skills/pdf-forms`); none when the folder did
/// not exist then. Fails when the clone does not hold `commit` (history
/// rewritten upstream).
pub fn folders_at(repo: &Path, commit: &str, folder: &str) -> Result<BTreeSet<String>, GitFailure> {
    let inside = format!("{}/", folder.trim_end_matches('/'));
    let spec = format!("{commit}^{{tree}}");
    let mut args = vec!["ls-tree", "-d", "-z", "--name-only", &spec];
    // `.` is the top folder: every folder at the top, as they are named.
    if folder != super::lock::TOP_FOLDER {
        args.extend(["--", &inside]);
    }
    let out = run(Some(repo), &args)?;
    Ok(out
        .split('\0')
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect())
}

/// `rev` as a remote branch, a tag, or a commit (in that order).
fn find_ref(repo: &Path, rev: &str) -> Option<String> {
    if rev.is_empty() || rev.starts_with('-') {
        return None;
    }
    [
        format!("refs/remotes/origin/{rev}"),
        format!("refs/tags/{rev}"),
        rev.to_string(),
    ]
    .iter()
    .find_map(|candidate| resolve(repo, candidate))
}

/// The commit `name` points to, when it names one.
fn resolve(repo: &Path, name: &str) -> Option<String> {
    let spec = format!("{name}^{{commit}}");
    run(Some(repo), &["rev-parse", "--verify", "--quiet", &spec])
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// "no branch, tag or commit 'REV'", listing some that exist.
fn not_found(repo: &Path, url: &str, rev: &str) -> ShareError {
    let list = |format: &str, pattern: &str| {
        let names: Vec<String> = run(Some(repo), &["for-each-ref", format, pattern])
            .unwrap_or_default()
            .lines()
            .map(str::trim)
            .filter(|n| !n.is_empty() && *n != "HEAD")
            .map(str::to_string)
            .collect();
        let shown = names.iter().take(8).cloned().collect::<Vec<_>>().join(", ");
        match names.len() {
            0 => "none".to_string(),
            n if n > 8 => format!("{shown}, … ({n} in all)"),
            _ => shown,
        }
    };
    let branches = list("--format=%(refname:lstrip=3)", "refs/remotes/origin");
    let tags = list("--format=%(refname:lstrip=2)", "refs/tags");
    ShareError::NoRevision(format!(
        "{url} has no branch, tag or commit '{rev}' (branches: {branches}; tags: {tags})"
    ))
}

/// Runs git (built by [`crate::git`]: nothing a repository's setup
/// names runs, no prompts, no `ext::` transport); its stdout, or a
/// [`GitFailure`]. `None` for `dir`: a clone, which may reach a remote.
pub fn run(dir: Option<&Path>, args: &[&str]) -> Result<String, GitFailure> {
    let out = match dir {
        Some(d) => crate::git::run(d, args),
        None => crate::git::run_network(None, args),
    };
    // Stopped by Ctrl-C, SIGTERM or SIGHUP: not git's failure.
    if let Err(e) = &out {
        super::leftovers::hold_if_interrupted(e.signaled);
    }
    out
}
