//! Start, failure, restart and shutdown of stdio servers.

use quire::agent::Extension;
use quire::mcp::{McpExtension, McpServerConfig};
use serde_json::json;

use super::peers::{config, marker, spec, spec_of, wait_none_with, wait_some_with};
use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn servers_start_in_the_background_and_a_slow_one_blocks_nothing() {
    let mut h = Harness::start(vec![
        spec("slow", &["--slow-start", "4000"]),
        spec("fast", &[]),
    ]);
    // start() returned at once: both are starting.
    assert_eq!(h.status("slow"), Status::Starting);
    assert_eq!(h.server("fast").settled().await, Status::Ready);
    assert_eq!(
        h.status("slow"),
        Status::Starting,
        "fast did not wait for slow"
    );
    let added = h.apply();
    assert!(added.contains(&"+mcp__fast__echo".to_string()), "{added:?}");
    assert!(!added.iter().any(|a| a.contains("slow")), "{added:?}");
    assert_eq!(h.server("slow").settled().await, Status::Ready);
    let later = h.apply();
    assert!(later.contains(&"+mcp__slow__echo".to_string()), "{later:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_exits_at_start_fails_with_its_stderr() {
    let mut c = config(&["--exit-at-start"]);
    c.required = true;
    let ext = McpExtension::new(McpManager::start(
        vec![spec_of("bad", &c)],
        EventSink::null(),
    ));
    let err = ext
        .ready()
        .expect("a required server to wait for")
        .await
        .unwrap_err();
    assert!(err.contains("'bad' is required"), "{err}");
    assert!(err.contains("exited with status 3"), "{err}");
    assert!(
        err.contains("fatal: the database is locked"),
        "stderr tail: {err}"
    );
    let report = ext.manager().reports().remove(0);
    assert_eq!(report.state, "failed");
    assert!(report.stderr.contains("fatal: the database is locked"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_does_not_start_in_time_fails_and_is_killed() {
    let m = marker();
    let mut c = config(&["--slow-start", "60000"]);
    c.startup_timeout_sec = 0.5;
    c.env.insert(
        m.split('=').next().unwrap().into(),
        m.split('=').nth(1).unwrap().into(),
    );
    let h = Harness::start(vec![spec_of("sleepy", &c)]);
    match h.server("sleepy").settled().await {
        Status::Failed(e) => assert!(
            e.contains("did not start within 0.5 s (startup_timeout_sec)"),
            "{e}"
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(wait_none_with(&m), Vec::<i32>::new());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_printing_only_logs_on_stdout_is_named_for_them() {
    let script = "echo 'Server v1.0 listening (not JSON-RPC)'; \
                  echo '{\"level\":\"info\",\"msg\":\"ready\"}'; exec sleep 60";
    let mut c = McpServerConfig::stdio("sh", vec!["-c".to_string(), script.to_string()]);
    c.startup_timeout_sec = 0.5;
    let h = Harness::start(vec![spec_of("chatty", &c)]);
    match h.server("chatty").settled().await {
        Status::Failed(e) => {
            assert!(
                e.contains("did not start within 0.5 s (startup_timeout_sec); it wrote 2 line(s) to stdout that are not JSON-RPC, the first: \"Server v1.0 listening (not JSON-RPC)\""),
                "{e}"
            );
            assert!(e.contains("logs belong on stderr"), "{e}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_prompt_names_servers_still_starting_and_failed() {
    let ext = McpExtension::new(McpManager::start(
        vec![
            spec("slow", &["--slow-start", "30000"]),
            spec("bad", &["--exit-at-start"]),
            spec("ok", &[]),
        ],
        EventSink::null(),
    ));
    assert!(ext.note().is_none(), "nothing polled yet");
    let servers = ext.manager().servers().to_vec();
    for s in servers.iter().filter(|s| s.name() != "slow") {
        s.settled().await;
    }
    let changes = ext.tool_changes();
    assert!(!changes.is_empty());
    let text = ext.note().expect("a note about servers");
    assert!(
        text.contains("Still starting") && text.contains(": slow."),
        "{text}"
    );
    assert!(
        text.contains("Failed") && text.contains("bad (the server exited with status 3"),
        "{text}"
    );
    assert!(!text.contains(" ok"), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_crash_mid_call_errors_and_the_server_is_restarted() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log");
    let mut h = Harness::start(vec![spec("crashy", &["--log", log.to_str().unwrap()])]);
    h.settle().await;
    let r = h.call("mcp__crashy__crash", json!({})).await;
    assert!(r.is_error);
    assert!(
        r.output.contains("'crashy' stopped during the call"),
        "{}",
        r.output
    );
    assert!(r.output.contains("exited with status 101"), "{}", r.output);
    assert!(
        r.output.contains("panic: the crash tool was called"),
        "stderr tail: {}",
        r.output
    );
    assert!(r.output.contains("restarting"), "{}", r.output);
    // The next call waits for the restarted server.
    let r = h.call("mcp__crashy__echo", json!({"text": "again"})).await;
    assert_eq!(r.output, "echo: again", "{}", r.output);
    assert_eq!(read_log(&log).matches("start ").count(), 2);
    assert_eq!(h.status("crashy"), Status::Ready);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_keeps_dying_is_failed_after_three_restarts() {
    let mut h = Harness::start(vec![spec("crashy", &[])]);
    h.settle().await;
    for i in 1..=3 {
        let r = h.call("mcp__crashy__crash", json!({})).await;
        assert!(r.output.contains("restarting"), "crash {i}: {}", r.output);
    }
    let r = h.call("mcp__crashy__crash", json!({})).await;
    assert!(r.output.contains("now marked failed"), "{}", r.output);
    assert!(matches!(h.status("crashy"), Status::Failed(_)));
    let removed = h.apply();
    assert!(
        removed.contains(&"-mcp__crashy__echo".to_string()),
        "{removed:?}"
    );
    assert!(
        !h.registry
            .names()
            .iter()
            .any(|n| n.starts_with("mcp__crashy__"))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn dropping_the_manager_kills_servers_and_their_grandchildren() {
    let dir = tempfile::tempdir().unwrap();
    let m = marker();
    let (k, v) = m.split_once('=').unwrap();
    let mut c = config(&["--grandchild", dir.path().join("gc").to_str().unwrap()]);
    c.env.insert(k.into(), v.into());
    let mut h = Harness::start(vec![spec_of("s", &c)]);
    h.settle().await;
    let before = wait_some_with(&m, 2);
    assert!(before.len() >= 2, "server and grandchild: {before:?}");
    drop(h);
    assert_eq!(wait_none_with(&m), Vec::<i32>::new());
}

#[tokio::test(flavor = "multi_thread")]
async fn disabled_servers_are_not_started() {
    let m = marker();
    let (k, v) = m.split_once('=').unwrap();
    let mut c = config(&[]);
    c.enabled = false;
    c.env.insert(k.into(), v.into());
    let mut h = Harness::start(vec![spec_of("off", &c), spec("on", &[])]);
    h.settle().await;
    assert_eq!(h.status("off"), Status::Disabled);
    assert!(super::peers::processes_with(&m).is_empty());
    assert!(
        !h.registry
            .names()
            .iter()
            .any(|n| n.starts_with("mcp__off__"))
    );
}
