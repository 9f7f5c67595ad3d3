//! Team sharing: skills and plugins installed into a repository from a
//! folder or a git repository, recorded in `quire.lock` with the commit and
//! the sha256 of every file, so a teammate (or CI) gets exactly the same
//! files with `quire share sync`, and `quire share verify` reports drift.
//! An installed skill whose files drifted is flagged and never
//! auto-activated ([`mark_drift`]).
//!
//! - [`source`]: parsing a source, fetching it (git checkouts).
//! - [`digest`]: per-file sha256 and drift.
//! - [`lock`]: the `quire.lock` file.
//! - [`check`]: every path a lock names stays in its folder (and a
//!   repository's folder sources in or beside it).
//! - `found`: the skills and plugins a source holds, and their names.
//! - [`install`]: add, remove.
//! - `sync`: verify and sync (restoring from the locked commit).
//! - [`update`]: what an update would change, installed once accepted.
//! - [`folder_news`]: what upstream added to a folder added whole.
//! - [`entry_manifest`]: a marketplace entry as its plugin's manifest.
//! - [`source_files`]: what of a source folder is installed.

pub mod bundle_entry;
pub(crate) mod check;
pub(crate) mod digest;
mod digest_cache;
pub(crate) mod entry_manifest;
pub mod folder_news;
mod found;
pub(crate) mod git;
pub(crate) mod install;
pub(crate) mod installed_record;
pub mod leftovers;
pub mod legacy;
pub mod lock;
pub(crate) mod mcp_source;
pub mod source;
pub(crate) mod source_files;
mod source_links;
mod sync;
pub mod transport;
pub(crate) mod update;

use std::path::PathBuf;

pub use install::{AddOptions, add, other_source, remove, source_text};
pub use lock::{Entry, Kind, Layout, LockFile, TOP_FOLDER};
pub use source::Source;
pub use sync::{Synced, reinstall, sync, verify};
pub use update::{Pending, apply, plan};

use crate::skills::{Discovery, Skill, Skipped};

/// Where sharing works: the repository, a scratch folder for checkouts,
/// and the MCP servers `mcp:SERVER` sources may name.
pub struct ShareContext {
    /// The folder holding `quire.lock`: the repository root, or
    /// `$QUIRE_HOME` for the user's own lock.
    pub root: PathBuf,
    pub layout: lock::Layout,
    /// Checkouts and downloads while they are used.
    pub scratch: PathBuf,
    pub mcp: Vec<crate::mcp::ServerSpec>,
    /// A repository's lock may fetch git repositories on this machine
    /// (`file://`, paths): only when the user says so
    /// (`--allow-local-sources`), as the lock is the repository's input.
    pub allow_local: bool,
    /// Where the digests of what was installed into each folder are
    /// recorded (`$QUIRE_HOME/state/share`), so `sync` tells files an
    /// older lock installed from local edits.
    pub records: PathBuf,
    /// The copies of the added marketplaces (`$QUIRE_HOME/marketplaces`),
    /// where `update` reads a plugin's marketplace entry again.
    pub marketplaces: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum ShareError {
    #[error("{path}: {message}")]
    Io { path: PathBuf, message: String },
    #[error("{0}")]
    Invalid(String),
    /// A folder holds `path`, a link or neither a file nor a folder (a
    /// named pipe, a socket, a device): `fact` says what it is, `advice`
    /// what to do when adding the folder.
    #[error("{fact}; {advice}")]
    NotPlain {
        path: PathBuf,
        fact: String,
        advice: &'static str,
    },
    /// A git source has no such branch, tag or commit (what it has).
    #[error("{0}; pass an existing one with --ref")]
    NoRevision(String),
}

impl ShareError {
    /// For an installed folder holding what is not a plain file
    /// ([`ShareError::NotPlain`]): what it is and the command that removes
    /// it (the folder can then be restored from the lock).
    pub fn removal(&self) -> Option<String> {
        let ShareError::NotPlain { path, fact, .. } = self else {
            return None;
        };
        let path = crate::commands::allowed::shell_word(&path.display().to_string());
        Some(format!(
            "{fact}; installed skills and plugins hold plain files only: remove it with `rm -- {path}`"
        ))
    }
}

/// Flags skills installed by `quire share` whose files no longer match
/// `quire.lock` under `root`: their `drift` says how, and selection never
/// activates them on its own. One whose changes keep it from loading (its
/// `SKILL.md` broken or removed) is listed in `drifted`. A lock that
/// cannot be read is logged.
pub fn mark_drift(d: &mut Discovery, root: &std::path::Path) {
    let lock = match LockFile::load(root) {
        Ok(l) => l,
        Err(e) => {
            tracing::warn!("{e}");
            return;
        }
    };
    for entry in lock.entries.iter().filter(|e| e.kind == Kind::Skill) {
        // Whichever layout: only `<skills folder>/<name>` is ever read.
        let valid = [Layout::Project, Layout::User]
            .into_iter()
            .any(|l| check::entry(entry, l).is_ok());
        if !valid {
            tracing::warn!(name = %entry.name, "quire.lock: entry outside its folder skipped");
            continue;
        }
        let dir = root.join(&entry.installed);
        let canonical = std::fs::canonicalize(&dir).unwrap_or_else(|_| dir.clone());
        // Runs for every message: only folders of the same name are
        // resolved (the paths may differ by symlinks).
        let is_it = |s: &Skill| {
            s.dir == dir
                || (s.dir.file_name() == dir.file_name()
                    && std::fs::canonicalize(&s.dir).is_ok_and(|d| d == canonical))
        };
        let loaded = d.skills.iter().position(is_it);
        // Not installed yet (`sync` installs it), or another skill of its
        // name wins: nothing to flag.
        if loaded.is_none() && (!dir.is_dir() || d.shadowed.iter().any(|s| is_it(&s.skill))) {
            continue;
        }
        // A folder that cannot be read as plain files (a named pipe in
        // it) says why, not that every file is missing.
        let why = match digest::of_folder(&dir) {
            Err(e) => format!("cannot be checked against quire.lock: {e}"),
            Ok(now) => {
                let drift = digest::Drift::between(&entry.files, &now);
                if drift.is_clean() {
                    continue;
                }
                // Only a changed or added file is the user's to lose: `--force`.
                let sync = match drift.is_local() {
                    true => "quire share sync --force",
                    false => "quire share sync",
                };
                format!(
                    "differs from quire.lock ({}); `{sync}` restores it",
                    drift.describe()
                )
            }
        };
        match loaded {
            Some(i) => d.skills[i].drift = Some(why),
            None => d.drifted.push(Skipped {
                path: dir,
                reason: why,
            }),
        }
    }
}
