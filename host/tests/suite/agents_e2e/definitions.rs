//! Agent definitions as Claude Code writes them, offered per message, and
//! SubagentStart/SubagentStop hooks.

use support::model_server::Reply;
use support::quire::TestEnv;

use super::{PARENT, spawn_with, support};

const REVIEWER: &str = "---\nname: code-reviewer\ndescription: Expert code review specialist. Use after writing code.\ntools: Read, Grep, Glob\nmodel: inherit\ncolor: green\n---\n\nYou are a senior code reviewer. REVIEWER-PROMPT-MARK\n";

#[test]
fn claude_code_agent_files_are_used_as_written() {
    let env = TestEnv::new("responses");
    env.write(".claude/agents/code-reviewer.md", REVIEWER);
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![spawn_with(
                "s1",
                serde_json::json!({"task": "CHILD-H review src", "agent_type": "code-reviewer"}),
            )]),
            Reply::text("reviewed"),
        ],
    );
    env.server.route("CHILD-H", [Reply::text("looks fine")]);
    let run = env.exec_json(&format!("{PARENT} review my code"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let reqs = env.server.requests();
    let parent = reqs.iter().find(|r| r.raw_body.contains(PARENT)).unwrap();
    // Offered after the message, never in the instructions.
    let instructions = parent.body["instructions"].as_str().unwrap_or_default();
    assert!(!instructions.contains("code-reviewer"));
    assert!(
        parent
            .raw_body
            .contains("code-reviewer: Expert code review specialist")
    );
    let child = reqs
        .iter()
        .find(|r| r.raw_body.contains("CHILD-H") && !r.raw_body.contains(PARENT))
        .unwrap();
    assert!(
        child.body["instructions"]
            .as_str()
            .unwrap()
            .contains("REVIEWER-PROMPT-MARK")
    );
    let mut tools: Vec<String> = child.body["tools"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["name"].as_str().map(str::to_string))
        .filter(|n| n != "tool_search")
        .collect();
    tools.sort();
    // Only what it lists: no `skill` tool either (Claude Code's `Skill`).
    assert_eq!(
        tools,
        ["grep", "list_dir", "read_file"],
        "Read, Grep, Glob mapped"
    );
    // Without spawn_agent among its tools, it is offered no agents.
    assert!(
        !child.raw_body.contains("Agents you can start"),
        "{}",
        child.raw_body
    );
    let spawned = run.of_type("agent_spawned");
    assert_eq!(spawned[0]["agent_name"], "code-reviewer");
}

#[test]
fn subagent_start_and_stop_hooks_get_claude_code_payloads() {
    let env = TestEnv::new("responses");
    let log = logging_hooks(&env, &["SubagentStart", "SubagentStop"]);
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![spawn_with(
                "s1",
                serde_json::json!({"task": "CHILD-I x"}),
            )]),
            Reply::text("ok"),
        ],
    );
    env.server.route("CHILD-I", [Reply::text("child answer")]);
    let run = env.exec_json(&format!("{PARENT} go"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let id = run.of_type("agent_spawned")[0]["agent_id"]
        .as_str()
        .unwrap()
        .to_string();
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["hook_event_name"], "SubagentStart");
    assert_eq!(lines[0]["agent_id"], id.as_str());
    assert_eq!(lines[0]["agent_type"], "agent");
    assert_eq!(lines[1]["hook_event_name"], "SubagentStop");
    assert_eq!(lines[1]["last_assistant_message"], "child answer");
    assert!(
        lines[1]["agent_transcript_path"]
            .as_str()
            .unwrap()
            .ends_with(".jsonl")
    );
}

