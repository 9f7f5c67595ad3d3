//! Editing: what patches do to files, and the errors of bad patches.

use serde_json::json;

use super::*;

#[test]
fn spec_teaches_the_format() {
    let tool = ApplyPatchTool::new();
    let spec = tool.spec();
    assert_eq!(spec.name, "apply_patch");
    assert!(!spec.read_only);
    assert_eq!(spec.parameters["required"], json!(["patch"]));
    assert_eq!(spec.parameters["additionalProperties"], json!(false));
    for marker in [
        "*** Begin Patch",
        "*** Add File:",
        "*** Update File:",
        "*** Delete File:",
        "*** Move to:",
        "*** End of File",
        "@@",
        "*** End Patch",
    ] {
        assert!(spec.description.contains(marker), "missing {marker}");
    }
}

#[tokio::test]
async fn add_update_delete_and_move() {
    let ws = Ws::new();
    ws.write("src/lib.rs", "fn a() {}\nfn b() {}\n");
    ws.write("old.txt", "bye\n");
    ws.write("mv/from.rs", "x\ny\n");
    let text = ok(
        &ws,
        "*** Begin Patch\n\
         *** Add File: docs/new/readme.md\n\
         +# Title\n\
         +body\n\
         *** Update File: src/lib.rs\n\
         @@\n \
         fn a() {}\n\
         -fn b() {}\n\
         +fn b() { a() }\n\
         *** Delete File: old.txt\n\
         *** Update File: mv/from.rs\n\
         *** Move to: mv/deeper/to.rs\n\
         @@\n \
         x\n\
         -y\n\
         +z\n\
         *** End Patch\n",
    )
    .await;
    assert_eq!(
        text,
        "Success. Updated the following files:\n\
         A docs/new/readme.md\n\
         M src/lib.rs\n\
         D old.txt\n\
         M mv/deeper/to.rs (moved from mv/from.rs)"
    );
    assert_eq!(ws.read("docs/new/readme.md"), "# Title\nbody\n");
    assert_eq!(ws.read("src/lib.rs"), "fn a() {}\nfn b() { a() }\n");
    assert!(!ws.exists("old.txt"));
    assert!(!ws.exists("mv/from.rs"));
    assert_eq!(ws.read("mv/deeper/to.rs"), "x\nz\n");
    // No temp files are left behind.
    assert!(
        snapshot(&ws.root)
            .iter()
            .all(|(p, _)| !p.to_string_lossy().contains("quire-patch"))
    );
}

#[tokio::test]
async fn multiple_hunks_header_and_end_of_file() {
    let ws = Ws::new();
    ws.write(
        "m.py",
        "def a():\n    return 1\n\ndef b():\n    return 1\n\nx = 1\n",
    );
    ok(
        &ws,
        "*** Begin Patch\n*** Update File: m.py\n\
         @@ def b():\n-    return 1\n+    return 2\n\
         @@\n-x = 1\n+x = 3\n*** End of File\n*** End Patch",
    )
    .await;
    assert_eq!(
        ws.read("m.py"),
        "def a():\n    return 1\n\ndef b():\n    return 2\n\nx = 3\n"
    );
}

#[tokio::test]
async fn whitespace_lenient_match_keeps_the_files_context() {
    let ws = Ws::new();
    ws.write("w.txt", "\tkeep   \n\told\n");
    ok(
        &ws,
        "*** Begin Patch\n*** Update File: w.txt\n@@\n keep\n-old\n+\tnew\n*** End Patch",
    )
    .await;
    assert_eq!(ws.read("w.txt"), "\tkeep   \n\tnew\n");
}

#[tokio::test]
async fn heredoc_wrapped_patch_applies() {
    let ws = Ws::new();
    ok(
        &ws,
        "apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: h.txt\n+hi\n*** End Patch\nEOF\n",
    )
    .await;
    assert_eq!(ws.read("h.txt"), "hi\n");
}

#[tokio::test]
async fn a_bad_hunk_changes_nothing_and_quotes_the_expected_line() {
    let ws = Ws::new();
    ws.write("a.txt", "one\ntwo\n");
    ws.write("b.txt", "alpha\nbeta\ngamma\n");
    ws.write("gone.txt", "x\n");
    let before = snapshot(&ws.root);
    let err = fail(
        &ws,
        "*** Begin Patch\n\
         *** Update File: a.txt\n@@\n-one\n+ONE\n\
         *** Add File: c.txt\n+new\n\
         *** Delete File: gone.txt\n\
         *** Update File: b.txt\n@@\n alpha\n-BETA\n+beta2\n\
         *** End Patch",
    )
    .await;
    assert!(err.contains("hunk 1 of b.txt does not match"), "{err}");
    assert!(err.contains("    BETA"), "{err}");
    assert!(err.contains(" alpha\n-BETA\n+beta2"), "{err}");
    assert!(err.contains("Nothing was changed"), "{err}");
    assert_eq!(snapshot(&ws.root), before);
}

#[tokio::test]
async fn missing_and_existing_files_are_clear_errors() {
    let ws = Ws::new();
    ws.write("here.txt", "x\n");
    let err = fail(
        &ws,
        "*** Begin Patch\n*** Update File: nope.txt\n@@\n-x\n+y\n*** End Patch",
    )
    .await;
    assert!(
        err.contains("cannot update nope.txt: the file does not exist"),
        "{err}"
    );
    let err = fail(
        &ws,
        "*** Begin Patch\n*** Delete File: nope.txt\n*** End Patch",
    )
    .await;
    assert!(
        err.contains("cannot delete nope.txt: the file does not exist"),
        "{err}"
    );
    let err = fail(
        &ws,
        "*** Begin Patch\n*** Add File: here.txt\n+y\n*** End Patch",
    )
    .await;
    assert!(
        err.contains("cannot add here.txt: the file already exists"),
        "{err}"
    );
    assert_eq!(ws.read("here.txt"), "x\n");
}

#[tokio::test]
async fn malformed_patches_are_explained() {
    let ws = Ws::new();
    let err = fail(&ws, "").await;
    assert!(err.contains("the patch is empty"), "{err}");
    let err = fail(&ws, "*** Add File: a\n+x\n*** End Patch").await;
    assert!(
        err.contains("must start with the line '*** Begin Patch'"),
        "{err}"
    );
    let err = fail(&ws, "*** Begin Patch\n*** Add File: a\n+x\n").await;
    assert!(
        err.contains("must end with the line '*** End Patch'"),
        "{err}"
    );
    let err = fail(&ws, "*** Begin Patch\n*** Copy File: a\n*** End Patch").await;
    assert!(err.contains("line 2"), "{err}");
    assert!(err.contains("*** Copy File: a"), "{err}");
    assert!(!ws.exists("a"));
}

#[tokio::test]
async fn sections_for_the_same_file_apply_in_order() {
    let ws = Ws::new();
    ws.write("f.txt", "a\nb\n");
    ws.write("g.txt", "old\n");
    ok(
        &ws,
        "*** Begin Patch\n\
         *** Update File: f.txt\n@@\n-a\n+A\n\
         *** Update File: ./f.txt\n@@\n A\n-b\n+B\n\
         *** Delete File: g.txt\n\
         *** Add File: g.txt\n+new\n\
         *** End Patch",
    )
    .await;
    assert_eq!(ws.read("f.txt"), "A\nB\n");
    assert_eq!(ws.read("g.txt"), "new\n");
}
