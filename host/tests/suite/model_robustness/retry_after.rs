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
