//! The text of a `SKILL.md`: one normalisation (a UTF-8 byte order mark
//! dropped; CRLF and lone CR line ends read as LF) and one frontmatter
//! split, for the loader, the validator and `mcp serve`.

/// A `SKILL.md`'s text made ready for splitting, and what was changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// Without a BOM, with `\n` line ends only.
    pub text: String,
    /// The text started with a UTF-8 byte order mark.
    pub bom: bool,
    /// The text had `\r` line ends (CRLF or lone CR).
    pub cr: bool,
}

/// Drops a leading BOM and turns CRLF and lone CR into LF.
pub fn normalize(text: &str) -> Text {
    let (rest, bom) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (rest, true),
        None => (text, false),
    };
    let cr = rest.contains('\r');
    let text = if cr {
        rest.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        rest.to_string()
    };
    Text { text, bom, cr }
}

/// Why the frontmatter could not be split off (a message for the author).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontmatterError(pub String);

/// Splits `---\nFRONTMATTER\n---\nBODY`. Blank lines before the opening
/// `---` are tolerated with a warning.
pub fn split_frontmatter<'a>(
    text: &'a str,
    warnings: &mut Vec<String>,
) -> Result<(&'a str, &'a str), FrontmatterError> {
    let trimmed = text.trim_start_matches(['\n', ' ', '\t']);
    if trimmed.len() != text.len() && trimmed.starts_with("---") {
        warnings.push("blank lines before the opening --- were ignored".into());
    }
    let mut lines = LineOffsets::new(trimmed);
    let first = lines.next().map(|(_, l)| l.trim_end()).unwrap_or("");
    if first != "---" {
        return Err(FrontmatterError(
            "no YAML frontmatter: the file must start with a line '---', then name: and description:, then '---'".into(),
        ));
    }
    let start = lines.pos;
    for (at, line) in lines.by_ref() {
        if line.trim_end() == "---" {
            let front = &trimmed[start..at];
            let body = trimmed.get(at + line.len()..).unwrap_or("");
            return Ok((front, body.strip_prefix('\n').unwrap_or(body)));
        }
    }
    Err(FrontmatterError(
        "the frontmatter is not closed: add a line '---' after the last key".into(),
    ))
}

/// Iterates lines with their byte offsets (without the `\n`).
struct LineOffsets<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> LineOffsets<'a> {
    fn new(text: &'a str) -> Self {
        LineOffsets { text, pos: 0 }
    }
}

impl<'a> Iterator for LineOffsets<'a> {
    type Item = (usize, &'a str);
    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.text.get(self.pos..)?;
        if rest.is_empty() {
            return None;
        }
        let at = self.pos;
        let line = match rest.find('\n') {
            Some(i) => {
                self.pos += i + 1;
                &rest[..i]
            }
            None => {
                self.pos = self.text.len();
                rest
            }
        };
        Some((at, line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_crlf_and_lone_cr_are_normalised() {
        let t = normalize("\u{feff}---\r\nname: a\rdescription: b\r\n---\r\nbody\r");
        assert!(t.bom && t.cr);
        assert_eq!(t.text, "---\nname: a\ndescription: b\n---\nbody\n");
        let plain = normalize("---\nname: a\n---\n");
        assert!(!plain.bom && !plain.cr);
        let (front, body) = split_frontmatter(&t.text, &mut Vec::new()).unwrap();
        assert_eq!((front, body), ("name: a\ndescription: b\n", "body\n"));
    }

    #[test]
    fn missing_or_open_frontmatter_is_explained() {
        let mut w = Vec::new();
        let no = split_frontmatter("name: a\n", &mut w).unwrap_err();
        assert!(no.0.contains("no YAML frontmatter"), "{}", no.0);
        let open = split_frontmatter("---\nname: a\n", &mut w).unwrap_err();
        assert!(open.0.contains("not closed"), "{}", open.0);
        let (front, _) = split_frontmatter("\n\n---\nname: a\n---\n", &mut w).unwrap();
        assert_eq!(front, "name: a\n");
        assert_eq!(w.len(), 1, "blank lines before --- are warned about");
    }
}
