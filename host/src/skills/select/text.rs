//! From text to index terms: words as [`super::words`] splits them
//! (identifiers, paths, file names, the vocabulary), lowercase, without
//! stop words and one-letter words, stemmed.

use foldhash::{HashMap, HashMapExt};

use super::sections::without_not_to_use;
use super::stem::stem;
use super::stop_words;
use super::words::words;
use crate::skills::Skill;

/// How much a match in each field counts.
pub const WEIGHT_NAME: f32 = 3.0;
pub const WEIGHT_KEYWORDS: f32 = 2.0;
pub const WEIGHT_DESCRIPTION: f32 = 1.0;
pub const WEIGHT_WHEN_TO_USE: f32 = 1.0;
pub const WEIGHT_HEADINGS: f32 = 0.5;
/// The body's text counts little: it is long and says much besides what
/// the skill is for.
pub const WEIGHT_BODY: f32 = 0.1;
/// How much of the body is indexed (bytes, at a character boundary).
pub const BODY_BYTES: usize = 3000;

/// How much a pair of neighbouring words ("mutation testing", "press
/// key") counts beside its words, in the fields that weigh at least
/// [`PHRASE_FIELD_MIN`] and in messages: a phrase matched says more than
/// its words apart.
pub const PHRASE_WEIGHT: f32 = 0.5;
pub const PHRASE_FIELD_MIN: f32 = 1.0;

/// The indexed beginning of a body.
pub fn body_prefix(body: &str) -> &str {
    if body.len() <= BODY_BYTES {
        return body;
    }
    &body[..body.floor_char_boundary(BODY_BYTES)]
}

/// How much of a message selection reads: its first
/// [`SELECTION_HEAD_BYTES`] and last [`SELECTION_TAIL_BYTES`]. A message
/// can carry a whole piped log or file (`cat build.log | quire exec "why
/// did it fail"`); what it asks for is at its start or end, and reading
/// megabytes of pasted text word by word would delay the first request
/// for nothing.
pub const SELECTION_HEAD_BYTES: usize = 12 * 1024;
pub const SELECTION_TAIL_BYTES: usize = 4 * 1024;

/// `text` as selection reads it: whole when short, else its head and
/// tail (see [`SELECTION_HEAD_BYTES`]), cut at character boundaries.
pub fn bounded(text: &str) -> std::borrow::Cow<'_, str> {
    if text.len() <= SELECTION_HEAD_BYTES + SELECTION_TAIL_BYTES {
        return std::borrow::Cow::Borrowed(text);
    }
    let head = &text[..text.floor_char_boundary(SELECTION_HEAD_BYTES)];
    let tail = &text[text.ceil_char_boundary(text.len() - SELECTION_TAIL_BYTES)..];
    std::borrow::Cow::Owned(format!("{head}\n{tail}"))
}

/// One-letter words that are names (the C and R languages), kept when
/// written in capitals.
const LETTER_NAMES: &[&str] = &["c", "r"];

/// A hash of the stop words and the field weights (part of the index
/// cache's fingerprint: the cached terms carry both).
pub(crate) fn terms_fingerprint() -> u64 {
    let weights = format!(
        "{WEIGHT_NAME} {WEIGHT_KEYWORDS} {WEIGHT_DESCRIPTION} {WEIGHT_WHEN_TO_USE} \
         {WEIGHT_HEADINGS} {WEIGHT_BODY} {BODY_BYTES} not-to-use-dropped issue-refs page-script-evaluate {PHRASE_WEIGHT} {PHRASE_FIELD_MIN}"
    );
    fnv(&stop_words::STOP_WORDS.join(" ")) ^ fnv(&weights).rotate_left(1)
}

/// A skill's or tool's name as text to split into terms: a one-letter
/// part that names a language (`c-review`, `r_lint`) is written in
/// capitals, so that it is kept, as a user's "C" is, instead of dropped
/// as a stray letter (which left `review` alone to stand for the whole
/// name of `c-review`).
pub fn name_text(name: &str) -> String {
    name.split_inclusive(['-', '_', ' '])
        .map(|part| {
            let word = part.trim_end_matches(['-', '_', ' ']);
            if LETTER_NAMES.contains(&word) {
                part.to_uppercase()
            } else {
                part.to_string()
            }
        })
        .collect()
}

