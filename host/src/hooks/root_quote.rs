//! `${CLAUDE_PLUGIN_ROOT}` / `${PLUGIN_ROOT}` in a plugin hook's command
//! replaced by the path put in for the plugin's folder — the folder when
//! plain, else its plain alias under `$QUIRE_HOME` ([`super::root_alias`],
//! which also protects a shell that reads the command again) — quoted for
//! where the variable sits, so that any path (blanks, `$(…)`, quotes,
//! backquotes, as a `$QUIRE_HOME` of letters outside ASCII may need)
//! stays one literal word and nothing in it runs:
//! - outside quotes: a single-quoted word (`'/my repo/kit'`);
//! - inside double quotes: `\ $ \` "` escaped;
//! - inside single quotes: `'` closed, escaped, reopened (`'\''`);
//! - inside `$'…'`: `\` and `'` escaped;
//! - inside backquotes: the above, escaped once more for the backquotes.
//!
//! A folder of only plain characters is put in as it is (the command, and
//! so its approval's hash, stay what they were). Comments keep the
//! variable as written. The hook's process also gets the folder in its
//! environment (`hooks::dispatch`), so in the body of a here-document
//! that expands (`<<EOF`) the variable is left for the shell to fill in
//! (no escaping there keeps a line of the folder from ending the body).
//! In one that does not (`<<'EOF'`) the body is literal text: the folder
//! goes in as it is, unless a line of it would end the body (then the
//! variable stays as written).

use crate::shell_text::{Heredoc, Quote, escape, heredoc};

const VARS: [&str; 2] = ["${CLAUDE_PLUGIN_ROOT}", "${PLUGIN_ROOT}"];

#[derive(Clone, Copy, PartialEq)]
enum Sub {
    Top,
    /// `$(…)`, `$((…))`: `depth` open parentheses inside.
    Paren(u32),
    Backquote,
}

#[derive(Clone, Copy)]
struct Frame {
    sub: Sub,
    quote: Quote,
}

/// `command` with the plugin root variables replaced by `root`, quoted
/// for where each one sits.
pub fn substitute(command: &str, root: &str) -> String {
    if !VARS.iter().any(|v| command.contains(v)) {
        return command.to_string();
    }
    let mut out = String::with_capacity(command.len() + root.len());
    let mut stack = vec![Frame {
        sub: Sub::Top,
        quote: Quote::None,
    }];
    let mut pending: Vec<Heredoc> = Vec::new();
    let mut word_start = true;
    let mut i = 0;
    while i < command.len() {
        let rest = &command[i..];
        let frame = *stack.last().unwrap_or(&Frame {
            sub: Sub::Top,
            quote: Quote::None,
        });
        if let Some(var) = VARS.iter().find(|v| rest.starts_with(**v)) {
            out.push_str(&in_context(root, frame.quote, backquotes(&stack)));
            i += var.len();
            word_start = false;
            continue;
        }
        let Some(c) = rest.chars().next() else {
            break;
        };
        let next = rest[c.len_utf8()..].chars().next();
        let mut len = c.len_utf8();
        let top = stack.len() - 1;
        match (frame.quote, c) {
            (Quote::Single, '\'') => stack[top].quote = Quote::None,
            (Quote::Single, _) => {}
            (Quote::Ansi, '\\') | (Quote::Double, '\\') | (Quote::None, '\\') => {
                len += next.map_or(0, char::len_utf8);
            }
            (Quote::Ansi, '\'') => stack[top].quote = Quote::None,
            (Quote::Ansi, _) => {}
            (Quote::Double, '"') => stack[top].quote = Quote::None,
            (Quote::None, '"') => stack[top].quote = Quote::Double,
            (Quote::None, '\'') => stack[top].quote = Quote::Single,
            (Quote::None | Quote::Double, '$') if next == Some('(') => {
                stack.push(Frame {
                    sub: Sub::Paren(0),
                    quote: Quote::None,
                });
                len += 1;
            }
            (Quote::None, '$') if next == Some('\'') => {
                stack[top].quote = Quote::Ansi;
                len += 1;
            }
            (Quote::None | Quote::Double, '`') => match frame.sub {
                Sub::Backquote if frame.quote == Quote::None => {
                    stack.pop();
                }
                _ => stack.push(Frame {
                    sub: Sub::Backquote,
                    quote: Quote::None,
                }),
            },
            (Quote::None, '(') => {
                if let Sub::Paren(d) = &mut stack[top].sub {
                    *d += 1;
                }
            }
            (Quote::None, ')') => match &mut stack[top].sub {
                Sub::Paren(0) => {
                    stack.pop();
                }
                Sub::Paren(d) => *d -= 1,
                _ => {}
            },
            (Quote::None, '#') if word_start => {
                // A comment runs to the end of the line, left as written.
                len = rest.find('\n').unwrap_or(rest.len());
            }
            (Quote::None, '<') if rest.starts_with("<<") && !rest.starts_with("<<<") => {
                let (doc, used) = heredoc(&rest[2..]);
                pending.extend(doc);
                len = 2 + used;
            }
            (Quote::None, '\n') if !pending.is_empty() => {
                out.push('\n');
                i += 1;
                i += bodies(&command[i..], &pending, root, &mut out);
                pending.clear();
                word_start = true;
                continue;
            }
            _ => {}
        }
        out.push_str(&rest[..len]);
        i += len;
        word_start = frame.quote == Quote::None
            && (c.is_whitespace() || matches!(c, ';' | '&' | '|' | '(' | ')' | '`'));
    }
    out
}

