//! The skills shipped inside the binary (the top-level `skills/` folder,
//! embedded by `build.rs`). They are written once into
//! `$QUIRE_HOME/cache/bundled-skills/<content hash>/` so that every skill
//! is a real folder the `skill` tool and scripts can read.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/bundled_skills.rs"));
}

#[derive(Debug, thiserror::Error)]
pub enum BundledError {
    #[error(
        "cannot write the bundled skills to {path}: {source} (check that the folder is writable, or set QUIRE_HOME)"
    )]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// One embedded file.
#[derive(Debug, Clone, Copy)]
pub struct BundledFile {
    /// Relative to `skills/`, with `/` separators.
    pub path: &'static str,
    pub contents: &'static [u8],
    pub executable: bool,
}

/// Every embedded file, sorted by path.
pub fn files() -> impl Iterator<Item = BundledFile> {
    embedded::FILES
        .iter()
        .map(|&(path, contents, executable)| BundledFile {
            path,
            contents,
            executable,
        })
}

/// A short hash of every path, mode and content (computed by `build.rs`).
pub fn content_hash() -> &'static str {
    embedded::CONTENT_HASH
}

/// Writes the bundled skills under `quire_home` (or the temp folder when
/// that is not writable), once per content hash, and returns the folder.
pub fn materialise(quire_home: Option<&Path>) -> Result<PathBuf, BundledError> {
    let temp = std::env::temp_dir().join("quire-bundled-skills");
    let bases = quire_home
        .map(|h| h.join("cache").join("bundled-skills"))
        .into_iter()
        .chain([temp]);
    materialise_first(bases)
}

/// Writes into the first of `bases` that works.
fn materialise_first(bases: impl Iterator<Item = PathBuf>) -> Result<PathBuf, BundledError> {
    let mut first_err = None;
    for base in bases {
        match materialise_in(&base) {
            Ok(dir) => return Ok(dir),
            Err(e) => {
                tracing::warn!(error = %e, "bundled skills");
                first_err.get_or_insert(e);
            }
        }
    }
    Err(first_err.unwrap_or_else(|| BundledError::Write {
        path: PathBuf::from("(none)"),
        source: std::io::Error::other("no folder to write to"),
    }))
}

/// Writes into `base/<hash>/` unless it is already there. The files go to
/// a temporary folder first, renamed into place whole, so a reader never
/// sees half a copy and concurrent quire processes do not collide.
pub fn materialise_in(base: &Path) -> Result<PathBuf, BundledError> {
    let dir = base.join(content_hash());
    if dir.is_dir() {
        return Ok(dir);
    }
    let err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| BundledError::Write { path, source }
    };
    std::fs::create_dir_all(base).map_err(err(base))?;
    let tmp = base.join(format!(
        ".tmp-{}-{}-{}",
        content_hash(),
        std::process::id(),
        fastrand::u32(..)
    ));
    let result = write_all(&tmp).and_then(|()| match std::fs::rename(&tmp, &dir) {
        Ok(()) => Ok(()),
        // Another process won the race: its copy is identical.
        Err(_) if dir.is_dir() => Ok(()),
        Err(e) => Err(e),
    });
    let _ = std::fs::remove_dir_all(&tmp);
    result.map_err(err(&dir))?;
    prune_other_versions(base, &dir, OLD_COPY_AGE);
    Ok(dir)
}

/// Age after which a copy of other bundled skills (an older quire) is
/// removed; a quire still using it writes it again.
const OLD_COPY_AGE: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// Removes copies in `base` other than `keep` that are older than `age`
/// (left-over temporary folders included). Failures are only logged.
fn prune_other_versions(base: &Path, keep: &Path, age: std::time::Duration) {
    let Ok(read) = std::fs::read_dir(base) else {
        return;
    };
    let now = std::time::SystemTime::now();
    for e in read.flatten() {
        let path = e.path();
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| now.duration_since(t).ok())
            .is_some_and(|a| a > age);
        if path == keep || !old || !path.is_dir() {
            continue;
        }
        match std::fs::remove_dir_all(&path) {
            Ok(()) => tracing::debug!(dir = %path.display(), "old bundled skills removed"),
            Err(e) => tracing::debug!(dir = %path.display(), "old bundled skills not removed: {e}"),
        }
    }
}

fn write_all(tmp: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(tmp)?;
    for f in files() {
        let rel = Path::new(f.path);
        if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
            continue;
        }
        let path = tmp.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let mut file = std::fs::File::create(&path)?;
        file.write_all(f.contents)?;
        set_mode(&path, f.executable)?;
    }
    Ok(())
}

#[cfg(unix)]
fn set_mode(path: &Path, executable: bool) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = if executable { 0o755 } else { 0o644 };
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_: &Path, _: bool) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names of the bundled skills (their folders).
    fn names() -> Vec<&'static str> {
        let mut v: Vec<&str> = files()
            .filter_map(|f| f.path.strip_suffix("/SKILL.md"))
            .filter(|d| !d.contains('/'))
            .collect();
        v.dedup();
        v
    }

    #[test]
    fn the_four_skills_are_embedded() {
        let names = names();
        for n in [
            "code-review",
            "mcp-integration",
            "plugin-author",
            "skill-creator",
        ] {
            assert!(names.contains(&n), "{n} missing from {names:?}");
        }
    }

    #[test]
    fn materialises_once_and_reuses() {
        let home = tempfile::tempdir().unwrap();
        let base = home.path().join("b");
        let a = materialise_in(&base).unwrap();
        assert!(a.join("skill-creator/SKILL.md").is_file());
        let marker = a.join("marker");
        std::fs::write(&marker, "x").unwrap();
        let b = materialise_in(&base).unwrap();
        assert_eq!(a, b);
        assert!(marker.exists(), "a second call must not rewrite the folder");
        // No temporary folders are left behind.
        let left: Vec<_> = std::fs::read_dir(&base).unwrap().flatten().collect();
        assert_eq!(left.len(), 1);
    }

    #[test]
    fn a_new_copy_removes_old_copies_but_not_recent_ones() {
        let home = tempfile::tempdir().unwrap();
        let base = home.path().join("b");
        let old = base.join("0000old");
        let recent = base.join("0000recent");
        for d in [&old, &recent] {
            std::fs::create_dir_all(d.join("x")).unwrap();
        }
        let two_days = std::time::Duration::from_secs(2 * 24 * 3600);
        let t = std::fs::FileTimes::new().set_modified(std::time::SystemTime::now() - two_days);
        std::fs::File::open(&old).unwrap().set_times(t).unwrap();
        let dir = materialise_in(&base).unwrap();
        assert!(dir.is_dir());
        assert!(!old.exists(), "a copy two days old is removed");
        assert!(recent.exists(), "a recent copy may be in use");
    }

    #[test]
    fn an_unwritable_folder_falls_back_to_the_next() {
        let home = tempfile::tempdir().unwrap();
        let file = home.path().join("not-a-dir");
        std::fs::write(&file, "x").unwrap();
        let second = home.path().join("second");
        let dir = materialise_first([file.join("cache"), second.clone()].into_iter()).unwrap();
        assert!(dir.starts_with(&second));
        assert!(dir.join("code-review/SKILL.md").is_file());
        let err = materialise_first([file.join("cache")].into_iter()).unwrap_err();
        assert!(err.to_string().contains("not-a-dir"), "{err}");
    }
}
