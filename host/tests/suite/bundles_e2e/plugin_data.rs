//! A plugin's persistent data folder (`$QUIRE_HOME/plugin-data/PLUGIN`,
//! its MCP servers' too) reaches its hooks and commands as Claude Code
//! gives it: `CLAUDE_PLUGIN_DATA` / `PLUGIN_DATA` in a hook's
//! environment, `${CLAUDE_PLUGIN_DATA}` replaced in hook commands and
//! command bodies, the folder made on first use (owner-only) and
//! writable by them and by the model's sandboxed commands.

use serde_json::json;

use super::support::model_server::Reply;
use super::support::quire::TestEnv;
use super::{claude_kit_with_hooks, run};

#[test]
fn a_plugins_hooks_and_commands_get_its_data_folder() {
    let env = TestEnv::new("responses");
    let data = env.home.path().join("plugin-data/claude-kit");
    let seen = env.home.path().join("seen.txt");
    let kit = claude_kit_with_hooks(
        &env,
        &json!({"hooks": {"SessionStart": [{"hooks": [{"type": "command", "command": format!(
            "echo \"ENV=[$CLAUDE_PLUGIN_DATA] P=[$PLUGIN_DATA]\" > '{}'; echo kept > '${{CLAUDE_PLUGIN_DATA}}/from-hook'",
            seen.display()
        )}]}]}}),
    );
    std::fs::write(
        kit.join("commands/data.md"),
        "---\ndescription: data\nallowed-tools: Bash(touch ${CLAUDE_PLUGIN_DATA}/from-command)\n---\nDATA=${CLAUDE_PLUGIN_DATA}\n!`touch ${CLAUDE_PLUGIN_DATA}/from-command`\n",
    )
    .unwrap();
    let r = run(&env, &["hooks", "trust"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);

    env.server.push(Reply::text("ok"));
    let r = run(&env, &["exec", "--json", "/claude-kit:data"]);
    assert_eq!(r.code, 0, "{}", r.stderr);

    let d = data.display().to_string();
    let env_seen = std::fs::read_to_string(&seen).unwrap_or_default();
    assert_eq!(
        env_seen.trim(),
        format!("ENV=[{d}] P=[{d}]"),
        "{}",
        r.stderr
    );
    let kept = std::fs::read_to_string(data.join("from-hook")).unwrap_or_default();
    assert_eq!(kept.trim(), "kept", "{}", r.stderr);
    assert!(data.join("from-command").is_file(), "{}", r.stderr);
    let sent = &env.server.requests()[0].raw_body;
    assert!(sent.contains(&format!("DATA={d}")), "{sent}");
    assert!(!sent.contains("${CLAUDE_PLUGIN_DATA}"), "{sent}");
}

/// The `output` of the `tool_completed` event of call `id` in `stdout`.
fn tool_output(stdout: &str, id: &str) -> String {
    stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|e| e["type"] == "tool_completed" && e["call_id"] == id)
        .and_then(|e| e["output"].as_str().map(str::to_string))
        .unwrap_or_else(|| panic!("{id} completed: {stdout}"))
}

/// codex-plugin-cc's way: its SessionStart hook hands `CLAUDE_PLUGIN_DATA`
/// to the model's commands through `CLAUDE_ENV_FILE`, and the plugin's
/// scripts, run by the model, keep their state there. Under
/// `workspace-write` that folder is writable (made owner-only), the rest
/// of `$QUIRE_HOME` is not; under `read-only` neither is.
#[test]
fn the_models_sandboxed_commands_may_write_the_plugins_data_folder_only() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::new("responses");
    claude_kit_with_hooks(
        &env,
        &json!({"hooks": {"SessionStart": [{"hooks": [{"type": "command", "command":
            "echo \"export CLAUDE_PLUGIN_DATA=$CLAUDE_PLUGIN_DATA\" >> \"$CLAUDE_ENV_FILE\""
        }]}]}}),
    );
    let r = run(&env, &["hooks", "trust"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let data = env.home.path().join("plugin-data/claude-kit");
    let other = env.home.path().join("other-probe");
    let command = format!(
        "mkdir -p \"$CLAUDE_PLUGIN_DATA/state/jobs\" && echo job > \"$CLAUDE_PLUGIN_DATA/state/jobs/j.json\" && echo WROTE-DATA; touch '{}' && echo WROTE-OTHER",
        other.display()
    );
    let session = |sandbox: &str| {
        env.server.push_all([
            Reply::tool_call("c1", "shell", json!({"command": command})),
            Reply::text("done"),
        ]);
        let r = run(
            &env,
            &[
                "exec",
                "--json",
                "--approval",
                "never",
                "--sandbox",
                sandbox,
                "go",
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        tool_output(&r.stdout, "c1")
    };

    let out = session("read-only");
    assert!(!out.contains("WROTE-DATA"), "{out}");
    assert!(!data.join("state").exists(), "{out}");

    let out = session("workspace-write");
    assert!(out.contains("WROTE-DATA"), "{out}");
    let job = std::fs::read_to_string(data.join("state/jobs/j.json")).unwrap_or_default();
    assert_eq!(job.trim(), "job", "{out}");
    let mode = std::fs::metadata(&data).map(|m| m.permissions().mode() & 0o777);
    assert_eq!(mode.ok(), Some(0o700), "{out}");
    assert!(!out.contains("WROTE-OTHER"), "{out}");
    assert!(!other.exists(), "{out}");
}
