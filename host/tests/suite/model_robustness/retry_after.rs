//! `Retry-After` is obeyed up to `retry.max_delay_ms`.

use crate::support;

use support::model_server::Reply;
use support::quire::TestEnv;

/// `Retry-After: 3600` with `retry.max_delay_ms = 20` (the test config):
/// quire retries after 20 ms and says the server asked for longer. Were
/// the hour obeyed, the run would hit the harness's 60 s timeout.
#[test]
fn retry_after_is_capped_by_max_delay_ms() {
    let env = TestEnv::new("responses");
    env.server
        .push_all([Reply::rate_limited("3600"), Reply::text("after the wait")]);
    let run = env.exec_json("hi", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(env.server.requests().len(), 2);
    let retry = run.of_type("retry");
    assert_eq!(retry.len(), 1, "{:?}", run.types());
    assert!(
        retry[0]["delay_ms"].as_u64().is_some_and(|d| d <= 20),
        "{}",
        retry[0]
    );
    let reason = retry[0]["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("the server asked to wait 3600 s") && reason.contains("retry.max_delay_ms"),
        "{reason}"
    );
    assert_eq!(
        run.of_type("message_completed")[0]["text"],
        "after the wait"
    );
}

/// 429 `insufficient_quota` is no rate limit: not retried, and the error
/// says to check billing and quota.
#[test]
fn an_exhausted_quota_is_not_retried() {
    let env = TestEnv::new("responses");
    env.server.push_all([
        Reply::status_with_body(
            429,
            serde_json::json!({"error": {"message": "You exceeded your current quota.",
                "type": "insufficient_quota", "code": "insufficient_quota"}}),
        ),
        Reply::text("never asked for"),
    ]);
    let run = env.exec_json("hi", &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(env.server.requests().len(), 1, "retried");
    assert!(run.of_type("retry").is_empty());
    let msg = run.of_type("error")[0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        msg.contains("quota is used up")
            && msg.contains("You exceeded your current quota.")
            && msg.contains("billing"),
        "{msg}"
    );
}

/// A rate limit whose wait is only in its message ("Please try again in
/// 1.5s": an HTTP 429 body without `Retry-After`, or OpenAI's
/// `rate_limit_exceeded` inside the stream) waits that long, capped by
/// `retry.max_delay_ms` (20 ms in the test config; the backoff alone
/// would wait 3 to 6 ms).
#[test]
fn a_wait_named_in_the_message_is_obeyed() {
    let message = "Rate limit reached for gpt-5 in organization org-x on tokens per min (TPM). Please try again in 1.5s.";
    let in_body = Reply::status_with_body(
        429,
        serde_json::json!({"error": {"message": message, "type": "tokens",
            "code": "rate_limit_exceeded"}}),
    );
    let event = |name: &str, data: serde_json::Value| {
        format!("event: {name}\ndata: {data}\n\n").into_bytes()
    };
    let in_stream = Reply::Raw(vec![
        event(
            "response.created",
            serde_json::json!({"type": "response.created", "response": {"id": "r1", "status": "in_progress"}}),
        ),
        event(
            "response.failed",
            serde_json::json!({"type": "response.failed", "response": {"id": "r1", "status": "failed",
                "error": {"code": "rate_limit_exceeded", "message": message}}}),
        ),
    ]);
    for (wire, refusal) in [("chat", in_body), ("responses", in_stream)] {
        let env = TestEnv::new(wire);
        env.server
            .push_all([refusal, Reply::text("after the wait")]);
        let run = env.exec_json("hi", &[]);
        assert_eq!(run.code, 0, "{wire}: {}", run.stderr);
        let retry = run.of_type("retry");
        assert_eq!(retry.len(), 1, "{wire}: {:?}", run.types());
        assert_eq!(retry[0]["delay_ms"], 20, "{wire}: {}", retry[0]);
        let reason = retry[0]["reason"].as_str().unwrap_or_default();
        assert!(
            reason.starts_with("the server asked to wait 1.5 s; waiting 20 ms"),
            "{wire}: {reason}"
        );
        // The terminal's line, clipped, keeps that note.
        env.server.push_all([
            Reply::status_with_body(
                429,
                serde_json::json!({"error": {"message": format!("{message} {}", "x".repeat(300)),
                    "code": "rate_limit_exceeded"}}),
            ),
            Reply::text("after the wait"),
        ]);
        let plain = env.run(&["exec", "hi"]);
        assert_eq!(plain.code, 0, "{wire}: {}", plain.stderr);
        assert!(
            plain.stderr.contains("the server asked to wait 1.5 s"),
            "{wire}: {}",
            plain.stderr
        );
    }
}

/// Anthropic's 400 for an account out of credit is the used-up-quota
/// error, not a refusal blamed on the model name or base_url.
#[test]
fn an_anthropic_credit_balance_too_low_is_the_quota_error() {
    let env = TestEnv::new("anthropic");
    let said = "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.";
    env.server.push_all([
        Reply::status_with_body(
            400,
            serde_json::json!({"type": "error", "error": {"type": "invalid_request_error", "message": said}}),
        ),
        Reply::text("never asked for"),
    ]);
    let run = env.exec_json("hi", &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(env.server.requests().len(), 1, "retried");
    let msg = run.of_type("error")[0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        msg.contains("quota is used up") && msg.contains(said) && msg.contains("billing"),
        "{msg}"
    );
    assert!(!msg.contains("check the model name"), "{msg}");
}
