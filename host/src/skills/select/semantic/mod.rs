//! Optional semantic scoring (`[selection] embeddings`): skill and tool
//! texts are embedded once (cached in memory and on disk by model and
//! content hash; many at once in the background, see [`docs`]), each user
//! message once, and the cosine ranking is fused with the lexical one:
//! for skills by their scores ([`fuse`]), for tools by their ranks
//! ([`fuse_ranks`]). Without the setting nothing here
//! runs. An endpoint that fails turns semantic scoring off for the session
//! with one warning; the turn goes on with lexical scoring alone.

pub mod client;
pub mod config;
pub mod docs;
pub mod rank;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

pub use config::{Endpoint, SelectionConfig};

use client::DiskCache;
use docs::{Docs, Vector};

/// The `k` of reciprocal rank fusion ([`fuse_ranks`]): 1 / (k + rank).
pub const RRF_K: f32 = 60.0;
/// What meaning weighs in [`fuse`] against the lexical score (both on a 0
/// to 1 scale). Measured (BENCHMARKS.md, eighth session): 0.3 to 0.6 all
/// beat lexical alone and rank fusion on the blind sets; this is their
/// middle, not the best of any one set.
pub const SEMANTIC_WEIGHT: f32 = 0.5;
/// Message vectors kept: this turn's and the one before (a follow-up
/// needs both).
const MESSAGES_KEPT: usize = 2;

/// Called with a message for the user: the warning when semantic scoring
/// is given up, and once a session the notice that texts are embedded in
/// the background.
pub type Warn = Arc<dyn Fn(String) + Send + Sync>;

/// See the module docs. Shared by skill and tool selection of a session.
pub struct Semantic {
    docs: Arc<Docs>,
    /// The messages embedded last (the new one and the one before it),
    /// with their vectors; at most [`MESSAGES_KEPT`].
    messages: Mutex<Vec<(String, Vector)>>,
}

impl std::fmt::Debug for Semantic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Semantic")
            .field("base_url", &self.docs.endpoint.base_url)
            .field("model", &self.docs.endpoint.model)
            .field("failed", &self.docs.failed())
            .finish()
    }
}

impl Semantic {
    /// `cache_dir`: where vectors are kept (`$QUIRE_HOME/cache/embeddings`).
    pub fn new(endpoint: Endpoint, cache_dir: Option<&Path>, warn: Warn) -> Semantic {
        Semantic {
            docs: Arc::new(Docs::new(endpoint, cache_dir.map(DiskCache::new), warn)),
            messages: Mutex::new(Vec::new()),
        }
    }

    /// The cosine similarity of `message` (after `previous`, see
    /// [`follow_up`]) to each of `docs`; `None` when semantic scoring is
    /// off for the session (the endpoint failed) or while some of `docs`
    /// are being embedded in the background (see [`docs`]): the caller's
    /// selection is then lexical alone.
    pub fn similarities(
        &self,
        docs: &[String],
        message: &str,
        previous: Option<&str>,
    ) -> Option<Vec<f32>> {
        if self.docs.failed() || message.trim().is_empty() {
            return None;
        }
        let message = &*super::text::bounded(message);
        let previous = previous.map(super::text::bounded);
        let previous = previous.as_deref();
        match self.try_similarities(docs, message, previous) {
            Ok(s) => s,
            Err(e) => {
                self.docs.give_up(&e);
                None
            }
        }
    }

