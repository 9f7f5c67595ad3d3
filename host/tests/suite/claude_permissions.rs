//! Claude Code's `permissions` (deny, ask, allow, defaultMode), `env` and
//! `disableAllHooks` in its settings files, through the real binary: a
//! repository's deny and ask rules apply untrusted, its allow rules only
//! once trusted, the user's always.

use serde_json::{Value, json};

use crate::support::model_server::Reply;
use crate::support::quire::{Run, TestEnv};

/// Writes Claude Code's user settings (`$CLAUDE_CONFIG_DIR/settings.json`).
fn user_settings(env: &TestEnv, settings: Value) {
    let dir = env.home.path().join("claude");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("settings.json"), settings.to_string()).unwrap();
}

fn untrusted(env: &TestEnv) {
    let run = env.run(&["trust", "--revoke"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

fn call<'a>(run: &'a Run, id: &str) -> &'a Value {
    run.of_type("tool_completed")
        .into_iter()
        .find(|e| e["call_id"] == id)
        .unwrap_or_else(|| panic!("{id} completed: {:?}", run.events))
}

fn output<'a>(run: &'a Run, id: &str) -> &'a str {
    call(run, id)["output"].as_str().unwrap_or("")
}

fn warned(run: &Run, text: &str) -> bool {
    run.of_type("warning")
        .iter()
        .any(|w| w["message"].as_str().is_some_and(|m| m.contains(text)))
}

/// Whether a request to the model held `text`.
fn model_saw(env: &TestEnv, text: &str) -> bool {
    env.server
        .requests()
        .iter()
        .any(|r| r.body.to_string().contains(text))
}

fn patch(op: &str, path: &str, body: &str) -> Value {
    json!({"patch": format!("*** Begin Patch\n*** {op} File: {path}\n{body}*** End Patch\n")})
}

