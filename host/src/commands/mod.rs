//! Custom slash commands: Markdown files with optional frontmatter
//! (`description`, `argument-hint`, `allowed-tools`, `model`) whose body
//! becomes the message of `/name args`. The format Claude Code made common
//! (`.claude/commands/`) and Codex's prompts (`~/.codex/prompts/`) are read
//! as they are.
//!
//! - [`parse`]: one file into a [`SlashCommand`];
//! - [`discover`]: the folders, in order, and commands from plugins
//!   (namespaced `PLUGIN:name`, never shadowing the user's own);
//! - [`expand`]: `$ARGUMENTS` / `$1`…, `@path` files and `` !`command` ``
//!   lines run in the sandbox, limited by [`allowed`].

pub(crate) mod allowed;
pub mod attach_text;
mod code_spans;
pub(crate) mod codex_prompt;
pub mod discover;
pub mod expand;
mod line_args;
pub mod mentions;
pub(crate) mod parse;

use std::path::PathBuf;

pub use discover::{CommandRoots, Discovered, PluginCommands, discover};
pub use expand::{ExpandContext, Expanded, Numbering, expand, expand_as};
pub use parse::parse_command;

/// Where a command was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandSource {
    /// `.quire/commands/` of the (trusted) project.
    Project,
    /// `.claude/commands/` of the (trusted) project.
    ProjectClaude,
    /// `~/.quire/commands/`.
    User,
    /// Claude Code's `~/.claude/commands/`.
    UserClaude,
    /// Codex's `~/.codex/prompts/`.
    CodexPrompts,
    /// An installed plugin bundle.
    Plugin(String),
}

impl CommandSource {
    pub fn label(&self) -> String {
        match self {
            CommandSource::Project => "project".into(),
            CommandSource::ProjectClaude => "project (.claude)".into(),
            CommandSource::User => "user".into(),
            CommandSource::UserClaude => "user (.claude)".into(),
            CommandSource::CodexPrompts => "codex prompts".into(),
            CommandSource::Plugin(p) => format!("plugin {p}"),
        }
    }
}

/// One custom slash command.
#[derive(Debug, Clone, PartialEq)]
pub struct SlashCommand {
    /// What follows the `/`: `name`, or `PLUGIN:name` for a plugin's.
    pub name: String,
    pub description: String,
    pub argument_hint: Option<String>,
    /// The `allowed-tools` entries as written (`Bash(git status:*)`).
    pub allowed_tools: Vec<String>,
    /// The model the command's message is sent to.
    pub model: Option<String>,
    /// The Markdown body (without frontmatter).
    pub body: String,
    pub path: PathBuf,
    pub source: CommandSource,
    /// A plugin's command: the plugin's folder (`${CLAUDE_PLUGIN_ROOT}`).
    pub plugin_root: Option<PathBuf>,
    /// A plugin's command: the plugin's data folder
    /// (`${CLAUDE_PLUGIN_DATA}`, `plugins::bundle::mcp::data_dir`), made
    /// before its `` !`command` `` lines run, which may write it.
    pub plugin_data: Option<PathBuf>,
    /// What was ignored in its frontmatter (unknown keys), in words.
    pub warnings: Vec<String>,
}

/// What can go wrong reading or expanding a command.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error(
        "/{command}: the line !`{line}` is not allowed by the command's allowed-tools; add `allowed-tools: Bash({hint}:*)` to {path} if it should run"
    )]
    NotAllowed {
        command: String,
        line: String,
        hint: String,
        path: PathBuf,
    },
    #[error(
        "/{command}: the line !`{line}` is refused: allowed-tools `{entry}` covers its start, but it has {what}, and a prefix or exact rule never admits redirections, pipes, substitutions or chained commands; leave that part out, or put plain `Bash` in the allowed-tools of {path} if the command may run anything"
    )]
    Operator {
        command: String,
        line: String,
        entry: String,
        what: &'static str,
        path: PathBuf,
    },
    #[error("/{command}: the line !`{line}` is not run: it puts an argument {why}; change {path}")]
    Placeholder {
        command: String,
        line: String,
        why: &'static str,
        path: PathBuf,
    },
    #[error("/{command}: !`{line}` could not run: {message}")]
    Run {
        command: String,
        line: String,
        message: String,
    },
}

/// Splits `/name rest` into the command name and its arguments; `None`
/// when `line` is not a slash command.
pub fn split_invocation(line: &str) -> Option<(&str, &str)> {
    let rest = line.trim_start().strip_prefix('/')?;
    let (name, args) = match rest.find(char::is_whitespace) {
        Some(i) => (&rest[..i], rest[i..].trim()),
        None => (rest.trim_end(), ""),
    };
    if name.is_empty() {
        return None;
    }
    Some((name, args))
}

/// The command `name` names among `commands`; `prompts:NAME` is Codex's
/// way of naming its custom prompt NAME.
pub fn find<'a>(commands: &'a [SlashCommand], name: &str) -> Option<&'a SlashCommand> {
    commands.iter().find(|c| c.name == name).or_else(|| {
        let prompt = name.strip_prefix("prompts:")?;
        commands
            .iter()
            .find(|c| c.name == prompt && c.source == CommandSource::CodexPrompts)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invocation_splits_name_and_arguments() {
        assert_eq!(split_invocation("/fix 12 now"), Some(("fix", "12 now")));
        assert_eq!(split_invocation("/p:review"), Some(("p:review", "")));
        assert_eq!(split_invocation("fix"), None);
        assert_eq!(split_invocation("/ x"), None);
    }
}
