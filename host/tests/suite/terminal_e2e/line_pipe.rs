//! The line mode with its stdout piped (`quire < tasks.txt | next-step`):
//! as with `quire exec`, stdout gets only each task's answer; the messages
//! before more work and the tool lines go to stderr.

use serde_json::json;

use super::line_session::line_mode;
use crate::support::model_server::{Reply, Step};
use crate::support::quire::TestEnv;

#[test]
fn a_piped_stdout_gets_only_each_tasks_answer() {
    let env = TestEnv::new("chat");
    env.server.push_all([
        // First message: a step on the way, a tool call, then the answer.
        Reply::steps(vec![
            Step::text("STEP-ONE looking around first."),
            Step::tool_call("c1", "list_dir", json!({})),
        ]),
        Reply::text("ANSWER-ONE"),
        // Second message: answered at once.
        Reply::text("ANSWER-TWO"),
    ]);
    let r = line_mode(&env, "first task\nsecond task\n");
    assert_eq!(r.stdout, "ANSWER-ONE\nANSWER-TWO\n", "stderr: {}", r.stderr);
    assert!(
        r.stderr.contains("STEP-ONE looking around first."),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("list_dir"), "{}", r.stderr);
}
