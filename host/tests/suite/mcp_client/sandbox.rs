//! `sandbox = "read-only" | "workspace-write"` on a stdio server: its
//! process runs under Landlock like shell commands. The test server writes
//! a pid file and a log where it is told; what lands shows the confinement.
//! The "outside" folder is outside /tmp and $TMPDIR (writable under
//! `workspace-write`) wherever the repository is cloned. A sandboxed
//! server makes no Unix socket unless its table says `unix_sockets`.

use std::path::{Path, PathBuf};

use quire::mcp::{McpServerConfig, ServerSpec, Source, Status};
use quire::tools::SandboxMode;

use super::Harness;
use super::peers::{config, test_server};

struct Dirs {
    _root: tempfile::TempDir,
    _outside: tempfile::TempDir,
    ws: PathBuf,
    outside: PathBuf,
}

fn dirs() -> Dirs {
    let root = tempfile::tempdir().unwrap();
    let ws = root.path().join("ws");
    std::fs::create_dir_all(&ws).unwrap();
    let outside = super::support::outside::outside_dir();
    Dirs {
        ws,
        outside: outside.path().to_path_buf(),
        _root: root,
        _outside: outside,
    }
}

/// Starts the server with `mode`, its pid file in the workspace and its
/// log outside; returns (pid file written, log written).
async fn run(mode: Option<SandboxMode>, d: &Dirs) -> (bool, bool) {
    let pid = d.ws.join(format!("pid-{mode:?}"));
    let log = d.outside.join(format!("log-{mode:?}"));
    let mut c = config(&[
        "--pid-file",
        pid.to_str().unwrap(),
        "--log",
        log.to_str().unwrap(),
    ]);
    c.sandbox = mode;
    let spec = ServerSpec::new("boxed", Source::Config, &c, &d.ws);
    let mut h = Harness::start(vec![spec]);
    h.settle().await;
    assert_eq!(h.status("boxed"), Status::Ready, "{mode:?}");
    let echo = h
        .call("mcp__boxed__echo", serde_json::json!({"text": "hi"}))
        .await;
    assert_eq!(echo.output, "echo: hi", "{mode:?}");
    (exists(&pid), exists(&log))
}

fn exists(p: &Path) -> bool {
    std::fs::read_to_string(p).is_ok_and(|s| !s.is_empty())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sandboxed_server_writes_only_where_its_sandbox_allows() {
    let d = dirs();
    assert_eq!(run(None, &d).await, (true, true), "unconfined");
    assert_eq!(
        run(Some(SandboxMode::WorkspaceWrite), &d).await,
        (true, false),
        "workspace-write: the workspace only"
    );
    assert_eq!(
        run(Some(SandboxMode::ReadOnly), &d).await,
        (false, false),
        "read-only: nowhere"
    );
}

/// The server's command first connects to a socket outside (as to
/// Docker's) and writes what happened in the workspace, then starts.
#[tokio::test(flavor = "multi_thread")]
async fn a_sandboxed_server_reaches_a_unix_socket_only_when_allowed() {
    let d = dirs();
    let socket = d.outside.join("daemon.sock");
    let listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    listener.set_nonblocking(true).unwrap();
    for allowed in [false, true] {
        let probe = d.ws.join(format!("probe-{allowed}"));
        let script = format!(
            "python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).connect(sys.argv[1]); print(\"connected\")' '{}' > '{}' 2>&1; exec '{}'",
            socket.display(),
            probe.display(),
            test_server().display()
        );
        let mut c = McpServerConfig::stdio("sh", vec!["-c".into(), script]);
        c.sandbox = Some(SandboxMode::WorkspaceWrite);
        c.unix_sockets = allowed;
        let mut h = Harness::start(vec![ServerSpec::new("boxed", Source::Config, &c, &d.ws)]);
        h.settle().await;
        assert_eq!(h.status("boxed"), Status::Ready, "unix_sockets {allowed}");
        let said = std::fs::read_to_string(&probe).unwrap();
        assert_eq!(said.contains("connected"), allowed, "{said}");
        assert_eq!(said.contains("Permission denied"), !allowed, "{said}");
        assert_eq!(listener.accept().is_ok(), allowed, "unix_sockets {allowed}");
    }
}
