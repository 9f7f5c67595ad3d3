//! Cache-stable prompts through the real binary: the first two requests of
//! a session with skills on each wire (snapshots, so a reviewer sees where
//! each part goes), the second extending the first; and cached token
//! counts in the events, the session file and `quire exec`'s last line.

use serde_json::{Value, json};

use super::redact;
use super::support::model_server::{Reply, Step};
use super::support::quire::{TestEnv, WIRES};

const SKILL: &str = "---\nname: release-notes\ndescription: Writes release notes from the git log. Use when asked for a changelog or release notes.\n---\n# Release notes\n\nRELEASE-NOTES-BODY: group commits by type.\n";

/// `v` without Anthropic's `cache_control` markers (they mark where the
/// cache ends; they are not part of the cached content).
pub(super) fn without_markers(mut v: Value) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(m) => {
                m.remove("cache_control");
                m.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut v);
    v
}

/// The three parts of a request in the provider's order: tools, the
/// system prompt, the conversation.
pub(super) fn parts(wire: &str, body: &Value) -> (Value, Value, Vec<Value>) {
    let items = |k: &str| body[k].as_array().cloned().unwrap_or_default();
    match wire {
        "responses" => (
            body["tools"].clone(),
            body["instructions"].clone(),
            items("input"),
        ),
        "chat" => {
            let mut m = items("messages");
            let system = m.remove(0);
            (body["tools"].clone(), system, m)
        }
        _ => (
            body["tools"].clone(),
            body["system"].clone(),
            items("messages"),
        ),
    }
}

#[test]
fn the_first_two_requests_with_skills_per_wire() {
    for wire in WIRES {
        let env = TestEnv::new(wire);
        env.write(".agents/skills/release-notes/SKILL.md", SKILL);
        env.server.push_all([
            Reply::tool_call("c1", "list_dir", json!({})),
            Reply::text("done"),
        ]);
        let run = env.exec_json("use $release-notes for the v2 changelog", &[]);
        assert_eq!(run.code, 0, "{wire}: {}", run.stderr);
        let id = run.of_type("session_started")[0]["session_id"]
            .as_str()
            .unwrap()
            .to_string();
        let reqs = env.server.requests();
        assert_eq!(reqs.len(), 2, "{wire}");
        let bodies: Vec<Value> = reqs
            .iter()
            .map(|r| redact(&env, &r.raw_body.replace(&id, "[SESSION]")))
            .collect();
        insta::assert_json_snapshot!(format!("skills_first_two_requests_{wire}"), bodies);

        let (tools0, system0, items0) = parts(wire, &without_markers(bodies[0].clone()));
        let (tools1, system1, items1) = parts(wire, &without_markers(bodies[1].clone()));
        assert_eq!(tools0, tools1, "{wire}: the same tools");
        assert_eq!(system0, system1, "{wire}: the same system prompt");
        assert!(
            items1.starts_with(&items0),
            "{wire}: the second request extends the first"
        );
        let system = system0.to_string();
        assert!(!system.contains("release-notes"), "{wire}: {system}");
        // Right after the user's message: the catalog, then the body.
        let after: Vec<String> = match wire {
            "anthropic" => items0[0]["content"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| b["text"].as_str().unwrap().to_string())
                .collect(),
            "chat" => items0
                .iter()
                .map(|m| format!("{}: {}", m["role"], m["content"].as_str().unwrap()))
                .collect(),
            _ => items0
                .iter()
                .map(|m| format!("{}: {}", m["role"], m["content"][0]["text"]))
                .collect(),
        };
        // Chat: one user message (local chat templates refuse a
        // `developer` role and two user messages in a row).
        let after = if wire == "chat" {
            assert_eq!(after.len(), 1, "{wire}: {after:?}");
            after[0].split("\n\n").map(str::to_string).collect()
        } else {
            after
        };
        assert!(after.len() >= 3, "{wire}: {after:?}");
        assert!(after[0].contains("use $release-notes"), "{wire}: {after:?}");
        assert!(after[1].contains("# Skills"), "{wire}: {after:?}");
        assert!(
            after.iter().any(|a| a.contains("RELEASE-NOTES-BODY")),
            "{wire}: {after:?}"
        );
        if wire == "responses" {
            assert!(after[1].starts_with("\"developer\""), "{wire}: {after:?}");
        }
        match wire {
            "responses" => assert_eq!(bodies[0]["prompt_cache_key"], "[SESSION]"),
            "anthropic" => {
                let marked = reqs[0].raw_body.matches("\"cache_control\"").count();
                assert_eq!(marked, 3, "last tool, system, newest message");
            }
            _ => assert!(
                !reqs[0].raw_body.contains("cache_control")
                    && !reqs[0].raw_body.contains("prompt_cache_key")
            ),
        }
    }
}

#[test]
fn cached_tokens_reach_the_events_the_session_file_and_the_summary() {
    for wire in WIRES {
        let env = TestEnv::new(wire);
        let written = if wire == "anthropic" { 100 } else { 0 };
        let reply = || {
            Reply::steps(vec![
                Step::text("ok"),
                Step::Usage {
                    input: 1000,
                    output: 50,
                },
                Step::Cached { read: 800, written },
            ])
        };
        env.server.push_all([reply(), reply()]);
        let run = env.run(&["exec", "say ok"]);
        assert_eq!(run.code, 0, "{wire}: {}", run.stderr);
        let line = if written > 0 {
            "tokens: 1000 in (800 cached, 100 written) · 50 out"
        } else {
            "tokens: 1000 in (800 cached) · 50 out"
        };
        assert_eq!(
            run.stderr.lines().last(),
            Some(line),
            "{wire}: {}",
            run.stderr
        );

        let run = env.exec_json("say ok", &[]);
        assert_eq!(run.code, 0, "{wire}: {}", run.stderr);
        let usage = &run.of_type("turn_completed")[0]["usage"];
        assert_eq!(usage["cached_input_tokens"], 800, "{wire}: {usage}");
        assert_eq!(usage["cache_write_input_tokens"], written, "{wire}");
        let done = &run.of_type("task_completed")[0]["usage"];
        assert_eq!(done["cached_input_tokens"], 800, "{wire}: {done}");
        let kept = env
            .session_records()
            .into_iter()
            .filter_map(|r| r.pointer("/event/usage/cached_input_tokens").cloned())
            .collect::<Vec<_>>();
        assert!(kept.contains(&json!(800)), "{wire}: {kept:?}");
    }
}
