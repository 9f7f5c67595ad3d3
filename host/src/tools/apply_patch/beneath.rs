//! Filesystem access that stays beneath one directory, whatever happens to
//! the tree meanwhile. The root is opened once; every path below it is
//! resolved from that descriptor without following symbolic links
//! (`openat2` with `RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS`, or a walk with
//! `O_NOFOLLOW` per component where `openat2` is missing), and files are
//! read, written, renamed and removed relative to their directory's
//! descriptor. A directory swapped for a link after a path was checked is
//! refused instead of followed out of the root.

use std::ffi::{CStr, CString, OsStr, OsString};
use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Why a path below the root was not used.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    #[error(
        "{0}: a directory on the way is a symbolic link (or was replaced by one after the patch was checked), and apply_patch does not write through links"
    )]
    Symlink(String),
    #[error("{path} is not inside {root}")]
    Outside { path: String, root: String },
}

fn refused(r: Refused) -> io::Error {
    io::Error::new(io::ErrorKind::PermissionDenied, r)
}

/// The directory every path is resolved beneath.
pub struct Root {
    dir: Dir,
    path: PathBuf,
}

/// An open directory; files are named relative to it.
#[derive(Clone)]
pub struct Dir(Arc<OwnedFd>);

/// What a directory descriptor is opened with: enough for the `*at` calls.
#[cfg(target_os = "linux")]
const DIR_FLAGS: libc::c_int = libc::O_PATH | libc::O_DIRECTORY | libc::O_CLOEXEC;
#[cfg(not(target_os = "linux"))]
const DIR_FLAGS: libc::c_int = libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC;

pub(super) fn cstr(name: &OsStr) -> io::Result<CString> {
    CString::new(name.as_bytes())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "a path holds a NUL byte."))
}

