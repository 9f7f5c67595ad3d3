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
