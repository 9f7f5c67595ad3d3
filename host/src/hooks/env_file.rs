//! Claude Code's `CLAUDE_ENV_FILE`: a SessionStart command hook gets the
//! path of a fresh, empty file of its own; the `export NAME=value` lines
//! it leaves there are set for the model's later shell commands in the
//! session (the `shell` tool, subagents' too). Claude Code sources the
//! file with bash; quire runs no shell on it: each line is read as one
//! assignment ([`parse`]), `$NAME` / `${NAME}` put in from what was set
//! before or quire's environment, quotes taken off. A line that needs a
//! shell (`$(…)`, `` `…` ``, `${X:-y}`, `source …`, `alias`) is skipped
//! with a warning, and so are the names that change how a program or a
//! shell starts ([`REFUSED`]: `LD_*`, `BASH_ENV`, …). `PATH` is allowed
//! (what `nvm use` or a virtualenv writes); a command run outside the
//! sandbox still has its programs checked against that `PATH`.
//!
//! The files are kept beside the session file (`session-env/ID/`, out of
//! the sandbox's reach) and read when the hook ends (a detached hook's
//! when it exits), then removed. A new session (`/new`) starts empty.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::RwLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Names a hook may not set: they change how programs load or a shell
/// starts, for every command of the session.
const REFUSED: &[&str] = &[
    "LD_*",
    "DYLD_*",
    "BASH_ENV",
    "ENV",
    "BASH_FUNC_*",
    "SHELLOPTS",
    "BASHOPTS",
    "PROMPT_COMMAND",
    "PS4",
    "IFS",
    "GLOBIGNORE",
    crate::child::MARK_VAR,
];

/// The most a hook's file may hold; a bigger one is not read.
const MAX_FILE: u64 = 1024 * 1024;

/// The longest value a variable may get: every later command carries it,
/// and the kernel refuses one string over 128 KiB.
const MAX_VALUE: usize = 32 * 1024;

/// The most the session's hook variables may take in all (`NAME=value`
/// and its end byte each): Linux runs no program whose arguments and
/// environment together pass its limit (`ARG_MAX`, mostly 2 MiB), and
/// the rest of the environment and a long command need room too.
const MAX_TOTAL: usize = 256 * 1024;

/// The most bytes one file's values may grow to by `$NAME`s, kept or
/// not: past it nothing more of the file is expanded (a few lines each
/// putting in a long value would otherwise take time and memory).
const MAX_WORK: usize = 4 * 1024 * 1024;

/// Variables left out for [`MAX_TOTAL`] named in its warning.
const NAMED: usize = 10;

/// The variables SessionStart hooks set for the session.
#[derive(Default)]
pub struct EnvFiles {
    vars: RwLock<BTreeMap<String, String>>,
    next: AtomicUsize,
}

/// What one file gave: the variables, and the lines skipped (why).
#[derive(Debug, Default, PartialEq)]
pub struct Parsed {
    pub vars: Vec<(String, String)>,
    pub skipped: Vec<String>,
    /// Variables not set because the hooks' variables would pass
    /// [`MAX_TOTAL`] (from the first such line on, none is read).
    pub left_out: Vec<String>,
}

impl EnvFiles {
    /// A fresh empty file for one hook run of the session `id` whose file
    /// is `transcript`; `None` (logged) when it cannot be made.
    pub fn new_file(&self, transcript: &Path, id: &str) -> Option<PathBuf> {
        let dir = transcript.parent()?.join("session-env").join(id);
        let made = std::fs::DirBuilder::new().recursive(true).create(&dir);
        if let Err(e) = made {
            tracing::warn!("hooks: cannot make {}: {e}", dir.display());
            return None;
        }
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let file = dir.join(format!("sessionstart-hook-{n}.sh"));
        match std::fs::write(&file, b"") {
            Ok(()) => Some(file),
            Err(e) => {
                tracing::warn!("hooks: cannot make {}: {e}", file.display());
                None
            }
        }
    }

