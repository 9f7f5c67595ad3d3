//! A patch writing outside the workspace under workspace-write: the user
//! is asked with its diff (as Codex asks) under on-request, it is written
//! once approved and `/undo` puts it back; `--approval never` and a
//! refusal leave it unwritten.

use serde_json::json;

use crate::support::model_server::Reply;
use crate::support::pty::Pty;
use crate::support::quire::TestEnv;

const CTRL_D: &str = "\x04";

fn script(env: &TestEnv, file: &std::path::Path) {
    let patch = format!(
        "*** Begin Patch\n*** Update File: {}\n@@\n-shared=1\n+shared=2\n*** End Patch",
        file.display()
    );
    env.server.push_all([
        Reply::tool_call("p", "apply_patch", json!({ "patch": patch })),
        Reply::text("patched it"),
    ]);
}

#[test]
fn an_outside_patch_is_asked_written_when_approved_and_undone() {
    let env = TestEnv::new("chat");
    let outside = tempfile::tempdir().unwrap();
    let file = outside.path().join("shared.cfg");
    std::fs::write(&file, "shared=1\n").unwrap();
    script(&env, &file);
    let mut pty = Pty::spawn(env.command(&[]), 40, 120);
    pty.wait_text("/help for keys");
    pty.send("edit the shared config\r");
    let screen = pty.wait_text("[y] yes");
    assert!(screen.contains("OUTSIDE the workspace"), "{screen}");
    assert!(screen.contains("+shared=2"), "{screen}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "shared=1\n");
    pty.send("y");
    pty.wait_text("patched it");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "shared=2\n");
    pty.send("/undo\r");
    pty.wait_text("undone");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "shared=1\n");
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
}

#[test]
fn an_outside_patch_refused_or_under_never_is_not_written() {
    let env = TestEnv::new("chat");
    let outside = tempfile::tempdir().unwrap();
    let file = outside.path().join("shared.cfg");
    std::fs::write(&file, "shared=1\n").unwrap();
    script(&env, &file);
    let mut pty = Pty::spawn(env.command(&[]), 40, 120);
    pty.wait_text("/help for keys");
    pty.send("edit the shared config\r");
    pty.wait_text("[y] yes");
    pty.send("n");
    pty.wait_text("patched it");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "shared=1\n");
    pty.send(CTRL_D);
    assert_eq!(pty.wait_exit(), 0);
    script(&env, &file);
    let run = env.run(&["exec", "--approval", "never", "edit"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("outside"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "shared=1\n");
}
