//! What the MCP servers put into the prompt: their own `instructions`
//! (once ready), in a note right after the user's message (never in the
//! system prompt), through the real binary.

use super::exec::server_toml;
use super::support::model_server::Reply;
use super::support::quire::TestEnv;

#[test]
fn a_ready_servers_instructions_follow_the_message() {
    let long = "x".repeat(2500);
    let config = [
        server_toml(
            "guide",
            &[
                "--instructions",
                "Pass ticket ids as numbers, never strings.",
            ],
            "required = true",
        ),
        server_toml("wordy", &["--instructions", &long], "required = true"),
        server_toml("quiet", &[], "required = true"),
    ]
    .concat();
    let env = TestEnv::with_config("chat", &config);
    env.server.push(Reply::text("ok"));
    let run = env.exec_json("hello", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let body = &env.server.requests()[0].body;
    let messages = body["messages"].as_array().unwrap();
    let first = messages[0]["content"].as_str().unwrap();
    assert!(!first.contains("## guide"), "not in the system prompt");
    // On the Chat wire the note is text of the message it follows.
    let user = messages[1]["content"].as_str().unwrap();
    let note = user
        .strip_prefix("hello\n\n")
        .and_then(|rest| rest.find("# MCP servers").map(|at| &rest[at..]))
        .expect("the servers' note after the message");
    let system = note;
    assert!(
        system.contains("## guide\nPass ticket ids as numbers, never strings."),
        "{system}"
    );
    assert!(
        system.contains(&format!(
            "## wordy\n{}… [cut at 2000 characters]",
            "x".repeat(2000)
        )),
        "long instructions are capped"
    );
    assert!(!system.contains("## quiet"), "{system}");
}

/// `exec` then `exec --resume last`: the note the resumed history holds
/// counts as told, so the same note is not sent again after the next
/// message (it would grow every request of a resumed chain).
#[test]
fn a_resumed_exec_does_not_repeat_the_servers_note() {
    let config = server_toml(
        "guide",
        &[
            "--instructions",
            "Pass ticket ids as numbers, never strings.",
        ],
        "required = true",
    );
    let env = TestEnv::with_config("chat", &config);
    env.server
        .push_all([Reply::text("one"), Reply::text("two"), Reply::text("three")]);
    for (i, task) in ["hello", "and again", "once more"].iter().enumerate() {
        let args: &[&str] = if i == 0 { &[] } else { &["--resume", "last"] };
        let run = env.exec_json(task, args);
        assert_eq!(run.code, 0, "{task}: {}", run.stderr);
    }
    let reqs = env.server.requests();
    assert_eq!(reqs.len(), 3);
    for (i, r) in reqs.iter().enumerate() {
        assert_eq!(
            r.raw_body.matches("# MCP servers").count(),
            1,
            "request {i}: the note once, after the first message: {}",
            r.raw_body
        );
    }
    // The one note is the first message's, before the later ones.
    let body = &reqs[2].raw_body;
    let (note, later) = (body.find("# MCP servers"), body.find("and again"));
    assert!(note.is_some() && note < later, "{body}");
}
