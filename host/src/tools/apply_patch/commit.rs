//! The files a patch touches, staged, and the all-or-nothing write. A
//! file is read only as far as the patch needs it: whole for an update,
//! in one streamed pass for a delete (its size, digest and what the diff
//! shows), not at all for an add. The commit first looks whether every
//! file is still there as read (its size, a link's target), then writes
//! them one by one ([`super::steps`]), each checked against its digest
//! right before it is replaced; a failure, a file changed meanwhile, or a
//! stop before the last file is in place puts back what was written. Files are read and written only
//! through [`Root`], so a link that appears after the plan was checked is
//! never followed.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs::{File, Permissions};
use std::io;
use std::path::{Path, PathBuf};

use super::beneath::{Root, Roots};
use super::originals::digest;
use super::scan::Scan;
use super::steps;

/// Patches committed by this process (every session, subagents too).
static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// How many patches this process committed so far: an approval that
/// takes the workspace as a command left it can tell whether apply_patch
/// wrote meanwhile (`tools::approval::remember`).
pub fn writes() -> u64 {
    WRITES.load(std::sync::atomic::Ordering::SeqCst)
}

/// A file's new bytes, their digest and, when known, its permissions.
#[derive(Debug, Clone)]
pub struct Content {
    pub bytes: Vec<u8>,
    pub perms: Option<Permissions>,
    pub digest: [u8; 32],
}

impl Content {
    pub fn new(bytes: Vec<u8>, perms: Option<Permissions>) -> Content {
        let digest = digest(&bytes);
        Content {
            bytes,
            perms,
            digest,
        }
    }
}

/// A file as the patch found it on disk.
pub(super) struct Found {
    pub perms: Permissions,
    pub len: u64,
    /// Its SHA-256, once its content was read (an update, a delete):
    /// what the commit checks the file against.
    pub digest: Option<[u8; 32]>,
}

/// What the patch makes of a file so far.
pub(super) enum Now {
    /// As found (nothing staged, or staged back to what it was).
    Same,
    Gone,
    New(Content),
}

pub(super) struct Entry {
    /// The path as the patch first named it.
    pub shown: String,
    pub found: Option<Found>,
    pub now: Now,
    /// On disk a symbolic link to this target, staged for deletion (the
    /// link is removed, never followed; put back on rollback).
    pub link: Option<PathBuf>,
}

impl Entry {
    pub fn changed(&self) -> bool {
        match (&self.found, &self.now) {
            (_, Now::Same) => false,
            (None, Now::Gone) => self.link.is_some(),
            (Some(_), Now::Gone) | (None, Now::New(_)) => true,
            (Some(f), Now::New(c)) => f.digest != Some(c.digest),
        }
    }
}

/// Files by real path: their state on disk and after the patch so far.
pub struct Staged {
    roots: Roots,
    files: BTreeMap<PathBuf, Entry>,
}

#[derive(Debug, thiserror::Error)]
pub enum StageError {
    #[error("{0} is a directory, not a file. Patch the files inside it instead.")]
    IsDir(String),
    /// A named pipe, socket or device: a read could block for ever.
    #[error(
        "{path} is {what}, not a regular file: apply_patch adds, updates, moves and deletes regular files only. Use the shell for it."
    )]
    NotFile { path: String, what: &'static str },
    /// A symbolic link in the file's own place that the path was not
    /// resolved through (its target does not exist, or it appeared
    /// since): writing a file there would replace the link.
    #[error(
        "{path} is a symbolic link to {target}{}, and apply_patch neither writes through a link nor replaces one. Delete the link first ('*** Delete File: {path}', also earlier in the same patch), or patch another path.",
        if *dangling { ", which does not exist (or cannot be followed)" } else { "" }
    )]
    Link {
        path: String,
        target: String,
        dangling: bool,
    },
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
    /// away since): nothing was written.
    #[error(
        "{path} changed {}; nothing was written. Read the file again and send a new patch.",
        if *asked { "while the patch waited for approval" } else { "after apply_patch read it and before it wrote it (another program or session wrote it meanwhile)" }
    )]
    Changed { path: String, asked: bool },
    #[error("could not write {path}: {source}. Nothing was written, so nothing was changed.")]
    Check { path: String, source: io::Error },
    /// Stopped (Esc, Ctrl-C, SIGTERM…) before the last file was in
    /// place: what was written was put back, except `unrestored`.
    #[error("{}", stopped_text(unrestored))]
    Stopped { unrestored: Vec<String> },
}

fn restored_text(unrestored: &[String]) -> String {
    unrestored_text(
        unrestored,
        "The files already written were restored, so nothing was changed.",
        "These files could not be restored and may hold the patched content",
    )
}

fn stopped_text(unrestored: &[String]) -> String {
    unrestored_text(
        unrestored,
        "the patch was not applied: nothing was changed (the files are as they were)",
        "the patch was not applied, but these files could not be put back and hold the patched content",
    )
}

