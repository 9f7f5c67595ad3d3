use super::*;

fn def(cmd: &str) -> HookDef {
    HookDef {
        matcher: Some("shell".into()),
        kind: Default::default(),
        command: Some(cmd.into()),
        url: None,
        headers: Default::default(),
        allowed_env_vars: Vec::new(),
        timeout_sec: None,
        plugin: None,
        name: None,
        if_rule: None,
        background: false,
    }
}

#[test]
fn any_change_to_the_definition_or_place_changes_the_hash() {
    let repo = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    let src = Path::new(".claude/settings.json");
    let base = hook_hash(Some(repo.path()), src, HookEvent::PreToolUse, &def("a.sh"));
    assert_eq!(
        base,
        hook_hash(Some(repo.path()), src, HookEvent::PreToolUse, &def("a.sh"))
    );
    assert_ne!(
        base,
        hook_hash(Some(repo.path()), src, HookEvent::PreToolUse, &def("b.sh"))
    );
    assert_ne!(
        base,
        hook_hash(Some(repo.path()), src, HookEvent::Stop, &def("a.sh"))
    );
    assert_ne!(
        base,
        hook_hash(Some(other.path()), src, HookEvent::PreToolUse, &def("a.sh"))
    );
    let mut longer = def("a.sh");
    longer.timeout_sec = Some(5);
    assert_ne!(
        base,
        hook_hash(Some(repo.path()), src, HookEvent::PreToolUse, &longer)
    );
}

#[test]
fn an_edited_script_in_the_repository_changes_the_hash() {
    let repo = tempfile::tempdir().unwrap();
    let hooks = repo.path().join(".claude/hooks");
    std::fs::create_dir_all(&hooks).unwrap();
    std::fs::write(hooks.join("x.py"), "print('a')\n").unwrap();
    let src = Path::new(".claude/settings.json");
    let ev = HookEvent::PreToolUse;
    for cmd in [
        "python3 .claude/hooks/x.py",
        "python3 \"$CLAUDE_PROJECT_DIR\"/.claude/hooks/x.py --flag",
        "${QUIRE_PROJECT_DIR}/.claude/hooks/x.py",
    ] {
        let before = hook_hash(Some(repo.path()), src, ev, &def(cmd));
        assert_eq!(before, hook_hash(Some(repo.path()), src, ev, &def(cmd)));
        std::fs::write(hooks.join("x.py"), format!("print({cmd:?})\n")).unwrap();
        assert_ne!(
            before,
            hook_hash(Some(repo.path()), src, ev, &def(cmd)),
            "{cmd}"
        );
    }
    let names = script_hashes(repo.path(), "python3 .claude/hooks/x.py");
    assert_eq!(names.keys().collect::<Vec<_>>(), [".claude/hooks/x.py"]);
}

#[test]
fn scripts_reached_through_cd_a_glob_or_the_hook_folders_are_covered() {
    let repo = tempfile::tempdir().unwrap();
    let hooks = repo.path().join(".claude/hooks");
    let tools = repo.path().join("tools");
    std::fs::create_dir_all(&hooks).unwrap();
    std::fs::create_dir_all(&tools).unwrap();
    std::fs::write(hooks.join("d.sh"), "echo d\n").unwrap();
    std::fs::write(tools.join("t.sh"), "echo t\n").unwrap();
    let src = Path::new(".claude/settings.json");
    let ev = HookEvent::PreToolUse;
    let cases = [
        ("cd .claude/hooks && ./d.sh", hooks.join("d.sh")),
        (
            "for f in .claude/hooks/d*; do bash $f; done",
            hooks.join("d.sh"),
        ),
        ("cd tools && ./t.sh", tools.join("t.sh")),
        ("pushd tools; ./t.sh", tools.join("t.sh")),
        ("bash tools/*.sh", tools.join("t.sh")),
        // The hook folder is covered whatever the command says.
        ("make check", hooks.join("d.sh")),
    ];
    for (cmd, script) in cases {
        let before = hook_hash(Some(repo.path()), src, ev, &def(cmd));
        let old = std::fs::read_to_string(&script).unwrap();
        std::fs::write(&script, format!("{old}rm -rf ~\n")).unwrap();
        assert_ne!(
            before,
            hook_hash(Some(repo.path()), src, ev, &def(cmd)),
            "{cmd}: editing {} went unseen",
            script.display()
        );
    }
    let names = script_hashes(repo.path(), "cd tools && ./t.sh");
    assert_eq!(
        names.keys().collect::<Vec<_>>(),
        [".claude/hooks/d.sh", "tools/t.sh"]
    );
}

#[test]
fn a_folder_link_leaving_the_repository_is_not_followed() {
    let repo = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("x.sh"), "x").unwrap();
    std::fs::create_dir_all(repo.path().join(".claude/hooks")).unwrap();
    std::os::unix::fs::symlink(outside.path(), repo.path().join(".claude/hooks/out")).unwrap();
    std::os::unix::fs::symlink(outside.path(), repo.path().join("ext")).unwrap();
    // Not as the repository's `ext/x.sh`: the file it leads to is sealed
    // by its own real path (hooks/outside.rs), not its folder.
    let names = script_hashes(repo.path(), "cd ext && ./x.sh");
    let real = std::fs::canonicalize(outside.path().join("x.sh")).unwrap();
    assert!(
        names.keys().all(|k| Path::new(k.as_str()) == real),
        "{names:?}"
    );
}

