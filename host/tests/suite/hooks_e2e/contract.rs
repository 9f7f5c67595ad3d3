//! The contract: input on stdin, exit 2 blocks, JSON output honoured.

use serde_json::{Value, json};

use super::support::model_server::Reply;
use super::support::quire::TestEnv;
use super::{add_user_hooks, hook_toml, script};

#[test]
fn a_bash_hook_blocks_a_command_and_the_model_gets_the_reason() {
    let env = TestEnv::new("responses");
    env.write("build/keep.txt", "precious");
    let seen = env.home.path().join("pre-input.json");
    let hook = script(
        &env,
        "guard.sh",
        &format!(
            "#!/bin/bash\ninput=$(cat)\nprintf '%s' \"$input\" > {seen:?}\necho \"$QUIRE_PROJECT_DIR|$CLAUDE_PROJECT_DIR\" > {seen:?}.env\nif printf '%s' \"$input\" | grep -q 'rm -rf'; then\n  echo 'rm -rf is not allowed in this repository' >&2\n  exit 2\nfi\nexit 0\n"
        ),
    );
    add_user_hooks(&env, &[hook_toml("PreToolUse", Some("shell"), &hook, "")]);
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "rm -rf build"})),
        Reply::tool_call("c2", "list_dir", json!({"path": "."})),
        Reply::text("ok"),
    ]);
    let run = env.exec_json("clean up", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        env.read("build/keep.txt"),
        "precious",
        "the command must not run"
    );
    let done = run.of_type("tool_completed");
    assert_eq!(done[0]["is_error"], true);
    let out = done[0]["output"].as_str().unwrap();
    assert!(
        out.contains("rm -rf is not allowed in this repository"),
        "{out}"
    );
    let reqs = env.server.requests();
    assert!(
        reqs[1]
            .raw_body
            .contains("rm -rf is not allowed in this repository")
    );
    // The matcher keeps the hook away from list_dir.
    let started = run.of_type("hook_started");
    assert_eq!(started.len(), 1, "{:?}", run.events);
    assert_eq!(started[0]["event"], "PreToolUse");
    let completed = run.of_type("hook_completed");
    assert_eq!(completed[0]["outcome"], "blocked");
    assert!(completed[0]["duration_ms"].is_u64());
    // Claude Code's field names plus quire's own.
    let input: Value = serde_json::from_str(&std::fs::read_to_string(&seen).unwrap()).unwrap();
    assert_eq!(input["hook_event_name"], "PreToolUse");
    assert_eq!(input["tool_name"], "shell");
    assert_eq!(input["tool_source"], "builtin");
    assert_eq!(input["tool_input"]["command"], "rm -rf build");
    assert_eq!(input["tool_use_id"], "c1");
    assert_eq!(input["cwd"], env.repo_path().display().to_string());
    let session = run.of_type("session_started")[0];
    assert_eq!(input["session_id"], session["session_id"]);
    assert_eq!(input["transcript_path"], session["session_file"]);
    let env_line = std::fs::read_to_string(format!("{}.env", seen.display())).unwrap();
    let root = env.repo_path().display().to_string();
    assert_eq!(env_line.trim(), format!("{root}|{root}"));
}

