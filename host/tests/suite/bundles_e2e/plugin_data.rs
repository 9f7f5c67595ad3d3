//! A plugin's persistent data folder (`$QUIRE_HOME/plugin-data/PLUGIN`,
//! its MCP servers' too) reaches its hooks and commands as Claude Code
//! gives it: `CLAUDE_PLUGIN_DATA` / `PLUGIN_DATA` in a hook's
//! environment, `${CLAUDE_PLUGIN_DATA}` replaced in hook commands and
//! command bodies, the folder made on first use and writable by them.

use serde_json::json;

use super::support::model_server::Reply;
use super::support::quire::TestEnv;
use super::{copy_dir, fixture, isolate, run};

#[test]
fn a_plugins_hooks_and_commands_get_its_data_folder() {
    let env = TestEnv::new("responses");
    let kit = env.repo_path().join(".agents/plugins/claude-kit");
    copy_dir(&fixture("claude-kit"), &kit);
    let data = env.home.path().join("plugin-data/claude-kit");
    let seen = env.home.path().join("seen.txt");
    std::fs::write(
        kit.join("hooks/hooks.json"),
        json!({"hooks": {"SessionStart": [{"hooks": [{"type": "command", "command": format!(
            "echo \"ENV=[$CLAUDE_PLUGIN_DATA] P=[$PLUGIN_DATA]\" > '{}'; echo kept > '${{CLAUDE_PLUGIN_DATA}}/from-hook'",
            seen.display()
        )}]}]}})
        .to_string(),
    )
    .unwrap();
    std::fs::write(
        kit.join("commands/data.md"),
        "---\ndescription: data\nallowed-tools: Bash(touch ${CLAUDE_PLUGIN_DATA}/from-command)\n---\nDATA=${CLAUDE_PLUGIN_DATA}\n!`touch ${CLAUDE_PLUGIN_DATA}/from-command`\n",
    )
    .unwrap();
    let r = run(&env, &["hooks", "trust"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);

    env.server.push(Reply::text("ok"));
    let mut cmd = env.command(&["exec", "--json", "/claude-kit:data"]);
    isolate(&env, &mut cmd);
    let r = super::support::quire::finish(cmd.spawn().expect("spawn quire"));
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
