//! `!command` typed at the prompt of the terminal view or the line mode
//! (Claude Code's bash mode, Codex's `!`): the user's own command, run in
//! the session's folder as the user would run it in their shell — no
//! sandbox, no approval, the environment of the model's commands
//! (`[shell_environment]`, with what the session's SessionStart hooks
//! set in their `CLAUDE_ENV_FILE`) — through the shell tool's runner (its own
//! process group, killed with what it started on Ctrl-C). The terminal
//! view shows its last lines while it runs, as the model's commands'
//! (`ToolOutputDelta` events for the call [`CALL_ID`]); the line mode
//! prints the output when it ends. Its output,
//! capped at `tool_output_limit`, is shown and kept; the next message
//! carries every command kept since the last one in one block after its
//! text, so nothing earlier in the history changes.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use quire::agent::EventSink;
use quire::config::Config;
use quire::tools::ToolError;
use quire::tools::registry::cap_output;
use quire::tools::sandbox::{SandboxMode, SandboxPolicy};
use quire::tools::shell::{ExecRequest, Live, ShellEnvironment, run_sandboxed};
use tokio_util::sync::CancellationToken;

/// What `!` alone says.
pub const USAGE: &str = "`!COMMAND` runs COMMAND in your shell in this folder (your own command: no sandbox, no approval; Ctrl-C stops it) and sends its output with your next message. To send a message starting with `!`, start it with a space or `\\!`.";

/// The call id of a running `!COMMAND` in its live output's events
/// (the terminal view's working line of it).
pub const CALL_ID: &str = "!";

/// A user's command runs until it ends or is stopped; this only bounds
/// one that was forgotten.
const TIMEOUT: Duration = Duration::from_secs(24 * 60 * 60);

/// What a typed line is.
#[derive(Debug, PartialEq)]
pub enum Typed<'a> {
    /// `!COMMAND`: the command.
    Run(&'a str),
    /// `!` with nothing after it.
    Usage,
    /// A message (`\!…` loses its backslash).
    Message(&'a str),
}

/// Reads `typed` as entered (not trimmed: ` !x` is a message).
pub fn read(typed: &str) -> Typed<'_> {
    if let Some(rest) = typed.strip_prefix("\\!") {
        return Typed::Message(&typed[typed.len() - rest.len() - 1..]);
    }
    match typed.strip_prefix('!') {
        Some(rest) if rest.trim().is_empty() => Typed::Usage,
        Some(rest) => Typed::Run(rest.trim()),
        None => Typed::Message(typed),
    }
}

/// One command that ran.
#[derive(Debug, Clone)]
pub struct Ran {
    pub command: String,
    /// What it printed (stdout and stderr), capped; or why it could not
    /// start.
    pub output: String,
    /// `Exit code: N`, `Killed by signal …`, `interrupted`, `could not start`.
    pub status: String,
    pub exit_code: Option<i32>,
    /// The shell tool's words for how it ended (`ok`, `error`,
    /// `interrupted`), as the terminal view's cells read them.
    pub outcome: &'static str,
    pub duration_ms: u64,
}

impl Ran {
    /// How it ended, in the words the views use for the model's commands
    /// too: `Exit code: 1`, `killed by SIGKILL (signal 9)`, `interrupted`.
    pub fn ended(&self) -> String {
        use quire::tools::shell::result_text;
        match result_text::signal(&self.status) {
            Some(sig) => result_text::killed_by(sig),
            None => self.status.clone(),
        }
    }
}

/// How the commands run, from the config.
#[derive(Debug, Clone)]
pub struct Runner {
    env: ShellEnvironment,
    limit: usize,
    /// Where the output goes as it comes (the terminal view).
    live: Option<EventSink>,
}

impl Runner {
    pub fn new(config: &Config) -> Runner {
        Runner {
            env: config.shell_env(),
            limit: config.tool_output_limit,
            live: None,
        }
    }

    /// This runner sending each command's output to `events` as it
    /// comes (`ToolOutputDelta` for [`CALL_ID`]), coalesced and bounded
    /// as the model's commands' are.
    pub fn live_on(self, events: EventSink) -> Runner {
        Runner {
            live: Some(events),
            ..self
        }
    }

