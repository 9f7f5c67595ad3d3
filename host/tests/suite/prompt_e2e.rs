//! What the model receives: AGENTS.md, the environment, and the exact first
//! request per wire API (insta snapshots — review prompt changes as diffs).
use crate::support;

mod cache;
mod folder_docs;
mod folder_docs_rules;
mod hook_context;
mod session_day;
mod settings_note;
mod user_docs;

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
    assert!(instructions.contains("sandbox: workspace-write (network off, Unix sockets off)"));
    assert!(instructions.contains(&format!(
        "cwd: {}",
        std::fs::canonicalize(&sub).unwrap().display()
    )));
}

/// An AGENTS.md that links out of the repository (to a key, say) is not
/// sent; a warning says which file was skipped.
/// Instruction files not saved as UTF-8 are read, not dropped in silence:
/// Latin-1 with U+FFFD for its odd bytes, UTF-16 (Notepad's "Unicode")
/// decoded, each said once; a binary file is left out, said too.
#[test]
fn agents_md_files_not_in_utf8_are_read_and_said() {
    let env = TestEnv::new("responses");
    let root = env.repo.path();
    std::fs::write(root.join("AGENTS.md"), b"ROOT-RULE: Caf\xe9 style.\n").unwrap();
    let mut utf16 = vec![0xff, 0xfe];
    utf16.extend(
        "SUB-RULE: tabs.\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    std::fs::create_dir_all(root.join("sub/deeper")).unwrap();
    std::fs::write(root.join("sub/AGENTS.md"), utf16).unwrap();
    std::fs::write(
        root.join("sub/deeper/AGENTS.md"),
        b"\x7fELF\x02\x01\x00\x00",
    )
    .unwrap();
    env.server.push(Reply::text("ok"));
    let deeper = root.join("sub/deeper");
    let run = env.run(&["exec", "-C", deeper.to_str().unwrap(), "hi"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let instructions = env.server.requests()[0].body["instructions"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        instructions.contains("ROOT-RULE: Caf\u{fffd} style."),
        "{instructions}"
    );
    assert!(instructions.contains("SUB-RULE: tabs."), "{instructions}");
    assert!(!instructions.contains("ELF"), "{instructions}");
    for said in [
        "AGENTS.md is not UTF-8",
        "sub/AGENTS.md is saved as UTF-16",
        "deeper/AGENTS.md is not a text file (it holds NUL bytes); it was not read",
    ] {
        assert_eq!(
            run.stderr.matches(said).count(),
            1,
            "{said}: {}",
            run.stderr
        );
    }
}

#[test]
fn an_agents_md_linking_out_of_the_repository_is_not_sent() {
    let env = TestEnv::new("responses");
    let secret = tempfile::tempdir().unwrap();
    let key = secret.path().join("id_rsa");
    std::fs::write(&key, "-----BEGIN PRIVATE KEY----- SECRET-BYTES").unwrap();
    std::os::unix::fs::symlink(&key, env.repo.path().join("AGENTS.md")).unwrap();
    env.server.push(Reply::text("ok"));
    let run = env.exec_json("hi", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let body = &env.server.requests()[0].raw_body;
    assert!(!body.contains("SECRET-BYTES"), "the key was sent");
    let warned = run.of_type("warning").iter().any(|w| {
        w["message"]
            .as_str()
            .unwrap_or("")
            .contains("outside the repository")
    });
    assert!(warned, "{:?}", run.events);
}

fn redact(env: &TestEnv, raw: &str) -> serde_json::Value {
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    let mut s = raw.replace(&env.repo_path().display().to_string(), "[REPO]");
    s = s.replace(&env.repo.path().display().to_string(), "[REPO]");
    s = s.replace(&env.home.path().display().to_string(), "[QUIRE_HOME]");
    s = s.replace(&today, "[DATE]");
    serde_json::from_str(&redact_bundled_hash(&s)).unwrap()
}

/// `bundled-skills/<16 hex digits>/` names the version of the bundled
/// skills, which changes with any edit to them: not what these tests pin.
fn redact_bundled_hash(s: &str) -> String {
    const DIR: &str = "bundled-skills/";
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find(DIR) {
        let (head, tail) = rest.split_at(at + DIR.len());
        out.push_str(head);
        let hex = tail.bytes().take_while(u8::is_ascii_hexdigit).count();
        if hex == 16 {
            out.push_str("[HASH]");
            rest = &tail[hex..];
        } else {
            rest = tail;
        }
    }
    out.push_str(rest);
    out
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
        let id = run.of_type("session_started")[0]["session_id"]
            .as_str()
            .unwrap()
            .to_string();
        let body = redact(&env, &req.raw_body.replace(&id, "[SESSION]"));
        insta::assert_json_snapshot!(format!("first_request_{wire}"), body);
        insta::assert_snapshot!(
            format!("first_request_{wire}_path"),
            format!("{} {}", req.method, req.path)
        );
    }
}

/// The real binary attaches skills: a project skill is listed in the
/// catalog, and `$name` puts its body into the request.
#[test]
fn project_skills_reach_the_request_and_mentions_activate() {
    let env = TestEnv::new("anthropic");
    env.write(
        ".agents/skills/release-notes/SKILL.md",
        "---\nname: release-notes\ndescription: Writes release notes from the git log. Use when asked for a changelog or release notes.\n---\n# Release notes\n\nRELEASE-NOTES-BODY: group commits by type.\n",
    );
    env.server
        .push_all([Reply::text("listed"), Reply::text("activated")]);
    let run = env.exec_json("what can you do about a changelog", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.of_type("skill_activated").is_empty());
    let run = env.exec_json("use $release-notes for v2", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let activated = run.of_type("skill_activated");
    assert_eq!(activated.len(), 1, "{}", run.stdout);
    assert_eq!(activated[0]["name"], "release-notes");
    assert_eq!(activated[0]["by"], "message");
    let reqs = env.server.requests();
    assert!(
        reqs[0]
            .raw_body
            .contains("release-notes: Writes release notes")
    );
    assert!(!reqs[0].raw_body.contains("RELEASE-NOTES-BODY"));
    assert!(reqs[1].raw_body.contains("RELEASE-NOTES-BODY"));
}

/// A skill the model activates with the `skill` tool is said to be
/// active as one the message activated is (`by` tells them apart), once.
#[test]
fn a_skill_the_model_activates_is_reported_active() {
    let env = TestEnv::new("anthropic");
    env.write(
        ".agents/skills/release-notes/SKILL.md",
        "---\nname: release-notes\ndescription: Writes release notes from the git log.\n---\nRELEASE-NOTES-BODY\n",
    );
    let activate = || {
        support::model_server::Step::tool_call(
            "a",
            "skill",
            serde_json::json!({"action": "activate", "name": "release-notes"}),
        )
    };
    env.server.push_all([
        Reply::tool_calls(vec![activate()]),
        Reply::tool_calls(vec![activate()]),
        Reply::text("written"),
    ]);
    let run = env.exec_json("write the notes", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let activated = run.of_type("skill_activated");
    assert_eq!(activated.len(), 1, "{}", run.stdout);
    assert_eq!(activated[0]["name"], "release-notes");
    assert_eq!(activated[0]["by"], "model");
}
