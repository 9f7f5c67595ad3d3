//! A streamable-HTTP MCP server written in Python for one test (its
//! answers given by the test, [`script`] adds what every such server
//! shares): started on a free port of 127.0.0.1, its URL read from its
//! first line, killed when dropped.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use super::support::quire::TestEnv;

/// A stateless server's part every test shares: `log` is the file named
/// by its first argument, `tool(n)` a tool without parameters,
/// `self.send(body, kind, status, extra)` an HTTP answer (a peer gone
/// while it writes closes the connection), `reply(r)` a JSON-RPC result;
/// notifications get 202, `initialize` appends `init` to `log` and
/// answers with `capabilities` (tools only unless the test sets it).
const HEAD: &str = r#"import json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
log = sys.argv[1]
capabilities = {"tools": {}}
tool = lambda n: {"name": n, "description": n, "inputSchema": {"type": "object"}}
"#;

const HANDLER: &str = r#"
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def send(self, body, kind="application/json", status=200, extra=()):
        self.send_response(status); self.send_header("content-type", kind)
        for k, v in extra: self.send_header(k, v)
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
            open(log, "a").write("init\n")
            return reply({"protocolVersion": m["params"]["protocolVersion"], "capabilities": capabilities, "serverInfo": {"name": "web", "version": "1"}})
"#;

const TAIL: &str = r#"        reply({})
s = ThreadingHTTPServer(("127.0.0.1", 0), H)
print(f"http://127.0.0.1:{s.server_address[1]}/mcp", flush=True)
s.serve_forever()
"#;

/// The script of a server: `setup` is Python run first (it may set
/// `capabilities`), `answers` the lines of `do_POST` after `initialize`
/// (with `self`, `m` the request, `meth` its method and `reply`); a
/// request they do not answer gets an empty result.
pub(super) fn script(setup: &str, answers: &str) -> String {
    let body: String = answers.lines().map(|l| format!("        {l}\n")).collect();
    format!("{HEAD}{setup}{HANDLER}{body}{TAIL}")
}

/// The server, killed when dropped.
pub(super) struct WebServer(Child);

impl Drop for WebServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Writes `script` into `dir` and runs it with `arg`; the server and
/// the URL it printed.
pub(super) fn start(dir: &Path, script: &str, arg: &Path) -> (WebServer, String) {
    let path = dir.join("web.py");
    std::fs::write(&path, script).unwrap();
    let mut python = Command::new("python3");
    python.arg(&path).arg(arg);
    let (child, url) = spawn(python);
    (WebServer(child), url)
}

/// Runs `python` (a server printing its address first), its stderr
/// dropped; the process and the address, an `http://127.0.0.1:` URL.
pub(super) fn spawn(mut python: Command) -> (Child, String) {
    let mut child = python
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 runs the HTTP test server");
    let mut url = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut url)
        .unwrap();
    assert!(url.starts_with("http://127.0.0.1:"), "{url:?}");
    (child, url.trim().to_string())
}

/// Starts the server `script` in `dir` (`log` its first argument) and a
/// Responses test env whose config names it `web`, with the keys in
/// `keys`.
pub(super) fn with_env(dir: &Path, script: &str, log: &str, keys: &str) -> (WebServer, TestEnv) {
    let (server, url) = start(dir, script, &dir.join(log));
    let table = format!("[mcp_servers.web]\nurl = {url:?}\n{keys}");
    (server, TestEnv::with_config("responses", &table))
}
