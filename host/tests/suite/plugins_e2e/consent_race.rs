//! `quire plugins add` run several times at once: every consent is kept
//! (consent.json is updated under a lock, from what is on disk then).

use super::{seed_cache, source_plugin};
use crate::support::quire::{TestEnv, finish};

#[test]
fn concurrent_adds_keep_every_consent() {
    let env = TestEnv::new("responses");
    seed_cache(&env);
    let src = tempfile::tempdir().unwrap();
    let names: Vec<String> = (1..=6).map(|i| format!("r{i}")).collect();
    let children: Vec<_> = names
        .iter()
        .map(|name| {
            let dir = source_plugin(src.path(), name, "[permissions]\nenv = [\"PATH\"]");
            env.spawn(&["plugins", "add", dir.to_str().unwrap(), "--yes"])
        })
        .collect();
    for child in children {
        let run = finish(child);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let list = env.run(&["plugins", "list", "--json"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    let listed: Vec<serde_json::Value> = list
        .stdout
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    for name in &names {
        let entry = listed
            .iter()
            .find(|p| p["name"] == name.as_str())
            .unwrap_or_else(|| panic!("{name} not listed: {}", list.stdout));
        assert_eq!(entry["consent"], "accepted", "{entry}");
    }
}
