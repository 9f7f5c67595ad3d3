//! A suggested patch the human view refuses is never offered as
//! applicable by the machine outputs: `--json` leaves it out and says
//! why (`suggested_patch_refused`), SARIF says there is none, GitHub
//! annotations offer no `apply`, and `apply` refuses it.

use serde_json::{Value, json};

use super::outputs::check_report_schema;
use super::repo::*;
use crate::support::quire::TestEnv;

const GOOD: &str = "*** Begin Patch\n*** Update File: b.rs\n@@\n-fn c() { let q = format!(\"SELECT {}\", x); }\n+fn c() { let q = query::select(x); }\n*** End Patch\n";
const EVIL: &str = "*** Begin Patch\n*** Add File: ../evil.txt\n+x\n*** End Patch\n";

/// A repository whose every review finds two findings on b.rs: one with
/// a patch of b.rs, one with a patch adding `../evil.txt`.
fn two_findings() -> TestEnv {
    let env = repo_with(&[("b.rs", "fn b() {}\n")]);
    env.write(
        "b.rs",
        "fn b() {}\nfn c() { let q = format!(\"SELECT {}\", x); }\n",
    );
    env
}

fn script(env: &TestEnv) {
    let mut good = finding("b.rs", 2, "P1", "SQL built by hand");
    good["suggested_patch"] = json!(GOOD);
    let mut evil = finding("b.rs", 1, "P2", "evil patch");
    evil["suggested_patch"] = json!(EVIL);
    let both = json!([good, evil]);
    env.server.push_keyed(TRIAGE, flags(&["H1"]));
    env.server.push_keyed("AREA: b.rs", findings(both.clone()));
    env.server.push_keyed(MERGE, findings(both));
}

fn by_title<'a>(list: &'a [Value], title: &str) -> &'a Value {
    list.iter()
        .find(|f| f["title"] == title)
        .unwrap_or_else(|| panic!("no finding {title} in {list:#?}"))
}

#[test]
fn a_refused_patch_is_not_given_as_applicable_by_any_output() {
    let env = two_findings();
    script(&env);
    let run = env.run(&["review"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("suggested fix refused: it touches ../evil.txt: a suggested patch must name files from the repository's root"),
        "{}",
        run.stdout
    );

    script(&env);
    let (run, report) = review_json(&env, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    check_report_schema(&report);
    let list = report["findings"].as_array().cloned().unwrap_or_default();
    let evil = by_title(&list, "evil patch");
    assert!(
        evil.get("suggested_patch").is_none(),
        "a refused patch is left out: {evil:#}"
    );
    let why = evil["suggested_patch_refused"].as_str().unwrap_or_default();
    assert!(
        why.contains("../evil.txt") && why.contains("no absolute path, no .."),
        "{evil:#}"
    );
    let good = by_title(&list, "SQL built by hand");
    assert_eq!(good["suggested_patch"], GOOD.trim(), "{good:#}");
    assert!(good.get("suggested_patch_refused").is_none(), "{good:#}");
    let evil_id = evil["id"].as_str().expect("an id").to_string();

    script(&env);
    let run = env.run(&["review", "--format", "sarif"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let sarif: Value = serde_json::from_str(&run.stdout).expect("SARIF is JSON");
    let results = sarif["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let props = &results
        .iter()
        .find(|r| r["properties"]["id"] == evil_id.as_str())
        .expect("the refused finding in SARIF")["properties"];
    assert_eq!(props["hasSuggestedPatch"], false, "{props:#}");
    assert!(
        props["suggestedPatchRefused"]
            .as_str()
            .is_some_and(|w| w.contains("../evil.txt")),
        "{props:#}"
    );

    script(&env);
    let run = env.run(&["review", "--format", "github"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let line = run
        .stdout
        .lines()
        .find(|l| l.contains(&evil_id))
        .expect(&run.stdout);
    assert!(!line.contains("quire review apply"), "{line}");

    // The last review kept is the same report: apply refuses, by reason.
    let run = env.run(&["review", "apply", "--yes", &evil_id]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.contains("refused the suggested patch")
            && run
                .stderr
                .contains("it touches ../evil.txt: a suggested patch must name files"),
        "{}",
        run.stderr
    );
    let outside = env.repo.path().parent().map(|p| p.join("evil.txt"));
    assert!(outside.is_some_and(|p| !p.exists()), "evil.txt was written");
}

/// The same finding twice (same place, same title) with these patches,
/// as the merge pass answers: merged into one.
fn script_repeats(env: &TestEnv, patches: [&str; 2]) {
    let repeats: Vec<Value> = patches
        .iter()
        .map(|p| {
            let mut f = finding("b.rs", 2, "P1", "SQL built by hand");
            f["suggested_patch"] = json!(p);
            f
        })
        .collect();
    env.server.push_keyed(TRIAGE, flags(&["H1"]));
    env.server
        .push_keyed("AREA: b.rs", findings(json!(repeats.clone())));
    env.server.push_keyed(MERGE, findings(json!(repeats)));
}

/// The one finding of a review whose findings were `patches`' repeats.
fn merged_repeat(env: &TestEnv, patches: [&str; 2]) -> Value {
    script_repeats(env, patches);
    let (run, report) = review_json(env, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    check_report_schema(&report);
    let list = report["findings"].as_array().cloned().unwrap_or_default();
    assert_eq!(list.len(), 1, "the repeats are merged: {list:#?}");
    list[0].clone()
}

#[test]
fn merged_repeats_keep_a_patch_that_is_not_refused() {
    let env = two_findings();
    let kept = merged_repeat(&env, [EVIL, GOOD]);
    assert_eq!(kept["suggested_patch"], GOOD.trim(), "{kept:#}");
    assert!(kept.get("suggested_patch_refused").is_none(), "{kept:#}");
    let id = kept["id"].as_str().expect("an id").to_string();
    let run = env.run(&["review", "apply", "--yes", &id]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(env.read("b.rs").contains("query::select(x)"));

    // Every repeat refused: none is offered, and why is said.
    let env = two_findings();
    let kept = merged_repeat(&env, [EVIL, EVIL]);
    assert!(kept.get("suggested_patch").is_none(), "{kept:#}");
    let why = kept["suggested_patch_refused"].as_str().unwrap_or_default();
    assert!(why.contains("../evil.txt"), "{kept:#}");
}
