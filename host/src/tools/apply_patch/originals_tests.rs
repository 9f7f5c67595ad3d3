use std::fs;

use super::*;
use crate::read_only_dir::read_only;

/// A move into a folder that cannot be changed (a read-only mount, say)
/// is not half undone: the original is not put back at the old path
/// while the moved file stays, and a later undo still works.
#[test]
fn a_move_out_of_a_folder_that_cannot_change_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = fs::canonicalize(dir.path()).unwrap();
    fs::create_dir_all(root.join("src")).unwrap();
    fs::create_dir_all(root.join("ro")).unwrap();
    fs::write(root.join("ro/b.txt"), "moved\n").unwrap();
    let original = Original {
        path: root.join("src/a.txt"),
        bytes: Some((b"original\n".to_vec(), None)),
        left_at: root.join("ro/b.txt"),
        left: Some(digest(b"moved\n")),
        made_dirs: Vec::new(),
        roots: vec![root.clone()],
    };
    let id = keep(original).unwrap();
    let Some(result) = read_only(root.join("ro"), move || restore(id)) else {
        eprintln!("skipped: a read-only folder cannot be made here");
        return;
    };
    let err = result.unwrap_err();
    assert!(matches!(err, UndoError::Remove { .. }), "{err}");
    assert!(err.to_string().starts_with("cannot remove "), "{err}");
    assert!(!root.join("src/a.txt").exists(), "nothing was written");
    assert_eq!(
        fs::read_to_string(root.join("ro/b.txt")).unwrap(),
        "moved\n"
    );
    // Once the folder can change again, the same undo goes through.
    assert_eq!(restore(id).unwrap(), Restored::Done);
    assert_eq!(
        fs::read_to_string(root.join("src/a.txt")).unwrap(),
        "original\n"
    );
    assert!(!root.join("ro/b.txt").exists());
}

/// The folders a failed undo made for a move's old path go again.
#[test]
fn folders_made_for_a_failed_undo_are_removed() {
    let dir = tempfile::tempdir().unwrap();
    let root = fs::canonicalize(dir.path()).unwrap();
    fs::create_dir_all(root.join("w")).unwrap();
    fs::create_dir_all(root.join("ro")).unwrap();
    fs::write(root.join("ro/b.txt"), "moved\n").unwrap();
    let id = keep(Original {
        path: root.join("w/gone/deep/a.txt"),
        bytes: Some((b"original\n".to_vec(), None)),
        left_at: root.join("ro/b.txt"),
        left: Some(digest(b"moved\n")),
        made_dirs: Vec::new(),
        roots: vec![root.clone()],
    })
    .unwrap();
    let Some(result) = read_only(root.join("ro"), move || restore(id)) else {
        eprintln!("skipped: a read-only folder cannot be made here");
        return;
    };
    assert!(result.is_err());
    assert!(!root.join("w/gone").exists(), "the folders made went again");
    assert!(root.join("ro/b.txt").exists());
}
