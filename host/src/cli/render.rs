//! Renderers of the event stream: the human view and `--json` JSONL.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use quire::agent::Event;
use quire::printable::{self, clean};
use quire::protocol::ActivatedBy;

use super::final_answer::{FinalAnswer, Settled};
use super::pipe::{err, out};
use super::summary::{clip, failure_reason, outcome, patch_stats, rewritten_line, tool_line};
use crate::session_view::model_wait::ModelWait;

pub trait Renderer: Send {
    fn event(&mut self, event: &Event);
    /// Called about every 100 ms while a task runs (spinner).
    fn tick(&mut self) {}
    /// Clears any status line (before prompting the user).
    fn clear_status(&mut self) {}
}

/// `--json`: one JSON object per line on stdout.
pub struct JsonRenderer;

impl Renderer for JsonRenderer {
    fn event(&mut self, event: &Event) {
        // A command's live output is for the terminal view: the stream
        // keeps its documented events (`tool_completed` has the output).
        if matches!(event, Event::ToolOutputDelta { .. }) {
            return;
        }
        if let Ok(line) = serde_json::to_string(event) {
            out(&format!("{line}\n"));
        }
    }
}

/// The terminal view: text to stdout as it streams (escape sequences and
/// controls dropped, terminal or not), one compact line per tool call on
/// stderr, a spinner with elapsed time for calls over a second
/// (only when both streams are terminals), colour unless NO_COLOR or
/// TERM=dumb.
pub struct HumanRenderer {
    color: bool,
    spinner: bool,
    running: Vec<(String, String, Instant)>,
    status_shown: bool,
    text_open: bool,
    /// A reasoning line on stderr is not finished yet.
    reasoning_open: bool,
    frame: usize,
    verbose_session: bool,
    /// Stdout is not a terminal: a message is printed whole when it
    /// completed, never as it streams, so text of an attempt that failed
    /// and was retried never reaches a file or a pipe.
    whole_messages: bool,
    /// `quire exec` and the line mode with stdout not a terminal: only
    /// each task's answer goes to stdout, the messages before more work
    /// to stderr.
    answer_only: Option<FinalAnswer>,
    /// The subagents seen (depth, status and tool count; `/agents`).
    pub(crate) children: super::children::Children,
    /// The streamed answer and reasoning, escape sequences dropped even
    /// when split across deltas.
    text_stream: printable::Stream,
    reasoning_stream: printable::Stream,
    /// Waiting for the model's answer, and when the plain line was written
    /// for a wait (no spinner: a dumb terminal).
    model_wait: ModelWait,
    wait_said: Option<Instant>,
    /// Stderr is a terminal: someone may be watching the wait.
    stderr_tty: bool,
    /// A message gone back to (`/rewind N`) is put in the input to edit;
    /// `false` where the input cannot be filled (a dumb terminal), and the
    /// line mode prints the text instead.
    pub(crate) rewound_in_input: bool,
}

/// After how long a wait for the model gets its one plain line where no
/// spinner can be drawn (the spinner shows after a second, as a call's).
const WAIT_NOTE_AFTER: Duration = Duration::from_secs(3);

const SPIN: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

impl HumanRenderer {
    pub fn new(verbose_session: bool) -> Self {
        let stdout_tty = std::io::stdout().is_terminal();
        let tty = stdout_tty && std::io::stderr().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        // A dumb terminal shows escape sequences as they are.
        let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
        HumanRenderer {
            color: tty && !no_color && !dumb,
            spinner: tty && !dumb,
            running: Vec::new(),
            status_shown: false,
            text_open: false,
            reasoning_open: false,
            frame: 0,
            verbose_session,
            whole_messages: !stdout_tty,
            answer_only: None,
            children: Default::default(),
            text_stream: Default::default(),
            reasoning_stream: Default::default(),
            model_wait: ModelWait::default(),
            wait_said: None,
            stderr_tty: std::io::stderr().is_terminal(),
            rewound_in_input: true,
        }
    }

