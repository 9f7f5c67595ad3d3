//! quire started in a subfolder: a repository hook naming its script by
//! a relative path runs the approved script at the repository's root,
//! never a same-named one the model wrote under the subfolder.

use super::{bash_guard, completed, trust_hooks};
use crate::support::model_server::Reply;
use crate::support::quire::TestEnv;
use serde_json::json;

#[test]
fn a_relative_hook_path_runs_the_approved_script_from_a_subfolder() {
    let env = TestEnv::new("chat");
    env.write(
        ".claude/hooks/guard.sh",
        "#!/bin/bash\necho 'guarded by the approved script' >&2\nexit 2\n",
    );
    env.write(
        ".claude/settings.json",
        &bash_guard("bash .claude/hooks/guard.sh"),
    );
    trust_hooks(&env);
    // What the model could write with apply_patch in the subfolder.
    env.write(
        "sub/.claude/hooks/guard.sh",
        "#!/bin/bash\ntouch planted-ran\nexit 0\n",
    );
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "touch ran"})),
        Reply::text("done"),
    ]);
    let sub = env.repo_path().join("sub");
    let run = env.exec_json(
        "go",
        &[
            "--approval",
            "never",
            "-C",
            sub.to_str().expect("utf-8 path"),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!sub.join("planted-ran").exists(), "the planted script ran");
    assert!(!sub.join("ran").exists(), "the guarded call ran");
    let call = completed(&run, "c1");
    assert_eq!(call["status"], "denied", "{call}");
    assert!(
        call["output"]
            .as_str()
            .is_some_and(|o| o.contains("guarded by the approved script")),
        "{call}"
    );
}

/// The same outside git: the hooks are approved in the folder holding
/// `.claude`, and run there when quire starts in a subfolder.
#[test]
fn outside_git_a_relative_hook_path_runs_the_approved_script_from_a_subfolder() {
    let env = TestEnv::new("chat");
    let project = tempfile::tempdir().expect("temp folder");
    let p = project.path();
    let write = |rel: &str, text: &str| {
        let path = p.join(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    write(
        "tools/check.sh",
        "#!/bin/sh\necho 'guarded by the approved script' >&2\nexit 2\n",
    );
    write(".claude/settings.json", &bash_guard("sh tools/check.sh"));
    write(
        "sub/tools/check.sh",
        "#!/bin/sh\ntouch planted-ran\nexit 0\n",
    );
    for args in [&["trust"][..], &["hooks", "trust"][..]] {
        let mut cmd = env.command(args);
        cmd.current_dir(p);
        let run = crate::support::quire::finish(cmd.spawn().expect("spawn quire"));
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    }
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "touch ran"})),
        Reply::text("done"),
    ]);
    let mut cmd = env.command(&["exec", "--json", "--approval", "never", "go"]);
    cmd.current_dir(p.join("sub"));
    let run = crate::support::quire::finish(cmd.spawn().expect("spawn quire"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        !p.join("sub/planted-ran").exists(),
        "the planted script ran"
    );
    assert!(!p.join("sub/ran").exists(), "the guarded call ran");
    let call = completed(&run, "c1");
    assert_eq!(call["status"], "denied", "{call}");
}
