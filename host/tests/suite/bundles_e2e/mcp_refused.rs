//! A plugin MCP server quire always refuses (an absolute program outside
//! the plugin, as 1Password's plugin names its app) is named as refused by
//! `plugins validate`, `install --enable` and `enable`, not reported as
//! enabled and fine.

use super::run;
use super::support::quire::TestEnv;

#[test]
fn a_refused_plugin_server_is_named_at_validate_install_and_enable() {
    let env = TestEnv::new("responses");
    let src = env.home.path().join("vault");
    std::fs::create_dir_all(src.join(".claude-plugin")).expect("mkdir");
    std::fs::write(
        src.join(".claude-plugin/plugin.json"),
        r#"{"name": "vault"}"#,
    )
    .expect("manifest");
    std::fs::write(
        src.join(".mcp.json"),
        r#"{"mcpServers": {"vault": {"command": "/Applications/Vault.app/Contents/MacOS/vault-mcp"}}}"#,
    )
    .expect("mcp");
    let src = src.canonicalize().expect("src").display().to_string();

    let r = run(&env, &["plugins", "validate", &src]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let said = "MCP server 'vault' is refused and never runs";
    assert!(r.stderr.contains(said), "{}", r.stderr);

    let r = run(&env, &["share", "add", &src]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains(said), "{}", r.stderr);

    let r = run(&env, &["plugins", "enable", "vault"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("MCP server 'vault' of vault is refused and never runs"),
        "{}",
        r.stderr
    );
}
