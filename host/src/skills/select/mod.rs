//! Per-turn skill selection.
//!
//! - [`index`]: BM25 over name (split on hyphens), keywords, description,
//!   `when_to_use` and headings, with a Porter stemmer ([`stem`]) and a
//!   tokenizer ([`text`]); built in parallel, cached on disk ([`cache`]).
//! - [`specific`]: among items matching on the same words, the one whose
//!   name the message covers first.
//! - [`plan`]: what a user message activates (explicit `$name`/`/name`, a
//!   clear winner) within the token budgets; [`catalog`]: the top skills
//!   listed after the message (a context item) within the character budget.
//! - [`content`]: the activation text and reading a skill's files.
//! - [`state`]: one session's selection state (active skills, the previous
//!   message), shared by the [`crate::skills::extension`] and the
//!   [`crate::skills::tool`].
//! - [`eval`]: `quire skills eval`, recall of a labelled set of messages.

pub mod cache;
pub mod catalog;
pub mod content;
pub(crate) mod edited;
pub mod eval;
pub mod explain;
pub(crate) mod followup;
mod implied;
pub(crate) mod index;
pub(crate) mod language;
pub mod learn;
pub(crate) mod mentions;
mod par;
pub mod plan;
pub(crate) mod quoted;
pub(crate) mod reference;
pub(crate) mod sections;
pub mod semantic;
pub(crate) mod specific;
pub(crate) mod state;
pub(crate) mod stem;
pub(crate) mod stop_words;
pub(crate) mod synonyms;
#[doc(hidden)]
pub mod testing;
pub(crate) mod text;
pub(crate) mod vocab;
pub(crate) mod words;

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

pub use catalog::{Catalog, Paths};
pub use index::{BuildStats, Index};
pub use plan::{Plan, Ranked, Reason};
pub use state::{Loader, SelectionOptions, SelectionState};

use crate::skills::{Skill, SkillsConfig};

/// Skills and their index.
#[derive(Debug, Clone, Default)]
pub struct SkillSet {
    pub skills: Vec<Skill>,
    pub index: Arc<Index>,
    by_name: HashMap<String, usize>,
}

impl SkillSet {
    /// Indexes `skills` (see [`Index::build`]).
    pub fn build(skills: Vec<Skill>, cache_dir: Option<&Path>) -> (SkillSet, BuildStats) {
        let (index, stats) = Index::build(&skills, cache_dir);
        (SkillSet::with_index(skills, Arc::new(index)), stats)
    }

    fn with_index(skills: Vec<Skill>, index: Arc<Index>) -> SkillSet {
        let mut by_name = HashMap::with_capacity(skills.len());
        for (i, s) in skills.iter().enumerate() {
            by_name.entry(s.name.clone()).or_insert(i);
        }
        SkillSet {
            skills,
            index,
            by_name,
        }
    }

    /// The set for `skills` as loaded again: the index is reused when the
    /// indexed files and texts did not change (bodies past the indexed
    /// beginning may have; they are
    /// taken from `skills`).
    pub fn refreshed(&self, skills: Vec<Skill>, cache_dir: Option<&Path>) -> SkillSet {
        if self.index.matches(&skills) {
            return SkillSet::with_index(skills, self.index.clone());
        }
        SkillSet::build(skills, cache_dir).0
    }

    /// The skill called `name`, or else whose [handle](Skill::handle) it
    /// is (what `quire skills list` tells the user to type).
    pub fn get(&self, name: &str) -> Option<&Skill> {
        match self.by_name.get(name) {
            Some(&i) => Some(&self.skills[i]),
            None => self.skills.iter().find(|s| s.called_by(name)),
        }
    }

    pub fn plan(
        &self,
        config: &SkillsConfig,
        message: &str,
        previous: Option<&str>,
        active: &HashSet<String>,
    ) -> Plan {
        plan::plan(&self.skills, &self.index, config, message, previous, active)
    }

    /// [`SkillSet::plan`] with the terms learned in earlier sessions.
    pub fn plan_learned(
        &self,
        config: &SkillsConfig,
        message: &str,
        previous: Option<&str>,
        active: &HashSet<String>,
        learned: &learn::Learned,
    ) -> Plan {
        plan::plan_with(
            &self.skills,
            &self.index,
            config,
            message,
            previous,
            active,
            Some(learned),
        )
    }

    /// The best `limit` skills the model may see for `query`, with a score
    /// above zero.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Ranked> {
        if self.index.len() != self.skills.len() {
            return Vec::new();
        }
        let q = self.index.query(query, None);
        let mut scores = self.index.scores(&q);
        specific::boost_names(
            &self.index,
            &q,
            &mut scores,
            specific::SKILL_NAME_BOOST,
            |i| self.skills[i].name.as_str(),
        );
        for (s, c) in scores
            .iter_mut()
            .zip(plan::coverage_factors(&self.index, &q, &[]))
        {
            *s *= c;
        }
        let mut hits: Vec<Ranked> = scores
            .iter()
            .enumerate()
            .filter(|&(i, &s)| s > 0.0 && !self.skills[i].disable_model_invocation)
            .map(|(skill, &score)| Ranked { skill, score })
            .collect();
        hits.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| self.skills[a.skill].name.cmp(&self.skills[b.skill].name))
        });
        hits.truncate(limit);
        hits
    }
}
