//! Follow-ups: how much the previous user message counts for the new one
//! ("still failing", "and the android one?" name no subject of their own).

/// How much the previous user message counts against the new one.
pub const PREVIOUS_WEIGHT: f32 = 0.35;
/// ... when the new one refers back to it ("still failing", "do the same
/// for the users table"): it names the subject.
pub const REFERRING_WEIGHT: f32 = 0.7;
/// A new message with at most this many terms, or one that refers back
/// with at most [`REFERRING_MAX_TERMS`], is a follow-up.
pub const SHORT_TERMS: usize = 2;
pub const REFERRING_MAX_TERMS: usize = 6;
/// Words by which a message refers to the one before.
const REFERRING: &[&str] = &[
    "again", "also", "another", "instead", "it", "one", "same", "still", "that", "them", "these",
    "this", "those", "too",
];
/// Words that open a message continuing the one before ("and the android
/// one?", "now the umap coloured by cluster", "what about refunds").
const CONTINUING: &[&str] = &[
    "and",
    "but",
    "now",
    "plus",
    "then",
    "what about",
    "how about",
];

/// How much the previous message counts for `new` (whose terms are
/// `new_terms`): more when `new` is short or refers back to it.
pub fn previous_weight(new: &str, new_terms: &[(String, f32)]) -> f32 {
    let mut distinct: Vec<&str> = new_terms.iter().map(|(t, _)| t.as_str()).collect();
    distinct.sort_unstable();
    distinct.dedup();
    let lower = new.trim_start().to_lowercase();
    let continues = CONTINUING.iter().any(|w| {
        lower
            .strip_prefix(w)
            .is_some_and(|rest| rest.starts_with(|c: char| !c.is_alphanumeric()))
    });
    let refers = continues
        || lower
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| REFERRING.contains(&w));
    if distinct.len() <= SHORT_TERMS || (refers && distinct.len() <= REFERRING_MAX_TERMS) {
        REFERRING_WEIGHT
    } else {
        PREVIOUS_WEIGHT
    }
}
