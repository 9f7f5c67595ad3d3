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
    // Another agent's command, alone: quire's way to do it.
    let alone = !rest.clone().any(|a| !a.starts_with('-'));
    if alone && let Some(instead) = other_tools_command(word) {
        return Some(format!(
            "error: '{word}' is not a quire command: {instead}\n\
             (to start a session with that word as the first message, write it with another word, or use `quire exec \"{word}\"`)"
        ));
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

/// What quire offers for a command of Codex CLI or Claude Code that it
/// does not have (`codex login`, `claude config`, `claude update`) or a
/// slash command typed as one (`/init`).
fn other_tools_command(word: &str) -> Option<&'static str> {
    Some(match word.to_ascii_lowercase().as_str() {
        "init" => {
            "in a session, `/init` asks the model to write an AGENTS.md for this repository (run `quire`, then type /init)"
        }
        "login" | "logout" | "auth" => {
            "quire has no account to log in to: it reads the provider's API key from an environment variable (OPENAI_API_KEY, ANTHROPIC_API_KEY) named in ~/.quire/config.toml; run `quire` in a terminal with nothing configured for the setup, and `quire mcp login NAME` for an MCP server's OAuth"
        }
        "config" | "configure" | "setup" | "settings" => {
            "settings live in ~/.quire/config.toml (README \"Configuration\"); `quire doctor` checks them, and with nothing configured `quire` asks its setup questions"
        }
        "apply" => {
            "Codex's `apply` applies a cloud task's diff; quire has no cloud tasks: a session changes your working tree as it goes (`git diff` shows it, /undo in a session takes back a turn's changes)"
        }
        "cloud" => {
            "quire has no cloud tasks: sessions run on this machine; `quire exec \"TASK\"` runs one without a terminal, and `quire --resume last` continues the last session"
        }
        "setup-token" => {
            "quire has no account or token of its own: it reads the provider's API key from an environment variable (ANTHROPIC_API_KEY, OPENAI_API_KEY) named in ~/.quire/config.toml"
        }
        "install" => {
            "quire is installed from its source (`cargo install --path host` in quire's checkout); `quire plugins add PATH` installs a plugin, `quire mcp add` an MCP server"
        }
        "update" | "upgrade" => {
            "quire is updated by installing it again from its source (`cargo install --path host` in quire's checkout); `quire share update` updates the skills and plugins of quire.lock"
        }
        _ => return None,
    })
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
        // Other agents' commands, alone, get quire's way; in a prompt,
        // the words are the user's.
        for word in [
            "init",
            "login",
            "config",
            "update",
            "setup",
            "apply",
            "cloud",
            "setup-token",
            "install",
        ] {
            let hit = check_(&v(&[word])).unwrap_or_default();
            assert!(
                hit.contains(&format!("'{word}' is not a quire command: ")),
                "{hit}"
            );
        }
        assert!(check_(&v(&["login", "--with-api-key"])).is_some());
        assert!(check_(&v(&["update", "the", "readme"])).is_none());
        assert!(check_(&v(&["init the repo"])).is_none());
        assert!(check_(&v(&["sessoins"])).is_some());
    }
}
