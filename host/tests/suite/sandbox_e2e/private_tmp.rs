//! With `$QUIRE_HOME` under the temp root (CI, tests), the sandbox keeps
//! it read-only, so the temp root takes no new entries: commands get a
//! private temp folder as `TMPDIR` instead (`mktemp` works), and the
//! folder is gone when quire exits. A user folder holding the workspace
//! keeps it read-only, and quire says so at start.

use serde_json::json;

use super::support::model_server::Reply;
use super::support::quire::{TestEnv, finish};

fn warnings(run: &super::support::quire::Run) -> String {
    let mut all: Vec<String> = run
        .of_type("warning")
        .iter()
        .map(|e| e.to_string())
        .collect();
    all.push(run.stderr.clone());
    all.join("\n")
}

#[test]
fn commands_get_a_private_tmpdir_when_quire_home_is_under_the_temp_root() {
    let env = TestEnv::new("chat");
    // The temp root is the folder holding QUIRE_HOME, whatever TMPDIR the
    // tests run with.
    let root = env.home.path().parent().unwrap().canonicalize().unwrap();
    let config = env.home.path().join("config.toml");
    let before = std::fs::read_to_string(&config).unwrap();
    env.server.push_all([
        Reply::tool_call(
            "t1",
            "shell",
            json!({"command": "f=$(mktemp) && echo made > \"$f\" && cat \"$f\" && mkdir \"$TMPDIR/sub\" && echo x > \"$TMPDIR/sub/x\" && echo \"dir=$TMPDIR tmp=$TMP temp=$TEMP\""}),
        ),
        Reply::tool_call(
            "t2",
            "shell",
            json!({"command": format!("echo x >> {}", config.display())}),
        ),
        Reply::text("done"),
    ]);
    let child = env
        .command(&["exec", "--json", "--approval", "never", "use a temp file"])
        .env("TMPDIR", &root)
        .spawn()
        .unwrap();
    let run = finish(child);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let done = run.of_type("tool_completed");
    let out = |id: &str| {
        done.iter()
            .find(|e| e["call_id"] == id)
            .map(|e| e["output"].as_str().unwrap_or_default().to_string())
            .unwrap_or_default()
    };
    let first = out("t1");
    assert!(first.contains("made\n"), "{first}");
    let dir = first
        .split("dir=")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap_or_default()
        .to_string();
    assert!(
        dir.starts_with(&format!("{}/quire-tmp-", root.display())),
        "{first}"
    );
    assert!(first.contains(&format!("tmp={dir} temp={dir}")), "{first}");
    // The folder is gone when quire has exited.
    assert!(!std::path::Path::new(&dir).exists(), "{dir} left behind");
    // QUIRE_HOME stays read-only.
    assert!(out("t2").contains("Permission denied"), "{}", out("t2"));
    assert_eq!(std::fs::read_to_string(&config).unwrap(), before);
    // The private TMPDIR makes up for it: no notice at every start.
    assert!(run.of_type("warning").is_empty(), "{}", warnings(&run));
}

#[test]
fn a_user_folder_holding_the_workspace_keeps_it_read_only_and_says_so() {
    let env = TestEnv::new("chat");
    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "echo a >> x.txt"})),
        Reply::text("done"),
    ]);
    let child = env
        .command(&["exec", "--json", "--approval", "never", "write"])
        .env("CLAUDE_CONFIG_DIR", ".")
        .spawn()
        .unwrap();
    let run = finish(child);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!env.repo.path().join("x.txt").exists());
    let said = warnings(&run);
    assert!(
        said.contains("is inside $CLAUDE_CONFIG_DIR")
            && said.contains("cannot write anywhere in it"),
        "{said}"
    );
}
