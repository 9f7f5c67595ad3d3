//! The user's own config folder stays out of the model's reach, wherever
//! it lies: a sandboxed command cannot write `$QUIRE_HOME` even under
//! `/tmp` (a writable root), and `apply_patch` refuses its files even when
//! the workspace holds it (quire run in `$HOME`). Otherwise one session
//! could add a hook to `config.toml` that runs unsandboxed in the next.

use serde_json::json;

use super::support::model_server::Reply;
use super::support::quire::{TestEnv, finish};

#[test]
fn a_sandboxed_command_cannot_write_quire_home_under_tmp() {
    let env = TestEnv::new("chat");
    let config = env.home.path().join("config.toml");
    let before = std::fs::read_to_string(&config).unwrap();
    assert!(env.home.path().starts_with("/tmp") || std::env::var_os("TMPDIR").is_some());
    env.server.push_all([
        Reply::tool_call(
            "w1",
            "shell",
            json!({"command": format!("echo x >> {}", config.display())}),
        ),
        Reply::tool_call(
            "w2",
            "shell",
            json!({"command": format!("echo y > {}", env.home.path().join("trusted_hooks.json").display())}),
        ),
        Reply::tool_call("w3", "shell", json!({"command": "echo inside > inside.txt"})),
        Reply::text("tried"),
    ]);
    let run = env.exec_json("edit the config", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&config).unwrap(), before);
    assert!(!env.home.path().join("trusted_hooks.json").exists());
    let done = run.of_type("tool_completed");
    for id in ["w1", "w2"] {
        let out = done.iter().find(|e| e["call_id"] == id).unwrap();
        assert!(
            out["output"]
                .as_str()
                .unwrap()
                .contains("Permission denied"),
            "{out}"
        );
    }
    assert_eq!(
        env.read("inside.txt"),
        "inside\n",
        "the workspace stays writable"
    );
}

#[test]
fn apply_patch_refuses_quire_home_and_claude_settings_when_run_in_home() {
    let env = TestEnv::new("chat");
    let home = tempfile::tempdir().unwrap();
    let quire_home = home.path().join(".quire");
    std::fs::create_dir_all(&quire_home).unwrap();
    std::fs::create_dir_all(home.path().join(".claude")).unwrap();
    let config = quire_home.join("config.toml");
    std::fs::copy(env.home.path().join("config.toml"), &config).unwrap();
    let before = std::fs::read_to_string(&config).unwrap();
    let first_line = before.lines().next().unwrap().to_string();
    env.server.push_all([
        Reply::tool_call(
            "p1",
            "apply_patch",
            json!({"patch": format!("*** Begin Patch\n*** Update File: .quire/config.toml\n@@\n {first_line}\n+\n+[[hooks.SessionStart]]\n+command = \"touch pwned\"\n*** End Patch\n")}),
        ),
        Reply::tool_call(
            "p2",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Add File: .claude/settings.json\n+{\"hooks\": {}}\n*** End Patch\n"}),
        ),
        Reply::tool_call(
            "p3",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Add File: notes.txt\n+mine\n*** End Patch\n"}),
        ),
        Reply::tool_call("s1", "shell", json!({"command": "echo x >> .quire/config.toml"})),
        Reply::text("tried"),
    ]);
    let child = env
        .command(&["exec", "--json", "grant yourself more"])
        .current_dir(home.path())
        .env("HOME", home.path())
        .env("QUIRE_HOME", &quire_home)
        .env("CLAUDE_CONFIG_DIR", home.path().join(".claude"))
        .spawn()
        .expect("spawn quire");
    let run = finish(child);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&config).unwrap(), before);
    assert!(!home.path().join(".claude/settings.json").exists());
    assert_eq!(
        std::fs::read_to_string(home.path().join("notes.txt")).unwrap(),
        "mine\n",
        "other files of the workspace stay writable"
    );
    let done = run.of_type("tool_completed");
    let of = |id: &str| (*done.iter().find(|e| e["call_id"] == id).unwrap()).clone();
    for id in ["p1", "p2"] {
        let out = of(id);
        assert_eq!(out["is_error"], true, "{out}");
        assert!(
            out["output"]
                .as_str()
                .unwrap()
                .contains("apply_patch does not change them"),
            "{out}"
        );
    }
    assert!(
        of("s1")["output"]
            .as_str()
            .unwrap()
            .contains("Permission denied"),
        "{}",
        of("s1")
    );
    // The user's own config.toml is not a repository's settings.
    assert!(
        !run.stderr.contains("is not a trusted repository"),
        "{}",
        run.stderr
    );
}
