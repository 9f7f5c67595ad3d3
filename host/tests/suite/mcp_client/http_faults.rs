//! A streamable-HTTP server that is up but answers one request badly (HTTP
//! 500, 429, a page of HTML, a response stream closed before the answer)
//! fails that request only, saying what it answered: it is not taken for
//! stopped, not restarted, not marked failed. A resource list whose
//! cursor comes back again stops at once and fails the call.

use serde_json::json;

use super::support::model_server::Reply;
use super::support::quire::TestEnv;

/// A stateless streamable-HTTP MCP server. Tools: `echo`; `boom` (HTTP
/// 500, a text body); `busy` (HTTP 429, Retry-After: 7); `html` (200
/// text/html); `cut` (an event stream closed before the answer). Its
/// resources/list always names the same next cursor. It prints its URL,
/// then appends `init` to the file named by its first argument for each
/// `initialize` and `list` for each resources/list.
const SERVER: &str = r#"import json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
log = sys.argv[1]
tool = lambda n: {"name": n, "description": n, "inputSchema": {"type": "object"}}
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def send(self, body, kind="application/json", status=200, extra=()):
        self.send_response(status); self.send_header("content-type", kind)
        for k, v in extra: self.send_header(k, v)
        self.send_header("content-length", str(len(body))); self.end_headers()
        self.wfile.write(body)
    def do_GET(self): self.send(b"", "text/plain", 405)
    def do_DELETE(self): self.send(b"", "text/plain", 200)
    def do_POST(self):
        m = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
        i, meth = m.get("id"), m.get("method")
        if i is None: return self.send(b"", "text/plain", 202)
        reply = lambda r: self.send(json.dumps({"jsonrpc": "2.0", "id": i, "result": r}).encode())
        if meth == "initialize":
            open(log, "a").write("init\n")
            return reply({"protocolVersion": m["params"]["protocolVersion"], "capabilities": {"tools": {}, "resources": {}}, "serverInfo": {"name": "web", "version": "1"}})
        if meth == "tools/list": return reply({"tools": [tool(n) for n in ["echo", "boom", "busy", "html", "cut"]]})
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
        if meth == "tools/call": return reply({"content": [{"type": "text", "text": "echoed"}]})
        reply({})
s = ThreadingHTTPServer(("127.0.0.1", 0), H)
print(f"http://127.0.0.1:{s.server_address[1]}/mcp", flush=True)
s.serve_forever()
"#;

fn start(dir: &std::path::Path) -> (super::web_py::WebServer, String) {
    super::web_py::start(dir, SERVER, &dir.join("log"))
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
    let (_server, url) = start(dir.path());
    let env = TestEnv::with_config("responses", &format!("[mcp_servers.web]\nurl = {url:?}\n"));
    let call = |id: &str, tool: &str| Reply::tool_call(id, format!("mcp__web__{tool}"), json!({}));
    env.server.push_all([
        call("c1", "boom"),
        call("c2", "boom"),
        call("c3", "boom"),
        call("c4", "boom"),
        call("c5", "busy"),
        call("c6", "html"),
        call("c7", "cut"),
        call("c8", "echo"),
        Reply::text("done"),
    ]);
    let run = env.exec_json("use the server", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = run.of_type("tool_completed");
    let outputs: Vec<&str> = done
        .iter()
        .map(|e| e["output"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(outputs.len(), 8, "{outputs:?}");
    for (e, out) in done.iter().zip(&outputs).take(7) {
        assert_eq!(e["status"], "failed", "{out}");
        assert!(
            !out.contains("stopped") && !out.contains("tried again"),
            "{out}"
        );
    }
    for out in &outputs[..4] {
        assert!(
            out.contains("'web' answered HTTP 500 Internal Server Error")
                && out.contains("the server keeps running"),
            "{out}"
        );
    }
    assert!(
        outputs[4].contains("rate-limited quire (HTTP 429 Too Many Requests, retry after 7 s)"),
        "{}",
        outputs[4]
    );
    assert!(
        outputs[5].contains("content type 'text/html'") && !outputs[5].contains('\u{1b}'),
        "{}",
        outputs[5]
    );
    assert!(
        outputs[6].contains("closed the response stream before it answered"),
        "{}",
        outputs[6]
    );
    assert_eq!(outputs[7], "echoed", "{outputs:?}");
    let warnings: Vec<String> = run
        .of_type("warning")
        .iter()
        .filter_map(|w| w["message"].as_str().map(str::to_string))
        .collect();
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
    let (_server, url) = start(dir.path());
    let env = TestEnv::with_config(
        "responses",
        &format!("[mcp_servers.web]\nurl = {url:?}\ntool_timeout_sec = 60\n"),
    );
    env.server.push_all([
        Reply::tool_call("c1", "mcp_resources", json!({"action": "list"})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("list the resources", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
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
