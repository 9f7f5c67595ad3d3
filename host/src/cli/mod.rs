//! Command-line interface: clap commands, thin over the library.

mod args;
mod exec;
mod hooks;
mod mcp;
mod mcp_serve;
mod pipe;
mod plugins;
mod render;
mod repl;
mod run;
mod sessions;
mod setup;
mod share;
mod skills;
mod skills_select;
mod summary;
mod trust;

use clap::Parser;

pub use args::{Cli, Command};

/// Exit codes.
pub const EXIT_OK: i32 = 0;
pub const EXIT_FAILED: i32 = 1;
pub const EXIT_USAGE: i32 = 2;
pub const EXIT_INTERRUPTED: i32 = 130;

pub fn main() -> i32 {
    pipe::quiet_on_broken_pipe();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            return code;
        }
    };
    init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return EXIT_FAILED;
        }
    };
    let code = runtime.block_on(dispatch(cli));
    // Backstop: no MCP server process outlives quire.
    quire::mcp::kill_all_processes();
    // Tool processes are killed by their own guards; do not wait for
    // blocking tasks (a pending terminal read) on the way out.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    code
}

async fn dispatch(cli: Cli) -> i32 {
    match &cli.command {
        Some(Command::Exec(args)) => exec::run(&cli.global, args).await,
        Some(Command::Sessions(args)) => sessions::run(&cli.global, args),
        Some(Command::Skills(args)) => skills::run(&cli.global, args),
        Some(Command::Mcp(args)) => mcp::run(&cli.global, args).await,
        Some(Command::Plugins(args)) => plugins::run(&cli.global, args).await,
        Some(Command::Trust(args)) => trust::run(&cli.global, args),
        Some(Command::Share(args)) => share::run(&cli.global, args),
        Some(Command::Hooks(args)) => hooks::run(&cli.global, args),
        None => repl::run(&cli.global, cli.prompt.clone()).await,
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("QUIRE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("error,rmcp=off"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
