//! Marketplace entries whose plugin.json give one name (`gitkit` and
//! `gitkit-v1` at another ref, both plugin `gitkit`) do not replace each
//! other unnoticed: installing the second is refused without --force,
//! says the name it is installed as, and `plugins remove ENTRY` names the
//! plugin to remove. A `ref` on an entry whose url is a folder names the
//! entry and its fields, not a `--ref` the user never typed.

use super::support::quire::TestEnv;
use super::{git, run};

#[test]
fn entries_sharing_a_plugin_name_do_not_replace_each_other_silently() {
    let env = TestEnv::new("responses");
    let gp = env.home.path().join("gp");
    std::fs::create_dir_all(gp.join(".claude-plugin")).expect("mkdir");
    std::fs::create_dir_all(gp.join("commands")).expect("mkdir");
    std::fs::write(
        gp.join(".claude-plugin/plugin.json"),
        r#"{"name": "gitkit"}"#,
    )
    .expect("manifest");
    std::fs::write(gp.join("commands/hi.md"), "Say hi\n").expect("command");
    git(&gp, &["init", "-q", "."]);
    git(&gp, &["add", "-A"]);
    git(&gp, &["commit", "-qm", "one"]);
    git(&gp, &["tag", "v1"]);
    let gp = gp.canonicalize().expect("gp").display().to_string();
    let market = env.home.path().join("mk2");
    std::fs::create_dir_all(market.join(".claude-plugin")).expect("mkdir");
    let catalog = serde_json::json!({"name": "mk2", "owner": {"name": "x"}, "plugins": [
        {"name": "gitkit", "source": {"source": "url", "url": format!("file://{gp}")}},
        {"name": "gitkit-v1", "source": {"source": "url", "url": format!("file://{gp}"), "ref": "v1"}},
        {"name": "gitkit-p", "source": {"source": "url", "url": gp, "ref": "v1"}}
    ]});
    std::fs::write(
        market.join(".claude-plugin/marketplace.json"),
        catalog.to_string(),
    )
    .expect("catalog");
    let src = market.canonicalize().expect("market").display().to_string();
    let r = run(&env, &["plugins", "marketplace", "add", &src]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&env, &["plugins", "install", "gitkit"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);

    let lock = env.repo_path().join("quire.lock");
    let before = std::fs::read_to_string(&lock).expect("lock");
    let r = run(&env, &["plugins", "install", "gitkit-v1"]);
    assert_ne!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("entry gitkit-v1 is the plugin gitkit")
            && r.stderr.contains("already installed")
            && r.stderr.contains("--force"),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read_to_string(&lock).expect("lock"), before);

    let r = run(&env, &["plugins", "install", "gitkit-v1", "--force"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("replaced plugin bundle gitkit"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("marketplace entry gitkit-v1 is installed as plugin gitkit"),
        "{}",
        r.stdout
    );
    let r = run(&env, &["plugins", "remove", "gitkit-v1"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("installed as plugin gitkit")
            && r.stderr.contains("`quire plugins remove gitkit`"),
        "{}",
        r.stderr
    );

    let r = run(&env, &["plugins", "install", "gitkit-p", "--force"]);
    assert_ne!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("entry gitkit-p has \"ref\": \"v1\"")
            && r.stderr.contains(&format!("\"url\" {gp} is a folder"))
            && !r.stderr.contains("--ref"),
        "{}",
        r.stderr
    );
}
