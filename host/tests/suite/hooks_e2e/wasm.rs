//! WASM hooks (world 0.2.0) through the real binary: the two example
//! hook plugins, a hook that loops forever, a plugin for world 0.1.0, and
//! trust by hash of the component.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::guests;
use super::support::model_server::Reply;
use super::support::quire::{Run, TestEnv};

/// A plugin folder (outside repo and home) holding `wasm` and `toml`.
fn source_dir(env: &TestEnv, name: &str, wasm: &Path, toml: &str) -> PathBuf {
    let dir = env.home.path().join("sources").join(name);
    std::fs::create_dir_all(&dir).unwrap();
    let component = toml
        .lines()
        .find_map(|l| l.strip_prefix("component = "))
        .map(|c| c.trim_matches('"').to_string())
        .unwrap_or_else(|| "plugin.wasm".into());
    std::fs::copy(wasm, dir.join(component)).unwrap();
    std::fs::write(dir.join("plugin.toml"), toml).unwrap();
    dir
}

/// `quire plugins add --yes DIR`; its output.
fn add(env: &TestEnv, dir: &Path) -> String {
    let run = env.run(&["plugins", "add", "--yes", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "add {}: {}", dir.display(), run.stderr);
    run.stdout
}

/// Installs example `name` (built from source) into the env's home; what
/// `plugins add` said.
fn install_example(env: &TestEnv, name: &str) -> String {
    let wasm = guests::build_example(name);
    let example = guests::root().join("examples/plugins").join(name);
    let toml = std::fs::read_to_string(example.join("plugin.toml")).unwrap();
    add(env, &source_dir(env, name, &wasm, &toml))
}

fn trust_all(env: &TestEnv) {
    let run = env.run(&["hooks", "trust"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

fn completed(run: &Run) -> Vec<(String, String, String)> {
    run.of_type("hook_completed")
        .iter()
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap_or("").to_string();
            (s("name"), s("outcome"), s("message"))
        })
        .collect()
}

fn tool_outputs(run: &Run) -> Vec<String> {
    run.of_type("tool_completed")
        .iter()
        .map(|e| e["output"].as_str().unwrap_or("").to_string())
        .collect()
}

fn warnings(run: &Run) -> String {
    run.of_type("warning")
        .iter()
        .map(|e| e["message"].as_str().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn rm_guard_blocks_rm_rf_outside_the_workspace_and_the_model_reads_why() {
    let env = TestEnv::new("responses");
    let added = install_example(&env, "rm-guard");
    // A plugin of hooks only says so, with no dangling list.
    assert!(added.trim_end().ends_with("with no tools"), "{added}");
    trust_all(&env);
    env.write("build/out.txt", "x");
    let outside = env.home.path().join("victim");
    std::fs::create_dir_all(&outside).unwrap();
    let outside_cmd = format!("rm -rf {}", outside.display());
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": outside_cmd})),
        Reply::tool_call(
            "c2",
            "shell",
            json!({"command": "rm -rf build && echo removed"}),
        ),
        Reply::text("ok"),
    ]);
    let run = env.exec_json("clean up", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = completed(&run);
    assert_eq!(done.len(), 2, "{done:?}");
    assert_eq!(done[0].0, "plugin rm-guard");
    assert_eq!(done[0].1, "blocked", "{done:?}");
    assert_eq!(done[1].1, "ok", "{done:?}");
    // The reason reaches the model with the tool result.
    let requests = env.server.requests();
    let second = &requests[1].raw_body;
    assert!(
        second.contains("rm-guard:") && second.contains("deletes outside the workspace"),
        "{second}"
    );
    assert!(outside.exists());
    let outputs = tool_outputs(&run);
    assert!(outputs[1].contains("removed"), "{outputs:?}");
    assert!(!env.repo_path().join("build").exists());
}

#[test]
fn rs_tidy_rewrites_rust_files_in_its_granted_folder_and_no_others() {
    let env = TestEnv::new("responses");
    env.write("src/lib.rs", "fn a() {}\n");
    env.write("tests/t.rs", "fn t() {}\n");
    install_example(&env, "rs-tidy");
    trust_all(&env);
    let patch = "*** Begin Patch\n*** Update File: src/lib.rs\n@@\n-fn a() {}\n+fn a() {}   \n+fn b() {}\t\n*** Update File: tests/t.rs\n@@\n-fn t() {}\n+fn t() {}   \n*** End Patch\n";
    env.server.push_all([
        Reply::tool_call("c1", "apply_patch", json!({"patch": patch})),
        Reply::text("ok"),
    ]);
    let run = env.exec_json("edit", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(env.read("src/lib.rs"), "fn a() {}\nfn b() {}\n");
    // Outside its grant the component cannot open the file: untouched.
    assert_eq!(env.read("tests/t.rs"), "fn t() {}   \n");
    let w = warnings(&run);
    assert!(
        w.contains("rs-tidy could not tidy") && w.contains("tests/t.rs"),
        "{w}"
    );
    let requests = env.server.requests();
    assert!(
        requests[1].raw_body.contains("rs-tidy tidied"),
        "{}",
        requests[1].raw_body
    );
}

#[test]
fn a_wasm_hook_that_loops_forever_is_stopped_at_its_limit_and_the_turn_goes_on() {
    let env = TestEnv::new("chat");
    let wasm = guests::build("hostile");
    let toml = "name = \"spinner\"\nversion = \"0.1.0\"\ndescription = \"loops in its hook\"\ncomponent = \"plugin.wasm\"\n\n[limits]\ntimeout_ms = 300\n\n[[hooks]]\nevent = \"PreToolUse\"\nmatcher = \"shell\"\n";
    add(&env, &source_dir(&env, "spinner", &wasm, toml));
    trust_all(&env);
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "echo still-ran"})),
        Reply::text("ok"),
    ]);
    let run = env.exec_json("go", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = completed(&run);
    assert_eq!(done.len(), 1, "{done:?}");
    assert_eq!(done[0].1, "timeout", "{done:?}");
    assert!(done[0].2.contains("time limit of 300 ms"), "{done:?}");
    assert!(tool_outputs(&run)[0].contains("still-ran"));
}

