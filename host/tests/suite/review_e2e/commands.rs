//! What a deep pass may run: read-only commands always (`git log`), any
//! other command (the tests) only with `--run-tests`, and then still in the
//! read-only sandbox.

use std::os::unix::fs::PermissionsExt;

use serde_json::json;

use super::repo::*;
use crate::support::model_server::Reply;
use crate::support::quire::TestEnv;

const CHECK: &str = "#!/bin/sh\necho CHECK_RAN_MARK\n";

fn repo_with_check() -> TestEnv {
    let env = repo_with(&[("a.rs", "a\n"), ("check.sh", CHECK)]);
    let check = env.repo_path().join("check.sh");
    std::fs::set_permissions(&check, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    git(&env, &["add", "check.sh"]);
    git(
        &env,
        &["commit", "-q", "-m", "SUBJECT_MARK executable check"],
    );
    env.write("a.rs", "a\nA_MARK\n");
    env
}

/// The deep pass asks for `git log`, then `./check.sh`, then answers.
fn script(env: &TestEnv) {
    env.server.push_keyed(TRIAGE, flags(&["H1"]));
    for reply in [
        Reply::tool_call("c1", "shell", json!({"command": "git log --oneline"})),
        Reply::tool_call(
            "c2",
            "shell",
            json!({"command": "./check.sh && touch WROTE_MARK"}),
        ),
        findings(json!([])),
    ] {
        env.server.push_keyed("AREA: a.rs", reply);
    }
    env.server.push_keyed(MERGE, findings(json!([])));
}

#[test]
fn deep_passes_run_read_only_commands_but_not_the_tests() {
    let env = repo_with_check();
    script(&env);
    let (run, _) = review_json(&env, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let deep = requests_of(&env, DEEP);
    assert_eq!(deep.len(), 3, "{}", run.stderr);
    assert!(deep[1].contains("SUBJECT_MARK"), "git log ran: {}", deep[1]);
    assert!(
        deep[2].contains("was not run: a review runs only read-only commands")
            && deep[2].contains("--run-tests")
            && !deep[2].contains("the user declined"),
        "the check was refused by the review's rule, not by the user: {}",
        deep[2]
    );
    assert!(!deep[2].contains("CHECK_RAN_MARK"));
    assert!(!env.repo_path().join("WROTE_MARK").exists());
}

#[test]
fn run_tests_lets_deep_passes_run_them_in_the_read_only_sandbox() {
    let env = repo_with_check();
    script(&env);
    let (run, _) = review_json(&env, &["--run-tests"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let deep = requests_of(&env, DEEP);
    assert_eq!(deep.len(), 3, "{}", run.stderr);
    assert!(
        deep[2].contains("CHECK_RAN_MARK"),
        "the check ran: {}",
        deep[2]
    );
    assert!(
        !env.repo_path().join("WROTE_MARK").exists(),
        "the sandbox is read-only"
    );
}
