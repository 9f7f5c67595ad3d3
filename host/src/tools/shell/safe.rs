//! Which commands are known to be read-only (run without asking under the
//! `untrusted` policy), and the key an "always" approval remembers.
//!
//! The command is read by `lex` (as bash reads it) into simple commands.
//! Anything that makes it more than a list of simple commands with known
//! words — redirection, a background job, a parameter expansion, or what
//! `lex` cannot read with certainty — makes the command "complex", which
//! is never known to be safe and never gets an "always" key.

use super::lex::Word;

/// A command split into simple commands (lists of words).
#[derive(Debug, Default, PartialEq)]
pub(super) struct Parsed {
    pub(super) segments: Vec<Vec<String>>,
    /// Redirection, substitution, subshell, background job, a parameter
    /// expansion, or what `lex` cannot read.
    pub(super) complex: bool,
    /// A word is a glob (`src/*.rs`): what runs depends on the files.
    pub(super) globs: bool,
    /// A glob may stand for options (`*`, `-*`: a file named
    /// `--pre=./x`).
    pub(super) glob_options: bool,
}

pub(super) fn parse(command: &str) -> Parsed {
    let line = super::lex::read(command);
    let any = |f: fn(&Word) -> bool| line.commands.iter().any(|c| c.words.iter().any(f));
    let complex = line.unsure.is_some()
        || line.background
        || line.commands.iter().any(|c| c.redirected)
        || any(|w| w.expands);
    let globs = any(|w| w.globs);
    let glob_options = any(|w| w.globs && w.may_be_option());
    let segments = line
        .commands
        .into_iter()
        .map(|c| c.words.into_iter().map(|w| w.text).collect())
        .filter(|s: &Vec<String>| !s.is_empty())
        .collect();
    Parsed {
        segments,
        complex,
        globs,
        glob_options,
    }
}

/// Programs that only read, whatever options they are given: a glob
/// that stands for options is harmless to them.
const READERS: &[&str] = &[
    "ls", "cat", "head", "tail", "wc", "pwd", "echo", "grep", "which", "stat", "du", "df",
];

/// Whether `command` only reads: every simple command is on the allow-list
/// and nothing is redirected or substituted.
pub fn is_known_safe(command: &str) -> bool {
    safe_parsed(&parse(command))
}

fn safe_parsed(p: &Parsed) -> bool {
    let reader = |s: &Vec<String>| s.first().is_some_and(|w| READERS.contains(&w.as_str()));
    !p.complex
        && !p.segments.is_empty()
        && p.segments.iter().all(|s| simple_is_safe(s))
        && (!p.glob_options || p.segments.iter().all(reader))
}

/// [`is_known_safe`], and when the command runs git, the repository at
/// `cwd` sets up no program for git to run (`core.fsmonitor`, diff and
/// filter drivers, a signature verifier, an executable index or ref hook,
/// the same in a submodule: see `git_config`): a sandboxed command may
/// have written `.git/config` or `.git/hooks`, and `git status` would then
/// run what they name without asking.
pub async fn is_known_safe_in(command: &str, cwd: &std::path::Path) -> bool {
    let p = parse(command);
    if !safe_parsed(&p) {
        return false;
    }
    let runs_git = p
        .segments
        .iter()
        .any(|s| s.first().is_some_and(|w| w == "git"));
    !runs_git || !super::git_config::runs_programs(cwd).await
}

fn simple_is_safe(words: &[String]) -> bool {
    let Some((first, args)) = words.split_first() else {
        return false;
    };
    let has = |banned: &[&str]| args.iter().any(|a| banned.contains(&a.as_str()));
    match first.as_str() {
        f if READERS.contains(&f) => true,
        "rg" => rg_is_safe(args),
        // `file -C` compiles a magic file and writes it.
        "file" => !args.iter().any(|a| {
            a == "--compile" || (a.starts_with('-') && !a.starts_with("--") && a.contains('C'))
        }),
        "find" => !has(&[
            "-exec", "-execdir", "-ok", "-okdir", "-delete", "-fprint", "-fprint0", "-fprintf",
            "-fls",
        ]),
        "git" => git_is_safe(args),
        _ => false,
    }
}

/// ripgrep runs programs on `--pre CMD` (on every file), `--hostname-bin
/// CMD` (for hyperlinks) and `-z`/`--search-zip` (a decompressor per
/// compressed file), the short form also inside a group (`-inz`).
fn rg_is_safe(args: &[String]) -> bool {
    !args.iter().any(|a| {
        a.starts_with("--pre")
            || a.starts_with("--hostname-bin")
            || a.starts_with("--search-zip")
            || (a.starts_with('-') && !a.starts_with("--") && a.contains('z'))
    })
}

fn git_is_safe(args: &[String]) -> bool {
    let Some((sub, rest)) = args.split_first() else {
        return false;
    };
    if rest.iter().any(|a| a.starts_with("--output")) {
        return false;
    }
    match sub.as_str() {
        "status" | "log" | "diff" | "show" => true,
        // Only listing: any name would create, and most flags modify.
        "branch" => rest.iter().all(|a| {
            matches!(
                a.as_str(),
                "-a" | "-r"
                    | "-v"
                    | "-vv"
                    | "--all"
                    | "--remotes"
                    | "--verbose"
                    | "--list"
                    | "--show-current"
                    | "--no-color"
            )
        }),
        _ => false,
    }
}

/// Programs never approved "always" (see [`always_key`]).
const NEVER_ALWAYS: &[&str] = &[
    "rm", "rmdir", "dd", "shred", "truncate", "chmod", "chown", "chgrp", "sudo", "su", "doas",
    "kill", "pkill", "killall", "find", "xargs", "mv",
];

