//! A file size limit (`ulimit -f`) must not kill quire mid-record: past
//! it the kernel sends SIGXFSZ, whose default action ends the process
//! (exit 153) with half a line in the session file and nothing on stdout.
//! [`survive_sigxfsz`] catches the signal with a handler that does
//! nothing, so the write fails with `EFBIG` instead and goes the way a
//! full disk goes: the record is cut off again and counted as unsaved
//! ("session file not updated"), the answer still reaches stdout.
//!
//! A caught signal, unlike an ignored one, is back to its default action
//! in every program quire starts (exec resets handlers; `SIG_IGN` would be
//! inherited): a command that writes past the limit there is stopped by
//! SIGXFSZ as it would be in the user's shell.

/// Installs the do-nothing SIGXFSZ handler (see the module docs).
pub fn survive_sigxfsz() -> std::io::Result<()> {
    extern "C" fn nothing(_: libc::c_int) {}
    // SAFETY: a zeroed sigaction with a handler that touches nothing
    // (async-signal-safe); SA_RESTART so no other call sees EINTR.
    unsafe {
        let mut act: libc::sigaction = std::mem::zeroed();
        act.sa_sigaction = nothing as extern "C" fn(libc::c_int) as libc::sighandler_t;
        act.sa_flags = libc::SA_RESTART;
        libc::sigemptyset(&mut act.sa_mask);
        if libc::sigaction(libc::SIGXFSZ, &act, std::ptr::null_mut()) != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}
