//! Selection over real public skills (523 from 13 collections, in
//! `<repo>/../shared/data/real-skills`, not copied into the repository)
//! with messages written the way developers talk
//! (`skills_select/real-eval.json`: paraphrased requests, ambiguous ones
//! with `any` labels, follow-ups with `previous`, and messages that should
//! select nothing). Floors on recall and false activations, and the bytes
//! the skills part of a request takes.

use std::path::{Path, PathBuf};

use quire::skills::parse::{Origin, read_skill};
use quire::skills::select::SkillSet;
use quire::skills::select::catalog::{self, Paths};
use quire::skills::select::eval::{self, EvalReport};
use quire::skills::{Scope, Skill, SkillsConfig};

/// Measured (see BENCHMARKS.md: 0.91 and 0.98 on 2026-12-03, third
/// session); the floors sit a little below so that wording changes do not
/// fail the build.
const RECALL_AT_1_FLOOR: f64 = 0.90;
const RECALL_AT_5_FLOOR: f64 = 0.97;
const FALSE_ACTIVATION_CEILING: f64 = 0.02;

pub fn real_skills_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/real-skills");
    assert!(
        dir.join("SOURCES.md").is_file(),
        "the real skills are missing: expected them in {} (the folder `shared/data/real-skills` \
         beside the repository); put them there to run this test",
        dir.display()
    );
    dir
}

/// Every `SOURCE/SKILL/SKILL.md`, parsed as quire parses skills, sorted
/// by path; the first of a name wins.
pub fn real_skills() -> Vec<Skill> {
    let root = real_skills_dir();
    let mut files: Vec<PathBuf> = Vec::new();
    for source in std::fs::read_dir(&root).unwrap().flatten() {
        let Ok(skills) = std::fs::read_dir(source.path()) else {
            continue;
        };
        for s in skills.flatten() {
            let file = s.path().join("SKILL.md");
            if file.is_file() {
                files.push(file);
            }
        }
    }
    files.sort();
    let mut out: Vec<Skill> = Vec::new();
    for file in files {
        let dir = file.parent().unwrap();
        let origin = Origin {
            dir,
            file: &file,
            root: dir.parent().unwrap(),
            scope: Scope::User,
        };
        match read_skill(origin) {
            Ok(s) if !out.iter().any(|o| o.name == s.name) => out.push(s),
            Ok(_) => {}
            Err(e) => panic!("{}: {e}", file.display()),
        }
    }
    out
}

/// Held-out messages (`real-heldout.json`), written before the selector
/// was tuned for issue 18's targets (their misses were development
/// material in the third session): 0.88 and 0.97 (0.89 and 0.95 before
/// any tuning, 0.86 and 0.96 before the third session; 0.89 and 0.97
/// after the fourth; 0.914 and 1.000 in the tenth, issue 18's targets).
const HELDOUT_RECALL_AT_1_FLOOR: f64 = 0.90;
const HELDOUT_RECALL_AT_5_FLOOR: f64 = 0.98;

fn run() -> (SkillSet, EvalReport) {
    run_file(include_str!("real-eval.json"))
}

fn run_file(text: &str) -> (SkillSet, EvalReport) {
    let (set, _) = SkillSet::build(real_skills(), None);
    let cases = eval::parse(text).unwrap();
    let report = eval::evaluate(&set, &SkillsConfig::default(), &cases);
    (set, report)
}

/// Prints the table and the misses at 1 of a run.
fn print_report(report: &EvalReport) {
    println!("{}", eval::render(report));
    let misses: Vec<String> = report
        .cases
        .iter()
        .filter(|c| c.recall_at_1.is_some_and(|r| r < 1.0))
        .map(|c| {
            format!(
                "  {:?}: expected {:?}, got {:?}",
                c.message, c.expect, c.top
            )
        })
        .collect();
    println!("misses at 1:\n{}", misses.join("\n"));
}

