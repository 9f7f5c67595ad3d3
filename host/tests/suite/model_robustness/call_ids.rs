//! Repeated and empty tool-call ids are made unique before they are
//! recorded and sent back, the same in each call and its result.

use crate::support;

use serde_json::json;
use std::collections::BTreeSet;
use support::model_server::{Reply, Step};
use support::quire::{TestEnv, WIRES};

#[test]
fn repeated_and_empty_call_ids_are_made_unique() {
    for wire in WIRES {
        let env = TestEnv::new(wire);
        env.server.push_all([
            Reply::tool_calls(vec![
                Step::tool_call("dup", "shell", json!({"command": "echo one"})),
                Step::tool_call("dup", "shell", json!({"command": "echo two"})),
                Step::tool_call("", "shell", json!({"command": "echo three"})),
                Step::tool_call("", "shell", json!({"command": "echo four"})),
            ]),
            Reply::text("done"),
        ]);
        let run = env.exec_json("run them", &[]);
        assert_eq!(run.code, 0, "{wire}: {}", run.stderr);
        let records = env.session_records();
        let of = |kind: &str| -> Vec<String> {
            records
                .iter()
                .filter(|r| r["item"]["type"] == kind)
                .map(|r| r["item"]["call_id"].as_str().unwrap().to_string())
                .collect()
        };
        let calls = of("tool_call");
        let results = of("tool_result");
        assert_eq!(calls.len(), 4, "{wire}: {calls:?}");
        let unique: BTreeSet<&String> = calls.iter().collect();
        assert_eq!(unique.len(), 4, "{wire}: {calls:?}");
        assert!(calls.iter().all(|c| !c.is_empty()), "{wire}: {calls:?}");
        assert_eq!(
            unique,
            results.iter().collect::<BTreeSet<_>>(),
            "{wire}: each result answers its own call"
        );
        let started: BTreeSet<String> = run
            .of_type("tool_started")
            .iter()
            .map(|e| e["call_id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(started.iter().collect::<BTreeSet<_>>(), unique, "{wire}");
        let sent = &env.server.requests()[1].raw_body;
        for id in &calls {
            assert!(sent.contains(&format!("\"{id}\"")), "{wire}: {id} not sent");
        }
        assert!(!sent.contains("\"\""), "{wire}: an empty id was sent");
    }
}

/// A call without a function name is answered with an error result on
/// every wire (the chat wire dropped it without a word): the model is told
/// it named no tool, and its id stays paired with that result.
#[test]
fn a_call_without_a_name_is_answered_with_an_error() {
    for wire in WIRES {
        let env = TestEnv::new(wire);
        env.server.push_all([
            Reply::tool_calls(vec![
                Step::tool_call("nameless", "", json!({"command": "echo x"})),
                Step::tool_call("named", "shell", json!({"command": "echo fine"})),
            ]),
            Reply::text("done"),
        ]);
        let run = env.exec_json("run them", &[]);
        assert_eq!(run.code, 0, "{wire}: {}", run.stderr);
        let completed = run.of_type("tool_completed");
        assert_eq!(completed.len(), 2, "{wire}: {completed:?}");
        let nameless = completed
            .iter()
            .find(|e| e["call_id"] == "nameless")
            .unwrap_or_else(|| panic!("{wire}: no result for the nameless call"));
        assert_eq!(nameless["status"], "failed", "{wire}");
        let output = nameless["output"].as_str().unwrap_or("");
        assert!(
            output.contains("the tool call has no name"),
            "{wire}: {output}"
        );
        let sent = &env.server.requests()[1].raw_body;
        assert!(
            sent.contains("the tool call has no name"),
            "{wire}: the model was not told"
        );
    }
}
