//! The files a patch touches, staged in memory, and the all-or-nothing
//! write: every file is written to a temp file in its directory and renamed
//! over the old one; when a write fails, what was already written is
//! restored. Files are read and written only through [`Root`], so a link
//! that appears after the plan was checked is never followed.

use std::collections::{BTreeMap, HashMap};
use std::ffi::OsString;
use std::fs::Permissions;
use std::io;
use std::path::{Path, PathBuf};

use super::beneath::{Dir, Root};

/// Patches committed by this process (every session, subagents too).
static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// How many patches this process committed so far: an approval that
/// takes the workspace as a command left it can tell whether apply_patch
/// wrote meanwhile (`tools::approval::remember`).
pub fn writes() -> u64 {
    WRITES.load(std::sync::atomic::Ordering::SeqCst)
}

/// A file's bytes and, when known, its permissions.
#[derive(Debug, Clone)]
pub struct Content {
    pub bytes: Vec<u8>,
    pub perms: Option<Permissions>,
}

struct Entry {
    /// The path as the patch first named it.
    shown: String,
    original: Option<Content>,
    current: Option<Content>,
    /// On disk a symbolic link to this target, staged for deletion (the
    /// link is removed, never followed; put back on rollback).
    link: Option<PathBuf>,
}

impl Entry {
    fn changed(&self) -> bool {
        match (&self.original, &self.current) {
            (Some(a), Some(b)) => a.bytes != b.bytes,
            (None, None) => self.link.is_some(),
            _ => true,
        }
    }
}

/// Files by real path: their state on disk and after the patch so far.
pub struct Staged {
    root: Root,
    files: BTreeMap<PathBuf, Entry>,
}

#[derive(Debug, thiserror::Error)]
pub enum StageError {
    #[error("{0} is a directory, not a file. Patch the files inside it instead.")]
    IsDir(String),
    #[error("cannot access {path}: {source}")]
    Io { path: String, source: io::Error },
}

/// Why a commit wrote nothing, or not everything.
#[derive(Debug, thiserror::Error)]
pub enum CommitError {
    /// A write failed; what was written before it was put back, except
    /// `unrestored`.
    #[error("could not write {path}: {source}. {}", restored_text(unrestored))]
    Write {
        path: String,
        source: io::Error,
        unrestored: Vec<String>,
    },
    /// A file is not as the patch read it (changed, appeared or went
    /// away while the patch waited for approval): nothing was written.
    #[error(
        "{0} changed while the patch waited for approval; nothing was written. Read the file again and send a new patch."
    )]
    Changed(String),
    #[error("could not write {path}: {source}. Nothing was written, so nothing was changed.")]
    Check { path: String, source: io::Error },
}

fn restored_text(unrestored: &[String]) -> String {
    if unrestored.is_empty() {
        "The files already written were restored, so nothing was changed.".to_string()
    } else {
        format!(
            "These files could not be restored and may hold the patched content: {}",
            unrestored.join(", ")
        )
    }
}

impl Staged {
    /// Nothing staged yet; every file is read and written beneath `root`.
    pub fn new(root: Root) -> Staged {
        Staged {
            root,
            files: BTreeMap::new(),
        }
    }

    fn entry(&mut self, real: &Path, shown: &str) -> Result<&mut Entry, StageError> {
        use std::collections::btree_map::Entry as Slot;
        Ok(match self.files.entry(real.to_path_buf()) {
            Slot::Occupied(o) => o.into_mut(),
            Slot::Vacant(v) => {
                let original = load(&self.root, real, shown)?;
                v.insert(Entry {
                    shown: shown.to_string(),
                    current: original.clone(),
                    original,
                    link: None,
                })
            }
        })
    }

    /// The file's content after the operations staged so far.
    pub fn current(&mut self, real: &Path, shown: &str) -> Result<Option<&Content>, StageError> {
        Ok(self.entry(real, shown)?.current.as_ref())
    }

