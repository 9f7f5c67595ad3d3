//! While quire asks, what the model's commands left running is stopped:
//! a background process cannot type the answer into the prompt (`tmux
//! send-keys y`, a terminal's remote control). It goes on once the
//! question is answered.

use serde_json::json;

use crate::support::model_server::Reply;
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

const CTRL_D: &str = "\x04";

/// The state letter of process `pid` (`S` sleeping, `T` stopped).
fn state(pid: i32) -> char {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    stat.rsplit(')')
        .next()
        .and_then(|rest| rest.trim_start().chars().next())
        .unwrap_or('?')
}

#[test]
fn what_a_command_left_running_is_stopped_while_a_question_waits() {
    let env = TestEnv::new("chat");
    env.server.push_all([
        Reply::tool_call(
            "a",
            "shell",
            json!({"command": "sleep 300 >/dev/null 2>&1 & echo $! > bg.pid"}),
        ),
        Reply::tool_call(
            "b",
            "shell",
            json!({"command": "touch outside", "escalate": true, "justification": "needs it"}),
        ),
        Reply::text("done"),
    ]);
    let mut pty = Pty::spawn(env.command(&["--approval", "on-request"]), 30, 120);
    pty.wait_text("/help for keys");
    pty.send("go\r");
    pty.wait_for("the escalation's question", |s| {
        s.contains("OUTSIDE the sandbox") && s.contains("[y] yes")
    });
    let pid: i32 = env.read("bg.pid").trim().parse().expect("a pid");
    assert!(pid > 1, "{pid}");
    assert_eq!(
        state(pid),
        'T',
        "the background process runs during the question"
    );
    pty.send("n");
    pty.wait_text("done");
    pty.wait_for("the background process to go on", |_| state(pid) != 'T');
    // SAFETY: kill(2) on the test's own grandchild.
    unsafe { libc::kill(pid, libc::SIGKILL) };
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}