#[test]
fn a_subagent_ending_fires_subagent_stop_and_not_the_parents_stop_hooks() {
    let env = TestEnv::new("responses");
    let log = logging_hooks(&env, &["Stop", "SubagentStop"]);
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![spawn_with(
                "s1",
                serde_json::json!({"task": "CHILD-J x"}),
            )]),
            Reply::text("ok"),
        ],
    );
    env.server.route("CHILD-J", [Reply::text("child answer")]);
    let run = env.exec_json(&format!("{PARENT} go"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let events: Vec<(String, String)> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .map(|v| {
            (
                v["hook_event_name"].as_str().unwrap_or("").to_string(),
                v["last_assistant_message"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
            )
        })
        .collect();
    assert_eq!(
        events,
        [
            ("SubagentStop".to_string(), "child answer".to_string()),
            ("Stop".to_string(), "ok".to_string()),
        ]
    );
}

#[test]
fn a_blocking_subagent_stop_hook_is_asked_again_like_stop_up_to_the_cap() {
    let env = TestEnv::new("responses");
    let log = blocking_hooks(&env, &["SubagentStop"]);
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![spawn_with(
                "s1",
                serde_json::json!({"task": "CHILD-K x"}),
            )]),
            Reply::text("ok"),
        ],
    );
    env.server.route(
        "CHILD-K",
        (0..9).map(|i| Reply::text(format!("child answer {i}"))),
    );
    let run = env.exec_json(&format!("{PARENT} go"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines = log_lines(&log);
    let seen: Vec<(bool, &str)> = lines
        .iter()
        .map(|v| {
            (
                v["stop_hook_active"].as_bool().unwrap(),
                v["last_assistant_message"].as_str().unwrap(),
            )
        })
        .collect();
    let expected: Vec<(bool, String)> = (0..8)
        .map(|i| (i > 0, format!("child answer {i}")))
        .collect();
    let expected: Vec<(bool, &str)> = expected.iter().map(|(a, t)| (*a, t.as_str())).collect();
    assert_eq!(seen, expected, "asked 8 times, then the child ends");
    assert!(
        run.of_type("warning").iter().any(|w| w["message"]
            .as_str()
            .unwrap()
            .contains("SubagentStop hooks kept agent")),
        "{}",
        run.stdout
    );
    let completed = run.of_type("agent_completed");
    assert_eq!(completed[0]["status"], "done");
}

/// As with `Stop`, the cap counts blocks in a row: a child that calls a
/// tool between two blocks (the usual "go on until the tests pass" loop)
/// is asked from zero again, and `stop_hook_active` stays true.
#[test]
fn a_subagent_stop_hooks_cap_counts_only_blocks_in_a_row() {
    let env = TestEnv::new("responses");
    let log = blocking_hooks(&env, &["SubagentStop"]);
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![spawn_with(
                "s1",
                serde_json::json!({"task": "CHILD-W x"}),
            )]),
            Reply::text("ok"),
        ],
    );
    let worked = (0..10).flat_map(|i| {
        [
            Reply::text(format!("step {i}")),
            Reply::tool_call(
                format!("w{i}"),
                "shell",
                serde_json::json!({"command": format!("echo w{i}")}),
            ),
        ]
    });
    let idle = (0..9).map(|i| Reply::text(format!("final {i}")));
    env.server.route("CHILD-W", worked.chain(idle));
    let run = env.exec_json(&format!("{PARENT} go"), &["--approval", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines = log_lines(&log);
    let seen: Vec<(bool, &str)> = lines
        .iter()
        .map(|v| {
            (
                v["stop_hook_active"].as_bool().unwrap(),
                v["last_assistant_message"].as_str().unwrap(),
            )
        })
        .collect();
    let expected: Vec<(bool, String)> = (0..10)
        .map(|i| format!("step {i}"))
        .chain((0..8).map(|i| format!("final {i}")))
        .enumerate()
        .map(|(n, text)| (n > 0, text))
        .collect();
    let expected: Vec<(bool, &str)> = expected.iter().map(|(a, t)| (*a, t.as_str())).collect();
    assert_eq!(
        seen, expected,
        "ten blocks with work between, then eight in a row"
    );
    let warnings = run.of_type("warning");
    assert!(
        warnings.iter().any(|w| w["message"]
            .as_str()
            .unwrap()
            .contains("going 8 times in a row")),
        "{warnings:?}"
    );
    assert_eq!(run.of_type("agent_completed")[0]["status"], "done");
}

#[test]
fn user_prompt_submit_hooks_see_only_the_users_prompt_not_subagent_tasks() {
    let env = TestEnv::new("responses");
    let log = logging_hooks(&env, &["UserPromptSubmit"]);
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![spawn_with(
                "s1",
                serde_json::json!({"task": "CHILD-L x"}),
            )]),
            Reply::text("ok"),
        ],
    );
    env.server.route("CHILD-L", [Reply::text("child answer")]);
    let run = env.exec_json(&format!("{PARENT} go"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let prompts: Vec<String> = log_lines(&log)
        .iter()
        .map(|v| v["prompt"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(prompts, [format!("{PARENT} go")]);
    assert_eq!(run.of_type("agent_completed")[0]["status"], "done");
}

/// The hook inputs a logging hook wrote, one JSON value per line.
fn log_lines(log: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(log)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Registers one hook script for each of `events` in the user config; the
/// script appends each hook's input as a line to the returned log file.
fn logging_hooks(env: &TestEnv, events: &[&str]) -> std::path::PathBuf {
    hooks_with_tail(env, events, "")
}

/// As [`logging_hooks`], but each hook blocks (exit 2, a reason on stderr).
fn blocking_hooks(env: &TestEnv, events: &[&str]) -> std::path::PathBuf {
    hooks_with_tail(env, events, "echo 'tests are failing' >&2\nexit 2\n")
}

fn hooks_with_tail(env: &TestEnv, events: &[&str], tail: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let log = env.home.path().join("hook.log");
    let script = env.home.path().join("hook.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\ncat >> '{0}'\necho >> '{0}'\n{tail}",
            log.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let config_file = env.home.path().join("config.toml");
    let mut config = std::fs::read_to_string(&config_file).unwrap();
    for event in events {
        config.push_str(&format!(
            "\n[[hooks.{event}]]\ncommand = \"{}\"\n",
            script.display()
        ));
    }
    std::fs::write(&config_file, config).unwrap();
    log
}

/// Claude Code's subagent tool is `Task` (now also `Agent`): a Claude
/// settings hook matching it fires for `spawn_agent`, sees Claude's tool
/// name and input fields, and its block stops the child; a matcher naming
/// a tool quire does not have (`WebFetch`) is named in a warning.
#[test]
fn a_claude_task_matcher_fires_for_spawn_agent() {
    let env = TestEnv::new("responses");
    let log = env.home.path().join("task.log");
    let settings = serde_json::json!({"hooks": {"PreToolUse": [
        {"matcher": "Task", "hooks": [{"type": "command",
            "command": format!("cat >> '{}'; echo no subagents here >&2; exit 2", log.display())}]},
        {"matcher": "Agent|WebFetch", "hooks": [{"type": "command", "command": "true"}]}
    ]}});
    let claude = env.home.path().join("claude");
    std::fs::create_dir_all(&claude).unwrap();
    std::fs::write(claude.join("settings.json"), settings.to_string()).unwrap();
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![spawn_with(
                "s1",
                serde_json::json!({"task": "CHILD-T look around", "agent_type": "general"}),
            )]),
            Reply::text("could not"),
        ],
    );
    let run = env.exec_json(&format!("{PARENT} delegate"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.of_type("agent_spawned").is_empty(), "{:?}", run.events);
    let done = run.of_type("tool_completed");
    assert_eq!(done[0]["is_error"], true, "{:?}", done[0]);
    let out = done[0]["output"].as_str().unwrap_or_default();
    assert!(out.contains("no subagents here"), "{out}");
    let seen: serde_json::Value =
        serde_json::from_str(std::fs::read_to_string(&log).unwrap().trim()).unwrap();
    assert_eq!(seen["tool_name"], "Agent");
    assert_eq!(seen["tool_input"]["prompt"], "CHILD-T look around");
    assert_eq!(seen["tool_input"]["subagent_type"], "general");
    let warned: Vec<String> = run
        .of_type("warning")
        .iter()
        .filter_map(|w| w["message"].as_str().map(str::to_string))
        .collect();
    assert!(
        warned.iter().any(|w| w.contains("settings.json")
            && w.contains("entry 2 of the PreToolUse hooks")
            && w.contains("`WebFetch` is a Claude Code tool quire does not have")),
        "{warned:?}"
    );
    assert!(!warned.iter().any(|w| w.contains("`Agent`")), "{warned:?}");
}

/// As in Claude Code: a SubagentStart hook adds context through
/// `hookSpecificOutput.additionalContext`; its plain stdout is not context
/// (only UserPromptSubmit's and SessionStart's are).
#[test]
fn subagent_start_context_comes_from_additional_context_not_plain_stdout() {
    let env = TestEnv::new("responses");
    hooks_with_tail(
        &env,
        &["SubagentStart"],
        "echo '{\"hookSpecificOutput\":{\"hookEventName\":\"SubagentStart\",\"additionalContext\":\"SUBCTX-MARK use tabs\"}}'\n",
    );
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![spawn_with(
                "s1",
                serde_json::json!({"task": "CHILD-CTX x"}),
            )]),
            Reply::text("ok"),
        ],
    );
    env.server.route("CHILD-CTX", [Reply::text("child answer")]);
    let run = env.exec_json(&format!("{PARENT} go"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let reqs = env.server.requests();
    let child = reqs
        .iter()
        .find(|r| r.raw_body.contains("CHILD-CTX") && !r.raw_body.contains(PARENT))
        .unwrap();
    assert!(
        child.raw_body.contains("SUBCTX-MARK use tabs"),
        "{}",
        child.raw_body
    );

    let env = TestEnv::new("responses");
    hooks_with_tail(&env, &["SubagentStart"], "echo PLAINSUB-MARK\n");
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![spawn_with(
                "s1",
                serde_json::json!({"task": "CHILD-CTX x"}),
            )]),
            Reply::text("ok"),
        ],
    );
    env.server.route("CHILD-CTX", [Reply::text("child answer")]);
    let run = env.exec_json(&format!("{PARENT} go"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        env.server
            .requests()
            .iter()
            .all(|r| !r.raw_body.contains("PLAINSUB-MARK"))
    );
}

#[test]
fn a_child_does_not_repeat_the_start_up_warnings_the_user_has_seen() {
    let env = TestEnv::new("chat");
    // A definition without frontmatter: skipped with a warning at start-up.
    env.write(".claude/agents/broken.md", "no frontmatter here\n");
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![spawn_with(
                "s1",
                serde_json::json!({"task": "CHILD-W look around"}),
            )]),
            Reply::text("done"),
        ],
    );
    env.server.route("CHILD-W", [Reply::text("looked")]);
    let run = env.run(&["exec", &format!("{PARENT} delegate")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let said = run.stderr.matches("agent skipped").count();
    assert_eq!(said, 1, "said once, by the session: {}", run.stderr);
    assert!(run.stderr.contains("broken.md"), "{}", run.stderr);
}
