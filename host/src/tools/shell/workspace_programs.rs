//! The programs of a command the model asks to run outside the sandbox
//! that are files its sandboxed commands can write. The user approving
//! `pytest` or `ls` takes it for the system's; when the first `pytest`
//! on `PATH` is the activated project's `.venv/bin/pytest` (or a relative
//! `PATH` entry finds it, or the command names `./x`), the question names
//! the file and says so. Such entries stay on the command's `PATH` (you
//! want your venv's `pytest`): it is only made visible.
//!
//! Read: each simple command's first word, after leading `NAME=value`
//! assignments and an `env` with its assignments and `-i`/`-u NAME`
//! options. Not read: a program run by another one (`bash -c '…'`,
//! `xargs`, `sudo`, `timeout`, `nice`), a `PATH` the command sets
//! itself, functions and aliases of a sourced file.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use super::safe;
use crate::tools::approval::WorkspaceProgram;
use crate::writable_path::{executable, first_on, is_writable};

/// bash's builtins and keywords: a word bash runs itself, whatever
/// `PATH` holds.
const BUILTINS: &[&str] = &[
    ".", ":", "[", "alias", "bg", "break", "builtin", "caller", "cd", "command", "compgen",
    "complete", "continue", "declare", "dirs", "disown", "echo", "enable", "eval", "exec", "exit",
    "export", "false", "fc", "fg", "getopts", "hash", "help", "history", "jobs", "kill", "let",
    "local", "logout", "popd", "printf", "pushd", "pwd", "read", "readonly", "return", "set",
    "shift", "shopt", "source", "suspend", "test", "times", "trap", "true", "type", "typeset",
    "ulimit", "umask", "unalias", "unset", "wait", "if", "then", "else", "elif", "fi", "case",
    "esac", "for", "while", "until", "do", "done", "function", "select", "time", "!", "{", "}",
    "[[", "]]",
];

/// The programs of `command`, run in `cwd` with `path` as its `PATH`,
/// that lie where sandboxed commands can write (`roots`, or found through
/// a relative `PATH` entry), each once.
pub(super) fn find(
    command: &str,
    cwd: &Path,
    path: Option<&OsStr>,
    roots: &[PathBuf],
) -> Vec<WorkspaceProgram> {
    let mut out: Vec<WorkspaceProgram> = Vec::new();
    for words in safe::parse(command).segments {
        let Some(word) = program_word(&words) else {
            continue;
        };
        let Some(found) = resolve(word, cwd, path, roots) else {
            continue;
        };
        if !out.contains(&found) {
            out.push(found);
        }
    }
    out
}

/// The word of `words` naming the program: past `NAME=value`
/// assignments, and past `env` with its assignments and options (`None`
/// for an option of `env` not read here).
fn program_word(words: &[String]) -> Option<&str> {
    let mut rest = words
        .iter()
        .map(String::as_str)
        .skip_while(|w| assignment(w));
    let mut first = rest.next()?;
    // `command pytest`, `exec pytest`, `time pytest`, `nohup pytest`,
    // `nice -n 5 pytest` run the word after them (and their options).
    while let Some(takes_value) = wrapper(first) {
        first = rest.next()?;
        while first.starts_with('-') {
            if takes_value.contains(&first) {
                rest.next()?;
            }
            first = rest.next()?;
        }
    }
    if first != "env" {
        return Some(first);
    }
    while let Some(w) = rest.next() {
        match w {
            "-i" | "-" | "--ignore-environment" | "-0" | "--null" => {}
            "-u" | "--unset" => {
                rest.next()?;
            }
            "--" => return rest.find(|w| !assignment(w)),
            _ if w.starts_with("-u") || w.starts_with("--unset=") => {}
            _ if w.starts_with('-') => return None,
            _ if assignment(w) => {}
            _ => return Some(w),
        }
    }
    None
}

/// When `word` runs the program named after it: its options that take a
/// value.
fn wrapper(word: &str) -> Option<&'static [&'static str]> {
    match word {
        "command" | "time" | "nohup" => Some(&[]),
        "exec" => Some(&["-a"]),
        "nice" => Some(&["-n"]),
        _ => None,
    }
}

/// `NAME=value` with a plain name.
fn assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        name.chars().next().is_some_and(|c| !c.is_ascii_digit())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// The file `word` runs, when sandboxed commands can write it.
fn resolve(
    word: &str,
    cwd: &Path,
    path: Option<&OsStr>,
    roots: &[PathBuf],
) -> Option<WorkspaceProgram> {
    let (file, writable) = if word.contains('/') {
        let file = cwd.join(word);
        let folder = file.parent()?.to_path_buf();
        (file, is_writable(&folder, roots))
    } else {
        if BUILTINS.contains(&word) {
            return None;
        }
        let (entry, file) = first_on(word, path?, cwd)?;
        (file, is_writable(&entry, roots))
    };
    (writable && executable(&file)).then(|| WorkspaceProgram {
        word: word.to_string(),
        path: file,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_program_word_skips_assignments_and_env() {
        let words = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
        let of = |s: &str| program_word(&words(s)).map(String::from);
        assert_eq!(of("pytest -q").as_deref(), Some("pytest"));
        assert_eq!(of("A=1 B=2 pytest").as_deref(), Some("pytest"));
        assert_eq!(of("env -i -u HOME X=1 pytest").as_deref(), Some("pytest"));
        assert_eq!(of("env -- pytest").as_deref(), Some("pytest"));
        assert_eq!(of("env -S 'a b'"), None);
        assert_eq!(of("X=1"), None);
        assert_eq!(of("command pytest").as_deref(), Some("pytest"));
        assert_eq!(of("exec -a name pytest -q").as_deref(), Some("pytest"));
        assert_eq!(of("time -p pytest").as_deref(), Some("pytest"));
        assert_eq!(of("nice -n 5 env X=1 pytest").as_deref(), Some("pytest"));
        assert_eq!(of("time"), None);
    }

    #[test]
    fn a_program_inside_the_workspace_is_found_and_builtins_are_not() {
        use std::os::unix::fs::PermissionsExt;
        let repo = tempfile::tempdir().unwrap();
        let system = tempfile::tempdir().unwrap();
        let venv = repo.path().join(".venv/bin");
        std::fs::create_dir_all(&venv).unwrap();
        for file in [
            venv.join("pytest"),
            venv.join("echo"),
            system.path().join("ls"),
            repo.path().join("x"),
        ] {
            std::fs::write(&file, "#!/bin/sh\n").unwrap();
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let path = std::env::join_paths([venv.clone(), system.path().to_path_buf()]).unwrap();
        let roots = crate::writable_path::writable_roots([repo.path()]);
        let found = |c: &str| {
            find(c, repo.path(), Some(&path), &roots)
                .into_iter()
                .map(|p| (p.word, p.path))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            found("ls && env X=1 pytest -q; echo hi"),
            [("pytest".to_string(), venv.join("pytest"))]
        );
        assert_eq!(
            found("./x --go"),
            [("./x".to_string(), repo.path().join("./x"))]
        );
        assert!(found("ls -la").is_empty());
        // A relative entry names the folder the command runs in.
        let relative = std::env::join_paths([".venv/bin"]).unwrap();
        let found = find("pytest", repo.path(), Some(&relative), &[]);
        assert_eq!(found.len(), 1, "{found:?}");
    }
}
