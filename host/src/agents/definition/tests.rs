use super::*;

#[test]
fn claude_code_agent_files_read_as_written() {
    let text = "---\nname: code-reviewer\ndescription: Reviews code for quality. Use after writing code.\ntools: Read, Grep, Glob, Bash\nmodel: sonnet\ncolor: blue\n---\n\nYou are a senior code reviewer.\n";
    let def = parse_markdown(text, "code-reviewer").unwrap();
    assert_eq!(def.name, "code-reviewer");
    assert_eq!(
        def.tools.as_deref(),
        Some(
            &[
                "read_file".to_string(),
                "grep".into(),
                "list_dir".into(),
                "shell".into()
            ][..]
        )
    );
    assert_eq!(def.model, None, "Claude's alias means the parent's model");
    assert_eq!(def.prompt, "You are a senior code reviewer.");
    assert!(def.warnings.is_empty(), "{:?}", def.warnings);
}

#[test]
fn quire_keys_and_lenient_warnings() {
    let text = "---\ndescription: Fixes lint\nmax_tokens: 5000\nisolation: worktree\nskills: [rust-lint]\nflavour: x\n---\nFix it.";
    let def = parse_markdown(text, "linter").unwrap();
    assert_eq!(def.name, "linter", "the file name when name: is missing");
    assert_eq!(def.max_tokens, Some(5000));
    assert_eq!(def.isolation, Some(Isolation::Worktree));
    assert_eq!(def.skills, Some(vec!["rust-lint".to_string()]));
    assert_eq!(
        def.warnings,
        vec!["unknown key 'flavour' ignored".to_string()]
    );
}

#[test]
fn codex_toml_agents() {
    let text = "name = \"python_expert\"\ndescription = \"Python work\"\ndeveloper_instructions = \"\"\"\nUse type hints.\n\"\"\"\nmodel = \"gpt-5\"\nsandbox_mode = \"read-only\"\n";
    let def = parse_toml(text, "x").unwrap();
    assert_eq!(def.name, "python_expert");
    assert_eq!(def.prompt, "Use type hints.");
    assert_eq!(def.model.as_deref(), Some("gpt-5"));
    assert_eq!(def.sandbox, Some(crate::tools::SandboxMode::ReadOnly));
    assert!(def.warnings.is_empty(), "{:?}", def.warnings);
}

#[test]
fn codex_sandbox_modes_are_kept_or_named() {
    let with = |mode: &str| {
        let text = format!("description = \"d\"\nsandbox_mode = \"{mode}\"\n");
        parse_toml(&text, "x").unwrap()
    };
    assert_eq!(
        with("workspace-write").sandbox,
        Some(crate::tools::SandboxMode::WorkspaceWrite)
    );
    let full = with("danger-full-access");
    assert_eq!(full.sandbox, None);
    assert!(
        full.warnings[0].contains("'danger-full-access' is not granted"),
        "{:?}",
        full.warnings
    );
    let typo = with("readonly");
    assert_eq!(typo.sandbox, None);
    assert!(
        typo.warnings[0].contains("did you mean 'read-only'"),
        "{:?}",
        typo.warnings
    );
}

#[test]
fn hooks_and_mcp_servers_in_a_definition_are_named_as_not_supported() {
    let text = "---\nname: db-reader\ndescription: Reads the database\nhooks:\n  PreToolUse:\n    - matcher: \"Bash\"\n      hooks:\n        - type: command\n          command: \"./scripts/validate-readonly-query.sh\"\n---\nRead.";
    let def = parse_markdown(text, "db-reader").unwrap();
    assert_eq!(def.warnings.len(), 1, "{:?}", def.warnings);
    assert!(
        def.warnings[0].starts_with("hooks are not supported in an agent definition"),
        "{:?}",
        def.warnings
    );
    let toml = "description = \"d\"\n[mcp_servers.docs]\ncommand = \"docs-mcp\"\n";
    let def = parse_toml(toml, "x").unwrap();
    assert!(
        def.warnings[0].starts_with("mcp_servers is not supported"),
        "{:?}",
        def.warnings
    );
}

