//! Turning `/name args` into the message that is sent: arguments into
//! `$ARGUMENTS` / `$1`…, `` !`command` `` and blocks fenced with "```!"
//! replaced by the command's output (run in the session's sandbox, only
//! when the command's `allowed-tools` permit it), and `@path` files inside
//! the workspace attached: those the command's own text names and those
//! typed in its arguments, never those in the output of a `!` line, which
//! is data (a `git diff` may hold `@../shared.md`). A mention of a file
//! outside the workspace is not attached and is warned about, as in a
//! plain message; each file is attached once, by its resolved path.

use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::{CommandError, SlashCommand, allowed, line_args};
use crate::tools::sandbox::{SandboxMode, SandboxPolicy, workspace_policy};
use crate::tools::shell::{ExecRequest, run_sandboxed};

/// How long one `` !`command` `` may run.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);
/// The most of a file attached: a larger one's first part is (cut at a
/// line's end, marked so).
pub const MAX_FILE_BYTES: u64 = 256 * 1024;

/// Where and how `` !`command` `` lines run.
#[derive(Debug, Clone)]
pub struct ExpandContext {
    /// The folder the lines run in: the session's.
    pub cwd: PathBuf,
    /// The workspace the sandbox lets them write: the session's (the
    /// repository's root when quire started in a folder of it), as for
    /// the model's own commands.
    pub workspace: PathBuf,
    pub sandbox: SandboxMode,
    pub network: bool,
    /// The config's `unix_sockets`.
    pub unix_sockets: bool,
    /// The config's `writable_roots`.
    pub writable_roots: Vec<PathBuf>,
    pub cancel: CancellationToken,
    /// The environment of `` !`cmd` `` lines.
    pub shell_env: crate::tools::shell::ShellEnvironment,
}

/// The message to send (its `@path` files attached), and the model to
/// send it to.
#[derive(Debug, Clone, PartialEq)]
pub struct Expanded {
    pub text: String,
    /// Where the files the body names (`@path`) begin in `text`, when
    /// any were attached (`text`'s length when none were).
    pub files_at: usize,
    pub model: Option<String>,
    /// Mentions that read as paths but were not attached, and why.
    pub warnings: Vec<String>,
}

/// Expands `cmd` called with `args` (`$1` the first argument).
pub async fn expand(
    cmd: &SlashCommand,
    args: &str,
    ctx: &ExpandContext,
) -> Result<Expanded, CommandError> {
    expand_as(cmd, args, ctx, Numbering::FromOne).await
}

/// Expands `cmd` called with `args`, `$N` counted as `n` says (a skill's
/// instructions: [`Numbering::FromZero`]).
pub async fn expand_as(
    cmd: &SlashCommand,
    args: &str,
    ctx: &ExpandContext,
    n: Numbering,
) -> Result<Expanded, CommandError> {
    if cmd.source == super::CommandSource::CodexPrompts {
        let text = super::codex_prompt::fill(&cmd.body, args).map_err(|missing| {
            CommandError::Invalid {
                path: cmd.path.clone(),
                message: format!(
                    "/{} needs a value for {}: pass {}",
                    cmd.name,
                    missing.join(", "),
                    missing
                        .iter()
                        .map(|m| format!("{m}=…"))
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
            }
        })?;
        let files_at = text.len();
        let (text, warnings) = attach_files(&text, [text.as_str()], &ctx.cwd);
        return Ok(Expanded {
            files_at,
            text,
            model: cmd.model.clone(),
            warnings,
        });
    }
    let pieces = pieces(&cmd.body, args, n).map_err(|(line, why)| CommandError::Placeholder {
        command: cmd.name.clone(),
        line,
        why: why.in_words(),
        path: cmd.path.clone(),
    })?;
    let text = run_lines(cmd, &pieces, ctx).await?;
    let files_at = text.len();
    // Mentions are read in the command's text and the arguments as typed,
    // not in what its `!` lines printed.
    let written = pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Text(t) => Some(t.as_str()),
            Piece::Command { .. } => None,
        })
        .chain([args]);
    let (text, warnings) = attach_files(&text, written, &ctx.cwd);
    Ok(Expanded {
        files_at,
        text,
        model: cmd.model.clone(),
        warnings,
    })
}

