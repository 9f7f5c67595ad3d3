//! Tests of the `index` module.

use super::*;
use crate::skills::select::followup::{PREVIOUS_WEIGHT, REFERRING_WEIGHT};
use crate::skills::select::testing::skill;

fn corpus() -> Vec<Skill> {
    vec![
        skill("pdf-forms", "Fill in and flatten PDF forms."),
        skill("docker-compose", "Write and debug docker compose files."),
        skill("release-notes", "Draft release notes from the git log."),
    ]
}

#[test]
fn the_matching_skill_scores_highest() {
    let skills = corpus();
    let (index, stats) = Index::build(&skills, None);
    assert_eq!(stats.docs, 3);
    assert_eq!(stats.tokenized, 3);
    let q = index.query("please fill this pdf form", None);
    let s = index.scores(&q);
    assert!(s[0] > 0.0 && s[1] == 0.0 && s[2] == 0.0, "{s:?}");
    let why = index.explain(&q, 0);
    let terms: Vec<&str> = why.iter().map(|c| c.term.as_str()).collect();
    assert!(terms.contains(&"pdf") && terms.contains(&"form") && terms.contains(&"fill"));
    let sum: f32 = why.iter().map(|c| c.score).sum();
    assert!((sum - s[0]).abs() < 1e-4);
}

#[test]
fn the_previous_message_weighs_less() {
    let skills = corpus();
    let (index, _) = Index::build(&skills, None);
    let q = index.query(
        "debug the compose file healthcheck on startup",
        Some("fill the pdf form"),
    );
    let s = index.scores(&q);
    assert!(s[1] > s[0] && s[0] > 0.0, "{s:?}");
    let prev_only = q.terms.iter().find(|t| t.term == "pdf").unwrap();
    assert_eq!(prev_only.weight, PREVIOUS_WEIGHT);
    assert!(!prev_only.from_new);
}

#[test]
fn a_follow_up_leans_on_the_previous_message() {
    let skills = corpus();
    let (index, _) = Index::build(&skills, None);
    for follow_up in [
        "still failing",
        "do the same for the other form too",
        "what about the signature field in the footer layout section",
        "and the checkbox field in the footer layout section?",
    ] {
        let q = index.query(follow_up, Some("fill the pdf form"));
        let pdf = q.terms.iter().find(|t| t.term == "pdf").unwrap();
        assert_eq!(pdf.weight, REFERRING_WEIGHT, "{follow_up}");
        let s = index.scores(&q);
        assert!(s[0] > s[1] && s[0] > s[2], "{follow_up}: {s:?}");
    }
}

#[test]
fn terms_found_nearly_everywhere_carry_nothing() {
    let mut skills: Vec<Skill> = (0..30)
        .map(|i| skill(&format!("s{i}"), &format!("A skill for topic{i}.")))
        .collect();
    skills.push(skill("pdf-forms", "A skill to fill PDF forms."));
    let (index, _) = Index::build(&skills, None);
    let unit = index.unit_score();
    let q = index.query("skill", None);
    assert!(index.scores(&q).iter().all(|&s| s < 0.05 * unit));
    let q = index.query("pdf skill", None);
    let s = index.scores(&q);
    assert!(
        s[30] > unit && s[..30].iter().all(|&x| x < 0.05 * unit),
        "{s:?}"
    );
}

#[test]
fn a_word_bodies_mention_in_passing_still_counts_for_the_skill_about_it() {
    let mut skills: Vec<Skill> = (0..30)
        .map(|i| {
            let mut s = skill(&format!("s{i}"), &format!("A tool for topic{i}."));
            s.body = format!("```python\nimport topic{i}\n```\n");
            s
        })
        .collect();
    skills.push(skill(
        "bulk-import",
        "Bring existing resources under management.",
    ));
    let (index, _) = Index::build(&skills, None);
    let unit = index.unit_score();
    let s = index.scores(&index.query("import the old buckets", None));
    // Counted as found in all 31 skills, it would weigh 0.02 of its idf.
    assert!(s[30] > 0.3 * unit, "{s:?}");
    assert!(s[..30].iter().all(|&x| x < 0.15 * s[30]), "{s:?}");
}

#[test]
fn matches_notices_an_edit() {
    let mut skills = corpus();
    let (index, _) = Index::build(&skills, None);
    assert!(index.matches(&skills));
    skills[1].description.push_str(" Also podman.");
    assert!(!index.matches(&skills));
    skills.pop();
    assert!(!index.matches(&skills));
}

#[test]
fn in_a_tool_index_a_word_with_synonyms_does_not_count_twice() {
    let docs = vec![text::weighted_terms([(1.0, "Create a pull request")])];
    let tools = Index::from_terms(docs);
    let q = tools.query("open a PR", None);
    let weight = |t: &str| q.terms.iter().find(|x| x.term == t).map(|x| x.weight);
    assert_eq!(weight("pr"), Some(TOOL_SHARES.word));
    assert_eq!(weight("=pull_request"), Some(TOOL_SHARES.group));
    assert_eq!(weight("open"), Some(1.0));
    let (skills, _) = Index::build(&corpus(), None);
    let q = skills.query("open a PR", None);
    let weight = |t: &str| q.terms.iter().find(|x| x.term == t).map(|x| x.weight);
    assert_eq!(weight("pr"), Some(SKILL_SHARES.word));
}

#[test]
fn a_thank_you_after_a_subject_scores_nothing() {
    let skills = corpus();
    let (index, _) = Index::build(&skills, None);
    for thanks in ["thanks!", "great, thank you so much"] {
        let q = index.query(thanks, Some("fill the pdf form"));
        let s = index.scores(&q);
        assert!(s.iter().all(|&x| x == 0.0), "{thanks}: {s:?}");
    }
}
