//! The texts embedded for skills and tools, and the fused rankings.

use super::{Semantic, fuse, fuse_ranks, semantic_order};
use crate::protocol::ToolSpec;
use crate::skills::Skill;
use crate::skills::SkillsConfig;
use crate::skills::select::plan::{Plan, RANKED_KEEP, Ranked};

/// Tools the semantic ranking adds at most to a request's ranked tools.
pub const SEMANTIC_TOOLS: usize = 3;

/// A skill's embedded text: name, description and when to use it.
pub fn skill_text(skill: &Skill) -> String {
    let mut text = format!("{}: {}", skill.name, skill.description);
    if let Some(w) = &skill.when_to_use {
        text.push('\n');
        text.push_str(w);
    }
    text
}

/// A tool's embedded text: name and description.
pub fn tool_text(spec: &ToolSpec) -> String {
    format!("{}: {}", spec.name, spec.description)
}

/// Re-orders `plan.ranked` by fusing it with the semantic ranking of
/// `message` (after `previous`); scores become fusion scores. Activation
/// (decided on the lexical evidence) is left as it is.
pub fn rerank_skills(
    semantic: &Semantic,
    plan: &mut Plan,
    skills: &[Skill],
    config: &SkillsConfig,
    message: &str,
    previous: Option<&str>,
) {
    let texts: Vec<String> = skills.iter().map(skill_text).collect();
    let Some(sims) = semantic.similarities(&texts, message, previous) else {
        return;
    };
    let keep = (config.catalog_size * 4).max(RANKED_KEEP);
    let lexical: Vec<(usize, f32)> = plan
        .ranked
        .iter()
        .filter(|r| r.score > 0.0)
        .map(|r| (r.skill, r.score))
        .collect();
    let meaning = semantic_order(&sims, keep, |i| !skills[i].disable_model_invocation);
    let mut fused: Vec<Ranked> = fuse(&lexical, &meaning, &sims)
        .into_iter()
        .map(|(skill, score)| Ranked { skill, score })
        .collect();
    // Skills listed with no score (every skill fits the catalog) stay, last.
    for r in &plan.ranked {
        if !fused.iter().any(|f| f.skill == r.skill) {
            fused.push(Ranked {
                skill: r.skill,
                score: 0.0,
            });
        }
    }
    fused.truncate(keep.max(plan.ranked.len()));
    plan.ranked = fused;
}

/// Fuses the lexical ranking of tools (`lexical`, best first, with scores)
/// with the [`SEMANTIC_TOOLS`] best by meaning of `message` (after
/// `previous`); unchanged when semantic scoring is off. See
/// [`fuse_tools`] for the scores.
pub fn rerank_tools(
    semantic: &Semantic,
    specs: &[ToolSpec],
    lexical: Vec<(usize, f32)>,
    message: &str,
    previous: Option<&str>,
) -> Vec<(usize, f32)> {
    let texts: Vec<String> = specs.iter().map(tool_text).collect();
    let Some(sims) = semantic.similarities(&texts, message, previous) else {
        return lexical;
    };
    let meaning = semantic_order(&sims, SEMANTIC_TOOLS, |_| true);
    fuse_tools(&lexical, &meaning)
}

/// The tools in the fused order of `lexical` (best first, with scores)
/// and `meaning` (best first), each with its lexical score: 0 for a tool
/// only meaning found. The scores decide which tools go to the model
/// whatever their schemas weigh (`tool_selection.sure_score_ratio` of
/// the best): fusion scores would make every ranked tool sure (they
/// differ little), so requests carried twice the schemas; with lexical
/// scores meaning re-orders the tools and adds some within
/// `ranked_bytes`, never past it.
pub fn fuse_tools(lexical: &[(usize, f32)], meaning: &[usize]) -> Vec<(usize, f32)> {
    let order: Vec<usize> = lexical.iter().map(|h| h.0).collect();
    fuse_ranks(&[&order, meaning])
        .into_iter()
        .map(|(tool, _)| {
            let score = lexical.iter().find(|h| h.0 == tool).map_or(0.0, |h| h.1);
            (tool, score)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fused_tools_keep_their_lexical_scores_and_meaning_only_finds_score_zero() {
        let lexical = [(4, 9.0), (7, 3.0), (2, 1.0)];
        let fused = fuse_tools(&lexical, &[7, 5]);
        // 7 is in both rankings: first; 5 only by meaning: after the
        // lexical ones it outranks, with no lexical score.
        assert_eq!(fused[0], (7, 3.0));
        assert_eq!(fused[1], (4, 9.0));
        assert!(fused.contains(&(5, 0.0)), "{fused:?}");
        assert_eq!(fused.len(), 4);
        assert_eq!(fuse_tools(&lexical, &[]), lexical.to_vec());
    }
}
