//! Anthropic's own Claude Code plugins (commit-commands, ralph-wiggum,
//! hookify, feature-dev, security-guidance), their parts written here as
//! small fixtures: read-only `` !`git …` `` lines beside narrow
//! `allowed-tools`, a quoted `${CLAUDE_PLUGIN_ROOT}` script, flow lists in
//! loose frontmatter, and the keys those plugins use.

use std::os::unix::fs::PermissionsExt;

use super::commands::bodies;
use super::run;
use super::support::model_server::Reply;
use super::support::quire::TestEnv;

/// Writes the Claude Code plugin `name` (a manifest only) into the
/// repository's `.agents/plugins`; returns its folder.
fn plugin(env: &TestEnv, name: &str) -> String {
    let dir = format!(".agents/plugins/{name}");
    env.write(
        &format!("{dir}/.claude-plugin/plugin.json"),
        &format!("{{\"name\": \"{name}\"}}\n"),
    );
    dir
}

/// commit-commands' `/commit`: its rules name `git add`, `git status`
/// and `git commit`, its lines run `git diff HEAD`, `git branch
/// --show-current` and `git log`. Claude Code runs read-only lines
/// without a rule; any other line still needs one.
#[test]
fn read_only_lines_run_beside_narrow_allowed_tools_and_others_are_refused() {
    let env = TestEnv::new("chat");
    env.write("tracked.txt", "old\n");
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .args(args)
            .current_dir(env.repo_path())
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "git {args:?}");
    };
    git(&["add", "tracked.txt"]);
    git(&[
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@t",
        "commit",
        "-qm",
        "first-commit-subject",
    ]);
    env.write("tracked.txt", "new-line-in-the-diff\n");
    let dir = plugin(&env, "commit-commands");
    env.write(
        &format!("{dir}/commands/commit.md"),
        "---\nallowed-tools: Bash(git add:*), Bash(git status:*), Bash(git commit:*)\ndescription: Create a git commit\n---\n- status: !`git status`\n- diff: !`git diff HEAD`\n- branch: !`git branch --show-current`\n- log: !`git log --oneline -10`\nCommit it.\n",
    );
    env.write(
        &format!("{dir}/commands/touchy.md"),
        "---\nallowed-tools: Bash(git status:*)\n---\n- !`touch pwned.txt`\n",
    );
    env.server.push(Reply::text("done"));
    let r = run(&env, &["exec", "--json", "/commit-commands:commit"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let sent = bodies(&env);
    assert!(sent.contains("+new-line-in-the-diff"), "{sent}");
    assert!(sent.contains("first-commit-subject"), "{sent}");

    let r = run(&env, &["exec", "/commit-commands:touchy"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("Bash(touch pwned.txt:*)"), "{}", r.stderr);
    assert!(!env.repo_path().join("pwned.txt").exists());
}

/// ralph-wiggum's `/ralph-loop`: the rule names
/// `${CLAUDE_PLUGIN_ROOT}/scripts/setup.sh`, the block runs it in double
/// quotes. Rules match the words after quote removal; the rule suggested
/// for a line not covered is written with `${CLAUDE_PLUGIN_ROOT}`.
#[test]
fn a_quoted_plugin_script_matches_its_rule_and_hints_name_the_plugin_root() {
    let env = TestEnv::new("chat");
    let dir = plugin(&env, "ralph-wiggum");
    env.write(
        &format!("{dir}/scripts/setup.sh"),
        "#!/bin/sh\necho \"setup ran with: $*\"\n",
    );
    let script = env.repo_path().join(&dir).join("scripts/setup.sh");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    env.write(
        &format!("{dir}/commands/ralph-loop.md"),
        "---\ndescription: \"Start loop\"\nallowed-tools: [\"Bash(${CLAUDE_PLUGIN_ROOT}/scripts/setup.sh:*)\"]\nhide-from-slash-command-tool: \"true\"\n---\n```!\n\"${CLAUDE_PLUGIN_ROOT}/scripts/setup.sh\" $ARGUMENTS\n```\nWork on it.\n",
    );
    env.write(
        &format!("{dir}/commands/unruled.md"),
        "---\nallowed-tools: Bash(git add:*)\n---\n```!\n\"${CLAUDE_PLUGIN_ROOT}/scripts/setup.sh\" $ARGUMENTS\n```\n",
    );
    env.server.push(Reply::text("done"));
    let r = run(
        &env,
        &["exec", "--json", "/ralph-wiggum:ralph-loop build it"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        bodies(&env).contains("setup ran with: build it"),
        "{}",
        bodies(&env)
    );
    // The key Anthropic's plugins use is no problem.
    assert!(
        !r.stderr.contains("hide-from-slash-command-tool"),
        "{}",
        r.stderr
    );

    let r = run(&env, &["exec", "/ralph-wiggum:unruled x"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("add `allowed-tools: Bash(${CLAUDE_PLUGIN_ROOT}/scripts/setup.sh:*)`"),
        "{}",
        r.stderr
    );
}

/// hookify's conversation-analyzer: an unquoted `: ` in its description
/// makes strict YAML fail; its `tools: ["Read", "Grep"]` is still a list.
/// feature-dev's code-explorer names `Glob` and `LS`, both quire's
/// `list_dir`: listed once.
#[test]
fn agents_read_flow_lists_in_loose_frontmatter_and_name_each_tool_once() {
    let env = TestEnv::new("chat");
    let dir = plugin(&env, "kit");
    env.write(
        &format!("{dir}/agents/analyzer.md"),
        "---\nname: analyzer\ndescription: Use this agent when analyzing. Examples: user: \"/hookify\"\nmodel: inherit\ntools: [\"Read\", \"Grep\"]\n---\nYou analyze.\n",
    );
    env.write(
        &format!("{dir}/agents/explorer.md"),
        "---\nname: explorer\ndescription: Explores code\ntools: Glob, Grep, LS, Read\n---\nExplore.\n",
    );
    let r = run(&env, &["agents", "show", "kit:analyzer"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let tools = |out: &str| {
        out.lines()
            .find(|l| l.starts_with("tools:"))
            .map(|l| l.trim_start_matches("tools:").trim().to_string())
            .unwrap_or_default()
    };
    assert_eq!(
        tools(&r.stdout),
        "read_file, grep",
        "{}{}",
        r.stdout,
        r.stderr
    );
    assert!(!r.stderr.contains("no quire equivalent"), "{}", r.stderr);

    let r = run(&env, &["agents", "show", "kit:explorer"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        tools(&r.stdout),
        "list_dir, grep, read_file",
        "{}",
        r.stdout
    );
}

/// security-guidance's hooks carry `rewakeMessage` and `rewakeSummary`
/// beside `asyncRewake`: Claude Code's keys, not problems.
#[test]
fn the_rewake_keys_of_official_hooks_are_no_problem() {
    let env = TestEnv::new("chat");
    let dir = plugin(&env, "security-guidance");
    env.write(
        &format!("{dir}/hooks/hooks.json"),
        r#"{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "true", "asyncRewake": true, "rewakeMessage": "Review found issues:", "rewakeSummary": "Review found issues"}]}]}}"#,
    );
    let r = run(&env, &["plugins", "validate", &dir]);
    assert!(!r.stderr.contains("rewakeMessage"), "{}", r.stderr);
    assert!(!r.stderr.contains("rewakeSummary"), "{}", r.stderr);
    assert!(r.stderr.contains("asyncRewake"), "{}", r.stderr);
}

/// hookify's skill says `name: Writing Hookify Rules`, which no one can
/// type after `$`: it is called by its folder, the plugin's prefix kept,
/// and `skills list` says so.
#[test]
fn a_skill_named_in_words_is_called_by_its_folder() {
    let env = TestEnv::new("chat");
    let dir = plugin(&env, "hookify");
    env.write(
        &format!("{dir}/skills/writing-rules/SKILL.md"),
        "---\nname: Writing Hookify Rules\ndescription: This skill should be used when the user asks to create a hookify rule.\n---\nHOOKIFY-RULES-BODY: one rule per file.\n",
    );
    let r = run(&env, &["skills", "list"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("call it as $hookify:writing-rules"),
        "{}",
        r.stdout
    );

    env.server.push(Reply::text("done"));
    let r = run(
        &env,
        &["exec", "--json", "$hookify:writing-rules block rm -rf"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let activated: Vec<_> = r
        .of_type("skill_activated")
        .iter()
        .map(|e| e["name"].clone())
        .collect();
    assert_eq!(activated, ["hookify:Writing Hookify Rules"], "{}", r.stdout);
    assert!(
        bodies(&env).contains("HOOKIFY-RULES-BODY"),
        "{}",
        bodies(&env)
    );

    // The model may use the same name with the `skill` tool.
    env.server.push_all([
        Reply::tool_call(
            "s1",
            "skill",
            serde_json::json!({"action": "activate", "name": "hookify:writing-rules"}),
        ),
        Reply::text("done"),
    ]);
    let r = run(&env, &["exec", "--json", "write a rule"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let done = r.of_type("tool_completed");
    assert_eq!(done.len(), 1, "{}", r.stdout);
    assert_eq!(done[0]["is_error"], false, "{}", done[0]);
    assert!(
        done[0]["output"]
            .as_str()
            .is_some_and(|o| o.contains("HOOKIFY-RULES-BODY")),
        "{}",
        done[0]
    );
}

/// hookify as published: its skill's `name: Writing Hookify Rules` and
/// `version: 0.1.0` are Claude Code's, so `plugins validate` passes with a
/// note saying how to call the skill; its agent's loose frontmatter is
/// one warning, counted alike by `validate`, `share add` and `plugins
/// list`. `skills validate` still holds the skill to the spec.
#[test]
fn hookify_as_published_validates_and_every_count_agrees() {
    let env = TestEnv::new("chat");
    let src = env.home.path().join("src/hookify");
    let write = |rel: &str, text: &str| {
        let p = src.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write(".claude-plugin/plugin.json", "{\"name\": \"hookify\"}\n");
    write(
        "skills/writing-rules/SKILL.md",
        "---\nname: Writing Hookify Rules\ndescription: This skill should be used when the user asks to create a hookify rule.\nversion: 0.1.0\n---\nbody\n",
    );
    write(
        "agents/analyzer.md",
        "---\nname: analyzer\ndescription: Use this agent when analyzing. Examples: user: \"/hookify\"\nmodel: inherit\n---\nYou analyze.\n",
    );
    let src = src.display().to_string();
    let r = run(&env, &["plugins", "validate", &src]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.lines().any(|l| l == "valid"), "{}", r.stdout);
    assert!(
        r.stderr.lines().any(|l| l.starts_with("note: ")
            && l.contains("\"Writing Hookify Rules\"")
            && l.ends_with("quire calls the skill as $hookify:writing-rules")),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("version"), "{}", r.stderr);
    assert!(
        r.stderr.lines().any(|l| l == "1 warning(s)"),
        "{}",
        r.stderr
    );

    let r = run(&env, &["share", "add", &src]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("warning: plugin hookify has 1 warning(s):"),
        "{}",
        r.stderr
    );
    let r = run(&env, &["plugins", "list"]);
    assert!(
        r.stdout.contains("plugin bundle (project), ok, 1 warning:"),
        "{}",
        r.stdout
    );
    let r = run(&env, &["skills", "list"]);
    assert!(!r.stdout.contains("version"), "{}{}", r.stdout, r.stderr);
    assert!(!r.stderr.contains("version"), "{}", r.stderr);

    let skill = format!("{src}/skills/writing-rules");
    let r = run(&env, &["skills", "validate", &skill]);
    assert_ne!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        format!("{}{}", r.stdout, r.stderr).contains("must be lowercase"),
        "{}{}",
        r.stdout,
        r.stderr
    );
}
