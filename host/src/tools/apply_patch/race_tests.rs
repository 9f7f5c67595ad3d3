//! A directory swapped for a link between the plan and the commit (what a
//! process racing apply_patch does): nothing is written through the link.

use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;

use super::beneath::Roots;
use super::beneath::tests::{listing, tree};
use super::commit::{StageError, Staged};
use super::parse::parse;
use super::plan::{Prepared, Scope, prepare};
use crate::tools::SandboxMode;

fn plan(ws: &Path, patch: &str) -> Prepared {
    let ops = parse(patch).unwrap();
    let scope = Scope {
        cwd: ws.to_path_buf(),
        workspace: ws.to_path_buf(),
        sandbox: SandboxMode::WorkspaceWrite,
        protected: Vec::new(),
        writable_roots: Vec::new(),
        outside_approved: false,
    };
    match prepare(&ops, &scope) {
        Ok(p) => p,
        Err(e) => panic!("the plan failed: {e}"),
    }
}

#[test]
fn a_directory_swapped_for_a_link_after_the_plan_is_not_written_through() {
    let t = tree();
    fs::create_dir(t.root.join("d")).unwrap();
    fs::write(t.root.join("d/f.txt"), "old\n").unwrap();
    fs::write(t.root.join("top.txt"), "top\n").unwrap();
    let prepared = plan(
        &t.root,
        "*** Begin Patch\n*** Update File: top.txt\n@@\n-top\n+patched\n*** Add File: d/race.txt\n+x\n*** Update File: d/f.txt\n@@\n-old\n+new\n*** End Patch",
    );
    // What the racing process does: the checked directory goes, a link to
    // the outside takes its name.
    fs::rename(t.root.join("d"), t.root.join("d.real")).unwrap();
    symlink(&t.outside, t.root.join("d")).unwrap();

    let err = match prepared.staged.commit(false, &|| false) {
        Ok(()) => panic!("the commit wrote through the link"),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("could not write d/"), "{err}");
    assert!(err.contains("symbolic link"), "{err}");
    assert!(err.contains("nothing was changed"), "{err}");
    // Nothing outside, not even a temp file; inside everything as before.
    assert!(listing(&t.outside).is_empty(), "{:?}", listing(&t.outside));
    assert_eq!(listing(&t.root), ["d", "d.real", "d.real/f.txt", "top.txt"]);
    assert_eq!(
        fs::read_to_string(t.root.join("d.real/f.txt")).unwrap(),
        "old\n"
    );
    assert_eq!(fs::read_to_string(t.root.join("top.txt")).unwrap(), "top\n");
}

#[test]
fn a_link_put_where_a_missing_directory_was_planned_is_refused() {
    let t = tree();
    fs::write(t.root.join("a.txt"), "a\n").unwrap();
    let prepared = plan(
        &t.root,
        "*** Begin Patch\n*** Update File: a.txt\n@@\n-a\n+b\n*** Add File: new/deeper/x.txt\n+x\n*** End Patch",
    );
    // `new` did not exist when the plan was made; a link takes its place.
    fs::create_dir(t.outside.join("deeper")).unwrap();
    symlink(&t.outside, t.root.join("new")).unwrap();

    let err = match prepared.staged.commit(false, &|| false) {
        Ok(()) => panic!("the commit wrote through the link"),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("could not write new/deeper/x.txt"), "{err}");
    assert!(err.contains("symbolic link"), "{err}");
    assert_eq!(listing(&t.outside), ["deeper"]);
    assert_eq!(listing(&t.root), ["a.txt", "new"]);
    assert_eq!(fs::read_to_string(t.root.join("a.txt")).unwrap(), "a\n");
}

#[test]
fn deleting_through_a_swapped_directory_is_refused() {
    let t = tree();
    fs::create_dir(t.root.join("d")).unwrap();
    fs::write(t.root.join("d/gone.txt"), "x\n").unwrap();
    fs::write(t.outside.join("gone.txt"), "keep\n").unwrap();
    let prepared = plan(
        &t.root,
        "*** Begin Patch\n*** Delete File: d/gone.txt\n*** End Patch",
    );
    fs::rename(t.root.join("d"), t.root.join("d.real")).unwrap();
    symlink(&t.outside, t.root.join("d")).unwrap();

    let err = match prepared.staged.commit(false, &|| false) {
        Ok(()) => panic!("the commit deleted through the link"),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("symbolic link"), "{err}");
    assert_eq!(
        fs::read_to_string(t.outside.join("gone.txt")).unwrap(),
        "keep\n"
    );
    assert!(t.root.join("d.real/gone.txt").exists());
}

#[test]
fn a_file_read_for_an_update_is_not_read_through_a_swapped_directory() {
    // The plan checked `d/secret.txt` while `d` was a directory; when the
    // file is read, `d` is a link to the outside.
    let t = tree();
    fs::write(t.outside.join("secret.txt"), "secret\n").unwrap();
    symlink(&t.outside, t.root.join("d")).unwrap();
    let roots = Roots::open(std::slice::from_ref(&t.root)).unwrap();
    let mut staged = Staged::new(roots);
    let err = match staged.read(&t.root.join("d/secret.txt"), "d/secret.txt") {
        Ok(c) => panic!("read through the link: {c:?}"),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("cannot access d/secret.txt"), "{err}");
    assert!(err.contains("symbolic link"), "{err}");
    // A link in the file's own place is not read either: it is named.
    fs::remove_file(t.root.join("d")).unwrap();
    fs::create_dir(t.root.join("d")).unwrap();
    symlink(t.outside.join("secret.txt"), t.root.join("d/secret.txt")).unwrap();
    let found = staged
        .read(&t.root.join("d/secret.txt"), "d/secret.txt")
        .map(|c| c.map(|c| c.bytes.clone()));
    assert!(
        matches!(
            found,
            Err(StageError::Link {
                dangling: false,
                ..
            })
        ),
        "{found:?}"
    );
}