    /// Stdout gets only each task's answer when it is not a terminal
    /// (`quire exec … > out.txt`, `| next-step`, and the line mode's
    /// `quire < tasks.txt | next-step`), as `codex exec` does; on a
    /// terminal every message streams as before.
    pub fn answer_only(mut self) -> Self {
        if self.whole_messages {
            self.answer_only = Some(FinalAnswer::default());
        }
        self
    }

    /// A whole message on stdout (stdout is not a terminal).
    fn whole_message(&mut self, text: &str) {
        self.clear_status();
        self.end_reasoning();
        // Cleaned as on a terminal: a file or pipe may reach one
        // (`| less -R`, `| tee`, a CI log that renders colour).
        let text = clean(text);
        out(&text);
        self.text_open = !text.ends_with('\n');
        self.end_text();
    }

    /// The status of a wait for the model: the spinner's text, or (once,
    /// where no spinner is drawn) a plain line.
    fn model_wait_status(&mut self) -> Option<String> {
        let since = self.model_wait.since()?;
        let waited = since.elapsed();
        if self.spinner {
            return (waited >= Duration::from_secs(1)).then(|| {
                format!(
                    "waiting for the model {:.1}s · Ctrl-C stops it",
                    waited.as_secs_f64()
                )
            });
        }
        if self.stderr_tty && self.wait_said != Some(since) && waited >= WAIT_NOTE_AFTER {
            self.wait_said = Some(since);
            err("waiting for the model… (Ctrl-C stops it)\n");
        }
        None
    }

    /// `s` in colour `code`. Every line the human view writes goes
    /// through here or [`clean`]: text from the model, tools and servers
    /// loses the escape sequences that would act on the terminal.
    fn paint(&self, code: &str, s: &str) -> String {
        let s = clean(s);
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.into_owned()
        }
    }

    fn end_reasoning(&mut self) {
        if self.reasoning_open {
            err("\n");
            self.reasoning_open = false;
        }
    }

    fn end_text(&mut self) {
        self.end_reasoning();
        if self.text_open {
            out("\n");
            self.text_open = false;
        }
    }

    fn note(&mut self, line: &str) {
        self.clear_status();
        self.end_text();
        err(&format!("{line}\n"));
    }
}

