//! Stdout's reader going away is noticed when it goes, not at the next
//! write. The human view of `quire exec` writes nothing to stdout while
//! tools run (their lines go to stderr, the answer comes at the end), so
//! a failed write alone would let it run tools and ask the model again
//! with nobody reading (`quire exec … | true`). A thread waits on fd 1
//! with `poll`: a pipe whose last reader closed reports `POLLERR`, a
//! socket whose peer closed `POLLHUP`; either is reported as a closed
//! pipe ([`super::pipe`]), which interrupts the task.

use std::sync::Once;

static STARTED: Once = Once::new();

/// Starts the watcher (once) when stdout is a pipe or a socket; a
/// terminal (SIGHUP covers it) or a file has no reader to lose.
pub fn watch_stdout() {
    STARTED.call_once(|| {
        if !stdout_is_pipe_or_socket() {
            return;
        }
        let spawned = std::thread::Builder::new()
            .name("stdout-watch".into())
            .spawn(wait_for_reader_gone);
        if let Err(e) = spawned {
            tracing::debug!("cannot watch stdout: {e}");
        }
    });
}

fn stdout_is_pipe_or_socket() -> bool {
    // SAFETY: fstat writes into the zeroed struct it is given.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: fd 1 and a valid pointer to a stat struct.
    if unsafe { libc::fstat(libc::STDOUT_FILENO, &mut st) } != 0 {
        return false;
    }
    let kind = st.st_mode & libc::S_IFMT;
    kind == libc::S_IFIFO || kind == libc::S_IFSOCK
}

/// Blocks until fd 1 reports an error or hang-up (no events asked for:
/// only those are reported), then reports the closed pipe.
fn wait_for_reader_gone() {
    loop {
        let mut fd = libc::pollfd {
            fd: libc::STDOUT_FILENO,
            events: 0,
            revents: 0,
        };
        // SAFETY: one valid pollfd; no timeout.
        let n = unsafe { libc::poll(&mut fd, 1, -1) };
        if n < 0 {
            if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return;
        }
        if fd.revents & libc::POLLNVAL != 0 {
            return;
        }
        if fd.revents & (libc::POLLERR | libc::POLLHUP) != 0 {
            super::pipe::reader_gone();
            return;
        }
    }
}
