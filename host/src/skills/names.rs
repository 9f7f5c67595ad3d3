//! Skill name rules, as the reference validator `skills-ref` applies them:
//! the name is trimmed and NFKC-normalised, then must be at most 64
//! characters, lowercase, made of letters (any script), digits and single
//! hyphens, and equal to its folder's (NFKC-normalised) name.

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

/// Longest allowed name, in characters.
pub const MAX_NAME_CHARS: usize = 64;
/// Longest allowed description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 1024;
/// Longest allowed `compatibility`, in characters.
pub const MAX_COMPATIBILITY_CHARS: usize = 500;

/// NFKC normal form (what names are compared in).
pub fn nfkc(s: &str) -> String {
    s.nfkc().collect()
}

/// A letter or a number in any script (Python's `str.isalnum`).
fn is_alnum(c: char) -> bool {
    matches!(
        c.general_category_group(),
        GeneralCategoryGroup::Letter | GeneralCategoryGroup::Number
    )
}

/// The problems with `name` as a skill name, in the reference validator's
/// order and wording. `folder` is the skill folder's name, when known.
pub fn name_problems(name: &str, folder: Option<&str>) -> Vec<String> {
    let mut out = Vec::new();
    if name.trim().is_empty() {
        out.push("Field 'name' must be a non-empty string".to_string());
        return out;
    }
    let name = nfkc(name.trim());
    let chars = name.chars().count();
    if chars > MAX_NAME_CHARS {
        out.push(format!(
            "Skill name '{name}' exceeds {MAX_NAME_CHARS} character limit ({chars} chars)"
        ));
    }
    if name != name.to_lowercase() {
        out.push(format!("Skill name '{name}' must be lowercase"));
    }
    if name.starts_with('-') || name.ends_with('-') {
        out.push("Skill name cannot start or end with a hyphen".to_string());
    }
    if name.contains("--") {
        out.push("Skill name cannot contain consecutive hyphens".to_string());
    }
    if !name.chars().all(|c| c == '-' || is_alnum(c)) {
        out.push(format!(
            "Skill name '{name}' contains invalid characters. Only letters, digits, and hyphens are allowed."
        ));
    }
    if let Some(folder) = folder
        && nfkc(folder) != name
    {
        out.push(format!(
            "Directory name '{folder}' must match skill name '{name}'"
        ));
    }
    out
}

/// Whether `name` could be a skill name (for `quire skills new`).
pub fn is_valid_name(name: &str) -> bool {
    name_problems(name, None).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_and_unicode_names() {
        assert!(is_valid_name("pdf-reader"));
        assert!(is_valid_name("v2"));
        assert!(is_valid_name("données"));
        assert!(is_valid_name("技能"));
        assert!(is_valid_name("навык-2"));
    }

    #[test]
    fn each_rule_has_its_message() {
        let p = name_problems("Bad--Name-", None);
        assert!(p.iter().any(|m| m.contains("must be lowercase")), "{p:?}");
        assert!(p.iter().any(|m| m.contains("start or end with a hyphen")));
        assert!(p.iter().any(|m| m.contains("consecutive hyphens")));
        let p = name_problems("a_b c", None);
        assert!(p[0].contains("invalid characters"), "{p:?}");
        let long = "a".repeat(65);
        let p = name_problems(&long, None);
        assert!(p[0].contains("exceeds 64 character limit (65 chars)"));
        assert_eq!(
            name_problems("  ", None),
            vec!["Field 'name' must be a non-empty string"]
        );
    }

    #[test]
    fn folder_must_match_after_nfkc() {
        assert!(name_problems("abc", Some("abc")).is_empty());
        let p = name_problems("abc", Some("abd"));
        assert_eq!(p, vec!["Directory name 'abd' must match skill name 'abc'"]);
        // Fullwidth letters normalise to ASCII under NFKC.
        assert!(name_problems("ａｂｃ", Some("abc")).is_empty());
    }

    #[test]
    fn marks_are_not_letters() {
        // As in Python's isalnum: combining marks (Mn, Mc) are neither
        // letters nor digits, so these fail as they do in skills-ref.
        assert!(!is_valid_name("a\u{301}\u{301}b"));
        assert!(!is_valid_name("हिन्दी"));
        // NFKC composes e + U+0301 into é, a letter.
        assert!(is_valid_name("cafe\u{301}"));
        // Compatibility characters normalise: Roman numeral twelve is "xii".
        assert!(is_valid_name("ⅻ"));
        assert!(!is_valid_name("İ"));
    }
}
