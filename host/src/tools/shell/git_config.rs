//! What git runs besides itself: programs a repository's configuration
//! names and hooks its folder holds (which a sandboxed command may have
//! written into `.git/config`, an included file or `.git/hooks`), and
//! git's own commands, which no alias can stand for.
//!
//! The read-only git commands `untrusted` runs without asking (`status`,
//! `diff`, `log`, `show`, `branch` listing) never get a terminal, so no
//! pager or editor starts. What they can still start: an fsmonitor, diff
//! drivers, filter drivers (a changed file is cleaned to be compared),
//! a signature verifier (`log.showSignature`, `--show-signature`), the
//! hooks run when the index or a ref is written (`status` and `diff`
//! refresh the index), the same in every submodule they recurse into,
//! and in a partial clone, the fetch of a missing object (transport and
//! credential programs).

use std::time::Duration;

/// git's own commands, which no alias can shadow. `difftool` and
/// `mergetool` are left out: they run the program the configuration names.
pub(super) const GIT_COMMANDS: &[&str] = &[
    "add",
    "am",
    "apply",
    "archive",
    "bisect",
    "blame",
    "branch",
    "bundle",
    "checkout",
    "cherry",
    "cherry-pick",
    "clean",
    "clone",
    "commit",
    "config",
    "describe",
    "diff",
    "fetch",
    "format-patch",
    "fsck",
    "gc",
    "grep",
    "help",
    "init",
    "log",
    "ls-files",
    "ls-remote",
    "ls-tree",
    "merge",
    "merge-base",
    "mv",
    "notes",
    "pull",
    "push",
    "range-diff",
    "rebase",
    "reflog",
    "remote",
    "reset",
    "restore",
    "revert",
    "rev-list",
    "rev-parse",
    "rm",
    "shortlog",
    "show",
    "show-branch",
    "sparse-checkout",
    "stash",
    "status",
    "submodule",
    "switch",
    "tag",
    "worktree",
];

/// Configuration keys (as `git config --get-regexp` prints them: section
/// and key lower case) whose value names a program a read-only git command
/// may run. `include.path` and `includeIf` are followed by `git config`
/// itself, as `git status` follows them.
const PROGRAM_KEYS: &str = concat!(
    r"^(core\.fsmonitor",
    r"|diff\.external|diff\..+\.(command|textconv)",
    r"|filter\..+\.(clean|smudge|process)",
    r"|gpg\.program|gpg\..+\.program|gpg\.ssh\.defaultkeycommand",
    r"|hook\..+\.(command|event)",
    // A partial clone fetches missing objects on demand, `git diff` and
    // `git log -p` included; these name what such a fetch runs.
    r"|extensions\.partialclone|remote\..+\.promisor",
    r"|core\.sshcommand|core\.gitproxy|core\.askpass",
    r"|credential\.helper|credential\..+\.helper",
    r"|remote\..+\.(uploadpack|vcs)|protocol\.allow|protocol\..+\.allow)$",
);

/// Of [`PROGRAM_KEYS`], those that only matter in a partial clone.
const FETCH_KEYS: &[&str] = &[
    "core.sshcommand",
    "core.gitproxy",
    "core.askpass",
    "credential.",
    "remote.",
    "protocol.",
];

/// Hooks a read-only command may run: `status` and `diff` write a
/// refreshed index (`post-index-change`); `reference-transaction` runs on
/// any ref written. Other hooks run on commands `untrusted` asks about.
const READ_HOOKS: &[&str] = &["post-index-change", "reference-transaction"];

/// Submodules looked into, at most, before asking anyway.
const MAX_REPOSITORIES: usize = 32;
/// Submodules nested deeper than this are not looked into: asked anyway.
const MAX_DEPTH: usize = 3;

/// Whether a read-only git command (`status`, `diff`, `log`, `show`) at
/// `cwd` may run a program other than git: the configuration names one
/// (see [`PROGRAM_KEYS`]), an executable hook such a command runs waits
/// in the hooks folder (`core.hooksPath` followed), or the same holds in
/// a submodule it recurses into. True when that cannot be told, a git
/// that does not answer by the deadline of quire's own git commands
/// (`QUIRE_GIT_TIMEOUT`) included: the command is asked about.
pub(super) async fn runs_programs(cwd: &std::path::Path) -> bool {
    runs_programs_within(cwd, None).await
}

/// [`runs_programs`], each git it runs stopped past `timeout` (`None`:
/// quire's usual deadline).
async fn runs_programs_within(cwd: &std::path::Path, timeout: Option<Duration>) -> bool {
    let mut pending = vec![(cwd.to_path_buf(), 0usize)];
    let mut seen = 0usize;
    while let Some((dir, depth)) = pending.pop() {
        seen += 1;
        if seen > MAX_REPOSITORIES || depth > MAX_DEPTH {
            return true;
        }
        let repo = match Repository::read(&dir, timeout).await {
            Ok(Some(repo)) => repo,
            // No git, or not a repository: the command cannot run git
            // in it either.
            Ok(None) => continue,
            Err(Unanswered) => {
                tracing::warn!(
                    "git in {} did not answer in time: the command is asked about",
                    dir.display()
                );
                return true;
            }
        };
        if repo.names_program || repo.has_read_hook() {
            return true;
        }
        let Some(submodules) = repo.submodules(timeout).await else {
            return true;
        };
        pending.extend(submodules.into_iter().map(|d| (d, depth + 1)));
    }
    false
}