/// A part of a command's body after substitution: text, or a
/// `` !`command` `` line (with the line as the body wrote it).
#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Text(String),
    Command { line: String, written: String },
}

/// The body cut into text and `` !`command` `` lines, each with the
/// arguments substituted: as they are in text, quoted for where they sit
/// in a command line ([`line_args`]), so an argument is never run as
/// code. The lines are found in the body as written: arguments never add
/// one. `Err`: a line whose placeholder cannot be filled safely (the line
/// as written, and why).
fn pieces(
    body: &str,
    args: &str,
    n: Numbering,
) -> Result<Vec<Piece>, (String, line_args::Refused)> {
    let mut out = Vec::new();
    let mut rest = body;
    loop {
        let inline = rest.find("!`");
        if let Some((start, written, end)) = fence(rest)
            && inline.is_none_or(|i| start <= i)
        {
            out.push(Piece::Text(fill(&rest[..start], args, n)));
            out.push(Piece::Command {
                line: command_line(written, args, n)?,
                written: written.to_string(),
            });
            rest = &rest[end..];
            continue;
        }
        let Some(at) = inline else {
            break;
        };
        let after = &rest[at + 2..];
        let Some(end) = after.find('`') else {
            break;
        };
        let written = &after[..end];
        if written.trim().is_empty() {
            out.push(Piece::Text(fill(&rest[..at + 2 + end + 1], args, n)));
        } else {
            out.push(Piece::Text(fill(&rest[..at], args, n)));
            out.push(Piece::Command {
                line: command_line(written.trim(), args, n)?,
                written: written.trim().to_string(),
            });
        }
        rest = &after[end + 1..];
    }
    out.push(Piece::Text(fill(rest, args, n)));
    if !has_placeholder(body, n) && !args.trim().is_empty() {
        out.push(Piece::Text(format!("\n\nARGUMENTS: {}", args.trim())));
        if let Some(Piece::Text(t)) = out.iter_mut().rev().nth(1) {
            let trimmed = t.trim_end().len();
            t.truncate(trimmed);
        }
    }
    Ok(out)
}

fn command_line(
    written: &str,
    args: &str,
    n: Numbering,
) -> Result<String, (String, line_args::Refused)> {
    line_args::fill_line_as(written, args, n).map_err(|why| (written.to_string(), why))
}

/// The first block opened by a line "```!" and closed by a line "```"
/// (Claude Code runs it like a `` !`command` `` line): where it starts,
/// its command (trimmed), where it ends.
fn fence(text: &str) -> Option<(usize, &str, usize)> {
    let mut from = 0;
    while let Some(i) = text[from..].find("```!") {
        let start = from + i;
        from = start + 4;
        if start > 0 && !text[..start].ends_with('\n') {
            continue;
        }
        let nl = text[from..].find('\n')?;
        if !text[from..from + nl].trim().is_empty() {
            continue;
        }
        let cmd_start = from + nl + 1;
        let mut at = cmd_start;
        for line in text[cmd_start..].split_inclusive('\n') {
            if line.trim() == "```" {
                let written = text[cmd_start..at].trim();
                let end = at + line.trim_end_matches('\n').len();
                return (!written.is_empty()).then_some((start, written, end));
            }
            at += line.len();
        }
        return None;
    }
    None
}

fn has_placeholder(body: &str, n: Numbering) -> bool {
    body.match_indices('$')
        .any(|(at, _)| slot_at(&body[at + 1..], n).is_some())
}

/// How `$N` counts the arguments: Claude Code's commands (and Codex's
/// prompts) from `$1`; its skills from `$0`, `$N` being short for
/// `$ARGUMENTS[N]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numbering {
    FromOne,
    FromZero,
}

/// A placeholder: every argument, or the one at an index (from 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Slot {
    All,
    At(usize),
}

