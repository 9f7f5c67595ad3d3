//! The write of a checked patch, file by file: deletes first, then new
//! contents (each through a temp file, [`super::swap`]). What each step
//! replaced or deleted stays aside until the last file is in place (the
//! commit point of the patch); then it goes. A failed step, or a stop
//! before the last file is in place, undoes the steps done, newest first:
//! renames back, whatever the files' sizes.

use std::collections::{BTreeMap, HashMap};
use std::ffi::{CString, OsString};
use std::io;
use std::path::{Path, PathBuf};

use std::ffi::CStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;

use super::beneath::{Dir, Root, Roots, cstr};
use super::commit::{CommitError, Entry, Found, Now};
use super::pause;
use super::scan::Scan;
use super::swap::{Identity, is_stop, stopped};

/// A step of the commit, undone in reverse order on failure.
enum Done {
    /// `name` holds the patch's content; `aside` what it replaced
    /// (`None`: nothing was there).
    Put {
        dir: Dir,
        name: CString,
        aside: Option<CString>,
        shown: String,
    },
    /// The file `name` was deleted: moved aside to `aside`.
    Deleted {
        dir: Dir,
        name: CString,
        aside: CString,
        shown: String,
    },
    /// The symbolic link `name` (to `target`) was removed.
    Unlinked {
        dir: Dir,
        name: OsString,
        target: PathBuf,
        shown: String,
    },
    /// A directory the commit created.
    MadeDir { parent: Dir, name: OsString },
}

/// Why a step wrote nothing.
enum Failed {
    Io(io::Error),
    /// The file is not what the patch read.
    Changed,
}

impl From<io::Error> for Failed {
    fn from(e: io::Error) -> Failed {
        Failed::Io(e)
    }
}

/// Writes the changed `files`; on a failure or a stop, puts back what
/// was written.
pub fn write_all(
    roots: &Roots,
    files: BTreeMap<PathBuf, Entry>,
    asked: bool,
    stop: &dyn Fn() -> bool,
) -> Result<(), CommitError> {
    let (deletes, writes): (Vec<_>, Vec<_>) = files
        .into_iter()
        .filter(|(_, e)| e.changed())
        .partition(|(_, e)| matches!(e.now, Now::Gone));
    let mut dirs = Dirs {
        roots,
        open: HashMap::new(),
    };
    let mut done = Vec::new();
    for (n, (path, entry)) in deletes.into_iter().chain(writes).enumerate() {
        let point = format!("put-{}", n + 1);
        let Err(failed) = step(&mut dirs, &path, &entry, &mut done, &point, stop) else {
            continue;
        };
        let unrestored = rollback(done);
        return Err(match failed {
            Failed::Io(e) if is_stop(&e) => CommitError::Stopped { unrestored },
            Failed::Io(source) => CommitError::Write {
                path: entry.shown,
                source,
                unrestored,
            },
            Failed::Changed => CommitError::Changed {
                path: entry.shown,
                asked,
            },
        });
    }
    // Every file is in place: the patch is applied, whatever comes now.
    pause::at("done", stop);
    finish(done);
    Ok(())
}

/// Writes one file (or deletes it); what was done goes to `done`. Right
/// before, the file is checked to be what the patch read; right after,
/// what was replaced is checked to be that file (another writer may have
/// replaced it in between): if not, the step is taken back.
fn step(
    dirs: &mut Dirs,
    path: &Path,
    entry: &Entry,
    done: &mut Vec<Done>,
    point: &str,
    stop: &dyn Fn() -> bool,
) -> Result<(), Failed> {
    let shown = entry.shown.clone();
    let ready = || {
        pause::at(point, stop);
        if stop() { Err(stopped()) } else { Ok(()) }
    };
    match (&entry.now, &entry.link) {
        (Now::Gone, Some(target)) => {
            let (dir, name) = dirs.existing(path)?;
            ready()?;
            if dir.read_link(&name)?.as_ref() != Some(target) {
                return Err(Failed::Changed);
            }
            dir.remove_file(&name)?;
            done.push(Done::Unlinked {
                dir,
                name,
                target: target.clone(),
                shown,
            });
        }
        (Now::Gone, None) => {
            let (dir, name) = dirs.existing(path)?;
            let name = cstr(&name)?;
            ready()?;
            let checked = as_read(&dir, &name, entry.found.as_ref(), stop)?;
            let aside = dir.set_aside(&name)?;
            if checked.is_none_or(|id| dir.identity(&aside).ok() != Some(id)) {
                dir.rename(&aside, &name)?;
                return Err(Failed::Changed);
            }
            done.push(Done::Deleted {
                dir,
                name,
                aside,
                shown,
            });
        }
        (Now::New(c), link) => {
            let (dir, name) = dirs.create(path, done)?;
            let name = cstr(&name)?;
            let tmp = dir.write_temp(&c.bytes, c.perms.as_ref(), stop)?;
            let put = ready()
                .map_err(Failed::Io)
                .and_then(|()| put(&dir, &tmp, &name, entry, link.as_ref(), stop));
            match put {
                Ok(aside) => done.push(Done::Put {
                    dir,
                    name,
                    aside,
                    shown,
                }),
                Err(e) => {
                    let _ = dir.remove_tmp(&tmp);
                    return Err(e);
                }
            }
        }
        (Now::Same, _) => {}
    }
    Ok(())
}

