//! The system prompt stays as the session began when its approval policy
//! or sandbox changes (`/approvals`, a resumed session run with other
//! `-a` / `-s`): the cached prefix holds, and the change is said in a note
//! after the next message.

use super::support::model_server::Reply;
use super::support::quire::TestEnv;

fn system_prompt(body: &serde_json::Value) -> String {
    body["messages"][0]["content"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// The text of the last user message of a Chat request.
fn last_user(body: &serde_json::Value) -> String {
    body["messages"]
        .as_array()
        .and_then(|m| m.iter().rev().find(|m| m["role"] == "user"))
        .map(|m| m["content"].to_string())
        .unwrap_or_default()
}

#[test]
fn approvals_and_resume_flags_leave_the_system_prompt_and_add_a_note() {
    let env = TestEnv::with_config("chat", "approval = \"never\"");
    env.server.push_all([
        Reply::text("one"),
        Reply::text("two"),
        Reply::text("three"),
        Reply::text("four"),
        Reply::text("five"),
    ]);
    let r = env.run_with_input(&[], "hello\n/approvals untrusted\nnext\nand more\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let run = env.exec_json(
        "resumed",
        &["--resume", "last", "-a", "on-request", "-s", "read-only"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = env.exec_json("resumed again", &["--resume", "last"]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let bodies = env.server.model_bodies();
    assert_eq!(bodies.len(), 5);
    let first = system_prompt(&bodies[0]);
    assert!(first.contains("approval: never\n</environment>"), "{first}");
    for (i, b) in bodies.iter().enumerate() {
        assert_eq!(
            system_prompt(b),
            first,
            "request {i}: the system prompt as it began"
        );
    }
    let header = "The session's settings changed";
    assert!(!last_user(&bodies[0]).contains(header));
    let after = last_user(&bodies[1]);
    assert!(
        after.contains(header) && after.contains("approval: untrusted"),
        "{after}"
    );
    // Said once: the next message gets no note.
    assert!(
        !last_user(&bodies[2]).contains(header),
        "{}",
        last_user(&bodies[2])
    );
    let resumed = last_user(&bodies[3]);
    assert!(
        resumed.contains("sandbox: read-only") && resumed.contains("approval: on-request"),
        "{resumed}"
    );
    // Resumed again with the config's settings: said again (the last note
    // no longer holds).
    let again = last_user(&bodies[4]);
    assert!(
        again.contains("sandbox: workspace-write") && again.contains("approval: never"),
        "{again}"
    );
}

/// `/approvals auto` in a session begun read-only: the next request
/// extends the first (the same tools and system prompt, its items first)
/// and tells the new sandbox in a developer message after the message.
#[test]
fn an_approvals_preset_keeps_the_prefix_and_is_told_after_it() {
    let env = TestEnv::new("responses");
    env.server
        .push_all([Reply::text("one"), Reply::text("two")]);
    let r = env.run_with_input(
        &["-s", "read-only", "-a", "never"],
        "hello\n/approvals auto\nnext\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let bodies = env.server.model_bodies();
    assert_eq!(bodies.len(), 2);
    let (tools0, system0, items0) = super::cache::parts("responses", &bodies[0]);
    let (tools1, system1, items1) = super::cache::parts("responses", &bodies[1]);
    assert_eq!(tools0, tools1, "the same tools");
    assert_eq!(system0, system1, "the same system prompt");
    let system = system0.as_str().unwrap_or_default();
    assert!(system.contains("sandbox: read-only"), "{system}");
    assert_eq!(
        items1[..items0.len()],
        items0[..],
        "the first request's items first"
    );
    let added = serde_json::to_string(&items1[items0.len()..]).unwrap_or_default();
    let next = added.find("next").unwrap_or(usize::MAX);
    let note = added
        .find("The session's settings changed")
        .unwrap_or_else(|| panic!("no note: {added}"));
    assert!(next < note, "the note after the message: {added}");
    assert!(
        added.contains("sandbox: workspace-write") && added.contains("approval: on-request"),
        "{added}"
    );
    assert!(added.contains("\"developer\""), "{added}");
}
