//! A review of a change that is not the working tree (`--commit`,
//! `--range`, `--base`, `--staged`, and `/review` in a session) reads its
//! files in the reviewed version: the code shown under a finding, the
//! `quire-review: ignore` markers, and `.quire/review.toml` (read from
//! the base of the change, as `.gitattributes` is) never come from the
//! working tree or from the change itself.

use serde_json::{Value, json};

use super::repo::*;
use crate::support::quire::TestEnv;

const BEFORE: &str = "import os\ndef run(x):\n    return x\n";
const AFTER: &str = "import os\ndef run(x):\n    os.system(x)\n    return x\n";

/// A repository whose last commit adds `os.system(x)` at line 3 of
/// app.py; the first commit's id.
fn committed_change() -> (TestEnv, String) {
    let env = repo_with(&[("app.py", BEFORE)]);
    let base = git(&env, &["rev-parse", "HEAD"]).trim().to_string();
    env.write("app.py", AFTER);
    git(&env, &["commit", "-q", "-am", "b"]);
    (env, base)
}

/// The review's passes find a P1 at app.py line 3.
fn script_injection(env: &TestEnv) {
    script_injection_at(env, "H1");
}

/// Triage flags `hunk` (app.py's), the passes find a P1 at line 3.
fn script_injection_at(env: &TestEnv, hunk: &str) {
    let mut f = finding("app.py", 3, "P1", "command injection");
    f["category"] = json!("security");
    env.server.push_keyed(TRIAGE, flags(&[hunk]));
    env.server
        .push_keyed("AREA: app.py", findings(json!([f.clone()])));
    env.server.push_keyed(MERGE, findings(json!([f])));
}

fn counts(report: &Value) -> (usize, u64) {
    (
        report["findings"].as_array().map_or(0, Vec::len),
        report["suppressed"].as_u64().unwrap_or(99),
    )
}

#[test]
fn the_code_under_a_finding_is_the_reviewed_versions() {
    let (env, base) = committed_change();
    // The working tree has moved on since the commit.
    env.write("app.py", "# pad\n# pad\n# pad\nimport os\n");
    let range = format!("{base}..HEAD");
    for args in [
        vec!["--commit", "HEAD"],
        vec!["--range", range.as_str()],
        vec!["--base", base.as_str()],
    ] {
        script_injection(&env);
        let mut all = vec!["review"];
        all.extend_from_slice(&args);
        let run = env.run(&all);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert!(
            run.stdout.contains("    3 │     os.system(x)"),
            "{args:?}: {}",
            run.stdout
        );
        assert!(!run.stdout.contains("# pad"), "{args:?}: {}", run.stdout);
    }
    // --staged: the index, not the unstaged edit on top of it.
    env.write(
        "app.py",
        "import os\ndef run(x):\n    eval(x)\n    return x\n",
    );
    git(&env, &["add", "app.py"]);
    env.write("app.py", "# unstaged\n");
    script_injection(&env);
    let run = env.run(&["review", "--staged"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("    3 │     eval(x)"), "{}", run.stdout);
    assert!(!run.stdout.contains("# unstaged"), "{}", run.stdout);
}

/// `/review --commit HEAD` in the line REPL shows the commit's code too.
#[test]
fn slash_review_of_a_commit_shows_the_commits_code() {
    use std::io::Write;
    let (env, _) = committed_change();
    env.write("app.py", "# pad\n# pad\n# pad\n");
    script_injection(&env);
    let mut cmd = env.command(&[]);
    cmd.stdin(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("spawn quire");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin
        .write_all(b"/review --commit HEAD\n/quit\n")
        .expect("write");
    drop(stdin);
    let run = crate::support::quire::finish(child);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("    3 │     os.system(x)"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("# pad"), "{}", run.stdout);
}

/// A `quire-review: ignore` only in the working tree does not silence a
/// finding on a commit (nor pass `--fail-on`); one in the commit does.
#[test]
fn inline_ignores_are_read_in_the_reviewed_version() {
    let (env, base) = committed_change();
    env.write("app.py", "# pad\n# quire-review: ignore\n# pad\n");
    for args in [vec!["--commit", "HEAD"], vec!["--base", base.as_str()]] {
        script_injection(&env);
        let mut all = args.clone();
        all.extend(["--fail-on", "P1"]);
        let (run, report) = review_json(&env, &all);
        assert_eq!(run.code, 1, "{args:?}: {}\n{report:#}", run.stderr);
        assert_eq!(counts(&report), (1, 0), "{args:?}: {report:#}");
    }
    // The marker committed with the change is honoured.
    git(&env, &["checkout", "-q", "--", "app.py"]);
    env.write(
        "app.py",
        "import os\ndef run(x):\n    # quire-review: ignore\n    os.system(x)\n    return x\n",
    );
    git(&env, &["commit", "-q", "-am", "reviewed"]);
    env.write("app.py", "# the working tree again\n");
    let mut f = finding("app.py", 4, "P1", "command injection");
    f["category"] = json!("security");
    env.server.push_keyed(TRIAGE, flags(&["H1"]));
    env.server
        .push_keyed("AREA: app.py", findings(json!([f.clone()])));
    env.server.push_keyed(MERGE, findings(json!([f])));
    let (run, report) = review_json(&env, &["--commit", "HEAD", "--fail-on", "P1"]);
    assert_eq!(run.code, 0, "{}\n{report:#}", run.stderr);
    assert_eq!(counts(&report), (0, 1), "{report:#}");
}

/// `.quire/review.toml` is read from the base of a revision target: a
/// change that adds `ignore = ["**"]` and `skip` does not suppress or
/// skip its own findings; the base's file counts.
#[test]
fn review_toml_is_read_from_the_base_of_the_change() {
    let (env, base) = committed_change();
    env.write(
        ".quire/review.toml",
        "ignore = [\"**\"]\nskip = [\"app.py\"]\n",
    );
    git(&env, &["add", "-A"]);
    git(&env, &["commit", "-q", "-m", "quiet please"]);
    let range = format!("{base}..HEAD");
    for args in [
        vec!["--base", base.as_str()],
        vec!["--range", range.as_str()],
    ] {
        // H1 is .quire/review.toml's hunk, H2 app.py's.
        script_injection_at(&env, "H2");
        let mut all = args.clone();
        all.extend(["--fail-on", "P1"]);
        let (run, report) = review_json(&env, &all);
        assert_eq!(run.code, 1, "{args:?}: {}\n{report:#}", run.stderr);
        assert_eq!(counts(&report), (1, 0), "{args:?}: {report:#}");
    }
    // Once the base has it, it counts.
    let (env, _) = committed_change();
    git(&env, &["reset", "-q", "--hard", "HEAD~1"]);
    env.write(
        ".quire/review.toml",
        "ignore = [\"app.py#command injection\"]\n",
    );
    git(&env, &["add", "-A"]);
    git(&env, &["commit", "-q", "-m", "known"]);
    env.write("app.py", AFTER);
    git(&env, &["commit", "-q", "-am", "b"]);
    script_injection(&env);
    let (run, report) = review_json(&env, &["--commit", "HEAD", "--fail-on", "P1"]);
    assert_eq!(run.code, 0, "{}\n{report:#}", run.stderr);
    assert_eq!(counts(&report), (0, 1), "{report:#}");
}
