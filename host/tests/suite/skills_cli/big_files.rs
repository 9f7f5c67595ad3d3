//! The `skill` tool's `read` of a big file: only the page asked for is
//! read (a multi-gigabyte asset costs nothing), and a file of NUL bytes is
//! binary, as `read_file` says, never sent to the model as text.

use serde_json::json;

use crate::support::model_server::Reply;
use crate::support::quire::TestEnv;

/// Calls `skill read` of `path` in skill `big` (at `offset`) and returns
/// the body of the request that carries its result.
fn read_through_the_binary(env: &TestEnv, path: &str, offset: Option<u64>) -> String {
    let mut args = json!({"action": "read", "name": "big", "path": path});
    if let Some(o) = offset {
        args["offset"] = json!(o);
    }
    env.server.push(Reply::tool_call("c1", "skill", args));
    env.server.push(Reply::text("done"));
    let run = env.exec_json("frobnicate the zorbles", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let reqs = env.server.requests();
    reqs.last().unwrap().raw_body.clone()
}

fn big_skill(env: &TestEnv) -> std::path::PathBuf {
    let dir = env.home.path().join("skills/big");
    std::fs::create_dir_all(dir.join("references")).unwrap();
    std::fs::write(
        dir.join("SKILL.md"),
        "---\nname: big\ndescription: Frobnicates zorbles. Use when the user asks to frobnicate zorbles.\n---\n# Big\nRead references/huge.md\n",
    )
    .unwrap();
    dir
}

#[test]
fn a_huge_file_of_nul_bytes_is_binary_and_not_read() {
    let env = TestEnv::new("responses");
    let dir = big_skill(&env);
    // Sparse: 64 MiB of NUL bytes (which are UTF-8) on disk for nothing.
    let file = std::fs::File::create(dir.join("references/huge.md")).unwrap();
    file.set_len(64 << 20).unwrap();
    let body = read_through_the_binary(&env, "references/huge.md", None);
    assert!(
        body.contains("'references/huge.md' is a binary file (67108864 bytes)"),
        "{body}"
    );
    assert!(!body.contains("\\u0000"), "NUL bytes sent as text");
}

#[test]
fn a_page_far_into_a_big_text_file_is_read_from_its_offset() {
    let env = TestEnv::new("responses");
    let dir = big_skill(&env);
    let text: String = (0..200_000).map(|n| format!("line {n:07}\n")).collect();
    std::fs::write(dir.join("references/huge.md"), &text).unwrap();
    // Line 100000 starts at byte 100000 * 13.
    let body = read_through_the_binary(&env, "references/huge.md", Some(1_300_000));
    assert!(
        body.contains("[… continued from offset 1300000]\\nline 0100000\\nline 0100001\\n"),
        "{}",
        &body[..body.len().min(3000)]
    );
    assert!(
        body.contains(&format!(" of {}: continue with", text.len())),
        "cut note missing"
    );
    assert!(!body.contains("line 0099999"));
}
