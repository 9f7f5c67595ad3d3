//! apply_patch on paths that are not plain files: a path ending in `/`
//! (a folder), a dangling symbolic link, a file starting with a byte
//! order mark.

use serde_json::{Value, json};

use crate::support::model_server::Reply;
use crate::support::quire::{Run, TestEnv};

fn patch(body: &str) -> Value {
    json!({"patch": format!("*** Begin Patch\n{body}\n*** End Patch")})
}

/// The output of each tool call, in order, and whether it failed.
pub(super) fn outputs(run: &Run) -> Vec<(bool, String)> {
    run.of_type("tool_completed")
        .into_iter()
        .map(|e| {
            (
                e["is_error"] == true,
                e["output"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// `Move to: lib/`, `Delete File: data/` and `Add File: tests/` name
/// folders: refused, and nothing is renamed, deleted or made.
#[test]
fn a_path_ending_in_a_slash_is_refused_as_a_folder() {
    let env = TestEnv::new("chat");
    env.write("main.py", "code\n");
    env.write("data", "keep\n");
    env.server.push_all([
        Reply::tool_call(
            "m",
            "apply_patch",
            patch("*** Update File: main.py\n*** Move to: lib/\n@@\n-code\n+code2"),
        ),
        Reply::tool_call("d", "apply_patch", patch("*** Delete File: data/")),
        Reply::tool_call("a", "apply_patch", patch("*** Add File: tests/\n+x")),
        Reply::text("done"),
    ]);
    let run = env.exec_json("patch folders", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let outs = outputs(&run);
    assert_eq!(outs.len(), 3, "{:?}", run.types());
    for ((is_error, out), name) in outs.iter().zip(["lib/", "data/", "tests/"]) {
        assert!(is_error, "{out}");
        assert!(
            out.contains(&format!("{name} names a folder")),
            "{name}: {out}"
        );
    }
    assert_eq!(env.read("main.py"), "code\n");
    assert_eq!(env.read("data"), "keep\n");
    let repo = env.repo_path();
    assert!(!repo.join("lib").exists() && !repo.join("tests").exists());
}

/// Adding or moving onto a dangling link says it is a link apply_patch
/// will not replace (not that another program changed the file); deleting
/// the link first in the same patch then works.
#[test]
fn a_dangling_link_is_named_as_a_link() {
    let env = TestEnv::new("chat");
    let repo = env.repo_path();
    env.write("f.txt", "a\nb\n");
    std::os::unix::fs::symlink("nothere.txt", repo.join("dang")).expect("link");
    env.server.push_all([
        Reply::tool_call("a", "apply_patch", patch("*** Add File: dang\n+hello")),
        Reply::tool_call(
            "m",
            "apply_patch",
            patch("*** Update File: f.txt\n*** Move to: dang\n@@\n a\n-b\n+c"),
        ),
        Reply::tool_call(
            "u",
            "apply_patch",
            patch("*** Update File: dang\n@@\n-a\n+b"),
        ),
        Reply::tool_call(
            "r",
            "apply_patch",
            patch("*** Delete File: dang\n*** Add File: dang\n+hello"),
        ),
        Reply::text("done"),
    ]);
    let run = env.exec_json("patch the link", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let outs = outputs(&run);
    assert_eq!(outs.len(), 4, "{:?}", run.types());
    for (is_error, out) in &outs[..3] {
        assert!(is_error, "{out}");
        assert!(
            out.contains("dang is a symbolic link to nothere.txt, which does not exist"),
            "{out}"
        );
        assert!(!out.contains("another program"), "{out}");
    }
    assert!(!outs[3].0, "{}", outs[3].1);
    assert_eq!(env.read("f.txt"), "a\nb\n");
    let meta = std::fs::symlink_metadata(repo.join("dang")).expect("dang");
    assert!(meta.is_file(), "the link was replaced by the added file");
    assert!(!repo.join("nothere.txt").exists());
}

/// A file starting with a byte order mark: `-`/` ` lines written without
/// it match the first line, and the mark stays in the file.
#[test]
fn a_byte_order_mark_is_matched_around_and_kept() {
    let env = TestEnv::new("chat");
    env.write("bom.txt", "\u{feff}bom1\nbom2\n");
    env.server.push_all([
        Reply::tool_call(
            "p",
            "apply_patch",
            patch("*** Update File: bom.txt\n@@\n-bom1\n+BOM1\n bom2"),
        ),
        Reply::text("done"),
    ]);
    let run = env.exec_json("patch the first line", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let outs = outputs(&run);
    assert!(!outs[0].0, "{}", outs[0].1);
    assert_eq!(env.read("bom.txt"), "\u{feff}BOM1\nbom2\n");
}
