//! The slash commands of the terminal view.

use std::io::Write;
use std::process::{Command, Stdio};

use quire::agent::Session;
use quire::tools::ApprovalPolicy;
use ratatui::text::{Line, Span};
use serde_json::Value;

use super::app::App;
use super::complete::{COMMANDS, SKILLS};
use super::wrap::wrap;
use super::{diff, prices};
use crate::cli::summary::clip;

/// What the loop does after a command.
pub enum Flow {
    Continue,
    Quit,
    /// Send this text as a message.
    Send(String),
    Compact,
    /// Open the session picker.
    Resume,
    /// `/review ARGS`: review a change (tui/review.rs).
    Review(String),
}

const KEYS: &str = "Enter sends · Shift+Enter, Alt+Enter or Ctrl-J: new line · ↑/↓ history · Tab completes /commands and @files · Ctrl-A/E line start/end · Ctrl-U/K delete to start/end · Alt-b/f or Alt-←/→ move by word · Ctrl-W, Alt-Backspace, Alt-d delete a word · Esc or Ctrl-C interrupts a turn · Ctrl-O expands the last subagent · Ctrl-Z suspends · Ctrl-C twice or Ctrl-D quits";

/// The commands that only read the view's state: they answer at once,
/// also while a turn runs (the others wait for it to end). `/agents merge`
/// and `discard` change the repository, so they wait too.
pub fn read_only(line: &str) -> bool {
    if !crate::cli::slash::is_command(line) {
        return false;
    }
    let (name, arg) = split(line);
    // A command given words it takes none of is refused at once.
    if unexpected(name, arg).is_some() {
        return true;
    }
    match name {
        "/help" | "/status" | "/diff" | "/skills" | "/mcp" => true,
        "/agents" => matches!(arg.split_whitespace().next(), None | Some("list" | "show")),
        _ => false,
    }
}

/// Answers a [`read_only`] command: the line typed, then its output.
pub fn answer(line: &str, app: &mut App) {
    // During a turn the answer streaming in is left unfinished: its
    // markdown (a code block, a list) goes on after these lines.
    let streaming = std::mem::take(&mut app.stream);
    answer_now(line, app);
    app.stream = streaming;
}

fn answer_now(line: &str, app: &mut App) {
    echo(line, app);
    let (name, arg) = split(line);
    let pal = app.pal;
    if let Some(why) = unexpected(name, arg) {
        app.note(&why, pal.bad());
        return;
    }
    match name {
        "/help" => {
            // Wrapped: the keys are wider than most terminals.
            let mut lines = super::cells::note(KEYS, pal.dim(), app.width);
            // A description wider than the window goes on under itself.
            for (c, d) in COMMANDS {
                lines.extend(wrap(
                    &[Span::raw(d.to_string())],
                    usize::from(app.width),
                    &[Span::raw(format!("  {c:<12} "))],
                    &[Span::raw(" ".repeat(15))],
                ));
            }
            if let Some(skills) = SKILLS.get().filter(|s| !s.is_empty()) {
                lines.extend(wrap(
                    &[Span::raw(format!(
                        "use a skill with TEXT as the message ({} skills; / lists them)",
                        skills.len()
                    ))],
                    usize::from(app.width),
                    &[Span::raw("  /SKILL TEXT  ")],
                    &[Span::raw(" ".repeat(15))],
                ));
            }
            app.push_lines(lines);
        }
        "/agents" => {
            let cwd = app.cwd.clone();
            app.agents_command(arg, &cwd);
        }
        "/status" => status(app),
        "/diff" => {
            let files: Vec<Value> = app.patches.iter().flatten().cloned().collect();
            if files.is_empty() && app.patched_before_resume {
                app.note(RESUMED_PATCHES, pal.dim());
            } else if files.is_empty() && app.undone > 0 {
                let n = app.undone;
                let (files, were) = if n == 1 {
                    ("file", "was")
                } else {
                    ("files", "were")
                };
                app.note(
                    &format!("no patches in effect: the {n} {files} patched in this session {were} undone with /undo"),
                    pal.dim(),
                );
            } else if files.is_empty() {
                app.note("no patches were applied in this session", pal.dim());
            } else {
                app.push_lines(diff::files(&Value::Array(files), &pal));
            }
        }
        "/skills" => skills(app),
        "/mcp" => {
            let state = app
                .status
                .mcp
                .clone()
                .unwrap_or_else(|| "no problems reported".into());
            app.note(
                &format!("MCP servers: {state}; `quire mcp list` shows each server and its tools"),
                pal.accent(),
            );
        }
        _ => {}
    }
}

/// The commands that take no arguments.
const BARE: [&str; 11] = [
    "/help", "/new", "/resume", "/compact", "/status", "/diff", "/undo", "/skills", "/mcp",
    "/quit", "/exit",
];

