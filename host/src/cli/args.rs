use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// quire: a coding agent for your terminal.
///
/// Run `quire` for an interactive session in the current repository, or
/// `quire exec "TASK"` to run one task non-interactively. quire talks to
/// OpenAI (Responses API), Anthropic (Messages API) or any
/// OpenAI-compatible server (Ollama, vLLM, llama.cpp, LM Studio) — see
/// `~/.quire/config.toml` in the README.
#[derive(Debug, Parser)]
#[command(name = "quire", version, about, long_about, after_help = EXAMPLES)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Option<Command>,

    /// A first message for the interactive session.
    pub prompt: Option<String>,
}

const EXAMPLES: &str = "Examples:
  quire                                   interactive session
  quire exec \"fix the failing test\"       one task, then exit
  quire exec --json \"list the TODOs\"      JSON events, one per line
  quire --provider anthropic -m claude-sonnet-4-5
  quire -c providers.local.base_url=http://localhost:8000/v1 --provider local
  quire sessions list                     past sessions; resume with exec --resume";

#[derive(Debug, Args, Clone, Default)]
pub struct GlobalArgs {
    /// Provider to use: openai, anthropic, ollama, or a [providers.NAME] from config.
    #[arg(long, global = true, value_name = "NAME")]
    pub provider: Option<String>,

    /// Model name (for example gpt-5.1, claude-sonnet-4-5, qwen3-coder).
    #[arg(short, long, global = true, value_name = "NAME")]
    pub model: Option<String>,

    /// Override a config key, as in config.toml (repeatable): -c max_turns=20
    #[arg(short = 'c', long = "config", global = true, value_name = "KEY=VALUE")]
    pub overrides: Vec<String>,

    /// Where shell commands may write.
    #[arg(long, global = true, value_enum, value_name = "MODE")]
    pub sandbox: Option<SandboxArg>,

    /// Let sandboxed commands use the network.
    #[arg(long, global = true)]
    pub network: bool,

    /// When to ask before acting.
    #[arg(long, global = true, value_enum, value_name = "POLICY")]
    pub approval: Option<ApprovalArg>,

    /// Run in this directory instead of the current one.
    #[arg(short = 'C', long = "cd", global = true, value_name = "DIR")]
    pub cd: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SandboxArg {
    /// Commands may read anything and write nothing.
    ReadOnly,
    /// Writes only in the workspace and temp dir, no network (default).
    WorkspaceWrite,
    /// No sandbox at all.
    DangerFullAccess,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ApprovalArg {
    /// Never ask; requests to leave the sandbox are refused.
    Never,
    /// Ask when the model asks to run outside the sandbox (default).
    OnRequest,
    /// Ask before any command that is not known to be read-only, and before patches.
    Untrusted,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run one task non-interactively and exit (0 done, 1 failed, 2 usage error, 130 interrupted).
    Exec(ExecArgs),
    /// List past sessions.
    Sessions(SessionsArgs),
    /// Agent Skills: see what a message selects, measure selection.
    Skills(super::skills_select::SkillsArgs),
}

#[derive(Debug, Args)]
pub struct ExecArgs {
    /// The task. Use - (or leave it out with input piped in) to read it from stdin.
    pub prompt: Option<String>,

    /// Print every event as one JSON object per line (see README).
    #[arg(long)]
    pub json: bool,

    /// Continue a session: `last` or a session id (prefix).
    #[arg(long, value_name = "last|ID")]
    pub resume: Option<String>,

    /// Stop after this many model round trips (default 100).
    #[arg(long, value_name = "N")]
    pub max_turns: Option<u32>,
}

#[derive(Debug, Args)]
pub struct SessionsArgs {
    #[command(subcommand)]
    pub command: SessionsCommand,
}

#[derive(Debug, Subcommand)]
pub enum SessionsCommand {
    /// Show id, date, directory and first prompt of each session, newest first.
    List {
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
}
