//! Snapshots of what the terminal view draws, on ratatui's test backend:
//! markdown, diffs, tool lines and the status line at 80 and 120 columns,
//! with colour and without (`NO_COLOR`). Styles are written inline as
//! `«…»` where they change, so a lost colour shows in the diff.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use serde_json::json;

use super::cells::{self, ToolDone};
use super::status::Status;
use super::style::Palette;
use super::{diff, markdown};
use quire::model::Usage;

const WIDTHS: [u16; 2] = [80, 120];

fn screen(lines: Vec<Line<'static>>, width: u16) -> String {
    let height = lines.len().max(1) as u16;
    let mut term = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    term.draw(|f| f.render_widget(Paragraph::new(lines), f.area()))
        .expect("draw");
    styled(term.backend().buffer())
}

/// The buffer as text, a `«style»` marker wherever the style changes.
fn styled(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut last = Style::default();
        let mut row = String::new();
        for x in 0..buf.area.width {
            let cell = &buf[(x, y)];
            let st = cell.style();
            if st != last {
                row.push_str(&format!("«{}»", describe(st)));
                last = st;
            }
            row.push_str(cell.symbol());
        }
        out.push_str(row.trim_end());
        out.push('\n');
    }
    out
}

fn describe(s: Style) -> String {
    let mut parts = Vec::new();
    let colour = |c: Color| match c {
        Color::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
        other => format!("{other:?}"),
    };
    if let Some(fg) = s.fg.filter(|c| *c != Color::Reset) {
        parts.push(colour(fg));
    }
    for (m, n) in [
        (Modifier::BOLD, "b"),
        (Modifier::DIM, "dim"),
        (Modifier::ITALIC, "i"),
        (Modifier::UNDERLINED, "u"),
        (Modifier::CROSSED_OUT, "s"),
    ] {
        if s.add_modifier.contains(m) {
            parts.push(n.to_string());
        }
    }
    parts.join(",")
}

fn each(name: &str, build: impl Fn(u16, &Palette) -> Vec<Line<'static>>) {
    for width in WIDTHS {
        for color in [true, false] {
            let pal = Palette::new(color);
            let tag = if color { "color" } else { "no_color" };
            let shot = screen(build(width, &pal), width);
            insta::assert_snapshot!(format!("{name}_{width}_{tag}"), shot);
        }
    }
}

const MARKDOWN: &str = "# Plan\n\nThe fix is **small**: `add` subtracted *instead* of adding. See [the docs](https://example.org/docs).\n\n1. Change `calc.py`\n2. Run the tests\n   - unit tests\n   - the end-to-end suite, which takes a while longer because it starts the real binary and a model server on the loopback interface\n\n> Note: nothing else changes.\n\n| file | lines | status |\n|------|------:|--------|\n| calc.py | 2 | modified |\n| notes.md | 10 | added |\n\n```rust\nfn add(a: i32, b: i32) -> i32 {\n    a + b\n}\n```\n";

#[test]
fn markdown() {
    each("markdown", |w, pal| markdown::render(MARKDOWN, w, pal));
}

/// Inline styles in table cells as in a paragraph: code, bold, italic,
/// a link, and `__init__` read as a paragraph reads it.
const TABLE_INLINE: &str = "`code` and **bold** in calc/__init__.py\n\n| file | change |\n|---|---|\n| `calc/__init__.py` | `a - b` → **`a + b`** |\n| calc/__init__.py | *now* adds, see [the docs](https://example.org/docs) |\n";

#[test]
fn markdown_table_inline() {
    each("markdown_table_inline", |w, pal| {
        markdown::render(TABLE_INLINE, w, pal)
    });
}

/// Code and a second paragraph inside list items, under the item's text.
const LIST_CODE: &str = "1. Build it:\n\n   ```sh\n   cargo build\n   ```\n\n   Then run it.\n2. Done\n\n- list with code:\n\n  ```bash\n  echo \"inside list\"\n  ```\n\n- second item\n";

#[test]
fn markdown_list_code() {
    each("markdown_list_code", |w, pal| {
        markdown::render(LIST_CODE, w, pal)
    });
}

#[test]
fn diffs() {
    let files = json!([
        {"status": "modified", "path": "calc.py", "added": 2, "removed": 1,
         "diff": "--- a/calc.py\n+++ b/calc.py\n@@ -8,4 +8,5 @@\n import math\n def add(a, b):\n-    return a - b\n+    return a + b\n+\n # end\n"},
        {"status": "added", "path": "notes.md", "added": 2, "removed": 0,
         "diff": "--- /dev/null\n+++ b/notes.md\n@@ -0,0 +1,2 @@\n+one\n+two\n"}
    ]);
    each("diff", |w, pal| diff::files(&files, w, pal));
}

