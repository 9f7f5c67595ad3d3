//! A skill edited on disk while it is active in a session: its new
//! instructions are sent once, after the next user message (a context
//! item saying they replace the earlier version), so "edits apply without
//! a restart" holds for what the model reads, not only for the scores.
//! (An edited description is the catalog's part: [`super::catalog::Seen`].)

use super::plan::estimate_tokens;
use crate::protocol::Item;

/// The `source` of the context item that carries an edited skill.
pub const EDIT_SOURCE: &str = "skill-edited";

const EDITED: &str = " was edited since it was activated.";

/// The item telling the model that active skill `name` now reads `text`
/// (its activation text). A text over `body_tokens` is not included: the
/// model is told to read the skill again.
pub fn edit_item(name: &str, text: &str, body_tokens: usize) -> Item {
    let text = if estimate_tokens(text) > body_tokens {
        format!(
            "Skill {name}{EDITED} Its new instructions are too long to include here: read its SKILL.md again with the `skill` tool (action \"read\") before you follow it further."
        )
    } else {
        format!(
            "Skill {name}{EDITED} Its instructions now read as follows; they replace the earlier version.\n\n{text}"
        )
    };
    Item::Context {
        source: EDIT_SOURCE.to_string(),
        text,
    }
}

/// What an item made by [`edit_item`] says: the skill's name and its new
/// activation text (`None` when it was too long to include).
pub fn parse_edit(text: &str) -> Option<(&str, Option<&str>)> {
    let (name, rest) = text.strip_prefix("Skill ")?.split_once(EDITED)?;
    Some((name, rest.split_once("\n\n").map(|(_, body)| body)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_item_reads_back() {
        let Item::Context { source, text } = edit_item("a-skill", "<skill_content>x", 1000) else {
            panic!()
        };
        assert_eq!(source, EDIT_SOURCE);
        assert_eq!(
            parse_edit(&text),
            Some(("a-skill", Some("<skill_content>x")))
        );
        let Item::Context { text, .. } = edit_item("big", &"word ".repeat(5000), 10) else {
            panic!()
        };
        assert_eq!(parse_edit(&text), Some(("big", None)));
        assert_eq!(parse_edit("Skill x did nothing"), None);
    }
}
