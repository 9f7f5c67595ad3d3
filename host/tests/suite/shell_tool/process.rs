//! Running, output, timeouts and killing.

use super::*;

#[tokio::test]
async fn reports_exit_code_and_interleaved_output() {
    let ws = tempfile::tempdir().unwrap();
    let c = ctx(ws.path(), SandboxMode::WorkspaceWrite);
    let text = run_ok(
        &c,
        "echo out1; echo err1 >&2; echo out2; echo err2 > /dev/stderr",
    )
    .await;
    assert!(text.starts_with("Exit code: 0\nWall time: "), "{text}");
    assert!(
        text.ends_with("Output:\nout1\nerr1\nout2\nerr2\n"),
        "{text}"
    );
}

#[tokio::test]
async fn non_zero_exit_and_signals_are_error_results_with_their_code() {
    let ws = tempfile::tempdir().unwrap();
    let c = ctx(ws.path(), SandboxMode::WorkspaceWrite);
    let text = run_ok(&c, "echo bye; exit 3").await;
    assert!(text.starts_with("Exit code: 3\n"), "{text}");
    assert!(text.ends_with("Output:\nbye\n"), "{text}");
    let text = run_ok(&c, "kill -9 $$").await;
    assert!(text.starts_with("Killed by signal 9 (SIGKILL)\n"), "{text}");
}

#[tokio::test]
async fn workdir_is_relative_to_cwd_and_checked() {
    let ws = tempfile::tempdir().unwrap();
    std::fs::create_dir(ws.path().join("sub")).unwrap();
    let c = ctx(ws.path(), SandboxMode::WorkspaceWrite);
    let out = run(&c, json!({"command": "pwd", "workdir": "sub"}))
        .await
        .unwrap();
    let want = ws.path().join("sub").canonicalize().unwrap();
    assert!(
        out.text.ends_with(&format!("{}\n", want.display())),
        "{}",
        out.text
    );
    let err = run(&c, json!({"command": "pwd", "workdir": "missing"}))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ToolError::Failed(m) if m.contains("missing") && m.contains("not an existing directory")),
        "{err}"
    );
}

#[tokio::test]
async fn timeout_kills_the_whole_process_group() {
    let ws = tempfile::tempdir().unwrap();
    let c = ctx(ws.path(), SandboxMode::WorkspaceWrite);
    let pid_file = ws.path().join("pid");
    let err = run(
        &c,
        json!({"command": sleeper(&pid_file), "timeout_ms": 2000}),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, ToolError::Timeout(2000)), "{err}");
    let pid = read_pid(&pid_file).await;
    assert!(gone(pid).await, "grandchild {pid} survived the timeout");
}

#[tokio::test]
async fn cancel_kills_the_command() {
    let ws = tempfile::tempdir().unwrap();
    let c = ctx(ws.path(), SandboxMode::WorkspaceWrite);
    let cancel = c.cancel.clone();
    let pid_file = ws.path().join("pid");
    let args = json!({"command": sleeper(&pid_file)});
    let task = tokio::spawn(async move { ShellTool::new().call(args, &c).await });
    let pid = read_pid(&pid_file).await;
    assert!(alive(pid));
    cancel.cancel();
    let err = task.await.unwrap().unwrap_err();
    assert!(matches!(err, ToolError::Interrupted), "{err}");
    assert!(gone(pid).await, "grandchild {pid} survived the cancel");
}

#[tokio::test]
async fn dropping_the_call_kills_the_command() {
    let ws = tempfile::tempdir().unwrap();
    let c = ctx(ws.path(), SandboxMode::WorkspaceWrite);
    let pid_file = ws.path().join("pid");
    let args = json!({"command": sleeper(&pid_file)});
    let task = tokio::spawn(async move { ShellTool::new().call(args, &c).await });
    let pid = read_pid(&pid_file).await;
    assert!(alive(pid));
    task.abort();
    assert!(task.await.unwrap_err().is_cancelled());
    assert!(gone(pid).await, "grandchild {pid} survived the drop");
}

#[tokio::test]
async fn background_process_holding_output_does_not_block() {
    let ws = tempfile::tempdir().unwrap();
    let c = ctx(ws.path(), SandboxMode::WorkspaceWrite);
    let pid_file = ws.path().join("pid");
    let cmd = format!("sleep 300 & echo $! > {}; echo started", pid_file.display());
    let text = run_ok(&c, &cmd).await;
    assert!(text.starts_with("Exit code: 0\n"), "{text}");
    assert!(text.contains("background process"), "{text}");
    assert!(text.ends_with("Output:\nstarted\n"), "{text}");
    let pid = read_pid(&pid_file).await;
    // SAFETY: plain syscall on the pid of our own leftover sleeper.
    unsafe { libc::kill(pid, libc::SIGKILL) };
}

#[tokio::test]
async fn large_output_is_capped_in_memory() {
    let ws = tempfile::tempdir().unwrap();
    let c = ctx(ws.path(), SandboxMode::WorkspaceWrite);
    let total = 5_000_000usize;
    let text = run_ok(&c, &format!("yes | head -c {total}")).await;
    let dropped = total - KEPT_BYTES;
    assert!(
        text.contains(&format!("Output truncated: {dropped} bytes dropped")),
        "{}",
        &text[..200]
    );
    assert!(text.len() < KEPT_BYTES + 500, "{}", text.len());
    assert!(text.ends_with("y\ny\n"));
}

#[tokio::test]
async fn a_timeout_keeps_the_output_printed_so_far() {
    let ws = tempfile::tempdir().unwrap();
    let c = ctx(ws.path(), SandboxMode::WorkspaceWrite);
    let err = run(
        &c,
        json!({"command": "echo partial-output-here; sleep 100", "timeout_ms": 1500}),
    )
    .await
    .unwrap_err();
    let ToolError::WithOutput { cause, output, .. } = &err else {
        panic!("no output kept: {err}");
    };
    assert!(matches!(**cause, ToolError::Timeout(1500)), "{err}");
    assert_eq!(output, "partial-output-here\n");
    assert_eq!(err.status(), quire::protocol::CallStatus::TimedOut);
    assert!(
        err.to_string()
            .starts_with("timed out after 1500 ms; output so far:\npartial-output-here"),
        "{err}"
    );
}

#[tokio::test]
async fn an_interrupt_keeps_the_output_printed_so_far() {
    let ws = tempfile::tempdir().unwrap();
    let c = ctx(ws.path(), SandboxMode::WorkspaceWrite);
    let cancel = c.cancel.clone();
    let pid_file = ws.path().join("pid");
    let cmd = format!("echo before-the-interrupt; {}", sleeper(&pid_file));
    let args = json!({ "command": cmd });
    let task = tokio::spawn(async move { ShellTool::new().call(args, &c).await });
    let pid = read_pid(&pid_file).await;
    cancel.cancel();
    let err = task.await.unwrap().unwrap_err();
    let ToolError::WithOutput { cause, output, .. } = &err else {
        panic!("no output kept: {err}");
    };
    assert!(matches!(**cause, ToolError::Interrupted), "{err}");
    assert!(output.contains("before-the-interrupt"), "{output}");
    assert!(gone(pid).await, "grandchild {pid} survived the cancel");
}
