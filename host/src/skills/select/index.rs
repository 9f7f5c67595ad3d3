//! The inverted index over every skill, scored with BM25.
//!
//! Each skill is one document made of its name (split on hyphens),
//! keywords, description, `when_to_use`, body headings and the body's
//! beginning, each field
//! weighted (see [`super::text`]). A query is the new user message plus the
//! previous one at a lower weight. Building tokenizes skills in parallel
//! and reuses what the on-disk cache ([`super::cache`]) holds for files
//! whose path, size and mtime (and indexed text) did not change.

use foldhash::{HashMap, HashMapExt};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::UNIX_EPOCH;

use super::cache::{self, CacheFile};
// Re-exported: semantic scoring weighs the previous message the same way.
pub(crate) use super::followup::previous_weight;
use super::par::par_map;
use super::reference;
use super::synonyms::{self, SKILL_SHARES, SynonymShares, TOOL_SHARES};
use super::text::{self, DocTerms};
use crate::skills::Skill;

/// BM25 term-frequency saturation.
pub const K1: f32 = 1.2;
/// BM25 length normalisation.
pub const B: f32 = 0.75;
/// Terms in at least this share of the documents carry next to nothing
/// ([`COMMON_FLOOR`] of their idf, enough to order documents that share
/// nothing else), and from [`COMMON_FULL`] on they carry less and less (in
/// indexes of at least [`COMMON_MIN_DOCS`] documents, where such a share
/// means "everywhere").
pub const COMMON_ZERO: f32 = 0.4;
pub const COMMON_FULL: f32 = 0.15;
pub const COMMON_FLOOR: f32 = 0.02;
pub const COMMON_MIN_DOCS: usize = 20;
/// A document counts fully towards a term's document frequency from this
/// weighted frequency on (one mention in a heading, a parameter, or any
/// heavier field), and in proportion below it: a word a skill's body only
/// mentions in passing (`import` in its code samples) does not make the
/// word common, so the skill that is *about* it (terraform-search-import)
/// still gains from it.
pub const DF_FULL_TF: f32 = 0.5;

/// How strongly [`Index::coverage`] counts in a skill's rank (see
/// [`coverage_factor`]): 0 ignores it, 1 makes a skill holding half the
/// message's weight rank as if it scored half. Measured on the 18 labelled
/// sets (BENCHMARKS.md): from 0.4 to 0.7 gains most (recall@1 +30 of
/// 2,560 messages, most on the sets written blind); from 0.8 on, one-word
/// matches lose to long skills that mention everything.
pub const COVERAGE_POWER: f32 = 0.5;

/// What a skill's rank is multiplied by for covering `share` of the
/// message ([`Index::coverage`]). BM25 lets one term matched in a heavy
/// field (`umap` in umap-learn's name) outweigh a skill holding most of the
/// message's words (scanpy: h5ad, clusters, umap, mito); ranking by score
/// times this favours the skill the whole message is about.
pub fn coverage_factor(share: f32) -> f32 {
    // Per skill and message, so the common cases skip `powf`: a skill
    // holding nothing, all, or (at the power in use) a square root.
    let share = share.clamp(0.0, 1.0);
    if share == 0.0 || share == 1.0 {
        share
    } else if COVERAGE_POWER == 0.5 {
        share.sqrt()
    } else {
        share.powf(COVERAGE_POWER)
    }
}

/// What identifies one indexed skill file in the cache.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocKey {
    /// The `SKILL.md` file.
    pub path: PathBuf,
    pub size: u64,
    /// Modification time in nanoseconds since the epoch (0 when unknown).
    pub mtime_ns: u64,
    /// A hash of the indexed text.
    pub hash: u64,
}

impl DocKey {
    /// Stats `skill.file` (0 for a file that cannot be read, such as a
    /// bundled skill) and hashes the indexed text.
    pub fn of(skill: &Skill) -> DocKey {
        let (size, mtime_ns) = match std::fs::metadata(&skill.file) {
            Ok(m) => {
                let mtime = m
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                    .map(|d| d.as_nanos() as u64)
                    .unwrap_or(0);
                (m.len(), mtime)
            }
            Err(_) => (0, 0),
        };
        DocKey {
            path: skill.file.clone(),
            size,
            mtime_ns,
            hash: text::content_hash(skill),
        }
    }
}

