//! A mistyped subcommand never reaches the model: `quire statu` or
//! `quire skils list` is refused with "did you mean `quire status`?"
//! (exit 2) instead of starting a session with that word as the prompt.

/// Global options that take a value (the value is not a prompt word).
pub(crate) const VALUED: &[&str] = &[
    "--provider",
    "-m",
    "--model",
    "-c",
    "--config",
    "-s",
    "--sandbox",
    "-a",
    "--approval",
    "--ask-for-approval",
    "-C",
    "--cd",
];

/// The suggestion when the first positional argument of `args` (without
/// the program name) is a single word close to a subcommand but not one.
pub fn check(args: &[String], cli: &clap::Command) -> Option<String> {
    let mut rest = args.iter();
    let word = loop {
        let a = rest.next()?;
        if a == "--" {
            return None;
        }
        if VALUED.contains(&a.as_str()) {
            rest.next();
            continue;
        }
        if a.starts_with('-') {
            continue;
        }
        break a;
    };
    if word.contains(char::is_whitespace) {
        return None;
    }
    let names: Vec<&str> = cli
        .get_subcommands()
        .map(|c| c.get_name())
        .chain(["help"])
        .collect();
    if names.contains(&word.as_str()) {
        return None;
    }
    // One edit for short words: two would turn prompts like `test` or
    // `hello` into `trust` and `help`.
    let edits = if word.chars().count() >= 7 { 2 } else { 1 };
    let hit = quire::suggest::closest(word, names.iter().copied(), edits)?;
    let tail: Vec<&str> = rest.map(String::as_str).collect();
    let fixed = std::iter::once(hit)
        .chain(tail.iter().copied())
        .collect::<Vec<_>>()
        .join(" ");
    Some(format!(
        "error: '{word}' is not a quire command; did you mean `quire {fixed}`?\n\
         (to start a session with that word as the first message, write it with another word, or use `quire exec \"{word}\"`)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_(args: &[String]) -> Option<String> {
        check(args, &crate::cli::help::command())
    }

    fn v(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn single_words_near_a_subcommand_are_caught() {
        let hit = check_(&v(&["skils", "list"])).unwrap_or_default();
        assert!(hit.contains("did you mean `quire skills list`?"), "{hit}");
        assert!(check_(&v(&["-m", "x", "exex"])).is_some());
        assert!(check_(&v(&["fix the bug"])).is_none());
        assert!(check_(&v(&["skills", "list"])).is_none());
        assert!(check_(&v(&["-m", "skils"])).is_none());
        assert!(check_(&v(&["refactor"])).is_none());
        // Plausible one-word prompts two edits from a command are not typos.
        for prompt in ["test", "hello", "explain", "review"] {
            assert!(check_(&v(&[prompt])).is_none(), "{prompt}");
        }
        assert!(check_(&v(&["sesions"])).is_some());
        assert!(check_(&v(&["sessoins"])).is_some());
    }
}
