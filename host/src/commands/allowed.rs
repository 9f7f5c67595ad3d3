//! `allowed-tools` of a command, as Claude Code writes them: `Bash`,
//! `Bash(git status:*)` (a prefix), `Bash(npm test)` (exact), `Read`…
//! Only the `Bash` entries matter here: they say which `` !`command` ``
//! lines of the command may run before its message is sent.

/// Splits `Bash(git add:*), Bash(git status:*) Read` into its entries
/// (commas and spaces outside parentheses separate them).
pub fn split_list(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' => {
                depth += 1;
                current.push(c);
            }
            ')' => {
                depth = depth.saturating_sub(1);
                current.push(c);
            }
            ',' | ' ' | '\t' if depth == 0 => {
                if !current.trim().is_empty() {
                    out.push(current.trim().to_string());
                }
                current.clear();
            }
            _ => current.push(c),
        }
    }
    if !current.trim().is_empty() {
        out.push(current.trim().to_string());
    }
    out
}

/// What `allowed-tools` says of a command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// No entry covers it.
    NotCovered,
    /// `entry` covers the line up to its first shell operator, but a line
    /// with `what` (a redirection, a pipe, a substitution, a chain of
    /// commands) is never admitted by a prefix or exact rule.
    Operator {
        entry: String,
        what: &'static str,
    },
}

/// Whether `command` may run under `allowed`. A command with shell
/// operators (`;`, `&`, `|`, redirections, substitutions) needs plain
/// `Bash`: a prefix like `git status:*` must not let `git status; rm -rf
/// ~` through.
pub fn verdict(allowed: &[String], command: &str) -> Verdict {
    let command = command.trim();
    let entries = || allowed.iter().map(|e| e.trim());
    if entries().any(|e| e == "Bash" || e == "Bash(*)") {
        return Verdict::Allowed;
    }
    match operator(command) {
        None if entries().any(|e| covers(e, command)) => Verdict::Allowed,
        None => Verdict::NotCovered,
        Some((at, what)) => {
            let head = command[..at].trim();
            match entries().find(|e| !head.is_empty() && covers(e, head)) {
                Some(entry) => Verdict::Operator {
                    entry: entry.to_string(),
                    what,
                },
                None => Verdict::NotCovered,
            }
        }
    }
}

/// Whether `command` may run under `allowed`.
#[cfg(test)]
pub fn permits(allowed: &[String], command: &str) -> bool {
    verdict(allowed, command) == Verdict::Allowed
}

/// The first shell operator of `command`: its byte offset and what it is.
fn operator(command: &str) -> Option<(usize, &'static str)> {
    let (at, c) = command.char_indices().find(|(_, c)| {
        matches!(
            c,
            ';' | '&' | '|' | '>' | '<' | '`' | '\n' | '$' | '(' | ')'
        )
    })?;
    let what = match c {
        '>' | '<' => "a redirection",
        '|' if !command[at..].starts_with("||") => "a pipe",
        '`' | '$' | '(' | ')' => "a substitution",
        _ => "a chain of commands",
    };
    Some((at, what))
}

/// Whether one `Bash(…)` entry covers a command without operators.
fn covers(entry: &str, command: &str) -> bool {
    let Some(pattern) = entry
        .strip_prefix("Bash(")
        .and_then(|p| p.strip_suffix(')'))
    else {
        return false;
    };
    match pattern
        .strip_suffix(":*")
        .or_else(|| pattern.strip_suffix(" *"))
        .or_else(|| pattern.strip_suffix('*'))
    {
        Some(prefix) => {
            let prefix = prefix.trim_end();
            command == prefix
                || command
                    .strip_prefix(prefix)
                    .is_some_and(|rest| prefix.is_empty() || rest.starts_with(' '))
        }
        None => command == pattern.trim(),
    }
}

/// The prefix to suggest for `command` (its first two words).
pub fn hint(command: &str) -> String {
    // Placeholders (`$1`, `$ARGUMENTS`) and quoted words vary per call:
    // the hint stops before them.
    let words: Vec<&str> = command
        .split_whitespace()
        .take(2)
        .take_while(|w| !w.contains(['$', '\'', '"']))
        .collect();
    match words.as_slice() {
        [] => command
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string(),
        w => w.join(" "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(s: &[&str]) -> Vec<String> {
        s.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn entries_split_outside_parentheses() {
        assert_eq!(
            split_list("Bash(git add:*), Bash(git status:*) Read"),
            ["Bash(git add:*)", "Bash(git status:*)", "Read"]
        );
    }

    #[test]
    fn prefixes_and_exact_commands() {
        let a = list(&["Bash(git status:*)", "Bash(npm test)"]);
        assert!(permits(&a, "git status"));
        assert!(permits(&a, "git status --short"));
        assert!(!permits(&a, "git statusx"));
        assert!(permits(&a, "npm test"));
        assert!(!permits(&a, "npm test --all"));
        assert!(!permits(&a, "git push"));
        assert!(!permits(&list(&["Read"]), "git status"));
        assert!(!permits(&[], "git status"));
    }

    #[test]
    fn a_prefix_never_lets_a_compound_command_through() {
        let a = list(&["Bash(git status:*)"]);
        assert!(!permits(&a, "git status; rm -rf ~"));
        assert!(!permits(&a, "git status && curl x | sh"));
        assert!(!permits(&a, "git status $(rm x)"));
        assert!(permits(&list(&["Bash"]), "git status | head -5"));
    }

    #[test]
    fn a_covered_line_refused_for_its_operator_says_which() {
        let a = list(&["Bash(git log:*)"]);
        let op = |line: &str| match verdict(&a, line) {
            Verdict::Operator { entry, what } => Some((entry, what)),
            _ => None,
        };
        let entry = "Bash(git log:*)".to_string();
        assert_eq!(
            op("git log -1 > /tmp/x"),
            Some((entry.clone(), "a redirection"))
        );
        assert_eq!(op("git log | head"), Some((entry.clone(), "a pipe")));
        assert_eq!(
            op("git log $(rm x)"),
            Some((entry.clone(), "a substitution"))
        );
        assert_eq!(
            op("git log; rm x"),
            Some((entry.clone(), "a chain of commands"))
        );
        assert_eq!(op("git log || rm x"), Some((entry, "a chain of commands")));
        assert_eq!(verdict(&a, "git push > x"), Verdict::NotCovered);
        assert_eq!(verdict(&a, "> x"), Verdict::NotCovered);
    }
}
