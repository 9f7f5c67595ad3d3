//! The text of an instruction file (AGENTS.md, CLAUDE.md, an import) as
//! people save it: UTF-8, UTF-16 with its byte order mark (Windows
//! Notepad's "Unicode"), or another 8-bit encoding (Latin-1), read with
//! U+FFFD for the bytes that are not UTF-8 and said so. A file holding
//! NUL bytes is no text file and is not read.

use std::path::Path;

/// The file's text, and a note for the user when it was not plain UTF-8;
/// `Err(note)` when it is not read at all.
pub(crate) fn read(path: &Path) -> Result<(String, Option<String>), String> {
    let bytes = crate::file_kind::read(path)
        .map_err(|e| format!("{} cannot be read: {e}; it was not used", path.display()))?;
    decode(path, &bytes)
}

/// Instruction files joined under one byte cap, each under its own
/// `## path` heading. Only the files' own bytes count against the cap (as
/// Codex's `project_doc_max_bytes`): the headings and the cut note are
/// outside it. A file whose text repeats one already joined (a CLAUDE.md
/// copied from the AGENTS.md beside it) is read once.
pub(crate) struct Joined {
    pub text: String,
    cap: usize,
    used: usize,
    bodies: Vec<String>,
}

/// What [`Joined::add`] did with a file.
#[derive(Debug, PartialEq)]
pub(crate) enum Added {
    Whole,
    /// Joined up to the cap; the rest left out.
    Cut,
    /// Not joined: unreadable (noted), empty, or a repeat.
    Skipped,
}

impl Joined {
    pub(crate) fn new(cap: usize) -> Joined {
        Joined {
            text: String::new(),
            cap,
            used: 0,
            bodies: Vec::new(),
        }
    }

    /// The cap is used up.
    pub(crate) fn full(&self) -> bool {
        self.used >= self.cap
    }

    /// Reads `path` and joins what fits; notes for the user go to `notes`.
    pub(crate) fn add(&mut self, path: &Path, notes: &mut Vec<String>) -> Added {
        let body = match read(path) {
            Ok((body, note)) => {
                notes.extend(note);
                body
            }
            Err(note) => {
                notes.push(note);
                return Added::Skipped;
            }
        };
        let body = body.trim_end();
        if body.is_empty() || self.bodies.iter().any(|b| b == body) {
            return Added::Skipped;
        }
        self.bodies.push(body.to_string());
        let mut end = body.len().min(self.cap.saturating_sub(self.used));
        while !body.is_char_boundary(end) {
            end -= 1;
        }
        self.used += end;
        self.text
            .push_str(&format!("## {}\n\n{}\n\n", path.display(), &body[..end]));
        if end < body.len() {
            // Named by the file's own name: CLAUDE.md, an import's.
            let kind = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "instruction".into());
            self.text.push_str(&format!(
                "[… {kind} text cut at {} …]\n",
                super::prompt::size(self.cap)
            ));
            return Added::Cut;
        }
        Added::Whole
    }
}

fn decode(path: &Path, bytes: &[u8]) -> Result<(String, Option<String>), String> {
    let utf16 = match bytes {
        [0xff, 0xfe, rest @ ..] => Some((rest, u16::from_le_bytes as fn([u8; 2]) -> u16)),
        [0xfe, 0xff, rest @ ..] => Some((rest, u16::from_be_bytes as fn([u8; 2]) -> u16)),
        _ => None,
    };
    if let Some((rest, unit)) = utf16 {
        let units: Vec<u16> = rest.chunks_exact(2).map(|c| unit([c[0], c[1]])).collect();
        let text = String::from_utf16_lossy(&units);
        let note = format!(
            "{} is saved as UTF-16; it was read as such (save it as UTF-8 for other tools)",
            path.display()
        );
        return Ok((text, Some(note)));
    }
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    if bytes.contains(&0) {
        return Err(format!(
            "{} is not a text file (it holds NUL bytes); it was not read",
            path.display()
        ));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok((text.to_string(), None)),
        Err(_) => {
            let text = String::from_utf8_lossy(bytes).into_owned();
            let note = format!(
                "{} is not UTF-8 (Latin-1 or another encoding?): it was read with � for the bytes that are not; save it as UTF-8",
                path.display()
            );
            Ok((text, Some(note)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("AGENTS.md")
    }

    #[test]
    fn utf8_is_read_as_it_is_without_a_note() {
        let (text, note) = decode(p(), "\u{feff}Café rules\n".as_bytes()).unwrap();
        assert_eq!(text, "Café rules\n");
        assert!(note.is_none());
    }

    #[test]
    fn latin1_is_read_with_replacement_and_said() {
        let (text, note) = decode(p(), b"ROOT-RULE: Caf\xe9 style.\n").unwrap();
        assert_eq!(text, "ROOT-RULE: Caf\u{fffd} style.\n");
        assert!(note.unwrap().contains("AGENTS.md is not UTF-8"));
    }

    #[test]
    fn utf16_with_its_mark_is_decoded() {
        let le = b"\xff\xfeR\x00O\x00\xe9\x00\n\x00";
        assert_eq!(decode(p(), le).unwrap().0, "RO\u{e9}\n");
        let be = b"\xfe\xff\x00R\x00O\x00\n";
        assert_eq!(decode(p(), be).unwrap().0, "RO\n");
        assert!(decode(p(), le).unwrap().1.unwrap().contains("UTF-16"));
    }

    #[test]
    fn binary_is_not_read() {
        let e = decode(p(), b"\x7fELF\x02\x01\x00\x00").unwrap_err();
        assert!(e.contains("not a text file"), "{e}");
    }
}
