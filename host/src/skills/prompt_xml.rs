//! The `<available_skills>` XML block, exactly as the reference library
//! `skills-ref` emits it (`skills-ref to-prompt`): one element per line,
//! name and description HTML-escaped, the location the absolute path of
//! the `SKILL.md`.

use std::path::Path;

/// One skill in the block.
#[derive(Debug, Clone, Copy)]
pub struct PromptEntry<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub location: &'a Path,
}

/// The XML block for `entries`, in order.
pub fn to_prompt(entries: &[PromptEntry<'_>]) -> String {
    let mut lines = vec!["<available_skills>".to_string()];
    for e in entries {
        lines.push("<skill>".into());
        lines.push("<name>".into());
        lines.push(escape(e.name.trim()));
        lines.push("</name>".into());
        lines.push("<description>".into());
        lines.push(escape(e.description.trim()));
        lines.push("</description>".into());
        lines.push("<location>".into());
        lines.push(e.location.display().to_string());
        lines.push("</location>".into());
        lines.push("</skill>".into());
    }
    lines.push("</available_skills>".into());
    lines.join("\n")
}

/// Python's `html.escape(s, quote=True)`.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_block() {
        assert_eq!(to_prompt(&[]), "<available_skills>\n</available_skills>");
    }

    #[test]
    fn one_skill_escaped() {
        let xml = to_prompt(&[PromptEntry {
            name: "pdf",
            description: " Read <PDF> & \"forms\" it's ",
            location: Path::new("/s/pdf/SKILL.md"),
        }]);
        assert_eq!(
            xml,
            "<available_skills>\n<skill>\n<name>\npdf\n</name>\n<description>\nRead &lt;PDF&gt; &amp; &quot;forms&quot; it&#x27;s\n</description>\n<location>\n/s/pdf/SKILL.md\n</location>\n</skill>\n</available_skills>"
        );
    }
}
