use std::fs;
use std::path::PathBuf;

use super::*;

/// Runs `f` on a thread of its own (and its child processes) that sees
/// `dir` read-only: as root a read-only bind mount in a mount namespace
/// of its own (a mode is no obstacle to root), else mode 0555. `None`
/// when that cannot be arranged here.
fn read_only<T: Send + 'static>(dir: PathBuf, f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::PermissionsExt;
    std::thread::spawn(move || {
        // SAFETY: no arguments, no memory.
        if unsafe { libc::geteuid() } != 0 {
            fs::set_permissions(&dir, fs::Permissions::from_mode(0o555)).ok()?;
            let out = f();
            fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).ok()?;
            return Some(out);
        }
        let path = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
        let none = std::ptr::null::<libc::c_char>();
        // SAFETY: every pointer is NUL-terminated or null, as mount(2)
        // allows; the namespace is this thread's only (CLONE_NEWNS
        // unshares its filesystem attributes), and "/" is made private
        // in it first so nothing reaches the other threads' mounts.
        let done = unsafe {
            libc::unshare(libc::CLONE_NEWNS) == 0
                && libc::mount(
                    none,
                    c"/".as_ptr(),
                    none,
                    libc::MS_REC | libc::MS_PRIVATE,
                    std::ptr::null(),
                ) == 0
                && libc::mount(
                    path.as_ptr(),
                    path.as_ptr(),
                    none,
                    libc::MS_BIND,
                    std::ptr::null(),
                ) == 0
                && libc::mount(
                    none,
                    path.as_ptr(),
                    none,
                    libc::MS_BIND | libc::MS_REMOUNT | libc::MS_RDONLY,
                    std::ptr::null(),
                ) == 0
        };
        done.then(f)
    })
    .join()
    .unwrap()
}

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
