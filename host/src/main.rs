//! The `quire` binary: parse arguments, build a session, render events.

// The CLI prints what the user asked for; nothing else of quire prints.
#[allow(clippy::print_stdout, clippy::print_stderr)]
mod cli;
#[cfg(test)]
#[path = "read_only_dir.rs"]
mod read_only_dir;
mod session_view;
mod tui;

/// mimalloc in place of glibc's malloc: allocation was a fifth of quire's
/// time per model round trip (BENCHMARKS.md, `exec_roundtrip`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // Commands quire runs (as the same user) cannot read its memory or
    // its environment's keys from /proc; the cost: no core dump of quire.
    let _ = quire::tools::caps::not_dumpable();
    // Past a file size limit (`ulimit -f`) a write fails and is reported
    // like a full disk, instead of SIGXFSZ killing quire mid-record.
    let _ = quire::file_size_limit::survive_sigxfsz();
    // SAFETY: no other thread runs yet.
    let replaced = unsafe { quire::user_home::settle() };
    if std::env::var_os("HOME").is_none()
        && std::env::var_os("QUIRE_HOME").is_none_or(|q| q.is_empty())
    {
        #[allow(clippy::print_stderr)]
        {
            eprintln!(
                "error: HOME is {} and the password database has no home folder for this user, so quire has nowhere to keep its settings and sessions; set HOME (or QUIRE_HOME) to an absolute folder",
                match &replaced {
                    Some(h) if !h.is_empty() => format!("{:?} (not an absolute folder)", h),
                    Some(_) => "empty".to_string(),
                    None => "not set".to_string(),
                }
            );
        }
        std::process::exit(2);
    }
    let code = cli::main();
    std::process::exit(code);
}
