//! Skills named for a programming language (`python-type-safety`,
//! `rust-review`, `bash-defensive-patterns`) are activated without being
//! named only when the conversation says the language: the word, one of
//! its synonyms (`py`, `js`) or a file of it (`utils.py`). "Type
//! annotations needed" from the Rust compiler is not a Python task; such a
//! skill is still ranked and listed in the catalog, where the model can
//! activate it.

use super::index::Query;
use super::text;

/// Languages a skill's name may be scoped to (words of the name).
const LANGUAGES: &[&str] = &[
    "python",
    "rust",
    "go",
    "golang",
    "javascript",
    "typescript",
    "ruby",
    "java",
    "kotlin",
    "swift",
    "cpp",
    "csharp",
    "php",
    "bash",
    "shell",
];

/// The languages `name` is scoped to (its hyphen-separated words that are
/// languages).
pub fn languages_of(name: &str) -> Vec<&'static str> {
    name.split('-')
        .filter_map(|w| {
            LANGUAGES
                .iter()
                .find(|l| l.eq_ignore_ascii_case(w))
                .copied()
        })
        .collect()
}

/// Whether a skill called `name` may be activated for `query`: it names
/// no language, or the query (the new message or the one before) says one
/// of its languages.
pub fn allows(name: &str, query: &Query) -> bool {
    let languages = languages_of(name);
    languages.is_empty()
        || languages.iter().any(|l| {
            let said = text::weighted(l);
            query
                .terms
                .iter()
                .any(|q| said.iter().any(|(t, _)| *t == q.term))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::skills::select::index::QueryTerm;

    fn query(message: &str) -> Query {
        Query {
            terms: text::weighted(message)
                .into_iter()
                .map(|(term, weight)| QueryTerm {
                    term,
                    id: None,
                    weight,
                    from_new: true,
                })
                .collect(),
        }
    }

    #[test]
    fn a_language_skill_needs_its_language_said() {
        let rust_error = query("why does let v = Vec::new() say type annotations needed");
        assert!(!allows("python-type-safety", &rust_error));
        assert!(allows(
            "python-type-safety",
            &query("add type annotations to utils.py")
        ));
        assert!(allows(
            "python-type-safety",
            &query("type hints for the py module")
        ));
        assert!(allows(
            "python-type-safety",
            &query("Python type hints everywhere")
        ));
        assert!(allows(
            "bash-defensive-patterns",
            &query("harden deploy.sh")
        ));
        assert!(allows(
            "typescript-advanced-types",
            &query("fix the types in api.ts")
        ));
        // Skills named for no language are not concerned.
        assert!(allows("code-review", &rust_error));
        assert_eq!(languages_of("zarr-python"), vec!["python"]);
        assert!(languages_of("golang-lint").contains(&"golang"));
        assert!(languages_of("gopher").is_empty());
    }
}
