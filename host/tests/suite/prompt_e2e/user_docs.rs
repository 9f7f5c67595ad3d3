//! The user's own instructions: `$QUIRE_HOME/AGENTS.md`, else what they
//! wrote for Codex (`$CODEX_HOME/AGENTS.override.md`, `AGENTS.md`), else
//! for Claude Code (`$CLAUDE_CONFIG_DIR/CLAUDE.md`).
use super::support::model_server::Reply;
use super::support::quire::TestEnv;

/// The system prompt of the last model request.
fn last_request(env: &TestEnv) -> String {
    env.server.requests().last().unwrap().raw_body.clone()
}

#[test]
fn instructions_written_for_codex_or_claude_code_apply_when_quire_has_none() {
    let env = TestEnv::new("chat");
    let codex = env.home.path().join("codex");
    let claude = env.home.path().join("claude");
    std::fs::create_dir_all(&codex).unwrap();
    std::fs::create_dir_all(&claude).unwrap();
    std::fs::write(claude.join("CLAUDE.md"), "claude user rule").unwrap();

    env.server.push(Reply::text("ok"));
    assert_eq!(env.exec_json("hi", &[]).code, 0);
    assert!(last_request(&env).contains("claude user rule"));

    std::fs::write(codex.join("AGENTS.md"), "codex user rule").unwrap();
    std::fs::write(codex.join("AGENTS.override.md"), "codex override rule").unwrap();
    env.server.push(Reply::text("ok"));
    assert_eq!(env.exec_json("hi", &[]).code, 0);
    let body = last_request(&env);
    assert!(body.contains("codex override rule"), "{body}");
    assert!(!body.contains("codex user rule") && !body.contains("claude user rule"));

    std::fs::write(env.home.path().join("AGENTS.md"), "quire user rule").unwrap();
    env.server.push(Reply::text("ok"));
    assert_eq!(env.exec_json("hi", &[]).code, 0);
    let body = last_request(&env);
    assert!(body.contains("quire user rule"), "{body}");
    assert!(!body.contains("codex override rule"));
}
