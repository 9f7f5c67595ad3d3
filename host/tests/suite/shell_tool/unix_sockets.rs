//! Unix sockets: a sandboxed command cannot create one, so it cannot
//! connect to a socket it names outside the sandbox (`docker.sock`,
//! systemd's and D-Bus's, ssh-agent's: they would run what it asks
//! unconfined), network on or off; socket pairs (pipes between
//! processes) keep working; `unix_sockets = true` and
//! `danger-full-access` connect.

use std::os::unix::net::UnixListener;
use std::path::PathBuf;

use super::*;

/// A listening socket in a folder outside every sandbox rule, as a
/// daemon's would be.
struct Daemon {
    _dir: tempfile::TempDir,
    path: PathBuf,
    listener: UnixListener,
}

impl Daemon {
    fn new() -> Daemon {
        let dir = outside_dir();
        let path = dir.path().join("daemon.sock");
        let listener = UnixListener::bind(&path).unwrap();
        listener.set_nonblocking(true).unwrap();
        Daemon {
            _dir: dir,
            path,
            listener,
        }
    }

    /// A command connecting to it and saying so.
    fn connect(&self) -> String {
        format!(
            "python3 -c 'import socket, sys; s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); print(\"connected\")' '{}'",
            self.path.display()
        )
    }

    /// Whether a connection is waiting (made before the command exited).
    fn connected(&self) -> bool {
        self.listener.accept().is_ok()
    }
}

#[tokio::test]
async fn a_sandboxed_command_cannot_connect_to_a_unix_socket_outside() {
    let daemon = Daemon::new();
    let ws = tempfile::tempdir().unwrap();
    let mut c = ctx(ws.path(), SandboxMode::WorkspaceWrite);
    for (mode, network) in [
        (SandboxMode::WorkspaceWrite, false),
        (SandboxMode::WorkspaceWrite, true),
        (SandboxMode::ReadOnly, false),
    ] {
        (c.sandbox, c.network) = (mode, network);
        let text = run_ok(&c, &daemon.connect()).await;
        let what = format!("{mode}, network {network}");
        assert!(!text.starts_with("Exit code: 0\n"), "{what}: {text}");
        assert!(text.contains("Permission denied"), "{what}: {text}");
        assert!(!text.contains("connected\n"), "{what}: {text}");
        assert!(!daemon.connected(), "{what}: the daemon got a connection");
    }
}

#[tokio::test]
async fn socket_pairs_keep_working() {
    let ws = tempfile::tempdir().unwrap();
    let mut c = ctx(ws.path(), SandboxMode::WorkspaceWrite);
    let pair =
        "python3 -c 'import socket; a, b = socket.socketpair(); a.send(b\"x\"); print(b.recv(1))'";
    let pipe =
        "python3 -c 'import multiprocessing as m; a, b = m.Pipe(); a.send(7); print(b.recv())'";
    for network in [false, true] {
        c.network = network;
        let text = run_ok(&c, pair).await;
        assert!(text.ends_with("b'x'\n"), "network {network}: {text}");
        let text = run_ok(&c, pipe).await;
        assert!(text.ends_with("7\n"), "network {network}: {text}");
    }
}

#[tokio::test]
async fn unix_sockets_true_and_danger_full_access_connect() {
    let daemon = Daemon::new();
    let ws = tempfile::tempdir().unwrap();
    let mut c = ctx(ws.path(), SandboxMode::WorkspaceWrite);
    c.unix_sockets = true;
    for mode in [SandboxMode::WorkspaceWrite, SandboxMode::ReadOnly] {
        c.sandbox = mode;
        let text = run_ok(&c, &daemon.connect()).await;
        assert!(text.ends_with("connected\n"), "{mode}: {text}");
        assert!(daemon.connected(), "{mode}: no connection arrived");
    }
    let c = ctx(ws.path(), SandboxMode::DangerFullAccess);
    let text = run_ok(&c, &daemon.connect()).await;
    assert!(text.ends_with("connected\n"), "{text}");
    assert!(daemon.connected(), "no connection arrived");
}

/// A connected socket quire itself was started with (a leaky parent's
/// descriptor, not close-on-exec) does not reach a sandboxed command:
/// it would carry what the sandbox refuses to open.
#[tokio::test]
async fn a_descriptor_quire_inherited_does_not_reach_a_sandboxed_command() {
    use std::io::Read;
    use std::os::fd::AsRawFd;
    let daemon = Daemon::new();
    let client = std::os::unix::net::UnixStream::connect(&daemon.path).unwrap();
    let (mut server, _) = daemon.listener.accept().unwrap();
    // `dup` gives a descriptor without close-on-exec, as a parent's is.
    // SAFETY: duplicating a descriptor this test owns.
    let fd = unsafe { libc::dup(client.as_raw_fd()) };
    assert!(fd > 2);
    let ws = tempfile::tempdir().unwrap();
    let c = ctx(ws.path(), SandboxMode::WorkspaceWrite);
    let cmd = format!(
        "python3 -c 'import socket; s = socket.socket(fileno={fd}); s.send(b\"escaped\"); print(\"sent\")'"
    );
    let text = run_ok(&c, &cmd).await;
    // SAFETY: closing the duplicate made above.
    unsafe { libc::close(fd) };
    drop(client);
    let mut got = Vec::new();
    server.read_to_end(&mut got).unwrap();
    assert!(
        got.is_empty(),
        "the socket received {got:?}; the command said: {text}"
    );
    assert!(!text.contains("sent\n"), "{text}");
}
