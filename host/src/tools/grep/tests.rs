use std::path::Path;

use serde_json::{Value, json};

use super::*;
use crate::tools::Tool;

fn ctx(dir: &Path) -> ToolContext {
    ToolContext::standalone(dir)
}

async fn grep(dir: &Path, args: Value) -> Result<ToolOutput, ToolError> {
    GrepTool::new().call(args, &ctx(dir)).await
}

fn write(root: &Path, rel: &str, text: impl AsRef<[u8]>) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).unwrap();
    write(root, ".git/config", "fn parse in git internals\n");
    write(root, ".gitignore", "target/\n");
    write(
        root,
        "src/lib.rs",
        "pub fn parse() {}\n\nfn helper() {\n    parse();\n}\n",
    );
    write(root, "src/cli.ts", "export function Parse() {}\n");
    write(root, "README.md", "Call parse to parse.\n");
    write(root, "target/out.rs", "fn parse() {} // generated\n");
    dir
}

#[tokio::test]
async fn matches_across_files_as_path_line_text() {
    let dir = project();
    let out = grep(dir.path(), json!({"pattern": r"parse\("}))
        .await
        .unwrap();
    assert_eq!(
        out.text,
        "src/lib.rs:1:pub fn parse() {}\nsrc/lib.rs:4:    parse();\n"
    );

    let out = grep(dir.path(), json!({"pattern": "parse"})).await.unwrap();
    assert_eq!(
        out.text,
        "README.md:1:Call parse to parse.\nsrc/lib.rs:1:pub fn parse() {}\nsrc/lib.rs:4:    parse();\n"
    );
}

#[tokio::test]
async fn gitignore_and_dot_git_are_skipped() {
    let dir = project();
    let out = grep(dir.path(), json!({"pattern": "generated|internals"}))
        .await
        .unwrap();
    assert_eq!(out.text, "No matches.");
}

#[tokio::test]
async fn glob_filters_files() {
    let dir = project();
    let out = grep(dir.path(), json!({"pattern": "(?i)parse", "glob": "*.ts"}))
        .await
        .unwrap();
    assert_eq!(out.text, "src/cli.ts:1:export function Parse() {}\n");
    let out = grep(
        dir.path(),
        json!({"pattern": "parse", "glob": "src/**/*.rs"}),
    )
    .await
    .unwrap();
    assert!(
        out.text.lines().all(|l| l.starts_with("src/lib.rs:")),
        "{}",
        out.text
    );
}

#[tokio::test]
async fn case_insensitive_flag() {
    let dir = project();
    let out = grep(dir.path(), json!({"pattern": "PARSE", "path": "src"}))
        .await
        .unwrap();
    assert_eq!(out.text, "No matches.");
    let out = grep(
        dir.path(),
        json!({"pattern": "PARSE", "path": "src", "case_insensitive": true}),
    )
    .await
    .unwrap();
    assert_eq!(
        out.text,
        "src/cli.ts:1:export function Parse() {}\nsrc/lib.rs:1:pub fn parse() {}\nsrc/lib.rs:4:    parse();\n"
    );
}

#[tokio::test]
async fn single_file_and_absolute_paths() {
    let dir = project();
    let out = grep(
        dir.path(),
        json!({"pattern": "helper", "path": "src/lib.rs"}),
    )
    .await
    .unwrap();
    assert_eq!(out.text, "src/lib.rs:3:fn helper() {\n");

    let elsewhere = tempfile::tempdir().unwrap();
    let abs = dir.path().join("src");
    let out = grep(
        elsewhere.path(),
        json!({"pattern": "helper", "path": abs.to_str().unwrap()}),
    )
    .await
    .unwrap();
    assert_eq!(
        out.text,
        format!("{}:3:fn helper() {{\n", abs.join("lib.rs").display())
    );
}

#[tokio::test]
async fn invalid_regex_quotes_the_error() {
    let dir = project();
    let msg = grep(dir.path(), json!({"pattern": "fn (parse"}))
        .await
        .unwrap_err()
        .to_string();
    assert!(msg.contains("invalid regex \"fn (parse\""), "{msg}");
    assert!(msg.contains("unclosed group"), "{msg}");
}

