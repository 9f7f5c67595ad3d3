//! One-line summaries of tool calls and token usage for the human view.

use quire::model::Usage;
use serde_json::Value;

/// `tokens: 12400 in (11800 cached) · 310 out` (with `N written` beside
/// `cached` when the provider reports cache writes).
pub fn usage_line(u: &Usage) -> String {
    let mut cached = format!("{} cached", u.cached_input_tokens);
    if u.cache_write_input_tokens > 0 {
        cached.push_str(&format!(", {} written", u.cache_write_input_tokens));
    }
    format!(
        "tokens: {} in ({cached}) · {} out",
        u.input_tokens, u.output_tokens
    )
}

/// `shell: cargo test`, `read_file: src/lib.rs:10-40`, …
pub fn tool_line(name: &str, args: &Value) -> String {
    let s = |k: &str| args.get(k).and_then(Value::as_str).unwrap_or("");
    let detail = match name {
        "shell" => s("command").to_string(),
        "read_file" => {
            let mut d = s("path").to_string();
            if let Some(o) = args.get("offset").and_then(Value::as_u64) {
                d.push_str(&format!(":{o}"));
            }
            d
        }
        "list_dir" => args
            .get("path")
            .and_then(Value::as_str)
            .unwrap_or(".")
            .to_string(),
        "grep" => format!("{} {}", s("pattern"), s("path")).trim().to_string(),
        "view_image" => s("path").to_string(),
        "apply_patch" => patch_files(s("patch")),
        "update_plan" => "plan".to_string(),
        _ if let Some(d) = super::call_detail::detail(name, args) => d,
        _ => match args {
            Value::String(raw) => raw.clone(),
            other => other.to_string(),
        },
    };
    // Line breaks shown as ⏎; any other control quoted, as the approval
    // prompt shows it, so the line is the command that ran.
    let detail = detail.replace('\n', " ⏎ ");
    let detail = quire::printable::shown_command(&detail);
    format!("{name}: {}", clip(&detail, 100))
}

/// The line of a call whose arguments `hook` rewrote: what runs, then
/// what the model asked for (`asked`, its own line).
pub fn rewritten_line(name: &str, args: &Value, hook: &str, asked: &str) -> String {
    format!(
        "{} (rewritten by hook `{}`; the model asked for {asked})",
        tool_line(name, args),
        clip(hook, 60)
    )
}

/// `A new.rs, D old.rs, R a.rs → b.rs, M c.rs`: a patch's files with
/// their operations, read from its markers (also when it does not parse).
fn patch_files(patch: &str) -> String {
    let mut files: Vec<String> = Vec::new();
    let mut updated: Option<usize> = None;
    for l in patch.lines().map(str::trim) {
        if let Some(to) = l.strip_prefix("*** Move to: ") {
            if let Some(f) = updated.take().and_then(|i| files.get_mut(i)) {
                let from = f.strip_prefix("M ").unwrap_or(f).to_string();
                *f = format!("R {from} → {}", quire::printable::quoted_name(to));
            }
            continue;
        }
        for (marker, tag) in [
            ("*** Add File: ", "A"),
            ("*** Update File: ", "M"),
            ("*** Delete File: ", "D"),
        ] {
            if let Some(p) = l.strip_prefix(marker) {
                updated = (tag == "M").then_some(files.len());
                // Quoted when it holds controls: the name shown is the
                // name on disk (`A "evil\033]0;x\007.txt"`).
                files.push(format!("{tag} {}", quire::printable::quoted_name(p)));
            }
        }
    }
    files.join(", ")
}

/// The status mark of a finished call and what follows it in brackets:
/// `✓` (`1.2s`), `✗` (`exit 3, 40ms`; `killed by SIGKILL (signal 9),
/// 40ms`), `⊘` (`denied, 2ms`).
pub fn outcome(
    status: &str,
    exit_code: Option<i32>,
    signal: Option<i32>,
    duration_ms: u64,
) -> (&'static str, String) {
    let time = duration(duration_ms);
    match (status, exit_code, signal) {
        ("ok", _, _) => ("✓", time),
        ("denied", _, _) => ("⊘", format!("denied, {time}")),
        ("timed_out", _, _) => ("⊘", format!("timed out, {time}")),
        ("interrupted", _, _) => ("⊘", format!("interrupted, {time}")),
        (_, Some(code), _) => ("✗", format!("exit {code}, {time}")),
        (_, None, Some(sig)) => (
            "✗",
            format!(
                "{}, {time}",
                quire::tools::shell::result_text::killed_by(sig)
            ),
        ),
        _ => ("✗", time),
    }
}

