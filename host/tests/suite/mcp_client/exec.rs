//! `quire exec` with MCP servers: the real binary against the model server.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::mpsc;

use serde_json::{Value, json};

use super::peers::{marker, test_server, wait_none_with, wait_some_with};
use super::runs::{exec_ok, warnings};
use super::support::model_server::Reply;
use super::support::quire::{Run, TestEnv, finish, wait_for_file};
use super::*;

/// A `[mcp_servers.NAME]` table for the test server.
pub(super) fn server_toml(name: &str, args: &[&str], extra: &str) -> String {
    let args: Vec<String> = args.iter().map(|a| format!("{a:?}")).collect();
    format!(
        "\n[mcp_servers.{name}]\ncommand = {:?}\nargs = [{}]\n{extra}\n",
        test_server().display().to_string(),
        args.join(", ")
    )
}

/// `env = { QUIRE_MCP_TEST_MARKER = "..." }` for `marker`.
fn env_line(m: &str) -> String {
    let (k, v) = m.split_once('=').unwrap();
    format!("env = {{ {k} = {v:?} }}")
}

pub(super) fn tool_names(body: &Value) -> Vec<String> {
    body["tools"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["name"].as_str().or(t["function"]["name"].as_str()))
        .map(str::to_string)
        .collect()
}

pub(super) fn signal(pid: u32, sig: i32) {
    // SAFETY: signalling a child process this test spawned.
    unsafe {
        libc::kill(pid as i32, sig);
    }
}

/// The developer notes (context after the user's messages) of a Responses
/// request.
pub(super) fn notes(body: &Value) -> String {
    body["input"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|i| i["role"] == "developer")
        .filter_map(|i| i["content"][0]["text"].as_str())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The model's replies: `c1` waits on the server `gate` for the file
/// `listed` (written when a slow server listed its tools), `c2` calls
/// `echo` of `server` with `text`, then it answers `answer`.
fn wait_then_echo(gate: &str, listed: &str, server: &str, text: &str, answer: &str) -> [Reply; 3] {
    [
        Reply::tool_call(
            "c1",
            format!("mcp__{gate}__wait_for"),
            json!({"path": listed}),
        ),
        Reply::tool_call("c2", format!("mcp__{server}__echo"), json!({"text": text})),
        Reply::text(answer),
    ]
}

#[test]
fn the_first_request_waits_for_starting_servers_and_the_model_is_told_what_failed() {
    let dir = tempfile::tempdir().unwrap();
    let listed = dir.path().join("slow-listed");
    let listed_s = listed.to_str().unwrap();
    let config = [
        server_toml("fast", &[], "required = true"),
        server_toml(
            "slow",
            &["--slow-start", "1500", "--list-marker", listed_s],
            "",
        ),
        server_toml("bad", &["--exit-at-start"], ""),
    ]
    .concat();
    let env = TestEnv::with_config("responses", &config);
    let replies = wait_then_echo("fast", listed_s, "slow", "late", "all done");
    let run = exec_ok(&env, "use the tools", replies);
    let waiting = run.of_type("mcp_waiting");
    assert_eq!(waiting.len(), 1, "{}", run.stdout);
    assert!(
        waiting[0]["servers"]
            .as_array()
            .unwrap()
            .contains(&json!("slow")),
        "{}",
        waiting[0]
    );
    let reqs = env.server.requests();
    let first = tool_names(&reqs[0].body);
    for tool in ["mcp__fast__echo", "mcp__slow__echo"] {
        assert!(first.contains(&tool.to_string()), "{tool}: {first:?}");
    }
    assert!(
        !first.iter().any(|n| n.starts_with("mcp__bad__")),
        "{first:?}"
    );
    let instructions = reqs[0].body["instructions"].as_str().unwrap();
    assert!(!instructions.contains("MCP servers"), "{instructions}");
    let note = notes(&reqs[0].body);
    assert!(!note.contains("Still starting"), "{note}");
    assert!(
        note.contains("bad (the server exited with status 3"),
        "{note}"
    );
    assert_eq!(
        tool_names(&reqs[1].body),
        first,
        "the same tools for the task"
    );
    let done = run.of_type("tool_completed");
    let late = done.iter().find(|e| e["call_id"] == "c2").unwrap();
    assert_eq!(late["output"], "echo: late");
    assert_eq!(late["is_error"], false);
    let warnings = warnings(&run);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("MCP server 'bad' is not available")),
        "{warnings:?}"
    );
    // Server stdout and stderr never reach quire's output.
    assert!(
        run.stdout
            .lines()
            .all(|l| serde_json::from_str::<Value>(l).is_ok()),
        "{}",
        run.stdout
    );
    assert!(
        !run.stderr.contains("mcp_test_server starting"),
        "{}",
        run.stderr
    );
}

