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
