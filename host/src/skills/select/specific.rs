//! Specificity between neighbouring items: among skills (or tools) that
//! match a message on the same words, the one whose *name* the message
//! covers is the one asked for ("deploy this app to vercel" is
//! deploy-to-vercel, not vercel-react-best-practices, though both say
//! "vercel" many times). BM25 alone prefers the item that repeats the
//! shared words most; this reorders the best-scored items by how much of
//! their name's weight (idf) the new message holds.

use super::index::{Index, Query};

/// How much a skill's name fully covered by the message raises its score
/// (half covered: half of it). Skills' names are often generic
/// ("react-native-architecture"), so the boost is mild: at 1.0 the
/// held-out set's recall@1 fell from 0.86 to 0.84, at 0.3 the tuning
/// set's rose from 0.88 to 0.89 (BENCHMARKS.md, issue 18).
pub const SKILL_NAME_BOOST: f32 = 0.3;
/// The same for tools, whose names say what they do
/// (`browser_take_screenshot`): a full boost picks fewer, better tools
/// (median schema bytes 21.0 → 18.4 KB at the same recall).
pub const TOOL_NAME_BOOST: f32 = 1.0;
/// Only the best this many items are reordered: the boost is bounded, so
/// items further down cannot pass the first ones.
pub const RERANK_TOP: usize = 64;

/// The idf-weighted share of `name`'s terms (split as the index splits
/// names) found among the terms of the new message in `query`. Terms
/// carrying nothing (found nearly everywhere) count for nothing on either
/// side.
pub fn name_cover(index: &Index, query: &Query, name: &str) -> f32 {
    cover_of(query, &index.split_name(name))
}

/// [`name_cover`] of document `doc`'s name, split once per index.
pub(super) fn doc_name_cover(index: &Index, query: &Query, doc: usize, name: &str) -> f32 {
    cover_of(query, &index.name_terms(doc, name))
}

/// The idf-weighted share of `terms` (a name's, with their idf) the new
/// message in `query` holds.
fn cover_of(query: &Query, terms: &[(String, f32)]) -> f32 {
    let (mut all, mut hit) = (0.0f32, 0.0f32);
    for (t, idf) in terms {
        all += idf;
        // A word only in a path or file name says where, not what: it
        // covers as much as it weighs.
        if let Some(q) = query
            .terms
            .iter()
            .find(|q| q.from_new && (&q.term == t || doer_of(t, &q.term)))
        {
            hit += idf * q.weight.min(1.0);
        }
    }
    if all <= 0.0 { 0.0 } else { hit / all }
}

/// Whether the name term `name` is the one who does `verb` (both stemmed):
/// "scan this skill" covers skill-scanner, "install" skill-installer,
/// "build" mcp-builder. The stemmer keeps such nouns whole (scanner,
/// creator), and only in a name are they so plainly the verb's doer.
fn doer_of(name: &str, verb: &str) -> bool {
    if verb.len() < 3 {
        return false;
    }
    let Some(rest) = name.strip_prefix(verb) else {
        return false;
    };
    // The doubled last letter: "scan" → "scanner".
    let doubled = rest.len() == 3
        && rest.ends_with("er")
        && verb.as_bytes().last() == rest.as_bytes().first();
    matches!(rest, "er" | "or" | "r") || doubled
}

/// Raises the best [`RERANK_TOP`] of `scores` by `boost` times their
/// [`name_cover`]; `name(i)` is item `i`'s name.
pub fn boost_names<'a>(
    index: &Index,
    query: &Query,
    scores: &mut [f32],
    boost: f32,
    name: impl Fn(usize) -> &'a str,
) {
    for i in best(scores, RERANK_TOP) {
        let cover = doc_name_cover(index, query, i, name(i));
        scores[i] *= 1.0 + boost * cover;
    }
}

/// The positions of the best `k` positive `scores` (on equal scores, the
/// first ones), in no order: one pass keeping the `k` best in a heap,
/// rather than collecting every positive score (thousands, with many
/// skills) to partition them.
fn best(scores: &[f32], k: usize) -> Vec<usize> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    // A positive float's bits order as its value.
    let mut heap: BinaryHeap<Reverse<(u32, Reverse<usize>)>> = BinaryHeap::with_capacity(k + 1);
    for (i, &s) in scores.iter().enumerate() {
        if s <= 0.0 || k == 0 {
            continue;
        }
        let key = Reverse((s.to_bits(), Reverse(i)));
        if heap.len() < k {
            heap.push(key);
        } else if heap.peek().is_some_and(|min| key < *min) {
            heap.pop();
            heap.push(key);
        }
    }
    heap.into_iter().map(|Reverse((_, Reverse(i)))| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::skills::select::testing::skill;
    use crate::skills::select::text;

    #[test]
    fn the_skill_whose_name_the_message_covers_comes_first() {
        let skills = vec![
            skill(
                "vercel-react-best-practices",
                "Vercel's React guidance: how to build for Vercel, deploy \
                 previews on Vercel, Vercel caching and Vercel functions.",
            ),
            skill("deploy-to-vercel", "Ship an application to production."),
        ];
        let (index, _) = Index::build(&skills, None);
        let query = index.query("deploy this app to vercel", None);
        let mut scores = index.scores(&query);
        assert!(scores[0] > 0.0 && scores[1] > 0.0);
        boost_names(&index, &query, &mut scores, 1.0, |i| {
            skills[i].name.as_str()
        });
        assert!(scores[1] > scores[0], "{scores:?}");
        assert_eq!(name_cover(&index, &query, "deploy-to-vercel"), 1.0);
        assert_eq!(name_cover(&index, &query, "unrelated"), 0.0);
    }

    #[test]
    fn a_one_letter_language_in_a_name_must_be_in_the_message() {
        let skills = vec![
            skill("c-review", "Review native code for memory corruption."),
            skill("requesting-code-review", "Ask for a review before merging."),
        ];
        let (index, _) = Index::build(&skills, None);
        let plain = index.query("get it reviewed before I merge", None);
        assert!(name_cover(&index, &plain, "c-review") < 0.9);
        let named = index.query("review the C code in src/net", None);
        assert_eq!(name_cover(&index, &named, "c-review"), 1.0);
        assert_eq!(text::name_text("c-review"), "C-review");
        assert_eq!(text::name_text("cr-review_r"), "cr-review_R");
    }

    #[test]
    fn the_best_positive_scores_are_kept_the_first_on_ties() {
        let mut got = best(&[0.0, 3.0, 1.0, 3.0, -1.0, 2.0, 3.0], 3);
        got.sort_unstable();
        assert_eq!(got, vec![1, 3, 6]);
        let mut got = best(&[1.0, 2.0, 2.0, 0.5], 2);
        got.sort_unstable();
        assert_eq!(got, vec![1, 2]);
        let mut got = best(&[1.0, 1.0, 1.0], 2);
        got.sort_unstable();
        assert_eq!(got, vec![0, 1]);
        assert_eq!(best(&[0.0, -2.0], 5), Vec::<usize>::new());
        assert_eq!(best(&[1.0], 0), Vec::<usize>::new());
    }

    #[test]
    fn a_name_naming_the_doer_is_covered_by_the_verb() {
        assert!(doer_of("scanner", "scan"));
        assert!(doer_of("instal", "instal") || doer_of("installer", "instal"));
        assert!(doer_of("builder", "build"));
        assert!(doer_of("writer", "write"));
        assert!(doer_of("creator", "creat"));
        assert!(!doer_of("user", "us"));
        assert!(!doer_of("scanpy", "scan"));
        assert!(!doer_of("ordering", "order"));
    }
}
