//! What one turn gets from the skills: which skills to activate (explicit
//! `$name` / `/name` mentions, a clear winner), which to list in the
//! catalog, and what did not fit the budgets.

use std::collections::HashSet;

use serde::Serialize;

use super::index::{Index, coverage_factor};
use super::learn::{Kind, LEARNED_UNIT, Learned, LearnedTerm};
pub use super::mentions::mentions;
use crate::skills::{Skill, SkillsConfig};

/// The lowest score a skill needs to be activated without being named, in
/// units of [`Index::unit_score`] (one rare term matched once).
pub const MIN_AUTO_SCORE: f32 = 1.5;
/// How many distinct terms of the new message it must match for that
/// (see [`evidence_terms`]).
pub const MIN_AUTO_TERMS: usize = 2;
/// What one term must add, in units, to count as evidence.
pub const MIN_TERM_EVIDENCE: f32 = 0.3;
/// A term is evidence only when the message says it (not only in a path
/// or a file name, which weigh less: they say where, not what).
pub const MIN_EVIDENCE_WEIGHT: f32 = 0.75;
/// A term is evidence only when the skill says it where it says what it
/// is for (its name, description, keywords, `when_to_use`, or headings),
/// or often in its body: an example in passing ("fill in this PDF form" in
/// a skill about writing skills) is not.
pub const MIN_EVIDENCE_TF: f32 = 0.5;
/// Ranked skills kept per turn (at least; four times the catalog size when
/// that is more).
pub const RANKED_KEEP: usize = 32;
/// Below this many skills the installed ones cannot show which words are
/// common: the vocabulary's `common` words are then no evidence for
/// activating a skill unasked (see [`evidence_terms`]).
pub const COMMON_KNOWN_AT: usize = 100;

/// Why a skill is activated.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// The message names it (`$name` or `/name`).
    Explicit,
    /// Its score stands out: `score` ≥ ratio × `runner_up`.
    Auto { score: f32, runner_up: f32 },
}

/// Why a skill that should be activated was listed instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Overflow {
    /// Its body alone is over `skills.body_tokens`.
    BodyTooLarge { tokens: usize, limit: usize },
    /// The bodies of this turn already use `skills.turn_body_tokens`.
    TurnBudget { tokens: usize, limit: usize },
}

/// A skill and its score for this turn.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Ranked {
    /// Position in the skills list.
    pub skill: usize,
    pub score: f32,
}

/// A skill activated this turn.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Activation {
    pub skill: usize,
    pub reason: Reason,
    /// Estimated tokens of its body.
    pub tokens: usize,
}

/// A skill that was to be activated but did not fit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Deferred {
    pub skill: usize,
    pub reason: Reason,
    pub overflow: Overflow,
}

/// What learned terms added to a skill's score this turn.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LearnedBoost {
    pub skill: usize,
    pub score: f32,
    pub terms: Vec<LearnedTerm>,
}

/// The selection for one user message.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Plan {
    /// Skills the model may see (not `disable-model-invocation`) with a
    /// score above zero — every such skill when there are no more than
    /// `catalog_size` — best first; at most [`RANKED_KEEP`] (or four times
    /// the catalog size).
    pub ranked: Vec<Ranked>,
    /// To inject now, in order.
    pub activate: Vec<Activation>,
    /// To be activated but over a budget: listed with a note instead.
    pub deferred: Vec<Deferred>,
    /// Skills the model may see, in all.
    pub listable: usize,
    /// Explicit mentions of skills the user may not invoke
    /// (`user-invocable: false`), ignored.
    pub not_user_invocable: Vec<usize>,
    /// `$name` mentions naming no skill but close to one: the word and
    /// the skill meant.
    pub mistyped: Vec<(String, usize)>,
    /// Skills whose score learned terms raised (see [`super::learn`]).
    pub learned: Vec<LearnedBoost>,
}

/// Every skill's score for `query` from `words` (the index's scores):
/// the `learned` terms added, and the boost of a name the message covers.
fn word_scores(
    skills: &[Skill],
    index: &Index,
    query: &super::index::Query,
    learned: &[LearnedBoost],
    mut scores: Vec<f32>,
) -> Vec<f32> {
    for b in learned {
        scores[b.skill] += b.score;
    }
    super::specific::boost_names(
        index,
        query,
        &mut scores,
        super::specific::SKILL_NAME_BOOST,
        |i| skills[i].name.as_str(),
    );
    scores
}

/// Each skill's [`coverage_factor`] for `query`; 1 for a skill that terms
/// learned in earlier sessions raised (`learned`): the user found it for
/// such words, which its text need not hold.
pub fn coverage_factors(
    index: &Index,
    query: &super::index::Query,
    learned: &[LearnedBoost],
) -> Vec<f32> {
    let mut factors: Vec<f32> = index
        .coverage(query)
        .into_iter()
        .map(coverage_factor)
        .collect();
    for b in learned {
        if let Some(f) = factors.get_mut(b.skill) {
            *f = 1.0;
        }
    }
    factors
}

