//! Text from a model, a tool, a repository or a server made safe to write
//! to a terminal. Such text may carry escape sequences that act on the
//! terminal rather than show: OSC 52 sets the clipboard, `ESC[2J` clears
//! the screen, a bare carriage return overwrites the line it ends, OSC 8
//! hides a link's target. Everything that is not plain text is dropped;
//! newlines and tabs stay.

use std::borrow::Cow;

const ESC: char = '\u{1b}';
const BEL: char = '\u{7}';
/// An unfinished sequence held back between stream chunks, at most; a
/// longer one is dropped.
const HELD_MAX: usize = 4096;

/// `text` without escape sequences and control characters (C0 but `\n`
/// and `\t`, DEL, C1); `\r\n` becomes `\n`. Borrowed when nothing had to go.
pub fn clean(text: &str) -> Cow<'_, str> {
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(scan(text).0)
}

/// `text` for one line of a summary column (a session's first prompt in
/// a listing), on a terminal or not: line breaks, carriage returns and
/// tabs become spaces, escape sequences and other controls are dropped
/// as by [`clean`].
pub fn one_line(text: &str) -> String {
    let spaced: String = text
        .chars()
        .map(|c| {
            if matches!(c, '\n' | '\r' | '\t') {
                ' '
            } else {
                c
            }
        })
        .collect();
    clean(&spaced).into_owned()
}

/// A file name as people read it: as is when it is plain, otherwise in
/// double quotes with its control characters, quotes and backslashes
/// escaped the way git quotes names (`"new\nline.txt"`, `"a\033b"`), so
/// two different names never look alike and none acts on the terminal.
pub fn quoted_name(name: &str) -> Cow<'_, str> {
    let special = |c: char| c.is_control() || c == '"' || c == '\\';
    if !name.chars().any(special) {
        return Cow::Borrowed(name);
    }
    let mut out = String::with_capacity(name.len() + 4);
    out.push('"');
    for c in name.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("\\{b:03o}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    Cow::Owned(out)
}

/// [`clean`] for text that arrives in pieces (a streamed answer): a
/// sequence split across two pieces is dropped whole, not shown in part.
#[derive(Debug, Default)]
pub struct Stream {
    held: String,
}

impl Stream {
    /// The clean text of `piece`, less an unfinished sequence at its end
    /// (kept for the next piece).
    pub fn push(&mut self, piece: &str) -> String {
        let text = std::mem::take(&mut self.held) + piece;
        let (out, unfinished) = scan(&text);
        if let Some(at) = unfinished
            && text.len() - at <= HELD_MAX
        {
            self.held = text[at..].to_string();
        }
        out
    }
}

fn unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || c == '\u{7f}'
}

type Chars<'a> = std::iter::Peekable<std::str::CharIndices<'a>>;

/// The clean text and where an escape sequence that never ended starts.
fn scan(text: &str) -> (String, Option<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let ended = match c {
            ESC => skip_sequence(&mut chars),
            // CSI, OSC, DCS, SOS, PM, APC in their 8-bit forms.
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\r' if chars.peek().is_some_and(|(_, c)| *c == '\n') => true,
            c if unsafe_char(c) => true,
            c => {
                out.push(c);
                true
            }
        };
        if !ended {
            return (out, Some(at));
        }
    }
    (out, None)
}

/// After ESC: the rest of the sequence it starts; false if the text ended
/// first.
fn skip_sequence(chars: &mut Chars) -> bool {
    match chars.next() {
        Some((_, '[')) => skip_csi(chars),
        Some((_, ']' | 'P' | 'X' | '^' | '_')) => skip_string(chars),
        // `ESC ( B` and the like: intermediates, then one final byte.
        Some((_, c)) if (' '..='/').contains(&c) => {
            while chars.next_if(|(_, c)| (' '..='/').contains(c)).is_some() {}
            chars.next().is_some()
        }
        // A two-character sequence (`ESC c`, `ESC 7`).
        Some(_) => true,
        None => false,
    }
}

/// A CSI sequence's parameters and intermediates up to its final byte.
fn skip_csi(chars: &mut Chars) -> bool {
    while let Some((_, c)) = chars.peek().copied() {
        if ('@'..='~').contains(&c) {
            chars.next();
            return true;
        }
        if !(' '..='?').contains(&c) {
            // Not a CSI byte: the sequence was cut; what follows is text.
            return true;
        }
        chars.next();
    }
    false
}

/// An OSC/DCS/SOS/PM/APC string up to BEL, ST (`ESC \`) or 8-bit ST.
fn skip_string(chars: &mut Chars) -> bool {
    while let Some((_, c)) = chars.next() {
        match c {
            BEL | '\u{9c}' => return true,
            ESC => {
                chars.next_if(|(_, c)| *c == '\\');
                return true;
            }
            _ => {}
        }
    }
    false
}

#[cfg(test)]
#[path = "printable_tests.rs"]
mod tests;
