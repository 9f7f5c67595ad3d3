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

    /// A first message for the interactive session (a single word that is close
    /// to a command name is refused as a likely typo; so are other agents'
    /// commands: init, login, config, setup, update).
    pub prompt: Option<String>,

    /// Continue a session of this directory: `last` (the one used last), an
    /// id (prefix), or nothing for a picker (most recently used first).
    #[arg(long, value_name = "last|ID", num_args = 0..=1, default_missing_value = "")]
    pub resume: Option<String>,

    /// Attach images to the first message: PNG, JPEG, GIF or WebP, at most
    /// 20 MiB each (5 MB as base64 on Anthropic). Repeat it or give a comma
    /// list: -i shot.png,log.jpg
    #[arg(
        short = 'i',
        long = "image",
        value_name = "FILE",
        value_delimiter = ','
    )]
    pub images: Vec<PathBuf>,
}

const EXAMPLES: &str = "Examples:
  quire                                   interactive session
  quire exec \"fix the failing test\"       one task, then exit
  quire exec --json \"list the TODOs\"      JSON events, one per line
  quire -i shot.png \"why does this render wrong\"   attach an image
  quire --provider anthropic -m claude-sonnet-4-5
  quire --provider ollama -m qwen3-coder  a local model (OLLAMA_BASE_URL)
  quire -c max_turns=20 -c network=true   override config keys
  quire sessions list                     past sessions; resume with exec --resume";

/// Options every command accepts (shown under "Global options").
#[derive(Debug, Args, Clone, Default)]
pub struct GlobalArgs {
    /// Provider to use: openai, anthropic, ollama, or a [providers.NAME] from config.
    #[arg(long, global = true, value_name = "NAME")]
    pub provider: Option<String>,

    /// Model name (for example gpt-5.1, claude-sonnet-4-5, qwen3-coder).
    #[arg(short, long, global = true, value_name = "NAME")]
    pub model: Option<String>,

    /// Settings profile: a [profiles.NAME] table of config.toml applied over the config files
    #[arg(short = 'p', long, global = true, value_name = "NAME")]
    pub profile: Option<String>,

    /// Override a config key, as in config.toml (repeatable): -c max_turns=20
    #[arg(short = 'c', long = "config", global = true, value_name = "KEY=VALUE")]
    pub overrides: Vec<String>,

    /// Where shell commands may write.
    #[arg(short = 's', long, global = true, value_enum, value_name = "MODE")]
    pub sandbox: Option<SandboxArg>,

    /// Let sandboxed commands use the network.
    #[arg(long, global = true)]
    pub network: bool,

    /// When to ask before acting.
    #[arg(
        short = 'a',
        long,
        visible_alias = "ask-for-approval",
        global = true,
        value_enum,
        value_name = "POLICY"
    )]
    pub approval: Option<ApprovalArg>,

    /// Codex's --full-auto: --sandbox workspace-write --approval on-request.
    #[arg(long, global = true, conflicts_with_all = ["sandbox", "approval"])]
    pub full_auto: bool,

    /// Codex's flag: no sandbox and never ask (--sandbox danger-full-access --approval never). Only inside a VM or container.
    #[arg(
        long = "dangerously-bypass-approvals-and-sandbox",
        visible_alias = "yolo",
        global = true,
        conflicts_with_all = ["sandbox", "approval", "full_auto"]
    )]
    pub bypass_approvals_and_sandbox: bool,

    /// Accepted for Codex compatibility, no effect: quire runs outside git repositories too.
    #[arg(long, global = true)]
    pub skip_git_repo_check: bool,

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
    /// Codex's on-failure: read as on-request, with a warning.
    #[value(hide = true)]
    OnFailure,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run one task non-interactively and exit (0 done, 1 failed, 2 usage or setup error, 130 interrupted; more under --help).
    #[command(
        long_about = "Run one task non-interactively and exit (the exit codes are listed below).",
        disable_help_subcommand = true
    )]
    Exec(ExecArgs),
    /// Past sessions: list, show, delete.
    Sessions(SessionsArgs),
    /// Agent Skills: list, show, new, validate, to-prompt, pick, eval.
    Skills(super::skills::SkillsArgs),
    /// Manage MCP servers: list, add, remove, tools, login, logout, serve.
    Mcp(McpArgs),
    /// Plugins: bundles (install from marketplaces, validate) and the WASM components they carry.
    Plugins(super::plugins::PluginsArgs),
    /// Share skills and plugins with your team through quire.lock: add, sync, update, verify, remove, list.
    Share(super::share::ShareArgs),
    /// Custom slash commands (.quire/commands, .claude/commands, ~/.quire/commands, ~/.codex/prompts, plugins): list them.
    Commands(super::slash_list::CommandsArgs),
    /// Continue a past session of this directory (a picker, most recently used first, or `last`/--last, or an id).
    Resume(ResumeArgs),
    /// Trust a repository so its own settings (.quire/config.toml, .mcp.json, skills, plugins) are used.
    Trust(super::trust::TrustArgs),
    /// Hooks: list them with their source and trust state, approve repository hooks.
    Hooks(super::hooks::HooksArgs),
    /// Subagent definitions: list, show, new, validate.
    Agents(super::agents::AgentsArgs),
    /// Check the setup: config and trust, provider and key, model, sandbox, MCP servers, plugins, skills.
    Doctor(super::doctor::DoctorArgs),
    /// Run a command in the sandbox the model's commands get (see what it may and may not do).
    Sandbox(super::sandbox::SandboxArgs),
    /// Review a change: triage, parallel deep passes, ranked findings (human, JSON, SARIF, GitHub).
    Review(super::review::ReviewArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(super::completions::CompletionsArgs),
    /// Print the man page, or write one per command with --dir.
    Man(super::completions::ManArgs),
}

