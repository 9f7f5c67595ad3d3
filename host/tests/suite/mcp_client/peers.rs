//! The MCP servers the tests talk to: the Rust test server (built once per
//! test process from `examples/mcp_test_server.rs`) and the npm
//! `@modelcontextprotocol/server-everything` installed by `scripts/test`.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use quire::mcp::{McpServerConfig, ServerSpec, Source};

/// The test server binary, built (or found up to date) on first use.
pub fn test_server() -> PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let mut cargo = super::support::shell_cargo::cargo();
        cargo.args(["build", "-q", "-p", "quire", "--example", "mcp_test_server"]);
        let status = cargo
            .status()
            .expect("run cargo to build the MCP test server");
        assert!(
            status.success(),
            "building examples/mcp_test_server.rs failed"
        );
        // target/debug/deps/<this test> -> target/debug/examples/
        let exe = std::env::current_exe().expect("test executable path");
        let debug = exe.parent().and_then(Path::parent).expect("target/debug");
        let p = debug.join("examples").join("mcp_test_server");
        assert!(p.exists(), "{} was not built", p.display());
        p
    })
    .clone()
}

/// A config table for the test server with `args`.
pub fn config(args: &[&str]) -> McpServerConfig {
    McpServerConfig::stdio(
        test_server().display().to_string(),
        args.iter().map(|a| a.to_string()).collect(),
    )
}

/// A spec for the test server named `name`.
pub fn spec(name: &str, args: &[&str]) -> ServerSpec {
    spec_of(name, &config(args))
}

pub fn spec_of(name: &str, c: &McpServerConfig) -> ServerSpec {
    ServerSpec::new(name, Source::Config, c, &std::env::temp_dir())
}

/// `host/tests/mcp-peers`, where `npm ci` installs server-everything.
pub fn peers_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("mcp-peers")
}

/// The entry point of server-everything (`node everything.js stdio`).
pub fn everything_js() -> PathBuf {
    let p = peers_dir().join("node_modules/@modelcontextprotocol/server-everything/dist/index.js");
    assert!(
        p.exists(),
        "{} is missing: scripts/test installs it (cd host/tests/mcp-peers && npm ci)",
        p.display()
    );
    p
}

/// Processes (not zombies) whose environment holds `marker` — a server and
/// everything it started.
pub fn processes_with(marker: &str) -> Vec<i32> {
    let needle = marker.as_bytes();
    let mut pids = Vec::new();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return pids;
    };
    for e in dir.flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else {
            continue;
        };
        let Ok(environ) = std::fs::read(format!("/proc/{pid}/environ")) else {
            continue;
        };
        if !environ.windows(needle.len()).any(|w| w == needle) {
            continue;
        }
        let zombie = std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map(|s| {
                s.rsplit(')')
                    .next()
                    .is_some_and(|r| r.trim_start().starts_with('Z'))
            })
            .unwrap_or(true);
        if !zombie {
            pids.push(pid);
        }
    }
    pids
}

/// A unique `NAME=VALUE` to put in a server's environment.
pub fn marker() -> String {
    format!("QUIRE_MCP_TEST_MARKER={}", uuid_like())
}

fn uuid_like() -> String {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{t:x}-{}", std::process::id())
}

/// Waits up to 20 s until no process carries `marker`; returns those left.
pub fn wait_none_with(marker: &str) -> Vec<i32> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let left = processes_with(marker);
        if left.is_empty() || Instant::now() > deadline {
            return left;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// Waits up to 30 s until `marker` is on `n` or more processes.
pub fn wait_some_with(marker: &str, n: usize) -> Vec<i32> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let found = processes_with(marker);
        if found.len() >= n {
            return found;
        }
        assert!(Instant::now() < deadline, "only {found:?} carry {marker}");
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// A free port on 127.0.0.1.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}
