//! `/approvals` presets in the line mode: the sandbox changes for the
//! next tool call (a command's write is refused read-only, done under
//! Auto, refused again after Read Only), Full Access asks for `--yes`,
//! and the session file records each change (`quire sessions show`, the
//! resumed session's note).

use serde_json::json;

use super::line_session::line_mode_args;
use crate::support::model_server::{Reply, Step};
use crate::support::quire::TestEnv;

fn write(id: &str, file: &str) -> Reply {
    Reply::tool_call(id, "shell", json!({"command": format!("echo x > {file}")}))
}

#[test]
fn presets_change_the_sandbox_of_the_next_command() {
    let env = TestEnv::new("chat");
    let patch = "*** Begin Patch\n*** Add File: patched.txt\n+x\n*** End Patch\n";
    env.server.push_all([
        write("c1", "one.txt"),
        Reply::tool_calls(vec![Step::tool_call(
            "c2",
            "shell",
            json!({"command": "echo x > escalated.txt", "escalate": true, "justification": "need it"}),
        )]),
        Reply::text("could not"),
        write("c3", "two.txt"),
        Reply::tool_call("c4", "apply_patch", json!({"patch": patch})),
        Reply::text("wrote"),
        write("c5", "three.txt"),
        Reply::text("could not again"),
    ]);
    let r = line_mode_args(
        &env,
        &["-s", "read-only", "-a", "never"],
        "/approvals\nwrite one\n/approvals auto\nwrite two\n/approvals read-only\nwrite three\n/approvals full-access\n/approvals\n/permissions bogus\n",
        &[],
    );
    let err = &r.stderr;
    let root = env.repo_path();
    assert!(!root.join("one.txt").exists(), "written read-only: {err}");
    assert!(
        !root.join("escalated.txt").exists(),
        "escalated under never"
    );
    assert!(
        root.join("two.txt").exists(),
        "not written under Auto: {err}"
    );
    assert!(root.join("patched.txt").exists(), "not patched under Auto");
    assert!(!root.join("three.txt").exists(), "written after Read Only");

    // The panel: the settings now and the presets with what they allow.
    assert!(err.contains("sandbox read-only · approval never"), "{err}");
    assert!(
        err.contains("/approvals auto") && err.contains("Auto (workspace-write · on-request)"),
        "{err}"
    );
    assert!(
        err.contains("Auto: sandbox workspace-write · approval on-request"),
        "{err}"
    );
    assert!(
        err.contains("Read Only: sandbox read-only · approval on-request"),
        "{err}"
    );
    // Full Access without --yes changes nothing and says how.
    assert!(
        err.contains("Nothing was changed; to allow it, type /approvals full-access --yes"),
        "{err}"
    );
    assert!(
        err.contains("* /approvals read-only"),
        "still Read Only: {err}"
    );
    assert!(err.contains("unknown setting \"bogus\""), "{err}");

    // What the model was told: the approval policy that refused the
    // escalation, then the new sandbox after the next message.
    let reqs = env.server.requests();
    assert!(
        reqs[2].raw_body.contains("the approval policy is `never`"),
        "{}",
        reqs[2].raw_body
    );
    let note = "The session's settings changed";
    assert!(!reqs[2].raw_body.contains(note));
    assert!(
        reqs[3].raw_body.contains(note) && reqs[3].raw_body.contains("sandbox: workspace-write"),
        "{}",
        reqs[3].raw_body
    );
    let last = &reqs[6].raw_body;
    assert!(last.matches(note).count() == 2, "{last}");

    // The session file records each change; `sessions show` names them.
    let shown = env.run(&["sessions", "show", "last"]);
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    let out = &shown.stdout;
    assert!(
        out.contains("began with sandbox read-only · approval never"),
        "{out}"
    );
    assert!(
        out.contains("── /approvals: sandbox workspace-write · approval on-request ──")
            && out.contains("── /approvals: sandbox read-only · approval on-request ──"),
        "{out}"
    );
    // Resumed with this run's settings: the note compares them with
    // those the session was left with, not those it began with.
    env.server.push(Reply::text("resumed"));
    let run = env.exec_json(
        "resumed",
        &["--resume", "last", "-s", "read-only", "-a", "untrusted"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let said = run.stderr.clone() + &run.stdout;
    assert!(
        said.contains(
            "this session was left with approval on-request; this run uses approval untrusted"
        ),
        "{said}"
    );
}

#[test]
fn full_access_with_yes_warns_and_drops_the_sandbox() {
    let env = TestEnv::new("chat");
    let outside = tempfile::tempdir().expect("temp");
    let target = outside.path().join("outside.txt");
    env.server.push_all([
        Reply::tool_call(
            "c1",
            "shell",
            json!({"command": format!("echo x > '{}'", target.display())}),
        ),
        Reply::text("wrote"),
    ]);
    let r = line_mode_args(
        &env,
        &["-s", "read-only"],
        "/approvals full-access --yes\nwrite outside\n/status\n",
        &[],
    );
    let err = &r.stderr;
    assert!(
        err.contains("Full Access: sandbox danger-full-access · approval never"),
        "{err}"
    );
    assert!(
        err.contains("warning: Full Access: no sandbox, no approval questions"),
        "{err}"
    );
    assert!(target.exists(), "not written without a sandbox: {err}");
    assert!(
        err.contains("policy   sandbox danger-full-access · approval never"),
        "/status: {err}"
    );
}

#[test]
fn the_sandbox_names_choose_their_presets() {
    let env = TestEnv::new("chat");
    let r = line_mode_args(
        &env,
        &["-s", "read-only"],
        "/approvals workspace-write\n/approvals danger-full-access\n/status\n",
        &[],
    );
    let err = &r.stderr;
    assert!(
        err.contains("Auto: sandbox workspace-write · approval on-request"),
        "{err}"
    );
    assert!(
        err.contains("Nothing was changed; to allow it, type /approvals full-access --yes"),
        "{err}"
    );
    assert!(
        err.contains("policy   sandbox workspace-write · approval on-request"),
        "/status: {err}"
    );
}

/// After `/approvals read-only`, a refused patch and a refused command
/// tell the model both ways the user has to allow writes: `/approvals
/// auto` in the session, `--sandbox workspace-write` at start.
#[test]
fn a_refusal_under_read_only_names_approvals_auto() {
    let env = TestEnv::new("chat");
    let patch = "*** Begin Patch\n*** Add File: patched.txt\n+x\n*** End Patch\n";
    env.server.push_all([
        Reply::tool_call("c1", "apply_patch", json!({"patch": patch})),
        Reply::text("could not patch"),
        Reply::tool_calls(vec![Step::tool_call(
            "c2",
            "shell",
            json!({"command": "echo x > escalated.txt", "escalate": true, "justification": "need it"}),
        )]),
        Reply::text("could not write"),
    ]);
    let r = line_mode_args(
        &env,
        &[],
        "/approvals read-only\npatch it\n/approvals never\nwrite it\n",
        &[],
    );
    let root = env.repo_path();
    assert!(!root.join("patched.txt").exists(), "{}", r.stderr);
    assert!(!root.join("escalated.txt").exists(), "{}", r.stderr);
    let reqs = env.server.requests();
    for (at, what) in [
        (1, "apply_patch cannot change files"),
        (3, "the approval policy is `never`"),
    ] {
        let body = &reqs[at].raw_body;
        assert!(body.contains(what), "{body}");
        assert!(
            body.contains("/approvals read-only in the session")
                || body.contains("let commands write the workspace"),
            "{body}"
        );
        assert!(
            body.contains("/approvals auto in the session")
                && body.contains("--sandbox workspace-write when starting quire"),
            "{body}"
        );
    }
    assert!(
        !reqs[1].raw_body.contains("restart quire"),
        "{}",
        reqs[1].raw_body
    );
}
