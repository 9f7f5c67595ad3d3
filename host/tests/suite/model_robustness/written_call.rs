//! A tool call the server left as text (llama-server without `--jinja`,
//! vLLM without a tool-call parser): nothing runs, so `quire exec` must
//! not report the task done; it fails naming the server flags.

use crate::support;

use support::model_server::Reply;
use support::quire::TestEnv;

#[test]
fn a_tool_call_written_as_text_fails_the_task_naming_the_server_flags() {
    for wire in ["chat", "responses"] {
        let env = TestEnv::new(wire);
        env.server.push(Reply::text(
            "<tool_call>{\"name\": \"shell\", \"arguments\": {\"command\": \"ls\"}}</tool_call>",
        ));
        let run = env.exec_json("list the files", &[]);
        assert_eq!(run.code, 1, "{wire}: {}", run.stderr);
        let done = run.of_type("task_completed");
        assert_eq!(done[0]["status"], "failed", "{wire}: {done:?}");
        let message = run.of_type("error")[0]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(message.contains("<tool_call>"), "{message}");
        assert!(message.contains("--jinja"), "{message}");
        assert!(run.of_type("tool_started").is_empty(), "{:?}", run.types());
    }
}

/// An answer that only mentions such markers is an answer.
#[test]
fn an_answer_that_mentions_a_call_is_done() {
    let env = TestEnv::new("chat");
    env.server
        .push(Reply::text("Done: servers show <tool_call> blocks when…"));
    let run = env.exec_json("explain", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}