    /// Reads `file` (left by `label`) into the session's variables and
    /// removes it; the warnings about what was skipped.
    pub fn take_in(&self, file: &Path, label: &str) -> Vec<String> {
        let text = read_regular(file);
        // A folder left there goes too (never a link's target: neither
        // call follows one).
        match std::fs::symlink_metadata(file) {
            Ok(m) if m.is_dir() => {
                if let Err(e) = std::fs::remove_dir_all(file) {
                    tracing::warn!("hooks: cannot remove {}: {e}", file.display());
                }
            }
            _ => {
                let _ = std::fs::remove_file(file);
            }
        }
        if let Some(dir) = file.parent() {
            // Only when empty: other hooks' files may still be there. Then
            // `session-env` itself, so the sessions folder holds sessions.
            if std::fs::remove_dir(dir).is_ok()
                && let Some(all) = dir.parent()
            {
                let _ = std::fs::remove_dir(all);
            }
        }
        let warn = |why: &str| format!("hook `{label}` (SessionStart): CLAUDE_ENV_FILE {why}");
        let text = match text {
            Ok(Some(text)) => text,
            Ok(None) => return Vec::new(),
            Err(why) => return vec![warn(&why)],
        };
        let text = String::from_utf8_lossy(&text);
        let Ok(mut vars) = self.vars.write() else {
            return Vec::new();
        };
        let used: usize = vars.iter().map(|(k, v)| size(k, v)).sum();
        let known = |name: &str| vars.get(name).cloned().or_else(|| std::env::var(name).ok());
        let parsed = parse(&text, &known, MAX_TOTAL.saturating_sub(used));
        vars.extend(parsed.vars);
        let mut warnings: Vec<String> = parsed.skipped.iter().map(|why| warn(why)).collect();
        if !parsed.left_out.is_empty() {
            warnings.push(warn(&left_out(&parsed.left_out)));
        }
        warnings
    }

    /// The variables set so far.
    pub fn vars(&self) -> BTreeMap<String, String> {
        self.vars.read().map(|v| v.clone()).unwrap_or_default()
    }

    /// A new session: nothing set.
    pub fn clear(&self) {
        if let Ok(mut v) = self.vars.write() {
            v.clear();
        }
    }
}

/// The bytes of `file` when it is a regular file of at most [`MAX_FILE`]
/// bytes; `Ok(None)` when it is gone, `Err` saying why it is not read
/// otherwise. A link is not followed and a FIFO or device is never
/// opened for reading (a FIFO would block quire for good).
fn read_regular(file: &Path) -> Result<Option<Vec<u8>>, String> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let not_file =
        "is not read: it is not a regular file (a link, folder, FIFO or device was left there)";
    match std::fs::symlink_metadata(file) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("is not read: {e}")),
        Ok(m) if !m.file_type().is_file() => return Err(not_file.into()),
        Ok(_) => {}
    }
    // Swapped since the check: O_NOFOLLOW and O_NONBLOCK keep a link or
    // FIFO from being followed or blocking; the handle is checked again.
    let opened = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(file);
    let f = match opened {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("is not read: {e}")),
    };
    match f.metadata() {
        Ok(m) if !m.file_type().is_file() => return Err(not_file.into()),
        Ok(m) if m.len() > MAX_FILE => {
            return Err(format!(
                "is not read: it has {} bytes, more than the {MAX_FILE} read",
                m.len()
            ));
        }
        Ok(_) => {}
        Err(e) => return Err(format!("is not read: {e}")),
    }
    let mut bytes = Vec::new();
    match f.take(MAX_FILE + 1).read_to_end(&mut bytes) {
        Ok(n) if n as u64 > MAX_FILE => Err(format!(
            "is not read: it has more than the {MAX_FILE} bytes read"
        )),
        Ok(_) => Ok(Some(bytes)),
        Err(e) => Err(format!("is not read: {e}")),
    }
}

/// What `NAME=value` takes of a command's environment.
fn size(name: &str, value: &str) -> usize {
    name.len() + value.len() + 2
}

/// The warning about the variables [`MAX_TOTAL`] left out.
fn left_out(names: &[String]) -> String {
    let mut shown: Vec<&str> = names.iter().take(NAMED).map(String::as_str).collect();
    if names.len() > NAMED {
        shown.push("…");
    }
    format!(
        "sets too much: {} not set ({}): the hooks' variables may take {} KiB in all, as every command of the session is given them (the system refuses to run a command whose environment is too big); set fewer or shorter ones",
        crate::plural::counted(names.len(), "variable"),
        shown.join(", "),
        MAX_TOTAL / 1024
    )
}

