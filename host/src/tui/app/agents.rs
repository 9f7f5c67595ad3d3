//! Subagents in the terminal view: a live line per running child in the
//! live area during a turn (one compact line between turns while some
//! still run in the background), one collapsed line in the scrollback when a child ends, its
//! transcript on Ctrl-O (the newest not yet expanded) or `/agents show ID`.

use std::time::Instant;

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::App;
use crate::cli::children::{live_line, summary_line, title, transcript};
use crate::cli::summary::{clip, hook_completed_line};
use crate::tui::status::SPIN;

/// After a finished child's line when it fits.
const HINT: &str = "  (Ctrl-O expands)";

/// At most this many running children get a live line (then `+N more`).
const LIVE_ROWS: usize = 4;

impl App {
    pub(super) fn child_event(&mut self, ev: &quire::agent::Event) {
        // A child's hook runs: one line each, as the parent's, named.
        if let quire::agent::Event::Agent(a) = ev
            && let Some((line, ok)) = hook_completed_line(ev)
        {
            let who = self
                .children
                .find(&a.agent_id)
                .map_or_else(|| format!("agent {}", a.agent_name), title);
            let style = if ok { self.pal.dim() } else { self.pal.warn() };
            self.note(&format!("{who}: {line}"), style);
        }
        let ended = self
            .children
            .event(ev)
            .map(|c| (summary_line(c), c.status.as_deref() == Some("done")));
        if let Some((line, ok)) = ended {
            let style = if ok { self.pal.dim() } else { self.pal.warn() };
            let width = usize::from(self.width).max(20);
            let mut spans = vec![Span::styled(clip(&line, width), style)];
            if line.chars().count() + HINT.chars().count() <= width {
                spans.push(Span::styled(HINT, self.pal.dim()));
            }
            self.push_lines(vec![Line::from(spans)]);
        }
    }

    /// The live lines of the running children (drawn above the working
    /// indicator).
    pub(in crate::tui) fn child_rows(&self, width: u16, now: Instant) -> Vec<Line<'static>> {
        let running: Vec<_> = self.children.running().collect();
        let mut rows: Vec<Line<'static>> = running
            .iter()
            .take(LIVE_ROWS)
            .map(|c| {
                let lead = format!("  {}{} ", c.indent(), SPIN[self.frame % SPIN.len()]);
                let room = usize::from(width).saturating_sub(lead.chars().count() + 1);
                let text = clip(&live_line(c, now), room);
                Line::from(vec![
                    Span::styled(lead, self.pal.accent()),
                    Span::styled(text, self.pal.dim()),
                ])
            })
            .collect();
        if running.len() > LIVE_ROWS {
            rows.push(Line::styled(
                format!(
                    "    +{} more agents running (/agents)",
                    running.len() - LIVE_ROWS
                ),
                self.pal.dim(),
            ));
        }
        rows
    }

    /// Between turns: one compact line while children still run in the
    /// background (the parent's turn ended without waiting for them), so
    /// nothing runs unseen. No spinner or clock: nothing redraws the idle
    /// view but events and keys.
    pub(in crate::tui) fn background_rows(&self, width: u16) -> Vec<Line<'static>> {
        let running: Vec<_> = self.children.running().collect();
        let text = match running.as_slice() {
            [] => return Vec::new(),
            [c] => format!(
                "◦ {} runs in the background (/agents) · {}",
                c.name,
                c.running.as_deref().unwrap_or("thinking")
            ),
            many => format!(
                "◦ {} agents run in the background: {} (/agents)",
                many.len(),
                many.iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let room = usize::from(width).saturating_sub(3);
        vec![Line::styled(
            format!("  {}", clip(&text, room)),
            self.pal.dim(),
        )]
    }

    /// Ctrl-O: prints the transcript of the newest finished child not yet
    /// expanded into the scrollback.
    pub fn expand_child(&mut self) {
        let lines = self.children.next_to_expand().map(|c| {
            c.expanded = true;
            transcript(c)
        });
        match lines {
            Some(lines) => self.child_lines(lines, self.pal.dim()),
            None => {
                let why = if self.children.list.is_empty() {
                    "no subagent has run in this session"
                } else {
                    "every finished subagent is expanded (/agents show ID prints one again)"
                };
                self.note(why, self.pal.dim());
            }
        }
    }

    /// `/agents …`: the list, a transcript, or a branch merged/discarded.
    pub fn agents_command(&mut self, arg: &str, cwd: &std::path::Path) {
        match crate::cli::agents_slash::run(&mut self.children, arg, cwd) {
            Ok(lines) => self.child_lines(lines, Style::default()),
            Err(e) => self.note(&format!("error: {e}"), self.pal.bad()),
        }
    }

    fn child_lines(&mut self, lines: Vec<String>, style: Style) {
        let width = usize::from(self.width).max(20);
        let lines = lines
            .into_iter()
            .map(|l| Line::styled(clip(&l, width), style))
            .collect();
        self.push_lines(lines);
    }
}
