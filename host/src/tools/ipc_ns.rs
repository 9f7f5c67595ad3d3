//! A sandboxed command's own SysV IPC: where it can, each command starts
//! in a new IPC namespace, so it cannot attach to, read or write the
//! shared memory, message queues and semaphores of processes outside it
//! (Landlock confines paths, not these), while programs that use SysV IPC
//! among their own processes (PostgreSQL's start-up segment, a test's
//! semaphores) keep working. What they make is gone when the command's
//! last process ends.
//!
//! That takes `CAP_SYS_ADMIN` (quire run as root, before the capabilities
//! are dropped). Without it ([`Isolation::Refused`]: quire run as another
//! user, or as root in a container without `CAP_SYS_ADMIN`) the seccomp
//! filter refuses the SysV calls instead ([`super::seccomp::privileged`]).
//!
//! Not done: a user namespace for the IPC namespace of a command run by
//! another user. The command would have to write its own
//! `/proc/self/uid_map` before exec, which it can only do once dumpable
//! again, and until exec its memory is a copy of quire's (the API keys in
//! `/proc/PID/environ`): other processes of the user could read them then.

use std::io;

/// How a command's SysV IPC is kept apart from the rest of the system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Isolation {
    /// A new IPC namespace: its own SysV IPC.
    Namespace,
    /// No namespace could be had: SysV IPC is refused.
    Refused,
}

/// Moves the calling process (the child, between fork and exec) into a
/// new IPC namespace when it can. One system call.
pub fn isolate() -> Isolation {
    // SAFETY: unshare with a flag.
    match unsafe { libc::unshare(libc::CLONE_NEWIPC) } {
        0 => Isolation::Namespace,
        _ => Isolation::Refused,
    }
}

/// What sandboxed commands get here (`quire doctor`): a process forked
/// for the purpose tries [`isolate`] and exits.
pub fn probe() -> Isolation {
    // SAFETY: the child makes system calls only (unshare, _exit); the
    // parent waits for it.
    unsafe {
        match libc::fork() {
            -1 => Isolation::Refused,
            0 => libc::_exit(i32::from(isolate() == Isolation::Namespace)),
            pid => {
                let mut status = 0;
                while libc::waitpid(pid, &mut status, 0) < 0 {
                    if io::Error::last_os_error().raw_os_error() != Some(libc::EINTR) {
                        return Isolation::Refused;
                    }
                }
                if libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 1 {
                    Isolation::Namespace
                } else {
                    Isolation::Refused
                }
            }
        }
    }
}
