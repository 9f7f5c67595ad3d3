//! Bad input over stdio gets JSON-RPC errors with readable messages: a
//! line that is not JSON a parse error (-32700), an unknown method
//! method-not-found (-32601), a served method without its params
//! invalid-params (-32602); the session goes on after them.

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use super::{Env, Server};

#[tokio::test]
async fn non_json_lines_and_unknown_methods_get_json_rpc_errors() {
    let env = Env::new();
    let mut child = env.command(&[]).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let server = Server::new(child);
    let mut lines = BufReader::new(stdout).lines();
    let mut send = async |text: String| {
        stdin
            .write_all(format!("{text}\n").as_bytes())
            .await
            .unwrap();
        stdin.flush().await.unwrap();
    };
    send(
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "errors-test", "version": "1"}}})
        .to_string(),
    )
    .await;
    send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}).to_string()).await;
    send("this is not json".to_string()).await;
    send(json!({"jsonrpc": "2.0", "id": 7, "method": "tools/frobnicate"}).to_string()).await;
    send(json!({"jsonrpc": "2.0", "id": 8, "method": "tools/list"}).to_string()).await;
    send(json!({"jsonrpc": "2.0", "id": 9, "method": "skills/get"}).to_string()).await;
    send(
        json!({"jsonrpc": "2.0", "id": 10, "method": "skills/get", "params": {"url": 3}})
            .to_string(),
    )
    .await;
    let mut answers: Vec<Value> = Vec::new();
    // Requests are answered concurrently: wait for both.
    while [7, 8, 9, 10]
        .iter()
        .any(|id| answers.iter().all(|a| a["id"] != *id))
    {
        let line = tokio::time::timeout(std::time::Duration::from_secs(30), lines.next_line())
            .await
            .unwrap_or_else(|_| panic!("no answer; stderr: {}", server.stderr()))
            .unwrap()
            .unwrap_or_else(|| panic!("stdout closed; stderr: {}", server.stderr()));
        answers.push(serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}")));
    }
    let parse = answers
        .iter()
        .find(|a| a["error"]["code"] == -32700)
        .unwrap_or_else(|| panic!("no parse error in {answers:#?}"));
    assert!(parse["id"].is_null(), "{parse}");
    assert!(
        parse["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not JSON"),
        "{parse}"
    );
    let unknown = answers
        .iter()
        .find(|a| a["id"] == 7)
        .unwrap_or_else(|| panic!("no answer to id 7 in {answers:#?}"));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    let message = unknown["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("'tools/frobnicate'") && message.contains("tools/list"),
        "{message}"
    );
    // A method quire serves, called without the params it needs.
    for (id, got) in [(9, "got no params"), (10, r#"got {"url":3}"#)] {
        let bad = answers.iter().find(|a| a["id"] == id).unwrap();
        assert_eq!(bad["error"]["code"], -32602, "{bad}");
        let message = bad["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("Invalid params for skills/get: `uri`")
                && message.contains("is required")
                && message.contains(got),
            "{message}"
        );
    }
    let listed = answers.iter().find(|a| a["id"] == 8).unwrap();
    assert!(listed["result"]["tools"].is_array(), "{listed}");
}
