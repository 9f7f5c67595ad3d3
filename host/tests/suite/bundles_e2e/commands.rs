//! Custom slash commands through `quire exec "/name args"` and the line
//! REPL: arguments, `@path` files, `` !`command` `` lines in the sandbox
//! limited by `allowed-tools`, the command's model, and the folders.

use std::io::Write;
use std::process::Stdio;

use serde_json::Value;

use super::support::model_server::Reply;
use super::support::quire::TestEnv;
use super::{isolate, run};

/// The text of every request the model server got.
pub(super) fn bodies(env: &TestEnv) -> String {
    env.server
        .requests()
        .iter()
        .map(|r| r.raw_body.clone())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_command_expands_arguments_files_and_allowed_command_output() {
    let env = TestEnv::new("responses");
    env.write("notes/plan.txt", "PLAN-FILE-CONTENT-7\n");
    env.write("untracked-marker.txt", "x\n");
    env.write(
        ".claude/commands/fix.md",
        "---\ndescription: Fix an issue\nargument-hint: [issue] [priority]\nallowed-tools: Bash(git status:*)\n---\nStatus: !`git status --short`\nFix issue $1 with priority $2 using @notes/plan.txt\nAll: $ARGUMENTS\n",
    );
    env.server.push(Reply::text("done"));
    let r = run(&env, &["exec", "--json", "/fix 42 high"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let sent = bodies(&env);
    assert!(sent.contains("?? untracked-marker.txt"), "{sent}");
    assert!(sent.contains("Fix issue 42 with priority high"), "{sent}");
    assert!(sent.contains("All: 42 high"), "{sent}");
    assert!(sent.contains("PLAN-FILE-CONTENT-7"), "{sent}");
    assert!(!sent.contains("$ARGUMENTS"), "{sent}");
}

#[test]
fn a_command_line_not_allowed_by_allowed_tools_is_refused_before_sending() {
    let env = TestEnv::new("chat");
    env.write(
        ".quire/commands/wipe.md",
        "---\nallowed-tools: Bash(git status:*)\n---\nBefore: !`git status; touch pwned.txt`\n",
    );
    let r = run(&env, &["exec", "/wipe"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("allowed-tools"), "{}", r.stderr);
    assert!(r.stderr.contains("wipe.md"), "{}", r.stderr);
    assert!(!env.repo_path().join("pwned.txt").exists());
    assert!(env.server.requests().is_empty(), "nothing may be sent");
}

/// Arguments are data: in a `` !`command` `` line each is one quoted
/// shell word, and in text an argument that looks like a command line
/// stays text.
#[test]
fn arguments_never_run_as_shell_code() {
    let env = TestEnv::new("chat");
    env.write(
        ".quire/commands/t2.md",
        "---\nallowed-tools: Bash\n---\nEcho: !`echo $1`\nSecond: $2\n",
    );
    env.server.push(Reply::text("ok"));
    let r = run(
        &env,
        &["exec", "/t2 \"x;touch first.txt\" \"!`touch second.txt`\""],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        !env.repo_path().join("first.txt").exists(),
        "$1 ran as code"
    );
    assert!(
        !env.repo_path().join("second.txt").exists(),
        "$2 became a command line"
    );
    let sent = bodies(&env);
    assert!(sent.contains("Echo: x;touch first.txt"), "{sent}");
    assert!(sent.contains("Second: !`touch second.txt`"), "{sent}");
}

#[test]
fn the_command_line_runs_in_the_sandbox() {
    // A read-only sandbox: the allowed command runs but cannot write.
    let env = TestEnv::with_config("responses", "sandbox = \"read-only\"");
    env.write(
        ".quire/commands/touchy.md",
        "---\nallowed-tools: Bash\n---\nOut: !`touch made-by-command.txt && echo wrote`\n",
    );
    env.server.push(Reply::text("ok"));
    let r = run(&env, &["exec", "/touchy"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!env.repo_path().join("made-by-command.txt").exists());
    let sent = bodies(&env);
    assert!(!sent.contains("Out: wrote"), "{sent}");
    assert!(sent.contains("Exit code"), "{sent}");
}

#[test]
fn the_commands_model_is_used_for_its_message() {
    let env = TestEnv::new("chat");
    env.write(
        ".quire/commands/cheap.md",
        "---\nmodel: small-test-model\n---\nSay hi.\n",
    );
    env.server.push(Reply::text("hi"));
    let r = run(&env, &["exec", "/cheap"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let req = &env.server.requests()[0];
    assert_eq!(req.body["model"], "small-test-model");
}

/// Claude Code's model aliases (`haiku`, `sonnet`, `opus`) name a Claude
/// model, not one of the provider's: the command runs on the session's
/// model, as agent definitions do. A misspelled key is named by `commands
/// list`, with the key it was meant to be.
#[test]
fn a_claude_model_alias_runs_on_the_sessions_model_and_unknown_keys_are_named() {
    let env = TestEnv::new("chat");
    env.write(
        ".claude/commands/quick.md",
        "---\nmodel: haiku\nallowed_tools: Bash(git status:*)\n---\nSay hi.\n",
    );
    env.server.push(Reply::text("hi"));
    let r = run(&env, &["exec", "/quick"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let req = &env.server.requests()[0];
    assert_eq!(req.body["model"], "test-model");
    let r = run(&env, &["commands", "list"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.lines().any(|l| l.contains("quick.md")
            && l.contains("unknown frontmatter key `allowed_tools`")
            && l.contains("did you mean 'allowed-tools'")),
        "{}",
        r.stderr
    );
}

#[test]
fn commands_list_shows_each_folder_in_order() {
    let env = TestEnv::new("responses");
    env.write(".quire/commands/fix.md", "Fix from quire\n");
    env.write(".claude/commands/fix.md", "Fix from claude\n");
    env.write(
        ".claude/commands/lint.md",
        "---\ndescription: Lint it\n---\nLint.\n",
    );
    let home_cmds = env.home.path().join("commands");
    std::fs::create_dir_all(&home_cmds).unwrap();
    std::fs::write(home_cmds.join("mine.md"), "Mine\n").unwrap();
    let prompts = env.home.path().join("codex/prompts");
    std::fs::create_dir_all(&prompts).unwrap();
    std::fs::write(prompts.join("plan.md"), "Plan the work in $1 steps\n").unwrap();
    let r = run(&env, &["commands", "list", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows: Vec<(String, String, String)> = r
        .stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .map(|v| {
            (
                v["name"].as_str().unwrap_or("").to_string(),
                v["source"].as_str().unwrap_or("").to_string(),
                v["description"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let names: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(names, ["fix", "lint", "mine", "plan"], "{rows:?}");
    assert_eq!(rows[0].2, "Fix from quire");
    assert_eq!(rows[3].1, "codex prompts");
    assert!(r.stderr.contains("shadowed"), "{}", r.stderr);
}

#[test]
fn the_line_repl_runs_a_command() {
    let env = TestEnv::new("anthropic");
    env.write(".quire/commands/greet.md", "Greet $1 warmly.\n");
    env.server.push(Reply::text("hello"));
    let mut cmd = env.command(&[]);
    isolate(&env, &mut cmd);
    cmd.stdin(Stdio::piped()).env("TERM", "dumb");
    let mut child = cmd.spawn().expect("spawn quire");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"/greet Ada\n")
        .expect("write");
    let r = super::support::quire::finish(child);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        bodies(&env).contains("Greet Ada warmly."),
        "{}",
        bodies(&env)
    );
}

#[test]
fn commands_list_says_a_command_named_like_a_builtin_is_shadowed() {
    let env = TestEnv::new("responses");
    env.write(
        ".quire/commands/help.md",
        "---\ndescription: Help override\n---\nHelp.\n",
    );
    env.write(".quire/commands/helper.md", "Helper.\n");
    let r = run(&env, &["commands", "list"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("/help is shadowed by the built-in /help of interactive sessions"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("/helper is shadowed"), "{}", r.stderr);
    let r = run(&env, &["commands", "list", "--json"]);
    let rows: Vec<Value> = r
        .stdout
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let shadowed: Vec<(&str, bool)> = rows
        .iter()
        .map(|v| {
            (
                v["name"].as_str().unwrap_or(""),
                v["shadowed_by_builtin"].as_bool().unwrap_or(false),
            )
        })
        .collect();
    assert_eq!(shadowed, [("help", true), ("helper", false)]);
}

#[test]
fn exec_of_an_unknown_slash_word_warns_and_sends_the_text() {
    let env = TestEnv::new("responses");
    env.write(".quire/commands/fix-issue.md", "Fix issue $ARGUMENTS.\n");
    env.server.push(Reply::text("ok"));
    let r = run(&env, &["exec", "/fix-isue 12"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("no command or skill /fix-isue; did you mean 'fix-issue'?"),
        "{}",
        r.stderr
    );
    let body = env.server.requests()[0].body.to_string();
    assert!(body.contains("/fix-isue 12"), "{body}");

    env.server.push(Reply::text("ok"));
    let r = run(&env, &["exec", "/fix-issue 12"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("no command"), "{}", r.stderr);
}

/// `mkfifo PATH` (a named pipe: reading it blocks until a writer comes).
fn mkfifo(path: &std::path::Path) {
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p).unwrap();
    }
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(made.success());
}

/// A named pipe among the commands (or as a project settings file) is
/// never opened: it is skipped with a warning naming it, and `commands
/// list` and `exec` go on instead of waiting forever for a writer.
#[test]
fn a_named_pipe_among_commands_or_settings_is_skipped_not_read() {
    let env = TestEnv::new("chat");
    env.write(".quire/commands/ok.md", "Fine\n");
    let repo = env.repo_path();
    mkfifo(&repo.join(".quire/commands/pipe.md"));
    let r = run(&env, &["commands", "list"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("/ok"), "{}", r.stdout);
    assert!(
        r.stderr
            .contains("pipe.md: a named pipe; commands must be plain files"),
        "{}",
        r.stderr
    );
    mkfifo(&repo.join(".claude/settings.json"));
    env.server.push(Reply::text("hello"));
    let r = run(&env, &["exec", "say hi"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("settings.json: a named pipe, not a regular file"),
        "{}",
        r.stderr
    );
    // Sealed settings that became pipes are named as changed, not read.
    mkfifo(&repo.join(".mcp.json"));
    mkfifo(&repo.join(".quire/config.toml"));
    env.server.push(Reply::text("hello"));
    let r = run(&env, &["exec", "say hi"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(".quire/config.toml, .mcp.json"),
        "{}",
        r.stderr
    );
    assert_eq!(env.server.requests().len(), 2);
}

/// A Codex custom prompt runs as Codex runs it: `/prompts:NAME`, named
/// `$KEY` placeholders from `KEY=value`, `$$` a literal dollar; a missing
/// value is named before anything is sent.
#[test]
fn a_codex_prompt_fills_named_arguments_and_answers_to_prompts_name() {
    let env = TestEnv::new("chat");
    let prompts = env.home.path().join("codex/prompts");
    std::fs::create_dir_all(&prompts).unwrap();
    std::fs::write(
        prompts.join("ticket.md"),
        "---\ndescription: Work a ticket\n---\nFix ticket $TICKET with priority $PRIORITY. Budget $$5.\n",
    )
    .unwrap();
    let r = run(&env, &["exec", "/prompts:ticket TICKET=ABC-12"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("/ticket needs a value for PRIORITY: pass PRIORITY=…"),
        "{}",
        r.stderr
    );
    assert!(env.server.requests().is_empty(), "nothing may be sent");

    env.server.push(Reply::text("done"));
    let r = run(
        &env,
        &["exec", "/prompts:ticket TICKET=ABC-12 PRIORITY=high"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("no command"), "{}", r.stderr);
    let sent = bodies(&env);
    assert!(
        sent.contains("Fix ticket ABC-12 with priority high. Budget $5."),
        "{sent}"
    );
}

/// Commands are read once per process: a command file edited during the
/// session runs as read at the start, and quire says to restart.
#[test]
fn a_command_edited_mid_session_says_to_restart_quire() {
    let env = TestEnv::new("anthropic");
    env.write(".quire/commands/greet.md", "Greet $1 warmly.\n");
    env.server
        .push_all([Reply::text("hello"), Reply::text("hello again")]);
    let mut cmd = env.command(&[]);
    isolate(&env, &mut cmd);
    cmd.stdin(Stdio::piped()).env("TERM", "dumb");
    let mut child = cmd.spawn().expect("spawn quire");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(b"/greet Ada\n").expect("write");
    let got = env
        .server
        .wait_for_requests(1, std::time::Duration::from_secs(30));
    assert_eq!(got.len(), 1);
    std::thread::sleep(std::time::Duration::from_millis(50));
    env.write(".quire/commands/greet.md", "Greet $1 coldly.\n");
    stdin.write_all(b"/greet Bob\n").expect("write");
    drop(stdin);
    let r = super::support::quire::finish(child);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = format!("{}{}", r.stdout, r.stderr);
    assert!(
        out.contains("/greet (")
            && out.contains("changed since the session started")
            && out.contains("restart quire to reload it"),
        "{out}"
    );
    assert_eq!(
        out.matches("changed since the session started").count(),
        1,
        "{out}"
    );
}
