//! What quire's own git commands ignore: everything in a repository's
//! configuration (or the user's) that makes git start a program other
//! than itself. A sandboxed command may write `.git/config`, a file it
//! includes, `.git/hooks` and `.git/info/attributes`; quire's git runs as
//! the user, outside the sandbox, so none of it may run there.
//!
//! - fixed settings ([`FIXED`], [`LOCAL`]): no hooks (`core.hooksPath`
//!   is `/dev/null`), no fsmonitor, no pager or editor, no signing or
//!   signature checks, no automatic gc, no transport (local commands);
//! - every filter driver the configuration defines (`filter.NAME.*`) has
//!   empty `clean`, `smudge` and `process` and is not `required`: files
//!   go in and out as they are. Its name is read from the configuration
//!   (reading it runs nothing), of the repository and of every
//!   repository nested in its working tree that git looks into
//!   (submodules, embedded repositories);
//! - every merge driver (`merge.NAME.driver`) is git's own three-way
//!   merge (`git merge-file`);
//! - `diff`, `show` and `log` get `--no-ext-diff --no-textconv`.
//!
//! `-c` settings win over every configuration file, included ones too.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use super::GitFailure;

/// Settings every git command quire runs gets.
pub(super) const FIXED: &[&str] = &[
    "core.hooksPath=/dev/null",
    "core.fsmonitor=false",
    "core.pager=cat",
    "core.editor=:",
    "sequence.editor=:",
    "commit.gpgSign=false",
    "tag.gpgSign=false",
    "tag.forceSignAnnotated=false",
    "log.showSignature=false",
    "merge.verifySignatures=false",
    "submodule.recurse=false",
    "gc.auto=0",
    "maintenance.auto=false",
    "protocol.ext.allow=never",
];

/// What commands that may fetch get: only the transports quire's
/// sources may use (`share::transport`). Any other (`x://`, `x::`) is a
/// remote helper, a program `git-remote-x` found on `PATH`.
pub(super) const NETWORK: &[&str] = &[
    "protocol.allow=never",
    "protocol.https.allow=always",
    "protocol.http.allow=always",
    "protocol.ssh.allow=always",
    "protocol.git.allow=always",
    "protocol.file.allow=always",
];

/// What commands that never fetch also get: no transport at all (a
/// partial clone's lazy fetch would run `core.sshCommand`, credential
/// helpers, `remote.*.uploadpack`).
pub(super) const LOCAL: &[&str] = &["protocol.allow=never", "credential.helper="];

/// Environment of every git command quire runs: never a prompt, an
/// editor or a pager; local commands also never fetch missing objects.
/// Reads (`git status`) never write the index: it stays as the user's git
/// and the model's commands left it, and is never locked under them.
pub(super) const ENV: &[(&str, &str)] = &[
    ("GIT_TERMINAL_PROMPT", "0"),
    ("GIT_OPTIONAL_LOCKS", "0"),
    ("GIT_EDITOR", ":"),
    ("GIT_SEQUENCE_EDITOR", ":"),
    ("GIT_PAGER", "cat"),
];

/// Subcommands that show diffs: no external diff, no textconv.
const DIFF_COMMANDS: &[&str] = &["diff", "show", "log"];
const DIFF_FLAGS: &[&str] = &["--no-ext-diff", "--no-textconv"];

/// Subcommands that look into nested repositories of the working tree
/// (`git status` in each, which runs their filters).
const NESTED_COMMANDS: &[&str] = &[
    "add", "checkout", "commit", "diff", "merge", "reset", "restore", "rm", "mv", "stash",
    "status", "switch", "worktree",
];

/// git's own three-way merge, in place of a configured merge driver.
const MERGE_FILE: &str = "git merge-file --marker-size=%L -L ours -L base -L theirs %A %O %B";

/// Nested repositories looked into at most; more is refused.
const MAX_REPOSITORIES: usize = 64;
/// How deep nested repositories are looked into at most.
const MAX_DEPTH: usize = 4;

/// The flags to put right after `subcommand`.
pub(super) fn flags_for(subcommand: &str) -> &'static [&'static str] {
    if DIFF_COMMANDS.contains(&subcommand) {
        DIFF_FLAGS
    } else {
        &[]
    }
}

