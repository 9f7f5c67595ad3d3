//! Streamed assistant text: complete markdown blocks are rendered and
//! committed to the terminal's scrollback as they arrive; the block still
//! being written stays in the live area (re-rendered, so re-wrapped on
//! resize) until it is complete.

use ratatui::text::Line;

use super::markdown;
use super::style::Palette;

#[derive(Default)]
pub struct Stream {
    text: String,
    /// Bytes of `text` already committed.
    committed: usize,
    /// The opening fence of a code block the committed part ends inside.
    open_fence: Option<String>,
    /// Whether anything was committed (a blank line separates blocks).
    any: bool,
}

impl Stream {
    pub fn is_empty(&self) -> bool {
        self.text.len() == self.committed
    }

    /// Adds a delta; returns the lines of blocks it completed.
    pub fn push(&mut self, delta: &str, width: u16, pal: &Palette) -> Vec<Line<'static>> {
        self.text.push_str(delta);
        let Some(cut) = self.stable_end() else {
            return Vec::new();
        };
        self.commit_to(cut, width, pal)
    }

    /// Everything not committed yet, rendered for the live area.
    pub fn live(&self, width: u16, pal: &Palette) -> Vec<Line<'static>> {
        if self.is_empty() {
            return Vec::new();
        }
        markdown::render(&self.source(self.text.len()), width, pal)
    }

    /// The message is complete: the rest is committed.
    pub fn finish(&mut self, width: u16, pal: &Palette) -> Vec<Line<'static>> {
        let end = self.text.len();
        let lines = if self.is_empty() {
            Vec::new()
        } else {
            self.commit_to(end, width, pal)
        };
        *self = Stream::default();
        lines
    }

    fn source(&self, end: usize) -> String {
        let mut s = self.open_fence.clone().unwrap_or_default();
        s.push_str(&self.text[self.committed..end]);
        s
    }

    fn commit_to(&mut self, cut: usize, width: u16, pal: &Palette) -> Vec<Line<'static>> {
        let continues_code = self.open_fence.is_some();
        let src = self.source(cut);
        self.open_fence = fence_after(&src);
        self.committed = cut;
        let mut lines = markdown::render(&src, width, pal);
        if self.any && !continues_code && !lines.is_empty() {
            lines.insert(0, Line::default());
        }
        self.any |= !lines.is_empty();
        lines
    }

    /// The end of the last complete block: after a blank line outside code,
    /// after any complete line inside a code block.
    fn stable_end(&self) -> Option<usize> {
        let mut in_fence = self.open_fence.is_some();
        let mut best = None;
        let rest = &self.text[self.committed..];
        let mut offset = 0;
        while let Some(nl) = rest[offset..].find('\n') {
            let line = &rest[offset..offset + nl];
            let end = self.committed + offset + nl + 1;
            let trimmed = line.trim_start();
            if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
                in_fence = !in_fence;
                if !in_fence {
                    best = Some(end);
                }
            } else if in_fence || line.trim().is_empty() {
                best = Some(end);
            }
            offset += nl + 1;
        }
        best.filter(|b| *b > self.committed)
    }
}

/// The fence line of a code block left open at the end of `src`.
fn fence_after(src: &str) -> Option<String> {
    let mut open: Option<String> = None;
    for line in src.lines() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            open = match open {
                Some(_) => None,
                None => Some(format!("{}\n", t.trim_end())),
            };
        }
    }
    open
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line<'_>]) -> Vec<String> {
        lines.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn commits_complete_blocks_and_keeps_the_open_one_live() {
        let pal = Palette::new(false);
        let mut s = Stream::default();
        assert!(s.push("# Title\n\nSome **bold", 80, &pal).len() == 1);
        // Unfinished emphasis shows as typed until it closes.
        assert_eq!(text(&s.live(80, &pal)), vec!["Some **bold"]);
        let more = s.push(" text**.\n\n```rust\nfn main() {}\n", 80, &pal);
        assert_eq!(text(&more), vec!["", "Some bold text.", "", "fn main() {}"]);
        let rest = s.push("let x = 1;\n```\nafter", 80, &pal);
        assert_eq!(text(&rest), vec!["let x = 1;"]);
        assert_eq!(text(&s.finish(80, &pal)), vec!["", "after"]);
    }
}
