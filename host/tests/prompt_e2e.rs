//! What the model receives: AGENTS.md, the environment, and the exact first
//! request per wire API (insta snapshots — review prompt changes as diffs).

mod support;

use support::model_server::Reply;
use support::quire::{TestEnv, WIRES};

#[test]
fn agents_md_from_root_to_cwd_reaches_the_request() {
    let env = TestEnv::new("responses");
    env.write("AGENTS.md", "ROOT-RULE: run cargo test before finishing.");
    env.write("crates/core/CLAUDE.md", "CORE-RULE: no unsafe code.");
    env.write("crates/core/src/lib.rs", "");
    std::fs::write(env.home.path().join("AGENTS.md"), "USER-RULE: be brief.").unwrap();
    env.server.push(Reply::text("ok"));
    let sub = env.repo.path().join("crates/core");
    let run = env.run(&["exec", "-C", sub.to_str().unwrap(), "hi"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let req = &env.server.requests()[0];
    let instructions = req.body["instructions"].as_str().unwrap();
    let pos = |s: &str| {
        instructions
            .find(s)
            .unwrap_or_else(|| panic!("{s} missing: {instructions}"))
    };
    assert!(pos("USER-RULE") < pos("ROOT-RULE"));
    assert!(pos("ROOT-RULE") < pos("CORE-RULE"));
    assert!(instructions.contains("<environment>"));
    assert!(instructions.contains("sandbox: workspace-write (network off)"));
    assert!(instructions.contains(&format!(
        "cwd: {}",
        std::fs::canonicalize(&sub).unwrap().display()
    )));
}

fn redact(env: &TestEnv, raw: &str) -> serde_json::Value {
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    let mut s = raw.replace(&env.repo_path().display().to_string(), "[REPO]");
    s = s.replace(&env.repo.path().display().to_string(), "[REPO]");
    s = s.replace(&today, "[DATE]");
    serde_json::from_str(&s).unwrap()
}

#[test]
fn first_request_per_wire_api() {
    for wire in WIRES {
        let env = TestEnv::new(wire);
        env.write("AGENTS.md", "Run `make test` before you finish.");
        env.server.push(Reply::text("ok"));
        let run = env.exec_json("add a README", &[]);
        assert_eq!(run.code, 0, "{wire}: {}", run.stderr);
        let req = &env.server.requests()[0];
        let body = redact(&env, &req.raw_body);
        insta::assert_json_snapshot!(format!("first_request_{wire}"), body);
        insta::assert_snapshot!(
            format!("first_request_{wire}_path"),
            format!("{} {}", req.method, req.path)
        );
    }
}
