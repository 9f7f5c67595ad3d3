//! The state of the terminal view: what is committed to the scrollback,
//! what the live area shows, and how agent events change both.

use std::time::Instant;

use quire::agent::Event;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use serde_json::Value;

use super::approve::Pending;
use super::cells::{self, ToolDone};
use super::composer::Composer;
use super::markdown;
use super::status::{self, Status};
use super::stream::Stream;
use super::style::Palette;
use crate::cli::summary::{clip, tool_line};

/// Rows of the live area under the scrollback.
pub const VIEWPORT_ROWS: u16 = 10;

pub struct App {
    pub pal: Palette,
    pub width: u16,
    pub composer: Composer,
    pub stream: Stream,
    /// Calls running: id, summary line, start.
    pub running: Vec<(String, String, Instant)>,
    pub status: Status,
    /// When the running task started.
    pub working: Option<Instant>,
    pub frame: usize,
    pub approval: Option<Pending>,
    /// A one-line hint above the composer (`Ctrl-C again to quit`).
    pub hint: Option<String>,
    /// Completion candidates (text, description) and the selected one.
    pub menu: Vec<(String, String)>,
    pub menu_sel: usize,
    /// Lines waiting to be written to the scrollback.
    pub commit: Vec<Line<'static>>,
    /// Each finished task's patched files (for /diff and /undo).
    pub patches: Vec<Vec<Value>>,
    pub session_id: String,
}

impl App {
    pub fn new(pal: Palette, width: u16, history: Vec<String>) -> App {
        App {
            pal,
            width,
            composer: Composer::new(history),
            stream: Stream::default(),
            running: Vec::new(),
            status: Status::default(),
            working: None,
            frame: 0,
            approval: None,
            hint: None,
            menu: Vec::new(),
            menu_sel: 0,
            commit: Vec::new(),
            patches: vec![Vec::new()],
            session_id: String::new(),
        }
    }

    pub fn note(&mut self, text: &str, style: ratatui::style::Style) {
        self.end_stream();
        let lines = cells::note(text, style, self.width);
        self.commit.extend(lines);
    }

    pub fn push_lines(&mut self, lines: Vec<Line<'static>>) {
        self.end_stream();
        self.commit.extend(lines);
    }

    fn end_stream(&mut self) {
        let lines = self.stream.finish(self.width, &self.pal);
        self.commit.extend(lines);
    }

    /// A task starts with `text`.
    pub fn begin_task(&mut self, text: &str) {
        let lines = cells::user(text, self.width, &self.pal);
        self.commit.extend(lines);
        self.working = Some(Instant::now());
        self.hint = None;
        self.patches.push(Vec::new());
    }

    pub fn end_task(&mut self) {
        self.end_stream();
        self.working = None;
        self.running.clear();
        if let Some(mut p) = self.approval.take() {
            p.answer(super::approve::Answer::No);
        }
    }

