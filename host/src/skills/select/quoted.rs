//! Quoted text in a message: `rename the 'Helm' heading`, `` `Vec::new()` ``,
//! "getting \"too many connections\"". What is quoted is content the user
//! works on (a name, a string, an error, code), not what the message asks
//! for, so its words weigh as a path's do
//! ([`super::words::PATH_WEIGHT`]): they still rank, but are no evidence
//! for activating a skill. Skills' own texts are not split this way (their
//! quotes are trigger phrases: `Use when the user says "review my PR"`).

use std::ops::Range;

use super::text;
use super::words::PATH_WEIGHT;

/// [`text::marked`] for a message: the terms of its quoted parts weigh at
/// most [`PATH_WEIGHT`].
pub(crate) fn marked(message: &str) -> Vec<(String, f32, bool)> {
    let parts = segments(message);
    if !parts.iter().any(|(_, quoted)| *quoted) {
        let mut out = text::marked(message);
        implied(message, false, &mut out);
        return out;
    }
    // The plain parts together, so a word's sense sees the whole message
    // ("set status='archived' for all orders": "set" means updating many
    // because of "all", past the quote).
    let plain: Vec<&str> = parts
        .iter()
        .filter(|(_, quoted)| !*quoted)
        .map(|(p, _)| *p)
        .collect();
    let mut out = text::marked(&plain.join(" "));
    let mut command = false;
    for (part, _) in parts.iter().filter(|(_, quoted)| *quoted) {
        command |= is_command(message, part);
        out.extend(
            text::marked(part)
                .into_iter()
                .map(|(t, w, s)| (t, w.min(PATH_WEIGHT), s)),
        );
    }
    implied(&plain.join(" "), command, &mut out);
    out
}

/// The terms of what `plain` (the message's unquoted text) implies it
/// asks for (see [`super::implied`]); `command`: a command line in
/// backticks. Their own words ("make", "test", ".nvmrc") say which
/// command or file, not what to do with it.
fn implied(plain: &str, command: bool, out: &mut Vec<(String, f32, bool)>) {
    let mut add = |words: &str| {
        out.extend(
            text::marked(words)
                .into_iter()
                .map(|(t, _, s)| (t, super::words::LANGUAGE_WEIGHT, s)),
        );
    };
    if command || super::implied::runs_a_command(plain) {
        add("command");
    }
    if super::implied::creates_a_file(plain) {
        add("write file");
    }
    if super::implied::names_a_repository(plain) {
        add("github repository");
    }
    for words in super::implied::situations(plain) {
        add(words);
    }
}

/// `part`, a slice of `message`, is a command line in backticks.
fn is_command(message: &str, part: &str) -> bool {
    let start = part.as_ptr() as usize - message.as_ptr() as usize;
    let in_backticks = message.get(..start).is_some_and(|b| b.ends_with('`'));
    let first = part.split_whitespace().next().unwrap_or("");
    in_backticks
        && part.split_whitespace().nth(1).is_some()
        && (super::implied::COMMANDS.contains(&first) || first.starts_with("./"))
}

/// The longest span a single or double quote may open (a stray apostrophe
/// must not swallow the rest of a message). Backticks and fenced code
/// blocks have no limit.
const MAX_QUOTED: usize = 160;

/// The parts of `text` in order, each with whether it is quoted; the
/// quote marks themselves are left out.
pub fn segments(text: &str) -> Vec<(&str, bool)> {
    let mut out: Vec<(&str, bool)> = Vec::new();
    let mut plain_from = 0;
    let mut at = 0;
    while at < text.len() {
        let Some(c) = text[at..].chars().next() else {
            break;
        };
        if let Some((open, inner)) = quote_at(text, at, c) {
            if open.start > plain_from {
                out.push((&text[plain_from..open.start], false));
            }
            if !inner.is_empty() {
                out.push((&text[inner.clone()], true));
            }
            at = open.end;
            plain_from = at;
            continue;
        }
        at += c.len_utf8();
    }
    if plain_from < text.len() {
        out.push((&text[plain_from..], false));
    }
    out
}