/// Names of `report`'s cases that activated a skill they do not accept.
fn false_activations(report: &EvalReport) -> String {
    report
        .cases
        .iter()
        .filter(|c| !c.false_activations.is_empty())
        .map(|c| format!("  {:?} activated {:?}", c.message, c.false_activations))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_real_set_is_big_and_labelled_with_installed_skills() {
    let skills = real_skills();
    assert!(skills.len() >= 500, "{} real skills", skills.len());
    let cases = eval::parse(include_str!("real-eval.json")).unwrap();
    assert!(cases.len() >= 150, "{} messages", cases.len());
    let nothing = cases
        .iter()
        .filter(|c| c.expect.is_empty() && c.any.is_empty())
        .count();
    let follow_ups = cases.iter().filter(|c| c.previous.is_some()).count();
    let ambiguous = cases.iter().filter(|c| !c.any.is_empty()).count();
    assert!(nothing >= 15 && follow_ups >= 5 && ambiguous >= 20);
    let names: Vec<&str> = skills.iter().map(|s| s.name.as_str()).collect();
    for c in &cases {
        for n in c.expect.iter().chain(&c.any).chain(&c.reject) {
            assert!(
                names.contains(&n.as_str()),
                "{n} in real-eval.json is not a real skill"
            );
        }
    }
}

#[test]
fn real_skills_recall_and_false_activation_floors() {
    let (set, report) = run();
    print_report(&report);
    assert!(
        report.recall_at_1 >= RECALL_AT_1_FLOOR,
        "recall@1 {:.3} < {RECALL_AT_1_FLOOR}",
        report.recall_at_1
    );
    assert!(
        report.recall_at_5 >= RECALL_AT_5_FLOOR,
        "recall@5 {:.3} < {RECALL_AT_5_FLOOR}",
        report.recall_at_5
    );
    assert!(
        report.false_activation_rate <= FALSE_ACTIVATION_CEILING,
        "false activations {:.3}:\n{}",
        report.false_activation_rate,
        false_activations(&report)
    );
    assert_eq!(report.wrong_share, 0.0, "a rejected skill was selected");
    assert!(set.skills.len() >= 500);
}

#[test]
fn heldout_real_skills_recall_and_false_activation_floors() {
    check_heldout(
        "real-heldout.json",
        include_str!("real-heldout.json"),
        HELDOUT_RECALL_AT_1_FLOOR,
        HELDOUT_RECALL_AT_5_FLOOR,
    );
}

/// Fresh held-out messages (`real-fresh.json`: 118 messages, 34 with
/// `any` labels, 6 follow-ups, 9 that should select nothing), written in
/// the third session before its tuning, labelled by reading the skills,
/// and not tuned on in that session. Measured before that tuning: 0.83
/// and 0.94, after it 0.85 and 0.94, no false activation. Its misses were
/// development material in the fourth session: 0.89 and 0.98 after it.
const FRESH_RECALL_AT_1_FLOOR: f64 = 0.88;
const FRESH_RECALL_AT_5_FLOOR: f64 = 0.97;

#[test]
fn fresh_heldout_real_skills_recall_and_false_activation_floors() {
    let cases = check_heldout(
        "real-fresh.json",
        include_str!("real-fresh.json"),
        FRESH_RECALL_AT_1_FLOOR,
        FRESH_RECALL_AT_5_FLOOR,
    );
    assert!(cases.len() >= 80, "{} fresh messages", cases.len());
}

/// The fourth session's held-out messages (`real-fresh2.json`: 156
/// messages over 180 skills of all 13 collections, 42 with `any` labels,
/// 8 follow-ups, 12 that should select nothing), written by someone who
/// had not seen the selector, before that session's fixes, labelled by
/// reading the skills. Before that session's fixes: 0.75 and 0.88, with
/// 2 of the 12 messages about nothing activating a skill. The odd-numbered
/// half (second, fourth, …) was then development material, the even half
/// never looked at: after the fixes 0.77 and 0.92 overall, the untouched
/// half 0.75 and 0.86 (0.75 and 0.88 before), no false activation.
const FRESH2_RECALL_AT_1_FLOOR: f64 = 0.76;
const FRESH2_RECALL_AT_5_FLOOR: f64 = 0.91;

#[test]
fn fourth_heldout_real_skills_recall_and_false_activation_floors() {
    let cases = check_heldout(
        "real-fresh2.json",
        include_str!("real-fresh2.json"),
        FRESH2_RECALL_AT_1_FLOOR,
        FRESH2_RECALL_AT_5_FLOOR,
    );
    assert!(cases.len() >= 150, "{} fourth-set messages", cases.len());
}

/// The fifth session's held-out messages (`real-fresh3.json`: 160
/// messages over 136 skills of all 13 collections, 36 with `any` labels,
/// 10 follow-ups, 12 that should select nothing), written blind like the
/// fourth: by someone who read only the skills, not the selector, its
/// figures or the earlier sets. Measured before any change of that
/// session: 0.885 and 0.953, no false activation.
const FRESH3_RECALL_AT_1_FLOOR: f64 = 0.88;
const FRESH3_RECALL_AT_5_FLOOR: f64 = 0.95;

#[test]
fn fifth_heldout_real_skills_recall_and_false_activation_floors() {
    let cases = check_heldout(
        "real-fresh3.json",
        include_str!("real-fresh3.json"),
        FRESH3_RECALL_AT_1_FLOOR,
        FRESH3_RECALL_AT_5_FLOOR,
    );
    assert!(cases.len() >= 150, "{} fifth-set messages", cases.len());
}

/// The sixth session's held-out messages (`real-fresh4.json`: 160
/// messages, 35 with `any` labels, 10 follow-ups, 12 that should select
/// nothing), written blind as the fifth by someone who read only the
/// skills, with skills drawn by a new seed. Measured before any change of
/// that session: 0.858 and 0.973, no false activation. In the eighth
/// session, with expected skills hidden from the model
/// (`disable-model-invocation`) no longer counted: 0.857 and 0.980.
const FRESH4_RECALL_AT_1_FLOOR: f64 = 0.85;
const FRESH4_RECALL_AT_5_FLOOR: f64 = 0.97;

#[test]
fn sixth_heldout_real_skills_recall_and_false_activation_floors() {
    let cases = check_heldout(
        "real-fresh4.json",
        include_str!("real-fresh4.json"),
        FRESH4_RECALL_AT_1_FLOOR,
        FRESH4_RECALL_AT_5_FLOOR,
    );
    assert!(cases.len() >= 150, "{} sixth-set messages", cases.len());
}

/// The sixth session's second held-out messages (`real-fresh5.json`: 160
/// messages, 35 with `any` labels, 10 follow-ups, 12 that should select
/// nothing), written blind by a second writer with another seed, after
/// that session's changes (which it did not move: the same figures
/// before and after): 0.851 and 0.946, one false activation in 160 (a
/// message that names the expo-ui skill to report on it activates it).
/// In the eighth session, with expected skills hidden from the model
/// (`disable-model-invocation`: git-cleanup, github-triage,
/// firebase-apk-scanner) no longer counted: 0.869 and 0.966.
const FRESH5_RECALL_AT_1_FLOOR: f64 = 0.86;
const FRESH5_RECALL_AT_5_FLOOR: f64 = 0.96;

#[test]
fn seventh_heldout_real_skills_recall_and_false_activation_floors() {
    let cases = check_heldout(
        "real-fresh5.json",
        include_str!("real-fresh5.json"),
        FRESH5_RECALL_AT_1_FLOOR,
        FRESH5_RECALL_AT_5_FLOOR,
    );
    assert!(cases.len() >= 150, "{} seventh-set messages", cases.len());
}

/// The ninth session's held-out messages (`real-fresh6.json`: 160
/// messages, 35 with `any` labels, 10 follow-ups, 15 that should select
/// nothing), written blind by a writer who read only the skills (not the
/// selector, its code or the earlier sets): 0.890 and 0.979, no false
/// activation, measured before anything of that session was tuned on it.
/// Then development material: 0.910 and 0.986.
const FRESH6_RECALL_AT_1_FLOOR: f64 = 0.90;
const FRESH6_RECALL_AT_5_FLOOR: f64 = 0.98;

#[test]
fn eighth_heldout_real_skills_recall_and_false_activation_floors() {
    let cases = check_heldout(
        "real-fresh6.json",
        include_str!("real-fresh6.json"),
        FRESH6_RECALL_AT_1_FLOOR,
        FRESH6_RECALL_AT_5_FLOOR,
    );
    assert!(cases.len() >= 150, "{} eighth-set messages", cases.len());
}

/// The ninth session's second held-out messages (`real-fresh7.json`: 160
/// messages, 36 with `any` labels, 10 follow-ups, 15 that should select
/// nothing), written blind by a second writer in deliberately varied
/// voices (symptoms without the technology's name, pasted errors) while
/// that session's vocabulary was written: 0.738 and 0.910 before it,
/// 0.752 and 0.910 with it; two false activations in 160. Then
/// development material: 0.779 and 0.952, one false activation.
const FRESH7_RECALL_AT_1_FLOOR: f64 = 0.77;
const FRESH7_RECALL_AT_5_FLOOR: f64 = 0.94;

#[test]
fn ninth_heldout_real_skills_recall_and_false_activation_floors() {
    let cases = check_heldout(
        "real-fresh7.json",
        include_str!("real-fresh7.json"),
        FRESH7_RECALL_AT_1_FLOOR,
        FRESH7_RECALL_AT_5_FLOOR,
    );
    assert!(cases.len() >= 150, "{} ninth-set messages", cases.len());
}

/// The tenth session's held-out messages (`real-fresh8.json`: 160
/// messages, 10 with `any` labels, 12 follow-ups, 15 that should select
/// nothing), written blind at that session's start: 0.840 and 0.951
/// before anything was changed, no false activation. Then development
/// material: 0.861 and 0.979.
const FRESH8_RECALL_AT_1_FLOOR: f64 = 0.85;
const FRESH8_RECALL_AT_5_FLOOR: f64 = 0.97;

#[test]
fn tenth_heldout_real_skills_recall_and_false_activation_floors() {
    let cases = check_heldout(
        "real-fresh8.json",
        include_str!("real-fresh8.json"),
        FRESH8_RECALL_AT_1_FLOOR,
        FRESH8_RECALL_AT_5_FLOOR,
    );
    assert!(cases.len() >= 150, "{} tenth-set messages", cases.len());
}

/// The tenth session's second held-out messages (`real-fresh9.json`: 160
/// messages, 13 with `any` labels, 12 follow-ups, 15 that should select
/// nothing; terse and non-native voices, pasted traces, goals instead of
/// techniques), written blind after that session's vocabulary and not
/// tuned on: 0.769 and 0.930, one false activation (0.76 and 0.91 with
/// the code of the session's start).
const FRESH9_RECALL_AT_1_FLOOR: f64 = 0.76;
const FRESH9_RECALL_AT_5_FLOOR: f64 = 0.92;

#[test]
fn eleventh_heldout_real_skills_recall_and_false_activation_floors() {
    let cases = check_heldout(
        "real-fresh9.json",
        include_str!("real-fresh9.json"),
        FRESH9_RECALL_AT_1_FLOOR,
        FRESH9_RECALL_AT_5_FLOOR,
    );
    assert!(cases.len() >= 150, "{} eleventh-set messages", cases.len());
}

/// The eleventh session's held-out messages (`real-fresh10.json`: 160
/// messages, 12 with `any` labels, 12 follow-ups, 15 that should select
/// nothing; hurried Slack-style voices, symptoms and goals rather than
/// techniques), written blind at that session's start: 0.759 and 0.924.
/// Then development material: 0.814 and 0.959.
const FRESH10_RECALL_AT_1_FLOOR: f64 = 0.80;
const FRESH10_RECALL_AT_5_FLOOR: f64 = 0.94;

#[test]
fn twelfth_heldout_real_skills_recall_and_false_activation_floors() {
    let cases = check_heldout(
        "real-fresh10.json",
        include_str!("real-fresh10.json"),
        FRESH10_RECALL_AT_1_FLOOR,
        FRESH10_RECALL_AT_5_FLOOR,
    );
    assert!(cases.len() >= 150, "{} twelfth-set messages", cases.len());
}

/// The eleventh session's second held-out messages (`real-fresh11.json`:
/// 160 messages; polite, wordy questions from data scientists, frontend
/// developers and students), written blind by another writer and not
/// tuned on: 0.821 and 0.966 (0.828 and 0.966 with the code of the
/// session's start).
const FRESH11_RECALL_AT_1_FLOOR: f64 = 0.81;
const FRESH11_RECALL_AT_5_FLOOR: f64 = 0.95;

#[test]
fn thirteenth_heldout_real_skills_recall_and_false_activation_floors() {
    let cases = check_heldout(
        "real-fresh11.json",
        include_str!("real-fresh11.json"),
        FRESH11_RECALL_AT_1_FLOOR,
        FRESH11_RECALL_AT_5_FLOOR,
    );
    assert!(
        cases.len() >= 150,
        "{} thirteenth-set messages",
        cases.len()
    );
}

/// The twelfth session's held-out messages (`real-fresh12.json`: 160
/// messages; terse operations engineers, backend developers and
/// second-language writers, pasted log lines), written blind at that
/// session's start: 0.752 and 0.924 (with all-MiniLM-L6-v2 fused: 0.821
/// and 0.924). Then development material: 0.786 and 0.952.
const FRESH12_RECALL_AT_1_FLOOR: f64 = 0.77;
const FRESH12_RECALL_AT_5_FLOOR: f64 = 0.94;

#[test]
fn fourteenth_heldout_real_skills_recall_and_false_activation_floors() {
    let cases = check_heldout(
        "real-fresh12.json",
        include_str!("real-fresh12.json"),
        FRESH12_RECALL_AT_1_FLOOR,
        FRESH12_RECALL_AT_5_FLOOR,
    );
    assert!(
        cases.len() >= 150,
        "{} fourteenth-set messages",
        cases.len()
    );
}

/// Checks a held-out file's labels name real skills, then its floors and
/// the false-activation ceiling; returns its cases.
fn check_heldout(file: &str, text: &str, floor_at_1: f64, floor_at_5: f64) -> Vec<eval::EvalCase> {
    let cases = eval::parse(text).unwrap();
    assert!(cases.len() >= 60, "{} messages in {file}", cases.len());
    let names: Vec<String> = real_skills().into_iter().map(|s| s.name).collect();
    for c in &cases {
        for n in c.expect.iter().chain(&c.any).chain(&c.reject) {
            assert!(names.contains(n), "{n} in {file} is not a real skill");
        }
    }
    let (_, report) = run_file(text);
    print_report(&report);
    assert!(
        report.recall_at_1 >= floor_at_1,
        "{file}: recall@1 {:.3} < {floor_at_1}",
        report.recall_at_1
    );
    assert!(
        report.recall_at_5 >= floor_at_5,
        "{file}: recall@5 {:.3} < {floor_at_5}",
        report.recall_at_5
    );
    assert!(
        report.false_activation_rate <= FALSE_ACTIVATION_CEILING,
        "{file}: false activations {:.3}:\n{}",
        report.false_activation_rate,
        false_activations(&report)
    );
    for c in report.cases.iter().filter(|c| c.expect.is_empty()) {
        assert!(
            c.activated.is_empty(),
            "{file}: {:?} activated {:?}",
            c.message,
            c.activated
        );
    }
    cases
}

#[test]
fn messages_about_nothing_activate_nothing() {
    let (_, report) = run();
    for c in report.cases.iter().filter(|c| c.expect.is_empty()) {
        assert!(
            c.activated.is_empty(),
            "{:?} activated {:?}",
            c.message,
            c.activated
        );
    }
}

#[test]
fn the_skills_part_of_a_request_stays_within_two_kilobytes() {
    let (set, _) = SkillSet::build(real_skills(), None);
    let config = SkillsConfig::default();
    let cases = eval::parse(include_str!("real-eval.json")).unwrap();
    let mut sizes: Vec<usize> = cases
        .iter()
        .map(|c| {
            let plan = set.plan(
                &config,
                &c.message,
                c.previous.as_deref(),
                &Default::default(),
            );
            let active: Vec<String> = plan
                .activate
                .iter()
                .map(|a| set.skills[a.skill].name.clone())
                .collect();
            catalog::render(&set.skills, &plan, &active, &config, &Paths::default())
                .map(|c| c.text.len())
                .unwrap_or(0)
        })
        .collect();
    sizes.sort_unstable();
    let median = sizes[sizes.len() / 2];
    println!(
        "skills catalog bytes: median {median}, max {}",
        sizes[sizes.len() - 1]
    );
    assert!(median <= 2048, "median catalog {median} bytes");
}

/// The thirteenth session's held-out messages (`real-fresh13.json`: 160
/// messages; tech leads delegating whole tasks with repository context,
/// and one-line corrections mid-session), written blind at that session's
/// start: 0.814 and 0.959, no false activation. Then development
/// material: 0.869 and 0.972.
const FRESH13_RECALL_AT_1_FLOOR: f64 = 0.85;
const FRESH13_RECALL_AT_5_FLOOR: f64 = 0.96;

#[test]
fn fifteenth_heldout_real_skills_recall_and_false_activation_floors() {
    let cases = check_heldout(
        "real-fresh13.json",
        include_str!("real-fresh13.json"),
        FRESH13_RECALL_AT_1_FLOOR,
        FRESH13_RECALL_AT_5_FLOOR,
    );
    assert!(cases.len() >= 150, "{} fifteenth-set messages", cases.len());
}

/// The fourteenth session's held-out messages (`real-fresh14.json`: 160
/// messages; developers describing what they see and what they want,
/// newcomers, second-language writers, analysts and designers who code a
/// little), written blind at that session's start: 0.655 and 0.883, no false
/// activation. Then development material: 0.703 and 0.910.
const FRESH14_RECALL_AT_1_FLOOR: f64 = 0.68;
const FRESH14_RECALL_AT_5_FLOOR: f64 = 0.89;

#[test]
fn sixteenth_heldout_real_skills_recall_and_false_activation_floors() {
    let cases = check_heldout(
        "real-fresh14.json",
        include_str!("real-fresh14.json"),
        FRESH14_RECALL_AT_1_FLOOR,
        FRESH14_RECALL_AT_5_FLOOR,
    );
    assert!(cases.len() >= 150, "{} sixteenth-set messages", cases.len());
}

/// The fifteenth session's held-out messages (`real-fresh15.json`: 160
/// messages; issue titles, review comments, alert texts, and scientists,
/// finance, legal and teaching staff asking in their own field's words),
/// written blind at that session's start: 0.833 and 0.951, no false
/// activation. Then development material: 0.868 and 0.958.
const FRESH15_RECALL_AT_1_FLOOR: f64 = 0.85;
const FRESH15_RECALL_AT_5_FLOOR: f64 = 0.94;

#[test]
fn seventeenth_heldout_real_skills_recall_and_false_activation_floors() {
    let cases = check_heldout(
        "real-fresh15.json",
        include_str!("real-fresh15.json"),
        FRESH15_RECALL_AT_1_FLOOR,
        FRESH15_RECALL_AT_5_FLOOR,
    );
    assert!(
        cases.len() >= 150,
        "{} seventeenth-set messages",
        cases.len()
    );
}
