//! A user's guard plugin: its approval covers every file of its folder
//! (a helper its script sources, a module it imports), holds in every
//! directory, follows a plugin folder that is a symbolic link, and guards
//! from a folder whose name has blanks, `$(…)` and backquotes, which stays
//! one literal word in its command.

use std::path::{Path, PathBuf};

use serde_json::json;

use super::support::model_server::Reply;
use super::support::quire::{Run, TestEnv};
use super::{copy_dir, fixture, isolate, run};

/// A guard plugin at `dir` whose PreToolUse hook runs `command`, with
/// `scripts/c.sh` sourcing `scripts/lib/c_lib.sh`, which blocks the
/// shell commands that name "made".
fn guard_plugin(dir: &Path, command: &str) {
    std::fs::create_dir_all(dir.join("scripts/lib")).unwrap();
    std::fs::create_dir_all(dir.join("hooks")).unwrap();
    std::fs::create_dir_all(dir.join(".claude-plugin")).unwrap();
    std::fs::write(
        dir.join(".claude-plugin/plugin.json"),
        r#"{"name": "guard3"}"#,
    )
    .unwrap();
    let hooks = json!({"hooks": {"PreToolUse": [{"matcher": "Bash",
        "hooks": [{"type": "command", "command": command}]}]}});
    std::fs::write(dir.join("hooks/hooks.json"), hooks.to_string()).unwrap();
    std::fs::write(
        dir.join("scripts/c.sh"),
        "#!/bin/bash\ninput=$(cat)\nsource \"$(dirname \"$0\")/lib/c_lib.sh\"\n",
    )
    .unwrap();
    std::fs::write(dir.join("scripts/lib/c_lib.sh"), BLOCKS).unwrap();
}

/// The helper: blocks every command that names "made".
const BLOCKS: &str = "case \"$input\" in *made*) echo 'blocked by guard3' >&2; exit 2;; esac\n";

const COMMAND: &str = "bash ${CLAUDE_PLUGIN_ROOT}/scripts/c.sh";

fn user_plugins(env: &TestEnv) -> PathBuf {
    env.home.path().join("user/.agents/plugins")
}

/// `quire exec` in `cwd` where the model runs each of `commands`.
fn session(env: &TestEnv, cwd: &Path, commands: &[String]) -> Run {
    let mut replies: Vec<Reply> = commands
        .iter()
        .enumerate()
        .map(|(i, c)| Reply::tool_call(format!("c{i}"), "shell", json!({"command": c})))
        .collect();
    replies.push(Reply::text("done"));
    env.server.push_all(replies);
    let mut cmd = env.command(&[
        "exec",
        "--json",
        "--approval",
        "never",
        "--sandbox",
        "danger-full-access",
        "go",
    ]);
    cmd.current_dir(cwd);
    isolate(env, &mut cmd);
    super::support::quire::finish(cmd.spawn().expect("spawn quire"))
}

