//! A resumed session's history written back into the scrollback.

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
}