/// The shape of `quire exec --json`'s events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum JsonFormat {
    /// Quire's own events (README "JSON events").
    Quire,
    /// Codex CLI's `exec --json` events (thread, turn and items).
    Codex,
}

#[derive(Debug, Args)]
pub struct ExecArgs {
    /// The task. Use - (or leave it out with input piped in) to read it from
    /// stdin. With a task given, piped input (`git diff | quire exec
    /// "review this"`) is added to it as context. Taken as bytes: what is
    /// not UTF-8 becomes U+FFFD with a warning.
    pub prompt: Option<std::ffi::OsString>,

    /// Print every event as one JSON object per line (see README);
    /// `--json=codex` prints them as `codex exec --json` does.
    #[arg(
        long,
        global = true,
        value_name = "FORMAT",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "quire",
        value_enum
    )]
    pub json: Option<JsonFormat>,

    /// Codex CLI's name of `--json=codex`.
    #[arg(long, global = true, hide = true, conflicts_with = "json")]
    pub experimental_json: bool,

    /// Continue a session of this directory: `last` (the one used last,
    /// the first `quire sessions list` shows; refused, never passed over,
    /// while another quire has it open or its file cannot be written) or a
    /// session id (prefix).
    #[arg(long, value_name = "last|ID")]
    pub resume: Option<String>,

    /// With --resume ID (or `resume ID`): continue the session in this
    /// folder although it was started in another, for a project folder
    /// moved, renamed or deleted since.
    #[arg(long, global = true)]
    pub here: bool,

    /// A JSON Schema file the task's answer must match, as Codex's: the
    /// model is asked for one JSON value (strict structured output on the
    /// OpenAI wires); an answer that does not match fails the run (exit 1).
    #[arg(long, value_name = "FILE", global = true)]
    pub output_schema: Option<std::path::PathBuf>,

    /// Stop after this many model round trips (default 100).
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = max_turns, global = true)]
    pub max_turns: Option<u32>,

    /// Write the task's answer (its last message) to FILE once it ends,
    /// replacing FILE whole (with --json too). Its folder must exist.
    #[arg(
        short = 'o',
        long = "output-last-message",
        value_name = "FILE",
        global = true
    )]
    pub output_last_message: Option<PathBuf>,

    /// Attach images to the task: PNG, JPEG, GIF or WebP, at most 20 MiB
    /// each (5 MB as base64 on Anthropic). Repeat it or give a comma list:
    /// -i shot.png,log.jpg
    #[arg(
        short = 'i',
        long = "image",
        value_name = "FILE",
        value_delimiter = ',',
        global = true
    )]
    pub images: Vec<PathBuf>,

    /// Keep no session file (Codex's flag): the session is written to a
    /// temporary folder removed when the run ends. Not with resume.
    #[arg(long)]
    pub ephemeral: bool,

    #[command(subcommand)]
    pub command: Option<ExecCommand>,
}

impl ExecArgs {
    /// The events' shape asked for, if any (`--experimental-json` is
    /// Codex's name of `--json=codex`).
    pub fn json_format(&self) -> Option<JsonFormat> {
        if self.experimental_json {
            return Some(JsonFormat::Codex);
        }
        self.json
    }
}

#[derive(Debug, Subcommand)]
pub enum ExecCommand {
    /// Continue a session with a new task, as Codex's `exec resume`: `resume --last "TASK"` or `resume ID "TASK"` (the same as --resume last|ID "TASK").
    Resume(ResumeArgs),
}

