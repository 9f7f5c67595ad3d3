//! `!COMMAND` in the terminal view (cli/bang.rs): run while the live area
//! says so, its last lines under the working line as they come (as a
//! model's command's), Esc or Ctrl-C stopping it, then shown as a shell
//! call's cell; its output is kept for the next message.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use tokio_util::sync::CancellationToken;

use super::{App, Io, drive};
use crate::cli::bang::{self, Pending, Runner, Typed};
use crate::tui::cells::{self, ToolDone};

/// The `!` commands of the session: how they run, those kept for the
/// next message.
pub(super) struct Shell {
    pub runner: Runner,
    pub pending: Pending,
}

/// The message `text` is, or `None` when it was a `!` line (run or
/// answered here; in `cwd` with `vars`, what the session's
/// SessionStart hooks set).
pub(super) async fn typed(
    io: &mut Io,
    app: &mut App,
    shell: &mut Shell,
    (cwd, vars): (&Path, BTreeMap<String, String>),
    text: String,
) -> Option<String> {
    let command = match bang::read(&text) {
        Typed::Message(m) if m.len() == text.len() => return Some(text),
        Typed::Message(m) => return Some(m.to_string()),
        Typed::Usage => {
            let dim = app.pal.dim();
            app.note(bang::USAGE, dim);
            return None;
        }
        Typed::Run(command) => command,
    };
    let line = format!("! {command}");
    app.working = Some(Instant::now());
    // Its live lines (`ToolOutputDelta` for this id) show under it.
    app.running
        .push((bang::CALL_ID.into(), line.clone(), Instant::now()));
    let cancel = CancellationToken::new();
    let ran = drive(
        io,
        app,
        &cancel,
        shell.runner.run(command, cwd, vars, &cancel),
    )
    .await;
    app.end_task();
    // Read as a shell result's text is (`Output:` and what it printed).
    let output = format!(
        "{}\n{}",
        ran.status,
        quire::tools::shell::result_text::OUTPUT
    );
    let lines = cells::tool(
        &ToolDone {
            line: &line,
            name: "shell",
            status: ran.outcome,
            exit_code: ran.exit_code,
            signal: quire::tools::shell::result_text::signal(&ran.status),
            duration_ms: ran.duration_ms,
            files: None,
            output: &format!("{output}{}", ran.output),
        },
        app.width,
        &app.pal,
    );
    app.push_lines(lines);
    shell.pending.push(&app.session_id, ran);
    None
}