/// The placeholder `after` (what follows a `$`) starts with —
/// `ARGUMENTS`, `ARGUMENTS[N]` (from 0, as in Claude Code) or a digit —
/// and its length.
pub(super) fn slot_at(after: &str, n: Numbering) -> Option<(Slot, usize)> {
    const ALL: &str = "ARGUMENTS";
    if let Some(tail) = after.strip_prefix(ALL) {
        let inner = tail.strip_prefix('[').unwrap_or("");
        let digits = inner.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0
            && inner[digits..].starts_with(']')
            && let Ok(i) = inner[..digits].parse::<usize>()
        {
            return Some((Slot::At(i), ALL.len() + digits + 2));
        }
        return Some((Slot::All, ALL.len()));
    }
    let d = after.chars().next()?.to_digit(10)?;
    let i = match n {
        Numbering::FromOne => d.checked_sub(1)?,
        Numbering::FromZero => d,
    };
    Some((Slot::At(usize::try_from(i).ok()?), 1))
}

/// `$ARGUMENTS` is every argument, `$1`…`$9` one each (quotes group
/// words). Without a placeholder the arguments follow the body.
#[cfg(test)]
pub fn substitute(body: &str, args: &str) -> String {
    pieces(body, args, Numbering::FromOne)
        .unwrap_or_default()
        .into_iter()
        .map(|p| match p {
            Piece::Text(t) => t,
            Piece::Command { line, .. } => format!("!`{line}`"),
        })
        .collect()
}

/// `text` with the placeholders filled by the arguments as typed.
fn fill(text: &str, args: &str, n: Numbering) -> String {
    let positional = split_args(args);
    let mut out = String::with_capacity(text.len() + args.len());
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some((slot, used)) = slot_at(after, n) {
            out.push_str(match slot {
                Slot::All => args,
                Slot::At(idx) => positional.get(idx).map(String::as_str).unwrap_or(""),
            });
            rest = &after[used..];
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// The argument `$1`…`$9` names when `after` (what follows a `$`) starts
/// with that digit: its index from 0.
pub(super) fn positional_at(after: &str) -> Option<usize> {
    let d = after.chars().next()?.to_digit(10).filter(|d| *d > 0)?;
    usize::try_from(d - 1).ok()
}

/// Words, with "double" or 'single' quotes grouping.
pub(super) fn split_args(args: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut started = false;
    for c in args.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => current.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                started = true;
            }
            (None, c) if c.is_whitespace() => {
                if started || !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
                started = false;
            }
            (None, c) => current.push(c),
        }
    }
    if started || !current.is_empty() {
        out.push(current);
    }
    out
}

/// The pieces joined, each `` !`command` `` line replaced by its output.
async fn run_lines(
    cmd: &SlashCommand,
    pieces: &[Piece],
    ctx: &ExpandContext,
) -> Result<String, CommandError> {
    let mut out = String::new();
    for piece in pieces {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Command { line, written } => {
                out.push_str(&run_one(cmd, line, written, ctx).await?);
            }
        }
    }
    Ok(out)
}

async fn run_one(
    cmd: &SlashCommand,
    line: &str,
    written: &str,
    ctx: &ExpandContext,
) -> Result<String, CommandError> {
    let verdict = match allowed::verdict(&cmd.allowed_tools, line) {
        // Read-only lines (`git diff HEAD`, `git log`) run whatever the
        // allowed-tools say, as in Claude Code.
        v if v != allowed::Verdict::Allowed && allowed::read_only(line, &ctx.cwd).await => {
            allowed::Verdict::Allowed
        }
        v => v,
    };
    match verdict {
        allowed::Verdict::Allowed => {}
        allowed::Verdict::NotCovered => {
            return Err(CommandError::NotAllowed {
                command: cmd.name.clone(),
                line: line.to_string(),
                // From the line as written, never from the arguments.
                hint: allowed::hint(written, cmd.plugin_root.as_deref()),
                path: cmd.path.clone(),
            });
        }
        allowed::Verdict::Operator { entry, what } => {
            return Err(CommandError::Operator {
                command: cmd.name.clone(),
                line: line.to_string(),
                entry,
                what,
                path: cmd.path.clone(),
            });
        }
    }
    tracing::debug!(command = %cmd.name, line, "commands: running a !` line");
    let mut policy = SandboxPolicy {
        unix_sockets: ctx.unix_sockets,
        ..workspace_policy(
            ctx.sandbox,
            &ctx.workspace,
            ctx.network,
            &ctx.writable_roots,
        )
    };
    // A plugin's command may write its plugin's data folder (made on first
    // use), as its hooks and MCP servers may: in `$QUIRE_HOME`, so
    // granted past the protected folders, which hold no right there.
    if let Some(data) = &cmd.plugin_data {
        crate::tools::plugin_data::grant(&mut policy, std::slice::from_ref(data));
    }
    let outcome = run_sandboxed(ExecRequest {
        command: line,
        cwd: ctx.cwd.clone(),
        timeout: COMMAND_TIMEOUT,
        policy,
        env: &ctx.shell_env,
        cancel: ctx.cancel.clone(),
        live: None,
    })
    .await
    .map_err(|e| CommandError::Run {
        command: cmd.name.clone(),
        line: line.to_string(),
        message: e.to_string(),
    })?;
    let mut text = outcome.output.trim_end().to_string();
    if outcome.status.code() != Some(0) {
        text.push_str(&format!("\n({})", outcome.status_line()));
    }
    Ok(text)
}

