//! What git runs besides itself: programs a repository's configuration
//! names (which a sandboxed command may have written into `.git/config`),
//! and git's own commands, which no alias can stand for.

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

/// Whether git's configuration at `cwd` names a program git runs on its
/// own during status, diff, log or show.
pub(super) async fn runs_programs(cwd: &std::path::Path) -> bool {
    let mut cmd = tokio::process::Command::new("git");
    cmd.arg("-C")
        .arg(cwd)
        .args([
            "config",
            "--get-regexp",
            r"^(core\.fsmonitor|diff\.external|diff\..+\.(command|textconv))$",
        ])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null());
    // Recorded as quire's own child, so no sweep of orphans reaps it.
    let out = match crate::child::spawn_tokio(&mut cmd) {
        Ok(child) => child.wait_with_output().await,
        Err(e) => Err(e),
    };
    let Ok(out) = out else {
        // No git: the command itself cannot run git either.
        return false;
    };
    String::from_utf8_lossy(&out.stdout).lines().any(|line| {
        let (key, value) = line.split_once(' ').unwrap_or((line, ""));
        // `core.fsmonitor = true` is git's own daemon, not a program.
        let builtin = key == "core.fsmonitor"
            && matches!(
                value.trim().to_ascii_lowercase().as_str(),
                "true" | "false" | "yes" | "no" | "on" | "off" | "1" | "0" | ""
            );
        !builtin
    })
}
