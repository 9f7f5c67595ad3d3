//! Honest outcomes: a failed command is a failure, with its exit code, in
//! the JSON events and the human view; a patch reports what it changed.

use serde_json::json;

use crate::support::model_server::Reply;
use crate::support::quire::TestEnv;

fn failing_calls(env: &TestEnv) {
    env.write("calc.py", "def add(a, b):\n    return a - b\n");
    env.server.push_all([
        Reply::tool_call("ls", "shell", json!({"command": "ls /nonexistent-quire-dir"})),
        Reply::tool_call("ex", "shell", json!({"command": "echo bye; exit 3"})),
        Reply::tool_call("ok", "shell", json!({"command": "true"})),
        Reply::tool_call(
            "esc",
            "shell",
            json!({"command": "touch /x", "escalate": true, "justification": "test"}),
        ),
        Reply::tool_call(
            "p",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Update File: calc.py\n@@\n def add(a, b):\n-    return a - b\n+    return a + b\n*** Add File: notes.md\n+one\n+two\n*** End Patch\n"}),
        ),
        Reply::text("done"),
    ]);
}

#[test]
fn json_events_carry_exit_codes_and_patch_stats() {
    let env = TestEnv::new("responses");
    failing_calls(&env);
    let run = env.exec_json("fix calc", &["--approval", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = run.of_type("tool_completed");
    let by_id = |id: &str| {
        *done
            .iter()
            .find(|e| e["call_id"] == id)
            .unwrap_or_else(|| panic!("no tool_completed for {id}: {done:?}"))
    };
    let ls = by_id("ls");
    assert_eq!(ls["is_error"], true, "{ls}");
    assert_eq!(ls["status"], "failed");
    assert_eq!(ls["exit_code"], 2, "ls exits 2 on a missing path: {ls}");
    let ex = by_id("ex");
    assert_eq!(
        (ex["is_error"].clone(), ex["exit_code"].clone()),
        (json!(true), json!(3))
    );
    let ok = by_id("ok");
    assert_eq!(
        (ok["is_error"].clone(), ok["exit_code"].clone()),
        (json!(false), json!(0))
    );
    assert_eq!(ok["status"], "ok");
    let esc = by_id("esc");
    assert_eq!(esc["status"], "denied", "{esc}");
    assert!(
        esc.get("exit_code").is_none(),
        "a command that never ran has no exit code"
    );
    let p = by_id("p");
    assert_eq!(p["status"], "ok", "{p}");
    let files = p["files"].as_array().expect("patch files");
    assert_eq!(files.len(), 2);
    assert_eq!(
        (
            files[0]["path"].clone(),
            files[0]["status"].clone(),
            files[0]["added"].clone(),
            files[0]["removed"].clone()
        ),
        (json!("calc.py"), json!("modified"), json!(1), json!(1))
    );
    let diff = files[0]["diff"].as_str().unwrap_or("");
    assert!(
        diff.contains("-    return a - b\n+    return a + b\n"),
        "{diff}"
    );
    assert_eq!(
        (files[1]["status"].clone(), files[1]["added"].clone()),
        (json!("added"), json!(2))
    );
}

#[test]
fn the_line_view_marks_failures_with_their_exit_code() {
    let env = TestEnv::new("chat");
    failing_calls(&env);
    let run = env.run(&["exec", "--approval", "never", "fix calc"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let line = |needle: &str| {
        run.stderr
            .lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no line with {needle:?} in {}", run.stderr))
            .to_string()
    };
    let ls = line("shell: ls /nonexistent");
    assert!(ls.starts_with("✗ ") && ls.contains("(exit 2, "), "{ls}");
    assert!(
        ls.contains("No such file or directory"),
        "the reason shown: {ls}"
    );
    assert!(line("shell: echo bye; exit 3").contains("(exit 3, "));
    assert!(line("shell: true").starts_with("✓ "));
    assert!(line("shell: touch /x").starts_with("⊘ "));
    let patch = line("apply_patch:");
    assert!(
        patch.starts_with("✓ ") && patch.contains("calc.py +1 -1, notes.md +2"),
        "{patch}"
    );
}

/// Arguments clap refuses (an unknown flag, `--max-turns 0`) give an
/// `error` event on stdout with `--json`, as a bad `-c` value does; the
/// human view prints nothing there.
#[test]
fn refused_arguments_are_an_error_event_with_json() {
    let env = TestEnv::new("responses");
    for args in [
        vec!["exec", "--json", "--bogus", "hi"],
        vec!["exec", "--json", "--max-turns", "0", "hi"],
        vec!["-c", "max_turns=abc", "exec", "--json", "hi"],
    ] {
        let run = env.run(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        let lines: Vec<serde_json::Value> = run
            .stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{args:?}: {l}: {e}")))
            .collect();
        assert_eq!(lines.len(), 1, "{args:?}: {}", run.stdout);
        assert_eq!(lines[0]["type"], "error", "{args:?}");
        let message = lines[0]["message"].as_str().unwrap_or("");
        let named = if args.contains(&"--bogus") {
            "--bogus"
        } else {
            "max"
        };
        assert!(message.contains(named), "{args:?}: {message}");
        assert!(run.stderr.contains("error"), "{args:?}: {}", run.stderr);
    }
    let run = env.run(&["exec", "--bogus", "hi"]);
    assert_eq!((run.code, run.stdout.as_str()), (2, ""), "{}", run.stderr);
}