#[test]
fn missing_description_and_bad_names_are_errors_that_say_what_to_do() {
    let e = parse_markdown("---\nname: a\n---\nx", "a").unwrap_err();
    assert!(e.contains("description is missing"), "{e}");
    let e = parse_markdown("---\nname: a b/c\ndescription: d\n---\n", "a").unwrap_err();
    assert!(e.contains("not usable"), "{e}");
    let e = parse_markdown("no frontmatter", "a").unwrap_err();
    assert!(e.contains("frontmatter"), "{e}");
}

#[test]
fn a_definition_over_the_limit_is_refused_naming_the_file_size_and_limit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.md");
    let mut text = String::from("---\ndescription: big\n---\n");
    text.push_str(&"x".repeat(MAX_DEFINITION_BYTES as usize));
    std::fs::write(&path, &text).unwrap();
    let e = read(&path).unwrap_err();
    assert!(
        e.contains(&format!("huge.md is {} bytes", text.len())),
        "{e}"
    );
    assert!(
        e.contains("the limit for an agent definition is 1048576 bytes"),
        "{e}"
    );
    let small = dir.path().join("small.md");
    std::fs::write(&small, "---\ndescription: small\n---\nok").unwrap();
    assert_eq!(read(&small).unwrap().prompt, "ok");
}

#[test]
fn an_unknown_lowercase_tool_is_reported_with_the_closest_known_name() {
    let text = "---\nname: typo\ndescription: d\ntools: read_fle, grpe, nonexistent_tool, shell, mcp__git__log, calc__add\n---\nP.\n";
    let def = parse_markdown(text, "typo").unwrap();
    assert_eq!(def.warnings.len(), 3, "{:?}", def.warnings);
    assert!(
        def.warnings[0].contains("tool 'read_fle' is no quire tool; did you mean 'read_file'?"),
        "{:?}",
        def.warnings
    );
    assert!(
        def.warnings[1].contains("did you mean 'grep'?"),
        "{:?}",
        def.warnings
    );
    assert!(
        def.warnings[2].contains("'nonexistent_tool' is no quire tool"),
        "{:?}",
        def.warnings
    );
    assert!(
        !def.warnings[2].contains("did you mean"),
        "{:?}",
        def.warnings
    );
}

#[test]
fn every_known_tool_name_is_accepted_quietly() {
    let text = format!(
        "---\nname: all\ndescription: d\ntools: {}\n---\nP.\n",
        KNOWN_TOOLS.join(", ")
    );
    let def = parse_markdown(&text, "all").unwrap();
    assert!(def.warnings.is_empty(), "{:?}", def.warnings);
}

#[test]
fn the_known_tools_include_every_builtin_tool() {
    for tool in crate::tools::builtin_tools(1000) {
        let name = tool.spec().name.clone();
        assert!(KNOWN_TOOLS.contains(&name.as_str()), "{name}");
    }
}

#[test]
fn a_permission_mode_is_named_as_not_supported() {
    let text = "---\ndescription: Edits freely\npermissionMode: acceptEdits\n---\nEdit.";
    let def = parse_markdown(text, "editor").unwrap();
    assert_eq!(
        def.warnings,
        vec![
            "permissionMode 'acceptEdits' is not supported: the agent runs with the session's approval policy and sandbox (only 'plan', read-only, is kept); ignored"
                .to_string()
        ]
    );
    assert_eq!(def.sandbox, None);
}

#[test]
fn claudes_plan_permission_mode_makes_the_agent_read_only() {
    let text = "---\ndescription: Looks around\npermissionMode: plan\n---\nLook.";
    let def = parse_markdown(text, "planner").unwrap();
    assert!(def.warnings.is_empty(), "{:?}", def.warnings);
    assert_eq!(def.sandbox, Some(SandboxMode::ReadOnly));
}

