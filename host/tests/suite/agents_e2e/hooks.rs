//! A child's tool calls run the session's hooks; their `hook_started` /
//! `hook_completed` events carry the child's ids, as all its events do, so
//! that two children's hook lines can be told apart.

use serde_json::{Value, json};
use support::model_server::Reply;
use support::quire::TestEnv;

use super::{PARENT, spawn, spawn_with, support};
use crate::suite::hooks_e2e::{add_user_hooks, hook_toml, script};

#[test]
fn a_childs_hook_events_carry_its_agent_id_parent_id_and_agent_name() {
    let env = TestEnv::new("chat");
    let guard = script(&env, "allow.sh", "#!/bin/bash\ncat >/dev/null\nexit 0\n");
    add_user_hooks(&env, &[hook_toml("PreToolUse", Some("shell"), &guard, "")]);
    env.write(
        ".quire/agents/checker.md",
        "---\nname: checker\ndescription: Checks things\n---\nCheck.\n",
    );
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![
                spawn("s1", "CHILD-A say a"),
                spawn_with(
                    "s2",
                    json!({"task": "CHILD-B say b", "agent_type": "checker"}),
                ),
            ]),
            Reply::text("both answered"),
        ],
    );
    for (m, id, cmd) in [("CHILD-A", "k1", "echo a"), ("CHILD-B", "k2", "echo b")] {
        env.server.route(
            m,
            [
                Reply::tool_call(id, "shell", json!({"command": cmd})),
                Reply::text("said"),
            ],
        );
    }
    let run = env.exec_json(&format!("{PARENT} ask two"), &["--approval", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let parent_id = run
        .of_type("session_started")
        .into_iter()
        .find(|e| e.get("agent_id").is_none())
        .expect("the parent's session_started")["session_id"]
        .clone();
    let hook_events: Vec<&Value> = run
        .events
        .iter()
        .filter(|e| e["type"] == "hook_started" || e["type"] == "hook_completed")
        .collect();
    assert_eq!(
        hook_events.len(),
        4,
        "one run per child's call: {hook_events:?}"
    );
    let spawned = run.of_type("agent_spawned");
    assert_eq!(spawned.len(), 2);
    for (name, call) in [("agent", "k1"), ("checker", "k2")] {
        let child = spawned
            .iter()
            .find(|s| s["agent_name"] == name)
            .unwrap_or_else(|| panic!("child {name} spawned: {spawned:?}"));
        let id = &child["agent_id"];
        // The child's own tool call, to see the ids match its events.
        assert!(
            run.of_type("tool_started")
                .iter()
                .any(|e| e["call_id"] == call && &e["agent_id"] == id),
            "{call} ran in {name}"
        );
        for kind in ["hook_started", "hook_completed"] {
            let own: Vec<&&Value> = hook_events
                .iter()
                .filter(|e| e["type"] == kind && &e["agent_id"] == id)
                .collect();
            assert_eq!(own.len(), 1, "{kind} of {name}: {hook_events:?}");
            assert_eq!(own[0]["parent_id"], parent_id, "{}", own[0]);
            assert_eq!(own[0]["agent_name"], name, "{}", own[0]);
            assert_eq!(own[0]["event"], "PreToolUse", "{}", own[0]);
        }
    }
}

/// A child whose definition fixes a read-only sandbox (Claude Code's
/// `permissionMode: plan`): the hooks run for its calls are told its own
/// mode (`plan` for a Claude Code hook), not the parent's, whose own
/// calls' hooks still say the parent's (`acceptEdits`).
#[test]
fn a_read_only_childs_hooks_are_told_its_own_permission_mode() {
    let env = TestEnv::new("chat");
    let claude_log = env.home.path().join("claude.jsonl");
    let quire_log = env.home.path().join("quire.jsonl");
    // Claude Code's user settings (no approval needed): one command hook.
    let logging = format!("cat >> {0}; echo >> {0}", claude_log.display());
    let settings = json!({"hooks": {"PreToolUse": [{"matcher": "Bash",
        "hooks": [{"type": "command", "command": logging}]}]}});
    let dir = env.home.path().join("claude");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("settings.json"), settings.to_string()).unwrap();
    let own = script(
        &env,
        "own.sh",
        &format!(
            "#!/bin/bash\ncat >> {}\necho >> {}\n",
            quire_log.display(),
            quire_log.display()
        ),
    );
    add_user_hooks(&env, &[hook_toml("PreToolUse", Some("shell"), &own, "")]);
    env.write(
        ".claude/agents/looker.md",
        "---\nname: looker\ndescription: Looks, never changes\npermissionMode: plan\n---\nLook.\n",
    );
    env.server.route(
        PARENT,
        [
            Reply::tool_call("p1", "shell", json!({"command": "echo PARENT-CALL"})),
            Reply::tool_calls(vec![spawn_with(
                "s1",
                json!({"task": "CHILD-P look", "agent_type": "looker"}),
            )]),
            Reply::text("looked"),
        ],
    );
    env.server.route(
        "CHILD-P",
        [
            Reply::tool_call("k1", "shell", json!({"command": "echo CHILD-CALL"})),
            Reply::text("seen"),
        ],
    );
    let run = env.exec_json(
        &format!("{PARENT} look"),
        &["--approval", "on-request", "--sandbox", "workspace-write"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let seen = |log: &std::path::Path, call: &str, key: &str| -> String {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        let input = text
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .find(|v| v["tool_input"]["command"] == call)
            .unwrap_or_else(|| panic!("no hook input for {call} in {text}"));
        input[key].as_str().unwrap_or_default().to_string()
    };
    assert_eq!(
        seen(&claude_log, "echo PARENT-CALL", "permission_mode"),
        "acceptEdits"
    );
    assert_eq!(
        seen(&claude_log, "echo CHILD-CALL", "permission_mode"),
        "plan"
    );
    assert_eq!(
        seen(&claude_log, "echo CHILD-CALL", "quire_permission_mode"),
        "on-request"
    );
    assert_eq!(
        seen(&quire_log, "echo CHILD-CALL", "permission_mode"),
        "on-request"
    );
}
