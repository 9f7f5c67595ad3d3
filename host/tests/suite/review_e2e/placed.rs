//! A deep pass's finding must sit on the reviewed change: on a file of
//! the diff (one elsewhere, or missing, is dropped with a warning and
//! never fails `--fail-on`), inside the file's new version (past the end:
//! dropped, or cut to the last line), at a line from 1 (`"0-3"` refused
//! as `0` is), and its path is the one the diff uses (`src/../src/a.py`,
//! the absolute path inside the repository, `src\a.py`).

use serde_json::{Value, json};

use super::repo::*;
use crate::support::model_server::Reply;

/// A repository where `src/a.py` (5 lines) is changed and staged, and
/// `other.py` exists unchanged.
fn staged_change() -> crate::support::quire::TestEnv {
    let env = repo_with(&[("src/a.py", &lines("x =", 4)), ("other.py", "y = 1\n")]);
    env.write("src/a.py", &lines("x =", 5));
    git(&env, &["add", "src/a.py"]);
    env
}

/// The deep pass over `src/a.py` answers `list`; the merge pass's answer
/// is no JSON (the deep passes' findings are then kept as they were).
fn deep_answers(env: &crate::support::quire::TestEnv, list: Value) {
    env.server.push_keyed(TRIAGE, flags(&["H1"]));
    env.server.push_keyed("AREA: src/a.py", findings(list));
    env.server.push_keyed(MERGE, Reply::text("not json"));
}

fn files_of(report: &Value) -> Vec<(String, u64, u64)> {
    report["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap_or_default().to_string(),
                f["line_start"].as_u64().unwrap_or_default(),
                f["line_end"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

fn warned(report: &Value, parts: &[&str]) -> bool {
    report["warnings"].as_array().is_some_and(|w| {
        w.iter()
            .filter_map(Value::as_str)
            .any(|w| parts.iter().all(|p| w.contains(p)))
    })
}

#[test]
fn deep_findings_off_the_change_are_dropped_and_do_not_fail_the_gate() {
    let env = staged_change();
    let mut long = finding("src/a.py", 4, "P2", "runs past the end");
    long["line_end"] = json!(40);
    deep_answers(
        &env,
        json!([
            finding("other.py", 1, "P1", "not in the change"),
            finding("gone/x.py", 3, "P1", "no such file"),
            finding("src/a.py", 99, "P1", "past the end"),
            finding("src/a.py", 5, "P2", "real"),
            long,
        ]),
    );
    let (run, report) = review_json(&env, &["--staged", "--fail-on", "P1"]);
    assert_eq!(run.code, 0, "{}\n{report:#}", run.stderr);
    super::outputs::check_report_schema(&report);
    assert_eq!(
        files_of(&report),
        vec![("src/a.py".into(), 4, 5), ("src/a.py".into(), 5, 5)],
        "{report:#}"
    );
    assert!(
        warned(&report, &["other.py is not part of the reviewed change"]),
        "{report:#}"
    );
    assert!(
        warned(&report, &["gone/x.py does not exist in the repository"]),
        "{report:#}"
    );
    assert!(
        warned(
            &report,
            &[
                "\"past the end\" dropped",
                "past the end of src/a.py (5 lines)"
            ]
        ),
        "{report:#}"
    );
    assert!(warned(&report, &["lines 4-40 cut to 4-5"]), "{report:#}");
    assert!(
        run.stderr
            .contains("other.py is not part of the reviewed change"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_line_range_from_zero_given_as_text_is_dropped() {
    let env = staged_change();
    let mut lines_text = finding("src/a.py", 1, "P2", "lines as text");
    lines_text.as_object_mut().map(|o| o.remove("line_start"));
    lines_text["lines"] = json!("0-3");
    let mut line_text = finding("src/a.py", 1, "P2", "line as text");
    line_text.as_object_mut().map(|o| o.remove("line_start"));
    line_text["line"] = json!("0-3");
    deep_answers(
        &env,
        json!([lines_text, line_text, finding("src/a.py", 5, "P2", "real")]),
    );
    let (run, report) = review_json(&env, &["--staged"]);
    assert_eq!(run.code, 0, "{}\n{report:#}", run.stderr);
    super::outputs::check_report_schema(&report);
    assert_eq!(
        files_of(&report),
        vec![("src/a.py".into(), 5, 5)],
        "{report:#}"
    );
    assert!(
        warned(&report, &["\"0-3\"", "lines start at 1"]),
        "{report:#}"
    );
    let sarif = {
        deep_answers(
            &env,
            json!([{"file": "src/a.py", "lines": "0-3", "severity": "P2", "title": "zero"}]),
        );
        env.run(&["review", "--staged", "--format", "sarif"])
    };
    assert!(
        !sarif.stdout.contains("\"startLine\": 0"),
        "{}",
        sarif.stdout
    );
}

#[test]
fn paths_are_read_as_the_diff_writes_them() {
    let env = staged_change();
    let absolute = format!("{}/src/a.py", env.repo_path().display());
    let outside = format!("{}/../a.py", env.repo_path().display());
    deep_answers(
        &env,
        json!([
            finding("src/../src/a.py", 1, "P2", "dots"),
            finding(&absolute, 2, "P2", "absolute"),
            finding("src\\a.py", 3, "P2", "backslash"),
            finding("src/../../a.py", 4, "P2", "escapes by dots"),
            finding(&outside, 4, "P2", "escapes absolutely"),
        ]),
    );
    let (run, report) = review_json(&env, &["--staged"]);
    assert_eq!(run.code, 0, "{}\n{report:#}", run.stderr);
    assert_eq!(
        files_of(&report),
        vec![
            ("src/a.py".into(), 1, 1),
            ("src/a.py".into(), 2, 2),
            ("src/a.py".into(), 3, 3),
        ],
        "{report:#}"
    );
    assert!(
        warned(&report, &["\"src/../../a.py\" is outside the repository"]),
        "{report:#}"
    );
    assert!(
        warned(&report, &[&format!("\"{outside}\" is outside")]),
        "{report:#}"
    );
}

#[test]
fn a_submodule_change_is_skipped_and_listed() {
    let env = staged_change();
    let head = git(&env, &["rev-parse", "HEAD"]);
    let gitlink = format!("160000,{},vendor/lib", head.trim());
    git(&env, &["update-index", "--add", "--cacheinfo", &gitlink]);
    deep_answers(&env, json!([finding("src/a.py", 5, "P2", "real")]));
    let (run, report) = review_json(&env, &["--staged"]);
    assert_eq!(run.code, 0, "{}\n{report:#}", run.stderr);
    let skipped = report["skipped"].as_array().cloned().unwrap_or_default();
    assert!(
        skipped
            .iter()
            .any(|s| s["path"] == "vendor/lib" && s["reason"] == "submodule"),
        "{report:#}"
    );
    assert_eq!(report["stats"]["files"], 1, "{report:#}");
    let triage = requests_of(&env, TRIAGE);
    assert!(
        triage.iter().all(|b| !b.contains("Subproject commit")),
        "{triage:?}"
    );
}
