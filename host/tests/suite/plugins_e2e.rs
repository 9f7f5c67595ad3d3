//! End-to-end: `quire plugins …` and plugin tools in a session, with the
//! real binary and a plugin built from source.
use crate::support;
use crate::support::guests;
use crate::support::plugin_lab;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use support::model_server::{Reply, Step};
use support::quire::TestEnv;

/// A plugin folder outside the repo and home: the hostile guest as `name`.
fn source_plugin(dir: &Path, name: &str, extra: &str) -> PathBuf {
    let wasm = plugin_lab::warm("hostile");
    guests::plugin_dir(&dir.join(name), name, &wasm, extra)
}

/// Copies the test process's compiled code into the env's cache, so the
/// binary does not compile the guest again.
fn seed_cache(env: &TestEnv) {
    plugin_lab::warm("hostile");
    let to = env.home.path().join("cache/plugins");
    std::fs::create_dir_all(&to).unwrap();
    for e in std::fs::read_dir(plugin_lab::shared_cache().dir())
        .unwrap()
        .flatten()
    {
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

fn json_lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

#[test]
fn add_list_inspect_call_remove() {
    let env = TestEnv::new("responses");
    seed_cache(&env);
    let src = tempfile::tempdir().unwrap();
    let plugin = source_plugin(
        src.path(),
        "hostile",
        "[permissions]\nenv = [\"PATH\"]\n[limits]\ntimeout_ms = 500",
    );
    let path = plugin.to_str().unwrap();

    // Permissions need consent; without a terminal only --yes gives it.
    let run = env.run(&["plugins", "add", path]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("environment: read $PATH"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--yes"), "{}", run.stderr);
    assert!(!env.home.path().join("plugins/hostile").exists());

    let run = env.run(&["plugins", "add", path, "--yes"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("installed 'hostile' 0.1.0"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("hostile__echo"), "{}", run.stdout);
    let installed = env.home.path().join("plugins/hostile");
    assert!(installed.join("plugin.wasm").is_file());

    let run = env.run(&["plugins", "list", "--json"]);
    let list = json_lines(&run.stdout);
    assert_eq!(list.len(), 1, "{}", run.stdout);
    assert_eq!(list[0]["name"], "hostile");
    assert_eq!(list[0]["scope"], "user");
    assert_eq!(list[0]["consent"], "accepted");

    let run = env.run(&["plugins", "inspect", "hostile", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let info: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(info["world"], "quire:plugin@0.2.0");
    assert_eq!(info["code"], "from cache");
    assert_eq!(info["permissions"]["env"], json!(["PATH"]));
    assert_eq!(info["limits"]["timeout_ms"], 500);
    assert_eq!(info["limits"]["memory_mb"], 64);
    let echo = info["tools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "hostile__echo")
        .expect("echo listed");
    assert_eq!(echo["input_schema"], json!({"type": "object"}));
    assert_eq!(echo["read_only"], true);
    let human = env.run(&["plugins", "inspect", "hostile"]);
    assert!(
        human.stdout.contains("world:       quire:plugin@0.2.0"),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.contains("environment: read $PATH"),
        "{}",
        human.stdout
    );
    // A folder given with `..` is shown as the folder it is.
    let relative = format!(
        "../{}/hostile",
        src.path().file_name().unwrap().to_str().unwrap()
    );
    let human = env.run(&["plugins", "inspect", &relative]);
    assert_eq!(human.code, 0, "{}", human.stderr);
    let folder = format!(
        "folder:      {}\n",
        plugin.canonicalize().unwrap().display()
    );
    assert!(human.stdout.contains(&folder), "{}", human.stdout);

    let run = env.run(&["plugins", "call", "hostile", "echo", r#"{"a":1}"#]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.trim(), r#"{"a":1}"#);
    // The name exactly as `inspect` lists it works too; a typo is named.
    let run = env.run(&["plugins", "call", "hostile", "hostile__echo", r#"{"b":2}"#]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.trim(), r#"{"b":2}"#);
    let run = env.run(&["plugins", "call", "hostile", "ecoh"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("hostile has no tool 'ecoh'; did you mean 'echo'?"),
        "{}",
        run.stderr
    );
    let run = env.run(&[
        "plugins",
        "call",
        "hostile",
        "panic",
        r#"{"message":"boom"}"#,
    ]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("plugin 'hostile' panicked: boom"),
        "{}",
        run.stderr
    );
    let run = env.run(&["plugins", "call", "hostile", "spin"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("time limit of 500 ms"),
        "{}",
        run.stderr
    );
    let run = env.run(&["plugins", "call", "hostile", "echo", "not json"]);
    assert_eq!(run.code, 2);

    // Project scope wins over user scope; remove takes it first.
    let run = env.run(&["plugins", "add", path, "--yes", "--scope", "project"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        env.repo
            .path()
            .join(".quire/plugins/hostile/plugin.toml")
            .is_file()
    );
    let list = json_lines(&env.run(&["plugins", "list", "--json"]).stdout);
    assert_eq!(list[0]["scope"], "project");
    assert_eq!(env.run(&["plugins", "remove", "hostile"]).code, 0);
    assert!(!env.repo.path().join(".quire/plugins/hostile").exists());
    assert_eq!(env.run(&["plugins", "remove", "hostile"]).code, 0);
    assert!(!installed.exists());
    let run = env.run(&["plugins", "remove", "hostile"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("no installed plugin is named 'hostile'"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_second_start_of_a_plugin_does_not_compile() {
    let env = TestEnv::new("responses");
    let src = tempfile::tempdir().unwrap();
    let plugin = source_plugin(src.path(), "fresh", "");
    let path = plugin.to_str().unwrap();
    let first = env.run(&["plugins", "inspect", path, "--json"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let first: Value = serde_json::from_str(&first.stdout).unwrap();
    assert_eq!(first["code"], "compiled now");
    let cached: Vec<_> = std::fs::read_dir(env.home.path().join("cache/plugins"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(cached.len(), 1);
    let second: Value =
        serde_json::from_str(&env.run(&["plugins", "inspect", path, "--json"]).stdout).unwrap();
    assert_eq!(second["code"], "from cache");
}

#[test]
fn a_session_offers_plugin_tools_and_survives_their_failures() {
    let env = TestEnv::new("chat");
    seed_cache(&env);
    let src = tempfile::tempdir().unwrap();
    let plugin = source_plugin(src.path(), "hostile", "[limits]\ntimeout_ms = 300");
    let add = env.run(&["plugins", "add", plugin.to_str().unwrap()]);
    assert_eq!(add.code, 0, "{}", add.stderr);
    env.server.push_all([
        Reply::tool_calls(vec![
            Step::tool_call("c1", "hostile__spin", json!({})),
            Step::tool_call("c2", "hostile__echo", json!({"x": 1})),
        ]),
        Reply::text("done"),
    ]);
    let run = env.exec_json("use the plugin", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = run.of_type("tool_completed");
    assert_eq!(done.len(), 2, "{:?}", run.events);
    assert_eq!(done[0]["name"], "hostile__spin");
    assert_eq!(done[0]["is_error"], true);
    let out = done[0]["output"].as_str().unwrap();
    assert!(
        out.contains("plugin 'hostile' was stopped at its time limit of 300 ms"),
        "{out}"
    );
    assert_eq!(done[1]["is_error"], false);
    assert_eq!(done[1]["output"], r#"{"x":1}"#);
    let reqs = env.server.requests();
    let tools = reqs[0].body["tools"].as_array().unwrap();
    let echo = tools
        .iter()
        .find(|t| t["function"]["name"] == "hostile__echo")
        .expect("plugin tool offered to the model");
    assert_eq!(echo["function"]["parameters"], json!({"type": "object"}));
    assert!(reqs[1].raw_body.contains("time limit of 300 ms"));
}

/// `untrusted`: a plugin tool not marked read-only asks first when its
/// plugin may change something (here: the network); `exec` has no one to
/// ask, so it is refused, and a plugin without such grants runs.
#[test]
fn untrusted_asks_before_a_plugin_tool_that_may_change_something() {
    let env = TestEnv::new("chat");
    seed_cache(&env);
    let src = tempfile::tempdir().unwrap();
    let netted = source_plugin(
        src.path(),
        "netted",
        "[permissions]\nnet = [\"example.com\"]",
    );
    let plain = source_plugin(src.path(), "plain", "");
    for p in [&netted, &plain] {
        let add = env.run(&["plugins", "add", "--yes", p.to_str().unwrap()]);
        assert_eq!(add.code, 0, "{}", add.stderr);
    }
    env.server.push_all([
        Reply::tool_calls(vec![
            Step::tool_call("c1", "netted__env", json!({"name": "HOME"})),
            Step::tool_call("c2", "plain__env", json!({"name": "HOME"})),
        ]),
        Reply::text("done"),
    ]);
    let run = env.exec_json("use the plugins", &["--approval", "untrusted"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = run.of_type("tool_completed");
    assert_eq!(done.len(), 2, "{:?}", run.events);
    assert_eq!(done[0]["is_error"], true, "{:?}", done[0]);
    assert!(
        done[0]["output"]
            .as_str()
            .unwrap()
            .contains("the plugin tool `netted__env`"),
        "{:?}",
        done[0]
    );
    // Asked nothing: the plugin has no grant to change anything with.
    assert_eq!(done[1]["status"], "ok", "{:?}", done[1]);
    // Without --approval untrusted both run.
    env.server.push_all([
        Reply::tool_calls(vec![Step::tool_call(
            "c3",
            "netted__env",
            json!({"name": "HOME"}),
        )]),
        Reply::text("done"),
    ]);
    let run = env.exec_json("again", &[]);
    assert_eq!(run.of_type("tool_completed")[0]["status"], "ok");
}

#[test]
fn a_plugin_without_consent_is_not_loaded_and_named_in_a_warning() {
    let env = TestEnv::new("responses");
    seed_cache(&env);
    source_plugin(
        &env.repo.path().join(".quire/plugins"),
        "repo-plugin",
        "[permissions]\nfs = [{ path = \"${workspace}\", access = \"rw\" }]",
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
        warnings
            .iter()
            .any(|w| w.contains("plugin 'repo-plugin' was not loaded")),
        "{warnings:?}"
    );
    let body = &env.server.requests()[0].raw_body;
    assert!(
        !body.contains("repo-plugin__"),
        "tools of an unaccepted plugin were offered"
    );
}

#[test]
fn plugin_toml_errors_point_at_the_right_line() {
    let env = TestEnv::new("responses");
    let src = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let dir = src.path().join(name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("plugin.toml"), text).unwrap();
        dir.display().to_string()
    };
    // A missing key has no line of its own: it is named, not put at line 1.
    let missing = write(
        "missing",
        "name = \"missing\"\nversion = \"0.1.0\"\ndescription = \"d\"\n",
    );
    let run = env.run(&["plugins", "inspect", &missing]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("the required key `component` is missing"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("line 1"), "{}", run.stderr);
    // A bad value is reported at its own line.
    let bad = write(
        "bad",
        "name = \"bad\"\ndescription = \"d\"\ncomponent = \"x.wasm\"\nversion = \"one\"\n",
    );
    let run = env.run(&["plugins", "inspect", &bad]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("line 4: version:"), "{}", run.stderr);
    let net = write(
        "net",
        "name = \"net\"\nversion = \"0.1.0\"\ndescription = \"d\"\ncomponent = \"x.wasm\"\n\n[permissions]\nnet = [\"https://x.example\"]\n",
    );
    let run = env.run(&["plugins", "inspect", &net]);
    assert!(
        run.stderr.contains("line 7: permissions.net[0]"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_post_tool_use_hook_fires_for_a_plugin_tool() {
    let env = TestEnv::new("responses");
    seed_cache(&env);
    let src = tempfile::tempdir().unwrap();
    let plugin = source_plugin(src.path(), "hostile", "");
    let add = env.run(&["plugins", "add", plugin.to_str().unwrap()]);
    assert_eq!(add.code, 0, "{}", add.stderr);
    let seen = src.path().join("post.json");
    let hook = src.path().join("post.py");
    std::fs::write(
        &hook,
        format!(
            "import json, sys\ndata = json.load(sys.stdin)\nopen({:?}, 'w').write(json.dumps(data))\nprint(json.dumps({{'hookSpecificOutput': {{'additionalContext': 'plugin call audited'}}}}))\n",
            seen.display().to_string()
        ),
    )
    .unwrap();
    let cfg = env.home.path().join("config.toml");
    let mut text = std::fs::read_to_string(&cfg).unwrap();
    text.push_str(&format!(
        "\n[[hooks.PostToolUse]]\nmatcher = \"hostile__.*\"\ncommand = {:?}\n",
        format!("python3 {}", hook.display())
    ));
    std::fs::write(&cfg, text).unwrap();
    env.server.push_all([
        Reply::tool_call("c1", "hostile__echo", json!({"x": 1})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("use the plugin", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let input: Value = serde_json::from_str(&std::fs::read_to_string(&seen).unwrap()).unwrap();
    assert_eq!(input["hook_event_name"], "PostToolUse");
    assert_eq!(input["tool_name"], "hostile__echo");
    assert_eq!(input["tool_source"], "plugin");
    assert_eq!(input["tool_response"]["output"], r#"{"x":1}"#);
    assert!(
        env.server.requests()[1]
            .raw_body
            .contains("plugin call audited")
    );
}

mod consent_code;
mod consent_race;
mod folders;
mod log_lines;
mod memory_budget;
mod names;
mod odd_list;
mod remove;
mod setup_errors;
mod tmp_folder;
