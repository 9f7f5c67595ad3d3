//! Selection with one collection of real skills installed beside quire's
//! bundled ones, as most people have it: each labelled message of the
//! real sets whose expected skill is in that collection, over that
//! collection alone. A small set's own counts cannot tell which words are
//! common (a whole Terraform collection says "terraform"), so words
//! every installed skill shares used to weigh nothing and a bundled skill
//! won on one word it alone holds; the reference counts of skills in
//! general (`skills::select::reference`) keep the subject's words in
//! play.

use std::path::{Path, PathBuf};

use quire::skills::select::SkillSet;
use quire::skills::select::eval::{self, EvalCase};
use quire::skills::{Skill, SkillsConfig};

use super::real::{real_skills_dir, skills_in};

/// Measured over the 13 collections (BENCHMARKS.md, twentieth session):
/// 0.872 at 1 and 0.978 at 5 over 2,796 messages (0.867 and 0.976
/// without the reference counts), one of 780 messages about nothing
/// activating a skill (two before "a todo comment" became a comment in
/// the code).
const RECALL_AT_1_FLOOR: f64 = 0.86;
const RECALL_AT_5_FLOOR: f64 = 0.97;
const NOTHING_ACTIVATED_CEILING: usize = 2;

/// Messages about nothing asked of each collection.
const NOTHING_CASES: usize = 60;

fn bundled_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../skills")
}

/// One collection's skills and the bundled ones.
fn installed(collection: &str) -> SkillSet {
    let skills: Vec<Skill> = skills_in(&[real_skills_dir().join(collection), bundled_dir()]);
    SkillSet::build(skills, None).0
}

/// Every labelled message of the real sets.
fn all_cases() -> Vec<EvalCase> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/suite/skills_select");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("real-") && n.ends_with(".json"))
        })
        .collect();
    files.sort();
    assert!(files.len() >= 18, "{files:?}");
    files
        .iter()
        .flat_map(|f| eval::parse(&std::fs::read_to_string(f).unwrap()).unwrap())
        .collect()
}

/// The cases whose expected skill is among `names`, labelled with those
/// only, and the first [`NOTHING_CASES`] messages about nothing.
fn cases_for(all: &[EvalCase], names: &[String]) -> Vec<EvalCase> {
    let mine = |labels: &[String]| -> Vec<String> {
        labels
            .iter()
            .filter(|l| names.contains(l))
            .cloned()
            .collect()
    };
    let mut out = Vec::new();
    let mut nothing = 0;
    for c in all {
        if c.expect.is_empty() && c.any.is_empty() {
            if nothing < NOTHING_CASES {
                nothing += 1;
                out.push(c.clone());
            }
            continue;
        }
        let (expect, any) = (mine(&c.expect), mine(&c.any));
        if !expect.is_empty() || (c.expect.is_empty() && !any.is_empty()) {
            let mut case = c.clone();
            case.expect = expect;
            case.any = any;
            case.reject.clear();
            out.push(case);
        }
    }
    out
}

fn first(set: &SkillSet, message: &str) -> String {
    let plan = set.plan(&SkillsConfig::default(), message, None, &Default::default());
    let best = plan.ranked.first().expect("something ranks");
    set.skills[best.skill].name.clone()
}

#[test]
fn the_words_a_whole_collection_shares_outweigh_a_bundled_skill() {
    let hashicorp = installed("hashicorp-agent-skills");
    for message in [
        "start a terraform provider for our internal DNS api from scratch",
        "start a terraform provider from scratch for our internal inventory API",
    ] {
        assert_eq!(
            first(&hashicorp, message),
            "new-terraform-provider",
            "{message}"
        );
    }
    let sentry = installed("getsentry-skills");
    let message = "the /orders page does 300+ queries according to debug toolbar, all red";
    assert_eq!(first(&sentry, message), "django-perf-review");
    let superpowers = installed("obra-superpowers");
    let message = "test fails intermittently: AssertionError: expected 3 got 2 in test_scheduler.py. no idea why";
    assert_eq!(first(&superpowers, message), "systematic-debugging");
}

#[test]
fn one_collection_installed_recall_floors() {
    let all = all_cases();
    let (mut n, mut at1, mut at5, mut activated) = (0usize, 0.0f64, 0.0f64, 0usize);
    let mut rows = Vec::new();
    let mut collections: Vec<PathBuf> = std::fs::read_dir(real_skills_dir())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    collections.sort();
    for dir in collections {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let set = installed(&name);
        let names: Vec<String> = skills_in(std::slice::from_ref(&dir))
            .into_iter()
            .map(|s| s.name)
            .collect();
        let report = eval::evaluate(&set, &SkillsConfig::default(), &cases_for(&all, &names));
        let labelled: Vec<_> = report
            .cases
            .iter()
            .filter(|c| c.recall_at_1.is_some())
            .collect();
        let (c1, c5): (f64, f64) = (
            labelled.iter().filter_map(|c| c.recall_at_1).sum(),
            labelled.iter().filter_map(|c| c.recall_at_5).sum(),
        );
        let unasked: Vec<String> = report
            .cases
            .iter()
            .filter(|c| c.recall_at_1.is_none() && !c.activated.is_empty())
            .map(|c| format!("\n    {:?} activated {:?}", c.message, c.activated))
            .collect();
        let wrong = unasked.len();
        rows.push(format!(
            "{name:32} {:4} messages  @1 {:.3}  @5 {:.3}  about nothing, activated {wrong}{}",
            labelled.len(),
            c1 / labelled.len() as f64,
            c5 / labelled.len() as f64,
            unasked.concat()
        ));
        n += labelled.len();
        at1 += c1;
        at5 += c5;
        activated += wrong;
    }
    let (r1, r5) = (at1 / n as f64, at5 / n as f64);
    println!(
        "{}\nall {n} messages: @1 {r1:.3}  @5 {r5:.3}  activated about nothing {activated}",
        rows.join("\n")
    );
    assert!(n > 2500, "{n}");
    assert!(
        r1 >= RECALL_AT_1_FLOOR,
        "recall@1 {r1:.3} < {RECALL_AT_1_FLOOR}\n{}",
        rows.join("\n")
    );
    assert!(
        r5 >= RECALL_AT_5_FLOOR,
        "recall@5 {r5:.3} < {RECALL_AT_5_FLOOR}\n{}",
        rows.join("\n")
    );
    assert!(
        activated <= NOTHING_ACTIVATED_CEILING,
        "{activated} messages about nothing activated a skill\n{}",
        rows.join("\n")
    );
}
