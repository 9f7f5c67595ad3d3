//! The files a patch touches, staged in memory, and the all-or-nothing
//! write: every file is written to a temp file in its directory and renamed
//! over the old one; when a write fails, what was already written is
//! restored.

use std::collections::BTreeMap;
use std::fs::{self, Permissions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

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
}

impl Entry {
    fn changed(&self) -> bool {
        match (&self.original, &self.current) {
            (Some(a), Some(b)) => a.bytes != b.bytes,
            (None, None) => false,
            _ => true,
        }
    }
}

/// Files by real path: their state on disk and after the patch so far.
#[derive(Default)]
pub struct Staged {
    files: BTreeMap<PathBuf, Entry>,
}

#[derive(Debug, thiserror::Error)]
pub enum StageError {
    #[error("{0} is a directory, not a file. Patch the files inside it instead.")]
    IsDir(String),
    #[error("cannot access {path}: {source}")]
    Io { path: String, source: io::Error },
}

/// A write that failed, and the files that could not be put back.
#[derive(Debug, thiserror::Error)]
#[error("could not write {path}: {source}. {}", restored_text(unrestored))]
pub struct CommitError {
    pub path: String,
    pub source: io::Error,
    pub unrestored: Vec<String>,
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
    fn entry(&mut self, real: &Path, shown: &str) -> Result<&mut Entry, StageError> {
        use std::collections::btree_map::Entry as Slot;
        Ok(match self.files.entry(real.to_path_buf()) {
            Slot::Occupied(o) => o.into_mut(),
            Slot::Vacant(v) => {
                let original = load(real, shown)?;
                v.insert(Entry {
                    shown: shown.to_string(),
                    current: original.clone(),
                    original,
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

    /// Writes every staged change, or none.
    pub fn commit(self) -> Result<(), CommitError> {
        let (deletes, writes): (Vec<_>, Vec<_>) = self
            .files
            .into_iter()
            .filter(|(_, e)| e.changed())
            .partition(|(_, e)| e.current.is_none());
        let mut done = Vec::new();
        for (path, entry) in deletes.into_iter().chain(writes) {
            let result = match &entry.current {
                None => fs::remove_file(&path),
                Some(c) => create_parents(&path, &mut done).and_then(|()| write_atomic(&path, c)),
            };
            match result {
                Ok(()) => done.push(Done::File {
                    path,
                    shown: entry.shown,
                    original: entry.original,
                }),
                Err(source) => {
                    let unrestored = rollback(done);
                    return Err(CommitError {
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

fn load(real: &Path, shown: &str) -> Result<Option<Content>, StageError> {
    let io_err = |source| StageError::Io {
        path: shown.to_string(),
        source,
    };
    match fs::metadata(real) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_err(e)),
        Ok(meta) if meta.is_dir() => Err(StageError::IsDir(shown.to_string())),
        Ok(meta) => Ok(Some(Content {
            bytes: fs::read(real).map_err(io_err)?,
            perms: Some(meta.permissions()),
        })),
    }
}

/// A step of the commit, undone in reverse order on failure.
enum Done {
    File {
        path: PathBuf,
        shown: String,
        original: Option<Content>,
    },
    Dir(PathBuf),
}

/// Creates the missing parent directories of `path`, recording each.
fn create_parents(path: &Path, done: &mut Vec<Done>) -> io::Result<()> {
    let missing: Vec<&Path> = path
        .ancestors()
        .skip(1)
        .take_while(|d| fs::metadata(d).is_err())
        .collect();
    for dir in missing.into_iter().rev() {
        match fs::create_dir(dir) {
            Ok(()) => done.push(Done::Dir(dir.to_path_buf())),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && dir.is_dir() => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Writes `content` to a temp file next to `path` and renames it over.
fn write_atomic(path: &Path, content: &Content) -> io::Result<()> {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return Err(io::Error::other("not a file path"));
    };
    let name = name.to_string_lossy();
    let mut attempts = 0;
    let (tmp, file) = loop {
        let tmp = dir.join(format!(".{name}.{:08x}.quire-patch", fastrand::u32(..)));
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempts < 8 => attempts += 1,
            Err(e) => return Err(e),
        }
    };
    let result = fill(file, content).and_then(|()| fs::rename(&tmp, path));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn fill(mut file: fs::File, content: &Content) -> io::Result<()> {
    file.write_all(&content.bytes)?;
    if let Some(perms) = &content.perms {
        file.set_permissions(perms.clone())?;
    }
    file.sync_all()
}

/// Undoes `done`; returns the files that could not be restored.
fn rollback(done: Vec<Done>) -> Vec<String> {
    let mut failed = Vec::new();
    for step in done.into_iter().rev() {
        let result = match &step {
            Done::File {
                path,
                original: Some(c),
                ..
            } => write_atomic(path, c),
            Done::File {
                path,
                original: None,
                ..
            } => fs::remove_file(path),
            Done::Dir(dir) => fs::remove_dir(dir),
        };
        if let Err(e) = result {
            match step {
                Done::File { path, shown, .. } => {
                    tracing::warn!(path = %path.display(), error = %e, "apply_patch: could not restore file");
                    failed.push(shown);
                }
                Done::Dir(dir) => {
                    tracing::debug!(dir = %dir.display(), error = %e, "apply_patch: could not remove created directory");
                }
            }
        }
    }
    failed
}
