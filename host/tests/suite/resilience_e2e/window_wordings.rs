//! Each server's own wording of "the prompt is over the context window"
//! (LM Studio, vLLM's engine, Gemini, Hugging Face TGI; LM Studio's also
//! inside a stream) makes quire compact and ask again, with the window
//! the error states learned, and the task succeeds.

use crate::support;

use serde_json::{Value, json};
use support::model_server::Reply;
use support::quire::TestEnv;

/// The refusal of each server for a window of `window` tokens, and
/// whether it states that window.
fn refusals(window: usize) -> Vec<(&'static str, Reply, bool)> {
    let lm_studio = format!(
        "Trying to keep the first {} tokens when context the overflows. However, the model is loaded with context length of only {window} tokens, which is not enough. Try to load the model with a larger context length, or provide a shorter input",
        window + 900
    );
    let lm_studio_stream = json!({"error": "The number of tokens to keep from the initial prompt is greater than the context length. Try to load the model with a larger context length, or provide a shorter input"});
    vec![
        (
            "LM Studio",
            Reply::status_with_body(400, json!({"error": lm_studio})),
            true,
        ),
        (
            "LM Studio in a stream",
            Reply::Raw(vec![format!("data: {lm_studio_stream}\n\n").into_bytes()]),
            false,
        ),
        (
            "vLLM engine",
            Reply::status_with_body(
                400,
                json!({"object": "error", "message": format!("The decoder prompt (length {}) is longer than the maximum model length of {window}. Make sure that `max_model_len` is no smaller than the number of text tokens.", window + 900),
                    "type": "BadRequestError", "param": Value::Null, "code": 400}),
            ),
            true,
        ),
        (
            "Gemini",
            Reply::status_with_body(
                400,
                json!([{"error": {"code": 400, "message": format!("The input token count ({}) exceeds the maximum number of tokens allowed ({window}).", window + 900), "status": "INVALID_ARGUMENT"}}]),
            ),
            true,
        ),
        (
            "TGI",
            Reply::status_with_body(
                422,
                json!({"error": format!("Input validation error: `inputs` tokens + `max_new_tokens` must be <= {window}. Given: {} `inputs` tokens and 1000 `max_new_tokens`", window + 900),
                    "error_type": "validation"}),
            ),
            true,
        ),
    ]
}

#[test]
fn each_servers_wording_of_a_full_window_compacts_and_succeeds() {
    let fixed = {
        let env = TestEnv::new("chat");
        env.server.push(Reply::text("hello"));
        let probe = env.exec_json("hi", &[]);
        assert_eq!(probe.code, 0, "{}", probe.stderr);
        env.server.requests()[0].raw_body.len()
    };
    let limit = fixed + 40_000;
    for (server, refusal, states) in refusals(limit / 4) {
        let env = TestEnv::new("chat");
        env.server.refuse_over_with(limit, refusal);
        env.server.route(
            "hand-off summary",
            (1..=5).map(|k| Reply::text(format!("SUMMARY-{k}"))),
        );
        let seq = |word: &str| json!({"command": format!("seq -f '{word}-%g' 1 1500")});
        env.server.push_all([
            Reply::tool_call("c1", "shell", seq("one")),
            Reply::tool_call("c2", "shell", seq("two")),
            Reply::tool_call("c3", "shell", seq("three")),
            Reply::text("THE ANSWER"),
        ]);
        let run = env.exec_json("count three times", &[]);
        assert_eq!(run.code, 0, "{server}: {}", run.stderr);
        let done = run.of_type("message_completed");
        assert_eq!(
            done.last().map(|m| m["text"].clone()),
            Some(json!("THE ANSWER")),
            "{server}"
        );
        let compactions = run.of_type("compaction");
        assert_eq!(compactions.len(), 1, "{server}: {:?}", run.types());
        assert_eq!(compactions[0]["reason"], "context_window", "{server}");
        assert!(
            run.of_type("retry").is_empty(),
            "{server}: not retried as is"
        );
        let retry = &env.server.requests().last().map(|r| r.raw_body.clone());
        assert!(
            retry.as_deref().is_some_and(|r| r.contains("SUMMARY-")),
            "{server}"
        );
        if states {
            let told = run.of_type("warning").iter().any(|w| {
                w["message"]
                    .as_str()
                    .is_some_and(|m| m.contains(&format!("context window is {} tokens", limit / 4)))
            });
            assert!(told, "{server}: {:?}", run.types());
        }
    }
}
