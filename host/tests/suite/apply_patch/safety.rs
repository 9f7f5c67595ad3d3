//! Safety: the sandbox, approval and atomic writes.

use super::*;

#[cfg(unix)]
#[tokio::test]
async fn paths_outside_the_workspace_are_refused_under_workspace_write() {
    let ws = Ws::new();
    let outside = Ws::new();
    std::os::unix::fs::symlink(&outside.root, ws.root.join("escape")).unwrap();
    let outside_abs = outside.root.join("abs.txt");
    let cases = [
        "../x.txt".to_string(),
        outside_abs.display().to_string(),
        "escape/linked.txt".to_string(),
        "sub/../../x.txt".to_string(),
    ];
    for path in &cases {
        let patch = format!("*** Begin Patch\n*** Add File: {path}\n+x\n*** End Patch");
        let err = run(&ws.ctx(SandboxMode::WorkspaceWrite), &patch)
            .await
            .unwrap_err();
        assert!(matches!(err, ToolError::Denied(_)), "{path}: {err}");
        let msg = err.to_string();
        assert!(msg.contains(path.as_str()), "{msg}");
        assert!(msg.contains("outside the workspace"), "{msg}");
        assert!(msg.contains("--sandbox"), "{msg}");
    }
    // A move target outside is refused too, and the source stays.
    ws.write("in.txt", "x\n");
    let err = run(
        &ws.ctx(SandboxMode::WorkspaceWrite),
        "*** Begin Patch\n*** Update File: in.txt\n*** Move to: escape/out.txt\n*** End Patch",
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("escape/out.txt"), "{err}");
    assert!(ws.exists("in.txt"));
    assert!(snapshot(&outside.root).is_empty());

    // Danger-full-access allows them.
    let patch = format!(
        "*** Begin Patch\n*** Add File: {}\n+abs\n*** Add File: escape/linked.txt\n+linked\n*** End Patch",
        outside_abs.display()
    );
    run(&ws.ctx(SandboxMode::DangerFullAccess), &patch)
        .await
        .unwrap();
    assert_eq!(outside.read("abs.txt"), "abs\n");
    assert_eq!(outside.read("linked.txt"), "linked\n");
}

