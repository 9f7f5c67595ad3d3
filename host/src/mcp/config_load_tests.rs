use crate::config::{LoadOptions, load};

#[test]
fn config_toml_tables_load_and_errors_name_the_key() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("config.toml"),
        "[mcp_servers.fs]\ncommand = \"srv\"\nargs = [\"-v\"]\nrequired = true\n",
    )
    .unwrap();
    let opts = |o: Vec<String>| LoadOptions {
        home: home.path().into(),
        repo_root: None,
        workspace: None,
        overrides: o,
        profile: None,
    };
    let (c, warnings) = load(&opts(vec![])).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(c.mcp_servers.0["fs"].required);
    let err = load(&opts(vec!["mcp_servers.fs.tool_timeout_sec=-1".into()]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("mcp_servers.fs.tool_timeout_sec"), "{err}");
}
