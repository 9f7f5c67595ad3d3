//! Messages over the size limit and JSON that is no MCP message: every
//! one gets a JSON-RPC error, with its id when it can be read, and an
//! endless line is not held in memory.

use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{ChildStdin, ChildStdout};

use super::{Env, Server};

/// The limit `quire mcp serve` announces (rmcp's 16 MiB line, newline
/// excluded).
const LIMIT: usize = 16 * 1024 * 1024 - 1;

struct Peer {
    stdin: ChildStdin,
    lines: Lines<BufReader<ChildStdout>>,
    server: Server,
}

impl Peer {
    /// A stdio server, initialized.
    async fn start(env: &Env) -> Peer {
        let mut child = env.command(&[]).spawn().unwrap();
        let stdin = child.stdin.take().unwrap();
        let lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut peer = Peer {
            stdin,
            lines,
            server: Server::new(child),
        };
        peer.send(
            &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "limits-test", "version": "1"}}}),
        )
        .await;
        assert!(peer.answer().await["result"].is_object());
        peer.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
            .await;
        peer
    }

    async fn raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).await.unwrap();
        self.stdin.flush().await.unwrap();
    }

    async fn send(&mut self, message: &Value) {
        self.raw(format!("{message}\n").as_bytes()).await;
    }

    /// The next line on stdout, parsed.
    async fn answer(&mut self) -> Value {
        let line = tokio::time::timeout(Duration::from_secs(60), self.lines.next_line())
            .await
            .unwrap_or_else(|_| panic!("no answer; stderr: {}", self.server.stderr()))
            .unwrap()
            .unwrap_or_else(|| panic!("stdout closed; stderr: {}", self.server.stderr()));
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"))
    }

    /// Peak memory of the server process, in KiB.
    fn peak_kib(&self) -> u64 {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", self.server.pid())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }
}

/// A ping padded to `size` bytes (without the newline).
fn padded_ping(id: u64, size: usize) -> Vec<u8> {
    let start = format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"ping","params":{{"pad":""#);
    let end = r#""}}"#;
    let mut line = start.into_bytes();
    line.resize(size - end.len(), b'x');
    line.extend_from_slice(end.as_bytes());
    line
}

#[tokio::test]
async fn oversized_and_malformed_messages_get_errors_with_their_ids() {
    let env = Env::new();
    let mut peer = Peer::start(&env).await;

    // Just under the limit: answered as usual.
    let mut line = padded_ping(2, LIMIT);
    line.push(b'\n');
    peer.raw(&line).await;
    let a = peer.answer().await;
    assert_eq!(
        (a["id"].clone(), a["result"].clone()),
        (json!(2), json!({})),
        "{a}"
    );

    // Twenty megabytes: refused with the size and the limit, and its id.
    let mut line = padded_ping(3, 20_000_000);
    line.push(b'\n');
    peer.raw(&line).await;
    let a = peer.answer().await;
    assert_eq!(a["id"], 3, "{a}");
    assert_eq!(a["error"]["code"], -32600, "{a}");
    assert_eq!(
        a["error"]["message"],
        format!("message too large: 20000000 bytes, the limit is {LIMIT}")
    );

    // JSON that is no MCP message: -32600 with the id it names.
    peer.raw(b"{\"id\":9,\"method\":\"tools/call\",\"params\":\"notanobject\"}\n")
        .await;
    let a = peer.answer().await;
    assert_eq!(
        (a["id"].clone(), a["error"]["code"].clone()),
        (json!(9), json!(-32600)),
        "{a}"
    );
    peer.raw(b"{\"jsonrpc\":\"2.0\",\"id\":10}\n").await;
    let a = peer.answer().await;
    assert_eq!(
        (a["id"].clone(), a["error"]["code"].clone()),
        (json!(10), json!(-32600)),
        "{a}"
    );

    // The session goes on.
    peer.send(&json!({"jsonrpc": "2.0", "id": 11, "method": "ping"}))
        .await;
    let a = peer.answer().await;
    assert_eq!(
        (a["id"].clone(), a["result"].clone()),
        (json!(11), json!({})),
        "{a}"
    );
}

/// Tester's finding: `{"foo":1}` and a batch got an error without an
/// `id` member, and the requests of the batch were never answered.
#[tokio::test]
async fn an_error_without_a_usable_id_has_id_null_and_a_batch_is_answered() {
    let env = Env::new();
    let mut peer = Peer::start(&env).await;
    for line in [
        &b"{\"foo\":1}\n"[..],
        b"{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"ping\"}\n",
    ] {
        peer.raw(line).await;
        let a = peer.answer().await;
        assert!(a.get("id").is_some_and(Value::is_null), "{a}");
        assert_eq!(a["error"]["code"], -32600, "{a}");
    }
    peer.raw(
        b"[{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"},{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}]\n",
    )
    .await;
    let a = peer.answer().await;
    let answers = a.as_array().unwrap_or_else(|| panic!("not an array: {a}"));
    let ids: Vec<&Value> = answers.iter().map(|e| &e["id"]).collect();
    assert_eq!(ids, [&json!(2), &json!(3)], "{a}");
    for e in answers {
        assert_eq!(e["error"]["code"], -32600, "{e}");
        assert!(
            e["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("batches are not supported")),
            "{e}"
        );
    }
    // The session goes on.
    peer.send(&json!({"jsonrpc": "2.0", "id": 4, "method": "ping"}))
        .await;
    let a = peer.answer().await;
    assert_eq!(
        (a["id"].clone(), a["result"].clone()),
        (json!(4), json!({})),
        "{a}"
    );
}

/// 200 MB with no newline is dropped as it arrives, not buffered; the
/// newline that ends it brings the error, and the next message is served.
#[tokio::test]
async fn an_endless_line_is_not_held_in_memory() {
    let env = Env::new();
    let mut peer = Peer::start(&env).await;
    let before = peer.peak_kib();
    let chunk = vec![b'y'; 1 << 20];
    for _ in 0..200 {
        peer.raw(&chunk).await;
    }
    // Memory grew by at most the limit and some buffers, not by 200 MB.
    let grown_mib = peer.peak_kib().saturating_sub(before) / 1024;
    assert!(grown_mib < 64, "peak memory grew by {grown_mib} MiB");
    peer.raw(b"\n").await;
    let a = peer.answer().await;
    assert!(a["id"].is_null(), "{a}");
    assert_eq!(
        a["error"]["message"],
        format!(
            "message too large: {} bytes, the limit is {LIMIT}",
            200 << 20
        )
    );
    peer.send(&json!({"jsonrpc": "2.0", "id": 4, "method": "ping"}))
        .await;
    assert_eq!(peer.answer().await["id"], 4);
}
