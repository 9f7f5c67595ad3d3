//! A patch changes only the bytes of the lines it changes, and `/undo`
//! puts the file back byte for byte: a file mixing LF and CRLF line ends,
//! one starting with a byte order mark (with LF or CRLF), an added empty
//! file.

use serde_json::json;

use super::line_session::line_mode;
use crate::support::model_server::Reply;
use crate::support::quire::TestEnv;

const MIXED: &str = "l1\nl2\r\nl3\nl4\n";

/// The model's patch of mixed.txt: `l4` → `L4`, and a line added after
/// the CRLF line.
fn patch_mixed() -> Reply {
    Reply::tool_call(
        "p",
        "apply_patch",
        json!({"patch": "*** Begin Patch\n*** Update File: mixed.txt\n@@\n l2\n+new\n l3\n-l4\n+L4\n*** End Patch\n"}),
    )
}

#[test]
fn a_patch_keeps_each_line_s_own_end_and_undo_restores_a_mixed_file() {
    let env = TestEnv::new("chat");
    env.write("mixed.txt", MIXED);
    env.commit_all();
    env.server.push_all([patch_mixed(), Reply::text("edited")]);
    let r = line_mode(&env, "edit it\n");
    // l1 and l3 keep LF; the added line ends as the CRLF line above it,
    // L4 as the line it replaced.
    assert_eq!(
        env.read("mixed.txt"),
        "l1\nl2\r\nnew\r\nl3\nL4\n",
        "{}",
        r.stderr
    );
    // git sees the two lines the patch changed, no other.
    let stat = env.git(&["diff", "--numstat"]);
    assert_eq!(stat.trim(), "2\t1\tmixed.txt", "{}", r.stderr);

    env.write("mixed.txt", MIXED);
    env.server.push_all([patch_mixed(), Reply::text("edited")]);
    let r = line_mode(&env, "edit it\n/undo\n");
    assert!(r.stderr.contains("undone: mixed.txt"), "{}", r.stderr);
    assert_eq!(env.read("mixed.txt"), MIXED, "{}", r.stderr);
}

#[test]
fn undo_reverts_patches_of_files_starting_with_a_byte_order_mark() {
    let env = TestEnv::new("chat");
    let (lf, crlf) = ("\u{feff}bom1\nbom2\n", "\u{feff}x1\r\nx2\r\nx3\r\n");
    env.write("bom.txt", lf);
    env.write("bom_crlf.txt", crlf);
    env.commit_all();
    env.server.push_all([
        Reply::tool_call(
            "p",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Update File: bom.txt\n@@\n-bom1\n+BOM1\n bom2\n*** Update File: bom_crlf.txt\n@@\n x1\n-x2\n+X2\n*** End Patch\n"}),
        ),
        Reply::text("edited"),
    ]);
    let r = line_mode(&env, "edit them\n");
    assert_eq!(env.read("bom.txt"), "\u{feff}BOM1\nbom2\n", "{}", r.stderr);
    assert_eq!(env.read("bom_crlf.txt"), "\u{feff}x1\r\nX2\r\nx3\r\n");
    // The first line's mark is still there: only the changed lines differ.
    let stat = env.git(&["diff", "--numstat"]);
    assert_eq!(stat, "1\t1\tbom.txt\n1\t1\tbom_crlf.txt\n", "{}", r.stderr);

    env.write("bom.txt", lf);
    env.write("bom_crlf.txt", crlf);
    env.server.push_all([
        Reply::tool_call(
            "p",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Update File: bom.txt\n@@\n-bom1\n+BOM1\n bom2\n*** Update File: bom_crlf.txt\n@@\n-x1\n+X1\n x2\n*** End Patch\n"}),
        ),
        Reply::text("edited"),
    ]);
    let r = line_mode(&env, "edit them\n/undo\n");
    let err = &r.stderr;
    assert!(err.contains("undone: bom_crlf.txt, bom.txt"), "{err}");
    assert!(!err.contains("cannot undo"), "{err}");
    assert_eq!(env.read("bom.txt"), lf, "{err}");
    assert_eq!(env.read("bom_crlf.txt"), crlf, "{err}");
}

#[test]
fn undo_removes_an_added_empty_file_while_it_is_still_empty() {
    let env = TestEnv::new("chat");
    let add = || {
        Reply::tool_call(
            "p",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Add File: e.txt\n*** End Patch\n"}),
        )
    };
    env.server.push_all([add(), Reply::text("added")]);
    let r = line_mode(&env, "add it\n/undo\n");
    assert!(r.stderr.contains("undone: e.txt"), "{}", r.stderr);
    assert!(!r.stderr.contains("cannot undo"), "{}", r.stderr);
    assert!(!env.repo_path().join("e.txt").exists(), "{}", r.stderr);

    // Written to since: not removed, and said so.
    env.server.push_all([
        add(),
        Reply::tool_call("s", "shell", json!({"command": "echo mine > e.txt"})),
        Reply::text("added"),
    ]);
    let r = line_mode(&env, "add it\n/undo\n");
    assert!(
        r.stderr
            .contains("cannot undo e.txt: it changed since the patch"),
        "{}",
        r.stderr
    );
    assert_eq!(env.read("e.txt"), "mine\n");
}

/// A text edit changed since its patch: /undo says so (and only then).
#[test]
fn undo_says_a_file_changed_only_when_it_did() {
    let env = TestEnv::new("chat");
    env.write("a.txt", "one\ntwo\n");
    env.commit_all();
    env.server.push_all([
        Reply::tool_call(
            "p",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Update File: a.txt\n@@\n one\n-two\n+TWO\n*** End Patch\n"}),
        ),
        Reply::tool_call(
            "s",
            "shell",
            json!({"command": "printf 'one\\nthree\\n' > a.txt"}),
        ),
        Reply::text("edited"),
    ]);
    let r = line_mode(&env, "edit it\n/undo\n");
    assert!(
        r.stderr.contains(
            "cannot undo a.txt: it changed since the patch, which no longer reverses cleanly ("
        ),
        "{}",
        r.stderr
    );
    assert_eq!(env.read("a.txt"), "one\nthree\n");
}

/// One patch updates f.txt, then updates and moves it (two entries for
/// f.txt): /undo puts it back byte for byte, without a `kept in` note
/// for quire's own later patch.
#[test]
fn undo_of_an_update_then_a_move_of_one_file_keeps_nothing() {
    let env = TestEnv::new("chat");
    let lines = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
    env.write("f.txt", lines);
    env.commit_all();
    env.server.push_all([
        Reply::tool_call(
            "p",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Update File: f.txt\n@@\n 2\n-3\n+THREE\n 4\n*** End Patch\n"}),
        ),
        Reply::text("t1"),
        Reply::tool_call(
            "q",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Update File: f.txt\n@@\n 2\n-THREE\n+3again\n 4\n*** Update File: f.txt\n*** Move to: g.txt\n@@\n 7\n-8\n+EIGHT\n 9\n*** End Patch\n"}),
        ),
        Reply::text("t2"),
    ]);
    let r = line_mode(&env, "one\ntwo\n/undo\n");
    let err = &r.stderr;
    assert!(err.contains("undone: "), "{err}");
    assert!(!err.contains("cannot undo"), "{err}");
    assert!(!err.contains("kept in"), "{err}");
    assert_eq!(
        env.read("f.txt"),
        lines.replace("3\n4", "THREE\n4"),
        "{err}"
    );
    assert!(!env.repo_path().join("g.txt").exists(), "{err}");
}
