//! `writable_roots` under `workspace-write`: apply_patch writes there as
//! sandboxed commands may, through the same checks as in the workspace
//! (real paths, no way out by a link or `..`), and `/undo` puts such a
//! file back; a path outside every root, and anything under `read-only`,
//! stays refused.

use quire::tools::apply_patch::{Restored, UndoError, undo};

use super::*;

/// A workspace and a writable root beside it (not inside it).
struct Two {
    ws: Ws,
    root: Ws,
}

impl Two {
    fn new() -> Two {
        Two {
            ws: Ws::new(),
            root: Ws::new(),
        }
    }

    fn ctx(&self, sandbox: SandboxMode) -> ToolContext {
        let mut ctx = self.ws.ctx(sandbox);
        ctx.writable_roots = vec![self.root.root.clone()];
        ctx
    }

    /// `rel` in the writable root, as the patch names it.
    fn there(&self, rel: &str) -> String {
        self.root.root.join(rel).display().to_string()
    }
}

#[tokio::test]
async fn a_file_in_a_writable_root_is_added_changed_and_undone() {
    let two = Two::new();
    two.root.write("out/report.txt", "draft\n");
    let patch = format!(
        "*** Begin Patch\n*** Update File: {}\n@@\n-draft\n+final\n*** Add File: {}\n+new\n*** End Patch",
        two.there("out/report.txt"),
        two.there("made/new.txt")
    );
    let out = run(&two.ctx(SandboxMode::WorkspaceWrite), &patch)
        .await
        .unwrap();
    assert!(!out.is_error, "{}", out.text);
    assert_eq!(two.root.read("out/report.txt"), "final\n");
    assert_eq!(two.root.read("made/new.txt"), "new\n");
    // /undo's records: the originals are kept (a reverse diff cannot be
    // applied outside the workspace).
    let files = out.structured.unwrap()["files"].as_array().unwrap().clone();
    for f in files.iter().rev() {
        let id = f["undo"]
            .as_u64()
            .unwrap_or_else(|| panic!("no undo record: {f}"));
        undo(id).unwrap();
    }
    assert_eq!(two.root.read("out/report.txt"), "draft\n");
    assert!(!two.root.exists("made/new.txt"));
    assert!(
        !two.root.exists("made"),
        "the folder the patch made is removed"
    );
}

#[tokio::test]
async fn links_and_dots_do_not_lead_out_of_the_roots() {
    let two = Two::new();
    let outside = Ws::new();
    outside.write("secret.txt", "keep me\n");
    // A link in the writable root to outside, `..` out of it, and a link
    // in the workspace to outside.
    std::os::unix::fs::symlink(&outside.root, two.root.root.join("away")).unwrap();
    std::os::unix::fs::symlink(&outside.root, two.ws.root.join("away")).unwrap();
    let dotted = format!(
        "{}/../{}",
        two.there(""),
        outside.root.file_name().unwrap().to_string_lossy()
    );
    let before = snapshot(&outside.root);
    let ctx = two.ctx(SandboxMode::WorkspaceWrite);
    for path in [
        two.there("away/secret.txt"),
        "away/secret.txt".to_string(),
        format!("{dotted}/secret.txt"),
        outside.root.join("secret.txt").display().to_string(),
    ] {
        let patch = format!(
            "*** Begin Patch\n*** Update File: {path}\n@@\n-keep me\n+changed\n*** End Patch"
        );
        let err = run(&ctx, &patch).await.unwrap_err().to_string();
        assert!(
            err.contains("which is outside the workspace")
                && err.contains(&format!(
                    "and the writable roots {}",
                    two.root.root.display()
                )),
            "{path}: {err}"
        );
    }
    assert_eq!(snapshot(&outside.root), before);
}

#[tokio::test]
async fn a_link_in_the_workspace_into_a_writable_root_writes_there() {
    // As a command writing through the link could.
    let two = Two::new();
    two.root.write("data.txt", "a\n");
    std::os::unix::fs::symlink(&two.root.root, two.ws.root.join("shared")).unwrap();
    let out = run(
        &two.ctx(SandboxMode::WorkspaceWrite),
        "*** Begin Patch\n*** Update File: shared/data.txt\n@@\n-a\n+b\n*** End Patch",
    )
    .await
    .unwrap();
    assert!(!out.is_error, "{}", out.text);
    assert_eq!(two.root.read("data.txt"), "b\n");
}

