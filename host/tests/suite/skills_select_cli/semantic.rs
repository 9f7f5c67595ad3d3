//! `[selection] embeddings`: semantic scoring through the real binary,
//! against the test model server's `/v1/embeddings` with vectors scripted
//! per test.

use quire::skills::select::testing;
use serde_json::Value;

use crate::support::model_server::Reply;
use crate::support::quire::TestEnv;

/// Words that share nothing with the `pdf-forms` skill's text.
const MESSAGE: &str = "my tax paperwork from the accountant needs completing";

fn env(extra: &str) -> TestEnv {
    let env = TestEnv::with_config("responses", extra);
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
        (
            "sql-migrations",
            "Write reversible database schema migrations without downtime.",
        ),
        (
            "csv-cleaning",
            "Clean CSV data with pandas: duplicates and missing values.",
        ),
        ("regex-builder", "Build and test regular expressions."),
        ("email-drafting", "Draft clear, polite emails and replies."),
        (
            "css-layout",
            "Fix CSS layout problems with flexbox and grid.",
        ),
    ] {
        testing::write(&root, testing::skill(name, description)).unwrap();
    }
    env.server.embed_rule("tax paperwork", &[1.0, 0.0]);
    env.server.embed_rule("PDF form", &[0.9, 0.2]);
    env
}

const PROVIDER: &str =
    "[selection]\nembeddings = \"provider\"\nembeddings_model = \"test-embed\"\n";

/// The first model request's body as text.
fn first_model_request(env: &TestEnv) -> String {
    env.server
        .requests()
        .into_iter()
        .find(|r| r.api.is_some())
        .map(|r| r.raw_body)
        .expect("a model request")
}

fn inputs(body: &Value) -> usize {
    match &body["input"] {
        Value::Array(a) => a.len(),
        Value::String(_) => 1,
        _ => 0,
    }
}

#[test]
fn without_embeddings_the_skill_is_not_offered_for_unrelated_words() {
    let env = env("");
    env.server.push(Reply::text("done"));
    let run = env.exec_json(MESSAGE, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!first_model_request(&env).contains("pdf-forms"));
    assert!(env.server.embedding_requests().is_empty());
}

