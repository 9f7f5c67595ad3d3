//! A message whose task failed before any answer, resumed by `quire exec
//! --resume`: sent again, it replaces the unanswered copy; another
//! message leaves it with a note that it got no answer (as the terminal
//! view does within one process).

use super::support::model_server::Reply;
use super::support::quire::TestEnv;

/// The user and developer texts of a Chat request, in order.
fn messages(body: &serde_json::Value) -> Vec<(String, String)> {
    body["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|m| m["role"] != "system")
        .map(|m| {
            let text = match &m["content"] {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (m["role"].as_str().unwrap_or("?").to_string(), text)
        })
        .collect()
}

fn failed_first(env: &TestEnv) {
    env.server.push(Reply::status(500));
    let run = env.run(&["exec", "-c", "retry.max_retries=0", "first task"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
}

#[test]
fn another_message_after_a_failed_one_carries_the_no_answer_note() {
    let env = TestEnv::new("chat");
    failed_first(&env);
    env.server.push(Reply::text("ok"));
    let run = env.run(&["exec", "--resume", "last", "second task"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let reqs = env.server.requests();
    let msgs = messages(&reqs[1].body);
    // Chat: one user message (strict chat templates refuse two in a row):
    // the unanswered message, the note, then the new message.
    let users: Vec<&(String, String)> = msgs.iter().filter(|(r, _)| r == "user").collect();
    assert_eq!(users.len(), 1, "{msgs:?}");
    let text = &users[0].1;
    assert!(text.starts_with("first task"), "{msgs:?}");
    let note = text
        .find("The user message above got no answer: the request failed")
        .unwrap_or_else(|| panic!("{msgs:?}"));
    let second = text
        .find("\n\nsecond task")
        .unwrap_or_else(|| panic!("{msgs:?}"));
    assert!(note < second, "{msgs:?}");
}

#[test]
fn the_same_message_sent_again_replaces_the_unanswered_copy() {
    let env = TestEnv::new("chat");
    failed_first(&env);
    env.server.push(Reply::text("ok"));
    let run = env.run(&["exec", "--resume", "last", "first task"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let reqs = env.server.requests();
    let msgs = messages(&reqs[1].body);
    let users: Vec<&(String, String)> = msgs.iter().filter(|(r, _)| r == "user").collect();
    assert_eq!(users.len(), 1, "{msgs:?}");
    assert!(users[0].1.starts_with("first task"), "{msgs:?}");
    assert!(!users[0].1.contains("got no answer"), "{msgs:?}");
}
