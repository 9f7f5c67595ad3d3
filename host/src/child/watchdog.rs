//! The one watchdog process per quire (see the parent module).

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::OnceLock;

/// How many live process groups the watchdog keeps track of; past that,
/// groups that ended are dropped first, and a new group beyond it is
/// covered by its parent-death signal only.
const GROUPS: usize = 4096;

/// Quire's end of the socket to the watchdog (close-on-exec; `None` if
/// the watchdog could not be started).
static LIFELINE: OnceLock<Option<OwnedFd>> = OnceLock::new();

/// Quire's end of the watchdog socket, starting the watchdog on first use.
pub fn lifeline() -> Option<RawFd> {
    LIFELINE
        .get_or_init(start)
        .as_ref()
        .map(|fd| fd.as_raw_fd())
}

fn start() -> Option<OwnedFd> {
    let warn = |what: &str| {
        tracing::warn!(
            "cannot start the watchdog ({what}: {}); commands quire starts may outlive it if it is killed",
            std::io::Error::last_os_error()
        );
    };
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: socketpair writes two descriptors into the array.
    let rc = unsafe {
        libc::socketpair(
            libc::AF_UNIX,
            libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC,
            0,
            fds.as_mut_ptr(),
        )
    };
    if rc != 0 {
        warn("socketpair");
        return None;
    }
    // SAFETY: both descriptors were just created and are owned here.
    let (ours, theirs) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    let watch = theirs.as_raw_fd();
    // Built before the fork: the watchdog allocates nothing.
    let (prefix, prefix_len) = super::marked::prefix();
    // SAFETY: fork twice so the watchdog is not quire's child (nobody
    // would reap it). Both forked processes only make async-signal-safe
    // system calls and never return here.
    let middle = unsafe { libc::fork() };
    if middle == 0 {
        // SAFETY: as above, in the forked child; `send` reads four bytes
        // from a local.
        unsafe {
            let watchdog = libc::fork();
            if watchdog == 0 {
                run(watch, &prefix[..prefix_len]);
            }
            // Quire is a subreaper and adopts the watchdog: tell it which
            // process that is, so it is left alone.
            libc::send(
                watch,
                (&raw const watchdog).cast(),
                size_of::<libc::pid_t>(),
                libc::MSG_NOSIGNAL,
            );
            libc::_exit(0);
        }
    }
    drop(theirs);
    if middle < 0 {
        warn("fork");
        return None;
    }
    // SAFETY: reaps the middle process, which exits at once.
    unsafe { libc::waitpid(middle, std::ptr::null_mut(), 0) };
    let mut watchdog: libc::pid_t = 0;
    // SAFETY: reads at most four bytes into a local; the middle process
    // sent them before it exited, so nothing waits.
    let got = unsafe {
        libc::recv(
            ours.as_raw_fd(),
            (&raw mut watchdog).cast(),
            size_of::<libc::pid_t>(),
            libc::MSG_DONTWAIT,
        )
    };
    if got == size_of::<libc::pid_t>() as isize && watchdog > 1 {
        super::reaper::watchdog_is(watchdog);
    }
    Some(ours)
}

/// In the child, before exec: the parent-death signal, the race check,
/// and the group id sent to the watchdog.
///
/// # Safety
/// Only between fork and exec.
pub unsafe fn in_child(parent: libc::pid_t, lifeline: Option<RawFd>) {
    // SAFETY: plain system calls on our own process; `send` reads four
    // bytes from a local.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
        if libc::getppid() != parent {
            libc::_exit(1);
        }
        if let Some(fd) = lifeline {
            let group = libc::getpid();
            // MSG_NOSIGNAL: a watchdog that is gone must not kill us.
            libc::send(
                fd,
                (&raw const group).cast(),
                size_of::<libc::pid_t>(),
                libc::MSG_NOSIGNAL,
            );
        }
    }
}

/// The watchdog, in a process group of its own: records the groups it is
/// sent, kills them all when the socket reads end-of-file (quire died),
/// then every process carrying quire's mark (`prefix`, see
/// [`super::marked`]). Never returns.
unsafe fn run(watch: RawFd, prefix: &[u8]) -> ! {
    // SAFETY: plain system calls on our own process; the structures are
    // zeroed C structs and a local array.
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
        let mut groups = [0 as libc::pid_t; GROUPS];
        let mut n = 0usize;
        loop {
            let mut fd = libc::pollfd {
                fd: watch,
                events: libc::POLLIN,
                revents: 0,
            };
            let ready = libc::poll(&mut fd, 1, 1000);
            if ready == 0 {
                n = prune(&mut groups, n);
                continue;
            }
            if ready < 0 {
                continue;
            }
            let mut group: libc::pid_t = 0;
            let got = libc::recv(watch, (&raw mut group).cast(), size_of::<libc::pid_t>(), 0);
            if got == 0 || (got < 0 && *libc::__errno_location() != libc::EINTR) {
                // Quire is gone: so is everything it started.
                for &g in &groups[..n] {
                    libc::kill(-g, libc::SIGKILL);
                }
                super::marked::kill_marked(prefix);
                libc::_exit(0);
            }
            if got == size_of::<libc::pid_t>() as isize && group > 1 {
                if n == GROUPS {
                    n = prune(&mut groups, n);
                }
                if n < GROUPS {
                    groups[n] = group;
                    n += 1;
                }
            }
        }
    }
}

/// Drops the groups that no longer exist; the new count.
fn prune(groups: &mut [libc::pid_t], n: usize) -> usize {
    let mut kept = 0;
    for i in 0..n {
        // SAFETY: signal 0 only checks that the group exists.
        if unsafe { libc::kill(-groups[i], 0) } == 0 {
            groups[kept] = groups[i];
            kept += 1;
        }
    }
    kept
}

/// Closes every descriptor but `keep` (quire's end of the socket and its
/// output must not stay open in the watchdog).
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