/// Programs that run another command given in their arguments: an
/// "always" for `timeout 5` or `env FOO=1` would approve whatever
/// follows, `rm` included, so they are asked about every time.
pub(crate) const WRAPPERS: &[&str] = &[
    "timeout",
    "env",
    "nice",
    "ionice",
    "nohup",
    "stdbuf",
    "time",
    "command",
    "builtin",
    "exec",
    "eval",
    "source",
    ".",
    "setsid",
    "chroot",
    "unshare",
    "nsenter",
    "flock",
    "watch",
    "strace",
    "ltrace",
    "busybox",
    "chrt",
    "taskset",
    "runuser",
    "pkexec",
    "script",
    "parallel",
    "ssh",
    "systemd-run",
    "firejail",
    "bwrap",
    "fakeroot",
    "catchsegv",
    "valgrind",
    "gdb",
];

/// Interpreters: with an option first (`bash -c`, `python3 -c`,
/// `node -e`, `perl -e`) the program is in the arguments, so such a call
/// is asked about every time. `python3 x.py` still gets its own key.
pub(super) const INTERPRETERS: &[&str] = &[
    "sh",
    "bash",
    "zsh",
    "dash",
    "ksh",
    "mksh",
    "fish",
    "csh",
    "tcsh",
    "python",
    "python2",
    "python3",
    "node",
    "nodejs",
    "deno",
    "bun",
    "perl",
    "ruby",
    "php",
    "lua",
    "tclsh",
    "awk",
    "gawk",
    "mawk",
    "osascript",
    "pwsh",
];

/// Whether an "always" approval may stand for `command` run at `cwd`: its
/// [`always_key`], unless the command runs git and the repository's git
/// configuration names a program git runs on its own (a sandboxed command
/// may have written `.git/config` after "always" was given for `git
/// status`). Then the command is asked about every time.
pub async fn always_key_in(command: &str, cwd: &std::path::Path) -> Option<String> {
    let key = always_key(command)?;
    let runs_git = parse(command).segments.iter().any(|s| {
        s.first()
            .is_some_and(|w| w.rsplit('/').next() == Some("git"))
    });
    if runs_git && super::git_config::runs_programs(cwd).await {
        return None;
    }
    Some(key)
}

/// The key an "always" approval of `command` remembers: its first two
/// words (the program and its first argument). `None` for compound or
/// redirected commands, for globs (what they name changes with the files), so approving `git push` for good never lets
/// `git push; rm -rf ~` through; `None` also for programs that destroy
/// (`rm`, `mv`, …) and for wrappers and interpreters that run a command
/// named in their arguments (`timeout 5 …`, `bash -c …`, `git -c …`).
pub fn always_key(command: &str) -> Option<String> {
    let p = parse(command);
    if p.complex || p.globs || p.segments.len() != 1 {
        return None;
    }
    let words = &p.segments[0];
    let first = words.first()?;
    // `FOO=1 rm x`: an assignment in front names no program of its own.
    if first.contains('=') {
        return None;
    }
    // Programs that destroy or take over whatever they are pointed at are
    // asked about every time: `rm -rf build` approved once must not
    // approve `rm -rf ~` later.
    let program = first.rsplit('/').next().unwrap_or(first);
    if NEVER_ALWAYS.contains(&program) || WRAPPERS.contains(&program) || program.starts_with("mkfs")
    {
        return None;
    }
    let second = words.get(1);
    // An option as the first argument of an interpreter names the code to
    // run (`-c`, `-e`); of git it may name a program git runs
    // (`git -c alias.x='!rm -rf ~' x`).
    let interpreter = INTERPRETERS.contains(&program) || program.starts_with("python");
    if second.is_some_and(|w| w.starts_with('-')) && (interpreter || program == "git") {
        return None;
    }
    // Of git, only its own commands: any other word is an alias or a
    // `git-NAME` program, which a later `.git/config` or PATH can point
    // at anything (`alias.st = !sh -c …`).
    if program == "git"
        && second.is_some_and(|w| !super::git_config::GIT_COMMANDS.contains(&w.as_str()))
    {
        return None;
    }
    // Options anywhere that name code to run (`make --eval`, `git push
    // --receive-pack`, `cargo --config`): asked every time.
    if super::always_args::names_code(program, &words[1..]) {
        return None;
    }
    // `uv run …`, `npm exec …`: whatever follows runs.
    if second.is_some_and(|w| super::always_args::runs_any_command(program, w)) {
        return None;
    }
    // `npm run build`: the script's name is part of the key.
    if let Some(second) = second
        && super::always_args::names_a_script(program, second)
    {
        return match words.get(2) {
            Some(script) if !script.starts_with('-') => {
                Some(format!("{first} {second} {}", quote_word(script)))
            }
            _ => None,
        };
    }
    // Of make, the command exactly: a further target or option is asked
    // about again.
    if super::always_args::exact_key(program) {
        let quoted: Vec<String> = words.iter().map(|w| quote_word(w)).collect();
        return Some(quoted.join(" "));
    }
    // The program and its first argument: "always" covers `cargo test`
    // or `git push`, never every use of a program.
    match second {
        Some(second) => Some(format!("{first} {second}")),
        None => Some(first.clone()),
    }
}

/// `word` as the key shows it: quoted when it holds a space or a quote, so
/// `make 'a b'` and `make a b` keep apart.
fn quote_word(word: &str) -> String {
    if word.is_empty()
        || word
            .chars()
            .any(|c| c.is_whitespace() || c == '\'' || c == '"')
    {
        format!("'{}'", word.replace('\'', r"'\''"))
    } else {
        word.to_string()
    }
}

#[cfg(test)]
#[path = "safe_tests.rs"]
mod tests;