/// `a.py +2 -1, b.rs +10`: a patch's line counts per file.
pub fn patch_stats(files: &Value) -> String {
    let Some(files) = files.as_array() else {
        return String::new();
    };
    let n = |f: &Value, k: &str| f.get(k).and_then(Value::as_u64).unwrap_or(0);
    files
        .iter()
        .map(|f| {
            let path = f.get("path").and_then(Value::as_str).unwrap_or("?");
            let (added, removed) = (n(f, "added"), n(f, "removed"));
            let mut s = quire::printable::quoted_name(path).into_owned();
            if added > 0 {
                s.push_str(&format!(" +{added}"));
            }
            if removed > 0 {
                s.push_str(&format!(" -{removed}"));
            }
            s
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `850ms`, `1.6s`, `2m05s`.
pub fn duration(ms: u64) -> String {
    match ms {
        0..1000 => format!("{ms}ms"),
        1000..60_000 => format!("{:.1}s", ms as f64 / 1000.0),
        _ => format!("{}m{:02}s", ms / 60_000, (ms % 60_000) / 1000),
    }
}

/// The line that says why a call failed: for a shell command the last
/// line it printed, for other tools the first line of the message.
pub fn failure_reason(name: &str, output: &str) -> String {
    let line = match output.split_once("\nOutput:\n") {
        Some((_, printed)) if name == "shell" => printed
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or(""),
        _ => {
            if let Some(reason) = json_reason(output) {
                return clip_words(&reason, 160);
            }
            // Not a bracket alone (a JSON result cut short).
            output
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty() && !matches!(*l, "[" | "{" | "[{"))
                .unwrap_or("")
        }
    };
    clip_words(line.trim(), 160)
}

/// The reason in a JSON result (a subagent's, a tool's own): the first
/// line of the `answer`, `error` or `message` of the first entry that did
/// not end `done`/`ok`, after its status (`error: no agent named …`).
fn json_reason(output: &str) -> Option<String> {
    let value: Value = serde_json::from_str(output.trim()).ok()?;
    let entries = match &value {
        Value::Array(items) => items.iter().collect::<Vec<_>>(),
        Value::Object(_) => vec![&value],
        _ => return None,
    };
    let status = |e: &Value| e.get("status").and_then(Value::as_str).map(str::to_string);
    let entry = entries
        .iter()
        .find(|e| status(e).is_some_and(|s| s != "done" && s != "ok"))
        .or(entries.first())?;
    let text = ["answer", "error", "message"]
        .iter()
        .filter_map(|k| entry.get(k).and_then(Value::as_str))
        .flat_map(str::lines)
        .map(str::trim)
        .find(|l| !l.is_empty());
    match (status(entry), text) {
        (Some(s), Some(t)) => Some(format!("{s}: {t}")),
        (None, Some(t)) => Some(t.to_string()),
        (Some(s), None) => Some(s),
        (None, None) => None,
    }
}

/// Like [`clip`], but cuts at a word boundary when there is one nearby.
pub fn clip_words(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max.saturating_sub(1)).collect();
    match cut.rfind(' ') {
        Some(i) if i > max / 2 => format!("{}…", cut[..i].trim_end()),
        _ => format!("{cut}…"),
    }
}

pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max.saturating_sub(1)).collect();
    format!("{cut}…")
}

/// The line of a `hook_completed` event (also a subagent's), and whether
/// the hook ran fine (`None`: another event).
pub fn hook_completed_line(ev: &quire::agent::Event) -> Option<(String, bool)> {
    use quire::agent::Event;
    let ev = match ev {
        Event::Agent(a) => &*a.event,
        e => e,
    };
    let Event::HookCompleted {
        name,
        event,
        duration_ms,
        outcome,
        message,
    } = ev
    else {
        return None;
    };
    let line = hook_line(
        name,
        event,
        *duration_ms,
        outcome.as_str(),
        message.as_deref(),
    );
    Some((line, outcome == "ok"))
}

