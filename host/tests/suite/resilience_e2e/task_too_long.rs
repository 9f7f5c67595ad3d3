//! A task whose message alone (here: piped input) is too long for the
//! model: the server refuses the first request, and quire says the task
//! itself does not fit — its size against the window, and to send less —
//! without a doomed hand-off request and without advice that cannot help
//! (a new session, `--resume`).

use crate::support;

use serde_json::json;
use support::model_server::Reply;
use support::quire::TestEnv;

#[test]
fn a_task_too_long_alone_is_told_to_send_less_not_to_start_a_new_session() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::status_with_body(
        400,
        json!({"error": {
            "message": "This model's maximum context length is 128000 tokens. However, your messages resulted in 536121 tokens. Please reduce the length of the messages.",
            "type": "invalid_request_error",
            "code": "context_length_exceeded"
        }}),
    ));
    // Nothing else is scripted: a hand-off request would get an error.
    let input = "alpha beta gamma delta lorem ipsum\n".repeat(60_000);
    let run = env.run_with_input(&["exec", "--json", "-"], &input);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(env.server.requests().len(), 1, "no hand-off request");
    let errors: Vec<String> = run
        .stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["type"] == "error")
        .filter_map(|v| v["message"].as_str().map(str::to_string))
        .collect();
    assert_eq!(errors.len(), 1, "{}", run.stdout);
    let e = &errors[0];
    for part in [
        "maximum context length is 128000 tokens",
        "The task alone does not fit",
        // 2.1 MB of input, about 4 bytes a token.
        "is about 540,",
        "context window is 128,000 tokens",
        "Send less",
        "larger context window",
    ] {
        assert!(e.contains(part), "{part}: {e}");
    }
    for wrong in ["compaction failed", "new session", "--resume", "hand-off"] {
        assert!(!e.contains(wrong), "{wrong}: {e}");
    }
}