/// `all_back` when every file was put back, else `some_left` naming those
/// that were not.
fn unrestored_text(unrestored: &[String], all_back: &str, some_left: &str) -> String {
    if unrestored.is_empty() {
        all_back.to_string()
    } else {
        format!("{some_left}: {}", unrestored.join(", "))
    }
}

impl Staged {
    /// Nothing staged yet; every file is read and written beneath one of
    /// `roots`.
    pub fn new(roots: Roots) -> Staged {
        Staged {
            roots,
            files: BTreeMap::new(),
        }
    }

    fn entry(&mut self, real: &Path, shown: &str) -> Result<&mut Entry, StageError> {
        use std::collections::btree_map::Entry as Slot;
        Ok(match self.files.entry(real.to_path_buf()) {
            Slot::Occupied(o) => o.into_mut(),
            Slot::Vacant(v) => {
                let found = open(&self.roots, real, shown)?.map(|(_, found)| found);
                if found.is_none()
                    && let Some(target) = link_at(&self.roots, real, shown)?
                {
                    let dangling = real
                        .parent()
                        .is_none_or(|dir| std::fs::metadata(dir.join(&target)).is_err());
                    return Err(StageError::Link {
                        path: shown.to_string(),
                        target: target.display().to_string(),
                        dangling,
                    });
                }
                v.insert(Entry {
                    shown: shown.to_string(),
                    found,
                    now: Now::Same,
                    link: None,
                })
            }
        })
    }

    /// Whether the file exists after the operations staged so far.
    pub fn exists(&mut self, real: &Path, shown: &str) -> Result<bool, StageError> {
        let e = self.entry(real, shown)?;
        Ok(match e.now {
            Now::Same => e.found.is_some(),
            Now::Gone => false,
            Now::New(_) => true,
        })
    }

    /// The file's content after the operations staged so far, read whole
    /// when it is still as on disk; `None` when there is no file.
    pub fn read(
        &mut self,
        real: &Path,
        shown: &str,
    ) -> Result<Option<Cow<'_, Content>>, StageError> {
        self.entry(real, shown)?;
        let Some((file, found)) = self.unread(real, shown)? else {
            let e = self.files.get(real);
            return Ok(match e.map(|e| &e.now) {
                Some(Now::New(c)) => Some(Cow::Borrowed(c)),
                _ => None,
            });
        };
        let mut bytes = Vec::with_capacity(usize::try_from(found.len).unwrap_or(0));
        io::Read::read_to_end(&mut &file, &mut bytes).map_err(io_err(shown))?;
        let content = Content::new(bytes, Some(found.perms.clone()));
        self.settle(real, found, content.digest);
        Ok(Some(Cow::Owned(content)))
    }

    /// One pass over the file as the operations staged so far leave it
    /// (a delete needs no more), keeping its bytes in `head` when it has
    /// at most `keep` of them; `None` when there is no file.
    pub fn scan(
        &mut self,
        real: &Path,
        shown: &str,
        keep: usize,
    ) -> Result<Option<(Scan, Option<Permissions>)>, StageError> {
        self.entry(real, shown)?;
        let Some((file, found)) = self.unread(real, shown)? else {
            return Ok(match self.files.get(real).map(|e| &e.now) {
                Some(Now::New(c)) => {
                    let head = if c.bytes.len() <= keep {
                        c.bytes.len()
                    } else {
                        0
                    };
                    Some((Scan::of(&c.bytes, head), c.perms.clone()))
                }
                _ => None,
            });
        };
        let head = if found.len <= keep as u64 { keep } else { 0 };
        let mut scan = Scan::read(&file, head, &|| false).map_err(io_err(shown))?;
        if scan.head.len() as u64 != scan.len {
            scan.head = Vec::new();
        }
        let perms = found.perms.clone();
        self.settle(real, found, scan.digest);
        Ok(Some((scan, Some(perms))))
    }

    /// The file opened again, when the entry is still the file on disk.
    fn unread(&self, real: &Path, shown: &str) -> Result<Option<(File, Found)>, StageError> {
        match self.files.get(real) {
            Some(Entry {
                now: Now::Same,
                found: Some(_),
                ..
            }) => open(&self.roots, real, shown),
            _ => Ok(None),
        }
    }

    /// Records what the file held when it was read.
    fn settle(&mut self, real: &Path, found: Found, digest: [u8; 32]) {
        if let Some(e) = self.files.get_mut(real) {
            e.found = Some(Found {
                digest: Some(digest),
                ..found
            });
        }
    }

    /// Stages the file's new content (`None`: deleted).
    pub fn set(
        &mut self,
        real: &Path,
        shown: &str,
        content: Option<Content>,
    ) -> Result<(), StageError> {
        let e = self.entry(real, shown)?;
        e.now = match content {
            Some(c) => Now::New(c),
            None => Now::Gone,
        };
        Ok(())
    }

    /// Stages the removal of the symbolic link at `link` itself (its
    /// target is never followed); `false` when there is no link there.
    pub fn delete_link(&mut self, link: &Path, shown: &str) -> Result<bool, StageError> {
        let root = self.roots.of(link).map_err(io_err(shown))?;
        let (dirs, name) = steps::split(root, link).map_err(io_err(shown))?;
        let Some(dir) = root.dir(&dirs).map_err(io_err(shown))? else {
            return Ok(false);
        };
        let Some(target) = dir.read_link(&name).map_err(io_err(shown))? else {
            return Ok(false);
        };
        self.files.insert(
            link.to_path_buf(),
            Entry {
                shown: shown.to_string(),
                found: None,
                now: Now::Gone,
                link: Some(target),
            },
        );
        Ok(true)
    }

    /// Checks that every file the patch changes is still there (or still
    /// absent) as it was read, the same size, the same link: a first look,
    /// before anything is written; each file's content is checked again
    /// right before it is replaced ([`super::steps`]).
    fn unchanged(&self, asked: bool) -> Result<(), CommitError> {
        for (path, entry) in self.files.iter().filter(|(_, e)| e.changed()) {
            let check = |source: io::Error| CommitError::Check {
                path: entry.shown.clone(),
                source,
            };
            let changed = || CommitError::Changed {
                path: entry.shown.clone(),
                asked,
            };
            let same = match &entry.link {
                Some(target) => {
                    let root = self.roots.of(path).map_err(check)?;
                    let (dirs, name) = steps::split(root, path).map_err(check)?;
                    match root.dir(&dirs).map_err(check)? {
                        Some(dir) => dir.read_link(&name).map_err(check)?.as_ref() == Some(target),
                        None => false,
                    }
                }
                None => {
                    let now = open(&self.roots, path, &entry.shown).map_err(|e| match e {
                        StageError::Io { source, .. } => check(source),
                        StageError::IsDir(_)
                        | StageError::NotFile { .. }
                        | StageError::Link { .. } => changed(),
                    })?;
                    match (now, &entry.found) {
                        (None, None) => true,
                        (Some((_, now)), Some(was)) => now.len == was.len,
                        _ => false,
                    }
                }
            };
            if !same {
                return Err(changed());
            }
        }
        Ok(())
    }

    /// Writes every staged change, or none: none when a file changed
    /// since it was read (`asked`: while the user was asked), none when
    /// `stop` says so before the last file is in place.
    pub fn commit(self, asked: bool, stop: &dyn Fn() -> bool) -> Result<(), CommitError> {
        if stop() {
            return Err(CommitError::Stopped {
                unrestored: Vec::new(),
            });
        }
        self.unchanged(asked)?;
        // Counted before writing: a commit that fails halfway wrote too.
        WRITES.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let Staged { roots, files } = self;
        steps::write_all(&roots, files, asked, stop)
    }
}

