//! `allowed-tools` of a command, as Claude Code writes them: `Bash`,
//! `Bash(git status:*)` (a prefix), `Bash(npm test)` (exact), `Read`…
//! Only the `Bash` entries matter here: they say which `` !`command` ``
//! lines of the command may run before its message is sent.

use std::path::Path;

use crate::tools::shell::lex::{self, Word};

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
    /// `entry` covers the line's first command, but a line with `what` (a
    /// redirection, a pipe, a substitution, a chain of commands) is never
    /// admitted by a prefix or exact rule.
    Operator {
        entry: String,
        what: &'static str,
    },
}

/// Whether `command` may run under `allowed`. The line is read as the
/// shell reads it (`tools::shell::lex`): rules match its words after
/// quote removal, so `"/p/setup.sh" 'x'` is `Bash(/p/setup.sh:*)`. A line
/// with shell operators (`;`, `&`, `|`, redirections, substitutions,
/// parameter expansions) needs plain `Bash`: a prefix like `git
/// status:*` must not let `git status; rm -rf ~` through. Read-only
/// commands need no rule: see [`read_only`].
pub fn verdict(allowed: &[String], command: &str) -> Verdict {
    let entries = || allowed.iter().map(|e| e.trim());
    if entries().any(|e| e == "Bash" || e == "Bash(*)") {
        return Verdict::Allowed;
    }
    let line = lex::read(command);
    // A line quire stops reading inside its first command (`git log
    // $(x)`): that command's words up to the first operator.
    let head = match line.commands.first() {
        Some(c) => c.words.clone(),
        None => {
            let at = command
                .find(|c| ";&|<>`$()\n".contains(c))
                .unwrap_or(command.len());
            let mut head = lex::read(&command[..at]);
            match head.unsure {
                None if !head.commands.is_empty() => head.commands.swap_remove(0).words,
                _ => Vec::new(),
            }
        }
    };
    let covering = entries().find(|e| covers(e, &head));
    match (complication(&line), covering) {
        (None, Some(_)) => Verdict::Allowed,
        (Some(what), Some(entry)) => Verdict::Operator {
            entry: entry.to_string(),
            what,
        },
        (_, None) => Verdict::NotCovered,
    }
}

/// Whether `command`, run at `cwd`, only reads: what quire's own approval
/// runs without asking (`tools::shell::is_known_safe_in`: `git status`,
/// `git diff`, `git log`, `ls`, `cat`…, and no git configuration in the
/// repository that makes git run a program). Claude Code runs such
/// `` !`command` `` lines whatever the `allowed-tools` say.
pub async fn read_only(command: &str, cwd: &Path) -> bool {
    crate::tools::shell::is_known_safe_in(command, cwd).await
}

/// Whether `command` may run under `allowed`.
#[cfg(test)]
pub fn permits(allowed: &[String], command: &str) -> bool {
    verdict(allowed, command) == Verdict::Allowed
}

/// What makes `line` more than one simple command of known words.
fn complication(line: &lex::Line) -> Option<&'static str> {
    let any_word = |f: fn(&Word) -> bool| line.commands.iter().any(|c| c.words.iter().any(f));
    if let Some(why) = line.unsure {
        Some(why)
    } else if line.commands.iter().any(|c| c.redirected) {
        Some("a redirection")
    } else if line.background {
        Some("a background job")
    } else if line.commands.len() > 1 {
        Some("a pipe or a chain of commands")
    } else if any_word(|w| w.expands) {
        Some("a parameter expansion")
    } else {
        None
    }
}

/// Whether one `Bash(…)` entry covers a command's `words`: `prefix:*`
/// (or `prefix *`, `prefix*`) when the words begin with the prefix's
/// words, else when they are exactly the pattern's words. The pattern is
/// read as a command line too, so `'/a b'/x.sh` is one word.
fn covers(entry: &str, words: &[Word]) -> bool {
    let Some(pattern) = entry
        .strip_prefix("Bash(")
        .and_then(|p| p.strip_suffix(')'))
    else {
        return false;
    };
    let (text, prefix) = match pattern
        .strip_suffix(":*")
        .or_else(|| pattern.strip_suffix(" *"))
        .or_else(|| pattern.strip_suffix('*'))
    {
        Some(p) => (p, true),
        None => (pattern, false),
    };
    let Some(wanted) = pattern_words(text) else {
        return false;
    };
    if words.is_empty() || (wanted.is_empty() && !prefix) {
        return false;
    }
    let fits = words.len() == wanted.len() || (prefix && words.len() > wanted.len());
    fits && wanted
        .iter()
        .zip(words)
        .all(|(want, word)| word.known() && word.text == *want)
}

