//! `quire sessions show ID` (a session's conversation as text) and
//! `quire sessions delete ID...` (its file, and its subagents' files).

use std::path::Path;

use quire::protocol::Item;
use quire::store::{self, Record, SessionSummary};
use quire::tools::CallStatus;
use quire::tools::registry::recorded_status;
use quire::tools::shell::result_text;
use serde_json::Value;

use super::summary::{clip, tool_line};
use super::{EXIT_FAILED, EXIT_OK, EXIT_USAGE};

/// Lines of a tool's output shown under its call.
const OUTPUT_LINES: usize = 3;

/// Prints the conversation recorded in session `query` (`last`, or the
/// start or end of an id), every message in the order written, also what
/// a compaction later replaced.
pub fn show(dir: &Path, query: &str) -> i32 {
    let found = match store::find(dir, query) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let bytes = match std::fs::read(&found.path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", found.path.display());
            return EXIT_FAILED;
        }
    };
    let mut skipped = 0usize;
    let bytes = quire::store::without_bom(&bytes);
    for line in bytes.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        match serde_json::from_slice::<Record>(line) {
            Ok(record) => {
                // Cleaned piped or not: what models and users wrote must
                // not act on a terminal through `| less -R` or `| head`.
                for shown in record_lines(&record) {
                    listln!("{shown}");
                }
            }
            Err(_) => skipped += 1,
        }
    }
    if skipped > 0 {
        eprintln!(
            "note: {} not shown (torn, or written by a newer quire); the file is {}",
            quire::plural::counted(skipped, "line"),
            found.path.display()
        );
    }
    EXIT_OK
}

/// What one record of a session file shows.
fn record_lines(record: &Record) -> Vec<String> {
    match record {
        Record::Meta(m) => {
            let mut head = vec![format!(
                "session {} · {} · {}/{}",
                m.id, m.created, m.provider, m.model
            )];
            head.push(format!("in {}", m.cwd));
            if let (Some(sandbox), Some(approval)) = (&m.sandbox, &m.approval) {
                head.push(format!(
                    "began with sandbox {sandbox} · approval {approval}"
                ));
            }
            if let Some(agent) = &m.agent_name {
                head.push(format!(
                    "subagent {agent} of session {}",
                    m.parent.as_deref().unwrap_or("?")
                ));
            }
            head
        }
        Record::Item { item, status, .. } => item_lines(item, *status),
        Record::Compacted { items } => vec![format!(
            "── compacted: what came before is summarised in {} ──",
            quire::plural::counted(items.len(), "item")
        )],
        Record::Withdrawn {
            count,
            refused_images: false,
        } => vec![format!(
            "── {} taken back (the message got no answer) ──",
            quire::plural::counted(*count, "item")
        )],
        Record::Withdrawn { count, .. } => vec![format!(
            "── {} taken back (the model takes no images) ──",
            quire::plural::counted(*count, "image")
        )],
        Record::Event { event } => event_lines(event),
        Record::Tools { .. } => Vec::new(),
    }
}

/// `status`: how a tool result's call ended, when the file kept it.
fn item_lines(item: &Item, status: Option<CallStatus>) -> Vec<String> {
    match item {
        Item::User { text, .. } => {
            let mut lines = vec![String::new()];
            lines.extend(text.lines().map(|l| format!("> {l}")));
            lines
        }
        Item::Assistant { text } => {
            let mut lines = vec![String::new()];
            lines.extend(text.lines().map(str::to_string));
            lines
        }
        Item::ToolCall {
            name, arguments, ..
        } => {
            let args: Value =
                serde_json::from_str(arguments).unwrap_or(Value::String(arguments.clone()));
            vec![format!("• {}", tool_line(name, &args))]
        }
        Item::ToolResult {
            output, is_error, ..
        } => {
            // The marks of the live view: ⊘ for a call denied, timed out
            // or interrupted, ✗ for one that failed.
            let mark = match status.unwrap_or_else(|| recorded_status(output, *is_error)) {
                CallStatus::Ok => "│",
                CallStatus::Failed => "✗",
                _ => "⊘",
            };
            let (status, body) = shell_parts(output);
            let all: Vec<&str> = body.lines().collect();
            // What a command printed is output, however it ended: only
            // its status line (or a result that is all reason) is marked.
            let out_mark = if status.is_some() { "│" } else { mark };
            let mut lines: Vec<String> = status
                .into_iter()
                .map(|s| format!("  {mark} {s}"))
                .collect();
            lines.extend(
                all.iter()
                    .take(OUTPUT_LINES)
                    .map(|l| format!("  {out_mark} {}", clip(l, 120))),
            );
            if all.len() > OUTPUT_LINES {
                lines.push(format!(
                    "  … {}",
                    quire::plural::counted(all.len() - OUTPUT_LINES, "more line")
                ));
            }
            lines
        }
        Item::SkillActivation { name, .. } => vec![format!("• skill {name} activated")],
        Item::Image {
            name,
            media_type,
            data,
        } => vec![format!(
            "  [image: {name}, {media_type}, {}]",
            quire::plural::size_in_words(quire::images::decoded_len(data))
        )],
        Item::CompactionSummary { text } => {
            vec![format!(
                "── summary of the earlier conversation ({} characters) ──",
                text.chars().count()
            )]
        }
        // Context notes (skills catalogs, MCP notes) and thinking are the
        // prompt's, not the conversation's.
        _ => Vec::new(),
    }
}