/// The file at `real` opened for reading (a link is not followed: no
/// file) with what it is; `None` when there is none.
fn open(roots: &Roots, real: &Path, shown: &str) -> Result<Option<(File, Found)>, StageError> {
    let root: &Root = roots.of(real).map_err(io_err(shown))?;
    let (dirs, name) = match steps::split(root, real) {
        Ok(s) => s,
        // The root itself.
        Err(e) if e.kind() == io::ErrorKind::InvalidInput => {
            return Err(StageError::IsDir(shown.to_string()));
        }
        Err(e) => return Err(io_err(shown)(e)),
    };
    let Some(dir) = root.dir(&dirs).map_err(io_err(shown))? else {
        return Ok(None);
    };
    let Some(file) = dir.open_file(&name).map_err(io_err(shown))? else {
        return Ok(None);
    };
    let meta = file.metadata().map_err(io_err(shown))?;
    if meta.is_dir() {
        return Err(StageError::IsDir(shown.to_string()));
    }
    if !meta.is_file() {
        return Err(StageError::NotFile {
            path: shown.to_string(),
            what: crate::file_kind::name(meta.file_type()),
        });
    }
    let found = Found {
        perms: meta.permissions(),
        len: meta.len(),
        digest: None,
    };
    Ok(Some((file, found)))
}

/// The target of the symbolic link at `real` (not followed); `None`
/// when there is no link there.
fn link_at(roots: &Roots, real: &Path, shown: &str) -> Result<Option<PathBuf>, StageError> {
    let root: &Root = roots.of(real).map_err(io_err(shown))?;
    let Ok((dirs, name)) = steps::split(root, real) else {
        return Ok(None);
    };
    match root.dir(&dirs).map_err(io_err(shown))? {
        Some(dir) => dir.read_link(&name).map_err(io_err(shown)),
        None => Ok(None),
    }
}

fn io_err(shown: &str) -> impl Fn(io::Error) -> StageError + '_ {
    move |source| StageError::Io {
        path: shown.to_string(),
        source,
    }
}