#[test]
fn servers_from_the_project_mcp_json_are_used() {
    let dir = tempfile::tempdir().unwrap();
    let listed = dir.path().join("proj-listed");
    let listed_s = listed.to_str().unwrap();
    // A required server to hold the first turn until the project's is ready.
    let env = TestEnv::with_config("chat", &server_toml("gate", &[], "required = true"));
    let m = marker();
    let (k, v) = m.split_once('=').unwrap();
    env.write(
        ".mcp.json",
        &json!({"mcpServers": {"proj": {
            "command": test_server().display().to_string(),
            "args": ["--garbage", "--list-marker", listed_s],
            "env": {k: v}
        }}})
        .to_string(),
    );
    let replies = wait_then_echo("gate", listed_s, "proj", "from the project", "ok");
    let run = exec_ok(&env, "echo", replies);
    let done = run.of_type("tool_completed");
    let echo = done.iter().find(|e| e["call_id"] == "c2").unwrap();
    assert_eq!(echo["output"], "echo: from the project");
    assert_eq!(wait_none_with(&m), Vec::<i32>::new());
}

#[test]
fn configuration_errors_exit_2_naming_the_server_and_key() {
    let env = TestEnv::new("responses");
    let refused = |args: &[&str], why: &str| {
        let run = env.run(args);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(run.stderr.contains(why), "{}", run.stderr);
    };
    let args = ["exec", "-c", "mcp_servers.db.args=5", "hi"];
    refused(&args, "mcp_servers.db.args must be an array of strings");
    env.write(
        ".mcp.json",
        r#"{"mcpServers": {"x": {"command": ["npx"]}}}"#,
    );
    // Added after the repository was trusted: trusting it again loads it
    // and refuses it, naming the mistake.
    refused(
        &["trust"],
        ".mcp.json: mcpServers.x.command must be a string",
    );
    assert!(env.server.requests().is_empty());
}

