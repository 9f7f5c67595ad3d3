//! Selection quality on a labelled set written for these tests: 39 skills
//! (tests/skills_select/skills.json) and 65 messages
//! (tests/skills_select/eval.json). The recall the selector reaches is
//! asserted as a floor, so a change that makes selection worse fails.
mod one_collection;
mod real;
mod real_heldout;

use quire::skills::select::eval::{self, EvalReport};
use quire::skills::select::{SkillSet, testing};
use quire::skills::{Skill, SkillsConfig};
use serde_json::Value;

fn corpus() -> Vec<Skill> {
    let text = include_str!("skills_select/skills.json");
    let list: Vec<Value> = serde_json::from_str(text).unwrap();
    list.iter()
        .map(|v| {
            let strings = |k: &str| -> Vec<String> {
                v[k].as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|x| x.as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let mut s = testing::skill(
                v["name"].as_str().unwrap(),
                v["description"].as_str().unwrap(),
            );
            s.when_to_use = v["when_to_use"].as_str().map(String::from);
            s.keywords = strings("keywords");
            s.headings = strings("headings");
            s.disable_model_invocation = v["disable_model_invocation"].as_bool().unwrap_or(false);
            s
        })
        .collect()
}

fn run() -> EvalReport {
    let (set, _) = SkillSet::build(corpus(), None);
    let cases = eval::parse(include_str!("skills_select/eval.json")).unwrap();
    eval::evaluate(&set, &SkillsConfig::default(), &cases)
}

#[test]
fn the_labelled_set_is_big_enough() {
    let skills = corpus();
    let cases = eval::parse(include_str!("skills_select/eval.json")).unwrap();
    assert!(skills.len() >= 30, "{} skills", skills.len());
    assert!(cases.len() >= 40, "{} cases", cases.len());
    let (set, _) = SkillSet::build(skills, None);
    for c in &cases {
        for n in c.expect.iter().chain(&c.reject) {
            assert!(set.get(n).is_some(), "unknown skill {n} in eval.json");
        }
    }
}

#[test]
fn recall_floor() {
    let report = run();
    println!("{}", eval::render(&report));
    // Measured when the set was written: recall@5 0.93, recall@1 0.88.
    assert!(
        report.recall_at_5 >= 0.90,
        "recall@5 {}",
        report.recall_at_5
    );
    assert!(
        report.recall_at_1 >= 0.85,
        "recall@1 {}",
        report.recall_at_1
    );
    assert_eq!(report.wrong_share, 0.0, "a rejected skill was selected");
}

#[test]
fn automatic_activation_only_picks_expected_skills() {
    let report = run();
    let mut auto = 0;
    for c in &report.cases {
        for a in &c.activated {
            assert!(
                c.expect.contains(a),
                "{a} activated for {:?} (expected {:?})",
                c.message,
                c.expect
            );
            auto += 1;
        }
    }
    // Many clear messages activate their skill without being named. This
    // set has fewer than 100 skills, so words common across skills in
    // general (`common` in vocabulary.toml) are no evidence here: 27 where
    // it was 45 before that rule, none wrong either way; the skills not
    // activated are listed first in the catalog.
    assert!(auto >= 25, "{auto} activations");
}

#[test]
fn hidden_skills_are_only_reached_by_name() {
    let report = run();
    for c in &report.cases {
        if c.message.contains("$deploy-production") {
            assert_eq!(c.activated, vec!["deploy-production"]);
        } else {
            assert!(
                !c.top.iter().any(|t| t == "deploy-production"),
                "{:?}",
                c.message
            );
        }
    }
}
