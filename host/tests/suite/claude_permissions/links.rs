//! A `Read` deny rule holds for a link to the file it names: `read_file`
//! and `grep` of `envlink` → `.env` are refused, a `grep` over the folder
//! leaves the link's lines out (tester T21's r5).

use serde_json::json;

use super::{call, model_saw, output};
use crate::support::model_server::Reply;
use crate::support::quire::TestEnv;

#[test]
fn a_read_deny_rule_holds_through_links_to_the_file() {
    let env = TestEnv::new("responses");
    env.write(".env", "SECRET_TOKEN=hunter2\n");
    env.write("subdir/keep.txt", "SECRET_NOTE=public\n");
    let repo = env.repo_path();
    std::os::unix::fs::symlink(".env", repo.join("envlink")).unwrap();
    std::os::unix::fs::symlink("../.env", repo.join("subdir/elink")).unwrap();
    env.write(
        ".claude/settings.json",
        &json!({"permissions": {"deny": ["Read(./.env)"]}}).to_string(),
    );
    env.server.push_all([
        Reply::tool_call("r1", "read_file", json!({"path": "envlink"})),
        Reply::tool_call("r2", "read_file", json!({"path": "subdir/elink"})),
        Reply::tool_call(
            "g1",
            "grep",
            json!({"pattern": "SECRET", "path": "envlink"}),
        ),
        Reply::tool_call("g2", "grep", json!({"pattern": "SECRET", "path": "subdir"})),
        Reply::text("done"),
    ]);
    let run = env.exec_json("go", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for id in ["r1", "r2", "g1"] {
        assert_eq!(
            call(&run, id)["status"],
            "denied",
            "{id}: {:?}",
            call(&run, id)
        );
        assert!(
            output(&run, id).contains("Read(./.env)"),
            "{}",
            output(&run, id)
        );
    }
    let out = output(&run, "g2");
    assert!(out.contains("SECRET_NOTE=public"), "{out}");
    assert!(!model_saw(&env, "hunter2"));
}
