//! A reply quire cannot read fails the call at once, saying why, instead
//! of waiting out `tool_timeout_sec` for an answer that never comes: one
//! over the 16 MiB message limit (rmcp drops it), and one that is not
//! JSON-RPC (quoted, bounded, its controls escaped).

use serde_json::json;

use super::py_server;
use super::runs::{exec_ok, output, warnings};
use super::support::model_server::Reply;
use super::support::quire::{Run, TestEnv};

/// `big` answers with a 17 MiB line, `garbled` with a broken reply,
/// `fine` properly.
const FAULTY: &str = r#"if name == "big":
    return text("x" * (17 * 1024 * 1024))
if name == "garbled":
    sys.stdout.write('{"jsonrpc": "2.0", "id": %s, "result": {"content": \x1b[2J oops\n' % json.dumps(id))
    sys.stdout.flush()
    return None
return text("fine")"#;

/// The calls of a task: call id, tool.
type Calls = [(&'static str, &'static str); 3];

/// Starts the server `name`, listing the tools of `calls` (no
/// parameters) and answering them with `call`, its config table holding
/// `keys`; then runs one task making `calls` in order.
fn call_all(name: &str, call: &str, keys: &str, calls: Calls) -> Run {
    let env = TestEnv::new("chat");
    let names: Vec<String> = calls.iter().map(|(_, tool)| format!("{tool:?}")).collect();
    let tools = format!(
        r#"tools = [{{"name": n, "inputSchema": {{"type": "object", "properties": {{}}}}}} for n in ({})]"#,
        names.join(", ")
    );
    py_server::add(&env, name, &tools, call, keys);
    let replies = calls
        .iter()
        .map(|(id, tool)| Reply::tool_call(*id, format!("mcp__{name}__{tool}"), json!({})));
    exec_ok(&env, "call them", replies.chain([Reply::text("done")]))
}

const FAULTY_CALLS: Calls = [("b", "big"), ("g", "garbled"), ("f", "fine")];

#[test]
fn an_oversized_or_broken_reply_fails_the_call_at_once_saying_why() {
    // Long enough that a call waiting it out would end the run first.
    let run = call_all("faulty", FAULTY, "tool_timeout_sec = 300", FAULTY_CALLS);
    let big = output(&run, "b");
    assert!(
        big.contains("the MCP server 'faulty' sent a message over the limit of 16 MiB"),
        "{big}"
    );
    let garbled = output(&run, "g");
    assert!(
        garbled.contains("the MCP server 'faulty' wrote something that is not JSON-RPC"),
        "{garbled}"
    );
    assert!(garbled.contains("oops"), "{garbled}");
    assert!(!garbled.contains('\u{1b}'), "{garbled:?}");
    // The connection still serves.
    assert_eq!(output(&run, "f"), "fine");
}

/// A server that answers `initialize` with a line that never ends.
const ENDLESS: &str = r#"import sys, time
sys.stdin.readline()
chunk = "x" * (1024 * 1024)
for _ in range(40):
    sys.stdout.write(chunk)
    sys.stdout.flush()
time.sleep(600)
"#;

#[test]
fn a_line_that_never_ends_fails_the_start_at_once_saying_why() {
    let env = TestEnv::new("chat");
    let script = py_server::write(&env, "endless", ENDLESS);
    // Waiting it out would take longer than the test harness allows.
    py_server::register(&env, "endless", &script, "startup_timeout_sec = 900");
    let run = exec_ok(&env, "hi", [Reply::text("done")]);
    let warnings = warnings(&run);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("MCP server 'endless' is not available")
                && w.contains("sent a message over the limit of 16 MiB")),
        "{warnings:?}"
    );
}

/// `notlist` answers with `content` that is not a list, `stray` under an
/// id quire never sent, `fine` properly.
const MALFORMED: &str = r#"if name == "notlist":
    return {"content": "just text"}
if name == "stray":
    send({"jsonrpc": "2.0", "id": 987654, "result": text("lost")})
    return None
return text("fine")"#;

const MALFORMED_CALLS: Calls = [("n", "notlist"), ("s", "stray"), ("f", "fine")];

#[test]
fn a_malformed_result_or_a_reply_under_a_stray_id_is_explained_at_once() {
    // Long enough that a call waiting it out would end the run first.
    let run = call_all("bad2", MALFORMED, "tool_timeout_sec = 900", MALFORMED_CALLS);
    let (notlist, stray) = (output(&run, "n"), output(&run, "s"));
    assert!(
        notlist.contains(
            "the MCP server 'bad2' answered tools/call with something that is not a tool result ("
        ) && notlist.contains("a result needs `content`, a list"),
        "{notlist}"
    );
    assert!(
        stray.contains(
            "the MCP server 'bad2' answered under the id 987654, which no request of quire's had"
        ),
        "{stray}"
    );
    assert_eq!(output(&run, "f"), "fine");
}
