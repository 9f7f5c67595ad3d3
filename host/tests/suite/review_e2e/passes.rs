//! The tiers: only flagged hunks reach deep passes, deep passes run at the
//! same time, and findings that do not fit the schema are repaired or dropped.

use serde_json::json;

use super::repo::*;
use crate::support::model_server::keyed::BarrierState;

fn three_files() -> crate::support::quire::TestEnv {
    let env = repo_with(&[("a.rs", "a\n"), ("b.rs", "b\n"), ("c.rs", "c\n")]);
    env.write("a.rs", "a\nA_MARK\n");
    env.write("b.rs", "b\nB_MARK\n");
    env.write("c.rs", "c\nC_MARK\n");
    env
}

#[test]
fn only_flagged_hunks_reach_deep_passes() {
    let env = three_files();
    env.server.push_keyed(TRIAGE, flags(&["H2"]));
    let found = json!([finding("b.rs", 2, "P1", "Off by one")]);
    env.server.push_keyed("AREA: b.rs", findings(found.clone()));
    env.server.push_keyed(MERGE, findings(found));
    let (run, report) = review_json(&env, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let deep = requests_of(&env, DEEP);
    assert_eq!(deep.len(), 1, "one flagged area, one deep pass");
    assert!(deep[0].contains("B_MARK"));
    assert!(!deep[0].contains("A_MARK") && !deep[0].contains("C_MARK"));
    assert_eq!(requests_of(&env, MERGE).len(), 1);
    assert_eq!(report["stats"]["flagged"], 1);
    assert_eq!(report["stats"]["deep_passes"], 1);
    let f = &report["findings"][0];
    assert_eq!(
        (f["file"].as_str(), f["severity"].as_str()),
        (Some("b.rs"), Some("P1"))
    );
    assert_eq!(report["findings"].as_array().unwrap().len(), 1);
}

/// The server holds deep requests until three are in flight at once: the
/// review finishes only if its deep passes run in parallel.
#[test]
fn deep_passes_run_in_parallel() {
    let env = three_files();
    env.server.barrier(DEEP, 3);
    env.server.push_keyed(TRIAGE, flags(&["H1", "H2", "H3"]));
    for f in ["a.rs", "b.rs", "c.rs"] {
        let one = json!([finding(f, 2, "P2", &format!("Problem in {f}"))]);
        env.server.push_keyed(&format!("AREA: {f}"), findings(one));
    }
    env.server.push_keyed(
        MERGE,
        findings(json!([
            finding("a.rs", 2, "P2", "Problem in a.rs"),
            finding("b.rs", 2, "P2", "Problem in b.rs"),
            finding("c.rs", 2, "P2", "Problem in c.rs")
        ])),
    );
    let (run, report) = review_json(&env, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(env.server.barrier_state(), Some(BarrierState::Released));
    assert_eq!(requests_of(&env, DEEP).len(), 3);
    assert_eq!(report["findings"].as_array().unwrap().len(), 3);
}

/// `"high"`, `"90%"`, `"2-3"` are repaired; a finding without a place is
/// dropped; both with a warning on stderr; the JSON printed fits the schema.
#[test]
fn a_malformed_finding_is_repaired_or_dropped_with_a_warning() {
    let env = three_files();
    env.write("b.rs", "b\nB_MARK\nthird\n");
    env.server.push_keyed(TRIAGE, flags(&["H2"]));
    let messy = json!([
        {"path": "b.rs", "lines": "2-3", "severity": "high", "title": "Bad thing",
         "category": "Correctness", "explanation": "x", "confidence": "90%"},
        {"title": "Nowhere", "severity": "P0"}
    ]);
    env.server.push_keyed("AREA: b.rs", findings(messy.clone()));
    env.server.push_keyed(MERGE, findings(messy));
    let (run, report) = review_json(&env, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("repaired"), "{}", run.stderr);
    assert!(run.stderr.contains("dropped"), "{}", run.stderr);
    let all = report["findings"].as_array().unwrap();
    assert_eq!(all.len(), 1, "{report:#}");
    let f = &all[0];
    assert_eq!(f["severity"], "P1");
    assert_eq!(f["category"], "correctness");
    assert_eq!(
        (f["line_start"].as_u64(), f["line_end"].as_u64()),
        (Some(2), Some(3))
    );
    assert!((f["confidence"].as_f64().unwrap() - 0.9).abs() < 1e-9);
    super::outputs::check_report_schema(&report);
}

/// The team's rules from .quire/review.toml reach triage, deep and merge.
#[test]
fn team_rules_are_shown_to_every_pass() {
    let env = three_files();
    env.write(
        ".quire/review.toml",
        "rules = [\"every SQL query goes through the query builder\"]\n",
    );
    env.server.push_keyed(TRIAGE, flags(&["H1"]));
    let one = json!([finding("a.rs", 2, "P3", "Nit")]);
    env.server.push_keyed("AREA: a.rs", findings(one.clone()));
    env.server.push_keyed(MERGE, findings(one));
    let (run, _) = review_json(&env, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for pass in [TRIAGE, DEEP, MERGE] {
        let reqs = requests_of(&env, pass);
        assert!(!reqs.is_empty(), "{pass}");
        assert!(
            reqs.iter()
                .all(|b| b.contains("every SQL query goes through the query builder")),
            "{pass} without the rule"
        );
    }
}

/// More findings than one merge request can hold in the model's window:
/// the merge pass is skipped with a warning, the findings are still
/// de-duplicated and ranked.
#[test]
fn findings_too_many_for_the_window_skip_the_merge_pass() {
    let env = repo_with_config(
        &[("a.rs", "a\n")],
        "[models.test-model]\ncontext_window = 6000\n",
    );
    env.write("a.rs", &format!("a\nA_MARK\n{}", lines("x", 40)));
    env.server.push_keyed(TRIAGE, flags(&["H1"]));
    let mut many: Vec<serde_json::Value> = (1..=40)
        .map(|i| finding("a.rs", i, "P3", &format!("Problem number {i}")))
        .collect();
    many.push(finding("a.rs", 2, "P0", "The worst one"));
    many.push(finding("a.rs", 2, "P0", "The worst one"));
    env.server
        .push_keyed("AREA: a.rs", findings(serde_json::Value::Array(many)));
    let (run, report) = review_json(&env, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(requests_of(&env, MERGE).is_empty());
    assert!(run.stderr.contains("merge pass skipped"), "{}", run.stderr);
    let all = report["findings"].as_array().unwrap();
    assert_eq!(all.len(), 41, "the repeat is dropped");
    assert_eq!(all[0]["title"], "The worst one");
}

/// Deep passes whose answers are unusable are not "no findings": when
/// none gave a findings list the review fails; when some did, it warns
/// that it is incomplete and a `--fail-on` gate fails.
#[test]
fn unusable_deep_passes_never_read_as_a_clean_review() {
    use crate::support::model_server::Reply;
    // a.rs's pass answers with no findings list; b.rs's as given.
    let review = |b_answer: Reply, args: &[&str]| {
        let env = three_files();
        env.server.push_keyed(TRIAGE, flags(&["H1", "H2"]));
        env.server
            .push_keyed("AREA: a.rs", Reply::text("I looked, seems fine to me!"));
        env.server.push_keyed("AREA: b.rs", b_answer);
        let mut all = vec!["review"];
        all.extend_from_slice(args);
        env.run(&all)
    };
    let run = review(
        Reply::text("sorry, I cannot help with that"),
        &["--fail-on", "P1"],
    );
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("none of the 2 deep pass(es) gave a usable answer"),
        "{}",
        run.stderr
    );
    assert!(!run.stdout.contains("No findings"), "{}", run.stdout);

    let run = review(findings(json!([])), &["--fail-on", "P1"]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("the review is incomplete: 1 of 2 deep passes gave no usable answer"),
        "{}",
        run.stderr
    );
    let run = review(findings(json!([])), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// A triage answer that is JSON but flags only hunks it was not shown
/// (`H9` of one hunk) is no "nothing to see": every hunk of it gets a deep
/// look, with a warning on stderr and in `--json`'s `warnings`.
#[test]
fn a_triage_answer_naming_only_unknown_hunks_is_not_a_clean_review() {
    let env = repo_with(&[("a.rs", "fn a() {}\n")]);
    env.write("a.rs", "fn a() { A_MARK }\n");
    env.server.push_keyed(TRIAGE, flags(&["H9"]));
    let found = json!([finding("a.rs", 1, "P1", "Something wrong")]);
    env.server.push_keyed("AREA: a.rs", findings(found.clone()));
    env.server.push_keyed(MERGE, findings(found));
    let (run, report) = review_json(&env, &["--fail-on", "P1"]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let deep = requests_of(&env, DEEP);
    assert_eq!(deep.len(), 1, "the hunk gets a deep look");
    assert!(deep[0].contains("A_MARK"));
    assert_eq!(report["stats"]["flagged"], 1);
    assert_eq!(report["findings"].as_array().map(Vec::len), Some(1));
    let said = "flagged only hunks it was not shown (H9); all of them get a deep look";
    assert!(run.stderr.contains(said), "{}", run.stderr);
    assert!(
        report["warnings"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|w| w.as_str().is_some_and(|w| w.contains(said))),
        "{report:#}"
    );
    super::outputs::check_report_schema(&report);
}

/// The hunk ids the model is shown run over the hunks it reviews: a
/// skipped file before them takes no number, so the first is `H1`.
#[test]
fn hunk_ids_shown_to_triage_skip_no_number_for_skipped_files() {
    let env = repo_with(&[("Cargo.lock", "# lock\n"), ("a.rs", "fn a() {}\n")]);
    env.write("Cargo.lock", "# lock\n# more\n");
    env.write("a.rs", "fn a() { A_MARK }\n");
    env.server.push_keyed(TRIAGE, flags(&["H1"]));
    let found = json!([finding("a.rs", 1, "P2", "Something")]);
    env.server.push_keyed("AREA: a.rs", findings(found.clone()));
    env.server.push_keyed(MERGE, findings(found));
    let (run, report) = review_json(&env, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(report["skipped"][0]["path"], "Cargo.lock", "{report:#}");
    let triage = requests_of(&env, TRIAGE);
    assert_eq!(triage.len(), 1);
    assert!(triage[0].contains("### H1 a.rs"), "{}", triage[0]);
    assert!(!triage[0].contains("### H2"), "{}", triage[0]);
    assert_eq!(requests_of(&env, DEEP).len(), 1, "H1 names a.rs's hunk");
    assert!(
        !run.stderr.contains("not shown"),
        "no unknown hunk: {}",
        run.stderr
    );
}