/// Codex's `resume [SESSION_ID] [PROMPT]` and `resume --last [PROMPT]`.
#[derive(Debug, Args)]
pub struct ResumeArgs {
    /// `last` or a session id (prefix); with --last, the task.
    #[arg(value_name = "ID")]
    pub id: Option<String>,

    /// The task (for exec: - or piped input, as `quire exec` reads it; for the terminal view: its first message).
    #[arg(value_name = "TASK")]
    pub prompt: Option<std::ffi::OsString>,

    /// The session of this directory used last (as `last`).
    #[arg(long)]
    pub last: bool,
}

#[derive(Debug, Args)]
pub struct SessionsArgs {
    #[command(subcommand)]
    pub command: SessionsCommand,
}

#[derive(Debug, Subcommand)]
pub enum SessionsCommand {
    /// Show id, last use, directory and first prompt of each session, the most recently used first (the order of the resume pickers; `--resume last` is the first of a folder's).
    List {
        /// One JSON object per line (every session, with `parent` and `turns`).
        #[arg(long)]
        json: bool,
        /// Also subagents' sessions (under their parent) and sessions with no message.
        #[arg(long)]
        all: bool,
    },
    /// Print a session's conversation: messages, answers, tool calls with the start of their output.
    Show {
        /// `last` (the last used), or the start or the end of its id (as `quire sessions list` shows).
        #[arg(value_name = "last|ID")]
        id: String,
    },
    /// Delete sessions (their files, and their subagents' files); one a running quire holds is left.
    Delete {
        /// The start or the end of each session's id (`last` is refused: name it).
        #[arg(required = true, value_name = "ID")]
        ids: Vec<String>,
    },
}

#[derive(Debug, Args)]
pub struct McpArgs {
    #[command(subcommand)]
    pub command: McpCommand,
}

#[derive(Debug, Subcommand)]
pub enum McpCommand {
    /// Start every server and show its state, tool count, last error and stderr tail.
    List {
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// Add a server to ~/.quire/config.toml: `quire mcp add NAME -- CMD ARGS...` or `quire mcp add NAME --url URL`.
    Add {
        /// The server's name (tools are named mcp__NAME__TOOL).
        name: String,
        /// A streamable-HTTP server at this URL.
        #[arg(long, value_name = "URL")]
        url: Option<String>,
        /// An environment variable for a stdio server (repeatable); values may name ${VAR}s.
        #[arg(long = "env", value_name = "KEY=VALUE")]
        env: Vec<String>,
        /// A header for an HTTP server (repeatable); values may name ${VAR}s.
        #[arg(long = "header", value_name = "NAME=VALUE")]
        headers: Vec<String>,
        /// The command and its arguments, after `--`.
        #[arg(last = true, value_name = "CMD ARGS")]
        command: Vec<String>,
    },
    /// Remove a server from ~/.quire/config.toml.
    Remove {
        /// The server's name, as `quire mcp list` shows it.
        name: String,
    },
    /// Start one server and show its tools: names, descriptions, input schemas.
    Tools {
        /// The server's name, as `quire mcp list` shows it.
        name: String,
        /// A JSON array.
        #[arg(long)]
        json: bool,
    },
    /// Sign in to a streamable-HTTP server that asks for it (OAuth in the browser; tokens in $QUIRE_HOME/mcp-oauth).
    Login {
        /// The server's name, as `quire mcp list` shows it.
        name: String,
    },
    /// Remove the sign-in of a server (its name, or its URL).
    Logout {
        /// The server's name, as `quire mcp list` shows it, or its URL.
        name: String,
    },
    /// Serve quire's plugin tools and skills to MCP clients (stdio unless --http).
    Serve {
        /// Streamable HTTP on this loopback address instead of stdio (port 0 picks one).
        #[arg(long, value_name = "127.0.0.1:PORT")]
        http: Option<String>,
        /// Also offer the builtin tools (shell, apply_patch, read_file, list_dir, grep), confined by --sandbox.
        #[arg(long)]
        builtin: bool,
    },
}

/// `--max-turns N`: the range and its sentence are `max_turns`'s in the
/// config (clap's error names the flag).
fn max_turns(raw: &str) -> Result<u32, String> {
    let range = quire::config::ranges::MAX_TURNS;
    raw.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| range.contains(u64::from(*n)))
        .ok_or_else(|| format!("must be {}", range.phrase()))
}

/// How the user spelled a flag on the command line: `long` (`--cd`) when
/// it, or `--cd=…`, is among the arguments, else `short` (`-C`).
pub fn spelled(short: &str, long: &str) -> String {
    let with_value = format!("{long}=");
    let long_used = std::env::args_os()
        .skip(1)
        .take_while(|a| a != "--")
        .any(|a| a == long || a.to_string_lossy().starts_with(&with_value));
    if long_used { long } else { short }.to_string()
}
