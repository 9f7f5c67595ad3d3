use serde_json::{Map, Value, json};

use super::{ClaudeTranscripts, path_of};
use crate::protocol::Item;
use crate::store::{SessionMeta, SessionWriter};

fn meta() -> SessionMeta {
    SessionMeta {
        id: "s1".into(),
        created: "2026-12-04T00:00:00Z".into(),
        cwd: "/w".into(),
        provider: "p".into(),
        model: "m".into(),
        parent: None,
        agent_name: None,
        spawn: None,
        sandbox: None,
        approval: None,
    }
}

/// The transcript a Claude Code hook is given now, as lines.
fn shown(t: &ClaudeTranscripts, session: &std::path::Path) -> (String, Vec<Value>) {
    let mut input = Map::new();
    input.insert(
        "transcript_path".into(),
        session.display().to_string().into(),
    );
    t.swap_in(&mut input);
    let path = input["transcript_path"].as_str().unwrap().to_string();
    let text = std::fs::read_to_string(&path).unwrap();
    let lines = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (path, lines)
}

#[test]
fn the_session_reads_as_claude_code_transcript_lines() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SessionWriter::create(dir.path(), &meta()).unwrap();
    w.append_item(&Item::User {
        typed: None,
        text: "go".into(),
    })
    .unwrap();
    w.append_item(&Item::Context {
        source: "skills".into(),
        text: "catalog".into(),
    })
    .unwrap();
    w.append_item(&Item::ToolCall {
        call_id: "c1".into(),
        name: "shell".into(),
        arguments: r#"{"command":"echo hi"}"#.into(),
    })
    .unwrap();
    w.append_item(&Item::ToolResult {
        call_id: "c1".into(),
        output: "Exit code: 0\nWall time: 0.0 s\nOutput:\nhi\n".into(),
        is_error: false,
    })
    .unwrap();
    w.append_item(&Item::Assistant {
        text: "done".into(),
    })
    .unwrap();
    let t = ClaudeTranscripts::default();
    let (path, lines) = shown(&t, w.path());
    assert_eq!(path, path_of(w.path()).unwrap().display().to_string());
    assert_eq!(lines.len(), 4, "{lines:#?}");
    assert_eq!(lines[0]["type"], "user");
    assert_eq!(
        lines[0]["message"],
        json!({"role": "user", "content": "go"})
    );
    assert_eq!(lines[0]["parentUuid"], Value::Null);
    assert_eq!(lines[0]["sessionId"], "s1");
    assert_eq!(lines[0]["cwd"], "/w");
    let call = &lines[1]["message"]["content"][0];
    assert_eq!(
        (&call["type"], &call["name"], &call["input"]["command"]),
        (&json!("tool_use"), &json!("Bash"), &json!("echo hi"))
    );
    assert_eq!(lines[1]["parentUuid"], lines[0]["uuid"]);
    let result = &lines[2];
    assert_eq!(result["message"]["content"][0]["tool_use_id"], "c1");
    assert_eq!(result["toolUseResult"]["stdout"], "hi\n");
    assert_eq!(result["sourceToolAssistantUUID"], lines[1]["uuid"]);
    assert_eq!(lines[3]["message"]["role"], "assistant");
    assert_eq!(
        lines[3]["message"]["content"][0],
        json!({"type": "text", "text": "done"})
    );
    assert_eq!(lines[3]["parentUuid"], lines[2]["uuid"]);
    let raw = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        raw.matches(r#""role":"assistant""#).count(),
        2,
        "compact JSON, as hooks grep it"
    );

    // Later records are appended; the lines written stay as they were.
    w.append_withdrawn(0).unwrap();
    w.append_item(&Item::User {
        typed: None,
        text: "more".into(),
    })
    .unwrap();
    w.append_item(&Item::Assistant { text: "ok".into() })
        .unwrap();
    w.append_withdrawn(2).unwrap();
    w.append_item(&Item::User {
        typed: None,
        text: "again".into(),
    })
    .unwrap();
    let (_, after) = shown(&t, w.path());
    assert_eq!(&after[..4], &lines[..], "appended, not rewritten");
    assert_eq!(after.len(), 7);
    // A withdrawn message's lines stay; the next line follows what was
    // before it.
    assert_eq!(after[6]["message"]["content"], "again");
    assert_eq!(after[6]["parentUuid"], lines[3]["uuid"]);

    // A new process writes it whole again, with the same uuids.
    let (_, fresh) = shown(&ClaudeTranscripts::default(), w.path());
    let uuids = |l: &[Value]| l.iter().map(|l| l["uuid"].clone()).collect::<Vec<_>>();
    assert_eq!(uuids(&fresh), uuids(&after));
}

#[test]
fn a_compaction_starts_a_new_chain_with_its_summary() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SessionWriter::create(dir.path(), &meta()).unwrap();
    w.append_item(&Item::User {
        typed: None,
        text: "go".into(),
    })
    .unwrap();
    w.append_compacted(&[Item::CompactionSummary {
        text: "so far".into(),
    }])
    .unwrap();
    let (_, lines) = shown(&ClaudeTranscripts::default(), w.path());
    assert_eq!(lines[1]["subtype"], "compact_boundary");
    assert_eq!(lines[1]["parentUuid"], Value::Null);
    assert_eq!(lines[1]["logicalParentUuid"], lines[0]["uuid"]);
    assert_eq!(lines[2]["isCompactSummary"], true);
    assert_eq!(lines[2]["parentUuid"], lines[1]["uuid"]);
}
