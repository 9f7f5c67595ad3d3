//! A plugin whose manifest is (partly) its marketplace entry
//! (`"strict": false`): `share update` reads the entry again from its
//! marketplace, and a `manifest` changed only in quire.lock is reported by
//! `verify` and `sync` and never installed by `update`.

use std::path::{Path, PathBuf};

use super::run;
use super::support::quire::TestEnv;

const CATALOG: &str = r#"{"name": "m8", "owner": {"name": "x"}, "plugins": [
  {"name": "loose", "source": "./plugins/loose", "strict": false, "commands": ["./cmds/l.md"],
   "hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "HOOKCMD"}]}]}}]}"#;

/// A folder marketplace `m8` with the strict-false plugin `loose` whose
/// hook runs `hook`, added and the plugin installed; the marketplace.
fn installed(env: &TestEnv, hook: &str) -> PathBuf {
    let root = env.home.path().join("loose-market");
    let cmd = root.join("plugins/loose/cmds/l.md");
    std::fs::create_dir_all(cmd.parent().expect("parent")).expect("mkdir");
    std::fs::write(&cmd, "---\ndescription: loose one\n---\nLoose\n").expect("write");
    write_catalog(&root, hook);
    let src = root.canonicalize().expect("market").display().to_string();
    let r = run(env, &["plugins", "marketplace", "add", &src]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(env, &["plugins", "install", "loose"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    root
}

fn write_catalog(root: &Path, hook: &str) {
    let file = root.join(".claude-plugin/marketplace.json");
    std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
    std::fs::write(file, CATALOG.replace("HOOKCMD", hook)).expect("catalog");
}

fn plugin_json(env: &TestEnv) -> String {
    std::fs::read_to_string(
        env.repo_path()
            .join(".agents/plugins/loose/.claude-plugin/plugin.json"),
    )
    .expect("plugin.json")
}

/// Replaces `from` by `to` in quire.lock, as a hand edit would.
fn edit_lock(env: &TestEnv, from: &str, to: &str) {
    let lock = env.repo_path().join("quire.lock");
    let text = std::fs::read_to_string(&lock).expect("lock");
    assert!(text.contains(from), "{text}");
    std::fs::write(&lock, text.replace(from, to)).expect("lock");
}

#[test]
fn an_entry_changed_in_its_marketplace_is_an_update_and_syncs_on_a_fresh_checkout() {
    let env = TestEnv::new("responses");
    let root = installed(&env, "exit 2");
    write_catalog(&root, "echo CHANGED; exit 2");

    let r = run(&env, &["share", "update", "--yes"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("update for plugin bundle loose"),
        "{}",
        r.stdout
    );
    assert!(plugin_json(&env).contains("echo CHANGED"));
    let lock = std::fs::read_to_string(env.repo_path().join("quire.lock")).expect("lock");
    assert!(lock.contains("echo CHANGED"), "{lock}");

    // A teammate's fresh checkout: the plugin installed from the lock.
    std::fs::remove_dir_all(env.repo_path().join(".agents/plugins/loose")).expect("rm");
    let r = run(&env, &["share", "sync"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(plugin_json(&env).contains("echo CHANGED"));
    let r = run(&env, &["share", "update"]);
    assert!(
        r.stdout.contains("up to date plugin bundle loose"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_manifest_changed_only_in_the_lock_is_reported_and_never_installed() {
    let env = TestEnv::new("responses");
    let root = installed(&env, "exit 2");
    edit_lock(&env, "exit 2", "touch PWNED");

    for args in [&["share", "verify"][..], &["share", "sync"]] {
        let r = run(&env, args);
        assert_ne!(r.code, 0, "{args:?}: {}{}", r.stdout, r.stderr);
        let all = format!("{}{}", r.stdout, r.stderr);
        assert!(all.contains("loose"), "{all}");
        assert!(
            all.contains("the marketplace entry recorded in quire.lock differs from the installed .claude-plugin/plugin.json in hooks"),
            "{args:?}: {all}"
        );
        if args == ["share", "verify"] {
            // Not sync, which refuses it: what does install it again.
            assert!(
                all.contains("`quire share update loose` reads its marketplace entry again, or `quire plugins install loose@m8`")
                    && !all.contains("installs what is missing"),
                "{all}"
            );
        }
    }

    // The marketplace is readable: its entry, not the lock's, is used.
    let r = run(&env, &["share", "update", "--yes"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(!plugin_json(&env).contains("PWNED"));
    let r = run(&env, &["share", "verify"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);

    // Neither the plugin's folder nor an added marketplace has the
    // catalog: the lock's entry is kept, and refused once it is edited.
    let r = run(&env, &["plugins", "marketplace", "remove", "m8"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    std::fs::remove_file(root.join(".claude-plugin/marketplace.json")).expect("rm");
    let r = run(&env, &["share", "update", "--yes"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("its marketplace 'm8' cannot be read")
            && r.stderr.contains("kept as locked"),
        "{}",
        r.stderr
    );
    edit_lock(&env, "exit 2", "touch PWNED");
    let r = run(&env, &["share", "update", "--yes"]);
    assert_ne!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("failed plugin bundle loose") && r.stderr.contains("not applied"),
        "{}",
        r.stderr
    );
    assert!(!plugin_json(&env).contains("PWNED"));
}

#[test]
fn a_fresh_checkout_of_a_lock_whose_entry_was_edited_blames_the_lock() {
    let env = TestEnv::new("responses");
    installed(&env, "exit 2");
    edit_lock(&env, "exit 2", "touch PWNED");
    // A teammate's fresh checkout: nothing installed yet.
    std::fs::remove_dir_all(env.repo_path().join(".agents/plugins/loose")).expect("rm");

    let r = run(&env, &["share", "sync"]);
    assert_ne!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(
        all.contains("the marketplace entry recorded in quire.lock does not make the locked .claude-plugin/plugin.json (quire.lock edited by hand?)")
            && all.contains("`quire share update loose` reads its marketplace entry again"),
        "{all}"
    );
    assert!(!all.contains("no longer matches"), "{all}");
    assert!(!env.repo_path().join(".agents/plugins/loose").exists());
}
