//! The example plugins of `examples/plugins/` through the host, with the
//! real binary: each is installed into a temporary `QUIRE_HOME` with
//! `quire plugins add --yes PATH` and its tools are run with
//! `quire plugins call NAME TOOL 'JSON'`; one `quire exec` turn has the
//! model call `word-count__count`.
//!
//! The components are built by `examples/plugins/build.sh`, which
//! `scripts/test` runs before `cargo test`. A missing component fails the
//! test (it is not skipped).
use crate::support;
use crate::support::components;
use crate::support::page_server;

use std::path::{Path, PathBuf};
use std::time::Instant;

use components::example_dir;
use page_server::PageServer;
use serde_json::{Value, json};
use support::model_server::Reply;
use support::quire::{Run, TestEnv};

/// The folder of example `name`; fails when its component was not built.
fn built_example(name: &str) -> PathBuf {
    let dir = example_dir(name);
    let toml_path = dir.join("plugin.toml");
    let text = std::fs::read_to_string(&toml_path)
        .unwrap_or_else(|e| panic!("{}: {e}", toml_path.display()));
    let manifest: toml::Table =
        toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", toml_path.display()));
    let component = dir.join(manifest["component"].as_str().expect("component"));
    assert!(
        component.is_file(),
        "{} is missing: build the example plugins with examples/plugins/build.sh \
         (scripts/test runs it before cargo test)",
        component.display()
    );
    dir
}

