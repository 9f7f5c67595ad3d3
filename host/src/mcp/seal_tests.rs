use super::*;
use crate::mcp::McpServerConfig;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn stdio(root: &Path, command: &str, args: &[&str]) -> ServerSpec {
    let c = McpServerConfig::stdio(command, args.iter().map(|a| a.to_string()).collect());
    ServerSpec::new("s", Source::McpJson(root.join(".mcp.json")), &c, root)
}

fn names(root: &Path, command: &str, args: &[&str]) -> Vec<String> {
    files(root, &stdio(root, command, args))
        .into_keys()
        .collect()
}

#[test]
fn the_files_a_server_runs_are_its_scripts_their_folders_and_packages() {
    let dir = tempfile::tempdir().unwrap();
    let root = &dir.path().canonicalize().unwrap();
    write(root, "tools/mcp.py", "import helper");
    write(root, "tools/helper.py", "");
    write(root, "pkg/__init__.py", "");
    write(root, "pkg/__main__.py", "");
    write(root, "json.py", "");
    write(root, "bin/srv", "#!/bin/sh");
    write(root, "package.json", "{}");
    write(root, "README.md", "");
    assert_eq!(
        names(root, "python3", &["tools/mcp.py"]),
        ["tools/helper.py", "tools/mcp.py"]
    );
    assert_eq!(
        names(root, "python3", &["-m", "pkg"]),
        ["json.py", "pkg/__init__.py", "pkg/__main__.py"]
    );
    assert_eq!(names(root, "./bin/srv", &["--stdio"]), ["bin/srv"]);
    assert_eq!(names(root, "sh", &["-c", "exec ./bin/srv"]), ["bin/srv"]);
    assert_eq!(names(root, "npx", &["-y", "some-server"]), ["package.json"]);
    // A script outside the repository is sealed by its real path
    // (hooks/outside.rs); what the kernel makes up is not.
    let hostname = std::fs::canonicalize("/etc/hostname").unwrap();
    assert_eq!(
        names(root, "/bin/sh", &["/etc/hostname"]),
        [hostname.to_str().unwrap()]
    );
    assert!(names(root, "/bin/sh", &["/proc/self/status"]).is_empty());
    // A folder started as a program: what it holds.
    write(root, "srv/index.js", "");
    write(root, "srv/lib/x.js", "");
    write(root, "app/__main__.py", "");
    assert_eq!(
        names(root, "node", &["srv"]),
        ["srv/index.js", "srv/lib/x.js"]
    );
    assert!(names(root, "python3", &["app"]).contains(&"app/__main__.py".to_string()));
    // Not the whole repository for `node .`, nor a folder given as data.
    assert!(names(root, "node", &["."]).is_empty());
    assert!(names(root, "npx", &["-y", "server-filesystem", "srv"]) == ["package.json"]);
    let web = ServerSpec::new(
        "w",
        Source::McpJson(root.join(".mcp.json")),
        &McpServerConfig::http("http://h/mcp"),
        root,
    );
    assert!(files(root, &web).is_empty());
}

/// Trusting records the files; an edit, a new file in the script's
/// folder or a removal stops the server, naming the file and `quire
/// trust`; trusting again takes them as they are.
#[test]
fn a_file_changed_since_trust_refuses_the_start_until_trusted_again() {
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (h, root) = (home.path(), &dir.path().canonicalize().unwrap());
    write(root, "tools/mcp.py", "print('v1')");
    write(
        root,
        ".mcp.json",
        r#"{"mcpServers": {"local": {"command": "python3", "args": ["tools/mcp.py"]}}}"#,
    );
    write(
        root,
        ".quire/config.toml",
        "[mcp_servers.db]\ncommand = \"node\"\nargs = [\"db/server.js\"]\n",
    );
    write(root, "db/server.js", "v1");
    record(h, root).unwrap();
    let json = root.join(".mcp.json");
    let c = McpServerConfig::stdio("python3", vec!["tools/mcp.py".into()]);
    let db = McpServerConfig::stdio("node", vec!["db/server.js".into()]);
    let own = McpServerConfig::stdio("python3", vec!["tools/mcp.py".into()]);
    let mut specs = vec![
        ServerSpec::new("local", Source::McpJson(json), &c, root),
        ServerSpec::new("db", Source::Config, &db, root),
        ServerSpec::new("own", Source::Config, &own, root),
    ];
    attach(h, root, &mut specs);
    assert!(specs[2].sealed.is_none(), "the user's own server");
    let refusal = |s: &ServerSpec| s.sealed.as_ref().and_then(|x| x.refusal(s));
    assert_eq!(refusal(&specs[0]), None);
    assert_eq!(refusal(&specs[1]), None);
    write(root, "tools/mcp.py", "print('v2')");
    write(root, "db/extra.js", "");
    let why = refusal(&specs[0]).unwrap();
    assert!(
        why.starts_with(
            "MCP server 'local' is not started: tools/mcp.py changed since you trusted"
        ) && why.contains("`quire trust`"),
        "{why}"
    );
    assert!(refusal(&specs[1]).unwrap().contains("db/extra.js"));
    std::fs::remove_file(root.join("db/server.js")).unwrap();
    assert!(refusal(&specs[1]).unwrap().contains("db/server.js"));
    // A later session reads the record too.
    let mut again = specs.clone();
    for s in &mut again {
        s.sealed = None;
    }
    attach(h, root, &mut again);
    assert!(refusal(&again[0]).is_some());
    record(h, root).unwrap();
    attach(h, root, &mut again);
    assert_eq!(refusal(&again[0]), None);
}

