//! The git a command hook starts, and the repository's git setup the
//! session's commands may have written. Hooks run outside the sandbox as
//! the user; a sandboxed command may write `.git/config`, `.git/hooks`
//! and `.git/info/attributes`, and git started by a hook (`git status`,
//! `git add -A && git commit`) would run what they name: an fsmonitor, a
//! pre-commit hook, a filter.
//!
//! - every command hook's git runs without an fsmonitor
//!   (`core.fsmonitor=false` through `GIT_CONFIG_COUNT`, which nested
//!   repositories' gits inherit too): only speed is lost;
//! - [`GitSetup::record`] keeps, at session start, the repository's setup
//!   as the user left it: its config files (the files they include too),
//!   `info/attributes`, and every entry of its hooks folder (name, mode,
//!   content);
//! - before a command hook runs, [`GitSetup::hook_env`] looks again: once
//!   any of it changed during the session (or a repository appeared),
//!   the hooks' git runs for the rest of the session with quire's own
//!   git protection ([`crate::git::neutral_settings`]: no repository
//!   hooks, filters, merge drivers, signing, editor or pager, and none
//!   of the programs the repository's configuration names — aliases,
//!   external diff, textconv, credential helpers…), said once in a
//!   warning naming what changed; a hook does not run (a guard blocks)
//!   while the configuration sets what cannot be switched off. The
//!   user's own hooks keep working while nothing changed.

use std::collections::BTreeMap;
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

/// Environment variables to add, by name.
type Vars = Vec<(String, String)>;

/// What every command hook's git gets.
const ALWAYS: &[&str] = &["core.fsmonitor=false"];

/// One entry of the recorded setup.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    File { mode: u32, digest: [u8; 32] },
    Link { target: PathBuf, to: Box<Entry> },
    Folder { mode: u32 },
    Unreadable,
}

/// Where a repository keeps its setup.
#[derive(Debug, Clone, Default)]
struct Places {
    files: Vec<PathBuf>,
    folders: Vec<PathBuf>,
}

/// The repository's git setup as the session found it.
#[derive(Debug)]
pub(crate) struct GitSetup {
    repo: PathBuf,
    /// `None`: `repo` was no repository at the start.
    places: Option<Places>,
    recorded: BTreeMap<PathBuf, Entry>,
    /// What was found changed (kept once found: the rest of the session
    /// runs hooks' git neutralised).
    changed: Mutex<Option<Vec<String>>>,
}

impl GitSetup {
    /// The setup of the repository at `repo` now.
    pub(crate) fn record(repo: &Path) -> GitSetup {
        let places = places(repo);
        let recorded = places.as_ref().map(snapshot).unwrap_or_default();
        GitSetup {
            repo: repo.to_path_buf(),
            places,
            recorded,
            changed: Mutex::new(None),
        }
    }

    /// What changed since [`GitSetup::record`], by path (relative to the
    /// repository where inside it); empty when nothing did.
    fn changes(&self) -> Vec<String> {
        let Some(places) = &self.places else {
            // A repository created during the session: all of its setup
            // is the session's.
            return match is_repository_now(&self.repo) {
                true => vec![".git (a repository created during this session)".into()],
                false => Vec::new(),
            };
        };
        let now = snapshot(places);
        let mut changed: Vec<&PathBuf> = now
            .iter()
            .filter(|(p, e)| self.recorded.get(*p) != Some(e))
            .map(|(p, _)| p)
            .collect();
        changed.extend(self.recorded.keys().filter(|p| !now.contains_key(*p)));
        changed.sort();
        changed.dedup();
        let real = std::fs::canonicalize(&self.repo).unwrap_or_else(|_| self.repo.clone());
        changed
            .into_iter()
            .map(|p| {
                p.strip_prefix(&self.repo)
                    .or_else(|_| p.strip_prefix(&real))
                    .unwrap_or(p)
                    .display()
                    .to_string()
            })
            .collect()
    }

