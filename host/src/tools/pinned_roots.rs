//! The folders sandboxed commands and `apply_patch` may write (the
//! workspace, `writable_roots`, the temp roots), pinned the first time a
//! session's sandbox policy names them: their real path and identity
//! (device and inode). A command may rename such a folder (its parent is
//! writable: `/tmp`, the workspace) and put a symbolic link in its place;
//! were the name looked up again, the next command would be granted the
//! link's target. So before each command and each patch every pinned
//! folder is opened again by its real path, no component followed if it
//! is a link, its identity compared with the pinned one, and the rules
//! are made from those descriptors: what is granted is the folder
//! checked, even if its name is swapped a moment later.
//!
//! The workspace no longer the pinned folder refuses the command or
//! patch ([`Changed`]); another root that changed is left out, with a
//! warning once ([`take_warnings`]). Pins live only as long as the
//! process, so a root named through a link a command of an earlier run
//! could have made is not pinned at all ([`pin_root`]).

use std::ffi::CString;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use super::planted_links::{self, Planted};

/// A folder as it was when first named: its real path and identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pinned {
    /// The real path (no links) at the time it was pinned.
    pub real: PathBuf,
    dev: u64,
    ino: u64,
}

/// A pinned folder that is no longer the folder pinned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path} is no longer the folder this session started with: it is now {now}")]
pub struct Changed {
    pub path: PathBuf,
    /// What is there now: `a symbolic link to X`, `another folder`…
    pub now: String,
}

/// Every name pinned in this process, with its pin (`None`: it did not
/// exist when first named).
static PINS: Mutex<Vec<(PathBuf, Option<Pinned>)>> = Mutex::new(Vec::new());
/// The roots already warned about, and the warnings not yet shown.
static WARNED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
static PENDING: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// The pin of `name`, made now when it is named for the first time.
/// `None` when it does not exist. A name missing when first named is
/// pinned later only if no component of it is a link.
pub fn pin(name: &Path) -> Option<Pinned> {
    pin_checked(name, |_| None)
}

/// [`pin`] for a writable root other than the workspace and `/tmp`
/// (`writable_roots`, `$TMPDIR`): when first named, a root whose path is
/// or passes through a symbolic link in one of `writable` (the folders
/// sandboxed commands may write, [`planted_links::writable_folders`]) is
/// left out, warned once: a command of an earlier run could have put
/// the link there. Afterwards it is taken only as written, without links.
pub fn pin_root(name: &Path, writable: &[PathBuf]) -> Option<Pinned> {
    pin_checked(name, |n| planted_links::planted(n, writable))
}

fn pin_checked(name: &Path, check: impl FnOnce(&Path) -> Option<Planted>) -> Option<Pinned> {
    let mut pins = PINS.lock().unwrap_or_else(|p| p.into_inner());
    let found = pins.iter().position(|(n, _)| n == name);
    if let Some(Some(p)) = found.map(|i| &pins[i].1) {
        return Some(p.clone());
    }
    if found.is_none()
        && let Some(planted) = check(name)
    {
        pins.push((name.to_path_buf(), None));
        drop(pins);
        warn_once(name, not_used(name, &planted));
        return None;
    }
    let real = match found {
        // Missing at first: taken only as it is written, without links.
        Some(_) => name.is_absolute().then(|| name.components().collect()),
        None => std::fs::canonicalize(name).ok(),
    };
    let pinned = real.and_then(|real: PathBuf| {
        let fd = open_no_links(&real).ok()?;
        let (dev, ino) = identity(&fd).ok()?;
        Some(Pinned { real, dev, ino })
    });
    match found {
        Some(i) => pins[i].1 = pinned.clone(),
        None => pins.push((name.to_path_buf(), pinned.clone())),
    }
    pinned
}

impl Pinned {
    /// The folder opened again by its real path (no link followed) and
    /// checked to be the one pinned.
    pub fn open(&self) -> Result<OwnedFd, Changed> {
        let changed = || Changed {
            path: self.real.clone(),
            now: describe(&self.real),
        };
        let fd = open_no_links(&self.real).map_err(|_| changed())?;
        match identity(&fd) {
            Ok(id) if id == (self.dev, self.ino) => Ok(fd),
            _ => Err(changed()),
        }
    }
}

