//! The full-screen view says which signal killed the model's command
//! where an exit code would be, not a bare failed mark; so do the
//! resumed view and `quire sessions show`, in the same words, with what
//! the command printed shown as output.

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

#[test]
fn a_killed_command_reads_alike_when_resumed_and_in_sessions_show() {
    let env = TestEnv::new("chat");
    env.server.push_all([
        Reply::tool_call("k", "shell", json!({"command": "echo before; kill -9 $$"})),
        Reply::text("it was killed"),
    ]);
    let run = env.run(&["exec", "--approval", "never", "run it"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let shown = env.run(&["sessions", "show", "last"]).stdout;
    assert!(
        shown.contains("  ✗ killed by SIGKILL (signal 9) · "),
        "{shown}"
    );
    assert!(shown.contains("  │ before\n"), "{shown}");
    assert!(!shown.contains("Killed by signal"), "{shown}");
    let mut pty = Pty::spawn(env.command(&["resume", "last"]), 40, 140);
    let screen = pty.wait_text("it was killed");
    let head = "✗ shell: echo before; kill -9 $$ (killed by SIGKILL (signal 9))";
    let lines: Vec<&str> = screen.lines().map(str::trim_end).collect();
    let at = lines.iter().position(|l| *l == head);
    assert!(at.is_some(), "{screen}");
    assert_eq!(
        lines.get(at.map_or(0, |a| a + 1)),
        Some(&"  └ before"),
        "{screen}"
    );
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
}
