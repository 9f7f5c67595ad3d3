//! Codex CLI's `notify`: when a turn of the main agent ends (the user's
//! message answered, or given up on: failed, `max_turns`), the program
//! `notify` names runs with one more argument, a JSON object as Codex
//! sends it:
//!
//! ```json
//! {"type":"agent-turn-complete","thread-id":"SESSION","turn-id":"UUID",
//!  "cwd":"/path","client":"quire","input-messages":["the message"],
//!  "last-assistant-message":"the answer"}
//! ```
//!
//! An interrupted turn (the user is there) and subagents notify nothing.
//!
//! Fire and forget: the program is the user's own, run outside the
//! sandbox with their environment, its input and output discarded; the
//! turn never waits for it. It leads a process group of its own. While
//! quire runs, a task reaps it and kills its group after [`DEADLINE`]. It
//! may outlive quire (the last turn of `quire exec` still notifies:
//! [`crate::child::spare`] keeps quire's exit from killing it), but not
//! for longer than [`DEADLINE`]: an alarm set before it starts ends it
//! then (SIGALRM, kept across exec). A program that cannot be started
//! (not found, not executable) is said once per session, not every turn.

use std::os::unix::process::CommandExt;
use std::process::Stdio;
use std::time::Duration;

use serde::Serialize;

use super::{Event, Session, TaskStatus};

/// How long a notify program may run.
pub(crate) const DEADLINE: Duration = Duration::from_secs(60);

/// What Codex passes its `notify` program (field names as Codex's).
#[derive(Serialize)]
struct TurnComplete<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "thread-id")]
    thread_id: &'a str,
    #[serde(rename = "turn-id")]
    turn_id: String,
    cwd: String,
    client: &'static str,
    #[serde(rename = "input-messages")]
    input_messages: [&'a str; 1],
    #[serde(rename = "last-assistant-message")]
    last_assistant_message: Option<&'a str>,
}

impl Session {
    /// Runs the `notify` program for the turn that answered `user_text`
    /// with `last` (see the module docs).
    pub(crate) fn notify_turn_end(&mut self, status: &TaskStatus, user_text: &str, last: &str) {
        if !self.own_hooks || self.config.notify.is_empty() || *status == TaskStatus::Interrupted {
            return;
        }
        let payload = TurnComplete {
            kind: "agent-turn-complete",
            thread_id: self.writer.id(),
            turn_id: uuid::Uuid::now_v7().to_string(),
            cwd: self.cwd.display().to_string(),
            client: "quire",
            input_messages: [user_text],
            last_assistant_message: (!last.is_empty()).then_some(last),
        };
        let json = match serde_json::to_string(&payload) {
            Ok(j) => j,
            Err(e) => {
                tracing::warn!(error = %e, "notify: the turn's JSON could not be made");
                return;
            }
        };
        if let Err(e) = spawn(&self.config.notify, json) {
            let program = crate::printable::shown_command(&self.config.notify[0]).into_owned();
            tracing::warn!(%program, error = %e, "notify program not started");
            if !self.notify_failed {
                self.notify_failed = true;
                self.events.send(Event::Warning {
                    message: format!(
                        "notify: cannot run `{program}` ({}); no notification is sent after turns. Fix or remove `notify` in your config.toml (quire doctor shows where it is set)",
                        reason(&e)
                    ),
                });
            }
        }
    }
}

/// Why the program did not start, in words.
fn reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => {
            "no such program: not a path to one, nor found on PATH".into()
        }
        std::io::ErrorKind::PermissionDenied => "it is not executable".into(),
        _ => e.to_string(),
    }
}

/// Starts `argv` with `json` as its last argument and leaves a task to
/// reap it (and kill it past [`DEADLINE`]).
fn spawn(argv: &[String], json: String) -> std::io::Result<()> {
    let (program, args) = argv
        .split_first()
        .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::InvalidInput))?;
    if program.is_empty() {
        return Err(std::io::ErrorKind::NotFound.into());
    }
    let mut cmd = std::process::Command::new(program);
    cmd.args(args)
        .arg(json)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0);
    let secs = libc::c_uint::try_from(DEADLINE.as_secs()).unwrap_or(60);
    // SAFETY: runs in the child between fork and exec; alarm(2) is
    // async-signal-safe and allocates nothing.
    unsafe {
        cmd.pre_exec(move || {
            libc::alarm(secs);
            Ok(())
        });
    }
    let mut cmd = tokio::process::Command::from(cmd);
    cmd.kill_on_drop(false);
    let mut child = crate::child::spawn_tokio(&mut cmd)?;
    let pid = child.id();
    if let Some(pid) = pid {
        crate::child::spare(pid);
    }
    tokio::spawn(async move {
        if tokio::time::timeout(DEADLINE, child.wait()).await.is_err() {
            if let Some(group) = pid.and_then(|p| libc::pid_t::try_from(p).ok()) {
                // SAFETY: the program's own group; its leader is not
                // reaped yet (waited for below).
                unsafe { libc::killpg(group, libc::SIGKILL) };
            }
            let _ = child.wait().await;
        }
    });
    Ok(())
}
