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

/// Words that thank (one of them makes a message a thank-you)…
const THANKING: &[&str] = &["thanks", "thank", "thx", "ty", "cheers", "ta"];
/// … and what may stand beside them in one ("great, thanks so much!").
const THANKS_FILLER: &[&str] = &[
    "you", "so", "much", "very", "a", "lot", "great", "perfect", "awesome", "nice", "cool", "that",
    "s", "all", "for", "now", "again", "many", "ok", "okay",
];

/// Whether `lower` (a message in lower case) only thanks: it ends a
/// subject rather than following it up, so the previous message's skills
/// are not offered for it again.
fn only_thanks(lower: &str) -> bool {
    let mut words = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .peekable();
    words.peek().is_some()
        && lower
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| THANKING.contains(&w))
        && words.all(|w| THANKING.contains(&w) || THANKS_FILLER.contains(&w))
}

/// How much the previous message counts for `new` (whose terms are
/// `new_terms`): more when `new` is short or refers back to it, nothing
/// when it only thanks.
pub fn previous_weight(new: &str, new_terms: &[(String, f32)]) -> f32 {
    let mut distinct: Vec<&str> = new_terms.iter().map(|(t, _)| t.as_str()).collect();
    distinct.sort_unstable();
    distinct.dedup();
    let lower = new.trim_start().to_lowercase();
    if only_thanks(&lower) {
        return 0.0;
    }
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

/// How far the new message's best skill, scored alone, must lead its
/// runner-up to be a new subject.
pub const NEW_SUBJECT_LEAD: f32 = 1.5;
/// The previous message's best skill counts as left behind when the new
/// message alone ranks it below this many others (or not at all).
pub const LEFT_BEHIND_RANK: usize = 10;

/// The skill a follow-up turns to, when it names a new subject: scored
/// alone (`alone`), the new message has a clear winner (at least `bar`,
/// [`NEW_SUBJECT_LEAD`] times its runner-up) other than the previous
/// message's winner (in `before`), and that one gets next to nothing from
/// the new message's words. "and the android one?" after iOS design
/// turns to Android design; after "submit the app to the stores" it does
/// not (the store skill covers Android too), nor does "still failing".
pub fn new_subject(alone: &[f32], before: &[f32], listable: &[usize], bar: f32) -> Option<usize> {
    let best = |scores: &[f32]| {
        let mut first: Option<usize> = None;
        let mut second = 0.0f32;
        for &i in listable {
            let s = scores.get(i).copied().unwrap_or(0.0);
            match first {
                Some(f) if s <= scores[f] => second = second.max(s),
                Some(f) => {
                    second = scores[f];
                    first = Some(i);
                }
                None if s > 0.0 => first = Some(i),
                None => {}
            }
        }
        first.map(|f| (f, second))
    };
    let (new, runner_up) = best(alone)?;
    let (old, _) = best(before)?;
    if new == old || alone[new] < bar || alone[new] < NEW_SUBJECT_LEAD * runner_up {
        return None;
    }
    let old_score = alone.get(old).copied().unwrap_or(0.0);
    let above = listable.iter().filter(|&&i| alone[i] > old_score).count();
    if old_score > 0.0 && above < LEFT_BEHIND_RANK {
        return None;
    }
    Some(new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_subject_needs_a_clear_winner_that_leaves_the_old_one_behind() {
        let all: Vec<usize> = (0..12).collect();
        let mut before = vec![0.0; 12];
        before[0] = 30.0;
        // The new words alone: skill 1 clearly, skill 0 not at all.
        let mut alone = vec![0.0; 12];
        alone[1] = 15.0;
        alone[2] = 8.0;
        assert_eq!(new_subject(&alone, &before, &all, 9.0), Some(1));
        // Too weak alone, or without a lead: no new subject.
        assert_eq!(new_subject(&alone, &before, &all, 16.0), None);
        alone[2] = 11.0;
        assert_eq!(new_subject(&alone, &before, &all, 9.0), None);
        alone[2] = 8.0;
        // The old winner still fits the new words: it stays.
        alone[0] = 3.0;
        assert_eq!(new_subject(&alone, &before, &all, 9.0), None);
        // Same winner both times: nothing to move.
        let mut same = vec![0.0; 12];
        same[0] = 20.0;
        assert_eq!(new_subject(&same, &before, &all, 9.0), None);
        // A skill the model may not see is never chosen.
        assert_eq!(new_subject(&alone, &before, &[0, 2, 3], 9.0), None);
    }

    #[test]
    fn a_thank_you_ends_the_subject_and_a_follow_up_does_not() {
        for thanks in [
            "thanks!",
            "Thank you so much",
            "great, thanks",
            "thx",
            "ok thanks!",
        ] {
            assert_eq!(previous_weight(thanks, &[]), 0.0, "{thanks}");
        }
        for follow in [
            "still failing",
            "thanks, now do the same for staging",
            "ok",
            "and that one?",
        ] {
            assert!(previous_weight(follow, &[]) > 0.0, "{follow}");
        }
    }
}
