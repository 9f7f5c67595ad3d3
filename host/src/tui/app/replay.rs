//! A resumed session's history written back into the scrollback.

use std::collections::HashMap;
use std::path::Path;

use quire::agent::partial;
use quire::model::Usage;
use quire::store::Record;
use quire::tools::CallStatus;
use ratatui::text::{Line, Span};
use serde_json::Value;

use super::App;
use crate::session_view::undo;
use crate::tui::{cells, markdown};

impl App {
    /// Replays a resumed session's history into the scrollback; `statuses`:
    /// how calls ended where the file kept it ([`LoadedSession::statuses`]).
    ///
    /// [`LoadedSession::statuses`]: quire::store::LoadedSession::statuses
    pub fn replay(&mut self, items: &[quire::model::Item], statuses: &HashMap<String, CallStatus>) {
        use quire::model::Item;
        let pal = self.pal;
        let mut calls = crate::cli::replayed_calls::ReplayedCalls::default();
        // The shell calls: their output is shown under them, as live.
        let mut shells = std::collections::HashSet::new();
        for item in items {
            match item {
                Item::User { text, typed } => {
                    // As it was typed (and shown live): the files its
                    // @mentions attached are not part of it.
                    let typed = quire::store::typed_part(text, *typed);
                    let lines = cells::user(typed, self.width, &pal);
                    self.commit.extend(lines);
                }
                Item::Assistant { text } => {
                    let lines = markdown::render(text, self.width, &pal);
                    self.commit.extend(lines);
                }
                Item::ToolCall {
                    call_id,
                    name,
                    arguments,
                } => {
                    if name == "shell" {
                        shells.insert(call_id.clone());
                    }
                    calls.call(call_id, name, arguments);
                }
                Item::ToolResult {
                    call_id,
                    output,
                    is_error,
                } => {
                    // The marks of the live view: ⊘ for a call denied,
                    // timed out or interrupted, ✗ for one that failed.
                    let (line, status) = calls.result(call_id, output, *is_error, statuses);
                    let (mark, style, how) = match status {
                        CallStatus::Ok => ("✓", pal.ok(), None),
                        CallStatus::Denied => ("⊘", pal.warn(), Some("denied".to_string())),
                        CallStatus::TimedOut => ("⊘", pal.warn(), Some("timed out".into())),
                        CallStatus::Interrupted => ("⊘", pal.warn(), Some("interrupted".into())),
                        _ => ("✗", pal.bad(), shown_end(output)),
                    };
                    let mut spans = vec![
                        Span::styled(format!("{mark} "), style),
                        Span::styled(line, pal.bold()),
                    ];
                    if let Some(how) = how {
                        spans.push(Span::styled(format!(" ({how})"), pal.dim()));
                    }
                    self.commit.push(Line::from(spans));
                    // What the command printed, however it ended (a
                    // result that is only a reason has no `Output:`).
                    let printed = quire::tools::shell::result_text::split(output).is_some();
                    if shells.contains(call_id) && status != CallStatus::Denied && printed {
                        let lines = cells::shell_output(output, self.width, &pal);
                        self.commit.extend(lines);
                    }
                }
                Item::Image { name, .. } => self
                    .commit
                    .push(Line::styled(Item::image_note(name), pal.accent())),
                Item::SkillActivation { name, .. } => self
                    .commit
                    .push(Line::styled(format!("skill: {name}"), pal.accent())),
                Item::CompactionSummary { .. } => self
                    .commit
                    .push(Line::styled("(earlier conversation compacted)", pal.dim())),
                // An /undo's note: the live view said what it undid.
                Item::Context { source, text } if source == undo::NOTE_SOURCE => {
                    if let Some(line) = undo::replayed(text) {
                        self.note(&line, pal.ok());
                    }
                }
                // An answer the user interrupted: marked as the live view
                // marked it.
                Item::Context { source, text }
                    if source == partial::NOTE_SOURCE && text == partial::INTERRUPTED_NOTE =>
                {
                    self.note("⊘ interrupted", pal.warn());
                }
                // A settings change (`/approvals`, a resume with other
                // settings), as `quire sessions show` marks it.
                Item::Context { source, text } if source == quire::agent::SETTINGS_SOURCE => {
                    if let Some(line) = settings_line(text) {
                        self.note(&line, pal.dim());
                    }
                }
                // Per-message context (skills catalog, MCP notes) is for the
                // model, not part of what the user saw.
                Item::Context { .. } => {}
                // Shown while it streamed; kept for the model only.
                Item::Thinking { .. }
                | Item::RedactedThinking { .. }
                | Item::Reasoning { .. }
                | Item::CallExtra { .. } => {}
            }
        }
    }

