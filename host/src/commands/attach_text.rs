//! A file mentioned as `@path`, as it goes with a message: whole when it
//! fits the limit; its first part when it is larger (cut at a line's end,
//! a marker naming its real size); a note in its place when it is not
//! UTF-8 text (a binary file). One reading for plain messages
//! (cli/mention.rs) and custom commands (expand.rs), so both attach what
//! they can, say the same in a warning and never refuse the message.

use std::io::Read as _;
use std::path::Path;

use crate::plural::{size_in_words, thousands};

/// What of a file goes with the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attachable {
    /// All of it.
    Whole(String),
    /// Its first part (`size`: the file's real size in bytes).
    Cut { text: String, size: u64 },
    /// Nothing: it is not UTF-8 text.
    NotText { size: u64 },
}

/// Reads the regular file at `path` for attaching, at most `limit` bytes
/// of it (a larger file is not read past that).
pub fn read(path: &Path, limit: u64) -> std::io::Result<Attachable> {
    let file = crate::file_kind::open_regular(path)?;
    let size = file.metadata()?.len();
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    // The size on disk may be stale (the file grows as it is read).
    let size = size.max(bytes.len() as u64);
    if bytes.len() as u64 <= limit {
        return Ok(match String::from_utf8(bytes) {
            Ok(text) => Attachable::Whole(text),
            Err(_) => Attachable::NotText { size },
        });
    }
    bytes.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let valid = match std::str::from_utf8(&bytes) {
        Ok(_) => bytes.len(),
        // A character cut in two by the limit: the part before it.
        Err(e) if e.error_len().is_none() => e.valid_up_to(),
        Err(_) => return Ok(Attachable::NotText { size }),
    };
    bytes.truncate(valid);
    // At the last line's end, when there is one: no half line.
    if let Some(nl) = bytes.iter().rposition(|&b| b == b'\n') {
        bytes.truncate(nl + 1);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Attachable::Cut { text, size }),
        Err(_) => Ok(Attachable::NotText { size }),
    }
}

/// The `<file>` block that goes after the message for `rel` (the path as
/// mentioned): its text, with a marker when it was cut, or a note saying
/// why it is not there.
pub fn block(rel: &str, what: &Attachable, limit: u64) -> String {
    let mut out = format!("<file path=\"{rel}\">\n");
    let mut line = |s: &str| {
        out.push_str(s);
        if !s.ends_with('\n') {
            out.push('\n');
        }
    };
    match what {
        Attachable::Whole(text) => line(text),
        Attachable::Cut { text, size } => {
            line(text);
            line(&format!(
                "[cut here: the file has {}; only its first {} are attached]",
                bytes(*size),
                size_in_words(limit)
            ));
        }
        Attachable::NotText { size } => line(&format!(
            "[not attached: the file is binary or not UTF-8 text ({})]",
            size_in_words(*size)
        )),
    }
    out.push_str("</file>");
    out
}

/// The warning for the user when not all of the file went with the
/// message (`mention`: as it was written, `@big.log`).
pub fn warning(mention: &str, what: &Attachable, limit: u64) -> Option<String> {
    match what {
        Attachable::Whole(_) => None,
        Attachable::Cut { size, .. } => Some(format!(
            "{mention} is cut: it has {}, more than the {} attached, so only its first part is attached",
            bytes(*size),
            size_in_words(limit)
        )),
        Attachable::NotText { .. } => Some(format!(
            "{mention} is not attached: it is not UTF-8 text (a binary file?); the model is told so"
        )),
    }
}

/// `300,000 bytes (292 KiB)`, `14 bytes`.
fn bytes(n: u64) -> String {
    let exact = format!("{} bytes", thousands(n));
    if n < 1024 {
        return crate::plural::counted(n, "byte");
    }
    format!("{exact} ({})", size_in_words(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_of(bytes: &[u8], limit: u64) -> Attachable {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, bytes).unwrap();
        read(&path, limit).unwrap()
    }

    #[test]
    fn a_small_text_file_is_whole() {
        assert_eq!(read_of(b"a\nb", 8), Attachable::Whole("a\nb".into()));
        assert_eq!(
            read_of(b"12345678", 8),
            Attachable::Whole("12345678".into())
        );
    }

    #[test]
    fn a_large_one_is_cut_at_a_line_end_and_names_its_size() {
        let what = read_of(b"one\ntwo\nthree\n", 10);
        assert_eq!(
            what,
            Attachable::Cut {
                text: "one\ntwo\n".into(),
                size: 14
            }
        );
        let b = block("big.txt", &what, 10);
        assert!(b.starts_with("<file path=\"big.txt\">\none\ntwo\n[cut here: the file has 14 bytes; only its first 10 bytes are attached]\n</file>"), "{b}");
        let w = warning("@big.txt", &what, 10).unwrap();
        assert!(w.starts_with("@big.txt is cut: it has 14 bytes"), "{w}");
    }

    #[test]
    fn a_character_cut_by_the_limit_is_left_out_not_called_binary() {
        // "é" is two bytes: the limit falls between them, no newline.
        let what = read_of("aé".as_bytes(), 2);
        assert_eq!(
            what,
            Attachable::Cut {
                text: "a".into(),
                size: 3
            }
        );
    }

    #[test]
    fn bytes_that_are_not_utf8_are_a_note_not_the_file() {
        let what = read_of(&[b'x', 0xff, 0xfe, b'\n'], 64);
        assert_eq!(what, Attachable::NotText { size: 4 });
        let b = block("logo.bin", &what, 64);
        assert_eq!(
            b,
            "<file path=\"logo.bin\">\n[not attached: the file is binary or not UTF-8 text (4 bytes)]\n</file>"
        );
        assert!(
            warning("@logo.bin", &what, 64)
                .unwrap()
                .starts_with("@logo.bin is not attached: it is not UTF-8 text")
        );
        // Found in the part read of a large one too.
        assert_eq!(read_of(&[0xff; 20], 8), Attachable::NotText { size: 20 });
    }
}
