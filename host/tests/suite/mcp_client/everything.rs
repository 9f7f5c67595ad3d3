//! The real `@modelcontextprotocol/server-everything` from npm, over stdio
//! (started through `npx`, which runs `node` as a grandchild) and over
//! streamable HTTP.

use std::process::{Child, Command, Stdio};

use quire::mcp::McpServerConfig;
use serde_json::json;

use super::peers::{
    everything_js, free_port, marker, peers_dir, spec_of, wait_none_with, wait_some_with,
};
use super::support::model_server::Reply;
use super::support::quire::TestEnv;
use super::*;

/// `npx --no-install mcp-server-everything stdio` in the peers folder.
fn npx_config(m: &str) -> McpServerConfig {
    let _ = everything_js();
    let mut c = McpServerConfig::stdio(
        "npx",
        vec![
            "--no-install".into(),
            "mcp-server-everything".into(),
            "stdio".into(),
        ],
    );
    c.cwd = Some(peers_dir());
    let (k, v) = m.split_once('=').unwrap();
    c.env.insert(k.into(), v.into());
    c
}

async fn exercise(h: &mut Harness, server: &str) {
    h.settle().await;
    assert_eq!(h.status(server), Status::Ready, "{:?}", h.manager.reports());
    let names = h.registry.names();
    let echo = format!("mcp__{server}__echo");
    let sum = format!("mcp__{server}__get-sum");
    assert!(names.contains(&echo) && names.contains(&sum), "{names:?}");
    let r = h.call(&echo, json!({"message": "hello"})).await;
    assert_eq!(r.output, "Echo: hello", "{}", r.output);
    let r = h.call(&sum, json!({"a": 2, "b": 40})).await;
    assert!(r.output.contains("42"), "{}", r.output);
    let list = h
        .call("mcp_resources", json!({"action": "list", "server": server}))
        .await;
    assert!(!list.is_error, "{}", list.output);
    let uri = list
        .output
        .split_whitespace()
        .find(|w| w.starts_with("demo://resource/static/document/"))
        .unwrap_or_else(|| panic!("no static document in {}", list.output))
        .to_string();
    let read = h
        .call(
            "mcp_resources",
            json!({"action": "read", "server": server, "uri": uri}),
        )
        .await;
    assert!(!read.is_error, "{}", read.output);
    assert!(
        read.output.starts_with(&format!("[resource {uri}")),
        "{}",
        read.output
    );
    assert!(read.output.lines().count() > 2, "{}", read.output);
}

#[tokio::test(flavor = "multi_thread")]
async fn server_everything_over_stdio_through_npx_leaves_no_process() {
    let m = marker();
    let mut h = Harness::start(vec![spec_of("everything", &npx_config(&m))]);
    exercise(&mut h, "everything").await;
    // npx and the node it started (at least two processes) are running.
    assert!(wait_some_with(&m, 2).len() >= 2);
    drop(h);
    assert_eq!(wait_none_with(&m), Vec::<i32>::new());
}

/// `node index.js streamableHttp` on a free port; killed on drop.
struct HttpServer(Child);

impl Drop for HttpServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_http(port: u16) -> HttpServer {
    let child = Command::new("node")
        .arg(everything_js())
        .arg("streamableHttp")
        .env("PORT", port.to_string())
        .current_dir(peers_dir())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("node is installed");
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "server-everything did not listen on {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    HttpServer(child)
}

#[tokio::test(flavor = "multi_thread")]
async fn server_everything_over_streamable_http() {
    let port = free_port();
    let _srv = start_http(port);
    let mut c = McpServerConfig::http(format!("http://127.0.0.1:{port}/mcp"));
    c.tool_timeout_sec = 5.0;
    c.headers.insert(
        "X-Quire-Test".into(),
        "${QUIRE_EVERYTHING_TEST_HEADER:-yes}".into(),
    );
    let mut h = Harness::start(vec![spec_of("web", &c)]);
    exercise(&mut h, "web").await;
}

#[test]
fn a_quire_exec_turn_calls_a_server_everything_tool() {
    let m = marker();
    let (k, v) = m.split_once('=').unwrap();
    let _ = everything_js();
    let table = format!(
        "\n[mcp_servers.everything]\ncommand = \"npx\"\nargs = [\"--no-install\", \"mcp-server-everything\", \"stdio\"]\ncwd = {:?}\nrequired = true\nenv = {{ {k} = {v:?} }}\n",
        peers_dir().display().to_string()
    );
    let env = TestEnv::with_config("anthropic", &table);
    env.server.push_all([
        Reply::tool_call("t1", "mcp__everything__get-sum", json!({"a": 20, "b": 22})),
        Reply::text("The sum is 42."),
    ]);
    let run = env.exec_json("add 20 and 22 with the tool", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = run.of_type("tool_completed");
    assert_eq!(done[0]["name"], "mcp__everything__get-sum");
    assert_eq!(done[0]["is_error"], false);
    assert!(
        done[0]["output"].as_str().unwrap().contains("42"),
        "{:?}",
        done[0]
    );
    let reqs = env.server.requests();
    assert!(reqs[1].raw_body.contains("42"));
    assert_eq!(wait_none_with(&m), Vec::<i32>::new());
}

/// An HTTP server that goes away: the call in flight errors, quire tries to
/// reconnect (three times) and then marks the server failed.
#[tokio::test(flavor = "multi_thread")]
async fn an_http_server_that_goes_away_errors_the_call_and_is_failed() {
    let port = free_port();
    let srv = start_http(port);
    let c = McpServerConfig::http(format!("http://127.0.0.1:{port}/mcp"));
    let mut h = Harness::start(vec![spec_of("web", &c)]);
    h.settle().await;
    drop(srv);
    let r = h.call("mcp__web__echo", json!({"message": "x"})).await;
    assert!(r.is_error);
    assert!(
        r.output.contains("'web' stopped during the call"),
        "{}",
        r.output
    );
    match h.server("web").settled().await {
        Status::Failed(e) => assert!(e.contains("cannot connect to http://127.0.0.1"), "{e}"),
        other => panic!("{other:?}"),
    }
    let removed = h.apply();
    assert!(
        removed.contains(&"-mcp__web__echo".to_string()),
        "{removed:?}"
    );
    let r = h.call("mcp__web__echo", json!({"message": "x"})).await;
    assert!(r.output.contains("unknown tool"), "{}", r.output);
}
