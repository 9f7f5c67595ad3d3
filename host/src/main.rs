//! The `quire` binary: parse arguments, build a session, render events.

mod cli;
mod tui;

fn main() {
    let code = cli::main();
    std::process::exit(code);
}
