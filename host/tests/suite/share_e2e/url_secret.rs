//! A git URL with a password or token in it (`http://user:TOKEN@host/…`,
//! a token as the user name alone `http://TOKEN@host/…`, `?token=…`) is
//! refused by `quire share add` (quire.lock would record it), and a lock
//! that already holds one has it masked in every message.

use super::*;

const SECRET: &str = "ghp_SECRETTOKEN123";

#[test]
fn a_url_with_a_token_is_refused_and_never_shown() {
    let env = TestEnv::new("responses");
    let url = format!("http://alice:{SECRET}@127.0.0.1:9/repo.git");
    let r = env.run(&["share", "add", &url, "--path", "sk"]);
    assert_ne!(r.code, 0, "{}", r.stdout);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(!all.contains(SECRET), "{all}");
    assert!(
        all.contains("http://alice:***@127.0.0.1:9/repo.git holds a password or token")
            && all.contains("credential helper")
            && all.contains("SSH URL"),
        "{all}"
    );
    assert!(!env.repo_path().join("quire.lock").exists());
}

#[test]
fn a_token_as_the_user_name_or_in_the_query_is_refused_and_never_shown() {
    let env = TestEnv::new("responses");
    for (url, shown) in [
        (
            format!("http://{SECRET}@127.0.0.1:9/repo.git"),
            "http://***@127.0.0.1:9/repo.git holds a password or token",
        ),
        (
            format!("https://127.0.0.1:9/repo.git?access_token={SECRET}"),
            "https://127.0.0.1:9/repo.git?access_token=*** holds a password or token",
        ),
    ] {
        let r = env.run(&["share", "add", &url, "--path", "sk"]);
        assert_ne!(r.code, 0, "{}", r.stdout);
        let all = format!("{}{}", r.stdout, r.stderr);
        assert!(!all.contains(SECRET), "{all}");
        assert!(
            all.contains(shown) && all.contains("credential helper"),
            "{all}"
        );
        assert!(!env.repo_path().join("quire.lock").exists());
    }
}

#[test]
fn a_lock_holding_a_query_token_has_it_masked_in_clone_errors() {
    let up = Upstream::new();
    let env = TestEnv::new("responses");
    let r = up.add_pdf_forms(&env, "v1", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let url = format!("http://127.0.0.1:9/nope.git?token={SECRET}");
    let lock = env.read("quire.lock").replace(&up.url(), &url);
    assert!(lock.contains(SECRET));
    let mate = TestEnv::new("responses");
    mate.write("quire.lock", &lock);
    let r = mate.run(&["share", "sync"]);
    assert_ne!(r.code, 0, "{}", r.stdout);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(!all.contains(SECRET), "{all}");
    assert!(
        all.contains("cannot clone http://127.0.0.1:9/nope.git?token=***"),
        "{all}"
    );
}

#[test]
fn a_lock_holding_a_token_has_it_masked_in_list_and_sync() {
    let up = Upstream::new();
    let env = TestEnv::new("responses");
    let r = up.add_pdf_forms(&env, "v1", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // A lock written by an older quire, with a token in its source.
    let url = format!("http://alice:{SECRET}@127.0.0.1:9/nope.git");
    let lock = env.read("quire.lock").replace(&up.url(), &url);
    assert!(lock.contains(SECRET));
    let mate = TestEnv::new("responses");
    mate.write("quire.lock", &lock);

    for args in [&["share", "list"][..], &["share", "list", "--json"][..]] {
        let r = mate.run(args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(!r.stdout.contains(SECRET), "{}", r.stdout);
        assert!(
            r.stdout.contains("http://alice:***@127.0.0.1:9/nope.git"),
            "{}",
            r.stdout
        );
    }
    let r = mate.run(&["share", "sync"]);
    assert_ne!(r.code, 0, "{}", r.stdout);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(!all.contains(SECRET), "{all}");
    assert!(
        all.contains("cannot clone http://alice:***@127.0.0.1:9/nope.git"),
        "{all}"
    );
}