/// `-1` → the errno as an error; otherwise the value.
pub(super) fn check(ret: libc::c_int) -> io::Result<libc::c_int> {
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

/// Takes ownership of a descriptor a syscall just returned.
fn owned(ret: libc::c_int) -> io::Result<OwnedFd> {
    let fd = check(ret)?;
    // SAFETY: `fd` was just returned by a successful open call, so it is a
    // valid descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

impl Root {
    /// Opens `path` (an absolute path without links, as checked) as the root.
    pub fn open(path: &Path) -> io::Result<Root> {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(DIR_FLAGS)
            .open(path)?;
        Ok(Root {
            dir: Dir(Arc::new(OwnedFd::from(file))),
            path: path.to_path_buf(),
        })
    }

    /// The root's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `real` (absolute) split into the names below the root, or refused
    /// when it is not below it or holds `.`/`..`.
    pub fn relative(&self, real: &Path) -> io::Result<Vec<OsString>> {
        let outside = || {
            refused(Refused::Outside {
                path: real.display().to_string(),
                root: self.path.display().to_string(),
            })
        };
        let rest = real.strip_prefix(&self.path).map_err(|_| outside())?;
        rest.components()
            .map(|c| match c {
                Component::Normal(n) => Ok(n.to_os_string()),
                _ => Err(outside()),
            })
            .collect()
    }

    /// The directory `dirs` names below the root; `None` when one of them
    /// does not exist.
    pub fn dir(&self, dirs: &[OsString]) -> io::Result<Option<Dir>> {
        match self.resolve(dirs) {
            Ok(d) => Ok(Some(d)),
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => self.walk(dirs, None),
            Err(e) => Err(e),
        }
    }

    /// The directory `dirs` names below the root, creating the missing
    /// ones; each created directory is added to `created` (its parent and
    /// name), also when a later step fails.
    pub fn dir_create(
        &self,
        dirs: &[OsString],
        created: &mut Vec<(Dir, OsString)>,
    ) -> io::Result<Dir> {
        let found = match self.resolve(dirs) {
            Ok(d) => Some(d),
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => self.walk(dirs, Some(created))?,
            Err(e) => return Err(e),
        };
        found.ok_or_else(|| io::Error::from_raw_os_error(libc::ENOENT))
    }

    fn shown(&self, dirs: &[OsString]) -> String {
        let mut p = self.path.clone();
        p.extend(dirs);
        p.display().to_string()
    }

    /// One `openat2` call; the walk where the kernel lacks it.
    fn resolve(&self, dirs: &[OsString]) -> io::Result<Dir> {
        if dirs.is_empty() {
            return Ok(self.dir.clone());
        }
        match openat2_beneath(&self.dir, dirs) {
            Ok(fd) => Ok(Dir(Arc::new(fd))),
            Err(e) => match e.raw_os_error() {
                Some(libc::ELOOP | libc::EXDEV) => Err(refused(Refused::Symlink(self.shown(dirs)))),
                // No openat2 (old kernel, or a seccomp filter refusing it).
                Some(libc::ENOSYS | libc::EPERM | libc::E2BIG) => self
                    .walk(dirs, None)?
                    .ok_or_else(|| io::Error::from_raw_os_error(libc::ENOENT)),
                _ => Err(e),
            },
        }
    }

    /// Opens `dirs` one at a time with `O_NOFOLLOW`; missing ones are
    /// created when `created` is given, else the answer is `None`.
    fn walk(
        &self,
        dirs: &[OsString],
        mut created: Option<&mut Vec<(Dir, OsString)>>,
    ) -> io::Result<Option<Dir>> {
        let mut cur = self.dir.clone();
        for (i, name) in dirs.iter().enumerate() {
            let c = cstr(name)?;
            let next = match cur.open_dir(&c) {
                Err(e) if e.raw_os_error() == Some(libc::ENOENT) => {
                    let Some(created) = created.as_deref_mut() else {
                        return Ok(None);
                    };
                    match cur.mkdir(&c) {
                        Ok(()) => created.push((cur.clone(), name.clone())),
                        Err(e) if e.raw_os_error() == Some(libc::EEXIST) => {}
                        Err(e) => return Err(e),
                    }
                    cur.open_dir(&c)
                }
                other => other,
            };
            cur = match next {
                Ok(fd) => Dir(Arc::new(fd)),
                Err(e) if matches!(e.raw_os_error(), Some(libc::ELOOP | libc::ENOTDIR)) => {
                    if cur.is_symlink(&c) {
                        return Err(refused(Refused::Symlink(self.shown(&dirs[..=i]))));
                    }
                    return Err(e);
                }
                Err(e) => return Err(e),
            };
        }
        Ok(Some(cur))
    }
}

/// The directories a patch may write beneath (the workspace and the
/// folders of `writable_roots`), each opened once; a path is resolved
/// beneath the deepest one holding it.
pub struct Roots(Vec<Root>);

impl Roots {
    /// `roots` (absolute paths without links, as checked), the first one
    /// named when a path is beneath none of them.
    pub fn open(roots: &[PathBuf]) -> Result<Roots, (PathBuf, io::Error)> {
        roots
            .iter()
            .map(|r| Root::open(r).map_err(|e| (r.clone(), e)))
            .collect::<Result<Vec<_>, _>>()
            .map(Roots)
    }

    /// Directories already opened (and checked), with their real paths.
    pub fn from_opened(opened: Vec<(PathBuf, OwnedFd)>) -> Roots {
        Roots(
            opened
                .into_iter()
                .map(|(path, fd)| Root {
                    dir: Dir(Arc::new(fd)),
                    path,
                })
                .collect(),
        )
    }

    /// The root `real` (absolute) is beneath.
    pub fn of(&self, real: &Path) -> io::Result<&Root> {
        deepest(&self.0, |r| &r.path, real).ok_or_else(|| {
            refused(Refused::Outside {
                path: real.display().to_string(),
                root: self
                    .0
                    .first()
                    .map(|r| r.path.display().to_string())
                    .unwrap_or_default(),
            })
        })
    }
}

/// The deepest of `roots` (each at `path_of`) holding `real`.
pub fn deepest<'a, T>(roots: &'a [T], path_of: impl Fn(&T) -> &Path, real: &Path) -> Option<&'a T> {
    roots
        .iter()
        .filter(|r| real.starts_with(path_of(r)))
        .max_by_key(|r| path_of(r).components().count())
}

#[cfg(target_os = "linux")]
fn openat2_beneath(root: &Dir, dirs: &[OsString]) -> io::Result<OwnedFd> {
    /// The kernel's `struct open_how` (libc's is `non_exhaustive`).
    #[repr(C)]
    struct OpenHow {
        flags: u64,
        mode: u64,
        resolve: u64,
    }
    let path = cstr(dirs.iter().collect::<PathBuf>().as_os_str())?;
    let how = OpenHow {
        flags: DIR_FLAGS as u64,
        mode: 0,
        resolve: libc::RESOLVE_BENEATH | libc::RESOLVE_NO_SYMLINKS | libc::RESOLVE_NO_MAGICLINKS,
    };
    // SAFETY: `path` is NUL-terminated and `how` a live `open_how` of the
    // size passed; both outlive the call. The result is checked below.
    let ret = unsafe {
        libc::syscall(
            libc::SYS_openat2,
            root.0.as_raw_fd(),
            path.as_ptr(),
            &how as *const OpenHow,
            std::mem::size_of::<OpenHow>(),
        )
    };
    owned(libc::c_int::try_from(ret).unwrap_or(-1))
}

#[cfg(not(target_os = "linux"))]
fn openat2_beneath(_: &Dir, _: &[OsString]) -> io::Result<OwnedFd> {
    Err(io::Error::from_raw_os_error(libc::ENOSYS))
}

impl Dir {
    pub(super) fn fd(&self) -> libc::c_int {
        self.0.as_raw_fd()
    }

