//! What `/undo` needs to put a file back byte for byte, when a reverse
//! diff cannot: a deleted or moved file, a file changed through a link, a
//! change too large to show whole. The original bytes are kept in memory,
//! for this process only (after a resume /undo names such a file as out
//! of reach: the session file records its patch without the copy), at
//! most [`BUDGET`] bytes in all; past that a change is recorded as not
//! fully known, as before.

use std::collections::BTreeMap;
use std::fs::Permissions;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

/// The most original bytes kept while quire runs.
pub const BUDGET: usize = 64 * 1024 * 1024;

/// How to put one file back.
#[derive(Debug, Clone)]
pub struct Original {
    /// Where the file was (its real path).
    pub path: PathBuf,
    /// Its bytes and permissions; `None`: it did not exist (an add).
    pub bytes: Option<(Vec<u8>, Option<Permissions>)>,
    /// Where the patch left the file (differs from `path` for a move).
    pub left_at: PathBuf,
    /// The digest of what the patch left there; `None`: nothing (a delete).
    pub left: Option<[u8; 32]>,
    /// Folders the patch made for `left_at` (deepest first): removed by
    /// the undo when they are empty after it.
    pub made_dirs: Vec<PathBuf>,
    /// The roots the patch wrote `path` and `left_at` beneath (the
    /// deepest holding each): the undo reaches both only beneath them,
    /// never through a link.
    pub roots: Vec<PathBuf>,
}

/// The deepest of `roots` holding each of `paths`, once each.
pub fn holding(roots: &[PathBuf], paths: &[&Path]) -> Vec<PathBuf> {
    let mut held: Vec<PathBuf> = Vec::new();
    for p in paths {
        if let Some(r) = super::beneath::deepest(roots, PathBuf::as_path, p)
            && !held.contains(r)
        {
            held.push(r.clone());
        }
    }
    held
}

/// The folders above `path` that do not exist yet, deepest first: those
/// writing `path` makes.
pub fn missing_dirs(path: &Path) -> Vec<PathBuf> {
    path.ancestors()
        .skip(1)
        .take_while(|d| {
            !d.as_os_str().is_empty()
                && std::fs::symlink_metadata(d).is_err_and(|e| e.kind() == io::ErrorKind::NotFound)
        })
        .map(Path::to_path_buf)
        .collect()
}

struct Store {
    next: u64,
    used: usize,
    kept: BTreeMap<u64, Original>,
}

static STORE: Mutex<Store> = Mutex::new(Store {
    next: 1,
    used: 0,
    kept: BTreeMap::new(),
});

/// The digest `left` is compared with.
pub fn digest(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

fn size(o: &Original) -> usize {
    o.bytes.as_ref().map_or(0, |(b, _)| b.len())
}

/// How many more original bytes fit the budget now.
pub fn room() -> usize {
    let store = STORE.lock().unwrap_or_else(|e| e.into_inner());
    BUDGET.saturating_sub(store.used)
}

/// What the result says of a file whose original is not kept (`len`
/// bytes, more than fit the budget).
pub fn not_kept(shown: &str, len: u64) -> String {
    let size = |n: u64| crate::mcp::results::human_size(usize::try_from(n).unwrap_or(usize::MAX));
    format!(
        "{}: /undo cannot restore it: it is {}, and quire keeps at most {} of originals for /undo",
        crate::printable::quoted_name(shown),
        size(len),
        size(BUDGET as u64)
    )
}

/// Keeps `original`; its id, or `None` when it does not fit the budget.
pub fn keep(original: Original) -> Option<u64> {
    let mut store = STORE.lock().unwrap_or_else(|e| e.into_inner());
    let size = size(&original);
    if store.used + size > BUDGET {
        return None;
    }
    let id = store.next;
    store.next += 1;
    store.used += size;
    store.kept.insert(id, original);
    Some(id)
}

/// Why a file was not put back. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum UndoError {
    #[error("its original is no longer kept")]
    Forgotten,
    /// What the patch left at this path was edited or replaced since.
    #[error("{0} changed since the patch")]
    Changed(String),
    /// What the patch left at this path was deleted since.
    #[error("{0} was deleted since the patch")]
    Gone(String),
    /// A moved file's old path holds a file again (made since the patch):
    /// putting the original back would overwrite it.
    #[error("{0} exists again since the patch moved it away")]
    Taken(String),
    /// A folder on the way to `path` was replaced by a symbolic link
    /// since the patch (or the root itself was): the undo does not follow it.
    #[error(
        "{path} no longer resolves inside {root}: a folder on the way is a symbolic link now (made since the patch), and /undo does not write through links"
    )]
    Escaped { path: String, root: String },
    #[error("cannot restore {path}: {source}")]
    Io { path: String, source: io::Error },
    /// What the patch left at a path cannot be removed (a read-only
    /// folder): the undo wrote nothing.
    #[error("cannot remove {path}: {source}")]
    Remove { path: String, source: io::Error },
}

/// What an undo did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Restored {
    /// The file is back as it was.
    Done,
    /// A file the patch added was already deleted: nothing left to undo.
    AlreadyGone,
}

/// Puts the file of record `id` back as it was, when it is still what the
/// patch left (else nothing is written and the record stays).
pub fn restore(id: u64) -> Result<Restored, UndoError> {
    let original = {
        let store = STORE.lock().unwrap_or_else(|e| e.into_inner());
        store.kept.get(&id).cloned().ok_or(UndoError::Forgotten)?
    };
    let restored = super::put_back::put_back(&original)?;
    let mut store = STORE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(o) = store.kept.remove(&id) {
        store.used -= size(&o);
    }
    Ok(restored)
}

/// Whether the file of record `id` (not a move) already holds what it
/// held before its patch: nothing is left to undo. Its record is then
/// dropped.
pub fn is_back(id: u64) -> bool {
    let mut store = STORE.lock().unwrap_or_else(|e| e.into_inner());
    let back = store.kept.get(&id).is_some_and(|o| {
        o.path == o.left_at
            && o.bytes
                .as_ref()
                .is_some_and(|(bytes, _)| std::fs::read(&o.path).is_ok_and(|now| &now == bytes))
    });
    if back && let Some(o) = store.kept.remove(&id) {
        store.used -= size(&o);
    }
    back
}

#[cfg(test)]
#[path = "originals_tests.rs"]
mod tests;