#[cfg(unix)]
#[tokio::test]
async fn updating_through_a_symlink_inside_the_workspace_keeps_the_link() {
    let ws = Ws::new();
    ws.write("real.txt", "a\n");
    std::os::unix::fs::symlink(ws.root.join("real.txt"), ws.root.join("link.txt")).unwrap();
    ok(
        &ws,
        "*** Begin Patch\n*** Update File: link.txt\n@@\n-a\n+b\n*** End Patch",
    )
    .await;
    assert_eq!(ws.read("real.txt"), "b\n");
    assert!(
        fs::symlink_metadata(ws.root.join("link.txt"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[tokio::test]
async fn read_only_refuses_every_patch() {
    let ws = Ws::new();
    let err = run(
        &ws.ctx(SandboxMode::ReadOnly),
        "*** Begin Patch\n*** Add File: a.txt\n+x\n*** End Patch",
    )
    .await
    .unwrap_err();
    assert!(matches!(err, ToolError::Denied(_)), "{err}");
    assert!(err.to_string().contains("--sandbox"), "{err}");
    assert!(!ws.exists("a.txt"));
}

/// A patch denied in a non-interactive run says so once, without
/// repeating that it was denied and not run.
#[tokio::test]
async fn a_non_interactive_denial_reads_once() {
    let ws = Ws::new();
    let ctx = ws.ctx_with(
        SandboxMode::WorkspaceWrite,
        ApprovalPolicy::Untrusted,
        Arc::new(DenyAll),
    );
    let patch = "*** Begin Patch\n*** Add File: b.rs\n+b\n*** End Patch";
    let err = run(&ctx, patch).await.unwrap_err().to_string();
    assert!(
        err.starts_with("denied: this patch was not run: it needs the user's approval"),
        "{err}"
    );
    assert_eq!(err.matches("denied").count(), 1, "{err}");
    assert!(!err.contains("nothing was changed"), "{err}");
    assert!(!ws.root.join("b.rs").exists());
}

#[tokio::test]
async fn untrusted_asks_and_a_denial_writes_nothing() {
    let ws = Ws::new();
    ws.write("a.rs", "x\n");
    let patch =
        "*** Begin Patch\n*** Update File: a.rs\n@@\n-x\n+y\n*** Add File: b.rs\n+b\n*** End Patch";
    let denier = Arc::new(Recorder {
        decision: ApprovalDecision::Denied,
        asked: Mutex::new(Vec::new()),
    });
    let ctx = ws.ctx_with(
        SandboxMode::WorkspaceWrite,
        ApprovalPolicy::Untrusted,
        denier.clone(),
    );
    let err = run(&ctx, patch).await.unwrap_err();
    assert!(matches!(err, ToolError::Denied(_)), "{err}");
    assert!(
        err.to_string().contains("the user declined this patch"),
        "{err}"
    );
    let asked = denier.asked.lock().unwrap().clone();
    let files = asked.first().map(|r| r.files.clone()).unwrap_or_default();
    let named: Vec<(&str, &str)> = files.iter().map(|f| (f.status, f.path.as_str())).collect();
    assert_eq!(
        named,
        [("modified", "a.rs"), ("added", "b.rs")],
        "the approval names every file with its operation"
    );
    assert!(
        files[0].diff.contains("--- a/a.rs\n+++ b/a.rs\n")
            && files[1].diff.contains("+++ b/b.rs\n"),
        "the approval shows the diff of every file: {files:?}"
    );
    assert_eq!(
        asked,
        vec![ApprovalRequest {
            tool: "apply_patch".into(),
            summary: "update a.rs, add b.rs".into(),
            reason: None,
            always_key: None,
            files: files.clone(),
            agent: None,
            escalated: false,
            code_in: Vec::new(),
            asked_again: None,
            workspace_programs: Vec::new(),
            outside_writes: None,
        }]
    );
    assert_eq!(ws.read("a.rs"), "x\n");
    assert!(!ws.exists("b.rs"));

    let approver = Arc::new(Recorder {
        decision: ApprovalDecision::Approved,
        asked: Mutex::new(Vec::new()),
    });
    let ctx = ws.ctx_with(
        SandboxMode::WorkspaceWrite,
        ApprovalPolicy::Untrusted,
        approver.clone(),
    );
    run(&ctx, patch).await.unwrap();
    assert_eq!(approver.asked.lock().unwrap().len(), 1);
    assert_eq!(ws.read("a.rs"), "y\n");
    assert_eq!(ws.read("b.rs"), "b\n");
}

#[tokio::test]
async fn other_policies_do_not_ask() {
    let ws = Ws::new();
    // DenyAll would refuse if asked.
    ok(&ws, "*** Begin Patch\n*** Add File: a\n+x\n*** End Patch").await;
    assert_eq!(ws.read("a"), "x\n");
}

#[tokio::test]
async fn a_failed_write_restores_the_files_already_written() {
    let ws = Ws::new();
    ws.write("a.txt", "original\n");
    let before = snapshot(&ws.root);
    // a.txt is written first; the name over NAME_MAX (255 bytes) then
    // fails, which the plan cannot see, and a.txt is put back.
    let long = format!("z/{}.txt", "n".repeat(256));
    let patch = format!(
        "*** Begin Patch\n*** Update File: a.txt\n@@\n-original\n+patched\n*** Add File: {long}\n+x\n*** End Patch"
    );
    let err = fail(&ws, &patch).await;
    assert!(err.contains(&format!("could not write {long}")), "{err}");
    assert!(err.contains("restored"), "{err}");
    // No temp file either (snapshot lists every file).
    assert_eq!(snapshot(&ws.root), before);
}

#[cfg(unix)]
#[tokio::test]
async fn a_dangling_link_on_the_way_is_refused_before_anything_is_written() {
    let ws = Ws::new();
    ws.write("a.txt", "original\n");
    std::os::unix::fs::symlink(ws.root.join("nowhere"), ws.root.join("z")).unwrap();
    let before = snapshot(&ws.root);
    let err = fail(
        &ws,
        "*** Begin Patch\n*** Update File: a.txt\n@@\n-original\n+patched\n*** Add File: z/new.txt\n+x\n*** End Patch",
    )
    .await;
    assert!(err.contains("z/new.txt"), "{err}");
    assert!(err.contains("symbolic link"), "{err}");
    assert!(err.contains("Nothing was changed"), "{err}");
    assert_eq!(snapshot(&ws.root), before);
}

#[cfg(unix)]
#[tokio::test]
async fn permissions_survive_an_update() {
    use std::os::unix::fs::PermissionsExt;
    let ws = Ws::new();
    ws.write("run.sh", "echo a\n");
    let p = ws.root.join("run.sh");
    fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).unwrap();
    ok(
        &ws,
        "*** Begin Patch\n*** Update File: run.sh\n@@\n-echo a\n+echo b\n*** End Patch",
    )
    .await;
    assert_eq!(
        fs::metadata(&p).unwrap().permissions().mode() & 0o777,
        0o755
    );
}
