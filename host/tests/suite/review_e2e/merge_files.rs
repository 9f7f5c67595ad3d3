//! The merge pass only merges: a finding it returns on a file the review
//! did not look at (`?`, a file not in the change) is dropped with a
//! warning, the deep passes' findings are kept when nothing usable is
//! left; a deep pass's finding on a file not in the change never reaches
//! it.

use serde_json::{Value, json};

use super::repo::*;

fn patch_of(file: &str) -> String {
    format!(
        "*** Begin Patch\n*** Update File: {file}\n@@\n-fn a() {{ A_MARK }}\n+fn a() {{}}\n*** End Patch\n"
    )
}

#[test]
fn merge_findings_on_files_not_reviewed_are_dropped() {
    let env = repo_with(&[("a.rs", "fn a() {}\n")]);
    env.write("a.rs", "fn a() { A_MARK }\n");
    let mut real = finding("a.rs", 1, "P1", "bug in a.rs");
    real["suggested_patch"] = json!(patch_of("a.rs"));
    let mut invented = finding("?", 1, "P1", "bug in ?");
    invented["suggested_patch"] = json!(patch_of("?"));
    env.server.push_keyed(TRIAGE, flags(&["H1"]));
    env.server.push_keyed("AREA: a.rs", findings(json!([real])));
    env.server.push_keyed(MERGE, findings(json!([invented])));
    let (run, report) = review_json(&env, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    super::outputs::check_report_schema(&report);
    let list = report["findings"].as_array().cloned().unwrap_or_default();
    let files: Vec<&Value> = list.iter().map(|f| &f["file"]).collect();
    assert_eq!(files, vec!["a.rs"], "{report:#}");
    assert!(list[0]["suggested_patch"].is_string(), "{report:#}");
    let warned = report["warnings"].as_array().is_some_and(|w| {
        w.iter().any(|w| {
            w.as_str().is_some_and(|w| {
                w.contains("merge pass: 1 finding(s) on files not reviewed (?) dropped")
            })
        })
    });
    assert!(warned, "{report:#}");
    assert!(
        run.stderr.contains("files not reviewed (?) dropped"),
        "{}",
        run.stderr
    );
}

/// A deep pass's finding (with a patch) on a file the change did not
/// touch is dropped before the merge pass, which cannot bring it back.
#[test]
fn a_finding_and_patch_on_a_file_not_in_the_change_are_dropped() {
    let env = repo_with(&[("a.rs", "fn a() {}\n"), ("other.rs", "fn a() { A_MARK }\n")]);
    env.write("a.rs", "fn a() { A_MARK }\n");
    let mut elsewhere = finding("other.rs", 1, "P1", "same bug in other.rs");
    elsewhere["suggested_patch"] = json!(patch_of("other.rs"));
    env.server.push_keyed(TRIAGE, flags(&["H1"]));
    env.server
        .push_keyed("AREA: a.rs", findings(json!([elsewhere.clone()])));
    env.server.push_keyed(MERGE, findings(json!([elsewhere])));
    let (run, report) = review_json(&env, &["--fail-on", "P1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(report["findings"], json!([]), "{report:#}");
    assert!(requests_of(&env, MERGE).is_empty());
    assert!(
        run.stderr
            .contains("other.rs is not part of the reviewed change"),
        "{}",
        run.stderr
    );
    assert_eq!(env.read("other.rs"), "fn a() { A_MARK }\n");
}

#[test]
fn a_finding_title_with_a_newline_stays_on_one_line() {
    let env = repo_with(&[("a.rs", "fn a() {}\n")]);
    env.write("a.rs", "fn a() { A_MARK }\n");
    let f = finding("a.rs", 1, "P1", "bug in new\nline.rs");
    env.server.push_keyed(TRIAGE, flags(&["H1"]));
    env.server
        .push_keyed("AREA: a.rs", findings(json!([f.clone()])));
    env.server.push_keyed(MERGE, findings(json!([f])));
    let run = env.run(&["review"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let line = run
        .stdout
        .lines()
        .find(|l| l.contains("bug in new"))
        .unwrap_or_else(|| panic!("no finding line: {}", run.stdout));
    assert!(
        line.contains("bug in new\\nline.rs [correctness]") && line.contains("confidence"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.lines().any(|l| l.starts_with("line.rs")),
        "{}",
        run.stdout
    );
}