/// A quotation opening at `at` with `c`: the whole span with its marks,
/// and the text inside.
fn quote_at(text: &str, at: usize, c: char) -> Option<(Range<usize>, Range<usize>)> {
    if text[at..].starts_with("```") {
        let from = at + 3;
        let end = text[from..].find("```")? + from;
        return Some((at..end + 3, from..end));
    }
    let close = match c {
        '`' => '`',
        '"' => '"',
        '\'' => '\'',
        '\u{201c}' => '\u{201d}',
        '\u{2018}' => '\u{2019}',
        _ => return None,
    };
    let from = at + c.len_utf8();
    if c != '`' {
        // An opening quote starts a word: `it's` and `users'` open nothing.
        let before = text[..at].chars().next_back();
        if before.is_some_and(|b| !b.is_whitespace() && !"([{<:=,".contains(b)) {
            return None;
        }
        if text[from..].chars().next().is_none_or(char::is_whitespace) {
            return None;
        }
    }
    let rest = &text[from..];
    let mut search = 0;
    while let Some(found) = rest[search..].find(close) {
        let end = from + search + found;
        let after = text[end + close.len_utf8()..].chars().next();
        // A closing quote ends a word: the apostrophe of `don't` inside
        // a quotation does not close it.
        let closes = c == '`' || after.is_none_or(|a| !a.is_alphanumeric());
        if c != '`' && end - from > MAX_QUOTED {
            return None;
        }
        if closes {
            return Some((at..end + close.len_utf8(), from..end));
        }
        search += found + close.len_utf8();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quoted(text: &str) -> Vec<&str> {
        segments(text)
            .into_iter()
            .filter(|(_, q)| *q)
            .map(|(s, _)| s)
            .collect()
    }

    #[test]
    fn a_command_line_in_backticks_is_a_command_to_run() {
        let terms = |m: &str| -> Vec<String> { marked(m).into_iter().map(|(t, _, _)| t).collect() };
        assert!(
            terms("run the suite with `make test` and tell me what fails")
                .contains(&"command".to_string())
        );
        assert!(terms("try `./scripts/deploy.sh staging`").contains(&"command".to_string()));
        assert!(!terms("rename `make_thing` to `build`").contains(&"command".to_string()));
        assert!(!terms("what does 'make test' print").contains(&"command".to_string()));
    }

    #[test]
    fn quotes_backticks_and_fences_are_found() {
        assert_eq!(
            quoted("rename the 'Helm' heading in docs/deploy.md to 'Charts'"),
            vec!["Helm", "Charts"]
        );
        assert_eq!(
            quoted("why does `let v = Vec::new();` say type annotations needed"),
            vec!["let v = Vec::new();"]
        );
        assert_eq!(
            quoted("getting \"too many connections\" from postgres"),
            vec!["too many connections"]
        );
        assert_eq!(
            quoted("it fails:\n```\nerror[E0282]: type annotations needed\n```\nwhy?"),
            vec!["\nerror[E0282]: type annotations needed\n"]
        );
        assert_eq!(quoted("the \u{201c}Save\u{201d} button"), vec!["Save"]);
    }

    #[test]
    fn apostrophes_are_not_quotes() {
        assert!(quoted("it's the users' data, don't drop it").is_empty());
        assert_eq!(
            quoted("set the title to 'Don't panic' please"),
            vec!["Don't panic"]
        );
        // An opening mark never closed, or closed too far away, quotes
        // nothing.
        assert!(quoted("the 'draft branch").is_empty());
        let long = format!("'{}' x", "word ".repeat(40));
        assert!(quoted(&long).is_empty());
    }

    #[test]
    fn quoted_words_weigh_as_a_path_and_the_rest_as_usual() {
        let terms = marked("rename the 'Helm' heading");
        let weight = |t: &str| terms.iter().find(|(term, _, _)| term == t).map(|x| x.1);
        assert_eq!(weight("helm"), Some(PATH_WEIGHT));
        assert_eq!(weight("renam"), Some(1.0));
        assert_eq!(
            marked("rename the heading"),
            text::marked("rename the heading")
        );
    }

    #[test]
    fn a_words_sense_sees_the_message_past_a_quote() {
        // "set" with "all" in the same message means updating many.
        let terms = marked("set status='archived' for all orders");
        assert!(terms.iter().any(|(t, _, _)| t == "mani"), "{terms:?}");
        let terms = marked("set status='archived' for the order");
        assert!(!terms.iter().any(|(t, _, _)| t == "mani"), "{terms:?}");
    }

    #[test]
    fn the_segments_cover_the_text_but_the_marks() {
        let text = "a 'b' c `d` e";
        let joined: String = segments(text).into_iter().map(|(s, _)| s).collect();
        assert_eq!(joined, "a b c d e");
    }
}