#[test]
fn a_plugin_for_world_0_1_0_keeps_working_and_its_hooks_are_named_as_unsupported() {
    let env = TestEnv::new("responses");
    let wasm = guests::build("echo");
    let toml = "name = \"old\"\nversion = \"0.1.0\"\ndescription = \"built for world 0.1.0\"\ncomponent = \"plugin.wasm\"\n\n[[hooks]]\nevent = \"Stop\"\n";
    add(&env, &source_dir(&env, "old", &wasm, toml));
    trust_all(&env);
    let run = env.run(&["plugins", "inspect", "old", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let info: Value = serde_json::from_str(run.stdout.trim()).unwrap();
    assert_eq!(info["world"], "quire:plugin@0.1.0");
    env.server.push_all([
        Reply::tool_call("c1", "old__echo", json!({"said": "hi"})),
        Reply::text("ok"),
    ]);
    let run = env.exec_json("echo", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let outputs = tool_outputs(&run);
    assert!(outputs[0].contains("\"said\""), "{outputs:?}");
    assert!(run.of_type("hook_started").is_empty());
    let w = warnings(&run);
    assert!(
        w.contains("built for world 0.1.0, which has no hooks"),
        "{w}"
    );
}

#[test]
fn a_wasm_hook_runs_only_once_approved_and_not_after_its_component_changed() {
    let env = TestEnv::new("responses");
    install_example(&env, "rm-guard");
    let list = env.run(&["hooks", "list", "--json"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    let hook: Value = serde_json::from_str(list.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(
        (&hook["type"], &hook["plugin"], &hook["trust"]),
        (&json!("wasm"), &json!("rm-guard"), &json!("not_approved"))
    );
    // A harmless command the guard would block (the path does not exist).
    let cmd = json!({"command": "rm -rf /nonexistent-quire-hook-test"});
    let blocked_runs = |env: &TestEnv| {
        env.server.push_all([
            Reply::tool_call("c1", "shell", cmd.clone()),
            Reply::text("ok"),
        ]);
        let run = env.exec_json("go", &[]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        run
    };
    let run = blocked_runs(&env);
    assert!(run.of_type("hook_started").is_empty(), "{:?}", run.events);
    assert!(
        warnings(&run).contains("quire hooks trust"),
        "{}",
        warnings(&run)
    );

    trust_all(&env);
    let run = blocked_runs(&env);
    assert_eq!(completed(&run)[0].1, "blocked");

    // The same plugin.toml with another component: a changed hook.
    let installed = env.home.path().join("plugins/rm-guard/rm_guard.wasm");
    std::fs::copy(guests::build_example("rs-tidy"), &installed).unwrap();
    let run = blocked_runs(&env);
    assert!(run.of_type("hook_started").is_empty(), "{:?}", run.events);
    assert!(
        warnings(&run).contains("quire hooks trust"),
        "{}",
        warnings(&run)
    );
}