/// `text` with the files named `@path` in `written` appended (relative
/// to `cwd`, inside it; each file once, however it is spelled:
/// `@./a.txt`, `@src/../a.txt` and a link to it are one file), and the
/// mentions that read as paths but are not attached, and why: a file
/// outside the workspace is never attached, and the rest of the command
/// is sent, as with a plain message; so is a file that cannot be read
/// (the command is never refused for a file it names).
fn attach_files<'a>(
    text: &str,
    written: impl IntoIterator<Item = &'a str>,
    cwd: &Path,
) -> (String, Vec<String>) {
    use super::attach_text::Attachable;
    use super::mentions::{lexically_inside, mention_form, outside_note};
    let mut files: Vec<(String, Attachable)> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    let mut attached: Vec<PathBuf> = Vec::new();
    let mut warnings = Vec::new();
    let root = std::fs::canonicalize(cwd).unwrap_or_else(|_| cwd.to_path_buf());
    for mention in written.into_iter().flat_map(super::mentions::mentions) {
        let rel = mention.path.as_str();
        if seen.iter().any(|p| p == rel) {
            continue;
        }
        seen.push(rel.to_string());
        let not_attached = |why: &str| format!("{} is not attached: {why}", mention_form(rel));
        // Outside as written (`../a.txt`, `/etc/x`), whether or not it
        // exists.
        if !lexically_inside(&root, rel) {
            if mention.looks_like_path() {
                warnings.push(not_attached(&outside_note(&root)));
            }
            continue;
        }
        let path = cwd.join(rel);
        if !path.is_file() {
            if mention.looks_like_path() {
                let why = match path.exists() {
                    true => "it is not a file",
                    false => "no such file in the workspace",
                };
                warnings.push(not_attached(why));
            }
            continue;
        }
        let real = match std::fs::canonicalize(&path) {
            Ok(real) => real,
            Err(e) => {
                warnings.push(not_attached(&e.to_string()));
                continue;
            }
        };
        // Inside as written, outside through a link.
        if !real.starts_with(&root) {
            warnings.push(not_attached(&outside_note(&root)));
            continue;
        }
        if attached.contains(&real) {
            continue;
        }
        // As a plain message: a large file's first part, a binary one
        // named, and the command runs.
        let what = match super::attach_text::read(&real, MAX_FILE_BYTES) {
            Ok(what) => what,
            Err(e) => {
                warnings.push(not_attached(&e.to_string()));
                continue;
            }
        };
        warnings.extend(super::attach_text::warning(
            &mention_form(rel),
            &what,
            MAX_FILE_BYTES,
        ));
        attached.push(real);
        files.push((rel.to_string(), what));
    }
    let mut out = text.to_string();
    for (rel, what) in files {
        out.push_str("\n\n");
        match what {
            Attachable::Whole(content) => out.push_str(&format!(
                "<file path=\"{rel}\">\n{}\n</file>",
                content.trim_end()
            )),
            what => out.push_str(&super::attach_text::block(&rel, &what, MAX_FILE_BYTES)),
        }
    }
    (out, warnings)
}

#[cfg(test)]
#[path = "expand_tests.rs"]
mod tests;