/// One indexed skill.
#[derive(Debug, Clone)]
pub(crate) struct IndexedDoc {
    pub key: DocKey,
    /// Weighted length.
    pub len: f32,
    /// (term id, weighted frequency), sorted by id.
    pub terms: Vec<(u32, f32)>,
}

/// How a build went.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildStats {
    pub docs: usize,
    /// Documents taken from the on-disk cache.
    pub from_cache: usize,
    /// Documents tokenized in this build.
    pub tokenized: usize,
    /// The cache file was (re)written.
    pub cache_written: bool,
}

/// The index. Document `i` is the `i`-th skill it was built from.
#[derive(Debug, Clone)]
pub struct Index {
    pub(crate) dict: HashMap<String, u32>,
    pub(crate) terms: Vec<String>,
    /// By term id: (document, weighted frequency).
    postings: Vec<Vec<(u32, f32)>>,
    pub(crate) docs: Vec<IndexedDoc>,
    /// By document: K1 * (1 - B + B * len / avg_len).
    norms: Vec<f32>,
    /// By term id: the documents holding it, each counting up to 1 by its
    /// weighted frequency (see [`DF_FULL_TF`]).
    df: Vec<f32>,
    /// By term id: its share of skills in general ([`reference::share`]),
    /// for an index of skills; empty for tools.
    prior: Vec<f32>,
    /// The weight of [`Index::prior`] in documents (0 for tools).
    prior_docs: f32,
    /// See [`SKILL_SHARES`].
    shares: SynonymShares,
    /// By document: its name's terms and their idf, split at the first
    /// message that asks ([`Index::name_terms`]).
    names: Vec<OnceLock<NameTerms>>,
    /// By document: the place of its skill's name in the names sorted
    /// (ties between equal scores are ordered by name, without comparing
    /// strings each message); empty for an index of tools.
    name_rank: Vec<u32>,
}

/// A name's distinct terms (split as the index splits names), each with
/// its idf in the index.
pub type NameTerms = Box<[(String, f32)]>;

impl Default for Index {
    fn default() -> Index {
        Index {
            dict: HashMap::new(),
            terms: Vec::new(),
            postings: Vec::new(),
            docs: Vec::new(),
            norms: Vec::new(),
            df: Vec::new(),
            prior: Vec::new(),
            prior_docs: 0.0,
            shares: SKILL_SHARES,
            names: Vec::new(),
            name_rank: Vec::new(),
        }
    }
}

/// Each skill's place among the skills sorted by name.
fn name_ranks(skills: &[Skill]) -> Vec<u32> {
    let mut order: Vec<usize> = (0..skills.len()).collect();
    order.sort_by(|&a, &b| skills[a].name.cmp(&skills[b].name));
    let mut rank = vec![0u32; skills.len()];
    for (place, i) in order.into_iter().enumerate() {
        rank[i] = place as u32;
    }
    rank
}

/// One term of a query.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryTerm {
    pub term: String,
    pub id: Option<u32>,
    pub weight: f32,
    /// The term is in the new message (not only in the previous one).
    pub from_new: bool,
}

/// What a message asks for, as index terms.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Query {
    pub terms: Vec<QueryTerm>,
}

/// One term's part of a document's score.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Contribution {
    pub term: String,
    pub score: f32,
    pub from_new: bool,
    /// The term's weighted frequency in the skill (see
    /// [`super::text::fields`]: a word of the description counts 1, of the
    /// body 0.1).
    pub tf: f32,
}

