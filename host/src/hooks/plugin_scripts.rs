//! A plugin hook whose program is a script of the plugin that is not
//! there, or not executable, fails each time it fires; said up front
//! instead (`plugins validate` as a problem, `plugins install`, `share
//! add`, `hooks list`, `doctor` and a session's start as a warning). Only
//! a command whose program is plainly a path from the plugin's root is
//! judged: `${CLAUDE_PLUGIN_ROOT}/hooks/x.sh …` (quoted or not, after
//! `NAME=value` assignments), which must exist and be executable, or such
//! a path right after `bash`, `sh`, `zsh`, `python`, `python3` or `node`,
//! which must exist. Any other shell (a path built at run time, a glob, a
//! flag before the script, `cd … && …`) is not guessed at.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// The plugin root variables, as a hook command names them.
const VARS: &[&str] = &[
    "${CLAUDE_PLUGIN_ROOT}",
    "$CLAUDE_PLUGIN_ROOT",
    "${PLUGIN_ROOT}",
    "$PLUGIN_ROOT",
];

/// Programs whose first argument is the script they run: it must exist,
/// not be executable.
const INTERPRETERS: &[&str] = &["bash", "sh", "zsh", "python", "python3", "node"];

/// `Err` saying why `command`, a hook of the plugin in `root`, fails when
/// it fires: the script it runs from the plugin is missing, or (run as
/// the program) not executable; the message names the path and the fix.
pub fn check(command: &str, root: &Path) -> Result<(), String> {
    let Some(words) = leading_words(command) else {
        return Ok(());
    };
    let mut words = words.iter().skip_while(|w| w.is_assignment());
    let Some(first) = words.next() else {
        return Ok(());
    };
    let (word, rel, run) = match first.root_relative() {
        Some(rel) => (first, rel, true),
        None if INTERPRETERS.contains(&first.text().as_str()) => {
            match words
                .next()
                .and_then(|w| w.root_relative().map(|rel| (w, rel)))
            {
                Some((w, rel)) => (w, rel, false),
                None => return Ok(()),
            }
        }
        None => return Ok(()),
    };
    let path = root.join(&rel);
    let shown = path.display();
    let fails = "so the hook fails each time it fires";
    match std::fs::metadata(&path) {
        Err(_) => Err(format!(
            "runs `{}`, but {shown} does not exist, {fails}; add {rel} to the plugin, or correct the path in the hook's command",
            word.raw
        )),
        Ok(m) if !m.is_file() => Err(format!(
            "runs `{}`, but {shown} is not a file, {fails}; name the script in the hook's command",
            word.raw
        )),
        Ok(m) if run && m.permissions().mode() & 0o111 == 0 => Err(format!(
            "runs `{}`, but {shown} is not executable, {fails}; run `chmod +x {}`",
            word.raw,
            sh_word(&path.display().to_string())
        )),
        Ok(_) => Ok(()),
    }
}

/// One word of a command line: its text as written and each character
/// of it with quotes removed, marked when it is literal (single-quoted or
/// escaped: no `$` there expands).
struct Word {
    raw: String,
    chars: Vec<(char, bool)>,
}

impl Word {
    fn text(&self) -> String {
        self.chars.iter().map(|(c, _)| c).collect()
    }

    /// `NAME=value`, the name unquoted.
    fn is_assignment(&self) -> bool {
        let Some(eq) = self.chars.iter().position(|(c, _)| *c == '=') else {
            return false;
        };
        let name = &self.chars[..eq];
        !name.is_empty()
            && !name[0].0.is_ascii_digit()
            && name
                .iter()
                .all(|(c, literal)| !literal && (c.is_ascii_alphanumeric() || *c == '_'))
    }

    /// The plugin-relative path of a word that is the plugin root
    /// variable then `/` and a plain path (nothing else that expands, no
    /// glob, no `..`, not a folder's trailing `/`).
    fn root_relative(&self) -> Option<String> {
        let text = self.text();
        let var = VARS.iter().find(|v| text.starts_with(**v))?;
        // `$CLAUDE_PLUGIN_ROOT` in single quotes stays as written; the
        // braced form is put in by quire wherever it sits.
        if !var.starts_with("${") && self.chars[0].1 {
            return None;
        }
        let rel = text[var.len()..].strip_prefix('/')?.trim_start_matches('/');
        let plain = !rel.is_empty()
            && !rel.ends_with('/')
            && !rel.contains(['$', '`', '*', '?', '[', '{', '~', '\\'])
            && !rel.split('/').any(|s| s == "..");
        plain.then(|| rel.to_string())
    }
}

/// The words of `command` up to its first operator (`; & | ( ) < >`), a
/// newline or a comment; `None` when a quote is left open.
fn leading_words(command: &str) -> Option<Vec<Word>> {
    let mut out = Vec::new();
    let mut chars = command.char_indices().peekable();
    loop {
        while chars.next_if(|(_, c)| *c == ' ' || *c == '\t').is_some() {}
        let Some(&(start, c)) = chars.peek() else {
            return Some(out);
        };
        if matches!(c, ';' | '&' | '|' | '(' | ')' | '<' | '>' | '\n' | '#') {
            return Some(out);
        }
        let mut word = Vec::new();
        let mut end = command.len();
        while let Some(&(at, c)) = chars.peek() {
            if c.is_whitespace() || matches!(c, ';' | '&' | '|' | '(' | ')' | '<' | '>') {
                end = at;
                break;
            }
            chars.next();
            match c {
                '\'' => loop {
                    match chars.next()? {
                        (_, '\'') => break,
                        (_, c) => word.push((c, true)),
                    }
                },
                '"' => loop {
                    match chars.next()? {
                        (_, '"') => break,
                        (_, '\\') => match chars.next()? {
                            (_, c @ ('"' | '\\' | '$' | '`')) => word.push((c, true)),
                            (_, c) => {
                                word.push(('\\', false));
                                word.push((c, false));
                            }
                        },
                        (_, c) => word.push((c, false)),
                    }
                },
                '\\' => word.push((chars.next()?.1, true)),
                c => word.push((c, false)),
            }
        }
        out.push(Word {
            raw: command[start..end].to_string(),
            chars: word,
        });
    }
}

/// `word` as one shell word: as it is when plain, else single-quoted.
fn sh_word(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:@+,%".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
#[path = "plugin_scripts_tests.rs"]
mod tests;
