use super::*;

const BASE: &str = "name = \"word-count\"\nversion = \"0.1.0\"\ndescription = \"Counts words\"\ncomponent = \"word_count.wasm\"\n";

fn parse_ok(extra: &str) -> Manifest {
    parse(
        &format!("{BASE}{extra}"),
        Path::new("/p/word-count/plugin.toml"),
    )
    .unwrap()
}

fn parse_err(text: &str) -> String {
    parse(text, Path::new("/p/x/plugin.toml"))
        .unwrap_err()
        .to_string()
}

#[test]
fn full_manifest_parses_with_defaults() {
    let m = parse_ok("");
    assert_eq!(m.name, "word-count");
    assert_eq!(m.component, Path::new("/p/word-count/word_count.wasm"));
    assert_eq!(m.limits, Limits::default());
    assert_eq!(m.limits.memory_mb, 64);
    assert_eq!(m.limits.timeout_ms, 10_000);
    assert_eq!(m.limits.output_kb, 1024);
    assert!(m.permissions.is_empty());
    assert_eq!(m.dir(), Path::new("/p/word-count"));

    let m = parse_ok(
        "[permissions]\nfs = [{ path = \"${workspace}\", access = \"ro\" }, { path = \"${tmp}/x\", access = \"rw\" }, { path = \"/data\", access = \"ro\" }]\nnet = [\"api.example.com\", \"*.example.org\", \"127.0.0.1\"]\nenv = [\"API_TOKEN\"]\n[limits]\nmemory_mb = 128\ntimeout_ms = 500\noutput_kb = 8\n",
    );
    assert_eq!(m.permissions.fs.len(), 3);
    assert_eq!(m.permissions.fs[1].access, Access::Rw);
    assert_eq!(m.permissions.net[1], "*.example.org");
    assert_eq!(m.permissions.env, vec!["API_TOKEN".to_string()]);
    assert_eq!(
        m.limits,
        Limits {
            memory_mb: 128,
            timeout_ms: 500,
            output_kb: 8
        }
    );
    assert_eq!(m.permissions.describe().len(), 7);
}

#[test]
fn unknown_keys_are_named_with_the_file() {
    for (extra, key) in [
        ("author = \"me\"\n", "author"),
        ("[limits]\nmemroy_mb = 3\n", "memroy_mb"),
        ("[permissions]\nnetwork = []\n", "network"),
        (
            "[permissions]\nfs = [{ path = \"/a\", access = \"ro\", mode = 1 }]\n",
            "mode",
        ),
        ("[extra]\n", "extra"),
    ] {
        let e = parse_err(&format!("{BASE}{extra}"));
        assert!(e.contains("/p/x/plugin.toml"), "{e}");
        assert!(e.contains(key), "{key}: {e}");
    }
}

#[test]
fn missing_fields_are_named() {
    let e = parse_err("name = \"a\"\nversion = \"0.1.0\"\ndescription = \"d\"\n");
    assert!(e.contains("component"), "{e}");
    let e = parse_err("version = \"0.1.0\"\ndescription = \"d\"\ncomponent = \"a.wasm\"\n");
    assert!(e.contains("name"), "{e}");
}

