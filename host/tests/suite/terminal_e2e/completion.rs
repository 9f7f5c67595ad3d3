//! `@path` completion offers the workspace's files as they are now.

use serde_json::json;

use crate::support::model_server::Reply;
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

const CTRL_U: &str = "\x15";
const CTRL_D: &str = "\x04";

#[test]
fn at_path_completion_offers_files_made_by_a_turn() {
    let env = TestEnv::new("chat");
    env.write("calc.py", "x = 1\n");
    env.server.push_all([
        Reply::tool_call(
            "s",
            "shell",
            json!({"command": "echo hi > newfile_by_agent.txt"}),
        ),
        Reply::text("made it"),
    ]);
    let mut pty = Pty::spawn(env.command(&[]), 30, 100);
    pty.wait_text("/help for keys");
    // The list of files is made on this first use…
    pty.send("see @cal");
    pty.wait_text("@calc.py");
    pty.send(CTRL_U);
    pty.send("make a file\r");
    pty.wait_text("made it");
    assert!(env.repo.path().join("newfile_by_agent.txt").is_file());
    // …and made again once the turn that created a file ended.
    pty.send("see @newf");
    pty.wait_text("@newfile_by_agent.txt");
    pty.send(CTRL_U);
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}
