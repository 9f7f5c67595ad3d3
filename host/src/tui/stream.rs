//! Streamed assistant text: complete markdown blocks are rendered and
//! committed to the terminal's scrollback as they arrive; the block still
//! being written stays in the live area (re-rendered, so re-wrapped on
//! resize) until it is complete. Work per delta stays small however long
//! the answer: only the unfinished tail is rendered, a list commits item
//! by item, and the live preview of a very long block renders its last
//! lines only.

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
    /// The committed part ends inside a list, before its next item.
    list_open: bool,
    /// The committed part ends inside a paragraph, after a complete line.
    para_open: bool,
}

/// The most source lines of an unfinished block the live area renders
/// (it shows a few rows; a long table or paragraph is committed whole when
/// it ends).
const LIVE_SOURCE_LINES: usize = 200;

impl Stream {
    pub fn is_empty(&self) -> bool {
        self.text.len() == self.committed
    }

    /// Adds a delta; returns the lines of blocks it completed.
    pub fn push(&mut self, delta: &str, width: u16, pal: &Palette) -> Vec<Line<'static>> {
        self.text.push_str(delta);
        if let Some((cut, in_list)) = self.stable_end() {
            let lines = self.commit_to(cut, width, pal);
            self.list_open = in_list;
            self.para_open = false;
            return lines;
        }
        // A long paragraph goes to the scrollback a line at a time.
        let Some(cut) = self.paragraph_end() else {
            return Vec::new();
        };
        let lines = self.commit_to(cut, width, pal);
        self.para_open = true;
        lines
    }

    /// Everything not committed yet, rendered for the live area.
    pub fn live(&self, width: u16, pal: &Palette) -> Vec<Line<'static>> {
        if self.is_empty() {
            return Vec::new();
        }
        let src = self.source(self.text.len());
        let start = src
            .rmatch_indices('\n')
            .nth(LIVE_SOURCE_LINES)
            .map_or(0, |(i, _)| i + 1);
        markdown::render(&src[start..], width, pal)
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
        let continues = self.open_fence.is_some()
            || self.para_open
            || self.list_open
                && self.text[self.committed..]
                    .lines()
                    .next()
                    .is_some_and(is_item);
        let src = self.source(cut);
        self.open_fence = fence_after(&src);
        self.committed = cut;
        let mut lines = markdown::render(&src, width, pal);
        if self.any && !continues && !lines.is_empty() {
            lines.insert(0, Line::default());
        }
        self.any |= !lines.is_empty();
        lines
    }

    /// The end of the last complete block: after a blank line outside code,
    /// after any complete line inside a code block, before the next item of
    /// a list (then `true`: the list goes on). An item is kept whole until
    /// the next one or the list's end (a line not indented after a blank
    /// one): its code blocks and paragraphs are drawn under its text.
    fn stable_end(&self) -> Option<(usize, bool)> {
        let mut in_fence = self.open_fence.is_some();
        let mut in_list = self.list_open;
        // A blank line was seen in the list since its last text.
        let mut gap = false;
        let mut best = None;
        let rest = &self.text[self.committed..];
        let mut offset = 0;
        while let Some(nl) = rest[offset..].find('\n') {
            let line = &rest[offset..offset + nl];
            let start = self.committed + offset;
            let end = start + nl + 1;
            let trimmed = line.trim_start();
            let fence = trimmed.starts_with("```") || trimmed.starts_with("~~~");
            let indented = line.starts_with([' ', '\t']);
            let blank = line.trim().is_empty();
            // Not indented: a fence, or any text after a blank line, ends
            // the list (an item goes on it).
            let ends = fence || gap;
            if in_list && !in_fence && !blank && !indented && !is_item(line) && ends {
                if start > self.committed {
                    best = Some((start, false));
                }
                in_list = false;
            }
            gap = gap && blank;
            if fence {
                in_fence = !in_fence;
                if !in_fence && !in_list {
                    best = Some((end, false));
                }
            } else if in_fence {
                if !in_list {
                    best = Some((end, false));
                }
            } else if blank {
                if in_list {
                    gap = true;
                } else {
                    best = Some((end, false));
                }
            } else if is_item(line) {
                if in_list && offset > 0 {
                    best = Some((start, true));
                }
                in_list = true;
            }
            offset += nl + 1;
        }
        best.filter(|(b, _)| *b > self.committed)
    }
}