#[test]
fn tool_lines() {
    let long: String = (1..=12)
        .map(|i| format!("test case {i} ... ok\n"))
        .collect();
    let ok_out = format!("Exit code: 0\nWall time: 1.2 s\nOutput:\n{long}");
    let failed = "Exit code: 2\nWall time: 0.0 s\nOutput:\nls: cannot access '/nonexistent': No such file or directory\n";
    let patch = json!([{"status": "modified", "path": "calc.py", "added": 1, "removed": 1,
        "diff": "--- a/calc.py\n+++ b/calc.py\n@@ -1,2 +1,2 @@\n def add(a, b):\n-    return a - b\n+    return a + b\n"}]);
    each("tools", |w, pal| {
        let mut lines = Vec::new();
        let mut add = |t: ToolDone<'_>| lines.extend(cells::tool(&t, w, pal));
        add(ToolDone {
            line: "shell: cargo test",
            name: "shell",
            status: "ok",
            exit_code: Some(0),
            signal: None,
            duration_ms: 1234,
            files: None,
            output: &ok_out,
        });
        add(ToolDone {
            line: "shell: ls /nonexistent",
            name: "shell",
            status: "failed",
            exit_code: Some(2),
            signal: None,
            duration_ms: 4,
            files: None,
            output: failed,
        });
        add(ToolDone {
            line: "shell: touch /x",
            name: "shell",
            status: "denied",
            exit_code: None,
            signal: None,
            duration_ms: 1,
            files: None,
            output: "shell failed: denied: the user declined `touch /x`",
        });
        add(ToolDone {
            line: "shell: sleep 100",
            name: "shell",
            status: "timed_out",
            exit_code: None,
            signal: None,
            duration_ms: 120_000,
            files: None,
            output: "shell failed: timed out after 120000 ms",
        });
        add(ToolDone {
            line: "read_file: missing.txt",
            name: "read_file",
            status: "failed",
            exit_code: None,
            signal: None,
            duration_ms: 0,
            files: None,
            output: "read_file failed: missing.txt does not exist; list the directory to find the file",
        });
        add(ToolDone {
            line: "apply_patch: M calc.py",
            name: "apply_patch",
            status: "ok",
            exit_code: None,
            signal: None,
            duration_ms: 3,
            files: Some(&patch),
            output: "Success.",
        });
        lines
    });
}

#[test]
fn status_line() {
    let s = Status {
        model: "gpt-5.1".into(),
        model_switched: false,
        provider: "openai".into(),
        reasoning_effort: None,
        effort_refused: false,
        sandbox: "workspace-write".into(),
        approval: "on-request".into(),
        context_window: 272_000,
        context_used: 54_400,
        context_estimated: false,
        total: Usage {
            input_tokens: 123_456,
            output_tokens: 7_890,
            cached_input_tokens: 100_000,
            cache_write_input_tokens: 0,
            reasoning_output_tokens: 0,
        },
        resumed: Usage::default(),
        run: Default::default(),
        skills: vec!["pdf".into(), "release-notes".into()],
        mcp: Some("1 failed".into()),
        mcp_trouble: Vec::new(),
        cwd: "/work/app".into(),
        instructions: Vec::new(),
    };
    each("status", |w, pal| vec![s.line(w, pal), s.line(60, pal)]);
}

#[test]
fn reasoning_under_the_working_line() {
    each("reasoning", |w, pal| {
        let mut app = super::app::App::new(*pal, w, Vec::new());
        app.event(&quire::agent::Event::ReasoningDelta {
            delta: "**Planning the fix**\n\nThe tests call `add` with negative numbers, so I will check how the callers use it before changing the sign; then run the suite.".into(),
        });
        let mut lines = vec![super::status::working(
            "Working",
            std::time::Duration::from_millis(3200),
            0,
            pal,
        )];
        lines.extend(app.reasoning_rows(w));
        lines
    });
}

