//! `/new` reads the instruction files again: the AGENTS.md the model (or
//! `/init`) just wrote is in the new conversation's prompt, and `/status`
//! names it.

use serde_json::json;

use super::line_session::line_mode;
use crate::support::model_server::Reply;
use crate::support::quire::TestEnv;

#[test]
fn new_uses_the_agents_md_written_during_the_session() {
    let env = TestEnv::new("chat");
    env.server.push_all([
        Reply::tool_call(
            "p",
            "apply_patch",
            json!({"patch": "*** Begin Patch\n*** Add File: AGENTS.md\n+# Notes\n+Run tests with FRESH-RULE-MARKER.\n*** End Patch"}),
        ),
        Reply::text("Wrote AGENTS.md"),
        Reply::text("fresh"),
    ]);
    let r = line_mode(&env, "write notes\n/new\n/status\nhello\n");
    let err = &r.stderr;
    let reqs = env.server.requests();
    assert_eq!(reqs.len(), 3, "{err}");
    assert!(!reqs[0].raw_body.contains("FRESH-RULE-MARKER"));
    assert!(
        reqs[2].raw_body.contains("FRESH-RULE-MARKER"),
        "{}",
        reqs[2].raw_body
    );
    assert!(
        !err.contains("no AGENTS.md (nor CLAUDE.md) applies here"),
        "{err}"
    );
    let named = format!("agents   {}", env.repo_path().join("AGENTS.md").display());
    assert!(err.contains(&named), "{err}");
}
