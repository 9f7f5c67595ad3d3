//! A streamed chunk holding a lone UTF-16 surrogate escape (`\ud800`, as
//! Python's `json.dumps` writes a broken character) is read with U+FFFD in
//! its place: the task goes on instead of failing on one character.

use crate::support;

use support::model_server::Reply;
use support::quire::TestEnv;

/// One Chat chunk whose `data` is `delta_json` written as is.
fn raw_chunk(delta_json: &str, finish_reason: &str) -> Vec<u8> {
    format!(
        "data: {{\"object\":\"chat.completion.chunk\",\"choices\":[{{\"index\":0,\"delta\":{delta_json},\"finish_reason\":{finish_reason}}}]}}\n\n"
    )
    .into_bytes()
}

#[test]
fn a_lone_surrogate_in_a_chunk_is_read_as_the_replacement_character() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::Raw(vec![
        raw_chunk(
            r#"{"role":"assistant","content":"bad \ud800 char"}"#,
            "null",
        ),
        raw_chunk(r#"{"content":", a pair \ud83d\ude00 kept"}"#, "null"),
        raw_chunk("{}", "\"stop\""),
        b"data: [DONE]\n\n".to_vec(),
    ]));
    let run = env.exec_json("hi", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(env.server.requests().len(), 1, "no retry needed");
    let answer = &run.of_type("message_completed")[0]["text"];
    assert_eq!(answer, "bad \u{fffd} char, a pair \u{1f600} kept");
    assert_eq!(run.of_type("task_completed")[0]["status"], "done");
}
