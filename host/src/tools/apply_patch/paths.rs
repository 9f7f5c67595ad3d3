//! Where a patch path really points, and whether the sandbox lets a patch
//! write there.

use std::path::{Path, PathBuf};

/// The absolute `path` with `.` and `..` removed lexically (`..` at the
/// root stays at the root).
pub use crate::lexical_path::normalize;

/// The real location of the absolute, normalised `path`: its nearest
/// existing ancestor with symlinks resolved, joined with the rest. For an
/// existing file this is the file a symlink points to.
pub fn real_path(path: &Path) -> PathBuf {
    crate::config::protected::resolved(path)
}

/// The workspace root as paths are compared against it.
pub fn workspace_root(workspace: &Path) -> PathBuf {
    std::fs::canonicalize(workspace).unwrap_or_else(|_| normalize(workspace))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn real_path_resolves_the_nearest_existing_ancestor() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        let target = tempfile::tempdir().unwrap();
        let target_root = std::fs::canonicalize(target.path()).unwrap();
        std::os::unix::fs::symlink(&target_root, root.join("link")).unwrap();
        assert_eq!(
            real_path(&root.join("link/new/file.txt")),
            target_root.join("new/file.txt")
        );
        assert_eq!(real_path(&root.join("x/y")), root.join("x/y"));
    }
}
