//! Arguments put into a `` !`command` `` line or a ```! block: each
//! placeholder (`$ARGUMENTS`, `$1`…`$9`) is filled in the form that keeps
//! the argument literal text where the placeholder sits in the line, so
//! an argument never runs as code and never adds options:
//! - outside quotes: single-quoted words (`$ARGUMENTS` one per argument);
//! - inside double quotes: `\ $ \` "` escaped (`"$ARGUMENTS"` is what was
//!   typed, one word);
//! - inside single quotes: `'` closed, escaped, reopened (`'\''`);
//! - inside `$'…'`: `\` and `'` escaped;
//! - in the body of a here-document whose delimiter is quoted
//!   (`<<'EOF'`): as typed.
//!
//! A `$` escaped by a backslash (`\$1`) is the shell's literal dollar and
//! stays as written, as does a placeholder in a comment. Where no form is
//! literal for certain — arithmetic (`$((…))`, `((…))`), backquotes, an
//! expanding here-document (`<<EOF`), after `case` inside `$(…)` or a
//! `${…}` with an operator — the line is refused ([`Refused`]).

use super::expand::{Numbering, Slot, slot_at, split_args};
use crate::shell_text::{Heredoc, Quote, escape, heredoc};

/// Why a placeholder cannot be filled where it sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    Arithmetic,
    /// A line that evaluates values as code somewhere ([`evaluating`]).
    Evaluating(&'static str),
    Backquotes,
    ExpandingHeredoc,
    HeredocEnd,
    Unclear,
}