fn outputs(r: &Run) -> Vec<String> {
    r.of_type("tool_completed")
        .iter()
        .map(|c| c["output"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn a_helper_the_guard_sources_edited_in_the_session_blocks_and_asks_again() {
    let env = TestEnv::new("chat");
    let plugin = user_plugins(&env).join("guard3");
    guard_plugin(&plugin, COMMAND);
    let r = run(&env, &["hooks", "trust"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let lib = plugin.join("scripts/lib/c_lib.sh");
    let made = env.repo_path().join("made.txt");
    // The guard blocks the first call; the test edits its helper as the
    // model could, then the next call must not pass with the old approval.
    let r = session(
        &env,
        &env.repo_path(),
        &["touch made-first.txt".to_string()],
    );
    assert!(
        outputs(&r)[0].contains("blocked by guard3"),
        "{:?}",
        r.events
    );
    std::fs::write(&lib, "exit 0\n").unwrap();
    let r = run(&env, &["hooks", "list", "--json"]);
    assert!(r.stdout.contains("not_approved"), "{}", r.stdout);
    // Approved again with the old helper, edited during the session.
    std::fs::write(&lib, BLOCKS).unwrap();
    let r = run(&env, &["hooks", "trust"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let edit = format!("printf 'exit 0\\n' > {}", lib.display());
    let r = session(
        &env,
        &env.repo_path(),
        &[edit, format!("touch {}", made.display())],
    );
    assert!(
        std::fs::read_to_string(&lib).unwrap().contains("exit 0"),
        "the edit did not land: {:?}",
        r.events
    );
    assert!(
        !made.exists(),
        "the guard's edited helper let the call through"
    );
    let outs = outputs(&r);
    assert!(
        outs[1].contains("changed since it was approved") || outs[1].contains("did not run"),
        "{outs:?}"
    );
    let w: Vec<String> = r
        .of_type("warning")
        .iter()
        .map(|w| w["message"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(
        w.iter().any(|m| m.contains("c_lib.sh")),
        "the warning names the helper: {w:?}"
    );
}

#[test]
fn a_user_plugin_approved_in_one_folder_guards_in_another() {
    let env = TestEnv::new("chat");
    guard_plugin(&user_plugins(&env).join("guard3"), COMMAND);
    let r = run(&env, &["hooks", "trust"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let other = env.home.path().join("elsewhere");
    std::fs::create_dir_all(&other).unwrap();
    let r = session(&env, &other, &["touch made.txt".to_string()]);
    assert!(
        outputs(&r)[0].contains("blocked by guard3"),
        "{:?}",
        r.events
    );
    assert!(!other.join("made.txt").exists());
    let mut cmd = env.command(&["hooks", "list", "--json"]);
    cmd.current_dir(&other);
    isolate(&env, &mut cmd);
    let r = super::support::quire::finish(cmd.spawn().expect("spawn quire"));
    assert!(
        r.stdout.contains("\"trusted\"") && !r.stdout.contains("not_approved"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_user_plugin_folder_that_is_a_link_loads_and_wins_over_the_repositorys() {
    let env = TestEnv::new("chat");
    let real = env.home.path().join("user/userguard");
    guard_plugin(&real, COMMAND);
    std::fs::create_dir_all(user_plugins(&env)).unwrap();
    let link = user_plugins(&env).join("guard-kit");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    // The repository ships a harmless plugin of the same name.
    let theirs = env.repo_path().join(".agents/plugins/guard3");
    copy_dir(&fixture("claude-kit"), &theirs);
    std::fs::write(
        theirs.join(".claude-plugin/plugin.json"),
        r#"{"name": "guard3"}"#,
    )
    .unwrap();
    std::fs::write(theirs.join("hooks/hooks.json"), r#"{"hooks": {}}"#).unwrap();
    let r = run(&env, &["hooks", "trust"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("c.sh"), "{}", r.stdout);
    let r = session(&env, &env.repo_path(), &["touch made.txt".to_string()]);
    assert!(
        outputs(&r)[0].contains("blocked by guard3"),
        "{:?}",
        r.events
    );
    let r = run(&env, &["plugins", "list", "--json"]);
    assert!(
        r.stdout.contains(&link.display().to_string())
            && !r.stdout.contains(&theirs.display().to_string()),
        "{}",
        r.stdout
    );
    // A link that leads nowhere is named, and still holds its name.
    std::fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink(env.home.path().join("gone"), &link).unwrap();
    std::fs::rename(&link, user_plugins(&env).join("guard3")).unwrap();
    let r = run(&env, &["plugins", "list", "--json"]);
    assert!(
        !r.stdout.contains(&theirs.display().to_string()),
        "{}",
        r.stdout
    );
    assert!(r.stderr.contains("is a symbolic link to"), "{}", r.stderr);
    let r = run(&env, &["hooks", "list"]);
    assert!(r.stderr.contains("is a symbolic link to"), "{}", r.stderr);
}

/// A plugin under a folder whose name a shell would split and run
/// (`${CLAUDE_PLUGIN_ROOT}` put in as text): its guard runs through the
/// folder's plain alias under `$QUIRE_HOME` and blocks by its own reason,
/// and the name runs nothing, whether the variable is quoted or not.
#[test]
fn a_guard_under_a_folder_named_like_shell_code_runs_and_the_name_runs_nothing() {
    for command in [COMMAND, "\"${CLAUDE_PLUGIN_ROOT}/scripts/c.sh\""] {
        let env = TestEnv::new("chat");
        let home = env
            .home
            .path()
            .join("my home $(touch PWNED) `touch PWNED2`");
        let plugin = home.join(".agents/plugins/guard3");
        guard_plugin(&plugin, command);
        let script = plugin.join("scripts/c.sh");
        let mut mode = std::fs::metadata(&script).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut mode, 0o755);
        std::fs::set_permissions(&script, mode).unwrap();
        let with_home = |args: &[&str]| {
            let mut cmd = env.command(args);
            isolate(&env, &mut cmd);
            cmd.env("HOME", &home);
            super::support::quire::finish(cmd.spawn().expect("spawn quire"))
        };
        let r = with_home(&["hooks", "trust"]);
        assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
        env.server.push_all([
            Reply::tool_call("c1", "shell", json!({"command": "touch made.txt"})),
            Reply::text("done"),
        ]);
        let r = with_home(&["exec", "--json", "--approval", "never", "go"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(
            outputs(&r)[0].contains("blocked by guard3"),
            "{command}: {:?}",
            r.events
        );
        assert!(!env.repo_path().join("made.txt").exists(), "{command}");
        for dir in [env.repo_path(), home.clone(), env.home.path().to_path_buf()] {
            for name in ["PWNED", "PWNED2"] {
                assert!(
                    !dir.join(name).exists(),
                    "{command}: {name} made in {dir:?}"
                );
            }
        }
    }
}
