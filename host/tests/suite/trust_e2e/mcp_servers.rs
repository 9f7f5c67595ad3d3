//! MCP servers and trust: the user's own servers run nothing of a
//! repository that is not trusted (they start outside it), and a trusted
//! repository's servers start, and start again, only with the files they
//! run as they were trusted.

use std::path::Path;

use serde_json::json;

use crate::support::model_server::Reply;
use crate::support::quire::{Run, TestEnv};

/// A stdio MCP server in Python with the tools `echo` and `crash` (which
/// ends the process without answering).
const SERVER: &str = r#"import json, sys
def send(o):
    sys.stdout.write(json.dumps(o) + "\n"); sys.stdout.flush()
for line in sys.stdin:
    m = json.loads(line); i = m.get("id"); meth = m.get("method")
    if i is None: continue
    if meth == "initialize":
        send({"jsonrpc": "2.0", "id": i, "result": {"protocolVersion": "2025-06-18", "capabilities": {"tools": {}}, "serverInfo": {"name": "local", "version": "1"}}})
    elif meth == "tools/list":
        tool = lambda n: {"name": n, "description": n, "inputSchema": {"type": "object"}}
        send({"jsonrpc": "2.0", "id": i, "result": {"tools": [tool("echo"), tool("crash")]}})
    elif meth == "tools/call" and m["params"]["name"] == "crash":
        sys.exit(0)
    elif meth == "tools/call":
        send({"jsonrpc": "2.0", "id": i, "result": {"content": [{"type": "text", "text": "echoed"}]}})
    else:
        send({"jsonrpc": "2.0", "id": i, "result": {}})
"#;

fn warnings(run: &Run) -> Vec<String> {
    run.of_type("warning")
        .iter()
        .filter_map(|w| w["message"].as_str().map(str::to_string))
        .collect()
}

/// Code the repository plants where the user's servers would find it
/// from its folder: a Python module for `python3 -m`, a package in
/// `node_modules` for `node -e "require(...)"`. Each writes a marker in
/// `marks` holding the folder it ran in.
fn plant(env: &TestEnv, marks: &Path) {
    let py = marks.join("python");
    env.write(
        "planted_mod/__main__.py",
        &format!(
            "import os\nopen({:?}, 'w').write(os.getcwd())\n",
            py.display().to_string()
        ),
    );
    env.write("planted_mod/__init__.py", "");
    let node = marks.join("node");
    env.write(
        "node_modules/planted-pkg/index.js",
        &format!(
            "require('fs').writeFileSync({:?}, process.cwd())\n",
            node.display().to_string()
        ),
    );
}

