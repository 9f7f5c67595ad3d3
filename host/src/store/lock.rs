//! One writer per session file: the writer holds an exclusive advisory
//! lock (`flock`) on the file for as long as it lives, so a second quire
//! continuing the same session is refused instead of interleaving its
//! records with the first one's (which leaves a history no API accepts).

use std::fs::{File, TryLockError};
use std::path::Path;

use super::StoreError;

/// Takes the lock on `file` (opened from `path`) or says who holds it.
pub(super) fn exclusive(file: &File, path: &Path, id: &str) -> Result<(), StoreError> {
    match file.try_lock() {
        Ok(()) => Ok(()),
        Err(TryLockError::WouldBlock) => Err(StoreError::Busy {
            id: id.to_string(),
            path: path.to_path_buf(),
            holder: holder(file),
        }),
        Err(TryLockError::Error(source)) => Err(StoreError::Io {
            action: "lock",
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// The session file at `path` (of session `id`) opened for appending with
/// the exclusive lock taken, or why not: another writer holds it
/// ([`StoreError::Busy`], naming its pid), or it cannot be opened for
/// writing ([`StoreError::NotWritable`]: a read-only file or mount).
pub(super) fn claim(path: &Path, id: &str) -> Result<File, StoreError> {
    let file =
        crate::owner_only::append_existing(path).map_err(|source| StoreError::NotWritable {
            id: id.to_string(),
            path: path.to_path_buf(),
            source,
        })?;
    exclusive(&file, path, id)?;
    Ok(file)
}

/// Who holds the session file at `path` open for writing, when someone
/// does: `Some(Some(pid))` (read from `/proc/locks`; it may be this very
/// process), `Some(None)` when the holder cannot be told, `None` when the
/// file is free (or cannot be opened: resuming it says what is wrong).
pub fn holder_of(path: &Path) -> Option<Option<u32>> {
    let file = File::open(path).ok()?;
    match file.try_lock_shared() {
        Ok(()) => None,
        Err(TryLockError::WouldBlock) => Some(pid_holding(&file, 0)),
        Err(TryLockError::Error(e)) => {
            tracing::debug!("cannot tell whether {} is in use: {e}", path.display());
            None
        }
    }
}

/// The pid holding a lock on `file`, read from `/proc/locks` (Linux);
/// `None` elsewhere or when it cannot be told.
fn holder(file: &File) -> Option<u32> {
    pid_holding(file, std::process::id())
}

/// [`holder`], other than `own` (0: any).
fn pid_holding(file: &File, own: u32) -> Option<u32> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::MetadataExt;
        let ino = file.metadata().ok()?.ino();
        let locks = std::fs::read_to_string("/proc/locks").ok()?;
        holder_in(&locks, ino, own)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (file, own);
        None
    }
}

/// The pid of a FLOCK line of `locks` (the format of `/proc/locks`) on
/// inode `ino`, other than `own`. A line reads
/// `1: FLOCK  ADVISORY  WRITE 4242 fd:01:1312 0 EOF`.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn holder_in(locks: &str, ino: u64, own: u32) -> Option<u32> {
    locks.lines().find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let kind = fields.iter().position(|f| *f == "FLOCK")?;
        let pid: u32 = fields.get(kind + 3)?.parse().ok()?;
        let inode: u64 = fields.get(kind + 4)?.rsplit(':').next()?.parse().ok()?;
        (inode == ino && pid != own).then_some(pid)
    })
}

#[cfg(test)]
mod tests {
    use super::holder_in;

    const LOCKS: &str = "1: POSIX  ADVISORY  WRITE 900 fd:01:77 0 EOF\n\
                         2: FLOCK  ADVISORY  WRITE 4242 fd:01:1312 0 EOF\n\
                         3: FLOCK  ADVISORY  WRITE 17 fd:01:99 0 EOF\n";

    #[test]
    fn the_holder_is_read_from_the_flock_line_of_the_inode() {
        assert_eq!(holder_in(LOCKS, 1312, 1), Some(4242));
        assert_eq!(holder_in(LOCKS, 99, 1), Some(17));
        assert_eq!(holder_in(LOCKS, 77, 1), None, "POSIX locks are not ours");
        assert_eq!(holder_in(LOCKS, 1312, 4242), None, "not ourselves");
        assert_eq!(holder_in("garbage\n", 1312, 1), None);
    }
}
