//! The filter run in forked children: what it refuses, with which
//! error, and that it never kills.

use super::*;

/// Every combination of the socket rules.
const ALL: [Sockets; 4] = [
    Sockets {
        network_off: true,
        unix_off: true,
    },
    Sockets {
        network_off: true,
        unix_off: false,
    },
    Sockets {
        network_off: false,
        unix_off: true,
    },
    Sockets {
        network_off: false,
        unix_off: false,
    },
];

#[test]
fn the_filter_builds_for_this_machine() {
    for sockets in ALL {
        assert!(!filter(sockets).unwrap().is_empty());
    }
}

/// The exit code of `child` run in a forked child (which must only
/// make system calls); fails when a signal killed it (SIGSYS: the
/// filter killed instead of refusing).
pub(super) fn exit_code_of(child: impl FnOnce() -> i32) -> i32 {
    // SAFETY: the child only makes system calls and exits.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        let code = child();
        // SAFETY: in the forked child; nothing returns to the test.
        unsafe { libc::_exit(code) };
    }
    assert!(pid > 0, "fork failed");
    let mut status = 0;
    // SAFETY: waits for the child just forked.
    unsafe { libc::waitpid(pid, &mut status, 0) };
    assert!(
        !libc::WIFSIGNALED(status),
        "killed by signal {}",
        libc::WTERMSIG(status)
    );
    libc::WEXITSTATUS(status)
}

/// In a forked child: the filter, then `mknodat` (and `mknod`, also
/// through the ia32 ABI) of each file type. Exit 0: devices refused
/// with EACCES (not EPERM, root or not: the filter, not the missing
/// capability), FIFOs, sockets and plain files made; else which
/// check failed.
#[test]
fn device_nodes_are_refused_fifos_and_sockets_are_not() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let path = |n: &str| std::ffi::CString::new(dir.path().join(n).as_os_str().as_bytes()).unwrap();
    let (chr, blk, chr2, fifo, sock, reg) = (
        path("c"),
        path("b"),
        path("c2"),
        path("f"),
        path("s"),
        path("r"),
    );
    let program = filter(ALL[3]).unwrap();
    let code = exit_code_of(|| {
        let refused = |ret: i32| {
            // SAFETY: errno of this thread.
            ret == -1 && unsafe { *libc::__errno_location() } == libc::EACCES
        };
        let mk = |p: &std::ffi::CString, kind: libc::mode_t| {
            // SAFETY: a system call with a valid path.
            unsafe {
                libc::mknodat(
                    libc::AT_FDCWD,
                    p.as_ptr(),
                    kind | 0o600,
                    libc::makedev(7, 0),
                )
            }
        };
        if apply(&program).is_err() {
            1
        } else if !refused(mk(&chr, libc::S_IFCHR)) {
            2
        } else if !refused(mk(&blk, libc::S_IFBLK)) {
            3
        } else if mk(&fifo, libc::S_IFIFO) != 0
            || mk(&sock, libc::S_IFSOCK) != 0
            || mk(&reg, libc::S_IFREG) != 0
        {
            4
        } else if cfg!(target_arch = "x86_64") && !x86_64_mknod_refused(&chr2) {
            5
        } else {
            0
        }
    });
    assert_eq!(code, 0, "see the exit codes above");
    assert!(!dir.path().join("c").exists() && !dir.path().join("b").exists());
    assert!(dir.path().join("f").exists());
}

