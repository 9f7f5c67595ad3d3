//! Outputs and what CI does with them: SARIF checked against the SARIF
//! 2.1.0 schema, GitHub annotations, --fail-on exit codes, suppression,
//! --output-schema, and `review apply`.

use serde_json::{Value, json};

use super::repo::*;
use crate::support::quire::TestEnv;

/// `value` is valid against the JSON Schema in `schema`.
pub fn check(schema: &str, value: &Value) {
    let schema: Value = serde_json::from_str(schema).expect("schema is JSON");
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler
        .add_resource("urn:test", schema)
        .expect("add schema");
    let index = compiler
        .compile("urn:test", &mut schemas)
        .expect("schema compiles");
    if let Err(e) = schemas.validate(value, index) {
        panic!("not valid: {e}\n{value:#}");
    }
}

/// The report fits the documented schema (host/src/review/report.schema.json).
pub fn check_report_schema(report: &Value) {
    check(
        include_str!("../../../src/review/report.schema.json"),
        report,
    );
}

/// A repository whose review finds one finding of `severity` in b.rs.
fn one_finding(severity: &str, extra: Value) -> TestEnv {
    let env = repo_with(&[("b.rs", "fn b() {}\n")]);
    env.write(
        "b.rs",
        "fn b() {}\nfn c() { let q = format!(\"SELECT {}\", x); }\n",
    );
    script_one(&env, severity, extra);
    env
}

