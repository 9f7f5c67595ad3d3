//! What Claude Code hooks read after the fact: the transcript in Claude
//! Code's layout at `transcript_path`, and `tool_response` in Claude
//! Code's fields per tool.

use serde_json::{Value, json};

use super::claude_input::user_claude_hook;
use super::script;
use super::support::model_server::Reply;
use super::support::quire::TestEnv;

/// ralph-wiggum's stop hook: the last line of the transcript with
/// `"role":"assistant"` in it, its text blocks; no such line ends the
/// loop, a text without the promise makes the agent go on.
const RALPH: &str = r#"#!/bin/bash
input=$(cat)
t=$(printf '%s' "$input" | python3 -c 'import json,sys; print(json.load(sys.stdin)["transcript_path"])')
grep -q '"role":"assistant"' "$t" || exit 0
last=$(grep '"role":"assistant"' "$t" | tail -1)
text=$(printf '%s' "$last" | python3 -c 'import json,sys; m=json.load(sys.stdin); print("\n".join(b["text"] for b in m["message"]["content"] if b["type"]=="text"))')
printf '%s\n' "$text" >> "$LOG"
case "$text" in
  *"<promise>DONE</promise>"*) exit 0 ;;
esac
printf '{"decision":"block","reason":"keep going"}'
"#;

#[test]
fn a_stop_hook_reading_the_transcript_like_ralph_wiggum_keeps_the_loop_going() {
    let env = TestEnv::new("chat");
    let log = env.home.path().join("last-texts");
    let hook = script(&env, "stop-hook.sh", RALPH);
    user_claude_hook(
        &env,
        "Stop",
        "",
        json!({"type": "command", "command": format!("LOG={} {}", log.display(), hook.display())}),
    );
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "echo hi"})),
        Reply::text("working on it"),
        Reply::text("all done <promise>DONE</promise>"),
    ]);
    let run = env.exec_json("loop", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let seen = std::fs::read_to_string(&log).unwrap_or_default();
    assert_eq!(
        seen, "working on it\nall done <promise>DONE</promise>\n",
        "{:?}",
        run.events
    );
    assert_eq!(env.server.requests().len(), 3);
    assert!(env.server.requests()[2].raw_body.contains("keep going"));
    // The transcript is Claude Code's: the call as `Bash` with its input,
    // its result with `toolUseResult`.
    let session = run.of_type("session_started")[0]["session_file"]
        .as_str()
        .unwrap()
        .to_string();
    let session = std::path::Path::new(&session);
    let claude = session
        .parent()
        .unwrap()
        .join("claude-transcripts")
        .join(session.file_name().unwrap());
    let lines: Vec<Value> = std::fs::read_to_string(&claude)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let call = lines
        .iter()
        .find(|l| l["message"]["content"][0]["type"] == "tool_use")
        .unwrap();
    assert_eq!(call["message"]["content"][0]["name"], "Bash");
    assert_eq!(call["message"]["content"][0]["input"]["command"], "echo hi");
    let result = lines
        .iter()
        .find(|l| l.get("toolUseResult").is_some())
        .unwrap();
    assert_eq!(result["toolUseResult"]["stdout"], "hi\n");
    assert_eq!(result["parentUuid"], call["uuid"]);
    let id = run.of_type("session_started")[0]["session_id"].clone();
    assert!(lines.iter().all(|l| l["sessionId"] == id));
    // Deleting the session deletes the copy too.
    let deleted = env.run(&["sessions", "delete", id.as_str().unwrap()]);
    assert_eq!(deleted.code, 0, "{deleted:?}");
    assert!(!claude.exists() && !session.exists());
}

#[test]
fn post_tool_use_hooks_get_claude_code_tool_response_fields() {
    let env = TestEnv::new("chat");
    let log = env.home.path().join("post.jsonl");
    let hook = script(
        &env,
        "post.py",
        &format!(
            "#!/usr/bin/env python3\nimport json, sys\nd = json.load(sys.stdin)\nr = d['tool_response']\nopen({:?}, 'a').write(json.dumps([d['tool_name'], r.get('stdout'), r.get('filePath'), r.get('output') is not None]) + '\\n')\n",
            log.display().to_string()
        ),
    );
    user_claude_hook(
        &env,
        "PostToolUse",
        "Bash|Write",
        json!({"type": "command", "command": hook.display().to_string()}),
    );
    let patch = "*** Begin Patch\n*** Add File: a.txt\n+x\n*** End Patch";
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "echo hello"})),
        Reply::tool_call("c2", "apply_patch", json!({"patch": patch})),
        Reply::text("finished"),
    ]);
    let run = env.exec_json("go", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let seen: Vec<Value> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let a = env.repo_path().join("a.txt").display().to_string();
    // Claude Code's fields, quire's `output` kept beside them.
    assert_eq!(
        seen,
        [
            json!(["Bash", "hello\n", null, true]),
            json!(["Write", null, a, true])
        ]
    );
}