    /// Runs `command` in `cwd`, with what the session's SessionStart
    /// hooks set (`hook_set`, their `CLAUDE_ENV_FILE`), until it ends or
    /// `cancel` stops it (its process group and what it started are
    /// killed then).
    pub async fn run(
        &self,
        command: &str,
        cwd: &Path,
        hook_set: BTreeMap<String, String>,
        cancel: &CancellationToken,
    ) -> Ran {
        let started = std::time::Instant::now();
        let env = self.env.clone().with_hook_set(hook_set);
        let result = run_sandboxed(ExecRequest {
            command,
            cwd: cwd.to_path_buf(),
            timeout: TIMEOUT,
            policy: SandboxPolicy {
                mode: SandboxMode::DangerFullAccess,
                writable_roots: Vec::new(),
                network: true,
                unix_sockets: true,
                temp_dir: None,
                pins: Vec::new(),
                workspace_pin: None,
            },
            env: &env,
            cancel: cancel.clone(),
            live: self
                .live
                .clone()
                .map(|events| Live::new(events, CALL_ID.to_string())),
        })
        .await;
        let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let ran = |output: String, dropped: u64, status: String, exit_code, outcome| Ran {
            command: command.to_string(),
            output: self.capped(&output, dropped),
            status,
            exit_code,
            outcome,
            duration_ms,
        };
        match result {
            Ok(o) => {
                let outcome = if o.status.success() { "ok" } else { "error" };
                ran(
                    o.output.clone(),
                    o.dropped,
                    o.status_line(),
                    o.status.code(),
                    outcome,
                )
            }
            Err(ToolError::WithOutput { cause, output, .. }) => {
                let (status, outcome) = stopped(&cause);
                ran(output, 0, status, None, outcome)
            }
            Err(e) => {
                let (status, outcome) = stopped(&e);
                ran(String::new(), 0, status, None, outcome)
            }
        }
    }

    /// `output` cut to the limit, the cut counting what the runner
    /// already dropped.
    fn capped(&self, output: &str, dropped: u64) -> String {
        let (text, cut) = cap_output(output, self.limit);
        if dropped == 0 || cut == 0 {
            return text;
        }
        let total = dropped.saturating_add(cut as u64);
        text.replacen(&format!("[… {cut} bytes"), &format!("[… {total} bytes"), 1)
    }
}

/// How a command that did not finish ended, in words and as an outcome.
fn stopped(e: &ToolError) -> (String, &'static str) {
    match e {
        ToolError::Interrupted => ("interrupted".into(), "interrupted"),
        ToolError::Timeout(_) => ("timed out".into(), "timed_out"),
        other => (format!("could not run: {other}"), "error"),
    }
}

/// The commands run since the last message, in order, and the
/// conversation (session id) they were run in: they go only with that
/// conversation's next message, never into one `/new` started or one
/// switched to.
#[derive(Debug, Default)]
pub struct Pending {
    ran: Vec<Ran>,
    conversation: String,
}

impl Pending {
    /// Keeps `ran`, run in `conversation`.
    pub fn push(&mut self, conversation: &str, ran: Ran) {
        if self.conversation != conversation {
            self.ran.clear();
            self.conversation = conversation.to_string();
        }
        self.ran.push(ran);
    }

    /// The commands, to go with a message now.
    pub fn take(&mut self) -> Vec<Ran> {
        std::mem::take(&mut self.ran)
    }

    /// Commands taken for a message that was not sent after all (given
    /// back to the input): they go with the next one, before any run since.
    pub fn give_back(&mut self, mut taken: Vec<Ran>) {
        taken.append(&mut self.ran);
        self.ran = taken;
    }

    /// The conversation is now `conversation`: the commands kept from
    /// another one (before `/new`, before a switch to another session)
    /// are forgotten; how many were.
    pub fn now_in(&mut self, conversation: &str) -> usize {
        if self.conversation == conversation {
            return 0;
        }
        self.conversation = conversation.to_string();
        std::mem::take(&mut self.ran).len()
    }
}

/// What is said of the commands [`Pending::now_in`] forgot.
pub fn left_behind_note(n: usize) -> String {
    format!(
        "(the output of {} run with `!` stays with the conversation you left: it is not sent with this one's messages)",
        quire::plural::counted(n, "command")
    )
}

