//! A CLAUDE.md `@path` import honours the `Read` deny rules of every
//! settings file (the user's, a repository's trusted or not): the file is
//! named in a warning, never sent to the provider (tester T21's r7).

use serde_json::json;

use super::{model_saw, untrusted, user_settings, warned};
use crate::support::model_server::Reply;
use crate::support::quire::{Run, TestEnv};

fn session(env: &TestEnv) -> Run {
    env.server.push(Reply::text("ok"));
    let run = env.exec_json("go", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run
}

fn said_denied(run: &Run) -> bool {
    let text = "imports @.env, which a `Read` deny rule of the Claude Code settings refuses";
    warned(run, text) || run.stderr.contains(text)
}

#[test]
fn an_import_a_read_deny_rule_refuses_is_named_not_sent() {
    let env = TestEnv::new("responses");
    env.write(".env", "SECRET_TOKEN=hunter2\n");
    env.write("docs.md", "IMPORTED_NOTE\n");
    env.write("CLAUDE.md", "Project notes. @.env @docs.md\n");
    env.write(
        ".claude/settings.json",
        &json!({"permissions": {"deny": ["Read(./.env)"]}}).to_string(),
    );
    let run = session(&env);
    assert!(said_denied(&run), "{:?}\n{}", run.events, run.stderr);
    assert!(model_saw(&env, "IMPORTED_NOTE"));
    assert!(!model_saw(&env, "hunter2"));

    // The user's own rule holds in a repository not trusted, whose file
    // has none.
    std::fs::remove_file(env.repo_path().join(".claude/settings.json")).unwrap();
    user_settings(&env, json!({"permissions": {"deny": ["Read(**/.env)"]}}));
    untrusted(&env);
    let run = session(&env);
    assert!(said_denied(&run), "{:?}\n{}", run.events, run.stderr);
    assert!(!model_saw(&env, "hunter2"));
}
