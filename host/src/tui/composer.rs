//! The composer: a multi-line input with a cursor, history and paste
//! placeholders. Keys are handled by the app; this is the text model.

use unicode_segmentation::{GraphemeCursor, UnicodeSegmentation};
use unicode_width::UnicodeWidthStr;

/// Pastes longer than this many characters (or with more lines than
/// [`PASTE_LINES`]) are shown as a placeholder and sent whole.
pub const PASTE_CHARS: usize = 1000;
pub const PASTE_LINES: usize = 10;

#[derive(Default)]
pub struct Composer {
    lines: Vec<String>,
    row: usize,
    /// Cursor column, a byte offset into the line that is always at a
    /// [stop](Composer::stops): never inside a character or a paste
    /// placeholder.
    col: usize,
    pastes: Vec<(String, String)>,
    /// The pastes of messages submitted lately (`composer/pastes.rs`):
    /// one given back gets its placeholders again.
    sent_pastes: Vec<(String, String)>,
    /// Where the last paste ended (row, byte column): a backslash right
    /// before it is the paste's, not a typed line break.
    pasted_end: Option<(usize, usize)>,
    /// Images attached (`[image: NAME]` placeholders), and those of
    /// messages submitted but not sent yet (see `composer/images.rs`).
    images: Vec<(String, quire::images::Image)>,
    submitted_images: Vec<(String, quire::images::Image)>,
    sent_images: Vec<(String, quire::images::Image)>,
    history: Vec<String>,
    /// Position while browsing the history, and the draft it replaced.
    browsing: Option<(usize, String)>,
}

impl Composer {
    pub fn new(history: Vec<String>) -> Composer {
        Composer {
            lines: vec![String::new()],
            history,
            ..Default::default()
        }
    }

    pub fn is_empty(&self) -> bool {
        self.lines.iter().all(String::is_empty)
    }

    /// The text as shown (placeholders not expanded).
    pub fn text(&self) -> String {
        self.lines.join("\n")
    }

    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    /// Cursor row and display column.
    pub fn cursor(&self) -> (usize, usize) {
        (self.row, self.lines[self.row][..self.col].width())
    }

    /// The cursor's line: before the cursor and after it.
    pub fn around_cursor(&self) -> (&str, &str) {
        self.lines[self.row].split_at(self.col)
    }

    /// Replaces the text (cursor at the end).
    pub fn set(&mut self, text: &str) {
        self.lines = text.split('\n').map(str::to_string).collect();
        if self.lines.is_empty() {
            self.lines.push(String::new());
        }
        self.row = self.lines.len() - 1;
        self.col = self.lines[self.row].len();
        self.browsing = None;
        self.pasted_end = None;
        self.restore_images(text);
    }

    pub fn clear(&mut self) {
        self.set("");
        self.pastes.clear();
        self.images.clear();
    }

    /// Takes the text to send, placeholders expanded, and remembers it in
    /// the history.
    pub fn submit(&mut self) -> String {
        let shown = self.text();
        let mut text = shown.clone();
        for (placeholder, pasted) in &self.pastes {
            text = text.replacen(placeholder.as_str(), pasted, 1);
        }
        self.keep_submitted_images(&text);
        self.keep_sent_pastes(&shown);
        if !shown.trim().is_empty()
            && self.history.last() != Some(&text)
            && super::history::fits(&text)
        {
            self.history.push(text.clone());
        }
        self.clear();
        text
    }

    pub fn insert_str(&mut self, s: &str) {
        for (i, part) in s.split('\n').enumerate() {
            if i > 0 {
                self.newline();
            }
            let part: String = part.chars().filter(|c| *c != '\r').collect();
            self.lines[self.row].insert_str(self.col, &part);
            self.col += part.len();
        }
    }

    pub fn insert(&mut self, c: char) {
        self.pasted_end = None;
        self.lines[self.row].insert(self.col, c);
        self.col += c.len_utf8();
    }

    pub fn newline(&mut self) {
        let rest = self.lines[self.row].split_off(self.col);
        self.row += 1;
        self.lines.insert(self.row, rest);
        self.col = 0;
    }

    /// `\` then Enter (the habit of shells, Claude Code and Codex): the
    /// backslash right before the cursor is replaced by a line break;
    /// whether there was one. One a paste ended with (a Windows path, a
    /// copied shell line) stays: Enter then sends.
    pub fn backslash_newline(&mut self) -> bool {
        if !self.lines[self.row][..self.col].ends_with('\\') || self.pasted_before_cursor() {
            return false;
        }
        self.col -= 1;
        self.lines[self.row].remove(self.col);
        self.newline();
        true
    }

