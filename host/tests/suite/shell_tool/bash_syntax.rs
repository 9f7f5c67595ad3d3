//! The approval reads a command line as bash runs it: `$'…'`, a line
//! continuation or a comment cannot hide a second command from the
//! read-only check of `untrusted`, nor behind an "always" given for the
//! first.

use quire::tools::approval::RememberingApprover;

use super::*;

/// Lines whose second command, `touch made`, a reader that misses bash's
/// quoting takes for part of the first.
const HIDING: &[&str] = &[
    "ls $'\\'' \ntouch made #'",
    "ls $'\\'' ; touch made #'",
    "ls # \\\ntouch made",
    "ls $\"x\"\\\n;touch made",
];

#[tokio::test]
async fn untrusted_asks_before_a_line_that_runs_more_than_it_seems() {
    let ws = tempfile::tempdir().unwrap();
    let approver = Recorder::new(ApprovalDecision::Denied);
    let mut c = ctx(ws.path(), SandboxMode::WorkspaceWrite);
    c.approval_policy = ApprovalPolicy::Untrusted;
    c.approver = approver.clone();
    for cmd in HIDING {
        let err = run(&c, json!({ "command": cmd })).await.unwrap_err();
        assert!(matches!(err, ToolError::Denied(_)), "{cmd:?}: {err}");
        assert!(!ws.path().join("made").exists(), "{cmd:?} ran unasked");
    }
    assert_eq!(approver.asked().len(), HIDING.len());
}

/// "Always" to the first request, no to the rest.
struct AlwaysOnce {
    asked: Mutex<Vec<String>>,
}

#[async_trait::async_trait]
impl Approver for AlwaysOnce {
    async fn ask(&self, request: ApprovalRequest) -> ApprovalDecision {
        let mut asked = self.asked.lock().unwrap();
        asked.push(request.summary);
        if asked.len() == 1 {
            ApprovalDecision::ApprovedAlways
        } else {
            ApprovalDecision::Denied
        }
    }
}

#[tokio::test]
async fn an_always_does_not_cover_a_second_command_hidden_in_quotes() {
    let ws = tempfile::tempdir().unwrap();
    let user = Arc::new(RememberingApprover::new(AlwaysOnce {
        asked: Mutex::new(Vec::new()),
    }));
    let mut c = ctx(ws.path(), SandboxMode::WorkspaceWrite);
    c.approval_policy = ApprovalPolicy::Untrusted;
    c.approver = user.clone();
    run_ok(&c, "touch a").await;
    // The same program and first argument: covered.
    run_ok(&c, "touch a b").await;
    assert!(ws.path().join("b").exists());
    for cmd in ["touch a $'\\'' \ntouch made #'", "touch a # \\\ntouch made"] {
        let err = run(&c, json!({ "command": cmd })).await.unwrap_err();
        assert!(matches!(err, ToolError::Denied(_)), "{cmd:?}: {err}");
        assert!(!ws.path().join("made").exists(), "{cmd:?} ran unasked");
    }
}
