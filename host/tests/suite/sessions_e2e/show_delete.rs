//! `quire sessions show` prints a session's conversation (messages,
//! answers, tool calls with the start of their output, compactions);
//! `quire sessions delete` removes a session's file, never one a running
//! quire holds, and refuses `last`.
use super::support;

use serde_json::json;
use support::model_server::Reply;
use support::quire::TestEnv;

fn session_id(env: &TestEnv) -> String {
    let run = env.run(&["sessions", "list", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let line = run.stdout.lines().next().expect("one session listed");
    let v: serde_json::Value = serde_json::from_str(line).expect("json line");
    v["id"].as_str().expect("id").to_string()
}

#[test]
fn show_prints_the_conversation_in_order() {
    let env = TestEnv::new("responses");
    env.server.push_all([
        Reply::tool_call(
            "c1",
            "shell",
            json!({"command": "printf 'one\\ntwo\\nthree\\nfour\\nfive\\n'"}),
        ),
        Reply::text("It printed five lines."),
        Reply::text("Nothing else to do."),
    ]);
    assert_eq!(env.exec_json("count to five", &[]).code, 0);
    let again = env.exec_json("anything else?", &["--resume", "last"]);
    assert_eq!(again.code, 0, "{}", again.stderr);

    let shown = env.run(&["sessions", "show", "last"]);
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    let out = &shown.stdout;
    let id = session_id(&env);
    assert!(out.starts_with(&format!("session {id} · ")), "{out}");
    let order = [
        "> count to five",
        "• shell: printf",
        "  │ exit 0 · ",
        "  │ one",
        "  │ three",
        "  … 2 more lines",
        "It printed five lines.",
        "> anything else?",
        "Nothing else to do.",
    ];
    let mut at = 0;
    for want in order {
        let found = out[at..]
            .find(want)
            .unwrap_or_else(|| panic!("{want:?} missing after byte {at}:\n{out}"));
        at += found + want.len();
    }
    assert!(
        !out.contains("│ four"),
        "only the first lines of an output: {out}"
    );

    let by_end = env.run(&["sessions", "show", &id[id.len() - 8..]]);
    assert_eq!(by_end.stdout, shown.stdout, "{}", by_end.stderr);
    let missing = env.run(&["sessions", "show", "ffffffff"]);
    assert_eq!(missing.code, 2, "{missing:?}");
    assert!(
        missing.stderr.contains("no session matches 'ffffffff'"),
        "{}",
        missing.stderr
    );
}

#[test]
fn delete_removes_the_file_but_not_one_in_use_nor_last() {
    let env = TestEnv::new("responses");
    env.server.push(Reply::text("hi"));
    assert_eq!(env.exec_json("hello", &[]).code, 0);
    let id = session_id(&env);
    let files = env.session_files();
    assert_eq!(files.len(), 1);

    let last = env.run(&["sessions", "delete", "last"]);
    assert_eq!(last.code, 2, "{last:?}");
    assert!(files[0].exists());

    // A running quire holds its session file locked.
    let held = std::fs::File::open(&files[0]).expect("open the session file");
    held.lock().expect("lock it as a running quire does");
    let busy = env.run(&["sessions", "delete", &id]);
    assert_eq!(busy.code, 1, "{busy:?}");
    assert!(
        busy.stderr.contains("is in use by quire (pid"),
        "{}",
        busy.stderr
    );
    assert!(files[0].exists(), "a session in use was deleted");
    drop(held);

    let done = env.run(&["sessions", "delete", &id[id.len() - 8..]]);
    assert_eq!(done.code, 0, "{done:?}");
    assert_eq!(done.stdout.trim(), format!("deleted session {id}"));
    assert!(!files[0].exists());
    let list = env.run(&["sessions", "list"]);
    assert!(!list.stdout.contains(&id), "{}", list.stdout);
}

/// What users and models wrote reaches a pipe without the escape
/// sequences that would act on a terminal (`| less -R`, `| head`): a
/// clipboard write (OSC 52), a title, a screen clear. An attached image is
/// named, not printed.
#[test]
fn show_cleans_what_it_prints_and_names_images() {
    let env = TestEnv::new("chat");
    env.server
        .push(Reply::text("done\u{1b}[2J\u{1b}]0;OWNED\u{7} here"));
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend([0u8; 64]);
    std::fs::write(env.repo.path().join("shot.png"), &png).expect("write png");
    let run = env.exec_json(
        "look \u{1b}]52;c;cm0gLXJmIH4=\u{7}at this",
        &["-i", "shot.png"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let shown = env.run(&["sessions", "show", "last"]);
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    assert!(!shown.stdout.contains('\u{1b}'), "{:?}", shown.stdout);
    assert!(!shown.stdout.contains('\u{7}'), "{:?}", shown.stdout);
    assert!(shown.stdout.contains("> look"), "{}", shown.stdout);
    assert!(shown.stdout.contains("done"), "{}", shown.stdout);
    assert!(
        shown
            .stdout
            .contains("[image: shot.png, image/png, 72 bytes]"),
        "{}",
        shown.stdout
    );
}

/// A call denied by a permission rule is shown as denied (⊘), as it was
/// live, not as failed (✗): the session file keeps how the call ended.
#[test]
fn show_marks_a_denied_call_as_the_live_view_did() {
    let env = TestEnv::new("responses");
    env.write(".env", "SECRET=1\n");
    env.write(
        ".claude/settings.json",
        &json!({"permissions": {"deny": ["Read(./.env)"]}}).to_string(),
    );
    env.server.push_all([
        Reply::tool_call("r", "read_file", json!({"path": ".env"})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("read it", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.of_type("tool_completed")[0]["status"], "denied");
    let kept = env
        .session_records()
        .into_iter()
        .find(|r| r["item"]["type"] == "tool_result")
        .expect("a result");
    assert_eq!(kept["status"], "denied", "{kept}");

    let shown = env.run(&["sessions", "show", "last"]);
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    assert!(
        shown
            .stdout
            .contains("  ⊘ read_file was denied by the permission rule"),
        "{}",
        shown.stdout
    );
    assert!(!shown.stdout.contains('✗'), "{}", shown.stdout);
}
