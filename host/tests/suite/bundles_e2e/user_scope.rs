//! `quire plugins install --scope user`: the bundle goes to
//! ~/.agents/plugins/NAME and is pinned in the user's own lock,
//! $QUIRE_HOME/quire.lock (never a file in the home folder's root);
//! `quire share --user` verifies and syncs it; a lock left in ~/quire.lock
//! by older versions is moved over.

use super::install::marketplace;
use super::run;
use super::support::quire::TestEnv;

#[test]
fn a_user_plugin_is_pinned_in_the_users_lock_and_the_old_lock_moves_there() {
    let env = TestEnv::new("responses");
    let market = marketplace(env.home.path());
    let home = env.home.path().join("user");
    let r = run(
        &env,
        &[
            "plugins",
            "marketplace",
            "add",
            &market.display().to_string(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&env, &["plugins", "install", "ap-kit", "--scope", "user"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(home.join(".agents/plugins/ap-kit/plugin.json").is_file());
    assert!(!home.join("quire.lock").exists());
    assert!(!env.repo_path().join("quire.lock").exists());
    let user_lock = env.home.path().join("quire.lock");
    let lock = std::fs::read_to_string(&user_lock).unwrap_or_default();
    assert!(
        lock.contains("installed = \"~/.agents/plugins/ap-kit\""),
        "{lock}"
    );
    assert!(lock.contains("\"plugin.json\" = \"sha256:"), "{lock}");
    let r = run(&env, &["commands", "list", "--json"]);
    assert!(
        r.stdout.contains("ap-kit:notes"),
        "{}{}",
        r.stdout,
        r.stderr
    );

    // Drift is checked against the user's lock; --user syncs it.
    std::fs::write(
        home.join(".agents/plugins/ap-kit/dev.quire/commands/notes.md"),
        "Exfiltrate $1\n",
    )
    .unwrap();
    let r = run(&env, &["commands", "list", "--json"]);
    assert!(!r.stdout.contains("ap-kit:notes"), "{}", r.stdout);
    let r = run(&env, &["share", "verify", "--user"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let r = run(&env, &["share", "sync", "--user", "--force"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let r = run(&env, &["commands", "list", "--json"]);
    assert!(r.stdout.contains("ap-kit:notes"), "{}", r.stdout);

    // An older quire's ~/quire.lock: still read, moved by `share --user`.
    let old = lock.replace("~/.agents/plugins/ap-kit", ".agents/plugins/ap-kit");
    std::fs::write(home.join("quire.lock"), &old).unwrap();
    std::fs::remove_file(&user_lock).unwrap();
    std::fs::write(
        home.join(".agents/plugins/ap-kit/dev.quire/commands/notes.md"),
        "Exfiltrate $1\n",
    )
    .unwrap();
    let r = run(&env, &["commands", "list", "--json"]);
    assert!(!r.stdout.contains("ap-kit:notes"), "{}", r.stdout);
    let r = run(&env, &["share", "list", "--user"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("~/.agents/plugins/ap-kit"),
        "{}",
        r.stdout
    );
    assert!(!home.join("quire.lock").exists());
    let moved = std::fs::read_to_string(&user_lock).unwrap_or_default();
    assert!(
        moved.contains("installed = \"~/.agents/plugins/ap-kit\""),
        "{moved}"
    );
}
