//! `/undo`'s writes for a file whose original was kept: every read,
//! write, delete and folder removal goes through directory descriptors
//! opened beneath the root the patch wrote in ([`super::beneath`]), never
//! through a link. A folder on the way replaced by a link since the
//! patch (a sandboxed command may do that in a writable root) makes the
//! undo refuse, naming the path, instead of writing or deleting where
//! the link points.

use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};

use super::beneath::{Dir, Refused, Roots};
use super::originals::{Original, Restored, UndoError};
use super::scan::Scan;

fn shown(p: &Path) -> String {
    p.display().to_string()
}

/// The roots of `o`, opened again without following a link on the way
/// (each must still be the real folder it was, not replaced by a link
/// since, [`crate::tools::pinned_roots::open_no_links`]).
fn open_roots(o: &Original) -> Result<Roots, UndoError> {
    let mut opened = Vec::with_capacity(o.roots.len());
    for root in &o.roots {
        match crate::tools::pinned_roots::open_no_links(root) {
            Ok(fd) => opened.push((root.clone(), fd)),
            Err(e) if matches!(e.raw_os_error(), Some(libc::ELOOP | libc::ENOTDIR)) => {
                return Err(UndoError::Escaped {
                    path: shown(&o.left_at),
                    root: shown(root),
                });
            }
            Err(source) => {
                return Err(UndoError::Io {
                    path: shown(root),
                    source,
                });
            }
        }
    }
    Ok(Roots::from_opened(opened))
}

/// An error of the walk beneath the root, for `p`: a link (or a path
/// outside the root) on the way is [`UndoError::Escaped`].
fn beneath_err(roots: &Roots, p: &Path) -> impl FnOnce(io::Error) -> UndoError {
    let root = roots.of(p).map(|r| shown(r.path())).unwrap_or_default();
    let path = shown(p);
    move |source| {
        if source.get_ref().is_some_and(|r| r.is::<Refused>()) {
            UndoError::Escaped { path, root }
        } else {
            UndoError::Io { path, source }
        }
    }
}

/// The folder holding `p` (opened beneath its root, links refused) and
/// its file name; `None` when a folder on the way does not exist.
fn at(roots: &Roots, p: &Path) -> Result<Option<(Dir, OsString)>, UndoError> {
    let found = roots.of(p).and_then(|root| {
        let (dirs, name) = super::steps::split(root, p)?;
        Ok(root.dir(&dirs)?.map(|d| (d, name)))
    });
    found.map_err(beneath_err(roots, p))
}

/// The digest of the file `name` in `dir` (a link is not followed: it
/// counts as changed); `None` when nothing is there.
fn current(at: Option<&(Dir, OsString)>, p: &Path) -> Result<Option<[u8; 32]>, UndoError> {
    let Some((dir, name)) = at else {
        return Ok(None);
    };
    let io_err = |source| UndoError::Io {
        path: shown(p),
        source,
    };
    let flags = libc::O_RDONLY | libc::O_NOFOLLOW | libc::O_NONBLOCK;
    let fd = match dir.openat(&super::beneath::cstr(name).map_err(io_err)?, flags, 0) {
        Ok(fd) => fd,
        Err(e) if e.raw_os_error() == Some(libc::ENOENT) => return Ok(None),
        // A link (or a FIFO, a device…) where the patch left a file.
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
            return Err(UndoError::Changed(shown(p)));
        }
        Err(e) => return Err(io_err(e)),
    };
    let file = std::fs::File::from(fd);
    if !file.metadata().map_err(io_err)?.is_file() {
        return Err(UndoError::Changed(shown(p)));
    }
    Scan::read(file, 0, &|| false)
        .map(|s| Some(s.digest))
        .map_err(io_err)
}

/// Puts `o` back when what the patch left is still there (else nothing
/// is written).
pub fn put_back(o: &Original) -> Result<Restored, UndoError> {
    let roots = open_roots(o)?;
    let left = at(&roots, &o.left_at)?;
    let now = current(left.as_ref(), &o.left_at)?;
    if now != o.left {
        return Err(match now {
            // An added file already deleted is what the undo wanted.
            None if o.bytes.is_none() => return Ok(Restored::AlreadyGone),
            None => UndoError::Gone(shown(&o.left_at)),
            Some(_) => UndoError::Changed(shown(&o.left_at)),
        });
    }
    let moved = o.left_at != o.path;
    // A move's source must still be free.
    if moved && o.bytes.is_some() && current(at(&roots, &o.path)?.as_ref(), &o.path)?.is_some() {
        return Err(UndoError::Taken(shown(&o.path)));
    }
    // Folders made for the original (a move's source folder removed by
    // hand since): removed again when a later step fails.
    let mut made = Vec::new();
    let mut written = None;
    if let Some((bytes, perms)) = &o.bytes {
        match write(&roots, &o.path, bytes, perms.as_ref(), &mut made) {
            Ok(w) => written = Some(w),
            Err(e) => {
                remove_made(made);
                return Err(e);
            }
        }
    }
    if (moved || o.bytes.is_none())
        && o.left.is_some()
        && let Some((dir, name)) = &left
    {
        if let Err(source) = dir.remove_file(name) {
            // All or nothing: the original put back at a move's old path
            // goes again, the patch's file stays where it was.
            if moved && let Some((dir, name)) = written {
                let _ = dir.remove_file(&name);
                remove_made(made);
            }
            return Err(UndoError::Remove {
                path: shown(&o.left_at),
                source,
            });
        }
        // Fails, as it should, on a folder something else is in.
        remove_dirs(&roots, &o.made_dirs);
    }
    Ok(Restored::Done)
}

/// Writes `bytes` at `p` (its folders made as needed, each added to
/// `made`) through a temp file renamed over it; the folder and name.
fn write(
    roots: &Roots,
    p: &Path,
    bytes: &[u8],
    perms: Option<&std::fs::Permissions>,
    made: &mut Vec<(Dir, OsString)>,
) -> Result<(Dir, OsString), UndoError> {
    let err = beneath_err(roots, p);
    let written = roots.of(p).and_then(|root| {
        let (dirs, name) = super::steps::split(root, p)?;
        let dir = root.dir_create(&dirs, made)?;
        super::stale_tmp::sweep_dir(&dir);
        let tmp = dir.write_temp(bytes, perms, &|| false)?;
        let to = super::beneath::cstr(&name)?;
        if let Err(e) = dir.rename(&tmp, &to) {
            let _ = dir.remove_tmp(&tmp);
            return Err(e);
        }
        Ok((dir, name))
    });
    written.map_err(err)
}

/// Removes the folders an undo made (made in order, removed deepest
/// first).
fn remove_made(made: Vec<(Dir, OsString)>) {
    for (parent, name) in made.into_iter().rev() {
        if parent.remove_dir(&name).is_err() {
            break;
        }
    }
}

/// Removes `dirs` (deepest first) while they are empty, each reached
/// beneath its root; stops at the first that is not (or cannot be
/// removed, or is reached only through a link now).
fn remove_dirs(roots: &Roots, dirs: &[PathBuf]) {
    for dir in dirs {
        let removed = match at(roots, dir) {
            Ok(Some((parent, name))) => parent.remove_dir(&name),
            _ => break,
        };
        if removed.is_err() {
            break;
        }
    }
}
