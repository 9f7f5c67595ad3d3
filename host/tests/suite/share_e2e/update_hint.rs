//! `share update` without a terminal names the command that installs the
//! update, with the flags it needs (`--allow-local-sources` for a
//! repository's lock naming a git repository on this machine).

use super::*;

#[test]
fn the_update_hint_carries_the_flags_it_needs() {
    let up = Upstream::new();
    let env = TestEnv::new("responses");
    assert_eq!(up.add_pdf_forms(&env, "v1", &[]).code, 0);
    git(&up.path, &["tag", "-f", "v1", "HEAD"]);
    let run = env.run(&["share", "update"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("--allow-local-sources"),
        "{}",
        run.stderr
    );
    let run = env.run(&["share", "--allow-local-sources", "update"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let hint = "run `quire share --allow-local-sources update pdf-forms --yes` to install them";
    assert!(run.stderr.contains(hint), "{}", run.stderr);
    // The hint works as given.
    let run = env.run(&[
        "share",
        "--allow-local-sources",
        "update",
        "pdf-forms",
        "--yes",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("updated skill pdf-forms"),
        "{}",
        run.stdout
    );
}
