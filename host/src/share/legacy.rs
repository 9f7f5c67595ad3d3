//! Older versions pinned the user's plugin bundles (`~/.agents/plugins/NAME`)
//! in `~/quire.lock`, a file in the root of the home folder. They belong in
//! the user's own lock, `$QUIRE_HOME/quire.lock` (default `~/.quire`),
//! as `installed = "~/.agents/plugins/NAME"`. [`migrate`] moves them there.

use std::path::{Path, PathBuf};

use super::ShareError;
use super::lock::{FILE, Kind, Layout, LockFile};

/// `~/quire.lock`'s folder, when HOME is set and is not `quire_home`.
fn old_root(quire_home: &Path) -> Option<PathBuf> {
    let home = PathBuf::from(std::env::var_os("HOME").filter(|h| !h.is_empty())?);
    (home != quire_home && home.join(FILE).is_file()).then_some(home)
}

/// Moves the bundle entries of `~/quire.lock` into `quire_home`'s lock
/// (an entry already there wins) and removes them from the old file,
/// which is deleted once empty. Returns how many moved.
pub fn migrate(quire_home: &Path) -> Result<usize, ShareError> {
    let Some(old_dir) = old_root(quire_home) else {
        return Ok(0);
    };
    let mut old = LockFile::load(&old_dir)?;
    let is_user_bundle = |e: &super::Entry| {
        e.kind == Kind::Bundle && e.installed == format!(".agents/plugins/{}", e.name)
    };
    let moving: Vec<_> = old
        .entries
        .iter()
        .filter(|e| is_user_bundle(e))
        .cloned()
        .collect();
    if moving.is_empty() {
        return Ok(0);
    }
    let (mut new, _writing) = LockFile::load_for_writing(quire_home)?;
    for mut e in moving.iter().cloned() {
        e.installed = format!("{}/{}", Kind::Bundle.folder(Layout::User), e.name);
        super::check::entry(&e, Layout::User)?;
        if new.find(Kind::Bundle, &e.name).is_none() {
            new.put(e);
        }
    }
    new.save(quire_home)?;
    old.entries.retain(|e| !is_user_bundle(e));
    if old.entries.is_empty() {
        let path = old_dir.join(FILE);
        std::fs::remove_file(&path).map_err(|e| ShareError::Io {
            path,
            message: e.to_string(),
        })?;
    } else {
        old.save(&old_dir)?;
    }
    tracing::info!(moved = moving.len(), "user plugins moved from ~/quire.lock");
    Ok(moving.len())
}
