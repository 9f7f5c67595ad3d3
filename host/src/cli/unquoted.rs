//! A prompt written without quotes — `quire fix the tests`, `quire exec
//! fix the tests`, `quire skills pick read a pdf` — is refused by clap on
//! its second word ("unrecognized subcommand 'the'", with a tip for
//! `help`). The prompt is one argument: the refusal says so and shows
//! the command with the words quoted, ready to paste.

use clap::Command;
use clap::error::{ContextKind, ContextValue, ErrorKind};

/// The refusal of `raw` (the arguments without the program name) when
/// clap's `error` is a word of an unquoted prompt; `None` otherwise.
pub fn refusal(raw: &[String], error: &clap::Error, cli: &Command) -> Option<String> {
    let kind = error.kind();
    let context = match kind {
        ErrorKind::UnknownArgument => ContextKind::InvalidArg,
        ErrorKind::InvalidSubcommand => ContextKind::InvalidSubcommand,
        _ => return None,
    };
    let Some(ContextValue::String(word)) = error.get(context) else {
        return None;
    };
    if word.starts_with('-') {
        return None;
    }
    let (command, words) = prompt_words(raw, cli)?;
    // Only a command whose one positional argument is the prompt (or
    // the text to pick for): a second word cannot be anything else there.
    let mut positionals = command.get_positionals();
    let prompt = positionals
        .next()
        .is_some_and(|p| matches!(p.get_id().as_str(), "prompt" | "text"));
    if !prompt || positionals.next().is_some() || words.len() < 2 {
        return None;
    }
    if !words.iter().any(|&i| raw[i] == *word) {
        return None;
    }
    let joined = words
        .iter()
        .map(|&i| raw[i].as_str())
        .collect::<Vec<_>>()
        .join(" ");
    // `quire -p fix the tests`: Claude Code's print mode, whose prompt
    // began with -p's value; here -p names a profile.
    if let Some(p) = words[0].checked_sub(2)
        && words[0] == p + 2
        && raw[p] == "-p"
        && command.get_name() == cli.get_name()
    {
        let task = format!("{} {joined}", raw[p + 1]);
        return Some(format!(
            "unexpected word '{word}': -p is --profile in quire; to run one task and print its answer (Claude Code's -p):\n\n  quire exec {}",
            quote(&task)
        ));
    }
    let mut line = vec!["quire".to_string()];
    for (i, a) in raw.iter().enumerate() {
        if i == words[0] {
            line.push(quote(&joined));
        } else if !words.contains(&i) {
            line.push(quote(a));
        }
    }
    Some(format!(
        "unexpected word '{word}': the prompt is one argument, so write it in quotes:\n\n  {}",
        line.join(" ")
    ))
}

/// The command the words lead to and the positions of the words after
/// it that are not options or their values: the prompt's words. `None`
/// after `--` (everything there is literal).
fn prompt_words<'c>(raw: &[String], cli: &'c Command) -> Option<(&'c Command, Vec<usize>)> {
    let mut command = cli;
    let mut words = Vec::new();
    let mut i = 0;
    while let Some(a) = raw.get(i) {
        if a == "--" {
            return None;
        }
        if a.starts_with('-') {
            if !a.contains('=') && takes_value(a, command, cli) {
                i += 1;
            }
        } else if words.is_empty()
            && let Some(sub) = command.find_subcommand(a)
        {
            command = sub;
        } else {
            words.push(i);
        }
        i += 1;
    }
    Some((command, words))
}

/// Whether the option `flag` (`-m`, `--model`) of `command` or a global
/// one of `cli` takes a value (the next word is that value; not for
/// `--json`, whose value is only ever written `--json=codex`).
fn takes_value(flag: &str, command: &Command, cli: &Command) -> bool {
    let named = |arg: &clap::Arg| match flag.strip_prefix("--") {
        Some(long) => {
            arg.get_long() == Some(long)
                || arg.get_all_aliases().is_some_and(|all| all.contains(&long))
        }
        None => {
            let mut chars = flag.chars().skip(1);
            let (Some(c), None) = (chars.next(), chars.next()) else {
                return false;
            };
            arg.get_short() == Some(c)
        }
    };
    command
        .get_arguments()
        .chain(cli.get_arguments())
        .find(|arg| named(arg))
        .is_some_and(|arg| arg.get_action().takes_values() && !arg.is_require_equals_set())
}

/// `text` as one shell word: bare when it is plain, in double quotes
/// when nothing in it is special there, else in single quotes.
fn quote(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./=:,@%+".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        return text.to_string();
    }
    if !text.contains(['"', '\\', '$', '`', '!']) {
        return format!("\"{text}\"");
    }
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said(args: &[&str]) -> Option<String> {
        let cli = super::super::help::command();
        let raw: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let mut argv = vec!["quire".to_string()];
        argv.extend(raw.iter().cloned());
        let error = cli.clone().try_get_matches_from(argv).err()?;
        refusal(&raw, &error, &cli)
    }

    #[test]
    fn an_unquoted_prompt_is_shown_quoted() {
        let top = said(&["fix", "the", "tests"]).unwrap();
        assert!(top.contains("quire \"fix the tests\""), "{top}");
        let exec = said(&["exec", "--json", "fix", "the", "tests"]).unwrap();
        assert!(
            exec.contains("quire exec --json \"fix the tests\""),
            "{exec}"
        );
        let valued = said(&["-m", "gpt-5", "exec", "fix", "it"]).unwrap();
        assert!(
            valued.contains("quire -m gpt-5 exec \"fix it\""),
            "{valued}"
        );
        let pick = said(&["skills", "pick", "read", "a", "pdf"]).unwrap();
        assert!(pick.contains("quire skills pick \"read a pdf\""), "{pick}");
    }

    #[test]
    fn claude_code_s_print_mode_gets_quire_exec() {
        let s = said(&["-p", "fix", "the", "tests"]).unwrap();
        assert!(s.contains("quire exec \"fix the tests\""), "{s}");
    }

    #[test]
    fn words_special_to_the_shell_are_single_quoted() {
        let s = said(&["exec", "echo", "$HOME", "isn't", "set"]).unwrap();
        assert!(s.contains(r#"quire exec 'echo $HOME isn'\''t set'"#), "{s}");
    }

    #[test]
    fn other_refusals_are_left_to_clap() {
        // An unknown option, a typo'd subcommand's own argument, and a
        // command with two positional arguments are not prompts.
        assert!(said(&["exec", "--bogus", "go"]).is_none());
        assert!(said(&["exec", "fix", "--", "the", "tests"]).is_none());
        assert!(said(&["sessions", "show", "a", "b", "c"]).is_none());
        assert!(said(&["exec", "resume", "--last", "fix", "it", "now"]).is_none());
    }
}
