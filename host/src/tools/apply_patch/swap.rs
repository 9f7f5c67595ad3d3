//! One file's write, made so that a stop or a failure at any point
//! leaves it whole: the new content goes to a temp file beside it,
//! written in chunks with a look at whether the patch was stopped between
//! them; then the temp file takes the file's place (the commit point of
//! that file). The file it replaced, or a file deleted, is kept aside
//! under a temp name until the whole patch is written, so that putting
//! it back is a rename, whatever its size.

use std::ffi::{CStr, CString, OsStr};
use std::fs::{File, Permissions};
use std::io::{self, Write};

use super::beneath::{Dir, check, cstr};
use super::stale_tmp;

/// How much is written between two looks at whether the patch was stopped.
const CHUNK: usize = 1 << 20;

/// `renameat2`'s flags (elsewhere than on Linux the call is refused and
/// plain renames take its place).
const NOREPLACE: libc::c_uint = 1;
const EXCHANGE: libc::c_uint = 2;

/// The patch was stopped (Esc, Ctrl-C, SIGTERM…) while a file was written.
#[derive(Debug, thiserror::Error)]
#[error("the patch was stopped")]
pub struct Stopped;

/// The error a write stopped by [`Stopped`] ends with.
pub fn stopped() -> io::Error {
    io::Error::new(io::ErrorKind::Interrupted, Stopped)
}

/// Whether `e` is [`stopped`].
pub fn is_stop(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|r| r.is::<Stopped>())
}

impl Dir {
    /// Writes `bytes` to a new temp file here (named as
    /// [`stale_tmp::name`] says), looking at `stop` between chunks; its
    /// name. The temp file is removed when a step fails or `stop` says so
    /// (the error is then [`stopped`]).
    pub fn write_temp(
        &self,
        bytes: &[u8],
        perms: Option<&Permissions>,
        stop: &dyn Fn() -> bool,
    ) -> io::Result<CString> {
        let flags = libc::O_CREAT | libc::O_EXCL | libc::O_WRONLY | libc::O_NOFOLLOW;
        let mut attempts = 0;
        let (tmp, file) = loop {
            let tmp = cstr(OsStr::new(&stale_tmp::name("patch")))?;
            match self.openat(&tmp, flags, 0o666) {
                Ok(fd) => break (tmp, File::from(fd)),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempts < 8 => attempts += 1,
                Err(e) => return Err(e),
            }
        };
        let result = fill(file, bytes, perms, stop);
        if result.is_err() {
            let _ = self.unlink(&tmp, 0);
        }
        result.map(|()| tmp)
    }

    /// Puts the temp file `tmp` in the place of `name`: the commit point
    /// of one file. A file at `name` is swapped with the temp file in one
    /// step (`RENAME_EXCHANGE`: the path is never missing) and so ends up
    /// under the temp file's name, which is returned: the caller can tell
    /// whether it is the file it checked ([`Dir::identity`]) and take the
    /// step back with a rename. `None` when there was none (and one that
    /// appears meanwhile is not replaced: `EEXIST`). Where the filesystem
    /// cannot swap, the file is moved aside first, then the temp file
    /// renamed. On an error nothing changed.
    pub fn put(&self, tmp: &CStr, name: &CStr) -> io::Result<Option<CString>> {
        match self.exchange(tmp, name) {
            Ok(()) => {
                // A folder put at `name` since the patch looked: swapped
                // back, never replaced.
                if self.is_dir(tmp) {
                    self.exchange(tmp, name)?;
                    return Err(io::Error::from_raw_os_error(libc::EISDIR));
                }
                Ok(Some(tmp.to_owned()))
            }
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => {
                // Nothing there: nothing to replace either, should a file
                // appear meanwhile (then `EEXIST`).
                self.rename_new(tmp, name)?;
                Ok(None)
            }
            Err(e) if cannot_swap(&e) => {
                let aside = match self.set_aside(name) {
                    Ok(a) => Some(a),
                    Err(e) if e.raw_os_error() == Some(libc::ENOENT) => None,
                    Err(e) => return Err(e),
                };
                if let Err(e) = self.rename(tmp, name) {
                    if let Some(a) = &aside {
                        let _ = self.rename(a, name);
                    }
                    return Err(e);
                }
                Ok(aside)
            }
            Err(e) => Err(e),
        }
    }

    /// Moves the file `name` aside to a new temp name (a delete that can
    /// still be taken back until the patch is written); that name.
    pub fn set_aside(&self, name: &CStr) -> io::Result<CString> {
        if self.is_dir(name) {
            return Err(io::Error::from_raw_os_error(libc::EISDIR));
        }
        let aside = cstr(OsStr::new(&stale_tmp::name("patch")))?;
        self.rename(name, &aside)?;
        Ok(aside)
    }

    /// Renames `from` to `to` in this folder, replacing what `to` is.
    pub fn rename(&self, from: &CStr, to: &CStr) -> io::Result<()> {
        // SAFETY: both names are NUL-terminated and outlive the call.
        check(unsafe { libc::renameat(self.fd(), from.as_ptr(), self.fd(), to.as_ptr()) }).map(drop)
    }

    /// Removes the temp file (or a file kept aside) `name`.
    pub fn remove_tmp(&self, name: &CStr) -> io::Result<()> {
        self.unlink(name, 0)
    }

