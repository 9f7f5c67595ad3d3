//! `quire exec --output-schema FILE`, as Codex's: the OpenAI wires carry
//! the schema as their strict structured-output format on every request of
//! the task, every wire gets it in the task's text, and the answer is
//! checked: a match is the answer (a code fence taken off), a mismatch
//! fails the run naming the file.
use super::*;

use serde_json::Value;

const SCHEMA: &str = r#"{"type": "object", "properties": {"tests_pass": {"type": "boolean"}},
  "required": ["tests_pass"], "additionalProperties": false}"#;

fn with_schema(wire: &'static str) -> (TestEnv, String) {
    let env = TestEnv::new(wire);
    let path = env.home.path().join("schema.json");
    std::fs::write(&path, SCHEMA).unwrap();
    (env, path.display().to_string())
}

fn schema() -> Value {
    serde_json::from_str(SCHEMA).unwrap()
}

#[test]
fn every_request_of_the_task_carries_the_schema_and_a_matching_answer_is_the_answer() {
    for wire in WIRES {
        let (env, path) = with_schema(wire);
        env.server.push_all([
            Reply::tool_call("c1", "shell", json!({"command": "true"})),
            Reply::text("```json\n{\"tests_pass\": true}\n```"),
        ]);
        let out = env.home.path().join("answer.json");
        let out = out.display().to_string();
        let run = env.run(&[
            "exec",
            "--output-schema",
            &path,
            "-o",
            &out,
            "run the tests",
        ]);
        assert_eq!(run.code, 0, "{wire}: {}", run.stderr);
        // stdout gets the checked JSON too, fence off: `| jq` works.
        assert_eq!(run.stdout.trim_end(), "{\"tests_pass\": true}", "{wire}");
        assert_eq!(
            std::fs::read_to_string(&out).unwrap().trim_end(),
            "{\"tests_pass\": true}"
        );
        let bodies: Vec<Value> = env.server.requests().into_iter().map(|r| r.body).collect();
        assert_eq!(bodies.len(), 2, "{wire}");
        for body in &bodies {
            // The task's text names the schema on every wire.
            assert!(body.to_string().contains("tests_pass"), "{wire}: {body}");
            match wire {
                "responses" => assert_eq!(
                    body["text"]["format"],
                    json!({"type": "json_schema", "name": "quire_output_schema",
                           "schema": schema(), "strict": true})
                ),
                "chat" => assert_eq!(
                    body["response_format"],
                    json!({"type": "json_schema", "json_schema": {
                        "name": "quire_output_schema", "schema": schema(), "strict": true}})
                ),
                _ => assert!(
                    body.get("response_format").is_none() && body.get("text").is_none(),
                    "{wire}: {body}"
                ),
            }
        }
    }
}

#[test]
fn the_json_events_keep_their_order_with_the_checked_answer() {
    let (env, path) = with_schema("chat");
    env.server.push(Reply::text("{\"tests_pass\": false}"));
    let run = env.run(&["exec", "--json", "--output-schema", &path, "check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let types: Vec<String> = run
        .stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["type"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .filter(|t| t.ends_with("_completed"))
        .collect();
    // The answer is checked at the task's end, but it is still reported
    // inside its turn: message, then turn, then task.
    assert_eq!(
        types,
        ["message_completed", "turn_completed", "task_completed"],
        "{}",
        run.stdout
    );
}

#[test]
fn an_answer_that_does_not_match_fails_the_run_and_a_bad_schema_costs_no_task() {
    let (env, path) = with_schema("chat");
    env.server.push(Reply::text("{\"tests_pass\": \"yes\"}"));
    let out = env.home.path().join("answer.json");
    let run = env.run(&[
        "exec",
        "--output-schema",
        &path,
        "-o",
        out.to_str().unwrap(),
        "run the tests",
    ]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let kept = std::fs::read_to_string(&out).unwrap_or_default();
    assert_eq!(kept, "", "a refused answer is not written to -o");
    // Nor to stdout (a pipe here): a failed task has no answer. It is
    // shown on stderr, as a step.
    assert_eq!(run.stdout, "", "a refused answer reached stdout");
    assert!(
        run.stderr.contains("{\"tests_pass\": \"yes\"}"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("does not match the schema"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("schema.json"), "{}", run.stderr);

    // Codex's events: the turn failed, it did not complete.
    env.server.push(Reply::text("{\"tests_pass\": 3}"));
    let run = env.run(&[
        "exec",
        "--json=codex",
        "--output-schema",
        &path,
        "run the tests",
    ]);
    assert_eq!(run.code, 1);
    assert!(
        run.of_type("turn.completed").is_empty(),
        "{:?}",
        run.types()
    );
    let failed = run.of_type("turn.failed");
    assert!(
        failed[0]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("does not match"),
        "{failed:?}"
    );

    env.server.push(Reply::text("All tests pass."));
    let run = env.exec_json("run the tests", &["--output-schema", &path]);
    assert_eq!(run.code, 1);
    let errors = run.of_type("error");
    assert!(
        errors[0]["message"].as_str().unwrap().contains("not JSON"),
        "{errors:?}"
    );

    let before = env.server.requests().len();
    let bad = env.home.path().join("bad.json");
    std::fs::write(&bad, "{not json").unwrap();
    let run = env.run(&["exec", "--output-schema", bad.to_str().unwrap(), "x"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("not JSON"), "{}", run.stderr);
    // A $ref is resolved within the schema only: no file is read.
    let secret = env.home.path().join("secret.json");
    std::fs::write(&secret, r#"{"const": "SECRET-TOKEN-123"}"#).unwrap();
    let referring = env.home.path().join("ref.json");
    let schema = serde_json::json!({"$ref": format!("file://{}", secret.display())});
    std::fs::write(&referring, schema.to_string()).unwrap();
    let run = env.run(&["exec", "--output-schema", referring.to_str().unwrap(), "x"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("outside the schema"), "{}", run.stderr);
    assert!(!run.stderr.contains("SECRET"), "{}", run.stderr);
    let missing = env.home.path().join("missing.json");
    let run = env.run(&["exec", "--output-schema", missing.to_str().unwrap(), "x"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("missing.json"), "{}", run.stderr);
    assert_eq!(env.server.requests().len(), before, "no task was sent");
}

/// A server that refuses `response_format` (an older llama.cpp) gets the
/// request again without it; the schema is still asked for in the text and
/// checked.
#[test]
fn a_server_refusing_response_format_still_gets_a_checked_answer() {
    let (env, path) = with_schema("chat");
    env.server.push_all([
        Reply::status_with_body(
            400,
            json!({"error": {"message": "Unknown parameter: 'response_format'.",
                "type": "invalid_request_error", "param": "response_format"}}),
        ),
        Reply::text("{\"tests_pass\": false}"),
    ]);
    let run = env.run(&["exec", "--output-schema", &path, "run the tests"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.trim(), "{\"tests_pass\": false}");
    let bodies: Vec<Value> = env.server.requests().into_iter().map(|r| r.body).collect();
    assert!(bodies[1].get("response_format").is_none());
    assert!(bodies[1].to_string().contains("tests_pass"));
}
