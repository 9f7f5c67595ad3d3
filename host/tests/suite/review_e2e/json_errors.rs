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

/// A `--fail-on` gate that fails the run because the review is
/// incomplete says why in `error`: every file skipped, a file over the
/// size limit, a deep pass without a usable answer.
#[test]
fn a_gate_failing_an_incomplete_review_says_why_in_error() {
    let error_of = |report: &serde_json::Value| report["error"].as_str().unwrap_or("").to_string();
    // Every changed file skipped by .gitattributes.
    let env = repo_with(&[(".gitattributes", "gen.rs linguist-generated\n")]);
    env.write("gen.rs", "fn gen() {}\n");
    git(&env, &["add", "-A"]);
    git(&env, &["commit", "-q", "-m", "gen"]);
    let (run, report) = review_json(&env, &["--commit", "HEAD", "--fail-on", "P1"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        error_of(&report)
            .starts_with("--fail-on: nothing was reviewed: all 1 changed file(s) were skipped"),
        "{report:#}"
    );
    assert!(report["not_reviewed"].is_string(), "{report:#}");
    super::outputs::check_report_schema(&report);
    // Without the gate the same review did not fail.
    let (run, report) = review_json(&env, &["--commit", "HEAD"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(report["error"].is_null(), "{report:#}");

    // A file over the size limit.
    let env = repo_with(&[("a.rs", "fn a() {}\n")]);
    env.write("a.rs", &"fn a() { BIG }\n".repeat(200));
    triage_flags_nothing(&env, 1);
    let run = env.run(&[
        "-c",
        "review.max_file_bytes=100",
        "review",
        "--json",
        "--fail-on",
        "P1",
    ]);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap_or_default();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        error_of(&report).starts_with("--fail-on: the review is incomplete:"),
        "{report:#}"
    );
    assert!(report["size_limited"].is_string(), "{report:#}");
    super::outputs::check_report_schema(&report);

    // One of two deep passes without a usable answer.
    let env = repo_with(&[("a.rs", "a\n"), ("b.rs", "b\n")]);
    env.write("a.rs", "a\nA_MARK\n");
    env.write("b.rs", "b\nB_MARK\n");
    env.server.push_keyed(TRIAGE, flags(&["H1", "H2"]));
    env.server.push_keyed(
        "AREA: a.rs",
        crate::support::model_server::Reply::text("I looked, seems fine to me!"),
    );
    env.server
        .push_keyed("AREA: b.rs", findings(serde_json::json!([])));
    let (run, report) = review_json(&env, &["--fail-on", "P1"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        error_of(&report),
        "--fail-on: the review is incomplete: 1 of 2 deep passes gave no usable answer; a gate does not pass a review that did not look everywhere",
        "{report:#}"
    );
    super::outputs::check_report_schema(&report);
}

/// Arguments clap refuses still print the report's JSON with `error`
/// under `--json` (exit 2), and nothing on stdout without it.
#[test]
fn refused_arguments_print_their_error_as_json() {
    let env = repo_with(&[("a.rs", "fn a() {}\n")]);
    let (run, report) = review_json(&env, &["--base", "master", "--fail-on", "P9"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        report["error"]
            .as_str()
            .is_some_and(|e| e.contains("P9") && e.contains("--fail-on")),
        "{}",
        run.stdout
    );
    assert_eq!(report["target"], "changes since master");
    super::outputs::check_report_schema(&report);
    assert!(run.stderr.contains("P9"), "{}", run.stderr);

    let run = env.run(&["review", "--format=json", "--bogus"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap_or_default();
    assert!(
        report["error"]
            .as_str()
            .is_some_and(|e| e.contains("--bogus")),
        "{}",
        run.stdout
    );

    let run = env.run(&["review", "--fail-on", "P9"]);
    assert_eq!((run.code, run.stdout.as_str()), (2, ""), "{}", run.stderr);
}

/// An `--output-schema` file that is missing or not JSON is refused
/// (exit 2) with the report's JSON and `error` on stdout under `--json`.
#[test]
fn a_bad_output_schema_prints_its_error_as_json() {
    let env = repo_with(&[("a.rs", "fn a() {}\n")]);
    env.write("a.rs", "fn a() { A_MARK }\n");
    env.write("schema.txt", "not json at all\n");
    for (file, says) in [("no-such.json", "no-such.json"), ("schema.txt", "not JSON")] {
        let (run, report) = review_json(&env, &["--output-schema", file]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(
            report["error"].as_str().is_some_and(|e| e
                .starts_with(&format!("--output-schema {file}"))
                && e.contains(says)),
            "{}",
            run.stdout
        );
        super::outputs::check_report_schema(&report);
        assert!(env.server.requests().is_empty(), "no model asked");
    }
}

/// A review whose model requests all fail still reports what it did:
/// the files and hunks it read, the triage request it made (its retries
/// are part of it), not a report of nothing.
#[test]
fn a_failed_review_reports_what_it_did_in_stats() {
    let env = repo_with(&[("a.rs", "fn a() {}\n")]);
    env.write("a.rs", "fn a() { A_MARK }\n");
    for _ in 0..2 {
        env.server
            .push_keyed(TRIAGE, crate::support::model_server::Reply::status(500));
    }
    let run = env.run(&["-c", "retry.max_retries=1", "review", "--json"]);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap_or_default();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        report["error"]
            .as_str()
            .is_some_and(|e| e.contains("HTTP 500") && e.contains("gave up after 1 retry")),
        "{report:#}"
    );
    assert_eq!(requests_of(&env, TRIAGE).len(), 2);
    let stats = &report["stats"];
    assert_eq!(
        [&stats["files"], &stats["hunks"], &stats["triage_requests"]],
        [1, 1, 1],
        "{report:#}"
    );
    assert_eq!(stats["requests"], 1, "{report:#}");
    assert_eq!(report["target"], "uncommitted changes");
    super::outputs::check_report_schema(&report);
}

/// Target options that conflict are refused with a report whose target
/// names the conflict, not one of the options.
#[test]
fn conflicting_targets_are_named_in_the_reports_target() {
    let env = repo_with(&[("a.rs", "fn a() {}\n")]);
    let (run, report) = review_json(&env, &["--staged", "--commit", "HEAD"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    super::outputs::check_report_schema(&report);
    assert_eq!(
        report["target"], "none: conflicting targets --staged, --commit HEAD",
        "{report:#}"
    );
    assert!(
        report["error"]
            .as_str()
            .is_some_and(|e| e.contains("--staged") && e.contains("--commit")),
        "{report:#}"
    );
}

/// `quire review -` reads the instructions from stdin, as `codex review -`.
#[test]
fn a_dash_reads_the_instructions_from_stdin() {
    let env = repo_with(&[("a.rs", "fn a() {}\n")]);
    env.write("a.rs", "fn a() { A_MARK }\n");
    triage_flags_nothing(&env, 1);
    let run = env.run_with_input(
        &["review", "--json", "-"],
        "check the locking order\nand the SQL\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap_or_default();
    assert_eq!(
        report["instructions"], "check the locking order\nand the SQL",
        "{report:#}"
    );
    let triage = requests_of(&env, TRIAGE);
    assert!(
        triage.iter().any(|b| b.contains("check the locking order")),
        "{triage:?}"
    );
    let run = env.run_with_input(&["review", "--json", "-"], "  \n");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stdout.contains("stdin held none"), "{}", run.stdout);
}
