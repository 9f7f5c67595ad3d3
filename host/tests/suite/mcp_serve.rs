//! `quire mcp serve` seen by a real MCP client (rmcp): the real binary
//! over stdio (a child process) and over streamable HTTP, in a temporary
//! git workspace with its own `QUIRE_HOME` and `HOME`.
use crate::support;

mod lifecycle;
mod limits;
mod protocol_errors;
mod skills;
mod tools;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rmcp::ServiceExt;
use rmcp::model::{CallToolRequestParams, CallToolResult};
use rmcp::service::{RoleClient, RunningService};
use rmcp::transport::StreamableHttpClientTransport;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

type Client = RunningService<RoleClient, ()>;

/// A workspace (a git repository with `a.txt`), a `QUIRE_HOME` and a
/// `HOME`, all temporary.
struct Env {
    home: tempfile::TempDir,
    user_home: tempfile::TempDir,
    ws: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        let ws = tempfile::tempdir().unwrap();
        let status = std::process::Command::new("git")
            .args(["init", "-q"])
            .current_dir(ws.path())
            .status()
            .unwrap();
        assert!(status.success());
        std::fs::write(ws.path().join("a.txt"), "alpha\nbeta\n").unwrap();
        let home = tempfile::tempdir().unwrap();
        // The workspace is trusted (as after `quire trust`), so its skills
        // and plugins count.
        let trusted = format!(
            "[projects.{:?}]\ntrust = \"trusted\"\n",
            std::fs::canonicalize(ws.path())
                .unwrap()
                .display()
                .to_string()
        );
        std::fs::write(home.path().join("config.toml"), trusted).unwrap();
        Env {
            home,
            user_home: tempfile::tempdir().unwrap(),
            ws,
        }
    }

    fn ws(&self) -> PathBuf {
        std::fs::canonicalize(self.ws.path()).unwrap()
    }

    /// Writes `text` to `path` (relative paths are in the workspace).
    fn write(&self, path: impl AsRef<Path>, text: impl AsRef<[u8]>) -> PathBuf {
        let p = self.ws.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p
    }

    /// `quire mcp serve ARGS` with the test environment, not yet started.
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_quire"));
        cmd.args(["mcp", "serve"])
            .args(args)
            .current_dir(self.ws.path())
            .env("QUIRE_HOME", self.home.path())
            .env("HOME", self.user_home.path())
            .env_remove("QUIRE_SANDBOX")
            .env_remove("QUIRE_APPROVAL")
            .env_remove("QUIRE_LOG")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        cmd
    }

    /// Starts the server over stdio and connects a client to it.
    async fn stdio(&self, args: &[&str]) -> (Client, Server) {
        let mut child = self.command(args).spawn().expect("spawn quire");
        let stdout = child.stdout.take().unwrap();
        let stdin = child.stdin.take().unwrap();
        let server = Server::new(child);
        let client = ()
            .serve((stdout, stdin))
            .await
            .unwrap_or_else(|e| panic!("handshake failed: {e}; stderr: {}", server.stderr()));
        (client, server)
    }

    /// Starts the server with `--http 127.0.0.1:0` and connects a client
    /// to the address it reports on stderr.
    async fn http(&self, args: &[&str]) -> (Client, Server, String) {
        let mut all = vec!["--http", "127.0.0.1:0"];
        all.extend_from_slice(args);
        let child = self.command(&all).spawn().expect("spawn quire");
        let server = Server::new(child);
        let url = server.wait_stderr("http://").await;
        let url = url
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap()
            .to_string();
        let transport = StreamableHttpClientTransport::from_uri(url.clone());
        let client = ().serve(transport).await.unwrap_or_else(|e| {
            panic!(
                "connecting to {url} failed: {e}; stderr: {}",
                server.stderr()
            )
        });
        (client, server, url)
    }
}

/// A running `quire mcp serve` whose stderr is collected.
struct Server {
    child: Child,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    fn new(mut child: Child) -> Server {
        let stderr = Arc::new(Mutex::new(String::new()));
        let err = child.stderr.take().unwrap();
        let sink = stderr.clone();
        tokio::spawn(async move {
            let mut lines = BufReader::new(err).lines();
            while let Ok(Some(l)) = lines.next_line().await {
                let mut s = sink.lock().unwrap();
                s.push_str(&l);
                s.push('\n');
            }
        });
        Server { child, stderr }
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits (up to 30 s) for a stderr line holding `needle`.
    async fn wait_stderr(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(l) = self.stderr().lines().find(|l| l.contains(needle)) {
                return l.to_string();
            }
            assert!(
                Instant::now() < deadline,
                "no {needle:?} on stderr: {}",
                self.stderr()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits (up to 30 s) for the process to exit; its exit code.
    async fn exit_code(&mut self) -> Option<i32> {
        match tokio::time::timeout(Duration::from_secs(30), self.child.wait()).await {
            Ok(status) => status.unwrap().code(),
            Err(_) => panic!("quire mcp serve did not exit; stderr: {}", self.stderr()),
        }
    }

    fn pid(&self) -> i32 {
        self.child.id().unwrap() as i32
    }
}

/// Calls `name` with `args` (a JSON object).
async fn call(client: &Client, name: &str, args: Value) -> CallToolResult {
    let mut p = CallToolRequestParams::new(name.to_string());
    if let Value::Object(m) = args {
        p = p.with_arguments(m);
    }
    client.call_tool(p).await.expect("tools/call")
}

/// The text content of a result.
fn text(r: &CallToolResult) -> String {
    let v = serde_json::to_value(&r.content).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["text"].as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether process `pid` is alive (a zombie counts as gone).
fn alive(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| {
            !s.rsplit(')')
                .next()
                .is_some_and(|r| r.trim_start().starts_with('Z'))
        })
        .unwrap_or(false)
}

/// Waits up to 20 s for `pid` to be gone; whether it is.
async fn gone(pid: i32) -> bool {
    let deadline = Instant::now() + Duration::from_secs(20);
    while alive(pid) {
        if Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    true
}
