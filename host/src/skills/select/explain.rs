//! The parts of a skill's score, for `quire skills pick --explain`: what
//! the message's words make (BM25, per term), what terms learned in earlier
//! sessions add, and the boost of a name the message covers
//! ([`super::specific`]), and the factor for the share of the message the
//! skill covers. Together they make the rank [`super::plan`] gives.

use serde::Serialize;

use super::index::{Contribution, Query};
use super::plan::{Plan, coverage_factors};
use super::specific::{SKILL_NAME_BOOST, name_cover};
use super::{SkillSet, text};

/// One skill's score, in parts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreParts {
    /// Each matching term's part, largest first.
    pub terms: Vec<Contribution>,
    /// The sum of `terms`.
    pub words: f32,
    /// What learned terms added (0 when none).
    pub learned: f32,
    /// The idf-weighted share of the skill's name the new message holds.
    pub name_cover: f32,
    /// What that cover added: `(words + learned) * SKILL_NAME_BOOST * name_cover`.
    pub name_boost: f32,
    /// The idf-weighted share of the message's words the skill holds
    /// ([`super::index::Index::coverage`]).
    pub coverage: f32,
    /// What the rank is multiplied by for that share (1 when learned terms
    /// raised the skill; see [`super::plan::coverage_factors`]).
    pub coverage_factor: f32,
}

impl ScoreParts {
    /// `(words + learned + name_boost) * coverage_factor`: the rank.
    pub fn total(&self) -> f32 {
        (self.words + self.learned + self.name_boost) * self.coverage_factor
    }
}

impl SkillSet {
    /// The parts of skill `skill`'s score for `message` (after
    /// `previous`), with the learned boosts of `plan`, the plan made for
    /// that message.
    pub fn score_parts(
        &self,
        message: &str,
        previous: Option<&str>,
        plan: &Plan,
        skill: usize,
    ) -> ScoreParts {
        let previous = previous.map(text::bounded);
        let query = self
            .index
            .query(&text::bounded(message), previous.as_deref());
        parts(self, &query, plan, skill)
    }
}

/// [`SkillSet::score_parts`] for a query already made.
fn parts(set: &SkillSet, query: &Query, plan: &Plan, skill: usize) -> ScoreParts {
    let terms = set.index.explain(query, skill);
    let words: f32 = terms.iter().map(|c| c.score).sum();
    let learned = plan
        .learned
        .iter()
        .find(|b| b.skill == skill)
        .map_or(0.0, |b| b.score);
    let cover = set
        .skills
        .get(skill)
        .map_or(0.0, |s| name_cover(&set.index, query, &s.name));
    let coverage = set.index.coverage(query).get(skill).copied().unwrap_or(0.0);
    let coverage_factor = coverage_factors(&set.index, query, &plan.learned)
        .get(skill)
        .copied()
        .unwrap_or(1.0);
    ScoreParts {
        terms,
        words,
        learned,
        name_cover: cover,
        name_boost: (words + learned) * SKILL_NAME_BOOST * cover,
        coverage,
        coverage_factor,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::skills::SkillsConfig;
    use crate::skills::select::testing::skill;
    use std::collections::HashSet;

    #[test]
    fn the_parts_add_up_to_the_score() {
        let skills = vec![
            skill("pdf-forms", "Fill in PDF forms: form fields, checkboxes."),
            skill("csv-cleaning", "Clean CSV data with pandas."),
            skill("pdf-merge", "Merge PDF files into one."),
        ];
        let (set, _) = SkillSet::build(skills, None);
        let message = "please fill in this pdf form for me";
        let plan = set.plan(&SkillsConfig::default(), message, None, &HashSet::new());
        let top = &plan.ranked[0];
        assert_eq!(set.skills[top.skill].name, "pdf-forms");
        let parts = set.score_parts(message, None, &plan, top.skill);
        assert!(parts.name_boost > 0.0, "{parts:?}");
        assert!(
            (parts.total() - top.score).abs() < 1e-3,
            "{parts:?} vs {}",
            top.score
        );
        for r in &plan.ranked {
            let parts = set.score_parts(message, None, &plan, r.skill);
            assert!(
                (parts.total() - r.score).abs() < 1e-3,
                "{parts:?} vs {}",
                r.score
            );
        }
    }
}
