//! A password in a provider's base_url is never shown nor recorded:
//! `quire doctor`, "cannot reach" errors, `--json` error events and the
//! session file show it masked (`http://alice:***@…`).

use crate::support::quire::TestEnv;

#[test]
fn the_password_of_base_url_is_masked_in_doctor_errors_and_the_session() {
    let env = TestEnv::new("chat");
    let config_path = env.home.path().join("config.toml");
    let config = std::fs::read_to_string(&config_path).unwrap();
    let base = config
        .lines()
        .find_map(|l| l.strip_prefix("base_url = "))
        .unwrap()
        .to_string();
    // Nothing listens on port 1: every request fails to connect.
    let config = config.replace(&base, "\"http://alice:s3cretpw@127.0.0.1:1/v1\"");
    std::fs::write(&config_path, config).unwrap();

    let mut seen = String::new();
    for args in [
        &["doctor"][..],
        &["doctor", "--json"],
        &["exec", "--json", "hi"],
        &["exec", "hi"],
    ] {
        let run = env.run(args);
        seen.push_str(&run.stdout);
        seen.push_str(&run.stderr);
    }
    for file in env.session_files() {
        seen.push_str(&std::fs::read_to_string(file).unwrap());
    }
    assert!(!seen.contains("s3cretpw"), "{seen}");
    assert!(seen.contains("http://alice:***@127.0.0.1:1/v1"), "{seen}");
}
