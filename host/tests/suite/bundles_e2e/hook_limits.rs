//! A plugin's hooks file over the limits (1 MiB, 1000 handlers) is named
//! by `plugins validate` (the file, its size or count, the limit) and
//! skipped with a warning by everything else; the user's own hooks keep
//! running.

use serde_json::json;

use super::support::model_server::Reply;
use super::support::quire::{Run, TestEnv};
use super::{claude_kit_with_hooks, isolate, run};

fn all(r: &Run) -> String {
    format!("{}{}", r.stdout, r.stderr)
}

fn handlers(n: usize) -> serde_json::Value {
    let groups: Vec<_> = (0..n)
        .map(|i| json!({"matcher": "Bash", "hooks": [{"type": "command", "command": format!("echo {i}; exit 2")}]}))
        .collect();
    json!({"hooks": {"PreToolUse": groups}})
}

#[test]
fn a_hooks_file_over_the_handler_limit_is_named_and_skipped_and_other_hooks_run() {
    let env = TestEnv::with_config(
        "responses",
        "[[hooks.PreToolUse]]\nmatcher = \"shell\"\ncommand = \"echo user-guard-ran >&2; exit 2\"\n",
    );
    let kit = claude_kit_with_hooks(&env, &handlers(1001));
    let file = kit.join("hooks/hooks.json").display().to_string();
    let said = |text: &str| {
        text.lines().any(|l| {
            l.contains(&file)
                && l.contains("1001 hook handlers")
                && l.contains("over the limit of 1000")
        })
    };

    let r = run(&env, &["plugins", "validate", &kit.display().to_string()]);
    assert_eq!(r.code, 1, "{}", all(&r));
    assert!(said(&r.stderr), "{}", all(&r));

    let r = run(&env, &["hooks", "list"]);
    assert!(said(&r.stderr), "{}", all(&r));
    assert!(!r.stdout.contains("echo 1000"), "{}", r.stdout);

    env.server.push_all([
        Reply::tool_call("c1", "shell", json!({"command": "echo hi"})),
        Reply::text("done"),
    ]);
    let mut cmd = env.command(&["exec", "--json", "run it"]);
    isolate(&env, &mut cmd);
    let r = super::support::quire::finish(cmd.spawn().expect("spawn quire"));
    assert_eq!(r.code, 0, "{}", all(&r));
    let warned: Vec<String> = r
        .of_type("warning")
        .iter()
        .map(|w| w["message"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(said(&warned.join("\n")), "{warned:?}");
    let done = r.of_type("tool_completed");
    let out = done[0]["output"].as_str().unwrap_or_default();
    assert!(out.contains("user-guard-ran"), "{out}");
}

#[test]
fn a_hooks_file_over_one_mib_is_named_with_its_size_and_the_limit() {
    let env = TestEnv::new("responses");
    let kit = claude_kit_with_hooks(&env, &json!({}));
    // Few handlers, but padded past 1 MiB.
    let text = format!("{{\"hooks\": {{}}{}}}", " ".repeat(1024 * 1024));
    std::fs::write(kit.join("hooks/hooks.json"), &text).unwrap();
    let size = format!("{} bytes", text.len());
    let file = kit.join("hooks/hooks.json").display().to_string();
    let r = run(&env, &["plugins", "validate", &kit.display().to_string()]);
    assert_eq!(r.code, 1, "{}", all(&r));
    assert!(
        r.stderr.lines().any(|l| l.contains(&file)
            && l.contains(&size)
            && l.contains("over the limit of 1048576 bytes (1 MiB)")),
        "{}",
        all(&r)
    );
    let r = run(&env, &["hooks", "list"]);
    assert!(
        r.stderr
            .lines()
            .any(|l| l.contains(&file) && l.contains("over the limit of 1048576 bytes")),
        "{}",
        all(&r)
    );
}