impl Refused {
    /// Where the placeholder sits, and what to do, in words.
    pub fn in_words(self) -> &'static str {
        match self {
            Refused::Arithmetic => {
                "inside arithmetic (`$((…))` or `((…))`), where the shell reads a value as code; leave the arguments out of it"
            }
            Refused::Evaluating(what) => match what {
                "[[" => {
                    "in a line with `[[ … ]]`, whose comparisons read a value as arithmetic code; compare the argument with `[ … ]` or `test` (`=`, `!=`; not `-v` or the numeric tests)"
                }
                "subscript" => {
                    "in a line with an array subscript (`a[…]=`), which the shell reads as arithmetic code; leave the arguments out of it"
                }
                "eval" => {
                    "in a line that runs text as code (`eval`, `sh -c`, `bash -c`); pass the argument another way"
                }
                "name" => {
                    "in a line that takes a value as a variable's name (`-v`, `read`, `unset`), which the shell evaluates; leave the arguments out of it"
                }
                _ => {
                    "in a line that reads values as arithmetic code (`let`, `declare -i`, `$[…]`); leave the arguments out of it"
                }
            },
            Refused::Backquotes => "inside backquotes; write `$(…)` instead of `…`",
            Refused::ExpandingHeredoc => {
                "into a here-document whose body the shell expands; quote its delimiter (`<<'EOF'`) so the body is plain text"
            }
            Refused::HeredocEnd => {
                "into a here-document, and a line of the argument is its delimiter; pass an argument without that line"
            }
            Refused::Unclear => {
                "after a part quire cannot read for certain (`case` inside `$(…)`, or `${…}` with an operator); move the placeholder before it or out of the line"
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Sub {
    Top,
    /// `$(…)`: `depth` open parentheses inside.
    Paren(u32),
    /// `$((…))` or `((…))`: `depth` open parentheses inside.
    Arith(u32),
    Backquote,
}

#[derive(Clone, Copy)]
struct Frame {
    sub: Sub,
    quote: Quote,
}

const TOP: Frame = Frame {
    sub: Sub::Top,
    quote: Quote::None,
};

/// What a placeholder names.
enum Arg<'a> {
    All,
    One(&'a str),
}

/// `line` (as the command's file wrote it) with the placeholders filled
/// by `args`, `$1` the first.
#[cfg(test)]
pub fn fill_line(line: &str, args: &str) -> Result<String, Refused> {
    fill_line_as(line, args, Numbering::FromOne)
}

/// `line` with the placeholders filled by `args`, `$N` counted as `n`
/// says.
pub fn fill_line_as(line: &str, args: &str, n: Numbering) -> Result<String, Refused> {
    let words = split_args(args);
    let has_placeholder = line
        .char_indices()
        .any(|(at, _)| placeholder(&line[at..], &words, n).is_some());
    if has_placeholder && let Some(what) = evaluating(line) {
        return Err(Refused::Evaluating(what));
    }
    let mut out = String::with_capacity(line.len() + args.len() * 2);
    let mut stack = vec![TOP];
    let mut pending: Vec<Heredoc> = Vec::new();
    let mut unclear = false;
    let mut word_start = true;
    let mut i = 0;
    while i < line.len() {
        let rest = &line[i..];
        let frame = *stack.last().unwrap_or(&TOP);
        if let Some((arg, used)) = placeholder(rest, &words, n) {
            out.push_str(&put(&stack, unclear, arg, args.trim(), &words)?);
            i += used;
            word_start = false;
            continue;
        }
        let Some(c) = rest.chars().next() else {
            break;
        };
        let next = rest[c.len_utf8()..].chars().next();
        let mut len = c.len_utf8();
        let top = stack.len() - 1;
        let arith = matches!(frame.sub, Sub::Arith(_));
        match (frame.sub, frame.quote, c) {
            // The shell ends backquotes at the first unescaped one,
            // whatever quotes are inside.
            (Sub::Backquote, _, '\\') => len += next.map_or(0, char::len_utf8),
            (Sub::Backquote, _, '`') => {
                stack.pop();
            }
            (Sub::Backquote, _, _) => {}
            (_, Quote::Single, '\'') => stack[top].quote = Quote::None,
            (_, Quote::Single, _) => {}
            (_, Quote::Ansi | Quote::Double | Quote::None, '\\') => {
                len += next.map_or(0, char::len_utf8);
            }
            (_, Quote::Ansi, '\'') => stack[top].quote = Quote::None,
            (_, Quote::Ansi, _) => {}
            (_, Quote::Double, '"') => stack[top].quote = Quote::None,
            (_, Quote::None, '"') => stack[top].quote = Quote::Double,
            (_, Quote::None, '\'') => stack[top].quote = Quote::Single,
            (_, Quote::None | Quote::Double, '$') if rest.starts_with("$((") => {
                stack.push(Frame {
                    sub: Sub::Arith(0),
                    quote: Quote::None,
                });
                len = 3;
            }
            (_, Quote::None, '(') if rest.starts_with("((") && !arith => {
                stack.push(Frame {
                    sub: Sub::Arith(0),
                    quote: Quote::None,
                });
                len = 2;
            }
            (_, Quote::None | Quote::Double, '$') if next == Some('(') => {
                stack.push(Frame {
                    sub: Sub::Paren(0),
                    quote: Quote::None,
                });
                len += 1;
            }
            (_, Quote::None | Quote::Double, '$') if next == Some('{') => {
                match simple_brace(rest) {
                    Some(n) => len = n,
                    None => {
                        unclear = true;
                        len += 1;
                    }
                }
            }
            (_, Quote::None, '$') if next == Some('\'') => {
                stack[top].quote = Quote::Ansi;
                len += 1;
            }
            (_, Quote::None | Quote::Double, '`') => stack.push(Frame {
                sub: Sub::Backquote,
                quote: Quote::None,
            }),
            (Sub::Paren(d) | Sub::Arith(d), Quote::None, '(') => {
                stack[top].sub = bump(frame.sub, d + 1);
            }
            (Sub::Arith(0), Quote::None, ')') if next == Some(')') => {
                stack.pop();
                len = 2;
            }
            (Sub::Paren(0), Quote::None, ')') => {
                stack.pop();
            }
            (Sub::Paren(d) | Sub::Arith(d), Quote::None, ')') => {
                stack[top].sub = bump(frame.sub, d.saturating_sub(1));
            }
            (_, Quote::None, '#') if word_start && !arith => {
                // A comment runs to the end of the line, left as written.
                len = rest.find('\n').unwrap_or(rest.len());
            }
            (_, Quote::None, 'c')
                if word_start
                    && rest.starts_with("case")
                    && rest[4..].starts_with(char::is_whitespace)
                    && stack.len() > 1 =>
            {
                unclear = true;
            }
            (_, Quote::None, '<')
                if !arith && rest.starts_with("<<") && !rest.starts_with("<<<") =>
            {
                let (doc, used) = heredoc(&rest[2..]);
                pending.extend(doc);
                len = 2 + used;
            }
            (_, Quote::None, '\n') if !pending.is_empty() => {
                out.push('\n');
                i += 1;
                i += bodies(&line[i..], &pending, args.trim(), (&words, n), &mut out)?;
                pending.clear();
                word_start = true;
                continue;
            }
            _ => {}
        }
        out.push_str(&rest[..len]);
        i += len;
        let last = rest[..len].chars().last().unwrap_or(c);
        word_start = stack.last().is_none_or(|f| f.quote == Quote::None)
            && c != '\\'
            && (last.is_whitespace() || matches!(last, ';' | '&' | '|' | '(' | ')'));
    }
    Ok(out)
}

fn bump(sub: Sub, depth: u32) -> Sub {
    match sub {
        Sub::Arith(_) => Sub::Arith(depth),
        _ => Sub::Paren(depth),
    }
}

/// The placeholder `rest` starts with, and its length.
fn placeholder<'a>(rest: &str, words: &'a [String], n: Numbering) -> Option<(Arg<'a>, usize)> {
    let after = rest.strip_prefix('$')?;
    let (slot, used) = slot_at(after, n)?;
    let arg = match slot {
        Slot::All => Arg::All,
        Slot::At(idx) => Arg::One(words.get(idx).map_or("", String::as_str)),
    };
    Some((arg, 1 + used))
}

/// The length of `${NAME}` (`${#NAME}`, `${1}`, `${@}`) when `rest`
/// starts with one.
fn simple_brace(rest: &str) -> Option<usize> {
    let inner = rest.strip_prefix("${")?;
    let end = inner.find('}')?;
    let name = inner[..end].strip_prefix('#').unwrap_or(&inner[..end]);
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '@' | '*' | '?' | '!' | '-'));
    ok.then_some(2 + end + 1)
}

