//! `quire completions SHELL` and `quire man [--dir DIR]`: generated from
//! the same clap command as `--help` ([`super::help::command`]).

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
    let mut out = std::io::stdout().lock();
    clap_complete::generate(args.shell, &mut cmd, "quire", &mut out);
    EXIT_OK
}

pub fn man(args: &ManArgs) -> i32 {
    let cmd = super::help::command();
    let result = match &args.dir {
        Some(dir) => std::fs::create_dir_all(dir)
            .and_then(|()| clap_mangen::generate_to(cmd, dir))
            .map(|()| eprintln!("wrote the man pages to {}", dir.display())),
        None => clap_mangen::Man::new(cmd).render(&mut std::io::stdout().lock()),
    };
    match result {
        Ok(()) => EXIT_OK,
        Err(e) => {
            eprintln!("error: cannot write the man page: {e}");
            EXIT_FAILED
        }
    }
}
