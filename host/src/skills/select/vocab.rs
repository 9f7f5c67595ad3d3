//! The developer vocabulary (`vocabulary.toml`, embedded): synonym groups,
//! words with two senses, words that count only in capitals, weak words
//! and file extensions that name a language. See the data file for what
//! each part means.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use serde::Deserialize;

use super::stem::stem;

/// The embedded table.
pub const TEXT: &str = include_str!("vocabulary.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    caps_only: Vec<String>,
    #[serde(default)]
    weak: Vec<String>,
    #[serde(default)]
    same: Vec<SameFile>,
    #[serde(default)]
    sense: Vec<SenseFile>,
    #[serde(default)]
    extensions: HashMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SameFile {
    terms: Vec<String>,
    #[serde(default)]
    absorb: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SenseFile {
    word: String,
    when: Vec<String>,
    #[serde(default)]
    means: Vec<String>,
    #[serde(default)]
    drop: bool,
}

/// A synonym group.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The term every member yields (`=` and the first member, so it never
    /// equals a word of a text).
    pub term: String,
    pub absorb: bool,
}

/// A word with two senses.
#[derive(Debug, Clone, PartialEq)]
pub struct Sense {
    pub when: HashSet<String>,
    pub means: Vec<String>,
    pub drop: bool,
}

/// The parsed table.
#[derive(Debug, Default)]
pub struct Vocabulary {
    /// By first word: (the phrase's words, its group), longest first.
    phrases: HashMap<String, Vec<(Vec<String>, usize)>>,
    pub groups: Vec<Group>,
    pub senses: HashMap<String, Sense>,
    pub caps_only: HashSet<String>,
    /// Stems of the weak words.
    weak: HashSet<String>,
    extensions: HashMap<String, Vec<String>>,
}

/// Lowercase words of an entry ("on-call" → on, call).
fn words_of(entry: &str) -> Vec<String> {
    entry
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

impl Vocabulary {
    /// Parses a table; the error says what is wrong where.
    pub fn parse(text: &str) -> Result<Vocabulary, String> {
        let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut v = Vocabulary {
            caps_only: file.caps_only.iter().map(|w| w.to_lowercase()).collect(),
            weak: file.weak.iter().map(|w| stem(&w.to_lowercase())).collect(),
            ..Vocabulary::default()
        };
        for (n, same) in file.same.iter().enumerate() {
            let Some(first) = same.terms.first() else {
                return Err(format!("[[same]] number {} has no terms", n + 1));
            };
            v.groups.push(Group {
                term: format!("={}", words_of(first).join("_")),
                absorb: same.absorb,
            });
            for t in &same.terms {
                let w: Vec<String> = words_of(t).iter().map(|w| stem(w)).collect();
                let Some(head) = w.first().cloned() else {
                    return Err(format!("[[same]] number {}: empty term {t:?}", n + 1));
                };
                v.phrases.entry(head).or_default().push((w, n));
            }
        }
        for list in v.phrases.values_mut() {
            list.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
        }
        for s in file.sense {
            v.senses.insert(
                s.word.to_lowercase(),
                Sense {
                    when: s.when.iter().map(|w| w.to_lowercase()).collect(),
                    means: s.means.iter().flat_map(|m| words_of(m)).collect(),
                    drop: s.drop,
                },
            );
        }
        for (ext, langs) in file.extensions {
            v.extensions.insert(ext.to_lowercase(), words_of(&langs));
        }
        Ok(v)
    }

    /// The language words a file extension stands for.
    pub fn languages(&self, ext: &str) -> Option<&[String]> {
        self.extensions
            .get(&ext.to_ascii_lowercase())
            .map(Vec::as_slice)
    }

    /// The group phrase that starts at `words[at]` (stems of the words),
    /// longest first: its length and group.
    pub fn phrase_at(&self, words: &[&str], at: usize) -> Option<(usize, usize)> {
        let list = self.phrases.get(words[at])?;
        list.iter().find_map(|(phrase, group)| {
            let end = at + phrase.len();
            (end <= words.len() && words[at..end].iter().zip(phrase).all(|(a, b)| *a == b))
                .then_some((phrase.len(), *group))
        })
    }

    /// Whether an index term is weak evidence (a weak word's stem, or a
    /// group term whose first member is weak).
    pub fn is_weak(&self, term: &str) -> bool {
        self.weak.contains(term)
    }
}

/// The embedded vocabulary (empty, with a logged error, if it does not
/// parse; a test keeps it parsing).
pub fn get() -> &'static Vocabulary {
    static V: LazyLock<Vocabulary> = LazyLock::new(|| {
        Vocabulary::parse(TEXT).unwrap_or_else(|e| {
            tracing::error!(error = %e, "the embedded selection vocabulary does not parse");
            Vocabulary::default()
        })
    });
    &V
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_table_parses_and_is_consistent() {
        let v = Vocabulary::parse(TEXT).unwrap();
        assert!(v.groups.len() >= 30, "{} groups", v.groups.len());
        let terms: HashSet<&str> = v.groups.iter().map(|g| g.term.as_str()).collect();
        assert_eq!(terms.len(), v.groups.len(), "group terms must be unique");
        for (word, s) in &v.senses {
            assert!(!s.when.is_empty(), "{word}: a sense needs context words");
            assert!(s.drop || !s.means.is_empty(), "{word}: drop or means");
        }
        assert_eq!(
            v.languages("sh").unwrap(),
            &["shell".to_string(), "bash".to_string()]
        );
        assert!(v.is_weak("fix") && v.is_weak("bug") && !v.is_weak("pdf"));
    }

    #[test]
    fn every_group_joins_words_the_stemmer_keeps_apart_and_no_member_is_in_two() {
        let file: File = toml::from_str(TEXT).unwrap();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (n, same) in file.same.iter().enumerate() {
            let stems: HashSet<String> = same
                .terms
                .iter()
                .map(|t| {
                    words_of(t)
                        .iter()
                        .map(|w| stem(w))
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect();
            assert!(stems.len() >= 2, "{:?}: its members stem alike", same.terms);
            for s in stems {
                if let Some(other) = seen.insert(s.clone(), n) {
                    panic!("{s:?} is in groups {other} and {n}");
                }
            }
        }
    }

    #[test]
    fn phrases_match_longest_first_on_whole_words() {
        let v = Vocabulary::parse(
            "[[same]]\nterms = [\"pull request\", \"pr\"]\n[[same]]\nterms = [\"pull\"]\n",
        )
        .unwrap();
        let words = ["open", "a", "pull", "request"];
        assert_eq!(v.phrase_at(&words, 2), Some((2, 0)));
        assert_eq!(v.phrase_at(&["pull", "it"], 0), Some((1, 1)));
        assert_eq!(v.phrase_at(&words, 0), None);
        assert_eq!(v.groups[0].term, "=pull_request");
    }

    #[test]
    fn bad_tables_name_the_problem() {
        let e = Vocabulary::parse("[[same]]\nterms = []\n").unwrap_err();
        assert!(e.contains("no terms"), "{e}");
        let e = Vocabulary::parse("bogus = 1\n").unwrap_err();
        assert!(e.contains("bogus"), "{e}");
    }
}
