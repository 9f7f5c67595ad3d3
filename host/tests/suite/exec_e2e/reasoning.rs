//! A reasoning summary, as each wire API streams it, reaches the JSON
//! events and the human view (dimmed, on stderr) but never the history:
//! the next request is the same as without it, but for Anthropic's
//! thinking blocks, which go back (`thinking.rs`).

use serde_json::json;

use crate::support::model_server::{Reply, Step};
use crate::support::quire::TestEnv;

const THOUGHT: &str = "Checking which files exist first";

fn script(env: &TestEnv, with_reasoning: bool) {
    env.write("notes.txt", "one\ntwo\n");
    let mut first = Vec::new();
    if with_reasoning {
        first.push(Step::Reasoning(THOUGHT.into()));
    }
    first.push(Step::tool_call(
        "c1",
        "read_file",
        json!({"path": "notes.txt"}),
    ));
    let mut second = Vec::new();
    if with_reasoning {
        second.push(Step::Reasoning("Now answering".into()));
    }
    second.push(Step::text("all listed"));
    env.server
        .push_all([Reply::steps(first), Reply::steps(second)]);
}

#[test]
fn reasoning_is_streamed_as_events_and_never_sent_back() {
    for wire in ["responses", "chat", "anthropic"] {
        let env = TestEnv::new(wire);
        script(&env, true);
        let run = env.exec_json("list files", &["--approval", "never"]);
        assert_eq!(run.code, 0, "{wire}: {}", run.stderr);
        let deltas: String = run
            .of_type("reasoning_delta")
            .iter()
            .filter_map(|e| e["delta"].as_str())
            .collect();
        assert_eq!(deltas, format!("{THOUGHT}Now answering"), "{wire}");
        let done = run.of_type("message_completed");
        assert!(
            done.iter()
                .all(|e| !e["text"].as_str().unwrap_or("").contains("Checking")),
            "{wire}: reasoning is not message text: {done:?}"
        );
        let with: Vec<String> = env
            .server
            .requests()
            .iter()
            .map(|r| r.raw_body.clone())
            .collect();
        assert_eq!(
            with[1].contains("Checking which files"),
            wire == "anthropic",
            "{wire}: {}",
            with[1]
        );

        // The same session without reasoning sends the same second request
        // (apart from the session's own ids).
        let plain = TestEnv::new(wire);
        script(&plain, false);
        let run = plain.exec_json("list files", &["--approval", "never"]);
        assert_eq!(run.code, 0, "{wire}: {}", run.stderr);
        // Each env's own paths aside, the items are identical.
        let items = |env: &TestEnv| {
            let body = &env.server.requests()[1].body;
            let key = if wire == "responses" {
                "input"
            } else {
                "messages"
            };
            // Anthropic's thinking blocks aside.
            let mut messages = body[key].clone();
            for m in messages.as_array_mut().into_iter().flatten() {
                if let Some(blocks) = m["content"].as_array_mut() {
                    blocks.retain(|b| b["type"] != "thinking");
                }
            }
            let text = messages
                .to_string()
                .replace(&env.repo_path().display().to_string(), "REPO")
                .replace(&env.home.path().display().to_string(), "HOME");
            serde_json::from_str::<serde_json::Value>(&text).unwrap()
        };
        assert_eq!(
            items(&env),
            items(&plain),
            "{wire}: the history is the same with and without reasoning"
        );
    }
}

#[test]
fn the_human_view_shows_reasoning_dimmed_on_stderr() {
    let env = TestEnv::new("chat");
    script(&env, true);
    let run = env.run(&["exec", "--approval", "never", "list files"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains(THOUGHT), "{}", run.stderr);
    assert!(
        !run.stdout.contains(THOUGHT),
        "stdout keeps only the answer"
    );
    assert!(run.stdout.contains("all listed"));
}
