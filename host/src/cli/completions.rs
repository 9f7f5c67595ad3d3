//! `quire completions SHELL` and `quire man [--dir DIR]`: generated from
//! the same clap command as `--help` ([`super::help::command`]).

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use clap_complete::Shell;

use super::{EXIT_FAILED, EXIT_OK};

/// Print a completion script for your shell to stdout.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell or elvish.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Print quire's man page (roff) to stdout, or write one page per command.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write quire.1, quire-exec.1, … into this folder instead.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

pub fn completions(args: &CompletionsArgs) -> i32 {
    let mut cmd = super::help::command();
    // Generated into memory: clap_complete panics when its writer fails
    // (`quire completions bash | head -1`).
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "quire", &mut script);
    finish(write_stdout(&script), "the completion script")
}

pub fn man(args: &ManArgs) -> i32 {
    let cmd = super::help::command();
    let result = match &args.dir {
        Some(dir) => std::fs::create_dir_all(dir)
            .and_then(|()| clap_mangen::generate_to(cmd, dir))
            .map(|()| eprintln!("wrote the man pages to {}", dir.display())),
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(cmd)
                .render(&mut page)
                .and_then(|()| write_stdout(&page))
        }
    };
    finish(result, "the man page")
}

fn write_stdout(bytes: &[u8]) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes).and_then(|()| out.flush())
}

/// A closed pipe (`| head -1`) is no error: the reader has what it wanted,
/// as with every other printing command.
fn finish(result: std::io::Result<()>, what: &str) -> i32 {
    match result {
        Ok(()) => EXIT_OK,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(e) => {
            eprintln!("error: cannot write {what}: {e}");
            EXIT_FAILED
        }
    }
}
