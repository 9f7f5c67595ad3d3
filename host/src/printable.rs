//! Text from a model, a tool, a repository or a server made safe to write
//! to a terminal. Such text may carry escape sequences that act on the
//! terminal rather than show: OSC 52 sets the clipboard, `ESC[2J` clears
//! the screen, a bare carriage return overwrites the line it ends, OSC 8
//! hides a link's target. Everything that is not plain text is dropped;
//! newlines and tabs stay. Unicode's bidirectional controls (U+202A–U+202E,
//! U+2066–U+2069, U+200E, U+200F, U+061C) are dropped too: they reorder
//! how the text around them shows ("Trojan Source"), so what a terminal
//! displays would differ from what the text says.

use std::borrow::Cow;

const ESC: char = '\u{1b}';
const BEL: char = '\u{7}';
/// An unfinished sequence held back between stream chunks, at most; a
/// longer one is dropped.
const HELD_MAX: usize = 4096;

/// `text` without escape sequences, control characters (C0 but `\n`
/// and `\t`, DEL, C1) and bidirectional controls; `\r\n` becomes `\n`.
/// Borrowed when nothing had to go.
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

/// `text` kept on one line of a terminal: a line break or carriage
/// return is shown escaped (`\n`, `\r`, as [`quoted_name`] shows them),
/// escape sequences and other controls dropped as by [`clean`]. For a
/// model's one-line text (a finding's title) that must not split the line
/// it is printed on.
pub fn escaped_line(text: &str) -> Cow<'_, str> {
    if !text.contains(['\n', '\r']) {
        return clean(text);
    }
    let escaped = text.replace('\n', "\\n").replace('\r', "\\r");
    Cow::Owned(clean(&escaped).into_owned())
}

/// A file name as people read it: as is when it is plain, otherwise in
/// double quotes with its control characters (bidirectional ones too),
/// quotes and backslashes escaped the way git quotes names
/// (`"new\nline.txt"`, `"a\033b"`, `"a\342\200\256b"`), so two different
/// names never look alike and none acts on the terminal.
pub fn quoted_name(name: &str) -> Cow<'_, str> {
    if !name.chars().any(needs_quotes) {
        return Cow::Borrowed(name);
    }
    let mut out = String::with_capacity(name.len() + 4);
    out.push('"');
    push_escaped(&mut out, name);
    out.push('"');
    Cow::Owned(out)
}

fn needs_quotes(c: char) -> bool {
    hidden_control(c) || c == '"' || c == '\\'
}

/// `name` with what [`quoted_name`] escapes escaped, onto `out`.
fn push_escaped(out: &mut String, name: &str) {
    for c in name.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if hidden_control(c) => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("\\{b:03o}"));
                }
            }
            c => out.push(c),
        }
    }
}

/// A file name or path that need not be UTF-8, as [`quoted_name`] shows
/// it; bytes that are not UTF-8 are written in octal inside the quotes
/// (`"caf\351.txt"`, as git writes them), never replaced by `�`.
pub fn quoted_os_name(name: &std::ffi::OsStr) -> Cow<'_, str> {
    use std::os::unix::ffi::OsStrExt;
    if let Some(text) = name.to_str() {
        return quoted_name(text);
    }
    let mut out = String::from("\"");
    for chunk in name.as_bytes().utf8_chunks() {
        push_escaped(&mut out, chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\{b:03o}"));
        }
    }
    out.push('"');
    Cow::Owned(out)
}

/// A command (or other text from a settings file) on one line of a
/// listing: as written when every character shows (quotes and
/// backslashes too: `find . -exec sh {} \;`), otherwise as
/// [`quoted_name`] quotes it, its controls and line breaks escaped, so
/// nothing hides what runs.
pub fn shown_command(text: &str) -> Cow<'_, str> {
    match text.chars().any(hidden_control) {
        true => quoted_name(text),
        false => Cow::Borrowed(text),
    }
}

/// One line of a command's output as a terminal leaves it: a carriage
/// return goes back to the line's start and what follows overwrites it (a
/// progress bar's `\r` frames end as its last state, `progress 100%`);
/// escape sequences (colours) and other controls are dropped as by
/// [`clean`].
pub fn as_terminal_line(line: &str) -> String {
    if !line.contains('\r') {
        return clean(line).into_owned();
    }
    let mut shown: Vec<char> = Vec::new();
    for segment in line.split('\r') {
        for (i, c) in clean(segment).chars().enumerate() {
            match shown.get_mut(i) {
                Some(slot) => *slot = c,
                None => shown.push(c),
            }
        }
    }
    shown.into_iter().collect()
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

/// A Unicode bidirectional control: the embeddings and overrides
/// (U+202A–U+202E), the isolates (U+2066–U+2069), the left-to-right and
/// right-to-left marks (U+200E, U+200F) and the Arabic letter mark
/// (U+061C). None shows; each changes the order in which the characters
/// around it are displayed.
pub fn bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}'
    )
}

/// A character that does not show but acts on the terminal or on how the
/// text around it is displayed: a control character (C0, DEL, C1) or a
/// bidirectional control.
pub fn hidden_control(c: char) -> bool {
    c.is_control() || bidi_control(c)
}

fn unsafe_char(c: char) -> bool {
    (hidden_control(c) && c != '\n' && c != '\t') || c == '\u{7f}'
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
