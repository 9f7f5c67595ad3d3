//! Deleting a symbolic link removes the link itself, never its target,
//! wherever the target is; updating or moving through a link that leads
//! outside the workspace stays refused.

use super::*;

fn is_link(p: &Path) -> bool {
    fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink())
}

#[tokio::test]
async fn deleting_a_link_to_an_outside_file_removes_only_the_link() {
    let ws = Ws::new();
    let outside = Ws::new();
    outside.write("secret.txt", "keep me\n");
    std::os::unix::fs::symlink(outside.root.join("secret.txt"), ws.root.join("linkfile")).unwrap();
    let out = ok(
        &ws,
        "*** Begin Patch\n*** Delete File: linkfile\n*** End Patch",
    )
    .await;
    assert!(out.contains("D linkfile"), "{out}");
    assert!(!is_link(&ws.root.join("linkfile")), "the link is gone");
    assert_eq!(outside.read("secret.txt"), "keep me\n");
}

#[tokio::test]
async fn updating_or_moving_through_a_link_to_outside_stays_refused() {
    let ws = Ws::new();
    let outside = Ws::new();
    outside.write("secret.txt", "keep me\n");
    std::os::unix::fs::symlink(outside.root.join("secret.txt"), ws.root.join("linkfile")).unwrap();
    // The move is refused for what it is (a link is never moved), which
    // the model can act on, before its outside target is weighed.
    for (patch, why) in [
        (
            "*** Begin Patch\n*** Update File: linkfile\n@@\n-keep me\n+changed\n*** End Patch",
            "outside the workspace",
        ),
        (
            "*** Begin Patch\n*** Update File: linkfile\n*** Move to: moved.txt\n@@\n-keep me\n+changed\n*** End Patch",
            "does not move links",
        ),
    ] {
        let err = fail(&ws, patch).await;
        assert!(err.contains(why), "{err}");
        assert!(is_link(&ws.root.join("linkfile")));
        assert!(!ws.exists("moved.txt"));
        assert_eq!(outside.read("secret.txt"), "keep me\n");
    }
}

#[tokio::test]
async fn deleting_a_link_to_a_workspace_file_keeps_the_file() {
    let ws = Ws::new();
    ws.write("real.txt", "a\n");
    std::os::unix::fs::symlink(ws.root.join("real.txt"), ws.root.join("alias.txt")).unwrap();
    ok(
        &ws,
        "*** Begin Patch\n*** Delete File: alias.txt\n*** End Patch",
    )
    .await;
    assert!(!is_link(&ws.root.join("alias.txt")));
    assert_eq!(ws.read("real.txt"), "a\n");
}

#[tokio::test]
async fn moving_a_link_is_refused_and_deletes_nothing() {
    let ws = Ws::new();
    ws.write("web/real.txt", "hello\n");
    std::os::unix::fs::symlink("real.txt", ws.root.join("web/link.txt")).unwrap();
    let err = fail(
        &ws,
        "*** Begin Patch\n*** Update File: web/link.txt\n*** Move to: web/moved.txt\n@@\n-hello\n+hello moved\n*** End Patch",
    )
    .await;
    assert!(
        err.contains("cannot move web/link.txt: it is a symbolic link"),
        "{err}"
    );
    assert_eq!(ws.read("web/real.txt"), "hello\n");
    assert!(is_link(&ws.root.join("web/link.txt")));
    assert!(!ws.exists("web/moved.txt"));
}
