//! The writable roots of `workspace-write` with the user's own folders
//! ([`crate::config::protected`]) carved out. Landlock only adds rights,
//! so a folder inside a writable root cannot be denied on its own: a root
//! holding one is replaced by its entries, except the one on the way to
//! the protected folder, which is split the same way. The folders on that
//! way keep their existing entries writable but take no new entries of
//! their own (a new file directly in `/tmp` when `$QUIRE_HOME` is under
//! it, or directly in `$HOME` when quire runs there).

use std::path::{Path, PathBuf};

/// `roots` without anything inside `protected` (both real paths).
pub fn carve(roots: Vec<PathBuf>, protected: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    // Real paths, as pinned (`super::pinned_roots`): not looked up again,
    // a link put in one's place since would be followed.
    for root in roots {
        split(&root, protected, &mut out);
    }
    out.sort();
    out.dedup();
    out
}

fn split(root: &Path, protected: &[PathBuf], out: &mut Vec<PathBuf>) {
    if protected.iter().any(|p| root.starts_with(p)) {
        return;
    }
    if !protected.iter().any(|p| p.starts_with(root)) {
        out.push(root.to_path_buf());
        return;
    }
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        // A link would grant its target: it stays as it is.
        if entry.file_type().is_ok_and(|t| t.is_symlink()) {
            continue;
        }
        split(&entry.path(), protected, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_protected_folder_inside_a_root_is_carved_out() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        for d in ["a", "home/.quire", "home/src"] {
            std::fs::create_dir_all(root.join(d)).unwrap();
        }
        std::fs::write(root.join("home/notes.txt"), "x").unwrap();
        std::os::unix::fs::symlink("/etc", root.join("home/link")).unwrap();
        let other = tempfile::tempdir().unwrap();
        let other = other.path().canonicalize().unwrap();
        let carved = carve(
            vec![root.clone(), other.clone()],
            &[root.join("home/.quire")],
        );
        let mut want = vec![
            root.join("a"),
            root.join("home/notes.txt"),
            root.join("home/src"),
            other,
        ];
        want.sort();
        assert_eq!(carved, want);
        // A root inside a protected folder is dropped.
        assert!(carve(vec![root.join("home/.quire")], &[root.join("home")]).is_empty());
    }
}
