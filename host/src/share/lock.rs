//! `quire.lock` at the repository root: what was installed from where, at
//! which commit, with the sha256 of every file. Commit it; `quire share
//! sync` reproduces it exactly and `quire share verify` reports drift.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::ShareError;
use super::digest::Digests;

pub const FILE: &str = "quire.lock";
/// The newest version written: 2 records each file's mode with its digest
/// ([`super::digest`]). Version 1 (digests without modes) is still read,
/// and written when no entry has a mode, so an older quire keeps reading
/// a lock no entry of which was added or updated since.
pub const VERSION: u32 = 2;
/// The lock written before modes were recorded.
const VERSION_WITHOUT_MODES: u32 = 1;
/// The largest lock read (4 MiB: thousands of entries). A lock comes with
/// the repository, so a bigger one is refused rather than parsed.
pub const MAX_BYTES: u64 = 4 * 1024 * 1024;

const HEADER: &str = "# quire.lock: skills and plugins installed with `quire share add`.\n# Written by quire; commit it. `quire share sync` installs exactly this,\n# `quire share verify` reports files that differ.\n\n";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Skill,
    /// A WASM component folder (`plugin.toml` + `.wasm`).
    Plugin,
    /// A plugin bundle (Agent Plugins, Claude Code or Codex layout).
    Bundle,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Skill => "skill",
            Kind::Plugin => "plugin",
            Kind::Bundle => "plugin bundle",
        }
    }

    /// Where this kind is installed, relative to the lock's folder: the
    /// repository root (`.quire/skills`) or `$QUIRE_HOME` (`skills`).
    pub fn folder(self, layout: Layout) -> &'static str {
        match (self, layout) {
            (Kind::Skill, Layout::Project) => ".quire/skills",
            (Kind::Plugin, Layout::Project) => ".quire/plugins",
            (Kind::Skill, Layout::User) => "skills",
            (Kind::Plugin, Layout::User) => "plugins",
            (Kind::Bundle, Layout::Project) => ".agents/plugins",
            // The user's bundles live in ~/.agents/plugins, where every
            // client looks; the user's own lock (in $QUIRE_HOME) names them
            // from the home folder ([`resolve`]).
            (Kind::Bundle, Layout::User) => "~/.agents/plugins",
        }
    }
}

/// An entry's `folder` when the source's top folder was added whole
/// (`quire share add SOURCE` holding several skills or plugins).
pub const TOP_FOLDER: &str = ".";

/// The folder an entry's `installed` names: under the lock's folder
/// `root`, or under the home folder for `~/…` (the user's bundles in
/// `~/.agents/plugins`; `root` when HOME is not set).
pub fn resolve(root: &Path, installed: &str) -> std::path::PathBuf {
    match installed.strip_prefix("~/") {
        Some(rest) => std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .map_or_else(|| root.join(rest), |h| Path::new(&h).join(rest)),
        None => root.join(installed),
    }
}

/// Whose lock: a repository's (shared with the team) or the user's own
/// (`$QUIRE_HOME/quire.lock`, for skills and plugins of every repository).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    #[default]
    Project,
    User,
}

/// One installed skill or plugin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub kind: Kind,
    pub name: String,
    /// A git URL, or a folder (relative paths from the repository root).
    pub source: String,
    /// The branch or tag asked for (git).
    #[serde(rename = "ref", default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// The folder inside the source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subdir: Option<String>,
    /// The folder inside the source it was added with (`--path DIR`, or
    /// [`TOP_FOLDER`] for the source added whole) when that folder held
    /// several skills or plugins; `subdir` is inside it. `quire share
    /// update` names what upstream added to it since.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub folder: Option<String>,
    /// The commit the ref resolved to (git).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// Where it is installed, relative to the repository root.
    pub installed: String,
    pub files: Digests,
    /// The marketplace a bundle was installed from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marketplace: Option<String>,
    /// A bundle's hook files with their sha256 (what was approved).
    #[serde(default, skip_serializing_if = "Digests::is_empty")]
    pub hooks: Digests,
    /// A bundle's MCP server names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mcp_servers: Vec<String>,
    /// The grants accepted for a bundle's WASM components
    /// (`component: permission`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grants: Vec<String>,
    /// A bundle's marketplace entry that is (part of) its manifest (JSON
    /// object text): written into the installed copy's
    /// `.claude-plugin/plugin.json` on every install, update and sync
    /// ([`super::entry_manifest`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockFile {
    pub version: u32,
    #[serde(default, rename = "entry")]
    pub entries: Vec<Entry>,
}

