use std::path::PathBuf;

use super::*;

fn workspace() -> (tempfile::TempDir, Vec<PathBuf>) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Makefile"), "test:\n\techo ok\n").unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/a.py"), "print(1)\n").unwrap();
    let roots = vec![dir.path().to_path_buf()];
    (dir, roots)
}

#[test]
fn nothing_written_is_the_same() {
    let (_dir, roots) = workspace();
    assert_eq!(take(&roots).difference(&take(&roots)), Difference::Same);
}

#[test]
fn a_file_rewritten_with_its_size_and_time_put_back_is_named() {
    let (dir, roots) = workspace();
    let before = take(&roots);
    let path = dir.path().join("Makefile");
    let mtime = std::fs::metadata(&path).unwrap().modified().unwrap();
    // Same length, same modification time: only the change time tells.
    std::fs::write(&path, "test:\n\techo no\n").unwrap();
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    assert_eq!(
        before.difference(&take(&roots)),
        Difference::Changed {
            names: vec!["Makefile".into()],
            count: 1
        }
    );
}

#[test]
fn added_removed_and_ignored_files_count_and_git_objects_do_not() {
    let (dir, roots) = workspace();
    std::fs::create_dir_all(dir.path().join(".git/objects/ab")).unwrap();
    let before = take(&roots);
    std::fs::remove_file(dir.path().join("src/a.py")).unwrap();
    // A build folder git ignores still holds code a test run executes.
    std::fs::create_dir_all(dir.path().join("target/debug")).unwrap();
    std::fs::write(dir.path().join("target/debug/t"), "#!/bin/sh\n").unwrap();
    std::fs::write(dir.path().join(".git/objects/ab/cd"), "blob").unwrap();
    let diff = before.difference(&take(&roots));
    assert_eq!(
        diff,
        Difference::Changed {
            names: vec!["src/a.py".into(), "target/debug/t".into()],
            count: 2
        }
    );
    assert_eq!(diff.describe(), "src/a.py, target/debug/t");
}

#[test]
fn past_the_bound_nothing_can_be_told() {
    let (_dir, roots) = workspace();
    let small = take_within(&roots, 2);
    let Difference::Unknown(why) = small.difference(&small) else {
        panic!("a workspace past the bound was told the same");
    };
    assert!(why.contains("more than 2 files"), "{why}");
}

#[test]
fn many_changes_are_named_in_part() {
    let (dir, roots) = workspace();
    let before = take(&roots);
    for i in 0..8 {
        std::fs::write(dir.path().join(format!("new{i}.sh")), "x").unwrap();
    }
    let diff = before.difference(&take(&roots));
    assert_eq!(
        diff.describe(),
        "new0.sh, new1.sh, new2.sh, new3.sh, new4.sh and 3 more"
    );
}

#[test]
fn a_single_file_root_is_looked_at_too() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("x.py");
    std::fs::write(&script, "print(1)\n").unwrap();
    let roots = vec![script.clone()];
    let before = take(&roots);
    std::fs::write(&script, "print(2)\n").unwrap();
    let Difference::Changed { names, .. } = before.difference(&take(&roots)) else {
        panic!("the script's change was not seen");
    };
    assert_eq!(names, vec![script.display().to_string()]);
}
