//! What a repository's own configuration makes git run that quire's
//! fixed settings ([`super::neutral`]) cannot switch off by name: an
//! alias (`alias.st = !touch …`), an external diff, a textconv, a
//! credential helper, an ssh command… For git that someone else runs
//! (a hook's `git st`, `git diff`), whatever its subcommand.
//!
//! The configuration is read as git reads it (`git config --list
//! --show-scope --includes`, which runs nothing): every key of the
//! repository's own files (`local` and `worktree` scopes, the files
//! they include too) that names a program or changes what a command
//! runs ([`FAMILIES`]) gets a setting after it, through
//! `GIT_CONFIG_COUNT`, which wins over every file:
//!
//! - the user's own value (system, global or the environment's), when
//!   there is one: their alias or textconv keeps working;
//! - else a value that runs nothing of the repository's: an empty alias
//!   (git says "expansion of alias 'st' failed"), an empty external
//!   diff (git says "cannot run"), `cat` as textconv, git's own programs;
//! - lists (`credential.helper`) are emptied, then the user's entries
//!   given again;
//! - a key nothing can switch off (`core.gitProxy`, whose first value
//!   wins; `core.worktree`; `remote.*.vcs`…), and any other key whose
//!   name ends like a program's (`…cmd`, `…command`, `…program`,
//!   `…helper`, `…hook`: another tool's, a newer git's), is refused,
//!   naming it: the hook does not run.
//!
//! Filters, merge drivers, configured hooks, `core.hooksPath`,
//! `core.fsmonitor`, the pager, the editors and signing are switched
//! off by [`super::neutral`] itself.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use super::GitFailure;

/// What a key of the repository's configuration gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Neutral {
    /// The user's own value, else this one.
    Value(&'static str),
    /// Empty (which empties git's list), then the user's own values.
    Reset,
    /// Nothing set later switches it off.
    Refuse,
}

