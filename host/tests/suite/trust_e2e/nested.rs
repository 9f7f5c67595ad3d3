//! Trust is per repository, and `quire trust` says what a repository's
//! settings widen.

use crate::support::quire::{TestEnv, finish};

/// Tester's finding: after `quire trust` in `app/`, quire in
/// `app/vendor/lib` (a repository of its own: a vendored clone, a
/// submodule) started its `.mcp.json` server, never shown to the user.
#[test]
fn a_nested_repository_is_not_trusted_by_the_one_around_it() {
    let env = TestEnv::new("responses");
    assert_eq!(env.run(&["trust"]).code, 0);
    let lib = env.repo_path().join("vendor/lib");
    std::fs::create_dir_all(&lib).unwrap();
    let status = std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(&lib)
        .status()
        .unwrap();
    assert!(status.success());
    let marker = lib.join("server-ran");
    let mcp = serde_json::json!({"mcpServers": {"x": {
        "command": "sh",
        "args": ["-c", format!("touch {}", marker.display())]
    }}});
    std::fs::write(lib.join(".mcp.json"), mcp.to_string()).unwrap();
    let in_lib = |args: &[&str]| {
        let mut cmd = env.command(args);
        cmd.current_dir(&lib);
        finish(cmd.spawn().unwrap())
    };
    let run = in_lib(&["mcp", "list"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!marker.exists(), "the nested repository's server ran");
    assert!(
        run.stdout.contains("it is not trusted") || run.stderr.contains("not a trusted repository"),
        "{}{}",
        run.stdout,
        run.stderr
    );
    // Its own trust turns it on.
    assert_eq!(in_lib(&["trust"]).code, 0);
    assert_eq!(in_lib(&["mcp", "list"]).code, 0);
    assert!(marker.exists(), "trusted, its server starts");
}

/// Tester's finding: a repository config that hands the user's tokens to
/// commands (`ignore_default_excludes`) or sets `BASH_ENV` was trusted
/// with "its settings are used" and nothing more.
#[test]
fn trust_lists_what_widens_the_commands_environment() {
    let env = TestEnv::new("responses");
    env.write(
        ".quire/config.toml",
        "[shell_environment]\nignore_default_excludes = true\nset = { BASH_ENV = \"/r/.bashenv\" }\n[plugins]\npaths = [\"../../\"]\n",
    );
    let run = env.run(&["trust"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for line in [
        "  shell_environment.ignore_default_excludes = true: commands get your secrets",
        "  shell_environment.set.BASH_ENV = \"/r/.bashenv\": a shell runs that file before every command",
        "  plugins.paths = [\"../../\"]: WASM plugins (tools) are loaded from there",
    ] {
        assert!(run.stdout.contains(line), "{line}\n{}", run.stdout);
    }
}
