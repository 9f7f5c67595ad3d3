//! Tabs in frontmatter, named precisely. A tab is whitespace to the
//! author, but YAML indents with spaces only and wants a space after a
//! key's `:`; the parser's own words (`':' must be followed by a valid
//! YAML whitespace`) do not say that a tab is the trouble.

/// Each tab YAML refuses in `front` (the frontmatter; its first line is
/// the file's second), as a message naming the line and saying what to do.
pub fn tab_problems(front: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, line) in front.lines().enumerate() {
        let n = i + 2; // Line 1 of the file is the opening ---.
        let indent = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
        let rest = &line[indent.len()..];
        if indent.contains('\t') && !rest.is_empty() {
            out.push(format!(
                "line {n}: a tab indents `{}`: YAML indents with spaces only; replace the tab with spaces",
                shorten(rest)
            ));
            continue;
        }
        let body = rest.trim_start_matches("- ");
        if body.starts_with(['"', '\'', '#']) {
            continue;
        }
        if let Some((key, after)) = body.split_once(':')
            && after.starts_with('\t')
            && !key.is_empty()
            && !key.contains(char::is_whitespace)
        {
            out.push(format!(
                "line {n}: a tab after `{key}:`: YAML needs a space after ':'; replace the tab with a space"
            ));
        }
    }
    out
}

/// At most 40 characters of `text`.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_after_a_colon_and_in_indentation_are_named_with_their_line() {
        let p = tab_problems("name:\ttab2\ndescription: ok\n\tkeywords: [a]\nmetadata:\n  a: 1\n");
        assert_eq!(
            p,
            [
                "line 2: a tab after `name:`: YAML needs a space after ':'; replace the tab with a space",
                "line 4: a tab indents `keywords: [a]`: YAML indents with spaces only; replace the tab with spaces",
            ]
        );
        assert!(tab_problems("name: a\tb\ndescription: \"x:\ty\"\n").is_empty());
    }
}
