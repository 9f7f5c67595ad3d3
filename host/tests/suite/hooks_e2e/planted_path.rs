//! A user's hook runs outside the sandbox without asking each time: the
//! programs it names bare (`python3`, a tool of the user's) are never
//! the ones the model's sandboxed commands can plant in the workspace,
//! even with the project's `.venv/bin` first on `PATH` (an activated
//! virtual environment).

use std::path::Path;

use super::add_user_hooks;
use super::support::model_server::Reply;
use super::support::quire::TestEnv;

/// An executable script `dir/name` that creates `marker`.
fn program(dir: &Path, name: &str, marker: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(dir).unwrap();
    let file = dir.join(name);
    std::fs::write(&file, format!("#!/bin/sh\ntouch {marker:?}\n")).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_user_hook_runs_the_real_programs_not_those_planted_in_the_workspace() {
    let env = TestEnv::new("chat");
    let home = env.home.path();
    let marker = |name: &str| home.join(name);
    // What the model's sandboxed commands could have written.
    let venv = env.repo_path().join(".venv/bin");
    for name in ["hookprog", "python3", "bash"] {
        program(&venv, name, &marker(&format!("planted-{name}")));
    }
    // The user's own tool, outside the workspace.
    let own = home.join("own-bin");
    program(&own, "hookprog", &marker("real-hookprog"));
    let real_python = marker("real-python3");
    let command = format!(
        "hookprog; python3 -c 'open({:?}, \"w\")'",
        real_python.display().to_string()
    );
    add_user_hooks(
        &env,
        &[format!(
            "\n[[hooks.UserPromptSubmit]]\ncommand = {command:?}\n"
        )],
    );
    let path = std::env::join_paths(
        [venv.clone(), own.clone()]
            .into_iter()
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    env.server.push(Reply::text("done"));
    let run = support_run(&env, &path);
    assert_eq!(run.0, 0, "{}", run.1);
    for name in ["hookprog", "python3", "bash"] {
        assert!(
            !marker(&format!("planted-{name}")).exists(),
            "the planted {name} ran: {}",
            run.1
        );
    }
    assert!(marker("real-hookprog").exists(), "{}", run.1);
    assert!(real_python.exists(), "{}", run.1);
}

/// `quire exec --json hi` with `path` as its `PATH`: exit code, stderr.
fn support_run(env: &TestEnv, path: &std::ffi::OsStr) -> (i32, String) {
    let mut cmd = env.command(&["exec", "--json", "hi"]);
    cmd.env("PATH", path);
    let run = super::support::quire::finish(cmd.spawn().expect("spawn quire"));
    (run.code, run.stderr)
}