/// The `-c` settings that switch off the drivers the configuration at
/// `dir` defines (and that of the repositories nested in it, for
/// `subcommand`s that look into them). Each git read for it is stopped
/// after `timeout` (a configuration may include a file that never ends).
pub(super) fn driver_overrides(
    dir: Option<&Path>,
    subcommand: &str,
    timeout: Option<Duration>,
) -> Result<Vec<String>, GitFailure> {
    let mut drivers = BTreeSet::new();
    let mut seen = 0;
    let nested = NESTED_COMMANDS.contains(&subcommand);
    collect(dir, nested, timeout, 0, &mut seen, &mut drivers)?;
    let mut settings = Vec::new();
    for driver in drivers {
        match driver {
            Driver::Filter(name) => {
                for key in ["clean", "smudge", "process"] {
                    settings.push(format!("filter.{name}.{key}="));
                }
                settings.push(format!("filter.{name}.required=false"));
            }
            Driver::Merge(name) => {
                settings.push(format!("merge.{name}.driver={MERGE_FILE}"));
                settings.push(format!("merge.{name}.recursive=text"));
            }
            // Hooks named in the configuration (gits that run them).
            Driver::Hook(name) => settings.push(format!("hook.{name}.command=")),
        }
    }
    Ok(settings)
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Driver {
    Filter(String),
    Merge(String),
    Hook(String),
}

/// Adds the drivers the configuration at `dir` defines to `drivers`, and
/// those of the repositories nested in its working tree when `nested`.
fn collect(
    dir: Option<&Path>,
    nested: bool,
    timeout: Option<Duration>,
    depth: usize,
    seen: &mut usize,
    drivers: &mut BTreeSet<Driver>,
) -> Result<(), GitFailure> {
    *seen += 1;
    if *seen > MAX_REPOSITORIES || depth > MAX_DEPTH {
        return Err(GitFailure::refused(
            "git",
            format!(
                "more than {MAX_REPOSITORIES} nested repositories (or nested deeper than {MAX_DEPTH}) in {}: quire cannot check what their git setups run; remove some or run git yourself",
                dir.map_or(".".into(), |d| d.display().to_string())
            ),
        ));
    }
    let out = super::inspect(
        dir,
        &["config", "-z", "--get-regexp", r"^(filter|merge|hook)\."],
        timeout,
    )?;
    for entry in out.split('\0') {
        let key = entry.split_once('\n').map_or(entry, |(k, _)| k);
        if let Some(driver) = driver_of(key)? {
            drivers.insert(driver);
        }
    }
    let Some(dir) = dir.filter(|_| nested) else {
        return Ok(());
    };
    for path in nested_repositories(dir, timeout) {
        collect(Some(&path), true, timeout, depth + 1, seen, drivers)?;
    }
    Ok(())
}

/// The driver a configuration key (`filter.NAME.clean`) sets, if any.
/// A name `-c` cannot carry (it splits at the first `=`) is refused.
fn driver_of(key: &str) -> Result<Option<Driver>, GitFailure> {
    let Some((section, rest)) = key.split_once('.') else {
        return Ok(None);
    };
    let Some((name, _variable)) = rest.rsplit_once('.') else {
        return Ok(None);
    };
    if name.contains('=') {
        return Err(GitFailure::refused(
            "git config",
            format!(
                "the git configuration names a {section} driver '{}' with '=' in its name, which quire cannot switch off: rename or remove it (git config --remove-section {section}.NAME)",
                name.escape_debug()
            ),
        ));
    }
    Ok(match section {
        "filter" => Some(Driver::Filter(name.to_string())),
        "merge" => Some(Driver::Merge(name.to_string())),
        "hook" => Some(Driver::Hook(name.to_string())),
        _ => None,
    })
}

/// The working trees of the repositories nested in `dir`'s working tree
/// that git looks into: its index's gitlinks (submodules, embedded
/// repositories) that hold a `.git`. None when `dir` has no index.
fn nested_repositories(dir: &Path, timeout: Option<Duration>) -> Vec<std::path::PathBuf> {
    let Ok(out) = super::plain(dir, &["ls-files", "-s", "-z", ":/"], timeout) else {
        return Vec::new();
    };
    out.split('\0')
        .filter_map(|line| line.strip_prefix("160000 "))
        .filter_map(|rest| rest.split_once('\t').map(|(_, path)| dir.join(path)))
        .filter(|p| std::fs::symlink_metadata(p.join(".git")).is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn driver_names_may_hold_dots_and_are_refused_with_an_equals_sign() {
        assert_eq!(
            driver_of("filter.a.b.clean").unwrap(),
            Some(Driver::Filter("a.b".into()))
        );
        assert_eq!(
            driver_of("merge.ours.driver").unwrap(),
            Some(Driver::Merge("ours".into()))
        );
        assert_eq!(driver_of("merge.verifysignatures").unwrap(), None);
        assert_eq!(driver_of("diff.x.textconv").unwrap(), None);
        let refused = driver_of("filter.a=b.clean").unwrap_err().explain();
        assert!(refused.contains("'a=b'"), "{refused}");
    }
}
