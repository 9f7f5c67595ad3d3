use std::fs;

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
