//! A task run against the scripted model in a test's env, and what its
//! events say: the steps the tests of one server's answers share.

use super::support::model_server::Reply;
use super::support::quire::{Run, TestEnv};

/// Scripts the model's `replies`, runs `quire exec --json PROMPT` and
/// checks it exits 0.
pub(super) fn exec_ok(
    env: &TestEnv,
    prompt: &str,
    replies: impl IntoIterator<Item = Reply>,
) -> Run {
    env.server.push_all(replies);
    let run = env.exec_json(prompt, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run
}

/// The output of the call `id`; a run without it fails the test.
pub(super) fn output(run: &Run, id: &str) -> String {
    let done = run.of_type("tool_completed");
    done.iter()
        .find(|e| e["call_id"] == id)
        .and_then(|e| e["output"].as_str())
        .unwrap_or_else(|| panic!("no output for {id}: {done:?}"))
        .to_string()
}

/// The status and output of each call, in order.
pub(super) fn outputs(run: &Run) -> Vec<(String, String)> {
    run.of_type("tool_completed")
        .iter()
        .map(|e| {
            (
                e["status"].as_str().unwrap_or_default().to_string(),
                e["output"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// The messages of the run's warnings.
pub(super) fn warnings(run: &Run) -> Vec<String> {
    let messages = run.of_type("warning").into_iter();
    messages
        .filter_map(|w| w["message"].as_str())
        .map(str::to_string)
        .collect()
}

/// The names of the MCP tools (`mcp__…`) a Chat Completions request
/// offers, in its order.
pub(super) fn mcp_tools(body: &serde_json::Value) -> Vec<&str> {
    body["tools"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["function"]["name"].as_str())
        .filter(|n| n.starts_with("mcp__"))
        .collect()
}