/// The argument written for where the innermost frame of `stack` is.
fn put(
    stack: &[Frame],
    unclear: bool,
    arg: Arg<'_>,
    typed: &str,
    words: &[String],
) -> Result<String, Refused> {
    if stack.iter().any(|f| matches!(f.sub, Sub::Arith(_))) {
        return Err(Refused::Arithmetic);
    }
    if stack.iter().any(|f| f.sub == Sub::Backquote) {
        return Err(Refused::Backquotes);
    }
    if unclear {
        return Err(Refused::Unclear);
    }
    let quote = stack.last().map_or(Quote::None, |f| f.quote);
    let text = match arg {
        Arg::One(word) => word,
        Arg::All if quote == Quote::None => {
            return Ok(words
                .iter()
                .map(|w| shell_quote(w))
                .collect::<Vec<_>>()
                .join(" "));
        }
        Arg::All => typed,
    };
    Ok(match quote {
        Quote::None => shell_quote(text),
        Quote::Single => text.replace('\'', r"'\''"),
        Quote::Double => escape(text, &['\\', '$', '`', '"']),
        Quote::Ansi => escape(text, &['\\', '\'']),
    })
}

/// Where `line` has the shell evaluate values as code, wherever its
/// placeholders sit (a quoted argument is still read as arithmetic by
/// `[[ $1 -gt 0 ]]`, `let`, `declare -i`, `a[$1]=`, and as a command by
/// `eval` or `sh -c`): what. (A placeholder inside `$((…))` or `((…))`
/// is refused where it sits, [`Refused::Arithmetic`]; one passed through
/// a variable the line then uses there, `n=$1; echo $((n))`, is not seen.)
fn evaluating(line: &str) -> Option<&'static str> {
    let words: Vec<&str> = line
        .split(|c: char| c.is_whitespace() || matches!(c, ';' | '&' | '|' | '(' | ')'))
        .filter(|w| !w.is_empty())
        .collect();
    if words.contains(&"[[") {
        return Some("[[");
    }
    // A shell given `-c` anywhere among its options (`bash -x -c`, `sh
    // -o pipefail -c`) runs its text.
    let shells = ["sh", "bash", "zsh", "dash", "ksh"];
    let runs_text = words.contains(&"eval")
        || words.iter().enumerate().any(|(at, w)| {
            shells.contains(&w.rsplit('/').next().unwrap_or(w))
                && words[at + 1..]
                    .iter()
                    .any(|o| o.starts_with('-') && !o.starts_with("--") && o.contains('c'))
        });
    if runs_text {
        return Some("eval");
    }
    // A value taken as a variable's name (`[ -v "$1" ]`, `test -v`,
    // `printf -v "$1"`, `read "$1"`) is evaluated: `a[$(cmd)]` runs cmd.
    if words.contains(&"-v") || words.contains(&"read") || words.contains(&"unset") {
        return Some("name");
    }
    // `declare -i` (and its kin) makes every later assignment arithmetic.
    let declares = ["declare", "typeset", "local", "readonly", "export"];
    let integer = words
        .windows(2)
        .any(|w| declares.contains(&w[0]) && w[1].starts_with('-') && w[1].contains('i'));
    if integer || words.contains(&"let") || line.contains("$[") {
        return Some("arithmetic");
    }
    let subscript = line.char_indices().any(|(at, c)| {
        c == '['
            && line[..at].ends_with(|p: char| p.is_ascii_alphanumeric() || p == '_')
            && line[at..].contains("]=")
    });
    subscript.then_some("subscript")
}