    /// The variables a command hook gets for its git (`env` holds those
    /// it gets already), and the warning to give, the first time the
    /// setup is found changed. An error says why the hook cannot run:
    /// the setup changed and quire cannot switch off what it names.
    pub(crate) fn hook_env(
        &self,
        env: &[(&str, String)],
    ) -> Result<(Vars, Option<String>), String> {
        let mut changed = self.changed.lock().unwrap_or_else(|e| e.into_inner());
        let mut warning = None;
        if changed.is_none() {
            let now = self.changes();
            if !now.is_empty() {
                warning = Some(changed_warning(&now));
                *changed = Some(now);
            }
        }
        let settings: Vec<String> = match changed.is_some() {
            false => ALWAYS.iter().map(|s| s.to_string()).collect(),
            true => crate::git::neutral_settings(&self.repo).map_err(|e| {
                format!(
                    "the repository's git setup changed during this session and quire cannot switch off what it names ({}): check .git and restart quire",
                    e.explain()
                )
            })?,
        };
        Ok((config_env(env, &settings), warning))
    }
}

/// Whether `hook` is a command naming `git` (a word): the model's
/// commands are paused while it runs, so what its git reads is what was
/// checked.
pub(crate) fn names_git(hook: &super::Hook) -> bool {
    hook.def.kind == super::HookKind::Command
        && hook
            .def
            .command
            .as_deref()
            .is_some_and(super::code_runners::names_git)
}

/// The warning that the setup changed (`what`: its paths).
fn changed_warning(what: &[String]) -> String {
    format!(
        "the repository's git setup changed during this session ({}), possibly by the model's commands: for the rest of the session, git started by hooks runs without repository hooks, fsmonitor, filters, merge drivers, signing, or the repository's own aliases, external diff, textconv, credential helpers and other programs its configuration names (quire sets them off through GIT_CONFIG_COUNT; the user's own global ones stay); check what changed, then start quire again to run them",
        what.join(", ")
    )
}

/// `settings` as `GIT_CONFIG_COUNT`, `GIT_CONFIG_KEY_n` and
/// `GIT_CONFIG_VALUE_n`, after those `env` or quire's environment set.
fn config_env(env: &[(&str, String)], settings: &[String]) -> Vars {
    let given = env
        .iter()
        .rev()
        .find(|(k, _)| *k == "GIT_CONFIG_COUNT")
        .map(|(_, v)| v.clone())
        .or_else(|| std::env::var("GIT_CONFIG_COUNT").ok());
    let first: usize = given.and_then(|v| v.trim().parse().ok()).unwrap_or(0);
    let mut out = Vec::with_capacity(settings.len() * 2 + 1);
    for (i, setting) in settings.iter().enumerate() {
        let (key, value) = setting.split_once('=').unwrap_or((setting, ""));
        out.push((format!("GIT_CONFIG_KEY_{}", first + i), key.to_string()));
        out.push((format!("GIT_CONFIG_VALUE_{}", first + i), value.to_string()));
    }
    out.push((
        "GIT_CONFIG_COUNT".to_string(),
        (first + settings.len()).to_string(),
    ));
    out
}

/// Whether `repo` is a repository now (its `.git`, a folder or a file).
fn is_repository_now(repo: &Path) -> bool {
    repo.join(".git").symlink_metadata().is_ok()
}

