//! A bundle installed from a marketplace is a plugin for `quire plugins
//! list`, `quire plugins remove` and `quire doctor` too, drifted or not;
//! removing it forgets its hooks' approvals and its MCP consent.

use serde_json::Value;

use super::install::{lock, marketplace};
use super::support::model_server::Reply;
use super::support::quire::TestEnv;
use super::{git, isolate, run};

/// The messages of `quire doctor --json`'s plugins checks.
fn doctor_plugins(env: &TestEnv) -> Vec<String> {
    let r = run(env, &["doctor", "--json"]);
    let v: Value = serde_json::from_str(r.stdout.trim())
        .unwrap_or_else(|e| panic!("{e}: {}{}", r.stdout, r.stderr));
    v["checks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["area"] == "plugins")
        .map(|c| format!("{} {}", c["status"], c["message"]))
        .collect()
}

#[test]
fn an_installed_bundle_is_listed_checked_and_removed_as_a_plugin() {
    let env = TestEnv::new("responses");
    let market = marketplace(env.home.path());
    let src = market.display().to_string();
    assert_eq!(run(&env, &["plugins", "marketplace", "add", &src]).code, 0);
    let r = run(&env, &["plugins", "install", "claude-kit"]);
    assert_eq!(r.code, 0, "{}", r.stderr);

    let r = run(&env, &["plugins", "list"]);
    assert!(
        r.stdout.contains("claude-kit") && r.stdout.contains("plugin bundle (project), ok"),
        "{}",
        r.stdout
    );
    assert!(!r.stderr.contains("no plugins found"), "{}", r.stderr);
    let checks = doctor_plugins(&env);
    assert!(
        checks
            .iter()
            .any(|c| c.contains("claude-kit: plugin bundle (project), loaded")),
        "{checks:?}"
    );
    assert!(
        !checks.iter().any(|c| c.contains("no plugins installed")),
        "{checks:?}"
    );

    env.write(
        ".agents/plugins/claude-kit/agents/reviewer.md",
        "---\nname: reviewer\ndescription: changed\n---\nChanged.\n",
    );
    let r = run(&env, &["plugins", "list"]);
    assert!(r.stdout.contains("drifted"), "{}", r.stdout);
    assert!(!r.stderr.contains("no plugins found"), "{}", r.stderr);
    let checks = doctor_plugins(&env);
    assert!(
        checks
            .iter()
            .any(|c| c.contains("warn")
                && c.contains("claude-kit: plugin bundle (project) not loaded")),
        "{checks:?}"
    );

    // Local changes are kept unless --force, as with `quire share remove`.
    let r = run(&env, &["plugins", "remove", "claude-kit"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("quire share remove claude-kit"),
        "{}",
        r.stderr
    );
    let installed = env.repo_path().join(".agents/plugins/claude-kit");
    assert!(installed.is_dir());

    let r = run(&env, &["plugins", "remove", "claude-kit", "--force"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("claude-kit"), "{}", r.stdout);
    assert!(!installed.exists());
    assert!(!lock(&env).contains("claude-kit"), "{}", lock(&env));
    let r = run(&env, &["plugins", "bundles", "--json"]);
    assert_eq!(r.stdout.trim(), "", "{}", r.stdout);
    let r = run(&env, &["plugins", "list"]);
    assert!(r.stderr.contains("no plugins found"), "{}", r.stderr);
}

/// `plugins remove` says which copy it removed (scope and folder), and
/// names the copy of that name left in the other scope.
#[test]
fn remove_names_the_scope_and_folder_and_the_copy_left_in_the_other_scope() {
    let env = TestEnv::new("responses");
    let src = env.home.path().join("src/twin-kit");
    std::fs::create_dir_all(src.join(".claude-plugin")).unwrap();
    std::fs::create_dir_all(src.join("commands")).unwrap();
    std::fs::write(
        src.join(".claude-plugin/plugin.json"),
        r#"{"name": "twin-kit", "version": "1.0.0", "description": "twins"}"#,
    )
    .unwrap();
    std::fs::write(src.join("commands/hi.md"), "Say hi\n").unwrap();
    let src = src.display().to_string();
    for args in [
        vec!["share", "add", &src],
        vec!["share", "--user", "add", &src],
    ] {
        let r = run(&env, &args);
        assert_eq!(r.code, 0, "{args:?}: {}{}", r.stdout, r.stderr);
    }
    let user_copy = env.home.path().join("user/.agents/plugins/twin-kit");
    let project_copy = env.repo_path().join(".agents/plugins/twin-kit");

    let r = run(&env, &["plugins", "remove", "twin-kit"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains(&format!("twin-kit (user scope): {}", user_copy.display())),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(&format!(
            "a plugin named twin-kit remains in the project scope and is loaded from now on: {}",
            project_copy.display()
        )),
        "{}",
        r.stdout
    );
    assert!(!user_copy.exists() && project_copy.is_dir());

    let r = run(&env, &["plugins", "remove", "twin-kit"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("twin-kit (project scope): ") && !r.stdout.contains("remains"),
        "{}",
        r.stdout
    );
}

/// `plugins remove` (and `share remove`) forget what was accepted for the
/// plugin: its approved guard does not block the next session as a guard
/// the model removed would, and installed again, its MCP servers stay off
/// until enabled again.
#[test]
fn remove_forgets_the_plugins_hook_approvals_and_mcp_consent() {
    for remove in [
        &["plugins", "remove", "claude-kit"][..],
        &["share", "remove", "claude-kit"],
    ] {
        let env = TestEnv::new("responses");
        let canary = env.home.path().join("server-ran");
        let market = marketplace(env.home.path());
        let servers = serde_json::json!({"mcpServers": {"srv": {
            "command": "bash", "args": ["-c", format!("touch {}", canary.display())]
        }}});
        std::fs::write(
            market.join("plugins/claude-kit/.mcp.json"),
            servers.to_string(),
        )
        .unwrap();
        git(&market, &["add", "-A"]);
        git(&market, &["commit", "-q", "-m", "server"]);
        let src = market.display().to_string();
        assert_eq!(run(&env, &["plugins", "marketplace", "add", &src]).code, 0);
        let install = || {
            let r = run(&env, &["plugins", "install", "claude-kit"]);
            assert_eq!(r.code, 0, "{}", r.stderr);
        };
        install();
        let r = run(&env, &["hooks", "trust"]);
        assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
        assert!(touch(&env, "guarded.txt").contains("blocked by claude-kit"));
        let r = run(&env, &["plugins", "enable", "claude-kit"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        run(&env, &["mcp", "list"]);
        assert!(canary.exists(), "the enabled server did not start");
        std::fs::remove_file(&canary).unwrap();

        let r = run(&env, remove);
        assert_eq!(r.code, 0, "{remove:?}: {}{}", r.stdout, r.stderr);
        assert!(
            r.stdout.contains("forgot 1 hook approval(s) of claude-kit")
                && r.stdout
                    .contains("forgot the consent to the MCP servers of claude-kit"),
            "{remove:?}: {}",
            r.stdout
        );
        // Nothing is blocked: the guard went with the plugin.
        let out = touch(&env, "free.txt");
        assert!(
            env.repo_path().join("free.txt").is_file(),
            "{remove:?}: {out}"
        );
        let r = run(&env, &["hooks", "list"]);
        assert!(!r.stderr.contains("gone"), "{remove:?}: {}", r.stderr);

        // Installed again: its servers wait for `plugins enable`.
        install();
        run(&env, &["mcp", "list"]);
        assert!(
            !canary.exists(),
            "{remove:?}: the server started without consent"
        );
    }
}

/// One session where the model runs `touch FILE`: the call's output.
fn touch(env: &TestEnv, file: &str) -> String {
    env.server.push_all([
        Reply::tool_call(
            "t1",
            "shell",
            serde_json::json!({"command": format!("touch {file}")}),
        ),
        Reply::text("done"),
    ]);
    let mut cmd = env.command(&["exec", "--json", "--approval", "never", "go"]);
    isolate(env, &mut cmd);
    let r = super::support::quire::finish(cmd.spawn().expect("spawn quire"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.of_type("tool_completed")[0]["output"].to_string()
}