    /// The byte ranges of the current line that paste placeholders take.
    fn placeholders(&self) -> Vec<(usize, usize)> {
        let line = &self.lines[self.row];
        let mut spans = Vec::new();
        let images = self.images.iter().map(|(p, _)| p);
        for placeholder in self.pastes.iter().map(|(p, _)| p).chain(images) {
            spans.extend(
                line.match_indices(placeholder.as_str())
                    .map(|(i, m)| (i, i + m.len())),
            );
        }
        spans
    }

    /// The stop before the cursor on its line (`None` at the start).
    fn prev_stop(&self) -> Option<usize> {
        let line = &self.lines[self.row];
        let mut at = prev_boundary(line, self.col)?;
        for (s, e) in self.placeholders() {
            if s < at && at < e {
                at = s;
            }
        }
        Some(at)
    }

    /// The stop after the cursor on its line (`None` at the end).
    fn next_stop(&self) -> Option<usize> {
        let line = &self.lines[self.row];
        let mut at = next_boundary(line, self.col)?;
        for (s, e) in self.placeholders() {
            if s < at && at < e {
                at = e;
            }
        }
        Some(at)
    }

    /// The stop at or before display column `width` on the current line.
    fn stop_at_width(&self, width: usize) -> usize {
        let line = &self.lines[self.row];
        let spans = self.placeholders();
        let mut best = 0;
        let mut shown = 0;
        for (i, g) in line.grapheme_indices(true) {
            shown += g.width();
            let at = i + g.len();
            if shown > width {
                break;
            }
            if !spans.iter().any(|(s, e)| *s < at && at < *e) {
                best = at;
            }
        }
        best
    }

    pub fn backspace(&mut self) {
        self.pasted_end = None;
        if let Some(at) = self.prev_stop() {
            self.lines[self.row].replace_range(at..self.col, "");
            self.col = at;
        } else if self.row > 0 {
            let line = self.lines.remove(self.row);
            self.row -= 1;
            self.col = self.lines[self.row].len();
            self.lines[self.row].push_str(&line);
        }
    }

    pub fn delete(&mut self) {
        if let Some(at) = self.next_stop() {
            self.lines[self.row].replace_range(self.col..at, "");
        } else if self.row + 1 < self.lines.len() {
            let next = self.lines.remove(self.row + 1);
            self.lines[self.row].push_str(&next);
        }
    }

    /// Deletes the word before the cursor (Ctrl-W).
    pub fn delete_word(&mut self) {
        while self.col > 0 && self.char_before().is_some_and(char::is_whitespace) {
            self.backspace();
        }
        while self.col > 0 && self.char_before().is_some_and(|c| !c.is_whitespace()) {
            self.backspace();
        }
    }

    /// Deletes to the start of the line (Ctrl-U).
    pub fn kill_to_start(&mut self) {
        self.lines[self.row].replace_range(..self.col, "");
        self.col = 0;
    }

    /// Deletes to the end of the line, or at its end joins the next one
    /// (Ctrl-K).
    pub fn kill_to_end(&mut self) {
        if self.col < self.lines[self.row].len() {
            self.lines[self.row].truncate(self.col);
        } else {
            self.delete();
        }
    }

    /// Moves to the start of the word before the cursor (Alt-b,
    /// Alt/Ctrl-Left); at a line's start, to the end of the line above.
    pub fn word_left(&mut self) {
        if self.col == 0 {
            self.left();
            return;
        }
        while self.char_before().is_some_and(char::is_whitespace) {
            self.left();
        }
        while self.char_before().is_some_and(|c| !c.is_whitespace()) {
            self.left();
        }
    }

    /// Moves to the end of the word after the cursor (Alt-f,
    /// Alt/Ctrl-Right); at a line's end, to the start of the line below.
    pub fn word_right(&mut self) {
        if self.col == self.lines[self.row].len() {
            self.right();
            return;
        }
        while self.char_after().is_some_and(char::is_whitespace) {
            self.right();
        }
        while self.char_after().is_some_and(|c| !c.is_whitespace()) {
            self.right();
        }
    }

    /// Deletes the word after the cursor (Alt-d); at a line's end, joins
    /// the next line.
    pub fn delete_word_forward(&mut self) {
        if self.col == self.lines[self.row].len() {
            self.delete();
            return;
        }
        let start = self.col;
        self.word_right();
        self.lines[self.row].replace_range(start..self.col, "");
        self.col = start;
    }