impl Index {
    /// Indexes `skills` (in their order), using and refreshing the cache in
    /// `cache_dir` when given. Cache problems are logged and never fail the
    /// build.
    pub fn build(skills: &[Skill], cache_dir: Option<&Path>) -> (Index, BuildStats) {
        let cache_file = cache_dir.map(|d| cache::file_for(d, skills));
        // Read the cache while the files are stated and hashed.
        let (cached, keys) = crate::own_thread::beside(
            || cache_file.as_deref().and_then(cache::load),
            || par_map(skills, DocKey::of),
        );
        let mut cached = cached.flatten();
        let cached_docs = cached.as_ref().map(|c| c.docs.len());
        let mut index = Index::default();
        if let Some(c) = &mut cached {
            index.terms = std::mem::take(&mut c.terms);
            index.dict = index
                .terms
                .iter()
                .enumerate()
                .map(|(i, t)| (t.clone(), i as u32))
                .collect();
        }
        let mut slots: Vec<Option<IndexedDoc>> = keys
            .iter()
            .enumerate()
            .map(|(at, key)| reuse(cached.as_mut(), at, key))
            .collect();
        let from_cache = slots.iter().filter(|s| s.is_some()).count();
        let missing: Vec<usize> = (0..skills.len()).filter(|&i| slots[i].is_none()).collect();
        let missing_skills: Vec<&Skill> = missing.iter().map(|&i| &skills[i]).collect();
        let tokenized = par_map(&missing_skills, |s| text::doc_terms(s));
        for (i, doc) in missing.iter().zip(tokenized) {
            slots[*i] = Some(index.intern(keys[*i].clone(), doc));
        }
        index.docs = slots.into_iter().flatten().collect();
        index.shares = SKILL_SHARES;
        index.finish();
        index.prior = index.terms.iter().map(|t| reference::share(t)).collect();
        index.prior_docs = reference::PRIOR_DOCS;
        index.name_rank = name_ranks(skills);
        let mut stats = BuildStats {
            docs: index.docs.len(),
            from_cache,
            tokenized: missing.len(),
            cache_written: false,
        };
        let stale = match cached_docs {
            Some(n) => !missing.is_empty() || n != index.docs.len(),
            None => true,
        };
        if let Some(file) = cache_file
            && stale
        {
            match cache::save(&file, &index) {
                Ok(()) => stats.cache_written = true,
                Err(e) => {
                    tracing::warn!(file = %file.display(), error = %e, "skills index cache not written")
                }
            }
        }
        (index, stats)
    }

    /// Indexes documents that are not skill files (tools, for example), in
    /// their order, with the same terms and scoring; nothing is cached.
    pub fn from_terms(docs: Vec<DocTerms>) -> Index {
        let mut index = Index::default();
        let indexed: Vec<IndexedDoc> = docs
            .into_iter()
            .map(|d| index.intern(DocKey::default(), d))
            .collect();
        index.docs = indexed;
        index.shares = TOOL_SHARES;
        index.finish();
        index
    }

    fn intern(&mut self, key: DocKey, doc: DocTerms) -> IndexedDoc {
        let mut terms: Vec<(u32, f32)> = doc
            .terms
            .into_iter()
            .map(|(t, tf)| {
                let id = match self.dict.get(&t) {
                    Some(&id) => id,
                    None => {
                        let id = self.terms.len() as u32;
                        self.terms.push(t.clone());
                        self.dict.insert(t, id);
                        id
                    }
                };
                (id, tf)
            })
            .collect();
        terms.sort_by_key(|x| x.0);
        IndexedDoc {
            key,
            len: doc.len,
            terms,
        }
    }

