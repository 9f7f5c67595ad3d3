//! A hook runs git outside the sandbox, as the user: what the model's
//! sandboxed commands wrote into `.git` (an fsmonitor in `.git/config`, a
//! `.git/hooks/pre-commit`) does not run there, and the user is told the
//! setup changed. The user's own git hooks keep running while the
//! session leaves `.git` alone. Likewise a hook naming npx is warned
//! about once the workspace's `node_modules` changed.

use std::path::Path;

use serde_json::json;

use super::add_user_hooks;
use super::support::model_server::Reply;
use super::support::quire::{Run, TestEnv};

/// A test repository with a commit and an identity of its own, whose
/// config.toml runs `git status` after every tool call and commits
/// everything when the model stops (the user's own hooks).
fn committing_env() -> TestEnv {
    let env = TestEnv::new("chat");
    env.git(&["config", "user.name", "Test"]);
    env.git(&["config", "user.email", "test@example.com"]);
    env.write("README.md", "hi\n");
    env.commit_all();
    add_user_hooks(
        &env,
        &[
            "\n[[hooks.PostToolUse]]\ncommand = \"git status --porcelain\"\n".to_string(),
            "\n[[hooks.Stop]]\ncommand = \"git add -A && git commit -qm checkpoint\"\n".to_string(),
        ],
    );
    env
}

/// `quire exec --json` with the model running the shell `command`.
fn session_running(env: &TestEnv, command: &str) -> Run {
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": command})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("hi", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = run.of_type("tool_completed");
    assert_eq!(done.len(), 1, "{:?}", run.events);
    assert_eq!(done[0]["is_error"], false, "{:?}", done[0]);
    run
}

fn warnings(run: &Run) -> Vec<String> {
    run.of_type("warning")
        .iter()
        .map(|w| w["message"].as_str().unwrap_or("").to_string())
        .collect()
}

/// The repository's last commit message.
fn last_commit(env: &TestEnv) -> String {
    env.git(&["log", "-1", "--format=%s"]).trim().to_string()
}

fn marker(env: &TestEnv, name: &str) -> std::path::PathBuf {
    env.home.path().join(name)
}

#[test]
fn a_hooks_git_runs_no_fsmonitor_or_pre_commit_hook_the_session_wrote() {
    let env = committing_env();
    let fsmonitor = marker(&env, "fsmonitor-ran");
    let pre_commit = marker(&env, "pre-commit-ran");
    // What a sandboxed command can write: the repository's .git.
    let command = format!(
        "git config core.fsmonitor 'touch {fsmonitor:?}; echo'; printf '#!/bin/sh\\ntouch {pre_commit:?}\\n' > .git/hooks/pre-commit; chmod +x .git/hooks/pre-commit; echo x > new.txt"
    );
    let run = session_running(&env, &command);
    assert!(
        env.repo_path().join(".git/hooks/pre-commit").exists(),
        "the model's command wrote no hook: {:?}",
        run.events
    );
    assert!(
        !fsmonitor.exists(),
        "the planted fsmonitor ran: {:?}",
        run.events
    );
    assert!(
        !pre_commit.exists(),
        "the planted pre-commit ran: {:?}",
        run.events
    );
    // The user's Stop hook still committed.
    assert_eq!(last_commit(&env), "checkpoint", "{:?}", run.events);
    let said: Vec<String> = warnings(&run)
        .into_iter()
        .filter(|m| m.contains("git setup changed during this session"))
        .collect();
    assert_eq!(said.len(), 1, "{:?}", run.events);
    assert!(said[0].contains(".git/config"), "{}", said[0]);
    assert!(said[0].contains(".git/hooks/pre-commit"), "{}", said[0]);
}

#[test]
fn the_users_own_pre_commit_hook_runs_while_the_session_leaves_git_alone() {
    use std::os::unix::fs::PermissionsExt;
    let env = committing_env();
    let ran = marker(&env, "own-pre-commit-ran");
    let hook = env.repo_path().join(".git/hooks/pre-commit");
    std::fs::write(&hook, format!("#!/bin/sh\ntouch {ran:?}\n")).unwrap();
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    let run = session_running(&env, "echo x > new.txt");
    assert!(
        ran.exists(),
        "the user's pre-commit did not run: {:?}",
        run.events
    );
    assert_eq!(last_commit(&env), "checkpoint", "{:?}", run.events);
    assert!(
        !warnings(&run).iter().any(|m| m.contains("git setup")),
        "{:?}",
        run.events
    );
}

#[test]
fn a_hook_naming_npx_is_warned_about_once_node_modules_changed() {
    let env = TestEnv::new("chat");
    add_user_hooks(
        &env,
        &["\n[[hooks.PostToolUse]]\ncommand = \"npx --no-install prettier --version >/dev/null 2>&1; true\"\n".to_string()],
    );
    let planted = Path::new("node_modules/.bin/prettier");
    let command = format!(
        "mkdir -p node_modules/.bin && printf '#!/bin/sh\\necho planted\\n' > {} && chmod +x {}",
        planted.display(),
        planted.display()
    );
    let run = session_running(&env, &command);
    let said: Vec<String> = warnings(&run)
        .into_iter()
        .filter(|m| m.contains("node_modules in the workspace changed"))
        .collect();
    assert_eq!(said.len(), 1, "{:?}", run.events);
    assert!(said[0].contains("npx"), "{}", said[0]);
}

