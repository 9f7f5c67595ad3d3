//! `stream_idle_timeout_secs` is the longest the server may send nothing:
//! one big event arriving slower than that, its bytes flowing, is not a
//! stalled stream.

use crate::support;

use serde_json::json;
use support::model_server::Reply;
use support::quire::TestEnv;

use super::truncated::sse;

#[test]
fn an_event_arriving_slowly_is_not_a_stall() {
    let env = TestEnv::new("chat");
    let text = "a slow answer ".repeat(4);
    let event = sse(
        None,
        json!({"object": "chat.completion.chunk",
            "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": null}]}),
    );
    // Eight pieces 400 ms apart: 2.8 s for the event, with the limit 1 s.
    let mut chunks: Vec<Vec<u8>> = event
        .chunks(event.len().div_ceil(8))
        .map(<[u8]>::to_vec)
        .collect();
    chunks.push(sse(
        None,
        json!({"object": "chat.completion.chunk",
            "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}),
    ));
    chunks.push(b"data: [DONE]\n\n".to_vec());
    env.server.push_all([
        Reply::Paced {
            chunks: chunks.clone(),
            pause_ms: 400,
        },
        Reply::Paced {
            chunks,
            pause_ms: 400,
        },
    ]);
    let run = env.run(&[
        "-c",
        "providers.test.stream_idle_timeout_secs=1",
        "exec",
        "--json",
        "q",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.of_type("retry").is_empty(), "{:?}", run.types());
    assert_eq!(run.of_type("message_completed")[0]["text"], text.as_str());
}
