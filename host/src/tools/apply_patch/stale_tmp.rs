//! Temp files a killed quire left beside the files it wrote
//! (`.quire-patch-XXXXXXXX`, `.quire-undo-XXXXXXXX`, see
//! [`super::beneath::tmp_name`]): removed from a folder apply_patch or
//! `/undo` writes in once they are old enough that no running quire can
//! still be writing them. Only exact matches that are regular files go;
//! links and anything else are left alone.

use std::path::Path;
use std::time::{Duration, SystemTime};

/// How old a temp file is before it counts as left over.
pub const STALE_AFTER: Duration = Duration::from_secs(60 * 60);

/// Whether `name` is one of quire's temp file names, exactly.
pub fn is_tmp_name(name: &str) -> bool {
    let Some(rest) = name
        .strip_prefix(".quire-patch-")
        .or_else(|| name.strip_prefix(".quire-undo-"))
    else {
        return false;
    };
    rest.len() == 8
        && rest
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Removes the left-over temp files in `dir` older than [`STALE_AFTER`].
/// Best effort: a folder that cannot be read or a file that cannot be
/// removed is left as it is.
pub fn sweep(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !name.to_str().is_some_and(is_tmp_name) {
            continue;
        }
        // Not followed: a link with such a name is not ours.
        let Ok(meta) = std::fs::symlink_metadata(entry.path()) else {
            continue;
        };
        let old = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age >= STALE_AFTER);
        if meta.is_file() && old {
            match std::fs::remove_file(entry.path()) {
                Ok(()) => {
                    tracing::debug!(path = %entry.path().display(), "removed a left-over temp file")
                }
                Err(e) => {
                    tracing::debug!(path = %entry.path().display(), error = %e, "cannot remove a left-over temp file")
                }
            }
        }
    }
}

/// [`sweep`] of a folder opened beneath the workspace root, reached
/// through its descriptor (no path walked again).
pub fn sweep_dir(dir: &super::beneath::Dir) {
    sweep(Path::new(&format!("/proc/self/fd/{}", dir.fd())));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_exact_names_count() {
        assert!(is_tmp_name(".quire-patch-0a1b2c3d"));
        assert!(is_tmp_name(".quire-undo-ffffffff"));
        assert!(!is_tmp_name(".quire-patch-0a1b2c3"));
        assert!(!is_tmp_name(".quire-patch-0a1b2c3d4"));
        assert!(!is_tmp_name(".quire-patch-0A1B2C3D"));
        assert!(!is_tmp_name(".quire-other-0a1b2c3d"));
        assert!(!is_tmp_name("x.quire-patch-0a1b2c3d"));
    }
}