    /// Fills the postings and length norms from `docs`.
    fn finish(&mut self) {
        let mut df = vec![0usize; self.terms.len()];
        for d in &self.docs {
            for &(id, _) in &d.terms {
                df[id as usize] += 1;
            }
        }
        self.postings = df.into_iter().map(Vec::with_capacity).collect();
        self.df = vec![0.0; self.terms.len()];
        for (n, d) in self.docs.iter().enumerate() {
            for &(id, tf) in &d.terms {
                self.postings[id as usize].push((n as u32, tf));
                self.df[id as usize] += (tf / DF_FULL_TF).min(1.0);
            }
        }
        let total: f32 = self.docs.iter().map(|d| d.len).sum();
        let avg = if self.docs.is_empty() {
            1.0
        } else {
            (total / self.docs.len() as f32).max(1.0)
        };
        self.norms = self
            .docs
            .iter()
            .map(|d| K1 * (1.0 - B + B * d.len / avg))
            .collect();
        self.names = (0..self.docs.len()).map(|_| OnceLock::new()).collect();
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Whether this index was built from exactly these files and texts
    /// (paths and content hashes, in order).
    pub fn matches(&self, skills: &[Skill]) -> bool {
        if skills.len() != self.docs.len() {
            return false;
        }
        let hashes = par_map(skills, text::content_hash);
        self.docs
            .iter()
            .zip(skills.iter().zip(hashes))
            .all(|(d, (s, h))| d.key.hash == h && d.key.path.as_os_str() == s.file.as_os_str())
    }

    /// The query for a turn: each distinct term of `new` weighs 1 (less in
    /// a path, see [`text::weighted`], and for synonyms, see
    /// [`synonyms::query_weighted`]); a term found only in `previous` weighs
    /// less, more when `new` is a follow-up (see [`previous_weight`]).
    pub fn query(&self, new: &str, previous: Option<&str>) -> Query {
        let mut terms: Vec<QueryTerm> = Vec::new();
        // Where each term is in `terms`: a long message has thousands.
        let mut at: HashMap<String, usize> = HashMap::new();
        let mut add = |t: String, weight: f32, from_new: bool| {
            if let Some(&i) = at.get(&t) {
                let q = &mut terms[i];
                if q.from_new == from_new && weight > q.weight {
                    q.weight = weight;
                }
                return;
            }
            at.insert(t.clone(), terms.len());
            terms.push(QueryTerm {
                id: self.dict.get(&t).copied(),
                term: t,
                weight,
                from_new,
            });
        };
        let (new_terms, new_query) = synonyms::query_weighted(new, self.shares);
        let previous_weight = previous_weight(new, &new_terms);
        let new_phrases = text::phrases(&new_terms);
        for (t, w) in new_query.into_iter().chain(new_phrases) {
            add(t, w, true);
        }
        let (old, old_query) = previous
            .map(|p| synonyms::query_weighted(p, self.shares))
            .unwrap_or_default();
        let old_phrases = text::phrases(&old);
        for (t, w) in old_query.into_iter().chain(old_phrases) {
            add(t, w * previous_weight, false);
        }
        Query { terms }
    }

    /// The score of one rare term (found in one skill) matched once in a
    /// field of weight 1 of a skill of average length: the unit of
    /// [`super::plan::MIN_AUTO_SCORE`], so the bar is the same for 5 and
    /// for 10,000 skills.
    pub fn unit_score(&self) -> f32 {
        let n = self.docs.len() as f32;
        (1.0 + (n - 0.5) / 1.5).ln()
    }

    /// The idf of `term`, or that of a term found in one document when the
    /// index does not know it.
    /// The terms of document `doc`'s name (`name`) with their idf: split
    /// once per index, as every message's name boost asks again for the
    /// best-scored names.
    pub fn name_terms(&self, doc: usize, name: &str) -> std::borrow::Cow<'_, [(String, f32)]> {
        match self.names.get(doc) {
            Some(slot) => std::borrow::Cow::Borrowed(slot.get_or_init(|| self.split_name(name))),
            None => std::borrow::Cow::Owned(self.split_name(name).into_vec()),
        }
    }

    /// Orders documents `a` and `b` by their skills' names, when this
    /// index was built from skills (`None` otherwise).
    pub fn name_order(&self, a: usize, b: usize) -> Option<std::cmp::Ordering> {
        Some(self.name_rank.get(a)?.cmp(self.name_rank.get(b)?))
    }

    /// `name`'s distinct terms with their idf.
    pub(crate) fn split_name(&self, name: &str) -> NameTerms {
        let mut terms: Vec<String> = text::terms(&text::name_text(name));
        terms.sort_unstable();
        terms.dedup();
        terms
            .into_iter()
            .map(|t| {
                let idf = self.term_idf(&t);
                (t, idf)
            })
            .collect()
    }

    pub fn term_idf(&self, term: &str) -> f32 {
        match self.dict.get(term) {
            Some(&id) => self.idf(id),
            None => self.unit_score(),
        }
    }

