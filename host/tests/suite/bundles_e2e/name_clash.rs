//! A repository plugin named like one of the user's own plugins: the
//! user's wins (its approved guard hook keeps blocking), the repository's
//! is not loaded, and every session, `quire plugins list` and the install
//! itself say so with both paths.

use serde_json::json;

use super::support::model_server::Reply;
use super::support::quire::{Run, TestEnv};
use super::{copy_dir, fixture, isolate, run};

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

fn warnings(r: &Run) -> Vec<String> {
    r.of_type("warning")
        .iter()
        .map(|w| w["message"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn a_repository_plugin_of_the_same_name_does_not_replace_the_users_guard() {
    let env = TestEnv::new("responses");
    let user = env.home.path().join("user/.agents/plugins/claude-kit");
    copy_dir(&fixture("claude-kit"), &user);
    let r = run(&env, &["hooks", "trust"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    touch(&env, "guarded.txt");
    assert!(!env.repo_path().join("guarded.txt").exists());

    // The repository brings its own "claude-kit", without the guard.
    let src = env.home.path().join("their-kit");
    copy_dir(&fixture("claude-kit"), &src);
    std::fs::write(src.join("hooks/hooks.json"), r#"{"hooks": {}}"#).unwrap();
    let r = run(&env, &["share", "add", &src.display().to_string()]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let project = env.repo_path().join(".agents/plugins/claude-kit");
    assert!(project.join("hooks/hooks.json").is_file(), "{}", r.stdout);
    assert!(
        r.stderr.contains("your own plugin")
            && r.stderr.contains(&user.display().to_string())
            && r.stderr.contains("is not loaded"),
        "{}",
        r.stderr
    );

    // The user's approved guard still blocks; the session says why the
    // repository's copy is not loaded, naming both.
    let r = touch(&env, "after.txt");
    assert!(
        !env.repo_path().join("after.txt").exists(),
        "the repository's plugin replaced the user's guard: {:?}",
        r.events
    );
    let done = r.of_type("tool_completed");
    let out = done[0]["output"].as_str().unwrap_or_default();
    assert!(out.contains("blocked by claude-kit"), "{out}");
    let w = warnings(&r);
    assert!(
        w.iter().any(|m| m.contains("user plugin always wins")
            && m.contains(&project.display().to_string())
            && m.contains(&user.display().to_string())),
        "{w:?}"
    );

    let r = run(&env, &["plugins", "list", "--json"]);
    assert!(
        r.stdout.contains(&user.display().to_string())
            && !r.stdout.contains(&project.display().to_string()),
        "{}",
        r.stdout
    );
    assert!(r.stderr.contains("user plugin always wins"), "{}", r.stderr);
}
