//! Pastes in the composer: a large one shows as a `[pasted N lines …]`
//! placeholder (sent whole); a message given back to the input (its turn
//! interrupted or failed) shows its pastes as placeholders again; a
//! backslash a paste ends with is the paste's, not a typed line break.

use super::{Composer, PASTE_CHARS, PASTE_LINES};

/// How many pastes of messages already submitted are kept to be given
/// back (the message sent and those queued after it).
const SENT_KEPT: usize = 8;

impl Composer {
    /// A paste: small ones are inserted, large ones become a placeholder,
    /// which is edited as one unit (the cursor never enters it; Backspace
    /// and Delete remove it whole).
    pub fn paste(&mut self, text: &str) {
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        if text.chars().count() <= PASTE_CHARS && text.lines().count() <= PASTE_LINES {
            self.insert_str(&text);
        } else {
            let placeholder = placeholder(&text, self.pastes.len() + 1);
            self.insert_str(&placeholder);
            self.pastes.push((placeholder, text));
        }
        self.pasted_end = Some((self.row, self.col));
    }

    /// Whether the text right before the cursor came from the last paste
    /// (nothing typed or deleted since).
    pub(super) fn pasted_before_cursor(&self) -> bool {
        self.pasted_end == Some((self.row, self.col))
    }

    /// At submit: the pastes whose placeholder the message holds (`shown`)
    /// are kept, should it be given back.
    pub(super) fn keep_sent_pastes(&mut self, shown: &str) {
        for (placeholder, pasted) in std::mem::take(&mut self.pastes) {
            if shown.contains(placeholder.as_str()) {
                self.sent_pastes.push((placeholder, pasted));
            }
        }
        let over = self.sent_pastes.len().saturating_sub(SENT_KEPT);
        self.sent_pastes.drain(..over);
    }

    /// `message` (as sent: pastes expanded) with each paste it was
    /// submitted with made a placeholder again, to put it back in the
    /// input: numbered after the placeholders the input holds.
    pub fn with_placeholders(&mut self, message: &str) -> String {
        let mut text = message.to_string();
        let mut i = 0;
        while i < self.sent_pastes.len() {
            let Some(at) = find(&text, &self.sent_pastes[i].1) else {
                i += 1;
                continue;
            };
            let (_, pasted) = self.sent_pastes.remove(i);
            let placeholder = placeholder(&pasted, self.pastes.len() + 1);
            text.replace_range(at, &placeholder);
            self.pastes.push((placeholder, pasted));
        }
        text
    }
}

/// Where `pasted` is in `text`: anywhere, or at its end without the line
/// breaks it ended with (blank lines at a message's end are not sent).
fn find(text: &str, pasted: &str) -> Option<std::ops::Range<usize>> {
    if let Some(at) = text.find(pasted) {
        return Some(at..at + pasted.len());
    }
    let cut = pasted.trim_end_matches('\n');
    (!cut.is_empty() && text.ends_with(cut)).then(|| text.len() - cut.len()..text.len())
}

/// The placeholder of the `n`-th paste of the input, `text`.
fn placeholder(text: &str, n: usize) -> String {
    let lines = text.lines().count();
    format!(
        "[pasted {lines} {}, {} chars #{n}]",
        if lines == 1 { "line" } else { "lines" },
        text.chars().count(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn big(tag: &str) -> String {
        (0..20).map(|i| format!("{tag} {i}\n")).collect()
    }

    #[test]
    fn a_message_given_back_shows_its_pastes_as_placeholders_again() {
        let mut c = Composer::new(Vec::new());
        c.insert_str("see ");
        c.paste(&big("a"));
        c.insert_str(" and ");
        c.paste(&big("b"));
        let shown = c.text();
        let sent = c.submit();
        assert_eq!(sent, format!("see {} and {}", big("a"), big("b")));
        // A draft typed meanwhile, with a paste of its own.
        c.paste(&big("c"));
        let draft = c.text();
        assert_eq!(draft, "[pasted 20 lines, 90 chars #1]");
        let back = c.with_placeholders(&sent);
        assert_eq!(
            back,
            "see [pasted 20 lines, 90 chars #2] and [pasted 20 lines, 90 chars #3]"
        );
        assert_ne!(back, shown, "numbered after the draft's");
        c.set(&format!("{back}\n{draft}"));
        assert_eq!(
            c.submit(),
            format!("see {} and {}\n{}", big("a"), big("b"), big("c"))
        );
    }

    #[test]
    fn a_paste_at_the_end_sent_without_its_last_line_break_is_found() {
        let mut c = Composer::new(Vec::new());
        c.insert_str("see ");
        c.paste(&big("a"));
        let sent = c.submit();
        let sent = sent.trim_end();
        assert_eq!(
            c.with_placeholders(sent),
            "see [pasted 20 lines, 90 chars #1]"
        );
    }

    #[test]
    fn a_backslash_a_paste_ends_with_is_no_line_break() {
        let mut c = Composer::new(Vec::new());
        c.paste("C:\\path\\");
        assert!(!c.backslash_newline());
        assert_eq!(c.text(), "C:\\path\\");
        // Typed after the paste, a backslash is one again.
        c.insert('\\');
        assert!(c.backslash_newline());
        assert_eq!(c.text(), "C:\\path\\\n");
    }
}
