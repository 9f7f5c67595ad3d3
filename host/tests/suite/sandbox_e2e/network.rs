//! "Network off" means off: a sandboxed shell command (run by the real
//! binary for the model) cannot send UDP, open a raw or netlink socket or
//! connect over TCP, while Unix socket pairs keep working; with `--network` the
//! same command reaches the test's listeners. The probe is
//! `examples/net_probe.rs`.

use std::io::Read;
use std::net::{TcpListener, UdpSocket};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use serde_json::json;

use super::support::model_server::Reply;
use super::support::quire::TestEnv;

fn probe() -> &'static Path {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let mut cargo = super::support::shell_cargo::cargo();
        cargo.args(["build", "-q", "-p", "quire", "--example", "net_probe"]);
        assert!(
            cargo.status().expect("run cargo").success(),
            "building examples/net_probe.rs failed"
        );
        let exe = std::env::current_exe().expect("test executable path");
        let debug = exe.parent().and_then(Path::parent).expect("target/debug");
        debug.join("examples").join("net_probe")
    })
}

/// Local listeners the probe aims at.
struct Listeners {
    udp: UdpSocket,
    tcp: TcpListener,
}

impl Listeners {
    fn new() -> Listeners {
        let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
        udp.set_read_timeout(Some(Duration::from_millis(300)))
            .unwrap();
        let tcp = TcpListener::bind("127.0.0.1:0").unwrap();
        tcp.set_nonblocking(true).unwrap();
        Listeners { udp, tcp }
    }

    fn command(&self) -> String {
        let p = probe().display().to_string();
        let udp = self.udp.local_addr().unwrap().port();
        let tcp = self.tcp.local_addr().unwrap().port();
        format!("{p} udp {udp}; {p} tcp {tcp}; {p} raw; {p} netlink; {p} unix")
    }

    /// Whether a datagram arrived.
    fn got_udp(&self) -> bool {
        let mut buf = [0u8; 64];
        self.udp.recv(&mut buf).is_ok()
    }

    /// Whether a connection with the probe's line arrived.
    fn got_tcp(&self) -> bool {
        match self.tcp.accept() {
            Ok((mut s, _)) => {
                s.set_nonblocking(false).unwrap();
                let mut line = String::new();
                let _ = s.read_to_string(&mut line);
                line.contains("probe")
            }
            Err(_) => false,
        }
    }
}

/// Runs the probe as the model's shell call; returns its output.
fn run_probe(l: &Listeners, extra: &[&str]) -> String {
    let env = TestEnv::new("responses");
    env.server.push_all([
        Reply::tool_call("n1", "shell", json!({"command": l.command()})),
        Reply::text("probed"),
    ]);
    let run = env.exec_json("probe the network", extra);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.of_type("tool_completed")[0]["output"]
        .as_str()
        .unwrap()
        .to_string()
}

/// What the probe gets outside any sandbox.
fn unconfined(kind: &str) -> String {
    let out = std::process::Command::new(probe())
        .arg(kind)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn network_off_refuses_udp_raw_netlink_and_tcp_but_keeps_unix_sockets() {
    let l = Listeners::new();
    let out = run_probe(&l, &[]);
    for kind in ["udp", "tcp", "raw", "netlink"] {
        assert!(
            out.contains(&format!("{kind} denied: Permission denied")),
            "{kind}: {out}"
        );
    }
    assert!(out.contains("unix ok"), "{out}");
    assert!(!l.got_udp(), "a datagram got through: {out}");
    assert!(!l.got_tcp(), "a connection got through: {out}");
}

#[test]
fn with_network_the_same_probe_gets_through() {
    let l = Listeners::new();
    let out = run_probe(&l, &["--network"]);
    assert!(out.contains("udp ok"), "{out}");
    assert!(out.contains("tcp ok"), "{out}");
    assert!(out.contains("unix ok"), "{out}");
    // Not a refusal of the filter (EACCES): no CAP_NET_RAW, root or not
    // (a sandboxed command run as root loses it).
    assert!(out.contains("raw denied: Operation not permitted"), "{out}");
    assert!(out.contains(&unconfined("netlink")), "{out}");
    assert!(l.got_udp(), "no datagram arrived: {out}");
    assert!(l.got_tcp(), "no connection arrived: {out}");
}