#[test]
fn a_python_hook_rewrites_the_tool_input() {
    let env = TestEnv::new("chat");
    let hook = script(
        &env,
        "rewrite.py",
        "#!/usr/bin/env python3\nimport json, sys\ndata = json.load(sys.stdin)\ncmd = data['tool_input']['command']\nprint(json.dumps({'hookSpecificOutput': {'hookEventName': 'PreToolUse',\n  'permissionDecision': 'allow',\n  'updatedInput': {'command': cmd.replace('original', 'rewritten')}}}))\n",
    );
    add_user_hooks(&env, &[hook_toml("PreToolUse", Some("shell"), &hook, "")]);
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "echo original-text"})),
        Reply::text("ok"),
    ]);
    let run = env.exec_json("say it", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = run.of_type("tool_completed")[0]["output"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(out.contains("rewritten-text"), "{out}");
    assert!(!out.contains("original-text"), "{out}");
    // What ran is shown and recorded, with the hook that rewrote it.
    let rewritten = run.of_type("tool_input_rewritten");
    assert_eq!(rewritten.len(), 1, "{:?}", run.events);
    assert_eq!(rewritten[0]["call_id"], "c1");
    assert_eq!(rewritten[0]["arguments"]["command"], "echo rewritten-text");
    assert!(
        rewritten[0]["hook"]
            .as_str()
            .unwrap()
            .contains("rewrite.py"),
        "{}",
        rewritten[0]
    );
    let recorded: Vec<Value> = env
        .session_records()
        .into_iter()
        .filter(|r| r["event"]["type"] == "tool_input_rewritten")
        .collect();
    assert_eq!(recorded.len(), 1, "{:?}", env.session_records());
    assert_eq!(
        recorded[0]["event"]["arguments"]["command"],
        "echo rewritten-text"
    );

    // The human view shows what ran and what the model asked for.
    env.server.push_all([
        Reply::tool_call("c2", "shell", json!({"command": "echo original-text"})),
        Reply::text("ok"),
    ]);
    let human = env.run(&["exec", "say it again"]);
    assert_eq!(human.code, 0, "{}", human.stderr);
    let all = format!("{}{}", human.stdout, human.stderr);
    assert!(
        all.contains("shell: echo rewritten-text (rewritten by hook `")
            && all.contains("the model asked for shell: echo original-text)"),
        "{all}"
    );
}

#[test]
fn a_prompt_hook_adds_context_or_drops_the_prompt() {
    let env = TestEnv::new("anthropic");
    let hook = script(
        &env,
        "prompt.sh",
        "#!/bin/bash\ninput=$(cat)\nif printf '%s' \"$input\" | grep -q 'password'; then\n  echo 'prompts must not contain passwords' >&2\n  exit 2\nfi\necho 'Ticket context: ABC-123 is open'\n",
    );
    add_user_hooks(&env, &[hook_toml("UserPromptSubmit", None, &hook, "")]);
    env.server.push(Reply::text("noted"));
    let run = env.exec_json("what is open?", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let reqs = env.server.requests();
    assert!(reqs[0].raw_body.contains("Ticket context: ABC-123 is open"));
    assert!(reqs[0].raw_body.contains("what is open?"));

    let run = env.exec_json("my password is hunter2", &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        env.server.requests().len(),
        1,
        "a dropped prompt reaches no model"
    );
    let warned = run.of_type("warning").iter().any(|w| {
        w["message"]
            .as_str()
            .unwrap_or("")
            .contains("prompts must not contain passwords")
    });
    assert!(warned, "{:?}", run.events);
    assert_eq!(run.of_type("task_completed")[0]["status"], "blocked");
}

#[test]
fn a_stop_hook_makes_the_agent_continue_once() {
    let env = TestEnv::new("responses");
    let hook = script(
        &env,
        "stop.py",
        "#!/usr/bin/env python3\nimport json, sys\ndata = json.load(sys.stdin)\nif not data['stop_hook_active']:\n    print(json.dumps({'decision': 'block', 'reason': 'run the tests before you stop'}))\n",
    );
    add_user_hooks(&env, &[hook_toml("Stop", None, &hook, "")]);
    env.server
        .push_all([Reply::text("all done"), Reply::text("tests pass, done")]);
    let run = env.exec_json("finish", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let reqs = env.server.requests();
    assert_eq!(reqs.len(), 2);
    assert!(reqs[1].raw_body.contains("run the tests before you stop"));
    assert_eq!(run.of_type("task_completed")[0]["status"], "done");
    assert_eq!(run.of_type("hook_completed").len(), 2);
}

#[test]
fn session_hooks_see_start_and_end() {
    let env = TestEnv::new("chat");
    let log = env.home.path().join("session.log");
    let hook = script(
        &env,
        "log.sh",
        &format!("#!/bin/bash\ncat >> {log:?}\necho >> {log:?}\n"),
    );
    add_user_hooks(
        &env,
        &[
            hook_toml("SessionStart", None, &hook, ""),
            hook_toml("SessionEnd", None, &hook, ""),
        ],
    );
    env.server.push(Reply::text("hi"));
    let run = env.exec_json("hello", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<Value> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["hook_event_name"], "SessionStart");
    assert_eq!(lines[0]["source"], "startup");
    assert_eq!(lines[1]["hook_event_name"], "SessionEnd");
    assert_eq!(lines[1]["reason"], "other");
}

/// A Stop hook that always blocks does not spend every turn: after eight
/// blocks in a row the turn ends with a warning.
#[test]
fn a_stop_hook_that_always_blocks_ends_after_eight_in_a_row() {
    let env = TestEnv::new("responses");
    let hook = script(
        &env,
        "stop.sh",
        "#!/bin/bash\ncat >/dev/null\necho 'not yet' >&2\nexit 2\n",
    );
    add_user_hooks(&env, &[hook_toml("Stop", None, &hook, "")]);
    env.server
        .push_all((0..20).map(|i| Reply::text(format!("answer {i}"))));
    let run = env.exec_json("finish", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        env.server.requests().len(),
        9,
        "the first answer and eight more"
    );
    assert_eq!(run.of_type("hook_completed").len(), 8);
    let warned = run.of_type("warning").iter().any(|w| {
        w["message"]
            .as_str()
            .unwrap_or("")
            .contains("Stop hooks kept the model going 8 times in a row")
    });
    assert!(warned, "{:?}", run.events);
    assert_eq!(run.of_type("task_completed")[0]["status"], "done");
}

/// A call a PreToolUse hook blocks was refused, not failed: its status is
/// `denied` and its line carries `⊘`, the mark of every refused call.
#[test]
fn a_call_blocked_by_a_hook_is_marked_denied() {
    let env = TestEnv::new("responses");
    let hook = script(
        &env,
        "guard.sh",
        "#!/bin/bash\ncat > /dev/null\necho 'not here' >&2\nexit 2\n",
    );
    add_user_hooks(&env, &[hook_toml("PreToolUse", Some("shell"), &hook, "")]);
    let replies = || {
        [
            Reply::tool_call("c1", "shell", json!({"command": "touch x.txt"})),
            Reply::text("ok"),
        ]
    };
    env.server.push_all(replies());
    let run = env.exec_json("make x", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = run.of_type("tool_completed");
    assert_eq!(done[0]["status"], "denied", "{:?}", done[0]);
    assert_eq!(done[0]["is_error"], true);
    env.server.push_all(replies());
    let run = env.run(&["exec", "make x"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let all = format!("{}{}", run.stdout, run.stderr);
    let line = all
        .lines()
        .find(|l| l.contains("shell: touch x.txt"))
        .unwrap_or_else(|| panic!("no line for the call: {all}"));
    assert!(line.starts_with("⊘"), "{line}");
    assert!(!env.repo_path().join("x.txt").exists());
}

/// A UserPromptSubmit hook printing 10 MB of plain text adds at most
/// 10,000 characters to the prompt, and its hook line says it was cut.
#[test]
fn a_hooks_context_is_capped_and_the_cut_is_said() {
    let env = TestEnv::new("responses");
    let hook = script(
        &env,
        "flood.sh",
        "#!/bin/bash\ncat > /dev/null\nhead -c 10485760 /dev/zero | tr '\\0' x\n",
    );
    add_user_hooks(&env, &[hook_toml("UserPromptSubmit", None, &hook, "")]);
    env.server.push(Reply::text("ok"));
    let run = env.exec_json("hello", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let body = &env.server.requests()[0].raw_body;
    let run_of_x = body
        .split(|c| c != 'x')
        .map(str::len)
        .max()
        .unwrap_or_default();
    assert_eq!(
        run_of_x, 10_000,
        "the prompt holds {run_of_x} characters of it"
    );
    // The true counts: what the hook printed, not what quire read of it.
    assert!(
        body.contains("[hook context cut to the first 10000 of at least 262144 characters (it printed 10485760 bytes, quire reads the first 256 KiB)]"),
        "{}",
        &body[body.len().saturating_sub(400)..]
    );
    let done = run.of_type("hook_completed");
    assert_eq!(done[0]["outcome"], "ok", "{:?}", done[0]);
    let message = done[0]["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with(
            "context cut to the first 10000 of at least 262144 characters (it printed 10485760 bytes"
        ),
        "{message}"
    );
}