/// A follow-up that turns to a new subject ("do the same for our gitlab
/// mirror", "now wire it into argocd") puts that subject's skill first,
/// over the previous message's (see [`super::followup::new_subject`]):
/// `alone` is what the new message's words score, `before` what the
/// previous message's add. The skill gets the top's score, so it is
/// listed first but not activated on a lead it does not have.
fn new_subject_first(
    skills: &[Skill],
    index: &Index,
    query: &super::index::Query,
    (alone, before): (Vec<f32>, Vec<f32>),
    listable: &[usize],
    ranked: &mut Vec<Ranked>,
) {
    // The name boost counts only the new message's words, so it is the
    // one the new message alone would get.
    let alone = word_scores(skills, index, query, &[], alone);
    let bar = MIN_AUTO_SCORE * index.unit_score();
    let Some(skill) = super::followup::new_subject(&alone, &before, listable, bar) else {
        return;
    };
    let top = ranked.first().map(|r| r.score).unwrap_or(0.0);
    ranked.retain(|r| r.skill != skill);
    ranked.insert(
        0,
        Ranked {
            skill,
            score: top.max(alone[skill]) + f32::EPSILON * top.max(1.0),
        },
    );
}

/// Estimated tokens of a text (about four bytes a token).
pub fn estimate_tokens(text: &str) -> usize {
    text.len().div_ceil(4)
}

/// Selects for `message` (with `previous`, the user's message before it).
/// `active` holds the names of skills already active in the session: they
/// are not activated again.
pub fn plan(
    skills: &[Skill],
    index: &Index,
    config: &SkillsConfig,
    message: &str,
    previous: Option<&str>,
    active: &HashSet<String>,
) -> Plan {
    plan_with(skills, index, config, message, previous, active, None)
}

/// [`plan`], with the terms `learned` from earlier sessions counting.
pub fn plan_with(
    skills: &[Skill],
    index: &Index,
    config: &SkillsConfig,
    message: &str,
    previous: Option<&str>,
    active: &HashSet<String>,
    learned: Option<&Learned>,
) -> Plan {
    let message = &*super::text::bounded(message);
    let previous = previous.map(super::text::bounded);
    let previous = previous.as_deref();
    let query = index.query(message, previous);
    let boosts = match learned {
        Some(l) if index.len() == skills.len() => learned_boosts(skills, index, &query, l),
        _ => Vec::new(),
    };
    let whole = index.len() == skills.len();
    let (scores, parts) = match previous {
        Some(_) if whole => {
            let (scores, alone) = index.scores_with_new(&query);
            let before: Vec<f32> = scores.iter().zip(&alone).map(|(s, a)| s - a).collect();
            (scores, Some((alone, before)))
        }
        _ if whole => (index.scores(&query), None),
        _ => (vec![0.0; skills.len()], None),
    };
    let scores = if whole {
        word_scores(skills, index, &query, &boosts, scores)
    } else {
        scores
    };
    // Ranked by score times coverage; activated on the score alone, so
    // the bar for activating is what it was.
    let rank_scores: Vec<f32> = if whole {
        let coverage = coverage_factors(index, &query, &boosts);
        scores.iter().zip(&coverage).map(|(s, c)| s * c).collect()
    } else {
        scores.clone()
    };
    let listable: Vec<usize> = (0..skills.len())
        .filter(|&i| !skills[i].disable_model_invocation)
        .collect();
    let everything = listable.len() <= config.catalog_size;
    let mut ranked: Vec<Ranked> = listable
        .iter()
        .map(|&i| Ranked {
            skill: i,
            score: rank_scores[i],
        })
        .filter(|r| everything || r.score > 0.0)
        .collect();
    let order = |a: &Ranked, b: &Ranked| {
        b.score.total_cmp(&a.score).then_with(|| {
            let named = whole.then(|| index.name_order(a.skill, b.skill)).flatten();
            named.unwrap_or_else(|| skills[a.skill].name.cmp(&skills[b.skill].name))
        })
    };
    let keep = (config.catalog_size * 4).max(RANKED_KEEP);
    if ranked.len() > keep {
        ranked.select_nth_unstable_by(keep, order);
        ranked.truncate(keep);
    }
    ranked.sort_by(order);
    if let Some(parts) = parts {
        new_subject_first(skills, index, &query, parts, &listable, &mut ranked);
    }

    let mut plan = Plan {
        listable: listable.len(),
        learned: boosts,
        ..Plan::default()
    };
    let mut wanted: Vec<(usize, Reason)> = Vec::new();
    plan.mistyped = super::mentions::mistyped(message, skills);
    for i in mentions(message, skills) {
        if !skills[i].user_invocable {
            plan.not_user_invocable.push(i);
        } else if !active.contains(&skills[i].name) {
            wanted.push((i, Reason::Explicit));
        }
    }
    if config.auto_activate
        && let Some(top) = ranked.first()
        && top.score > 0.0
    {
        let score = scores[top.skill];
        let runner_up = listable
            .iter()
            .filter(|&&i| i != top.skill)
            .map(|&i| scores[i])
            .fold(0.0f32, f32::max);
        let name = &skills[top.skill].name;
        let matched_new = evidence_terms(index, &query, top.skill, name);
        if score >= MIN_AUTO_SCORE * index.unit_score()
            && f64::from(score) >= config.auto_activate_ratio * f64::from(runner_up)
            && matched_new >= MIN_AUTO_TERMS
            && !active.contains(name)
            && skills[top.skill].drift.is_none()
            && super::language::allows(name, &query)
            && (!everything || names_subject(index, &query, top.skill, name))
            && !wanted.iter().any(|(i, _)| *i == top.skill)
        {
            wanted.push((top.skill, Reason::Auto { score, runner_up }));
        }
    }
    let mut used = 0usize;
    for (skill, reason) in wanted {
        let tokens = estimate_tokens(&skills[skill].body);
        let overflow = if tokens > config.body_tokens {
            Some(Overflow::BodyTooLarge {
                tokens,
                limit: config.body_tokens,
            })
        } else if used + tokens > config.turn_body_tokens {
            Some(Overflow::TurnBudget {
                tokens,
                limit: config.turn_body_tokens,
            })
        } else {
            None
        };
        match overflow {
            Some(overflow) => plan.deferred.push(Deferred {
                skill,
                reason,
                overflow,
            }),
            None => {
                used += tokens;
                plan.activate.push(Activation {
                    skill,
                    reason,
                    tokens,
                });
            }
        }
    }
    plan.ranked = ranked;
    plan
}

