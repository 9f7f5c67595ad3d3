//! `@path` mentions in a message: `@src/main.rs`, or `@"my file.txt"` for
//! a path with spaces. One reading for the terminal view's attachments and
//! custom commands' `@path` files, and the form completion inserts.

use std::path::Path;

/// One `@` mention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// The path as written, quotes removed.
    pub path: String,
    /// Written `@"…"`.
    pub quoted: bool,
}

impl Mention {
    /// Whether it reads as a file path rather than prose (`@alice`, a
    /// handle): quoted, or with a `/` or a `.` in it.
    pub fn looks_like_path(&self) -> bool {
        self.quoted || self.path.contains(['/', '.'])
    }
}

/// The mentions of `text`, in order: an `@` at the start of a word
/// (`me@example.com` is not one), up to the next whitespace with trailing
/// punctuation left off, or `@"…"` up to the closing quote. Nothing in
/// code (`` `npm i @scope/pkg` ``, a fenced block) is a mention.
pub fn mentions(text: &str) -> Vec<Mention> {
    let mut out = Vec::new();
    let mut code = super::code_spans::code_ranges(text).into_iter().peekable();
    let mut prev_space = true;
    let mut i = 0;
    while let Some(c) = text[i..].chars().next() {
        if let Some(span) = code.next_if(|r| r.start <= i) {
            i = i.max(span.end);
            prev_space = false;
            continue;
        }
        if c == '@' && prev_space {
            let rest = &text[i + 1..];
            if let Some(quoted) = rest.strip_prefix('"')
                && let Some(end) = quoted.find('"')
            {
                let path = &quoted[..end];
                if !path.is_empty() {
                    out.push(Mention {
                        path: path.to_string(),
                        quoted: true,
                    });
                }
                i += 1 + 1 + end + 1;
                prev_space = false;
                continue;
            }
            // A mention ends at whitespace or where code begins.
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let end = code
                .peek()
                .map_or(end, |r| end.min(r.start.saturating_sub(i + 1)));
            let path = rest[..end].trim_end_matches([',', '.', ';', ':', ')', '?', '!', '"', '`']);
            if !path.is_empty() {
                out.push(Mention {
                    path: path.to_string(),
                    quoted: false,
                });
            }
            i += 1 + end;
            prev_space = false;
            continue;
        }
        prev_space = c.is_whitespace();
        i += c.len_utf8();
    }
    out
}

/// How `path` is written as a mention: quoted when it has whitespace.
pub fn mention_form(path: &str) -> String {
    if path.contains(char::is_whitespace) {
        format!("@\"{path}\"")
    } else {
        format!("@{path}")
    }
}

/// Whether `root/rel`, `..` resolved without the file system, stays in
/// `root`: `../a.txt` and `/etc/x` (an absolute path elsewhere) do not,
/// whether or not they exist. `root` is canonical.
pub fn lexically_inside(root: &Path, rel: &str) -> bool {
    use std::path::Component;
    let mut depth = 0usize;
    for c in Path::new(rel).components() {
        match c {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir if depth > 0 => depth -= 1,
            Component::ParentDir => return false,
            Component::RootDir | Component::Prefix(_) => {
                return Path::new(rel).starts_with(root);
            }
        }
    }
    true
}

/// Why a mention of a file outside the workspace `root` is not attached
/// (custom commands and plain messages say it alike).
pub fn outside_note(root: &Path) -> String {
    format!(
        "it is outside the workspace {}; only files inside it are attached",
        root.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(text: &str) -> Vec<String> {
        mentions(text).into_iter().map(|m| m.path).collect()
    }

    #[test]
    fn plain_and_quoted_mentions() {
        assert_eq!(
            paths("read @src/main.rs, then @\"my file ü.txt\" and @a.md."),
            ["src/main.rs", "my file ü.txt", "a.md"]
        );
        assert_eq!(paths("(@x.rs) @ alone, @\"\" empty"), Vec::<String>::new());
        assert_eq!(paths("@\"unclosed quote"), ["\"unclosed"]);
    }

    #[test]
    fn prose_is_not_a_path() {
        assert_eq!(paths("mail me@example.com"), Vec::<String>::new());
        let m = mentions("thanks @alice, see @../a.txt and @\"notes\"");
        let like: Vec<bool> = m.iter().map(Mention::looks_like_path).collect();
        assert_eq!(like, [false, true, true]);
    }

    #[test]
    fn nothing_in_code_is_a_mention_and_none_ends_in_a_backquote() {
        assert_eq!(
            paths("run `npm install @anthropic-ai/claude-agent-sdk@latest` and @a.txt`"),
            ["a.txt"]
        );
        assert_eq!(
            paths("```bash\nnpm install -g @openai/codex\n```\nsee @b.md\n"),
            ["b.md"]
        );
        assert_eq!(paths("@c.md`code` and `x`@d.md"), ["c.md"]);
    }

    #[test]
    fn completion_writes_what_is_read_back() {
        for path in ["src/main.rs", "my file ü.txt"] {
            assert_eq!(paths(&format!("see {} now", mention_form(path))), [path]);
        }
        assert_eq!(mention_form("my file.txt"), "@\"my file.txt\"");
    }
}
