//! A plugin under a folder whose name holds shell code or a blank: a
//! command that hands its text to a shell that reads it again (`bash -c
//! '…'`, `eval`, a here-document fed to bash) would split the path or run
//! part of it, so its hooks run through a plain alias of the folder under
//! `$QUIRE_HOME` — they run, and nothing in the name ever does. Only a
//! `$QUIRE_HOME` whose own path a shell could act on refuses them: an
//! approved guard then blocks what it guards, naming the folder.

use std::path::{Path, PathBuf};

use serde_json::json;

use super::support::model_server::Reply;
use super::support::quire::{Run, TestEnv};
use super::{copy_dir, fixture, isolate};

/// Each hands the path to a shell that reads it again, or to none.
const FORMS: [&str; 8] = [
    "bash -c 'bash ${CLAUDE_PLUGIN_ROOT}/hooks/guard.sh 1'",
    "sh -c \"bash ${CLAUDE_PLUGIN_ROOT}/hooks/guard.sh 2\"",
    "eval bash ${CLAUDE_PLUGIN_ROOT}/hooks/guard.sh 3",
    "bash <<'EOF'\nbash ${CLAUDE_PLUGIN_ROOT}/hooks/guard.sh 4\nEOF",
    "bash <<EOF\nbash ${CLAUDE_PLUGIN_ROOT}/hooks/guard.sh 5\nEOF",
    "bash ${CLAUDE_PLUGIN_ROOT}/hooks/guard.sh 6",
    "bash -c 'bash $CLAUDE_PLUGIN_ROOT/hooks/guard.sh 7'",
    // `find` does not go into a link it is given: the alias ends in `/`.
    "find ${CLAUDE_PLUGIN_ROOT} -name guard.sh -exec bash {} 8 \\;",
];

/// The guard: leaves `ran-N` (holding the root it was given) in the
/// project and blocks every shell command.
const GUARD: &str = "#!/bin/bash\ncat > /dev/null\nprintf '%s' \"$CLAUDE_PLUGIN_ROOT\" > \"$QUIRE_PROJECT_DIR/ran-$1\"\necho \"blocked by claude-kit\" >&2\nexit 2\n";

/// The claude-kit fixture at `.agents/plugins/NAME` of `env`'s repository,
/// its PreToolUse hooks [`FORMS`]; beside it, the file `my` a split path
/// `…/my kit/…` would run.
fn install(env: &TestEnv, name: &str) -> PathBuf {
    let installed = env.repo_path().join(".agents/plugins").join(name);
    copy_dir(&fixture("claude-kit"), &installed);
    std::fs::write(installed.join("hooks/guard.sh"), GUARD).unwrap();
    let entries: Vec<_> = FORMS
        .iter()
        .map(|c| json!({"matcher": "Bash", "hooks": [{"type": "command", "command": c}]}))
        .collect();
    std::fs::write(
        installed.join("hooks/hooks.json"),
        json!({"hooks": {"PreToolUse": entries}}).to_string(),
    )
    .unwrap();
    let decoy = env.repo_path().join(".agents/plugins/my");
    std::fs::write(&decoy, "#!/bin/sh\ntouch PWNED\n").unwrap();
    let mut perms = std::fs::metadata(&decoy).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&decoy, perms).unwrap();
    installed
}

/// `quire ARGS` with `$QUIRE_HOME` at `home`.
fn run_in(env: &TestEnv, home: &Path, args: &[&str]) -> Run {
    let mut cmd = env.command(args);
    isolate(env, &mut cmd);
    cmd.env("QUIRE_HOME", home);
    super::support::quire::finish(cmd.spawn().expect("spawn quire"))
}

