//! Consent is for a plugin's code too: a component replaced after it was
//! accepted (a pull of the repository that holds it) is not loaded until
//! it is accepted again.

use serde_json::Value;

use super::{json_lines, seed_cache, source_plugin};
use crate::support::model_server::Reply;
use crate::support::quire::TestEnv;

/// Appends a custom section: the same tools, other bytes (other code as
/// far as a hash can tell).
fn replace_code(wasm: &std::path::Path) {
    let mut bytes = std::fs::read(wasm).unwrap();
    bytes.extend_from_slice(&[0, 9, 4, b'e', b'v', b'i', b'l', b'c', b'o', b'd', b'e']);
    std::fs::write(wasm, bytes).unwrap();
}

/// A home where the hostile test plugin (asking for `PATH`) was added and
/// accepted; its source folder.
fn accepted() -> (TestEnv, tempfile::TempDir) {
    let env = TestEnv::new("responses");
    seed_cache(&env);
    let src = tempfile::tempdir().unwrap();
    let plugin = source_plugin(src.path(), "hostile", "[permissions]\nenv = [\"PATH\"]");
    let add = env.run(&["plugins", "add", plugin.to_str().unwrap(), "--yes"]);
    assert_eq!(add.code, 0, "{}", add.stderr);
    (env, src)
}

fn offered(env: &TestEnv) -> bool {
    let reqs = env.server.requests();
    reqs.last().unwrap().raw_body.contains("hostile__echo")
}

#[test]
fn a_replaced_component_is_not_loaded_until_accepted_again() {
    let (env, _src) = accepted();
    let installed = env.home.path().join("plugins/hostile");

    env.server.push(Reply::text("ok"));
    let run = env.exec_json("hi", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(offered(&env), "the accepted plugin is loaded");

    replace_code(&installed.join("plugin.wasm"));
    let list = env.run(&["plugins", "list", "--json"]);
    let rows: Vec<Value> = json_lines(&list.stdout);
    assert_eq!(rows[0]["consent"], "code-changed", "{}", list.stdout);
    let list = env.run(&["plugins", "list"]);
    assert!(list.stdout.contains("code-changed"), "{}", list.stdout);
    assert!(
        list.stderr
            .contains("its component is not the code you accepted"),
        "{}",
        list.stderr
    );

    env.server.push(Reply::text("ok"));
    let run = env.exec_json("hi", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let warnings: Vec<String> = run
        .of_type("warning")
        .iter()
        .map(|w| w["message"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(
        warnings.iter().any(|w| w.contains(
            "plugin 'hostile' was not loaded: its component is not the code you accepted"
        ) && w.contains("quire plugins add")),
        "{warnings:?}"
    );
    assert!(!offered(&env), "the replaced code was loaded");

    // Accepted again (in place): loaded.
    let add = env.run(&["plugins", "add", installed.to_str().unwrap(), "--yes"]);
    assert_eq!(add.code, 0, "{}", add.stderr);
    let list = env.run(&["plugins", "list", "--json"]);
    assert_eq!(json_lines(&list.stdout)[0]["consent"], "accepted");
    env.server.push(Reply::text("ok"));
    let run = env.exec_json("hi", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(offered(&env), "the accepted code is loaded again");
}

#[test]
fn a_consent_from_before_component_hashes_is_asked_again() {
    let (env, _src) = accepted();
    let consent = env.home.path().join("plugins/consent.json");
    let mut file: Value =
        serde_json::from_str(&std::fs::read_to_string(&consent).unwrap()).unwrap();
    for r in file["plugins"].as_object_mut().unwrap().values_mut() {
        assert!(r["component_sha256"].is_string(), "{r}");
        r.as_object_mut().unwrap().remove("component_sha256");
    }
    std::fs::write(&consent, file.to_string()).unwrap();
    let list = env.run(&["plugins", "list", "--json"]);
    assert_eq!(json_lines(&list.stdout)[0]["consent"], "code-unknown");
    env.server.push(Reply::text("ok"));
    let run = env.exec_json("hi", &[]);
    assert!(
        run.stdout
            .contains("was accepted before quire recorded which component you accepted"),
        "{}",
        run.stdout
    );
    assert!(!offered(&env));
}
