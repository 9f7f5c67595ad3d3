//! How agent events change the view: lines for the scrollback, the status
//! line, the running calls and the reasoning shown while waiting.

use std::time::Instant;

use quire::agent::Event;
use quire::protocol::ActivatedBy;
use ratatui::text::{Line, Span};

use super::App;
use crate::cli::summary::{clip, hook_completed_line, rewritten_line, tool_line};
use crate::tui::cells::{self, ToolDone};
use crate::tui::stream::Stream;

/// The most reasoning text kept for the live area (its tail is shown).
const REASONING_KEEP: usize = 4096;

impl App {
    pub fn event(&mut self, ev: &Event) {
        let pal = self.pal;
        // The state /status, /diff and /undo read (session_view/).
        self.status.track(ev);
        self.patches.track(ev);
        self.model_wait.track(ev);
        match ev {
            Event::SessionStarted {
                session_id,
                resumed,
                ..
            } => {
                self.session_id = session_id.clone();
                let verb = if *resumed { "resumed" } else { "session" };
                self.note(&format!("quire {verb} {session_id}"), pal.dim());
            }
            Event::ReasoningDelta { delta } => {
                let delta = self.reasoning_clean.push(delta);
                self.reason(&delta);
            }
            Event::TextDelta { delta } => {
                self.reasoning.clear();
                // Escape sequences go before the markdown sees the text,
                // also when one is split across deltas.
                let delta = self.text_clean.push(delta);
                let lines = self.stream.push(&delta, self.width, &pal);
                self.commit.extend(lines);
            }
            Event::MessageCompleted { .. } => self.end_stream(),
            Event::ToolStarted {
                call_id,
                name,
                arguments,
            } => {
                self.end_stream();
                self.reasoning.clear();
                self.running
                    .push((call_id.clone(), tool_line(name, arguments), Instant::now()));
            }
            Event::ToolInputRewritten {
                call_id,
                name,
                hook,
                arguments,
            } => {
                if let Some(r) = self.running.iter_mut().find(|(id, _, _)| id == call_id) {
                    r.1 = rewritten_line(name, arguments, hook, &r.1);
                }
            }
            // Kept for a call shown running; its lines go when it ends.
            Event::ToolOutputDelta { call_id, delta } => {
                if self.running.iter().any(|(id, _, _)| id == call_id) {
                    self.outputs.entry(call_id.clone()).or_default().push(delta);
                }
            }
            Event::ToolCompleted {
                call_id,
                name,
                duration_ms,
                status,
                exit_code,
                signal,
                files,
                output,
                ..
            } => {
                self.outputs.remove(call_id);
                let line = match self.running.iter().position(|(id, _, _)| id == call_id) {
                    Some(i) => self.running.remove(i).1,
                    None => name.clone(),
                };
                let lines = cells::tool(
                    &ToolDone {
                        line: &line,
                        name,
                        status: status.as_str(),
                        exit_code: *exit_code,
                        signal: *signal,
                        duration_ms: *duration_ms,
                        files: files.as_ref(),
                        output,
                    },
                    self.width,
                    &pal,
                );
                self.push_lines(lines);
            }
            Event::PlanUpdated { plan, .. } => {
                let mut lines = vec![Line::styled("plan", pal.accent())];
                for step in plan {
                    let mark = match step.status.as_str() {
                        "completed" => "✓",
                        "in_progress" => "→",
                        _ => "·",
                    };
                    // A long step wraps under its text, not under the mark.
                    lines.extend(crate::tui::wrap::wrap(
                        &[Span::raw(step.step.clone())],
                        usize::from(self.width),
                        &[Span::raw(format!("  {mark} "))],
                        &[Span::raw("    ")],
                    ));
                }
                self.push_lines(lines);
            }
            Event::Retry {
                attempt,
                max_attempts,
                delay_ms,
                reason,
                ..
            } => {
                // The retried response streams again from the start.
                self.stream = Stream::default();
                self.text_clean = Default::default();
                self.note(
                    &format!(
                        "retrying in {:.1}s (attempt {attempt}/{max_attempts}): {}",
                        *delay_ms as f64 / 1000.0,
                        clip(reason, 160)
                    ),
                    pal.warn(),
                );
            }
            Event::Compaction {
                reason,
                items_before,
                items_after,
                tokens_before,
            } => self.note(
                &format!("context compacted ({reason}): {items_before} items (~{tokens_before} tokens) → {items_after}"),
                pal.accent(),
            ),
            // The transcript above cannot be erased: a line says where
            // the conversation went back to.
            Event::Rewound {
                to_user_message,
                dropped_messages,
                ..
            } => {
                use crate::session_view::rewind;
                self.note(
                    &rewind::marker(*to_user_message, *dropped_messages),
                    pal.accent(),
                );
                self.note(&rewind::after_marker("in the input"), pal.dim());
            }
            // Kept in the status (session_view/status.rs) only.
            Event::TurnCompleted { .. } => {}
            Event::TaskCompleted { status, .. } => {
                self.end_stream();
                match status.as_str() {
                    "interrupted" => self.note("⊘ interrupted", pal.warn()),
                    "max_turns" => self.note(
                        "stopped: the turn limit was reached (raise it with -c max_turns=N)",
                        pal.bad(),
                    ),
                    _ => {}
                }
            }
            // One the model activated shows as its `skill` call's line.
            Event::SkillActivated { name, by } if *by == ActivatedBy::Message => {
                self.note(&format!("skill: {name}"), pal.accent());
            }
            Event::SkillActivated { .. } => {}
            Event::ImageAttached { name, .. } => {
                self.note(&format!("[image: {name}]"), pal.accent());
            }
            Event::Warning { message } => {
                self.note(&format!("warning: {message}"), pal.warn());
            }
            Event::Error { message } => self.note(&format!("error: {message}"), pal.bad()),
            Event::McpWaiting { servers } => {
                self.note(
                    &format!("waiting for MCP servers: {}", servers.join(", ")),
                    pal.dim(),
                );
            }
            Event::TurnStarted { .. } => self.reasoning.clear(),
            // One dim line per hook run, as the line view prints it.
            Event::HookStarted { .. } => {}
            Event::HookCompleted { .. } => {
                if let Some((line, ok)) = hook_completed_line(ev) {
                    self.note(&line, if ok { pal.dim() } else { pal.warn() });
                }
            }
            // Subagents: a live line each while they run (draw.rs), one
            // collapsed line when one ends; Ctrl-O expands it.
            Event::AgentQueued { .. }
            | Event::AgentSpawned { .. }
            | Event::AgentCompleted { .. }
            | Event::Agent(_) => self.child_event(ev),
        }
    }

    /// Keeps the reasoning's tail (the live area shows its last lines).
    fn reason(&mut self, delta: &str) {
        self.reasoning.push_str(delta);
        if self.reasoning.len() > REASONING_KEEP {
            let mut cut = self.reasoning.len() - REASONING_KEEP / 2;
            while !self.reasoning.is_char_boundary(cut) {
                cut += 1;
            }
            self.reasoning.drain(..cut);
        }
    }
}
