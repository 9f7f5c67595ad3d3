//! The Landlock sandbox modes.

use super::*;

#[test]
fn every_mode_is_supported_here() {
    for mode in [
        SandboxMode::ReadOnly,
        SandboxMode::WorkspaceWrite,
        SandboxMode::DangerFullAccess,
    ] {
        check_support(mode, false).unwrap();
        check_support(mode, true).unwrap();
    }
}

#[tokio::test]
async fn workspace_write_confines_writes_to_the_workspace() {
    let ws = tempfile::tempdir().unwrap();
    let outside = outside_dir();
    let kept = outside.path().join("kept");
    std::fs::write(&kept, "original").unwrap();
    let c = ctx(ws.path(), SandboxMode::WorkspaceWrite);

    let text = run_ok(
        &c,
        "echo hi > inside.txt && mkdir d && mv inside.txt d/ && cat d/inside.txt",
    )
    .await;
    assert!(
        text.starts_with("Exit code: 0\n") && text.ends_with("hi\n"),
        "{text}"
    );
    let text = run_ok(
        &c,
        "echo tmp > /tmp/quire-shell-test-$$ && rm /tmp/quire-shell-test-$$",
    )
    .await;
    assert!(text.starts_with("Exit code: 0\n"), "{text}");
    let text = run_ok(&c, "echo quiet > /dev/null && echo ok").await;
    assert!(text.starts_with("Exit code: 0\n"), "{text}");

    let o = outside.path().display();
    for cmd in [
        format!("echo hi > {o}/new.txt"),
        format!("truncate -s 0 {o}/kept"),
        format!("mv {o}/kept {o}/moved"),
        format!("rm {o}/kept"),
        format!("mkdir {o}/dir"),
    ] {
        let text = run_ok(&c, &cmd).await;
        assert!(!text.starts_with("Exit code: 0\n"), "{cmd}: {text}");
        assert!(
            text.contains("Permission denied") || text.contains("Operation not permitted"),
            "{cmd}: {text}"
        );
    }
    assert_eq!(std::fs::read_to_string(&kept).unwrap(), "original");
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 1);
}

#[tokio::test]
async fn read_only_denies_writes_everywhere() {
    let ws = tempfile::tempdir().unwrap();
    let c = ctx(ws.path(), SandboxMode::ReadOnly);
    let text = run_ok(&c, "echo hi > inside.txt").await;
    assert!(text.contains("Permission denied"), "{text}");
    assert!(!ws.path().join("inside.txt").exists());
    let text = run_ok(&c, "echo x > /tmp/quire-ro-test-$$").await;
    assert!(text.contains("Permission denied"), "{text}");
    let text = run_ok(
        &c,
        "ls / > /dev/null && cat /etc/hostname /dev/null > /dev/null && echo read-ok",
    )
    .await;
    assert!(text.ends_with("read-ok\n"), "{text}");
}

#[tokio::test]
async fn network_needs_permission() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let ws = tempfile::tempdir().unwrap();
    let connect = format!("exec 3<>/dev/tcp/127.0.0.1/{port} && echo connected");

    let mut c = ctx(ws.path(), SandboxMode::WorkspaceWrite);
    let text = run_ok(&c, &connect).await;
    assert!(!text.starts_with("Exit code: 0\n"), "{text}");
    assert!(!text.contains("connected\n"), "{text}");

    c.network = true;
    let text = run_ok(&c, &connect).await;
    assert!(
        text.starts_with("Exit code: 0\n") && text.ends_with("connected\n"),
        "{text}"
    );

    // read-only never has network.
    c.sandbox = SandboxMode::ReadOnly;
    let text = run_ok(&c, &connect).await;
    assert!(!text.starts_with("Exit code: 0\n"), "{text}");
}

#[tokio::test]
async fn danger_full_access_writes_anywhere() {
    let ws = tempfile::tempdir().unwrap();
    let outside = outside_dir();
    let c = ctx(ws.path(), SandboxMode::DangerFullAccess);
    let text = run_ok(&c, &format!("echo free > {}/f", outside.path().display())).await;
    assert!(text.starts_with("Exit code: 0\n"), "{text}");
    assert_eq!(
        std::fs::read_to_string(outside.path().join("f")).unwrap(),
        "free\n"
    );
}

/// A device node made in the workspace would reach the device around the
/// rules on `/dev` (as root: `mknod ./lo b 7 0`, then write the loop
/// device through `./lo`): refused, "Permission denied" before any
/// capability is looked at, so for root and others alike. FIFOs are made.
#[tokio::test]
async fn no_device_node_is_made_in_the_workspace() {
    let ws = tempfile::tempdir().unwrap();
    let c = ctx(ws.path(), SandboxMode::WorkspaceWrite);
    for cmd in ["mknod lo b 7 0", "mknod zero c 1 5"] {
        let text = run_ok(&c, cmd).await;
        assert!(text.contains("Permission denied"), "{cmd}: {text}");
    }
    assert!(!ws.path().join("lo").exists() && !ws.path().join("zero").exists());
    let text = run_ok(&c, "mkfifo p && test -p p && echo fifo").await;
    assert!(text.ends_with("fifo\n"), "{text}");
}

/// Where the kernel has Landlock's scopes (Linux 6.12+), a command
/// cannot connect to an abstract Unix socket made outside it; elsewhere
/// it can, as the README says. Signals are not scoped: a command still
/// stops a process outside it (a server an earlier command started).
/// With `unix_sockets = true`: by default no Unix socket is made at all
/// (`unix_sockets.rs`).
#[tokio::test]
async fn a_command_connects_only_within_itself_where_scoped_and_still_signals() {
    let ws = tempfile::tempdir().unwrap();
    let mut c = ctx(ws.path(), SandboxMode::WorkspaceWrite);
    c.unix_sockets = true;
    let mut outside = std::process::Command::new("sleep")
        .arg("300")
        .spawn()
        .unwrap();
    use std::os::linux::net::SocketAddrExt;
    let name = format!("quire-scope-test-{}", std::process::id());
    let listener = std::os::unix::net::UnixListener::bind_addr(
        &std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes()).unwrap(),
    )
    .unwrap();
    let text = run_ok(
        &c,
        &format!(
            "kill -STOP {pid}; echo stop=$?; sleep 30 & kill $! && echo own=killed; \
             python3 -c \"import socket; s=socket.socket(socket.AF_UNIX); s.connect('\\0{name}'); print('connected')\" 2>&1 | tail -1",
            pid = outside.id()
        ),
    )
    .await;
    let scoped = quire::tools::sandbox::scoped();
    assert!(text.contains("own=killed"), "{text}");
    assert!(text.contains("stop=0"), "{text}");
    assert_eq!(text.contains("connected"), !scoped, "{text}");
    if scoped {
        assert!(text.contains("Operation not permitted"), "{text}");
    }
    outside.kill().unwrap();
    outside.wait().unwrap();
    drop(listener);
}
