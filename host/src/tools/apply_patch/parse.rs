//! Parsing of the patch text (the Codex CLI patch format) into file
//! operations. Lenient with whitespace around markers, the case of marker
//! words, blank lines between operations, CRLF line ends, a missing final
//! newline and a patch wrapped in a shell heredoc.

const BEGIN: &str = "*** Begin Patch";
const END: &str = "*** End Patch";
const ADD: &str = "*** Add File:";
const DELETE: &str = "*** Delete File:";
const UPDATE: &str = "*** Update File:";
const MOVE: &str = "*** Move to:";
const END_OF_FILE: &str = "*** End of File";

/// One file operation of a patch. Paths are as written (trimmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileOp {
    Add {
        path: String,
        lines: Vec<String>,
    },
    Delete {
        path: String,
    },
    Update {
        path: String,
        move_to: Option<String>,
        hunks: Vec<Hunk>,
    },
}

/// One line of a hunk, without its prefix character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HunkLine {
    Context(String),
    Remove(String),
    Add(String),
}

/// One `@@` hunk of an update.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Hunk {
    /// The text after `@@`: a line that comes before the hunk.
    pub header: Option<String>,
    pub lines: Vec<HunkLine>,
    /// The hunk must match at the end of the file.
    pub end_of_file: bool,
    /// The hunk as written, for error messages.
    pub text: Vec<String>,
}

impl Hunk {
    /// Context and removed lines, in order: what the file must contain.
    pub fn old_lines(&self) -> Vec<String> {
        self.lines
            .iter()
            .filter_map(|l| match l {
                HunkLine::Context(t) | HunkLine::Remove(t) => Some(t.clone()),
                HunkLine::Add(_) => None,
            })
            .collect()
    }

    /// Context and added lines, in order: what the file will contain.
    #[cfg(test)]
    pub fn new_lines(&self) -> Vec<String> {
        self.lines
            .iter()
            .filter_map(|l| match l {
                HunkLine::Context(t) | HunkLine::Add(t) => Some(t.clone()),
                HunkLine::Remove(_) => None,
            })
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error(
        "the patch is empty. Send the patch text, starting with '*** Begin Patch' and ending with '*** End Patch'."
    )]
    Empty,
    #[error(
        "the patch must start with the line '*** Begin Patch', but its first line is '{0}'. Send the whole patch, from '*** Begin Patch' to '*** End Patch'."
    )]
    NoBegin(String),
    #[error(
        "the patch must end with the line '*** End Patch', but its last line is '{0}'. Send the whole patch, from '*** Begin Patch' to '*** End Patch'."
    )]
    NoEnd(String),
    #[error(
        "the patch has no file operations. Put '*** Add File: <path>', '*** Update File: <path>' or '*** Delete File: <path>' sections between '*** Begin Patch' and '*** End Patch'."
    )]
    NoOps,
    #[error(
        "line {line}: expected '*** Add File: <path>', '*** Update File: <path>' or '*** Delete File: <path>', got '{text}'"
    )]
    UnknownMarker { line: usize, text: String },
    #[error("line {line}: '{marker}' needs a path after it")]
    NoPath { line: usize, marker: &'static str },
    #[error(
        "line {line}: in '*** Add File: {path}' every line of the new file must start with '+', got '{text}'"
    )]
    AddLine {
        line: usize,
        path: String,
        text: String,
    },
    #[error(
        "line {line}: in '*** Update File: {path}' expected a hunk line starting with ' ' (context), '-' (remove) or '+' (add), or a new '@@' hunk, got '{text}'"
    )]
    HunkLine {
        line: usize,
        path: String,
        text: String,
    },
    #[error(
        "line {line}: a hunk of '*** Update File: {path}' has no lines. Follow '@@' with context (' '), removed ('-') and added ('+') lines."
    )]
    EmptyHunk { line: usize, path: String },
    #[error(
        "line {line}: '*** Update File: {path}' has no hunks. Add '@@' hunks with the change, or use '*** Move to: <path>' to rename it."
    )]
    EmptyUpdate { line: usize, path: String },
}