    /// Embeds the texts of `docs` not yet cached, now (see
    /// `docs.rs`); returns how many were embedded.
    pub fn embed_missing(
        &self,
        docs: &[String],
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<usize, client::EmbedError> {
        self.docs.embed_missing(docs, progress)
    }

    /// The embedding model's name.
    pub fn model(&self) -> &str {
        &self.docs.endpoint.model
    }

    /// Blocks until no background embedding runs (at once when none
    /// does): a test's or a benchmark's way to know the texts are in.
    pub fn wait_for_background(&self) {
        self.docs.wait();
    }

    fn try_similarities(
        &self,
        docs: &[String],
        message: &str,
        previous: Option<&str>,
    ) -> Result<Option<Vec<f32>>, client::EmbedError> {
        // The message first: one short request, so an endpoint that
        // cannot be reached is found out (and reported) at once.
        let new = self.message_vector(message)?;
        let query = match previous.filter(|p| !p.trim().is_empty()) {
            Some(p) => follow_up(&new, &self.message_vector(p)?, message),
            None => new.to_vec(),
        };
        let Some(vectors) = self.docs.vectors(docs)? else {
            return Ok(None);
        };
        Ok(Some(vectors.iter().map(|v| cosine(&query, v)).collect()))
    }

    fn message_vector(&self, message: &str) -> Result<Vector, client::EmbedError> {
        let mut kept = self.messages.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, v)) = kept.iter().find(|(m, _)| m == message) {
            return Ok(v.clone());
        }
        let v = client::embed(
            &self.docs.endpoint,
            self.docs.http.as_ref(),
            &[message.to_string()],
            client::TIMEOUT,
        )?;
        let v = Arc::new(v.into_iter().next().unwrap_or_default());
        if kept.len() >= MESSAGES_KEPT {
            kept.remove(0);
        }
        kept.push((message.to_string(), v.clone()));
        Ok(v)
    }
}

/// The session's semantic scoring from `[selection]`, or `None` when it
/// is off or misconfigured (reported as a warning event; selection stays
/// lexical).
pub fn for_session(
    config: &SelectionConfig,
    provider: &crate::config::ProviderConfig,
    home: &Path,
    events: &crate::protocol::EventSink,
) -> Option<Arc<Semantic>> {
    let warn_to = events.clone();
    let warn: Warn = Arc::new(move |message| {
        warn_to.send(crate::protocol::Event::Warning { message });
    });
    match config.endpoint(provider) {
        Ok(Some(endpoint)) => {
            let dir = home.join("cache").join("embeddings");
            Some(Arc::new(Semantic::new(endpoint, Some(&dir), warn)))
        }
        Ok(None) => None,
        Err(e) => {
            warn(format!("{e}; selection is lexical only"));
            None
        }
    }
}

/// The query vector of `message` (vector `new`) after a message whose
/// vector is `previous`: both at unit length, the previous one weighing
/// what the lexical query gives it ([`previous_weight`]: more when the
/// new message is short or refers back, "still failing", "and the
/// android one?"), so that meaning, like the words, follows the subject
/// of the conversation.
///
/// [`previous_weight`]: crate::skills::select::index::previous_weight
pub fn follow_up(new: &[f32], previous: &[f32], message: &str) -> Vec<f32> {
    let weight = super::index::previous_weight(message, &super::text::weighted(message));
    let (a, b) = (norm(new), norm(previous));
    if new.len() != previous.len() || a == 0.0 || b == 0.0 {
        return new.to_vec();
    }
    new.iter()
        .zip(previous)
        .map(|(x, y)| x / a + weight * y / b)
        .collect()
}

fn norm(v: &[f32]) -> f32 {
    v.iter().map(|x| x * x).sum::<f32>().sqrt()
}

/// Cosine similarity (0 for an empty or zero vector, or lengths that
/// differ).
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    if a.len() != b.len() || a.is_empty() {
        return 0.0;
    }
    let (mut dot, mut na, mut nb) = (0.0f32, 0.0f32, 0.0f32);
    for (x, y) in a.iter().zip(b) {
        dot += x * y;
        na += x * x;
        nb += y * y;
    }
    if na == 0.0 || nb == 0.0 {
        return 0.0;
    }
    dot / (na.sqrt() * nb.sqrt())
}

/// The `top` items by similarity above zero, best first (ties: lower
/// position first), among those `allowed`.
pub fn semantic_order(sims: &[f32], top: usize, allowed: impl Fn(usize) -> bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..sims.len())
        .filter(|&i| sims[i] > 0.0 && allowed(i))
        .collect();
    order.sort_by(|&a, &b| sims[b].total_cmp(&sims[a]).then(a.cmp(&b)));
    order.truncate(top);
    order
}