/// One hook run for people: `hook EVENT `NAME` OUTCOME (N ms): message`.
fn hook_line(
    name: &str,
    event: &str,
    duration_ms: u64,
    outcome: &str,
    message: Option<&str>,
) -> String {
    // A failure's message says what to do at its end (a `chmod +x`, the
    // stderr's last line): kept whole up to a few lines.
    let limit = if outcome == "ok" { 160 } else { 480 };
    let detail = message
        .map(|m| format!(": {}", clip(m, limit)))
        .unwrap_or_default();
    format!("hook {event} `{name}` {outcome} ({duration_ms} ms){detail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_subagent_says_why_not_its_opening_bracket() {
        let out = "[\n  {\n    \"agent_id\": \"a1\",\n    \"status\": \"error\",\n    \"answer\": \"no agent definition named 'nope'; agents: reader\\nmore\"\n  }\n]";
        assert_eq!(
            failure_reason("spawn_agent", out),
            "error: no agent definition named 'nope'; agents: reader"
        );
        // Cut short (not JSON any more): a line with words, not `[`.
        assert_eq!(
            failure_reason("spawn_agent", "[\n  {\n    \"status\": \"error\","),
            "\"status\": \"error\","
        );
        assert_eq!(
            failure_reason("x", "unknown tool 'shell'. Available tools: read_file"),
            "unknown tool 'shell'. Available tools: read_file"
        );
    }

    #[test]
    fn a_rewritten_call_shows_what_runs_and_what_was_asked() {
        let line = rewritten_line(
            "shell",
            &serde_json::json!({"command": "echo REWRITTEN"}),
            "guard.sh",
            "shell: echo hi",
        );
        assert_eq!(
            line,
            "shell: echo REWRITTEN (rewritten by hook `guard.sh`; the model asked for shell: echo hi)"
        );
    }
    use serde_json::json;

    #[test]
    fn a_command_with_controls_is_quoted_as_the_approval_prompt_shows_it() {
        let line = tool_line("shell", &json!({"command": "echo 'x\u{1b}]0;T\u{7}'\nls"}));
        assert!(line.starts_with("shell: \""), "{line}");
        assert!(line.contains("\\033]0;T"), "{line}");
        assert!(!line.contains('\u{1b}'), "{line}");
        assert_eq!(
            tool_line("shell", &json!({"command": "cat <<EOF\nhi\nEOF"})),
            "shell: cat <<EOF ⏎ hi ⏎ EOF"
        );
    }

    #[test]
    fn summaries_name_the_essentials() {
        assert_eq!(
            tool_line("shell", &json!({"command": "ls -la"})),
            "shell: ls -la"
        );
        assert_eq!(
            tool_line(
                "apply_patch",
                &json!({"patch": "*** Begin Patch\n*** Update File: a.rs\n@@\n-x\n+y\n*** End Patch"})
            ),
            "apply_patch: M a.rs"
        );
        assert_eq!(
            tool_line(
                "apply_patch",
                &json!({"patch": "*** Begin Patch\n*** Delete File: a.py\n*** Update File: esc.sh\n*** Move to: moved.sh\n@@\n-x\n+y\n*** Add File: n.txt\n+n\n*** End Patch"})
            ),
            "apply_patch: D a.py, R esc.sh → moved.sh, A n.txt",
            "a move names both ends"
        );
        assert!(tool_line("shell", &json!({"command": "x".repeat(300)})).ends_with('…'));
    }

    #[test]
    fn marks_tell_the_truth() {
        assert_eq!(outcome("ok", Some(0), None, 1600), ("✓", "1.6s".into()));
        assert_eq!(
            outcome("failed", Some(3), None, 40),
            ("✗", "exit 3, 40ms".into())
        );
        assert_eq!(outcome("failed", None, None, 40), ("✗", "40ms".into()));
        assert_eq!(
            outcome("failed", None, Some(9), 40),
            ("✗", "killed by SIGKILL (signal 9), 40ms".into())
        );
        assert_eq!(
            outcome("denied", None, None, 2),
            ("⊘", "denied, 2ms".into())
        );
        assert_eq!(
            outcome("timed_out", None, None, 125_000).1,
            "timed out, 2m05s"
        );
        let out = "Exit code: 2\nWall time: 0.0 s\nOutput:\nls: cannot access '/nope': No such file or directory\n";
        assert_eq!(
            failure_reason("shell", out),
            "ls: cannot access '/nope': No such file or directory"
        );
        assert_eq!(clip_words("alpha beta gamma delta", 14), "alpha beta…");
    }
}
