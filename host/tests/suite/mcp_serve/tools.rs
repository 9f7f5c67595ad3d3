//! Tools: offered with schemas and read-only hints, called, confined.

use rmcp::model::CallToolRequestParams;
use rmcp::service::ServiceError;
use serde_json::json;

use super::support::outside::outside_dir;
use super::{Env, call, text};

#[tokio::test]
async fn builtin_tools_are_listed_with_schemas_and_hints_and_called_over_stdio() {
    let env = Env::new();
    env.write("src/lib.rs", "pub fn f() {}\n");
    let (client, _server) = env.stdio(&["--builtin"]).await;
    let tools = client.list_all_tools().await.unwrap();
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    for n in ["shell", "apply_patch", "read_file", "list_dir", "grep"] {
        assert!(names.contains(&n), "{n} missing from {names:?}");
    }
    assert!(!names.contains(&"update_plan"), "{names:?}");
    assert!(!names.contains(&"view_image"), "{names:?}");
    let hint = |name: &str| {
        let t = tools.iter().find(|t| t.name == name).unwrap();
        t.annotations.as_ref().and_then(|a| a.read_only_hint)
    };
    assert_eq!(hint("read_file"), Some(true));
    assert_eq!(hint("list_dir"), Some(true));
    assert_eq!(hint("grep"), Some(true));
    assert_eq!(hint("shell"), Some(false));
    assert_eq!(hint("apply_patch"), Some(false));
    let read_file = tools.iter().find(|t| t.name == "read_file").unwrap();
    assert_eq!(read_file.input_schema["type"], "object");
    assert_eq!(
        read_file.input_schema["properties"]["path"]["type"],
        "string"
    );
    assert_eq!(read_file.input_schema["required"], json!(["path"]));

    let r = call(&client, "read_file", json!({"path": "a.txt"})).await;
    assert_eq!(r.is_error, Some(false));
    let t = text(&r);
    assert!(t.contains("alpha") && t.contains("beta"), "{t}");

    let r = call(&client, "list_dir", json!({})).await;
    assert_eq!(r.is_error, Some(false));
    let t = text(&r);
    assert!(t.contains("a.txt") && t.contains("src/"), "{t}");

    // Arguments are checked against the schema; the error is for the model.
    let r = call(&client, "read_file", json!({"path": 5})).await;
    assert_eq!(r.is_error, Some(true));
    assert!(text(&r).contains("must be of type string"), "{}", text(&r));
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn without_builtin_no_builtin_tool_is_offered() {
    let env = Env::new();
    let (client, server) = env.stdio(&[]).await;
    let tools = client.list_all_tools().await.unwrap();
    assert!(tools.is_empty(), "{tools:?}");
    let err = client
        .call_tool(
            CallToolRequestParams::new("read_file")
                .with_arguments(json!({"path": "a.txt"}).as_object().cloned().unwrap()),
        )
        .await
        .unwrap_err();
    match err {
        ServiceError::McpError(e) => {
            assert_eq!(e.code.0, -32602);
            assert!(
                e.message.contains("unknown tool 'read_file'"),
                "{}",
                e.message
            );
        }
        other => panic!("expected an MCP error, got {other}"),
    }
    assert!(server.stderr().contains("--builtin"), "{}", server.stderr());
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn a_served_shell_cannot_write_outside_the_workspace() {
    let env = Env::new();
    let outside_tmp = outside_dir();
    let target = outside_tmp.path().join("leaked.txt");
    let (client, server) = env.stdio(&["--builtin"]).await;
    server
        .wait_stderr("sandbox workspace-write, network off")
        .await;
    let r = call(
        &client,
        "shell",
        json!({"command": format!("echo leaked > {}", target.display())}),
    )
    .await;
    assert!(
        !target.exists(),
        "the served shell wrote outside the workspace"
    );
    assert!(text(&r).contains("Permission denied"), "{}", text(&r));

    // Asking to leave the sandbox is refused: nobody can approve it.
    let r = call(
        &client,
        "shell",
        json!({"command": format!("echo leaked > {}", target.display()), "escalate": true, "justification": "test"}),
    )
    .await;
    assert!(
        !target.exists(),
        "an escalated command ran outside the sandbox"
    );
    assert_eq!(r.is_error, Some(true));
    assert!(text(&r).contains("approval"), "{}", text(&r));

    // Inside the workspace writes work, in the serve cwd.
    let r = call(
        &client,
        "shell",
        json!({"command": "echo inside > inside.txt"}),
    )
    .await;
    assert_eq!(r.is_error, Some(false), "{}", text(&r));
    assert_eq!(
        std::fs::read_to_string(env.ws().join("inside.txt")).unwrap(),
        "inside\n"
    );
    client.cancel().await.unwrap();
}

/// The same write succeeds when the sandbox is turned off: the test above
/// can fail, and `--sandbox` reaches the served tools.
#[tokio::test]
async fn the_sandbox_flag_reaches_the_served_shell() {
    let env = Env::new();
    let outside_tmp = outside_dir();
    let target = outside_tmp.path().join("written.txt");
    let (client, _server) = env
        .stdio(&["--builtin", "--sandbox", "danger-full-access"])
        .await;
    let r = call(
        &client,
        "shell",
        json!({"command": format!("echo written > {}", target.display())}),
    )
    .await;
    assert_eq!(r.is_error, Some(false), "{}", text(&r));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "written\n");
    client.cancel().await.unwrap();
}

#[tokio::test]
async fn tools_are_served_over_streamable_http() {
    let env = Env::new();
    let (client, mut server, url) = env.http(&["--builtin"]).await;
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with("/mcp"),
        "{url}"
    );
    let tools = client.list_all_tools().await.unwrap();
    let read_file = tools.iter().find(|t| t.name == "read_file").unwrap();
    assert_eq!(
        read_file
            .annotations
            .as_ref()
            .and_then(|a| a.read_only_hint),
        Some(true)
    );
    let r = call(&client, "read_file", json!({"path": "a.txt"})).await;
    assert!(text(&r).contains("alpha"), "{}", text(&r));
    client.cancel().await.unwrap();
    // SIGTERM stops the HTTP server (exit 130, as on Ctrl-C).
    unsafe { libc::kill(server.pid(), libc::SIGTERM) };
    assert_eq!(server.exit_code().await, Some(130), "{}", server.stderr());
}

#[tokio::test]
async fn http_refuses_addresses_other_than_loopback() {
    let env = Env::new();
    let out = env
        .command(&["--http", "0.0.0.0:0"])
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("loopback") && err.contains("127.0.0.1:PORT"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}