/// `mknod` (the old call, x86_64 only) and its ia32 form refuse a
/// character device; the ia32 one still makes a FIFO (its path is
/// out of the 32-bit ABI's reach, so "bad address" past the filter).
#[cfg(target_arch = "x86_64")]
fn x86_64_mknod_refused(path: &std::ffi::CString) -> bool {
    // SAFETY: raw system calls with a valid path or none.
    unsafe {
        let direct = libc::syscall(libc::SYS_mknod, path.as_ptr(), libc::S_IFCHR | 0o600, 0);
        let eacces = -i64::from(libc::EACCES);
        let ia32 = |mode: libc::mode_t| ia32_syscall(14, 0, i64::from(mode));
        let no_ia32 = ia32_syscall(20, 0, 0) != i64::from(libc::getpid());
        direct == -1
            && *libc::__errno_location() == libc::EACCES
            && (no_ia32
                || (ia32(libc::S_IFCHR) == eacces
                    && ia32(libc::S_IFBLK) == eacces
                    && ia32(libc::S_IFIFO) == -i64::from(libc::EFAULT)))
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn x86_64_mknod_refused(_: &std::ffi::CString) -> bool {
    true
}

/// A system call through the ia32 entry (`int 0x80`), which a 64-bit
/// process may use too: seccomp sees it as the i386 ABI. The third and
/// fourth arguments are 0.
#[cfg(target_arch = "x86_64")]
pub(super) fn ia32_syscall(nr: i64, a0: i64, a1: i64) -> i64 {
    ia32_syscall4(nr, [a0, a1, 0, 0])
}

/// [`ia32_syscall`] with four arguments.
#[cfg(target_arch = "x86_64")]
pub(super) fn ia32_syscall4(nr: i64, a: [i64; 4]) -> i64 {
    let ret: i64;
    // SAFETY: a raw system call with integer arguments; rbx is saved
    // around it (LLVM reserves it) and r8–r11 are clobbered.
    unsafe {
        std::arch::asm!(
            "xchg {a0}, rbx",
            "int 0x80",
            "xchg {a0}, rbx",
            a0 = inout(reg) a[0] => _,
            inlateout("rax") nr => ret,
            in("rcx") a[1],
            in("rdx") a[2],
            in("rsi") a[3],
            out("r8") _, out("r9") _, out("r10") _, out("r11") _,
        );
    }
    ret
}

/// In a forked child: the filter, then sockets through the ia32 ABI.
/// Exit 0: refused and allowed as expected; 1–4: which check failed;
/// killed by SIGSYS: the filter kills 32-bit programs.
#[cfg(target_arch = "x86_64")]
#[test]
fn ia32_sockets_are_refused_not_killed() {
    let program = filter(ALL[1]).unwrap();
    let getpid_i386 = 20;
    let code = exit_code_of(|| {
        // SAFETY: getpid(2) has no memory effects.
        let own = unsafe { libc::getpid() };
        if ia32_syscall(getpid_i386, 0, 0) != i64::from(own) {
            5 // this kernel runs no 32-bit programs
        } else if apply(&program).is_err() {
            1
        } else if ia32_syscall(359, libc::AF_INET.into(), libc::SOCK_STREAM.into())
            != -i64::from(libc::EACCES)
        {
            2
        } else if ia32_syscall(102, 1, 0) != -i64::from(libc::EACCES) {
            3
        } else if ia32_syscall(359, libc::AF_UNIX.into(), libc::SOCK_STREAM.into()) < 0 {
            4
        } else {
            0
        }
    });
    if code == 5 {
        eprintln!("skipped: this kernel has no ia32 emulation");
        return;
    }
    assert_eq!(code, 0, "see the exit codes above");
}

/// Whether `ret` is a refusal with EACCES (a raw call's `-EACCES` or
/// libc's -1 and errno).
pub(super) fn refused(ret: i64) -> bool {
    // SAFETY: errno of this thread.
    ret == -i64::from(libc::EACCES)
        || (ret == -1 && unsafe { *libc::__errno_location() } == libc::EACCES)
}

/// In a forked child under each combination of the rules: which of a
/// Unix socket, a TCP socket, a stream and a datagram Unix pair (through
/// the 64-bit calls, then the ia32 ones where the kernel runs them) are
/// made; the pairs always are. Exit code: one bit per call that did not
/// do what the rules say.
#[test]
fn unix_sockets_follow_their_rule_and_stream_pairs_stay() {
    for sockets in ALL {
        let program = filter(sockets).unwrap();
        let code = exit_code_of(|| {
            if apply(&program).is_err() {
                return 255;
            }
            let mut fds = [0i32; 2];
            // SAFETY: plain system calls; `fds` outlives them.
            let (unix, tcp, stream, dgram) = unsafe {
                (
                    libc::socket(libc::AF_UNIX, libc::SOCK_STREAM, 0),
                    libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0),
                    libc::socketpair(libc::AF_UNIX, libc::SOCK_STREAM, 0, fds.as_mut_ptr()),
                    libc::socketpair(
                        libc::AF_UNIX,
                        libc::SOCK_DGRAM | libc::SOCK_CLOEXEC,
                        0,
                        fds.as_mut_ptr(),
                    ),
                )
            };
            let wrong = |ret: i32, refuse: bool| refused(ret.into()) != refuse;
            let mut bits = 0;
            bits |= i32::from(wrong(unix, sockets.unix_off));
            bits |= i32::from(wrong(tcp, sockets.network_off)) << 1;
            bits |= i32::from(stream != 0) << 2;
            bits |= i32::from(dgram != 0) << 3;
            bits | ia32_wrong(sockets) << 4
        });
        assert_eq!(code, 0, "{sockets:?}: see the bits above");
    }
}

/// The same through the ia32 ABI (`socket` 359; `socketpair` 360 and
/// `socketcall` 102 with no memory for their arguments: EFAULT past the
/// filter), three bits; 0 where the kernel runs no 32-bit programs.
/// `socketcall` cannot be looked into: refused under either rule.
#[cfg(target_arch = "x86_64")]
fn ia32_wrong(sockets: Sockets) -> i32 {
    // SAFETY: getpid(2) has no memory effects.
    if ia32_syscall(20, 0, 0) != i64::from(unsafe { libc::getpid() }) {
        return 0;
    }
    let unix = ia32_syscall(359, libc::AF_UNIX.into(), libc::SOCK_STREAM.into());
    let dgram = ia32_syscall(360, libc::AF_UNIX.into(), libc::SOCK_DGRAM.into());
    let call = ia32_syscall(102, 1, 0);
    let any = sockets.network_off || sockets.unix_off;
    i32::from(refused(unix) != sockets.unix_off)
        | i32::from(dgram != -i64::from(libc::EFAULT)) << 1
        | i32::from(refused(call) != any) << 2
}

#[cfg(not(target_arch = "x86_64"))]
fn ia32_wrong(_: Sockets) -> i32 {
    0
}
