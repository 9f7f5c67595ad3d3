//! A definition's `sandbox_mode` (Codex): `read-only` fixes the child's
//! sandbox, whatever the session's and the approval policy.

use serde_json::json;
use support::model_server::{Reply, Step};
use support::quire::TestEnv;

use super::{PARENT, spawn_with, support};

const PLANNER: &str = "name = \"planner\"\ndescription = \"Plans multi-step changes before editing\"\ndeveloper_instructions = \"\"\"You plan. Do not edit files.\"\"\"\nmodel_reasoning_effort = \"high\"\nsandbox_mode = \"read-only\"\n";

#[test]
fn a_read_only_agent_cannot_write_even_in_a_session_without_sandbox() {
    let env = TestEnv::new("responses");
    env.write(".codex/agents/planner.toml", PLANNER);
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![spawn_with(
                "s1",
                json!({"task": "CHILD-RO plan it", "agent_type": "planner"}),
            )]),
            Reply::text("planned"),
        ],
    );
    let patch = "*** Begin Patch\n*** Add File: patched.txt\n+x\n*** End Patch\n";
    env.server.route(
        "CHILD-RO",
        [
            Reply::tool_calls(vec![
                Step::tool_call("c1", "shell", json!({"command": "touch ro_wrote.txt"})),
                Step::tool_call("c2", "apply_patch", json!({"patch": patch})),
                Step::tool_call(
                    "c3",
                    "shell",
                    json!({"command": "touch escalated.txt", "escalate": true, "justification": "need it"}),
                ),
            ]),
            Reply::text("done planning"),
        ],
    );
    let run = env.exec_json(
        &format!("{PARENT} plan"),
        &["--sandbox", "danger-full-access", "--approval", "never"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let root = env.repo_path();
    for f in ["ro_wrote.txt", "patched.txt", "escalated.txt"] {
        assert!(!root.join(f).exists(), "{f} written by a read-only agent");
    }
    let reqs = env.server.requests();
    let child = reqs
        .iter()
        .rfind(|r| r.raw_body.contains("CHILD-RO") && !r.raw_body.contains(PARENT))
        .unwrap();
    // Each refusal says where the restriction comes from: the definition,
    // not a --sandbox flag nobody gave.
    assert!(
        child.raw_body.contains(
            "this agent's definition makes its sandbox read-only (its permissionMode: plan (Claude Code) or sandbox_mode"
        ) && child.raw_body.contains(
            "this agent's definition fixes the read-only sandbox (its permissionMode: plan"
        ) && !child.raw_body.contains("--sandbox read-only"),
        "{}",
        child.raw_body
    );
    // The child's environment says read-only.
    let first = reqs
        .iter()
        .find(|r| r.raw_body.contains("CHILD-RO") && !r.raw_body.contains(PARENT))
        .unwrap();
    assert!(first.raw_body.contains("read-only"), "{}", first.raw_body);
}

#[test]
fn agents_validate_names_unsupported_hooks_and_mcp_servers() {
    let env = TestEnv::new("responses");
    env.write(
        ".claude/agents/db-reader.md",
        "---\nname: db-reader\ndescription: Reads the database\nhooks:\n  PreToolUse:\n    - matcher: \"Bash\"\n      hooks:\n        - type: command\n          command: \"./scripts/validate-readonly-query.sh\"\n---\nRead.\n",
    );
    env.write(
        ".codex/agents/docs.toml",
        "description = \"Docs\"\n[mcp_servers.docs]\ncommand = \"docs-mcp\"\n",
    );
    let run = env.run(&[
        "agents",
        "validate",
        ".claude/agents/db-reader.md",
        ".codex/agents/docs.toml",
    ]);
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(all.contains("db-reader.md"), "{all}");
    assert!(
        all.contains("hooks are not supported in an agent definition"),
        "{all}"
    );
    assert!(all.contains("docs.toml"), "{all}");
    assert!(all.contains("mcp_servers is not supported"), "{all}");
}

/// `quire agents show` says what the definition takes away: the tools of
/// `disallowedTools`, and a pattern entry read as one (not split on its
/// space) with what quire does with it.
#[test]
fn agents_show_names_the_tools_taken_away() {
    let env = TestEnv::new("responses");
    env.write(
        ".claude/agents/no-shell.md",
        "---\nname: no-shell\ndescription: Works without commands\ndisallowedTools: Bash, Write\n---\nWork.\n",
    );
    env.write(
        ".claude/agents/status.md",
        "---\nname: status\ndescription: Looks at git\ntools: Read, Bash(git status:*)\n---\nLook.\n",
    );
    let run = env.run(&["agents", "show", "no-shell"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("tools:       the parent's except shell, apply_patch\n"),
        "{}",
        run.stdout
    );
    let run = env.run(&["agents", "show", "status"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("tools:       read_file\n")
            && run.stdout.contains(
                "warning:     tools 'Bash(git status:*)': quire cannot limit shell to 'git status:*', so the agent does not get shell"
            )
            && !run.stdout.contains("'Bash(git'"),
        "{}",
        run.stdout
    );
}

/// `tools: shell, nosuchtool, Bash(git status:*)`: shell is given whole
/// (the pattern beside it adds nothing, no warning says otherwise), and
/// `show` lists only the tools the agent gets.
#[test]
fn agents_show_lists_only_the_tools_given_and_a_pattern_beside_its_tool_is_quiet() {
    let env = TestEnv::new("responses");
    env.write(
        ".quire/agents/mixed.md",
        "---\nname: mixed\ndescription: Mixed tools\ntools: shell, nosuchtool, Bash(git status:*)\n---\nWork.\n",
    );
    let run = env.run(&["agents", "show", "mixed"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("tools:       shell\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("warning:     tool 'nosuchtool' is no quire tool")
            && !run.stdout.contains("does not get shell"),
        "{}",
        run.stdout
    );
    let run = env.run(&["agents", "validate", ".quire/agents/mixed.md"]);
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(
        all.contains("nosuchtool") && !all.contains("does not get shell"),
        "{all}"
    );
}

/// A session begun read-only, switched with `/approvals full-access
/// --yes`: a child spawned after runs without a sandbox as its parent
/// does now, while an agent whose definition fixes it read-only stays so.
#[test]
fn children_spawned_after_approvals_take_the_new_sandbox_unless_fixed() {
    let env = TestEnv::new("chat");
    env.write(".codex/agents/planner.toml", PLANNER);
    let outside = tempfile::tempdir().expect("temp");
    let free = outside.path().join("free.txt");
    let planned = outside.path().join("planned.txt");
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![spawn_with("s1", json!({"task": "CHILD-FREE write"}))]),
            Reply::tool_calls(vec![spawn_with(
                "s2",
                json!({"task": "CHILD-PLAN write", "agent_type": "planner"}),
            )]),
            Reply::text("parent done"),
        ],
    );
    let touch = |path: &std::path::Path| {
        Reply::tool_call(
            "c1",
            "shell",
            json!({"command": format!("touch '{}'", path.display())}),
        )
    };
    env.server
        .route("CHILD-FREE", [touch(&free), Reply::text("free done")]);
    env.server
        .route("CHILD-PLAN", [touch(&planned), Reply::text("plan done")]);
    let r = env.run_with_input(
        &["-s", "read-only", "-a", "never"],
        &format!("/approvals full-access --yes\n{PARENT} spawn two children\n"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        free.exists(),
        "the child kept the sandbox of the start: {}",
        r.stderr
    );
    assert!(!planned.exists(), "the read-only agent wrote");
}

/// A child without a definition, spawned while the session is read-only,
/// is read-only as its parent is, not fixed so: its escalation is asked
/// about and runs when allowed (it was refused as if a definition fixed
/// its sandbox).
#[test]
fn a_plain_child_of_a_read_only_session_may_ask_to_escalate() {
    let env = TestEnv::new("chat");
    env.server.route(
        PARENT,
        [
            Reply::tool_calls(vec![spawn_with("s1", json!({"task": "CHILD-ASK write"}))]),
            Reply::text("parent done"),
        ],
    );
    env.server.route(
        "CHILD-ASK",
        [
            Reply::tool_call(
                "c1",
                "shell",
                json!({"command": "touch escalated.txt", "escalate": true, "justification": "need it"}),
            ),
            Reply::text("child done"),
        ],
    );
    let r = env.run_with_input(
        &["-s", "read-only", "-a", "on-request"],
        &format!("{PARENT} spawn a child\ny\n"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        env.repo_path().join("escalated.txt").exists(),
        "the child's escalation was not asked about: {}",
        r.stderr
    );
    assert!(!r.stderr.contains("definition fixes"), "{}", r.stderr);
}
