//! A streamable-HTTP server's answer over quire's size limit fails that
//! request only: the server is not taken for stopped, not restarted, not
//! marked failed, and its other tools stay.

use serde_json::json;

use super::runs::{exec_ok, outputs, warnings};
use super::support::model_server::Reply;
use super::web_py;

/// A stateless streamable-HTTP MCP server with the tools `echo` and
/// `huge` (17 MiB of text, sent as one JSON body with its length). It
/// prints its URL, then counts its `initialize` requests in `inits` (the
/// file named by its first argument).
const ANSWERS: &str = r#"if meth == "tools/list": return reply({"tools": [tool("echo"), tool("huge")]})
if meth == "tools/call" and m["params"]["name"] == "huge":
    return reply({"content": [{"type": "text", "text": "A" * (17 * 1024 * 1024)}]})
if meth == "tools/call": return reply({"content": [{"type": "text", "text": "echoed"}]})"#;

/// Tester's finding: over HTTP one result over 16 MiB was taken for the
/// server crashing: the model was told it stopped and was restarting,
/// and the fourth such call marked it failed, its other tools gone.
#[test]
fn an_http_answer_over_the_limit_fails_the_call_and_leaves_the_server_running() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, env) = web_py::with_env(dir.path(), &web_py::script("", ANSWERS), "inits", "");
    let huge = |id: &str| Reply::tool_call(id, "mcp__web__huge", json!({}));
    let run = exec_ok(
        &env,
        "use the server",
        [
            huge("c1"),
            huge("c2"),
            huge("c3"),
            huge("c4"),
            Reply::tool_call("c5", "mcp__web__echo", json!({})),
            Reply::text("done"),
        ],
    );
    let outputs = outputs(&run);
    assert_eq!(outputs.len(), 5, "{outputs:?}");
    for (status, out) in outputs.iter().take(4) {
        assert_eq!(status, "failed", "{out}");
        assert!(
            out.contains("sent an answer larger than 16 MiB")
                && out.contains("the server keeps running"),
            "{out}"
        );
        assert!(!out.contains("stopped"), "{out}");
    }
    assert_eq!(outputs[4].1, "echoed", "{outputs:?}");
    let warnings = warnings(&run);
    assert!(
        !warnings.iter().any(|w| w.contains("MCP server 'web'")),
        "{warnings:?}"
    );
    let inits = std::fs::read_to_string(dir.path().join("inits")).unwrap_or_default();
    assert_eq!(inits.lines().count(), 1, "connected again: {inits}");
}