    pub(super) fn openat(
        &self,
        name: &CString,
        flags: libc::c_int,
        mode: libc::c_uint,
    ) -> io::Result<OwnedFd> {
        // SAFETY: `name` is NUL-terminated and outlives the call; `self`
        // holds an open directory descriptor.
        owned(unsafe { libc::openat(self.fd(), name.as_ptr(), flags | libc::O_CLOEXEC, mode) })
    }

    fn open_dir(&self, name: &CString) -> io::Result<OwnedFd> {
        self.openat(name, DIR_FLAGS | libc::O_NOFOLLOW, 0)
    }

    fn mkdir(&self, name: &CString) -> io::Result<()> {
        // SAFETY: as in `openat`.
        check(unsafe { libc::mkdirat(self.fd(), name.as_ptr(), 0o777) }).map(drop)
    }

    fn is_symlink(&self, name: &CString) -> bool {
        let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
        // SAFETY: `name` is NUL-terminated, `st` is writable memory for one
        // `stat`, read only when the call succeeded (and so filled it).
        unsafe {
            libc::fstatat(
                self.fd(),
                name.as_ptr(),
                st.as_mut_ptr(),
                libc::AT_SYMLINK_NOFOLLOW,
            ) == 0
                && (st.assume_init().st_mode & libc::S_IFMT) == libc::S_IFLNK
        }
    }

    /// The file `name` opened for reading, without following a link;
    /// `None` when there is no file (a link counts as none: it is not
    /// followed). Opened non-blocking, so a named pipe with no writer
    /// opens at once instead of waiting for one: the caller looks at what
    /// it opened before reading.
    pub fn open_file(&self, name: &OsStr) -> io::Result<Option<File>> {
        let flags = libc::O_RDONLY | libc::O_NOFOLLOW | libc::O_NONBLOCK;
        match self.openat(&cstr(name)?, flags, 0) {
            Ok(fd) => Ok(Some(File::from(fd))),
            Err(e) if matches!(e.raw_os_error(), Some(libc::ENOENT | libc::ELOOP)) => Ok(None),
            // A socket cannot be opened: say so, not "No such device".
            Err(e) if e.raw_os_error() == Some(libc::ENXIO) => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a socket, not a regular file: apply_patch adds, updates, moves and deletes regular files only. Use the shell for it",
            )),
            Err(e) => Err(e),
        }
    }

    /// Writes `bytes` to a new temp file here and renames it over `name`;
    /// the temp file is removed when any step fails.
    #[cfg(test)]
    pub fn write_atomic(
        &self,
        name: &OsStr,
        bytes: &[u8],
        perms: Option<&std::fs::Permissions>,
    ) -> io::Result<()> {
        let tmp = self.write_temp(bytes, perms, &|| false)?;
        let result = self.rename(&tmp, &cstr(name)?);
        if result.is_err() {
            let _ = self.unlink(&tmp, 0);
        }
        result
    }

    pub(super) fn unlink(&self, name: &CStr, flags: libc::c_int) -> io::Result<()> {
        // SAFETY: as in `openat`.
        check(unsafe { libc::unlinkat(self.fd(), name.as_ptr(), flags) }).map(drop)
    }

    /// Removes the file (or link) `name`.
    pub fn remove_file(&self, name: &OsStr) -> io::Result<()> {
        self.unlink(&cstr(name)?, 0)
    }

    /// The target of the symbolic link `name` (the link is not followed);
    /// `None` when `name` is missing or not a link.
    pub fn read_link(&self, name: &OsStr) -> io::Result<Option<PathBuf>> {
        use std::os::unix::ffi::OsStringExt;
        let name = cstr(name)?;
        let mut buf = vec![0u8; libc::PATH_MAX as usize];
        // SAFETY: `name` is NUL-terminated; `buf` is writable for its length.
        let n = unsafe {
            libc::readlinkat(self.fd(), name.as_ptr(), buf.as_mut_ptr().cast(), buf.len())
        };
        if n < 0 {
            let e = io::Error::last_os_error();
            return match e.raw_os_error() {
                Some(libc::ENOENT | libc::EINVAL) => Ok(None),
                _ => Err(e),
            };
        }
        buf.truncate(usize::try_from(n).unwrap_or(0));
        Ok(Some(OsString::from_vec(buf).into()))
    }

    /// Makes `name` a symbolic link to `target` (puts a deleted link back).
    pub fn symlink(&self, target: &Path, name: &OsStr) -> io::Result<()> {
        let target = cstr(target.as_os_str())?;
        let name = cstr(name)?;
        // SAFETY: both names are NUL-terminated and outlive the call.
        check(unsafe { libc::symlinkat(target.as_ptr(), self.fd(), name.as_ptr()) }).map(drop)
    }

    /// Removes the empty directory `name`.
    pub fn remove_dir(&self, name: &OsStr) -> io::Result<()> {
        self.unlink(&cstr(name)?, libc::AT_REMOVEDIR)
    }
}

#[cfg(test)]
#[path = "beneath_tests.rs"]
pub(super) mod tests;
