//! A marketplace's git URL with a token in it (`http://user:TOKEN@host/…`,
//! `http://TOKEN@host/…`, GitHub's form for a personal access token) is
//! refused by `quire plugins marketplace add`, never written into
//! `marketplaces.json` nor printed; one already recorded is masked by
//! `marketplace list`; a marketplace entry whose `url` source holds one is
//! not installed, and quire.lock never gets it.

use super::run;
use super::support::quire::{Run, TestEnv};

const SECRET: &str = "ghp_SECRETMK123";

fn all(r: &Run) -> String {
    format!("{}{}", r.stdout, r.stderr)
}

#[test]
fn a_marketplace_url_with_a_token_is_refused_and_never_stored() {
    let env = TestEnv::new("responses");
    for (url, shown) in [
        (
            format!("http://alice:{SECRET}@127.0.0.1:9/mk.git"),
            "http://alice:***@127.0.0.1:9/mk.git",
        ),
        (
            format!("http://{SECRET}@127.0.0.1:9/mk.git"),
            "http://***@127.0.0.1:9/mk.git",
        ),
    ] {
        let r = run(&env, &["plugins", "marketplace", "add", &url]);
        assert_ne!(r.code, 0, "{}", all(&r));
        assert!(!all(&r).contains(SECRET), "{}", all(&r));
        assert!(
            r.stderr.contains(&format!(
                "{shown} holds a password or token in its URL, which marketplaces.json would record"
            )) && r.stderr.contains("credential helper"),
            "{}",
            r.stderr
        );
    }
    let index = env.home.path().join("marketplaces.json");
    let stored = std::fs::read_to_string(&index).unwrap_or_default();
    assert!(!stored.contains(SECRET), "{stored}");

    // Recorded by an older quire: listed masked.
    std::fs::write(
        &index,
        format!(r#"[{{"name": "old", "source": "http://alice:{SECRET}@127.0.0.1:9/mk.git"}}]"#),
    )
    .unwrap();
    let r = run(&env, &["plugins", "marketplace", "list"]);
    assert_eq!(r.code, 0, "{}", all(&r));
    assert!(!all(&r).contains(SECRET), "{}", all(&r));
    assert!(
        r.stdout
            .contains("old  http://alice:***@127.0.0.1:9/mk.git"),
        "{}",
        r.stdout
    );
    let r = run(&env, &["plugins", "marketplace", "remove", "old"]);
    assert_eq!(r.code, 0, "{}", all(&r));
    assert!(!all(&r).contains(SECRET), "{}", all(&r));
}

#[test]
fn a_marketplace_entry_with_a_token_as_user_name_is_not_installed() {
    let env = TestEnv::new("responses");
    let market = env.home.path().join("market");
    std::fs::create_dir_all(market.join(".claude-plugin")).unwrap();
    std::fs::write(
        market.join(".claude-plugin/marketplace.json"),
        format!(
            r#"{{"name": "tokmk", "owner": {{"name": "x"}}, "plugins": [
                {{"name": "gp", "source": {{"source": "url", "url": "http://{SECRET}@127.0.0.1:9/repo.git"}}}}]}}"#
        ),
    )
    .unwrap();
    let r = run(
        &env,
        &[
            "plugins",
            "marketplace",
            "add",
            &market.display().to_string(),
        ],
    );
    assert_eq!(r.code, 0, "{}", all(&r));
    let r = run(&env, &["plugins", "install", "gp@tokmk"]);
    assert_ne!(r.code, 0, "{}", all(&r));
    assert!(!all(&r).contains(SECRET), "{}", all(&r));
    assert!(
        r.stderr
            .contains("http://***@127.0.0.1:9/repo.git holds a password or token"),
        "{}",
        r.stderr
    );
    let lock = std::fs::read_to_string(env.repo_path().join("quire.lock")).unwrap_or_default();
    assert!(!lock.contains(SECRET), "{lock}");
}
