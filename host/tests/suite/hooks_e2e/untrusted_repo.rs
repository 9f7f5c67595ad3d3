//! `quire hooks trust` in a repository not trusted yet: its hooks never
//! approved are waiting, with or without an id.

use super::{bash_guard, untrusted_env};

#[test]
fn hooks_trust_without_an_id_approves_an_untrusted_repositorys_hooks() {
    let env = untrusted_env("chat");
    env.write(".claude/settings.json", &bash_guard("echo hi"));
    let list = env.run(&["hooks", "list"]);
    assert!(
        list.stdout.contains("the repository is not trusted"),
        "{}",
        list.stdout
    );
    let first = env.run(&["hooks", "trust"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        first.stdout.contains("approved ")
            && first.stdout.contains("`echo hi`")
            && first
                .stdout
                .contains("(it runs once the repository is trusted: `quire trust`)"),
        "{}",
        first.stdout
    );
    // Approved now: nothing waits any more.
    let again = env.run(&["hooks", "trust"]);
    assert!(
        again
            .stdout
            .contains("no repository or plugin hook is waiting for approval"),
        "{}",
        again.stdout
    );
    let trust = env.run(&["trust"]);
    assert_eq!(trust.code, 0, "{}", trust.stderr);
    let list = env.run(&["hooks", "list"]);
    assert!(list.stdout.contains("[runs (approved)]"), "{}", list.stdout);
}