/// Checks the file `name` is what the patch read (`found`: its size and
/// digest; `None`: no file) and puts `tmp` in its place; what was there,
/// set aside.
fn put(
    dir: &Dir,
    tmp: &CStr,
    name: &CStr,
    entry: &Entry,
    link: Option<&PathBuf>,
    stop: &dyn Fn() -> bool,
) -> Result<Option<CString>, Failed> {
    let expected = match link {
        // A link deleted earlier in the patch, at this path.
        Some(target) => {
            let now = dir.read_link(std::ffi::OsStr::from_bytes(name.to_bytes()))?;
            if now.as_ref() != Some(target) {
                return Err(Failed::Changed);
            }
            Some(dir.identity(name)?)
        }
        None => as_read(dir, name, entry.found.as_ref(), stop)?,
    };
    let aside = match dir.put(tmp, name) {
        Err(e) if e.raw_os_error() == Some(libc::EEXIST) => return Err(Failed::Changed),
        other => other?,
    };
    let replaced = match &aside {
        Some(a) => dir.identity(a).ok(),
        None => None,
    };
    if replaced != expected {
        // Another writer's file was there by then: it goes back.
        match &aside {
            Some(a) => dir.rename(a, name)?,
            None => dir.remove_tmp(name)?,
        }
        return Err(Failed::Changed);
    }
    Ok(aside)
}

/// Checks the file `name` is still what the patch read: `found` (its
/// size and, when its content was read, its digest), or no file at all
/// for `None`. What it is now, to compare with what a step replaces.
fn as_read(
    dir: &Dir,
    name: &CStr,
    found: Option<&Found>,
    stop: &dyn Fn() -> bool,
) -> Result<Option<Identity>, Failed> {
    let file = dir.open_file(std::ffi::OsStr::from_bytes(name.to_bytes()))?;
    let (Some(file), Some(found)) = (file, found) else {
        return match dir.identity(name) {
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) && found.is_none() => Ok(None),
            _ => Err(Failed::Changed),
        };
    };
    let meta = file.metadata()?;
    let id = Identity {
        dev: meta.dev(),
        ino: meta.ino(),
        len: meta.len(),
    };
    if id.len != found.len {
        return Err(Failed::Changed);
    }
    if let Some(d) = found.digest
        && Scan::read(&file, 0, stop)?.digest != d
    {
        return Err(Failed::Changed);
    }
    Ok(Some(id))
}

/// The directories of the files written (by real path), each opened once
/// beneath its root.
struct Dirs<'a> {
    roots: &'a Roots,
    open: HashMap<PathBuf, Dir>,
}

impl Dirs<'_> {
    /// The existing directory of `path`, and its file name.
    fn existing(&mut self, path: &Path) -> io::Result<(Dir, OsString)> {
        let root = self.roots.of(path)?;
        let (dirs, name) = split(root, path)?;
        let key = folder(path);
        if let Some(d) = self.open.get(&key) {
            return Ok((d.clone(), name));
        }
        let d = root
            .dir(&dirs)?
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))?;
        super::stale_tmp::sweep_dir(&d);
        self.open.insert(key, d.clone());
        Ok((d, name))
    }

    /// The directory of `path`, created as needed (recorded in `done`),
    /// and its file name.
    fn create(&mut self, path: &Path, done: &mut Vec<Done>) -> io::Result<(Dir, OsString)> {
        let root = self.roots.of(path)?;
        let (dirs, name) = split(root, path)?;
        let key = folder(path);
        if let Some(d) = self.open.get(&key) {
            return Ok((d.clone(), name));
        }
        let mut created = Vec::new();
        let result = root.dir_create(&dirs, &mut created);
        done.extend(
            created
                .into_iter()
                .map(|(parent, name)| Done::MadeDir { parent, name }),
        );
        let d = result?;
        super::stale_tmp::sweep_dir(&d);
        self.open.insert(key, d.clone());
        Ok((d, name))
    }
}

/// The folder of the file at `path`, as [`Dirs`] keys it.
fn folder(path: &Path) -> PathBuf {
    path.parent().map(Path::to_path_buf).unwrap_or_default()
}

/// `path`'s directories below the root and its file name.
pub fn split(root: &Root, path: &Path) -> io::Result<(Vec<OsString>, OsString)> {
    let mut dirs = root.relative(path)?;
    let name = dirs
        .pop()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file path"))?;
    Ok((dirs, name))
}

/// The patch is in place: what its steps set aside goes.
fn finish(done: Vec<Done>) {
    for step in done {
        let (dir, aside) = match step {
            Done::Put {
                dir,
                aside: Some(aside),
                ..
            }
            | Done::Deleted { dir, aside, .. } => (dir, aside),
            _ => continue,
        };
        if let Err(e) = dir.remove_tmp(&aside) {
            tracing::warn!(name = ?aside, error = %e, "apply_patch: cannot remove the old file set aside");
        }
    }
}

/// Undoes `done`; returns the files that could not be restored.
fn rollback(done: Vec<Done>) -> Vec<String> {
    let mut failed = Vec::new();
    for step in done.into_iter().rev() {
        let (result, shown) = match step {
            Done::Put {
                dir,
                name,
                aside: Some(aside),
                shown,
            }
            | Done::Deleted {
                dir,
                name,
                aside,
                shown,
            } => (dir.rename(&aside, &name), shown),
            Done::Put {
                dir,
                name,
                aside: None,
                shown,
            } => (dir.remove_tmp(&name), shown),
            Done::Unlinked {
                dir,
                name,
                target,
                shown,
            } => {
                let put = match dir.remove_file(&name) {
                    Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
                    _ => dir.symlink(&target, &name),
                };
                (put, shown)
            }
            Done::MadeDir { parent, name } => {
                if let Err(e) = parent.remove_dir(&name) {
                    tracing::debug!(dir = ?name, error = %e, "apply_patch: could not remove created directory");
                }
                continue;
            }
        };
        if let Err(e) = result {
            tracing::warn!(path = %shown, error = %e, "apply_patch: could not restore file");
            failed.push(shown);
        }
    }
    failed
}