impl Default for LockFile {
    fn default() -> Self {
        LockFile {
            version: VERSION,
            entries: Vec::new(),
        }
    }
}

impl LockFile {
    /// Reads `root/quire.lock`; an empty lock when there is none.
    pub fn load(root: &Path) -> Result<LockFile, ShareError> {
        let path = root.join(FILE);
        let file = match crate::file_kind::open_regular(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(LockFile::default()),
            Err(e) => {
                return Err(ShareError::Io {
                    path,
                    message: e.to_string(),
                });
            }
        };
        let io = |e: std::io::Error| ShareError::Io {
            path: path.clone(),
            message: e.to_string(),
        };
        let size = file.metadata().map_err(io)?.len();
        if size > MAX_BYTES {
            return Err(ShareError::Invalid(format!(
                "{} has {size} bytes, more than the {MAX_BYTES} (4 MiB) a lock may have; it is not read. Check where it came from, and split the skills it names across repositories or remove entries",
                path.display()
            )));
        }
        let mut text = String::new();
        file.take(MAX_BYTES + 1)
            .read_to_string(&mut text)
            .map_err(io)?;
        if text.len() as u64 > MAX_BYTES {
            return Err(ShareError::Invalid(format!(
                "{} has more than the {MAX_BYTES} bytes (4 MiB) a lock may have; it is not read",
                path.display()
            )));
        }
        let lock: LockFile = toml::from_str(&text).map_err(|e| {
            ShareError::Invalid(format!("{} is not a valid lock file: {e}", path.display()))
        })?;
        if !(VERSION_WITHOUT_MODES..=VERSION).contains(&lock.version) {
            return Err(ShareError::Invalid(format!(
                "{} has version {}; this quire reads versions {VERSION_WITHOUT_MODES} to {VERSION} (update quire)",
                path.display(),
                lock.version
            )));
        }
        duplicates(&lock, &text).map_err(|what| {
            ShareError::Invalid(format!("{} has {what}; remove one", path.display()))
        })?;
        Ok(lock)
    }

    /// Writes `root/quire.lock` (entries sorted by kind and name), as
    /// version 1 when no digest records a mode.
    pub fn save(&mut self, root: &Path) -> Result<(), ShareError> {
        self.entries
            .sort_by(|a, b| (a.kind.label(), &a.name).cmp(&(b.kind.label(), &b.name)));
        let modes = self.entries.iter().any(|e| {
            e.files
                .values()
                .any(|d| super::digest::split(d).1.is_some())
        });
        self.version = match modes {
            true => VERSION,
            false => VERSION_WITHOUT_MODES,
        };
        let body = toml::to_string(self).map_err(|e| ShareError::Invalid(e.to_string()))?;
        let path = root.join(FILE);
        let tmp = root.join(format!(".{FILE}.tmp{}", std::process::id()));
        std::fs::write(&tmp, format!("{HEADER}{body}"))
            .and_then(|()| std::fs::rename(&tmp, &path))
            .map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                ShareError::Io {
                    path: path.clone(),
                    message: e.to_string(),
                }
            })
    }

    /// Takes the writers' lock of `root/quire.lock` (waiting for another
    /// writer to finish) and reads the lock as it is now: a change made
    /// and saved while the guard lives is never lost to another quire
    /// writing at the same time.
    pub fn load_for_writing(root: &Path) -> Result<(LockFile, Writing), ShareError> {
        let guard = Writing::take(root)?;
        Ok((LockFile::load(root)?, guard))
    }

    pub fn find(&self, kind: Kind, name: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|e| e.kind == kind && e.name == name)
    }

    /// Adds `entry`, replacing one of the same kind and name.
    pub fn put(&mut self, entry: Entry) {
        self.entries
            .retain(|e| !(e.kind == entry.kind && e.name == entry.name));
        self.entries.push(entry);
    }
}

/// One writer at a time for a lock: an exclusive advisory lock (`flock`)
/// on its folder, held from reading the lock to writing it back. The
/// folder carries it, not `quire.lock`, which is replaced by a rename on
/// every save. Let go when dropped (or when the process ends).
pub struct Writing {
    _dir: std::fs::File,
}

impl Writing {
    fn take(root: &Path) -> Result<Writing, ShareError> {
        let io = |e: std::io::Error| ShareError::Io {
            path: root.to_path_buf(),
            message: format!("cannot lock the folder of {FILE} for writing: {e}"),
        };
        std::fs::create_dir_all(root).map_err(io)?;
        let dir = std::fs::File::open(root).map_err(io)?;
        dir.lock().map_err(io)?;
        Ok(Writing { _dir: dir })
    }
}

