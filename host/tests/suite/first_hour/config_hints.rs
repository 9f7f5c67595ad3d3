//! More config mistakes, each told what to write: an unknown table
//! written `[name.sub]` warned at its line, a boolean in quotes, a hook
//! event written with one pair of brackets, and `quire doctor` with no
//! model set.

use crate::support::model_server::Reply;
use crate::support::quire::TestEnv;

fn append(env: &TestEnv, text: &str) -> (std::path::PathBuf, usize) {
    let path = env.home.path().join("config.toml");
    let old = std::fs::read_to_string(&path).unwrap();
    let line = old.lines().count() + 1;
    std::fs::write(&path, format!("{old}{text}")).unwrap();
    (path, line)
}

#[test]
fn an_unknown_table_with_a_sub_name_is_warned_at_its_line() {
    let env = TestEnv::new("chat");
    let (path, line) = append(&env, "[mcp_server.fs]\ncommand = \"npx\"\n");
    let said = format!(
        "{}:{line}: unknown config key 'mcp_server' is ignored; did you mean 'mcp_servers'?",
        path.display()
    );
    let run = env.run(&["doctor"]);
    assert!(run.stdout.contains(&said), "{}", run.stdout);
    // A dotted key under the unknown name too.
    let env = TestEnv::with_config("chat", "mcp_server.fs.command = \"npx\"");
    env.server.push(Reply::text("done"));
    let run = env.run(&["exec", "hi"]);
    assert!(
        run.stderr
            .contains("config.toml:3: unknown config key 'mcp_server' is ignored"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_boolean_in_quotes_is_told_to_lose_the_quotes() {
    let env = TestEnv::with_config("chat", "hide_reasoning = \"true\"");
    let run = env.run(&["exec", "hi"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "config.toml:3: hide_reasoning must be true or false, got \"true\" (text in quotes, not a boolean): write hide_reasoning = true without the quotes"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_hook_event_with_one_pair_of_brackets_is_told_to_write_two() {
    let env = TestEnv::new("chat");
    let (path, line) = append(
        &env,
        "[hooks.PreToolUse]\nmatcher = \"shell\"\ncommand = \"echo\"\n",
    );
    let run = env.run(&["exec", "hi"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "{}:{line}: [hooks.PreToolUse] makes `hooks.PreToolUse` one table, but it holds a list: write [[hooks.PreToolUse]]",
            path.display()
        )),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("takes a single value"),
        "{}",
        run.stderr
    );
}

#[test]
fn doctor_with_no_model_says_none_is_set() {
    let env = TestEnv::new("chat");
    let path = env.home.path().join("config.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("model = \"test-model\"\n", "")).unwrap();
    let run = env.run(&["doctor"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("FAIL") && l.contains("model"))
        .unwrap_or_default();
    assert!(line.contains("no model is set"), "{}", run.stdout);
    assert!(!run.stdout.contains(" is not among"), "{}", run.stdout);
    assert!(run.stdout.contains("pass -m NAME"), "{}", run.stdout);
}
