use std::path::Path;

use serde_json::{Value, json};

use super::*;
use crate::tools::Tool;

fn ctx(dir: &Path) -> ToolContext {
    ToolContext::standalone(dir)
}

async fn ls(dir: &Path, args: Value) -> Result<ToolOutput, ToolError> {
    ListDirTool::new().call(args, &ctx(dir)).await
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A repository: `.git` makes the `.gitignore` apply, as in git.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join(".git")).unwrap();
    write(root, ".git/HEAD", "ref: refs/heads/main\n");
    write(root, ".gitignore", "target/\n*.log\n");
    write(root, "Cargo.toml", "[package]\n");
    write(root, "src/main.rs", "fn main() {}\n");
    write(root, "src/util/mod.rs", "\n");
    write(root, "src/util/deep/deeper/x.rs", "\n");
    write(root, "target/debug/app", "bin");
    write(root, "run.log", "log");
    write(root, ".env.example", "A=1\n");
    dir
}

#[tokio::test]
async fn tree_respects_gitignore_and_hides_dot_git() {
    let dir = repo();
    let out = ls(dir.path(), json!({})).await.unwrap();
    assert_eq!(
        out.text,
        "./\n  .env.example\n  .gitignore\n  Cargo.toml\n  src/\n    main.rs\n    util/\n"
    );
}

#[tokio::test]
async fn depth_controls_how_far_down() {
    let dir = repo();
    let out = ls(dir.path(), json!({"path": "src", "depth": 1}))
        .await
        .unwrap();
    assert_eq!(out.text, "src/\n  main.rs\n  util/\n");
    let out = ls(dir.path(), json!({"path": "src", "depth": 5}))
        .await
        .unwrap();
    assert_eq!(
        out.text,
        "src/\n  main.rs\n  util/\n    deep/\n      deeper/\n        x.rs\n    mod.rs\n"
    );
    let err = ls(dir.path(), json!({"depth": 9})).await.unwrap_err();
    assert!(err.to_string().contains("depth must be from 1 to 5"));
}

#[tokio::test]
async fn gitignore_outside_a_repository_is_not_applied_but_dot_ignore_is() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, ".gitignore", "*.log\n");
    write(root, ".ignore", "secret/\n");
    write(root, "a.log", "");
    write(root, "secret/key", "");
    write(root, "b.txt", "");
    let out = ls(root, json!({"depth": 1})).await.unwrap();
    assert_eq!(out.text, "./\n  .gitignore\n  .ignore\n  a.log\n  b.txt\n");
}

#[tokio::test]
async fn caps_at_1000_entries_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..1100 {
        write(dir.path(), &format!("f{i:04}"), "");
    }
    let out = ls(dir.path(), json!({"depth": 1})).await.unwrap();
    let lines: Vec<&str> = out.text.lines().collect();
    // Header, 1000 entries, the note.
    assert_eq!(lines.len(), 1002);
    assert_eq!(lines[1], "  f0000");
    assert_eq!(lines[1000], "  f0999");
    assert!(
        lines[1001].starts_with("… 100 more entries"),
        "{}",
        lines[1001]
    );
}

#[tokio::test]
async fn missing_path_and_file_are_errors() {
    let dir = repo();
    let msg = ls(dir.path(), json!({"path": "nope"}))
        .await
        .unwrap_err()
        .to_string();
    assert!(msg.contains("directory not found: nope"), "{msg}");
    let msg = ls(dir.path(), json!({"path": "Cargo.toml"}))
        .await
        .unwrap_err()
        .to_string();
    assert!(msg.contains("Cargo.toml is a file"), "{msg}");
    assert!(msg.contains("read_file"), "{msg}");
}

#[tokio::test]
async fn empty_directory_says_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("void")).unwrap();
    let out = ls(dir.path(), json!({"path": "void/"})).await.unwrap();
    assert_eq!(out.text, "void/\n  (empty)\n");
}

#[test]
fn schema_is_strict() {
    let spec = ListDirTool::new().spec().clone();
    assert!(spec.read_only);
    assert_eq!(spec.parameters["additionalProperties"], json!(false));
    assert_eq!(spec.parameters["properties"]["depth"]["maximum"], json!(5));
}

#[tokio::test]
async fn odd_names_are_escaped_and_unreadable_folders_counted() {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "new\nline.txt", "x");
    std::fs::write(root.join(std::ffi::OsStr::from_bytes(b"caf\xe9.txt")), "x").unwrap();
    write(root, "locked/in.txt", "x");
    write(root, "open/in.txt", "x");
    std::fs::set_permissions(root.join("locked"), std::fs::Permissions::from_mode(0o000)).unwrap();
    let path = root.to_path_buf();
    let out = crate::tools::unreadable::with_modes_enforced(move || {
        list(&path, ".", 2, &CancellationToken::new()).unwrap()
    });
    std::fs::set_permissions(root.join("locked"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.contains(&"  \"new\\nline.txt\""), "{out}");
    assert!(lines.contains(&"  \"caf\\351.txt\""), "{out}");
    assert!(lines.contains(&"  locked/"), "{out}");
    assert!(lines.contains(&"    in.txt"), "the open folder: {out}");
    assert_eq!(
        lines.last(),
        Some(&"[1 entry could not be read and was skipped (permission denied): locked]"),
        "{out}"
    );
}