/// `message` with the commands' block after it (the message as it is
/// when there are none).
pub fn with_commands(message: &str, ran: &[Ran]) -> String {
    if ran.is_empty() {
        return message.to_string();
    }
    let mut block = String::new();
    for r in ran {
        block.push_str(&format!("$ {}\n", r.command));
        let out = r.output.trim_end_matches(['\n', '\r']);
        if !out.is_empty() {
            block.push_str(out);
            block.push('\n');
        }
        if r.exit_code != Some(0) {
            block.push_str(&format!("({})\n", r.ended()));
        }
    }
    let label = match ran.len() {
        1 => "I ran this command in the workspace before this message (`!`), with its output:",
        _ => "I ran these commands in the workspace before this message (`!`), with their output:",
    };
    super::stdin::with_block(message, label, &block)
}

/// The line mode's report of a command: `$ COMMAND`, its output, how
/// it ended when not with 0, and where the output goes (on stderr, as
/// the steps of a turn).
pub fn print(ran: &Ran) {
    eprintln!("$ {}", ran.command);
    let out = ran.output.trim_end_matches(['\n', '\r']);
    if !out.is_empty() {
        eprintln!("{out}");
    }
    if ran.exit_code != Some(0) {
        eprintln!("({})", ran.ended());
    }
    eprintln!("(the output goes with your next message)");
}

/// The note under a message that carries commands.
pub fn carried_note(n: usize) -> String {
    format!(
        "(with the output of {} run with `!`)",
        quire::plural::counted(n, "command")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leading_bang_runs_a_command_and_a_space_or_backslash_sends_it() {
        assert_eq!(read("!git status"), Typed::Run("git status"));
        assert_eq!(read("!  ls -l \n"), Typed::Run("ls -l"));
        assert_eq!(read("!"), Typed::Usage);
        assert_eq!(read("!  "), Typed::Usage);
        assert_eq!(read(" !important"), Typed::Message(" !important"));
        assert_eq!(read("\\!important"), Typed::Message("!important"));
        assert_eq!(read("hi !x"), Typed::Message("hi !x"));
    }

    fn ran(command: &str, output: &str, code: i32) -> Ran {
        Ran {
            command: command.into(),
            output: output.into(),
            status: format!("Exit code: {code}"),
            exit_code: Some(code),
            outcome: if code == 0 { "ok" } else { "error" },
            duration_ms: 1,
        }
    }

    #[test]
    fn the_commands_follow_the_message_in_one_block_in_order() {
        let text = with_commands("why?", &[ran("echo hi", "hi\n", 0), ran("false", "", 1)]);
        assert_eq!(
            text,
            "why?\n\nI ran these commands in the workspace before this message (`!`), with their output:\n```\n$ echo hi\nhi\n$ false\n(Exit code: 1)\n```\n"
        );
        assert_eq!(with_commands("plain", &[]), "plain");
    }

    #[test]
    fn a_killed_command_is_worded_as_the_views_word_it() {
        let killed = Ran {
            status: "Killed by signal 9 (SIGKILL)".into(),
            exit_code: None,
            outcome: "error",
            ..ran("kill -9 $$", "before\n", 0)
        };
        let text = with_commands("why?", &[killed]);
        assert!(
            text.contains("$ kill -9 $$\nbefore\n(killed by SIGKILL (signal 9))\n"),
            "{text}"
        );
    }

    #[test]
    fn commands_given_back_come_before_those_run_since() {
        let mut p = Pending::default();
        p.push("s1", ran("a", "", 0));
        let taken = p.take();
        p.push("s1", ran("b", "", 0));
        p.give_back(taken);
        let order: Vec<_> = p.take().into_iter().map(|r| r.command).collect();
        assert_eq!(order, ["a", "b"]);
    }

    #[test]
    fn commands_of_another_conversation_are_forgotten() {
        let mut p = Pending::default();
        p.push("s1", ran("a", "", 0));
        assert_eq!(p.now_in("s1"), 0);
        assert_eq!(p.now_in("s2"), 1);
        assert!(p.take().is_empty());
        p.push("s2", ran("b", "", 0));
        p.push("s3", ran("c", "", 0));
        let order: Vec<_> = p.take().into_iter().map(|r| r.command).collect();
        assert_eq!(order, ["c"]);
    }
}
