//! The last lines of a running command's output, shown dimmed under its
//! working line (`Event::ToolOutputDelta`; each call keeps its own).
//! Lines as a terminal leaves them (`printable::as_terminal_line`: a
//! progress bar's `\r` frames at their last state, escape sequences and
//! controls dropped), tabs to their stops, blank lines skipped, each cut
//! to the width. They go when the call ends; its cell shows the output.

use std::collections::VecDeque;

use quire::printable::as_terminal_line;
use ratatui::text::{Line, Span};

use super::cells::clip_columns;
use super::style::Palette;

/// Rows of output shown under a running command.
pub const ROWS: usize = 5;
/// The most bytes kept of a line not ended yet (its head; a `\r` frame's
/// earlier states are folded first).
const LINE_MAX: usize = 8192;

/// One call's output: its last whole lines and the line being written.
#[derive(Debug, Default)]
pub struct Tail {
    lines: VecDeque<String>,
    /// Raw, as the command wrote it since the last `\n`.
    open: String,
}

impl Tail {
    pub fn push(&mut self, delta: &str) {
        let mut rest = delta;
        while let Some(at) = rest.find('\n') {
            self.extend_open(&rest[..at]);
            let line = as_terminal_line(&std::mem::take(&mut self.open));
            if !line.trim().is_empty() {
                self.lines.push_back(line);
                if self.lines.len() > ROWS {
                    self.lines.pop_front();
                }
            }
            rest = &rest[at + 1..];
        }
        self.extend_open(rest);
    }

    fn extend_open(&mut self, piece: &str) {
        self.open.push_str(piece);
        if self.open.len() <= LINE_MAX {
            return;
        }
        // Frames a `\r` went back over, folded into what they left.
        if let Some(r) = self.open.rfind('\r') {
            let folded = as_terminal_line(&self.open[..r]);
            self.open = format!("{folded}\r{}", &self.open[r + 1..]);
        }
        if self.open.len() > LINE_MAX {
            let mut cut = LINE_MAX;
            while !self.open.is_char_boundary(cut) {
                cut -= 1;
            }
            self.open.truncate(cut);
        }
    }

    /// The lines shown, oldest first (at most [`ROWS`]).
    pub fn shown(&self) -> Vec<String> {
        let open = as_terminal_line(&self.open);
        let mut all: Vec<String> = self.lines.iter().cloned().collect();
        if !open.trim().is_empty() {
            all.push(open);
        }
        let skip = all.len().saturating_sub(ROWS);
        all.split_off(skip)
    }

    /// The rows under the working line, its `last` lines at most:
    /// dimmed, cut to `width`.
    pub fn rows(&self, width: u16, last: usize, pal: &Palette) -> Vec<Line<'static>> {
        let max = usize::from(width).saturating_sub(4).max(1);
        let shown = self.shown();
        shown[shown.len().saturating_sub(last)..]
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let lead = if i == 0 { "  └ " } else { "    " };
                let text = clip_columns(&quire::tabs::expand(l), max);
                Line::from(vec![Span::raw(lead), Span::styled(text, pal.dim())])
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tail(deltas: &[&str]) -> Vec<String> {
        let mut t = Tail::default();
        for d in deltas {
            t.push(d);
        }
        t.shown()
    }

    #[test]
    fn the_last_lines_show_a_line_split_across_deltas_whole() {
        assert_eq!(
            tail(&["one\ntwo\nthr", "ee\n\n   \nfour\nfive\nsix\nsev"]),
            ["three", "four", "five", "six", "sev"],
            "blank lines skipped, the open line shown"
        );
    }

    #[test]
    fn a_progress_bar_shows_its_last_state_and_escapes_are_dropped() {
        assert_eq!(
            tail(&[
                "\u{1b}[32mok\u{1b}[0m\n",
                "10%\r50",
                "%\r100%",
                "\n\u{1b}]0;t\u{7}\u{1b}[2Jend"
            ]),
            ["ok", "100%", "end"]
        );
        // An escape sequence split between two deltas is not shown in part.
        assert_eq!(tail(&["a\u{1b}[3", "1mb\n"]), ["ab"]);
    }

    #[test]
    fn an_endless_line_stays_bounded() {
        let mut t = Tail::default();
        for i in 0..10_000 {
            t.push(&format!("\rprogress {i}"));
        }
        assert!(t.open.len() <= LINE_MAX);
        assert_eq!(t.shown(), ["progress 9999"]);
        let mut t = Tail::default();
        for _ in 0..10_000 {
            t.push("xxxxxxxxxx");
        }
        assert!(t.open.len() <= LINE_MAX);
    }

    #[test]
    fn long_lines_are_cut_to_the_width() {
        let mut t = Tail::default();
        t.push(&format!("{}\n", "y".repeat(200)));
        let rows = t.rows(40, ROWS, &Palette::new(false));
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].width(), 40);
    }
}
