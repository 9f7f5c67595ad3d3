//! A review that fails prints, in the machine format asked for, a
//! document a CI step can still read: a valid SARIF log whose invocation
//! did not succeed, an error annotation for GitHub (and the exit code
//! says it failed).

use serde_json::Value;

use super::outputs::check;
use super::repo::*;

/// `stdout` as a valid SARIF 2.1.0 log of a run that did not succeed,
/// its error notification saying `why`.
fn failed_sarif(stdout: &str, why: &str) -> Value {
    let sarif: Value = serde_json::from_str(stdout)
        .unwrap_or_else(|e| panic!("stdout is not SARIF ({e}): {stdout:?}"));
    check(
        include_str!("../../fixtures/sarif/sarif-2.1.0.json"),
        &sarif,
    );
    assert_eq!(sarif["version"], "2.1.0");
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false, "{sarif:#}");
    let said = &invocation["toolExecutionNotifications"][0];
    assert_eq!(said["level"], "error", "{sarif:#}");
    assert!(
        said["message"]["text"]
            .as_str()
            .is_some_and(|t| t.contains(why)),
        "{sarif:#}"
    );
    sarif
}

#[test]
fn a_failed_review_prints_a_valid_sarif_log_saying_why() {
    let env = repo_with(&[("a.rs", "fn a() {}\n")]);
    let run = env.run(&["review", "--range", "HEAD..nope", "--format", "sarif"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let sarif = failed_sarif(&run.stdout, "nope");
    assert!(
        sarif["runs"][0]["results"]
            .as_array()
            .is_some_and(Vec::is_empty)
    );
}

#[test]
fn a_failed_review_prints_an_error_annotation_for_github() {
    let env = repo_with(&[("a.rs", "fn a() {}\n")]);
    let run = env.run(&["review", "--range", "HEAD..nope", "--format", "github"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("::error title=quire review failed::"))
        .unwrap_or_else(|| panic!("no error annotation: {:?}", run.stdout));
    assert!(line.contains("nope"), "{line}");
}

/// Arguments refused before the review starts (`--fail-on P9`): the
/// machine format asked for still gets its failed run.
#[test]
fn refused_arguments_still_print_the_format_asked_for() {
    let env = repo_with(&[("a.rs", "fn a() {}\n")]);
    let run = env.run(&["review", "--fail-on", "P9", "--format", "sarif"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    failed_sarif(&run.stdout, "P9");
    let run = env.run(&["review", "--format=github", "--fail-on", "P9"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with("::error title=quire review failed::") && l.contains("P9")),
        "{:?}",
        run.stdout
    );
}
