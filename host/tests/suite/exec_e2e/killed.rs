//! A command a signal killed (`kill -9`, the OOM killer, a crash) says
//! so where an exit code would be: `killed by SIGKILL (signal 9)` on
//! exec's line and a `signal` field in its JSON event.

use serde_json::json;

use crate::support::model_server::Reply;
use crate::support::quire::TestEnv;

fn killed_call(env: &TestEnv) {
    env.server.push_all([
        Reply::tool_call("k", "shell", json!({"command": "echo before; kill -9 $$"})),
        Reply::text("it was killed"),
    ]);
}

#[test]
fn exec_says_which_signal_killed_a_command() {
    let env = TestEnv::new("chat");
    killed_call(&env);
    let run = env.run(&["exec", "--approval", "never", "run it"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let line = run
        .stderr
        .lines()
        .find(|l| l.contains("shell: echo before; kill -9 $$"))
        .unwrap_or_else(|| panic!("no line for the command in {}", run.stderr));
    assert!(line.starts_with("✗ "), "{line}");
    assert!(
        line.contains("(killed by SIGKILL (signal 9), "),
        "the reason in place of the exit code: {line}"
    );
}

#[test]
fn the_json_event_carries_the_signal() {
    let env = TestEnv::new("chat");
    killed_call(&env);
    let run = env.exec_json("run it", &["--approval", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = run.of_type("tool_completed");
    let k = done
        .iter()
        .find(|e| e["call_id"] == "k")
        .unwrap_or_else(|| panic!("no tool_completed: {done:?}"));
    assert_eq!(k["signal"], 9, "{k}");
    assert_eq!(k["status"], "failed", "{k}");
    assert!(k.get("exit_code").is_none(), "{k}");
    // A command that exited has no signal field.
    let env = TestEnv::new("chat");
    env.server.push_all([
        Reply::tool_call("e", "shell", json!({"command": "exit 3"})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("run it", &["--approval", "never"]);
    let done = run.of_type("tool_completed");
    assert!(done[0].get("signal").is_none(), "{:?}", done[0]);
    assert_eq!(done[0]["exit_code"], 3);
}
