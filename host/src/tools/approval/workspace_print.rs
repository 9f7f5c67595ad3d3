//! What the workspace's files are now, cheaply: each file's size, times
//! (the change time `ctime` too, which no program can set back), inode and
//! mode, hashed per path. An "always" given for a command that runs the
//! workspace's code outside the sandbox holds while this stays the same
//! (`remember.rs`), so code written since by apply_patch, a sandboxed
//! command or anything else is asked about again.
//!
//! Every file under the roots is looked at, ignored ones too (`target/`,
//! `node_modules/`, `__pycache__/` hold code a build or test run executes),
//! but not `.git/objects` (content-addressed: nothing runs from there
//! unless a ref, which is looked at, points at it). Links are not
//! followed; their own entry is. No program of the workspace runs: git is
//! not asked (its configuration, which a sandboxed command may write,
//! can name programs that `git status` runs).

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Entries looked at, at most: past this the workspace cannot be told
/// (and an "always" never holds).
pub const MAX_ENTRIES: usize = 200_000;
/// Changed files named when asking again.
pub const NAMED: usize = 5;

/// The state of the files under some roots.
#[derive(Debug, Clone, PartialEq)]
pub struct Fingerprint {
    roots: Vec<PathBuf>,
    files: HashMap<PathBuf, u64>,
    /// Why the files cannot all be told (too many, a folder unreadable).
    unknown: Option<String>,
}

/// What differs between two fingerprints.
#[derive(Debug, Clone, PartialEq)]
pub enum Difference {
    Same,
    /// Files written, added or removed: up to [`NAMED`] names (relative
    /// to their root) and how many in all.
    Changed {
        names: Vec<String>,
        count: usize,
    },
    /// Whether anything changed cannot be told, and why.
    Unknown(String),
}

impl Difference {
    /// In words, for the question: `Makefile, src/a.rs and 3 more`.
    pub fn describe(&self) -> String {
        match self {
            Difference::Same => "nothing changed".into(),
            Difference::Changed { names, count } => {
                let mut text = names.join(", ");
                if *count > names.len() {
                    text.push_str(&format!(" and {} more", count - names.len()));
                }
                text
            }
            Difference::Unknown(why) => why.clone(),
        }
    }
}

/// Looks at every file under `roots` (a root may be a single file).
/// Blocking: call it off the async threads.
pub fn take(roots: &[PathBuf]) -> Fingerprint {
    take_within(roots, MAX_ENTRIES)
}

/// [`take`] on a blocking thread.
pub async fn take_off_thread(roots: Vec<PathBuf>) -> Fingerprint {
    let unknown = |why: String| Fingerprint {
        roots: roots.clone(),
        files: HashMap::new(),
        unknown: Some(why),
    };
    let copy = roots.clone();
    match tokio::task::spawn_blocking(move || take(&copy)).await {
        Ok(print) => print,
        Err(e) => unknown(format!("the workspace could not be looked at ({e})")),
    }
}

fn take_within(roots: &[PathBuf], max: usize) -> Fingerprint {
    let mut print = Fingerprint {
        roots: roots.to_vec(),
        files: HashMap::new(),
        unknown: None,
    };
    let mut pending: Vec<PathBuf> = Vec::new();
    let mut seen = 0usize;
    for root in roots {
        match std::fs::symlink_metadata(root) {
            Ok(m) if m.is_dir() => pending.push(root.clone()),
            Ok(m) => {
                print.files.insert(root.clone(), stat_hash(&m));
            }
            // Gone is a state too: a file made there later is a change.
            Err(_) => {}
        }
    }
    while let Some(dir) = pending.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) => {
                print.unknown = Some(format!("{} cannot be read ({e})", dir.display()));
                return print;
            }
        };
        for entry in entries.flatten() {
            seen += 1;
            if seen > max {
                print.unknown = Some(format!(
                    "the workspace holds more than {max} files, too many to tell what changed"
                ));
                return print;
            }
            let path = entry.path();
            let Ok(meta) = entry.metadata() else {
                continue;
            };
            if meta.is_dir() {
                if !is_git_objects(&path) {
                    pending.push(path);
                }
            } else {
                print.files.insert(path, stat_hash(&meta));
            }
        }
    }
    print
}

fn is_git_objects(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == "objects")
        && path
            .parent()
            .and_then(Path::file_name)
            .is_some_and(|n| n == ".git")
}

fn stat_hash(m: &std::fs::Metadata) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    (
        m.len(),
        m.mtime(),
        m.mtime_nsec(),
        m.ctime(),
        m.ctime_nsec(),
        m.ino(),
        m.dev(),
        m.mode(),
    )
        .hash(&mut h);
    h.finish()
}

impl Fingerprint {
    /// The files and folders it looks at.
    pub fn roots(&self) -> &[PathBuf] {
        &self.roots
    }

    /// What changed from `self` (earlier) to `now`.
    pub fn difference(&self, now: &Fingerprint) -> Difference {
        if let Some(why) = now.unknown.as_ref().or(self.unknown.as_ref()) {
            return Difference::Unknown(why.clone());
        }
        if self.roots != now.roots {
            return Difference::Unknown("the command now runs in another folder".into());
        }
        let mut changed: Vec<&Path> = now
            .files
            .iter()
            .filter(|(path, hash)| self.files.get(*path) != Some(*hash))
            .map(|(path, _)| path.as_path())
            .chain(
                self.files
                    .keys()
                    .filter(|path| !now.files.contains_key(*path))
                    .map(PathBuf::as_path),
            )
            .collect();
        if changed.is_empty() {
            return Difference::Same;
        }
        changed.sort();
        let names = changed.iter().take(NAMED).map(|p| self.shown(p)).collect();
        Difference::Changed {
            names,
            count: changed.len(),
        }
    }

    /// `path` relative to the root it is under.
    fn shown(&self, path: &Path) -> String {
        self.roots
            .iter()
            .find_map(|r| path.strip_prefix(r).ok())
            .filter(|rel| !rel.as_os_str().is_empty())
            .unwrap_or(path)
            .display()
            .to_string()
    }
}

#[cfg(test)]
#[path = "workspace_print_tests.rs"]
mod tests;