/// The index terms of `text`, in order (repeats kept).
pub fn terms(text: &str) -> Vec<String> {
    weighted(text).into_iter().map(|(t, _)| t).collect()
}

/// The index terms of `text` with how much each counts (words in paths
/// and languages implied by file names count less; see [`super::words`]).
/// Stop words and one-letter words (but `C` and `R`) are dropped; words
/// are stemmed, acronyms written in capitals are not.
pub fn weighted(text: &str) -> Vec<(String, f32)> {
    marked(text).into_iter().map(|(t, w, _)| (t, w)).collect()
}

/// [`weighted`]'s terms, each with whether it is a synonym-group word.
pub(crate) fn marked(text: &str) -> Vec<(String, f32, bool)> {
    let words = words(text);
    let mut out = Vec::with_capacity(words.len());
    for w in words {
        if w.group {
            out.push((w.lower, w.weight, true));
            continue;
        }
        let letters = w.lower.chars().count();
        if letters < 2 && !(w.caps && LETTER_NAMES.contains(&w.lower.as_str())) {
            continue;
        }
        if stop_words::is_stop_word(&w.lower) {
            continue;
        }
        // Acronyms (API, CDS) are not words to stem; longer capitals are
        // shouting (a heading such as TESTS).
        let term = if w.caps && letters <= 4 {
            w.lower
        } else if w.caps {
            stem(&w.lower)
        } else {
            // Stemmed already, for the vocabulary's phrases.
            w.stem
        };
        out.push((term, w.weight, w.synonym));
    }
    out
}

/// The pairs of neighbouring terms of `terms` (in order, synonym-group
/// terms left out) as phrase terms (`a+b`), each with the lower weight of
/// its two words.
pub fn phrases(terms: &[(String, f32)]) -> Vec<(String, f32)> {
    let words: Vec<&(String, f32)> = terms.iter().filter(|(t, _)| !t.starts_with('=')).collect();
    words
        .windows(2)
        .filter(|w| w[0].0 != w[1].0)
        .map(|w| (format!("{}+{}", w[0].0, w[1].0), w[0].1.min(w[1].1)))
        .collect()
}

/// One skill as the index sees it: weighted term frequencies and the
/// weighted length.
#[derive(Debug, Clone, PartialEq)]
pub struct DocTerms {
    pub len: f32,
    pub terms: Vec<(String, f32)>,
}

/// The text of each indexed field of `skill` with its weight.
pub fn fields(skill: &Skill) -> Vec<(&'static str, f32, String)> {
    let body = without_not_to_use(&skill.body);
    vec![
        ("name", WEIGHT_NAME, name_text(&skill.name)),
        ("keywords", WEIGHT_KEYWORDS, skill.keywords.join(" ")),
        ("description", WEIGHT_DESCRIPTION, skill.description.clone()),
        (
            "when_to_use",
            WEIGHT_WHEN_TO_USE,
            skill.when_to_use.clone().unwrap_or_default(),
        ),
        ("headings", WEIGHT_HEADINGS, skill.headings.join("\n")),
        ("body", WEIGHT_BODY, body_prefix(&body).to_string()),
    ]
}

/// Tokenizes every indexed field of `skill`.
pub fn doc_terms(skill: &Skill) -> DocTerms {
    let fields = fields(skill);
    weighted_terms(fields.iter().map(|(_, w, t)| (*w, t.as_str())))
}

/// One document made of weighted fields (texts with the weight of a match
/// in them), as the index sees it. Skills and tools both go through here.
pub fn weighted_terms<'a>(fields: impl IntoIterator<Item = (f32, &'a str)>) -> DocTerms {
    let mut tf: HashMap<String, f32> = HashMap::with_capacity(256);
    let mut len = 0.0;
    for (weight, text) in fields {
        let terms = weighted(text);
        if weight >= PHRASE_FIELD_MIN {
            for (t, w) in phrases(&terms) {
                *tf.entry(t).or_insert(0.0) += weight * w * PHRASE_WEIGHT;
            }
        }
        for (t, w) in terms {
            *tf.entry(t).or_insert(0.0) += weight * w;
            len += weight * w;
        }
    }
    let mut terms: Vec<(String, f32)> = tf.into_iter().collect();
    terms.sort_by(|a, b| a.0.cmp(&b.0));
    DocTerms { len, terms }
}