#[test]
fn a_tool_with_a_pattern_is_one_entry_read_the_narrow_way() {
    let text = "---\nname: status\ndescription: Looks at git\ntools: Read, Bash(git status:*), Grep\ndisallowedTools: Write(src/**)\n---\nLook.";
    let def = parse_markdown(text, "status").unwrap();
    // Not split into `Bash(git` and `status:*)`; shell is not given, since
    // quire cannot limit it to `git status`.
    assert_eq!(
        def.tools,
        Some(vec!["read_file".to_string(), "grep".into()])
    );
    // A refused pattern refuses the whole tool.
    assert_eq!(def.disallowed_tools, vec!["apply_patch".to_string()]);
    assert_eq!(def.warnings.len(), 2, "{:?}", def.warnings);
    assert!(
        def.warnings[0].contains("tools 'Bash(git status:*)'")
            && def.warnings[0].contains("cannot limit shell to 'git status:*'")
            && def.warnings[0].contains("does not get shell")
            && def.warnings[0].contains("write 'Bash'"),
        "{:?}",
        def.warnings
    );
    assert!(
        def.warnings[1].contains("disallowedTools 'Write(src/**)'")
            && def.warnings[1].contains("gets no apply_patch at all"),
        "{:?}",
        def.warnings
    );
    // A pattern on a tool quire does not know is named as such, whole.
    let text = "---\ndescription: Fetches\ntools: WebFetch(domain:example.com), Read\n---\nGo.";
    let def = parse_markdown(text, "fetch").unwrap();
    assert_eq!(
        def.tools,
        Some(vec!["WebFetch".to_string(), "read_file".into()])
    );
    assert_eq!(
        def.warnings,
        vec!["tool 'WebFetch' has no quire equivalent; ignored".to_string()]
    );
}

#[test]
fn a_pattern_beside_its_tool_named_whole_adds_nothing_and_warns_nothing() {
    let text = "---\ndescription: Mixed\ntools: shell, nosuchtool, Bash(git status:*)\ndisallowedTools: Write, Edit(src/**)\n---\nGo.";
    let def = parse_markdown(text, "mixed").unwrap();
    // shell is given whole: the pattern entry does not take it away.
    assert_eq!(
        def.tools,
        Some(vec!["shell".to_string(), "nosuchtool".into()])
    );
    assert_eq!(def.disallowed_tools, vec!["apply_patch".to_string()]);
    assert_eq!(def.warnings.len(), 1, "{:?}", def.warnings);
    assert!(
        def.warnings[0].contains("tool 'nosuchtool' is no quire tool"),
        "{:?}",
        def.warnings
    );
    assert!(is_quire_tool("shell") && is_quire_tool("github__search"));
    assert!(!is_quire_tool("nosuchtool") && !is_quire_tool("WebFetch"));
    assert!(is_quire_tool("*") && is_quire_tool("mcp__gh__*") && is_quire_tool("read_*"));
    assert!(!is_quire_tool("mcp__github") && !is_quire_tool("nope*"));
}

#[test]
fn claudes_task_or_agent_gives_and_refuses_the_whole_subagent_family() {
    let family = ["spawn_agent", "wait_agents", "send_agent", "close_agent"];
    for name in ["Task", "Agent"] {
        let text = format!("---\ndescription: d\ntools: Read, {name}\n---\nGo.");
        let def = parse_markdown(&text, "lead").unwrap();
        let mut want = vec!["read_file".to_string()];
        want.extend(family.map(String::from));
        assert_eq!(def.tools, Some(want));
        assert!(def.warnings.is_empty(), "{:?}", def.warnings);
        let text = format!("---\ndescription: d\ndisallowedTools: {name}\n---\nGo.");
        let def = parse_markdown(&text, "solo").unwrap();
        assert_eq!(def.disallowed_tools, family.map(String::from));
    }
    // quire's own name stays the one tool it names.
    let def = parse_markdown("---\ndescription: d\ntools: spawn_agent\n---\nGo.", "s").unwrap();
    assert_eq!(def.tools, Some(vec!["spawn_agent".to_string()]));
}