#[test]
fn embeddings_offer_a_skill_the_words_miss_and_are_cached_on_disk() {
    let env = env(PROVIDER);
    env.server.push(Reply::text("done"));
    let run = env.exec_json(MESSAGE, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.of_type("warning").is_empty(), "{:?}", run.events);
    assert!(
        first_model_request(&env).contains("pdf-forms"),
        "the catalog should list pdf-forms"
    );
    // The message once, the skills in one batch.
    let first = env.server.embedding_requests();
    assert_eq!(first.len(), 2, "{first:?}");
    assert!(first.iter().all(|r| r.body["model"] == "test-embed"));
    let skills = inputs(&first[1].body);
    assert!(skills >= 9, "{skills} skill texts embedded");
    assert!(first[1].raw_body.contains("PDF form fields"));

    // A second session: skill texts come from the disk cache; only the
    // message is embedded.
    env.server.push(Reply::text("done again"));
    let run = env.exec_json(MESSAGE, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let all = env.server.embedding_requests();
    assert_eq!(all.len(), 3, "{all:?}");
    assert_eq!(inputs(&all[2].body), 1);
    assert!(all[2].raw_body.contains("tax paperwork"));
    let second = env
        .server
        .requests()
        .into_iter()
        .filter(|r| r.api.is_some())
        .nth(1)
        .expect("a second model request");
    assert!(second.raw_body.contains("pdf-forms"));
}

#[test]
fn an_unreachable_endpoint_warns_once_and_the_turn_goes_on_lexically() {
    let env =
        env("[selection]\nembeddings = \"endpoint\"\nembeddings_url = \"http://127.0.0.1:1/v1\"\n");
    env.server.push(Reply::text("done"));
    let run = env.exec_json("debug the compose healthchecks", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let warnings = run.of_type("warning");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("lexical only"),
        "{warnings:?}"
    );
    // Lexical selection still lists the skill the words name.
    assert!(first_model_request(&env).contains("docker-compose"));
}

#[test]
fn the_first_model_request_does_not_wait_for_the_skill_texts() {
    let env = env(PROVIDER);
    let root = env.repo.path().join(".quire/skills");
    for i in 0..12 {
        let skill = testing::skill(&format!("orchard-{i}"), "Count the apples of one orchard.");
        testing::write(&root, skill).unwrap();
    }
    // The batch of skill texts (more than one request's worth) is never answered; the model's answer is given only while
    // that batch is in flight, so the turn cannot have waited for it.
    env.server
        .embed_batches(2, Reply::gate("first turn", 2, Reply::Hang));
    env.server
        .push(Reply::gate("first turn", 2, Reply::text("done")));
    // quire exits with the batch still unanswered (the runner fails the
    // test if it takes a minute, the batch's timeout).
    let run = env.exec_json(MESSAGE, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("done"), "{}", run.stdout);
    let batches: Vec<_> = env
        .server
        .embedding_requests()
        .into_iter()
        .filter(|r| inputs(&r.body) > 1)
        .collect();
    assert_eq!(batches.len(), 1, "{batches:?}");
    assert_eq!(inputs(&batches[0].body), 16);
    assert!(batches[0].response_done_at.is_none());
    // Selection was lexical: the words do not name pdf-forms.
    assert!(!first_model_request(&env).contains("pdf-forms"));
    // The user is told once why.
    let warnings = run.of_type("warning");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let notice = warnings[0]["message"].as_str().unwrap_or_default();
    // The 21 skills here and those quire brings.
    let count: usize = notice
        .strip_prefix("embedding ")
        .and_then(|n| n.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_default();
    assert!(count >= 21, "{notice}");
    assert!(notice.contains("in the background"), "{notice}");
}

#[test]
fn skills_pick_ranks_by_meaning_after_embedding_the_skills_once() {
    let env = env(PROVIDER);
    // Words alone: pdf-forms shares nothing with the message.
    let lexical = env.run(&["skills", "pick", MESSAGE, "--lexical", "--json"]);
    assert_eq!(lexical.code, 0, "{}", lexical.stderr);
    assert!(!lexical.stdout.contains("pdf-forms"), "{}", lexical.stdout);
    assert!(env.server.embedding_requests().is_empty());

    // With meaning: the skills are embedded first (said on stderr), then
    // pdf-forms is ranked and listed in the catalog, as in a session.
    let run = env.run(&["skills", "pick", MESSAGE]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("skill texts with test-embed"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout
            .contains("ranking: words and meaning (test-embed)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .lines()
            .any(|l| l.contains("pdf-forms") && l.contains("[in catalog]")),
        "{}",
        run.stdout
    );

    // The vectors are kept: a second pick (and eval) embeds only the
    // message and says nothing about embedding skills.
    let before = env.server.embedding_requests().len();
    let again = env.run(&["skills", "pick", MESSAGE, "--json"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(!again.stderr.contains("skill texts"), "{}", again.stderr);
    let json: Value = serde_json::from_str(&again.stdout).unwrap();
    assert_eq!(json["embeddings_model"], "test-embed");
    let listed = json["catalog"]["listed"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(listed.iter().any(|n| n == "pdf-forms"), "{json}");
    let requests = env.server.embedding_requests();
    assert_eq!(requests.len(), before + 1, "{requests:?}");
    assert_eq!(inputs(&requests[before].body), 1);
}

#[test]
fn skills_pick_goes_on_by_words_when_the_endpoint_fails() {
    let env =
        env("[selection]\nembeddings = \"endpoint\"\nembeddings_url = \"http://127.0.0.1:1/v1\"\n");
    let run = env.run(&["skills", "pick", "debug the compose healthchecks"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("lexical only"), "{}", run.stderr);
    assert!(run.stdout.contains("ranking: words\n"), "{}", run.stdout);
    assert!(run.stdout.contains("docker-compose"), "{}", run.stdout);
}
