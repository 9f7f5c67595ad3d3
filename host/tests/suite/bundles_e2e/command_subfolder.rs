//! A command's `` !`…` `` lines in a session started in a folder of the
//! repository: they run where the model's commands run (the session's
//! folder) with the same sandbox (the repository writable, not only the
//! folder quire started in).

use serde_json::json;

use super::commands::bodies;
use super::isolate;
use super::support::model_server::Reply;
use super::support::outside::outside_dir;
use super::support::quire::{Run, TestEnv, finish, git_in};

/// A test environment whose repository is outside /tmp (writable by
/// every sandboxed command), so that the sandbox's workspace decides
/// what may be written there; trusted as the usual one is.
fn env_outside_tmp(extra: &str) -> TestEnv {
    let mut env = TestEnv::with_config("responses", extra);
    env.repo = outside_dir();
    git_in(env.repo.path(), &["init", "-q"]);
    let config = env.home.path().join("config.toml");
    let mut text = std::fs::read_to_string(&config).expect("read config");
    text.push_str(&format!(
        "\n[projects.{:?}]\ntrust = \"trusted\"\n",
        env.repo_path().display().to_string()
    ));
    std::fs::write(&config, text).expect("write config");
    env
}

/// `quire ARGS` started in `rel`, a folder of `env`'s repository.
fn run_in(env: &TestEnv, rel: &str, args: &[&str]) -> Run {
    let mut cmd = env.command(args);
    isolate(env, &mut cmd);
    cmd.current_dir(env.repo_path().join(rel));
    finish(cmd.spawn().expect("spawn quire"))
}

#[test]
fn a_commands_lines_get_the_same_folder_and_sandbox_as_the_models_commands() {
    let env = env_outside_tmp("sandbox = \"workspace-write\"");
    env.write("notes/elsewhere.txt", "ELSEWHERE-CONTENT-3\n");
    env.write("sub/here.txt", "here\n");
    env.write(
        ".quire/commands/up.md",
        "---\nallowed-tools: Bash\n---\nWhere: !`pwd -P`\nRead: !`cat ../notes/elsewhere.txt`\nWrote: !`touch ../from-command.txt && echo wrote-up`\nStatus: !`git status --short`\n",
    );
    env.server.push_all([
        Reply::tool_call(
            "s",
            "shell",
            json!({"command": "touch ../from-model.txt && echo model-wrote"}),
        ),
        Reply::text("done"),
    ]);
    let r = run_in(&env, "sub", &["exec", "--json", "/up"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let repo = env.repo_path();
    // The model's command wrote the repository, outside `sub`.
    assert!(repo.join("from-model.txt").exists(), "{}", r.stdout);
    // And so did the command's line, in the same session.
    assert!(repo.join("from-command.txt").exists(), "{}", bodies(&env));
    let sent = bodies(&env);
    let sub = repo.join("sub");
    assert!(
        sent.contains(&format!("Where: {}\\n", sub.display())),
        "{sent}"
    );
    assert!(sent.contains("Read: ELSEWHERE-CONTENT-3"), "{sent}");
    assert!(sent.contains("Wrote: wrote-up\\n"), "{sent}");
    // git sees the whole repository from `sub`, paths relative to it.
    assert!(sent.contains("?? ../notes/"), "{sent}");
}
