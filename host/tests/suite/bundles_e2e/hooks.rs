//! A bundle's PreToolUse hook in a real session: it runs only once
//! approved by hash (`quire hooks trust`), then blocks the shell command;
//! unapproved, or changed after approval, it does not run (and the
//! approved version, gone, still blocks).

use serde_json::json;

use super::support::model_server::Reply;
use super::support::quire::{Run, TestEnv};
use super::{claude_kit_with_hooks, copy_dir, fixture, isolate, run};

/// One turn where the model runs `touch FILE` in the shell.
pub(super) fn touch(env: &TestEnv, file: &str) -> Run {
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

#[test]
fn an_approved_bundle_hook_blocks_and_an_unapproved_or_changed_one_does_not_run() {
    let env = TestEnv::new("responses");
    let installed = env.repo_path().join(".agents/plugins/claude-kit");
    copy_dir(&fixture("claude-kit"), &installed);

    // Not approved yet: the command runs.
    touch(&env, "before.txt");
    assert!(env.repo_path().join("before.txt").is_file());

    let r = run(&env, &["hooks", "trust"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let r = run(&env, &["hooks", "list", "--json"]);
    assert!(r.stdout.contains("guard.sh"), "{}", r.stdout);
    assert!(!r.stdout.contains("not_approved"), "{}", r.stdout);

    // Approved: the hook blocks the call, the file is never made.
    let r = touch(&env, "approved.txt");
    assert!(!env.repo_path().join("approved.txt").exists());
    let done = r.of_type("tool_completed");
    assert_eq!(done.len(), 1, "{:?}", r.events);
    assert_eq!(done[0]["is_error"], true, "{:?}", done[0]);
    let out = done[0]["output"].as_str().unwrap_or_default();
    assert!(out.contains("blocked by claude-kit"), "{out}");

    // Changed after approval: not run until approved again, and the
    // approved guard it replaced still refuses what it matched.
    let hooks = installed.join("hooks/hooks.json");
    let text = std::fs::read_to_string(&hooks).unwrap();
    std::fs::write(&hooks, text.replace("guard.sh\"", "guard.sh --strict\"")).unwrap();
    let r = touch(&env, "changed.txt");
    assert!(!env.repo_path().join("changed.txt").exists());
    let out = r.of_type("tool_completed")[0]["output"].to_string();
    assert!(
        out.contains("was removed, or its matcher or command changed")
            && out.contains("hooks.json"),
        "{out}"
    );
    let r = run(&env, &["hooks", "list", "--json"]);
    assert!(
        r.stdout.contains("not_approved") && r.stdout.contains("\"gone\""),
        "{}",
        r.stdout
    );
}

#[test]
fn a_bundle_hook_finds_its_plugin_root_in_its_environment() {
    let env = TestEnv::new("responses");
    let installed = claude_kit_with_hooks(
        &env,
        &json!({"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [
            {"type": "command", "command": "python3 ${CLAUDE_PLUGIN_ROOT}/hooks/env_guard.py"}
        ]}]}}),
    );
    // As hookify does: the script finds its files through the environment
    // and lets everything through when the variable is missing.
    std::fs::write(
        installed.join("hooks/env_guard.py"),
        "import os, sys\nroot = os.environ.get('CLAUDE_PLUGIN_ROOT')\nif not root:\n    sys.exit(0)\nprint('blocked from ' + root + ' and ' + os.environ.get('PLUGIN_ROOT', ''), file=sys.stderr)\nsys.exit(2)\n",
    )
    .unwrap();
    let r = run(&env, &["hooks", "trust"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let r = touch(&env, "made.txt");
    assert!(!env.repo_path().join("made.txt").exists(), "{:?}", r.events);
    let done = r.of_type("tool_completed");
    let out = done[0]["output"].as_str().unwrap_or_default();
    let root = installed.display().to_string();
    assert!(
        out.contains(&format!("blocked from {root} and {root}")),
        "{out}"
    );
}

/// A plugin hook whose command has a `..` path segment — straight after
/// `${CLAUDE_PLUGIN_ROOT}` or through a variable holding it — or spells
/// one another way (an operator on the root variable, `$'…'`, a brace
/// expansion) is refused by name: its approval could not cover the script
/// it runs, so it never runs, is never offered for approval, and `plugins
/// validate` reports it.
#[test]
fn a_bundle_hook_running_a_script_outside_the_plugin_is_refused() {
    for (command, said) in [
        (
            "bash ${CLAUDE_PLUGIN_ROOT}/../../../evil.sh",
            "path segment `..`",
        ),
        (
            "R=${CLAUDE_PLUGIN_ROOT}; bash $R/../../../evil.sh",
            "path segment `..`",
        ),
        (
            "bash ${CLAUDE_PLUGIN_ROOT%/.agents/plugins/*}/evil.sh",
            "with an operator",
        ),
        (
            "bash ${CLAUDE_PLUGIN_ROOT}/$'\\x2e\\x2e'/$'\\x2e\\x2e'/$'\\x2e\\x2e'/evil.sh",
            "ANSI-C quoting",
        ),
        (
            "bash ${CLAUDE_PLUGIN_ROOT}/.{.,}/.{.,}/.{.,}/evil.sh",
            "brace expansion",
        ),
    ] {
        refused_outside(command, said);
    }
}

fn refused_outside(command: &str, said: &str) {
    let env = TestEnv::new("responses");
    env.write("evil.sh", "echo evil >&2; exit 2\n");
    let installed = claude_kit_with_hooks(
        &env,
        &json!({"hooks": {"PreToolUse": [{"matcher": "*", "hooks": [
            {"type": "command", "command": command}
        ]}]}}),
    );
    let r = run(&env, &["hooks", "list", "--json"]);
    assert!(!r.stdout.contains("evil.sh"), "{}", r.stdout);
    let warning = r
        .stderr
        .lines()
        .find(|l| l.contains("evil.sh"))
        .unwrap_or_else(|| panic!("no warning naming the script: {}", r.stderr));
    assert!(warning.contains("hooks.json"), "{warning}");
    assert!(warning.contains("PreToolUse"), "{warning}");
    assert!(warning.contains(said), "{warning}");
    let word = command.split(' ').next_back().unwrap_or_default();
    assert!(warning.contains(&format!("`{word}`")), "{warning}");
    assert!(warning.contains("outside the plugin's folder"), "{warning}");

    let r = run(&env, &["hooks", "trust"]);
    assert!(
        r.stdout.contains("no repository or plugin hook is waiting"),
        "{}",
        r.stdout
    );
    touch(&env, "made.txt");
    assert!(env.repo_path().join("made.txt").is_file());

    let r = run(
        &env,
        &["plugins", "validate", &installed.display().to_string()],
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("outside the plugin's folder") && r.stderr.contains("evil.sh"),
        "{}",
        r.stderr
    );
    // Listed as a plugin with a part not loaded, naming the hook.
    for args in [&["plugins", "bundles"][..], &["plugins", "list"]] {
        let r = run(&env, args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        let row = r
            .stdout
            .lines()
            .find(|l| l.starts_with("claude-kit"))
            .unwrap_or_else(|| panic!("{args:?}: {}", r.stdout));
        assert!(row.contains("partial"), "{args:?}: {}", r.stdout);
        assert!(
            r.stdout.contains("not loaded: ") && r.stdout.contains("evil.sh"),
            "{args:?}: {}",
            r.stdout
        );
    }
}

/// Installing a plugin whose hook reaches out of its folder warns of it
/// at once, naming the hook, besides listing its hook files.
#[test]
fn installing_a_plugin_with_a_hook_outside_it_warns() {
    let env = TestEnv::new("responses");
    let market = super::install::marketplace(env.home.path());
    std::fs::write(
        market.join("plugins/claude-kit/hooks/hooks.json"),
        json!({"hooks": {"PreToolUse": [{"matcher": "*", "hooks": [
            {"type": "command", "command": "bash ${CLAUDE_PLUGIN_ROOT}/../../evil.sh"}
        ]}]}})
        .to_string(),
    )
    .unwrap();
    super::git(&market, &["commit", "-q", "-am", "evil"]);
    let url = format!("file://{}", market.display());
    let r = run(
        &env,
        &["plugins", "marketplace", "add", &url, "--ref", "main"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&env, &["plugins", "install", "claude-kit@team-tools"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let warning = r
        .stderr
        .lines()
        .find(|l| l.starts_with("warning:") && l.contains("evil.sh"))
        .unwrap_or_else(|| panic!("no warning naming the hook: {}", r.stderr));
    assert!(warning.contains("outside the plugin's folder"), "{warning}");
}

/// A user plugin's approved hook (in ~/.agents/plugins, outside the
/// repository) is checked again before each run, as a repository's is:
/// its script edited during the session does not run with the old
/// approval, and the next session waits for approval again.
#[test]
fn a_user_plugin_hook_script_edited_in_the_session_does_not_run() {
    let env = TestEnv::new("chat");
    let installed = env.home.path().join("user/.agents/plugins/claude-kit");
    copy_dir(&fixture("claude-kit"), &installed);
    let log = env.home.path().join("hook-log");
    let ran = env.home.path().join("edited-ran");
    let script = installed.join("hooks/guard.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/bash\ncat > /dev/null\necho run >> {:?}\n",
            log.display().to_string()
        ),
    )
    .unwrap();
    let r = run(&env, &["hooks", "trust"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let edit = format!(
        "printf '#!/bin/bash\\ntouch {}\\n' > {}",
        ran.display(),
        script.display()
    );
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": edit})),
        Reply::tool_call("c2", "shell", json!({"command": "echo second"})),
        Reply::text("done"),
    ]);
    let mut cmd = env.command(&[
        "exec",
        "--json",
        "--approval",
        "never",
        "--sandbox",
        "danger-full-access",
        "go",
    ]);
    isolate(&env, &mut cmd);
    let r = super::support::quire::finish(cmd.spawn().expect("spawn quire"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        std::fs::read_to_string(&script).unwrap().contains("touch"),
        "the edit did not land: {:?}",
        r.events
    );
    assert!(
        !ran.exists(),
        "the edited user plugin hook ran with the old approval"
    );
    assert_eq!(std::fs::read_to_string(&log).unwrap(), "run\n");
    let w: Vec<String> = r
        .of_type("warning")
        .iter()
        .map(|w| w["message"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(
        w.iter().any(|m| m.contains("does not run")
            && m.contains(&format!(
                "{} changed since it was approved",
                script.display()
            ))),
        "{w:?}"
    );
    let r = run(&env, &["hooks", "list", "--json"]);
    assert!(r.stdout.contains("not_approved"), "{}", r.stdout);
}

#[test]
fn a_plugin_hooks_note_says_its_approval_covers_the_whole_plugin_folder() {
    let env = TestEnv::new("responses");
    let installed = env.repo_path().join(".agents/plugins/claude-kit");
    copy_dir(&fixture("claude-kit"), &installed);
    let r = run(&env, &["hooks", "list"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    // Not "the repository's …/hooks/guard.sh" covered by its `hooks/`
    // folder: a change to any file of the plugin stops its hooks.
    assert!(r.stdout.contains("it runs the plugin's `"), "{}", r.stdout);
    assert!(
        r.stdout.contains("every file of the plugin's folder"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("the repository's"), "{}", r.stdout);
}