/// One turn where the model runs `touch made.txt`, `$QUIRE_HOME` at `home`.
fn touch_in(env: &TestEnv, home: &Path) -> Run {
    env.server.push_all([
        Reply::tool_call("t1", "shell", json!({"command": "touch made.txt"})),
        Reply::text("done"),
    ]);
    let r = run_in(env, home, &["exec", "--json", "make the file"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r
}

#[test]
fn a_plugin_under_a_folder_named_with_shell_code_or_a_blank_runs_through_its_alias() {
    for name in ["w $(touch X3)", "my kit"] {
        let env = TestEnv::new("responses");
        let home = env.home.path().to_path_buf();
        let installed = install(&env, name);

        let r = run_in(
            &env,
            &home,
            &["plugins", "validate", &installed.display().to_string()],
        );
        assert!(!r.stderr.contains("is refused"), "{name}: {}", r.stderr);
        let r = run_in(&env, &home, &["hooks", "trust"]);
        assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
        let r = run_in(&env, &home, &["hooks", "list"]);
        assert!(!r.stderr.contains("does not run"), "{name}: {}", r.stderr);
        let states: Vec<&str> = r.stdout.lines().filter(|l| l.contains("  [")).collect();
        assert_eq!(states.len(), FORMS.len(), "{}", r.stdout);
        assert!(states.iter().all(|l| l.contains("[runs")), "{}", r.stdout);

        let r = touch_in(&env, &home);
        assert!(!env.repo_path().join("made.txt").exists(), "{:?}", r.events);
        let done = r.of_type("tool_completed");
        let out = done[0]["output"].as_str().unwrap_or_default();
        assert!(out.contains("blocked by claude-kit"), "{name}: {out}");
        let aliases = home.join("cache/plugin-roots");
        for n in 1..=FORMS.len() {
            let given = std::fs::read_to_string(env.repo_path().join(format!("ran-{n}")))
                .unwrap_or_else(|_| panic!("{name}: form {n} did not run: {:?}", r.events));
            assert!(given.ends_with('/'), "{name}: {n}: {given}");
            let given = Path::new(&given);
            assert_eq!(given.parent(), Some(aliases.as_path()), "{name}: {n}");
            assert_eq!(
                given.canonicalize().unwrap(),
                installed.canonicalize().unwrap()
            );
        }
        for dir in [env.repo_path(), home.clone()] {
            for made in ["X3", "PWNED"] {
                assert!(
                    found(&dir, made).is_none(),
                    "{name}: {made} made in {dir:?}"
                );
            }
        }
    }
}

#[test]
fn a_quire_home_named_with_shell_code_refuses_the_hooks_naming_it() {
    let env = TestEnv::new("responses");
    // `$QUIRE_HOME` reached through a folder named with shell code.
    let home = env.home.path().join("q$(touch X4)");
    std::os::unix::fs::symlink(env.home.path(), &home).unwrap();
    install(&env, "my kit");

    let r = run_in(&env, &home, &["hooks", "list"]);
    let said: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.contains("does not run") && l.contains("set QUIRE_HOME"))
        .collect();
    assert_eq!(said.len(), FORMS.len(), "{}", r.stderr);
    assert!(
        said[0].contains("under the folder \"q$(touch X4)\"") && said[0].contains("has `$`"),
        "{}",
        said[0]
    );
    // A session says why they do not run, not to approve them.
    env.server.push(Reply::text("hi"));
    let r = run_in(&env, &home, &["exec", "say hi"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("set QUIRE_HOME") && !r.stderr.contains("approve with"),
        "{}",
        r.stderr
    );
    // Not offered for approval: approved, they still would not run.
    let r = run_in(&env, &home, &["hooks", "trust"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("no repository or plugin hook is waiting for approval")
            && r.stderr
                .contains(&format!("{} plugin hooks not offered", FORMS.len())),
        "{}{}",
        r.stdout,
        r.stderr
    );
    // Named by id they can still be approved: then, as guards, they block.
    let r = run_in(&env, &home, &["hooks", "list", "--json"]);
    let ids: Vec<String> = r
        .stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["id"].as_str().map(str::to_string))
        .collect();
    assert_eq!(ids.len(), FORMS.len(), "{}", r.stdout);
    let mut args = vec!["hooks", "trust"];
    args.extend(ids.iter().map(String::as_str));
    let r = run_in(&env, &home, &args);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let r = run_in(&env, &home, &["hooks", "list"]);
    let states: Vec<&str> = r.stdout.lines().filter(|l| l.contains("  [")).collect();
    assert_eq!(states.len(), FORMS.len(), "{}", r.stdout);
    assert!(
        states
            .iter()
            .all(|l| l.contains("[does not run:") && !l.contains("[runs")),
        "{}",
        r.stdout
    );

    let r = touch_in(&env, &home);
    assert!(!env.repo_path().join("made.txt").exists(), "{:?}", r.events);
    let done = r.of_type("tool_completed");
    assert_eq!(done[0]["is_error"], true, "{:?}", done[0]);
    let out = done[0]["output"].as_str().unwrap_or_default();
    assert!(
        out.contains("did not run, and the tool call waits for it")
            && out.contains("\"q$(touch X4)\""),
        "{out}"
    );
    assert!(r.of_type("hook_started").is_empty(), "{:?}", r.events);

    let r = run_in(
        &env,
        &home,
        &[
            "plugins",
            "validate",
            &env.repo_path()
                .join(".agents/plugins/my kit")
                .display()
                .to_string(),
        ],
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("set QUIRE_HOME"), "{}", r.stderr);

    for dir in [env.repo_path(), env.home.path().to_path_buf()] {
        for made in ["X4", "PWNED"] {
            assert!(found(&dir, made).is_none(), "{made} made in {dir:?}");
        }
    }
}

/// A file named `name` anywhere under `dir`.
fn found(dir: &Path, name: &str) -> Option<PathBuf> {
    for e in std::fs::read_dir(dir).ok()?.flatten() {
        let p = e.path();
        if p.file_name().is_some_and(|n| n == name) {
            return Some(p);
        }
        if p.is_dir()
            && !p.is_symlink()
            && let Some(f) = found(&p, name)
        {
            return Some(f);
        }
    }
    None
}
