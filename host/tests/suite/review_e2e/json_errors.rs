//! `quire review --json` that fails still prints a JSON object on stdout,
//! with `error` saying why (and the exit code says it failed).

use super::repo::*;

#[test]
fn a_review_without_a_usable_deep_pass_prints_its_error_as_json() {
    let env = repo_with(&[("a.rs", "fn a() {}\n")]);
    env.write("a.rs", "fn a() { A_MARK }\n");
    env.server.push_keyed(TRIAGE, flags(&["H1"]));
    env.server.push_keyed(
        "AREA: a.rs",
        crate::support::model_server::Reply::text("I looked, seems fine to me!"),
    );
    let (run, report) = review_json(&env, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        report["error"]
            .as_str()
            .is_some_and(|e| e.contains("none of the 1 deep pass(es) gave a usable answer")),
        "{}",
        run.stdout
    );
    assert_eq!(report["stats"]["deep_passes"], 1);
    super::outputs::check_report_schema(&report);
}

#[test]
fn a_bad_target_prints_its_error_as_json() {
    let env = repo_with(&[("a.rs", "fn a() {}\n")]);
    let (run, report) = review_json(&env, &["--commit", "no-such-rev"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        report["error"]
            .as_str()
            .is_some_and(|e| e.contains("no-such-rev")),
        "{}",
        run.stdout
    );
    assert_eq!(report["target"], "commit no-such-rev");
    super::outputs::check_report_schema(&report);
    // Not for people: the human view prints nothing on stdout.
    let run = env.run(&["review", "--commit", "no-such-rev"]);
    assert_eq!(run.stdout, "");
}