impl Stream {
    /// The end of the last line of an unfinished paragraph that can no
    /// longer change: a complete line, followed by another complete one
    /// that goes on with the paragraph (not an underline making it a
    /// heading, nor a table's delimiter row), with every emphasis, code
    /// span and link of the lines up to it closed. The part up to there
    /// is rendered alone, so it keeps its line breaks.
    fn paragraph_end(&self) -> Option<usize> {
        if self.open_fence.is_some() || self.list_open {
            return None;
        }
        let rest = &self.text[self.committed..];
        let mut ends = Vec::new();
        let mut offset = 0;
        while let Some(nl) = rest[offset..].find('\n') {
            let line = &rest[offset..offset + nl];
            let first = offset == 0 && !self.para_open;
            if !paragraph_line(line, first) {
                break;
            }
            offset += nl + 1;
            ends.push(offset);
        }
        // The last complete line may still turn out to be an underline's
        // paragraph: only the ones before it are committed.
        ends.pop();
        ends.into_iter()
            .rev()
            .find(|&end| closed(&rest[..end]))
            .map(|end| self.committed + end)
    }
}

/// A line that goes on with a paragraph (`first`: starts one): not blank,
/// not a heading, quote, fence, table row, list item, HTML block, rule or
/// setext underline.
fn paragraph_line(line: &str, first: bool) -> bool {
    let t = line.trim_start();
    let indent = line.len() - t.len();
    !t.is_empty()
        && !(first && (indent >= 4 || line.starts_with('\t')))
        && !t.starts_with(['#', '>', '|', '<', '`', '~'])
        && !line.contains('|')
        && !is_item(t)
        && !t
            .chars()
            .all(|c| matches!(c, '=' | '-' | '*' | '_' | ' ' | '\t'))
}

/// Whether every inline construct `text` opens is closed in it: code
/// spans, `**`/`*`/`__`/`_` emphasis (a `_` inside a word is text), `~~`
/// and links.
fn closed(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let count = |c: char| chars.iter().filter(|&&x| x == c).count();
    let word = |i: usize| chars.get(i).is_some_and(|c| c.is_alphanumeric());
    let underscores = (0..chars.len())
        .filter(|&i| chars[i] == '_' && !(i > 0 && word(i - 1) && word(i + 1)))
        .count();
    count('`') % 2 == 0
        && count('*') % 2 == 0
        && count('~') % 2 == 0
        && underscores % 2 == 0
        && count('[') == count(']')
        && count('(') == count(')')
}

