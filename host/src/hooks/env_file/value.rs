//! The right side of one `NAME=value` line as bash would read it without
//! running anything: quotes and backslashes taken off, `$NAME` and
//! `${NAME}` put in, anything that needs a shell refused.

/// Why a value is not read.
pub(super) enum Bad {
    /// It needs a shell, or does not parse (why).
    Shell(&'static str),
    /// It grew past the limit it was read with.
    TooLong,
}

const NEEDS_SHELL: Bad = Bad::Shell("it needs a shell (a command, a pipe or `${NAME:-…}`)");

/// The value of an assignment's right side, as bash would read it
/// without running anything, of at most `limit` bytes (the reading stops
/// as soon as it would be longer); an error names what needs a shell.
pub(super) fn value_of(
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