/// Parses a whole patch.
pub fn parse(text: &str) -> Result<Vec<FileOp>, ParseError> {
    let text = text.replace("\r\n", "\n");
    let mut lines: Vec<(usize, &str)> = text
        .split('\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .collect();
    trim_blank_ends(&mut lines);
    strip_heredoc(&mut lines);
    let (Some(first), Some(last)) = (lines.first(), lines.last()) else {
        return Err(ParseError::Empty);
    };
    if !first.1.trim().eq_ignore_ascii_case(BEGIN) {
        return Err(ParseError::NoBegin(first.1.trim().to_string()));
    }
    if lines.len() < 2 || !last.1.trim().eq_ignore_ascii_case(END) {
        return Err(ParseError::NoEnd(last.1.trim().to_string()));
    }
    let body = &lines[1..lines.len() - 1];
    let ops = Parser { lines: body, i: 0 }.ops()?;
    if ops.is_empty() {
        return Err(ParseError::NoOps);
    }
    Ok(ops)
}

fn trim_blank_ends(lines: &mut Vec<(usize, &str)>) {
    while lines.last().is_some_and(|l| l.1.trim().is_empty()) {
        lines.pop();
    }
    let lead = lines.iter().take_while(|l| l.1.trim().is_empty()).count();
    lines.drain(..lead);
}

/// Drops `apply_patch <<'EOF'` … `EOF` around the patch.
fn strip_heredoc(lines: &mut Vec<(usize, &str)>) {
    let Some(first) = lines.first().map(|l| l.1.trim()) else {
        return;
    };
    let Some(pos) = first.find("<<") else {
        return;
    };
    if first.starts_with("***") {
        return;
    }
    let delim = first[pos + 2..]
        .trim_start_matches('-')
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_matches(|c| c == '\'' || c == '"')
        .to_string();
    lines.remove(0);
    if !delim.is_empty() && lines.last().is_some_and(|l| l.1.trim() == delim) {
        lines.pop();
    }
    trim_blank_ends(lines);
}

/// `line` without the marker `marker` (compared ignoring ASCII case).
fn strip_marker<'a>(line: &'a str, marker: &str) -> Option<&'a str> {
    let head = line.get(..marker.len())?;
    head.eq_ignore_ascii_case(marker)
        .then(|| &line[marker.len()..])
}

/// Whether a trimmed line starts the next file operation.
fn is_op_start(t: &str) -> bool {
    [ADD, DELETE, UPDATE]
        .iter()
        .any(|m| strip_marker(t, m).is_some())
        || t.eq_ignore_ascii_case(END)
}