    /// The status line carries on from a resumed session's file: its
    /// tokens so far (the session's own count starts again at zero) and
    /// the context its last response used.
    pub fn resumed_from(&mut self, file: &Path) {
        let (total, last) = recorded_usage(file);
        self.status.resumed = total;
        self.status.total = total;
        self.status.context_used = last.map_or(0, |u| u.input_tokens);
    }
}

/// `── settings: sandbox … · approval … ──` from a settings note (its
/// header, then `sandbox: …` and `approval: …` lines).
fn settings_line(note: &str) -> Option<String> {
    let (_, lines) = note.split_once('\n')?;
    let value = |key: &str| lines.lines().find_map(|l| l.strip_prefix(key));
    match (value("sandbox: "), value("approval: ")) {
        (Some(sandbox), Some(approval)) => Some(format!(
            "── settings: sandbox {sandbox} · approval {approval} ──"
        )),
        _ => None,
    }
}

/// The tokens a session file recorded, its subagents' included, and the
/// last response's usage. A task's `task_completed` event holds all it
/// used (its own requests, hand-offs and its subagents' tokens, also
/// those of children still at work when it was interrupted): the tasks'
/// sum is the total. A task with no `task_completed` (quire stopped
/// first) counts what its `turn_completed` events add to the running
/// total: each run of the session (started, then resumed again) counts
/// from zero in their `total_usage`, so a `total_usage` smaller than the
/// one before plus this response's `usage` starts a new run; events
/// without `total_usage` count their `usage`. Sums saturate.
pub fn recorded_usage(file: &Path) -> (Usage, Option<Usage>) {
    let mut total = Usage::default();
    let mut last = None;
    // The running total of the run being read.
    let mut run: Option<Usage> = None;
    // What the turns of the task not yet completed added.
    let mut pending = Usage::default();
    let Ok(text) = std::fs::read_to_string(file) else {
        return (total, last);
    };
    for line in text.lines() {
        let Ok(Record::Event { event }) = serde_json::from_str::<Record>(line) else {
            continue;
        };
        let usage_of = |key: &str| {
            event
                .get(key)
                .and_then(|u| serde_json::from_value::<Usage>(u.clone()).ok())
        };
        match event.get("type").and_then(Value::as_str) {
            Some("task_completed") => {
                if let Some(u) = usage_of("usage") {
                    total.add(&u);
                    pending = Usage::default();
                }
            }
            Some("turn_completed") => {
                let Some(u) = usage_of("usage") else { continue };
                let running = usage_of("total_usage");
                match (running, run) {
                    (Some(now), Some(before)) if same_run(&before, &u, &now) => {
                        pending.add(&now.since(&before));
                    }
                    (Some(now), _) => pending.add(&now),
                    (None, _) => pending.add(&u),
                }
                run = running;
                last = Some(u);
            }
            _ => {}
        }
    }
    total.add(&pending);
    (total, last)
}

/// Whether `now` goes on from `before` (with `response` and perhaps
/// subagents' tokens added) rather than starting a new run.
fn same_run(before: &Usage, response: &Usage, now: &Usage) -> bool {
    now.input_tokens >= before.input_tokens.saturating_add(response.input_tokens)
        && now.output_tokens >= before.output_tokens.saturating_add(response.output_tokens)
}

