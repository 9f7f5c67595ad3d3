//! A path with `.` and `..` resolved as written, without touching the
//! disk (no links followed): the one lexical normaliser of apply_patch's
//! paths, the protected folders (config/protected.rs) and the folders
//! whose instruction files a read brings (agent/folder_docs.rs).

use std::path::{Component, Path, PathBuf};

/// `path` with `.` dropped and each `..` taking off the part before it;
/// repeated separators are one. A `..` at the root stays at the root
/// (`/a/../../x` is `/x`); one past the start of a relative path is
/// dropped (`a/../../x` is `x`).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(path: &str) -> PathBuf {
        normalize(Path::new(path))
    }

    #[test]
    fn dots_are_resolved_in_absolute_and_relative_paths() {
        assert_eq!(norm("/a/./b/../c"), PathBuf::from("/a/c"));
        assert_eq!(norm("a/./b/../c"), PathBuf::from("a/c"));
        assert_eq!(norm("./a"), PathBuf::from("a"));
        assert_eq!(norm("."), PathBuf::new());
        assert_eq!(norm("/"), PathBuf::from("/"));
    }

    #[test]
    fn a_parent_past_the_root_or_the_start_goes_no_further() {
        assert_eq!(norm("/a/../../x"), PathBuf::from("/x"));
        assert_eq!(norm("/.."), PathBuf::from("/"));
        assert_eq!(norm("a/../../x"), PathBuf::from("x"));
        assert_eq!(norm("../x"), PathBuf::from("x"));
    }

    #[test]
    fn repeated_separators_and_a_trailing_one_are_one() {
        assert_eq!(norm("/a//b///c/"), PathBuf::from("/a/b/c"));
        assert_eq!(norm("a//./b/"), PathBuf::from("a/b"));
    }

    #[test]
    fn absolute_stays_absolute_and_relative_relative() {
        assert!(norm("/a/../b").is_absolute());
        assert!(norm("a/../b").is_relative());
        assert_eq!(norm("/a/b/.."), PathBuf::from("/a"));
    }
}
