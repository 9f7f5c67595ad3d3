//! `sandbox = "read-only" | "workspace-write"` on a stdio server: its
//! process runs under Landlock like shell commands. The test server writes
//! a pid file and a log where it is told; what lands shows the confinement.
//! The "outside" folder is outside /tmp and $TMPDIR (writable under
//! `workspace-write`) wherever the repository is cloned.

use std::path::{Path, PathBuf};

use quire::mcp::{ServerSpec, Source, Status};
use quire::tools::SandboxMode;

use super::Harness;
use super::peers::config;

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
