//! The agents a message may start are described once per conversation:
//! the same offer is not said again after later messages (also in a
//! resumed session, rebuilt from its history), and a definition added
//! later is described while the earlier ones are named only.

use support::model_server::Reply;
use support::quire::TestEnv;

use super::support;

const LONG: &str = "Use this agent to review recently written code. <example>user: done, take a look. assistant: I will start the reviewer.</example>";

/// The agents items of a Responses request, in order.
fn agents_items(body: &serde_json::Value) -> Vec<String> {
    body["input"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|i| i["content"].as_array().into_iter().flatten())
        .filter_map(|c| c["text"].as_str())
        .filter(|t| t.starts_with("Agents you can start with spawn_agent"))
        .map(str::to_string)
        .collect()
}

#[test]
fn agents_are_described_once_and_not_offered_again_after_each_message() {
    let env = TestEnv::new("responses");
    env.write(
        ".claude/agents/reviewer.md",
        &format!("---\nname: reviewer\ndescription: \"{LONG}\"\n---\nReview.\n"),
    );
    env.write(
        ".claude/agents/tester.md",
        "---\nname: tester\ndescription: Writes tests for new code\n---\nTest.\n",
    );
    env.server.push_all([
        Reply::text("a"),
        Reply::text("b"),
        Reply::text("c"),
        Reply::text("d"),
    ]);
    let run = env.exec_json("fix the typo in README", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = env.exec_json("thanks", &["--resume", "last"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    env.write(
        ".claude/agents/docs.md",
        "---\nname: docs\ndescription: Writes documentation\n---\nDocs.\n",
    );
    let run = env.exec_json("now the docs", &["--resume", "last"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = env.exec_json("ok", &["--resume", "last"]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let bodies = env.server.model_bodies();
    assert_eq!(bodies.len(), 4);
    let first = agents_items(&bodies[0]);
    assert_eq!(first.len(), 1, "{first:?}");
    assert!(
        first[0].contains(&format!("- reviewer: {LONG}\n")),
        "{}",
        first[0]
    );
    assert!(first[0].contains("- tester: Writes tests for new code\n"));
    // The resumed session's next message: the same offer, not said again.
    assert_eq!(agents_items(&bodies[1]), first, "only the first message's");
    // A new definition: described; the others named only.
    let third = agents_items(&bodies[2]);
    assert_eq!(third.len(), 2, "{third:?}");
    let new = &third[1];
    assert!(new.contains("- docs: Writes documentation\n"), "{new}");
    assert!(
        new.contains("- reviewer (described earlier in this conversation)\n"),
        "{new}"
    );
    assert!(!new.contains(LONG), "{new}");
    assert_eq!(agents_items(&bodies[3]).len(), 2, "nothing after `ok`");
    // The long description went once into the whole conversation.
    assert_eq!(
        serde_json::to_string(&bodies[3])
            .unwrap()
            .matches("review recently written")
            .count(),
        1
    );
}