/// A fast hash of the indexed text of `skill` (FxHash-style, eight bytes
/// at a time): a guard so that an edit which keeps a file's size and mtime
/// is still noticed. Not for anything adversarial.
pub fn content_hash(skill: &Skill) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h: u64 = 0;
    let mut feed = |bytes: &[u8]| {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
        // Field separator and length, so moving text between fields counts.
        h = (h.rotate_left(5) ^ (bytes.len() as u64 | 1 << 63)).wrapping_mul(K);
    };
    feed(skill.name.as_bytes());
    for k in &skill.keywords {
        feed(k.as_bytes());
    }
    feed(skill.description.as_bytes());
    feed(skill.when_to_use.as_deref().unwrap_or("").as_bytes());
    for k in &skill.headings {
        feed(k.as_bytes());
    }
    feed(body_prefix(&skill.body).as_bytes());
    (h ^ ((skill.keywords.len() as u64) << 32 | skill.headings.len() as u64)).wrapping_mul(K)
}

/// FNV-1a of a string (cache file names).
pub fn fnv(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in text.as_bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_names_on_hyphens_and_stems() {
        assert_eq!(terms("pdf-forms"), vec!["pdf", "form"]);
        assert_eq!(
            terms("Please fill the PDF forms, then run_tests!"),
            vec!["fill", "pdf", "form", "run", "test"]
        );
        assert_eq!(terms("a I x 7"), Vec::<String>::new());
        assert_eq!(terms("Déployer l'API"), vec!["déployer", "api"]);
    }

    #[test]
    fn selection_reads_the_head_and_tail_of_a_long_message() {
        assert_eq!(bounded("fill the pdf form"), "fill the pdf form");
        let filler = "é 12345 ".repeat(10_000);
        let long = format!("convert this spreadsheet {filler} then chart it");
        let b = bounded(&long);
        assert!(b.len() <= SELECTION_HEAD_BYTES + SELECTION_TAIL_BYTES + 1);
        assert!(b.starts_with("convert this spreadsheet"));
        assert!(b.ends_with("then chart it"));
        // What a paste carries in its middle is not read.
        let hidden = format!("{filler} invoice {filler}");
        assert!(!terms(&bounded(&hidden)).contains(&"invoic".to_string()));
    }

    #[test]
    fn doc_terms_weigh_the_name_most() {
        let mut skill = crate::skills::select::testing::skill("pdf-forms", "Fill in PDF forms.");
        skill.headings = vec!["Flattening".into()];
        skill.body = String::new();
        let d = doc_terms(&skill);
        let get = |t: &str| d.terms.iter().find(|(x, _)| x == t).map(|x| x.1);
        assert_eq!(get("pdf"), Some(WEIGHT_NAME + WEIGHT_DESCRIPTION));
        assert_eq!(get("fill"), Some(WEIGHT_DESCRIPTION));
        assert_eq!(get("flatten"), Some(WEIGHT_HEADINGS));
        assert_eq!(
            d.len,
            2.0 * WEIGHT_NAME + 3.0 * WEIGHT_DESCRIPTION + WEIGHT_HEADINGS
        );
        skill.body = "Run flatten.py to merge the annotations.".into();
        let d = doc_terms(&skill);
        let get = |t: &str| d.terms.iter().find(|(x, _)| x == t).map(|x| x.1);
        assert_eq!(get("annot"), Some(WEIGHT_BODY));
        assert!(get("python").is_some(), "flatten.py names its language");
        assert_ne!(content_hash(&skill), {
            let mut other = skill.clone();
            other.body.push_str(" More.");
            content_hash(&other)
        });
    }
}
