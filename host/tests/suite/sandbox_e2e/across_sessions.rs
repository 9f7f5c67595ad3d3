//! A folder a command swapped for a symbolic link stays out of the
//! sandbox in the next session too: each run pins its folders anew, so
//! a writable root or `$TMPDIR` whose path passes through a link in a
//! folder commands may write is not used, and a session started from a
//! `$PWD` reached through such a link is refused.

use serde_json::json;

use super::support::model_server::Reply;
use super::support::outside::outside_dir;
use super::support::quire::{Run, TestEnv, finish};
use super::swapped_roots::{exec_in, output, swappable_workspace, warnings};

fn said(run: &Run, part: &str) -> Vec<String> {
    warnings(run)
        .into_iter()
        .filter(|w| w.contains(part))
        .collect()
}

#[test]
fn a_writable_root_swapped_for_a_link_is_not_used_by_the_next_session() {
    let scratch = tempfile::tempdir().unwrap();
    let scratch = scratch.path().canonicalize().unwrap();
    let shared = scratch.join("shared");
    std::fs::create_dir(&shared).unwrap();
    let outside = outside_dir();
    let env = TestEnv::with_config("chat", &format!("writable_roots = [{:?}]", shared));
    let key = outside.path().join("authorized_keys");
    // Session 1: the swap, refused for the rest of the session.
    env.server.push_all([
        Reply::tool_call(
            "s",
            "shell",
            json!({"command": format!(
                "cd {} && mv shared shared-real && ln -s {} shared && echo swapped",
                scratch.display(),
                outside.path().display()
            )}),
        ),
        Reply::tool_call(
            "w",
            "shell",
            json!({"command": format!("echo k1 > {}", key.display())}),
        ),
        Reply::text("done"),
    ]);
    let run = exec_in(&env, &env.repo_path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        output(&run, "s").contains("swapped"),
        "{}",
        output(&run, "s")
    );
    assert!(!key.exists(), "session 1 wrote where the link points");
    let changed = said(
        &run,
        &format!("the writable folder {} is no longer", shared.display()),
    );
    assert_eq!(changed.len(), 1, "{:?}", warnings(&run));
    assert!(
        changed[0].contains("a command changed it, so it is left out"),
        "{}",
        changed[0]
    );
    assert!(!changed[0].contains("restart"), "{}", changed[0]);
    // Session 2: the root, now a link in a writable folder, is not used.
    env.server.push_all([
        Reply::tool_call(
            "w2",
            "shell",
            json!({"command": format!("echo attacker-key > {}", key.display())}),
        ),
        Reply::tool_call(
            "p",
            "apply_patch",
            json!({"patch": format!("*** Begin Patch\n*** Add File: {}\n+x\n*** End Patch\n", outside.path().join("patched").display())}),
        ),
        Reply::text("done"),
    ]);
    let run = exec_in(&env, &env.repo_path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!key.exists(), "session 2 wrote where the link points");
    assert!(
        !outside.path().join("patched").exists(),
        "apply_patch wrote there"
    );
    let not_used = said(
        &run,
        &format!("the writable folder {} is not used", shared.display()),
    );
    assert_eq!(not_used.len(), 1, "{:?}", warnings(&run));
    for part in [
        format!("it is a symbolic link to {}", outside.path().display()),
        "a sandboxed command could have put it there".to_string(),
        "use the real folder's path".to_string(),
    ] {
        assert!(
            not_used[0].contains(&part),
            "{part:?} not in {}",
            not_used[0]
        );
    }
}

#[test]
fn a_tmpdir_swapped_for_a_link_is_not_writable_in_the_next_run() {
    let env = TestEnv::new("chat");
    let scratch = tempfile::tempdir().unwrap();
    let scratch = scratch.path().canonicalize().unwrap();
    let mytmp = scratch.join("mytmp");
    std::fs::create_dir(&mytmp).unwrap();
    let outside = outside_dir();
    let sandbox = |script: String| {
        let child = env
            .command(&["sandbox", "--", "sh", "-c", &script])
            .env("TMPDIR", &mytmp)
            .spawn()
            .unwrap();
        finish(child)
    };
    let run = sandbox(format!(
        "rm -rf {0} && ln -s {1} {0}",
        mytmp.display(),
        outside.path().display()
    ));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let probe = outside.path().join("probe");
    let run = sandbox(format!("touch {}; echo rc=$?", probe.display()));
    assert!(
        !probe.exists(),
        "the second run wrote where the link points"
    );
    assert!(
        run.stderr.contains(&format!(
            "the writable folder {} is not used: it is a symbolic link to {}",
            mytmp.display(),
            outside.path().display()
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn a_session_started_through_a_swapped_workspace_link_is_refused() {
    let env = TestEnv::new("chat");
    let outside = outside_dir();
    let (ws, swap) = swappable_workspace(&env, outside.path());
    env.server
        .push_all([Reply::tool_call("s", "shell", swap), Reply::text("done")]);
    let run = exec_in(&env, &ws);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        output(&run, "s").contains("swapped"),
        "{}",
        output(&run, "s")
    );
    // The next session from the same path, as a shell there names it.
    let probe = outside.path().join("probe");
    env.server.push_all([
        Reply::tool_call(
            "w",
            "shell",
            json!({"command": format!("echo pwned > {}", probe.display())}),
        ),
        Reply::text("done"),
    ]);
    let child = env
        .command(&["exec", "--json", "--approval", "never", "go"])
        .current_dir(&ws)
        .env("PWD", &ws)
        .spawn()
        .unwrap();
    let run = finish(child);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(!probe.exists(), "the session wrote where the link points");
    let text = format!("{}{}", run.stdout, run.stderr);
    let real = outside.path().canonicalize().unwrap();
    for part in [
        format!("the current directory {} is reached through", ws.display()),
        format!("a symbolic link to {}", outside.path().display()),
        format!("run quire with -C {}", real.display()),
    ] {
        assert!(text.contains(&part), "{part:?} not in {text}");
    }
    // Named with -C, the real folder is used.
    env.server.push_all([Reply::text("done")]);
    let child = env
        .command(&["exec", "--json", "--approval", "never", "-C"])
        .arg(&real)
        .arg("go")
        .current_dir(&ws)
        .env("PWD", &ws)
        .spawn()
        .unwrap();
    let run = finish(child);
    assert_eq!(run.code, 0, "{}", run.stderr);
}
