//! The simple commands of a shell command line, as Claude Code matches a
//! `Bash(...)` rule against them: split on `;`, `&&`, `||`, `|`, `&` and
//! newlines outside quotes, leading `VAR=value` assignments (and `!`)
//! dropped, whitespace collapsed. A line whose commands cannot be told
//! apart (an unclosed quote, `$(...)`, backquotes, a subshell, `eval`,
//! `sh -c`) gives `None`: the caller then runs the hook, so a guard fails
//! towards guarding.

/// Wrappers that run the rest of the line as the command.
const WRAPPERS: &[&str] = &["command", "exec", "nohup", "time", "env", "timeout"];
/// Commands that run a string (or options) quire does not read as a
/// command line.
const OPAQUE: &[&str] = &["eval", "sh", "bash", "zsh", "dash", "ksh", "xargs", "sudo"];

/// The simple commands of `line`, or `None` when they cannot be told apart.
pub fn split(line: &str) -> Option<Vec<String>> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut chars = line.chars().peekable();
    let mut prev = ' ';
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                cur.push(c);
                cur.push(chars.next()?);
            }
            '\'' => {
                cur.push(c);
                loop {
                    let q = chars.next()?;
                    cur.push(q);
                    if q == '\'' {
                        break;
                    }
                }
            }
            '"' => {
                cur.push(c);
                loop {
                    let q = chars.next()?;
                    cur.push(q);
                    match q {
                        '"' => break,
                        '\\' => cur.push(chars.next()?),
                        '`' => return None,
                        '$' if chars.peek() == Some(&'(') => return None,
                        _ => {}
                    }
                }
            }
            '`' | '(' | ')' | '{' | '}' => return None,
            '$' if chars.peek() == Some(&'(') => return None,
            ';' | '\n' | '|' => {
                // `&&`, `||`, `|&` and `;;` are one separator.
                if matches!(chars.peek(), Some('|' | '&' | ';')) {
                    chars.next();
                }
                parts.push(std::mem::take(&mut cur));
            }
            // `&` of `>&2`, `&>file` is a redirection, not a separator.
            '&' if prev == '>' || prev == '<' || chars.peek() == Some(&'>') => cur.push(c),
            '&' => {
                if chars.peek() == Some(&'&') {
                    chars.next();
                }
                parts.push(std::mem::take(&mut cur));
            }
            _ => cur.push(c),
        }
        prev = c;
    }
    parts.push(cur);
    let mut out = Vec::new();
    for part in parts {
        let words = simple_command(&part)?;
        if !words.is_empty() {
            out.push(words.join(" "));
        }
    }
    Some(out)
}

/// The words of one simple command from its command word on; `None` when
/// it runs text quire does not read.
fn simple_command(part: &str) -> Option<Vec<&str>> {
    let mut words = words(part);
    loop {
        match words.first() {
            Some(&"!") => {
                words.remove(0);
            }
            Some(w) if is_assignment(w) => {
                words.remove(0);
            }
            Some(w) if WRAPPERS.contains(w) => {
                let timeout = *w == "timeout";
                words.remove(0);
                // Their options (`env -i`, `timeout -s KILL`: an option
                // with a value is not read, the line then names no command).
                while words.first().is_some_and(|w| w.starts_with('-')) {
                    words.remove(0);
                }
                // `timeout 5 cmd`: the duration.
                if timeout && !words.is_empty() {
                    words.remove(0);
                }
            }
            Some(w) if OPAQUE.contains(w) => return None,
            _ => return Some(words),
        }
    }
}

/// The words of `part` split on whitespace outside quotes (the quotes of
/// `part` are closed: [`split`] checked them).
fn words(part: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    let mut quote = None;
    let mut escaped = false;
    for (i, c) in part.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match (quote, c) {
            (Some('\''), '\'') | (Some('"'), '"') => quote = None,
            (Some('"'), '\\') | (None, '\\') => escaped = true,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, c) if c.is_whitespace() => {
                if let Some(s) = start.take() {
                    out.push(&part[s..i]);
                }
                continue;
            }
            (None, _) => {}
        }
        start.get_or_insert(i);
    }
    if let Some(s) = start {
        out.push(&part[s..]);
    }
    out
}

/// `NAME=value` before a command.
fn is_assignment(word: &str) -> bool {
    let Some((name, _)) = word.split_once('=') else {
        return false;
    };
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(line: &str) -> Vec<String> {
        split(line).unwrap_or_else(|| panic!("{line:?} was not read"))
    }

    #[test]
    fn separators_outside_quotes_split_the_line() {
        assert_eq!(
            parts("ls >/dev/null && git push x"),
            ["ls >/dev/null", "git push x"]
        );
        assert_eq!(parts("true; git push x"), ["true", "git push x"]);
        assert_eq!(parts("a || b | c\nd & e"), ["a", "b", "c", "d", "e"]);
        assert_eq!(
            parts("echo 'a; git push' \"b && c\""),
            ["echo 'a; git push' \"b && c\""]
        );
        assert_eq!(parts("make 2>&1 &>log"), ["make 2>&1 &>log"]);
    }

    #[test]
    fn assignments_wrappers_and_spaces_are_dropped() {
        assert_eq!(parts("FOO=bar git push x"), ["git push x"]);
        assert_eq!(parts("A=1 B=\"2 3\" git  \t push"), ["git push"]);
        assert_eq!(parts("env -i X=1 nohup git push"), ["git push"]);
        assert_eq!(parts("! git push"), ["git push"]);
        assert_eq!(parts("timeout 5 git push"), ["git push"]);
    }

    #[test]
    fn lines_that_cannot_be_read_give_none() {
        for line in [
            "echo $(git push)",
            "echo `git push`",
            "(git push)",
            "{ git push; }",
            "echo 'unclosed",
            "eval 'git push'",
            "bash -c 'git push'",
            "ls | xargs git push",
        ] {
            assert_eq!(split(line), None, "{line:?}");
        }
    }
}
