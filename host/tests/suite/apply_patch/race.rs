//! A directory swapped for a link to the outside after the patch was
//! checked and before it is written (the race a background process can run
//! against apply_patch): the write is refused and nothing lands outside.
//! The swap happens at a fixed point, while the approval is asked, so the
//! tests do not depend on timing.

use std::os::unix::fs::symlink;

use serde_json::json;

use super::*;
use crate::suite::hooks_e2e::{add_user_hooks, hook_toml, script};
use crate::support::model_server::Reply;
use crate::support::outside::outside_dir;
use crate::support::quire::TestEnv;

/// Approves after replacing `dir` by a link to `outside`.
struct Swapper {
    dir: PathBuf,
    outside: PathBuf,
}

#[async_trait::async_trait]
impl Approver for Swapper {
    async fn ask(&self, _: ApprovalRequest) -> ApprovalDecision {
        let mut moved = self.dir.clone().into_os_string();
        moved.push(".real");
        fs::rename(&self.dir, &moved).unwrap();
        symlink(&self.outside, &self.dir).unwrap();
        ApprovalDecision::Approved
    }
}

#[tokio::test]
async fn a_directory_swapped_for_a_link_during_approval_is_not_written_through() {
    let ws = Ws::new();
    let outside = Ws::new();
    ws.write("d/f.txt", "old\n");
    ws.write("top.txt", "top\n");
    let ctx = ws.ctx_with(
        SandboxMode::WorkspaceWrite,
        ApprovalPolicy::Untrusted,
        Arc::new(Swapper {
            dir: ws.root.join("d"),
            outside: outside.root.clone(),
        }),
    );
    let err = run(
        &ctx,
        "*** Begin Patch\n*** Add File: d/race.txt\n+x\n*** Update File: d/f.txt\n@@\n-old\n+new\n*** Update File: top.txt\n@@\n-top\n+patched\n*** End Patch",
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(err.contains("could not write d/"), "{err}");
    assert!(err.contains("symbolic link"), "{err}");
    assert!(snapshot(&outside.root).is_empty(), "written outside");
    assert_eq!(ws.read("d.real/f.txt"), "old\n");
    assert_eq!(ws.read("top.txt"), "top\n");
    let inside: Vec<PathBuf> = snapshot(&ws.root).into_iter().map(|(p, _)| p).collect();
    assert_eq!(
        inside,
        [
            ws.root.join("d"),
            ws.root.join("d.real/f.txt"),
            ws.root.join("top.txt")
        ],
        "no temp file is left"
    );
}

/// The same through the binary: a `PermissionRequest` hook does the swap
/// (as a process the model started could), then allows the patch.
#[test]
fn quire_does_not_write_outside_when_a_directory_is_swapped_before_the_commit() {
    let env = TestEnv::new("responses");
    env.write("d/keep.txt", "keep\n");
    let outside_tmp = outside_dir();
    let outside = outside_tmp.path();
    let ws = env.repo_path();
    let hook = script(
        &env,
        "swap.sh",
        &format!(
            "#!/bin/bash\ncat > /dev/null\nmv {d:?} {d:?}.real && ln -s {outside:?} {d:?}\necho '{{\"hookSpecificOutput\": {{\"hookEventName\": \"PermissionRequest\", \"decision\": {{\"behavior\": \"allow\"}}}}}}'\n",
            d = ws.join("d"),
        ),
    );
    add_user_hooks(
        &env,
        &[hook_toml(
            "PermissionRequest",
            Some("apply_patch"),
            &hook,
            "",
        )],
    );
    env.server.push_all([
        Reply::tool_call(
            "p1",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Add File: d/race1.txt\n+x\n*** End Patch\n"}),
        ),
        Reply::text("done"),
    ]);
    let run = env.exec_json(
        "race",
        &["--approval", "untrusted", "--sandbox", "workspace-write"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The hook ran, so the swap happened between the check and the write.
    assert!(
        fs::symlink_metadata(ws.join("d")).unwrap().is_symlink(),
        "{:?}",
        run.events
    );
    let result = run
        .of_type("tool_completed")
        .into_iter()
        .find(|e| e["call_id"] == "p1")
        .cloned()
        .unwrap_or_default();
    assert_eq!(result["is_error"], true, "{result}");
    let output = result["output"].as_str().unwrap_or_default();
    assert!(output.contains("could not write d/race1.txt"), "{output}");
    assert!(output.contains("symbolic link"), "{output}");
    let leaked: Vec<_> = fs::read_dir(outside).unwrap().collect();
    assert!(leaked.is_empty(), "written outside: {leaked:?}");
    assert_eq!(
        snapshot(&ws.join("d.real")),
        [(ws.join("d.real/keep.txt"), b"keep\n".to_vec())]
    );
}

/// Approves after writing `content` to `path` (what the user does in an
/// editor while the approval prompt shows).
struct Editor {
    path: PathBuf,
    content: &'static str,
}

#[async_trait::async_trait]
impl Approver for Editor {
    async fn ask(&self, _: ApprovalRequest) -> ApprovalDecision {
        fs::write(&self.path, self.content).unwrap();
        ApprovalDecision::Approved
    }
}

fn editing(ws: &Ws, rel: &str, content: &'static str) -> ToolContext {
    ws.ctx_with(
        SandboxMode::WorkspaceWrite,
        ApprovalPolicy::Untrusted,
        Arc::new(Editor {
            path: ws.root.join(rel),
            content,
        }),
    )
}

#[tokio::test]
async fn a_file_edited_during_approval_is_not_overwritten() {
    let ws = Ws::new();
    ws.write("calc.py", "def add(a, b):\n    return a - b\n");
    ws.write("other.txt", "other\n");
    let edited = "def add(a, b):\n    return a - b\n\ndef mul(a, b):\n    return a * b\n";
    let ctx = editing(&ws, "calc.py", edited);
    let err = run(
        &ctx,
        "*** Begin Patch\n*** Update File: other.txt\n@@\n-other\n+patched\n*** Update File: calc.py\n@@\n def add(a, b):\n-    return a - b\n+    return a + b\n*** End Patch",
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("calc.py changed while the patch waited for approval; nothing was written"),
        "{err}"
    );
    assert_eq!(ws.read("calc.py"), edited, "the user's edit is kept");
    assert_eq!(
        ws.read("other.txt"),
        "other\n",
        "nothing of the patch is written"
    );
}

#[tokio::test]
async fn a_file_created_during_approval_is_not_overwritten_by_an_add() {
    let ws = Ws::new();
    let ctx = editing(&ws, "notes.txt", "the user's notes\n");
    let err = run(
        &ctx,
        "*** Begin Patch\n*** Add File: notes.txt\n+the model's notes\n*** End Patch",
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("notes.txt changed while the patch waited for approval"),
        "{err}"
    );
    assert_eq!(ws.read("notes.txt"), "the user's notes\n");
}