/// A line that starts a top-level list item (`- `, `* `, `+ `, `1. `, `1) `).
fn is_item(line: &str) -> bool {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &line[digits..];
    if digits > 0 {
        return digits < 10 && (rest.starts_with(". ") || rest.starts_with(") "));
    }
    ["- ", "* ", "+ "].iter().any(|m| line.starts_with(m))
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

    #[test]
    fn a_tight_list_commits_item_by_item_without_gaps() {
        let pal = Palette::new(false);
        let mut s = Stream::default();
        assert!(s.push("Intro.\n\n- one\n", 80, &pal).len() == 1);
        assert_eq!(text(&s.push("- two\n", 80, &pal)), vec!["", "• one"]);
        assert_eq!(
            text(&s.push("  more of two\n- three\n", 80, &pal)),
            vec!["• two", "  more of two"]
        );
        assert_eq!(text(&s.live(80, &pal)), vec!["• three"]);
        assert_eq!(text(&s.finish(80, &pal)), vec!["• three"]);
        // An ordered list keeps its numbers across commits.
        let mut s = Stream::default();
        assert_eq!(text(&s.push("1. a\n2. b\n3. c", 80, &pal)), vec!["1. a"]);
        assert_eq!(text(&s.finish(80, &pal)), vec!["2. b", "3. c"]);
    }

    /// What `md` streamed in pieces of `chars` characters commits.
    fn streamed(md: &str, chars: usize) -> Vec<String> {
        let pal = Palette::new(false);
        let mut s = Stream::default();
        let mut lines = Vec::new();
        let all: Vec<char> = md.chars().collect();
        for piece in all.chunks(chars) {
            let piece: String = piece.iter().collect();
            lines.extend(text(&s.push(&piece, 80, &pal)));
        }
        lines.extend(text(&s.finish(80, &pal)));
        lines
    }

    #[test]
    fn code_in_a_list_item_is_drawn_under_it_streamed_as_whole() {
        let pal = Palette::new(false);
        let md = "Steps:\n\n- list with code:\n\n  ```bash\n  echo \"inside list\"\n  ```\n\n  after it\n\n- second item\n\nThe end.\n";
        let streamed = streamed(md, 5);
        assert_eq!(
            streamed,
            [
                "Steps:",
                "",
                "• list with code:",
                "  echo \"inside list\"",
                "  after it",
                "• second item",
                "",
                "The end."
            ]
        );
        assert_eq!(streamed, text(&markdown::render(md, 80, &pal)));
    }

    #[test]
    fn a_paragraph_keeps_its_line_breaks_streamed_or_whole() {
        let pal = Palette::new(false);
        let md = "Intro.\n\none\ntwo\nthree\nfour";
        let streamed = streamed(md, 1);
        assert!(
            streamed.ends_with(&["", "one", "two", "three", "four"].map(String::from)),
            "{streamed:?}"
        );
        let mut s = Stream::default();
        let mut whole = text(&s.push(md, 80, &pal));
        whole.extend(text(&s.finish(80, &pal)));
        assert!(whole.ends_with(&streamed), "{whole:?} vs {streamed:?}");
    }

    #[test]
    fn a_long_paragraph_commits_its_lines_as_they_can_no_longer_change() {
        let pal = Palette::new(false);
        let mut s = Stream::default();
        assert!(s.push("Intro.\n\nline", 80, &pal).len() == 1);
        // The last complete line could still be a heading's (an
        // underline next): it waits for the next line.
        assert!(s.push(" one\n", 80, &pal).is_empty());
        assert_eq!(text(&s.push("line two\n", 80, &pal)), vec!["", "line one"]);
        assert!(s.push("line three", 80, &pal).is_empty());
        assert_eq!(
            text(&s.push("\nline four\n", 80, &pal)),
            vec!["line two", "line three"]
        );
        assert_eq!(text(&s.live(80, &pal)), vec!["line four"]);
        assert_eq!(text(&s.finish(80, &pal)), vec!["line four"]);
        // An emphasis open over lines waits for its end.
        let mut s = Stream::default();
        assert_eq!(
            text(&s.push("a **b\nc\nd** e\nf\ng\n", 80, &pal)),
            vec!["a b", "c", "d e", "f"]
        );
        assert_eq!(text(&s.finish(80, &pal)), vec!["g"]);
        // A paragraph that becomes a heading or a table is not cut.
        let mut s = Stream::default();
        assert!(s.push("Title\n===\nmore\n", 80, &pal).is_empty());
        let mut s = Stream::default();
        assert!(s.push("a | b\n--|--\n1 | 2\n", 80, &pal).is_empty());
    }

    #[test]
    fn the_live_preview_of_a_long_block_renders_its_tail() {
        let pal = Palette::new(false);
        let mut s = Stream::default();
        let long: String = (0..1000).map(|i| format!("| {i} |\n")).collect();
        assert!(s.push(&long, 80, &pal).is_empty(), "a table is one block");
        let live = text(&s.live(80, &pal));
        assert!(live.len() <= LIVE_SOURCE_LINES + 1, "{}", live.len());
        assert!(live.concat().contains("999"));
        assert!(!live.concat().contains("| 5 |"));
        assert!(text(&s.finish(80, &pal)).concat().contains("| 5 |"));
    }
}
