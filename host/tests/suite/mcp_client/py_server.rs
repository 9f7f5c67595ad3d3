//! Stdio MCP servers written in Python for one test: the test gives its
//! tools and what a call does, [`script`] adds the JSON-RPC loop every
//! such server shares (`initialize`, `tools/list`, `tools/call`, anything
//! else answered empty), and [`add`] writes it into the test's home and
//! names it in its config.toml.

use std::path::{Path, PathBuf};

use super::support::quire::TestEnv;

/// What every server shares: `send(obj)` writes one JSON-RPC line,
/// `text(s)` is a result of one text block; `instructions`, when the
/// test sets it, goes into the answer to `initialize`.
const HEAD: &str = r#"import json, os, sys
def send(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()
def text(s):
    return {"content": [{"type": "text", "text": s}]}
instructions = None
"#;

/// The loop: `call(name, args, id)` returns the result of a call, or
/// None when it wrote its own answer.
const LOOP: &str = r#"
for line in sys.stdin:
    msg = json.loads(line)
    if "id" not in msg:
        continue
    method = msg["method"]
    result = {}
    if method == "initialize":
        result = {"protocolVersion": msg["params"]["protocolVersion"],
            "capabilities": {"tools": {}}, "serverInfo": {"name": SERVER_NAME, "version": "1"}}
        if instructions is not None:
            result["instructions"] = instructions
    elif method == "tools/list":
        result = {"tools": tools}
    elif method == "tools/call":
        params = msg["params"]
        result = call(params["name"], params.get("arguments") or {}, msg["id"])
    if result is not None:
        send({"jsonrpc": "2.0", "id": msg["id"], "result": result})
"#;

/// A `call` body answering `called NAME`.
pub(super) const CALLED: &str = r#"return text("called " + name)"#;

/// The script of a server that calls itself `name`: `tools` is Python
/// that sets `tools` (the list `tools/list` answers; it may set
/// `instructions` too), `call` the body of `def call(name, args, id)`.
pub(super) fn script(name: &str, tools: &str, call: &str) -> String {
    let body: String = call.lines().map(|l| format!("    {l}\n")).collect();
    format!("{HEAD}SERVER_NAME = {name:?}\n{tools}\ndef call(name, args, id):\n{body}{LOOP}")
}

/// Writes the server [`script`] makes into the env's home and adds it to
/// its config as `[mcp_servers.NAME]` with the keys in `keys`.
pub(super) fn add(env: &TestEnv, name: &str, tools: &str, call: &str, keys: &str) {
    let path = write(env, name, &script(name, tools, call));
    register(env, name, &path, keys);
}

/// Writes `script` into the env's home as `NAME_server.py`.
pub(super) fn write(env: &TestEnv, name: &str, script: &str) -> PathBuf {
    let path = env.home.path().join(format!("{name}_server.py"));
    std::fs::write(&path, script).unwrap();
    path
}

/// Adds `[mcp_servers.NAME]` running `python3 SCRIPT` to the env's
/// config, with the keys in `keys` (TOML lines).
pub(super) fn register(env: &TestEnv, name: &str, script: &Path, keys: &str) {
    append_config(
        env,
        &format!(
            "\n[mcp_servers.{name}]\ncommand = \"python3\"\nargs = [{:?}]\n{keys}\n",
            script.display().to_string()
        ),
    );
}

/// Appends `text` to the env's config.toml.
pub(super) fn append_config(env: &TestEnv, text: &str) {
    let config = env.home.path().join("config.toml");
    let mut all = std::fs::read_to_string(&config).unwrap();
    all.push_str(text);
    std::fs::write(&config, all).unwrap();
}
