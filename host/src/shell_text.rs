//! Shell text helpers shared by the code that fills values into shell
//! lines as written (custom commands' arguments, a plugin hook's root
//! folder): here-document operators, backslash escapes.

/// The quoting in force at a place of a shell line.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Quote {
    None,
    Single,
    Double,
    /// `$'…'`.
    Ansi,
}

/// A here-document started on a line, whose body follows it.
pub(crate) struct Heredoc {
    pub delimiter: String,
    /// The shell expands `$…` in its body (the delimiter is unquoted).
    pub expands: bool,
    /// `<<-`: leading tabs are stripped from the body and delimiter.
    pub strip_tabs: bool,
}

/// `text` with a backslash before each character of `special`.
pub(crate) fn escape(text: &str, special: &[char]) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if special.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The here-document whose operator (`<<`, already read) starts `rest`,
/// and how much of `rest` its `-` and delimiter take.
pub(crate) fn heredoc(rest: &str) -> (Option<Heredoc>, usize) {
    let strip_tabs = rest.starts_with('-');
    let after = &rest[usize::from(strip_tabs)..];
    let blanks = after.len() - after.trim_start_matches([' ', '\t']).len();
    let word = &after[blanks..];
    let end = word
        .find(|c: char| c.is_whitespace() || matches!(c, ';' | '&' | '|' | '<' | '>' | '(' | ')'))
        .unwrap_or(word.len());
    let raw = &word[..end];
    let used = usize::from(strip_tabs) + blanks + end;
    if raw.is_empty() {
        return (None, used);
    }
    let delimiter: String = raw
        .chars()
        .filter(|c| !matches!(c, '\'' | '"' | '\\'))
        .collect();
    let doc = Heredoc {
        delimiter,
        expands: !raw.contains(['\'', '"', '\\']),
        strip_tabs,
    };
    (Some(doc), used)
}