/// The folders of `roots` (real paths) opened to be granted: each
/// beneath the deepest of `pins` holding it (opened and checked once),
/// or without following links where no pin holds it. A root beneath a
/// pin that changed is left out, warned once ([`left_out`]); one missing
/// is left out quietly. `Err` when `workspace` (one of `pins`) changed.
pub fn open_roots(
    workspace: Option<&Pinned>,
    pins: &[Pinned],
    roots: &[PathBuf],
) -> Result<Vec<(PathBuf, OwnedFd)>, Changed> {
    let mut opened: Vec<(&Pinned, Result<OwnedFd, Changed>)> = Vec::new();
    for p in pins.iter().chain(workspace) {
        if opened.iter().any(|(o, _)| *o == p) {
            continue;
        }
        let fd = p.open();
        if let (Some(w), Err(c)) = (workspace, &fd)
            && w == p
        {
            return Err(c.clone());
        }
        opened.push((p, fd));
    }
    let mut out = Vec::new();
    for root in roots {
        let holder = opened
            .iter()
            .filter(|(p, _)| root.starts_with(&p.real))
            .max_by_key(|(p, _)| p.real.components().count());
        let fd = match holder {
            Some((_, Err(c))) => {
                left_out(c);
                continue;
            }
            Some((p, Ok(fd))) => match root.strip_prefix(&p.real) {
                Ok(rest) if rest.as_os_str().is_empty() => dup(fd.as_raw_fd()),
                Ok(rest) => open_beneath(fd, rest),
                Err(_) => continue,
            },
            None => open_no_links(root),
        };
        match fd {
            Ok(fd) => out.push((root.clone(), fd)),
            Err(e) => {
                tracing::debug!(root = %root.display(), error = %e, "sandbox: root not opened, not added");
            }
        }
    }
    Ok(out)
}

/// The refusal of a command or patch whose workspace changed.
pub fn workspace_refusal(what: &str, c: &Changed) -> String {
    format!(
        "the workspace {}; quire does not {what} there, since the folder it would grant is not the one this session was started in. Restart quire in the real folder.",
        c
    )
}

/// Records that the root `c` names was left out, warned once.
pub fn left_out(c: &Changed) {
    warn_once(
        &c.path,
        format!(
            "sandbox: the writable folder {c}; a command changed it, so it is left out: commands and apply_patch may no longer write there"
        ),
    );
}

/// The warning for a root left out because a link on its way sits in a
/// folder sandboxed commands may write.
fn not_used(name: &Path, p: &Planted) -> String {
    let link = if p.link == name {
        format!("it is a symbolic link to {}", p.to.display())
    } else {
        format!(
            "{} on its way is a symbolic link to {}",
            p.link.display(),
            p.to.display()
        )
    };
    format!(
        "sandbox: the writable folder {} is not used: {link}, inside {}, where sandboxed commands may write; a sandboxed command could have put it there; use the real folder's path",
        name.display(),
        p.inside.display()
    )
}

/// Shows `message` about the root `path`, once per run.
fn warn_once(path: &Path, message: String) {
    let mut warned = WARNED.lock().unwrap_or_else(|p| p.into_inner());
    if warned.iter().any(|w| w == path) {
        return;
    }
    warned.push(path.to_path_buf());
    tracing::warn!("{message}");
    PENDING
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(message);
}

/// The warnings about roots left out not yet shown.
pub fn take_warnings() -> Vec<String> {
    std::mem::take(&mut *PENDING.lock().unwrap_or_else(|p| p.into_inner()))
}

/// What is at `real` now, in words.
fn describe(real: &Path) -> String {
    match std::fs::symlink_metadata(real) {
        Ok(m) if m.file_type().is_symlink() => match std::fs::read_link(real) {
            Ok(to) => format!("a symbolic link to {}", to.display()),
            Err(_) => "a symbolic link".into(),
        },
        Ok(_) => match std::fs::canonicalize(real) {
            Ok(c) if c != real => format!(
                "reached through a symbolic link (it leads to {})",
                c.display()
            ),
            _ => "another folder or file".into(),
        },
        Err(_) => "missing (renamed or removed)".into(),
    }
}

/// `path` (absolute, real) opened `O_PATH`, each component with
/// `O_NOFOLLOW`: a link anywhere on the way fails.
pub fn open_no_links(path: &Path) -> io::Result<OwnedFd> {
    if !path.is_absolute() {
        return Err(io::Error::from_raw_os_error(libc::EINVAL));
    }
    let root = raw_open(libc::AT_FDCWD, c"/", libc::O_DIRECTORY)?;
    let rest = path.strip_prefix("/").unwrap_or(path);
    open_beneath(&root, rest)
}