#[test]
fn command_output_under_the_working_line() {
    each("command_output", |w, pal| {
        let mut app = super::app::App::new(*pal, w, Vec::new());
        app.event(&quire::agent::Event::ToolStarted {
            call_id: "c1".into(),
            name: "shell".into(),
            arguments: json!({"command": "cargo test"}),
        });
        let long = format!("test {} ... ok", "a_very_long_test_name_".repeat(6));
        app.event(&quire::agent::Event::ToolOutputDelta {
            call_id: "c1".into(),
            delta: format!("   Compiling quire\n\u{1b}[32mrunning 3 tests\u{1b}[0m\n\tin a tab\n{long}\n\nfetch 10%\rfetch 100%\ntest b"),
        });
        let mut lines = vec![super::status::working(
            "$ cargo test",
            std::time::Duration::from_millis(3200),
            0,
            pal,
        )];
        lines.extend(app.output_rows(w));
        lines
    });
}

#[test]
fn a_hook_run_is_one_line_with_its_outcome() {
    let pal = Palette::new(false);
    let mut app = super::app::App::new(pal, 80, Vec::new());
    app.event(&quire::agent::Event::HookCompleted {
        name: "guard.sh".into(),
        event: "PreToolUse".into(),
        duration_ms: 12,
        outcome: quire::protocol::HookOutcome::Blocked,
        message: Some("rm -rf is not allowed here".into()),
    });
    let text = screen(app.commit.clone(), 80);
    assert!(
        text.contains("hook PreToolUse `guard.sh` blocked (12 ms): rm -rf is not allowed here"),
        "{text}"
    );
}

/// A child's hook run is a line naming the child (two children's runs
/// of the same hook are told apart), and enters its transcript.
#[test]
fn a_childs_hook_run_names_the_child() {
    use quire::agent::Event;
    let mut app = tester_running(&Palette::new(false), 100);
    app.event(&of_tester(Event::HookCompleted {
        name: "guard.sh".into(),
        event: "PreToolUse".into(),
        duration_ms: 12,
        outcome: quire::protocol::HookOutcome::Blocked,
        message: Some("not here".into()),
    }));
    let text = screen(app.commit.clone(), 100);
    let line = "hook PreToolUse `guard.sh` blocked (12 ms): not here";
    assert!(text.contains(&format!("agent tester: {line}")), "{text}");
    assert!(
        app.children.list[0].transcript.iter().any(|l| l == line),
        "{:?}",
        app.children.list[0].transcript
    );
}

/// The id of the child `tester` of [`tester_running`].
const TESTER: &str = "0190aaaa-bbbb-7ccc-8ddd-00000000c0de";

/// A view in which the child `tester` runs a command.
fn tester_running(pal: &Palette, width: u16) -> super::app::App {
    let mut app = super::app::App::new(*pal, width, Vec::new());
    for ev in child_events(TESTER, "tester", 1) {
        app.event(&ev);
    }
    app
}

/// `e` as the child `tester` sends it.
fn of_tester(e: quire::agent::Event) -> quire::agent::Event {
    quire::agent::Event::Agent(quire::protocol::AgentEvent {
        agent_id: TESTER.into(),
        parent_id: "parent".into(),
        agent_name: "tester".into(),
        event: Box::new(e),
    })
}

/// A child's events as the session sends them.
fn child_events(id: &str, name: &str, depth: u32) -> Vec<quire::agent::Event> {
    use quire::agent::Event;
    use quire::protocol::AgentEvent;
    let wrap = |e: Event| {
        Event::Agent(AgentEvent {
            agent_id: id.into(),
            parent_id: "parent".into(),
            agent_name: name.into(),
            event: Box::new(e),
        })
    };
    vec![
        Event::AgentSpawned {
            agent_id: id.into(),
            parent_id: "parent".into(),
            agent_name: name.into(),
            task: "run the test suite and report the failures".into(),
            depth,
            background: false,
            session_file: "/tmp/child.jsonl".into(),
        },
        wrap(Event::ToolStarted {
            call_id: "c1".into(),
            name: "shell".into(),
            arguments: json!({"command": "cargo test"}),
        }),
        wrap(Event::TurnCompleted {
            turn: 1,
            usage: Usage::default(),
            total_usage: Usage {
                input_tokens: 1200,
                output_tokens: 34,
                ..Usage::default()
            },
        }),
    ]
}

