//! A base_url that misses its `/v1`: a request's 404 names where the URL
//! came from (OPENAI_BASE_URL or config.toml) and the missing `/v1`, in
//! the words `quire doctor` uses.

use crate::support::quire::TestEnv;

#[test]
fn a_404_from_exec_names_openai_base_url_and_the_missing_v1() {
    let env = TestEnv::new("responses");
    let root = format!("http://{}", env.server.addr());
    let run = env
        .command(&["exec", "--provider", "openai", "-m", "test-model", "hi"])
        .env("OPENAI_BASE_URL", &root)
        .env("OPENAI_API_KEY", "x")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_ne!(run.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "nothing answers at this URL; check the path of base_url (OPENAI_BASE_URL, or providers.openai.base_url in config.toml); {root} has no /v1"
        )),
        "{stderr}"
    );
}

#[test]
fn a_404_from_a_configured_provider_names_its_table_and_the_missing_v1() {
    let env = TestEnv::new("chat");
    let root = format!("http://{}", env.server.addr());
    let config = env.home.path().join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    let v1 = format!("{root}/v1");
    std::fs::write(&config, text.replace(&v1, &root)).unwrap();
    let run = env.run(&["exec", "hi"]);
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "check the path of base_url (providers.test.base_url in config.toml); {root} has no /v1"
        )),
        "{}",
        run.stderr
    );
}