    /// Stages the file's new content (`None`: deleted).
    pub fn set(
        &mut self,
        real: &Path,
        shown: &str,
        content: Option<Content>,
    ) -> Result<(), StageError> {
        self.entry(real, shown)?.current = content;
        Ok(())
    }

    /// Stages the removal of the symbolic link at `link` itself (its
    /// target is never followed); `false` when there is no link there.
    pub fn delete_link(&mut self, link: &Path, shown: &str) -> Result<bool, StageError> {
        let io_err = |source| StageError::Io {
            path: shown.to_string(),
            source,
        };
        let (dirs, name) = split(&self.root, link).map_err(io_err)?;
        let Some(dir) = self.root.dir(&dirs).map_err(io_err)? else {
            return Ok(false);
        };
        let Some(target) = dir.read_link(&name).map_err(io_err)? else {
            return Ok(false);
        };
        self.files.insert(
            link.to_path_buf(),
            Entry {
                shown: shown.to_string(),
                original: None,
                current: None,
                link: Some(target),
            },
        );
        Ok(true)
    }

    /// Checks that every file the patch changes is still as it was read
    /// (same bytes, still absent, the same link), so that nothing written
    /// meanwhile (say, while the user was asked) is overwritten.
    fn unchanged(&self) -> Result<(), CommitError> {
        for (path, entry) in self.files.iter().filter(|(_, e)| e.changed()) {
            let check = |source| CommitError::Check {
                path: entry.shown.clone(),
                source,
            };
            let same = match &entry.link {
                Some(target) => {
                    let (dirs, name) = split(&self.root, path).map_err(check)?;
                    match self.root.dir(&dirs).map_err(check)? {
                        Some(dir) => dir.read_link(&name).map_err(check)?.as_ref() == Some(target),
                        None => false,
                    }
                }
                None => {
                    let now = load(&self.root, path, &entry.shown).map_err(|e| match e {
                        StageError::Io { source, .. } => check(source),
                        StageError::IsDir(_) => CommitError::Changed(entry.shown.clone()),
                    })?;
                    now.as_ref().map(|c| &c.bytes) == entry.original.as_ref().map(|c| &c.bytes)
                }
            };
            if !same {
                return Err(CommitError::Changed(entry.shown.clone()));
            }
        }
        Ok(())
    }

    /// Writes every staged change, or none; none when a file changed
    /// since it was read.
    pub fn commit(self) -> Result<(), CommitError> {
        self.unchanged()?;
        // Counted before writing: a commit that fails halfway wrote too.
        WRITES.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let Staged { root, files } = self;
        let (deletes, writes): (Vec<_>, Vec<_>) = files
            .into_iter()
            .filter(|(_, e)| e.changed())
            .partition(|(_, e)| e.current.is_none());
        let mut dirs = Dirs {
            root: &root,
            open: HashMap::new(),
        };
        let mut done = Vec::new();
        for (path, entry) in deletes.into_iter().chain(writes) {
            let result = match &entry.current {
                None => dirs.existing(&path).and_then(|(dir, name)| {
                    dir.remove_file(&name)?;
                    Ok((dir, name))
                }),
                Some(c) => dirs.create(&path, &mut done).and_then(|(dir, name)| {
                    dir.write_atomic(&name, &c.bytes, c.perms.as_ref())?;
                    Ok((dir, name))
                }),
            };
            match result {
                Ok((dir, name)) => done.push(Done::File {
                    dir,
                    name,
                    shown: entry.shown,
                    original: entry.original,
                    link: entry.link,
                }),
                Err(source) => {
                    let unrestored = rollback(done);
                    return Err(CommitError::Write {
                        path: entry.shown,
                        source,
                        unrestored,
                    });
                }
            }
        }
        Ok(())
    }
}

/// The directories of the files written, each opened once beneath the root.
struct Dirs<'a> {
    root: &'a Root,
    open: HashMap<Vec<OsString>, Dir>,
}

