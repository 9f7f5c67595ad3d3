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
//! drop what cannot be written (EIO, EPIPE) instead of panicking.

use std::io::Write;

/// The exit code of a process whose output pipe closed (128 + SIGPIPE).
pub const EXIT_BROKEN_PIPE: i32 = 141;

/// Writes `text` to stdout and flushes; a failure (closed terminal or
/// pipe) is ignored: the output has no reader left.
pub fn out(text: &str) {
    let mut o = std::io::stdout().lock();
    let _ = o.write_all(text.as_bytes());
    let _ = o.flush();
}

/// [`out`] for stderr.
pub fn err(text: &str) {
    let mut e = std::io::stderr().lock();
    let _ = e.write_all(text.as_bytes());
    let _ = e.flush();
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
