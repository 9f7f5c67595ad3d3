//! `quire exec` in a pipeline: stdout holds the task's answer only (the
//! messages before tool calls go to stderr with the tool lines), as
//! `codex exec` does, and `-o FILE` receives the answer.

use std::os::unix::fs::MetadataExt;

use serde_json::json;

use crate::support::model_server::{Reply, Step};
use crate::support::quire::TestEnv;

const STEP: &str = "Let me check the notes first.";
const ANSWER: &str = "The notes say hello.";

/// A message with a tool call, then the answer.
fn script(env: &TestEnv) {
    env.server.push_all([
        Reply::steps(vec![
            Step::text(STEP),
            Step::tool_call("c1", "shell", json!({"command": "echo checked"})),
        ]),
        Reply::text(ANSWER),
    ]);
}

#[test]
fn piped_stdout_holds_only_the_answer_on_every_wire_api() {
    for wire in ["responses", "chat", "anthropic"] {
        let env = TestEnv::new(wire);
        script(&env);
        let run = env.run(&["exec", "read the notes"]);
        assert_eq!(run.code, 0, "{wire}: {}", run.stderr);
        assert_eq!(run.stdout, format!("{ANSWER}\n"), "{wire}");
        // The step on stderr, before the line of the call it announced.
        let step = run.stderr.find(STEP);
        let call = run.stderr.find("shell: echo checked");
        assert!(
            step.is_some() && call.is_some() && step < call,
            "{wire}: {}",
            run.stderr
        );
        assert!(!run.stderr.contains(ANSWER), "{wire}: {}", run.stderr);
    }
}

/// A resumed session's task: stdout holds that task's answer only.
#[test]
fn a_resumed_task_prints_its_own_answer() {
    let env = TestEnv::new("responses");
    env.server.push(Reply::text("first answer"));
    let run = env.run(&["exec", "first"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, "first answer\n"));
    script(&env);
    let run = env.run(&["exec", "--resume", "last", "read the notes"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, format!("{ANSWER}\n"));
    assert!(run.stderr.contains(STEP), "{}", run.stderr);
}

#[test]
fn the_answer_goes_to_the_o_file_in_both_views() {
    for json in [false, true] {
        let env = TestEnv::new("chat");
        script(&env);
        let dir = env.home.path().join("out");
        std::fs::create_dir(&dir).unwrap();
        let file = dir.join("answer.md");
        std::fs::write(&file, "an answer of an earlier run, longer than this one\n").unwrap();
        let inode = std::fs::metadata(&file).unwrap().ino();
        let path = file.to_str().unwrap();
        let mut args = vec!["exec", "-o", path];
        if json {
            args.push("--json");
        }
        args.push("read the notes");
        let run = env.run(&args);
        assert_eq!(run.code, 0, "json {json}: {}", run.stderr);
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            format!("{ANSWER}\n"),
            "json {json}"
        );
        // Replaced by a rename (a new file, never the old one cut and
        // rewritten in place): no temporary file is left beside it.
        assert_ne!(
            std::fs::metadata(&file).unwrap().ino(),
            inode,
            "json {json}"
        );
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["answer.md"], "json {json}");
        if json {
            // The events are all there: both messages.
            assert_eq!(run.of_type("message_completed").len(), 2);
        } else {
            assert_eq!(run.stdout, format!("{ANSWER}\n"));
        }
    }
}

/// The turn limit stops the task after a tool call: it has no answer.
/// Stdout stays empty, the step is on stderr, and the `-o` file is
/// emptied (not left with an earlier run's answer) with a warning.
#[test]
fn a_task_stopped_after_a_tool_call_has_no_answer() {
    let env = TestEnv::new("responses");
    script(&env);
    let file = env.home.path().join("answer.md");
    std::fs::write(&file, "an earlier answer\n").unwrap();
    let path = file.to_str().unwrap();
    let run = env.run(&["exec", "--max-turns", "1", "-o", path, "read the notes"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains(STEP), "{}", run.stderr);
    assert!(run.stderr.contains("turn limit"), "{}", run.stderr);
    assert!(
        run.stderr.contains("without an answer") && run.stderr.contains(path),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "");
}

/// With `--json`, what is said about the `-o` file comes before
/// `task_completed`, the last event: a reader that stops there misses
/// nothing.
#[test]
fn the_o_files_warning_comes_before_task_completed() {
    let env = TestEnv::new("responses");
    script(&env);
    let file = env.home.path().join("answer.md");
    let path = file.to_str().unwrap();
    let run = env.run(&[
        "exec",
        "--json",
        "--max-turns",
        "1",
        "-o",
        path,
        "read the notes",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let types = run.types();
    assert_eq!(types.last().map(String::as_str), Some("task_completed"));
    let warned = run.of_type("warning").iter().any(|w| {
        w["message"]
            .as_str()
            .is_some_and(|m| m.contains("without an answer") && m.contains(path))
    });
    assert!(warned, "{types:?}");
}

/// An answer that cannot be written to `-o` at the end (its folder went
/// away during the task): an `error`, then `task_completed` `failed` with
/// that reason, as the exit code 1 says.
#[test]
fn an_answer_the_o_file_cannot_take_fails_the_task() {
    let env = TestEnv::new("responses");
    let folder = env.repo.path().join("out");
    std::fs::create_dir(&folder).unwrap();
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "rmdir out"})),
        Reply::text(ANSWER),
    ]);
    let file = folder.join("answer.md");
    let path = file.to_str().unwrap();
    let run = env.run(&["exec", "--json", "-o", path, "read the notes"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!folder.exists(), "{}", run.stdout);
    let types = run.types();
    assert_eq!(types.last().map(String::as_str), Some("task_completed"));
    let error = run.of_type("error")[0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(error.contains(path), "{error}");
    let done = run.of_type("task_completed")[0].clone();
    assert_eq!(done["status"], "failed", "{done}");
    assert_eq!(done["reason"], error.as_str(), "{done}");
}

/// An `-o` path whose folder does not exist (or that is a folder) fails
/// before the task starts: no request reaches the model.
#[test]
fn a_bad_o_path_fails_before_any_model_request() {
    let env = TestEnv::new("responses");
    env.server.push(Reply::text(ANSWER));
    let missing = env.home.path().join("no-such-folder").join("answer.md");
    let missing = missing.to_str().unwrap();
    let run = env.run(&["exec", "-o", missing, "read the notes"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(missing) && run.stderr.contains("does not exist"),
        "{}",
        run.stderr
    );
    let folder = env.home.path().to_str().unwrap();
    let run = env.run(&["exec", "--json", "--output-last-message", folder, "hi"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let errors = run.of_type("error");
    assert_eq!(errors.len(), 1, "{}", run.stdout);
    let message = errors[0]["message"].as_str().unwrap_or("");
    assert!(message.contains("is a folder"), "{message}");
    assert!(env.server.requests().is_empty(), "the model was asked");
}
