//! Ctrl-C during a command in the line mode stops what the command started
//! that left its process group (`setsid … &`, a subshell's orphan), not
//! only the group; an MCP server and a process an earlier command left
//! running stay up, and the session goes on.

use serde_json::json;

use crate::support::model_server::Reply;
use crate::support::pty::{Pty, descendants};
use crate::support::quire::{TestEnv, alive, wait_for_file, wait_gone};

/// The MCP test server's process among quire's descendants, once started.
fn mcp_server(quire: i32) -> i32 {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let found = descendants(quire).into_iter().find(|&p| {
            std::fs::read_link(format!("/proc/{p}/exe"))
                .is_ok_and(|exe| exe.ends_with("mcp_test_server"))
        });
        if let Some(pid) = found {
            return pid;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the MCP server never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Start time of `pid` (field 22 of /proc/PID/stat): the same process later.
fn start_time(pid: i32) -> String {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let rest = stat.rsplit(')').next().unwrap_or_default();
    rest.split_whitespace()
        .nth(19)
        .unwrap_or_default()
        .to_string()
}

#[test]
fn ctrl_c_during_a_command_stops_what_left_its_group_and_nothing_else() {
    let server = crate::suite::mcp_client::peers::test_server();
    let table = format!(
        "\n[mcp_servers.kept]\ncommand = {:?}\nrequired = true\n",
        server.display().to_string()
    );
    let env = TestEnv::with_config("chat", &table);
    let earlier = "setsid sleep 304 > /dev/null 2>&1 & echo $! > earlier.pid";
    // An orphan of a subshell (adopted by quire) and a child of the shell
    // in a session of its own.
    let escaping = "(setsid sleep 303 > /dev/null 2>&1 & echo $! > orphan.pid); \
        setsid sleep 305 > /dev/null 2>&1 & echo $! > child.pid; sleep 301";
    env.server.push_all([
        Reply::tool_call("early", "shell", json!({ "command": earlier })),
        Reply::text("left one running"),
        Reply::tool_call("hold", "shell", json!({ "command": escaping })),
        Reply::text("still here"),
    ]);
    let mut cmd = env.command(&[]);
    cmd.env("TERM", "dumb");
    let mut pty = Pty::spawn(cmd, 30, 120);
    pty.wait_text("Ctrl-D to quit");
    pty.send("start a server\r");
    pty.wait_text("left one running");
    let earlier: i32 = wait_for_file(&env.repo_path().join("earlier.pid"))
        .parse()
        .unwrap();
    let mcp = mcp_server(pty.pid());
    let mcp_started = start_time(mcp);

    pty.send("hold on\r");
    let orphan: i32 = wait_for_file(&env.repo_path().join("orphan.pid"))
        .parse()
        .unwrap();
    let child: i32 = wait_for_file(&env.repo_path().join("child.pid"))
        .parse()
        .unwrap();
    assert!(alive(orphan) && alive(child), "both started");
    pty.send("\x03");
    pty.wait_text("interrupted");
    assert!(
        wait_gone(orphan),
        "the subshell's orphan {orphan} outlived Ctrl-C"
    );
    assert!(wait_gone(child), "the setsid child {child} outlived Ctrl-C");
    assert!(alive(earlier), "an earlier command's process was killed");
    assert!(
        alive(mcp) && start_time(mcp) == mcp_started,
        "the MCP server was killed"
    );

    pty.send("are you there\r");
    pty.wait_text("still here");
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
    assert!(wait_gone(earlier), "quire's exit kills the rest");
}