    fn char_after(&self) -> Option<char> {
        self.lines[self.row][self.col..].chars().next()
    }

    fn char_before(&self) -> Option<char> {
        self.lines[self.row][..self.col].chars().next_back()
    }

    pub fn left(&mut self) {
        if let Some(at) = self.prev_stop() {
            self.col = at;
        } else if self.row > 0 {
            self.row -= 1;
            self.col = self.lines[self.row].len();
        }
    }

    pub fn right(&mut self) {
        if let Some(at) = self.next_stop() {
            self.col = at;
        } else if self.row + 1 < self.lines.len() {
            self.row += 1;
            self.col = 0;
        }
    }

    pub fn home(&mut self) {
        self.col = 0;
    }

    pub fn end(&mut self) {
        self.col = self.lines[self.row].len();
    }

    /// ↑: the line above, or on the first line the previous history entry.
    pub fn up(&mut self) {
        if self.row > 0 {
            let width = self.cursor().1;
            self.row -= 1;
            self.col = self.stop_at_width(width);
            return;
        }
        let next = match &self.browsing {
            Some((i, _)) if *i > 0 => i - 1,
            Some(_) => return,
            None if self.history.is_empty() => return,
            None => self.history.len() - 1,
        };
        let draft = match self.browsing.take() {
            Some((_, d)) => d,
            None => self.text(),
        };
        let entry = self.history[next].clone();
        self.set(&entry);
        self.browsing = Some((next, draft));
    }

    /// ↓: the line below, or on the last line the next history entry.
    pub fn down(&mut self) {
        if self.row + 1 < self.lines.len() {
            let width = self.cursor().1;
            self.row += 1;
            self.col = self.stop_at_width(width);
            return;
        }
        let Some((i, draft)) = self.browsing.take() else {
            return;
        };
        if i + 1 < self.history.len() {
            let entry = self.history[i + 1].clone();
            self.set(&entry);
            self.browsing = Some((i + 1, draft));
        } else {
            self.set(&draft);
        }
    }

    /// The word the cursor is at the end of (for completion); an open
    /// `@"…` (a quoted path being typed) is one word, spaces and all.
    pub fn current_word(&self) -> &str {
        let line = &self.lines[self.row];
        let before = &line[..self.col];
        if let Some(q) = before.rfind("@\"")
            && before[..q]
                .chars()
                .next_back()
                .is_none_or(char::is_whitespace)
            && !before[q + 2..].contains('"')
        {
            return &before[q..];
        }
        let start = before
            .rfind(char::is_whitespace)
            .map(|i| i + before[i..].chars().next().map_or(1, char::len_utf8))
            .unwrap_or(0);
        &line[start..self.col]
    }

    /// Replaces the word before the cursor with `with`.
    pub fn replace_word(&mut self, with: &str) {
        let start = self.col - self.current_word().len();
        self.lines[self.row].replace_range(start..self.col, "");
        self.col = start;
        self.insert_str(with);
    }

    #[cfg(test)]
    pub fn history(&self) -> &[String] {
        &self.history
    }
}

/// The grapheme cluster boundary before `at` in `s` (an emoji sequence,
/// a flag or a letter with its combining marks is one step).
fn prev_boundary(s: &str, at: usize) -> Option<usize> {
    GraphemeCursor::new(at, s.len(), true)
        .prev_boundary(s, 0)
        .ok()
        .flatten()
}

/// The grapheme cluster boundary after `at` in `s`.
fn next_boundary(s: &str, at: usize) -> Option<usize> {
    GraphemeCursor::new(at, s.len(), true)
        .next_boundary(s, 0)
        .ok()
        .flatten()
}

