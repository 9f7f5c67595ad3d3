//! The simple commands of a shell command line, as a `Bash(...)` rule is
//! matched against them: the line read as bash reads it
//! (`tools::shell::lex`: `$'…'`, quotes, comments, line continuations),
//! each command's words after quote removal joined by one space, leading
//! `VAR=value` assignments, `!` and wrappers (`nohup`, `timeout 5`)
//! dropped. A line whose commands cannot be told apart (`$(...)`, a
//! subshell, a compound command, an unclosed quote, `eval`, `sh -c`)
//! gives `None`: the caller then runs the hook, so a guard fails towards
//! guarding. A word whose value quire cannot know (`$x`, a glob) ends
//! what is known of its command: [`Sub::open`].

use crate::tools::shell::lex::{self, Word};

/// Wrappers that run the rest of the line as the command, dropped when
/// no option follows them (an option may take a value: the command is
/// then not known).
const WRAPPERS: &[&str] = &["command", "exec", "nohup", "time", "env", "timeout"];
/// Commands that run a string (or options) quire does not read as a
/// command line.
const OPAQUE: &[&str] = &["eval", "sh", "bash", "zsh", "dash", "ksh", "xargs", "sudo"];

/// One simple command as a rule sees it.
#[derive(Debug, PartialEq)]
pub struct Sub {
    /// Its words from the command word on, joined by a space; when
    /// `open`, only those before the first word quire cannot know.
    pub text: String,
    /// A word quire cannot know follows `text` (it may stand for any
    /// words, or none).
    pub open: bool,
}

/// The simple commands of `line`, or `None` when they cannot be told apart.
pub fn split(line: &str) -> Option<Vec<Sub>> {
    let read = lex::read(line);
    if read.unsure.is_some() {
        return None;
    }
    let mut out = Vec::new();
    for command in &read.commands {
        let Some(words) = command_words(&command.words)? else {
            out.push(Sub {
                text: String::new(),
                open: true,
            });
            continue;
        };
        let known: Vec<&str> = words
            .iter()
            .take_while(|w| w.known())
            .map(|w| w.text.as_str())
            .collect();
        if known.is_empty() && words.len() == known.len() {
            continue;
        }
        let open = known.len() < words.len();
        // `/bin/rm -rf x` is `rm` too.
        if let Some((first, rest)) = known.split_first()
            && let Some((_, name)) = first.rsplit_once('/')
        {
            let mut by_name = vec![name];
            by_name.extend_from_slice(rest);
            out.push(Sub {
                text: by_name.join(" "),
                open,
            });
        }
        out.push(Sub {
            text: known.join(" "),
            open,
        });
    }
    Some(out)
}

/// The words of one simple command from its command word on:
/// `Some(None)` when where its command starts is not known, `None` when
/// it runs text quire does not read.
fn command_words(mut words: &[Word]) -> Option<Option<&[Word]>> {
    loop {
        let Some((first, rest)) = words.split_first() else {
            return Some(Some(words));
        };
        if first.assigns || (first.plain && first.text == "!") {
            words = rest;
            continue;
        }
        if !first.known() {
            return Some(None);
        }
        let name = first.text.as_str();
        let name = name.rsplit_once('/').map_or(name, |(_, n)| n);
        if OPAQUE.contains(&name) {
            return None;
        }
        if WRAPPERS.contains(&name) {
            words = rest;
            // Their options (`env -i`, `timeout -s KILL`): where the
            // command starts is not known.
            if words.first().is_some_and(|w| w.text.starts_with('-')) {
                return Some(None);
            }
            // `timeout 5 cmd`: the duration.
            if name == "timeout" {
                words = words.get(1..).unwrap_or_default();
            }
            continue;
        }
        // Other programs that run a command named in their arguments
        // (`nice`, `setsid`, `ssh`, …): any rule may match.
        if crate::tools::shell::WRAPPERS.contains(&name) {
            return Some(None);
        }
        return Some(Some(words));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(line: &str) -> Vec<String> {
        let subs = split(line).unwrap_or_else(|| panic!("{line:?} was not read"));
        subs.into_iter()
            .map(|s| {
                assert!(!s.open, "{line:?}");
                s.text
            })
            .collect()
    }

    #[test]
    fn separators_outside_quotes_split_the_line() {
        assert_eq!(parts("ls >/dev/null && git push x"), ["ls", "git push x"]);
        assert_eq!(parts("true; git push x"), ["true", "git push x"]);
        assert_eq!(parts("a || b | c\nd & e"), ["a", "b", "c", "d", "e"]);
        assert_eq!(
            parts("echo 'a; git push' \"b && c\""),
            ["echo a; git push b && c"]
        );
        assert_eq!(parts("make 2>&1 &>log"), ["make"]);
    }

    #[test]
    fn quoting_is_read_as_bash_reads_it() {
        // `$'\''` is a quote: the newline ends `ls`, `#'` is a comment.
        assert_eq!(
            parts("ls $'\\'' \nrm precious.txt #'"),
            ["ls '", "rm precious.txt"]
        );
        assert_eq!(parts("'rm' -f \"x\""), ["rm -f x"]);
        assert_eq!(parts("r\\\nm x"), ["rm x"]);
        assert_eq!(parts("\\rm x"), ["rm x"]);
        assert_eq!(parts("ls # x \\\nrm y"), ["ls", "rm y"]);
        assert_eq!(parts("/bin/rm -f x"), ["rm -f x", "/bin/rm -f x"]);
    }

    #[test]
    fn assignments_wrappers_and_spaces_are_dropped() {
        assert_eq!(parts("FOO=bar git push x"), ["git push x"]);
        assert_eq!(parts("A=1 B=\"2 3\" git  \t push"), ["git push"]);
        assert_eq!(parts("env X=1 nohup git push"), ["git push"]);
        assert_eq!(parts("! git push"), ["git push"]);
        assert_eq!(parts("timeout 5 git push"), ["git push"]);
    }

    #[test]
    fn words_quire_cannot_know_leave_the_command_open() {
        let sub = |line: &str| split(line).unwrap().remove(0);
        let open = |text: &str| Sub {
            text: text.into(),
            open: true,
        };
        assert_eq!(sub("git pus? x"), open("git"));
        assert_eq!(sub("$x -rf y"), open(""));
        assert_eq!(sub("r* -rf y"), open(""));
        assert_eq!(sub("env -u X rm y"), open(""));
        assert_eq!(sub("nice rm y"), open(""));
        assert_eq!(sub("rm \"$x\""), open("rm"));
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
            "/bin/sh -c 'git push'",
            "ls | xargs git push",
            "if true; then git push; fi",
            "cat <<EOF\ngit push\nEOF",
            "echo ${x:-$(git push)}",
        ] {
            assert_eq!(split(line), None, "{line:?}");
        }
    }
}
