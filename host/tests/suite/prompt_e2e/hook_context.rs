//! What `SessionStart` and `UserPromptSubmit` hooks add goes with the
//! user's message: on Chat more text of the one user message (strict chat
//! templates refuse two user messages in a row), on Anthropic blocks of
//! the one user turn; across turns and resumes each request extends the
//! one before it. Session files of older versions, which kept hook context
//! as user messages of their own, still make valid requests.

use serde_json::{Value, json};

use super::cache::{parts, without_markers};
use super::support::model_server::Reply;
use super::support::quire::TestEnv;

const HOOKS: &str = "\n[[hooks.SessionStart]]\ncommand = \"echo START-CONTEXT\"\n\n[[hooks.UserPromptSubmit]]\ncommand = \"echo PROMPT-CONTEXT\"\n";

fn env_with_hooks(wire: &'static str) -> TestEnv {
    let env = TestEnv::new(wire);
    let file = env.home.path().join("config.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(file, format!("{text}{HOOKS}")).unwrap();
    env
}

fn bodies(env: &TestEnv) -> Vec<Value> {
    env.server
        .requests()
        .iter()
        .map(|r| serde_json::from_str(&r.raw_body).unwrap())
        .collect()
}

/// The roles of a request's messages (Chat: the system message left out).
fn roles(wire: &str, body: &Value) -> Vec<String> {
    let (_, _, messages) = parts(wire, body);
    messages
        .iter()
        .map(|m| m["role"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn no_user_twice_in_a_row(wire: &str, bodies: &[Value]) {
    for (i, body) in bodies.iter().enumerate() {
        let roles = roles(wire, body);
        let repeated = roles
            .windows(2)
            .any(|w| w[0] == w[1] && (w[0] == "user" || wire == "anthropic"));
        assert!(!repeated, "{wire}: request {i}: roles {roles:?}");
    }
}

/// The text of every user message (Anthropic: its text blocks joined).
fn user_texts(wire: &str, body: &Value) -> Vec<String> {
    let (_, _, messages) = parts(wire, body);
    messages
        .iter()
        .filter(|m| m["role"] == "user")
        .map(|m| match &m["content"] {
            Value::String(s) => s.clone(),
            Value::Array(blocks) => blocks
                .iter()
                .filter_map(|b| b["text"].as_str())
                .collect::<Vec<_>>()
                .join("\n\n"),
            _ => String::new(),
        })
        .collect()
}

#[test]
fn hook_context_joins_the_user_message_across_turns_and_resumes() {
    for wire in ["chat", "anthropic"] {
        let env = env_with_hooks(wire);
        env.server.push_all([
            Reply::tool_call("c1", "list_dir", json!({})),
            Reply::text("first done"),
            Reply::text("second done"),
            Reply::text("third done"),
        ]);
        let run = env.exec_json("FIRST-MESSAGE: explain the layout", &[]);
        assert_eq!(run.code, 0, "{wire}: {}", run.stderr);
        for (i, msg) in ["SECOND-MESSAGE", "THIRD-MESSAGE"].iter().enumerate() {
            let run = env.exec_json(msg, &["--resume", "last"]);
            assert_eq!(run.code, 0, "{wire}: turn {}: {}", i + 2, run.stderr);
        }
        let bodies = bodies(&env);
        assert_eq!(bodies.len(), 4, "{wire}");
        no_user_twice_in_a_row(wire, &bodies);

        // Each request extends the one before it, byte for byte.
        for pair in bodies.windows(2) {
            let (t0, s0, m0) = parts(wire, &without_markers(pair[0].clone()));
            let (t1, s1, m1) = parts(wire, &without_markers(pair[1].clone()));
            assert_eq!(t0, t1, "{wire}: the same tools");
            assert_eq!(s0, s1, "{wire}: the same system prompt");
            assert!(m1.starts_with(&m0), "{wire}: {m0:?}\n---\n{m1:?}");
        }

        // In each turn's user message: the session's start context, the
        // message, then the prompt hook's context and quire's own.
        let users = user_texts(wire, &bodies[3]);
        let turns: Vec<&String> = users.iter().filter(|u| u.contains("-MESSAGE")).collect();
        assert_eq!(turns.len(), 3, "{wire}: {users:?}");
        for text in turns {
            let at = |s: &str| {
                text.find(s)
                    .unwrap_or_else(|| panic!("{wire}: {s}: {text}"))
            };
            assert!(at("START-CONTEXT") < at("-MESSAGE"), "{wire}: {text}");
            assert!(at("-MESSAGE") < at("PROMPT-CONTEXT"), "{wire}: {text}");
            assert_eq!(text.matches("PROMPT-CONTEXT").count(), 1, "{wire}: {text}");
        }
    }
}

/// Hook context recorded by an older version (a user item of its own)
/// still makes a request without two user messages in a row.
#[test]
fn an_older_session_file_with_hook_context_as_user_items_resumes() {
    let env = env_with_hooks("chat");
    env.server
        .push_all([Reply::text("first done"), Reply::text("second done")]);
    let run = env.exec_json("FIRST-MESSAGE", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let file = env.session_files().pop().unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    let new_kind = r#"{"type":"context","source":"hooks","text":"#;
    assert_eq!(text.matches(new_kind).count(), 2, "{text}");
    let old = text.replace(new_kind, r#"{"type":"user","text":"#);
    std::fs::write(&file, old).unwrap();

    let run = env.exec_json("SECOND-MESSAGE", &["--resume", "last"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let bodies = bodies(&env);
    no_user_twice_in_a_row("chat", &bodies[1..]);
    let users = user_texts("chat", &bodies[1]);
    assert_eq!(users.len(), 2, "{users:?}");
    assert!(
        users[0].contains("START-CONTEXT") && users[0].contains("FIRST-MESSAGE"),
        "{users:?}"
    );
    assert!(users[1].contains("SECOND-MESSAGE"), "{users:?}");
}
