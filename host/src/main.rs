//! The `quire` binary: parse arguments, build a session, render events.

// The CLI prints what the user asked for; nothing else of quire prints.
#[allow(clippy::print_stdout, clippy::print_stderr)]
mod cli;
mod tui;

fn main() {
    let code = cli::main();
    std::process::exit(code);
}