    pub fn event(&mut self, ev: &Event) {
        let pal = self.pal;
        match ev {
            Event::SessionStarted {
                session_id,
                provider,
                model,
                sandbox,
                approval,
                resumed,
                ..
            } => {
                self.session_id = session_id.clone();
                self.status.provider = provider.clone();
                self.status.model = model.clone();
                self.status.sandbox = sandbox.clone();
                self.status.approval = approval.clone();
                let verb = if *resumed { "resumed" } else { "session" };
                self.note(&format!("quire {verb} {session_id}"), pal.dim());
            }
            Event::TextDelta { delta } => {
                let lines = self.stream.push(delta, self.width, &pal);
                self.commit.extend(lines);
            }
            Event::MessageCompleted { .. } => self.end_stream(),
            Event::ToolStarted {
                call_id,
                name,
                arguments,
            } => {
                self.end_stream();
                self.running
                    .push((call_id.clone(), tool_line(name, arguments), Instant::now()));
            }
            Event::ToolCompleted {
                call_id,
                name,
                duration_ms,
                status,
                exit_code,
                files,
                output,
                ..
            } => {
                let line = match self.running.iter().position(|(id, _, _)| id == call_id) {
                    Some(i) => self.running.remove(i).1,
                    None => name.clone(),
                };
                if let (Some(f), Some(list)) = (files.as_ref().and_then(Value::as_array), self.patches.last_mut()) {
                    list.extend(f.iter().cloned());
                }
                let lines = cells::tool(
                    &ToolDone {
                        line: &line,
                        name,
                        status: status.as_str(),
                        exit_code: *exit_code,
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
                    lines.push(Line::from(format!("  {mark} {}", step.step)));
                }
                self.push_lines(lines);
            }
            Event::Retry {
                attempt,
                max_attempts,
                delay_ms,
                reason,
            } => {
                // The retried response streams again from the start.
                self.stream = Stream::default();
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
            Event::TurnCompleted {
                usage, total_usage, ..
            } => {
                self.status.context_used = usage.input_tokens;
                self.status.total = *total_usage;
            }
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
            Event::SkillActivated { name } => {
                if !self.status.skills.contains(name) {
                    self.status.skills.push(name.clone());
                }
                self.note(&format!("skill: {name}"), pal.accent());
            }
            Event::Warning { message } => {
                if let Some(name) = message
                    .strip_prefix("MCP server '")
                    .and_then(|r| r.split_once('\''))
                    .map(|(n, _)| n)
                {
                    let what = if message.contains("not available") { "failed" } else { "restarting" };
                    self.status.mcp = Some(format!("{name} {what}"));
                }
                self.note(&format!("warning: {message}"), pal.warn());
            }
            Event::Error { message } => self.note(&format!("error: {message}"), pal.bad()),
            Event::McpWaiting { servers } => {
                self.status.mcp = Some(format!("starting {}", servers.join(", ")));
                self.note(
                    &format!("waiting for MCP servers: {}", servers.join(", ")),
                    pal.dim(),
                );
            }
            Event::TurnStarted { .. } => {
                // The wait for starting servers is over once a request goes.
                if self.status.mcp.as_deref().is_some_and(|m| m.starts_with("starting ")) {
                    self.status.mcp = None;
                }
            }
            // Hook runs are in the JSON events; a hook's own output shows
            // through the tool results and warnings it produces.
            Event::HookStarted { .. } | Event::HookCompleted { .. } => {}
            // Subagents: one indented line per start, end and tool call.
            Event::AgentSpawned { .. } | Event::AgentCompleted { .. } | Event::Agent(_) => {
                if let Some(line) = crate::cli::render_agents::line(ev) {
                    self.note(&line, pal.dim());
                }
            }
        }
    }

    /// Draws the live area.
    pub fn draw(&self, f: &mut Frame<'_>) {
        let area = f.area();
        let mut rows: Vec<Line<'static>> = Vec::new();
        if let Some(p) = &self.approval {
            rows.push(Line::styled(
                format!(
                    "{} wants to {}",
                    p.request.tool,
                    approval_verb(&p.request.tool)
                ),
                self.pal.warn(),
            ));
            rows.push(Line::from(Span::styled(
                format!(
                    "  {}",
                    clip(
                        &p.request.summary.replace('\n', " ⏎ "),
                        usize::from(area.width).saturating_sub(4)
                    )
                ),
                self.pal.bold(),
            )));
            match &p.reason {
                Some(r) => rows.push(Line::from(format!("why not? {r}▏ (Enter sends)"))),
                None => rows.push(Line::styled(p.choices(), self.pal.accent())),
            }
        } else if let Some(start) = self.working {
            let live = self.stream.live(area.width, &self.pal);
            let room = usize::from(area.height).saturating_sub(4);
            let skip = live.len().saturating_sub(room.saturating_sub(1));
            rows.extend(live.into_iter().skip(skip));
            let (what, since) = match self.running.first() {
                Some((_, line, t)) => (line.clone(), *t),
                None => ("Working".to_string(), start),
            };
            rows.push(status::working(
                &what,
                since.elapsed(),
                self.frame,
                &self.pal,
            ));
        }
        if let Some(h) = &self.hint {
            rows.push(Line::styled(h.clone(), self.pal.dim()));
        }
        for (i, (text, desc)) in self.menu.iter().enumerate().take(6) {
            let style = if i == self.menu_sel {
                self.pal.accent().patch(self.pal.bold())
            } else {
                self.pal.dim()
            };
            rows.push(Line::from(vec![
                Span::styled(format!("  {text:<20}"), style),
                Span::styled(format!(" {desc}"), self.pal.dim()),
            ]));
        }
        let composer = self.composer_lines();
        let status = self.status.line(area.width, &self.pal);
        let fixed = composer.len() + 1;
        let room = usize::from(area.height).saturating_sub(fixed);
        let skip = rows.len().saturating_sub(room);
        let top: Vec<Line<'static>> = rows.into_iter().skip(skip).collect();
        let top_h = top.len() as u16;
        // The live rows sit right above the composer.
        let comp_h = composer.len() as u16;
        let bottom = area.y + area.height;
        let comp_y = bottom.saturating_sub(1 + comp_h);
        f.render_widget(
            Paragraph::new(top),
            Rect::new(area.x, comp_y.saturating_sub(top_h), area.width, top_h),
        );
        f.render_widget(
            Paragraph::new(composer),
            Rect::new(area.x, comp_y, area.width, comp_h),
        );
        f.render_widget(
            Paragraph::new(status),
            Rect::new(area.x, bottom.saturating_sub(1), area.width, 1),
        );
        if self.approval.is_none() {
            let (row, col) = self.composer.cursor();
            let first = self
                .composer
                .lines()
                .len()
                .saturating_sub(usize::from(comp_h));
            let y = comp_y + row.saturating_sub(first) as u16;
            f.set_cursor_position((area.x + 2 + col as u16, y));
        }
    }

    fn composer_lines(&self) -> Vec<Line<'static>> {
        let lines = self.composer.lines();
        let max = 5usize;
        let skip = lines
            .len()
            .saturating_sub(max)
            .min(self.composer.cursor().0);
        lines
            .iter()
            .enumerate()
            .skip(skip)
            .take(max)
            .map(|(i, l)| {
                let lead = if i == 0 { "› " } else { "  " };
                Line::from(vec![
                    Span::styled(lead, self.pal.accent()),
                    Span::raw(l.clone()),
                ])
            })
            .collect()
    }

    /// Replays a resumed session's history into the scrollback.
    pub fn replay(&mut self, items: &[quire::model::Item]) {
        use quire::model::Item;
        let pal = self.pal;
        let mut calls: Vec<(String, String)> = Vec::new();
        for item in items {
            match item {
                Item::User { text } => {
                    let lines = cells::user(text, self.width, &pal);
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
                    let args =
                        serde_json::from_str(arguments).unwrap_or(Value::String(arguments.clone()));
                    calls.push((call_id.clone(), tool_line(name, &args)));
                }
                Item::ToolResult {
                    call_id, is_error, ..
                } => {
                    let line = calls
                        .iter()
                        .find(|(id, _)| id == call_id)
                        .map(|(_, l)| l.clone())
                        .unwrap_or_default();
                    let (mark, style) = if *is_error {
                        ("✗", pal.bad())
                    } else {
                        ("✓", pal.ok())
                    };
                    self.commit.push(Line::from(vec![
                        Span::styled(format!("{mark} "), style),
                        Span::styled(line, pal.bold()),
                    ]));
                }
                Item::SkillActivation { name, .. } => self
                    .commit
                    .push(Line::styled(format!("skill: {name}"), pal.accent())),
                Item::CompactionSummary { .. } => self
                    .commit
                    .push(Line::styled("(earlier conversation compacted)", pal.dim())),
                // Per-message context (skills catalog, MCP notes) is for the
                // model, not part of what the user saw.
                Item::Context { .. } => {}
            }
        }
    }
}

fn approval_verb(tool: &str) -> &'static str {
    match tool {
        "apply_patch" => "change files (diff above):",
        "shell" => "run:",
        _ => "act:",
    }
}
