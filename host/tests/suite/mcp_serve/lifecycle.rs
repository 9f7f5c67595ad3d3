//! The stdio server's lifecycle: stdout holds only protocol messages, and
//! closing stdin ends the server cleanly with nothing left running.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use super::{Env, Server, alive, gone};

/// Waits up to 30 s for `path` to hold a pid.
async fn read_pid(path: &std::path::Path, server: &Server) -> i32 {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(s) = std::fs::read_to_string(path)
            && let Ok(pid) = s.trim().parse()
        {
            return pid;
        }
        assert!(
            Instant::now() < deadline,
            "{} never written; stderr: {}",
            path.display(),
            server.stderr()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn closing_stdin_ends_the_server_and_its_commands_and_stdout_is_only_protocol() {
    let env = Env::new();
    let mut child = env.command(&["--builtin"]).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut server = Server::new(child);
    let lines = tokio::spawn(async move {
        let mut out = Vec::new();
        let mut r = BufReader::new(stdout).lines();
        while let Ok(Some(l)) = r.next_line().await {
            out.push(l);
        }
        out
    });
    let send = |v: Value| format!("{v}\n");
    let messages = [
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "lifecycle-test", "version": "1"}}}),
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}),
        // A command that would run for ten minutes, with a grandchild.
        json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {
            "name": "shell", "arguments": {
                "command": "sleep 600 & echo $! > sleep.pid; echo $$ > shell.pid; wait",
                "timeout_ms": 600000}}}),
    ];
    for m in messages {
        stdin.write_all(send(m).as_bytes()).await.unwrap();
    }
    stdin.flush().await.unwrap();
    let sleep_pid = read_pid(&env.ws().join("sleep.pid"), &server).await;
    let shell_pid = read_pid(&env.ws().join("shell.pid"), &server).await;
    assert!(alive(sleep_pid) && alive(shell_pid));

    drop(stdin); // The client goes away.
    assert_eq!(server.exit_code().await, Some(0), "{}", server.stderr());
    assert!(
        gone(shell_pid).await,
        "the shell command outlived the server"
    );
    assert!(
        gone(sleep_pid).await,
        "the command's child outlived the server"
    );

    let out = lines.await.unwrap();
    assert!(out.len() >= 2, "{out:?}");
    for l in &out {
        let v: Value =
            serde_json::from_str(l).unwrap_or_else(|_| panic!("not JSON-RPC on stdout: {l}"));
        assert_eq!(v["jsonrpc"], "2.0", "{l}");
    }
    let listed = out
        .iter()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|v| v["id"] == 2)
        .unwrap();
    assert!(listed["result"]["tools"].as_array().unwrap().len() >= 5);
    assert!(server.stderr().contains("quire mcp serve (stdio)"));
}

#[tokio::test]
async fn the_server_exits_when_stdin_closes_before_the_handshake() {
    let env = Env::new();
    let out = env
        .command(&[])
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
}

#[tokio::test]
async fn sigterm_stops_a_running_command() {
    let env = Env::new();
    let (client, mut server) = env.stdio(&["--builtin"]).await;
    let call = tokio::spawn(async move {
        let r = super::call(
            &client,
            "shell",
            json!({"command": "echo $$ > shell.pid; exec sleep 600", "timeout_ms": 600000}),
        );
        let _ = tokio::time::timeout(Duration::from_secs(60), r).await;
    });
    let pid = read_pid(&env.ws().join("shell.pid"), &server).await;
    unsafe { libc::kill(server.pid(), libc::SIGTERM) };
    assert_eq!(server.exit_code().await, Some(130), "{}", server.stderr());
    assert!(gone(pid).await, "the command outlived the server");
    call.abort();
}

/// A command's process in a session of its own (`setsid`) is adopted by
/// the server and killed when the client closes stdin.
#[tokio::test]
async fn a_process_that_leaves_its_group_does_not_outlive_the_server() {
    let env = Env::new();
    let mut child = env.command(&["--builtin"]).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut server = Server::new(child);
    let mut lines = BufReader::new(stdout).lines();
    let messages = [
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "orphan-test", "version": "1"}}}),
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {
            "name": "shell", "arguments": {
                "command": "setsid sleep 604 > /dev/null 2>&1 & echo $! > setsid.pid"}}}),
    ];
    for m in messages {
        stdin.write_all(format!("{m}\n").as_bytes()).await.unwrap();
    }
    stdin.flush().await.unwrap();
    // The call returns once the shell exited: the sleeper is an orphan.
    loop {
        let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .expect("an answer")
            .unwrap()
            .expect("stdout open");
        if serde_json::from_str::<Value>(&line).unwrap()["id"] == 2 {
            break;
        }
    }
    let pid = read_pid(&env.ws().join("setsid.pid"), &server).await;
    assert!(alive(pid), "the sleeper runs while the server does");
    drop(stdin);
    assert_eq!(server.exit_code().await, Some(0), "{}", server.stderr());
    assert!(gone(pid).await, "the setsid process outlived the server");
}
