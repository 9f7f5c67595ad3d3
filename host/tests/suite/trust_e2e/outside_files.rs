//! Tester's finding (TT-M1): a repository hook or `.mcp.json` server
//! whose script lies outside the repository (`bash
//! "$CLAUDE_PROJECT_DIR"/../ci/lint.sh`, `python3 /tmp/x/srv.py`) was
//! approved with nothing of it hashed, and the note said its folder was
//! covered: a sandboxed command rewrote the script, and the hook (or the
//! server) ran it outside the sandbox. Now such a file is hashed by its
//! real path: a change stops the hook or the server, and the warning
//! names the file.

use serde_json::json;

use crate::support::model_server::Reply;
use crate::support::quire::{Run, TestEnv};

fn warnings(run: &Run) -> Vec<String> {
    run.of_type("warning")
        .iter()
        .filter_map(|w| w["message"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn a_hook_script_outside_the_repository_edited_after_approval_does_not_run() {
    let env = TestEnv::new("chat");
    // Beside the repository, reached as `$CLAUDE_PROJECT_DIR/../NAME/lint.sh`.
    let outside = tempfile::tempdir_in(env.repo_path().parent().unwrap()).unwrap();
    let outside_real = outside.path().canonicalize().unwrap();
    let name = outside_real
        .file_name()
        .unwrap()
        .to_string_lossy()
        .to_string();
    let log = env.home.path().join("hook-log");
    let ran = env.home.path().join("edited-ran");
    let script = outside_real.join("lint.sh");
    std::fs::write(
        &script,
        format!("echo run >> {:?}\n", log.display().to_string()),
    )
    .unwrap();
    let command = format!("bash \"$CLAUDE_PROJECT_DIR\"/../{name}/lint.sh");
    let settings = json!({"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [
        {"command": command}
    ]}]}});
    env.write(".claude/settings.json", &settings.to_string());
    let trust = env.run(&["hooks", "trust"]);
    assert_eq!(trust.code, 0, "{}", trust.stderr);
    // The note no longer calls it the repository's, nor its folder covered.
    assert!(
        trust
            .stdout
            .contains("outside the repository: the approval covers that file's own content")
            && !trust
                .stdout
                .contains("the repository's `$CLAUDE_PROJECT_DIR/.."),
        "{}",
        trust.stdout
    );
    let edit = format!("printf 'touch {}\\n' > {}", ran.display(), script.display());
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": edit})),
        Reply::tool_call("c2", "shell", json!({"command": "echo second"})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("go", &["--approval", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        std::fs::read_to_string(&script).unwrap().contains("touch"),
        "the model's edit did not land"
    );
    assert!(!ran.exists(), "the edited script ran with the old approval");
    assert_eq!(std::fs::read_to_string(&log).unwrap(), "run\n");
    let w = warnings(&run);
    let shown = script.display().to_string();
    assert!(
        w.iter().any(|m| m.contains("does not run")
            && m.contains(&format!("{shown} changed since it was approved"))),
        "{w:?}"
    );
    // The next session: it waits for approval.
    let list = env.run(&["hooks", "list", "--json"]);
    assert!(list.stdout.contains("not_approved"), "{}", list.stdout);
}

/// A Python MCP server that answers `initialize` and lists no tools, and
/// writes `marker` when it starts.
fn server(marker: &std::path::Path) -> String {
    format!(
        r#"import json, sys
open({:?}, "a").write("started\n")
for line in sys.stdin:
    m = json.loads(line); i = m.get("id")
    if i is None: continue
    if m.get("method") == "initialize":
        r = {{"protocolVersion": "2025-06-18", "capabilities": {{"tools": {{}}}}, "serverInfo": {{"name": "s", "version": "1"}}}}
    elif m.get("method") == "tools/list":
        r = {{"tools": []}}
    else:
        r = {{}}
    sys.stdout.write(json.dumps({{"jsonrpc": "2.0", "id": i, "result": r}}) + "\n"); sys.stdout.flush()
"#,
        marker.display().to_string()
    )
}

#[test]
fn an_mcp_server_script_outside_the_repository_edited_after_trust_does_not_start() {
    let env = TestEnv::new("responses");
    let outside = tempfile::tempdir().unwrap();
    let script = outside.path().canonicalize().unwrap().join("srv.py");
    let started = outside.path().join("started");
    let swapped = outside.path().join("swapped");
    std::fs::write(&script, server(&started)).unwrap();
    let mcp = json!({"mcpServers": {"srv": {"command": "python3", "args": [script.display().to_string()]}}});
    env.write(".mcp.json", &mcp.to_string());
    assert_eq!(env.run(&["trust", "--revoke"]).code, 0);
    let trusted = env.run(&["trust"]);
    assert_eq!(trusted.code, 0, "{}", trusted.stderr);
    assert!(
        trusted
            .stdout
            .contains("of a file outside the repository they name"),
        "{}",
        trusted.stdout
    );
    let list = env.run(&["mcp", "list"]);
    assert!(list.stdout.contains("ready"), "{}", list.stdout);
    assert!(started.exists(), "the trusted server did not start");

    // What a sandboxed command may do to a file in /tmp.
    let text = std::fs::read_to_string(&script).unwrap();
    std::fs::write(
        &script,
        format!(
            "open({:?}, 'w').write('ran')\n{text}",
            swapped.display().to_string()
        ),
    )
    .unwrap();
    env.server.push(Reply::text("done"));
    let run = env.exec_json("hi", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let w = warnings(&run);
    assert!(
        w.iter()
            .any(|m| m.contains("MCP server 'srv' is not started")
                && m.contains(&format!("{} changed since you trusted", script.display()))),
        "{w:?}"
    );
    let list = env.run(&["mcp", "list"]);
    assert!(!swapped.exists(), "the edited server ran: {}", list.stdout);
    // Trusted again, it runs as it is now.
    assert_eq!(env.run(&["trust"]).code, 0);
    let list = env.run(&["mcp", "list"]);
    assert!(swapped.exists(), "{} {}", list.stdout, list.stderr);
}

/// Tester's finding (VV-1): `BASH_ENV=<outside>/env.sh bash -c true`
/// named its outside file only as the value of an assignment, and that
/// file was neither hashed nor in the note: a sandboxed rewrite of it ran
/// with the hook. Now the value of `NAME=path` (and `--flag=path`) is
/// sealed as a named file is.
#[test]
fn a_hook_env_file_outside_the_repository_edited_after_approval_does_not_run() {
    let env = TestEnv::new("chat");
    let outside = tempfile::tempdir_in(env.repo_path().parent().unwrap()).unwrap();
    let outside_real = outside.path().canonicalize().unwrap();
    let log = env.home.path().join("hook-log");
    let ran = env.home.path().join("edited-ran");
    let file = outside_real.join("env.sh");
    std::fs::write(
        &file,
        format!("echo run >> {:?}\n", log.display().to_string()),
    )
    .unwrap();
    let command = format!("BASH_ENV={} bash -c true", file.display());
    let settings = json!({"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [
        {"command": command}
    ]}]}});
    env.write(".claude/settings.json", &settings.to_string());
    let trust = env.run(&["hooks", "trust"]);
    assert_eq!(trust.code, 0, "{}", trust.stderr);
    assert!(
        trust.stdout.contains("outside the repository as a value")
            && trust
                .stdout
                .contains("the approval covers that file's own content"),
        "{}",
        trust.stdout
    );
    let edit = format!("printf 'touch {}\\n' > {}", ran.display(), file.display());
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": edit})),
        Reply::tool_call("c2", "shell", json!({"command": "echo second"})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("go", &["--approval", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        std::fs::read_to_string(&file).unwrap().contains("touch"),
        "the model's edit did not land"
    );
    assert!(
        !ran.exists(),
        "the edited env file ran with the old approval"
    );
    assert_eq!(std::fs::read_to_string(&log).unwrap(), "run\n");
    let w = warnings(&run);
    let shown = file.display().to_string();
    assert!(
        w.iter().any(|m| m.contains("does not run")
            && m.contains(&format!("{shown} changed since it was approved"))),
        "{w:?}"
    );
}

/// Tester's finding (VV-2): a `.mcp.json` server's `PYTHONPATH` folder
/// outside the repository was not sealed (only files were), so an edit of
/// the module it imports ran at the next start. Now the files of such a
/// folder are sealed by their real path.
#[test]
fn an_mcp_server_module_in_an_outside_pythonpath_folder_edited_after_trust_does_not_start() {
    let env = TestEnv::new("responses");
    let outside = tempfile::tempdir().unwrap();
    let dir = outside.path().canonicalize().unwrap();
    let module = dir.join("srvmod.py");
    // The markers beside, not in the sealed folder.
    let marks = tempfile::tempdir().unwrap();
    let started = marks.path().join("started");
    let swapped = marks.path().join("swapped");
    std::fs::write(&module, server(&started)).unwrap();
    let mcp = json!({"mcpServers": {"m": {"command": "python3", "args": ["-m", "srvmod"],
        "env": {"PYTHONPATH": dir.display().to_string()}}}});
    env.write(".mcp.json", &mcp.to_string());
    assert_eq!(env.run(&["trust", "--revoke"]).code, 0);
    let trusted = env.run(&["trust"]);
    assert_eq!(trusted.code, 0, "{}", trusted.stderr);
    assert!(
        trusted.stdout.contains("every file of a folder outside"),
        "{}",
        trusted.stdout
    );
    let list = env.run(&["mcp", "list"]);
    assert!(list.stdout.contains("ready"), "{}", list.stdout);
    assert!(started.exists(), "the trusted server did not start");

    let text = std::fs::read_to_string(&module).unwrap();
    std::fs::write(
        &module,
        format!(
            "open({:?}, 'w').write('ran')\n{text}",
            swapped.display().to_string()
        ),
    )
    .unwrap();
    env.server.push(Reply::text("done"));
    let run = env.exec_json("hi", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let w = warnings(&run);
    assert!(
        w.iter().any(|m| m.contains("MCP server 'm' is not started")
            && m.contains(&format!("{} changed since you trusted", module.display()))),
        "{w:?}"
    );
    let list = env.run(&["mcp", "list"]);
    assert!(!swapped.exists(), "the edited module ran: {}", list.stdout);
}