#[tokio::test]
async fn max_results_caps_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let many: String = (0..30).map(|i| format!("hit {i}\n")).collect();
    write(dir.path(), "a.txt", &many);
    write(dir.path(), "b.txt", &many);
    let out = grep(dir.path(), json!({"pattern": "hit", "max_results": 40}))
        .await
        .unwrap();
    let lines: Vec<&str> = out.text.lines().collect();
    assert_eq!(lines.len(), 41);
    assert_eq!(lines[0], "a.txt:1:hit 0");
    assert_eq!(lines[39], "b.txt:10:hit 9");
    assert!(lines[40].contains("stopped at 40 matches"), "{}", lines[40]);

    // Exactly as many matches as allowed: no note.
    let out = grep(dir.path(), json!({"pattern": "hit", "max_results": 60}))
        .await
        .unwrap();
    assert_eq!(out.text.lines().count(), 60);
    assert!(!out.text.contains("stopped"));
}

#[tokio::test]
async fn binary_files_are_skipped_and_long_lines_cut() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "blob.bin", b"needle\0\x01\x02needle\n");
    write(
        dir.path(),
        "long.txt",
        format!("needle{}\n", "z".repeat(2000)),
    );
    let out = grep(dir.path(), json!({"pattern": "needle"}))
        .await
        .unwrap();
    let lines: Vec<&str> = out.text.lines().collect();
    assert_eq!(lines.len(), 1, "{}", out.text);
    assert!(lines[0].starts_with("long.txt:1:needle"));
    assert!(lines[0].ends_with("… [line cut]"));
    assert_eq!(
        lines[0].chars().count(),
        "long.txt:1:".len() + 500 + "… [line cut]".chars().count()
    );
}

#[tokio::test]
async fn missing_path_and_bad_glob_are_errors() {
    let dir = project();
    let msg = grep(dir.path(), json!({"pattern": "x", "path": "nowhere"}))
        .await
        .unwrap_err()
        .to_string();
    assert!(msg.contains("path not found: nowhere"), "{msg}");
    let msg = grep(dir.path(), json!({"pattern": "x", "glob": "a[b"}))
        .await
        .unwrap_err()
        .to_string();
    assert!(msg.contains("invalid glob \"a[b\""), "{msg}");
}

#[tokio::test]
async fn cancelled_search_is_interrupted() {
    let dir = project();
    let c = ctx(dir.path());
    c.cancel.cancel();
    let err = GrepTool::new()
        .call(json!({"pattern": "parse"}), &c)
        .await
        .unwrap_err();
    assert!(matches!(err, ToolError::Interrupted));
}

#[test]
fn schema_is_strict() {
    let spec = GrepTool::new().spec().clone();
    assert!(spec.read_only);
    assert_eq!(spec.parameters["additionalProperties"], json!(false));
    assert_eq!(spec.parameters["required"], json!(["pattern"]));
}

#[tokio::test]
async fn names_are_escaped_and_unreadable_entries_counted() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "new\nline.txt", "needle\n");
    write(root, "secret.txt", "needle\n");
    write(root, "locked/in.txt", "needle\n");
    let mode = |p: &str, m: u32| {
        std::fs::set_permissions(root.join(p), std::fs::Permissions::from_mode(m)).unwrap()
    };
    mode("secret.txt", 0o000);
    mode("locked", 0o000);
    let job = Job {
        root: root.to_path_buf(),
        shown: ".".into(),
        cwd: root.to_path_buf(),
        pattern: "needle".into(),
        glob: None,
        case_insensitive: false,
        max: 10,
    };
    let out = crate::tools::unreadable::with_modes_enforced(move || {
        job.run(&CancellationToken::new()).unwrap()
    });
    mode("secret.txt", 0o644);
    mode("locked", 0o755);
    assert_eq!(
        out,
        "\"new\\nline.txt\":1:needle\n[2 entries could not be read and were skipped (permission denied): locked, secret.txt]\n"
    );
}

#[tokio::test]
async fn a_line_longer_than_the_buffer_is_searched_and_shown_around_the_match() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = "x".repeat(3 * LINE_LIMIT);
    text.push_str("needle_deep");
    text.push_str(&"y".repeat(1000));
    text.push_str("\nshort needle_deep line\n");
    write(dir.path(), "one.txt", &text);
    write(dir.path(), "two.txt", "needle_deep too\n");
    let out = grep(dir.path(), json!({"pattern": "needle_deep"}))
        .await
        .unwrap();
    let lines: Vec<&str> = out.text.lines().collect();
    assert_eq!(lines.len(), 3, "{}", out.text);
    assert!(
        lines[0].starts_with(&format!(
            "one.txt:1:[{} bytes of the line left out] …{}needle_deepyyy",
            3 * LINE_LIMIT - 100,
            "x".repeat(100)
        )),
        "{}",
        &lines[0][..200]
    );
    assert!(lines[0].ends_with("… [line cut]"));
    assert_eq!(lines[1], "one.txt:2:short needle_deep line");
    assert_eq!(lines[2], "two.txt:1:needle_deep too");
}
