//! A streamable-HTTP server's answer over quire's size limit fails that
//! request only: the server is not taken for stopped, not restarted, not
//! marked failed, and its other tools stay.

use serde_json::json;

use super::support::model_server::Reply;
use super::support::quire::TestEnv;

/// A stateless streamable-HTTP MCP server with the tools `echo` and
/// `huge` (17 MiB of text, sent as one JSON body with its length). It
/// prints its URL, then counts its `initialize` requests in `inits` (the
/// file named by its second argument).
const SERVER: &str = r#"import json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
inits = sys.argv[1]
tool = lambda n: {"name": n, "description": n, "inputSchema": {"type": "object"}}
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def send(self, body, kind="application/json", status=200):
        self.send_response(status); self.send_header("content-type", kind)
        self.send_header("content-length", str(len(body))); self.end_headers()
        try: self.wfile.write(body)
        except Exception: self.close_connection = True
    def do_GET(self): self.send(b"", "text/plain", 405)
    def do_DELETE(self): self.send(b"", "text/plain", 200)
    def do_POST(self):
        m = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
        i, meth = m.get("id"), m.get("method")
        if i is None: return self.send(b"", "text/plain", 202)
        reply = lambda r: self.send(json.dumps({"jsonrpc": "2.0", "id": i, "result": r}).encode())
        if meth == "initialize":
            open(inits, "a").write("init\n")
            return reply({"protocolVersion": m["params"]["protocolVersion"], "capabilities": {"tools": {}}, "serverInfo": {"name": "web", "version": "1"}})
        if meth == "tools/list": return reply({"tools": [tool("echo"), tool("huge")]})
        if meth == "tools/call" and m["params"]["name"] == "huge":
            return reply({"content": [{"type": "text", "text": "A" * (17 * 1024 * 1024)}]})
        if meth == "tools/call": return reply({"content": [{"type": "text", "text": "echoed"}]})
        reply({})
s = ThreadingHTTPServer(("127.0.0.1", 0), H)
print(f"http://127.0.0.1:{s.server_address[1]}/mcp", flush=True)
s.serve_forever()
"#;

fn start(dir: &std::path::Path) -> (super::web_py::WebServer, String) {
    super::web_py::start(dir, SERVER, &dir.join("inits"))
}

/// Tester's finding: over HTTP one result over 16 MiB was taken for the
/// server crashing: the model was told it stopped and was restarting,
/// and the fourth such call marked it failed, its other tools gone.
#[test]
fn an_http_answer_over_the_limit_fails_the_call_and_leaves_the_server_running() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, url) = start(dir.path());
    let env = TestEnv::with_config("responses", &format!("[mcp_servers.web]\nurl = {url:?}\n"));
    let huge = |id: &str| Reply::tool_call(id, "mcp__web__huge", json!({}));
    env.server.push_all([
        huge("c1"),
        huge("c2"),
        huge("c3"),
        huge("c4"),
        Reply::tool_call("c5", "mcp__web__echo", json!({})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("use the server", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = run.of_type("tool_completed");
    let outputs: Vec<&str> = done
        .iter()
        .map(|e| e["output"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(outputs.len(), 5, "{outputs:?}");
    for (e, out) in done.iter().zip(&outputs).take(4) {
        assert_eq!(e["status"], "failed", "{out}");
        assert!(
            out.contains("sent an answer larger than 16 MiB")
                && out.contains("the server keeps running"),
            "{out}"
        );
        assert!(!out.contains("stopped"), "{out}");
    }
    assert_eq!(outputs[4], "echoed", "{outputs:?}");
    let warnings: Vec<String> = run
        .of_type("warning")
        .iter()
        .filter_map(|w| w["message"].as_str().map(str::to_string))
        .collect();
    assert!(
        !warnings.iter().any(|w| w.contains("MCP server 'web'")),
        "{warnings:?}"
    );
    let inits = std::fs::read_to_string(dir.path().join("inits")).unwrap_or_default();
    assert_eq!(inits.lines().count(), 1, "connected again: {inits}");
}
