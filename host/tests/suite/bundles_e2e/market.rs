//! Added marketplaces are known by the name their catalog gives itself:
//! another source naming itself the same is refused, not swapped in.

use super::install::marketplace;
use super::run;
use super::support::quire::TestEnv;

#[test]
fn a_marketplace_naming_itself_like_an_added_one_is_refused_until_replaced() {
    let env = TestEnv::new("responses");
    let team = marketplace(&env.home.path().join("team"));
    let other = marketplace(&env.home.path().join("other"));
    let team_src = team.canonicalize().expect("team").display().to_string();
    let other_src = other.canonicalize().expect("other").display().to_string();

    let r = run(&env, &["plugins", "marketplace", "add", &team_src]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The same source again refreshes.
    let r = run(&env, &["plugins", "marketplace", "add", &team_src]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("added marketplace team-tools"),
        "{}",
        r.stdout
    );

    let r = run(&env, &["plugins", "marketplace", "add", &other_src]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    for needle in [
        team_src.as_str(),
        other_src.as_str(),
        "quire plugins marketplace remove team-tools",
        "--replace",
    ] {
        assert!(r.stderr.contains(needle), "lacks {needle}: {}", r.stderr);
    }
    let r = run(&env, &["plugins", "marketplace", "list"]);
    assert!(
        r.stdout.contains(&format!("team-tools  {team_src}")),
        "{}",
        r.stdout
    );

    let r = run(
        &env,
        &["plugins", "marketplace", "add", &other_src, "--replace"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&env, &["plugins", "marketplace", "list"]);
    assert!(
        r.stdout.contains(&format!("team-tools  {other_src}")),
        "{}",
        r.stdout
    );

    let r = run(&env, &["plugins", "marketplace", "remove", "team-tools"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&env, &["plugins", "marketplace", "list"]);
    assert!(!r.stdout.contains("team-tools"), "{}", r.stdout);
    let r = run(&env, &["plugins", "install", "claude-kit"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

/// A marketplace folder at `dir/odd-market` whose catalog's `plugins` are
/// `plugins` (JSON), each a copy of the claude-kit fixture.
fn odd_market(dir: &std::path::Path, plugins: &str) -> String {
    let root = dir.join("odd-market");
    super::copy_dir(
        &super::fixture("claude-kit"),
        &root.join("plugins/claude-kit"),
    );
    super::copy_dir(&super::fixture("ap-kit"), &root.join("plugins/ap-kit"));
    std::fs::create_dir_all(root.join(".claude-plugin")).unwrap();
    std::fs::write(
        root.join(".claude-plugin/marketplace.json"),
        format!(r#"{{"name": "odd-tools", "owner": {{"name": "T"}}, "plugins": {plugins}}}"#),
    )
    .unwrap();
    root.canonicalize().unwrap().display().to_string()
}

/// A catalog's descriptions are the marketplace's text: `marketplace list`
/// and `search` show them without escape sequences or carriage returns
/// (piped or not); `search --json` keeps them exact.
#[test]
fn catalog_text_reaches_no_terminal_as_escape_sequences() {
    let env = TestEnv::new("responses");
    let src = odd_market(
        env.home.path(),
        r#"[{"name": "good-kit", "source": "./plugins/claude-kit", "description": "review \u001b]0;PWNED\u0007\u001b[2J\rfake line"}]"#,
    );
    let r = run(&env, &["plugins", "marketplace", "add", &src]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for args in [
        &["plugins", "marketplace", "list"][..],
        &["plugins", "search", "review"],
    ] {
        let r = run(&env, args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        assert!(
            r.stdout.contains("review  fake line"),
            "{args:?}: {:?}",
            r.stdout
        );
        assert!(
            !r.stdout.contains('\u{1b}') && !r.stdout.contains('\r'),
            "{args:?}: {:?}",
            r.stdout
        );
    }
    let r = run(&env, &["plugins", "search", "review", "--json"]);
    assert!(r.stdout.contains("\\u001b[2J\\rfake line"), "{}", r.stdout);
}

/// Two catalog entries of one name: adding the marketplace warns naming
/// the second, and only the first is listed, found and installed.
#[test]
fn a_repeated_plugin_name_warns_and_the_first_entry_is_used() {
    let env = TestEnv::new("responses");
    let src = odd_market(
        env.home.path(),
        r#"[{"name": "good-kit", "source": "./plugins/claude-kit", "description": "the first kit"},
            {"name": "good-kit", "source": "./plugins/ap-kit", "description": "the second kit"}]"#,
    );
    let r = run(&env, &["plugins", "marketplace", "add", &src]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "plugins[1]: 'good-kit' is listed again (first as plugins[0]); the first is used"
        ),
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains("(1 plugin(s))"), "{}", r.stdout);
    let r = run(&env, &["plugins", "search", "kit", "--json"]);
    assert!(r.stdout.contains("the first kit"), "{}", r.stdout);
    assert!(!r.stdout.contains("the second kit"), "{}", r.stdout);
}

/// Claude Code's `"strict": false`: the marketplace entry is the plugin's
/// manifest, its folder needs none. It installs with the entry's parts,
/// and `share sync` restores it exactly as locked. A folder that really
/// holds nothing is refused naming plugin bundles, at a plain path.
#[test]
fn an_entry_with_strict_false_is_the_plugins_manifest() {
    let env = TestEnv::new("responses");
    let root = env.home.path().join("loose-market");
    let write = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    };
    write(
        "plugins/loose/cmds/l.md",
        "---\ndescription: loose one\n---\nLoose $ARGUMENTS\n",
    );
    write("plugins/empty/README.md", "nothing to load\n");
    write(
        ".claude-plugin/marketplace.json",
        r#"{"name": "m8", "owner": {"name": "x"}, "plugins": [
  {"name": "loose", "source": "./plugins/loose", "strict": false, "commands": ["./cmds/l.md"],
   "hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "exit 2"}]}]}},
  {"name": "empty", "source": "./plugins/empty"}]}"#,
    );
    let src = root.canonicalize().expect("market").display().to_string();
    let r = run(&env, &["plugins", "marketplace", "add", &src]);
    assert_eq!(r.code, 0, "{}", r.stderr);

    let r = run(&env, &["plugins", "install", "loose"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("installed plugin bundle loose"),
        "{}",
        r.stdout
    );
    // The entry's hooks are the plugin's, approved like any other.
    assert!(
        r.stdout.contains("hooks: .claude-plugin/plugin.json"),
        "{}",
        r.stdout
    );
    let r = run(&env, &["commands", "list"]);
    let line = super::line_of(&r, "/loose:l ");
    assert!(line.contains("loose one"), "{line}");

    std::fs::remove_dir_all(env.repo_path().join(".agents/plugins/loose")).expect("rm");
    let r = run(&env, &["share", "sync"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let r = run(&env, &["share", "verify"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let r = run(&env, &["commands", "list"]);
    assert!(r.stdout.contains("/loose:l "), "{}{}", r.stdout, r.stderr);

    let r = run(&env, &["plugins", "install", "empty"]);
    assert_ne!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let empty = root.join("plugins/empty").canonicalize().expect("empty");
    assert!(
        r.stderr.contains(&format!(
            "{} holds no skill (SKILL.md), WASM plugin (plugin.toml) or plugin bundle (.claude-plugin/plugin.json",
            empty.display()
        )),
        "{}",
        r.stderr
    );
}