/// What one repository's git setup holds.
struct Repository {
    /// The configuration names a program (see [`PROGRAM_KEYS`]).
    names_program: bool,
    hooks: std::path::PathBuf,
    top: Option<std::path::PathBuf>,
}

/// A git that was stopped at its deadline (or could not be waited for).
struct Unanswered;

impl Repository {
    /// `None` when `dir` is not in a git repository (or git is missing).
    async fn read(
        dir: &std::path::Path,
        timeout: Option<Duration>,
    ) -> Result<Option<Repository>, Unanswered> {
        let Some(hooks) = git(dir, &["rev-parse", "--git-path", "hooks"], timeout).await? else {
            return Ok(None);
        };
        let hooks = dir.join(hooks.trim_end_matches('\n'));
        // None in a bare repository, which has no submodules checked out.
        let top = git(dir, &["rev-parse", "--show-toplevel"], timeout)
            .await?
            .map(|t| dir.join(t.trim_end_matches('\n')));
        // A configuration git cannot read: asked about.
        let config = git(dir, &["config", "--get-regexp", PROGRAM_KEYS], timeout).await?;
        Ok(Some(Repository {
            names_program: config.is_none_or(|c| names_program(&c)),
            hooks,
            top,
        }))
    }

    /// An executable hook a read-only command runs.
    fn has_read_hook(&self) -> bool {
        use std::os::unix::fs::PermissionsExt;
        READ_HOOKS.iter().any(|name| {
            // Followed through links, as git runs them.
            std::fs::metadata(self.hooks.join(name))
                .is_ok_and(|m| !m.is_dir() && m.permissions().mode() & 0o111 != 0)
        })
    }

    /// The working trees of the submodules `.gitmodules` names that are
    /// checked out; `None` when `.gitmodules` cannot be read.
    async fn submodules(&self, timeout: Option<Duration>) -> Option<Vec<std::path::PathBuf>> {
        let Some(top) = &self.top else {
            return Some(Vec::new());
        };
        let listed = top.join(".gitmodules");
        match std::fs::symlink_metadata(&listed) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Some(Vec::new()),
            Err(_) => return None,
            Ok(_) => {}
        }
        let file = format!("--file={}", listed.to_str()?);
        let args = ["config", &file, "--get-regexp", r"^submodule\..+\.path$"];
        let out = output(top, &args, timeout).await.ok()??;
        let paths = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.split_once(' ').map(|(_, p)| top.join(p)))
            .filter(|p| p.join(".git").exists())
            .collect();
        Some(paths)
    }
}

/// Whether `git config --get-regexp` lines name a program: every key
/// does, but `core.fsmonitor` set to a boolean (git's own daemon), git
/// LFS's own filter, and the fetch programs outside a partial clone.
fn names_program(config: &str) -> bool {
    let entries: Vec<(&str, &str)> = config
        .lines()
        .map(|line| line.split_once(' ').unwrap_or((line, "")))
        .collect();
    let partial = entries.iter().any(|(key, value)| {
        *key == "extensions.partialclone"
            || (key.starts_with("remote.") && key.ends_with(".promisor") && is_true(value))
    });
    entries.iter().any(|&(key, value)| {
        if key == "extensions.partialclone" || key.ends_with(".promisor") {
            return false;
        }
        if key == "core.fsmonitor" {
            return !is_bool(value);
        }
        if key.starts_with("filter.lfs.") {
            return !is_git_lfs(key, value);
        }
        if FETCH_KEYS.iter().any(|k| key.starts_with(k)) {
            return partial;
        }
        true
    })
}

fn is_bool(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "1" | "0" | ""
    )
}

fn is_true(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "true" | "yes" | "on" | "1" | ""
    )
}

/// `git lfs install`'s own filter, which runs `git-lfs` from `PATH`.
fn is_git_lfs(key: &str, value: &str) -> bool {
    matches!(
        (key, value.trim()),
        ("filter.lfs.clean", "git-lfs clean -- %f")
            | ("filter.lfs.smudge", "git-lfs smudge -- %f")
            | ("filter.lfs.process", "git-lfs filter-process")
    )
}

/// `git -C dir ARGS`'s stdout, `None` when git is missing or fails.
async fn git(
    dir: &std::path::Path,
    args: &[&str],
    timeout: Option<Duration>,
) -> Result<Option<String>, Unanswered> {
    let Some(out) = output(dir, args, timeout).await? else {
        return Ok(None);
    };
    // `git config --get-regexp` exits 1 when nothing matched.
    let matched_nothing = args.first() == Some(&"config") && out.status.code() == Some(1);
    if !out.status.success() && !matched_nothing {
        return Ok(None);
    }
    Ok(Some(String::from_utf8_lossy(&out.stdout).into_owned()))
}

/// `git -C dir ARGS` run as the repository has it (none of quire's
/// settings in the way, [`crate::git::inspect_output`]), stopped at the
/// deadline of quire's own git commands; `None` when it could not run.
async fn output(
    dir: &std::path::Path,
    args: &[&str],
    timeout: Option<Duration>,
) -> Result<Option<crate::git::Output>, Unanswered> {
    let dir = dir.to_path_buf();
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let ran = tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        crate::git::inspect_output(Some(&dir), &args, timeout)
    })
    .await;
    match ran {
        Ok(Ok(out)) => Ok(Some(out)),
        Ok(Err(failure)) if failure.stopped => Err(Unanswered),
        Ok(Err(_)) => Ok(None),
        Err(_) => Err(Unanswered),
    }
}

#[cfg(test)]
#[path = "git_config_tests.rs"]
pub(super) mod tests;