/// Reads `text`'s `export NAME=value` (or `NAME=value`) lines; `known`
/// gives the value of a `$NAME` not set earlier in `text`. The
/// variables kept take at most `room` bytes ([`size`]); from the first
/// that does not fit on, none is expanded or kept (`left_out`).
pub fn parse(text: &str, known: &dyn Fn(&str) -> Option<String>, room: usize) -> Parsed {
    let mut out = Parsed::default();
    let (mut used, mut work, mut over) = (0usize, 0usize, false);
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let shown = || {
            let cut: String = t.chars().take(60).collect();
            format!("line {} (`{cut}`)", i + 1)
        };
        let rest = match t.strip_prefix("export") {
            Some(r) if r.starts_with([' ', '\t']) => r.trim_start(),
            _ => t,
        };
        let name_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let (name, value) = rest.split_at(name_len);
        let Some(value) = value.strip_prefix('=') else {
            out.skipped.push(format!(
                "{} is not read: quire reads only `export NAME=value` lines (it runs no shell on the file)",
                shown()
            ));
            continue;
        };
        if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
            out.skipped
                .push(format!("{}: not a variable name", shown()));
            continue;
        }
        if REFUSED.iter().any(|p| match p.strip_suffix('*') {
            Some(prefix) => name.starts_with(prefix),
            None => name == *p,
        }) {
            out.skipped.push(format!(
                "{}: {name} is not set: a hook may not set it for the session's commands",
                shown()
            ));
            continue;
        }
        if over {
            if !out.left_out.iter().any(|n| n == name) {
                out.left_out.push(name.to_string());
            }
            continue;
        }
        let fits = room.saturating_sub(used).saturating_sub(size(name, ""));
        let limit = fits.min(MAX_VALUE);
        let lookup = |n: &str| {
            out.vars
                .iter()
                .rev()
                .find(|(k, _)| k == n)
                .map(|(_, v)| v.clone())
                .or_else(|| known(n))
        };
        match value_of(value, &lookup, limit) {
            Ok(v) if v.contains('\0') => out.skipped.push(format!(
                "{}: {name} is not set: its value holds a NUL byte, which no command can be given",
                shown()
            )),
            Ok(v) => {
                work += v.len();
                used += size(name, &v);
                out.vars.push((name.to_string(), v));
            }
            Err(Bad::TooLong) if fits > MAX_VALUE => {
                work += limit;
                out.skipped.push(format!(
                    "{}: {name} is not set: its value has more than the {MAX_VALUE} bytes a variable may have",
                    shown()
                ));
            }
            Err(Bad::TooLong) => {
                over = true;
                out.left_out.push(name.to_string());
            }
            Err(Bad::Shell(why)) => out.skipped.push(format!("{} is not read: {why}", shown())),
        }
        if work > MAX_WORK {
            over = true;
        }
    }
    out
}

/// Why a value is not read.
enum Bad {
    /// It needs a shell, or does not parse (why).
    Shell(&'static str),
    /// It grew past the limit it was read with.
    TooLong,
}

const NEEDS_SHELL: Bad = Bad::Shell("it needs a shell (a command, a pipe or `${NAME:-…}`)");

/// The value of an assignment's right side, as bash would read it
/// without running anything, of at most `limit` bytes (the reading stops
/// as soon as it would be longer); an error names what needs a shell.
fn value_of(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    limit: usize,
) -> Result<String, Bad> {
    let value = value_within(text, lookup, limit)?;
    if value.len() > limit {
        return Err(Bad::TooLong);
    }
    Ok(value)
}

fn value_within(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    limit: usize,
) -> Result<String, Bad> {
    const OPEN: Bad = Bad::Shell("a quote is not closed");
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | ';' => {
                let rest: String = chars.collect();
                let rest = rest.trim_start_matches([' ', '\t', ';']);
                if rest.is_empty() || rest.starts_with('#') {
                    break;
                }
                return Err(Bad::Shell("more than one word or command on the line"));
            }
            '\'' => loop {
                match chars.next() {
                    Some('\'') => break,
                    Some(c) => out.push(c),
                    None => return Err(OPEN),
                }
            },
            '"' => loop {
                match chars.next() {
                    Some('"') => break,
                    Some('\\') => match chars.next() {
                        Some(c @ ('$' | '`' | '"' | '\\')) => out.push(c),
                        Some(c) => {
                            out.push('\\');
                            out.push(c);
                        }
                        None => return Err(OPEN),
                    },
                    Some('$') => dollar(&mut chars, &mut out, lookup, limit)?,
                    Some('`') => return Err(NEEDS_SHELL),
                    Some(c) => out.push(c),
                    None => return Err(OPEN),
                }
            },
            '\\' => {
                if let Some(c) = chars.next() {
                    out.push(c);
                }
            }
            '$' => dollar(&mut chars, &mut out, lookup, limit)?,
            '`' | '|' | '&' | '<' | '>' | '(' | ')' => return Err(NEEDS_SHELL),
            c => out.push(c),
        }
    }
    Ok(out)
}

