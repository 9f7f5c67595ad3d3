//! Hooks a Claude Code plugin declares in `.claude-plugin/plugin.json`:
//! written inline, or as a path to a hook file. Installed from a
//! marketplace, approved with `quire hooks trust`, they block a shell
//! command in a real turn like hooks/hooks.json does; a path that leaves
//! the plugin's folder is refused and named.

use std::os::unix::fs::PermissionsExt;

use serde_json::{Value, json};

use super::support::model_server::Reply;
use super::support::quire::{Run, TestEnv};
use super::{git, isolate, run};

/// A guard script that blocks every command it sees.
const GUARD: &str = "#!/bin/sh\ncat > /dev/null\necho \"blocked by manifest-kit\" >&2\nexit 2\n";

/// A marketplace in a git repository holding `manifest-kit` with the
/// given `plugin.json` and `scripts/g.sh`, added and the plugin installed.
fn install(env: &TestEnv, manifest: &Value, extra: &[(&str, &str)]) -> Run {
    let root = env.home.path().join("hook-market");
    let plugin = root.join("plugins/manifest-kit");
    std::fs::create_dir_all(plugin.join(".claude-plugin")).expect("mkdir");
    std::fs::create_dir_all(plugin.join("scripts")).expect("mkdir");
    std::fs::write(
        plugin.join(".claude-plugin/plugin.json"),
        manifest.to_string(),
    )
    .expect("write");
    let guard = plugin.join("scripts/g.sh");
    std::fs::write(&guard, GUARD).expect("write");
    std::fs::set_permissions(&guard, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    for (rel, text) in extra {
        let p = plugin.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    std::fs::create_dir_all(root.join(".claude-plugin")).expect("mkdir");
    std::fs::write(
        root.join(".claude-plugin/marketplace.json"),
        r#"{"name": "hook-market", "owner": {"name": "t"},
  "plugins": [{"name": "manifest-kit", "source": "./plugins/manifest-kit"}]}"#,
    )
    .expect("write");
    git(&root, &["init", "-q", "-b", "main"]);
    git(&root, &["add", "-A"]);
    git(&root, &["commit", "-q", "-m", "market"]);
    let url = format!("file://{}", root.display());
    let r = run(
        env,
        &["plugins", "marketplace", "add", &url, "--ref", "main"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(env, &["plugins", "install", "manifest-kit"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    r
}

/// The PreToolUse guard on Bash, as a hooks.json events map.
fn guard_events() -> Value {
    json!({"PreToolUse": [{"matcher": "Bash", "hooks": [
        {"type": "command", "command": "${CLAUDE_PLUGIN_ROOT}/scripts/g.sh"}
    ]}]})
}

/// One turn where the model runs `touch FILE` in the shell.
fn touch(env: &TestEnv, file: &str) -> Run {
    env.server.push_all([
        Reply::tool_call("t1", "shell", json!({"command": format!("touch {file}")})),
        Reply::text("done"),
    ]);
    let mut cmd = env.command(&["exec", "--json", "make the file"]);
    isolate(env, &mut cmd);
    let r = super::support::quire::finish(cmd.spawn().expect("spawn quire"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    r
}

/// The plugin's row in `quire plugins list`.
fn list_row(env: &TestEnv) -> String {
    let r = run(env, &["plugins", "list"]);
    r.stdout
        .lines()
        .find(|l| l.starts_with("manifest-kit "))
        .unwrap_or_else(|| panic!("not listed:\n{}", r.stdout))
        .to_string()
}

/// `quire plugins validate` of the installed plugin's folder.
fn validate(env: &TestEnv) -> Run {
    let row = list_row(env);
    let root = row.split_whitespace().last().unwrap_or_default();
    run(env, &["plugins", "validate", root])
}

/// Approves the plugin's hooks, then checks that the guard blocks a shell
/// command: the call fails with the guard's words, the file is not made.
fn approved_guard_blocks(env: &TestEnv, source_ends: &str) {
    // Not approved yet: the command runs.
    touch(env, "before.txt");
    assert!(env.repo_path().join("before.txt").is_file());

    let r = run(env, &["hooks", "trust"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let r = run(env, &["hooks", "list", "--json"]);
    let hooks: Vec<Value> = r
        .stdout
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .filter(|h: &Value| {
            h["command"]
                .as_str()
                .is_some_and(|c| c.ends_with("manifest-kit/scripts/g.sh"))
        })
        .collect();
    assert_eq!(hooks.len(), 1, "{}", r.stdout);
    let source = hooks[0]["source"].as_str().unwrap_or_default();
    assert!(source.ends_with(source_ends), "{source}");
    assert_eq!(hooks[0]["event"], "PreToolUse", "{}", hooks[0]);
    assert_eq!(hooks[0]["trust"], "trusted", "{}", hooks[0]);

    let r = touch(env, "approved.txt");
    assert!(!env.repo_path().join("approved.txt").exists());
    let done = r.of_type("tool_completed");
    assert_eq!(done.len(), 1, "{:?}", r.events);
    assert_eq!(done[0]["is_error"], true, "{:?}", done[0]);
    let out = done[0]["output"].as_str().unwrap_or_default();
    assert!(out.contains("blocked by manifest-kit"), "{out}");
}

#[test]
fn inline_hooks_in_plugin_json_load_and_block_once_approved() {
    let env = TestEnv::new("responses");
    let r = install(
        &env,
        &json!({"name": "manifest-kit", "hooks": guard_events()}),
        &[],
    );
    assert!(!r.stderr.contains("warning:"), "{}", r.stderr);
    let line = list_row(&env);
    assert!(line.contains(" ok") && !line.contains("partial"), "{line}");
    let r = validate(&env);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    approved_guard_blocks(&env, "manifest-kit/.claude-plugin/plugin.json");
}

#[test]
fn inline_hooks_wrapped_as_in_hooks_json_load_too() {
    let env = TestEnv::new("responses");
    let r = install(
        &env,
        &json!({"name": "manifest-kit", "hooks": {"hooks": guard_events()}}),
        &[],
    );
    assert!(!r.stderr.contains("warning:"), "{}", r.stderr);
    approved_guard_blocks(&env, "manifest-kit/.claude-plugin/plugin.json");
}

#[test]
fn a_hooks_path_in_plugin_json_names_the_hook_file() {
    let env = TestEnv::new("responses");
    let file = json!({"hooks": guard_events()}).to_string();
    let r = install(
        &env,
        &json!({"name": "manifest-kit", "hooks": "./config/hooks.json"}),
        &[("config/hooks.json", &file)],
    );
    assert!(!r.stderr.contains("warning:"), "{}", r.stderr);
    let r = validate(&env);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    approved_guard_blocks(&env, "manifest-kit/config/hooks.json");
}

#[test]
fn a_hooks_path_leaving_the_plugin_is_refused_and_named() {
    let env = TestEnv::new("responses");
    // A hook file next to the plugin, reached with `..`.
    let file = json!({"hooks": guard_events()}).to_string();
    let r = install(
        &env,
        &json!({"name": "manifest-kit", "hooks": "../outside/hooks.json"}),
        &[("../outside/hooks.json", &file)],
    );
    let refused = "\"hooks\": the path \"../outside/hooks.json\" leaves the plugin folder";
    assert!(
        r.stderr
            .lines()
            .any(|l| l.starts_with("warning:") && l.contains(refused)),
        "{}",
        r.stderr
    );
    let line = list_row(&env);
    assert!(line.contains("partial"), "{line}");
    let r = run(&env, &["plugins", "list"]);
    assert!(
        r.stdout.contains("not loaded:") && r.stdout.contains(refused),
        "{}",
        r.stdout
    );
    let r = validate(&env);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains(refused), "{}", r.stderr);

    let r = run(&env, &["hooks", "trust"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let r = run(&env, &["hooks", "list", "--json"]);
    assert!(!r.stdout.contains("g.sh"), "{}", r.stdout);
    touch(&env, "made.txt");
    assert!(env.repo_path().join("made.txt").is_file());
}