/// How many backquotes enclose the innermost frame.
fn backquotes(stack: &[Frame]) -> usize {
    stack.iter().filter(|f| f.sub == Sub::Backquote).count()
}

/// Whether `root` reads the same to the shell in every context (and
/// to one that reads the command again: `super::root_alias`).
pub(super) fn plain(root: &str) -> bool {
    !root.is_empty()
        && root.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_' | '-' | '+' | ',' | '@' | '%')
        })
}

/// `root` written for `quote` inside `backquotes` levels of backquotes.
fn in_context(root: &str, quote: Quote, backquotes: usize) -> String {
    if plain(root) {
        return root.to_string();
    }
    let mut text = match quote {
        Quote::None => format!("'{}'", root.replace('\'', r"'\''")),
        Quote::Single => root.replace('\'', r"'\''"),
        Quote::Double => escape(root, &['\\', '$', '`', '"']),
        Quote::Ansi => escape(root, &['\\', '\'']),
    };
    for _ in 0..backquotes {
        text = escape(&text, &['\\', '$', '`']);
    }
    text
}

/// Copies the bodies of `docs` (one after the other, from the start of
/// `text`) into `out` with the variables replaced; returns how much of
/// `text` they took, delimiter lines included.
fn bodies(text: &str, docs: &[Heredoc], root: &str, out: &mut String) -> usize {
    let mut at = 0;
    for doc in docs {
        while at < text.len() {
            let line_end = text[at..].find('\n').map_or(text.len(), |n| at + n + 1);
            let line = &text[at..line_end];
            let bare = line.trim_end_matches('\n');
            let bare = if doc.strip_tabs {
                bare.trim_start_matches('\t')
            } else {
                bare
            };
            at = line_end;
            if bare == doc.delimiter {
                out.push_str(line);
                break;
            }
            let ends_body = root.split('\n').any(|l| l == doc.delimiter);
            let value = match (doc.expands, plain(root)) {
                (_, true) => root,
                (false, false) if !ends_body => root,
                // Only the shell can put this folder in safely: it is in
                // the hook's environment.
                _ => "${CLAUDE_PLUGIN_ROOT}",
            };
            let mut line = line.to_string();
            for var in VARS {
                line = line.replace(var, value);
            }
            out.push_str(&line);
        }
    }
    at
}

#[cfg(test)]
#[path = "root_quote_tests.rs"]
mod tests;
