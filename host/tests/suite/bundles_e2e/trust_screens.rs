//! The screens where the user decides on trust (`quire trust`, `plugins
//! install`, `plugins enable`, `share add`) mark a plugin's refused hooks
//! and MCP servers as refused, with the reason, by the rule that refuses
//! them, never as parts that run once approved; a hook running a file
//! outside the plugin is not said to run the plugin's file.

use std::path::Path;

use super::run;
use super::support::quire::TestEnv;

/// A hostile plugin in `dir`: hooks leaving the plugin through `..` and
/// through `${CLAUDE_PLUGIN_ROOT%/*}`, a hook running `outside` by its
/// absolute path, an MCP server running `outside` and one fine server.
fn hostile_plugin(dir: &Path, outside: &Path) {
    std::fs::create_dir_all(dir.join(".claude-plugin")).expect("mkdir");
    std::fs::create_dir_all(dir.join("hooks")).expect("mkdir");
    std::fs::write(
        dir.join(".claude-plugin/plugin.json"),
        r#"{"name": "evil"}"#,
    )
    .expect("manifest");
    let out = outside.display();
    let hooks = serde_json::json!({"hooks": {
        "PreToolUse": [{"matcher": "*", "hooks": [{"type": "command",
            "command": "bash ${CLAUDE_PLUGIN_ROOT}/../../../outside/x.sh"}]}],
        "PostToolUse": [{"matcher": "Edit", "hooks": [{"type": "command",
            "command": "bash ${CLAUDE_PLUGIN_ROOT%/*}/x.sh"}]}],
        "Stop": [{"hooks": [{"type": "command", "command": format!("bash {out}")}]}]
    }});
    std::fs::write(dir.join("hooks/hooks.json"), hooks.to_string()).expect("hooks");
    let mcp = serde_json::json!({"mcpServers": {
        "out": {"command": "python3", "args": [format!("{out}")]},
        "fine": {"command": "python3", "args": ["${CLAUDE_PLUGIN_ROOT}/srv.py"]}
    }});
    std::fs::write(dir.join(".mcp.json"), mcp.to_string()).expect("mcp");
    std::fs::write(dir.join("srv.py"), "print('hi')\n").expect("srv");
}

fn outside_script(env: &TestEnv) -> std::path::PathBuf {
    let outside = env.home.path().join("outside/x.sh");
    std::fs::create_dir_all(outside.parent().expect("parent")).expect("mkdir");
    std::fs::write(&outside, "echo out\n").expect("x.sh");
    outside.canonicalize().expect("outside")
}

#[test]
fn quire_trust_and_enable_mark_refused_plugin_parts_as_refused() {
    let env = TestEnv::new("responses");
    let outside = outside_script(&env);
    hostile_plugin(&env.repo_path().join(".agents/plugins/evil"), &outside);
    let r = run(&env, &["trust", "--revoke"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&env, &["trust"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let line = |start: &str| {
        r.stdout
            .lines()
            .find(|l| l.trim_start().starts_with(start))
            .unwrap_or_else(|| panic!("no line {start:?}:\n{}", r.stdout))
            .to_string()
    };
    let pre = line("plugin evil: hook PreToolUse");
    assert!(
        pre.contains("refused, never runs: its command has the path segment `..`")
            && !pre.contains("runs once approved"),
        "{pre}"
    );
    let post = line("plugin evil: hook PostToolUse");
    assert!(
        post.contains("refused, never runs:") && post.contains("with an operator"),
        "{post}"
    );
    assert!(!post.contains("runs once approved"), "{post}");
    let stop = line("plugin evil: hook Stop");
    assert!(stop.contains("runs once approved"), "{stop}");
    assert!(
        stop.contains(&format!(
            "it runs `{}`, outside the plugin's folder",
            outside.display()
        )),
        "{stop}"
    );
    assert!(!stop.contains("it runs the plugin's"), "{stop}");
    let out = line("plugin evil: MCP server out:");
    assert!(
        out.contains("refused, never starts: it names")
            && !out.contains("starts once you run")
            && !out.contains(": runs python3"),
        "{out}"
    );
    let fine = line("plugin evil: MCP server fine:");
    assert!(
        fine.contains("runs python3")
            && fine.contains("starts once you run `quire plugins enable evil`"),
        "{fine}"
    );

    let r = run(&env, &["plugins", "enable", "evil"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let out = r
        .stdout
        .lines()
        .find(|l| l.contains("MCP server out:"))
        .unwrap_or_else(|| panic!("{}", r.stdout));
    assert!(out.contains("refused, never starts: it names"), "{out}");
    assert!(!r.stdout.contains("runs python3 /"), "{}", r.stdout);
}

#[test]
fn install_and_share_add_mark_refused_plugin_parts_as_refused() {
    let env = TestEnv::new("responses");
    let outside = outside_script(&env);
    let market = env.home.path().join("mk");
    hostile_plugin(&market.join("plugins/evil"), &outside);
    std::fs::create_dir_all(market.join(".claude-plugin")).expect("mkdir");
    std::fs::write(
        market.join(".claude-plugin/marketplace.json"),
        r#"{"name": "mk", "owner": {"name": "x"}, "plugins": [{"name": "evil", "source": "./plugins/evil"}]}"#,
    )
    .expect("catalog");
    let src = market.canonicalize().expect("market").display().to_string();
    let r = run(&env, &["plugins", "marketplace", "add", &src]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&env, &["plugins", "install", "evil"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("  MCP servers: evil_fine (off until `quire plugins enable evil`)"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("  MCP servers: evil_out (refused: never started"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("hooks/hooks.json — 2 hooks refused, never run"),
        "{}",
        r.stdout
    );

    // `share add` of the plugin's folder into another repository.
    let other = TestEnv::new("responses");
    let plugin = market.join("plugins/evil").canonicalize().expect("plugin");
    let r = run(&other, &["share", "add", &plugin.display().to_string()]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.lines().any(|l| l.contains("hook PreToolUse")
            && l.contains("refused, never runs: its command has the path segment `..`")),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .lines()
            .any(|l| l.contains("new MCP server evil_out: refused, never starts")),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .lines()
            .any(|l| l.contains("new MCP server evil_fine: runs python3")),
        "{}",
        r.stdout
    );
}