/// Why `name arg` is refused when `name` takes no arguments and `arg`
/// holds some: `/status takes no arguments: "extra" is unexpected; usage: …`.
pub fn unexpected(name: &str, arg: &str) -> Option<String> {
    if arg.is_empty() || !BARE.contains(&name) {
        return None;
    }
    let usage = COMMANDS
        .iter()
        .find(|(c, _)| *c == name)
        .map(|(_, d)| format!("{name} — {d}"))
        .unwrap_or_else(|| name.to_string());
    Some(format!(
        "{name} takes no arguments: \"{arg}\" is unexpected; usage: {usage}"
    ))
}

fn split(line: &str) -> (&str, &str) {
    let (name, arg) = line.trim().split_once(' ').unwrap_or((line.trim(), ""));
    (name, arg.trim())
}

/// `› /command` in the scrollback, as a sent message is shown.
fn echo(line: &str, app: &mut App) {
    let lines = super::cells::user(line.trim(), app.width, &app.pal);
    app.push_lines(lines);
}

/// Whether `name` runs here (not sent as a message, not `/review`, which
/// shows itself as a task, nor leaving).
fn echoed(name: &str) -> bool {
    if matches!(name, "/review" | "/quit" | "/exit") {
        return false;
    }
    if COMMANDS.iter().any(|(c, _)| *c == name) {
        return true;
    }
    let bare = name.trim_start_matches('/');
    !crate::cli::slash::known(bare)
        && !SKILLS
            .get()
            .is_some_and(|s| s.iter().any(|(n, _)| n == bare))
}

pub fn run(line: &str, app: &mut App, session: &mut Session) -> Flow {
    if read_only(line) {
        answer(line, app);
        return Flow::Continue;
    }
    let (name, arg) = split(line);
    if echoed(name) {
        echo(line, app);
    }
    let pal = app.pal;
    match name {
        "/quit" | "/exit" => return Flow::Quit,
        // merge and discard (list and show are read-only, above).
        "/agents" => app.agents_command(arg, session.cwd()),
        "/new" => match session.restart() {
            Ok(()) => {
                app.patches = vec![Vec::new()];
                app.patched_before_resume = false;
                app.undone = 0;
                // The old conversation's subagents are not this one's.
                app.children = Default::default();
                app.status.skills.clear();
                app.status.total = Default::default();
                app.status.resumed = Default::default();
                app.status.context_used = 0;
            }
            Err(e) => app.note(&format!("error: {e}"), pal.bad()),
        },
        "/resume" => return Flow::Resume,
        "/review" => return Flow::Review(arg.to_string()),
        "/model" if arg.split_whitespace().count() > 1 => app.note(
            &format!(
                "a model name has no spaces: \"{arg}\"; the model stays {}",
                session.model()
            ),
            pal.bad(),
        ),
        "/model" if !arg.is_empty() => {
            session.set_model(arg);
            app.status.model = session.model().to_string();
            app.status.context_window = session.context_window();
            app.note(&format!("model: {}", session.model()), pal.accent());
        }
        "/model" => app.note(
            &format!("model: {} (switch with /model NAME)", session.model()),
            pal.accent(),
        ),
        "/compact" if session.history().is_empty() => app.note(
            "nothing to compact yet: the conversation is empty",
            pal.dim(),
        ),
        "/compact" if session.little_to_compact() => app.note(
            "nothing to compact: the conversation is still short (a summary would not free anything)",
            pal.dim(),
        ),
        "/compact" => return Flow::Compact,
        "/undo" => undo(app, session),
        "/approvals" => {
            let policy = match arg {
                "never" => Some(ApprovalPolicy::Never),
                "on-request" => Some(ApprovalPolicy::OnRequest),
                "untrusted" => Some(ApprovalPolicy::Untrusted),
                "" => None,
                other => {
                    app.note(
                        &format!("unknown policy {other:?}: use never, on-request or untrusted"),
                        pal.bad(),
                    );
                    return Flow::Continue;
                }
            };
            if let Some(p) = policy {
                session.set_approval(p);
                app.status.approval = p.to_string();
            }
            app.note(
                &format!(
                    "approval: {} (/approvals never|on-request|untrusted)",
                    app.status.approval
                ),
                pal.accent(),
            );
        }
        other => {
            let skill = other.trim_start_matches('/');
            if crate::cli::slash::known(skill) {
                // A custom command: expanded just before it is sent.
                return Flow::Send(line.to_string());
            }
            if SKILLS
                .get()
                .is_some_and(|s| s.iter().any(|(n, _)| n == skill))
            {
                // The skill is activated by the explicit `/name` mention.
                return Flow::Send(line.to_string());
            }
            app.note(
                &format!(
                    "unknown command {other}; /help lists the commands. To send it as a message, start it with a space: ` {other}`"
                ),
                pal.bad(),
            );
        }
    }
    Flow::Continue
}

/// One line per skill, cut at the window's edge with `…`.
fn skills(app: &mut App) {
    let width = usize::from(app.width).max(20);
    let mut lines = Vec::new();
    for (n, d) in SKILLS.get().into_iter().flatten() {
        let mark = if app.status.skills.contains(n) {
            "●"
        } else {
            " "
        };
        lines.push(Line::from(clip(&format!("  {mark} {n} — {d}"), width)));
    }
    if lines.is_empty() {
        app.note("no skills found (see quire skills list)", app.pal.dim());
    } else {
        app.push_lines(lines);
    }
}

