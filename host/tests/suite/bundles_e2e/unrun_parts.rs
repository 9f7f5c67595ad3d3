//! Parts of Claude Code plugins that quire takes differently are said so,
//! truthfully: `asyncRewake` hooks run (waited for) with a note that does
//! not fail `plugins validate`; `lspServers` are named as not run.

use super::run;
use super::support::quire::TestEnv;

const HOOKS: &str = r#"{"hooks": {"PostToolUse": [{"matcher": "Edit", "hooks": [
  {"type": "command", "command": "true", "asyncRewake": true}]}]}}"#;

#[test]
fn async_rewake_hooks_are_a_note_and_the_plugin_is_valid() {
    let env = TestEnv::new("responses");
    env.write(
        ".agents/plugins/guard/.claude-plugin/plugin.json",
        r#"{"name": "guard"}"#,
    );
    env.write(".agents/plugins/guard/hooks/hooks.json", HOOKS);
    let r = run(&env, &["plugins", "validate", ".agents/plugins/guard"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("valid"), "{}", r.stdout);
    assert!(
        r.stderr.contains("note: ") && r.stderr.contains("`asyncRewake` of the PostToolUse hooks"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("skipped `asyncRewake`"), "{}", r.stderr);
    assert!(!r.stderr.contains("problem"), "{}", r.stderr);
}

#[test]
fn lsp_servers_of_a_marketplace_entry_are_named_as_not_run() {
    let env = TestEnv::new("responses");
    let root = env.home.path().join("lsp-market");
    std::fs::create_dir_all(root.join("plugins/rust-lsp")).expect("mkdir");
    std::fs::write(root.join("plugins/rust-lsp/README.md"), "rust\n").expect("readme");
    std::fs::create_dir_all(root.join(".claude-plugin")).expect("mkdir");
    std::fs::write(
        root.join(".claude-plugin/marketplace.json"),
        r#"{"name": "lsps", "owner": {"name": "t"}, "plugins": [{"name": "rust-lsp",
          "source": "./plugins/rust-lsp", "strict": false,
          "lspServers": {"rust-analyzer": {"command": "rust-analyzer", "extensionToLanguage": {".rs": "rust"}}}}]}"#,
    )
    .expect("catalog");
    let src = root.canonicalize().expect("market").display().to_string();
    let r = run(&env, &["plugins", "marketplace", "add", &src]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&env, &["plugins", "install", "rust-lsp"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let said = "quire does not run LSP servers: `rust-analyzer` is not used";
    assert!(r.stderr.contains(said), "{}", r.stderr);
    let r = run(&env, &["plugins", "validate", ".agents/plugins/rust-lsp"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains(said), "{}", r.stderr);
}
