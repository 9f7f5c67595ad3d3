use super::*;
use crate::protocol::EventSink;
use crate::tools::approval::DenyAll;
use crate::tools::{ApprovalPolicy, SandboxMode};
use std::sync::Mutex;
use tokio::sync::Barrier;
use tokio_util::sync::CancellationToken;

/// A tool that waits at a barrier: two calls only finish if they run
/// at the same time. It records the order calls start and end in.
struct Waiter {
    spec: ToolSpec,
    barrier: Arc<Barrier>,
    log: Arc<Mutex<Vec<String>>>,
}

#[async_trait::async_trait]
impl Tool for Waiter {
    fn spec(&self) -> &ToolSpec {
        &self.spec
    }
    async fn call(&self, args: Value, _ctx: &ToolContext) -> Result<ToolOutput, ToolError> {
        let id = args["id"].as_str().unwrap_or("?").to_string();
        self.log.lock().unwrap().push(format!("start {id}"));
        if self.spec.read_only {
            self.barrier.wait().await;
        }
        self.log.lock().unwrap().push(format!("end {id}"));
        Ok(ToolOutput::text(format!("done {id}")))
    }
}

fn waiter(
    name: &str,
    read_only: bool,
    barrier: &Arc<Barrier>,
    log: &Arc<Mutex<Vec<String>>>,
) -> Arc<dyn Tool> {
    Arc::new(Waiter {
        spec: ToolSpec {
            name: name.into(),
            description: "test".into(),
            parameters: serde_json::json!({"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}),
            read_only,
            destructive: false,
        },
        barrier: barrier.clone(),
        log: log.clone(),
    })
}

fn ctx() -> ToolContext {
    ToolContext {
        cwd: std::env::temp_dir(),
        workspace: std::env::temp_dir(),
        sandbox: SandboxMode::WorkspaceWrite,
        network: false,
        unix_sockets: false,
        writable_roots: Vec::new(),
        plugin_data: Vec::new(),
        approval_policy: ApprovalPolicy::Never,
        sandbox_fixed: false,
        approver: Arc::new(DenyAll),
        cancel: CancellationToken::new(),
        events: EventSink::null(),
        call_id: None,
        shell_env: Default::default(),
    }
}

fn call(id: &str, name: &str, args: &str) -> ToolCall {
    ToolCall {
        call_id: id.into(),
        name: name.into(),
        arguments: args.into(),
    }
}

#[tokio::test]
async fn read_only_calls_run_concurrently_and_others_in_order() {
    let barrier = Arc::new(Barrier::new(2));
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut reg = ToolRegistry::new(1000);
    reg.register(waiter("look", true, &barrier, &log));
    reg.register(waiter("write", false, &barrier, &log));
    let calls = vec![
        call("1", "look", r#"{"id":"a"}"#),
        call("2", "look", r#"{"id":"b"}"#),
        call("3", "write", r#"{"id":"c"}"#),
        call("4", "write", r#"{"id":"d"}"#),
    ];
    let mut seen = Vec::new();
    // Sequential read-only calls would wait at the barrier forever.
    let results = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        reg.run_calls(&calls, &ctx(), &mut |r| seen.push(r.call_id.clone())),
    )
    .await
    .expect("read-only calls must run concurrently");
    assert_eq!(seen, vec!["1", "2", "3", "4"]);
    assert_eq!(results[2].output, "done c");
    let log = log.lock().unwrap().clone();
    assert_eq!(&log[4..], &["start c", "end c", "start d", "end d"]);
}

#[tokio::test]
async fn malformed_calls_become_readable_errors() {
    let barrier = Arc::new(Barrier::new(1));
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut reg = ToolRegistry::new(1000);
    reg.register(waiter("write", false, &barrier, &log));
    let calls = vec![
        call("1", "nope", "{}"),
        call("2", "write", "{\"id\": "),
        call("3", "write", r#"{"id": 5}"#),
        call("4", "write", r#"{"id": "ok"}"#),
    ];
    let r = reg.run_calls(&calls, &ctx(), &mut |_| {}).await;
    assert!(
        r[0].is_error
            && r[0].output.contains("unknown tool 'nope'")
            && r[0].output.contains("write")
    );
    assert!(r[1].is_error && r[1].output.contains("not valid JSON"));
    assert!(r[2].is_error && r[2].output.contains("arguments.id must be of type string"));
    assert!(!r[3].is_error && r[3].output == "done ok");
}

#[tokio::test]
async fn call_tool_runs_the_named_tool_as_itself() {
    let barrier = Arc::new(Barrier::new(2));
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut reg = ToolRegistry::new(1000);
    reg.register(waiter("look", true, &barrier, &log));
    let (events, mut rx) = EventSink::channel();
    let ctx = ToolContext { events, ..ctx() };
    let calls = vec![
        call(
            "1",
            "call_tool",
            r#"{"name":"look","arguments":{"id":"a"}}"#,
        ),
        // Resolved, it is read-only too: both meet at the barrier.
        call(
            "2",
            "call_tool",
            r#"{"name":"look","arguments":{"id":"b"}}"#,
        ),
        call("3", "call_tool", r#"{"arguments":{}}"#),
    ];
    let r = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        reg.run_calls(&calls, &ctx, &mut |_| {}),
    )
    .await
    .expect("resolved read-only calls must run concurrently");
    assert_eq!(
        (r[0].name.as_str(), r[0].output.as_str()),
        ("look", "done a")
    );
    assert_eq!(r[1].output, "done b");
    assert!(r[2].is_error && r[2].output.contains("needs the tool's `name`"));
    let mut started = Vec::new();
    while let Ok(e) = rx.try_recv() {
        if let Event::ToolStarted { name, .. } = e {
            started.push(name);
        }
    }
    assert_eq!(started, ["look", "look", "call_tool"]);
}

#[test]
fn clashing_names_get_a_suffix() {
    let barrier = Arc::new(Barrier::new(1));
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut reg = ToolRegistry::new(1000);
    assert_eq!(reg.register(waiter("x", false, &barrier, &log)), "x");
    assert_eq!(reg.register(waiter("x", false, &barrier, &log)), "x_2");
}

#[test]
fn unregistered_tools_are_gone_and_others_keep_working() {
    let barrier = Arc::new(Barrier::new(1));
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut reg = ToolRegistry::new(1000);
    for n in ["a", "b", "c"] {
        reg.register(waiter(n, false, &barrier, &log));
    }
    assert!(reg.unregister("a"));
    assert!(!reg.unregister("a"));
    assert_eq!(reg.names(), vec!["b", "c"]);
    assert!(reg.by_name["c"] == 1);
    assert_eq!(reg.register(waiter("a", false, &barrier, &log)), "a");
}
