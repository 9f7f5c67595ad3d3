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
    let code = cli::main();
    std::process::exit(code);
}
