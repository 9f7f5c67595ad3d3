//! No process quire starts outlives it, even when quire is killed with
//! SIGKILL and cleans up nothing. Every child (shell commands, MCP
//! servers, git) goes through [`die_with_quire`]:
//!
//! - the child leads a process group of its own and gets
//!   `PR_SET_PDEATHSIG` (SIGKILL), checked against the race where quire
//!   died before it was set;
//! - the parent-death signal reaches only that child, not what it starts
//!   (`sh -c 'sleep 60; …'`, `npx` → `node`), so the child first starts a
//!   small watchdog (a fork of itself, not its child, in a group of its
//!   own). The watchdog holds the read end of a pipe whose write end only
//!   quire has: when quire dies, the pipe reads end-of-file and the
//!   watchdog kills the command's whole group. It leaves once that group
//!   is empty (checked every second).
//!
//! Linux only; elsewhere the child only gets its process group.

use std::process::Command;

/// Arranges for `cmd`'s whole process group to die with quire (see the
/// module docs). Puts the command in a process group of its own.
pub fn die_with_quire(cmd: &mut Command) {
    use std::os::unix::process::CommandExt;
    cmd.process_group(0);
    #[cfg(target_os = "linux")]
    {
        let parent = libc::pid_t::try_from(std::process::id()).unwrap_or(0);
        let watch = linux::watch_fd();
        // SAFETY: the hook runs in the child between fork and exec; it only
        // makes async-signal-safe system calls (prctl, getppid, fork,
        // waitpid, close, sigaction, setpgid, poll, kill, _exit) and
        // allocates nothing.
        unsafe {
            cmd.pre_exec(move || {
                linux::in_child(parent, watch);
                Ok(())
            });
        }
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use std::os::fd::{AsRawFd, OwnedFd, RawFd};
    use std::sync::OnceLock;

    /// The read end of quire's lifeline pipe; the write end stays open in
    /// quire until it exits (both ends close on exec).
    static LIFELINE: OnceLock<Option<(OwnedFd, OwnedFd)>> = OnceLock::new();

    pub fn watch_fd() -> Option<RawFd> {
        LIFELINE
            .get_or_init(|| {
                let mut fds = [0 as libc::c_int; 2];
                // SAFETY: pipe2 writes two descriptors into the array.
                let rc = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) };
                if rc != 0 {
                    tracing::warn!(
                        "cannot create the lifeline pipe: {}; commands quire starts may outlive it if it is killed",
                        std::io::Error::last_os_error()
                    );
                    return None;
                }
                // SAFETY: both descriptors were just created and are owned here.
                unsafe {
                    use std::os::fd::FromRawFd;
                    Some((OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])))
                }
            })
            .as_ref()
            .map(|(read, _write)| read.as_raw_fd())
    }

    /// In the child, before exec.
    ///
    /// # Safety
    /// Only between fork and exec.
    pub unsafe fn in_child(parent: libc::pid_t, watch: Option<RawFd>) {
        // SAFETY: plain system calls on our own process and its children.
        unsafe {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            if libc::getppid() != parent {
                libc::_exit(1);
            }
            let Some(watch) = watch else { return };
            let group = libc::getpid();
            // Fork twice so the watchdog is not our child (a command that
            // waits for all its children would wait for it forever).
            let middle = libc::fork();
            if middle == 0 {
                if libc::fork() == 0 {
                    watchdog(group, watch);
                }
                libc::_exit(0);
            }
            if middle > 0 {
                libc::waitpid(middle, std::ptr::null_mut(), 0);
            }
        }
    }

    /// The watchdog, in a process group of its own: kills group `group`
    /// when the lifeline reads end-of-file (quire died); leaves once the
    /// group is empty. Never returns.
    unsafe fn watchdog(group: libc::pid_t, watch: RawFd) -> ! {
        // SAFETY: plain system calls on our own process; the structures
        // are zeroed C structs.
        unsafe {
            close_all_but(watch);
            for sig in 1..32 {
                if sig != libc::SIGKILL && sig != libc::SIGSTOP {
                    let mut act: libc::sigaction = std::mem::zeroed();
                    act.sa_sigaction = libc::SIG_DFL;
                    libc::sigaction(sig, &act, std::ptr::null_mut());
                }
            }
            libc::prctl(libc::PR_SET_NAME, c"quire-watchdog".as_ptr());
            libc::setpgid(0, 0);
            loop {
                let mut fd = libc::pollfd {
                    fd: watch,
                    events: libc::POLLIN,
                    revents: 0,
                };
                let n = libc::poll(&mut fd, 1, 1000);
                if n > 0 && fd.revents != 0 {
                    // Quire is gone: so is everything it started here.
                    libc::kill(-group, libc::SIGKILL);
                    libc::_exit(0);
                }
                if libc::kill(-group, 0) != 0 {
                    // The command and all it started have ended.
                    libc::_exit(0);
                }
            }
        }
    }

    /// Closes every descriptor but `keep` (the command's output pipes
    /// must not stay open in the watchdog).
    unsafe fn close_all_but(keep: RawFd) {
        let keep = libc::c_uint::try_from(keep).unwrap_or(0);
        // SAFETY: close_range only closes descriptors.
        unsafe {
            let ok = (keep == 0
                || libc::syscall(libc::SYS_close_range, 0 as libc::c_uint, keep - 1, 0) == 0)
                && libc::syscall(libc::SYS_close_range, keep + 1, libc::c_uint::MAX, 0) == 0;
            if !ok {
                for fd in 0..4096 {
                    if fd != keep as libc::c_int {
                        libc::close(fd);
                    }
                }
            }
        }
    }
}