#[test]
fn a_required_server_that_fails_fails_the_task() {
    let env = TestEnv::with_config(
        "responses",
        &server_toml("db", &["--exit-at-start"], "required = true"),
    );
    env.server.push(Reply::text("never"));
    let run = env.run(&["exec", "hi"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("the MCP server 'db' is required"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("fatal: the database is locked"),
        "{}",
        run.stderr
    );
    assert!(env.server.requests().is_empty());
}

/// A server with a grandchild, marked so every process it made can be found.
pub(super) fn marked_env(extra_replies: Vec<Reply>) -> (TestEnv, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let m = marker();
    let gc = dir.path().join("grandchild.pid");
    let log = dir.path().join("log");
    let table = server_toml(
        "s",
        &[
            "--grandchild",
            gc.to_str().unwrap(),
            "--log",
            log.to_str().unwrap(),
        ],
        &format!("required = true\n{}", env_line(&m)),
    );
    let env = TestEnv::with_config("responses", &table);
    env.server.push_all(extra_replies);
    (env, m, dir)
}

/// Runs a task with the marked server in which the model gives
/// `replies`: it exits with `code`, the server's grandchild was started
/// and no process of the server is left.
fn exits_leaving_no_process(replies: Vec<Reply>, code: i32) {
    let (env, m, dir) = marked_env(replies);
    let run = env.exec_json("go", &[]);
    assert_eq!(run.code, code, "{}", run.stderr);
    assert!(!wait_for_file(&dir.path().join("grandchild.pid")).is_empty());
    assert_eq!(wait_none_with(&m), Vec::<i32>::new());
}

#[test]
fn no_server_process_is_left_after_a_normal_exit() {
    let echo = Reply::tool_call("c1", "mcp__s__echo", json!({"text": "x"}));
    exits_leaving_no_process(vec![echo, Reply::text("done")], 0);
}

#[test]
fn no_server_process_is_left_after_an_error() {
    exits_leaving_no_process(vec![Reply::status(401)], 1);
}

#[test]
fn no_server_process_is_left_after_ctrl_c_during_a_call() {
    let (env, m, dir) = marked_env(vec![Reply::tool_call("c1", "mcp__s__hang", json!({}))]);
    let child = env.spawn(&["exec", "--json", "go"]);
    wait_log_sync(&dir.path().join("log"), "call hang");
    assert!(wait_some_with(&m, 2).len() >= 2);
    signal(child.id(), libc::SIGINT);
    let run = finish(child);
    assert_eq!(run.code, 130, "{}", run.stderr);
    assert_eq!(wait_none_with(&m), Vec::<i32>::new());
    let done = run.of_type("tool_completed");
    assert!(done[0]["output"].as_str().unwrap().contains("interrupted"));
}

/// The interactive session exits on Ctrl-C when no task runs, through
/// `std::process::exit`: the registered process groups die too.
#[test]
fn no_server_process_is_left_after_ctrl_c_exits_the_interactive_session() {
    let (env, m, _dir) = marked_env(vec![]);
    let mut child = env
        .command(&[])
        .stdin(Stdio::piped())
        .spawn()
        .expect("spawn quire");
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let ready = rx
        .iter()
        .take_while(|l| !l.contains("/help for commands"))
        .count();
    assert!(ready < 1000);
    assert!(wait_some_with(&m, 2).len() >= 2);
    signal(child.id(), libc::SIGINT);
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert_eq!(wait_none_with(&m), Vec::<i32>::new());
}

pub(super) fn wait_log_sync(path: &std::path::Path, needle: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !read_log(path).contains(needle) {
        assert!(Instant::now() < deadline, "{needle:?} never logged");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Runs one task against the test server `s` (its table holding `keys`)
/// in which the model makes `calls` (tool of `s`, arguments; call ids
/// `c1`, `c2`, …), then answers `answer`.
fn exec_s<const N: usize>(
    wire: &'static str,
    keys: &str,
    prompt: &str,
    calls: [(&str, Value); N],
    answer: &str,
) -> Run {
    let env = TestEnv::with_config(wire, &server_toml("s", &[], keys));
    let replies = calls.into_iter().zip(1..).map(|((tool, input), n)| {
        Reply::tool_call(format!("c{n}"), format!("mcp__s__{tool}"), input)
    });
    exec_ok(&env, prompt, replies.chain([Reply::text(answer)]))
}

#[test]
fn a_server_crash_mid_call_is_an_error_for_the_model_and_the_turn_goes_on() {
    let calls = [("crash", json!({})), ("echo", json!({"text": "back"}))];
    let run = exec_s("chat", "required = true", "crash it", calls, "recovered");
    let done = run.of_type("tool_completed");
    assert_eq!(done[0]["is_error"], true);
    let out = done[0]["output"].as_str().unwrap();
    assert!(
        out.contains("'s' stopped during the call") && out.contains("exited with status 101"),
        "{out}"
    );
    assert_eq!(
        done[1]["output"], "echo: back",
        "the restarted server answers"
    );
    let warnings = warnings(&run);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("MCP server 's' stopped") && w.contains("restarting")),
        "{warnings:?}"
    );
    // Tester's finding: nothing said it was back, so the terminal view
    // showed "restarting" for the rest of the session.
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("MCP server 's' is running again after its restart")),
        "{warnings:?}"
    );
    assert_eq!(run.of_type("message_completed")[0]["text"], "recovered");
}

/// A response to a request nobody sent, printed before the server answers
/// `initialize`, is skipped: the handshake completes and the tool works.
#[test]
fn a_stray_response_before_initialize_is_skipped() {
    let env = TestEnv::with_config(
        "responses",
        &server_toml("s", &["--stray-response"], "required = true"),
    );
    env.server.push_all([
        Reply::tool_call("c1", "mcp__s__echo", json!({"text": "through"})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("go", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("exited"), "{}", run.stderr);
    assert_eq!(run.of_type("tool_completed")[0]["output"], "echo: through");
}

/// Tester's finding: a call cut by `tool_timeout_sec` came in `--json`
/// as `"status": "failed"`, not the documented `timed_out`.
#[test]
fn a_call_cut_by_tool_timeout_sec_is_timed_out() {
    let calls = [("hang", json!({})), ("echo", json!({"text": "after"}))];
    let run = exec_s("responses", "tool_timeout_sec = 1", "hang", calls, "done");
    let done = run.of_type("tool_completed");
    assert_eq!(done.len(), 2, "{}", run.stdout);
    assert_eq!(done[0]["status"], "timed_out", "{}", done[0]);
    assert_eq!(done[0]["is_error"], true);
    let out = done[0]["output"].as_str().unwrap_or_default();
    assert!(
        out.contains("did not answer within 1 s (tool_timeout_sec)"),
        "{out}"
    );
    assert_eq!(done[1]["status"], "ok", "{}", done[1]);
}
