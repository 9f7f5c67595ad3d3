//! Turning `/name args` into the message that is sent: arguments into
//! `$ARGUMENTS` / `$1`…, `` !`command` `` replaced by the command's output
//! (run in the session's sandbox, only when the command's `allowed-tools`
//! permit it), and `@path` files inside the workspace attached.

use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::{CommandError, SlashCommand, allowed};
use crate::tools::sandbox::{SandboxMode, workspace_policy};
use crate::tools::shell::{ExecRequest, run_sandboxed};

/// How long one `` !`command` `` may run.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);
/// Attached files larger than this are refused.
pub const MAX_FILE_BYTES: u64 = 256 * 1024;

/// Where and how `` !`command` `` lines run.
#[derive(Debug, Clone)]
pub struct ExpandContext {
    pub cwd: PathBuf,
    pub sandbox: SandboxMode,
    pub network: bool,
    pub cancel: CancellationToken,
}

/// The message to send, and the model to send it to.
#[derive(Debug, Clone, PartialEq)]
pub struct Expanded {
    pub text: String,
    pub model: Option<String>,
}

/// Expands `cmd` called with `args`.
pub async fn expand(
    cmd: &SlashCommand,
    args: &str,
    ctx: &ExpandContext,
) -> Result<Expanded, CommandError> {
    let text = substitute(&cmd.body, args);
    let text = run_lines(cmd, &text, ctx).await?;
    let text = attach_files(cmd, &text, &ctx.cwd)?;
    Ok(Expanded {
        text,
        model: cmd.model.clone(),
    })
}

/// `$ARGUMENTS` is every argument, `$1`…`$9` one each (quotes group
/// words). Without a placeholder the arguments follow the body.
pub fn substitute(body: &str, args: &str) -> String {
    let positional = split_args(args);
    let has_placeholder =
        body.contains("$ARGUMENTS") || (1..=9).any(|i| body.contains(&format!("${i}")));
    let mut out = String::with_capacity(body.len() + args.len());
    let mut rest = body;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix("ARGUMENTS") {
            out.push_str(args);
            rest = tail;
        } else if let Some(d) = after
            .chars()
            .next()
            .and_then(|c| c.to_digit(10))
            .filter(|d| *d > 0)
        {
            let idx = usize::try_from(d).unwrap_or(1) - 1;
            out.push_str(positional.get(idx).map(String::as_str).unwrap_or(""));
            rest = &after[1..];
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    if !has_placeholder && !args.trim().is_empty() {
        out = format!("{}\n\nARGUMENTS: {}", out.trim_end(), args.trim());
    }
    out
}

/// Words, with "double" or 'single' quotes grouping.
fn split_args(args: &str) -> Vec<String> {
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

/// Replaces each `` !`command` `` with its output.
async fn run_lines(
    cmd: &SlashCommand,
    text: &str,
    ctx: &ExpandContext,
) -> Result<String, CommandError> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("!`") {
        let after = &rest[at + 2..];
        let Some(end) = after.find('`') else {
            break;
        };
        let line = &after[..end];
        out.push_str(&rest[..at]);
        if line.trim().is_empty() {
            out.push_str(&rest[at..at + 2 + end + 1]);
        } else {
            out.push_str(&run_one(cmd, line.trim(), ctx).await?);
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

async fn run_one(
    cmd: &SlashCommand,
    line: &str,
    ctx: &ExpandContext,
) -> Result<String, CommandError> {
    match allowed::verdict(&cmd.allowed_tools, line) {
        allowed::Verdict::Allowed => {}
        allowed::Verdict::NotCovered => {
            return Err(CommandError::NotAllowed {
                command: cmd.name.clone(),
                line: line.to_string(),
                hint: allowed::hint(line),
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
    let outcome = run_sandboxed(ExecRequest {
        command: line,
        cwd: ctx.cwd.clone(),
        timeout: COMMAND_TIMEOUT,
        policy: workspace_policy(ctx.sandbox, &ctx.cwd, ctx.network),
        cancel: ctx.cancel.clone(),
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

/// Appends the files named `@path` (relative to `cwd`, inside it).
fn attach_files(cmd: &SlashCommand, text: &str, cwd: &Path) -> Result<String, CommandError> {
    let mut files: Vec<(String, String)> = Vec::new();
    for mention in super::mentions::mentions(text) {
        let rel = mention.path.as_str();
        if files.iter().any(|(p, _)| p == rel) {
            continue;
        }
        let path = cwd.join(rel);
        if !path.is_file() {
            continue;
        }
        let bad = |message: String| CommandError::File {
            command: cmd.name.clone(),
            file: rel.to_string(),
            message,
        };
        let real = std::fs::canonicalize(&path).map_err(|e| bad(e.to_string()))?;
        let root = std::fs::canonicalize(cwd).map_err(|e| bad(e.to_string()))?;
        if !real.starts_with(&root) {
            return Err(bad(format!(
                "is outside the workspace {}; only files inside it are attached",
                root.display()
            )));
        }
        let len = std::fs::metadata(&real).map(|m| m.len()).unwrap_or(0);
        if len > MAX_FILE_BYTES {
            return Err(bad(format!(
                "has {len} bytes, more than the {MAX_FILE_BYTES} a command attaches; name a smaller file"
            )));
        }
        let bytes = std::fs::read(&real).map_err(|e| bad(e.to_string()))?;
        let content = String::from_utf8(bytes)
            .map_err(|_| bad("is not UTF-8 text, so it is not attached".into()))?;
        files.push((rel.to_string(), content));
    }
    let mut out = text.to_string();
    for (rel, content) in files {
        out.push_str(&format!(
            "\n\n<file path=\"{rel}\">\n{}\n</file>",
            content.trim_end()
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_fill_placeholders() {
        assert_eq!(
            substitute(
                "Fix issue $1 with priority $2: $ARGUMENTS",
                "123 \"very high\""
            ),
            "Fix issue 123 with priority very high: 123 \"very high\""
        );
        assert_eq!(substitute("Cost is $5 or $x", ""), "Cost is  or $x");
    }

    #[test]
    fn without_placeholders_arguments_follow_the_body() {
        assert_eq!(
            substitute("Review.\n", "src/"),
            "Review.\n\nARGUMENTS: src/"
        );
        assert_eq!(substitute("Review.\n", ""), "Review.\n");
    }
}
