//! `quire skills ...`: list, show, new, validate, to-prompt.

/// `println!` of `cli`: cleaned on a terminal, quiet when stdout is closed.
macro_rules! say {
    ($($arg:tt)*) => {
        println!($($arg)*)
    };
}

mod list;
mod new;
mod show;
mod validate;

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use quire::agent::prompt::repo_root;
use quire::skills::{DiscoverOptions, Discovery, discover};

use super::args::GlobalArgs;
use super::{EXIT_USAGE, setup};

#[derive(Debug, Args)]
pub struct SkillsArgs {
    #[command(subcommand)]
    pub command: SkillsCommand,
}

#[derive(Debug, Subcommand)]
pub enum SkillsCommand {
    /// List the skills in effect here (name, scope, description).
    List {
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
        /// Also show shadowed and skipped skills with the reasons, and warnings.
        #[arg(long)]
        all: bool,
    },
    /// Show one skill: where it came from, shadowed copies, its files.
    Show {
        /// The skill's name.
        name: String,
        /// As one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Create a skill skeleton (`validate --strict` flags its placeholder description until you write one).
    #[command(visible_alias = "create")]
    New {
        /// The skill's name: lowercase letters, digits and single hyphens.
        name: String,
        /// Where: the project's `.quire/skills` or your `~/.quire/skills`.
        #[arg(long, value_enum, default_value = "project")]
        scope: NewScope,
    },
    /// Check skills against the Agent Skills spec (as skills-ref does).
    ///
    /// Exit 1 when any check fails; each problem is printed with its path.
    Validate {
        /// Skill folders, SKILL.md files, or folders of skills.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Also check body length, relative file references and angle brackets.
        #[arg(long)]
        strict: bool,
    },
    /// Print the <available_skills> XML block for these skills (as skills-ref does).
    ToPrompt {
        /// Skill folders or SKILL.md files.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Show what a turn with this message would select, with scores and why.
    Pick(super::skills_select::PickArgs),
    /// Measure selection on labelled messages: recall@1, recall@5, wrong picks.
    Eval(super::skills_select::EvalArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NewScope {
    /// `<repo>/.quire/skills/NAME`.
    Project,
    /// `~/.quire/skills/NAME` (`$QUIRE_HOME/skills`).
    User,
}

pub fn run(global: &GlobalArgs, args: &SkillsArgs) -> i32 {
    match &args.command {
        SkillsCommand::Validate { paths, strict } => validate::validate(paths, *strict),
        SkillsCommand::ToPrompt { paths } => validate::to_prompt(paths),
        command => {
            let setup = match setup::load_or_say(global) {
                Ok(s) => s,
                Err(code) => return code,
            };
            match command {
                SkillsCommand::List { json, all } => list::run(&find(&setup), *json, *all),
                SkillsCommand::Show { name, json } => show::run(&find(&setup), name, *json),
                SkillsCommand::New { name, scope } => new::run(&setup, name, *scope),
                SkillsCommand::Pick(a) => {
                    super::skills_select::pick(&setup, find(&setup).skills, a)
                }
                SkillsCommand::Eval(a) => {
                    super::skills_select::eval(&setup, find(&setup).skills, a)
                }
                SkillsCommand::Validate { .. } | SkillsCommand::ToPrompt { .. } => EXIT_USAGE,
            }
        }
    }
}

/// Every skill visible from the setup's cwd.
pub(super) fn find(setup: &setup::Setup) -> Discovery {
    if !setup.config.skills.enabled {
        eprintln!("note: skills are turned off in config (skills.enabled = false)");
    }
    discover(
        &DiscoverOptions::new(
            setup.cwd.clone(),
            repo_root(&setup.cwd),
            setup.home.clone(),
            &setup.config.skills,
        )
        .trusting(setup.config.project_trusted),
    )
}
