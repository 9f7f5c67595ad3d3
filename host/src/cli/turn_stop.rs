//! Ctrl-Z in the line mode (and in `quire exec`, `quire review`) while a
//! turn runs. The terminal's SIGTSTP reaches quire's process group only:
//! the model's commands, in process groups of their own, would go on
//! while quire is stopped. So while a turn runs SIGTSTP is caught; a
//! thread of its own then pauses those commands (`child::pause_commands`,
//! whose paused time their timeouts do not count), stops quire with
//! SIGTSTP's default action, and once quire is continued (`fg`) lets them
//! go on. Outside a turn, and while the line mode asks a question
//! (rustyline takes Ctrl-Z itself; the commands are paused then anyway),
//! SIGTSTP keeps its default action.

use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Mutex, PoisonError};

/// Where the handler writes a byte for each SIGTSTP (-1: no thread yet).
static WAKE: AtomicI32 = AtomicI32::new(-1);

struct State {
    /// A turn runs.
    turn: bool,
    /// Questions being asked.
    asking: usize,
}

static STATE: Mutex<State> = Mutex::new(State {
    turn: false,
    asking: 0,
});

/// A turn began (`true`) or ended.
pub(super) fn turn(running: bool) {
    let mut st = STATE.lock().unwrap_or_else(PoisonError::into_inner);
    st.turn = running;
    apply(&st);
}

/// SIGTSTP keeps its default action while the guard lives (a question).
pub(super) struct Asking(());

pub(super) fn asking() -> Asking {
    let mut st = STATE.lock().unwrap_or_else(PoisonError::into_inner);
    st.asking += 1;
    apply(&st);
    Asking(())
}

impl Drop for Asking {
    fn drop(&mut self) {
        let mut st = STATE.lock().unwrap_or_else(PoisonError::into_inner);
        st.asking = st.asking.saturating_sub(1);
        apply(&st);
    }
}

/// Puts SIGTSTP's action as `st` wants it.
fn apply(st: &State) {
    let catch = st.turn && st.asking == 0 && started();
    // SAFETY: sigaction with a zeroed struct whose handler is either
    // SIG_DFL or `on_tstp`, which only makes async-signal-safe calls.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = if catch {
            on_tstp as extern "C" fn(libc::c_int) as libc::sighandler_t
        } else {
            libc::SIG_DFL
        };
        action.sa_flags = libc::SA_RESTART;
        if libc::sigaction(libc::SIGTSTP, &action, std::ptr::null_mut()) != 0 {
            tracing::warn!(
                "cannot set SIGTSTP's action: {}",
                std::io::Error::last_os_error()
            );
        }
    }
}

extern "C" fn on_tstp(_: libc::c_int) {
    let fd = WAKE.load(Ordering::SeqCst);
    if fd >= 0 {
        // SAFETY: write(2) of one byte from a static; errno is saved and
        // put back around it (this thread's).
        unsafe {
            let errno = errno();
            let saved = errno.map(|e| *e);
            libc::write(fd, b"z".as_ptr().cast(), 1);
            if let (Some(e), Some(v)) = (errno, saved) {
                *e = v;
            }
        }
    }
}

/// This thread's errno.
fn errno() -> Option<*mut libc::c_int> {
    #[cfg(target_os = "linux")]
    // SAFETY: the address of this thread's errno.
    return Some(unsafe { libc::__errno_location() });
    #[cfg(target_os = "macos")]
    // SAFETY: the address of this thread's errno.
    return Some(unsafe { libc::__error() });
    #[allow(unreachable_code)]
    None
}

/// Whether the thread that stops quire runs (started on first use).
fn started() -> bool {
    if WAKE.load(Ordering::SeqCst) >= 0 {
        return true;
    }
    let mut fds = [0; 2];
    // SAFETY: pipe(2) fills the two descriptors of `fds`; fcntl(2) marks
    // them close-on-exec (no command inherits them).
    let made = unsafe {
        libc::pipe(fds.as_mut_ptr()) == 0
            && fds
                .iter()
                .all(|&fd| libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) == 0)
    };
    if !made {
        tracing::warn!(
            "Ctrl-Z will not pause the model's commands: {}",
            std::io::Error::last_os_error()
        );
        return false;
    }
    let [read, write] = fds;
    let spawned = std::thread::Builder::new()
        .name("ctrl-z".into())
        .spawn(move || stop_on_wake(read));
    if let Err(e) = spawned {
        tracing::warn!("Ctrl-Z will not pause the model's commands: {e}");
        return false;
    }
    WAKE.store(write, Ordering::SeqCst);
    true
}

/// For each SIGTSTP caught: the commands paused, quire stopped as the
/// terminal's Ctrl-Z would, the commands continued after quire.
fn stop_on_wake(read: libc::c_int) {
    let mut byte = 0u8;
    loop {
        // SAFETY: read(2) of one byte into a local.
        let n = unsafe { libc::read(read, (&raw mut byte).cast(), 1) };
        if n < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
            continue;
        }
        if n != 1 {
            return;
        }
        let paused = quire::child::pause_commands();
        let st = STATE.lock().unwrap_or_else(PoisonError::into_inner);
        // Default action for the one signal raised here: the process
        // stops before raise returns, and goes on once continued.
        apply(&State {
            turn: false,
            asking: 0,
        });
        // The shell gets the terminal as it was before quire (a dumb
        // terminal's reads change it), and quire's settings come back
        // after `fg`.
        super::dumb_line::restore();
        // SAFETY: raise(3) on this thread.
        unsafe { libc::raise(libc::SIGTSTP) };
        super::dumb_line::idle_again();
        apply(&st);
        drop(st);
        drop(paused);
    }
}