/// `quire plugins add --yes DIR`; returns its stdout.
fn add(env: &TestEnv, dir: &Path) -> String {
    let run = env.run(&["plugins", "add", "--yes", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "add {}: {}", dir.display(), run.stderr);
    run.stdout
}

/// `quire plugins call PLUGIN TOOL 'ARGS'`.
fn call(env: &TestEnv, plugin: &str, tool: &str, args: Value) -> Run {
    env.run(&["plugins", "call", plugin, tool, &args.to_string()])
}

/// A call that must succeed; returns the tool's result.
fn call_ok(env: &TestEnv, plugin: &str, tool: &str, args: Value) -> String {
    let run = call(env, plugin, tool, args.clone());
    assert_eq!(run.code, 0, "{plugin} {tool} {args}: {}", run.stderr);
    run.stdout
        .strip_suffix('\n')
        .unwrap_or(&run.stdout)
        .to_string()
}

/// A call that must fail as a tool error; returns stderr.
fn call_err(env: &TestEnv, plugin: &str, tool: &str, args: Value) -> String {
    let run = call(env, plugin, tool, args.clone());
    assert_eq!(
        run.code, 1,
        "{plugin} {tool} {args} should fail: {}{}",
        run.stdout, run.stderr
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    run.stderr
}

fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

const TEXT: &str =
    "The quick cat sat on the mat.\nThe lazy dog sat too,\nand the quick cat ran off.\n";

#[test]
fn word_count_counts_and_lists_the_top_words() {
    let env = TestEnv::new("responses");
    let out = add(&env, &built_example("word-count"));
    assert!(
        out.contains("installed 'word-count' 0.1.0")
            && out.contains("word-count__count, word-count__top_words"),
        "{out}"
    );

    let counts = json_of(&call_ok(&env, "word-count", "count", json!({"text": TEXT})));
    assert_eq!(
        counts,
        json!({"words": 18, "lines": 3, "chars": 79, "bytes": 79})
    );
    let unicode = json_of(&call_ok(
        &env,
        "word-count",
        "count",
        json!({"text": "naïve café\n"}),
    ));
    assert_eq!(
        unicode,
        json!({"words": 2, "lines": 1, "chars": 11, "bytes": 13})
    );

    let top = json_of(&call_ok(
        &env,
        "word-count",
        "top_words",
        json!({"text": TEXT, "n": 3}),
    ));
    assert_eq!(
        top,
        json!([
            {"word": "the", "count": 4},
            {"word": "cat", "count": 2},
            {"word": "quick", "count": 2},
        ])
    );
    let long = json_of(&call_ok(
        &env,
        "word-count",
        "top_words",
        json!({"text": TEXT, "n": 2, "min_length": 4}),
    ));
    assert_eq!(
        long,
        json!([{"word": "quick", "count": 2}, {"word": "lazy", "count": 1}])
    );

    let err = call_err(
        &env,
        "word-count",
        "top_words",
        json!({"text": TEXT, "n": 0}),
    );
    assert!(err.contains("`n` is 0; ask for 1 to 1000 words"), "{err}");
    // The plugin keeps serving after a refused call.
    assert_eq!(
        json_of(&call_ok(
            &env,
            "word-count",
            "count",
            json!({"text": "a b"})
        ))["words"],
        2
    );
}

#[test]
fn fs_search_finds_lines_in_its_grant_and_nothing_outside() {
    let env = TestEnv::new("responses");
    env.write(
        "src/lib.rs",
        "pub fn x() {}\nfn needle_in_the_workspace() {}\n",
    );
    env.write("notes.txt", "no match here\n");
    // Outside the workspace: a sibling folder (reachable with `..`) and a
    // symlink to it inside the workspace.
    let outside = tempfile::tempdir().unwrap();
    let outside_dir = std::fs::canonicalize(outside.path()).unwrap();
    std::fs::write(outside_dir.join("secret.txt"), "needle outside the grant\n").unwrap();
    std::os::unix::fs::symlink(&outside_dir, env.repo.path().join("link")).unwrap();
    add(&env, &built_example("fs-search"));
    let ws = env.repo_path();

    assert_eq!(
        call_ok(&env, "fs-search", "roots", json!({})),
        ws.display().to_string()
    );
    let found = call_ok(&env, "fs-search", "search", json!({"pattern": "needle"}));
    assert_eq!(
        found,
        format!(
            "{}/src/lib.rs:2: fn needle_in_the_workspace() {{}}",
            ws.display()
        )
    );
    // Outside, through `..`, through the symlink: refused by the host.
    let dotdot = ws
        .join("..")
        .join(outside_dir.file_name().unwrap())
        .display()
        .to_string();
    let relative = format!("../{}", outside_dir.file_name().unwrap().to_str().unwrap());
    let link = ws.join("link").display().to_string();
    for dir in [outside_dir.display().to_string(), dotdot, relative, link] {
        let err = call_err(
            &env,
            "fs-search",
            "search",
            json!({"pattern": "needle", "dir": dir}),
        );
        assert!(
            err.contains(&format!("searching {dir}")),
            "the error should name {dir}: {err}"
        );
        assert!(!err.contains("outside the grant"), "{err}");
    }
    // The secret is untouched and the plugin still answers.
    assert_eq!(
        std::fs::read_to_string(outside_dir.join("secret.txt")).unwrap(),
        "needle outside the grant\n"
    );
    let found = call_ok(&env, "fs-search", "search", json!({"pattern": "pub fn"}));
    assert!(found.ends_with("src/lib.rs:1: pub fn x() {}"), "{found}");
}

#[test]
fn http_get_fetches_from_an_allowed_local_host_and_is_refused_elsewhere() {
    let page = PageServer::start("text/plain; charset=utf-8", "hello from the page server");
    let env = TestEnv::new("responses");
    // A copy of the example whose plugin.toml allows 127.0.0.1 (the
    // allow-list matches the host, whatever the port).
    let src = built_example("http-get");
    let copy = tempfile::tempdir().unwrap();
    let dir = copy.path().join("http-get");
    std::fs::create_dir(&dir).unwrap();
    for file in ["plugin.toml", "http_get.wasm", "README.md"] {
        std::fs::copy(src.join(file), dir.join(file)).unwrap();
    }
    let toml_path = dir.join("plugin.toml");
    let mut manifest: toml::Table =
        toml::from_str(&std::fs::read_to_string(&toml_path).unwrap()).unwrap();
    manifest["permissions"]["net"] = toml::Value::Array(vec!["127.0.0.1".into()]);
    std::fs::write(&toml_path, toml::to_string(&manifest).unwrap()).unwrap();
    add(&env, &dir);

    let url = format!("http://127.0.0.1:{}/page?q=1", page.port());
    let out = call_ok(&env, "http-get", "get", json!({ "url": url }));
    assert_eq!(
        out,
        "HTTP 200\ncontent-type: text/plain; charset=utf-8\n\nhello from the page server"
    );
    let cut = call_ok(
        &env,
        "http-get",
        "get",
        json!({ "url": url, "max_bytes": 5 }),
    );
    assert!(cut.ends_with("\n\nhello\n[cut at 5 of 26 bytes]"), "{cut}");
    // (A body over `max_bytes` is fetched again with room, then cut.)
    assert_eq!(page.requests(), vec!["GET /page?q=1 HTTP/1.1"; 3]);

    // `localhost` is the same server, but not in the list: refused before
    // any connection.
    let leak = format!("http://localhost:{}/leak", page.port());
    let err = call_err(&env, "http-get", "get", json!({ "url": leak }));
    assert!(
        err.contains("host 'localhost'") && err.contains("permissions.net"),
        "{err}"
    );
    assert_eq!(
        page.requests().len(),
        3,
        "the refused request reached the server"
    );
    // The unmodified example may not reach 127.0.0.1 either.
    let env2 = TestEnv::new("responses");
    add(&env2, &src);
    let err = call_err(&env2, "http-get", "get", json!({ "url": url }));
    assert!(err.contains("host '127.0.0.1'"), "{err}");
    assert_eq!(
        page.requests().len(),
        3,
        "the refused request reached the server"
    );
}

#[test]
fn py_calc_answers_its_tools_from_one_compile() {
    let env = TestEnv::new("responses");
    // The first load compiles the 18 MB component (CPython inside) into
    // QUIRE_HOME's cache; every later call loads the compiled code.
    let started = Instant::now();
    let out = add(&env, &built_example("py-calc"));
    eprintln!(
        "py-calc: add (first load, compile) took {:?}",
        started.elapsed()
    );
    assert!(out.contains("py-calc__calc, py-calc__stats"), "{out}");
    let run = env.run(&["plugins", "inspect", "py-calc", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(json_of(&run.stdout)["code"], "from cache");

    let started = Instant::now();
    let value = call_ok(
        &env,
        "py-calc",
        "calc",
        json!({"expression": "2 * (3 + 4) ** 2"}),
    );
    eprintln!(
        "py-calc: one call (cached load) took {:?}",
        started.elapsed()
    );
    assert_eq!(value, "98");
    assert_eq!(
        call_ok(
            &env,
            "py-calc",
            "calc",
            json!({"expression": "sqrt(16) + 7 // 2"})
        ),
        "7.0"
    );
    let stats = json_of(&call_ok(
        &env,
        "py-calc",
        "stats",
        json!({"numbers": [2, 4, 4, 4, 5, 5, 7, 9]}),
    ));
    assert_eq!(
        stats,
        json!({"count": 8, "sum": 40, "mean": 5.0, "median": 4.5, "stdev": 2.0, "min": 2, "max": 9})
    );

    let err = call_err(&env, "py-calc", "calc", json!({"expression": "1 / 0"}));
    assert!(err.contains("`1 / 0` divides by zero"), "{err}");
    let err = call_err(
        &env,
        "py-calc",
        "calc",
        json!({"expression": "__import__('os')"}),
    );
    assert!(err.contains("is not allowed"), "{err}");
    // An unknown tool is a usage error (exit 2) naming the tools there are.
    let run = call(&env, "py-calc", "sum", json!({}));
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("its tools: calc, stats"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_model_calls_word_count_and_gets_its_result() {
    let env = TestEnv::new("responses");
    add(&env, &built_example("word-count"));
    env.server.push_all([
        Reply::tool_call(
            "call_wc",
            "word-count__count",
            json!({"text": "one two three\nfour"}),
        ),
        Reply::text("There are four words."),
    ]);
    let run = env.exec_json("how many words?", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let expected = r#"{"words":4,"lines":2,"chars":18,"bytes":18}"#;
    let done = run.of_type("tool_completed");
    assert_eq!(done.len(), 1, "{:?}", run.events);
    assert_eq!(done[0]["name"], "word-count__count");
    assert_eq!(done[0]["is_error"], false);
    assert_eq!(done[0]["output"], expected);

    let reqs = env.server.requests();
    assert_eq!(reqs.len(), 2);
    let offered = reqs[0].body["tools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "word-count__count")
        .expect("word-count__count offered to the model");
    assert_eq!(offered["parameters"]["required"], json!(["text"]));
    let result = reqs[1].body["input"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["type"] == "function_call_output" && i["call_id"] == "call_wc")
        .expect("the tool result in the next request");
    assert_eq!(result["output"], expected);
    assert_eq!(
        run.of_type("message_completed")[0]["text"],
        "There are four words."
    );
}