    /// What `name` is (not followed when a link), for telling one file
    /// from another: its device, inode and size.
    pub fn identity(&self, name: &CStr) -> io::Result<Identity> {
        let st = self.stat(name)?;
        // dev_t and ino_t differ by platform.
        #[allow(clippy::unnecessary_cast)]
        Ok(Identity {
            dev: st.st_dev as u64,
            ino: st.st_ino as u64,
            len: st.st_size as u64,
        })
    }

    fn stat(&self, name: &CStr) -> io::Result<libc::stat> {
        let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
        // SAFETY: `name` is NUL-terminated, `st` is writable memory for one
        // `stat`, read only when the call succeeded (and so filled it).
        unsafe {
            check(libc::fstatat(
                self.fd(),
                name.as_ptr(),
                st.as_mut_ptr(),
                libc::AT_SYMLINK_NOFOLLOW,
            ))?;
            Ok(st.assume_init())
        }
    }

    fn is_dir(&self, name: &CStr) -> bool {
        self.stat(name)
            .is_ok_and(|st| (st.st_mode & libc::S_IFMT) == libc::S_IFDIR)
    }

    /// Renames `from` to `to` unless `to` exists (then `EEXIST`).
    fn rename_new(&self, from: &CStr, to: &CStr) -> io::Result<()> {
        match self.renameat2(from, to, NOREPLACE) {
            Err(e) if cannot_swap(&e) => self.rename(from, to),
            other => other,
        }
    }

    fn exchange(&self, a: &CStr, b: &CStr) -> io::Result<()> {
        self.renameat2(a, b, EXCHANGE)
    }

    #[cfg(target_os = "linux")]
    fn renameat2(&self, a: &CStr, b: &CStr, flags: libc::c_uint) -> io::Result<()> {
        const _: () =
            assert!(NOREPLACE == libc::RENAME_NOREPLACE && EXCHANGE == libc::RENAME_EXCHANGE);
        // SAFETY: both names are NUL-terminated and outlive the call; the
        // result is checked.
        let ret = unsafe {
            libc::syscall(
                libc::SYS_renameat2,
                self.fd(),
                a.as_ptr(),
                self.fd(),
                b.as_ptr(),
                flags,
            )
        };
        check(libc::c_int::try_from(ret).unwrap_or(-1)).map(drop)
    }

    #[cfg(not(target_os = "linux"))]
    fn renameat2(&self, _: &CStr, _: &CStr, _: libc::c_uint) -> io::Result<()> {
        Err(io::Error::from_raw_os_error(libc::ENOSYS))
    }
}

/// A file told apart from others: device, inode, size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Identity {
    pub dev: u64,
    pub ino: u64,
    pub len: u64,
}

/// The filesystem (or kernel) cannot swap two names.
fn cannot_swap(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP | libc::EPERM)
    )
}

fn fill(
    mut file: File,
    bytes: &[u8],
    perms: Option<&Permissions>,
    stop: &dyn Fn() -> bool,
) -> io::Result<()> {
    for chunk in bytes.chunks(CHUNK) {
        if stop() {
            return Err(stopped());
        }
        file.write_all(chunk)?;
    }
    if let Some(perms) = perms {
        file.set_permissions(perms.clone())?;
    }
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::super::beneath::Root;
    use super::super::beneath::tests::{listing, tree};
    use super::*;

    fn c(s: &str) -> CString {
        CString::new(s).unwrap()
    }

    #[test]
    fn a_file_put_in_place_keeps_the_old_one_aside() {
        let t = tree();
        fs::write(t.root.join("f"), "old").unwrap();
        let dir = Root::open(&t.root).unwrap().dir(&[]).unwrap().unwrap();
        let tmp = dir.write_temp(b"new", None, &|| false).unwrap();
        let aside = dir.put(&tmp, &c("f")).unwrap().expect("the old file kept");
        assert_eq!(fs::read(t.root.join("f")).unwrap(), b"new");
        let aside_path = t.root.join(aside.to_str().unwrap());
        assert_eq!(fs::read(&aside_path).unwrap(), b"old");
        // Taken back: a rename.
        dir.rename(&aside, &c("f")).unwrap();
        assert_eq!(fs::read(t.root.join("f")).unwrap(), b"old");
        assert_eq!(listing(&t.root), ["f"]);
    }

    #[test]
    fn a_stopped_write_leaves_no_temp_file() {
        let t = tree();
        let dir = Root::open(&t.root).unwrap().dir(&[]).unwrap().unwrap();
        let big = vec![b'x'; 3 * CHUNK];
        let looks = std::cell::Cell::new(0);
        let stop = || {
            looks.set(looks.get() + 1);
            looks.get() > 1
        };
        let e = dir.write_temp(&big, None, &stop).unwrap_err();
        assert!(is_stop(&e), "{e}");
        assert!(listing(&t.root).is_empty());
    }

    #[test]
    fn a_folder_is_never_swapped_out() {
        let t = tree();
        fs::create_dir_all(t.root.join("f/x")).unwrap();
        let dir = Root::open(&t.root).unwrap().dir(&[]).unwrap().unwrap();
        let tmp = dir.write_temp(b"new", None, &|| false).unwrap();
        assert!(dir.put(&tmp, &c("f")).is_err());
        assert!(t.root.join("f/x").is_dir());
        assert!(dir.set_aside(&c("f")).is_err());
        dir.remove_tmp(&tmp).unwrap();
        assert_eq!(listing(&t.root), ["f", "f/x"]);
    }
}
