//! The sandbox seen from the model's side: writes outside the workspace.
use crate::support;

mod across_sessions;
mod dotfiles_home;
mod keyrings;
mod network;
mod own_config;
mod own_secrets;
mod private_tmp;
mod root_caps;
mod sandbox_command;
mod settings_seal;
mod swapped_roots;
mod sysv_ipc;
mod terminal;

use serde_json::json;
use support::model_server::Reply;
use support::outside::outside_dir;
use support::quire::TestEnv;

#[test]
fn writes_outside_the_workspace_are_denied_under_workspace_write() {
    let env = TestEnv::new("responses");
    let outside_tmp = outside_dir();
    let outside = outside_tmp.path();
    let target = outside.join("shell.txt");
    let patched = outside.join("patch.txt");
    env.server.push_all([
        Reply::tool_call(
            "w1",
            "shell",
            json!({"command": format!("echo leaked > {}", target.display())}),
        ),
        Reply::tool_call(
            "w2",
            "apply_patch",
            json!({"patch": format!("*** Begin Patch\n*** Add File: {}\n+leaked\n*** End Patch\n", patched.display())}),
        ),
        Reply::tool_call("w3", "shell", json!({"command": "echo inside > inside.txt"})),
        Reply::text("tried"),
    ]);
    let run = env.exec_json("write everywhere", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!target.exists(), "shell wrote outside the workspace");
    assert!(!patched.exists(), "apply_patch wrote outside the workspace");
    assert_eq!(
        env.read("inside.txt"),
        "inside\n",
        "writes inside still work"
    );
    let reqs = env.server.requests();
    assert!(
        reqs[1].raw_body.contains("Permission denied"),
        "{}",
        reqs[1].raw_body
    );
    let patch_result = run
        .of_type("tool_completed")
        .into_iter()
        .find(|e| e["call_id"] == "w2")
        .unwrap()
        .clone();
    assert_eq!(patch_result["is_error"], true);
    assert!(patch_result["output"].as_str().unwrap().contains("outside"));
}

/// The same write succeeds with the sandbox off: the test above can fail.
#[test]
fn danger_full_access_can_write_outside() {
    let env = TestEnv::new("chat");
    let outside_tmp = outside_dir();
    let outside = outside_tmp.path();
    let target = outside.join("shell.txt");
    env.server.push_all([
        Reply::tool_call(
            "w1",
            "shell",
            json!({"command": format!("echo free > {}", target.display())}),
        ),
        Reply::text("wrote"),
    ]);
    let run = env.exec_json("write there", &["--sandbox", "danger-full-access"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "free\n");
}

/// `exec` cannot ask, so escalation is denied and the model is told why.
#[test]
fn exec_denies_what_needs_approval() {
    let env = TestEnv::new("anthropic");
    env.server.push_all([
        Reply::tool_call(
            "e1",
            "shell",
            json!({"command": "touch escalated.txt", "escalate": true, "justification": "need it"}),
        ),
        Reply::tool_call("e2", "shell", json!({"command": "touch asked.txt"})),
        Reply::text("ok"),
    ]);
    let run = env.exec_json("escalate", &["--approval", "untrusted"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!env.repo.path().join("escalated.txt").exists());
    assert!(!env.repo.path().join("asked.txt").exists());
    let body = &env.server.requests()[1].raw_body;
    assert!(body.contains("non-interactive"), "{body}");
}
