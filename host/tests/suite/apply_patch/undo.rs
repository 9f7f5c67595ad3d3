//! What `/undo` restores byte for byte: deleted, moved, linked and large
//! files, through the record apply_patch keeps (`files[].undo`).

use quire::tools::apply_patch::{UndoError, undo};
use serde_json::Value;

use super::*;

/// Applies `patch`; the `undo` ids of its files, in order.
async fn apply(ws: &Ws, patch: &str) -> (Vec<Value>, Vec<Option<u64>>) {
    let out = run(&ws.ctx(SandboxMode::WorkspaceWrite), patch)
        .await
        .unwrap();
    let files = out.structured.unwrap()["files"].as_array().unwrap().clone();
    let ids = files.iter().map(|f| f["undo"].as_u64()).collect();
    (files, ids)
}

#[tokio::test]
async fn a_deleted_binary_or_latin1_file_comes_back_byte_for_byte() {
    let ws = Ws::new();
    let latin1 = b"caf\xe9 latin1\n".to_vec();
    let blob: Vec<u8> = (0..2048u32).map(|i| (i * 7 % 256) as u8).collect();
    fs::write(ws.root.join("latin1.txt"), &latin1).unwrap();
    fs::write(ws.root.join("blob.bin"), &blob).unwrap();
    let (files, ids) = apply(
        &ws,
        "*** Begin Patch\n*** Delete File: latin1.txt\n*** Delete File: blob.bin\n*** End Patch",
    )
    .await;
    assert!(!ws.exists("latin1.txt") && !ws.exists("blob.bin"));
    // Shown in words, not as garbage lines.
    assert!(
        files[1]["diff"]
            .as_str()
            .unwrap()
            .contains("binary file deleted, 2048 bytes"),
        "{files:?}"
    );
    for id in ids {
        undo(id.expect("an undo record")).unwrap();
    }
    assert_eq!(fs::read(ws.root.join("latin1.txt")).unwrap(), latin1);
    assert_eq!(fs::read(ws.root.join("blob.bin")).unwrap(), blob);
}

#[tokio::test]
async fn a_move_and_a_large_delete_are_undone() {
    let ws = Ws::new();
    ws.write("calc.py", "def add(a, b):\n    return a - b\n");
    let big: String = (0..20_000).map(|i| format!("line {i}\n")).collect();
    ws.write("big.txt", &big);
    let (_, ids) = apply(
        &ws,
        "*** Begin Patch\n*** Update File: calc.py\n*** Move to: moved/calc_moved.py\n@@\n def add(a, b):\n-    return a - b\n+    return a + b\n*** Delete File: big.txt\n*** End Patch",
    )
    .await;
    for id in ids.into_iter().rev() {
        undo(id.expect("an undo record")).unwrap();
    }
    assert_eq!(ws.read("calc.py"), "def add(a, b):\n    return a - b\n");
    assert!(!ws.exists("moved/calc_moved.py"));
    assert!(!ws.exists("moved"), "the folder the move made is removed");
    assert_eq!(ws.read("big.txt"), big);
}

