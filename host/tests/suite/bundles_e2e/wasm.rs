//! A bundle carrying a WASM component in quire's client folder
//! (`dev.quire/components/finder`, the example fs-search component with a
//! read grant on the workspace): installed from a marketplace, its grants
//! shown and pinned in quire.lock, not loaded until accepted, then called
//! by the model through the real binary.

use std::path::{Path, PathBuf};

use serde_json::json;

use super::guests::build_example;
use super::support::model_server::Reply;
use super::support::quire::TestEnv;
use super::{copy_dir, fixture, run};

/// The wasm-kit fixture in `dir` with its component built from source.
fn wasm_kit(dir: &Path) -> PathBuf {
    copy_dir(&fixture("wasm-kit"), dir);
    let component = dir.join("dev.quire/components/finder/fs_search.wasm");
    std::fs::copy(build_example("fs-search"), &component).expect("copy component");
    dir.to_path_buf()
}

/// A folder marketplace holding wasm-kit.
fn market(env: &TestEnv) -> PathBuf {
    let root = env.home.path().join("wasm-market");
    wasm_kit(&root.join("plugins/wasm-kit"));
    std::fs::create_dir_all(root.join(".claude-plugin")).unwrap();
    std::fs::write(
        root.join(".claude-plugin/marketplace.json"),
        r#"{"name": "wasm-market", "owner": {"name": "Quire Tests"},
            "plugins": [{"name": "wasm-kit", "source": "./plugins/wasm-kit", "description": "Finds text"}]}"#,
    )
    .unwrap();
    root
}

fn offered(env: &TestEnv, request: usize) -> Vec<String> {
    env.server.requests()[request].body["tools"]
        .as_array()
        .map(|tools| {
            tools
                .iter()
                .filter_map(|t| t["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_bundled_wasm_component_needs_consent_then_the_model_calls_it() {
    let env = TestEnv::new("responses");
    let market = market(&env);
    env.write("src/lib.rs", "fn needle_in_the_workspace() {}\n");
    let kit = market.join("plugins/wasm-kit").display().to_string();
    let r = run(&env, &["plugins", "validate", &kit]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("wasm-kit (agent-plugins)") && r.stdout.contains("1 WASM component(s)"),
        "{}",
        r.stdout
    );
    let r = run(
        &env,
        &[
            "plugins",
            "marketplace",
            "add",
            &market.display().to_string(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);

    // Installed: the grants are shown, not accepted without --yes.
    let r = run(&env, &["plugins", "install", "wasm-kit"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("WASM component finder: fs ro ${workspace}"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("not accepted"), "{}", r.stdout);
    let lock = env.read("quire.lock");
    for needle in [
        "installed = \".agents/plugins/wasm-kit\"",
        "\"finder: fs ro ${workspace}\"",
        "\"dev.quire/components/finder/fs_search.wasm\" = \"sha256:",
    ] {
        assert!(lock.contains(needle), "quire.lock lacks {needle}:\n{lock}");
    }
    env.server.push(Reply::text("nothing to call"));
    let r = env.exec_json("find the needle", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        !offered(&env, 0).iter().any(|t| t.starts_with("finder__")),
        "{:?}",
        offered(&env, 0)
    );

    // Accepted: the model calls the component and gets its output.
    let r = run(&env, &["plugins", "install", "wasm-kit", "--yes"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    env.server.push_all([
        Reply::tool_call("c1", "finder__search", json!({"pattern": "needle"})),
        Reply::text("found it"),
    ]);
    let r = env.exec_json("find the needle", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(offered(&env, 1).contains(&"finder__search".to_string()));
    let done = r.of_type("tool_completed");
    assert_eq!(done.len(), 1, "{:?}", r.events);
    assert_eq!(done[0]["is_error"], false, "{:?}", done[0]);
    let ws = env.repo_path();
    assert_eq!(
        done[0]["output"],
        format!(
            "{}/src/lib.rs:1: fn needle_in_the_workspace() {{}}",
            ws.display()
        )
    );
    let sent = env.server.requests()[2].raw_body.clone();
    assert!(sent.contains("needle_in_the_workspace"), "{sent}");
}