struct Parser<'a> {
    lines: &'a [(usize, &'a str)],
    i: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<(usize, &'a str)> {
        self.lines.get(self.i).copied()
    }

    fn ops(mut self) -> Result<Vec<FileOp>, ParseError> {
        let mut ops = Vec::new();
        while let Some((no, raw)) = self.peek() {
            let t = raw.trim();
            self.i += 1;
            if t.is_empty() {
                continue;
            }
            if let Some(p) = strip_marker(t, ADD) {
                let path = path_arg(p, no, ADD)?;
                let lines = self.add_lines(&path)?;
                ops.push(FileOp::Add { path, lines });
            } else if let Some(p) = strip_marker(t, DELETE) {
                ops.push(FileOp::Delete {
                    path: path_arg(p, no, DELETE)?,
                });
            } else if let Some(p) = strip_marker(t, UPDATE) {
                let path = path_arg(p, no, UPDATE)?;
                ops.push(self.update(path, no)?);
            } else {
                return Err(ParseError::UnknownMarker {
                    line: no,
                    text: t.to_string(),
                });
            }
        }
        Ok(ops)
    }

    fn add_lines(&mut self, path: &str) -> Result<Vec<String>, ParseError> {
        let mut out = Vec::new();
        let mut blanks = 0;
        while let Some((no, raw)) = self.peek() {
            if let Some(rest) = raw.strip_prefix('+') {
                out.extend(std::iter::repeat_n(String::new(), blanks));
                blanks = 0;
                out.push(rest.to_string());
            } else if raw.trim().is_empty() {
                blanks += 1;
            } else if is_op_start(raw.trim()) {
                break;
            } else {
                return Err(ParseError::AddLine {
                    line: no,
                    path: path.to_string(),
                    text: raw.to_string(),
                });
            }
            self.i += 1;
        }
        Ok(out)
    }

    fn update(&mut self, path: String, line: usize) -> Result<FileOp, ParseError> {
        let mut move_to = None;
        while let Some((no, raw)) = self.peek() {
            let t = raw.trim();
            if let Some(p) = strip_marker(t, MOVE) {
                move_to = Some(path_arg(p, no, MOVE)?);
                self.i += 1;
                break;
            } else if t.is_empty() {
                self.i += 1;
            } else {
                break;
            }
        }
        let mut hunks = Vec::new();
        while let Some((no, raw)) = self.peek() {
            let t = raw.trim();
            if is_op_start(t) {
                break;
            }
            if t.is_empty() {
                self.i += 1;
                continue;
            }
            let mut hunk = Hunk::default();
            if let Some(h) = t.strip_prefix("@@") {
                hunk.header = header(h);
                hunk.text.push(t.to_string());
                self.i += 1;
            } else if !hunks.is_empty() || !raw.starts_with([' ', '-', '+']) {
                return Err(ParseError::HunkLine {
                    line: no,
                    path,
                    text: raw.to_string(),
                });
            }
            self.hunk_body(&path, &mut hunk)?;
            if hunk.lines.is_empty() {
                return Err(ParseError::EmptyHunk { line: no, path });
            }
            hunks.push(hunk);
        }
        if hunks.is_empty() && move_to.is_none() {
            return Err(ParseError::EmptyUpdate { line, path });
        }
        Ok(FileOp::Update {
            path,
            move_to,
            hunks,
        })
    }

    fn hunk_body(&mut self, path: &str, hunk: &mut Hunk) -> Result<(), ParseError> {
        // Blank lines count as empty context lines unless they end the hunk.
        let mut blanks = 0;
        while let Some((no, raw)) = self.peek() {
            let t = raw.trim();
            if t.eq_ignore_ascii_case(END_OF_FILE) {
                hunk.end_of_file = true;
                hunk.text.push(t.to_string());
                self.i += 1;
                break;
            }
            if t.starts_with("@@") || is_op_start(t) {
                break;
            }
            self.i += 1;
            let mut chars = raw.chars();
            let kind = chars.next();
            if t.is_empty() && !matches!(kind, Some(' ' | '-' | '+')) {
                blanks += 1;
                continue;
            }
            for _ in 0..blanks {
                hunk.lines.push(HunkLine::Context(String::new()));
                hunk.text.push(" ".to_string());
            }
            blanks = 0;
            let rest = chars.as_str().to_string();
            hunk.lines.push(match kind {
                Some(' ') => HunkLine::Context(rest),
                Some('-') => HunkLine::Remove(rest),
                Some('+') => HunkLine::Add(rest),
                _ => {
                    return Err(ParseError::HunkLine {
                        line: no,
                        path: path.to_string(),
                        text: raw.to_string(),
                    });
                }
            });
            hunk.text.push(raw.to_string());
        }
        Ok(())
    }
}

fn path_arg(p: &str, line: usize, marker: &'static str) -> Result<String, ParseError> {
    let p = p.trim();
    if p.is_empty() {
        return Err(ParseError::NoPath { line, marker });
    }
    Ok(p.to_string())
}

/// The text after `@@`; tolerates unified-diff ranges (`@@ -1,3 +1,4 @@ fn x`).
fn header(h: &str) -> Option<String> {
    let mut h = h.trim();
    if h.starts_with('-')
        && let Some(end) = h.find("@@")
    {
        h = h[end + 2..].trim();
    } else if let Some(s) = h.strip_suffix("@@") {
        h = s.trim();
    }
    (!h.is_empty()).then(|| h.to_string())
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
