//! apply_patch's search for a hunk's lines on a file made to be slow to
//! search: many identical lines, and hunks whose context matches almost
//! everywhere. The answers are those of trying every position; how long
//! it takes is in BENCHMARKS.md ("apply_patch on large files").

use serde_json::{Value, json};

use crate::support::model_server::Reply;
use crate::support::quire::TestEnv;

use super::patch_paths::outputs;

/// A patch of one hunk on f.txt: `context` lines of `x`, then `y`
/// replaced by `z`.
fn patch(context: usize) -> Value {
    let hunk = " x\n".repeat(context);
    json!({"patch": format!("*** Begin Patch\n*** Update File: f.txt\n@@\n{hunk}-y\n+z\n*** End Patch")})
}

#[test]
fn a_hunk_whose_context_matches_everywhere_but_its_last_line_is_refused_with_where_it_stopped() {
    let env = TestEnv::new("responses");
    let file = "x\n".repeat(50_000);
    env.write("f.txt", &file);
    env.server.push_all([
        Reply::tool_call("p", "apply_patch", patch(200)),
        Reply::text("done"),
    ]);
    let run = env.exec_json("patch", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let outs = outputs(&run);
    assert_eq!(outs.len(), 1, "{:?}", run.types());
    let (is_error, out) = &outs[0];
    assert!(is_error, "{out}");
    assert!(
        out.contains("This line of the hunk was not found:\n    y\nThe hunk's first 200 old line(s) match at line 1, but then line 201 of the file is:\n    x"),
        "{}",
        &out[..out.len().min(600)]
    );
    assert_eq!(env.read("f.txt"), file, "the file is left as it was");
}

/// The hunk's `x` lines are in the file only with trailing spaces: the
/// exact pass finds nothing, the next one finds the end of the file.
#[test]
fn a_hunk_found_only_by_the_whitespace_pass_after_many_near_matches_applies() {
    let env = TestEnv::new("responses");
    env.write("f.txt", &format!("{}y\n", "x  \n".repeat(50_000)));
    env.server.push_all([
        Reply::tool_call("p", "apply_patch", patch(200)),
        Reply::text("done"),
    ]);
    let run = env.exec_json("patch", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let outs = outputs(&run);
    assert_eq!(outs.len(), 1, "{:?}", run.types());
    assert!(!outs[0].0, "{}", outs[0].1);
    // The context keeps the file's own text; only `y` changed.
    assert_eq!(env.read("f.txt"), format!("{}z\n", "x  \n".repeat(50_000)));
}