/// Where the repository at `repo` keeps its setup; `None` outside one.
/// git reads it (`rev-parse`, `config --get-regexp`, which run nothing).
fn places(repo: &Path) -> Option<Places> {
    let read = |args: &[&str]| -> Option<String> {
        let out = crate::git::inspect_output(Some(repo), args, None).ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let dirs = read(&[
        "rev-parse",
        "--absolute-git-dir",
        "--git-common-dir",
        "--git-path",
        "hooks",
    ])?;
    let mut lines = dirs.lines().map(|l| repo.join(l));
    let (git_dir, common, hooks) = (lines.next()?, lines.next()?, lines.next()?);
    let config = common.join("config");
    let mut files = vec![
        config.clone(),
        git_dir.join("config.worktree"),
        common.join("info/attributes"),
    ];
    // Files the configuration includes (relative to the file naming them).
    let includes = read(&[
        "config",
        "--local",
        "--get-regexp",
        r"^include(if\..*)?\.path$",
    ])
    .unwrap_or_default();
    for line in includes.lines() {
        if let Some((_, path)) = line.split_once(' ')
            && !path.starts_with('~')
        {
            files.push(common.join(path));
        }
    }
    let mut folders = vec![common.join("hooks")];
    if !folders.contains(&hooks) {
        folders.push(hooks);
    }
    Some(Places { files, folders })
}

/// Every entry of `places` that exists now.
fn snapshot(places: &Places) -> BTreeMap<PathBuf, Entry> {
    let mut out = BTreeMap::new();
    for file in &places.files {
        if let Some(e) = entry(file) {
            out.insert(file.clone(), e);
        }
    }
    for folder in &places.folders {
        if let Some(e) = entry(folder) {
            out.insert(folder.clone(), e);
        }
        let Ok(list) = std::fs::read_dir(folder) else {
            continue;
        };
        for item in list.flatten() {
            let path = item.path();
            if let Some(e) = entry(&path) {
                out.insert(path, e);
            }
        }
    }
    out
}

/// What `path` is now (`None`: missing); a link is its target and what
/// that is.
fn entry(path: &Path) -> Option<Entry> {
    let meta = path.symlink_metadata().ok()?;
    if meta.file_type().is_symlink() {
        let target = std::fs::read_link(path).ok()?;
        let to = match path.metadata() {
            Ok(m) => followed(path, &m),
            Err(_) => Entry::Unreadable,
        };
        return Some(Entry::Link {
            target,
            to: Box::new(to),
        });
    }
    Some(followed(path, &meta))
}

fn followed(path: &Path, meta: &std::fs::Metadata) -> Entry {
    if meta.is_dir() {
        return Entry::Folder { mode: meta.mode() };
    }
    match digest(path) {
        Some(digest) => Entry::File {
            mode: meta.mode(),
            digest,
        },
        None => Entry::Unreadable,
    }
}

fn digest(path: &Path) -> Option<[u8; 32]> {
    let mut file = std::fs::File::open(path).ok()?;
    let mut hasher = Sha256::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = file.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Some(hasher.finalize().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(dir: &Path, args: &[&str]) {
        let ok = std::process::Command::new("git")
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap()
            .status
            .success();
        assert!(ok, "git {args:?}");
    }

    #[test]
    fn a_change_to_the_hooks_folder_or_config_is_named_and_kept() {
        let repo = tempfile::tempdir().unwrap();
        git(repo.path(), &["init", "-q"]);
        let setup = GitSetup::record(repo.path());
        std::fs::write(repo.path().join("new.txt"), "x").unwrap();
        assert!(setup.changes().is_empty());
        let (env, warning) = setup.hook_env(&[]).unwrap();
        assert!(warning.is_none());
        assert!(env.contains(&("GIT_CONFIG_VALUE_0".into(), "false".into())));
        std::fs::write(repo.path().join(".git/hooks/pre-commit"), "#!/bin/sh\n").unwrap();
        git(repo.path(), &["config", "core.fsmonitor", "./x"]);
        assert_eq!(
            setup.changes(),
            [".git/config", ".git/hooks/pre-commit"].map(String::from)
        );
        let (env, warning) = setup.hook_env(&[]).unwrap();
        assert!(warning.is_some_and(|w| w.contains(".git/hooks/pre-commit")));
        assert!(env.contains(&("GIT_CONFIG_VALUE_0".into(), "/dev/null".into())));
        // Said once; the rest of the session stays neutral.
        let (env, warning) = setup.hook_env(&[]).unwrap();
        assert!(warning.is_none());
        assert!(env.contains(&("GIT_CONFIG_VALUE_0".into(), "/dev/null".into())));
    }

    #[test]
    fn settings_come_after_those_already_given() {
        let env = [("GIT_CONFIG_COUNT", "2".to_string())];
        let out = config_env(&env, &["core.hooksPath=/dev/null".into()]);
        assert!(out.contains(&("GIT_CONFIG_KEY_2".into(), "core.hooksPath".into())));
        assert!(out.contains(&("GIT_CONFIG_VALUE_2".into(), "/dev/null".into())));
        assert!(out.contains(&("GIT_CONFIG_COUNT".into(), "3".into())));
    }
}
