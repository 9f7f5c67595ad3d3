//! Targets, instructions, scope and the split of large diffs.

use serde_json::json;

use super::repo::*;

/// `--staged` reviews only what is staged; the instructions reach the pass.
#[test]
fn staged_target_combines_with_instructions() {
    let env = repo_with(&[("a.rs", "fn a() {}\n"), ("b.rs", "fn b() {}\n")]);
    env.write("a.rs", "fn a() { UNSTAGED_MARK }\n");
    env.write("b.rs", "fn b() { STAGED_MARK }\n");
    git(&env, &["add", "b.rs"]);
    triage_flags_nothing(&env, 1);
    let (run, report) = review_json(&env, &["--staged", "look", "for", "SQL", "injection"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let triage = requests_of(&env, TRIAGE);
    assert_eq!(triage.len(), 1);
    assert!(
        triage[0].contains("look for SQL injection"),
        "instructions missing"
    );
    assert!(triage[0].contains("STAGED_MARK"));
    assert!(
        !triage[0].contains("UNSTAGED_MARK"),
        "unstaged change was reviewed"
    );
    assert_eq!(report["target"], "staged changes");
    assert_eq!(report["instructions"], "look for SQL injection");
}

/// `--commit`, `--range` and `--base` review what git says they hold; a
/// revision that does not exist is a usage error naming it.
#[test]
fn commit_range_and_base_targets() {
    let env = repo_with(&[("a.rs", "one\n")]);
    let first = git(&env, &["rev-parse", "HEAD"]).trim().to_string();
    env.write("a.rs", "one\nCOMMIT_MARK\n");
    git(&env, &["commit", "-q", "-am", "second"]);
    env.write("a.rs", "one\nCOMMIT_MARK\nWORKTREE_MARK\n");
    let range = format!("{first}..HEAD");
    for args in [
        vec!["--commit", "HEAD"],
        vec!["--range", range.as_str()],
        vec!["--base", first.as_str()],
    ] {
        let last = one_triage(&env, &args);
        assert!(last.contains("COMMIT_MARK"), "{args:?}");
        assert!(!last.contains("WORKTREE_MARK"), "{args:?}");
    }
    let run = env.run(&["review", "--base", "no-such-branch"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("no-such-branch"), "{}", run.stderr);
    let run = env.run(&["review", "--base", "--output=/tmp/x"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

/// A 3,000-line change in a small context window: many triage requests,
/// each below the window, and together they carry every line.
#[test]
fn a_large_diff_is_split_so_no_request_exceeds_the_window() {
    let window = 6000usize;
    let env = repo_with_config(
        &[("big.rs", "")],
        &format!("[models.test-model]\ncontext_window = {window}\n"),
    );
    env.write("big.rs", &lines("let value_of_line =", 3000));
    env.write("small.rs", "fn small() {}\n");
    git(&env, &["add", "-A"]);
    triage_flags_nothing(&env, 200);
    let (run, report) = review_json(&env, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let triage = requests_of(&env, TRIAGE);
    assert!(triage.len() >= 8, "only {} triage requests", triage.len());
    assert_eq!(report["stats"]["triage_requests"], triage.len());
    for body in &triage {
        assert!(
            body.len() / 4 < window,
            "a request of ~{} tokens",
            body.len() / 4
        );
    }
    for n in [1, 1500, 3000] {
        let needle = format!("let value_of_line = {n}\\n");
        let holders = triage.iter().filter(|b| b.contains(&needle)).count();
        assert_eq!(holders, 1, "line {n} in {holders} requests");
    }
    assert!(
        triage.iter().any(|b| b.contains("H1.2 big.rs")),
        "no split parts"
    );
    assert!(triage.iter().any(|b| b.contains("small.rs")));
}

/// Lockfiles and files .gitattributes marks generated are skipped and
/// reported; `[review] include_generated` brings them back.
#[test]
fn generated_vendored_and_lock_files_are_skipped_by_default() {
    let env = repo_with(&[
        (
            ".gitattributes",
            "gen/** linguist-generated\nthird_party/** linguist-vendored\n",
        ),
        ("src/a.rs", "a\n"),
    ]);
    env.write("src/a.rs", "a\nREAL_MARK\n");
    env.write("Cargo.lock", "LOCK_MARK\n");
    env.write("gen/out.rs", "GEN_MARK\n");
    env.write("third_party/lib.c", "VENDOR_MARK\n");
    git(&env, &["add", "-A"]);
    triage_flags_nothing(&env, 2);
    let (run, report) = review_json(&env, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let triage = requests_of(&env, TRIAGE).join("\n");
    assert!(triage.contains("REAL_MARK"));
    for mark in ["LOCK_MARK", "GEN_MARK", "VENDOR_MARK"] {
        assert!(!triage.contains(mark), "{mark} was reviewed");
    }
    let skipped: Vec<&str> = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["path"].as_str().unwrap())
        .collect();
    assert_eq!(skipped.len(), 3, "{skipped:?}");
    let (run, _) = review_json(&env, &["-c", "review.include_generated=true"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let last = requests_of(&env, TRIAGE).pop().unwrap();
    assert!(last.contains("GEN_MARK") && last.contains("LOCK_MARK"));
}

/// `/review` in the line REPL: same options and instructions, the human
/// view on stdout, and the session goes on.
#[test]
fn slash_review_in_the_line_repl() {
    use std::io::Write;
    let env = repo_with(&[("a.rs", "fn a() {}\n")]);
    env.write("a.rs", "fn a() { STAGED_MARK }\n");
    git(&env, &["add", "a.rs"]);
    triage_flags_nothing(&env, 1);
    let mut cmd = env.command(&[]);
    cmd.stdin(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("spawn quire");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin
        .write_all(b"/review --staged mind the locks\n/quit\n")
        .expect("write");
    drop(stdin);
    let run = crate::support::quire::finish(child);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let triage = requests_of(&env, TRIAGE);
    assert_eq!(triage.len(), 1, "{}", run.stderr);
    assert!(triage[0].contains("mind the locks") && triage[0].contains("STAGED_MARK"));
    assert!(
        run.stdout.contains("Review of staged changes"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("No findings"), "{}", run.stdout);
}

/// Nothing changed: the review says so without asking a model, so it
/// needs neither a provider key nor a server.
#[test]
fn an_empty_diff_is_reported_without_a_model_or_key() {
    let env = repo_with(&[("a.rs", "fn a() {}\n")]);
    let mut cmd = env.command(&["review", "--uncommitted"]);
    cmd.env_remove("QUIRE_TEST_API_KEY");
    let run = crate::support::quire::finish(cmd.spawn().unwrap());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("No findings"), "{}", run.stdout);
    assert!(run.stdout.contains("0 hunks"), "{}", run.stdout);
    assert!(env.server.requests().is_empty(), "a model was asked");
}

/// Nothing changed but a new file git does not track: the review says
/// there was nothing to review and how to include the file, not only
/// "No findings".
#[test]
fn an_empty_diff_says_so_and_names_untracked_files() {
    let env = repo_with(&[("a.rs", "fn a() {}\n")]);
    env.write("new.py", "print('hi')\n");
    env.write("odd\nname.py", "print('hi')\n");
    let run = env.run(&["review"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "nothing to review: the diff is empty; 2 untracked file(s) (new.py, \"odd\\nname.py\")"
        ) && run.stderr.contains("git add -N"),
        "{}",
        run.stderr
    );
    assert!(
        env.server.requests().is_empty(),
        "no model call for an empty diff"
    );
}

/// A change that marks itself generated in `.gitattributes` is still
/// reviewed: the attributes come from the base, and `.gitattributes`
/// itself is never skipped.
#[test]
fn a_change_marking_itself_generated_is_reviewed_with_the_bases_attributes() {
    let env = repo_with(&[("main.rs", "fn main() {}\n")]);
    let base = git(&env, &["rev-parse", "HEAD"]).trim().to_string();
    env.write(".gitattributes", "* linguist-generated\n");
    env.write("evil.rs", "fn evil() { EVIL_MARK }\n");
    git(&env, &["add", "-A"]);
    git(&env, &["commit", "-q", "-m", "pr"]);
    for args in [vec!["--base", base.as_str()], vec!["--commit", "HEAD"]] {
        triage_flags_nothing(&env, 1);
        let (run, report) = review_json(&env, &args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        let last = requests_of(&env, TRIAGE).pop().unwrap_or_default();
        assert!(last.contains("EVIL_MARK"), "{args:?}: evil.rs was skipped");
        assert!(
            last.contains("linguist-generated"),
            "{args:?}: .gitattributes was skipped"
        );
        assert_eq!(
            report["skipped"].as_array().map(Vec::len),
            Some(0),
            "{report}"
        );
    }
}

/// A renamed file is reviewed for what changed, under its new name (not
/// as a deleted file plus a wholly new one); a name with a line break is
/// the real name in the report and shown quoted, the way git quotes it.
#[test]
fn renames_are_paired_and_odd_names_are_decoded() {
    let odd = "new\nline.txt";
    let env = repo_with(&[("old.txt", &lines("line", 200)), (odd, "x\n")]);
    git(&env, &["mv", "old.txt", "renamed.txt"]);
    env.write("renamed.txt", &(lines("line", 200) + "ADDED_MARK\n"));
    env.write(odd, "x\ny\n");
    git(&env, &["add", "-A"]);
    // H1 is the odd name's hunk, H2 the renamed file's.
    let script = |file: &str| {
        env.server.push_keyed(TRIAGE, flags(&["H1"]));
        let f = finding(file, 2, "P1", "odd bug");
        env.server.push_keyed(
            "AREA: \\\"new\\\\nline.txt\\\"",
            findings(json!([f.clone()])),
        );
        env.server.push_keyed(MERGE, findings(json!([f])));
    };
    // The model names the file as the prompt showed it, quoted.
    script("\"new\\nline.txt\"");
    let (run, report) = review_json(&env, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(report["skipped"], json!([]), "{report}");
    let triage = requests_of(&env, TRIAGE);
    let last = triage.last().unwrap();
    assert!(last.contains("renamed.txt (new lines 198-201)"), "{last}");
    assert!(
        !last.contains("line 1\\n"),
        "unchanged lines reviewed: {last}"
    );
    assert!(
        last.contains("H1 \\\"new\\\\nline.txt\\\" (new lines 1-2)"),
        "{last}"
    );
    assert_eq!(report["findings"][0]["file"], odd, "{report}");
    // People see the name quoted, with its code.
    script(odd);
    let run = env.run(&["review"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("\n\"new\\nline.txt\"\n"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("    2 │ y"), "{}", run.stdout);
    // A rename with no text change is skipped, saying so.
    git(&env, &["commit", "-q", "-m", "second"]);
    git(&env, &["mv", "renamed.txt", "moved.txt"]);
    let (run, report) = review_json(&env, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        report["skipped"],
        json!([{"path": "moved.txt", "reason": "renamed from renamed.txt, no text changes"}]),
        "{report}"
    );
}

/// The human view names the skipped files and why, as `--json`'s
/// `skipped` does, clipped when there are many.
#[test]
fn the_human_view_lists_the_skipped_files_and_why() {
    let env = repo_with(&[
        (".gitattributes", "gen/** linguist-generated\n"),
        ("src/a.rs", "a\n"),
    ]);
    env.write("src/a.rs", "a\nREAL_MARK\n");
    env.write("Cargo.lock", "LOCK_MARK\n");
    env.write("gen/out.rs", "GEN_MARK\n");
    git(&env, &["add", "-A"]);
    triage_flags_nothing(&env, 1);
    let run = env.run(&["review"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("Skipped 2 file(s), not reviewed:\n")
            && run.stdout.contains("\n  Cargo.lock (")
            && run
                .stdout
                .contains("\n  gen/out.rs (generated or vendored (.gitattributes))\n"),
        "{}",
        run.stdout
    );

    for i in 0..12 {
        env.write(&format!("gen/more{i:02}.rs"), "GEN_MARK\n");
    }
    git(&env, &["add", "-A"]);
    triage_flags_nothing(&env, 1);
    let run = env.run(&["review"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("Skipped 14 file(s), not reviewed:\n")
            && run
                .stdout
                .contains("  … and 4 more (--json lists them all)\n"),
        "{}",
        run.stdout
    );
    assert_eq!(run.stdout.matches("(generated or vendored").count(), 9);
}
