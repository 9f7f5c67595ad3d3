//! `quire skills pick` and `quire skills eval`, run as the real binary on
//! skills in a temporary repository; semantic selection through `quire exec`.
use crate::support;

mod semantic;
mod semantic_background;
mod semantic_scoring;

use quire::skills::select::testing;
use support::quire::TestEnv;

fn env_with_skills() -> TestEnv {
    let env = TestEnv::new("responses");
    let root = env.repo.path().join(".quire/skills");
    for (name, description) in [
        (
            "pdf-forms",
            "Fill in PDF form fields and flatten forms with pypdf.",
        ),
        (
            "docker-compose",
            "Write and debug Docker Compose stacks and healthchecks.",
        ),
        (
            "release-notes",
            "Draft release notes from the git history since the last tag.",
        ),
        (
            "git-bisect",
            "Find the commit that introduced a regression with git bisect.",
        ),
    ] {
        testing::write(&root, testing::skill(name, description)).unwrap();
    }
    let mut hidden = testing::skill("deploy-production", "Deploy the service to production.");
    hidden.body = "# Deploy\n".into();
    let hidden = testing::write(&root, hidden).unwrap();
    let text = std::fs::read_to_string(&hidden.file).unwrap();
    std::fs::write(
        &hidden.file,
        text.replacen(
            "---\nname:",
            "---\ndisable-model-invocation: true\nname:",
            1,
        ),
    )
    .unwrap();
    env
}