fn script_one(env: &TestEnv, severity: &str, extra: Value) {
    let mut f = finding("b.rs", 2, severity, "SQL built by hand");
    if let (Some(o), Some(e)) = (f.as_object_mut(), extra.as_object()) {
        o.extend(e.clone());
    }
    env.server.push_keyed(TRIAGE, flags(&["H1"]));
    env.server
        .push_keyed("AREA: b.rs", findings(json!([f.clone()])));
    env.server.push_keyed(MERGE, findings(json!([f])));
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let env = one_finding("P1", json!({}));
    let run = env.run(&["review", "--format", "sarif"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let sarif: Value = serde_json::from_str(&run.stdout).expect("SARIF is JSON");
    check(
        include_str!("../../fixtures/sarif/sarif-2.1.0.json"),
        &sarif,
    );
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["level"], "error");
    let place = &result["locations"][0]["physicalLocation"];
    assert_eq!(place["artifactLocation"]["uri"], "b.rs");
    assert_eq!(place["region"]["startLine"], 2);
}

#[test]
fn github_format_prints_workflow_annotations() {
    let env = one_finding("P2", json!({}));
    let run = env.run(&["review", "--format", "github"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let line = run.stdout.lines().next().unwrap_or_default();
    assert!(
        line.starts_with(
            "::warning file=b.rs,line=2,endLine=2,title=P2 correctness%3A SQL built by hand::"
        ),
        "{line}"
    );
    // No fix to apply: the annotation does not offer `quire review apply`.
    assert!(!line.contains("quire review apply"), "{line}");
}

#[test]
fn fail_on_sets_the_exit_code() {
    let env = one_finding("P2", json!({}));
    let run = env.run(&["review", "--fail-on", "P1"]);
    assert_eq!(run.code, 0, "P2 is below P1: {}", run.stderr);
    script_one(&env, "P2", json!({}));
    let run = env.run(&["review", "--fail-on", "P2"]);
    assert_eq!(run.code, 1, "P2 is at P2: {}", run.stderr);
    script_one(&env, "P0", json!({}));
    let run = env.run(&["review", "--json", "--fail-on", "p3"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let run = env.run(&["review", "--fail-on", "P9"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

/// review.ignore patterns and `quire-review: ignore` comments hide findings.
#[test]
fn ignore_patterns_and_inline_comments_suppress_findings() {
    let env = one_finding("P1", json!({}));
    let (run, report) = review_json(
        &env,
        &[
            "-c",
            "review.ignore=[\"b.rs#sql built\"]",
            "--fail-on",
            "P1",
        ],
    );
    assert_eq!(
        run.code, 0,
        "suppressed findings do not fail: {}",
        run.stderr
    );
    assert_eq!(report["findings"].as_array().map(Vec::len), Some(0));
    assert_eq!(report["suppressed"], 1);
    env.write(
        "b.rs",
        "fn b() {}\n// quire-review: ignore\nfn c() { let q = format!(\"SELECT {}\", x); }\n",
    );
    script_one(&env, "P1", json!({"line_start": 3, "line_end": 3}));
    let (run, report) = review_json(&env, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(report["suppressed"], 1, "{report:#}");
}

/// The user's schema is asked for; an answer that does not fit is asked
/// again with the problems; what is printed fits.
#[test]
fn output_schema_is_honoured() {
    let env = one_finding("P1", json!({}));
    let schema = json!({
        "type": "object",
        "required": ["verdict", "issues"],
        "properties": {
            "verdict": {"enum": ["approve", "request-changes"]},
            "issues": {"type": "array", "items": {"type": "string"}}
        },
        "additionalProperties": false
    });
    env.write("schema.json", &schema.to_string());
    let pass = "REVIEW-PASS: output-schema";
    env.server.push_keyed(
        pass,
        crate::support::model_server::Reply::text("{\"verdict\": \"maybe\"}"),
    );
    env.server.push_keyed(
        pass,
        crate::support::model_server::Reply::text(
            "```json\n{\"verdict\": \"request-changes\", \"issues\": [\"SQL built by hand\"]}\n```",
        ),
    );
    let run = env.run(&["review", "--output-schema", "schema.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out: Value = serde_json::from_str(&run.stdout).expect("JSON");
    check(&schema.to_string(), &out);
    assert_eq!(out["verdict"], "request-changes");
    let asked = requests_of(&env, pass);
    assert_eq!(asked.len(), 2);
    assert!(
        asked[0].contains("SQL built by hand"),
        "the review is in the request"
    );
    assert!(
        asked[1].contains("/verdict"),
        "the second request names the problem"
    );
}

/// `quire review apply ID` applies the finding's suggested patch.
#[test]
fn apply_uses_the_suggested_patch() {
    let patch = "*** Begin Patch\n*** Update File: b.rs\n@@\n-fn c() { let q = format!(\"SELECT {}\", x); }\n+fn c() { let q = query::select(x); }\n*** End Patch\n";
    let env = one_finding("P1", json!({"suggested_patch": patch}));
    let (run, report) = review_json(&env, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let id = report["findings"][0]["id"]
        .as_str()
        .expect("an id")
        .to_string();
    script_one(&env, "P1", json!({"suggested_patch": patch}));
    let run = env.run(&["review"]);
    assert!(
        run.stdout
            .contains(&format!("fix available (b.rs): quire review apply {id}")),
        "{}",
        run.stdout
    );
    // Not on a terminal, it cannot ask: refused without --yes.
    let run = env.run(&["review", "apply", &id]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("stdin is not a terminal") && run.stderr.contains("pass --yes"),
        "{}",
        run.stderr
    );
    assert!(!env.read("b.rs").contains("query::select(x)"));
    let run = env.run(&["review", "apply", "--yes", &id]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The patch is shown (files, then the diff) before what it changed.
    let shown = run
        .stdout
        .find(&format!(
            "Patch of {id} (changes b.rs):\n  *** Begin Patch\n  *** Update File: b.rs\n"
        ))
        .expect(&run.stdout);
    let done = run.stdout.find("Success.").expect(&run.stdout);
    assert!(
        shown < done
            && run
                .stdout
                .contains("  +fn c() { let q = query::select(x); }\n"),
        "{}",
        run.stdout
    );
    assert!(
        env.read("b.rs").contains("query::select(x)"),
        "{}",
        env.read("b.rs")
    );
    let run = env.run(&["review", "apply", "Rdeadbeef"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(&id),
        "lists the known ids: {}",
        run.stderr
    );
}

/// A suggested patch that also changes `.git/config` (a command git
/// would run) or another file is refused by name and nothing is written;
/// the report says so instead of offering the fix.
#[test]
fn apply_refuses_a_patch_outside_the_findings_file() {
    let cases = [
        (
            ".git/config",
            "[core]\n+\tfsmonitor = touch canary; false",
            "inside .git/",
        ),
        (
            "a.rs",
            "fn a() {}\n+fn planted() {}",
            "not the finding's file b.rs",
        ),
        ("../outside.rs", "x\n+y", "no absolute path, no .."),
    ];
    for (other, hunk, why) in cases {
        let patch = format!(
            "*** Begin Patch\n*** Update File: b.rs\n@@\n fn b() {{}}\n+fn fixed() {{}}\n*** Update File: {other}\n@@\n {hunk}\n*** End Patch\n"
        );
        let env = one_finding("P1", json!({"suggested_patch": patch}));
        env.write("a.rs", "fn a() {}\n");
        let config = env.read(".git/config");
        let run = env.run(&["review"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            run.stdout
                .contains(&format!("suggested fix refused: it touches {other}"))
                && run.stdout.contains(why)
                && !run.stdout.contains("fix available"),
            "{other}: {}",
            run.stdout
        );
        script_one(&env, "P1", json!({"suggested_patch": patch}));
        let (_, report) = review_json(&env, &[]);
        let id = report["findings"][0]["id"]
            .as_str()
            .expect("an id")
            .to_string();
        let run = env.run(&["review", "apply", &id]);
        assert_eq!(run.code, 2, "{other}: {}", run.stdout);
        assert!(
            run.stderr.contains(&format!("it touches {other}")) && run.stderr.contains(why),
            "{other}: {}",
            run.stderr
        );
        assert!(
            !env.read("b.rs").contains("fixed"),
            "{other}: b.rs was patched"
        );
        assert_eq!(env.read(".git/config"), config, "{other}");
        assert_eq!(env.read("a.rs"), "fn a() {}\n", "{other}");
    }
}

/// A finding's file that is a symlink into `.git/` is not patched through.
/// Links in the change are skipped (a finding on one is dropped); a file
/// the reviewed commit changed and the working tree has since made a link
/// is reviewed, and its patch refused.
#[cfg(unix)]
#[test]
fn apply_refuses_a_symlink_into_the_git_folder() {
    let link = |env: &crate::support::quire::TestEnv, outside: &std::path::Path| {
        for name in ["link.rs", "out.rs"] {
            let _ = std::fs::remove_file(env.repo.path().join(name));
        }
        std::os::unix::fs::symlink(".git/config", env.repo.path().join("link.rs"))
            .expect("symlink");
        std::os::unix::fs::symlink(outside.join("outside.rs"), env.repo.path().join("out.rs"))
            .expect("symlink");
    };
    let outside = tempfile::tempdir().expect("tempdir");
    std::fs::write(outside.path().join("outside.rs"), "x\n").expect("write");
    let patch = "*** Begin Patch\n*** Update File: link.rs\n@@\n [core]\n+\tfsmonitor = touch canary; false\n*** End Patch\n";
    let mut f = finding("link.rs", 1, "P1", "odd link");
    f["suggested_patch"] = json!(patch);
    let mut g = finding("out.rs", 1, "P2", "odd outer link");
    g["suggested_patch"] =
        json!("*** Begin Patch\n*** Update File: out.rs\n@@\n+x\n*** End Patch\n");
    let both = json!([f, g]);
    let both_again = || both.clone();

    let env = repo_with(&[("b.rs", "fn b() {}\n")]);
    link(&env, outside.path());
    env.write("b.rs", "fn b() {}\nfn c() {}\n");
    git(&env, &["add", "link.rs", "out.rs", "b.rs"]);
    // The links are skipped (as binaries are): the one hunk is b.rs's.
    env.server.push_keyed(TRIAGE, flags(&["H1"]));
    env.server.push_keyed("AREA: b.rs", findings(both.clone()));
    let (run, report) = review_json(&env, &["--staged"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let skipped = report["skipped"].to_string();
    assert!(
        skipped.contains(r#"{"path":"link.rs","reason":"symbolic link"}"#)
            && skipped.contains(r#"{"path":"out.rs","reason":"symbolic link"}"#),
        "{skipped}"
    );
    let triage = requests_of(&env, TRIAGE);
    assert_eq!(triage.len(), 1);
    assert!(
        !triage[0].contains(".git/config"),
        "a link's target is no content"
    );
    assert_eq!(report["findings"], json!([]), "{report:#}");
    assert!(
        run.stderr
            .contains("link.rs is not part of the reviewed change"),
        "{}",
        run.stderr
    );

    // Plain files in the reviewed commit, links in the working tree now.
    let env = repo_with(&[("link.rs", "[core]\n"), ("out.rs", "x\n")]);
    env.write("link.rs", "[core]\n\tbare = false\n");
    env.write("out.rs", "x\ny\n");
    git(&env, &["commit", "-q", "-am", "plain"]);
    link(&env, outside.path());
    let config = env.read(".git/config");
    env.server.push_keyed(TRIAGE, flags(&["H1"]));
    env.server
        .push_keyed("AREA: link.rs", findings(both.clone()));
    env.server.push_keyed(MERGE, findings(both.clone()));
    let (run, report) = review_json(&env, &["--commit", "HEAD"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The report says apply would refuse them, as apply does.
    env.server.push_keyed(TRIAGE, flags(&["H1"]));
    env.server
        .push_keyed("AREA: link.rs", findings(both_again()));
    env.server.push_keyed(MERGE, findings(both_again()));
    let human = env.run(&["review", "--commit", "HEAD"]);
    assert!(!human.stdout.contains("fix available"), "{}", human.stdout);
    assert!(
        human
            .stdout
            .contains("suggested fix refused: link.rs leads to")
            && human.stdout.contains("inside .git/")
            && human
                .stdout
                .contains("suggested fix refused: out.rs leads to")
            && human.stdout.contains("outside the repository"),
        "{}",
        human.stdout
    );
    let id = report["findings"][0]["id"]
        .as_str()
        .expect("an id")
        .to_string();
    let run = env.run(&["review", "apply", &id]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stderr.contains("inside .git/"), "{}", run.stderr);
    assert_eq!(env.read(".git/config"), config);
}

/// The human view groups by file and shows the code.
#[test]
fn human_view_shows_the_code() {
    let env = one_finding("P1", json!({}));
    let run = env.run(&["review"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("\nb.rs\n"), "{}", run.stdout);
    assert!(
        run.stdout.contains("P1 SQL built by hand [correctness]"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("    2 │ fn c() { let q"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains('\x1b'), "NO_COLOR is set");
    // The subagents on stderr, one line each way.
    assert!(
        run.stderr
            .contains("▸ agent review-correctness: review b.rs for correctness problems\n"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("◂ agent review-correctness done"),
        "{}",
        run.stderr
    );
}

/// Every changed file of the change is skipped (by the base's
/// attributes and `[review] skip`): the review says how many and why —
/// not that the diff is empty — in every format, and `--fail-on` fails
/// because nothing was reviewed. Without `--fail-on` it exits 0.
#[test]
fn a_change_whose_files_are_all_skipped_fails_the_gate() {
    let env = repo_with(&[
        (".gitattributes", "gen/** linguist-generated\n"),
        ("gen/out.rs", "a\n"),
        ("docs/x.md", "d\n"),
    ]);
    let base = git(&env, &["rev-parse", "HEAD"]).trim().to_string();
    env.write("gen/out.rs", "a\nfn evil() {}\n");
    env.write("docs/x.md", "d\ne\n");
    git(&env, &["commit", "-qam", "pr"]);
    let why = "nothing was reviewed: all 2 changed file(s) were skipped (1 matches [review] skip: docs/x.md; 1 generated or vendored (.gitattributes): gen/out.rs)";
    let review = |format: &str, gate: bool| {
        let mut args = vec![
            "review",
            "--base",
            &base,
            "--format",
            format,
            "-c",
            "review.skip=[\"docs/**\"]",
        ];
        if gate {
            args.extend(["--fail-on", "P1"]);
        }
        let run = env.run(&args);
        assert!(!run.stderr.contains("the diff is empty"), "{}", run.stderr);
        assert!(
            run.stderr.contains(&format!("note: {why}")),
            "{}",
            run.stderr
        );
        if gate {
            assert_eq!(run.code, 1, "{format}: {}", run.stderr);
            assert!(
                run.stderr.contains(&format!(
                    "error: --fail-on: {why}; a review that did not happen cannot pass"
                )),
                "{}",
                run.stderr
            );
        } else {
            assert_eq!(run.code, 0, "{format}: {}", run.stderr);
        }
        run
    };
    let run = review("human", true);
    assert!(
        run.stdout
            .contains("Nothing was reviewed: all 2 changed file(s)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("Nothing reviewed · 2 file(s) skipped"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("No findings"), "{}", run.stdout);
    let run = review("json", true);
    let report: Value = serde_json::from_str(&run.stdout).expect("JSON");
    check_report_schema(&report);
    assert_eq!(report["not_reviewed"], why);
    let run = review("github", true);
    assert_eq!(
        run.stdout,
        format!("::error title=quire review%3A nothing reviewed::{why}\n")
    );
    let run = review("sarif", true);
    let sarif: Value = serde_json::from_str(&run.stdout).expect("SARIF is JSON");
    check(
        include_str!("../../fixtures/sarif/sarif-2.1.0.json"),
        &sarif,
    );
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert_eq!(
        invocation["toolExecutionNotifications"][0]["message"]["text"],
        why
    );
    review("human", false);
    assert!(env.server.requests().is_empty(), "a model was asked");
}

/// A change that only updates a lockfile has nothing a review could look
/// at: it is reported as skipped and `--fail-on` passes.
#[test]
fn a_lockfile_only_change_passes_the_gate() {
    let env = repo_with(&[("Cargo.lock", "a\n")]);
    env.write("Cargo.lock", "b\n");
    let run = env.run(&["review", "--fail-on", "P1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "nothing was reviewed: all 1 changed file(s) were skipped (1 lockfile: Cargo.lock)"
        ),
        "{}",
        run.stderr
    );
}

/// On a terminal, `quire review apply ID` shows the patch and asks: `n`
/// (or Enter) changes nothing, `y` applies it.
#[test]
fn apply_asks_on_a_terminal() {
    let patch = "*** Begin Patch\n*** Update File: b.rs\n@@\n-fn c() { let q = format!(\"SELECT {}\", x); }\n+fn c() { let q = query::select(x); }\n*** End Patch\n";
    let env = one_finding("P1", json!({"suggested_patch": patch}));
    let (run, report) = review_json(&env, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let id = report["findings"][0]["id"].as_str().expect("an id");
    for (answer, code) in [("\r", 1), ("n\r", 1), ("y\r", 0)] {
        let mut pty =
            crate::support::pty::Pty::spawn(env.command(&["review", "apply", id]), 30, 120);
        pty.wait_text("Apply this patch to b.rs? [y/N]");
        assert!(
            !env.read("b.rs").contains("query::select(x)"),
            "applied before the answer"
        );
        pty.send(answer);
        assert_eq!(pty.wait_exit(), code, "{answer:?}: {}", pty.output());
        let applied = env.read("b.rs").contains("query::select(x)");
        assert_eq!(applied, code == 0, "{answer:?}: {}", pty.output());
        if code == 1 {
            assert!(pty.output().contains("not applied: nothing was changed"));
        }
    }
}
