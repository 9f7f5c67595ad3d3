//! Claude Code matchers as Claude Code reads them: `Write` fires for the
//! files a patch adds, `Edit` for those it changes (each hook's
//! `tool_name` says which), and a regex is matched against Claude's tool
//! names (`B.*`, `(?i)bash`, `^B`, `Notebook.*`).

use serde_json::json;

use super::script;
use super::support::model_server::Reply;
use super::support::quire::TestEnv;

#[test]
fn claude_matchers_fire_for_the_calls_claude_code_would_give_them() {
    let env = TestEnv::new("responses");
    env.write("existing.txt", "old\n");
    env.write("book.ipynb", "{}\n");
    let log = env.home.path().join("seen.log");
    let hook = script(
        &env,
        "seen.py",
        &format!(
            "#!/usr/bin/env python3\nimport json, os, sys\ndata = json.load(sys.stdin)\npath = os.path.basename(data['tool_input'].get('file_path', '-'))\nopen({:?}, 'a').write(sys.argv[1] + ' ' + data['tool_name'] + ' ' + path + '\\n')\n",
            log.display().to_string()
        ),
    );
    let groups: Vec<_> = ["Write", "Edit", "B.*", "(?i)bash", "^B", "Notebook.*"]
        .iter()
        .map(|m| {
            json!({"matcher": m, "hooks": [
                {"type": "command", "command": format!("{} '{m}'", hook.display())}
            ]})
        })
        .collect();
    let dir = env.home.path().join("claude");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("settings.json"),
        json!({"hooks": {"PreToolUse": groups}}).to_string(),
    )
    .unwrap();
    env.server.push_all([
        Reply::tool_call(
            "add",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Add File: added.txt\n+x\n*** End Patch\n"}),
        ),
        Reply::tool_call(
            "upd",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Update File: existing.txt\n@@\n-old\n+new\n*** End Patch\n"}),
        ),
        Reply::tool_call(
            "mix",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Add File: second.txt\n+y\n*** Update File: book.ipynb\n@@\n-{}\n+{\"cells\": []}\n*** End Patch\n"}),
        ),
        Reply::tool_call("sh", "shell", json!({"command": "true"})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("go", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut seen: Vec<String> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    seen.sort();
    let mut want = vec![
        "Write Write added.txt",
        "Edit Edit existing.txt",
        "Write Write second.txt",
        "Edit Edit book.ipynb",
        "Notebook.* Edit book.ipynb",
        "B.* Bash -",
        "(?i)bash Bash -",
        "^B Bash -",
    ];
    want.sort();
    assert_eq!(seen, want);
}