fn status(app: &mut App) {
    let s = &app.status;
    let mut lines = vec![
        format!("session  {}", app.session_id),
        format!("file     {}", app.session_file.display()),
        format!("model    {} · {}", s.model, s.provider),
        format!(
            "context  {}% of {} tokens",
            s.context_percent(),
            s.context_window
        ),
        format!(
            "tokens   in {} · cached {} · out {}",
            s.total.input_tokens, s.total.cached_input_tokens, s.total.output_tokens
        ),
        format!("cost     {}", prices::estimate(&s.total, &s.model)),
        format!("policy   sandbox {} · approval {}", s.sandbox, s.approval),
    ];
    if app.sources.is_empty() {
        lines.push("config   defaults only (no config file, QUIRE_* variable or -c)".into());
    }
    for (i, src) in app.sources.iter().enumerate() {
        let lead = if i == 0 { "config  " } else { "        " };
        lines.push(format!("{lead} {}: {}", src.origin, src.keys.join(", ")));
    }
    app.push_lines(lines.into_iter().map(Line::from).collect());
}

/// What /diff and /undo say when only patches from before a resume exist.
const RESUMED_PATCHES: &str = "no patches since this session was resumed (patches made before resuming cannot be undone here)";

/// Reverts the last turn's patches: files whose originals apply_patch
/// kept (deleted, moved, changed through a link, too large to diff) are put
/// back byte for byte when unchanged since; text edits with `git apply -R`
/// (it merges around later edits, and works outside repositories too).
fn undo(app: &mut App, session: &mut Session) {
    let pal = app.pal;
    while app.patches.last().is_some_and(Vec::is_empty) && app.patches.len() > 1 {
        app.patches.pop();
    }
    let Some(files) = app.patches.last().filter(|f| !f.is_empty()).cloned() else {
        if app.patched_before_resume {
            app.note(&format!("nothing to undo: {RESUMED_PATCHES}"), pal.dim());
        } else {
            app.note("nothing to undo: no patches in this session", pal.dim());
        }
        return;
    };
    let cwd = session.cwd().to_path_buf();
    let mut undone = Vec::new();
    // What could not be undone stays recorded: /diff still shows it and
    // /undo can be tried again once the file is fixed.
    let mut kept = Vec::new();
    for f in files.iter().rev() {
        let path = f.get("path").and_then(Value::as_str).unwrap_or("?");
        let d = f.get("diff").and_then(Value::as_str).unwrap_or("");
        // Kept byte for byte: put back when the file is as the patch left it.
        if let Some(id) = f.get("undo").and_then(Value::as_u64) {
            match quire::tools::apply_patch::undo(id) {
                Ok(()) => undone.push(path.to_string()),
                Err(e) => {
                    let why = match e {
                        quire::tools::apply_patch::UndoError::Changed(_) => {
                            "it changed since the patch".to_string()
                        }
                        other => other.to_string(),
                    };
                    app.note(
                        &format!("cannot undo {path}: {why}; nothing was written — /diff shows the change"),
                        pal.bad(),
                    );
                    kept.push(f.clone());
                }
            }
            continue;
        }
        if f.get("status").and_then(Value::as_str) == Some("moved")
            || d.contains("more diff lines not shown")
        {
            app.note(
                &format!("cannot undo {path}: its change is not fully known; revert it by hand"),
                pal.bad(),
            );
            kept.push(f.clone());
            continue;
        }
        match reverse_apply(&cwd, d) {
            Ok(()) => undone.push(path.to_string()),
            Err(e) => {
                app.note(
                    &format!(
                        "cannot undo {path}: it changed since the patch, which no longer reverses cleanly ({}); nothing was written — /diff shows the change",
                        e.lines().last().unwrap_or(&e)
                    ),
                    pal.bad(),
                );
                kept.push(f.clone());
            }
        }
    }
    kept.reverse();
    app.undone += undone.len();
    app.patches.pop();
    if !kept.is_empty() || app.patches.is_empty() {
        app.patches.push(kept);
    }
    if !undone.is_empty() {
        app.note(&format!("undone: {}", undone.join(", ")), pal.ok());
        // The model still believes its patch is on disk: the next request
        // says otherwise.
        session.record_note("undo", undo_note(&undone));
    }
}

/// What the model is told about an `/undo`.
fn undo_note(undone: &[String]) -> String {
    format!(
        "Note: the user reverted your changes to {} with /undo; these files are back as they were before your last patch.",
        undone.join(", ")
    )
}

fn reverse_apply(cwd: &std::path::Path, diff: &str) -> Result<(), String> {
    let mut cmd = Command::new("git");
    cmd.args(["apply", "-R", "--whitespace=nowarn", "-"])
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    quire::child::die_with_quire(&mut cmd);
    let mut child =
        quire::child::spawn_std(&mut cmd).map_err(|e| format!("cannot run git: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(diff.as_bytes())
            .map_err(|e| format!("cannot pass the diff to git: {e}"))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| format!("git apply failed: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}