/// After a `$`: `NAME` or `{NAME}` put in (unset: empty), unless `out`
/// would pass `limit`; a lone `$` kept; anything else needs a shell.
fn dollar(
    chars: &mut std::iter::Peekable<std::str::Chars>,
    out: &mut String,
    lookup: &dyn Fn(&str) -> Option<String>,
    limit: usize,
) -> Result<(), Bad> {
    let ident = |c: &char| c.is_ascii_alphanumeric() || *c == '_';
    let name: String = match chars.peek() {
        Some('{') => {
            chars.next();
            let name: String = std::iter::from_fn(|| chars.next_if(|c| *c != '}')).collect();
            if chars.next() != Some('}') || name.is_empty() || !name.chars().all(|c| ident(&c)) {
                return Err(NEEDS_SHELL);
            }
            name
        }
        Some(c) if c.is_ascii_alphabetic() || *c == '_' => {
            std::iter::from_fn(|| chars.next_if(ident)).collect()
        }
        None | Some(' ' | '\t' | '"' | '/' | ':') => {
            out.push('$');
            return Ok(());
        }
        Some(_) => return Err(NEEDS_SHELL),
    };
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(NEEDS_SHELL);
    }
    let value = lookup(&name).unwrap_or_default();
    if out.len() + value.len() > limit {
        return Err(Bad::TooLong);
    }
    out.push_str(&value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(name: &str) -> Option<String> {
        match name {
            "PATH" => Some("/usr/bin:/bin".into()),
            "HOME" => Some("/home/u".into()),
            _ => None,
        }
    }

    fn vars(text: &str) -> Vec<(String, String)> {
        parse(text, &known, MAX_TOTAL).vars
    }

    #[test]
    fn export_lines_are_read_without_a_shell() {
        let text = "export A=1\nB='two words'\nexport C=\"x $A ${HOME}/y\" # note\n\n# c\nexport D=a\\ b;\nexport PATH=\"$HOME/.nvm/bin:$PATH\"\nexport E='$A'\nexport F=\n";
        let got = vars(text);
        let want: Vec<(String, String)> = [
            ("A", "1"),
            ("B", "two words"),
            ("C", "x 1 /home/u/y"),
            ("D", "a b"),
            ("PATH", "/home/u/.nvm/bin:/usr/bin:/bin"),
            ("E", "$A"),
            ("F", ""),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .into();
        assert_eq!(got, want);
    }

    #[test]
    fn what_needs_a_shell_or_changes_how_programs_start_is_skipped() {
        let text = "export A=$(id)\nexport B=`id`\nexport C=${X:-y}\nsource venv/bin/activate\nexport LD_PRELOAD=/tmp/x.so\nBASH_ENV=/tmp/x\nexport D=1 E=2\nexport G='open\nexport OK=yes\n";
        let p = parse(text, &known, MAX_TOTAL);
        assert_eq!(p.vars, [("OK".to_string(), "yes".to_string())]);
        assert_eq!(p.skipped.len(), 8, "{:#?}", p.skipped);
        assert!(
            p.skipped[4].contains("LD_PRELOAD is not set"),
            "{}",
            p.skipped[4]
        );
    }

    #[test]
    fn values_with_a_nul_byte_or_too_long_are_skipped() {
        let big = "x".repeat(MAX_VALUE + 1);
        let text = format!("export GOOD=1\nexport NULVAR=ab\0cd\nexport BIG={big}\n");
        let p = parse(&text, &known, MAX_TOTAL);
        assert_eq!(p.vars, [("GOOD".to_string(), "1".to_string())]);
        assert_eq!(p.skipped.len(), 2, "{:#?}", p.skipped);
        assert!(
            p.skipped[0].contains("NULVAR is not set"),
            "{}",
            p.skipped[0]
        );
        assert!(p.skipped[1].contains("BIG is not set"), "{}", p.skipped[1]);
    }

    #[test]
    fn past_the_total_nothing_more_is_expanded_or_kept() {
        let big = "y".repeat(MAX_VALUE - 100);
        let mut text = format!("export BIG={big}\nexport SMALL=1\n");
        for i in 0..3000 {
            text.push_str(&format!("V{i}=$BIG\n"));
        }
        text.push_str("export LATE=1\n");
        let p = parse(&text, &known, MAX_TOTAL);
        let kept: usize = p.vars.iter().map(|(k, v)| size(k, v)).sum();
        assert!(kept <= MAX_TOTAL, "{kept}");
        let names: Vec<&str> = p.vars.iter().map(|v| v.0.as_str()).collect();
        assert_eq!(names.len(), 9, "BIG, SMALL, V0 to V6: {names:?}");
        assert_eq!(p.left_out.len(), 3000 - 7 + 1, "V7… and LATE");
        assert_eq!(p.left_out[0], "V7");
        assert!(p.skipped.is_empty(), "{:?}", p.skipped);
        let warning = left_out(&p.left_out);
        assert!(
            warning.contains("2994 variables not set (V7, V8,"),
            "{warning}"
        );
        // Less room (what earlier files set): fewer kept.
        let p = parse(&text, &known, 1000);
        assert!(p.vars.is_empty(), "{:?}", p.vars);
        assert_eq!(p.left_out[0], "BIG");
    }

    #[test]
    fn a_folder_left_there_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let files = EnvFiles::default();
        let f = files.new_file(&dir.path().join("s.jsonl"), "ID").unwrap();
        std::fs::remove_file(&f).unwrap();
        std::fs::create_dir_all(f.join("inside")).unwrap();
        std::fs::write(f.join("inside/x"), "export X=1\n").unwrap();
        let warnings = files.take_in(&f, "h");
        assert!(warnings[0].contains("not a regular file"), "{warnings:?}");
        assert!(!dir.path().join("session-env").exists());
        assert!(files.vars().is_empty());
    }

    #[test]
    fn a_fifo_or_a_link_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let files = EnvFiles::default();
        let f = files.new_file(&dir.path().join("s.jsonl"), "ID").unwrap();
        std::fs::remove_file(&f).unwrap();
        let made = std::process::Command::new("mkfifo").arg(&f).status();
        assert!(made.unwrap().success());
        let warnings = files.take_in(&f, "h");
        assert!(warnings[0].contains("not a regular file"), "{warnings:?}");
        assert!(!f.exists());

        let f = files.new_file(&dir.path().join("s.jsonl"), "ID").unwrap();
        let target = dir.path().join("t");
        std::fs::write(&target, "export X=1\n").unwrap();
        std::fs::remove_file(&f).unwrap();
        std::os::unix::fs::symlink(&target, &f).unwrap();
        let warnings = files.take_in(&f, "h");
        assert!(warnings[0].contains("not a regular file"), "{warnings:?}");
        assert!(files.vars().is_empty());
    }

    #[test]
    fn a_file_is_read_once_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let files = EnvFiles::default();
        let f = files.new_file(&dir.path().join("s.jsonl"), "ID").unwrap();
        assert_eq!(f.parent().unwrap(), dir.path().join("session-env/ID"));
        std::fs::write(&f, "export X=1\nunset Y\n").unwrap();
        let warnings = files.take_in(&f, "h");
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(!f.exists());
        assert!(!dir.path().join("session-env").exists());
        assert_eq!(files.vars().get("X").map(String::as_str), Some("1"));
        files.clear();
        assert!(files.vars().is_empty());
    }
}
