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