#[tokio::test]
async fn read_only_refuses_and_without_the_root_it_is_outside() {
    let two = Two::new();
    two.root.write("data.txt", "a\n");
    let patch = format!(
        "*** Begin Patch\n*** Update File: {}\n@@\n-a\n+b\n*** End Patch",
        two.there("data.txt")
    );
    let err = run(&two.ctx(SandboxMode::ReadOnly), &patch)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("the sandbox is read-only"), "{err}");
    // The same patch without `writable_roots`: outside the workspace.
    let err = run(&two.ws.ctx(SandboxMode::WorkspaceWrite), &patch)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("which is outside the workspace") && !err.contains("writable roots"),
        "{err}"
    );
    assert_eq!(two.root.read("data.txt"), "a\n");
}

/// Folders a patch wrote in, swapped since for links to a folder outside
/// every root (as a sandboxed command may do in a writable root): /undo
/// refuses, naming the path and the root, and writes or deletes nothing
/// where the links point; with the folders back it goes through.
#[tokio::test]
async fn undo_does_not_follow_a_folder_swapped_for_a_link() {
    let two = Two::new();
    let victim = Ws::new();
    two.root.write("sub/report.txt", "draft\n");
    two.ws.write("wsd/gone.txt", "old\n");
    let patch = format!(
        "*** Begin Patch\n*** Add File: {}\n+n\n*** Update File: {}\n@@\n-draft\n+final\n*** Delete File: wsd/gone.txt\n*** End Patch",
        two.there("sub/deep/new.txt"),
        two.there("sub/report.txt"),
    );
    let out = run(&two.ctx(SandboxMode::WorkspaceWrite), &patch)
        .await
        .unwrap();
    assert!(!out.is_error, "{}", out.text);
    let ids: Vec<u64> = out.structured.unwrap()["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            f["undo"]
                .as_u64()
                .unwrap_or_else(|| panic!("no undo record: {f}"))
        })
        .collect();
    // Outside, what the patch left at each path: the undo would delete
    // or overwrite it.
    victim.write("deep/new.txt", "n\n");
    victim.write("report.txt", "final\n");
    let swap = |root: &Path, dir: &str| {
        std::fs::rename(root.join(dir), root.join(format!("{dir}.moved"))).unwrap();
        std::os::unix::fs::symlink(&victim.root, root.join(dir)).unwrap();
    };
    swap(&two.root.root, "sub");
    swap(&two.ws.root, "wsd");
    let before = snapshot(&victim.root);
    let expected = [
        (two.there("sub/deep/new.txt"), &two.root.root),
        (two.there("sub/report.txt"), &two.root.root),
        (
            two.ws.root.join("wsd/gone.txt").display().to_string(),
            &two.ws.root,
        ),
    ];
    for (id, (path, root)) in ids.iter().zip(expected) {
        let err = undo(*id).unwrap_err();
        assert!(matches!(err, UndoError::Escaped { .. }), "{err}");
        assert_eq!(
            err.to_string(),
            format!(
                "{path} no longer resolves inside {}: a folder on the way is a symbolic link now (made since the patch), and /undo does not write through links",
                root.display()
            )
        );
    }
    assert_eq!(snapshot(&victim.root), before);
    // The folders back in place: the same undo goes through.
    let unswap = |root: &Path, dir: &str| {
        std::fs::remove_file(root.join(dir)).unwrap();
        std::fs::rename(root.join(format!("{dir}.moved")), root.join(dir)).unwrap();
    };
    unswap(&two.root.root, "sub");
    unswap(&two.ws.root, "wsd");
    for id in ids.iter().rev() {
        assert_eq!(undo(*id).unwrap(), Restored::Done);
    }
    assert_eq!(two.root.read("sub/report.txt"), "draft\n");
    assert!(!two.root.exists("sub/deep"), "the folder the patch made");
    assert_eq!(two.ws.read("wsd/gone.txt"), "old\n");
    assert_eq!(snapshot(&victim.root), before);
}