#[test]
fn unreadable_records_start_no_repository_server() {
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join(FILE), "[").unwrap();
    let root = dir.path();
    let c = McpServerConfig::stdio("python3", vec!["x.py".into()]);
    let mut specs = vec![ServerSpec::new(
        "local",
        Source::McpJson(root.join(".mcp.json")),
        &c,
        root,
    )];
    attach(home.path(), root, &mut specs);
    let why = specs[0].sealed.as_ref().and_then(|s| s.refusal(&specs[0]));
    assert!(why.is_some_and(|w| w.contains(FILE)));
}

/// A `${VAR}` of the server's environment unset when the repository is
/// trusted: its files are recorded all the same (they do not depend on
/// it), so setting it later does not make them look new.
#[test]
fn the_files_do_not_depend_on_the_environment_s_values() {
    let dir = tempfile::tempdir().unwrap();
    let root = &dir.path().canonicalize().unwrap();
    write(root, "mcpsrv.py", "print()");
    let mut c = McpServerConfig::stdio("python3", vec!["mcpsrv.py".to_string()]);
    c.env.insert(
        "TOKEN".to_string(),
        "${QUIRE_TEST_SURELY_UNSET_VARIABLE}".to_string(),
    );
    let spec = ServerSpec::new("s", Source::McpJson(root.join(".mcp.json")), &c, root);
    assert!(spec.resolved_transport().is_err());
    assert_eq!(
        files(root, &spec).into_keys().collect::<Vec<_>>(),
        ["mcpsrv.py"]
    );
}

/// Tester's finding: a repository server's `env` set `PATH` to its own
/// `bin`, so `python3` ran `bin/python3`, which trust never recorded
/// (quire looked `python3` up on its own `PATH`); a `BASH_ENV` file
/// neither. Both are recorded now, also when another variable of its
/// `env` cannot be expanded.
#[test]
fn the_path_and_shell_startup_file_of_the_servers_env_are_recorded() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let root = &dir.path().canonicalize().unwrap();
    write(
        root,
        "bin/python3",
        "#!/bin/sh\nexec /usr/bin/python3 \"$@\"\n",
    );
    std::fs::set_permissions(
        root.join("bin/python3"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    write(root, "benv.sh", "echo hi");
    let spec = |env: &[(&str, &str)]| {
        let mut c = McpServerConfig::stdio("python3", vec!["/opt/srv.py".to_string()]);
        c.env = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ServerSpec::new("s", Source::McpJson(root.join(".mcp.json")), &c, root)
    };
    let keys = |s: &ServerSpec| files(root, s).into_keys().collect::<Vec<_>>();
    assert!(keys(&spec(&[])).is_empty());
    assert_eq!(
        keys(&spec(&[("PATH", "bin:/usr/bin:/bin")])),
        ["bin/python3"]
    );
    let absolute = format!("{}:/usr/bin", root.join("bin").display());
    assert_eq!(keys(&spec(&[("PATH", &absolute)])), ["bin/python3"]);
    assert_eq!(
        keys(&spec(&[
            ("PATH", "bin:/usr/bin"),
            ("TOKEN", "${QUIRE_TEST_SURELY_UNSET_VARIABLE}")
        ])),
        ["bin/python3"]
    );
    assert_eq!(keys(&spec(&[("BASH_ENV", "./benv.sh")])), ["benv.sh"]);
    assert_eq!(keys(&spec(&[("ENV", "benv.sh")])), ["benv.sh"]);
    // Tester's finding: what LD_PRELOAD or PYTHONPATH loads ran changed.
    write(root, "lib/pre.so", "elf");
    write(root, "lib/sitecustomize.py", "pass");
    write(root, "data/notes.txt", "the server's own data");
    let preload = format!("{}", root.join("lib/pre.so").display());
    assert_eq!(keys(&spec(&[("LD_PRELOAD", &preload)])), ["lib/pre.so"]);
    assert_eq!(
        keys(&spec(&[("PYTHONPATH", "lib"), ("DATA_DIR", "data")])),
        ["lib/pre.so", "lib/sitecustomize.py"]
    );
    // A word of a `sh -c` line too.
    let mut c = McpServerConfig::stdio("sh", vec!["-c".into(), "exec python3 x.py".into()]);
    c.env.insert("PATH".into(), "bin:/usr/bin:/bin".into());
    let sh = ServerSpec::new("s", Source::McpJson(root.join(".mcp.json")), &c, root);
    assert_eq!(keys(&sh), ["bin/python3"]);
    // Tester's finding: a home or bytecode folder in the repository.
    write(
        root,
        "h/.local/lib/python3/site-packages/evil.pth",
        "import os",
    );
    write(root, "pc/x.pyc", "bytes");
    assert_eq!(
        keys(&spec(&[("HOME", "h"), ("PYTHONPYCACHEPREFIX", "pc")])),
        ["h/.local/lib/python3/site-packages/evil.pth", "pc/x.pyc"]
    );
    write(root, "sitecustomize.py", "pass");
    write(root, "libz.so.1", "elf");
    for empty_entry in [":lib", "lib:"] {
        let got = keys(&spec(&[("PYTHONPATH", empty_entry)]));
        assert!(got.contains(&"sitecustomize.py".to_string()), "{got:?}");
    }
    let got = keys(&spec(&[("LD_LIBRARY_PATH", ":/usr/lib")]));
    assert!(got.contains(&"libz.so.1".to_string()), "{got:?}");
    assert!(keys(&spec(&[("PYTHONPATH", ".")])).contains(&"sitecustomize.py".to_string()));
}