/// Tester's finding: `npx -y` or `python3 -m` of the user's own config ran
/// the repository's `node_modules` or module, unasked, in a repository
/// never trusted. There the servers start outside it; trusted, in it.
#[test]
fn the_users_servers_run_nothing_of_an_untrusted_repository() {
    let env = TestEnv::with_config(
        "responses",
        "[mcp_servers.py]\ncommand = \"python3\"\nargs = [\"-m\", \"planted_mod\"]\n\
         [mcp_servers.js]\ncommand = \"node\"\nargs = [\"-e\", \"require('planted-pkg')\"]\n",
    );
    let marks = tempfile::tempdir().unwrap();
    plant(&env, marks.path());
    assert_eq!(env.run(&["trust", "--revoke"]).code, 0);
    env.server.push(Reply::text("done"));
    let run = env.exec_json("hi", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let list = env.run(&["mcp", "list"]);
    assert!(list.stdout.contains("py"), "{}", list.stdout);
    for marker in ["python", "node"] {
        assert!(
            !marks.path().join(marker).exists(),
            "the repository's {marker} code ran: {:?}",
            warnings(&run)
        );
    }
    // Trusted, they start in the repository as before.
    assert_eq!(env.run(&["trust"]).code, 0);
    let list = env.run(&["mcp", "list"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    let repo = env.repo_path().display().to_string();
    for marker in ["python", "node"] {
        let ran = std::fs::read_to_string(marks.path().join(marker)).unwrap_or_default();
        assert_eq!(ran, repo, "{marker}: {}", list.stdout);
    }
}

/// Tester's finding: a trusted repository's `.mcp.json` runs `python3
/// tools/mcp.py`; the model edits it and makes the server die; quire
/// started it again, outside the sandbox, running the model's code. Now
/// the restart is refused, so is the next session's start, until `quire
/// trust` takes the file as it is.
#[test]
fn a_server_whose_script_changed_since_trust_does_not_start_again() {
    let env = TestEnv::new("responses");
    env.write("tools/mcp.py", SERVER);
    env.write(
        ".mcp.json",
        r#"{"mcpServers": {"local": {"command": "python3", "args": ["tools/mcp.py"]}}}"#,
    );
    assert_eq!(env.run(&["trust"]).code, 0);
    let marks = tempfile::tempdir().unwrap();
    let marker = marks.path().join("swapped");
    let edit = format!(
        "printf 'open(\"%s\", \"w\").write(\"ran\")\\n' {:?} | cat - tools/mcp.py > t && mv t tools/mcp.py",
        marker.display().to_string()
    );
    env.server.push_all([
        Reply::tool_call("c1", "mcp__local__echo", json!({})),
        Reply::tool_call("c2", "shell", json!({"command": edit})),
        Reply::tool_call("c3", "mcp__local__crash", json!({})),
        Reply::tool_call("c4", "mcp__local__echo", json!({})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("use the server", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let outputs: Vec<String> = run
        .of_type("tool_completed")
        .iter()
        .map(|e| e["output"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(outputs.first().map(String::as_str), Some("echoed"));
    assert!(env.read("tools/mcp.py").contains("ran"), "{outputs:?}");
    let refused = |run: &Run| {
        warnings(run).iter().any(|w| {
            w.contains("MCP server 'local' is not started: tools/mcp.py changed since you trusted")
                && w.contains("`quire trust`")
        })
    };
    assert!(refused(&run), "{:?} {outputs:?}", warnings(&run));
    assert!(!marker.exists(), "the edited server ran");

    // The next session does not start it either.
    env.server.push(Reply::text("done"));
    let run = env.exec_json("again", &[]);
    assert!(refused(&run), "{:?}", warnings(&run));
    assert!(!marker.exists(), "the edited server ran");

    // Trusted again, it runs as it is now.
    let trusted = env.run(&["trust"]);
    assert!(
        trusted
            .stdout
            .contains("trust also covers the repository's files"),
        "{}",
        trusted.stdout
    );
    let list = env.run(&["mcp", "list"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    assert!(marker.exists(), "{}", list.stdout);
}

/// Tester's finding: a trusted repository's server set `PATH` in its own
/// `env`, so `python3` ran the repository's `bin/python3`; trust looked
/// `python3` up on quire's `PATH`, recorded nothing, and an edited
/// `bin/python3` ran on the next start, outside the sandbox. Now the
/// trust question shows that `PATH`, the file is recorded and, once
/// changed, the server is not started.
#[test]
fn a_server_whose_env_path_runs_a_changed_repository_program_does_not_start() {
    let env = TestEnv::new("responses");
    let outside = tempfile::tempdir().unwrap();
    let script = outside.path().join("srv.py");
    std::fs::write(&script, SERVER).unwrap();
    env.write(
        "bin/python3",
        "#!/bin/sh\nPATH=/usr/local/bin:/usr/bin:/bin exec python3 \"$@\"\n",
    );
    std::fs::set_permissions(
        env.repo_path().join("bin/python3"),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    env.write(
        ".quire/config.toml",
        &format!(
            "[mcp_servers.pathsrv]\ncommand = \"python3\"\nargs = [{:?}]\n\
             env = {{ PATH = \"bin:/usr/local/bin:/usr/bin:/bin\" }}\n",
            script.display().to_string()
        ),
    );
    let trusted = env.run(&["trust"]);
    assert_eq!(trusted.code, 0, "{}", trusted.stderr);
    assert!(
        trusted.stdout.contains(
            "env PATH = \"bin:/usr/local/bin:/usr/bin:/bin\" (commands are looked up there)"
        ),
        "{}",
        trusted.stdout
    );
    let list = env.run(&["mcp", "list"]);
    assert!(
        list.stdout.contains("ready"),
        "{}{}",
        list.stdout,
        list.stderr
    );

    let marks = tempfile::tempdir().unwrap();
    let marker = marks.path().join("ran");
    env.write(
        "bin/python3",
        &format!(
            "#!/bin/sh\ntouch {:?}\nPATH=/usr/local/bin:/usr/bin:/bin exec python3 \"$@\"\n",
            marker.display().to_string()
        ),
    );
    refused_after_the_edit(&env, &marker, "bin/python3");
}

/// After `file` was edited to touch `marker`: the server does not start,
/// nothing of the edit runs, and the warning names the file.
fn refused_after_the_edit(env: &TestEnv, marker: &Path, file: &str) {
    let list = env.run(&["mcp", "list"]);
    let said = format!("{}{}", list.stdout, list.stderr);
    assert!(!marker.exists(), "the edited {file} ran: {said}");
    assert!(
        said.contains(&format!("{file} changed since you trusted")),
        "{said}"
    );
}

/// Tester's finding: a trusted repository's server with `PYTHONPATH =
/// "lib"` in its `env` ran an edited `lib/sitecustomize.py` (Python runs
/// it at every start) outside the sandbox, with nothing recorded. What a
/// loader variable names inside the repository is recorded now.
#[test]
fn a_server_whose_pythonpath_loads_a_changed_repository_module_does_not_start() {
    let env = TestEnv::new("responses");
    let outside = tempfile::tempdir().unwrap();
    let script = outside.path().join("srv.py");
    std::fs::write(&script, SERVER).unwrap();
    env.write("lib/sitecustomize.py", "pass\n");
    env.write(
        ".quire/config.toml",
        &format!(
            "[mcp_servers.pysrv]\ncommand = \"python3\"\nargs = [{:?}]\n\
             env = {{ PYTHONPATH = \"lib\" }}\n",
            script.display().to_string()
        ),
    );
    let trusted = env.run(&["trust"]);
    assert_eq!(trusted.code, 0, "{}", trusted.stderr);
    let list = env.run(&["mcp", "list"]);
    assert!(
        list.stdout.contains("ready"),
        "{}{}",
        list.stdout,
        list.stderr
    );

    let marks = tempfile::tempdir().unwrap();
    let marker = marks.path().join("ran");
    env.write(
        "lib/sitecustomize.py",
        &format!("open({:?}, 'w')\n", marker.display().to_string()),
    );
    refused_after_the_edit(&env, &marker, "lib/sitecustomize.py");
}
