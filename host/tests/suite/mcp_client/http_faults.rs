//! A streamable-HTTP server that is up but answers one request badly (HTTP
//! 500, 429, a page of HTML, a response stream closed before the answer)
//! fails that request only, saying what it answered: it is not taken for
//! stopped, not restarted, not marked failed. A resource list whose
//! cursor comes back again stops at once and fails the call.

use serde_json::json;

use super::runs::{exec_ok, outputs, warnings};
use super::support::model_server::Reply;
use super::support::quire::TestEnv;
use super::web_py;

/// A stateless streamable-HTTP MCP server. Tools: `echo`; `boom` (HTTP
/// 500, a text body); `busy` (HTTP 429, Retry-After: 7); `html` (200
/// text/html); `cut` (an event stream closed before the answer). Its
/// resources/list always names the same next cursor. It prints its URL,
/// then appends `init` to the file named by its first argument for each
/// `initialize` and `list` for each resources/list.
const ANSWERS: &str = r#"if meth == "tools/list": return reply({"tools": [tool(n) for n in ["echo", "boom", "busy", "html", "cut"]]})
if meth == "resources/list":
    open(log, "a").write("list\n")
    return reply({"resources": [{"uri": "mem://r", "name": "r"}], "nextCursor": "same"})
if meth == "resources/templates/list": return reply({"resourceTemplates": []})
name = (m.get("params") or {}).get("name")
if meth == "tools/call" and name == "boom":
    return self.send(b"Traceback: KeyError 'x'", "text/plain", 500)
if meth == "tools/call" and name == "busy":
    return self.send(b'{"error":"rate limited"}', "application/json", 429, [("retry-after", "7")])
if meth == "tools/call" and name == "html":
    return self.send(b"<html>hello \x1b[2J</html>", "text/html")
if meth == "tools/call" and name == "cut":
    self.send_response(200); self.send_header("content-type", "text/event-stream"); self.end_headers()
    self.wfile.write(b": hi\n\n"); self.wfile.flush(); self.close_connection = True
    return
if meth == "tools/call": return reply({"content": [{"type": "text", "text": "echoed"}]})"#;

/// The server, logging into `log` in `dir`, and an env using it.
fn start(dir: &std::path::Path, keys: &str) -> (web_py::WebServer, TestEnv) {
    let setup = r#"capabilities = {"tools": {}, "resources": {}}"#;
    web_py::with_env(dir, &web_py::script(setup, ANSWERS), "log", keys)
}

/// Lines of the server's log that are `what`.
fn logged(dir: &std::path::Path, what: &str) -> usize {
    std::fs::read_to_string(dir.join("log"))
        .unwrap_or_default()
        .lines()
        .filter(|l| *l == what)
        .count()
}

/// Tester's finding: each of these answers was taken for the server
/// stopping: "stopped during the call … can be tried again", a restart
/// spent, and the fourth marked the server failed, its tools gone.
#[test]
fn a_bad_http_answer_fails_that_call_only_and_names_what_came() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, env) = start(dir.path(), "");
    let call = |id: &str, tool: &str| Reply::tool_call(id, format!("mcp__web__{tool}"), json!({}));
    let run = exec_ok(
        &env,
        "use the server",
        [
            call("c1", "boom"),
            call("c2", "boom"),
            call("c3", "boom"),
            call("c4", "boom"),
            call("c5", "busy"),
            call("c6", "html"),
            call("c7", "cut"),
            call("c8", "echo"),
            Reply::text("done"),
        ],
    );
    let outputs = outputs(&run);
    assert_eq!(outputs.len(), 8, "{outputs:?}");
    for (_, out) in &outputs[..4] {
        assert!(
            out.contains("'web' answered HTTP 500 Internal Server Error")
                && out.contains("the server keeps running"),
            "{out}"
        );
    }
    for (status, out) in outputs.iter().take(7) {
        assert_eq!(status, "failed", "{out}");
        assert!(
            !out.contains("stopped") && !out.contains("tried again"),
            "{out}"
        );
    }
    let out = |i: usize| outputs[i].1.as_str();
    assert!(
        out(4).contains("rate-limited quire (HTTP 429 Too Many Requests, retry after 7 s)"),
        "{}",
        out(4)
    );
    assert!(
        out(5).contains("content type 'text/html'") && !out(5).contains('\u{1b}'),
        "{}",
        out(5)
    );
    assert!(
        out(6).contains("closed the response stream before it answered"),
        "{}",
        out(6)
    );
    assert_eq!(out(7), "echoed", "{outputs:?}");
    let warnings = warnings(&run);
    assert!(
        !warnings.iter().any(|w| w.contains("MCP server 'web'")),
        "{warnings:?}"
    );
    assert_eq!(logged(dir.path(), "init"), 1, "connected again");
}

/// Tester's finding: `mcp_resources list` followed a next cursor that
/// never changed until the tool timeout (tens of thousands of requests),
/// and the timed-out list was `status: ok`.
#[test]
fn a_resource_list_whose_cursor_repeats_stops_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, env) = start(dir.path(), "tool_timeout_sec = 60\n");
    let run = exec_ok(
        &env,
        "list the resources",
        [
            Reply::tool_call("c1", "mcp_resources", json!({"action": "list"})),
            Reply::text("done"),
        ],
    );
    let done = run.of_type("tool_completed");
    assert_eq!(done.len(), 1, "{}", run.stdout);
    let out = done[0]["output"].as_str().unwrap_or_default();
    assert_eq!(done[0]["status"], "failed", "{out}");
    assert!(
        out.contains("the MCP server 'web'")
            && out.contains("resources/list answered the cursor \"same\" a second time"),
        "{out}"
    );
    assert!(logged(dir.path(), "list") <= 3, "asked again and again");
}
