use std::fs;
use std::os::unix::fs::symlink;

use super::*;

/// A workspace and a folder outside it (both canonical), kept while the
/// value lives. Shared with `race_tests`.
pub(in crate::tools::apply_patch) struct Tree {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
    _out: tempfile::TempDir,
    pub outside: PathBuf,
}

pub(in crate::tools::apply_patch) fn tree() -> Tree {
    let dir = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    Tree {
        root: fs::canonicalize(dir.path()).unwrap(),
        outside: fs::canonicalize(out.path()).unwrap(),
        _dir: dir,
        _out: out,
    }
}

fn names(parts: &[&str]) -> Vec<OsString> {
    parts.iter().map(OsString::from).collect()
}

/// Every entry under `dir` (links not followed), as paths relative to it.
pub(in crate::tools::apply_patch) fn listing(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if fs::symlink_metadata(&p).unwrap().is_dir() {
                stack.push(p.clone());
            }
            out.push(p.strip_prefix(dir).unwrap().display().to_string());
        }
    }
    out.sort();
    out
}

fn is_symlink_refusal(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|r| r.is::<Refused>()) && e.to_string().contains("symbolic link")
}

#[test]
fn creates_missing_directories_and_writes_a_file() {
    let t = tree();
    let root = Root::open(&t.root).unwrap();
    let mut created = Vec::new();
    let dir = root.dir_create(&names(&["a", "b"]), &mut created).unwrap();
    let made: Vec<&OsString> = created.iter().map(|(_, n)| n).collect();
    assert_eq!(made, [&OsString::from("a"), &OsString::from("b")]);
    dir.write_atomic(OsStr::new("f.txt"), b"hi\n", None)
        .unwrap();
    assert_eq!(fs::read(t.root.join("a/b/f.txt")).unwrap(), b"hi\n");
    // No temp file is left next to it.
    assert_eq!(listing(&t.root), ["a", "a/b", "a/b/f.txt"]);
    // An existing directory is opened, not created again.
    let mut again = Vec::new();
    root.dir_create(&names(&["a", "b"]), &mut again).unwrap();
    assert!(again.is_empty());
    // Missing directories are `None` without creating.
    assert!(root.dir(&names(&["a", "nope"])).unwrap().is_none());
    assert!(!t.root.join("a/nope").exists());
}

#[test]
fn a_symlink_in_any_component_of_the_parent_is_refused() {
    for depth in 0..3 {
        let t = tree();
        let parts = ["a", "b", "c"];
        // The real directories up to `depth`, then a link to the outside
        // where the next one should be.
        let mut real = t.root.clone();
        for p in &parts[..depth] {
            real.push(p);
            fs::create_dir(&real).unwrap();
        }
        symlink(&t.outside, real.join(parts[depth])).unwrap();
        fs::create_dir_all(t.outside.join("b/c")).unwrap();
        fs::create_dir_all(t.outside.join("c")).unwrap();
        let before = listing(&t.outside);
        let root = Root::open(&t.root).unwrap();
        let dirs = names(&parts);

        let Err(e) = root.dir(&dirs) else {
            panic!("depth {depth}: a link was followed");
        };
        assert!(is_symlink_refusal(&e), "depth {depth}: {e}");
        let mut created = Vec::new();
        let Err(e) = root.dir_create(&dirs, &mut created) else {
            panic!("depth {depth}: a link was followed");
        };
        assert!(is_symlink_refusal(&e), "depth {depth}: {e}");
        assert!(created.is_empty());
        // The walk (used where the kernel has no openat2) refuses too.
        let mut created = Vec::new();
        let Err(e) = root.walk(&dirs, Some(&mut created)) else {
            panic!("depth {depth}: the walk followed a link");
        };
        assert!(is_symlink_refusal(&e), "depth {depth}: {e}");
        assert!(
            e.to_string()
                .contains(&real.join(parts[depth]).display().to_string())
        );
        assert_eq!(listing(&t.outside), before, "depth {depth}");
    }
}

#[test]
fn a_link_that_stays_inside_is_refused_as_well() {
    // Plans resolve links to real paths first, so a link met while writing
    // was put there afterwards: it is not followed even when it points inside.
    let t = tree();
    fs::create_dir(t.root.join("real")).unwrap();
    symlink(t.root.join("real"), t.root.join("link")).unwrap();
    let root = Root::open(&t.root).unwrap();
    let Err(e) = root.dir(&names(&["link"])) else {
        panic!("the link was followed");
    };
    assert!(is_symlink_refusal(&e), "{e}");
}

#[test]
fn a_file_that_is_a_link_is_not_opened() {
    let t = tree();
    fs::write(t.outside.join("secret"), "s").unwrap();
    symlink(t.outside.join("secret"), t.root.join("f")).unwrap();
    let root = Root::open(&t.root).unwrap();
    let dir = root.dir(&[]).unwrap().unwrap();
    assert!(dir.open_file(OsStr::new("f")).unwrap().is_none());
    // Writing over it replaces the link; the outside file stays.
    dir.write_atomic(OsStr::new("f"), b"new", None).unwrap();
    assert!(!fs::symlink_metadata(t.root.join("f")).unwrap().is_symlink());
    assert_eq!(fs::read(t.root.join("f")).unwrap(), b"new");
    assert_eq!(fs::read(t.outside.join("secret")).unwrap(), b"s");
}

#[test]
fn a_failed_rename_leaves_no_temp_file() {
    let t = tree();
    // A non-empty directory where the file should go: the rename fails.
    fs::create_dir_all(t.root.join("f/x")).unwrap();
    let root = Root::open(&t.root).unwrap();
    let dir = root.dir(&[]).unwrap().unwrap();
    assert!(dir.write_atomic(OsStr::new("f"), b"x", None).is_err());
    assert_eq!(listing(&t.root), ["f", "f/x"]);
}

#[test]
fn removes_files_and_directories_relative_to_their_directory() {
    let t = tree();
    fs::create_dir_all(t.root.join("d/e")).unwrap();
    fs::write(t.root.join("d/f"), "x").unwrap();
    let root = Root::open(&t.root).unwrap();
    let d = root.dir(&names(&["d"])).unwrap().unwrap();
    d.remove_file(OsStr::new("f")).unwrap();
    d.remove_dir(OsStr::new("e")).unwrap();
    assert_eq!(listing(&t.root), ["d"]);
}

#[test]
fn paths_not_below_the_root_are_refused() {
    let t = tree();
    let root = Root::open(&t.root).unwrap();
    assert_eq!(
        root.relative(&t.root.join("a/b")).unwrap(),
        names(&["a", "b"])
    );
    let e = root.relative(&t.outside.join("x")).unwrap_err();
    assert!(e.to_string().contains("is not inside"), "{e}");
    assert!(root.relative(&t.root.join("a/../b")).is_err());
}