#[tokio::test]
async fn an_edit_through_a_link_is_undone_in_the_file_it_points_to() {
    let ws = Ws::new();
    ws.write("web/real.txt", "hello\n");
    std::os::unix::fs::symlink("real.txt", ws.root.join("web/link.txt")).unwrap();
    let (_, ids) = apply(
        &ws,
        "*** Begin Patch\n*** Update File: web/link.txt\n@@\n-hello\n+HELLO\n*** End Patch",
    )
    .await;
    assert_eq!(ws.read("web/real.txt"), "HELLO\n");
    undo(ids[0].expect("an undo record")).unwrap();
    assert_eq!(ws.read("web/real.txt"), "hello\n");
    assert!(
        fs::symlink_metadata(ws.root.join("web/link.txt"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[tokio::test]
async fn a_file_changed_since_is_not_restored() {
    let ws = Ws::new();
    ws.write("a.txt", "a\n");
    let (_, ids) = apply(
        &ws,
        "*** Begin Patch\n*** Update File: a.txt\n*** Move to: b.txt\n@@\n-a\n+b\n*** End Patch",
    )
    .await;
    ws.write("b.txt", "edited by the user\n");
    let id = ids[0].expect("an undo record");
    assert!(matches!(undo(id), Err(UndoError::Changed(p)) if p.ends_with("b.txt")));
    assert_eq!(ws.read("b.txt"), "edited by the user\n");
    assert!(!ws.exists("a.txt"));
    // The old path made again: named as what blocks.
    ws.write("b.txt", "b\n");
    ws.write("a.txt", "new a\n");
    assert!(matches!(undo(id), Err(UndoError::Taken(p)) if p.ends_with("a.txt")));
    assert_eq!(ws.read("a.txt"), "new a\n");
    fs::remove_file(ws.root.join("a.txt")).unwrap();
    // Put back as the patch left it, the undo goes through.
    undo(id).unwrap();
    assert_eq!(ws.read("a.txt"), "a\n");
    assert!(!ws.exists("b.txt"));
}

/// Names of 250 bytes (NAME_MAX is 255) are written, replaced and put
/// back: the temp files beside them have short names of their own, not
/// the file's name with more added (which did not fit).
#[tokio::test]
async fn files_with_names_near_the_limit_are_written_and_undone() {
    let ws = Ws::new();
    let name = |c: &str| format!("{}.txt", c.repeat(246));
    let (added, changed, gone) = (name("a"), name("b"), name("c"));
    assert_eq!(added.len(), 250);
    ws.write(&changed, "hello\n");
    ws.write(&gone, "bye\n");
    let (_, ids) = apply(
        &ws,
        &format!(
            "*** Begin Patch\n*** Add File: {added}\n+new\n*** Update File: {changed}\n@@\n-hello\n+HELLO\n*** Delete File: {gone}\n*** End Patch"
        ),
    )
    .await;
    assert_eq!(ws.read(&added), "new\n");
    assert_eq!(ws.read(&changed), "HELLO\n");
    assert!(!ws.exists(&gone));
    // The deleted file comes back byte for byte through a temp file.
    undo(ids[2].expect("an undo record")).unwrap();
    assert_eq!(ws.read(&gone), "bye\n");
    let left: Vec<String> = fs::read_dir(&ws.root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("quire-"))
        .collect();
    assert!(left.is_empty(), "temp files left: {left:?}");
}

/// A deleted file larger than what /undo keeps is deleted (read in
/// chunks, never whole), and the result says /undo cannot restore it; a
/// large text file's diff is said in words.
#[tokio::test]
async fn a_delete_larger_than_undo_keeps_says_so() {
    let ws = Ws::new();
    // Sparse: 65 MiB of zeros, more than the 64 MiB /undo keeps in all.
    fs::File::create(ws.root.join("disk.img"))
        .unwrap()
        .set_len(65 << 20)
        .unwrap();
    ws.write("big.log", &"a log line\n".repeat(900_000));
    let out = run(
        &ws.ctx(SandboxMode::WorkspaceWrite),
        "*** Begin Patch\n*** Delete File: disk.img\n*** Delete File: big.log\n*** End Patch",
    )
    .await
    .unwrap();
    assert!(!ws.exists("disk.img") && !ws.exists("big.log"));
    assert!(
        out.text
            .contains("disk.img: /undo cannot restore it: it is 65.0 MiB"),
        "{}",
        out.text
    );
    let files = out.structured.unwrap()["files"].as_array().unwrap().clone();
    assert!(files[0]["undo"].is_null(), "{files:?}");
    assert_eq!(files[1]["removed"], 900_000);
    assert_eq!(
        files[1]["diff"],
        "--- a/big.log\n+++ /dev/null\n[diff not shown: the file is 9.4 MiB]\n"
    );
}