/// A shell result's status made one line (`exit 0 · 0.2 s`, or
/// `killed by SIGKILL (signal 9) · 0.2 s`, as the live view says it),
/// and what the command printed; other results are all output.
fn shell_parts(output: &str) -> (Option<String>, &str) {
    let Some((status, printed)) = result_text::split(output) else {
        return (None, output);
    };
    let first = match (result_text::exit_code(output), result_text::signal(output)) {
        (Some(code), _) => format!("exit {code}"),
        (None, Some(sig)) => result_text::killed_by(sig),
        (None, None) => status.lines().next().unwrap_or("").to_string(),
    };
    let time = result_text::wall_time(output)
        .map(|t| format!(" · {t}"))
        .unwrap_or_default();
    (Some(format!("{first}{time}")), printed)
}

/// The events worth a line: a model switch, an `/approvals` change, a
/// rewind.
fn event_lines(event: &Value) -> Vec<String> {
    if let Some(model) = store::model_switch_seen(event) {
        return vec![format!("── model switched to {model} ──")];
    }
    if let Some((sandbox, approval)) = store::settings_switch_seen(event) {
        return vec![format!(
            "── /approvals: sandbox {sandbox} · approval {approval} ──"
        )];
    }
    if event.get("type").and_then(Value::as_str) == Some("rewound") {
        let to = event
            .get("to_user_message")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        let dropped = event
            .get("dropped_messages")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        return vec![
            String::new(),
            format!(
                "── went back to message {to}: it and what came after ({}) were dropped ──",
                quire::plural::counted(dropped, "message")
            ),
        ];
    }
    Vec::new()
}

/// Deletes the sessions `queries` name (each the start or the end of an
/// id; `last` is not taken here) with their subagents' files. A session
/// a running quire holds is left, naming the process.
pub fn delete(dir: &Path, queries: &[String]) -> i32 {
    let mut code = EXIT_OK;
    for query in queries {
        if query == "last" {
            eprintln!(
                "error: `delete last` is refused: name the session by its id (quire sessions list)"
            );
            code = EXIT_USAGE;
            continue;
        }
        let found = match store::find(dir, query) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: {e}");
                code = EXIT_USAGE;
                continue;
            }
        };
        if let Err(e) = delete_one(dir, &found) {
            eprintln!("error: {e}");
            code = EXIT_FAILED;
        }
    }
    code
}

fn delete_one(dir: &Path, session: &SessionSummary) -> Result<(), String> {
    let children: Vec<SessionSummary> = store::list(dir)
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|s| s.parent.as_deref() == Some(session.id.as_str()))
        .collect();
    for s in std::iter::once(session).chain(&children) {
        if let Some(holder) = store::holder_of(&s.path) {
            let who = holder.map_or("another quire".to_string(), |pid| {
                format!("quire (pid {pid})")
            });
            return Err(format!(
                "session {} is in use by {who}: end that session first; nothing deleted",
                s.id
            ));
        }
    }
    for s in &children {
        remove(&s.path)?;
    }
    remove(&session.path)?;
    let with = match children.len() {
        0 => String::new(),
        n => format!(" and {}", quire::plural::counted(n, "subagent session")),
    };
    listln!("deleted session {}{with}", session.id);
    Ok(())
}

/// Removes a session file and the Claude Code layout copy hooks read.
fn remove(path: &Path) -> Result<(), String> {
    let copy = quire::hooks::claude_transcript::path_of(path);
    for p in std::iter::once(path).chain(copy.as_deref()) {
        match std::fs::remove_file(p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("cannot delete {}: {e}", p.display())),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shell_result_is_one_status_line_and_its_output() {
        let (status, body) = shell_parts("Exit code: 2\nWall time: 0.3 s\nOutput:\nboom\n");
        assert_eq!(status.as_deref(), Some("exit 2 · 0.3 s"));
        assert_eq!(body, "boom\n");
        assert_eq!(shell_parts("plain result"), (None, "plain result"));
        let killed = "Killed by signal 9 (SIGKILL)\nWall time: 1.0 s\nOutput:\npartial\n";
        assert_eq!(
            shell_parts(killed),
            (
                Some("killed by SIGKILL (signal 9) · 1.0 s".into()),
                "partial\n"
            )
        );
    }
}
