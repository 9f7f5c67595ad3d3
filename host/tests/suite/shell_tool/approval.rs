//! The approval policies.

use super::*;

#[tokio::test]
async fn untrusted_asks_for_commands_not_known_safe() {
    let ws = tempfile::tempdir().unwrap();
    std::fs::write(ws.path().join("x"), "").unwrap();
    let approver = Recorder::new(ApprovalDecision::Denied);
    let mut c = ctx(ws.path(), SandboxMode::WorkspaceWrite);
    c.approval_policy = ApprovalPolicy::Untrusted;
    c.approver = approver.clone();

    let text = run_ok(&c, "ls").await;
    assert!(text.ends_with("Output:\nx\n"), "{text}");
    assert!(approver.asked().is_empty());

    let err = run(&c, json!({"command": "rm x"})).await.unwrap_err();
    assert!(
        matches!(&err, ToolError::Denied(m) if m.contains("the user declined `rm x`")),
        "{err}"
    );
    assert!(ws.path().join("x").exists());
    let asked = approver.asked();
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].tool, "shell");
    assert_eq!(asked[0].summary, "rm x");
    // `rm` is asked about every time: no "always" is offered for it.
    assert_eq!(asked[0].always_key, None);
}

#[tokio::test]
async fn never_refuses_escalation_without_asking() {
    let ws = tempfile::tempdir().unwrap();
    let approver = Recorder::new(ApprovalDecision::Approved);
    let mut c = ctx(ws.path(), SandboxMode::WorkspaceWrite);
    c.approval_policy = ApprovalPolicy::Never;
    c.approver = approver.clone();
    let err = run(&c, json!({"command": "echo hi", "escalate": true}))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ToolError::Denied(m) if m.contains("`never`")),
        "{err}"
    );
    // Sandboxed commands run without asking.
    run_ok(&c, "rm -f nothing").await;
    assert!(approver.asked().is_empty());
}

#[tokio::test]
async fn on_request_asks_for_escalation_and_runs_unconfined() {
    let ws = tempfile::tempdir().unwrap();
    let outside = outside_dir();
    let approver = Recorder::new(ApprovalDecision::Approved);
    let mut c = ctx(ws.path(), SandboxMode::WorkspaceWrite);
    c.approver = approver.clone();
    let target = outside.path().join("escalated");
    let cmd = format!("echo out > {}", target.display());

    // Without escalation: no question, and the sandbox holds.
    let text = run_ok(&c, &cmd).await;
    assert!(text.contains("Permission denied"), "{text}");
    assert!(approver.asked().is_empty());

    let out = run(
        &c,
        json!({"command": cmd, "escalate": true, "justification": "write the report"}),
    )
    .await
    .unwrap();
    assert!(out.text.starts_with("Exit code: 0\n"), "{}", out.text);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "out\n");
    let asked = approver.asked();
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].summary, cmd);
    assert_eq!(asked[0].reason.as_deref(), Some("write the report"));
}

#[tokio::test]
async fn non_interactive_denial_tells_the_model_why() {
    let ws = tempfile::tempdir().unwrap();
    let c = ctx(ws.path(), SandboxMode::WorkspaceWrite);
    let err = run(&c, json!({"command": "curl example.com", "escalate": true}))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ToolError::Denied(m) if m.contains(NON_INTERACTIVE_DENIAL)),
        "{err}"
    );
}
