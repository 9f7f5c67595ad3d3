//! A command cannot reach the terminal quire asks its questions on: no
//! `/dev/tty`, no `TIOCSTI` (typing into a terminal's input), and no
//! set-user-id bits, in every sandboxed mode.

use serde_json::json;

use super::support::model_server::Reply;
use super::support::pty::Pty;
use super::support::quire::TestEnv;

/// Each check prints `NAME:refused` or `NAME:allowed`.
const PROBE: &str = r##"
import errno, fcntl, os, termios
def check(name, f):
    try:
        f()
        print(name + ":allowed")
    except OSError as e:
        print(name + ":refused:" + errno.errorcode.get(e.errno, str(e.errno)))
check("tty", lambda: os.close(os.open("/dev/tty", os.O_RDWR)))
def sti():
    fd = os.open("/dev/null", os.O_RDONLY)
    try:
        fcntl.ioctl(fd, termios.TIOCSTI, b"y")
    finally:
        os.close(fd)
check("sti", sti)
check("setuid", lambda: os.chmod("tool.sh", 0o4755))
check("setgid", lambda: os.chmod("tool.sh", 0o2755))
check("exec_bit", lambda: os.chmod("tool.sh", 0o755))
"##;

fn probe_output(env: &TestEnv, args: &[&str]) -> String {
    env.write("probe.py", PROBE);
    env.write("tool.sh", "#!/bin/sh\n");
    env.server.push_all([
        Reply::tool_call("p1", "shell", json!({"command": "python3 probe.py"})),
        Reply::text("probed"),
    ]);
    // On a terminal, as a user runs quire: the command must not see it.
    let mut all = vec!["exec"];
    all.extend_from_slice(args);
    all.push("probe");
    let mut pty = Pty::spawn(env.command(&all), 24, 200);
    assert_eq!(pty.wait_exit(), 0, "{}", pty.output());
    // The tool's output, as the model got it.
    let body = env.server.requests()[1].raw_body.clone();
    let from = body.find("tty:").unwrap_or(0);
    body[from..].chars().take(600).collect()
}

#[test]
fn a_sandboxed_command_cannot_type_into_the_terminal_or_set_id_bits() {
    for mode in ["workspace-write", "read-only"] {
        let env = TestEnv::new("chat");
        let out = probe_output(&env, &["--sandbox", mode]);
        for want in [
            "tty:refused:ENXIO",
            "sti:refused:EACCES",
            "setuid:refused:EACCES",
            "setgid:refused:EACCES",
        ] {
            assert!(out.contains(want), "{mode}: {want} missing in {out}");
        }
        if mode == "workspace-write" {
            assert!(out.contains("exec_bit:allowed"), "{out}");
        }
    }
}

/// Without the sandbox the same probe shows what the checks refuse: the
/// test above can fail.
#[test]
fn without_the_sandbox_only_the_terminal_stays_out_of_reach() {
    let env = TestEnv::new("chat");
    let out = probe_output(&env, &["--sandbox", "danger-full-access"]);
    assert!(out.contains("tty:refused:ENXIO"), "{out}");
    assert!(out.contains("sti:refused:ENOTTY"), "{out}");
    assert!(out.contains("setuid:allowed"), "{out}");
}