/// `rest` (plain names) opened beneath `dir`, no component followed if
/// it is a link.
pub fn open_beneath(dir: &OwnedFd, rest: &Path) -> io::Result<OwnedFd> {
    let names: Vec<&std::ffi::OsStr> = rest
        .components()
        .map(|c| match c {
            Component::Normal(n) => Ok(n),
            _ => Err(io::Error::from_raw_os_error(libc::EINVAL)),
        })
        .collect::<io::Result<_>>()?;
    let mut cur = dup(dir.as_raw_fd())?;
    for (i, name) in names.iter().enumerate() {
        let name = CString::new(name.as_bytes())
            .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
        let last = i + 1 == names.len();
        let flags = if last { 0 } else { libc::O_DIRECTORY };
        cur = raw_open(cur.as_raw_fd(), &name, flags)?;
    }
    // O_PATH | O_NOFOLLOW opens a link itself: refused here.
    if is_link(&cur)? {
        return Err(io::Error::from_raw_os_error(libc::ELOOP));
    }
    Ok(cur)
}

/// Whether `fd` is a directory.
pub fn is_dir(fd: BorrowedFd<'_>) -> bool {
    stat(fd.as_raw_fd()).is_ok_and(|s| s.st_mode & libc::S_IFMT == libc::S_IFDIR)
}

fn is_link(fd: &OwnedFd) -> io::Result<bool> {
    stat(fd.as_raw_fd()).map(|s| s.st_mode & libc::S_IFMT == libc::S_IFLNK)
}

#[allow(clippy::unnecessary_cast)]
fn identity(fd: &OwnedFd) -> io::Result<(u64, u64)> {
    stat(fd.as_raw_fd()).map(|s| (s.st_dev as u64, s.st_ino as u64))
}

fn stat(fd: libc::c_int) -> io::Result<libc::stat> {
    // SAFETY: `st` is a plain struct the kernel fills; `fd` is open.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: as above; the pointer is to a live `stat`.
    if unsafe { libc::fstat(fd, &mut st) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(st)
}

fn raw_open(dir: libc::c_int, name: &std::ffi::CStr, flags: libc::c_int) -> io::Result<OwnedFd> {
    let flags = flags | libc::O_PATH | libc::O_NOFOLLOW | libc::O_CLOEXEC;
    // SAFETY: `name` is NUL-terminated and outlives the call.
    let fd = unsafe { libc::openat(dir, name.as_ptr(), flags) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a descriptor the call just returned, owned by nothing else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

fn dup(fd: libc::c_int) -> io::Result<OwnedFd> {
    // SAFETY: F_DUPFD_CLOEXEC on an open descriptor returns a new one.
    let new = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 0) };
    if new < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a descriptor the call just returned, owned by nothing else.
    Ok(unsafe { OwnedFd::from_raw_fd(new) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_swapped_for_a_link_is_no_longer_the_pinned_one() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().canonicalize().unwrap();
        let ws = base.join("ws");
        let elsewhere = base.join("elsewhere");
        std::fs::create_dir_all(&ws).unwrap();
        std::fs::create_dir_all(&elsewhere).unwrap();
        let pinned = pin(&ws).unwrap();
        assert!(pinned.open().is_ok());
        std::fs::rename(&ws, base.join("ws-real")).unwrap();
        std::os::unix::fs::symlink(&elsewhere, &ws).unwrap();
        // Named again: the first pin holds.
        assert_eq!(pin(&ws), Some(pinned.clone()));
        let changed = pinned.open().unwrap_err();
        assert!(changed.now.contains("a symbolic link to"), "{changed}");
        // Another folder of the same name.
        std::fs::remove_file(&ws).unwrap();
        std::fs::create_dir(&ws).unwrap();
        assert_eq!(pinned.open().unwrap_err().now, "another folder or file");
        std::fs::remove_dir(&ws).unwrap();
        assert!(pinned.open().unwrap_err().now.starts_with("missing"));
    }

    #[test]
    fn a_link_on_the_way_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(base.join("a/b")).unwrap();
        std::os::unix::fs::symlink(base.join("a"), base.join("l")).unwrap();
        assert!(open_no_links(&base.join("a/b")).is_ok());
        assert!(open_no_links(&base.join("l/b")).is_err());
        assert!(open_no_links(&base.join("l")).is_err());
        // A name missing when first pinned is later taken only without links.
        let late = base.join("late");
        assert_eq!(pin(&late), None);
        std::os::unix::fs::symlink(base.join("a"), &late).unwrap();
        assert_eq!(pin(&late), None);
        std::fs::remove_file(&late).unwrap();
        std::fs::create_dir(&late).unwrap();
        assert_eq!(pin(&late).map(|p| p.real), Some(late));
    }
}