/// Fuses the lexical ranking (`lexical`, best first, with scores) with
/// the ranking by meaning (`meaning`, best first, similarities in `sims`
/// by item): each item scores its lexical score over the best one, plus
/// [`SEMANTIC_WEIGHT`] times its similarity rescaled over `meaning` (the
/// nearest 1, the last 0). Scores, not ranks: a clear lexical winner stays
/// first unless meaning strongly disagrees, where reciprocal rank fusion
/// let a small model's ranking overturn it (it lowered recall on every
/// blind set). Best first; ties keep the lexical order, then meaning's.
pub fn fuse(lexical: &[(usize, f32)], meaning: &[usize], sims: &[f32]) -> Vec<(usize, f32)> {
    let mut tally = Tally::default();
    let best = lexical.iter().map(|h| h.1).fold(0.0, f32::max);
    for &(item, score) in lexical {
        tally.add(item, if best > 0.0 { score / best } else { 0.0 });
    }
    let sim = |i: usize| sims.get(i).copied().unwrap_or(0.0);
    if let (Some(&first), Some(&last)) = (meaning.first(), meaning.last()) {
        let (hi, lo) = (sim(first), sim(last));
        let span = hi - lo;
        for &item in meaning {
            let near = if span > f32::EPSILON {
                (sim(item) - lo) / span
            } else {
                1.0
            };
            tally.add(item, SEMANTIC_WEIGHT * near);
        }
    }
    tally.best_first()
}

/// Reciprocal rank fusion of rankings (each best first): every item scores
/// the sum of 1 / ([`RRF_K`] + rank) over the rankings it is in. Best
/// first; ties keep the order of first appearance. Tools are fused this
/// way ([`rank::fuse_tools`]): what counts for a tool is being sent at
/// all, and ranks bring meaning's few best into the request more surely
/// than scores do (measured: BENCHMARKS.md, eighth session).
pub fn fuse_ranks(rankings: &[&[usize]]) -> Vec<(usize, f32)> {
    let mut tally = Tally::default();
    for ranking in rankings {
        for (rank, &item) in ranking.iter().enumerate() {
            tally.add(item, 1.0 / (RRF_K + rank as f32 + 1.0));
        }
    }
    tally.best_first()
}

/// Scores summed by item, kept in the order items first appear.
#[derive(Default)]
struct Tally {
    scores: Vec<(usize, f32)>,
    at: HashMap<usize, usize>,
}

impl Tally {
    fn add(&mut self, item: usize, score: f32) {
        match self.at.get(&item) {
            Some(&p) => self.scores[p].1 += score,
            None => {
                self.at.insert(item, self.scores.len());
                self.scores.push((item, score));
            }
        }
    }