/// The words of a rule's command, `None` when it is not one plain
/// command of known words.
fn pattern_words(text: &str) -> Option<Vec<String>> {
    let mut line = lex::read(text);
    if line.unsure.is_some() || line.background || line.commands.len() > 1 {
        return None;
    }
    let Some(command) = line.commands.pop() else {
        return Some(Vec::new());
    };
    if command.redirected || command.words.iter().any(|w| !w.known()) {
        return None;
    }
    Some(command.words.into_iter().map(|w| w.text).collect())
}

/// The prefix to suggest for the line `written` in a command's body: its
/// first two words, up to a placeholder (`$1`, `$ARGUMENTS`); a script
/// path alone; under the plugin's folder `root`, written with
/// `${CLAUDE_PLUGIN_ROOT}` as the author would.
pub fn hint(written: &str, root: Option<&Path>) -> String {
    let line = lex::read(written);
    let words: Vec<&Word> = line
        .commands
        .first()
        .map(|c| c.words.iter().take_while(|w| w.known()).take(2).collect())
        .unwrap_or_default();
    let words = match words.as_slice() {
        [] => {
            return written
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string();
        }
        [first, ..] if first.text.contains('/') => &words[..1],
        _ => &words[..],
    };
    let root = root.map(|r| r.display().to_string());
    words
        .iter()
        .map(|w| {
            let under = root.as_deref().and_then(|r| {
                w.text
                    .strip_prefix(r)
                    .filter(|rest| rest.starts_with('/') || rest.is_empty())
            });
            match under {
                Some(rest) => format!("${{CLAUDE_PLUGIN_ROOT}}{}", shell_word(rest)),
                None => shell_word(&w.text),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `text` as one word of a rule: as it is when plain, else in single
/// quotes.
pub fn shell_word(text: &str) -> String {
    let plain = text.chars().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(c, '/' | '.' | '_' | '-' | '+' | ':' | '@' | '%' | ',' | '=')
    });
    if plain {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
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
        let chain = Some((entry.clone(), "a pipe or a chain of commands"));
        assert_eq!(op("git log | head"), chain);
        assert_eq!(op("git log; rm x"), chain);
        assert_eq!(op("git log || rm x"), chain);
        assert_eq!(
            op("git log $(rm x)"),
            Some((entry.clone(), "command substitution or arithmetic"))
        );
        assert_eq!(op("git log $HOME"), Some((entry, "a parameter expansion")));
        assert_eq!(verdict(&a, "git push > x"), Verdict::NotCovered);
        assert_eq!(verdict(&a, "> x"), Verdict::NotCovered);
    }

    #[test]
    fn rules_match_words_after_quote_removal() {
        let a = list(&["Bash(/p/scripts/setup.sh:*)"]);
        assert!(permits(&a, "\"/p/scripts/setup.sh\" 'build it'"));
        assert!(permits(&a, "'/p/scripts/setup.sh'"));
        assert!(!permits(&a, "\"/p/scripts/setup.shx\" a"));
        // Quoted arguments are words, not operators.
        assert!(permits(&a, "/p/scripts/setup.sh 'a; rm x' '$(y)'"));
        assert!(!permits(&a, "/p/scripts/setup.sh a; rm x"));
        // A root with a space, quoted in the rule.
        let spaced = list(&["Bash('/a b'/x.sh:*)"]);
        assert!(permits(&spaced, "\"/a b/x.sh\" go"));
        assert!(!permits(&spaced, "/a b/x.sh go"));
    }

    #[test]
    fn hints_are_rules_the_author_can_write() {
        let root = Path::new("/home/u/.agents/plugins/kit");
        assert_eq!(
            hint(
                "\"/home/u/.agents/plugins/kit/scripts/setup.sh\" $ARGUMENTS",
                Some(root)
            ),
            "${CLAUDE_PLUGIN_ROOT}/scripts/setup.sh"
        );
        assert_eq!(hint("git diff HEAD", Some(root)), "git diff");
        assert_eq!(hint("npm run $1", None), "npm run");
        assert_eq!(hint("'/a b/x.sh' go", None), "'/a b/x.sh'");
        assert_eq!(hint("$X go", None), "$X");
    }
}
