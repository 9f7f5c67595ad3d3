//! A resumed session's history written back into the scrollback.

use std::path::Path;

use quire::model::Usage;
use quire::store::Record;
use ratatui::text::{Line, Span};
use serde_json::Value;

use super::App;
use crate::cli::summary::tool_line;
use crate::tui::{cells, markdown};

impl App {
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

    /// The status line carries on from a resumed session's file: its
    /// tokens so far (the session's own count starts again at zero) and
    /// the context its last response used.
    pub fn resumed_from(&mut self, file: &Path) {
        let (total, last) = recorded_usage(file);
        self.status.resumed = total;
        self.status.total = total;
        self.status.context_used = last.map_or(0, |u| u.input_tokens);
    }
}

/// The usage of every response a session file recorded (its
/// `turn_completed` events), added up, and the last one.
pub fn recorded_usage(file: &Path) -> (Usage, Option<Usage>) {
    let mut total = Usage::default();
    let mut last = None;
    let Ok(text) = std::fs::read_to_string(file) else {
        return (total, last);
    };
    for line in text.lines() {
        let Ok(Record::Event { event }) = serde_json::from_str::<Record>(line) else {
            continue;
        };
        if event.get("type").and_then(Value::as_str) != Some("turn_completed") {
            continue;
        }
        if let Some(u) = event
            .get("usage")
            .and_then(|u| serde_json::from_value::<Usage>(u.clone()).ok())
        {
            total.add(&u);
            last = Some(u);
        }
    }
    (total, last)
}