impl Renderer for HumanRenderer {
    fn event(&mut self, event: &Event) {
        self.model_wait.track(event);
        if let Some(answer) = &mut self.answer_only {
            match answer.event(event) {
                // A step on the way: with the tool lines, on stderr.
                Some(Settled::Step(text)) => self.note(clean(text.trim_end()).as_ref()),
                Some(Settled::Answer(text)) => self.whole_message(&text),
                None => {}
            }
            if matches!(event, Event::MessageCompleted { .. }) {
                return;
            }
        }
        match event {
            Event::SessionStarted {
                session_id,
                provider,
                model,
                sandbox,
                approval,
                resumed,
                ..
            } => {
                if self.verbose_session {
                    let verb = if *resumed { "resumed" } else { "session" };
                    let line = format!(
                        "quire {verb} {session_id} · {provider}/{model} · sandbox {sandbox} · approval {approval}"
                    );
                    let line = self.paint("2", &line);
                    self.note(&line);
                }
            }
            Event::TextDelta { .. } if self.whole_messages => {}
            Event::MessageCompleted { text } if self.whole_messages => self.whole_message(text),
            Event::TextDelta { delta } => {
                self.clear_status();
                self.end_reasoning();
                // Streaming to a terminal; a file or pipe gets the whole
                // message once complete (above), cleaned the same way.
                let delta = self.text_stream.push(delta);
                out(&delta);
                if !delta.is_empty() {
                    self.text_open = !delta.ends_with('\n');
                }
            }
            // The reasoning summary goes dimmed to stderr, so stdout keeps
            // only the answer.
            Event::ReasoningDelta { delta } => {
                self.clear_status();
                if self.text_open {
                    out("\n");
                    self.text_open = false;
                }
                let delta = self.reasoning_stream.push(delta);
                if !delta.is_empty() {
                    err(&self.paint("2", &delta));
                    self.reasoning_open = !delta.ends_with('\n');
                }
            }
            Event::MessageCompleted { .. } => self.end_text(),
            Event::ToolStarted {
                call_id,
                name,
                arguments,
            } => {
                self.end_text();
                let line = clean(&tool_line(name, arguments)).into_owned();
                self.running.push((call_id.clone(), line, Instant::now()));
            }
            Event::ToolInputRewritten {
                call_id,
                name,
                hook,
                arguments,
            } => {
                if let Some(r) = self.running.iter_mut().find(|(id, _, _)| id == call_id) {
                    r.1 = clean(&rewritten_line(name, arguments, hook, &r.1)).into_owned();
                }
            }
            // The line view keeps its spinner: output shows once done.
            Event::ToolOutputDelta { .. } => {}
            Event::ToolCompleted {
                call_id,
                name,
                duration_ms,
                is_error,
                status,
                exit_code,
                signal,
                files,
                output,
                ..
            } => {
                let line = match self.running.iter().position(|(id, _, _)| id == call_id) {
                    Some(i) => self.running.remove(i).1,
                    None => clean(call_id).into_owned(),
                };
                let (mark, detail) = outcome(status.as_str(), *exit_code, *signal, *duration_ms);
                let colour = match mark {
                    "✓" => "32",
                    "✗" => "31",
                    _ => "33",
                };
                let mark = self.paint(colour, mark);
                let mut text = format!("{mark} {line} {}", self.paint("2", &format!("({detail})")));
                if let Some(stats) = files.as_ref().map(patch_stats).filter(|s| !s.is_empty()) {
                    text.push_str(&format!(" {}", clean(&stats)));
                }
                if *is_error || status != "ok" {
                    let reason = failure_reason(name, output);
                    if !reason.is_empty() {
                        text.push_str(&format!(" — {}", self.paint("31", &reason)));
                    }
                }
                // Each file's diff under the line, as `codex exec` shows it.
                let diff = files
                    .as_ref()
                    .map(|f| super::patch_diff::render(f, self.color));
                if let Some(diff) = diff.filter(|d| !d.is_empty()) {
                    text.push('\n');
                    text.push_str(diff.trim_end());
                }
                self.note(&text);
            }
            Event::PlanUpdated { plan, .. } => {
                let mut s = String::from("plan:");
                for step in plan {
                    let mark = match step.status.as_str() {
                        "completed" => "[x]",
                        "in_progress" => "[~]",
                        _ => "[ ]",
                    };
                    s.push_str(&format!("\n  {mark} {}", step.step));
                }
                let s = self.paint("36", &s);
                self.note(&s);
            }
            Event::Retry {
                attempt,
                max_attempts,
                delay_ms,
                reason,
                discarded_text,
            } => {
                // Text already shown came from the failed attempt; the
                // retried response streams in full again.
                let partial = if *discarded_text && !self.whole_messages {
                    " — the partial answer above is discarded and comes again in full"
                } else {
                    ""
                };
                let line = format!(
                    "retrying in {:.1}s (attempt {attempt}/{max_attempts}): {}{partial}",
                    *delay_ms as f64 / 1000.0,
                    clip(reason, 160)
                );
                let line = self.paint("33", &line);
                self.note(&line);
            }
            Event::Compaction {
                reason,
                items_before,
                items_after,
                tokens_before,
            } => {
                let line = format!(
                    "context compacted ({reason}): {items_before} items (~{tokens_before} tokens) → {items_after}"
                );
                let line = self.paint("36", &line);
                self.note(&line);
            }
            Event::Rewound {
                to_user_message,
                dropped_messages,
                ..
            } => {
                use crate::session_view::rewind;
                let line = self.paint("36", &rewind::marker(*to_user_message, *dropped_messages));
                self.note(&line);
                if self.rewound_in_input {
                    let line = self.paint("2", &rewind::after_marker("in the input"));
                    self.note(&line);
                }
            }
            Event::Warning { message } => {
                let line = self.paint("33", &format!("warning: {message}"));
                self.note(&line);
            }
            Event::McpWaiting { servers } => {
                let line = self.paint(
                    "2",
                    &format!("waiting for MCP servers: {}", servers.join(", ")),
                );
                self.note(&line);
            }
            Event::HookStarted { .. } => {}
            Event::HookCompleted { .. } => {
                if let Some((line, ok)) = super::summary::hook_completed_line(event) {
                    let line = self.paint(if ok { "2" } else { "33" }, &line);
                    self.note(&line);
                }
            }
            // One the model activated shows as its `skill` call's line.
            Event::SkillActivated { name, by } if *by == ActivatedBy::Message => {
                let line = self.paint("36", &format!("skill: {name}"));
                self.note(&line);
            }
            Event::SkillActivated { .. } => {}
            Event::ImageAttached {
                name,
                media_type,
                bytes,
            } => {
                let line = format!("[image: {name}] ({media_type}, {bytes} bytes)");
                let line = self.paint("36", &line);
                self.note(&line);
            }
            Event::Error { message } => {
                let line = self.paint("31", &format!("error: {message}"));
                self.note(&line);
            }
            Event::TaskCompleted { status, reason, .. } => {
                self.clear_status();
                self.end_text();
                if status == "interrupted" {
                    let line = match reason.as_deref() {
                        Some(r) if r != quire::protocol::interrupt::BY_USER => {
                            format!("interrupted: {r}")
                        }
                        _ => "interrupted".to_string(),
                    };
                    let line = self.paint("33", &line);
                    self.note(&line);
                } else if status == "max_turns" {
                    let line = self.paint(
                        "31",
                        "stopped: the turn limit was reached (raise it with --max-turns N)",
                    );
                    self.note(&line);
                }
            }
            Event::TurnStarted { .. } | Event::TurnCompleted { .. } => {}
            Event::AgentQueued { .. }
            | Event::AgentSpawned { .. }
            | Event::AgentCompleted { .. }
            | Event::Agent(_) => {
                self.children.event(event);
                if let Some(line) = super::render_agents::line(event, &self.children) {
                    self.end_text();
                    let line = self.paint("35", &line);
                    self.note(&line);
                }
            }
        }
    }

    fn tick(&mut self) {
        let waiting = self.model_wait_status();
        if !self.spinner {
            return;
        }
        let call = self
            .running
            .iter()
            .filter(|(_, _, t)| t.elapsed() >= Duration::from_secs(1))
            .min_by_key(|(_, _, t)| *t);
        let text = match (call, waiting) {
            (Some((_, line, started)), _) => {
                let more = if self.running.len() > 1 {
                    format!(" (+{} more)", self.running.len() - 1)
                } else {
                    String::new()
                };
                format!(
                    "{}{} {:.1}s",
                    clip(line, 90),
                    more,
                    started.elapsed().as_secs_f64()
                )
            }
            (None, Some(waiting)) => waiting,
            (None, None) => return,
        };
        self.frame = (self.frame + 1) % SPIN.len();
        let status = format!("{} {text}", SPIN[self.frame]);
        let status = self.paint("2", &status);
        if self.text_open {
            out("\n");
            self.text_open = false;
        }
        err(&format!("\r\x1b[2K{status}"));
        self.status_shown = true;
    }

    fn clear_status(&mut self) {
        if self.status_shown {
            err("\r\x1b[2K");
            self.status_shown = false;
        }
    }
}
