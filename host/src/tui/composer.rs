//! The composer: a multi-line input with a cursor, history and paste
//! placeholders. Keys are handled by the app; this is the text model.

use unicode_width::UnicodeWidthStr;

/// Pastes longer than this many characters (or with more lines than
/// [`PASTE_LINES`]) are shown as a placeholder and sent whole.
pub const PASTE_CHARS: usize = 1000;
pub const PASTE_LINES: usize = 10;

#[derive(Default)]
pub struct Composer {
    lines: Vec<String>,
    row: usize,
    /// Cursor column, in characters.
    col: usize,
    pastes: Vec<(String, String)>,
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
        let line = &self.lines[self.row];
        let before: String = line.chars().take(self.col).collect();
        (self.row, before.width())
    }

    /// Replaces the text (cursor at the end).
    pub fn set(&mut self, text: &str) {
        self.lines = text.split('\n').map(str::to_string).collect();
        if self.lines.is_empty() {
            self.lines.push(String::new());
        }
        self.row = self.lines.len() - 1;
        self.col = self.lines[self.row].chars().count();
        self.browsing = None;
    }

    pub fn clear(&mut self) {
        self.set("");
        self.pastes.clear();
    }

    /// Takes the text to send, placeholders expanded, and remembers it in
    /// the history.
    pub fn submit(&mut self) -> String {
        let shown = self.text();
        let mut text = shown.clone();
        for (placeholder, pasted) in &self.pastes {
            text = text.replacen(placeholder.as_str(), pasted, 1);
        }
        if !shown.trim().is_empty() && self.history.last() != Some(&text) {
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
            for c in part.chars().filter(|c| *c != '\r') {
                self.insert(c);
            }
        }
    }

    pub fn insert(&mut self, c: char) {
        let line = &mut self.lines[self.row];
        let at = byte_at(line, self.col);
        line.insert(at, c);
        self.col += 1;
    }

    pub fn newline(&mut self) {
        let line = &mut self.lines[self.row];
        let at = byte_at(line, self.col);
        let rest = line.split_off(at);
        self.row += 1;
        self.lines.insert(self.row, rest);
        self.col = 0;
    }

    /// A paste: small ones are inserted, large ones become a placeholder.
    pub fn paste(&mut self, text: &str) {
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        let lines = text.lines().count();
        if text.chars().count() <= PASTE_CHARS && lines <= PASTE_LINES {
            self.insert_str(&text);
            return;
        }
        let placeholder = format!(
            "[pasted {lines} lines, {} chars #{}]",
            text.chars().count(),
            self.pastes.len() + 1
        );
        self.insert_str(&placeholder);
        self.pastes.push((placeholder, text));
    }

    pub fn backspace(&mut self) {
        if self.col > 0 {
            let line = &mut self.lines[self.row];
            let at = byte_at(line, self.col - 1);
            line.remove(at);
            self.col -= 1;
        } else if self.row > 0 {
            let line = self.lines.remove(self.row);
            self.row -= 1;
            self.col = self.lines[self.row].chars().count();
            self.lines[self.row].push_str(&line);
        }
    }

    pub fn delete(&mut self) {
        let len = self.lines[self.row].chars().count();
        if self.col < len {
            let line = &mut self.lines[self.row];
            let at = byte_at(line, self.col);
            line.remove(at);
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
        let line = &mut self.lines[self.row];
        let at = byte_at(line, self.col);
        line.replace_range(..at, "");
        self.col = 0;
    }

    fn char_before(&self) -> Option<char> {
        self.lines[self.row].chars().nth(self.col.checked_sub(1)?)
    }

    pub fn left(&mut self) {
        if self.col > 0 {
            self.col -= 1;
        } else if self.row > 0 {
            self.row -= 1;
            self.col = self.lines[self.row].chars().count();
        }
    }

    pub fn right(&mut self) {
        if self.col < self.lines[self.row].chars().count() {
            self.col += 1;
        } else if self.row + 1 < self.lines.len() {
            self.row += 1;
            self.col = 0;
        }
    }

    pub fn home(&mut self) {
        self.col = 0;
    }

    pub fn end(&mut self) {
        self.col = self.lines[self.row].chars().count();
    }

    /// ↑: the line above, or on the first line the previous history entry.
    pub fn up(&mut self) {
        if self.row > 0 {
            self.row -= 1;
            self.col = self.col.min(self.lines[self.row].chars().count());
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
            self.row += 1;
            self.col = self.col.min(self.lines[self.row].chars().count());
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
        let at = byte_at(line, self.col);
        let before = &line[..at];
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
            .map(|i| i + 1)
            .unwrap_or(0);
        &line[start..at]
    }

    /// Replaces the word before the cursor with `with`.
    pub fn replace_word(&mut self, with: &str) {
        let n = self.current_word().chars().count();
        for _ in 0..n {
            self.backspace();
        }
        self.insert_str(with);
    }

    #[cfg(test)]
    pub fn history(&self) -> &[String] {
        &self.history
    }
}

fn byte_at(s: &str, col: usize) -> usize {
    s.char_indices().nth(col).map(|(i, _)| i).unwrap_or(s.len())
}

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
}
