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
            "{}:{line}: [hooks.PreToolUse] makes `hooks.PreToolUse` one table, but it holds a list of hooks: write [[hooks.PreToolUse]]",
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

/// Each bracket mistake is told with the key that has the wrong shape:
/// the hook event (never `[[hooks]]`), `[profiles.x]` for `[profile.x]`,
/// one pair of brackets for `[[providers.x]]`.
#[test]
fn a_bracket_mistake_names_the_right_key_and_form() {
    for (text, at, want) in [
        (
            "[hooks]\nPreToolUse = { matcher = \"shell\", command = \"echo\" }\n",
            1,
            "`PreToolUse = …` makes `hooks.PreToolUse` one table, but it holds a list of hooks: write [[hooks.PreToolUse]] (two pairs of brackets) above each hook's keys, or `PreToolUse = [{ matcher = …, command = … }]` under [hooks]",
        ),
        (
            "[hooks.PreToolUse.x]\ncommand = \"echo\"\n",
            0,
            "[hooks.PreToolUse.x] makes `hooks.PreToolUse` one table, but it holds a list of hooks: write [[hooks.PreToolUse]]",
        ),
        (
            "[profile.x]\nmodel = \"a\"\n",
            0,
            "[profile.x] makes `profile` a table, but `profile` takes a single value (the name of the profile to use); did you mean [profiles.x]?",
        ),
        (
            "[[providers.other]]\nbase_url = \"http://127.0.0.1:9/v1\"\n",
            0,
            "[[providers.other]] makes `providers.other` a list of tables, but it is one table: write [providers.other] (one pair of brackets)",
        ),
    ] {
        let env = TestEnv::new("chat");
        let (path, line) = append(&env, text);
        for args in [&["exec", "hi"][..], &["doctor"]] {
            let run = env.run(args);
            let out = format!("{}{}", run.stdout, run.stderr);
            assert_ne!(run.code, 0, "{text}: {out}");
            let said = format!("{}:{}: {want}", path.display(), line + at);
            assert!(out.contains(&said), "{text}: {out}");
            assert!(!out.contains("[[hooks]]"), "{text}: {out}");
        }
        assert!(env.server.requests().is_empty());
    }
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
