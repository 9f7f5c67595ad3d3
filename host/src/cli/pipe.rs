//! A closed output pipe (`quire skills pick … | head`) ends quire quietly.
//!
//! Rust ignores SIGPIPE, so a write to a closed stdout fails with
//! `BrokenPipe` and `println!` panics with a backtrace. Restoring the
//! default SIGPIPE action is not an option here: quire writes into pipes
//! of its own (MCP servers, tool processes) and must survive when one of
//! them dies. Instead one panic hook recognises the printing failure and
//! exits with the shell's code for a closed pipe; every other panic goes to
//! the default hook.
//!
//! During a session that is not enough: when the terminal closes (SIGHUP)
//! or the reader of quire's output goes away, the task must still end on
//! record. What a session shows goes through [`out`] and [`err`], which
//! drop what cannot be written (EIO, EPIPE) instead of panicking. Stdout
//! closing (EPIPE: `quire exec --json … | head -1`) is reported to the hook
//! set with [`on_stdout_closed`]: the task stops, as nobody reads what it
//! does any more.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

type Hook = Arc<dyn Fn() + Send + Sync>;

/// Called (once) when a write to stdout finds its pipe closed.
static ON_STDOUT_CLOSED: Mutex<Option<Hook>> = Mutex::new(None);
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);
/// The first failure to write to stdout other than a closed pipe (a full
/// disk, an I/O error), in words.
static STDOUT_ERROR: Mutex<Option<String>> = Mutex::new(None);

/// The exit code of a process whose output pipe closed (128 + SIGPIPE).
pub const EXIT_BROKEN_PIPE: i32 = 141;

/// Writes `text` to stdout and flushes; a failure (closed terminal or
/// pipe) is ignored: the output has no reader left.
pub fn out(text: &str) {
    let mut o = std::io::stdout().lock();
    let written = o.write_all(text.as_bytes()).and_then(|()| o.flush());
    drop(o);
    match written {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => stdout_closed(),
        // Output that cannot be written (ENOSPC, EIO) is lost as surely as
        // into a closed pipe: the task stops the same way, and the caller
        // reports it ([`stdout_error`]).
        Err(e) => {
            if let Ok(mut first) = STDOUT_ERROR.lock()
                && first.is_none()
            {
                *first = Some(e.to_string());
            }
            stdout_closed();
        }
    }
}

/// Why writing to stdout failed, when it failed other than by a closed
/// pipe.
pub fn stdout_error() -> Option<String> {
    STDOUT_ERROR.lock().ok().and_then(|e| e.clone())
}

/// `f` is called, synchronously in the writer, on the first write to
/// stdout that fails because its pipe has no reader left (at once if that
/// already happened). It replaces any earlier hook.
pub fn on_stdout_closed(f: impl Fn() + Send + Sync + 'static) {
    let hook: Hook = Arc::new(f);
    if let Ok(mut h) = ON_STDOUT_CLOSED.lock() {
        *h = Some(hook.clone());
    }
    if STDOUT_CLOSED.load(Ordering::SeqCst) {
        hook();
    }
}

/// Stdout's reader is gone, seen before a write failed
/// ([`super::pipe_watch`]).
pub fn reader_gone() {
    stdout_closed();
}

fn stdout_closed() {
    if STDOUT_CLOSED.swap(true, Ordering::SeqCst) {
        return;
    }
    tracing::debug!("stdout has no reader left");
    let hook = ON_STDOUT_CLOSED.lock().ok().and_then(|h| h.clone());
    if let Some(hook) = hook {
        hook();
    }
}

/// Whether file descriptor 1 was open when the process started. A closed
/// one (`quire exec … >&-`) cannot be seen from `main`: Rust's runtime
/// opens /dev/null on a closed stdin, stdout or stderr before `main` runs,
/// so every write would vanish without an error. [`record_stdout`] looks
/// earlier, as a constructor, before the runtime does that.
pub fn stdout_was_open() -> bool {
    !STDOUT_CLOSED_AT_START.load(Ordering::SeqCst)
}

static STDOUT_CLOSED_AT_START: AtomicBool = AtomicBool::new(false);

/// Run by the C runtime before `main` (and before Rust's runtime replaces
/// closed standard descriptors with /dev/null). ELF only: elsewhere a
/// closed stdout goes unnoticed, as before.
#[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
#[used]
#[unsafe(link_section = ".init_array")]
static RECORD_STDOUT: extern "C" fn() = record_stdout;

#[cfg_attr(
    not(any(target_os = "linux", target_os = "android", target_os = "freebsd")),
    allow(dead_code)
)]
extern "C" fn record_stdout() {
    // SAFETY: F_GETFD only reads the descriptor's flags.
    let closed = unsafe { libc::fcntl(libc::STDOUT_FILENO, libc::F_GETFD) } == -1;
    STDOUT_CLOSED_AT_START.store(closed, Ordering::SeqCst);
}

/// [`out`] for stderr.
pub fn err(text: &str) {
    let mut e = std::io::stderr().lock();
    let _ = e.write_all(text.as_bytes());
    let _ = e.flush();
}

/// [`err`] for a message that may quote text from repositories, servers
/// or models (an error, a warning): escape sequences and controls are
/// dropped, on a terminal or not (`2>&1 | less -R` shows them too).
pub fn err_clean(text: &str) {
    err(&quire::printable::clean(text));
}

/// Installs the hook (once, at the start of `main`).
pub fn quiet_on_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if is_broken_pipe_print(payload) {
            quire::mcp::kill_all_processes();
            quire::child::kill_descendants();
            quire::plugins::run_tmp::remove();
            quire::tools::command_tmp::remove();
            std::process::exit(EXIT_BROKEN_PIPE);
        }
        default(info);
    }));
}

/// Whether a panic message is `print!`/`eprint!` failing on a closed pipe.
fn is_broken_pipe_print(message: &str) -> bool {
    (message.starts_with("failed printing to stdout")
        || message.starts_with("failed printing to stderr"))
        && (message.contains("Broken pipe") || message.contains("os error 32"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_printing_to_a_closed_pipe_is_recognised() {
        assert!(is_broken_pipe_print(
            "failed printing to stdout: Broken pipe (os error 32)"
        ));
        assert!(is_broken_pipe_print(
            "failed printing to stderr: Broken pipe (os error 32)"
        ));
        assert!(!is_broken_pipe_print(
            "failed printing to stdout: No space left on device (os error 28)"
        ));
        assert!(!is_broken_pipe_print("index out of bounds: Broken pipe"));
    }
}
