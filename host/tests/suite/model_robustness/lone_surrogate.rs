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

/// Tester's finding: the same escape inside a tool call's arguments made
/// the call fail as "not valid JSON", which it is; it is read as U+FFFD
/// there too, and the command runs.
#[test]
fn a_lone_surrogate_in_tool_call_arguments_is_read_as_the_replacement_character() {
    let env = TestEnv::new("chat");
    env.server.push(Reply::Raw(vec![
        raw_chunk(
            r#"{"role":"assistant","tool_calls":[{"index":0,"id":"c1","type":"function","function":{"name":"shell","arguments":"{\"command\":\"echo bad \\ud800 end\"}"}}]}"#,
            "null",
        ),
        raw_chunk("{}", "\"tool_calls\""),
        b"data: [DONE]\n\n".to_vec(),
    ]));
    env.server.push(Reply::text("ok"));
    let run = env.exec_json("hi", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = &run.of_type("tool_completed")[0];
    assert_eq!(done["status"], "ok", "{done}");
    assert!(
        done["output"]
            .as_str()
            .is_some_and(|o| o.contains("bad \u{fffd} end")),
        "{done}"
    );
}
