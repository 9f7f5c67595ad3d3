//! `/review` in the interactive terminal, typed on a pty: a staged target
//! with instructions, the findings shown grouped by file.

use serde_json::json;

use super::repo::*;
use crate::support::pty::Pty;

#[test]
fn slash_review_in_the_terminal_view_groups_findings_by_file() {
    let env = repo_with(&[("a.rs", "fn a() {}\n"), ("b.rs", "fn b() {}\n")]);
    env.write("a.rs", "fn a() { A_MARK }\n");
    env.write("b.rs", "fn b() { B_MARK }\n");
    git(&env, &["add", "a.rs", "b.rs"]);
    env.server.push_keyed(TRIAGE, flags(&["H1", "H2"]));
    let in_a = finding("a.rs", 1, "P1", "Lock held across await");
    let in_b = finding("b.rs", 1, "P3", "Missing test for b");
    env.server
        .push_keyed("AREA: a.rs", findings(json!([in_a.clone()])));
    env.server
        .push_keyed("AREA: b.rs", findings(json!([in_b.clone()])));
    env.server.push_keyed(MERGE, findings(json!([in_b, in_a])));
    let mut pty = Pty::spawn(env.command(&[]), 40, 140);
    pty.wait_text("/help for keys");
    pty.send("/review --staged mind the locks");
    pty.send("\r");
    pty.wait_text("2 findings");
    let triage = requests_of(&env, TRIAGE);
    assert_eq!(triage.len(), 1);
    assert!(triage[0].contains("mind the locks") && triage[0].contains("A_MARK"));
    let out = pty.output();
    let at = |text: &str| {
        out.rfind(text)
            .unwrap_or_else(|| panic!("{text:?} not shown:\n{}", pty.screen()))
    };
    at("Review of staged changes");
    // Most severe first, each under its file (the last mention: agent
    // lines above name the areas too).
    assert!(at("a.rs") < at("Lock held across await"));
    assert!(at("Lock held across await") < at("b.rs"));
    assert!(at("b.rs") < at("Missing test for b"));
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn slash_review_without_a_usable_answer_is_inconclusive_not_clean() {
    let env = repo_with(&[("a.rs", "fn a() {}\n")]);
    env.write("a.rs", "fn a() { A_MARK }\n");
    git(&env, &["add", "a.rs"]);
    env.server.push_keyed(TRIAGE, flags(&["H1"]));
    env.server.push_keyed(
        "AREA: a.rs",
        crate::support::model_server::Reply::text("I looked, seems fine to me!"),
    );
    let mut pty = Pty::spawn(env.command(&[]), 40, 140);
    pty.wait_text("/help for keys");
    pty.send("/review --staged");
    pty.send("\r");
    let screen = pty.wait_text("inconclusive");
    assert!(
        screen.contains("none of the 1 deep pass(es) gave a usable answer"),
        "{screen}"
    );
    assert!(!pty.output().contains("No findings"), "{}", pty.screen());
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
}

/// Nothing staged: the view says the diff is empty, as the CLI does,
/// rather than a bare "No findings" (the unstaged change was not reviewed).
#[test]
fn slash_review_of_nothing_staged_says_the_diff_is_empty() {
    let env = repo_with(&[("a.rs", "fn a() {}\n")]);
    env.write("a.rs", "fn a() { UNSTAGED }\n");
    let mut pty = Pty::spawn(env.command(&[]), 40, 140);
    pty.wait_text("/help for keys");
    pty.send("/review --staged");
    pty.send("\r");
    let screen = pty.wait_text("the diff is empty");
    assert!(
        screen.contains("note: nothing to review: the diff is empty"),
        "{screen}"
    );
    assert!(env.server.requests().is_empty());
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
}
