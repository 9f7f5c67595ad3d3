//! Making a file with a set-id bit, refused at every door: `open`,
//! `openat` (`O_CREAT`, `O_TMPFILE`), `creat`, `mknodat` of a plain file,
//! their ia32 forms; `openat2` says ENOSYS. Plain modes still make files.

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;

use super::tests::{exit_code_of, refused};
use super::*;

/// In a forked child: the filters, then each way of making a set-id
/// file. Exit 0: all refused with EACCES (`openat2`: ENOSYS) and the
/// plain ones made; else which check failed.
#[test]
fn set_id_files_cannot_be_made_plain_ones_can() {
    let dir = tempfile::tempdir().unwrap();
    let c = |n: &str| CString::new(dir.path().join(n).as_os_str().as_bytes()).unwrap();
    let (a, b, d, e, f, plain, node) = (c("a"), c("b"), c("d"), c("e"), c("f"), c("p"), c("n"));
    let folder = c("");
    let main = filter(Sockets {
        network_off: false,
        unix_off: false,
    })
    .unwrap();
    let no2 = no_openat2().unwrap();
    let code = exit_code_of(|| {
        if apply(&main).is_err() || apply(&no2).is_err() {
            return 1;
        }
        let wr = libc::O_WRONLY;
        // SAFETY: system calls with valid paths; descriptors are left to
        // the child's exit.
        let (suid, sgid, tmp, mk, plain_fd, open_existing) = unsafe {
            (
                libc::openat(libc::AT_FDCWD, a.as_ptr(), libc::O_CREAT | wr, 0o4755),
                libc::openat(libc::AT_FDCWD, b.as_ptr(), libc::O_CREAT | wr, 0o2755),
                libc::openat(
                    libc::AT_FDCWD,
                    folder.as_ptr(),
                    libc::O_TMPFILE | wr,
                    0o4755,
                ),
                libc::mknodat(libc::AT_FDCWD, node.as_ptr(), libc::S_IFREG | 0o4755, 0),
                libc::openat(libc::AT_FDCWD, plain.as_ptr(), libc::O_CREAT | wr, 0o755),
                // The mode is not read without O_CREAT: a stray one passes.
                libc::syscall(libc::SYS_openat, libc::AT_FDCWD, plain.as_ptr(), 0, 0o4755),
            )
        };
        if !refused(suid.into()) || !refused(sgid.into()) {
            2
        } else if !refused(tmp.into()) {
            3
        } else if !refused(mk.into()) {
            4
        } else if plain_fd < 0 || open_existing < 0 {
            5
        } else if !old_calls_refused(&d, &e) {
            6
        } else if !openat2_not_implemented(&f) {
            7
        } else if !refused(
            // SAFETY: a raw call refused before it reads its arguments.
            unsafe { libc::syscall(libc::SYS_io_uring_setup, 1, std::ptr::null::<u8>()) },
        ) {
            // io_uring opens files around the filter: refused always.
            8
        } else {
            0
        }
    });
    assert_eq!(code, 0, "see the exit codes above");
    for n in ["a", "b", "d", "e", "f", "n"] {
        assert!(!dir.path().join(n).exists(), "{n} was made");
    }
    assert!(dir.path().join("p").exists());
}

/// `open` and `creat` (x86_64's old calls) and the ia32 `open`, `creat`,
/// `openat` (their paths out of the 32-bit ABI's reach: "bad address"
/// past the filter for a plain mode).
#[cfg(target_arch = "x86_64")]
fn old_calls_refused(d: &CString, e: &CString) -> bool {
    use super::tests::{ia32_syscall, ia32_syscall4};
    let creat = i64::from(libc::O_CREAT);
    // SAFETY: raw system calls with valid paths or none.
    let (open, creat_call) = unsafe {
        (
            libc::syscall(
                libc::SYS_open,
                d.as_ptr(),
                libc::O_CREAT | libc::O_WRONLY,
                0o4755,
            ),
            libc::syscall(libc::SYS_creat, e.as_ptr(), 0o6755),
        )
    };
    let direct = refused(open) && refused(creat_call);
    // SAFETY: getpid(2) has no memory effects.
    let no_ia32 = ia32_syscall(20, 0, 0) != i64::from(unsafe { libc::getpid() });
    let eacces = -i64::from(libc::EACCES);
    let efault = -i64::from(libc::EFAULT);
    direct
        && (no_ia32
            || (ia32_syscall4(5, [0, creat, 0o4755, 0]) == eacces
                && ia32_syscall4(5, [0, creat, 0o644, 0]) == efault
                && ia32_syscall4(8, [0, 0o2755, 0, 0]) == eacces
                && ia32_syscall4(295, [-100, 0, creat, 0o4755]) == eacces
                && ia32_syscall4(295, [-100, 0, creat, 0o644]) == efault
                && ia32_syscall4(437, [-100, 0, 0, 0]) == -i64::from(libc::ENOSYS)))
}

#[cfg(not(target_arch = "x86_64"))]
fn old_calls_refused(_: &CString, _: &CString) -> bool {
    true
}

/// `openat2` fails with ENOSYS, whatever it asks.
fn openat2_not_implemented(f: &CString) -> bool {
    #[repr(C)]
    struct OpenHow {
        flags: u64,
        mode: u64,
        resolve: u64,
    }
    let how = OpenHow {
        flags: (libc::O_CREAT | libc::O_WRONLY) as u64,
        mode: 0o4755,
        resolve: 0,
    };
    // SAFETY: a raw system call with a valid path and structure.
    let ret = unsafe {
        libc::syscall(
            libc::SYS_openat2,
            libc::AT_FDCWD,
            f.as_ptr(),
            &how as *const OpenHow,
            std::mem::size_of::<OpenHow>(),
        )
    };
    // SAFETY: errno of this thread.
    ret == -1 && unsafe { *libc::__errno_location() } == libc::ENOSYS
}