/// Which subsection a family's keys have.
#[derive(Debug, Clone, Copy)]
enum Sub {
    /// None (`diff.external`).
    No,
    /// Any (`diff.NAME.textconv`).
    Any,
    /// None or any (`credential.helper`, `credential.URL.helper`).
    Either,
    /// This one.
    Named(&'static str),
}

/// A family of keys: section, subsection and variable (`*`: any), lower
/// case as `git config --list` prints them.
type Family = (&'static str, Sub, &'static str, Neutral);

use Neutral::{Refuse, Reset, Value};
use Sub::{Any, Either, Named, No};

/// Every key that names a program or changes what a command runs.
const FAMILIES: &[Family] = &[
    ("alias", Either, "*", Value("")),
    // Switched off again by `neutral::driver_overrides`.
    ("hook", Any, "command", Value("")),
    ("diff", No, "external", Value("")),
    ("diff", Any, "command", Value("")),
    ("diff", Any, "textconv", Value("cat")),
    ("difftool", Any, "cmd", Refuse),
    ("difftool", Any, "path", Refuse),
    ("mergetool", Any, "cmd", Refuse),
    ("mergetool", Any, "path", Refuse),
    ("core", No, "sshcommand", Value("ssh")),
    ("core", No, "askpass", Value("")),
    ("core", No, "gitproxy", Refuse),
    ("core", No, "alternaterefscommand", Refuse),
    ("core", No, "worktree", Refuse),
    ("credential", Either, "helper", Reset),
    ("gpg", No, "program", Value("gpg")),
    ("gpg", Named("openpgp"), "program", Value("gpg")),
    ("gpg", Named("x509"), "program", Value("gpgsm")),
    ("gpg", Named("ssh"), "program", Value("ssh-keygen")),
    ("gpg", Any, "program", Refuse),
    ("gpg", Named("ssh"), "defaultkeycommand", Refuse),
    ("pager", No, "*", Value("false")),
    ("interactive", No, "difffilter", Refuse),
    ("protocol", Either, "allow", Value("user")),
    ("remote", Any, "uploadpack", Value("git-upload-pack")),
    ("remote", Any, "receivepack", Value("git-receive-pack")),
    ("remote", Any, "vcs", Refuse),
    ("submodule", Any, "update", Value("checkout")),
    ("http", Either, "savecookies", Value("false")),
    ("init", No, "templatedir", Refuse),
    ("trailer", Any, "command", Refuse),
    ("trailer", Any, "cmd", Refuse),
    ("tar", Any, "command", Refuse),
    ("sendemail", Either, "sendmailcmd", Refuse),
    ("sendemail", Either, "smtpserver", Refuse),
    ("sendemail", Either, "tocmd", Refuse),
    ("sendemail", Either, "cccmd", Refuse),
    ("sendemail", Either, "headercmd", Refuse),
    ("imap", No, "tunnel", Refuse),
    ("web", No, "browser", Refuse),
    ("help", No, "browser", Refuse),
    ("browser", Any, "cmd", Refuse),
    ("browser", Any, "path", Refuse),
    ("man", No, "viewer", Refuse),
    ("man", Any, "cmd", Refuse),
    ("man", Any, "path", Refuse),
    ("instaweb", No, "*", Refuse),
    ("guitool", Any, "cmd", Refuse),
    ("lfs", No, "standalonetransferagent", Refuse),
    ("lfs", Any, "path", Refuse),
    ("lfs", Any, "clean", Refuse),
    ("lfs", Any, "smudge", Refuse),
];

/// The settings (`key=value`) that make the keys of [`FAMILIES`] the
/// repository at `dir` sets behave as if it had not set them; refused
/// when one cannot be switched off, naming it.
pub(super) fn overrides(dir: &Path, timeout: Option<Duration>) -> Result<Vec<String>, GitFailure> {
    let listed = super::inspect(
        Some(dir),
        &["config", "--list", "--show-scope", "--includes", "-z"],
        timeout,
    )?;
    settings(&listed)
}

/// [`overrides`] from the output of `git config --list --show-scope -z`.
fn settings(listed: &str) -> Result<Vec<String>, GitFailure> {
    // Each entry: scope NUL key [LF value] NUL.
    let mut fields = listed.split('\0');
    let mut user: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut repository: Vec<(&str, Neutral)> = Vec::new();
    while let (Some(scope), Some(entry)) = (fields.next(), fields.next()) {
        let (key, value) = entry.split_once('\n').unwrap_or((entry, ""));
        if matches!(scope, "local" | "worktree") {
            if let Some(neutral) = family_of(key)
                && !repository.iter().any(|(k, _)| *k == key)
            {
                repository.push((key, neutral));
            }
        } else {
            user.entry(key).or_default().push(value);
        }
    }
    let refused: Vec<&str> = repository
        .iter()
        .filter(|(key, n)| *n == Refuse || key.contains('='))
        .map(|(key, _)| *key)
        .collect();
    if !refused.is_empty() {
        return Err(GitFailure::refused(
            "git config",
            format!(
                "the repository's git configuration sets {}, which quire cannot switch off for git it does not run itself: review .git/config (and the files it includes), remove what you did not set (git config --unset KEY), then start quire again",
                refused.join(", ")
            ),
        ));
    }
    let mut out = Vec::new();
    for (key, neutral) in repository {
        let own = user.get(key);
        match neutral {
            Reset => {
                out.push(format!("{key}="));
                out.extend(own.into_iter().flatten().map(|v| format!("{key}={v}")));
            }
            Value(neutral) => {
                let value = own.and_then(|v| v.last()).copied().unwrap_or(neutral);
                out.push(format!("{key}={value}"));
            }
            Refuse => {}
        }
    }
    Ok(out)
}

/// Endings of a variable that names a program in keys [`FAMILIES`] does
/// not list (another tool's, a newer git's): refused, to be safe.
const PROGRAM_ENDINGS: &[&str] = &["cmd", "command", "program", "helper", "hook"];

/// How the key `key` (`section[.subsection].variable`) is switched off;
/// `None`: it names no program.
fn family_of(key: &str) -> Option<Neutral> {
    let (section, rest) = key.split_once('.')?;
    let (subsection, variable) = match rest.rsplit_once('.') {
        Some((sub, var)) => (Some(sub), var),
        None => (None, rest),
    };
    FAMILIES
        .iter()
        .find(|(s, sub, v, _)| {
            *s == section
                && match (sub, subsection) {
                    (No | Either, None) | (Any | Either, Some(_)) => true,
                    (Named(want), Some(got)) => *want == got,
                    _ => false,
                }
                && (*v == "*" || *v == variable)
        })
        .map(|(_, _, _, n)| *n)
        .or_else(|| {
            PROGRAM_ENDINGS
                .iter()
                .any(|end| variable.ends_with(end))
                .then_some(Refuse)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(entries: &[(&str, &str)]) -> String {
        entries
            .iter()
            .map(|(scope, entry)| format!("{scope}\0{entry}\0"))
            .collect()
    }

    #[test]
    fn the_repository_s_keys_get_the_user_s_value_or_a_neutral_one() {
        let out = settings(&listed(&[
            ("global", "alias.st\nstatus -sb"),
            ("global", "credential.helper\nstore"),
            ("local", "core.filemode\ntrue"),
            ("local", "alias.st\n!touch x"),
            ("local", "alias.lg\n!touch y"),
            ("local", "diff.external\nsh -c x"),
            ("local", "diff.tc.textconv\nsh -c x"),
            ("worktree", "credential.helper\n!x"),
            ("local", "pager.log\n!x"),
        ]))
        .unwrap();
        assert_eq!(
            out,
            [
                "alias.st=status -sb",
                "alias.lg=",
                "diff.external=",
                "diff.tc.textconv=cat",
                "credential.helper=",
                "credential.helper=store",
                "pager.log=false",
            ]
        );
        // The user's own keys alone need nothing.
        let user = listed(&[("global", "alias.st\n!x"), ("system", "diff.external\nx")]);
        assert!(settings(&user).unwrap().is_empty());
    }

    #[test]
    fn keys_that_cannot_be_switched_off_are_refused_by_name() {
        for key in ["core.gitproxy", "remote.origin.vcs", "diff.a=b.textconv"] {
            let why = settings(&listed(&[("local", &format!("{key}\nx"))]))
                .unwrap_err()
                .explain();
            assert!(why.contains(key) && why.contains(".git/config"), "{why}");
        }
        assert_eq!(family_of("gpg.ssh.program"), Some(Value("ssh-keygen")));
        assert_eq!(family_of("gpg.other.program"), Some(Refuse));
        assert_eq!(family_of("diff.a.b.textconv"), Some(Value("cat")));
        assert_eq!(family_of("diff.noprefix"), None);
        assert_eq!(family_of("remote.origin.url"), None);
        assert_eq!(family_of("svn-remote.svn.authorsprog"), None);
        assert_eq!(family_of("p4.othercommand"), Some(Refuse));
        assert_eq!(family_of("alias.x.command"), Some(Value("")));
    }
}
