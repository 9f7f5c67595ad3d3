//! An answer the provider stopped for its content (a content filter, a
//! refusal) is no normal answer: the task fails with the reason, exit 1.

use super::truncated::stream_ending;
use crate::support;

use support::quire::{TestEnv, WIRES};

#[test]
fn a_content_filter_or_refusal_stop_fails_the_task() {
    for wire in WIRES {
        let env = TestEnv::new(wire);
        let stop = ["content_filter", "refusal", "content_filter"];
        env.server.push_all([
            stream_ending(wire, "the start of", stop),
            stream_ending(wire, "the start of", stop),
        ]);
        let run = env.exec_json("explain", &[]);
        assert_eq!(run.code, 1, "{wire}: {}", run.stderr);
        let done = run.of_type("task_completed");
        assert_eq!(done[0]["status"], "failed", "{wire}");
        let error = run.of_type("error");
        let message = error[0]["message"].as_str().unwrap_or_default();
        assert!(
            message.starts_with("the provider stopped the answer: "),
            "{wire}: {message}"
        );
        let want = if wire == "anthropic" {
            "refusal"
        } else {
            "content filter"
        };
        assert!(message.contains(want), "{wire}: {message}");

        let run = env.run(&["exec", "explain"]);
        assert_eq!(run.code, 1, "{wire}: {}", run.stderr);
        assert!(
            run.stderr
                .contains("error: the provider stopped the answer"),
            "{wire}: {}",
            run.stderr
        );
    }
}
