//! A `SKILL.md`'s frontmatter as the JSON object a skills-extension entry
//! carries: every field the author wrote, converted from YAML as written.

use serde_json::{Map, Value};

use crate::skills::Skill;
use crate::skills::parse::{parse_lines, split_frontmatter, yaml_guard};
use crate::skills::yaml::{self, Value as Yaml};

/// The frontmatter of `bytes` (the skill's `SKILL.md`) as JSON. quire's
/// parser already accepted the file, so the YAML is read the same lenient
/// way; `name` and `description` are always strings (the values quire
/// parsed when the file wrote them otherwise, such as a list).
pub fn frontmatter(bytes: &[u8], skill: &Skill) -> Map<String, Value> {
    let mut map = raw(bytes).unwrap_or_default();
    if !map.get("name").is_some_and(Value::is_string) {
        map.insert("name".into(), Value::String(skill.name.clone()));
    }
    if !map.get("description").is_some_and(Value::is_string) {
        map.insert(
            "description".into(),
            Value::String(skill.description.clone()),
        );
    }
    map
}

fn raw(bytes: &[u8]) -> Option<Map<String, Value>> {
    let text = String::from_utf8_lossy(bytes);
    let text = crate::skills::folder::normalize(&text).text;
    let (front, _) = split_frontmatter(&text, &mut Vec::new()).ok()?;
    let yaml = yaml_guard(front)
        .ok()
        .and_then(|()| yaml::from_str(front).ok());
    let mapping = match yaml {
        Some(Yaml::Mapping(m)) => m,
        _ => parse_lines(front)?,
    };
    match Yaml::Mapping(mapping).to_json() {
        Value::Object(m) => Some(m),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::skills::Scope;
    use crate::skills::parse::{Origin, parse_skill};
    use serde_json::json;
    use std::path::Path;

    fn skill(bytes: &[u8]) -> Skill {
        parse_skill(
            bytes,
            Origin {
                dir: Path::new("/s/demo"),
                file: Path::new("/s/demo/SKILL.md"),
                root: Path::new("/s"),
                scope: Scope::User,
            },
        )
        .unwrap()
    }

    #[test]
    fn every_field_passes_through_as_written() {
        let text = b"---\nname: demo\ndescription: Does things.\nlicense: MIT\nmetadata:\n  version: 2\n  keywords: [a, b]\nx-custom: true\n---\nbody\n";
        let fm = frontmatter(text, &skill(text));
        assert_eq!(
            Value::Object(fm),
            json!({"name": "demo", "description": "Does things.", "license": "MIT",
                   "metadata": {"version": 2, "keywords": ["a", "b"]}, "x-custom": true})
        );
    }

    #[test]
    fn lenient_files_still_give_string_name_and_description() {
        // Invalid YAML (an unquoted ": "), CRLF, and a BOM.
        let text = "\u{feff}---\r\nname: demo\r\ndescription: Use this: for X\r\n---\r\nbody\r\n";
        let fm = frontmatter(text.as_bytes(), &skill(text.as_bytes()));
        assert_eq!(fm["name"], "demo");
        assert_eq!(fm["description"], "Use this: for X");
        // A description written as a list becomes the text quire parsed.
        let text = b"---\nname: demo\ndescription:\n  - one\n  - two\n---\n";
        let s = skill(text);
        let fm = frontmatter(text, &s);
        assert_eq!(fm["description"], Value::String(s.description.clone()));
    }
}