    /// BM25's idf over the documents and, for skills, the reference's
    /// ([`reference`]), fading to nothing for terms found nearly everywhere
    /// (see [`COMMON_ZERO`]).
    pub(crate) fn idf(&self, id: u32) -> f32 {
        let mut n = self.docs.len() as f32;
        let mut df = self.df[id as usize];
        // A skill index counts the reference's skills too (see `reference`).
        if let Some(&share) = self.prior.get(id as usize) {
            n += self.prior_docs;
            df += self.prior_docs * share;
        }
        let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
        if n < COMMON_MIN_DOCS as f32 {
            return idf;
        }
        let share = df / n;
        idf * ((COMMON_ZERO - share) / (COMMON_ZERO - COMMON_FULL)).clamp(COMMON_FLOOR, 1.0)
    }

    /// [`Index::scores`], and the part of each score that the new
    /// message's terms make (what the new message alone would score), in
    /// one pass over the postings.
    pub fn scores_with_new(&self, query: &Query) -> (Vec<f32>, Vec<f32>) {
        let mut scores = vec![0.0f32; self.docs.len()];
        let mut new = vec![0.0f32; self.docs.len()];
        for q in &query.terms {
            let Some(id) = q.id else { continue };
            let w = q.weight * self.idf(id);
            for &(doc, tf) in &self.postings[id as usize] {
                let d = doc as usize;
                let s = w * tf * (K1 + 1.0) / (tf + self.norms[d]);
                scores[d] += s;
                if q.from_new {
                    new[d] += s;
                }
            }
        }
        (scores, new)
    }

    /// The BM25 score of every document (0 where nothing matched).
    pub fn scores(&self, query: &Query) -> Vec<f32> {
        let mut scores = vec![0.0f32; self.docs.len()];
        for q in &query.terms {
            let Some(id) = q.id else { continue };
            let w = q.weight * self.idf(id);
            for &(doc, tf) in &self.postings[id as usize] {
                let d = doc as usize;
                scores[d] += w * tf * (K1 + 1.0) / (tf + self.norms[d]);
            }
        }
        scores
    }

    /// How much of `query` each document covers: the idf-weighted share
    /// (0 to 1) of the query's terms (words and synonym groups, not
    /// phrases, whose words count already) it holds at all, however often
    /// or where; 1 for every document when the query has no known term.
    /// See [`coverage_factor`].
    pub fn coverage(&self, query: &Query) -> Vec<f32> {
        let mut held = vec![0.0f32; self.docs.len()];
        let mut total = 0.0f32;
        for q in &query.terms {
            let Some(id) = q.id else { continue };
            if q.term.contains('+') {
                continue;
            }
            let w = q.weight * self.idf(id);
            total += w;
            for &(doc, _) in &self.postings[id as usize] {
                held[doc as usize] += w;
            }
        }
        if total <= 0.0 {
            return vec![1.0; self.docs.len()];
        }
        held.into_iter()
            .map(|h| (h / total).clamp(0.0, 1.0))
            .collect()
    }

    /// Each query term's part of document `doc`'s score (those that
    /// matched), largest first.
    pub fn explain(&self, query: &Query, doc: usize) -> Vec<Contribution> {
        let Some(d) = self.docs.get(doc) else {
            return Vec::new();
        };
        let mut out: Vec<Contribution> = query
            .terms
            .iter()
            .filter_map(|q| {
                let id = q.id?;
                let i = d.terms.binary_search_by_key(&id, |x| x.0).ok()?;
                let tf = d.terms[i].1;
                Some(Contribution {
                    term: q.term.clone(),
                    score: q.weight * self.idf(id) * tf * (K1 + 1.0) / (tf + self.norms[doc]),
                    from_new: q.from_new,
                    tf,
                })
            })
            .collect();
        out.sort_by(|a, b| b.score.total_cmp(&a.score));
        out
    }
}

/// The cached form of `key`'s document (taken out of the cache; `at` is
/// its position in this build), when the cache holds it unchanged.
fn reuse(cached: Option<&mut CacheFile>, at: usize, key: &DocKey) -> Option<IndexedDoc> {
    let c = cached?.take(at, &key.path)?;
    if c.size != key.size || c.mtime_ns != key.mtime_ns || c.hash != key.hash {
        return None;
    }
    Some(IndexedDoc {
        key: key.clone(),
        len: c.len,
        terms: c.terms,
    })
}

#[cfg(test)]
#[path = "index_tests.rs"]
mod tests;