/// Where each entry's `name` and `installed` are written in the lock's text.
#[derive(Deserialize)]
struct Spans {
    #[serde(default)]
    entry: Vec<EntrySpans>,
}

#[derive(Deserialize)]
struct EntrySpans {
    name: toml::Spanned<String>,
    installed: toml::Spanned<String>,
}

/// Refuses two entries of the same kind and name, or installing into the
/// same folder: `sync` and `verify` would each take a different one.
fn duplicates(lock: &LockFile, text: &str) -> Result<(), String> {
    let spans = toml::from_str::<Spans>(text).map(|s| s.entry).ok();
    let line = |i: usize, installed: bool| {
        spans.as_ref().and_then(|s| s.get(i)).map(|e| {
            let at = if installed {
                e.installed.span()
            } else {
                e.name.span()
            };
            text.get(..at.start).map_or(0, |t| t.matches('\n').count()) + 1
        })
    };
    // The first entry of each kind and name, and of each folder: one pass
    // (a lock is untrusted input; comparing every pair took seconds for a
    // few thousand entries).
    let mut names: HashMap<(Kind, &str), usize> = HashMap::new();
    let mut folders: HashMap<&str, usize> = HashMap::new();
    for (j, b) in lock.entries.iter().enumerate() {
        let by_name = *names.entry((b.kind, b.name.as_str())).or_insert(j);
        let by_folder = *folders.entry(b.installed.as_str()).or_insert(j);
        let i = by_name.min(by_folder);
        if i < j {
            let a = &lock.entries[i];
            let same_name = a.kind == b.kind && a.name == b.name;
            let what = if same_name {
                format!("two {} entries named '{}'", a.kind.label(), a.name)
            } else {
                format!("two entries installing into {}", a.installed)
            };
            let lines = match (line(i, !same_name), line(j, !same_name)) {
                (Some(x), Some(y)) => format!(" (lines {x} and {y})"),
                _ => String::new(),
            };
            return Err(format!("{what}{lines}"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_other_versions() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(LockFile::load(dir.path()).unwrap(), LockFile::default());
        let mut lock = LockFile::default();
        lock.put(Entry {
            kind: Kind::Skill,
            name: "pdf".into(),
            source: "https://example.com/s.git".into(),
            reference: Some("v1".into()),
            subdir: Some("skills/pdf".into()),
            folder: Some("skills".into()),
            commit: Some("0123".into()),
            installed: ".quire/skills/pdf".into(),
            files: [("SKILL.md".to_string(), "sha256:00".to_string())].into(),
            marketplace: None,
            hooks: Default::default(),
            mcp_servers: Vec::new(),
            grants: Vec::new(),
            manifest: None,
        });
        lock.save(dir.path()).unwrap();
        let text = std::fs::read_to_string(dir.path().join(FILE)).unwrap();
        assert!(text.starts_with("# quire.lock"), "{text}");
        assert!(text.contains("ref = \"v1\""), "{text}");
        assert_eq!(LockFile::load(dir.path()).unwrap(), lock);
        std::fs::write(dir.path().join(FILE), "version = 9\n").unwrap();
        let err = LockFile::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("version 9"), "{err}");
    }

    /// Duplicates are found in one pass, naming the first of each pair.
    #[test]
    fn duplicates_name_the_first_entry_of_each_name_and_folder() {
        let entry = |name: &str, installed: &str| Entry {
            kind: Kind::Skill,
            name: name.into(),
            source: "../src".into(),
            reference: None,
            subdir: None,
            folder: None,
            commit: None,
            installed: installed.into(),
            files: Default::default(),
            marketplace: None,
            hooks: Default::default(),
            mcp_servers: Vec::new(),
            grants: Vec::new(),
            manifest: None,
        };
        let mut lock = LockFile::default();
        for i in 0..3000 {
            lock.entries
                .push(entry(&format!("s{i}"), &format!(".quire/skills/s{i}")));
        }
        assert_eq!(duplicates(&lock, ""), Ok(()));
        lock.entries.push(entry("x", ".quire/skills/s7"));
        assert_eq!(
            duplicates(&lock, ""),
            Err("two entries installing into .quire/skills/s7".into())
        );
        lock.entries.insert(5, entry("s9", ".quire/skills/other"));
        assert_eq!(
            duplicates(&lock, ""),
            Err("two skill entries named 's9'".into())
        );
    }
}