/// How a failed command ended, from its recorded result: `exit 2`, or
/// `killed by SIGKILL (signal 9)`.
fn shown_end(output: &str) -> Option<String> {
    use quire::tools::shell::result_text;
    result_text::exit_code(output)
        .map(|c| format!("exit {c}"))
        .or_else(|| result_text::signal(output).map(result_text::killed_by))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use quire::model::Item;
    use quire::tools::CallStatus;

    use super::settings_line;
    use crate::tui::app::App;
    use crate::tui::style::Palette;

    #[test]
    fn a_settings_note_is_one_marked_line() {
        let note = "The session's settings changed; these lines replace those of the <environment> block:\nsandbox: read-only (network off, Unix sockets off)\napproval: never";
        assert_eq!(
            settings_line(note).as_deref(),
            Some(
                "── settings: sandbox read-only (network off, Unix sockets off) · approval never ──"
            )
        );
        assert_eq!(settings_line("no lines"), None);
    }

    fn call(id: &str, command: &str) -> Item {
        Item::ToolCall {
            call_id: id.into(),
            name: "shell".into(),
            arguments: serde_json::json!({ "command": command }).to_string(),
        }
    }

    fn result(id: &str, output: &str, is_error: bool) -> Item {
        Item::ToolResult {
            call_id: id.into(),
            output: output.into(),
            is_error,
        }
    }

    #[test]
    fn resumed_calls_get_the_marks_of_the_live_view() {
        let mut app = App::new(Palette::new(false), 100, Vec::new());
        app.replay(&[
            call("a", "yes spam"),
            result("a", "interrupted by the user", true),
            call("b", "sleep 300"),
            result("b", "shell failed: interrupted by the user", true),
            call("c", "false"),
            result("c", "Exit code: 1\nWall time: 0.0 s\nOutput:\n", true),
            call("d", "rm -rf x"),
            result(
                "d",
                "shell failed: denied: the user declined `rm -rf x`",
                true,
            ),
            call("e", "ls"),
            result("e", "Exit code: 0\nOutput:\na\n", false),
            call("f", "cat .env"),
            result(
                "f",
                "shell was denied by the permission rule \"Bash(cat:*)\" in .claude/settings.json",
                true,
            ),
        ], &HashMap::from([("f".to_string(), CallStatus::Denied)]));
        let lines: Vec<String> = app.commit.iter().map(|l| l.to_string()).collect();
        for want in [
            "⊘ shell: yes spam (interrupted)",
            "⊘ shell: sleep 300 (interrupted)",
            "✗ shell: false (exit 1)",
            "⊘ shell: rm -rf x (denied)",
            "✓ shell: ls",
            "  └ a",
            "⊘ shell: cat .env (denied)",
        ] {
            assert!(lines.iter().any(|l| l == want), "{want} in {lines:#?}");
        }
    }

    #[test]
    fn a_resumed_killed_command_shows_its_output_as_live() {
        let mut app = App::new(Palette::new(false), 100, Vec::new());
        app.replay(
            &[
                call("k", "echo before; kill -9 $$"),
                result(
                    "k",
                    "Killed by signal 9 (SIGKILL)\nWall time: 0.0 s\nOutput:\nbefore\n",
                    true,
                ),
            ],
            &HashMap::new(),
        );
        let lines: Vec<String> = app.commit.iter().map(|l| l.to_string()).collect();
        let head = lines
            .iter()
            .position(|l| l == "✗ shell: echo before; kill -9 $$ (killed by SIGKILL (signal 9))");
        let out = lines.iter().position(|l| l == "  └ before");
        assert!(head.is_some() && out == head.map(|h| h + 1), "{lines:#?}");
    }

    #[test]
    fn a_resumed_undo_shows_what_it_undid_after_the_patch() {
        use crate::session_view::undo;
        let mut app = App::new(Palette::new(false), 100, Vec::new());
        let patch = Item::ToolCall {
            call_id: "p".into(),
            name: "apply_patch".into(),
            arguments: serde_json::json!({ "input": "*** Begin Patch\n*** Add File: a.rs\n+x\n*** End Patch" })
                .to_string(),
        };
        app.replay(
            &[
                patch,
                result("p", "Success. Updated the following files:\nA a.rs", false),
                Item::Context {
                    source: undo::NOTE_SOURCE.into(),
                    text: undo::undo_note(&["a.rs".into(), "b.rs".into()], None),
                },
                Item::Context {
                    source: "skills".into(),
                    text: "a catalog".into(),
                },
            ],
            &HashMap::new(),
        );
        let lines: Vec<String> = app.commit.iter().map(|l| l.to_string()).collect();
        let undone = lines.iter().position(|l| l == "undone: a.rs, b.rs");
        let patched = lines.iter().position(|l| l.starts_with("✓ "));
        assert!(undone.is_some() && patched < undone, "{lines:#?}");
        assert!(!lines.iter().any(|l| l.contains("catalog")), "{lines:#?}");
    }

    #[test]
    fn recorded_usage_holds_the_subagents_tokens_of_every_run() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("s.jsonl");
        let turn = |u: (u64, u64), t: (u64, u64)| {
            serde_json::json!({"record": "event", "event": {"type": "turn_completed",
                "usage": {"input_tokens": u.0, "output_tokens": u.1},
                "total_usage": {"input_tokens": t.0, "output_tokens": t.1}}})
            .to_string()
        };
        let lines = [
            // A run: two responses and a child's 100/20 between them.
            turn((100, 20), (100, 20)),
            turn((100, 20), (300, 60)),
            // Resumed: the running total starts again.
            turn((1000, 200), (1000, 200)),
        ];
        std::fs::write(&file, lines.join("\n")).unwrap();
        let (total, last) = super::recorded_usage(&file);
        assert_eq!((total.input_tokens, total.output_tokens), (1300, 260));
        assert_eq!(last.map(|u| u.input_tokens), Some(1000));
    }
}
