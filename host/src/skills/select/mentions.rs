//! `$name` / `/name` in a message: the skills it names, and the `$name`
//! mentions that name none but are close to one (a typo, said to the
//! user rather than ignored).

use std::collections::HashSet;

use crate::skills::Skill;

/// Each `$word` / `/word` of `message` with its sigil: a whole word, at
/// the start or after a space or an opening bracket or quote, and not
/// followed by `/`, so paths such as `/usr/bin` do not count.
fn words(message: &str) -> Vec<(char, &str)> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = message.char_indices().collect();
    for (n, &(at, c)) in chars.iter().enumerate() {
        if c != '$' && c != '/' {
            continue;
        }
        let before_ok = n == 0 || {
            let p = chars[n - 1].1;
            p.is_whitespace() || matches!(p, '(' | '[' | '{' | '"' | '\'' | '`')
        };
        if !before_ok {
            continue;
        }
        let start = at + c.len_utf8();
        let rest = &message[start..];
        let len = rest
            .find(|ch: char| !(ch.is_alphanumeric() || matches!(ch, '-' | '_' | '.' | ':')))
            .unwrap_or(rest.len());
        if rest[len..].starts_with('/') {
            continue;
        }
        let word = rest[..len].trim_end_matches(['.', ':', '-']);
        if !word.is_empty() {
            out.push((c, word));
        }
    }
    out
}

/// Skills named in `message` as `$name` or `/name` (see [`words`]), in
/// order of first mention.
pub fn mentions(message: &str, skills: &[Skill]) -> Vec<usize> {
    let mut found: Vec<usize> = Vec::new();
    let mut seen: HashSet<usize> = HashSet::new();
    for (_, word) in words(message) {
        // Exact names only: `$HOME` must not activate a skill called home.
        // A name that cannot be typed is called by its folder's name.
        let hit = skills
            .iter()
            .position(|s| s.name == word)
            .or_else(|| skills.iter().position(|s| s.called_by(word)));
        if let Some(i) = hit
            && seen.insert(i)
        {
            found.push(i);
        }
    }
    found
}

/// `$word` mentions of `message` that name no skill but are within a few
/// edits of one the user may invoke ([`crate::suggest::closest`]): each
/// word once, with the skill meant. Shell variables (`$HOME`, `$MY_VAR`:
/// no lowercase letter) and amounts (`$5`, `$9.99`) are never taken for
/// skills.
pub fn mistyped(message: &str, skills: &[Skill]) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    let handles: Vec<String> = skills
        .iter()
        .filter(|s| s.user_invocable)
        .map(|s| s.handle())
        .collect();
    let names = || handles.iter().map(String::as_str);
    for (sigil, word) in words(message) {
        let variable = !word.chars().any(|c| c.is_lowercase());
        let amount = word.starts_with(|c: char| c.is_ascii_digit());
        if sigil != '$' || variable || amount || skills.iter().any(|s| s.called_by(word)) {
            continue;
        }
        if out.iter().any(|(w, _)| w == word) {
            continue;
        }
        if let Some(meant) = crate::suggest::closest(word, names(), 2)
            && let Some(i) = skills.iter().position(|s| s.handle() == meant)
        {
            out.push((word.to_string(), i));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::skills::select::testing::skill;

    #[test]
    fn a_mistyped_mention_names_the_skill_meant_but_not_variables_or_amounts() {
        let s = vec![
            skill("pdf-forms", "Fill in and flatten PDF forms."),
            skill("home", "A skill named like a variable."),
            skill("path", "Another."),
        ];
        let found = mistyped("use $pdf-formz please, and $pdf-formz again", &s);
        assert_eq!(found, vec![("pdf-formz".to_string(), 0)]);
        assert!(mistyped("echo $HOME $PATH $HOMe_DIR2 $5 $9.99 $homes", &s).len() == 1);
        assert!(mistyped("echo $HOME $PATH $5 $9.99 /pdf-formz $pdf-forms", &s).is_empty());
        assert!(mistyped("$entirely-unrelated", &s).is_empty());
    }

    /// Claude Code plugins name skills in words (hookify's `name: Writing
    /// Hookify Rules`): the user calls them by folder, plugin prefix kept.
    #[test]
    fn a_skill_whose_name_cannot_be_typed_is_called_by_its_folder() {
        let mut rules = skill("hookify:Writing Hookify Rules", "Write hookify rules.");
        rules.dir = std::path::PathBuf::from("/p/hookify/skills/writing-rules");
        let mut plain = skill("Fix Things", "Fixes.");
        plain.dir = std::path::PathBuf::from("/s/fix-things");
        let s = vec![rules, plain];
        assert_eq!(s[0].handle(), "hookify:writing-rules");
        assert_eq!(s[1].handle(), "fix-things");
        assert_eq!(
            mentions("use $hookify:writing-rules, then /fix-things.", &s),
            vec![0, 1]
        );
        assert!(mentions("use $writing-rules and $Writing", &s).is_empty());
        assert_eq!(
            mistyped("use $hookify:writing-rulez", &s),
            vec![("hookify:writing-rulez".to_string(), 0)]
        );
    }
}
