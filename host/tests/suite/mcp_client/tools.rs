//! Tools of the test server through the registry: naming, pagination,
//! `tools/list_changed`, results, output cap, timeouts, resources, filters.

use serde_json::json;

use super::peers::{config, spec, spec_of};
use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn garbage_on_stdout_is_ignored_and_calls_work() {
    let mut h = Harness::start(vec![spec("s", &["--garbage"])]);
    h.settle().await;
    assert_eq!(h.status("s"), Status::Ready);
    let r = h.call("mcp__s__echo", json!({"text": "hi"})).await;
    assert!(!r.is_error, "{}", r.output);
    assert_eq!(r.output, "echo: hi");
    let add = h.call("mcp__s__add", json!({"a": 2, "b": 3})).await;
    assert!(add.output.contains("the sum is 5"), "{}", add.output);
    assert!(
        add.output.contains("\"sum\": 5"),
        "structuredContent as JSON: {}",
        add.output
    );
    assert_eq!(
        add.structured.as_ref().and_then(|v| v["sum"].as_f64()),
        Some(5.0),
        "structuredContent travels in the call result: {:?}",
        add.structured
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_thousand_tools_are_listed_across_pages() {
    let mut h = Harness::start(vec![spec("many", &["--tools", "1000"])]);
    h.settle().await;
    let names = h.registry.names();
    // 1000 extra tools, the server's own twelve (listed 100 per page) and
    // mcp_resources.
    assert_eq!(names.len(), 1013, "{}", names.len());
    let unique: std::collections::BTreeSet<&String> = names.iter().collect();
    assert_eq!(unique.len(), names.len());
    assert!(
        names
            .iter()
            .all(|n| n.len() <= 64 && (n.starts_with("mcp__many__") || n == "mcp_resources"))
    );
    let r = h.call("mcp__many__tool_0999", json!({})).await;
    assert_eq!(r.output, "tool_0999 called");
}

#[tokio::test(flavor = "multi_thread")]
async fn names_are_sanitised_and_cut_and_calls_use_the_original_name() {
    let mut h = Harness::start(vec![spec("my.server", &[])]);
    h.settle().await;
    let names = h.registry.names();
    assert!(
        names.contains(&"mcp__my_server__dotted_name".to_string()),
        "{names:?}"
    );
    let long: Vec<&String> = names.iter().filter(|n| n.contains("remarkably")).collect();
    assert_eq!(long.len(), 1, "{names:?}");
    let long = long[0].clone();
    assert_eq!(long.len(), 64, "{long}");
    let hash = long.rsplit('_').next().unwrap();
    assert_eq!(hash.len(), 8, "a short hash ends a cut name: {long}");
    assert!(hash.chars().all(|c| c.is_ascii_hexdigit()));
    let r = h.call(&long, json!({})).await;
    assert_eq!(r.output, "long name called", "{}", r.output);
    let r = h.call("mcp__my_server__dotted_name", json!({})).await;
    assert_eq!(r.output, "dotted name called", "{}", r.output);
    // read-only from the readOnlyHint annotation
    let specs = h.registry.specs();
    let echo = specs
        .iter()
        .find(|s| s.name == "mcp__my_server__echo")
        .unwrap();
    let add = specs
        .iter()
        .find(|s| s.name == "mcp__my_server__add")
        .unwrap();
    assert!(echo.read_only && !add.read_only);
}

#[tokio::test(flavor = "multi_thread")]
async fn colliding_names_from_two_servers_are_resolved() {
    // "a.b" and "a_b" both sanitise to "a_b".
    let mut h = Harness::start(vec![spec("a.b", &[]), spec("a_b", &[])]);
    h.settle().await;
    let echoes: Vec<String> = h
        .registry
        .names()
        .into_iter()
        .filter(|n| n.starts_with("mcp__a_b__echo"))
        .collect();
    assert_eq!(echoes.len(), 2, "{echoes:?}");
    for name in &echoes {
        let r = h.call(name, json!({"text": name})).await;
        assert_eq!(r.output, format!("echo: {name}"));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn list_changed_adds_and_removes_tools() {
    let mut h = Harness::start(vec![spec("s", &[])]);
    h.settle().await;
    assert!(!h.registry.names().contains(&"mcp__s__late".to_string()));
    let r = h.call("mcp__s__add_tool", json!({"text": "late"})).await;
    assert!(!r.is_error, "{}", r.output);
    h.apply_until(|c| c.contains(&"+mcp__s__late".to_string()))
        .await;
    let r = h.call("mcp__s__late", json!({})).await;
    assert_eq!(r.output, "late called");
    h.call("mcp__s__remove_tool", json!({"text": "late"})).await;
    h.apply_until(|c| c.contains(&"-mcp__s__late".to_string()))
        .await;
    assert!(!h.registry.names().contains(&"mcp__s__late".to_string()));
    assert!(h.registry.names().contains(&"mcp__s__echo".to_string()));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_call_that_hangs_times_out_and_is_cancelled_on_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log");
    let mut c = config(&["--log", log.to_str().unwrap()]);
    c.tool_timeout_sec = 0.5;
    let mut h = Harness::start(vec![spec_of("s", &c)]);
    h.settle().await;
    let r = h.call("mcp__s__hang", json!({})).await;
    assert!(r.is_error);
    assert!(
        r.output
            .contains("did not answer within 0.5 s (tool_timeout_sec)")
            && r.output.contains("cancelled on the server"),
        "{}",
        r.output
    );
    let log = wait_log(&log, "cancelled hang").await;
    assert!(log.contains("cancel notification"), "{log}");
    // The server is still usable.
    let r = h.call("mcp__s__echo", json!({"text": "after"})).await;
    assert_eq!(r.output, "echo: after");
}

#[tokio::test(flavor = "multi_thread")]
async fn results_of_every_kind_and_a_megabyte_is_capped() {
    let mut h = Harness::start(vec![spec("s", &[])]);
    h.settle().await;
    let r = h.call("mcp__s__rich", json!({})).await;
    let t = &r.output;
    assert!(t.contains("rich result"), "{t}");
    assert!(t.contains("[image: image/png, 70 bytes]"), "{t}");
    assert!(
        t.contains("[resource link: greeting <mem://greeting>] a friendly text"),
        "{t}"
    );
    assert!(
        t.contains("[resource mem://inline (text/plain)]\nembedded words"),
        "{t}"
    );
    assert!(
        t.contains("[resource mem://bytes: application/x-test, 8 bytes of binary data not shown]"),
        "{t}"
    );
    let big = h.call("mcp__s__big", json!({})).await;
    assert!(!big.is_error);
    assert!(big.truncated_bytes > 1_000_000, "{}", big.truncated_bytes);
    assert!(big.output.len() < LIMIT + 200);
    assert!(big.output.contains("bytes cut from the middle"));
}

#[tokio::test(flavor = "multi_thread")]
async fn resources_can_be_listed_and_read() {
    let mut h = Harness::start(vec![spec("s", &[])]);
    h.settle().await;
    assert!(h.registry.names().contains(&"mcp_resources".to_string()));
    let list = h.call("mcp_resources", json!({"action": "list"})).await;
    assert!(
        list.output
            .contains("s mem://greeting — greeting: a friendly text"),
        "{}",
        list.output
    );
    assert!(
        list.output.contains("s mem://blob — blob"),
        "{}",
        list.output
    );
    let read = h
        .call(
            "mcp_resources",
            json!({"action": "read", "server": "s", "uri": "mem://greeting"}),
        )
        .await;
    assert!(
        read.output.ends_with("hello from a resource"),
        "{}",
        read.output
    );
    let blob = h
        .call(
            "mcp_resources",
            json!({"action": "read", "server": "s", "uri": "mem://blob"}),
        )
        .await;
    assert!(
        blob.output.contains("application/x-test, 8 bytes"),
        "{}",
        blob.output
    );
    let missing = h
        .call(
            "mcp_resources",
            json!({"action": "read", "server": "s", "uri": "mem://nope"}),
        )
        .await;
    assert!(
        missing.is_error && missing.output.contains("no resource mem://nope"),
        "{}",
        missing.output
    );
    let no_server = h
        .call(
            "mcp_resources",
            json!({"action": "read", "server": "x", "uri": "mem://a"}),
        )
        .await;
    assert!(
        no_server.is_error
            && no_server
                .output
                .contains("no MCP server 'x' with resources")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn tool_filters_hide_tools() {
    let mut c = config(&[]);
    c.enabled_tools = Some(vec!["echo".into(), "add".into()]);
    c.disabled_tools = vec!["add".into()];
    let mut h = Harness::start(vec![spec_of("s", &c)]);
    h.settle().await;
    let mcp: Vec<String> = h
        .registry
        .names()
        .into_iter()
        .filter(|n| n.starts_with("mcp__"))
        .collect();
    assert_eq!(mcp, vec!["mcp__s__echo"]);
    let report = h.manager.reports().remove(0);
    assert_eq!((report.tools, report.hidden_tools), (1, 11));
}
