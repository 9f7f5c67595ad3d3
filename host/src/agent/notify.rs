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
//! A long message or answer is cut (its start kept, `… [cut by quire: N
//! more bytes]` after it) so that the JSON stays well under the kernel's
//! limit for one argument (128 KiB), past which the program would not
//! start at all.
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

use std::borrow::Cow;
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
    input_messages: [Cow<'a, str>; 1],
    #[serde(rename = "last-assistant-message")]
    last_assistant_message: Option<Cow<'a, str>>,
}

/// The most bytes of the JSON argument: well under Linux's limit for one
/// argument (`MAX_ARG_STRLEN`, 128 KiB), past which the program cannot
/// start at all (`E2BIG`).
const JSON_LIMIT: usize = 96 * 1024;

/// The most bytes of the user's message and of the answer put into the
/// JSON (less when escaping makes it longer than [`JSON_LIMIT`]).
const TEXT_LIMIT: usize = 32 * 1024;

impl<'a> TurnComplete<'a> {
    /// The JSON with the user's message `input` and the answer `last`,
    /// each cut (its start kept, a marker saying how much is left out)
    /// so that the whole stays within [`JSON_LIMIT`].
    fn capped(mut self, input: &'a str, last: Option<&'a str>) -> serde_json::Result<String> {
        let mut limit = TEXT_LIMIT;
        loop {
            self.input_messages = [cut(input, limit)];
            self.last_assistant_message = last.map(|l| cut(l, limit));
            let json = serde_json::to_string(&self)?;
            if json.len() <= JSON_LIMIT || limit == 0 {
                return Ok(json);
            }
            limit /= 2;
        }
    }
}

/// `text`, or its first `limit` bytes (at a character's start) and a
/// marker when it is longer.
fn cut(text: &str, limit: usize) -> Cow<'_, str> {
    if text.len() <= limit {
        return Cow::Borrowed(text);
    }
    let end = text.floor_char_boundary(limit);
    Cow::Owned(format!(
        "{}… [cut by quire: {} more bytes]",
        &text[..end],
        text.len() - end
    ))
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
            input_messages: [Cow::Borrowed("")],
            last_assistant_message: None,
        };
        let json = match payload.capped(user_text, (!last.is_empty()).then_some(last)) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn turn() -> TurnComplete<'static> {
        TurnComplete {
            kind: "agent-turn-complete",
            thread_id: "t",
            turn_id: "u".into(),
            cwd: "/w".into(),
            client: "quire",
            input_messages: [Cow::Borrowed("")],
            last_assistant_message: None,
        }
    }

    /// Text that JSON escapes six times over (`\u0001`) is cut further
    /// until the whole argument fits.
    #[test]
    fn escaped_text_is_cut_until_the_json_fits() {
        let input = "\u{1}".repeat(200 * 1024);
        let answer = "\"".repeat(200 * 1024);
        let json = turn().capped(&input, Some(&answer)).unwrap();
        assert!(json.len() <= JSON_LIMIT, "{}", json.len());
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let last = v["last-assistant-message"].as_str().unwrap();
        assert!(last.starts_with("\"\"") && last.ends_with(" more bytes]"));
        assert!(
            v["input-messages"][0]
                .as_str()
                .unwrap()
                .ends_with(" more bytes]")
        );
    }

    #[test]
    fn short_text_is_sent_whole() {
        let json = turn().capped("hi", Some("done")).unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["input-messages"][0], "hi");
        assert_eq!(v["last-assistant-message"], "done");
        assert_eq!(cut("héllo", 2), "h… [cut by quire: 5 more bytes]");
    }
}
