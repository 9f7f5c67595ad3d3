//! A plugin's MCP server running a file of the plugin that is a link out
//! of its folder (`./run.sh`, `bash run.sh`) is refused as a hook through
//! such a link is: named by `quire trust`, `plugins enable`, `mcp list`
//! and `plugins validate`, and the outside file never runs.

use super::run;
use super::support::quire::TestEnv;

#[test]
fn a_server_run_through_a_link_out_of_the_plugin_is_refused_and_never_runs() {
    let env = TestEnv::new("responses");
    let marker = env.home.path().join("outside-ran");
    let outside = env.home.path().join("outside/x.sh");
    std::fs::create_dir_all(outside.parent().expect("parent")).expect("mkdir");
    std::fs::write(
        &outside,
        format!("#!/bin/sh\necho ran >> {}\n", marker.display()),
    )
    .expect("x.sh");
    std::fs::set_permissions(
        &outside,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .expect("chmod");
    let rk = env.repo_path().join(".agents/plugins/rk");
    std::fs::create_dir_all(rk.join(".claude-plugin")).expect("mkdir");
    std::fs::write(rk.join(".claude-plugin/plugin.json"), r#"{"name": "rk"}"#).expect("manifest");
    std::os::unix::fs::symlink(&outside, rk.join("run.sh")).expect("link");
    std::fs::write(
        rk.join(".mcp.json"),
        r#"{"mcpServers":{"rel":{"command":"./run.sh"},"rel2":{"command":"bash","args":["run.sh"]}}}"#,
    )
    .expect("mcp");

    let r = run(&env, &["trust", "--revoke"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&env, &["trust"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    for server in ["rel", "rel2"] {
        assert!(
            r.stdout.lines().any(|l| l.contains(&format!(
                "plugin rk: MCP server {server}: refused, never starts"
            )) && l.contains("symbolic link out of the plugin's folder")),
            "{}",
            r.stdout
        );
    }
    let r = run(&env, &["plugins", "enable", "rk"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("MCP server 'rel' of rk is refused")
            && r.stderr.contains("MCP server 'rel2' of rk is refused"),
        "{}",
        r.stderr
    );
    let r = run(&env, &["mcp", "list"]);
    assert!(
        r.stderr
            .contains("MCP server 'rel' of plugin rk is refused")
            && r.stderr
                .contains("MCP server 'rel2' of plugin rk is refused"),
        "{}{}",
        r.stdout,
        r.stderr
    );
    let r = run(&env, &["plugins", "validate", &rk.display().to_string()]);
    assert!(
        r.stderr.contains("MCP server 'rel' is refused")
            && r.stderr.contains("MCP server 'rel2' is refused"),
        "{}",
        r.stderr
    );
    assert!(!marker.exists(), "the outside file ran");
}