mod images;
mod pastes;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_line_editing_and_history() {
        let mut c = Composer::new(vec!["old one".into()]);
        c.insert_str("first");
        c.newline();
        c.insert_str("second");
        assert_eq!(c.text(), "first\nsecond");
        c.up();
        assert_eq!(c.cursor().0, 0);
        c.up();
        assert_eq!(c.text(), "old one");
        c.down();
        assert_eq!(c.text(), "first\nsecond");
        assert_eq!(c.submit(), "first\nsecond");
        assert!(c.is_empty());
        assert_eq!(
            c.history().last().map(String::as_str),
            Some("first\nsecond")
        );
    }

    #[test]
    fn large_pastes_are_placeholders_sent_whole() {
        let mut c = Composer::new(Vec::new());
        c.insert_str("see ");
        let big: String = (0..50).map(|i| format!("line {i}\n")).collect();
        c.paste(&big);
        assert!(c.text().starts_with("see [pasted 50 lines"), "{}", c.text());
        assert_eq!(c.submit(), format!("see {big}"));
    }

    #[test]
    fn a_message_too_long_for_the_history_is_not_recalled() {
        let mut c = Composer::new(Vec::new());
        c.insert_str("short");
        c.submit();
        let big = "y".repeat(crate::tui::history::MAX_ENTRY + 1);
        c.paste(&big);
        assert_eq!(c.submit(), big);
        c.up();
        assert_eq!(c.text(), "short", "the paste came back");
    }

    #[test]
    fn words_and_completion() {
        let mut c = Composer::new(Vec::new());
        c.insert_str("look at @src/ma");
        assert_eq!(c.current_word(), "@src/ma");
        c.replace_word("@src/main.rs ");
        assert_eq!(c.text(), "look at @src/main.rs ");
        c.delete_word();
        assert_eq!(c.text(), "look at ");
        c.insert_str("@\"my fi");
        assert_eq!(c.current_word(), "@\"my fi");
        c.replace_word("@\"my file.txt\" ");
        assert_eq!(c.text(), "look at @\"my file.txt\" ");
        assert_eq!(c.current_word(), "");
    }

    fn with_big_paste() -> (Composer, String) {
        let mut c = Composer::new(Vec::new());
        c.insert_str("see ");
        let big: String = (0..50).map(|i| format!("line {i}\n")).collect();
        c.paste(&big);
        (c, big)
    }

    #[test]
    fn backspace_and_delete_remove_a_placeholder_whole() {
        let (mut c, _) = with_big_paste();
        c.backspace();
        assert_eq!(c.text(), "see ");
        assert_eq!(c.submit(), "see ");

        let (mut c, _) = with_big_paste();
        c.insert_str(" end");
        for _ in 0.." end".len() {
            c.left();
        }
        c.left();
        assert_eq!(c.cursor(), (0, 4), "one Left crosses the placeholder");
        c.delete();
        assert_eq!(c.text(), "see  end");
    }

    #[test]
    fn ctrl_w_removes_a_placeholder_whole() {
        let (mut c, _) = with_big_paste();
        c.delete_word();
        assert_eq!(c.text(), "see ");
    }

    #[test]
    fn the_cursor_never_lands_inside_a_placeholder_so_typing_cannot_split_it() {
        let (mut c, big) = with_big_paste();
        let shown = c.text();
        c.left();
        c.insert('X');
        assert_eq!(c.text(), format!("see X{}", &shown[4..]));
        c.right();
        c.right();
        c.insert('Y');
        assert_eq!(c.submit(), format!("see X{big}Y"));

        // ↑ from column 20 stops before the placeholder, never inside.
        let (mut c, big) = with_big_paste();
        c.newline();
        c.insert_str(&"z".repeat(20));
        c.up();
        c.insert('!');
        assert_eq!(c.submit(), format!("see !{big}\n{}", "z".repeat(20)));
    }

    #[test]
    fn a_one_line_paste_says_one_line() {
        let mut c = Composer::new(Vec::new());
        c.paste(&"x".repeat(PASTE_CHARS + 1));
        assert_eq!(
            c.text(),
            format!("[pasted 1 line, {} chars #1]", PASTE_CHARS + 1)
        );
    }

    #[test]
    fn moves_and_deletes_go_by_grapheme_cluster() {
        let mut c = Composer::new(Vec::new());
        c.insert_str("ab日本👨\u{200d}👩\u{200d}👧x");
        c.left();
        c.left();
        c.left();
        c.backspace();
        assert_eq!(c.submit(), "ab本👨\u{200d}👩\u{200d}👧x");

        c.insert_str("flag 🇯🇵 fam 👩\u{200d}💻");
        c.backspace();
        assert_eq!(c.text(), "flag 🇯🇵 fam ");
        c.home();
        for _ in 0.."flag ".len() {
            c.right();
        }
        c.delete();
        assert_eq!(c.text(), "flag  fam ");

        c.clear();
        c.insert_str("e\u{301}t\u{e9}");
        c.home();
        c.right();
        assert_eq!(c.cursor(), (0, 1), "e + combining acute is one step");
        c.delete();
        assert_eq!(c.text(), "e\u{301}\u{e9}");
    }
}