/// A session whose user hook runs `git own; git st; git diff` after the
/// model's shell `command`, with a global git configuration
/// (`GIT_CONFIG_GLOBAL`) defining the aliases `st` and `own` (which
/// touches the marker `own-alias-ran`). What the hook's git printed is
/// in `hook-git.out` of the temp home; `MARKER` in `command` is the
/// path of the marker `planted-ran` (outside the sandbox).
fn hook_git_after(command: &str) -> (TestEnv, Run) {
    let env = TestEnv::new("chat");
    env.git(&["config", "user.name", "Test"]);
    env.git(&["config", "user.email", "test@example.com"]);
    env.write("README.md", "hi\n");
    env.commit_all();
    let own = marker(&env, "own-alias-ran");
    let global = env.home.path().join("gitconfig");
    std::fs::write(
        &global,
        format!("[alias]\n\tst = status -sb\n\town = !touch {own:?}\n"),
    )
    .unwrap();
    let out = env.home.path().join("hook-git.out");
    add_user_hooks(
        &env,
        &[format!(
            "\n[[hooks.PostToolUse]]\ncommand = '{{ git own; git st; git diff; }} >> {} 2>&1; true'\n",
            out.display()
        )],
    );
    let planted = format!("{:?}", marker(&env, "planted-ran"));
    let command = command.replace("MARKER", &planted);
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": command})),
        Reply::text("done"),
    ]);
    let mut cmd = env.command(&["exec", "--json", "hi"]);
    cmd.env("GIT_CONFIG_GLOBAL", &global);
    let run = super::support::quire::finish(cmd.spawn().unwrap());
    assert_eq!(run.code, 0, "{}", run.stderr);
    (env, run)
}

/// What the hook's git printed.
fn hook_git_output(env: &TestEnv) -> String {
    std::fs::read_to_string(env.home.path().join("hook-git.out")).unwrap_or_default()
}

/// Checks that the model's command set `key` in `.git/config` and that
/// the hook's git did not run what it names.
fn assert_planted_did_not_run(env: &TestEnv, run: &Run, key: &str) {
    assert!(
        env.git(&["config", "--local", key]).contains("touch"),
        "the model's command did not set {key}: {:?}",
        run.events
    );
    assert!(
        !marker(env, "planted-ran").exists(),
        "the repository's {key} ran: {}",
        hook_git_output(env)
    );
}

#[test]
fn a_hooks_git_runs_no_alias_the_session_wrote_and_the_users_own_still_work() {
    let (env, run) = hook_git_after("git config alias.st '!touch MARKER'; echo more >> README.md");
    assert_planted_did_not_run(&env, &run, "alias.st");
    // The user's own aliases: `own` untouched, `st` the user's again.
    assert!(
        marker(&env, "own-alias-ran").exists(),
        "the user's own alias did not run: {}",
        hook_git_output(&env)
    );
    assert!(
        hook_git_output(&env).contains("## "),
        "`git st` was not the user's `status -sb`: {}",
        hook_git_output(&env)
    );
    assert!(
        warnings(&run)
            .iter()
            .any(|m| m.contains("git setup changed") && m.contains("aliases")),
        "{:?}",
        run.events
    );
}

#[test]
fn a_hooks_git_diff_runs_no_external_diff_the_session_wrote() {
    let (env, run) =
        hook_git_after("git config diff.external 'touch MARKER; true'; echo more >> README.md");
    assert_planted_did_not_run(&env, &run, "diff.external");
}

#[test]
fn a_hooks_git_diff_runs_no_textconv_the_session_wrote_and_still_diffs() {
    let (env, run) = hook_git_after(
        "git config diff.tc.textconv 'touch MARKER; cat'; echo 'README.md diff=tc' > .gitattributes; echo more >> README.md",
    );
    assert_planted_did_not_run(&env, &run, "diff.tc.textconv");
    // The hook's `git diff` still shows the change.
    assert!(
        hook_git_output(&env).contains("+more"),
        "{}",
        hook_git_output(&env)
    );
}

#[test]
fn a_hook_does_not_run_while_the_session_wrote_what_cannot_be_switched_off() {
    let (env, run) =
        hook_git_after("git config core.gitProxy 'touch MARKER'; echo more >> README.md");
    assert!(
        !marker(&env, "own-alias-ran").exists(),
        "the hook ran: {}",
        hook_git_output(&env)
    );
    let said: Vec<String> = warnings(&run)
        .into_iter()
        .filter(|m| m.contains("did not run"))
        .collect();
    assert_eq!(said.len(), 1, "{:?}", run.events);
    assert!(
        said[0].contains("core.gitproxy") && said[0].contains(".git/config"),
        "{}",
        said[0]
    );
}
