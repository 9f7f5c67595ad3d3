//! The full-screen view says which signal killed the model's command
//! where an exit code would be, not a bare failed mark.

use serde_json::json;

use crate::support::model_server::Reply;
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

#[test]
fn a_killed_command_shows_its_signal() {
    let env = TestEnv::new("chat");
    env.server.push_all([
        Reply::tool_call("k", "shell", json!({"command": "kill -9 $$"})),
        Reply::text("it was killed"),
    ]);
    let mut pty = Pty::spawn(env.command(&["--approval", "never"]), 40, 140);
    pty.wait_text("/help for keys");
    pty.send("run it\r");
    let screen = pty.wait_text("it was killed");
    assert!(
        screen.contains("✗ shell: kill -9 $$ (killed by SIGKILL (signal 9), "),
        "{screen}"
    );
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
}