impl Dirs<'_> {
    /// The existing directory of `path`, and its file name.
    fn existing(&mut self, path: &Path) -> io::Result<(Dir, OsString)> {
        let (dirs, name) = split(self.root, path)?;
        if let Some(d) = self.open.get(&dirs) {
            return Ok((d.clone(), name));
        }
        let d = self
            .root
            .dir(&dirs)?
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))?;
        super::stale_tmp::sweep_dir(&d);
        self.open.insert(dirs, d.clone());
        Ok((d, name))
    }

    /// The directory of `path`, created as needed (recorded in `done`),
    /// and its file name.
    fn create(&mut self, path: &Path, done: &mut Vec<Done>) -> io::Result<(Dir, OsString)> {
        let (dirs, name) = split(self.root, path)?;
        if let Some(d) = self.open.get(&dirs) {
            return Ok((d.clone(), name));
        }
        let mut created = Vec::new();
        let result = self.root.dir_create(&dirs, &mut created);
        done.extend(
            created
                .into_iter()
                .map(|(parent, name)| Done::Dir { parent, name }),
        );
        let d = result?;
        super::stale_tmp::sweep_dir(&d);
        self.open.insert(dirs, d.clone());
        Ok((d, name))
    }
}

/// `path`'s directories below the root and its file name.
fn split(root: &Root, path: &Path) -> io::Result<(Vec<OsString>, OsString)> {
    let mut dirs = root.relative(path)?;
    let name = dirs
        .pop()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file path"))?;
    Ok((dirs, name))
}

fn load(root: &Root, real: &Path, shown: &str) -> Result<Option<Content>, StageError> {
    let io_err = |source| StageError::Io {
        path: shown.to_string(),
        source,
    };
    let (dirs, name) = match split(root, real) {
        Ok(s) => s,
        // The root itself.
        Err(e) if e.kind() == io::ErrorKind::InvalidInput => {
            return Err(StageError::IsDir(shown.to_string()));
        }
        Err(e) => return Err(io_err(e)),
    };
    let Some(dir) = root.dir(&dirs).map_err(io_err)? else {
        return Ok(None);
    };
    let Some(file) = dir.open_file(&name).map_err(io_err)? else {
        return Ok(None);
    };
    let meta = file.metadata().map_err(io_err)?;
    if meta.is_dir() {
        return Err(StageError::IsDir(shown.to_string()));
    }
    let mut bytes = Vec::new();
    io::Read::read_to_end(&mut &file, &mut bytes).map_err(io_err)?;
    Ok(Some(Content {
        bytes,
        perms: Some(meta.permissions()),
    }))
}

/// A step of the commit, undone in reverse order on failure.
enum Done {
    File {
        dir: Dir,
        name: OsString,
        shown: String,
        original: Option<Content>,
        link: Option<PathBuf>,
    },
    /// A directory the commit created.
    Dir { parent: Dir, name: OsString },
}

/// Undoes `done`; returns the files that could not be restored.
fn rollback(done: Vec<Done>) -> Vec<String> {
    let mut failed = Vec::new();
    for step in done.into_iter().rev() {
        match step {
            Done::File {
                dir,
                name,
                shown,
                original,
                link,
            } => {
                let result = match (&original, &link) {
                    (Some(c), _) => dir.write_atomic(&name, &c.bytes, c.perms.as_ref()),
                    (None, Some(target)) => match dir.remove_file(&name) {
                        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
                        _ => dir.symlink(target, &name),
                    },
                    (None, None) => dir.remove_file(&name),
                };
                if let Err(e) = result {
                    tracing::warn!(path = %shown, error = %e, "apply_patch: could not restore file");
                    failed.push(shown);
                }
            }
            Done::Dir { parent, name } => {
                if let Err(e) = parent.remove_dir(&name) {
                    tracing::debug!(dir = ?name, error = %e, "apply_patch: could not remove created directory");
                }
            }
        }
    }
    failed
}
