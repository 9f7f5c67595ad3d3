use std::fs;
use std::path::PathBuf;

use super::*;
use crate::read_only_dir::read_only;

fn workspace() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = fs::canonicalize(dir.path()).unwrap();
    fs::create_dir_all(root.join("ro")).unwrap();
    fs::create_dir_all(root.join("w")).unwrap();
    (dir, root)
}

/// An edit in a folder that cannot be written is not called a
/// conflict: the message says what is in the way, and the file is as
/// it was.
#[test]
fn an_edit_in_a_folder_that_cannot_be_written_says_so() {
    let (_dir, root) = workspace();
    fs::write(root.join("ro/f.txt"), "new\n").unwrap();
    let diff = "--- a/ro/f.txt\n+++ b/ro/f.txt\n@@ -1 +1 @@\n-old\n+new\n";
    let cwd = root.clone();
    let Some(result) = read_only(root.join("ro"), move || {
        reverse(&cwd, "ro/f.txt", "modified", diff)
    }) else {
        eprintln!("skipped: a read-only folder cannot be made here");
        return;
    };
    let Err(Unwritten::Denied(text)) = result else {
        panic!("{result:?}");
    };
    assert!(
        ["read-only file system", "permission denied"]
            .iter()
            .any(|why| text
                == format!(
                    "cannot write ro/f.txt: {why}; nothing was written — /diff shows the change"
                )),
        "{text}"
    );
    assert_eq!(fs::read_to_string(root.join("ro/f.txt")).unwrap(), "new\n");
    // Writable again: the same undo goes through.
    reverse(&root, "ro/f.txt", "modified", diff).unwrap();
    assert_eq!(fs::read_to_string(root.join("ro/f.txt")).unwrap(), "old\n");
}

/// git only warns when it cannot remove an added file: the undo is not
/// reported done while the file is still there.
#[test]
fn an_added_file_that_cannot_be_removed_is_not_undone() {
    let (_dir, root) = workspace();
    fs::write(root.join("ro/new.txt"), "n\n").unwrap();
    let diff = "--- /dev/null\n+++ b/ro/new.txt\n@@ -0,0 +1 @@\n+n\n";
    let cwd = root.clone();
    let Some(result) = read_only(root.join("ro"), move || {
        reverse(&cwd, "ro/new.txt", "added", diff)
    }) else {
        eprintln!("skipped: a read-only folder cannot be made here");
        return;
    };
    let Err(Unwritten::Denied(text)) = result else {
        panic!("{result:?}");
    };
    assert!(
        ["read-only file system", "permission denied"]
            .iter()
            .any(|why| text
                == format!(
                    "cannot remove ro/new.txt: {why}; nothing was written — /diff shows the change"
                )),
        "{text}"
    );
    assert!(root.join("ro/new.txt").exists());
}

#[test]
fn reasons_read_as_part_of_a_sentence() {
    assert_eq!(
        reason("Read-only file system (os error 30)"),
        "read-only file system"
    );
    assert_eq!(
        denied(
            "warning: unable to unlink 'ro/f.txt': Read-only file system\nerror: unable to write file 'ro/f.txt' mode 100644: Read-only file system"
        ),
        Some("read-only file system".to_string())
    );
    assert_eq!(denied("error: patch failed: f.txt:1"), None);
}