/// `word` as one shell word in single quotes.
pub fn shell_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// Copies the bodies of `docs` (one after the other, from the start of
/// `text`) into `out` with the placeholders filled; returns how much of
/// `text` they took, delimiter lines included.
fn bodies(
    text: &str,
    docs: &[Heredoc],
    typed: &str,
    (words, n): (&[String], Numbering),
    out: &mut String,
) -> Result<usize, Refused> {
    let mut at = 0;
    for doc in docs {
        let ends = |l: &str| {
            let l = if doc.strip_tabs {
                l.trim_start_matches('\t')
            } else {
                l
            };
            l == doc.delimiter
        };
        while at < text.len() {
            let line_end = text[at..].find('\n').map_or(text.len(), |n| at + n + 1);
            let line = &text[at..line_end];
            at = line_end;
            if ends(line.trim_end_matches('\n')) {
                out.push_str(line);
                break;
            }
            let mut rest = line;
            while let Some(d) = rest.find('$') {
                out.push_str(&rest[..d]);
                let Some((arg, used)) = placeholder(&rest[d..], words, n) else {
                    out.push('$');
                    rest = &rest[d + 1..];
                    continue;
                };
                if doc.expands {
                    return Err(Refused::ExpandingHeredoc);
                }
                let value = match arg {
                    Arg::All => typed,
                    Arg::One(w) => w,
                };
                if value.split('\n').any(ends) {
                    return Err(Refused::HeredocEnd);
                }
                out.push_str(value);
                rest = &rest[d + used..];
            }
            out.push_str(rest);
        }
    }
    Ok(at)
}

#[cfg(test)]
#[path = "line_args_tests.rs"]
mod tests;