#[test]
fn files_outside_the_repository_are_hashed_by_their_real_path_plain_words_are_not() {
    let repo = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("s.sh");
    std::fs::write(&secret, "x").unwrap();
    std::fs::create_dir_all(repo.path().join("sub")).unwrap();
    let cmd = format!("bash {} ../s.sh sub echo", secret.display());
    let names = script_hashes(repo.path(), &cmd);
    let real = std::fs::canonicalize(&secret).unwrap();
    assert_eq!(
        names.keys().map(String::as_str).collect::<Vec<_>>(),
        [real.to_str().unwrap()],
        "the named outside script only: not ../s.sh (no such file), a folder or a word"
    );
    // A hook naming no script keeps the hash it had before scripts
    // were hashed (no `scripts` key), so old approvals still hold.
    let plain = def("echo hi");
    let old = serde_json::json!({
        "repo": crate::config::trust::canonical(repo.path()).display().to_string(),
        "source": "s",
        "event": "Stop",
        "def": plain,
    });
    assert_eq!(
        hook_hash(Some(repo.path()), Path::new("s"), HookEvent::Stop, &plain),
        hex(&Sha256::digest(old.to_string().as_bytes()))
    );
}

#[test]
fn the_store_round_trips_and_a_broken_file_is_named() {
    let home = tempfile::tempdir().unwrap();
    let mut store = TrustStore::load(home.path()).unwrap();
    store.trusted.insert(
        "abc".into(),
        Approved {
            source: "s".into(),
            event: "Stop".into(),
            hook: "h".into(),
            ..Default::default()
        },
    );
    store.save(home.path()).unwrap();
    assert!(TrustStore::load(home.path()).unwrap().contains("abc"));
    std::fs::write(TrustStore::path(home.path()), "[").unwrap();
    let err = TrustStore::load(home.path()).unwrap_err().to_string();
    assert!(err.contains("trusted_hooks.json"), "{err}");
}

#[test]
fn runners_are_found_by_file_name_and_their_files_are_hashed() {
    let repo = tempfile::tempdir().unwrap();
    std::fs::write(repo.path().join("Makefile"), "hook:\n\t@true\n").unwrap();
    std::fs::write(repo.path().join("package.json"), "{}").unwrap();
    let names = |c: &str| runners(c).iter().map(|r| r.name).collect::<Vec<_>>();
    assert_eq!(names("make -s hook"), ["make"]);
    assert_eq!(
        names("cd x && /usr/bin/make a; npm run lint"),
        ["make", "npm"]
    );
    assert!(names("./.claude/hooks/x.sh").is_empty());
    let hashed = script_hashes(repo.path(), "make -s hook");
    assert!(hashed.contains_key("Makefile"), "{hashed:?}");
    assert!(!hashed.contains_key("package.json"), "{hashed:?}");
    assert!(coverage_note("echo hi").is_none());
    let note = coverage_note("python3 .claude/hooks/x.py").unwrap_or_default();
    assert!(note.contains("`.claude/hooks/`"), "{note}");
    let note = coverage_note("git status --porcelain").unwrap_or_default();
    assert!(
        note.contains("`git`") && note.contains(".git/hooks"),
        "{note}"
    );
    let note = coverage_note("npm run check").unwrap();
    assert!(
        note.contains("`npm`") && note.contains("package.json"),
        "{note}"
    );
}

/// An http hook's headers and allowed variables are part of what is
/// approved: changing either asks again.
#[test]
fn a_changed_header_or_allowed_variable_changes_the_hash() {
    let repo = tempfile::tempdir().unwrap();
    let src = repo.path().join(".claude/settings.json");
    let mut http = def("");
    http.kind = super::super::HookKind::Http;
    http.command = None;
    http.url = Some("http://127.0.0.1:1/h".into());
    http.headers.insert("X-K".into(), "a".into());
    let base = hook_hash(Some(repo.path()), &src, HookEvent::Stop, &http);
    let mut header = http.clone();
    header
        .headers
        .insert("X-K".into(), "$OPENAI_API_KEY".into());
    let mut allowed = http.clone();
    allowed.allowed_env_vars.push("OPENAI_API_KEY".into());
    for changed in [header, allowed] {
        assert_ne!(
            base,
            hook_hash(Some(repo.path()), &src, HookEvent::Stop, &changed)
        );
    }
}

#[test]
fn what_output_is_written_to_is_not_sealed() {
    let repo = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let seen = outside.path().join("seen");
    let script = outside.path().join("s.sh");
    std::fs::write(&seen, "x").unwrap();
    std::fs::write(&script, "x").unwrap();
    let cmd = format!(
        "cat > {} ; bash {} 2>>{} >&2",
        seen.display(),
        script.display(),
        seen.display()
    );
    let names = script_hashes(repo.path(), &cmd);
    let real = std::fs::canonicalize(&script).unwrap();
    assert_eq!(
        names.keys().map(String::as_str).collect::<Vec<_>>(),
        [real.to_str().unwrap()],
        "the script, not the file the output goes to"
    );
}

#[test]
fn the_plugin_hook_hash_made_once_per_folder_is_the_same_as_before() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("hooks")).unwrap();
    std::fs::write(dir.path().join("hooks/a.sh"), "echo \"x\"").unwrap();
    std::fs::write(dir.path().join("b.json"), "{}").unwrap();
    let folder = crate::hooks::plugin_folder::hash(dir.path());
    let before = serde_json::json!({"hook": "ab\"c", "plugin_files": folder.digests});
    let before = hex(&Sha256::digest(before.to_string().as_bytes()));
    assert_eq!(plugin_hook_hash("ab\"c".into(), &folder), before);
}
