use std::path::Path;

use serde_json::{Value, json};

use super::*;
use crate::tools::Tool;

fn ctx(dir: &Path) -> ToolContext {
    ToolContext::standalone(dir)
}

async fn read(dir: &Path, args: Value) -> Result<ToolOutput, ToolError> {
    ReadFileTool::new().call(args, &ctx(dir)).await
}

fn numbered(n: usize) -> String {
    (1..=n).map(|i| format!("line {i}\n")).collect()
}

#[tokio::test]
async fn numbers_lines_like_cat_n() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "alpha\nbeta\r\ngamma").unwrap();
    let out = read(dir.path(), json!({"path": "a.txt"})).await.unwrap();
    assert!(!out.is_error);
    assert_eq!(out.text, "     1\talpha\n     2\tbeta\n     3\tgamma\n");
}

#[tokio::test]
async fn window_with_continuation_note() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), numbered(10)).unwrap();
    let out = read(
        dir.path(),
        json!({"path": "a.txt", "offset": 3, "limit": 4}),
    )
    .await
    .unwrap();
    assert_eq!(
        out.text,
        "     3\tline 3\n     4\tline 4\n     5\tline 5\n     6\tline 6\n\
         … 4 more lines; call again with offset=7"
    );
    // The window reaching the last line has no note.
    let out = read(
        dir.path(),
        json!({"path": "a.txt", "offset": 7, "limit": 4}),
    )
    .await
    .unwrap();
    assert!(out.text.ends_with("    10\tline 10\n"), "{}", out.text);
    assert!(!out.text.contains("more lines"));
}

#[tokio::test]
async fn default_limit_is_1000_lines() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("big.txt"), "\n".repeat(1500)).unwrap();
    let out = read(dir.path(), json!({"path": "big.txt"})).await.unwrap();
    assert!(out.text.contains("  1000\t\n"));
    assert!(!out.text.contains("  1001\t"));
    assert!(
        out.text
            .ends_with("… 500 more lines; call again with offset=1001")
    );
}

#[tokio::test]
async fn long_lines_are_cut_with_a_marker() {
    let dir = tempfile::tempdir().unwrap();
    let long = "x".repeat(10_000);
    std::fs::write(dir.path().join("l.txt"), format!("{long}\nshort\n")).unwrap();
    let out = read(dir.path(), json!({"path": "l.txt"})).await.unwrap();
    let first = out.text.lines().next().unwrap();
    assert!(first.starts_with(&format!("     1\t{}…", "x".repeat(MAX_LINE_CHARS))));
    assert!(first.contains("line cut at 2000 characters; it has 10000 bytes"));
    assert!(!first.contains(&"x".repeat(MAX_LINE_CHARS + 1)));
    assert!(out.text.contains("     2\tshort\n"));
}

#[tokio::test]
async fn output_is_capped_with_next_offset() {
    let dir = tempfile::tempdir().unwrap();
    // 1000 lines of ~1000 bytes: about 1 MB, far over the 15 KiB cap.
    let text: String = (1..=1000)
        .map(|i| format!("{i:04}{}\n", "y".repeat(996)))
        .collect();
    std::fs::write(dir.path().join("wide.txt"), text).unwrap();
    let out = read(dir.path(), json!({"path": "wide.txt"})).await.unwrap();
    assert!(out.text.len() <= MAX_OUTPUT_BYTES + 200);
    assert!(out.text.contains("15 KiB cap"));
    // Each numbered line takes 1008 bytes: 15 of them fit.
    assert!(out.text.contains("    15\t0015"));
    assert!(!out.text.contains("    16\t"));
    assert!(
        out.text
            .ends_with("… 985 more lines; call again with offset=16")
    );
}

#[tokio::test]
async fn binary_file_is_refused_with_its_size() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"ELF".to_vec();
    bytes.extend_from_slice(&[0u8; 100]);
    std::fs::write(dir.path().join("bin"), &bytes).unwrap();
    let err = read(dir.path(), json!({"path": "bin"})).await.unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("bin is a binary file (103 bytes)"), "{msg}");
}

#[tokio::test]
async fn directory_points_to_list_dir() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let msg = read(dir.path(), json!({"path": "sub"}))
        .await
        .unwrap_err()
        .to_string();
    assert!(msg.contains("sub is a directory"), "{msg}");
    assert!(msg.contains("list_dir"), "{msg}");
}

#[tokio::test]
async fn missing_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let msg = read(dir.path(), json!({"path": "nope/missing.rs"}))
        .await
        .unwrap_err()
        .to_string();
    assert!(msg.contains("file not found: nope/missing.rs"), "{msg}");
}

#[tokio::test]
async fn offset_past_end_says_how_many_lines() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), numbered(5)).unwrap();
    let msg = read(dir.path(), json!({"path": "a.txt", "offset": 9}))
        .await
        .unwrap_err()
        .to_string();
    assert!(msg.contains("offset 9 is past the end of a.txt"), "{msg}");
    assert!(msg.contains("it has 5 lines"), "{msg}");
}

#[tokio::test]
async fn empty_file_and_invalid_utf8() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty"), "").unwrap();
    let out = read(dir.path(), json!({"path": "empty"})).await.unwrap();
    assert_eq!(out.text, "(empty is an empty file)");

    std::fs::write(dir.path().join("latin1"), b"caf\xe9\n").unwrap();
    let out = read(dir.path(), json!({"path": "latin1"})).await.unwrap();
    assert_eq!(out.text, "     1\tcaf\u{FFFD}\n");
}

#[tokio::test]
async fn absolute_paths_work() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("abs.txt");
    std::fs::write(&file, "hi\n").unwrap();
    let other = tempfile::tempdir().unwrap();
    let out = read(other.path(), json!({"path": file.to_str().unwrap()}))
        .await
        .unwrap();
    assert_eq!(out.text, "     1\thi\n");
}

#[test]
fn schema_is_strict() {
    let spec = ReadFileTool::new().spec().clone();
    assert!(spec.read_only);
    assert_eq!(spec.parameters["additionalProperties"], json!(false));
    assert_eq!(spec.parameters["required"], json!(["path"]));
    assert!(!spec.description.is_empty());
}

/// A model's huge `offset` + `limit` reads to the end, never overflows.
#[tokio::test]
async fn a_huge_limit_reads_to_the_end() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), numbered(3)).unwrap();
    let out = read(
        dir.path(),
        json!({"path": "a.txt", "offset": 2, "limit": u64::MAX}),
    )
    .await
    .unwrap();
    assert!(!out.is_error, "{}", out.text);
    assert!(
        out.text.contains("line 2") && out.text.contains("line 3"),
        "{}",
        out.text
    );
}
