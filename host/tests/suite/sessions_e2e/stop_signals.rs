//! SIGTERM and SIGHUP stop `quire exec` with 128 + the signal number, and
//! what they cut short says which signal it was, not "the user": the tool
//! result the model reads on resume, the session file and the
//! `task_completed` event. Ctrl-C still says the user interrupted.

use serde_json::json;

use super::signal;
use crate::support::model_server::Reply;
use crate::support::quire::{TestEnv, finish, wait_for_file};

fn stop_with(sig: i32) -> (i32, String, serde_json::Value, Vec<serde_json::Value>) {
    let env = TestEnv::new("chat");
    env.server.push(Reply::tool_call(
        "c1",
        "shell",
        json!({"command": "echo up > started.txt; sleep 300", "timeout_ms": 600000}),
    ));
    let child = env.spawn(&["exec", "--json", "go"]);
    wait_for_file(&env.repo_path().join("started.txt"));
    signal(child.id(), sig);
    let run = finish(child);
    let done = run.of_type("task_completed")[0].clone();
    let result = env
        .session_records()
        .into_iter()
        .find(|r| r["item"]["type"] == "tool_result")
        .expect("the cut call has a result");
    let output = result["item"]["output"].as_str().unwrap_or("").to_string();
    let completed = run.of_type("tool_completed").into_iter().cloned().collect();
    (run.code, output, done, completed)
}

#[test]
fn sigterm_and_sighup_name_the_signal_not_the_user() {
    for (sig, code, words) in [
        (libc::SIGTERM, 143, "stopped by SIGTERM"),
        (libc::SIGHUP, 129, "stopped by SIGHUP"),
    ] {
        let (got, output, done, completed) = stop_with(sig);
        assert_eq!(got, code, "{words}");
        assert!(output.contains(words), "{output}");
        assert!(!output.contains("by the user"), "{output}");
        assert_eq!(done["status"], "interrupted");
        assert!(
            done["reason"].as_str().unwrap_or("").starts_with(words),
            "{done}"
        );
        assert_eq!(completed[0]["status"], "interrupted");
        assert!(
            completed[0]["output"]
                .as_str()
                .unwrap_or("")
                .contains(words),
            "{}",
            completed[0]
        );
    }
}

#[test]
fn sigint_is_still_the_user() {
    let (code, output, done, _) = stop_with(libc::SIGINT);
    assert_eq!(code, 130);
    assert!(output.contains("interrupted by the user"), "{output}");
    assert_eq!(done["reason"], "interrupted by the user");
}
