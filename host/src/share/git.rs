//! Git checkouts of a source: `git clone --no-checkout`, then the ref
//! (branch, tag or commit) resolved to a commit and checked out detached
//! (symbolic links checked out as links, whatever `core.symlinks` says).
//! git runs without prompts; its whole message is kept, with a first line
//! saying what it means (repository not found, ref not found, a login
//! needed, host unreachable).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};

use super::ShareError;

/// Clones `url` into `into` and checks out `revision` (the default branch
/// when `None`); returns the commit checked out.
pub fn checkout(url: &str, revision: Option<&str>, into: &Path) -> Result<String, ShareError> {
    if url.starts_with('-') {
        return Err(ShareError::Invalid(format!(
            "'{url}' is not a git URL (it starts with '-')"
        )));
    }
    let dest = into
        .to_str()
        .ok_or_else(|| ShareError::Invalid(format!("{} is not valid UTF-8", into.display())))?;
    run(
        None,
        &["clone", "--quiet", "--no-checkout", "--", url, dest],
    )
    .map_err(|e| ShareError::Invalid(format!("cannot clone {url}: {}", e.explain())))?;
    let commit = match revision {
        None => resolve(into, "HEAD").ok_or_else(|| {
            ShareError::Invalid(format!(
                "{url} has no default branch to check out (an empty repository?); pass --ref BRANCH, TAG or COMMIT"
            ))
        })?,
        Some(rev) => find_ref(into, rev).ok_or_else(|| not_found(into, url, rev))?,
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
    .map_err(|e| ShareError::Invalid(format!("cannot check out {commit} of {url}: {e}")))?;
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

/// A failed git command: what ran and everything it wrote to stderr.
#[derive(Debug)]
pub struct GitFailure {
    pub command: String,
    pub stderr: String,
}

impl GitFailure {
    /// What the failure means, then git's whole message.
    pub fn explain(&self) -> String {
        let lower = self.stderr.to_ascii_lowercase();
        let has = |needles: &[&str]| needles.iter().any(|n| lower.contains(n));
        let meaning = if has(&[
            "authentication failed",
            "could not read username",
            "could not read password",
            "terminal prompts disabled",
            "permission denied (publickey",
            "host key verification failed",
            "the requested url returned error: 401",
            "the requested url returned error: 403",
        ]) {
            "the server wants a login, and quire runs git without prompts: set up a credential helper or an SSH key (check with `git clone URL` in a terminal)"
        } else if has(&[
            "repository not found",
            "does not appear to be a git repository",
            "does not exist",
            "not found",
            "the requested url returned error: 404",
        ]) {
            "the repository was not found: check the URL (a private repository may also answer 'not found' without a login)"
        } else if has(&[
            "could not resolve host",
            "connection refused",
            "timed out",
            "network is unreachable",
            "failed to connect",
        ]) {
            "the host cannot be reached: check the URL and the network"
        } else {
            "git failed"
        };
        let said = self
            .stderr
            .trim()
            .lines()
            .map(|l| format!("  {l}"))
            .collect::<Vec<_>>()
            .join("\n");
        if said.is_empty() {
            format!("{meaning} (`{}` wrote nothing)", self.command)
        } else {
            format!("{meaning}; `{}` said:\n{said}", self.command)
        }
    }
}

impl std::fmt::Display for GitFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.explain())
    }
}

/// The git subcommand of `args` (`diff` of `-c core.quotepath=off diff
/// …`): the first word that is not an option or an option's value.
fn subcommand<'a>(args: &[&'a str]) -> &'a str {
    let mut words = args.iter();
    while let Some(w) = words.next() {
        match *w {
            "-c" | "-C" | "--git-dir" | "--work-tree" => {
                words.next();
            }
            w if w.starts_with('-') => {}
            w => return w,
        }
    }
    ""
}

/// Runs git without prompts (and without the `ext::` transport, which
/// runs commands); its stdout, or a [`GitFailure`].
pub fn run(dir: Option<&Path>, args: &[&str]) -> Result<String, GitFailure> {
    let mut cmd = Command::new("git");
    cmd.args(["-c", "protocol.ext.allow=never"]);
    if let Some(d) = dir {
        cmd.arg("-C").arg(d);
    }
    cmd.args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_ASKPASS", "true")
        .env("SSH_ASKPASS", "true")
        .env("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    crate::child::die_with_quire(&mut cmd);
    let command = format!("git {}", subcommand(args));
    let out = crate::child::spawn_std(&mut cmd)
        .and_then(|c| c.wait_with_output())
        .map_err(|e| GitFailure {
            command: command.clone(),
            stderr: if e.kind() == std::io::ErrorKind::NotFound {
                "git is not installed (it is needed for git sources)".to_string()
            } else {
                format!("cannot run git: {e}")
            },
        })?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        // Stopped by Ctrl-C, SIGTERM or SIGHUP: not git's failure.
        use std::os::unix::process::ExitStatusExt;
        super::leftovers::hold_if_interrupted(out.status.signal().is_some());
        Err(GitFailure {
            command,
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_subcommand_is_named_past_the_options() {
        assert_eq!(
            super::subcommand(&["-c", "core.quotepath=off", "diff", "-z"]),
            "diff"
        );
        assert_eq!(super::subcommand(&["--no-pager", "log"]), "log");
        assert_eq!(super::subcommand(&["clone", "-q"]), "clone");
        assert_eq!(super::subcommand(&[]), "");
    }

    use super::*;

    #[test]
    fn failures_say_what_they_mean_and_keep_the_whole_message() {
        let f = |stderr: &str| {
            GitFailure {
                command: "git clone".into(),
                stderr: stderr.into(),
            }
            .explain()
        };
        let auth = f(
            "Cloning into 'x'...\nfatal: could not read Username for 'https://h': terminal prompts disabled\n",
        );
        assert!(auth.starts_with("the server wants a login"), "{auth}");
        assert!(
            auth.contains("Cloning into 'x'...") && auth.contains("terminal prompts disabled"),
            "{auth}"
        );
        let missing = f(
            "fatal: '/srv/nope' does not appear to be a git repository\nfatal: Could not read from remote repository.\n",
        );
        assert!(
            missing.starts_with("the repository was not found"),
            "{missing}"
        );
        assert!(
            f("fatal: unable to access: Could not resolve host: h").starts_with("the host cannot")
        );
    }
}
