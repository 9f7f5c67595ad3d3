//! Test support: a folder made read-only for one thread, even for root
//! (shared by the library's and the binary's tests: apply_patch's undo and
//! session_view's undo messages).

use std::fs;
use std::path::PathBuf;

/// Runs `f` on a thread of its own (and its child processes) that sees
/// `dir` read-only: as root a read-only bind mount in a mount namespace
/// of its own (a mode is no obstacle to root), else mode 0555. `None`
/// when that cannot be arranged here.
pub fn read_only<T: Send + 'static>(
    dir: PathBuf,
    f: impl FnOnce() -> T + Send + 'static,
) -> Option<T> {
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