    /// Best first; ties in the order of first appearance.
    fn best_first(mut self) -> Vec<(usize, f32)> {
        self.scores.sort_by(|a, b| b.1.total_cmp(&a.1));
        self.scores
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_high_in_both_rankings_wins_over_one_first_in_only_one() {
        let fused = fuse_ranks(&[&[1, 2, 3], &[2, 4]]);
        assert_eq!(fused[0].0, 2);
        assert_eq!(fused[1].0, 1);
        assert_eq!(fused.len(), 4);
    }

    #[test]
    fn meaning_reorders_close_lexical_scores_but_not_a_clear_winner() {
        let sims = [0.0, 0.2, 0.8, 0.1, 0.6];
        // Close lexical scores: 2, nearest by meaning, overtakes 1.
        let fused = fuse(&[(1, 10.0), (2, 9.0), (3, 1.0)], &[2, 4, 1], &sims);
        assert_eq!(fused[0].0, 2);
        assert_eq!(fused[1].0, 1);
        assert_eq!(fused.len(), 4, "{fused:?}");
        // A clear lexical winner stays first.
        let fused = fuse(&[(1, 10.0), (2, 2.0)], &[2, 4, 1], &sims);
        assert_eq!(fused[0].0, 1);
        // 4, found by meaning alone, joins with its part of the score.
        let four = fused.iter().find(|f| f.0 == 4).unwrap().1;
        assert!(
            (four - SEMANTIC_WEIGHT * (0.6 - 0.2) / (0.8 - 0.2)).abs() < 1e-6,
            "{fused:?}"
        );
        // Nothing by meaning: the lexical order.
        let lexical = [(1, 3.0), (2, 1.0)];
        let ids: Vec<usize> = fuse(&lexical, &[], &sims).iter().map(|f| f.0).collect();
        assert_eq!(ids, vec![1, 2]);
    }

    #[test]
    fn semantic_order_keeps_positive_allowed_items_best_first() {
        let sims = [0.2, 0.9, -0.5, 0.4, 0.9];
        assert_eq!(semantic_order(&sims, 3, |i| i != 3), vec![1, 4, 0]);
    }

    #[test]
    fn a_follow_up_leans_on_the_previous_message_more_than_a_full_one() {
        let (new, previous) = ([1.0, 0.0], [0.0, 2.0]);
        let short = follow_up(&new, &previous, "still failing");
        let full = follow_up(
            &new,
            &previous,
            "write the release notes for version two from the git log",
        );
        let toward = |q: &[f32]| cosine(q, &previous);
        assert!(toward(&short) > toward(&full), "{short:?} {full:?}");
        assert!(toward(&full) > 0.0);
        // The new message still counts most.
        assert!(cosine(&short, &new) > toward(&short));
        // Mismatched vectors: the new message alone.
        assert_eq!(follow_up(&new, &[1.0], "still failing"), new.to_vec());
    }

    #[test]
    fn cosine_of_mismatched_or_zero_vectors_is_zero() {
        assert_eq!(cosine(&[1.0, 0.0], &[1.0]), 0.0);
        assert_eq!(cosine(&[0.0, 0.0], &[1.0, 0.0]), 0.0);
        assert!((cosine(&[1.0, 1.0], &[2.0, 2.0]) - 1.0).abs() < 1e-6);
    }

    #[test]
    fn the_disk_cache_round_trips_vectors_by_model_and_text() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DiskCache::new(&dir.path().join("embeddings"));
        let k = client::key("m", "text");
        assert_ne!(k, client::key("other", "text"));
        assert_eq!(cache.get(&k), None);
        cache.put(&k, &[0.5, -1.0]);
        assert_eq!(cache.get(&k), Some(vec![0.5, -1.0]));
        // Written under a temporary name and renamed: nothing else stays.
        cache.put(&k, &[2.0]);
        assert_eq!(cache.get(&k), Some(vec![2.0]));
        let names: Vec<_> = std::fs::read_dir(dir.path().join("embeddings"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from(&k)]);
    }

    #[test]
    fn a_write_sweeps_temporary_files_abandoned_by_killed_processes() {
        let dir = tempfile::tempdir().unwrap();
        let cache_dir = dir.path().join("embeddings");
        std::fs::create_dir_all(&cache_dir).unwrap();
        let old = cache_dir.join("abc.tmp4242-0");
        let fresh = cache_dir.join("def.tmp4343-0");
        std::fs::write(&old, b"half").unwrap();
        std::fs::write(&fresh, b"being written").unwrap();
        let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
        std::fs::File::options()
            .append(true)
            .open(&old)
            .unwrap()
            .set_modified(two_hours_ago)
            .unwrap();
        let cache = DiskCache::new(&cache_dir);
        assert_eq!(cache.get("abc"), None);
        assert!(old.exists(), "reading alone never deletes");
        cache.put(&client::key("m", "t"), &[1.0]);
        assert!(!old.exists(), "an abandoned write stayed");
        assert!(
            fresh.exists(),
            "another process's write in progress was removed"
        );
    }
}
