//! The bound on a review's cost: a file whose diff is over `[review]
//! max_file_bytes` and the files past `max_triage_bytes` are not sent to
//! the model; each is named, before any request, in the report and in
//! `--json`, and `--fail-on` does not pass the incomplete review.

use serde_json::Value;

use super::repo::*;

/// A text file of about `kib` KiB, each line holding `mark`.
fn big(mark: &str, kib: usize) -> String {
    let line = format!("{mark} {}\n", "x".repeat(100));
    line.repeat(kib * 1024 / line.len() + 1)
}

fn skipped_by<'a>(report: &'a Value, limit: &str) -> Vec<&'a str> {
    report["skipped"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["limit"] == limit)
        .filter_map(|s| s["path"].as_str())
        .collect()
}

#[test]
fn a_huge_file_is_not_sent_and_is_named_up_front() {
    let env = repo_with(&[("a.rs", "fn a() {}\n")]);
    env.write("a.rs", "fn a() { A_MARK }\n");
    env.write("data/huge.txt", &big("HUGE_MARK", 600));
    git(&env, &["add", "-A"]);
    git(&env, &["commit", "-q", "-m", "big"]);
    triage_flags_nothing(&env, 1);
    let (run, report) = review_json(&env, &["--commit", "HEAD"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // One triage request, without the huge file.
    let all = env.server.requests();
    assert_eq!(all.len(), 1, "{} requests", all.len());
    assert!(all[0].raw_body.contains("A_MARK"));
    assert!(!all[0].raw_body.contains("HUGE_MARK"));
    assert!(
        run.stderr.contains("warning: 1 file(s) not reviewed")
            && run.stderr.contains("data/huge.txt (its diff (")
            && run
                .stderr
                .contains("is over [review] max_file_bytes (256 KiB)")
            && run.stderr.contains("-c review.max_file_bytes=BYTES"),
        "{}",
        run.stderr
    );
    assert_eq!(skipped_by(&report, "max_file_bytes"), ["data/huge.txt"]);
    assert!(
        report["size_limited"]
            .as_str()
            .is_some_and(|s| s.contains("data/huge.txt")),
        "{report:#}"
    );
    assert!(report["stats"]["triage_bytes"].as_u64().unwrap_or(0) < 1024);
    super::outputs::check_report_schema(&report);

    // A gate does not pass a review that left a file out.
    triage_flags_nothing(&env, 1);
    let run = env.run(&["review", "--commit", "HEAD", "--fail-on", "P0"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("error: --fail-on: the review is incomplete"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("1 file(s) not reviewed"),
        "{}",
        run.stdout
    );
}

/// The tester's case: a root commit of one huge file makes no request.
#[test]
fn a_root_commit_of_one_huge_file_makes_no_request() {
    let env = crate::support::quire::TestEnv::with_config("responses", "");
    env.write("huge.txt", &big("HUGE_MARK", 2048));
    git(&env, &["add", "-A"]);
    git(&env, &["commit", "-q", "-m", "root"]);
    let (run, report) = review_json(&env, &["--commit", "HEAD"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(env.server.requests().len(), 0);
    assert!(report["not_reviewed"].is_string(), "{report:#}");
    assert_eq!(skipped_by(&report, "max_file_bytes"), ["huge.txt"]);
    let run = env.run(&["review", "--json", "--commit", "HEAD", "--fail-on", "P1"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
}

#[test]
fn files_past_the_total_are_left_out_with_how_to_review_them() {
    let env = repo_with(&[("a.rs", "a\n"), ("b.rs", "b\n"), ("c.rs", "c\n")]);
    env.write("a.rs", &format!("a\n{}", lines("A_MARK", 100)));
    env.write("b.rs", &format!("b\n{}", lines("B_MARK", 100)));
    env.write("c.rs", &format!("c\n{}", lines("C_MARK", 100)));
    triage_flags_nothing(&env, 2);
    let run = env.run(&["-c", "review.max_triage_bytes=2500", "review", "--json"]);
    let report: Value = serde_json::from_str(&run.stdout).unwrap_or(Value::Null);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let bodies: String = env
        .server
        .requests()
        .into_iter()
        .map(|r| r.raw_body)
        .collect();
    assert!(bodies.contains("A_MARK") && bodies.contains("B_MARK"));
    assert!(!bodies.contains("C_MARK"), "c.rs is past the total");
    assert_eq!(skipped_by(&report, "max_triage_bytes"), ["c.rs"]);
    assert!(
        run.stderr.contains("c.rs (its diff (")
            && run
                .stderr
                .contains("past [review] max_triage_bytes (2 KiB)")
            && run.stderr.contains("narrower target")
            && run.stderr.contains("-c review.max_triage_bytes=BYTES"),
        "{}",
        run.stderr
    );
    super::outputs::check_report_schema(&report);
}