#[test]
fn bad_values_name_the_key() {
    let cases = [
        (
            "name = \"Bad Name\"\nversion = \"0.1.0\"\ndescription = \"d\"\ncomponent = \"a.wasm\"\n",
            "name",
        ),
        (
            "name = \"pa__y\"\nversion = \"0.1.0\"\ndescription = \"d\"\ncomponent = \"a.wasm\"\n",
            "may not contain '__' nor end in '_'",
        ),
        (
            "name = \"pa_\"\nversion = \"0.1.0\"\ndescription = \"d\"\ncomponent = \"a.wasm\"\n",
            "rename it (e.g. 'pa')",
        ),
        (
            "name = \"mcp\"\nversion = \"0.1.0\"\ndescription = \"d\"\ncomponent = \"a.wasm\"\n",
            "belong to MCP servers",
        ),
        (
            "name = \"a\"\nversion = \"one\"\ndescription = \"d\"\ncomponent = \"a.wasm\"\n",
            "version",
        ),
        (
            "name = \"a\"\nversion = \"0.1.0\"\ndescription = \" \"\ncomponent = \"a.wasm\"\n",
            "description",
        ),
        (
            "name = \"a\"\nversion = \"0.1.0\"\ndescription = \"d\"\ncomponent = \"\"\n",
            "component",
        ),
        (
            "name = \"a\"\nversion = \"0.1.0\"\ndescription = \"d\"\ncomponent = \"../../other/a.wasm\"\n",
            "inside the plugin's folder",
        ),
        (
            "name = \"a\"\nversion = \"0.1.0\"\ndescription = \"d\"\ncomponent = \"/opt/a.wasm\"\n",
            "inside the plugin's folder",
        ),
    ];
    for (text, key) in cases {
        let e = parse_err(text);
        assert!(e.contains(key), "{key}: {e}");
    }
    for (extra, key) in [
        ("[limits]\nmemory_mb = 0\n", "limits.memory_mb"),
        ("[limits]\nmemory_mb = 100000\n", "limits.memory_mb"),
        ("[limits]\ntimeout_ms = 0\n", "limits.timeout_ms"),
        ("[limits]\noutput_kb = 0\n", "limits.output_kb"),
        ("[limits]\nmemory_mb = \"lots\"\n", "memory_mb"),
        ("[limits]\nmemory_mb = -1\n", "memory_mb"),
        (
            "[permissions]\nfs = [{ path = \"rel/dir\", access = \"ro\" }]\n",
            "permissions.fs[0].path",
        ),
        (
            "[permissions]\nfs = [{ path = \"${home}/x\", access = \"ro\" }]\n",
            "permissions.fs[0].path",
        ),
        (
            "[permissions]\nfs = [{ path = \"/a/${tmp}\", access = \"ro\" }]\n",
            "permissions.fs[0].path",
        ),
        (
            "[permissions]\nfs = [{ path = \"${workspace}/../up\", access = \"ro\" }]\n",
            "permissions.fs[0].path",
        ),
        (
            "[permissions]\nfs = [{ path = \"/a\", access = \"write\" }]\n",
            "access",
        ),
        (
            "[permissions]\nnet = [\"https://api.example.com\"]\n",
            "permissions.net[0]",
        ),
        (
            "[permissions]\nnet = [\"ok.example\", \"host:8080\"]\n",
            "permissions.net[1]",
        ),
        ("[permissions]\nnet = [\"*\"]\n", "permissions.net[0]"),
        (
            "[permissions]\nenv = [\"BAD-NAME\"]\n",
            "permissions.env[0]",
        ),
    ] {
        let e = parse_err(&format!("{BASE}{extra}"));
        assert!(e.contains("/p/x/plugin.toml"), "{e}");
        assert!(e.contains(key), "{key}: {e}");
    }
}

#[test]
fn subset_of_accepted_permissions() {
    let accepted = parse_ok(
        "[permissions]\nfs = [{ path = \"${workspace}\", access = \"rw\" }]\nnet = [\"a.example\"]\nenv = [\"A\"]\n",
    )
    .permissions;
    let fewer = parse_ok("[permissions]\nfs = [{ path = \"${workspace}\", access = \"ro\" }]\n")
        .permissions;
    assert!(fewer.is_subset_of(&accepted));
    let more = parse_ok("[permissions]\nenv = [\"A\", \"B\"]\n").permissions;
    assert!(!more.is_subset_of(&accepted));
    let ro = parse_ok("[permissions]\nfs = [{ path = \"${workspace}\", access = \"ro\" }]\n")
        .permissions;
    let rw = parse_ok("[permissions]\nfs = [{ path = \"${workspace}\", access = \"rw\" }]\n")
        .permissions;
    assert!(!rw.is_subset_of(&ro));
}
