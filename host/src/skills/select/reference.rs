//! How common each index term is across skills in general, blended into a
//! skill index's idf as a prior ([`Index::idf`](super::index::Index)).
//!
//! An index of a few dozen skills cannot tell from its own counts which
//! words are common: in one collection of Terraform skills "terraform" is
//! in every skill (so it weighs nothing, and "start a terraform provider
//! for our internal API" ranked the bundled mcp-integration first on
//! "api"), while "sandbox", in one of them, weighs as much as a word can.
//! The reference counts (`reference_df.txt`: the weighted document
//! frequencies of 523 public skills, counts only) act as [`PRIOR_DOCS`]
//! more skills: the idf is BM25's over the index's documents plus these,
//! each term found in them as often as in the reference. An index of those
//! 523 skills scores as before (its shares are the reference's); a small
//! one leans on the reference.

use foldhash::{HashMap as FastMap, HashMapExt};
use std::sync::OnceLock;

const TEXT: &str = include_str!("reference_df.txt");

/// The skills the counts were taken from.
const DOCS: f32 = 523.0;

/// What a term missing from the file counts (the file leaves out terms in
/// fewer than 1.5 skills).
const ABSENT: f32 = 1.0;

/// The reference's weight, in skills.
pub const PRIOR_DOCS: f32 = 100.0;

fn table() -> &'static FastMap<&'static str, f32> {
    static TABLE: OnceLock<FastMap<&'static str, f32>> = OnceLock::new();
    TABLE.get_or_init(|| parse(TEXT))
}

fn parse(text: &'static str) -> FastMap<&'static str, f32> {
    let mut map = FastMap::with_capacity(4096);
    for line in text.lines() {
        if line.starts_with('#') {
            continue;
        }
        let mut parts = line.split(' ');
        if let (Some(term), Some(count)) = (parts.next(), parts.next())
            && let Ok(count) = count.parse::<f32>()
        {
            map.insert(term, count);
        }
    }
    map
}

/// The share of skills in general holding `term`.
pub fn share(term: &str) -> f32 {
    table().get(term).copied().unwrap_or(ABSENT) / DOCS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_of_the_file_is_a_term_and_a_count() {
        let lines = TEXT.lines().filter(|l| !l.starts_with('#')).count();
        assert_eq!(table().len(), lines);
        assert!(table().len() > 4000);
    }

    #[test]
    fn a_word_of_every_skill_is_common_and_a_rare_one_is_not() {
        assert!(share("skill") > 0.5, "{}", share("skill"));
        assert!(share("terraform") < 0.05);
        assert_eq!(share("no-such-term-anywhere"), ABSENT / DOCS);
    }
}
