//! `quire commands list`: the custom slash commands of this directory.

use clap::{Args, Subcommand};
use quire::printable::one_line;
use serde_json::json;

use super::args::GlobalArgs;
use super::{EXIT_OK, EXIT_USAGE, setup};

#[derive(Debug, Args)]
pub struct CommandsArgs {
    #[command(subcommand)]
    pub command: CommandsCommand,
}

#[derive(Debug, Subcommand)]
pub enum CommandsCommand {
    /// Each command with its source, argument hint and description; files that cannot be used are reported.
    List {
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(global: &GlobalArgs, args: &CommandsArgs) -> i32 {
    let setup = match setup::load(global, None) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e:#}");
            return EXIT_USAGE;
        }
    };
    let CommandsCommand::List { json } = &args.command;
    let found =
        quire::commands::discover(&super::slash::roots(&setup.config, &setup.home, &setup.cwd));
    for c in &found.commands {
        let shadowed = super::slash::builtin(&c.name);
        if *json {
            super::pipe::out(&format!(
                "{}\n",
                json!({
                    "name": c.name,
                    "description": c.description,
                    "argument_hint": c.argument_hint,
                    "allowed_tools": c.allowed_tools,
                    "model": c.model,
                    "source": c.source.label(),
                    "path": c.path,
                    "shadowed_by_builtin": shadowed,
                })
            ));
        } else {
            // Names, hints and descriptions come from repository files:
            // one line each, without escape sequences, on a terminal or not.
            let hint = one_line(c.argument_hint.as_deref().unwrap_or(""));
            super::pipe::out(&format!(
                "/{:<20} {:<16} {} — {}\n",
                one_line(&c.name),
                hint,
                one_line(&c.source.label()),
                super::summary::clip(&one_line(&c.description), 70)
            ));
            if shadowed {
                let name = one_line(&c.name);
                eprintln!(
                    "warning: {}: /{name} is shadowed by the built-in /{name} of interactive sessions, so there it never runs (only `quire exec \"/{name} …\"` runs it); rename the file to use it",
                    one_line(&c.path.display().to_string())
                );
            }
        }
    }
    let root = quire::agent::prompt::repo_root(&setup.cwd).unwrap_or_else(|| setup.cwd.clone());
    let ignored = super::trust::unused_folders(
        &root,
        setup.config.project_trusted,
        &[".quire/commands", ".claude/commands"],
        "commands",
    );
    if let Some(note) = &ignored {
        eprintln!("{note}");
    }
    if found.commands.is_empty() && !*json {
        super::pipe::out(if ignored.is_some() {
            "no custom commands in use (the project's are ignored, see the note)\n"
        } else {
            "no custom commands: add Markdown files to .quire/commands/ (or .claude/commands/, ~/.quire/commands/)\n"
        });
    }
    for p in &found.problems {
        eprintln!("warning: {}", one_line(p));
    }
    EXIT_OK
}
