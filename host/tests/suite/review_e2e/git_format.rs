//! `quire review` reads git's diff as git writes it by default, whatever
//! the user's or the repository's setup says about its format: `a/` and
//! `b/` prefixes, paths from the top, no colours.

use serde_json::json;

use super::repo::*;

#[test]
fn a_review_reads_the_diff_whatever_its_format_settings() {
    let env = repo_with(&[("sub/a.rs", "fn a() {}\n")]);
    crate::support::git_format::unusual(&env.repo_path());
    env.write("sub/a.rs", "fn a() { A_MARK }\n");
    env.server.push_keyed(TRIAGE, flags(&["H1"]));
    let found = findings(json!([finding("sub/a.rs", 1, "P1", "bug in a")]));
    env.server.push_keyed("AREA: sub/a.rs", found.clone());
    env.server.push_keyed(MERGE, found);
    let (run, report) = review_json(&env, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let triage = requests_of(&env, TRIAGE).concat();
    assert!(
        triage.contains("### H1 sub/a.rs (new lines 1-1)"),
        "{triage}"
    );
    assert!(triage.contains("1 |+fn a() { A_MARK }"), "{triage}");
    assert!(!triage.contains("\\u001b"), "colours: {triage}");
    let files: Vec<_> = report["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|f| f["file"].clone())
        .collect();
    assert_eq!(files, vec![json!("sub/a.rs")], "{report:#}");
}