#[test]
fn pick_shows_what_a_message_selects_and_why() {
    let env = env_with_skills();
    let run = env.run(&[
        "skills",
        "pick",
        "debug the compose healthchecks",
        "--explain",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = &run.stdout;
    // 5 test skills + the 4 bundled ones.
    assert!(out.starts_with("9 skills (8 the model may see)\n"), "{out}");
    assert!(
        out.contains("activated: docker-compose (clear winner: score "),
        "{out}"
    );
    assert!(out.contains("docker-compose  [activated]\n"), "{out}");
    assert!(out.contains("healthcheck "), "explain shows terms: {out}");
    assert!(out.contains("catalog as sent:\n# Skills\n"), "{out}");
    assert!(out.contains("index: 9 skills in "), "{out}");
    assert!(!out.contains("deploy-production"), "{out}");

    let run = env.run(&["skills", "pick", "$deploy-production now", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(run.stdout.trim()).unwrap();
    assert_eq!(v["activated"][0]["name"], "deploy-production");
    assert_eq!(v["activated"][0]["reason"]["kind"], "explicit");
    // 4 test skills the model may see + the 4 bundled ones.
    assert_eq!(v["listable"], 8);
    let listed = v["catalog"]["listed"].as_array().unwrap();
    assert_eq!(listed.len(), 8, "a small setup lists every skill: {v}");
    assert!(v["catalog"]["chars"].as_u64().unwrap() <= 2000);

    let run = env.run(&["skills", "pick", "hello", "-c", "skills.catalog_size=2"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("catalog: 0 listed, 8 more"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("no skill matches this message"));
}

#[test]
fn eval_thresholds_fail_the_run_for_ci() {
    let env = env_with_skills();
    // One case cannot be met: recall@5 is 0.5. Ranking pdf-forms first for
    // a PDF message while rejecting it is a wrong pick: wrong share 1.
    env.write(
        "cases.json",
        r#"[
          {"message": "fill in the pdf form", "expect": ["pdf-forms"], "reject": ["pdf-forms"]},
          {"message": "zzqx wvvk", "expect": ["release-notes"]}
        ]"#,
    );
    let eval = |extra: &[&str]| {
        let mut args = vec!["skills", "eval", "cases.json"];
        args.extend_from_slice(extra);
        env.run(&args)
    };
    let run = eval(&["--min-recall5", "0.5"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let run = eval(&["--min-recall5", "0.75"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stderr
            .contains("recall@5 is 0.500, below --min-recall5 0.75"),
        "{}",
        run.stderr
    );
    let run = eval(&["--max-wrong", "0.5", "--json"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stderr.contains("above --max-wrong 0.5"),
        "{}",
        run.stderr
    );
    assert!(serde_json::from_str::<serde_json::Value>(run.stdout.trim()).is_ok());
    let run = eval(&["--min-recall5", "2"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("must be a number from 0 to 1"),
        "{}",
        run.stderr
    );
}

/// A suite of messages that should select nothing measures no recall: it
/// says so, and `--min-recall5` does not fail it for a 0 that means
/// nothing.
#[test]
fn eval_of_only_negative_cases_measures_no_recall_and_passes() {
    let env = env_with_skills();
    env.write(
        "negatives.json",
        r#"[{"message": "thanks!"}, {"message": "rename tmp to buffer in src/main.rs"}]"#,
    );
    let run = env.run(&["skills", "eval", "negatives.json", "--min-recall5", "0.9"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("recall not measured (no case expects a skill)")
            && run.stderr.contains("--min-recall5 is not checked"),
        "{}{}",
        run.stdout,
        run.stderr
    );
}

#[test]
fn eval_reports_recall_and_a_table() {
    let env = env_with_skills();
    env.write(
        "cases.json",
        r#"[
          {"message": "fill in the pdf form", "expect": ["pdf-forms"], "reject": ["git-bisect"]},
          {"message": "which commit introduced this regression?", "expect": ["git-bisect"]},
          {"message": "write the changelog (the vocabulary links it to release notes)", "expect": ["release-notes"]}
        ]"#,
    );
    let run = env.run(&["skills", "eval", "cases.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = &run.stdout;
    assert!(out.starts_with("#  r@1   r@5   wrong  message"), "{out}");
    assert!(
        out.contains("1  1.00  1.00  -      fill in the pdf form"),
        "{out}"
    );
    assert!(out.contains("pdf-forms*"), "{out}");
    assert!(
        out.contains("3 cases · recall@1 1.00 · recall@5 1.00 · wrongly selected 0.00"),
        "{out}"
    );

    let run = env.run(&["skills", "eval", "cases.json", "--json"]);
    let v: serde_json::Value = serde_json::from_str(run.stdout.trim()).unwrap();
    assert_eq!(v["cases"].as_array().unwrap().len(), 3);

    env.write("bad.json", r#"[{"text": "x"}]"#);
    let run = env.run(&["skills", "eval", "bad.json"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("bad.json: unknown field `text`"),
        "{}",
        run.stderr
    );
    let run = env.run(&["skills", "eval", "missing.json"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot read missing.json"),
        "{}",
        run.stderr
    );
}

/// `quire … | head`: the reader goes away; quire must end without a panic
/// or a backtrace, for every command that prints.
#[test]
fn a_closed_output_pipe_ends_printing_commands_quietly() {
    let env = env_with_skills();
    env.write(
        "cases.json",
        r#"[{"message": "fill in the pdf form", "expect": ["pdf-forms"]}]"#,
    );
    let commands: [&[&str]; 8] = [
        &[
            "skills",
            "pick",
            "debug the compose healthchecks",
            "--explain",
        ],
        &["skills", "list"],
        &["skills", "eval", "cases.json"],
        &["skills", "show", "pdf-forms"],
        &["sessions", "list"],
        &["mcp", "list"],
        &["plugins", "list"],
        &["--help"],
    ];
    for args in commands {
        // A pipe whose reading end is closed before quire starts: its first
        // write fails, deterministically.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let mut cmd = env.command(args);
        cmd.stdout(writer);
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
            "quire {args:?} panicked on a closed pipe: {stderr}"
        );
        let code = out.status.code();
        assert!(
            matches!(code, Some(0) | Some(1) | Some(141)),
            "quire {args:?} exited with {code:?}: {stderr}"
        );
    }
}

/// Auto-activation needs real evidence: a score floor and two matching
/// terms that are not weak words ("fix", "add", "bug"), besides standing
/// out from the runner-up. The bundled code-review skill is not activated
/// by a message that only shares generic words with it.
#[test]
fn weak_words_alone_activate_nothing() {
    let env = env_with_skills();
    for message in [
        "fix the add bug",
        "fix this bug",
        "add a test and fix the build",
        // Two words skill-creator's text uses in passing: each adds too
        // little to be evidence (it activated skill-creator, 1,300 tokens).
        "hello this is a long message",
    ] {
        let run = env.run(&["skills", "pick", message]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            run.stdout.contains("activated: none\n"),
            "{message:?}: {}",
            run.stdout
        );
    }
    let run = env.run(&[
        "skills",
        "pick",
        "review the diff of this pull request for bugs",
    ]);
    assert!(
        run.stdout.contains("activated: code-review"),
        "{}",
        run.stdout
    );
}

/// Terms learned in earlier sessions (the per-user store beside the index
/// cache) raise a skill for a message that shares them, and `--explain`
/// says so.
#[test]
fn pick_explains_what_learned_terms_added() {
    let env = env_with_skills();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let store = env.home.path().join("cache/learned-selection.json");
    std::fs::create_dir_all(store.parent().unwrap()).unwrap();
    std::fs::write(
        &store,
        format!(
            r#"{{"version":0,"items":[{{"kind":"skill","name":"git-bisect","terms":{{"culprit":2.0,"hunt":1.0}},"updated":{now}}}]}}"#
        ),
    )
    .unwrap();
    let run = env.run(&["skills", "pick", "hunt down the culprit", "--explain"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = &run.stdout;
    let first = out
        .lines()
        .find(|l| l.trim_start().starts_with("1 "))
        .unwrap_or_default();
    assert!(first.contains("git-bisect"), "{out}");
    assert!(
        out.contains("learned from earlier sessions: +") && out.contains("culprit"),
        "{out}"
    );
    std::fs::remove_file(&store).unwrap();
    let run = env.run(&["skills", "pick", "hunt down the culprit"]);
    assert!(!run.stdout.contains("git-bisect"), "{}", run.stdout);
}

/// `--explain` shows every part of a score: the terms, learned terms and
/// the boost of a name the message covers add up to it (text and JSON).
#[test]
fn pick_explain_parts_add_up_to_the_score() {
    let env = env_with_skills();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let store = env.home.path().join("cache/learned-selection.json");
    std::fs::create_dir_all(store.parent().unwrap()).unwrap();
    std::fs::write(
        &store,
        format!(
            r#"{{"version":0,"items":[{{"kind":"skill","name":"pdf-forms","terms":{{"w9":2.0}},"updated":{now}}}]}}"#
        ),
    )
    .unwrap();
    let message = "please fill in this pdf form for the w9";
    let run = env.run(&["skills", "pick", message, "--explain", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(run.stdout.trim()).unwrap();
    let ranked = v["ranked"].as_array().unwrap();
    assert_eq!(ranked[0]["name"], "pdf-forms", "{v}");
    let f = |x: &serde_json::Value| x.as_f64().unwrap_or(0.0);
    for r in ranked {
        let terms: f64 = r["terms"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| f(&t["score"]))
            .sum();
        assert!((terms - f(&r["words"])).abs() < 1e-3, "{r}");
        let sum = f(&r["words"])
            + f(&r["learned"]["score"])
            + f(&r["name_boost"]["score"])
            + f(&r["other"]["score"]);
        assert!((sum - f(&r["score"])).abs() < 1e-3, "parts {sum} != {r}");
    }
    let top = &ranked[0];
    assert!(f(&top["name_boost"]["score"]) > 0.0, "{top}");
    assert!(f(&top["learned"]["score"]) > 0.0, "{top}");

    let run = env.run(&["skills", "pick", message, "--explain"]);
    let out = &run.stdout;
    assert!(out.contains("              words "), "{out}");
    assert!(out.contains("% in the message: +"), "{out}");
    assert!(out.contains("learned from earlier sessions: +"), "{out}");
}
