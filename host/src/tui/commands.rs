//! The slash commands of the terminal view.

use quire::agent::Session;
use ratatui::style::Style;
use ratatui::text::Span;

use super::app::App;
use super::complete::{COMMANDS, SKILLS};
use super::wrap::wrap;
use crate::cli::model_switch::Switch;
use crate::session_view::{self, Said, Tone};

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

const KEYS: &str = "Enter sends · Shift+Enter, Alt+Enter, Ctrl-J, \\+Enter: new line · ↑/↓ history · Tab completes /commands and @files · Ctrl-A/E line start/end · Ctrl-U/K delete to start/end · Alt-b/f or Alt-←/→ move by word · Ctrl-W, Alt-Backspace, Alt-d delete a word · Esc or Ctrl-C interrupts a turn · Esc Esc (input empty) edits a previous message: Esc/↑ older, ↓ newer, Enter goes back to it (later messages dropped; files stay) · Ctrl-O expands the last subagent · Ctrl-Z suspends · Ctrl-C twice or Ctrl-D quits";

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
                        "use a skill with TEXT as the message ({}; / lists them)",
                        quire::plural::counted(skills.len(), "skill")
                    ))],
                    usize::from(app.width),
                    &[Span::raw("  /SKILL TEXT  ")],
                    &[Span::raw(" ".repeat(15))],
                ));
            }
            lines.extend(wrap(
                &[Span::raw(
                    "run COMMAND in your shell here (no sandbox, no approval; Esc or Ctrl-C stops it): its output goes with your next message (a message starting with ! or /: start it with a space)",
                )],
                usize::from(app.width),
                &[Span::raw(format!("  {:<12} ", "!COMMAND"))],
                &[Span::raw(" ".repeat(15))],
            ));
            app.push_lines(lines);
        }
        "/agents" => {
            let cwd = app.cwd.clone();
            app.agents_command(arg, &cwd);
        }
        "/status" => {
            let lines = app
                .status
                .lines(&app.session_id, &app.session_file, &app.sources);
            show(app, vec![Said::Lines(lines)]);
        }
        "/diff" => {
            let said = session_view::diff(&app.patches, &app.cwd);
            show(app, said);
        }
        "/skills" => {
            let said = session_view::skills::listing(&app.status.skills, usize::from(app.width));
            show(app, vec![said]);
        }
        "/mcp" => {
            let line = app.status.mcp_line();
            show(app, vec![Said::Note(Tone::Accent, line)]);
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

/// Whether `name` runs here (not sent as a message, not `/review` nor
/// `/init`, which show themselves as a task, nor leaving).
fn echoed(name: &str) -> bool {
    if matches!(name, "/review" | "/init" | "/quit" | "/exit") {
        return false;
    }
    if COMMANDS.iter().any(|(c, _)| *c == name) {
        return true;
    }
    let bare = name.trim_start_matches('/');
    !crate::cli::slash::known(bare) && !crate::session_view::skills::is_user_skill(bare)
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
                app.patches.restart();
                // The old conversation's subagents are not this one's.
                app.children = Default::default();
                app.status.restart(session.instruction_files().to_vec());
            }
            Err(e) => app.note(&format!("error: {e}"), pal.bad()),
        },
        "/resume" => return Flow::Resume,
        "/review" => return Flow::Review(arg.to_string()),
        // Shown as typed; the message is made just before it is sent.
        "/init" => match session_view::init::message(session.cwd(), arg) {
            Ok(_) => return Flow::Send(line.to_string()),
            Err(why) => {
                echo(line, app);
                app.note(&why, pal.accent());
            }
        },
        "/model" if !arg.is_empty() => {
            let current = session.model().to_string();
            match crate::cli::model_switch::switch(session.provider(), &current, arg) {
                Switch::To { model, note } => {
                    session.switch_model(&model);
                    app.status.model = session.model().to_string();
                    app.status.model_switched = true;
                    app.status.context_window = session.context_window();
                    app.note(&note, pal.accent());
                }
                Switch::Refused(why) => app.note(&format!("error: {why}"), pal.bad()),
            }
        }
        "/model" => app.note(
            &crate::cli::model_switch::show(session.provider(), session.model()),
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
        "/undo" => {
            let said = session_view::undo::undo(&mut app.patches, session);
            show(app, said);
        }
        "/rewind" => rewind(app, session, arg),
        "/approvals" | "/permissions" => {
            let said = session_view::approvals(name, arg, session, &mut app.status);
            show(app, said);
        }
        other => {
            let skill = other.trim_start_matches('/');
            if crate::cli::slash::known(skill) {
                // A custom command: expanded just before it is sent.
                return Flow::Send(line.to_string());
            }
            if crate::session_view::skills::is_user_skill(skill) {
                // The skill is activated by the explicit `/name` mention.
                return Flow::Send(line.to_string());
            }
            app.note(
                &crate::session_view::other_commands::unknown(other),
                pal.bad(),
            );
        }
    }
    Flow::Continue
}

/// `/rewind ARG` (and Esc Esc, Enter): the listing, or back to message
/// ARG with its text in the input to edit.
pub fn rewind(app: &mut App, session: &mut Session, arg: &str) {
    let (said, rewound) = session_view::rewind::run(session, arg);
    show(app, said);
    if let Some(r) = rewound {
        app.composer.give_back(&r.text, r.images);
        app.messages = session.user_messages();
    }
}

/// A shared command's answer (session_view/) in the view's styles.
pub(super) fn show(app: &mut App, said: Vec<Said>) {
    let pal = app.pal;
    for s in said {
        match s {
            Said::Note(tone, text) => {
                let style = match tone {
                    Tone::Dim => pal.dim(),
                    Tone::Accent => pal.accent(),
                    Tone::Ok => pal.ok(),
                    Tone::Bad => pal.bad(),
                };
                app.note(&text, style);
            }
            Said::Lines(lines) => {
                let lines = super::listing::lines(&lines, Style::default(), app.width);
                app.push_lines(lines);
            }
            Said::Diff(lines) => {
                let lines = super::diff::styled(lines, app.width, &pal);
                app.push_lines(lines);
            }
        }
    }
}
