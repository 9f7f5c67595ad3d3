//! A reader that goes once the task has ended (`quire exec --json … |
//! grep -q task_completed`, `quire exec … | head -1` on the answer)
//! interrupted nothing: quire exits with the task's code, not 141 (which
//! fails a CI step run with `pipefail`). A `SessionEnd` hook that waits
//! for a gate keeps quire running after the reader went, so quire sees
//! the pipe closed (a later write fails, the watcher wakes) whatever the
//! timing; with the fix the outcome does not depend on it.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use crate::support::model_server::Reply;
use crate::support::quire::TestEnv;

/// A test env whose `SessionEnd` hook waits for the file `gate` in the
/// repository; the gate's path.
fn gated_env() -> (TestEnv, std::path::PathBuf) {
    let env = TestEnv::new("chat");
    let gate = env.repo_path().join("gate");
    let file = env.home.path().join("config.toml");
    let mut text = std::fs::read_to_string(&file).expect("config");
    text.push_str(&format!(
        "\n[[hooks.SessionEnd]]\ncommand = \"cat >/dev/null; while [ ! -e '{}' ]; do sleep 0.05; done\"\n",
        gate.display()
    ));
    std::fs::write(&file, text).expect("write config");
    (env, gate)
}

/// Runs `quire ARGS`, reads stdout until a line `stop` accepts, closes
/// the reader, opens the gate, and returns quire's exit code and the
/// lines read.
fn read_until_then_leave(
    env: &TestEnv,
    gate: &std::path::Path,
    args: &[&str],
    stop: impl Fn(&str) -> bool,
) -> (i32, Vec<String>) {
    use std::os::unix::process::ExitStatusExt;
    let mut cmd = env.command(args);
    cmd.stdin(Stdio::null()).stderr(Stdio::null());
    let mut child = cmd.spawn().expect("spawn quire");
    let mut reader = BufReader::new(child.stdout.take().expect("piped stdout"));
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        let n = reader.read_line(&mut line).expect("read stdout");
        assert!(n > 0, "stdout ended before the awaited line: {lines:?}");
        let done = stop(&line);
        lines.push(line);
        if done {
            break;
        }
    }
    drop(reader);
    std::fs::write(gate, "").expect("open the gate");
    let status = child.wait().expect("wait for quire");
    let code = status
        .code()
        .unwrap_or_else(|| 128 + status.signal().unwrap_or(0));
    (code, lines)
}

#[test]
fn a_json_reader_leaving_after_task_completed_keeps_exit_0() {
    let (env, gate) = gated_env();
    env.server.push(Reply::text("all good"));
    let (code, lines) = read_until_then_leave(&env, &gate, &["exec", "--json", "say hi"], |l| {
        l.contains("\"task_completed\"")
    });
    let last = lines.last().expect("a line");
    assert!(last.contains("\"status\":\"done\""), "{last}");
    assert_eq!(code, 0, "the task was done before the reader left");
}

#[test]
fn a_text_reader_taking_the_first_answer_line_keeps_exit_0() {
    let (env, gate) = gated_env();
    env.server
        .push(Reply::text("first line\nsecond line\nthird line"));
    let (code, lines) = read_until_then_leave(&env, &gate, &["exec", "say hi"], |_| true);
    assert_eq!(lines, ["first line\n"]);
    assert_eq!(code, 0, "the task was done before the reader left");
}