/// What the terms learned for skills add for `query`: per matching term,
/// its learned weight times its idf (a term unknown to the index counts as
/// a rare one), times [`LEARNED_UNIT`].
pub fn learned_boosts(
    skills: &[Skill],
    index: &Index,
    query: &super::index::Query,
    learned: &Learned,
) -> Vec<LearnedBoost> {
    if !learned.has(Kind::Skill) {
        return Vec::new();
    }
    let q: Vec<(String, f32)> = query
        .terms
        .iter()
        .map(|t| (t.term.clone(), t.weight))
        .collect();
    let mut out = Vec::new();
    for (name, terms) in learned.matches(Kind::Skill, &q) {
        let Some(skill) = skills.iter().position(|s| s.name == name) else {
            continue;
        };
        let score: f32 = terms
            .iter()
            .map(|t| t.weight * index.term_idf(&t.term))
            .sum::<f32>()
            * LEARNED_UNIT;
        if score > 0.0 {
            out.push(LearnedBoost {
                skill,
                score,
                terms,
            });
        }
    }
    out
}

/// Whether the new message says a word of `skill`'s name (`name`): what
/// a skill of a small set needs to be activated on its own. A handful of
/// skills, all listed in every catalog anyway, gives document frequencies
/// that cannot tell a subject from a common word — with quire's four
/// bundled skills "message two" made skill-creator a clear winner on
/// "message", and "add a config option for the timeout" mcp-integration
/// on "config" and "timeout" — so there the message must name the
/// subject (an MCP server, a plugin, a skill) for its instructions to
/// be added unasked; the model still sees every skill in the catalog.
fn names_subject(index: &Index, query: &super::index::Query, skill: usize, name: &str) -> bool {
    super::specific::doc_name_cover(index, query, skill, name) > 0.0
}

/// How many distinct terms of the new message speak for `skill`: matched
/// for at least [`MIN_TERM_EVIDENCE`] units (not a term found nearly
/// everywhere), not weak words (see
/// [`super::vocab::Vocabulary::is_weak`]) and not synonym-group terms.
/// None when no such term is where the skill says what it is for (see
/// [`MIN_EVIDENCE_TF`]): words of its body alone are no evidence.
pub fn evidence_terms(
    index: &Index,
    query: &super::index::Query,
    skill: usize,
    name: &str,
) -> usize {
    let terms = evidence(index, query, skill, name);
    if terms.iter().any(|c| c.tf >= MIN_EVIDENCE_TF) {
        terms.len()
    } else {
        0
    }
}

fn evidence(
    index: &Index,
    query: &super::index::Query,
    skill: usize,
    name: &str,
) -> Vec<super::index::Contribution> {
    let vocab = super::vocab::get();
    let least = MIN_TERM_EVIDENCE * index.unit_score();
    // A common word still counts when it names the skill ("mcp" for
    // mcp-integration).
    let few = index.len() < COMMON_KNOWN_AT;
    let named = |term: &str| index.name_terms(skill, name).iter().any(|(t, _)| t == term);
    index
        .explain(query, skill)
        .into_iter()
        .filter(|c| c.from_new && c.score >= least && !vocab.is_weak(&c.term))
        .filter(|c| !(few && vocab.is_common(&c.term) && !named(&c.term)))
        .filter(|c| {
            query
                .terms
                .iter()
                .any(|q| q.from_new && q.term == c.term && q.weight >= MIN_EVIDENCE_WEIGHT)
        })
        // A synonym group's term comes with the word that yielded it, a
        // phrase with its two words.
        .filter(|c| !c.term.starts_with('=') && !c.term.contains('+'))
        .collect()
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
