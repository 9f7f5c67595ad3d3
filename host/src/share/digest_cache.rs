//! The sha256 of files already hashed by this process, so drift checks
//! (run for every message and at every start of a session) do not read a
//! big file again. An entry is used only while the file is the same one
//! (device and inode) with the same size, modification and change times
//! (the change time cannot be set back without root); a file written
//! within a second of being hashed is not remembered, as its times may
//! not show a write that followed at once.

use std::collections::HashMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, SystemTime};

/// What identifies a file's content without reading it.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Stamp {
    dev: u64,
    ino: u64,
    len: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

impl Stamp {
    fn of(meta: &std::fs::Metadata) -> Stamp {
        Stamp {
            dev: meta.dev(),
            ino: meta.ino(),
            len: meta.len(),
            mtime: (meta.mtime(), meta.mtime_nsec()),
            ctime: (meta.ctime(), meta.ctime_nsec()),
        }
    }
}

/// Files smaller than this are hashed again each time (cheaper than
/// remembering them).
const WORTH_REMEMBERING: u64 = 1024 * 1024;

fn cache() -> &'static Mutex<HashMap<PathBuf, (Stamp, String)>> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, (Stamp, String)>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// The digest remembered for `path` when `meta` still matches it.
pub(super) fn get(path: &Path, meta: &std::fs::Metadata) -> Option<String> {
    if meta.len() < WORTH_REMEMBERING {
        return None;
    }
    let map = cache().lock().ok()?;
    let (stamp, digest) = map.get(path)?;
    (*stamp == Stamp::of(meta)).then(|| digest.clone())
}

/// Remembers `digest` of `path` (opened with `meta`, hashed from
/// `started`), unless the file was written too close to then.
pub(super) fn put(path: &Path, meta: &std::fs::Metadata, started: SystemTime, digest: &str) {
    if meta.len() < WORTH_REMEMBERING {
        return;
    }
    let settled = started.checked_sub(Duration::from_secs(1));
    let changed = [meta.modified().ok(), changed_at(meta)];
    if changed.iter().any(|t| match (t, settled) {
        (Some(t), Some(s)) => *t > s,
        _ => true,
    }) {
        return;
    }
    if let Ok(mut map) = cache().lock() {
        map.insert(path.to_path_buf(), (Stamp::of(meta), digest.to_string()));
    }
}

fn changed_at(meta: &std::fs::Metadata) -> Option<SystemTime> {
    let secs = u64::try_from(meta.ctime()).ok()?;
    let nanos = u32::try_from(meta.ctime_nsec()).ok()?;
    SystemTime::UNIX_EPOCH.checked_add(Duration::new(secs, nanos))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remembered_digest_is_dropped_once_the_file_changes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.bin");
        std::fs::write(&path, vec![1u8; 2 * 1024 * 1024]).unwrap();
        let meta = std::fs::metadata(&path).unwrap();
        // Hashed just now: not remembered (a write may follow unseen).
        put(&path, &meta, SystemTime::now(), "sha256:a");
        assert_eq!(get(&path, &meta), None);
        let later = SystemTime::now() + Duration::from_secs(5);
        put(&path, &meta, later, "sha256:a");
        assert_eq!(get(&path, &meta).as_deref(), Some("sha256:a"));
        // Rewritten with the same size: its change time moved.
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(&path, vec![2u8; 2 * 1024 * 1024]).unwrap();
        let now = std::fs::metadata(&path).unwrap();
        assert_eq!(get(&path, &now), None);
    }
}
