//! Ctrl-C at a question asked before a session starts (the first-run
//! setup, the trust and hook questions of the full-screen view) stops
//! quire the way Ctrl-D would: a message, exit 130. The questions are read
//! in the terminal's line mode, so Ctrl-C arrives as SIGINT; the handler
//! is only in place while a question is asked (what the answer changes is
//! written after it is gone). The terminal is in its usual mode then:
//! nothing is left to restore.

use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};

/// What the handler says after `error: `, set by [`StopOnCtrlC::install`].
static SAID: AtomicPtr<u8> = AtomicPtr::new(std::ptr::null_mut());
static SAID_LEN: AtomicUsize = AtomicUsize::new(0);

/// SIGINT's handling before the question, put back when dropped.
pub(crate) struct StopOnCtrlC {
    before: libc::sigaction,
}

impl StopOnCtrlC {
    /// Installs the handler, which says `error: {said}`; None (SIGINT
    /// kills as before) if the system refuses it.
    pub(crate) fn install(said: &'static str) -> Option<StopOnCtrlC> {
        SAID_LEN.store(0, Ordering::SeqCst);
        SAID.store(said.as_ptr().cast_mut(), Ordering::SeqCst);
        SAID_LEN.store(said.len(), Ordering::SeqCst);
        // SAFETY: sigaction is plain data; zeroed is a valid empty value.
        let mut action: libc::sigaction = unsafe { std::mem::zeroed() };
        action.sa_sigaction = on_sigint as extern "C" fn(libc::c_int) as libc::sighandler_t;
        // SAFETY: both pointers are valid sigaction values owned here.
        let mut before: libc::sigaction = unsafe { std::mem::zeroed() };
        let installed = unsafe {
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(libc::SIGINT, &action, &mut before)
        };
        if installed != 0 {
            tracing::warn!(error = %std::io::Error::last_os_error(), "no Ctrl-C handler for the question");
            return None;
        }
        Some(StopOnCtrlC { before })
    }
}

impl Drop for StopOnCtrlC {
    fn drop(&mut self) {
        // SAFETY: puts back the action read by `install`.
        unsafe { libc::sigaction(libc::SIGINT, &self.before, std::ptr::null_mut()) };
    }
}

/// Says what stopped and exits 130 (only async-signal-safe calls: nothing
/// is allocated, locked or flushed).
extern "C" fn on_sigint(_: libc::c_int) {
    let said = SAID.load(Ordering::SeqCst);
    let len = SAID_LEN.load(Ordering::SeqCst);
    let parts: [(*const u8, usize); 3] = [
        (b"\nerror: ".as_ptr(), 8),
        (said.cast_const(), if said.is_null() { 0 } else { len }),
        (b"\n".as_ptr(), 1),
    ];
    for (ptr, len) in parts {
        // SAFETY: write(2) of static buffers: the literals here and the
        // `&'static str` given to `install`.
        unsafe { libc::write(libc::STDERR_FILENO, ptr.cast(), len) };
    }
    // SAFETY: _exit ends the process without running anything else.
    unsafe { libc::_exit(super::EXIT_INTERRUPTED) };
}
