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
/// a submodule it recurses into. True when that cannot be told.
pub(super) async fn runs_programs(cwd: &std::path::Path) -> bool {
    let mut pending = vec![(cwd.to_path_buf(), 0usize)];
    let mut seen = 0usize;
    while let Some((dir, depth)) = pending.pop() {
        seen += 1;
        if seen > MAX_REPOSITORIES || depth > MAX_DEPTH {
            return true;
        }
        let Some(repo) = Repository::read(&dir).await else {
            // No git, or not a repository: the command cannot run git
            // in it either.
            continue;
        };
        if repo.names_program || repo.has_read_hook() {
            return true;
        }
        let Some(submodules) = repo.submodules().await else {
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

impl Repository {
    /// `None` when `dir` is not in a git repository (or git is missing).
    async fn read(dir: &std::path::Path) -> Option<Repository> {
        let hooks = git(dir, &["rev-parse", "--git-path", "hooks"]).await?;
        let hooks = dir.join(hooks.trim_end_matches('\n'));
        // None in a bare repository, which has no submodules checked out.
        let top = git(dir, &["rev-parse", "--show-toplevel"])
            .await
            .map(|t| dir.join(t.trim_end_matches('\n')));
        // A configuration git cannot read: asked about.
        let config = git(dir, &["config", "--get-regexp", PROGRAM_KEYS]).await;
        Some(Repository {
            names_program: config.is_none_or(|c| names_program(&c)),
            hooks,
            top,
        })
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
    async fn submodules(&self) -> Option<Vec<std::path::PathBuf>> {
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
        let cmd = crate::git::inspect_command(
            Some(top),
            &["config", &file, "--get-regexp", r"^submodule\..+\.path$"],
        )
        .ok()?;
        let out = output(cmd.into()).await?;
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
async fn git(dir: &std::path::Path, args: &[&str]) -> Option<String> {
    // Read as the repository has it, none of quire's settings in the way.
    let cmd = crate::git::inspect_command(Some(dir), args).ok()?;
    let out = output(cmd.into()).await?;
    // `git config --get-regexp` exits 1 when nothing matched.
    let matched_nothing = args.first() == Some(&"config") && out.status.code() == Some(1);
    if !out.status.success() && !matched_nothing {
        return None;
    }
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

async fn output(mut cmd: tokio::process::Command) -> Option<std::process::Output> {
    cmd.stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null());
    // Recorded as quire's own child, so no sweep of orphans reaps it.
    let child = crate::child::spawn_tokio(&mut cmd).ok()?;
    child.wait_with_output().await.ok()
}

#[cfg(test)]
#[path = "git_config_tests.rs"]
pub(super) mod tests;
