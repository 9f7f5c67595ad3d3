//! Ctrl-C during the setup stops it the way Ctrl-D does: a message, exit
//! 130, nothing written. The questions are read in the terminal's line
//! mode, so Ctrl-C arrives as SIGINT; the handler is only in place while
//! the questions are asked (the config is written after it is gone).

use super::STOPPED;

/// SIGINT's handling before the setup, put back when dropped.
pub(super) struct StopOnCtrlC {
    before: libc::sigaction,
}

impl StopOnCtrlC {
    /// Installs the handler; None (SIGINT kills as before) if the system
    /// refuses it.
    pub(super) fn install() -> Option<StopOnCtrlC> {
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
            tracing::warn!(error = %std::io::Error::last_os_error(), "no Ctrl-C handler for the setup");
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

/// Says the setup stopped and exits 130 (only async-signal-safe calls:
/// nothing is allocated, locked or flushed).
extern "C" fn on_sigint(_: libc::c_int) {
    let parts: [&[u8]; 3] = [b"\nerror: ", STOPPED.as_bytes(), b"\n"];
    for part in parts {
        // SAFETY: write(2) of a static buffer.
        unsafe { libc::write(libc::STDERR_FILENO, part.as_ptr().cast(), part.len()) };
    }
    // SAFETY: _exit ends the process without running anything else.
    unsafe { libc::_exit(super::super::EXIT_INTERRUPTED) };
}
