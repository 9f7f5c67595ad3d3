//! `/init`: the message that asks the model to write the repository's
//! AGENTS.md (the file coding agents read first), sent as an ordinary
//! message (approvals and the sandbox apply). An AGENTS.md that exists is
//! never replaced: `/init` alone refuses, `/init TEXT` asks for that
//! change to it.

use std::path::Path;

/// What the model is asked to put in a new AGENTS.md, and how.
const WRITE: &str = "\
Write an AGENTS.md for this repository: the file coding agents read before they work here, so that they need not guess.

First survey the repository with read-only commands and reads: the README and other docs, the build and package files (Cargo.toml, package.json, pyproject.toml, go.mod, Makefile and the like), the CI configuration, the source and test folders. Change no file other than AGENTS.md.

Then create AGENTS.md in the repository's top folder with apply_patch, holding:
- how to build, run, lint and test, as exact commands (how to run one test too);
- the layout: the main folders and what lives in each;
- the conventions a change must follow that the code and its configuration show (style, naming, errors, tests, commit messages);
- what would surprise a newcomer (generated files not to edit, needed environment variables, slow steps).

Keep it short, about a page: facts someone new to the repository could not guess, no general advice. Write only what you checked; leave out what you could not confirm. If an AGENTS.md exists by the time you write it, do not replace it: say so and stop.";

/// How the model is asked to change an AGENTS.md that exists.
const IMPROVE: &str = "\
This repository has an AGENTS.md (the file coding agents read before they work here). Improve it as the user asks below. Read it first and survey the repository as far as the request needs, with read-only commands and reads; then edit AGENTS.md with apply_patch, changing only what the request calls for and keeping what is still correct. Do not replace it wholesale and change no other file. Keep it short; write only what you checked in the repository.";

/// The message `/init ARG` sends from `cwd`, or why it sends none (an
/// AGENTS.md exists and `arg` says no change to make).
pub fn message(cwd: &Path, arg: &str) -> Result<String, String> {
    let top = quire::config::repo_root(cwd).unwrap_or_else(|| cwd.to_path_buf());
    let file = top.join("AGENTS.md");
    let arg = arg.trim();
    // A link or anything else at that name counts as existing.
    let exists = std::fs::symlink_metadata(&file).is_ok();
    match (exists, arg.is_empty()) {
        (true, true) => Err(refusal(&file)),
        (true, false) => Ok(format!(
            "{IMPROVE}\n\nAGENTS.md is {}.\n\nThe user asks: {arg}",
            file.display()
        )),
        (false, true) => Ok(format!(
            "{WRITE}{}\n\nThe top folder is {}.",
            beside_claude(&top),
            top.display()
        )),
        (false, false) => Ok(format!(
            "{WRITE}{}\n\nThe top folder is {}.\n\nThe user adds: {arg}",
            beside_claude(&top),
            top.display()
        )),
    }
}

/// What to say of a CLAUDE.md in `top`: agents read both files, so the
/// new one builds on it rather than repeating it.
fn beside_claude(top: &Path) -> String {
    let claude = top.join("CLAUDE.md");
    match claude.is_file() {
        true => format!(
            "\n\nThis repository has {} (instructions written for Claude Code). Read it first: it stays, and agents read both files, so AGENTS.md must not repeat what it says; put in AGENTS.md only what it lacks.",
            claude.display()
        ),
        false => String::new(),
    }
}

/// Why `/init` alone does nothing when `file` exists.
fn refusal(file: &Path) -> String {
    format!(
        "{} already exists; /init does not replace it. To have the model improve it, say how: /init TEXT (for example /init add how to run one test)",
        quire::printable::quoted_name(&file.display().to_string())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_existing_agents_md_is_never_replaced() {
        let dir = tempfile::tempdir().expect("tempdir");
        let sent = message(dir.path(), "").expect("no AGENTS.md yet");
        assert!(sent.starts_with("Write an AGENTS.md"), "{sent}");
        std::fs::write(dir.path().join("AGENTS.md"), "# Mine\n").expect("write");
        let Err(why) = message(dir.path(), "") else {
            panic!("/init alone sent a message over an AGENTS.md");
        };
        assert!(
            why.contains("already exists; /init does not replace it"),
            "{why}"
        );
        let beside = tempfile::tempdir().expect("tempdir");
        std::fs::write(beside.path().join("CLAUDE.md"), "# Claude\n").expect("write");
        let sent = message(beside.path(), "").expect("no AGENTS.md yet");
        assert!(
            sent.contains("CLAUDE.md (instructions written for Claude Code)"),
            "{sent}"
        );
        let asked = message(dir.path(), "add the lint command").expect("a change asked");
        assert!(asked.contains("Improve it as the user asks"), "{asked}");
        assert!(
            asked.ends_with("The user asks: add the lint command"),
            "{asked}"
        );
    }
}