#[test]
fn deny_rules_of_an_untrusted_repository_refuse_reads_commands_and_edits() {
    let env = TestEnv::new("responses");
    env.write(".env", "SECRET_TOKEN=hunter2\n");
    env.write("src/app.py", "print('hi')\n");
    env.write("docs/style.md", "tabs\n");
    env.write(
        ".claude/settings.json",
        &json!({"permissions": {"deny": ["Read(./.env)", "Edit(src/**)", "WebFetch(domain:x.com)"]}})
            .to_string(),
    );
    env.write(
        ".claude/settings.local.json",
        &json!({"permissions": {"deny": ["Bash(rm:*)"], "allow": ["Bash(ls:*)"]}}).to_string(),
    );
    untrusted(&env);
    env.server.push_all([
        Reply::tool_call("r", "read_file", json!({"path": ".env"})),
        Reply::tool_call(
            "s",
            "shell",
            json!({"command": "ls && rm -f docs/style.md"}),
        ),
        Reply::tool_call(
            "e",
            "apply_patch",
            patch(
                "Update",
                "src/app.py",
                "@@\n-print('hi')\n+print('EDITED')\n",
            ),
        ),
        Reply::text("done"),
    ]);
    let run = env.exec_json("go", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let settings = env.repo_path().join(".claude/settings.json");
    for (id, rule) in [
        ("r", "Read(./.env)"),
        ("s", "Bash(rm:*)"),
        ("e", "Edit(src/**)"),
    ] {
        assert_eq!(
            call(&run, id)["status"],
            "denied",
            "{id}: {:?}",
            call(&run, id)
        );
        assert!(output(&run, id).contains(rule), "{}", output(&run, id));
    }
    assert!(output(&run, "r").contains(&settings.display().to_string()));
    assert!(!model_saw(&env, "hunter2"), "the secret reached the model");
    assert_eq!(env.read("docs/style.md"), "tabs\n");
    assert_eq!(env.read("src/app.py"), "print('hi')\n");
    // What is not used is said, not dropped.
    assert!(
        warned(&run, "its allow rules (Bash(ls:*)) are not used"),
        "{:?}",
        run.events
    );
    assert!(warned(
        &run,
        "deny and ask rules of its .claude/settings files apply"
    ));
}

#[test]
fn an_ask_rule_asks_even_under_approval_never_and_exec_refuses_it() {
    let env = TestEnv::new("responses");
    env.write(
        ".claude/settings.json",
        &json!({"permissions": {"ask": ["Bash(touch:*)"]}}).to_string(),
    );
    env.server.push_all([
        Reply::tool_call("a", "shell", json!({"command": "touch asked"})),
        Reply::tool_call("b", "shell", json!({"command": "echo fine"})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("go", &["--approval", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(call(&run, "a")["status"], "denied");
    let out = output(&run, "a");
    assert!(
        out.contains("Bash(touch:*)") && out.contains("non-interactive"),
        "{out}"
    );
    assert!(!env.repo_path().join("asked").exists(), "the command ran");
    assert_eq!(call(&run, "b")["status"], "ok");
}

#[test]
fn allow_rules_count_from_the_user_and_a_trusted_repository_only() {
    // `untrusted` asks before every command not known to be read-only;
    // exec has no one to ask, so such a command is refused.
    let env = TestEnv::new("responses");
    env.write(
        ".claude/settings.json",
        &json!({"permissions": {"allow": ["Bash(touch:*)"]}}).to_string(),
    );
    untrusted(&env);
    let touch = |id: &str, file: &str| {
        env.server.push_all([
            Reply::tool_call(id, "shell", json!({"command": format!("touch {file}")})),
            Reply::text("done"),
        ]);
        env.exec_json("go", &["--approval", "untrusted"])
    };
    let run = touch("u", "from_untrusted");
    assert_eq!(call(&run, "u")["status"], "denied", "{:?}", call(&run, "u"));
    assert!(!env.repo_path().join("from_untrusted").exists());
    let run = env.run(&["trust"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Trusting says what it turns on.
    let said = format!("{}{}", run.stdout, run.stderr);
    assert!(
        said.contains("permissions.allow (.claude/settings.json): Bash(touch:*)"),
        "{said}"
    );
    let run = touch("t", "from_trusted");
    assert_eq!(call(&run, "t")["status"], "ok", "{:?}", call(&run, "t"));
    assert!(env.repo_path().join("from_trusted").exists());
    // The user's own rule needs no trust; `&&` another command it does
    // not name is still asked.
    std::fs::remove_file(env.repo_path().join(".claude/settings.json")).unwrap();
    untrusted(&env);
    user_settings(&env, json!({"permissions": {"allow": ["Bash(touch:*)"]}}));
    let run = touch("user", "from_user");
    assert_eq!(
        call(&run, "user")["status"],
        "ok",
        "{:?}",
        call(&run, "user")
    );
    let run = touch("and", "x && mkdir other");
    assert_eq!(call(&run, "and")["status"], "denied");
    assert!(!env.repo_path().join("other").exists());
}

#[test]
fn default_mode_plan_is_read_only_and_env_reaches_commands() {
    let env = TestEnv::new("responses");
    user_settings(
        &env,
        json!({"permissions": {"defaultMode": "plan"}, "env": {"USER_MARK": "u1"}}),
    );
    env.write(
        ".claude/settings.json",
        &json!({"env": {"REPO_MARK": "r1", "LD_PRELOAD": "/tmp/evil.so"}}).to_string(),
    );
    env.server.push_all([
        Reply::tool_call("p", "apply_patch", patch("Add", "new.txt", "+x\n")),
        Reply::tool_call(
            "s",
            "shell",
            json!({"command": "echo \"M=$USER_MARK/$REPO_MARK/${LD_PRELOAD:-none}\""}),
        ),
        Reply::text("done"),
    ]);
    let run = env.exec_json("go", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(call(&run, "p")["status"], "denied", "{:?}", call(&run, "p"));
    assert!(!env.repo_path().join("new.txt").exists());
    assert!(
        output(&run, "s").contains("M=u1/r1/none"),
        "{}",
        output(&run, "s")
    );
    assert!(
        warned(&run, "`env.LD_PRELOAD` is not used"),
        "{:?}",
        run.events
    );
    // A flag still wins.
    env.server.push_all([
        Reply::tool_call("p2", "apply_patch", patch("Add", "new.txt", "+x\n")),
        Reply::text("done"),
    ]);
    let run = env.exec_json("go", &["--sandbox", "workspace-write"]);
    assert_eq!(call(&run, "p2")["status"], "ok", "{:?}", call(&run, "p2"));
}

#[test]
fn bypass_permissions_from_a_repository_is_refused() {
    let env = TestEnv::new("responses");
    env.write(
        ".claude/settings.json",
        &json!({"permissions": {"defaultMode": "bypassPermissions"}}).to_string(),
    );
    env.server.push(Reply::text("done"));
    let run = env.exec_json("go", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        warned(&run, "bypassPermissions` is not used"),
        "{:?}",
        run.events
    );
    let started = &run.of_type("session_started")[0];
    assert_eq!(started["sandbox"], "workspace-write", "{started}");
    assert_eq!(started["approval"], "on-request", "{started}");
    // The user's own file may.
    std::fs::remove_file(env.repo_path().join(".claude/settings.json")).unwrap();
    user_settings(
        &env,
        json!({"permissions": {"defaultMode": "bypassPermissions"}}),
    );
    env.server.push(Reply::text("done"));
    let run = env.exec_json("go", &[]);
    let started = &run.of_type("session_started")[0];
    assert_eq!(started["sandbox"], "danger-full-access", "{started}");
    assert_eq!(started["approval"], "never", "{started}");
}

#[test]
fn disable_all_hooks_in_the_users_settings_stops_every_hook() {
    let env = TestEnv::new("responses");
    let mark = env.home.path().join("hook-ran");
    let hooks = json!({"PreToolUse": [{"matcher": "Bash", "hooks": [
        {"type": "command", "command": format!("touch {}", mark.display())}
    ]}]});
    user_settings(&env, json!({"hooks": hooks}));
    let session = |id: &str| {
        env.server.push_all([
            Reply::tool_call(id, "shell", json!({"command": "echo hi"})),
            Reply::text("done"),
        ]);
        env.exec_json("go", &[])
    };
    session("on");
    assert!(mark.exists(), "the hook should run before disableAllHooks");
    std::fs::remove_file(&mark).unwrap();
    user_settings(&env, json!({"hooks": hooks, "disableAllHooks": true}));
    let run = session("off");
    assert_eq!(call(&run, "off")["status"], "ok");
    assert!(!mark.exists(), "the hook ran");
    assert!(
        warned(&run, "no hooks run: `disableAllHooks`"),
        "{:?}",
        run.events
    );
}

#[test]
fn doctor_says_how_many_rules_each_file_gave() {
    let env = TestEnv::new("responses");
    user_settings(
        &env,
        json!({"permissions": {"deny": ["Bash(curl:*)", "Bsh(x)"]}}),
    );
    env.write(
        ".claude/settings.json",
        &json!({"permissions": {"deny": ["Read(./.env)"], "ask": ["Bash(git push:*)"]}})
            .to_string(),
    );
    let run = env.run(&["doctor"]);
    let user = env.home.path().join("claude/settings.json");
    for line in [
        format!("{}: 2 deny", user.display()),
        ".claude/settings.json: 1 deny, 1 ask".into(),
        "the deny rule \"Bsh(x)\" is not used".into(),
    ] {
        assert!(run.stdout.contains(&line), "{line}: {}", run.stdout);
    }
}

#[test]
fn a_grep_over_a_folder_leaves_out_the_files_a_read_rule_denies() {
    let env = TestEnv::new("responses");
    env.write("secrets/key.txt", "TOKEN=hunter2\n");
    env.write("src/a.txt", "TOKEN=public\n");
    env.write(
        ".claude/settings.json",
        &json!({"permissions": {"deny": ["Read(secrets/**)"]}}).to_string(),
    );
    env.server.push_all([
        Reply::tool_call("g", "grep", json!({"pattern": "TOKEN", "path": "."})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("go", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = output(&run, "g");
    assert!(out.contains("TOKEN=public"), "{out}");
    assert!(!out.contains("hunter2"), "{out}");
    assert!(
        out.contains("1 matching line(s) of files the permission rules deny reading left out"),
        "{out}"
    );
    assert!(!model_saw(&env, "hunter2"));
}

#[test]
fn an_ask_rule_asks_in_the_terminal_under_approval_never() {
    use crate::support::pty::Pty;
    let env = TestEnv::new("chat");
    env.write(
        ".claude/settings.json",
        &json!({"permissions": {"ask": ["Bash(touch:*)"]}}).to_string(),
    );
    env.server.push_all([
        Reply::tool_call("a", "shell", json!({"command": "touch asked"})),
        Reply::text("all done"),
    ]);
    let mut pty = Pty::spawn(env.command(&["--approval", "never"]), 40, 120);
    pty.wait_text("/help for keys");
    pty.send("touch it\r");
    let screen = pty.wait_for("the approval prompt", |s| {
        s.contains("touch asked") && s.contains("[y] yes")
    });
    assert!(screen.contains("Bash(touch:*)"), "{screen}");
    assert!(
        !env.repo_path().join("asked").exists(),
        "ran before the answer"
    );
    pty.send("y");
    pty.wait_text("all done");
    assert!(env.repo_path().join("asked").exists());
    pty.send("\x04");
    assert_eq!(pty.wait_exit(), 0);
}

mod additional_dirs;
mod ask_hooks;
mod imports;
mod links;
mod repository_env;
