//! A plugin folder replaced whole by `quire plugins add`: the new one is
//! built in a staging folder beside it (`.adding-PID/NAME`, which
//! discovery never reads: it looks one level down for `plugin.toml`),
//! then takes the old one's place in one step (`renameat2` with
//! `RENAME_EXCHANGE`; where the filesystem cannot swap, the old folder is
//! moved aside first). Nothing of the old version stays, and a failed
//! copy leaves the installed plugin as it was.

use std::ffi::CString;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use super::PluginError;

/// The staging folder of one install; removed when dropped (after the
/// swap it holds the old version).
pub struct Staging {
    root: PathBuf,
    folder: PathBuf,
}

impl Staging {
    /// A fresh, empty staging place for `dest` (its parent is created).
    pub fn beside(dest: &Path) -> Result<Staging, PluginError> {
        let (Some(parent), Some(name)) = (dest.parent(), dest.file_name()) else {
            return Err(PluginError::Other(format!(
                "cannot install into {}: it is not a folder inside another",
                dest.display()
            )));
        };
        let root = parent.join(format!(".adding-{}", std::process::id()));
        // Left by an earlier run of this process id that was killed.
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).map_err(|source| PluginError::Io {
            path: root.clone(),
            source,
        })?;
        let folder = root.join(name);
        Ok(Staging { root, folder })
    }

    /// Where to build the new folder (not created yet).
    pub fn folder(&self) -> &Path {
        &self.folder
    }

    /// Puts the built folder in the place of `dest`.
    pub fn swap_into(self, dest: &Path) -> Result<(), PluginError> {
        let io = |source| PluginError::Io {
            path: dest.to_path_buf(),
            source,
        };
        if std::fs::symlink_metadata(dest).is_err() {
            return std::fs::rename(&self.folder, dest).map_err(io);
        }
        match exchange(&self.folder, dest) {
            Ok(()) => Ok(()),
            Err(e) if cannot_swap(&e) => {
                let aside = self.root.join("old");
                std::fs::rename(dest, &aside).map_err(io)?;
                std::fs::rename(&self.folder, dest).map_err(|e| {
                    let _ = std::fs::rename(&aside, dest);
                    io(e)
                })
            }
            Err(e) => Err(io(e)),
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn c_path(p: &Path) -> io::Result<CString> {
    CString::new(p.as_os_str().as_bytes())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "a path with a NUL byte"))
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    let (a, b) = (c_path(a)?, c_path(b)?);
    // SAFETY: both paths are NUL-terminated and outlive the call; the
    // result is checked.
    let ret = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if ret == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    let _ = (c_path(a)?, c_path(b)?);
    Err(io::Error::from_raw_os_error(libc::ENOSYS))
}

/// The filesystem (or kernel) cannot swap two names.
fn cannot_swap(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP | libc::EPERM)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_new_folder_replaces_the_old_one_whole() {
        let root = tempfile::tempdir().unwrap();
        let dest = root.path().join("p");
        std::fs::create_dir_all(&dest).unwrap();
        std::fs::write(dest.join("old.wasm"), "old").unwrap();
        let s = Staging::beside(&dest).unwrap();
        std::fs::create_dir_all(s.folder()).unwrap();
        std::fs::write(s.folder().join("new.wasm"), "new").unwrap();
        s.swap_into(&dest).unwrap();
        assert!(dest.join("new.wasm").is_file());
        assert!(!dest.join("old.wasm").exists());
        let left: Vec<_> = std::fs::read_dir(root.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "the staging folder is gone");

        // Dropped without a swap: the installed folder is as it was.
        let s = Staging::beside(&dest).unwrap();
        std::fs::create_dir_all(s.folder()).unwrap();
        drop(s);
        assert!(dest.join("new.wasm").is_file());
        assert_eq!(std::fs::read_dir(root.path()).unwrap().count(), 1);
    }
}