#[test]
fn running_children_have_live_lines_and_end_as_one_collapsed_line() {
    use quire::agent::Event;
    each("agents_live", |w, pal| {
        let mut app = super::app::App::new(*pal, w, Vec::new());
        for ev in child_events("0190aaaa-bbbb-7ccc-8ddd-00000000c0de", "tester", 1)
            .into_iter()
            .chain(child_events(
                "0190aaaa-bbbb-7ccc-8ddd-0000000051de",
                "helper",
                2,
            ))
        {
            app.event(&ev);
        }
        let now = app.children.list[0].started + std::time::Duration::from_millis(12_300);
        app.children.list[1].started = app.children.list[0].started;
        app.child_rows(w, now)
    });
    each("agents_done", |w, pal| {
        let mut app = tester_running(pal, w);
        app.event(&of_tester(Event::ToolCompleted {
            call_id: "c1".into(),
            name: "shell".into(),
            duration_ms: 2100,
            status: quire::protocol::CallStatus::Failed,
            exit_code: Some(101),
            signal: None,
            files: None,
            output: "1 test failed".into(),
            is_error: true,
            truncated_bytes: 0,
            structured: None,
            sandbox: None,
        }));
        app.event(&Event::AgentCompleted {
            agent_id: TESTER.into(),
            parent_id: "parent".into(),
            agent_name: "tester".into(),
            status: "done".into(),
            usage: Usage {
                input_tokens: 2400,
                output_tokens: 80,
                ..Usage::default()
            },
            duration_ms: 4200,
            branch: Some("quire/agent-tester-0000c0de".into()),
        });
        // Nothing running any more; Ctrl-O prints the transcript.
        assert!(app.child_rows(w, std::time::Instant::now()).is_empty());
        app.expand_child();
        app.commit.clone()
    });
}

#[test]
fn a_child_without_a_definition_is_named_by_its_task_not_agent_agent() {
    use quire::agent::Event;
    let mut app = super::app::App::new(Palette::new(false), 100, Vec::new());
    let id = "0190aaaa-bbbb-7ccc-8ddd-00000000beef";
    for ev in child_events(id, "agent", 1) {
        app.event(&ev);
    }
    app.event(&Event::AgentCompleted {
        agent_id: id.into(),
        parent_id: "parent".into(),
        agent_name: "agent".into(),
        status: "done".into(),
        usage: Usage::default(),
        duration_ms: 1500,
        branch: None,
    });
    let text: Vec<String> = app.commit.iter().map(|l| l.to_string()).collect();
    let line = text.join("\n");
    assert!(
        line.starts_with("▸ agent \"run the test suite and report the…\" done · 1.5s"),
        "{line}"
    );
    assert!(!line.contains("agent agent"), "{line}");
}

#[test]
fn a_command_answered_mid_answer_leaves_the_streamed_code_block_whole() {
    use quire::agent::Event;
    let mut app = super::app::App::new(Palette::new(false), 80, Vec::new());
    let delta = |d: &str| Event::TextDelta { delta: d.into() };
    app.event(&delta("Here:\n\n```rust\nfn a() {}\n"));
    super::commands::answer("/diff", &mut app);
    app.event(&delta("fn b() {}\n```\n\nDone.\n"));
    app.event(&Event::MessageCompleted {
        text: String::new(),
    });
    let text: Vec<String> = app.commit.iter().map(|l| l.to_string()).collect();
    let text = text.join("\n");
    assert!(text.contains("› /diff"), "{text}");
    assert!(
        text.contains("no patches were applied in this session"),
        "{text}"
    );
    // The code after the command is still code, the text after the
    // fence still text: styled as their kind before the command.
    let styles = |needle: &str| -> Vec<Style> {
        app.commit
            .iter()
            .find(|l| l.to_string().contains(needle))
            .map(|l| l.spans.iter().map(|s| s.style).collect())
            .unwrap_or_default()
    };
    assert_eq!(styles("fn b() {}"), styles("fn a() {}"), "{text}");
    assert_eq!(styles("Done."), styles("Here:"), "{text}");
}

#[test]
fn a_long_plan_step_wraps_under_its_text() {
    use quire::agent::Event;
    use quire::protocol::PlanStep;
    let mut app = super::app::App::new(Palette::new(false), 40, Vec::new());
    let step = "write the migration that moves every invoice to the new ledger table";
    app.event(&Event::PlanUpdated {
        explanation: None,
        plan: vec![PlanStep {
            step: step.into(),
            status: "in_progress".into(),
        }],
    });
    let text: Vec<String> = app.commit.iter().map(|l| l.to_string()).collect();
    assert!(text.iter().all(|l| l.chars().count() <= 40), "{text:#?}");
    assert!(text[1].starts_with("  → write the migration"), "{text:#?}");
    assert!(text[2].starts_with("    "), "{text:#?}");
    let words: Vec<&str> = text.iter().flat_map(|l| l.split_whitespace()).collect();
    for w in step.split_whitespace() {
        assert!(words.contains(&w), "{w} lost: {text:#?}");
    }
}

mod live_area;
mod wrapped;
